"""Browser test of the section 稳健性审计 of the page 排名: the real server on the small warehouse
(14 counties, 示例数据, stored evaluation ``nqpf-county``) driven by headless Debian chromium, as in
:mod:`test_web_monitor`. A click runs the declared ``audit``; the rank-interval chart is drawn
as SVG, under the page's content security policy (no violation, no request off the host)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from fixtures.live_server import (
    chromium,
    copy_server,
    csp_violations,
    login,
)

pytestmark = pytest.mark.browser

ADMIN = ("管理员甲", "admin-pass-123")


@pytest.fixture(scope="module")
def server(
    small_warehouse: Any, data_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    with copy_server(
        small_warehouse.db, data_dir, tmp_path_factory, "web-audit", (ADMIN, "admin")
    ) as (url, _):
        yield url


def test_audit_chart_appears(server: str) -> None:
    with chromium() as b:
        _, page, console = login(b, server, ADMIN)
        outside: list[str] = []
        page.on(
            "request",
            lambda r: None if r.url.startswith(server) else outside.append(r.url),
        )
        page.goto(server + "/ranking?year=2020")
        page.wait_for_selector("[data-testid=ranking-table]")
        page.click("[data-testid=audit-run]")
        page.wait_for_selector("[data-testid=audit-chart] svg", timeout=120_000)
        page.wait_for_timeout(500)
        text = page.inner_text("[data-testid=audit-chart]")
        svg = page.inner_html("[data-testid=audit-chart]")
        # the legend and a county name of the small warehouse, drawn as SVG text
        assert "90% 区间" in svg and "排名中位数" in svg and "基准排名" in svg
        assert "湘潭县" in svg or "湘潭县" in text
        assert page.locator("text=总 Sobol 指数").count() >= 1
        assert csp_violations(console) == [] and outside == []
