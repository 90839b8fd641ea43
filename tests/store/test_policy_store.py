"""The policy tables (:mod:`xinzhi.store.policy`): idempotent creation, document versions with
history, and the current views (newest version; newest active batch per key)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from fixtures.policy_warehouse import batch
from xinzhi import store
from xinzhi.store import policy as ps


def test_tables_are_idempotent_and_typed(tmp_path: Path) -> None:
    con = store.connect(tmp_path / "w.duckdb")
    assert not ps.has_policy_tables(con)
    assert ps.current_documents(con).empty  # no tables: empty, no error
    ps.ensure_policy_tables(con)
    ps.ensure_policy_tables(con)
    assert ps.has_policy_tables(con)
    cols = [r[0] for r in con.execute("DESCRIBE policy_facts").fetchall()]
    assert cols == [
        "credit_code",
        "person_id",
        "year",
        "fact",
        "value_num",
        "value_text",
        "batch_id",
        "synthetic",
    ]
    cols = [r[0] for r in con.execute("DESCRIBE policy_records").fetchall()]
    assert cols == [*ps.RECORD_COLUMNS[:-1], "batch_id", "synthetic"]
    con.close()


def test_document_versions_and_history(tmp_path: Path) -> None:
    con = store.connect(tmp_path / "w.duckdb")
    args = {"yaml": "document: {id: d}\n", "region": "430321"}
    assert (
        ps.write_document_version(
            con, doc_id="d", status="待审核", account="a", action="save", **args
        )
        == 1
    )
    assert (
        ps.write_document_version(
            con,
            doc_id="d",
            status="已发布",
            account="b",
            action="publish",
            published_on=dt.date(2024, 1, 1),
            **args,
        )
        == 2
    )
    assert (
        ps.write_document_version(
            con, doc_id="e", status="草稿", account="a", action="save", **args
        )
        == 1
    )
    cur = ps.current_documents(con)
    assert cur[["id", "version", "status"]].values.tolist() == [
        ["d", 2, "已发布"],
        ["e", 1, "草稿"],
    ]
    assert ps.current_documents(con, statuses=["草稿"])["id"].tolist() == ["e"]
    hist = ps.document_history(con, "d")
    assert hist[["version", "status", "created_by", "action"]].values.tolist() == [
        [1, "待审核", "a", "save"],
        [2, "已发布", "b", "publish"],
    ]
    with pytest.raises(ValueError):
        ps.write_document_version(con, doc_id="d", status="x", account="a", action="save", **args)
    con.close()


def _facts(value: float) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "credit_code": ["C1", None],
            "person_id": [None, "P1"],
            "year": [2023, 2023],
            "fact": ["f", "age"],
            "value_num": [value, 30.0],
            "value_text": [None, None],
            "synthetic": [False, False],
        }
    )


def test_newest_active_batch_wins(tmp_path: Path) -> None:
    con = store.connect(tmp_path / "w.duckdb")
    ps.ensure_policy_tables(con)
    batch(con, "facts:a", lambda c, b: ps.insert_policy_facts(c, _facts(1.0), b))
    batch(con, "facts:b", lambda c, b: ps.insert_policy_facts(c, _facts(2.0), b))
    got = ps.read_policy_facts(con, year=2023)
    assert got[["key", "fact", "value_num"]].values.tolist() == [["C1", "f", 2.0]]
    got = ps.read_policy_facts(con, year=2023, subject="person")
    assert got[["key", "fact", "value_num"]].values.tolist() == [["P1", "age", 30.0]]
    assert ps.read_policy_facts(con, year=2023, codes=["C2"]).empty
    # the later batch superseded by a new batch of its source: the first one shows again
    con.execute("UPDATE import_batches SET status = 'superseded' WHERE source = 'facts:b'")
    assert ps.read_policy_facts(con, year=2023)["value_num"].tolist() == [1.0]
    con.close()


def test_records_view(tmp_path: Path) -> None:
    con = store.connect(tmp_path / "w.duckdb")
    ps.ensure_policy_tables(con)
    rec = pd.DataFrame(
        {
            "document": ["d", "d"],
            "clause": ["1", "1"],
            "credit_code": ["C1", "C1"],
            "period": ["2024", "2024"],
            "stage": ["paid", "eligible"],
            "amount": [5.0, 8.0],
            "aware": [True, None],
            "satisfaction": [4, None],
            "synthetic": [False, False],
        }
    )
    batch(con, "rec:a", lambda c, b: ps.insert_policy_records(c, rec, b))
    batch(
        con, "rec:b", lambda c, b: ps.insert_policy_records(c, rec.iloc[:1].assign(amount=6.0), b)
    )
    got = ps.read_policy_records(con, documents=["d"])
    assert got[["stage", "amount"]].values.tolist() == [["eligible", 8.0], ["paid", 6.0]]
    assert ps.read_policy_records(con, codes=["C2"]).empty
    con.close()
