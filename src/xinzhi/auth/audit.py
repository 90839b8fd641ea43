"""The audit log: who did what, when, from where."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import duckdb
import pandas as pd

__all__ = ["read_audit", "write_audit"]


def write_audit(
    con: duckdb.DuckDBPyConnection,
    action: str,
    *,
    user: str | None,
    target: str | None = None,
    detail: dict[str, Any] | None = None,
    ip: str | None = None,
) -> None:
    """Append one entry (``action`` e.g. ``login``, ``login_failed``, ``import``, ``evaluate``,
    ``export``, ``user_add``)."""
    con.execute(
        "INSERT INTO auth_audit (logged_at, user_name, action, target, detail, ip) VALUES (?, ?, ?, ?, ?, ?)",
        [
            datetime.now(UTC).replace(tzinfo=None),
            user,
            action,
            target,
            json.dumps(detail or {}, ensure_ascii=False, default=str),
            ip,
        ],
    )


def read_audit(
    con: duckdb.DuckDBPyConnection,
    *,
    action: str | None = None,
    user: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> tuple[int, pd.DataFrame]:
    """(total matching, page of entries newest first)."""
    where = "WHERE (? IS NULL OR action = ?) AND (? IS NULL OR user_name = ?)"
    params: list[Any] = [action, action, user, user]
    (total,) = con.execute(f"SELECT count(*) FROM auth_audit {where}", params).fetchall()[0]
    page = con.execute(
        f"""SELECT audit_id, logged_at AS "at", user_name, action, target, CAST(detail AS VARCHAR) AS detail, ip
            FROM auth_audit {where} ORDER BY audit_id DESC LIMIT ? OFFSET ?""",
        [*params, limit, offset],
    ).df()
    return int(total), page
