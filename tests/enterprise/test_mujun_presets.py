"""亩均 presets (xinzhi.enterprise.presets): the shipped presets load and cite their source, a
user's preset is validated with Chinese messages naming the key, and the published 天台 2022
class split is reproduced by the percentile method (示例数据)."""

from __future__ import annotations

import copy
from typing import Any

import numpy as np
import pandas as pd
import pytest

from xinzhi.enterprise.mujun import evaluate_mujun
from xinzhi.enterprise.presets import builtin_presets, parse_preset, preset
from xinzhi.errors import ConfigError

GOOD: dict[str, Any] = {
    "key": "mine",
    "name": "自定义",
    "source": {"issuer": "某县经信局"},
    "lists": {"above_scale": {"indicators": {"tax_per_mu": 60, "va_per_mu": 40}}},
    "classes": {"method": "percentile", "shares": {"A": 20, "B": 40, "C": 35, "D": 5}},
}


def _with(path: list[str], value: Any) -> dict[str, Any]:
    d = copy.deepcopy(GOOD)
    node = d
    for k in path[:-1]:
        node = node.setdefault(k, {})
    node[path[-1]] = value
    return d


def test_builtin_presets_load_with_sources() -> None:
    ps = builtin_presets()
    assert list(ps) == ["huangyan", "huaian", "tiantai", "jingning", "generic"]
    hy = ps["huangyan"]
    assert hy.source.document == "黄政发〔2018〕12号"
    # verified weights (黄岩 2023-09-25 公示): 30/20/20/10/10/10 and 规下 50/50
    assert [(w.key, w.weight) for w in hy.lists["above_scale"].indicators] == [
        ("tax_per_mu", 30.0),
        ("va_per_mu", 20.0),
        ("va_per_energy", 20.0),
        ("va_per_emission", 10.0),
        ("labour_productivity", 10.0),
        ("rd_intensity", 10.0),
    ]
    assert hy.lists["above_scale"].indicators[3].missing == "average"
    assert [w.weight for w in hy.lists["small_land"].indicators] == [50.0, 50.0]
    ha = preset("huaian")
    assert ha.classes.shares == (20.0, 40.0, 35.0, 5.0)
    assert ha.k == 2.0
    assert [(w.key, w.weight) for w in ha.lists["above_scale"].indicators] == [
        ("tax_per_mu", 45.0),
        ("revenue_per_mu", 35.0),
        ("tax_per_electricity", 20.0),
    ]
    assert set(ha.lists) == {"above_scale", "small_land"}
    assert ha.exemptions.new_production_months == 24
    assert preset("tiantai").source.document == "天政发〔2018〕11号；天政发〔2019〕1号"
    assert preset("jingning").method == "minmax"
    assert preset("generic").indicators["energy_per_va"].direction == "negative"


def test_unknown_builtin() -> None:
    with pytest.raises(ConfigError, match="未知的亩均评价预设 'nope'"):
        preset("nope")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (_with(["colour"], 1), "预设中有未知的键 'colour'（位置：顶层）"),
        (
            _with(["lists", "above_scale", "indicators", "tax_per_mu"], "六十"),
            "lists.above_scale.indicators.tax_per_mu（权重） 应为数值，现为 '六十'",
        ),
        (
            _with(["lists", "above_scale", "indicators", "tax_per_mu"], True),
            "应为数值，现为 True",
        ),
        (
            _with(["lists", "above_scale", "indicators", "tax_per_mu"], 50),
            "lists.above_scale 权重之和为 90，与声明的 weight_total 100 不符",
        ),
        (
            _with(["lists", "above_scale", "indicators", "profit_per_mu"], 0),
            "lists.above_scale.indicators.profit_per_mu 为未知指标 'profit_per_mu'",
        ),
        (_with(["lists", "big"], {"indicators": {"tax_per_mu": 100}}), "未知的名单 'big'"),
        (
            _with(["classes", "shares", "D"], 10),
            "classes.shares 百分比之和应为 100，现为 105（A 20 + B 40 + C 35 + D 10）",
        ),
        (_with(["classes", "method"], "rank"), "classes.method 应为 percentile / thresholds 之一"),
        (
            _with(["classes"], {"method": "thresholds", "thresholds": {"A": 60, "B": 80, "C": 40}}),
            "应满足 A ≥ B ≥ C",
        ),
        (
            _with(["indicators"], {"x": {"numerator": "tax", "denominator": "area"}}),
            "indicators.x.denominator 为未知字段 'area'",
        ),
        (
            _with(["adjustments"], [{"label": "专利", "field": "patents", "points": 1}]),
            "adjustments[0].field 为未知字段 'patents'",
        ),
        (
            _with(["adjustments"], [{"label": "安全", "field": "safety_incident", "points": 0}]),
            "adjustments[0].points 不能为 0",
        ),
        (_with(["scoring", "method"], "zscore"), "scoring.method 应为 benchmark / minmax 之一"),
        (_with(["scoring", "k"], 0), "scoring.k 应大于 0"),
        (_with(["scoring", "cap"], 0.5), "scoring.cap（0.5）不能小于 scoring.floor（1）"),
        (_with(["source", "issuer"], ""), "source.issuer（发文机关）不能为空"),
        (_with(["exemptions", "new_production_months"], 1.5), "exemptions.new_production_months"),
        ({k: v for k, v in GOOD.items() if k != "classes"}, "预设缺少必需的键 'classes'"),
    ],
)
def test_validation_messages(data: dict[str, Any], message: str) -> None:
    if message.startswith("scoring.cap"):
        data["scoring"]["floor"] = 1
    with pytest.raises(ConfigError) as err:
        parse_preset(data)
    assert message in str(err.value)


