"""亩均效益综合评价（per-mu efficiency）: indicators, scoring, classes, exemptions — one Ibis
expression over a firm frame, run unchanged on DuckDB (default) or PySpark.

Indicators: the ratios of :data:`xinzhi.enterprise.presets.INDICATORS` (table with formulas and
units in :mod:`xinzhi.enterprise.presets`) and a preset's own ratios; a zero or NULL denominator
gives NULL (missing), never infinity.

Lists (分类名单), rated separately within each county (``region_code``)
-------------------------------------------------------------------------
规上 ``above_scale`` (``above_scale`` true; NULL counts as 规下) · 规下 with land ≥ the
preset's ``land_threshold`` (default 3 亩) ``small_land`` · 规下 below it ``small_tiny`` · 规下
without own land (``land_area`` NULL or 0) ``tenant``. A firm whose list the preset does not
rate is class T with the reason "不在本办法评价范围".

Exemptions (class T, with the reason), in this order: 公用事业 (``utility`` true, or the
2-digit division in ``utility_divisions``, e.g. 44–46); 新投产 — months in production by the end
of the data year ``Y``, counting the start month, ``12·(Y − year(ps)) + 13 − month(ps)`` below
``new_production_months`` (production started 2023-01 → 24 months at the end of 2024); 初创期
科技型 — ``label_tech_sme`` and ``Y − year(founded) < startup_tech_years``. Without a data year
(argument ``year`` or column ``year``) the two date rules do not apply.

Points (per indicator *j*, weight *w_j*; statistics over the *rated* firms of the same list and
county, or of the same park when ``basis: park``)
--------------------------------------------------------------------------------------------
benchmark (黄岩 黄政发〔2018〕12号 style; 淮安 2024)::

    benchmark_j = k · mean_j             (mean of the firms' values, or Σnum/Σden if pooled;
                                          a fixed ``benchmark`` in the preset overrides)
    ratio_j     = x_j / benchmark_j      (negative indicators: benchmark_j / x_j)
    points_j    = w_j · min(max(ratio_j, floor), cap)

minmax (旌德 style)::

    s_j      = 20 + 80 · (x_j − min_j) / (max_j − min_j)   (negative: (max_j − x_j)); max = min → 100
    points_j = w_j · s_j / 100

Missing value of an indicator the list uses: ``zero`` → 0 points; ``average`` → the mean
points of the list's rated firms that have it (per list, overridable per indicator).

Score = Σ points_j + min(Σ bonus items, bonus_cap) − min(Σ |deduction items|, deduction_cap).

Classes within a list: ``thresholds`` (score ≥ A → A, ≥ B → B, ≥ C → C, else D) or
``percentile``: the *n* rated firms are ranked by score (1 = best; tied scores share the better
rank, SQL ``RANK``); with cumulative shares *c_A*, *c_AB*, *c_ABC* in percent the boundaries are
``b = floor(n·c/100 + 0.5)`` (round half up) and a firm of rank *r* is A if r ≤ b_A, B if
r ≤ b_AB, C if r ≤ b_ABC, else D — so the four counts always add up to *n* (ties can push a
firm into the better class).

Examples
--------
Four 规上 firms, one indicator 亩均税收 (weight 100, benchmark = 1 × mean, no cap), classes by
quartiles. 亩均税收 = 10, 20, 30, 40 万元/亩 → mean 25; points = 100 × x / 25 = 40, 80, 120, 160;
n = 4 → b_A = 1, b_AB = 2, b_ABC = 3:

>>> import pandas as pd
>>> from xinzhi.enterprise.presets import parse_preset
>>> p = parse_preset({"key": "demo", "name": "示例", "source": {"issuer": "示例数据"},
...     "lists": {"above_scale": {"indicators": {"tax_per_mu": 100}}},
...     "classes": {"method": "percentile", "shares": {"A": 25, "B": 25, "C": 25, "D": 25}}})
>>> firms = pd.DataFrame({"credit_code": ["a", "b", "c", "d"], "above_scale": True,
...     "land_area": [10.0, 10.0, 10.0, 10.0], "tax": [100.0, 200.0, 300.0, 400.0]})
>>> r = evaluate_mujun(firms, p)
>>> r.tidy()[["credit_code", "tax_per_mu", "score", "class"]].values.tolist()
[['d', 40.0, 160.0, 'A'], ['c', 30.0, 120.0, 'B'], ['b', 20.0, 80.0, 'C'], ['a', 10.0, 40.0, 'D']]

Where to look
-------------
* Presets and validation: :mod:`xinzhi.enterprise.presets`; policy simulation:
  :mod:`xinzhi.enterprise.simulation`.
* Docs: ``docs/enterprise_mujun.md``. Tests: ``tests/enterprise/test_mujun.py``,
  ``tests/enterprise/test_mujun_presets.py``.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from xinzhi.enterprise._compiled import execute, execute_arrow, in_memory, to_pandas
from xinzhi.enterprise.presets import (
    CLASSES,
    INDICATORS,
    LIST_KEYS,
    LIST_LABELS,
    ClassRule,
    MujunPreset,
)
from xinzhi.enterprise.presets import (
    preset as builtin_preset,
)
from xinzhi.errors import InputError
from xinzhi.results import Result

if TYPE_CHECKING:
    from collections.abc import Mapping

    import ibis.expr.types as ir

__all__ = [
    "CLASS_COLOURS",
    "INDICATORS",
    "MujunResult",
    "class_expr",
    "evaluate_mujun",
    "evaluate_mujun_years",
    "movement",
    "mujun_expr",
    "mujun_years_expr",
]

_NUMERIC = (
    "land_area",
    "tax",
    "revenue",
    "value_added",
    "energy",
    "emissions",
    "electricity",
    "rd_expenditure",
    "tech_investment",
    "employees",
    "longitude",
    "latitude",
)
_TEXT = ("credit_code", "name", "region_code", "park", "division", "industry_code")
_BOOL = ("above_scale", "utility", "label_tech_sme")
_DATES = ("production_start", "founded")
_ORDER = {c: i for i, c in enumerate(CLASSES)}
CLASS_COLOURS = {"A": "#15803D", "B": "#2563EB", "C": "#D97706", "D": "#B91C1C", "T": "#6B7280"}
"""Colours of the classes in the workbook and on the web page."""


def _resolve(p: MujunPreset | str) -> MujunPreset:
    return builtin_preset(p) if isinstance(p, str) else p


def _column(t: ir.Table, name: str, dtype: str) -> ir.Value:
    import ibis

    if name in t.columns:
        return t[name].cast(dtype)
    return ibis.null().cast(dtype)


def _prepare(t: ir.Table, p: MujunPreset, year: int | None) -> ir.Table:
    """Typed columns the expression reads; absent columns are all-NULL (needs data)."""
    import ibis

    if "credit_code" not in t.columns:
        raise InputError("企业数据缺少统一社会信用代码列 credit_code")
    cols: dict[str, Any] = {c: _column(t, c, "string") for c in _TEXT}
    numeric = set(_NUMERIC)
    for key in p.used_indicators():
        ind = p.indicator(key)
        numeric |= {ind.numerator, ind.denominator}
    boolean = set(_BOOL)
    for adj in p.adjustments:
        if adj.min is not None or adj.per is not None:
            numeric |= set(adj.fields)
        else:
            boolean |= set(adj.fields)
    for v in p.veto:
        boolean |= set(v.fields)
    cols.update({c: _column(t, c, "float64") for c in sorted(numeric)})
    cols.update({c: _column(t, c, "boolean") for c in sorted(boolean)})
    cols.update({c: _column(t, c, "date") for c in _DATES})
    if year is not None:
        cols["year"] = ibis.literal(int(year)).cast("int64")
    else:
        cols["year"] = _column(t, "year", "int64")
    out = t.select(**cols)
    div = out.division.fill_null(out.industry_code.substr(0, 2))
    return out.mutate(division=div)


def _list_key(t: ir.Table, p: MujunPreset) -> ir.Value:
    import ibis

    land = t.land_area
    return ibis.cases(
        (t.above_scale.fill_null(False), "above_scale"),
        (land.isnull() | (land <= 0), "tenant"),
        (land >= p.land_threshold, "small_land"),
        else_="small_tiny",
    )


def _exemption(t: ir.Table, p: MujunPreset) -> ir.Value:
    import ibis

    ex = p.exemptions
    branches: list[tuple[Any, str]] = []
    if ex.utility:
        cond = t.utility.fill_null(False)
        if ex.utility_divisions:
            cond = cond | t.division.isin(list(ex.utility_divisions)).fill_null(False)
        branches.append((cond, "公用事业（水、电、气、热等供应企业），不参与评价"))
    if ex.new_production_months is not None:
        ps = t.production_start
        months = (t.year - ps.year()) * 12 + 13 - ps.month()
        branches.append(
            (
                (months < ex.new_production_months).fill_null(False),
                f"新投产企业（至评价年末投产不足 {ex.new_production_months} 个月）",
            )
        )
    if ex.startup_tech_years is not None:
        young = (t.year - t.founded.year()) < ex.startup_tech_years
        branches.append(
            (
                (t.label_tech_sme.fill_null(False) & young.fill_null(False)),
                f"初创期科技型中小企业（成立不足 {ex.startup_tech_years} 年）",
            )
        )
    for lk in LIST_KEYS:
        if lk not in p.lists:
            branches.append(
                (t.list_key == lk, f"不在本办法评价范围（{LIST_LABELS[lk]}），不参与评价")
            )
    if not branches:
        return ibis.null().cast("string")
    return ibis.cases(*branches, else_=ibis.null().cast("string"))


def _by_list(t: ir.Table, values: dict[str, Any], dtype: str = "float64") -> ir.Value:
    """``values[list_key]`` for the firm's list (NULL for lists not given)."""
    import ibis

    branches = [(t.list_key == lk, ibis.literal(v).cast(dtype)) for lk, v in values.items()]
    if not branches:
        return ibis.null().cast(dtype)
    return ibis.cases(*branches, else_=ibis.null().cast(dtype))


