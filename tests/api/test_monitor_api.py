"""REST API of monitoring (监测预警, ``/api/monitor/*``) on a warehouse built in code: the small
warehouse (:mod:`fixtures.warehouse`) plus a yearly panel (示例数据) whose signals, trends and
change points are worked out by hand below; the access policy (a county account sees and edits
its own county only), the audit log and the digest workbook.

Panel (level basis, history window 3 years, signals of 2021):

* 长沙县 430121 gdp 9, 10, 11, 9, 10, 11, 9, 10, 12.01 (2013–2021): history 2018–2020 = 11, 9,
  10 → μ 10, σ 1; 12.01 > μ + 2σ = 12 → 红. emp_sec_A (negative) 0.09, 0.10, 0.11 … 0.15:
  y = −0.15 < −0.10 − 2·0.01 → 蓝. Index: (5 + 1)/2 = 3 → 100, two alerts.
* 宁乡 (430124 → 430182 in 2017) gdp as 长沙县 with 7.99 in 2021 < 8 → 蓝.
* 湘潭县 430321 gdp 10 000 (2010–2015), 20 000 (2016–2021): no signal in 2021 (history all
  20 000: zero spread); Mann–Kendall S = 36 (6·6 rising pairs), ties two groups of 6 → Var(S) =
  (12·11·29 − 2·6·5·17)/18 = (3828 − 1020)/18 = 156, z = 35/√156 = 2.802 → 上升; Sen slope
  median of 30 zeros and 36 positive slopes 10 000/Δt → the 33rd and 34th smallest are
  10 000/10 and 10 000/9 → 1000·(1 + 10/9)/2 = 1000·19/18; one change point, 2016 (first year of the new level).
  fiscal_revenue 100, 101, …, 108 (2013–2021): history 105, 106, 107 → μ 106, σ 1; 108 =
  μ + 2σ (equal to the cut: the colour nearer green) → 黄.
"""

from __future__ import annotations

import io
import math
import shutil
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from api_helpers import Api, account_client

CHANGSHA = [9.0, 10.0, 11.0, 9.0, 10.0, 11.0, 9.0, 10.0, 12.01]
NINGXIANG = [*CHANGSHA[:-1], 7.99]
AGRI = [0.09, 0.10, 0.11, 0.09, 0.10, 0.11, 0.09, 0.10, 0.15]
YEARS = list(range(2013, 2022))
ACCOUNTS = [
    ("admin1", "admin", None),
    ("analyst1", "analyst", None),
    ("county1", "county", "430321"),  # 湘潭县
    ("county2", "county", "430121"),  # 长沙县
]
OPTS = "indicators=gdp,emp_sec_A,fiscal_revenue&basis=level&window=3"


def monitor_table() -> pd.DataFrame:
    """The yearly panel of the module docstring (long: 地区代码, 年份, 指标, 数值)."""
    rows = []
    for k, y in enumerate(YEARS):
        rows.append(("430121", y, "gdp", CHANGSHA[k]))
        rows.append(("430124" if y <= 2016 else "430182", y, "gdp", NINGXIANG[k]))
        rows.append(("430121", y, "emp_sec_A", AGRI[k]))
        rows.append(("430321", y, "fiscal_revenue", 100.0 + k))
    for y in range(2010, 2022):
        rows.append(("430321", y, "gdp", 10_000.0 if y < 2016 else 20_000.0))
    return pd.DataFrame(rows, columns=["地区代码", "年份", "指标", "数值"])


def build_monitor_warehouse(small: Any, folder: Path) -> Path:
    """A copy of the small warehouse ``small`` in ``folder`` with :func:`monitor_table`
    imported."""
    from xinzhi import store
    from xinzhi.ingest import import_file

    db = folder / "monitor.duckdb"
    shutil.copy(small.db, db)
    csv = folder / "示例数据-监测.csv"
    table = monitor_table()
    table.to_csv(csv, index=False, encoding="utf-8")
    registry = small.registry

    def resolve(
        values: Sequence[str], year: int | None, parent: Sequence[str | None] | None
    ) -> pd.DataFrame:
        return registry.resolve_many(values, min(year or 2021, 2021), parent=parent, level="county")

    con = store.connect(db)
    try:
        rep = import_file(csv, fmt="long", source="monitor-test", con=con, resolver=resolve)
        assert rep.rows_loaded == len(table), rep
    finally:
        con.close()
    return db


