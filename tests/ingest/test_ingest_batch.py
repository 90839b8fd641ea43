"""The file → import-batch wrapper of the table importers
(:func:`xinzhi.ingest.batch.import_table_file`, :func:`~xinzhi.ingest.batch.table_report`):
source name, counts, no-op re-import, supersession, missing file — on a toy importer."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from xinzhi import store
from xinzhi.errors import InputError
from xinzhi.ingest.batch import CleanTable, import_table_file, table_report
from xinzhi.ingest.tables import Grid

_EMPTY = pd.DataFrame(columns=["row_number", "raw", "reason"])


def _clean(grid: Grid) -> CleanTable:
    """Header ``code, v``; a row whose v is not a number is quarantined (non_numeric)."""
    body = grid.cells.iloc[1:].reset_index(drop=True)
    v = pd.to_numeric(body[1], errors="coerce")
    bad = v.isna()
    quarantine = pd.DataFrame(
        {
            "row_number": (body.index[bad] + 2).to_list(),
            "raw": [json.dumps([c, v]) for c, v in zip(body[0][bad], body[1][bad], strict=True)],
            "reason": "non_numeric",
            "message": "不是数值",
        }
    )
    rows = pd.DataFrame({"code": body[0][~bad].to_list(), "v": v[~bad].to_list()})
    return CleanTable(rows, quarantine, _EMPTY.copy(), len(body), {"code": "code", "v": "v"})


def _ensure(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("CREATE TABLE IF NOT EXISTS toy (code VARCHAR, v DOUBLE, batch_id INTEGER)")


def _insert(con: duckdb.DuckDBPyConnection, rows: pd.DataFrame, batch_id: int) -> None:
    con.register("_toy_rows", rows)
    con.execute("INSERT INTO toy SELECT code, v, ? FROM _toy_rows", [batch_id])
    con.unregister("_toy_rows")


def _run(path: Path, db: Path, **kw: object) -> object:
    return import_table_file(
        path,
        fmt="toy",
        clean=_clean,
        insert=_insert,
        ensure=_ensure,
        db=db,
        **kw,  # type: ignore[arg-type]
    )


def test_a_file_becomes_one_batch_then_a_noop(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    f = tmp_path / "toy.csv"
    f.write_text("code,v\na,1\nb,x\nc,3\n", encoding="utf-8")
    rep = _run(f, db)
    # 3 data rows read: 2 loaded, 1 quarantined (b: 'x' is not a number)
    assert (rep.status, rep.source, rep.format) == ("loaded", "toy:toy", "toy")  # type: ignore[attr-defined]
    assert (rep.rows_read, rep.rows_loaded, rep.rows_quarantined) == (3, 2, 1)  # type: ignore[attr-defined]
    assert rep.quarantined_by_reason == {"non_numeric": 1}  # type: ignore[attr-defined]
    assert rep.encoding is not None  # type: ignore[attr-defined]
    with store.connect(db, read_only=True) as con:
        assert con.execute("SELECT code, v FROM toy ORDER BY code").fetchall() == [
            ("a", 1.0),
            ("c", 3.0),
        ]
    again = _run(f, db)
    assert again.status == "noop"  # type: ignore[attr-defined]
    # a new file of the same source supersedes the first batch
    f.write_text("code,v\na,5\n", encoding="utf-8")
    third = _run(f, db, source="toy:toy", user_name="测试员")
    assert third.status == "loaded" and third.superseded == [rep.batch_id]  # type: ignore[attr-defined]


def test_missing_file_is_a_chinese_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="文件不存在或不可读"):
        _run(tmp_path / "absent.csv", tmp_path / "w.duckdb")


def test_table_report_counts_and_overrides() -> None:
    toy = CleanTable(
        rows=pd.DataFrame({"code": ["a", "b"]}),
        quarantine=pd.DataFrame({"reason": ["non_numeric", "non_numeric", "bad_code"]}),
        skipped=pd.DataFrame({"reason": ["blank_row"]}),
        rows_read=6,  # 2 loaded + 3 quarantined + 1 skipped
        warnings=["注意"],
    )
    rep = table_report(toy, file_name="f.csv", source="s", fmt="toy", sha256="0" * 64)
    assert (rep.rows_read, rep.rows_loaded, rep.rows_quarantined, rep.rows_skipped) == (6, 2, 3, 1)
    assert rep.quarantined_by_reason == {"non_numeric": 2, "bad_code": 1}
    assert rep.values_loaded == 2 and rep.warnings == ["注意"] and rep.batch_id is None
    over = table_report(
        toy,
        file_name="f.csv",
        source="s",
        fmt="toy",
        sha256="0" * 64,
        rows_loaded=2 + 0,
        years=[2020],
    )
    assert over.years == [2020]


def test_rows_must_be_conserved() -> None:
    with pytest.raises(AssertionError, match="行数不守恒"):
        CleanTable(pd.DataFrame({"a": [1]}), _EMPTY.copy(), _EMPTY.copy(), rows_read=2)
