"""Theil T and L indices with within/between decomposition; Gini, CV and max/min ratio.

Formulas (Theil, H. 1967, *Economics and Information Theory*, North-Holland; Shorrocks, A. F.
1980, "The class of additively decomposable inequality measures", *Econometrica* 48: 613–625):

.. math::

    T = \\frac1n\\sum_i \\frac{y_i}{\\bar y}\\ln\\frac{y_i}{\\bar y},\\qquad
    L = \\frac1n\\sum_i \\ln\\frac{\\bar y}{y_i}

    T = \\underbrace{\\sum_g s_g T_g}_{T_w} + \\underbrace{\\sum_g s_g\\ln\\frac{\\bar y_g}{\\bar y}}_{T_b},
    \\qquad
    L = \\underbrace{\\sum_g p_g L_g}_{L_w} + \\underbrace{\\sum_g p_g\\ln\\frac{\\bar y}{\\bar y_g}}_{L_b}

with p_g = n_g/n and s_g = n_g ȳ_g/(n ȳ). Convention: 0·ln 0 := 0 in T (a zero value is allowed);
L needs strictly positive values (an error otherwise). PySAL ``inequality.theil.Theil`` adds a
tiny constant instead of the 0·ln0 rule; on positive data the two agree.

Gini (mean-difference form, denominator n²): G = Σ_i Σ_j |y_i − y_j| / (2 n² ȳ), computed from the
sorted values as G = Σ_i (2i − n − 1) y_(i) / (n² ȳ). CV = s/ȳ with s the standard deviation
(``ddof`` explicit; default 1 = sample standard deviation). Max/min ratio = max/min (min > 0).

Two values (1, 3), mean 2: T = ½(½ ln ½ + 1.5 ln 1.5) = ½(−0.34657 + 0.60820) = 0.13081 and
L = ½(ln 2 + ln ⅔) = ½(0.69315 − 0.40547) = 0.14384. The Gini of (1, 3, 2, 6): the ordered
pairwise differences sum to 32, G = 32/(2·4²·3) = 1/3:

>>> round(theil_t([1.0, 3.0]), 5), round(theil_l([1.0, 3.0]), 5)
(0.13081, 0.14384)
>>> round(gini([1.0, 3.0, 2.0, 6.0]), 4)
0.3333

Where to look
-------------
* Docs: ``docs/disparity.md`` §2.
* Tests: ``tests/disparity/test_disparity_pysal_refs.py`` (PySAL inequality: Mexico 1940 Theil,
  Gini and the hanson98 decomposition), ``tests/disparity/test_disparity_results.py``,
  ``tests/disparity/test_disparity_degenerate.py``.
* CLI: ``xinzhi disparity theil``, ``xinzhi disparity indices``, ``xinzhi analysis theil``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

from xinzhi.disparity._common import (
    DisparityResult,
    MissingPolicy,
    check_columns,
    iter_by,
    numeric_column,
)
from xinzhi.errors import ComputationError

__all__ = [
    "InequalityResult",
    "TheilResult",
    "gini",
    "inequality_indices",
    "theil_decomposition",
    "theil_l",
    "theil_t",
]


def _positive_mean(y: NDArray[np.float64], what: str) -> float:
    if y.size == 0:
        raise ComputationError(f"{what}：没有观测值")
    if not np.all(np.isfinite(y)):
        raise ComputationError(f"{what}：数值含缺失值或无穷值")
    if np.any(y < 0):
        raise ComputationError(f"{what}：要求数值非负，数据中有负值")
    m = float(y.mean())
    if m <= 0:
        raise ComputationError(f"{what}：均值为 0，指数无定义（零均值）")
    return m


def theil_t(values: ArrayLike) -> float:
    """Theil T (GE(1)); 0·ln0 := 0. See module docstring."""
    y = np.asarray(values, dtype=float)
    m = _positive_mean(y, "泰尔指数 T")
    r = y / m
    return float(np.mean(np.where(r > 0, r * np.log(np.where(r > 0, r, 1.0)), 0.0)))


def theil_l(values: ArrayLike) -> float:
    """Theil L (mean log deviation, GE(0)); requires strictly positive values."""
    y = np.asarray(values, dtype=float)
    m = _positive_mean(y, "泰尔指数 L")
    if np.any(y <= 0):
        raise ComputationError("泰尔指数 L（平均对数偏差）要求数值严格为正，数据中有 0")
    return float(np.mean(np.log(m / y)))


def gini(values: ArrayLike) -> float:
    """Gini coefficient Σ_iΣ_j|y_i − y_j|/(2n²ȳ) via the sorted-values formula."""
    y = np.sort(np.asarray(values, dtype=float))
    m = _positive_mean(y, "基尼系数")
    n = y.size
    i = np.arange(1, n + 1)
    return float(np.sum((2 * i - n - 1) * y) / (n * n * m))


@dataclass
class TheilResult(DisparityResult):
    """Theil decomposition by ``by``.

    ``overall``: ``by, T, T_within, T_between, T_within_share, T_between_share, L, L_within,
    L_between, L_within_share, L_between_share`` (L columns are omitted when ``index="T"``).
    ``groups``: ``by, group, n, mean, p, s, T, L, T_contribution, L_contribution``
    (contribution = s_g T_g resp. p_g L_g).
    """

    overall: pd.DataFrame
    groups: pd.DataFrame
    dropped: pd.DataFrame

    title: ClassVar[str] = "泰尔指数分解"
    headers: ClassVar[dict[str, str]] = {
        "by": "分组变量值",
        "T": "泰尔T",
        "T_within": "T组内",
        "T_between": "T组间",
        "T_within_share": "T组内贡献率",
        "T_between_share": "T组间贡献率",
        "L": "泰尔L",
        "L_within": "L组内",
        "L_between": "L组间",
        "L_within_share": "L组内贡献率",
        "L_between_share": "L组间贡献率",
        "group": "组",
        "n": "样本量",
        "mean": "均值",
        "p": "人数份额p",
        "s": "数值份额s",
        "T_contribution": "T组内贡献",
        "L_contribution": "L组内贡献",
    }

    def tables(self) -> dict[str, pd.DataFrame]:
        return {"总体分解": self.overall, "分组明细": self.groups}


def _share(part: float, total: float) -> float:
    return part / total if total > 0 else 0.0


def theil_decomposition(
    data: pd.DataFrame,
    value: str,
    group: str,
    by: str | None = None,
    *,
    index: str = "both",
    missing: MissingPolicy = "error",
) -> TheilResult:
    """Theil T and L with within/between-group decomposition (Theil 1967; Shorrocks 1980).

    Parameters
    ----------
    data, value, group, by
        Long table; the variable; the grouping column; optional split column (year).
    index
        ``"both"`` (default), ``"T"`` (allows zeros) or ``"L"``.
    missing
        ``"error"`` or ``"drop"`` (rows with a missing value removed, listed in ``dropped``).
    """
    if index not in ("both", "T", "L"):
        raise ComputationError(f"index 只能是 both、T 或 L，收到 {index!r}")
    check_columns(data, value, group, by)
    kept, dropped = numeric_column(data, value, missing, "泰尔指数")
    rows: list[dict[str, Any]] = []
    parts: list[pd.DataFrame] = []
    for key, part in iter_by(kept, by):
        where = "" if by is None else f"（{by}={key}）"
        y = part[value].to_numpy()
        if part[group].isna().any():
            raise ComputationError(f"泰尔指数：有单元没有分组{where}")
        try:
            m = _positive_mean(y, "泰尔指数")
            grp = part.groupby(group, sort=True)[value]
            g_n = grp.size().to_numpy()
            g_mean = grp.mean().to_numpy()
            p = g_n / y.size
            s = p * g_mean / m
            row: dict[str, Any] = {"by": key}
            out = pd.DataFrame(
                {"by": key, "group": grp.size().index, "n": g_n, "mean": g_mean, "p": p, "s": s}
            )
            if index in ("both", "T"):
                t_g = grp.apply(lambda v: theil_t(v.to_numpy()) if v.mean() > 0 else 0.0).to_numpy()
                pos = g_mean > 0
                tb = float(np.sum(s[pos] * np.log(g_mean[pos] / m)))
                tw = float(np.sum(s * t_g))
                t = theil_t(y)
                row |= {
                    "T": t,
                    "T_within": tw,
                    "T_between": tb,
                    "T_within_share": _share(tw, t),
                    "T_between_share": _share(tb, t),
                }
                out["T"] = t_g
                out["T_contribution"] = s * t_g
            if index in ("both", "L"):
                l_val = theil_l(y)
                l_g = grp.apply(lambda v: theil_l(v.to_numpy())).to_numpy()
                lw = float(np.sum(p * l_g))
                lb = float(np.sum(p * np.log(m / g_mean)))
                row |= {
                    "L": l_val,
                    "L_within": lw,
                    "L_between": lb,
                    "L_within_share": _share(lw, l_val),
                    "L_between_share": _share(lb, l_val),
                }
                out["L"] = l_g
                out["L_contribution"] = p * l_g
        except ComputationError as exc:
            raise ComputationError(f"{exc}{where}") from exc
        rows.append(row)
        parts.append(out)
    return TheilResult(
        overall=pd.DataFrame(rows),
        groups=pd.concat(parts, ignore_index=True),
        dropped=dropped,
        options={
            "value": value,
            "group": group,
            "by": by,
            "index": index,
            "missing": missing,
            "zero_log_rule": "0·ln0 := 0",
        },
        notes=[f"删除了 {len(dropped)} 行缺失值"] if len(dropped) else [],
    )


@dataclass
class InequalityResult(DisparityResult):
    """Simple inequality indices by ``by``: ``by, n, mean, std, cv, gini, theil_t, theil_l,
    max, min, max_min_ratio`` (theil_l / max_min_ratio are 0-free only; NaN never: an
    undefined index is an error)."""

    table: pd.DataFrame
    dropped: pd.DataFrame

    title: ClassVar[str] = "差异指数"
    headers: ClassVar[dict[str, str]] = {
        "by": "分组变量值",
        "n": "样本量",
        "mean": "均值",
        "std": "标准差",
        "cv": "变异系数",
        "gini": "基尼系数",
        "theil_t": "泰尔T",
        "theil_l": "泰尔L",
        "max": "最大值",
        "min": "最小值",
        "max_min_ratio": "极值比",
    }

    def tables(self) -> dict[str, pd.DataFrame]:
        return {"差异指数": self.table}


def inequality_indices(
    data: pd.DataFrame,
    value: str,
    by: str | None = None,
    *,
    ddof: int = 1,
    missing: MissingPolicy = "error",
) -> InequalityResult:
    """Gini, coefficient of variation (std with ``ddof``), Theil T/L and max/min ratio per ``by``.

    Theil L and the max/min ratio need strictly positive values; with a zero value they are
    an error (use :func:`theil_t` / :func:`gini` alone on such data).
    """
    check_columns(data, value, by)
    kept, dropped = numeric_column(data, value, missing, "差异指数")
    rows = []
    for key, part in iter_by(kept, by):
        y = part[value].to_numpy()
        where = "" if by is None else f"（{by}={key}）"
        try:
            m = _positive_mean(y, "差异指数")
            if y.size <= ddof:
                raise ComputationError(f"差异指数：样本量 {y.size} 不足以计算 ddof={ddof} 的标准差")
            if np.min(y) <= 0:
                raise ComputationError("差异指数：极值比与泰尔L要求最小值为正，数据中有 0")
            sd = float(np.std(y, ddof=ddof))
            rows.append(
                {
                    "by": key,
                    "n": y.size,
                    "mean": m,
                    "std": sd,
                    "cv": sd / m,
                    "gini": gini(y),
                    "theil_t": theil_t(y),
                    "theil_l": theil_l(y),
                    "max": float(y.max()),
                    "min": float(y.min()),
                    "max_min_ratio": float(y.max() / y.min()),
                }
            )
        except ComputationError as exc:
            raise ComputationError(f"{exc}{where}") from exc
    return InequalityResult(
        table=pd.DataFrame(rows),
        dropped=dropped,
        options={"value": value, "by": by, "ddof": ddof, "missing": missing},
        notes=[f"删除了 {len(dropped)} 行缺失值"] if len(dropped) else [],
    )
