"""Three-tier map on a hand-built 5 × 4 example (exact tiers and densities worked out by hand)
and invariants on random matrices (hypothesis)."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xinzhi.errors import InputError
from xinzhi.industry.tiers import TierOptions, industry_tiers

# Column totals are 125 for every industry, so the reference shares are all 0.25 and
# RCA = 4 × share. M (RCA ≥ 1):  c1 1000 / c2 1100 / c3 0110 / c4 0011 / c5 0011.
X = pd.DataFrame(
    [[55, 20, 15, 10], [30, 40, 10, 20], [10, 30, 40, 20], [15, 15, 30, 40], [15, 20, 30, 35]],
    index=["c1", "c2", "c3", "c4", "c5"],
    columns=["p1", "p2", "p3", "p4"],
    dtype=float,
)
# p3 supplies p1 (upstream, 0.30); p4 buys p1's output (downstream, 0.20); p2 weakly linked.
LINKS = pd.DataFrame(
    {
        "supplier": ["p3", "p1", "p2", "p1"],
        "buyer": ["p1", "p4", "p1", "p2"],
        "requirement": [0.30, 0.0, 0.01, 0.0],
        "allocation": [0.0, 0.20, 0.0, 0.02],
    }
)
NAMES = {"p1": "甲", "p2": "乙", "p3": "丙", "p4": "丁"}


def _run(**kw: object) -> pd.DataFrame:
    opts = TierOptions(exclude=(), potential_density_quantile=0.75, **kw)  # type: ignore[arg-type]
    return industry_tiers(X, "c1", links=LINKS, names=NAMES, options=opts).tidy()


def test_exact_tiers_and_values() -> None:
    t = _run().set_index("industry")
    # RCA = 4 × share
    np.testing.assert_allclose(t.loc[["p1", "p2", "p3", "p4"], "rca"], [2.2, 0.8, 0.6, 0.4])
    # density of c1 (stata proximity: phi12 = 1/2, phi23 = 1/3, phi34 = 2/3, diagonal 0):
    # p2: phi12 / (phi12 + phi32) = 0.5 / (5/6) = 0.6; others 0
    np.testing.assert_allclose(
        t.loc[["p1", "p2", "p3", "p4"], "density"], [0, 0.6, 0, 0], atol=1e-12
    )
    assert t.loc["p1", "tier"] == "主导"
    assert t.loc["p3", "tier"] == "配套"  # link 0.30, RCA 0.6 ≥ 0.5
    assert t.loc["p2", "tier"] == "潜力"  # RCA 0.8 < 1, density 0.6 ≥ cut 0.15
    assert t.loc["p4", "tier"] == ""
    assert bool(t.loc["p4", "supporting_gap"])  # linked (0.20) but RCA 0.4 < 0.5
    assert t.loc["p3", "link"] == pytest.approx(0.30)
    assert t.loc["p3", "link_direction"].startswith("上游")
    assert t.loc["p4", "link_direction"].startswith("下游")
    assert t.loc["p1", "quadrant"] == "优势但关联较弱（孤立优势）"
    assert t.loc["p2", "quadrant"] == "尚无优势但关联紧密（潜在机会）"


def test_density_cut_is_county_quantile() -> None:
    res = industry_tiers(
        X, "c1", links=LINKS, options=TierOptions(exclude=(), potential_density_quantile=0.75)
    )
    # quantile 0.75 of [0, 0, 0, 0.6] (linear) = 0.25 × 0.6
    assert res.density_cut == pytest.approx(0.15)
    assert res.leading() == ["p1"] and res.supporting() == ["p3"] and res.potential() == ["p2"]


def test_lead_share_threshold_and_top() -> None:
    t = _run(lead_min_share=0.6).set_index("industry")
    assert (t["tier"] != "主导").all()
    assert (t["tier"] != "配套").all()  # no leading industry, nothing to support
    res = industry_tiers(X, "c2", links=LINKS, options=TierOptions(exclude=(), lead_top=1))
    assert res.leading() == ["p2"]  # c2: p1 (RCA 1.2, 30%) and p2 (1.6, 40%): largest share
    res2 = industry_tiers(X, "c2", links=LINKS, options=TierOptions(exclude=()))
    assert res2.leading() == ["p2", "p1"]


def test_exclusion_and_support_rca_floor() -> None:
    t = _run(support_min_rca=0.7).set_index("industry")
    assert t.loc["p3", "tier"] != "配套" and bool(t.loc["p3", "supporting_gap"])
    res = industry_tiers(X, "c1", links=LINKS, options=TierOptions(exclude=("p1",)))
    assert res.leading() == [] and bool(res.tidy().set_index("industry").loc["p1", "excluded"])


def test_summary_and_excel(tmp_path: object) -> None:
    res = industry_tiers(
        X,
        "c1",
        links=LINKS,
        names=NAMES,
        options=TierOptions(exclude=(), potential_density_quantile=0.75),
    )
    text = res.summary()
    assert "【主导产业】" in text and "甲（p1）" in text and "RCA = 2.20" in text
    assert "配套缺口" in text and "丁" in text
    path = res.to_excel(tmp_path / "tiers.xlsx")  # type: ignore[operator]
    sheets = pd.read_excel(path, sheet_name=None, engine="calamine")
    assert set(sheets) == {"三级图谱", "全部行业", "象限图数据", "选项"}
    assert list(sheets["三级图谱"]["层级"]) == ["主导", "配套", "潜力"]


def test_bad_input() -> None:
    with pytest.raises(InputError):
        industry_tiers(X, "nowhere")
    bad = X.copy()
    bad.iloc[0, 0] = np.nan
    with pytest.raises(InputError):
        industry_tiers(bad, "c1")
    with pytest.raises(InputError):
        TierOptions(potential_by="eci")  # type: ignore[arg-type]


@settings(max_examples=40, deadline=None)
@given(
    data=st.lists(
        st.lists(st.integers(min_value=0, max_value=50), min_size=5, max_size=5),
        min_size=4,
        max_size=7,
    ),
    link_seed=st.integers(min_value=0, max_value=10_000),
)
def test_tier_invariants(data: list[list[int]], link_seed: int) -> None:
    x = pd.DataFrame(data, columns=[f"p{i}" for i in range(5)], dtype=float)
    x.index = [f"c{i}" for i in range(len(x))]
    x.iloc[:, 0] += 1  # every location and the first product have a positive total
    x.iloc[0] += 1
    rng = np.random.default_rng(link_seed)
    inds = [c for c in x.columns if x[c].sum() > 0]
    links = pd.DataFrame(
        [(a, b, rng.uniform(0, 0.3), rng.uniform(0, 0.3)) for a in inds for b in inds],
        columns=["supplier", "buyer", "requirement", "allocation"],
    )
    opts = TierOptions(exclude=())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t = industry_tiers(x, "c0", links=links, options=opts).tidy()
    assert t["industry"].is_unique  # a product is in at most one tier
    lead = t[t["tier"] == "主导"]
    assert (lead["rca"] >= opts.lead_rca).all() and (lead["share"] >= opts.lead_min_share).all()
    assert len(lead) <= opts.lead_top
    sup = t[t["tier"] == "配套"]
    assert (sup["link"] >= opts.support_min_link).all() and (
        sup["rca"] >= opts.support_min_rca
    ).all()
    pot = t[t["tier"] == "潜力"]
    assert (pot["rca"] < 1).all()
    assert t.loc[t["supporting_gap"], "tier"].isin(["", "潜力"]).all()
    np.testing.assert_allclose(t["share"].sum(), 1.0)
