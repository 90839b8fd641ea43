"""Accounts, roles, password hashing, sessions and bearer tokens, login throttling, the audit log
and the access policy (:mod:`xinzhi.auth.policy`: who sees and downloads what) of the xinzhi
server (their tables are defined in :mod:`xinzhi.store.auth_tables`)."""

from xinzhi.auth.accounts import (
    ROLES,
    User,
    add_user,
    authenticate,
    disable_user,
    enable_user,
    get_user,
    list_users,
    reset_password,
    resolve_county,
    set_role,
)
from xinzhi.auth.audit import read_audit, write_audit, write_export
from xinzhi.auth.keys import secret_key, sign, unsign
from xinzhi.auth.passwords import generate_password, hash_password, verify_password
from xinzhi.auth.policy import AccessDenied, Action, Kind
from xinzhi.auth.sessions import Session, create_session, lookup_session, revoke_session
from xinzhi.auth.throttle import (
    clear_failures,
    is_throttled,
    record_failure,
    seconds_to_wait,
    unlock,
)
from xinzhi.store.auth_tables import ensure_auth_tables

__all__ = [
    "ROLES",
    "AccessDenied",
    "Action",
    "Kind",
    "Session",
    "User",
    "add_user",
    "authenticate",
    "clear_failures",
    "create_session",
    "disable_user",
    "enable_user",
    "ensure_auth_tables",
    "generate_password",
    "get_user",
    "hash_password",
    "is_throttled",
    "list_users",
    "lookup_session",
    "read_audit",
    "record_failure",
    "reset_password",
    "resolve_county",
    "revoke_session",
    "seconds_to_wait",
    "secret_key",
    "set_role",
    "sign",
    "unlock",
    "unsign",
    "verify_password",
    "write_audit",
    "write_export",
]
