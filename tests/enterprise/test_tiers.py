"""Reference tests of xinzhi.enterprise.tiers: every threshold of every rule table at its edge
(just below / equal / just above) in both MIIT versions, the version switch on 2026-04-01,
three-valued logic (needs data; fail beats unknown) and the scoring tables' point bands, all
with expected values worked out by hand from the documents' numbers."""

from __future__ import annotations

import datetime as dt
from typing import Any

import ibis
import pandas as pd
import pytest

from fixtures.tiers import cond_status, firm_rows, node_status, score_bounds
from xinzhi.enterprise.tiers import (
    FAIL,
    PASS,
    UNKNOWN,
    check_tiers,
    load_rules,
    rule_versions,
    rules_for,
)
from xinzhi.errors import ConfigError, InputError

OLD = dt.date(2025, 6, 30)  # 工信部企业〔2022〕63号 in force
NEW = dt.date(2026, 4, 1)  # 工信部企业〔2026〕2号 in force


GE = (FAIL, PASS, PASS)  # value below / equal / above a "≥" threshold
LE = (PASS, PASS, FAIL)  # value below / equal / above a "≤" threshold

# (tier, date, condition key, row builder of the compared value x, threshold, step, expected)
EDGES = [
    # 工信部企业〔2022〕63号 附件2 专精特新中小企业
    ("srdi_sme", OLD, "niche_years", lambda x: {"niche_years": x}, 2.0, 0.1, GE),
    ("srdi_sme", OLD, "rd_amount", lambda x: {"rd_expenditure": x}, 100.0, 1.0, GE),
    # R&D / revenue: 29 / 1000 = 0.029 < 0.03 = 30 / 1000 < 31 / 1000
    (
        "srdi_sme",
        OLD,
        "rd_intensity",
        lambda x: {"rd_expenditure": x, "revenue": 1000.0},
        30.0,
        1.0,
        GE,
    ),
    (
        "srdi_sme",
        OLD,
        "revenue_or_equity",
        lambda x: {"revenue": x, "equity_financing": 0.0, "equity_financing_prev1": 0.0},
        1000.0,
        1.0,
        GE,
    ),
    # two years of equity: x/2 + x/2 against 2000
    (
        "srdi_sme",
        OLD,
        "revenue_or_equity",
        lambda x: {"revenue": 0.0, "equity_financing": x / 2, "equity_financing_prev1": x / 2},
        2000.0,
        2.0,
        GE,
    ),
    # alternatives to the (official) score: below the edge the condition stays unknown
    (
        "srdi_sme",
        OLD,
        "score_or_alternative",
        lambda x: {
            "rd_expenditure": x,
            "rd_expenditure_prev1": x,
            "equity_financing": 0.0,
            "equity_financing_prev1": 0.0,
        },
        1000.0,
        1.0,
        (UNKNOWN, PASS, PASS),
    ),
    (
        "srdi_sme",
        OLD,
        "score_or_alternative",
        lambda x: {
            "rd_expenditure": 0.0,
            "rd_expenditure_prev1": 0.0,
            "equity_financing": x / 2,
            "equity_financing_prev1": x / 2,
        },
        6000.0,
        2.0,
        (UNKNOWN, PASS, PASS),
    ),
    # 附件3 小巨人: 专业化 and 精细化 thresholds
    ("little_giant", OLD, "niche_years", lambda x: {"niche_years": x}, 3.0, 0.1, GE),
    # main / revenue: 69 / 100 < 0.70 = 70 / 100 < 71 / 100
    (
        "little_giant",
        OLD,
        "main_share",
        lambda x: {"main_revenue": x, "revenue": 100.0},
        70.0,
        1.0,
        GE,
    ),
    # growth: prev2 = 100, prev1 = 100 (0 %), last = 100 + x → mean = (x/100 + 0) / 2;
    # 0.05 needs x = 10: (110/100 − 1 + 100/100 − 1) / 2 = 0.05 (floating: 0.0500000000000000444)
    (
        "little_giant",
        OLD,
        "main_growth",
        lambda x: {
            "main_revenue": 100.0 + x,
            "main_revenue_prev1": 100.0,
            "main_revenue_prev2": 100.0,
        },
        10.0,
        0.5,
        GE,
    ),
    ("little_giant", OLD, "debt_ratio", lambda x: {"debt_ratio": x}, 0.70, 0.01, LE),
    # 工信部企业〔2026〕2号
    ("srdi_sme", NEW, "niche_years", lambda x: {"niche_years": x}, 3.0, 0.1, GE),
    (
        "srdi_sme",
        NEW,
        "revenue_or_equity",
        lambda x: {"revenue": x, "equity_financing": 0.0, "equity_financing_prev1": 0.0},
        1500.0,
        1.0,
        GE,
    ),
    (
        "srdi_sme",
        NEW,
        "revenue_or_equity",
        lambda x: {"revenue": 0.0, "equity_financing": x / 2, "equity_financing_prev1": x / 2},
        2000.0,
        2.0,
        GE,
    ),
    ("little_giant", NEW, "revenue", lambda x: {"revenue": x}, 5000.0, 1.0, GE),
    (
        "little_giant",
        NEW,
        "rd_two_years",
        lambda x: {"rd_expenditure": x / 2, "rd_expenditure_prev1": x / 2},
        1200.0,
        2.0,
        GE,
    ),
    ("little_giant", NEW, "ip_class1", lambda x: {"ip_class1": x}, 4.0, 1.0, GE),
    # 国科发政〔2017〕115号 第六条（二）
    ("tech_sme", OLD, "employees", lambda x: {"employees": x}, 500.0, 1.0, LE),
    ("tech_sme", OLD, "revenue", lambda x: {"revenue": x}, 20000.0, 1.0, LE),
    ("tech_sme", OLD, "total_assets", lambda x: {"total_assets": x}, 20000.0, 1.0, LE),
    ("tech_sme", NEW, "employees", lambda x: {"employees": x}, 500.0, 1.0, LE),
    # 国科发火〔2016〕32号 第十一条（四）（六）
    # tech / employees: 9 / 100 < 0.10 = 10 / 100 < 11 / 100
    ("hnte", OLD, "tech_staff", lambda x: {"tech_staff": x, "employees": 100}, 10.0, 1.0, GE),
    (
        "hnte",
        OLD,
        "high_tech_revenue",
        lambda x: {"high_tech_revenue": x, "total_income": 100.0},
        60.0,
        1.0,
        GE,
    ),
    ("hnte", NEW, "tech_staff", lambda x: {"tech_staff": x, "employees": 100}, 10.0, 1.0, GE),
]


