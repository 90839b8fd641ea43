"""Reading observations back, long or wide, for the analyses."""

from __future__ import annotations

from collections.abc import Sequence

import duckdb
import pandas as pd

from xinzhi.errors import InputError

__all__ = ["level_predicate", "read_long", "read_region_history", "read_regions", "read_wide"]

_LONE_CITIES = (
    "SELECT r.code FROM regions r WHERE r.level = 'prefecture' AND NOT EXISTS ("
    "SELECT 1 FROM regions c WHERE c.level = 'county' AND c.prefecture_code = r.code"
    " AND c.start_year <= year AND (c.end_year IS NULL OR c.end_year > year))"
)
_LEVELS = {
    # GB/T 2260: PPCCDD; a county code never ends in 00, a prefecture code ends in 00 only,
    # a province code ends in 0000. Prefecture-level cities without counties (东莞, 中山, 儋州,
    # 嘉峪关) are county-level units too (year-aware: 三亚 until 2014).
    "county": f"(substr(region_code, 5, 2) <> '00' OR region_code IN ({_LONE_CITIES}))",
    "prefecture": "substr(region_code, 3, 2) <> '00' AND substr(region_code, 5, 2) = '00'",
    "province": "substr(region_code, 3, 4) = '0000'",
}


def level_predicate(level: str | None) -> str:
    """SQL predicate on ``region_code`` selecting one administrative level (or all)."""
    if level is None:
        return "TRUE"
    try:
        return _LEVELS[level]
    except KeyError:
        raise InputError(
            f"未知的区划级别 {level!r}，可选：county（县级）、prefecture（地级）、province（省级）"
        ) from None


def read_long(
    con: duckdb.DuckDBPyConnection,
    indicators: Sequence[str] | None = None,
    years: Sequence[int] | None = None,
    level: str | None = "county",
) -> pd.DataFrame:
    """Current observations in long form: region_code, year, indicator, value."""
    sql = (
        "SELECT region_code, year, indicator, value FROM current_observations "
        f"WHERE {level_predicate(level)}"
    )
    params: list[object] = []
    if indicators is not None:
        sql += " AND list_contains(?, indicator)"
        params.append([str(i) for i in indicators])
    if years is not None:
        sql += " AND list_contains(?, year)"
        params.append([int(y) for y in years])
    sql += " ORDER BY region_code, year, indicator"
    return con.execute(sql, params).df()


def read_wide(
    con: duckdb.DuckDBPyConnection,
    indicators: Sequence[str] | None = None,
    years: Sequence[int] | None = None,
    level: str | None = "county",
) -> pd.DataFrame:
    """Current observations as a wide table (units × indicators) for the evaluation engine.

    Returns
    -------
    DataFrame
        Columns ``region_code``, ``year`` then one column per indicator (in the order of
        ``indicators`` when given, else sorted); one row per region-year that has at least one
        value; a missing value is NaN.
    """
    long = read_long(con, indicators, years, level)
    cols = list(indicators) if indicators is not None else sorted(long["indicator"].unique())
    if long.empty:
        return pd.DataFrame(columns=["region_code", "year", *cols])
    wide = long.pivot(index=["region_code", "year"], columns="indicator", values="value")
    wide = wide.reindex(columns=cols)
    wide.columns.name = None
    out = wide.reset_index()
    out["year"] = out["year"].astype("int64")
    return out


def read_region_history(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The ``regions`` table as region history for :mod:`xinzhi.regions.harmonise`:
    ``code, level, start_year, end_year, successors``."""
    return con.execute("SELECT code, level, start_year, end_year, successors FROM regions").df()


def read_regions(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The whole ``regions`` table (the registry copied at import), ordered by code and
    start year; empty when nothing was imported yet. Feed it to
    :func:`xinzhi.regions.registry_from_table`."""
    return con.execute("SELECT * FROM regions ORDER BY code, start_year").df()
