"""k-means and adjusted Rand index."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xinzhi import typology
from xinzhi.errors import ComputationError


def test_ari_reference_values() -> None:
    # scikit-learn documentation examples of adjusted_rand_score
    assert typology.adjusted_rand_index([0, 0, 1, 1], [0, 0, 1, 1]) == 1.0
    assert typology.adjusted_rand_index([0, 0, 1, 1], [1, 1, 0, 0]) == 1.0
    assert typology.adjusted_rand_index([0, 0, 1, 2], [0, 0, 1, 1]) == pytest.approx(0.5714285714)
    assert typology.adjusted_rand_index([0, 0, 1, 1], [0, 1, 0, 1]) == pytest.approx(-0.5)


@settings(max_examples=25, deadline=None)
@given(st.lists(st.integers(0, 4), min_size=3, max_size=40))
def test_ari_symmetric_and_relabel_invariant(a: list[int]) -> None:
    rng = np.random.default_rng(len(a))
    b = rng.integers(0, 3, len(a))
    perm = np.array([3, 0, 4, 1, 2])
    ab = typology.adjusted_rand_index(a, b)
    assert ab == pytest.approx(typology.adjusted_rand_index(b, a))
    assert ab == pytest.approx(typology.adjusted_rand_index(perm[np.array(a)], b))
    assert ab <= 1.0 + 1e-12


def test_kmeans_recovers_separated_blobs_deterministically() -> None:
    rng = np.random.default_rng(0)
    centres = np.array([[0.0, 0.0], [10.0, 0.0], [0.0, 10.0]])
    truth = np.repeat([0, 1, 2], 30)
    x = centres[truth] + rng.normal(0, 0.5, (90, 2))
    lab1, c1, in1 = typology.kmeans(x, 3, seed=1)
    lab2, _, in2 = typology.kmeans(x, 3, seed=1)
    assert typology.adjusted_rand_index(truth, lab1) == 1.0
    assert np.array_equal(lab1, lab2) and in1 == in2
    assert np.sort(c1[:, 0].round()).tolist() == [0.0, 0.0, 10.0]
    with pytest.raises(ComputationError, match="聚类数"):
        typology.kmeans(np.ones((5, 2)), 2)