@pytest.mark.parametrize(
    ("tier", "on", "key", "build", "edge", "step", "expected"),
    EDGES,
    ids=[f"{e[0]}-{e[1].year}-{e[2]}-{e[4]:g}" for e in EDGES],
)
def test_threshold_edges(
    tier: str, on: dt.date, key: str, build: Any, edge: float, step: float, expected: tuple
) -> None:
    got = tuple(cond_status(build(x), on, tier, key) for x in (edge - step, edge, edge + step))
    assert got == expected


# --------------------------------------------------------------- 高企 R&D intensity by band


@pytest.mark.parametrize(
    ("revenue", "ratio", "expected"),
    [
        # 最近一年销售收入 ≤ 5000 万元 → 5 %: three years of revenue 5000, R&D 249/250/251 each
        (5000.0, 0.0498, FAIL),
        (5000.0, 0.05, PASS),
        (5000.0, 0.0502, PASS),
        # 5000 万元 < revenue ≤ 2 亿元 → 4 %
        (5000.5, 0.0399, FAIL),
        (5000.5, 0.04, PASS),
        (20000.0, 0.0399, FAIL),
        (20000.0, 0.04, PASS),
        (20000.0, 0.0401, PASS),
        # > 2 亿元 → 3 %
        (20000.5, 0.0299, FAIL),
        (20000.5, 0.03, PASS),
        (20000.5, 0.0301, PASS),
    ],
)
def test_hnte_rd_intensity_bands(revenue: float, ratio: float, expected: str) -> None:
    rd = revenue * ratio
    row = {
        "revenue": revenue,
        "revenue_prev1": revenue,
        "revenue_prev2": revenue,
        "rd_expenditure": rd,
        "rd_expenditure_prev1": rd,
        "rd_expenditure_prev2": rd,
    }
    # (3 rd) / (3 revenue) = ratio
    assert cond_status(row, OLD, "hnte", "rd_intensity") == expected


@pytest.mark.parametrize(
    ("founded", "expected"),
    [
        (dt.date(2024, 7, 1), FAIL),  # one day short of a year before 2025-06-30
        (dt.date(2024, 6, 30), PASS),  # exactly one year
        (dt.date(2024, 6, 29), PASS),
    ],
)
def test_hnte_registered_one_year(founded: dt.date, expected: str) -> None:
    assert cond_status({"founded": founded}, OLD, "hnte", "registered") == expected


