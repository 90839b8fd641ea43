"""The warehouse table of yearly targets (年度目标) per county and indicator.

``targets``
    ``region_code`` (6-digit county), ``indicator`` (catalogue code), ``year``, ``value``
    (DOUBLE, in the catalogue unit of the indicator), ``batch_id`` (the import batch of a file;
    NULL for a target typed in), ``account`` (who typed it in; NULL for a file), ``entered_at``
    (TIMESTAMP).

View ``current_targets``: per ``(region_code, indicator, year)`` the most recent row (by
``entered_at``, then ``batch_id``) among rows typed in and rows of *active* import batches —
a newer file of the same source supersedes the older one (:mod:`xinzhi.store.batches`), and a
target typed in after an import overrides the imported value (and vice versa). A row with a NULL
``value`` typed in clears the target.

Written by :mod:`xinzhi.ingest.targets` (files) and
:func:`xinzhi.pipelines.monitor.set_target` (typed in); read by
:func:`xinzhi.pipelines.monitor.read_targets`.
"""

from __future__ import annotations

from datetime import UTC, datetime

import duckdb
import pandas as pd

__all__ = [
    "TARGET_COLUMNS",
    "ensure_target_table",
    "has_target_table",
    "insert_target",
    "insert_targets",
    "read_current_targets",
]

TARGET_COLUMNS = ["region_code", "indicator", "year", "value"]
"""Columns of a target row as the importer and the pipeline hand them over."""

_DDL = [
    """CREATE TABLE IF NOT EXISTS targets (
        region_code VARCHAR NOT NULL, indicator VARCHAR NOT NULL, year INTEGER NOT NULL,
        value DOUBLE, batch_id INTEGER, account VARCHAR, entered_at TIMESTAMP NOT NULL)""",
    """CREATE OR REPLACE VIEW current_targets AS
        SELECT region_code, indicator, year, value, batch_id, account, entered_at FROM (
            SELECT t.*, row_number() OVER (
                PARTITION BY t.region_code, t.indicator, t.year
                ORDER BY t.entered_at DESC, coalesce(t.batch_id, 0) DESC) AS rk
            FROM targets t LEFT JOIN import_batches b USING (batch_id)
            WHERE t.batch_id IS NULL OR b.status = 'active')
        WHERE rk = 1 AND value IS NOT NULL""",
]


def has_target_table(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether ``targets`` and ``current_targets`` exist (a read-only warehouse may lack them)."""
    rows = con.execute(
        "SELECT count(*) FROM information_schema.tables "
        "WHERE table_name IN ('targets', 'current_targets')"
    ).fetchall()
    return int(rows[0][0]) == 2


def ensure_target_table(con: duckdb.DuckDBPyConnection) -> None:
    """Create ``targets`` and ``current_targets`` if missing (idempotent; nothing is written
    when both exist)."""
    if has_target_table(con):
        return
    for stmt in _DDL:
        con.execute(stmt)


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def insert_targets(con: duckdb.DuckDBPyConnection, rows: pd.DataFrame, batch_id: int) -> int:
    """Insert target rows (:data:`TARGET_COLUMNS`) as part of import batch ``batch_id``
    (inside the batch's transaction); rows inserted."""
    if rows.empty:
        return 0
    frame = rows[TARGET_COLUMNS].copy()
    con.register("_xinzhi_targets", frame)
    try:
        con.execute(
            """INSERT INTO targets (region_code, indicator, year, value, batch_id, account,
                   entered_at)
               SELECT CAST(region_code AS VARCHAR), CAST(indicator AS VARCHAR),
                      CAST(year AS INTEGER), CAST(value AS DOUBLE), ?, NULL, ?
               FROM _xinzhi_targets""",
            [batch_id, _now()],
        )
    finally:
        con.unregister("_xinzhi_targets")
    return len(frame)


def insert_target(
    con: duckdb.DuckDBPyConnection,
    region_code: str,
    indicator: str,
    year: int,
    value: float | None,
    account: str,
) -> None:
    """Record one target typed in by ``account`` (``value`` None clears the target)."""
    con.execute(
        """INSERT INTO targets (region_code, indicator, year, value, batch_id, account,
               entered_at) VALUES (?, ?, ?, ?, NULL, ?, ?)""",
        [region_code, indicator, int(year), value, account, _now()],
    )


def read_current_targets(
    con: duckdb.DuckDBPyConnection, region_code: str | None = None
) -> pd.DataFrame:
    """``current_targets`` (of one county): ``region_code, indicator, year, value, batch_id,
    account, entered_at``, ordered; empty when the table does not exist."""
    if not has_target_table(con):
        return pd.DataFrame(
            columns=[
                "region_code",
                "indicator",
                "year",
                "value",
                "batch_id",
                "account",
                "entered_at",
            ]
        )
    sql = "SELECT * FROM current_targets"
    params: list[object] = []
    if region_code is not None:
        sql += " WHERE region_code = ?"
        params.append(region_code)
    sql += " ORDER BY region_code, indicator, year"
    return con.execute(sql, params).df()
