"""REST API of the talent base (``/api/talent/*``) on the small warehouse plus a synthetic
talent base of 湘潭县 (示例数据): 403 for another county, masking of names and phones for an
analyst (also in the export), the catalogue workbook, matches and radar."""

from __future__ import annotations

import datetime as dt
import io
import shutil
from collections.abc import Iterator
from typing import Any

import pandas as pd
import pytest
from api_helpers import Api, account_client

C0 = "430321"  # 湘潭县
ACCOUNTS = [
    ("admin1", "admin", None),
    ("analyst1", "analyst", None),
    ("county1", "county", C0),
    ("county2", "county", "430121"),  # 长沙县
]


@pytest.fixture(scope="module")
def api(small_warehouse: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:

    from xinzhi import store
    from xinzhi.pipelines.talent import generate_talent_base

    folder = tmp_path_factory.mktemp("talent-api")
    db = folder / "talent.duckdb"
    shutil.copy(small_warehouse.db, db)
    con = store.connect(db)
    generate_talent_base(
        con, county=C0, seed=4, n_talents=200, n_jobs=60, as_of=dt.date(2026, 6, 30)
    )
    con.close()
    with account_client(db, ACCOUNTS) as (client, tokens):
        yield Api(client, db, tokens)


def _get(api: Api, who: str, path: str) -> Any:
    return api.client.get(f"/api/talent/{path}", headers=api.h(who))


def test_bases_counts_for_the_own_county(api: Api) -> None:
    r = _get(api, "county1", "bases")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["county"] == C0
    assert (body["talents"], body["jobs"], body["synthetic"]) == (200, 60, 200)
    assert body["retention"] == {"talents": None, "jobs": None}


@pytest.mark.parametrize(
    "path",
    [
        f"talents?county={C0}",
        f"jobs?county={C0}",
        f"shortage?county={C0}",
        f"shortage.xlsx?county={C0}",
        f"talents.xlsx?county={C0}",
        f"radar?county={C0}&person_id=ST43032100000&job_id=SJ43032100000",
        f"matches?county={C0}&job_id=SJ43032100000&embedder=none",
    ],
)
def test_other_county_is_forbidden(api: Api, path: str) -> None:
    r = _get(api, "county2", path)
    assert r.status_code == 403, r.text
    assert r.json()["error"]["code"] == "forbidden"


def test_county_account_without_county_sees_its_own(api: Api) -> None:
    r = _get(api, "county1", "talents?limit=5")
    assert r.status_code == 200
    assert r.json()["county"] == C0 and r.json()["total"] == 200
    assert any("示例数据" in n for n in r.json()["notes"])


def test_names_and_phones_masked_for_the_analyst(api: Api) -> None:
    own = _get(api, "county1", f"talents?county={C0}&limit=3").json()["items"]
    assert own[0]["phone"].startswith("1990000") and "*" not in own[0]["name"]
    masked = _get(api, "analyst1", f"talents?county={C0}&limit=3").json()["items"]
    assert all("*" in row["phone"] and "*" in row["name"] for row in masked)


def test_analyst_export_contains_no_phone_numbers(api: Api) -> None:
    r = _get(api, "analyst1", f"talents.xlsx?county={C0}")
    assert r.status_code == 200
    sheet = pd.read_excel(io.BytesIO(r.content), sheet_name="人才库", engine="openpyxl")
    assert len(sheet) == 200
    text = sheet.astype(str).to_numpy().ravel()
    assert not any(pd.Series(text).str.contains(r"1\d{10}"))  # no full phone number anywhere


def test_shortage_and_its_workbook(api: Api) -> None:
    body = _get(api, "county1", f"shortage?county={C0}&chains=工程机械").json()
    assert body["catalogue"] and body["chain_map"]
    first = body["catalogue"][0]
    assert first["stars"] >= body["catalogue"][-1]["stars"]
    assert first["evidence"].startswith("岗位需求")
    r = _get(api, "county1", f"shortage.xlsx?county={C0}")
    assert r.status_code == 200
    book = pd.read_excel(io.BytesIO(r.content), sheet_name=None, engine="openpyxl")
    assert list(book)[:2] == ["封面", "紧缺人才目录"]


def test_matches_and_radar(api: Api) -> None:
    r = _get(api, "admin1", f"matches?county={C0}&job_id=SJ43032100000&k=3&embedder=none")
    assert r.status_code == 200, r.text
    items = r.json()["items"]
    assert len(items) <= 3 and all(0 <= i["match_pct"] <= 100 for i in items)
    r = _get(api, "county1", "matches?embedder=none")
    assert r.status_code == 400  # neither a job nor a talent
    r = _get(api, "county1", f"radar?county={C0}&person_id=ST43032100000&job_id=SJ43032100000")
    assert r.status_code == 200
    assert [a["axis"] for a in r.json()["axes"]][-2:] == ["学历", "工作经验"]
