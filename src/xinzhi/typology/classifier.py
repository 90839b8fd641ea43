"""Rule-based county typology (分类施策): primary and secondary type with evidence.

Each type of the rule set (``rules.yaml``) is tested on every county at once (vectorised over
counties); types are ordered by ``priority``: the first matching type is the primary type, the
second the secondary type, none gives ``未归类`` with the unmet conditions as evidence.

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

__all__ = ["UNCLASSIFIED", "TypologyResult", "classify"]

UNCLASSIFIED = "未归类"
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
        ``region_code, primary_type, secondary_type, matched_types, evidence`` + feature values.
    matched : DataFrame
        Boolean county × type matrix (columns = type names in priority order, active types only).
    rules : RuleSet
        The rule set that produced the result (thresholds included).
    inactive : dict
        Types not evaluated (all their rules need absent columns): name -> needed features.
    """

    table: pd.DataFrame
    matched: pd.DataFrame
    rules: RuleSet
    inactive: dict[str, list[str]] = field(default_factory=dict)

    def tidy(self) -> pd.DataFrame:
        """One row per county: types, evidence (Chinese) and the feature values."""
        return self.table.copy()

    def distribution(self) -> pd.DataFrame:
        """Counts of primary and secondary types (every type listed, 未归类 last)."""
        names = [*self.matched.columns, UNCLASSIFIED]
        prim = self.table["primary_type"].value_counts().reindex(names, fill_value=0)
        sec = self.table["secondary_type"].value_counts().reindex(names, fill_value=0)
        n = max(len(self.table), 1)
        return pd.DataFrame(
            {
                "type": names,
                "n_primary": prim.to_numpy(),
                "share_primary": prim.to_numpy() / n,
                "n_secondary": sec.to_numpy(),
                "n_matched": [*self.matched.sum().to_numpy().tolist(), 0],
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
        return {"县域类型": t, "类型分布": d, "判定规则": self.rules_table()}

    def to_excel(self, path: str | Path) -> Path:
        """Write 县域类型 / 类型分布 / 判定规则 sheets."""
        return super().to_excel(path)


def classify(
    features: pd.DataFrame,
    rules: RuleSet | str | Path | None = None,
) -> TypologyResult:
    """Assign every county a primary and a secondary type, or ``未归类``, with evidence.

    Parameters
    ----------
    features : DataFrame
        One row per county: ``region_code`` and feature columns (see :func:`build_features`).
    rules : RuleSet, path or None
        Rule set (default: the built-in ``rules.yaml``).

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
        for r in rules_ok:
            m = np.ones(n, dtype=bool)
            parts: NDArray[np.str_] = np.full(n, "", dtype=object)
            for j, c in enumerate(r.when):
                m &= _holds(df, c)
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
            used.extend(c.feature for c in r.when if c.feature not in used)
        mm = np.vstack(rule_masks)
        match_cols.append(np.asarray(mm.any(axis=0), dtype=bool))
        first = np.argmax(mm, axis=0)
        evid_cols.append(np.vstack(rule_texts)[first, np.arange(n)])
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
        }
    )
    extra = [c for c in ("name", *num_used) if c in df.columns and c not in table.columns]
    table = pd.concat([table, df[extra].reset_index(drop=True)], axis=1)
    matched = pd.DataFrame(M, columns=active, index=df["region_code"].to_numpy())
    return TypologyResult(table=table, matched=matched, rules=rs, inactive=inactive)
