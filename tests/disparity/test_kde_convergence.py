"""Kernel density and convergence."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import integrate, stats

from xinzhi.disparity import beta_convergence, kernel_density, sigma_convergence
from xinzhi.disparity.kernel_density import bandwidth


def test_bandwidth_rules() -> None:
    y = np.array([1.0, 2, 3, 4, 10, 12, 13, 20])
    s = np.std(y, ddof=1)
    iqr = np.subtract(*np.quantile(y, [0.75, 0.25]))
    n = y.size
    assert bandwidth(y, "silverman") == pytest.approx(0.9 * min(s, iqr / 1.34) * n**-0.2)
    assert bandwidth(y, "stata") == pytest.approx(0.9 * min(s, iqr / 1.349) * n**-0.2)
    assert bandwidth(y, "scott") == pytest.approx(stats.gaussian_kde(y).factor * s)
    assert bandwidth(y, 0.5) == 0.5


@pytest.mark.parametrize("kernel", ["gaussian", "epanechnikov", "epanechnikov_stata"])
def test_density_integrates_to_one_and_gaussian_matches_scipy(kernel: str) -> None:
    rng = np.random.default_rng(1)
    df = pd.DataFrame({"y": rng.normal(size=200), "t": np.repeat([1, 2], 100)})
    res = kernel_density(df, "y", "t", kernel=kernel, grid_size=2001)  # type: ignore[arg-type]
    for _, g in res.grid.groupby("by"):
        assert integrate.trapezoid(g["density"], g["x"]) == pytest.approx(1.0, abs=2e-3)
    assert res.surface().shape == (2001, 2)
    if kernel == "gaussian":
        one = df[df.t == 1]["y"].to_numpy()
        h = res.stats.iloc[0]["bandwidth"]
        kde = stats.gaussian_kde(one, bw_method=h / np.std(one, ddof=1))
        g1 = res.grid[res.grid.by == 1]
        np.testing.assert_allclose(g1["density"], kde(g1["x"].to_numpy()), rtol=1e-10, atol=1e-14)


def test_two_peaks_are_found() -> None:
    y = np.r_[
        np.full(30, 1.0) + np.linspace(-0.1, 0.1, 30), np.full(30, 5.0) + np.linspace(-0.1, 0.1, 30)
    ]
    res = kernel_density(pd.DataFrame({"y": y}), "y", bandwidth_rule=0.3)
    assert res.stats.iloc[0]["n_peaks"] == 2
    np.testing.assert_allclose(np.sort(res.peaks["x"]), [1.0, 5.0], atol=0.02)


def test_sigma_and_beta_convergence_on_a_converging_panel() -> None:
    rng = np.random.default_rng(3)
    n, years = 60, np.arange(2010, 2021)
    y0 = rng.lognormal(0, 0.5, n)
    rows = []
    ly = np.log(y0)
    for t in years:
        rows.append(pd.DataFrame({"u": np.arange(n).astype(str), "t": t, "y": np.exp(ly)}))
        ly = ly + 0.02 - 0.1 * (ly - ly.mean()) + rng.normal(0, 0.01, n)
    df = pd.concat(rows, ignore_index=True)
    sig = sigma_convergence(df, "y", "t", measure="std_log")
    assert sig.slope < 0 and sig.table["sigma"].iloc[-1] < sig.table["sigma"].iloc[0]
    beta = beta_convergence(df, "y", "u", "t")
    assert beta.beta == pytest.approx(-0.1, abs=0.01)
    st = beta.stats.set_index("statistic")["value"]
    assert st["speed"] == pytest.approx(-np.log(1 + beta.beta), rel=1e-12)
    assert st["half_life"] == pytest.approx(np.log(2) / st["speed"], rel=1e-12)
    cross = beta_convergence(df, "y", "u", "t", kind="cross-section")
    assert cross.beta < 0 and cross.options["type"] == "absolute"
    cond = beta_convergence(df, "y", "u", "t", fixed_effects="two-way", cov_type="cluster")
    assert cond.options["type"] == "conditional" and cond.beta < 0
    # HC1 standard error equals statsmodels' own
    import statsmodels.api as sm

    d = df.sort_values(["u", "t"]).copy()
    d["g"] = np.log(d.groupby("u")["y"].shift(-1) / d["y"])
    d = d.dropna()
    fit = sm.OLS(d["g"], sm.add_constant(np.log(d["y"]))).fit(cov_type="HC1")
    assert beta.coefficients.set_index("term").loc["ln_y0", "se"] == pytest.approx(
        fit.bse.iloc[1], rel=1e-10
    )


def _line_weights() -> object:
    from xinzhi.disparity.spatial_weights import weights_from_adjacency

    # five units on a line: a–b–c–d–e
    adj = pd.DataFrame({"unit": ["a", "b", "c", "d"], "neighbor": ["b", "c", "d", "e"]})
    return weights_from_adjacency(adj)


def test_spatial_slx_beta_convergence_recovers_exact_coefficients() -> None:
    """Noise-free growth g_i = 0.1 − 0.05 ln y_i0 + 0.02 Σ_j w_ij ln y_j0 (row-standardised
    line neighbours) over T = 10 years: OLS returns α, β, θ exactly."""
    units = ["a", "b", "c", "d", "e"]
    y0 = np.array([1.0, 2.0, 4.0, 3.0, 8.0])
    ln0 = np.log(y0)
    # row-standardised lags: a←b, b←(a+c)/2, c←(b+d)/2, d←(c+e)/2, e←d
    lag = np.array(
        [ln0[1], (ln0[0] + ln0[2]) / 2, (ln0[1] + ln0[3]) / 2, (ln0[2] + ln0[4]) / 2, ln0[3]]
    )
    g = 0.1 - 0.05 * ln0 + 0.02 * lag
    y10 = y0 * np.exp(g * 10)  # (ln y_T − ln y_0)/T = g
    df = pd.DataFrame({"unit": units * 2, "year": [2010] * 5 + [2020] * 5, "y": [*y0, *y10]})
    res = beta_convergence(df, "y", "unit", "year", kind="cross-section", weights=_line_weights())
    coef = res.coefficients.set_index("term")["coef"]
    assert coef["const"] == pytest.approx(0.1, abs=1e-12)
    assert coef["ln_y0"] == pytest.approx(-0.05, abs=1e-12)
    assert coef["w_ln_y0"] == pytest.approx(0.02, abs=1e-12)
    assert res.options["spatial"] == "slx"
    # speed from β: λ = −ln(1 + βT)/T = −ln(0.5)/10
    speed = res.stats.set_index("statistic")["value"]["speed"]
    assert speed == pytest.approx(np.log(2) / 10, rel=1e-10)


def test_spatial_slx_panel_equals_statsmodels_with_a_hand_lag() -> None:
    import statsmodels.api as sm

    rng = np.random.default_rng(11)
    units = ["a", "b", "c", "d", "e"]
    years = [2018, 2019, 2020, 2021]
    y = rng.uniform(1.0, 5.0, (5, 4))
    df = pd.DataFrame({"unit": np.repeat(units, 4), "year": years * 5, "y": y.ravel()})
    res = beta_convergence(df, "y", "unit", "year", kind="panel", weights=_line_weights())
    # by hand: each starting year t, lag of ln y_t over the line neighbours
    w = np.array(
        [
            [0, 1, 0, 0, 0],
            [0.5, 0, 0.5, 0, 0],
            [0, 0.5, 0, 0.5, 0],
            [0, 0, 0.5, 0, 0.5],
            [0, 0, 0, 1, 0],
        ]
    )
    ln = np.log(y)
    rows = []
    for t in range(3):
        lag = w @ ln[:, t]
        for i in range(5):
            rows.append((ln[i, t + 1] - ln[i, t], ln[i, t], lag[i]))
    arr = np.array(rows)
    ref = sm.OLS(arr[:, 0], sm.add_constant(arr[:, 1:])).fit(cov_type="HC1")
    got = res.coefficients.set_index("term")
    np.testing.assert_allclose(got["coef"].to_numpy(), ref.params, rtol=1e-10)
    np.testing.assert_allclose(got["se"].to_numpy(), ref.bse, rtol=1e-10)
