"""The warehouse table ``firms`` (record-level enterprises of the registry imports) and the
view ``current_firms`` (the firms of active batches). Written by
:func:`xinzhi.ingest.enterprises.import_firms`; read by :func:`read_current_firms`."""

from __future__ import annotations

import duckdb
import pyarrow as pa

from xinzhi.errors import InputError

__all__ = ["FIRMS_COLUMNS", "ensure_firms_table", "read_current_firms"]

FIRMS_COLUMNS = [
    "credit_code",
    "name",
    "region_code",
    "industry_code",
    "division",
    "section",
    "registered_capital",
    "founded",
    "employees",
    "revenue",
    "status",
    "batch_id",
    "synthetic",
]
"""Columns of the warehouse table ``firms`` (money in 万元)."""

_DDL = [
    """CREATE TABLE IF NOT EXISTS firms (
        credit_code VARCHAR NOT NULL, name VARCHAR, region_code VARCHAR NOT NULL,
        industry_code VARCHAR, division VARCHAR, section VARCHAR NOT NULL,
        registered_capital DOUBLE, founded DATE, employees INTEGER, revenue DOUBLE,
        status VARCHAR, batch_id INTEGER NOT NULL, synthetic BOOLEAN NOT NULL)""",
    # the firms of active batches; a credit code in several active batches: the latest wins
    """CREATE OR REPLACE VIEW current_firms AS
        SELECT * EXCLUDE (rk) FROM (
            SELECT f.*, row_number() OVER (
                PARTITION BY f.credit_code ORDER BY b.imported_at DESC, b.batch_id DESC) AS rk
            FROM firms f JOIN import_batches b USING (batch_id)
            WHERE b.status = 'active')
        WHERE rk = 1""",
]


def ensure_firms_table(con: duckdb.DuckDBPyConnection) -> None:
    """Create the ``firms`` table and the ``current_firms`` view if missing (idempotent)."""
    for stmt in _DDL:
        con.execute(stmt)


def read_current_firms(con: duckdb.DuckDBPyConnection) -> pa.Table:
    """The view ``current_firms`` as an Arrow table; Chinese error when no firms were imported."""
    has = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'current_firms'"
    ).fetchall()
    if not has or not has[0][0]:
        raise InputError("数据仓库中没有企业表：请先运行 xinzhi industry firms-import")
    return con.sql("SELECT * FROM current_firms").to_arrow_table()