def _add_points(t: ir.Table, p: MujunPreset) -> ir.Table:
    import ibis

    # the data year leads every group: several years evaluated in one query stay apart
    group = ["year", "region_code", "list_key", "rated"]
    stats_group = group + (["park"] if p.basis == "park" else [])
    for key in p.used_indicators():
        ind = p.indicator(key)
        num, den = t[ind.numerator], t[ind.denominator]
        t = t.mutate(**{key: num / den.nullif(0)})
        w_stats = ibis.window(group_by=[t[c] for c in stats_group])
        x, num, den = t[key], t[ind.numerator], t[ind.denominator]
        weights = {
            lk: wi.weight for lk, r in p.lists.items() for wi in r.indicators if wi.key == key
        }
        w = _by_list(t, weights)
        uses = t.list_key.isin(list(weights)) & t.rated
        x_rated = ibis.cases((t.rated, x), else_=ibis.null().cast("float64"))
        if p.method == "benchmark":
            if p.mean == "pooled":
                ok = t.rated & x.notnull()
                n_r = ibis.cases((ok, num), else_=ibis.null().cast("float64"))
                d_r = ibis.cases((ok, den), else_=ibis.null().cast("float64"))
                mean = n_r.sum().over(w_stats) / d_r.sum().over(w_stats).nullif(0)
            else:
                mean = x_rated.mean().over(w_stats)
            fixed = {
                lk: wi.benchmark
                for lk, r in p.lists.items()
                for wi in r.indicators
                if wi.key == key and wi.benchmark is not None
            }
            bench = _by_list(t, fixed).fill_null(mean * p.k) if fixed else mean * p.k
            t = t.mutate(**{f"{key}_benchmark": ibis.cases((uses, bench), else_=None)})
            b = t[f"{key}_benchmark"]
            w = _by_list(t, weights)
            uses = t.list_key.isin(list(weights)) & t.rated
            if ind.direction == "negative":
                ratio = b / t[key].nullif(0)
            else:
                ratio = t[key] / b.nullif(0)
            ratio = (
                ratio.clip(lower=p.floor, upper=p.cap)
                if p.cap is not None
                else ratio.clip(lower=p.floor)
            )
            raw = w * ratio
        else:
            mn, mx = x_rated.min().over(w_stats), x_rated.max().over(w_stats)
            span = mx - mn
            if ind.direction == "negative":
                s = 20 + 80 * (mx - x) / span.nullif(0)
            else:
                s = 20 + 80 * (x - mn) / span.nullif(0)
            s = ibis.cases((x.notnull() & (span == 0), 100.0), else_=s)
            raw = w * s / 100
        t = t.mutate(_raw=ibis.cases((uses, raw), else_=ibis.null().cast("float64")))
        avg = t._raw.mean().over(ibis.window(group_by=[t[c] for c in group])).fill_null(0.0)
        rules: dict[str, str] = {
            lk: (wi.missing or r.missing)
            for lk, r in p.lists.items()
            for wi in r.indicators
            if wi.key == key
        }
        fill = ibis.cases(
            *[(t.list_key == lk, avg if rule == "average" else 0.0) for lk, rule in rules.items()],
            else_=0.0,
        )
        missing = uses & t._raw.isnull()
        t = t.mutate(
            **{
                f"{key}_missing": missing,
                f"{key}_points": ibis.cases((missing, fill), else_=t._raw),
            }
        ).drop("_raw")
    return t


