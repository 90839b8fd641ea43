"""亩均 engine (xinzhi.enterprise.mujun): every scoring method on small constructed firm tables
(示例数据) with the expected numbers worked out by hand in the comments."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import ibis
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xinzhi.enterprise.mujun import evaluate_mujun, evaluate_mujun_years, movement, mujun_expr
from xinzhi.enterprise.presets import parse_preset

NEG = {
    "energy_per_va": {
        "label": "单位增加值能耗",
        "unit": "吨标准煤/万元",
        "numerator": "energy",
        "denominator": "value_added",
        "direction": "negative",
    }
}


def _preset(**over: Any) -> Any:
    d: dict[str, Any] = {
        "key": "t",
        "name": "测试",
        "source": {"issuer": "示例数据"},
        "scoring": {"method": "benchmark", "k": 1.0, "cap": 1.5, "floor": 0.2},
        "indicators": NEG,
        "lists": {
            "above_scale": {
                "indicators": {"tax_per_mu": 60, "energy_per_va": 40},
                "missing": "zero",
            }
        },
        "classes": {"method": "thresholds", "thresholds": {"A": 110, "B": 90, "C": 72}},
    }
    d.update(over)
    return parse_preset(d)


def _five() -> pd.DataFrame:
    """Five 规上 firms, land 10 亩 each (示例数据).

    亩均税收 = tax/10: 10, 20, 60, 8, 2 → mean 100/5 = 20.
    单位增加值能耗 = energy/80: 0.125, 0.25, 0.5, (f4: value_added 0 → NULL), 0.125
    → mean over the four present = 1.0/4 = 0.25.
    """
    return pd.DataFrame(
        {
            "credit_code": ["f1", "f2", "f3", "f4", "f5"],
            "name": ["甲", "乙", "丙", "丁", "戊"],
            "region_code": "331003",
            "park": ["P1", "P1", "P2", "P2", None],
            "above_scale": True,
            "land_area": 10.0,
            "tax": [100.0, 200.0, 600.0, 80.0, 20.0],
            "value_added": [80.0, 80.0, 80.0, 0.0, 80.0],
            "energy": [10.0, 20.0, 40.0, 5.0, 10.0],
        }
    )


def _by_code(r: Any) -> pd.DataFrame:
    return r.tidy().set_index("credit_code").sort_index()


def test_benchmark_caps_floor_negative_missing_and_thresholds() -> None:
    t = _by_code(evaluate_mujun(_five(), _preset()))
    # 亩均税收 ratio x/20: 0.5, 1.0, 3.0 → cap 1.5, 0.4, 0.1 → floor 0.2; × 60:
    assert t["tax_per_mu_points"].tolist() == pytest.approx([30.0, 60.0, 90.0, 24.0, 12.0])
    # negative: ratio 0.25/x: 2 → cap 1.5, 1.0, 0.5, missing → 0 (rule zero), 2 → 1.5; × 40:
    assert t["energy_per_va_points"].tolist() == pytest.approx([60.0, 40.0, 20.0, 0.0, 60.0])
    # f4: value_added 0 → NULL, never inf
    assert pd.isna(t.loc["f4", "energy_per_va"])
    assert not np.isinf(t["energy_per_va"].astype(float)).any()
    # scores 30+60 = 90, 60+40 = 100, 90+20 = 110, 24+0 = 24, 12+60 = 72
    assert t["score"].tolist() == pytest.approx([90.0, 100.0, 110.0, 24.0, 72.0])
    # thresholds A 110 / B 90 / C 72: f3 = 110 (equal → A), f2 = 100 (below A → B),
    # f1 = 90 (equal → B), f5 = 72 (equal → C), f4 = 24 (below C → D)
    assert t["class"].tolist() == ["B", "B", "A", "D", "C"]
    assert t.loc["f4", "reason"] == (
        "名单内第 5/5 名；亩均税收 8 万元/亩，低于基准 20 的一半；缺少单位增加值能耗数据（计 0 分）"
    )
    assert t.loc["f5", "reason"] == "名单内第 4/5 名；亩均税收 2 万元/亩，低于基准 20 的一半"
    assert t.loc["f3", "rank"] == 1


def test_missing_scores_the_list_average() -> None:
    p = _preset(
        lists={
            "above_scale": {
                "indicators": {
                    "tax_per_mu": 60,
                    "energy_per_va": {"weight": 40, "missing": "average"},
                }
            }
        }
    )
    t = _by_code(evaluate_mujun(_five(), p))
    # f4 gets the mean 单位增加值能耗 points of the others: (60 + 40 + 20 + 60)/4 = 45
    assert t.loc["f4", "energy_per_va_points"] == pytest.approx(45.0)
    assert t.loc["f4", "score"] == pytest.approx(24.0 + 45.0)
    assert "按名单平均分计" in t.loc["f4", "reason"]


def test_percentile_classes_and_rounding() -> None:
    p = _preset(classes={"method": "percentile", "shares": {"A": 20, "B": 20, "C": 20, "D": 40}})
    t = _by_code(evaluate_mujun(_five(), p))
    # n = 5: b_A = floor(5·0.2 + 0.5) = 1, b_AB = floor(2 + 0.5) = 2, b_ABC = floor(3 + 0.5) = 3
    # ranks by score: f3 110 (1) A, f2 100 (2) B, f1 90 (3) C, f5 72 (4) D, f4 24 (5) D
    assert t["rank"].tolist() == [3, 2, 1, 5, 4]
    assert t["class"].tolist() == ["C", "B", "A", "D", "D"]


def test_percentile_seven_firms_half_up_and_ties() -> None:
    firms = pd.DataFrame(
        {
            "credit_code": [f"c{i}" for i in range(7)],
            "above_scale": True,
            "land_area": 1.0,
            "tax": [70.0, 60.0, 50.0, 40.0, 30.0, 20.0, 10.0],
        }
    )
    p = _preset(
        scoring={"method": "benchmark"},
        lists={"above_scale": {"indicators": {"tax_per_mu": 100}}},
        classes={"method": "percentile", "shares": {"A": 20, "B": 40, "C": 35, "D": 5}},
    )
    r = evaluate_mujun(firms, p)
    # n = 7: b_A = floor(1.4 + 0.5) = 1, b_AB = floor(4.2 + 0.5) = 4, b_ABC = floor(6.65 + 0.5) = 7
    # → A 1, B 3, C 3, D 0
    assert r.tidy()["class"].tolist() == ["A", "B", "B", "B", "C", "C", "C"]
    # a tie at the top: both rank 1 → both A (RANK, the better class)
    firms.loc[1, "tax"] = 70.0
    t = evaluate_mujun(firms, p).tidy().set_index("credit_code")
    assert t.loc[["c0", "c1"], "rank"].tolist() == [1, 1]
    assert t.loc[["c0", "c1"], "class"].tolist() == ["A", "A"]
    assert t.loc["c2", "rank"] == 3


def test_exemptions_lists_and_separate_benchmarks() -> None:
    firms = pd.DataFrame(
        {
            "credit_code": ["g1", "g2", "g3", "g4", "g5", "g6", "g7", "g8", "g9", "g10"],
            "above_scale": [True, True, True, False, False, False, False, False, True, True],
            "utility": [True, None, None, None, None, None, None, None, None, None],
            "division": [None, None, None, None, None, None, None, None, "44", None],
            "production_start": [
                None,
                dt.date(2023, 1, 15),  # 12·(2024−2023) + 13 − 1 = 24 months: not < 24 → rated
                dt.date(2023, 2, 1),  # 12 + 13 − 2 = 23 < 24 → T 新投产
                None,
                None,
                None,
                None,
                None,
                None,
                None,
            ],
            "label_tech_sme": [None, None, None, True, True, None, None, None, None, None],
            "founded": [
                None,
                None,
                None,
                dt.date(2022, 5, 1),  # 2024 − 2022 = 2 < 3 → T 初创期
                dt.date(2021, 1, 1),  # 3, not < 3 → rated
                None,
                None,
                None,
                None,
                None,
            ],
            "land_area": [10.0, 10.0, 10.0, 5.0, 5.0, 2.9, None, 3.0, 10.0, 10.0],
            "tax": [1000.0, 30.0, 500.0, 50.0, 30.0, 10.0, 5.0, 6.0, 900.0, 10.0],
        }
    )
    p = parse_preset(
        {
            "key": "t",
            "name": "测试",
            "source": {"issuer": "示例数据"},
            "lists": {
                "above_scale": {"indicators": {"tax_per_mu": 100}},
                "small_land": {"indicators": {"tax_per_mu": 100}},
            },
            "classes": {"method": "thresholds", "thresholds": {"A": 100, "B": 80, "C": 60}},
            "exemptions": {
                "new_production_months": 24,
                "startup_tech_years": 3,
                "utility": True,
                "utility_divisions": ["44"],
            },
        }
    )
    t = _by_code(evaluate_mujun(firms, p, year=2024))
    assert t.loc[["g1", "g3", "g4", "g6", "g7", "g9"], "class"].tolist() == ["T"] * 6
    assert t.loc["g1", "reason"].startswith("公用事业")
    assert t.loc["g9", "reason"].startswith("公用事业")  # division 44
    assert t.loc["g3", "reason"] == "新投产企业（至评价年末投产不足 24 个月）"
    assert t.loc["g4", "reason"] == "初创期科技型中小企业（成立不足 3 年）"
    assert t.loc["g6", "reason"] == "不在本办法评价范围（规下企业（用地<门槛）），不参与评价"
    assert t.loc["g7", "list"] == "无自有用地企业"
    assert t.loc["g8", "list"] == "规下企业（用地≥门槛）"  # 3.0 亩 = threshold
    # 规上 benchmark from the rated g2 (3) and g10 (1) only: mean 2 → 150, 50
    # (the exempt g1, g3, g9 with 100, 50, 90 万元/亩 do not count)
    # 规下≥3亩: g5 30/5 = 6, g8 6/3 = 2 → mean 4 → 150, 50
    assert t.loc[["g2", "g10", "g5", "g8"], "score"].tolist() == pytest.approx([150, 50, 150, 50])
    assert t.loc[["g2", "g10", "g5", "g8"], "class"].tolist() == ["A", "D", "A", "D"]
    assert pd.isna(t.loc["g1", "score"]) and pd.isna(t.loc["g1", "rank"])
    # without a data year the date rules do not apply: g3 and g4 are rated
    t2 = _by_code(evaluate_mujun(firms, p))
    assert t2.loc["g3", "class"] != "T" and t2.loc["g4", "class"] != "T"


def test_bonus_and_deduction_caps() -> None:
    firms = pd.DataFrame(
        {
            "credit_code": ["h1", "h2", "h3", "h4"],
            "above_scale": True,
            "land_area": 1.0,
            "tax": 10.0,  # all 亩均税收 10 = mean → 100 points each
            "label_hnte": [True, None, None, None],
            "invention_patents": [7.0, None, 2.5, 0.0],
            "safety_incident": [None, True, False, None],
            "environment_violation": [None, True, None, None],
        }
    )
    p = _preset(
        scoring={"method": "benchmark"},
        lists={"above_scale": {"indicators": {"tax_per_mu": 100}}},
        adjustments=[
            {"key": "safety", "label": "安全生产事故", "field": "safety_incident", "points": -20},
            {"key": "env", "label": "环境违法", "field": "environment_violation", "points": -10},
            {"key": "hnte", "label": "高新技术企业", "field": ["label_hnte"], "points": 5},
            {
                "key": "ip",
                "label": "发明专利",
                "field": "invention_patents",
                "per": 1,
                "points": 1,
                "cap": 5,
            },
        ],
        bonus_cap=8,
        deduction_cap=25,
    )
    t = _by_code(evaluate_mujun(firms, p))
    # h1: 5 (高企) + min(7·1, 5) = 10 → bonus cap 8; h3: floor(2.5/1)·1 = 2
    assert t["bonus"].tolist() == pytest.approx([8.0, 0.0, 2.0, 0.0])
    # h2: 20 + 10 = 30 → deduction cap 25
    assert t["deduction"].tolist() == pytest.approx([0.0, 25.0, 0.0, 0.0])
    assert t["score"].tolist() == pytest.approx([108.0, 75.0, 102.0, 100.0])
    assert "安全生产事故扣 20 分" in t.loc["h2", "reason"]


def test_minmax_with_negative_indicator() -> None:
    firms = pd.DataFrame(
        {
            "credit_code": ["m1", "m2", "m3"],
            "above_scale": True,
            "land_area": 1.0,
            "tax": [10.0, 20.0, 30.0],
            "value_added": 8.0,
            "energy": [4.0, 2.0, 1.0],  # 单位增加值能耗 0.5, 0.25, 0.125
        }
    )
    p = _preset(
        scoring={"method": "minmax"},
        classes={"method": "thresholds", "thresholds": {"A": 90, "B": 60, "C": 30}},
    )
    t = _by_code(evaluate_mujun(firms, p))
    # 亩均税收 s = 20 + 80·(x − 10)/20: 20, 60, 100 → × 60/100: 12, 36, 60
    assert t["tax_per_mu_points"].tolist() == pytest.approx([12.0, 36.0, 60.0])
    # negative: s = 20 + 80·(0.5 − x)/0.375: 20, 20 + 80·(2/3) = 73.333…, 100 → × 40/100
    assert t["energy_per_va_points"].tolist() == pytest.approx([8.0, 29.3333333, 40.0])
    assert t["score"].tolist() == pytest.approx([20.0, 65.3333333, 100.0])
    assert t["class"].tolist() == ["D", "B", "A"]
    assert "标准化得分 20（20–100）" in t.loc["m1", "reason"]
    # all values equal: max = min → 100 per indicator
    same = firms.assign(tax=10.0, energy=2.0)
    assert evaluate_mujun(same, p).tidy()["score"].tolist() == pytest.approx([100.0] * 3)


def test_park_basis_k_and_pooled_mean() -> None:
    firms = pd.DataFrame(
        {
            "credit_code": ["p1", "p2", "p3", "p4"],
            "park": ["东园", "东园", "西园", "西园"],
            "above_scale": True,
            "land_area": 1.0,
            "tax": [10.0, 30.0, 2.0, 6.0],
        }
    )
    one = {"above_scale": {"indicators": {"tax_per_mu": 100}}}
    park = _preset(scoring={"method": "benchmark", "k": 2.0, "basis": "park"}, lists=one)
    # 东园 mean 20 → benchmark 40: 100·10/40 = 25, 100·30/40 = 75; 西园 mean 4 → 8: 25, 75
    t = evaluate_mujun(firms, park).tidy().set_index("credit_code")
    assert t.loc[["p1", "p2", "p3", "p4"], "score"].tolist() == pytest.approx([25, 75, 25, 75])
    county = _preset(scoring={"method": "benchmark", "k": 2.0}, lists=one)
    # county mean 12 → benchmark 24: 41.67, 125, 8.33, 25
    t = evaluate_mujun(firms, county).tidy().set_index("credit_code")
    assert t.loc[["p1", "p2", "p3", "p4"], "score"].tolist() == pytest.approx(
        [1000 / 24, 3000 / 24, 200 / 24, 600 / 24]
    )
    pooled = _preset(scoring={"method": "benchmark", "mean": "pooled"}, lists=one)
    two = pd.DataFrame(
        {
            "credit_code": ["q1", "q2"],
            "above_scale": True,
            "land_area": [10.0, 20.0],
            "tax": [100.0, 300.0],
        }
    )
    # pooled mean Σtax/Σland = 400/30 = 13.33 (firms' mean would be 12.5): 100·10/13.33 = 75,
    # 100·15/13.33 = 112.5
    t = evaluate_mujun(two, pooled).tidy()
    assert t.set_index("credit_code").loc[["q1", "q2"], "score"].tolist() == pytest.approx(
        [75.0, 112.5]
    )


def test_absent_columns_are_missing_not_zero() -> None:
    firms = _five().drop(columns=["energy"])
    t = _by_code(evaluate_mujun(firms, _preset()))
    assert t["energy_per_va"].isna().all()
    assert t["energy_per_va_points"].tolist() == [0.0] * 5  # rule zero
    assert t["tax_per_mu_points"].tolist() == pytest.approx([30.0, 60.0, 90.0, 24.0, 12.0])


def test_result_tables_movement_and_excel(tmp_path: Path) -> None:
    p = _preset(classes={"method": "percentile", "shares": {"A": 20, "B": 20, "C": 20, "D": 40}})
    cur = evaluate_mujun(_five(), p)
    # classes: f1 C, f2 B, f3 A, f4 D, f5 D
    pt = cur.park_totals().set_index("park")
    # P1: f1, f2: land 20, tax 300 → 15 万元/亩; P2: f3, f4: 680/20 = 34; (未填园区): f5 20/10 = 2
    assert pt.loc["P1", ["firms", "land_area", "tax"]].tolist() == [2, 20.0, 300.0]
    assert pt.loc["P1", "tax_per_mu"] == pytest.approx(15.0)
    assert pt.loc["P2", "tax_per_mu"] == pytest.approx(34.0)
    assert pt.loc["（未填园区）", "D"] == 1
    assert pt.loc["P2", ["A", "D"]].tolist() == [1, 1]
    cc = cur.class_counts().set_index("list")
    assert cc.loc["规上企业", ["A", "B", "C", "D", "T", "total"]].tolist() == [1, 1, 1, 2, 0, 5]
    prev_firms = _five()
    prev_firms["tax"] = [600.0, 200.0, 100.0, 80.0, 20.0]  # f1 and f3 swap
    prev = evaluate_mujun(prev_firms.iloc[:4], p)
    mv = movement(cur, prev).set_index("credit_code")
    assert mv.loc["f1", ["class_prev", "class", "change"]].tolist() == ["A", "C", "降"]
    assert mv.loc["f3", "change"] == "升"
    assert mv.loc["f2", "change"] == "持平"
    assert mv.loc["f5", "change"] == "新评"
    out = cur.to_excel(tmp_path / "m.xlsx")
    sheets = pd.read_excel(out, sheet_name=None)
    assert list(sheets) == ["评价结果", "规上企业", "园区汇总", "分类统计", "说明"]
    assert "综合得分" in sheets["评价结果"].columns
    assert "亩均效益综合评价（预设 t：测试）" in cur.summary()
    assert "规上企业：A 1，B 1，C 1，D 2，T 0" in cur.summary()


def test_expression_columns_contract() -> None:
    import ibis

    expr = mujun_expr(ibis.memtable(_five()), _preset())
    for c in ("credit_code", "score", "class", "rank", "list_key", "exemption"):
        assert c in expr.columns


def test_huaian_preset_small_table() -> None:
    firms = pd.DataFrame(
        {
            "credit_code": [f"k{i}" for i in range(8)],
            "above_scale": [True] * 5 + [False, False, True],
            "land_area": [10.0, 10.0, 10.0, 10.0, 10.0, 2.0, 4.0, 10.0],
            "tax": [100.0, 200.0, 300.0, 400.0, 500.0, 10.0, 40.0, 900.0],
            "revenue": 1000.0,
            "electricity": 100.0,
            "utility": [None] * 7 + [True],
        }
    )
    t = evaluate_mujun(firms, "huaian").tidy().set_index("credit_code")
    # 规上 rated n = 5 (k7 utility → T): b_A = floor(1 + 0.5) = 1, b_AB = floor(3 + 0.5) = 3,
    # b_ABC = floor(4.75 + 0.5) = 5 → A 1, B 2, C 2, D 0 (tax order k4 > k3 > … > k0)
    assert t.loc[["k4", "k3", "k2", "k1", "k0"], "class"].tolist() == ["A", "B", "B", "C", "C"]
    assert t.loc["k7", "class"] == "T"
    assert t.loc["k5", "class"] == "T"  # 规下 2 亩: not in the 淮安 scope
    assert t.loc["k6", "list"] == "规下企业（用地≥门槛）"
    # k0: 亩均税收 10, mean of the five 30, k = 2 → benchmark 60: 45 · 10/60 = 7.5;
    # 亩均营业收入 100 = mean → 35 · 100/200 = 17.5; 单位电耗税收 1 vs mean 3 → 20 · 1/6
    assert t.loc["k0", "score"] == pytest.approx(7.5 + 17.5 + 20 / 6)


@pytest.mark.parametrize("name", ["xinzhi.enterprise.mujun", "xinzhi.enterprise.presets"])
def test_module_doctests(name: str) -> None:
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.attempted >= 1
    assert result.failed == 0


@settings(max_examples=25, deadline=None)
@given(
    n=st.integers(min_value=1, max_value=40),
    a=st.integers(min_value=0, max_value=50),
    b=st.integers(min_value=0, max_value=50),
)
def test_percentile_counts_invariant(n: int, a: int, b: int) -> None:
    # distinct scores: the counts follow the cumulative half-up rule and add up to n
    c = max(0, 100 - a - b)
    d = 100 - a - b - c
    if d < 0:
        return
    firms = pd.DataFrame(
        {
            "credit_code": [f"x{i}" for i in range(n)],
            "above_scale": True,
            "land_area": 1.0,
            "tax": [float(i + 1) for i in range(n)],
        }
    )
    p = _preset(
        scoring={"method": "benchmark"},
        lists={"above_scale": {"indicators": {"tax_per_mu": 100}}},
        classes={"method": "percentile", "shares": {"A": a, "B": b, "C": c, "D": d}},
    )
    counts = evaluate_mujun(firms, p).tidy()["class"].value_counts()
    b_a = int(np.floor(n * a / 100 + 0.5))
    b_ab = int(np.floor(n * (a + b) / 100 + 0.5))
    b_abc = int(np.floor(n * (a + b + c) / 100 + 0.5))
    got = [int(counts.get(k, 0)) for k in "ABCD"]
    assert got == [b_a, b_ab - b_a, b_abc - b_ab, n - b_abc]
    assert sum(got) == n


def test_class_shares_by_hand() -> None:
    """Five 规上 firms, one of them a utility (T); four rated with quartile classes: each class
    1 of 4 rated = 25 %; the list has 5 firms."""
    from xinzhi.enterprise.presets import parse_preset

    p = parse_preset(
        {
            "key": "q",
            "name": "四分位",
            "source": {"issuer": "示例数据"},
            "lists": {"above_scale": {"indicators": {"tax_per_mu": 100}}},
            "classes": {"method": "percentile", "shares": {"A": 25, "B": 25, "C": 25, "D": 25}},
        }
    )
    firms = pd.DataFrame(
        {
            "credit_code": list("abcde"),
            "above_scale": True,
            "land_area": 10.0,
            "tax": [100.0, 200.0, 300.0, 400.0, 500.0],
            "utility": [False, False, False, False, True],
        }
    )
    row = evaluate_mujun(firms, p).class_shares().iloc[0]
    assert (row["total"], row["rated"], row["A"], row["T"]) == (5, 4, 1, 1)
    assert [row[f"{c}_share"] for c in "ABCD"] == [0.25, 0.25, 0.25, 0.25]


def test_firm_points_and_park_centroids() -> None:
    p = _preset(classes={"method": "percentile", "shares": {"A": 20, "B": 20, "C": 20, "D": 40}})
    # no coordinates at all: no point, every park's centroid NULL and located 0
    plain = evaluate_mujun(_five(), p)
    assert plain.firm_points().empty
    pc = plain.park_centroids().set_index("park")
    assert list(pc.index) == ["P1", "P2"] and pc["located"].tolist() == [0, 0]
    assert pc["longitude"].isna().all()
    # f1 (112.0, 27.0) and f2 (113.0, 28.0) in P1; f3 (112.5, 27.5) in P2, f4 without; f5
    # outside parks at (112.2, 27.2)
    firms = _five().assign(
        longitude=[112.0, 113.0, 112.5, None, 112.2], latitude=[27.0, 28.0, 27.5, 27.5, 27.2]
    )
    res = evaluate_mujun(firms, p)
    pts = res.firm_points().set_index("credit_code")
    # f4 has a latitude only: not a point
    assert sorted(pts.index) == ["f1", "f2", "f3", "f5"]
    assert pts.loc["f2", ["longitude", "latitude", "park", "list"]].tolist() == [
        113.0,
        28.0,
        "P1",
        "规上企业",
    ]
    # classes as in test_result_tables_movement_and_excel: f1 C, f2 B, f3 A, f5 D
    assert pts["class"].to_dict() == {"f1": "C", "f2": "B", "f3": "A", "f5": "D"}
    pc = res.park_centroids().set_index("park")
    # P1: mean of (112, 27) and (113, 28) = (112.5, 27.5), 2 located of 2 firms;
    # P2: f3 only (112.5, 27.5), 1 located of 2 firms; firms outside parks are no park
    assert list(pc.index) == ["P1", "P2"]
    assert pc.loc["P1", ["longitude", "latitude", "located", "firms"]].tolist() == [
        112.5,
        27.5,
        1 + 1,
        2,
    ]
    assert pc.loc["P2", ["longitude", "latitude", "located", "firms"]].tolist() == [
        112.5,
        27.5,
        1,
        2,
    ]
    assert pc.loc["P2", "tax_per_mu"] == pytest.approx((600.0 + 80.0) / 20.0)


def test_years_in_one_query_by_hand() -> None:
    """Two data years of the same five firms in one query: means, ranks and classes stay within
    each year (示例数据)."""
    p = _preset(classes={"method": "percentile", "shares": {"A": 20, "B": 20, "C": 20, "D": 40}})
    later = _five().assign(tax=[600.0, 200.0, 100.0, 80.0, 20.0])  # f1 and f3 swap their tax
    both = evaluate_mujun_years({2024: later, 2023: _five()}, p)
    a, b = _by_code(both[2024]), _by_code(both[2023])
    # 2023 (= _five()): scores 90, 100, 110, 24, 72 as in the first test → ranks 3, 2, 1, 5, 4
    assert b["score"].tolist() == pytest.approx([90.0, 100.0, 110.0, 24.0, 72.0])
    assert b["class"].tolist() == ["C", "B", "A", "D", "D"]
    # 2024: the mean 亩均税收 stays (60 + 20 + 10 + 8 + 2)/5 = 20 and the energy points are
    # unchanged (60, 40, 20, 0, 60); 亩均税收 points: f1 60/20 = 3 → cap 1.5 → 90, f3 10/20 = 0.5
    # → 30: scores f1 90 + 60 = 150, f2 100, f3 30 + 20 = 50, f4 24, f5 72
    assert a["score"].tolist() == pytest.approx([150.0, 100.0, 50.0, 24.0, 72.0])
    # ranks f1 1, f2 2, f5 3, f3 4, f4 5; bounds 1 / 2 / 3 → A, B, C, D, D
    assert a["rank"].tolist() == [1, 2, 4, 5, 3]
    assert a["class"].tolist() == ["A", "B", "D", "D", "C"]
    assert set(both[2024].table["year"]) == {2024} and set(both[2023].table["year"]) == {2023}


def test_years_in_one_query_equal_each_year_alone() -> None:
    """Different firms and row counts per year, exemptions, several lists and a park benchmark:
    every year's table equals the one-year evaluation exactly (values, dtypes, order)."""
    rng = np.random.default_rng(7)

    def frame(n: int, year: int) -> pd.DataFrame:
        return pd.DataFrame(
            {
                "credit_code": [f"c{year}{i:03d}" if i % 3 else f"c{i:03d}" for i in range(n)],
                "region_code": np.where(np.arange(n) % 4 == 0, "331003", "331004"),
                "park": np.where(np.arange(n) % 2 == 0, "东园", "西园"),
                "above_scale": np.arange(n) % 3 != 1,
                "land_area": np.where(np.arange(n) % 7 == 0, np.nan, rng.uniform(1, 20, n)),
                "tax": rng.uniform(0, 500, n),
                "revenue": rng.uniform(100, 5000, n),
                "value_added": np.where(np.arange(n) % 5 == 0, np.nan, rng.uniform(10, 900, n)),
                "energy": rng.uniform(0, 300, n),
                "employees": rng.integers(1, 400, n).astype(float),
                "production_start": pd.to_datetime(
                    np.where(np.arange(n) % 11 == 0, f"{year}-09-01", "2015-01-01")
                ),
            }
        )

    frames = {2024: frame(60, 2024), 2023: frame(45, 2023), 2022: frame(30, 2022)}
    for p in ("huaian", "huangyan", "generic"):
        together = evaluate_mujun_years(frames, p)
        assert sorted(together) == [2022, 2023, 2024]
        for y, f in frames.items():
            alone = evaluate_mujun(f, p, year=y).table
            pd.testing.assert_frame_equal(together[y].table, alone)
        # an ibis in-memory frame takes the compiled path; the result is the same
        t = evaluate_mujun_years({y: ibis.memtable(f) for y, f in frames.items()}, p)
        for y in frames:
            pd.testing.assert_frame_equal(t[y].table, together[y].table)
