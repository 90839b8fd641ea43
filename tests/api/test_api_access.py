"""The access policy through the REST API: a county account (湘潭县 430321) is refused other
counties' report files, profile workbooks, the whole-evaluation export and other counties' (or
analysts') uploaded batches — exact status 403, code ``forbidden`` and the policy's Chinese
message — and gets its own; every download leaves one audit entry of the shared shape."""

from __future__ import annotations

from typing import Any

import pytest
from api_helpers import COUNTY, OTHER_COUNTY

EVAL = "demo"
# 湘潭县 (own county of county1) and 海淀区 (own county of county2): each file quarantines the
# other county's row
CSV = "地区,地区生产总值(亿元)\n湘潭县,465.2\n海淀区,1000\n".encode()


def _upload(api: Any, who: str, name: str) -> int:
    r = api.client.post(
        "/api/imports",
        files={"file": (name, CSV, "text/csv")},
        data={"year": "2020"},
        headers=api.h(who),
    )
    assert r.status_code == 200, r.text
    return int(r.json()["batch_id"])


@pytest.fixture(scope="module")
def batches(api: Any) -> dict[str, int]:
    """Batch ids uploaded by county1 (430321), county2 (110108) and analyst1."""
    return {
        who: _upload(api, who, f"access-{who}.csv") for who in ("county1", "county2", "analyst1")
    }


def _exports(api: Any) -> list[dict[str, Any]]:
    body = api.client.get(
        "/api/admin/audit", params={"action": "export", "limit": 1000}, headers=api.h("admin1")
    ).json()
    return list(body["items"])


REPORT_DENIED = {"code": "forbidden", "message": "县区用户只能下载本县区的报告"}
PROFILE_DENIED = {"code": "forbidden", "message": "县区用户只能导出本县区的画像"}
BATCH_DENIED = {"code": "forbidden", "message": "县区用户只能下载本县区或公共数据的导入批次"}
EVALUATION_DENIED = {
    "code": "forbidden",
    "message": "县区用户不能导出整个评价结果（可以导出本县区的画像与报告）",
}
ROLE_DENIED = {"code": "forbidden", "message": "当前角色没有此操作的权限"}


@pytest.mark.parametrize(
    ("url", "error"),
    [
        (f"/api/reports/county/{OTHER_COUNTY}.pdf?evaluation={EVAL}", REPORT_DENIED),
        (f"/api/reports/county/{OTHER_COUNTY}.html?evaluation={EVAL}", REPORT_DENIED),
        (f"/api/reports/county/{OTHER_COUNTY}.xlsx?evaluation={EVAL}", REPORT_DENIED),
        (f"/api/evaluations/{EVAL}/counties/{OTHER_COUNTY}/export.xlsx", PROFILE_DENIED),
        (f"/api/evaluations/{EVAL}/export.xlsx", EVALUATION_DENIED),
        ("/api/admin/audit", ROLE_DENIED),
        ("/api/admin/users", ROLE_DENIED),
    ],
)
def test_county_refused_other_counties_files(api: Any, url: str, error: dict[str, str]) -> None:
    before = len(_exports(api))
    r = api.client.get(url, headers=api.h("county1"))
    assert r.status_code == 403
    assert r.json() == {"error": error}
    assert len(_exports(api)) == before  # a refusal is not an export


def test_county_refused_evaluation_run(api: Any) -> None:
    r = api.client.post(
        "/api/evaluations",
        json={"system": "nqpf-county", "save_as": "county-run"},
        headers=api.h("county1"),
    )
    assert r.status_code == 403
    assert r.json() == {"error": ROLE_DENIED}


