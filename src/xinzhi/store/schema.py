"""Warehouse schema (DuckDB): tables, the ``current_observations`` view and the schema version.

Tables
------
``schema_version``   one row per applied schema version.
``regions``          the region registry (GB/T 2260 codes with history), refreshed from
                     :func:`xinzhi.regions.load_registry`.
``indicators``       the indicator catalogue (code, name_zh, unit, direction, dimension, source,
                     definition, aliases).
``import_batches``   one row per import (file, sha256, source, user, counts, status).
``observations``     long form: region_code, year, indicator, value (DOUBLE), batch_id.
``quarantine``       rejected source rows: batch_id, row_number, raw values (JSON), reason, message.
``skipped``          source rows intentionally not loaded (subtotals, empty rows, identical
                     duplicates): batch_id, row_number, raw (JSON), reason.

``current_observations`` keeps the observations of *active* batches; when several active batches
(different sources) hold the same (region_code, year, indicator), the most recently imported
batch wins.
"""

from __future__ import annotations

import duckdb

__all__ = ["SCHEMA_VERSION", "ensure_schema"]

SCHEMA_VERSION = 1

_DDL = [
    """CREATE TABLE IF NOT EXISTS schema_version (
        version INTEGER NOT NULL,
        applied_at TIMESTAMP NOT NULL DEFAULT current_timestamp)""",
    """CREATE TABLE IF NOT EXISTS regions (
        code VARCHAR NOT NULL, name VARCHAR, level VARCHAR, type VARCHAR,
        province_code VARCHAR, province_name VARCHAR,
        prefecture_code VARCHAR, prefecture_name VARCHAR,
        start_year INTEGER, end_year INTEGER, status VARCHAR, successors VARCHAR[])""",
    """CREATE TABLE IF NOT EXISTS indicators (
        code VARCHAR PRIMARY KEY, name_zh VARCHAR NOT NULL, unit VARCHAR, direction VARCHAR,
        dimension VARCHAR, source VARCHAR, definition VARCHAR, aliases VARCHAR[])""",
    """CREATE TABLE IF NOT EXISTS import_batches (
        batch_id INTEGER PRIMARY KEY, file_name VARCHAR NOT NULL, sha256 VARCHAR NOT NULL,
        imported_at TIMESTAMP NOT NULL, user_name VARCHAR, source VARCHAR NOT NULL,
        format VARCHAR, rows_read BIGINT NOT NULL, rows_loaded BIGINT NOT NULL,
        rows_quarantined BIGINT NOT NULL, rows_skipped BIGINT NOT NULL,
        values_loaded BIGINT NOT NULL, status VARCHAR NOT NULL,
        superseded_by INTEGER, report JSON)""",
    """CREATE TABLE IF NOT EXISTS observations (
        region_code VARCHAR NOT NULL, year INTEGER NOT NULL, indicator VARCHAR NOT NULL,
        value DOUBLE, batch_id INTEGER NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS quarantine (
        batch_id INTEGER NOT NULL, row_number BIGINT NOT NULL, raw JSON,
        reason VARCHAR NOT NULL, message VARCHAR)""",
    """CREATE TABLE IF NOT EXISTS skipped (
        batch_id INTEGER NOT NULL, row_number BIGINT NOT NULL, raw JSON,
        reason VARCHAR NOT NULL)""",
    """CREATE OR REPLACE VIEW current_observations AS
        SELECT region_code, year, indicator, value, batch_id FROM (
            SELECT o.*, row_number() OVER (
                PARTITION BY o.region_code, o.year, o.indicator
                ORDER BY b.imported_at DESC, b.batch_id DESC) AS rk
            FROM observations o JOIN import_batches b USING (batch_id)
            WHERE b.status = 'active')
        WHERE rk = 1""",
]


_OBJECTS = frozenset(
    {
        "schema_version",
        "regions",
        "indicators",
        "import_batches",
        "observations",
        "quarantine",
        "skipped",
        "current_observations",
    }
)


def _complete(con: duckdb.DuckDBPyConnection) -> bool:
    """Every table and the view exist and the recorded version is :data:`SCHEMA_VERSION`."""
    names = {
        r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()
    }
    if not _OBJECTS <= names:
        return False
    rows = con.execute("SELECT max(version) FROM schema_version").fetchall()
    return bool(rows) and rows[0][0] == SCHEMA_VERSION


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create missing tables and the view; record :data:`SCHEMA_VERSION` once (idempotent).

    A complete schema of the current version is left alone, so opening a warehouse writes
    nothing: several connections of one process may open it at once (replacing the view from
    two of them conflicts). A change to the DDL therefore comes with a new
    :data:`SCHEMA_VERSION`.
    """
    if _complete(con):
        return
    con.execute("BEGIN TRANSACTION")
    try:
        for stmt in _DDL:
            con.execute(stmt)
        rows = con.execute("SELECT max(version) FROM schema_version").fetchall()
        row = rows[0] if rows else None
        if row is None or row[0] is None or row[0] < SCHEMA_VERSION:
            con.execute("INSERT INTO schema_version (version) VALUES (?)", [SCHEMA_VERSION])
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
