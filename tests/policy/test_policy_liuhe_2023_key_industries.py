"""柳河县《关于支持重点产业加快发展的实施意见》(2023-02-08) encoded as
``policies/liuhe-2023-key-industries.yaml``: every clause against a firm that just meets it (符合,
amount by hand), one that just fails it (不符合, the reason names the deciding condition) and one
with the deciding field NULL (可能符合, ``missing`` names it); band edges, caps, 就高不重复 and
the validity window on the whole document. All firms are 示例数据 built here.
"""

from __future__ import annotations

import datetime as dt
import math
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

DOC = "liuhe-2023-key-industries"
ON = dt.date(2024, 6, 30)  # inside 2023-02-08 .. 2026-02-07
CODE = "91220524MA0000001X"  # 示例数据


def _frame(values: dict[str, Any]) -> pd.DataFrame:
    row = {"credit_code": CODE, "region_code": "220524", **values}
    return pd.DataFrame([row])


def _row(clause: str, values: dict[str, Any], on: dt.date = ON) -> pd.Series:
    return only_clause_row(DOC, clause, _frame(values), on)


IND = {"new_project_type": "工业", "resource_project": False}
SVC = {"new_project_type": "现代服务业", "residential_property_project": False}
HQ = {"recognised_headquarters": True, "headquarters_year": 1}
HNTE = {"label_hnte": True, "label_hnte_since": dt.date(2023, 6, 30), "hnte_recertified": False}

