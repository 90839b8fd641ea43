"""Account administration from the command line (``xinzhi users add | list | disable |
reset-password``): each task opens the warehouse, makes sure the account tables exist, does the
change with :mod:`xinzhi.auth` and writes the audit entry (``actor``: who ran the command)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

import duckdb

from xinzhi import auth, store
from xinzhi.errors import NotFoundError

__all__ = [
    "add_account",
    "disable_account",
    "list_accounts",
    "reset_account_password",
    "unlock_account",
]


@contextmanager
def _accounts(db: str | os.PathLike[str] | None) -> Iterator[duckdb.DuckDBPyConnection]:
    con = store.connect(db)
    try:
        auth.ensure_auth_tables(con)
        yield con
    finally:
        con.close()


def add_account(
    username: str,
    password: str,
    role: str,
    county: str | None = None,
    *,
    actor: str,
    db: str | os.PathLike[str] | None = None,
) -> auth.User:
    """Create an account (a ``county`` account needs its county, code or name); audited as
    ``user_add``."""
    with _accounts(db) as con:
        user = auth.add_user(con, username, password, role, county)
        auth.write_audit(
            con,
            "user_add",
            user=actor,
            target=username,
            detail={"role": role, "county": user.county_code},
        )
    return user


def list_accounts(*, db: str | os.PathLike[str] | None = None) -> list[auth.User]:
    """Every account, by name."""
    with _accounts(db) as con:
        return auth.list_users(con)


def disable_account(
    username: str, *, actor: str, db: str | os.PathLike[str] | None = None
) -> auth.User:
    """Disable an account and end its sessions and tokens; audited as ``user_disable``."""
    with _accounts(db) as con:
        user = auth.disable_user(con, username)
        auth.write_audit(con, "user_disable", user=actor, target=username)
    return user


def reset_account_password(
    username: str, password: str, *, actor: str, db: str | os.PathLike[str] | None = None
) -> auth.User:
    """Set a new password and end the account's sessions and tokens; audited as
    ``user_reset_password``."""
    with _accounts(db) as con:
        user = auth.reset_password(con, username, password)
        auth.write_audit(con, "user_reset_password", user=actor, target=username)
    return user


def unlock_account(username: str, *, actor: str, db: str | os.PathLike[str] | None = None) -> int:
    """Forget the account's failed logins and back-off (:func:`xinzhi.auth.throttle.unlock`);
    audited as ``user_unlock``; return the failures forgotten.

    Raises
    ------
    NotFoundError
        No such account.
    """
    with _accounts(db) as con:
        if auth.get_user(con, username) is None:
            raise NotFoundError(f"用户 {username} 不存在")
        n = auth.unlock(con, username)
        auth.write_audit(con, "user_unlock", user=actor, target=username, detail={"failures": n})
    return n
