"""PCA and correlation-optimised weights; game-theory combination (issue #12 part 5).

PCA convention (OECD/JRC Handbook 2008 §6.1, unrotated): components with eigenvalue > 1 kept;
scaled squared loading ℓ²_jk/Σ_i ℓ²_ik = v²_jk; w_j ∝ v²_jk* · λ_k*/Σ_kept λ at the component k*
where v²_jk is largest (``rule="max"``), or summed over kept components (``rule="sum"``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import scipy.linalg

from xinzhi.errors import ComputationError, ConfigError
from xinzhi.evaluate import weights as wts
from xinzhi.evaluate.engine import evaluate
from xinzhi.indicators.system import IndicatorSystem


def _designed() -> np.ndarray:
    """8 rows whose correlation matrix is block-diagonal: r12 = 0.6, r34 = 0.2, 0 across pairs."""
    h = scipy.linalg.hadamard(8).astype(float)[:, 1:5]  # orthogonal, centred columns
    e = h / np.linalg.norm(h, axis=0)
    x1 = e[:, 0]
    x2 = 0.6 * e[:, 0] + 0.8 * e[:, 1]
    x3 = e[:, 2]
    x4 = 0.2 * e[:, 2] + np.sqrt(0.96) * e[:, 3]
    return np.column_stack([x1, x2, x3, x4])


def test_pca_by_hand() -> None:
    z = _designed()
    # eigenvalues 1.6 (v = (1, 1, 0, 0)/√2), 1.2 (v = (0, 0, 1, 1)/√2), 0.8, 0.4; keep 1.6, 1.2;
    # shares 1.6/2.8 = 4/7, 1.2/2.8 = 3/7; w = (½·4/7, ½·4/7, ½·3/7, ½·3/7) = (2/7, 2/7, 3/14, 3/14)
    expected = [2 / 7, 2 / 7, 3 / 14, 3 / 14]
    np.testing.assert_allclose(wts.pca(z), expected, atol=1e-12)
    np.testing.assert_allclose(wts.pca(z, rule="sum"), expected, atol=1e-12)
    np.testing.assert_allclose(wts.objective_weights("pca", z), expected, atol=1e-12)


def test_pca_two_correlated_columns_equal() -> None:
    # R = [[1, r], [r, 1]], r > 0: λ = 1 ± r, only 1 + r kept, v = (1, 1)/√2 → (½, ½)
    z = np.array([[1.0, 2.0], [2.0, 2.5], [3.0, 5.0], [4.0, 4.0]])
    np.testing.assert_allclose(wts.pca(z), [0.5, 0.5], atol=1e-12)


def test_pca_against_scipy_eigh() -> None:
    rng = np.random.default_rng(7)
    base = rng.normal(size=(60, 2))
    z = np.column_stack(
        [
            base[:, 0],
            base[:, 0] + 0.7 * rng.normal(size=60),
            base[:, 1],
            rng.normal(size=60),
            base[:, 1] - base[:, 0],
        ]
    )
    r = np.corrcoef(z, rowvar=False)
    lam, vec = scipy.linalg.eigh(r)
    lam, vec = lam[::-1], vec[:, ::-1]
    kept = lam > 1
    loadings = vec[:, kept] * np.sqrt(lam[kept])  # ℓ_jk = v_jk √λ_k
    scaled = loadings**2 / (loadings**2).sum(axis=0)  # = v_jk²
    share = lam[kept] / lam[kept].sum()
    best = scaled.argmax(axis=1)
    raw_max = scaled[np.arange(5), best] * share[best]
    raw_sum = scaled @ share
    np.testing.assert_allclose(wts.pca(z), raw_max / raw_max.sum(), atol=1e-10)
    np.testing.assert_allclose(wts.pca(z, rule="sum"), raw_sum / raw_sum.sum(), atol=1e-10)


def test_pca_errors() -> None:
    with pytest.raises(ComputationError, match="常数列"):
        wts.pca(np.array([[1.0, 2.0], [1.0, 3.0], [1.0, 5.0]]))
    with pytest.raises(ConfigError, match="规则"):
        wts.pca(_designed(), rule="varimax")


def test_corr_opt_two_uncorrelated_columns() -> None:
    # x1 = (1, −1, 1, −1) (σ ∝ 1), x2 = 2·(1, 1, −1, −1) (σ ∝ 2), uncorrelated:
    # corr(x_j, y) ∝ w_j σ_j, equal when w1·1 = w2·2 → w = (2/3, 1/3)
    z = np.column_stack([[1.0, -1, 1, -1], [2.0, 2, -2, -2]])
    np.testing.assert_allclose(wts.correlation_optimised(z), [2 / 3, 1 / 3], atol=1e-6)


def test_corr_opt_balances_correlations() -> None:
    rng = np.random.default_rng(1)
    a = rng.normal(size=(100, 1))
    z = np.hstack(
        [
            a + 0.3 * rng.normal(size=(100, 1)),
            a + rng.normal(size=(100, 1)),
            rng.normal(size=(100, 2)),
        ]
    )
    w = wts.objective_weights("corr-opt", z)
    assert w.min() >= 0 and abs(w.sum() - 1) < 1e-12
    c = z - z.mean(axis=0)
    y = c @ w
    r = c.T @ y / np.sqrt((c * c).sum(axis=0) * (y @ y))
    np.testing.assert_allclose(r**2 / (r**2).sum(), 0.25, atol=1e-4)
    # equal weights are far from balanced here (the two related columns dominate)
    y0 = c @ np.full(4, 0.25)
    r0 = c.T @ y0 / np.sqrt((c * c).sum(axis=0) * (y0 @ y0))
    assert np.abs(r0**2 / (r0**2).sum() - 0.25).max() > 0.05


def test_game_theory_combination_by_hand() -> None:
    w1, w2 = np.array([0.6, 0.4]), np.array([0.2, 0.8])
    # Gram = [[0.52, 0.44], [0.44, 0.68]], rhs = (0.52, 0.68); det = 0.3536 − 0.1936 = 0.16;
    # α1 = 0.08·0.68/0.16 = 0.34, α2 = 0.52·0.24/0.16 = 0.78 → α* = (0.34, 0.78)/1.12;
    # w = 0.303571·(0.6, 0.4) + 0.696429·(0.2, 0.8) = (0.321429, 0.678571)
    w, coef = wts.combine({"a": w1, "b": w2}, "game")
    np.testing.assert_allclose(coef, [0.34 / 1.12, 0.78 / 1.12], atol=1e-12)
    np.testing.assert_allclose(w, [0.321428571, 0.678571429], atol=1e-9)


def test_engine_pca_weights_and_combined_ingredient() -> None:
    system = IndicatorSystem.from_dict(
        {
            "name": "示例",
            "dimensions": [
                {
                    "name": "D",
                    "indicators": [{"code": c, "name": c, "direction": "+"} for c in "abcd"],
                }
            ],
        }
    )
    z = _designed()
    df = pd.DataFrame(z, columns=list("abcd"))  # 示例数据
    df.insert(0, "unit", [f"县{i}" for i in range(8)])
    # min–max is a positive linear map of each column: correlations and PCA weights unchanged
    res = evaluate(df, system, weights="pca")
    np.testing.assert_allclose(res.weights, [2 / 7, 2 / 7, 3 / 14, 3 / 14], atol=1e-12)
    res = evaluate(df, system, weights="combined", ingredients=["pca", "equal"])
    np.testing.assert_allclose(res.weights, [(2 / 7 + 0.25) / 2] * 2 + [(3 / 14 + 0.25) / 2] * 2)
