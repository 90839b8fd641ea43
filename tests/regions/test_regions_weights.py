"""Queen contiguity weights (synthetic grid reference + the built-in county polygons)."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
from shapely.geometry import box

from xinzhi.errors import ComputationError, RegionError
from xinzhi.regions.weights import SpatialWeights, queen_weights


def _grid(n: int = 3) -> gpd.GeoDataFrame:
    codes = [f"{100001 + i}" for i in range(n * n)]
    geoms = [box(i % n, i // n, i % n + 1, i // n + 1) for i in range(n * n)]
    return gpd.GeoDataFrame({"code": codes}, geometry=geoms, crs="EPSG:4326")


def test_queen_on_grid_reference() -> None:
    # 3x3 lattice: queen cardinalities corner 3, edge 5, centre 8 (libpysal lat2W(rook=False))
    g = _grid()
    sw = queen_weights(polygons=g)
    card = [len(sw.neighbors[c]) for c in sw.ids]
    assert card == [3, 5, 3, 5, 8, 5, 3, 5, 3]
    assert sw.islands == ()
    assert sw.w.s0 == 40.0
    assert sw.tidy().shape == (40, 2)


def test_island_and_knn_on_grid() -> None:
    g = _grid()
    far = gpd.GeoDataFrame({"code": ["200000"]}, geometry=[box(10, 10, 11, 11)], crs="EPSG:4326")
    g = gpd.GeoDataFrame(
        {"code": [*g["code"], "200000"]},
        geometry=list(g.geometry) + list(far.geometry),
        crs="EPSG:4326",
    )
    sw = queen_weights(polygons=g)
    assert sw.islands == ("200000",)
    sw2 = queen_weights(polygons=g, knn_fallback=1)
    assert sw2.islands == ()
    assert sw2.neighbors["200000"] == ["100009"]  # nearest square (2..3, 2..3)
    assert "200000" in sw2.neighbors["100009"]  # symmetric
    with pytest.raises(ComputationError):
        queen_weights(polygons=g, knn_fallback=0)
    with pytest.raises(RegionError, match="没有边界"):
        queen_weights(["100001", "999999"], polygons=g)


@pytest.fixture(scope="module")
def counties(data_dir: Path) -> SpatialWeights:
    return queen_weights(data_dir=data_dir)


def test_county_weights(counties: SpatialWeights, data_dir: Path) -> None:
    sw = counties
    assert len(sw.ids) == 2844  # 2,846 county-level units in 2024 minus 和康县, 和安县
    nb = set(sw.neighbors["430321"])  # 湘潭县
    assert {"430381", "430382", "430302", "430304"} <= nb  # 湘乡市, 韶山市, 雨湖区, 岳塘区
    assert "430381" in nb and "430321" in sw.neighbors["430381"]
    full = sw.w.sparse
    assert (full != full.T).nnz == 0  # symmetric
    # island counties without a land border in the 2021–2022 boundaries: 长海, 岱山, 嵊泗,
    # 平潭, 金门, 东山, 南澳, 西沙, 南沙
    assert sorted(sw.islands) == [
        "210224",
        "330921",
        "330922",
        "350128",
        "350527",
        "350626",
        "440523",
        "460302",
        "460303",
    ]
    assert all(not sw.neighbors[c] for c in sw.islands)
    assert queen_weights(data_dir=data_dir) is sw  # cached per process


def test_county_weights_knn(counties: SpatialWeights, data_dir: Path) -> None:
    sw = queen_weights(knn_fallback=2, data_dir=data_dir)
    assert sw.islands == ()
    assert set(sw.knn_filled) == set(counties.islands)
    assert all(len(sw.neighbors[c]) >= 2 for c in counties.islands)
    assert (sw.w.sparse != sw.w.sparse.T).nnz == 0
    card = np.array([len(sw.neighbors[c]) for c in sw.ids])
    assert card.min() >= 1
    assert "孤岛 0 个" in sw.summary()