def test_county_refused_other_uploaded_batches(api: Any, batches: dict[str, int]) -> None:
    for owner in ("county2", "analyst1"):
        r = api.client.get(f"/api/imports/{batches[owner]}/quarantine", headers=api.h("county1"))
        assert r.status_code == 403, owner
        assert r.json() == {"error": BATCH_DENIED}
    listed = api.client.get("/api/imports", headers=api.h("county1")).json()
    ids = [b["batch_id"] for b in listed["items"]]
    assert batches["county1"] in ids
    assert batches["county2"] not in ids and batches["analyst1"] not in ids
    assert {b["source"] for b in listed["items"] if b["batch_id"] != batches["county1"]} == {
        "census2010",
        "census2020",
    }
    gone = api.client.get("/api/imports/999999/quarantine", headers=api.h("county1"))
    assert gone.status_code == 404
    assert gone.json() == {
        "error": {"code": "batch_not_found", "message": "导入批次 999999 不存在"}
    }


def test_county_gets_own_files_and_each_is_audited(api: Any, batches: dict[str, int]) -> None:
    h = api.h("county1")
    pdf = api.client.get(f"/api/reports/county/{COUNTY}.pdf?evaluation={EVAL}&year=2020", headers=h)
    assert pdf.status_code == 200 and pdf.content[:4] == b"%PDF"
    prof = api.client.get(f"/api/evaluations/{EVAL}/counties/{COUNTY}/export.xlsx", headers=h)
    assert prof.status_code == 200 and prof.content[:4] == b"PK\x03\x04"
    q = api.client.get(f"/api/imports/{batches['county1']}/quarantine", headers=h)
    assert q.status_code == 200
    lines = q.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "行号,原因,说明,原始数据"
    # the other county's row (海淀区, line 3 of the file), reason in Chinese as on the web page
    assert lines[1].split(",")[:2] == ["3", "地区无法使用"]
    mine = [
        (e["target"], e["detail"]) for e in reversed(_exports(api)) if e["user_name"] == "county1"
    ]
    assert mine[-3:] == [
        (
            f"report:{EVAL}:{COUNTY}:2020.pdf",
            {
                "kind": "report",
                "format": "pdf",
                "evaluation": EVAL,
                "county": COUNTY,
                "year": 2020,
                "via": "api",
            },
        ),
        (
            f"profile:{EVAL}:{COUNTY}",
            {
                "kind": "profile",
                "format": "xlsx",
                "evaluation": EVAL,
                "county": COUNTY,
                "year": 2020,
                "via": "api",
            },
        ),
        (
            f"quarantine:{batches['county1']}",
            {
                "kind": "quarantine",
                "format": "csv",
                "batch_id": batches["county1"],
                "rows": 1,  # 海淀区's row
                "via": "api",
            },
        ),
    ]


def test_analyst_gets_every_county_and_batch(api: Any, batches: dict[str, int]) -> None:
    h = api.h("analyst1")
    for url in (
        f"/api/reports/county/{OTHER_COUNTY}.html?evaluation={EVAL}",
        f"/api/evaluations/{EVAL}/counties/{OTHER_COUNTY}/export.xlsx",
        f"/api/evaluations/{EVAL}/export.xlsx",
        f"/api/imports/{batches['county2']}/quarantine",
    ):
        assert api.client.get(url, headers=h).status_code == 200, url


def test_county_reads_public_scores_of_every_county(api: Any) -> None:
    """Public aggregates: the ranking (all counties) and another county's profile."""
    r = api.client.get(f"/api/evaluations/{EVAL}", params={"year": 2020}, headers=api.h("county1"))
    assert r.status_code == 200 and r.json()["total"] == 2847
    p = api.client.get(f"/api/evaluations/{EVAL}/counties/{OTHER_COUNTY}", headers=api.h("county1"))
    assert p.status_code == 200 and p.json()["name"] == "海淀区"


def test_uploads_are_audited(api: Any, batches: dict[str, int]) -> None:
    items = api.client.get(
        "/api/admin/audit",
        params={"action": "import", "user": "county1", "limit": 1000},
        headers=api.h("admin1"),
    ).json()["items"]
    entry = next(i for i in items if i["target"] == "access-county1.csv")
    assert entry["detail"] == {
        "batch_id": batches["county1"],
        "status": "loaded",
        "source": f"county-{COUNTY}-access-county1",
        "rows_read": 2,
        "rows_loaded": 1,
        "rows_quarantined": 1,
        "rows_skipped": 0,
        "via": "api",
    }
