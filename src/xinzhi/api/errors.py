"""One JSON error shape for the whole API: ``{"error": {"code": ..., "message": "<中文>"}}``.

Status codes: 400 bad input (:class:`InputError`), 401 not logged in, 403 forbidden
(:class:`~xinzhi.auth.policy.AccessDenied` from the access policy, or CSRF), 404 not found
(unknown region, batch or route), 409 conflict (ambiguous or split region, integrity, an upload
named after a public batch), 413 upload too large, 415 wrong file type, 422 invalid parameters / options /
degenerate data (:class:`ConfigError`, :class:`ComputationError`), 429 too many failed logins,
503 public data not available on this server.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from xinzhi.api.models import ErrorResponse
from xinzhi.auth.policy import AccessDenied, PublicSourceError
from xinzhi.errors import (
    AmbiguousRegionError,
    ComputationError,
    ConfigError,
    DataUnavailableError,
    InputError,
    IntegrityError,
    NotFoundError,
    RegionError,
    RegionSplitError,
    XinzhiError,
)
from xinzhi.pipelines.uploads import BatchNotFoundError, QuotaExceededError

__all__ = ["ERROR_RESPONSES", "ApiError", "install_error_handlers", "status_of"]

log = logging.getLogger("xinzhi.api")


class ApiError(Exception):
    """An error response with a status, a machine code and a Chinese message."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        headers: dict[str, str] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers
        self.extra = extra


_STATUS: list[tuple[type[XinzhiError], int, str]] = [
    (AccessDenied, 403, "forbidden"),
    (PublicSourceError, 409, "public_source"),
    (BatchNotFoundError, 404, "batch_not_found"),
    (QuotaExceededError, 429, "upload_quota"),
    (AmbiguousRegionError, 409, "ambiguous_region"),
    (RegionSplitError, 409, "split_region"),
    (RegionError, 404, "region_not_found"),
    (DataUnavailableError, 503, "data_unavailable"),
    (IntegrityError, 409, "integrity_error"),
    (ConfigError, 422, "invalid_option"),
    (ComputationError, 422, "computation_error"),
    (NotFoundError, 404, "not_found"),
    (InputError, 400, "invalid_input"),
]


def status_of(exc: XinzhiError) -> tuple[int, str]:
    """HTTP status and error code of a :class:`XinzhiError`."""
    for cls, status, code in _STATUS:
        if isinstance(exc, cls):
            return status, code
    return 400, "error"


def _body(code: str, message: str, **extra: Any) -> dict[str, Any]:
    err: dict[str, Any] = {"code": code, "message": message}
    err.update({k: v for k, v in extra.items() if v is not None})
    return {"error": err}


_HTTP_MESSAGES = {
    401: ("unauthenticated", "未登录或登录已过期（请先登录）"),
    403: ("forbidden", "没有权限"),
    404: ("not_found", "找不到请求的资源"),
    405: ("method_not_allowed", "不支持该请求方法"),
}


def install_error_handlers(app: FastAPI) -> None:
    """Register the handlers that turn every error into the JSON error shape."""

    @app.exception_handler(ApiError)
    async def _api(_: Request, exc: ApiError) -> JSONResponse:
        headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else None
        if exc.headers:
            headers = {**(headers or {}), **exc.headers}
        return JSONResponse(
            _body(exc.code, exc.message, **exc.extra), status_code=exc.status, headers=headers
        )

    @app.exception_handler(XinzhiError)
    async def _xinzhi(_: Request, exc: XinzhiError) -> JSONResponse:
        status, code = status_of(exc)
        extra: dict[str, Any] = {}
        if isinstance(exc, AmbiguousRegionError):
            extra["candidates"] = [str(c) for c in exc.candidates]
        if isinstance(exc, RegionSplitError):
            extra["candidates"] = [str(c) for c in exc.successors]
        return JSONResponse(_body(code, str(exc), **extra), status_code=status)

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        parts = []
        for e in exc.errors()[:5]:
            loc = ".".join(str(x) for x in e.get("loc", ()) if x not in ("body", "query", "path"))
            parts.append(f"{loc or '请求'}：{e.get('msg', '')}")
        return JSONResponse(
            _body("validation_error", "请求参数无效（validation error）：" + "；".join(parts)),
            status_code=422,
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        code, message = _HTTP_MESSAGES.get(exc.status_code, ("http_error", "请求无法处理"))
        return JSONResponse(_body(code, message), status_code=exc.status_code)

    @app.exception_handler(Exception)
    async def _internal(_: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error", exc_info=exc)
        return JSONResponse(_body("internal_error", "服务器内部错误"), status_code=500)


def _responses() -> dict[int | str, dict[str, Any]]:

    text = {
        400: "输入无效",
        401: "未登录",
        403: "没有权限",
        404: "未找到",
        409: "冲突（地区有歧义等）",
        413: "上传文件过大",
        415: "文件类型不支持",
        422: "参数无效",
        429: "登录失败次数过多",
        503: "公共数据不可用",
    }
    return {k: {"model": ErrorResponse, "description": v} for k, v in text.items()}


ERROR_RESPONSES = _responses()
"""Documented error responses of every route (for OpenAPI and schemathesis)."""
