"""ECharts option builders (presentation only: they draw numbers the pipelines computed)."""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
import pandas as pd
from nicegui import ui

from xinzhi.web._context import geo_sources
from xinzhi.web.geo import GEO_ROUTE, ILLUSTRATION_NOTE, VIEW_ROUTE, MapView, map_name, map_view

__all__ = [
    "LISA_COLORS",
    "category_map",
    "choropleth",
    "drawn_once",
    "histogram_options",
    "preload_map",
    "radar_options",
    "radar_scale",
    "register_map",
    "trend_options",
]

PALETTE = ["#f7fbff", "#c6dbef", "#6baed6", "#2171b5", "#08306b"]
MAPS_MODULE = "/web/static/xinzhi-maps.js"
#: LISA cluster colours (GeoDa's convention: HH red, LL blue, LH light blue, HL pink, grey).
LISA_COLORS: dict[str, str] = {
    "高-高集聚": "#d7191c",
    "低-高离群": "#abd9e9",
    "低-低集聚": "#2c7bb6",
    "高-低离群": "#fdae61",
    "不显著": "#eeeeee",
}


def _map_url(year: int, view: str | None) -> str:
    if view is None:
        return GEO_ROUTE.format(year=year)
    return VIEW_ROUTE.format(year=year, view=view)


def preload_map(year: int, view: str | None = None) -> None:
    """Let the browser load the county map while the page is still being set up: a
    ``<link rel=preload>`` of the GeoJSON and a script that imports the maps module (and with it
    ECharts) and registers the map at once, before the page's websocket is connected
    (:func:`register_map` then finds it registered). Only before the page was sent."""
    if ui.context.client.has_socket_connection:
        return
    url, name = _map_url(year, view), map_name(year, view)
    ui.add_head_html(
        f'<link rel="preload" href="{url}" as="fetch" crossorigin="anonymous">\n'
        f'<script>import("{MAPS_MODULE}").then(m => m.ensureMap("{name}", "{url}"))'
        ".catch(() => null);</script>"
    )


async def register_map(year: int, view: str | None = None) -> int:
    """Load the county boundaries of ``year`` from this server into the browser's ECharts
    (once per page) and return the number of polygons. ``view``: a view map
    (:func:`xinzhi.web.geo.view_geojson_gzip`: ``cn`` or a code prefix); None: the whole map."""
    preload_map(year, view)
    await ui.context.client.connected()
    n = await ui.run_javascript(
        f'const m = await import("{MAPS_MODULE}"); '
        f'return await m.ensureMap("{map_name(year, view)}", "{_map_url(year, view)}");',
        timeout=60,
    )
    return int(n) if n is not None else 0  # None: the browser left the page meanwhile


def _map_series(
    title: str, year: int, data: list[dict[str, Any]], empty: str, view: MapView | None = None
) -> dict[str, Any]:
    """The ECharts map series of the county maps: polygons of ``year`` keyed by code, no labels,
    no selection; counties without data filled with ``empty``; ``view``: a view map with its
    centre and zoom (:class:`xinzhi.web.geo.MapView`), else the whole map."""
    series = {
        "type": "map",
        "name": title,
        "map": map_name(year, view.key if view else None),
        "nameProperty": "code",
        "roam": True,
        "animation": False,
        "label": {"show": False},
        "emphasis": {"label": {"show": False}},
        "select": {"disabled": True},
        "itemStyle": {"areaColor": empty, "borderColor": "#94a3b8", "borderWidth": 0.2},
        "data": data,
    }
    if view is not None:
        series.update(view.series_options())
    return series


def drawn_once(chart: ui.echart) -> ui.echart:
    """A chart drawn once, when the browser mounts it (the county maps; any chart whose options
    never change after it is created may use it). NiceGUI calls the chart's update
    method after every message that carries the element, and the message that creates a chart
    after the page was sent does: ECharts would set the same options a second time and redraw
    every polygon (about as long as the first drawing, 0.3 s for the national map). The pages
    never change a map's options after creating it (a new view is a new page)."""
    chart._update_method = None  # NiceGUI's name for that method (see nicegui.js, "update")
    return chart


def _int_or_none(x: Any) -> int | None:
    return None if x is None or pd.isna(x) else int(x)


OWN_BORDER = {"borderColor": "#dc2626", "borderWidth": 2.5}
"""The logged-in county account's own county on every map."""
SELECTED_BORDER = {"borderColor": "#111827", "borderWidth": 2.0}
"""The county a map is zoomed to (县区 view of 总览)."""


