"""Page 产业: the county's three-tier industry map (主导/配套/潜力) with the RCA × density
quadrant, a chain view (segments present / missing, 同质化 warnings), the input–output view of
a lead sector, and the census employment location quotients.

Numbers come from :func:`xinzhi.pipelines.industry.county_industry_map`,
:func:`xinzhi.pipelines.industry.county_chain`, :func:`xinzhi.industry.io.io_analysis` on
:func:`xinzhi.pipelines.industry.io_linkages` (the declared analysis ``io``, as the API) and
:func:`xinzhi.pipelines.industry.county_specialization`; the page only draws them.
"""

from __future__ import annotations

import asyncio
from typing import Any
from urllib.parse import urlencode

import pandas as pd
from fastapi import Request
from nicegui import ui

from xinzhi import auth
from xinzhi.auth import User
from xinzhi.errors import XinzhiError
from xinzhi.pipelines.industry_reference import chain_templates, county_section_quotients
from xinzhi.registry import industry as industry_decl
from xinzhi.web._context import connection
from xinzhi.web._controls import run_analysis
from xinzhi.web._data import county_options, pick_evaluation, scores_of
from xinzhi.web._frame import guarded, table_of

__all__ = ["register", "warm_io"]

TIER_COLORS = {"主导": "#b91c1c", "配套": "#2563eb", "潜力": "#059669", "": "#9ca3af"}
STATUS_COLORS = {"已有": "positive", "缺失": "negative", "未知": "grey"}


def industry_county_options(year: int) -> dict[str, str]:
    """Code → ``省份地市县区（代码）`` of the counties of the stored evaluation (its year
    ``year`` if it has it, else its latest), for the searchable county select; empty without
    a stored evaluation."""
    name = pick_evaluation(None)
    if name is None:
        return {}
    scores = scores_of(name)
    years = sorted(int(y) for y in scores["year"].unique())
    return county_options(scores, year if year in years else years[-1])


def _io_result(lead: str | None) -> Any:
    """Input–output linkages of the declared default table (:data:`xinzhi.registry.industry.IO`)."""
    return run_analysis(industry_decl.IO, lead=lead)


def warm_io() -> None:
    """Compute the input–output linkages the page lists first (no lead sector) into
    ``run_analysis``'s cache (keyed by the warehouse version). Called by the start-up thread;
    the page does not wait for it."""
    _io_result(None)


def _tier_section(code: str, year: int) -> None:
    ui.label("产业三级图谱（主导—配套—潜力）").classes("text-lg font-bold mt-2")
    try:
        res = run_analysis(industry_decl.INDUSTRY_MAP, county=code, year=year)
    except XinzhiError as exc:
        ui.label(str(exc)).classes("text-negative")
        return
    ui.label(f"{res.county_name}（{res.county}）{year} 年 · 数据：{res.source}").classes("text-sm")
    t = res.tidy()
    tiers = t[t["tier"] != ""]
    table_of(
        tiers,
        {
            "tier": "层级",
            "industry": "门类",
            "name": "行业",
            "share": "本县就业比重",
            "rca": "RCA",
            "density": "密度",
            "reason": "入选理由",
        },
        row_key="industry",
        pagination=None,
        digits=3,
    ).props('data-testid="tier-table"')
    q = res.quadrant()
    cut = float(res.density_cut)
    series: list[dict[str, Any]] = [
        {
            "type": "scatter",
            "name": tier or "其他",
            "animation": False,
            "itemStyle": {"color": TIER_COLORS[tier]},
            "label": {
                "show": bool(tier),
                "position": "right",
                "fontSize": 10,
                ":formatter": "p => p.name.split('（')[0]",
            },
            "data": [
                {
                    "value": [round(float(d), 4), round(float(r), 4), round(float(s), 4)],
                    "name": f"{nm}（{ind}）",
                    "symbolSize": 8 + 60 * float(s) ** 0.5,
                }
                for ind, nm, d, r, s in zip(
                    p["industry"], p["name"], p["density"], p["rca"], p["share"], strict=True
                )
            ],
        }
        for tier in ("主导", "配套", "潜力", "")
        if not (p := q[q["tier"] == tier]).empty
    ]
    if series:
        series[0]["markLine"] = {
            "silent": True,
            "symbol": "none",
            "lineStyle": {"type": "dashed", "color": "#6b7280"},
            "data": [{"yAxis": 1.0, "name": "RCA = 1"}]
            + ([{"xAxis": round(cut, 4), "name": "密度门槛"}] if pd.notna(cut) else []),
            "label": {"formatter": "{b}"},
        }
    ui.echart(
        {
            "tooltip": {
                "trigger": "item",
                ":formatter": (
                    "p => `${p.name}<br/>密度 ${p.value[0]}，RCA ${p.value[1]}，"
                    "比重 ${(p.value[2] * 100).toFixed(1)}%`"
                ),
            },
            "legend": {"bottom": 0},
            "grid": {"bottom": 80},
            "xAxis": {
                "type": "value",
                "name": "密度（与本县优势产业的关联）",
                "nameLocation": "middle",
                "nameGap": 28,
                "scale": True,
            },
            "yAxis": {"type": "value", "name": "RCA（显示性比较优势）"},
            "series": series,
        },
        renderer="svg",
    ).classes("w-full h-[460px]").props(f'data-testid="quadrant-chart" data-points="{len(q)}"')
    ui.label(
        f"象限：横轴密度（门槛 {cut:.3f}，本县各行业密度的分位数），纵轴 RCA（门槛 1）；"
        "气泡大小 = 本县就业比重。"
    ).classes("text-xs text-gray-500")


