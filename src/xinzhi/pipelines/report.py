"""The county report (县域新质生产力报告) and the provincial summary: build the data, write the files.

The report computes no score itself. For one county and year it reads the evaluation STORED in
the warehouse under a name (default ``nqpf-county``, the one ``xinzhi demo`` and ``xinzhi
evaluate --save nqpf-county`` store; :mod:`xinzhi.pipelines.report_context`), so the report, the
web pages and the API show the same stored score, ranks and obstacle degrees. The sections
(:mod:`xinzhi.pipelines.report_sections`, one function each) add the shortfall diagnosis, the
county type with peers, benchmarks and gaps, recommended paths with citations, the provincial
map, the three-tier industry map and the appendix; the result is the data model of
:mod:`xinzhi.report.model`, which :mod:`xinzhi.report` renders to PDF / HTML bytes and this
module writes to files.

Entry points: :func:`county_report_data`, :func:`write_county_report`, :func:`write_report`,
:func:`province_report_data`, :func:`write_province_reports` (one report per county of a
province in worker processes, the summary and a workbook).
"""

from __future__ import annotations

import multiprocessing as mp
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from xinzhi import config, store
from xinzhi.errors import DataUnavailableError, InputError, XinzhiError
from xinzhi.pipelines.ranking import basis_line, ranking_table
from xinzhi.pipelines.report_context import ReportContext, load_report_context
from xinzhi.pipelines.report_sections import (
    benchmark_section,
    dimension_section,
    disparity_section,
    history_section,
    indicator_section,
    industry_section,
    method_entries,
    monitoring_section,
    province_map_section,
    province_ranking_section,
    recommendation_section,
    report_year,
    resolve_county,
    resolve_province,
    robustness_section,
    score_section,
    shortfall_section,
)
from xinzhi.registry.defaults import DEFAULT_EVALUATION
from xinzhi.registry.typology import PEERS
from xinzhi.report import county_bytes, province_bytes
from xinzhi.report.model import CountyReportData, ProvinceReportData

__all__ = [
    "ProvinceReports",
    "county_report_data",
    "province_report_data",
    "write_county_report",
    "write_province_reports",
    "write_province_summary",
    "write_report",
]


# --------------------------------------------------------------------------- county data
def county_report_data(
    county: str,
    year: int | None = None,
    *,
    db: str | os.PathLike[str] | None = None,
    evaluation: str = DEFAULT_EVALUATION,
    data_dir: str | os.PathLike[str] | None = None,
    context: ReportContext | None = None,
    con: duckdb.DuckDBPyConnection | None = None,
    n_peers: int = PEERS.default("n_peers"),
    n_benchmarks: int = PEERS.default("n_benchmarks"),
    max_measures: int = 8,
) -> CountyReportData:
    """All numbers and tables of the report of ``county`` (name or code) in ``year``.

    Parameters
    ----------
    county : str
        County name (湘潭县, 湖南省湘潭市湘潭县) or 6-digit code.
    year : int, optional
        Year of the report (default: the latest year of the stored evaluation).
    db, evaluation, data_dir, con
        See :func:`~xinzhi.pipelines.report_context.load_report_context` (ignored when
        ``context`` is given): the score, ranks and obstacle degrees are those of the evaluation
        stored under ``evaluation``.
    context : ReportContext, optional
        Shared cache for many counties.
    n_peers, n_benchmarks : int
        Peers searched and benchmarks kept (:func:`xinzhi.typology.benchmark`).
    max_measures : int
        Recommended measures kept (:func:`xinzhi.typology.recommend`).
    """
    if context is None:
        if con is None:
            # one connection for the whole report (each opening checks the schema, ~0.03 s)
            dbp = config.db_path(db)
            if not Path(dbp).exists():
                raise DataUnavailableError(
                    f"数据仓库不存在：{dbp}（请先运行 xinzhi demo 构建数据仓库）"
                )
            own = store.connect(dbp)
            try:
                return county_report_data(
                    county,
                    year,
                    db=dbp,
                    evaluation=evaluation,
                    data_dir=data_dir,
                    con=own,
                    n_peers=n_peers,
                    n_benchmarks=n_benchmarks,
                    max_measures=max_measures,
                )
            finally:
                own.close()
        ctx = load_report_context(db=db, evaluation=evaluation, data_dir=data_dir, con=con)
        ctx.prefetch(report_year(ctx, year))
    else:
        ctx = context
    return _assemble_county(ctx, county, year, n_peers, n_benchmarks, max_measures)


