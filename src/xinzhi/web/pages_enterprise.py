"""Page 企业: the 亩均效益 classes of a county's firms (class distribution, park totals, the
movement since last year), a per-firm explanation card, the SME ladder with the firms closest to
the next tier, the differentiated-policy simulation with class cut-off sliders, size classes, and
the 亩均 workbook as a download.

Every number comes from the declared enterprise analyses (:mod:`xinzhi.registry.enterprise`) run
through :func:`xinzhi.web._controls.run_analysis` — the access policy lets a county account see
its own county's firms only — and from :mod:`xinzhi.pipelines.enterprise`; the page only draws.
The workbook goes through :func:`xinzhi.web._frame.send_download` (policy + audit, kind
``firms``).
"""

from __future__ import annotations

import asyncio
from typing import Any
from urllib.parse import urlencode

import pandas as pd
from fastapi import Request
from nicegui import ui

from xinzhi import auth
from xinzhi.auth.policy import Kind
from xinzhi.errors import XinzhiError
from xinzhi.labels import SYNTHETIC_NOTE
from xinzhi.pipelines.enterprise import (
    CLASS_COLOURS,
    firm_card,
    mujun_workbook,
    what_if_shares,
)
from xinzhi.registry import enterprise as decl
from xinzhi.web._context import client_ip
from xinzhi.web._controls import choice_select, run_analysis
from xinzhi.web._frame import XLSX, guarded, send_download, table_of

__all__ = ["register"]


def _class_chart(counts: pd.DataFrame) -> None:
    """Stacked bars: firms per list (rows of ``counts``) and class."""
    series = [
        {
            "type": "bar",
            "stack": "n",
            "name": c,
            "itemStyle": {"color": CLASS_COLOURS[c]},
            "label": {"show": True, "position": "inside"},
            "data": [int(v) for v in counts[c]],
        }
        for c in ("A", "B", "C", "D", "T")
    ]
    ui.echart(
        {
            "tooltip": {"trigger": "axis"},
            "legend": {"bottom": 0},
            "grid": {"left": 180, "bottom": 40},
            "xAxis": {"type": "value", "name": "企业数"},
            "yAxis": {"type": "category", "data": [str(x) for x in counts["list"]]},
            "series": series,
        },
        renderer="svg",
    ).classes("w-full h-[260px]").props('data-testid="class-chart"')


def _mujun_section(res: Any) -> None:
    ui.label("亩均效益评价").classes("text-lg font-bold mt-2")
    for line in res.summary().splitlines():
        if line != SYNTHETIC_NOTE:
            ui.label(line).classes("text-sm")
    _class_chart(res.class_counts())
    ui.label("园区汇总").classes("font-bold mt-2")
    table_of(
        res.park_totals(),
        {
            "park": "园区",
            "firms": "企业数",
            "land_area": "用地（亩）",
            "tax": "实缴税金（万元）",
            "tax_per_mu": "亩均税收（万元/亩）",
            "A": "A",
            "B": "B",
            "C": "C",
            "D": "D",
            "T": "T",
        },
        row_key="park",
        pagination=10,
        digits=2,
    ).props('data-testid="park-table"')
    t = res.tidy()
    ui.label(f"企业名单（{len(t)} 家）").classes("font-bold mt-2")
    table_of(
        t,
        {
            "credit_code": "统一社会信用代码",
            "name": "企业名称",
            "park": "园区",
            "list": "名单",
            "score": "综合得分",
            "class": "类别",
            "rank": "名单内排名",
            "change": "较上年",
            "reason": "说明",
        },
        row_key="credit_code",
        pagination=15,
        digits=2,
    ).props('data-testid="firm-table"')


