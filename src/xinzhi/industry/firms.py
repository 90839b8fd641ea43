"""Record-level aggregation: firms → county × industry × year matrices (counts, employees,
revenue), written once as Ibis expressions and run unchanged on DuckDB (default) or PySpark.

Design
------
:func:`matrix_expr` builds a backend-independent Ibis expression over a table with the
``firms`` columns. :func:`firm_matrix` binds a source (a DataFrame, a Parquet file, or the
warehouse view ``current_firms``) to a backend — an in-process DuckDB or a local-mode
SparkSession (:func:`xinzhi.store.spark.spark_session`) — executes the same expression and
returns a pandas long table::

    region_code, industry, year, firms, employees, revenue

which feeds :func:`xinzhi.industry.complexity.complexity` (``location="region_code",
product="industry", value="firms" | "employees" | "revenue", year="year"``) and
:func:`xinzhi.industry.specialization.specialization`.

Year conventions (``mode``)
---------------------------
``"active"`` (default) — snapshot: for each year *t*, the firms with ``year(founded) ≤ t``
whose status is active (存续, 在业, … or empty). Registry exports carry today's status but no
closing date, so for years before the export the snapshot misses firms closed since: it is exact
only for the export year.
``"cohort"`` — founding-year cohorts: firms founded in year *t* (any status).
Firms without a founding date are left out of both; at level ``class`` firms without a 4-digit
class are left out.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from xinzhi.errors import InputError

if TYPE_CHECKING:
    import ibis.expr.types as ir

__all__ = [
    "LEVEL_COLUMNS",
    "MATRIX_COLUMNS",
    "active_statuses",
    "firm_matrix",
    "matrix_expr",
]

LEVEL_COLUMNS = {"section": "section", "division": "division", "class": "industry_code"}
"""Industry level → column of ``firms``."""
MATRIX_COLUMNS = ["region_code", "industry", "year", "firms", "employees", "revenue"]
Mode = Literal["active", "cohort"]
Engine = Literal["duckdb", "spark"]


def active_statuses() -> list[str]:
    """Status texts counted as active (``active_status`` in ``ingest/enterprises.yaml``)."""
    from xinzhi.ingest.enterprises import _config

    return [str(s) for s in _config()["active_status"]]


def _check(level: str, mode: str) -> str:
    if level not in LEVEL_COLUMNS:
        raise InputError(
            f"未知的行业层级 {level!r}：可选 section（门类）、division（大类）、class（小类）"
        )
    if mode not in ("active", "cohort"):
        raise InputError(
            f"未知的年份口径 {mode!r}：可选 active（存续快照）或 cohort（成立年份队列）"
        )
    return LEVEL_COLUMNS[level]


def matrix_expr(
    t: ir.Table,
    *,
    level: str = "section",
    mode: Mode = "active",
    years: Sequence[int] = (),
) -> ir.Table:
    """The county × industry × year aggregation as one Ibis expression (any backend).

    Parameters
    ----------
    t : ibis Table
        Columns ``region_code``, ``section``, ``division``, ``industry_code``, ``founded``
        (date), ``employees``, ``revenue``, ``status``.
    level : {"section", "division", "class"}
        Industry level (GB/T 4754 门类 / 大类 / 小类).
    mode : {"active", "cohort"}
        Year convention (module docstring).
    years : sequence of int
        ``active``: the snapshot years (required). ``cohort``: keep these founding years
        (empty = all).

    Returns
    -------
    ibis Table
        ``region_code, industry, year, firms, employees, revenue`` with
        firms = COUNT(*), employees = SUM(employees), revenue = SUM(revenue) (NULLs count 0).
    """
    import ibis

    col = _check(level, mode)
    base = t.filter(t[col].notnull(), t.founded.notnull())
    base = base.mutate(industry=base[col], founded_year=base.founded.year().cast("int32"))
    if mode == "cohort":
        base = base.mutate(year=base.founded_year)
        if years:
            base = base.filter(base.year.isin([int(y) for y in years]))
    else:
        if not years:
            raise InputError("存续快照口径需要至少一个年份（years）")
        active = base.status.isnull() | base.status.isin(active_statuses())
        snap = ibis.memtable({"year": np.asarray([int(y) for y in years], dtype=np.int32)})
        base = base.filter(active).cross_join(snap)
        base = base.filter(base.founded_year <= base.year)
    return base.group_by(["region_code", "industry", "year"]).aggregate(
        firms=base.count(),
        employees=base.employees.sum().fill_null(0),
        revenue=base.revenue.sum().fill_null(0.0),
    )


def _finish(df: pd.DataFrame) -> pd.DataFrame:
    out = pd.DataFrame(
        {
            "region_code": df["region_code"].astype(str),
            "industry": df["industry"].astype(str),
            "year": df["year"].astype("int64"),
            "firms": df["firms"].astype("int64"),
            "employees": df["employees"].astype("int64"),
            "revenue": df["revenue"].astype("float64"),
        }
    )
    return out.sort_values(["region_code", "industry", "year"], ignore_index=True)


def _connect(engine: str, spark: Any) -> Any:
    import ibis

    if engine == "duckdb":
        return ibis.duckdb.connect()
    if engine == "spark":
        if spark is None:
            from xinzhi.store.spark import spark_session

            spark = spark_session()
        return ibis.pyspark.connect(spark)
    raise InputError(f"未知的计算引擎 {engine!r}：可选 duckdb 或 spark")


def _register(con: Any, data: Any, engine: str) -> Any:
    """A DataFrame/Arrow table as a table of ``con`` (a temporary view on Spark, so nothing
    is written to a Spark warehouse directory)."""
    name = "xinzhi_firms"
    if engine == "duckdb":
        return con.create_table(name, data, overwrite=True, temp=True)
    frame = data.to_pandas() if hasattr(data, "to_pandas") else data
    con._session.createDataFrame(frame).createOrReplaceTempView(name)
    return con.table(name)


def _bind(con: Any, source: Any, engine: str, db: str | os.PathLike[str] | None) -> Any:
    """The source as a table of ``con``."""
    if isinstance(source, pd.DataFrame):
        frame = source.copy()
        if "founded" in frame.columns:
            frame["founded"] = pd.to_datetime(frame["founded"]).dt.date
        for c in ("registered_capital", "revenue"):
            if c in frame.columns:
                frame[c] = frame[c].astype("float64")
        if "employees" in frame.columns:
            frame["employees"] = frame["employees"].astype("Int64")
        return _register(con, frame, engine)
    text = str(source)
    if text == "warehouse":
        from xinzhi import store

        wh = store.connect(db, read_only=True)
        try:
            has = wh.execute(
                "SELECT count(*) FROM information_schema.tables WHERE table_name = 'current_firms'"
            ).fetchall()
            if not has or not has[0][0]:
                raise InputError("数据仓库中没有企业表：请先运行 xinzhi industry firms-import")
            arrow = wh.sql("SELECT * FROM current_firms").to_arrow_table()
        finally:
            wh.close()
        return _register(con, arrow, engine)
    p = Path(text)
    if p.suffix.lower() != ".parquet" or not p.is_file():
        raise InputError(f"企业数据源应为 warehouse 或一个 .parquet 文件：{text}")
    return con.read_parquet(str(p))


def firm_matrix(
    source: pd.DataFrame | str | os.PathLike[str],
    *,
    level: str = "section",
    mode: Mode = "active",
    years: Sequence[int] | None = None,
    engine: Engine = "duckdb",
    spark: Any = None,
    db: str | os.PathLike[str] | None = None,
) -> pd.DataFrame:
    """County × industry × year matrices of firm counts, employees and revenue (long form).

    Parameters
    ----------
    source : DataFrame, path or "warehouse"
        Firms (``firms`` columns), a Parquet file (e.g. from
        :func:`xinzhi.industry.synthetic.write_parquet`) or ``"warehouse"`` (the view
        ``current_firms`` of the DuckDB warehouse ``db``).
    level : {"section", "division", "class"}
        GB/T 4754 level.
    mode : {"active", "cohort"}
        Year convention (module docstring).
    years : sequence of int, optional
        Snapshot years (``active``; default: the latest founding year in the data) or cohort
        years to keep (``cohort``; default all).
    engine : {"duckdb", "spark"}
        Execution backend; the Ibis expression is the same.
    spark : SparkSession, optional
        Session for ``engine="spark"`` (default :func:`xinzhi.store.spark.spark_session`).
    db : path, optional
        Warehouse file for ``source="warehouse"``.

    Returns
    -------
    DataFrame
        :data:`MATRIX_COLUMNS`, sorted by region_code, industry, year; one row per non-empty
        cell (absent cells are zero).
    """
    _check(level, mode)
    con = _connect(engine, spark)
    t = _bind(con, source, engine, db)
    yrs = list(years or [])
    if mode == "active" and not yrs:
        latest = con.execute(t.founded.year().max())
        if latest is None or pd.isna(latest):
            raise InputError("企业数据中没有成立日期，无法确定快照年份")
        yrs = [int(latest)]
    expr = matrix_expr(t, level=level, mode=mode, years=yrs)
    return _finish(con.execute(expr))