def _add_adjustments(t: ir.Table, p: MujunPreset) -> ir.Table:
    import ibis

    bonus: Any = ibis.literal(0.0)
    deduction: Any = ibis.literal(0.0)
    for adj in p.adjustments:
        if adj.min is not None:
            val = ibis.cases(
                ((t[adj.fields[0]] >= adj.min).fill_null(False), adj.points), else_=0.0
            )
        elif adj.per is not None:
            val = (t[adj.fields[0]] / adj.per).floor().fill_null(0) * adj.points
        else:
            hit: Any = ibis.literal(False)
            for f in adj.fields:
                hit = hit | t[f].fill_null(False)
            val = ibis.cases((hit, adj.points), else_=0.0)
        if adj.cap is not None:
            val = val.clip(lower=-adj.cap, upper=adj.cap)
        val = ibis.cases((t.rated, val.cast("float64")), else_=ibis.null().cast("float64"))
        t = t.mutate(**{f"adj_{adj.key}": val})
        if adj.points > 0:
            bonus = bonus + t[f"adj_{adj.key}"].fill_null(0.0)
        else:
            deduction = deduction - t[f"adj_{adj.key}"].fill_null(0.0)
    if p.bonus_cap is not None:
        bonus = bonus.clip(upper=p.bonus_cap)
    if p.deduction_cap is not None:
        deduction = deduction.clip(upper=p.deduction_cap)
    null = ibis.null().cast("float64")
    return t.mutate(
        bonus=ibis.cases((t.rated, bonus), else_=null),
        deduction=ibis.cases((t.rated, deduction), else_=null),
    )


