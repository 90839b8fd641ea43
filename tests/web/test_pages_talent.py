"""Browser tests of the page 人才 (``/talent``): the real server on a free 127.0.0.1 port driven
by headless Debian chromium (as :mod:`test_web_monitor`), over the small warehouse plus a
synthetic talent base of 湘潭县 (示例数据, seed 5: 150 talents, 50 jobs).

A county account sees its bases, the best talents for a job with 匹配度 and reasons (BM25 only:
``embedder=none`` keeps the test free of the model), the 能力雷达图 of a talent against the job,
the shortage catalogue with ★ and its workbook (downloaded and audited), 人才地图; an analyst
sees names and phone numbers masked and no person selection; another county's account is
refused."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from fixtures.live_server import add_accounts, csp_violations, live_server, login

pytestmark = pytest.mark.browser

C0 = "430321"
COUNTY = ("湘潭县人社局", "county-pass-123", C0)
OTHER = ("长沙县人社局", "county-pass-456", "430121")
ANALYST = ("分析员乙", "analyst-pass-123")
JOB = "SJ43032100000"
PERSON = "ST43032100000"


@pytest.fixture(scope="module")
def warehouse(small_warehouse: Any, tmp_path_factory: pytest.TempPathFactory) -> Path:
    from xinzhi import store
    from xinzhi.pipelines.talent import generate_talent_base

    db = tmp_path_factory.mktemp("web-talent") / "talent.duckdb"
    shutil.copy(small_warehouse.db, db)
    con = store.connect(db)
    generate_talent_base(
        con, county=C0, seed=5, n_talents=150, n_jobs=50, as_of=dt.date(2026, 6, 30)
    )
    con.close()
    add_accounts(db, (COUNTY, "county"), (OTHER, "county"), (ANALYST, "analyst"))
    return db


@pytest.fixture(scope="module")
def server(
    warehouse: Path, data_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    with live_server(warehouse, data_dir, tmp_path_factory.mktemp("home")) as url:
        yield url


def _wait(page: Any) -> None:
    page.wait_for_function(
        """() => !document.querySelector('[data-testid=talent-busy]')
            && !document.querySelector('[data-testid=shortage-busy]')
            && (document.querySelector('[data-testid=shortage-table]')
                || document.querySelector('[data-testid=talent-error]')
                || document.querySelector('[data-testid=talent-hint]'))""",
        timeout=120_000,
    )
    page.wait_for_timeout(300)


def _rows(page: Any, testid: str) -> list[list[str]]:
    return page.eval_on_selector(  # type: ignore[no-any-return]
        f"[data-testid={testid}]",
        "el => [...el.querySelectorAll('tbody tr')].map(r => [...r.cells].map(c => c.innerText.trim()))",
    )


def test_county_account_sees_matches_radar_and_catalogue(
    browser: Any, server: str, tmp_path: Path
) -> None:
    ctx, page, console = login(browser, server, COUNTY)
    try:
        page.goto(f"{server}/talent?job={JOB}&person={PERSON}&embedder=none")
        _wait(page)
        assert "示例数据" in page.inner_text("[data-testid=talent-synthetic]")
        bases = page.inner_text("[data-testid=talent-bases]")
        assert "150" in bases and "50" in bases
        matches = _rows(page, "talent-matches-job")
        assert 1 <= len(matches) <= 10
        assert matches[0][0] == "1"
        assert any("（示例）" in c for c in matches[0])  # names shown to the county account
        assert page.query_selector("[data-testid=talent-matches-person]") is not None
        page.wait_for_selector("[data-testid=talent-radar] svg", timeout=30_000)
        radar = _rows(page, "talent-radar-table")
        assert [r[0] for r in radar][-2:] == ["学历", "工作经验"]
        assert "《" in page.inner_text("[data-testid=shortage-title]")
        catalogue = _rows(page, "shortage-table")
        assert catalogue and any("★" in c for r in catalogue for c in r)
        assert page.query_selector("[data-testid=talent-map]") is not None
        with page.expect_download() as dl:
            page.click("[data-testid=shortage-download]")
        path = tmp_path / "catalogue.xlsx"
        dl.value.save_as(path)
        assert load_workbook(path).sheetnames[:2] == ["封面", "紧缺人才目录"]
        assert csp_violations(console) == []
    finally:
        ctx.close()


def test_analyst_sees_masked_names_and_no_person_choice(browser: Any, server: str) -> None:
    ctx, page, _ = login(browser, server, ANALYST)
    try:
        # the synthetic postings fall in the year before 2026-06-30 (2025 and 2026)
        page.goto(f"{server}/talent?county={C0}&job={JOB}&embedder=none&year=2026")
        _wait(page)
        assert page.query_selector("[data-testid=talent-person]") is None
        # postings of one year against the year before: the alerts section is drawn
        assert page.query_selector("[data-testid=shortage-alerts]") is not None
        rows = _rows(page, "talent-matches-job")
        assert rows
        text = " ".join(c for r in rows for c in r)
        assert "1990000" not in text  # no phone number
        assert "*" in text
    finally:
        ctx.close()


def test_other_county_is_refused(browser: Any, server: str) -> None:
    ctx, page, _ = login(browser, server, OTHER)
    try:
        page.goto(f"{server}/talent?county={C0}")
        _wait(page)
        # a county account always sees its own county: 长沙县 has no talent base
        assert page.query_selector("[data-testid=talent-hint]") is not None
        assert "湘潭" not in page.inner_text("body").replace("湘潭县人社局", "")
    finally:
        ctx.close()
