"""REST endpoints against the public warehouse: numbers equal the pipelines' numbers."""

from __future__ import annotations

import io

import duckdb
import numpy as np
import openpyxl
import pandas as pd
import pytest
from api_helpers import COUNTY, OTHER_COUNTY

from xinzhi.pipelines import stored


def test_regions_paged_and_filtered(api):
    r = api.client.get(
        "/api/regions",
        params={"level": "county", "year": 2020, "province": "湖南", "limit": 5, "offset": 0},
        headers=api.h("county1"),
    ).json()
    with duckdb.connect(str(api.db_path), read_only=True) if False else _ro(api) as con:
        (n,) = con.execute(
            """SELECT count(*) FROM regions WHERE level = 'county' AND province_name = '湖南省'
               AND start_year <= 2020 AND (end_year IS NULL OR end_year > 2020)"""
        ).fetchall()[0]
    assert r["total"] == n > 100
    assert len(r["items"]) == 5 and all(i["province_code"] == "430000" for i in r["items"])
    r2 = api.client.get(
        "/api/regions",
        params={"level": "county", "province": "430000", "year": 2020, "offset": 5, "limit": 5},
        headers=api.h("county1"),
    ).json()
    assert r2["total"] == n and r2["items"][0]["code"] > r["items"][-1]["code"]


class _ro:
    """Read through the app's own database instance (the file is open in this process)."""

    def __init__(self, api):
        self.cur = api.client.app.state.db.cursor()

    def __enter__(self):
        return self.cur

    def __exit__(self, *exc):
        self.cur.close()


def test_resolve(api):
    r = api.client.get("/api/regions/resolve", params={"q": "湘潭县"}, headers=api.h("analyst1"))
    assert r.status_code == 200 and r.json()["code"] == COUNTY
    amb = api.client.get("/api/regions/resolve", params={"q": "朝阳区"}, headers=api.h("analyst1"))
    assert amb.status_code == 409
    assert set(amb.json()["error"]["candidates"]) == {
        "110105 北京市朝阳区",
        "220104 吉林省长春市朝阳区",
    }
    nf = api.client.get("/api/regions/resolve", params={"q": "不存在县"}, headers=api.h("analyst1"))
    assert nf.status_code == 404
    assert nf.json()["error"]["code"] == "region_not_found"


def test_indicators_and_observations(api):
    ind = api.client.get("/api/indicators", headers=api.h("county1")).json()["items"]
    assert {"pop_total", "emp_sec_C"} <= {i["code"] for i in ind}
    r = api.client.get(
        "/api/observations",
        params={"region": COUNTY, "indicator": "pop_total", "year": 2020},
        headers=api.h("county2"),
    ).json()
    with _ro(api) as con:
        (v,) = con.execute(
            "SELECT value FROM current_observations WHERE region_code = ? AND indicator = "
            "'pop_total' AND year = 2020",
            [COUNTY],
        ).fetchall()[0]
    assert r["total"] == 1 and r["items"][0]["value"] == pytest.approx(v)
    assert r["items"][0]["source"] == "census2020"


def test_scores_ranking_matches_pipeline(api):
    r = api.client.get("/api/evaluations/demo", params={"limit": 3}, headers=api.h("county1"))
    body = r.json()
    with _ro(api) as con:
        s = stored.stored_scores(con, "demo")
    latest = s[s["year"] == s["year"].max()]
    assert body["total"] == len(latest)
    assert [i["region_code"] for i in body["items"]] == latest["region_code"].head(3).tolist()
    assert body["items"][0]["rank"] == 1
    assert body["items"][0]["score"] == pytest.approx(latest["score"].iloc[0])
    assert set(body["items"][0]["dimensions"]) == {"劳动者", "劳动资料", "劳动对象"}
    hn = api.client.get(
        "/api/evaluations/demo",
        params={"province": "湖南省", "limit": 1000},
        headers=api.h("county1"),
    ).json()
    assert hn["total"] == (latest["province_name"] == "湖南省").sum()
    assert [i["province_rank"] for i in hn["items"]][:3] == [1, 2, 3]
    assert (
        api.client.get("/api/evaluations", headers=api.h("county1")).json()["items"][0]["name"]
        == "demo"
    )
    nf = api.client.get("/api/evaluations/nope", headers=api.h("county1"))
    assert nf.status_code == 404 and nf.json()["error"]["code"] == "evaluation_not_found"


