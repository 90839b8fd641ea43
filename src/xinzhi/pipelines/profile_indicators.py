"""指标明细 of a county in a stored evaluation: every indicator the evaluation used, with the
county's raw value, its normalised value, weight, contribution, rank and where the value came
from (the 画像 page's table and its Excel export; one function, :func:`county_indicator_details`).

Nothing is re-weighted: the weights are the stored ones (:func:`xinzhi.pipelines.stored.
weights_of_year`). The normalised values are not stored with an evaluation, so they are
computed again by the engine (:func:`xinzhi.evaluate.evaluate`) with the evaluation's stored
options on the unit-years it scored, from the current values of the warehouse — the same
inputs it read when it was saved, unless data were imported since (then a note says so and
the recomputed score is compared with the stored one).

Contribution (贡献) of indicator *j* to the score of county *i*:

.. math::
    c_{ij} = w_j \\, b_{ij}, \\qquad \\text{share}_{ij} = c_{ij} / \\textstyle\\sum_k c_{ik}

with :math:`w_j` the stored weight (of the year, for weights computed per year) and
:math:`b_{ij}` what the aggregation ran on — the normalised value :math:`z_{ij}`, or the
entropy proportion :math:`p_{ij}` with ``score_basis="proportion"``. For the weighted sum
(加权求和, :func:`xinzhi.evaluate.aggregate.weighted_sum`) the score *is*
:math:`S_i = \\sum_j w_j b_{ij}`, so the contributions add up to the score exactly. TOPSIS,
grey relational and the other aggregations are not sums over indicators; there the score is
divided among the indicators in proportion to :math:`w_j b_{ij}` (``contribution =
share × score``), and :attr:`IndicatorDetails.additive` is False (the page says so).

Rank (排名) of the county on one indicator: the rank of its normalised value (direction taken
into account: 1 = best) among the units the evaluation scored in that year — within the
county's province for a national evaluation (省内排名), within the evaluation's 评价范围 for a
scoped one (:func:`xinzhi.pipelines.evaluation.area_counties`); ties share the best rank.

Source (来源): the import batch that holds the county's current value
(``current_observations``): 公开数据 (a public dataset of the registry,
:func:`xinzhi.auth.policy.public_sources`, with its title), 本县导入 (a batch uploaded for this
county, ``auth_batch_owners.county_code``) or 用户导入 (another upload, e.g. a province
yearbook imported by an analyst), with batch number, file and importer. What an account may
see follows :func:`xinzhi.auth.policy.can_view_batch`: a value of a batch the account may not
see is withheld with its batch and importer (its normalised value, weight and contribution
are part of the public evaluation result, like the score and the obstacle degrees).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

import duckdb
import numpy as np
import pandas as pd

from xinzhi import datasets, store
from xinzhi.auth import policy
from xinzhi.auth.accounts import User
from xinzhi.errors import InputError, XinzhiError
from xinzhi.evaluate import evaluate
from xinzhi.pipelines.stored import StoredEvaluation, read_stored_evaluation, weights_of_year
from xinzhi.results import Result

__all__ = ["AGGREGATE_ZH", "DETAIL_COLUMNS", "IndicatorDetails", "county_indicator_details"]

DETAIL_COLUMNS: dict[str, str] = {
    "indicator": "指标代码",
    "name": "指标",
    "dimension": "维度",
    "unit": "单位",
    "value": "原始值",
    "normalised": "标准化值",
    "weight": "权重",
    "contribution": "贡献",
    "share": "贡献占比",
    "rank": "排名",
    "units": "参与排名单位数",
    "source_kind": "来源类别",
    "source": "来源",
    "batch_id": "批次",
    "imported_by": "导入人",
    "visible": "可查看原始值",
}
"""Columns of :meth:`IndicatorDetails.tidy` and their Chinese headers."""

PUBLIC = "公开数据"
OWN = "本县导入"
IMPORTED = "用户导入"
WITHHELD = "无权查看"

AGGREGATE_ZH = {
    "weighted-sum": "加权求和",
    "topsis": "TOPSIS（逼近理想解）",
    "grey": "灰色关联",
    "geometric": "加权几何平均",
    "harmonic": "加权调和平均",
    "copeland": "Copeland 计数",
    "vikor": "VIKOR",
    "promethee": "PROMETHEE",
}
"""Chinese names of the aggregations named in the contribution note."""

#: option keys of a stored evaluation that are not engine options
_NOT_ENGINE = ("area",)


@dataclass(repr=False)
class IndicatorDetails(Result):
    """指标明细 of one county-year in a stored evaluation.

    Attributes
    ----------
    evaluation : str
        Stored evaluation.
    region_code, county, year
        The county (code and name) and the year.
    area : str or None
        评价范围 of the evaluation (None: the nation).
    rank_scope : str
        What the rank is within: ``省内`` (national evaluation) or the 评价范围.
    aggregate : str
        The evaluation's aggregation (``weighted-sum``, ``topsis`` …).
    additive : bool
        True when the score is the weighted sum of ``b`` (contributions are exact).
    score : float
        The stored score of the county-year.
    rows : DataFrame
        One row per indicator (:data:`DETAIL_COLUMNS`), in the order of the indicator system.
    """

    evaluation: str
    region_code: str
    county: str
    year: int
    area: str | None
    rank_scope: str
    aggregate: str
    additive: bool
    score: float
    rows: pd.DataFrame
    notes: list[str] = field(default_factory=list)

    headers: ClassVar[dict[str, str]] = DETAIL_COLUMNS

    def tables(self) -> dict[str, pd.DataFrame]:
        """``{"指标明细": rows}``."""
        return {"指标明细": self.rows}

    def tidy(self) -> pd.DataFrame:
        """The rows (:data:`DETAIL_COLUMNS`)."""
        return self.rows.copy()

    def summary(self) -> str:
        """Chinese text: the county, the score, and each indicator's contribution."""
        lines = [
            f"{self.county}（{self.region_code}）{self.year} 年在评价 {self.evaluation}"
            f"（评价范围：{self.area or '全国'}）中的指标明细：综合得分 {self.score:.4f}，"
            f"{len(self.rows)} 个指标；排名为{self.rank_scope}排名",
            self.contribution_note(),
        ]
        for r in self.rows.itertuples():
            if not r.visible:
                value = WITHHELD
            elif r.unit == "比例":
                value = f"{r.value:.2%}"
            else:
                value = f"{r.value:g} {r.unit}".strip()
            lines.append(
                f"  {r.name}（{r.dimension}）：{value}，标准化 {r.normalised:.4f}，"
                f"权重 {r.weight:.2%}，贡献 {r.contribution:.4f}（{r.share:.1%}），"
                f"排名 {r.rank}/{r.units}，来源 {r.source}"
            )
        return self.labelled("\n".join(lines))

    def contribution_note(self) -> str:
        """One Chinese sentence: how 贡献 is defined for this evaluation's aggregation."""
        if self.additive:
            return "贡献 = 权重 × 标准化值；综合得分按加权求和计算，各指标贡献之和等于综合得分。"
        return (
            f"本评价的综合得分按 {AGGREGATE_ZH.get(self.aggregate, self.aggregate)} 计算，不是各指标的加权和；贡献占比 = 权重 × "
            "标准化值 ÷ 各指标之和，贡献 = 贡献占比 × 综合得分（按比例分摊）。"
        )

    def to_excel(self, path: str | Path) -> Path:
        """Workbook with the sheet 指标明细 (Chinese headers) and 说明 (notes)."""
        p = Path(path)
        with pd.ExcelWriter(p, engine="xlsxwriter") as xw:
            self.rows.rename(columns=DETAIL_COLUMNS).to_excel(
                xw, sheet_name="指标明细", index=False
            )
            pd.DataFrame({"说明": [self.contribution_note(), *self.notes]}).to_excel(
                xw, sheet_name="说明", index=False
            )
        return p


