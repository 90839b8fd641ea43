"""Normalisation (标准化) of an indicator matrix, with direction, pooled or per year.

All functions take ``x`` of shape ``(n, m)`` (rows = unit-years, columns = indicators), a boolean
``benefit`` vector (``True`` = 正向 ``+``), and optional integer ``groups`` (one group per year
for per-year normalisation; ``None`` = pooled over the whole panel).

Formulas (docs/evaluate.md §2): min–max ``(x − min)/(max − min)`` for benefit and
``(max − x)/(max − min)`` for cost indicators; z-score ``±(x − mean)/s``; vector
``x/√Σx²`` and ``1 − x/√Σx²`` (Hwang & Yoon 1981).

Min–max of a benefit column (1, 2, 4) and a cost column (10, 20, 30): ``(x − 1)/3`` gives
0, 1/3, 1 and ``(30 − x)/20`` gives 1, 0.5, 0 (``+ 0.0`` prints −0.0 as 0.0):

>>> import numpy as np
>>> x = np.array([[1.0, 10.0], [2.0, 20.0], [4.0, 30.0]])
>>> (normalize(x, np.array([True, False]), "minmax").round(4) + 0.0).tolist()
[[0.0, 1.0], [0.3333, 0.5], [1.0, 0.0]]

Where to look
-------------
* Docs: ``docs/evaluate.md`` §2 (标准化).
* Tests: ``tests/evaluate/test_eval_methods.py``, ``tests/evaluate/test_eval_invariants.py``,
  ``tests/evaluate/test_eval_green.py`` (green study replicated to 1e-9).
* CLI: ``xinzhi evaluate`` (``--pooled`` / ``--per-year``; ``normalization`` in the system YAML).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from xinzhi.errors import ComputationError, InputError
from xinzhi.evaluate._groups import Array, group_stat

__all__ = ["log_transform", "minmax", "normalize", "vector", "winsorize", "zscore"]

NORMALIZATIONS = ("minmax", "zscore", "vector")


def _names(names: Sequence[str] | None, m: int) -> list[str]:
    return list(names) if names is not None else [f"第{j + 1}列" for j in range(m)]


def _check_spread(
    spread: Array,
    groups: NDArray[np.int64] | None,
    names: Sequence[str] | None,
    what: str,
    group_labels: Sequence[object] | None = None,
) -> None:
    bad = ~(spread > 0)
    if not bad.any():
        return
    rows, cols = np.nonzero(bad)
    j = int(cols[0])
    label = _names(names, spread.shape[1])[j]
    if groups is None:
        raise ComputationError(
            f"指标 {label} 在全部样本中取值相同（常数列或全为 0），无法进行{what}；"
            "请从指标体系中删除该指标，或改用其他标准化方法"
        )
    g = int(groups[rows[0]])
    glabel = group_labels[g] if group_labels is not None else g
    raise ComputationError(
        f"指标 {label} 在 {glabel} 年内所有单元取值相同（常数列），无法逐年（per-year）{what}；"
        "请改用混合（pooled）标准化或删除该指标"
    )


def minmax(
    x: Array,
    benefit: NDArray[np.bool_],
    groups: NDArray[np.int64] | None = None,
    *,
    shift: float = 0.0,
    names: Sequence[str] | None = None,
    group_labels: Sequence[object] | None = None,
) -> Array:
    r"""Min–max (极差) normalisation with direction.

    .. math::
        z_{ij} = \frac{x_{ij} - \min_i x_{ij}}{\max_i x_{ij} - \min_i x_{ij}} + s \quad (+),\qquad
        z_{ij} = \frac{\max_i x_{ij} - x_{ij}}{\max_i x_{ij} - \min_i x_{ij}} + s \quad (-)

    with min/max over the whole panel (pooled) or within each year (``groups``) and an optional
    shift ``s`` (平移, e.g. 0.0001 so that no value is exactly 0 before entropy weighting).

    Raises
    ------
    ComputationError
        If an indicator is constant (max = min) in the pool / in a year.
    """
    lo = group_stat(x, groups, "min")
    hi = group_stat(x, groups, "max")
    rng = hi - lo
    _check_spread(rng, groups, names, "极差标准化（min–max）", group_labels)
    if benefit.all():
        z = (x - lo) / rng
    else:  # one pass: (x − base)·(±1/range), base = min for benefit, max for cost columns
        base = np.where(benefit, lo, hi)
        scale = np.where(benefit, 1.0, -1.0) / rng
        z = (x - base) * scale
    if shift:
        z = z + shift
    return z


def zscore(
    x: Array,
    benefit: NDArray[np.bool_],
    groups: NDArray[np.int64] | None = None,
    *,
    names: Sequence[str] | None = None,
    group_labels: Sequence[object] | None = None,
) -> Array:
    r"""Z-score (Z 标准化): :math:`z_{ij} = \pm (x_{ij} - \bar x_j)/s_j` (sign − for cost
    indicators), sample standard deviation (ddof = 1)."""
    mu = group_stat(x, groups, "mean")
    sd = group_stat(x, groups, "std")
    _check_spread(np.nan_to_num(sd), groups, names, "Z 标准化（z-score）", group_labels)
    z = (x - mu) / sd
    return np.where(benefit, z, -z)


def vector(
    x: Array,
    benefit: NDArray[np.bool_],
    groups: NDArray[np.int64] | None = None,
    *,
    names: Sequence[str] | None = None,
    group_labels: Sequence[object] | None = None,
) -> Array:
    r"""Vector (向量) normalisation (Hwang & Yoon 1981):
    :math:`z_{ij} = x_{ij}/\sqrt{\sum_i x_{ij}^2}` for benefit indicators and
    :math:`1 - x_{ij}/\sqrt{\sum_i x_{ij}^2}` for cost indicators."""
    norm = np.sqrt(group_stat(x, groups, "sumsq"))
    _check_spread(norm, groups, names, "向量标准化（vector）", group_labels)
    z = x / norm
    return np.where(benefit, z, 1.0 - z)


def normalize(
    x: Array,
    benefit: NDArray[np.bool_],
    method: str = "minmax",
    groups: NDArray[np.int64] | None = None,
    *,
    shift: float = 0.0,
    names: Sequence[str] | None = None,
    group_labels: Sequence[object] | None = None,
) -> Array:
    """Dispatch to :func:`minmax`, :func:`zscore` or :func:`vector`."""
    if method == "minmax":
        return minmax(x, benefit, groups, shift=shift, names=names, group_labels=group_labels)
    if method == "zscore":
        return zscore(x, benefit, groups, names=names, group_labels=group_labels) + shift
    if method == "vector":
        return vector(x, benefit, groups, names=names, group_labels=group_labels) + shift
    raise InputError(
        f"未知的标准化方法 normalization={method!r}；可选：{', '.join(NORMALIZATIONS)}"
    )


def winsorize(x: NDArray[np.float64], p: float) -> NDArray[np.float64]:
    r"""Winsorise (缩尾) one column at the ``p`` and ``1 − p`` quantiles (linear interpolation):
    :math:`x \mapsto \min(\max(x, q_p), q_{1-p})`."""
    lo, hi = np.quantile(x, [p, 1.0 - p])
    return np.clip(x, lo, hi)


def log_transform(x: NDArray[np.float64], kind: str, name: str) -> NDArray[np.float64]:
    """``log``: natural log (all values must be > 0); ``log1p``: ln(1 + x) (values > −1)."""
    if kind == "log":
        if (x <= 0).any():
            raise ComputationError(
                f"指标 {name} 含有 ≤ 0 的值，不能取对数（log）；可改用 transform: log1p"
            )
        return np.log(x)
    if (x <= -1).any():
        raise ComputationError(f"指标 {name} 含有 ≤ −1 的值，不能取 ln(1+x)（log1p）")
    return np.log1p(x)
