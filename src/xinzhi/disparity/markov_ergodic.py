"""Steady states, mean first-passage times and the homogeneity test of Markov chains.

Written from the formulas (no giddy import at run time — giddy pulls in mapclassify/numba and
takes seconds to import); checked against giddy's published reference values in the tests.

* Steady state (Kemeny & Snell 1976, *Finite Markov Chains*): the chain's recurrent classes
  are its closed strongly connected components; each has a unique stationary distribution
  π_c = π_c P_c, Σπ_c = 1, returned as one row (zeros outside the class). An irreducible chain
  has exactly one row.
* Mean first-passage time m_ij (expected steps from i to first reach j; m_jj = recurrence
  time): for each target j, with P^(j) = P with column j set to 0,
  m_·j = (I − P^(j))^{-1} 1 on the states F_j from which j is reached with probability 1;
  m_ij = ∞ elsewhere (j unreachable or avoidable forever). m_jj = 1 + Σ_{k≠j} p_jk m_kj.
  For an ergodic chain this equals Kemeny–Snell's (z_jj − z_ij)/π_j and 1/π_j.
* Empty rows (a state never observed as an origin) are treated as absorbing (p_ii = 1), as
  giddy's ``fill_empty_classes=True``.
* Homogeneity of r regime matrices (Bickenbach, F. & Bode, E. 2003, "Evaluating the Markov
  property in studies of economic convergence", *International Regional Science Review* 26:
  363–392): with pooled p_ij and regime p_ij(m), n_i(m) the regime row totals,
  Q = Σ_m Σ_i n_i(m) Σ_{j: p_ij>0} (p_ij(m) − p_ij)² / p_ij,
  LR = 2 Σ_m Σ_{ij: n_ij(m)>0, p_ij>0} n_ij(m) ln(p_ij(m)/p_ij),
  both χ² with Σ_i (b_i − 1)(a_i − 1) degrees of freedom (b_i regimes with observations in row
  i, a_i non-zero cells of pooled row i).

For P = [[0.9, 0.1], [0.5, 0.5]]: π₁·0.1 = π₂·0.5 gives π = (5/6, 1/6). From state 1 the chain
leaves with probability 0.1 per step, m₁₂ = 1/0.1 = 10; likewise m₂₁ = 1/0.5 = 2; the recurrence
times are m₁₁ = 1 + 0.1·2 = 1.2 = 1/π₁ and m₂₂ = 1 + 0.5·10 = 6 = 1/π₂:

>>> import numpy as np
>>> p = np.array([[0.9, 0.1], [0.5, 0.5]])
>>> steady_states(p).round(4).tolist()
[[0.8333, 0.1667]]
>>> mean_first_passage_times(p).round(4).tolist()
[[1.2, 10.0], [2.0, 6.0]]

Where to look
-------------
* Docs: ``docs/disparity.md`` §4.
* Tests: ``tests/disparity/test_disparity_pysal_refs.py`` (giddy docstring values for steady
  states and first-passage times; spatial Markov homogeneity LR = 170.659, Q = 200.624).
* CLI: via ``xinzhi disparity markov``, ``xinzhi analysis markov``,
  ``xinzhi analysis spatial-markov``.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray
from scipy import stats
from scipy.sparse.csgraph import connected_components

__all__ = ["fill_empty_rows", "homogeneity_test", "mean_first_passage_times", "steady_states"]


def fill_empty_rows(p: NDArray[np.float64]) -> NDArray[np.float64]:
    """Copy of ``p`` with all-zero rows replaced by an absorbing row (p_ii = 1)."""
    out = np.array(p, dtype=float)
    empty = out.sum(axis=1) == 0
    out[empty, empty] = 1.0
    return out


def _reachability(adj: NDArray[np.bool_]) -> NDArray[np.bool_]:
    """reach[i, j]: j reachable from i in ≥ 0 steps (transitive closure by squaring)."""
    k = adj.shape[0]
    reach = adj | np.eye(k, dtype=bool)
    for _ in range(int(np.ceil(np.log2(max(k, 2)))) + 1):
        reach = reach | ((reach.astype(np.int64) @ reach.astype(np.int64)) > 0)
    return reach


def steady_states(p: NDArray[np.float64]) -> NDArray[np.float64]:
    """Stationary distribution of each recurrent class, one row per class (k columns)."""
    p = fill_empty_rows(p)
    k = p.shape[0]
    adj = p > 0
    n_comp, labels = connected_components(adj, directed=True, connection="strong")
    rows = []
    for c in range(n_comp):
        members = np.flatnonzero(labels == c)
        outside = np.setdiff1d(np.arange(k), members)
        if adj[np.ix_(members, outside)].any():
            continue  # transient class
        sub = p[np.ix_(members, members)]
        m = members.size
        a = np.vstack([sub.T - np.eye(m), np.ones((1, m))])
        b = np.r_[np.zeros(m), 1.0]
        pi = np.linalg.lstsq(a, b, rcond=None)[0]
        pi = np.clip(pi, 0.0, None)
        row = np.zeros(k)
        row[members] = pi / pi.sum()
        rows.append(row)
    return np.array(rows)


def mean_first_passage_times(p: NDArray[np.float64]) -> NDArray[np.float64]:
    """k × k matrix of mean first-passage times (∞ where not finite); see module docstring."""
    p = fill_empty_rows(p)
    k = p.shape[0]
    out = np.full((k, k), np.inf)
    adj = p > 0
    for j in range(k):  # loop over target states (k is small), not over units
        others = np.delete(np.arange(k), j)
        # graph of moves before hitting j: drop edges out of j
        adj_j = adj.copy()
        adj_j[j, :] = False
        reach = np.asarray(_reachability(adj_j), dtype=bool)
        cannot = ~reach[:, j]  # states from which j is never reached
        fin = np.asarray(
            ~(reach[:, cannot].any(axis=1)), dtype=bool
        )  # states that can never get stuck away from j
        fin[j] = True
        f = others[fin[others]]
        if f.size:
            q = p[np.ix_(f, f)]
            out[f, j] = np.linalg.solve(np.eye(f.size) - q, np.ones(f.size))
        succ = np.flatnonzero(adj[j])
        if np.all(np.isfinite(out[succ[succ != j], j])):
            out[j, j] = 1.0 + float(
                p[j, others] @ np.where(np.isfinite(out[others, j]), out[others, j], 0.0)
            )
    return out


def homogeneity_test(counts: NDArray[np.float64]) -> dict[str, float]:
    """Q and LR homogeneity statistics of regime count matrices ``counts`` (r × k × k)."""
    m = np.asarray(counts, dtype=float)
    pooled = m.sum(axis=0)
    n_i = pooled.sum(axis=1)
    p = np.divide(pooled, n_i[:, None], out=np.zeros_like(pooled), where=n_i[:, None] > 0)
    n_im = m.sum(axis=2)  # r × k
    p_m = np.divide(m, n_im[:, :, None], out=np.zeros_like(m), where=n_im[:, :, None] > 0)
    pos = p > 0
    q_terms = np.where(pos, (p_m - p) ** 2 / np.where(pos, p, 1.0), 0.0) * n_im[:, :, None]
    q = float(q_terms.sum())
    use = (m > 0) & pos
    ratio = np.where(use, p_m / np.where(pos, p, 1.0), 1.0)
    lr = float(2.0 * np.sum(np.where(use, m * np.log(ratio), 0.0)))
    b_i = (n_im > 0).sum(axis=0)
    a_i = pos.sum(axis=1)
    dof = int(np.sum(np.clip(b_i - 1, 0, None) * np.clip(a_i - 1, 0, None)))
    q_p = float(stats.chi2.sf(q, dof)) if dof > 0 else 1.0
    lr_p = float(stats.chi2.sf(lr, dof)) if dof > 0 else 1.0
    return {"Q": q, "LR": lr, "dof": dof, "Q_p_value": q_p, "LR_p_value": lr_p}
