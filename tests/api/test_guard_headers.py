"""Issue #18 item 11 (the API's part): CSP on every kind of response, HSTS only over TLS, and
``/api/docs`` with no CDN. The pages' policy, the login form's CSRF checks and logout by POST
are tested against the real server in tests/web/test_web_browser.py (NiceGUI serves its pages
from one app per process)."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from fixtures.guard_api import analyst_api
from xinzhi.api.security import (
    API_CSP,
    DOCS_CSP,
    HSTS,
    PAGE_CSP,
    SWAGGER_CSP,
    content_security_policy,
)


def test_headers_by_kind_of_response(tmp_path: Path, data_dir: Path) -> None:
    with analyst_api(tmp_path / "w.duckdb") as (client, _h):
        assert client.get("/api/health").headers["content-security-policy"] == API_CSP
        assert content_security_policy("/login") == PAGE_CSP  # pages: see the browser tests
        docs = client.get("/api/docs")
        assert docs.headers["content-security-policy"] == SWAGGER_CSP
        assert "strict-transport-security" not in docs.headers  # plain HTTP
        assert client.get("/api/docs/list").headers["content-security-policy"] == DOCS_CSP


def test_hsts_over_tls_only(
    tmp_path: Path, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with analyst_api(tmp_path / "w.duckdb") as (client, _h):
        secure = TestClient(client.app, base_url="https://testserver")
        assert secure.get("/api/health").headers["strict-transport-security"] == HSTS
        # X-Forwarded-Proto is not believed from an untrusted peer
        r = client.get("/api/health", headers={"X-Forwarded-Proto": "https"})
        assert "strict-transport-security" not in r.headers
    monkeypatch.setenv("XINZHI_TRUSTED_PROXIES", "testclient")
    with analyst_api(tmp_path / "w2.duckdb") as (client, _h):
        r = client.get("/api/health", headers={"X-Forwarded-Proto": "https"})
        assert r.headers["strict-transport-security"] == HSTS


def test_swagger_ui_is_served_from_the_package(tmp_path: Path, data_dir: Path) -> None:
    """``/api/docs``: Swagger UI from the bundled files, started by a script file (the policy
    allows scripts from the server only: no inline, no CDN)."""
    with analyst_api(tmp_path / "w.duckdb") as (client, _h):
        page = client.get("/api/docs")
        assert page.status_code == 200
        assert "cdn" not in page.text.lower() and "<script>" not in page.text
        assert '<script src="/api/docs/assets/swagger-ui-bundle.js"></script>' in page.text
        assert "script-src 'self';" in SWAGGER_CSP and "unsafe-eval" not in SWAGGER_CSP
        js = client.get("/api/docs/assets/swagger-ui-bundle.js")
        assert js.status_code == 200 and "SwaggerUIBundle" in js.text
        assert client.get("/api/docs/assets/swagger-ui.css").status_code == 200
        init = client.get("/api/docs/init.js")
        assert 'url: "/api/openapi.json"' in init.text


def test_api_docs_are_served_without_cdn(tmp_path: Path, data_dir: Path) -> None:
    with analyst_api(tmp_path / "w.duckdb") as (client, _h):
        page = client.get("/api/docs/list")
        assert page.status_code == 200
        assert "<script" not in page.text and "cdn" not in page.text.lower()
        assert '<a href="/api/openapi.json">' in page.text
        assert "<code>/api/imports/{batch_id}/quarantine</code>" in page.text
        assert "上传并导入 xlsx/csv" in page.text
