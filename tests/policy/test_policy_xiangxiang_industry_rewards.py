"""湘乡市促进产业发展奖励办法: each clause met, failed, missing.

Expected values read from texts/xiangxiang-industry-rewards.txt; amounts and investments in 万元.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
from _clause_cases import ClauseCase, clause_case_misfits, clause_table, clauses_without_three_cases

from xinzhi.policy import builtin_documents, evaluate

DOC_ID = "xiangxiang-industry-rewards"
ON = dt.date(2023, 12, 31)
FIRM = {"credit_code": "91430381TEST00001X", "region_code": "430381", "name": "示例数据企业"}

BASE: dict[str, dict[str, Any]] = {
    "1-1": {"project_on_schedule": True, "project_type": "工业", "project_investment": 1000.0},
    "1-2": {
        "project_on_schedule": True,
        "project_type": "现代服务业",
        "industry_code": "5810",
        "project_investment": 5000.0,
    },
    "1-3": {
        "project_on_schedule": True,
        "project_type": "文化旅游体育",
        "industry_code": "7850",
        "project_investment": 5000.0,
    },
    "1-4": {"project_on_schedule": True, "project_type": "农业", "project_investment": 1000.0},
}

# fmt: off
CASES = [
    # 1-1 工业产业项目，固定资产投资 1000 万元以上：投资额 × 1%，最高 100 万元
    ("1-1", "meets", {}, "符合", 10.0, 10.0, None),  # 1000 × 1% = 10
    ("1-1", "capped", {"project_investment": 12000.0}, "符合", 100.0, 100.0, None),  # 120 → 100
    ("1-1", "fails", {"project_investment": 999.0}, "不符合", None, None, None),
    ("1-1", "missing", {"project_on_schedule": None}, "可能符合", 10.0, 10.0, "project_on_schedule"),
    # 1-2 现代服务业（房地产除外），5000 万元以上：投资额 × 5‰，最高 50 万元
    ("1-2", "meets", {}, "符合", 25.0, 25.0, None),  # 5000 × 0.005 = 25
    ("1-2", "capped", {"project_investment": 12000.0}, "符合", 50.0, 50.0, None),  # 60 → 50
    ("1-2", "fails", {"project_investment": 4999.0}, "不符合", None, None, None),
    ("1-2", "fails_real_estate", {"industry_code": "7010"}, "不符合", None, None, None),  # 房地产开发经营
    ("1-2", "missing", {"industry_code": None}, "可能符合", 25.0, 25.0, "industry_code"),
    # 1-3 文化、旅游、体育产业项目：同 5000 万元以上、5‰，最高 100 万元
    ("1-3", "meets", {}, "符合", 25.0, 25.0, None),  # 5000 × 0.005 = 25
    ("1-3", "capped", {"project_investment": 30000.0}, "符合", 100.0, 100.0, None),  # 150 → 100
    ("1-3", "above_50", {"project_investment": 16000.0}, "符合", 80.0, 80.0, None),  # 80（超过 50 仍在 100 内）
    ("1-3", "fails", {"project_investment": 4999.0}, "不符合", None, None, None),
    ("1-3", "missing", {"project_type": None}, "可能符合", 25.0, 25.0, "project_type"),
    # 1-4 农业产业项目，1000 万元以上：投资额 × 1%，最高 100 万元
    ("1-4", "meets", {}, "符合", 10.0, 10.0, None),  # 1000 × 1% = 10
    ("1-4", "capped", {"project_investment": 20000.0}, "符合", 100.0, 100.0, None),  # 200 → 100
    ("1-4", "fails", {"project_investment": 999.0}, "不符合", None, None, None),
    ("1-4", "missing", {"project_investment": None}, "可能符合", 0.0, 100.0, "project_investment"),  # 0 至封顶 100
]
# fmt: on


@clause_table(CASES)
def test_clause(row_case: ClauseCase) -> None:
    assert clause_case_misfits(DOC_ID, ON, FIRM, BASE, row_case) == []


def test_every_clause_has_three_cases() -> None:
    assert clauses_without_three_cases(DOC_ID, CASES) == []


def test_firm_outside_xiangxiang_gets_no_rows() -> None:
    frame = pd.DataFrame([{**FIRM, "region_code": "430321", **BASE["1-1"]}])
    tidy = evaluate([builtin_documents()[DOC_ID]], frame, on=ON).tidy()
    assert (tidy["document"] == DOC_ID).sum() == 0
