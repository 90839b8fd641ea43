"""Tri-state conditions: every operator at its edges, NULL and absent columns, Kleene logic."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xinzhi.policy.conditions import Columns, Outcome, condition_outcome, whole_years
from xinzhi.policy.rules import load_document

ON = dt.date(2024, 6, 30)
T, F, U = "T", "F", "U"


def outcome(when: Any, frame: pd.DataFrame, *, subject: str = "firm", on: dt.date = ON) -> Outcome:
    d = load_document(
        {
            "document": {
                "id": "t",
                "title": "测试（示例数据）",
                "issuer": "示例",
                "date": "2020-01-01",
                "region": "22",
                "subject": subject,
                "category": "综合",
                "source": "示例数据",
            },
            "clauses": [{"id": "1", "title": "t", "when": when}],
        }
    )
    return condition_outcome(d.clauses[0].when, Columns(frame, on, d.fields))


def tri(out: Outcome) -> list[str]:
    assert not (out.t & out.f).any()  # never both
    return [T if t else (F if f else U) for t, f in zip(out.t, out.f, strict=True)]


NUM = [99.99, 100.0, 100.01, None]  # just below / equal / just above / NULL


@pytest.mark.parametrize(
    ("op", "expected"),
    [
        ("ge", [F, T, T, U]),
        ("gt", [F, F, T, U]),
        ("le", [T, T, F, U]),
        ("lt", [T, F, F, U]),
        ("eq", [F, T, F, U]),
        ("ne", [T, F, T, U]),
    ],
)
def test_numeric_comparisons_at_the_edge(op: str, expected: list[str]) -> None:
    frame = pd.DataFrame({"revenue": NUM})
    out = outcome({"field": "revenue", op: 100}, frame)
    assert tri(out) == expected
    assert out.missing["revenue"].tolist() == [False, False, False, True]


def test_absent_column_is_unknown_not_zero() -> None:
    frame = pd.DataFrame({"tax": [1.0, 2.0]})
    out = outcome({"field": "revenue", "lt": 100}, frame)  # 0 would pass; absent must not
    assert tri(out) == [U, U]
    assert out.missing["revenue"].tolist() == [True, True]


def test_between_inclusive_both_ends() -> None:
    frame = pd.DataFrame({"employees": [9, 10, 300, 301, None]})
    assert tri(outcome({"field": "employees", "between": [10, 300]}, frame)) == [F, T, T, F, U]


def test_in_and_not_in_numbers_and_text() -> None:
    frame = pd.DataFrame({"employees": [1, 2, None], "section": ["C", "I", None]})
    assert tri(outcome({"field": "employees", "in": [2, 3]}, frame)) == [F, T, U]
    assert tri(outcome({"field": "employees", "not_in": [2, 3]}, frame)) == [T, F, U]
    assert tri(outcome({"field": "section", "in": ["C"]}, frame)) == [T, F, U]
    assert tri(outcome({"field": "section", "not_in": ["C"]}, frame)) == [F, T, U]
    assert tri(outcome({"field": "section", "eq": "I"}, frame)) == [F, T, U]
    assert tri(outcome({"field": "section", "ne": "I"}, frame)) == [T, F, U]


def test_prefix_industry_codes() -> None:
    # 1310 and 14 start with a prefix; 131 too; 2 and 0613 do not; "" and NULL are unknown
    frame = pd.DataFrame({"industry_code": ["1310", "131", "14", "2", "0613", "", None]})
    assert tri(outcome({"field": "industry_code", "prefix": ["13", "14"]}, frame)) == [
        T,
        T,
        T,
        F,
        F,
        U,
        U,
    ]
    assert tri(outcome({"field": "industry_code", "not_prefix": ["13", "14"]}, frame)) == [
        F,
        F,
        F,
        T,
        T,
        U,
        U,
    ]
    # prefixes of several lengths at once
    assert tri(outcome({"field": "industry_code", "prefix": ["2", "0613"]}, frame)) == [
        F,
        F,
        F,
        T,
        T,
        U,
        U,
    ]


def test_region_prefix_with_integer_codes_in_the_frame() -> None:
    frame = pd.DataFrame({"region_code": [220524, 220500, None]})  # floats with NaN, as from a CSV
    assert frame["region_code"].dtype == "float64"
    assert tri(outcome({"field": "region_code", "prefix": [220524]}, frame)) == [T, F, U]
    ints = pd.DataFrame({"industry_code": [1310, 2710]})
    assert tri(outcome({"field": "industry_code", "prefix": ["13"]}, ints)) == [T, F]


def test_booleans_is_and_text_booleans() -> None:
    frame = pd.DataFrame({"utility": [True, False, None]})
    assert tri(outcome({"field": "utility", "is": True}, frame)) == [T, F, U]
    assert tri(outcome({"field": "utility", "is": False}, frame)) == [F, T, U]
    text = pd.DataFrame({"utility": ["是", "否", "不详"]})
    assert tri(outcome({"field": "utility", "is": True}, text)) == [T, F, U]
    plain = pd.DataFrame({"utility": np.array([True, False])})
    assert tri(outcome({"field": "utility", "is": False}, plain)) == [F, T]


def test_ratio_edges_nulls_and_nonpositive_denominator() -> None:
    # rd / revenue ≥ 0.03: 2.99/100 = 0.0299 F, 3/100 = 0.03 T, 3.01/100 T;
    # revenue 0 or -5 → F (even with rd NULL); rd NULL → U; revenue NULL → U
    frame = pd.DataFrame(
        {
            "rd_expenditure": [2.99, 3.0, 3.01, 3.0, None, None, 3.0],
            "revenue": [100.0, 100.0, 100.0, 0.0, 0.0, 100.0, None],
        }
    )
    out = outcome({"ratio": ["rd_expenditure", "revenue"], "ge": 0.03}, frame)
    assert tri(out) == [F, T, T, F, F, U, U]
    assert out.missing["rd_expenditure"].tolist() == [False] * 5 + [True, False]
    assert out.missing["revenue"].tolist() == [False] * 6 + [True]
    lt = outcome({"ratio": ["rd_expenditure", "revenue"], "lt": 0.03}, frame)
    assert tri(lt) == [T, F, F, F, F, U, U]


def test_diff_edges_and_nulls() -> None:
    # tax − tax_prev1 ≥ 100: 599.99 − 500 = 99.99 F, 600 − 500 = 100 T, 600.01 − 500 T;
    # tax NULL → U (asks for tax), tax_prev1 NULL → U (asks for tax_prev1); a fall −50 → F
    frame = pd.DataFrame(
        {
            "tax": [599.99, 600.0, 600.01, None, 600.0, 450.0],
            "tax_prev1": [500.0, 500.0, 500.0, 500.0, None, 500.0],
        }
    )
    out = outcome({"diff": ["tax", "tax_prev1"], "ge": 100}, frame)
    assert tri(out) == [F, T, T, U, U, F]
    assert out.missing["tax"].tolist() == [False, False, False, True, False, False]
    assert out.missing["tax_prev1"].tolist() == [False, False, False, False, True, False]
    assert tri(outcome({"diff": ["tax", "tax_prev1"], "lt": 0}, frame)) == [F, F, F, U, U, T]


def test_label_held_and_validity_window() -> None:
    # on 2024-06-30: until = on → still valid; until = the day before → expired;
    # since the day after → not yet valid; NULL dates = open
    frame = pd.DataFrame(
        {
            "label_hnte": [True, True, True, True, False, None],
            "label_hnte_until": ["2024-06-30", "2024-06-29", None, "2025-01-01", None, None],
            "label_hnte_since": ["2021-06-30", "2021-06-29", "2024-07-01", None, None, None],
        }
    )
    held = outcome({"label": "hnte", "held": True}, frame)
    assert tri(held) == [T, F, F, T, F, U]
    assert held.missing["label_hnte"].tolist() == [False] * 5 + [True]
    assert tri(outcome({"label": "hnte", "held": False}, frame)) == [F, T, T, F, T, U]


def test_label_held_without_dates_reads_the_flag() -> None:
    frame = pd.DataFrame({"label_srdi_sme": [True, False, None]})
    assert tri(outcome({"label": "srdi_sme", "held": True}, frame)) == [T, F, U]
    assert tri(outcome({"label": "srdi_sme", "held": True}, pd.DataFrame({"x": [1]}))) == [U]


def test_label_since_within_years() -> None:
    # N = 1 on 2024-06-30: cutoff 2023-06-30 (inclusive)
    frame = pd.DataFrame(
        {
            "label_srdi_sme": [True, True, True, False, None, True],
            "label_srdi_sme_since": [
                "2023-06-30",
                "2023-06-29",
                None,
                "2024-01-01",
                "2024-01-01",
                "2024-06-30",
            ],
        }
    )
    out = outcome({"label": "srdi_sme", "since_within_years": 1}, frame)
    assert tri(out) == [T, F, U, F, U, T]
    assert out.missing["label_srdi_sme_since"].tolist() == [False, False, True, False, False, False]
    assert out.missing["label_srdi_sme"].tolist() == [False, False, False, False, True, False]


def test_since_within_years_on_29_february() -> None:
    frame = pd.DataFrame(
        {"label_hnte": [True, True], "label_hnte_since": ["2023-02-28", "2023-02-27"]}
    )
    out = outcome({"label": "hnte", "since_within_years": 1}, frame, on=dt.date(2024, 2, 29))
    assert tri(out) == [T, F]  # 2024-02-29 minus one year → 2023-02-28


def test_whole_years_birthday_count() -> None:
    d = np.array(["2019-07-01", "2019-06-30", "2019-07-01", "2024-07-01"], dtype="datetime64[D]")
    # to 2024-06-30: 4 (a day short of 5), 5, ; to 2024-07-01 → 5; a future date → −1
    assert whole_years(d[:2], ON).tolist() == [4.0, 5.0]
    assert whole_years(d[2:3], dt.date(2024, 7, 1)).tolist() == [5.0]
    assert whole_years(d[3:], ON).tolist() == [-1.0]


@pytest.mark.parametrize(
    ("op", "expected"),
    # founded 2021-07-01 → 2 whole years on 2024-06-30; 2021-06-30 → 3; 2020-06-30 → 4
    [("lt", [T, F, F, U]), ("le", [T, T, F, U]), ("ge", [F, T, T, U]), ("gt", [F, F, T, U])],
)
def test_years_since_edges(op: str, expected: list[str]) -> None:
    frame = pd.DataFrame({"founded": ["2021-07-01", "2021-06-30", "2020-06-30", None]})
    assert tri(outcome({"years_since": "founded", op: 3}, frame)) == expected


@pytest.mark.parametrize(
    ("op", "expected"),
    [
        ("on_or_after", [F, T, T, U]),
        ("after", [F, F, T, U]),
        ("before", [T, F, F, U]),
        ("on_or_before", [T, T, F, U]),
    ],
)
def test_date_edges(op: str, expected: list[str]) -> None:
    frame = pd.DataFrame(
        {"production_start": pd.to_datetime(["2022-12-31", "2023-01-01", "2023-01-02", None])}
    )
    assert tri(outcome({"date": "production_start", op: "2023-01-01"}, frame)) == expected


def test_size_class() -> None:
    frame = pd.DataFrame({"size_class": ["小", "微", "中", None]})
    out = outcome({"size": ["小", "微"]}, frame)
    assert tri(out) == [T, T, F, U]
    assert out.missing["size_class"].tolist() == [False, False, False, True]


def test_ordinal_education_and_aliases() -> None:
    frame = pd.DataFrame({"education": ["大专", "本科", "硕士", "研究生", " 博士 ", "小学", None]})
    out = outcome({"field": "education", "ge": "本科"}, frame, subject="person")
    # 大专 < 本科; 本科 = 本科; 研究生 = 硕士; an unlisted level (小学) is unknown
    assert tri(out) == [F, T, T, T, T, U, U]
    eq = outcome({"field": "education", "eq": "硕士"}, frame, subject="person")
    assert tri(eq) == [F, F, T, T, F, U, U]
    between = outcome(
        {"field": "title_level", "between": ["中级", "副高"]},
        pd.DataFrame({"title_level": ["初级", "中级", "副高级", "正高级"]}),
        subject="person",
    )
    assert tri(between) == [F, T, T, F]


def test_kleene_combinators_and_missing_only_where_it_matters() -> None:
    # x ≥ 1 and y ≥ 1 over (x, y) ∈ {T, F, U}²
    x = [1, 1, 1, 0, 0, 0, None, None, None]
    y = [1, 0, None, 1, 0, None, 1, 0, None]
    frame = pd.DataFrame({"revenue": x, "tax": y})
    a, b = {"field": "revenue", "ge": 1}, {"field": "tax", "ge": 1}
    both = outcome({"all": [a, b]}, frame)
    assert tri(both) == [T, F, U, F, F, F, U, F, U]
    either = outcome({"any": [a, b]}, frame)
    assert tri(either) == [T, T, T, T, F, U, T, U, U]
    neg = outcome({"not": a}, frame)
    assert tri(neg) == [F, F, F, T, T, T, U, U, U]
    # all: (x=F, y=U) is decided F, so tax is not asked for; (x=T, y=U) asks for tax only
    assert both.missing["tax"].tolist() == [
        False,
        False,
        True,
        False,
        False,
        False,
        False,
        False,
        True,
    ]
    assert both.missing["revenue"].tolist() == [False] * 6 + [True, False, True]
    # any: (x=T, y=U) is decided T, nothing missing
    assert either.missing["tax"].tolist() == [False] * 5 + [True, False, False, True]


def test_clause_without_condition_is_true() -> None:
    cols = Columns(pd.DataFrame({"a": [1, 2]}), ON, {})
    out = condition_outcome(None, cols)
    assert out.t.tolist() == [True, True] and out.f.tolist() == [False, False]


VAL = st.sampled_from([1.0, 0.0, None])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(VAL, VAL, VAL), min_size=1, max_size=12))
def test_kleene_laws(rows: list[tuple[Any, Any, Any]]) -> None:
    frame = pd.DataFrame(rows, columns=["revenue", "tax", "profit"])
    a, b, c = ({"field": k, "ge": 1} for k in ("revenue", "tax", "profit"))

    def same(p: Any, q: Any) -> None:
        assert tri(outcome(p, frame)) == tri(outcome(q, frame))

    same({"not": {"all": [a, b]}}, {"any": [{"not": a}, {"not": b}]})  # De Morgan
    same({"not": {"any": [a, b]}}, {"all": [{"not": a}, {"not": b}]})
    same({"not": {"not": a}}, a)  # double negation
    same({"all": [a, b]}, {"all": [b, a]})  # commutative
    same({"any": [a, {"all": [b, c]}]}, {"all": [{"any": [a, b]}, {"any": [a, c]}]})  # distributive
    same({"all": [a, {"any": [a, b]}]}, a)  # absorption
    # the truth table of AND: min over T > U > F
    order = {F: 0, U: 1, T: 2}
    ta, tb, tab = (
        tri(outcome(a, frame)),
        tri(outcome(b, frame)),
        tri(outcome({"all": [a, b]}, frame)),
    )
    assert [order[v] for v in tab] == [min(order[p], order[q]) for p, q in zip(ta, tb, strict=True)]


@pytest.mark.parametrize("name", ["xinzhi.policy.conditions"])
def test_module_doctests(name: str) -> None:
    # tests/test_doctests.py lists modules by hand; until the policy modules are added there
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.attempted >= 1 and result.failed == 0
