"""The enterprise evaluations through the REST API (``GET /api/analyses/<key>``): county accounts
see their own county's firms only, analysts every county; the catalogue lists them as
county-scoped without the CLI-only file options; invalid options are refused in Chinese.

The warehouse holds the synthetic firm registry of the API fixtures (示例数据: 2,000 firms of 湘潭县
with three years of firm-year data, seed 3; :func:`conftest.evaluated_warehouse`); 海淀区 is
the other county (an account of its own, no firms).
"""

from __future__ import annotations

from typing import Any

import pytest
from api_helpers import COUNTY, OTHER_COUNTY, Api

from xinzhi.labels import SYNTHETIC_NOTE

KEYS = ("mujun", "tiers", "size", "mujun-policy")
#: the table of each result with one row per firm
FIRM_TABLE = {
    "mujun": "评价结果",
    "tiers": "梯度判定",
    "size": "划型结果",
    "mujun-policy": "企业明细",
}
REFUSED_OTHER = f"县区用户只能查看本县区的企业记录等明细数据（请求的县区：{COUNTY}）"


def _firms_of_year(api: Api, county: str | None) -> tuple[int, int]:
    """(data year, firms with firm-year data that year) in the app's warehouse: the latest
    year, one county or all."""
    cur = api.client.app.state.db.cursor()  # type: ignore[attr-defined]
    try:
        year = cur.execute("SELECT max(year) FROM current_firm_years").fetchone()[0]
        sql = "SELECT count(DISTINCT y.credit_code) FROM current_firm_years y"
        params: list[Any] = []
        if county:
            sql += " JOIN current_firms f USING (credit_code) WHERE f.region_code = ? AND"
            params.append(county)
        else:
            sql += " WHERE"
        n = cur.execute(sql + " y.year = ?", [*params, year]).fetchone()[0]
    finally:
        cur.close()
    return int(year), int(n)


def _firm_codes(body: dict[str, Any], key: str) -> set[str]:
    return {str(r["credit_code"]) for r in body["tables"][FIRM_TABLE[key]]}


@pytest.mark.parametrize("key", KEYS)
def test_county_account_sees_its_own_county_only(api: Api, key: str) -> None:
    _, n_own = _firms_of_year(api, COUNTY)
    assert n_own >= 10  # the fixture gives 湘潭县 a real list of firms

    # tiers: the date's year decides the data year (latest before it): pin one with data
    extra = {"date": "2025-06-30"} if key == "tiers" else {}
    own = api.client.get(
        f"/api/analyses/{key}", params={"county": COUNTY, **extra}, headers=api.h("county1")
    )
    assert own.status_code == 200, own.text
    body = own.json()
    assert body["key"] == key
    assert body["notes"][0] == SYNTHETIC_NOTE
    codes = _firm_codes(body, key)
    # every firm of the result belongs to 湘潭县: the 18-character code holds the county
    # code in characters 3–8 (GB 32100-2015) and the synthetic codes follow it
    assert codes and {c[2:8] for c in codes} == {COUNTY}
    if key != "tiers":  # the tier data year is the year before the date
        assert len(codes) == n_own

    # the same county by its name: the same answer
    by_name = api.client.get(
        f"/api/analyses/{key}", params={"county": "湘潭县", **extra}, headers=api.h("county1")
    )
    assert by_name.status_code == 200
    assert _firm_codes(by_name.json(), key) == codes

    # another county's account: refused with the Chinese message, no firm returned
    other = api.client.get(
        f"/api/analyses/{key}", params={"county": COUNTY, **extra}, headers=api.h("county2")
    )
    assert other.status_code == 403
    assert other.json() == {"error": {"code": "forbidden", "message": REFUSED_OTHER}}
    assert "tables" not in other.json()

    # a county account naming no county would get every county's firms: refused
    none = api.client.get(f"/api/analyses/{key}", params=extra, headers=api.h("county1"))
    assert none.status_code == 403
    assert none.json()["error"]["code"] == "forbidden"
    assert none.json()["error"]["message"].startswith("县区用户只能查看本县区的企业记录")