def _engine_options(st: StoredEvaluation) -> dict[str, Any]:
    return {k: v for k, v in st.options.items() if v is not None and k not in _NOT_ENGINE}


def _recompute(st: StoredEvaluation, raw: pd.DataFrame) -> Any:
    """The engine's result on the unit-years the evaluation scored (current values)."""
    codes = st.system.codes
    keys = st.scores[["region_code", "year"]].astype({"year": "int64"})
    data = raw.astype({"year": "int64"}).merge(keys, on=["region_code", "year"], how="inner")
    data = data[["region_code", "year", *codes]].rename(columns={"region_code": "unit"})
    if data[codes].isna().any().any():
        missing = data.loc[data[codes].isna().any(axis=1), "unit"].nunique()
        raise InputError(
            f"评价 {st.name} 保存后有 {missing} 个县区的指标值被删除或停用，无法重算标准化值；"
            f"请重新运行评价（xinzhi evaluate --save {st.name}）"
        )
    try:
        return evaluate(data, st.system, _engine_options(st))
    except XinzhiError:
        if "ahp" not in st.options:
            raise
        # the stored AHP matrices may not be re-readable; the normalisation does not use them
        opts = {k: v for k, v in _engine_options(st).items() if k != "ahp"}
        opts["weights"] = "equal"
        return evaluate(data, st.system, opts)


