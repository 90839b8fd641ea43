"""《柳河县加快旅游业发展的若干意见》(2019-01-01, three years) encoded as
``policies/liuhe-2019-tourism.yaml`` (the guide clause, a person subject, is in
``test_policy_liuhe_2019_tourism_guides.py``): every clause against a subject that just meets it
(符合, amount by hand), one that just fails it (不符合, the reason names the deciding condition)
and one with the deciding field NULL (可能符合, ``missing`` names it); 第19项's exclusion, band
edges, caps, 就高不重复 and the validity window. All subjects are 示例数据 built here.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from _clause_cases import (
    Case,
    case_id,
    clauses_not_verbatim,
    failed_misfits,
    met_misfits,
    missing_misfits,
    only_clause_row,
)

from xinzhi.policy import builtin_documents, evaluate

DOC = "liuhe-2019-tourism"
ON = dt.date(2020, 6, 30)  # inside 2019-01-01 .. 2021-12-31
FIRM = "91220524MA0000003X"  # 示例数据 (企业: 9 = 市场监管登记)
SOCIETY = "51220524MJ0000004X"  # 示例数据 (社会团体: 51 = 民政登记的社会团体)
NS = {"other_subsidy_received": False}  # 第19项: not already subsidised


def _frame(values: dict[str, Any]) -> pd.DataFrame:
    return pd.DataFrame([{"credit_code": FIRM, "region_code": "220524", **values}])


def _row(clause: str, values: dict[str, Any]) -> pd.Series:
    return only_clause_row(DOC, clause, _frame(values), ON)


PRJ = {"priority_tourism_project": True, **NS}
VIL = {
    "village_homestays": 20,
    "village_homestay_beds": 100,
    "village_homestay_investment": 1000.0,
    "homestay_village_recognised": True,
    **NS,
}
FLW = {"new_flower_base_area": 100.0, "flower_planting_years": 3.0, **NS}
REST = {
    "food_street_restaurant": True,
    "restaurant_area": 100.0,
    "restaurant_opened_on": dt.date(2019, 6, 30),
    **NS,
}
EVT = {"event_qualifying": True, "event_revenue": 10.0, **NS}
BIG = {"event_attendance": 300, "event_revenue": 80.0, **NS}
NOT19 = "未享受一事一议或其他部门财政补助"

# fmt: off
CASES = [
    # 第1项: 500 × 5% = 25 .. 500 × 20% = 100
    Case("1-1", {**PRJ, "project_investment": 500.0}, (25.0, 100.0),
         "project_investment", 499.99, "项目资金投入 500—5000 万元"),
    Case("1-1", {**PRJ, "project_investment": 500.0}, (25.0, 100.0), "other_subsidy_received", True, NOT19),
    Case("1-1", {**PRJ, "project_investment": 500.0}, (25.0, 100.0),
         "priority_tourism_project", False, "属优先发展的旅游项目（含原有景区提档升级）"),
    # 5000 itself is the upper band's end → 一事一议 only above it; no amount
    Case("1-2", {"priority_tourism_project": True, "project_investment": 5000.01}, None,
         "project_investment", 5000.0, "项目投资 > 5000 万元"),
    # 第3项: 地方留用土地价款 100 × 60% / 80% / 100%
    Case("3-1", {"new_hotel_built_star": 3, "hotel_land_price_local": 100.0, **NS}, (60.0, 60.0),
         "new_hotel_built_star", 4, "在柳河新建三星级酒店"),
    Case("3-2", {"new_hotel_built_star": 4, "hotel_land_price_local": 100.0, **NS}, (80.0, 80.0),
         "new_hotel_built_star", 3, "在柳河新建四星级酒店"),
    Case("3-3", {"new_hotel_built_star": 5, "hotel_land_price_local": 100.0, **NS}, (100.0, 100.0),
         "new_hotel_built_star", 4, "在柳河新建五星级酒店"),
    Case("3-3", {"new_hotel_built_star": 5, "hotel_land_price_local": 100.0, **NS}, (100.0, 100.0),
         "other_subsidy_received", True, NOT19),
    # 第4项: 10 间 × 0.2 万元 = 2
    Case("4-1", {"village_homestays": 5, "homestay_rooms": 10, **NS}, (2.0, 2.0),
         "village_homestays", 4, "所在行政村标准化民宿 ≥ 5 家"),
    Case("4-2", VIL, (100.0, 100.0), "village_homestays", 19, "行政村标准化民宿 ≥ 20 家"),
    Case("4-2", VIL, (100.0, 100.0), "village_homestay_beds", 99, "床位 ≥ 100 张"),
    Case("4-2", VIL, (100.0, 100.0), "village_homestay_investment", 999.99, "总投入 ≥ 1000 万元"),
    Case("4-2", VIL, (100.0, 100.0), "homestay_village_recognised", False, "经认定"),
    # 第5项: 100 亩 × 0.01 万元 = 1
    Case("5-1", FLW, (1.0, 1.0), "new_flower_base_area", 99.99, "新发展观赏花卉基地 ≥ 100 亩"),
    Case("5-1", FLW, (1.0, 1.0), "flower_planting_years", 2.9, "连续种植 ≥ 3 年"),
    # 第6项
    Case("6-1", {"new_ski_runs_advanced": 1, **NS}, (100.0, 100.0), "new_ski_runs_advanced", 0, "新建高级雪道"),
    Case("6-2", {"new_ski_runs_intermediate": 1, **NS}, (50.0, 50.0),
         "new_ski_runs_intermediate", 0, "新建中级雪道"),
    Case("6-3", {"new_ski_runs_beginner": 1, **NS}, (5.0, 5.0), "new_ski_runs_beginner", 0, "新建初级雪道"),
    Case("6-4", {"new_ice_rinks": 1, **NS}, (1.0, 1.0), "new_ice_rinks", 0, "浇灌标准化冰场"),
    Case("6-5", {"ice_snow_events_approved": 1, **NS}, (0.5, 0.5), "ice_snow_events_approved", 0,
         "较大规模冰雪赛事活动经领导小组审核"),
    # 第7项: opened 2019-06-30 → 2020-06-30 is 1 whole year; 2019-07-01 is 0
    Case("7-1", REST, (1.0, 1.0), "restaurant_area", 99.9, "营业面积 ≥ 100 平方米"),
    Case("7-1", REST, (1.0, 1.0), "restaurant_opened_on", dt.date(2019, 7, 1), "经营满一年"),
    Case("7-2", {"food_street_brand_store": True, "restaurant_opened_on": dt.date(2018, 6, 30), **NS},
         (2.0, 2.0), "restaurant_opened_on", dt.date(2018, 7, 1), "经营满二年"),
    # 第8项
    Case("8-1", {"hotel_star_rated": 3, **NS}, (20.0, 20.0), "hotel_star_rated", 4, "新评定为三星级酒店"),
    Case("8-2", {"hotel_star_rated": 4, **NS}, (50.0, 50.0), "hotel_star_rated", 3, "新评定为四星级酒店"),
    Case("8-3", {"hotel_star_rated": 5, **NS}, (100.0, 100.0), "hotel_star_rated", 4, "新评定为五星级酒店"),
    # 第9项
    Case("9-1", {"scenic_a_level_rated": 3, **NS}, (10.0, 10.0), "scenic_a_level_rated", 2,
         "新评定为国家3A级旅游景区"),
    Case("9-2", {"scenic_a_level_rated": 4, **NS}, (50.0, 50.0), "scenic_a_level_rated", 3,
         "新评定为国家4A级旅游景区"),
    Case("9-3", {"scenic_a_level_rated": 5, **NS}, (100.0, 100.0), "scenic_a_level_rated", 4,
         "新评定为国家5A级旅游景区"),
    # 第10项
    Case("10-1", {"rural_tourism_star_rated": 2, **NS}, (2.0, 2.0), "rural_tourism_star_rated", 1,
         "新评定为国家2星级乡村旅游示范单位"),
    Case("10-2", {"rural_tourism_star_rated": 3, **NS}, (4.0, 4.0), "rural_tourism_star_rated", 2,
         "新评定为国家3星级乡村旅游示范单位"),
    Case("10-3", {"rural_tourism_star_rated": 4, **NS}, (8.0, 8.0), "rural_tourism_star_rated", 3,
         "新评定为国家4星级乡村旅游示范单位"),
    Case("10-4", {"rural_tourism_star_rated": 5, **NS}, (15.0, 15.0), "rural_tourism_star_rated", 4,
         "新评定为国家5星级乡村旅游示范单位"),
    # 第11项
    Case("11-1", {"tourism_honours_city": 1, **NS}, (2.0, 2.0), "tourism_honours_city", 0, "获评旅游类市级荣誉"),
    Case("11-2", {"tourism_honours_province": 1, **NS}, (5.0, 5.0), "tourism_honours_province", 0,
         "获评旅游类省级荣誉"),
    Case("11-3", {"tourism_honours_national": 1, **NS}, (10.0, 10.0), "tourism_honours_national", 0,
         "获评旅游类国家级荣誉"),
    # 第12项: 10000 人次 = 满一万 → 1 万元
    Case("12-1", {"organised_visitors": 10000, **NS}, (1.0, 1.0), "organised_visitors", 9999,
         "年组织游客 ≥ 1 万人次"),
    # 第13项: 2000 人夜 × 0.0005 万元 (5 元) = 1 万元
    Case("13-1", {"festival_group_visitors": 1000, "festival_person_nights": 2000, **NS}, (1.0, 1.0),
         "festival_group_visitors", 999, "节庆期间组团 ≥ 1000 人次"),
    # 第14项: 企业 10 × 15% = 1.5; 社团 10 × 10% = 1
    Case("14-1", EVT, (1.5, 1.5), "event_revenue", 9.99, "营业额 ≥ 10 万元"),
    Case("14-1", EVT, (1.5, 1.5), "event_qualifying", False, "国际性或全国性主办且本县财政不承担经费"),
    Case("14-2", {**EVT, "credit_code": SOCIETY}, (1.0, 1.0), "event_revenue", 9.99, "营业额 ≥ 10 万元"),
    Case("14-3", BIG, (15.0, 15.0), "event_attendance", 299, "单次会议人数 ≥ 300 人"),
    Case("14-3", BIG, (15.0, 15.0), "event_revenue", 79.99, "营业额 ≥ 80 万元"),
]
# fmt: on


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_clause_met(case: Case) -> None:
    r = _row(case.clause, case.meet)
    assert met_misfits(r, case.amount) == []


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_clause_just_failed(case: Case) -> None:
    r = _row(case.clause, {**case.meet, case.field: case.fail})
    assert failed_misfits(r, case.reason) == []


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_clause_missing_field(case: Case) -> None:
    r = _row(case.clause, {**case.meet, case.field: None})
    assert missing_misfits(r, case.field) == []


def test_every_clause_has_a_case() -> None:
    ids = [c.id for c in builtin_documents()[DOC].clauses]
    assert len(ids) == 33
    assert {c.clause for c in CASES} == set(ids)


@pytest.mark.parametrize(
    ("clause", "values", "amount"),
    [
        # 5000 万元 is still the 5%—20% band: 250 .. 1000
        ("1-1", {**PRJ, "project_investment": 5000.0}, (250.0, 1000.0)),
        ("4-1", {"village_homestays": 30, "homestay_rooms": 1, **NS}, (0.2, 0.2)),
        # 500 亩 (含) → 100 元/亩 = 5; 500.5 亩 → 200 元/亩 = 10.01
        ("5-1", {**FLW, "new_flower_base_area": 500.0}, (5.0, 5.0)),
        ("5-1", {**FLW, "new_flower_base_area": 500.5}, (10.01, 10.01)),
        # per run / rink / event / honour
        ("6-1", {"new_ski_runs_advanced": 2, **NS}, (200.0, 200.0)),
        ("6-4", {"new_ice_rinks": 3, **NS}, (3.0, 3.0)),
        ("6-5", {"ice_snow_events_approved": 2, **NS}, (1.0, 1.0)),
        ("11-1", {"tourism_honours_city": 2, **NS}, (4.0, 4.0)),
        # 每满一万人: 19999 → 1; 20000 → 2; 109999 → 10
        ("12-1", {"organised_visitors": 19999, **NS}, (1.0, 1.0)),
        ("12-1", {"organised_visitors": 20000, **NS}, (2.0, 2.0)),
        ("12-1", {"organised_visitors": 109999, **NS}, (10.0, 10.0)),
        # whole steps at any size: ⌊115000 / 10000⌋ = 11 → 11; ⌊250000 / 10000⌋ = 25 → 25
        ("12-1", {"organised_visitors": 115000, **NS}, (11.0, 11.0)),
        ("12-1", {"organised_visitors": 250000, **NS}, (25.0, 25.0)),
        # 单个项目最高 30: 企业 300 × 15% = 45 → 30; 社团 400 × 10% = 40 → 30
        ("14-1", {**EVT, "event_revenue": 300.0}, (30.0, 30.0)),
        ("14-2", {**EVT, "credit_code": SOCIETY, "event_revenue": 400.0}, (30.0, 30.0)),
    ],
)
def test_amount_edges(clause: str, values: dict[str, Any], amount: tuple[float, float]) -> None:
    r = _row(clause, values)
    assert r["status"] == "符合"
    assert (r["amount_min"], r["amount_max"]) == pytest.approx(amount)


@pytest.mark.parametrize(("clause", "code"), [("14-1", SOCIETY), ("14-2", FIRM)])
def test_event_award_goes_by_introducer_kind(clause: str, code: str) -> None:
    # a 社会团体 is not paid the 企业 rate and a firm not the 社团 rate
    r = _row(clause, {**EVT, "credit_code": code})
    assert r["status"] == "不符合"
    assert "引进主体为" in r["reason"]


@pytest.mark.parametrize(
    ("revenue", "winner", "amount", "loser"),
    [
        # 80 × 15% = 12 < 特大型 15 → 14-3 keeps 15
        (80.0, "14-3", 15.0, "14-1"),
        # 200 × 15% = 30 (cap) > 15 → 14-1 keeps 30
        (200.0, "14-1", 30.0, "14-3"),
    ],
)
def test_event_awards_highest_only(revenue: float, winner: str, amount: float, loser: str) -> None:
    firm = _frame({**EVT, **BIG, "event_revenue": revenue})
    tidy = evaluate([builtin_documents()[DOC]], firm, on=ON).tidy().set_index("clause")
    assert tidy.loc[winner, "amount_max"] == pytest.approx(amount)
    assert tidy.loc[loser, "status"] == "符合"
    assert tidy.loc[loser, "amount_max"] == 0.0
    assert tidy.loc["14-2", "status"] == "不符合"


@pytest.mark.parametrize(
    ("on", "rows"),
    [
        (dt.date(2018, 12, 31), 0),
        (dt.date(2019, 1, 1), 33),  # 自2019年1月1日起执行
        (dt.date(2021, 12, 31), 33),  # 暂定三年
        (dt.date(2022, 1, 1), 0),
    ],
)
def test_validity_window(on: dt.date, rows: int) -> None:
    assert len(evaluate([builtin_documents()[DOC]], _frame({}), on=on).tidy()) == rows


def test_clause_texts_are_verbatim(data_dir: Path) -> None:
    doc = builtin_documents()[DOC]
    source = (data_dir / "text" / "policies_liuhe" / "lvyou.txt").read_text("utf-8")
    assert "自2019年1月1日起执行，暂定三年" in source
    assert clauses_not_verbatim(doc, source) == []
