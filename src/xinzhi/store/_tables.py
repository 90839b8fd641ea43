"""Helpers shared by the store modules that keep their own tables (policy, tech, talent):
which tables exist, creating them once, and inserting a frame's rows as part of an import
batch."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import duckdb
import pandas as pd

__all__ = ["ensure_tables", "has_tables", "insert_batch_rows", "table_names", "utc_now"]

_VIEW_NAME = "_xinzhi_batch_rows"


def utc_now() -> dt.datetime:
    """The current UTC time without a time zone (how the warehouse stores timestamps)."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def table_names(con: duckdb.DuckDBPyConnection) -> set[str]:
    """Names of every table and view of the warehouse."""
    rows = con.execute("SELECT table_name FROM information_schema.tables").fetchall()
    return {str(r[0]) for r in rows}


def has_tables(con: duckdb.DuckDBPyConnection, names: Iterable[str]) -> bool:
    """Whether every one of ``names`` (tables or views) exists."""
    return set(names) <= table_names(con)


def ensure_tables(con: duckdb.DuckDBPyConnection, names: Iterable[str], ddl: Sequence[str]) -> None:
    """Run ``ddl`` unless every one of ``names`` exists already (then nothing is written)."""
    if has_tables(con, names):
        return
    for stmt in ddl:
        con.execute(stmt)


def insert_batch_rows(
    con: duckdb.DuckDBPyConnection,
    table: str,
    rows: pd.DataFrame,
    columns: Sequence[str],
    batch_id: int,
    extra: Mapping[str, Any] | None = None,
) -> int:
    """Insert ``rows`` into ``table``: the ``columns`` (absent ones NULL), ``batch_id`` and
    one value for every row per ``extra`` column; returns the rows inserted."""
    if rows.empty:
        return 0
    frame = rows.reindex(columns=list(columns))
    fixed = {"batch_id": batch_id, **(extra or {})}
    names = ", ".join(columns)
    targets = ", ".join([names, *fixed])
    marks = ", ".join("?" for _ in fixed)
    con.register(_VIEW_NAME, frame)
    try:
        con.execute(
            f"INSERT INTO {table} ({targets}) SELECT {names}, {marks} FROM {_VIEW_NAME}",
            list(fixed.values()),
        )
    finally:
        con.unregister(_VIEW_NAME)
    return len(frame)
