"""Page 企业: the 亩均效益 classes of a county's firms (class distribution, park totals, the
movement since last year), a map of the firms coloured by class with the parks' centroids (when
the firm-year data carry 经度 / 纬度; else the park totals as a chart and a note), a per-firm
explanation card, the SME ladder with the firms closest to
the next tier, the differentiated-policy simulation with class cut-off sliders, size classes, and
the 亩均 workbook as a download.

Every number comes from the declared enterprise analyses (:mod:`xinzhi.registry.enterprise`) run
through :func:`xinzhi.web._controls.run_analysis` — the access policy lets a county account see
its own county's firms only — and from :mod:`xinzhi.pipelines.enterprise`; the page only draws.
The workbook goes through :func:`xinzhi.web._frame.send_download` (policy + audit, kind
``firms``).

Numbers are shown the way a 亩均 office writes them: amounts and per-亩 values with two
decimals, counts as integers, shares as percentages, an empty cell as "—"; the tables keep the
numbers underneath (a column sorts by value, not by text).
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlencode

import numpy as np
import pandas as pd
from fastapi import Request
from nicegui import ui

from xinzhi import auth
from xinzhi.auth.policy import AccessDenied, Kind
from xinzhi.errors import XinzhiError
from xinzhi.labels import SYNTHETIC_NOTE
from xinzhi.pipelines.enterprise import (
    CLASS_COLOURS,
    firm_card,
    mujun_workbook,
    what_if_shares,
)
from xinzhi.registry import enterprise as decl
from xinzhi.web._charts import register_map
from xinzhi.web._context import client_ip
from xinzhi.web._controls import choice_select, run_analysis
from xinzhi.web._frame import XLSX, guarded, send_download
from xinzhi.web.geo import ILLUSTRATION_NOTE, map_name

__all__ = ["register"]

CLASS_NAMES = {"A": "A 类", "B": "B 类", "C": "C 类", "D": "D 类", "T": "T 类（不参评）"}
"""Legend and header names of the 亩均 classes."""

_NULL = "(v === null || v === undefined || v === '' || Number.isNaN(v))"
_FORMATS = {
    "text": f"v => {_NULL} ? '—' : v",
    "int": f"v => {_NULL} ? '—' : Number(v).toLocaleString('zh-CN', {{maximumFractionDigits: 0}})",
    "2": f"v => {_NULL} ? '—' : Number(v).toLocaleString('zh-CN', "
    "{minimumFractionDigits: 2, maximumFractionDigits: 2})",
    "pct": f"v => {_NULL} ? '—' : (100 * Number(v)).toFixed(1) + '%'",
}
"""Quasar column formatters (JavaScript) by kind: the cell shows the formatted text while the
row keeps the number, so sorting stays numeric."""

_CLASS_SLOT = (
    '<q-td :props="props"><q-badge v-if="props.value" :label="props.value" '
    ":style=\"{backgroundColor: ({colours})[props.value] || '#6B7280', color: '#fff', "
    "fontWeight: 'bold'}\" /><span v-else>—</span></q-td>"
).replace("{colours}", "{" + ", ".join(f"{k}: '{v}'" for k, v in CLASS_COLOURS.items()) + "}")
"""A class cell drawn as a coloured badge (the workbook's colours)."""

_STATUS_SLOT = (
    '<q-td :props="props" style="white-space: nowrap" :class="{'
    "'text-green-8 text-weight-bold': props.value === '通过', "
    "'text-red-8': props.value === '不通过', "
    "'text-amber-9': props.value === '需补充数据'}\">{{ props.value }}</q-td>"
)
"""A tier status cell: 通过 green, 不通过 red, 需补充数据 amber."""

Column = tuple[str, str, str]
"""(column, Chinese header, kind: text / nowrap / name (wraps, not narrow) / wide (long
text) / int / 2 / pct / class (coloured badge) / status (tier status, coloured))."""


def _table(
    df: pd.DataFrame,
    columns: Sequence[Column],
    *,
    row_key: str,
    pagination: int | None = 15,
    testid: str | None = None,
) -> ui.table:
    """A sortable table with Chinese headers and planner-style number formats (see
    :data:`_FORMATS`); list cells are joined with "、"; ``class`` columns are coloured badges."""
    cols = [c for c in columns if c[0] in df.columns]
    keep = [c[0] for c in cols] + ([row_key] if row_key not in [c[0] for c in cols] else [])
    shown = df[[k for k in keep if k in df.columns]].copy()
    for key in shown.columns:
        first = shown[key].dropna()
        if len(first) and isinstance(first.iloc[0], list | tuple):
            shown[key] = shown[key].map(
                lambda v: "、".join(str(x) for x in v) if isinstance(v, list | tuple) else v
            )
    shown = shown.astype(object).where(shown.notna(), None)
    qcols: list[dict[str, Any]] = []
    for key, label, kind in cols:
        numeric = kind in ("int", "2", "pct")
        col: dict[str, Any] = {
            "name": key,
            "label": label,
            "field": key,
            "sortable": True,
            "align": "right" if numeric else "left",
        }
        if kind == "nowrap":
            col["style"] = "white-space: nowrap"
            col[":format"] = _FORMATS["text"]
        elif kind == "name":
            col["style"] = "white-space: normal; min-width: 9rem"
            col[":format"] = _FORMATS["text"]
        elif kind == "wide":
            col["style"] = "white-space: normal; min-width: 12rem; max-width: 40rem"
            col[":format"] = _FORMATS["text"]
        elif kind not in ("class", "status"):
            col[":format"] = _FORMATS[kind]
        if numeric and len(label) > 6:
            col["style"] = "min-width: 5.5rem"
        if len(label) <= 6:
            col["headerStyle"] = "white-space: nowrap"
        qcols.append(col)
    table = ui.table(
        columns=qcols,
        rows=shown.to_dict("records"),
        row_key=row_key,
        pagination=pagination,
    ).classes("w-full")
    table.props("dense flat bordered wrap-cells=false")
    for key, _, kind in cols:
        if kind == "class":
            table.add_slot(f"body-cell-{key}", _CLASS_SLOT)
        elif kind == "status":
            table.add_slot(f"body-cell-{key}", _STATUS_SLOT)
    if testid:
        table.props(f'data-testid="{testid}"')
    return table


def _heading(text: str) -> None:
    ui.label(text).classes("text-lg font-bold mt-6 border-b border-slate-300 w-full pb-1")


def _summary_lines(text: str, drop: Sequence[str] = ()) -> list[str]:
    """The lines of a result's summary without the 示例数据 label (the page shows it once as a
    banner) and without ``drop`` prefixes."""
    out = []
    for line in text.splitlines():
        if line == SYNTHETIC_NOTE or any(line.startswith(d) for d in drop):
            continue
        out.append(line)
    return out


def _class_chart(counts: pd.DataFrame, by: str = "list", testid: str = "class-chart") -> None:
    """Stacked bars: firms per list (rows of ``counts``; or per park with ``by="park"``) and
    class, zero segments unlabelled."""
    lists = [str(x) for x in counts[by]]
    series = [
        {
            "type": "bar",
            "stack": "n",
            "name": CLASS_NAMES[c],
            "barMaxWidth": 28,
            "itemStyle": {"color": CLASS_COLOURS[c]},
            "label": {"position": "inside", "color": "#fff", "fontWeight": "bold"},
            "data": [{"value": int(v), "label": {"show": int(v) > 0}} for v in counts[c].tolist()],
        }
        for c in ("A", "B", "C", "D", "T")
    ]
    ui.echart(
        {
            "tooltip": {"trigger": "axis", "axisPointer": {"type": "shadow"}},
            "legend": {"top": 0},
            "grid": {"left": 8, "right": 24, "top": 32, "bottom": 30, "containLabel": True},
            "xAxis": {
                "type": "value",
                "name": "企业数（家）",
                "nameLocation": "middle",
                "nameGap": 26,
                "minInterval": 1,
            },
            "yAxis": {"type": "category", "data": lists, "inverse": True},
            "series": series,
        },
        renderer="svg",
    ).classes("w-full").style(f"height: {90 + 46 * max(len(lists), 1)}px").props(
        f'data-testid="{testid}"'
    )


def _class_share_table(shares: pd.DataFrame) -> None:
    """Per list: firms, rated firms, and each class as count and share of the rated firms
    (:meth:`xinzhi.enterprise.mujun.MujunResult.class_shares`)."""
    cols: list[Column] = [("list", "名单", "text"), ("total", "企业数", "int")]
    cols.append(("rated", "参评", "int"))
    for c in "ABCD":
        cols += [(c, f"{c} 类", "int"), (f"{c}_share", f"{c} 类占比", "pct")]
    cols.append(("T", "T 类", "int"))
    _table(shares, cols, row_key="list", pagination=None, testid="class-table")


def _indicator_columns(res: Any) -> list[Column]:
    """The preset's indicators as table columns (value with two decimals, header with unit)."""
    out: list[Column] = []
    for key in res.preset.used_indicators():
        ind = res.preset.indicator(key)
        out.append((key, f"{ind.label}（{ind.unit}）", "2"))
    return out


def _mujun_section(res: Any) -> None:
    _heading("亩均效益评价")
    key = f"预设 {res.preset.key}："
    counts = res.class_counts()
    lists = tuple(f"{x}：" for x in counts["list"])
    for line in _summary_lines(res.summary(), drop=lists):
        line = line.replace(key, "评价方法：")
        ui.label(line).classes("text-sm")
    with ui.row().classes("w-full gap-4 items-start no-wrap max-lg:flex-wrap"):
        with ui.column().classes("flex-1 min-w-[22rem]"):
            ui.label("各名单分类企业数").classes("font-bold mt-2")
            _class_chart(counts)
        with ui.column().classes("flex-[1.4] min-w-[28rem]"):
            ui.label("分类统计（占比按参评企业计）").classes("font-bold mt-2")
            _class_share_table(res.class_shares())
    ui.label("园区汇总").classes("font-bold mt-4")
    _table(
        res.park_totals(),
        [
            ("park", "园区", "text"),
            ("firms", "企业数", "int"),
            ("land_area", "用地面积（亩）", "2"),
            ("tax", "实缴税金（万元）", "2"),
            ("tax_per_mu", "亩均税收（万元/亩）", "2"),
            *[(c, f"{c} 类", "int") for c in "ABCDT"],
        ],
        row_key="park",
        pagination=10,
        testid="park-table",
    )
    t = res.tidy()
    ui.label(f"企业名单（{len(t)} 家）").classes("font-bold mt-4")
    _table(
        t,
        [
            ("credit_code", "统一社会信用代码", "text"),
            ("name", "企业名称", "name"),
            ("park", "园区", "name"),
            ("list", "名单", "name"),
            *_indicator_columns(res),
            ("score", "综合得分", "2"),
            ("class", "类别", "class"),
            ("rank", "排名", "int"),
            ("change", "较上年", "nowrap"),
            ("reason", "说明", "wide"),
        ],
        row_key="credit_code",
        pagination=15,
        testid="firm-table",
    )


MAP_NEEDS_COORDINATES = (
    "企业分布图需要企业的经度、纬度：在企业年度数据中加入“经度”“纬度”两列（WGS-84 坐标；"
    "高德、腾讯地图的 GCJ-02 坐标或百度地图的 BD-09 坐标在导入时用 --coords gcj02 / bd09 "
    "转换）并重新导入后即显示。地址无法在本机离线转换为坐标。"
)
"""The note shown instead of the map when no firm has coordinates."""


def _bounds(points: pd.DataFrame) -> list[list[float]]:
    """ECharts ``boundingCoords`` (north-west, south-east corners) around the firms, with a
    margin of 8 % (at least 0.02°) on each side."""
    lon, lat = points["longitude"].astype(float), points["latitude"].astype(float)
    dx = max(0.08 * float(lon.max() - lon.min()), 0.02)
    dy = max(0.08 * float(lat.max() - lat.min()), 0.02)
    return [
        [float(lon.min()) - dx, float(lat.max()) + dy],
        [float(lon.max()) + dx, float(lat.min()) - dy],
    ]


async def _map_section(res: Any, county: str) -> None:
    """The county's firms on its map (coloured by 亩均 class) with the parks' centroids and
    totals; without coordinates the park totals as a chart and a note on what the map needs."""
    _heading("企业分布图（按园区）")
    points = res.firm_points()
    parks = res.park_centroids()
    if points.empty:
        totals = res.park_totals()
        if len(totals):
            ui.label("各园区分类企业数").classes("font-bold mt-2")
            _class_chart(totals, by="park", testid="park-chart")
        ui.label(MAP_NEEDS_COORDINATES).classes("text-sm text-slate-700").props(
            'data-testid="map-needs-coordinates"'
        )
        return
    n = await register_map(int(res.year))
    series: list[dict[str, Any]] = []
    for c in ("A", "B", "C", "D", "T"):
        sub = points[points["class"] == c]
        series.append(
            {
                "type": "scatter",
                "coordinateSystem": "geo",
                "name": CLASS_NAMES[c],
                "symbolSize": 6,
                "itemStyle": {"color": CLASS_COLOURS[c], "opacity": 0.85},
                "data": [
                    {
                        "name": str(r.name),
                        "value": [float(r.longitude), float(r.latitude)],
                        "park": "—" if pd.isna(r.park) else str(r.park),
                        "cls": CLASS_NAMES[c],
                        "score": None if pd.isna(r.score) else round(float(r.score), 2),
                    }
                    for r in sub.itertuples()
                ],
            }
        )
    located = parks[parks["located"] > 0]
    series.append(
        {
            "type": "scatter",
            "coordinateSystem": "geo",
            "name": "园区（质心）",
            "symbol": "diamond",
            "itemStyle": {"color": "#111827", "borderColor": "#fff", "borderWidth": 1},
            "label": {"show": True, "position": "right", "formatter": "{b}", "fontSize": 11},
            "z": 5,
            "data": [
                {
                    "name": str(r.park),
                    "value": [float(r.longitude), float(r.latitude)],
                    "symbolSize": float(10 + 2 * np.sqrt(r.firms)),
                    "kind": "park",
                    "firms": int(r.firms),
                    "land": None if pd.isna(r.land_area) else round(float(r.land_area), 2),
                    "tax": None if pd.isna(r.tax) else round(float(r.tax), 2),
                    "per_mu": None if pd.isna(r.tax_per_mu) else round(float(r.tax_per_mu), 2),
                    "classes": " / ".join(f"{c} {int(getattr(r, c))}" for c in "ABCDT"),
                }
                for r in located.itertuples()
            ],
        }
    )
    fmt = (
        "p => { const d = p.data || {}; const v = x => (x === null || x === undefined) ? '—' "
        ": Number(x).toLocaleString('zh-CN', {minimumFractionDigits: 2, "
        "maximumFractionDigits: 2}); if (d.kind === 'park') return `${p.name}<br/>企业 "
        "${d.firms} 家 · 用地 ${v(d.land)} 亩<br/>实缴税金 ${v(d.tax)} 万元 · 亩均税收 "
        "${v(d.per_mu)} 万元/亩<br/>${d.classes}`; return `${p.name}<br/>${d.cls} · 综合得分 "
        "${v(d.score)}<br/>园区：${d.park}`; }"
    )
    title = "企业分布（按亩均效益分类着色，◆ 为园区质心）" + (
        "（示例数据）" if res.synthetic else ""
    )
    options: dict[str, Any] = {
        "title": {"text": title, "left": 8, "top": 4, "textStyle": {"fontSize": 13}},
        "tooltip": {"trigger": "item", ":formatter": fmt},
        "legend": {"top": 28, "left": 8},
        "geo": {
            "map": map_name(int(res.year)),
            "nameProperty": "code",
            "roam": True,
            "boundingCoords": _bounds(points),
            "silent": True,
            "label": {"show": False},
            "itemStyle": {"areaColor": "#f8fafc", "borderColor": "#cbd5e1", "borderWidth": 0.6},
            "regions": [
                {
                    "name": county,
                    "itemStyle": {
                        "areaColor": "#eef2ff",
                        "borderColor": "#1e3a8a",
                        "borderWidth": 1.6,
                    },
                }
            ],
            "top": 64,
            "bottom": 8,
        },
        "series": series,
    }
    ui.echart(options, renderer="svg").classes("w-full").style("height: 620px").props(
        f'data-testid="firm-map" data-polygons="{n}" data-firms="{len(points)}" '
        f'data-parks="{len(located)}"'
    )
    missing = len(res.table) - len(points)
    if missing:
        ui.label(f"另有 {missing} 家企业没有经纬度，未画在图上。").classes("text-xs text-slate-600")
    ui.label(ILLUSTRATION_NOTE).classes("text-xs text-gray-500").props('data-testid="map-note"')


def _card(card: dict[str, Any]) -> None:
    cls = card["class"]
    with ui.card().classes("w-full").props('data-testid="firm-card"'):
        ui.label(f"{card['name']}（{card['credit_code']}）").classes("text-lg font-bold")
        score = "—" if card["score"] is None else f"{card['score']:.2f}"
        with ui.row().classes("items-center gap-3"):
            ui.badge(CLASS_NAMES.get(cls, cls), color=CLASS_COLOURS.get(cls, "#6B7280")).classes(
                "text-base px-3 py-1"
            ).props('data-testid="card-class"')
            ui.label(f"综合得分 {score} · {card['list']}").classes("font-bold")
        ui.label(card["reason"]).classes("text-sm text-slate-700")
        _table(
            card["indicators"],
            [
                ("indicator", "指标", "text"),
                ("value", "数值", "2"),
                ("unit", "单位", "text"),
                ("points", "得分", "2"),
            ],
            row_key="indicator",
            pagination=None,
            testid="card-indicators",
        ).classes(remove="w-full").classes("min-w-[32rem]")
        ui.label(f"企业规模：{card['size']}（{card['size_basis'] or '—'}）").classes("text-sm mt-2")
        _table(
            card["tiers"],
            [
                ("tier", "梯度", "nowrap"),
                ("status", "结论", "status"),
                ("rule_version", "依据（文号）", "nowrap"),
                ("failed", "未满足", "wide"),
                ("missing", "需补充数据", "wide"),
            ],
            row_key="tier",
            pagination=None,
            testid="card-tiers",
        )


def _tier_section(res: Any, names: dict[str, str], tier: str, base: dict[str, Any]) -> None:
    _heading("梯度培育")
    for line in _summary_lines(res.summary()):
        ui.label(line).classes("text-sm")
    counts = res.status_counts()
    _table(
        counts,
        [
            ("tier", "梯度", "text"),
            ("通过", "通过", "int"),
            ("不通过", "不通过", "int"),
            ("需补充数据", "需补充数据", "int"),
            ("share", "通过率", "pct"),
        ],
        row_key="tier",
        pagination=None,
        testid="tier-counts",
    )
    tiers = [str(x) for x in counts["tier"]]
    chosen = tier if tier in tiers else (tiers[0] if tiers else "")
    ui.select(
        tiers,
        value=chosen or None,
        label="距离通过最近的企业：选择梯度",
        on_change=lambda e: ui.navigate.to("/enterprise?" + urlencode({**base, "tier": e.value})),
    ).classes("w-96 mt-2").props('data-testid="tier-select"')
    if chosen:
        cand = res.candidates(chosen).head(20).copy()
        cand["name"] = cand["credit_code"].map(names)
        ui.label(f"{chosen}：最接近通过的 {len(cand)} 家企业（按未满足条件数、差距排序）").classes(
            "text-sm mt-1"
        )
        _table(
            cand,
            [
                ("credit_code", "统一社会信用代码", "text"),
                ("name", "企业名称", "nowrap"),
                ("status", "结论", "status"),
                ("n_failed", "未满足条件数", "int"),
                ("shortfall", "相对差距", "pct"),
                ("n_missing", "待补数据条件数", "int"),
                ("lacks", "尚缺", "wide"),
            ],
            row_key="credit_code",
            pagination=10,
            testid="tier-candidates",
        )


_MONEY: list[Column] = [
    ("electricity_surcharge", "电价加价（万元）", "2"),
    ("water_surcharge", "水价加价（万元）", "2"),
    ("gas_surcharge", "气价加价（万元）", "2"),
    ("raised", "加价合计（万元）", "2"),
    ("land_tax_rebate", "土地使用税返还（万元）", "2"),
    ("returned", "返还合计（万元）", "2"),
    ("net", "净额（万元）", "2"),
]


def _simulation_section(sim: Any, mujun: Any) -> None:
    _heading("差别化政策模拟")
    for line in _summary_lines(sim.summary()):
        ui.label(line).classes("text-sm").props('data-testid="simulation-summary"')
    ui.label("园区汇总").classes("font-bold mt-2")
    _table(
        sim.park_totals(),
        [("park", "园区", "text"), ("firms", "企业数", "int"), *_MONEY],
        row_key="park",
        pagination=10,
        testid="simulation-parks",
    )
    firms = sim.tidy()
    hit = firms[firms["raised"].fillna(0).ne(0) | firms["returned"].fillna(0).ne(0)]
    if len(hit):
        ui.label(f"涉及加价或返还的企业（{len(hit)} 家，按净额排序）").classes("font-bold mt-2")
        _table(
            hit.sort_values("net", ascending=False),
            [
                ("credit_code", "统一社会信用代码", "text"),
                ("name", "企业名称", "nowrap"),
                ("class", "类别", "class"),
                ("years_in_d", "连续列入 D 类年数", "int"),
                *_MONEY,
            ],
            row_key="credit_code",
            pagination=10,
            testid="simulation-firms",
        )
    _what_if(mujun)


def _what_if(mujun: Any) -> None:
    ui.label("调整分类比例：各名单按名次重新划分，看哪些企业的类别会变").classes("font-bold mt-4")
    # start from the preset's own split when it cuts by rank (else the common 20/40/35/5)
    rule = mujun.preset.classes
    start = rule.shares if rule.method == "percentile" and rule.shares else (20, 40, 35, 5)
    shares = {"A": round(start[0]), "B": round(start[1]), "C": round(start[2])}
    sliders = ui.row().classes("w-full gap-8 items-center")
    out = ui.column().classes("w-full")

    def redraw() -> None:
        out.clear()
        d = 100 - shares["A"] - shares["B"] - shares["C"]
        with out:
            if d < 0:
                ui.label(f"A、B、C 三类之和为 {100 - d}%，不能超过 100%：请调小其中一类").classes(
                    "text-negative"
                ).props('data-testid="what-if-summary"')
                return
            try:
                moved = what_if_shares(mujun, (shares["A"], shares["B"], shares["C"], d))
            except XinzhiError as exc:
                ui.label(str(exc)).classes("text-negative").props('data-testid="what-if-summary"')
                return
            up = int((moved["change"] == "升").sum())
            down = int((moved["change"] == "降").sum())
            ui.label(
                f"A {shares['A']}% / B {shares['B']}% / C {shares['C']}% / D {d}%："
                f"{up} 家升级，{down} 家降级"
            ).classes("font-bold").props('data-testid="what-if-summary"')
            if moved.empty:
                ui.label("按此比例没有企业改变类别。").classes("text-sm")
                return
            _table(
                moved.head(50),
                [
                    ("credit_code", "统一社会信用代码", "text"),
                    ("name", "企业名称", "nowrap"),
                    ("list", "名单", "text"),
                    ("score", "综合得分", "2"),
                    ("class", "现类别", "class"),
                    ("class_new", "新类别", "class"),
                    ("change", "变化", "text"),
                ],
                row_key="credit_code",
                pagination=None,
                testid="what-if-table",
            )

    with sliders:
        for cls in ("A", "B", "C"):
            with ui.row().classes("items-center gap-2 no-wrap"):
                ui.label(f"{cls} 类占比（%）").classes("text-sm")

                def changed(e: Any, c: str = cls) -> None:
                    # Quasar's "change": once per drag, click or key press (not per pixel)
                    shares[c] = int(e.args)
                    redraw()

                ui.slider(min=0, max=100, step=1, value=shares[cls]).props(
                    f'label-always data-testid="share-{cls}"'
                ).classes("w-56 mt-6").on("change", changed)
        ui.label("D 类 = 100% − A − B − C").classes("text-sm text-slate-600")
    redraw()


def _size_section(res: Any) -> None:
    _heading("大中小微企业划型")
    counts = res.counts()
    first = str(counts.columns[0])
    cols: list[Column] = [(first, "划型行业", "text")]
    cols += [(str(c), str(c), "int") for c in counts.columns[1:]]
    _table(counts, cols, row_key=first, pagination=None, testid="size-counts")


def _loading(what: str) -> ui.row:
    with ui.row().classes("items-center gap-2 mt-4").props('data-testid="enterprise-busy"') as row:
        ui.spinner(size="lg")
        ui.label(f"正在计算{what}……")
    return row


def _error(exc: XinzhiError, *, hint: bool = False) -> None:
    """A user error as a Chinese sentence (never a traceback); ``hint``: how to get firm data."""
    ui.label(f"无法评价：{exc}").classes("text-negative text-lg").props(
        'data-testid="enterprise-error"'
    )
    if hint:
        ui.label(
            "本县企业名录与年度数据由系统管理员导入数据仓库；导入后重新打开本页即可评价。"
        ).classes("text-sm")


async def _section(
    box: ui.column, title: str, analysis: Any, user: Any, **options: Any
) -> Any | None:
    """Run ``analysis`` for the section drawn in ``box`` (which holds its spinner until then): the
    result, or None after showing the section's title and the Chinese error in ``box``."""
    try:
        result = await asyncio.to_thread(run_analysis, analysis, user, **options)
    except XinzhiError as exc:
        box.clear()
        with box:
            _heading(title)
            _error(exc)
        return None
    box.clear()
    return result


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
        county = county.strip() or (session.user.county_code or "")
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
            choice_select(decl.MUJUN.option("preset"), preset, lambda v: go(preset=v)).classes(
                "w-80"
            ).props('data-testid="enterprise-preset"')
            ui.input("梯度评定日期（如 2025-06-30，回车）", value=date).classes("w-72").props(
                'data-testid="enterprise-date"'
            ).on("keydown.enter", lambda e: go(date=e.sender.value))
        if not county:
            ui.label("请选择一个县区：企业名单按县区评价。").props('data-testid="enterprise-hint"')
            return
        await ui.context.client.connected()
        user = session.user
        opts = {"county": county, "year": year}
        # the 亩均 classes first (the page's main answer), then the other evaluations below
        # it as they finish: each runs once per warehouse version (cached), the first view of
        # a county takes a few seconds per evaluation
        busy = _loading("亩均效益")
        try:
            mujun = await asyncio.to_thread(run_analysis, decl.MUJUN, user, preset=preset, **opts)
        except AccessDenied as exc:
            busy.delete()
            ui.label(str(exc)).classes("text-negative text-lg").props(
                'data-testid="enterprise-error"'
            )
            return
        except XinzhiError as exc:
            busy.delete()
            _error(exc, hint=True)
            return
        busy.delete()
        if mujun.synthetic:
            with ui.row().classes(
                "w-full items-center gap-2 bg-amber-50 border border-amber-400 rounded px-3 py-2"
            ):
                ui.icon("warning", color="warning")
                ui.label(SYNTHETIC_NOTE).classes("text-amber-900 font-bold").props(
                    'data-testid="synthetic-note"'
                )
        ip = client_ip(request)
        where = mujun.county or county

        async def download() -> None:
            await send_download(
                session,
                ip,
                Kind.FIRMS,
                lambda: mujun_workbook(mujun),
                f"亩均效益评价_{where}_{mujun.year}.xlsx",
                XLSX,
                fmt="xlsx",
                county=mujun.county,
                year=mujun.year,
                rows=lambda: len(mujun.table),
                analysis=decl.MUJUN.key,
            )

        with ui.row().classes("items-center gap-4 mt-2"):
            ui.label(f"数据年度 {mujun.year} 年 · 县区代码 {where}").classes("text-sm")
            ui.button(
                "下载亩均评价表（Excel，按名单分表）", icon="download", on_click=download
            ).props('no-caps data-testid="mujun-download"')
        _mujun_section(mujun)
        await _map_section(mujun, where)
        names = {
            str(k): str(v)
            for k, v in zip(mujun.table["credit_code"], mujun.table["name"], strict=True)
        }
        _heading("企业说明卡")
        ui.select(
            {k: f"{v}（{k}）" for k, v in names.items()},
            value=firm if firm in names else None,
            with_input=True,
            label="选择企业（可输入名称或信用代码查找）",
            on_change=lambda e: go(firm=e.value),
        ).classes("w-[36rem]").props('data-testid="firm-select"')
        card_box = ui.column().classes("w-full")
        tier_box = ui.column().classes("w-full")
        sim_box = ui.column().classes("w-full")
        size_box = ui.column().classes("w-full")

        with tier_box:
            _loading("梯度培育")
        with size_box:
            _loading("企业划型")
        tiers = await _section(tier_box, "梯度培育", decl.TIERS, user, date=date or None, **opts)
        size = await _section(size_box, "大中小微企业划型", decl.SIZE, user, **opts)
        with card_box:
            if firm in names and tiers is not None and size is not None:
                _card(firm_card(mujun, tiers, size, firm))
            elif firm in names:
                ui.label("企业说明卡需要梯度培育和划型的结果（见下文的说明）").classes("text-sm")
            elif firm:
                ui.label(f"本县区的评价结果中没有信用代码为 {firm} 的企业").classes("text-negative")
        if tiers is not None:
            with tier_box:
                _tier_section(tiers, names, tier, base)
        if size is not None:
            with size_box:
                _size_section(size)
        with sim_box:
            _loading("差别化政策模拟")
        sim = await _section(
            sim_box, "差别化政策模拟", decl.SIMULATION, user, preset=preset, **opts
        )
        if sim is not None:
            with sim_box:
                _simulation_section(sim, mujun)
