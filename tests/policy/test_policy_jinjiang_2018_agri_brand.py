"""晋江市农业相关惠企政策（支持农业企业品牌创建）: each clause met, failed, missing.

Expected values read from the sentences in texts/jinjiang-2018-agri-brand.txt; amounts in 万元.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import pytest
from _clause_cases import ClauseCase, clause_case_misfits, clause_table, clauses_without_three_cases

from xinzhi.policy import builtin_documents, evaluate

DOC_ID = "jinjiang-2018-agri-brand"
ON = dt.date(2018, 12, 31)
FIRM = {"credit_code": "91350582TEST00001X", "region_code": "350582", "name": "示例数据企业"}

BASE: dict[str, dict[str, Any]] = {
    "5-1-1": {"organic_certified_new": True},
    "5-1-2": {"organic_products_kept_3y": 1},
    "5-1-3": {"green_food_products_new": 1},
    "5-1-4": {"green_food_renewed_products": 1},
    "5-1-5": {"pollution_free_certified_new": True},
    "5-1-6": {"pollution_free_renewed_products": 1},
    "5-1-7": {"geo_indication_products_new": 1},
    "5-1-8": {"gap_certified_new": True},
    "5-1-9": {"gap_renewed": True},
    "5-2-1": {"standard_farm_level": "国家级"},
    "5-2-2": {"standard_farm_level": "省级"},
    "5-3-1": {"trace_pilot_jinjiang_year": 1},
    "5-3-2": {"trace_pilot_quanzhou": True},
    "5-4-1": {"grain_title_new": "全国种粮标兵"},
    "5-4-2": {"grain_title_new": "全国种粮大户"},
    "5-4-3": {"grain_title_new": "全省种粮大户"},
}

# fmt: off
CASES = [
    # 5-1-1 国家有机产品认证：一次性 5 万元
    ("5-1-1", "meets", {}, "符合", 5.0, 5.0, None),
    ("5-1-1", "fails", {"organic_certified_new": False}, "不符合", None, None, None),
    ("5-1-1", "missing", {"organic_certified_new": None}, "可能符合", 5.0, 5.0, "organic_certified_new"),
    # 5-1-2 连续三年保持有机产品认证：每个产品 0.8 万元
    ("5-1-2", "meets", {}, "符合", 0.8, 0.8, None),  # 1 × 0.8
    ("5-1-2", "three_products", {"organic_products_kept_3y": 3}, "符合", 2.4, 2.4, None),  # 3 × 0.8 = 2.4
    ("5-1-2", "fails", {"organic_products_kept_3y": 0}, "不符合", None, None, None),
    ("5-1-2", "missing", {"organic_products_kept_3y": None}, "可能符合", 0.0, None, "organic_products_kept_3y"),  # 0 至不定
    # 5-1-3 绿色食品标志：2 个以下（含）3 万元，每增 1 个加 0.5 万元，最高 5 万元
    ("5-1-3", "meets", {}, "符合", 3.0, 3.0, None),  # 1 个 → 3
    ("5-1-3", "two", {"green_food_products_new": 2}, "符合", 3.0, 3.0, None),  # 2 个（含）→ 3
    ("5-1-3", "three", {"green_food_products_new": 3}, "符合", 3.5, 3.5, None),  # 3 + 0.5 × 1
    ("5-1-3", "five", {"green_food_products_new": 5}, "符合", 4.5, 4.5, None),  # 3 + 0.5 × 3
    ("5-1-3", "six", {"green_food_products_new": 6}, "符合", 5.0, 5.0, None),  # 3 + 0.5 × 4 = 5
    ("5-1-3", "nine", {"green_food_products_new": 9}, "符合", 5.0, 5.0, None),  # 3 + 0.5 × 7 = 6.5 → 5
    ("5-1-3", "fails", {"green_food_products_new": 0}, "不符合", None, None, None),
    ("5-1-3", "missing", {"green_food_products_new": None}, "可能符合", 0.0, 5.0, "green_food_products_new"),  # 数量未录入：0 至封顶 5
    # 5-1-4 绿色食品续展认证：每个产品 0.5 万元
    ("5-1-4", "meets", {}, "符合", 0.5, 0.5, None),
    ("5-1-4", "four", {"green_food_renewed_products": 4}, "符合", 2.0, 2.0, None),  # 4 × 0.5
    ("5-1-4", "fails", {"green_food_renewed_products": 0}, "不符合", None, None, None),
    ("5-1-4", "missing", {"green_food_renewed_products": None}, "可能符合", 0.0, None, "green_food_renewed_products"),  # 0 至不定
    # 5-1-5 国家级无公害农产品认证：一次性 2 万元
    ("5-1-5", "meets", {}, "符合", 2.0, 2.0, None),
    ("5-1-5", "fails", {"pollution_free_certified_new": False}, "不符合", None, None, None),
    ("5-1-5", "missing", {"pollution_free_certified_new": None}, "可能符合", 2.0, 2.0, "pollution_free_certified_new"),
    # 5-1-6 无公害农产品产地复查换证：每个产品 0.5 万元
    ("5-1-6", "meets", {}, "符合", 0.5, 0.5, None),
    ("5-1-6", "two", {"pollution_free_renewed_products": 2}, "符合", 1.0, 1.0, None),  # 2 × 0.5
    ("5-1-6", "fails", {"pollution_free_renewed_products": 0}, "不符合", None, None, None),
    ("5-1-6", "missing", {"pollution_free_renewed_products": None}, "可能符合", 0.0, None, "pollution_free_renewed_products"),  # 0 至不定
    # 5-1-7 农产品地理标志登记保护：每个产品一次性 5 万元
    ("5-1-7", "meets", {}, "符合", 5.0, 5.0, None),
    ("5-1-7", "two", {"geo_indication_products_new": 2}, "符合", 10.0, 10.0, None),  # 2 × 5
    ("5-1-7", "fails", {"geo_indication_products_new": 0}, "不符合", None, None, None),
    ("5-1-7", "missing", {"geo_indication_products_new": None}, "可能符合", 0.0, None, "geo_indication_products_new"),  # 0 至不定
    # 5-1-8 农业部 GAP 认证：一次性 5 万元
    ("5-1-8", "meets", {}, "符合", 5.0, 5.0, None),
    ("5-1-8", "fails", {"gap_certified_new": False}, "不符合", None, None, None),
    ("5-1-8", "missing", {"gap_certified_new": None}, "可能符合", 5.0, 5.0, "gap_certified_new"),
    # 5-1-9 农业部 GAP 换证：每年 1 万元
    ("5-1-9", "meets", {}, "符合", 1.0, 1.0, None),
    ("5-1-9", "fails", {"gap_renewed": False}, "不符合", None, None, None),
    ("5-1-9", "missing", {"gap_renewed": None}, "可能符合", 1.0, 1.0, "gap_renewed"),
    # 5-2-1 / 5-2-2 新列入国家级 / 省级农业标准化生产示范场创建：10 / 5 万元
    ("5-2-1", "meets", {}, "符合", 10.0, 10.0, None),
    ("5-2-1", "fails", {"standard_farm_level": "省级"}, "不符合", None, None, None),
    ("5-2-1", "missing", {"standard_farm_level": None}, "可能符合", 10.0, 10.0, "standard_farm_level"),
    ("5-2-2", "meets", {}, "符合", 5.0, 5.0, None),
    ("5-2-2", "fails", {"standard_farm_level": "国家级"}, "不符合", None, None, None),
    ("5-2-2", "missing", {"standard_farm_level": None}, "可能符合", 5.0, 5.0, "standard_farm_level"),
    # 5-3-1 晋江市级可追溯试点：第一年 5 万元，之后每年 2 万元
    ("5-3-1", "meets", {}, "符合", 5.0, 5.0, None),
    ("5-3-1", "second_year", {"trace_pilot_jinjiang_year": 2}, "符合", 2.0, 2.0, None),
    ("5-3-1", "fifth_year", {"trace_pilot_jinjiang_year": 5}, "符合", 2.0, 2.0, None),
    ("5-3-1", "fails", {"trace_pilot_jinjiang_year": 0}, "不符合", None, None, None),
    ("5-3-1", "missing", {"trace_pilot_jinjiang_year": None}, "可能符合", 0.0, 5.0, "trace_pilot_jinjiang_year"),  # 0 至最高档 5
    # 5-3-2 泉州市级以上可追溯试点：每年 2 万元
    ("5-3-2", "meets", {}, "符合", 2.0, 2.0, None),
    ("5-3-2", "fails", {"trace_pilot_quanzhou": False}, "不符合", None, None, None),
    ("5-3-2", "missing", {"trace_pilot_quanzhou": None}, "可能符合", 2.0, 2.0, "trace_pilot_quanzhou"),
    # 5-4 全国种粮标兵 / 全国种粮大户 / 全省种粮大户：10 / 5 / 3 万元
    ("5-4-1", "meets", {}, "符合", 10.0, 10.0, None),
    ("5-4-1", "fails", {"grain_title_new": "全国种粮大户"}, "不符合", None, None, None),
    ("5-4-1", "missing", {"grain_title_new": None}, "可能符合", 10.0, 10.0, "grain_title_new"),
    ("5-4-2", "meets", {}, "符合", 5.0, 5.0, None),
    ("5-4-2", "fails", {"grain_title_new": "全省种粮大户"}, "不符合", None, None, None),
    ("5-4-2", "missing", {"grain_title_new": None}, "可能符合", 5.0, 5.0, "grain_title_new"),
    ("5-4-3", "meets", {}, "符合", 3.0, 3.0, None),
    ("5-4-3", "fails", {"grain_title_new": "全国种粮标兵"}, "不符合", None, None, None),
    ("5-4-3", "missing", {"grain_title_new": None}, "可能符合", 3.0, 3.0, "grain_title_new"),
]
# fmt: on


@clause_table(CASES)
def test_clause(row_case: ClauseCase) -> None:
    assert clause_case_misfits(DOC_ID, ON, FIRM, BASE, row_case) == []


def test_every_clause_has_three_cases() -> None:
    assert clauses_without_three_cases(DOC_ID, CASES) == []


def test_firm_outside_jinjiang_gets_no_rows() -> None:
    frame = pd.DataFrame([{**FIRM, "region_code": "350581", **BASE["5-1-1"]}])
    tidy = evaluate([builtin_documents()[DOC_ID]], frame, on=ON).tidy()
    assert (tidy["document"] == DOC_ID).sum() == 0


def test_several_brands_add_up() -> None:
    """One firm with an organic certification, 3 green-food products and a GAP renewal (stacking additive)."""
    frame = pd.DataFrame(
        [{**FIRM, "organic_certified_new": True, "green_food_products_new": 3, "gap_renewed": True}]
    )
    tidy = evaluate([builtin_documents()[DOC_ID]], frame, on=ON).tidy()
    met = tidy[(tidy["document"] == DOC_ID) & (tidy["status"] == "符合")]
    assert sorted(met["clause"]) == ["5-1-1", "5-1-3", "5-1-9"]
    # 5 + (3 + 0.5 × 1) + 1 = 9.5
    assert met["amount_max"].sum() == pytest.approx(9.5)
