"""Published unit values: entropy, CRITIC, TOPSIS, AHP; combination rules; coupling levels."""

from __future__ import annotations

import numpy as np
import pytest

from xinzhi.errors import ComputationError, ConfigError
from xinzhi.evaluate import aggregate as agg
from xinzhi.evaluate import weights as wts
from xinzhi.evaluate.ahp import ahp, ahp_system_weights, read_judgements
from xinzhi.evaluate.coupling import classify, coupling_coordination
from xinzhi.evaluate.normalize import minmax, vector


def test_entropy_xu_2004() -> None:
    # Xu (2004), EJOR 156(2): entropy on the sum-normalised raw matrix
    x = np.array([[30, 30, 38, 29], [19, 54, 86, 29], [19, 15, 85, 28.9], [68, 70, 60, 29]])
    np.testing.assert_allclose(wts.entropy(x), [0.4630, 0.3992, 0.1378, 0.0000], atol=5e-5)


def test_entropy_zavadskas_podvezko_2016() -> None:
    x = np.array([[3.0, 100, 10, 7], [2.5, 80, 8, 5], [1.8, 50, 20, 11], [2.2, 70, 12, 9]])
    np.testing.assert_allclose(wts.entropy(x), [0.1146, 0.1981, 0.4185, 0.2689], atol=5e-5)


def test_critic_tus_adali_2019() -> None:
    # Tuş & Aytaç Adalı (2019), Opsearch 56(2); min–max normalised, all criteria as benefit
    x = np.array(
        [
            [5000, 3, 3, 4, 3, 2],
            [680, 5, 3, 2, 2, 1],
            [2000, 3, 2, 3, 4, 3],
            [600, 4, 3, 1, 2, 2],
            [800, 2, 4, 3, 3, 4],
        ],
        dtype=float,
    )
    z = minmax(x, np.ones(6, dtype=bool))
    np.testing.assert_allclose(wts.critic(z), [0.157, 0.249, 0.168, 0.121, 0.154, 0.151], atol=5e-4)


def test_topsis_papathanasiou_ploskas_2018() -> None:
    x = np.array(
        [[8, 7, 2, 1], [5, 3, 7, 5], [7, 5, 6, 4], [9, 9, 7, 3], [11, 10, 3, 7], [6, 9, 5, 4]],
        dtype=float,
    )
    z = vector(x, np.ones(4, dtype=bool))
    c = agg.topsis(z, np.array([0.4, 0.3, 0.1, 0.2]))
    np.testing.assert_allclose(c, [0.387, 0.327, 0.391, 0.615, 0.868, 0.493], atol=5e-4)


def test_topsis_per_year_uses_group_ideals() -> None:
    z = np.array([[0.0, 0.0], [1.0, 1.0], [0.2, 0.2], [0.4, 0.4]])
    c = agg.topsis(z, np.array([0.5, 0.5]), np.array([0, 0, 1, 1]))
    np.testing.assert_allclose(c, [0.0, 1.0, 0.0, 1.0])


def test_grey_relational_hand_example() -> None:
    # reference = column max (1, 1); Δ = [[0,1],[1,0],[0.5,0.5]]; Δmin=0, Δmax=1, ρ=0.5
    z = np.array([[1.0, 0.0], [0.0, 1.0], [0.5, 0.5]])
    g = agg.grey_relational(z, np.array([0.75, 0.25]))
    xi = np.array([[1, 1 / 3], [1 / 3, 1], [0.5, 0.5]])
    np.testing.assert_allclose(g, xi @ [0.75, 0.25])


def test_combination_rules() -> None:
    a, b = np.array([0.5, 0.3, 0.2]), np.array([0.2, 0.2, 0.6])
    mean, _ = wts.combine({"entropy": a, "critic": b}, "mean")
    np.testing.assert_allclose(mean, [0.35, 0.25, 0.4])
    mult, _ = wts.combine([a, b], "multiplicative")
    np.testing.assert_allclose(mult, a * b / (a * b).sum())
    game, alpha = wts.combine([a, b], "game")
    # closed form for K = 2: solve [[a·a, a·b],[a·b, b·b]] α = [a·a, b·b]
    g = np.array([[a @ a, a @ b], [a @ b, b @ b]])
    raw = np.abs(np.linalg.solve(g, [a @ a, b @ b]))
    np.testing.assert_allclose(alpha, raw / raw.sum())
    np.testing.assert_allclose(game, alpha[0] * a + alpha[1] * b)
    same, _ = wts.combine([a, a], "game")
    np.testing.assert_allclose(same, a)