def _assemble_county(
    ctx: ReportContext,
    county: str,
    year: int | None,
    n_peers: int,
    n_benchmarks: int,
    max_measures: int,
) -> CountyReportData:
    """The county report's sections, in report order, put together."""
    year = report_year(ctx, year)
    ev = ctx.evaluation
    if year not in set(ctx.names["year"]):
        raise DataUnavailableError(
            f"数据仓库中没有 {year} 年的县级数据；评价 {ctx.evaluation_name} 的年份："
            f"{'、'.join(map(str, ev.years))}"
        )
    code = resolve_county(ctx, county, year)
    who = ctx.names[(ctx.names["region_code"] == code) & (ctx.names["year"] == year)].iloc[0]
    label = {i.code: i.name for i in ctx.full_system.indicators}
    notes = list(ctx.notes)

    score = score_section(ctx, code, year)
    notes += score.notes
    dropped = [(c, label.get(c, c)) for c in ev.dropped_optional]
    if dropped:
        notes.append(
            "以下可选（统计年鉴）指标因数据仓库中缺失或覆盖不足未纳入测度："
            + "、".join(n for _, n in dropped)
        )
    bench = benchmark_section(ctx, code, year, score.evaluated, n_peers, n_benchmarks)
    notes += bench.notes
    dimensions = dimension_section(ctx, code, year, list(bench.benchmarks["region_code"]))
    history, history_notes = history_section(ctx, code, year, score.evaluated)
    notes += history_notes
    ind = indicator_section(ctx, code, year, score.missing)
    short = shortfall_section(ctx, code, year, ind.indicators, ind.obstacles, score.evaluated)
    notes += short.notes
    recommendations, rec_note = recommendation_section(bench.types, short.main, max_measures)
    prov = province_map_section(ctx, code, year)
    notes += prov.notes
    industry, industry_notes = industry_section(ctx, code, year)
    notes += industry_notes
    mon = monitoring_section(ctx, code, year)
    notes += mon.notes
    robust = robustness_section(ctx, code, year)
    notes += robust.notes
    analyses: dict[str, dict[str, Any]] = {
        "peers": {"n_peers": n_peers, "n_benchmarks": n_benchmarks}
    }
    if mon.options:
        analyses["monitor-signals"] = {"method": mon.options["method"]}
        analyses["monitor-digest"] = mon.options
    if robust.options:
        analyses["audit"] = robust.options

    return CountyReportData(
        industry=industry,
        monitoring=mon.table,
        monitoring_summary=mon.summary,
        robustness=robust.county,
        robustness_intervals=robust.intervals,
        robustness_sensitivity=robust.sensitivity,
        code=code,
        name=str(who["name"]),
        province_code=str(who["province_code"]),
        province_name=str(who["province_name"]),
        prefecture_name=who["prefecture_name"] if isinstance(who["prefecture_name"], str) else None,
        year=year,
        system_name=ev.system.name,
        system_title=ev.system.title or ev.system.name,
        evaluation_name=ctx.evaluation_name,
        area=ctx.area,
        basis_line=basis_line(ctx.ranked, code, year) if ctx.ranked is not None else "",
        options=dict(ev.options),
        evaluated=score.evaluated,
        score=score.score,
        rank=score.rank,
        n_counties=score.n_counties,
        province_rank=score.province_rank,
        n_province=score.n_province,
        percentile=score.percentile,
        dimensions=dimensions,
        history=history,
        indicators=ind.indicators,
        shortfalls=short.shortfalls.reset_index(drop=True),
        top_obstacles=short.top_obstacles.reset_index(drop=True),
        types=bench.types,
        peers=bench.peers.reset_index(drop=True),
        benchmarks=bench.benchmarks.reset_index(drop=True),
        gaps=bench.gaps.reset_index(drop=True),
        recommendations=recommendations,
        recommendation_note=rec_note,
        province_scores=prov.province_scores,
        province_map=prov.province_map,
        weights=ctx.weights,
        system=ev.system,
        missing=score.missing,
        dropped_optional=dropped,
        methods=method_entries(ev.options, analyses),
        notes=notes,
    )


