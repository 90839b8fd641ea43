"""Uploads of statistics files by a logged-in user, and the batches, observations and
quarantined rows an account sees (the REST API and the web page 数据 call these functions; who
sees what is decided by :mod:`xinzhi.auth.policy`).

Rule for county users (县区用户, role ``county``): the file is imported with a region resolver
that accepts only the user's own county — rows of any other region are *quarantined* (reason
``invalid_region``, message "县区用户只能导入本县区（code）的数据"), so the import report shows
them — and the data source is prefixed ``county-<code>-`` so that a county's upload never
supersedes another account's batch. The batch is recorded in ``auth_batch_owners`` (who
uploaded it, for which county), which scopes what county users see
(:func:`xinzhi.auth.policy.visible_batches_sql`). No upload takes the source name of a public
batch (:func:`xinzhi.auth.policy.require_upload_source`).
"""

from __future__ import annotations

import os
import re
from typing import Any

import duckdb
import pandas as pd

from xinzhi.auth import policy
from xinzhi.auth.accounts import User
from xinzhi.errors import InputError
from xinzhi.ingest import import_file
from xinzhi.ingest.clean import Resolver, default_resolver
from xinzhi.ingest.reasons import reason_label
from xinzhi.ingest.report import ImportReport
from xinzhi.ingest.tables import NOT_TEXT, is_text
from xinzhi.store.auth_tables import ensure_auth_tables

__all__ = [
    "NOT_TEXT",
    "BatchNotFoundError",
    "batch_page",
    "batch_quarantine",
    "county_resolver",
    "csv_is_text",
    "import_upload",
    "observation_page",
    "reason_tables",
    "safe_file_name",
    "scoped_source",
]


class BatchNotFoundError(InputError):
    """No import batch with the given id (HTTP 404 ``batch_not_found`` in the API)."""


