"""Trend tests and change points of county indicator series: the Mann–Kendall test with Sen's
slope over many series at once, and change points (ruptures) on the longer series.

Mann–Kendall (Mann 1945, *Econometrica* 13(3): 245–259; Kendall 1975, *Rank Correlation
Methods*), as computed by ``pymannkendall.original_test`` (Hussain & Mahmud 2019, *JOSS* 4(39):
1556), for a series ``x_1 … x_n`` without its missing values::

    S      = Σ_{i<j} sign(x_j − x_i)
    Var(S) = [n(n−1)(2n+5) − Σ_g t_g(t_g−1)(2t_g+5)] / 18      (t_g: size of tie group g)
    z      = (S − 1)/√Var(S) if S > 0;  0 if S = 0;  (S + 1)/√Var(S) if S < 0
    p      = 2·(1 − Φ(|z|));   τ = S / (n(n−1)/2)

trend 上升 / 下降 when p < α (default 0.05), else 无显著趋势. Sen's slope (Sen 1968, *JASA*
63(324): 1379–1389) is the median of ``(x_j − x_i)/(t_j − t_i)`` over all pairs with both
values, ``t`` the year; its intercept ``median(x) − median(t − t_0)·slope`` with ``t_0`` the
first year of the panel (pymannkendall's ``sens_slope`` on the full series, NaN kept in place).
S, the ties and the slopes are computed for all series at once over the pair axis; the test
suite checks them against pymannkendall on samples and on its documented example.

Change points: ruptures (Truong, Oudre & Vayatis 2020, *Signal Processing* 167: 107299) PELT
(Killick, Fearnhead & Eckley 2012, *JASA* 107(500): 1590–1598) with the least-squares cost —
``ruptures.KernelCPD(kernel="linear")``, ruptures' compiled PELT whose linear-kernel cost is
the within-segment sum of squares (the ``l2`` cost) — on series with at least ``min_length``
values; segments have at least ``min_size`` (default 3) years. Penalty per change point::

    pen = β · σ̂² · ln n,    σ̂ = 1.4826 · MAD(Δx) / √2

(β = 2 by default: the BIC/SIC penalty of a mean change in Gaussian noise, σ̂ the noise
standard deviation estimated robustly from the first differences, which a level shift barely
affects; floored at 5 % of the series' standard deviation so that a noiseless series does not
get a zero penalty). A change point is reported as the first year of the new segment.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np
import pandas as pd
from scipy.special import ndtr

from xinzhi.errors import InputError
from xinzhi.monitor.panel import Cube, directions_array, to_cube
from xinzhi.monitor.signals import growth
from xinzhi.results import Result

__all__ = ["Trends", "change_points", "mann_kendall", "trends"]


def mann_kendall(x: Any, years: Any = None, alpha: float = 0.05) -> dict[str, np.ndarray]:
    """Mann–Kendall test and Sen's slope of every row of ``x`` (series × years; NaN missing).

    Parameters
    ----------
    x : array, shape (m, n)
        One series per row.
    years : array, shape (n,), optional
        Time of each column (default 0 … n−1); slopes are per unit of it.
    alpha : float
        Significance level of the ``trend`` verdict.

    Returns
    -------
    dict of arrays, shape (m,)
        ``n, s, var_s, z, p, tau, slope, intercept, trend`` (trend: 1 上升, −1 下降, 0 none;
        NaN statistics for a series with fewer than 3 values).

    Examples
    --------
    By hand for 1, 2, 2, 5, 4: of the 10 pairs 8 rise, 1 falls, 1 ties → S = 7; one tie group
    of size 2 → Var(S) = (5·4·15 − 2·1·9)/18 = 282/18; the pair slopes −1, 0, 0.5, 2/3, 0.75, 1,
    1, 4/3, 1.5, 3 have median (0.75 + 1)/2 = 0.875:

    >>> r = mann_kendall([[1.0, 2.0, 2.0, 5.0, 4.0]])
    >>> int(r["s"][0]), round(float(r["var_s"][0]), 4), float(r["slope"][0])
    (7, 15.6667, 0.875)
    """
    arr = np.atleast_2d(np.asarray(x, dtype="float64"))
    n = arr.shape[1]
    t = np.arange(n, dtype="float64") if years is None else np.asarray(years, dtype="float64")
    i, j = np.triu_indices(n, k=1)
    diff = arr[:, j] - arr[:, i]  # NaN where either is missing
    s = np.nansum(np.sign(diff), axis=1)
    valid = ~np.isnan(arr)
    cnt = valid.sum(axis=1).astype("float64")
    # ties: Σ_g t_g(t_g−1)(2t_g+5) = Σ over values of (t_e−1)(2t_e+5), t_e the size of its group
    eq = (arr[:, :, None] == arr[:, None, :]).sum(axis=2).astype("float64")  # NaN never equal
    tie = np.where(valid, (eq - 1.0) * (2.0 * eq + 5.0), 0.0).sum(axis=1)
    var_s = (cnt * (cnt - 1) * (2 * cnt + 5) - tie) / 18.0
    with np.errstate(invalid="ignore", divide="ignore"):
        sd = np.sqrt(var_s)
        z = np.where(s > 0, (s - 1) / sd, np.where(s < 0, (s + 1) / sd, 0.0))
        p = 2.0 * (1.0 - ndtr(np.abs(z)))
        tau = s / (0.5 * cnt * (cnt - 1))
        slopes = diff / (t[j] - t[i])
    few = cnt < 3
    ok = ~few
    slope = np.where(ok, _nanmedian(slopes), np.nan)
    rel = t - t[0]
    pos = np.where(valid, rel[None, :], np.nan)
    with np.errstate(invalid="ignore"):
        intercept = np.where(ok, _nanmedian(arr) - _nanmedian(pos) * slope, np.nan)
    trend = np.where((p < alpha) & ok, np.sign(s), 0).astype("int8")
    nan = np.where(few, np.nan, 1.0)
    return {
        "n": cnt.astype("int64"),
        "s": s * nan,
        "var_s": var_s * nan,
        "z": z * nan,
        "p": p * nan,
        "tau": tau * nan,
        "slope": slope,
        "intercept": intercept,
        "trend": trend,
    }


def _nanmedian(a: np.ndarray) -> np.ndarray:
    """Median of each row ignoring NaN (NaN for an all-NaN row): rows without NaN by a
    partition (linear time), the others by one sort."""
    if a.shape[1] == 0:
        return np.full(a.shape[0], np.nan)
    full = ~np.isnan(a).any(axis=1)
    if full.all() or not full.any():
        return _nanmedian_rows(a) if not full.all() else _median_full(a)
    out = np.empty(a.shape[0])
    out[full] = _median_full(a[full])
    out[~full] = _nanmedian_rows(a[~full])
    return out


def _median_full(a: np.ndarray) -> np.ndarray:
    k = a.shape[1]
    lo, hi = (k - 1) // 2, k // 2
    part = np.partition(a, [lo, hi], axis=1)
    return (part[:, lo] + part[:, hi]) / 2


def _nanmedian_rows(a: np.ndarray) -> np.ndarray:
    srt = np.sort(a, axis=1)  # NaN last
    n = (~np.isnan(a)).sum(axis=1)
    lo = np.clip((n - 1) // 2, 0, None)[:, None]
    hi = np.clip(n // 2, 0, None)[:, None]
    med = (np.take_along_axis(srt, lo, axis=1) + np.take_along_axis(srt, hi, axis=1))[:, 0] / 2
    return np.where(n > 0, med, np.nan)


def _noise_sd(x: np.ndarray) -> np.ndarray:
    """σ̂ of every row of a dense array: 1.4826·MAD(Δx)/√2, at least 5 % of the row's SD."""
    d = np.diff(x, axis=1)
    med = np.median(d, axis=1, keepdims=True)
    mad = np.median(np.abs(d - med), axis=1)
    return np.maximum(1.4826 * mad / np.sqrt(2.0), 0.05 * np.std(x, axis=1))


