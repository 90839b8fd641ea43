"""Login (cookie session), logout, bearer tokens, the current user, and the admin routes
(accounts, audit log)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Query, Request, Response

from xinzhi import auth
from xinzhi.api import models as m
from xinzhi.api._util import Limit, Offset, audit, records
from xinzhi.api.deps import (
    COOKIE_NAME,
    CSRF_COOKIE,
    Admin,
    AnyUser,
    Cursor,
    Database,
    Db,
    client_ip,
    request_scheme,
)
from xinzhi.api.errors import ApiError
from xinzhi.auth.sessions import COOKIE_TTL
from xinzhi.pipelines import accounts as change_accounts

T = TypeVar("T")

router = APIRouter(tags=["登录与账户"])


def _duration(seconds: int) -> str:
    """``"15 分钟"`` from 60 s on (rounded up), else ``"8 秒"``."""
    return f"{-(-seconds // 60)} 分钟" if seconds >= 60 else f"{seconds} 秒"


def _check_login(db: Database, request: Request, body: m.LoginRequest) -> auth.User:
    ip = client_ip(request)
    with db.writing() as cur:
        wait = auth.seconds_to_wait(cur, body.username, ip)
        if wait:
            auth.write_audit(
                cur, "login_throttled", user=body.username, target=body.username, ip=ip
            )
            raise ApiError(
                429,
                "too_many_attempts",
                f"登录失败次数过多，请 {_duration(wait)}后再试（too many attempts）",
                headers={"Retry-After": str(wait)},
            )
        user = auth.authenticate(cur, body.username, body.password)
        if user is None:
            auth.record_failure(cur, body.username, ip)
            auth.write_audit(cur, "login_failed", user=body.username, target=body.username, ip=ip)
            raise ApiError(401, "invalid_credentials", "用户名或密码错误，或账户已停用")
        auth.clear_failures(cur, body.username, ip)
        return user


def _user_out(user: auth.User) -> m.UserOut:
    return m.UserOut(**user.to_dict())


def _on_account(db: Database, username: str, change: Callable[[Any], T]) -> T:
    """``change(cursor)`` under the write lock, 404 ``user_not_found`` when ``username`` is not
    an account."""
    with db.writing() as cur:
        if auth.get_user(cur, username) is None:
            raise ApiError(404, "user_not_found", "用户不存在")
        return change(cur)


@router.post("/auth/login", response_model=m.LoginResponse, summary="登录（网页会话 Cookie）")
def login(body: m.LoginRequest, request: Request, response: Response, db: Db) -> m.LoginResponse:
    """Check the credentials and start a cookie session. The response carries the CSRF token
    that state-changing requests of this session must send in ``X-CSRF-Token``."""
    user = _check_login(db, request, body)
    with db.writing() as cur:
        raw, session = auth.create_session(cur, user, "cookie")
        auth.write_audit(
            cur, "login", user=user.username, detail={"kind": "cookie"}, ip=client_ip(request)
        )
    secure = request_scheme(request) == "https"
    response.set_cookie(
        COOKIE_NAME,
        auth.sign(raw, db.secret),
        httponly=True,
        samesite="lax",
        secure=secure,
        max_age=int(COOKIE_TTL.total_seconds()),
        path="/",
    )
    assert session.csrf_token is not None
    response.set_cookie(CSRF_COOKIE, session.csrf_token, samesite="lax", secure=secure, path="/")
    return m.LoginResponse(
        user=_user_out(user), csrf_token=session.csrf_token, expires_at=str(session.expires_at)
    )


@router.post("/auth/logout", response_model=m.Message, summary="退出登录")
def logout(request: Request, response: Response, db: Db, session: AnyUser) -> m.Message:
    cookie = request.cookies.get(COOKIE_NAME)
    raw = auth.unsign(cookie, db.secret) if cookie else None
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        raw = header[7:].strip()
    if raw:
        with db.writing() as cur:
            auth.revoke_session(cur, raw)
    response.delete_cookie(COOKIE_NAME, path="/")
    response.delete_cookie(CSRF_COOKIE, path="/")
    audit(db, request, session, "logout")
    return m.Message(message="已退出登录")


@router.post("/auth/token", response_model=m.TokenResponse, summary="获取 API 令牌（Bearer）")
def token(body: m.LoginRequest, request: Request, db: Db) -> m.TokenResponse:
    """Exchange user name and password for a bearer token (valid 8 hours; stored hashed)."""
    user = _check_login(db, request, body)
    with db.writing() as cur:
        raw, session = auth.create_session(cur, user, "bearer")
        auth.write_audit(
            cur, "login", user=user.username, detail={"kind": "bearer"}, ip=client_ip(request)
        )
    return m.TokenResponse(access_token=raw, expires_at=str(session.expires_at))


@router.get("/auth/me", response_model=m.UserOut, summary="当前用户")
def me(session: AnyUser) -> m.UserOut:
    return _user_out(session.user)


@router.get("/admin/users", response_model=list[m.UserOut], summary="账户列表（管理员）")
def users(cur: Cursor, _: Admin) -> list[m.UserOut]:
    return [_user_out(u) for u in auth.list_users(cur)]


@router.post(
    "/admin/users", response_model=m.UserOut, status_code=201, summary="新建账户（管理员）"
)
def add_user(body: m.UserCreate, request: Request, db: Db, session: Admin) -> m.UserOut:
    with db.writing() as cur:
        user = auth.add_user(cur, body.username, body.password, body.role, body.county)
    audit(
        db,
        request,
        session,
        "user_add",
        user.username,
        {"role": user.role, "county": user.county_code},
    )
    return _user_out(user)


@router.post(
    "/admin/users/{username}/disable", response_model=m.UserOut, summary="停用账户（管理员）"
)
def disable(username: str, request: Request, db: Db, session: Admin) -> m.UserOut:
    user = _on_account(db, username, lambda c: auth.disable_user(c, username))
    audit(db, request, session, "user_disable", username)
    return _user_out(user)


@router.post(
    "/admin/users/{username}/enable", response_model=m.UserOut, summary="启用账户（管理员）"
)
def enable(username: str, request: Request, db: Db, session: Admin) -> m.UserOut:
    user = _on_account(
        db,
        username,
        lambda c: change_accounts.enable_account(
            username, actor=session.user.username, con=c, ip=client_ip(request)
        ),
    )
    return _user_out(user)


@router.post(
    "/admin/users/{username}/role", response_model=m.UserOut, summary="修改角色与所属县区（管理员）"
)
def role(username: str, body: m.UserRole, request: Request, db: Db, session: Admin) -> m.UserOut:
    """New role and county (a county account needs its county); the account's sessions end."""
    user = _on_account(
        db,
        username,
        lambda c: change_accounts.change_account_role(
            username,
            body.role,
            body.county,
            actor=session.user.username,
            con=c,
            ip=client_ip(request),
        ),
    )
    return _user_out(user)


@router.post(
    "/admin/users/{username}/unlock",
    response_model=m.Message,
    summary="解除登录限流（管理员）",
)
def unlock(username: str, request: Request, db: Db, session: Admin) -> m.Message:
    """Forget the account's failed logins (every address) and its back-off, at once."""
    n = _on_account(db, username, lambda c: auth.unlock(c, username))
    audit(db, request, session, "user_unlock", username, {"failures": n})
    return m.Message(message=f"已解除 {username} 的登录限流（清除 {n} 次失败记录）")


@router.get("/admin/audit", response_model=m.AuditPage, summary="审计日志（管理员）")
def audit_log(
    cur: Cursor,
    _: Admin,
    limit: Limit = 100,
    offset: Offset = 0,
    action: Annotated[str | None, Query(max_length=64)] = None,
    user: Annotated[str | None, Query(max_length=64)] = None,
) -> m.AuditPage:
    total, page = auth.read_audit(cur, action=action, user=user, limit=limit, offset=offset)
    items = []
    for r in records(page):
        r["at"] = str(r["at"])
        r["detail"] = json.loads(r["detail"]) if r.get("detail") else {}
        items.append(m.AuditItem(**r))
    return m.AuditPage(total=total, limit=limit, offset=offset, items=items)
