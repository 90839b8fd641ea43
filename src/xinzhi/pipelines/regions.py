"""Region codes and names for the surfaces: resolve names (``xinzhi regions resolve``), list the
units in use in a year (``xinzhi regions list``), and page through the warehouse's region table
(``GET /api/regions``)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import duckdb
import pandas as pd

from xinzhi.regions import load_registry
from xinzhi.regions.table import TABLE_COLUMNS

__all__ = [
    "LIST_COLUMNS",
    "PAGE_COLUMNS",
    "RESOLVED",
    "RegionPage",
    "list_regions",
    "region_page",
    "resolve_names",
]

RESOLVED = ("ok", "renamed")
"""Statuses of a name or code that resolved to one unit."""

LIST_COLUMNS = TABLE_COLUMNS[: TABLE_COLUMNS.index("start_year") + 1]
"""Columns of :func:`list_regions`."""

PAGE_COLUMNS = [*LIST_COLUMNS, "end_year", "status"]
"""Columns of :attr:`RegionPage.items`."""


def resolve_names(
    names: Sequence[str],
    year: int | None = None,
    *,
    parent: str | None = None,
    level: str | None = None,
) -> pd.DataFrame:
    """Resolve names or codes to the codes valid in ``year`` (default: the registry's latest).

    Returns
    -------
    DataFrame
        One row per input in order: ``input, code, full_name, status, message, …`` of
        :meth:`xinzhi.regions.RegionRegistry.resolve_many`, plus ``type`` (县, 市辖区…) and
        ``resolved`` (status in :data:`RESOLVED`).
    """
    reg = load_registry()
    res = reg.resolve_many(list(names), year, parent=[parent] * len(names), level=level)
    types = dict(zip(reg.table["code"], reg.table["type"], strict=False))
    res["type"] = res["code"].map(types)
    res["resolved"] = res["status"].isin(RESOLVED)
    return res


def list_regions(
    year: int | None = None, *, province: str | None = None, level: str = "county"
) -> pd.DataFrame:
    """The units in use at the end of ``year`` (default the registry's latest year; ``level``
    county, prefecture, province or ``all``), of one province (name or code) when given;
    columns :data:`LIST_COLUMNS`, missing values as None, ``attrs["year"]`` the year."""
    reg = load_registry()
    year = reg.latest_year if year is None else year
    units = reg.units(year, None if level == "all" else level)
    if province is not None:
        prov = reg.resolve(province, year, level="province")
        units = units[units["province_code"] == prov.code]
    out = units[LIST_COLUMNS].astype(object)
    out = out.where(out.notna(), None)
    out.attrs["year"] = year
    return out


@dataclass
class RegionPage:
    """One page of the warehouse's region table and the number of matching rows."""

    total: int
    items: pd.DataFrame


def region_page(
    con: duckdb.DuckDBPyConnection,
    *,
    year: int | None = None,
    province: str | None = None,
    level: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> RegionPage:
    """Rows of the warehouse table ``regions`` (every version of every unit), filtered by the
    ``level``, valid in ``year`` and of ``province`` (code, name or its beginning, e.g. 湖南),
    ordered by code and start year."""
    where = """WHERE (? IS NULL OR level = ?)
               AND (? IS NULL OR (start_year <= ? AND (end_year IS NULL OR end_year > ?)))
               AND (? IS NULL OR province_code = ? OR province_name = ?
                    OR starts_with(province_name, ?))"""
    params = [level, level, year, year, year, province, province, province, province]
    (total,) = con.execute(f"SELECT count(*) FROM regions {where}", params).fetchall()[0]
    page = con.execute(
        f"SELECT {', '.join(PAGE_COLUMNS)} FROM regions {where} "
        "ORDER BY code, start_year LIMIT ? OFFSET ?",
        [*params, limit, offset],
    ).df()
    return RegionPage(int(total), page)
