"""One function per section of the county report and of the provincial summary.

Each function reads what it needs from a :class:`~xinzhi.pipelines.report_context.ReportContext`
(the stored evaluation, the current raw values, names and cached county types, polygons and
industry inputs), calls the analyses and returns the section's tables with the Chinese notes it
adds (what is missing or approximate). :func:`xinzhi.pipelines.report.county_report_data` and
:func:`~xinzhi.pipelines.report.province_report_data` put the sections together into the data
model of :mod:`xinzhi.report.model`.

County sections, in report order: :func:`score_section` (cover: score, ranks, percentile),
:func:`benchmark_section` (type, peers, benchmarks, gaps), :func:`dimension_section` (radar),
:func:`history_section` (change over the years), :func:`indicator_section` (appendix table),
:func:`shortfall_section` (diagnosis), :func:`recommendation_section` (paths),
:func:`province_map_section` (provincial table and map), :func:`industry_section` (three tiers),
:func:`method_entries` (formulas of the appendix). Provincial summary:
:func:`province_ranking_section` and :func:`disparity_section`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from xinzhi import registry, typology
from xinzhi.auth.accounts import county_level_code
from xinzhi.errors import AmbiguousRegionError, DataUnavailableError, RegionError, XinzhiError
from xinzhi.indicators.system import IndicatorSystem
from xinzhi.pipelines.report_context import ReportContext
from xinzhi.pipelines.stored import weights_of_year
from xinzhi.pipelines.typology import benchmark_county
from xinzhi.regions import Region, load_registry, resolve
from xinzhi.registry.typology import PEERS
from xinzhi.report.methods import MethodEntry, formulas
from xinzhi.report.model import DagumTables, TheilTables

__all__ = [
    "BenchmarkSection",
    "DisparitySection",
    "IndicatorSection",
    "MonitoringSection",
    "ProvinceMapSection",
    "ProvinceRankingSection",
    "RobustnessSection",
    "ScoreSection",
    "ShortfallSection",
    "benchmark_section",
    "dimension_section",
    "disparity_section",
    "history_section",
    "indicator_section",
    "industry_section",
    "method_entries",
    "monitoring_section",
    "province_map_section",
    "province_ranking_section",
    "recommendation_section",
    "report_year",
    "resolve_county",
    "resolve_province",
    "robustness_section",
    "score_section",
    "shortfall_section",
]


# --------------------------------------------------------------------------- who and when
def report_year(ctx: ReportContext, year: int | None) -> int:
    """The requested year, or the latest year of the stored evaluation."""
    return int(ctx.scores["year"].max()) if year is None else int(year)


def resolve_county(ctx: ReportContext, county: str, year: int) -> str:
    """Code of ``county`` (code, name or full name) among the warehouse counties of ``year``.

    A name or code that did not exist in ``year`` (崇文区 in 2020) is refused with its history
    and successor (:class:`RegionError`), never replaced by the successor. A province or
    prefecture (430300 湘潭市, 湖南省) is refused as not county-level
    (:class:`~xinzhi.errors.InputError` of :func:`xinzhi.auth.accounts.not_county_error`, the
    same check as accounts and the other pipelines), not reported as "no data"."""
    county = str(county).strip()
    names = ctx.names[ctx.names["year"] == year]
    if county.isdigit():
        if county in set(names["region_code"]):
            return county
        try:
            region = resolve(county, year, data_dir=ctx.data_dir)
        except RegionError:  # a code the registry does not know: the message below says enough
            region = None
        if region is not None:
            _refuse_not_county(ctx, region, county)
            _refuse_former(region, county, year)
        raise DataUnavailableError(f"数据仓库中没有区划代码 {county} 在 {year} 年的县级数据")
    full = (
        names["province_name"].fillna("")
        + names["prefecture_name"].fillna("")
        + names["name"].fillna("")
    )
    hit = names[(names["name"] == county) | (full == county)]
    if len(hit) == 1:
        return str(hit["region_code"].iloc[0])
    if len(hit) > 1:
        cands = [f"{a}（{b}）" for a, b in zip(full[hit.index], hit["region_code"], strict=True)]
        raise AmbiguousRegionError(
            f"“{county}”对应多个县级单位：{'、'.join(cands)}；请写全称或区划代码", cands
        )
    region = _refuse_former(resolve(county, year, data_dir=ctx.data_dir), county, year)
    if region.code in set(names["region_code"]):
        return region.code
    _refuse_not_county(ctx, region, county)
    raise DataUnavailableError(f"数据仓库中没有 {region.name}（{region.code}）{year} 年的县级数据")


def _refuse_not_county(ctx: ReportContext, region: Region, county: str) -> None:
    """Refuse a province or prefecture (``county`` as the user wrote it) with the shared
    message; a prefecture-level city without counties (东莞) is county-level and passes
    (:func:`xinzhi.auth.accounts.county_level_code` on the registry's table)."""
    if region.level != "county":
        county_level_code(load_registry(ctx.data_dir).table, region.code, county)


def _refuse_former(region: Region, county: str, year: int) -> Region:
    """``region`` (what ``county`` resolved to in ``year``) unless the name or code did not
    exist then: refused with its history and successor (:class:`RegionError`), never reported
    on as its successor."""
    if region.status != "ok":  # a former name: never report on another unit in its place
        raise RegionError(
            f"“{county}”在 {year} 年已不是现行区划，不按承继区划出具报告：{region.note}。"
            f"如需 {region.full_name} 的报告，请写 {region.name} 或 {region.code}"
        )
    return region


def resolve_province(ctx: ReportContext, province: str, year: int) -> tuple[str, str]:
    """``(code, name)`` of ``province`` (name, short name or code) among the counties of
    ``year``."""
    nm = ctx.names[ctx.names["year"] == year]
    p = str(province).strip()
    if p.isdigit():
        hit = nm[nm["region_code"].str[:2] == p[:2]]
    else:
        short = nm["province_name"].str.replace(
            r"(省|市|自治区|壮族自治区|回族自治区|维吾尔自治区|特别行政区)$", "", regex=True
        )
        hit = nm[(nm["province_name"] == p) | (short == p) | (nm["province_name"].str[:2] == p)]
    if hit.empty:
        raise RegionError(f"数据仓库 {year} 年中找不到省份“{province}”的县级数据")
    codes = hit["region_code"].str[:2].unique()
    if len(codes) > 1:
        raise AmbiguousRegionError(f"“{province}”对应多个省份，请写全称", list(codes))
    return str(codes[0]) + "0000", str(hit["province_name"].iloc[0])


def _labels(system: IndicatorSystem) -> dict[str, str]:
    return {i.code: i.name for i in system.indicators}


# --------------------------------------------------------------------------- county sections
class ScoreSection(NamedTuple):
    """Cover numbers, read from the stored evaluation."""

    evaluated: bool
    score: float | None
    rank: int | None
    n_counties: int
    province_rank: int | None
    n_province: int
    percentile: float | None
    missing: list[tuple[str, str]]
    notes: list[str]


def score_section(ctx: ReportContext, code: str, year: int) -> ScoreSection:
    """Score, national and provincial rank and percentile of ``code`` in the stored evaluation;
    for a county-year without a stored score, the required indicators it lacks."""
    label = _labels(ctx.full_system)
    sy = ctx.scores[ctx.scores["year"] == year]
    n_province = int((sy["region_code"].str[:2] == code[:2]).sum())
    own = sy[sy["region_code"] == code]
    notes: list[str] = []
    if own.empty:
        ex = ctx.excluded[(ctx.excluded["region_code"] == code) & (ctx.excluded["year"] == year)]
        miss_codes = ex["missing"].iloc[0].split("、") if not ex.empty else []
        missing = [(c, label.get(c, c)) for c in miss_codes if c]
        if missing:
            notes.append(
                f"本县 {year} 年缺少必需指标 {'、'.join(n for _, n in missing)}，"
                "未参与综合测度：得分、排名、雷达图、短板诊断与差距表不可用，下文列出其余可得数据"
            )
        else:
            notes.append(
                f"本县 {year} 年不在保存的评价 {ctx.evaluation_name} 中（评价保存后数据已更新，或该年"
                "未参评）：得分、排名、雷达图、短板诊断与差距表不可用；如需按当前数据测度请运行 "
                f"xinzhi evaluate --system {ctx.full_system.name} --save {ctx.evaluation_name}"
            )
        return ScoreSection(False, None, None, len(sy), None, n_province, None, missing, notes)
    r = own.iloc[0]
    return ScoreSection(
        evaluated=True,
        score=float(r["score"]),
        rank=int(r["rank"]),
        n_counties=len(sy),
        province_rank=int(r["province_rank"]),
        n_province=n_province,
        percentile=float(r["percentile"]),
        missing=[],
        notes=notes,
    )


class BenchmarkSection(NamedTuple):
    """County type with evidence, structural peers, benchmarks and the gap table."""

    types: dict[str, str] | None
    peers: pd.DataFrame
    benchmarks: pd.DataFrame
    gaps: pd.DataFrame
    notes: list[str]


def benchmark_section(
    ctx: ReportContext,
    code: str,
    year: int,
    evaluated: bool,
    n_peers: int = PEERS.default("n_peers"),
    n_benchmarks: int = PEERS.default("n_benchmarks"),
) -> BenchmarkSection:
    """Type of ``code`` (:func:`xinzhi.pipelines.typology.classify_counties`) and, for an
    evaluated county, peers, benchmarks and gaps (:func:`xinzhi.typology.benchmark`)."""
    types_obj = ctx.types(year)
    notes: list[str] = []
    types: dict[str, str] | None = None
    peers = pd.DataFrame(columns=["region_code", "name", "primary_type", "distance", "score"])
    benchmarks = pd.DataFrame(columns=["region_code", "name", "score", "distance"])
    gaps = pd.DataFrame(columns=["indicator", "name", "value", "benchmark_value", "gap_share"])
    if isinstance(types_obj, str):
        return BenchmarkSection(None, peers, benchmarks, gaps, [types_obj])
    t = types_obj.result.table
    row = t[t["region_code"] == code]
    if row.empty:
        notes.append(f"本县没有 {year} 年普查就业结构数据，无法判定县域类型")
    else:
        tr = row.iloc[0]
        types = {
            k: str(tr[k]) for k in ("primary_type", "secondary_type", "matched_types", "evidence")
        }
    if not evaluated or types is None:
        return BenchmarkSection(types, peers, benchmarks, gaps, notes)
    sys_used = ctx.evaluation.system
    scored = ctx.scores[ctx.scores["year"] == year]
    if ctx.area != "全国":  # a scoped evaluation: peers and benchmarks within its 评价范围
        feats = types_obj.features
        types_obj = replace(
            types_obj, features=feats[feats["region_code"].isin(set(scored["region_code"]))]
        )
    try:
        bm = benchmark_county(
            types_obj,
            scored,
            ctx.raw[ctx.raw["year"] == year],
            sys_used,
            code,
            n_peers,
            n_benchmarks,
        )
    except XinzhiError as exc:
        notes.append(f"对标分析不可用：{exc}")
        return BenchmarkSection(types, peers, benchmarks, gaps, notes)
    nm = ctx.names[ctx.names["year"] == year].set_index("region_code")
    peers = bm.peers.assign(name=nm["name"].reindex(bm.peers["region_code"]).to_numpy())
    benchmarks = bm.benchmarks.assign(
        name=nm["name"].reindex(bm.benchmarks["region_code"]).to_numpy(),
        province_name=nm["province_name"].reindex(bm.benchmarks["region_code"]).to_numpy(),
    )
    gaps = bm.gaps.assign(name=bm.gaps["indicator"].map(_labels(ctx.full_system)))
    if benchmarks.empty:
        notes.append("同类型近邻县中没有得分更高的县：本县即为同类标杆，无差距表")
    return BenchmarkSection(types, peers, benchmarks, gaps, notes)


def dimension_section(
    ctx: ReportContext, code: str, year: int, benchmark_codes: list[str]
) -> pd.DataFrame:
    """``dimension, score, province_mean, benchmark_mean`` (radar chart) from the stored
    dimension scores; empty for a county-year without a stored score."""
    dim_names = ctx.evaluation.system.dimension_names
    dim_cols = [f"dim:{d}" for d in dim_names]
    sy = ctx.scores[ctx.scores["year"] == year]
    own = sy[sy["region_code"] == code]
    if own.empty:
        return pd.DataFrame(columns=["dimension", "score", "province_mean", "benchmark_mean"])
    prov = sy[sy["region_code"].str[:2] == code[:2]]
    bm_rows = sy[sy["region_code"].isin(benchmark_codes)]
    return pd.DataFrame(
        {
            "dimension": dim_names,
            "score": own.iloc[0][dim_cols].to_numpy(dtype=float),
            "province_mean": prov[dim_cols].mean().to_numpy(dtype=float),
            "benchmark_mean": (
                bm_rows[dim_cols].mean().to_numpy(dtype=float)
                if len(bm_rows)
                else np.full(len(dim_cols), np.nan)
            ),
        }
    )


def history_section(
    ctx: ReportContext, code: str, year: int, evaluated: bool
) -> tuple[pd.DataFrame, list[str]]:
    """``year, score, rank, province_rank, percentile, dim:…`` of the county in every stored
    year (earlier years of a renamed unit included, :meth:`ReportContext.history`), and notes."""
    dim_cols = [f"dim:{d}" for d in ctx.evaluation.system.dimension_names]
    history, notes = ctx.history(code, year)
    history = history[
        ["year", "score", "rank", "province_rank", "percentile", *dim_cols]
    ].reset_index(drop=True)
    if evaluated and len(history) < 2:
        notes = [*notes, "本县只有一个测度年份，无法给出变化（代码变更或早年数据缺失）"]
    return history, notes


class IndicatorSection(NamedTuple):
    """Every indicator of the system with the county's value and stored obstacle degree."""

    indicators: pd.DataFrame
    obstacles: pd.DataFrame


def indicator_section(
    ctx: ReportContext, code: str, year: int, missing: list[tuple[str, str]]
) -> IndicatorSection:
    """``code, name, unit, direction, dimension, shortfall, value, province_mean, weight,
    obstacle, status`` for every indicator of the full system (appendix), and the county's
    stored obstacle rows."""
    raw_y = ctx.raw[ctx.raw["year"] == year]
    prov_raw = raw_y[raw_y["region_code"].str[:2] == code[:2]]
    own_raw = raw_y[raw_y["region_code"] == code]
    fs = ctx.full_system
    top_of = fs.top_dimension_of()
    wt = weights_of_year(ctx.weights, year).set_index("indicator")["weight"]  # that year's
    ob = ctx.obstacles[(ctx.obstacles["region_code"] == code) & (ctx.obstacles["year"] == year)]
    obs = ob.set_index("indicator")["obstacle"]
    used_set = set(ctx.evaluation.system.codes)
    miss_set = {c for c, _ in missing}
    inds = fs.indicators
    codes = [i.code for i in inds]
    values = (
        own_raw[codes].iloc[0].to_numpy(dtype=float) if len(own_raw) else np.full(len(inds), np.nan)
    )
    status = [
        "缺失（未参评原因）"
        if i.code in miss_set
        else ("已纳入" if i.code in used_set else "未纳入（可选指标，数据不足）")
        for i in inds
    ]
    table = pd.DataFrame(
        {
            "code": codes,
            "name": [i.name for i in inds],
            "unit": [i.unit or "" for i in inds],
            "direction": [i.direction for i in inds],
            "dimension": [top_of.get(c, "") for c in codes],
            "shortfall": [i.shortfall or "" for i in inds],
            "value": values,
            "province_mean": prov_raw[codes].mean().to_numpy(dtype=float),
            "weight": wt.reindex(codes).to_numpy(dtype=float),
            "obstacle": obs.reindex(codes).to_numpy(dtype=float),
            "status": status,
        }
    )
    return IndicatorSection(table, ob)


class ShortfallSection(NamedTuple):
    """Obstacle degree by shortfall (短板), the five main obstacle indicators, the two main
    shortfalls (for the recommendations)."""

    shortfalls: pd.DataFrame
    top_obstacles: pd.DataFrame
    main: list[str]
    notes: list[str]


def shortfall_section(
    ctx: ReportContext,
    code: str,
    year: int,
    indicators: pd.DataFrame,
    obstacles: pd.DataFrame,
    evaluated: bool,
) -> ShortfallSection:
    """Shortfall diagnosis (:func:`xinzhi.typology.diagnose_shortfalls`) of the county's stored
    obstacle degrees, and its five indicators with the highest obstacle degree."""
    shortfalls = pd.DataFrame(columns=["shortfall", "obstacle", "share", "rank", "drivers"])
    top_obstacles = indicators.dropna(subset=["obstacle"]).nlargest(5, "obstacle")[
        ["code", "name", "dimension", "shortfall", "obstacle"]
    ]
    if not evaluated or obstacles.empty:
        return ShortfallSection(shortfalls, top_obstacles, [], [])
    try:
        diag = typology.diagnose_shortfalls(
            obstacles.rename(columns={"region_code": "unit"}),
            ctx.evaluation.system,
            units=[code],
            year=year,
        )
    except XinzhiError as exc:
        return ShortfallSection(shortfalls, top_obstacles, [], [f"短板诊断不可用：{exc}"])
    shortfalls = diag.ranking[["shortfall", "obstacle", "share", "rank", "drivers"]].copy()
    # driver texts use indicator codes; show names (longest code first: no prefix clashes)
    for c, n in sorted(_labels(ctx.full_system).items(), key=lambda kv: -len(kv[0])):
        shortfalls["drivers"] = shortfalls["drivers"].str.replace(c, n, regex=False)
    return ShortfallSection(shortfalls, top_obstacles, diag.top(code, year, n=2), [])


def recommendation_section(
    types: dict[str, str] | None, main_shortfalls: list[str], max_measures: int = 8
) -> tuple[pd.DataFrame, str]:
    """Recommended measures with citations (:func:`xinzhi.typology.recommend`) from the county's
    primary and secondary type and main shortfalls, and the explanation shown with them."""
    recommendations = pd.DataFrame(columns=["rank", "text", "reason", "source", "title", "author"])
    if types is None and not main_shortfalls:
        return recommendations, "县域类型与短板均不可得，未给出推荐路径"
    tps = [types["primary_type"], types["secondary_type"]] if types else []
    try:
        rec = typology.recommend(tps, main_shortfalls, max_measures=max_measures)
    except XinzhiError as exc:
        return recommendations, f"推荐路径不可用：{exc}"
    cols = ["rank", "text", "reason", "source", "title", "author"]
    return rec.measures[cols].reset_index(drop=True), rec.explanation


class ProvinceMapSection(NamedTuple):
    """The province's counties with stored scores, and their polygons for the map."""

    province_scores: pd.DataFrame
    province_map: Any
    notes: list[str]


def province_map_section(ctx: ReportContext, code: str, year: int) -> ProvinceMapSection:
    """``region_code, name, prefecture_name, score, province_rank`` of every county of the
    province in ``year`` (unscored ones last) and ``code, geometry, name, score`` polygons."""
    sy = ctx.scores[ctx.scores["year"] == year]
    prov_sy = sy[sy["region_code"].str[:2] == code[:2]]
    nm_y = ctx.names[ctx.names["year"] == year]
    prov_names = nm_y[nm_y["region_code"].str[:2] == code[:2]][
        ["region_code", "name", "prefecture_name"]
    ]
    province_scores = (
        prov_names.merge(
            prov_sy[["region_code", "score", "province_rank"]], on="region_code", how="left"
        )
        .sort_values(["province_rank", "region_code"], na_position="last")
        .reset_index(drop=True)
    )
    polys = ctx.province_polygons(year, set(province_scores["region_code"]))
    if isinstance(polys, str):
        return ProvinceMapSection(province_scores, None, [polys])
    pm = polys[["code", "geometry"]].merge(
        province_scores[["region_code", "name", "score"]].rename(columns={"region_code": "code"}),
        on="code",
        how="left",
    )
    notes = []
    if code not in set(pm["code"]):
        notes.append(f"边界数据中没有本县（{code}）的多边形，地图上无法突出显示")
    return ProvinceMapSection(province_scores, pm, notes)


def industry_section(ctx: ReportContext, code: str, year: int) -> tuple[pd.DataFrame, list[str]]:
    """Three-tier industry rows ``tier, industry, name, share, rca, reason``
    (:meth:`ReportContext.industry_map`), empty with a note when unavailable."""
    industry = ctx.industry_map(code, year)
    if isinstance(industry, str):
        empty = pd.DataFrame(columns=["tier", "industry", "name", "share", "rca", "reason"])
        return empty, [industry]
    return industry, []


class MonitoringSection(NamedTuple):
    """The county's monitoring digest for the report: one row per indicator (``indicator,
    signal_prev, signal, change, rule, trend, assessment``), the digest's first lines and the
    options used (empty table and a note when unavailable)."""

    table: pd.DataFrame
    summary: str
    notes: list[str]
    options: dict[str, Any]


MONITORING_COLUMNS = ["indicator", "signal_prev", "signal", "change", "rule", "trend", "assessment"]


def monitoring_section(ctx: ReportContext, code: str, year: int) -> MonitoringSection:
    """The monitoring digest of county ``code`` (:func:`xinzhi.pipelines.monitor.monitor_digest`)
    over the indicators of the evaluation's system: against the county's yearly targets when it
    has any for ``year``, else against its own history (mean ± kσ of the growth over the five
    years before, the declared defaults); ``year`` when it has signals, else the latest year
    with signals. Unavailable (too few years, no observations) → an empty table and a note."""
    from xinzhi.pipelines.monitor import monitor_digest, read_targets
    from xinzhi.registry.monitor import DIGEST

    indicators = ",".join(ctx.full_system.codes)
    empty = pd.DataFrame(columns=MONITORING_COLUMNS)
    if ctx.con is None and not Path(ctx.db).exists():
        # a batch worker given a prefetched context without the warehouse: nothing to read
        return MonitoringSection(empty, "", ["监测预警不可用：数据仓库不可用"], {})
    try:
        with ctx.connection() as con:
            targets = read_targets(con, code)
            method = "target" if (targets["year"] == year).any() else DIGEST.default("method")
            try:
                d = monitor_digest(
                    con, county=code, year=year, method=method, indicators=indicators
                )
            except XinzhiError:
                d = monitor_digest(con, county=code, method=method, indicators=indicators)
    except XinzhiError as exc:
        return MonitoringSection(empty, "", [f"监测预警不可用：{exc}"], {})
    table = d.tidy()
    table = table[(table["signal"] != "") | (table["signal_prev"] != "")].reset_index(drop=True)
    if table.empty:
        note = f"监测预警不可用：{d.year} 年及上年没有可判定的信号（历史年数不足或无年度目标）"
        return MonitoringSection(empty, "", [note], {})
    table["indicator"] = table["indicator_name"]
    for c in ("trend", "assessment"):
        if c not in table.columns:
            table[c] = ""
    lines = d.summary().splitlines()
    notes = [] if d.year == year else [f"监测预警为 {d.year} 年（{year} 年没有可判定的信号）"]
    used = {"county": code, "method": method, "year": d.year}
    return MonitoringSection(table[MONITORING_COLUMNS], "\n".join(lines[1:]), notes, used)


class RobustnessSection(NamedTuple):
    """The county's rank under the audit's Monte Carlo (section 指数稳健性).

    ``county``: ``rank`` (reference), ``rank_median``, ``rank_p05``, ``rank_p95``, ``units``,
    ``runs`` (None when the county is not in the audit); ``intervals``: ``region_code, name,
    rank, rank_median, rank_p05, rank_p95, own`` of the counties of its province drawn in the
    chart (the best :data:`ROBUSTNESS_CHART_ROWS` by median rank, the county always among
    them; ranks are national); ``sensitivity``: ``label, S1, ST`` (Sobol indices)."""

    county: dict[str, float] | None
    intervals: pd.DataFrame
    sensitivity: pd.DataFrame
    notes: list[str]
    options: dict[str, Any]


ROBUSTNESS_CHART_ROWS = 30
ROBUSTNESS_COLUMNS = ["region_code", "name", "rank", "rank_median", "rank_p05", "rank_p95", "own"]


def robustness_section(ctx: ReportContext, code: str, year: int) -> RobustnessSection:
    """Median rank and 90 % interval of county ``code`` over the Monte Carlo of the declared
    analysis ``audit`` on the stored evaluation in ``year`` (:meth:`ReportContext.audit`;
    choices: normalisation, weighting, aggregation, imputation, weights ±25 %), the rank
    intervals of the counties of its province and the Sobol indices of the choices
    (Saisana, Saltelli & Tarantola 2005; docs/audit.md)."""
    empty = pd.DataFrame(columns=ROBUSTNESS_COLUMNS)
    no_sobol = pd.DataFrame(columns=["label", "S1", "ST"])
    res = ctx.audit(year)
    if isinstance(res, str):
        return RobustnessSection(None, empty, no_sobol, [res], {})
    if res.rank_intervals is None or res.sensitivity is None:
        note = "指数稳健性分析不可用：审计未做不确定性分析"
        return RobustnessSection(None, empty, no_sobol, [note], {})
    ri = res.rank_intervals.rename(columns={"unit": "region_code"})
    ri = ri.assign(region_code=ri["region_code"].astype(str))
    names = ctx.names[ctx.names["year"] == year].set_index("region_code")["name"]
    ri = ri.assign(name=ri["region_code"].map(names).fillna(ri["region_code"]))
    ri = ri.assign(own=ri["region_code"] == code)
    runs = int(res.mc_settings.get("runs", 0))
    used = {"evaluation": ctx.evaluation_name, "year": year, "n": res.mc_settings.get("n")}
    sens = res.sensitivity[["label", "S1", "ST"]].reset_index(drop=True)
    mine = ri[ri["own"]]
    if mine.empty:
        note = f"本县 {year} 年未参与指数稳健性分析（未参评）"
        return RobustnessSection(None, empty, sens, [note], used)
    row = mine.iloc[0]
    county = {
        "rank": float(row["rank"]),
        "rank_median": float(row["rank_median"]),
        "rank_p05": float(row["rank_p05"]),
        "rank_p95": float(row["rank_p95"]),
        "units": float(len(ri)),
        "runs": float(runs),
    }
    prov = ri[ri["region_code"].str[:2] == code[:2]]
    prov = prov.sort_values(["rank_median", "rank"], kind="stable")
    shown = prov.head(ROBUSTNESS_CHART_ROWS)
    if not shown["own"].any():
        shown = pd.concat([shown.head(ROBUSTNESS_CHART_ROWS - 1), mine])
    return RobustnessSection(
        county, shown[ROBUSTNESS_COLUMNS].reset_index(drop=True), sens, list(res.notes), used
    )


def method_entries(
    options: Mapping[str, Any], analyses: Mapping[str, Mapping[str, Any]] | None = None
) -> list[MethodEntry]:
    """The appendix's methods for an evaluation run with ``options``: the normalisation,
    weighting, aggregation and scope actually used, and every method without a variant (ranks,
    obstacle degree, types, peers, disparity), in the order of ``formulas.yaml``.

    ``analyses`` maps the key of a declared analysis the report used (:mod:`xinzhi.registry`,
    e.g. ``peers``) to its options: its entry then takes the formula key from the declaration
    and shows the declared options with the values used.
    """
    keys = {
        f"normalization:{options.get('normalization', 'minmax')}",
        f"weights:{options.get('weights', 'combined')}",
        f"aggregate:{options.get('aggregate', 'topsis')}",
        f"scope:{options.get('scope', 'pooled')}",
    }
    declared = {
        registry.get(k).formula: {
            o.label: used.get(o.name, o.default) for o in registry.get(k).options if o.name in used
        }
        for k, used in (analyses or {}).items()
    }
    if SPATIAL_FORMULAS & (keys | set(declared)):
        keys.add("disparity:weights")
    return [
        MethodEntry(f["title"], f["key"], declared.get(f["key"], {}))
        for f in formulas()
        if ":" not in f["key"] or f["key"] in keys or f["key"] in declared
    ]


SPATIAL_FORMULAS = {
    "disparity:moran",
    "disparity:geary",
    "disparity:lisa",
    "disparity:spatial-markov",
    "disparity:convergence",
}
"""Formula keys of analyses that take spatial weights: the appendix then explains the weights
(``disparity:weights``, docs/disparity.md §7)."""


# --------------------------------------------------------------------------- province sections
class ProvinceRankingSection(NamedTuple):
    """Provincial ranking (with county types), counties without a score, type distribution."""

    ranking: pd.DataFrame
    excluded: pd.DataFrame
    type_distribution: pd.DataFrame
    notes: list[str]


def province_ranking_section(
    ctx: ReportContext, province_code: str, year: int
) -> ProvinceRankingSection:
    """The province's counties by stored provincial rank with their primary and secondary
    types; the county-years of the province without a stored score; the type distribution."""
    p2 = province_code[:2]
    sy = ctx.scores[(ctx.scores["year"] == year) & (ctx.scores["region_code"].str[:2] == p2)]
    notes: list[str] = []
    types_obj = ctx.types(year)
    ranking = sy.drop(columns=["province_name"]).sort_values("province_rank")
    if isinstance(types_obj, str):
        notes.append(types_obj)
        tdist = pd.DataFrame(columns=["type", "n", "share"])
    else:
        t = types_obj.result.table[["region_code", "primary_type", "secondary_type"]]
        ranking = ranking.merge(t, on="region_code", how="left")
        counts = ranking["primary_type"].fillna("（无普查特征）").value_counts()
        tdist = pd.DataFrame(
            {
                "type": counts.index,
                "n": counts.to_numpy(),
                "share": counts.to_numpy() / len(ranking),
            }
        )
    ex = ctx.excluded
    ex = ex[(ex["year"] == year) & (ex["region_code"].str[:2] == p2)]
    nm = ctx.names[ctx.names["year"] == year][["region_code", "name"]]
    excluded = ex.merge(nm, on="region_code", how="left")[["region_code", "name", "missing"]]
    return ProvinceRankingSection(
        ranking.reset_index(drop=True), excluded.reset_index(drop=True), tdist, notes
    )


class DisparitySection(NamedTuple):
    """Dagum Gini and Theil decompositions of the province's scores by prefecture."""

    dagum: DagumTables | None
    theil: TheilTables | None
    notes: list[str]


def disparity_section(ranking: pd.DataFrame) -> DisparitySection:
    """Dagum Gini (Dagum 1997) and Theil T/L (Theil 1967) of the ranking's scores grouped by
    prefecture (直辖 counties: group 省直辖); see :mod:`xinzhi.disparity`."""
    # imported here: libpysal and esda cost ~1.2 s, and only the provincial summary needs them
    from xinzhi.disparity import dagum_gini, theil_decomposition

    if len(ranking) < 2:
        return DisparitySection(None, None, ["本省参评县不足 2 个，不计算差异分解"])
    notes: list[str] = []
    grp = ranking[["region_code", "score", "prefecture_name"]].copy()
    grp["group"] = grp["prefecture_name"].fillna("省直辖")
    dagum: DagumTables | None = None
    theil: TheilTables | None = None
    try:
        dagum = dagum_gini(grp, "score", "group")
    except XinzhiError as exc:
        notes.append(f"Dagum 基尼系数不可用：{exc}")
    try:
        theil = theil_decomposition(grp, "score", "group")
    except XinzhiError:
        try:
            theil = theil_decomposition(grp, "score", "group", index="T")
            notes.append("有得分为 0 的县，泰尔 L 指数无定义，只给出泰尔 T")
        except XinzhiError as exc:
            notes.append(f"泰尔指数不可用：{exc}")
    return DisparitySection(dagum, theil, notes)
