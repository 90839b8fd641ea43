"""Browser tests of the page 政策评估 (``/causal``): the real server on a free 127.0.0.1 port
driven by headless Debian chromium, as in :mod:`test_web_enterprise`.

The warehouse is the one of :mod:`test_causal_api` (small warehouse + a constructed panel with a
known effect of 2, 示例数据, and two pilot lists) whose estimates are worked out by hand there:
TWFE and every post event-time coefficient of 创新型县 on 地区生产总值 are 2, the leads 0; the
synthetic control of 韶山市 (单县试点) on 一般公共预算收入 fits the pre-period, its gap is 2.
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
from test_causal_api import build_causal_warehouse

pytestmark = pytest.mark.browser

ADMIN = ("管理员甲", "admin-pass-123")
COUNTY = ("湘潭县用户", "county-pass-123", "430321")
XSS = "<img/src=x/onerror=alert(1)>"  # no spaces: the importer drops whitespace in names


@pytest.fixture(scope="module")
def warehouse(small_warehouse: Any, tmp_path_factory: pytest.TempPathFactory) -> Path:
    from xinzhi.pipelines.causal import import_pilot_file

    folder = tmp_path_factory.mktemp("web-causal")
    db = build_causal_warehouse(small_warehouse, folder)
    xss = folder / "xss.csv"
    xss.write_text(f"县（市、区）,试点名称,批复年份\n湘潭县,{XSS},2017\n湘乡市,{XSS},2017\n")
    assert import_pilot_file(xss, db=db).rows_loaded == 2
    add_accounts(db, (ADMIN, "admin"), (COUNTY, "county"))
    return db


@pytest.fixture(scope="module")
def server(
    warehouse: Path, data_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    with live_server(warehouse, data_dir, tmp_path_factory.mktemp("home")) as url:
        yield url


def _open(page: Any, server: str, query: str) -> Any:
    r = page.goto(server + "/causal?" + query)
    page.wait_for_function(
        """() => !document.querySelector('[data-testid=causal-busy]') && (
            document.querySelector('[data-testid=causal-download]') ||
            document.querySelector('[data-testid=causal-error]') ||
            document.querySelector('[data-testid=causal-hint]'))""",
        timeout=180_000,
    )
    page.wait_for_timeout(300)
    return r


def _series(page: Any, testid: str) -> list[dict[str, Any]]:
    return page.eval_on_selector(  # type: ignore[no-any-return]
        f"[data-testid={testid}]",
        """async el => {
            const maps = await import('/web/static/xinzhi-maps.js');
            const o = maps.instanceOf(el).getOption();
            return o.series.map(s => ({name: s.name, data: s.data}));
        }""",
    )


def test_event_study_page_shows_the_known_effect(browser: Any, server: str, tmp_path: Path) -> None:
    from xinzhi.api.security import PAGE_CSP

    ctx, page, console = login(browser, server, ADMIN)
    try:
        r = _open(page, server, "policy=创新型县&outcome=indicator:gdp&estimator=did")
        assert r is not None and r.headers["content-security-policy"] == PAGE_CSP
        assert page.inner_text("[data-testid=effect-estimate]") == "效应估计：2.0000"
        assert "平行趋势" in page.inner_text("[data-testid=assumptions]")
        page.wait_for_selector("[data-testid=event-chart] svg path", state="attached")
        series = _series(page, "event-chart")
        assert [s["name"] for s in series] == ["估计值", "95% 置信下限", "95% 置信上限"]
        est = [round(v, 6) if v is not None else None for v in series[0]["data"]]
        # e = −4 … −2: 0; e = −1: the reference 0; e = 0 … 3: 2
        assert est == [0.0, 0.0, 0.0, 0.0, 2.0, 2.0, 2.0, 2.0]
        assert "处理前系数联合为 0 的检验" in page.inner_text("[data-testid=pretrend]")
        page.wait_for_selector("[data-testid=checks-table] tbody tr", timeout=120_000)
        checks = page.eval_on_selector(
            "[data-testid=checks-table]",
            "el => [...el.querySelectorAll('tbody tr')].map(r => r.cells[0].innerText.trim())",
        )
        assert checks == ["随机化推断（置换试点县）", "安慰剂时点（提前 2 年）"]
        _shot(page, tmp_path, "causal-event-study.png")
        with page.expect_download() as dl:
            page.click("[data-testid=causal-download]")
        path = tmp_path / "effect.xlsx"
        dl.value.save_as(path)
        assert path.stat().st_size > 0
        exports = _exports(page, server, ADMIN[0])
        assert exports[-1][0] == "analysis:pilot-effect" and exports[-1][1]["via"] == "web"
    finally:
        ctx.close()
    assert csp_violations(console) == [], console


def test_synthetic_control_path_and_placebos(browser: Any, server: str, tmp_path: Path) -> None:
    ctx, page, console = login(browser, server, COUNTY)
    try:
        _open(page, server, "policy=单县试点&outcome=indicator:fiscal_revenue&estimator=sc")
        text = page.inner_text("[data-testid=effect-estimate]")
        assert text.startswith("处理后平均差值（ATT）：")
        assert abs(float(text.split("：")[1]) - 2.0) < 0.05
        page.wait_for_selector("[data-testid=sc-path-chart] svg path", state="attached")
        series = _series(page, "sc-path-chart")
        assert [s["name"] for s in series] == ["处理单位", "合成控制"]
        # 韶山 (i = 4): 10 + 4 + 0.5·(t − 2013), +2 from 2017
        assert series[0]["data"] == [14.0, 14.5, 15.0, 15.5, 18.0, 18.5, 19.0, 19.5]
        rows = page.eval_on_selector(
            "[data-testid=placebo-table]", "el => el.querySelectorAll('tbody tr').length"
        )
        assert rows == 10  # the treated county and its nine donors
        _shot(page, tmp_path, "causal-sc.png")
        # an estimator that does not fit the pilot list: a Chinese sentence
        _open(page, server, "policy=创新型县&outcome=indicator:gdp&estimator=sc")
        assert "恰好 1 个试点县" in page.inner_text("[data-testid=causal-error]")
    finally:
        ctx.close()
    assert csp_violations(console) == [], console


def test_names_are_shown_as_text(browser: Any, server: str) -> None:
    """A pilot list named like markup is shown as text (select, notes); nothing runs."""
    from urllib.parse import quote

    ctx, page, console = login(browser, server, ADMIN)
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    try:
        _open(page, server, f"policy={quote(XSS)}&outcome=indicator:gdp&estimator=did")
        assert page.inner_text("[data-testid=effect-estimate]") == "效应估计：2.0000"
        page.click("text=估计结果全文")
        assert XSS in page.inner_text("body")
        assert page.locator("img[src=x]").count() == 0
    finally:
        ctx.close()
    assert dialogs == [] and csp_violations(console) == []
