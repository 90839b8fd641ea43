"""杭州市新引进应届高学历毕业生生活补贴发放实施办法: each clause met, failed, missing (subject: person).

Expected values read from texts/hangzhou-graduate-living-subsidy.txt (“申请条件” 2–4 and “补贴标准”); amounts in 万元.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
from _clause_cases import ClauseCase, clause_case_misfits, clause_table, clauses_without_three_cases

from xinzhi.policy import builtin_documents, evaluate

DOC_ID = "hangzhou-graduate-living-subsidy"
ON = dt.date(2024, 6, 30)
PERSON = {"person_id": "P-330106-0001", "name": "示例数据人员", "region_code": "330106"}
FIRM = PERSON  # the row shape shared with the firm tests

ELIGIBLE = {
    "fulltime_or_certified": True,
    "graduated_on": dt.date(2016, 11, 2),  # 毕业时间 2016 年 11 月 2 日（含）
    "employed_within_one_year": True,
    "social_insurance_months": 1,
}
BASE: dict[str, dict[str, Any]] = {
    "1-1": {"education": "硕士", **ELIGIBLE},
    "1-2": {"education": "博士", **ELIGIBLE},
}

# fmt: off
CASES = [
    # 1-1 硕士研究生每人 2 万元
    ("1-1", "meets", {}, "符合", 2.0, 2.0, None),
    ("1-1", "fails", {"graduated_on": dt.date(2016, 11, 1)}, "不符合", None, None, None),  # 早一天毕业
    ("1-1", "fails_education", {"education": "本科"}, "不符合", None, None, None),
    ("1-1", "fails_no_insurance", {"social_insurance_months": 0}, "不符合", None, None, None),
    ("1-1", "fails_not_fulltime", {"fulltime_or_certified": False}, "不符合", None, None, None),
    ("1-1", "missing", {"graduated_on": None}, "可能符合", 2.0, 2.0, "graduated_on"),
    # 1-2 博士研究生每人 3 万元
    ("1-2", "meets", {}, "符合", 3.0, 3.0, None),
    ("1-2", "fails", {"education": "硕士"}, "不符合", None, None, None),
    ("1-2", "fails_late_job", {"employed_within_one_year": False}, "不符合", None, None, None),
    ("1-2", "missing", {"employed_within_one_year": None}, "可能符合", 3.0, 3.0, "employed_within_one_year"),
]
# fmt: on


@clause_table(CASES)
def test_clause(row_case: ClauseCase) -> None:
    assert clause_case_misfits(DOC_ID, ON, FIRM, BASE, row_case, key="person_id") == []


def test_every_clause_has_three_cases() -> None:
    assert clauses_without_three_cases(DOC_ID, CASES) == []


def test_person_outside_hangzhou_gets_no_rows() -> None:
    frame = pd.DataFrame([{**PERSON, "region_code": "430321", **BASE["1-1"]}])
    tidy = evaluate([builtin_documents()[DOC_ID]], frame, on=ON, key="person_id").tidy()
    assert (tidy["document"] == DOC_ID).sum() == 0


def test_master_gets_only_the_master_clause() -> None:
    frame = pd.DataFrame([{**PERSON, **BASE["1-1"]}])
    tidy = evaluate([builtin_documents()[DOC_ID]], frame, on=ON, key="person_id").tidy()
    rows = tidy[tidy["document"] == DOC_ID].set_index("clause")
    assert rows.loc["1-1", "status"] == "符合"
    assert rows.loc["1-2", "status"] == "不符合"
