"""Uploads of the talent base and technology demands (``POST /api/talent/imports``,
``POST /api/tech/imports``): the same checks as the statistics upload of
:mod:`xinzhi.api.routes_data` — safe file name, 20 MB cap, file type by suffix and content,
the account's daily upload quota (429) — then the file is written to a temporary folder and
handed to the pipeline's import under the server's write lock, and the import is audited
(``import`` with :func:`xinzhi.auth.audit.import_detail`)."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from fastapi import Request, UploadFile
from starlette.concurrency import run_in_threadpool

from xinzhi.api._util import audit
from xinzhi.api.errors import ApiError
from xinzhi.auth import Session
from xinzhi.auth.audit import import_detail
from xinzhi.pipelines.uploads import (
    NOT_TEXT,
    ImportReport,
    check_upload_quota,
    csv_is_text,
    safe_file_name,
)

__all__ = ["MAX_UPLOAD_BYTES", "check_type", "import_uploaded", "read_upload"]

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
"""The same cap as ``POST /api/imports``."""


async def read_upload(file: UploadFile) -> bytes:
    """The uploaded file's bytes, read in 1 MB chunks; 413 above :data:`MAX_UPLOAD_BYTES`."""
    data = bytearray()
    while chunk := await file.read(1024 * 1024):
        data += chunk
        if len(data) > MAX_UPLOAD_BYTES:
            raise ApiError(
                413, "file_too_large", f"上传文件过大：最多 {MAX_UPLOAD_BYTES // (1024 * 1024)} MB"
            )
    return bytes(data)


def check_type(
    name: str, data: bytes, suffixes: tuple[str, ...], wrong_suffix: str | None = None
) -> None:
    """415 unless ``name`` has one of ``suffixes`` and ``data`` looks like it (``.xlsx``: a zip;
    text: UTF-8 or GB18030), 400 when empty; ``wrong_suffix`` is the message of a suffix not
    allowed (default: the list of ``suffixes``)."""
    suffix = Path(name).suffix.lower()
    if suffix not in suffixes:
        raise ApiError(
            415, "unsupported_type", wrong_suffix or f"只支持上传 {'、'.join(suffixes)} 文件"
        )
    if not data:
        raise ApiError(400, "empty_file", "上传的文件是空的")
    if suffix == ".xlsx" and not data.startswith(b"PK\x03\x04"):
        raise ApiError(415, "unsupported_type", "文件内容不是 .xlsx 工作簿")
    if suffix in (".csv", ".txt", ".md") and not csv_is_text(data):
        raise ApiError(415, "unsupported_type", NOT_TEXT)


async def import_uploaded(
    request: Request,
    db: Any,
    session: Session,
    file: UploadFile,
    suffixes: tuple[str, ...],
    run: Callable[[Path, Any], ImportReport],
) -> ImportReport:
    """Check, count against the quota, import (``run(path, cursor)`` under the write lock) and
    audit one uploaded file."""
    name = safe_file_name(file.filename)
    data = await read_upload(file)
    check_type(name, data, suffixes)
    user = session.user

    def work() -> ImportReport:
        with db.write_lock:
            cur = db.cursor()
            try:
                check_upload_quota(cur, user, len(data), db.limits.upload_quota_mb)
            finally:
                cur.close()
        with tempfile.TemporaryDirectory(prefix="xinzhi-upload-") as tmp:
            path = Path(tmp) / name
            path.write_bytes(data)
            with db.write_lock:
                cur = db.cursor()
                try:
                    return run(path, cur)
                finally:
                    cur.close()

    report = await run_in_threadpool(work)
    audit(db, request, session, "import", name, import_detail(report, "api"))
    return report
