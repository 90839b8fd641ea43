"""A county's own data through the REST API (``/api/data/*``, xinzhi.pipelines.my_data): values
with their provenance, a correction as a new batch, the county policy (403 with the policy's
Chinese message), range checks (400), a user indicator mapped to a catalogue indicator, and the
audit entries ``value_correct`` / ``indicator_map`` — on a copy of the small warehouse
(示例数据)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from typing import Any

import pytest
from api_helpers import PASSWORD, Api, account_client

ACCOUNTS = [
    ("admin1", "admin", None),
    ("analyst1", "analyst", None),
    ("county1", "county", "430321"),  # 湘潭县
    ("county2", "county", "430381"),  # 湘乡市
]

OTHER_DENIED = {
    "code": "forbidden",
    "message": "县区用户只能查看本县区的企业记录等明细数据（请求的县区：430381）",
}


@pytest.fixture(scope="module")
def api(small_warehouse: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:

    db = tmp_path_factory.mktemp("my-data-api") / "xinzhi.duckdb"
    shutil.copy(small_warehouse.db, db)
    with account_client(db, ACCOUNTS) as (client, tokens):
        yield Api(client, db, tokens)


def _values(api: Api, who: str, county: str, year: int | None = None) -> Any:
    params: dict[str, Any] = {"county": county}
    if year is not None:
        params["year"] = year
    return api.client.get("/api/data/values", params=params, headers=api.h(who))


def _row(body: dict[str, Any], indicator: str) -> dict[str, Any]:
    (row,) = [r for r in body["items"] if r["indicator"] == indicator]
    return row


def _audit(api: Api, action: str) -> list[dict[str, Any]]:
    r = api.client.get(
        "/api/admin/audit", params={"action": action, "limit": 100}, headers=api.h("admin1")
    )
    assert r.status_code == 200, r.text
    return list(r.json()["items"])


def _correct(api: Api, who: str, **body: Any) -> Any:
    return api.client.post("/api/data/corrections", json=body, headers=api.h(who))


def test_analyst_corrects_a_value_and_sees_it_with_batch_and_importer(api: Api) -> None:
    r = _values(api, "analyst1", "湘潭县", 2010)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["columns"]["imported_by"] == "导入人" and body["columns"]["batch_id"] == "批次"
    before = _row(body, "age_15_64_share")
    # the small warehouse's 示例数据 batch 1 holds 0.7348 for 湘潭县 2010
    assert (before["value"], before["batch_id"], before["unit"], before["kind"]) == (
        0.7348,
        1,
        "比例",
        "目录指标",
    )
    assert before["source"] == "示例数据-县域指标"

    r = _correct(
        api,
        "analyst1",
        county="430321",
        indicator="age_15_64_share",
        year=2010,
        value=0.74,
        note="年鉴勘误",
    )
    assert r.status_code == 200, r.text
    out = r.json()
    batch = out["batch_id"]
    assert isinstance(batch, int) and batch > 1
    assert out["values_loaded"] == 1 and out["indicators_loaded"] == ["age_15_64_share"]
    assert out["superseded"] == []  # batch 1 is a different source: it stays as it is
    assert f"批次 {batch}" in out["summary"] and "更正说明：年鉴勘误" in out["warnings"]

    after = _row(_values(api, "analyst1", "430321", 2010).json(), "age_15_64_share")
    assert (after["value"], after["batch_id"], after["imported_by"]) == (0.74, batch, "analyst1")
    assert after["file_name"] == "更正：15–64 岁人口比重"
    assert len(after["imported_at"]) == len("2026-01-01 00:00:00")  # to the second

    entries = [e for e in _audit(api, "value_correct") if e["detail"]["batch"] == batch]
    (entry,) = entries
    assert entry["user_name"] == "analyst1"
    assert entry["target"] == "430321:age_15_64_share:2010"
    assert entry["detail"]["from"] == 0.7348 and entry["detail"]["to"] == 0.74
    assert entry["detail"]["note"] == "年鉴勘误" and entry["ip"] == "testclient"


def test_county_account_corrects_its_own_county_only(api: Api) -> None:
    n_before = len(_audit(api, "value_correct"))
    r = _correct(api, "county1", county="湘乡市", indicator="age_15_64_share", year=2010, value=0.5)
    assert r.status_code == 403
    assert r.json() == {"error": OTHER_DENIED}
    r = _values(api, "county1", "湘乡市")
    assert r.status_code == 403 and r.json() == {"error": OTHER_DENIED}
    assert len(_audit(api, "value_correct")) == n_before  # a refusal changes nothing

    r = _correct(api, "county1", county="湘潭县", indicator="urban_share", year=2020, value=0.41)
    assert r.status_code == 200, r.text
    batch = r.json()["batch_id"]
    # the county account sees its own correction; the unowned 示例数据 batch it does not see
    mine = _values(api, "county1", "湘潭县", 2020).json()
    assert [(i["indicator"], i["value"], i["batch_id"]) for i in mine["items"]] == [
        ("urban_share", 0.41, batch)
    ]
    seen = _row(_values(api, "analyst1", "湘潭县", 2020).json(), "urban_share")
    assert (seen["value"], seen["imported_by"]) == (0.41, "county1")
    assert len(_audit(api, "value_correct")) == n_before + 1


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            {"indicator": "age_15_64_share", "value": 1.5},
            "指标 15–64 岁人口比重 的数值应在 0～1（比例）之间，收到 1.5",
        ),
        (
            {"indicator": "age_15_64_share", "value": -0.01},
            "指标 15–64 岁人口比重 的数值应在 0～1（比例）之间，收到 -0.01",
        ),
        ({"indicator": "nope", "value": 1.0}, "数据仓库中没有指标 nope"),
        (
            {"indicator": "age_15_64_share", "value": 0.5, "year": 1980},
            "年份应在 1981～2100 之间，收到 1980",
        ),
    ],
)
def test_values_out_of_range_are_400_in_chinese(
    api: Api, body: dict[str, Any], message: str
) -> None:
    full = {"county": "湘潭县", "year": 2010, **body}
    r = _correct(api, "analyst1", **full)
    assert r.status_code == 400
    assert r.json() == {"error": {"code": "invalid_input", "message": message}}


def test_share_at_its_bounds_is_accepted(api: Api) -> None:
    # edges of [0, 1]: exactly 1 and exactly 0 are possible shares
    for v in (1.0, 0.0):
        r = _correct(
            api, "analyst1", county="韶山市", indicator="age_15_64_share", year=2010, value=v
        )
        assert r.status_code == 200, r.text
    row = _row(_values(api, "analyst1", "430382", 2010).json(), "age_15_64_share")
    assert row["value"] == 0.0  # the second correction supersedes the first


def test_map_a_user_indicator_to_the_catalogue(api: Api) -> None:
    csv = "地区,规上工业总产值(亿元)\n湘潭县,12.5\n湘乡市,3\n".encode()
    r = api.client.post(
        "/api/imports",
        files={"file": ("yearbook.csv", csv, "text/csv")},
        data={"year": "2020"},
        headers=api.h("analyst1"),
    )
    assert r.status_code == 200, r.text
    assert list(r.json()["columns_new"]) == ["规上工业总产值(亿元)"]
    upload = r.json()["batch_id"]
    items = _values(api, "analyst1", "湘潭县", 2020).json()["items"]
    (user_ind,) = [i for i in items if i["kind"] == "用户指标"]
    code = user_ind["indicator"]
    # 12.5 亿元 = 12.5 × 10,000 万元 = 125,000 万元
    assert (user_ind["value"], user_ind["unit"], user_ind["batch_id"]) == (
        125_000.0,
        "万元",
        upload,
    )

    # a county account does not see the analyst's upload: nothing of its own to map
    r = api.client.post(
        "/api/data/mappings",
        json={"code": code, "target": "industrial_va_above_scale"},
        headers=api.h("county1"),
    )
    assert r.status_code == 400
    assert r.json()["error"]["message"].endswith("没有可对应的数值")

    r = api.client.post(
        "/api/data/mappings",
        json={"code": code, "target": "industrial_va_above_scale"},
        headers=api.h("analyst1"),
    )
    assert r.status_code == 200, r.text
    out = r.json()
    mapped = out["batch_id"]
    assert out["values_loaded"] == 2 and out["indicators_loaded"] == ["industrial_va_above_scale"]
    for county, expected in (("湘潭县", 125_000.0), ("湘乡市", 30_000.0)):  # 3 亿元 = 30,000 万元
        got = _values(api, "analyst1", county, 2020).json()
        row = _row(got, "industrial_va_above_scale")
        assert (row["value"], row["batch_id"], row["kind"]) == (expected, mapped, "目录指标")
        assert row["imported_by"] == "analyst1"
        assert _row(got, code)["value"] == expected  # the user indicator's value stays

    (entry,) = [e for e in _audit(api, "indicator_map") if e["detail"]["batch"] == mapped]
    assert entry["target"] == f"{code}→industrial_va_above_scale"
    assert entry["user_name"] == "analyst1" and entry["detail"]["values"] == 2
    assert entry["detail"]["factor"] == 1.0 and entry["ip"] == "testclient"

    r = api.client.post(
        "/api/data/mappings",
        json={"code": code, "target": "age_15_64_share"},
        headers=api.h("analyst1"),
    )
    assert r.status_code == 400 and "无法换算" in r.json()["error"]["message"]
    r = api.client.post(
        "/api/data/mappings",
        json={"code": "age_15_64_share", "target": "gdp"},
        headers=api.h("analyst1"),
    )
    assert r.status_code == 400
    assert (
        r.json()["error"]["message"] == "15–64 岁人口比重（age_15_64_share）不是用户指标，无需对应"
    )


def test_catalogue_choices_for_every_account(api: Api) -> None:
    for who in ("county1", "analyst1"):
        r = api.client.get("/api/data/catalogue", headers=api.h(who))
        assert r.status_code == 200, r.text
        items = {i["code"]: i["label"] for i in r.json()["items"]}
        assert items["age_15_64_share"] == "15–64 岁人口比重（比例）"
        assert items["industrial_va_above_scale"] == "规模以上工业增加值（万元）"


@pytest.mark.parametrize(
    ("method", "url", "body"),
    [
        ("get", "/api/data/values?county=430321", None),
        ("get", "/api/data/catalogue", None),
        (
            "post",
            "/api/data/corrections",
            {"county": "430321", "indicator": "gdp", "year": 2020, "value": 1.0},
        ),
        ("post", "/api/data/mappings", {"code": "x", "target": "gdp"}),
    ],
)
def test_not_logged_in_is_401(api: Api, method: str, url: str, body: Any) -> None:
    r = api.client.request(method.upper(), url, json=body)
    assert r.status_code == 401
    assert r.json()["error"] == {
        "code": "unauthenticated",
        "message": "未登录或登录已过期（请先登录）",
    }


def test_county_account_maps_its_own_county_only(api: Api) -> None:
    # the county account's upload keeps its own row; 湘乡市's row is quarantined (upload rule)
    csv = "地区,规上工业营业收入(亿元)\n湘潭县,20\n湘乡市,7\n".encode()
    r = api.client.post(
        "/api/imports",
        files={"file": ("own.csv", csv, "text/csv")},
        data={"year": "2020"},
        headers=api.h("county1"),
    )
    assert r.status_code == 200, r.text
    assert (r.json()["rows_loaded"], r.json()["rows_quarantined"]) == (1, 1)
    items = _values(api, "county1", "湘潭县", 2020).json()["items"]
    (user_ind,) = [i for i in items if i["kind"] == "用户指标"]
    assert user_ind["value"] == 200_000.0  # 20 亿元 = 200,000 万元
    r = api.client.post(
        "/api/data/mappings",
        json={"code": user_ind["indicator"], "target": "industrial_va_above_scale"},
        headers=api.h("county1"),
    )
    assert r.status_code == 200, r.text
    out = r.json()
    assert out["values_loaded"] == 1  # 湘潭县 only
    row = _row(_values(api, "county1", "湘潭县", 2020).json(), "industrial_va_above_scale")
    assert (row["value"], row["batch_id"], row["imported_by"]) == (
        200_000.0,
        out["batch_id"],
        "county1",
    )
    assert row["source"] == f"county-430321-对应:{user_ind['indicator']}:industrial_va_above_scale"


def test_cookie_session_needs_the_csrf_token(api: Api) -> None:
    from fastapi.testclient import TestClient

    c = TestClient(api.client.app)  # its own cookie jar
    r = c.post("/api/auth/login", json={"username": "analyst1", "password": PASSWORD})
    assert r.status_code == 200, r.text
    csrf = r.json()["csrf_token"]
    body = {"county": "长沙县", "indicator": "urban_share", "year": 2020, "value": 0.5}
    for headers in ({}, {"X-CSRF-Token": "wrong"}):
        r = c.post("/api/data/corrections", json=body, headers=headers)
        assert r.status_code == 403 and r.json()["error"]["code"] == "csrf_failed"
    assert c.get("/api/data/values", params={"county": "长沙县"}).status_code == 200  # GET: none
    r = c.post("/api/data/corrections", json=body, headers={"X-CSRF-Token": csrf})
    assert r.status_code == 200, r.text
