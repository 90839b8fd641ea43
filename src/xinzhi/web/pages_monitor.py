"""Page 监测预警 (``/monitor``; issue #17): the five-colour matrix of counties × indicators with a
legend and the rule of every cell (hover), a county drill-down (click a row) with the digest —
what turned red or blue, what improved — the trend line of an indicator with its Sen slope,
Mann–Kendall verdict and change points, the composite warning index by year, the digest as an
Excel download, and the yearly targets with an editor for the accounts that enter data.

Every number comes from :mod:`xinzhi.pipelines.monitor` through
:mod:`xinzhi.pipelines.monitor_views` — the same functions and access checks as the REST API's
``/api/monitor/*`` (a county account sees and edits its own county only). The workbook goes
through :func:`xinzhi.web._frame.send_download` (policy + audit, kind ``report``); a target
typed in is written to the audit log as the API writes it (``target_set``, ``via: web``). Every
text is set as text (labels, Vue interpolation), never as HTML.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

import pandas as pd
from fastapi import Request
from nicegui import ui

from xinzhi import auth
from xinzhi.auth.policy import AccessDenied, Action, Kind, allows, can_view_county
from xinzhi.errors import XinzhiError
from xinzhi.labels import SYNTHETIC_NOTE
from xinzhi.pipelines import monitor_views as mv
from xinzhi.web._context import client_ip, config, connection
from xinzhi.web._frame import XLSX, guarded, heading, send_download, synthetic_banner

__all__ = ["register"]

METHODS = {"sigma": "历史均值 ± kσ", "quantile": "历史分位数", "target": "年度目标"}
BASES = {"growth": "同比增速", "level": "水平值"}
MEANINGS = {
    "红": "过热（超常）",
    "黄": "偏热",
    "绿": "正常",
    "浅蓝": "偏冷",
    "蓝": "过冷（严重滞后）",
}
"""Legend: colour → meaning (NBS 预警信号 convention, read in the indicator's favourable
direction; red and blue are both alerts)."""
_DARK_TEXT = ("黄", "浅蓝")
_COLOURS_JS = "{" + ", ".join(f"'{k}': '{v}'" for k, v in mv.COLOUR_HEX.items()) + "}"
_CELL_SLOT = (
    '<q-td :props="props" :data-signal="props.col.name.startsWith(\'i_\') ? props.value : null" '
    ":style=\"props.col.name.startsWith('i_') ? {backgroundColor: (" + _COLOURS_JS + ")"
    "[props.value] || '#f1f5f9', color: (['红', '绿', '蓝'].includes(props.value) ? '#ffffff' : "
    "'#64748b'), textAlign: 'center', fontWeight: 'bold', cursor: 'pointer'} : "
    "{cursor: 'pointer'}\">"
    "{{ props.value === null || props.value === undefined ? '—' : props.value }}"
    '<q-tooltip v-if="props.row[\'r_\' + props.col.name]" class="text-body2">'
    "{{ props.row['r_' + props.col.name] }}</q-tooltip></q-td>"
)
"""A matrix cell: its colour (name shown, background drawn), the rule that gave it on hover
(Vue interpolation: text, never HTML)."""
_SIGNAL_SLOT = (
    '<q-td :props="props"><q-badge v-if="props.value" :label="props.value" '
    ':style="{backgroundColor: (' + _COLOURS_JS + ")[props.value] || '#6B7280', "
    "color: (['黄', '浅蓝'].includes(props.value) ? '#1f2937' : '#fff'), fontWeight: 'bold'}\" />"
    "<span v-else>—</span></q-td>"
)
_NULL = "(v === null || v === undefined || v === '' || Number.isNaN(v))"
_FORMATS = {
    "text": f"v => {_NULL} ? '—' : v",
    "num": f"v => {_NULL} ? '—' : Number(v).toLocaleString('zh-CN', {{maximumFractionDigits: 4}})",
    "p": f"v => {_NULL} ? '—' : Number(v).toFixed(3)",
}

ALERTS_ONLY_ABOVE = 300
"""With more counties than this the matrix first lists one province's counties with a red or
blue light (a select and a switch show the others)."""

_cache: dict[tuple[Any, ...], Any] = {}


def _cached(key: tuple[Any, ...], make: Callable[[], Any]) -> Any:
    """``make()`` kept per warehouse version (imports and targets) and key (32 entries)."""
    with connection() as con:
        stamp = mv.monitor_stamp(con)
    full = (str(config.db_path()), stamp, *key)
    if full not in _cache:
        if len(_cache) >= 32:
            _cache.pop(next(iter(_cache)))
        _cache[full] = make()
    return _cache[full]


def _matrix(user: auth.User, year: int | None, opts: dict[str, Any]) -> mv.SignalMatrix:
    def make() -> mv.SignalMatrix:
        with connection() as con:
            return mv.signal_matrix(con, user, year=year, **opts)

    scope = mv.monitor_scope(user)
    return _cached(("matrix", scope, year, tuple(sorted(opts.items()))), make)


def _county(user: auth.User, county: str, year: int | None, opts: dict[str, Any]) -> mv.CountyView:
    with connection() as con:
        code = mv.check_county(con, user, county)  # on every view, not only on a cache miss

    def make() -> mv.CountyView:
        with connection() as con:
            return mv.county_view(con, user, code, year=year, **opts)

    return _cached(("county", code, year, tuple(sorted(opts.items()))), make)


def _error(exc: Exception) -> None:
    ui.label(str(exc)).classes("text-negative text-lg").props('data-testid="monitor-error"')


def _legend(rules: dict[str, str]) -> None:
    """The five colours with their meaning and the rule of the method in use."""
    with ui.row().classes("gap-3 items-center flex-wrap").props('data-testid="monitor-legend"'):
        for colour, meaning in MEANINGS.items():
            with ui.row().classes("items-center gap-1 no-wrap"):
                ui.element("span").classes("inline-block w-5 h-5 rounded").style(
                    f"background-color: {mv.COLOUR_HEX[colour]}"
                )
                ui.label(f"{colour}：{meaning}").classes("text-sm")
                rule = rules.get(colour)
                if rule:
                    ui.label(f"（{rule}）").classes("text-xs text-slate-600")
        ui.label("按指标的有利方向读；红、蓝均为预警").classes("text-xs text-slate-600")


def _rules(info: pd.DataFrame) -> dict[str, str]:
    """Colour → rule text from the result's 说明 table (row 判定规则: "红：…；黄：…")."""
    row = info[info["项目"] == "判定规则"]
    if row.empty:
        return {}
    out = {}
    for part in str(row["说明"].iloc[0]).split("；"):
        colour, _, rule = part.partition("：")
        out[colour] = rule
    return out


