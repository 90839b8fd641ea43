"""Mann–Kendall / Sen's slope against pymannkendall's documented example and hand values, and
change points at a known break (xinzhi.monitor.trend)."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pymannkendall as mk
import pytest
import ruptures as rpt
from hypothesis import given
from hypothesis import strategies as st

from xinzhi.errors import InputError
from xinzhi.monitor.trend import _noise_sd, change_points, mann_kendall, trends


def _permutation_with_inversions(n: int, inversions: int) -> np.ndarray:
    """A permutation of 0 … n−1 with exactly ``inversions`` inversions (Lehmer code, greedy):
    element k (from the end) may precede up to k smaller ones."""
    code = []
    left = inversions
    for k in range(n - 1, -1, -1):
        c = min(k, left)
        code.append(c)
        left -= c
    assert left == 0
    pool = list(range(n))
    return np.array([pool.pop(c) for c in code], dtype="float64")


def test_readme_example_of_pymannkendall() -> None:
    # pymannkendall's README prints, for 360 values without ties:
    #   s=142.0, var_s=5205500.0, z=0.06179991635055463, p=0.9507221701045581,
    #   Tau=0.0021974620860414733
    # S = pairs − 2·inversions: 360·359/2 = 64620 pairs → 32239 inversions give S = 142.
    x = _permutation_with_inversions(360, (64620 - 142) // 2)
    r = mann_kendall(x[None, :])
    assert r["s"][0] == 142.0
    assert r["var_s"][0] == 5205500.0  # 360·359·725/18
    assert r["z"][0] == pytest.approx(0.06179991635055463, rel=1e-12)  # (142 − 1)/√5205500
    assert r["p"][0] == pytest.approx(0.9507221701045581, rel=1e-12)
    assert r["tau"][0] == pytest.approx(0.0021974620860414733, rel=1e-12)  # 142/64620
    assert r["trend"][0] == 0


def test_hand_example_with_a_tie() -> None:
    # 1, 2, 2, 5, 4: S = 8 − 1 = 7; Var = (5·4·15 − 2·1·9)/18 = 282/18; z = 6/√(282/18);
    # slopes −1, 0, 0.5, 2/3, 0.75, 1, 1, 4/3, 1.5, 3 → median 0.875
    r = mann_kendall([[1.0, 2.0, 2.0, 5.0, 4.0]])
    assert r["s"][0] == 7
    assert r["var_s"][0] == pytest.approx(282 / 18)
    assert r["z"][0] == pytest.approx(6 / np.sqrt(282 / 18))
    assert r["tau"][0] == pytest.approx(7 / 10)
    assert r["slope"][0] == 0.875
    # intercept: median(x) − median(t)·slope = 2 − 2·0.875
    assert r["intercept"][0] == pytest.approx(0.25)


def test_strict_increase_is_significant() -> None:
    # 1 … 8: S = 28, Var = 8·7·21/18 = 65.333, z = 27/√65.333 = 3.3403 → p < 0.05
    r = mann_kendall([np.arange(1.0, 9.0)], years=np.arange(2016, 2024))
    assert r["s"][0] == 28 and r["var_s"][0] == pytest.approx(8 * 7 * 21 / 18)
    assert r["z"][0] == pytest.approx(27 / np.sqrt(8 * 7 * 21 / 18))
    assert r["trend"][0] == 1 and r["slope"][0] == 1.0


def test_short_series_has_no_statistics() -> None:
    r = mann_kendall([[1.0, np.nan, 2.0, np.nan]])
    assert r["n"][0] == 2 and np.isnan(r["s"][0]) and np.isnan(r["slope"][0])
    one = mann_kendall([[5.0]])  # a one-year panel: no pairs at all
    assert one["n"][0] == 1 and np.isnan(one["slope"][0]) and one["trend"][0] == 0


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_matches_pymannkendall_on_samples(seed: int) -> None:
    rng = np.random.default_rng(seed)
    x = np.round(rng.normal(size=(60, 15)).cumsum(axis=1), 0)  # rounded: ties
    x[rng.random(x.shape) < 0.1] = np.nan
    r = mann_kendall(x)
    for k in range(len(x)):
        a, b = mk.original_test(x[k]), mk.sens_slope(x[k])
        got = [r["s"][k], r["var_s"][k], r["z"][k], r["p"][k], r["tau"][k], r["slope"][k]]
        ref = [a.s, a.var_s, a.z, a.p, a.Tau, b.slope]
        assert np.allclose(got, ref, rtol=1e-12, atol=1e-12), k
        assert r["intercept"][k] == pytest.approx(b.intercept)
        assert {"increasing": 1, "decreasing": -1, "no trend": 0}[a.trend] == r["trend"][k]


# ----------------------------------------------------------------------------- change points
def test_change_point_at_a_known_break() -> None:
    # 示例数据: level 0 in 2010–2016, level 1 from 2017; noise ±0.05 (alternating)
    noise = np.tile([0.05, -0.05], 8)[:15]
    x = np.r_[np.zeros(7), np.ones(8)] + noise
    assert change_points([x], range(2010, 2025)) == [[2017]]


def test_two_breaks_and_missing_values() -> None:
    # 0 (2010–2014), 3 (2015–2019), 1 (2020–2024); 2012 missing
    noise = np.tile([0.05, -0.05], 8)[:15]
    x = np.r_[np.zeros(5), 3 * np.ones(5), np.ones(5)] + noise
    x[2] = np.nan
    assert change_points([x], range(2010, 2025)) == [[2015, 2020]]


def test_no_change_point_in_a_constant_or_short_series() -> None:
    assert change_points([np.ones(12)], range(12)) == [[]]
    short = np.r_[np.zeros(4), np.ones(5)]  # 9 values < min_length 10
    assert change_points([short], range(9)) == [[]]


def test_penalty_formula_by_hand() -> None:
    # x = 0, 1, 3, 6, 10, 15: Δx = 1 … 5, median 3, |Δx − 3| = 2, 1, 0, 1, 2 → MAD = 1
    # → σ̂ = 1.4826·1/√2 = 1.04835 (above the floor 0.05·SD(x))
    x = np.array([0.0, 1.0, 3.0, 6.0, 10.0, 15.0])
    assert _noise_sd(x[None, :])[0] == pytest.approx(1.4826 / np.sqrt(2))
    # 0, 1, 0, 1 …: Δx = ±1 with six +1 of eleven → median 1, MAD = 0 → floor 0.05·SD = 0.05·0.5
    alt = np.tile([0.0, 1.0], 6)
    assert _noise_sd(alt[None, :])[0] == pytest.approx(0.025)


def _penalised_cost(x: np.ndarray, breaks: list[int], pen: float) -> float:
    edges = [0, *breaks, len(x)]
    sse = sum(((x[a:b] - x[a:b].mean()) ** 2).sum() for a, b in itertools.pairwise(edges))
    return float(sse + pen * len(breaks))


def test_agrees_with_ruptures_pelt() -> None:
    # the same objective as ruptures' PELT with the least-squares cost: same change points,
    # or (rarely) a partition with a lower penalised cost than ruptures returns
    rng = np.random.default_rng(7)
    x = rng.normal(size=(300, 15))
    shift = rng.random(300) < 0.5
    at = rng.integers(3, 12, 300)
    x[shift] += np.where(np.arange(15)[None, :] >= at[shift, None], 3.0, 0.0)
    ours = change_points(x, np.arange(15))
    same = 0
    for k in range(300):
        sd = float(_noise_sd(x[k][None, :])[0])
        pen = 2 * sd * sd * np.log(15)
        ends = rpt.KernelCPD(kernel="linear", min_size=3, jump=1).fit(x[k]).predict(pen=pen)
        ref = [int(e) for e in ends[:-1]]
        if ref == ours[k]:
            same += 1
        else:
            assert _penalised_cost(x[k], ours[k], pen) <= _penalised_cost(x[k], ref, pen) + 1e-9
    assert same >= 295


def test_change_point_options_validated() -> None:
    with pytest.raises(InputError, match="min_size"):
        change_points([np.zeros(12)], range(12), min_size=1)
    with pytest.raises(InputError, match="penalty"):
        change_points([np.zeros(12)], range(12), penalty=0)


# ----------------------------------------------------------------------------- result
def test_trends_table_and_assessment(tmp_path) -> None:  # type: ignore[no-untyped-def]
    years = range(2010, 2022)  # 12 years
    rows = []
    for code, ind, vals in (
        ("A", "up", np.arange(12.0)),  # rising, positive → 向好
        ("A", "energy", np.arange(12.0)),  # rising, negative indicator → 向差
        ("A", "flat", np.tile([1.0, 2.0], 6)),  # no trend
    ):
        rows += [(code, ind, y, v) for y, v in zip(years, vals, strict=True)]
    p = pd.DataFrame(rows, columns=["region_code", "indicator", "year", "value"])
    res = trends(p, directions={"energy": "-"}, names={"up": "甲"}, synthetic=True)
    t = res.tidy().set_index("indicator")
    assert t.loc["up", "trend"] == "上升" and t.loc["up", "assessment"] == "向好"
    assert t.loc["energy", "assessment"] == "向差"
    assert t.loc["flat", "trend"] == "无显著趋势" and t.loc["flat", "assessment"] == "平稳"
    assert t.loc["up", "slope"] == 1.0 and t.loc["up", "s"] == 66  # 12·11/2 pairs, all rising
    assert t.loc["up", "indicator_name"] == "甲"
    text = res.summary()
    assert "显著上升 2 条" in text and "向好 1 条、向差 1 条" in text
    sheets = pd.read_excel(res.to_excel(tmp_path / "t.xlsx"), sheet_name=None)
    assert list(sheets) == ["趋势", "说明"]


# ----------------------------------------------------------------------------- invariants


@given(st.lists(st.integers(-20, 20).map(float), min_size=3, max_size=15))
def test_reversal_and_negation_flip_the_statistics(xs: list[float]) -> None:
    x = np.array(xs)
    r = mann_kendall([x])
    rev = mann_kendall([x[::-1]])
    neg = mann_kendall([-x])
    assert rev["s"][0] == -r["s"][0] and neg["s"][0] == -r["s"][0]
    assert rev["var_s"][0] == r["var_s"][0]  # ties unchanged
    assert neg["slope"][0] == -r["slope"][0]
    assert abs(r["s"][0]) <= len(x) * (len(x) - 1) / 2