def class_expr(t: ir.Table, rules: dict[str, ClassRule], default: ClassRule) -> ir.Table:
    """Rank (``rank``, 1 = best, RANK ties), ``n_rated`` and ``class`` within each
    (region_code, list_key) of the rated firms (``rated`` true, ``score``); others class T.
    A ``year`` column, when present, leads the groups (several data years in one table are
    ranked apart).

    ``rules`` maps a list key to its class rule; lists not in it use ``default``.
    """
    import ibis

    group = [t.region_code, t.list_key, t.rated]
    if "year" in t.columns:
        group = [t.year, *group]
    w_rank = ibis.window(group_by=group, order_by=[ibis.desc(t.score)])
    t = t.mutate(
        rank=ibis.cases((t.rated, ibis.rank().over(w_rank) + 1), else_=ibis.null().cast("int64")),
        n_rated=ibis.cases(
            (t.rated, t.score.count().over(ibis.window(group_by=group))),
            else_=ibis.null().cast("int64"),
        ),
    )
    branches = []
    for lk in LIST_KEYS:
        rule = rules.get(lk, default)
        if rule.method == "percentile":
            assert rule.shares is not None
            cum = np.cumsum(rule.shares)[:3]
            bounds = [(t.n_rated * float(c) / 100.0 + 0.5 + 1e-9).floor() for c in cum]
            cls = ibis.cases(
                (t["rank"] <= bounds[0], "A"),
                (t["rank"] <= bounds[1], "B"),
                (t["rank"] <= bounds[2], "C"),
                else_="D",
            )
        else:
            assert rule.thresholds is not None
            a, b, c = rule.thresholds
            cls = ibis.cases(
                (t.score >= a, "A"), (t.score >= b, "B"), (t.score >= c, "C"), else_="D"
            )
        branches.append((t.list_key == lk, cls))
    return t.mutate(**{"class": ibis.cases((~t.rated, "T"), *branches, else_="T")})


def mujun_expr(firms: ir.Table, preset: MujunPreset | str, *, year: int | None = None) -> ir.Table:
    """The whole 亩均 evaluation as one Ibis expression (any backend).

    Parameters
    ----------
    firms : ibis Table
        The firm frame (columns of :mod:`xinzhi.codes.firm_fields`; absent ones are all-NULL).
    preset : MujunPreset or str
        A validated preset or the name of a shipped one.
    year : int, optional
        Data year (上年度) for the exemption dates; default the frame's ``year`` column.

    Returns
    -------
    ibis Table
        One row per firm: credit_code, name, region_code, park, list_key, land_area, tax,
        electricity, exemption (reason of T or NULL), rated, per indicator ``<key>``,
        ``<key>_benchmark`` (benchmark method), ``<key>_points``, ``<key>_missing``; ``adj_<key>``
        per bonus/deduction item, bonus, deduction, score, rank, n_rated, class.
    """
    p = _resolve(preset)
    return _score(_prepare(firms, p, year), p)


def mujun_years_expr(frames: Mapping[int, ir.Table], preset: MujunPreset | str) -> ir.Table:
    """Several data years' evaluations as one Ibis expression: each year's firm frame typed as
    in :func:`mujun_expr` (data year ``year``), the frames stacked (UNION ALL) and scored once
    with every benchmark, mean, rank and class computed within its year — each year's rows
    equal :func:`mujun_expr` on that year's frame alone.

    Parameters
    ----------
    frames : mapping of int to ibis Table
        Data year → that year's firm frame.
    preset : MujunPreset or str
        A validated preset or the name of a shipped one.

    Returns
    -------
    ibis Table
        The columns of :func:`mujun_expr` (``year`` tells the years apart).
    """
    import ibis

    p = _resolve(preset)
    if not frames:
        raise InputError("多年度亩均评价至少需要一个年度的企业数据")
    parts = [_prepare(t, p, int(y)) for y, t in frames.items()]
    return _score(ibis.union(*parts, distinct=False) if len(parts) > 1 else parts[0], p)


def _score(t: ir.Table, p: MujunPreset) -> ir.Table:
    """Lists, exemptions, points, adjustments, score and classes of a prepared frame."""
    import ibis

    t = t.mutate(list_key=_list_key(t, p))
    t = t.mutate(exemption=_exemption(t, p))
    t = t.mutate(rated=t.exemption.isnull())
    t = _add_points(t, p)
    t = _add_adjustments(t, p)
    total: Any = ibis.literal(0.0)
    for key in p.used_indicators():
        total = total + t[f"{key}_points"].fill_null(0.0)
    t = t.mutate(
        score=ibis.cases(
            (t.rated, total + t.bonus - t.deduction), else_=ibis.null().cast("float64")
        )
    )
    rules = {lk: r.classes for lk, r in p.lists.items() if r.classes is not None}
    return _apply_veto(class_expr(t, rules, p.classes), p)


def _apply_veto(t: ir.Table, p: MujunPreset) -> ir.Table:
    """一票否决: a rated firm with a veto field true gets at most the veto's class (worst of
    its own and the veto's); ``veto`` names the items that applied (NULL: none)."""
    import ibis

    if not p.veto:
        return t.mutate(veto=ibis.null().cast("string"))
    order = {c: i for i, c in enumerate(CLASSES)}
    hit: dict[str, Any] = {}
    for v in p.veto:
        any_true: Any = ibis.literal(False)
        for f in v.fields:
            any_true = any_true | t[f].fill_null(False)
        hit[v.key] = t.rated & any_true
    rank = t["class"].cases(*((c, i) for c, i in order.items()), else_=-1)
    worst: Any = rank
    for v in p.veto:
        worst = ibis.cases((hit[v.key], ibis.greatest(worst, order[v.worst])), else_=worst)
    names: Any = ibis.literal("")
    for v in p.veto:
        names = names + ibis.cases((hit[v.key], "；" + v.label), else_="")
    cls = ibis.cases(*((worst == i, c) for c, i in order.items()), else_=t["class"])
    return t.mutate(
        **{"class": ibis.cases((t.rated, cls), else_=t["class"])},
        veto=ibis.cases((names == "", ibis.null().cast("string")), else_=names.substr(1)),
    )


