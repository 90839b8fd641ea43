"""Login throttling: at most :data:`MAX_FAILURES` failed logins per user name and IP address in
:data:`WINDOW`; further attempts are refused (HTTP 429) until the window has passed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import duckdb

__all__ = ["MAX_FAILURES", "WINDOW", "clear_failures", "is_throttled", "record_failure"]

MAX_FAILURES = 5
WINDOW = timedelta(minutes=15)


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def is_throttled(con: duckdb.DuckDBPyConnection, username: str, ip: str) -> bool:
    """True when ``username`` from ``ip`` failed :data:`MAX_FAILURES` times within the window."""
    (n,) = con.execute(
        "SELECT count(*) FROM auth_login_failures WHERE username = ? AND ip = ? AND attempted_at > ?",
        [username, ip, _now() - WINDOW],
    ).fetchall()[0]
    return int(n) >= MAX_FAILURES


def record_failure(con: duckdb.DuckDBPyConnection, username: str, ip: str) -> None:
    """Remember one failed login (and forget failures older than the window)."""
    now = _now()
    con.execute("DELETE FROM auth_login_failures WHERE attempted_at < ?", [now - WINDOW])
    con.execute("INSERT INTO auth_login_failures VALUES (?, ?, ?)", [username, ip, now])


def clear_failures(con: duckdb.DuckDBPyConnection, username: str, ip: str) -> None:
    """Forget the failures of ``username`` from ``ip`` after a successful login."""
    con.execute("DELETE FROM auth_login_failures WHERE username = ? AND ip = ?", [username, ip])
