"""Edges of the thresholds checked against public texts in the verification pass (issue #14
part 3): the 科技型中小企业 cost-based R&D measure (国科发政〔2017〕115号 as applied after the 2022
revision), 高新技术企业 境内研发费用 ≥ 60 %, 高新技术产品收入 / 总收入 ≥ 60 % and the innovation
score > 70 (国科发火〔2016〕32号 第十一条, 国科发火〔2016〕195号), the 专精特新 score ≥ 60
(工信部企业〔2022〕63号 附件2) and the 专精特新发展质量评价得分 ≥ 50 / ≥ 60 (工信部企业〔2026〕2号)
read from the new catalogue fields. Expected values are worked out by hand in the comments."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from fixtures.tiers import cond_status, firm_rows, node_status, score_bounds
from xinzhi.codes.firm_fields import firm_fields
from xinzhi.enterprise.tiers import (
    FAIL,
    PASS,
    UNKNOWN,
    check_tiers,
    load_rules,
    rules_for,
)
from xinzhi.errors import ConfigError

OLD = dt.date(2025, 6, 30)  # 工信部企业〔2022〕63号 in force
DAY_BEFORE = dt.date(2026, 3, 31)
NEW = dt.date(2026, 4, 1)  # 工信部企业〔2026〕2号 in force

GE = (FAIL, PASS, PASS)  # below / equal / above a "≥" threshold
GT = (FAIL, FAIL, PASS)  # below / equal / above a ">" threshold


# ------------------------------------------------------------------------ the catalogue


def test_catalogue_has_the_fields_the_rules_read() -> None:
    f = firm_fields()
    expected = {
        "rd_domestic": ("境内研发费用", "万元"),
        "total_costs": ("成本费用支出总额", "万元"),
        "total_income": ("总收入", "万元"),
        "srdi_score": ("专精特新中小企业评价得分", "分"),
        "srdi_quality_score": ("中小企业专精特新发展质量评价得分", "分"),
        "hnte_innovation_score": ("高新技术企业创新能力评价得分", "分"),
    }
    for key, (label, unit) in expected.items():
        assert (f[key].label, f[key].unit, f[key].type) == (label, unit, "double")
        assert key in f[key].aliases and label in f[key].aliases
    # appended at the end of the block, after the fields that were there before
    keys = list(f)
    assert keys.index("mgmt_certified") < keys.index("rd_domestic")
    # no import header is claimed by two fields
    seen: dict[str, str] = {}
    for key, field in f.items():
        for alias in field.aliases:
            assert seen.setdefault(alias, key) == key, alias


# ------------------------------------------- 科技型: R&D / 成本费用支出总额 (second measure)


def _tech(**over: Any) -> dict[str, Any]:
    # 科技人员 0 → 0 points, no IP → 0 points; revenue 100000 makes the first R&D measure
    # (R&D / revenue) 0 points for every R&D amount used below (≤ 301 / 100000 = 0.3 % < 2 %)
    row: dict[str, Any] = {
        "employees": 100,
        "tech_staff": 0,
        "revenue": 100000.0,
        "ip_class1": 0,
        "ip_class2": 0,
        "total_costs": 1000.0,
    }
    row.update(over)
    return row


@pytest.mark.parametrize(
    ("rd", "points"),
    [
        # R&D / total costs 1000: 30 % 50, 25 % 40, 20 % 30, 15 % 20, 10 % 10, below 0
        (301.0, 50.0),  # 30.1 %
        (300.0, 50.0),  # 30 %
        (299.0, 40.0),  # 29.9 %
        (251.0, 40.0),
        (250.0, 40.0),  # 25 %
        (249.0, 30.0),
        (201.0, 30.0),
        (200.0, 30.0),  # 20 %
        (199.0, 20.0),
        (151.0, 20.0),
        (150.0, 20.0),  # 15 %
        (149.0, 10.0),
        (101.0, 10.0),
        (100.0, 10.0),  # 10 %
        (99.0, 0.0),  # 9.9 %
    ],
)
def test_tech_sme_cost_measure_bands(rd: float, points: float) -> None:
    # both measures known → the item is exact: max(0, points); the other items score 0
    assert score_bounds(_tech(rd_expenditure=rd), OLD, "tech_sme") == (points, points)


@pytest.mark.parametrize(
    ("over", "expected"),
    [
        # revenue 1000, R&D 30: first measure 3 % → 20
        # without total costs: [20, 50] (the firm may still choose the second measure)
        ({"total_costs": None}, (20.0, 50.0)),
        # costs 1000: 3 % → 0; best of (20, 0) = 20, now exact
        ({"total_costs": 1000.0}, (20.0, 20.0)),
        # costs 100: 30 % → 50; best of (20, 50) = 50
        ({"total_costs": 100.0}, (50.0, 50.0)),
        # revenue unknown, costs 200: 15 % → 20 → [20, 50]
        ({"revenue": None, "total_costs": 200.0}, (20.0, 50.0)),
    ],
)
def test_tech_sme_best_of_two_measures(over: dict[str, Any], expected: tuple) -> None:
    row = _tech(revenue=1000.0, rd_expenditure=30.0)
    row.update(over)
    assert score_bounds(row, OLD, "tech_sme") == expected


def test_tech_sme_score_pass_edge_by_cost_measure() -> None:
    # 科技人员 10/100 → 4, Ⅰ类 → 30, R&D 20 / revenue 100000 → 0 by the first measure;
    # costs 100: 20 % → 30 → 4 + 30 + 30 = 64 ≥ 60 → the score passes;
    # costs 101: 19.8 % → 20 → 4 + 20 + 30 = 54 < 60, every input known → the score fails
    base = _tech(
        tech_staff=10,
        ip_class1=1,
        rd_expenditure=20.0,
        total_assets=100.0,
        revenue=100000.0,
        safety_incident=False,
        environment_violation=False,
    )
    assert score_bounds(dict(base, total_costs=100.0), OLD, "tech_sme") == (64.0, 64.0)
    assert score_bounds(dict(base, total_costs=101.0), OLD, "tech_sme") == (54.0, 54.0)
    assert node_status(dict(base, total_costs=100.0), OLD, "tech_sme", ["qualify", "score"]) == PASS
    assert node_status(dict(base, total_costs=101.0), OLD, "tech_sme", ["qualify", "score"]) == FAIL
    # the direct confirmations (awards, institutions, standards) still need official values
    assert cond_status(dict(base, total_costs=101.0), OLD, "tech_sme", "qualify") == UNKNOWN
    # the missing cost field is named as data still needed
    tidy = check_tiers(firm_rows([dict(base, total_costs=None)]), OLD, tiers=["tech_sme"]).tidy()
    assert "成本费用支出总额" in tidy["missing"].iloc[0]


# ---------------------------------------------------------------- 高企 第十一条（五）（六）（七）


@pytest.mark.parametrize(
    ("domestic", "expected"),
    # R&D 100 a year (300 in three years); domestic d a year → 3d / 300:
    # 59 → 177 / 300 = 59 % < 60 %; 60 → 180 / 300 = 60 %; 61 → 183 / 300 = 61 %
    [(59.0, FAIL), (60.0, PASS), (61.0, PASS)],
)
def test_hnte_domestic_rd_share(domestic: float, expected: str) -> None:
    row = {
        "rd_expenditure": 100.0,
        "rd_expenditure_prev1": 100.0,
        "rd_expenditure_prev2": 100.0,
        "rd_domestic": domestic,
        "rd_domestic_prev1": domestic,
        "rd_domestic_prev2": domestic,
    }
    assert cond_status(row, OLD, "hnte", "rd_domestic") == expected


def test_hnte_domestic_rd_needs_three_years() -> None:
    row = {
        "rd_expenditure": 100.0,
        "rd_expenditure_prev1": 100.0,
        "rd_expenditure_prev2": 100.0,
        "rd_domestic": 100.0,
        "rd_domestic_prev1": 100.0,
    }
    assert cond_status(row, OLD, "hnte", "rd_domestic") == UNKNOWN
    tidy = check_tiers(firm_rows([row]), OLD, tiers=["hnte"]).tidy()
    assert "境内研发费用（上年度前两年）" in tidy["missing"].iloc[0]


def test_hnte_high_tech_share_reads_total_income() -> None:
    # 60 / 100 = 60 % of 总收入 passes; with only 营业收入 the denominator is unknown
    assert (
        cond_status(
            {"high_tech_revenue": 60.0, "total_income": 100.0}, OLD, "hnte", "high_tech_revenue"
        )
        == PASS
    )
    row = {"high_tech_revenue": 60.0, "revenue": 100.0}
    assert cond_status(row, OLD, "hnte", "high_tech_revenue") == UNKNOWN
    tidy = check_tiers(firm_rows([row]), OLD, tiers=["hnte"]).tidy()
    assert "总收入" in tidy["missing"].iloc[0]


# ------------------------------------------------------ official scores as catalogue fields

EDGES = [
    # 高企 创新能力评价: 70 分以上（不含 70 分）→ > 70
    ("hnte", OLD, ["innovation_score"], "hnte_innovation_score", 70.0, 0.5, GT),
    ("hnte", NEW, ["innovation_score"], "hnte_innovation_score", 70.0, 0.5, GT),
    # 2022 专精特新: the provincial score ≥ 60 (one alternative of 附件2（四）)
    ("srdi_sme", OLD, ["score_or_alternative", "score"], "srdi_score", 60.0, 0.1, GE),
    ("srdi_sme", DAY_BEFORE, ["score_or_alternative", "score"], "srdi_score", 60.0, 0.1, GE),
    # 2026: 中小企业专精特新发展质量评价得分 ≥ 50 (专精特新) and ≥ 60 (小巨人)
    ("srdi_sme", NEW, ["quality_score"], "srdi_quality_score", 50.0, 0.1, GE),
    ("little_giant", NEW, ["quality_score"], "srdi_quality_score", 60.0, 0.1, GE),
]


@pytest.mark.parametrize(
    ("tier", "on", "path", "field", "edge", "step", "expected"),
    EDGES,
    ids=[f"{e[0]}-{e[1]}-{e[3]}-{e[4]:g}" for e in EDGES],
)
def test_official_score_edges(
    tier: str, on: dt.date, path: list[str], field: str, edge: float, step: float, expected: tuple
) -> None:
    got = tuple(node_status({field: x}, on, tier, path) for x in (edge - step, edge, edge + step))
    assert got == expected


def test_official_scores_missing_need_data() -> None:
    assert node_status({"revenue": 1.0}, OLD, "hnte", ["innovation_score"]) == UNKNOWN
    assert node_status({"revenue": 1.0}, NEW, "srdi_sme", ["quality_score"]) == UNKNOWN
    tidy = check_tiers(firm_rows([{"revenue": 1.0}]), NEW, tiers=["little_giant"]).tidy()
    assert "中小企业专精特新发展质量评价得分" in tidy["missing"].iloc[0]


def test_srdi_2022_score_below_edge_leaves_the_alternatives_open() -> None:
    # 59.9 < 60 fails the score, but awards and 创客中国 still need official values → unknown;
    # 60 passes the whole condition (any_of)
    assert cond_status({"srdi_score": 59.9}, OLD, "srdi_sme", "score_or_alternative") == UNKNOWN
    assert cond_status({"srdi_score": 60.0}, OLD, "srdi_sme", "score_or_alternative") == PASS


def test_score_switch_on_2026_04_01() -> None:
    # a quality score of 55 counts only under the 2026 rules (≥ 50 for 专精特新, < 60 for 小巨人);
    # on 2026-03-31 the 2022 rules read the provincial score instead
    row = {"srdi_quality_score": 55.0}
    assert node_status(row, NEW, "srdi_sme", ["quality_score"]) == PASS
    assert node_status(row, NEW, "little_giant", ["quality_score"]) == FAIL
    assert node_status(row, DAY_BEFORE, "srdi_sme", ["score_or_alternative", "score"]) == UNKNOWN
    keys = {c.key for c in rules_for("srdi_sme", DAY_BEFORE).tiers["srdi_sme"].conditions}
    assert "quality_score" not in keys


# ----------------------------------------------------------------------- rule validation

_DOC = (
    "document: {key: x, issuer: a, number: b, title: c, date: 2020-01-01, valid_from: 2020-01-01}\n"
)


def test_best_of_validated() -> None:
    with pytest.raises(ConfigError, match="best_of"):
        load_rules(
            _DOC + "tiers: {tech_sme: {name: n, scoring: {pass: 60, items: "
            "[{key: rd, group: g, max: 50, best_of: []}]}, conditions: [{key: s, score: true}]}}"
        )
    with pytest.raises(ConfigError, match="未知字段"):
        load_rules(
            _DOC + "tiers: {tech_sme: {name: n, scoring: {pass: 60, items: "
            "[{key: rd, group: g, max: 50, best_of: [{value: 'nope / revenue', "
            "bands: [{min: 0.1, points: 50}, {points: 0}]}]}]}, "
            "conditions: [{key: s, score: true}]}}"
        )
