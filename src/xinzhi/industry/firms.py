"""Record-level aggregation: firms → county × industry × year matrices (counts, employees,
revenue), written once as Ibis expressions and run unchanged on DuckDB (default) or PySpark.

Design
------
:func:`matrix_expr` builds a backend-independent Ibis expression over a table with the
``firms`` columns. :func:`xinzhi.ingest.firm_sources.firms_table` binds a source (a DataFrame,
a Parquet file, or the warehouse view ``current_firms``) to a backend — an in-process DuckDB or
a local-mode SparkSession (:func:`xinzhi.store.spark.spark_session`); :func:`firm_matrix`
executes the same expression there and returns a pandas long table::

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

Examples
--------
Four firms, snapshot years 2018 and 2020. In 430101 (section C) the firm founded 2015 is active
in both years, the one founded 2019 only in 2020, and the cancelled one (注销) never counts:
2018 → 1 firm, 10 employees; 2020 → 2 firms, 10 + 20 = 30 employees, revenue 100 + 200 = 300.
The firm in 430102 (no status, counted as active) is there in both years:

>>> import datetime as dt
>>> import ibis
>>> import pandas as pd
>>> df = pd.DataFrame({
...     "region_code": ["430101", "430101", "430101", "430102"],
...     "section": ["C", "C", "C", "F"], "division": ["38", "38", "38", "51"],
...     "industry_code": ["3841", "3841", "3812", "5110"],
...     "founded": [dt.date(2015, 1, 1), dt.date(2019, 6, 1), dt.date(2018, 3, 1),
...                 dt.date(2010, 5, 1)],
...     "employees": [10, 20, 7, 5], "revenue": [100.0, 200.0, 70.0, 50.0],
...     "status": ["存续", "在业", "注销", None]})
>>> for row in firm_matrix(ibis.memtable(df), years=[2018, 2020]).values.tolist():
...     print(row)
['430101', 'C', 2018, 1, 10, 100.0]
['430101', 'C', 2020, 2, 30, 300.0]
['430102', 'F', 2018, 1, 5, 50.0]
['430102', 'F', 2020, 1, 5, 50.0]

Where to look
-------------
* Docs: ``docs/firms.md`` §3 (县 × 行业 × 年份矩阵).
* Tests: ``tests/firms/test_firms_matrix.py`` (snapshot and cohort by hand, CLI, Parquet),
  ``tests/firms/test_firms_spark.py`` (Spark equals DuckDB).
* CLI: ``xinzhi industry matrix``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Literal

import numpy as np
import pandas as pd

from xinzhi.codes.firm_status import active_statuses
from xinzhi.errors import InputError

if TYPE_CHECKING:
    import ibis.expr.types as ir

__all__ = [
    "LEVEL_COLUMNS",
    "MATRIX_COLUMNS",
    "firm_matrix",
    "matrix_expr",
]

LEVEL_COLUMNS = {"section": "section", "division": "division", "class": "industry_code"}
"""Industry level → column of ``firms``."""
MATRIX_COLUMNS = ["region_code", "industry", "year", "firms", "employees", "revenue"]
Mode = Literal["active", "cohort"]


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
    import ibis  # heavy; imported on first use (CLI start-up)

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


def firm_matrix(
    firms: ir.Table,
    *,
    level: str = "section",
    mode: Mode = "active",
    years: Sequence[int] | None = None,
) -> pd.DataFrame:
    """County × industry × year matrices of firm counts, employees and revenue (long form).

    Parameters
    ----------
    firms : ibis Table
        Firms (``firms`` columns) bound to a backend, e.g. from
        :func:`xinzhi.ingest.firm_sources.firms_table` (a DataFrame, a Parquet file or the
        warehouse view ``current_firms`` on DuckDB or Spark); the expression runs there.
    level : {"section", "division", "class"}
        GB/T 4754 level.
    mode : {"active", "cohort"}
        Year convention (module docstring).
    years : sequence of int, optional
        Snapshot years (``active``; default: the latest founding year in the data) or cohort
        years to keep (``cohort``; default all).

    Returns
    -------
    DataFrame
        :data:`MATRIX_COLUMNS`, sorted by region_code, industry, year; one row per non-empty
        cell (absent cells are zero).
    """
    _check(level, mode)
    yrs = list(years or [])
    if mode == "active" and not yrs:
        latest = firms.founded.year().max().execute()
        if latest is None or pd.isna(latest):
            raise InputError("企业数据中没有成立日期，无法确定快照年份")
        yrs = [int(latest)]
    expr = matrix_expr(firms, level=level, mode=mode, years=yrs)
    return _finish(expr.execute())
