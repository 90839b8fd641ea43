"""Page 对比: two to five counties side by side (scores and ranks, a radar of the dimensions and
one of the four shortfalls, obstacle degrees, indicator values), from the stored evaluation
(:func:`xinzhi.pipelines.compare_counties.compare_counties`). The Excel export holds exactly the
two tables on screen (public scores and census values: every account, audited as a ranking
export)."""

from __future__ import annotations

from typing import Any

import pandas as pd
from fastapi import Request
from nicegui import ui

from xinzhi import auth
from xinzhi.auth.policy import Kind
from xinzhi.errors import XinzhiError
from xinzhi.pipelines.compare_counties import (
    MAX_COUNTIES,
    MIN_COUNTIES,
    CountyComparison,
    compare_counties,
)
from xinzhi.web._charts import radar_options
from xinzhi.web._context import client_ip, connection
from xinzhi.web._data import county_options, evaluation_year, label_of
from xinzhi.web._format import format_value, kind_of_unit
from xinzhi.web._frame import XLSX, excel_bytes, guarded, send_download, table_of

__all__ = ["comparison_frames", "register"]

SCORE_LABELS: dict[str, str] = {
    "region_code": "区划代码",
    "name": "县区",
    "province_name": "省份",
    "score": "综合得分",
    "rank": "全国排名（全部单位）",
    "province_rank": "省内排名",
    "percentile": "全国百分位",
    "basis_rank": "本口径排名",
    "basis_counties": "本口径参评数",
}


def score_labels(c: CountyComparison) -> dict[str, str]:
    """Column → header of the comparison table (dimension and shortfall columns included)."""
    labels = dict(SCORE_LABELS)
    labels.update({f"dim:{d}": f"{d}得分" for d in c.dimensions})
    labels.update({f"short:{s}": f"{s}（障碍度）" for s in c.shortfalls})
    return labels


def indicator_labels(c: CountyComparison) -> dict[str, str]:
    """Column → header of the indicator table (one value column per county)."""
    names = dict(zip(c.scores["region_code"], c.scores["name"], strict=True))
    return {
        "indicator_name": "指标",
        "unit": "单位",
        "dimension": "维度",
        **{code: str(names[code]) for code in c.codes},
    }


def comparison_frames(c: CountyComparison) -> dict[str, pd.DataFrame]:
    """The two tables as shown (Chinese headers, on-screen columns and order): ``县区对比`` and
    ``指标值`` — what the Excel export writes."""
    s_labels = score_labels(c)
    i_labels = indicator_labels(c)
    main = c.scores[list(s_labels)].rename(columns=s_labels)
    inds = c.indicators[list(i_labels)].rename(columns=i_labels)
    return {"县区对比": main, "指标值": inds}


def _excel_kinds(c: CountyComparison) -> dict[str, str]:
    s_labels = score_labels(c)
    kinds = {
        s_labels["score"]: "score",
        s_labels["percentile"]: "percentile",
        **{s_labels[f"dim:{d}"]: "score" for d in c.dimensions},
        **{s_labels[f"short:{s}"]: "share" for s in c.shortfalls},
    }
    return kinds


def _indicator_rows(c: CountyComparison) -> pd.DataFrame:
    """Indicator values formatted per row by their unit (比例 as %, money with separators)."""
    out = c.indicators.copy()
    for code in c.codes:
        out[code] = [
            format_value(v, kind_of_unit(u))
            for v, u in zip(c.indicators[code], c.indicators["unit"], strict=True)
        ]
    return out


