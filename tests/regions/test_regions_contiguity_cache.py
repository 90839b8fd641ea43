"""The contiguity cache of the county polygons (process and disk) gives the same weights as
building them afresh, and a change of the boundaries gives a new cache entry."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
from shapely.geometry import box

from xinzhi.regions import weights as wmod
from xinzhi.regions.boundaries import BOUNDARY_YEAR, county_polygons
from xinzhi.regions.weights import boundary_version, contiguity_table, queen_weights


def _grid(n: int = 3) -> gpd.GeoDataFrame:
    codes = [f"{100001 + i}" for i in range(n * n)]
    geoms = [box(i % n, i // n, i % n + 1, i // n + 1) for i in range(n * n)]
    return gpd.GeoDataFrame({"code": codes}, geometry=geoms, crs="EPSG:4326")


def test_grid_table_written_read_and_keyed_by_boundaries(tmp_path: Path) -> None:
    g = _grid()
    version = boundary_version(g)
    table = contiguity_table(g, cache=tmp_path)
    # 3x3 lattice, queen: corner 3, edge 5, centre 8 neighbours
    assert [len(table[c]) for c in g["code"]] == [3, 5, 3, 5, 8, 5, 3, 5, 3]
    centre = ["100001", "100002", "100003", "100004", "100006", "100007", "100008", "100009"]
    assert sorted(table["100005"]) == centre
    path = tmp_path / f"contiguity-{version}.json"
    assert path.is_file()
    wmod._CONTIGUITY.clear()  # a new process reads the disk copy
    assert contiguity_table(g, cache=tmp_path) == table
    # moved square 100009 away: other boundaries → other version, other links
    moved = g.copy()
    moved.loc[8, "geometry"] = box(10, 10, 11, 11)
    assert boundary_version(moved) != version
    table2 = contiguity_table(moved, cache=tmp_path)
    assert table2["100009"] == []
    assert len(list(tmp_path.glob("contiguity-*.json"))) == 2
    assert contiguity_table(moved, cache=False) == table2


def test_cached_county_weights_equal_fresh_ones(
    data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XINZHI_CACHE", str(tmp_path))
    wmod._CACHE.clear()
    wmod._CONTIGUITY.clear()
    poly = county_polygons(year=BOUNDARY_YEAR, data_dir=data_dir)
    # the counties of 湖南 (43) and 江西 (36), as a stored evaluation's subset would be
    codes = sorted(c for c in poly["code"] if c[:2] in ("43", "36"))
    cached = queen_weights(codes, data_dir=data_dir)  # from the whole-country table
    assert list((tmp_path / "weights").glob("contiguity-*.json"))
    fresh = queen_weights(codes, polygons=poly)  # Queen on the subset's polygons
    assert cached.ids == fresh.ids
    assert cached.islands == fresh.islands
    assert {c: sorted(v) for c, v in cached.neighbors.items()} == {
        c: sorted(v) for c, v in fresh.neighbors.items()
    }
    np.testing.assert_array_equal(cached.w.full()[0], fresh.w.full()[0])
    # 湘潭县 430321 borders 湘乡市, 韶山市, 雨湖区, 岳塘区 (as in test_regions_weights)
    assert {"430381", "430382", "430302", "430304"} <= set(cached.neighbors["430321"])
    wmod._CACHE.clear()
    wmod._CONTIGUITY.clear()
    again = queen_weights(codes, data_dir=data_dir)  # disk copy, no Queen
    np.testing.assert_array_equal(again.w.full()[0], fresh.w.full()[0])


def test_warm_county_weights_serves_the_chain_view(
    data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from xinzhi.pipelines.spatial import warm_county_weights

    monkeypatch.setenv("XINZHI_CACHE", str(tmp_path))
    wmod._CACHE.clear()
    warm_county_weights(str(data_dir))
    assert len(wmod._CACHE) == 1
    warmed = next(iter(wmod._CACHE.values()))
    # county_chain asks for queen_weights(data_dir=Path(data_dir)): the same cached object
    assert queen_weights(data_dir=Path(str(data_dir))) is warmed
    assert len(warmed.ids) == 2844  # as tests/regions/test_regions_weights.py
