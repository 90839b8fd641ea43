"""The warehouse tables of the county talent base (人才库 · 岗位库; the third base, talent
policies, is the policy library of :mod:`xinzhi.store.policy`: person documents and the person
facts keyed by the same ``person_id``).

``talents``
    One row per person and import batch (frame columns of ``docs/match_talent.md``):
    ``person_id``, ``name``, ``phone`` (personal data), ``region_code`` (6-digit county),
    ``text`` (résumé), ``education_level`` (0–6), ``major``, ``years``, ``skills`` and
    ``certificates`` (";"-joined), ``location``, ``salary_expect`` (元/月), ``occupation_code``
    (国家职业分类大典 2022 code), ``extra`` (JSON: the cells of columns the importer did not
    recognise, kept), ``synthetic``, ``batch_id``, ``entered_at`` (TIMESTAMP UTC, when
    the row was written: the clock of the retention rule) and ``anonymised`` (bool).
``jobs``
    One row per posting and batch: ``job_id``, ``credit_code``, ``firm_name``, ``region_code``,
    ``title``, ``text``, ``education_min``, ``years_min``, ``skills``, ``location``,
    ``salary_min``, ``salary_max`` (元/月), ``positions``, ``posted``, ``filled`` (DATE),
    ``occupation_code``, ``extra``, ``synthetic``, ``batch_id``, ``entered_at``.
``embedding_cache``
    ``text_key`` (sha256 of the normalised text, :func:`xinzhi.match.text.text_key`), ``model``
    (embedder name), ``vector`` (FLOAT[]), ``created``: a text's vector is computed once per
    model; a changed text has a new key.
``talent_settings``
    ``base`` (:data:`BASES`), ``retention_days`` (INTEGER, NULL = keep), ``updated_at``,
    ``account``: the retention of personal data per base (:func:`purge_personal`).

Views ``current_talents`` / ``current_jobs``: rows of active import batches, the newest batch
winning per ``person_id`` / ``job_id``.

Written by :mod:`xinzhi.ingest.talent` and :mod:`xinzhi.pipelines.talent`; all SQL is
parameterised.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from xinzhi.store._tables import ensure_tables, has_tables, insert_batch_rows, utc_now

__all__ = [
    "BASES",
    "JOB_COLUMNS",
    "TALENT_COLUMNS",
    "cached_vectors",
    "ensure_talent_tables",
    "has_talent_tables",
    "insert_jobs",
    "insert_talents",
    "purge_personal",
    "read_jobs",
    "read_retention",
    "read_talents",
    "set_retention",
    "store_vectors",
]

BASES = ("talents", "jobs")
"""The bases with a retention setting (人才库, 岗位库)."""

TALENT_COLUMNS = [
    "person_id",
    "name",
    "phone",
    "region_code",
    "text",
    "education_level",
    "major",
    "years",
    "skills",
    "certificates",
    "location",
    "salary_expect",
    "occupation_code",
    "extra",
    "synthetic",
]
"""Columns of ``talents`` a writer gives (``batch_id``, ``entered_at`` are added)."""

JOB_COLUMNS = [
    "job_id",
    "credit_code",
    "firm_name",
    "region_code",
    "title",
    "text",
    "education_min",
    "years_min",
    "skills",
    "location",
    "salary_min",
    "salary_max",
    "positions",
    "posted",
    "filled",
    "occupation_code",
    "extra",
    "synthetic",
]
"""Columns of ``jobs`` a writer gives (``batch_id``, ``entered_at`` are added)."""

_TABLES = ("talents", "jobs", "embedding_cache", "talent_settings")
_VIEWS = ("current_talents", "current_jobs")

_DDL = [
    """CREATE TABLE IF NOT EXISTS talents (
        person_id VARCHAR NOT NULL, name VARCHAR, phone VARCHAR, region_code VARCHAR,
        text VARCHAR, education_level INTEGER, major VARCHAR, years DOUBLE, skills VARCHAR,
        certificates VARCHAR, location VARCHAR, salary_expect DOUBLE, occupation_code VARCHAR,
        extra JSON, synthetic BOOLEAN NOT NULL, batch_id INTEGER NOT NULL, entered_at TIMESTAMP NOT NULL,
        anonymised BOOLEAN NOT NULL DEFAULT false)""",
    """CREATE TABLE IF NOT EXISTS jobs (
        job_id VARCHAR NOT NULL, credit_code VARCHAR, firm_name VARCHAR, region_code VARCHAR,
        title VARCHAR, text VARCHAR, education_min INTEGER, years_min DOUBLE, skills VARCHAR,
        location VARCHAR, salary_min DOUBLE, salary_max DOUBLE, positions INTEGER,
        posted DATE, filled DATE, occupation_code VARCHAR, extra JSON, synthetic BOOLEAN NOT NULL,
        batch_id INTEGER NOT NULL, entered_at TIMESTAMP NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS embedding_cache (
        text_key VARCHAR NOT NULL, model VARCHAR NOT NULL, vector FLOAT[] NOT NULL,
        created TIMESTAMP NOT NULL, PRIMARY KEY (text_key, model))""",
    """CREATE TABLE IF NOT EXISTS talent_settings (
        base VARCHAR PRIMARY KEY, retention_days INTEGER, updated_at TIMESTAMP NOT NULL,
        account VARCHAR)""",
    """CREATE OR REPLACE VIEW current_talents AS
        SELECT * EXCLUDE (rk) FROM (
            SELECT t.*, row_number() OVER (
                PARTITION BY t.person_id ORDER BY b.imported_at DESC, b.batch_id DESC) AS rk
            FROM talents t JOIN import_batches b USING (batch_id)
            WHERE b.status = 'active')
        WHERE rk = 1""",
    """CREATE OR REPLACE VIEW current_jobs AS
        SELECT * EXCLUDE (rk) FROM (
            SELECT j.*, row_number() OVER (
                PARTITION BY j.job_id ORDER BY b.imported_at DESC, b.batch_id DESC) AS rk
            FROM jobs j JOIN import_batches b USING (batch_id)
            WHERE b.status = 'active')
        WHERE rk = 1""",
]


def has_talent_tables(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the talent tables and views exist (a read-only warehouse may lack them)."""
    return has_tables(con, [*_TABLES, *_VIEWS])


def ensure_talent_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Create the tables and views if missing (idempotent; nothing is written when they all
    exist)."""
    ensure_tables(con, [*_TABLES, *_VIEWS], _DDL)


# ---------------------------------------------------------------------------- rows
def _insert(
    con: duckdb.DuckDBPyConnection,
    table: str,
    rows: pd.DataFrame,
    columns: list[str],
    batch_id: int,
    entered_at: dt.datetime | None,
) -> int:
    if rows.empty:
        return 0
    frame = rows.reindex(columns=columns)
    frame["synthetic"] = frame["synthetic"].fillna(False).astype(bool)
    return insert_batch_rows(
        con, table, frame, columns, batch_id, {"entered_at": entered_at or utc_now()}
    )


def insert_talents(
    con: duckdb.DuckDBPyConnection,
    rows: pd.DataFrame,
    batch_id: int,
    *,
    entered_at: dt.datetime | None = None,
) -> int:
    """Insert talent rows (:data:`TALENT_COLUMNS`; absent columns NULL) as part of batch
    ``batch_id`` (inside its transaction); rows inserted. ``entered_at`` defaults to now."""
    ensure_talent_tables(con)
    return _insert(con, "talents", rows, TALENT_COLUMNS, batch_id, entered_at)


def insert_jobs(
    con: duckdb.DuckDBPyConnection,
    rows: pd.DataFrame,
    batch_id: int,
    *,
    entered_at: dt.datetime | None = None,
) -> int:
    """Insert job rows (:data:`JOB_COLUMNS`) as part of batch ``batch_id``; rows inserted."""
    ensure_talent_tables(con)
    return _insert(con, "jobs", rows, JOB_COLUMNS, batch_id, entered_at)


def _read(
    con: duckdb.DuckDBPyConnection,
    view: str,
    columns: list[str],
    key: str,
    region_code: str | None,
    ids: Sequence[str] | None,
) -> pd.DataFrame:
    cols = [*columns, "batch_id"]
    if not has_talent_tables(con):
        return pd.DataFrame(columns=cols)
    sql = f"SELECT {', '.join(cols)} FROM {view} WHERE TRUE"
    params: list[Any] = []
    if region_code is not None:
        sql += " AND region_code = ?"
        params.append(str(region_code))
    if ids is not None:
        sql += f" AND {key} IN (SELECT unnest(?::VARCHAR[]))"
        params.append([str(i) for i in ids])
    return con.execute(sql + f" ORDER BY {key}", params).df()


def read_talents(
    con: duckdb.DuckDBPyConnection,
    *,
    region_code: str | None = None,
    ids: Sequence[str] | None = None,
) -> pd.DataFrame:
    """The current talents (of county ``region_code``; of the persons ``ids``), ordered by
    ``person_id``; an empty frame when the warehouse has no talent tables."""
    return _read(con, "current_talents", TALENT_COLUMNS, "person_id", region_code, ids)


def read_jobs(
    con: duckdb.DuckDBPyConnection,
    *,
    region_code: str | None = None,
    ids: Sequence[str] | None = None,
) -> pd.DataFrame:
    """The current jobs (of county ``region_code``; of the postings ``ids``), by ``job_id``."""
    return _read(con, "current_jobs", JOB_COLUMNS, "job_id", region_code, ids)


# ---------------------------------------------------------------------------- embeddings
def cached_vectors(
    con: duckdb.DuckDBPyConnection, keys: Sequence[str], model: str
) -> dict[str, np.ndarray]:
    """The cached vectors of ``keys`` for ``model`` (float32), by key; keys without a cached
    vector are absent."""
    if not has_talent_tables(con) or not keys:
        return {}
    rows = con.execute(
        "SELECT text_key, vector FROM embedding_cache WHERE model = ? "
        "AND text_key IN (SELECT unnest(?::VARCHAR[]))",
        [model, sorted(set(keys))],
    ).fetchall()
    return {str(k): np.asarray(v, dtype=np.float32) for k, v in rows}


def store_vectors(
    con: duckdb.DuckDBPyConnection, keys: Sequence[str], model: str, vectors: np.ndarray
) -> int:
    """Cache ``vectors`` (one row per key) for ``model``; keys already cached are left alone.
    Returns the rows written."""
    ensure_talent_tables(con)
    if len(keys) != len(vectors):
        raise ValueError("keys and vectors differ in length")
    seen: set[str] = set()
    rows = []
    for k, v in zip(keys, vectors, strict=True):  # new vectors only (few per call)
        if k in seen:
            continue
        seen.add(k)
        rows.append((k, [float(x) for x in np.asarray(v, dtype=np.float32)]))
    if not rows:
        return 0
    frame = pd.DataFrame(rows, columns=["text_key", "vector"])
    frame["model"] = model
    frame["created"] = utc_now()
    con.register("_xinzhi_vectors", frame)
    try:
        before = con.execute("SELECT count(*) FROM embedding_cache").fetchall()[0][0]
        con.execute(
            "INSERT INTO embedding_cache (text_key, model, vector, created) "
            "SELECT text_key, model, CAST(vector AS FLOAT[]), created FROM _xinzhi_vectors v "
            "WHERE NOT EXISTS (SELECT 1 FROM embedding_cache c "
            "WHERE c.text_key = v.text_key AND c.model = v.model)"
        )
        after = con.execute("SELECT count(*) FROM embedding_cache").fetchall()[0][0]
    finally:
        con.unregister("_xinzhi_vectors")
    return int(after - before)


# ---------------------------------------------------------------------------- retention
def set_retention(
    con: duckdb.DuckDBPyConnection, base: str, days: int | None, *, account: str | None = None
) -> None:
    """Set how many days the personal data of ``base`` is kept (None: kept until deleted)."""
    if base not in BASES:
        raise ValueError(f"unknown base {base!r}")
    if days is not None and int(days) < 1:
        raise ValueError("retention_days must be at least 1")
    ensure_talent_tables(con)
    con.execute(
        "INSERT OR REPLACE INTO talent_settings (base, retention_days, updated_at, account) "
        "VALUES (?, ?, ?, ?)",
        [base, None if days is None else int(days), utc_now(), account],
    )


def read_retention(con: duckdb.DuckDBPyConnection) -> dict[str, int | None]:
    """``base → retention_days`` for every base (None where unset)."""
    out: dict[str, int | None] = dict.fromkeys(BASES)
    if not has_talent_tables(con):
        return out
    for base, days in con.execute("SELECT base, retention_days FROM talent_settings").fetchall():
        out[str(base)] = None if days is None else int(days)
    return out


def purge_personal(
    con: duckdb.DuckDBPyConnection,
    *,
    now: dt.datetime | None = None,
    text_key: Callable[[str], str] | None = None,
) -> dict[str, int]:
    """Anonymise the talent rows older than the retention setting of ``talents``.

    A row written (``entered_at``) more than ``retention_days`` days before ``now`` (default
    the current UTC time) keeps what the statistics need (county, education, major, years,
    skills, certificates, occupation, salary expectation) and loses what identifies the person:
    ``name``, ``phone`` and ``text`` become NULL, ``person_id`` becomes ``匿名-<hash>`` (a
    sha256 prefix of id and batch: persons stay distinct, no longer identifiable) and
    ``anonymised`` true. Jobs hold no personal data: the setting of ``jobs`` deletes postings
    filled (or entered, when never filled) before the cut-off. With ``text_key`` (the cache key
    function, :func:`xinzhi.match.text.text_key`) the cached vectors of the texts removed are
    deleted too, unless a remaining row holds the same text.

    Returns
    -------
    dict
        ``{"talents": rows anonymised, "jobs": rows deleted, "vectors": cache rows deleted}``.
    """
    out = {"talents": 0, "jobs": 0, "vectors": 0}
    if not has_talent_tables(con):
        return out
    when = now or utc_now()
    keep = read_retention(con)
    gone: list[str] = []
    con.execute("BEGIN TRANSACTION")
    try:
        if keep["talents"] is not None:
            cut = when - dt.timedelta(days=keep["talents"])
            old = "NOT anonymised AND entered_at < ?"
            n = _expiring(con, "talents", old, cut, gone)
            con.execute(
                f"""UPDATE talents SET
                       person_id = '匿名-' || left(sha256(person_id || '|' || batch_id), 16),
                       name = NULL, phone = NULL, text = NULL, anonymised = true
                   WHERE {old}""",
                [cut],
            )
            out["talents"] = int(n)
        if keep["jobs"] is not None:
            cut = when - dt.timedelta(days=keep["jobs"])
            old = "coalesce(CAST(filled AS TIMESTAMP), entered_at) < ?"
            n = _expiring(con, "jobs", old, cut, gone)
            con.execute(f"DELETE FROM jobs WHERE {old}", [cut])
            out["jobs"] = int(n)
        if text_key is not None and gone:
            out["vectors"] = _drop_vectors(con, gone, text_key)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return out


def _expiring(
    con: duckdb.DuckDBPyConnection, table: str, where: str, cut: dt.datetime, texts: list[str]
) -> int:
    """The number of rows of ``table`` (``talents`` / ``jobs``) matching ``where`` (one ``?``:
    ``cut``); their non-NULL texts are appended to ``texts``."""
    texts += [
        str(r[0])
        for r in con.execute(
            f"SELECT text FROM {table} WHERE {where} AND text IS NOT NULL", [cut]
        ).fetchall()
    ]
    return int(con.execute(f"SELECT count(*) FROM {table} WHERE {where}", [cut]).fetchall()[0][0])


def _drop_vectors(
    con: duckdb.DuckDBPyConnection, texts: list[str], text_key: Callable[[str], str]
) -> int:
    """Delete the cached vectors of ``texts`` that no remaining talent or job text shares."""
    remaining = [
        str(r[0])
        for r in con.execute(
            "SELECT text FROM talents WHERE text IS NOT NULL "
            "UNION SELECT text FROM jobs WHERE text IS NOT NULL"
        ).fetchall()
    ]
    still = {text_key(t) for t in remaining}
    drop = sorted({text_key(t) for t in texts} - still)
    if not drop:
        return 0
    n = con.execute(
        "SELECT count(*) FROM embedding_cache WHERE text_key IN (SELECT unnest(?::VARCHAR[]))",
        [drop],
    ).fetchall()[0][0]
    con.execute(
        "DELETE FROM embedding_cache WHERE text_key IN (SELECT unnest(?::VARCHAR[]))", [drop]
    )
    return int(n)