async def choropleth(
    scores: pd.DataFrame,
    year: int,
    *,
    value: str = "score",
    title: str = "综合得分",
    height: str = "620px",
    on_click: Any = None,
    region: str | None = None,
    highlight: str | None = None,
    selected: str | None = None,
) -> ui.echart:
    """County choropleth of ``scores[value]`` (rows ``region_code, name, rank``) for ``year``.

    ``region``: a code prefix (province 2 digits, prefecture 4, county 6) the map opens on
    (:func:`xinzhi.web.geo.map_view`; its view map holds only the counties in view); None: the
    whole country. ``highlight``: the code of a county drawn with a thick red border (the
    logged-in county account's own county; its data item has ``own: true``); ``selected``: a
    county drawn with a thick dark border (its data item has ``selected: true``).
    Drawn with ECharts' SVG renderer (one ``path`` per polygon; testable in the DOM).
    """
    view = map_view(int(year), region, *geo_sources())
    n = await register_map(year, view.key)
    data: list[dict[str, Any]] = [
        {
            "name": r.region_code,
            "value": float(getattr(r, value)),
            "cname": r.name,
            "rank": r.rank,
            "prank": _int_or_none(getattr(r, "province_rank", None)),
        }
        for r in scores.itertuples()
    ]
    for item in data:
        if selected and item["name"] == selected:
            item["selected"] = True
            item["itemStyle"] = dict(SELECTED_BORDER)
        if highlight and item["name"] == highlight:
            item["own"] = True
            item["itemStyle"] = dict(OWN_BORDER)
    vals = scores[value].to_numpy(dtype=float)
    options: dict[str, Any] = {
        "tooltip": {
            "trigger": "item",
            ":formatter": (
                "p => p.data ? `${p.data.cname}（${p.name}）<br/>"
                + title
                + " ${p.data.value.toFixed(4)}<br/>全国排名 ${p.data.rank}"
                + "${p.data.prank != null ? '，省内排名 ' + p.data.prank : ''}` "
                ": `${p.name}：无数据`"
            ),
        },
        "visualMap": {
            "type": "continuous",
            "min": float(np.nanmin(vals)) if len(vals) else 0.0,
            "max": float(np.nanmax(vals)) if len(vals) else 1.0,
            "calculable": True,
            "precision": 3,
            "text": ["高", "低"],
            "left": 10,
            "bottom": 20,
            "inRange": {"color": PALETTE},
        },
        "series": [_map_series(title, year, data, empty="#e5e7eb", view=view)],
    }
    chart = drawn_once(ui.echart(options, renderer="svg", on_point_click=on_click))
    chart.classes("w-full").style(f"height: {height}").props(
        f'data-testid="county-map" data-polygons="{n}" data-counties="{len(data)}" '
        f'data-view="{view.key}"'
    )
    ui.label(ILLUSTRATION_NOTE).classes("text-xs text-gray-500").props('data-testid="map-note"')
    return chart


def histogram_options(values: pd.Series, *, bins: int = 20, title: str = "得分分布") -> dict:
    """Bar chart of a histogram of ``values`` (equal-width bins)."""
    v = values.dropna().to_numpy(dtype=float)
    counts, edges = np.histogram(v, bins=bins) if len(v) else (np.array([]), np.array([0.0]))
    labels = [f"{a:.3f}–{b:.3f}" for a, b in itertools.pairwise(edges)]
    return {
        "title": {"text": title, "textStyle": {"fontSize": 14}},
        "tooltip": {"trigger": "axis"},
        "xAxis": {"type": "category", "data": labels, "axisLabel": {"rotate": 45, "fontSize": 9}},
        "yAxis": {"type": "value", "name": "县数"},
        "grid": {"bottom": 80},
        "series": [
            {"type": "bar", "data": [int(c) for c in counts], "itemStyle": {"color": "#2171b5"}}
        ],
    }


def radar_scale(top: float, *, percent: bool = False) -> float:
    """Outer value of a radar's axes: the largest value plus 10 %, rounded up to a tenth
    (scores of the evaluation lie in [0, 1], so at most 1 when every value does).

    >>> radar_scale(0.5810), radar_scale(0.96), radar_scale(0.0)
    (0.7, 1.0, 0.1)
    """
    if not np.isfinite(top) or top <= 0:
        return 0.1
    m = float(np.ceil(round(top * 1.1, 9) * 10) / 10)
    return min(m, 1.0) if top <= 1.0 else m


