"""Randomisation inference, placebo timing and the comparison table."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from xinzhi.causal.robustness import (
    compare_estimators,
    placebo_timing,
    randomization_inference,
)
from xinzhi.causal.twfe import twfe
from xinzhi.errors import ComputationError, InputError


def _sim(
    seed: int, effect: float, n: int = 120, cohorts: tuple[int, ...] = (2006, 2008)
) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    g = rng.choice([*cohorts, 0, 0], size=n)
    years = np.arange(2001, 2011)
    t = np.tile(years, n)
    gg = np.repeat(g, len(years))
    y = (
        np.repeat(rng.normal(0, 1, n), len(years))
        + 0.1 * (t - 2000)
        + effect * ((gg > 0) & (t >= gg))
        + rng.normal(0, 0.5, n * len(years))
    )
    return pd.DataFrame({"u": np.repeat(np.arange(n), len(years)), "t": t, "g": gg, "y": y})


def test_ri_estimate_equals_twfe() -> None:
    """The FWL shortcut gives pyfixest's TWFE coefficient on a balanced panel."""
    df = _sim(1, 0.7)
    ri = randomization_inference(df, unit="u", time="t", cohort="g", outcome="y", permutations=199)
    tw = twfe(df, unit="u", time="t", cohort="g", outcome="y")
    assert ri.estimate == pytest.approx(tw.estimate, abs=1e-10)
    assert ri.pvalue == pytest.approx(1 / 200)  # no permutation reaches a 0.7 effect
    assert len(ri.permuted) == 199


def test_ri_hand_example() -> None:
    """Three units, two periods; unit 1 treated in period 2. β = (3 − 0) − (1 + 1)/2 = 2.
    Permutations put the treatment on unit 2 (β = (1 − 0) − ((3 + 1)/2) = −1) or unit 3
    (β = 1 − (3 + 1)/2 = −1) or keep unit 1 (β = 2): |β_b| ≥ 2 only when unit 1 is treated."""
    df = pd.DataFrame(
        {
            "u": [1, 1, 2, 2, 3, 3],
            "t": [1, 2] * 3,
            "g": [2, 2, 0, 0, 0, 0],
            "y": [0.0, 3.0, 0.0, 1.0, 1.0, 2.0],
        }
    )
    ri = randomization_inference(
        df, unit="u", time="t", cohort="g", outcome="y", permutations=300, seed=1
    )
    assert ri.estimate == pytest.approx(2.0)
    assert set(np.round(ri.permuted, 10)) == {2.0, -1.0}
    share = (np.abs(ri.permuted) >= 2 - 1e-9).sum()  # 2 up to rounding
    assert ri.pvalue == pytest.approx((1 + share) / 301)
    assert 0.25 < ri.pvalue < 0.42  # one in three permutations keep unit 1


def test_ri_no_effect_not_significant() -> None:
    hits = sum(
        randomization_inference(
            _sim(40 + s, 0.0), unit="u", time="t", cohort="g", outcome="y", permutations=199, seed=s
        ).pvalue
        < 0.05
        for s in range(10)
    )
    assert hits <= 2


def test_placebo_timing() -> None:
    """Effect 1.0 from 2006/2008; years 2001–2005 only, adoption moved 2 years earlier: the
    fake ATT is ~0 (within 3 se) and the window is 2001–2005."""
    pt = placebo_timing(_sim(3, 1.0, n=300), unit="u", time="t", cohort="g", outcome="y", shift=2)
    att, se = pt.result.overall("simple")
    assert pt.window == (2001, 2005)
    assert abs(att) < 3 * se
    assert "安慰剂时点" in pt.summary()
    with pytest.raises(ComputationError, match="不足"):
        placebo_timing(_sim(3, 1.0), unit="u", time="t", cohort="g", outcome="y", shift=8)
    with pytest.raises(InputError, match="shift"):
        placebo_timing(_sim(3, 1.0), unit="u", time="t", cohort="g", outcome="y", shift=0)


def test_compare_staggered_and_single() -> None:
    c = compare_estimators(_sim(5, 0.5), unit="u", time="t", cohort="g", outcome="y")
    t = c.tidy().set_index("estimator")
    assert abs(t.loc["TWFE", "estimate"] - 0.5) < 3 * t.loc["TWFE", "se"]
    # staggered SDID: cohorts averaged, covers the effect
    assert abs(t.loc["合成双重差分 SDID", "estimate"] - 0.5) < 3 * t.loc["合成双重差分 SDID", "se"]
    assert "恰好 1 个" in t.loc["合成控制 SC", "note"]
    # one treated unit: SDID (placebo variance) and SC are both estimated
    df = _sim(6, 2.0, n=30, cohorts=(2007,))
    first = df.loc[df["g"] > 0, "u"].iloc[0]
    one = df[(df["g"] == 0) | (df["u"] == first)]
    c1 = (
        compare_estimators(one, unit="u", time="t", cohort="g", outcome="y")
        .tidy()
        .set_index("estimator")
    )
    assert np.isfinite(c1.loc["合成控制 SC", "estimate"])
    assert (
        abs(c1.loc["合成双重差分 SDID", "estimate"] - 2.0) < 3 * c1.loc["合成双重差分 SDID", "se"]
    )