# ---------------------------------------------------------------------------------------------
# result


def _fmt(s: pd.Series) -> pd.Series:
    return s.map(lambda v: "" if pd.isna(v) else f"{float(v):.4g}")


def _reasons(df: pd.DataFrame, p: MujunPreset) -> pd.Series:
    """Chinese explanation per firm (vectorised over firms, looping over indicators)."""
    parts: list[pd.Series] = []
    rated = df["rated"].astype(bool)
    n = df["n_rated"].astype("Int64").astype(str)
    r = df["rank"].astype("Int64").astype(str)
    parts.append(pd.Series(np.where(rated, "名单内第 " + r + "/" + n + " 名", ""), index=df.index))
    for key in p.used_indicators():
        ind = p.indicator(key)
        x = df[key]
        miss = df[f"{key}_missing"].fillna(False).astype(bool)
        rule_avg = {
            lk
            for lk, rr in p.lists.items()
            for wi in rr.indicators
            if wi.key == key and (wi.missing or rr.missing) == "average"
        }
        how = np.where(df["list_key"].isin(rule_avg), "按名单平均分计", "计 0 分")
        parts.append(
            pd.Series(np.where(miss, f"缺少{ind.label}数据（" + how + "）", ""), index=df.index)
        )
        if p.method == "benchmark":
            b = df[f"{key}_benchmark"]
            if ind.direction == "negative":
                low = rated & ~miss & (x > 2 * b)
                text = f"{ind.label} " + _fmt(x) + f" {ind.unit}，高于基准 " + _fmt(b) + " 的两倍"
            else:
                low = rated & ~miss & (x < 0.5 * b)
                text = f"{ind.label} " + _fmt(x) + f" {ind.unit}，低于基准 " + _fmt(b) + " 的一半"
        else:
            w = df["list_key"].map(
                {
                    lk: wi.weight
                    for lk, rr in p.lists.items()
                    for wi in rr.indicators
                    if wi.key == key
                }
            )
            s = df[f"{key}_points"] / w * 100
            low = rated & ~miss & (s < 40)
            text = f"{ind.label} " + _fmt(x) + f" {ind.unit}，标准化得分 " + _fmt(s) + "（20–100）"
        parts.append(pd.Series(np.where(low.fillna(False), text, ""), index=df.index))
    for adj in p.adjustments:
        v = df[f"adj_{adj.key}"].fillna(0.0)
        word = "加" if adj.points > 0 else "扣"
        parts.append(
            pd.Series(
                np.where(v != 0, f"{adj.label}{word} " + _fmt(v.abs()) + " 分", ""), index=df.index
            )
        )
    if "veto" in df:
        veto = df["veto"].fillna("")
        parts.append(pd.Series(np.where(veto != "", "一票否决：" + veto, ""), index=df.index))
    exempt = df["exemption"].fillna("")
    out: pd.Series = pd.Series("", index=df.index, dtype=object)
    for s in parts:
        joined: pd.Series = pd.Series(np.where(out == "", s, out + "；" + s), index=df.index)
        out = out.where(s == "", joined)
    return pd.Series(np.where(rated, out, exempt), index=df.index)


