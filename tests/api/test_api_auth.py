"""Accounts, login, tokens, cookie sessions with CSRF, throttling, roles and the audit log."""

from __future__ import annotations

import duckdb
import pytest
from api_helpers import COUNTY, PASSWORD

from xinzhi import auth
from xinzhi.errors import InputError


def test_accounts_hash_and_authenticate(tmp_path):
    con = duckdb.connect(str(tmp_path / "a.duckdb"))
    auth.ensure_auth_tables(con)
    auth.ensure_auth_tables(con)  # idempotent
    user = auth.add_user(con, "张三", "s3cret-pass", "analyst")
    stored = con.execute("SELECT password_hash FROM auth_users").fetchall()[0][0]
    assert stored.startswith("$argon2id$") and "s3cret-pass" not in stored
    assert auth.authenticate(con, "张三", "s3cret-pass") == user
    assert auth.authenticate(con, "张三", "wrong-pass") is None
    assert auth.authenticate(con, "nobody", "s3cret-pass") is None
    with pytest.raises(InputError, match="已存在"):
        auth.add_user(con, "张三", "another-pass", "admin")
    with pytest.raises(InputError, match="未知的角色"):
        auth.add_user(con, "李四", "another-pass", "root")
    with pytest.raises(InputError, match="必须指定所属县区"):
        auth.add_user(con, "李四", "another-pass", "county")
    with pytest.raises(InputError, match="太短"):
        auth.add_user(con, "李四", "short", "admin")
    auth.reset_password(con, "张三", "new-password")
    assert auth.authenticate(con, "张三", "new-password") is not None
    auth.disable_user(con, "张三")
    assert auth.authenticate(con, "张三", "new-password") is None


def test_signed_values():
    key = b"k" * 32
    s = auth.sign("abc", key)
    assert auth.unsign(s, key) == "abc"
    assert auth.unsign(s[:-1] + ("0" if s[-1] != "0" else "1"), key) is None
    assert auth.unsign("abc", key) is None


def test_token_login_and_me(api):
    r = api.client.get("/api/auth/me", headers=api.h("county1"))
    assert r.status_code == 200
    assert r.json()["role"] == "county" and r.json()["county_code"] == COUNTY
    bad = api.client.get("/api/auth/me", headers={"Authorization": "Bearer nonsense"})
    assert bad.status_code == 401
    assert bad.json()["error"]["code"] == "invalid_token"


def test_unauthenticated_is_401_everywhere(api):
    for url in [
        "/api/regions",
        "/api/indicators",
        "/api/observations",
        "/api/imports",
        "/api/evaluations",
        "/api/evaluations/demo",
        "/api/admin/audit",
        "/api/industry/io",
    ]:
        r = api.client.get(url)
        assert r.status_code == 401, url
        assert r.json()["error"] == {
            "code": "unauthenticated",
            "message": "未登录或登录已过期（请先登录）",
        }
    assert api.client.get("/api/health").json()["status"] == "ok"


def test_cookie_session_needs_csrf(evaluated_warehouse, tmp_path):
    from api_helpers import make_api

    gen = make_api(evaluated_warehouse, tmp_path)
    a = next(gen)
    c = a.client
    r = c.post("/api/auth/login", json={"username": "admin1", "password": PASSWORD})
    assert r.status_code == 200
    csrf = r.json()["csrf_token"]
    cookie = r.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie.replace("Lax", "lax")
    assert c.get("/api/auth/me").json()["username"] == "admin1"  # GET: no token needed
    body = {"username": "new1", "password": "password-1", "role": "analyst"}
    assert c.post("/api/admin/users", json=body).status_code == 403  # no CSRF header
    r = c.post("/api/admin/users", json=body, headers={"X-CSRF-Token": "wrong"})
    assert r.status_code == 403 and r.json()["error"]["code"] == "csrf_failed"
    r = c.post("/api/admin/users", json=body, headers={"X-CSRF-Token": csrf})
    assert r.status_code == 201 and r.json()["role_label"] == "分析员"
    # a tampered cookie is not a session
    c.cookies.set("xinzhi_session", c.cookies.get("xinzhi_session") + "x")
    assert c.get("/api/auth/me").status_code == 401
    gen.close()


