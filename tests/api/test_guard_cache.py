"""Issue #18 item 14: the server remembers sessions, evaluation versions and pages of
observations and regions until its next write (``Database.generation``). These tests show that
every write that changes an answer is seen by the very next request (no timing asserts: the
speed is measured by benchmarks/bench_api.py)."""

from __future__ import annotations

from pathlib import Path

from fixtures.guard_api import PASSWORD, analyst_api, upload


def test_a_logged_out_token_is_refused_at_once(tmp_path: Path, data_dir: Path) -> None:
    with analyst_api(tmp_path / "w.duckdb") as (client, h):
        assert client.get("/api/auth/me", headers=h).status_code == 200  # now remembered
        assert client.post("/api/auth/logout", headers=h).status_code == 200
        r = client.get("/api/auth/me", headers=h)
        assert r.status_code == 401 and r.json()["error"]["code"] == "invalid_token"


def test_a_disabled_account_is_refused_at_once(tmp_path: Path, data_dir: Path) -> None:
    from xinzhi import auth

    with analyst_api(tmp_path / "w.duckdb") as (client, h):
        cur = client.app.state.db.cursor()  # type: ignore[attr-defined]
        auth.add_user(cur, "admin1", PASSWORD, "admin")
        cur.close()
        tok = client.post("/api/auth/token", json={"username": "admin1", "password": PASSWORD})
        ha = {"Authorization": f"Bearer {tok.json()['access_token']}"}
        assert client.get("/api/observations", headers=h).status_code == 200
        assert client.post("/api/admin/users/analyst1/disable", headers=ha).status_code == 200
        assert client.get("/api/observations", headers=h).status_code == 401


def test_observations_after_an_import_are_new(tmp_path: Path, data_dir: Path) -> None:
    with analyst_api(tmp_path / "w.duckdb") as (client, h):
        url = "/api/observations?region=430321&limit=10"
        before = client.get(url, headers=h).json()
        again = client.get(url, headers=h).json()  # from the cache
        assert again == before
        body = "地区,常住人口(人)\n湘潭县,100\n"
        assert upload(client, h, "a.csv", body.encode(), year=2020).status_code == 200
        after = client.get(url, headers=h).json()
        # one value more: 湘潭县 2020 常住人口 (pop_total, the catalogue's unit 人) = 100
        assert after["total"] == before["total"] + 1
        new = [o for o in after["items"] if o["source"] == "a"]
        assert [(o["year"], o["indicator"], o["value"]) for o in new] == [
            (2020, "pop_total", 100.0)
        ]


def test_the_generation_counts_write_sections(tmp_path: Path, data_dir: Path) -> None:
    with analyst_api(tmp_path / "w.duckdb") as (client, _h):
        db = client.app.state.db  # type: ignore[attr-defined]
        g = db.generation
        with db.write_lock:
            with db.write_lock:  # re-entrant: each release counts
                pass
        assert db.generation == g + 2
        key = ("x", db.generation)
        assert db.peek(key) is None
        assert db.cached(key, lambda: 42) == 42 and db.peek(key) == 42