# fmt: off
CASES = [
    # 第2条 工业类: 1000 万元 on 5 亩 = 200 万元/亩 (both thresholds exactly); 1000 × 5% = 50, × 20% = 200
    Case("2-1", {**IND, "project_investment": 1000.0, "project_land_area": 5.0}, (50.0, 200.0),
         "project_investment", 999.99, "固定资产投资 ≥ 1000 万元"),
    # 1000 / 5.01 = 199.6 < 200
    Case("2-1", {**IND, "project_investment": 1000.0, "project_land_area": 5.0}, (50.0, 200.0),
         "project_land_area", 5.01, "亩均投资强度 ≥ 200 万元/亩"),
    Case("2-1", {**IND, "project_investment": 1000.0, "project_land_area": 5.0}, (50.0, 200.0),
         "resource_project", True, "不含矿产类、能源类资源型项目"),
    # 第2条 现代服务业类: 3000 / 15 = 200; 3000 × 5% = 150, × 20% = 600
    Case("2-2", {**SVC, "project_investment": 3000.0, "project_land_area": 15.0}, (150.0, 600.0),
         "project_investment", 2999.0, "固定资产投资 ≥ 3000 万元"),
    Case("2-2", {**SVC, "project_investment": 3000.0, "project_land_area": 15.0}, (150.0, 600.0),
         "residential_property_project", True, "不含房地产住宅类项目"),
    # 第2条 特色农业类: 1000 万元 is the first band → 地方财政贡献 100 × 70% = 70
    Case("2-3", {"new_project_type": "特色农业", "project_investment": 1000.0,
                 "local_fiscal_contribution": 100.0}, (70.0, 70.0),
         "project_investment", 999.0, "固定资产投资 ≥ 1000 万元"),
    Case("2-3", {"new_project_type": "特色农业", "project_investment": 1000.0,
                 "local_fiscal_contribution": 100.0}, (70.0, 70.0),
         "new_project_type", "工业", "特色农业类项目"),
    # 第3条 重大产业项目: 10000 / 50 = 200; status only (一事一议), no amount
    Case("3-1", {"new_project_type": "工业", "project_investment": 10000.0, "project_land_area": 50.0},
         None, "project_investment", 9999.0, "固定资产投资 ≥ 1 亿元"),
    # 第4条 绩效奖励: 亩均税收 100 / 10 = 10; year 1 → 1000 × 80% = 800
    Case("4-1", {"new_project_type": "工业", "performance_year": 1, "tax": 100.0,
                 "project_land_area": 10.0, "local_fiscal_contribution": 1000.0}, (800.0, 800.0),
         "tax", 99.99, "亩均税收 ≥ 10 万元/亩"),
    # year 5 → 1000 × 50% = 500; year 6 is past the 5 years
    Case("4-1", {"new_project_type": "工业", "performance_year": 5, "tax": 100.0,
                 "project_land_area": 10.0, "local_fiscal_contribution": 1000.0}, (500.0, 500.0),
         "performance_year", 6, "自实现税收年度起第1—5年"),
    # 第5条 总部经济: 1000 → 1000 × 70% = 700
    Case("5-1", {**HQ, "local_fiscal_contribution": 1000.0}, (700.0, 700.0),
         "local_fiscal_contribution", 999.99, "年度地方财政贡献 ≥ 1000 万元"),
    Case("5-1", {**HQ, "local_fiscal_contribution": 1000.0}, (700.0, 700.0),
         "recognised_headquarters", False, "经认定的新引进总部经济项目"),
    Case("5-1", {**HQ, "local_fiscal_contribution": 1000.0}, (700.0, 700.0),
         "headquarters_year", 6, "自认定当年起第1—5年"),
    # 第6条 迁回结算: 新增 1000 → 1000 × 70% = 700
    Case("6-1", {"relocated_settlement": True, "headquarters_year": 3,
                 "relocated_fiscal_contribution": 1000.0}, (700.0, 700.0),
         "relocated_fiscal_contribution", 999.0, "新增地方财政贡献 ≥ 1000 万元"),
    Case("6-1", {"relocated_settlement": True, "headquarters_year": 3,
                 "relocated_fiscal_contribution": 1000.0}, (700.0, 700.0),
         "relocated_settlement", False, "经认定的域外业务迁回柳河结算"),
    # 第7条 专利/高新技术产品: 30
    Case("7-1", {"section": "C", "patented_product_in_production": True,
                 "product_prospects_recognised": True}, (30.0, 30.0),
         "product_prospects_recognised", False, "市场前景及带动作用经认定"),
    Case("7-1", {"section": "C", "patented_product_in_production": True,
                 "product_prospects_recognised": True}, (30.0, 30.0),
         "section", "F", "生产加工型企业（制造业）"),
    # 第8条 药品
    Case("8-1", {"class1_drug_sales": 10000.0}, (200.0, 200.0),
         "class1_drug_sales", 9999.99, "一类新药单品种年销售额 ≥ 1 亿元"),
    Case("8-2", {"class2_drug_sales": 5000.0}, (100.0, 100.0),
         "class2_drug_sales", 4999.99, "二类新药或全国独家品种单品种年销售额 ≥ 5000 万元"),
    # 研发 100 × 20% = 20
    Case("8-4", {"tcm_redevelopment_sales": 1000.0, "tcm_redevelopment_rd": 100.0}, (20.0, 20.0),
         "tcm_redevelopment_sales", 999.99, "中药大品种二次开发项目年销售额 ≥ 1000 万元"),
    # rate unspecified: 0 .. 100% of the variety's contribution 200
    Case("8-5", {"generic_consistency_passed": True, "generic_variety_contribution": 200.0},
         (0.0, 200.0), "generic_consistency_passed", False, "完成仿制药一致性评价"),
    # 第9条 科技创新
    Case("9-1", {"new_tech_centre_level": "国家级"}, (100.0, 100.0),
         "new_tech_centre_level", "省级", "初次认定为国家级企业技术（研发）中心"),
    Case("9-2", {"new_tech_centre_level": "省级"}, (30.0, 30.0),
         "new_tech_centre_level", "国家级", "初次认定为省级企业技术（研发）中心"),
    # 一年内: since ≥ 2024-06-30 − 1 year = 2023-06-30
    Case("9-3", HNTE, (20.0, 20.0), "label_hnte_since", dt.date(2023, 6, 29), "一年内认定为国家高新技术企业"),
    Case("9-3", HNTE, (20.0, 20.0), "label_hnte", False, "一年内认定为国家高新技术企业"),
    Case("9-3", HNTE, (20.0, 20.0), "hnte_recertified", True, "初次认定（非重新认定）"),
    Case("9-4", {"transformation_product_sales": 2000.01}, (20.0, 20.0),
         "transformation_product_sales", 2000.0, "成果转化单品种销售收入 > 2000 万元"),
    Case("9-5", {"label_little_giant": True, "label_little_giant_since": dt.date(2023, 6, 30)},
         (30.0, 30.0), "label_little_giant_since", dt.date(2023, 6, 29),
         "一年内新列入国家级专精特新“小巨人”企业"),
    Case("9-6", {"label_srdi_sme": True, "label_srdi_sme_since": dt.date(2023, 6, 30)},
         (10.0, 10.0), "label_srdi_sme_since", dt.date(2023, 6, 29),
         "一年内新列入省级专精特新中小企业"),
    Case("9-6", {"label_srdi_sme": True, "label_srdi_sme_since": dt.date(2023, 6, 30)},
         (10.0, 10.0), "label_srdi_sme", False, "一年内新列入省级专精特新中小企业"),
    # 第10条 标准与品牌
    Case("10-1", {"new_standards_international": 1}, (100.0, 100.0),
         "new_standards_international", 0, "当年牵头制定并新获批国际标准"),
    Case("10-2", {"new_standards_national": 1}, (50.0, 50.0),
         "new_standards_national", 0, "当年牵头制定并新获批国家标准"),
    Case("10-3", {"new_standards_industry": 1}, (30.0, 30.0),
         "new_standards_industry", 0, "当年牵头制定并新获批行业标准"),
    Case("10-4", {"new_well_known_trademark": True}, (50.0, 50.0),
         "new_well_known_trademark", False, "年度新获认定中国驰名商标"),
    Case("10-5", {"new_china_quality_award": True}, (50.0, 50.0),
         "new_china_quality_award", False, "年度新获得中国质量奖"),
    Case("10-6", {"new_copyright_demo_level": "国家级"}, (30.0, 30.0),
         "new_copyright_demo_level", "省级", "年度新获认定为国家级版权示范单位"),
    Case("10-7", {"new_copyright_demo_level": "省级"}, (10.0, 10.0),
         "new_copyright_demo_level", "国家级", "年度新获认定为省级版权示范单位"),
    # 第11条 产值增长: 6000.01 − 5000 = 1000.01 > 1000; 1000.01 × 0.5% = 5.00005; 6000 − 5000 fails
    Case("11-1", {"above_scale": True, "section": "C", "output_value": 6000.01, "output_value_prev1": 5000.0},
         (5.00005, 5.00005), "output_value", 6000.0, "年产值同比增长 > 1000 万元"),
    Case("11-1", {"above_scale": True, "section": "C", "output_value": 6000.01, "output_value_prev1": 5000.0},
         (5.00005, 5.00005), "output_value_prev1", 5000.01, "年产值同比增长 > 1000 万元"),
    Case("11-1", {"above_scale": True, "section": "C", "output_value": 6000.01, "output_value_prev1": 5000.0},
         (5.00005, 5.00005), "above_scale", False, "规上企业"),
    # 第12条 财政贡献增长: 新增 600 − 500 = 100, × 20% = 20; 同比不增 (prev1 600) fails
    Case("12-1", {"section": "C", "tax": 500.01, "local_fiscal_contribution": 600.0,
                  "local_fiscal_contribution_prev1": 500.0,
                  "new_project_awards_running": False}, (20.0, 20.0),
         "tax", 500.0, "年度纳税额 > 500 万元"),
    Case("12-1", {"section": "C", "tax": 500.01, "local_fiscal_contribution": 600.0,
                  "local_fiscal_contribution_prev1": 500.0,
                  "new_project_awards_running": False}, (20.0, 20.0),
         "local_fiscal_contribution_prev1", 600.0, "地方财政贡献同比增加"),
    Case("12-1", {"section": "C", "tax": 500.01, "local_fiscal_contribution": 600.0,
                  "local_fiscal_contribution_prev1": 500.0,
                  "new_project_awards_running": False}, (20.0, 20.0),
         "new_project_awards_running", True, "已享受完固定资产投资奖励和绩效奖励"),
    # 第13条 技改: 0 .. 100% of 年末地方财政贡献 40
    Case("13-1", {"renovation_completed": True, "renovation_equipment_investment": 300.0,
                  "new_project_awards_running": False, "renovation_case_agreed": True,
                  "local_fiscal_contribution": 40.0}, (0.0, 40.0),
         "renovation_equipment_investment", 299.99, "生产性设备投资总额 ≥ 300 万元（含税）"),
    Case("13-1", {"renovation_completed": True, "renovation_equipment_investment": 300.0,
                  "new_project_awards_running": False, "renovation_case_agreed": True,
                  "local_fiscal_contribution": 40.0}, (0.0, 40.0),
         "renovation_case_agreed", False, "奖励已经“一事一议”议定"),
    # 第14条 升规入统
    Case("14-1", {"first_above_scale": True}, (20.0, 20.0),
         "first_above_scale", False, "新增并纳入统计口径的规上工业企业（当年首次入规）"),
    Case("14-2", {"stats_entry_category": "规上服务业", "stats_entry_year": 1}, (5.0, 5.0),
         "stats_entry_year", 4, "纳入统计口径后第1—3年"),
    Case("14-2", {"stats_entry_category": "规上服务业", "stats_entry_year": 1}, (5.0, 5.0),
         "stats_entry_category", "限上商贸", "新增并纳入统计口径的规上服务业企业"),
    Case("14-3", {"stats_entry_category": "限上商贸", "stats_entry_year": 3}, (1.0, 1.0),
         "stats_entry_year", 4, "纳入统计口径后第1—3年"),
    # 第15条 上市
    Case("15-1", {"listing_board": "主板"}, (300.0, 300.0), "listing_board", "新三板", "当年在主板上市"),
    Case("15-2", {"listing_board": "科创板"}, (200.0, 200.0), "listing_board", "主板",
         "当年在中小板、创业板或科创板上市"),
    Case("15-3", {"listing_board": "新三板"}, (100.0, 100.0), "listing_board", "主板", "当年在新三板挂牌"),
    # 第16条 兼并重组: 过户贡献 100 × 70% = 70
    Case("16-1", {"merger_continuing": True, "merger_transfer_contribution": 100.0}, (70.0, 70.0),
         "merger_continuing", False, "兼并重组后新企业继续生产经营"),
    # 2021-07-01 → 2024-06-30 is 2 whole years (< 3); 2021-06-30 is 3; 新增 600 − 500 = 100, × 70% = 70
    Case("16-2", {"merger_completed_on": dt.date(2021, 7, 1), "local_fiscal_contribution": 600.0,
                  "local_fiscal_contribution_prev1": 500.0},
         (70.0, 70.0), "merger_completed_on", dt.date(2021, 6, 30), "兼并重组完成后3年内"),
    Case("16-2", {"merger_completed_on": dt.date(2021, 7, 1), "local_fiscal_contribution": 600.0,
                  "local_fiscal_contribution_prev1": 500.0},
         (70.0, 70.0), "local_fiscal_contribution", 500.0, "地方财政贡献较上年新增"),
    # 第17条 种植基地: 100 亩 × 0.01 万元 = 1
    Case("17-1", {"industry_code": "2740", "new_planting_base_area": 100.0}, (1.0, 1.0),
         "new_planting_base_area", 99.99, "新建种植基地面积 ≥ 100 亩"),
    Case("17-1", {"industry_code": "2740", "new_planting_base_area": 100.0}, (1.0, 1.0),
         "industry_code", "1310", "医药企业（医药制造业或医药批发）"),
]
# fmt: on


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_clause_met(case: Case) -> None:
    r = _row(case.clause, case.meet)
    assert met_misfits(r, case.amount) == []


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_clause_just_failed(case: Case) -> None:
    r = _row(case.clause, {**case.meet, case.field: case.fail})
    assert failed_misfits(r, case.reason, ("amount_min", "amount_max")) == []


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_clause_missing_field(case: Case) -> None:
    r = _row(case.clause, {**case.meet, case.field: None})
    assert missing_misfits(r, case.field) == []


