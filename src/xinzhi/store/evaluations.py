"""Named evaluations kept in the warehouse, so every surface shows the same stored numbers.

Tables (created on first use, idempotent):

``evaluations``            name, system, options (JSON), created_at, user_name, units, years,
                           system_def (JSON: the indicator system as declared when the
                           evaluation ran, :meth:`IndicatorSystem.to_dict`)
``evaluation_scores``      name, region_code, year, score, rank
``evaluation_dimensions``  name, region_code, year, dimension, position (order in the system), score
``evaluation_weights``     name, indicator, dimension, weight, year (the year of a per-year
                           weight, ``weight_scope="year"``; NULL for pooled weights)
``evaluation_obstacles``   name, region_code, year, indicator, dimension, obstacle

Saving under an existing name replaces it in one transaction.

Migration: a warehouse made before weights carried their year gets the column ``year`` of
``evaluation_weights`` (NULL: its stored weights were pooled, or the mean of per-year ones) the
next time :func:`ensure_evaluation_tables` runs, i.e. on the next save; readers
(:func:`load_weights`) accept both layouts, also read-only. Likewise ``evaluations.system_def``
is added to a warehouse made before it (NULL for the evaluations saved then: their system is
loaded by name, :func:`load_system_def` returns None); it is read read-only too.
"""

from __future__ import annotations

import getpass
import json
from typing import Any

import duckdb
import pandas as pd

from xinzhi.errors import InputError

__all__ = [
    "ensure_evaluation_tables",
    "list_evaluations",
    "load_evaluation",
    "load_system_def",
    "load_weights",
    "save_evaluation",
]

_DDL = [
    """CREATE TABLE IF NOT EXISTS evaluations (
        name VARCHAR PRIMARY KEY, system VARCHAR NOT NULL, options JSON,
        created_at TIMESTAMP NOT NULL DEFAULT current_timestamp, user_name VARCHAR,
        units BIGINT, years INTEGER[], system_def JSON)""",
    """CREATE TABLE IF NOT EXISTS evaluation_scores (
        name VARCHAR NOT NULL, region_code VARCHAR NOT NULL, year INTEGER NOT NULL,
        score DOUBLE NOT NULL, rank INTEGER NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS evaluation_dimensions (
        name VARCHAR NOT NULL, region_code VARCHAR NOT NULL, year INTEGER NOT NULL,
        dimension VARCHAR NOT NULL, position INTEGER NOT NULL, score DOUBLE NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS evaluation_weights (
        name VARCHAR NOT NULL, indicator VARCHAR NOT NULL, dimension VARCHAR,
        weight DOUBLE NOT NULL, year INTEGER)""",
    """CREATE TABLE IF NOT EXISTS evaluation_obstacles (
        name VARCHAR NOT NULL, region_code VARCHAR NOT NULL, year INTEGER NOT NULL,
        indicator VARCHAR NOT NULL, dimension VARCHAR, obstacle DOUBLE NOT NULL)""",
]
_CHILD_TABLES = (
    "evaluation_scores",
    "evaluation_dimensions",
    "evaluation_weights",
    "evaluation_obstacles",
)


