"""Browser test of a county office's own yearbook in its province's index (#13 part 1): upload a
Hunan-style yearbook on 数据, run a 湖南省 evaluation on 方法, and the imported indicators are in
the run's weights; 排名 of that evaluation names its 评价范围 and lists Hunan counties only."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from fixtures.live_server import add_accounts, chromium, live_server

pytestmark = pytest.mark.browser

ANALYST = ("分析员乙", "analyst-pass-1")
HUNAN_2020 = {"长沙县", "宁乡市", "湘潭县", "湘乡市", "韶山市", "祁阳县"}


@pytest.fixture(scope="module")
def server(
    small_warehouse: Any, data_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    db = tmp_path_factory.mktemp("web-area") / "xinzhi.duckdb"
    shutil.copy(small_warehouse.db, db)
    add_accounts(db, (ANALYST, "analyst"))
    with live_server(db, data_dir, tmp_path_factory.mktemp("home")) as url:
        yield url


def test_hunan_yearbook_joins_the_hunan_index(server: str, tmp_path: Path) -> None:
    yearbook = tmp_path / "湖南统计年鉴2021.csv"
    rows = ["地区,年份,研究与试验发展经费支出(万元),专利授权量(件),人均地区生产总值(元)"]
    for i, name in enumerate(sorted(HUNAN_2020)):
        rows.append(f"{name},2020,{10_000 + 5_000 * i},{300 + 40 * i},{60_000 + 9_000 * i}")
    yearbook.write_text("\n".join(rows) + "\n", encoding="utf-8")
    with chromium() as b:
        page = b.new_page(viewport={"width": 1366, "height": 900})
        page.goto(server + "/login")
        page.fill("input[name=username]", ANALYST[0])
        page.fill("input[name=password]", ANALYST[1])
        page.click("button[type=submit]")
        page.wait_for_url(server + "/")

        page.goto(server + "/data")
        page.wait_for_selector("[data-testid=upload] input[type=file]", state="attached")
        page.set_input_files("[data-testid=upload] input[type=file]", str(yearbook))
        page.wait_for_selector("[data-testid=import-report]", timeout=30_000)
        assert (
            page.inner_text("[data-testid=import-counts]") == "读入 6 行 = 载入 6 + 隔离 0 + 跳过 0"
        )

        page.goto(server + "/method")
        page.wait_for_selector("[data-testid=evaluation-area]")
        page.fill("[data-testid=evaluation-area]", "湖南省")
        page.fill("[data-testid=evaluation-years]", "2020")  # the yearbook's year
        save = page.get_by_label("保存名称")
        save.fill("湖南县域2020")
        page.click("[data-testid=run-evaluation]")
        page.wait_for_selector("[data-testid=run-summary]", timeout=120_000)
        summary = page.inner_text("[data-testid=run-summary]")
        assert "评价范围：湖南省" in summary, summary
        assert "rd_expenditure（覆盖" in summary.split("纳入的可选指标：")[1].splitlines()[0]
        weights = page.inner_text("[data-testid=run-weights]")
        for name in ("研究与试验发展经费支出", "专利授权量", "人均地区生产总值"):
            assert name in weights

        page.goto(server + "/ranking?eval=湖南县域2020&year=2020&basis=all")
        page.wait_for_selector("[data-testid=ranking-table]")
        assert "评价范围：湖南省" in page.inner_text("body")
        listed = page.locator("[data-testid=ranking-table] tbody tr").all_inner_texts()
        names = {n for n in HUNAN_2020 if any(n in r for r in listed)}
        assert names == HUNAN_2020 and len(listed) == len(HUNAN_2020)
