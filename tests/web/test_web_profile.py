"""Page 县域画像 at 1366 px, /api/docs with the network blocked, and leaving a page mid-load.

The real server on a copy of the small warehouse (示例数据) in headless Debian chromium:

* 画像 of 湘潭县 at 1366 × 900: no table is clipped (every table's scroll width equals its
  client width in the DOM), the trend chart has the two stored years, the radar's axes carry a
  labelled scale, the shortfall radar is there, 产业 is linked;
* ``/api/docs`` draws the operations with every request off 127.0.0.1 aborted by the browser
  (``page.route``), so it cannot lean on a CDN;
* a user who leaves 画像 and 产业 while they load (the report data take seconds) leaves no
  ``Traceback`` in the server's stderr.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from fixtures.live_server import (
    SECRET_KEY,
    SERVER_SCRIPT,
    _free_port,
    _wait,
    add_accounts,
    chromium,
    login,
)
from fixtures.warehouse import EVALUATION

pytestmark = pytest.mark.browser

ADMIN = ("管理员甲", "admin-pass-123")


@pytest.fixture(scope="module")
def server(
    small_warehouse: Any, data_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, Path]]:
    """The live server, its stderr written to a file the tests read."""
    tmp = tmp_path_factory.mktemp("web-profile")
    db = tmp / "xinzhi.duckdb"
    shutil.copy(small_warehouse.db, db)
    add_accounts(db, (ADMIN, "admin"))
    home = tmp / "home"
    home.mkdir()
    log = tmp / "stderr.txt"
    port = _free_port()
    env = dict(
        os.environ,
        XINZHI_HOME=str(home),
        XINZHI_DATA_DIR=str(data_dir),
        XINZHI_SECRET_KEY=SECRET_KEY,
    )
    with log.open("wb") as err:
        proc = subprocess.Popen(
            [sys.executable, "-c", SERVER_SCRIPT, str(db), str(port), str(data_dir)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=err,
        )
        try:
            _wait(port, proc)
            yield f"http://127.0.0.1:{port}", log
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()


def _clipped(page: Any) -> list[str]:
    """Tables whose content is wider than their box (scrollWidth > clientWidth)."""
    return page.evaluate(
        """() => [...document.querySelectorAll('.q-table__middle, table')]
            .filter(e => e.scrollWidth > e.clientWidth + 1)
            .map(e => (e.closest('[data-testid]') || e).getAttribute('data-testid')
                      + ' ' + e.scrollWidth + '>' + e.clientWidth)"""
    )


def test_profile_at_1366_px(server: tuple[str, Path]) -> None:
    url, _ = server
    with chromium() as b:
        ctx, page, console = login(b, url, ADMIN)
        page.set_viewport_size({"width": 1366, "height": 900})
        page.goto(url + f"/profile?code=430321&eval={EVALUATION}&year=2020")
        page.wait_for_selector("[data-testid=radar] svg path", timeout=90_000)
        page.wait_for_selector("[data-testid=shortfall-table] tbody tr")
        page.wait_for_timeout(500)
        assert _clipped(page) == []
        # the page itself does not scroll sideways either
        assert page.evaluate("document.documentElement.scrollWidth") <= 1366
        radar = page.inner_html("[data-testid=radar]")
        assert "劳动者" in radar and "劳动资料" in radar and "劳动对象" in radar
        # a visible scale: ring labels 0 … axis max drawn as SVG text
        assert ">0<" in radar.replace(" ", "") or ">0.0<" in radar.replace(" ", "")
        trend = page.locator("[data-testid=trend-chart]")
        assert trend.get_attribute("data-years") == "2"
        svg = trend.inner_html()
        # 湘潭县's stored scores: 0.5384 (2010) and 0.3943 (2020), labelled on the line
        assert "2010" in svg and "2020" in svg and "全国中位数" in svg and "0.3943" in svg
        assert page.locator("[data-testid=shortfall-radar] svg").count() == 1
        link = page.locator("[data-testid=profile-industry-link]")
        assert link.get_attribute("href") == "/industry?code=430321&year=2020"
        cells = page.locator("[data-testid=shortfall-table] tbody tr").first.locator("td")
        assert any(t.endswith("%") for t in cells.all_inner_texts())  # 障碍度 as a percentage
        if os.environ.get("XINZHI_WEB_SHOTS"):
            page.screenshot(
                path=str(Path(os.environ["XINZHI_WEB_SHOTS"]) / "profile-1366.png"),
                full_page=True,
            )
        assert not [m for m in console if m.startswith("pageerror")]
        ctx.close()


def test_api_docs_with_the_network_blocked(server: tuple[str, Path]) -> None:
    url, _ = server
    with chromium() as b:
        ctx = b.new_context()
        blocked: list[str] = []

        def only_local(route: Any) -> None:
            if route.request.url.startswith(url):
                route.continue_()
            else:
                blocked.append(route.request.url)
                route.abort()

        ctx.route("**/*", only_local)
        page = ctx.new_page()
        page.goto(url + "/api/docs")
        page.wait_for_selector(".opblock-summary-path", timeout=30_000)
        paths = [
            p.replace("\u200b", "") for p in page.locator(".opblock-summary-path").all_inner_texts()
        ]
        assert "/api/health" in paths
        assert blocked == []
        ctx.close()


def test_leaving_a_page_mid_load_leaves_no_traceback(server: tuple[str, Path]) -> None:
    url, log = server
    with chromium() as b:
        ctx, page, _ = login(b, url, ADMIN)
        for target in (
            f"/profile?code=430121&eval={EVALUATION}&year=2020",
            "/industry?code=430321&year=2020",
            f"/profile?code=320583&eval={EVALUATION}&year=2020",
            "/",
        ):
            page.goto(url + target, wait_until="commit")
            page.wait_for_timeout(150)
            page.goto(url + "/data", wait_until="commit")  # leave before it finished
        page.goto(url + "/ranking")
        page.wait_for_selector("[data-testid=ranking-table]")
        page.wait_for_timeout(4000)  # let the abandoned work end
        ctx.close()
    text = log.read_text(encoding="utf-8", errors="replace")
    assert "Traceback" not in text, text[-3000:]


def test_industry_takes_a_county_name(server: tuple[str, Path]) -> None:
    """产业: typing part of a county's name offers it (no 6-digit code needed); choosing it
    opens the county's page."""
    url, _ = server
    with chromium() as b:
        ctx, page, _ = login(b, url, ADMIN)
        page.goto(url + "/industry")
        page.wait_for_selector("[data-testid=industry-code]")
        page.click("[data-testid=industry-code]")
        page.keyboard.type("湘潭")
        page.locator(".q-menu .q-item", has_text="湘潭县").first.click()
        page.wait_for_url("**/industry?code=430321**")
        assert "code=430321" in page.url
        ctx.close()
