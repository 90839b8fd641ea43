"""SVG charts of the report: well-formed, text kept as text, geometry proportional to the data."""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from shapely.geometry import MultiPolygon, Polygon, box

from xinzhi.report import charts

NS = "{http://www.w3.org/2000/svg}"


def _parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)  # raises on malformed markup
    assert root.tag == f"{NS}svg"
    assert root.get("font-family", "").startswith("Noto Sans CJK SC")
    return root


def _texts(root: ET.Element) -> list[str]:
    return [t.text or "" for t in root.iter(f"{NS}text")]


def _points(el: ET.Element) -> np.ndarray:
    return np.array([[float(v) for v in p.split(",")] for p in el.get("points", "").split()])


# ---------------------------------------------------------------- helpers


def test_nice_ticks_reference_values() -> None:
    np.testing.assert_allclose(charts.nice_ticks(0, 0.44, 4), [0, 0.2, 0.4, 0.6])
    np.testing.assert_allclose(charts.nice_ticks(0, 34.8, 4), [0, 10, 20, 30, 40])
    np.testing.assert_allclose(charts.nice_ticks(0.1, 0.3, 4), [0.1, 0.15, 0.2, 0.25, 0.3])
    np.testing.assert_allclose(charts.nice_ticks(0, 11, 4), [0, 5, 10, 15])
    np.testing.assert_allclose(charts.nice_ticks(0, 10, 4), [0, 2.5, 5, 7.5, 10])
    np.testing.assert_allclose(charts.nice_ticks(2, 2, 4), [2, 2.5, 3, 3.5, 4])  # hi == lo


@given(
    st.floats(min_value=-1e4, max_value=1e4, allow_nan=False),
    st.floats(min_value=1e-3, max_value=1e4, allow_nan=False),
    st.integers(min_value=2, max_value=8),
)
def test_nice_ticks_cover_the_range_with_round_equal_steps(lo: float, span: float, n: int) -> None:
    hi = lo + span
    t = charts.nice_ticks(lo, hi, n)
    step = t[1] - t[0]
    assert t[0] <= lo + 1e-6 * step and t[-1] >= hi - 1e-6 * step  # float noise only
    np.testing.assert_allclose(np.diff(t), step, rtol=1e-6, atol=1e-9 * max(1, abs(hi)))
    mantissa = step / 10 ** math.floor(math.log10(step) + 1e-9)
    assert min(abs(mantissa - m) for m in (1, 2, 2.5, 5, 10)) < 1e-6
    assert 2 <= len(t) <= 2 * n + 2


def test_ramp_ends_midpoint_and_missing() -> None:
    got = charts.ramp(np.array([0.1, 0.5, 0.3, np.nan]), 0.1, 0.5)
    assert got == ["#ffffd9", "#081d58", "#41b6c4", charts.MISSING]  # 0.3 = anchor 4 of 0..8


def test_text_width_counts_cjk_as_one_em() -> None:
    assert charts.text_width("湘潭县", 10) == pytest.approx(30)
    assert charts.text_width("0.25", 10) == pytest.approx(22.4)


# ---------------------------------------------------------------- charts


def test_radar_vertices_are_proportional_to_the_scores() -> None:
    dims = pd.DataFrame(
        {
            "dimension": ["劳动者", "劳动资料", "劳动对象", "新型基础设施"],
            "score": [0.2, 0.3, 0.4, 0.1],
            "province_mean": [0.25, 0.25, 0.25, 0.25],
            "benchmark_mean": [np.nan] * 4,
        }
    )
    root = _parse(charts.radar_chart(dims, "某县<测试>"))
    texts = _texts(root)
    assert {"劳动者", "劳动资料", "劳动对象", "新型基础设施", "某县<测试>", "全省平均"} <= set(
        texts
    )
    assert "标杆县平均" not in texts  # an all-NaN series is left out
    polys = list(root.iter(f"{NS}polygon"))
    rings = [p for p in polys if p.get("stroke") == charts.GRID]
    outer = _points(rings[-1])
    center = outer.mean(axis=0)
    r_outer = np.linalg.norm(outer - center, axis=1)
    np.testing.assert_allclose(r_outer, r_outer[0], rtol=1e-3)
    tick_values = [float(t) for t in texts if re.fullmatch(r"\d+\.\d+", t)]
    rmax = max(tick_values)
    for color, values in ((charts.BLUE, dims["score"]), (charts.GREY, dims["province_mean"])):
        (series,) = [p for p in polys if p.get("stroke") == color]
        r = np.linalg.norm(_points(series) - center, axis=1)
        np.testing.assert_allclose(r / r_outer[0], values.to_numpy() / rmax, atol=2e-3)
    first = _points(next(p for p in polys if p.get("stroke") == charts.BLUE))[0]
    assert abs(first[0] - center[0]) < 0.1 and first[1] < center[1]  # first axis points up