def _sources(
    con: duckdb.DuckDBPyConnection, code: str, year: int, codes: list[str]
) -> pd.DataFrame:
    """``indicator, value, batch_id, batch_source, file_name, imported_by, owner_county`` of the
    county-year's current values."""
    owners = bool(
        con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = 'auth_batch_owners'"
        ).fetchall()[0][0]
    )
    join = "LEFT JOIN auth_batch_owners w USING (batch_id)" if owners else ""
    who = "coalesce(w.user_name, b.user_name)" if owners else "b.user_name"
    owner = "w.county_code" if owners else "CAST(NULL AS VARCHAR)"
    con.register("_codes", pd.DataFrame({"indicator": codes}))
    try:
        return con.execute(
            f"""SELECT o.indicator, o.value, o.batch_id, b.source AS batch_source, b.file_name,
                       {who} AS imported_by, {owner} AS owner_county
                FROM current_observations o JOIN import_batches b USING (batch_id) {join}
                WHERE o.region_code = ? AND o.year = ?
                  AND o.indicator IN (SELECT indicator FROM _codes)""",
            [code, int(year)],
        ).df()
    finally:
        con.unregister("_codes")


def _units(con: duckdb.DuckDBPyConnection, codes: list[str]) -> dict[str, str]:
    """Units of the indicators from the warehouse's ``indicators`` table (user indicators)."""
    con.register("_codes", pd.DataFrame({"code": codes}))
    try:
        rows = con.execute(
            "SELECT code, coalesce(unit, ''), coalesce(name_zh, code) FROM indicators "
            "WHERE code IN (SELECT code FROM _codes)"
        ).fetchall()
    finally:
        con.unregister("_codes")
    return {str(c): str(u) for c, u, _ in rows}


def _source_text(kind: str, r: dict[str, Any], titles: dict[str, str], visible: bool) -> str:
    if kind == PUBLIC:
        src = str(r["batch_source"])
        return f"{PUBLIC}：{titles.get(src, src)}"
    if not visible:
        return f"{kind}（{WITHHELD}）"
    parts = [f"批次 {int(r['batch_id'])}"]
    if isinstance(r.get("file_name"), str) and r["file_name"]:
        parts.append(str(r["file_name"]))
    if isinstance(r.get("imported_by"), str) and r["imported_by"]:
        parts.append(f"导入人 {r['imported_by']}")
    return f"{kind}（{'，'.join(parts)}）"