def test_hnte_leap_day_cutoff() -> None:
    # assessment on 2028-02-29: cutoff 2027-02-28
    on = dt.date(2028, 2, 29)
    assert cond_status({"founded": dt.date(2027, 2, 28)}, on, "hnte", "registered") == PASS
    assert cond_status({"founded": dt.date(2027, 3, 1)}, on, "hnte", "registered") == FAIL


def test_hnte_official_items_need_data() -> None:
    for key in ("field", "innovation_score", "rd_domestic"):
        assert cond_status({"revenue": 1.0}, OLD, "hnte", key) == UNKNOWN


# ----------------------------------------------------- 小巨人 2022: R&D by revenue band (nested)

RD_BAND = ["innovation", "general", "rd_by_band"]


@pytest.mark.parametrize(
    ("revenue", "rd", "rd_prev1", "expected"),
    [
        # ≥ 1 亿元: both years ≥ 3 % (the year before: revenue 1000)
        (10000.0, 290.0, 30.0, FAIL),  # 290 / 10000 = 2.9 %
        (10000.0, 300.0, 30.0, PASS),  # 3 % and 30 / 1000 = 3 %
        (10000.0, 310.0, 31.0, PASS),
        # 5000 万元 – 1 亿元: both years ≥ 6 % (revenue 9000 is below the 1 亿 edge)
        (9000.0, 531.0, 60.0, FAIL),  # 531 / 9000 = 5.9 %
        (9000.0, 540.0, 60.0, PASS),  # 540 / 9000 = 6 %
        (5000.0, 295.0, 60.0, FAIL),  # 5.9 %
        (5000.0, 300.0, 60.0, PASS),  # 6 %
        (5000.0, 305.0, 61.0, PASS),
    ],
)
def test_little_giant_2022_rd_bands(
    revenue: float, rd: float, rd_prev1: float, expected: str
) -> None:
    row = {
        "revenue": revenue,
        "revenue_prev1": 1000.0,
        "rd_expenditure": rd,
        "rd_expenditure_prev1": rd_prev1,
    }
    assert node_status(row, OLD, "little_giant", RD_BAND) == expected


def test_little_giant_2022_rd_band_one_year_short() -> None:
    # revenue 1 亿: last year 3 %, the year before 2.9 % → the "both years" rule fails
    row = {
        "revenue": 10000.0,
        "revenue_prev1": 1000.0,
        "rd_expenditure": 300.0,
        "rd_expenditure_prev1": 29.0,
    }
    assert node_status(row, OLD, "little_giant", RD_BAND) == FAIL


@pytest.mark.parametrize(
    ("equity", "rd_total", "rd_staff", "expected"),
    [
        (8000.0, 3000.0, 50, PASS),  # each at its edge: 8000, 3000, 50 / 100
        (7998.0, 3000.0, 50, FAIL),
        (8000.0, 2998.0, 50, FAIL),
        (8000.0, 3000.0, 49, FAIL),
        (8002.0, 3002.0, 51, PASS),
    ],
)
def test_little_giant_2022_small_firm_band(
    equity: float, rd_total: float, rd_staff: int, expected: str
) -> None:
    row = {
        "revenue": 4999.0,
        "equity_financing": equity / 2,
        "equity_financing_prev1": equity / 2,
        "rd_expenditure": rd_total / 2,
        "rd_expenditure_prev1": rd_total / 2,
        "rd_staff": rd_staff,
        "employees": 100,
    }
    assert node_status(row, OLD, "little_giant", RD_BAND) == expected


def test_rd_band_unknown_without_revenue() -> None:
    row = {"rd_expenditure": 1000.0, "rd_expenditure_prev1": 1000.0}
    assert node_status(row, OLD, "little_giant", RD_BAND) == UNKNOWN


@pytest.mark.parametrize(("ip", "expected"), [(1, FAIL), (2, PASS), (3, PASS)])
def test_little_giant_2022_ip_class1(ip: int, expected: str) -> None:
    row = {"ip_class1": ip}
    assert node_status(row, OLD, "little_giant", ["innovation", "general", "ip_class1"]) == expected


def test_little_giant_2022_innovation_is_never_failed_by_data_alone() -> None:
    # general conditions fail (no Ⅰ类 IP) but the direct conditions need official values
    assert cond_status({"ip_class1": 0}, OLD, "little_giant", "innovation") == UNKNOWN


# ---------------------------------------------------------------- scoring tables by hand


def _innovative(**over: Any) -> dict[str, Any]:
    # baseline: every computable item at 0 points, IP none
    row: dict[str, Any] = {
        "ip_class1": 0,
        "ip_class2": 0,
        "rd_expenditure": 0.0,
        "revenue": 1000.0,
        "main_revenue": 0.0,
        "main_revenue_prev1": 100.0,
        "debt_ratio": 0.9,
    }
    row.update(over)
    return row


