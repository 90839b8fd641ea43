"""σ-convergence and β-convergence (absolute and conditional) of a panel variable.

σ-convergence (Barro, R. J. & Sala-i-Martin, X. 1992, "Convergence", *Journal of Political
Economy* 100: 223–251; Sala-i-Martin 1996): the dispersion σ_t of the cross-section falls over
time. ``measure``: ``"cv"`` σ_t = s_t/ȳ_t (default), ``"std_log"`` σ_t = sd(ln y_t), or ``"std"``
σ_t = s_t (s with ``ddof``, default 1). The trend is the OLS slope of σ_t on t.

β-convergence (Barro & Sala-i-Martin 1992), ``kind="panel"`` (default, annual growth):

.. math::

    \\ln\\frac{y_{i,t+1}}{y_{i,t}} = \\alpha + \\beta\\ln y_{i,t} + \\gamma' X_{i,t}
    [+\\ \\mu_i\\ +\\ \\eta_t] + \\varepsilon_{i,t}

or ``kind="cross-section"``: (ln y_{i,T} − ln y_{i,0})/T = α + β ln y_{i,0} + γ'X_{i,0} + ε_i
with T the number of years between first and last observation. Absolute β-convergence: no
controls and no fixed effects; conditional: with controls and/or fixed effects
(``fixed_effects="unit"`` or ``"two-way"``, as least-squares dummy variables). β < 0 indicates
convergence; speed λ = −ln(1 + β·τ)/τ (τ = 1 for the panel, T for the cross-section) and
half-life ln 2/λ. OLS by statsmodels with robust standard errors (``cov_type``: ``"HC1"``
default, ``"HC0"``, ``"HC3"``, ``"cluster"`` by unit, ``"nonrobust"``).

**Spatial β-convergence** (``weights`` given): the SLX form adds the spatial lag of the initial
level, W ln y (Halleck Vega, S. & Elhorst, J. P. 2015, "The SLX model: extensions and the
sensitivity of spatial spillovers to W", *Journal of Regional Science* 55(3): 339–363;
Rey & Montouri 1999 for spatial convergence):

.. math::

    g_{i} = \alpha + \beta\\ln y_{i,0} + \theta\\sum_j w_{ij}\\ln y_{j,0} + \\gamma' X_i
    [+\\ \\mu_i\\ +\\ \\eta_t] + \varepsilon_i

estimated by OLS (term ``w_ln_y0``); W is aligned to the units of each starting year and
row-standardised unless ``transform="b"``. β (direct effect of the own level) gives the speed
and half-life; θ is the spillover of the neighbours' level. Units without neighbours are
handled by ``islands`` (as :mod:`.spatial_weights`).

σ-convergence of two units over three years, measure CV (ddof = 1): 2020 (1, 3) has
s = √2, mean 2, σ = 0.70711; 2021 (2, 3) has s = √0.5, mean 2.5, σ = 0.28284; 2022 (2, 2) has
σ = 0. With equally spaced years the OLS slope is (σ_2022 − σ_2020)/2 = −0.35355 (σ falls):

>>> import pandas as pd
>>> df = pd.DataFrame({"year": [2020, 2020, 2021, 2021, 2022, 2022],
...                    "y": [1.0, 3.0, 2.0, 3.0, 2.0, 2.0]})
>>> res = sigma_convergence(df, "y", "year")
>>> res.table["sigma"].round(5).tolist(), round(res.slope, 5)
([0.70711, 0.28284, 0.0], -0.35355)

Where to look
-------------
* Docs: ``docs/disparity.md`` §6 and §7 (spatial weights).
* Tests: ``tests/disparity/test_kde_convergence.py`` (σ and β on a converging panel),
  ``tests/disparity/test_disparity_results.py``, ``tests/disparity/test_disparity_degenerate.py``.
* CLI: ``xinzhi disparity convergence``, ``xinzhi analysis convergence``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, Literal

import numpy as np
import pandas as pd

from xinzhi.disparity._common import (
    DisparityResult,
    MissingPolicy,
    check_columns,
    iter_by,
    numeric_column,
)
from xinzhi.disparity.spatial_weights import IslandPolicy, WeightsTransform, align_weights
from xinzhi.errors import ComputationError

__all__ = [
    "BetaConvergenceResult",
    "SigmaConvergenceResult",
    "beta_convergence",
    "sigma_convergence",
]


@dataclass
class SigmaConvergenceResult(DisparityResult):
    """``table``: ``by, n, sigma``; ``slope``/``slope_p``: OLS trend of σ_t on ``by``."""

    table: pd.DataFrame
    slope: float
    slope_p: float

    title: ClassVar[str] = "σ收敛"
    headers: ClassVar[dict[str, str]] = {"by": "年份", "n": "样本量", "sigma": "σ值"}

    def tables(self) -> dict[str, pd.DataFrame]:
        trend = pd.DataFrame(
            {"statistic": ["slope", "p_value"], "value": [self.slope, self.slope_p]}
        )
        return {"σ收敛": self.table, "趋势": trend}

    def summary(self) -> str:
        verdict = "σ 收敛（离散程度下降）" if self.slope < 0 else "未呈现 σ 收敛"
        return (
            f"{super().summary()}\n趋势斜率 {self.slope:.6g}（p = {self.slope_p:.4g}）：{verdict}"
        )


def sigma_convergence(
    data: pd.DataFrame,
    value: str,
    year: str,
    *,
    measure: Literal["cv", "std_log", "std"] = "cv",
    ddof: int = 1,
    missing: MissingPolicy = "error",
) -> SigmaConvergenceResult:
    """σ_t per year and its linear trend (see module docstring)."""
    import statsmodels.api as sm

    check_columns(data, value, year)
    kept, dropped = numeric_column(data, value, missing, "σ收敛")
    rows = []
    for key, part in iter_by(kept, year):
        y = part[value].to_numpy()
        if y.size <= ddof:
            raise ComputationError(f"σ收敛：{year}={key} 的样本量不足")
        if measure == "cv":
            m = y.mean()
            if m == 0:
                raise ComputationError(f"σ收敛：{year}={key} 的均值为 0，变异系数无定义")
            sigma = float(np.std(y, ddof=ddof) / m)
        elif measure == "std_log":
            if np.any(y <= 0):
                raise ComputationError(f"σ收敛：{year}={key} 有非正值，无法取对数")
            sigma = float(np.std(np.log(y), ddof=ddof))
        elif measure == "std":
            sigma = float(np.std(y, ddof=ddof))
        else:
            raise ComputationError(f"measure 只能是 cv、std_log 或 std，收到 {measure!r}")
        rows.append({"by": key, "n": y.size, "sigma": sigma})
    table = pd.DataFrame(rows)
    if len(table) >= 3:
        fit = sm.OLS(
            table["sigma"].to_numpy(), sm.add_constant(table["by"].to_numpy(dtype=float))
        ).fit()
        slope, p = float(fit.params[1]), float(fit.pvalues[1])
    elif len(table) == 2:
        slope = float(np.diff(table["sigma"])[0] / np.diff(table["by"].to_numpy(dtype=float))[0])
        p = 1.0
    else:
        raise ComputationError("σ收敛至少需要 2 个年份")
    return SigmaConvergenceResult(
        table=table,
        slope=slope,
        slope_p=p,
        options={
            "value": value,
            "year": year,
            "measure": measure,
            "ddof": ddof,
            "missing": missing,
        },
        notes=[f"删除了 {len(dropped)} 行缺失值"] if len(dropped) else [],
    )


@dataclass
class BetaConvergenceResult(DisparityResult):
    """``coefficients``: ``term, coef, se, t, p``; ``stats``: β, speed, half-life, n, R²."""

    coefficients: pd.DataFrame
    stats: pd.DataFrame
    model: Any  # statsmodels results

    title: ClassVar[str] = "β收敛"
    headers: ClassVar[dict[str, str]] = {
        "term": "变量",
        "coef": "系数",
        "se": "稳健标准误",
        "t": "t值",
        "p": "p值",
        "statistic": "统计量",
        "value": "取值",
    }

    def tables(self) -> dict[str, pd.DataFrame]:
        return {"系数": self.coefficients, "统计量": self.stats}

    @property
    def beta(self) -> float:
        """The convergence coefficient β."""
        coef = self.coefficients.loc[self.coefficients["term"] == "ln_y0", "coef"]
        return float(coef.to_numpy(dtype=float)[0])


def beta_convergence(
    data: pd.DataFrame,
    value: str,
    unit: str,
    year: str,
    *,
    controls: list[str] | None = None,
    kind: Literal["panel", "cross-section"] = "panel",
    fixed_effects: Literal["none", "unit", "two-way"] = "none",
    cov_type: Literal["HC0", "HC1", "HC3", "cluster", "nonrobust"] = "HC1",
    weights: Any = None,
    transform: WeightsTransform = "r",
    islands: IslandPolicy = "drop",
) -> BetaConvergenceResult:
    """Absolute (no controls, no fixed effects) or conditional β-convergence regression; with
    ``weights`` (libpysal W, :class:`~xinzhi.disparity.spatial_weights.MatrixWeights` …) the
    spatial SLX form with the term ``w_ln_y0`` = Σ_j w_ij ln y_j0 (module docstring)."""
    import statsmodels.api as sm

    controls = list(controls or [])
    check_columns(data, value, unit, year, *controls)
    df = data[[unit, year, value, *controls]].copy()
    df[value] = pd.to_numeric(df[value], errors="coerce")
    if df[[value, *controls]].isna().any().any():
        raise ComputationError("β收敛：变量或控制变量含缺失值，请先处理")
    if (df[value] <= 0).any():
        raise ComputationError("β收敛：变量必须为正（需要取对数）")
    if df.duplicated([unit, year]).any():
        raise ComputationError("β收敛：同一单元同一年份出现多行")
    df = df.sort_values([unit, year])
    df["ln_y0"] = np.log(df[value])
    tau = 1.0
    if kind == "panel":
        nxt = df.groupby(unit)[value].shift(-1)
        gap = df.groupby(unit)[year].shift(-1) - df[year]
        df["growth"] = np.log(nxt / df[value]) / gap
        df = df.dropna(subset=["growth"])
    elif kind == "cross-section":
        if fixed_effects == "two-way":
            raise ComputationError("截面 β 收敛不能使用双向固定效应")
        if fixed_effects == "unit":
            raise ComputationError("截面 β 收敛每个单元只有一个观测，不能使用个体固定效应")
        first = df.groupby(unit).head(1).set_index(unit)
        last = df.groupby(unit).tail(1).set_index(unit)
        span = (last[year] - first[year]).astype(float)
        if (span <= 0).any():
            raise ComputationError("β收敛：有单元只有一个年份的观测")
        if span.nunique() > 1:
            raise ComputationError("β收敛：各单元的起止年份不同，截面回归要求同一观测期")
        tau = float(span.to_numpy()[0])
        df = first.assign(growth=np.log(last[value] / first[value]) / span).reset_index()
    else:
        raise ComputationError(f"kind 只能是 panel 或 cross-section，收到 {kind!r}")
    notes: list[str] = []
    lag_terms: list[str] = []
    if weights is not None:
        df, notes = _spatial_lag(df, unit, year, weights, transform, islands)
        lag_terms = ["w_ln_y0"]
    if len(df) < 3 + len(controls) + len(lag_terms):
        raise ComputationError("β收敛：观测值太少，无法回归")
    x = df[["ln_y0", *lag_terms, *controls]].astype(float)
    if fixed_effects in ("unit", "two-way"):
        x = x.join(pd.get_dummies(df[unit], prefix="unit", drop_first=True, dtype=float))
    if fixed_effects == "two-way":
        x = x.join(pd.get_dummies(df[year], prefix="year", drop_first=True, dtype=float))
    elif fixed_effects not in ("none", "unit"):
        raise ComputationError(
            f"fixed_effects 只能是 none、unit 或 two-way，收到 {fixed_effects!r}"
        )
    x = sm.add_constant(x, has_constant="add")
    model = sm.OLS(df["growth"].to_numpy(dtype=float), x)
    if cov_type == "cluster":
        codes = pd.factorize(df[unit])[0]
        fit = model.fit(cov_type="cluster", cov_kwds={"groups": codes})
    else:
        fit = model.fit(cov_type=cov_type)
    keep = ["const", "ln_y0", *lag_terms, *controls]
    coefs = pd.DataFrame(
        {
            "term": keep,
            "coef": fit.params[keep].to_numpy(),
            "se": fit.bse[keep].to_numpy(),
            "t": fit.tvalues[keep].to_numpy(),
            "p": fit.pvalues[keep].to_numpy(),
        }
    )
    beta = float(fit.params["ln_y0"])
    inside = 1.0 + beta * tau
    speed = -np.log(inside) / tau if inside > 0 and beta < 0 else 0.0
    half = float(np.log(2) / speed) if speed > 0 else float("inf")
    stats_df = pd.DataFrame(
        {
            "statistic": ["beta", "speed", "half_life", "n", "r2"],
            "value": [beta, speed, half, float(fit.nobs), float(fit.rsquared)],
        }
    )
    if beta >= 0:
        notes.append("β ≥ 0：不存在 β 收敛（收敛速度记为 0，半衰期记为 ∞）")
    return BetaConvergenceResult(
        coefficients=coefs,
        stats=stats_df,
        model=fit,
        options={
            "value": value,
            "unit": unit,
            "year": year,
            "controls": controls,
            "kind": kind,
            "fixed_effects": fixed_effects,
            "cov_type": cov_type,
            "type": "conditional" if controls or fixed_effects != "none" else "absolute",
            "spatial": "slx" if weights is not None else "none",
            "transform": transform if weights is not None else None,
        },
        notes=notes,
    )


def _spatial_lag(
    df: pd.DataFrame,
    unit: str,
    year: str,
    weights: Any,
    transform: WeightsTransform,
    islands: IslandPolicy,
) -> tuple[pd.DataFrame, list[str]]:
    """``df`` (one row per unit and starting year) with ``w_ln_y0`` = Σ_j w_ij ln y_j0 over the
    units of the same starting year; islands dropped, kept (lag 0) or refused."""
    parts = []
    notes: list[str] = []
    for key, part in df.groupby(year, sort=True):  # loop over starting years, not units
        aw = align_weights(
            weights,
            part[unit].astype(str).tolist(),
            transform=transform,
            islands=islands,
            where=f"（{year}={key}）",
        )
        if aw.islands:
            verb = "已删除" if islands == "drop" else "保留（空间滞后为 0）"
            notes.append(
                f"{year}={key}：{len(aw.islands)} 个孤岛单元{verb}：{'、'.join(aw.islands[:10])}"
            )
        kept = part[aw.keep]
        parts.append(kept.assign(w_ln_y0=aw.matrix @ kept["ln_y0"].to_numpy(dtype=float)))
    return pd.concat(parts), notes
