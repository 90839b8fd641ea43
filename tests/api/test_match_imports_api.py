"""Uploads of the talent base and technology demands over REST (``POST /api/talent/imports``,
``POST /api/tech/imports``) and the retention of personal data (``GET|PUT
/api/talent/retention``, ``POST /api/talent/purge``) on an empty warehouse: counts of the
import report, a county account's rows of another county quarantined, a bad file refused in
Chinese, retention changes for administrators only, a purge anonymising an old row."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient

PASSWORD = "correct-horse-1"
OWN = "430321"  # 湘潭县
OTHER = "430121"  # 长沙县

TALENTS = (
    "人员编号,姓名,手机,区划代码,学历,专业,工作年限,技能\n"
    "T1,张三,13800000001,430321,本科,机械设计,3年,焊接;CAD\n"
    "T2,李四,13800000002,430321,大专,电气自动化,5,PLC\n"
    "T3,王五,13800000003,430121,高中,,1,焊接\n"
)
# rows: T1, T2 of 湘潭县; T3 of 长沙县 (another county for the 湘潭县 account)


@dataclass
class Api:
    client: TestClient
    tokens: dict[str, str]
    app: Any

    def h(self, who: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[who]}"}


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    from xinzhi import auth, store
    from xinzhi.server import create_app

    db = tmp_path_factory.mktemp("match-imports") / "xinzhi.duckdb"
    store.connect(db).close()
    app = create_app(db)
    cur = app.state.db.cursor()
    for who, role, county in (
        ("admin1", "admin", None),
        ("analyst1", "analyst", None),
        ("county1", "county", OWN),
    ):
        auth.add_user(cur, who, PASSWORD, role, county)
    cur.close()
    with TestClient(app) as client:
        tokens = {}
        for who in ("admin1", "analyst1", "county1"):
            r = client.post("/api/auth/token", json={"username": who, "password": PASSWORD})
            assert r.status_code == 200, r.text
            tokens[who] = r.json()["access_token"]
        yield Api(client, tokens, app)


def _upload(api: Api, who: str, route: str, name: str, body: str | bytes, **form: str) -> Any:
    data = body.encode("utf-8") if isinstance(body, str) else body
    return api.client.post(
        f"/api/{route}/imports",
        headers=api.h(who),
        files={"file": (name, data, "text/csv")},
        data={"classify": "false", **form} if route == "talent" else form,
    )


def _count(api: Api, sql: str) -> Any:
    cur = api.app.state.db.cursor()
    try:
        return cur.execute(sql).fetchall()
    finally:
        cur.close()


def test_analyst_uploads_talents_and_sees_the_counts(api: Api) -> None:
    r = _upload(api, "analyst1", "talent", "人才.csv", TALENTS, kind="talents")
    assert r.status_code == 200, r.text
    body = r.json()
    # an analyst may import every county: 3 read = 3 loaded + 0 + 0
    assert (body["rows_read"], body["rows_loaded"], body["rows_quarantined"]) == (3, 3, 0)
    assert body["rows_skipped"] == 0
    assert _count(api, "SELECT count(*) FROM current_talents")[0][0] == 3
    log = _count(api, "SELECT action, target FROM auth_audit WHERE action = 'import'")
    assert ("import", "人才.csv") in log


def test_county_account_rows_of_another_county_are_quarantined(api: Api) -> None:
    body = TALENTS.replace("T1,", "C1,").replace("T2,", "C2,").replace("T3,", "C3,")
    r = _upload(api, "county1", "talent", "本县人才.csv", body, kind="talents")
    assert r.status_code == 200, r.text
    rep = r.json()
    # 3 read = 2 loaded (湘潭县) + 1 quarantined (长沙县: other_county) + 0 skipped
    assert (rep["rows_read"], rep["rows_loaded"], rep["rows_quarantined"]) == (3, 2, 1)
    assert rep["quarantined_by_reason"] == {"other_county": 1}


def test_county_account_may_not_name_another_county(api: Api) -> None:
    r = _upload(api, "county1", "talent", "x.csv", TALENTS, kind="talents", county=OTHER)
    assert r.status_code == 403, r.text


def test_jobs_upload(api: Api) -> None:
    jobs = (
        "岗位编号,企业名称,区划代码,岗位名称,招聘人数,学历要求,薪资\n"
        "J1,甲公司,430321,焊工,2,高中,5000-7000\n"
        "J2,乙公司,430321,,1,大专,6000\n"
    )
    r = _upload(api, "analyst1", "talent", "岗位.csv", jobs, kind="jobs")
    assert r.status_code == 200, r.text
    rep = r.json()
    # J2 has no 岗位名称: 2 read = 1 loaded + 1 quarantined (title_missing)
    assert (rep["rows_read"], rep["rows_loaded"], rep["quarantined_by_reason"]) == (
        2,
        1,
        {"title_missing": 1},
    )


def test_bad_files_are_refused_in_chinese(api: Api) -> None:
    r = _upload(api, "analyst1", "talent", "空.csv", b"", kind="talents")
    assert r.status_code == 400, r.text
    assert r.json()["error"]["message"] == "上传的文件是空的"
    # a text file without any résumé block: the importer's InputError → 400
    r = _upload(api, "analyst1", "talent", "简历.txt", "\n\n\n", kind="talents")
    assert r.status_code == 400, r.text
    assert "没有文本块" in r.json()["error"]["message"]
    r = _upload(api, "analyst1", "talent", "人才.pdf", b"%PDF-1.4", kind="talents")
    assert r.status_code == 415, r.text
    assert "只支持上传" in r.json()["error"]["message"]
    r = _upload(api, "analyst1", "tech", "需求.xlsx", b"not a workbook", kind="demands")
    assert r.status_code == 415, r.text
    assert r.json()["error"]["message"] == "文件内容不是 .xlsx 工作簿"


def test_tech_demands_upload_of_a_county_account(api: Api) -> None:
    demands = (
        "需求编号,企业名称,区划代码,需求名称,技术领域,预算(万元)\n"
        "D1,甲公司,430321,陶瓷烧结,新材料,50\n"
        "D2,乙公司,430121,外县需求,新材料,5\n"
    )
    r = _upload(api, "county1", "tech", "需求.csv", demands, kind="demands")
    assert r.status_code == 200, r.text
    rep = r.json()
    # 2 read = 1 loaded (D1) + 1 quarantined (D2 of 长沙县)
    assert (rep["rows_read"], rep["rows_loaded"], rep["quarantined_by_reason"]) == (
        2,
        1,
        {"other_county": 1},
    )
    teams = "团队名称,类型,依托单位,研究领域,可承接项目数\n陶瓷团队,团队,某大学,新材料,2\n"
    r = _upload(api, "analyst1", "tech", "团队.csv", teams, kind="teams")
    assert r.status_code == 200, r.text
    assert (r.json()["rows_read"], r.json()["rows_loaded"]) == (1, 1)


def test_retention_is_changed_by_administrators_only(api: Api) -> None:
    r = api.client.get("/api/talent/retention", headers=api.h("analyst1"))
    assert r.status_code == 200, r.text
    r = api.client.put(
        "/api/talent/retention", headers=api.h("analyst1"), json={"base": "talents", "days": 30}
    )
    assert r.status_code == 403, r.text
    r = api.client.post("/api/talent/purge", headers=api.h("analyst1"))
    assert r.status_code == 403, r.text
    r = api.client.put(
        "/api/talent/retention", headers=api.h("admin1"), json={"base": "talents", "days": 0}
    )
    assert r.status_code == 422, r.text


def test_admin_sets_30_days_and_purge_anonymises_an_old_row(api: Api) -> None:
    r = _upload(
        api, "analyst1", "talent", "旧人才.csv", TALENTS.replace("T", "OLD"), kind="talents"
    )
    assert r.status_code == 200, r.text
    # OLD1 written 31 days ago (older than 30 days), OLD2 29 days ago (kept)
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    cur = api.app.state.db.cursor()
    for pid, days in (("OLD1", 31), ("OLD2", 29)):
        cur.execute(
            "UPDATE talents SET entered_at = ? WHERE person_id = ?",
            [now - dt.timedelta(days=days), pid],
        )
    cur.close()
    r = api.client.put(
        "/api/talent/retention", headers=api.h("admin1"), json={"base": "talents", "days": 30}
    )
    assert r.status_code == 200, r.text
    assert r.json()["retention"] == {"talents": 30, "jobs": None}
    r = api.client.post("/api/talent/purge", headers=api.h("admin1"))
    assert r.status_code == 200, r.text
    assert r.json()["talents"] == 1
    rows = _count(api, "SELECT person_id, name, phone FROM talents WHERE major = '机械设计'")
    old = [p for p in rows if p[0] == "OLD1"]
    assert old == []  # the id was replaced
    anonymised = _count(
        api, "SELECT count(*) FROM talents WHERE anonymised AND name IS NULL AND phone IS NULL"
    )
    assert anonymised[0][0] == 1
    assert _count(api, "SELECT name FROM talents WHERE person_id = 'OLD2'") == [("李四",)]
    actions = _count(
        api, "SELECT action FROM auth_audit WHERE action IN ('talent_retention', 'talent_purge')"
    )
    assert sorted(a[0] for a in actions) == ["talent_purge", "talent_retention"]


def test_cookie_session_upload_needs_the_csrf_token(api: Api) -> None:
    c = TestClient(api.app)  # its own cookie jar
    r = c.post("/api/auth/login", json={"username": "admin1", "password": PASSWORD})
    assert r.status_code == 200, r.text
    csrf = r.json()["csrf_token"]
    files = {"file": ("t.csv", TALENTS.encode("utf-8"), "text/csv")}
    for route, form in (
        ("/api/talent/imports", {"kind": "talents"}),
        ("/api/tech/imports", {"kind": "teams"}),
        ("/api/talent/purge", None),
    ):
        r = c.post(route, files=files if form else None, data=form)
        assert r.status_code == 403 and r.json()["error"]["code"] == "csrf_failed", route
    r = c.put("/api/talent/retention", json={"base": "jobs", "days": None})
    assert r.status_code == 403 and r.json()["error"]["code"] == "csrf_failed"
    r = c.put(
        "/api/talent/retention",
        json={"base": "jobs", "days": None},
        headers={"X-CSRF-Token": csrf},
    )
    assert r.status_code == 200, r.text


def test_text_blocks_are_imported(api: Api) -> None:
    text = (
        "赵六，男，本科学历，机械设计制造及其自动化专业，5年数控加工经验，熟练使用CAD。\n"
        "\n"
        "钱七，女，大专，电气自动化技术专业，3年PLC编程经验。\n"
    )
    r = _upload(api, "county1", "talent", "简历.txt", text, kind="talents")
    assert r.status_code == 200, r.text
    rep = r.json()
    # two blocks separated by an empty line: 2 read = 2 loaded (the county account's own county)
    assert (rep["rows_read"], rep["rows_loaded"], rep["rows_quarantined"]) == (2, 2, 0)
    rows = _count(
        api,
        "SELECT education_level FROM current_talents WHERE text LIKE '赵六%' OR text LIKE '钱七%'",
    )
    assert sorted(r[0] for r in rows) == [3, 4]  # 大专 3, 本科 4
