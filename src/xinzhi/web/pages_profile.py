"""Page 县域画像: score and ranks, radar against the provincial mean and the benchmarks,
shortfalls, type with evidence, peers and gaps, recommended paths with citations, PDF.

Every county's profile is shown (public results, as the API's ``GET /api/evaluations/{name}/
counties/{code}``); the PDF report is a download of one county and goes through
:func:`xinzhi.web._frame.send_download`: a county account gets its own county's report only
(the API's rule, :mod:`xinzhi.auth.policy`), and each download is audited as the API's."""

from __future__ import annotations

import asyncio
import tempfile
import threading
from pathlib import Path
from typing import Any

import pandas as pd
from fastapi import Request
from nicegui import ui

from xinzhi import auth
from xinzhi.auth.policy import Kind
from xinzhi.errors import XinzhiError
from xinzhi.pipelines.compare_counties import county_trend
from xinzhi.pipelines.profile_indicators import (
    WITHHELD,
    IndicatorDetails,
    county_indicator_details,
)
from xinzhi.pipelines.ranking import basis_line
from xinzhi.pipelines.report import county_report_data, write_report
from xinzhi.pipelines.stored import county_profile
from xinzhi.report.model import CountyReportData
from xinzhi.web._charts import drawn_once, radar_options, trend_options
from xinzhi.web._context import client_ip, connection
from xinzhi.web._data import (
    area_of,
    county_options,
    evaluation_year,
    label_of,
    report_context,
    scores_of,
)
from xinzhi.web._format import format_value, kind_of_unit
from xinzhi.web._frame import (
    XLSX,
    excel_bytes,
    guarded,
    left,
    screen_frame,
    send_download,
    table_of,
)

__all__ = ["detail_table", "gap_rows", "register", "shortfall_table", "warm_context"]


def value_text(value: float | None, unit: str, visible: bool = True) -> str:
    """An indicator's raw value as shown, with its unit (:mod:`xinzhi.web._format`: 比例 as %
    with 2 decimals, money with thousands separators in the unit the data carry, 万元 or 亿元;
    withheld values as 无权查看).

    >>> value_text(0.3376, "比例"), value_text(15000.0, "万元"), value_text(None, "件")
    ('33.76%', '15,000.00 万元', '缺失')
    >>> value_text(None, "万元", visible=False)
    '无权查看'
    """
    if not visible:
        return WITHHELD
    kind = kind_of_unit(unit)
    text = format_value(value, kind)
    if kind == "ratio" or not unit or text == format_value(None, kind):
        return text
    return f"{text} {unit}"


def detail_table(d: IndicatorDetails) -> tuple[pd.DataFrame, dict[str, str], dict[str, str]]:
    """The 指标明细 table as shown: rows (原始值 with its unit as text, 排名 as ``名次/单位数``),
    column → header, and column → number kind (标准化值 and 贡献 with 4 decimals, 权重 and
    贡献占比 as %) — the same frame the Excel export writes (:func:`xinzhi.web._frame.
    screen_frame`)."""
    rows = d.rows.copy()
    rows["value_text"] = [
        value_text(v, str(u), bool(ok))
        for v, u, ok in zip(rows["value"], rows["unit"], rows["visible"], strict=True)
    ]
    rows["rank_text"] = [f"{r}/{n}" for r, n in zip(rows["rank"], rows["units"], strict=True)]
    labels = {
        "name": "指标",
        "dimension": "维度",
        "value_text": "原始值",
        "normalised": "标准化值",
        "weight": "权重",
        "contribution": "贡献",
        "share": "贡献占比",
        "rank_text": f"{d.rank_scope}排名",
        "source": "来源",
    }
    kinds = {"normalised": "score", "weight": "share", "contribution": "score", "share": "share"}
    return rows, labels, kinds


def gap_rows(gaps: pd.DataFrame, indicators: pd.DataFrame) -> pd.DataFrame:
    """The gap table as shown: 本县, 标杆 and 差距 in each indicator's unit (比例 as % with 2
    decimals, money with thousands separators; :func:`xinzhi.web._format.kind_of_unit`), as
    the PDF report shows them; ``gap_share`` stays a number (shown as %).

    >>> g = pd.DataFrame({"indicator": ["u"], "name": ["城镇化率"], "value": [0.4],
    ...                   "benchmark_value": [0.8], "gap": [0.4], "gap_share": [0.5]})
    >>> i = pd.DataFrame({"code": ["u"], "unit": ["比例"]})
    >>> gap_rows(g, i)[["value", "benchmark_value", "gap"]].values.tolist()
    [['40.00%', '80.00%', '40.00%']]
    """
    out = gaps.copy()
    if out.empty or "indicator" not in out.columns:
        return out
    unit = dict(zip(indicators.get("code", []), indicators.get("unit", []), strict=False))
    kinds = [kind_of_unit(unit.get(c)) for c in out["indicator"]]
    for col in ("value", "benchmark_value", "gap"):
        if col in out.columns:
            out[col] = [format_value(v, k) for v, k in zip(out[col], kinds, strict=True)]
    return out


