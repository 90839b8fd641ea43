"""Import batches: writing one import atomically, re-import detection and supersession.

Semantics
---------
* One import = one transaction. Observations, quarantined and skipped rows, the batch row and
  the supersession of earlier batches are committed together or not at all.
* A file whose sha256 equals that of the *active* batch of the same ``source`` is not imported
  again: the import is a no-op and reports the existing batch.
* A new file for a ``source`` that already has an active batch supersedes it: the earlier batch
  gets ``status = 'superseded'`` and ``superseded_by = <new batch_id>``; its observations stay in
  ``observations`` for history, and ``current_observations`` serves only active batches.
"""

from __future__ import annotations

import getpass
import json
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import duckdb
import pandas as pd

__all__ = [
    "PAUSE_ENV",
    "BatchRecord",
    "find_active_batch",
    "refresh_indicators",
    "refresh_regions",
    "write_batch",
]

PAUSE_ENV = "XINZHI_IMPORT_PAUSE"
"""Test hook: seconds to sleep after the observations are inserted, before COMMIT."""


@dataclass(frozen=True)
class BatchRecord:
    """A row of ``import_batches`` (the fields callers need)."""

    batch_id: int
    file_name: str
    sha256: str
    source: str
    status: str
    rows_read: int
    rows_loaded: int
    rows_quarantined: int
    rows_skipped: int
    values_loaded: int
    report: dict[str, Any]


def find_active_batch(
    con: duckdb.DuckDBPyConnection, sha256: str, source: str
) -> BatchRecord | None:
    """The active batch of ``source`` with this sha256, if any."""
    rows = con.execute(
        """SELECT batch_id, file_name, sha256, source, status, rows_read, rows_loaded,
                  rows_quarantined, rows_skipped, values_loaded, report
           FROM import_batches WHERE sha256 = ? AND source = ? AND status = 'active'
           ORDER BY batch_id DESC LIMIT 1""",
        [sha256, source],
    ).fetchall()
    if not rows:
        return None
    row = rows[0]
    report = json.loads(row[10]) if row[10] else {}
    return BatchRecord(
        batch_id=int(row[0]),
        file_name=str(row[1]),
        sha256=str(row[2]),
        source=str(row[3]),
        status=str(row[4]),
        rows_read=int(row[5]),
        rows_loaded=int(row[6]),
        rows_quarantined=int(row[7]),
        rows_skipped=int(row[8]),
        values_loaded=int(row[9]),
        report=report,
    )


def insert_frame(
    con: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame, select: str, params: list[Any]
) -> None:
    """Bulk insert through DataFrame registration (never row by row)."""
    if frame.empty:
        return
    con.register("_xinzhi_frame", frame)
    try:
        con.execute(f"INSERT INTO {table} SELECT {select} FROM _xinzhi_frame", params)
    finally:
        con.unregister("_xinzhi_frame")


def refresh_indicators(con: duckdb.DuckDBPyConnection, table: pd.DataFrame) -> None:
    """Replace the catalogue rows of the ``indicators`` table by ``table`` (call inside a
    transaction); user indicators of earlier imports (dimension ``用户指标``,
    :mod:`xinzhi.ingest.user_indicators`) stay unless ``table`` holds them again."""
    con.execute(
        "DELETE FROM indicators WHERE coalesce(dimension, '') <> '用户指标'"
        " OR list_contains(?, code)",
        [table["code"].astype(str).tolist()],
    )
    insert_frame(
        con,
        "indicators",
        table,
        "code, name_zh, unit, direction, dimension, source, definition, aliases",
        [],
    )


def refresh_regions(con: duckdb.DuckDBPyConnection, table: pd.DataFrame) -> int:
    """Replace the ``regions`` table by the registry table in one transaction; rows written."""
    frame = table.copy()
    frame["successors"] = frame["successors"].map(lambda s: list(s) if s is not None else [])
    for col in ("start_year", "end_year"):
        frame[col] = pd.to_numeric(frame[col], errors="coerce").astype("Int64")
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute("DELETE FROM regions")
        insert_frame(
            con,
            "regions",
            frame,
            """CAST(code AS VARCHAR), name, level, type, province_code, province_name,
               prefecture_code, prefecture_name, start_year, end_year, status, successors""",
            [],
        )
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return len(frame)