@pytest.mark.parametrize("key", KEYS)
def test_analyst_sees_any_county_and_all_firms(api: Api, key: str) -> None:
    """An analyst (no county of its own) runs the evaluations for a county and, naming none,
    for every firm of the warehouse (the fixture's firms are all in 湘潭县); a county without
    firm data is a Chinese sentence (400), not a refusal."""
    year, n_all = _firms_of_year(api, None)
    _, n_own = _firms_of_year(api, COUNTY)
    assert n_all == n_own
    extra = {"date": "2025-06-30"} if key == "tiers" else {}
    everyone = api.client.get(f"/api/analyses/{key}", params=extra, headers=api.h("analyst1"))
    assert everyone.status_code == 200, everyone.text
    codes = _firm_codes(everyone.json(), key)
    county = api.client.get(
        f"/api/analyses/{key}", params={"county": COUNTY, **extra}, headers=api.h("analyst1")
    )
    assert county.status_code == 200
    assert _firm_codes(county.json(), key) == codes
    if key != "tiers":
        assert len(codes) == n_all
    other = api.client.get(
        f"/api/analyses/{key}",
        params={"county": OTHER_COUNTY, **extra},
        headers=api.h("analyst1"),
    )
    assert other.status_code == 400
    # the data year: the latest (2024), for tiers the latest before the date's year (2024 too)
    assert year == 2024
    assert other.json() == {
        "error": {
            "code": "invalid_input",
            "message": f"海淀区（{OTHER_COUNTY}）没有 {year} 年的企业年度数据",
        }
    }


def test_catalogue_lists_them_county_scoped_without_file_options(api: Api) -> None:
    r = api.client.get("/api/analyses", headers=api.h("county1"))
    assert r.status_code == 200
    items = {a["key"]: a for a in r.json()}
    for key in KEYS:
        a = items[key]
        assert a["family"] == "enterprise"
        assert a["scope"] == "county"
        assert a["route"] == f"GET /api/analyses/{key}"
        names = [o["name"] for o in a["options"]]
        assert "firms" not in names and "preset_file" not in names
        assert "county" in names and "year" in names
    assert [o["choices"] for o in items["mujun"]["options"] if o["name"] == "preset"] == [
        ["huaian", "huangyan", "tiantai", "jingning", "generic"]
    ]


def test_file_options_are_not_query_parameters(api: Api) -> None:
    """A path named in the query is ignored (never opened): the answer is the warehouse's."""
    plain = api.client.get(
        "/api/analyses/size", params={"county": COUNTY}, headers=api.h("county1")
    )
    with_path = api.client.get(
        "/api/analyses/size",
        params={"county": COUNTY, "firms": "/etc/passwd"},
        headers=api.h("county1"),
    )
    assert with_path.status_code == 200
    assert with_path.json()["tables"] == plain.json()["tables"]
    assert "firms" not in with_path.json()["options"]


@pytest.mark.parametrize("key", ["mujun", "mujun-policy"])
def test_unknown_preset_is_422(api: Api, key: str) -> None:
    r = api.client.get(
        f"/api/analyses/{key}",
        params={"county": COUNTY, "preset": "wenzhou"},
        headers=api.h("county1"),
    )
    assert r.status_code == 422
    err = r.json()["error"]
    assert err["code"] == "validation_error"
    assert err["message"].startswith("请求参数无效") and "preset" in err["message"]


@pytest.mark.parametrize("date", ["2026-13-40", "2026/04/01", "明天"])
def test_invalid_tier_date_is_a_chinese_4xx(api: Api, date: str) -> None:
    r = api.client.get(
        "/api/analyses/tiers", params={"county": COUNTY, "date": date}, headers=api.h("county1")
    )
    assert 400 <= r.status_code < 500
    assert r.json() == {
        "error": {
            "code": "invalid_input",
            "message": f"评定日期应写作 YYYY-MM-DD（如 2026-04-01），得到 {date!r}",
        }
    }


def test_out_of_range_year_and_unknown_county(api: Api) -> None:
    year = api.client.get(
        "/api/analyses/mujun", params={"county": COUNTY, "year": 1900}, headers=api.h("analyst1")
    )
    assert year.status_code == 422
    nodata = api.client.get(
        "/api/analyses/mujun", params={"county": COUNTY, "year": 2001}, headers=api.h("analyst1")
    )
    assert nodata.status_code == 400
    assert nodata.json()["error"] == {
        "code": "invalid_input",
        "message": f"湘潭县（{COUNTY}）没有 2001 年的企业年度数据",
    }
    unknown = api.client.get(
        "/api/analyses/size", params={"county": "不存在县"}, headers=api.h("analyst1")
    )
    assert 400 <= unknown.status_code < 500
    assert unknown.json()["error"]["message"]  # a Chinese sentence, never a traceback
