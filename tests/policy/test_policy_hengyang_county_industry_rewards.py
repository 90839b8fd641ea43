"""衡阳县促进工业加快发展的奖励办法: each clause met, failed, missing.

Expected values read from texts/hengyang-county-industry-rewards.txt; amounts and taxes in 万元. `tax` is the data
year (“本年度”), `tax_prev1` the year before (“上年度”).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import pytest
from _clause_cases import ClauseCase, clause_case_misfits, clause_table, clauses_without_three_cases

from xinzhi.policy import builtin_documents, evaluate

DOC_ID = "hengyang-county-industry-rewards"
ON = dt.date(2022, 6, 30)
FIRM = {"credit_code": "91430421TEST00001X", "region_code": "430421", "name": "示例数据企业"}

BASE: dict[str, dict[str, Any]] = {
    "2-1": {"section": "C", "tax": 260.0, "tax_prev1": 200.0, "county_retained_increment": 20.0},
    "2-2": {"section": "C", "tax": 600.0, "tax_prev1": 500.0, "county_retained_increment": 30.0},
    "2-3": {"section": "C", "tax": 1150.0, "tax_prev1": 1000.0, "county_retained_increment": 100.0},
    "2-4": {"above_scale": True, "tax": 200.0, "tax_first_milestone": True},
    "3-1": {"section": "C", "tech_investment": 500.0},
}

# fmt: off
CASES = [
    # 2-1 上年度纳税 200–500 万元、同比增幅 ≥ 30%：新增县级留成 × 30%
    ("2-1", "meets", {}, "符合", 6.0, 6.0, None),  # 260 / 200 = 1.30；20 × 30% = 6
    ("2-1", "fails", {"tax": 259.0}, "不符合", None, None, None),  # 259 / 200 = 1.295
    ("2-1", "fails_band", {"tax_prev1": 500.0, "tax": 650.0}, "不符合", None, None, None),  # 属第二档
    ("2-1", "missing", {"tax_prev1": None}, "可能符合", 6.0, 6.0, "tax_prev1"),
    # 2-2 上年度纳税 500–1000 万元、同比增幅 ≥ 20%
    ("2-2", "meets", {}, "符合", 9.0, 9.0, None),  # 600 / 500 = 1.20；30 × 30% = 9
    ("2-2", "fails", {"tax": 599.0}, "不符合", None, None, None),  # 599 / 500 = 1.198
    ("2-2", "missing", {"tax": None}, "可能符合", 9.0, 9.0, "tax"),
    # 2-3 上年度纳税 1000 万元以上、同比增幅 ≥ 15%
    ("2-3", "meets", {}, "符合", 30.0, 30.0, None),  # 1150 / 1000 = 1.15；100 × 30% = 30
    ("2-3", "fails", {"tax_prev1": 999.0, "tax": 1150.0}, "不符合", None, None, None),  # 上年度不足 1000
    ("2-3", "missing", {"section": None}, "可能符合", 30.0, 30.0, "section"),
    # 2-4 入规企业年内首次上缴税收达 200 / 500 / 1000 万元：5 / 10 / 15 万元
    ("2-4", "meets", {}, "符合", 5.0, 5.0, None),
    ("2-4", "below_500", {"tax": 499.0}, "符合", 5.0, 5.0, None),
    ("2-4", "meets_500", {"tax": 500.0}, "符合", 10.0, 10.0, None),
    ("2-4", "meets_1000", {"tax": 1000.0}, "符合", 15.0, 15.0, None),
    ("2-4", "fails", {"tax": 199.0}, "不符合", None, None, None),
    ("2-4", "missing", {"tax_first_milestone": None}, "可能符合", 5.0, 5.0, "tax_first_milestone"),
    # 3-1 当年工业技改投入 500–1000 / 1000–3000 / 3000–5000 / 5000 万元以上：5 / 8 / 10 / 15 万元
    ("3-1", "meets", {}, "符合", 5.0, 5.0, None),
    ("3-1", "below_1000", {"tech_investment": 999.0}, "符合", 5.0, 5.0, None),
    ("3-1", "meets_1000", {"tech_investment": 1000.0}, "符合", 8.0, 8.0, None),
    ("3-1", "meets_3000", {"tech_investment": 3000.0}, "符合", 10.0, 10.0, None),
    ("3-1", "meets_5000", {"tech_investment": 5000.0}, "符合", 15.0, 15.0, None),
    ("3-1", "fails", {"tech_investment": 499.0}, "不符合", None, None, None),
    ("3-1", "fails_not_industry", {"section": "F"}, "不符合", None, None, None),
    ("3-1", "missing", {"tech_investment": None}, "可能符合", 0.0, 15.0, "tech_investment"),  # 0 至最高档 15
]
# fmt: on


@clause_table(CASES)
def test_clause(row_case: ClauseCase) -> None:
    assert clause_case_misfits(DOC_ID, ON, FIRM, BASE, row_case) == []


def test_every_clause_has_three_cases() -> None:
    assert clauses_without_three_cases(DOC_ID, CASES) == []


def test_outside_the_action_plan_period_no_rows() -> None:
    frame = pd.DataFrame([{**FIRM, **BASE["3-1"]}])
    tidy = evaluate([builtin_documents()[DOC_ID]], frame, on=dt.date(2024, 1, 1)).tidy()
    assert (tidy["document"] == DOC_ID).sum() == 0


def test_tax_bands_are_exclusive() -> None:
    """A firm fits at most one 税收贡献奖 band: 上年度 500 万元 falls in the second only."""
    frame = pd.DataFrame(
        [
            {
                **FIRM,
                "section": "C",
                "tax": 700.0,
                "tax_prev1": 500.0,
                "county_retained_increment": 40.0,
            }
        ]
    )
    tidy = evaluate([builtin_documents()[DOC_ID]], frame, on=ON).tidy()
    rows = tidy[tidy["document"] == DOC_ID].set_index("clause")
    assert rows.loc["2-1", "status"] == "不符合"
    assert rows.loc["2-2", "status"] == "符合"  # 700 / 500 = 1.4 ≥ 1.2
    assert rows.loc["2-2", "amount_max"] == pytest.approx(12.0)  # 40 × 30%
    assert rows.loc["2-3", "status"] == "不符合"
