"""The warehouse tables of support policies (政策库), policy facts and the office's records.

``policy_documents``
    One row per *version* of a document of the policy library (history kept: every save,
    publication, retirement and adoption writes a new version, nothing is updated in place):
    ``id`` (the document id of its YAML), ``version`` (1, 2, …), ``yaml`` (the whole document
    text), ``status`` (:data:`DOCUMENT_STATUSES`: 草稿 / 待审核 / 已发布 / 已废止), ``region`` (GB/T
    2260 code the document applies to, 2, 4 or 6 digits), ``published_on`` / ``retired_on``
    (DATE; when the clauses start and stop applying), ``created_by`` (account), ``updated_at``
    (TIMESTAMP, UTC), ``action`` (what made the version: save / publish / retire / adopt) and
    ``note`` (e.g. 改编自 <source id>).
``policy_facts``
    A long table of fact values a policy reads beyond the firm-year catalogue (地方财政贡献,
    新上项目固定资产投资 …): ``credit_code`` (a firm) or ``person_id`` (a person of the talent
    base), ``year``, ``fact`` (key of the facts catalogue or of a document's ``facts``),
    ``value_num`` (DOUBLE: numbers) or ``value_text`` (VARCHAR: text, dates as ISO text,
    booleans as ``true`` / ``false``), ``batch_id``, ``synthetic``.
``policy_records``
    The office's records of the policy effect loop: ``document``, ``clause``, ``credit_code``
    (or ``person_id``), ``period`` (text, e.g. ``2024`` or ``2024-Q3``), ``stage``
    (:data:`RECORD_STAGES`: eligible / notified / applied / paid), ``amount`` (万元), ``aware``
    (bool: the subject knew the policy), ``satisfaction`` (1–5), ``batch_id``, ``synthetic``.

Views: ``current_policy_documents`` (the newest version of each id), ``current_policy_facts``
(rows of active import batches, the newest batch winning per subject, year and fact) and
``current_policy_records`` (likewise per document, clause, subject, period and stage).

Written by :mod:`xinzhi.ingest.policy_facts`, :mod:`xinzhi.ingest.policy_records` and the
library functions of :mod:`xinzhi.pipelines.policy`; read by :mod:`xinzhi.pipelines.policy`.
All SQL is parameterised.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import duckdb
import pandas as pd

from xinzhi.store._tables import ensure_tables, has_tables, insert_batch_rows, utc_now

__all__ = [
    "DOCUMENT_STATUSES",
    "FACT_COLUMNS",
    "RECORD_COLUMNS",
    "RECORD_STAGES",
    "current_documents",
    "document_history",
    "ensure_policy_tables",
    "has_policy_tables",
    "insert_policy_facts",
    "insert_policy_records",
    "read_policy_facts",
    "read_policy_records",
    "write_document_version",
]

DOCUMENT_STATUSES = ("草稿", "待审核", "已发布", "已废止")
"""Statuses of a document of the library, in the order of its life."""

RECORD_STAGES = ("eligible", "notified", "applied", "paid")
"""Stages of the office's records (符合 / 已推送 / 已申请 / 已兑现)."""

FACT_COLUMNS = ["credit_code", "person_id", "year", "fact", "value_num", "value_text", "synthetic"]
"""Columns of ``policy_facts`` a writer gives (``batch_id`` is added)."""

RECORD_COLUMNS = [
    "document",
    "clause",
    "credit_code",
    "person_id",
    "period",
    "stage",
    "amount",
    "aware",
    "satisfaction",
    "synthetic",
]
"""Columns of ``policy_records`` a writer gives (``batch_id`` is added)."""

_TABLES = ("policy_documents", "policy_facts", "policy_records")
_VIEWS = ("current_policy_documents", "current_policy_facts", "current_policy_records")

