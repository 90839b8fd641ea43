"""Shift-share: a hand-computed example (literal numbers) and the adding-up identity."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from xinzhi.errors import InputError
from xinzhi.industry.shiftshare import shift_share, shift_share_matrix

# Base 2010: A = [100, 50], B = [200, 150]; final 2020: A = [130, 50], B = [210, 160].
# Nation: 500 -> 550 (G = .1); i1: 300 -> 340 (g1 = 2/15); i2: 200 -> 210 (g2 = .05).
DATA = pd.DataFrame(
    {
        "county": ["A", "A", "B", "B"] * 2,
        "ind": ["i1", "i2"] * 4,
        "year": [2010] * 4 + [2020] * 4,
        "emp": [100, 50, 200, 150, 130, 50, 210, 160],
    }
)


def _run(method: str, data: pd.DataFrame = DATA) -> pd.DataFrame:
    res = shift_share(
        data,
        location="county",
        industry="ind",
        value="emp",
        year="year",
        base=2010,
        final=2020,
        method=method,  # type: ignore[arg-type]
    )
    return res.tidy().set_index(["location", "industry"])


def test_classic_hand_example() -> None:
    t = _run("classic")
    # A,i1: NS = 100·.1 = 10; IM = 100·(2/15 − .1) = 10/3; CS = 100·(.3 − 2/15) = 50/3
    expected = {
        ("A", "i1"): (10.0, 10 / 3, 50 / 3),
        ("A", "i2"): (5.0, -2.5, -2.5),
        ("B", "i1"): (20.0, 20 / 3, -50 / 3),
        ("B", "i2"): (15.0, -7.5, 2.5),
    }
    for key, (ns, im, cs) in expected.items():
        row = t.loc[key]
        assert row["national_share"] == pytest.approx(ns, abs=1e-12)
        assert row["industry_mix"] == pytest.approx(im, abs=1e-12)
        assert row["competitive"] == pytest.approx(cs, abs=1e-12)


def test_esteban_marquillas_hand_example() -> None:
    t = _run("esteban-marquillas")
    # homothetic ê: A = 150·[.6, .4] = [90, 60]; B = 350·[.6, .4] = [210, 140]
    # A,i1: CS* = 90·(1/6) = 15, AE = 10·(1/6) = 5/3
    expected = {
        ("A", "i1"): (15.0, 5 / 3),
        ("A", "i2"): (-3.0, 0.5),
        ("B", "i1"): (-17.5, 5 / 6),
        ("B", "i2"): (7 / 3, 1 / 6),
    }
    for key, (csh, ae) in expected.items():
        assert t.loc[key, "competitive_homothetic"] == pytest.approx(csh, abs=1e-12)
        assert t.loc[key, "allocation"] == pytest.approx(ae, abs=1e-12)


def test_dynamic_with_single_step_equals_classic() -> None:
    a = _run("dynamic")
    b = _run("classic")
    pd.testing.assert_frame_equal(a, b)


def test_dynamic_uses_intermediate_years() -> None:
    mid = DATA[DATA.year == 2010].assign(year=2015, emp=[110, 40, 205, 160])
    data = pd.concat([DATA, mid], ignore_index=True)
    res = shift_share(
        data,
        location="county",
        industry="ind",
        value="emp",
        year="year",
        base=2010,
        final=2020,
        method="dynamic",
    )
    assert res.options["years_used"] == [2010, 2015, 2020]
    t = res.tidy()
    total = t[["national_share", "industry_mix", "competitive"]].sum(axis=1)
    np.testing.assert_allclose(total, t["change"], atol=1e-9)
    # differs from the two-point decomposition
    assert not np.allclose(t["national_share"], _run("classic")["national_share"].to_numpy())


@settings(max_examples=50, deadline=None)
@given(
    arrays(np.float64, (2, 4, 3), elements=st.one_of(st.just(0.0), st.floats(1e-3, 1e5))),
    st.sampled_from(["classic", "esteban-marquillas"]),
)
def test_components_add_up(cube: np.ndarray, method: str) -> None:
    cube[0, 0, :] += 1.0  # every industry has a positive national base value
    comps = shift_share_matrix(cube[0], cube[1], method)  # type: ignore[arg-type]
    total = sum(comps.values())
    np.testing.assert_allclose(total, cube[1] - cube[0], atol=1e-6 * (1 + np.abs(cube).max()))
    for v in comps.values():
        assert np.all(np.isfinite(v))


@settings(max_examples=30, deadline=None)
@given(arrays(np.float64, (4, 3, 2), elements=st.floats(1.0, 1e4)))
def test_dynamic_adds_up(cube: np.ndarray) -> None:
    years = [2000, 2001, 2002, 2003]
    data = pd.DataFrame(
        {
            "year": np.repeat(years, 6),
            "county": np.tile(np.repeat(["a", "b", "c"], 2), 4),
            "ind": np.tile(["x", "y"], 12),
            "emp": cube.ravel(),
        }
    )
    res = shift_share(
        data,
        location="county",
        industry="ind",
        value="emp",
        year="year",
        base=2000,
        final=2003,
        method="dynamic",
    )
    t = res.tidy()
    total = t[["national_share", "industry_mix", "competitive"]].sum(axis=1)
    np.testing.assert_allclose(total, t["change"], rtol=1e-9, atol=1e-7)


def test_errors() -> None:
    with pytest.raises(InputError, match="基期"):
        shift_share(
            DATA,
            location="county",
            industry="ind",
            value="emp",
            year="year",
            base=2011,
            final=2020,
        )
    with pytest.raises(InputError, match="方法"):
        shift_share(
            DATA,
            location="county",
            industry="ind",
            value="emp",
            year="year",
            base=2010,
            final=2020,
            method="x",  # type: ignore[arg-type]
        )