def test_yaml_text_and_syntax_error() -> None:
    p = parse_preset(
        "key: y\nname: y\nsource: {issuer: 某县}\n"
        "lists: {tenant: {indicators: {tax_per_electricity: 100}}}\n"
        "classes: {method: thresholds, thresholds: {A: 120, B: 90, C: 60}}\n"
    )
    assert p.classes.thresholds == (120.0, 90.0, 60.0)
    with pytest.raises(ConfigError, match="预设 YAML 无法解析"):
        parse_preset("key: [unclosed")


def test_tiantai_2022_split_reproduced() -> None:
    # 天政办函〔2023〕23号: 1248 firms rated, A 134 / B 439 / C 575 / D 100.
    # The tiantai preset's shares 10.74 / 35.18 / 46.07 / 8.01 give, with n = 1248:
    # b_A   = floor(1248 · 10.74/100 + 0.5) = floor(134.54) = 134
    # b_AB  = floor(1248 · 45.92/100 + 0.5) = floor(573.58) = 573 → B = 573 − 134 = 439
    # b_ABC = floor(1248 · 91.99/100 + 0.5) = floor(1148.54) = 1148 → C = 1148 − 573 = 575
    # D = 1248 − 1148 = 100
    n = 1248
    firms = pd.DataFrame(
        {
            "credit_code": [f"{i:018d}" for i in range(n)],
            "region_code": "331023",
            "above_scale": True,
            "land_area": 10.0,
            "tax": np.arange(1, n + 1, dtype=float),  # distinct scores (示例数据)
        }
    )
    r = evaluate_mujun(firms, "tiantai")
    counts = r.tidy()["class"].value_counts().to_dict()
    assert counts == {"A": 134, "B": 439, "C": 575, "D": 100}
    cc = r.class_counts().set_index("list")
    assert cc.loc["规上企业", "total"] == 1248


def test_veto_caps_the_class_whatever_the_score() -> None:
    """一票否决: four 规上 firms, 亩均税收 10, 20, 30, 40 (quartile classes D, C, B, A by score);
    the best firm had a safety incident (→ at most D) and the second an environmental offence
    (→ at most C); an offence on a firm already worse than the cap changes nothing."""
    p = parse_preset(
        {
            "key": "veto",
            "name": "一票否决示例",
            "source": {"issuer": "示例数据"},
            "lists": {"above_scale": {"indicators": {"tax_per_mu": 100}}},
            "classes": {"method": "percentile", "shares": {"A": 25, "B": 25, "C": 25, "D": 25}},
            "veto": [
                {"label": "发生安全生产事故", "field": "safety_incident"},
                {"label": "环境违法行为", "field": "environment_violation", "class": "C"},
            ],
        }
    )
    firms = pd.DataFrame(
        {
            "credit_code": ["a", "b", "c", "d"],
            "above_scale": True,
            "land_area": 10.0,
            "tax": [100.0, 200.0, 300.0, 400.0],
            "safety_incident": [False, False, False, True],
            "environment_violation": [True, False, True, False],
        }
    )
    t = evaluate_mujun(firms, p).tidy().set_index("credit_code")
    # by score d A, c B, b C, a D; d → D (safety), c → C (environment), a stays D
    assert t.loc[["a", "b", "c", "d"], "class"].tolist() == ["D", "C", "C", "D"]
    assert "一票否决：发生安全生产事故" in t.loc["d", "reason"]
    assert "一票否决" not in t.loc["b", "reason"]


def test_veto_is_validated() -> None:
    base = {
        "key": "v",
        "name": "v",
        "source": {"issuer": "x"},
        "lists": {"above_scale": {"indicators": {"tax_per_mu": 100}}},
        "classes": {"method": "percentile", "shares": {"A": 25, "B": 25, "C": 25, "D": 25}},
    }
    with pytest.raises(ConfigError, match=r"veto\[0\]\.class 只能是 B、C、D"):
        parse_preset({**base, "veto": [{"label": "x", "field": "safety_incident", "class": "A"}]})
    with pytest.raises(ConfigError, match=r"veto\[0\]\.field 为未知字段 'tax'"):
        parse_preset({**base, "veto": [{"label": "x", "field": "tax"}]})