def _matrix_table(
    m: mv.SignalMatrix, on_pick: Callable[[str], None], keep: set[str] | None = None
) -> None:
    """Counties × indicators, coloured; hover: the rule; click a row: the county's drill-down
    (``keep``: only these counties)."""
    inds = m.indicators
    keys = {code: f"i_{n}" for n, code in enumerate(inds["indicator"])}
    cells = m.cells
    if keep is not None:
        cells = cells[cells["region_code"].isin(keep)]
    rows: dict[str, dict[str, Any]] = {}
    for r in cells.to_dict("records"):
        code = str(r["region_code"])
        row = rows.setdefault(code, {"region_code": code, "county": r["county"]})
        key = keys[str(r["indicator"])]
        row[key] = r["signal"] or None
        rule = r["rule"] if isinstance(r["rule"], str) else ""
        bv = r["basis_value"]
        value = "" if bv is None or pd.isna(bv) else f"；监测值 {float(bv):.4g}"
        row[f"r_{key}"] = f"{r['indicator_name']}：{r['signal'] or '无信号'}（{rule}{value}）"
    index = {str(r["region_code"]): r for r in m.index.to_dict("records")}
    for code, row in rows.items():
        ix = index.get(code)
        if ix is not None:
            row["index"] = round(float(ix["index"]), 1)
            row["index_signal"] = str(ix["signal"])
            row["r_index_signal"] = (
                f"综合预警指数 {row['index']}；红灯 {int(ix['n_red'])} 项、"
                f"蓝灯 {int(ix['n_blue'])} 项"
            )
    columns: list[dict[str, Any]] = [
        {
            "name": "county",
            "label": "县级单位",
            "field": "county",
            "sortable": True,
            "align": "left",
            "style": "white-space: nowrap",
        },
        {
            "name": "index",
            "label": "综合预警指数",
            "field": "index",
            "sortable": True,
            "align": "right",
        },
        {"name": "i_index", "label": "综合信号", "field": "index_signal", "align": "center"},
    ]
    for code, name, d in inds[["indicator", "indicator_name", "direction"]].itertuples(index=False):
        columns.append(
            {
                "name": keys[str(code)],
                "label": f"{name}{'（逆向）' if d == '-' else ''}",
                "field": keys[str(code)],
                "align": "center",
                "headerStyle": "white-space: normal; min-width: 5rem; max-width: 8rem",
            }
        )
    for row in rows.values():
        row["r_i_index"] = row.pop("r_index_signal", "")
    table = ui.table(
        columns=columns, rows=list(rows.values()), row_key="region_code", pagination=25
    ).classes("w-full")
    table.props('dense flat bordered data-testid="signal-matrix"')
    table.add_slot("body-cell", _CELL_SLOT)
    table.on("rowClick", lambda e: on_pick(str(e.args[1]["region_code"])))