# 创新型 baseline points: IP 0, R&D 0, growth (0/100 − 1 = −100 %) 0, debt 0.9 → 0,
# field [5, 10], main share 0 / 1000 → 0: total [5, 10].
@pytest.mark.parametrize(
    ("over", "expected"),
    [
        ({}, (5.0, 10.0)),
        # IP: Ⅰ类 ≥ 1 → [10, 20]; Ⅱ类 ≥ 1 → 5
        ({"ip_class1": 1}, (15.0, 30.0)),
        ({"ip_class2": 1}, (10.0, 15.0)),
        # R&D share bands 5 % / 3 % / 2 % / 1 %: 20 / 15 / 10 / 5
        ({"rd_expenditure": 50.0}, (25.0, 30.0)),
        ({"rd_expenditure": 49.0}, (20.0, 25.0)),
        ({"rd_expenditure": 30.0}, (20.0, 25.0)),
        ({"rd_expenditure": 29.0}, (15.0, 20.0)),
        ({"rd_expenditure": 20.0}, (15.0, 20.0)),
        ({"rd_expenditure": 10.0}, (10.0, 15.0)),
        ({"rd_expenditure": 9.0}, (5.0, 10.0)),
        # growth bands 15 % / 10 % / 5 % / 0 %: 20 / 15 / 10 / 5 (main_revenue_prev1 = 100)
        ({"main_revenue": 116.0}, (25.0, 30.0)),  # 16 % → 20; share 116 / 1000 < 50 % → 0
        ({"main_revenue": 114.0}, (20.0, 25.0)),
        ({"main_revenue": 111.0}, (20.0, 25.0)),
        ({"main_revenue": 109.0}, (15.0, 20.0)),
        ({"main_revenue": 106.0}, (15.0, 20.0)),
        ({"main_revenue": 104.0}, (10.0, 15.0)),
        ({"main_revenue": 100.0}, (10.0, 15.0)),
        ({"main_revenue": 99.0}, (5.0, 10.0)),
        # debt ratio ≤ 55 % → 10, ≤ 75 % → 5, above → 0
        ({"debt_ratio": 0.55}, (15.0, 20.0)),
        ({"debt_ratio": 0.56}, (10.0, 15.0)),
        ({"debt_ratio": 0.75}, (10.0, 15.0)),
        ({"debt_ratio": 0.76}, (5.0, 10.0)),
        # main-business share 70 / 60 / 55 / 50 %: 20 / 15 / 10 / 5 (revenue 1000, growth
        # from prev1 = 1000 is 0 % → 5 points)
        ({"main_revenue": 700.0, "main_revenue_prev1": 700.0}, (5.0 + 5 + 20, 10.0 + 5 + 20)),
        ({"main_revenue": 690.0, "main_revenue_prev1": 690.0}, (5.0 + 5 + 15, 10.0 + 5 + 15)),
        ({"main_revenue": 600.0, "main_revenue_prev1": 600.0}, (5.0 + 5 + 15, 10.0 + 5 + 15)),
        ({"main_revenue": 590.0, "main_revenue_prev1": 590.0}, (5.0 + 5 + 10, 10.0 + 5 + 10)),
        ({"main_revenue": 550.0, "main_revenue_prev1": 550.0}, (5.0 + 5 + 10, 10.0 + 5 + 10)),
        ({"main_revenue": 540.0, "main_revenue_prev1": 540.0}, (5.0 + 5 + 5, 10.0 + 5 + 5)),
        ({"main_revenue": 500.0, "main_revenue_prev1": 500.0}, (5.0 + 5 + 5, 10.0 + 5 + 5)),
        ({"main_revenue": 490.0, "main_revenue_prev1": 490.0}, (5.0 + 5 + 0, 10.0 + 5 + 0)),
    ],
)
def test_innovative_sme_points(over: dict[str, Any], expected: tuple[float, float]) -> None:
    assert score_bounds(_innovative(**over), OLD, "innovative_sme") == expected


def test_innovative_sme_missing_item_is_its_full_range() -> None:
    # debt ratio absent → [0, 10] instead of 0: total [5, 20]
    row = _innovative()
    del row["debt_ratio"]
    assert score_bounds(row, OLD, "innovative_sme") == (5.0, 20.0)


