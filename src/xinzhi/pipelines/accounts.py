"""Account administration (``xinzhi users add | list | disable | reset-password`` and the web's
管理 page): each task opens the warehouse (or uses the caller's connection ``con``, as the web
server does), makes sure the account tables exist, does the change with :mod:`xinzhi.auth` and
writes the audit entry (``actor``: who made the change; ``ip``: from where, on the web)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import duckdb

from xinzhi import auth, store
from xinzhi.errors import InputError, NotFoundError

__all__ = [
    "add_account",
    "change_account_role",
    "disable_account",
    "enable_account",
    "list_accounts",
    "reset_account_password",
    "unlock_account",
]


@contextmanager
def _accounts(
    db: str | os.PathLike[str] | None, con: duckdb.DuckDBPyConnection | None = None
) -> Iterator[duckdb.DuckDBPyConnection]:
    if con is not None:
        auth.ensure_auth_tables(con)
        yield con
        return
    own = store.connect(db)
    try:
        auth.ensure_auth_tables(own)
        yield own
    finally:
        own.close()


def _audited(
    db: str | os.PathLike[str] | None,
    con: duckdb.DuckDBPyConnection | None,
    action: str,
    username: str,
    actor: str,
    ip: str | None,
    change: Callable[[duckdb.DuckDBPyConnection, str], auth.User],
) -> auth.User:
    """``change(con, username)`` and its audit entry ``action`` (by ``actor``) in the
    warehouse of :func:`_accounts`; returns the changed account."""
    with _accounts(db, con) as c:
        user = change(c, username)
        auth.write_audit(c, action, user=actor, target=username, ip=ip)
    return user


def add_account(
    username: str,
    password: str,
    role: str,
    county: str | None = None,
    *,
    actor: str,
    db: str | os.PathLike[str] | None = None,
    con: duckdb.DuckDBPyConnection | None = None,
    ip: str | None = None,
) -> auth.User:
    """Create an account (a ``county`` account needs its county, code or name); audited as
    ``user_add``."""
    with _accounts(db, con) as c:
        user = auth.add_user(c, username, password, role, county)
        auth.write_audit(
            c,
            "user_add",
            user=actor,
            target=username,
            detail={"role": role, "county": user.county_code},
            ip=ip,
        )
    return user


def list_accounts(
    *, db: str | os.PathLike[str] | None = None, con: duckdb.DuckDBPyConnection | None = None
) -> list[auth.User]:
    """Every account, by name."""
    with _accounts(db, con) as c:
        return auth.list_users(c)


def disable_account(
    username: str,
    *,
    actor: str,
    db: str | os.PathLike[str] | None = None,
    con: duckdb.DuckDBPyConnection | None = None,
    ip: str | None = None,
) -> auth.User:
    """Disable an account and end its sessions and tokens; audited as ``user_disable``."""
    if username == actor:
        raise InputError("不能停用自己正在使用的账户")
    return _audited(db, con, "user_disable", username, actor, ip, auth.disable_user)


def enable_account(
    username: str,
    *,
    actor: str,
    db: str | os.PathLike[str] | None = None,
    con: duckdb.DuckDBPyConnection | None = None,
    ip: str | None = None,
) -> auth.User:
    """Enable a disabled account; audited as ``user_enable``."""
    return _audited(db, con, "user_enable", username, actor, ip, auth.enable_user)


def change_account_role(
    username: str,
    role: str,
    county: str | None = None,
    *,
    actor: str,
    db: str | os.PathLike[str] | None = None,
    con: duckdb.DuckDBPyConnection | None = None,
    ip: str | None = None,
) -> auth.User:
    """Change an account's role and county (its sessions end); audited as ``user_role`` with
    the old and new role and county."""
    if username == actor:
        raise InputError("不能修改自己正在使用的账户的角色")
    with _accounts(db, con) as c:
        before = auth.get_user(c, username)
        user = auth.set_role(c, username, role, county)
        auth.write_audit(
            c,
            "user_role",
            user=actor,
            target=username,
            detail={
                "from": [before.role if before else None, before.county_code if before else None],
                "to": [user.role, user.county_code],
            },
            ip=ip,
        )
    return user


def reset_account_password(
    username: str,
    password: str,
    *,
    actor: str,
    db: str | os.PathLike[str] | None = None,
    con: duckdb.DuckDBPyConnection | None = None,
    ip: str | None = None,
) -> auth.User:
    """Set a new password and end the account's sessions and tokens; audited as
    ``user_reset_password``."""
    return _audited(
        db,
        con,
        "user_reset_password",
        username,
        actor,
        ip,
        lambda c, name: auth.reset_password(c, name, password),
    )


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
