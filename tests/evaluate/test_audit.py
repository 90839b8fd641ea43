"""Statistical audit of an index: statistics, flags, Cronbach's α, PCA, contributions, Monte Carlo."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from xinzhi.errors import InputError
from xinzhi.evaluate import evaluate
from xinzhi.evaluate.audit import (
    _rank_desc,
    audit,
    correlation_flags,
    cronbach_alpha,
    effective_contribution,
    indicator_stats,
    monte_carlo,
    pca,
)
from xinzhi.indicators.system import IndicatorSystem

SYSTEM = IndicatorSystem.from_dict(
    {
        "name": "审计示例",
        "dimensions": [
            {
                "name": "A",
                "indicators": [
                    {"code": "a", "direction": "+"},
                    {"code": "b", "direction": "+"},
                    {"code": "c", "direction": "+"},
                ],
            },
            {
                "name": "B",
                "indicators": [{"code": "d", "direction": "+"}, {"code": "e", "direction": "-"}],
            },
        ],
    }
)


def _data(n: int = 60, seed: int = 3) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    f = rng.normal(size=n)
    return pd.DataFrame(
        {
            "unit": [f"u{i}" for i in range(n)],
            "a": f + rng.normal(scale=0.5, size=n),
            "b": f + rng.normal(scale=0.5, size=n),
            "c": f + rng.normal(scale=0.8, size=n),
            "d": rng.normal(size=n),
            "e": rng.normal(size=n),
        }
    )


# ---------------------------------------------------------------- Cronbach
def test_cronbach_by_hand() -> None:
    # columns (1,2,3), (2,3,5): s1² = 1, s2² = ((−4/3)²+(−1/3)²+(5/3)²)/2 = (16+1+25)/18 = 7/3
    # row sums (3,5,8): mean 16/3, s_T² = ((−7/3)²+(−1/3)²+(8/3)²)/2 = (49+1+64)/18 = 19/3
    # α = 2·(1 − (10/3)/(19/3)) = 2·9/19 = 18/19
    x = np.array([[1.0, 2.0], [2.0, 3.0], [3.0, 5.0]])
    assert cronbach_alpha(x) == pytest.approx(18 / 19, abs=1e-12)


def test_cronbach_identical_columns_is_one_and_single_column_nan() -> None:
    # k identical columns: Σ s_j² = k s², s_T² = k² s² → α = k/(k−1)·(1 − 1/k) = 1
    col = np.array([1.0, 4.0, 2.0, 7.0])
    assert cronbach_alpha(np.column_stack([col, col, col])) == pytest.approx(1.0)
    assert np.isnan(cronbach_alpha(col[:, None]))


def test_cronbach_against_numpy_formula() -> None:
    x = np.random.default_rng(0).normal(size=(50, 4)) + np.arange(4)
    k = 4
    cov = np.cov(x, rowvar=False)  # α = k/(k−1)·(1 − tr(C)/ΣC)
    expected = k / (k - 1) * (1 - np.trace(cov) / cov.sum())
    assert cronbach_alpha(x) == pytest.approx(expected, rel=1e-12)


# ---------------------------------------------------------------- PCA
def test_pca_against_numpy_svd() -> None:
    x = np.random.default_rng(1).normal(size=(80, 4)) @ np.array(
        [[1, 0.5, 0, 0], [0, 1, 0.3, 0], [0, 0, 1, 0.8], [0, 0, 0, 1.0]]
    )
    zs = (x - x.mean(axis=0)) / x.std(axis=0, ddof=1)
    _, sv, vt = np.linalg.svd(zs, full_matrices=False)
    lam = sv**2 / (len(x) - 1)  # eigenvalues of the correlation matrix
    explained, loadings = pca(x)
    np.testing.assert_allclose(explained, lam / lam.sum(), rtol=1e-10)
    assert explained.sum() == pytest.approx(1.0)
    # loadings of PC1 = correlation of each column with the PC1 scores (up to sign)
    pc1 = zs @ vt[0]
    r = np.array([np.corrcoef(zs[:, j], pc1)[0, 1] for j in range(4)])
    r = r if r.sum() >= 0 else -r
    np.testing.assert_allclose(loadings[:, 0], r, rtol=1e-8)


def test_pca_two_perfectly_correlated_columns() -> None:
    # correlation matrix [[1,1],[1,1]] has eigenvalues 2, 0 → PC1 explains 100 %; loadings √2·(1/√2) = 1
    x = np.array([[1.0, 2.0], [2.0, 4.0], [4.0, 8.0]])
    explained, loadings = pca(x)
    np.testing.assert_allclose(explained, [1.0, 0.0], atol=1e-12)
    np.testing.assert_allclose(loadings[:, 0], [1.0, 1.0], atol=1e-12)


# ---------------------------------------------------------------- statistics and flags
def test_indicator_stats_outlier_rule_and_coverage() -> None:
    # column 0: 19 ones and 0s alternating plus one 100 → heavily right-skewed
    base = np.tile([0.0, 1.0], 10)
    spiked = base.copy()
    spiked[-1] = 100.0
    gaps = base.copy()
    gaps[:8] = np.nan  # 12 of 20 available = 0.60 < 0.65
    x = np.column_stack([spiked, base, gaps])
    t = indicator_stats(x, ["s", "b", "g"]).set_index("indicator")
    sk = stats.skew(spiked, bias=False)
    ku = stats.kurtosis(spiked, bias=False)
    assert t.loc["s", "skew"] == pytest.approx(sk)
    assert t.loc["s", "kurtosis"] == pytest.approx(ku)
    assert sk > 2 and ku > 3.5
    assert bool(t.loc["s", "outliers"]) and t.loc["s", "treatment"] == "缩尾（winsorise）1 个点"
    assert not bool(t.loc["b", "outliers"]) and t.loc["b", "treatment"] == ""
    assert t.loc["g", "coverage"] == pytest.approx(12 / 20)
    assert bool(t.loc["g", "low_coverage"]) and not bool(t.loc["b", "low_coverage"])
    assert t.loc["g", "n_avail"] == 12 and t.loc["g", "mean"] == pytest.approx(0.5)


def test_outlier_needs_both_skew_and_kurtosis() -> None:
    # a one-sided outlier of size k: check both conditions are required (AND, not OR)
    x = np.concatenate([np.zeros(5), np.ones(5), [3.0]])
    sk, ku = stats.skew(x, bias=False), stats.kurtosis(x, bias=False)
    t = indicator_stats(x[:, None], ["x"]).iloc[0]
    assert bool(t["outliers"]) == (abs(sk) > 2 and ku > 3.5)


def test_log_suggested_when_winsorising_five_points_is_not_enough() -> None:
    # lognormal with σ = 2.5 on 400 points: the upper tail is far longer than 5 points
    x = np.exp(np.random.default_rng(2).normal(scale=2.5, size=400))
    t = indicator_stats(x[:, None], ["x"]).iloc[0]
    assert bool(t["outliers"]) and t["treatment"] == "对数变换（log）"


def test_correlation_flags_on_constructed_data() -> None:
    rng = np.random.default_rng(4)
    a = rng.normal(size=200)
    z = np.column_stack(
        [
            a,
            a + rng.normal(scale=0.05, size=200),  # r ≈ 0.9988 > 0.92 → 冗余
            -a + rng.normal(scale=1.0, size=200),  # r ≈ −0.7 → 负相关
            a,  # other dimension: identical, but across dimensions → no flag
        ]
    )
    t = correlation_flags(z, ["a", "b", "c", "d"], ["X", "X", "X", "Y"])
    flags = {(r.indicator_a, r.indicator_b): r.flag for r in t.itertuples()}
    assert flags[("a", "b")] == "冗余"
    assert flags[("a", "c")] == "负相关" and flags[("b", "c")] == "负相关"
    assert flags[("a", "d")] == ""
    assert t.loc[(t.indicator_a == "a") & (t.indicator_b == "d"), "r"].iloc[0] == pytest.approx(1.0)


def test_redundancy_threshold_edge() -> None:
    # just below / just above 0.92 (the rule is r > 0.92); y = r·x + √(1−r²)·e with e ⟂ x, |x| = |e|
    x = np.array([1.0, -1.0, 1.0, -1.0])
    e = np.array([1.0, 1.0, -1.0, -1.0])
    for r, flag in ((0.9199, ""), (0.9201, "冗余")):
        y = r * x + np.sqrt(1 - r**2) * e
        t = correlation_flags(np.column_stack([x, y]), ["x", "y"], ["D", "D"])
        assert t["r"].iloc[0] == pytest.approx(r)
        assert t["flag"].iloc[0] == flag


def test_effective_contribution_weighted_sum_by_hand() -> None:
    # z columns (0, 1, 2) and (0, 0, 3), w = (0.5, 0.5): S = (0, 0.5, 2.5)
    # cov(z1, S) = [(−1)(−1) + 0·(−0.5) + 1·1.5]/2 = 1.25; cov(z2, S) = [(−1)(−1)+(−1)(−0.5)+2·1.5]/2 = 2.25
    # var S = [1 + 0.25 + 2.25]/2 = 1.75 → variance shares 0.5·1.25/1.75 = 5/14, 0.5·2.25/1.75 = 9/14
    z = np.array([[0.0, 0.0], [1.0, 0.0], [2.0, 3.0]])
    w = np.array([0.5, 0.5])
    t = effective_contribution(z, w, z @ w, ["p", "q"])
    np.testing.assert_allclose(t["variance_share"], [5 / 14, 9 / 14])
    # r(z1,S) = 1.25/(1·√1.75); r(z2,S) = 2.25/(√3·√1.75)
    r = np.array([1.25 / np.sqrt(1.75), 2.25 / np.sqrt(3 * 1.75)])
    np.testing.assert_allclose(t["r"], r)
    np.testing.assert_allclose(t["importance_share"], r**2 / (r**2).sum())


# ---------------------------------------------------------------- Monte Carlo
def test_monte_carlo_fixed_choices_reproduce_the_engine() -> None:
    df = _data()
    for agg in ("weighted-sum", "topsis", "grey"):
        ref = evaluate(df, SYSTEM, weights="entropy", aggregate=agg)
        x = df[SYSTEM.codes].to_numpy()
        benefit = np.array([True, True, True, True, False])
        # only the weights "choice" varies between two identical levels: every run = reference
        mc = monte_carlo(
            x, benefit, ref.rank, weights=("entropy", "entropy"), aggregations=(agg,), n=16
        )
        assert (mc.ranks == ref.rank[:, None]).all()
        assert (mc.shift == 0).all()


def test_inert_choice_has_zero_sobol_indices() -> None:
    # complete data: mean and median imputation give the same matrix, so the imputation choice
    # provably does not matter and f(A_B) = f(A) row by row → S1 = ST = 0 exactly
    df = _data()
    x = df[SYSTEM.codes].to_numpy()
    ref = evaluate(df, SYSTEM)
    mc = monte_carlo(
        x,
        np.array([True, True, True, True, False]),
        ref.rank,
        imputations=("mean", "median"),
        weights=("entropy", "equal"),
        aggregations=("weighted-sum", "topsis"),
        n=64,
    )
    s = mc.sobol.set_index("choice")
    assert s.loc["imputation", "S1"] == 0.0 and s.loc["imputation", "ST"] == 0.0
    assert s.loc["weights", "ST"] > 0.05


def test_monte_carlo_new_aggregations_reproduce_the_engine() -> None:
    """Geometric and harmonic means (on min–max + 0.01: the engine's ``shift=0.01``, what
    ``positive_matrix`` does to a min–max column), VIKOR (v = 0.5) and PROMETHEE II (usual):
    with every choice fixed, each Monte Carlo run ranks the units as the engine does."""
    df = _data()
    x = df[SYSTEM.codes].to_numpy()
    benefit = np.array([True, True, True, True, False])
    for agg, extra in (
        ("geometric", {"shift": 0.01}),
        ("harmonic", {"shift": 0.01}),
        ("vikor", {}),
        ("promethee", {}),
    ):
        # equal weights: the engine's entropy runs on the shifted matrix, the audit's on min–max
        ref = evaluate(df, SYSTEM, weights="equal", aggregate=agg, **extra)
        mc = monte_carlo(x, benefit, ref.rank, weights=("equal", "equal"), aggregations=(agg,), n=8)
        expected = ref.rank
        if agg == "promethee":  # tied flows (sums of counts): order ties by unit, as the audit
            expected = _rank_desc(np.round(ref.score, 12)[:, None])[:, 0]
        assert (mc.ranks == expected[:, None]).all(), agg


def test_positive_matrix_by_hand() -> None:
    from xinzhi.evaluate.audit import positive_matrix

    # z-scores (-1, 0, 1): range 2, minimum -1 → moved by 0.01·2 + 1 = 1.02 → (0.02, 1.02, 2.02);
    # a constant column 0 → 1; a positive column stays
    z = np.array([[-1.0, 0.0, 3.0], [0.0, 0.0, 1.0], [1.0, 0.0, 2.0]])
    np.testing.assert_allclose(
        positive_matrix(z), [[0.02, 1.0, 3.0], [1.02, 1.0, 1.0], [2.02, 1.0, 2.0]], atol=1e-15
    )


def test_inert_choice_is_zero_with_the_new_aggregations() -> None:
    # complete data: mean = median imputation, so that choice cannot matter (S1 = ST = 0)
    # while the aggregation (geometric, harmonic, VIKOR, PROMETHEE) does
    df = _data()
    x = df[SYSTEM.codes].to_numpy()
    ref = evaluate(df, SYSTEM)
    mc = monte_carlo(
        x,
        np.array([True, True, True, True, False]),
        ref.rank,
        imputations=("mean", "median"),
        aggregations=("geometric", "harmonic", "vikor", "promethee"),
        pct=0.25,
        n=64,
    )
    s = mc.sobol.set_index("choice")
    assert s.loc["imputation", "S1"] == 0.0 and s.loc["imputation", "ST"] == 0.0
    assert s.loc["aggregate", "ST"] > 0.05


def test_monte_carlo_validates_levels() -> None:
    x = _data()[SYSTEM.codes].to_numpy()
    with pytest.raises(InputError, match="normalization"):
        monte_carlo(x, np.ones(5, bool), np.arange(1, 61), normalizations=("bogus",))
    with pytest.raises(InputError, match="copeland"):  # O(n² m) per run: not offered
        monte_carlo(x, np.ones(5, bool), np.arange(1, 61), aggregations=("copeland", "topsis"))
    with pytest.raises(InputError, match="没有可变的方法选择"):
        monte_carlo(x, np.ones(5, bool), np.arange(1, 61))


# ---------------------------------------------------------------- the whole audit
def test_audit_result_tables_and_summary(tmp_path) -> None:  # type: ignore[no-untyped-def]
    df = _data()
    df.loc[3, "d"] = np.nan
    res = audit(df, SYSTEM, n=32, weights=("entropy", "equal"), aggregations=("weighted-sum",))
    assert list(res.tables()) == [
        "指标统计",
        "相关系数",
        "指标与维度相关",
        "克朗巴赫系数",
        "主成分",
        "有效贡献",
        "排名区间",
        "敏感性指数",
    ]
    # missing data → imputation is a choice of the Monte Carlo (mean, median)
    assert set(res.sensitivity["choice"]) == {
        "imputation",
        "normalization",
        "weights",
        "perturbation",
    }  # type: ignore[index]
    assert res.mc_settings["runs"] == 32 * (4 + 2)
    ri = res.rank_intervals
    assert ri is not None and len(ri) == 60
    assert ((ri["rank_p05"] <= ri["rank_median"]) & (ri["rank_median"] <= ri["rank_p95"])).all()
    # dimension A's α on the reference normalised matrix, by the formula
    z = evaluate(df, SYSTEM, missing="mean").normalized[:, :3]
    assert res.cronbach.set_index("dimension").loc["A", "alpha"] == pytest.approx(cronbach_alpha(z))
    text = res.summary()
    assert "克朗巴赫 α" in text and "敏感性（总 Sobol 指数）" in text
    path = tmp_path / "audit.xlsx"
    res.to_excel(path)
    sheets = pd.ExcelFile(path, engine="openpyxl").sheet_names
    assert "敏感性指数" in sheets and "指标统计" in sheets
    assert res.rank_interval_svg().startswith("<svg")
    assert len(res.chart_data()) == 60
    tidy = res.tidy()
    assert list(tidy["indicator"]) == SYSTEM.codes


def test_audit_picks_latest_year_and_rejects_absent_year() -> None:
    df = pd.concat([_data().assign(year=2020), _data(seed=5).assign(year=2021)])
    res = audit(df, SYSTEM, uncertainty=False)
    assert res.year == 2021 and res.rank_intervals is None
    assert int(res.stats["n"].iloc[0]) == 60
    with pytest.raises(InputError, match="2019"):
        audit(df, SYSTEM, year=2019, uncertainty=False)
