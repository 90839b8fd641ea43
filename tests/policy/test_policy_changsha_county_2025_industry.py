"""长沙县加快建设现代化产业体系 推动经济高质量发展若干措施（试行）: each clause met, failed, missing.

Expected values read from the sentences in texts/changsha-county-2025-industry.txt; amounts in 万元,
产值 in 万元 (1 亿元 = 10000 万元).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
from _clause_cases import ClauseCase, clause_case_misfits, clause_table, clauses_without_three_cases

from xinzhi.policy import builtin_documents, evaluate

DOC_ID = "changsha-county-2025-industry"
ON = dt.date(2025, 6, 30)
FIRM = {"credit_code": "91430121TEST00001X", "region_code": "430121", "name": "示例数据企业"}

BASE: dict[str, dict[str, Any]] = {
    "1-1": {"section": "C", "above_scale": True, "first_above_scale": True},
    "1-2": {
        "section": "C",
        "output_value": 10000.0,
        "output_first_milestone": True,
        "output_growth": 0.15,
    },
    "1-3": {"section": "C", "output_value": 200000.0, "output_new_steps": 1},
}

# fmt: off
CASES = [
    # 1-1 首次入规的工业企业：10 万元
    ("1-1", "meets", {}, "符合", 10.0, 10.0, None),
    ("1-1", "fails", {"first_above_scale": False}, "不符合", None, None, None),
    ("1-1", "fails_not_industry", {"section": "F"}, "不符合", None, None, None),  # 建筑业不是工业
    ("1-1", "missing", {"first_above_scale": None}, "可能符合", 10.0, 10.0, "first_above_scale"),
    # 1-2 年产值首次达到 1 / 2 / 5 / 10 亿元且同比增速达到 15%：5 / 10 / 15 / 20 万元
    ("1-2", "meets", {}, "符合", 5.0, 5.0, None),  # 1 亿元整、增速 15% 整 → 5
    ("1-2", "below_2yi", {"output_value": 19999.0}, "符合", 5.0, 5.0, None),
    ("1-2", "meets_2yi", {"output_value": 20000.0}, "符合", 10.0, 10.0, None),
    ("1-2", "meets_5yi", {"output_value": 50000.0}, "符合", 15.0, 15.0, None),
    ("1-2", "meets_10yi", {"output_value": 100000.0}, "符合", 20.0, 20.0, None),
    ("1-2", "fails", {"output_growth": 0.1499}, "不符合", None, None, None),
    ("1-2", "fails_below_1yi", {"output_value": 9999.0}, "不符合", None, None, None),
    ("1-2", "missing", {"output_growth": None}, "可能符合", 5.0, 5.0, "output_growth"),
    # 1-3 年产值 10 亿元以上每上一个台阶（10 亿元）20 万元，单个企业最高 200 万元
    ("1-3", "meets", {}, "符合", 20.0, 20.0, None),  # 1 个台阶 × 20 = 20
    ("1-3", "three_steps", {"output_value": 400000.0, "output_new_steps": 3}, "符合", 60.0, 60.0, None),  # 3 × 20
    # 11 个台阶 × 20 = 220 > 200 → 封顶 200
    ("1-3", "capped", {"output_value": 1200000.0, "output_new_steps": 11}, "符合", 200.0, 200.0, None),
    ("1-3", "fails", {"output_new_steps": 0}, "不符合", None, None, None),
    ("1-3", "fails_below_10yi", {"output_value": 99999.0}, "不符合", None, None, None),
    # 台阶数未录入：金额下限 0，上限为封顶 200
    ("1-3", "missing", {"output_new_steps": None}, "可能符合", 0.0, 200.0, "output_new_steps"),
]
# fmt: on


@clause_table(CASES)
def test_clause(row_case: ClauseCase) -> None:
    assert clause_case_misfits(DOC_ID, ON, FIRM, BASE, row_case) == []


def test_every_clause_has_three_cases() -> None:
    assert clauses_without_three_cases(DOC_ID, CASES) == []


def test_firm_outside_changsha_county_gets_no_rows() -> None:
    frame = pd.DataFrame([{**FIRM, "region_code": "430321", **BASE["1-1"]}])
    tidy = evaluate([builtin_documents()[DOC_ID]], frame, on=ON).tidy()
    assert (tidy["document"] == DOC_ID).sum() == 0


def test_before_the_measures_took_effect_no_rows() -> None:
    frame = pd.DataFrame([{**FIRM, **BASE["1-1"]}])
    tidy = evaluate([builtin_documents()[DOC_ID]], frame, on=dt.date(2025, 5, 6)).tidy()
    assert (tidy["document"] == DOC_ID).sum() == 0
