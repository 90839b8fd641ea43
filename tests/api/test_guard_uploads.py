"""Issue #18 items 7, 8 and 12: no upload can kill or exhaust the server, and a batch records
who uploaded it.

7. A workbook with one cell at XFD1048576 (its used range is 1,048,576 × 16,384 cells: the
   reader would allocate 512 GiB and abort the process) is refused with a Chinese error before
   it is read; the server answers ``/api/health`` afterwards; the command line exits 2.
8. Quarantined rows stored per batch are capped (the rest counted), a CSV has a line limit, an
   account has an upload quota per 24 hours, and an administrator purges a batch's quarantine
   (API and command line). Limits are set small through their environment variables.
12. The batch's ``user_name`` is the logged-in account, not the operating-system user.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from fixtures.guard_api import PASSWORD, analyst_api, upload
from xinzhi.cli import app as cli

GOOD = "地区,常住人口(人)\n湘潭县,100\n临颍县,200\n"


def far_cell_workbook() -> bytes:
    """The 5 KB attack file: a header in A1 and one cell at XFD1048576."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws["A1"] = "地区"
    ws.cell(row=1048576, column=16384, value="x")
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


FAR = "工作表 Sheet 的使用范围过大（至少 A1:XFD1048576，超过 2,000,000 个单元格的上限），无法读取"


# ----------------------------------------------------------------------------- item 7
def test_far_cell_workbook_is_refused_and_the_server_stays_up(
    tmp_path: Path, data_dir: Path
) -> None:
    data = far_cell_workbook()
    assert len(data) < 6000
    db = tmp_path / "w.duckdb"
    with analyst_api(db) as (client, h):
        assert upload(client, h, "seed.csv", GOOD.encode(), year=2020).status_code == 200
        before = _state(client)
        r = upload(client, h, "far.xlsx", data, year=2020)
        assert r.status_code == 400, r.text
        assert FAR in r.json()["error"]["message"]
        health = client.get("/api/health")
        assert health.status_code == 200 and health.json()["status"] == "ok"
        assert _state(client) == before
        # the server still imports
        ok = upload(client, h, "next.csv", GOOD.replace("100", "101").encode(), year=2020)
        assert ok.status_code == 200, ok.text


def test_far_cell_workbook_on_the_command_line(tmp_path: Path, data_dir: Path) -> None:
    f = tmp_path / "far.xlsx"
    f.write_bytes(far_cell_workbook())
    db = tmp_path / "w.duckdb"
    res = CliRunner().invoke(cli, ["import", str(f), "--year", "2020", "--db", str(db)])
    assert res.exit_code == 2, res.output
    assert FAR in res.output.replace("\n", "")


# ----------------------------------------------------------------------------- item 8
def bad_lines(n: int) -> str:
    """One good row and ``n`` lines ``x,1`` (an unknown region each)."""
    return "地区,常住人口(人)\n湘潭县,100\n" + "x,1\n" * n


