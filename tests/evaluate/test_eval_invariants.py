"""Property tests (hypothesis): weights, TOPSIS range, obstacles, dominance."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from xinzhi.errors import ComputationError
from xinzhi.evaluate import evaluate
from xinzhi.evaluate import weights as wts
from xinzhi.evaluate.aggregate import grey_relational, topsis, weighted_sum
from xinzhi.evaluate.normalize import minmax
from xinzhi.evaluate.obstacle import obstacle_degree
from xinzhi.indicators.system import IndicatorSystem

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def matrices(draw: st.DrawFn) -> np.ndarray:
    n = draw(st.integers(3, 12))
    m = draw(st.integers(2, 6))
    x = draw(arrays(np.float64, (n, m), elements=st.floats(0, 100, allow_nan=False)))
    rng = x.max(axis=0) - x.min(axis=0)
    assume((rng > 1e-6 * (1 + np.abs(x).max(axis=0))).all())
    return x


@SETTINGS
@given(matrices(), st.sampled_from(["entropy", "critic", "cv", "std", "equal"]))
def test_weights_sum_to_one_nonnegative(x: np.ndarray, method: str) -> None:
    z = minmax(x, np.ones(x.shape[1], dtype=bool))
    if method == "cv":
        assume((z.mean(axis=0) > 0).all())
    try:
        w = wts.objective_weights(method, z)
    except ComputationError as exc:  # documented: CRITIC on perfectly correlated columns
        assert method == "critic" and "完全正相关" in str(exc)
        return
    assert (w >= 0).all()
    assert abs(w.sum() - 1) < 1e-9
    for rule in ("mean", "multiplicative", "game"):
        if rule == "multiplicative" and (wts.entropy(z) * w).sum() <= 0:
            continue
        c, _ = wts.combine([wts.entropy(z), w], rule)
        assert (c >= 0).all() and abs(c.sum() - 1) < 1e-9


@SETTINGS
@given(matrices())
def test_topsis_range_obstacles_sum(x: np.ndarray) -> None:
    z = minmax(x, np.array([j % 2 == 0 for j in range(x.shape[1])]))
    w = wts.entropy(z)
    c = topsis(z, w)
    assert ((c >= 0) & (c <= 1)).all()
    o = obstacle_degree(z, w)
    total = o.sum(axis=1)
    has_gap = (w * (1 - z)).sum(axis=1) > 0
    np.testing.assert_allclose(total[has_gap], 1.0, atol=1e-12)
    assert (o >= 0).all()


@SETTINGS
@given(matrices(), st.integers(0, 100))
def test_dominance_never_ranks_below(x: np.ndarray, seed: int) -> None:
    rng = np.random.default_rng(seed)
    i, k = rng.choice(x.shape[0], size=2, replace=False)
    x = x.copy()
    x[i] = np.maximum(x[i], x[k])  # unit i dominates unit k on every (benefit) indicator
    assume((x.max(axis=0) - x.min(axis=0) > 1e-6).all())
    z = minmax(x, np.ones(x.shape[1], dtype=bool))
    w = rng.dirichlet(np.ones(x.shape[1]))
    for score in (weighted_sum(z, w), topsis(z, w), grey_relational(z, w)):
        assert score[i] >= score[k] - 1e-12


@SETTINGS
@given(matrices())
def test_engine_dominance_with_cost_indicator(x: np.ndarray) -> None:
    m = x.shape[1]
    system = IndicatorSystem.from_dict(
        {
            "name": "h",
            "dimensions": [
                {
                    "name": "D",
                    "indicators": [
                        {"code": f"x{j}", "direction": "-" if j == 0 else "+"} for j in range(m)
                    ],
                }
            ],
        }
    )
    x = x.copy()
    x[0, 1:] = x[:, 1:].max(axis=0) + 1.0
    x[0, 0] = x[:, 0].min() - 1.0  # row 0 is strictly best on every indicator
    df = pd.DataFrame(x, columns=[f"x{j}" for j in range(m)]).assign(
        unit=[f"u{i}" for i in range(len(x))]
    )
    try:
        res = evaluate(df, system, weights="critic", aggregate="topsis")
    except ComputationError as exc:
        assert "完全正相关" in str(exc)
        return
    assert res.rank[0] == 1
    assert np.isfinite(res.score).all()
    assert abs(res.weights.sum() - 1) < 1e-9
