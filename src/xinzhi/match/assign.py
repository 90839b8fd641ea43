"""Assignment of talents to jobs: stable one-to-one matching and capacity-constrained
maximum-score assignment.

Both take a score matrix ``scores`` (jobs × talents, higher = better; e.g. the soft score of
:mod:`xinzhi.match.pairing`) and an optional boolean matrix ``feasible`` of the same shape (the
hard filters: location, education floor…). An infeasible pair is never assigned.

**Stable matching** (:func:`stable_matching`) — deferred acceptance of Gale, D. & Shapley,
L. S. (1962), "College admissions and the stability of marriage", *American Mathematical
Monthly* 69(1): 9–15. Proposers (jobs or talents) propose down their preference lists;
each receiver holds the best proposal so far and rejects the rest. The result has no
*blocking pair*: no feasible (job, talent) who both prefer each other to their partners
(being unmatched is worse than any feasible partner). With jobs proposing the result is the
job-optimal stable matching, with talents proposing the talent-optimal one. Preferences are
read from ``scores`` (jobs' view) and ``talent_scores`` (talents' view, default the same
matrix); ties are broken by id (the smaller id, in string order, is preferred), so the result
is deterministic. Implementation: the rounds are vectorised — all free proposers propose at
once and each receiver keeps the best of its proposals and current partner (McVitie, D. G. &
Wilson, L. B. (1971), "The stable marriage problem", *Communications of the ACM* 14(7):
486–490, show that the order of proposals does not change the result).

**Capacity-constrained assignment** (:func:`capacity_assignment`) — job ``j`` takes at most
``positions_j`` talents, each talent at most one job; maximise the total score over feasible
pairs with ``score > min_score``::

    max Σ_ij s_ij x_ij  s.t.  Σ_i x_ij ≤ c_j (jobs),  Σ_j x_ij ≤ 1 (talents),
                              x_ij ∈ {0, 1},  x_ij = 0 unless feasible and s_ij > min_score

Method ``"lsa"`` (default): every job is repeated ``c_j`` times (one row per position) and
:func:`scipy.optimize.linear_sum_assignment` (Crouse, D. F. (2016), "On implementing 2D
rectangular assignment algorithms", *IEEE Trans. Aerospace and Electronic Systems* 52(4))
maximises over the expanded matrix in which ineligible pairs are worth 0; pairs worth 0 are then
dropped. A full assignment of the smaller side with zero fillers has the same value as the best
partial assignment (fillers add nothing), so the optimum is exact. Memory grows with
``Σ c_j × talents`` — meant for candidate sets (e.g. the top-k of each job), not 20,000 ×
20,000. Method ``"milp"``: the same integer programme with one variable per eligible pair,
solved by :func:`scipy.optimize.milp` (HiGHS; the constraint matrix is totally unimodular, so
the LP optimum is integral). Both give the same optimal total (ties may pick different pairs).

Example (the 3 × 3 case of ``tests/match/test_assign.py``)::

    >>> import numpy as np
    >>> s = np.array([[0.9, 0.8, 0.1], [0.8, 0.2, 0.1], [0.3, 0.7, 0.6]])
    >>> capacity_assignment(s)[["job", "talent"]].to_numpy().tolist()
    [[0, 1], [1, 0], [2, 2]]
    >>> stable_matching(s)[["job", "talent"]].to_numpy().tolist()
    [[0, 0], [1, 2], [2, 1]]
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

import numpy as np
import pandas as pd

from xinzhi.errors import InputError

__all__ = ["capacity_assignment", "preference_ranks", "stable_matching"]


def _ids(ids: Sequence[object] | None, n: int, what: str) -> np.ndarray:
    if ids is None:
        return np.arange(n)
    arr = np.asarray(list(ids), dtype=object)
    if len(arr) != n:
        raise InputError(f"{what} id 数量 {len(arr)} 与得分矩阵的维度 {n} 不一致")
    if len(set(map(str, arr))) != n:
        raise InputError(f"{what} id 有重复")
    return arr


def _tie_rank(ids: np.ndarray) -> np.ndarray:
    """Position of each id in string order (the tie-break: smaller id preferred)."""
    keys = np.asarray([str(x) for x in ids], dtype=object)
    if ids.dtype != object:  # integer positions: numeric order
        keys = ids
    order = np.argsort(keys, kind="stable")
    rank = np.empty(len(ids), dtype=np.int64)
    rank[order] = np.arange(len(ids))
    return rank


def _check(scores: np.ndarray, feasible: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    s = np.asarray(scores, dtype=float)
    if s.ndim != 2:
        raise InputError("得分矩阵须为二维（岗位 × 人才）")
    if np.isnan(s).any():
        raise InputError("得分矩阵含缺失值（NaN）")
    f = np.ones(s.shape, dtype=bool) if feasible is None else np.asarray(feasible, dtype=bool)
    if f.shape != s.shape:
        raise InputError(f"可行矩阵形状 {f.shape} 与得分矩阵 {s.shape} 不一致")
    return s, f


def preference_ranks(
    scores: np.ndarray, feasible: np.ndarray, tie: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Preference lists of the rows: ``order[r]`` = columns best first (feasible ones first,
    then by score descending, then by ``tie`` ascending) and ``rank[r, c]`` = position of
    column ``c`` in row ``r``'s list."""
    n_r, n_c = scores.shape
    tie_b = np.broadcast_to(tie, (n_r, n_c))
    order = np.lexsort((tie_b, -scores, ~feasible), axis=1)
    rank = np.empty((n_r, n_c), dtype=np.int64)
    rank[np.arange(n_r)[:, None], order] = np.arange(n_c)
    return order, rank


