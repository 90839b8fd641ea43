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
from contextlib import AbstractContextManager, nullcontext
from datetime import UTC, datetime, timedelta
from typing import Any

import duckdb
import pandas as pd

from xinzhi.auth import policy
from xinzhi.auth.accounts import User
from xinzhi.config import ServerLimits
from xinzhi.errors import InputError
from xinzhi.ingest import import_file
from xinzhi.ingest.clean import Resolver, default_resolver
from xinzhi.ingest.isolate import ReadLimits
from xinzhi.ingest.reasons import reason_label
from xinzhi.ingest.report import ImportReport
from xinzhi.ingest.tables import NOT_TEXT, is_text
from xinzhi.store.auth_tables import ensure_auth_tables

__all__ = [
    "NOT_TEXT",
    "BatchNotFoundError",
    "QuotaExceededError",
    "batch_page",
    "batch_quarantine",
    "check_upload_quota",
    "county_resolver",
    "csv_is_text",
    "import_upload",
    "observation_page",
    "purge_batch_quarantine",
    "purge_quarantine",
    "reason_tables",
    "safe_file_name",
    "scoped_source",
    "source_label",
]

SOURCE_KINDS: dict[str, str] = {
    "firms": "企业名录",
    "enterprise": "企业年度数据",
    "policy_facts": "政策事实",
    "policy_records": "政策兑现记录",
    "talents": "人才库",
    "jobs": "岗位库",
    "tech": "技术需求与团队",
    "pilots": "试点名单",
    "targets": "目标值",
}
"""Chinese names of the ``<kind>:`` prefixes importers give a batch's source."""


def source_label(source: str) -> str:
    """How pages name a batch's source: a registered public dataset by its title
    (``census2020`` → 第七次全国人口普查分县资料…), ``<kind>:<rest>`` by the kind's Chinese name
    (``talents:示例数据:430321`` → 人才库：示例数据，430321), anything else as it is.

    >>> source_label("jobs:示例数据:430321"), source_label("湖南年鉴")
    ('岗位库：示例数据，430321', '湖南年鉴')
    """
    from xinzhi.datasets import list_datasets

    titles = {d.name: d.title for d in list_datasets()}
    if source in titles:
        return str(titles[source])
    kind, sep, rest = source.partition(":")
    if sep and kind in SOURCE_KINDS:
        return f"{SOURCE_KINDS[kind]}：{rest.replace(':', '，')}"
    return source


class BatchNotFoundError(InputError):
    """No import batch with the given id (HTTP 404 ``batch_not_found`` in the API)."""


class QuotaExceededError(InputError):
    """The account's upload quota for 24 hours is used up (HTTP 429 ``upload_quota``)."""


QUOTA_WINDOW = timedelta(hours=24)


def check_upload_quota(
    con: duckdb.DuckDBPyConnection, user: User, nbytes: int, quota_mb: float
) -> None:
    """Count an upload of ``nbytes`` against ``user``'s quota of ``quota_mb`` MB per 24 hours
    (a sliding window; 0 = no quota) and record it.

    Every upload received counts, whether its import succeeds or not (reading a bad file costs
    the server as much as a good one). The caller holds the write lock.

    Raises
    ------
    QuotaExceededError
        The upload would exceed the quota (it is not recorded), with the amounts in MB.
    """
    ensure_auth_tables(con)
    now = datetime.now(UTC).replace(tzinfo=None)
    con.execute("DELETE FROM auth_upload_usage WHERE uploaded_at < ?", [now - QUOTA_WINDOW])
    if quota_mb > 0:
        (used,) = con.execute(
            "SELECT coalesce(sum(bytes), 0) FROM auth_upload_usage WHERE user_name = ?",
            [user.username],
        ).fetchall()[0]
        if int(used) + nbytes > quota_mb * 2**20:
            raise QuotaExceededError(
                f"上传配额已用完：账户 {user.username} 24 小时内最多上传 {quota_mb:g} MB，已上传 "
                f"{int(used) / 2**20:.1f} MB，本文件 {nbytes / 2**20:.1f} MB；请稍后再试或请管理员"
                "调整 XINZHI_UPLOAD_QUOTA_MB"
            )
    con.execute("INSERT INTO auth_upload_usage VALUES (?, ?, ?)", [user.username, now, nbytes])