class MujunResult(Result):
    """Result of :func:`evaluate_mujun`: per-firm scores, classes and reasons.

    Attributes
    ----------
    table : DataFrame
        The executed :func:`mujun_expr` (all columns, sorted by list, rank).
    preset : MujunPreset
        The preset that made it.
    year : int or None
        The data year given.
    previous : MujunResult or None
        The evaluation of the data year before, for the movement (:func:`movement`).
    county : str or None
        The county of the firms (None: all).
    """

    def __init__(
        self,
        table: pd.DataFrame,
        preset: MujunPreset,
        year: int | None,
        *,
        previous: MujunResult | None = None,
        county: str | None = None,
    ) -> None:
        self.table = table
        self.preset = preset
        self.year = year
        #: The same preset on the data year before (its classes give the column ``change``).
        self.previous = previous
        #: The county the firms were narrowed to (6-digit code; None: every county).
        self.county = county

    def excel_headers(self) -> dict[str, str]:
        h = {
            "credit_code": "统一社会信用代码",
            "name": "企业名称",
            "region_code": "县（区）代码",
            "park": "园区",
            "list": "名单",
            "bonus": "加分",
            "deduction": "减分",
            "score": "综合得分",
            "class": "类别",
            "rank": "名单内排名",
            "reason": "说明",
            "firms": "企业数",
            "land_area": "用地面积（亩）",
            "tax": "实缴税金（万元）",
            "tax_per_mu": "亩均税收（万元/亩）",
            "class_prev": "上年类别",
            "change": "较上年",
            "total": "合计",
        }
        for key in self.preset.used_indicators():
            ind = self.preset.indicator(key)
            h.setdefault(key, f"{ind.label}（{ind.unit}）")
            h[f"{key}_points"] = f"{ind.label}得分"
        return h

    def tidy(self) -> pd.DataFrame:
        """One row per firm: credit_code, name, region_code, park, list, each indicator value
        and ``<key>_points``, bonus, deduction, score, class (A/B/C/D/T), rank, reason (and
        class_prev, change with :attr:`previous`). Computed once per table, preset and previous
        result (the page and the firm card both read it); each call returns a copy."""
        made = (self.table, self.preset, self.previous)
        memo = getattr(self, "_tidy_memo", None)
        if memo is None or any(a is not b for a, b in zip(memo[0], made, strict=True)):
            memo = (made, self._tidy())
            self._tidy_memo = memo
        out: pd.DataFrame = memo[1].copy()
        return out

    def _tidy(self) -> pd.DataFrame:
        df = self.table
        cols = ["credit_code", "name", "region_code", "park"]
        out = df[cols].copy()
        out["list"] = df["list_key"].map(LIST_LABELS)
        for key in self.preset.used_indicators():
            out[key] = df[key]
            out[f"{key}_points"] = df[f"{key}_points"]
        for c in ("bonus", "deduction", "score", "class", "rank"):
            out[c] = df[c]
        out["rank"] = out["rank"].astype("Int64")
        out["reason"] = _reasons(df, self.preset)
        if self.previous is not None:
            moved = movement(self, self.previous).set_index("credit_code")
            out["class_prev"] = out["credit_code"].map(moved["class_prev"])
            out["change"] = out["credit_code"].map(moved["change"])
        return out.reset_index(drop=True)

    def class_counts(self) -> pd.DataFrame:
        """Firms per list and class: columns list, A, B, C, D, T, total."""
        df = self.table
        ct = pd.crosstab(df["list_key"], df["class"])
        ct = ct.reindex(columns=[*CLASSES, "T"], fill_value=0)
        ct = ct.reindex([lk for lk in LIST_KEYS if lk in ct.index])
        ct["total"] = ct.sum(axis=1)
        ct.index = ct.index.map(LIST_LABELS)
        return ct.rename_axis("list").reset_index().rename_axis(None, axis=1)

    def class_shares(self) -> pd.DataFrame:
        """Per list: firms (``total``), rated firms (``rated`` = A + B + C + D), each class's
        count and its share of the rated firms (``A_share`` …, NULL when none is rated), T."""
        c = self.class_counts()
        rated = c[list(CLASSES)].sum(axis=1)
        out = c[["list", "total"]].assign(rated=rated)
        for k in CLASSES:
            out[k] = c[k]
            out[f"{k}_share"] = (c[k] / rated).where(rated > 0)
        out["T"] = c["T"]
        return out

    def park_totals(self) -> pd.DataFrame:
        """Per park: firms, land (亩), tax (万元), 亩均税收 = Σtax / Σland over the firms with
        both, and counts by class (A, B, C, D, T)."""
        df = self.table.copy()
        df["park"] = df["park"].fillna("（未填园区）")
        both = df["tax"].notna() & df["land_area"].notna() & (df["land_area"] > 0)
        df["_land"] = df["land_area"].where(both)
        df["_tax"] = df["tax"].where(both)
        g = df.groupby("park", sort=True)
        out = pd.DataFrame(
            {
                "firms": g.size(),
                "land_area": g["land_area"].sum(min_count=1),
                "tax": g["tax"].sum(min_count=1),
            }
        )
        out["tax_per_mu"] = g["_tax"].sum(min_count=1) / g["_land"].sum(min_count=1)
        counts = pd.crosstab(df["park"], df["class"]).reindex(columns=[*CLASSES, "T"], fill_value=0)
        out = out.join(counts)
        return out.rename_axis("park").reset_index().rename_axis(None, axis=1)

    def firm_points(self) -> pd.DataFrame:
        """The firms with both coordinates (WGS-84 degrees, firm-year fields ``longitude`` /
        ``latitude``): credit_code, name, park, list, class, score, longitude, latitude."""
        df = self.table
        cols = ["credit_code", "name", "park", "list", "class", "score", "longitude", "latitude"]
        if "longitude" not in df.columns or "latitude" not in df.columns:
            return pd.DataFrame(columns=cols)
        has = df["longitude"].notna() & df["latitude"].notna()
        out = df[has].copy()
        out["list"] = out["list_key"].map(LIST_LABELS)
        return out[cols].reset_index(drop=True)

    def park_centroids(self) -> pd.DataFrame:
        """Per named park: :meth:`park_totals` with the centroid of its firms that have
        coordinates — longitude and latitude = the plain means over those firms (degrees;
        NULL when none has them) and ``located`` = how many they are."""
        totals = self.park_totals()
        pts = self.firm_points()
        pts = pts[pts["park"].notna()]
        g = pts.groupby("park")
        centre = pd.DataFrame(
            {
                "longitude": g["longitude"].mean(),
                "latitude": g["latitude"].mean(),
                "located": g.size(),
            }
        )
        out = totals.merge(centre, left_on="park", right_index=True, how="left")
        out = out[out["park"].isin(self.table["park"].dropna())]  # not （未填园区）
        out["located"] = out["located"].fillna(0).astype("int64")
        return out.reset_index(drop=True)

    def tables(self) -> dict[str, pd.DataFrame]:
        tidy = self.tidy()
        out = {"评价结果": tidy}
        for lk in LIST_KEYS:
            sub = tidy[tidy["list"] == LIST_LABELS[lk]]
            if len(sub):
                out[LIST_LABELS[lk]] = sub.reset_index(drop=True)
        out["园区汇总"] = self.park_totals()
        out["分类统计"] = self.class_counts()
        if self.previous is not None:
            out["较上年变化"] = self.movement_counts()
        return out

    def movement_counts(self) -> pd.DataFrame:
        """Firms by class of the year before (rows, 新评 for none) and class now (columns)."""
        if self.previous is None:
            raise InputError("没有上一年度的评价结果，无法比较类别变化")
        m = movement(self, self.previous)
        prev = m["class_prev"].fillna("新评")
        ct = pd.crosstab(prev, m["class"]).reindex(columns=[*CLASSES, "T"], fill_value=0)
        ct = ct.reindex([c for c in [*CLASSES, "T", "新评"] if c in ct.index])
        return ct.rename_axis("class_prev").reset_index().rename_axis(None, axis=1)

    def to_excel(self, path: str | Path) -> Path:
        """The workbook a 亩均 office publishes: one sheet per table (the whole list, one per
        list, park totals, class counts, the movement), Chinese headers, the class column
        coloured (A green, B blue, C amber, D red, T grey), the header row frozen, and the sheet
        "说明" with the preset's source (and the 示例数据 label for synthetic firms)."""
        out = Path(path)
        headers = self.excel_headers()
        with pd.ExcelWriter(out, engine="xlsxwriter") as writer:
            book = writer.book
            two = book.add_format({"num_format": "0.00"})
            fills = {
                c: book.add_format({"bg_color": colour, "font_color": "#FFFFFF", "bold": True})
                for c, colour in CLASS_COLOURS.items()
            }
            for name, table in self.tables().items():
                shown = table.rename(columns=headers)
                sheet_name = name[:31]
                shown.to_excel(writer, sheet_name=sheet_name, index=False)
                sheet = writer.sheets[sheet_name]
                sheet.freeze_panes(1, 0)
                for i, name_ in enumerate(table.columns):  # amounts and scores: 2 decimals
                    floats = pd.api.types.is_float_dtype(table[name_])
                    sheet.set_column(i, i, 14, two if floats else None)
                if "class" in table.columns and len(table):
                    col = list(table.columns).index("class")
                    for c, fmt in fills.items():
                        sheet.conditional_format(
                            1,
                            col,
                            len(table),
                            col,
                            {"type": "cell", "criteria": "==", "value": f'"{c}"', "format": fmt},
                        )
            info = self._info_labelled()
            if info is not None:
                info.to_excel(writer, sheet_name="说明", index=False)
        return out

    def info_table(self) -> pd.DataFrame:
        p = self.preset
        items = ["预设", "依据", "网址", "说明", "数据年度"]
        values = [
            f"{p.key}：{p.name}",
            p.source.text(),
            p.source.url or "",
            p.source.note or "",
            "" if self.year is None else str(self.year),
        ]
        return pd.DataFrame({"项目": items, "内容": values})

    def summary(self) -> str:
        p = self.preset
        df = self.table
        if p.method == "benchmark":
            where = "各园区" if p.basis == "park" else "各县（区）同名单"
            how = "平均值" if p.mean == "firms" else "合计之比"
            cap = f"，单项上限 {p.cap:g} × 权重" if p.cap is not None else ""
            method = f"基准法：指标值 ÷ 基准 × 权重，基准 = {p.k:g} × {where}参评企业{how}{cap}"
        else:
            method = "极差法：20 + 80 × (x − 最小值)/(最大值 − 最小值)，按权重加总"
        rule = p.classes
        if rule.method == "percentile":
            assert rule.shares is not None
            cls = "按名单内排名 " + " / ".join(
                f"{c} {s:g} %" for c, s in zip(CLASSES, rule.shares, strict=True)
            )
        else:
            assert rule.thresholds is not None
            cls = "按分数线 " + " / ".join(
                f"{c} ≥ {s:g}" for c, s in zip(CLASSES[:3], rule.thresholds, strict=True)
            )
        lines = [
            f"亩均效益综合评价（预设 {p.key}：{p.name}）",
            f"依据：{p.source.text()}",
            f"评分：{method}；分类：{cls}",
            f"企业 {len(df)} 家，参评 {int(df['rated'].sum())} 家，T 类 {int((~df['rated']).sum())} 家",
        ]
        for _, row in self.class_counts().iterrows():
            lines.append(
                f"{row['list']}：" + "，".join(f"{c} {int(row[c])}" for c in [*CLASSES, "T"])
            )
        return self.labelled("\n".join(lines))