def test_county_profile(api):
    r = api.client.get(f"/api/evaluations/demo/counties/{COUNTY}", headers=api.h("county2"))
    p = r.json()
    with _ro(api) as con:
        s = stored.stored_scores(con, "demo")
        obst = con.execute(
            "SELECT sum(obstacle) FROM evaluation_obstacles WHERE name='demo' AND region_code=? "
            "AND year=2020",
            [COUNTY],
        ).fetchall()[0][0]
    row = s[(s["region_code"] == COUNTY) & (s["year"] == 2020)].iloc[0]
    assert p["name"] == "湘潭县" and p["year"] == 2020
    assert (p["rank"], p["province_rank"]) == (row["rank"], row["province_rank"])
    assert p["score"] == pytest.approx(row["score"])
    assert p["counties"] == int((s["year"] == 2020).sum())
    # obstacle degrees of one county sum to 1 (Yang et al. obstacle model); all indicators of
    # nqpf-county name a shortfall, so the shortfalls add up to the same total
    assert sum(x["obstacle"] for x in p["shortfalls"]) == pytest.approx(obst)
    assert obst == pytest.approx(1.0)
    obs = [x["obstacle"] for x in p["shortfalls"]]
    assert obs == sorted(obs, reverse=True)
    assert (
        api.client.get("/api/evaluations/demo/counties/999999", headers=api.h("admin1")).status_code
        == 404
    )


def test_excel_exports(api):
    r = api.client.get("/api/evaluations/demo/export.xlsx", headers=api.h("analyst1"))
    assert r.status_code == 200
    wb = openpyxl.load_workbook(io.BytesIO(r.content), read_only=True)
    assert wb.sheetnames == ["得分", "权重", "障碍度"]
    assert (
        api.client.get("/api/evaluations/demo/export.xlsx", headers=api.h("county1")).status_code
        == 403
    )
    own = api.client.get(
        f"/api/evaluations/demo/counties/{COUNTY}/export.xlsx", headers=api.h("county1")
    )
    assert own.status_code == 200
    wb = openpyxl.load_workbook(io.BytesIO(own.content), read_only=True)
    assert wb.sheetnames == ["概况", "维度得分", "短板"]
    other = api.client.get(
        f"/api/evaluations/demo/counties/{OTHER_COUNTY}/export.xlsx", headers=api.h("county1")
    )
    assert other.status_code == 403
    assert other.json()["error"] == {"code": "forbidden", "message": "县区用户只能导出本县区的画像"}


def test_disparity_dagum_equals_library(api):
    from xinzhi.disparity import dagum_gini

    r = api.client.get(
        "/api/disparity/dagum",
        params={"evaluation": "demo", "group": "province", "year": 2020},
        headers=api.h("county1"),
    ).json()
    with _ro(api) as con:
        s = stored.stored_scores(con, "demo")
    s = s[s["year"] == 2020]
    ref = dagum_gini(s, "score", "province_name", by="year")
    o = r["overall"][0]
    assert o["G"] == pytest.approx(ref.overall["G"].iloc[0])
    assert o["Gw"] + o["Gnb"] + o["Gt"] == pytest.approx(o["G"])  # Dagum: G = Gw + Gnb + Gt
    reg = api.client.get(
        "/api/disparity/dagum",
        params={"evaluation": "demo", "group": "region"},
        headers=api.h("admin1"),
    ).json()
    assert {w["group"] for w in reg["within"]} == {"东部", "中部", "西部", "东北"}
    assert len(reg["overall"]) == 2  # 2010 and 2020