def county_indicator_details(
    con: duckdb.DuckDBPyConnection,
    name: str,
    code: str,
    year: int | None = None,
    *,
    user: User,
    stored: StoredEvaluation | None = None,
    raw: pd.DataFrame | None = None,
) -> IndicatorDetails:
    """指标明细 of county ``code`` in stored evaluation ``name`` (see the module docstring).

    Parameters
    ----------
    con : DuckDB connection
        The warehouse.
    name : str
        Stored evaluation.
    code : str
        6-digit code of a county the evaluation scored.
    year : int, optional
        Year (default: the county's latest scored year).
    user : User
        The account asking; values of batches it may not see are withheld
        (:func:`xinzhi.auth.policy.can_view_batch`).
    stored, raw : optional
        The evaluation already read (:func:`xinzhi.pipelines.stored.read_stored_evaluation`) and
        the wide current values (``region_code, year`` and the system's indicators), as a
        report's context holds them; read from ``con`` when not given.

    Returns
    -------
    IndicatorDetails

    Raises
    ------
    InputError
        No evaluation of that name, or the county-year has no score in it.
    """
    st = read_stored_evaluation(con, name) if stored is None else stored
    if st is None:
        raise InputError(f"数据仓库中没有名为 {name!r} 的评价结果")
    scores = st.scores
    mine = scores[scores["region_code"] == code]
    if mine.empty:
        raise InputError(f"评价结果 {name} 中没有县区 {code}")
    y = int(mine["year"].max()) if year is None else int(year)
    row = mine[mine["year"] == y]
    if row.empty:
        raise InputError(f"评价结果 {name} 中县区 {code} 没有 {y} 年的得分")
    stored_score = float(row["score"].iloc[0])
    codes = list(st.system.codes)
    if raw is None:
        raw = store.read_wide(con, codes, st.years, level="county")
    res = _recompute(st, raw)
    notes: list[str] = []

    units_arr = res.units.astype(str)
    years_arr = np.asarray(res.years, dtype=np.int64)
    in_year = years_arr == y
    at = np.nonzero(in_year & (units_arr == code))[0]
    if at.size == 0:  # cannot happen after the checks above unless the data changed
        raise InputError(f"评价 {name} 的数据已变动，无法重算 {code} {y} 年的标准化值")
    i = int(at[0])
    area = str(st.options["area"]) if st.options.get("area") else None
    if area is None:
        scope = in_year & (pd.Series(units_arr).str[:2] == code[:2]).to_numpy()
        rank_scope = "省内"
    else:
        scope = in_year
        rank_scope = f"{area}范围内"
    z = np.asarray(res.normalized, dtype=np.float64)
    rows_in_scope = np.nonzero(scope)[0]
    ranks = (
        pd.DataFrame(z[rows_in_scope], columns=codes)
        .rank(ascending=False, method="min")
        .iloc[int(np.searchsorted(rows_in_scope, i))]
    )
    n_scope = int(scope.sum())

    w = weights_of_year(st.weights, y).set_index("indicator")["weight"].reindex(codes)
    weights = w.to_numpy(dtype=np.float64)
    basis = np.asarray(res.basis if res.basis is not None else z, dtype=np.float64)[i]
    raw_c = weights * basis
    total = float(raw_c.sum())
    share = raw_c / total if total > 0 else np.full(len(codes), np.nan)
    opts = res.options
    additive = (
        opts.aggregate == "weighted-sum"
        and not opts.hierarchical
        and opts.dimension_weights == "sum"
    )
    contribution = raw_c if additive else share * stored_score
    recomputed = float(res.score[i])
    if abs(recomputed - stored_score) > 1e-6:
        notes.append(
            f"评价 {name} 保存后数据有变动：按当前数据重算的得分为 {recomputed:.4f}，保存的得分为 "
            f"{stored_score:.4f}；标准化值按当前数据计算，如需一致请重新运行评价"
        )

    src = _sources(con, code, y, codes).set_index("indicator")
    units = _units(con, codes)
    titles = {d.name: d.title for d in datasets.list_datasets()}
    public = policy.public_sources()
    top = st.system.top_dimension_of()
    records = []
    for j, ind in enumerate(st.system.indicators):
        r: dict[str, Any] = (
            {str(k): v for k, v in src.loc[ind.code].to_dict().items()}
            if ind.code in src.index
            else {}
        )
        batch_source = str(r.get("batch_source") or "")
        owner = r.get("owner_county") if isinstance(r.get("owner_county"), str) else None
        kind = PUBLIC if batch_source in public else (OWN if owner == code else IMPORTED)
        visible = bool(r) and policy.can_view_batch(user, batch_source, owner)
        value = float(r["value"]) if r and visible and r.get("value") is not None else np.nan
        records.append(
            {
                "indicator": ind.code,
                "name": ind.name,
                "dimension": top[ind.code],
                "unit": units.get(ind.code) or (ind.unit or ""),
                "value": value,
                "normalised": float(z[i, j]),
                "weight": float(weights[j]),
                "contribution": float(contribution[j]),
                "share": float(share[j]),
                "rank": int(ranks[ind.code]),
                "units": n_scope,
                "source_kind": kind if r else "",
                "source": _source_text(kind, r, titles, visible) if r else "",
                "batch_id": int(r["batch_id"]) if r and visible else pd.NA,
                "imported_by": (
                    str(r["imported_by"])
                    if r and visible and kind != PUBLIC and isinstance(r.get("imported_by"), str)
                    else None
                ),
                "visible": visible,
            }
        )
    out = pd.DataFrame.from_records(records, columns=list(DETAIL_COLUMNS))
    out["batch_id"] = out["batch_id"].astype("Int64")
    hidden = int((~out["visible"]).sum())
    if hidden:
        notes.append(
            f"{hidden} 个指标的原始值来自当前账号无权查看的导入批次，原始值、批次与导入人不显示"
            "（标准化值、权重与贡献属于公开的评价结果）"
        )
    county = str(row["name"].iloc[0]) if "name" in row.columns else code
    return IndicatorDetails(
        evaluation=name,
        region_code=code,
        county=county,
        year=y,
        area=area,
        rank_scope=rank_scope,
        aggregate=str(opts.aggregate),
        additive=additive,
        score=stored_score,
        rows=out,
        notes=notes,
    )
