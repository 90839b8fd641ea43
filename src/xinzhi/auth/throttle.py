"""Login throttling, two limits:

1. **Per user name and address**: at most :data:`MAX_FAILURES` failed logins per user name and
   IP address in :data:`WINDOW`; further attempts from that address are refused (HTTP 429)
   until the window has passed.
2. **Per account, from any address** (a guesser rotating addresses): after
   :data:`ACCOUNT_FREE_FAILURES` failures the account is *slowed*, not locked: each further
   attempt must wait ``2 ** (n - ACCOUNT_FREE_FAILURES)`` seconds after the last failure (``n``
   failures so far), at most :data:`MAX_DELAY`. A stranger can therefore slow a real user down
   but never lock them out for good; the counter is forgotten :data:`ACCOUNT_MEMORY` after the
   last failure, cleared by a successful login, and an administrator clears it at once
   (:func:`unlock`: ``xinzhi users unlock``, ``POST /api/admin/users/{name}/unlock``).

The address is the one the server decides is the client's (trusted proxies only,
:func:`xinzhi.api.deps.client_ip`).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import duckdb

__all__ = [
    "ACCOUNT_FREE_FAILURES",
    "ACCOUNT_MEMORY",
    "MAX_DELAY",
    "MAX_FAILURES",
    "WINDOW",
    "account_delay",
    "clear_failures",
    "is_throttled",
    "record_failure",
    "seconds_to_wait",
    "unlock",
]

MAX_FAILURES = 5
WINDOW = timedelta(minutes=15)
ACCOUNT_FREE_FAILURES = 10
MAX_DELAY = timedelta(minutes=15)
ACCOUNT_MEMORY = timedelta(hours=1)


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def account_delay(failures: int) -> timedelta:
    """Wait after the last failure once an account has ``failures`` failures:
    none up to :data:`ACCOUNT_FREE_FAILURES`, then ``2 ** (failures - 10)`` s, at most
    :data:`MAX_DELAY`.

    >>> [account_delay(n).total_seconds() for n in (9, 10, 11, 12, 30)]
    [0.0, 1.0, 2.0, 4.0, 900.0]
    """
    if failures < ACCOUNT_FREE_FAILURES:
        return timedelta(0)
    exponent = min(failures - ACCOUNT_FREE_FAILURES, 20)
    return min(timedelta(seconds=2**exponent), MAX_DELAY)


def seconds_to_wait(con: duckdb.DuckDBPyConnection, username: str, ip: str) -> int:
    """Seconds before ``username`` may try again from ``ip`` (0: now).

    The larger of the two limits: the window of the (user name, address) pair when it has
    :data:`MAX_FAILURES` failures, and the account's back-off."""
    now = _now()
    wait = timedelta(0)
    rows = con.execute(
        """SELECT count(*), min(attempted_at) FROM auth_login_failures
           WHERE username = ? AND ip = ? AND attempted_at > ?""",
        [username, ip, now - WINDOW],
    ).fetchall()
    n, first = rows[0]
    if int(n) >= MAX_FAILURES and first is not None:
        wait = max(wait, first + WINDOW - now)
    acc = con.execute(
        "SELECT failures, last_failed_at FROM auth_login_slowdown WHERE username = ?",
        [username],
    ).fetchall()
    if acc:
        failures, last = acc[0]
        if now - last < ACCOUNT_MEMORY:
            wait = max(wait, last + account_delay(int(failures)) - now)
    seconds = wait.total_seconds()
    return int(seconds) + (seconds > int(seconds)) if seconds > 0 else 0


def is_throttled(con: duckdb.DuckDBPyConnection, username: str, ip: str) -> bool:
    """True when ``username`` may not try now from ``ip`` (:func:`seconds_to_wait` > 0)."""
    return seconds_to_wait(con, username, ip) > 0


def record_failure(con: duckdb.DuckDBPyConnection, username: str, ip: str) -> None:
    """Remember one failed login for the pair and the account (and forget old failures)."""
    now = _now()
    con.execute("DELETE FROM auth_login_failures WHERE attempted_at < ?", [now - WINDOW])
    con.execute("INSERT INTO auth_login_failures VALUES (?, ?, ?)", [username, ip, now])
    con.execute("DELETE FROM auth_login_slowdown WHERE last_failed_at < ?", [now - ACCOUNT_MEMORY])
    con.execute(
        """INSERT INTO auth_login_slowdown VALUES (?, 1, ?)
           ON CONFLICT (username) DO UPDATE
           SET failures = auth_login_slowdown.failures + 1, last_failed_at = excluded.last_failed_at""",
        [username, now],
    )


def clear_failures(con: duckdb.DuckDBPyConnection, username: str, ip: str) -> None:
    """Forget the failures of ``username`` from ``ip`` and the account's back-off after a
    successful login."""
    con.execute("DELETE FROM auth_login_failures WHERE username = ? AND ip = ?", [username, ip])
    con.execute("DELETE FROM auth_login_slowdown WHERE username = ?", [username])


def unlock(con: duckdb.DuckDBPyConnection, username: str) -> int:
    """Forget every failed login of ``username`` (all addresses) and its back-off; return the
    number of failures forgotten (an administrator's unlock)."""
    rows = con.execute(
        "SELECT failures FROM auth_login_slowdown WHERE username = ?", [username]
    ).fetchall()
    (pairs,) = con.execute(
        "SELECT count(*) FROM auth_login_failures WHERE username = ?", [username]
    ).fetchall()[0]
    con.execute("DELETE FROM auth_login_failures WHERE username = ?", [username])
    con.execute("DELETE FROM auth_login_slowdown WHERE username = ?", [username])
    return max(int(rows[0][0]) if rows else 0, int(pairs))