def test_every_clause_has_a_case() -> None:
    ids = [c.id for c in builtin_documents()[DOC].clauses]
    assert len(ids) == 37
    assert {c.clause for c in CASES} == set(ids)


# ---------------------------------------------------------------- bands and caps, by hand


@pytest.mark.parametrize(
    ("investment", "amount"),
    [
        (5000.0, 100.0 * 0.70),  # 1000 万元及以上至5000万元 (5000 included) → 70%
        (5000.01, 100.0 * 0.80),  # 5000万元以上至1亿元 → 80%
        (10000.0, 100.0 * 0.80),
        (10000.01, 100.0 * 0.90),  # 1亿元以上 → 90%
    ],
)
def test_2_3_investment_bands(investment: float, amount: float) -> None:
    r = _row(
        "2-3",
        {
            "new_project_type": "特色农业",
            "project_investment": investment,
            "local_fiscal_contribution": 100.0,
        },
    )
    assert r["status"] == "符合"
    assert r["amount_max"] == pytest.approx(amount)


@pytest.mark.parametrize(
    ("year", "contribution", "amount"),
    [
        (2, 1000.0, 1000.0 * 0.80),  # 前2年 80%
        (3, 1000.0, 1000.0 * 0.50),  # 后3年 50%
        (1, 10000.0, 5000.0),  # 10000 × 80% = 8000 > 每年最高 5000
    ],
)
def test_4_1_years_and_cap(year: int, contribution: float, amount: float) -> None:
    r = _row(
        "4-1",
        {
            "new_project_type": "工业",
            "performance_year": year,
            "tax": 100.0,
            "project_land_area": 10.0,
            "local_fiscal_contribution": contribution,
        },
    )
    assert r["amount_min"] == pytest.approx(amount)
    assert r["amount_max"] == pytest.approx(amount)


