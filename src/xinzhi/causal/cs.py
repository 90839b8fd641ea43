"""Callaway–Sant'Anna difference-in-differences for staggered adoption, vectorised.

Callaway, B. and Sant'Anna, P. H. C. (2021), "Difference-in-Differences with multiple time
periods", *Journal of Econometrics* 225(2), 200–230, doi:10.1016/j.jeconom.2020.12.001.

A unit's *cohort* ``G`` is the first year it is treated (0 = never). For each cohort ``g`` and
period ``t`` the group-time effect is (no covariates, panel data; eq. 2.6 of the paper with the
propensity score and outcome regression on an intercept only, where the doubly robust, IPW and
outcome-regression estimators coincide — Sant'Anna & Zhao 2020, doi:10.1016/j.jeconom.2020.06.003)

.. math:: \\widehat{ATT}(g,t) = \\overline{(Y_t - Y_b)}_{G=g} - \\overline{(Y_t - Y_b)}_{C}

with base period ``b = g − 1`` for ``t ≥ g`` and ``b = t − 1`` before (R ``did``'s
``base_period = "varying"``), and controls ``C`` the never-treated units (``control="never"``)
or the units not yet treated at ``t`` (``G = 0`` or ``G > t``, ``G ≠ g``; ``control="notyet"``).

Inference uses the influence function of unit ``i`` among the ``n`` units of the balanced panel,

.. math:: \\psi_i = \\frac{n}{n_g} 1\\{G_i=g\\}(\\Delta Y_i - \\bar{\\Delta Y}_g)
         - \\frac{n}{n_C} 1\\{i \\in C\\}(\\Delta Y_i - \\bar{\\Delta Y}_C),
         \\qquad \\widehat{se} = \\sqrt{\\textstyle\\sum_i \\psi_i^2}\\,/\\,n,

and the aggregations of Callaway & Sant'Anna (2021, §3) weight ``ATT(g,t)`` by cohort shares
``p_g = n_g / n``, adding the estimation effect of the weights to the influence function:

* simple: ``Σ_{t≥g} p_g ATT(g,t) / Σ_{t≥g} p_g``;
* group: ``θ(g) = mean_{t≥g} ATT(g,t)``, overall ``Σ_g p_g θ(g) / Σ_g p_g``;
* dynamic (event study): ``θ(e) = Σ_g p_g ATT(g,g+e) / Σ_g p_g``, overall mean of ``θ(e), e ≥ 0``;
* calendar: ``θ(t) = Σ_{g≤t} p_g ATT(g,t) / Σ_{g≤t} p_g``, overall mean over ``t``.

Standard errors are analytic (``bootstrap=0``) or from a multiplier bootstrap with Mammen
weights and a seed (interquartile-range scale, as R ``did``'s ``mboot``). The pre-trend test is
the Wald statistic ``n · θ_pre' V^{-1} θ_pre`` (``V = ψ'ψ / n``) on the pre-treatment
``ATT(g,t)``, χ² with as many degrees of freedom. With covariates it is the same statistic on
csdid's influence functions (R ``did``'s ``att_gt`` ``W``; pre cells of zero variance dropped).

Reproduces R ``did`` 2.5.0 (``att_gt`` + ``aggte``, ``bstrap = FALSE``) on ``mpdta`` — see
``tests/causal/test_cs.py``. CLI: ``xinzhi causal cs``; docs: ``docs/causal.md``.

>>> import pandas as pd
>>> df = pd.DataFrame({"id": [1, 1, 2, 2, 3, 3, 4, 4], "t": [1, 2] * 4,
...     "g": [2, 2, 2, 2, 0, 0, 0, 0], "y": [1.0, 4.0, 2.0, 5.0, 1.0, 2.0, 3.0, 4.0]})
>>> r = callaway_santanna(df, unit="id", time="t", cohort="g", outcome="y")
>>> float(r.attgt["att"].iloc[0])  # (3 + 3)/2 − (1 + 1)/2
2.0
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from scipy import stats

from xinzhi.causal._panel import balanced_wide, check_columns, cohorts_of
from xinzhi.errors import ComputationError, InputError
from xinzhi.results import Result

__all__ = ["AGGREGATIONS", "CSResult", "callaway_santanna"]

AGGREGATIONS = ("simple", "group", "dynamic", "calendar")
_AGG_LABEL = {
    "simple": "简单加权",
    "group": "按队列",
    "dynamic": "按事件时间",
    "calendar": "按日历年",
}

F = NDArray[np.float64]


@dataclass(repr=False)
class CSResult(Result):
    """ATT(g,t), its aggregations and the pre-trend test of :func:`callaway_santanna`."""

    attgt: pd.DataFrame
    aggregations: pd.DataFrame
    pretrend: dict[str, float]
    options: dict[str, Any]
    n_units: int
    notes: list[str] = field(default_factory=list)
    synthetic: bool = False

    headers: ClassVar[dict[str, str]] = {
        "group": "队列（首次处理年）",
        "time": "年份",
        "event": "事件时间",
        "att": "ATT",
        "se": "标准误",
        "ci_lower": "置信下限",
        "ci_upper": "置信上限",
        "n_treated": "处理组单位数",
        "n_control": "对照组单位数",
        "type": "汇总方式",
        "level": "取值（队列/事件时间/年份）",
        "overall": "是否总体",
        "pvalue": "p 值",
    }

    def overall(self, kind: str = "simple") -> tuple[float, float]:
        """(estimate, standard error) of the overall ATT of aggregation ``kind``."""
        row = self.aggregations[(self.aggregations["type"] == kind) & self.aggregations["overall"]]
        if row.empty:
            raise InputError(f"无此汇总方式：{kind}（可选 {'/'.join(AGGREGATIONS)}）")
        return float(row["att"].iloc[0]), float(row["se"].iloc[0])

    def tables(self) -> dict[str, pd.DataFrame]:
        return {"ATT(g,t)": self.attgt.copy(), "汇总": self.aggregations.copy()}

    def tidy(self) -> pd.DataFrame:
        """One long table: the ATT(g,t) rows (``type = "attgt"``) then every aggregation
        (``type`` simple / group / dynamic / calendar; ``overall`` marks the overall effect,
        ``level`` the cohort, event time or year of the others)."""
        a = self.attgt.assign(type="attgt", level=np.nan, overall=False)
        out = pd.concat([a, self.aggregations], ignore_index=True)
        for c in ("group", "time", "event", "n_treated", "n_control"):
            out[c] = out[c].astype("Int64")
        cols = [
            "type",
            "group",
            "time",
            "event",
            "level",
            "overall",
            "att",
            "se",
            "ci_lower",
            "ci_upper",
            "n_treated",
            "n_control",
        ]
        return out[cols]

    def info_table(self) -> pd.DataFrame:
        rows = [("估计量", "Callaway–Sant'Anna (2021) ATT(g,t)，无协变量（DR = IPW = OR）")]
        rows += [(k, str(v)) for k, v in self.options.items()]
        rows.append(("平行趋势预检验 Wald", f"{self.pretrend['wald']:.4f}"))
        rows.append(("自由度", f"{self.pretrend['df']:.0f}"))
        rows.append(("p 值", f"{self.pretrend['pvalue']:.4f}"))
        return pd.DataFrame(rows, columns=["项目", "内容"])

    def summary(self) -> str:
        o = self.options
        ctl = "从未处理单位" if o["control"] == "never" else "尚未处理单位（含从未处理）"
        se_kind = (
            f"乘数自助法（Mammen 权重，{o['bootstrap']} 次，种子 {o['seed']}）"
            if o["bootstrap"]
            else "解析影响函数"
        )
        lines = [
            "Callaway–Sant'Anna 交错处理双重差分",
            f"结果变量：{o['outcome']}；单位 {self.n_units} 个；对照组：{ctl}；标准误：{se_kind}",
        ]
        for kind in AGGREGATIONS:
            att, se = self.overall(kind)
            z = att / se if se > 0 else np.nan
            p = 2 * stats.norm.sf(abs(z)) if np.isfinite(z) else np.nan
            lines.append(f"  {_AGG_LABEL[kind]} ATT = {att:.6f}（标准误 {se:.6f}，p = {p:.4f}）")
        pt = self.pretrend
        if pt["df"] > 0:
            lines.append(
                f"平行趋势预检验（处理前 ATT(g,t) 联合为 0）：Wald = {pt['wald']:.3f}，"
                f"自由度 {pt['df']:.0f}，p = {pt['pvalue']:.4f}"
            )
        lines.append("假设：无预期效应、（条件）平行趋势、处理不可逆（交错采纳）。")
        return self.labelled("\n".join(lines))


def _mammen(rng: np.random.Generator, shape: tuple[int, int]) -> F:
    """Mammen's two-point weights: mean 0, variance 1, third moment 1."""
    s5 = np.sqrt(5.0)
    lo, hi = -(s5 - 1) / 2, (s5 + 1) / 2
    p_lo = (s5 + 1) / (2 * s5)
    return np.where(rng.random(shape) < p_lo, lo, hi)