def test_login_throttled_after_five_failures(api):
    for _ in range(5):
        r = api.client.post("/api/auth/token", json={"username": "analyst1", "password": "bad"})
        assert r.status_code == 401
    r = api.client.post("/api/auth/token", json={"username": "analyst1", "password": PASSWORD})
    assert r.status_code == 429
    assert r.json()["error"] == {
        "code": "too_many_attempts",
        "message": "登录失败次数过多，请 15 分钟后再试（too many attempts）",
    }
    # another user from the same address is not affected
    ok = api.client.post("/api/auth/token", json={"username": "county2", "password": PASSWORD})
    assert ok.status_code == 200


def test_roles(api):
    body = {"system": "nqpf-county", "save_as": "x1"}
    assert (
        api.client.post("/api/evaluations", json=body, headers=api.h("county1")).status_code == 403
    )
    assert api.client.get("/api/admin/audit", headers=api.h("analyst1")).status_code == 403
    assert api.client.get("/api/admin/users", headers=api.h("county1")).status_code == 403
    users = api.client.get("/api/admin/users", headers=api.h("admin1")).json()
    assert {u["username"] for u in users} >= {"admin1", "analyst1", "county1", "county2"}
    assert all("password" not in str(u) for u in users)


def test_disable_user_ends_tokens(api):
    r = api.client.post(
        "/api/admin/users",
        json={"username": "temp1", "password": "password-1", "role": "analyst"},
        headers=api.h("admin1"),
    )
    assert r.status_code == 201
    tok = api.client.post("/api/auth/token", json={"username": "temp1", "password": "password-1"})
    h = {"Authorization": f"Bearer {tok.json()['access_token']}"}
    assert api.client.get("/api/auth/me", headers=h).status_code == 200
    assert (
        api.client.post("/api/admin/users/temp1/disable", headers=api.h("admin1")).status_code
        == 200
    )
    assert api.client.get("/api/auth/me", headers=h).status_code == 401


def test_audit_log_records_logins(api):
    api.client.post("/api/auth/token", json={"username": "county2", "password": "wrong"})
    r = api.client.get("/api/admin/audit?limit=1000", headers=api.h("admin1")).json()
    actions = {(i["action"], i["user_name"]) for i in r["items"]}
    assert ("login", "admin1") in actions
    assert ("login_failed", "county2") in actions
    assert r["total"] == len(r["items"])


def test_role_change_and_enable(api):
    admin = api.h("admin1")
    r = api.client.post(
        "/api/admin/users",
        json={"username": "temp2", "password": "password-2", "role": "analyst"},
        headers=admin,
    )
    assert r.status_code == 201
    # a county account needs its county: Chinese 400, nothing changed
    r = api.client.post("/api/admin/users/temp2/role", json={"role": "county"}, headers=admin)
    assert r.status_code == 400 and "县区用户必须指定所属县区" in r.json()["error"]["message"]
    county = api.client.get("/api/auth/me", headers=api.h("county1")).json()["county_code"]
    r = api.client.post(
        "/api/admin/users/temp2/role", json={"role": "county", "county": county}, headers=admin
    )
    assert r.status_code == 200
    assert (r.json()["role"], r.json()["county_code"]) == ("county", county)
    assert api.client.post("/api/admin/users/temp2/disable", headers=admin).json()["disabled"]
    r = api.client.post("/api/admin/users/temp2/enable", headers=admin)
    assert r.status_code == 200 and r.json()["disabled"] is False
    assert api.client.post("/api/admin/users/nobody/enable", headers=admin).status_code == 404
    assert (
        api.client.post(
            "/api/admin/users/temp2/role", json={"role": "admin"}, headers=api.h("analyst1")
        ).status_code
        == 403
    )