@pytest.mark.parametrize(
    ("contribution", "amount"),
    [
        (2000.0, 2000.0 * 0.70),  # 1000及以上至2000 → 70% = 1400
        (2001.0, 2001.0 * 0.80),  # 2000以上至5000 → 80% = 1600.8
        (5000.0, 5000.0 * 0.80),  # 4000
        (5001.0, 5001.0 * 0.90),  # 5000以上 → 90% = 4500.9, 不设上限
        (100000.0, 100000.0 * 0.90),
    ],
)
def test_5_1_contribution_bands_no_cap(contribution: float, amount: float) -> None:
    r = _row("5-1", {**HQ, "local_fiscal_contribution": contribution})
    assert r["amount_max"] == pytest.approx(amount)


@pytest.mark.parametrize(
    ("clause", "values", "amount"),
    [
        # 研发 300 × 20% = 60 > 最高 50
        ("8-4", {"tcm_redevelopment_sales": 1000.0, "tcm_redevelopment_rd": 300.0}, (50.0, 50.0)),
        # 0 .. 500 capped at 300 per variety
        (
            "8-5",
            {"generic_consistency_passed": True, "generic_variety_contribution": 500.0},
            (0.0, 300.0),
        ),
        # 9000 − 5000 = 4000, × 0.5% = 20 (the cap exactly); 10000 − 5000 = 5000, × 0.5% = 25 → 20
        (
            "11-1",
            {
                "above_scale": True,
                "section": "C",
                "output_value": 9000.0,
                "output_value_prev1": 5000.0,
            },
            (20.0, 20.0),
        ),
        (
            "11-1",
            {
                "above_scale": True,
                "section": "C",
                "output_value": 10000.0,
                "output_value_prev1": 5000.0,
            },
            (20.0, 20.0),
        ),
        # 0 .. 80 capped at 50
        (
            "13-1",
            {
                "renovation_completed": True,
                "renovation_equipment_investment": 300.0,
                "new_project_awards_running": False,
                "renovation_case_agreed": True,
                "local_fiscal_contribution": 80.0,
            },
            (0.0, 50.0),
        ),
        # 规上服务业 5 / 3 / 2 and 限上商贸 2 / 2 / 1 by year
        ("14-2", {"stats_entry_category": "规上服务业", "stats_entry_year": 2}, (3.0, 3.0)),
        ("14-2", {"stats_entry_category": "规上服务业", "stats_entry_year": 3}, (2.0, 2.0)),
        ("14-3", {"stats_entry_category": "限上商贸", "stats_entry_year": 1}, (2.0, 2.0)),
        ("14-3", {"stats_entry_category": "限上商贸", "stats_entry_year": 2}, (2.0, 2.0)),
        ("15-2", {"listing_board": "中小板"}, (200.0, 200.0)),
        ("15-2", {"listing_board": "创业板"}, (200.0, 200.0)),
        # 500 亩 is still 100 元/亩: 500 × 0.01 = 5; 500.5 亩 × 0.02 = 10.01
        ("17-1", {"industry_code": "2740", "new_planting_base_area": 500.0}, (5.0, 5.0)),
        ("17-1", {"industry_code": "2740", "new_planting_base_area": 500.5}, (10.01, 10.01)),
        # 医药批发 (5151) is a 医药企业 too
        ("17-1", {"industry_code": "5151", "new_planting_base_area": 100.0}, (1.0, 1.0)),
    ],
)
def test_amount_edges(clause: str, values: dict[str, Any], amount: tuple[float, float]) -> None:
    r = _row(clause, values)
    assert r["status"] == "符合"
    assert (r["amount_min"], r["amount_max"]) == pytest.approx(amount)


