"""Degenerate input: clear Chinese errors (or documented imputation), never NaN scores."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from xinzhi.errors import ComputationError, ConfigError, InputError
from xinzhi.evaluate import evaluate
from xinzhi.indicators.system import IndicatorSystem


def _system(**options: object) -> IndicatorSystem:
    return IndicatorSystem.from_dict(
        {
            "name": "t",
            "options": options,
            "dimensions": [
                {"name": "甲", "indicators": [{"code": "a", "direction": "+"},
                                              {"code": "b", "direction": "-"}]},
                {"name": "乙", "indicators": [{"code": "c", "direction": "+"}]},
            ],
        }
    )  # fmt: skip


def _panel() -> pd.DataFrame:
    rng = np.random.default_rng(1)
    units = [f"县{i}" for i in range(6)]
    df = pd.DataFrame([(u, y) for y in (2020, 2021) for u in units], columns=["地区", "年份"])
    for c in "abc":
        df[c] = rng.uniform(1, 10, len(df))
    return df


@pytest.mark.parametrize("value", [5.0, 0.0])
def test_constant_or_all_zero_indicator(value: float) -> None:
    df = _panel().assign(b=value)
    with pytest.raises(ComputationError, match=r"指标 b .*常数列"):
        evaluate(df, _system(weights="entropy"))


def test_constant_within_a_year_per_year() -> None:
    df = _panel()
    df.loc[df["年份"] == 2021, "a"] = 3.0
    with pytest.raises(ComputationError, match="2021 年内"):
        evaluate(df, _system(scope="per-year"))
    # pooled is fine
    assert np.isfinite(evaluate(df, _system()).score).all()


def test_one_unit_one_year() -> None:
    df = _panel().iloc[:1]
    with pytest.raises(ComputationError, match="只有 1 个单元-年份样本"):
        evaluate(df, _system())


def test_one_unit_per_year_per_year_scope() -> None:
    df = _panel()
    df = df[df["地区"] == "县0"]
    with pytest.raises(ComputationError, match="只有 1 个评价单元"):
        evaluate(df, _system(scope="per-year"))


def test_one_year_works_and_ranks() -> None:
    df = _panel()
    df = df[df["年份"] == 2020]
    res = evaluate(df, _system(aggregate="topsis", weights="critic"))
    s = res.scores()
    assert sorted(s["rank"]) == list(range(1, 7))
    assert s["score"].between(0, 1).all()


def test_nan_is_an_error_by_default_and_imputation_is_logged() -> None:
    df = _panel()
    df.loc[3, "c"] = np.nan
    with pytest.raises(InputError, match="缺失值"):
        evaluate(df, _system())
    res = evaluate(df, _system(), missing="mean")
    assert np.isfinite(res.score).all()
    assert len(res.imputed) == 1
    row = res.imputed.iloc[0]
    same_year = df[(df["年份"] == df.loc[3, "年份"]) & df["c"].notna()]["c"].mean()
    assert row["indicator"] == "c" and row["value"] == pytest.approx(same_year)


def test_all_missing_indicator_cannot_be_imputed() -> None:
    df = _panel().assign(c=np.nan)
    with pytest.raises(ComputationError, match="全部缺失"):
        evaluate(df, _system(missing="median"))


def test_missing_column_non_numeric_duplicates() -> None:
    with pytest.raises(InputError, match="缺少指标体系 t 的指标列"):
        evaluate(_panel().drop(columns="c"), _system())
    df = _panel().astype({"a": object})
    df.loc[2, "a"] = "n/a"
    with pytest.raises(InputError, match="非数值"):
        evaluate(df, _system())
    with pytest.raises(InputError, match="重复"):
        evaluate(pd.concat([_panel(), _panel().iloc[:1]]), _system())
    with pytest.raises(InputError, match="unit 或 地区"):
        evaluate(_panel().rename(columns={"地区": "x"}), _system())


def test_unknown_option_and_value() -> None:
    with pytest.raises(ConfigError, match="未知的评价选项 'weight'"):
        evaluate(_panel(), _system(), weight="entropy")
    with pytest.raises(ConfigError, match="aggregate='electre'"):
        evaluate(_panel(), _system(), aggregate="electre")


def test_no_year_column() -> None:
    df = _panel()
    df = df[df["年份"] == 2020].drop(columns="年份")
    s = evaluate(df, _system()).scores()
    assert s["year"].isna().all()
    assert sorted(s["rank"]) == list(range(1, 7))


def test_critic_perfectly_correlated_columns() -> None:
    df = _panel()
    df["b"] = -df["a"]  # b is a cost indicator: after direction it equals a
    df["c"] = 2 * df["a"] + 1
    with pytest.raises(ComputationError, match="完全正相关"):
        evaluate(df, _system(weights="critic"))