def shortfall_table(shortfalls: pd.DataFrame) -> tuple[dict[str, str], str]:
    """Columns (→ header) of the 短板 table and a note.

    ``share`` (the shortfall's part of the county's total obstacle degree,
    :mod:`xinzhi.typology.shortfall`: ``share_s = U_s / Σ_j O_j``) equals ``obstacle`` when the
    obstacle degrees of the county's indicators sum to 1 — always so with Yang et al.'s model
    (:mod:`xinzhi.evaluate.obstacle`) when every indicator reveals a shortfall — so the two
    columns were identical; then only one column is shown, as a percentage, with a note.

    >>> t = pd.DataFrame({"shortfall": ["甲", "乙"], "obstacle": [0.6, 0.4], "share": [0.6, 0.4]})
    >>> list(shortfall_table(t)[0].values())
    ['序', '短板', '障碍度（占总障碍度）', '主要障碍指标']
    >>> t["share"] = [0.75, 0.25]
    >>> list(shortfall_table(t)[0].values())
    ['序', '短板', '障碍度', '占比', '主要障碍指标']
    """
    same = (
        "share" in shortfalls.columns
        and "obstacle" in shortfalls.columns
        and bool(
            (
                (shortfalls["share"].astype(float) - shortfalls["obstacle"].astype(float)).abs()
                < 1e-9
            ).all()
        )
    )
    if same:
        return (
            {
                "rank": "序",
                "shortfall": "短板",
                "obstacle": "障碍度（占总障碍度）",
                "drivers": "主要障碍指标",
            },
            "各指标的障碍度合计为 100%，所以短板的障碍度就是它在总障碍度中的占比。",
        )
    return (
        {
            "rank": "序",
            "shortfall": "短板",
            "obstacle": "障碍度",
            "share": "占比",
            "drivers": "主要障碍指标",
        },
        "占比：该短板的障碍度占四类短板障碍度之和的比重。",
    )


def _pdf_bytes(data: CountyReportData) -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "report.pdf"
        write_report(data, path)
        return path.read_bytes()


def _reduced_profile(name: str, code: str, year: int, reason: str) -> None:
    """Score, ranks, dimension scores and shortfalls only
    (:func:`xinzhi.pipelines.stored.county_profile`), when the full report data fail."""
    try:
        with connection() as con:
            p = county_profile(con, name, code, year, scores=scores_of(name))
    except XinzhiError as exc:
        ui.label(str(exc)).classes("text-negative")
        return
    d = p.to_dict()
    ui.label(f"{d['province_name'] or ''}{d['prefecture_name'] or ''}{d['name']}").classes(
        "text-2xl font-bold"
    ).props('data-testid="profile-name"')
    area = area_of(name)
    where = "全国" if area == "全国" else f"评价范围（{area}）内"
    ui.label(
        f"{d['name']}（{code}）{year} 年综合得分 {d['score']:.4f}，{where}排名 {d['rank']}/"
        f"{d['counties']}，省内排名 {d['province_rank']}，"
        f"{'全国' if area == '全国' else '范围内'}百分位 {d['percentile']:.1%}"
    ).props('data-testid="profile-headline"')
    ui.label(p.basis_text()).props('data-testid="profile-basis"')
    ui.label(f"完整画像暂不可用：{reason}").classes("text-warning text-sm")
    dims = pd.DataFrame(d["dimensions"])
    with ui.row().classes("w-full gap-4 no-wrap"):
        with ui.card().classes("w-1/2 min-w-0"):
            ui.label("能力雷达图").classes("font-bold")
            ui.echart(radar_options(dims, {"score": "本县"}), renderer="svg").classes(
                "w-full h-80"
            ).props('data-testid="radar"')
        with ui.card().classes("w-1/2 min-w-0"):
            ui.label("短板（障碍度按短板汇总）").classes("font-bold")
            table_of(
                p.shortfalls, {"shortfall": "短板", "obstacle": "障碍度"}, pagination=None
            ).props('data-testid="shortfall-table"')


def _chart(options: dict[str, Any]) -> ui.echart:
    """An SVG chart drawn once (built after the page was sent: see
    :func:`~xinzhi.web._charts.drawn_once`)."""
    return drawn_once(ui.echart(options, renderer="svg"))


