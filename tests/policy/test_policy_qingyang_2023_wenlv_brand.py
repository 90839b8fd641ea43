"""庆阳市支持深化文旅融合发展若干政策（品牌创建奖励）: each clause met, failed, missing.

Expected values read from texts/qingyang-2023-wenlv-brand.txt (“奖补办法” and “新评定是指2023年4月以后由文旅
主管部门评定”); amounts in 万元. “4月以后” is read as from 2023-04-01 inclusive.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import pytest
from _clause_cases import ClauseCase, clause_case_misfits, clause_table, clauses_without_three_cases

from xinzhi.policy import builtin_documents, evaluate

DOC_ID = "qingyang-2023-wenlv-brand"
ON = dt.date(2024, 3, 31)
FIRM = {"credit_code": "91621002TEST00001X", "region_code": "621002", "name": "示例数据企业"}
APRIL_2023 = dt.date(2023, 4, 1)
MARCH_2023 = dt.date(2023, 3, 31)

BASE: dict[str, dict[str, Any]] = {
    "1-1": {"scenic_grade_new": "5A", "scenic_rated_on": APRIL_2023},
    "1-2": {"scenic_grade_new": "4A", "scenic_rated_on": APRIL_2023},
    "1-3": {"scenic_grade_new": "3A", "scenic_rated_on": APRIL_2023},
    "2-1": {"hotel_star_new": "五星级", "hotel_rated_on": APRIL_2023},
    "2-2": {"hotel_star_new": "四星级", "hotel_rated_on": APRIL_2023},
    "3-1": {"demo_zone_new": "全国红色旅游融合发展示范区", "demo_zone_rated_on": APRIL_2023},
    "3-2": {
        "demo_zone_new": "国家文化产业和旅游产业融合发展示范区",
        "demo_zone_rated_on": APRIL_2023,
    },
    "4-1": {"night_zone_level_new": "国家级", "night_zone_rated_on": APRIL_2023},
    "4-2": {"night_zone_level_new": "省级", "night_zone_rated_on": APRIL_2023},
    "5-1": {"homestay_grade_new": "甲级", "homestay_rated_on": APRIL_2023},
    "5-2": {"homestay_grade_new": "乙级", "homestay_rated_on": APRIL_2023},
}

# fmt: off
CASES = [
    # 1-1 新评定国家 5A 级旅游景区：200 万元（2023 年 4 月以后评定）
    ("1-1", "meets", {}, "符合", 200.0, 200.0, None),  # 2023-04-01 当日评定
    ("1-1", "fails", {"scenic_rated_on": MARCH_2023}, "不符合", None, None, None),  # 2023-03-31 评定
    ("1-1", "fails_grade", {"scenic_grade_new": "4A"}, "不符合", None, None, None),
    ("1-1", "missing", {"scenic_rated_on": None}, "可能符合", 200.0, 200.0, "scenic_rated_on"),
    # 1-2 4A：50 万元（2023 年 4 月以后评定）
    ("1-2", "meets", {}, "符合", 50.0, 50.0, None),  # 2023-04-01 当日评定
    ("1-2", "fails", {"scenic_rated_on": MARCH_2023}, "不符合", None, None, None),  # 2023-03-31 评定
    ("1-2", "fails_grade", {"scenic_grade_new": "3A"}, "不符合", None, None, None),
    ("1-2", "missing", {"scenic_rated_on": None}, "可能符合", 50.0, 50.0, "scenic_rated_on"),
    # 1-3 3A：30 万元（2023 年 4 月以后评定）
    ("1-3", "meets", {}, "符合", 30.0, 30.0, None),  # 2023-04-01 当日评定
    ("1-3", "fails", {"scenic_rated_on": MARCH_2023}, "不符合", None, None, None),  # 2023-03-31 评定
    ("1-3", "fails_grade", {"scenic_grade_new": "5A"}, "不符合", None, None, None),
    ("1-3", "missing", {"scenic_rated_on": None}, "可能符合", 30.0, 30.0, "scenic_rated_on"),
    # 2-1 新评国家五星级旅游饭店：50 万元（2023 年 4 月以后评定）
    ("2-1", "meets", {}, "符合", 50.0, 50.0, None),  # 2023-04-01 当日评定
    ("2-1", "fails", {"hotel_rated_on": MARCH_2023}, "不符合", None, None, None),  # 2023-03-31 评定
    ("2-1", "fails_grade", {"hotel_star_new": "四星级"}, "不符合", None, None, None),
    ("2-1", "missing", {"hotel_rated_on": None}, "可能符合", 50.0, 50.0, "hotel_rated_on"),
    # 2-2 四星级：20 万元（2023 年 4 月以后评定）
    ("2-2", "meets", {}, "符合", 20.0, 20.0, None),  # 2023-04-01 当日评定
    ("2-2", "fails", {"hotel_rated_on": MARCH_2023}, "不符合", None, None, None),  # 2023-03-31 评定
    ("2-2", "fails_grade", {"hotel_star_new": "五星级"}, "不符合", None, None, None),
    ("2-2", "missing", {"hotel_rated_on": None}, "可能符合", 20.0, 20.0, "hotel_rated_on"),
    # 3-1 全国红色旅游融合发展示范区：100 万元（2023 年 4 月以后评定）
    ("3-1", "meets", {}, "符合", 100.0, 100.0, None),  # 2023-04-01 当日评定
    ("3-1", "fails", {"demo_zone_rated_on": MARCH_2023}, "不符合", None, None, None),  # 2023-03-31 评定
    ("3-1", "fails_grade", {"demo_zone_new": "国家文化产业和旅游产业融合发展示范区"}, "不符合", None, None, None),
    ("3-1", "missing", {"demo_zone_rated_on": None}, "可能符合", 100.0, 100.0, "demo_zone_rated_on"),
    # 3-2 国家文化产业和旅游产业融合发展示范区：100 万元（2023 年 4 月以后评定）
    ("3-2", "meets", {}, "符合", 100.0, 100.0, None),  # 2023-04-01 当日评定
    ("3-2", "fails", {"demo_zone_rated_on": MARCH_2023}, "不符合", None, None, None),  # 2023-03-31 评定
    ("3-2", "fails_grade", {"demo_zone_new": "全国红色旅游融合发展示范区"}, "不符合", None, None, None),
    ("3-2", "missing", {"demo_zone_rated_on": None}, "可能符合", 100.0, 100.0, "demo_zone_rated_on"),
    # 4-1 国家级夜间文旅消费集聚区 / 休闲街区：50 万元（2023 年 4 月以后评定）
    ("4-1", "meets", {}, "符合", 50.0, 50.0, None),  # 2023-04-01 当日评定
    ("4-1", "fails", {"night_zone_rated_on": MARCH_2023}, "不符合", None, None, None),  # 2023-03-31 评定
    ("4-1", "fails_grade", {"night_zone_level_new": "省级"}, "不符合", None, None, None),
    ("4-1", "missing", {"night_zone_rated_on": None}, "可能符合", 50.0, 50.0, "night_zone_rated_on"),
    # 4-2 省级：30 万元（2023 年 4 月以后评定）
    ("4-2", "meets", {}, "符合", 30.0, 30.0, None),  # 2023-04-01 当日评定
    ("4-2", "fails", {"night_zone_rated_on": MARCH_2023}, "不符合", None, None, None),  # 2023-03-31 评定
    ("4-2", "fails_grade", {"night_zone_level_new": "国家级"}, "不符合", None, None, None),
    ("4-2", "missing", {"night_zone_rated_on": None}, "可能符合", 30.0, 30.0, "night_zone_rated_on"),
    # 5-1 全国甲级旅游民宿：20 万元（2023 年 4 月以后评定）
    ("5-1", "meets", {}, "符合", 20.0, 20.0, None),  # 2023-04-01 当日评定
    ("5-1", "fails", {"homestay_rated_on": MARCH_2023}, "不符合", None, None, None),  # 2023-03-31 评定
    ("5-1", "fails_grade", {"homestay_grade_new": "乙级"}, "不符合", None, None, None),
    ("5-1", "missing", {"homestay_rated_on": None}, "可能符合", 20.0, 20.0, "homestay_rated_on"),
    # 5-2 乙级：10 万元（2023 年 4 月以后评定）
    ("5-2", "meets", {}, "符合", 10.0, 10.0, None),  # 2023-04-01 当日评定
    ("5-2", "fails", {"homestay_rated_on": MARCH_2023}, "不符合", None, None, None),  # 2023-03-31 评定
    ("5-2", "fails_grade", {"homestay_grade_new": "甲级"}, "不符合", None, None, None),
    ("5-2", "missing", {"homestay_rated_on": None}, "可能符合", 10.0, 10.0, "homestay_rated_on"),
]
# fmt: on


@clause_table(CASES)
def test_clause(row_case: ClauseCase) -> None:
    assert clause_case_misfits(DOC_ID, ON, FIRM, BASE, row_case) == []


def test_every_clause_has_three_cases() -> None:
    assert clauses_without_three_cases(DOC_ID, CASES) == []


def test_firm_outside_qingyang_gets_no_rows() -> None:
    frame = pd.DataFrame([{**FIRM, "region_code": "620102", **BASE["1-1"]}])
    tidy = evaluate([builtin_documents()[DOC_ID]], frame, on=ON).tidy()
    assert (tidy["document"] == DOC_ID).sum() == 0


def test_scenic_area_and_hotel_of_one_firm_add_up() -> None:
    frame = pd.DataFrame([{**FIRM, **BASE["1-2"], **BASE["2-1"]}])
    tidy = evaluate([builtin_documents()[DOC_ID]], frame, on=ON).tidy()
    met = tidy[(tidy["document"] == DOC_ID) & (tidy["status"] == "符合")]
    assert sorted(met["clause"]) == ["1-2", "2-1"]
    assert met["amount_max"].sum() == pytest.approx(100.0)  # 4A 50 + 五星级 50
