"""Section 稳健性审计 of the page 排名: the declared analysis ``audit``
(:data:`xinzhi.registry.audit.AUDIT`) on the shown stored evaluation and year, run on request
with a small Monte Carlo (:data:`WEB_N` base samples), and its rank intervals drawn as an
ECharts chart (SVG renderer, bundled with NiceGUI: no CDN; unit names are chart data, rendered
as text, never as markup).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from nicegui import ui

from xinzhi.errors import XinzhiError
from xinzhi.registry.audit import AUDIT
from xinzhi.web._controls import run_analysis
from xinzhi.web._frame import table_of

__all__ = ["WEB_N", "audit_section", "interval_chart_options"]

WEB_N = 200
"""Monte Carlo base samples of the web section (N·(k + 2) runs; the declared maximum is 2,000)."""

TOP = 40
"""Units drawn in the chart (the best by median rank)."""


def interval_chart_options(
    data: Sequence[Mapping[str, Any]], names: Mapping[str, str], top: int = TOP
) -> dict[str, Any]:
    """ECharts options of a rank-interval chart: for the ``top`` first records of
    :meth:`xinzhi.evaluate.audit.AuditResult.chart_data` (sorted by median rank), a bar from the
    5 % to the 95 % rank quantile (drawn as an invisible bar up to p05 stacked with a visible
    one of length p95 − p05), the median (dot) and the reference rank (bar mark).

    >>> o = interval_chart_options(
    ...     [{"unit": "1", "rank": 2.0, "rank_median": 2.0, "rank_p05": 1.0, "rank_p95": 4.0}],
    ...     {"1": "甲县"},
    ... )
    >>> o["yAxis"]["data"], [s["data"] for s in o["series"]]
    (['甲县'], [[1.0], [3.0], [2.0], [2.0]])
    """
    rows = list(data)[:top]
    labels = [names.get(str(d["unit"]), str(d["unit"])) for d in rows]
    return {
        "tooltip": {"trigger": "axis", "axisPointer": {"type": "shadow"}},
        "legend": {"bottom": 0, "data": ["90% 区间", "排名中位数", "基准排名"]},
        "grid": {"left": 110, "right": 20, "top": 10, "bottom": 40},
        "xAxis": {"type": "value", "name": "排名", "min": 1},
        "yAxis": {"type": "category", "inverse": True, "data": labels},
        "series": [
            {
                "type": "bar",
                "name": "p05",
                "stack": "interval",
                "silent": True,
                "itemStyle": {"color": "transparent"},
                "data": [float(d["rank_p05"]) for d in rows],
            },
            {
                "type": "bar",
                "name": "90% 区间",
                "stack": "interval",
                "barWidth": 6,
                "itemStyle": {"color": "#4a7ab5"},
                "data": [float(d["rank_p95"]) - float(d["rank_p05"]) for d in rows],
            },
            {
                "type": "scatter",
                "name": "排名中位数",
                "symbolSize": 7,
                "itemStyle": {"color": "#1f3b63"},
                "data": [float(d["rank_median"]) for d in rows],
            },
            {
                "type": "scatter",
                "name": "基准排名",
                "symbol": "rect",
                "symbolSize": [2, 12],
                "itemStyle": {"color": "#c0392b"},
                "data": [float(d["rank"]) for d in rows],
            },
        ],
    }


def audit_section(evaluation: str, year: int, names: Mapping[str, str]) -> None:
    """The section 稳健性审计: a button that runs the audit of ``evaluation`` in ``year`` and
    draws its rank intervals, Sobol indices and notes."""
    ui.label("稳健性审计").classes("text-lg font-bold mt-4")
    ui.label(
        f"在方法选择（标准化、赋权、集结、插补、权重扰动 ±25%）上做蒙特卡洛（N = {WEB_N}），"
        "给出每个县排名的中位数与 90% 区间，并用 Sobol 指数说明哪一项选择驱动排名变化"
        "（Saisana、Saltelli 与 Tarantola 2005）。"
    ).classes("text-sm")
    box = ui.column().classes("w-full")

    def run() -> None:
        box.clear()
        with box:
            try:
                res = run_analysis(AUDIT, evaluation=evaluation, year=year, n=WEB_N)
            except XinzhiError as exc:
                ui.label(str(exc)).classes("text-negative")
                return
            data = res.chart_data()
            ui.echart(interval_chart_options(data, names), renderer="svg").classes(
                "w-full h-[36rem]"
            ).props('data-testid="audit-chart"')
            ui.label(f"图中为排名中位数最靠前的 {min(TOP, len(data))} 个县（共 {len(data)} 个）。")
            if res.sensitivity is not None:
                table_of(
                    res.sensitivity,
                    {"label": "方法选择", "S1": "一阶 Sobol 指数", "ST": "总 Sobol 指数"},
                    pagination=None,
                )
            for note in res.notes:
                ui.label(str(note)).classes("text-sm text-warning")

    ui.button("运行稳健性审计", on_click=run).props('data-testid="audit-run"')
