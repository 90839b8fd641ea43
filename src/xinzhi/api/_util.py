"""Small helpers of the routers: JSON-safe records, paging arguments, audit shortcut."""

from __future__ import annotations

import math
from typing import Annotated, Any

import numpy as np
import pandas as pd
from fastapi import Query, Request

from xinzhi.api.deps import Database, client_ip
from xinzhi.auth import Session, write_audit

__all__ = ["Limit", "Offset", "audit", "clean", "records"]

Limit = Annotated[int, Query(ge=1, le=1000, description="每页条数")]
Offset = Annotated[int, Query(ge=0, le=10_000_000, description="跳过的条数")]


def clean(v: Any) -> Any:
    """A JSON-safe Python value: NaN/NA → None, numpy scalars → Python."""
    if v is None or v is pd.NA or v is pd.NaT:
        return None
    if isinstance(v, np.generic):
        v = v.item()
    if isinstance(v, float) and not math.isfinite(v):
        return None
    if isinstance(v, dict):
        return {str(k): clean(x) for k, x in v.items()}
    if isinstance(v, list | tuple | np.ndarray):
        return [clean(x) for x in v]
    if isinstance(v, pd.Timestamp):
        return str(v)
    return v


def records(df: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows of ``df`` as JSON-safe dicts."""
    return [{str(k): clean(v) for k, v in row.items()} for row in df.to_dict("records")]


def audit(
    db: Database,
    request: Request,
    session: Session | None,
    action: str,
    target: str | None = None,
    detail: dict[str, Any] | None = None,
    user: str | None = None,
) -> None:
    """Write one audit entry under the write lock (own cursor)."""
    with db.write_lock:
        cur = db.cursor()
        try:
            write_audit(
                cur,
                action,
                user=user if user is not None else (session.user.username if session else None),
                target=target,
                detail=clean(detail or {}),
                ip=client_ip(request),
            )
        finally:
            cur.close()
