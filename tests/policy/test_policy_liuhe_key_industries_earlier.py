"""柳河县《加快重点产业实施意见》(the version repealed on 2023-02-08) encoded as
``policies/liuhe-key-industries-earlier.yaml``: every clause against a firm that just meets it
(符合, amount by hand), one that just fails it (不符合, the reason names the deciding condition)
and one with the deciding field NULL (可能符合, ``missing`` names it); band edges, caps, 就高不重复
and the validity window. All firms are 示例数据 built here.
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

DOC = "liuhe-key-industries-earlier"
ON = dt.date(2022, 6, 30)  # before the 2023 document repealed it
CODE = "91220524MA0000002X"  # 示例数据


def _frame(values: dict[str, Any]) -> pd.DataFrame:
    return pd.DataFrame([{"credit_code": CODE, "region_code": "220524", **values}])


def _row(clause: str, values: dict[str, Any]) -> pd.Series:
    return only_clause_row(DOC, clause, _frame(values), ON)


NEW = {"new_project_type": "工业", "resource_project": False}
PERF = {"performance_recognised": True, "performance_year": 1, "local_fiscal_contribution": 1000.0}
PROD = {
    "new_product_qualified": True,
    "product_prospects_recognised": True,
}
DRUG = {
    "industry_code": "2720",
    "introduced_variety_producing": True,
    "introduced_variety_sales": 5000.0,
    "introduced_variety_other_qualifying": False,
    "drug_introduction_cost": 100.0,
}
TWO = {"industry_code": "2710", "two_invoice_support_year": 1, "two_invoice_extra_burden": 100.0}
UP = {"first_above_scale": True}
HNTE = {"label_hnte": True, "label_hnte_since": dt.date(2021, 6, 30), "hnte_recertified": False}

# fmt: off
CASES = [
    # (一)1: 5000 万元 on 50 亩 = 100 万元/亩; 5000 × 5% = 250, × 20% = 1000
    Case("1-1", {**NEW, "project_investment": 5000.0, "project_land_area": 50.0}, (250.0, 1000.0),
         "project_investment", 4999.99, "固定资产投资 ≥ 5000 万元"),
    # 5000 / 50.01 = 99.98 < 100
    Case("1-1", {**NEW, "project_investment": 5000.0, "project_land_area": 50.0}, (250.0, 1000.0),
         "project_land_area", 50.01, "亩均投资强度 ≥ 100 万元/亩"),
    Case("1-1", {**NEW, "project_investment": 5000.0, "project_land_area": 50.0}, (250.0, 1000.0),
         "resource_project", True, "不含矿产资源型项目"),
    # (一)2: 3亿元以上重大项目, 一事一议 → no amount
    Case("1-2", {"new_project_type": "工业", "project_investment": 30000.0}, None,
         "project_investment", 29999.99, "固定资产投资 ≥ 3 亿元"),
    # (一)3: year 1 → 1000 × 80% = 800
    Case("1-3", PERF, (800.0, 800.0), "performance_year", 6, "自认定当年起第1—5年"),
    Case("1-3", PERF, (800.0, 800.0), "performance_recognised", False, "投产后绩效经认定"),
    # (二): 核定 50 万元, inside 10—100
    # (二) 10万元—100万元, decided by the office within the range
    Case("2-1", PROD, (10.0, 100.0), "product_prospects_recognised", False, "带动作用和市场前景经评定"),
    Case("2-1", PROD, (10.0, 100.0), "new_product_qualified", False, "专利新产品、认定新产品或新药已投产达效"),
    # (三): 引进成本 100 × 10% = 10 .. × 100% = 100
    Case("3-1", DRUG, (10.0, 100.0), "introduced_variety_sales", 4999.99, "引进品种年销售额 ≥ 5000 万元"),
    Case("3-1", DRUG, (10.0, 100.0), "industry_code", "1310", "医药企业（医药制造业或医药批发）"),
    Case("3-1", DRUG, (10.0, 100.0), "introduced_variety_producing", False, "引进品种已投产达效"),
    # (四): 增加负担 100 × 50% = 50
    Case("4-1", TWO, (50.0, 50.0), "two_invoice_support_year", 3, "过渡期第1—2年"),
    Case("4-1", TWO, (50.0, 50.0), "two_invoice_extra_burden", 0.0, "测算的实际增加负担 > 0"),
    # (五): 100 亩 × 0.01 万元 = 1
    Case("5-1", {"new_planting_base_area": 100.0}, (1.0, 1.0),
         "new_planting_base_area", 99.99, "新发展种植基地面积 ≥ 100 亩"),
    # (六)
    Case("6-1", {"new_tech_centre_level": "国家级"}, (100.0, 100.0),
         "new_tech_centre_level", "省级", "初次认定为国家企业技术（研发）中心"),
    Case("6-2", {"new_tech_centre_level": "省级"}, (30.0, 30.0),
         "new_tech_centre_level", "国家级", "初次认定为省级企业技术（研发）中心"),
    # since ≥ 2022-06-30 − 1 year = 2021-06-30
    Case("6-3", HNTE, (30.0, 30.0), "label_hnte_since", dt.date(2021, 6, 29), "一年内认定为国家高新技术企业"),
    Case("6-3", HNTE, (30.0, 30.0), "hnte_recertified", True, "初次认定（非重新认定）"),
    Case("6-4", {"new_provincial_hnte": True}, (10.0, 10.0),
         "new_provincial_hnte", False, "初次认定为省级高新技术企业"),
    Case("6-5", {"achievement_transformed": True, "revenue": 2000.01}, (20.0, 20.0),
         "revenue", 2000.0, "销售收入 > 2000 万元"),
    Case("6-5", {"achievement_transformed": True, "revenue": 2000.01}, (20.0, 20.0),
         "achievement_transformed", False, "取得发明专利并完成成果转化"),
    Case("6-6", {"new_research_institute_level": "国家级"}, (50.0, 50.0),
         "new_research_institute_level", "省级", "新设立国家科研机构"),
    Case("6-7", {"new_research_institute_level": "省级"}, (30.0, 30.0),
         "new_research_institute_level", "国家级", "新设立省级科研机构"),
    # (七)
    Case("7-1", {"new_national_brand": True}, (50.0, 50.0), "new_national_brand", False,
         "初次认定中国驰名商标、中华老字号或国家地理标志证明商标"),
    Case("7-2", {"new_provincial_brand": True}, (3.0, 3.0), "new_provincial_brand", False,
         "认定吉林省著名商标或吉林省名牌产品"),
    # (八) — 科创板 is not in this version
    Case("8-1", {"listing_board": "主板"}, (500.0, 500.0), "listing_board", "创业板", "当年在主板上市"),
    Case("8-2", {"listing_board": "中小板"}, (300.0, 300.0), "listing_board", "科创板",
         "当年在中小板或创业板上市"),
    Case("8-3", {"listing_board": "新三板"}, (100.0, 100.0), "listing_board", "主板", "当年在新三板挂牌"),
    # (九)
    Case("9-1", UP, (5.0, 5.0), "first_above_scale", False, "新增并纳入统计范围的规上工业企业（当年首次入规）"),
    Case("9-2", {**UP, "local_fiscal_contribution": 30.0}, (10.0, 10.0),
         "local_fiscal_contribution", 29.99, "年地方经济贡献额 ≥ 30 万元"),
    Case("9-3", {**UP, "local_fiscal_contribution": 50.0}, (20.0, 20.0),
         "local_fiscal_contribution", 49.99, "年地方经济贡献额 ≥ 50 万元"),
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
    assert len(ids) == 22
    assert {c.clause for c in CASES} == set(ids)


@pytest.mark.parametrize(
    ("clause", "values", "amount"),
    [
        # (一)3 前三年 80%, 后两年 50%; 每年最高 5000
        ("1-3", {**PERF, "performance_year": 3}, (800.0, 800.0)),
        ("1-3", {**PERF, "performance_year": 4}, (500.0, 500.0)),
        ("1-3", {**PERF, "local_fiscal_contribution": 10000.0}, (5000.0, 5000.0)),  # 8000 → 5000
        # (二) 10万元—100万元: a fixed range, 符合 with [10, 100] (no amount data needed)
        ("2-1", PROD, (10.0, 100.0)),
        # (三) 销售额不足5000万元 but 属其他类别 (e.g. 独家品种) → still eligible
        (
            "3-1",
            {
                **DRUG,
                "introduced_variety_sales": 100.0,
                "introduced_variety_other_qualifying": True,
            },
            (10.0, 100.0),
        ),
        # (四) year 2 still inside the 2 years
        ("4-1", {**TWO, "two_invoice_support_year": 2}, (50.0, 50.0)),
        # (五) 500 亩 (含) → 100 元/亩 = 5; 501 亩 → 200 元/亩: 501 × 0.02 = 10.02
        ("5-1", {"new_planting_base_area": 500.0}, (5.0, 5.0)),
        ("5-1", {"new_planting_base_area": 501.0}, (10.02, 10.02)),
        ("8-2", {"listing_board": "创业板"}, (300.0, 300.0)),
    ],
)
def test_amount_edges(clause: str, values: dict[str, Any], amount: tuple[float, float]) -> None:
    r = _row(clause, values)
    assert r["status"] == "符合"
    assert (r["amount_min"], r["amount_max"]) == pytest.approx(amount)


def test_upgrade_tiers_highest_only() -> None:
    # a new 规上工业 firm with 地方经济贡献 50: tiers 5 / 10 / 20 all met → only 20 (9-3)
    tidy = (
        evaluate(
            [builtin_documents()[DOC]], _frame({**UP, "local_fiscal_contribution": 50.0}), on=ON
        )
        .tidy()
        .set_index("clause")
    )
    assert tidy.loc["9-3", "amount_max"] == pytest.approx(20.0)
    for lost in ("9-1", "9-2"):
        assert tidy.loc[lost, "status"] == "符合"
        assert tidy.loc[lost, "amount_max"] == 0.0
        assert "9-3" in tidy.loc[lost, "reason"]


def test_national_and_provincial_hnte_highest_only() -> None:
    firm = _frame({**HNTE, "label_hnte_since": dt.date(2022, 1, 1), "new_provincial_hnte": True})
    tidy = evaluate([builtin_documents()[DOC]], firm, on=ON).tidy().set_index("clause")
    assert tidy.loc["6-3", "amount_max"] == pytest.approx(30.0)
    assert tidy.loc["6-4", "amount_max"] == 0.0


@pytest.mark.parametrize(
    ("on", "rows"),
    [
        # date of issue unknown (date: null + date_note): the window is open at the start
        (dt.date(2016, 12, 31), 22),
        (dt.date(2017, 1, 1), 22),
        (dt.date(2023, 2, 7), 22),  # repealed when the 2023 document took effect
        (dt.date(2023, 2, 8), 0),
    ],
)
def test_validity_window(on: dt.date, rows: int) -> None:
    assert len(evaluate([builtin_documents()[DOC]], _frame({}), on=on).tidy()) == rows


def test_date_unknown_is_null_with_a_note() -> None:
    doc = builtin_documents()[DOC]
    assert doc.date is None and doc.valid_from is None
    assert doc.date_note.startswith("原文未载发布日期")
    assert doc.citation.endswith("（发文日期原文未载）")


def test_clause_texts_are_verbatim(data_dir: Path) -> None:
    doc = builtin_documents()[DOC]
    source = (data_dir / "text" / "policies_liuhe" / "chanye.txt").read_text("utf-8")
    assert clauses_not_verbatim(doc, source) == []
