"""Dagum decomposition: invariants (hypothesis) and agreement with a pairwise implementation.

What is true (and tested): G = G_w + G_nb + G_t; G is the plain Gini; with every pair oriented so
that ȳ_j ≥ ȳ_h (Dagum 1997), G_nb = Σ_{j<h} p_j p_h |ȳ_j − ȳ_h| / ȳ exactly — for any data, not
only "on average": d_jh − p_jh = ȳ_j − ȳ_h and G_jh(p_j s_h + p_h s_j) = p_j p_h (d_jh + p_jh)/ȳ.
(Were pairs taken in label order instead, D_jh could be negative and this identity would fail.)
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xinzhi.disparity import dagum_gini, dagum_gini_arrays, gini


def pairwise_dagum(y: np.ndarray, g: np.ndarray) -> dict[str, float]:
    """Straightforward O(n²) implementation of Dagum (1997), written from the formulas."""
    labels = sorted(set(g.tolist()))
    n, ybar = y.size, y.mean()
    groups = [y[g == lab] for lab in labels]
    p = np.array([x.size / n for x in groups])
    means = np.array([x.mean() for x in groups])
    s = p * means / ybar
    G = np.abs(y[:, None] - y[None, :]).sum() / (2 * n * n * ybar)
    gjj = [
        np.abs(x[:, None] - x[None, :]).sum() / (2 * x.size**2 * x.mean()) if x.mean() > 0 else 0.0
        for x in groups
    ]
    Gw = float(np.sum(np.array(gjj) * p * s))
    Gnb = Gt = 0.0
    for j in range(len(groups)):
        for h in range(j + 1, len(groups)):
            a, b = (j, h) if means[j] >= means[h] else (h, j)
            diff = groups[a][:, None] - groups[b][None, :]
            d = np.clip(diff, 0, None).mean()
            q = np.clip(-diff, 0, None).mean()
            if d + q == 0:
                continue
            gjh = np.abs(diff).sum() / (diff.size * (means[a] + means[b]))
            D = (d - q) / (d + q)
            wt = p[a] * s[b] + p[b] * s[a]
            Gnb += gjh * wt * D
            Gt += gjh * wt * (1 - D)
    return {"G": G, "Gw": Gw, "Gnb": Gnb, "Gt": Gt}


panels = st.integers(min_value=2, max_value=40).flatmap(
    lambda n: st.tuples(
        st.lists(st.floats(min_value=0, max_value=1000, allow_nan=False), min_size=n, max_size=n),
        st.lists(st.sampled_from("abcde"), min_size=n, max_size=n),
    )
)


def _ok(y: np.ndarray) -> bool:
    return y.mean() > 0


@settings(max_examples=150, deadline=None)
@given(panels)
def test_fast_equals_pairwise_and_identities(data: tuple[list[float], list[str]]) -> None:
    y, g = np.array(data[0]), np.array(data[1])
    if not _ok(y):
        return
    res = dagum_gini_arrays(y, g)
    ref = pairwise_dagum(y, g)
    scale = max(ref["G"], 1e-300)
    for key in ("G", "Gw", "Gnb", "Gt"):
        assert abs(getattr(res, key) - ref[key]) <= 1e-12 * max(1.0, scale)
    assert abs(res.Gw + res.Gnb + res.Gt - res.G) <= 1e-12
    assert abs(res.G - gini(y)) <= 1e-12
    ybar = y.mean()
    j, h = np.triu_indices(len(res.groups), 1)
    gnb = np.sum(res.p[j] * res.p[h] * np.abs(res.mean[j] - res.mean[h])) / ybar
    assert abs(res.Gnb - gnb) <= 1e-12
    assert np.all((res.D_jh >= 0) & (res.D_jh <= 1))


@settings(max_examples=60, deadline=None)
@given(panels, st.randoms(use_true_random=False))
def test_permutation_and_relabelling_invariance(data: tuple[list[float], list[str]], rnd) -> None:  # type: ignore[no-untyped-def]
    y, g = np.array(data[0]), np.array(data[1])
    if not _ok(y):
        return
    base = dagum_gini_arrays(y, g)
    order = np.array(rnd.sample(range(y.size), y.size))
    perm = dagum_gini_arrays(y[order], g[order])
    mapping = {lab: f"组{i}" for i, lab in enumerate(reversed("abcde"))}
    relab = dagum_gini_arrays(y, np.array([mapping[v] for v in g]))
    for other in (perm, relab):
        for key in ("G", "Gw", "Gnb", "Gt"):
            assert getattr(other, key) == pytest.approx(getattr(base, key), abs=1e-13)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.floats(min_value=0, max_value=1e6, allow_nan=False), min_size=1, max_size=30))
def test_one_group_has_no_between_terms(values: list[float]) -> None:
    y = np.array(values)
    if not _ok(y):
        return
    res = dagum_gini_arrays(y, ["x"] * y.size)
    assert res.Gnb == 0.0 and res.Gt == 0.0
    assert res.Gw == pytest.approx(res.G, abs=1e-13)


def test_large_input_against_pairwise() -> None:
    rng = np.random.default_rng(7)
    y = rng.lognormal(0, 0.6, 1500)
    g = rng.integers(0, 31, 1500).astype(str)
    y[:40] = y[40]  # many ties across groups
    res = dagum_gini_arrays(y, g)
    ref = pairwise_dagum(y, g)
    for key in ("G", "Gw", "Gnb", "Gt"):
        assert getattr(res, key) == pytest.approx(ref[key], abs=1e-12)


def test_textbook_example_by_hand() -> None:
    # groups A = {1, 3}, B = {5, 7}: ȳ = 4, G = Σ|Δ|/(2·16·4) = 40/128
    df = pd.DataFrame({"y": [1.0, 3, 5, 7], "g": ["A", "A", "B", "B"]})
    res = dagum_gini(df, "y", "g")
    row = res.overall.iloc[0]
    assert row["G"] == pytest.approx(40 / 128)
    # within: A: Σ|Δ| = 4 → 4/(2·4·2)=0.25, p=.5, s=.25; B: 4/(2·4·6)=1/12, p=.5, s=.75
    assert row["Gw"] == pytest.approx(0.25 * 0.5 * 0.25 + (1 / 12) * 0.5 * 0.75)
    # between: all B > A, so D = 1, G_t = 0, G_nb = p_A p_B (6 − 2)/4
    assert row["Gnb"] == pytest.approx(0.25)
    assert row["Gt"] == pytest.approx(0.0)
    b = res.between.iloc[0]
    assert (b["group_a"], b["group_b"], b["D_jh"]) == ("B", "A", 1.0)
    assert b["G_jh"] == pytest.approx(16 / (4 * 8))
    det = res.detail()
    assert det.columns.tolist() == ["by", "group_a", "group_b", "G"]
    assert len(det) == 3
