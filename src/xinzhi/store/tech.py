"""The warehouse tables of technology demands, research teams and the 揭榜挂帅 workflow.

Records (imported; one import batch each, the newest active batch wins per id):

``tech_demands``
    Technology demands of firms (技术需求): ``demand_id``, ``credit_code``, ``firm_name``,
    ``region_code`` (6-digit county), ``title``, ``text`` (the problem), ``field`` (one of the
    eight areas of 国科发火〔2016〕32号 附件, :data:`xinzhi.match.tech.TECH_FIELDS`), ``chain``
    (leading industry), ``chain_link``, ``industry_code`` (GB/T 4754), ``keywords`` (";"),
    ``budget`` (万元), ``deadline`` (DATE), ``status`` (as imported, e.g. 征集中), ``contact``,
    ``phone`` (the firm's contact person: personal data), ``batch_id``, ``synthetic``.
``tech_teams``
    Research teams, experts and 飞地 partners: ``team_id``, ``name``, ``kind`` (团队 / 专家 /
    飞地), ``institution``, ``city``, ``region_code``, ``partner_county`` (the county a 飞地
    partner serves), ``fields`` (";"), ``keywords`` (";"), ``text`` (papers, patents,
    projects), ``capacity`` (demands at once), ``contact``, ``phone``, ``email`` (personal
    data), ``batch_id``, ``synthetic``.

Workflow (append-only: nothing is updated or deleted; one challenge per demand, its id the
demand id):

``tech_events``
    The audit trail: ``seq`` (global order), ``challenge_id``, ``created_at`` (TIMESTAMP, UTC),
    ``account``, ``role`` (workflow role used), ``action``, ``from_state``, ``to_state``,
    ``detail`` (JSON text). The current state of a challenge is the ``to_state`` of its last
    event (``draft`` without events).
``tech_applications``
    ``application_id``, ``challenge_id``, ``team_id``, ``plan`` (text), ``budget`` (万元),
    ``created_at``, ``account``.
``tech_reviews``
    ``challenge_id``, ``application_id``, ``reviewer`` (account), ``score`` (0–100),
    ``comment``, ``created_at``.
``tech_awards``
    ``challenge_id``, ``application_id``, ``team_id``, ``amount`` (万元), ``created_at``, ``account``.
``tech_milestones``
    ``challenge_id``, ``seq``, ``title``, ``progress`` (0–100 %), ``note``, ``created_at``, ``account``.

Views ``current_tech_demands`` and ``current_tech_teams`` keep the rows of active batches (the
newest batch per id); ``tech_states`` gives each challenge's current state. Written by
:mod:`xinzhi.ingest.tech` (records) and :mod:`xinzhi.pipelines.tech` (workflow); all SQL is
parameterised. The tables are created on first use (:func:`ensure_tech_tables`), like
:mod:`xinzhi.store.policy`: the base schema version is unchanged.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import duckdb
import pandas as pd

from xinzhi.store._tables import ensure_tables, has_tables, insert_batch_rows, utc_now

__all__ = [
    "APPLICATION_COLUMNS",
    "DEMAND_COLUMNS",
    "EVENT_COLUMNS",
    "TEAM_COLUMNS",
    "append_event",
    "challenge_state",
    "ensure_tech_tables",
    "has_tech_tables",
    "insert_demands",
    "insert_teams",
    "read_applications",
    "read_awards",
    "read_demands",
    "read_events",
    "read_milestones",
    "read_reviews",
    "read_states",
    "read_teams",
    "team_load",
    "write_application",
    "write_award",
    "write_milestone",
    "write_review",
]

DEMAND_COLUMNS = [
    "demand_id",
    "credit_code",
    "firm_name",
    "region_code",
    "title",
    "text",
    "field",
    "chain",
    "chain_link",
    "industry_code",
    "keywords",
    "budget",
    "deadline",
    "status",
    "contact",
    "phone",
    "synthetic",
]
"""Columns of ``tech_demands`` a writer gives (``batch_id`` is added)."""

TEAM_COLUMNS = [
    "team_id",
    "name",
    "kind",
    "institution",
    "city",
    "region_code",
    "partner_county",
    "fields",
    "keywords",
    "text",
    "capacity",
    "contact",
    "phone",
    "email",
    "synthetic",
]
"""Columns of ``tech_teams`` a writer gives (``batch_id`` is added)."""

EVENT_COLUMNS = [
    "seq",
    "challenge_id",
    "created_at",
    "account",
    "role",
    "action",
    "from_state",
    "to_state",
    "detail",
]
APPLICATION_COLUMNS = [
    "application_id",
    "challenge_id",
    "team_id",
    "plan",
    "budget",
    "created_at",
    "account",
]

_TABLES = (
    "tech_demands",
    "tech_teams",
    "tech_events",
    "tech_applications",
    "tech_reviews",
    "tech_awards",
    "tech_milestones",
)
_VIEWS = ("current_tech_demands", "current_tech_teams", "tech_states")

_DDL = [
    """CREATE TABLE IF NOT EXISTS tech_demands (
        demand_id VARCHAR NOT NULL, credit_code VARCHAR, firm_name VARCHAR,
        region_code VARCHAR NOT NULL, title VARCHAR NOT NULL, text VARCHAR, field VARCHAR,
        chain VARCHAR, chain_link VARCHAR, industry_code VARCHAR, keywords VARCHAR,
        budget DOUBLE, deadline DATE, status VARCHAR, contact VARCHAR, phone VARCHAR,
        batch_id INTEGER NOT NULL, synthetic BOOLEAN NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS tech_teams (
        team_id VARCHAR NOT NULL, name VARCHAR NOT NULL, kind VARCHAR NOT NULL,
        institution VARCHAR, city VARCHAR, region_code VARCHAR, partner_county VARCHAR,
        fields VARCHAR, keywords VARCHAR, text VARCHAR, capacity INTEGER NOT NULL,
        contact VARCHAR, phone VARCHAR, email VARCHAR,
        batch_id INTEGER NOT NULL, synthetic BOOLEAN NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS tech_events (
        seq BIGINT PRIMARY KEY, challenge_id VARCHAR NOT NULL, created_at TIMESTAMP NOT NULL,
        account VARCHAR NOT NULL, role VARCHAR, action VARCHAR NOT NULL,
        from_state VARCHAR NOT NULL, to_state VARCHAR NOT NULL, detail VARCHAR)""",
    """CREATE TABLE IF NOT EXISTS tech_applications (
        application_id VARCHAR PRIMARY KEY, challenge_id VARCHAR NOT NULL,
        team_id VARCHAR NOT NULL, plan VARCHAR, budget DOUBLE, created_at TIMESTAMP NOT NULL,
        account VARCHAR NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS tech_reviews (
        challenge_id VARCHAR NOT NULL, application_id VARCHAR NOT NULL,
        reviewer VARCHAR NOT NULL, score DOUBLE NOT NULL, comment VARCHAR,
        created_at TIMESTAMP NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS tech_awards (
        challenge_id VARCHAR NOT NULL, application_id VARCHAR NOT NULL,
        team_id VARCHAR NOT NULL, amount DOUBLE, created_at TIMESTAMP NOT NULL,
        account VARCHAR NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS tech_milestones (
        challenge_id VARCHAR NOT NULL, seq INTEGER NOT NULL, title VARCHAR NOT NULL,
        progress DOUBLE, note VARCHAR, created_at TIMESTAMP NOT NULL, account VARCHAR NOT NULL)""",
    """CREATE OR REPLACE VIEW current_tech_demands AS
        SELECT * EXCLUDE (rk) FROM (
            SELECT d.*, row_number() OVER (
                PARTITION BY d.demand_id ORDER BY b.imported_at DESC, b.batch_id DESC) AS rk
            FROM tech_demands d JOIN import_batches b USING (batch_id)
            WHERE b.status = 'active')
        WHERE rk = 1""",
    """CREATE OR REPLACE VIEW current_tech_teams AS
        SELECT * EXCLUDE (rk) FROM (
            SELECT t.*, row_number() OVER (
                PARTITION BY t.team_id ORDER BY b.imported_at DESC, b.batch_id DESC) AS rk
            FROM tech_teams t JOIN import_batches b USING (batch_id)
            WHERE b.status = 'active')
        WHERE rk = 1""",
    """CREATE OR REPLACE VIEW tech_states AS
        SELECT challenge_id, to_state AS state, created_at AS changed_at FROM (
            SELECT e.*, row_number() OVER (PARTITION BY e.challenge_id ORDER BY e.seq DESC) AS rk
            FROM tech_events e)
        WHERE rk = 1""",
]


def has_tech_tables(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the tables and views exist (a read-only warehouse may lack them)."""
    return has_tables(con, [*_TABLES, *_VIEWS])


def ensure_tech_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Create the tables and views if missing (idempotent; nothing is written when they all
    exist). Needs the base schema (``import_batches``)."""
    ensure_tables(con, [*_TABLES, *_VIEWS], _DDL)


# ---------------------------------------------------------------------------- records
def insert_demands(con: duckdb.DuckDBPyConnection, rows: pd.DataFrame, batch_id: int) -> int:
    """Insert demand rows (:data:`DEMAND_COLUMNS`; absent columns NULL) as part of batch
    ``batch_id``; rows inserted."""
    ensure_tech_tables(con)
    frame = rows.copy()
    if "synthetic" not in frame.columns:
        frame["synthetic"] = False
    return insert_batch_rows(con, "tech_demands", frame, DEMAND_COLUMNS, batch_id)


def insert_teams(con: duckdb.DuckDBPyConnection, rows: pd.DataFrame, batch_id: int) -> int:
    """Insert team rows (:data:`TEAM_COLUMNS`; absent columns NULL) as part of batch
    ``batch_id``; rows inserted."""
    ensure_tech_tables(con)
    frame = rows.copy()
    if "synthetic" not in frame.columns:
        frame["synthetic"] = False
    return insert_batch_rows(con, "tech_teams", frame, TEAM_COLUMNS, batch_id)


def read_demands(
    con: duckdb.DuckDBPyConnection,
    *,
    county: str | None = None,
    ids: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Current demands (:data:`DEMAND_COLUMNS` + ``state``: the workflow state, ``draft``
    without events), of ``county`` and ``ids`` when given, ordered by id."""
    cols = [*DEMAND_COLUMNS, "state"]
    if not has_tech_tables(con):
        return pd.DataFrame(columns=cols)
    sel = ", ".join(f"d.{c}" for c in DEMAND_COLUMNS)
    sql = (
        f"SELECT {sel}, coalesce(s.state, 'draft') AS state FROM current_tech_demands d "
        "LEFT JOIN tech_states s ON s.challenge_id = d.demand_id WHERE TRUE"
    )
    params: list[Any] = []
    if county is not None:
        sql += " AND d.region_code = ?"
        params.append(str(county))
    if ids is not None:
        sql += " AND d.demand_id IN (SELECT unnest(?::VARCHAR[]))"
        params.append([str(i) for i in ids])
    return con.execute(sql + " ORDER BY d.demand_id", params).df()


def read_teams(con: duckdb.DuckDBPyConnection, *, ids: Sequence[str] | None = None) -> pd.DataFrame:
    """Current teams (:data:`TEAM_COLUMNS`), of ``ids`` when given, ordered by id."""
    if not has_tech_tables(con):
        return pd.DataFrame(columns=TEAM_COLUMNS)
    sql = f"SELECT {', '.join(TEAM_COLUMNS)} FROM current_tech_teams WHERE TRUE"
    params: list[Any] = []
    if ids is not None:
        sql += " AND team_id IN (SELECT unnest(?::VARCHAR[]))"
        params.append([str(i) for i in ids])
    return con.execute(sql + " ORDER BY team_id", params).df()


# ---------------------------------------------------------------------------- workflow
def challenge_state(con: duckdb.DuckDBPyConnection, challenge_id: str) -> str:
    """The current state of a challenge (``draft`` when it has no event)."""
    if not has_tech_tables(con):
        return "draft"
    rows = con.execute(
        "SELECT state FROM tech_states WHERE challenge_id = ?", [challenge_id]
    ).fetchall()
    return str(rows[0][0]) if rows else "draft"


def append_event(
    con: duckdb.DuckDBPyConnection,
    *,
    challenge_id: str,
    account: str,
    role: str | None,
    action: str,
    from_state: str,
    to_state: str,
    detail: dict[str, Any] | None = None,
) -> int:
    """Append one audit-trail event; its ``seq``. The caller holds the transaction (the
    pipeline writes the event and the step's row together)."""
    ensure_tech_tables(con)
    seq = int(con.execute("SELECT coalesce(max(seq), 0) + 1 FROM tech_events").fetchall()[0][0])
    con.execute(
        "INSERT INTO tech_events VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            seq,
            challenge_id,
            utc_now(),
            account,
            role,
            action,
            from_state,
            to_state,
            json.dumps(detail or {}, ensure_ascii=False, default=str),
        ],
    )
    return seq


def read_events(
    con: duckdb.DuckDBPyConnection, *, challenge_ids: Sequence[str] | None = None
) -> pd.DataFrame:
    """The audit trail (:data:`EVENT_COLUMNS`), of ``challenge_ids`` when given, in order."""
    if not has_tech_tables(con):
        return pd.DataFrame(columns=EVENT_COLUMNS)
    sql = f"SELECT {', '.join(EVENT_COLUMNS)} FROM tech_events WHERE TRUE"
    params: list[Any] = []
    if challenge_ids is not None:
        sql += " AND challenge_id IN (SELECT unnest(?::VARCHAR[]))"
        params.append([str(c) for c in challenge_ids])
    return con.execute(sql + " ORDER BY seq", params).df()


def read_states(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """``challenge_id, state, changed_at`` of every challenge with an event."""
    if not has_tech_tables(con):
        return pd.DataFrame(columns=["challenge_id", "state", "changed_at"])
    return con.execute("SELECT * FROM tech_states ORDER BY challenge_id").df()


def write_application(
    con: duckdb.DuckDBPyConnection,
    *,
    challenge_id: str,
    team_id: str,
    account: str,
    plan: str | None = None,
    budget: float | None = None,
) -> str:
    """Append an application; its id (``<challenge>-A<n>``)."""
    ensure_tech_tables(con)
    n = int(
        con.execute(
            "SELECT count(*) FROM tech_applications WHERE challenge_id = ?", [challenge_id]
        ).fetchall()[0][0]
    )
    app_id = f"{challenge_id}-A{n + 1}"
    con.execute(
        "INSERT INTO tech_applications VALUES (?, ?, ?, ?, ?, ?, ?)",
        [app_id, challenge_id, team_id, plan, budget, utc_now(), account],
    )
    return app_id


def _read(
    con: duckdb.DuckDBPyConnection, table: str, cols: list[str], challenge_ids: Sequence[str] | None
) -> pd.DataFrame:
    if not has_tech_tables(con):
        return pd.DataFrame(columns=cols)
    sql = f"SELECT {', '.join(cols)} FROM {table} WHERE TRUE"
    params: list[Any] = []
    if challenge_ids is not None:
        sql += " AND challenge_id IN (SELECT unnest(?::VARCHAR[]))"
        params.append([str(c) for c in challenge_ids])
    return con.execute(sql + " ORDER BY challenge_id, created_at", params).df()


def read_applications(
    con: duckdb.DuckDBPyConnection, *, challenge_ids: Sequence[str] | None = None
) -> pd.DataFrame:
    """Applications (:data:`APPLICATION_COLUMNS`), of ``challenge_ids`` when given."""
    return _read(con, "tech_applications", APPLICATION_COLUMNS, challenge_ids)


_REVIEW_COLUMNS = ["challenge_id", "application_id", "reviewer", "score", "comment", "created_at"]
_AWARD_COLUMNS = ["challenge_id", "application_id", "team_id", "amount", "created_at", "account"]
_MILESTONE_COLUMNS = ["challenge_id", "seq", "title", "progress", "note", "created_at", "account"]


def write_review(
    con: duckdb.DuckDBPyConnection,
    *,
    challenge_id: str,
    application_id: str,
    reviewer: str,
    score: float,
    comment: str | None = None,
) -> None:
    """Append a review score (0–100; the caller validates)."""
    ensure_tech_tables(con)
    con.execute(
        "INSERT INTO tech_reviews VALUES (?, ?, ?, ?, ?, ?)",
        [challenge_id, application_id, reviewer, float(score), comment, utc_now()],
    )


def read_reviews(
    con: duckdb.DuckDBPyConnection, *, challenge_ids: Sequence[str] | None = None
) -> pd.DataFrame:
    """Reviews ``challenge_id, application_id, reviewer, score, comment, created_at``."""
    return _read(con, "tech_reviews", _REVIEW_COLUMNS, challenge_ids)


def write_award(
    con: duckdb.DuckDBPyConnection,
    *,
    challenge_id: str,
    application_id: str,
    team_id: str,
    account: str,
    amount: float | None = None,
) -> None:
    """Append the award of a challenge to an application."""
    ensure_tech_tables(con)
    con.execute(
        "INSERT INTO tech_awards VALUES (?, ?, ?, ?, ?, ?)",
        [challenge_id, application_id, team_id, amount, utc_now(), account],
    )


def read_awards(
    con: duckdb.DuckDBPyConnection, *, challenge_ids: Sequence[str] | None = None
) -> pd.DataFrame:
    """Awards ``challenge_id, application_id, team_id, amount, created_at, account``."""
    return _read(con, "tech_awards", _AWARD_COLUMNS, challenge_ids)


def write_milestone(
    con: duckdb.DuckDBPyConnection,
    *,
    challenge_id: str,
    title: str,
    account: str,
    progress: float | None = None,
    note: str | None = None,
) -> int:
    """Append a progress milestone; its number within the challenge (1, 2, …)."""
    ensure_tech_tables(con)
    n = int(
        con.execute(
            "SELECT coalesce(max(seq), 0) + 1 FROM tech_milestones WHERE challenge_id = ?",
            [challenge_id],
        ).fetchall()[0][0]
    )
    con.execute(
        "INSERT INTO tech_milestones VALUES (?, ?, ?, ?, ?, ?, ?)",
        [challenge_id, n, title, progress, note, utc_now(), account],
    )
    return n


def read_milestones(
    con: duckdb.DuckDBPyConnection, *, challenge_ids: Sequence[str] | None = None
) -> pd.DataFrame:
    """Milestones ``challenge_id, seq, title, progress, note, created_at, account``."""
    return _read(con, "tech_milestones", _MILESTONE_COLUMNS, challenge_ids)


def team_load(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Team id → challenges it carries now (awarded, not yet completed, withdrawn or
    terminated): the used part of its capacity."""
    if not has_tech_tables(con):
        return {}
    rows = con.execute(
        """SELECT a.team_id, count(*) FROM tech_awards a
           JOIN tech_states s ON s.challenge_id = a.challenge_id
           WHERE s.state IN ('awarded', 'tracking') GROUP BY a.team_id"""
    ).fetchall()
    return {str(t): int(n) for t, n in rows}