def safe_file_name(name: str | None) -> str:
    """The base name with anything but letters, digits, CJK, ``_ - .`` replaced by ``_``."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = re.sub(r"[^A-Za-z0-9_.\-\u4e00-\u9fff]", "_", base).lstrip(".")
    base = re.sub(r"\.{2,}", ".", base)[-100:]
    return base or "upload"


def csv_is_text(data: bytes) -> bool:
    """Whether an uploaded CSV is text by the same rule as the importer (UTF-16 included), so
    the server refuses with :data:`NOT_TEXT` exactly what ``xinzhi import`` refuses."""
    return is_text(data)


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
    user: User,
    year: int | None = None,
    source: str | None = None,
    fmt: str | None = None,
) -> ImportReport:
    """Import an uploaded file for an account (see the module docstring for the county rule).

    Parameters
    ----------
    path : path
        The saved upload (xlsx / csv).
    con : DuckDB connection
        The warehouse (the caller holds the write lock).
    user : User
        The uploading account; :func:`xinzhi.auth.policy.upload_county` says which county its
        rows are restricted to.
    year, source, fmt
        As :func:`xinzhi.ingest.import_file`; ``source`` defaults to the file name's stem and
        is prefixed for county users (:func:`scoped_source`).

    Raises
    ------
    AccessDenied
        The account may not upload (or is a county account without a county).
    PublicSourceError
        ``source`` is the source of a public batch.
    """
    county = policy.upload_county(user)
    base = source or os.path.splitext(os.path.basename(path))[0]
    policy.require_upload_source(base)
    src = scoped_source(base, county)
    kwargs: dict[str, Any] = {"with_regions": True}
    if county:
        kwargs["resolver"] = county_resolver(county)
    report = import_file(path, fmt=fmt, year=year, source=src, con=con, **kwargs)
    if report.batch_id is not None and report.status == "loaded":
        ensure_auth_tables(con)
        con.execute(
            "INSERT INTO auth_batch_owners VALUES (?, ?, ?)",
            [report.batch_id, user.username, county],
        )
    return report


def batch_page(
    con: duckdb.DuckDBPyConnection, user: User, limit: int = 200, offset: int = 0
) -> tuple[int, pd.DataFrame]:
    """Import batches ``user`` sees (:func:`xinzhi.auth.policy.visible_batches_sql`), newest
    first: (total, page). Columns: batch_id, file_name, source, imported_at, user_name, format,
    rows_read, rows_loaded, rows_quarantined, rows_skipped, values_loaded, status,
    superseded_by, uploaded_by, county_code (the last two from ``auth_batch_owners``)."""
    ensure_auth_tables(con)
    visible, params = policy.visible_batches_sql(user, "b")
    base = f"""FROM import_batches b LEFT JOIN auth_batch_owners w USING (batch_id)
               WHERE {visible}"""
    (total,) = con.execute(f"SELECT count(*) {base}", params).fetchall()[0]
    page = con.execute(
        f"""SELECT b.batch_id, b.file_name, b.source, CAST(b.imported_at AS VARCHAR) AS imported_at,
                   b.user_name, b.format, b.rows_read, b.rows_loaded, b.rows_quarantined,
                   b.rows_skipped, b.values_loaded, b.status, b.superseded_by,
                   w.user_name AS uploaded_by, w.county_code {base}
            ORDER BY b.batch_id DESC LIMIT ? OFFSET ?""",
        [*params, int(limit), int(offset)],
    ).df()
    return int(total), page


def observation_page(
    con: duckdb.DuckDBPyConnection,
    user: User,
    *,
    region: str | None = None,
    indicator: str | None = None,
    year: int | None = None,
    limit: int = 100,
    offset: int = 0,
) -> tuple[int, pd.DataFrame]:
    """Current observations of the batches ``user`` sees, optionally of one region, indicator
    and year: (total, page of region_code, year, indicator, value, batch_id, source)."""
    ensure_auth_tables(con)
    visible, vparams = policy.visible_batches_sql(user, "b")
    where = f"""WHERE (? IS NULL OR o.region_code = ?) AND (? IS NULL OR o.indicator = ?)
                AND (? IS NULL OR o.year = ?) AND {visible}"""
    params: list[Any] = [region, region, indicator, indicator, year, year, *vparams]
    base = "FROM current_observations o JOIN import_batches b USING (batch_id) " + where
    (total,) = con.execute(f"SELECT count(*) {base}", params).fetchall()[0]
    page = con.execute(
        f"""SELECT o.region_code, o.year, o.indicator, o.value, o.batch_id, b.source {base}
            ORDER BY o.region_code, o.year, o.indicator LIMIT ? OFFSET ?""",
        [*params, int(limit), int(offset)],
    ).df()
    return int(total), page


def batch_quarantine(con: duckdb.DuckDBPyConnection, user: User, batch_id: int) -> pd.DataFrame:
    """Quarantined rows of batch ``batch_id`` for ``user``: row_number, reason (key),
    reason_label (Chinese, :func:`xinzhi.ingest.reasons.reason_label`), message, raw (JSON
    text), by row number.

    Raises
    ------
    BatchNotFoundError
        No such batch.
    AccessDenied
        ``user`` may not see the batch (:func:`xinzhi.auth.policy.may_download`,
        :attr:`~xinzhi.auth.policy.Kind.QUARANTINE`).
    """
    ensure_auth_tables(con)
    rows = con.execute(
        """SELECT b.source, w.county_code FROM import_batches b
           LEFT JOIN auth_batch_owners w USING (batch_id) WHERE b.batch_id = ?""",
        [int(batch_id)],
    ).fetchall()
    if not rows:
        raise BatchNotFoundError(f"导入批次 {batch_id} 不存在")
    source, owner = rows[0]
    policy.require_download(user, policy.Kind.QUARANTINE, owner, source=str(source))
    q = con.execute(
        "SELECT row_number, reason, message, CAST(raw AS VARCHAR) AS raw FROM quarantine "
        "WHERE batch_id = ? ORDER BY row_number",
        [int(batch_id)],
    ).df()
    q.insert(2, "reason_label", q["reason"].map(reason_label))
    return q


def reason_tables(report: ImportReport) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The rows quarantined and skipped by an import, per reason: ``reason`` (Chinese label),
    ``rows`` — the quarantine table first."""

    def table(counts: dict[str, int]) -> pd.DataFrame:
        return pd.DataFrame(
            {"reason": [reason_label(k) for k in counts], "rows": list(counts.values())}
        )

    return table(report.quarantined_by_reason), table(report.skipped_by_reason)