@pytest.fixture(scope="module")
def api(small_warehouse: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    folder = tmp_path_factory.mktemp("monitor-api")
    db = build_monitor_warehouse(small_warehouse, folder)

    with account_client(db, ACCOUNTS) as (client, tokens):
        yield Api(client, db, tokens)


def _cells(body: dict) -> dict[tuple[str, str], dict]:
    return {(c["region_code"], c["indicator"]): c for c in body["cells"]}


def test_matrix_colours_and_rules(api: Api) -> None:
    r = api.client.get(f"/api/monitor/matrix?{OPTS}", headers=api.h("analyst1"))
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["year"] == 2021 and body["method"] == "sigma"
    cells = _cells(body)
    red = cells[("430121", "gdp")]
    assert (red["signal"], red["county"]) == ("红", "长沙县")
    assert red["value"] == 12.01 and red["centre"] == 10.0
    assert red["rule"] == "数值 > μ+2σ"
    assert math.isclose(red["score"], (12.01 - 10) / 1)
    assert cells[("430182", "gdp")]["signal"] == "蓝"
    assert cells[("430121", "emp_sec_A")]["signal"] == "蓝"
    yellow = cells[("430321", "fiscal_revenue")]
    assert (yellow["signal"], yellow["rule"]) == ("黄", "μ+1σ < 数值 ≤ μ+2σ")
    flat = cells[("430321", "gdp")]
    assert (flat["signal"], flat["rule"]) == ("", "历史波动为零，无法分档")
    assert body["colours"]["红"] == "#d62728" and len(body["colours"]) == 5
    idx = {r["region_code"]: r for r in body["index"]}
    assert (idx["430121"]["index"], idx["430121"]["alerts"]) == (100.0, 2)
    assert [i["indicator"] for i in body["indicators"]] == ["emp_sec_A", "fiscal_revenue", "gdp"]


def test_county_account_sees_its_own_row_only(api: Api) -> None:
    r = api.client.get(f"/api/monitor/matrix?{OPTS}", headers=api.h("county1"))
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["county"] == "430321"
    assert {c["region_code"] for c in body["cells"]} == {"430321"}
    other = api.client.get(f"/api/monitor/counties/430121?{OPTS}", headers=api.h("county1"))
    assert other.status_code == 403
    assert other.json()["error"]["code"] == "forbidden"
    assert other.json()["error"]["message"] == (
        "县区用户只能查看和填写本县区的监测信号与年度目标（请求的县区：430121）"
    )


def test_matrix_workbook(api: Api) -> None:
    r = api.client.get(f"/api/monitor/matrix.xlsx?{OPTS}", headers=api.h("county1"))
    assert r.status_code == 200, r.text
    sheets = pd.read_excel(io.BytesIO(r.content), sheet_name=None)
    assert list(sheets) == ["信号矩阵2021", "信号明细", "综合预警指数", "说明"]
    wide = sheets["信号矩阵2021"]
    # the county account's own row only: 湘潭县's 一般公共预算收入 黄, 地区生产总值 without signal
    assert wide["区划代码"].astype(str).tolist() == ["430321"]
    assert wide["一般公共预算收入"].tolist() == ["黄"]
    assert wide["地区生产总值"].isna().tolist() == [True]
    log = api.client.get("/api/admin/audit", headers=api.h("admin1")).json()
    items = log["items"] if isinstance(log, dict) else log
    assert "analysis:monitor-signals" in [e["target"] for e in items if e["action"] == "export"]


def test_county_drill_down(api: Api) -> None:
    r = api.client.get(f"/api/monitor/counties/湘潭县?{OPTS}", headers=api.h("county1"))
    assert r.status_code == 200, r.text
    body = r.json()
    assert (body["region_code"], body["county"], body["year"]) == ("430321", "湘潭县", 2021)
    trends = {t["indicator"]: t for t in body["trends"]}
    gdp = trends["gdp"]
    assert (gdp["n"], gdp["s"], gdp["var_s"]) == (12, 36.0, 156.0)
    assert math.isclose(gdp["z"], 35 / math.sqrt(156))
    assert math.isclose(gdp["slope"], 1000 * 19 / 18)
    assert (gdp["trend"], gdp["change_points"]) == ("上升", "2016")
    series = [s for s in body["series"] if s["indicator"] == "gdp"]
    assert [s["year"] for s in series] == list(range(2010, 2022))
    # Sen line: intercept + slope·(year − 2010)
    line = [s["sen"] for s in series]
    assert math.isclose(line[-1] - line[0], 11 * 1000 * 19 / 18)
    digest = {d["indicator"]: d for d in body["digest"]}
    assert (digest["fiscal_revenue"]["signal_prev"], digest["fiscal_revenue"]["signal"]) == (
        "黄",  # 2020: 107 against 104, 105, 106 → μ 105, σ 1 → 107 = μ + 2σ → 黄
        "黄",
    )
    assert digest["fiscal_revenue"]["change"] == "持平"
    assert "湘潭县（430321）2021 年监测简报" in body["summary"]


def test_digest_workbook_is_audited(api: Api) -> None:
    r = api.client.get(
        f"/api/monitor/counties/430121/digest.xlsx?{OPTS}", headers=api.h("analyst1")
    )
    assert r.status_code == 200, r.text
    sheets = pd.read_excel(io.BytesIO(r.content), sheet_name=None)
    assert list(sheets)[:2] == ["指标变化", "综合预警指数"]
    changes = sheets["指标变化"].set_index("指标代码")
    assert changes.loc["gdp", "本年信号"] == "红" and changes.loc["gdp", "变化"] == "新亮红灯"
    log = api.client.get("/api/admin/audit", headers=api.h("admin1")).json()
    items = log["items"] if isinstance(log, dict) else log
    targets = [e["target"] for e in items if e["action"] == "export"]
    assert "report:monitor-digest:430121:2021.xlsx" in targets
    denied = api.client.get(
        f"/api/monitor/counties/430121/digest.xlsx?{OPTS}", headers=api.h("county1")
    )
    assert denied.status_code == 403


def test_targets_editor_and_target_signals(api: Api) -> None:
    # 湘潭县 gdp 2021 is 20 000: target 20 000 → gap 0 → 绿; target 16 000 →
    # (20 000 − 16 000)/16 000 = 25 % > 20 % → 红
    h = api.h("county1")
    put = api.client.put(
        "/api/monitor/targets", json={"indicator": "gdp", "year": 2021, "value": 20_000}, headers=h
    )
    assert put.status_code == 200, put.text
    assert put.json() == {
        "region_code": "430321",
        "county": "湘潭县",
        "indicator": "gdp",
        "year": 2021,
        "value": 20_000.0,
        "account": "county1",
    }
    q = "indicators=gdp&method=target"
    cells = _cells(api.client.get(f"/api/monitor/matrix?{q}", headers=h).json())
    assert cells[("430321", "gdp")]["signal"] == "绿"
    api.client.put(
        "/api/monitor/targets",
        json={"county": "430321", "indicator": "地区生产总值", "year": 2021, "value": 16_000},
        headers=h,
    )
    cells = _cells(api.client.get(f"/api/monitor/matrix?{q}", headers=h).json())
    assert cells[("430321", "gdp")]["signal"] == "红"
    assert math.isclose(cells[("430321", "gdp")]["score"], (20_000 - 16_000) / 16_000)
    listed = api.client.get("/api/monitor/targets", headers=h).json()["items"]
    assert [(t["indicator"], t["year"], t["value"], t["source"]) for t in listed] == [
        ("gdp", 2021, 16_000.0, "填写")
    ]
    log = api.client.get("/api/admin/audit", headers=api.h("admin1")).json()
    items = log["items"] if isinstance(log, dict) else log
    assert "target:430321:gdp:2021" in [e["target"] for e in items if e["action"] == "target_set"]


def test_county_account_cannot_read_or_edit_another_countys_targets(api: Api) -> None:
    h = api.h("county1")
    r = api.client.get("/api/monitor/targets?county=430121", headers=h)
    assert r.status_code == 403 and r.json()["error"]["code"] == "forbidden"
    w = api.client.put(
        "/api/monitor/targets",
        json={"county": "长沙县", "indicator": "gdp", "year": 2021, "value": 11},
        headers=h,
    )
    assert w.status_code == 403
    ok = api.client.put(
        "/api/monitor/targets",
        json={"county": "长沙县", "indicator": "gdp", "year": 2021, "value": 11},
        headers=api.h("analyst1"),
    )
    assert ok.status_code == 200
    assert "430121" in {
        t["region_code"]
        for t in api.client.get("/api/monitor/targets", headers=api.h("analyst1")).json()["items"]
    }
    # the county account's list is still its own county only
    own = api.client.get("/api/monitor/targets", headers=h).json()["items"]
    assert {t["region_code"] for t in own} <= {"430321"}


def test_errors_in_chinese(api: Api) -> None:
    h = api.h("analyst1")
    bad = api.client.put(
        "/api/monitor/targets",
        json={"county": "430121", "indicator": "emp_sec_A", "year": 2021, "value": 1.5},
        headers=h,
    )
    assert bad.status_code == 400 and "不可能" in bad.json()["error"]["message"]
    unknown = api.client.get("/api/monitor/matrix?indicators=幸福指数", headers=h)
    assert unknown.status_code == 400 and "指标目录" in unknown.json()["error"]["message"]
    year = api.client.get(f"/api/monitor/matrix?{OPTS}&year=1999", headers=h)
    assert year.status_code == 400 and "1999" in year.json()["error"]["message"]
    method = api.client.get("/api/monitor/matrix?method=magic", headers=h)
    assert method.status_code == 422
    noauth = api.client.get("/api/monitor/matrix")
    assert noauth.status_code == 401
