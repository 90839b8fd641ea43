"""The warehouse tables of enterprise data by year and of enterprise labels (荣誉 / 资质).

``firm_years``
    One row per firm and data year: ``credit_code``, ``year``, every field of the catalogue
    :func:`xinzhi.codes.firm_fields.firm_fields` with its SQL type and unit (money in 万元,
    shares 0–1, land in 亩 …), ``batch_id``, ``synthetic``. The storage layer does not import
    the catalogue (``codes`` and ``store`` are independent layers): callers pass the fields as
    ``{key: sql_type}`` (:func:`xinzhi.ingest.firm_years.catalogue_sql_types`).
``firm_labels``
    One row per firm, label and validity window: ``credit_code``, ``label`` (a key of
    :func:`xinzhi.codes.firm_fields.firm_labels`), ``valid_from`` (DATE), ``valid_to`` (DATE;
    NULL = no end known), ``batch_id``, ``synthetic``.

Views (like ``current_firms`` of :mod:`xinzhi.store.firms`): ``current_firm_years`` keeps the
rows of *active* import batches, the most recently imported batch winning per
``(credit_code, year)``; ``current_firm_labels`` likewise per
``(credit_code, label, valid_from)``.

Written by :mod:`xinzhi.ingest.firm_years` (files) and
:func:`xinzhi.pipelines.enterprise_data.generate_enterprise_data` (示例数据); read by
:func:`xinzhi.pipelines.enterprise_data.firm_frame`.
"""

from __future__ import annotations

from collections.abc import Mapping

import duckdb
import pandas as pd
import pyarrow as pa

__all__ = [
    "FIRM_LABELS_COLUMNS",
    "ensure_firm_year_tables",
    "firm_year_columns",
    "has_firm_year_tables",
    "insert_firm_labels",
    "insert_firm_years",
]

FIRM_LABELS_COLUMNS = ["credit_code", "label", "valid_from", "valid_to", "batch_id", "synthetic"]
"""Columns of the warehouse table ``firm_labels``."""

_VIEWS = ("current_firm_years", "current_firm_labels")


def firm_year_columns(fields: Mapping[str, str]) -> list[str]:
    """Columns of the warehouse table ``firm_years``: ``credit_code``, ``year``, the catalogue
    ``fields`` in catalogue order, ``batch_id``, ``synthetic``."""
    return ["credit_code", "year", *fields, "batch_id", "synthetic"]


def _ddl(fields: Mapping[str, str]) -> list[str]:
    cols = ", ".join(f"{k} {t}" for k, t in fields.items())
    return [
        f"""CREATE TABLE IF NOT EXISTS firm_years (
            credit_code VARCHAR NOT NULL, year INTEGER NOT NULL, {cols},
            batch_id INTEGER NOT NULL, synthetic BOOLEAN NOT NULL)""",
        """CREATE TABLE IF NOT EXISTS firm_labels (
            credit_code VARCHAR NOT NULL, label VARCHAR NOT NULL, valid_from DATE,
            valid_to DATE, batch_id INTEGER NOT NULL, synthetic BOOLEAN NOT NULL)""",
    ]


def _views() -> list[str]:
    return [
        """CREATE OR REPLACE VIEW current_firm_years AS
            SELECT * EXCLUDE (rk) FROM (
                SELECT y.*, row_number() OVER (
                    PARTITION BY y.credit_code, y.year
                    ORDER BY b.imported_at DESC, b.batch_id DESC) AS rk
                FROM firm_years y JOIN import_batches b USING (batch_id)
                WHERE b.status = 'active')
            WHERE rk = 1""",
        """CREATE OR REPLACE VIEW current_firm_labels AS
            SELECT * EXCLUDE (rk) FROM (
                SELECT l.*, row_number() OVER (
                    PARTITION BY l.credit_code, l.label, l.valid_from
                    ORDER BY b.imported_at DESC, b.batch_id DESC) AS rk
                FROM firm_labels l JOIN import_batches b USING (batch_id)
                WHERE b.status = 'active')
            WHERE rk = 1""",
    ]


def _names(con: duckdb.DuckDBPyConnection) -> set[str]:
    rows = con.execute("SELECT table_name FROM information_schema.tables").fetchall()
    return {str(r[0]) for r in rows}


def _columns(con: duckdb.DuckDBPyConnection, table: str) -> set[str]:
    rows = con.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = ?", [table]
    ).fetchall()
    return {str(r[0]) for r in rows}


def has_firm_year_tables(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the tables and views exist (a read-only warehouse may lack them)."""
    return {"firm_years", "firm_labels", *_VIEWS} <= _names(con)


def ensure_firm_year_tables(con: duckdb.DuckDBPyConnection, fields: Mapping[str, str]) -> None:
    """Create ``firm_years``, ``firm_labels`` and their ``current_*`` views if missing
    (idempotent; nothing is written when all exist with every field of ``fields``, the
    catalogue as ``{key: sql_type}``).

    A field added to the catalogue later is added to an existing ``firm_years`` table as a
    NULL column (``ALTER TABLE … ADD COLUMN``), and the views are recreated so that they
    show it.
    """
    names = _names(con)
    have = _columns(con, "firm_years") if "firm_years" in names else None
    missing = [k for k in fields if have is not None and k not in have]
    if {"firm_years", "firm_labels", *_VIEWS} <= names and not missing:
        return
    for stmt in _ddl(fields):
        con.execute(stmt)
    for k in missing:
        con.execute(f"ALTER TABLE firm_years ADD COLUMN IF NOT EXISTS {k} {fields[k]}")
    for stmt in _views():
        con.execute(stmt)


def _insert(
    con: duckdb.DuckDBPyConnection,
    table: str,
    rows: pa.Table | pd.DataFrame,
    columns: list[str],
    batch_id: int,
) -> int:
    """Bulk insert of ``columns`` of ``rows`` (by name, cast to the table's types) plus
    ``batch_id``; rows inserted."""
    n = rows.num_rows if isinstance(rows, pa.Table) else len(rows)
    if n == 0:
        return 0
    con.register("_xinzhi_rows", rows)
    try:
        names = ", ".join([*columns, "batch_id"])
        con.execute(
            f"INSERT INTO {table} ({names}) SELECT {', '.join(columns)}, ? FROM _xinzhi_rows",
            [batch_id],
        )
    finally:
        con.unregister("_xinzhi_rows")
    return n


def insert_firm_years(
    con: duckdb.DuckDBPyConnection, rows: pa.Table | pd.DataFrame, batch_id: int
) -> int:
    """Insert firm-year rows (columns of ``firm_years`` without ``batch_id``; columns the
    table lacks are ignored, absent ones are NULL) as part of batch ``batch_id``; rows
    inserted."""
    have = set(rows.column_names if isinstance(rows, pa.Table) else rows.columns)
    table = _columns(con, "firm_years") - {"batch_id"}
    cols = [
        c
        for c in (rows.column_names if isinstance(rows, pa.Table) else rows.columns)
        if c in table and c in have
    ]
    return _insert(con, "firm_years", rows, cols, batch_id)


def insert_firm_labels(
    con: duckdb.DuckDBPyConnection, rows: pa.Table | pd.DataFrame, batch_id: int
) -> int:
    """Insert label rows (``credit_code, label, valid_from, valid_to, synthetic``) as part of
    batch ``batch_id``; rows inserted."""
    return _insert(con, "firm_labels", rows, [*FIRM_LABELS_COLUMNS[:4], "synthetic"], batch_id)
