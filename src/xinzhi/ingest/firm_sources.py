"""Record-level firm sources bound to a compute backend, for
:func:`xinzhi.industry.firms.firm_matrix`.

A source is a DataFrame with the ``firms`` columns, a Parquet file (e.g. from
:func:`xinzhi.industry.synthetic.write_parquet`) or ``"warehouse"`` (the view ``current_firms``
of the DuckDB warehouse, :func:`xinzhi.store.firms.read_current_firms`). The backend is an
in-process DuckDB (default) or a local-mode SparkSession
(:func:`xinzhi.store.spark.spark_session`); the same Ibis expression runs on both.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import pandas as pd

from xinzhi import store
from xinzhi.errors import InputError
from xinzhi.store.firms import read_current_firms
from xinzhi.store.spark import spark_session

if TYPE_CHECKING:
    import ibis.expr.types as ir

__all__ = ["Engine", "firms_table"]

Engine = Literal["duckdb", "spark"]


def _connect(engine: str, spark: Any) -> Any:
    import ibis  # heavy; imported on first use (CLI start-up)

    if engine == "duckdb":
        return ibis.duckdb.connect()
    if engine == "spark":
        return ibis.pyspark.connect(spark if spark is not None else spark_session())
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


def _typed(source: pd.DataFrame) -> pd.DataFrame:
    """A firms DataFrame with the column types of the warehouse table."""
    frame = source.copy()
    if "founded" in frame.columns:
        frame["founded"] = pd.to_datetime(frame["founded"]).dt.date
    for c in ("registered_capital", "revenue"):
        if c in frame.columns:
            frame[c] = frame[c].astype("float64")
    if "employees" in frame.columns:
        frame["employees"] = frame["employees"].astype("Int64")
    return frame


def firms_table(
    source: pd.DataFrame | str | os.PathLike[str],
    *,
    engine: Engine = "duckdb",
    spark: Any = None,
    db: str | os.PathLike[str] | None = None,
) -> ir.Table:
    """The firms of ``source`` as an Ibis table on ``engine``.

    Parameters
    ----------
    source : DataFrame, path or "warehouse"
        Firms (``firms`` columns), a ``.parquet`` file or ``"warehouse"``.
    engine : {"duckdb", "spark"}
        Execution backend.
    spark : SparkSession, optional
        Session for ``engine="spark"`` (default :func:`xinzhi.store.spark.spark_session`).
    db : path, optional
        Warehouse file for ``source="warehouse"``.

    Returns
    -------
    ibis Table
    """
    con = _connect(engine, spark)
    if isinstance(source, pd.DataFrame):
        return _register(con, _typed(source), engine)
    text = str(source)
    if text == "warehouse":
        wh = store.connect(db, read_only=True)
        try:
            arrow = read_current_firms(wh)
        finally:
            wh.close()
        return _register(con, arrow, engine)
    p = Path(text)
    if p.suffix.lower() != ".parquet" or not p.is_file():
        raise InputError(f"企业数据源应为 warehouse 或一个 .parquet 文件：{text}")
    return con.read_parquet(str(p))