async def _chain_section(user: User, code: str, chain: str, base: dict[str, Any]) -> None:
    ui.label("产业链视图").classes("text-lg font-bold mt-4")
    chains = chain_templates()
    choices = {
        str(k): f"{n}（{t}）"
        for k, n, t in zip(chains["key"], chains["name"], chains["type"], strict=True)
    }
    key = chain if chain in choices else next(iter(choices))
    ui.select(
        choices,
        value=key,
        label="产业链模板",
        on_change=lambda e: ui.navigate.to("/industry?" + urlencode({**base, "chain": e.value})),
    ).classes("w-64")

    try:  # the chain lists the county's firms: county accounts only for their own county
        res = await asyncio.to_thread(
            run_analysis, industry_decl.CHAIN, user, county=code, chain=key
        )
    except XinzhiError as exc:
        ui.label(str(exc)).classes("text-negative")
        return
    if res.synthetic:
        ui.label("【示例数据】企业记录为合成的示例数据（synthetic），结论仅用于演示。").classes(
            "text-warning font-bold"
        )
    if not res.has_firms:
        ui.label(
            "数据仓库中没有企业记录（firms 表）：环节状态为“未知”，只列出所属门类的人口普查"
            "就业 RCA 作参考。请管理员导入本县企业名录，之后可判断已有 / 缺失环节、链主和招商线索。"
        ).classes("text-warning").props('data-testid="chain-no-firms"')
    seg = res.segments
    with ui.row().classes("gap-6"):
        ui.label(f"已有环节 {len(res.present())} 个").classes("text-positive")
        ui.label(f"缺失环节 {len(res.missing())} 个").classes("text-negative")
        ui.label(f"未知 {int((seg['status'] == '未知').sum())} 个").classes("text-gray-600")
    table_of(
        seg,
        {
            "stage": "位置",
            "name": "环节",
            "products": "主要产品",
            "status": "状态",
            "n_firms": "本县企业数",
            "rca": "环节 RCA",
            "section_rca": "门类 RCA（普查）",
            "advice": "建议",
        },
        row_key="segment",
        pagination=None,
        digits=3,
    ).props('data-testid="chain-table"')
    hom = res.homogeneity
    what = "同质化预警" if res.has_firms else "同质化提示（门类层面，粗略）"
    if hom.empty:
        ui.label(f"{what}：无（本县与邻县没有共同具有比较优势的环节）").classes("text-sm")
    else:
        grouped = hom.groupby("name", sort=False)["neighbor_name"].agg(
            lambda v: "、".join(str(x) for x in v)
        )
        with ui.column().classes("gap-1").props('data-testid="chain-homogeneity"'):
            ui.label(what).classes("font-bold text-warning")
            for seg_name, nbrs in grouped.items():
                ui.label(f"· {seg_name}：与 {nbrs} 均具比较优势").classes("text-sm")
    for n in res.notes:
        ui.label(f"注：{n}").classes("text-xs text-gray-500")


