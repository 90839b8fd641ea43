"""Technology demands ↔ teams (:mod:`xinzhi.match.tech`): the 揭榜挂帅 state machine on every
pair of states, the matching score on a hand-made 3 × 3 example (arithmetic in the comments),
capacities, the 技术需求图谱 and the synthetic county (示例数据)."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xinzhi.errors import InputError
from xinzhi.match import tech
from xinzhi.match.synthetic_tech import synthetic_tech
from xinzhi.match.tech import (
    ACTIONS,
    STATES,
    TransitionError,
    WorkflowRoleError,
    allowed_actions,
    check_step,
    demand_graph,
    match_tech,
    tech_field,
)

# ----------------------------------------------------------------------------- state machine
# The workflow written out by hand: (from, to) → actions that make that move.
EXPECTED_MOVES: dict[tuple[str, str], set[str]] = {
    ("draft", "published"): {"publish"},
    ("draft", "withdrawn"): {"withdraw"},
    ("published", "published"): {"apply"},
    ("published", "reviewing"): {"start_review"},
    ("published", "withdrawn"): {"withdraw"},
    ("reviewing", "reviewing"): {"review"},
    ("reviewing", "published"): {"reopen"},
    ("reviewing", "awarded"): {"award"},
    ("reviewing", "withdrawn"): {"withdraw"},
    ("awarded", "tracking"): {"track"},
    ("awarded", "terminated"): {"terminate"},
    ("tracking", "tracking"): {"track"},
    ("tracking", "completed"): {"accept"},
    ("tracking", "terminated"): {"terminate"},
}
EXPECTED_ROLES = {
    "publish": {"publisher"},
    "apply": {"applicant"},
    "start_review": {"publisher"},
    "review": {"reviewer"},
    "reopen": {"publisher"},
    "award": {"publisher"},
    "track": {"publisher", "applicant"},
    "accept": {"publisher"},
    "withdraw": {"publisher"},
    "terminate": {"publisher"},
}


def moves(src: str, dst: str) -> set[str]:
    return {a for a, s in ACTIONS.items() if src in s.sources and s.target == dst}


@pytest.mark.parametrize(("src", "dst"), list(itertools.product(STATES, STATES)))
def test_every_pair_of_states(src: str, dst: str) -> None:
    """8 × 8 = 64 pairs: exactly the hand-written moves exist."""
    assert moves(src, dst) == EXPECTED_MOVES.get((src, dst), set())


def test_roles_of_each_action() -> None:
    assert {a: set(s.roles) for a, s in ACTIONS.items()} == EXPECTED_ROLES


@pytest.mark.parametrize(("action", "state"), list(itertools.product(ACTIONS, STATES)))
def test_check_step_every_action_in_every_state(action: str, state: str) -> None:
    """10 actions × 8 states: allowed ones give the target; others a Chinese 409 error naming
    the current state and the action."""
    step = ACTIONS[action]
    role = sorted(step.roles)[0]
    if state in step.sources:
        assert check_step(action, state, [role]) == step.target
    else:
        with pytest.raises(TransitionError) as err:
            check_step(action, state, [role])
        msg = str(err.value)
        assert msg.startswith(f"榜单当前状态为“{tech.STATE_LABELS[state]}”，不能执行“{step.label}”")


@pytest.mark.parametrize("action", list(ACTIONS))
def test_wrong_role_is_refused(action: str) -> None:
    step = ACTIONS[action]
    src = sorted(step.sources)[0]
    others = set(tech.ROLES) - set(step.roles)
    for role in others:
        with pytest.raises(WorkflowRoleError, match="只能由"):
            check_step(action, src, [role])
    # roles are checked before the state: a wrong role in a wrong state says the role
    with pytest.raises(WorkflowRoleError):
        check_step(action, "completed", [])


def test_final_states_and_unknowns() -> None:
    for final in ("completed", "withdrawn", "terminated"):
        assert allowed_actions(final) == []
    assert allowed_actions("published", ["applicant"]) == ["apply"]
    assert allowed_actions("tracking", ["applicant"]) == ["track"]
    assert allowed_actions("draft", ["reviewer"]) == []
    with pytest.raises(InputError, match="未知的揭榜挂帅操作"):
        check_step("bribe", "draft")
    with pytest.raises(InputError, match="未知的榜单状态"):
        check_step("publish", "lost")
    table = tech.transition_table()
    assert len(table) == sum(len(s.sources) for s in ACTIONS.values()) == 14


# ----------------------------------------------------------------------------- fields
def test_fields_are_the_eight_areas() -> None:
    assert len(tech.TECH_FIELDS) == 8
    assert tech_field("八、先进制造与自动化") == "先进制造与自动化"
    assert tech_field("生物医药") == "生物与新医药"
    assert tech_field("新能源") == "新能源与节能"
    assert tech_field("") is None and tech_field(None) is None and tech_field("农业") is None


# ----------------------------------------------------------------------------- matching 3 × 3
def three_by_three() -> tuple[pd.DataFrame, pd.DataFrame, np.ndarray, np.ndarray]:
    demands = pd.DataFrame(
        {
            "demand_id": ["D1", "D2", "D3"],
            "title": ["陶瓷烧结", "电机控制", "秸秆利用"],
            "region_code": ["430321", "430321", "430321"],
            "field": ["新材料", "电子信息", "资源与环境"],
            "keywords": ["陶瓷;烧结", "电机;控制器;传感器;can", ""],
        }
    )
    teams = pd.DataFrame(
        {
            "team_id": ["T1", "T2", "T3"],
            "name": ["甲团队", "乙专家", "丙飞地"],
            "kind": ["团队", "专家", "飞地"],
            "region_code": ["430104", "110108", "440305"],
            "partner_county": [None, None, "430321"],
            "fields": ["新材料;电子信息", "电子信息", "资源与环境"],
            "keywords": ["烧结;电机", "控制器;传感器", "陶瓷"],
            "capacity": [2, 1, 1],
        }
    )
    # unit vectors: demand i · team j as in the matrix S below
    dv = np.array([[1.0, 0.0], [0.0, 1.0], [0.6, 0.8]])
    tv = np.array([[1.0, 0.0], [0.0, 1.0], [0.8, -0.6]])
    return demands, teams, dv, tv


# S = dv · tvᵀ, clipped at 0:
#   D1: [1, 0, 0.8]   D2: [0, 1, 0 (−0.6)]   D3: [0.6, 0.8, 0 (0.48 − 0.48)]
# F (field in team fields):  D1 新材料: [1,0,0]; D2 电子信息: [1,1,0]; D3 资源与环境: [0,0,1]
# K (share of the demand's keywords in the team's):
#   D1 {陶瓷,烧结}: T1 {烧结} 1/2, T2 0, T3 {陶瓷} 1/2
#   D2 {电机,控制器,传感器,can}: T1 {电机} 1/4, T2 {控制器,传感器} 2/4, T3 0
#   D3 no keywords: 0
# R: T1 430104 same province 0.5; T2 110108 0; T3 飞地 of 430321 → 1
# score = 0.25 F + 0.20 K + 0.45 S + 0.10 R (weights sum to 1)
EXPECTED = np.array(
    [
        [0.25 + 0.20 * 0.5 + 0.45 * 1 + 0.10 * 0.5, 0.0, 0.20 * 0.5 + 0.45 * 0.8 + 0.10],
        [0.25 + 0.20 * 0.25 + 0.10 * 0.5, 0.25 + 0.20 * 0.5 + 0.45 * 1, 0.10],
        [0.45 * 0.6 + 0.10 * 0.5, 0.45 * 0.8, 0.25 + 0.10],
    ]
)
# = [[0.85, 0, 0.56], [0.35, 0.80, 0.10], [0.32, 0.36, 0.35]]


def test_three_by_three_scores_by_hand() -> None:
    d, t, dv, tv = three_by_three()
    m = match_tech(d, t, demand_vectors=dv, team_vectors=tv, k=3)
    np.testing.assert_allclose(m.scores, EXPECTED, atol=1e-12)
    np.testing.assert_allclose(EXPECTED, [[0.85, 0, 0.56], [0.35, 0.80, 0.10], [0.32, 0.36, 0.35]])
    demand_side = m.pairs[m.pairs.side == "demand"]
    got = demand_side.groupby("demand_id")["team_id"].apply(list).to_dict()
    # D1: T1 0.85 > T3 0.56 > T2 0; D2: T2 0.80 > T1 0.35 > T3 0.10; D3: T2 0.36 > T3 0.35 > T1 0.32
    assert got == {"D1": ["T1", "T3", "T2"], "D2": ["T2", "T1", "T3"], "D3": ["T2", "T3", "T1"]}
    team_side = m.pairs[m.pairs.side == "team"]
    got = team_side.groupby("team_id")["demand_id"].apply(list).to_dict()
    # T1: D1 0.85 > D2 0.35 > D3 0.32; T2: D2 0.80 > D3 0.36 > D1 0; T3: D1 0.56 > D3 0.35 > D2 0.10
    assert got == {"T1": ["D1", "D2", "D3"], "T2": ["D2", "D3", "D1"], "T3": ["D1", "D3", "D2"]}
    top = demand_side.iloc[0]
    assert top["points"] == 85.0
    assert top["reasons"] == (
        "领域：新材料（一致）；关键词：烧结；语义相似度 1.00；同省；可承接 2 项（已承担 0 项）"
    )
    t3 = demand_side[(demand_side.demand_id == "D1") & (demand_side.team_id == "T3")].iloc[0]
    assert "本县飞地合作伙伴" in t3["reasons"]


def test_without_vectors_the_dense_weight_is_dropped() -> None:
    d, t, _, _ = three_by_three()
    m = match_tech(d, t, k=1)
    # D1·T1 without S: (0.25 + 0.20·0.5 + 0.10·0.5) / 0.55 = 0.40 / 0.55
    assert m.scores[0, 0] == pytest.approx(0.40 / 0.55, abs=1e-12)
    assert m.weights["dense"] == 0.0
    assert any("语义" in n for n in m.notes)


def test_full_teams_are_left_out_and_k_is_respected() -> None:
    d, t, dv, tv = three_by_three()
    # T2 carries one demand already and can take 1: full
    m = match_tech(d, t, demand_vectors=dv, team_vectors=tv, k=2, load={"T2": 1})
    assert "T2" not in set(m.pairs["team_id"])
    assert np.isnan(m.scores[:, 1]).all()
    assert (m.pairs.groupby(["side", "demand_id"]).size().loc["demand"] <= 2).all()
    assert any("满负荷" in n for n in m.notes)


def test_matching_inputs_are_validated() -> None:
    d, t, dv, _tv = three_by_three()
    with pytest.raises(InputError, match="k"):
        match_tech(d, t, k=0)
    with pytest.raises(InputError, match="同时给出"):
        match_tech(d, t, demand_vectors=dv)
    with pytest.raises(InputError, match="未知的匹配权重"):
        match_tech(d, t, weights={"luck": 1.0})
    with pytest.raises(InputError, match="缺少列"):
        match_tech(d.drop(columns="field"), t)


def test_same_input_same_ranking_twice() -> None:
    d, t = synthetic_tech(n_demands=12, n_teams=20, seed=5)
    a = match_tech(d, t, k=3).pairs
    b = match_tech(d, t, k=3).pairs
    pd.testing.assert_frame_equal(a, b)


@settings(max_examples=30, deadline=None)
@given(st.integers(min_value=0, max_value=10_000), st.integers(min_value=1, max_value=6))
def test_scores_are_bounded_and_lists_sorted(seed: int, k: int) -> None:
    d, t = synthetic_tech(n_demands=6, n_teams=9, seed=seed)
    m = match_tech(d, t, k=k)
    assert ((m.pairs["score"] >= 0) & (m.pairs["score"] <= 1)).all()
    for side, key in (("demand", "demand_id"), ("team", "team_id")):
        for _, g in m.pairs[m.pairs.side == side].groupby(key):
            assert g["rank"].tolist() == list(range(1, len(g) + 1))
            assert g["score"].is_monotonic_decreasing
            assert len(g) <= k


# ----------------------------------------------------------------------------- 技术需求图谱
def test_demand_graph_counts_and_budgets() -> None:
    d = pd.DataFrame(
        {
            "chain": ["工程机械", "工程机械", "工程机械", "粮油", None],
            "chain_link": ["液压与传动件", "液压与传动件", "整机制造", "谷物加工", None],
            "field": ["先进制造", "先进制造与自动化", "新材料", "生物医药", "农业"],
            "budget": [50.0, 30.0, None, 20.0, 5.0],
        }
    )
    g = demand_graph(d)
    assert g.table.to_numpy().tolist() == [
        ["工程机械", "整机制造", "新材料", 1, 0.0],
        ["工程机械", "液压与传动件", "先进制造与自动化", 2, 80.0],  # 50 + 30
        ["未标注", "未标注", "其他", 1, 5.0],
        ["粮油", "谷物加工", "生物与新医药", 1, 20.0],
    ]
    assert demand_graph(d, chain="粮油").table["demands"].tolist() == [1]
    assert "需求 5 项" in g.summary()


# ----------------------------------------------------------------------------- synthetic
def test_synthetic_county_is_labelled_and_repeatable() -> None:
    d1, t1 = synthetic_tech()
    d2, t2 = synthetic_tech()
    pd.testing.assert_frame_equal(d1, d2)
    pd.testing.assert_frame_equal(t1, t2)
    assert (len(d1), len(t1)) == (60, 120)
    assert d1["synthetic"].all() and t1["synthetic"].all()
    assert d1["firm_name"].str.startswith("（示例）").all()
    assert t1["name"].str.startswith("（示例）").all()
    assert set(d1["field"]) <= set(tech.TECH_FIELDS)
    assert set(t1["kind"]) <= set(tech.TEAM_KINDS)
    assert (t1.loc[t1.kind == "飞地", "partner_county"] == "430321").all()
    assert d1["demand_id"].is_unique and t1["team_id"].is_unique
    m = match_tech(d1, t1, k=5)
    assert m.synthetic and m.summary().startswith("【示例数据】")
    with pytest.raises(InputError):
        synthetic_tech(n_demands=0)


# ----------------------------------------------------------------------------- assignment
def test_assignment_of_the_three_by_three() -> None:
    """Capacities T1 2, T2 1, T3 1. The best total: D1→T1 0.85, D2→T2 0.80, D3→T3 0.35
    = 2.00 (any other assignment is lower, e.g. D3→T2 0.36 forces D2→T1 0.35: 0.85 + 0.35 +
    0.36 = 1.56)."""
    d, t, dv, tv = three_by_three()
    m = match_tech(d, t, demand_vectors=dv, team_vectors=tv, k=3)
    a = tech.assign_tech(m)
    assert a.table[["demand_id", "team_id"]].to_numpy().tolist() == [
        ["D1", "T1"],
        ["D2", "T2"],
        ["D3", "T3"],
    ]
    assert a.table["score"].sum() == pytest.approx(0.85 + 0.80 + 0.35, abs=1e-12)
    assert a.unassigned == []
    # T2 full (load 1 of 1): D2 goes to T1 (capacity 2): D1→T1 0.85, D2→T1 0.35, D3→T3 0.35
    b = tech.assign_tech(match_tech(d, t, demand_vectors=dv, team_vectors=tv, load={"T2": 1}))
    assert b.table[["demand_id", "team_id"]].to_numpy().tolist() == [
        ["D1", "T1"],
        ["D2", "T1"],
        ["D3", "T3"],
    ]
    # a floor above 0.5 keeps only D1→T1 (0.85) and D2→T2 (0.80)
    c = tech.assign_tech(m, min_score=0.5)
    assert c.table["demand_id"].tolist() == ["D1", "D2"] and c.unassigned == ["D3"]


@settings(max_examples=25, deadline=None)
@given(
    st.integers(min_value=0, max_value=10_000),
    st.integers(min_value=1, max_value=15),
    st.integers(min_value=1, max_value=8),
)
def test_capacities_are_never_exceeded(seed: int, n_d: int, n_t: int) -> None:
    d, t = synthetic_tech(n_demands=n_d, n_teams=n_t, seed=seed)
    rng = np.random.default_rng(seed)
    load = {tid: int(rng.integers(0, 3)) for tid in t["team_id"]}
    m = match_tech(d, t, k=3, load=load)
    a = tech.assign_tech(m)
    used = a.table["team_id"].value_counts()
    cap = dict(zip(t["team_id"], t["capacity"], strict=True))
    for team, n in used.items():
        assert n <= cap[team] - load[team]
    assert a.table["demand_id"].is_unique
    assert len(a.table) + len(a.unassigned) == n_d