def test_obstacle_bars_sorted_and_proportional() -> None:
    sf = pd.DataFrame({"shortfall": ["产业链条短", "创新动能不足"], "share": [0.2, 0.5]})
    top = pd.DataFrame({"name": ["R&D 经费", "专利", "宽带"], "obstacle": [0.1, 0.05, 0.2]})
    root = _parse(charts.obstacle_chart(sf, top))
    texts = _texts(root)
    assert texts.index("创新动能不足") < texts.index("产业链条短")  # largest first
    assert "R&D 经费" in texts  # escaped in the markup, restored by the parser
    bars = {
        c: [float(r.get("width", 0)) for r in root.iter(f"{NS}rect") if r.get("fill") == c]
        for c in (charts.ORANGE, charts.BLUE)
    }
    np.testing.assert_allclose(
        np.array(bars[charts.ORANGE]) / bars[charts.ORANGE][0], [1, 0.4], atol=0.01
    )
    np.testing.assert_allclose(
        np.array(bars[charts.BLUE]) / bars[charts.BLUE][0], [1, 0.5, 0.25], atol=0.01
    )
    assert "50.0" in texts and "20.0" in texts


def test_history_marks_every_year_with_its_score() -> None:
    h = pd.DataFrame({"year": [2020, 2010], "score": [0.248, 0.1537]})
    root = _parse(charts.history_chart(h))
    texts = _texts(root)
    assert texts.index("2010") < texts.index("2020")
    assert {"0.2480", "0.1537", "综合得分"} <= set(texts)
    dots = [(float(c.get("cx", 0)), float(c.get("cy", 0))) for c in root.iter(f"{NS}circle")]
    assert len(dots) == 2 and dots[0][0] < dots[1][0] and dots[0][1] > dots[1][1]  # rises


def test_histogram_bar_heights_follow_counts() -> None:
    s = pd.Series([0.1] * 3 + [0.2] * 6 + [np.nan])
    root = _parse(charts.score_histogram(s, "某省得分"))
    heights = sorted(float(r.get("height", 0)) for r in root.iter(f"{NS}rect"))
    assert len(heights) == 2
    assert heights[1] == pytest.approx(2 * heights[0], rel=1e-3)
    assert "某省得分" in _texts(root)


def test_province_map_colours_holes_and_highlight() -> None:
    donut = Polygon(box(0, 0, 4, 4).exterior.coords, [box(1, 1, 2, 2).exterior.coords])
    islands = MultiPolygon([box(5, 0, 6, 1), box(5, 2, 6, 3)])
    gdf = gpd.GeoDataFrame(
        {"code": ["430321", "430322", "430323"], "name": ["甲", "乙", "丙"]},
        geometry=[donut, islands, box(7, 0, 8, 1)],
        crs="EPSG:4326",
    ).assign(score=[0.2, 0.4, np.nan])
    root = _parse(charts.province_map(gdf, "430321", "某省 2020 年"))
    paths = list(root.iter(f"{NS}path"))
    fills = [p.get("fill") for p in paths]
    assert fills[:3] == ["#ffffd9", "#081d58", charts.MISSING]
    assert [p.get("d", "").count("M") for p in paths[:3]] == [2, 2, 1]  # hole, two islands
    (hl,) = [p for p in paths if p.get("stroke") == charts.HIGHLIGHT]
    assert hl.get("d") == paths[0].get("d") and hl.get("fill") == "none"
    assert {"某省 2020 年", "综合得分", "边界示意，无审图号"} <= set(_texts(root))
    xs = [float(v) for v in re.findall(r"[-\d.]+(?=,)", paths[1].get("d", ""))]
    assert min(xs) > max(float(v) for v in re.findall(r"[-\d.]+(?=,)", paths[0].get("d", "")))


@given(
    st.lists(
        st.tuples(
            st.floats(min_value=0, max_value=1) | st.just(float("nan")),
            st.floats(min_value=0, max_value=1) | st.just(float("nan")),
        ),
        min_size=1,
        max_size=9,
    )
)
def test_radar_is_well_formed_for_any_dimension_count(values: list[tuple[float, float]]) -> None:
    dims = pd.DataFrame(
        {
            "dimension": [f"维度{i}" for i in range(len(values))],
            "score": [a for a, _ in values],
            "province_mean": [b for _, b in values],
            "benchmark_mean": [float("nan")] * len(values),
        }
    )
    svg = charts.radar_chart(dims, "某县")
    _parse(svg)
    assert "nan" not in svg.lower() and "inf" not in svg.lower()
