"""Browser test of the page 管理: an administrator adds a county account, changes its role and
disables it from the page (real server on the small warehouse, headless Debian chromium); the
warehouse and the audit log hold each change, attributed to the logged-in administrator."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from fixtures.live_server import chromium, copy_server, login

pytestmark = pytest.mark.browser

ADMIN = ("管理员甲", "admin-pass-123")


@pytest.fixture(scope="module")
def server_db(
    small_warehouse: Any, data_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, Path]]:
    with copy_server(
        small_warehouse.db, data_dir, tmp_path_factory, "web-admin", (ADMIN, "admin")
    ) as (url, db):
        yield url, db


def _pick(page: Any, testid: str, option: str) -> None:
    field = page.locator(f"[data-testid={testid}]").locator(
        "xpath=ancestor-or-self::*[contains(@class, 'q-field')][1]"
    )
    field.click()
    page.locator(".q-menu .q-item", has_text=option).first.click()


def test_admin_manages_accounts_on_the_page(server_db: tuple[str, Path]) -> None:
    server, _ = server_db
    with chromium() as b:
        _, page, _ = login(b, server, ADMIN, viewport=(1366, 900))
        page.goto(server + "/admin")
        page.wait_for_selector("[data-testid=users-table]")
        body = page.inner_text("body")
        assert "xinzhi users" not in body, body  # no CLI hints for planners

        page.fill("[data-testid=new-username]", "湘潭县发改局")
        page.fill("[data-testid=new-password]", "county-pass-1")
        _pick(page, "new-role", "县区用户")
        page.fill("[data-testid=new-county]", "湘潭县")
        page.click("[data-testid=user-add-button]")
        page.wait_for_selector("[data-testid=users-table] >> text=湘潭县发改局")

        _pick(page, "edit-user", "湘潭县发改局")
        _pick(page, "edit-role", "分析员")
        page.click("[data-testid=user-role-button]")
        page.wait_for_selector("text=已修改 湘潭县发改局 的角色")
        page.click("[data-testid=user-disable-button]")
        page.wait_for_selector("[data-testid=users-table] >> text=已停用")

        # what the warehouse holds now, read through the API with the administrator's cookie
        users = {u["username"]: u for u in page.request.get(server + "/api/admin/users").json()}
        log = page.request.get(
            server + "/api/admin/audit", params={"user": ADMIN[0], "limit": 100}
        ).json()
    user = users["湘潭县发改局"]
    assert (user["role"], user["county_code"], user["disabled"]) == ("analyst", None, True)
    rows = log["items"] if isinstance(log, dict) else log
    mine = sorted((r for r in rows if r["target"] == "湘潭县发改局"), key=lambda r: r["audit_id"])
    assert [r["action"] for r in mine] == ["user_add", "user_role", "user_disable"]
