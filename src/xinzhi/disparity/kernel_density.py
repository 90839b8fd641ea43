"""Kernel density estimates per year on a common grid, with peak count and locations.

.. math::

    \\hat f(x) = \\frac{1}{n h}\\sum_{i=1}^n K\\!\\left(\\frac{x - y_i}{h}\\right)

Kernels: ``"gaussian"`` K(u) = φ(u); ``"epanechnikov"`` K(u) = ¾(1 − u²) on |u| ≤ 1;
``"epanechnikov_stata"`` K(u) = ¾(1 − u²/5)/√5 on |u| ≤ √5 (Stata ``kdensity``'s default
kernel, unit variance).

Bandwidths (Silverman, B. W. 1986, *Density Estimation for Statistics and Data Analysis*,
Chapman & Hall, eq. 3.31; s = sample standard deviation, ddof = 1):

* ``"silverman"``: h = 0.9 · min(s, IQR/1.34) · n^(−1/5);
* ``"stata"``: h = 0.9 · min(s, IQR/1.349) · n^(−1/5) (Stata ``kdensity`` default);
* ``"scott"``: h = s · n^(−1/5) (``scipy.stats.gaussian_kde`` default; reproduces the peak heights
  of the replication study "green");
* a positive number: that h.

The grid is common to all years (for 2-D curves and 3-D surfaces): ``grid_size`` points from
min − ``cut``·h_max to max + ``cut``·h_max over the whole panel, unless ``grid_range`` is given.
Peaks are the grid's strict local maxima whose height is at least ``peak_threshold`` × the
year's highest density (default 0.05, to ignore tail ripples); the main peak is the highest.

For (1, 2, 3, 4, 5): s = √2.5 = 1.58114, IQR = 4 − 2 = 2, n^(−1/5) = 0.72478, so Scott's
h = 1.58114·0.72478 = 1.14598 and Silverman's h = 0.9·min(1.58114, 2/1.34)·0.72478 = 0.97358.
A Gaussian density of (−1, 1) with h = 1 at x = 0 is (φ(1) + φ(1))/2 = φ(1) = 0.24197:

>>> import numpy as np
>>> y = np.array([1.0, 2.0, 3.0, 4.0, 5.0])
>>> round(bandwidth(y, "scott"), 5), round(bandwidth(y, "silverman"), 5)
(1.14598, 0.97358)
>>> f = kernel_density_arrays(np.array([-1.0, 1.0]), np.array([0.0]), 1.0, "gaussian")
>>> round(float(f[0]), 5)
0.24197

Where to look
-------------
* Docs: ``docs/disparity.md`` §3.
* Tests: ``tests/disparity/test_kde_convergence.py`` (bandwidth rules, integral = 1, scipy
  agreement, two peaks), ``tests/disparity/test_disparity_green.py`` (green study statistics).
* CLI: ``xinzhi disparity kde``, ``xinzhi analysis kde``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, Literal

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from scipy import stats

from xinzhi.disparity._common import (
    DisparityResult,
    MissingPolicy,
    check_columns,
    iter_by,
    numeric_column,
)
from xinzhi.errors import ComputationError

__all__ = ["KDEResult", "bandwidth", "kernel_density", "kernel_density_arrays"]

Kernel = Literal["gaussian", "epanechnikov", "epanechnikov_stata"]
Bandwidth = Literal["silverman", "stata", "scott"] | float


def bandwidth(values: NDArray[np.float64], rule: Bandwidth) -> float:
    """Bandwidth h by ``rule`` (see module docstring)."""
    y = np.asarray(values, dtype=float)
    n = y.size
    if not isinstance(rule, str):
        h = float(rule)
        if not h > 0:
            raise ComputationError("带宽必须为正数")
        return h
    if n < 2:
        raise ComputationError("核密度估计至少需要 2 个观测值")
    s = float(np.std(y, ddof=1))
    iqr = float(np.subtract(*np.quantile(y, [0.75, 0.25])))
    if rule == "scott":
        spread = s
        factor = 1.0
    elif rule in ("silverman", "stata"):
        div = 1.34 if rule == "silverman" else 1.349
        spread = min(s, iqr / div) if iqr > 0 else s
        factor = 0.9
    else:
        raise ComputationError(f"带宽规则只能是 silverman、stata、scott 或正数，收到 {rule!r}")
    if not spread > 0:
        raise ComputationError(
            "所有观测值相同（标准差为 0），无法按经验规则选择带宽；请给定带宽数值"
        )
    return factor * spread * n ** (-0.2)


def _kernel(u: NDArray[np.float64], kernel: Kernel) -> NDArray[np.float64]:
    if kernel == "gaussian":
        return np.asarray(stats.norm.pdf(u))
    if kernel == "epanechnikov":
        return np.where(np.abs(u) <= 1, 0.75 * (1 - u * u), 0.0)
    if kernel == "epanechnikov_stata":
        return np.where(np.abs(u) <= np.sqrt(5), 0.75 * (1 - u * u / 5) / np.sqrt(5), 0.0)
    raise ComputationError(
        f"核函数只能是 gaussian、epanechnikov 或 epanechnikov_stata，收到 {kernel!r}"
    )


def kernel_density_arrays(
    values: NDArray[np.float64], grid: NDArray[np.float64], h: float, kernel: Kernel
) -> NDArray[np.float64]:
    """Density of ``values`` at the points ``grid`` with bandwidth ``h``."""
    y = np.asarray(values, dtype=float)
    u = (grid[:, None] - y[None, :]) / h
    return _kernel(u, kernel).sum(axis=1) / (y.size * h)


def _peaks(grid: NDArray[np.float64], f: NDArray[np.float64], threshold: float) -> NDArray[np.intp]:
    inner = np.flatnonzero((f[1:-1] > f[:-2]) & (f[1:-1] >= f[2:])) + 1
    if f.size > 1 and f[0] > f[1]:
        inner = np.r_[0, inner]
    if f.size > 1 and f[-1] > f[-2]:
        inner = np.r_[inner, f.size - 1]
    return inner[f[inner] >= threshold * f.max()]


@dataclass
class KDEResult(DisparityResult):
    """Kernel densities.

    ``grid``: long table ``by, x, density`` (same x for every year); ``peaks``: ``by, rank, x,
    density`` (rank 1 = main peak); ``stats``: ``by, n, mean, std, skewness, kurtosis, min, max,
    bandwidth, n_peaks, main_peak_x, main_peak_density`` (skewness/kurtosis: moment estimators,
    excess kurtosis, as scipy's defaults).
    """

    grid: pd.DataFrame
    peaks: pd.DataFrame
    stats: pd.DataFrame

    title: ClassVar[str] = "核密度估计"
    headers: ClassVar[dict[str, str]] = {
        "by": "分组变量值",
        "x": "取值",
        "density": "密度",
        "rank": "峰序",
        "n": "样本量",
        "mean": "均值",
        "std": "标准差",
        "skewness": "偏度",
        "kurtosis": "峰度",
        "min": "最小值",
        "max": "最大值",
        "bandwidth": "带宽",
        "n_peaks": "峰数",
        "main_peak_x": "主峰位置",
        "main_peak_density": "主峰高度",
    }

    def tables(self) -> dict[str, pd.DataFrame]:
        return {"统计量": self.stats, "峰": self.peaks, "密度网格": self.grid}

    def surface(self) -> pd.DataFrame:
        """Wide grid (rows = x, columns = by) for 3-D surface charts."""
        return self.grid.pivot(index="x", columns="by", values="density")


def kernel_density(
    data: pd.DataFrame,
    value: str,
    by: str | None = None,
    *,
    kernel: Kernel = "gaussian",
    bandwidth_rule: Bandwidth = "silverman",
    grid_size: int = 512,
    grid_range: tuple[float, float] | None = None,
    cut: float = 3.0,
    peak_threshold: float = 0.05,
    missing: MissingPolicy = "error",
) -> KDEResult:
    """Kernel density of ``value`` for every ``by`` value on one common grid (see module doc)."""
    check_columns(data, value, by)
    kept, dropped = numeric_column(data, value, missing, "核密度估计")
    if grid_size < 3:
        raise ComputationError("网格点数（grid_size）至少为 3")
    parts = list(iter_by(kept, by))
    if not parts:
        raise ComputationError("核密度估计：没有观测值")
    hs: dict[Any, float] = {}
    for key, part in parts:
        where = "" if by is None else f"（{by}={key}）"
        try:
            hs[key] = bandwidth(part[value].to_numpy(), bandwidth_rule)
        except ComputationError as exc:
            raise ComputationError(f"{exc}{where}") from exc
    allv = kept[value].to_numpy()
    if grid_range is None:
        pad = cut * max(hs.values()) * (np.sqrt(5) if kernel == "epanechnikov_stata" else 1.0)
        lo, hi = float(allv.min()) - pad, float(allv.max()) + pad
    else:
        lo, hi = map(float, grid_range)
        if not hi > lo:
            raise ComputationError("网格范围（grid_range）的上限必须大于下限")
    grid = np.linspace(lo, hi, grid_size)
    grids, peaks, rows = [], [], []
    for key, part in parts:
        y = part[value].to_numpy()
        f = kernel_density_arrays(y, grid, hs[key], kernel)
        pk = _peaks(grid, f, peak_threshold)
        order = pk[np.argsort(-f[pk], kind="stable")]
        grids.append(pd.DataFrame({"by": key, "x": grid, "density": f}))
        peaks.append(
            pd.DataFrame(
                {
                    "by": key,
                    "rank": np.arange(1, order.size + 1),
                    "x": grid[order],
                    "density": f[order],
                }
            )
        )
        rows.append(
            {
                "by": key,
                "n": y.size,
                "mean": float(y.mean()),
                "std": float(np.std(y, ddof=1)),
                "skewness": float(stats.skew(y)) if np.ptp(y) > 0 else 0.0,
                "kurtosis": float(stats.kurtosis(y)) if np.ptp(y) > 0 else 0.0,
                "min": float(y.min()),
                "max": float(y.max()),
                "bandwidth": hs[key],
                "n_peaks": int(order.size),
                "main_peak_x": float(grid[order[0]]),
                "main_peak_density": float(f[order[0]]),
            }
        )
    return KDEResult(
        grid=pd.concat(grids, ignore_index=True),
        peaks=pd.concat(peaks, ignore_index=True),
        stats=pd.DataFrame(rows),
        options={
            "value": value,
            "by": by,
            "kernel": kernel,
            "bandwidth": bandwidth_rule,
            "grid_size": grid_size,
            "grid_range": (lo, hi),
            "cut": cut,
            "peak_threshold": peak_threshold,
            "missing": missing,
        },
        notes=[f"删除了 {len(dropped)} 行缺失值"] if len(dropped) else [],
    )
