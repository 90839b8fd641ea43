"""PySAL's own reference values, on the example data shipped inside the libpysal wheel.

Literal numbers are those asserted in the test suites / docstrings of giddy 2.3 (markov.py,
tests/test_markov.py), esda 2.8 (tests/test_moran.py, tests/test_geary.py) and inequality 1.1
(theil.py, gini.py). Nothing is downloaded: ``libpysal.examples.get_path`` finds the bundled
files (mexico, stl, columbus, us_income are installed with the wheel).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from libpysal import examples
from libpysal.io import open as popen

from xinzhi.disparity import (
    geary,
    gini,
    markov_chain,
    moran,
    spatial_markov,
    theil_decomposition,
    theil_t,
)
from xinzhi.disparity.markov_ergodic import (
    homogeneity_test,
    mean_first_passage_times,
    steady_states,
)


@pytest.fixture(scope="module")
def usjoin() -> tuple[pd.DataFrame, object]:
    """Relative per-capita incomes of the 48 US states 1929–2009, long, and the gal weights."""
    raw = pd.read_csv(examples.get_path("usjoin.csv"))
    years = [str(y) for y in range(1929, 2010)]
    pci = raw[years].to_numpy(dtype=float)
    long = pd.DataFrame(
        {
            "unit": np.repeat(np.arange(48).astype(str), len(years)),
            "year": np.tile(np.arange(1929, 2010), 48),
            "pci": pci.ravel(),
            "rpci": (pci / pci.mean(axis=0)).ravel(),
        }
    )
    w = popen(examples.get_path("states48.gal")).read()
    return long, w


def test_giddy_markov_us_incomes_per_year_quintiles(usjoin) -> None:
    long, _ = usjoin
    res = markov_chain(long, "pci", "unit", "year", k=5, classification="per-year")
    assert res.counts.iloc[0].tolist() == [729, 71, 1, 0, 0]  # giddy tests/test_markov.py
    assert int(res.counts.to_numpy().sum()) == 48 * 80


def test_giddy_spatial_markov_quantile_lags(usjoin) -> None:
    long, w = usjoin
    res = spatial_markov(long, "rpci", "unit", "year", w, k=5, lag_cutoffs="quantile", m=5)
    np.testing.assert_allclose(
        res.cutoffs, [0.83999133, 0.94707545, 1.03242697, 1.14911154], atol=5e-9
    )
    np.testing.assert_allclose(
        res.lag_cutoffs, [0.88973386, 0.95891917, 1.01469758, 1.1183566], atol=5e-9
    )
    p = res.probabilities
    np.testing.assert_allclose(p[0, 0], [0.96341463, 0.0304878, 0.00609756, 0, 0], atol=5e-9)
    np.testing.assert_allclose(p[4, 4], [0, 0, 0, 0.02352941, 0.97647059], atol=5e-9)
    hom = res.homogeneity.set_index("statistic")
    assert f"{hom.loc['LR', 'value']:.3f}" == "170.659"
    assert f"{hom.loc['Q', 'value']:.3f}" == "200.624"
    assert hom.loc["Q", "dof"] == 60
    ss = res.steady_state.set_index("lag_state").to_numpy()
    np.testing.assert_allclose(
        ss[0], [0.43509425, 0.2635327, 0.20363044, 0.06841983, 0.02932278], atol=5e-9
    )
    np.testing.assert_allclose(
        ss[4], [0.01776781, 0.19964349, 0.19009833, 0.25524697, 0.3372434], atol=5e-9
    )
    f0 = mean_first_passage_times(p[0])
    np.testing.assert_allclose(
        f0[0], [2.29835259, 28.95614035, 46.14285714, 80.80952381, 279.42857143], atol=5e-8
    )
    np.testing.assert_allclose(
        f0[4], [52.62865497, 18.76315789, 12.25714286, 6.0, 34.1031746], atol=5e-8
    )


def test_giddy_spatial_markov_given_cutoffs(usjoin) -> None:
    long, w = usjoin
    cc = [0.8, 0.9, 1.0, 1.2]
    res = spatial_markov(long, "rpci", "unit", "year", w, cutoffs=cc, lag_cutoffs=cc)
    p = res.probabilities
    np.testing.assert_allclose(p[0, 0], [0.96703297, 0.03296703, 0, 0, 0], atol=5e-9)
    np.testing.assert_allclose(p[0, 3], [0, 0, 0.5, 0.5, 0], atol=5e-9)
    np.testing.assert_allclose(p[4, 0], 0.0)  # lag class 4 never starts in class 0 (empty row)
    np.testing.assert_allclose(p[4, 2], [0, 0.06666667, 0.9, 0.03333333, 0], atol=5e-9)
    # giddy's steady state with fill_empty_classes (empty rows absorbing) — documented rule:
    # classes 0 and 1 are empty, hence absorbing; class 2 leaks into 1, so the two recurrent
    # classes are {0} and {1}. giddy 2.3.8 steady_state(p[4], fill_empty_classes=True) gives
    # the same two rows.
    np.testing.assert_array_equal(steady_states(p[4]), [[1, 0, 0, 0, 0], [0, 1, 0, 0, 0]])


def test_steady_state_and_mfpt_of_giddy_docstrings() -> None:
    p = np.array([[0.5, 0.25, 0.25], [0.5, 0, 0.5], [0.25, 0.25, 0.5]])
    np.testing.assert_allclose(steady_states(p), [[0.4, 0.2, 0.4]])
    np.testing.assert_allclose(
        mean_first_passage_times(p),
        [[2.5, 4.0, 3.33333333], [2.66666667, 5.0, 2.66666667], [3.33333333, 4.0, 2.5]],
        atol=5e-8,
    )
    reducible = np.array([[0.5, 0.5, 0], [0.2, 0.8, 0], [0, 0, 1]])
    np.testing.assert_allclose(
        steady_states(reducible), [[0.28571429, 0.71428571, 0], [0, 0, 1]], atol=5e-9
    )
    f = mean_first_passage_times(reducible)
    np.testing.assert_allclose(f[:2, :2], [[3.5, 2.0], [5.0, 1.4]])
    assert np.isinf(f[0, 2]) and np.isinf(f[2, 0]) and f[2, 2] == 1.0


def test_homogeneity_of_identical_regimes_is_zero() -> None:
    t = np.array([[8, 2], [3, 7]], dtype=float)
    res = homogeneity_test(np.stack([t, 2 * t]))
    assert res["Q"] == pytest.approx(0.0, abs=1e-12) and res["LR"] == pytest.approx(0.0, abs=1e-12)
    assert res["dof"] == 2 and res["Q_p_value"] == pytest.approx(1.0)


def test_esda_moran_st_louis_homicides() -> None:
    w = popen(examples.get_path("stl.gal")).read()
    y = np.array(popen(examples.get_path("stl_hom.txt")).by_col["HR8893"])
    df = pd.DataFrame({"unit": [str(i) for i in w.id_order], "hr": y})
    res = moran(df, "hr", "unit", w, permutations=0)
    row = res.table.iloc[0]
    np.testing.assert_allclose(row["I"], 0.24365582621771659, rtol=1e-10)
    np.testing.assert_allclose(row["p_norm"] / 2, 0.00013573931385468807, rtol=1e-7)


def test_esda_moran_variance_on_3x3_lattice() -> None:
    from libpysal.weights import lat2W

    w = lat2W(3, 3)
    df = pd.DataFrame({"unit": [str(i) for i in w.id_order], "y": np.arange(1, 10)})
    row = moran(df, "y", "unit", w, permutations=0, transform="b").table.iloc[0]
    np.testing.assert_allclose(row["VI_rand"], 0.059687500000000004, rtol=1e-10)
    np.testing.assert_allclose(row["VI_norm"], 0.053125000000000006, rtol=1e-10)


def test_esda_geary_columbus_crime() -> None:
    from libpysal.weights import Rook

    w = Rook.from_shapefile(
        examples.get_path("columbus.shp")
    )  # as esda's test (rook, not the .gal)
    crime = np.array(popen(examples.get_path("columbus.dbf")).by_col["CRIME"])
    df = pd.DataFrame({"unit": [str(i) for i in w.id_order], "crime": crime})
    row = geary(df, "crime", "unit", w, permutations=99).table.iloc[0]
    np.testing.assert_allclose(row["C"], 0.5154408058652411, rtol=1e-10)
    np.testing.assert_allclose(row["VC_norm"], 0.011403109626468939, rtol=1e-10)
    np.testing.assert_allclose(row["VC_rand"], 0.010848882767131886, rtol=1e-10)
    np.testing.assert_allclose(row["z_norm"], -4.5376938201608, rtol=1e-10)
    np.testing.assert_allclose(row["z_rand"], -4.652156651668989, rtol=1e-10)
    np.testing.assert_allclose(row["p_norm"] / 2, 2.8436375936967054e-06, rtol=1e-7)
    assert row["p_sim"] == pytest.approx(0.01)  # all 99 permutations less extreme


def test_inequality_theil_and_gini_mexico() -> None:
    mex = pd.read_csv(examples.get_path("mexico.csv"))
    np.testing.assert_allclose(theil_t(mex["pcgdp1940"]), 0.20894344, atol=5e-9)
    np.testing.assert_allclose(gini(mex["pcgdp1940"]), 0.35372371173452849, rtol=1e-12)
    cols = [f"pcgdp{dec}" for dec in range(1940, 2010, 10)]
    long = mex.melt(id_vars=["State", "hanson98"], value_vars=cols, var_name="year", value_name="y")
    res = theil_decomposition(long, "y", "hanson98", by="year", index="T")
    np.testing.assert_allclose(
        res.overall["T_between"],
        [0.0345889, 0.02816853, 0.05260921, 0.05931219, 0.03205257, 0.02963731, 0.03635872],
        atol=5e-9,
    )
    np.testing.assert_allclose(
        res.overall["T_within"],
        [0.17435454, 0.12405598, 0.0521202, 0.04263506, 0.06354856, 0.07547525, 0.0702496],
        atol=5e-9,
    )


def test_inequality_theil_two_groups_with_zeros() -> None:
    df = pd.DataFrame({"y": [0, 0, 0, 10, 10, 10], "g": [0, 0, 0, 1, 1, 1]})
    row = theil_decomposition(df, "y", "g", index="T").overall.iloc[0]
    assert row["T"] == pytest.approx(0.6931471805599453)
    assert row["T_between"] == pytest.approx(0.6931471805599453)
    assert row["T_within"] == pytest.approx(0.0)
