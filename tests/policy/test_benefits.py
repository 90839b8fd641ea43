"""Amounts: fixed, percent (with rate ranges), per unit, bands, cap and floor; ranges when
inputs are missing; stacking, cap per subject and budget allocation on constructed arrays."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xinzhi.policy.benefits import (
    FAIL,
    MAYBE,
    MEET,
    allocate,
    amount_missing,
    amount_range,
    apply_stacking,
    apply_subject_cap,
)
from xinzhi.policy.conditions import Columns
from xinzhi.policy.rules import load_document

ON = dt.date(2024, 6, 30)
INF = np.inf


def _benefit(benefit: Any) -> tuple[Any, Any]:
    d = load_document(
        {
            "document": {
                "id": "t",
                "title": "测试（示例数据）",
                "issuer": "示例",
                "date": "2020-01-01",
                "region": "22",
                "subject": "firm",
                "category": "综合",
                "source": "示例数据",
            },
            "clauses": [{"id": "1", "title": "t", "benefit": benefit}],
        }
    )
    return d, d.clauses[0].benefit


def missing(benefit: Any, frame: pd.DataFrame) -> dict[str, list[bool]]:
    d, b = _benefit(benefit)
    return {k: m.tolist() for k, m in amount_missing(b, Columns(frame, ON, d.fields)).items()}


def amounts(benefit: Any, frame: pd.DataFrame) -> list[tuple[float, float]]:
    d, b = _benefit(benefit)
    assert b is not None
    lo, hi = amount_range(b, Columns(frame, ON, d.fields))
    return [(round(float(a), 6), round(float(c), 6)) for a, c in zip(lo, hi, strict=True)]


def test_amount_missing_names_the_null_inputs_that_matter() -> None:
    frame = pd.DataFrame({"revenue": [999.0, 1000.0, None, 1000.0], "tax": [None, None, 5.0, 5.0]})
    assert missing({"fixed": 30}, frame) == {}
    assert missing({"percent": {"base": "tax", "rate": 0.1}}, frame) == {
        "tax": [True, True, False, False]
    }
    bands = {
        "bands": {
            "on": "revenue",
            "base": "tax",
            "bands": [{"lt": 1000, "amount": 5}, {"ge": 1000, "rate": 0.1}],
        }
    }
    # revenue 999 → the fixed band: tax not needed; 1000 → rate band: tax needed (NULL in row 1);
    # revenue NULL → both (the band and maybe the base)
    assert missing(bands, frame) == {
        "revenue": [False, False, True, False],
        "tax": [False, True, False, False],
    }


def test_fixed_and_cap() -> None:
    frame = pd.DataFrame({"x": [1, 2]})
    assert amounts({"fixed": 30}, frame) == [(30.0, 30.0)] * 2
    assert amounts({"fixed": 30, "cap": 20}, frame) == [(20.0, 20.0)] * 2


def test_per_unit_whole_steps() -> None:
    # 每满一万人奖励一万元: 1 × ⌊v / 10000⌋ — 9999 → 0, 10000 → 1, 19999 → 1, 20000 → 2;
    # NULL → [0, ∞); with cap 5: 60000 → 6 → 5 and NULL → [0, 5]
    frame = pd.DataFrame({"employees": [9999, 10000, 19999, 20000, None, 60000]})
    step = {"per_unit": {"base": "employees", "amount": 1, "per": 10000}}
    assert amounts(step, frame) == [
        (0.0, 0.0),
        (1.0, 1.0),
        (1.0, 1.0),
        (2.0, 2.0),
        (0.0, INF),
        (6.0, 6.0),
    ]
    assert amounts({**step, "cap": 5}, frame)[4:] == [(0.0, 5.0), (5.0, 5.0)]
    # 每满 0.5 人 0.2 万元: ⌊1.2 / 0.5⌋ = 2 → 0.4
    half = {"per_unit": {"base": "employees", "amount": 0.2, "per": 0.5}}
    assert amounts(half, pd.DataFrame({"employees": [1.2]})) == [(0.4, 0.4)]


def test_base_as_a_difference() -> None:
    # 新增部分的 30%: (tax − tax_prev1) × 0.3 — 600 − 500 = 100 → 30; a fall 400 − 500 = −100
    # → −30 → floor 0; NULL on either side → [0, ∞) and that side is missing
    frame = pd.DataFrame(
        {"tax": [600.0, 400.0, None, 600.0], "tax_prev1": [500.0, 500.0, 500.0, None]}
    )
    b = {"percent": {"base": {"diff": ["tax", "tax_prev1"]}, "rate": 0.3}}
    assert amounts(b, frame) == [(30.0, 30.0), (0.0, 0.0), (0.0, INF), (0.0, INF)]
    assert missing(b, frame) == {
        "tax": [False, False, True, False],
        "tax_prev1": [False, False, False, True],
    }
    # banded by the increase: ≥ 100 → 5, ≥ 200 → 10
    bands = {
        "bands": {
            "by": {"diff": ["tax", "tax_prev1"]},
            "bands": [{"ge": 100, "lt": 200, "amount": 5}, {"ge": 200, "amount": 10}],
        }
    }
    frame2 = pd.DataFrame({"tax": [599.0, 600.0, 700.0], "tax_prev1": [500.0, 500.0, 500.0]})
    assert amounts(bands, frame2) == [(0.0, 0.0), (5.0, 5.0), (10.0, 10.0)]


def test_fixed_range_low_high_with_cap_and_floor() -> None:
    # 10万元—100万元 → [10, 100] for every subject, no data needed
    frame = pd.DataFrame({"x": [1, None]})
    assert amounts({"fixed": [10, 100]}, frame) == [(10.0, 100.0)] * 2
    assert missing({"fixed": [10, 100]}, frame) == {}
    # cap 50 → [10, 50]; floor 20 → [20, 100]; [10, 10] is one amount
    assert amounts({"fixed": [10, 100], "cap": 50}, frame) == [(10.0, 50.0)] * 2
    assert amounts({"fixed": [10, 100], "floor": 20}, frame) == [(20.0, 100.0)] * 2
    assert amounts({"fixed": [10, 10]}, frame) == [(10.0, 10.0)] * 2


def test_percent_single_rate_range_cap_and_missing_base() -> None:
    frame = pd.DataFrame({"project_investment": [1200.0, 2000.0, None, -50.0]})
    # 1200 × 5% = 60; 2000 × 5% = 100; NULL → [0, unbounded]; negative → floor 0
    assert amounts({"percent": {"base": "project_investment", "rate": 0.05}}, frame) == [
        (60.0, 60.0),
        (100.0, 100.0),
        (0.0, INF),
        (0.0, 0.0),
    ]
    # 5 %–20 %: 1200 → [60, 240]; 2000 → [100, 400] capped at 300 → [100, 300]; NULL → [0, 300]
    assert amounts(
        {"percent": {"base": "project_investment", "rate": [0.05, 0.2]}, "cap": 300}, frame
    ) == [
        (60.0, 240.0),
        (100.0, 300.0),
        (0.0, 300.0),
        (0.0, 0.0),
    ]


def test_per_unit_and_floor() -> None:
    frame = pd.DataFrame({"employees": [25, 0, None]})
    # 25 × 0.2 = 5; 0 × 0.2 = 0 → floor 1; NULL → [floor 1, cap 10]
    assert amounts(
        {"per_unit": {"base": "employees", "amount": 0.2}, "floor": 1, "cap": 10}, frame
    ) == [
        (5.0, 5.0),
        (1.0, 1.0),
        (1.0, 10.0),
    ]


BANDS_FIXED = {
    "bands": {
        "on": "project_investment",
        "bands": [
            {"ge": 1000, "le": 5000, "amount": 10},
            {"gt": 5000, "le": 10000, "amount": 20},
            {"gt": 10000, "amount": 50},
        ],
    }
}


def test_fixed_bands_at_every_edge() -> None:
    frame = pd.DataFrame(
        {"project_investment": [999.99, 1000.0, 5000.0, 5000.01, 10000.0, 10000.01, None]}
    )
    assert amounts(BANDS_FIXED, frame) == [
        (0.0, 0.0),  # below the lowest band
        (10.0, 10.0),
        (10.0, 10.0),
        (20.0, 20.0),
        (20.0, 20.0),
        (50.0, 50.0),
        (0.0, 50.0),  # unknown: 0 (below every band) up to the largest band amount
    ]


def test_rate_bands_on_one_field_base_another() -> None:
    benefit = {
        "bands": {
            "on": "revenue",
            "base": "local_fiscal_contribution",
            "bands": [{"ge": 1000, "lt": 5000, "rate": 0.5}, {"ge": 5000, "rate": 0.8}],
        }
    }
    frame = pd.DataFrame(
        {
            "revenue": [999.0, 1000.0, 4999.0, 5000.0, None, None, 6000.0],
            "local_fiscal_contribution": [100.0, 100.0, 100.0, 100.0, 100.0, None, None],
        }
    )
    assert amounts(benefit, frame) == [
        (0.0, 0.0),
        (50.0, 50.0),  # 100 × 0.5
        (50.0, 50.0),
        (80.0, 80.0),  # 100 × 0.8
        (0.0, 80.0),  # band unknown: at most 100 × 0.8
        (0.0, INF),  # nothing known
        (0.0, INF),  # band known, base unknown
    ]


def test_rate_bands_on_their_own_field_bounded_above() -> None:
    benefit = {
        "bands": {
            "on": "tax",
            "bands": [{"ge": 100, "le": 500, "rate": 0.1}, {"gt": 500, "le": 1000, "rate": 0.2}],
        }
    }
    frame = pd.DataFrame({"tax": [100.0, 500.0, 1000.0, 1000.5, None]})
    # 100 × 0.1 = 10; 500 × 0.1 = 50; 1000 × 0.2 = 200; above every band → 0;
    # unknown → at most max(500 × 0.1, 1000 × 0.2) = 200
    assert amounts(benefit, frame) == [
        (10.0, 10.0),
        (50.0, 50.0),
        (200.0, 200.0),
        (0.0, 0.0),
        (0.0, 200.0),
    ]


def test_stacking_highest_keeps_the_larger_amount() -> None:
    # clauses 0 and 1 in group g (highest), clause 2 alone; 3 subjects
    status = np.array([[MEET, MEET, MAYBE], [MEET, FAIL, MEET], [MEET, MEET, MEET]])
    lo = np.array([[30.0, 30.0, 0.0], [50.0, np.nan, 20.0], [5.0, 5.0, 5.0]])
    hi = np.array([[30.0, 30.0, INF], [50.0, np.nan, 20.0], [5.0, 5.0, 5.0]])
    by, alt = apply_stacking(["g", "g", None], {"g": "highest"}, status, lo, hi)
    # subject 0: 50 > 30 → clause 0 gives way to 1; subject 1: only clause 0 符合;
    # subject 2: clause 0 is 可能符合 (unbounded) and clause 1 符合 20 → 符合 keeps 20, the
    # 可能符合 row keeps [0, ∞) and is told to compare with clause 1
    assert np.array_equal(
        lo, np.array([[0.0, 30.0, 0.0], [50.0, np.nan, 20.0], [5.0, 5.0, 5.0]]), equal_nan=True
    )
    assert np.array_equal(
        hi, np.array([[0.0, 30.0, INF], [50.0, np.nan, 20.0], [5.0, 5.0, 5.0]]), equal_nan=True
    )
    assert by.tolist() == [[1, -1, -1], [-1, -1, -1], [-1, -1, -1]]
    assert alt.tolist() == [[-1, -1, 1], [-1, -1, -1], [-1, -1, -1]]


def test_stacking_a_certain_row_never_gives_way_to_a_possible_one() -> None:
    # one subject, group g: clause 0 符合 [20, 20], clause 1 可能符合 [0, 50], clause 2 符合
    # [30, 30] → certain winner clause 2 (30 > 20); clause 0 → 0 (gave way to 2); clause 1
    # keeps [0, 50] and is compared with clause 2
    status = np.array([[MEET], [MAYBE], [MEET]])
    lo, hi = np.array([[20.0], [0.0], [30.0]]), np.array([[20.0], [50.0], [30.0]])
    by, alt = apply_stacking(["g", "g", "g"], {"g": "highest"}, status, lo, hi)
    assert lo.ravel().tolist() == [0.0, 0.0, 30.0]
    assert hi.ravel().tolist() == [0.0, 50.0, 30.0]
    assert by.ravel().tolist() == [2, -1, -1]
    assert alt.ravel().tolist() == [-1, 2, -1]


def test_stacking_without_a_certain_row_keeps_every_possible_range() -> None:
    status = np.array([[MAYBE], [MAYBE]])
    lo, hi = np.array([[0.0], [0.0]]), np.array([[50.0], [INF]])
    by, alt = apply_stacking(["g", "g"], {"g": "highest"}, status, lo, hi)
    assert hi.ravel().tolist() == [50.0, INF] and lo.ravel().tolist() == [0.0, 0.0]
    assert by.ravel().tolist() == [-1, -1] and alt.ravel().tolist() == [-1, -1]


def test_stacking_ties_go_to_the_earlier_clause_and_additive_keeps_all() -> None:
    status = np.array([[MEET], [MEET]])
    lo, hi = np.array([[40.0], [40.0]]), np.array([[40.0], [40.0]])
    by, _ = apply_stacking(["g", "g"], {"g": "highest"}, status, lo, hi)
    assert lo.ravel().tolist() == [40.0, 0.0] and by.ravel().tolist() == [-1, 0]
    lo2, hi2 = np.array([[40.0], [40.0]]), np.array([[40.0], [40.0]])
    apply_stacking(["g", "g"], {"g": "additive"}, status, lo2, hi2)
    assert lo2.ravel().tolist() == [40.0, 40.0]


def test_cap_per_subject_scales_pro_rata() -> None:
    # subject 0: 60 + 40 = 100 > cap 50 → × 0.5 → 30, 20; subject 1: 10 + 20 = 30 ≤ 50 unchanged;
    # subject 2: max unbounded → min kept 10 + 0, max becomes the cap 50 each
    status = np.array([[MEET, MEET, MAYBE], [MEET, MEET, MAYBE]])
    lo = np.array([[60.0, 10.0, 10.0], [40.0, 20.0, 0.0]])
    hi = np.array([[60.0, 10.0, INF], [40.0, 20.0, 30.0]])
    apply_subject_cap(50.0, status, lo, hi)
    assert lo.tolist() == [[30.0, 10.0, 10.0], [20.0, 20.0, 0.0]]
    assert hi.tolist() == [[30.0, 10.0, 50.0], [20.0, 20.0, 30.0]]


def test_budget_pro_rata() -> None:
    # demand = 60 + 40 + 100 = 200 (符合 only; the 可能符合 row is not paid) > 150 → × 0.75
    status = np.array([[MEET, MEET, MAYBE, MEET]])
    claim = np.array([[60.0, 40.0, 80.0, 100.0]])
    out = allocate(status, claim, total=150.0, allocation="pro_rata")
    assert np.array_equal(out, np.array([[45.0, 30.0, np.nan, 75.0]]), equal_nan=True)
    # demand within the budget: everyone gets the claim
    out = allocate(status, claim, total=200.0, allocation="pro_rata")
    assert np.array_equal(out, np.array([[60.0, 40.0, np.nan, 100.0]]), equal_nan=True)
    # no budget: the claim; unbounded claims are not allocated
    out = allocate(status, np.array([[60.0, INF, 1.0, 2.0]]))
    assert np.array_equal(out, np.array([[60.0, np.nan, np.nan, 2.0]]), equal_nan=True)


def test_budget_ranked() -> None:
    # 2 clauses × 4 subjects; rank by tax descending: s2 (90) > s0 (50) > s3 (50, later) > s1 (NULL)
    status = np.array([[MEET, MEET, MEET, MEET], [MEET, FAIL, MEET, MEET]])
    claim = np.array([[30.0, 30.0, 30.0, 30.0], [20.0, np.nan, 20.0, 20.0]])
    rank = np.array([50.0, np.nan, 90.0, 50.0])
    out = allocate(status, claim, total=120.0, allocation="ranked", rank=rank)
    # order: s2 (30 + 20 = 50), s0 (30 + 20 = 100), s3 (20 left: clause 0 gets 20, clause 1 gets 0), s1 0
    assert np.array_equal(
        out, np.array([[30.0, 0.0, 30.0, 20.0], [20.0, np.nan, 20.0, 0.0]]), equal_nan=True
    )
    asc = allocate(status, claim, total=60.0, allocation="ranked", rank=rank, descending=False)
    # ascending: s0 (50) first: 30 + 20 = 50; s3: 10 left → clause 0 gets 10
    assert np.array_equal(
        asc, np.array([[30.0, 0.0, 0.0, 10.0], [20.0, np.nan, 0.0, 0.0]]), equal_nan=True
    )


@settings(max_examples=80, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from([MEET, MAYBE, FAIL]), st.floats(0, 1000)), min_size=1, max_size=30
    ),
    st.floats(0, 5000),
    st.sampled_from(["pro_rata", "ranked"]),
)
def test_allocation_sums_to_min_of_budget_and_demand(
    rows: list[tuple[int, float]], total: float, how: str
) -> None:
    status = np.array([[s for s, _ in rows]])
    claim = np.array([[c for _, c in rows]])
    rank = np.arange(len(rows), dtype="float64")
    out = allocate(status, claim, total=total, allocation=how, rank=rank)
    demand = float(claim[status == MEET].sum())
    assert np.nansum(out) == pytest.approx(min(total, demand), rel=1e-9, abs=1e-9)
    paid = out[status == MEET]
    assert (paid >= -1e-12).all() and (paid <= claim[status == MEET] + 1e-9).all()
    assert np.isnan(out[status != MEET]).all()


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.one_of(st.none(), st.floats(-100, 20000)), min_size=1, max_size=20),
    st.one_of(st.none(), st.floats(1, 500)),
)
def test_amount_min_never_above_amount_max(values: list[float | None], cap: float | None) -> None:
    frame = pd.DataFrame({"project_investment": pd.array(values, dtype="Float64")})
    benefits: list[dict[str, Any]] = [
        {"percent": {"base": "project_investment", "rate": [0.05, 0.2]}},
        {"per_unit": {"base": "project_investment", "amount": 0.01}},
        BANDS_FIXED,
    ]
    for b in benefits:
        if cap is not None:
            b = {**b, "cap": cap}
        for lo, hi in amounts(b, frame):
            assert 0 <= lo <= hi
            if cap is not None:
                assert hi <= round(cap, 6) + 1e-6  # amounts() rounds to 6 places


@pytest.mark.parametrize("name", ["xinzhi.policy.benefits"])
def test_module_doctests(name: str) -> None:
    # tests/test_doctests.py lists modules by hand; until the policy modules are added there
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.attempted >= 1 and result.failed == 0


def test_cap_per_subject_never_leaves_min_above_max() -> None:
    # 10 certain and [0, 300] unknown, cap 250: maxima 10 + 300 = 310 → × 250 / 310;
    # minima 10 + 0 = 10 ≤ 250 unchanged → the first clause's min 10 > its max 10 × 250 / 310
    # = 8.0645 is lowered to it
    status = np.array([[MEET], [MAYBE]])
    lo, hi = np.array([[10.0], [0.0]]), np.array([[10.0], [300.0]])
    apply_subject_cap(250.0, status, lo, hi)
    assert hi.ravel() == pytest.approx([10 * 250 / 310, 300 * 250 / 310])
    assert lo.ravel() == pytest.approx([10 * 250 / 310, 0.0])
