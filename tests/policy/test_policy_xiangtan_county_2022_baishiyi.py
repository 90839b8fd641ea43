"""湘潭县产业强县“百十亿”工程激励措施（湘潭县人民政府办公室 2022-05-30）: each clause met, failed, missing.

Expected values read from texts/xiangtan-county-2022-baishiyi.txt; amounts in 万元. 湘潭县 (430321) is the demo county,
so these clauses are the ones its 示例数据 firms are checked against.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import pytest
from _clause_cases import ClauseCase, clause_case_misfits, clause_table, clauses_without_three_cases

from xinzhi.policy import builtin_documents, evaluate

DOC_ID = "xiangtan-county-2022-baishiyi"
ON = dt.date(2023, 3, 31)
FIRM = {"credit_code": "91430321TEST00002X", "region_code": "430321", "name": "示例数据企业"}
NEW_HNTE = {"label_hnte": True, "label_hnte_since": dt.date(2022, 12, 15)}  # 评估日前一年内认定

BASE: dict[str, dict[str, Any]] = {
    "1-1": {"above_scale": True, "first_above_scale": True},
    "1-2": {**NEW_HNTE, "hnte_recertified": False},
    "1-3": {**NEW_HNTE, "hnte_recertified": True},
}

# fmt: off
CASES = [
    # 1-1 当年度新进入县规模工业企业名录：5 万元
    ("1-1", "meets", {}, "符合", 5.0, 5.0, None),
    ("1-1", "fails", {"first_above_scale": False}, "不符合", None, None, None),
    ("1-1", "fails_not_above_scale", {"above_scale": False}, "不符合", None, None, None),
    ("1-1", "missing", {"first_above_scale": None}, "可能符合", 5.0, 5.0, "first_above_scale"),
    # 1-2 新认定的国家高新技术企业：5 万元
    ("1-2", "meets", {}, "符合", 5.0, 5.0, None),
    ("1-2", "fails", {"label_hnte_since": dt.date(2021, 12, 15)}, "不符合", None, None, None),  # 认定已逾一年
    ("1-2", "fails_not_held", {"label_hnte": False}, "不符合", None, None, None),
    ("1-2", "fails_recertified", {"hnte_recertified": True}, "不符合", None, None, None),
    ("1-2", "missing", {"hnte_recertified": None}, "可能符合", 5.0, 5.0, "hnte_recertified"),
    # 1-3 重新认定的国家高新技术企业：3 万元
    ("1-3", "meets", {}, "符合", 3.0, 3.0, None),
    ("1-3", "fails", {"hnte_recertified": False}, "不符合", None, None, None),
    ("1-3", "missing", {"hnte_recertified": None}, "可能符合", 3.0, 3.0, "hnte_recertified"),
]
# fmt: on


@clause_table(CASES)
def test_clause(row_case: ClauseCase) -> None:
    assert clause_case_misfits(DOC_ID, ON, FIRM, BASE, row_case) == []


def test_every_clause_has_three_cases() -> None:
    assert clauses_without_three_cases(DOC_ID, CASES) == []


def test_firm_outside_xiangtan_county_gets_no_rows() -> None:
    frame = pd.DataFrame([{**FIRM, "region_code": "430302", **BASE["1-1"]}])
    tidy = evaluate([builtin_documents()[DOC_ID]], frame, on=ON).tidy()
    assert (tidy["document"] == DOC_ID).sum() == 0


def test_new_scale_firm_that_is_also_new_hnte_gets_both() -> None:
    frame = pd.DataFrame([{**FIRM, **BASE["1-1"], **BASE["1-2"]}])
    tidy = evaluate([builtin_documents()[DOC_ID]], frame, on=ON).tidy()
    met = tidy[(tidy["document"] == DOC_ID) & (tidy["status"] == "符合")]
    assert sorted(met["clause"]) == ["1-1", "1-2"]
    assert met["amount_max"].sum() == pytest.approx(10.0)  # 5 + 5
