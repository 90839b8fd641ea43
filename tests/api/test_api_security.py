"""Uploads (size, type, file names, county scope) and injection attempts."""

from __future__ import annotations

import duckdb
import pytest
from api_helpers import COUNTY

CSV = "地区,地区生产总值(亿元)\n湘潭县,465.2\n海淀区,1000\n".encode()


def _upload(api, who, name, data, **form):
    return api.client.post(
        "/api/imports",
        files={"file": (name, data, "application/octet-stream")},
        data={k: str(v) for k, v in form.items()},
        headers=api.h(who),
    )


def _count(api, sql, params=()):
    cur = api.client.app.state.db.cursor()
    try:
        return cur.execute(sql, list(params)).fetchall()[0][0]
    finally:
        cur.close()


def test_county_upload_quarantines_other_counties(api):
    r = _upload(api, "county1", "gdp.csv", CSV, year=2020)
    assert r.status_code == 200, r.text
    rep = r.json()
    assert (rep["rows_read"], rep["rows_loaded"], rep["rows_quarantined"]) == (2, 1, 1)
    assert rep["quarantined_by_reason"] == {"invalid_region": 1}
    assert rep["source"] == f"county-{COUNTY}-gdp"
    batch = rep["batch_id"]
    # own county sees its record; another county user does not
    mine = api.client.get(
        "/api/observations", params={"indicator": "gdp"}, headers=api.h("county1")
    ).json()
    assert mine["total"] == 1 and mine["items"][0]["value"] == pytest.approx(465.2 * 10000)
    other = api.client.get(
        "/api/observations", params={"indicator": "gdp"}, headers=api.h("county2")
    ).json()
    assert other["total"] == 0
    assert (
        api.client.get(
            "/api/observations", params={"indicator": "gdp"}, headers=api.h("analyst1")
        ).json()["total"]
        == 1
    )
    # batches list and quarantine download are scoped too
    ids = [
        b["batch_id"]
        for b in api.client.get("/api/imports", headers=api.h("county2")).json()["items"]
    ]
    assert batch not in ids and {1, 2} <= set(ids)
    assert (
        api.client.get(f"/api/imports/{batch}/quarantine", headers=api.h("county2")).status_code
        == 403
    )
    q = api.client.get(f"/api/imports/{batch}/quarantine", headers=api.h("county1"))
    assert q.status_code == 200 and q.headers["content-type"].startswith("text/csv")
    text = q.content.decode("utf-8-sig")
    assert "海淀区" in text and f"只能导入本县区（{COUNTY}）" in text
    assert (
        api.client.get("/api/imports/999999/quarantine", headers=api.h("admin1")).status_code == 404
    )


def test_upload_limits_and_types(api, monkeypatch):
    from xinzhi.api import _upload as uploads

    r = _upload(api, "analyst1", "evil.exe", b"MZ...", year=2020)
    assert r.status_code == 415
    assert r.json()["error"] == {
        "code": "unsupported_type",
        "message": "只支持上传 .xlsx 或 .csv 文件",
    }
    r = _upload(api, "analyst1", "fake.xlsx", b"not a zip", year=2020)
    assert r.status_code == 415
    r = _upload(api, "analyst1", "bin.csv", b"a,b\x00\x01", year=2020)
    assert r.status_code == 415
    monkeypatch.setattr(uploads, "MAX_UPLOAD_BYTES", 1000)
    r = _upload(api, "analyst1", "big.csv", b"a" * 5000, year=2020)
    assert r.status_code == 413 and "过大" in r.json()["error"]["message"]
    r = _upload(api, "analyst1", "census2020.csv", CSV, year=2020)
    assert r.status_code == 409  # public batches cannot be replaced by an upload
    assert r.json()["error"] == {
        "code": "public_source",
        "message": "census2020 是公共数据批次，不能通过上传替换",
    }
    assert (
        _count(
            api,
            "SELECT count(*) FROM import_batches WHERE source = 'census2020' AND status = 'active'",
        )
        == 1
    )


def test_path_traversal_file_name_is_sanitised(api, tmp_path):
    from xinzhi.api.routes_data import safe_file_name

    assert safe_file_name("../../etc/passwd") == "passwd"
    assert safe_file_name("..\\..\\x.csv") == "x.csv"
    assert safe_file_name("<script>.csv") == "_script_.csv"
    assert safe_file_name("") == "upload"
    r = _upload(api, "analyst1", "../../etc/passwd.csv", CSV, year=2020)
    assert r.status_code == 200
    assert r.json()["file_name"] == "passwd.csv"


def test_sql_injection_and_script_in_parameters(api):
    before = _count(api, "SELECT count(*) FROM observations")
    regions = _count(api, "SELECT count(*) FROM regions")
    h = api.h("county1")
    r = api.client.get("/api/observations", params={"indicator": "' OR 1=1 --"}, headers=h)
    assert r.status_code == 200 and r.json()["total"] == 0
    r = api.client.get("/api/observations", params={"region": "' OR 1=1 --"}, headers=h)
    assert r.status_code == 422 and r.json()["error"]["code"] == "validation_error"
    r = api.client.get("/api/regions", params={"province": "'; DROP TABLE regions; --"}, headers=h)
    assert r.status_code == 200 and r.json()["total"] == 0
    r = api.client.get("/api/evaluations/demo", params={"province": "x' OR '1'='1"}, headers=h)
    assert r.status_code == 200 and r.json()["total"] == 0
    r = api.client.get("/api/regions/resolve", params={"q": "<script>alert(1)</script>"}, headers=h)
    assert r.status_code == 404
    assert r.headers["content-type"].startswith("application/json")
    r = api.client.post(
        "/api/admin/users",
        json={"username": "<script>x</script>", "password": "password-1", "role": "admin"},
        headers=api.h("admin1"),
    )
    assert r.status_code == 400 and "<script>" not in r.text
    r = api.client.post(
        "/api/evaluations",
        json={"system": "../../etc/passwd", "save_as": "x"},
        headers=api.h("analyst1"),
    )
    assert r.status_code == 400
    r = api.client.post(
        "/api/evaluations",
        json={"system": "nqpf-county", "save_as": "a' OR 1=1 --"},
        headers=api.h("analyst1"),
    )
    assert r.status_code == 400
    r = api.client.post(
        "/api/evaluations",
        json={"system": "nqpf-county", "save_as": "x", "options": {"weights": "ahp:/etc/passwd"}},
        headers=api.h("analyst1"),
    )
    assert r.status_code == 400
    assert _count(api, "SELECT count(*) FROM observations") == before
    assert _count(api, "SELECT count(*) FROM regions") == regions  # nothing dropped
    assert r.headers["x-content-type-options"] == "nosniff"


def test_run_evaluation_as_analyst(api):
    r = api.client.post(
        "/api/evaluations",
        json={"system": "nqpf-county", "years": [2020], "save_as": "y2020"},
        headers=api.h("analyst1"),
    )
    assert r.status_code == 201, r.text
    assert r.json()["counties_by_year"]["2020"] > 2800
    r = api.client.post(
        "/api/evaluations",
        json={"system": "nqpf-county", "save_as": "bad", "options": {"weights": "nonsense"}},
        headers=api.h("analyst1"),
    )
    assert r.status_code == 422 and r.json()["error"]["code"] == "invalid_option"
    audit = api.client.get(
        "/api/admin/audit", params={"action": "evaluate"}, headers=api.h("admin1")
    ).json()
    assert audit["items"][0]["target"] == "y2020"
    _ = duckdb