def _se(psi: F, bootstrap: int, seed: int | None) -> F:
    """Standard errors of the columns of an influence-function matrix (n × k)."""
    n = psi.shape[0]
    if not bootstrap:
        return np.sqrt((psi**2).sum(axis=0)) / n
    rng = np.random.default_rng(seed)
    draws = np.empty((bootstrap, psi.shape[1]))
    step = max(1, int(2_000_000 // max(n, 1)))
    for start in range(0, bootstrap, step):  # chunks of draws bound the memory
        m = min(step, bootstrap - start)
        draws[start : start + m] = _mammen(rng, (m, n)) @ psi / n
    q75, q25 = np.quantile(draws, [0.75, 0.25], axis=0, method="inverted_cdf")
    return (q75 - q25) / (stats.norm.ppf(0.75) - stats.norm.ppf(0.25))


def _wif(keep: NDArray[np.intp], pg: F, gmask: NDArray[np.bool_]) -> F:
    """Influence function of estimated weights ``p_g / Σ p_g`` over the entries ``keep``.

    ``gmask`` is n × k: unit i belongs to the cohort of entry j; ``pg`` the k cohort shares.
    """
    s = pg[keep].sum()
    dev = gmask[:, keep].astype(np.float64) - pg[keep]
    if1 = dev / s
    if2 = dev.sum(axis=1, keepdims=True) * (pg[keep] / s**2)[None, :]
    return if1 - if2


def callaway_santanna(
    df: pd.DataFrame,
    *,
    unit: str,
    time: str,
    cohort: str,
    outcome: str,
    control: Literal["never", "notyet"] = "never",
    bootstrap: int = 0,
    seed: int | None = None,
    alpha: float = 0.05,
    covariates: Sequence[str] = (),
    est_method: Literal["dr", "ipw", "reg"] = "dr",
    synthetic: bool = False,
) -> CSResult:
    """Group-time ATTs and their simple / group / dynamic / calendar aggregations.

    Parameters
    ----------
    df
        Long panel: one row per unit and period.
    unit, time, cohort, outcome
        Column names; ``cohort`` is the first treated period (0 / empty = never treated, constant
        within a unit).
    control
        ``"never"`` (never-treated controls) or ``"notyet"`` (not-yet-treated controls).
    bootstrap
        0 for analytic standard errors, else the number of multiplier-bootstrap draws.
    seed
        Seed of the bootstrap draws.
    alpha
        Level of the pointwise normal confidence intervals.
    covariates, est_method
        Pre-treatment covariates (constant within a unit or taken in the base period) for the
        conditional parallel-trends estimators of Sant'Anna & Zhao (2020): doubly robust
        (``"dr"``), inverse probability weighting or outcome regression — computed by csdid
        0.4.3 (analytic standard errors; ``bootstrap`` not used). Without covariates the three
        coincide and the vectorised estimator of this module runs.

    Returns
    -------
    CSResult
        ``attgt`` (group, time, event, att, se, ci_lower, ci_upper, n_treated, n_control),
        ``aggregations`` (type, level, overall, att, se, ci_lower, ci_upper) and ``pretrend``.
    """
    if control not in ("never", "notyet"):
        raise InputError(f"对照组 control 只能是 never 或 notyet，收到 {control!r}")
    if bootstrap < 0:
        raise InputError(f"自助法次数 bootstrap 不能为负：{bootstrap}")
    if not 0 < alpha < 1:
        raise InputError(f"显著性水平 alpha 须在 0 与 1 之间：{alpha}")
    check_columns(df, [unit, time, cohort, outcome, *covariates])
    if est_method not in ("dr", "ipw", "reg"):
        raise InputError(f"估计方法 est_method 只能是 dr、ipw 或 reg，收到 {est_method!r}")
    if covariates:
        return _with_covariates(
            df,
            unit=unit,
            time=time,
            cohort=cohort,
            outcome=outcome,
            control=control,
            alpha=alpha,
            covariates=list(covariates),
            est_method=est_method,
            synthetic=synthetic,
        )
    g_rows = cohorts_of(df[cohort])
    per_unit = g_rows.groupby(df[unit]).nunique()
    if (per_unit > 1).any():
        bad = per_unit[per_unit > 1].index[0]
        raise InputError(
            f"单位 {bad} 的处理队列列 {cohort} 在各年不一致（应为首次处理年份，不随年变化）"
        )
    Y, units, periods, notes = balanced_wide(df, unit, time, outcome)
    G = g_rows.groupby(df[unit]).first().reindex(units).to_numpy()
    first, last = periods[0], periods[-1]
    late = (G > last).sum()
    if late:
        notes.append(f"{int(late)} 个单位首次处理晚于样本末期 {last}，视为从未处理")
        G = np.where(G > last, 0, G)
    early = (G > 0) & (G <= first)
    if early.any():
        notes.append(
            f"{int(early.sum())} 个单位在样本首期 {first} 或之前已处理，无处理前期，已剔除"
        )
        Y, G, units = Y[~early], G[~early], units[~early]
    n = len(G)
    glist = np.unique(G[G > 0])
    if glist.size == 0:
        raise ComputationError("没有处理单位（队列列全为 0 或空）")
    if control == "never" and not (G == 0).any():
        raise ComputationError("没有从未处理的单位，请改用尚未处理对照（--control notyet）")

    rows: list[dict[str, Any]] = []
    cols: list[F] = []
    for g in glist:
        tr = G == g
        n_g = int(tr.sum())
        b_post = int(np.searchsorted(periods, g) - 1)  # index of the last period before g
        for j in range(1, len(periods)):
            t = periods[j]
            b = b_post if t >= g else j - 1
            co = (G == 0) if control == "never" else ((G == 0) | ((G > t) & (G != g)))
            n_c = int(co.sum())
            if n_c == 0:
                notes.append(f"队列 {g} 在 {t} 年无可用对照单位，ATT(g,t) 未估计")
                continue
            dy = Y[:, j] - Y[:, b]
            m1, m0 = dy[tr].mean(), dy[co].mean()
            psi = np.zeros(n)
            psi[tr] = n / n_g * (dy[tr] - m1)
            psi[co] = -n / n_c * (dy[co] - m0)
            cols.append(psi)
            rows.append(
                {
                    "group": int(g),
                    "time": int(t),
                    "event": int(t - g),
                    "att": m1 - m0,
                    "n_treated": n_g,
                    "n_control": n_c,
                }
            )
    if not rows:
        raise ComputationError("没有可估计的 ATT(g,t)")
    att = pd.DataFrame(rows)
    psi_gt = np.column_stack(cols)
    a = att["att"].to_numpy()
    grp = att["group"].to_numpy()
    tt = att["time"].to_numpy()
    ev = att["event"].to_numpy()
    pg_of = {int(g): float((G == g).mean()) for g in glist}
    pg = np.array([pg_of[int(g)] for g in grp])
    gmask = G[:, None] == grp[None, :]

    agg_rows: list[dict[str, Any]] = []
    agg_cols: list[F] = []

    def add(kind: str, level: float, overall: bool, est: float, psi: F) -> None:
        agg_rows.append({"type": kind, "level": level, "overall": overall, "att": est})
        agg_cols.append(psi)

    # simple
    keep = np.flatnonzero(grp <= tt)
    w = pg[keep] / pg[keep].sum()
    add(
        "simple",
        np.nan,
        True,
        float(w @ a[keep]),
        psi_gt[:, keep] @ w + _wif(keep, pg, gmask) @ a[keep],
    )
    # group
    theta_g, psi_g = [], []
    for g in glist:
        k = np.flatnonzero((grp == g) & (grp <= tt))
        if k.size == 0:
            continue
        theta_g.append(float(a[k].mean()))
        psi_g.append(psi_gt[:, k].mean(axis=1))
        add("group", float(g), False, theta_g[-1], psi_g[-1])
    if theta_g:
        gl = np.array([g for g in glist if ((grp == g) & (grp <= tt)).any()])
        pgg = np.array([pg_of[int(g)] for g in gl])
        wg = pgg / pgg.sum()
        gm = G[:, None] == gl[None, :]
        k_all = np.arange(len(gl))
        psi_o = np.column_stack(psi_g) @ wg + _wif(k_all, pgg, gm) @ np.array(theta_g)
        add("group", np.nan, True, float(wg @ np.array(theta_g)), psi_o)
    # dynamic
    theta_e, psi_e, es = [], [], []
    for e in np.unique(ev):
        k = np.flatnonzero(ev == e)
        we = pg[k] / pg[k].sum()
        theta_e.append(float(we @ a[k]))
        psi_e.append(psi_gt[:, k] @ we + _wif(k, pg, gmask) @ a[k])
        es.append(int(e))
        add("dynamic", float(e), False, theta_e[-1], psi_e[-1])
    post = np.array(es) >= 0
    add(
        "dynamic",
        np.nan,
        True,
        float(np.mean(np.array(theta_e)[post])),
        np.column_stack(psi_e)[:, post].mean(axis=1),
    )
    # calendar
    theta_t, psi_t = [], []
    for t in periods[periods >= glist.min()]:
        k = np.flatnonzero((tt == t) & (grp <= t))
        if k.size == 0:
            continue
        wt = pg[k] / pg[k].sum()
        theta_t.append(float(wt @ a[k]))
        psi_t.append(psi_gt[:, k] @ wt + _wif(k, pg, gmask) @ a[k])
        add("calendar", float(t), False, theta_t[-1], psi_t[-1])
    add("calendar", np.nan, True, float(np.mean(theta_t)), np.column_stack(psi_t).mean(axis=1))

    se_all = _se(np.column_stack([psi_gt, *agg_cols]), bootstrap, seed)
    z = stats.norm.ppf(1 - alpha / 2)
    att["se"] = se_all[: len(att)]
    agg = pd.DataFrame(agg_rows)
    agg["se"] = se_all[len(att) :]
    for t_ in (att, agg):
        t_["ci_lower"] = t_["att"] - z * t_["se"]
        t_["ci_upper"] = t_["att"] + z * t_["se"]
    att = att[
        ["group", "time", "event", "att", "se", "ci_lower", "ci_upper", "n_treated", "n_control"]
    ]

    pre = np.flatnonzero(grp > tt)
    if pre.size:
        V = psi_gt[:, pre].T @ psi_gt[:, pre] / n
        theta = a[pre]
        wald = float(n * theta @ np.linalg.pinv(V) @ theta)
        pretrend = {
            "wald": wald,
            "df": float(pre.size),
            "pvalue": float(stats.chi2.sf(wald, pre.size)),
        }
    else:
        pretrend = {"wald": np.nan, "df": 0.0, "pvalue": np.nan}
    options = {
        "outcome": outcome,
        "unit": unit,
        "time": time,
        "cohort": cohort,
        "control": control,
        "base_period": "varying",
        "bootstrap": bootstrap,
        "seed": seed,
        "alpha": alpha,
    }
    return CSResult(
        attgt=att,
        aggregations=agg,
        pretrend=pretrend,
        options=options,
        n_units=n,
        notes=notes,
        synthetic=synthetic,
    )


def _with_covariates(
    df: pd.DataFrame,
    *,
    unit: str,
    time: str,
    cohort: str,
    outcome: str,
    control: str,
    alpha: float,
    covariates: list[str],
    est_method: str,
    synthetic: bool,
) -> CSResult:
    """Conditional CS through csdid (R ``did``'s port): ATT(g,t) and the four aggregations."""
    import contextlib
    import io
    import warnings

    from csdid.att_gt import ATTgt

    safe = {c: f"x{j}" for j, c in enumerate(covariates)}
    d = pd.DataFrame(
        {
            "id": pd.factorize(df[unit])[0] + 1,
            "t": pd.to_numeric(df[time], errors="coerce"),
            "g": cohorts_of(df[cohort]).to_numpy(),
            "y": pd.to_numeric(df[outcome], errors="coerce"),
            **{v: pd.to_numeric(df[c], errors="coerce") for c, v in safe.items()},
        }
    ).dropna()
    ctl = "nevertreated" if control == "never" else "notyettreated"
    z = stats.norm.ppf(1 - alpha / 2)
    try:
        with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
            warnings.simplefilter("ignore")
            m = ATTgt(
                yname="y",
                tname="t",
                idname="id",
                gname="g",
                data=d,
                control_group=[ctl],
                xformla="y ~ " + " + ".join(safe.values()),
            )
            m.fit(est_method=est_method, bstrap=False)
            res = m.results
            wald = m.MP.get("W")
            att = pd.DataFrame(
                {
                    "group": np.asarray(res["group"], dtype=int),
                    "time": np.asarray(res["year"], dtype=int),
                    "att": np.asarray(res["att"], dtype=float),
                    "se": np.asarray(res["se"], dtype=float),
                }
            )
            rows = []
            for kind in AGGREGATIONS:
                a = m.aggte(typec=kind, bstrap=False)
                at = a.atte if hasattr(a, "atte") else m.atte
                if kind != "simple":
                    for lv, e, s_ in zip(at["egt"], at["att_egt"], at["se_egt"], strict=True):
                        rows.append(
                            {
                                "type": kind,
                                "level": float(lv),
                                "overall": False,
                                "att": float(e),
                                "se": float(s_),
                            }
                        )
                rows.append(
                    {
                        "type": kind,
                        "level": np.nan,
                        "overall": True,
                        "att": float(at["overall_att"]),
                        "se": float(at["overall_se"]),
                    }
                )
    except Exception as exc:  # csdid raises plain errors on degenerate designs
        raise ComputationError(f"含协变量的 Callaway–Sant'Anna 估计失败（csdid）：{exc}") from exc
    att["event"] = att["time"] - att["group"]
    att["n_treated"] = np.nan
    att["n_control"] = np.nan
    # pre-trend Wald test from csdid's influence functions (R did's att_gt $W: the analytic
    # V = ψψ'/n over the pre-treatment cells with positive variance, W = n θ' V⁻¹ θ); the
    # p-value recomputed unrounded (csdid rounds it to 5 digits, as R)
    pre_ok = (att["group"] > att["time"]) & np.isfinite(att["se"]) & (att["se"] > 0)
    q = int(pre_ok.sum())
    if wald is not None and q > 0 and np.isfinite(wald):
        pretrend = {"wald": float(wald), "df": float(q), "pvalue": float(stats.chi2.sf(wald, q))}
    else:
        pretrend = {"wald": np.nan, "df": 0.0, "pvalue": np.nan}
    agg = pd.DataFrame(rows)
    for t_ in (att, agg):
        t_["ci_lower"] = t_["att"] - z * t_["se"]
        t_["ci_upper"] = t_["att"] + z * t_["se"]
    att = att[
        ["group", "time", "event", "att", "se", "ci_lower", "ci_upper", "n_treated", "n_control"]
    ]
    options = {
        "outcome": outcome,
        "unit": unit,
        "time": time,
        "cohort": cohort,
        "control": control,
        "base_period": "varying",
        "bootstrap": 0,
        "seed": None,
        "alpha": alpha,
        "covariates": covariates,
        "est_method": est_method,
    }
    return CSResult(
        attgt=att,
        aggregations=agg,
        pretrend=pretrend,
        options=options,
        n_units=int(d["id"].nunique()),
        notes=[f"协变量：{'、'.join(covariates)}；估计方法 {est_method}（csdid 0.4.3）"],
        synthetic=synthetic,
    )
