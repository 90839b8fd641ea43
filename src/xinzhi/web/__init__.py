"""The web pages (NiceGUI, zh-CN) mounted into the server's FastAPI app.

:func:`mount` adds the pages, the login/logout routes, the county boundaries (``/web/geo``) and
our static JS module (``/web/static``) to ``app``. The pages call the same pipeline and store
functions as the REST API (:mod:`xinzhi.pipelines`, :mod:`xinzhi.store`) and compute nothing
themselves. See ``docs/web.md``.
"""

from __future__ import annotations

import hmac
import html
import importlib
import logging
import os
import secrets
import threading
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.datastructures import MutableHeaders

__all__ = ["STATIC_DIR", "mount"]

STATIC_DIR = Path(__file__).parent / "static"
_state: dict[str, Any] = {"pages": False, "app": None}


def _add_routes(app: FastAPI) -> None:
    from xinzhi import auth
    from xinzhi.auth.sessions import COOKIE_TTL
    from xinzhi.web._context import (
        COOKIE_NAME,
        CSRF_COOKIE,
        LOGIN_COOKIE,
        client_ip,
        connection,
        geo_sources,
        request_scheme,
        same_origin,
    )
    from xinzhi.web.geo import GEO_ROUTE, VIEW_ROUTE, county_geojson_gzip, view_geojson_gzip

    app.add_middleware(LoginToken)

    @app.post("/web/login", include_in_schema=False)
    def web_login(
        request: Request,
        username: str = Form(""),
        password: str = Form(""),
        next: str = Form("/"),
        token: str = Form(""),
    ) -> Response:
        target = next if next.startswith("/") and not next.startswith("//") else "/"
        cookie = request.cookies.get(LOGIN_COOKIE, "")
        if not same_origin(request) or not (
            cookie and token and hmac.compare_digest(cookie, token)
        ):
            return _refused("登录请求无效：不是从本站登录页提交的（跨站请求），或登录页已过期。")
        ip = client_ip(request)
        with connection(write=True) as con:
            auth.ensure_auth_tables(con)
            if auth.is_throttled(con, username, ip):
                auth.write_audit(
                    con,
                    "login_throttled",
                    user=username,
                    target=username,
                    ip=ip,
                    detail={"via": "web"},
                )
                return RedirectResponse("/login?error=throttled", status_code=303)
            user = auth.authenticate(con, username, password)
            if user is None:
                auth.record_failure(con, username, ip)
                auth.write_audit(con, "login_failed", user=username, ip=ip, detail={"via": "web"})
                return RedirectResponse("/login?error=1", status_code=303)
            auth.clear_failures(con, username, ip)
            raw, session = auth.create_session(con, user, "cookie")
            auth.write_audit(con, "login", user=user.username, ip=ip, detail={"via": "web"})
        secure = request_scheme(request) == "https"
        resp = RedirectResponse(target, status_code=303)
        # same cookies as the API's POST /api/auth/login (signed session id + CSRF token)
        resp.set_cookie(
            CSRF_COOKIE, session.csrf_token or "", samesite="lax", secure=secure, path="/"
        )
        resp.set_cookie(
            COOKIE_NAME,
            auth.sign(raw, auth.secret_key()),
            httponly=True,
            samesite="lax",
            secure=secure,
            max_age=int(COOKIE_TTL.total_seconds()),
            path="/",
        )
        resp.delete_cookie(LOGIN_COOKIE, path="/")
        return resp

    @app.post("/web/logout", include_in_schema=False)
    def web_logout(request: Request, csrf: str = Form("")) -> Response:
        """Log out (POST only, with the session's CSRF token from the header's form)."""
        cookie = request.cookies.get(COOKIE_NAME)
        raw = auth.unsign(cookie, auth.secret_key()) if cookie else None
        if raw:
            with connection(write=True) as con:
                auth.ensure_auth_tables(con)
                s = auth.lookup_session(con, raw, "cookie")
                if s is not None and not (
                    same_origin(request)
                    and s.csrf_token
                    and hmac.compare_digest(csrf, s.csrf_token)
                ):
                    return _refused("退出请求无效：缺少或错误的 CSRF 令牌（跨站请求）。")
                auth.revoke_session(con, raw)
                if s is not None:
                    auth.write_audit(con, "logout", user=s.user.username, ip=client_ip(request))
        resp = RedirectResponse("/login", status_code=303)
        resp.delete_cookie(COOKIE_NAME, path="/")
        resp.delete_cookie(CSRF_COOKIE, path="/")
        return resp

    @app.get(GEO_ROUTE.replace("{year}", "{year:int}"), include_in_schema=False)
    def web_geo(year: int) -> Response:
        body = county_geojson_gzip(year, *geo_sources())
        return Response(
            body,
            media_type="application/geo+json",
            headers={"Content-Encoding": "gzip", "Cache-Control": "public, max-age=3600"},
        )

    @app.get(VIEW_ROUTE.replace("{year}", "{year:int}"), include_in_schema=False)
    def web_geo_view(year: int, view: str) -> Response:
        body = view_geojson_gzip(year, view, *geo_sources())
        if body is None:
            return Response(status_code=404)
        return Response(
            body,
            media_type="application/geo+json",
            headers={"Content-Encoding": "gzip", "Cache-Control": "public, max-age=3600"},
        )

    app.mount("/web/static", StaticFiles(directory=STATIC_DIR), name="xinzhi-web-static")