def ensure_evaluation_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Create the evaluation tables if missing; add the columns later releases added.

    A warehouse that already has them all is left untouched, so that this also works on a
    read-only connection (DuckDB refuses ``CREATE … IF NOT EXISTS`` there)."""
    if (
        _has_tables(con)
        and _weights_have_year(con)
        and _has_column(con, "evaluations", "system_def")
        and _table_count(con) == len(_DDL)
    ):
        return
    for stmt in _DDL:
        con.execute(stmt)
    con.execute("ALTER TABLE evaluation_weights ADD COLUMN IF NOT EXISTS year INTEGER")
    con.execute("ALTER TABLE evaluations ADD COLUMN IF NOT EXISTS system_def JSON")


def _has_column(con: duckdb.DuckDBPyConnection, table: str, column: str) -> bool:
    rows = con.execute(
        "SELECT count(*) FROM information_schema.columns WHERE table_name = ? AND column_name = ?",
        [table, column],
    ).fetchall()
    return bool(rows[0][0])


def load_system_def(con: duckdb.DuckDBPyConnection, name: str) -> dict[str, Any] | None:
    """The indicator system stored with evaluation ``name`` (the mapping of
    :meth:`xinzhi.indicators.system.IndicatorSystem.to_dict`), or None: no such evaluation, or
    one saved before definitions were stored (also on such a warehouse opened read-only)."""
    if not _has_tables(con) or not _has_column(con, "evaluations", "system_def"):
        return None
    rows = con.execute("SELECT system_def FROM evaluations WHERE name = ?", [name]).fetchall()
    if not rows or rows[0][0] is None:
        return None
    data = json.loads(rows[0][0])
    return data if isinstance(data, dict) else None


def _weights_have_year(con: duckdb.DuckDBPyConnection) -> bool:
    return _has_column(con, "evaluation_weights", "year")


def load_weights(con: duckdb.DuckDBPyConnection, name: str) -> pd.DataFrame:
    """``indicator, dimension, weight, year`` of evaluation ``name`` in stored order (``year``
    NULL for pooled weights; one row per indicator and year for per-year weights). Works on a
    warehouse made before the ``year`` column (read-only too): ``year`` is NULL there."""
    year = "year" if _weights_have_year(con) else "CAST(NULL AS INTEGER) AS year"
    return con.execute(
        f"SELECT indicator, dimension, weight, {year} FROM evaluation_weights WHERE name = ? "
        "ORDER BY year NULLS FIRST, rowid",
        [name],
    ).df()


def save_evaluation(
    con: duckdb.DuckDBPyConnection,
    name: str,
    *,
    system: str,
    options: dict[str, Any],
    scores: pd.DataFrame,
    dimensions: pd.DataFrame,
    weights: pd.DataFrame,
    obstacles: pd.DataFrame,
    system_def: dict[str, Any] | None = None,
) -> None:
    """Store (or replace) evaluation ``name``.

    ``system_def``: the indicator system as declared (:meth:`IndicatorSystem.to_dict`), kept so
    the evaluation can be read again when its YAML file is gone or changed.

    ``scores``: region_code, year, score, rank; ``dimensions``: region_code, year, dimension,
    position, score; ``weights``: indicator, dimension, weight and, for per-year weights, year
    (absent or NULL: pooled); ``obstacles``: region_code, year, indicator, dimension, obstacle.
    """
    ensure_evaluation_tables(con)
    years = sorted(int(y) for y in scores["year"].unique())
    frames = {
        "evaluation_scores": scores[["region_code", "year", "score", "rank"]],
        "evaluation_dimensions": dimensions[
            ["region_code", "year", "dimension", "position", "score"]
        ],
        "evaluation_weights": weights.assign(
            year=weights["year"] if "year" in weights.columns else None
        )[["indicator", "dimension", "weight", "year"]].astype({"year": "Int64"}),
        "evaluation_obstacles": obstacles[
            ["region_code", "year", "indicator", "dimension", "obstacle"]
        ],
    }
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute("DELETE FROM evaluations WHERE name = ?", [name])
        for table in _CHILD_TABLES:
            con.execute(f"DELETE FROM {table} WHERE name = ?", [name])
        con.execute(
            "INSERT INTO evaluations (name, system, options, user_name, units, years, system_def) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                name,
                system,
                json.dumps(options, ensure_ascii=False, default=str),
                getpass.getuser(),
                int(scores["region_code"].nunique()),
                years,
                None
                if system_def is None
                else json.dumps(system_def, ensure_ascii=False, default=str),
            ],
        )
        for table, frame in frames.items():
            con.register("_frame", frame)
            cols = ", ".join(["name", *frame.columns])
            con.execute(f"INSERT INTO {table} ({cols}) SELECT ?, * FROM _frame", [name])
            con.unregister("_frame")
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


def _table_count(con: duckdb.DuckDBPyConnection) -> int:
    """How many of the tables of :data:`_DDL` exist."""
    names = [stmt.split("EXISTS", 1)[1].split("(", 1)[0].strip() for stmt in _DDL]
    marks = ",".join("?" * len(names))
    rows = con.execute(
        f"SELECT count(*) FROM information_schema.tables WHERE table_name IN ({marks})", names
    ).fetchall()
    return int(rows[0][0])


def _has_tables(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the evaluation tables exist (without creating them: works read-only)."""
    rows = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'evaluations'"
    ).fetchall()
    return bool(rows[0][0])


def list_evaluations(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Stored evaluations: name, system, created_at, user_name, units, years."""
    if not _has_tables(con):
        return pd.DataFrame(columns=["name", "system", "created_at", "user_name", "units", "years"])
    return con.execute(
        "SELECT name, system, created_at, user_name, units, years FROM evaluations ORDER BY name"
    ).df()


def load_evaluation(con: duckdb.DuckDBPyConnection, name: str) -> pd.DataFrame:
    """Scores of a stored evaluation with one ``dim:<name>`` column per dimension."""
    if (
        not _has_tables(con)
        or not con.execute("SELECT 1 FROM evaluations WHERE name = ?", [name]).fetchall()
    ):
        known = ", ".join(list_evaluations(con)["name"]) or "（无）"
        raise InputError(f"数据仓库中没有名为 {name!r} 的评价结果；已有：{known}")
    scores = con.execute(
        "SELECT region_code, year, score, rank FROM evaluation_scores WHERE name = ? "
        "ORDER BY year, rank, region_code",
        [name],
    ).df()
    dims = con.execute(
        "SELECT region_code, year, dimension, position, score FROM evaluation_dimensions "
        "WHERE name = ? ORDER BY position",
        [name],
    ).df()
    if not dims.empty:
        order = list(dict.fromkeys(dims["dimension"]))
        wide = dims.pivot(index=["region_code", "year"], columns="dimension", values="score")
        wide = wide[order]
        wide.columns = [f"dim:{c}" for c in order]
        scores = scores.merge(wide.reset_index(), on=["region_code", "year"], how="left")
    return scores
