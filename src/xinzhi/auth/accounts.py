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
import pandas as pd

from xinzhi.auth.passwords import hash_password, verify_password
from xinzhi.errors import AmbiguousRegionError, InputError, RegionError, RegionSplitError
from xinzhi.regions.registry import RegionRegistry, registry_from_table
from xinzhi.store.auth_tables import ensure_auth_tables
from xinzhi.store.read import read_regions

__all__ = [
    "COUNTY_KINDS",
    "ROLES",
    "User",
    "add_user",
    "authenticate",
    "county_level_code",
    "disable_user",
    "enable_user",
    "get_user",
    "list_users",
    "not_county_error",
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


COUNTY_KINDS = "县、县级市、市辖区、自治县、旗、自治旗、林区、特区或不设区的地级市"
"""What a county-level unit is, in the words of the error messages."""

_LEVEL_ZH = {"province": "省级", "prefecture": "地级", "county": "县级"}


def not_county_error(given: str, code: str, name: str, level: str) -> InputError:
    """The error for a province or prefecture given where a county-level unit is expected.

    >>> str(not_county_error("430300", "430300", "湘潭市", "prefecture"))[:36]
    '430300 不是县级单位：430300 湘潭市是地级区划；请写县级单位'
    """
    lv = _LEVEL_ZH.get(level, level)
    return InputError(
        f"{given} 不是县级单位：{code} {name}是{lv}区划；请写县级单位（{COUNTY_KINDS}）"
        "的名称或 6 位区划代码"
    )


def county_level_code(table: pd.DataFrame, code: str, given: str | None = None) -> str:
    """``code`` when it is a county-level unit of the region table ``table``; else an error.

    County-level means a record of level ``county`` (县、县级市、市辖区、自治县、旗、自治旗、
    林区、特区, any year of the registry) or a prefecture-level city without counties (不设区的
    地级市 东莞 441900, 中山 442000, 儋州 460400, 嘉峪关 620200: no county-level code shares
    its first four digits; the import counts them as counties too, :mod:`xinzhi.ingest.clean`).
    Codes of the registry GB/T 2260 (国家标准《中华人民共和国行政区划代码》, the table of
    :mod:`xinzhi.regions`).

    Parameters
    ----------
    table : DataFrame
        Region records with columns ``code``, ``name``, ``level`` and ``end_year`` (the
        warehouse's ``regions`` table or :attr:`xinzhi.regions.RegionRegistry.table`).
    code : str
        The 6-digit code to check.
    given : str, optional
        What the user wrote (named in the error; default ``code``).

    Raises
    ------
    InputError
        A province or prefecture (:func:`not_county_error`).
    RegionError
        A code the table does not hold.

    Examples
    --------
    >>> t = pd.DataFrame({"code": ["430000", "430300", "430321", "441900"],
    ...                   "name": ["湖南省", "湘潭市", "湘潭县", "东莞市"],
    ...                   "level": ["province", "prefecture", "county", "prefecture"],
    ...                   "end_year": [None, None, None, None]})
    >>> county_level_code(t, "430321"), county_level_code(t, "441900")
    ('430321', '441900')
    """
    given = code if given is None else given
    codes = table["code"].astype(str)
    own = table[codes == code]
    if own.empty:
        raise RegionError(
            f"区划表中没有代码 {given}：请写县级单位（{COUNTY_KINDS}）的名称或 6 位区划代码"
        )
    levels = set(own["level"].astype(str))
    if "county" in levels:
        return code
    children = (codes.str[:4] == code[:4]) & (table["level"].astype(str) == "county")
    if levels == {"prefecture"} and not code.endswith("0000") and not children.any():
        return code  # 不设区的地级市
    current = own.sort_values("end_year", na_position="first").iloc[0]  # a record in use first
    raise not_county_error(given, code, str(current["name"]), str(current["level"]))


def resolve_county(
    con: duckdb.DuckDBPyConnection,
    code_or_name: str,
    year: int | None = None,
    *,
    registry: RegionRegistry | None = None,
) -> str:
    """6-digit code of a county-level unit given by code or name (the ``regions`` table).

    A 6-digit code must be a county-level unit of the table (:func:`county_level_code`; a
    province or prefecture code is an :class:`InputError`, an unknown code a
    :class:`RegionError`). A name is resolved by the registry of the table at ``year`` (default
    its latest year) at county level; a name that denotes a province or prefecture is an
    :class:`InputError` too (:func:`not_county_error`). This is the one county check of
    accounts, 我的数据 and the pipelines (:func:`xinzhi.pipelines.industry.resolve_county`).

    Parameters
    ----------
    con : DuckDBPyConnection
        The warehouse (its ``regions`` table; the public mirror's registry when it is empty).
    code_or_name : str
        What the user wrote: ``"430321"``, ``"湘潭县"``, ``"湖南省湘潭市湘潭县"``.
    year : int, optional
        Year the name is valid in.
    registry : RegionRegistry, optional
        The registry of ``con``'s table when the caller has it already (it takes ~2 s to build).
    """
    text = str(code_or_name).strip()
    if re.fullmatch(r"\d{6}", text):
        if registry is not None:
            return county_level_code(registry.table, text)
        # the code's records and those sharing its first four digits (its counties) suffice
        same = con.execute(
            "SELECT code, name, level, end_year FROM regions WHERE substr(code, 1, 4) = ?",
            [text[:4]],
        ).df()
        if same.empty and not con.execute("SELECT 1 FROM regions LIMIT 1").fetchall():
            same = registry_from_table(same.iloc[:0]).table  # nothing imported: the mirror's
        return county_level_code(same, text)
    reg = registry if registry is not None else registry_from_table(read_regions(con))
    try:
        return str(reg.resolve(text, year, level="county").code)
    except (AmbiguousRegionError, RegionSplitError):
        raise
    except RegionError as exc:
        try:
            other = reg.resolve(text, year)
        except RegionError:
            raise exc from None
        if other.level != "county":
            raise not_county_error(text, other.code, other.name, other.level) from exc
        raise


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