def _digest_table(t: pd.DataFrame) -> None:
    cols = [
        ("indicator_name", "指标", "text"),
        ("signal_prev", "上年信号", "signal"),
        ("signal", "本年信号", "signal"),
        ("change", "变化", "text"),
        ("rule", "判定规则", "text"),
        ("value", "数值", "num"),
        ("trend", "趋势（Mann–Kendall）", "text"),
        ("assessment", "判断", "text"),
        ("slope", "Sen 斜率（每年）", "num"),
        ("p", "P 值", "p"),
        ("change_points", "变点年份", "text"),
    ]
    present = [c for c in cols if c[0] in t.columns]
    shown = t[[c[0] for c in present] + ["indicator"]].copy()
    shown = shown.astype(object).where(shown.notna(), None)
    for key in ("signal_prev", "signal", "change_points"):
        if key in shown.columns:
            shown[key] = shown[key].map(lambda v: v or None)
    qcols = [
        {
            "name": k,
            "label": lab,
            "field": k,
            "sortable": True,
            "align": "right" if kind in ("num", "p") else "left",
            **({":format": _FORMATS[kind]} if kind in _FORMATS else {}),
        }
        for k, lab, kind in present
    ]
    table = ui.table(
        columns=qcols, rows=shown.to_dict("records"), row_key="indicator", pagination=None
    ).classes("w-full")
    table.props('dense flat bordered data-testid="digest-table"')
    for k, _, kind in present:
        if kind == "signal":
            table.add_slot(f"body-cell-{k}", _SIGNAL_SLOT)


def _trend_chart(v: mv.CountyView, indicator: str) -> None:
    """The series of ``indicator`` with its Sen line and its change points marked."""
    s = v.series[v.series["indicator"] == indicator]
    tr = v.trends[v.trends["indicator"] == indicator]
    if s.empty or tr.empty:
        ui.label("该指标没有数值。").classes("text-sm")
        return
    t = tr.iloc[0]
    name = str(s["indicator_name"].iloc[0])
    cps = [int(c) for c in str(t["change_points"] or "").split("、") if c.strip()]
    slope = t["slope"]
    verdict = (
        f"{name}：{t['trend']}（Mann–Kendall，P = {float(t['p']):.3f}；判断 {t['assessment']}）"
        if pd.notna(t["p"])
        else f"{name}：年数不足，未检验趋势"
    )
    if pd.notna(slope):
        verdict += f"；Sen 斜率 {float(slope):.4g} / 年"
    verdict += "；变点 " + ("、".join(str(c) for c in cps) if cps else "无")
    ui.label(verdict).classes("text-sm font-bold").props('data-testid="trend-verdict"')
    years = [int(y) for y in s["year"]]
    series: list[dict[str, Any]] = [
        {
            "type": "line",
            "name": "数值",
            "data": [[y, float(x)] for y, x in zip(years, s["value"], strict=True)],
            "symbolSize": 6,
            "itemStyle": {"color": "#1f4e9c"},
            "markLine": {
                "symbol": "none",
                "lineStyle": {"color": "#d62728", "type": "dashed"},
                "label": {"formatter": "变点 {c}"},
                "data": [{"xAxis": c} for c in cps],
            },
        }
    ]
    if s["sen"].notna().any():
        series.append(
            {
                "type": "line",
                "name": "Sen 斜率线",
                "data": [[y, float(x)] for y, x in zip(years, s["sen"], strict=True)],
                "showSymbol": False,
                "lineStyle": {"type": "dashed", "color": "#6b7280"},
                "itemStyle": {"color": "#6b7280"},
            }
        )
    ui.echart(
        {
            "animation": False,
            "tooltip": {"trigger": "axis"},
            "legend": {"top": 0},
            "grid": {"left": 8, "right": 24, "top": 36, "bottom": 24, "containLabel": True},
            "xAxis": {
                "type": "value",
                "min": min(years),
                "max": max(years),
                "minInterval": 1,
                "name": "年份",
                "axisLabel": {":formatter": "v => String(v)"},
            },
            "yAxis": {"type": "value", "scale": True, "name": name},
            "series": series,
        },
        renderer="svg",
    ).classes("w-full").style("height: 320px").props(
        f'data-testid="trend-chart" data-indicator="{indicator}" '
        f'data-change-points="{",".join(str(c) for c in cps)}"'
    )