def write_batch(
    con: duckdb.DuckDBPyConnection,
    *,
    file_name: str,
    sha256: str,
    source: str,
    fmt: str,
    counts: dict[str, int],
    report: dict[str, Any],
    observations: pd.DataFrame,
    quarantine: pd.DataFrame,
    skipped: pd.DataFrame,
    indicators: pd.DataFrame | None = None,
    extra: Callable[[duckdb.DuckDBPyConnection, int], None] | None = None,
    user_name: str | None = None,
) -> tuple[int, list[int]]:
    """Write one import atomically; return (new batch_id, superseded batch ids).

    Parameters
    ----------
    counts : dict
        rows_read, rows_loaded, rows_quarantined, rows_skipped, values_loaded.
    observations : DataFrame
        region_code, year, indicator, value.
    quarantine : DataFrame
        row_number, raw (JSON text), reason, message.
    skipped : DataFrame
        row_number, raw (JSON text), reason.
    indicators : DataFrame, optional
        Catalogue table to refresh in the same transaction.
    extra : callable, optional
        ``extra(con, batch_id)`` writes further rows of the same import (e.g. firm records)
        inside the same transaction.
    user_name : str, optional
        Who imports (the server's logged-in account); default the operating-system user.
    """
    con.execute("BEGIN TRANSACTION")
    try:
        (last,) = con.execute("SELECT coalesce(max(batch_id), 0) FROM import_batches").fetchall()[0]
        batch_id = int(last) + 1
        if indicators is not None:
            refresh_indicators(con, indicators)
        insert_frame(
            con,
            "observations",
            observations,
            "CAST(region_code AS VARCHAR), CAST(year AS INTEGER), CAST(indicator AS VARCHAR), "
            "CAST(value AS DOUBLE), ?",
            [batch_id],
        )
        insert_frame(
            con,
            "quarantine",
            quarantine,
            "?, row_number, CAST(raw AS JSON), reason, message",
            [batch_id],
        )
        insert_frame(
            con, "skipped", skipped, "?, row_number, CAST(raw AS JSON), reason", [batch_id]
        )
        if extra is not None:
            extra(con, batch_id)
        pause = os.environ.get(PAUSE_ENV)
        if pause:
            sys.stderr.write("XINZHI_IMPORT_PAUSED\n")
            sys.stderr.flush()
            time.sleep(float(pause))
        previous = [
            int(r[0])
            for r in con.execute(
                "SELECT batch_id FROM import_batches WHERE source = ? AND status = 'active'",
                [source],
            ).fetchall()
        ]
        con.execute(
            """INSERT INTO import_batches (batch_id, file_name, sha256, imported_at, user_name,
                   source, format, rows_read, rows_loaded, rows_quarantined, rows_skipped,
                   values_loaded, status, superseded_by, report)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'active', NULL, ?)""",
            [
                batch_id,
                file_name,
                sha256,
                datetime.now(UTC).replace(tzinfo=None),
                user_name or _user(),
                source,
                fmt,
                counts["rows_read"],
                counts["rows_loaded"],
                counts["rows_quarantined"],
                counts["rows_skipped"],
                counts["values_loaded"],
                json.dumps(report, ensure_ascii=False, default=str),
            ],
        )
        if previous:
            con.execute(
                """UPDATE import_batches SET status = 'superseded', superseded_by = ?
                   WHERE source = ? AND status = 'active' AND batch_id <> ?""",
                [batch_id, source, batch_id],
            )
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return batch_id, previous


def _user() -> str:
    try:
        return getpass.getuser()
    except Exception:
        return "unknown"