def test_rate_range_when_base_missing() -> None:
    # 第2条 with the land area unknown: 可能符合, amount 1000 × 5% .. 1000 × 20% still known
    r = _row("2-1", {**IND, "project_investment": 1000.0, "project_land_area": None})
    assert r["status"] == "可能符合"
    assert (r["amount_min"], r["amount_max"]) == pytest.approx((50.0, 200.0))


# ---------------------------------------------------------------- the whole document


def test_fiscal_contribution_awards_highest_only() -> None:
    """第25条 就高不重复: a new 特色农业 project that is also a recognised headquarters.
    2-3: 1000 × 70% = 700; 4-1: 亩均税收 100/10 = 10, year 1 → 1000 × 80% = 800; 5-1: 1000 ×
    70% = 700 → only 4-1 keeps its 800; 6-1, 12-1 and 16-2 fail."""
    firm = _frame(
        {
            "new_project_type": "特色农业",
            "project_investment": 1000.0,
            "project_land_area": 10.0,
            "local_fiscal_contribution": 1000.0,
            "performance_year": 1,
            "tax": 100.0,
            **HQ,
            "relocated_settlement": False,
            "section": "A",
            "local_fiscal_contribution_prev1": 1000.0,  # 1000 − 1000 = 0: no increase
        }
    )
    tidy = evaluate([builtin_documents()[DOC]], firm, on=ON).tidy().set_index("clause")
    assert tidy.loc["4-1", "status"] == "符合"
    assert tidy.loc["4-1", "amount_max"] == pytest.approx(800.0)
    for lost in ("2-3", "5-1"):
        assert tidy.loc[lost, "status"] == "符合"
        assert tidy.loc[lost, "amount_max"] == 0.0
        assert "就高不重复" in tidy.loc[lost, "reason"] and "4-1" in tidy.loc[lost, "reason"]
    for failed in ("6-1", "12-1", "16-2"):
        assert tidy.loc[failed, "status"] == "不符合"