def test_innovative_sme_pass_and_fail_by_score() -> None:
    # IP Ⅰ类 [10, 20] + R&D 5 % 20 + growth 15 % 20 + debt 10 + field [5, 10] + share 70 % 20
    # → [85, 100]: every group above its floor → 通过 (no incidents)
    good = {
        "ip_class1": 1,
        "ip_class2": 0,
        "rd_expenditure": 100.0,
        "revenue": 2000.0,
        "main_revenue": 1400.0,
        "main_revenue_prev1": 1200.0,
        "debt_ratio": 0.5,
        "safety_incident": False,
        "environment_violation": False,
    }
    # 100 / 2000 = 5 %; 1400 / 1200 − 1 = 16.7 %; 1400 / 2000 = 70 %
    tidy = check_tiers(firm_rows([good]), OLD, tiers=["innovative_sme"]).tidy()
    assert tidy["status"].tolist() == [PASS]
    assert (tidy["score"].iloc[0], tidy["score_max"].iloc[0]) == (85.0, 100.0)
    # 创新能力 floor 20: no IP and R&D 2.9 % → 10 points → the score fails, but the direct
    # conditions (awards, …) are unknown → 需补充数据
    weak = dict(good, ip_class1=0, rd_expenditure=58.0)  # 58 / 2000 = 2.9 %
    assert cond_status(weak, OLD, "innovative_sme", "qualify") == UNKNOWN
    # … and with the 高企 label the direct condition holds → 通过
    assert check_tiers(
        firm_rows([dict(weak, label_hnte=True)]), OLD, tiers=["innovative_sme"]
    ).tidy()["status"].tolist() == [PASS]
    # equity over three years 200 + 200 + 100 = 500 → direct condition (四) met
    eq = dict(
        weak, equity_financing=200.0, equity_financing_prev1=200.0, equity_financing_prev2=100.0
    )
    assert cond_status(eq, OLD, "innovative_sme", "qualify") == PASS


def _tech(**over: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "employees": 100,
        "tech_staff": 0,
        "revenue": 1000.0,
        "rd_expenditure": 0.0,
        "ip_class1": 0,
        "ip_class2": 0,
    }
    row.update(over)
    return row


# 科技型: R&D item [first measure, 50] (the cost-based alternative is not in the data)
@pytest.mark.parametrize(
    ("over", "expected"),
    [
        ({}, (0.0, 50.0)),
        # 科技人员 share 30/25/20/15/10 %: 20/16/12/8/4
        ({"tech_staff": 30}, (20.0, 70.0)),
        ({"tech_staff": 29}, (16.0, 66.0)),
        ({"tech_staff": 25}, (16.0, 66.0)),
        ({"tech_staff": 24}, (12.0, 62.0)),
        ({"tech_staff": 20}, (12.0, 62.0)),
        ({"tech_staff": 15}, (8.0, 58.0)),
        ({"tech_staff": 14}, (4.0, 54.0)),
        ({"tech_staff": 10}, (4.0, 54.0)),
        ({"tech_staff": 9}, (0.0, 50.0)),
        # R&D / revenue 6/5/4/3/2 %: 50/40/30/20/10 (upper bound stays 50)
        ({"rd_expenditure": 60.0}, (50.0, 50.0)),
        ({"rd_expenditure": 59.0}, (40.0, 50.0)),
        ({"rd_expenditure": 50.0}, (40.0, 50.0)),
        ({"rd_expenditure": 40.0}, (30.0, 50.0)),
        ({"rd_expenditure": 30.0}, (20.0, 50.0)),
        ({"rd_expenditure": 20.0}, (10.0, 50.0)),
        ({"rd_expenditure": 19.0}, (0.0, 50.0)),
        # IP: Ⅰ类 ≥ 1 → 30; Ⅱ类 4/3/2/1 → 24/18/12/6
        ({"ip_class1": 1}, (30.0, 80.0)),
        ({"ip_class2": 5}, (24.0, 74.0)),
        ({"ip_class2": 4}, (24.0, 74.0)),
        ({"ip_class2": 3}, (18.0, 68.0)),
        ({"ip_class2": 2}, (12.0, 62.0)),
        ({"ip_class2": 1}, (6.0, 56.0)),
    ],
)
def test_tech_sme_points(over: dict[str, Any], expected: tuple[float, float]) -> None:
    assert score_bounds(_tech(**over), OLD, "tech_sme") == expected


def test_tech_sme_ip_unknown_class1_gives_range() -> None:
    # ip_class1 unknown, 2 Ⅱ类: either 30 (if any Ⅰ类) or 12 → [12, 30]; plus R&D [0, 50]
    row = _tech(ip_class2=2)
    del row["ip_class1"]
    assert score_bounds(row, OLD, "tech_sme") == (12.0, 80.0)