def _card(card: dict[str, Any]) -> None:
    with ui.card().classes("w-full").props('data-testid="firm-card"'):
        ui.label(f"{card['name']}（{card['credit_code']}）").classes("text-lg font-bold")
        cls = card["class"]
        ui.label(f"亩均类别 {cls}，综合得分 {card['score']}，{card['list']}").style(
            f"color: {CLASS_COLOURS.get(cls, '#111827')}"
        ).classes("font-bold")
        ui.label(card["reason"]).classes("text-sm")
        table_of(
            card["indicators"],
            {"indicator": "指标", "value": "数值", "unit": "单位", "points": "得分"},
            row_key="indicator",
            pagination=None,
            digits=3,
        )
        ui.label(f"划型：{card['size']}（{card['size_basis']}）").classes("text-sm mt-2")
        table_of(
            card["tiers"],
            {
                "tier": "梯度",
                "status": "结论",
                "rule_version": "依据",
                "failed": "未满足",
                "missing": "需补充",
            },
            row_key="tier",
            pagination=None,
        )


def _tier_section(res: Any, tier: str, base: dict[str, Any]) -> None:
    ui.label("梯度培育").classes("text-lg font-bold mt-4")
    for line in res.summary().splitlines():
        if line != SYNTHETIC_NOTE:
            ui.label(line).classes("text-sm")
    counts = res.status_counts()
    table_of(
        counts,
        {"tier": "梯度", "通过": "通过", "不通过": "不通过", "需补充数据": "需补充数据"},
        row_key="tier",
        pagination=None,
    ).props('data-testid="tier-counts"')
    names = [str(x) for x in counts["tier"]]
    chosen = tier if tier in names else (names[0] if names else "")
    ui.select(
        names,
        value=chosen or None,
        label="距离通过最近的企业",
        on_change=lambda e: ui.navigate.to("/enterprise?" + urlencode({**base, "tier": e.value})),
    ).classes("w-96")
    if chosen:
        table_of(
            res.candidates(chosen).head(20),
            {
                "credit_code": "统一社会信用代码",
                "name": "企业名称",
                "n_failed": "未满足条件数",
                "n_missing": "缺数据条件数",
                "lacks": "还差什么",
            },
            row_key="credit_code",
            pagination=None,
        ).props('data-testid="tier-candidates"')


def _simulation_section(sim: Any, mujun: Any) -> None:
    ui.label("差别化政策模拟").classes("text-lg font-bold mt-4")
    lines = [x for x in sim.summary().splitlines() if x != SYNTHETIC_NOTE]
    ui.label("；".join(lines)).classes("text-sm").props('data-testid="simulation-summary"')
    table_of(
        sim.park_totals(),
        {
            "park": "园区",
            "firms": "企业数",
            "raised": "加价合计（万元）",
            "returned": "返还合计（万元）",
            "net": "净额（万元）",
        },
        row_key="park",
        pagination=10,
        digits=2,
    )
    ui.label("调整分类比例（各名单按名次）：看哪些企业的类别会变").classes("font-bold mt-2")
    shares = {"A": 20, "B": 40, "C": 35}
    out = ui.column().classes("w-full")

    def redraw() -> None:
        out.clear()
        d = 100 - shares["A"] - shares["B"] - shares["C"]
        with out:
            if d < 0:
                ui.label("A、B、C 之和不能超过 100%").classes("text-negative")
                return
            try:
                moved = what_if_shares(mujun, (shares["A"], shares["B"], shares["C"], d))
            except XinzhiError as exc:
                ui.label(str(exc)).classes("text-negative")
                return
            ui.label(
                f"A {shares['A']}% / B {shares['B']}% / C {shares['C']}% / D {d}%："
                f"{int((moved['change'] == '升').sum())} 家升级，"
                f"{int((moved['change'] == '降').sum())} 家降级"
            ).props('data-testid="what-if-summary"')
            table_of(
                moved.head(50),
                {
                    "credit_code": "统一社会信用代码",
                    "name": "企业名称",
                    "list": "名单",
                    "score": "得分",
                    "class": "现类别",
                    "class_new": "新类别",
                    "change": "变化",
                },
                row_key="credit_code",
                pagination=None,
                digits=2,
            )

    def slider(cls: str) -> None:
        with ui.row().classes("items-center gap-2 w-full"):
            ui.label(f"{cls} 类 %").classes("w-16")

            def changed(e: Any, c: str = cls) -> None:
                shares[c] = int(e.value)
                redraw()

            ui.slider(min=0, max=100, step=1, value=shares[cls], on_change=changed).props(
                f'label-always data-testid="share-{cls}"'
            ).classes("w-80")

    for c in ("A", "B", "C"):
        slider(c)
    redraw()