def warm_context(name: str) -> None:
    """Fill the per-evaluation caches of the report context (audit, county types, industry
    inputs, polygons) by assembling the report data of one county of the latest year, so
    the first 画像 of any county assembles only its own part (public warehouse: about 2 s
    instead of 10 s). Called by the start-up thread; the page does not wait for it."""
    scores = scores_of(name)
    y = int(scores["year"].max())
    options = county_options(scores, y)
    if options:
        assemble(next(iter(options)), y, report_context(name))


_ASSEMBLING = threading.Lock()
"""Held while a county's report data are assembled. The first assembly fills the context's
caches (audit, county types, industry inputs: about 1 s); the start-up thread and a first
visitor would otherwise fill them both at once, each at half speed. With the lock the visitor
waits for the start-up thread's head start, then assembles only its own county (~0.2 s)."""


def assemble(code: str, year: int, ctx: Any) -> CountyReportData:
    """:func:`county_report_data` of ``code`` in ``year`` with context ``ctx``, one at a time."""
    with _ASSEMBLING:
        return county_report_data(code, year, context=ctx)


def _details(name: str, code: str, year: int, user: auth.User, ctx: Any) -> IndicatorDetails:
    with connection() as con:
        return county_indicator_details(
            con, name, code, year, user=user, stored=ctx.evaluation, raw=ctx.raw
        )


async def _indicator_details(
    session: auth.Session, ip: str, name: str, code: str, year: int, ctx: Any
) -> None:
    """The section 指标明细 (:func:`xinzhi.pipelines.profile_indicators.
    county_indicator_details`) with its Excel export of the rows and columns on screen."""
    with ui.card().classes("w-full").props('data-testid="indicator-details"'):
        ui.label("指标明细（本评价所用的全部指标）").classes("font-bold")
        try:
            d = await asyncio.to_thread(_details, name, code, year, session.user, ctx)
        except XinzhiError as exc:
            ui.label(f"指标明细暂不可用：{exc}").classes("text-warning text-sm")
            return
        if left():
            return
        rows, labels, kinds = detail_table(d)
        # 6 digits sent: a share rounded to 4 digits first and then to 0.1 % could round twice
        table_of(rows, labels, row_key="indicator", pagination=None, kinds=kinds, digits=6).props(
            'data-testid="indicator-details-table"'
        )
        ui.label(d.contribution_note()).classes("text-xs text-gray-500")
        for n in d.notes:
            ui.label(n).classes("text-xs text-gray-500")

        async def export() -> None:
            out, xkinds = screen_frame(rows, labels, kinds)
            await send_download(
                session,
                ip,
                Kind.PROFILE,
                lambda: excel_bytes({"指标明细": out}, xkinds),
                f"指标明细_{d.county}_{d.year}.xlsx",
                XLSX,
                fmt="xlsx",
                evaluation=name,
                county=code,
                year=year,
                rows=lambda: len(out),
            )

        ui.button("导出 Excel（指标明细）", on_click=export).props(
            'data-testid="indicator-details-export"'
        )