def purge_quarantine(con: duckdb.DuckDBPyConnection, user: User | None, batch_id: int) -> int:
    """Delete the stored quarantined rows of batch ``batch_id`` (administrators only; ``user``
    None: the operator of the command line, who owns the warehouse file); return how many were
    deleted. The batch, its observations and its counts stay as they were (the
    report still says how many rows were quarantined, and why). The caller holds the write lock.

    Raises
    ------
    AccessDenied
        ``user`` is not an administrator.
    BatchNotFoundError
        No such batch.
    """
    if user is not None:
        policy.require(user, policy.Action.ADMINISTER)
    if not con.execute(
        "SELECT 1 FROM import_batches WHERE batch_id = ?", [int(batch_id)]
    ).fetchall():
        raise BatchNotFoundError(f"导入批次 {batch_id} 不存在")
    (n,) = con.execute(
        "SELECT count(*) FROM quarantine WHERE batch_id = ?", [int(batch_id)]
    ).fetchall()[0]
    con.execute("DELETE FROM quarantine WHERE batch_id = ?", [int(batch_id)])
    return int(n)


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


class CountyResolver:
    """:func:`~xinzhi.ingest.clean.default_resolver` that accepts only region ``code``
    (a class, not a closure, so that a worker process can receive it).

    Rows resolved to any other region get status ``foreign_county`` (quarantined as
    ``invalid_region``) with a Chinese message naming the allowed county.
    """

    def __init__(self, code: str) -> None:
        self.code = code

    def __call__(self, values: Any, year: int | None, parent: Any) -> pd.DataFrame:
        res = default_resolver(values, year, parent).copy()
        ok = res["status"].isin(["ok", "renamed"])
        foreign = ok & (res["code"].astype(str) != self.code)
        res.loc[foreign, "status"] = "foreign_county"
        res.loc[foreign, "message"] = f"县区用户只能导入本县区（{self.code}）的数据"
        return res


def county_resolver(code: str) -> Resolver:
    """A :class:`CountyResolver` for region ``code``."""
    return CountyResolver(code)


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
    limits: ServerLimits | None = None,
    write_lock: AbstractContextManager[Any] | None = None,
) -> ImportReport:
    """Import an uploaded file for an account (see the module docstring for the county rule).

    The batch records ``user.username`` as who imported it. With ``limits`` (the server) the
    file is read and checked in a worker process with ``limits.upload_memory_mb`` of memory
    and ``limits.upload_seconds`` of time, and at most ``limits.quarantine_cap`` quarantined
    rows are stored.

    Parameters
    ----------
    path : path
        The saved upload (xlsx / csv).
    con : DuckDB connection
        The warehouse.
    write_lock : context manager, optional
        The server's write lock, held while the warehouse is written (reading and checking the
        file run without it); without it the caller holds the lock throughout.
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
    kwargs: dict[str, Any] = {"with_regions": True, "user_name": user.username}
    if county:
        kwargs["resolver"] = county_resolver(county)
    if limits is not None:
        kwargs["limits"] = ReadLimits(limits.upload_memory_mb, limits.upload_seconds)
        kwargs["quarantine_cap"] = limits.quarantine_cap
        kwargs["max_rows"] = limits.upload_max_rows

    def owner(connection: duckdb.DuckDBPyConnection, batch_id: int) -> None:
        connection.execute(
            "INSERT INTO auth_batch_owners VALUES (?, ?, ?)", [batch_id, user.username, county]
        )

    with write_lock if write_lock is not None else nullcontext():
        ensure_auth_tables(con)
    return import_file(
        path,
        fmt=fmt,
        year=year,
        source=src,
        con=con,
        write_lock=write_lock,
        extra=owner,
        **kwargs,
    )


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


def purge_batch_quarantine(
    batch_id: int, *, actor: str, db: str | os.PathLike[str] | None = None
) -> int:
    """``xinzhi quarantine purge``: :func:`purge_quarantine` on the warehouse file ``db``,
    audited as ``quarantine_purge`` (``actor``: who ran the command)."""
    from xinzhi import auth, store

    con = store.connect(db)
    try:
        ensure_auth_tables(con)
        n = purge_quarantine(con, None, batch_id)
        auth.write_audit(
            con,
            "quarantine_purge",
            user=actor,
            target=f"batch:{batch_id}",
            detail={"batch_id": int(batch_id), "rows": n, "via": "cli"},
        )
        return n
    finally:
        con.close()