def radar_options(
    dims: pd.DataFrame, series: dict[str, str], *, percent: bool = False
) -> dict[str, Any]:
    """Radar chart: ``dims`` has ``dimension`` (the axes) and one column per entry of
    ``series`` (column → legend label). Every axis runs from 0 to the same
    :func:`radar_scale` with five rings and labelled values (``percent``: shown as %)."""
    present = {c: lab for c, lab in series.items() if c in dims.columns}
    values = dims[list(present)].to_numpy(dtype=float) if present else np.array([1.0])
    top = float(np.nanmax(values)) if np.isfinite(values).any() else 1.0
    scale = radar_scale(top, percent=percent)
    label: dict[str, Any] = {"show": True, "fontSize": 9, "color": "#6b7280"}
    if percent:
        label[":formatter"] = "v => (v * 100).toFixed(0) + '%'"
    tip = "(v * 100).toFixed(1) + '%'" if percent else "v.toFixed(4)"
    return {
        "legend": {"data": list(present.values()), "bottom": 0},
        "tooltip": {
            ":formatter": (
                "p => p.name + '<br/>' + p.value.map((v, i) => "
                f"p.data.axes[i] + ' ' + (v === null ? '缺失' : {tip})).join('<br/>')"
            )
        },
        "radar": {
            "indicator": [{"name": d, "min": 0, "max": scale} for d in dims["dimension"]],
            "radius": "62%",
            "splitNumber": 5,
            "axisLabel": label,
            "axisName": {"color": "#111827", "fontSize": 12},
        },
        "series": [
            {
                "type": "radar",
                "animation": False,
                "data": [
                    {
                        "name": lab,
                        "value": [None if pd.isna(x) else round(float(x), 4) for x in dims[c]],
                        "axes": [str(d) for d in dims["dimension"]],
                    }
                    for c, lab in present.items()
                ],
            }
        ],
    }


def trend_options(trend: pd.DataFrame) -> dict[str, Any]:
    """Line chart of a county's score over the years with the provincial and national medians
    (``trend``: :func:`xinzhi.pipelines.compare_counties.county_trend`)."""
    years = [str(int(y)) for y in trend["year"]]

    def line(col: str, name: str, color: str, dashed: bool) -> dict[str, Any]:
        return {
            "type": "line",
            "name": name,
            "animation": False,
            "symbolSize": 8,
            "itemStyle": {"color": color},
            "lineStyle": {"type": "dashed" if dashed else "solid", "width": 1 if dashed else 2},
            "label": {"show": not dashed, "position": "top", ":formatter": "p => p.value"},
            "data": [None if pd.isna(v) else round(float(v), 4) for v in trend[col]],
        }

    return {
        "tooltip": {"trigger": "axis"},
        "legend": {"bottom": 0},
        "grid": {"left": 60, "right": 30, "top": 30, "bottom": 50},
        "xAxis": {"type": "category", "data": years, "name": "年份"},
        "yAxis": {"type": "value", "name": "综合得分", "scale": True},
        "series": [
            line("score", "本县", "#b91c1c", False),
            line("province_median", "全省中位数", "#2563eb", True),
            line("national_median", "全国中位数", "#6b7280", True),
        ],
    }


async def category_map(
    table: pd.DataFrame,
    year: int,
    *,
    category: str,
    colors: dict[str, str],
    title: str,
    testid: str,
    height: str = "560px",
) -> ui.echart:
    """County map coloured by a category column of ``table`` (rows ``unit, category``; optional
    ``name``): one colour per entry of ``colors`` (in that order, legend = visual map pieces);
    the national view map (:func:`xinzhi.web.geo.view_geojson_gzip`)."""
    view = map_view(int(year), None, *geo_sources())
    n = await register_map(year, view.key)
    order = list(colors)
    names = table["name"] if "name" in table.columns else table["unit"]
    data = [
        {"name": str(u), "value": order.index(c) if c in order else -1, "cat": str(c), "cname": nm}
        for u, c, nm in zip(table["unit"], table[category], names, strict=True)
    ]
    options: dict[str, Any] = {
        "tooltip": {
            "trigger": "item",
            ":formatter": (
                "p => p.data ? `${p.data.cname}（${p.name}）<br/>${p.data.cat}` "
                ": `${p.name}：未参与`"
            ),
        },
        "visualMap": {
            "type": "piecewise",
            "pieces": [
                {"value": i, "label": lab, "color": colors[lab]} for i, lab in enumerate(order)
            ],
            "left": 10,
            "bottom": 20,
        },
        "series": [_map_series(title, year, data, empty="#ffffff", view=view)],
    }
    chart = drawn_once(ui.echart(options, renderer="svg"))
    chart.classes("w-full").style(f"height: {height}").props(
        f'data-testid="{testid}" data-polygons="{n}" data-counties="{len(data)}"'
    )
    ui.label(ILLUSTRATION_NOTE).classes("text-xs text-gray-500")
    return chart