def _deferred_acceptance(
    p_scores: np.ndarray,
    r_scores: np.ndarray,
    feasible: np.ndarray,
    p_tie: np.ndarray,
    r_tie: np.ndarray,
) -> np.ndarray:
    """Partner (receiver index or -1) of each proposer; all matrices proposers × receivers."""
    n_p, n_r = p_scores.shape
    pref, _ = preference_ranks(p_scores, feasible, r_tie)
    _, r_rank = preference_ranks(r_scores.T, feasible.T, p_tie)  # receivers × proposers
    n_acc = feasible.sum(axis=1)
    nxt = np.zeros(n_p, dtype=np.int64)
    partner = np.full(n_p, -1, dtype=np.int64)
    holder = np.full(n_r, -1, dtype=np.int64)
    while True:
        free = np.flatnonzero((partner < 0) & (nxt < n_acc))
        if free.size == 0:
            return partner
        t = pref[free, nxt[free]]
        nxt[free] += 1
        ts = np.unique(t)
        cur = holder[ts]
        held = cur >= 0
        cand_p = np.concatenate([free, cur[held]])
        cand_t = np.concatenate([t, ts[held]])
        order = np.lexsort((r_rank[cand_t, cand_p], cand_t))
        first = np.ones(order.size, dtype=bool)
        first[1:] = cand_t[order][1:] != cand_t[order][:-1]
        win = order[first]
        partner[cand_p] = -1
        holder[ts] = -1
        partner[cand_p[win]] = cand_t[win]
        holder[cand_t[win]] = cand_p[win]


def stable_matching(
    scores: np.ndarray,
    *,
    feasible: np.ndarray | None = None,
    talent_scores: np.ndarray | None = None,
    proposers: Literal["jobs", "talents"] = "jobs",
    job_ids: Sequence[object] | None = None,
    talent_ids: Sequence[object] | None = None,
) -> pd.DataFrame:
    """Stable one-to-one matching (Gale–Shapley deferred acceptance).

    Parameters
    ----------
    scores
        Jobs × talents: how much each job wants each talent (its preference order).
    feasible
        Jobs × talents booleans (hard filters); infeasible pairs are unacceptable to both.
    talent_scores
        Jobs × talents: how much each talent wants each job (default ``scores``).
    proposers
        ``"jobs"`` (job-optimal stable matching) or ``"talents"`` (talent-optimal).
    job_ids, talent_ids
        Ids used for the tie-break (smaller id preferred) and in the result (default positions).

    Returns
    -------
    DataFrame with columns ``job``, ``talent`` (positions), ``job_id``, ``person_id``,
    ``score`` (jobs' view), ``talent_score``; one row per matched pair, ordered by job.
    """
    s, f = _check(scores, feasible)
    ts = s if talent_scores is None else np.asarray(talent_scores, dtype=float)
    if ts.shape != s.shape:
        raise InputError(f"人才方得分矩阵形状 {ts.shape} 与岗位方 {s.shape} 不一致")
    if proposers not in ("jobs", "talents"):
        raise InputError(f"proposers 须为 jobs 或 talents，收到 {proposers!r}")
    jid = _ids(job_ids, s.shape[0], "岗位")
    tid = _ids(talent_ids, s.shape[1], "人才")
    j_tie, t_tie = _tie_rank(jid), _tie_rank(tid)
    if proposers == "jobs":
        partner = _deferred_acceptance(s, ts, f, j_tie, t_tie)
        jobs = np.flatnonzero(partner >= 0)
        tals = partner[jobs]
    else:
        partner = _deferred_acceptance(ts.T, s.T, f.T, t_tie, j_tie)
        tals = np.flatnonzero(partner >= 0)
        jobs = partner[tals]
        o = np.argsort(jobs, kind="stable")
        jobs, tals = jobs[o], tals[o]
    return pd.DataFrame(
        {
            "job": jobs,
            "talent": tals,
            "job_id": jid[jobs],
            "person_id": tid[tals],
            "score": s[jobs, tals],
            "talent_score": ts[jobs, tals],
        }
    )


