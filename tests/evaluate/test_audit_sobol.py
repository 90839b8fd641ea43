"""Sobol indices (Saltelli 2010 first-order, Jansen 1999 total) on the Ishigami function."""

from __future__ import annotations

import numpy as np
import pytest

from xinzhi.evaluate.audit import sobol_indices, sobol_sample

A, B = 7.0, 0.1


def ishigami(x: np.ndarray) -> np.ndarray:
    """Ishigami & Homma (1990): sin x1 + a sin² x2 + b x3⁴ sin x1 on x ~ U(−π, π)³."""
    return np.sin(x[:, 0]) + A * np.sin(x[:, 1]) ** 2 + B * x[:, 2] ** 4 * np.sin(x[:, 0])


# Analytic variances (Sobol' & Levitan 1999; as tabulated by UQWorld "Ishigami function" and
# the OpenTURNS use case page): V = a²/8 + bπ⁴/5 + b²π⁸/18 + 1/2, V1 = ½(1 + bπ⁴/5)²,
# V2 = a²/8, V3 = 0, V13 = 8b²π⁸/225.
PI = np.pi
V = A**2 / 8 + B * PI**4 / 5 + B**2 * PI**8 / 18 + 0.5  # = 13.8446
V1 = 0.5 * (1 + B * PI**4 / 5) ** 2  # = 4.3454
V2 = A**2 / 8  # = 6.125
V13 = 8 * B**2 * PI**8 / 225  # = 3.3737
S1 = np.array([V1 / V, V2 / V, 0.0])  # ≈ (0.3139, 0.4424, 0)
ST = np.array([(V1 + V13) / V, V2 / V, V13 / V])  # ≈ (0.5576, 0.4424, 0.2437)


def test_analytic_values_match_the_published_ones() -> None:
    np.testing.assert_allclose(S1, [0.3139, 0.4424, 0.0], atol=5e-5)
    np.testing.assert_allclose(ST, [0.5576, 0.4424, 0.2437], atol=5e-5)


def _run(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    a, b, abs_ = sobol_sample(n, [0, 1, 2], seed=seed)
    f = lambda u: ishigami(-PI + 2 * PI * u)  # noqa: E731
    t = sobol_indices(f(a), f(b), [f(ab) for ab in abs_])
    return t["S1"].to_numpy(), t["ST"].to_numpy()


def test_ishigami_indices_converge_to_the_analytic_values() -> None:
    s1, st = _run(2**15, seed=1)
    np.testing.assert_allclose(s1, S1, atol=0.02)
    np.testing.assert_allclose(st, ST, atol=0.02)
    # x2 has no interaction: S1 ≈ ST; x3 acts only through x1: S1 ≈ 0 < ST
    assert abs(st[1] - s1[1]) < 0.02 and st[2] > 0.2


def test_grouped_factors() -> None:
    # grouping x1 and x3: the group's first-order index is (V1 + V13)/V (all of its variance)
    a, b, abs_ = sobol_sample(2**14, [0, 1, 0], seed=2)
    f = lambda u: ishigami(-PI + 2 * PI * u)  # noqa: E731
    t = sobol_indices(f(a), f(b), [f(ab) for ab in abs_])
    assert len(t) == 2
    assert t["S1"].iloc[0] == pytest.approx((V1 + V13) / V, abs=0.02)
    assert t["ST"].iloc[1] == pytest.approx(V2 / V, abs=0.02)


def test_constant_output_gives_zero_and_bootstrap_brackets() -> None:
    z = np.ones(8)
    t = sobol_indices(z, z, [z, z])
    assert (t[["S1", "ST"]].to_numpy() == 0).all()
    a, b, abs_ = sobol_sample(2**12, [0, 1, 2], seed=3)
    f = lambda u: ishigami(-PI + 2 * PI * u)  # noqa: E731
    tb = sobol_indices(f(a), f(b), [f(ab) for ab in abs_], n_boot=100, seed=0)
    assert ((tb["ST_lo"] <= tb["ST"]) & (tb["ST"] <= tb["ST_hi"])).all()


def test_dummy_input_has_zero_indices() -> None:
    # a fourth input that the function ignores: f(A_B⁴) = f(A) exactly → S1 = ST = 0
    a, b, abs_ = sobol_sample(2**10, [0, 1, 2, 3], seed=4)
    f = lambda u: ishigami(-PI + 2 * PI * u[:, :3])  # noqa: E731
    t = sobol_indices(f(a), f(b), [f(ab) for ab in abs_])
    assert t["S1"].iloc[3] == 0.0 and t["ST"].iloc[3] == 0.0
