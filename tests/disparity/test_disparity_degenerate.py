"""Degenerate input: clear Chinese errors or documented results, never NaN in the output."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from libpysal.weights import lat2W

from xinzhi.disparity import (
    dagum_gini,
    inequality_indices,
    kernel_density,
    local_moran,
    markov_chain,
    moran,
    sigma_convergence,
    spatial_markov,
    theil_decomposition,
    weights_from_adjacency,
)
from xinzhi.errors import ComputationError, InputError


def _no_nan(df: pd.DataFrame) -> None:
    num = df.select_dtypes("number")
    assert not num.isna().any().any()


def test_group_with_one_member() -> None:
    df = pd.DataFrame({"y": [1.0, 2, 3, 10], "g": ["a", "a", "a", "b"]})
    res = dagum_gini(df, "y", "g")
    w = res.within.set_index("group")
    assert w.loc["b", "G_jj"] == 0.0
    assert any("只有 1 个单元" in n for n in res.notes)
    for t in res.tables().values():
        _no_nan(t)


def test_all_equal_values() -> None:
    df = pd.DataFrame({"y": [5.0] * 6, "g": list("aabbcc"), "year": 2020})
    res = dagum_gini(df, "y", "g", by="year")
    row = res.overall.iloc[0]
    assert row[["G", "Gw", "Gnb", "Gt", "Gw_share", "Gnb_share", "Gt_share"]].eq(0).all()
    _no_nan(res.between)
    th = theil_decomposition(df, "y", "g")
    assert th.overall.iloc[0]["T"] == 0 and th.overall.iloc[0]["T_within_share"] == 0
    with pytest.raises(ComputationError, match="常数"):
        moran(df.assign(u=[str(i) for i in range(6)]), "y", "u", lat2W(2, 3), permutations=9)
    with pytest.raises(ComputationError, match="标准差为 0"):
        kernel_density(df, "y")
    with pytest.raises(ComputationError, match="分位数切点不严格递增"):
        markov_chain(pd.DataFrame({"u": list("aabb"), "t": [1, 2, 1, 2], "y": 1.0}), "y", "u", "t")


def test_zero_mean_and_negative_values() -> None:
    zero = pd.DataFrame({"y": [0.0, 0.0, 0.0], "g": ["a", "b", "b"]})
    with pytest.raises(ComputationError, match="零均值"):
        dagum_gini(zero, "y", "g")
    with pytest.raises(ComputationError, match="零均值"):
        theil_decomposition(zero, "y", "g", index="T")
    with pytest.raises(ComputationError, match="负值"):
        dagum_gini(pd.DataFrame({"y": [-1.0, 2.0], "g": ["a", "b"]}), "y", "g")
    with pytest.raises(ComputationError, match="严格为正"):
        theil_decomposition(pd.DataFrame({"y": [0.0, 2.0], "g": ["a", "b"]}), "y", "g", index="L")
    with pytest.raises(ComputationError, match="均值为 0"):
        sigma_convergence(pd.DataFrame({"y": [1.0, -1.0, 1, 2], "t": [1, 1, 2, 2]}), "y", "t")


def test_missing_values_and_missing_units() -> None:
    df = pd.DataFrame(
        {
            "u": list("abcdabcd"),
            "t": [1] * 4 + [2] * 4,
            "y": [1.0, 2, 3, 4, 2, np.nan, 4, 5],
            "g": list("xxyyxxyy"),
        }
    )
    with pytest.raises(ComputationError, match="缺失值"):
        dagum_gini(df, "y", "g", by="t")
    res = dagum_gini(df, "y", "g", by="t", missing="drop")
    assert len(res.dropped) == 1 and res.within.query("by == 2")["n"].sum() == 3
    _no_nan(res.overall)
    with pytest.raises(ComputationError, match="缺失值"):
        markov_chain(df, "y", "u", "t", k=2)
    unbalanced = df.dropna()
    with pytest.raises(ComputationError, match="面板不平衡"):
        markov_chain(unbalanced, "y", "u", "t", k=2)
    mk = markov_chain(unbalanced, "y", "u", "t", k=2, missing="drop")
    assert int(mk.counts.to_numpy().sum()) == 3
    assert any("不平衡" in n for n in mk.notes)
    with pytest.raises(InputError, match="缺少列"):
        dagum_gini(df, "y", "nope")
    with pytest.raises(InputError, match="非数值"):
        dagum_gini(df.assign(y=["x"] * 8), "y", "g")


def test_islands_in_the_weights() -> None:
    adj = pd.DataFrame({"unit": ["a", "b", "c", "d"], "neighbor": ["b", "c", "d", "a"]})
    w = weights_from_adjacency(adj, ids=["a", "b", "c", "d", "e"])
    assert w.islands == ["e"]
    df = pd.DataFrame({"u": list("abcde"), "y": [1.0, 3, 2, 5, 4]})
    with pytest.raises(ComputationError, match="孤岛"):
        moran(df, "y", "u", w, islands="error")
    res = moran(df, "y", "u", w, permutations=99)
    assert res.table.iloc[0]["n"] == 4 and res.table.iloc[0]["islands"] == 1
    assert any("孤岛" in n for n in res.notes)
    _no_nan(res.table)
    kept = moran(df, "y", "u", w, islands="keep", permutations=0)
    assert kept.table.iloc[0]["n"] == 5
    lisa = local_moran(df, "y", "u", w, permutations=99)
    assert "e" not in lisa.table["unit"].tolist()
    _no_nan(lisa.table)
    kept_lisa = local_moran(df, "y", "u", w, permutations=99, islands="keep").table.set_index(
        "unit"
    )
    assert kept_lisa.loc["e", "I"] == 0.0 and kept_lisa.loc["e", "p_sim"] == 1.0
    assert kept_lisa.loc["e", "label"] == "不显著"
    with pytest.raises(ComputationError, match="分期列"):
        dagum_gini(pd.DataFrame({"y": [1.0, 2], "g": ["a", "b"], "t": [1, None]}), "y", "g", by="t")
    with pytest.raises(ComputationError, match="分期列"):
        moran(df.assign(t=[1, 1, None, 1, 1]), "y", "u", w, by="t")
    with pytest.raises(InputError, match="空间权重中没有这些单元"):
        moran(pd.DataFrame({"u": list("abcx"), "y": [1.0, 2, 3, 4]}), "y", "u", w)


def test_spatial_markov_with_a_missing_year_for_one_unit() -> None:
    w = lat2W(3, 3)
    rng = np.random.default_rng(0)
    df = pd.DataFrame(
        {
            "u": np.repeat([str(i) for i in range(9)], 4),
            "t": np.tile([1, 2, 3, 4], 9),
            "y": rng.random(36),
        }
    )
    holed = df.drop(index=5)
    with pytest.raises(ComputationError, match="面板不平衡"):
        spatial_markov(holed, "y", "u", "t", w, k=3)
    res = spatial_markov(holed, "y", "u", "t", w, k=3, missing="drop")
    assert res.counts["count"].sum() == 27 - 2
    _no_nan(res.counts)
    _no_nan(res.lags)


def test_inequality_indices_and_messages() -> None:
    df = pd.DataFrame({"y": [1.0, 2, 4], "t": 2020})
    row = inequality_indices(df, "y", "t").table.iloc[0]
    assert row["max_min_ratio"] == 4.0
    assert row["cv"] == pytest.approx(np.std([1, 2, 4], ddof=1) / (7 / 3))
    with pytest.raises(ComputationError, match="极值比"):
        inequality_indices(pd.DataFrame({"y": [0.0, 2, 4]}), "y")
