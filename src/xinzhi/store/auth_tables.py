"""DuckDB tables of the server's accounts, sessions, login throttling and audit log.

Created idempotently by :func:`ensure_auth_tables` in the same warehouse file (they are not part
of the analytical schema in :mod:`xinzhi.store.schema`); used by :mod:`xinzhi.auth`.

``auth_users``          user_id, username (unique), password_hash (argon2id), role, county_code,
                        disabled, created_at, updated_at
``auth_sessions``       token_hash (sha256 of the random secret), user_id, kind (cookie|bearer),
                        csrf_token, created_at, expires_at
``auth_login_failures`` username, ip, attempted_at — failed logins, for throttling
``auth_audit``          audit_id, logged_at, user_name, action, target, detail (JSON), ip
``auth_batch_owners``   batch_id, user_name, county_code — which account uploaded which batch
``auth_upload_usage``   user_name, uploaded_at, bytes — uploads received, for the daily quota
``auth_login_slowdown`` username, failures, last_failed_at — failed logins per account (any
                        address), for the per-account back-off
"""

from __future__ import annotations

import duckdb

__all__ = ["ensure_auth_tables"]

_DDL = [
    "CREATE SEQUENCE IF NOT EXISTS auth_users_seq START 1",
    """CREATE TABLE IF NOT EXISTS auth_users (
        user_id INTEGER PRIMARY KEY DEFAULT nextval('auth_users_seq'),
        username VARCHAR NOT NULL UNIQUE, password_hash VARCHAR NOT NULL,
        role VARCHAR NOT NULL, county_code VARCHAR, disabled BOOLEAN NOT NULL DEFAULT FALSE,
        created_at TIMESTAMP NOT NULL DEFAULT current_timestamp,
        updated_at TIMESTAMP NOT NULL DEFAULT current_timestamp)""",
    """CREATE TABLE IF NOT EXISTS auth_sessions (
        token_hash VARCHAR PRIMARY KEY, user_id INTEGER NOT NULL, kind VARCHAR NOT NULL,
        csrf_token VARCHAR, created_at TIMESTAMP NOT NULL, expires_at TIMESTAMP NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS auth_login_failures (
        username VARCHAR NOT NULL, ip VARCHAR NOT NULL, attempted_at TIMESTAMP NOT NULL)""",
    "CREATE SEQUENCE IF NOT EXISTS auth_audit_seq START 1",
    """CREATE TABLE IF NOT EXISTS auth_audit (
        audit_id BIGINT PRIMARY KEY DEFAULT nextval('auth_audit_seq'),
        logged_at TIMESTAMP NOT NULL, user_name VARCHAR, action VARCHAR NOT NULL, target VARCHAR,
        detail JSON, ip VARCHAR)""",
    """CREATE TABLE IF NOT EXISTS auth_batch_owners (
        batch_id INTEGER NOT NULL, user_name VARCHAR NOT NULL, county_code VARCHAR)""",
    """CREATE TABLE IF NOT EXISTS auth_upload_usage (
        user_name VARCHAR NOT NULL, uploaded_at TIMESTAMP NOT NULL, bytes BIGINT NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS auth_login_slowdown (
        username VARCHAR PRIMARY KEY, failures INTEGER NOT NULL,
        last_failed_at TIMESTAMP NOT NULL)""",
]


def ensure_auth_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Create the account, session, throttling, audit, batch-owner and upload-usage tables if
    missing."""
    con.execute("BEGIN TRANSACTION")
    try:
        for stmt in _DDL:
            con.execute(stmt)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