def test_tech_sme_score_pass_edge() -> None:
    # 科技人员 10 % → 4, R&D 3 % → 20, Ⅰ类 → 30: 54 … 4 + 50 + 30 = 84 → unknown (the firm
    # might use the cost measure); R&D 4 % → 30: 4 + 30 + 30 = 64 ≥ 60 → the score passes
    base = _tech(
        tech_staff=10,
        ip_class1=1,
        safety_incident=False,
        environment_violation=False,
        total_assets=100.0,
    )
    assert cond_status(dict(base, rd_expenditure=30.0), OLD, "tech_sme", "qualify") == UNKNOWN
    assert cond_status(dict(base, rd_expenditure=40.0), OLD, "tech_sme", "qualify") == PASS
    # 科技人员 9 % → 0 points: the score cannot pass (floor > 0), direct conditions unknown
    assert (
        cond_status(dict(base, tech_staff=9, rd_expenditure=60.0), OLD, "tech_sme", "qualify")
        == UNKNOWN
    )
    # with the 高企 label the direct confirmation holds
    assert (
        cond_status(dict(base, tech_staff=9, label_hnte=True), OLD, "tech_sme", "qualify") == PASS
    )


# ---------------------------------------------------------------------- version switch


def test_rule_versions_dated() -> None:
    numbers = {r.number: (r.valid_from, r.valid_to) for r in rule_versions()}
    assert numbers["工信部企业〔2022〕63号"] == (dt.date(2022, 8, 1), dt.date(2026, 3, 31))
    assert numbers["工信部企业〔2026〕2号"] == (dt.date(2026, 4, 1), None)
    assert "国科发政〔2017〕115号" in numbers
    assert "国科发火〔2016〕32号" in numbers


def test_version_switch_on_2026_04_01() -> None:
    day_before = dt.date(2026, 3, 31)
    for tier in ("srdi_sme", "little_giant", "专精特新中小企业"):
        assert rules_for(tier, day_before).number == "工信部企业〔2022〕63号"
        assert rules_for(tier, NEW).number == "工信部企业〔2026〕2号"
    assert rules_for("innovative_sme", day_before).number == "工信部企业〔2022〕63号"
    with pytest.raises(InputError, match="innovative_sme"):
        rules_for("innovative_sme", NEW)
    assert rules_for("tech_innovative_sme", NEW).number == "工信部企业〔2026〕2号"
    with pytest.raises(InputError):
        rules_for("tech_innovative_sme", day_before)
    # niche years 2.5: ≥ 2 under the 2022 rules, < 3 under the 2026 rules
    row = {"niche_years": 2.5}
    assert cond_status(row, day_before, "srdi_sme", "niche_years") == PASS
    assert cond_status(row, NEW, "srdi_sme", "niche_years") == FAIL
    tidy_old = check_tiers(firm_rows([row]), day_before).tidy()
    tidy_new = check_tiers(firm_rows([row]), NEW).tidy()
    assert tidy_old["tier"].tolist() == [
        "科技型中小企业",
        "创新型中小企业",
        "专精特新中小企业",
        "专精特新“小巨人”企业",
        "高新技术企业",
    ]
    assert tidy_new["tier"].tolist() == [
        "科技型中小企业",
        "科技和创新型中小企业",
        "专精特新中小企业",
        "专精特新“小巨人”企业",
        "高新技术企业",
    ]
    assert set(tidy_new["rule_version"]) == {
        "国科发政〔2017〕115号",
        "工信部企业〔2026〕2号",
        "国科发火〔2016〕32号",
    }


def test_unverified_2026_items_need_official_value() -> None:
    row = {"main_revenue": 1000.0, "revenue": 1000.0, "rd_expenditure": 500.0}
    assert cond_status(row, NEW, "srdi_sme", "main_share") == UNKNOWN
    assert cond_status(row, NEW, "srdi_sme", "rd") == UNKNOWN
    tidy = check_tiers(firm_rows([row]), NEW, tiers=["srdi_sme"]).tidy()
    assert "规则未核实（需官方值）：主营业务收入占比门槛" in tidy["missing"].iloc[0]
    # the platform score is a catalogue field now: missing → named as data still needed
    assert "中小企业专精特新发展质量评价得分" in tidy["missing"].iloc[0]


# ------------------------------------------------------------------- three-valued logic