def test_certain_2_3_is_kept_when_6_1_is_only_possible() -> None:
    """第25条 就高不重复 with a 可能符合 rival: 2-3 is 符合 (特色农业, 1000 万元 → 70% of the
    地方财政贡献 100 = 70); 6-1 (迁回结算) is 可能符合 with its contribution unknown, so its
    amount is [0, unbounded). A certain 70 never gives way to a possible one: 2-3 keeps 70, 6-1
    keeps its range and is told to compare with 2-3 once its data are in."""
    firm = _frame(
        {
            "new_project_type": "特色农业",
            "project_investment": 1000.0,
            "local_fiscal_contribution": 100.0,
            "recognised_headquarters": False,  # 5-1 fails
            "performance_year": 6,  # 4-1 fails (第1—5年 only)
            "section": "A",  # 12-1 fails (制造业 only)
            "merger_completed_on": dt.date(2015, 1, 1),  # 16-2 fails (3 年内 only)
            "headquarters_year": 1,
            "relocated_settlement": None,
        }
    )
    tidy = evaluate([builtin_documents()[DOC]], firm, on=ON).tidy().set_index("clause")
    assert tidy.loc["2-3", "status"] == "符合"
    assert tidy.loc["2-3", "amount_max"] == pytest.approx(100.0 * 0.70)
    assert tidy.loc["6-1", "status"] == "可能符合"
    assert tidy.loc["6-1", "amount_min"] == 0.0
    assert math.isnan(tidy.loc["6-1", "amount_max"])  # unbounded: 70%–90% of an unknown amount
    assert tidy.loc["6-1", "missing"] == "relocated_settlement,relocated_fiscal_contribution"
    assert tidy.loc["6-1", "reason"].endswith(
        "；就高不重复：若符合，与 2-3 特色农业类项目投资奖励（按地方财政贡献） 取高者"
    )
    for failed in ("4-1", "5-1", "12-1", "16-2"):
        assert tidy.loc[failed, "status"] == "不符合"