def register() -> None:
    """Define the page."""

    @ui.page("/profile", title="县域画像 · 新质 县域新质生产力")
    @guarded()
    async def profile_page(
        request: Request,
        session: auth.Session,
        code: str = "",
        eval: str = "",
        year: int = 0,
    ) -> None:
        head = evaluation_year(eval, year)
        if head is None:
            ui.label("数据仓库中还没有评价结果。")
            return
        name, scores, years, y = head
        options = county_options(scores, y)
        if not code and session.user.county_code in options:
            code = str(session.user.county_code)
        ui.label(f"县域画像（{label_of(name)}，{y} 年）").classes("text-xl font-bold")
        with ui.row().classes("items-end gap-4"):
            ui.select(
                options,
                value=code if code in options else None,
                label="选择县区（可输入名称搜索）",
                with_input=True,
                on_change=lambda e: ui.navigate.to(f"/profile?code={e.value}&eval={name}&year={y}"),
            ).classes("w-96").props('data-testid="county-select"')
            ui.select(
                years,
                value=y,
                label="年份",
                on_change=lambda e: ui.navigate.to(
                    f"/profile?code={code}&eval={name}&year={e.value}"
                ),
            ).classes("w-28")
        if not code:
            ui.label("请选择一个县区。")
            return
        spinner = ui.spinner(size="lg")
        await ui.context.client.connected()  # deliver the page first; the report data takes seconds
        try:
            ctx = await asyncio.to_thread(report_context, name)
            data = await asyncio.to_thread(assemble, code, y, ctx)
        except XinzhiError as exc:
            if left():
                return
            spinner.delete()
            _reduced_profile(name, code, y, str(exc))
            return
        if left():
            return
        spinner.delete()
        ui.label(data.full_name).classes("text-2xl font-bold").props('data-testid="profile-name"')
        ui.label(data.headline()).props('data-testid="profile-headline"')
        if line := basis_line(scores, code, y):
            ui.label(line).props('data-testid="profile-basis"')
        for n in data.notes:
            ui.label(n).classes("text-xs text-gray-500")
        if not data.evaluated:
            return

        with ui.row().classes("gap-4 items-center"):
            ui.link("产业图谱", f"/industry?code={code}&year={2020 if y >= 2020 else 2010}").props(
                'data-testid="profile-industry-link"'
            )
            ui.link("与其他县区对比", f"/compare?codes={code}&eval={name}&year={y}").props(
                'data-testid="profile-compare-link"'
            )

        with ui.row().classes("w-full gap-4 no-wrap"):
            with ui.card().classes("w-1/2 min-w-0"):
                ui.label("能力雷达图：三要素得分（本县、全省平均与标杆县平均）").classes(
                    "font-bold"
                )
                _chart(
                    radar_options(
                        data.dimensions,
                        {
                            "score": "本县",
                            "province_mean": "全省平均",
                            "benchmark_mean": "标杆县平均",
                        },
                    )
                ).classes("w-full h-80").props('data-testid="radar"')
                if not data.shortfalls.empty:
                    ui.label("四类短板的障碍度（越靠外越拖后腿）").classes("font-bold mt-2")
                    sf = data.shortfalls.rename(columns={"shortfall": "dimension"})
                    _chart(radar_options(sf, {"obstacle": "本县"}, percent=True)).classes(
                        "w-full h-72"
                    ).props('data-testid="shortfall-radar"')
            with ui.card().classes("w-1/2 min-w-0"):
                ui.label("短板诊断（障碍度按短板汇总）").classes("font-bold")
                sf_labels, sf_note = shortfall_table(data.shortfalls)
                table_of(data.shortfalls, sf_labels, pagination=None).props(
                    'data-testid="shortfall-table"'
                )
                ui.label(sf_note).classes("text-xs text-gray-500")
                if data.types:
                    t = data.types
                    ui.label(
                        f"县域类型：{t.get('primary_type', '')}"
                        + (f"（兼 {t['secondary_type']}）" if t.get("secondary_type") else "")
                    ).classes("font-bold mt-2").props('data-testid="profile-type"')
                    ui.label(f"依据：{t.get('evidence', '')}").classes("text-sm")

        trend = county_trend(scores, code)
        with ui.card().classes("w-full"):
            ui.label("得分走势（已保存的各年份）").classes("font-bold")
            if len(trend) < 2:
                ui.label("只有一个年份的得分，暂不能画走势。").classes("text-sm")
            _chart(trend_options(trend)).classes("w-full h-72").props(
                f'data-testid="trend-chart" data-years="{len(trend)}"'
            )
            ui.label(str(trend.attrs.get("note", ""))).classes("text-xs text-gray-500")

        with ui.row().classes("w-full gap-4 no-wrap"):
            with ui.card().classes("w-1/2 min-w-0"):
                ui.label("相似县（同类可比）").classes("font-bold")
                table_of(
                    data.peers,
                    {
                        "rank": "序",
                        "name": "县区",
                        "primary_type": "类型",
                        "score": "得分",
                        "distance": "距离",
                    },
                    pagination=None,
                )
                ui.label("标杆县").classes("font-bold mt-2")
                table_of(
                    data.benchmarks,
                    {"name": "县区", "province_name": "省份", "score": "得分", "distance": "距离"},
                    pagination=None,
                )
            with ui.card().classes("w-1/2 min-w-0"):
                ui.label("与标杆的差距").classes("font-bold")
                table_of(
                    gap_rows(data.gaps, data.indicators),
                    {
                        "name": "指标",
                        "value": "本县",
                        "benchmark_value": "标杆",
                        "gap": "差距",
                        "gap_share": "差距占比",
                    },
                    pagination=10,
                )

        ip = client_ip(request)
        await _indicator_details(session, ip, name, code, y, ctx)
        if left():
            return

        with ui.card().classes("w-full"):
            ui.label("推荐路径（附出处）").classes("font-bold")
            ui.label(data.recommendation_note).classes("text-sm")
            for r in data.recommendations.itertuples():
                with ui.row().classes("gap-2 items-baseline"):
                    ui.label(f"{r.rank}.").classes("font-bold")
                    ui.label(str(r.text))
                    ui.label(f"——《{r.title}》（{r.author}）；{r.reason}").classes(
                        "text-xs text-gray-500"
                    )

        async def download_pdf() -> None:
            await send_download(
                session,
                ip,
                Kind.REPORT,
                lambda: _pdf_bytes(data),
                f"县域报告_{data.name}_{data.year}.pdf",
                "application/pdf",
                fmt="pdf",
                evaluation=data.evaluation_name,
                county=data.code,
                year=data.year,
            )

        ui.button("下载 PDF 报告", on_click=download_pdf).props('data-testid="download-pdf"')
