"""天津滨海高新区科技型企业梯度支持政策（“科企六条”）: each clause met, failed, missing.

Expected values read from the articles in texts/tianjin-binhai-hitech-2022-keqi.txt; amounts in 万元.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
from _clause_cases import ClauseCase, clause_case_misfits, clause_table, clauses_without_three_cases

from xinzhi.policy import builtin_documents, evaluate

DOC_ID = "tianjin-binhai-hitech-2022-keqi"
ON = dt.date(2023, 6, 30)
FIRM = {"credit_code": "91120116TEST00001X", "region_code": "120116", "name": "示例数据企业"}
NEW_HNTE = {"label_hnte": True, "label_hnte_since": dt.date(2022, 12, 1)}  # 评估日前一年内认定

BASE: dict[str, dict[str, Any]] = {
    "1-1": {
        "in_binhai_hitech_zone": True,
        **NEW_HNTE,
        "hnte_relapsed": False,
        "city_hnte_award": 20.0,
    },
    "1-2": {"in_binhai_hitech_zone": True, **NEW_HNTE, "hnte_relapsed": True},
    "2-1": {"in_binhai_hitech_zone": True, "gazelle_first": True, "city_gazelle_award": 30.0},
    "3-1": {"in_binhai_hitech_zone": True, "tech_leader_class": "科技领军培育企业"},
    "3-2": {
        "in_binhai_hitech_zone": True,
        "tech_leader_class": "科技领军企业",
        "tech_leader_award_decided": 80.0,
    },
    "4-1": {
        "in_binhai_hitech_zone": True,
        "revenue": 50000.0,
        "rd_expenditure": 2500.0,
        "double_five_first": True,
    },
    "5-1": {
        "in_binhai_hitech_zone": True,
        "unicorn_first_listed": True,
        "unicorn_award_decided": 800.0,
    },
}

# fmt: off
CASES = [
    # 1-1 首次 / 连续认定的高企：市级拨付资金 × 100%
    ("1-1", "meets", {}, "符合", 20.0, 20.0, None),  # 20 × 100% = 20
    ("1-1", "fails", {"hnte_relapsed": True}, "不符合", None, None, None),  # 中断后再认定属 1-2
    ("1-1", "fails_not_hnte", {"label_hnte": False}, "不符合", None, None, None),
    ("1-1", "fails_old_hnte", {"label_hnte_since": dt.date(2021, 12, 1)}, "不符合", None, None, None),
    ("1-1", "missing", {"hnte_relapsed": None}, "可能符合", 20.0, 20.0, "hnte_relapsed"),
    # 条件全部满足、只缺金额依据（市级拨付额）：可能符合（符合 = 数据齐全），金额 0 至不定
    ("1-1", "meets_award_unknown", {"city_hnte_award": None}, "可能符合", 0.0, None,
     "city_hnte_award"),
    # 1-2 资格到期未连续认定、其后再次通过认定：10 万元
    ("1-2", "meets", {}, "符合", 10.0, 10.0, None),
    ("1-2", "fails", {"hnte_relapsed": False}, "不符合", None, None, None),
    ("1-2", "missing", {"hnte_relapsed": None}, "可能符合", 10.0, 10.0, "hnte_relapsed"),
    # 2-1 首次通过评价的天津市瞪羚企业：市级拨付资金 × 100%
    ("2-1", "meets", {}, "符合", 30.0, 30.0, None),  # 30 × 100% = 30
    ("2-1", "fails", {"gazelle_first": False}, "不符合", None, None, None),
    ("2-1", "missing", {"in_binhai_hitech_zone": None}, "可能符合", 30.0, 30.0, "in_binhai_hitech_zone"),
    # 3-1 科技领军培育企业：50 万元
    ("3-1", "meets", {}, "符合", 50.0, 50.0, None),
    ("3-1", "fails", {"tech_leader_class": "科技领军企业"}, "不符合", None, None, None),
    ("3-1", "missing", {"tech_leader_class": None}, "可能符合", 50.0, 50.0, "tech_leader_class"),
    # 3-2 科技领军企业：最高 100 万元（核定额，封顶 100）
    ("3-2", "meets", {}, "符合", 80.0, 80.0, None),  # 核定 80 ≤ 100
    ("3-2", "capped", {"tech_leader_award_decided": 120.0}, "符合", 100.0, 100.0, None),  # 120 → 100
    # 核定额未录入：条件全部满足但金额缺数据 → 可能符合，0–100
    ("3-2", "meets_not_decided", {"tech_leader_award_decided": None}, "可能符合", 0.0, 100.0,
     "tech_leader_award_decided"),
    ("3-2", "fails", {"tech_leader_class": "科技领军培育企业"}, "不符合", None, None, None),
    ("3-2", "missing", {"tech_leader_class": None}, "可能符合", 80.0, 80.0, "tech_leader_class"),
    # 4-1 首次同时达到营业收入 5 亿元以上、研发投入强度 5% 以上：200 万元
    ("4-1", "meets", {}, "符合", 200.0, 200.0, None),  # 5 亿元整；2500 / 50000 = 5% 整
    ("4-1", "fails", {"rd_expenditure": 2499.0}, "不符合", None, None, None),  # 2499 / 50000 = 4.998%
    # 49999 万元 < 5 亿元（强度 2500 / 49999 ≈ 5.0001% 虽达标）
    ("4-1", "fails_revenue", {"revenue": 49999.0}, "不符合", None, None, None),
    ("4-1", "missing", {"rd_expenditure": None}, "可能符合", 200.0, 200.0, "rd_expenditure"),
    # 5-1 首次入选中国独角兽企业排行榜：最高 800 万元（核定额，封顶 800）
    ("5-1", "meets", {}, "符合", 800.0, 800.0, None),
    ("5-1", "capped", {"unicorn_award_decided": 1000.0}, "符合", 800.0, 800.0, None),  # 1000 → 800
    ("5-1", "fails", {"unicorn_first_listed": False}, "不符合", None, None, None),
    ("5-1", "missing", {"unicorn_first_listed": None}, "可能符合", 800.0, 800.0, "unicorn_first_listed"),
]
# fmt: on


@clause_table(CASES)
def test_clause(row_case: ClauseCase) -> None:
    assert clause_case_misfits(DOC_ID, ON, FIRM, BASE, row_case) == []


def test_every_clause_has_three_cases() -> None:
    assert clauses_without_three_cases(DOC_ID, CASES) == []


def test_firm_outside_tianjin_gets_no_rows() -> None:
    frame = pd.DataFrame([{**FIRM, "region_code": "430321", **BASE["3-1"]}])
    tidy = evaluate([builtin_documents()[DOC_ID]], frame, on=ON).tidy()
    assert (tidy["document"] == DOC_ID).sum() == 0
