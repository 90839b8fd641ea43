"""Issue #18 item 10: login throttling that a rotating ``X-Forwarded-For`` cannot bypass.

``X-Forwarded-For`` is believed only from the proxies in ``XINZHI_TRUSTED_PROXIES`` (default
none); besides the limit per (user name, address), each account is slowed down after
:data:`~xinzhi.auth.throttle.ACCOUNT_FREE_FAILURES` failures from any address (waits 1, 2, 4 … s,
at most 15 minutes — never locked for good), and an administrator unlocks it (API and
``xinzhi users unlock``)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import duckdb
import httpx
import pytest
from starlette.datastructures import Headers
from typer.testing import CliRunner

from fixtures.guard_api import PASSWORD, analyst_api
from xinzhi import auth
from xinzhi.auth import throttle
from xinzhi.auth.network import client_ip, is_trusted
from xinzhi.cli import app as cli


def _login(client: object, password: str, xff: str | None = None) -> httpx.Response:
    headers = {"X-Forwarded-For": xff} if xff else {}
    return client.post(  # type: ignore[attr-defined, no-any-return]
        "/api/auth/token", json={"username": "analyst1", "password": password}, headers=headers
    )


def _audit_ips(client: object, h: dict[str, str], action: str) -> list[str]:
    cur = client.app.state.db.cursor()  # type: ignore[attr-defined]
    try:
        rows = cur.execute(
            "SELECT ip FROM auth_audit WHERE action = ? ORDER BY audit_id", [action]
        ).fetchall()
    finally:
        cur.close()
    return [r[0] for r in rows]


def test_rotating_forwarded_for_is_ignored_without_trusted_proxies(
    tmp_path: Path, data_dir: Path
) -> None:
    with analyst_api(tmp_path / "w.duckdb") as (client, h):
        for i in range(throttle.MAX_FAILURES):  # 5 failures, each "from" another address
            assert _login(client, "wrong", f"203.0.113.{i}").status_code == 401
        r = _login(client, "wrong", "203.0.113.99")
        assert r.status_code == 429, r.text
        assert r.json()["error"]["code"] == "too_many_attempts"
        assert r.json()["error"]["message"].startswith("登录失败次数过多，请 ")
        assert 0 < int(r.headers["Retry-After"]) <= 15 * 60
        # the audit log has the real peer (the test client), never a spoofed address
        assert set(_audit_ips(client, h, "login_failed")) == {"testclient"}
        assert _audit_ips(client, h, "login_throttled") == ["testclient"]


def test_per_account_back_off_behind_a_trusted_proxy(
    tmp_path: Path, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XINZHI_TRUSTED_PROXIES", "testclient")
    with analyst_api(tmp_path / "w.duckdb") as (client, h):
        # 10 failures from 10 real clients behind the proxy: each pair is under its limit
        for i in range(throttle.ACCOUNT_FREE_FAILURES):
            assert _login(client, "wrong", f"198.51.100.{i}").status_code == 401
        assert _audit_ips(client, h, "login_failed") == [
            f"198.51.100.{i}" for i in range(throttle.ACCOUNT_FREE_FAILURES)
        ]
        # the account is slowed: after 10 failures the next try waits 2 ** 0 = 1 s
        r = _login(client, "wrong", "198.51.100.200")
        assert r.status_code == 429, r.text
        assert r.headers["Retry-After"] == "1"
        # also with the right password (slowed, not checked) ...
        assert _login(client, PASSWORD, "198.51.100.201").status_code == 429
        # ... but not locked: after the wait the right password logs in and clears the count
        time.sleep(1.1)
        assert _login(client, PASSWORD, "198.51.100.201").status_code == 200
        assert _login(client, "wrong", "198.51.100.202").status_code == 401


def test_admin_unlock_through_the_api(tmp_path: Path, data_dir: Path) -> None:
    with analyst_api(tmp_path / "w.duckdb") as (client, h):
        cur = client.app.state.db.cursor()  # type: ignore[attr-defined]
        auth.add_user(cur, "admin1", PASSWORD, "admin")
        cur.close()
        ha = {
            "Authorization": "Bearer "
            + client.post(
                "/api/auth/token", json={"username": "admin1", "password": PASSWORD}
            ).json()["access_token"]
        }
        for _ in range(throttle.MAX_FAILURES):
            _login(client, "wrong")
        assert _login(client, PASSWORD).status_code == 429
        assert client.post("/api/admin/users/analyst1/unlock", headers=h).status_code == 403
        r = client.post("/api/admin/users/analyst1/unlock", headers=ha)
        assert r.status_code == 200, r.text
        assert r.json()["message"] == "已解除 analyst1 的登录限流（清除 5 次失败记录）"
        assert _login(client, PASSWORD).status_code == 200
        assert client.post("/api/admin/users/nobody/unlock", headers=ha).status_code == 404


def test_admin_unlock_on_the_command_line(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    con = duckdb.connect(str(db))
    try:
        auth.ensure_auth_tables(con)
        auth.add_user(con, "analyst1", PASSWORD, "analyst")
        for i in range(12):
            throttle.record_failure(con, "analyst1", f"192.0.2.{i}")
        assert throttle.is_throttled(con, "analyst1", "192.0.2.50")
    finally:
        con.close()
    res = CliRunner().invoke(cli, ["--db", str(db), "users", "unlock", "analyst1"])
    assert res.exit_code == 0, res.output
    assert "已解除 analyst1 的登录限流（清除 12 次失败记录）" in res.output
    con = duckdb.connect(str(db))
    try:
        assert not throttle.is_throttled(con, "analyst1", "192.0.2.50")
        assert (
            con.execute(
                "SELECT user_name, target FROM auth_audit WHERE action = 'user_unlock'"
            ).fetchall()[0][1]
            == "analyst1"
        )
    finally:
        con.close()
    res = CliRunner().invoke(cli, ["--db", str(db), "users", "unlock", "nobody"])
    assert res.exit_code == 2, res.output
    assert "用户 nobody 不存在" in res.output


@pytest.mark.parametrize(
    ("failures", "seconds"),
    # none below 10; 2 ** (n − 10) s from 10; capped at 900 s (2 ** 10 = 1024 > 900)
    [(0, 0), (9, 0), (10, 1), (11, 2), (13, 8), (19, 512), (20, 900), (1000, 900)],
)
def test_account_delay(failures: int, seconds: int) -> None:
    assert throttle.account_delay(failures) == timedelta(seconds=seconds)


def test_back_off_ends_when_the_wait_is_over(tmp_path: Path) -> None:
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    try:
        auth.ensure_auth_tables(con)
        now = throttle._now()
        # 13 failures → wait 2 ** 3 = 8 s after the last one
        con.execute(
            "INSERT INTO auth_login_slowdown VALUES ('u', 13, ?)", [now - timedelta(seconds=5)]
        )
        assert throttle.seconds_to_wait(con, "u", "192.0.2.1") == 3  # 8 − 5
        con.execute(
            "UPDATE auth_login_slowdown SET last_failed_at = ?", [now - timedelta(seconds=9)]
        )
        assert throttle.seconds_to_wait(con, "u", "192.0.2.1") == 0
        # the count is forgotten an hour after the last failure, whatever it was
        con.execute(
            "UPDATE auth_login_slowdown SET failures = 500, last_failed_at = ?",
            [now - throttle.ACCOUNT_MEMORY - timedelta(seconds=1)],
        )
        assert throttle.seconds_to_wait(con, "u", "192.0.2.1") == 0
    finally:
        con.close()


class _Req:
    def __init__(self, peer: str, xff: list[str]) -> None:
        self.client = type("C", (), {"host": peer})()
        self.headers = Headers(raw=[(b"x-forwarded-for", v.encode()) for v in xff])


@pytest.mark.parametrize(
    ("peer", "xff", "proxies", "expected"),
    [
        ("127.0.0.1", ["1.2.3.4"], [], "127.0.0.1"),  # no trusted proxy: the peer
        ("8.8.8.8", ["1.2.3.4"], ["127.0.0.1"], "8.8.8.8"),  # peer not a proxy
        ("127.0.0.1", ["1.2.3.4"], ["127.0.0.1"], "1.2.3.4"),
        # the client forged an entry; nginx appended the real address last
        ("127.0.0.1", ["6.6.6.6, 1.2.3.4"], ["127.0.0.1"], "1.2.3.4"),
        # two proxies in a row: skip the trusted ones from the right
        ("10.0.0.5", ["6.6.6.6, 1.2.3.4, 10.0.0.7"], ["10.0.0.0/8"], "1.2.3.4"),
        ("127.0.0.1", [], ["127.0.0.1"], "127.0.0.1"),
    ],
)
def test_client_ip(peer: str, xff: list[str], proxies: list[str], expected: str) -> None:
    assert client_ip(_Req(peer, xff), proxies) == expected


def test_is_trusted_names_and_networks() -> None:
    assert is_trusted("::1", ["::1"]) and is_trusted("10.9.8.7", ["10.0.0.0/8"])
    assert not is_trusted("11.0.0.1", ["10.0.0.0/8", "not-an-address"])


# ------------------------------------------------------------- the real server (uvicorn)
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_real_server_on_localhost_ignores_forwarded_for(tmp_path: Path, data_dir: Path) -> None:
    """``xinzhi serve`` as deployed (127.0.0.1 behind nginx, no trusted proxy configured):
    a local client rotating ``X-Forwarded-For`` is throttled, and the audit log says 127.0.0.1."""
    db = tmp_path / "w.duckdb"
    con = duckdb.connect(str(db))
    try:
        auth.ensure_auth_tables(con)
        auth.add_user(con, "analyst1", PASSWORD, "analyst")
    finally:
        con.close()
    port = _free_port()
    env = dict(os.environ, XINZHI_HOME=str(tmp_path / "home"), XINZHI_SECRET_KEY="k" * 32)
    env.pop("XINZHI_TRUSTED_PROXIES", None)
    proc = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from xinzhi.cli import main; main()",
            "serve",
            "--port",
            str(port),
            "--db",
            str(db),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        end = time.monotonic() + 90
        while True:
            assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else ""
            try:
                if httpx.get(base + "/api/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < end, "服务未启动"
            time.sleep(0.3)
        codes = []
        for i in range(throttle.MAX_FAILURES + 2):
            r = httpx.post(
                base + "/api/auth/token",
                json={"username": "analyst1", "password": "wrong"},
                headers={"X-Forwarded-For": f"203.0.113.{i}"},
                timeout=30,
            )
            codes.append(r.status_code)
        assert codes == [401] * throttle.MAX_FAILURES + [429, 429]
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    con = duckdb.connect(str(db), read_only=True)
    try:
        ips = {
            r[0]
            for r in con.execute(
                "SELECT ip FROM auth_audit WHERE action IN ('login_failed', 'login_throttled')"
            ).fetchall()
        }
    finally:
        con.close()
    assert ips == {"127.0.0.1"}