def test_quarantine_is_capped_per_batch_and_counted(
    tmp_path: Path, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XINZHI_QUARANTINE_CAP", "5")
    with analyst_api(tmp_path / "w.duckdb") as (client, h):
        r = upload(client, h, "bad.csv", bad_lines(20).encode(), year=2020)
        assert r.status_code == 200, r.text
        rep = r.json()
        # 21 data rows = 1 loaded + 20 quarantined; 5 stored, 20 − 5 = 15 only counted
        assert (rep["rows_read"], rep["rows_loaded"], rep["rows_quarantined"]) == (21, 1, 20)
        assert rep["quarantined_by_reason"] == {"unknown_region": 20}
        assert rep["rows_not_stored"] == 15
        assert "隔离行共 20 行，只保存了前 5 行的原始数据（其余 15 行只按原因计数" in " ".join(
            rep["warnings"]
        )
        q = client.get(f"/api/imports/{rep['batch_id']}/quarantine", headers=h)
        assert q.status_code == 200
        assert len(q.text.strip().splitlines()) == 1 + 5  # header + 5 stored rows


def test_a_csv_over_the_line_limit_is_refused_before_parsing(
    tmp_path: Path, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XINZHI_UPLOAD_MAX_ROWS", "10")
    with analyst_api(tmp_path / "w.duckdb") as (client, h):
        before = _state(client)
        # header + 1 good + 10 bad = 12 lines > 10
        r = upload(client, h, "long.csv", bad_lines(10).encode(), year=2020)
        assert r.status_code == 400, r.text
        assert (
            "文件 long.csv 有 12 行，超过每个文件 10 行的上限：请拆分文件后分批导入"
            == (r.json()["error"]["message"])
        )
        assert _state(client) == before
        # exactly at the limit: header + 1 good + 8 bad = 10 lines
        assert upload(client, h, "ok.csv", bad_lines(8).encode(), year=2020).status_code == 200


def test_upload_quota_per_account(
    tmp_path: Path, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    body = GOOD.encode()
    # a quota of 2.5 files: the third upload is refused
    monkeypatch.setenv("XINZHI_UPLOAD_QUOTA_MB", str(2.5 * len(body) / 2**20))
    with analyst_api(tmp_path / "w.duckdb") as (client, h):
        assert upload(client, h, "a.csv", body, year=2020).status_code == 200
        assert upload(client, h, "b.csv", body, year=2021).status_code == 200
        before = _state(client)
        r = upload(client, h, "c.csv", body, year=2022)
        assert r.status_code == 429, r.text
        err = r.json()["error"]
        assert err["code"] == "upload_quota"
        assert err["message"].startswith("上传配额已用完：账户 analyst1 24 小时内最多上传")
        assert _state(client) == before
        # another account has its own quota
        from xinzhi import auth

        cur = client.app.state.db.cursor()  # type: ignore[attr-defined]
        auth.add_user(cur, "analyst2", PASSWORD, "analyst")
        cur.close()
        tok = client.post("/api/auth/token", json={"username": "analyst2", "password": PASSWORD})
        h2 = {"Authorization": f"Bearer {tok.json()['access_token']}"}
        assert upload(client, h2, "c.csv", body, year=2022).status_code == 200


def test_admin_purges_a_batch_quarantine(
    tmp_path: Path, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "w.duckdb"
    with analyst_api(db) as (client, h):
        from xinzhi import auth

        cur = client.app.state.db.cursor()  # type: ignore[attr-defined]
        auth.add_user(cur, "admin1", PASSWORD, "admin")
        cur.close()
        tok = client.post("/api/auth/token", json={"username": "admin1", "password": PASSWORD})
        ha = {"Authorization": f"Bearer {tok.json()['access_token']}"}
        rep = upload(client, h, "bad.csv", bad_lines(3).encode(), year=2020).json()
        bid = rep["batch_id"]
        r = client.delete(f"/api/imports/{bid}/quarantine", headers=h)
        assert r.status_code == 403, r.text
        r = client.delete(f"/api/imports/{bid}/quarantine", headers=ha)
        assert r.status_code == 200, r.text
        assert r.json() == {
            "batch_id": bid,
            "rows_deleted": 3,
            "message": f"已清除批次 {bid} 的 3 行隔离数据",
        }
        q = client.get(f"/api/imports/{bid}/quarantine", headers=ha)
        assert len(q.text.strip().splitlines()) == 1  # header only
        batch = client.get("/api/imports", headers=ha).json()["items"][0]
        assert (batch["batch_id"], batch["rows_quarantined"]) == (bid, 3)  # counts kept
        log = client.get("/api/admin/audit?action=quarantine_purge", headers=ha).json()
        assert log["items"][0]["detail"] == {"batch_id": bid, "rows": 3, "via": "api"}
        assert client.delete("/api/imports/999/quarantine", headers=ha).status_code == 404
    # the command line, on the same warehouse (server stopped)
    rep2 = CliRunner().invoke(cli, ["--db", str(db), "quarantine", "purge", str(bid)])
    assert rep2.exit_code == 0, rep2.output
    assert f"已清除批次 {bid} 的 0 行隔离数据" in rep2.output
    res = CliRunner().invoke(cli, ["--db", str(db), "quarantine", "purge", "999"])
    assert res.exit_code == 2, res.output
    assert "导入批次 999 不存在" in res.output


def test_cli_purge_deletes_the_rows(tmp_path: Path, data_dir: Path) -> None:
    db = tmp_path / "w.duckdb"
    f = tmp_path / "bad.csv"
    f.write_text(bad_lines(4), encoding="utf-8")
    res = CliRunner().invoke(cli, ["import", str(f), "--year", "2020", "--db", str(db), "--json"])
    assert res.exit_code == 0, res.output
    bid = json.loads(res.output)["batch_id"]
    res = CliRunner().invoke(cli, ["--db", str(db), "quarantine", "purge", str(bid)])
    assert res.exit_code == 0, res.output
    assert f"已清除批次 {bid} 的 4 行隔离数据" in res.output
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM quarantine").fetchall()[0][0] == 0
        (detail,) = con.execute(
            "SELECT CAST(detail AS VARCHAR) FROM auth_audit WHERE action = 'quarantine_purge'"
        ).fetchall()[0]
        assert json.loads(detail) == {"batch_id": bid, "rows": 4, "via": "cli"}
    finally:
        con.close()


# ---------------------------------------------------------------------------- item 12
def test_an_upload_records_the_logged_in_account(tmp_path: Path, data_dir: Path) -> None:
    import getpass

    with analyst_api(tmp_path / "w.duckdb") as (client, h):
        rep = upload(client, h, "a.csv", GOOD.encode(), year=2020).json()
        items = client.get("/api/imports", headers=h).json()["items"]
        batch = next(b for b in items if b["batch_id"] == rep["batch_id"])
        assert batch["user_name"] == "analyst1"
        assert batch["uploaded_by"] == "analyst1"
        assert getpass.getuser() != "analyst1"


def _state(client: object) -> dict[str, object]:
    """Row counts of the import tables and the count and checksum of the current
    observations (as :func:`fixtures.snapshot.warehouse_state`), read through the server's own
    connection while it runs."""
    con = client.app.state.db.cursor()  # type: ignore[attr-defined]
    try:
        out: dict[str, object] = {
            t: con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0]
            for t in ("import_batches", "observations", "quarantine", "skipped")
        }
        out["current"] = con.execute(
            "SELECT count(*), coalesce(sum(hash(region_code, year, indicator, value)), 0) "
            "FROM current_observations"
        ).fetchall()[0]
        return out
    finally:
        con.close()