class LoginToken:
    """ASGI middleware of the login page's double-submit token: on ``GET /login`` a random
    value is kept in an HttpOnly, SameSite=Strict cookie (``xinzhi_login``) and handed to the
    page (``request.state.login_token``), which writes it into the form; ``POST /web/login``
    needs both to match."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["path"] != "/login" or scope["method"] != "GET":
            await self.app(scope, receive, send)
            return
        from xinzhi.web._context import LOGIN_COOKIE, request_scheme

        request = Request(scope)
        token = request.cookies.get(LOGIN_COOKIE, "")
        fresh = len(token) < 32
        if fresh:
            token = secrets.token_urlsafe(32)
        scope.setdefault("state", {})["login_token"] = token
        secure = "; Secure" if request_scheme(request) == "https" else ""

        async def send_with_cookie(message: Any) -> None:
            if fresh and message["type"] == "http.response.start":
                MutableHeaders(scope=message).append(
                    "set-cookie",
                    f"{LOGIN_COOKIE}={token}; HttpOnly; Path=/; SameSite=strict{secure}",
                )
            await send(message)

        await self.app(scope, receive, send_with_cookie)


def _refused(message: str) -> Response:
    """403 page for a refused login / logout form (cross-site or stale)."""
    body = (
        '<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>请求被拒绝</title>'
        f'<p>{html.escape(message)}</p><p><a href="/login">重新打开登录页</a></p></html>'
    )
    return HTMLResponse(body, status_code=403)


PRELOADED_MODULES = (
    "xinzhi.pipelines.audit",  # scipy.stats: the report's 指数稳健性 (画像, 排名)
    "xinzhi.pipelines.monitor",  # the report's 监测预警 (画像)
    "xinzhi.pipelines.typology",
    "geopandas",  # boundaries and spatial weights (总览, 区域差异, 产业)
    "libpysal.weights",
)
"""Modules the pages import on first use, imported by :func:`mount` before the server accepts
connections (about 1 s), so that the first visitor of 画像 or 区域差异 does not wait for them
while the start-up thread competes for the interpreter."""


def _warm_start() -> None:
    """At start-up, in the background: build the national view map of the default
    evaluation's latest year (总览, 区域差异) and the county types of that year (总览, 排名), read or
    build the county contiguity, then the report context of 画像
    (:func:`xinzhi.web.pages_profile.warm_context`, about 1 s), the default analyses of 区域差异
    (:func:`xinzhi.web.pages_disparity.warm_defaults`, several seconds) and the input–output
    linkages of 产业: the cheaper first, so that more pages are ready sooner.
    The first visitors find them cached; a page never waits for this thread."""
    from xinzhi.errors import XinzhiError
    from xinzhi.pipelines.spatial import warm_county_weights
    from xinzhi.web._context import data_dir_str, geo_sources
    from xinzhi.web._data import pick_evaluation, scores_of, types_of
    from xinzhi.web.geo import warm_national
    from xinzhi.web.pages_disparity import warm_defaults
    from xinzhi.web.pages_industry import warm_io
    from xinzhi.web.pages_profile import warm_context

    log = logging.getLogger(__name__)
    try:
        name = pick_evaluation(None)
    except Exception as exc:
        log.warning("预计算跳过：%s", exc)
        return
    if name is None:
        return
    for what, job in (
        (
            "县级地图预生成",
            lambda: warm_national(int(scores_of(name)["year"].max()), *geo_sources()),
        ),
        ("县域类型预计算", lambda: types_of(int(scores_of(name)["year"].max()))),
        ("县级邻接预计算", lambda: warm_county_weights(data_dir_str())),
        ("画像报告数据预计算", lambda: warm_context(name)),
        ("区域差异预计算", lambda: warm_defaults(name)),
        ("投入产出关联预计算", warm_io),
    ):
        try:
            job()
        except Exception as exc:  # best effort: the pages compute on demand
            level = logging.WARNING if isinstance(exc, XinzhiError) else logging.ERROR
            log.log(level, "%s失败：%s", what, exc)


def mount(
    app: FastAPI,
    *,
    db: str | os.PathLike[str] | None = None,
    data_dir: str | os.PathLike[str] | None = None,
    boundaries: str | os.PathLike[str] | None = None,
) -> bool:
    """Mount the web pages into ``app`` (call after the API routers are added).

    Parameters
    ----------
    app : FastAPI
        The server app (:func:`xinzhi.server.create_app`); pages live at ``/`` and the API keeps
        ``/api``.
    db : path, optional
        Warehouse file (default: ``app.state.db`` if set, else :func:`xinzhi.config.db_path`).
    data_dir : path, optional
        Public-data mirror (region registry for map codes, GHSL for county types).
    boundaries : path, optional
        Standard map file (标准地图, GeoJSON / shapefile / GeoPackage with a code column) that
        replaces the illustrative built-in boundaries; default ``XINZHI_BOUNDARIES``.

    Returns
    -------
    bool
        False when the pages are already mounted into another app of this process (NiceGUI holds
        one global page registry and can serve one app per process); the API still works.
    """
    from nicegui import ui

    from xinzhi import auth
    from xinzhi.web import (
        pages_causal,
        pages_compare,
        pages_data,
        pages_disparity,
        pages_enterprise,
        pages_industry,
        pages_main,
        pages_method,
        pages_monitor,
        pages_more,
        pages_policy,
        pages_profile,
        pages_talent,
        pages_tech,
    )
    from xinzhi.web._context import config
    from xinzhi.web.geo import boundaries_from_env

    if _state["app"] is not None:
        return _state["app"] is app
    shared = getattr(app.state, "db", None)
    if shared is not None and hasattr(shared, "cursor") and hasattr(shared, "write_lock"):
        config.database = shared  # the API's one DuckDB instance (xinzhi.api.deps.Database)
        config.db = Path(shared.path)
    else:
        config.database = None
        config.db = Path(db) if db else None
    if db and config.database is None:
        config.db = Path(db)
    config.data_dir = Path(data_dir) if data_dir else None
    config.boundaries = Path(boundaries) if boundaries else boundaries_from_env()
    _add_routes(app)
    if not _state["pages"]:
        pages_main.register()
        pages_profile.register()
        pages_compare.register()
        pages_data.register()
        pages_more.register()
        pages_method.register()
        pages_disparity.register()
        pages_industry.register()
        pages_enterprise.register()
        pages_policy.register()
        pages_monitor.register()
        pages_causal.register()
        pages_talent.register()
        pages_tech.register()
        _state["pages"] = True
    ui.run_with(
        app,
        title="新质 县域新质生产力",
        language="zh-CN",
        storage_secret=auth.secret_key().decode("utf-8"),
        show_welcome_message=False,
        favicon=STATIC_DIR / "favicon.svg",
    )
    _state["app"] = app
    for module in PRELOADED_MODULES:
        importlib.import_module(module)
    threading.Thread(target=_warm_start, name="xinzhi-warm", daemon=True).start()
    return True
