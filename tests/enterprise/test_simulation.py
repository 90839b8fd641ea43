"""Policy simulation (xinzhi.enterprise.simulation): surcharges and rebates per firm, per park
and in total computed by hand; the what-if of moved cut-offs (示例数据)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from xinzhi.enterprise.mujun import evaluate_mujun
from xinzhi.enterprise.presets import parse_preset
from xinzhi.enterprise.simulation import (
    M2_PER_MU,
    default_schedule,
    parse_schedule,
    simulate,
    what_if,
)
from xinzhi.errors import ConfigError

PRESET = parse_preset(
    {
        "key": "s",
        "name": "模拟测试",
        "source": {"issuer": "示例数据"},
        "lists": {"above_scale": {"indicators": {"tax_per_mu": 100}}},
        "classes": {"method": "thresholds", "thresholds": {"A": 120, "B": 100, "C": 80}},
        "exemptions": {"utility": True},
    }
)


def _firms() -> pd.DataFrame:
    # 亩均税收 = tax / 10: 30, 20, 16, 10, 4 (+ a utility, T) → mean of the rated five 16
    # scores 100·x/16: 187.5 A, 125 A, 100 B, 62.5 D, 25 D
    return pd.DataFrame(
        {
            "credit_code": ["s1", "s2", "s3", "s4", "s5", "s6"],
            "park": ["东园", "东园", "西园", "西园", "西园", None],
            "above_scale": True,
            "utility": [None, None, None, None, None, True],
            "land_area": [10.0, 10.0, 10.0, 10.0, 10.0, 10.0],
            "tax": [300.0, 200.0, 160.0, 100.0, 40.0, 10.0],
            "electricity": [500.0, 400.0, 300.0, 200.0, 100.0, 1000.0],  # 万千瓦时
            "water": [10.0, 10.0, 10.0, 4.0, None, 50.0],  # 万吨
            "gas": [0.0, 0.0, 0.0, 10.0, 20.0, 0.0],  # 万立方米
        }
    )


def test_classes_of_the_fixture() -> None:
    t = evaluate_mujun(_firms(), PRESET).tidy().set_index("credit_code").sort_index()
    assert t["class"].tolist() == ["A", "A", "B", "D", "D", "T"]


def test_default_schedule_by_hand() -> None:
    r = evaluate_mujun(_firms(), PRESET)
    s = simulate(r, _firms(), consecutive_d={"s4": 3, "s5": 1, "s1": 5})
    t = s.tidy().set_index("credit_code").sort_index()
    # electricity: s4 D, 3rd consecutive year → 0.15 元/kWh × 200 万kWh = 30 万元;
    # s5 D, 1st year → 0.05 × 100 = 5 万元; others 0 (s1's 5 years ignored: class A)
    assert t["electricity_surcharge"].tolist() == pytest.approx([0, 0, 0, 30, 5, 0])
    # water D 0.5 元/吨: s4 4 万吨 × 0.5 = 2 万元; s5 water missing → NaN (needs data)
    assert t.loc["s4", "water_surcharge"] == pytest.approx(2.0)
    assert pd.isna(t.loc["s5", "water_surcharge"])
    # gas D 0.3 元/m³: s4 10 × 0.3 = 3; s5 20 × 0.3 = 6
    assert t.loc[["s4", "s5"], "gas_surcharge"].tolist() == pytest.approx([3.0, 6.0])
    # land tax 6 元/m² × 10 亩 × 666.67 m²/亩 = 40 000 元 = 4 万元; A 100 % → 4, B 50 % → 2
    assert t["land_tax_rebate"].tolist() == pytest.approx([4, 4, 2, 0, 0, 0])
    assert t["raised"].tolist() == pytest.approx([0, 0, 0, 35, 11, 0])  # s4 30+2+3, s5 5+6
    assert t["net"].tolist() == pytest.approx([-4, -4, -2, 35, 11, 0])
    assert t["years_in_d"].tolist()[3:5] == [3, 1]
    assert pd.isna(t.loc["s1", "years_in_d"])
    tot = s.totals().iloc[0]
    assert tot["raised"] == pytest.approx(46.0)
    assert tot["returned"] == pytest.approx(10.0)
    assert tot["net"] == pytest.approx(36.0)
    parks = s.park_totals().set_index("park")
    # 东园: s1, s2 → returned 8; 西园: s3, s4, s5 → raised 46, returned 2
    assert parks.loc["东园", ["firms", "raised", "returned"]].tolist() == pytest.approx([2, 0, 8])
    assert parks.loc["西园", ["firms", "raised", "returned"]].tolist() == pytest.approx([3, 46, 2])
    assert parks.loc["（未填园区）", "firms"] == 1
    assert "加价合计 46.00 万元" in s.summary()


def test_consecutive_years_default_and_list_end() -> None:
    r = evaluate_mujun(_firms(), PRESET)
    s = simulate(r, _firms()).tidy().set_index("credit_code")
    # default 1 year: s4 0.05 × 200 = 10
    assert s.loc["s4", "electricity_surcharge"] == pytest.approx(10.0)
    s2 = simulate(r, _firms(), consecutive_d=pd.Series({"s4": 2})).tidy().set_index("credit_code")
    assert s2.loc["s4", "electricity_surcharge"] == pytest.approx(20.0)  # 0.10 × 200


def test_custom_schedule_yaml_and_units(tmp_path: Path) -> None:
    sched = parse_schedule(
        "key: x\nname: 自定义\nelectricity: {C: 0.02, D: [0.1]}\n"
        "land_tax: {rate: 3, rebate: {B: 1}}\n"
    )
    r = evaluate_mujun(_firms(), PRESET)
    t = simulate(r, _firms(), sched, consecutive_d={"s4": 4}).tidy().set_index("credit_code")
    # D list of one entry: any consecutive year → 0.1 × 200 = 20
    assert t.loc["s4", "electricity_surcharge"] == pytest.approx(20.0)
    # B rebate 3 × 10 × 666.67 × 1 / 10 000 = 2 万元
    assert t.loc["s3", "land_tax_rebate"] == pytest.approx(3 * 10 * M2_PER_MU / 10000)
    assert t.loc["s3", "land_tax_rebate"] == pytest.approx(2.0)
    out = simulate(r, _firms(), sched).to_excel(tmp_path / "s.xlsx")
    assert list(pd.read_excel(out, sheet_name=None)) == ["企业明细", "园区汇总", "合计"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("electricity: {E: 0.1}", "政策方案中有未知的键 'E'（位置：electricity）"),
        ("electricity: {C: [0.1, 0.2]}", "electricity.C 应为数值：只有 D 类可按连续年数给出列表"),
        ("water: {D: 贵}", "water.D 应为数值"),
        ("land_tax: {rate: 6, rebate: {A: 100}}", "land_tax.rebate.A 为返还比例，应在 0–1 之间"),
        ("power: {D: 1}", "政策方案中有未知的键 'power'（位置：顶层）"),
    ],
)
def test_schedule_validation(text: str, message: str) -> None:
    with pytest.raises(ConfigError) as err:
        parse_schedule(text)
    assert message in str(err.value)


def test_default_schedule_source() -> None:
    d = default_schedule()
    assert d.electricity["D"] == (0.05, 0.10, 0.15)
    assert d.source.date == "2022-03-03"


def test_what_if_moves_cutoffs() -> None:
    r = evaluate_mujun(_firms(), PRESET)
    # scores 187.5, 125, 100, 62.5, 25; raise A to 150 and lower C to 50:
    # s2 125 A → B (降); s4 62.5 D → C (升)
    w = what_if(r, {"method": "thresholds", "thresholds": {"A": 150, "B": 100, "C": 50}})
    assert w[["credit_code", "class", "class_new", "change"]].values.tolist() == [
        ["s2", "A", "B", "降"],
        ["s4", "D", "C", "升"],
    ]
    # percentile 20/20/20/40 of n = 5: b = 1, 2, 3 → s1 A, s2 B, s3 C, s4 D, s5 D
    w = what_if(r, {"method": "percentile", "shares": {"A": 20, "B": 20, "C": 20, "D": 40}})
    assert w[["credit_code", "class_new"]].values.tolist() == [["s2", "B"], ["s3", "C"]]
    with pytest.raises(ConfigError) as err:
        what_if(r, {"method": "percentile", "shares": {"A": 20, "B": 20, "C": 20, "D": 20}})
    assert "cutoffs.shares 百分比之和应为 100" in str(err.value)


def test_module_doctest() -> None:
    import doctest

    import xinzhi.enterprise.simulation as mod

    res = doctest.testmod(mod, optionflags=doctest.ELLIPSIS)
    assert res.attempted >= 1 and res.failed == 0
