"""The warehouse table of policy pilots (试点名单): which county received which policy when.

``pilots``
    One row per county and policy: ``region_code`` (6-digit code as resolved in the start
    year), ``name`` (as written in the file), ``policy``, ``start_year`` (first treated year),
    ``batch`` (批次, optional text), ``batch_id``, ``synthetic``.

View ``current_pilots`` keeps the rows of *active* import batches, the most recently imported
batch winning per ``(region_code, policy)``. Written by :mod:`xinzhi.ingest.pilots`; read by
:mod:`xinzhi.pipelines.causal`.
"""

from __future__ import annotations

import duckdb
import pandas as pd

__all__ = [
    "PILOT_COLUMNS",
    "ensure_pilot_tables",
    "has_pilot_tables",
    "insert_pilots",
    "read_pilots",
]

PILOT_COLUMNS = ["region_code", "name", "policy", "start_year", "batch", "batch_id", "synthetic"]
"""Columns of the warehouse table ``pilots``."""

_DDL = """CREATE TABLE IF NOT EXISTS pilots (
    region_code VARCHAR NOT NULL, name VARCHAR, policy VARCHAR NOT NULL,
    start_year INTEGER NOT NULL, batch VARCHAR, batch_id INTEGER NOT NULL,
    synthetic BOOLEAN NOT NULL)"""

_VIEW = """CREATE OR REPLACE VIEW current_pilots AS
    SELECT * EXCLUDE (rk) FROM (
        SELECT p.*, row_number() OVER (
            PARTITION BY p.region_code, p.policy
            ORDER BY b.imported_at DESC, b.batch_id DESC) AS rk
        FROM pilots p JOIN import_batches b USING (batch_id)
        WHERE b.status = 'active')
    WHERE rk = 1"""


def has_pilot_tables(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether ``pilots`` and ``current_pilots`` exist (a read-only warehouse may lack them)."""
    rows = con.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_name IN "
        "('pilots', 'current_pilots')"
    ).fetchall()
    return len(rows) == 2


def ensure_pilot_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Create ``pilots`` and ``current_pilots`` if missing (idempotent)."""
    if has_pilot_tables(con):
        return
    con.execute(_DDL)
    con.execute(_VIEW)


def insert_pilots(con: duckdb.DuckDBPyConnection, rows: pd.DataFrame, batch_id: int) -> None:
    """Append ``rows`` (columns of :data:`PILOT_COLUMNS` without ``batch_id``) to ``pilots``."""
    ensure_pilot_tables(con)
    frame = rows.assign(batch_id=batch_id)[PILOT_COLUMNS]
    con.register("_xinzhi_pilots", frame)
    try:
        con.execute(f"INSERT INTO pilots ({', '.join(PILOT_COLUMNS)}) SELECT * FROM _xinzhi_pilots")
    finally:
        con.unregister("_xinzhi_pilots")


def read_pilots(con: duckdb.DuckDBPyConnection, policy: str | None = None) -> pd.DataFrame:
    """Current pilots (one policy or all): region_code, name, policy, start_year, batch,
    synthetic; empty when none were imported."""
    cols = ["region_code", "name", "policy", "start_year", "batch", "synthetic"]
    if not has_pilot_tables(con):
        return pd.DataFrame(columns=cols)
    sql = f"SELECT {', '.join(cols)} FROM current_pilots"
    params: list[object] = []
    if policy is not None:
        sql += " WHERE policy = ?"
        params.append(policy)
    return con.execute(sql + " ORDER BY policy, start_year, region_code", params).df()
