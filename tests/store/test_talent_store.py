"""The talent tables: insert/read through the current views, the embedding cache, retention."""

from __future__ import annotations

import datetime as dt
import hashlib

import duckdb
import numpy as np
import pandas as pd
import pytest

from xinzhi.store import ensure_schema, write_batch
from xinzhi.store import talent as ts


@pytest.fixture
def con() -> duckdb.DuckDBPyConnection:
    c = duckdb.connect()
    ensure_schema(c)
    ts.ensure_talent_tables(c)
    return c


def _batch(con: duckdb.DuckDBPyConnection, source: str, sha: str) -> int:
    empty = pd.DataFrame(columns=["row_number", "raw", "reason", "message"])
    bid, _ = write_batch(
        con,
        file_name=f"{sha}.xlsx",
        sha256=sha,
        source=source,
        fmt="talents",
        counts={
            "rows_read": 1,
            "rows_loaded": 1,
            "rows_quarantined": 0,
            "rows_skipped": 0,
            "values_loaded": 1,
        },
        report={},
        observations=pd.DataFrame(columns=["region_code", "year", "indicator", "value"]),
        quarantine=empty,
        skipped=empty[["row_number", "raw", "reason"]],
    )
    return bid


def _talent(pid: str, **kw: object) -> dict[str, object]:
    row: dict[str, object] = {
        "person_id": pid,
        "name": "张三",
        "phone": "13800000000",
        "region_code": "430321",
        "text": f"简历 {pid}",
        "education_level": 4,
        "years": 3.0,
        "skills": "焊接;CAD",
        "synthetic": False,
    }
    row.update(kw)
    return row


def test_tables_are_created_once(con: duckdb.DuckDBPyConnection) -> None:
    assert ts.has_talent_tables(con)
    ts.ensure_talent_tables(con)  # idempotent
    assert ts.read_talents(con).empty


def test_newer_batch_of_a_person_wins_and_county_filters(con: duckdb.DuckDBPyConnection) -> None:
    b1 = _batch(con, "talents:a", "a")
    ts.insert_talents(con, pd.DataFrame([_talent("P1"), _talent("P2", region_code="430381")]), b1)
    b2 = _batch(con, "talents:b", "b")
    ts.insert_talents(con, pd.DataFrame([_talent("P1", years=5.0)]), b2)
    all_rows = ts.read_talents(con)
    assert list(all_rows["person_id"]) == ["P1", "P2"]
    assert all_rows.set_index("person_id").loc["P1", "years"] == 5.0  # batch b2 wins
    own = ts.read_talents(con, region_code="430321")
    assert list(own["person_id"]) == ["P1"]
    assert list(ts.read_talents(con, ids=["P2"])["person_id"]) == ["P2"]


def test_jobs_round_trip(con: duckdb.DuckDBPyConnection) -> None:
    b = _batch(con, "jobs:a", "j")
    job = {
        "job_id": "J1",
        "title": "焊工",
        "region_code": "430321",
        "positions": 3,
        "posted": dt.date(2026, 1, 5),
        "filled": None,
        "synthetic": True,
    }
    assert ts.insert_jobs(con, pd.DataFrame([job]), b) == 1
    got = ts.read_jobs(con, region_code="430321")
    assert got.loc[0, "positions"] == 3
    assert pd.Timestamp(got.loc[0, "posted"]).date() == dt.date(2026, 1, 5)
    assert bool(got.loc[0, "synthetic"]) is True


def test_embedding_cache_stores_once_per_key_and_model(con: duckdb.DuckDBPyConnection) -> None:
    v = np.array([[0.6, 0.8], [1.0, 0.0]], dtype=np.float32)
    assert ts.store_vectors(con, ["k1", "k2"], "e5", v) == 2
    # the same keys again: nothing written (the cache is computed once per text and model)
    assert ts.store_vectors(con, ["k1", "k2"], "e5", v * 0) == 0
    assert ts.store_vectors(con, ["k1"], "use", v[:1]) == 1
    got = ts.cached_vectors(con, ["k1", "k3"], "e5")
    assert set(got) == {"k1"}
    np.testing.assert_allclose(got["k1"], [0.6, 0.8], rtol=1e-6)


def test_retention_anonymises_rows_older_than_the_setting(con: duckdb.DuckDBPyConnection) -> None:
    now = dt.datetime(2026, 12, 1, 12, 0)
    b = _batch(con, "talents:a", "r")
    # 31 days old, exactly 30 days old, 29 days old; retention 30 days
    ts.insert_talents(con, pd.DataFrame([_talent("OLD")]), b, entered_at=now - dt.timedelta(31))
    ts.insert_talents(
        con, pd.DataFrame([_talent("EDGE", text="另一份")]), b, entered_at=now - dt.timedelta(30)
    )
    ts.insert_talents(
        con, pd.DataFrame([_talent("NEW", text="第三份")]), b, entered_at=now - dt.timedelta(29)
    )

    def key(t: str) -> str:
        return hashlib.sha256(t.encode()).hexdigest()

    ts.store_vectors(con, [key("简历 OLD"), key("第三份")], "e5", np.eye(2, dtype=np.float32))
    assert ts.read_retention(con) == {"talents": None, "jobs": None}
    assert ts.purge_personal(con, now=now) == {"talents": 0, "jobs": 0, "vectors": 0}
    ts.set_retention(con, "talents", 30, account="admin")
    assert ts.read_retention(con)["talents"] == 30
    out = ts.purge_personal(con, now=now, text_key=key)
    # only OLD is older than now − 30 days (EDGE is exactly at the cut-off: kept)
    assert out == {"talents": 1, "jobs": 0, "vectors": 1}
    rows = ts.read_talents(con)
    ids = sorted(rows["person_id"])
    assert "OLD" not in ids and {"EDGE", "NEW"} <= set(ids)
    anon = rows[rows["person_id"].str.startswith("匿名-")].iloc[0]
    assert anon[["name", "phone", "text"]].isna().all()
    assert anon["education_level"] == 4 and anon["skills"] == "焊接;CAD"  # statistics kept
    assert set(ts.cached_vectors(con, [key("简历 OLD"), key("第三份")], "e5")) == {key("第三份")}
    # a second run finds nothing more
    assert ts.purge_personal(con, now=now, text_key=key)["talents"] == 0


def test_retention_of_jobs_deletes_old_postings(con: duckdb.DuckDBPyConnection) -> None:
    now = dt.datetime(2026, 12, 1)
    b = _batch(con, "jobs:a", "jr")
    rows = pd.DataFrame(
        [
            {"job_id": "J1", "filled": dt.date(2026, 1, 1), "synthetic": False},
            {"job_id": "J2", "filled": None, "synthetic": False},
        ]
    )
    ts.insert_jobs(con, rows, b, entered_at=dt.datetime(2025, 12, 1))
    ts.set_retention(con, "jobs", 365)
    # J1 filled 334 days before now: kept; J2 never filled, entered 365 days before: kept (not <)
    assert ts.purge_personal(con, now=now)["jobs"] == 0
    assert ts.purge_personal(con, now=now + dt.timedelta(days=1))["jobs"] == 1
    assert list(ts.read_jobs(con)["job_id"]) == ["J1"]


def test_retention_rejects_bad_settings(con: duckdb.DuckDBPyConnection) -> None:
    with pytest.raises(ValueError):
        ts.set_retention(con, "policies", 30)
    with pytest.raises(ValueError):
        ts.set_retention(con, "talents", 0)
