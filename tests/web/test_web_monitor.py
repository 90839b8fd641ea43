"""Browser tests of the page 监测预警 (``/monitor``): the real server on a free 127.0.0.1 port
driven by headless Debian chromium, as in :mod:`test_web_enterprise`.

The warehouse is the one of :mod:`test_monitor_api` (small warehouse + a yearly panel, 示例数据)
whose signals are worked out by hand there: with the level basis and a three-year window, 长沙县's
地区生产总值 is 红 in 2021 (12.01 > 10 + 2·1), its 农、林、牧、渔业就业比重 蓝; 湘潭县's 地区生产总值
rises with one change point in 2016.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from test_web_browser import (
    _exports,
    _shot,
)

from fixtures.live_server import add_accounts, csp_violations, live_server, login

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "api"))
from test_monitor_api import build_monitor_warehouse

pytestmark = pytest.mark.browser

ADMIN = ("管理员甲", "admin-pass-123")
COUNTY = ("湘潭县用户", "county-pass-123", "430321")
QUERY = "indicators=gdp,emp_sec_A,fiscal_revenue&basis=level&window=3"


@pytest.fixture(scope="module")
def warehouse(small_warehouse: Any, tmp_path_factory: pytest.TempPathFactory) -> Path:

    db = build_monitor_warehouse(small_warehouse, tmp_path_factory.mktemp("web-monitor"))
    add_accounts(db, (ADMIN, "admin"), (COUNTY, "county"))
    return db


@pytest.fixture(scope="module")
def server(
    warehouse: Path, data_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    with live_server(warehouse, data_dir, tmp_path_factory.mktemp("home")) as url:
        yield url


def _open(page: Any, server: str, query: str, *, detail: bool = False) -> Any:
    r = page.goto(server + "/monitor?" + query)
    page.wait_for_function(
        """() => !document.querySelector('[data-testid=monitor-busy]') && (
            document.querySelector('[data-testid=signal-matrix]') ||
            document.querySelector('[data-testid=monitor-error]'))""",
        timeout=120_000,
    )
    if detail:
        page.wait_for_selector(
            "[data-testid=digest-table], [data-testid=monitor-error]", timeout=120_000
        )
    page.wait_for_timeout(300)
    return r


def _matrix(page: Any) -> dict[str, dict[str, tuple[str, str | None]]]:
    """County → column header → (cell text, data-signal) of the matrix."""
    return page.eval_on_selector(  # type: ignore[no-any-return]
        "[data-testid=signal-matrix]",
        """el => {
            const heads = [...el.querySelectorAll('thead th')].map(h => h.innerText.trim());
            const out = {};
            for (const r of el.querySelectorAll('tbody tr')) {
                const cells = [...r.cells];
                const row = {};
                cells.forEach((c, i) => { row[heads[i]] = [c.innerText.trim(),
                                                            c.getAttribute('data-signal')]; });
                out[cells[0].innerText.trim()] = row;
            }
            return out;
        }""",
    )


def test_matrix_shows_the_red_cell_with_its_rule(browser: Any, server: str, tmp_path: Path) -> None:
    from xinzhi.api.security import PAGE_CSP

    ctx, page, console = login(browser, server, ADMIN)
    try:
        r = _open(page, server, QUERY)
        assert r is not None and r.headers["content-security-policy"] == PAGE_CSP
        m = _matrix(page)
        assert m["长沙县"]["地区生产总值"] == ["红", "红"]
        assert m["宁乡市"]["地区生产总值"] == ["蓝", "蓝"]
        assert m["湘潭县"]["一般公共预算收入"] == ["黄", "黄"]
        assert m["湘潭县"]["地区生产总值"] == ["—", None]  # zero spread: no signal
        # the red cell is drawn red and its rule shows on hover
        colour = page.eval_on_selector(
            "[data-testid=signal-matrix] td[data-signal='红']",
            "el => getComputedStyle(el).backgroundColor",
        )
        assert colour == "rgb(214, 39, 40)"  # #d62728
        page.hover("[data-testid=signal-matrix] td[data-signal='红']")
        tip = page.wait_for_selector(".q-tooltip", timeout=10_000)
        assert "地区生产总值：红（数值 > μ+2σ；监测值 12.01）" in tip.inner_text()
        legend = page.inner_text("[data-testid=monitor-legend]")
        for text in (
            "红：过热（超常）",
            "黄：偏热",
            "绿：正常",
            "浅蓝：偏冷",
            "蓝：过冷（严重滞后）",
        ):
            assert text in legend
        # the matrix as a workbook: downloaded and audited
        with page.expect_download() as dl:
            page.click("[data-testid=matrix-download]")
        path = tmp_path / "matrix.xlsx"
        dl.value.save_as(path)
        assert path.stat().st_size > 0
        exports = _exports(page, server, ADMIN[0])
        assert exports[-1][0] == "analysis:monitor-signals" and exports[-1][1]["via"] == "web"
        # only the counties with a red or blue light: 长沙县 (红, 蓝) and 宁乡市 (蓝); 湘潭县 has a
        # yellow light only
        _open(page, server, QUERY + "&alerts=1")
        assert set(_matrix(page)) == {"长沙县", "宁乡市"}
        # one province: 江苏 (32) — 昆山市 and 张家港市 (and 姑苏区 when observed), no 湖南 county
        _open(page, server, QUERY + "&province=32")
        shown = set(_matrix(page))
        assert "昆山市" in shown and shown <= {"昆山市", "张家港市", "姑苏区"}
        _open(page, server, QUERY)
        # click the row: the county's drill-down
        page.click("[data-testid=signal-matrix] td[data-signal='红']")
        page.wait_for_selector("[data-testid=digest-table]", timeout=120_000)
        rows = page.eval_on_selector(
            "[data-testid=digest-table]",
            "el => [...el.querySelectorAll('tbody tr')].map(r => [...r.cells].map(c => c.innerText.trim()))",
        )
        by_name = {r[0]: r for r in rows}
        assert by_name["地区生产总值"][1:4] == ["绿", "红", "新亮红灯"]
        assert by_name["农、林、牧、渔业就业比重"][3] == "新亮蓝灯"
        assert "长沙县（430121）2021 年监测简报" in page.inner_text("body")
        _shot(page, tmp_path, "monitor-drill-down.png")
    finally:
        ctx.close()
    assert csp_violations(console) == [], console


def test_county_account_drill_down_targets_and_download(
    browser: Any, server: str, tmp_path: Path
) -> None:
    ctx, page, console = login(browser, server, COUNTY)
    admin_ctx, admin, _ = login(browser, server, ADMIN)
    try:
        _open(page, server, QUERY + "&show=gdp", detail=True)
        assert list(_matrix(page)) == ["湘潭县"]  # its own county only
        _shot(page, tmp_path, "monitor-county.png")
        page.wait_for_selector(
            "[data-testid=trend-chart] svg path", state="attached", timeout=60_000
        )
        assert page.get_attribute("[data-testid=trend-chart]", "data-change-points") == "2016"
        verdict = page.inner_text("[data-testid=trend-verdict]")
        assert verdict.startswith("地区生产总值：上升") and "变点 2016" in verdict
        # the digest workbook: downloaded and audited
        with page.expect_download() as dl:
            page.click("[data-testid=digest-download]")
        path = tmp_path / "digest.xlsx"
        dl.value.save_as(path)
        assert path.stat().st_size > 0
        exports = _exports(admin, server, COUNTY[0])
        assert exports[-1][0] == "report:monitor-digest:430321:2021.xlsx"
        assert exports[-1][1]["via"] == "web"
        # a target typed in: 20 000 against 16 000 → +25 % → 红 with method=target
        page.click("[data-testid=target-indicator]")
        page.click(".q-menu .q-item:has-text('地区生产总值')")
        page.fill("[data-testid=target-year]", "2021")
        page.fill("[data-testid=target-value]", "16000")
        page.click("[data-testid=target-save]")
        page.wait_for_selector("[data-testid=targets-table] tbody tr", timeout=60_000)
        row = page.inner_text("[data-testid=targets-table] tbody tr")
        assert "地区生产总值" in row and "16000" in row.replace(",", "") and "填写" in row
        _open(page, server, "indicators=gdp&method=target")
        assert _matrix(page)["湘潭县"]["地区生产总值"] == ["红", "红"]
        audit = _exports(admin, server, COUNTY[0], action="target_set")
        assert audit[-1][0] == "target:430321:gdp:2021" and audit[-1][1]["via"] == "web"
        # another county's drill-down is refused with the policy's sentence
        _open(page, server, QUERY + "&county=430121")
        page.wait_for_selector("[data-testid=monitor-error]", timeout=60_000)
        assert "县区用户只能查看和填写本县区的监测信号" in page.inner_text(
            "[data-testid=monitor-error]"
        )
    finally:
        ctx.close()
        admin_ctx.close()
    assert csp_violations(console) == [], console
