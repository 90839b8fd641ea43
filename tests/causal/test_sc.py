"""Synthetic control on the Basque data of Abadie & Gardeazabal (2003) (replication-causal-basque):
the classic donor weights with the optimiser pinned, the placebo-in-space p-value, leave-one-out."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from xinzhi import datasets
from xinzhi.causal.sc import SCResult, synthetic_control
from xinzhi.errors import ComputationError, InputError

BASQUE = "Basque Country (Pais Vasco)"
SECTORS = [
    "sec.agriculture",
    "sec.energy",
    "sec.industry",
    "sec.construction",
    "sec.services.venta",
    "sec.services.nonventa",
]


@pytest.fixture(scope="module")
def basque(data_dir: Path) -> pd.DataFrame:
    return pd.read_csv(datasets.path("replication-causal-basque", "basque.csv", data_dir=data_dir))


@pytest.fixture(scope="module")
def classic(basque: pd.DataFrame) -> SCResult:
    """The study's specification (predictors 1964–69 means, GDP 1960–69, sectors in odd years,
    density 1969; V chosen on 1960–69) with Nelder–Mead from equal V, maxiter 1000; donors are
    the 16 other regions and Spain as in the R Synth example."""
    return synthetic_control(
        basque,
        unit="regionname",
        time="year",
        outcome="gdpcap",
        treated=BASQUE,
        treat_time=1970,
        predictors=[
            "school.illit",
            "school.prim",
            "school.med",
            "school.high",
            "school.post.high",
            "invest",
        ],
        predictor_window=range(1964, 1970),
        special_predictors=[("gdpcap", range(1960, 1970), "mean")]
        + [(c, range(1961, 1970, 2), "mean") for c in SECTORS]
        + [("popdens", [1969], "mean")],
        optimize_window=range(1960, 1970),
        optim_method="Nelder-Mead",
        optim_initial="equal",
        maxiter=1000,
    )


@pytest.mark.slow
def test_classic_weights(classic: SCResult) -> None:
    w = classic.weights
    assert round(w["Cataluna"], 3) == 0.851
    assert round(w["Madrid (Comunidad De)"], 3) == 0.149
    assert w.drop(["Cataluna", "Madrid (Comunidad De)"]).max() < 1e-3
    assert w.sum() == pytest.approx(1.0)


@pytest.mark.slow
def test_classic_fit_and_placebo(classic: SCResult) -> None:
    path = classic.path.set_index("time")
    # gap = treated − synthetic, by definition, every year
    assert (path["gap"] - (path["treated"] - path["synthetic"])).abs().max() < 1e-12
    pre = path.loc[:1969, "gap"]
    assert classic.pre_rmspe == pytest.approx(float((pre**2).mean() ** 0.5))
    assert classic.pre_rmspe < 0.1 and classic.att < 0  # close pre-fit, GDP loss afterwards
    # 18 units (Basque + 17 donors); the Basque ratio post/pre RMSPE is the largest → p = 1/18
    assert len(classic.placebos) == 18
    assert classic.placebos["ratio"].iloc[0] == classic.placebos["ratio"].max()
    assert classic.pvalue == pytest.approx(1 / 18)
    assert sorted(classic.leave_one_out["dropped"]) == ["Cataluna", "Madrid (Comunidad De)"]
    assert "Cataluna 0.851" in classic.summary()


def test_outcome_lags_default(basque: pd.DataFrame) -> None:
    """Without predictors the pre-period outcomes are the predictors (equal V); a donor pool
    of three regions, no checks."""
    donors = ["Cataluna", "Madrid (Comunidad De)", "Andalucia"]
    r = synthetic_control(
        basque,
        unit="regionname",
        time="year",
        outcome="gdpcap",
        treated=BASQUE,
        treat_time=1970,
        donors=donors,
        placebo=False,
        leave_one_out=False,
    )
    assert list(r.weights.index) == donors and r.weights.sum() == pytest.approx(1.0)
    assert r.placebos.empty and r.leave_one_out.empty and r.pvalue != r.pvalue  # NaN


def test_errors(basque: pd.DataFrame) -> None:
    kw = {"unit": "regionname", "time": "year", "outcome": "gdpcap"}
    with pytest.raises(InputError, match="不在"):
        synthetic_control(basque, treated="Atlantis", treat_time=1970, **kw)
    with pytest.raises(InputError, match="处理起始年"):
        synthetic_control(basque, treated=BASQUE, treat_time=1956, **kw)
    with pytest.raises(ComputationError, match="供体少于"):
        synthetic_control(basque, treated=BASQUE, treat_time=1970, donors=["Cataluna"], **kw)