def test_fixed_weights_rescale_the_rest() -> None:
    w = wts.apply_fixed(np.array([0.5, 0.3, 0.2]), np.array([np.nan, 0.04, np.nan]))
    np.testing.assert_allclose(w, [0.96 * 0.5 / 0.7, 0.04, 0.96 * 0.2 / 0.7])
    with pytest.raises(ConfigError, match="超过 1"):
        wts.apply_fixed(np.array([0.5, 0.5]), np.array([0.7, 0.6]))


def test_cv_std_equal() -> None:
    z = np.array([[1.0, 2.0], [3.0, 2.5], [5.0, 3.0]])
    s = z.std(axis=0, ddof=1)
    np.testing.assert_allclose(wts.std(z), s / s.sum())
    v = s / z.mean(axis=0)
    np.testing.assert_allclose(wts.cv(z), v / v.sum())
    np.testing.assert_allclose(wts.equal(4), [0.25] * 4)


def test_ahp_saaty_light_intensity() -> None:
    # Saaty (1977, 1980): relative brightness of four chairs; λmax = 4.39, w ≈ (.61 .24 .10 .05)
    a = [[1, 5, 6, 7], ["1/5", 1, 4, 6], ["1/6", "1/4", 1, 4], ["1/7", "1/6", "1/4", 1]]
    r = ahp(a, allow_inconsistent=True)
    assert r.lambda_max == pytest.approx(4.39, abs=0.005)
    np.testing.assert_allclose(r.weights, [0.61, 0.24, 0.10, 0.05], atol=0.01)
    assert r.ci == pytest.approx((r.lambda_max - 4) / 3)
    assert r.cr == pytest.approx(r.ci / 0.90)
    assert r.cr > 0.1
    with pytest.raises(ComputationError, match="CR="):
        ahp(a)
    al = ahp(a, ri_table="alonso-lamata", allow_inconsistent=True)
    assert al.cr == pytest.approx(r.ci / 0.8815)
    with pytest.raises(ConfigError, match="alonso-lamata"):
        ahp(a, ri_table="tummala-ling")


def test_ahp_consistent_matrix_and_hierarchy() -> None:
    w = np.array([0.5, 0.3, 0.2])
    r = ahp(w[:, None] / w[None, :])
    np.testing.assert_allclose(r.weights, w)
    assert r.lambda_max == pytest.approx(3.0)
    assert r.cr == pytest.approx(0.0, abs=1e-12)
    blocks = read_judgements(
        [
            {"criteria": ["D1", "D2"], "matrix": [[1, 3], ["1/3", 1]]},
            {"criteria": ["a", "b"], "matrix": [[1, 1], [1, 1]]},
            {"criteria": ["c"], "matrix": [[1]]},
        ]
    )
    gw, _ = ahp_system_weights(blocks, ["a", "b", "c"], {"a": "D1", "b": "D1", "c": "D2"})
    np.testing.assert_allclose(gw, [0.375, 0.375, 0.25])
    with pytest.raises(ConfigError, match="互反"):
        ahp([[1, 2], [2, 1]])


def test_coupling_levels_and_forms() -> None:
    assert list(classify(np.array([0.05, 0.1, 0.55, 0.95, 1.0]))) == [
        "极度失调", "严重失调", "勉强协调", "优质协调", "优质协调"
    ]  # fmt: skip
    u = np.array([[0.4, 0.4], [0.2, 0.8]])
    cc = coupling_coordination(u)
    # standard: C = 2·sqrt(u1·u2)/(u1+u2)
    np.testing.assert_allclose(cc["C"], [1.0, 2 * 0.4 / 1.0])
    np.testing.assert_allclose(cc["D"], np.sqrt(cc["C"] * u.mean(axis=1)))
    wk = coupling_coordination(u, form="wang-kong")
    # n = 2: C = sqrt((1 − |u1 − u2|) · min/max)
    np.testing.assert_allclose(wk["C"], [1.0, np.sqrt((1 - 0.6) * 0.25)])


def test_ahp_from_excel(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import pandas as pd

    p = tmp_path / "ahp.xlsx"
    labels = ["a", "b", "c"]
    with pd.ExcelWriter(p, engine="xlsxwriter") as xw:
        pd.DataFrame(
            [[1, 3, 5], ["1/3", 1, 2], ["1/5", "1/2", 1]], index=labels, columns=labels
        ).to_excel(xw, sheet_name="指标")
    (block,) = read_judgements(p)
    assert block.criteria == ("a", "b", "c")
    r = ahp(block.matrix, block.criteria)
    # geometric-mean approximation is close to the eigenvector for this near-consistent matrix
    gm = np.prod(block.matrix, axis=1) ** (1 / 3)
    np.testing.assert_allclose(r.weights, gm / gm.sum(), atol=2e-3)
    assert r.cr < 0.1
    assert block.matrix[1, 0] == pytest.approx(1 / 3)