def capacity_assignment(
    scores: np.ndarray,
    *,
    capacity: Sequence[int] | np.ndarray | None = None,
    feasible: np.ndarray | None = None,
    min_score: float = 0.0,
    method: Literal["lsa", "milp"] = "lsa",
    job_ids: Sequence[object] | None = None,
    talent_ids: Sequence[object] | None = None,
) -> pd.DataFrame:
    """Maximum total score assignment with job capacities (formula in the module docstring).

    Parameters
    ----------
    scores
        Jobs × talents scores.
    capacity
        Positions per job (non-negative integers; default 1 each).
    feasible
        Jobs × talents booleans; only feasible pairs with ``score > min_score`` are assigned.
    method
        ``"lsa"`` (capacity-expanded linear sum assignment) or ``"milp"`` (HiGHS).

    Returns
    -------
    DataFrame ``job``, ``talent`` (positions), ``job_id``, ``person_id``, ``score``; ordered by
    job, then score descending.
    """
    s, f = _check(scores, feasible)
    n_j, n_t = s.shape
    cap = np.ones(n_j, dtype=np.int64) if capacity is None else np.asarray(capacity)
    if cap.shape != (n_j,):
        raise InputError(f"岗位容量（positions）须有 {n_j} 个，收到 {cap.shape}")
    if np.isnan(cap.astype(float)).any() or (cap < 0).any() or (cap != np.round(cap)).any():
        raise InputError("岗位容量（positions）须为非负整数")
    cap = cap.astype(np.int64)
    jid = _ids(job_ids, n_j, "岗位")
    tid = _ids(talent_ids, n_t, "人才")
    eligible = f & (s > min_score)
    if method == "lsa":
        from scipy.optimize import linear_sum_assignment

        rows = np.repeat(np.arange(n_j), np.minimum(cap, n_t))
        w = np.where(eligible, s, 0.0)[rows]
        if w.size == 0:
            jobs = tals = np.zeros(0, dtype=np.int64)
        else:
            r, c = linear_sum_assignment(w, maximize=True)
            keep = eligible[rows[r], c]
            jobs, tals = rows[r][keep], c[keep]
    elif method == "milp":
        from scipy.optimize import Bounds, LinearConstraint, milp
        from scipy.sparse import coo_matrix, vstack

        jj, tt = np.nonzero(eligible)
        nv = jj.size
        if nv == 0:
            jobs = tals = np.zeros(0, dtype=np.int64)
        else:
            v = np.arange(nv)
            a_jobs = coo_matrix((np.ones(nv), (jj, v)), shape=(n_j, nv))
            a_tals = coo_matrix((np.ones(nv), (tt, v)), shape=(n_t, nv))
            a = vstack([a_jobs, a_tals]).tocsr()
            ub = np.concatenate([cap.astype(float), np.ones(n_t)])
            res = milp(
                c=-s[jj, tt],
                constraints=LinearConstraint(a, -np.inf, ub),
                integrality=np.ones(nv),
                bounds=Bounds(0, 1),
            )
            if res.x is None:  # pragma: no cover - the problem is always feasible (x = 0)
                raise InputError(f"分配求解失败：{res.message}")
            chosen = res.x > 0.5
            jobs, tals = jj[chosen], tt[chosen]
    else:
        raise InputError(f"分配方法须为 lsa 或 milp，收到 {method!r}")
    out = pd.DataFrame(
        {
            "job": jobs.astype(np.int64),
            "talent": tals.astype(np.int64),
            "job_id": jid[jobs],
            "person_id": tid[tals],
            "score": s[jobs, tals],
        }
    )
    return out.sort_values(["job", "score", "talent"], ascending=[True, False, True]).reset_index(
        drop=True
    )
