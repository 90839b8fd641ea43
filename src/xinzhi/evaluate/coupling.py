"""Coupling coordination (耦合协调度) between subsystem (dimension) scores.

Formulas (docs/evaluate.md §5.2): standard form ``C = n·(Π U_i)^{1/n} / Σ U_i``; the modified
form of 王淑佳、孔伟 等 (2021); ``T = Σ α_i U_i``, ``D = √(C·T)``; ten levels of D
(廖重斌 1999; 王淑佳 等 2021).

Two subsystems U = (0.4, 0.9): C = 2·√0.36/1.3 = 1.2/1.3 = 0.923077, T = 0.65,
D = √(0.923077 × 0.65) = √0.6 = 0.774597, level [0.7, 0.8) = 中级协调:

>>> import numpy as np
>>> row = coupling_coordination(np.array([[0.4, 0.9]])).iloc[0]
>>> [round(float(row[k]), 6) for k in ("C", "T", "D")], row["level"]
([0.923077, 0.65, 0.774597], '中级协调')

Where to look
-------------
* Docs: ``docs/evaluate.md`` §5.2 (耦合协调度).
* Tests: ``tests/evaluate/test_eval_methods.py`` (``test_coupling_levels_and_forms``),
  ``tests/evaluate/test_eval_robustness.py``.
* CLI: none; Python API ``EvaluationResult.coupling(form=...)``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from xinzhi.errors import ComputationError, ConfigError

__all__ = ["COUPLING_LEVELS", "classify", "coupling_coordination"]

Array = NDArray[np.float64]

#: The usual 10-level classification of D (e.g. 廖重斌 1999; 王淑佳 等 2021), lower bound
#: inclusive; the top class includes D = 1.
COUPLING_LEVELS: tuple[tuple[float, float, str], ...] = (
    (0.0, 0.1, "极度失调"),
    (0.1, 0.2, "严重失调"),
    (0.2, 0.3, "中度失调"),
    (0.3, 0.4, "轻度失调"),
    (0.4, 0.5, "濒临失调"),
    (0.5, 0.6, "勉强协调"),
    (0.6, 0.7, "初级协调"),
    (0.7, 0.8, "中级协调"),
    (0.8, 0.9, "良好协调"),
    (0.9, 1.0, "优质协调"),
)


def classify(d: Array) -> NDArray[np.object_]:
    """Level name of each D value (:data:`COUPLING_LEVELS`)."""
    edges = np.array([lo for lo, _, _ in COUPLING_LEVELS[1:]])
    names = np.array([n for _, _, n in COUPLING_LEVELS], dtype=object)
    return names[np.searchsorted(edges, d, side="right")]


def coupling_coordination(
    u: Array,
    alpha: Array | None = None,
    *,
    form: str = "standard",
) -> pd.DataFrame:
    r"""Coupling degree C, comprehensive index T and coordination degree D for n ≥ 2 subsystems.

    ``standard`` (the common n-system form)
        :math:`C = n\,\big(\prod_i U_i\big)^{1/n} / \sum_i U_i`
    ``wang-kong`` (modified model of 王淑佳、孔伟 等 2021, 自然资源学报 36(3))
        :math:`C = \sqrt{\Big[1 - \frac{\sum_{i>j}|U_i - U_j|}{\sum_{m=1}^{n-1} m}\Big]
        \Big(\prod_i \frac{U_i}{\max_i U_i}\Big)^{1/(n-1)}}`

    and in both :math:`T = \sum_i \alpha_i U_i` (α default 1/n), :math:`D = \sqrt{C\,T}`.

    Parameters
    ----------
    u : ndarray (rows × n)
        Subsystem scores in [0, 1] (e.g. dimension sub-scores).
    alpha : ndarray (n,), optional
        Subsystem contribution weights summing to 1.
    form : {"standard", "wang-kong"}

    Returns
    -------
    DataFrame with columns ``C, T, D, level``.
    """
    u = np.asarray(u, dtype=np.float64)
    if u.ndim != 2 or u.shape[1] < 2:
        raise ComputationError("耦合协调度至少需要 2 个子系统（维度）得分")
    if np.isnan(u).any() or (u < 0).any() or (u > 1 + 1e-12).any():
        raise ComputationError("耦合协调度要求子系统得分在 [0, 1] 内且无缺失值")
    n = u.shape[1]
    a = np.full(n, 1.0 / n) if alpha is None else np.asarray(alpha, dtype=np.float64)
    if a.shape != (n,) or (a < 0).any() or not np.isclose(a.sum(), 1.0):
        raise ConfigError(f"耦合协调度的子系统权重 α 应为 {n} 个非负数且和为 1")
    total = u.sum(axis=1)
    if form == "standard":
        geo = u.prod(axis=1) ** (1.0 / n)
        c = np.zeros(u.shape[0])
        np.divide(n * geo, total, out=c, where=total > 0)
    elif form == "wang-kong":
        iu, ju = np.triu_indices(n, k=1)
        spread = np.abs(u[:, iu] - u[:, ju]).sum(axis=1) / (n * (n - 1) / 2)
        umax = u.max(axis=1, keepdims=True)
        ratio = np.zeros_like(u)
        np.divide(u, umax, out=ratio, where=umax > 0)
        prod = ratio.prod(axis=1) ** (1.0 / (n - 1))
        c = np.sqrt(np.clip(1.0 - spread, 0.0, None) * prod)
    else:
        raise ConfigError(f"未知的耦合模型 form={form!r}；可选：standard、wang-kong")
    t = u @ a
    d = np.sqrt(c * t)
    return pd.DataFrame({"C": c, "T": t, "D": d, "level": classify(d)})
