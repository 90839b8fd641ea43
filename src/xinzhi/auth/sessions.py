"""Server-side sessions (cookie, for pages) and bearer tokens (for the API).

Both are random secrets (``secrets.token_urlsafe(32)``) of which only the sha256 is stored, with
an expiry. A cookie session also holds a CSRF token that state-changing requests authenticated by
the cookie must echo in the ``X-CSRF-Token`` header.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import duckdb

from xinzhi.auth.accounts import User

__all__ = [
    "BEARER_TTL",
    "COOKIE_TTL",
    "Session",
    "create_session",
    "lookup_session",
    "revoke_session",
    "token_hash",
]

COOKIE_TTL = timedelta(hours=12)
BEARER_TTL = timedelta(hours=8)


@dataclass(frozen=True)
class Session:
    """A live session or token and its user."""

    user: User
    kind: str
    csrf_token: str | None
    expires_at: datetime


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def token_hash(raw: str) -> str:
    """sha256 hex digest of a raw token (what the table stores)."""
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def create_session(
    con: duckdb.DuckDBPyConnection, user: User, kind: str, ttl: timedelta | None = None
) -> tuple[str, Session]:
    """New session (``kind="cookie"``) or bearer token (``"bearer"``): (raw secret, session)."""
    raw = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(32) if kind == "cookie" else None
    now = _now()
    expires = now + (ttl or (COOKIE_TTL if kind == "cookie" else BEARER_TTL))
    con.execute("DELETE FROM auth_sessions WHERE expires_at < ?", [now])
    con.execute(
        "INSERT INTO auth_sessions VALUES (?, ?, ?, ?, ?, ?)",
        [token_hash(raw), user.user_id, kind, csrf, now, expires],
    )
    return raw, Session(user, kind, csrf, expires)


def lookup_session(con: duckdb.DuckDBPyConnection, raw: str, kind: str) -> Session | None:
    """The live session of this kind for the raw secret, with an enabled user; else None."""
    rows = con.execute(
        """SELECT u.user_id, u.username, u.role, u.county_code, u.disabled, u.created_at,
                  s.csrf_token, s.expires_at
           FROM auth_sessions s JOIN auth_users u USING (user_id)
           WHERE s.token_hash = ? AND s.kind = ? AND s.expires_at > ? AND NOT u.disabled""",
        [token_hash(raw), kind, _now()],
    ).fetchall()
    if not rows:
        return None
    r = rows[0]
    user = User(int(r[0]), str(r[1]), str(r[2]), r[3], bool(r[4]), r[5])
    return Session(user, kind, r[6], r[7])


def revoke_session(con: duckdb.DuckDBPyConnection, raw: str) -> None:
    """End a session or token."""
    con.execute("DELETE FROM auth_sessions WHERE token_hash = ?", [token_hash(raw)])
