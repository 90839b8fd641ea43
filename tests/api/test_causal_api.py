"""REST API of policy evaluation (政策评估, ``/api/causal/*``) on a warehouse built in code: the
small warehouse (:mod:`fixtures.warehouse`) plus a constructed panel with a known effect
(示例数据) and two pilot lists imported through the pipeline.

Counties i = 0 … 9 (430121 长沙县, 430182 宁乡 (430124 until 2016), 430321 湘潭县, 430381 湘乡市,
430382 韶山市, 320582 张家港市, 320583 昆山市, 620121 永登县, 620122 皋兰县, 620123 榆中县),
years 2013–2020, s_i = (−1)^i:

* gdp = 100 + 10·i + 5·(t − 2013) + 2·D + 0.1·s_i·(−1)^t, D = 1 for 湘潭县 (i = 2) and 湘乡市
  (i = 3) from 2017 (policy 创新型县). The disturbance is orthogonal to the treatment after the
  two-way fixed effects: Σ_i (T_i − T̄)·s_i = (+1 − 1) − 0.2·Σ_i s_i = 0, so TWFE = 2 and every
  event-time coefficient is 2 after and 0 before the start; for Callaway–Sant'Anna the
  long differences of the disturbance, 0.1·s_i·((−1)^t − 1), average to 0 over the treated
  (s = +1, −1) and over the never-treated (four even, four odd i): every post ATT(2017, t) = 2.
* fiscal_revenue = 10 + i + 0.5·(t − 2013) + 2·D', D' = 1 for 韶山市 (i = 4) from 2017
  (policy 单县试点): additive effects only, so any weighted DiD whose unit and time weights sum
  to one (SDID) gives 2 exactly; 韶山's unit effect 4 is inside the donors' 0 … 9, so the
  synthetic control fits the pre-period and its post gap is 2.
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

UNITS = [
    "430121",
    "430182",
    "430321",
    "430381",
    "430382",
    "320582",
    "320583",
    "620121",
    "620122",
    "620123",
]
YEARS = list(range(2013, 2021))
PILOTS = """县（市、区）,试点名称,批复年份
湘潭县,创新型县,2017
湘乡市,创新型县,2017
韶山市,单县试点,2017
"""
ACCOUNTS = [
    ("admin1", "admin", None),
    ("analyst1", "analyst", None),
    ("county1", "county", "430321"),
]


def causal_table() -> pd.DataFrame:
    rows = []
    for i, code in enumerate(UNITS):
        s = 1 if i % 2 == 0 else -1
        for t in YEARS:
            c = "430124" if code == "430182" and t <= 2016 else code
            d = 1 if code in ("430321", "430381") and t >= 2017 else 0
            d2 = 1 if code == "430382" and t >= 2017 else 0
            sign = 1 if t % 2 == 0 else -1
            gdp = 100 + 10 * i + 5 * (t - 2013) + 2 * d + 0.1 * s * sign
            fiscal = 10 + i + 0.5 * (t - 2013) + 2 * d2
            rows.append((c, t, "gdp", gdp))
            rows.append((c, t, "fiscal_revenue", fiscal))
    return pd.DataFrame(rows, columns=["地区代码", "年份", "指标", "数值"])


def build_causal_warehouse(small: Any, folder: Path) -> Path:
    """A copy of the small warehouse with :func:`causal_table` and the pilot lists imported."""
    from xinzhi import store
    from xinzhi.ingest import import_file
    from xinzhi.pipelines.causal import import_pilot_file

    db = folder / "causal.duckdb"
    shutil.copy(small.db, db)
    csv = folder / "示例数据-因果.csv"
    table = causal_table()
    table.to_csv(csv, index=False, encoding="utf-8")
    registry = small.registry

    def resolve(
        values: Sequence[str], year: int | None, parent: Sequence[str | None] | None
    ) -> pd.DataFrame:
        return registry.resolve_many(values, min(year or 2021, 2021), parent=parent, level="county")

    con = store.connect(db)
    try:
        rep = import_file(csv, fmt="long", source="causal-test", con=con, resolver=resolve)
        assert rep.rows_loaded == len(table), rep
    finally:
        con.close()
    pilots = folder / "示例数据-试点名单.csv"
    pilots.write_text(PILOTS, encoding="utf-8")
    rep = import_pilot_file(pilots, db=db)
    assert rep.rows_loaded == 3, rep
    return db


@pytest.fixture(scope="module")
def api(small_warehouse: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:

    db = build_causal_warehouse(small_warehouse, tmp_path_factory.mktemp("causal-api"))
    with account_client(db, ACCOUNTS) as (client, tokens):
        yield Api(client, db, tokens)


def _effect(api: Api, query: str, who: str = "analyst1") -> dict[str, Any]:
    r = api.client.get(f"/api/causal/effect?{query}", headers=api.h(who))
    assert r.status_code == 200, r.text
    return r.json()  # type: ignore[no-any-return]


def test_pilot_tables_and_outcomes(api: Api) -> None:
    r = api.client.get("/api/causal/pilots", headers=api.h("county1"))
    assert r.status_code == 200, r.text
    assert [(p["policy"], p["counties"], p["cohorts"]) for p in r.json()["items"]] == [
        ("创新型县", 2, "2017"),  # by policy name (code points: 创 U+521B < 单 U+5355)
        ("单县试点", 1, "2017"),
    ]
    out = api.client.get("/api/causal/outcomes", headers=api.h("analyst1")).json()["items"]
    by_key = {o["key"]: o for o in out}
    assert (by_key["gdp"]["kind"], by_key["gdp"]["label"], by_key["gdp"]["years"]) == (
        "indicator",
        "地区生产总值",
        "2013–2020",
    )
    # distinct county codes observed: the ten units, 宁乡 under both its codes (430124, 430182)
    assert by_key["gdp"]["counties"] == 11
    assert by_key["示例数据-nqpf-county"]["kind"] == "evaluation"  # the stored evaluation
    # its dimensions in the system's order (nqpf-county.yaml: 劳动者, 劳动资料, 劳动对象)
    dims = [(o["evaluation"], o["dimension"]) for o in out if o["kind"] == "dimension"]
    assert dims == [("示例数据-nqpf-county", d) for d in ("劳动者", "劳动资料", "劳动对象")]


def test_twfe_and_event_study_recover_the_known_effect(api: Api) -> None:
    body = _effect(api, "policy=创新型县&indicator=gdp&estimator=did&leads=4&lags=3")
    assert body["title"] == "双向固定效应（TWFE）与事件研究"
    assert body["estimate"] == pytest.approx(2.0, abs=1e-9)
    assert body["se"] > 0  # the disturbance leaves residuals
    ev = {e["event"]: e for e in body["event"]}
    assert sorted(ev) == [-4, -3, -2, -1, 0, 1, 2, 3]
    assert ev[-1]["reference"] is True
    for e in (-4, -3, -2):
        assert ev[e]["estimate"] == pytest.approx(0.0, abs=1e-9)
    for e in (0, 1, 2, 3):
        assert ev[e]["estimate"] == pytest.approx(2.0, abs=1e-9)
    assert body["pretrend"]["df"] == 3.0  # three leads besides the reference
    assert "平行趋势" in body["assumptions"]


def test_callaway_santanna_recovers_the_known_effect(api: Api) -> None:
    body = _effect(api, "policy=创新型县&indicator=gdp&estimator=cs")
    assert body["estimate"] == pytest.approx(2.0, abs=1e-9)
    assert body["se"] > 0
    assert math.isclose(body["ci_lower"], body["estimate"] - 1.959963984540054 * body["se"])
    ev = {e["event"]: e["estimate"] for e in body["event"]}
    # dynamic aggregation: pre-period ATT(g, t) are 0 (no anticipation), post 2
    assert [round(ev[e], 9) for e in sorted(ev)] == [0.0, 0.0, 0.0, 2.0, 2.0, 2.0, 2.0]
    assert "无预期效应" in body["assumptions"]


def test_synthetic_control_path_and_placebos(api: Api) -> None:
    body = _effect(api, "policy=单县试点&indicator=fiscal_revenue&estimator=sc")
    assert body["estimate"] == pytest.approx(2.0, abs=0.05)
    assert body["treat_time"] == 2017
    path = body["path"]
    assert [p["time"] for p in path] == YEARS
    pre = [p for p in path if p["time"] < 2017]
    assert max(abs(p["treated"] - p["synthetic"]) for p in pre) < 0.05
    # 韶山 itself: 10 + 4 + 0.5·(2020 − 2013) + 2 = 19.5 in 2020
    assert path[-1]["treated"] == pytest.approx(19.5)
    assert len(body["placebos"]) == 10  # the treated county and its nine donors
    treated = [p for p in body["placebos"] if p["is_treated"]]
    assert [(p["unit"], p["name"]) for p in treated] == [("430382", "韶山市")]
    assert 0 < body["pvalue"] <= 1
    assert body["se"] is None


def test_sdid_recovers_the_known_effect(api: Api) -> None:
    body = _effect(api, "policy=单县试点&indicator=fiscal_revenue&estimator=sdid")
    assert body["estimate"] == pytest.approx(2.0, abs=1e-6)
    assert sum(w["weight"] for w in body["weights"]) == pytest.approx(1.0)


def test_placebo_checks(api: Api) -> None:
    r = api.client.get(
        "/api/causal/checks?policy=创新型县&indicator=gdp&permutations=199&shift=2",
        headers=api.h("analyst1"),
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["ri_estimate"] == pytest.approx(2.0, abs=1e-9)  # the TWFE coefficient
    # only the true pair of the 45 equally likely pairs reaches |β| = 2 (a pair with one true
    # pilot gets a fraction of it): p ≈ (1 + 199/45)/200 ≈ 0.027, well below 0.1
    assert 1 / 200 <= body["ri_pvalue"] < 0.1
    # in-time placebo on 2013–2016 with adoption moved to 2015: no effect before the start, and
    # the disturbance's long differences average to 0 in both groups → ATT 0
    assert body["placebo_att"] == pytest.approx(0.0, abs=1e-9)
    assert [c["check"] for c in body["checks"]] == [
        "随机化推断（置换试点县）",
        "安慰剂时点（提前 2 年）",
    ]
    bad = api.client.get(
        "/api/causal/checks?policy=创新型县&indicator=gdp&permutations=0",
        headers=api.h("analyst1"),
    )
    assert bad.status_code == 422


def test_workbook_is_audited_and_errors_are_chinese(api: Api) -> None:
    r = api.client.get(
        "/api/causal/effect.xlsx?policy=创新型县&indicator=gdp&estimator=did",
        headers=api.h("analyst1"),
    )
    assert r.status_code == 200, r.text
    sheets = pd.read_excel(io.BytesIO(r.content), sheet_name=None)
    assert "TWFE" in sheets and sheets["TWFE"]["估计值"].iloc[0] == pytest.approx(2.0)
    log = api.client.get("/api/admin/audit", headers=api.h("admin1")).json()
    items = log["items"] if isinstance(log, dict) else log
    assert "analysis:pilot-effect" in [e["target"] for e in items if e["action"] == "export"]
    bad = api.client.get(
        "/api/causal/effect?policy=数字乡村&indicator=gdp", headers=api.h("analyst1")
    )
    assert bad.status_code == 400 and "没有政策“数字乡村”" in bad.json()["error"]["message"]
    sc = api.client.get(
        "/api/causal/effect?policy=创新型县&indicator=gdp&estimator=sc", headers=api.h("analyst1")
    )
    assert sc.status_code == 400 and "恰好 1 个试点县" in sc.json()["error"]["message"]
    est = api.client.get(
        "/api/causal/effect?policy=创新型县&indicator=gdp&estimator=magic",
        headers=api.h("analyst1"),
    )
    assert est.status_code == 422
    assert api.client.get("/api/causal/pilots").status_code == 401
