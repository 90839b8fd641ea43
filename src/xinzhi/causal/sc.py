"""Synthetic control for one treated county, via pysyncon, with the usual checks.

Abadie, A. and Gardeazabal, J. (2003), "The Economic Costs of Conflict: A Case Study of the
Basque Country", *American Economic Review* 93(1), 113–132, doi:10.1257/000282803321455188;
Abadie, A., Diamond, A. and Hainmueller, J. (2010), "Synthetic Control Methods for Comparative
Case Studies", *JASA* 105(490), 493–505, doi:10.1198/jasa.2009.ap08746; Abadie (2021),
"Using Synthetic Controls", *JEL* 59(2), 391–425, doi:10.1257/jel.20191450.

Donor weights ``W`` (non-negative, summing to one) minimise the predictor distance
``(X_1 − X_0 W)' V (X_1 − X_0 W)`` for a diagonal ``V`` chosen (outer optimisation,
``optim_method`` / ``optim_initial`` pinned) to minimise the pre-period outcome fit
``‖Z_1 − Z_0 W‖² / T_0``. Predictors are rows of ``X`` (each standardised by its standard
deviation across units); without predictors the pre-period outcomes themselves are the
predictors with equal ``V`` (``W`` then minimises the pre-period fit directly).

Reported: weights, the path (treated, synthetic, gap ``Y_1t − Σ_j w_j Y_jt``), the pre- and
post-period RMSPE, the average post-period gap (ATT), the placebo-in-space p-value
``p = #{j : r_j ≥ r_1} / (J + 1)`` with ``r = RMSPE_post / RMSPE_pre`` over the treated unit
and the ``J`` donors each treated in turn (ADH 2010, §2.4; the treated unit is left out of the
placebo donor pools), and leave-one-out estimates dropping each donor with positive weight
(Abadie, Diamond & Hainmueller 2015, doi:10.1111/ajps.12116). By default placebo and
leave-one-out fits reuse the treated fit's ``V`` (``refit=True`` re-optimises each).

Tests: ``tests/causal/test_sc.py`` (Basque: Cataluña 0.851, Madrid 0.149); CLI ``xinzhi causal sc``.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from xinzhi.causal._panel import check_columns
from xinzhi.errors import ComputationError, InputError
from xinzhi.results import Result

__all__ = ["SCResult", "synthetic_control"]

Special = tuple[str, Sequence[int], str]


@dataclass(repr=False)
class SCResult(Result):
    """Weights, path, fit, placebo-in-space inference and leave-one-out of a synthetic control."""

    treated: str
    treat_time: int
    weights: pd.Series
    path: pd.DataFrame
    pre_rmspe: float
    post_rmspe: float
    att: float
    placebos: pd.DataFrame
    pvalue: float
    leave_one_out: pd.DataFrame
    options: dict[str, Any]
    notes: list[str] = field(default_factory=list)
    synthetic: bool = False

    headers: ClassVar[dict[str, str]] = {
        "unit": "单位",
        "weight": "权重",
        "time": "年份",
        "treated": "处理单位",
        "synthetic": "合成控制",
        "gap": "差值",
        "pre_rmspe": "处理前 RMSPE",
        "post_rmspe": "处理后 RMSPE",
        "ratio": "后/前 RMSPE 比",
        "att": "平均处理后差值",
        "is_treated": "是否处理单位",
        "dropped": "剔除的供体",
    }

    def tables(self) -> dict[str, pd.DataFrame]:
        w = self.weights.rename("weight").rename_axis("unit").reset_index()
        return {
            "权重": w.sort_values("weight", ascending=False, ignore_index=True),
            "路径": self.path.copy(),
            "安慰剂": self.placebos.copy(),
            "留一法": self.leave_one_out.copy(),
        }

    def summary(self) -> str:
        top = self.weights[self.weights > 0.001].sort_values(ascending=False)
        ws = "、".join(f"{k} {v:.3f}" for k, v in top.items())
        lines = [
            f"合成控制：处理单位 {self.treated}，处理起始 {self.treat_time} 年，结果变量 {self.options['outcome']}",
            f"  供体权重：{ws}",
            f"  处理前 RMSPE = {self.pre_rmspe:.4f}；处理后 RMSPE = {self.post_rmspe:.4f}",
            f"  处理后平均差值（ATT）= {self.att:.4f}",
        ]
        if not self.placebos.empty:
            lines.append(
                f"  空间安慰剂（{len(self.placebos) - 1} 个供体依次作处理单位）p 值 = {self.pvalue:.4f}"
                "（按处理后/处理前 RMSPE 比排序）"
            )
        if not self.leave_one_out.empty:
            lo, hi = self.leave_one_out["att"].min(), self.leave_one_out["att"].max()
            lines.append(f"  留一法 ATT 范围 [{lo:.4f}, {hi:.4f}]")
        lines.append("假设：处理前拟合良好、供体未受政策影响（无溢出）、处理单位在供体凸包内。")
        return self.labelled("\n".join(lines))


def _fit(
    df: pd.DataFrame,
    treated: str,
    donors: list[str],
    o: dict[str, Any],
    V: np.ndarray | None,
) -> tuple[np.ndarray, np.ndarray, pd.DataFrame, pd.Series]:
    """(W, V, Z0 all years, Z1 all years) of one synthetic control fit."""
    from pysyncon import Dataprep, Synth

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        dp = Dataprep(
            foo=df,
            predictors=list(o["predictors"]),
            predictors_op=o["predictors_op"],
            dependent=o["outcome"],
            unit_variable=o["unit"],
            time_variable=o["time"],
            treatment_identifier=treated,
            controls_identifier=donors,
            time_predictors_prior=list(o["predictor_window"]),
            time_optimize_ssr=list(o["optimize_window"]),
            special_predictors=[tuple(s) for s in o["special_predictors"]] or None,
        )
        s = Synth()
        if V is None:
            s.fit(
                dp,
                optim_method=o["optim_method"],
                optim_initial=o["optim_initial"],
                optim_options={"maxiter": o["maxiter"]},
            )
        else:
            s.fit(dp, custom_V=V)
        Z0, Z1 = dp.make_outcome_mats(time_period=o["years"])
    return np.asarray(s.W, dtype=float), np.asarray(s.V, dtype=float), Z0, Z1


def _stats(
    W: np.ndarray, Z0: pd.DataFrame, Z1: pd.Series, t0: int
) -> tuple[pd.Series, float, float, float]:
    synth = pd.Series(Z0.to_numpy() @ W, index=Z0.index)
    gap = Z1 - synth
    pre, post = gap[gap.index < t0], gap[gap.index >= t0]
    return (
        synth,
        float(np.sqrt((pre**2).mean())),
        float(np.sqrt((post**2).mean())),
        float(post.mean()),
    )


def synthetic_control(
    df: pd.DataFrame,
    *,
    unit: str,
    time: str,
    outcome: str,
    treated: str,
    treat_time: int,
    donors: Sequence[str] | None = None,
    predictors: Sequence[str] = (),
    predictors_op: str = "mean",
    predictor_window: Sequence[int] | None = None,
    special_predictors: Sequence[Special] = (),
    optimize_window: Sequence[int] | None = None,
    optim_method: str = "Nelder-Mead",
    optim_initial: str = "equal",
    maxiter: int = 1000,
    placebo: bool = True,
    leave_one_out: bool = True,
    refit: bool = False,
    synthetic: bool = False,
) -> SCResult:
    """Synthetic control of unit ``treated`` treated from ``treat_time`` on.

    Parameters
    ----------
    df
        Long panel (unit, time, outcome and the predictor columns).
    treated, treat_time
        The treated unit's label (value of ``unit``) and its first treated year.
    donors
        Donor pool (default: every other unit).
    predictors, predictors_op, predictor_window
        Predictor columns aggregated with ``predictors_op`` over ``predictor_window`` (default
        the pre-period).
    special_predictors
        ``(column, years, op)`` triples.
    optimize_window
        Years whose outcome fit chooses ``V`` (default the pre-period).
    optim_method, optim_initial, maxiter
        Outer optimiser of ``V`` (scipy ``minimize`` method, start ``equal`` | ``ols``).
    placebo, leave_one_out, refit
        Run the placebo-in-space and leave-one-out checks; ``refit`` re-optimises ``V`` in each.
    """
    check_columns(df, [unit, time, outcome, *predictors, *(s[0] for s in special_predictors)])
    d = df.copy()
    d[unit] = d[unit].astype(str)
    d[time] = pd.to_numeric(d[time], errors="coerce").astype("int64")
    treated = str(treated)
    units = sorted(d[unit].unique())
    if treated not in units:
        raise InputError(f"处理单位 {treated} 不在 {unit} 列中")
    pool = [str(u) for u in donors] if donors is not None else [u for u in units if u != treated]
    missing = sorted(set(pool) - set(units))
    if missing:
        raise InputError(f"供体不在数据中：{'、'.join(missing[:5])}")
    if treated in pool:
        raise InputError(f"处理单位 {treated} 不能同时是供体")
    if len(pool) < 2:
        raise ComputationError("供体少于 2 个，无法构造合成控制")
    years = sorted(int(y) for y in d[time].unique())
    pre_years = [y for y in years if y < treat_time]
    if len(pre_years) < 2 or treat_time > years[-1]:
        raise InputError(
            f"处理起始年 {treat_time} 须晚于样本首年至少 2 年且不晚于末年（样本 {years[0]}–{years[-1]}）"
        )
    d = d[d[unit].isin([treated, *pool])]
    wide = d.pivot_table(index=time, columns=unit, values=outcome)
    if wide.isna().any().any():
        raise InputError(f"{outcome} 在部分单位或年份缺失：合成控制需要平衡面板")
    spec = list(special_predictors)
    V0 = None
    if not predictors and not spec:  # outcomes of the pre-period as predictors, equal V
        spec = [(outcome, [y], "mean") for y in pre_years]
        V0 = np.full(len(spec), 1.0 / len(spec))
    o: dict[str, Any] = {
        "outcome": outcome,
        "unit": unit,
        "time": time,
        "predictors": list(predictors),
        "predictors_op": predictors_op,
        "predictor_window": list(predictor_window) if predictor_window is not None else pre_years,
        "special_predictors": spec,
        "optimize_window": list(optimize_window) if optimize_window is not None else pre_years,
        "optim_method": optim_method,
        "optim_initial": optim_initial,
        "maxiter": maxiter,
        "years": years,
    }
    W, V, Z0, Z1 = _fit(d, treated, pool, o, V0)
    synth, pre, post, att = _stats(W, Z0, Z1, treat_time)
    path = pd.DataFrame(
        {"time": Z1.index.astype(int), "treated": Z1.to_numpy(), "synthetic": synth.to_numpy()}
    )
    path["gap"] = path["treated"] - path["synthetic"]
    fixed_v = None if refit else V
    plac = pd.DataFrame()
    pvalue = np.nan
    if placebo:
        rows = [
            {"unit": treated, "is_treated": True, "pre_rmspe": pre, "post_rmspe": post, "att": att}
        ]
        for j in pool:
            others = [u for u in pool if u != j]
            Wj, _, Z0j, Z1j = _fit(d, j, others, o, fixed_v)
            _, pj, qj, aj = _stats(Wj, Z0j, Z1j, treat_time)
            rows.append(
                {"unit": j, "is_treated": False, "pre_rmspe": pj, "post_rmspe": qj, "att": aj}
            )
        plac = pd.DataFrame(rows)
        plac["ratio"] = plac["post_rmspe"] / plac["pre_rmspe"]
        r1 = plac["ratio"].iloc[0]
        pvalue = float((plac["ratio"] >= r1).sum() / len(plac))
    loo = pd.DataFrame()
    if leave_one_out:
        rows = []
        for j in [u for u, w in zip(pool, W, strict=True) if w > 1e-3]:
            others = [u for u in pool if u != j]
            if len(others) < 2:
                continue
            Wj, _, Z0j, Z1j = _fit(d, treated, others, o, fixed_v)
            _, pj, qj, aj = _stats(Wj, Z0j, Z1j, treat_time)
            rows.append({"dropped": j, "pre_rmspe": pj, "post_rmspe": qj, "att": aj})
        loo = pd.DataFrame(rows, columns=["dropped", "pre_rmspe", "post_rmspe", "att"])
    opts = {k: v for k, v in o.items() if k != "years"}
    opts.update(treated=treated, treat_time=treat_time, refit=refit, v=V.tolist())
    return SCResult(
        treated=treated,
        treat_time=int(treat_time),
        weights=pd.Series(W, index=pool, name="weight"),
        path=path,
        pre_rmspe=pre,
        post_rmspe=post,
        att=att,
        placebos=plac,
        pvalue=pvalue,
        leave_one_out=loo,
        options=opts,
        synthetic=synthetic,
    )
