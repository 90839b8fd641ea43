"""The one number format of the pages (:mod:`xinzhi.web._format`), the workbook helper
:func:`xinzhi.web._frame.excel_bytes`, the server-side search of a table, provinces in code order,
and the page 排名 in the browser: percentiles shown as %, a filtered export whose rows equal the
screen's, a frozen header and % number formats in the workbook."""

from __future__ import annotations

import io
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest

from fixtures.live_server import add_accounts, chromium, live_server, login
from fixtures.warehouse import EVALUATION
from xinzhi.web._format import column_kind, format_js, format_value, kind_of_unit
from xinzhi.web._frame import excel_bytes, province_names, screen_frame, search_rows
from xinzhi.web.pages_profile import shortfall_table

ADMIN = ("管理员甲", "admin-pass-123")

# (value, kind, text) — written by hand
CASES = [
    (0.1376, "share", "13.8%"),  # 0.1376 × 100 = 13.76 → 1 decimal
    (0.4696, "percentile", "47.0%"),  # 46.96 → 47.0
    (1.0, "percentile", "100.0%"),
    (0.0, "share", "0.0%"),
    (0.394319, "score", "0.3943"),
    (0.58106, "score", "0.5811"),  # 4 decimals: 0.58106 → 0.5811
    (0.1091, "ratio", "10.91%"),  # unit 比例: % with 2 decimals (as the PDF)
    (12345.678, "money", "12,345.68"),
    (1234567.0, "number", "1,234,567.00"),
    (42.0, "int", "42"),
    (0.07449, "share", "7.4%"),  # 7.449 → 7.4 (not 7.45 → 7.5: rounded once)
    (0.07451, "share", "7.5%"),  # 7.451 → 7.5
    (0.123449, "score", "0.1234"),  # 4 decimals: the 5th is 4 → down
]


@pytest.mark.parametrize("value, kind, text", CASES)
def test_format_value_by_hand(value: float, kind: str, text: str) -> None:
    assert format_value(value, kind) == text


@pytest.mark.parametrize("missing", [None, float("nan")])
def test_missing_is_que_shi(missing: Any) -> None:
    assert format_value(missing, "share") == "缺失"


def test_kinds_of_columns_and_units() -> None:
    assert column_kind("score") == "score"
    assert column_kind("dim:劳动者") == "score"
    assert column_kind("percentile") == "percentile"
    assert column_kind("obstacle") == "share"
    assert column_kind("short:产业链条短") == "share"
    assert column_kind("Gw_share") == "share"
    assert column_kind("rank") is None and column_kind("name") is None
    assert [kind_of_unit(u) for u in ("比例", "%", "万元", "亿元", "人", None)] == [
        "ratio",
        "ratio",
        "money",
        "money",
        "number",
        "number",
    ]


@pytest.mark.browser
def test_javascript_format_equals_python() -> None:
    """The table columns' ``:format`` (JavaScript) gives the same text as format_value."""
    with chromium() as b:
        page = b.new_page()
        for value, kind, text in CASES:
            assert page.evaluate(f"({format_js(kind)})({value!r})") == text, (value, kind)
        assert page.evaluate(f"({format_js('share')})(null)") == "缺失"


def test_shortfall_columns_not_doubled() -> None:
    # obstacle degrees of all indicators sum to 1, so share_s = U_s / 1 = U_s: one column
    same = pd.DataFrame(
        {"shortfall": ["甲", "乙"], "obstacle": [0.7, 0.3], "share": [0.7, 0.3], "drivers": ""}
    )
    labels, note = shortfall_table(same)
    assert "share" not in labels and labels["obstacle"] == "障碍度（占总障碍度）"
    assert "100%" in note
    # indicators without a shortfall hold 0.2 of the total: shares 0.6/0.8 = 0.75, 0.2/0.8
    other = same.assign(obstacle=[0.6, 0.2], share=[0.75, 0.25])
    assert list(shortfall_table(other)[0]) == ["rank", "shortfall", "obstacle", "share", "drivers"]


def test_excel_bytes_freezes_header_and_formats_numbers() -> None:
    df = pd.DataFrame(
        {"county": ["甲", "乙"], "score": [0.5, 0.25], "percentile": [1.0, 0.5], "rank": [1, 2]}
    )
    shown, kinds = screen_frame(
        df, {"county": "县区", "score": "综合得分", "percentile": "全国百分位", "rank": "排名"}
    )
    assert kinds == {"综合得分": "score", "全国百分位": "percentile"}
    wb = openpyxl.load_workbook(io.BytesIO(excel_bytes({"排名": shown}, kinds)))
    ws = wb["排名"]
    assert ws.freeze_panes == "A2"
    assert [c.value for c in ws[1]] == ["县区", "综合得分", "全国百分位", "排名"]
    assert ws["B2"].value == 0.5 and ws["B2"].number_format == "0.0000"
    assert ws["C3"].value == 0.5 and ws["C3"].number_format == "0.0%"
    assert ws["D2"].number_format == "General"