def test_srdi_national_and_provincial_highest_only() -> None:
    # newly 小巨人 (30) and 省级专精特新 (10) in the same year → 30 only
    firm = _frame(
        {
            "label_little_giant": True,
            "label_little_giant_since": dt.date(2024, 1, 1),
            "label_srdi_sme": True,
            "label_srdi_sme_since": dt.date(2023, 12, 1),
        }
    )
    tidy = evaluate([builtin_documents()[DOC]], firm, on=ON).tidy().set_index("clause")
    assert tidy.loc["9-5", "amount_max"] == pytest.approx(30.0)
    assert tidy.loc["9-6", "amount_max"] == 0.0


@pytest.mark.parametrize(
    ("on", "rows"),
    [
        (dt.date(2023, 2, 7), 0),  # before 发布之日
        (dt.date(2023, 2, 8), 37),
        (dt.date(2026, 2, 7), 37),  # 暂定三年有效期: last day
        (dt.date(2026, 2, 8), 0),
    ],
)
def test_validity_window(on: dt.date, rows: int) -> None:
    tidy = evaluate([builtin_documents()[DOC]], _frame({}), on=on).tidy()
    assert len(tidy) == rows


def test_outside_liuhe_gets_no_rows() -> None:
    firm = pd.DataFrame([{"credit_code": CODE, "region_code": "220523", "listing_board": "主板"}])
    assert len(evaluate([builtin_documents()[DOC]], firm, on=ON).tidy()) == 0


def test_clause_texts_are_verbatim(data_dir: Path) -> None:
    doc = builtin_documents()[DOC]
    assert doc.text == "dataset:text/policies_liuhe/2023chanye.txt"
    source = (data_dir / "text" / "policies_liuhe" / "2023chanye.txt").read_text("utf-8")
    assert "(2023年2月8日)" in source and "中共柳河县委 柳河县人民政府" in source
    assert clauses_not_verbatim(doc, source) == []