def register() -> None:
    """Define the page."""

    @ui.page("/compare", title="县区对比 · 新质 县域新质生产力")
    @guarded()
    async def compare_page(
        request: Request,
        session: auth.Session,
        codes: str = "",
        eval: str = "",
        year: int = 0,
    ) -> None:
        head = evaluation_year(eval, year)
        if head is None:
            ui.label("数据仓库中还没有评价结果。")
            return
        name, scores, years, y = head
        options = county_options(scores, y)
        chosen = [c for c in dict.fromkeys(codes.split(",")) if c in options][:MAX_COUNTIES]
        if not chosen and session.user.county_code in options:
            chosen = [str(session.user.county_code)]
        ui.label(f"县区对比（{label_of(name)}，{y} 年）").classes("text-xl font-bold")
        state: dict[str, Any] = {"codes": chosen}

        def go() -> None:
            picked = ",".join(state["codes"])
            ui.navigate.to(f"/compare?codes={picked}&eval={name}&year={y}")

        def changed(e: Any) -> None:
            state["codes"] = list(e.value or [])[:MAX_COUNTIES]

        with ui.row().classes("items-end gap-4"):
            ui.select(
                options,
                value=chosen,
                multiple=True,
                with_input=True,
                label=f"选择 {MIN_COUNTIES}–{MAX_COUNTIES} 个县区（输入名称或代码搜索）",
                on_change=changed,
            ).classes("min-w-[32rem]").props('use-chips data-testid="compare-select"')
            ui.select(
                years,
                value=y,
                label="年份",
                on_change=lambda e: ui.navigate.to(
                    f"/compare?codes={','.join(state['codes'])}&eval={name}&year={e.value}"
                ),
            ).classes("w-28")
            ui.button("对比", on_click=go).props('data-testid="compare-go"')
        if len(chosen) < MIN_COUNTIES:
            ui.label(f"请选择 {MIN_COUNTIES}–{MAX_COUNTIES} 个县区，然后点“对比”。")
            return
        try:
            with connection() as con:
                c = compare_counties(con, name, chosen, y, scores=scores)
        except XinzhiError as exc:
            ui.label(str(exc)).classes("text-negative")
            return

        ui.label("得分与排名").classes("font-bold mt-2")
        table_of(c.scores, score_labels(c), row_key="region_code", pagination=None).props(
            'data-testid="compare-table"'
        )
        ui.label(
            "障碍度：各短板所含指标的障碍度之和（一个县全部指标的障碍度合计 100%），越高越拖后腿。"
        ).classes("text-xs text-gray-500")
        dims = pd.DataFrame({"dimension": c.dimensions})
        shorts = pd.DataFrame({"dimension": c.shortfalls})
        legend: dict[str, str] = {}
        for row in c.scores.to_dict("records"):
            code = str(row["region_code"])
            legend[code] = str(row["name"])
            dims[code] = [row[f"dim:{d}"] for d in c.dimensions]
            shorts[code] = [row[f"short:{s}"] for s in c.shortfalls]
        with ui.row().classes("w-full gap-4 no-wrap"):
            with ui.card().classes("w-1/2 min-w-0"):
                ui.label("三要素得分雷达图").classes("font-bold")
                ui.echart(radar_options(dims, legend), renderer="svg").classes("w-full h-80").props(
                    'data-testid="compare-radar"'
                )
            with ui.card().classes("w-1/2 min-w-0"):
                ui.label("四类短板障碍度雷达图（越外越弱）").classes("font-bold")
                ui.echart(radar_options(shorts, legend, percent=True), renderer="svg").classes(
                    "w-full h-80"
                ).props('data-testid="compare-shortfall-radar"')

        ui.label("指标值").classes("font-bold mt-2")
        table_of(
            _indicator_rows(c), indicator_labels(c), row_key="indicator_name", pagination=None
        ).props('data-testid="compare-indicators"')

        ip = client_ip(request)
        frames = comparison_frames(c)

        async def export() -> None:
            await send_download(
                session,
                ip,
                Kind.RANKING,
                lambda: excel_bytes(frames, _excel_kinds(c)),
                f"县区对比_{name}_{y}.xlsx",
                XLSX,
                fmt="xlsx",
                evaluation=name,
                year=y,
                rows=lambda: len(frames["县区对比"]),
            )

        ui.button("导出 Excel（本页两张表）", on_click=export).props('data-testid="compare-export"')
