"""Causal evaluation of county pilots: the estimators of :mod:`xinzhi.causal` run on a user's
panel file (CLI ``xinzhi causal did|cs|sc|sdid``) or on a panel assembled from the warehouse
(an indicator or an evaluation score, the pilot table imported by ``xinzhi causal pilots-import``).
"""

from __future__ import annotations

import os
from typing import Literal

from xinzhi.causal.cs import CSResult, callaway_santanna
from xinzhi.causal.sc import SCResult, synthetic_control
from xinzhi.causal.sdid import SDIDResult, sdid
from xinzhi.causal.twfe import DiDResult, did
from xinzhi.pipelines.user_tables import read_user_table

__all__ = ["cs_file", "did_file", "sc_file", "sdid_file"]

PathLike = str | os.PathLike[str]


def cs_file(
    path: PathLike,
    *,
    unit: str,
    time: str,
    cohort: str,
    outcome: str,
    control: Literal["never", "notyet"] = "never",
    bootstrap: int = 0,
    seed: int | None = None,
) -> CSResult:
    """Callaway–Sant'Anna on the long panel in ``path`` (csv / xlsx / parquet)."""
    df = read_user_table(path, text_columns=[unit])
    return callaway_santanna(
        df,
        unit=unit,
        time=time,
        cohort=cohort,
        outcome=outcome,
        control=control,
        bootstrap=bootstrap,
        seed=seed,
    )


def did_file(
    path: PathLike,
    *,
    unit: str,
    time: str,
    outcome: str,
    cohort: str | None = None,
    treat: str | None = None,
    leads: int = 4,
    lags: int = 4,
) -> DiDResult:
    """TWFE (and the event study when ``cohort`` is given) on the long panel in ``path``."""
    df = read_user_table(path, text_columns=[unit])
    return did(
        df,
        unit=unit,
        time=time,
        outcome=outcome,
        cohort=cohort,
        treat=treat,
        leads=leads,
        lags=lags,
    )


def sc_file(
    path: PathLike,
    *,
    unit: str,
    time: str,
    outcome: str,
    treated: str,
    treat_time: int,
    donors: list[str] | None = None,
    predictors: list[str] | None = None,
    placebo: bool = True,
    leave_one_out: bool = True,
    refit: bool = False,
) -> SCResult:
    """Synthetic control of unit ``treated`` on the long panel in ``path``."""
    df = read_user_table(path, text_columns=[unit])
    return synthetic_control(
        df,
        unit=unit,
        time=time,
        outcome=outcome,
        treated=treated,
        treat_time=treat_time,
        donors=donors,
        predictors=predictors or (),
        placebo=placebo,
        leave_one_out=leave_one_out,
        refit=refit,
    )


def sdid_file(
    path: PathLike,
    *,
    unit: str,
    time: str,
    outcome: str,
    cohort: str,
    variance: str | None = None,
    replications: int = 200,
    seed: int | None = 0,
) -> SDIDResult:
    """Synthetic DiD on the long panel in ``path`` (one adoption year)."""
    df = read_user_table(path, text_columns=[unit])
    return sdid(
        df,
        unit=unit,
        time=time,
        outcome=outcome,
        cohort=cohort,
        variance=variance,
        replications=replications,
        seed=seed,
    )
