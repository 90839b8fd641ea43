"""The 指标明细 table of 画像 as drawn (xinzhi.web.pages_profile.detail_table, value_text): raw
values with their units in the project's one number format, ranks as 名次/单位数, headers, and
the module's doctests (gap_rows, shortfall_table, value_text)."""

from __future__ import annotations

import doctest

import pandas as pd

from xinzhi.pipelines.profile_indicators import DETAIL_COLUMNS, IndicatorDetails
from xinzhi.web import pages_profile
from xinzhi.web.pages_profile import detail_table, value_text


def test_doctests_of_the_page_module() -> None:
    result = doctest.testmod(pages_profile, verbose=False)
    assert result.attempted >= 4 and result.failed == 0


def test_value_text_by_unit() -> None:
    assert value_text(0.4, "比例") == "40.00%"  # 0.4 × 100 with 2 decimals
    assert value_text(20_000.0, "万元") == "20,000.00 万元"  # 2.0 亿元 × 10 000, as stored
    assert value_text(3.5, "亿元") == "3.50 亿元"  # the unit the data carry, not converted
    assert value_text(78_000.0, "元") == "78,000.00 元"
    assert value_text(380.0, "件") == "380.00 件"
    assert value_text(9.15, "年") == "9.15 年"
    assert value_text(float("nan"), "万元") == "缺失"
    assert value_text(12.0, "万元", visible=False) == "无权查看"


def _details(rank_scope: str) -> IndicatorDetails:
    rows = pd.DataFrame(
        {
            "indicator": ["urban_share", "rd_expenditure"],
            "name": ["城镇化率", "研究与试验发展经费支出"],
            "dimension": ["劳动资料", "劳动资料"],
            "unit": ["比例", "万元"],
            "value": [0.4, float("nan")],
            "normalised": [0.2, 0.5],
            "weight": [0.25, 0.75],
            "contribution": [0.05, 0.375],  # 0.25 × 0.2, 0.75 × 0.5
            "share": [0.05 / 0.425, 0.375 / 0.425],
            "rank": [5, 4],
            "units": [6, 6],
            "source_kind": ["公开数据", "用户导入"],
            "source": ["公开数据：示例", "用户导入（无权查看）"],
            "batch_id": pd.array([1, None], dtype="Int64"),
            "imported_by": [None, None],
            "visible": [True, False],
        }
    )[list(DETAIL_COLUMNS)]
    return IndicatorDetails(
        evaluation="e",
        region_code="430321",
        county="湘潭县",
        year=2020,
        area=None if rank_scope == "省内" else "湖南省",
        rank_scope=rank_scope,
        aggregate="weighted-sum",
        additive=True,
        score=0.425,
        rows=rows,
    )


def test_detail_table_rows_headers_and_kinds() -> None:
    rows, labels, kinds = detail_table(_details("湖南省范围内"))
    assert list(labels.values()) == [
        "指标",
        "维度",
        "原始值",
        "标准化值",
        "权重",
        "贡献",
        "贡献占比",
        "湖南省范围内排名",
        "来源",
    ]
    assert rows["value_text"].tolist() == ["40.00%", "无权查看"]
    assert rows["rank_text"].tolist() == ["5/6", "4/6"]
    assert kinds == {
        "normalised": "score",
        "weight": "share",
        "contribution": "score",
        "share": "share",
    }
    _, labels, _ = detail_table(_details("省内"))
    assert labels["rank_text"] == "省内排名"
