"""湘潭市招商引资若干激励政策（试行）（潭办发〔2022〕3号）: every clause just met, just failed, missing.

Expected statuses and amounts are read from the sentences of the document (texts/xiangtan-2022-zhaoshang.txt)
and computed by hand in the comments; amounts in 万元.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
from _clause_cases import ClauseCase, clause_case_misfits, clause_table, clauses_without_three_cases

from xinzhi.policy import builtin_documents, evaluate

DOC_ID = "xiangtan-2022-zhaoshang"
ON = dt.date(2024, 6, 30)
FIRM = {"credit_code": "91430321TEST00001X", "region_code": "430321", "name": "示例数据企业"}

BASE: dict[str, dict[str, Any]] = {
    "1-1": {
        "new_project": True,
        "section": "C",
        "park_standard_met": True,
        "fixed_asset_investment": 20000.0,
        "fiscal_balance_5y": True,
        "reward_year": 3,
        "city_economic_contribution": 800.0,
    },
    "1-2": {"new_project": True, "advanced_manufacturing": True, "actual_funds": 20001.0},
    "1-3": {"new_project": True, "advanced_manufacturing": True, "actual_funds": 50000.0},
    "1-4": {
        "hq_recognized": True,
        "paid_in_capital": 10000.0,
        "city_contribution_growth": 0.01,
        "actual_funds": 100000.0,
    },
    "1-5": {
        "hq_by_merger": True,
        "merger_completed_on": dt.date(2021, 7, 1),
        "city_contribution_growth": 0.16,
        "city_contribution_increment": 500.0,
    },
    "1-6": {
        "new_project": True,
        "foreign_project": True,
        "actual_funds_usd": 3000.01,
        "actual_funds": 21500.0,
    },
}

# (clause, case, overrides, status, amount_min, amount_max, missing field or None)
# fmt: off
CASES = [
    # 1-1 固定资产投资 2 亿元以上（含 2 亿元）；前三年按市级经济贡献 100%，后两年 50%
    ("1-1", "meets", {}, "符合", 800.0, 800.0, None),  # 第 3 年：800 × 100% = 800
    ("1-1", "meets_later_years", {"reward_year": 4}, "符合", 400.0, 400.0, None),  # 800 × 50% = 400
    ("1-1", "fails", {"fixed_asset_investment": 19999.0}, "不符合", None, None, None),
    ("1-1", "missing", {"fiscal_balance_5y": None}, "可能符合", 800.0, 800.0, "fiscal_balance_5y"),
    # 1-2 实际到位资金超过 2 亿元（不含 2 亿元）：当年实际到位资金 × 1%
    ("1-2", "meets", {}, "符合", 200.01, 200.01, None),  # 20001 × 1% = 200.01
    ("1-2", "fails", {"actual_funds": 20000.0}, "不符合", None, None, None),
    ("1-2", "missing", {"advanced_manufacturing": None}, "可能符合", 200.01, 200.01, "advanced_manufacturing"),
    # 1-3 一年度内实际到位资金 5 / 10 / 20 亿元以上：20 / 40 / 100 万元
    ("1-3", "meets", {}, "符合", 20.0, 20.0, None),  # 5 亿元整 → 20
    ("1-3", "meets_10", {"actual_funds": 100000.0}, "符合", 40.0, 40.0, None),  # 10 亿元整 → 40
    ("1-3", "below_20", {"actual_funds": 199999.0}, "符合", 40.0, 40.0, None),  # 不足 20 亿元 → 40
    ("1-3", "meets_20", {"actual_funds": 200000.0}, "符合", 100.0, 100.0, None),  # 20 亿元整 → 100
    ("1-3", "fails", {"actual_funds": 49999.0}, "不符合", None, None, None),
    ("1-3", "missing", {"new_project": None}, "可能符合", 20.0, 20.0, "new_project"),
    # 1-4 实缴注册资本 1 / 3 / 5 亿元以上：实际到位资金 × 1% / 2.5% / 3%，最高 5000 万元
    ("1-4", "meets", {}, "符合", 1000.0, 1000.0, None),  # 100000 × 1% = 1000
    ("1-4", "meets_3yi", {"paid_in_capital": 30000.0}, "符合", 2500.0, 2500.0, None),  # × 2.5% = 2500
    # 5 亿元档：200000 × 3% = 6000 > 5000 → 封顶 5000
    ("1-4", "capped", {"paid_in_capital": 50000.0, "actual_funds": 200000.0}, "符合", 5000.0, 5000.0, None),
    ("1-4", "fails", {"paid_in_capital": 9999.0}, "不符合", None, None, None),
    ("1-4", "fails_no_growth", {"city_contribution_growth": 0.0}, "不符合", None, None, None),
    ("1-4", "missing", {"city_contribution_growth": None}, "可能符合", 1000.0, 1000.0, "city_contribution_growth"),
    # 1-5 并购完成后三年内、市级经济贡献增长超过 15%：当年增量 × 40%
    ("1-5", "meets", {}, "符合", 200.0, 200.0, None),  # 2021-07-01 至 2024-06-30 满 2 年；500 × 40% = 200
    ("1-5", "fails_growth", {"city_contribution_growth": 0.15}, "不符合", None, None, None),  # 恰 15% 不算“超过”
    ("1-5", "fails_3_years", {"merger_completed_on": dt.date(2021, 6, 30)}, "不符合", None, None, None),
    ("1-5", "missing", {"merger_completed_on": None}, "可能符合", 200.0, 200.0, "merger_completed_on"),
    # 1-6 当年实际到位资金超过 3000 万美元：实际到位资金（折人民币）× 1%
    ("1-6", "meets", {}, "符合", 215.0, 215.0, None),  # 21500 × 1% = 215
    ("1-6", "fails", {"actual_funds_usd": 3000.0}, "不符合", None, None, None),
    ("1-6", "missing", {"foreign_project": None}, "可能符合", 215.0, 215.0, "foreign_project"),
]
# fmt: on


@clause_table(CASES)
def test_clause(row_case: ClauseCase) -> None:
    assert clause_case_misfits(DOC_ID, ON, FIRM, BASE, row_case) == []


def test_every_clause_has_three_cases() -> None:
    assert clauses_without_three_cases(DOC_ID, CASES) == []


def test_firm_outside_xiangtan_gets_no_rows() -> None:
    frame = pd.DataFrame([{**FIRM, "region_code": "430121", **BASE["1-3"]}])
    tidy = evaluate([builtin_documents()[DOC_ID]], frame, on=ON).tidy()
    assert (tidy["document"] == DOC_ID).sum() == 0
