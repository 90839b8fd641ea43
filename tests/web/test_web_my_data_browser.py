"""Browser test of the section 本县数据 of the page 数据: an analyst looks at 湘潭县's values with
their provenance, corrects one, and the table shows the corrected value from the new batch
while the audit log (read through the API) holds the change; a county account's county is
fixed to its own."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from fixtures.live_server import add_accounts, chromium, live_server

pytestmark = pytest.mark.browser

ADMIN = ("管理员甲", "admin-pass-123")
ANALYST = ("分析员乙", "analyst-pass-1")
COUNTY = ("湘潭县用户", "county-pass-1", "430321")


@pytest.fixture(scope="module")
def server(
    small_warehouse: Any, data_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    db = tmp_path_factory.mktemp("web-my-data") / "xinzhi.duckdb"
    shutil.copy(small_warehouse.db, db)
    add_accounts(db, (ADMIN, "admin"), (ANALYST, "analyst"), (COUNTY, "county"))
    with live_server(db, data_dir, tmp_path_factory.mktemp("home")) as url:
        yield url


def _login(b: Any, server: str, who: tuple[str, ...]) -> Any:
    page = b.new_page(viewport={"width": 1366, "height": 900})
    page.goto(server + "/login")
    page.fill("input[name=username]", who[0])
    page.fill("input[name=password]", who[1])
    page.click("button[type=submit]")
    page.wait_for_url(server + "/")
    return page


def _pick(page: Any, testid: str, option: str) -> None:
    field = page.locator(f"[data-testid={testid}]").locator(
        "xpath=ancestor-or-self::*[contains(@class, 'q-field')][1]"
    )
    field.click()
    page.locator(".q-menu .q-item", has_text=option).first.click()


def test_analyst_sees_provenance_and_corrects_a_value(server: str) -> None:
    with chromium() as b:
        page = _login(b, server, ANALYST)
        page.goto(server + "/data")
        page.fill("[data-testid=my-data-county]", "湘潭县")
        page.fill("[data-testid=my-data-year]", "2010")
        page.click("[data-testid=my-data-show]")
        page.wait_for_selector("[data-testid=my-data-table] tbody tr")
        text = page.inner_text("[data-testid=my-data-table]")
        # 示例数据 batch 1 of the small warehouse: source, file and who imported it
        assert "示例数据-县域指标" in text and "示例数据-县域指标.csv" in text
        _pick(page, "fix-indicator", "15–64 岁人口比重")
        page.fill("[data-testid=fix-value]", "0.74")
        page.fill("[data-testid=fix-note]", "年鉴勘误")
        page.click("[data-testid=fix-save]")
        page.wait_for_selector("text=已保存更正")
        page.wait_for_selector("[data-testid=my-data-table] >> text=更正：15–64 岁人口比重")
        rows = page.locator("[data-testid=my-data-table] tbody tr", has_text="更正：")
        assert "0.74" in rows.first.inner_text() and ANALYST[0] in rows.first.inner_text()
        log = page.request.get(
            server + "/api/admin/audit", params={"action": "value_correct", "limit": 10}
        )
        assert log.status == 403  # an analyst does not read the audit log
        admin = _login(b, server, ADMIN)
        items = admin.request.get(
            server + "/api/admin/audit", params={"action": "value_correct", "limit": 10}
        ).json()["items"]
        assert [(i["user_name"], i["target"]) for i in items] == [
            (ANALYST[0], "430321:age_15_64_share:2010")
        ]
        assert items[0]["detail"]["to"] == 0.74 and items[0]["detail"]["from"] == 0.7348


def test_county_account_sees_its_own_county_only(server: str) -> None:
    with chromium() as b:
        page = _login(b, server, COUNTY)
        page.goto(server + "/data")
        page.wait_for_selector("[data-testid=my-data-county]")
        field = page.locator("[data-testid=my-data-county]")
        assert field.input_value() == "430321" and field.is_disabled()