def _index_chart(index: pd.DataFrame) -> None:
    if index.empty:
        return
    ui.echart(
        {
            "animation": False,
            "tooltip": {"trigger": "axis"},
            "grid": {"left": 8, "right": 24, "top": 30, "bottom": 24, "containLabel": True},
            "xAxis": {"type": "category", "data": [str(int(y)) for y in index["year"]]},
            "yAxis": {"type": "value", "name": "综合预警指数（100 = 全部绿灯）", "scale": True},
            "series": [
                {
                    "type": "line",
                    "name": "综合预警指数",
                    "data": [round(float(x), 1) for x in index["index"]],
                    "markLine": {
                        "symbol": "none",
                        "data": [{"yAxis": 100}],
                        "lineStyle": {"color": "#2ca02c"},
                    },
                }
            ],
        },
        renderer="svg",
    ).classes("w-full").style("height: 240px").props('data-testid="index-chart"')


def _targets_section(
    request: Request,
    session: auth.Session,
    code: str,
    indicators: pd.DataFrame,
    reload: Callable[[], None],
) -> None:
    heading("年度目标")
    user = session.user
    try:
        with connection() as con:
            t = mv.target_table(con, user, code)
    except XinzhiError as exc:
        _error(exc)
        return
    if t.empty:
        ui.label(
            "本县尚无年度目标（可在下方填写，或用 xinzhi monitor targets-import 导入）。"
        ).classes("text-sm")
    else:
        shown = t.assign(entered_at=t["entered_at"].astype(str).str[:19])
        shown = shown.assign(
            key=[f"{a}:{b}" for a, b in zip(t["indicator"], t["year"], strict=True)]
        )
        cols = [
            ("indicator_name", "指标"),
            ("year", "年份"),
            ("value", "目标值"),
            ("source", "来源"),
            ("account", "填写人"),
            ("entered_at", "时间"),
        ]
        rows = shown[[c for c, _ in cols] + ["key"]].astype(object)
        rows = rows.where(rows.notna(), None)
        ui.table(
            columns=[
                {
                    "name": c,
                    "label": lab,
                    "field": c,
                    "sortable": True,
                    "align": "left",
                    ":format": _FORMATS["text"],
                }
                for c, lab in cols
            ],
            rows=rows.to_dict("records"),
            row_key="key",
            pagination=20,
        ).classes("w-full").props('dense flat bordered data-testid="targets-table"')
    if not (allows(user, Action.UPLOAD) and can_view_county(user, code)):
        return
    options = {
        str(a): f"{b}（{a}）"
        for a, b in zip(indicators["indicator"], indicators["indicator_name"], strict=True)
    }
    with ui.row().classes("items-end gap-3 mt-2").props('data-testid="target-editor"'):
        ind = (
            ui.select(options, label="指标", with_input=True)
            .classes("w-72")
            .props('data-testid="target-indicator"')
        )
        year = (
            ui.number("年份", value=None, format="%d", min=1981, max=2100)
            .classes("w-28")
            .props('data-testid="target-year"')
        )
        value = ui.input("目标值（空：清除）").classes("w-48").props('data-testid="target-value"')

        async def save() -> None:
            text = str(value.value or "").strip()
            try:
                number = None if text == "" else float(text)
            except ValueError:
                ui.notify(f"目标值应为数值，收到 {text!r}", type="negative")
                return
            if not ind.value or year.value is None:
                ui.notify("请选择指标并填写年份", type="negative")
                return
            ip = client_ip(request)

            def work() -> dict[str, Any]:
                with connection(write=True) as con:
                    row = mv.edit_target(con, user, code, str(ind.value), int(year.value), number)
                    auth.write_audit(
                        con,
                        "target_set",
                        user=user.username,
                        target=f"target:{row['region_code']}:{row['indicator']}:{row['year']}",
                        detail={"value": row["value"], "via": "web"},
                        ip=ip,
                    )
                    return row

            try:
                row = await asyncio.to_thread(work)
            except XinzhiError as exc:
                ui.notify(str(exc), type="negative", multi_line=True, timeout=10000)
                return
            shown_value = "已清除" if row["value"] is None else f"{row['value']:g}"
            ui.notify(
                f"已保存：{row['county']} {row['year']} 年 {row['indicator']} 目标 {shown_value}"
            )
            reload()

        ui.button("保存目标", icon="save", on_click=save).props('no-caps data-testid="target-save"')


