"""Rank correlation between method choices and Monte Carlo weight perturbation."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from xinzhi.evaluate import evaluate
from xinzhi.evaluate.robustness import compare_methods, rank_correlation, weight_perturbation
from xinzhi.indicators.system import IndicatorSystem

SYSTEM = IndicatorSystem.from_dict(
    {
        "name": "r",
        "dimensions": [
            {
                "name": "A",
                "indicators": [{"code": "a", "direction": "+"}, {"code": "b", "direction": "+"}],
            },
            {"name": "B", "indicators": [{"code": "c", "direction": "-"}]},
        ],
    }
)


def _data() -> pd.DataFrame:
    rng = np.random.default_rng(7)
    df = pd.DataFrame({"unit": [f"u{i}" for i in range(20)] * 2, "year": [2020] * 20 + [2021] * 20})
    for c in "abc":
        df[c] = rng.uniform(0, 1, 40)
    return df


def test_rank_correlation_literal() -> None:
    a = np.array([1.0, 2.0, 3.0, 4.0, 5.0])
    b = np.array([2.0, 1.0, 4.0, 3.0, 5.0])
    r = rank_correlation(a, b)
    assert r["spearman"] == pytest.approx(0.8)  # 1 − 6·4/(5·24)
    assert r["kendall"] == pytest.approx(0.6)  # (8 − 2)/10


def test_compare_methods() -> None:
    out = compare_methods(
        _data(),
        SYSTEM,
        {
            "entropy+topsis": {"weights": "entropy", "aggregate": "topsis"},
            "critic+sum": {"weights": "critic", "aggregate": "weighted-sum"},
            "equal+grey": {"weights": "equal", "aggregate": "grey"},
        },
    )
    assert len(out) == 3
    e = evaluate(_data(), SYSTEM, weights="entropy", aggregate="topsis").score
    c = evaluate(_data(), SYSTEM, weights="critic", aggregate="weighted-sum").score
    assert out.loc[0, "spearman"] == pytest.approx(stats.spearmanr(e, c).statistic)


def test_weight_perturbation_intervals() -> None:
    res = evaluate(_data(), SYSTEM, weights="entropy", aggregate="topsis")
    out = weight_perturbation(res, n_draws=200, pct=0.1, seed=1)
    assert len(out) == 40
    assert (out["rank_min"] <= out["rank_p05"]).all()
    assert (out["rank_p95"] <= out["rank_max"]).all()
    assert out["rank_max"].max() <= 20 and out["rank_min"].min() >= 1
    # the unperturbed rank is not itself a draw, so it need not lie in [min, max]; with seed 1
    # it does for all 40 unit-years (recorded 2026-12-04)
    inside = (out["rank"] >= out["rank_min"]) & (out["rank"] <= out["rank_max"])
    assert int(inside.sum()) == 40
    same = weight_perturbation(res, n_draws=200, pct=0.1, seed=1)
    pd.testing.assert_frame_equal(out, same)


def test_other_surfaces_of_result(tmp_path) -> None:  # type: ignore[no-untyped-def]
    res = evaluate(_data(), SYSTEM, weights="combined", combination="game", aggregate="grey")
    assert "game" in res.options_table()["value"].tolist()
    cc = res.coupling(form="wang-kong")
    assert cc["D"].between(0, 1).all() and cc["level"].notna().all()
    g = res.group_obstacles({f"u{i}": ("甲" if i < 10 else "乙") for i in range(20)})
    # dimension obstacles of a group-year sum to 1 (mean of rows that each sum to 1)
    assert np.allclose(g.groupby(["group", "year"])["obstacle"].sum(), 1.0)
    hier = evaluate(_data(), SYSTEM, weights="entropy", hierarchical=True)
    flat = evaluate(_data(), SYSTEM, weights="entropy")
    np.testing.assert_allclose(hier.score, flat.score)  # weighted sum: Σ_d W_d S_d = Σ_j w_j z_j
    assert "综合评价" in res.summary() and "<table" in res._repr_html_()
    p = res.to_excel(tmp_path / "r.xlsx")
    assert p.exists()


def test_per_year_scope_normalises_and_ranks_within_year() -> None:
    df = _data()
    res = evaluate(df, SYSTEM, scope="per-year", weights="equal", aggregate="topsis")
    z = res.normalized_table()
    for year, part in df.groupby("year"):
        a = (part["a"] - part["a"].min()) / (part["a"].max() - part["a"].min())
        c = (part["c"].max() - part["c"]) / (part["c"].max() - part["c"].min())
        got = z[z["year"] == year]
        np.testing.assert_allclose(got["a"], a)
        np.testing.assert_allclose(got["c"], c)
        assert sorted(res.scores().loc[got.index, "rank"]) == list(range(1, 21))
    # per-year TOPSIS closeness stays in [0, 1]
    assert res.scores()["score"].between(0, 1).all()