def test_missing_field_needs_data_and_is_named() -> None:
    res = check_tiers(firm_rows([{"employees": 100}]), OLD, tiers=["tech_sme"])
    tidy = res.tidy()
    assert tidy["status"].tolist() == [UNKNOWN]
    assert tidy["failed"].iloc[0] == []
    missing = tidy["missing"].iloc[0]
    assert "营业收入" in missing and "资产总额" in missing
    assert "年平均职工人数" not in missing  # given


def test_fail_beats_unknown() -> None:
    # 600 staff fails; revenue, assets and everything else missing → 不通过, not 需补充数据
    tidy = check_tiers(firm_rows([{"employees": 600}]), OLD, tiers=["tech_sme"]).tidy()
    assert tidy["status"].tolist() == [FAIL]
    assert tidy["failed"].iloc[0] == ["职工总数 ≤ 500 人"]
    assert "营业收入" in tidy["missing"].iloc[0]


def test_prerequisite_tier_label_or_rule() -> None:
    # 专精特新 2022 needs 创新型: label true → met; label false and rule failing → fails
    assert cond_status({"label_innovative_sme": True}, OLD, "srdi_sme", "innovative") == PASS
    failing = {"label_innovative_sme": False, "safety_incident": True}
    assert cond_status(failing, OLD, "srdi_sme", "innovative") == FAIL
    assert cond_status({}, OLD, "srdi_sme", "innovative") == UNKNOWN


def test_incident_flags() -> None:
    assert cond_status({"safety_incident": True}, OLD, "hnte", "no_safety_incident") == FAIL
    assert cond_status({"safety_incident": False}, OLD, "hnte", "no_safety_incident") == PASS
    assert cond_status({"revenue": 1.0}, OLD, "hnte", "no_safety_incident") == UNKNOWN


def test_division_by_zero_is_unknown() -> None:
    row = {"tech_staff": 5, "employees": 0}
    assert cond_status(row, OLD, "hnte", "tech_staff") == UNKNOWN


# ------------------------------------------------------------------------- candidates


def test_candidates_sorted_by_distance() -> None:
    base = {"employees": 100, "revenue": 1000.0, "total_assets": 1000.0}
    rows = [
        dict(base, credit_code="TWO", employees=600, revenue=30000.0),  # two failures
        dict(base, credit_code="FAR", employees=1000),  # (1000 − 500) / 500 = 1.0
        dict(base, credit_code="NEAR", employees=510),  # (510 − 500) / 500 = 0.02
        dict(base, credit_code="OK"),  # nothing failed: first, needs data only
    ]
    cand = check_tiers(firm_rows(rows), OLD, tiers=["tech_sme"]).candidates("tech_sme")
    assert cand["credit_code"].tolist() == ["OK", "NEAR", "FAR", "TWO"]
    assert cand["n_failed"].tolist() == [0, 1, 1, 2]
    assert cand["shortfall"].tolist() == pytest.approx([0.0, 0.02, 1.0, 0.2 + 0.5])
    assert "职工总数 ≤ 500 人" in cand["lacks"].iloc[1]


# ----------------------------------------------------------------- result object, errors


def test_result_tables_and_excel(tmp_path: Any) -> None:
    res = check_tiers(firm_rows([{"employees": 100, "revenue": 10.0}]), OLD)
    assert set(res.tidy().columns) == {
        "credit_code",
        "tier",
        "status",
        "rule_version",
        "score",
        "score_max",
        "failed",
        "missing",
    }
    assert set(res.conditions().columns) >= {
        "credit_code",
        "tier",
        "condition",
        "status",
        "value",
        "threshold",
    }
    assert "评价日期 2025-06-30" in res.summary()
    # one firm's rows: the same as tidy() narrowed to it, lists of their own (not shared)
    whole = res.tidy()
    code = str(whole["credit_code"].iloc[0])
    one = res.tidy_firm(code)
    pd.testing.assert_frame_equal(one, whole[whole["credit_code"] == code].reset_index(drop=True))
    one["failed"].iloc[0].append("x")
    assert "x" not in res.tidy_firm(code)["failed"].iloc[0]
    assert res.tidy_firm("no-such-firm").empty
    out = res.to_excel(tmp_path / "t.xlsx")
    sheets = pd.read_excel(out, sheet_name=None)
    assert list(sheets) == ["梯度判定", "条件明细", "规则版本"]


def test_ibis_table_input_equals_dataframe() -> None:
    df = firm_rows([{"employees": 100, "revenue": 10.0, "tech_staff": 50}])
    a = check_tiers(df, OLD).tidy()
    b = check_tiers(ibis.memtable(df), OLD).tidy()
    pd.testing.assert_frame_equal(a, b)


