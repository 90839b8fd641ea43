"""Specialisation measures: hand-computed worked examples and invariants."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from xinzhi.errors import InputError
from xinzhi.industry.specialization import (
    entropy,
    hhi,
    hoover_index,
    krugman_index,
    location_quotient,
    locational_gini,
    specialization,
)

# Worked example (by hand): A = [10, 20, 70], B = [30, 30, 40]; nation = [40, 50, 110] / 200
E = np.array([[10.0, 20.0, 70.0], [30.0, 30.0, 40.0]])
LONG = pd.DataFrame(
    {
        "county": ["A"] * 3 + ["B"] * 3,
        "ind": ["i1", "i2", "i3"] * 2,
        "emp": E.ravel(),
        "prov": ["P", "P", "P", "Q", "Q", "Q"],
    }
)


def test_worked_example_location_quotient() -> None:
    # s_A = [.1, .2, .7], σ = [.2, .25, .55] -> LQ_A = [.5, .8, .7/.55]
    lq = location_quotient(E)
    np.testing.assert_allclose(lq[0], [0.5, 0.8, 0.7 / 0.55], rtol=1e-14)
    np.testing.assert_allclose(lq[1], [1.5, 1.2, 0.4 / 0.55], rtol=1e-14)


def test_worked_example_indices() -> None:
    # |s_A − σ| = [.1, .05, .15] -> Krugman .3, Hoover .15 (same for B by symmetry)
    np.testing.assert_allclose(krugman_index(E), [0.3, 0.3], rtol=1e-12)
    np.testing.assert_allclose(hoover_index(E), [0.15, 0.15], rtol=1e-12)
    np.testing.assert_allclose(hhi(E), [0.54, 0.34], rtol=1e-12)
    # entropy A = −(.1 ln .1 + .2 ln .2 + .7 ln .7) = 0.8018185525433373
    np.testing.assert_allclose(entropy(E)[0], 0.8018185525433373, rtol=1e-12)


def test_worked_example_locational_gini() -> None:
    # industry i1: LQ_A = .5 < LQ_B = 1.5; X = [.5, 1], Y = [.25, 1]
    # G = 1 − (.5·(.25 + 0) + .5·(1 + .25)) = 0.25
    g = locational_gini(E)
    assert g[0] == pytest.approx(0.25, abs=1e-14)
    # i2: Y = [20/50, 1] -> G = 1 − (.5·.4 + .5·1.4) = .1
    assert g[1] == pytest.approx(0.1, abs=1e-14)


def test_lq_of_reference_region_is_one_and_krugman_zero() -> None:
    ref = pd.Series({"i1": 10.0, "i2": 20.0, "i3": 70.0})  # region A itself
    res = specialization(
        LONG,
        location="county",
        industry="ind",
        value="emp",
        reference="custom",
        reference_values=ref,
    )
    t = res.tidy()
    np.testing.assert_allclose(t.loc[t.location == "A", "lq"], 1.0, rtol=1e-14)
    reg = res.regions().set_index("location")
    assert reg.loc["A", "krugman"] == pytest.approx(0.0, abs=1e-15)
    assert reg.loc["A", "hoover"] == pytest.approx(0.0, abs=1e-15)


def test_group_reference_single_member_groups_are_their_own_reference() -> None:
    res = specialization(
        LONG,
        location="county",
        industry="ind",
        value="emp",
        reference="group",
        group="prov",
        population=pd.Series({"A": 5.0, "B": 10.0}),
    )
    t = res.tidy()
    np.testing.assert_allclose(t["lq"], 1.0, rtol=1e-14)
    np.testing.assert_allclose(t["rpop"], 1.0, rtol=1e-14)
    assert res.options["reference"] == "group:prov"


def test_national_rpop_worked_example() -> None:
    # RPOP_A,i1 = (10/5) / (40/15) = 0.75
    res = specialization(
        LONG,
        location="county",
        industry="ind",
        value="emp",
        population=pd.Series({"A": 5.0, "B": 10.0}),
    )
    t = res.tidy().set_index(["location", "industry"])
    assert t.loc[("A", "i1"), "rpop"] == pytest.approx(0.75, rel=1e-14)


@settings(max_examples=40, deadline=None)
@given(arrays(np.float64, (5, 4), elements=st.floats(0.5, 1e4)))
def test_invariants(e: np.ndarray) -> None:
    lq = location_quotient(e)
    # region-size-weighted mean LQ of each industry is 1 (national reference)
    w = e.sum(axis=1) / e.sum()
    np.testing.assert_allclose(w @ lq, 1.0, rtol=1e-10)
    np.testing.assert_allclose(hoover_index(e), krugman_index(e) / 2, rtol=1e-12)
    h = hhi(e)
    assert np.all(h >= 1 / 4 - 1e-12) and np.all(h <= 1 + 1e-12)
    g = locational_gini(e)
    assert np.all(g >= -1e-12) and np.all(g < 1)
    # structure identical to the nation -> LQ 1, Krugman 0, Gini 0
    same = np.outer(np.arange(1.0, 6.0), e.sum(axis=0))
    np.testing.assert_allclose(location_quotient(same), 1.0, rtol=1e-12)
    np.testing.assert_allclose(krugman_index(same), 0.0, atol=1e-12)
    np.testing.assert_allclose(locational_gini(same), 0.0, atol=1e-12)


def test_errors_in_chinese() -> None:
    with pytest.raises(InputError, match="缺少列"):
        specialization(LONG, location="x", industry="ind", value="emp")
    with pytest.raises(InputError, match="重复"):
        specialization(
            pd.concat([LONG, LONG.iloc[:1]]), location="county", industry="ind", value="emp"
        )
    with pytest.raises(InputError, match="参照"):
        specialization(LONG, location="county", industry="ind", value="emp", reference="x")
