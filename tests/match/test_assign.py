"""Stable matching and capacity-constrained assignment (xinzhi.match.assign)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xinzhi.errors import InputError
from xinzhi.match.assign import capacity_assignment, stable_matching

# jobs j0..j2 × talents t0..t2
S = np.array([[0.9, 0.8, 0.1], [0.8, 0.2, 0.1], [0.3, 0.7, 0.6]])


def pairs(df: pd.DataFrame) -> list[tuple[int, int]]:
    return [(int(a), int(b)) for a, b in zip(df["job"], df["talent"], strict=True)]


def test_three_by_three_optimum_by_hand() -> None:
    # the six permutations (talent of j0, j1, j2) and their totals:
    # (0,1,2) .9+.2+.6=1.7  (0,2,1) .9+.1+.7=1.7  (1,0,2) .8+.8+.6=2.2
    # (1,2,0) .8+.1+.3=1.2  (2,0,1) .1+.8+.7=1.6  (2,1,0) .1+.2+.3=0.6  -> optimum (1,0,2)
    for method in ("lsa", "milp"):
        got = capacity_assignment(S, method=method)
        assert pairs(got) == [(0, 1), (1, 0), (2, 2)]
        assert got["score"].sum() == pytest.approx(2.2)


def test_stable_matching_by_hand() -> None:
    # jobs propose: round 1 j0->t0, j1->t0, j2->t1; t0 keeps j0 (.9 > .8)
    # round 2 j1->t1 (.2); t1 keeps j2 (.7); round 3 j1->t2: accepted. Total 1.7 < 2.2:
    # stability is not the maximum total.
    got = stable_matching(S)
    assert pairs(got) == [(0, 0), (1, 2), (2, 1)]
    # talents propose (same scores both ways): t0->j0 .9, t1->j0 .8, t2->j2 .6; j0 keeps t0;
    # t1->j2 (.7): j2 drops t2 (.6) for t1; t2->j0 (.1) rejected (holds t0 .9), t2->j1 (.1) ok
    got_t = stable_matching(S, proposers="talents")
    assert pairs(got_t) == [(0, 0), (1, 2), (2, 1)]


def test_capacity_case_by_hand() -> None:
    # j0 has 2 positions and may not take t0: candidates t0 -> j1 .8 / j2 .3, t1 -> j0 .8 /
    # j2 .7 / j1 .2, t2 -> j2 .6 / j0 .1 / j1 .1.
    # best: t0-j1 .8 + t1-j0 .8 + t2-j2 .6 = 2.2 (next best: t0-j1, t1-j0, t2-j0 = 1.7)
    feas = np.ones((3, 3), dtype=bool)
    feas[0, 0] = False
    for method in ("lsa", "milp"):
        got = capacity_assignment(S, capacity=[2, 1, 1], feasible=feas, method=method)
        assert pairs(got) == [(0, 1), (1, 0), (2, 2)]
    # without the restriction j0 takes t0 and t1 (.9 + .8) and j2 takes t2 (.6) = 2.3
    got = capacity_assignment(S, capacity=[2, 1, 1])
    assert pairs(got) == [(0, 0), (0, 1), (2, 2)]
    assert got["score"].sum() == pytest.approx(2.3)


def test_min_score_and_zero_capacity() -> None:
    # min_score 0.75: only .9, .8, .8 are eligible; j0-t1 .8 + j1-t0 .8 = 1.6 > j0-t0 .9
    got = capacity_assignment(S, min_score=0.75)
    assert pairs(got) == [(0, 1), (1, 0)]
    got = capacity_assignment(S, capacity=[0, 0, 0])
    assert got.empty


def test_ids_and_tie_break_by_id() -> None:
    s = np.array([[0.5, 0.5]])  # one job, two equally good talents: the smaller id wins
    got = stable_matching(s, job_ids=["J"], talent_ids=["p2", "p1"])
    assert got["person_id"].tolist() == ["p1"]
    got = stable_matching(s, job_ids=["J"], talent_ids=["p1", "p2"])
    assert got["person_id"].tolist() == ["p1"]


def test_errors() -> None:
    with pytest.raises(InputError, match="容量"):
        capacity_assignment(S, capacity=[1, -1, 1])
    with pytest.raises(InputError, match="形状"):
        capacity_assignment(S, feasible=np.ones((2, 3), dtype=bool))
    with pytest.raises(InputError, match="重复"):
        stable_matching(S, job_ids=["a", "a", "b"])
    with pytest.raises(InputError, match="lsa 或 milp"):
        capacity_assignment(S, method="greedy")  # type: ignore[arg-type]


@st.composite
def instances(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    nj = draw(st.integers(1, 6))
    nt = draw(st.integers(1, 7))
    seed = draw(st.integers(0, 2**31))
    rng = np.random.default_rng(seed)
    s = np.round(rng.random((nj, nt)), draw(st.sampled_from([1, 3])))  # 1 decimal: ties
    ts = np.round(rng.random((nj, nt)), 1)
    feas = rng.random((nj, nt)) < draw(st.sampled_from([0.4, 0.8, 1.0]))
    cap = rng.integers(0, 3, nj)
    return s, ts, feas, cap


def blocking_pairs(m: pd.DataFrame, s: np.ndarray, ts: np.ndarray, feas: np.ndarray) -> int:
    nj, nt = s.shape
    jp = np.full(nj, -1)
    tp = np.full(nt, -1)
    jp[m["job"].to_numpy()] = m["talent"].to_numpy()
    tp[m["talent"].to_numpy()] = m["job"].to_numpy()
    count = 0
    for j in range(nj):
        for t in range(nt):
            if not feas[j, t] or jp[j] == t:
                continue
            # strict preference incl. the id tie-break (smaller index preferred)
            j_wants = jp[j] < 0 or (s[j, t], -t) > (s[j, jp[j]], -jp[j])
            t_wants = tp[t] < 0 or (ts[j, t], -j) > (ts[tp[t], t], -tp[t])
            count += bool(j_wants and t_wants)
    return count


@settings(max_examples=60, deadline=None)
@given(instances(), st.sampled_from(["jobs", "talents"]))
def test_stable_matching_has_no_blocking_pair(inst, proposers) -> None:  # type: ignore[no-untyped-def]
    s, ts, feas, _ = inst
    m = stable_matching(s, feasible=feas, talent_scores=ts, proposers=proposers)
    assert feas[m["job"], m["talent"]].all()
    assert m["job"].is_unique and m["talent"].is_unique
    assert blocking_pairs(m, s, ts, feas) == 0


@settings(max_examples=60, deadline=None)
@given(instances())
def test_capacities_never_exceeded_and_both_methods_agree(inst) -> None:  # type: ignore[no-untyped-def]
    s, _, feas, cap = inst
    a = capacity_assignment(s, capacity=cap, feasible=feas)
    b = capacity_assignment(s, capacity=cap, feasible=feas, method="milp")
    for m in (a, b):
        used = np.bincount(m["job"], minlength=len(cap))
        assert (used <= cap).all()
        assert m["talent"].is_unique
        assert feas[m["job"], m["talent"]].all()  # infeasible pairs never assigned
        assert (m["score"] > 0).all()
    assert a["score"].sum() == pytest.approx(b["score"].sum(), abs=1e-9)
