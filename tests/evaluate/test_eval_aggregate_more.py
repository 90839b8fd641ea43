"""Geometric / harmonic means, Copeland, VIKOR and PROMETHEE II (issue #12 part 5).

References: VIKOR — Papathanasiou & Ploskas (2018), *Multiple Criteria Decision Aid*, ch. 2
(matrix and Q values as stored in pyrepo-mcda 0.1.15 ``tests/test_mcda_methods.py``,
``Test_VIKOR``) and the pymcdm 1.4.0 ``VIKOR`` docstring example; PROMETHEE II — the pymcdm 1.4.0
``PROMETHEE_II`` docstring example (checked by hand below) and pymcdm itself for every preference
function.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from xinzhi.errors import ComputationError, ConfigError
from xinzhi.evaluate import aggregate as agg
from xinzhi.evaluate.engine import evaluate
from xinzhi.evaluate.normalize import minmax
from xinzhi.indicators.system import IndicatorSystem


def test_geometric_by_hand() -> None:
    z = np.array([[0.25, 1.0], [1.0, 0.5]])
    # equal weights: √(0.25·1) = 0.5, √(1·0.5) = 0.70711
    np.testing.assert_allclose(agg.geometric_mean(z, np.array([0.5, 0.5])), [0.5, 0.5**0.5])
    # w = (0.75, 0.25): 0.25^0.75 = 0.353553, 0.5^0.25 = 0.840896
    got = agg.aggregate("geometric", z, np.array([0.75, 0.25]))
    np.testing.assert_allclose(got, [0.3535533906, 0.8408964153], atol=1e-10)


def test_harmonic_by_hand() -> None:
    z = np.array([[0.25, 1.0], [1.0, 0.5]])
    # 1/(0.5/0.25 + 0.5/1) = 1/2.5 = 0.4 ; 1/(0.5/1 + 0.5/0.5) = 1/1.5 = 0.666…
    got = agg.aggregate("harmonic", z, np.array([0.5, 0.5]))
    np.testing.assert_allclose(got, [0.4, 2 / 3])


def test_means_need_positive_values_where_weighted() -> None:
    z = np.array([[0.0, 1.0], [1.0, 0.5]])
    with pytest.raises(ComputationError, match="shift"):
        agg.geometric_mean(z, np.array([0.5, 0.5]))
    with pytest.raises(ComputationError, match="严格为正"):
        agg.harmonic_mean(z, np.array([0.5, 0.5]))
    # a zero on an indicator of weight 0 does not matter: row 1 = 1^1 = 1, row 2 = 0.5
    np.testing.assert_allclose(agg.geometric_mean(z, np.array([0.0, 1.0])), [1.0, 0.5])
    np.testing.assert_allclose(agg.harmonic_mean(z, np.array([0.0, 1.0])), [1.0, 0.5])


@settings(max_examples=60, deadline=None)
@given(
    arrays(np.float64, (5, 3), elements=st.floats(0.01, 1.0)),
    arrays(np.float64, 3, elements=st.floats(0.05, 1.0)),
)
def test_mean_inequality(z: np.ndarray, raw: np.ndarray) -> None:
    w = raw / raw.sum()
    h, g, a = agg.harmonic_mean(z, w), agg.geometric_mean(z, w), agg.weighted_sum(z, w)
    assert (h <= g + 1e-12).all() and (g <= a + 1e-12).all()


def test_copeland_by_hand() -> None:
    z = np.array([[3.0, 1.0, 1.0], [2.0, 2.0, 2.0], [1.0, 3.0, 3.0]])
    w = np.array([0.4, 0.35, 0.25])
    # A vs B: A better on 1 (0.4), B on 2, 3 (0.6) → B wins; A vs C: C wins (0.6 vs 0.4);
    # B vs C: C wins (0.6 vs 0.4). C = 2 − 0 = 2, B = 1 − 1 = 0, A = 0 − 2 = −2.
    np.testing.assert_array_equal(agg.copeland(z, w), [-2, 0, 2])
    # w = (0.5, 0.3, 0.2): every pair splits 0.5 / 0.5 (0.5 − 0.3 − 0.2 = 5.6e-17 is a tie)
    np.testing.assert_array_equal(agg.copeland(z, np.array([0.5, 0.3, 0.2])), [0, 0, 0])


def test_copeland_is_not_compensatory() -> None:
    # A is far ahead on indicator 1 only; B is slightly ahead on 2 and 3 (w equal)
    z = np.array([[100.0, 1.0, 1.0], [1.0, 1.1, 1.1]])
    w = np.full(3, 1 / 3)
    assert agg.weighted_sum(z, w)[0] > agg.weighted_sum(z, w)[1]
    # pairwise: B wins with 2/3 of the weight → B = +1, A = −1
    np.testing.assert_array_equal(agg.copeland(z, w), [-1, 1])


def test_copeland_groups_equal_separate_runs() -> None:
    rng = np.random.default_rng(3)
    z = rng.random((9, 4))
    w = np.array([0.1, 0.2, 0.3, 0.4])
    g = np.array([1, 0, 1, 0, 1, 0, 1, 1, 0])
    out = agg.copeland(z, w, g)
    for k in (0, 1):
        np.testing.assert_array_equal(out[g == k], agg.copeland(z[g == k], w))


PAPATHANASIOU_VIKOR = np.array(
    [[8, 7, 2, 1], [5, 3, 7, 5], [7, 5, 6, 4], [9, 9, 7, 3], [11, 10, 3, 7], [6, 9, 5, 4]],
    dtype=float,
)


def test_vikor_papathanasiou_ploskas_2018() -> None:
    w = np.array([0.4, 0.3, 0.1, 0.2])
    z = minmax(PAPATHANASIOU_VIKOR, np.ones(4, dtype=bool))
    score, _s, _r, q = agg.vikor(z, w, v=0.625, return_parts=True)
    # Q as published (3 decimals), and the score is 1 − Q
    np.testing.assert_allclose(q, [0.640, 1.000, 0.693, 0.271, 0.000, 0.694], atol=5e-4)
    np.testing.assert_allclose(score, 1 - q)


def test_vikor_against_pyrepo_and_pymcdm() -> None:
    pyrepo = pytest.importorskip("pyrepo_mcda.mcda_methods")
    pymcdm = pytest.importorskip("pymcdm.methods")
    w = np.array([0.4, 0.3, 0.1, 0.2])
    types = np.array([1, 1, -1, 1])  # indicator 3 as cost: z flips it
    z = minmax(PAPATHANASIOU_VIKOR, types > 0)
    q = 1 - agg.aggregate("vikor", z, w, vikor_v=0.625)
    np.testing.assert_allclose(q, pyrepo.VIKOR(v=0.625)(PAPATHANASIOU_VIKOR, w, types), atol=1e-12)
    np.testing.assert_allclose(q, pymcdm.VIKOR(v=0.625)(PAPATHANASIOU_VIKOR, w, types), atol=1e-12)


def test_vikor_pymcdm_docstring_example() -> None:
    m = np.array(
        [[78, 56, 34, 6], [4, 45, 3, 97], [18, 2, 50, 63], [9, 14, 11, 92], [85, 9, 100, 29]],
        dtype=float,
    )
    q = 1 - agg.vikor(m, np.full(4, 0.25))
    np.testing.assert_allclose(q, [0.5679, 0.7667, 1, 0.7493, 0], atol=5e-5)


def test_vikor_groups_and_errors() -> None:
    rng = np.random.default_rng(5)
    z = rng.random((8, 3))
    w = np.array([0.2, 0.3, 0.5])
    g = np.array([0, 0, 0, 0, 1, 1, 1, 1])
    out = agg.vikor(z, w, g)
    np.testing.assert_allclose(out[4:], agg.vikor(z[4:], w))
    with pytest.raises(ComputationError, match="VIKOR"):
        agg.vikor(np.ones((3, 2)), np.array([0.5, 0.5]))
    with pytest.raises(ConfigError, match="vikor_v"):
        agg.vikor(z, w, v=1.5)


def test_promethee_pymcdm_docstring_by_hand() -> None:
    m = np.array([[4, 3, 2], [3, 2, 4], [5, 1, 3]], dtype=float)
    w = np.array([0.5, 0.3, 0.2])
    # usual P = [d > 0]: π(1,2) = 0.5 + 0.3 = 0.8, π(2,1) = 0.2, π(1,3) = 0.3, π(3,1) = 0.7,
    # π(2,3) = 0.3 + 0.2 = 0.5, π(3,2) = 0.5. φ_1 = (0.8 + 0.3 − 0.2 − 0.7)/2 = 0.1,
    # φ_2 = (0.2 + 0.5 − 0.8 − 0.5)/2 = −0.3, φ_3 = (0.7 + 0.5 − 0.3 − 0.5)/2 = 0.2
    np.testing.assert_allclose(agg.aggregate("promethee", m, w), [0.1, -0.3, 0.2], atol=1e-12)


@pytest.mark.parametrize(
    ("fn", "ours", "q", "p"),
    [
        ("usual", "usual", None, None),
        ("ushape", "ushape", 1.0, None),
        ("vshape", "vshape", None, 2.0),
        ("level", "level", 1.0, 2.0),
        ("vshape_2", "linear", 1.0, 3.0),
    ],
)
def test_promethee_against_pymcdm(fn: str, ours: str, q: float | None, p: float | None) -> None:
    pymcdm = pytest.importorskip("pymcdm.methods")
    # integer data so that differences fall exactly on the thresholds (boundary conventions)
    rng = np.random.default_rng(11)
    m = rng.integers(0, 6, size=(12, 4)).astype(float)
    w = np.array([0.1, 0.2, 0.3, 0.4])
    ref = pymcdm.PROMETHEE_II(
        fn, q=None if q is None else [q] * 4, p=None if p is None else [p] * 4
    )(m, w, np.ones(4))
    got = agg.promethee_ii(m, w, function=ours, q=q or 0.0, p=p or 0.0)
    np.testing.assert_allclose(got, ref, atol=1e-12)


def test_promethee_groups_and_errors() -> None:
    rng = np.random.default_rng(2)
    z = rng.random((7, 3))
    w = np.array([0.5, 0.25, 0.25])
    g = np.array([1, 1, 0, 0, 0, 1, 1])
    out = agg.promethee_ii(z, w, g, function="linear", q=0.1, p=0.3)
    np.testing.assert_allclose(
        out[g == 1], agg.promethee_ii(z[g == 1], w, function="linear", q=0.1, p=0.3)
    )
    np.testing.assert_allclose(out[g == 0].sum(), 0.0, atol=1e-12)  # net flows sum to 0
    with pytest.raises(ConfigError, match="0 ≤ q < p"):
        agg.promethee_ii(z, w, function="linear", q=0.3, p=0.3)
    with pytest.raises(ConfigError, match="偏好函数"):
        agg.promethee_ii(z, w, function="gaussian")


def test_engine_runs_new_aggregations() -> None:
    system = IndicatorSystem.from_dict(
        {
            "name": "示例",
            "dimensions": [
                {
                    "name": "D",
                    "indicators": [
                        {"code": "a", "name": "a", "direction": "+"},
                        {"code": "b", "name": "b", "direction": "-"},
                    ],
                }
            ],
        }
    )
    # 示例数据. Min–max: a → (0, 1/3, 1), b → (1, 0, 0.5); equal weights.
    df = pd.DataFrame({"unit": ["甲", "乙", "丙"], "a": [1.0, 2.0, 4.0], "b": [10.0, 30.0, 20.0]})
    # Copeland: 甲 vs 乙 tie (a: 乙, b: 甲), 甲 vs 丙 tie, 丙 beats 乙 on both → 乙 −1, 丙 +1
    res = evaluate(df, system, weights="equal", aggregate="copeland")
    assert res.score.tolist() == [0.0, -1.0, 1.0]
    # geometric with shift 0.5: z + 0.5 = (0.5, 1.5), (5/6, 0.5), (1.5, 1)
    res = evaluate(df, system, weights="equal", aggregate="geometric", shift=0.5)
    np.testing.assert_allclose(res.score, [0.75**0.5, (5 / 12) ** 0.5, 1.5**0.5])
    res = evaluate(df, system, weights="equal", aggregate="vikor", vikor_v=0.5)
    assert res.rank.tolist()[2] == 1
    res = evaluate(df, system, weights="equal", aggregate="promethee")
    # usual: 甲–乙 each wins one (0.5 each way), 甲–丙 the same, 丙 beats 乙 on both:
    # φ(甲) = 0, φ(乙) = (0.5 − 0.5 − 1)/2 = −0.5, φ(丙) = 0.5
    np.testing.assert_allclose(res.score, [0.0, -0.5, 0.5])


def test_vikor_v_reaches_engine_and_weight_perturbation() -> None:
    from xinzhi.evaluate.robustness import weight_perturbation

    system = IndicatorSystem.from_dict(
        {
            "name": "示例",
            "dimensions": [
                {
                    "name": "D",
                    "indicators": [
                        {"code": "a", "name": "a", "direction": "+"},
                        {"code": "b", "name": "b", "direction": "+"},
                    ],
                }
            ],
        }
    )
    # 示例数据, already on [0, 1]; w = (½, ½): d_ij = ½(1 − z_ij).
    # A (1, 0): S = 0.5, R = 0.5; C (0, 1): S = R = 0.5; B (0.6, 0.6): S = 0.4, R = 0.2;
    # F (0.5, 0.75): S = 0.125 + 0.25 = 0.375, R = 0.25.
    # v = 1 ranks by S → F first, B second; v = 0 ranks by R → B first, F second.
    df = pd.DataFrame({"unit": list("ACBF"), "a": [1.0, 0.0, 0.6, 0.5], "b": [0.0, 1.0, 0.6, 0.75]})
    by_s = evaluate(df, system, weights="equal", aggregate="vikor", vikor_v=1.0)
    by_r = evaluate(df, system, weights="equal", aggregate="vikor", vikor_v=0.0)
    assert by_s.rank.tolist()[2:] == [2, 1] and by_r.rank.tolist()[2:] == [1, 2]
    # pct = 1e-9: the draws keep B and F in the result's order (A and C, tied, may swap)
    for res in (by_s, by_r):
        table = weight_perturbation(res, n_draws=3, pct=1e-9)
        assert table["rank_median"].tolist()[2:] == res.rank.tolist()[2:]
