"""Missing data (issue #12 part 9): within-group mean, iterative imputation, unit screening."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from xinzhi.errors import ConfigError, InputError
from xinzhi.evaluate import impute as imp
from xinzhi.evaluate.engine import evaluate
from xinzhi.indicators.system import IndicatorSystem


def _frame() -> pd.DataFrame:
    # 示例数据: provinces 11 and 12, years 2020 and 2021
    return pd.DataFrame(
        {
            "unit": ["110101", "110102", "120101", "120102", "120103"] * 2,
            "year": [2020] * 5 + [2021] * 5,
            "a": [1.0, 3.0, 10.0, np.nan, 20.0, 2.0, np.nan, 30.0, 40.0, 50.0],
            "b": [5.0, 5.0, 5.0, 5.0, 5.0, np.nan, np.nan, 1.0, 2.0, 3.0],
        }
    )


def test_group_mean_by_hand() -> None:
    f = _frame()
    log = imp.impute(f, ["a", "b"], "group-mean", groups=imp.unit_groups(f, f["unit"], "province"))
    # a, 120102 2020: province 12 in 2020 → (10 + 20)/2 = 15
    # a, 110102 2021: province 11 in 2021 → 2 (only 110101 observed)
    # b, 110101 and 110102 2021: province 11 has no b in 2021 → 2021 mean (1 + 2 + 3)/3 = 2
    assert f["a"].tolist() == [1.0, 3.0, 10.0, 15.0, 20.0, 2.0, 2.0, 30.0, 40.0, 50.0]
    assert f["b"].tolist()[5:7] == [2.0, 2.0]
    assert log[["unit", "year", "indicator", "value"]].values.tolist() == [
        ["120102", 2020, "a", 15.0],  # row-major order of the cells
        ["110101", 2021, "b", 2.0],
        ["110102", 2021, "a", 2.0],
        ["110102", 2021, "b", 2.0],
    ]
    assert set(log["method"]) == {"group-mean"}


def test_group_from_a_column() -> None:
    data = pd.DataFrame(
        {"地区": ["甲", "乙", "丙", "丁"], "类型": ["山区", "山区", "平原", "平原"]}
    )
    f = pd.DataFrame({"unit": ["甲", "乙", "丙", "丁"], "year": 0, "a": [1.0, np.nan, 7.0, 9.0]})
    imp.impute(f, ["a"], "group-mean", groups=imp.unit_groups(data, f["unit"], "类型"))
    assert f["a"].tolist() == [1.0, 1.0, 7.0, 9.0]  # 乙 takes 山区's mean = 1
    with pytest.raises(InputError, match="6 位行政区划代码"):
        imp.unit_groups(data, f["unit"], "province")
    with pytest.raises(InputError, match="分组列"):
        imp.unit_groups(data, f["unit"], "省")


def test_iterative_recovers_exact_linear_relation() -> None:
    # x2 = 2·x1 + 1 on every complete row; x1[2] and x2[3] missing.
    # Start: x1[2] = mean(1, 2, 4, 5) = 3, x2[3] = mean(3, 5, 7, 11) = 6.5.
    # Round 1: x1 on x2 over rows 0, 1, 3, 4 uses x2[3] = 6.5 (not yet exact) …; the
    # fixed point is x1[2] = (7 − 1)/2 = 3 and x2[3] = 2·4 + 1 = 9.
    f = pd.DataFrame(
        {
            "unit": list("ABCDE"),
            "year": 0,
            "x1": [1.0, 2.0, np.nan, 4.0, 5.0],
            "x2": [3.0, 5.0, 7.0, np.nan, 11.0],
        }
    )
    log = imp.impute(f, ["x1", "x2"], "iterative")
    np.testing.assert_allclose(f["x1"], [1, 2, 3, 4, 5], atol=1e-7)
    np.testing.assert_allclose(f["x2"], [3, 5, 7, 9, 11], atol=1e-7)
    assert log["indicator"].tolist() == ["x1", "x2"]


def test_iterative_one_cell_is_exact_after_one_regression() -> None:
    # x2 = 2·x1 + 1 on rows 1, 2, 4; x2[3] missing → 2·3 + 1 = 7
    f = pd.DataFrame(
        {"unit": list("ABCD"), "year": 0, "x1": [1.0, 2.0, 3.0, 4.0], "x2": [3.0, 5.0, np.nan, 9.0]}
    )
    imp.impute(f, ["x1", "x2"], "iterative")
    assert f["x2"].iloc[2] == pytest.approx(7.0, abs=1e-12)


def test_screen_counts_and_edges() -> None:
    f = _frame()
    # coverage per unit (2 years × 2 indicators = 4 cells): 110101 3/4, 110102 2/4,
    # 120101 4/4, 120102 3/4, 120103 4/4
    kept, out = imp.screen(f, ["a", "b"], 0.75)  # 0.75 itself is kept (below = left out)
    assert out[["unit", "observed", "cells"]].values.tolist() == [["110102", 2, 4]]
    assert out["coverage"].tolist() == [0.5]
    assert len(kept) == 8 and "110102" not in set(kept["unit"])
    _, out = imp.screen(f, ["a", "b"], 0.76)  # just above 3/4: three units out
    assert out["unit"].tolist() == ["110101", "110102", "120102"]
    _, out = imp.screen(f, ["a", "b"], 0.5)  # equal to the lowest coverage: nobody out
    assert out.empty
    kept, out = imp.screen(f, ["a", "b"], 0.0)
    assert out.empty and len(kept) == 10
    with pytest.raises(InputError, match="所有 5 个单元"):
        imp.screen(f, ["a", "b"], 1.01)


def _system() -> IndicatorSystem:
    return IndicatorSystem.from_dict(
        {
            "name": "示例",
            "dimensions": [
                {
                    "name": "D",
                    "indicators": [
                        {"code": "a", "name": "a", "direction": "+"},
                        {"code": "b", "name": "b", "direction": "+"},
                    ],
                }
            ],
        }
    )


def test_engine_screens_then_imputes() -> None:
    f = _frame().rename(columns={"unit": "地区", "year": "年份"})
    f.loc[0, "b"] = 4.0  # b varies in 2020 too
    res = evaluate(f, _system(), missing="group-mean", min_coverage=0.75, weights="equal")
    assert res.excluded["unit"].tolist() == ["110102"]
    assert "110102" not in set(res.units)
    # 120102 2020 a → province 12 mean (10 + 20)/2; 110101 2021 b → 2021 mean (1 + 2 + 3)/3
    got = res.imputed.set_index(["unit", "year", "indicator"])["value"]
    assert got[("120102", 2020, "a")] == 15.0
    assert got[("110101", 2021, "b")] == 2.0
    assert "数据不足剔除：1 个单元" in res.summary()
    res = evaluate(f, _system(), missing="iterative", weights="equal")
    assert len(res.imputed) == 4 and np.isfinite(res.score).all()


def test_option_validation() -> None:
    with pytest.raises(ConfigError, match="min_coverage"):
        evaluate(_frame(), _system(), missing="mean", min_coverage=1.5)
    with pytest.raises(ConfigError, match="missing='em'"):
        evaluate(_frame(), _system(), missing="em")
    with pytest.raises(ConfigError, match="插补方法"):
        imp.impute(_frame(), ["a"], "median")