def test_errors() -> None:
    with pytest.raises(InputError, match="credit_code"):
        check_tiers(pd.DataFrame({"revenue": [1.0]}), OLD)
    with pytest.raises(InputError, match="未知的梯度"):
        check_tiers(firm_rows([{}]), OLD, tiers=["nope"])
    with pytest.raises(ConfigError, match="未知字段"):
        load_rules(
            "document: {key: x, issuer: a, number: b, title: c, date: 2020-01-01,"
            " valid_from: 2020-01-01}\n"
            "tiers: {hnte: {name: n, conditions: [{key: k, expr: 'nope > 1'}]}}"
        )
    with pytest.raises(ConfigError, match="不允许"):
        load_rules(
            "document: {key: x, issuer: a, number: b, title: c, date: 2020-01-01,"
            " valid_from: 2020-01-01}\n"
            "tiers: {hnte: {name: n, conditions: [{key: k, expr: '__import__(1)'}]}}"
        )


# ------------------------------------------------------------------ further edges and views


@pytest.mark.parametrize(
    ("total", "expected"),
    # three years of equity financing 200 + 200 + (total − 400) against 500 万元; below the edge
    # the direct condition is unknown (awards etc. need official values, the score is unknown)
    [(499.0, UNKNOWN), (500.0, PASS), (501.0, PASS)],
)
def test_innovative_sme_equity_edge(total: float, expected: str) -> None:
    row = {
        "equity_financing": 200.0,
        "equity_financing_prev1": 200.0,
        "equity_financing_prev2": total - 400.0,
    }
    assert cond_status(row, OLD, "innovative_sme", "qualify") == expected


@pytest.mark.parametrize(
    ("ip1", "ip2", "expected"),
    [(0, 0, FAIL), (1, 0, PASS), (0, 1, PASS), (None, 0, UNKNOWN), (None, 1, PASS)],
)
def test_hnte_core_ip(ip1: int | None, ip2: int, expected: str) -> None:
    row: dict[str, Any] = {"ip_class2": ip2}
    if ip1 is not None:
        row["ip_class1"] = ip1
    assert cond_status(row, OLD, "hnte", "core_ip") == expected


def test_tech_innovative_2026_branches() -> None:
    # 科技型 rule met (size within limits, 高企 label as direct confirmation, no incidents)
    tech = {
        "employees": 100,
        "revenue": 1000.0,
        "total_assets": 1000.0,
        "label_hnte": True,
        "safety_incident": False,
        "environment_violation": False,
    }
    assert cond_status(tech, NEW, "tech_innovative_sme", "tech_or_innovative") == PASS
    assert (
        cond_status({"label_tech_sme": True}, NEW, "tech_innovative_sme", "tech_or_innovative")
        == PASS
    )
    assert (
        cond_status(
            {"label_innovative_sme": True}, NEW, "tech_innovative_sme", "tech_or_innovative"
        )
        == PASS
    )
    # 600 staff fails the 科技型 rule; the 2026 创新型 standard is unverified → unknown
    assert (
        cond_status(
            dict(tech, employees=600, label_tech_sme=False),
            NEW,
            "tech_innovative_sme",
            "tech_or_innovative",
        )
        == UNKNOWN
    )


def test_conditions_founded_shows_dates() -> None:
    res = check_tiers(firm_rows([{"founded": dt.date(2024, 7, 1)}]), OLD, tiers=["hnte"])
    c = res.conditions()
    row = c[c["condition"] == "申请认定时注册成立 ≥ 1 年"].iloc[0]
    assert (row["status"], str(row["value"]), row["threshold"]) == (
        FAIL,
        "2024-07-01",
        "2024-06-30",
    )


def test_candidates_lacks_text() -> None:
    rows = [{"credit_code": "A", "employees": 510, "revenue": 1000.0}]
    cand = check_tiers(firm_rows(rows), OLD, tiers=["tech_sme"]).candidates("科技型中小企业")
    lacks = cand["lacks"].iloc[0]
    assert lacks.startswith("职工总数 ≤ 500 人（510，要求 <= 500）；需补充：")
    assert "资产总额" in lacks


def test_status_counts_share_of_passing_firms() -> None:
    """Two firms with no data at all: every tier needs data for both, none passes → share
    0 / 2 = 0 for each tier checked, and the counts add up to 2."""
    firms = pd.DataFrame({"credit_code": ["91X", "92X"]})
    counts = check_tiers(firms, dt.date(2025, 6, 30)).status_counts()
    assert (counts[["通过", "不通过", "需补充数据"]].sum(axis=1) == 2).all()
    assert counts["share"].tolist() == [0.0] * len(counts)
