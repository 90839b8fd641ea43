"""Browser test of the page 方法: one control per declared evaluation option (data-testid
``opt-<name>``, from :data:`xinzhi.registry.evaluation.EVALUATION`), the real server on the small
warehouse (示例数据) driven by headless Debian chromium, as :mod:`test_web_audit_browser`."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from fixtures.live_server import chromium, copy_server, login
from xinzhi.pipelines.evaluation import METHOD_OPTIONS
from xinzhi.web.pages_method import MAIN_OPTIONS

pytestmark = pytest.mark.browser

ADMIN = ("管理员甲", "admin-pass-123")


@pytest.fixture(scope="module")
def server(
    small_warehouse: Any, data_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    with copy_server(
        small_warehouse.db, data_dir, tmp_path_factory, "web-method", (ADMIN, "admin")
    ) as (url, _):
        yield url


def test_every_declared_option_has_a_control(server: str) -> None:
    with chromium() as b:
        _, page, _ = login(b, server, ADMIN)
        page.goto(server + "/method")
        for name in MAIN_OPTIONS:
            page.wait_for_selector(f"[data-testid=opt-{name}]", timeout=30_000)
        page.click("text=更多方法选项")
        for name in METHOD_OPTIONS:
            assert page.locator(f"[data-testid=opt-{name}]").count() == 1, name
        # a select shows the declared Chinese labels
        page.click("[data-testid=opt-aggregate]")
        page.wait_for_selector("text=PROMETHEE II")
        assert page.locator("text=几何加权").count() >= 1