def register() -> None:
    """Define the page."""

    @ui.page("/monitor", title="监测预警 · 新质 县域新质生产力")
    @guarded()
    async def monitor_page(
        request: Request,
        session: auth.Session,
        county: str = "",
        year: int | None = None,
        method: str = "",
        basis: str = "",
        window: int | None = None,
        indicators: str = "",
        show: str = "",
        alerts: str = "",
        province: str = "",
    ) -> None:
        ui.label("监测预警").classes("text-xl font-bold")
        user = session.user
        base: dict[str, Any] = {
            k: v
            for k, v in {
                "county": county,
                "year": year,
                "method": method if method in METHODS else "",
                "basis": basis if basis in BASES else "",
                "window": window if window and 2 <= window <= 30 else None,
                "indicators": indicators.strip(),
                "alerts": alerts if alerts in ("0", "1") else "",
                "province": province if province.isdigit() and len(province) == 2 else "",
            }.items()
            if v not in (None, "")
        }
        opts: dict[str, Any] = {
            k: base[k] for k in ("method", "basis", "window", "indicators") if k in base
        }

        def go(**changes: Any) -> None:
            q = {k: v for k, v in {**base, **changes}.items() if v not in (None, "")}
            ui.navigate.to("/monitor?" + urlencode(q))

        with ui.row().classes("items-end gap-4"):
            ui.select(
                METHODS,
                value=base.get("method", "sigma"),
                label="信号阈值",
                on_change=lambda e: go(method=e.value, year=None),
            ).classes("w-48").props('data-testid="monitor-method"')
            ui.select(
                BASES,
                value=base.get("basis", "growth"),
                label="监测口径（历史阈值）",
                on_change=lambda e: go(basis=e.value, year=None),
            ).classes("w-48").props('data-testid="monitor-basis"')
            ui.input("监测指标（编码或名称，逗号分隔；回车）", value=indicators).classes(
                "w-96"
            ).props('data-testid="monitor-indicators"').on(
                "keydown.enter", lambda e: go(indicators=e.sender.value, year=None)
            )
        await ui.context.client.connected()
        ip = client_ip(request)
        box = ui.column().classes("w-full")
        with box, ui.row().classes("items-center gap-2 mt-4").props('data-testid="monitor-busy"'):
            ui.spinner(size="lg")
            ui.label("正在计算五色信号……")
        try:
            m = await asyncio.to_thread(_matrix, user, year, opts)
        except XinzhiError as exc:
            box.clear()
            with box:
                _error(exc)
            return
        box.clear()
        with box:
            if m.synthetic:
                synthetic_banner()
            with ui.row().classes("items-end gap-4"):
                ui.select(
                    {y: f"{y} 年" for y in m.years} or {m.year: f"{m.year} 年"},
                    value=m.year,
                    label="年份",
                    on_change=lambda e: go(year=e.value),
                ).classes("w-32").props('data-testid="monitor-year"')
                ui.label(
                    f"{m.year} 年 · {METHODS.get(m.method, m.method)}"
                    + ("" if m.county is None else " · 县区用户只显示本县区")
                ).classes("text-sm")
            for line in m.summary.splitlines():
                if line != SYNTHETIC_NOTE:
                    ui.label(line).classes("text-sm")
            _legend(_rules(m.info))
            ui.label("悬停单元格查看判定规则；点击一行查看该县的简报、趋势与变点。").classes(
                "text-xs text-slate-600"
            )
            n_counties = int(m.cells["region_code"].nunique())
            # many counties: the counties with a red or blue light first (a switch shows all)
            only = alerts == "1" or (alerts == "" and n_counties > ALERTS_ONLY_ABOVE)
            alerted = set(m.index.loc[m.index["alerts"] > 0, "region_code"].astype(str))
            codes = m.cells["region_code"].astype(str).drop_duplicates()
            with connection() as con:
                pnames = mv.province_names(con)
            present = sorted({c[:2] for c in codes})
            prov = base.get("province", "")
            if prov not in present:
                # many counties: one province at a time (a select shows the others)
                prov = present[0] if n_counties > ALERTS_ONLY_ABOVE and present else ""
            keep = set(codes) if not prov else {c for c in codes if c.startswith(prov)}
            if only:
                keep &= alerted

            async def matrix_download() -> None:
                await send_download(
                    session,
                    ip,
                    Kind.ANALYSIS,
                    lambda: mv.matrix_workbook(m),
                    f"五色信号矩阵_{m.year}.xlsx",
                    XLSX,
                    fmt="xlsx",
                    year=m.year,
                    rows=lambda: len(m.cells),
                    analysis="monitor-signals",
                )

            with ui.row().classes("items-center gap-4"):
                if len(present) > 1:
                    ui.select(
                        {"": "全部省份", **{p: pnames.get(p, p) for p in present}},
                        value=prov,
                        label="省份",
                        on_change=lambda e: go(province=e.value or ""),
                    ).classes("w-40").props('data-testid="monitor-province"')
                ui.switch(
                    f"只显示有红灯或蓝灯的县（{len(alerted)} / {n_counties} 个）",
                    value=only,
                    on_change=lambda e: go(alerts="1" if e.value else "0"),
                ).props('data-testid="monitor-alerts-only"')
                ui.button("下载信号矩阵（Excel）", icon="download", on_click=matrix_download).props(
                    'no-caps flat data-testid="matrix-download"'
                )
            _matrix_table(m, lambda code: go(county=code, show=""), keep=keep)
        code = county.strip() or (m.county or "")
        if not code:
            return
        detail = ui.column().classes("w-full")
        try:
            v = await asyncio.to_thread(_county, user, code, year, opts)
        except (AccessDenied, XinzhiError) as exc:
            with detail:
                heading("县域监测简报")
                _error(exc)
            return
        dg = v.digest

        async def download() -> None:
            await send_download(
                session,
                ip,
                Kind.REPORT,
                lambda: mv.digest_workbook(dg),
                f"监测简报_{v.county}_{dg.year}.xlsx",
                XLSX,
                fmt="xlsx",
                evaluation="monitor-digest",
                county=v.region_code,
                year=dg.year,
                rows=lambda: len(dg.table),
                analysis="monitor-digest",
            )

        with detail:
            heading(f"{v.county}（{v.region_code}）{dg.year} 年监测简报")
            with ui.row().classes("items-center gap-4"):
                ui.button("下载监测简报（Excel）", icon="download", on_click=download).props(
                    'no-caps data-testid="digest-download"'
                )
            with ui.column().classes("gap-0").props('data-testid="digest-summary"'):
                for line in dg.summary().splitlines()[1:]:
                    if line != SYNTHETIC_NOTE:
                        ui.label(line).classes("text-sm")
            _digest_table(dg.tidy())
            heading("趋势与变点")
            inds = v.trends[["indicator", "indicator_name"]]
            chosen = show if show in set(inds["indicator"]) else str(dg.tidy()["indicator"].iloc[0])
            ui.select(
                {str(a): str(b) for a, b in inds.itertuples(index=False)},
                value=chosen,
                label="指标",
                on_change=lambda e: go(show=e.value),
            ).classes("w-72").props('data-testid="trend-select"')
            _trend_chart(v, chosen)
            ui.label("综合预警指数（历年）").classes("font-bold mt-4")
            _index_chart(v.index)
            _targets_section(request, session, v.region_code, m.indicators, lambda: go())
