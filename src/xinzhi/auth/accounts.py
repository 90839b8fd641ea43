"""Accounts and roles.

Roles
-----
``admin``    管理员：everything, including accounts and the audit log.
``analyst``  分析员：all counties' data; imports, evaluations, exports.
``county``   县区用户：public aggregate data (the census batches) and the evaluation scores of all
             counties; record-level observations and uploads of its own county only.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

import duckdb

from xinzhi.auth.passwords import hash_password, verify_password
from xinzhi.errors import InputError
from xinzhi.regions.registry import registry_from_table
from xinzhi.store.auth_tables import ensure_auth_tables
from xinzhi.store.read import read_regions

__all__ = [
    "ROLES",
    "User",
    "add_user",
    "authenticate",
    "disable_user",
    "enable_user",
    "get_user",
    "list_users",
    "reset_password",
    "resolve_county",
    "set_role",
]

ROLES: dict[str, str] = {"admin": "管理员", "analyst": "分析员", "county": "县区用户"}
"""Role code → Chinese label."""

_NAME = re.compile(r"^[A-Za-z0-9_.\-\u4e00-\u9fff]{2,64}$")
# a dummy argon2 verification keeps the time of a login for an unknown user similar
_DUMMY_HASH = "$argon2id$v=19$m=65536,t=3,p=4$R2SCTzNrHPHjBzXoh+dOVw$BYwVzXLGcfvEmHUP2LwfjKEOvKGYL89cWvQtGxLq48k"


@dataclass(frozen=True)
class User:
    """An account as the server sees it (never the password hash)."""

    user_id: int
    username: str
    role: str
    county_code: str | None
    disabled: bool
    created_at: datetime | None = None

    @property
    def role_label(self) -> str:
        return ROLES.get(self.role, self.role)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["role_label"] = self.role_label
        d["created_at"] = str(self.created_at) if self.created_at else None
        return d


_COLS = "user_id, username, role, county_code, disabled, created_at"


def _user(row: tuple[Any, ...]) -> User:
    return User(int(row[0]), str(row[1]), str(row[2]), row[3], bool(row[4]), row[5])


def resolve_county(con: duckdb.DuckDBPyConnection, code_or_name: str) -> str:
    """6-digit code of a county-level unit given by code (in the ``regions`` table) or name."""
    text = code_or_name.strip()
    if re.fullmatch(r"\d{6}", text):
        if con.execute("SELECT 1 FROM regions WHERE code = ? LIMIT 1", [text]).fetchall():
            return text
    registry = registry_from_table(read_regions(con))
    return str(registry.resolve(text, level="county").code)


def add_user(
    con: duckdb.DuckDBPyConnection,
    username: str,
    password: str,
    role: str,
    county: str | None = None,
) -> User:
    """Create an account; a ``county`` user needs ``county`` (code or name)."""
    ensure_auth_tables(con)
    if not _NAME.fullmatch(username):
        raise InputError("用户名只能包含 2–64 个字母、数字、汉字、下划线、点或连字符")
    code = _role_county(con, role, county)
    if con.execute("SELECT 1 FROM auth_users WHERE username = ?", [username]).fetchall():
        raise InputError(f"用户 {username} 已存在")
    pw = hash_password(password)
    con.execute(
        "INSERT INTO auth_users (username, password_hash, role, county_code) VALUES (?, ?, ?, ?)",
        [username, pw, role, code],
    )
    user = get_user(con, username)
    assert user is not None
    return user


def get_user(con: duckdb.DuckDBPyConnection, username: str) -> User | None:
    """The account named ``username`` or None."""
    ensure_auth_tables(con)
    rows = con.execute(f"SELECT {_COLS} FROM auth_users WHERE username = ?", [username]).fetchall()
    return _user(rows[0]) if rows else None


def list_users(con: duckdb.DuckDBPyConnection) -> list[User]:
    """All accounts, by name."""
    ensure_auth_tables(con)
    return [
        _user(r)
        for r in con.execute(f"SELECT {_COLS} FROM auth_users ORDER BY username").fetchall()
    ]


def _require(con: duckdb.DuckDBPyConnection, username: str) -> User:
    user = get_user(con, username)
    if user is None:
        raise InputError(f"用户 {username} 不存在")
    return user


def disable_user(con: duckdb.DuckDBPyConnection, username: str) -> User:
    """Disable an account and end all its sessions and tokens."""
    user = _require(con, username)
    con.execute(
        "UPDATE auth_users SET disabled = TRUE, updated_at = current_timestamp WHERE user_id = ?",
        [user.user_id],
    )
    con.execute("DELETE FROM auth_sessions WHERE user_id = ?", [user.user_id])
    return _require(con, username)


def enable_user(con: duckdb.DuckDBPyConnection, username: str) -> User:
    """Enable a disabled account (it logs in again with its password)."""
    user = _require(con, username)
    con.execute(
        "UPDATE auth_users SET disabled = FALSE, updated_at = current_timestamp WHERE user_id = ?",
        [user.user_id],
    )
    return _require(con, username)


def _role_county(con: duckdb.DuckDBPyConnection, role: str, county: str | None) -> str | None:
    """The stored county of an account of ``role`` (checked: a county account needs one, the
    other roles none)."""
    if role not in ROLES:
        raise InputError(
            f"未知的角色 {role!r}：可选 admin（管理员）、analyst（分析员）、county（县区用户）"
        )
    if role == "county":
        if not county:
            raise InputError("县区用户必须指定所属县区（--county 代码或名称）")
        return resolve_county(con, county)
    if county:
        raise InputError("只有县区用户（county）可以指定所属县区")
    return None


def set_role(
    con: duckdb.DuckDBPyConnection, username: str, role: str, county: str | None = None
) -> User:
    """Change an account's role and county (checked as for a new account); its sessions and
    tokens end, so the new rights apply at the next login."""
    user = _require(con, username)
    code = _role_county(con, role, county)
    con.execute(
        "UPDATE auth_users SET role = ?, county_code = ?, updated_at = current_timestamp"
        " WHERE user_id = ?",
        [role, code, user.user_id],
    )
    con.execute("DELETE FROM auth_sessions WHERE user_id = ?", [user.user_id])
    return _require(con, username)


def reset_password(con: duckdb.DuckDBPyConnection, username: str, password: str) -> User:
    """Set a new password (and end the account's sessions and tokens)."""
    user = _require(con, username)
    con.execute(
        "UPDATE auth_users SET password_hash = ?, updated_at = current_timestamp WHERE user_id = ?",
        [hash_password(password), user.user_id],
    )
    con.execute("DELETE FROM auth_sessions WHERE user_id = ?", [user.user_id])
    return user


def authenticate(con: duckdb.DuckDBPyConnection, username: str, password: str) -> User | None:
    """The enabled account matching the credentials, or None."""
    ensure_auth_tables(con)
    rows = con.execute(
        f"SELECT {_COLS}, password_hash FROM auth_users WHERE username = ?", [username]
    ).fetchall()
    if not rows:
        verify_password(_DUMMY_HASH, password)
        return None
    row = rows[0]
    if not verify_password(str(row[6]), password) or bool(row[4]):
        return None
    return _user(row[:6])
