"""Causal evaluation of county pilots: the estimators of :mod:`xinzhi.causal` run on a user's
panel file (CLI ``xinzhi causal did|cs|sc|sdid``) or on a panel assembled from the warehouse
(an indicator or an evaluation score, the pilot table imported by ``xinzhi causal pilots-import``).
"""

from __future__ import annotations

import os
from typing import Any, Literal

import duckdb
import pandas as pd

from xinzhi import store
from xinzhi.causal.cs import CSResult, callaway_santanna
from xinzhi.causal.robustness import (
    CheckResult,
    PlaceboTimingResult,
    compare_estimators,
    placebo_timing,
    randomization_inference,
)
from xinzhi.causal.sc import SCResult, synthetic_control
from xinzhi.causal.sdid import SDIDResult, sdid
from xinzhi.causal.twfe import DiDResult, did
from xinzhi.errors import InputError, XinzhiError
from xinzhi.ingest.pilots import import_pilots
from xinzhi.ingest.report import ImportReport
from xinzhi.pipelines.user_tables import read_user_table
from xinzhi.regions.harmonise import harmonise_codes
from xinzhi.registry import causal as decl
from xinzhi.store.pilots import read_pilots

__all__ = [
    "checks_file",
    "cs_file",
    "did_file",
    "import_pilot_file",
    "pilot_effect",
    "pilot_panel",
    "sc_file",
    "sdid_file",
]

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


def checks_file(
    path: PathLike,
    *,
    unit: str,
    time: str,
    cohort: str,
    outcome: str,
    permutations: int = 999,
    shift: int = 2,
    seed: int | None = 0,
) -> CheckResult:
    """The comparison of estimators, randomisation inference and the placebo-timing test on
    the long panel in ``path``."""
    df = read_user_table(path, text_columns=[unit])
    kw: dict[str, Any] = {"unit": unit, "time": time, "cohort": cohort, "outcome": outcome}
    comp = compare_estimators(df, **kw)
    ri = randomization_inference(df, permutations=permutations, seed=seed, **kw)
    notes: list[str] = []
    try:
        pt: PlaceboTimingResult | None = placebo_timing(df, shift=shift, **kw)
    except XinzhiError as exc:
        pt = None
        notes.append(f"安慰剂时点检验未做：{exc}")
    return CheckResult(comparison=comp, ri=ri, placebo=pt, notes=notes)


# ------------------------------------------------------------------ warehouse: pilots, panels
def import_pilot_file(
    path: PathLike,
    *,
    policy: str | None = None,
    source: str | None = None,
    sheet: str | None = None,
    db: PathLike | None = None,
) -> ImportReport:
    """Load a pilot list (county, policy, start year) into the warehouse table ``pilots``
    (:func:`xinzhi.ingest.pilots.import_pilots`): rows read = loaded + quarantined (reason)
    + skipped (reason)."""
    return import_pilots(path, policy=policy, source=source, sheet=sheet, db=db)


def _outcome_long(
    con: duckdb.DuckDBPyConnection,
    indicator: str | None,
    evaluation: str | None,
    dimension: str | None,
) -> tuple[pd.DataFrame, str, list[str]]:
    """(region_code, year, value) of the outcome with codes carried to the panel's last year,
    the outcome's label and notes."""
    from xinzhi.pipelines.stored import evaluation_panel

    notes: list[str] = []
    if (indicator is None) == (evaluation is None):
        raise InputError(
            "结果变量须且只须指定一个：指标编码（indicator）或已存评价名称（evaluation）"
        )
    if indicator is not None:
        long = store.read_long(con, [indicator], level="county")
        if long.empty:
            raise InputError(
                f"数据仓库中没有指标 {indicator} 的县级观测值（先用 xinzhi import 导入）"
            )
        history = store.read_region_history(con)
        if not history.empty:
            res = harmonise_codes(long, history, int(long["year"].max()))
            if len(res.dropped):
                n = res.dropped[["region_code", "year"]].drop_duplicates().shape[0]
                notes.append(f"区划调整：{n} 个县·年（合并或拆分的单位）未纳入面板")
            long = res.data.drop(columns=["source_code"], errors="ignore")
            long = long.drop_duplicates(["region_code", "year"])
        return long[["region_code", "year", "value"]], indicator, notes
    panel = evaluation_panel(str(evaluation), con=con, harmonise_to="latest")
    col = "score" if dimension is None else f"dim:{dimension}"
    if col not in panel.columns:
        dims = [c[4:] for c in panel.columns if c.startswith("dim:")]
        raise InputError(f"评价 {evaluation} 没有维度 {dimension}（可选：{'、'.join(dims)}）")
    if panel.attrs.get("harmonise"):
        notes.append(str(panel.attrs["harmonise"]))
    out = panel.rename(columns={"unit": "region_code", col: "value"})
    label = f"{evaluation}:{'综合得分' if dimension is None else dimension}"
    return out[["region_code", "year", "value"]], label, notes


