"""Browser test of a county office's own yearbook in its province's index (#13 part 1): upload a
Hunan-style yearbook on 数据, run a 湖南省 evaluation on 方法, and the imported indicators are in
the run's weights; 排名 of that evaluation names its 评价范围 and lists Hunan counties only; the
画像 of 湘潭县 in that evaluation lists the imported indicators in 指标明细 with the values
uploaded (R&D converted from 亿元 to 万元), ranked within 湖南省 and attributed to the upload,
and its Excel export holds exactly the rows and cells on screen."""

from __future__ import annotations

import io
import math
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from fixtures.live_server import add_accounts, chromium, live_server, login

pytestmark = pytest.mark.browser

ANALYST = ("分析员乙", "analyst-pass-1")
COUNTY = ("湘潭县发改局", "county-pass-1", "430321")
HUNAN_2020 = {"长沙县", "宁乡市", "湘潭县", "湘乡市", "韶山市", "祁阳县"}
#: the yearbook uploaded (示例数据): R&D 经费 in 亿元, 专利授权量 in 件, 人均 GDP in 元
YEARBOOK = (
    ("宁乡市", 1.0, 300, 60_000),
    ("湘乡市", 1.5, 340, 69_000),
    ("湘潭县", 2.0, 380, 78_000),
    ("祁阳县", 2.5, 420, 87_000),
    ("长沙县", 3.0, 460, 96_000),
    ("韶山市", 3.5, 500, 105_000),
)


