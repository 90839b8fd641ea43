"""Helpers shared by the per-document tests ``tests/policy/test_policy_*.py``.

Imported as ``from _clause_cases import ...``: the tests directory has no ``__init__.py``, so
pytest puts ``tests/policy`` on ``sys.path`` for the files in it (the same way ``tests/`` is there
for ``from fixtures.warehouse import ...``). The leading underscore keeps pytest from collecting
it.

Two styles of case table are in use:

- a row tuple ``(clause, case, overrides, status, amount_min, amount_max, missing)`` evaluated on
  one subject built from ``FIRM`` + ``BASE[clause]`` + the overrides against the whole built-in
  document (:func:`clause_table`, :func:`clause_case_misfits`, :func:`clauses_without_three_cases`);
- a :class:`Case` (a subject that just meets one clause, the deciding field and its value that just
  fails it) evaluated against the document cut down to that one clause
  (:func:`only_clause_row`, :func:`met_misfits`, :func:`failed_misfits`, :func:`missing_misfits`).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from functools import cache
from importlib import resources
from typing import Any, NamedTuple

import pandas as pd
import pytest

from xinzhi import yamlfile
from xinzhi.policy import builtin_documents, evaluate, load_document

# (clause, case, overrides, status, amount_min, amount_max, missing)
ClauseCase = tuple[str, str, dict[str, Any], str, float | None, float | None, str | None]


def document_rows(doc_id: str, frame: pd.DataFrame, on: dt.date, **options: Any) -> pd.DataFrame:
    """The tidy rows of the built-in document ``doc_id`` for ``frame`` on ``on``."""
    return evaluate([builtin_documents()[doc_id]], frame, on=on, **options).tidy()


def clause_row(
    doc_id: str, on: dt.date, values: dict[str, Any], clause: str, **options: Any
) -> pd.Series:
    """The single row of ``clause`` for a one-subject frame with ``values``."""
    tidy = document_rows(doc_id, pd.DataFrame([values]), on, **options)
    rows = tidy[(tidy["document"] == doc_id) & (tidy["clause"] == clause)]
    assert len(rows) == 1
    return rows.iloc[0]


def same(actual: Any, expected: float | None) -> bool:
    """``actual`` equals ``expected`` (None: the cell is NULL / NaN)."""
    if expected is None:
        return actual is None or (isinstance(actual, float) and math.isnan(actual))
    return bool(actual == pytest.approx(expected))


def clause_table(cases: Sequence[ClauseCase]) -> pytest.MarkDecorator:
    """Parametrize a test over row tuples, one argument ``row_case``, ids ``<clause>-<case>``."""
    return pytest.mark.parametrize("row_case", cases, ids=[f"{c[0]}-{c[1]}" for c in cases])


def clause_case_misfits(
    doc_id: str,
    on: dt.date,
    firm: dict[str, Any],
    base: dict[str, dict[str, Any]],
    row_case: ClauseCase,
    **options: Any,
) -> list[str]:
    """Evaluate ``firm`` + ``base[clause]`` + overrides; what differs from the case's status,
    amounts and missing field (empty: all as expected)."""
    clause, _case, overrides, status, amount_min, amount_max, missing = row_case
    row = clause_row(doc_id, on, {**firm, **base[clause], **overrides}, clause, **options)
    out = []
    if row["status"] != status:
        out.append(f"status {row['status']} ≠ {status}: {row['reason']}")
    if not same(row["amount_min"], amount_min):
        out.append(f"amount_min {row['amount_min']} ≠ {amount_min}")
    if not same(row["amount_max"], amount_max):
        out.append(f"amount_max {row['amount_max']} ≠ {amount_max}")
    if missing is not None and missing not in str(row["missing"]).split(","):
        out.append(f"missing {row['missing']} lacks {missing}")
    if status == "不符合" and not str(row["reason"]):
        out.append("不符合 without a reason")
    return out


def clauses_without_three_cases(doc_id: str, cases: Sequence[ClauseCase]) -> list[str]:
    """The clauses of the document that lack a ``meets``, a ``fails…`` or a ``missing`` case."""
    doc = builtin_documents()[doc_id]
    out = []
    for clause in doc.clauses:
        kinds = {case for c, case, *_ in cases if c == clause.id}
        if not ({"meets", "missing"} <= kinds and any(k.startswith("fails") for k in kinds)):
            out.append(clause.id)
    return out


class Case(NamedTuple):
    """A subject that just meets ``clause`` and the one field that decides it."""

    clause: str
    meet: dict[str, Any]  # a subject that just meets the clause
    # (amount_min, amount_max) by hand, or one amount; None: no benefit
    amount: tuple[float, float] | float | None
    field: str  # the deciding field
    fail: Any  # its value that just fails
    reason: str  # text of the deciding condition


def case_id(c: Case) -> str:
    """Test id ``<clause>:<field>``."""
    return f"{c.clause}:{c.field}"


@cache
def only_clause(doc_id: str, clause: str) -> Any:
    """The built-in document with this one clause (so that 就高不重复 with other clauses of its
    group, tested separately on the whole document, does not change the amount)."""
    text = (
        resources.files("xinzhi.policy").joinpath("policies", f"{doc_id}.yaml").read_text("utf-8")
    )
    data = yamlfile.safe_load(text)
    kept = [c for c in data["clauses"] if str(c["id"]) == clause]
    assert len(kept) == 1, clause
    head = dict(data["document"])
    head["stacking"] = {
        g: r for g, r in (head.get("stacking") or {}).items() if g == kept[0].get("group")
    }
    return load_document({**data, "document": head, "clauses": kept})


def only_clause_row(doc_id: str, clause: str, frame: pd.DataFrame, on: dt.date) -> pd.Series:
    """The single row of ``frame`` evaluated against :func:`only_clause`."""
    tidy = evaluate([only_clause(doc_id, clause)], frame, on=on).tidy()
    assert len(tidy) == 1
    return tidy.iloc[0]


def met_misfits(row: pd.Series, amount: tuple[float, float] | None) -> list[str]:
    """What differs from 符合 with (amount_min, amount_max) = ``amount`` (None: both NaN)."""
    out = [] if row["status"] == "符合" else [f"status {row['status']}: {row['reason']}"]
    if amount is None:
        amount_min, amount_max = None, None
    else:
        amount_min, amount_max = amount
    if not same(row["amount_min"], amount_min):
        out.append(f"amount_min {row['amount_min']} ≠ {amount_min}")
    if not same(row["amount_max"], amount_max):
        out.append(f"amount_max {row['amount_max']} ≠ {amount_max}")
    return out


def failed_misfits(row: pd.Series, reason: str, nan_amounts: Sequence[str] = ()) -> list[str]:
    """What differs from 不符合 with a reason naming ``reason`` and NaN in ``nan_amounts``."""
    out = [] if row["status"] == "不符合" else [f"status {row['status']}"]
    if reason not in row["reason"]:
        out.append(f"reason {row['reason']!r} lacks {reason!r}")
    out += [f"{c} = {row[c]} (not NaN)" for c in nan_amounts if not math.isnan(row[c])]
    return out


def missing_misfits(row: pd.Series, field: str) -> list[str]:
    """What differs from 可能符合 with ``missing`` naming ``field``."""
    out = [] if row["status"] == "可能符合" else [f"status {row['status']}: {row['reason']}"]
    if field not in str(row["missing"]).split(","):
        out.append(f"missing {row['missing']} lacks {field}")
    return out


def clauses_not_verbatim(doc: Any, source: str) -> list[str]:
    """The clauses of ``doc`` whose text does not occur word for word in ``source``."""
    return [c.id for c in doc.clauses if not (c.text and c.text in source)]
