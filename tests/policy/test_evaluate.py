"""evaluate(): statuses, reasons, missing fields, scope (region, validity window), stacking,
caps and budgets on constructed documents with literal results; the result surfaces."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xinzhi.errors import InputError
from xinzhi.policy import PolicyDocument, evaluate, load_document

ON = dt.date(2024, 6, 30)


def make(*clauses: dict[str, Any], **head: Any) -> PolicyDocument:
    h = {
        "id": "demo",
        "title": "示例政策（示例数据）",
        "issuer": "示例县人民政府",
        "doc_number": "示政发〔2024〕1号",
        "date": "2024-01-01",
        "region": "220524",
        "subject": "firm",
        "category": "工业",
        "source": "示例数据",
    }
    h.update(head)
    return load_document({"document": h, "clauses": list(clauses)})


INVEST = {
    "id": "2-1",
    "article": "第2条",
    "title": "固定资产投资奖励",
    "when": {
        "all": [
            {"field": "project_investment", "ge": 1000},
            {"ratio": ["project_investment", "project_land_area"], "ge": 200},
            {"not": {"field": "industry_code", "prefix": ["06", "07", "08", "09", "10"]}},
        ]
    },
    "benefit": {"percent": {"base": "project_investment", "rate": [0.05, 0.2]}, "cap": 300},
}

FIRMS = pd.DataFrame(
    {
        "credit_code": ["A", "B", "C", "D", "E", "F"],
        "name": ["甲（示例数据）", "乙", "丙", "丁", "戊", "己"],
        "region_code": ["220524", "220524", "220524", "220524", "220524", "220581"],
        "industry_code": ["1310", "1310", "0610", "1310", None, "1310"],
        "project_investment": [1200.0, 999.0, 3000.0, 2000.0, 2000.0, 5000.0],
        "project_land_area": [6.0, 4.0, 10.0, None, 5.0, 10.0],
    }
)


def rows(res: Any, cols: list[str]) -> list[list[Any]]:
    t = res.tidy()
    return [
        [None if (isinstance(v, float) and np.isnan(v)) else v for v in r]
        for r in t[cols].values.tolist()
    ]


def test_status_amount_reason_missing() -> None:
    res = evaluate([make(INVEST)], FIRMS, on=ON)
    # A: 1200 ≥ 1000, 1200 / 6 = 200 ≥ 200, 1310 not excluded → 符合, 1200 × 5 % = 60 .. 1200 × 20 % = 240
    # B: 999 < 1000 → 不符合 (first failing condition)
    # C: 0610 is 采矿 → 不符合 (exclusion)
    # D: land area NULL → 可能符合, amount known: 2000 × 5 % = 100 .. 2000 × 20 % = 400 → cap 300
    # E: industry NULL → 可能符合; 2000 / 5 = 400 ≥ 200
    # F: region 220581 is outside 220524 → no rows
    assert rows(res, ["credit_code", "status", "amount_min", "amount_max", "missing"]) == [
        ["A", "符合", 60.0, 240.0, ""],
        ["B", "不符合", None, None, ""],
        ["C", "不符合", None, None, ""],
        ["D", "可能符合", 100.0, 300.0, "project_land_area"],
        ["E", "可能符合", 100.0, 300.0, "industry_code"],
    ]
    reasons = res.tidy()["reason"].tolist()
    assert reasons[0] == (
        "符合：新上项目固定资产投资 ≥ 1000 万元；新上项目固定资产投资 / 新上项目用地面积 ≥ 200；"
        "非（国民经济行业代码以 06、07、08、09、10 开头）"
    )
    assert reasons[1] == "不符合：新上项目固定资产投资 ≥ 1000 万元"
    assert reasons[2] == "不符合：属于排除情形：国民经济行业代码以 06、07、08、09、10 开头"
    assert reasons[3] == "可能符合，需补充：新上项目用地面积"
    assert list(res.tidy().columns) == [
        "credit_code",
        "document",
        "clause",
        "status",
        "amount_min",
        "amount_max",
        "allocated",
        "reason",
        "missing",
    ]
    # allocated without a budget: the amount_max of 符合 rows
    assert rows(res, ["allocated"]) == [[240.0], [None], [None], [None], [None]]


def test_first_failing_condition_is_the_first_in_order() -> None:
    frame = pd.DataFrame(
        {
            "credit_code": ["X"],
            "project_investment": [10.0],
            "project_land_area": [1.0],
            "industry_code": ["0610"],
        }
    )
    res = evaluate([make(INVEST)], frame, on=ON)
    assert res.tidy()["reason"].tolist() == ["不符合：新上项目固定资产投资 ≥ 1000 万元"]


def test_validity_window_and_region() -> None:
    doc = make(INVEST, valid_from="2024-07-01", valid_to="2025-06-30")
    assert len(evaluate([doc], FIRMS, on=dt.date(2024, 6, 30)).tidy()) == 0  # the day before
    assert len(evaluate([doc], FIRMS, on=dt.date(2024, 7, 1)).tidy()) == 5  # first day
    assert len(evaluate([doc], FIRMS, on=dt.date(2025, 6, 30)).tidy()) == 5  # last day
    res = evaluate([doc], FIRMS, on=dt.date(2025, 7, 1))
    assert len(res.tidy()) == 0 and res.skipped == [("demo", "2025-07-01 不在有效期内")]
    # a city-level document (2205) covers both counties; no region column → everyone
    city = make(INVEST, region="2205", id="city")
    assert len(evaluate([city], FIRMS, on=ON).tidy()) == 6
    assert len(evaluate([city], FIRMS.drop(columns="region_code"), on=ON).tidy()) == 6


def test_label_valid_on_the_date_vs_expired_the_day_before() -> None:
    doc = make(
        {
            "id": "1",
            "title": "高企奖励",
            "when": {"label": "hnte", "held": True},
            "benefit": {"fixed": 20},
        }
    )
    frame = pd.DataFrame(
        {
            "credit_code": ["valid", "expired"],
            "label_hnte": [True, True],
            "label_hnte_until": ["2024-06-30", "2024-06-29"],
        }
    )
    assert rows(evaluate([doc], frame, on=ON), ["status", "amount_min"]) == [
        ["符合", 20.0],
        ["不符合", None],
    ]


def test_stacking_highest_in_a_document() -> None:
    doc = make(
        {
            "id": "1",
            "title": "国家级称号奖励",
            "group": "称号",
            "when": {"label": "little_giant", "held": True},
            "benefit": {"fixed": 50},
        },
        {
            "id": "2",
            "title": "省级称号奖励",
            "group": "称号",
            "when": {"label": "srdi_sme", "held": True},
            "benefit": {"fixed": 20},
        },
        {
            "id": "3",
            "title": "高企奖励",
            "when": {"label": "hnte", "held": True},
            "benefit": {"fixed": 10},
        },
        stacking={"称号": "highest"},
    )
    frame = pd.DataFrame(
        {
            "credit_code": ["A", "B"],
            "label_little_giant": [True, False],
            "label_srdi_sme": [True, True],
            "label_hnte": [True, True],
        }
    )
    res = evaluate([doc], frame, on=ON)
    # A holds both titles: 50 kept, 20 → 0 (就高不重复); B only the provincial one: 20; 高企 adds 10
    assert rows(res, ["credit_code", "clause", "status", "amount_min"]) == [
        ["A", "1", "符合", 50.0],
        ["B", "1", "不符合", None],
        ["A", "2", "符合", 0.0],
        ["B", "2", "符合", 20.0],
        ["A", "3", "符合", 10.0],
        ["B", "3", "符合", 10.0],
    ]
    assert res.tidy()["reason"].tolist()[2] == "就高不重复：已享受 1 国家级称号奖励"


def test_stacking_a_certain_clause_stays_when_the_higher_one_is_unknown() -> None:
    doc = make(
        {
            "id": "1",
            "title": "国家级称号奖励",
            "group": "称号",
            "when": {"label": "little_giant", "held": True},
            "benefit": {"fixed": 50},
        },
        {
            "id": "2",
            "title": "省级称号奖励",
            "group": "称号",
            "when": {"label": "srdi_sme", "held": True},
            "benefit": {"fixed": 20},
        },
        stacking={"称号": "highest"},
    )
    # 小巨人 unknown (可能符合, 50 if it holds), 专精特新 held (符合 20): the certain 20 is kept
    frame = pd.DataFrame(
        {"credit_code": ["A"], "label_little_giant": [None], "label_srdi_sme": [True]}
    )
    res = evaluate([doc], frame, on=ON)
    assert rows(res, ["clause", "status", "amount_min", "amount_max"]) == [
        ["1", "可能符合", 50.0, 50.0],
        ["2", "符合", 20.0, 20.0],
    ]
    assert res.tidy()["reason"].tolist() == [
        "可能符合，需补充：专精特新“小巨人”企业；就高不重复：若符合，与 2 省级称号奖励 取高者",
        "符合：持有专精特新中小企业（评价日有效）",
    ]
    assert "就高不重复：若符合，与 2 省级称号奖励 取高者" in res.explain("A")


def test_conditions_met_but_amount_data_missing_is_possible() -> None:
    doc = make(
        {
            "id": "1",
            "title": "研发奖励",
            "when": {"field": "tax", "ge": 100},
            "benefit": {"percent": {"base": "rd_expenditure", "rate": 0.1}, "cap": 50},
        },
        {
            "id": "2",
            "title": "产值奖励",
            "benefit": {
                "bands": {
                    "on": "revenue",
                    "base": "tax",
                    "bands": [{"lt": 1000, "amount": 5}, {"ge": 1000, "rate": 0.1}],
                }
            },
        },
    )
    frame = pd.DataFrame(
        {
            "credit_code": ["A", "B", "C", "D"],
            "tax": [100.0, 100.0, None, None],
            "rd_expenditure": [200.0, None, None, 10.0],
            "revenue": [999.0, 1000.0, 999.0, None],
        }
    )
    res = evaluate([doc], frame, on=ON)
    assert rows(
        res, ["credit_code", "clause", "status", "amount_min", "amount_max", "missing"]
    ) == [
        # A: tax 100 ≥ 100, R&D 200 × 10% = 20 → 符合
        ["A", "1", "符合", 20.0, 20.0, ""],
        # B: condition met, R&D unknown → 可能符合 with the amount field to supply, [0, cap 50]
        ["B", "1", "可能符合", 0.0, 50.0, "rd_expenditure"],
        # C: tax unknown → 可能符合 from the condition (only the condition's field is asked for)
        ["C", "1", "可能符合", 0.0, 50.0, "tax"],
        ["D", "1", "可能符合", 1.0, 1.0, "tax"],  # 10 × 10% = 1
        # A: revenue 999 < 1000 → fixed 5, tax not needed
        ["A", "2", "符合", 5.0, 5.0, ""],
        # B: revenue 1000 → rate band: 100 × 10% = 10
        ["B", "2", "符合", 10.0, 10.0, ""],
        # C: the fixed band needs no tax → 符合 5
        ["C", "2", "符合", 5.0, 5.0, ""],
        # D: revenue and tax unknown → both asked for; at most 5 or the unbounded rate band
        ["D", "2", "可能符合", 0.0, None, "revenue,tax"],
    ]
    reasons = res.tidy()["reason"].tolist()
    assert reasons[1] == "可能符合：金额所需数据缺失，需补充：研发费用"
    assert reasons[7] == "可能符合：金额所需数据缺失，需补充：营业收入、实缴税金"


def test_increase_over_last_year_as_condition_and_base() -> None:
    doc = make(
        {
            "id": "1",
            "title": "税收增长奖励",
            "when": {"diff": ["tax", "tax_prev1"], "gt": 0},
            "benefit": {"percent": {"base": {"diff": ["tax", "tax_prev1"]}, "rate": 0.2}},
        }
    )
    frame = pd.DataFrame(
        {
            "credit_code": ["A", "B", "C"],
            "tax": [650.0, 500.0, 650.0],
            "tax_prev1": [500.0, 500.0, None],
        }
    )
    res = evaluate([doc], frame, on=ON)
    # A: 650 − 500 = 150 > 0 → 150 × 20% = 30; B: 0 → 不符合; C: last year unknown → 可能符合
    assert rows(res, ["credit_code", "status", "amount_min", "amount_max", "missing"]) == [
        ["A", "符合", 30.0, 30.0, ""],
        ["B", "不符合", None, None, ""],
        ["C", "可能符合", 0.0, None, "tax_prev1"],
    ]
    assert (
        "✓ 实缴税金 − 实缴税金（上一年） > 0 万元（实缴税金 650 万元；实缴税金（上一年） 500 万元；差额 150）"
        in res.explain("A")
    )


def test_unknown_date_is_null_in_the_documents_table() -> None:
    doc = make(
        {"id": "1", "title": "t", "benefit": {"fixed": 1}}, date=None, date_note="原文未载印发日期"
    )
    res = evaluate([doc], pd.DataFrame({"credit_code": ["A"]}), on=ON)
    table = res.documents_table()
    assert table["date"].tolist() == [None]
    assert rows(res, ["credit_code", "status", "amount_min"]) == [["A", "符合", 1.0]]


def test_cap_per_subject_then_budget_pro_rata() -> None:
    doc = make(
        {
            "id": "1",
            "title": "投资奖励",
            "when": {"field": "tax", "ge": 0},
            "benefit": {"percent": {"base": "tax", "rate": 0.5}},
        },
        {
            "id": "2",
            "title": "纳税奖励",
            "when": {"field": "tax", "ge": 0},
            "benefit": {"fixed": 20},
        },
        cap_per_subject=40,
        budget={"total": 50, "allocation": "pro_rata"},
    )
    frame = pd.DataFrame({"credit_code": ["A", "B"], "tax": [60.0, 10.0]})
    res = evaluate([doc], frame, on=ON)
    # A: 60 × 0.5 = 30 and 20 → 50 > cap 40 → × 0.8 → 24 and 16
    # B: 10 × 0.5 = 5 and 20 → 25 ≤ 40
    # demand 24 + 16 + 5 + 20 = 65 > budget 50 → × 50 / 65
    assert rows(res, ["credit_code", "clause", "amount_min"]) == [
        ["A", "1", 24.0],
        ["B", "1", 5.0],
        ["A", "2", 16.0],
        ["B", "2", 20.0],
    ]
    alloc = res.tidy()["allocated"].to_numpy()
    assert alloc == pytest.approx([24 * 50 / 65, 5 * 50 / 65, 16 * 50 / 65, 20 * 50 / 65])
    assert alloc.sum() == pytest.approx(50.0)


def test_budget_ranked_by_a_field() -> None:
    doc = make(
        {"id": "1", "title": "奖励", "when": {"field": "tax", "ge": 0}, "benefit": {"fixed": 30}},
        budget={"total": 70, "allocation": "ranked", "rank_by": "tax"},
    )
    frame = pd.DataFrame({"credit_code": ["A", "B", "C"], "tax": [10.0, 30.0, 20.0]})
    res = evaluate([doc], frame, on=ON)
    # by tax descending: B 30, C 30, A gets the 10 left (70 − 60)
    assert res.tidy()["allocated"].tolist() == [10.0, 30.0, 30.0]


def test_person_subject() -> None:
    doc = make(
        {
            "id": "1",
            "title": "青年人才生活补贴",
            "when": {
                "all": [
                    {"field": "education", "ge": "硕士"},
                    {"field": "age", "le": 35},
                    {"date": "arrived_on", "on_or_after": "2023-01-01"},
                ]
            },
            "benefit": {"fixed": 3},
        },
        subject="person",
        category="人才",
        id="talent",
    )
    people = pd.DataFrame(
        {
            "person_id": ["p1", "p2", "p3", "p4"],
            "education": ["博士", "本科", "硕士研究生", "硕士"],
            "age": [35, 30, 36, None],
            "arrived_on": ["2023-01-01", "2023-05-01", "2023-05-01", "2023-05-01"],
        }
    )
    res = evaluate([doc], people, on=ON, key="person_id")
    assert rows(res, ["person_id", "status", "amount_min", "missing"]) == [
        ["p1", "符合", 3.0, ""],
        ["p2", "不符合", None, ""],
        ["p3", "不符合", None, ""],
        ["p4", "可能符合", 3.0, "age"],
    ]
    # firm documents are skipped for persons (and the other way round)
    firm_doc = make(INVEST)
    res2 = evaluate([doc, firm_doc], people, on=ON, key="person_id")
    assert res2.skipped == [("demo", "适用对象为 firm")]
    assert set(evaluate([doc, firm_doc], FIRMS, on=ON).tidy()["document"]) == {"demo"}


def test_input_errors() -> None:
    doc = make(INVEST)
    with pytest.raises(InputError, match="主体表缺少主键列 credit_code"):
        evaluate([doc], pd.DataFrame({"x": [1]}), on=ON)
    with pytest.raises(InputError, match="主键列 credit_code 有重复值：A"):
        evaluate([doc], pd.DataFrame({"credit_code": ["A", "A"]}), on=ON)
    with pytest.raises(InputError, match="主键列 credit_code 有空值（第 2 行）"):
        evaluate([doc], pd.DataFrame({"credit_code": ["A", None]}), on=ON)
    with pytest.raises(InputError, match="政策文件编号重复：demo"):
        evaluate([doc, doc], FIRMS, on=ON)


def test_by_clause_summary_explain_excel(tmp_path: Path) -> None:
    res = evaluate([make(INVEST)], FIRMS, on=ON)
    bc = res.by_clause()
    assert bc.to_dict("records") == [
        {
            "document": "demo",
            "clause": "2-1",
            "title": "固定资产投资奖励",
            "符合": 1,
            "可能符合": 2,
            "不符合": 2,
            "amount_min_total": 60.0 + 100.0 + 100.0,
            "amount_max_total": 240.0 + 300.0 + 300.0,
            "allocated_total": 240.0,
        }
    ]
    s = res.summary()
    assert "6 个企业，1 个政策文件，1 个条款，共 5 条判定" in s
    assert "符合 1 条，可能符合 2 条，不符合 2 条" in s
    text = res.explain("D")
    assert "示例县人民政府《示例政策（示例数据）》（示政发〔2024〕1号，2024-01-01）" in text
    assert "第2条 2-1 固定资产投资奖励：可能符合，金额 100–300 万元" in text
    assert "✓ 新上项目固定资产投资 ≥ 1000 万元（新上项目固定资产投资 2000 万元）" in text
    assert (
        "? 新上项目固定资产投资 / 新上项目用地面积 ≥ 200（新上项目固定资产投资 2000 万元；新上项目用地面积：缺少）"
        in text
    )
    assert "请补充：新上项目用地面积" in text
    assert "不在本文件适用地区内" in res.explain("F")
    with pytest.raises(InputError, match="没有主体 Z"):
        res.explain("Z")
    out = res.to_excel(tmp_path / "p.xlsx")
    sheets = pd.read_excel(out, sheet_name=None, engine="openpyxl")
    assert list(sheets) == ["政策匹配结果", "按条款汇总", "政策文件", "说明"]
    assert list(sheets["政策匹配结果"].columns)[:4] == [
        "统一社会信用代码",
        "政策文件",
        "条款",
        "判定",
    ]


@pytest.mark.parametrize("name", ["xinzhi.policy.evaluate"])
def test_module_doctests(name: str) -> None:
    # tests/test_doctests.py lists modules by hand; until the policy modules are added there
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.attempted >= 1 and result.failed == 0


MAYBE_NUM = st.one_of(st.none(), st.floats(-10, 3000, allow_nan=False))


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(MAYBE_NUM, MAYBE_NUM, st.sampled_from([True, False, None])),
        min_size=1,
        max_size=25,
    ),
    st.floats(1, 2000),
    st.sampled_from(["pro_rata", "ranked"]),
)
def test_invariants(rows_: list[tuple[Any, Any, Any]], total: float, how: str) -> None:
    doc = make(
        {
            "id": "1",
            "title": "投资",
            "group": "g",
            "when": {"all": [{"field": "tax", "ge": 100}, {"label": "hnte", "held": True}]},
            "benefit": {"percent": {"base": "revenue", "rate": [0.05, 0.2]}, "cap": 300},
        },
        {
            "id": "2",
            "title": "规模",
            "group": "g",
            "when": {
                "any": [{"field": "revenue", "ge": 1000}, {"not": {"label": "hnte", "held": True}}]
            },
            "benefit": {
                "bands": {
                    "on": "revenue",
                    "bands": [{"ge": 500, "lt": 2000, "amount": 20}, {"ge": 2000, "amount": 60}],
                }
            },
        },
        {
            "id": "3",
            "title": "比例",
            "when": {"ratio": ["tax", "revenue"], "ge": 0.05},
            "benefit": {"per_unit": {"base": "tax", "amount": 0.1}},
        },
        stacking={"g": "highest"},
        cap_per_subject=250,
        budget={"total": total, "allocation": how, "rank_by": "tax"},
    )
    frame = pd.DataFrame(
        {
            "credit_code": [f"F{i}" for i in range(len(rows_))],
            "revenue": pd.array([r[0] for r in rows_], dtype="Float64"),
            "tax": pd.array([r[1] for r in rows_], dtype="Float64"),
            "label_hnte": pd.array([r[2] for r in rows_], dtype="boolean"),
        }
    )
    t = evaluate([doc], frame, on=ON).tidy()
    assert len(t) == 3 * len(rows_)
    meet, maybe, fail = (t["status"] == s for s in ("符合", "可能符合", "不符合"))
    assert (t.loc[meet, "missing"] == "").all()  # 符合 ⇒ nothing missing
    assert (t.loc[maybe, "missing"] != "").all()  # 可能符合 ⇒ something to ask for
    assert t.loc[meet, "amount_max"].notna().all()  # 符合 ⇒ every input of the amount known
    # 就高不重复 (group g = clauses 1, 2): a subject never keeps two non-zero certain amounts
    g = t[meet & t["clause"].isin(["1", "2"]) & (t["amount_max"] > 0)]
    assert not g["credit_code"].duplicated().any()
    assert t.loc[fail, ["amount_min", "amount_max", "allocated"]].isna().all().all()
    both = t[t["amount_max"].notna()]
    assert (both["amount_min"] <= both["amount_max"] + 1e-9).all()
    assert (t.loc[~fail, "amount_min"] >= 0).all()
    # cap per subject: the sum of amount_min of a subject never exceeds 250
    assert (t.groupby("credit_code", observed=True)["amount_min"].sum() <= 250 + 1e-6).all()
    # budget: allocated sums to min(total, demand of bounded 符合 claims)
    demand = t.loc[meet & t["amount_max"].notna(), "amount_max"].sum()
    assert t["allocated"].sum() == pytest.approx(min(total, demand), rel=1e-9, abs=1e-9)
    assert t.loc[~meet, "allocated"].isna().all()