def _size_section(res: Any) -> None:
    ui.label("大中小微划型").classes("text-lg font-bold mt-4")
    counts = res.counts()
    labels = {c: str(c) for c in counts.columns}
    labels[counts.columns[0]] = "行业"
    table_of(counts, labels, row_key=str(counts.columns[0]), pagination=None).props(
        'data-testid="size-counts"'
    )


def register() -> None:
    """Define the page."""

    @ui.page("/enterprise", title="企业 · 新质 县域新质生产力")
    @guarded()
    async def enterprise_page(
        request: Request,
        session: auth.Session,
        county: str = "",
        preset: str = "",
        year: int | None = None,
        date: str = "",
        tier: str = "",
        firm: str = "",
    ) -> None:
        ui.label("企业").classes("text-xl font-bold")
        county = county or (session.user.county_code or "")
        preset = preset if preset in decl.MUJUN_PRESETS else decl.MUJUN.default("preset")
        base: dict[str, Any] = {"county": county, "preset": preset, "date": date, "tier": tier}
        if year is not None:
            base["year"] = year

        def go(**changes: Any) -> None:
            ui.navigate.to("/enterprise?" + urlencode({**base, **changes}))

        with ui.row().classes("items-end gap-4"):
            ui.input("县区（名称或 6 位代码，回车）", value=county).classes("w-64").props(
                'data-testid="enterprise-county"'
            ).on("keydown.enter", lambda e: go(county=e.sender.value, firm=""))
            choice_select(decl.MUJUN.option("preset"), preset, lambda v: go(preset=v))
            ui.input("评定日期（YYYY-MM-DD，梯度培育）", value=date).classes("w-64").on(
                "keydown.enter", lambda e: go(date=e.sender.value)
            )
        if not county:
            ui.label("请选择一个县区：企业名单按县区评价。").props('data-testid="enterprise-hint"')
            return
        await ui.context.client.connected()
        user = session.user
        opts = {"county": county, "year": year}
        try:
            mujun = await asyncio.to_thread(run_analysis, decl.MUJUN, user, preset=preset, **opts)
            tiers = await asyncio.to_thread(
                run_analysis, decl.TIERS, user, date=date or None, **opts
            )
            size = await asyncio.to_thread(run_analysis, decl.SIZE, user, **opts)
            sim = await asyncio.to_thread(
                run_analysis, decl.SIMULATION, user, preset=preset, **opts
            )
        except XinzhiError as exc:
            ui.label(str(exc)).classes("text-negative").props('data-testid="enterprise-error"')
            return
        if mujun.synthetic:
            ui.label(SYNTHETIC_NOTE).classes("text-warning font-bold").props(
                'data-testid="synthetic-note"'
            )
        ip = client_ip(request)

        async def download() -> None:
            await send_download(
                session,
                ip,
                Kind.FIRMS,
                lambda: mujun_workbook(mujun),
                f"亩均效益评价_{county}_{mujun.year}.xlsx",
                XLSX,
                fmt="xlsx",
                county=mujun.county,
                year=mujun.year,
                rows=lambda: len(mujun.table),
            )

        ui.button("下载亩均评价表（Excel，按名单分表）", on_click=download).props(
            'data-testid="mujun-download"'
        )
        _mujun_section(mujun)
        names = dict(zip(mujun.table["credit_code"], mujun.table["name"], strict=True))
        ui.select(
            {str(k): f"{v}（{k}）" for k, v in names.items()},
            value=firm if firm in names else None,
            with_input=True,
            label="企业说明卡：选择企业",
            on_change=lambda e: go(firm=e.value),
        ).classes("w-[32rem] mt-4").props('data-testid="firm-select"')
        if firm in names:
            _card(firm_card(mujun, tiers, size, firm))
        _tier_section(tiers, tier, base)
        _simulation_section(sim, mujun)
        _size_section(size)
