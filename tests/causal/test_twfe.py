"""TWFE and the event study: against a hand-computed 2×2 DiD, simulated panels with and
without an effect, and the pre-trend test."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from xinzhi.causal.twfe import event_study, twfe
from xinzhi.errors import ComputationError, InputError


def test_two_by_two_by_hand() -> None:
    """Treated units A, B; controls C, D; periods 0 (pre) and 1 (post).

    ȳ treated: pre (10 + 12)/2 = 11, post (15 + 19)/2 = 17 → +6;
    ȳ control: pre (8 + 6)/2 = 7, post (9 + 9)/2 = 9 → +2;
    DiD = 6 − 2 = 4.
    """
    df = pd.DataFrame(
        {
            "unit": list("AABBCCDD"),
            "year": [0, 1] * 4,
            "d": [0, 1, 0, 1, 0, 0, 0, 0],
            "y": [10.0, 15.0, 12.0, 19.0, 8.0, 9.0, 6.0, 9.0],
        }
    )
    r = twfe(df, unit="unit", time="year", treat="d", outcome="y")
    assert r.estimate == pytest.approx((17 - 11) - (9 - 7), abs=1e-10)
    assert r.n_obs == 8 and r.n_clusters == 4
    # the same from a cohort column (first treated year 1)
    df["g"] = [1, 1, 1, 1, 0, 0, 0, 0]
    r2 = twfe(df, unit="unit", time="year", cohort="g", outcome="y")
    assert r2.estimate == pytest.approx(4.0, abs=1e-10)
    assert "TWFE" in r.summary() and r.tidy()["estimate"].iloc[0] == pytest.approx(4.0)


def _sim(seed: int, effect: float, n: int = 200, pre_trend: float = 0.0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    g = rng.choice([2006, 0], size=n)
    years = np.arange(2001, 2011)
    t = np.tile(years, n)
    gg = np.repeat(g, len(years))
    y = (
        np.repeat(rng.normal(0, 1, n), len(years))
        + 0.2 * (t - 2000)
        + effect * ((gg > 0) & (t >= gg))
        + pre_trend * (gg > 0) * (t - 2000)
        + rng.normal(0, 0.5, n * len(years))
    )
    return pd.DataFrame({"u": np.repeat(np.arange(n), len(years)), "t": t, "g": gg, "y": y})


@pytest.mark.parametrize("seed", range(4))
def test_known_effect_and_none(seed: int) -> None:
    r = twfe(_sim(seed, 1.0), unit="u", time="t", cohort="g", outcome="y")
    assert r.ci[0] <= 1.0 <= r.ci[1] or abs(r.estimate - 1.0) < 3 * r.se
    assert r.pvalue < 0.001
    r0 = twfe(_sim(50 + seed, 0.0), unit="u", time="t", cohort="g", outcome="y")
    assert abs(r0.estimate) < 3 * r0.se


def test_no_effect_false_positives() -> None:
    hits = sum(
        twfe(_sim(200 + s, 0.0), unit="u", time="t", cohort="g", outcome="y").pvalue < 0.05
        for s in range(20)
    )
    assert hits <= 3  # expected 1 of 20


def test_event_study_lags_and_pretrend() -> None:
    e = event_study(
        _sim(7, 1.0, n=400), unit="u", time="t", cohort="g", outcome="y", leads=3, lags=3
    )
    tab = e.tidy().set_index("event")
    assert tab.index.tolist() == [-3, -2, -1, 0, 1, 2, 3]
    assert tab.loc[-1, "reference"] and tab.loc[-1, "estimate"] == 0.0
    for k in (0, 1, 2, 3):
        assert abs(tab.loc[k, "estimate"] - 1.0) < 3 * tab.loc[k, "se"]
    assert e.pretrend["df"] == 2 and e.pretrend["pvalue"] > 0.01
    # a differential pre-trend of 0.1 a year is detected
    bad = event_study(
        _sim(7, 1.0, n=400, pre_trend=0.1),
        unit="u",
        time="t",
        cohort="g",
        outcome="y",
        leads=3,
        lags=3,
    )
    assert bad.pretrend["pvalue"] < 0.001
    assert "Wald" in bad.summary()


def test_errors() -> None:
    df = _sim(1, 0.0, n=10)
    with pytest.raises(InputError, match="处理列"):
        twfe(df, unit="u", time="t", outcome="y")
    with pytest.raises(InputError, match="leads"):
        event_study(df, unit="u", time="t", cohort="g", outcome="y", leads=1)
    with pytest.raises(ComputationError, match="没有变化"):
        twfe(df.assign(g=0), unit="u", time="t", cohort="g", outcome="y")
    with pytest.raises(InputError, match="0/1"):
        twfe(df.assign(d=2), unit="u", time="t", treat="d", outcome="y")