_DDL = [
    """CREATE TABLE IF NOT EXISTS policy_documents (
        id VARCHAR NOT NULL, version INTEGER NOT NULL, yaml VARCHAR NOT NULL,
        status VARCHAR NOT NULL, region VARCHAR, published_on DATE, retired_on DATE,
        created_by VARCHAR, updated_at TIMESTAMP NOT NULL, action VARCHAR, note VARCHAR,
        PRIMARY KEY (id, version))""",
    """CREATE TABLE IF NOT EXISTS policy_facts (
        credit_code VARCHAR, person_id VARCHAR, year INTEGER NOT NULL, fact VARCHAR NOT NULL,
        value_num DOUBLE, value_text VARCHAR, batch_id INTEGER NOT NULL,
        synthetic BOOLEAN NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS policy_records (
        document VARCHAR NOT NULL, clause VARCHAR, credit_code VARCHAR, person_id VARCHAR,
        period VARCHAR NOT NULL, stage VARCHAR NOT NULL, amount DOUBLE, aware BOOLEAN,
        satisfaction INTEGER, batch_id INTEGER NOT NULL, synthetic BOOLEAN NOT NULL)""",
    """CREATE OR REPLACE VIEW current_policy_documents AS
        SELECT * EXCLUDE (rk) FROM (
            SELECT d.*, row_number() OVER (PARTITION BY d.id ORDER BY d.version DESC) AS rk
            FROM policy_documents d)
        WHERE rk = 1""",
    """CREATE OR REPLACE VIEW current_policy_facts AS
        SELECT * EXCLUDE (rk) FROM (
            SELECT f.*, row_number() OVER (
                PARTITION BY f.credit_code, f.person_id, f.year, f.fact
                ORDER BY b.imported_at DESC, b.batch_id DESC) AS rk
            FROM policy_facts f JOIN import_batches b USING (batch_id)
            WHERE b.status = 'active')
        WHERE rk = 1""",
    """CREATE OR REPLACE VIEW current_policy_records AS
        SELECT * EXCLUDE (rk) FROM (
            SELECT r.*, row_number() OVER (
                PARTITION BY r.document, r.clause, r.credit_code, r.person_id, r.period, r.stage
                ORDER BY b.imported_at DESC, b.batch_id DESC) AS rk
            FROM policy_records r JOIN import_batches b USING (batch_id)
            WHERE b.status = 'active')
        WHERE rk = 1""",
]


