"""Obstacle degree (障碍度模型): which indicators and dimensions hold a unit back.

Formulas (docs/evaluate.md §5.1): deviation ``I_ij = 1 − z_ij`` (min–max value), obstacle
``O_ij = w_j I_ij / Σ_j w_j I_ij`` (each row sums to 1), dimension obstacle
``U_id = Σ_{j∈d} O_ij``; a group's obstacle is the mean over its member units.

Two units, weights (0.6, 0.4). Unit 1 has z = (1, 0): w·I = (0, 0.4), O = (0, 1). Unit 2 has
z = (0.5, 0.5): w·I = (0.3, 0.2), O = (0.6, 0.4):

>>> import numpy as np
>>> z = np.array([[1.0, 0.0], [0.5, 0.5]])
>>> obstacle_degree(z, np.array([0.6, 0.4])).round(4).tolist()
[[0.0, 1.0], [0.6, 0.4]]

Where to look
-------------
* Docs: ``docs/evaluate.md`` §5.1 (障碍度), ``docs/nqpf-county.md``.
* Tests: ``tests/evaluate/test_eval_green.py`` (green study tables 6-5 to 6-7),
  ``tests/evaluate/test_eval_invariants.py``, ``tests/golden/test_golden_counties.py``.
* CLI: ``xinzhi evaluate --obstacles-output FILE``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from xinzhi.errors import InputError

__all__ = ["dimension_obstacles", "group_obstacles", "obstacle_degree"]

Array = NDArray[np.float64]


def obstacle_degree(z: Array, w: Array) -> Array:
    r"""Indicator obstacle degree per row (unit-year).

    .. math::
        I_{ij} = 1 - z_{ij},\qquad O_{ij} = \frac{w_j I_{ij}}{\sum_j w_j I_{ij}}

    with :math:`z` the min–max normalised, direction-adjusted value (in [0, 1]) and :math:`w_j`
    the indicator weight (factor contribution). Rows sum to 1. A row with no shortfall at all
    (:math:`\sum_j w_j I_{ij} = 0`, best on every indicator) has no obstacle: its row is all 0
    (documented behaviour; it is the only case in which a row does not sum to 1).
    """
    gap = np.subtract(1.0, z)
    gap *= w
    total = gap.sum(axis=1, keepdims=True)
    if (total > 0).all():
        gap /= total
        return gap
    out = np.zeros_like(gap)
    np.divide(gap, total, out=out, where=total > 0)
    return out


def dimension_obstacles(o: Array, dim_index: NDArray[np.int64], n_dims: int) -> Array:
    r"""Dimension obstacle degree :math:`U_{id} = \sum_{j \in d} O_{ij}` (rows × dimensions)."""
    onehot = np.zeros((o.shape[1], n_dims))
    onehot[np.arange(o.shape[1]), dim_index] = 1.0
    return o @ onehot


def group_obstacles(
    obstacles: pd.DataFrame,
    groups: pd.Series | dict[str, str],
    *,
    by: str = "dimension",
) -> pd.DataFrame:
    """Mean obstacle of the member units of each group (province, county type, …) per year.

    Parameters
    ----------
    obstacles : DataFrame
        Long table with columns ``unit, year, <by>, obstacle`` (e.g.
        :meth:`EvaluationResult.dimension_obstacles`).
    groups : Series or dict
        Unit → group label. Units without a group are left out (and reported in the error if
        none is left).
    by : str
        ``"dimension"`` or ``"indicator"``.

    Returns
    -------
    DataFrame with columns ``group, year, <by>, obstacle, n_units``; the national figure is the
    same with every unit in one group (the green study's "mean of provincial obstacles").
    """
    mapping = pd.Series(groups) if isinstance(groups, dict) else groups
    df = obstacles.assign(group=obstacles["unit"].map(mapping))
    df = df[df["group"].notna()]
    if df.empty:
        raise InputError("分组障碍度：没有任何评价单元属于给定的分组（groups）")
    out = (
        df.groupby(["group", "year", by], sort=False, dropna=False)
        .agg(obstacle=("obstacle", "mean"), n_units=("unit", "nunique"))
        .reset_index()
    )
    return out