def _optimal_partition(x: np.ndarray, pen: np.ndarray, min_size: int) -> np.ndarray:
    """Exact minimiser of Σ_segments SSE + pen·(number of change points) for every row of a
    dense array (optimal partitioning, Jackson et al. 2005 — the solution PELT finds, computed
    for all rows at once); returns change-point positions (start of a new segment), −1 padded.
    """
    m, n = x.shape
    z = x - x.mean(axis=1, keepdims=True)
    s1 = np.pad(np.cumsum(z, axis=1), ((0, 0), (1, 0)))
    s2 = np.pad(np.cumsum(z * z, axis=1), ((0, 0), (1, 0)))
    best = np.full((m, n + 1), np.inf)
    best[:, 0] = -pen
    last = np.zeros((m, n + 1), dtype="int64")
    for t in range(min_size, n + 1):  # over positions, not series
        starts = np.array([0, *range(min_size, t - min_size + 1)])
        length = (t - starts).astype("float64")
        a = s1[:, [t]] - s1[:, starts]
        cost = s2[:, [t]] - s2[:, starts] - a * a / length
        total = best[:, starts] + cost + pen[:, None]
        k = np.argmin(total, axis=1)
        best[:, t] = total[np.arange(m), k]
        last[:, t] = starts[k]
    out = np.full((m, n // min_size), -1, dtype="int64")
    pos = np.full(m, n)
    rows = np.arange(m)
    for j in range(out.shape[1]):  # over change points, at most n / min_size
        s = last[rows, pos]
        out[:, j] = np.where(s > 0, s, -1)
        pos = s
    return out[:, ::-1]


def change_points(
    x: Any,
    years: Any,
    *,
    min_length: int = 10,
    min_size: int = 3,
    penalty: float = 2.0,
) -> list[list[int]]:
    """Change points of every row of ``x`` (series × years) with at least ``min_length``
    values, as the first year of each new segment (see the module docstring; rows with fewer
    values get an empty list).

    The minimiser of ``SSE + pen·K`` is computed for all series at once (optimal partitioning,
    the exact solution PELT finds); the tests check it against ``ruptures.KernelCPD(kernel=
    "linear")`` (ruptures' PELT with the least-squares cost) on samples, and the benchmark on
    thousands of series.

    Examples
    --------
    示例数据: a mean shift from 0 to 1 in 2015, noise ±0.05:

    >>> x = [0.05, -0.05, 0.0, 0.05, -0.05, 1.05, 0.95, 1.0, 1.05, 0.95, 1.0]
    >>> change_points([x], range(2010, 2021))
    [[2015]]
    """
    if min_size < 2 or min_length < 2 * min_size:
        raise InputError(
            f"变点检测：最短分段 min_size 至少 2，序列最短长度 min_length 至少为其 2 倍，"
            f"收到 {min_size}、{min_length}"
        )
    if penalty <= 0:
        raise InputError(f"变点检测的惩罚系数 penalty 应为正数，收到 {penalty}")
    arr = np.atleast_2d(np.asarray(x, dtype="float64"))
    yrs = np.asarray(years)
    out: list[list[int]] = [[] for _ in range(arr.shape[0])]
    valid = ~np.isnan(arr)
    count = valid.sum(axis=1)
    for n_v in np.unique(count[count >= min_length]):  # over series lengths (few)
        rows = np.flatnonzero(count == n_v)
        dense = arr[rows][valid[rows]].reshape(len(rows), n_v)
        where = np.nonzero(valid[rows])[1].reshape(len(rows), n_v)
        sd = _noise_sd(dense)
        pen = penalty * sd * sd * np.log(n_v)
        bk = _optimal_partition(dense, pen, min_size)
        bk[sd == 0] = -1  # a constant series has no change point
        has = np.flatnonzero((bk >= 0).any(axis=1))
        for r in has:  # only series with a change point
            out[rows[r]] = [int(yrs[where[r, b]]) for b in bk[r] if b >= 0]
    return out


@dataclass
class Trends(Result):
    """Trend test, Sen's slope and change points of every county × indicator series.

    ``tables()``: 趋势 — ``region_code, indicator, n, s, var_s, z, p, tau, slope, intercept,
    trend`` (上升 / 下降 / 无显著趋势), ``assessment`` (向好 / 向差 / 平稳: the trend read in the
    indicator's favourable direction), ``change_points`` (years, "、"-separated).
    """

    table: pd.DataFrame
    alpha: float
    basis: str
    years: tuple[int, int]
    changepoint_options: dict[str, Any] | None
    names: dict[str, str] = field(default_factory=dict)
    synthetic: bool = False
    notes: Sequence[str] = ()

    headers: ClassVar[dict[str, str]] = {
        "region_code": "区划代码",
        "county": "县级单位",
        "indicator": "指标代码",
        "indicator_name": "指标",
        "n": "年数",
        "s": "S 统计量",
        "var_s": "Var(S)",
        "z": "Z",
        "p": "P 值",
        "tau": "Kendall τ",
        "slope": "Sen 斜率（每年）",
        "intercept": "截距",
        "trend": "趋势",
        "assessment": "判断",
        "change_points": "变点年份",
    }

    def tables(self) -> dict[str, pd.DataFrame]:
        return {"趋势": self.table}

    def info_table(self) -> pd.DataFrame:
        rows = [
            ("趋势检验", f"Mann–Kendall 检验（显著性水平 {self.alpha:g}），Sen 斜率"),
            ("口径", "同比增速" if self.basis == "growth" else "水平值"),
        ]
        if self.changepoint_options:
            o = self.changepoint_options
            rows.append(
                (
                    "变点检测",
                    f"ruptures PELT（最小二乘代价），惩罚 {o['penalty']:g}·σ̂²·ln n，"
                    f"最短分段 {o['min_size']} 年，序列至少 {o['min_length']} 年",
                )
            )
        return pd.DataFrame(rows, columns=["项目", "说明"])

    def summary(self) -> str:
        t = self.table
        up = int((t["trend"] == "上升").sum())
        down = int((t["trend"] == "下降").sum())
        good = int((t["assessment"] == "向好").sum())
        bad = int((t["assessment"] == "向差").sum())
        lines = [
            f"趋势检验（Mann–Kendall，α = {self.alpha:g}；"
            f"{'同比增速' if self.basis == 'growth' else '水平值'}，{self.years[0]}–{self.years[1]} 年）："
            f"{len(t)} 条序列",
            f"显著上升 {up} 条、显著下降 {down} 条；按指标方向：向好 {good} 条、向差 {bad} 条",
        ]
        if self.changepoint_options is not None:
            n_cp = int((t["change_points"] != "").sum())
            lines.append(f"有变点的序列 {n_cp} 条（ruptures PELT）")
        return self.labelled("\n".join(lines))


def trends(
    panel: pd.DataFrame,
    *,
    directions: Mapping[str, str] | None = None,
    basis: str = "level",
    alpha: float = 0.05,
    changepoints: bool = True,
    min_length: int = 10,
    min_size: int = 3,
    penalty: float = 2.0,
    names: Mapping[str, str] | None = None,
    county_names: Mapping[str, str] | None = None,
    synthetic: bool = False,
) -> Trends:
    """Mann–Kendall trend, Sen's slope and (optionally) change points of every county ×
    indicator series of a long panel (``region_code, indicator, year, value``).

    ``basis``: test the ``level`` (default) or the year-on-year ``growth``. Change points are
    searched on series with at least ``min_length`` values (module docstring).

    Examples
    --------
    >>> p = pd.DataFrame({"region_code": "A", "indicator": "x", "year": range(2016, 2021),
    ...                   "value": [1.0, 2.0, 2.0, 5.0, 4.0]})
    >>> trends(p, changepoints=False).tidy()[["s", "slope", "trend"]].values.tolist()
    [[7.0, 0.875, '无显著趋势']]
    """
    if basis not in ("level", "growth"):
        raise InputError(f"趋势口径 basis 只能是 level 或 growth，收到 {basis!r}")
    if not 0 < alpha < 1:
        raise InputError(f"显著性水平 alpha 应在 0 与 1 之间，收到 {alpha}")
    cube: Cube = to_cube(panel)
    d = directions_array(cube.indicators, directions)
    vals = growth(cube.values) if basis == "growth" else cube.values
    c, i, t = vals.shape
    flat = vals.reshape(c * i, t)
    has = (~np.isnan(flat)).sum(axis=1) > 0
    res = mann_kendall(flat[has], cube.years, alpha)
    table = pd.DataFrame(
        {
            "region_code": np.repeat(cube.codes, i)[has],
            "indicator": np.tile(cube.indicators, c)[has],
            **{k: v for k, v in res.items() if k != "trend"},
        }
    )
    sign = res["trend"].astype("int64")
    table["trend"] = np.select([sign > 0, sign < 0], ["上升", "下降"], "无显著趋势")
    fav = sign * np.tile(d, c)[has]
    table["assessment"] = np.select([fav > 0, fav < 0], ["向好", "向差"], "平稳")
    cp_opts: dict[str, Any] | None = None
    if changepoints:
        cp_opts = {"min_length": min_length, "min_size": min_size, "penalty": penalty}
        cps = change_points(
            flat[has], cube.years, min_length=min_length, min_size=min_size, penalty=penalty
        )
        table["change_points"] = ["、".join(str(y) for y in cp) for cp in cps]
    else:
        table["change_points"] = ""
    if names:
        table.insert(
            2, "indicator_name", table["indicator"].map(dict(names)).fillna(table["indicator"])
        )
    if county_names:
        table.insert(1, "county", table["region_code"].map(dict(county_names)))
    return Trends(
        table=table,
        alpha=alpha,
        basis=basis,
        years=(int(cube.years[0]), int(cube.years[-1])),
        changepoint_options=cp_opts,
        names=dict(names or {}),
        synthetic=synthetic,
    )
