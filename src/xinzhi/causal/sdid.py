"""Synthetic difference-in-differences (own implementation).

Arkhangelsky, D., Athey, S., Hirshberg, D. A., Imbens, G. W. and Wager, S. (2021), "Synthetic
Difference-in-Differences", *American Economic Review* 111(12), 4088–4118,
doi:10.1257/aer.20190159. Block design: ``N_1`` treated units all first treated in the same
year; ``N_0`` controls never treated; ``T_0`` pre- and ``T_1`` post-periods. Staggered
adoption: one block estimate per cohort against the never-treated units, averaged with weights
``N_1,g · T_1,g`` (Clarke, Pailañir, Athey & Imbens 2023, arXiv:2301.11859).

Noise level and regularisation (paper §2, eq. 2.2 and footnote on ζ):

.. math:: \\hat\\sigma^2 = \\frac{1}{N_0 (T_0 - 1)} \\sum_{i \\le N_0} \\sum_{t < T_0}
          (\\Delta_{it} - \\bar\\Delta)^2, \\quad \\Delta_{it} = Y_{i,t+1} - Y_{it},
          \\qquad \\zeta = (N_1 T_1)^{1/4} \\hat\\sigma.

Unit weights (eq. 2.2–2.3), ``ω`` on the simplex, intercept ``ω_0`` free:

.. math:: \\min \\sum_{t \\le T_0} \\Big(\\omega_0 + \\sum_{i \\le N_0} \\omega_i Y_{it}
          - \\frac{1}{N_1} \\sum_{i > N_0} Y_{it}\\Big)^2 + \\zeta^2 T_0 \\lVert\\omega\\rVert^2.

Time weights (eq. 2.4), ``λ`` on the simplex over the pre-periods, intercept free, with the
negligible ridge ``ζ_λ = 10^{-6} \\hat\\sigma`` (times ``N_0``):

.. math:: \\min \\sum_{i \\le N_0} \\Big(\\lambda_0 + \\sum_{t \\le T_0} \\lambda_t Y_{it}
          - \\frac{1}{T_1} \\sum_{t > T_0} Y_{it}\\Big)^2 + \\zeta_\\lambda^2 N_0 \\lVert\\lambda\\rVert^2.

The intercepts are profiled out by centring; each problem (a quadratic on the simplex) is
solved exactly by non-negative least squares with the sum constraint as a heavily weighted row. The estimate is the weighted two-way fixed effects
coefficient (eq. 1.1), which for the block design equals

.. math:: \\hat\\tau = \\Big(\\bar Y_{tr,post} - \\sum_t \\lambda_t \\bar Y_{tr,t}\\Big)
          - \\sum_{i \\le N_0} \\omega_i \\Big(\\bar Y_{i,post} - \\sum_t \\lambda_t Y_{it}\\Big).

Variance: placebo (Algorithm 4) when ``N_1 = 1`` — ``B`` times, ``N_1`` controls drawn as
pseudo-treated and ``τ`` re-estimated on the controls, ``V = var(τ^{(b)})``; jackknife
(Algorithm 3) when ``N_1 > 1`` — ``τ^{(-i)}`` leaving out each unit with ``ω`` renormalised and
``λ`` fixed, ``V = (N−1)/N Σ (τ^{(-i)} − \\bar τ)^2``.

Tests: ``tests/causal/test_sdid.py``; CLI ``xinzhi causal sdid``; docs ``docs/causal.md``.

>>> import numpy as np
>>> w = _simplex_ls(np.array([[1.0, 0.0], [0.0, 1.0]]), np.array([0.25, 0.75]), 0.0)
>>> [round(float(x), 4) for x in w]
[0.25, 0.75]
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from scipy import stats

from xinzhi.causal._panel import balanced_wide, check_columns, cohorts_of
from xinzhi.errors import ComputationError, InputError
from xinzhi.results import Result

__all__ = ["SDIDResult", "sdid"]

F = NDArray[np.float64]


def _simplex_ls(A: F, b: F, eta: float) -> F:
    """``argmin_w ‖A w − b‖² + η ‖w‖²`` over the simplex (``w ≥ 0``, ``Σ w = 1``).

    Solved exactly as a non-negative least-squares problem (Lawson–Hanson active set, scipy
    ``nnls``) on ``A`` stacked with ``√η · I`` (the ridge) and a row ``M · 1'`` with target
    ``M`` (the sum constraint, ``M`` large), then renormalised. ``A`` is m × k with the
    intercept already profiled out by centring its columns.
    """
    from scipy.optimize import nnls

    k = A.shape[1]
    M = 1e4 * max(1.0, float(np.abs(A).max()), float(np.abs(b).max()))
    AA = np.vstack([A, np.sqrt(eta) * np.eye(k), np.full((1, k), M)])
    bb = np.concatenate([b, np.zeros(k), [M]])
    w, _ = nnls(AA, bb, maxiter=50 * k)
    total = w.sum()
    return w / total if total > 0 else np.full(k, 1.0 / k)


def _noise(Yc: F, t0: int) -> float:
    """σ̂: the standard deviation of the first differences of the controls' pre-period outcomes,
    divisor ``N_0 (T_0 − 1)`` as the paper's formula (R synthdid's ``sd`` divides by one less;
    on Proposition 99 σ̂ = 5.4904 against 5.4944 and τ̂ = −15.6042 against −15.6054)."""
    diff = np.diff(Yc[:, :t0], axis=1)
    return float(diff.std(ddof=0)) if diff.size else 0.0


def _weights(Y: F, n0: int, t0: int) -> tuple[F, F, float]:
    """(ω over the n0 controls, λ over the t0 pre-periods, σ̂) for the block panel ``Y``
    (controls first, then treated; pre-periods first)."""
    N, T = Y.shape
    n1, t1 = N - n0, T - t0
    sigma = _noise(Y[:n0], t0)
    zeta = (n1 * t1) ** 0.25 * sigma
    # unit weights: rows = pre-periods, columns = controls; centred over periods (ω0)
    A = Y[:n0, :t0].T
    b = Y[n0:, :t0].mean(axis=0)
    Ac, bc = A - A.mean(axis=0), b - b.mean()
    omega = _simplex_ls(Ac, bc, zeta**2 * t0)
    # time weights: rows = controls, columns = pre-periods; centred over controls (λ0)
    B = Y[:n0, :t0]
    c = Y[:n0, t0:].mean(axis=1)
    Bc, cc = B - B.mean(axis=0), c - c.mean()
    lam = _simplex_ls(Bc, cc, (1e-6 * sigma) ** 2 * n0)
    return omega, lam, sigma


def _tau(Y: F, n0: int, t0: int, omega: F, lam: F) -> float:
    tr = Y[n0:].mean(axis=0)
    co = Y[:n0]
    d_tr = tr[t0:].mean() - lam @ tr[:t0]
    d_co = co[:, t0:].mean(axis=1) - co[:, :t0] @ lam
    return float(d_tr - omega @ d_co)


def _sc_contrast(Y: F, n0: int, t0: int, sigma: float) -> float:
    """The synthetic-control contrast of the paper's Table 1 (column SC): unit weights on the
    simplex fitted to the treated pre-period path *without* an intercept and with the
    negligible ridge ``ζ = 10⁻⁶ σ̂``, no time weights; the average post-period gap
    ``ȳ_tr,post − Σ_i ω_i ȳ_i,post``."""
    w = _simplex_ls(Y[:n0, :t0].T, Y[n0:, :t0].mean(axis=0), (1e-6 * sigma) ** 2 * t0)
    return float(Y[n0:, t0:].mean() - w @ Y[:n0, t0:].mean(axis=1))


@dataclass(repr=False)
class SDIDResult(Result):
    """The SDID estimate with its standard error, the unit and time weights."""

    estimate: float
    se: float
    pvalue: float
    ci: tuple[float, float]
    unit_weights: pd.Series
    time_weights: pd.Series
    did: float
    sc: float
    options: dict[str, Any]
    notes: list[str] = field(default_factory=list)
    synthetic: bool = False
    cohorts: pd.DataFrame = field(default_factory=pd.DataFrame)
    """Staggered adoption: per cohort ``cohort, n_treated, post_periods, weight, estimate``."""

    headers: ClassVar[dict[str, str]] = {
        "estimator": "估计量",
        "estimate": "估计值",
        "se": "标准误",
        "pvalue": "p 值",
        "ci_lower": "置信下限",
        "ci_upper": "置信上限",
        "unit": "单位",
        "time": "年份",
        "weight": "权重",
        "cohort": "队列（开始年份）",
        "n_treated": "处理单位数",
        "post_periods": "处理后期数",
    }

    def tables(self) -> dict[str, pd.DataFrame]:
        est = pd.DataFrame(
            [
                {
                    "estimator": "SDID",
                    "estimate": self.estimate,
                    "se": self.se,
                    "pvalue": self.pvalue,
                    "ci_lower": self.ci[0],
                    "ci_upper": self.ci[1],
                },
                {
                    "estimator": "DiD（同权重）",
                    "estimate": self.did,
                    "se": np.nan,
                    "pvalue": np.nan,
                    "ci_lower": np.nan,
                    "ci_upper": np.nan,
                },
                {
                    "estimator": "SC（无截距、无时间权重）",
                    "estimate": self.sc,
                    "se": np.nan,
                    "pvalue": np.nan,
                    "ci_lower": np.nan,
                    "ci_upper": np.nan,
                },
            ]
        )
        uw = self.unit_weights.rename("weight").rename_axis("unit").reset_index()
        tw = self.time_weights.rename("weight").rename_axis("time").reset_index()
        out = {"SDID": est, "单位权重": uw, "时间权重": tw}
        if not self.cohorts.empty:
            out["队列"] = self.cohorts.copy()
        return out

    def summary(self) -> str:
        o = self.options
        top = self.unit_weights[self.unit_weights > 0.01].sort_values(ascending=False).head(8)
        ws = "、".join(f"{k} {v:.3f}" for k, v in top.items())
        tl = self.time_weights[self.time_weights > 0.01]
        ts = "、".join(f"{k} {v:.3f}" for k, v in tl.items())
        method = "安慰剂法" if o["variance"] == "placebo" else "刀切法（jackknife）"
        text = (
            f"合成双重差分（SDID）：结果变量 {o['outcome']}；处理单位 {o['n_treated']} 个，"
            f"对照单位 {o['n_control']} 个，处理起始 {o.get('cohorts') or o['treat_time']} 年\n"
            f"  τ = {self.estimate:.6f}（标准误 {self.se:.6f}，{method}；p = {self.pvalue:.4f}，"
            f"95% 置信区间 [{self.ci[0]:.6f}, {self.ci[1]:.6f}]）\n"
            f"  对照：同权重 DiD = {self.did:.6f}；合成控制（无截距、无时间权重）= {self.sc:.6f}\n"
            f"  主要单位权重：{ws}\n  时间权重：{ts}\n"
            + (
                "（交错处理：各队列分别估计，按 处理单位数 × 处理后期数 加权平均）\n"
                if not self.cohorts.empty
                else ""
            )
            + "假设：加权后的平行趋势、处理后不退出、对照（从未处理单位）未受政策影响。"
        )
        return self.labelled(text)


def sdid(
    df: pd.DataFrame,
    *,
    unit: str,
    time: str,
    outcome: str,
    cohort: str,
    variance: str | None = None,
    replications: int = 200,
    seed: int | None = 0,
    alpha: float = 0.05,
    synthetic: bool = False,
) -> SDIDResult:
    """Synthetic DiD: a block design, or staggered adoption as a weighted average of cohorts.

    ``cohort`` is the first treated year (0 / empty = never treated). ``variance`` is
    ``"placebo"`` (default with one treated unit) or ``"jackknife"`` (default otherwise);
    ``replications`` placebo draws with ``seed``.
    """
    check_columns(df, [unit, time, outcome, cohort])
    g = cohorts_of(df[cohort]).groupby(df[unit]).max()
    cohorts = sorted(int(c) for c in g.unique() if c > 0)
    if not cohorts:
        raise ComputationError("没有处理单位（队列列全为 0 或空）")
    if variance not in (None, "placebo", "jackknife"):
        raise InputError(f"方差方法 variance 只能是 placebo 或 jackknife，收到 {variance!r}")
    Y, units, periods, notes = balanced_wide(df, unit, time, outcome)
    if len(cohorts) > 1:
        return _staggered(
            Y,
            g.reindex(units).to_numpy(),
            units,
            periods,
            notes,
            variance=variance,
            replications=replications,
            seed=seed,
            alpha=alpha,
            options={"outcome": outcome, "unit": unit, "time": time, "cohort": cohort},
            synthetic=synthetic,
        )
    G = g.reindex(units).to_numpy()
    t_start = cohorts[0]
    t0 = int((periods < t_start).sum())
    if t0 < 2 or t0 == len(periods):
        raise InputError(f"处理起始年 {t_start} 前后须各有数据（处理前至少 2 期）")
    order = np.argsort(G > 0, kind="stable")  # controls first
    Y, G, units = Y[order], G[order], units[order]
    n0 = int((G == 0).sum())
    n1 = len(G) - n0
    if n0 < 2:
        raise ComputationError("对照单位少于 2 个，无法估计 SDID")
    if variance is None:
        variance = "placebo" if n1 == 1 else "jackknife"
    if variance == "jackknife" and n1 < 2:
        raise InputError("只有 1 个处理单位时刀切法无定义，请用 placebo")
    omega, lam, sigma = _weights(Y, n0, t0)
    tau = _tau(Y, n0, t0, omega, lam)
    did = _tau(Y, n0, t0, np.full(n0, 1 / n0), np.full(t0, 1 / t0))
    sc_tau = _sc_contrast(Y, n0, t0, sigma)
    if variance == "placebo":
        if n0 <= n1:
            raise ComputationError("对照单位不多于处理单位，安慰剂方差无法计算")
        rng = np.random.default_rng(seed)
        draws = np.empty(replications)
        Yc = Y[:n0]
        for b in range(replications):
            perm = rng.permutation(n0)
            Yb = Yc[perm]  # last n1 rows play the treated
            ob, lb, _ = _weights(Yb, n0 - n1, t0)
            draws[b] = _tau(Yb, n0 - n1, t0, ob, lb)
        se = float(np.sqrt(draws.var(ddof=1)))  # paper: V = (1/B) Σ (τ_b − τ̄)²; ddof 1 for B small
    else:
        N = len(G)
        taus = np.empty(N)
        for i in range(N):
            keep = np.arange(N) != i
            if i < n0:
                om = np.delete(omega, i)
                if om.sum() <= 0:
                    taus[i] = np.nan
                    continue
                taus[i] = _tau(Y[keep], n0 - 1, t0, om / om.sum(), lam)
            else:
                taus[i] = _tau(Y[keep], n0, t0, omega, lam)
        ok = np.isfinite(taus)
        se = float(np.sqrt((ok.sum() - 1) / ok.sum() * ((taus[ok] - taus[ok].mean()) ** 2).sum()))
    z = stats.norm.ppf(1 - alpha / 2)
    p = float(2 * stats.norm.sf(abs(tau / se))) if se > 0 else np.nan
    return SDIDResult(
        estimate=tau,
        se=se,
        pvalue=p,
        ci=(tau - z * se, tau + z * se),
        unit_weights=pd.Series(omega, index=units[:n0].astype(str), name="weight"),
        time_weights=pd.Series(lam, index=periods[:t0], name="weight"),
        did=did,
        sc=sc_tau,
        options={
            "outcome": outcome,
            "unit": unit,
            "time": time,
            "cohort": cohort,
            "treat_time": t_start,
            "n_treated": n1,
            "n_control": n0,
            "variance": variance,
            "replications": replications,
            "seed": seed,
        },
        notes=notes,
        synthetic=synthetic,
    )


def _staggered(
    Y: F,
    G: NDArray[Any],
    units: pd.Index,
    periods: NDArray[np.int64],
    notes: list[str],
    *,
    variance: str | None,
    replications: int,
    seed: int | None,
    alpha: float,
    options: dict[str, Any],
    synthetic: bool,
) -> SDIDResult:
    """Staggered adoption: one block SDID per cohort against the never-treated units, averaged
    with weights ``n_g · T_post,g`` (the treated unit-periods of each cohort; Clarke, Pailañir,
    Athey & Imbens 2023, “Synthetic Difference In Differences Estimation”, arXiv:2301.11859)."""
    ctrl = np.flatnonzero(G == 0)
    n0 = len(ctrl)
    if n0 < 2:
        raise ComputationError("从未处理的对照单位少于 2 个，无法估计 SDID")
    T = len(periods)
    blocks = []  # (cohort, treated rows, t0)
    for c in sorted(int(x) for x in np.unique(G[G > 0])):
        t0 = int((periods < c).sum())
        if t0 < 2 or t0 >= T:
            notes.append(f"队列 {c} 处理前不足 2 期或无处理后期，未纳入 SDID")
            continue
        blocks.append((c, np.flatnonzero(G == c), t0))
    if not blocks:
        raise ComputationError("没有可估计的处理队列")

    def estimate(yc: F, parts: list[tuple[int, F, int]]) -> tuple[float, list[Any]]:
        taus, ws, fits = [], [], []
        for c, yt, t0 in parts:
            Yg = np.vstack([yc, yt])
            om, la, _ = _weights(Yg, len(yc), t0)
            taus.append(_tau(Yg, len(yc), t0, om, la))
            ws.append(len(yt) * (T - t0))
            fits.append((c, om, la, t0, len(yt)))
        w = np.array(ws, dtype=float)
        return float(np.array(taus) @ w / w.sum()), [taus, w, fits]

    parts = [(c, Y[rows], t0) for c, rows, t0 in blocks]
    tau, (taus, w, fits) = estimate(Y[ctrl], parts)
    sizes = [len(rows) for _, rows, _ in blocks]
    if variance is None:
        variance = "jackknife" if min(sizes) >= 2 else "placebo"
    if variance == "jackknife" and min(sizes) < 2:
        raise InputError("有队列只有 1 个处理单位，刀切法无定义，请用 placebo")
    if variance == "placebo":
        n1 = sum(sizes)
        if n0 <= n1:
            raise ComputationError("对照单位不多于处理单位，安慰剂方差无法计算")
        rng = np.random.default_rng(seed)
        draws = np.empty(replications)
        for b in range(replications):
            perm = ctrl[rng.permutation(n0)]
            start, fake = 0, []
            for (c, _rows, t0), k in zip(blocks, sizes, strict=True):
                fake.append((c, Y[perm[start : start + k]], t0))
                start += k
            draws[b] = estimate(Y[perm[start:]], fake)[0]
        se = float(np.sqrt(draws.var(ddof=1)))
    else:
        loo = []
        for i in range(len(G)):
            tt, ww = [], []
            for (_c, om, la, t0, k), (_, rows, _) in zip(fits, blocks, strict=True):
                if G[i] == 0:
                    j = int(np.flatnonzero(ctrl == i)[0])
                    o = np.delete(om, j)
                    if o.sum() <= 0:
                        continue
                    yc = np.delete(Y[ctrl], j, axis=0)
                    Yg = np.vstack([yc, Y[rows]])
                    tt.append(_tau(Yg, n0 - 1, t0, o / o.sum(), la))
                    ww.append(k * (T - t0))
                else:
                    r = rows[rows != i]
                    Yg = np.vstack([Y[ctrl], Y[r]])
                    tt.append(_tau(Yg, n0, t0, om, la))
                    ww.append(len(r) * (T - t0))
            if tt:
                loo.append(float(np.array(tt) @ np.array(ww) / np.sum(ww)))
        taus_j = np.array(loo)
        m = len(taus_j)
        se = float(np.sqrt((m - 1) / m * ((taus_j - taus_j.mean()) ** 2).sum()))
    did_parts = [
        _tau(np.vstack([Y[ctrl], Y[rows]]), n0, t0, np.full(n0, 1 / n0), np.full(t0, 1 / t0))
        for _, rows, t0 in blocks
    ]
    sc_parts = [
        _sc_contrast(np.vstack([Y[ctrl], Y[rows]]), n0, t0, _noise(Y[ctrl], t0))
        for _, rows, t0 in blocks
    ]
    unit_w = sum(wk * f[1] for wk, f in zip(w, fits, strict=True)) / w.sum()
    time_w = np.zeros(T)
    for wk, f in zip(w, fits, strict=True):
        time_w[: f[3]] += wk * f[2]
    time_w /= w.sum()
    z = stats.norm.ppf(1 - alpha / 2)
    p = float(2 * stats.norm.sf(abs(tau / se))) if se > 0 else np.nan
    coh = pd.DataFrame(
        {
            "cohort": [c for c, _, _ in blocks],
            "n_treated": sizes,
            "post_periods": [T - t0 for _, _, t0 in blocks],
            "weight": w / w.sum(),
            "estimate": taus,
        }
    )
    return SDIDResult(
        estimate=tau,
        se=se,
        pvalue=p,
        ci=(tau - z * se, tau + z * se),
        unit_weights=pd.Series(unit_w, index=units[ctrl].astype(str), name="weight"),
        time_weights=pd.Series(time_w, index=periods, name="weight"),
        did=float(np.array(did_parts) @ w / w.sum()),
        sc=float(np.array(sc_parts) @ w / w.sum()),
        options={
            **options,
            "treat_time": blocks[0][0],
            "cohorts": "、".join(str(c) for c, _, _ in blocks),
            "n_treated": sum(sizes),
            "n_control": n0,
            "variance": variance,
            "replications": replications,
            "seed": seed,
        },
        notes=notes,
        synthetic=synthetic,
        cohorts=coh,
    )
