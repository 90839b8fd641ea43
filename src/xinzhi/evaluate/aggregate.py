"""Aggregation (综合评价) of a normalised, direction-adjusted matrix ``z`` with weights ``w``.

``groups`` (one integer per row, e.g. the year) makes TOPSIS ideals and the grey reference
sequence per group; ``None`` pools them over the whole panel.

Formulas (docs/evaluate.md §4): weighted sum ``S_i = Σ_j w_j z_ij``; TOPSIS (Hwang & Yoon 1981)
``C_i = D⁻_i/(D⁺_i + D⁻_i)`` with Euclidean distances of ``v_ij = w_j z_ij`` to the column max /
min; grey relational grade (Deng 1982) ``γ_i = Σ_j w_j ξ_ij``,
``ξ_ij = (Δmin + ρΔmax)/(Δ_ij + ρΔmax)``.

TOPSIS of three units on two indicators with w = (0.6, 0.4): v = (0.6, 0), (0, 0.4), (0.3, 0.2);
v⁺ = (0.6, 0.4), v⁻ = (0, 0). Unit 1: D⁺ = 0.4, D⁻ = 0.6, C = 0.6; unit 2: D⁺ = 0.6, D⁻ = 0.4,
C = 0.4; unit 3: D⁺ = D⁻ = √0.13, C = 0.5:

>>> import numpy as np
>>> z = np.array([[1.0, 0.0], [0.0, 1.0], [0.5, 0.5]])
>>> aggregate("topsis", z, np.array([0.6, 0.4])).round(4).tolist()
[0.6, 0.4, 0.5]

Where to look
-------------
* Docs: ``docs/evaluate.md`` §4 (集成).
* Tests: ``tests/evaluate/test_eval_methods.py`` (Papathanasiou & Ploskas 2018 TOPSIS, grey by
  hand), ``tests/evaluate/test_eval_invariants.py``, ``tests/evaluate/test_eval_green.py``.
* CLI: ``xinzhi evaluate --aggregate weighted-sum|topsis|grey``.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from xinzhi.errors import ComputationError, ConfigError
from xinzhi.evaluate._groups import Array, group_stat

__all__ = [
    "AGGREGATIONS",
    "aggregate",
    "grey_coefficients",
    "grey_relational",
    "topsis",
    "topsis_distances",
    "weighted_sum",
]

AGGREGATIONS = ("weighted-sum", "topsis", "grey")


def weighted_sum(z: Array, w: Array) -> Array:
    r"""Linear weighted sum (线性加权): :math:`S_i = \sum_j w_j z_{ij}`."""
    return z @ w


def topsis(z: Array, w: Array, groups: NDArray[np.int64] | None = None) -> Array:
    r"""TOPSIS closeness (Hwang & Yoon 1981), Euclidean distance.

    .. math::
        v_{ij} = w_j z_{ij},\quad v_j^+ = \max_i v_{ij},\quad v_j^- = \min_i v_{ij},\\
        D_i^\pm = \sqrt{\sum_j (v_{ij} - v_j^\pm)^2},\quad C_i = \frac{D_i^-}{D_i^+ + D_i^-}

    ``z`` is already direction-adjusted (larger = better for every column), so the ideal is the
    column maximum. Ideals over the whole panel (pooled, ``groups=None``) or per group.

    Raises
    ------
    ComputationError
        If a row is at the same distance 0 from both ideals (all rows identical in a group).
    """
    d_plus, d_minus = topsis_distances(z, w, groups)
    denom = d_plus + d_minus
    if not (denom > 0).all():
        raise ComputationError(
            "TOPSIS：存在与正、负理想解距离都为 0 的样本（所有单元各指标取值完全相同），无法计算贴近度"
        )
    return d_minus / denom


def topsis_distances(
    z: Array, w: Array, groups: NDArray[np.int64] | None = None
) -> tuple[Array, Array]:
    """TOPSIS distances ``(D⁺, D⁻)`` of every row to the ideal and anti-ideal (see :func:`topsis`)."""
    v = z * w
    hi = group_stat(v, groups, "max")
    lo = group_stat(v, groups, "min")
    return np.sqrt(((v - hi) ** 2).sum(axis=1)), np.sqrt(((v - lo) ** 2).sum(axis=1))


def grey_coefficients(
    z: Array, groups: NDArray[np.int64] | None = None, *, rho: float = 0.5
) -> Array:
    """Grey relational coefficients ξ_ij (rows × indicators; see :func:`grey_relational`)."""
    if not 0 < rho <= 1:
        raise ConfigError(f"灰色关联分辨系数 rho 应在 (0, 1] 内，实际为 {rho}")
    ref = group_stat(z, groups, "max")
    delta = np.abs(ref - z)
    row_min = delta.min(axis=1, keepdims=True)
    row_max = delta.max(axis=1, keepdims=True)
    dmin = group_stat(row_min, groups, "min")
    dmax = group_stat(row_max, groups, "max")
    if not (dmax > 0).all():
        raise ComputationError(
            "灰色关联分析：所有样本与参考序列完全相同（Δmax = 0），无法计算关联系数"
        )
    return (dmin + rho * dmax) / (delta + rho * dmax)


def grey_relational(
    z: Array, w: Array, groups: NDArray[np.int64] | None = None, *, rho: float = 0.5
) -> Array:
    r"""Grey relational grade (灰色关联度; Deng 1982) to the ideal sequence.

    .. math::
        \Delta_{ij} = |z_j^{0} - z_{ij}|,\ z_j^0 = \max_i z_{ij},\quad
        \xi_{ij} = \frac{\Delta_{\min} + \rho\Delta_{\max}}{\Delta_{ij} + \rho\Delta_{\max}},\quad
        \gamma_i = \sum_j w_j \xi_{ij}

    :math:`\Delta_{\min}, \Delta_{\max}` are the two-level min/max over all rows and columns of
    the pool (or of each group); :math:`\rho` = resolution coefficient (分辨系数, default 0.5).
    """
    xi = grey_coefficients(z, groups, rho=rho)
    return xi @ w


def aggregate(
    method: str,
    z: Array,
    w: Array,
    groups: NDArray[np.int64] | None = None,
    *,
    rho: float = 0.5,
) -> Array:
    """Dispatch: ``weighted-sum``, ``topsis`` or ``grey``."""
    if method == "weighted-sum":
        return weighted_sum(z, w)
    if method == "topsis":
        return topsis(z, w, groups)
    if method == "grey":
        return grey_relational(z, w, groups, rho=rho)
    raise ConfigError(f"未知的集成方法 aggregate={method!r}；可选：{', '.join(AGGREGATIONS)}")