def evaluate_mujun(
    firms: pd.DataFrame | ir.Table, preset: MujunPreset | str, *, year: int | None = None
) -> MujunResult:
    """Score and class every firm with a preset (one Ibis expression, executed once).

    Parameters
    ----------
    firms : DataFrame or ibis Table
        The firm frame; a DataFrame runs on an in-process DuckDB (``ibis.memtable``), a bound
        table on its backend (DuckDB or Spark).
    preset : MujunPreset or str
        A preset from :func:`xinzhi.enterprise.presets.parse_preset` or a shipped name
        (``huangyan``, ``huaian``, ``tiantai``, ``jingning``, ``generic``).
    year : int, optional
        Data year for the exemption dates (default: the frame's ``year`` column).

    Returns
    -------
    MujunResult
    """
    import ibis

    p = _resolve(preset)
    t = ibis.memtable(firms) if isinstance(firms, pd.DataFrame) else firms
    if in_memory(t):  # SQL compiled once per preset, year and column schema
        df = execute(
            ("mujun", repr(p), year),
            lambda xinzhi_frame: mujun_expr(xinzhi_frame, p, year=year),
            {"xinzhi_frame": t},
        )
    else:
        df = mujun_expr(t, p, year=year).execute()
    return MujunResult(_ordered(df), p, year)