def test_search_rows_and_provinces_in_code_order() -> None:
    d = pd.DataFrame(
        {
            "name": ["湘潭县", "长沙县", "昆山市", "永登县"],
            "region_code": ["430321", "430121", "320583", "620121"],
            "province_code": ["43", "43", "32", "62"],
            "province_name": ["湖南省", "湖南省", "江苏省", "甘肃省"],
        }
    )
    assert search_rows(d, "4301", ["name", "region_code"])["name"].tolist() == ["长沙县"]
    assert search_rows(d, "县", ["name"])["name"].tolist() == ["湘潭县", "长沙县", "永登县"]
    assert len(search_rows(d, "  ", ["name"])) == 4
    # 32 江苏 < 43 湖南 < 62 甘肃 (character order would put 江 … 湖 … 甘 differently)
    assert province_names(d) == ["江苏省", "湖南省", "甘肃省"]


@pytest.fixture(scope="module")
def server(
    small_warehouse: Any, data_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    db = tmp_path_factory.mktemp("web-format") / "xinzhi.duckdb"
    shutil.copy(small_warehouse.db, db)
    add_accounts(db, (ADMIN, "admin"))
    with live_server(db, data_dir, tmp_path_factory.mktemp("home")) as url:
        yield url


@pytest.mark.browser
def test_filtered_ranking_export_equals_the_screen(server: str) -> None:
    with chromium() as b:
        ctx, page, _ = login(b, server, ADMIN)
        page.goto(server + f"/ranking?eval={EVALUATION}&year=2020&basis=all")
        page.wait_for_selector("[data-testid=ranking-table] tbody tr")
        page.get_by_label("筛选（名称或代码）").fill("湖南")
        # the six 湖南 units of 2020: 长沙县 宁乡市 湘潭县 湘乡市 韶山市 祁阳县
        page.wait_for_function(
            "document.querySelectorAll('[data-testid=ranking-table] tbody tr').length === 6"
        )
        header = [  # the sort arrow is an icon whose text is its name
            h.replace("arrow_upward", "").strip()
            for h in page.locator("[data-testid=ranking-table] thead th").all_inner_texts()
        ]
        rows = page.locator("[data-testid=ranking-table] tbody tr")
        screen = [rows.nth(i).locator("td").all_inner_texts() for i in range(rows.count())]
        pct = header.index("全国百分位")
        assert all(r[pct].endswith("%") for r in screen)
        with page.expect_download() as dl:
            page.click("[data-testid=export-xlsx]")
        wb = openpyxl.load_workbook(io.BytesIO(Path(dl.value.path()).read_bytes()))
        ws = wb.worksheets[0]
        assert ws.freeze_panes == "A2"
        xl_header = [c.value for c in ws[1]]
        assert xl_header == header
        got = [[c.value for c in r] for r in ws.iter_rows(min_row=2)]
        code = header.index("区划代码")
        assert [r[code] for r in got] == [r[code] for r in screen]
        assert ws.cell(row=2, column=pct + 1).number_format == "0.0%"
        assert ws.cell(row=2, column=header.index("综合得分") + 1).number_format == "0.0000"
        for x, s in zip(got, screen, strict=True):
            assert format_value(x[pct], "percentile") == s[pct]
        ctx.close()


def test_gap_rows_in_each_indicators_unit() -> None:
    from xinzhi.web.pages_profile import gap_rows

    gaps = pd.DataFrame(
        {
            "indicator": ["u", "gdp", "n"],
            "name": ["城镇化率", "地区生产总值", "专利"],
            "value": [0.4, 1234567.891, 12.0],
            "benchmark_value": [0.8, 2000000.0, None],
            "gap": [0.4, 765432.109, None],
            "gap_share": [0.5, 0.3827, None],
        }
    )
    units = pd.DataFrame({"code": ["u", "gdp", "n"], "unit": ["比例", "万元", "件"]})
    out = gap_rows(gaps, units)
    assert out["value"].tolist() == ["40.00%", "1,234,567.89", "12.00"]
    assert out["benchmark_value"].tolist() == ["80.00%", "2,000,000.00", "缺失"]
    assert out["gap_share"].tolist()[:2] == [0.5, 0.3827]  # a number, shown as % by the table