@pytest.fixture(scope="module")
def server(
    small_warehouse: Any, data_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    db = tmp_path_factory.mktemp("web-area") / "xinzhi.duckdb"
    shutil.copy(small_warehouse.db, db)
    add_accounts(db, (ANALYST, "analyst"), (COUNTY, "county"))
    with live_server(db, data_dir, tmp_path_factory.mktemp("home")) as url:
        yield url


def test_hunan_yearbook_joins_the_hunan_index(server: str, tmp_path: Path) -> None:
    yearbook = tmp_path / "湖南统计年鉴2021.csv"
    rows = ["地区,年份,研究与试验发展经费支出(亿元),专利授权量(件),人均地区生产总值(元)"]
    rows += [f"{n},2020,{rd},{pat},{gdp}" for n, rd, pat, gdp in YEARBOOK]
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

        # 画像 of 湘潭县 in the Hunan evaluation: 指标明细 lists the imported indicators
        page.goto(server + "/profile?code=430321&eval=湖南县域2020&year=2020")
        page.wait_for_selector("[data-testid=indicator-details-table] tbody tr", timeout=120_000)
        table = page.locator("[data-testid=indicator-details-table]")
        # ranks named after the 评价范围 (six units), not national ones; the robustness audit of
        # the scoped evaluation runs (its stored 评价范围 is no engine option)
        assert "评价范围（湖南省）内排名 " in page.inner_text("[data-testid=profile-headline]")
        assert "/6" in page.inner_text("[data-testid=profile-headline]")
        assert page.inner_text("[data-testid=profile-basis]").startswith(
            "评价范围（湖南省）内的县域口径（"
        )
        assert page.inner_text("[data-testid=profile-basis]").count("评价范围（湖南省）内") == 2
        assert "未知的评价选项" not in page.inner_text("body")
        headers = [  # the sort icon's ligature is text too
            h.replace("arrow_upward", "").strip()
            for h in table.locator("thead th").all_inner_texts()
        ]
        assert headers == [
            "指标",
            "维度",
            "原始值",
            "标准化值",
            "权重",
            "贡献",
            "贡献占比",
            "湖南省范围内排名",
            "来源",
        ], headers

        def row(name: str) -> list[str]:
            tr = table.locator("tbody tr", has_text=name).first
            return [c.strip() for c in tr.locator("td").all_inner_texts()]

        # 湘潭县 uploaded 2.0 亿元 = 2.0 × 10 000 = 20 000 万元 of R&D, 380 件, 78 000 元; each
        # is the 4th highest of the six Hunan counties (3.5, 3.0, 2.5 亿元 above it …)
        rd, pat, gdp = row("研究与试验发展经费支出"), row("专利授权量"), row("人均地区生产总值")
        assert rd[:3] == ["研究与试验发展经费支出", "劳动资料", "20,000.00 万元"], rd
        assert pat[:3] == ["专利授权量", "劳动资料", "380.00 件"], pat
        assert gdp[:3] == ["人均地区生产总值", "劳动对象", "78,000.00 元"], gdp
        assert rd[7] == pat[7] == gdp[7] == "4/6"
        # min–max of log1p (R&D, patents) and log (GDP per capita) over the six counties:
        # R&D  (ln 20 001 − ln 10 001) / (ln 35 001 − ln 10 001)
        # GDP  (ln 78 000 − ln 60 000) / (ln 105 000 − ln 60 000) = ln 1.3 / ln 1.75
        z_rd = (math.log(20_001) - math.log(10_001)) / (math.log(35_001) - math.log(10_001))
        z_gdp = math.log(1.3) / math.log(1.75)
        assert rd[3] == f"{z_rd:.4f}" and gdp[3] == f"{z_gdp:.4f}", (rd, gdp)
        for r in (rd, pat, gdp):
            assert r[8].startswith("用户导入（批次 ") and "导入人 分析员乙" in r[8], r
            assert "湖南统计年鉴2021" in r[8]
        # the census indicators come from the warehouse's own 示例数据 batch
        urban = row("城镇化率")
        assert urban[2] == "40.00%", urban  # 湘潭县 2020 urban_share 0.40 (fixture's literal)
        shown = [
            [c.strip() for c in tr.locator("td").all_inner_texts()]
            for tr in table.locator("tbody tr").all()
        ]
        assert len(shown) == 17  # 14 census indicators + the 3 imported ones
        assert "{{" not in page.inner_text("body")
        if os.environ.get("XINZHI_WEB_SHOTS"):
            page.screenshot(
                path=str(Path(os.environ["XINZHI_WEB_SHOTS"]) / "profile-hunan-scope.png"),
                full_page=True,
            )

        with page.expect_download(timeout=60_000) as dl:
            page.click("[data-testid=indicator-details-export]")
        book = openpyxl.load_workbook(io.BytesIO(Path(dl.value.path()).read_bytes()))
        ws = book["指标明细"]
        cells = list(ws.iter_rows(values_only=True))
        assert list(cells[0]) == headers
        assert ws.freeze_panes == "A2"
        assert len(cells) - 1 == len(shown)
        by_name = {str(r[0]): r for r in cells[1:]}
        for screen in shown:
            x = by_name[screen[0]]
            # text columns as on screen; numbers as numbers, shown with the screen's format
            assert [x[0], x[1], x[2], x[7], x[8]] == [
                screen[0],
                screen[1],
                screen[2],
                screen[7],
                screen[8],
            ]
            assert f"{x[3]:.4f}" == screen[3] and f"{x[5]:.4f}" == screen[5]
            assert f"{100 * x[4]:.1f}%" == screen[4] and f"{100 * x[6]:.1f}%" == screen[6]

        # a county account: the analyst's yearbook batch is not its own, so the value, batch
        # and importer are withheld (the evaluation's numbers stay); the export of another
        # county's 指标明细 is refused like the profile workbook
        ctx, cpage, _ = login(b, server, COUNTY)
        cpage.goto(server + "/profile?code=430321&eval=湖南县域2020&year=2020")
        cpage.wait_for_selector("[data-testid=indicator-details-table] tbody tr", timeout=120_000)
        tr = cpage.locator("[data-testid=indicator-details-table] tbody tr", has_text="专利授权量")
        cells = [c.strip() for c in tr.first.locator("td").all_inner_texts()]
        assert cells[2] == "无权查看" and cells[8] == "用户导入（无权查看）", cells
        assert cells[3] == pat[3] and cells[7] == "4/6"
        assert "分析员乙" not in cpage.inner_text("[data-testid=indicator-details]")
        cpage.goto(server + "/profile?code=430381&eval=湖南县域2020&year=2020")
        cpage.wait_for_selector("[data-testid=indicator-details-export]", timeout=120_000)
        cpage.click("[data-testid=indicator-details-export]")
        cpage.wait_for_selector(".q-notification:has-text('县区用户只能导出本县区的画像')")
        ctx.close()