def _io_section(lead: str, base: dict[str, Any]) -> None:
    table = industry_decl.IO.default("table")
    try:
        sectors = _io_result(None).tidy()
    except XinzhiError as exc:
        ui.label(str(exc)).classes("text-negative")
        return
    ui.label(f"投入产出产业链（{table} 全国投入产出表，{len(sectors)} 部门）").classes(
        "text-lg font-bold mt-4"
    )
    choices = {str(c): f"{c} {n}" for c, n in zip(sectors["code"], sectors["name"], strict=True)}
    ui.select(
        choices,
        value=lead if lead in choices else None,
        label="主导部门",
        with_input=True,
        on_change=lambda e: ui.navigate.to("/industry?" + urlencode({**base, "lead": e.value})),
    ).classes("w-80").props('data-testid="io-lead"')
    if lead not in choices:
        ui.label("选择一个主导部门，查看其最强的上游供给部门和下游使用部门。").classes("text-sm")
        return
    res = _io_result(lead)
    row = res.tidy().set_index("code").loc[lead]
    ui.label(
        f"{choices[lead]}：影响力系数 {float(row['backward']):.3f}，感应度系数 "
        f"{float(row['forward_leontief']):.3f}（{row['type']}）"
    ).classes("text-sm").props('data-testid="io-lead-info"')
    links = res.lead_links.rename(
        columns={
            "方向": "direction",
            "排名": "rank",
            "部门代码": "code",
            "部门名称": "name",
            "直接系数": "direct",
            "完全系数": "total",
        }
    )
    links["key"] = links["direction"] + links["rank"].astype(str)
    table_of(
        links,
        {
            "direction": "方向",
            "rank": "排名",
            "code": "部门代码",
            "name": "部门名称",
            "direct": "直接系数",
            "total": "完全系数",
        },
        row_key="key",
        pagination=None,
    ).props('data-testid="io-table"')
    ui.label(
        "上游按直接消耗系数 a_ik（部门 i 供给主导部门 k 的投入 / k 的总产出）排序，下游按直接分配"
        "系数 b_kj（k 的产出分配给 j 的比例）排序；完全系数为 Leontief 逆 L_ik 与 Ghosh 逆 G_kj。"
    ).classes("text-xs text-gray-500")


def _lq_section(code: str, year: int | None) -> None:
    ui.label("普查分行业就业的区位熵").classes("text-lg font-bold mt-4")
    try:
        with connection() as con:
            t = county_section_quotients(con, code, year)
    except XinzhiError as exc:
        ui.label(str(exc)).classes("text-negative")
        return
    ui.label(f"{t.attrs.get('year', '')} 年，区位熵 LQ > 1 表示该门类就业比重高于全国").classes(
        "text-sm"
    )
    ui.echart(
        {
            "tooltip": {"trigger": "axis"},
            "grid": {"left": 200},
            "xAxis": {"type": "value", "name": "区位熵"},
            "yAxis": {"type": "category", "data": list(t["section_name"])[::-1]},
            "series": [{"type": "bar", "data": [round(float(v), 3) for v in t["lq"]][::-1]}],
        },
        renderer="svg",
    ).classes("w-full h-[560px]")


def register() -> None:
    """Define the page."""

    @ui.page("/industry", title="产业 · 新质 县域新质生产力")
    @guarded()
    async def industry_page(
        request: Request,
        session: auth.Session,
        code: str = "",
        year: int = 2020,
        chain: str = "",
        lead: str = "",
    ) -> None:
        ui.label("产业").classes("text-xl font-bold")
        code = code or (session.user.county_code or "")
        y = year if year in (2010, 2020) else 2020
        base = {"code": code, "year": y, "chain": chain, "lead": lead}
        options = industry_county_options(y)
        if code and code not in options:
            options = {code: code, **options}
        with ui.row().classes("items-end gap-4"):
            ui.select(
                options,
                value=code or None,
                with_input=True,
                label="县区（输入名称或代码搜索）",
                on_change=lambda e: (
                    ui.navigate.to("/industry?" + urlencode({**base, "code": e.value}))
                    if e.value
                    else None
                ),
            ).classes("w-96").props('data-testid="industry-code"')
        await ui.context.client.connected()  # deliver the page first; the analyses take seconds
        if not (len(code) == 6 and code.isdigit()):
            ui.label("请选择一个县区（输入名称或代码搜索）。")
            _io_section(lead, base)
            return
        _tier_section(code, y)
        await _chain_section(session.user, code, chain, base)
        _io_section(lead, base)
        _lq_section(code, y)
