"""Response headers of every page, file and API answer: Content-Security-Policy per kind of
response, HSTS over TLS, and the older hardening headers (one middleware,
:class:`SecurityHeaders`, installed by :func:`xinzhi.server.create_app`).

The web pages (NiceGUI 3) need, and get, no more than this:

- ``script-src 'self' 'unsafe-inline' 'unsafe-eval'``: NiceGUI writes its import map, its
  configuration and the page's start-up module as inline ``<script>`` elements whose text
  changes with every page (so neither hashes nor nonces fit), and Vue compiles the components'
  templates in the browser (``new Function``). Everything else — any script, style, font or
  image from another host, plug-ins, ``<base>``, posting forms elsewhere, framing — is refused.
- ``style-src 'self' 'unsafe-inline'``: Quasar and Tailwind set inline styles.
- ``img-src 'self' data: blob:``, ``font-src 'self' data:``, ``worker-src 'self' blob:``: the
  charts export images as data/blob URLs.
- ``connect-src 'self'``: the socket.io connection back to this server (same origin).

The HTML report has no script at all; the API's JSON, CSV and workbooks need nothing
(``default-src 'none'``); the API documentation page (:mod:`xinzhi.api.docs`) is plain HTML.
The policies are tested in the browser (no CSP violation in the console) by
``tests/web/test_web_browser.py``.
"""

from __future__ import annotations

from typing import Any

from fastapi import Request
from starlette.datastructures import MutableHeaders

from xinzhi.auth.network import request_scheme

__all__ = [
    "API_CSP",
    "DOCS_CSP",
    "HSTS",
    "PAGE_CSP",
    "REPORT_CSP",
    "SWAGGER_CSP",
    "SecurityHeaders",
    "content_security_policy",
]

PAGE_CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self' 'unsafe-inline' 'unsafe-eval'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "worker-src 'self' blob:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
"""Web pages (NiceGUI) and their static files."""

REPORT_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
"""The HTML county report: inline styles and embedded images only, no script."""

DOCS_CSP = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
"""The plain API documentation page ``/api/docs/list`` (HTML, links to the OpenAPI JSON)."""

SWAGGER_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
"""The interactive documentation ``/api/docs``: the bundled Swagger UI's files and the
OpenAPI JSON from this server only (no inline or remote script)."""

API_CSP = "default-src 'none'; frame-ancestors 'none'"
"""JSON, CSV, workbooks, GeoJSON: nothing to load."""

HSTS = "max-age=31536000"
"""Strict-Transport-Security, sent only on responses served over HTTPS (one year)."""


def content_security_policy(path: str) -> str:
    """The policy of the response to ``path``."""
    if path == "/api/docs":
        return SWAGGER_CSP
    if path == "/api/docs/list":
        return DOCS_CSP
    if path.startswith("/api/reports/") and path.endswith(".html"):
        return REPORT_CSP
    if path.startswith("/api/"):
        return API_CSP
    return PAGE_CSP


class SecurityHeaders:
    """ASGI middleware adding the headers to every HTTP response (a plain ASGI wrapper, not
    ``BaseHTTPMiddleware``: no extra task and stream per request)."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope["path"]

        async def send_with_headers(message: Any) -> None:
            if message["type"] == "http.response.start":
                h = MutableHeaders(scope=message)
                h.setdefault("Content-Security-Policy", content_security_policy(path))
                h.setdefault("X-Content-Type-Options", "nosniff")
                h.setdefault("X-Frame-Options", "DENY")
                h.setdefault("Referrer-Policy", "same-origin")
                if path.startswith("/api/") and not path.startswith("/api/docs"):
                    h.setdefault("Cache-Control", "no-store")
                if _https(scope):
                    h.setdefault("Strict-Transport-Security", HSTS)
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _https(scope: Any) -> bool:
    if scope.get("scheme") == "https":
        return True
    app = scope.get("app")
    db = getattr(getattr(app, "state", None), "db", None)
    proxies = db.limits.trusted_proxies if db is not None else None
    return request_scheme(Request(scope), proxies) == "https"
