"""Browser test of the page 揭榜挂帅 (``/tech``): the real server on a free 127.0.0.1 port
driven by headless Debian chromium (:mod:`fixtures.live_server`), over a warehouse built in code
with six synthetic demands of 湘潭县 and eight teams (示例数据, seed 3) and one demand of 长沙县.

A county account of 湘潭县 sees its six demands (not 长沙县's), opens one, publishes it with the
workflow button, records an application; the audit trail lists both steps; the top teams come
with reasons; the 技术需求图谱 chart is drawn; another county's demand is refused."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from fixtures.live_server import add_accounts, csp_violations, live_server, login

pytestmark = pytest.mark.browser

OWN = "430321"
COUNTY = ("湘潭县科技局", "county-pass-123", OWN)
D1 = "TD4303210001"


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from xinzhi import store
    from xinzhi.pipelines.tech import generate_tech, import_tech

    folder = tmp_path_factory.mktemp("web-tech")
    db = folder / "xinzhi.duckdb"
    con = store.connect(db)
    generate_tech(county=OWN, n_demands=6, n_teams=8, seed=3, con=con)
    other = folder / "长沙县需求.csv"
    other.write_text(
        "需求编号,企业名称,区划代码,需求名称,技术领域\nCS1,长沙某公司,430121,外县需求,新材料\n",
        encoding="utf-8",
    )
    import_tech(other, kind="demands", county="430121", con=con)
    con.close()
    add_accounts(db, (COUNTY, "county"))
    return db


@pytest.fixture(scope="module")
def server(
    warehouse: Path, data_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    with live_server(warehouse, data_dir, tmp_path_factory.mktemp("home")) as url:
        yield url


def _rows(page: Any, testid: str) -> list[list[str]]:
    return page.eval_on_selector(  # type: ignore[no-any-return]
        f"[data-testid={testid}]",
        "el => [...el.querySelectorAll('tbody tr')].map(r => [...r.cells].map(c => c.innerText.trim()))",
    )


def _wait_teams(page: Any) -> None:
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=tech-busy]')", timeout=120_000
    )


def test_county_account_runs_the_workflow(browser: Any, server: str) -> None:
    ctx, page, console = login(browser, server, COUNTY)
    try:
        page.goto(server + "/tech")
        page.wait_for_selector("[data-testid=tech-demands]", timeout=60_000)
        assert page.locator("[data-testid=synthetic-note]").count() == 1
        ids = [r[0] for r in _rows(page, "tech-demands")]
        assert ids == [f"TD{OWN}{i:04d}" for i in range(1, 7)]  # not CS1 of 长沙县
        assert page.locator("[data-testid=tech-graph-chart]").count() >= 1
        graph = _rows(page, "tech-graph-table")
        assert sum(int(r[3]) for r in graph) == 6
        # the capacity-constrained plan (default embedder e5): each demand at most once
        page.wait_for_function(
            "() => !document.querySelector('[data-testid=tech-plan-busy]')", timeout=120_000
        )
        assert "容量约束分配" in page.inner_text("[data-testid=tech-plan-summary]")
        plan = [r[0] for r in _rows(page, "tech-plan")]
        assert len(plan) == len(set(plan)) and set(plan) <= set(ids)
        with page.expect_download(timeout=120_000) as dl:
            page.click("[data-testid=tech-download]")
        import io

        from openpyxl import load_workbook

        assert dl.value.suggested_filename == f"技术需求匹配_{OWN}.xlsx"
        body = Path(dl.value.path()).read_bytes()
        sheets = load_workbook(io.BytesIO(body), read_only=True).sheetnames
        assert sheets[:2] == ["需求→团队", "团队→需求"]

        page.goto(server + f"/tech?demand={D1}&embedder=none")
        page.wait_for_selector("[data-testid=tech-state]", timeout=60_000)
        _wait_teams(page)
        assert page.inner_text("[data-testid=tech-state]") == "待发布"
        assert "发榜方" in page.inner_text("[data-testid=tech-roles]")
        teams = _rows(page, "tech-teams")
        assert [r[0] for r in teams] == ["1", "2", "3", "4", "5"]
        assert all(r[-1].startswith("领域：") for r in teams)

        page.click("[data-testid=tech-do-publish]")
        page.wait_for_function(
            "() => document.querySelector('[data-testid=tech-state]')?.innerText === '揭榜中'",
            timeout=60_000,
        )
        _wait_teams(page)
        # the application: pick a team, then the button
        page.click("[data-testid=tech-team]")
        page.get_by_role("option").filter(has_text="RT0002").first.click()
        page.wait_for_timeout(300)
        page.click("[data-testid=tech-do-apply]")
        page.wait_for_selector("[data-testid=tech-applications]", timeout=60_000)
        _wait_teams(page)
        apps = _rows(page, "tech-applications")
        assert [(r[0], r[1]) for r in apps] == [(f"{D1}-A1", "RT0002")]
        trail = _rows(page, "tech-events")
        assert [(r[2], r[3], r[4], r[5], r[6]) for r in trail] == [
            ("湘潭县科技局", "发榜方", "发布榜单", "待发布", "揭榜中"),
            ("湘潭县科技局", "揭榜方", "揭榜申请", "揭榜中", "揭榜中"),
        ]
        # another county's demand: refused with the Chinese message
        page.goto(server + "/tech?demand=CS1&embedder=none")
        page.wait_for_selector("[data-testid=tech-error]", timeout=60_000)
        assert "本县区" in page.inner_text("[data-testid=tech-error]")
        assert csp_violations(console) == []
    finally:
        ctx.close()