def pilot_panel(
    con: duckdb.DuckDBPyConnection,
    *,
    policy: str,
    indicator: str | None = None,
    evaluation: str | None = None,
    dimension: str | None = None,
) -> tuple[pd.DataFrame, str, list[str]]:
    """County × year panel of an outcome with the pilot cohort of ``policy``.

    The outcome is an indicator of ``current_observations`` or the score (or one dimension) of a
    stored evaluation; codes are carried to those of the panel's last year (renamed counties
    are one unit; merged and split ones left out), the pilots' codes too (read as of their start
    year). Columns ``region_code, year, outcome, cohort`` (first treated year, 0 = never).
    Returns the panel, the outcome's label and Chinese notes.
    """
    pil = read_pilots(con, policy)
    if pil.empty:
        known = read_pilots(con)["policy"].unique().tolist()
        hint = (
            f"（已导入：{'、'.join(known)}）"
            if known
            else "（先用 xinzhi causal pilots-import 导入试点名单）"
        )
        raise InputError(f"数据仓库中没有政策“{policy}”的试点名单{hint}")
    long, label, notes = _outcome_long(con, indicator, evaluation, dimension)
    last = int(long["year"].max())
    history = store.read_region_history(con)
    if not history.empty:  # a current code as of the last year, else as of the start year
        res = harmonise_codes(pil.assign(year=last), history, last)
        pil_now = res.data.drop(columns=["source_code"], errors="ignore")
        rest = pil[pil["region_code"].isin(set(res.dropped["region_code"]))]
        parts = [pil_now]
        if not rest.empty:
            res2 = harmonise_codes(
                rest.assign(year=rest["start_year"].clip(upper=last)), history, last
            )
            parts.append(res2.data.drop(columns=["source_code"], errors="ignore"))
            if len(res2.dropped):
                notes.append(
                    f"{len(res2.dropped)} 个试点县已合并或拆分，无法对应到 {last} 年区划，未纳入"
                )
        pil = pd.concat(parts, ignore_index=True)
    cohort = pil.groupby("region_code")["start_year"].min()
    panel = long.rename(columns={"value": "outcome"})
    panel["cohort"] = panel["region_code"].map(cohort).fillna(0).astype("int64")
    missing = sorted(set(cohort.index) - set(panel["region_code"]))
    if missing:
        notes.append(f"{len(missing)} 个试点县没有结果变量数据：{'、'.join(missing[:5])}")
    return panel.reset_index(drop=True), label, notes


def pilot_effect(
    con: duckdb.DuckDBPyConnection,
    *,
    policy: str,
    estimator: str = decl.PILOT_EFFECT.default("estimator"),
    indicator: str | None = None,
    evaluation: str | None = None,
    dimension: str | None = None,
    control: str = decl.PILOT_EFFECT.default("control"),
    leads: int = decl.PILOT_EFFECT.default("leads"),
    lags: int = decl.PILOT_EFFECT.default("lags"),
    data_dir: PathLike | None = None,
) -> Any:
    """Effect of pilot ``policy`` on an outcome of the warehouse by the chosen estimator
    (``did``: TWFE + event study, ``cs``: Callaway–Sant'Anna, ``sc``: synthetic control of the
    one pilot county, ``sdid``: synthetic DiD, ``compare``: all side by side)."""
    opts = decl.PILOT_EFFECT.resolve(
        {
            "policy": policy,
            "estimator": estimator,
            "indicator": indicator,
            "evaluation": evaluation,
            "dimension": dimension,
            "control": control,
            "leads": leads,
            "lags": lags,
        }
    )
    panel, label, notes = pilot_panel(
        con,
        policy=opts["policy"],
        indicator=opts["indicator"],
        evaluation=opts["evaluation"],
        dimension=opts["dimension"],
    )
    kw: dict[str, Any] = {"unit": "region_code", "time": "year", "outcome": "outcome"}
    est = opts["estimator"]
    res: Any
    if est == "cs":
        res = callaway_santanna(panel, cohort="cohort", control=opts["control"], **kw)
    elif est == "did":
        res = did(panel, cohort="cohort", leads=opts["leads"], lags=opts["lags"], **kw)
    elif est == "sdid":
        res = sdid(panel, cohort="cohort", **kw)
    elif est == "compare":
        res = compare_estimators(panel, cohort="cohort", **kw)
    else:
        treated = panel.loc[panel["cohort"] > 0, ["region_code", "cohort"]].drop_duplicates()
        if len(treated) != 1:
            raise InputError(
                f"合成控制需要恰好 1 个试点县，政策“{opts['policy']}”有 {len(treated)} 个；"
                "请用 cs / did / sdid"
            )
        donors = panel.loc[panel["cohort"] == 0, "region_code"].unique().tolist()
        res = synthetic_control(
            panel,
            treated=str(treated["region_code"].iloc[0]),
            treat_time=int(treated["cohort"].iloc[0]),
            donors=donors,
            **kw,
        )
    res.notes = [*notes, f"政策：{opts['policy']}；结果变量：{label}", *res.notes]
    return res
