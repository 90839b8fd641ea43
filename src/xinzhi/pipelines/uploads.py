"""Uploads of statistics files by a logged-in user (REST API ``POST /api/imports`` and the web
page 数据 call the same function).

Rule for county users (县区用户, role ``county``): the file is imported with a region resolver
that accepts only the user's own county — rows of any other region are *quarantined* (reason
``invalid_region``, message "县区用户只能导入本县区（code）的数据"), so the import report shows
them — and the data source is prefixed ``county-<code>-`` so that a county's upload never
supersedes another account's batch. The batch is recorded in ``auth_batch_owners`` (who
uploaded it, for which county), which scopes what county users see.
"""

from __future__ import annotations

import os
import re
from typing import Any

import duckdb
import pandas as pd

from xinzhi.ingest import import_file
from xinzhi.ingest.clean import Resolver, default_resolver
from xinzhi.ingest.report import ImportReport

__all__ = [
    "county_resolver",
    "import_upload",
    "safe_file_name",
    "scoped_source",
    "visible_batches",
]


def safe_file_name(name: str | None) -> str:
    """The base name with anything but letters, digits, CJK, ``_ - .`` replaced by ``_``."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = re.sub(r"[^A-Za-z0-9_.\-\u4e00-\u9fff]", "_", base).lstrip(".")
    base = re.sub(r"\.{2,}", ".", base)[-100:]
    return base or "upload"


def county_resolver(code: str) -> Resolver:
    """:func:`~xinzhi.ingest.clean.default_resolver` that accepts only region ``code``.

    Rows resolved to any other region get status ``foreign_county`` (quarantined as
    ``invalid_region``) with a Chinese message naming the allowed county.
    """

    def resolve(values: Any, year: int | None, parent: Any) -> pd.DataFrame:
        res = default_resolver(values, year, parent).copy()
        ok = res["status"].isin(["ok", "renamed"])
        foreign = ok & (res["code"].astype(str) != code)
        res.loc[foreign, "status"] = "foreign_county"
        res.loc[foreign, "message"] = f"县区用户只能导入本县区（{code}）的数据"
        return res

    return resolve


def scoped_source(source: str, county: str | None) -> str:
    """Data source name of an upload: ``county-<code>-<source>`` for a county user."""
    return f"county-{county}-{source}" if county else source


def import_upload(
    path: str | os.PathLike[str],
    *,
    con: duckdb.DuckDBPyConnection,
    username: str,
    role: str,
    county_code: str | None = None,
    year: int | None = None,
    source: str | None = None,
    fmt: str | None = None,
) -> ImportReport:
    """Import an uploaded file for a user (see the module docstring for the county rule).

    Parameters
    ----------
    path : path
        The saved upload (xlsx / csv).
    con : DuckDB connection
        The warehouse (the caller holds the write lock).
    username, role, county_code : str
        The uploading account; ``role == "county"`` restricts the import to ``county_code``.
    year, source, fmt
        As :func:`xinzhi.ingest.import_file`; ``source`` defaults to the file name's stem and
        is prefixed for county users (:func:`scoped_source`).
    """
    county = county_code if role == "county" else None
    if role == "county" and not county:
        from xinzhi.errors import InputError

        raise InputError("该县区账户没有所属县区代码，不能上传数据（请管理员补充）")
    from xinzhi.ingest.census import CENSUS_FILES

    base = source or os.path.splitext(os.path.basename(path))[0]
    if base in CENSUS_FILES:
        from xinzhi.errors import InputError

        raise InputError(f"{base} 是公共数据批次，不能通过上传替换")
    src = scoped_source(base, county)
    kwargs: dict[str, Any] = {"with_regions": True}
    if county:
        kwargs["resolver"] = county_resolver(county)
    report = import_file(path, fmt=fmt, year=year, source=src, con=con, **kwargs)
    if report.batch_id is not None and report.status == "loaded":
        from xinzhi import auth

        auth.ensure_auth_tables(con)
        con.execute(
            "INSERT INTO auth_batch_owners VALUES (?, ?, ?)", [report.batch_id, username, county]
        )
    return report


def visible_batches(
    con: duckdb.DuckDBPyConnection, role: str, county_code: str | None, limit: int = 200
) -> pd.DataFrame:
    """Latest import batches a user may see (as the API's ``GET /api/imports``): everything for
    admins and analysts; for a county user the public census batches and the batches uploaded
    for its own county."""
    from xinzhi import auth
    from xinzhi.ingest.census import CENSUS_FILES

    auth.ensure_auth_tables(con)
    everything = role != "county"
    return con.execute(
        """SELECT b.batch_id, b.file_name, b.source, CAST(b.imported_at AS VARCHAR) AS imported_at,
                  b.user_name, b.rows_read, b.rows_loaded, b.rows_quarantined, b.rows_skipped,
                  b.status
           FROM import_batches b
           WHERE ? OR list_contains(?, b.source) OR b.batch_id IN (
                 SELECT batch_id FROM auth_batch_owners WHERE county_code = ?)
           ORDER BY b.batch_id DESC LIMIT ?""",
        [everything, list(CENSUS_FILES), county_code, int(limit)],
    ).df()