def has_policy_tables(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the policy tables and views exist (a read-only warehouse may lack them)."""
    return has_tables(con, [*_TABLES, *_VIEWS])


def ensure_policy_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Create the three tables and their views if missing (idempotent; nothing is written when
    they all exist)."""
    ensure_tables(con, [*_TABLES, *_VIEWS], _DDL)


# ---------------------------------------------------------------------------- documents
def write_document_version(
    con: duckdb.DuckDBPyConnection,
    *,
    doc_id: str,
    yaml: str,
    status: str,
    region: str | None,
    account: str,
    action: str,
    published_on: dt.date | None = None,
    retired_on: dt.date | None = None,
    note: str | None = None,
) -> int:
    """Append a new version of document ``doc_id`` (one transaction); its version number.

    Raises
    ------
    ValueError
        For a status outside :data:`DOCUMENT_STATUSES` (callers validate first).
    """
    if status not in DOCUMENT_STATUSES:
        raise ValueError(f"unknown document status {status!r}")
    ensure_policy_tables(con)
    con.execute("BEGIN TRANSACTION")
    try:
        row = con.execute(
            "SELECT coalesce(max(version), 0) FROM policy_documents WHERE id = ?", [doc_id]
        ).fetchall()[0]
        version = int(row[0]) + 1
        con.execute(
            """INSERT INTO policy_documents (id, version, yaml, status, region, published_on,
                   retired_on, created_by, updated_at, action, note)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            [
                doc_id,
                version,
                yaml,
                status,
                region,
                published_on,
                retired_on,
                account,
                utc_now(),
                action,
                note,
            ],
        )
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return version


_DOC_COLS = (
    "id, version, yaml, status, region, published_on, retired_on, created_by, updated_at, "
    "action, note"
)


def current_documents(
    con: duckdb.DuckDBPyConnection,
    *,
    doc_id: str | None = None,
    statuses: Sequence[str] | None = None,
) -> pd.DataFrame:
    """The newest version of each stored document (of ``doc_id``; with a status among
    ``statuses``), ordered by id; an empty table when the warehouse has no policy tables."""
    if not has_policy_tables(con):
        return pd.DataFrame(columns=[c.strip() for c in _DOC_COLS.split(",")])
    sql = f"SELECT {_DOC_COLS} FROM current_policy_documents WHERE TRUE"
    params: list[Any] = []
    if doc_id is not None:
        sql += " AND id = ?"
        params.append(doc_id)
    if statuses is not None:
        sql += " AND status IN (SELECT unnest(?::VARCHAR[]))"
        params.append(list(statuses))
    return con.execute(sql + " ORDER BY id", params).df()


def document_history(con: duckdb.DuckDBPyConnection, doc_id: str) -> pd.DataFrame:
    """Every version of ``doc_id``, oldest first (without the YAML text)."""
    cols = "version, status, region, published_on, retired_on, created_by, updated_at, action, note"
    if not has_policy_tables(con):
        return pd.DataFrame(columns=[c.strip() for c in cols.split(",")])
    return con.execute(
        f"SELECT {cols} FROM policy_documents WHERE id = ? ORDER BY version", [doc_id]
    ).df()


# ---------------------------------------------------------------------------- facts, records
def insert_policy_facts(con: duckdb.DuckDBPyConnection, rows: pd.DataFrame, batch_id: int) -> int:
    """Insert fact rows (:data:`FACT_COLUMNS`; absent columns NULL) as part of batch
    ``batch_id``; rows inserted."""
    ensure_policy_tables(con)
    return insert_batch_rows(con, "policy_facts", rows, FACT_COLUMNS, batch_id)


def insert_policy_records(con: duckdb.DuckDBPyConnection, rows: pd.DataFrame, batch_id: int) -> int:
    """Insert record rows (:data:`RECORD_COLUMNS`; absent columns NULL) as part of batch
    ``batch_id``; rows inserted."""
    ensure_policy_tables(con)
    return insert_batch_rows(con, "policy_records", rows, RECORD_COLUMNS, batch_id)


def read_policy_facts(
    con: duckdb.DuckDBPyConnection,
    *,
    year: int,
    subject: str = "firm",
    codes: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Current fact values of data year ``year`` as a long table ``key, fact, value_num,
    value_text, synthetic`` (``key``: the credit code for ``subject="firm"``, the person id for
    ``"person"``), narrowed to the subjects ``codes`` when given."""
    cols = ["key", "fact", "value_num", "value_text", "synthetic"]
    if not has_policy_tables(con):
        return pd.DataFrame(columns=cols)
    key = "credit_code" if subject == "firm" else "person_id"
    sql = (
        f"SELECT {key} AS key, fact, value_num, value_text, synthetic FROM current_policy_facts "
        f"WHERE year = ? AND {key} IS NOT NULL"
    )
    params: list[Any] = [int(year)]
    if codes is not None:
        sql += f" AND {key} IN (SELECT unnest(?::VARCHAR[]))"
        params.append([str(c) for c in codes])
    return con.execute(sql + " ORDER BY key, fact", params).df()


def read_policy_records(
    con: duckdb.DuckDBPyConnection,
    *,
    documents: Sequence[str] | None = None,
    codes: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Current office records (:data:`RECORD_COLUMNS`), of ``documents`` and of the firms
    ``codes`` when given."""
    if not has_policy_tables(con):
        return pd.DataFrame(columns=RECORD_COLUMNS)
    sql = f"SELECT {', '.join(RECORD_COLUMNS)} FROM current_policy_records WHERE TRUE"
    params: list[Any] = []
    if documents is not None:
        sql += " AND document IN (SELECT unnest(?::VARCHAR[]))"
        params.append(list(documents))
    if codes is not None:
        sql += " AND credit_code IN (SELECT unnest(?::VARCHAR[]))"
        params.append([str(c) for c in codes])
    return con.execute(sql + " ORDER BY document, period, clause, credit_code, stage", params).df()
