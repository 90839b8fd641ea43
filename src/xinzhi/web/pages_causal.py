"""Page 政策评估 (``/causal``; issue #17): choose an imported pilot table, an outcome (an
indicator with county observations or a stored evaluation's score) and an estimator (TWFE with
the event study, Callaway–Sant'Anna, synthetic control, synthetic DiD, or all compared); see the
estimate with its standard error and the assumptions it rests on, the event-study chart with the
pre-trend test, the synthetic-control path (treated vs synthetic) with the placebo results, and
download every table as a workbook.

The estimate is the declared analysis ``pilot-effect`` run through
:func:`xinzhi.web._controls.run_analysis` (the access check of its declared scope, cached per
warehouse version) — the same as ``GET /api/causal/effect``; the lists and the reading of the
result come from :mod:`xinzhi.pipelines.causal_views`. The workbook goes through
:func:`xinzhi.web._frame.send_download` (policy + audit, kind ``analysis``). Every text is set
as text, never as HTML.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pandas as pd
from fastapi import Request
from nicegui import ui

from xinzhi import auth
from xinzhi.auth.policy import Kind
from xinzhi.errors import XinzhiError
from xinzhi.labels import SYNTHETIC_NOTE
from xinzhi.pipelines import causal_views as cv
from xinzhi.pipelines.analyses import authorise
from xinzhi.registry import causal as decl
from xinzhi.web._busy import busy_box, run_in_box
from xinzhi.web._context import client_ip, connection
from xinzhi.web._controls import choice_select, run_analysis
from xinzhi.web._frame import XLSX, guarded, send_download

__all__ = ["register"]

_NULL = "(v === null || v === undefined || v === '' || Number.isNaN(v))"
_NUM = f"v => {_NULL} ? '—' : Number(v).toLocaleString('zh-CN', {{maximumFractionDigits: 4}})"
_TEXT = f"v => {_NULL} ? '—' : v"
_HEADERS = {
    "unit": "区划代码",
    "name": "县级单位",
    "weight": "权重",
    "pre_rmspe": "处理前 RMSPE",
    "post_rmspe": "处理后 RMSPE",
    "ratio": "后/前 RMSPE 比",
    "att": "平均处理后差值",
    "is_treated": "是否处理单位",
    "estimator": "估计量",
    "estimate": "估计值",
    "se": "标准误",
    "pvalue": "p 值",
    "ci_lower": "置信下限",
    "ci_upper": "置信上限",
}


def _fmt(v: float | None, digits: int = 4) -> str:
    return "—" if v is None else f"{v:.{digits}f}"


def _heading(text: str) -> None:
    ui.label(text).classes("text-lg font-bold mt-6 border-b border-slate-300 w-full pb-1")


def _table(df: pd.DataFrame, testid: str, names: dict[str, str] | None = None) -> None:
    labels = {**_HEADERS, **(names or {})}
    shown = df.copy()
    for c in shown.columns:
        if pd.api.types.is_bool_dtype(shown[c]):
            shown[c] = shown[c].map({True: "是", False: "否"})
    shown.insert(0, "_row", range(len(shown)))
    shown = shown.astype(object).where(shown.notna(), None)
    cols = [
        {
            "name": str(c),
            "label": labels.get(str(c), str(c)),
            "field": str(c),
            "sortable": True,
            "align": "left",
            ":format": _NUM
            if pd.api.types.is_numeric_dtype(df[c]) and not pd.api.types.is_bool_dtype(df[c])
            else _TEXT,
        }
        for c in df.columns
    ]
    rows = [{str(k): v for k, v in r.items()} for r in shown.to_dict("records")]
    ui.table(columns=cols, rows=rows, row_key="_row", pagination=15).classes("w-full").props(
        f'dense flat bordered data-testid="{testid}"'
    )


def _event_chart(v: cv.EffectView) -> None:
    e = v.event.sort_values("event")
    x = [str(int(k)) for k in e["event"]]

    def vals(col: str) -> list[float | None]:
        return [None if pd.isna(a) else round(float(a), 6) for a in e[col]]

    ui.echart(
        {
            "animation": False,
            "tooltip": {"trigger": "axis"},
            "legend": {"top": 0},
            "grid": {"left": 8, "right": 24, "top": 36, "bottom": 30, "containLabel": True},
            "xAxis": {"type": "category", "data": x, "name": "事件时间（年）"},
            "yAxis": {"type": "value", "scale": True, "name": "效应"},
            "series": [
                {
                    "type": "line",
                    "name": "估计值",
                    "data": vals("estimate"),
                    "symbolSize": 7,
                    "itemStyle": {"color": "#1f4e9c"},
                    "markLine": {
                        "symbol": "none",
                        "silent": True,
                        "label": {"show": False},
                        "data": [{"yAxis": 0}, {"xAxis": "0"}],
                        "lineStyle": {"color": "#9ca3af", "type": "dashed"},
                    },
                },
                {
                    "type": "line",
                    "name": "95% 置信下限",
                    "data": vals("ci_lower"),
                    "showSymbol": False,
                    "lineStyle": {"type": "dotted", "color": "#6b7280"},
                    "itemStyle": {"color": "#6b7280"},
                },
                {
                    "type": "line",
                    "name": "95% 置信上限",
                    "data": vals("ci_upper"),
                    "showSymbol": False,
                    "lineStyle": {"type": "dotted", "color": "#6b7280"},
                    "itemStyle": {"color": "#6b7280"},
                },
            ],
        },
        renderer="svg",
    ).classes("w-full").style("height: 340px").props('data-testid="event-chart"')
    pt = v.pretrend
    if pt and pt.get("df", 0) > 0:
        ui.label(
            f"处理前系数联合为 0 的检验：统计量 {pt.get('wald', float('nan')):.3f}，"
            f"自由度 {pt['df']:.0f}，p = {pt.get('pvalue', float('nan')):.4f}"
            "（不显著不等于平行趋势成立）"
        ).classes("text-sm").props('data-testid="pretrend"')


def _path_chart(v: cv.EffectView) -> None:
    p = v.path
    years = [str(int(t)) for t in p["time"]]
    ui.echart(
        {
            "animation": False,
            "tooltip": {"trigger": "axis"},
            "legend": {"top": 0},
            "grid": {"left": 8, "right": 24, "top": 36, "bottom": 30, "containLabel": True},
            "xAxis": {"type": "category", "data": years, "name": "年份"},
            "yAxis": {"type": "value", "scale": True},
            "series": [
                {
                    "type": "line",
                    "name": "处理单位",
                    "data": [round(float(a), 6) for a in p["treated"]],
                    "itemStyle": {"color": "#d62728"},
                    "markLine": {
                        "symbol": "none",
                        "silent": True,
                        "data": [{"xAxis": str(v.treat_time)}],
                        "label": {"formatter": "试点开始"},
                        "lineStyle": {"color": "#9ca3af", "type": "dashed"},
                    },
                },
                {
                    "type": "line",
                    "name": "合成控制",
                    "data": [round(float(a), 6) for a in p["synthetic"]],
                    "lineStyle": {"type": "dashed"},
                    "itemStyle": {"color": "#1f4e9c"},
                },
            ],
        },
        renderer="svg",
    ).classes("w-full").style("height: 340px").props('data-testid="sc-path-chart"')


def _result(v: cv.EffectView) -> None:
    if v.synthetic:
        with ui.row().classes(
            "w-full items-center gap-2 bg-amber-50 border border-amber-400 rounded px-3 py-2"
        ):
            ui.icon("warning", color="warning")
            ui.label(SYNTHETIC_NOTE).classes("text-amber-900 font-bold").props(
                'data-testid="synthetic-note"'
            )
    _heading(v.title)
    if v.estimator != "compare":
        with ui.card().classes("w-full").props('data-testid="effect-card"'):
            label = "处理后平均差值（ATT）" if v.estimator == "sc" else "效应估计"
            ui.label(f"{label}：{_fmt(v.estimate)}").classes("text-lg font-bold").props(
                'data-testid="effect-estimate"'
            )
            se = "—（合成控制用空间安慰剂推断）" if v.estimator == "sc" else _fmt(v.se)
            ui.label(f"标准误：{se}").props('data-testid="effect-se"')
            pname = "空间安慰剂 p 值" if v.estimator == "sc" else "p 值"
            ui.label(f"{pname}：{_fmt(v.pvalue)}")
            if v.ci[0] is not None:
                ui.label(f"95% 置信区间：[{_fmt(v.ci[0])}, {_fmt(v.ci[1])}]")
    if v.assumptions:
        with ui.column().classes("gap-0 mt-2").props('data-testid="assumptions"'):
            for line in v.assumptions.splitlines():
                ui.label(line).classes("text-sm text-slate-700")
    with ui.expansion("估计结果全文").classes("w-full"):
        ui.label(v.summary).classes("whitespace-pre-wrap text-sm").props(
            'data-testid="effect-summary"'
        )
    for note in v.notes:
        ui.label(note).classes("text-xs text-slate-600")
    if not v.event.empty:
        _heading("事件研究（前导期检验平行趋势）")
        _event_chart(v)
    if not v.path.empty:
        _heading("合成控制路径：处理单位与合成控制")
        _path_chart(v)
    if not v.placebos.empty:
        _heading("安慰剂检验（每个供体依次作为处理单位）")
        _table(v.placebos, "placebo-table")
    if not v.cohorts.empty:
        _heading("各试点批次（合成双重差分）")
        _table(
            v.cohorts,
            "cohorts-table",
            {"cohort": "试点年份", "n_treated": "试点县数", "post_periods": "处理后年数"},
        )
    if not v.weights.empty:
        _heading("权重")
        _table(v.weights, "weights-table")
    if v.estimator == "compare":
        for name, t in v.tables.items():
            ui.label(name).classes("font-bold mt-2")
            _table(t, "compare-table")


def _workbook(result: Any) -> bytes:
    with tempfile.TemporaryDirectory(prefix="xinzhi-causal-") as tmp:
        path = Path(tmp) / "effect.xlsx"
        result.to_excel(path)
        return path.read_bytes()


def register() -> None:
    """Define the page."""

    @ui.page("/causal", title="政策评估 · 新质 县域新质生产力")
    @guarded()
    async def causal_page(
        request: Request,
        session: auth.Session,
        policy: str = "",
        outcome: str = "",
        estimator: str = "",
        control: str = "",
    ) -> None:
        ui.label("政策评估").classes("text-xl font-bold")
        ui.label(
            "试点政策的效果：双重差分（TWFE）与事件研究、Callaway–Sant'Anna 交错双重差分、"
            "合成控制、合成双重差分。"
        ).classes("text-sm text-slate-700")
        try:
            with connection() as con:
                pilots = cv.pilot_tables(con)
                outcomes = cv.outcome_choices(con)
        except XinzhiError as exc:
            ui.label(str(exc)).classes("text-negative").props('data-testid="causal-error"')
            return
        if pilots.empty:
            ui.label(
                "数据仓库中还没有试点名单（县、政策、开始年份）：由系统管理员导入后即可在本页评估。"
            ).props('data-testid="causal-hint"')
            return
        est_opt = decl.PILOT_EFFECT.option("estimator")
        ctl_opt = decl.PILOT_EFFECT.option("control")
        estimator = estimator if estimator in (est_opt.choices or ()) else est_opt.default
        control = control if control in (ctl_opt.choices or ()) else ctl_opt.default
        policies = {
            str(r.policy): f"{r.policy}（{r.counties} 个县，{r.cohorts} 年）"
            for r in pilots.itertuples()
        }
        outs = {f"{r.kind}:{r.key}": f"{r.label}" for r in outcomes.itertuples()}
        base = {"policy": policy, "outcome": outcome, "estimator": estimator, "control": control}

        def go(**changes: Any) -> None:
            q = {k: v for k, v in {**base, **changes}.items() if v}
            ui.navigate.to("/causal?" + urlencode(q))

        with ui.row().classes("items-end gap-4 flex-wrap"):
            ui.select(
                policies,
                value=policy if policy in policies else None,
                label="试点名单",
                on_change=lambda e: go(policy=e.value),
            ).classes("w-80").props('data-testid="causal-policy"')
            ui.select(
                outs,
                value=outcome if outcome in outs else None,
                label="结果变量（指标或评价得分）",
                with_input=True,
                on_change=lambda e: go(outcome=e.value),
            ).classes("w-80").props('data-testid="causal-outcome"')
            choice_select(est_opt, estimator, lambda val: go(estimator=val)).classes("w-72").props(
                'data-testid="causal-estimator"'
            )
            if estimator == "cs":
                choice_select(ctl_opt, control, lambda val: go(control=val)).classes("w-64").props(
                    'data-testid="causal-control"'
                )
        if policy not in policies or outcome not in outs:
            ui.label("请选择试点名单和结果变量。").props('data-testid="causal-hint"')
            return
        kind, _, key = outcome.partition(":")
        opts: dict[str, Any] = {"policy": policy, "estimator": estimator}
        if kind == "indicator":
            opts["indicator"] = key
        else:
            pick = outcomes[(outcomes["kind"] == kind) & (outcomes["key"] == key)].iloc[0]
            opts["evaluation"] = str(pick["evaluation"])
            if kind == "dimension":
                opts["dimension"] = str(pick["dimension"])
        if estimator == "cs":
            opts["control"] = control
        await ui.context.client.connected()
        box = busy_box(
            "causal-busy", "正在估计……", row_classes="items-center gap-2 mt-4", spinner_size="lg"
        )
        user = session.user

        def work() -> tuple[Any, cv.EffectView]:
            result = run_analysis(decl.PILOT_EFFECT, user, **opts)
            with connection() as con:
                names = cv.county_names(con)
            return result, cv.effect_view(result, estimator, names)

        done = await run_in_box(
            box, work, "无法估计", "causal-error", error_classes="text-negative text-lg"
        )
        if done is None:
            return
        result, view = done
        ip = client_ip(request)

        async def download() -> None:
            await send_download(
                session,
                ip,
                Kind.ANALYSIS,
                lambda: _workbook(result),
                f"政策效果评估_{policy}_{estimator}.xlsx",
                XLSX,
                fmt="xlsx",
                analysis=decl.PILOT_EFFECT.key,
            )

        with box:
            ui.button("下载全部结果表（Excel）", icon="download", on_click=download).props(
                'no-caps data-testid="causal-download"'
            )
            _result(view)
        if estimator in ("did", "cs", "sdid"):
            await _checks(
                user, {k: v for k, v in opts.items() if k not in ("estimator", "control")}
            )


async def _checks(user: auth.User, opts: dict[str, Any]) -> None:
    """Randomisation inference and the in-time placebo below the estimate."""
    _heading("安慰剂检验（随机化推断与安慰剂时点）")
    box = busy_box("checks-busy", "正在置换试点县并重新估计……")

    def work() -> cv.PilotChecks:
        with connection() as con:
            authorise(con, decl.PILOT_EFFECT, opts, user)
            return cv.pilot_checks(con, **opts)

    res = await run_in_box(box, work, "无法检验", "checks-error")
    if res is None:
        return
    with box:
        _table(res.table(), "checks-table", {"check": "检验", "note": "说明"})
        for note in res.notes:
            ui.label(note).classes("text-xs text-slate-600")