def _ordered(df: pd.DataFrame) -> pd.DataFrame:
    """Rows sorted by county, list, rank and credit code; ``rated`` as bool."""
    order = {lk: i for i, lk in enumerate(LIST_KEYS)}
    df = df.copy()
    df["_o"] = df["list_key"].map(order)
    df = df.sort_values(["region_code", "_o", "rank", "credit_code"], na_position="last")
    df = df.drop(columns="_o").reset_index(drop=True)
    df["rated"] = df["rated"].astype(bool)
    return df


def evaluate_mujun_years(
    frames: Mapping[int, pd.DataFrame | ir.Table], preset: MujunPreset | str
) -> dict[int, MujunResult]:
    """:func:`evaluate_mujun` of several data years in one query (:func:`mujun_years_expr`):
    data year → its result, equal to ``evaluate_mujun(frames[year], preset, year=year)``.

    Parameters
    ----------
    frames : mapping of int to DataFrame or ibis Table
        Data year → that year's firm frame (all in memory, or all on one backend).
    preset : MujunPreset or str
        A preset or a shipped name.

    Returns
    -------
    dict of int to MujunResult

    Examples
    --------
    >>> f = pd.DataFrame({"credit_code": ["a", "b"], "region_code": ["330000"] * 2,
    ...                   "above_scale": [True, True], "land_area": [10.0, 10.0],
    ...                   "tax": [100.0, 50.0]})
    >>> both = evaluate_mujun_years({2024: f, 2023: f.assign(tax=[50.0, 100.0])}, "huaian")
    >>> both[2024].table.set_index("credit_code")["rank"].to_dict()
    {'a': 1, 'b': 2}
    >>> both[2023].table.set_index("credit_code")["rank"].sort_index().to_dict()
    {'a': 2, 'b': 1}
    """
    import ibis

    p = _resolve(preset)
    years = [int(y) for y in frames]
    tables = {
        y: ibis.memtable(f) if isinstance(f, pd.DataFrame) else f
        for y, f in zip(years, frames.values(), strict=True)
    }
    if len(years) == 1:
        y = years[0]
        return {y: evaluate_mujun(tables[y], p, year=y)}
    if all(in_memory(t) for t in tables.values()):
        import pyarrow.compute as pc

        names = {f"xinzhi_frame_{y}": y for y in years}
        arrow, schema = execute_arrow(
            ("mujun_years", repr(p), tuple(years)),
            lambda **held: mujun_years_expr({names[n]: t for n, t in held.items()}, p),
            {n: tables[y] for n, y in names.items()},
        )
        # each year's rows converted on their own: the dtypes are those of a one-year query
        return {
            y: MujunResult(
                _ordered(to_pandas(arrow.filter(pc.equal(arrow["year"], y)), schema)), p, y
            )
            for y in years
        }
    df = mujun_years_expr(tables, p).execute()
    by_year = df["year"]
    return {y: MujunResult(_ordered(df[by_year == y]), p, y) for y in years}


def movement(current: MujunResult, previous: MujunResult) -> pd.DataFrame:
    """Class movement since the previous evaluation.

    Returns
    -------
    DataFrame
        credit_code, name, class_prev, class, change: 升 (better class), 降 (worse), 持平
        (same), 新评 (no previous class, or previous T), 不参评 (class T now).
    """
    cur = current.table[["credit_code", "name", "class"]]
    prev = previous.table[["credit_code", "class"]].rename(columns={"class": "class_prev"})
    df = cur.merge(prev, on="credit_code", how="left")[
        ["credit_code", "name", "class_prev", "class"]
    ]
    now = df["class"].map(_ORDER)
    before = df["class_prev"].map(_ORDER)
    change = np.select(
        [df["class"] == "T", before.isna(), now < before, now > before],
        ["不参评", "新评", "升", "降"],
        default="持平",
    )
    df["change"] = change
    return df.reset_index(drop=True)
