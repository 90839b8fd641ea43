"""Two to five counties side by side in one stored evaluation (page 对比).

Nothing is re-evaluated: every number is read back from the stored evaluation
(:func:`xinzhi.pipelines.stored.stored_scores` for scores, ranks, percentiles and dimension
scores; the stored obstacle degrees summed by 短板 as in
:func:`xinzhi.pipelines.stored.county_profile`) and from the warehouse's current indicator values
(:func:`xinzhi.store.read_wide`), so the comparison shows the same numbers as the profile page,
the ranking and the PDF report.

The shortfall columns are the obstacle degree (障碍度) of the indicators revealing each of the
four shortfalls of 李琳《提升特色产业现代化水平 激活县域新质生产力强劲动能》 summed per county
(:data:`xinzhi.indicators.system.SHORTFALLS`); the obstacle model is Yang et al.'s
(:mod:`xinzhi.evaluate.obstacle`), whose degrees of one county sum to 1 over its indicators.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import ClassVar

import duckdb
import pandas as pd

from xinzhi import store
from xinzhi.errors import InputError
from xinzhi.indicators.system import SHORTFALLS
from xinzhi.pipelines.stored import evaluation_exists, stored_scores, stored_system
from xinzhi.regions.names import BASIS_LABELS
from xinzhi.results import Result

__all__ = [
    "MAX_COUNTIES",
    "MIN_COUNTIES",
    "CountyComparison",
    "compare_counties",
    "county_trend",
]

MIN_COUNTIES = 2
MAX_COUNTIES = 5

_SCORE_COLUMNS = [
    "region_code",
    "name",
    "province_name",
    "prefecture_name",
    "region_kind",
    "score",
    "rank",
    "province_rank",
    "percentile",
    "basis_label",
    "basis_rank",
    "basis_counties",
]


@dataclass
class CountyComparison(Result):
    """Counties of one stored evaluation and year, side by side.

    Attributes
    ----------
    evaluation : str
        Stored evaluation name.
    year : int
        Year compared.
    codes : list of str
        The counties, in the order asked.
    scores : DataFrame
        One row per county (in ``codes`` order): ``region_code, name, province_name,
        prefecture_name, region_kind, score, rank`` (all units), ``province_rank, percentile``
        (share of the year's units scoring at most as high), ``basis_label, basis_rank,
        basis_counties`` (the county's own basis, 县域口径 / 市辖区), one ``dim:<维度>`` column per
        dimension and one ``short:<短板>`` column per shortfall (obstacle degree summed).
    indicators : DataFrame
        One row per indicator of the evaluation: ``indicator, indicator_name, unit, dimension``
        then one column per county code with its current value in ``year`` (NaN: no value).
    """

    evaluation: str
    year: int
    codes: list[str]
    scores: pd.DataFrame
    indicators: pd.DataFrame
    notes: Sequence[str] = field(default_factory=list)

    headers: ClassVar[dict[str, str]] = {
        "region_code": "区划代码",
        "name": "县区",
        "province_name": "省份",
        "prefecture_name": "地市",
        "region_kind": "区划类别",
        "score": "综合得分",
        "rank": "全国排名（全部县级单位）",
        "province_rank": "省内排名",
        "percentile": "全国百分位",
        "basis_label": "排名口径",
        "basis_rank": "本口径排名",
        "basis_counties": "本口径参评数",
        "indicator": "指标代码",
        "indicator_name": "指标",
        "unit": "单位",
        "dimension": "维度",
    }

    @property
    def dimensions(self) -> list[str]:
        """Dimension names (the ``dim:`` columns, in stored order)."""
        return [c.removeprefix("dim:") for c in self.scores.columns if c.startswith("dim:")]

    @property
    def shortfalls(self) -> list[str]:
        """Shortfall names (the ``short:`` columns)."""
        return [c.removeprefix("short:") for c in self.scores.columns if c.startswith("short:")]

    def excel_headers(self) -> dict[str, str]:
        h = dict(self.headers)
        h.update({f"dim:{d}": f"{d}得分" for d in self.dimensions})
        h.update({f"short:{s}": f"{s}（障碍度）" for s in self.shortfalls})
        names = dict(zip(self.scores["region_code"], self.scores["name"], strict=True))
        h.update({c: f"{names.get(c, c)}（{c}）" for c in self.codes})
        return h

    def tables(self) -> dict[str, pd.DataFrame]:
        return {"对比": self.scores, "指标": self.indicators}

    def summary(self) -> str:
        parts = [
            f"{r['name']}（{r['region_code']}）{float(r['score']):.4f}，全国第 {r['rank']} 名"
            for r in self.scores.to_dict("records")
        ]
        return self.labelled(
            f"评价 {self.evaluation}，{self.year} 年县区对比：" + "；".join(parts) + "。"
        )


def _clean_codes(codes: Sequence[str]) -> list[str]:
    out = list(dict.fromkeys(str(c).strip() for c in codes if str(c).strip()))
    if not MIN_COUNTIES <= len(out) <= MAX_COUNTIES:
        raise InputError(
            f"县区对比需要 {MIN_COUNTIES}–{MAX_COUNTIES} 个不同的县区，收到 {len(out)} 个"
        )
    return out


def compare_counties(
    con: duckdb.DuckDBPyConnection,
    name: str,
    codes: Sequence[str],
    year: int | None = None,
    *,
    scores: pd.DataFrame | None = None,
) -> CountyComparison:
    """Compare ``codes`` (2–5 six-digit county codes) in stored evaluation ``name``.

    Parameters
    ----------
    con : DuckDBPyConnection
        Warehouse connection.
    name : str
        Stored evaluation.
    codes : sequence of str
        The counties, 2 to 5, distinct (duplicates are dropped first).
    year : int, optional
        Year compared (default: the latest year of the evaluation).
    scores : DataFrame, optional
        :func:`stored_scores` of ``name`` if the caller has it (servers cache it).

    Raises
    ------
    InputError
        Fewer than 2 or more than 5 counties, an unknown evaluation, or a county without a
        score in ``year`` (named in the message).
    """
    wanted = _clean_codes(codes)
    info = evaluation_exists(con, name)
    if info is None:
        raise InputError(f"数据仓库中没有名为 {name!r} 的评价结果")
    s = stored_scores(con, name) if scores is None else scores
    years = sorted(int(y) for y in s["year"].unique())
    y = years[-1] if year is None else int(year)
    if y not in years:
        raise InputError(f"评价结果 {name} 没有 {y} 年的得分（有 {'、'.join(map(str, years))}）")
    s_year = s[s["year"] == y]
    missing = [c for c in wanted if c not in set(s_year["region_code"])]
    if missing:
        raise InputError(f"评价结果 {name} 中以下县区没有 {y} 年的得分：{'、'.join(missing)}")
    rows = s_year.set_index("region_code").loc[wanted].reset_index()
    rows["basis_label"] = rows["basis"].map(BASIS_LABELS)
    dims = [c for c in s.columns if c.startswith("dim:")]
    table = rows[[c for c in _SCORE_COLUMNS if c in rows.columns] + dims].copy()

    system = stored_system(con, name, info[0])
    shortfall_of = system.shortfall_of()
    marks = ",".join("?" * len(wanted))
    ob = con.execute(
        "SELECT region_code, indicator, obstacle FROM evaluation_obstacles "
        f"WHERE name = ? AND year = ? AND region_code IN ({marks})",
        [name, y, *wanted],
    ).df()
    ob["shortfall"] = ob["indicator"].map(shortfall_of)
    by = ob.dropna(subset=["shortfall"]).pivot_table(
        index="region_code", columns="shortfall", values="obstacle", aggfunc="sum"
    )
    present = [sf for sf in SHORTFALLS if sf in set(shortfall_of.values())]
    for sf in present:
        col = by[sf] if sf in by.columns else pd.Series(dtype=float)
        table[f"short:{sf}"] = table["region_code"].map(col).astype(float)

    used = list(
        dict.fromkeys(
            str(i)
            for i in con.execute(
                "SELECT DISTINCT indicator FROM evaluation_weights WHERE name = ?", [name]
            ).df()["indicator"]
        )
    )
    inds = [i for i in system.indicators if i.code in set(used)]
    dim_of = system.top_dimension_of()
    wide = store.read_wide(con, [i.code for i in inds], [y], level="county")
    wide = wide[wide["region_code"].isin(wanted)].set_index("region_code")
    values = pd.DataFrame(
        {
            "indicator": [i.code for i in inds],
            "indicator_name": [i.name for i in inds],
            "unit": [i.unit or "" for i in inds],
            "dimension": [dim_of.get(i.code, "") for i in inds],
        }
    )
    codes_used = [i.code for i in inds]
    for c in wanted:
        if c in wide.index:
            values[c] = wide.loc[c, codes_used].to_numpy(dtype=float)
        else:
            values[c] = float("nan")
    return CountyComparison(
        evaluation=name,
        year=y,
        codes=wanted,
        scores=table.reset_index(drop=True),
        indicators=values,
    )


def county_trend(scores: pd.DataFrame, code: str) -> pd.DataFrame:
    """The county's stored score in each year with the medians it is read against.

    ``scores``: :func:`xinzhi.pipelines.stored.stored_scores` of one evaluation. The medians are
    taken over the units of the county's own basis (县域口径 for a 县 / 县级市 …, 市辖区 for a
    district; all units when the county has no kind) in the same year: ``national_median`` over
    the nation, ``province_median`` over its province. A year without a score of ``code`` has no
    row (a renamed or merged unit carries its new code only from the change on).

    Returns
    -------
    DataFrame
        ``year, score, province_median, national_median`` sorted by year; ``attrs["note"]``
        says which units the medians are over.

    >>> s = pd.DataFrame({"region_code": ["a", "b", "c", "a", "b", "c"],
    ...                   "year": [2010, 2010, 2010, 2020, 2020, 2020],
    ...                   "province_code": ["43", "43", "32"] * 2,
    ...                   "score": [0.2, 0.6, 0.9, 0.3, 0.5, 0.7], "basis": "county"})
    >>> county_trend(s, "a").values.tolist()
    [[2010.0, 0.2, 0.4, 0.6], [2020.0, 0.3, 0.4, 0.5]]
    """
    mine = scores[scores["region_code"] == code]
    cols = ["year", "score", "province_median", "national_median"]
    if mine.empty:
        return pd.DataFrame(columns=cols)
    basis = None
    if "basis" in scores.columns:
        b = mine["basis"].dropna()
        basis = str(b.iloc[-1]) if len(b) else None
    peers = scores if basis is None else scores[scores["basis"] == basis]
    national = peers.groupby("year")["score"].median()
    prov_code = str(mine["province_code"].iloc[-1])[:2]
    in_prov = peers[peers["province_code"].astype(str).str[:2] == prov_code]
    provincial = in_prov.groupby("year")["score"].median()
    out = (
        mine[["year", "score"]]
        .astype({"year": "int64"})
        .sort_values("year")
        .assign(
            province_median=lambda d: d["year"].map(provincial),
            national_median=lambda d: d["year"].map(national),
        )
        .reset_index(drop=True)[cols]
    )
    out.attrs["note"] = (
        "中位数按本县所属口径（"
        + (BASIS_LABELS.get(basis, "全部县级单位") if basis else "全部县级单位")
        + "）计算：全国中位数与全省中位数。"
    )
    return out
