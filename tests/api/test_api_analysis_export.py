"""``GET /api/analyses/<key>/export.xlsx``: a declared analysis as a workbook, under the access
policy's download rule (county-scoped analyses: kind ``firms``, own county only; public ones:
kind ``analysis``, every account) and written to the audit log like every export."""

from __future__ import annotations

import io
from typing import Any

import openpyxl

from xinzhi.labels import SYNTHETIC_NOTE

XT = "430321"  # 湘潭县: county1's county (api_helpers); county2 is 110108


def _exports(api: Any) -> list[dict[str, Any]]:
    body = api.client.get(
        "/api/admin/audit", params={"action": "export", "limit": 1000}, headers=api.h("admin1")
    ).json()
    return list(body["items"])


def test_county_account_exports_its_own_firms_only(api: Any) -> None:
    before = len(_exports(api))
    other = api.client.get(
        "/api/analyses/mujun/export.xlsx", params={"county": XT}, headers=api.h("county2")
    )
    assert other.status_code == 403
    assert other.json()["error"]["message"] == (
        "县区用户只能查看本县区的企业记录等明细数据（请求的县区：430321）"
    )
    every = api.client.get("/api/analyses/mujun/export.xlsx", headers=api.h("county1"))
    assert every.status_code == 403  # no county: every county's firms
    assert len(_exports(api)) == before  # a refusal is not an export

    own = api.client.get(
        "/api/analyses/mujun/export.xlsx", params={"county": "湘潭县"}, headers=api.h("county1")
    )
    assert own.status_code == 200 and own.content[:4] == b"PK\x03\x04"
    book = openpyxl.load_workbook(io.BytesIO(own.content))
    assert book.sheetnames[0] == "评价结果" and book.sheetnames[-1] == "说明"
    assert ("数据性质", SYNTHETIC_NOTE) in [
        tuple(r) for r in book["说明"].iter_rows(values_only=True)
    ]
    last = _exports(api)[0]
    assert (last["user_name"], last["target"]) == ("county1", "firms:mujun:430321")
    assert (last["detail"]["kind"], last["detail"]["county"]) == ("firms", XT)


def test_public_analysis_workbook_for_every_account(api: Any) -> None:
    r = api.client.get(
        "/api/analyses/dagum/export.xlsx",
        params={"evaluation": "demo"},
        headers=api.h("county2"),
    )
    assert r.status_code == 200
    sheets = openpyxl.load_workbook(io.BytesIO(r.content)).sheetnames
    want = api.client.get(
        "/api/analyses/dagum", params={"evaluation": "demo"}, headers=api.h("county2")
    ).json()["tables"]
    assert sheets[: len(want)] == [name[:31] for name in want]
    assert _exports(api)[0]["target"] == "analysis:dagum"
