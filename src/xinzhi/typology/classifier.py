"""Rule-based county typology (分类施策): primary and secondary type with evidence.

Each type of the rule set (``rules.yaml``) is tested on every county at once (vectorised over
counties); types are ordered by ``priority``: the first matching type is the primary type, the
second the secondary type.

A county meeting no rule gets the type it is most typical of (docs/typology.md, "每个县都有类型"):
the typicality of a condition is Ragin's (2008) direct calibration on the log-ratio to the
threshold, ``μ = 1/(1 + exp(−3·log2(x/θ)))`` for ``≥`` (``log2(θ/x)`` for ``≤``), combined by min
within a rule and max over a type's rules (Zadeh 1965); when the two most typical types are within
:data:`MIXED_MARGIN` (0.05) the county is :data:`MIXED` (多元复合型) with both types named. Only a
county without any usable value (all typicalities 0) stays ``未归类``; ``assign_nearest=False``
gives the rules alone.

Rules (docs/typology.md §1): location quotients ``LQ_i,X = s_i,X / S_X`` (Isard 1960) against
thresholds, e.g. 资源能源开发型 ``lq_BD ≥ 2.5``, 新型工业化主导型 ``lq_C ≥ 1.5``, 文旅融合主导型
``lq_HR ≥ 1.4``, 农产品加工转化型 ``lq_A ≥ 1.2`` and ``lq_C ≥ 0.5``, 富民产业引领型 proxy
``lq_A ≥ 1.5`` and ``lq_C < 0.5`` (rules needing absent columns are not applicable).

Four counties under the built-in rules: 3.0 ≥ 2.5 makes 000001 资源能源开发型; 2.0 ≥ 1.5 makes
000002 新型工业化主导型; 1.3 ≥ 1.2 with 0.8 ≥ 0.5 makes 000003 农产品加工转化型; 1.5 ≥ 1.4 makes
000004 文旅融合主导型 and, since 1.6 ≥ 1.5 and 0.3 < 0.5, 富民产业引领型 its secondary type:

>>> import pandas as pd
>>> feats = pd.DataFrame({"region_code": ["000001", "000002", "000003", "000004"],
...                       "lq_BD": [3.0, 0.5, 0.5, 0.4], "lq_C": [0.8, 2.0, 0.8, 0.3],
...                       "lq_HR": [0.5, 0.6, 1.0, 1.5], "lq_A": [1.0, 0.7, 1.3, 1.6]})
>>> t = classify(feats).tidy()
>>> t["primary_type"].tolist()
['资源能源开发型', '新型工业化主导型', '农产品加工转化型', '文旅融合主导型']
>>> t["secondary_type"].iloc[3], t["evidence"].iloc[1]
('富民产业引领型', '主类型依据：制造业区位熵 2.00 ≥ 1.5')

Where to look
-------------
* Docs: ``docs/typology.md`` §1 (types, thresholds, reference counties).
* Tests: ``tests/typology/test_typology_classify.py``, ``tests/typology/test_typology_reference.py``
  (reference counties), ``tests/typology/test_typology_user_data.py``,
  ``tests/golden/test_golden_counties.py``.
* CLI: ``xinzhi typology``, ``xinzhi analysis typology``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from xinzhi.errors import InputError
from xinzhi.results import Result
from xinzhi.typology.rules import Condition, Rule, RuleSet, load_rules

__all__ = [
    "LOG_ODDS_AT_DOUBLE",
    "MIXED",
    "MIXED_MARGIN",
    "UNCLASSIFIED",
    "TypologyResult",
    "classify",
    "condition_membership",
]

UNCLASSIFIED = "未归类"
MIXED = "多元复合型"
"""Named mixed type: no rule met and the two most typical types are nearly equally typical
(margin below :data:`MIXED_MARGIN`); the two are named in ``secondary_type`` (joined by 、)."""
MIXED_MARGIN = 0.05
"""Typicality margin below which a county meeting no rule is 多元复合型 rather than the nearest
type: near a threshold the membership changes by 0.75 per unit of log2(x/θ), so a margin of 0.05
is undone by a change of about 5 % (0.05·ln 2/0.75 = 4.6 %) in one feature — the order of the
sampling error of census long-form shares."""
LOG_ODDS_AT_DOUBLE = 3.0
"""Log-odds of membership at twice (for ≥) or half (for ≤) the threshold: Ragin's direct
calibration with the full-membership anchor at a 0.95 membership (log-odds 3) and the
crossover (0.5) at the rule threshold."""
_NEG = {">=": "<", ">": "≤", "<=": ">", "<": "≥", "in": "不属于", "not_in": "属于"}
_SYM = {">=": "≥", ">": ">", "<=": "≤", "<": "<", "in": "属于", "not_in": "不属于"}


def _fmt_values(col: pd.Series) -> NDArray[np.str_]:
    """Vectorised display text of a feature column (2 decimals; ≥ 100 without; NaN = 缺失)."""
    num = pd.to_numeric(col, errors="coerce")
    if num.notna().sum() == 0 and col.notna().any():
        return np.where(col.isna(), "缺失", col.astype(str)).astype(str)
    a = num.to_numpy(dtype=float)
    big = np.abs(np.nan_to_num(a)) >= 100
    txt = np.where(
        big, np.char.mod("%.0f", np.nan_to_num(a)), np.char.mod("%.2f", np.nan_to_num(a))
    )
    return np.where(np.isnan(a), "缺失", txt).astype(str)


def _fmt_threshold(c: Condition) -> str:
    if c.op in ("in", "not_in"):
        return "/".join(map(str, c.value))
    return f"{c.value:g}"


def _holds(df: pd.DataFrame, c: Condition) -> NDArray[np.bool_]:
    """Condition mask; a missing value never satisfies a condition."""
    col = df[c.feature]
    if c.op in ("in", "not_in"):
        isin = col.isin(c.value).to_numpy() & col.notna().to_numpy()
        return isin if c.op == "in" else (~isin & col.notna().to_numpy())
    a = pd.to_numeric(col, errors="coerce").to_numpy(dtype=float)
    with np.errstate(invalid="ignore"):
        res = {
            ">=": a >= c.value,
            ">": a > c.value,
            "<=": a <= c.value,
            "<": a < c.value,
        }[c.op]
    return np.asarray(res & ~np.isnan(a), dtype=bool)


def condition_membership(df: pd.DataFrame, c: Condition) -> NDArray[np.float64]:
    r"""Fuzzy membership (0–1) of every county in condition ``c`` (Ragin 2008, direct method).

    For ``x ≥ θ`` (or ``>``): :math:`\mu = 1/(1 + e^{-3\log_2(x/θ)})`; for ``x ≤ θ`` (or
    ``<``) the ratio is inverted, :math:`\log_2(θ/x)`. So μ = 0.5 at the threshold (the
    crossover), 0.95 at twice the threshold (for ≥; half for ≤) and 0.05 at half (twice);
    x = 0 gives 0 for ≥ and 1 for ≤. Categorical conditions (``in`` / ``not_in``), thresholds
    ≤ 0 and negative values are crisp: 1 when the condition holds, else 0. A missing value has
    membership 0 (it never supports a type), as it never satisfies a condition.

    >>> df = pd.DataFrame({"lq_C": [3.0, 1.5, 0.75, 0.0, np.nan]})
    >>> condition_membership(df, Condition("lq_C", ">=", 1.5)).round(4).tolist()
    [0.9526, 0.5, 0.0474, 0.0, 0.0]
    """
    if c.op in ("in", "not_in"):
        return _holds(df, c).astype(float)
    a = pd.to_numeric(df[c.feature], errors="coerce").to_numpy(dtype=float)
    theta = float(c.value)
    crisp = _holds(df, c).astype(float)
    if theta <= 0:
        return crisp
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        ratio = a / theta if c.op in (">=", ">") else theta / a
        mu = 1.0 / (1.0 + np.exp(-LOG_ODDS_AT_DOUBLE * np.log2(ratio)))
    mu = np.where(a < 0, crisp, mu)
    return np.asarray(np.where(np.isnan(a), 0.0, mu), dtype=float)


def _state_text(
    df: pd.DataFrame, c: Condition, label: str, values: NDArray[np.str_]
) -> NDArray[np.str_]:
    """Plain Chinese, per county: the value against the threshold and whether it is met, e.g.
    ``农林牧渔业区位熵 1.11 低于阈值 1.2（未满足）``."""
    ok = _holds(df, c)
    if c.op in ("in", "not_in"):
        isin = df[c.feature].isin(c.value).to_numpy()
        rel = np.where(isin, " 属于 ", " 不属于 ")
        return _cat(
            f"{label} ", values, rel, _fmt_threshold(c), np.where(ok, "（满足）", "（未满足）")
        )
    a = pd.to_numeric(df[c.feature], errors="coerce").to_numpy(dtype=float)
    with np.errstate(invalid="ignore"):
        rel = np.select([a > c.value, a < c.value], ["高于", "低于"], "等于")
    rel = np.where(np.isnan(a), "缺失，", rel)
    body = np.char.add(np.char.add(f"{label} ", values), np.char.add(" ", rel))
    body = np.char.add(body, f"阈值 {_fmt_threshold(c)}")
    return np.char.add(body, np.where(ok, "（满足）", "（未满足）")).astype(str)


def _join_where(mask: NDArray[np.bool_], labels: list[str], sep: str) -> NDArray[np.str_]:
    """Per row, the labels whose column in ``mask`` is True, joined by ``sep`` (loop over
    columns, vectorised over rows)."""
    out = np.full(mask.shape[0], "", dtype=object).astype(str)
    for j, lab in enumerate(labels):
        add = np.where(out == "", lab, np.char.add(np.char.add(out, sep), lab))
        out = np.where(mask[:, j], add, out)
    return out.astype(str)


def _applicable(df: pd.DataFrame, r: Rule) -> bool:
    return all(c.feature in df.columns for c in r.when)


@dataclass
class TypologyResult(Result):
    """County types with evidence.

    Attributes
    ----------
    table : DataFrame
        ``region_code, primary_type, secondary_type, matched_types, evidence, type_basis,
        typicality, margin`` + feature values. ``type_basis``: 规则 (a rule holds), 最接近 (no
        rule holds; the most typical type), 复合 (no rule holds; :data:`MIXED`, the two most
        typical types in ``secondary_type``) or empty (未归类). ``typicality``: of the primary
        type (for 复合: of the most typical type); ``margin``: typicality of the primary (most
        typical) type minus the best other type's.
    matched : DataFrame
        Boolean county × type matrix (columns = type names in priority order, active types only).
    rules : RuleSet
        The rule set that produced the result (thresholds included).
    inactive : dict
        Types not evaluated (all their rules need absent columns): name -> needed features.
    typicality : DataFrame
        County × type typicality (0–1, :func:`condition_membership` combined by min within a
        rule and max over a type's rules); ≥ 0.5 for the types whose rule holds.
    mixed_margin : float
        The margin below which a county meeting no rule is :data:`MIXED`.
    """

    table: pd.DataFrame
    matched: pd.DataFrame
    rules: RuleSet
    inactive: dict[str, list[str]] = field(default_factory=dict)
    typicality: pd.DataFrame = field(default_factory=pd.DataFrame)
    mixed_margin: float = MIXED_MARGIN

    def tidy(self) -> pd.DataFrame:
        """One row per county: types, evidence (Chinese) and the feature values."""
        return self.table.copy()

    def distribution(self) -> pd.DataFrame:
        """Counts of primary and secondary types (every type listed, then 多元复合型 and 未归类)."""
        names = [*self.matched.columns, MIXED, UNCLASSIFIED]
        prim = self.table["primary_type"].value_counts().reindex(names, fill_value=0)
        sec = self.table["secondary_type"].value_counts().reindex(names, fill_value=0)
        n = max(len(self.table), 1)
        return pd.DataFrame(
            {
                "type": names,
                "n_primary": prim.to_numpy(),
                "share_primary": prim.to_numpy() / n,
                "n_secondary": sec.to_numpy(),
                "n_matched": [*self.matched.sum().to_numpy().tolist(), 0, 0],
            }
        )

    def summary(self) -> str:
        d = self.distribution()
        lines = [f"县域类型判定（规则：{self.rules.origin}；{len(self.table)} 个县级单位）"]
        lines.append("主类型分布：")
        for r in d.itertuples():
            lines.append(
                f"  {r.type}：{r.n_primary} 个（{r.share_primary:.1%}），"
                f"作为次类型 {r.n_secondary} 个"
            )
        for name, feats in self.inactive.items():
            lines.append(
                f"  {name}：需用户数据（needs user data），缺少列 {', '.join(feats)}，未参与判定"
            )
        basis = self.table["type_basis"].value_counts()
        lines.append(
            f"判定方式：规则 {int(basis.get('规则', 0))} 个，未满足规则而按典型度归入最接近类型 "
            f"{int(basis.get('最接近', 0))} 个，{MIXED}（两类典型度相差 < {self.mixed_margin:g}）"
            f" {int(basis.get('复合', 0))} 个"
        )
        return "\n".join(lines)

    def rules_table(self) -> pd.DataFrame:
        """The rules as a flat table (type, rule no., basis, condition, note)."""
        rows: list[dict[str, Any]] = []
        for t in self.rules.types:
            for i, r in enumerate(t.rules, start=1):
                cond = " 且 ".join(
                    f"{self.rules.label(c.feature)} {_SYM[c.op]} {_fmt_threshold(c)}"
                    for c in r.when
                )
                rows.append(
                    {
                        "类型": t.name,
                        "优先级": t.priority,
                        "规则": i,
                        "依据": {"census": "普查", "proxy": "代理", "user_data": "用户数据"}[
                            r.basis
                        ],
                        "条件": cond,
                        "说明": r.note,
                        "出处": "、".join(t.sources),
                    }
                )
        return pd.DataFrame(rows)

    def tables(self) -> dict[str, pd.DataFrame]:
        head = {
            "region_code": "地区编码",
            "primary_type": "主类型",
            "secondary_type": "次类型",
            "matched_types": "命中类型",
            "evidence": "判定依据",
            "type_basis": "判定方式",
            "typicality": "典型度",
            "margin": "领先第二位",
        }
        t = self.table.rename(columns=head | dict(self.rules.features))
        d = self.distribution().rename(
            columns={
                "type": "类型",
                "n_primary": "主类型县数",
                "share_primary": "主类型占比",
                "n_secondary": "次类型县数",
                "n_matched": "命中县数",
            }
        )
        typ = self.typicality.reset_index(names="地区编码")
        return {"县域类型": t, "类型分布": d, "判定规则": self.rules_table(), "典型度": typ}

    def to_excel(self, path: str | Path) -> Path:
        """Write 县域类型 / 类型分布 / 判定规则 sheets."""
        return super().to_excel(path)


def _cat(*parts: Any) -> NDArray[np.str_]:
    """Element-wise concatenation of strings and string arrays."""
    out: Any = parts[0]
    for p in parts[1:]:
        out = np.char.add(out, p)
    return np.asarray(out, dtype=str)


def classify(
    features: pd.DataFrame,
    rules: RuleSet | str | Path | None = None,
    *,
    assign_nearest: bool = True,
    mixed_margin: float = MIXED_MARGIN,
) -> TypologyResult:
    """Assign every county a primary and a secondary type, or ``未归类``, with evidence.

    Parameters
    ----------
    features : DataFrame
        One row per county: ``region_code`` and feature columns (see :func:`build_features`).
    rules : RuleSet, path or None
        Rule set (default: the built-in ``rules.yaml``).

    assign_nearest : bool
        Give a county that meets no rule its most typical type (or :data:`MIXED`); False keeps
        it ``未归类`` (the rules alone).
    mixed_margin : float
        0–1; below this typicality margin between the two most typical types the county is
        :data:`MIXED` (default :data:`MIXED_MARGIN`; 0 = always the nearest type).

    Returns
    -------
    TypologyResult

    Notes
    -----
    A rule whose features are not all columns of ``features`` is not applicable; a type whose
    rules are all inapplicable is reported as needing user data. A missing value (NaN) never
    satisfies a condition; the evidence of such counties names the missing features.
    """
    rs = rules if isinstance(rules, RuleSet) else load_rules(rules)
    if not 0.0 <= float(mixed_margin) <= 1.0:
        raise InputError(f"多元复合型阈值 mixed_margin 须在 0 到 1 之间，收到 {mixed_margin!r}")
    if "region_code" not in features.columns:
        raise InputError("特征表缺少 region_code 列")
    df = features.reset_index(drop=True).copy()
    df["region_code"] = df["region_code"].astype(str)
    if df["region_code"].duplicated().any():
        raise InputError("特征表中地区编码重复（每县一行）")
    n = len(df)
    if n == 0:
        raise InputError("特征表为空（no counties）")

    active: list[str] = []
    inactive: dict[str, list[str]] = {}
    match_cols: list[NDArray[np.bool_]] = []
    evid_cols: list[NDArray[np.str_]] = []
    miss_cols: list[NDArray[np.str_]] = []
    used: list[str] = []
    typ_cols: list[NDArray[np.float64]] = []
    state_cols: list[NDArray[np.str_]] = []
    texts: dict[str, NDArray[np.str_]] = {}  # feature -> formatted values

    def txt(feat: str) -> NDArray[np.str_]:
        if feat not in texts:
            texts[feat] = _fmt_values(df[feat])
        return texts[feat]

    for t in rs.types:
        rules_ok = [r for r in t.rules if _applicable(df, r)]
        if not rules_ok:
            inactive[t.name] = sorted(
                {c.feature for r in t.rules for c in r.when if c.feature not in df.columns}
            )
            continue
        active.append(t.name)
        rule_masks = []
        rule_texts = []
        rule_mu = []
        rule_state = []
        for r in rules_ok:
            m = np.ones(n, dtype=bool)
            mu = np.ones(n, dtype=float)
            parts: NDArray[np.str_] = np.full(n, "", dtype=object)
            state: NDArray[np.str_] = np.full(n, "", dtype=object)
            for j, c in enumerate(r.when):
                m &= _holds(df, c)
                mu = np.minimum(mu, condition_membership(df, c))
                st = _state_text(df, c, rs.label(c.feature), txt(c.feature))
                state = st if j == 0 else np.char.add(np.char.add(state.astype(str), "，"), st)
                piece = np.char.add(
                    f"{rs.label(c.feature)} ",
                    np.char.add(txt(c.feature), f" {_SYM[c.op]} {_fmt_threshold(c)}"),
                )
                parts = (
                    piece if j == 0 else np.char.add(np.char.add(parts.astype(str), "，"), piece)
                )
            tag = {"proxy": "（代理规则）", "user_data": "（用户数据）"}.get(r.basis, "")
            rule_masks.append(m)
            rule_texts.append(np.char.add(parts.astype(str), tag))
            rule_mu.append(mu)
            rule_state.append(np.asarray(state, dtype=str))
            used.extend(c.feature for c in r.when if c.feature not in used)
        mm = np.vstack(rule_masks)
        match_cols.append(np.asarray(mm.any(axis=0), dtype=bool))
        first = np.argmax(mm, axis=0)
        evid_cols.append(np.vstack(rule_texts)[first, np.arange(n)])
        mus = np.vstack(rule_mu)
        best = np.argmax(mus, axis=0)  # the rule closest to holding (fuzzy OR = max)
        typ_cols.append(mus.max(axis=0))
        state_cols.append(np.vstack(rule_state)[best, np.arange(n)])
        # why not: first failing condition of the first applicable rule
        r0 = rules_ok[0]
        fails = np.vstack([~_holds(df, c) for c in r0.when])
        fail_txt = np.vstack(
            [
                np.char.add(
                    f"{rs.label(c.feature)} ",
                    np.char.add(txt(c.feature), f" {_NEG[c.op]} {_fmt_threshold(c)}"),
                )
                for c in r0.when
            ]
        )
        miss_cols.append(fail_txt[np.argmax(fails, axis=0), np.arange(n)])

    n_types = len(active)
    if n_types:
        M = np.column_stack(match_cols)
        E = np.column_stack(evid_cols)
        W = np.column_stack(miss_cols)
    else:
        M = np.zeros((n, 0), dtype=bool)
        E = W = np.zeros((n, 0), dtype=str)
    names = np.array([*active, UNCLASSIFIED], dtype=object)
    rows = np.arange(n)
    has1: NDArray[np.bool_] = np.asarray(M.any(axis=1), dtype=bool)
    i1 = np.where(has1, np.argmax(M, axis=1), n_types)
    M2 = M.copy()
    if n_types:
        M2[rows[has1], i1[has1]] = False
    has2: NDArray[np.bool_] = np.asarray(M2.any(axis=1), dtype=bool)
    i2 = np.where(has2, np.argmax(M2, axis=1), n_types)
    primary = names[i1]
    secondary = np.where(has2, names[i2], "")

    # typicality (fuzzy membership, Ragin 2008): type = max over its rules, rule = min over
    # its conditions; a county meeting no rule takes the most typical type or, when the two
    # most typical are within ``mixed_margin``, the named mixed type
    if n_types:
        T = np.column_stack(typ_cols)
        S = np.column_stack(state_cols)
    else:
        T = np.zeros((n, 0))
        S = np.zeros((n, 0), dtype=str)
    act = np.array(active, dtype=object)
    if n_types:
        order = np.argsort(-T, axis=1, kind="stable")
        j1 = order[:, 0]
        j2 = order[:, 1] if n_types > 1 else order[:, 0]
        t1 = T[rows, j1]
        t2 = T[rows, j2] if n_types > 1 else np.zeros(n)
        own = T[rows, np.minimum(i1, n_types - 1)]
        others = np.where(np.arange(n_types)[None, :] == i1[:, None], -np.inf, T)
        best_other = others.max(axis=1) if n_types > 1 else np.zeros(n)
    else:
        j1 = j2 = np.zeros(n, dtype=np.intp)
        t1 = t2 = own = best_other = np.zeros(n)
    assign = np.asarray(~has1 & (t1 > 0) & bool(assign_nearest) & (n_types > 0), dtype=bool)
    mixed = assign & (t1 - t2 < mixed_margin) & (n_types > 1)
    near = assign & ~mixed
    name1 = act[j1] if n_types else np.full(n, "", dtype=object)
    name2 = act[j2] if n_types else np.full(n, "", dtype=object)
    primary = np.where(near, name1, np.where(mixed, MIXED, primary))
    secondary = np.where(
        mixed, np.char.add(np.char.add(name1.astype(str), "、"), name2.astype(str)), secondary
    )
    basis = np.where(has1, "规则", np.where(near, "最接近", np.where(mixed, "复合", "")))
    typicality = np.where(has1, own, np.where(assign, t1, np.nan))
    margin = np.where(has1, own - best_other, np.where(assign, t1 - t2, np.nan))

    def pick(arr: NDArray[Any], idx: NDArray[np.intp], ok: NDArray[np.bool_]) -> NDArray[Any]:
        if arr.shape[1] == 0:
            return np.full(n, "", dtype=object)
        return np.where(ok, arr[rows, np.minimum(idx, n_types - 1)], "")

    ev1 = np.char.add("主类型依据：", pick(E, i1, has1).astype(str))
    ev2 = np.char.add("；次类型依据：", pick(E, i2, has2).astype(str))
    evidence = np.where(has2, np.char.add(ev1, ev2), ev1)
    if n_types:
        why = W[:, 0].astype(str)
        for j in range(1, n_types):  # loop over types (few), not counties
            why = np.char.add(np.char.add(why, "；"), W[:, j].astype(str))
        unc = np.char.add("未满足任何类型规则：", why)
    else:
        unc = np.full(n, "未满足任何类型规则：没有可用的类型规则", dtype=object)
    if n_types:
        f2 = np.char.mod("%.2f", np.round(t1, 2))
        f3 = np.char.mod("%.2f", np.round(t2, 2))
        fm = np.char.mod("%.2f", np.round(t1 - t2, 2))
        q1 = np.char.add(np.char.add("“", name1.astype(str)), "”")
        q2 = np.char.add(np.char.add("“", name2.astype(str)), "”")
        s1, s2 = S[rows, j1].astype(str), S[rows, j2].astype(str)
        near_txt = _cat(
            "未满足任何类型规则，按典型度归入最接近的类型：与", q1, "最接近（典型度 ", f2,
            "，比第二位", q2, " ", f3, " 高 ", fm, "）：", s1,
        )  # fmt: skip
        fm3 = np.char.mod("%.3f", np.round(t1 - t2, 3))
        mixed_txt = _cat(
            "未满足任何类型规则，与", q1, "（典型度 ", f2, "）和", q2, "（", f3,
            "）几乎同样接近（相差 ", fm3, f" < {mixed_margin:g}），归为{MIXED}：", s1, "；", s2,
        )  # fmt: skip
        unc = np.where(near, near_txt, np.where(mixed, mixed_txt, unc))
    evidence = np.where(has1, evidence, unc)
    num_used = [f for f in used if f in df.columns]
    if num_used:
        miss = df[num_used].isna().to_numpy()
        miss_txt = _join_where(miss, [rs.label(f) for f in num_used], "、")
        evidence = np.where(
            miss.any(axis=1),
            np.char.add(evidence.astype(str), np.char.add("；缺少数据：", miss_txt)),
            evidence,
        )
    matched_text = _join_where(M, active, "、")
    table = pd.DataFrame(
        {
            "region_code": df["region_code"].to_numpy(),
            "primary_type": primary.astype(str),
            "secondary_type": secondary.astype(str),
            "matched_types": matched_text,
            "evidence": evidence.astype(str),
            "type_basis": basis.astype(str),
            "typicality": typicality.astype(float),
            "margin": margin.astype(float),
        }
    )
    extra = [c for c in ("name", *num_used) if c in df.columns and c not in table.columns]
    table = pd.concat([table, df[extra].reset_index(drop=True)], axis=1)
    matched = pd.DataFrame(M, columns=active, index=df["region_code"].to_numpy())
    typ = pd.DataFrame(T, columns=active, index=df["region_code"].to_numpy())
    return TypologyResult(
        table=table,
        matched=matched,
        rules=rs,
        inactive=inactive,
        typicality=typ,
        mixed_margin=float(mixed_margin),
    )
