"""Browser tests of the uploads on page 人才 (real server on the small warehouse without a
talent base, headless Debian chromium): an analyst uploads a 3-row talents CSV and sees the
import report and the count of 人才库 rise; an administrator sets the retention of 人才库 on
the page; an analyst sees the setting without the controls."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from fixtures.live_server import add_accounts, chromium, live_server, login

pytestmark = pytest.mark.browser

C0 = "430321"  # 湘潭县
ADMIN = ("管理员丙", "admin-pass-789")
ANALYST = ("分析员丙", "analyst-pass-789")
TALENTS = (
    "人员编号,姓名,手机,区划代码,学历,专业,工作年限,技能\n"
    "W1,张三,13800000001,430321,本科,机械设计,3年,焊接;CAD\n"
    "W2,李四,13800000002,430321,大专,电气自动化,5,PLC\n"
    "W3,王五,13800000003,,高中,,1,焊接\n"
)  # W3 without 区划代码: the county chosen on the page


@pytest.fixture(scope="module")
def server_db(
    small_warehouse: Any, data_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, Path]]:
    db = tmp_path_factory.mktemp("web-match-uploads") / "xinzhi.duckdb"
    shutil.copy(small_warehouse.db, db)
    add_accounts(db, (ADMIN, "admin"), (ANALYST, "analyst"))
    with live_server(db, data_dir, tmp_path_factory.mktemp("home")) as url:
        yield url, db


def test_analyst_uploads_talents_on_the_page(server_db: tuple[str, Path], tmp_path: Path) -> None:
    server, _ = server_db
    csv = tmp_path / "人才.csv"
    csv.write_text(TALENTS, encoding="utf-8")
    with chromium() as b:
        _, page, _ = login(b, server, ANALYST)
        page.goto(f"{server}/talent?county={C0}")
        page.wait_for_selector("[data-testid=talent-count-talents]")
        assert page.inner_text("[data-testid=talent-count-talents]") == "0"
        # an analyst sees the retention but may not change it
        assert page.inner_text("[data-testid=talent-retention-talents]") == "长期保存"
        assert page.locator("[data-testid=talent-purge]").count() == 0
        page.set_input_files("[data-testid=talent-upload-talents] input[type=file]", str(csv))
        page.wait_for_selector("[data-testid=talent-upload-talents-report-counts]", timeout=60_000)
        counts = page.inner_text("[data-testid=talent-upload-talents-report-counts]")
        assert counts == "读入 3 行 = 载入 3 + 隔离 0 + 跳过 0"
        page.wait_for_function(
            "() => document.querySelector('[data-testid=talent-count-talents]')"
            ".innerText.trim() === '3'",
            timeout=10_000,
        )
        log = page.request.get(server + "/api/talent/talents", params={"county": C0}).json()
    assert log["total"] == 3


def test_admin_sets_the_retention_on_the_page(server_db: tuple[str, Path]) -> None:
    server, _ = server_db
    with chromium() as b:
        _, page, _ = login(b, server, ADMIN)
        page.goto(f"{server}/talent?county={C0}")
        page.wait_for_selector("[data-testid=talent-retention-days-talents]")
        page.fill("[data-testid=talent-retention-days-talents]", "30")
        page.click("[data-testid=talent-retention-save-talents]")
        page.wait_for_selector("[data-testid=talent-retention-talents] >> text=30 天")
        page.click("[data-testid=talent-purge]")
        page.wait_for_selector("[data-testid=talent-purge-result] >> text=已匿名化 0 名人才")
        settings = page.request.get(server + "/api/talent/retention").json()
    assert settings["retention"] == {"talents": 30, "jobs": None}


def test_analyst_uploads_demands_on_the_tech_page(
    server_db: tuple[str, Path], tmp_path: Path
) -> None:
    server, _ = server_db
    csv = tmp_path / "需求.csv"
    csv.write_text(
        "需求编号,企业名称,区划代码,需求名称,技术领域,预算(万元)\n"
        "WD1,甲公司,430321,陶瓷烧结工艺改进,新材料,50\n"
        "WD2,乙公司,430321,,新材料,5\n",
        encoding="utf-8",
    )  # WD2 has no 需求名称: quarantined (title_missing)
    with chromium() as b:
        _, page, _ = login(b, server, ANALYST)
        page.goto(f"{server}/tech?county={C0}&embedder=none")
        page.wait_for_selector("[data-testid=tech-no-demands]")
        page.set_input_files("[data-testid=tech-upload-demands] input[type=file]", str(csv))
        page.wait_for_selector("[data-testid=tech-upload-demands-report-counts]", timeout=60_000)
        counts = page.inner_text("[data-testid=tech-upload-demands-report-counts]")
        # 2 read = 1 loaded + 1 quarantined + 0 skipped
        assert counts == "读入 2 行 = 载入 1 + 隔离 1 + 跳过 0"
        report = page.inner_text("[data-testid=tech-upload-demands-report]")
        assert "名称缺失（技术需求名称、岗位名称）" in report  # the reason's Chinese label
        page.wait_for_selector("[data-testid=tech-demands] >> text=陶瓷烧结工艺改进")