def test_disparity_markov_on_harmonised_units(api):
    from xinzhi.disparity import markov_chain
    from xinzhi.pipelines.spatial import balanced_panel
    from xinzhi.pipelines.stored import evaluation_panel

    r = api.client.get(
        "/api/disparity/markov", params={"evaluation": "demo"}, headers=api.h("county1")
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["harmonised_to"] == 2020 and body["years"] == [2010, 2020]
    with _ro(api) as con:
        panel = evaluation_panel("demo", con=con, harmonise_to=2020)
        plain = evaluation_panel("demo", con=con)
    bal, _ = balanced_panel(panel)
    ref = markov_chain(bal, "score", "unit", "year", k=4).tidy()
    got = pd.DataFrame(body["transitions"])
    assert got["count"].tolist() == ref["count"].tolist()
    assert body["units"] == bal["unit"].nunique() == got["count"].sum()
    assert body["units"] > balanced_panel(plain)[0]["unit"].nunique()  # renamed counties join
    assert any("区划代码统一到 2020 年" in n for n in body["notes"])
    raw = api.client.get(
        "/api/disparity/markov",
        params={"evaluation": "demo", "harmonise": "false", "classification": "per-year", "k": 3},
        headers=api.h("analyst1"),
    ).json()
    assert raw["harmonised_to"] is None and raw["k"] == 3
    assert raw["units"] == balanced_panel(plain)[0]["unit"].nunique()
    missing = api.client.get(
        "/api/disparity/markov", params={"evaluation": "nope"}, headers=api.h("county1")
    )
    assert missing.status_code == 404


def test_disparity_moran_and_convergence_equal_library(api, data_dir):
    from xinzhi.disparity import beta_convergence, moran, sigma_convergence
    from xinzhi.pipelines.spatial import balanced_panel, evaluation_spatial
    from xinzhi.pipelines.stored import evaluation_panel

    r = api.client.get(
        "/api/disparity/moran",
        params={"evaluation": "demo", "year": 2010, "permutations": 99},
        headers=api.h("county1"),
    )
    assert r.status_code == 200, r.text
    body = r.json()
    with _ro(api) as con:
        df, w, left = evaluation_spatial("demo", 2010, con, data_dir=data_dir)
        panel = evaluation_panel("demo", con=con, harmonise_to=2020)
    ref = moran(df, "score", "unit", w, permutations=99, seed=0).table.iloc[0]
    assert body["year"] == 2010 and body["left_out"] == left
    assert body["statistics"]["I"] == pytest.approx(ref["I"], rel=1e-12)
    assert body["statistics"]["p_sim"] == pytest.approx(ref["p_sim"])
    assert body["statistics"]["n"] == ref["n"] > 2600
    bad = api.client.get(
        "/api/disparity/moran",
        params={"evaluation": "demo", "year": 2015},
        headers=api.h("county1"),
    )
    assert bad.status_code == 404 and "2010、2020" in bad.json()["error"]["message"]

    c = api.client.get(
        "/api/disparity/convergence", params={"evaluation": "demo"}, headers=api.h("analyst1")
    ).json()
    bal, _ = balanced_panel(panel)
    sig = sigma_convergence(bal, "score", "year")
    beta = beta_convergence(bal, "score", "unit", "year", kind="cross-section")
    assert c["units"] == bal["unit"].nunique() and c["harmonised_to"] == 2020
    assert [x["sigma"] for x in c["sigma"]] == pytest.approx(sig.table["sigma"].tolist())
    assert c["beta"]["beta"] == pytest.approx(beta.beta) and c["beta"]["beta"] < 0
    assert c["beta"]["half_life"] == pytest.approx(np.log(2) / c["beta"]["speed"])


def test_industry_specialization(api):
    r = api.client.get(
        "/api/industry/specialization", params={"region": COUNTY}, headers=api.h("county1")
    ).json()
    assert r["year"] == 2020 and len(r["items"]) == 20
    # LQ = share / national share; county shares sum to 1
    assert sum(i["share"] for i in r["items"]) == pytest.approx(1.0)
    for i in r["items"]:
        assert i["lq"] == pytest.approx(i["share"] / i["national_share"])
    assert (
        api.client.get(
            "/api/industry/specialization", params={"region": "000001"}, headers=api.h("county1")
        ).status_code
        == 404
    )


def test_industry_io(api, data_dir):
    r = api.client.get(
        "/api/industry/io",
        params={"table": "2020-42", "lead": "通用设备", "top": 3},
        headers=api.h("analyst1"),
    )
    if r.status_code == 503:
        pytest.skip("投入产出表不在镜像中")
    body = r.json()
    assert len(body["sectors"]) == 42
    # Rasmussen indices average to 1 over sectors
    assert sum(s["backward"] for s in body["sectors"]) / 42 == pytest.approx(1.0)
    # top 3 upstream and top 3 downstream sectors of 通用设备 (sector 16)
    assert [x["方向"] for x in body["lead_links"]] == ["上游"] * 3 + ["下游"] * 3
    assert [x["排名"] for x in body["lead_links"]] == [1, 2, 3, 1, 2, 3]
    assert body["lead_links"][0]["部门名称"] == "金属冶炼和压延加工品"


def test_geojson_simplified(api):
    r = api.client.get(
        "/api/regions/geojson", params={"level": "province"}, headers=api.h("county1")
    )
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/geo+json")
    gj = r.json()
    assert gj["type"] == "FeatureCollection" and len(gj["features"]) >= 34
