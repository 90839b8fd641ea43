"""Five-colour signals at the edges of every threshold (just below / equal / just above), with
hand-computed cut points, and the composite warning index (xinzhi.monitor.signals)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from xinzhi.errors import InputError
from xinzhi.monitor.signals import band, growth, signals


def _one_year_panel(values: list[float], year: int = 2023) -> pd.DataFrame:
    """One county per value (C0, C1, …), indicator x, one year."""
    return pd.DataFrame(
        {
            "region_code": [f"C{k}" for k in range(len(values))],
            "indicator": "x",
            "year": year,
            "value": values,
        }
    )


def _colours(res, year: int) -> list[str]:  # type: ignore[no-untyped-def]
    t = res.signal_table()
    return (
        t[t["year"] == year]
        .sort_values("region_code", key=lambda s: s.str[1:].astype(int))["signal"]
        .astype(str)
        .tolist()
    )


# ----------------------------------------------------------------------------- band rule
def test_band_edges_take_the_colour_nearer_to_green() -> None:
    # cuts −2, −1, 1, 2: below / equal / above each
    y = [-2.01, -2.0, -1.99, -1.01, -1.0, -0.99, 0.99, 1.0, 1.01, 1.99, 2.0, 2.01]
    assert band(y, -2, -1, 1, 2).tolist() == [1, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 5]


def test_band_missing_is_no_signal() -> None:
    assert band([np.nan, 0.0], -2, -1, 1, np.nan).tolist() == [0, 0]


def test_growth_needs_a_positive_previous_value() -> None:
    # 110/100 − 1 = 0.1; 99/110 − 1 = −0.1; previous 0 → NaN
    g = growth(np.array([100.0, 110.0, 99.0, 0.0, 3.0]))
    assert g[1] == pytest.approx(0.1) and g[2] == pytest.approx(-0.1)
    assert np.isnan(g[0]) and np.isnan(g[4])


# ----------------------------------------------------------------------------- targets
TARGET_VALUES = [
    89.99,
    90.0,
    90.01,
    99.99,
    100.0,
    100.01,
    109.99,
    110.0,
    110.01,
    119.99,
    120.0,
    120.01,
]
# target 100, bands −10 %, 0, +10 %, +20 % → cuts 90, 100, 110, 120 (value units)
TARGET_EXPECTED = ["蓝", "浅蓝", "浅蓝", "浅蓝", "绿", "绿", "绿", "绿", "黄", "黄", "黄", "红"]


def test_target_edges_positive_indicator() -> None:
    p = _one_year_panel(TARGET_VALUES)
    t = p.drop(columns="value").assign(target=100.0)
    res = signals(p, method="target", targets=t)
    assert _colours(res, 2023) == TARGET_EXPECTED
    tab = res.signal_table()
    # cut points in the value's unit: 100 + 100·(−0.1, 0, 0.1, 0.2)
    row = tab.iloc[0]
    assert [row.cut_1, row.cut_2, row.cut_3, row.cut_4] == [90.0, 100.0, 110.0, 120.0]
    # score = (89.99 − 100)/100
    assert row.score == pytest.approx(-0.1001)
    assert row.rule == "数值 < 目标-10%"


def test_target_edges_negative_indicator() -> None:
    # lower is better: value 110 is 10 % short (y = −110, cut1 = −100 − 10 = −110 → 浅蓝),
    # 110.01 → 蓝; 80 is 20 % ahead (y = −80 = cut4 → 黄), 79.99 → 红; 100 → 绿
    p = _one_year_panel([110.01, 110.0, 100.0, 90.0, 89.99, 80.0, 79.99])
    t = p.drop(columns="value").assign(target=100.0)
    res = signals(p, method="target", targets=t, directions={"x": "-"})
    assert _colours(res, 2023) == ["蓝", "浅蓝", "绿", "绿", "黄", "黄", "红"]


def test_target_missing_or_zero_gives_no_signal_with_reason() -> None:
    p = _one_year_panel([5.0, 5.0])
    t = pd.DataFrame({"region_code": ["C1"], "indicator": "x", "year": 2023, "target": [0.0]})
    tab = signals(p, method="target", targets=t).signal_table()
    assert tab["signal"].isna().all()
    assert tab["rule"].tolist() == ["无年度目标", "目标为 0，无法计算相对差距"]


def test_target_method_needs_targets() -> None:
    with pytest.raises(InputError, match="目标表"):
        signals(_one_year_panel([1.0]), method="target")


# ----------------------------------------------------------------------------- history: sigma
SIGMA_FINAL = [7.99, 8.0, 8.01, 8.99, 9.0, 9.01, 10.99, 11.0, 11.01, 11.99, 12.0, 12.01]
# history 9, 10, 11 → μ = 10, σ = √((1 + 0 + 1)/2) = 1; k = 1, 2 → cuts 8, 9, 11, 12
SIGMA_EXPECTED = ["蓝", "浅蓝", "浅蓝", "浅蓝", "绿", "绿", "绿", "绿", "黄", "黄", "黄", "红"]


def _history_panel(finals: list[float], history: list[float]) -> pd.DataFrame:
    rows = []
    for k, v in enumerate(finals):
        for j, h in enumerate([*history, v]):
            rows.append((f"C{k}", "x", 2020 + j, h))
    return pd.DataFrame(rows, columns=["region_code", "indicator", "year", "value"])


def test_sigma_edges_level_basis() -> None:
    p = _history_panel(SIGMA_FINAL, [9.0, 10.0, 11.0])
    res = signals(p, method="sigma", basis="level", window=3, min_history=3)
    assert _colours(res, 2023) == SIGMA_EXPECTED
    row = res.signal_table().query("region_code == 'C0' and year == 2023").iloc[0]
    assert (row.centre, row.cut_1, row.cut_2, row.cut_3, row.cut_4) == (10.0, 8.0, 9.0, 11.0, 12.0)
    assert row.score == pytest.approx((7.99 - 10) / 1)  # z = (x − μ)/σ
    assert row.rule == "数值 < μ−2σ"


def test_sigma_negative_direction_mirrors() -> None:
    # y = −x: history −9, −10, −11 → μ = −10, σ = 1; x = 12 → y = −12 = μ − 2σ → 浅蓝;
    # x = 12.01 → 蓝; x = 7.99 → y = −7.99 > −8 → 红
    p = _history_panel([12.0, 12.01, 7.99], [9.0, 10.0, 11.0])
    res = signals(p, method="sigma", basis="level", window=3, directions={"x": "-"})
    assert _colours(res, 2023) == ["浅蓝", "蓝", "红"]
    row = res.signal_table().query("region_code == 'C0' and year == 2023").iloc[0]
    # cut points shown in the value's unit (reversed scale): −(μ_y − 2σ) = 12 …
    assert (row.centre, row.cut_1, row.cut_4) == (10.0, 12.0, 8.0)


def test_sigma_k_option_moves_the_cuts() -> None:
    # k = (0.5, 1.5): cuts 8.5, 9.5, 10.5, 11.5
    p = _history_panel([10.5, 10.51, 11.5, 11.51], [9.0, 10.0, 11.0])
    res = signals(p, basis="level", window=3, k=(0.5, 1.5))
    assert _colours(res, 2023) == ["绿", "黄", "黄", "红"]


def test_sigma_growth_basis_by_hand() -> None:
    # levels 100, 110, 121, 133.1 → growth 10 %, 10 %, 10 % → σ = 0 → no signal (zero spread)
    p = _history_panel([146.41], [100.0, 110.0, 121.0, 133.1])
    tab = signals(p, window=3, min_history=3).signal_table()
    assert tab.loc[tab["year"] == 2024, "rule"].iloc[0] == "历史波动为零，无法分档"
    # first year: no growth; 2021–2023: too little history
    assert tab["rule"].tolist()[:4] == [
        "上年数值缺失或不为正，无法计算增速",
        "历史数据不足",
        "历史数据不足",
        "历史数据不足",
    ]


def test_too_little_history_gives_no_signal() -> None:
    p = _history_panel([10.0], [9.0, 11.0])  # 2 years of history, 3 needed
    tab = signals(p, basis="level", window=3, min_history=3).signal_table()
    assert tab["signal"].isna().all()
    assert set(tab["rule"]) == {"历史数据不足"}


# ----------------------------------------------------------------------------- history: quantile
def test_quantile_edges() -> None:
    # history 0, 10, 20, 30, 40 (5 years); quantiles 25/50/75/100 % at positions 1, 2, 3, 4
    # → cuts 10, 20, 30, 40 exactly
    finals = [9.99, 10.0, 19.99, 20.0, 30.0, 30.01, 40.0, 40.01]
    p = _history_panel(finals, [0.0, 10.0, 20.0, 30.0, 40.0])
    res = signals(p, method="quantile", basis="level", quantiles=(0.25, 0.5, 0.75, 1.0))
    assert _colours(res, 2025) == ["蓝", "浅蓝", "浅蓝", "绿", "绿", "黄", "黄", "红"]


def test_quantile_default_interpolates_linearly() -> None:
    # P10 of 0…40: position 0.1·4 = 0.4 → 4; P90: position 3.6 → 36; P25 = 10, P75 = 30
    p = _history_panel([3.99, 4.01, 35.99, 36.01], [0.0, 10.0, 20.0, 30.0, 40.0])
    res = signals(p, method="quantile", basis="level")
    row = res.signal_table().query("region_code == 'C0' and year == 2025").iloc[0]
    assert row.cut_1 == pytest.approx(4.0) and row.cut_4 == pytest.approx(36.0)
    assert row.centre == 20.0  # median
    assert row.score == pytest.approx((3.99 - 20) / (30 - 10))
    assert _colours(res, 2025) == ["蓝", "浅蓝", "黄", "红"]


# ----------------------------------------------------------------------------- index
def _codes_panel(finals: dict[str, float]) -> pd.DataFrame:
    """County A, indicators with target 100 and the given values (one year)."""
    return pd.DataFrame(
        {
            "region_code": "A",
            "indicator": list(finals),
            "year": 2023,
            "value": list(finals.values()),
        }
    )


def test_warning_index_equal_weights() -> None:
    # values 125 (红 5), 100 (绿 3), 85 (蓝 1) → mean 3 → W = 100·3/3 = 100, 绿; 2 alerts
    p = _codes_panel({"a": 125.0, "b": 100.0, "c": 85.0})
    t = p.drop(columns="value").assign(target=100.0)
    idx = signals(p, method="target", targets=t).index_table().iloc[0]
    assert idx["index"] == pytest.approx(100.0)
    assert (idx["signal"], idx["n_signals"], idx["alerts"], idx["n_red"], idx["n_blue"]) == (
        "绿",
        3,
        2,
        1,
        1,
    )


def test_warning_index_weights_and_colour() -> None:
    # 红 5, 黄 4 (115), 绿 3 with weights 2, 1, 1: (10 + 4 + 3)/4 = 4.25 → W = 141.67, 黄
    p = _codes_panel({"a": 125.0, "b": 115.0, "c": 100.0})
    t = p.drop(columns="value").assign(target=100.0)
    res = signals(p, method="target", targets=t, weights={"a": 2.0, "b": 1.0, "c": 1.0})
    idx = res.index_table().iloc[0]
    assert idx["mean_score"] == pytest.approx(4.25)
    assert idx["index"] == pytest.approx(100 * 4.25 / 3)
    assert idx["signal"] == "黄"
    # all red: mean 5 → W = 166.67 → 红 (> 4.5); mean exactly 4.5 would stay 黄
    p2 = _codes_panel({"a": 125.0, "b": 130.0})
    idx2 = signals(p2, method="target", targets=p2.drop(columns="value").assign(target=100.0))
    assert idx2.index_table().iloc[0]["signal"] == "红"
    p3 = _codes_panel({"a": 125.0, "b": 115.0})  # (5 + 4)/2 = 4.5 → 黄 (equal → nearer green)
    idx3 = signals(p3, method="target", targets=p3.drop(columns="value").assign(target=100.0))
    assert idx3.index_table().iloc[0]["signal"] == "黄"


def test_options_are_validated_in_chinese() -> None:
    p = _one_year_panel([1.0])
    with pytest.raises(InputError, match="method"):
        signals(p, method="traffic")
    with pytest.raises(InputError, match="k1 < k2"):
        signals(p, k=(2.0, 1.0))
    with pytest.raises(InputError, match="方向"):
        signals(p, directions={"x": "up"})
    with pytest.raises(InputError, match="权重"):
        signals(p, weights={"y": 1.0})


def test_result_surface(tmp_path) -> None:  # type: ignore[no-untyped-def]
    p = _history_panel(SIGMA_FINAL, [9.0, 10.0, 11.0])
    res = signals(p, basis="level", window=3, names={"x": "指标甲"}, synthetic=True)
    text = res.summary()
    assert text.startswith("【示例数据】")
    # 2023: 1 蓝, 3 浅蓝, 4 绿, 3 黄, 1 红 (SIGMA_EXPECTED)
    assert "2023 年信号：蓝 1，浅蓝 3，绿 4，黄 3，红 1" in text
    assert res.tidy()["indicator_name"].iloc[0] == "指标甲"
    out = res.to_excel(tmp_path / "s.xlsx")
    sheets = pd.read_excel(out, sheet_name=None)
    assert list(sheets) == ["信号", "综合预警指数", "说明"]
    assert "信号" in sheets["信号"].columns and "判定规则" in sheets["信号"].columns


# ----------------------------------------------------------------------------- invariants

_FLOATS = st.floats(-1e6, 1e6, allow_nan=False)


@given(st.lists(_FLOATS, min_size=2, max_size=30), st.lists(_FLOATS, min_size=4, max_size=4))
def test_band_is_monotone_and_mirrors(ys: list[float], cuts: list[float]) -> None:
    c = sorted(cuts)
    if len(set(c)) < 4:
        return
    y = np.sort(np.array(ys))
    codes = band(y, *c)
    assert (np.diff(codes.astype(int)) >= 0).all()  # a larger value never gets a colder colour
    # mirror: −y against the mirrored cuts gives 6 − code (edges go to the colour nearer green)
    mirrored = band(-y, -c[3], -c[2], -c[1], -c[0])
    assert (mirrored.astype(int) == 6 - codes.astype(int)).all()