# --------------------------------------------------------------------------- province data
def province_report_data(
    province: str,
    year: int | None = None,
    *,
    db: str | os.PathLike[str] | None = None,
    evaluation: str = DEFAULT_EVALUATION,
    data_dir: str | os.PathLike[str] | None = None,
    context: ReportContext | None = None,
) -> ProvinceReportData:
    """Provincial summary of ``year`` from the stored evaluation: ranking, Dagum Gini and Theil
    T/L of the province's county scores grouped by prefecture, and the distribution of county
    types (:func:`~xinzhi.pipelines.report_sections.province_ranking_section`,
    :func:`~xinzhi.pipelines.report_sections.disparity_section`)."""
    ctx = context or load_report_context(db=db, evaluation=evaluation, data_dir=data_dir)
    year = report_year(ctx, year)
    pcode, pname = resolve_province(ctx, province, year)
    ranking = province_ranking_section(ctx, pcode, year)
    disparity = disparity_section(ranking.ranking)
    return ProvinceReportData(
        province_code=pcode,
        province_name=pname,
        year=year,
        evaluation_name=ctx.evaluation_name,
        area=ctx.area,
        county_ranking=(
            ranking_table(ctx.ranked, "county", year, pcode)
            if ctx.ranked is not None
            else pd.DataFrame()
        ),
        ranking=ranking.ranking,
        excluded=ranking.excluded,
        dagum=disparity.dagum,
        theil=disparity.theil,
        type_distribution=ranking.type_distribution,
        notes=[*ctx.notes, *ranking.notes, *disparity.notes],
    )


