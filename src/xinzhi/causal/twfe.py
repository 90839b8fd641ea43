"""Two-way fixed effects difference-in-differences and the event study, via pyfixest.

TWFE (static): :math:`y_{it} = \\alpha_i + \\lambda_t + \\beta D_{it} + \\varepsilon_{it}` with
:math:`D_{it} = 1\\{G_i > 0,\\ t \\ge G_i\\}` (``G`` the first treated year); standard errors
clustered by unit (CRV1 with the small-sample factor ``G/(G−1)·(N−1)/(N−K)``, Cameron & Miller
2015, doi:10.3368/jhr.50.2.317). With two periods and two groups ``β`` equals the 2×2 DiD
``(ȳ_T,post − ȳ_T,pre) − (ȳ_C,post − ȳ_C,pre)``. With staggered adoption and heterogeneous
effects ``β`` is a weighted average with possibly negative weights (Goodman-Bacon 2021,
doi:10.1016/j.jeconom.2021.03.014) — use :func:`xinzhi.causal.cs.callaway_santanna` then.

Event study: :math:`y_{it} = \\alpha_i + \\lambda_t + \\sum_{e \\ne -1} \\beta_e 1\\{t - G_i = e\\}
+ \\varepsilon_{it}` with leads ``e ≤ −2`` and lags ``e ≥ 0``; the end points are binned
(``e ≤ −leads`` and ``e ≥ lags``), never-treated units have all dummies 0, ``e = −1`` is the
reference. The joint pre-trend test is the Wald statistic
:math:`W = \\hat\\beta_{pre}' \\hat V_{pre}^{-1} \\hat\\beta_{pre}` on the leads, χ² with as many
degrees of freedom (the F form ``W / q`` is reported too); Freyaldenhoven, Hansen & Shapiro
(2019), doi:10.1257/aer.20180609; Roth (2022), doi:10.1257/aeri.20210236, on its low power.

CLI: ``xinzhi causal did``; docs: ``docs/causal.md``; tests: ``tests/causal/test_twfe.py``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np
import pandas as pd
from scipy import stats

from xinzhi.causal._panel import check_columns, cohorts_of
from xinzhi.errors import ComputationError, InputError
from xinzhi.results import Result

__all__ = ["DiDResult", "EventStudyResult", "TWFEResult", "did", "event_study", "twfe"]


def _frame(
    df: pd.DataFrame, unit: str, time: str, outcome: str, cohort: str | None, treat: str | None
) -> pd.DataFrame:
    cols = [unit, time, outcome] + [c for c in (cohort, treat) if c]
    check_columns(df, cols)
    d = pd.DataFrame(
        {
            "u": df[unit].astype(str),
            "t": pd.to_numeric(df[time], errors="coerce"),
            "y": pd.to_numeric(df[outcome], errors="coerce"),
        }
    )
    if cohort:
        d["g"] = cohorts_of(df[cohort]).to_numpy()
    if treat:
        d["d"] = pd.to_numeric(df[treat], errors="coerce")
        if not d["d"].dropna().isin([0, 1]).all():
            raise InputError(f"处理列 {treat} 只能取 0/1")
    elif cohort:
        d["d"] = ((d["g"] > 0) & (d["t"] >= d["g"])).astype(float)
    else:
        raise InputError("需要处理列（treat）或队列列（cohort，首次处理年份）之一")
    d = d.dropna(subset=["t", "y", "d"])
    if d.empty:
        raise InputError("面板在剔除缺失值后为空")
    if d["d"].nunique() < 2:
        raise ComputationError("处理变量没有变化（全为 0 或全为 1），无法估计")
    return d


def _fit(fml: str, d: pd.DataFrame) -> Any:
    import pyfixest as pf  # heavy import, only when fitting

    return pf.feols(fml, data=d, vcov={"CRV1": "u"})


@dataclass(repr=False)
class TWFEResult(Result):
    """The static TWFE coefficient of the treatment with its clustered standard error."""

    estimate: float
    se: float
    pvalue: float
    ci: tuple[float, float]
    n_obs: int
    n_clusters: int
    options: dict[str, Any]
    notes: list[str] = field(default_factory=list)
    synthetic: bool = False

    headers: ClassVar[dict[str, str]] = {
        "estimator": "估计量",
        "estimate": "估计值",
        "se": "标准误",
        "pvalue": "p 值",
        "ci_lower": "置信下限",
        "ci_upper": "置信上限",
        "n_obs": "观测数",
        "n_clusters": "聚类数",
    }

    def tables(self) -> dict[str, pd.DataFrame]:
        return {
            "TWFE": pd.DataFrame(
                [
                    {
                        "estimator": "TWFE",
                        "estimate": self.estimate,
                        "se": self.se,
                        "pvalue": self.pvalue,
                        "ci_lower": self.ci[0],
                        "ci_upper": self.ci[1],
                        "n_obs": self.n_obs,
                        "n_clusters": self.n_clusters,
                    }
                ]
            )
        }

    def summary(self) -> str:
        o = self.options
        text = (
            f"双向固定效应（TWFE）双重差分：结果变量 {o['outcome']}\n"
            f"  处理效应 β = {self.estimate:.6f}（按单位聚类标准误 {self.se:.6f}，p = {self.pvalue:.4f}，"
            f"95% 置信区间 [{self.ci[0]:.6f}, {self.ci[1]:.6f}]）\n"
            f"  观测 {self.n_obs} 个，聚类 {self.n_clusters} 个\n"
            "假设：平行趋势、无预期效应、效应同质（交错处理且效应异质时 TWFE 有偏，"
            "请对照 Callaway–Sant'Anna 结果）。"
        )
        return self.labelled(text)


def twfe(
    df: pd.DataFrame,
    *,
    unit: str,
    time: str,
    outcome: str,
    cohort: str | None = None,
    treat: str | None = None,
    alpha: float = 0.05,
    synthetic: bool = False,
) -> TWFEResult:
    """Static two-way fixed effects DiD with unit-clustered (CRV1) standard errors.

    The treatment is the 0/1 column ``treat`` or, from ``cohort`` (first treated year, 0 /
    empty = never), ``D = 1{G > 0, t ≥ G}``.
    """
    d = _frame(df, unit, time, outcome, cohort, treat)
    fit = _fit("y ~ d | u + t", d)
    est = float(fit.coef()["d"])
    se = float(fit.se()["d"])
    p = float(fit.pvalue()["d"])
    ci = fit.confint(alpha=alpha).loc["d"].to_numpy(dtype=float)
    return TWFEResult(
        estimate=est,
        se=se,
        pvalue=p,
        ci=(float(ci[0]), float(ci[1])),
        n_obs=int(fit._N),
        n_clusters=int(d["u"].nunique()),
        options={"outcome": outcome, "unit": unit, "time": time, "cohort": cohort, "treat": treat},
        synthetic=synthetic,
    )


@dataclass(repr=False)
class EventStudyResult(Result):
    """Lead and lag coefficients (reference e = −1) and the joint pre-trend test."""

    coefficients: pd.DataFrame
    pretrend: dict[str, float]
    options: dict[str, Any]
    notes: list[str] = field(default_factory=list)
    synthetic: bool = False

    headers: ClassVar[dict[str, str]] = {
        "event": "事件时间",
        "estimate": "估计值",
        "se": "标准误",
        "pvalue": "p 值",
        "ci_lower": "置信下限",
        "ci_upper": "置信上限",
        "reference": "参照期",
    }

    def tables(self) -> dict[str, pd.DataFrame]:
        pt = pd.DataFrame([{"项目": k, "值": v} for k, v in self.pretrend.items()])
        return {"事件研究": self.coefficients.copy(), "预趋势检验": pt}

    def summary(self) -> str:
        o, pt = self.options, self.pretrend
        lines = [
            f"事件研究（TWFE，参照期 e = −1，按单位聚类）：结果变量 {o['outcome']}；"
            f"前导 {o['leads']} 期、滞后 {o['lags']} 期（端点合并）"
        ]
        for r in self.coefficients.itertuples():
            if r.reference:
                lines.append(f"  e = {r.event:+d}: 0（参照期）")
            else:
                lines.append(f"  e = {r.event:+d}: {r.estimate:.6f}（标准误 {r.se:.6f}）")
        if pt["df"] > 0:
            lines.append(
                f"处理前系数联合为 0 的 Wald 检验：χ² = {pt['wald']:.3f}，自由度 {pt['df']:.0f}，"
                f"p = {pt['pvalue']:.4f}（F = {pt['f']:.3f}）"
            )
        lines.append("注意：预趋势检验功效有限，不显著不等于平行趋势成立（Roth 2022）。")
        return self.labelled("\n".join(lines))


def event_study(
    df: pd.DataFrame,
    *,
    unit: str,
    time: str,
    cohort: str,
    outcome: str,
    leads: int = 4,
    lags: int = 4,
    alpha: float = 0.05,
    synthetic: bool = False,
) -> EventStudyResult:
    """Dynamic TWFE with binned leads ``−leads … −2`` and lags ``0 … lags`` and a pre-trend Wald test."""
    if leads < 2 or lags < 0:
        raise InputError(
            f"前导期数 leads 至少为 2、滞后期数 lags 不能为负：leads={leads}, lags={lags}"
        )
    d = _frame(df, unit, time, outcome, cohort, None)
    treated = d["g"] > 0
    rel = (d["t"] - d["g"]).where(treated).clip(lower=-leads, upper=lags)
    events = [e for e in range(-leads, lags + 1) if e != -1]
    names = []
    for e in events:
        name = f"e_m{-e}" if e < 0 else f"e_p{e}"
        d[name] = (rel == e).astype(float)
        if d[name].sum() > 0:
            names.append((e, name))
    if not names:
        raise ComputationError("没有处理单位的事件时间可估计")
    fit = _fit("y ~ " + " + ".join(n for _, n in names) + " | u + t", d)
    coef, se, pv = fit.coef(), fit.se(), fit.pvalue()
    ci = fit.confint(alpha=alpha)
    rows = []
    for e, name in names:
        if name not in coef.index:  # dropped as collinear
            continue
        rows.append(
            {
                "event": e,
                "estimate": float(coef[name]),
                "se": float(se[name]),
                "pvalue": float(pv[name]),
                "ci_lower": float(ci.loc[name].iloc[0]),
                "ci_upper": float(ci.loc[name].iloc[1]),
                "reference": False,
            }
        )
    rows.append(
        {
            "event": -1,
            "estimate": 0.0,
            "se": 0.0,
            "pvalue": np.nan,
            "ci_lower": 0.0,
            "ci_upper": 0.0,
            "reference": True,
        }
    )
    tab = pd.DataFrame(rows).sort_values("event").reset_index(drop=True)
    pre = [name for e, name in names if e < -1 and name in coef.index]
    if pre:
        b = coef[pre].to_numpy()
        V = pd.DataFrame(fit._vcov, index=coef.index, columns=coef.index).loc[pre, pre].to_numpy()
        w = float(b @ np.linalg.pinv(V) @ b)
        q = len(pre)
        pretrend = {"wald": w, "df": float(q), "pvalue": float(stats.chi2.sf(w, q)), "f": w / q}
    else:
        pretrend = {"wald": np.nan, "df": 0.0, "pvalue": np.nan, "f": np.nan}
    return EventStudyResult(
        coefficients=tab,
        pretrend=pretrend,
        options={
            "outcome": outcome,
            "unit": unit,
            "time": time,
            "cohort": cohort,
            "leads": leads,
            "lags": lags,
        },
        synthetic=synthetic,
    )


@dataclass(repr=False)
class DiDResult(Result):
    """Static TWFE and, when cohorts are known, the event study with its pre-trend test."""

    static: TWFEResult
    dynamic: EventStudyResult | None = None
    notes: list[str] = field(default_factory=list)
    synthetic: bool = False

    headers: ClassVar[dict[str, str]] = {**TWFEResult.headers, **EventStudyResult.headers}

    def tables(self) -> dict[str, pd.DataFrame]:
        out = self.static.tables()
        if self.dynamic is not None:
            out.update(self.dynamic.tables())
        return out

    def tidy(self) -> pd.DataFrame:
        """The TWFE row (``term = "treat"``) then the event-study rows (``term = "event"``)."""
        s = self.static.tidy().drop(columns=["estimator"]).assign(term="treat", event=np.nan)
        if self.dynamic is None:
            return s
        d = self.dynamic.tidy().assign(term="event")
        return pd.concat([s, d], ignore_index=True)

    def summary(self) -> str:
        parts = [self.static.summary()]
        if self.dynamic is not None:
            parts.append(self.dynamic.summary())
        return self.labelled("\n".join(parts))


def did(
    df: pd.DataFrame,
    *,
    unit: str,
    time: str,
    outcome: str,
    cohort: str | None = None,
    treat: str | None = None,
    leads: int = 4,
    lags: int = 4,
    alpha: float = 0.05,
    synthetic: bool = False,
) -> DiDResult:
    """:func:`twfe` and, when ``cohort`` is given, :func:`event_study` on the same panel."""
    st = twfe(df, unit=unit, time=time, outcome=outcome, cohort=cohort, treat=treat, alpha=alpha)
    dyn = None
    if cohort is not None:
        dyn = event_study(
            df,
            unit=unit,
            time=time,
            cohort=cohort,
            outcome=outcome,
            leads=leads,
            lags=lags,
            alpha=alpha,
        )
    return DiDResult(static=st, dynamic=dyn, synthetic=synthetic)
