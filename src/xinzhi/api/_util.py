"""Small helpers of the routers: JSON-safe records, paging arguments, audit shortcut."""

from __future__ import annotations

import math
from typing import Annotated, Any
from urllib.parse import quote

import numpy as np
import pandas as pd
from fastapi import Query, Request, Response
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from xinzhi.api.deps import Database, client_ip
from xinzhi.auth import Kind, Session, write_audit, write_export

__all__ = [
    "XLSX",
    "Limit",
    "Offset",
    "audit",
    "audit_export",
    "cached_json",
    "cached_json_async",
    "clean",
    "evaluation_stamp",
    "records",
    "xlsx_response",
]

Limit = Annotated[int, Query(ge=1, le=1000, description="每页条数")]
Offset = Annotated[int, Query(ge=0, le=10_000_000, description="跳过的条数")]

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
"""Media type of an Excel workbook."""


def file_route(summary: str, media_type: str, description: str) -> dict[str, Any]:
    """Keyword arguments of a route that answers with a file of ``media_type`` (OpenAPI
    summary and the 200 response's content and description)."""
    return {
        "response_class": Response,
        "summary": summary,
        "responses": {200: {"content": {media_type: {}}, "description": description}},
    }


def xlsx_response(body: bytes, file_name: str) -> Response:
    """An Excel workbook as a download named ``file_name`` (UTF-8, RFC 5987 ``filename*``)."""
    return Response(
        body,
        media_type=XLSX,
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(file_name)}"},
    )


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


def audit_export(
    db: Database,
    request: Request,
    session: Session,
    kind: Kind,
    *,
    fmt: str,
    evaluation: str | None = None,
    county: str | None = None,
    year: int | None = None,
    batch_id: int | None = None,
    rows: int | None = None,
    analysis: str | None = None,
) -> None:
    """Write the audit entry of one download (:func:`xinzhi.auth.write_export`, ``via="api"``;
    the web pages write the same entry with ``via="web"``) under the write lock."""
    with db.write_lock:
        cur = db.cursor()
        try:
            write_export(
                cur,
                kind,
                user=session.user.username,
                fmt=fmt,
                via="api",
                ip=client_ip(request),
                evaluation=evaluation,
                county=county,
                year=year,
                batch_id=batch_id,
                rows=rows,
                analysis=analysis,
            )
        finally:
            cur.close()


def evaluation_stamp(cur: Any, name: str) -> str | None:
    """Creation time of stored evaluation ``name`` (the version part of cache keys), or None.

    One indexed lookup (the tables exist: :class:`~xinzhi.api.deps.Database` creates them).
    """
    rows = cur.execute(
        "SELECT CAST(created_at AS VARCHAR) FROM evaluations WHERE name = ?", [name]
    ).fetchall()
    return str(rows[0][0]) if rows else None


def cached_json(db: Database, key: Any, make: Any) -> Response:
    """A JSON response whose body is serialised once per ``key`` (``make()`` returns the
    pydantic model of the route's ``response_model``; pydantic's serialiser writes the bytes).

    For results that are immutable per key (pages of a stored evaluation): a repeated request
    costs a dictionary lookup instead of building, validating and encoding the model again.
    """

    def body() -> bytes:
        model: BaseModel = make()
        return model.model_dump_json().encode("utf-8")

    return Response(db.cached(("json", *key), body), media_type="application/json")


async def cached_json_async(db: Database, key: Any, make: Any) -> Response:
    """:func:`cached_json` for ``async`` routes: a cached body is answered on the event loop
    (no worker thread); a miss builds it in a worker thread."""
    full = ("json", *key)
    body = db.peek(full)
    if body is None:

        def build() -> bytes:
            model: BaseModel = make()
            return model.model_dump_json().encode("utf-8")

        body = await run_in_threadpool(db.cached, full, build)
    return Response(body, media_type="application/json")