# --------------------------------------------------------------------------- writing
def _report_format(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix not in (".pdf", ".html", ".htm"):
        raise InputError(f"报告文件须以 .pdf 或 .html 结尾，收到 {path.name}")
    return suffix[1:]


def _write_bytes(out: Path, content: bytes) -> Path:
    config.output_path(out, "报告文件")
    try:
        out.write_bytes(content)
    except OSError as exc:
        raise InputError(f"无法写入报告文件 {out}：{exc.strerror or exc}") from exc
    return out


def write_report(data: CountyReportData, path: str | os.PathLike[str]) -> Path:
    """Write a county report as PDF or HTML, chosen by the file suffix."""
    out = Path(path)
    return _write_bytes(out, county_bytes(data, _report_format(out)))


def write_province_summary(data: ProvinceReportData, path: str | os.PathLike[str]) -> Path:
    """Write a provincial summary as PDF or HTML, chosen by the file suffix."""
    out = Path(path)
    return _write_bytes(out, province_bytes(data, _report_format(out)))


def write_county_report(
    county: str,
    year: int | None,
    path: str | os.PathLike[str],
    *,
    db: str | os.PathLike[str] | None = None,
    evaluation: str = DEFAULT_EVALUATION,
    data_dir: str | os.PathLike[str] | None = None,
    context: ReportContext | None = None,
    con: duckdb.DuckDBPyConnection | None = None,
) -> CountyReportData:
    """Build the data of one county report and write it as PDF or HTML (by the suffix); see
    :func:`county_report_data` for the parameters."""
    out = Path(path)
    _report_format(out)  # refuse a wrong suffix before reading the warehouse
    data = county_report_data(
        county, year, db=db, evaluation=evaluation, data_dir=data_dir, context=context, con=con
    )
    write_report(data, out)
    return data


@dataclass
class ProvinceReports:
    """What a province batch wrote."""

    summary_data: ProvinceReportData
    directory: Path
    county_files: list[Path]
    summary_file: Path
    workbook: Path
    failures: list[tuple[str, str]] = field(default_factory=list)

    def summary(self) -> str:
        lines = [
            self.summary_data.summary(),
            f"已写入 {len(self.county_files)} 份县域报告、省级汇总 {self.summary_file.name} "
            f"与工作簿 {self.workbook.name}，目录：{self.directory}",
        ]
        lines += [f"  失败：{c}：{msg}" for c, msg in self.failures]
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        return {
            **self.summary_data.to_dict(),
            "directory": str(self.directory),
            "county_files": [str(p) for p in self.county_files],
            "summary_file": str(self.summary_file),
            "workbook": str(self.workbook),
            "failures": self.failures,
        }


_BATCH_CTX: ReportContext | None = None


def _batch_init(ctx: ReportContext | None, worker: bool = False) -> None:
    """Keep the shared context (sent once per worker process); workers open the warehouse
    read-only, so that they can all read it at once (DuckDB lets one process write a file
    or several read it)."""
    global _BATCH_CTX
    if ctx is not None and worker:
        ctx.read_only = True
    _BATCH_CTX = ctx


def _batch_one(args: tuple[str, int, str]) -> tuple[str, str | None, str | None]:
    """Worker: write one county report; returns (code, path or None, error or None)."""
    code, year, path = args
    assert _BATCH_CTX is not None
    try:
        data = county_report_data(code, year, context=_BATCH_CTX)
        write_report(data, Path(path))
        return code, path, None
    except XinzhiError as exc:
        return code, None, str(exc)


def write_province_reports(
    province: str,
    year: int | None,
    directory: str | os.PathLike[str],
    *,
    fmt: str = "pdf",
    db: str | os.PathLike[str] | None = None,
    evaluation: str = DEFAULT_EVALUATION,
    data_dir: str | os.PathLike[str] | None = None,
    context: ReportContext | None = None,
    workers: int | None = None,
) -> ProvinceReports:
    """One report per county of the province, the provincial summary and an Excel workbook.

    Parameters
    ----------
    fmt : {"pdf", "html"}
        Format of the county reports and the summary.
    workers : int, optional
        Worker processes (default: up to 2, the CPUs available); the shared context is built
        once and sent to each worker (spawn).
    """
    if fmt not in ("pdf", "html"):
        raise InputError(f"报告格式须为 pdf 或 html，收到 {fmt}")
    out = config.output_path(directory, "报告目录")
    out.mkdir(exist_ok=True)
    ctx = context or load_report_context(db=db, evaluation=evaluation, data_dir=data_dir)
    year = report_year(ctx, year)
    pdata = province_report_data(province, year, context=ctx)
    # warm the caches before starting the workers, which receive them with the context
    ctx.prefetch(int(year))
    nm = ctx.names[ctx.names["year"] == int(year)].set_index("region_code")["name"]
    jobs = [(c, int(year), str(out / f"{c}-{nm.get(c, c)}-{year}.{fmt}")) for c in pdata.counties]
    n = workers or min(2, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 2)
    if n > 1 and len(jobs) > 1:
        # spawn, not fork: the Typst compiler and DuckDB keep native threads that a fork can
        # deadlock; the context is pickled once per worker
        with mp.get_context("spawn").Pool(n, initializer=_batch_init, initargs=(ctx, True)) as pool:
            results = pool.map(_batch_one, jobs, chunksize=max(1, len(jobs) // (4 * n)))
    else:
        _batch_init(ctx)
        try:
            results = [_batch_one(j) for j in jobs]
        finally:
            _batch_init(None)
    files = [Path(p) for _, p, _ in results if p is not None]
    failures = [(c, e) for c, _, e in results if e is not None]
    summary_file = out / f"{pdata.province_code[:2]}-{pdata.province_name}-{year}-汇总.{fmt}"
    write_province_summary(pdata, summary_file)
    book = pdata.to_excel(out / f"{pdata.province_name}-{year}-县域新质生产力.xlsx")
    return ProvinceReports(pdata, out, files, summary_file, book, failures)
