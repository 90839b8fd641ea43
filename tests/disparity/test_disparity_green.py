"""Reproduce the spatial-evolution chapter of the replication study "green" (31 provinces).

Sources (through the dataset registry): scores ``表3-3_绿色算力综合得分(1).xlsx``; results
``第5章_空间演化分析结果表(1).xlsx`` (Dagum decomposition by the four economic regions, global
Moran's I, 2024 LISA, Markov and spatial-Markov counts, KDE statistics). The spatial weights
are the workbook's own province adjacency list (sheet 空间邻接矩阵说明: land contiguity plus
海南–广东/广西), row-standardised; matching Moran's I to 1e-12 confirms them.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from xinzhi import datasets
from xinzhi.disparity import (
    dagum_gini,
    kernel_density,
    local_moran,
    markov_chain,
    moran,
    spatial_markov,
    weights_from_adjacency,
)
from xinzhi.regions.economic_regions import economic_region, province_code_from_short_name

RESULTS = "第5章_空间演化分析结果表(1).xlsx"
SCORES = "表3-3_绿色算力综合得分(1).xlsx"


@pytest.fixture(scope="module")
def workbook(data_dir: Path) -> dict[str, pd.DataFrame]:
    path = datasets.path("replication-green", RESULTS, data_dir=data_dir)
    return pd.read_excel(path, sheet_name=None, engine="calamine")


@pytest.fixture(scope="module")
def scores(data_dir: Path) -> pd.DataFrame:
    df = pd.read_excel(
        datasets.path("replication-green", SCORES, data_dir=data_dir), engine="calamine"
    )
    df["region"] = economic_region(df["省份"].map(province_code_from_short_name)).to_numpy()
    return df


@pytest.fixture(scope="module")
def weights(workbook: dict[str, pd.DataFrame]):  # type: ignore[no-untyped-def]
    adj = workbook["空间邻接矩阵说明"]
    pairs = adj.assign(neighbor=adj["邻接省份"].str.split("、")).explode("neighbor")
    return weights_from_adjacency(pairs.rename(columns={"省份": "unit"}), "unit", "neighbor")


def test_regions_and_adjacency_of_the_workbook(workbook, scores, weights) -> None:
    adj = workbook["空间邻接矩阵说明"].set_index("省份")
    ours = scores.drop_duplicates("省份").set_index("省份")["region"]
    assert (ours.loc[adj.index] == adj["区域"]).all()  # NBS four regions as in the study
    assert sorted(adj["区域"].value_counts().tolist()) == [3, 6, 10, 12]
    # the list is symmetric: symmetrising adds no link
    assert {k: len(v) for k, v in weights.neighbors.items()} == adj["邻接数量"].to_dict()
    assert weights.n == 31 and not weights.islands


def test_dagum_decomposition_by_year(workbook, scores) -> None:
    res = dagum_gini(scores, "综合得分", "region", by="年份")
    ref = workbook["Dagum分解"]
    got = res.overall
    assert got["by"].tolist() == ref["年份"].astype(int).tolist()
    cols = {
        "G": "总体基尼系数",
        "Gw": "区域内差异",
        "Gnb": "区域间净差异",
        "Gt": "超变密度",
        "Gw_share": "区域内贡献率",
        "Gnb_share": "区域间贡献率",
        "Gt_share": "超变密度贡献率",
    }
    for ours, theirs in cols.items():
        np.testing.assert_allclose(got[ours], ref[theirs], rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(got[["Gw", "Gnb", "Gt"]].sum(axis=1), ref["分解项合计"], rtol=1e-12)


def test_dagum_within_and_between_detail(workbook, scores) -> None:
    res = dagum_gini(scores, "综合得分", "region", by="年份")
    w_ref = workbook["Dagum区域内明细"].rename(columns={"年份": "by", "区域": "group"})
    w = res.within.merge(w_ref, on=["by", "group"], validate="1:1")
    assert len(w) == 36
    assert (w["n"] == w["样本量"]).all()
    for ours, theirs in {"mean": "均值", "G_jj": "区域内基尼", "p": "p_j", "s": "s_j"}.items():
        np.testing.assert_allclose(w[ours], w[theirs], rtol=1e-12)
    b_ref = workbook["Dagum区域间明细"].rename(
        columns={"年份": "by", "高均值区域": "group_a", "低均值区域": "group_b"}
    )
    b = res.between.merge(b_ref, on=["by", "group_a", "group_b"], validate="1:1")
    assert len(b) == 54  # every pair found with the same orientation (higher mean first)
    for ours, theirs in {
        "G_jh": "区域间基尼",
        "D_jh": "相对影响D",
        "Gnb": "净差异贡献",
        "Gt": "超变密度贡献",
    }.items():
        np.testing.assert_allclose(b[ours], b[theirs], rtol=1e-10, atol=1e-15)


def test_global_moran(workbook, scores, weights) -> None:
    res = moran(scores, "综合得分", "省份", weights, by="年份", permutations=99_999, seed=1)
    ref = workbook["全局Moran指数"]
    np.testing.assert_allclose(res.table["I"], ref["Moran_I"], rtol=1e-12)
    # The study's permutation figures come from 999 draws: they agree with ours (99,999 draws)
    # within about 4 Monte-Carlo standard errors (σ ≈ 0.0036 for the mean, 0.003 for the sd,
    # 0.016 for p).
    np.testing.assert_allclose(res.table["mean_sim"], ref["置换均值"], atol=0.015)
    np.testing.assert_allclose(res.table["se_sim"], ref["置换标准差"], atol=0.012)
    np.testing.assert_allclose(res.table["se_sim"], np.sqrt(res.table["VI_rand"]), rtol=0.01)
    np.testing.assert_allclose(res.table["p_sim_greater"], ref["正向p值"], atol=0.05)
    np.testing.assert_allclose(res.table["p_sim_abs"], ref["双侧p值"], atol=0.06)


def test_local_moran_2024(workbook, scores, weights) -> None:
    y2024 = scores[scores["年份"] == 2024]
    res = local_moran(
        y2024, "综合得分", "省份", weights, permutations=9999, seed=3, inference="total"
    )
    ref = workbook["LISA_2024"].set_index("省份")
    got = res.table.set_index("unit").loc[ref.index]
    np.testing.assert_allclose(got["z"], ref["标准化得分Z"], rtol=1e-12)
    np.testing.assert_allclose(got["lag_z"], ref["空间滞后WZ"], rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(got["I"], ref["Local_Moran_I"], rtol=1e-12, atol=1e-15)
    assert got["label"].tolist() == ref["LISA类型"].tolist()
    np.testing.assert_allclose(got["p_sim"], ref["p值"], atol=0.05)  # their 999 draws: σ ≤ 0.016
    esda_scale = local_moran(y2024, "综合得分", "省份", weights, permutations=99, scale="esda")
    ratio = res.table["I"].to_numpy() / esda_scale.table["I"].to_numpy()
    np.testing.assert_allclose(ratio, 31 / 30, rtol=1e-12)  # study = esda × n/(n−1)


def test_markov_from_pooled_quartiles(workbook, scores) -> None:
    res = markov_chain(scores, "综合得分", "省份", "年份")
    ref = workbook["传统Markov频数"].set_index("Unnamed: 0")
    np.testing.assert_array_equal(res.counts.to_numpy(), ref.to_numpy())
    assert res.counts.iloc[0].tolist() == [51, 17, 2, 0]
    p_ref = workbook["传统Markov概率"].set_index("Unnamed: 0")
    np.testing.assert_allclose(res.probabilities.to_numpy(), p_ref.to_numpy(), rtol=1e-12)
    np.testing.assert_allclose(res.cutoffs, [0.266807, 0.301777, 0.363959], atol=5e-7)
    assert res.class_names == ref.columns.tolist()


def test_spatial_markov_same_cutoffs(workbook, scores, weights) -> None:
    res = spatial_markov(scores, "综合得分", "省份", "年份", weights)
    ref = workbook["空间Markov长表"]
    assert res.counts["lag_state"].tolist() == ref["邻域状态"].tolist()
    assert res.counts["from"].tolist() == ref["转移前状态"].tolist()
    assert res.counts["to"].tolist() == ref["转移后状态"].tolist()
    assert res.counts["count"].tolist() == ref["频数"].tolist()
    np.testing.assert_allclose(res.counts["probability"], ref["概率"], rtol=1e-12, atol=1e-15)
    lags = workbook["空间滞后状态"].rename(columns={"省份": "unit", "年份": "year"})
    m = res.lags.merge(lags, on=["unit", "year"], validate="1:1")
    assert len(m) == 248
    np.testing.assert_allclose(m["lag"], m["空间滞后得分"], rtol=1e-12)
    assert (m["lag_state"] == m["邻域状态名称"]).all()
    assert (m["state_t"] == m["本期状态"]).all() and (m["state_t1"] == m["下期状态"]).all()
    hom = res.homogeneity.set_index("statistic")
    # PySAL giddy 2.3.8 Homogeneity_Results on these counts (4 lag classes × 4×4; the
    # workbook has no homogeneity test): Q 21.24306447707087, p 0.1292414403756783;
    # LR 22.5508724644409, p 0.09415241384418882; dof 15
    assert hom.loc["Q", "value"] == pytest.approx(21.24306447707087, rel=1e-10)
    assert hom.loc["Q", "p_value"] == pytest.approx(0.1292414403756783, rel=1e-9)
    assert hom.loc["LR", "value"] == pytest.approx(22.5508724644409, rel=1e-10)
    assert hom.loc["LR", "p_value"] == pytest.approx(0.09415241384418882, rel=1e-9)
    assert hom["dof"].tolist() == [15, 15]


def test_kde_statistics(workbook, scores) -> None:
    res = kernel_density(scores, "综合得分", by="年份", bandwidth_rule="scott", grid_size=4001)
    ref = workbook["KDE统计量"]
    st = res.stats
    for ours, theirs in {
        "mean": "均值",
        "std": "标准差",
        "skewness": "偏度",
        "kurtosis": "峰度",
        "min": "最小值",
        "max": "最大值",
    }.items():
        np.testing.assert_allclose(st[ours], ref[theirs], rtol=1e-10)
    np.testing.assert_allclose(
        st["main_peak_density"], ref["峰值高度"], rtol=5e-5
    )  # their grid is coarser
    np.testing.assert_allclose(st["main_peak_x"], ref["峰值位置"], atol=1.5e-3)
