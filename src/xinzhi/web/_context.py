"""Shared state of the web pages: which warehouse, who is logged in, the page frame.

Sessions are the server-side cookie sessions of :mod:`xinzhi.auth` (only the sha256 of the random
secret is stored); the signed cookie ``xinzhi_session`` (same format as the API's
``POST /api/auth/login``, so the API accepts it too) is set by ``POST /web/login`` and read by
every page on load. Pages never compute numbers: they call pipeline / store functions and draw.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
from fastapi import Request

from xinzhi import auth
from xinzhi.auth import network
from xinzhi.auth.policy import Action
from xinzhi.pipelines.warehouse import open_warehouse

__all__ = [
    "COOKIE_NAME",
    "CSRF_COOKIE",
    "LOGIN_COOKIE",
    "NAV",
    "WebConfig",
    "client_ip",
    "config",
    "connection",
    "current_session",
    "request_scheme",
    "same_origin",
    "write_lock",
]

COOKIE_NAME = "xinzhi_session"
CSRF_COOKIE = "xinzhi_csrf"
LOGIN_COOKIE = "xinzhi_login"
"""The login form's double-submit token (HttpOnly, SameSite=Strict; set with the login page)."""

#: (path, label, action the access policy must allow; None = every logged-in user)
NAV: list[tuple[str, str, Action | None]] = [
    ("/", "总览", None),
    ("/ranking", "排名", None),
    ("/profile", "县域画像", None),
    ("/compare", "对比", None),
    ("/disparity", "区域差异", None),
    ("/industry", "产业", None),
    ("/enterprise", "企业", None),
    ("/policy", "政策", None),
    ("/talent", "人才", None),
    ("/causal", "政策评估", None),
    ("/monitor", "监测预警", None),
    ("/tech", "揭榜挂帅", None),
    ("/data", "数据", None),
    ("/method", "方法", None),
    ("/admin", "管理", Action.ADMINISTER),
]


@dataclass
class WebConfig:
    """Where the pages read and write (set by :func:`xinzhi.web.mount`)."""

    db: Path | None = None
    data_dir: Path | None = None
    boundaries: Path | None = None
    #: the server's shared :class:`xinzhi.api.deps.Database` (one DuckDB instance per process)
    database: Any = None

    def db_path(self) -> Path:
        from xinzhi import config as xconfig

        return xconfig.db_path(self.db)


config = WebConfig()


@contextmanager
def connection(write: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    """A warehouse connection for one page action (closed afterwards).

    Inside the server this is a cursor on the API's shared database instance (writes hold its
    write lock); standalone, a connection of its own. A query cut short by the server's stop
    (:meth:`xinzhi.api.deps.Database.close` interrupts what still runs after its grace period)
    ends in :class:`xinzhi.api.deps.ServerClosing` (a Chinese notification on the page), not
    in a DuckDB traceback.
    """
    database = config.database
    if database is not None:
        lock = database.write_lock if write else nullcontext()
        with lock, database.lease() as cur:  # the server's stop waits for it
            yield cur
        return
    con = open_warehouse(config.db)
    try:
        yield con
    finally:
        con.close()


def write_lock() -> Any:
    """The server's write lock (:class:`xinzhi.api.deps.WriteLock`), or None standalone."""
    return config.database.write_lock if config.database is not None else None


def client_ip(request: Request) -> str:
    """Client address as the server sees it (audit log, login throttling):
    :func:`xinzhi.auth.network.client_ip`, the same rule as the REST API."""
    return network.client_ip(request)


def same_origin(request: Request) -> bool:
    """Whether a form POST comes from a page of this site: its ``Origin`` (or, without one, its
    ``Referer``) has this server's scheme, host and port, and ``Sec-Fetch-Site`` (when the
    browser sends it) is not ``cross-site`` / ``same-site``. A request with none of these
    headers (not a browser) passes; the form token is checked besides."""
    site = request.headers.get("sec-fetch-site")
    if site is not None and site not in ("same-origin", "none"):
        return False
    origin = request.headers.get("origin") or request.headers.get("referer")
    if not origin:
        return True
    if origin == "null":
        return False
    own = f"{request_scheme(request)}://{request.headers.get('host', '')}"
    return origin == own or origin.startswith(own + "/")


def request_scheme(request: Request) -> str:
    """``https`` / ``http`` as the client used it (:func:`xinzhi.auth.network.request_scheme`)."""
    return network.request_scheme(request)


def current_session(request: Request) -> auth.Session | None:
    """The live cookie session of the request, or None."""
    cookie = request.cookies.get(COOKIE_NAME)
    raw = auth.unsign(cookie, auth.secret_key()) if cookie else None
    if not raw:
        return None
    with connection() as con:
        auth.ensure_auth_tables(con)
        return auth.lookup_session(con, raw, "cookie")


def data_dir_str() -> str | None:
    d = config.data_dir or os.environ.get("XINZHI_DATA_DIR")
    return str(d) if d else None


def geo_sources() -> tuple[str | None, str | None]:
    """(boundary file, public-data mirror) the county map is built from."""
    return (
        str(config.boundaries) if config.boundaries else None,
        str(config.data_dir) if config.data_dir else os.environ.get("XINZHI_DATA_DIR"),
    )
