"""Objective and combined weights (赋权) for a normalised indicator matrix ``z`` (n × m).

Every function returns a non-negative vector summing to 1. Degenerate input (a constant column,
a zero mean, fewer than two rows) raises :class:`~xinzhi.errors.ComputationError` in Chinese.

Formulas (docs/evaluate.md §3): entropy (Shannon 1948) ``p_ij = z_ij/Σ_i z_ij``,
``e_j = −Σ_i p_ij ln p_ij / ln N``, ``w_j = (1 − e_j)/Σ(1 − e)``; CRITIC (Diakoulaki, Mavrotas &
Papayannakis 1995) ``C_j = s_j Σ_k (1 − r_jk)``, ``w_j = C_j/ΣC``; coefficient of variation
``s_j/mean_j``, standard deviation ``s_j``, equal ``1/m``; combinations (mean, multiplicative,
game theory) in :func:`combine`.

Entropy weights of a 3 × 2 matrix. Column 1 = (1, 1, 2): p = (1/4, 1/4, 1/2),
e = (2·¼·ln 4 + ½·ln 2)/ln 3 = 1.03972/1.09861 = 0.94639, d = 0.05361. Column 2 = (0, 0, 3):
p = (0, 0, 1), e = 0, d = 1. w = (0.05361, 1)/1.05361 = (0.0509, 0.9491):

>>> import numpy as np
>>> z = np.array([[1.0, 0.0], [1.0, 0.0], [2.0, 3.0]])
>>> entropy(z).round(4).tolist()
[0.0509, 0.9491]

Where to look
-------------
* Docs: ``docs/evaluate.md`` §3 (赋权).
* Tests: ``tests/evaluate/test_eval_methods.py`` (Xu 2004, Zavadskas & Podvezko 2016,
  Tuş & Aytaç Adalı 2019 worked examples), ``tests/evaluate/test_eval_invariants.py``,
  ``tests/evaluate/test_eval_green.py``.
* CLI: ``xinzhi evaluate --weights entropy|critic|cv|std|equal|combined``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from xinzhi.errors import ComputationError, ConfigError

__all__ = [
    "ENTROPY_K",
    "OBJECTIVE_METHODS",
    "CriticParts",
    "EntropyParts",
    "apply_fixed",
    "combine",
    "correlation_optimised",
    "critic",
    "critic_parts",
    "cv",
    "entropy",
    "entropy_parts",
    "equal",
    "objective_weights",
    "pca",
    "std",
]

Array = NDArray[np.float64]
OBJECTIVE_METHODS = ("entropy", "critic", "cv", "std", "equal", "pca", "corr-opt")
COMBINATION_RULES = ("mean", "multiplicative", "game")
ENTROPY_K = ("n", "nonzero")


def _label(names: Sequence[str] | None, j: int) -> str:
    return names[j] if names is not None else f"第{j + 1}列"


def _need_rows(z: Array, method: str) -> None:
    if z.shape[0] < 2:
        raise ComputationError(f"{method}至少需要 2 个样本（单元-年份），实际只有 {z.shape[0]} 个")


def entropy(
    z: Array, *, shift: float | None = None, k: str = "n", names: Sequence[str] | None = None
) -> Array:
    """Entropy weights (熵权法): the ``weight`` of :func:`entropy_parts`."""
    return entropy_parts(z, shift=shift, k=k, names=names).weight


@dataclass(frozen=True)
class EntropyParts:
    """Every intermediate of the entropy method, column-aligned with ``z``.

    ``e`` = information entropy :math:`e_j` (信息熵), ``d`` = :math:`d_j = 1 - e_j` (差异系数 /
    信息效用值), ``k`` = the constant :math:`k_j` used per column, ``weight`` = :math:`w_j`.
    """

    e: Array
    d: Array
    k: Array
    weight: Array


def entropy_parts(
    z: Array, *, shift: float | None = None, k: str = "n", names: Sequence[str] | None = None
) -> EntropyParts:
    r"""Entropy weights with every intermediate (熵权法; Shannon 1948, as used in MCDM by
    Zeleny 1982 / Hwang & Yoon 1981).

    .. math::
        p_{ij} = \frac{z_{ij}}{\sum_i z_{ij}},\quad
        e_j = -k_j \sum_i p_{ij}\ln p_{ij},\quad
        d_j = 1 - e_j,\quad
        w_j = \frac{d_j}{\sum_j d_j}

    Conventions (each named, docs/evaluate.md §3.1):

    * **0·ln 0** := 0 (the limit of :math:`p\ln p` as :math:`p \to 0`); with ``shift = s``
      every :math:`z_{ij}` is replaced by :math:`z_{ij} + s` first (平移), so no p is 0.
    * ``k="n"``: :math:`k_j = 1/\ln N`, N = number of rows (all unit-years when pooled, the
      units of one year per year); ``k="nonzero"``: :math:`k_j = 1/\ln N_j`, N_j = number of
      non-zero :math:`p_{ij}` of column j (a column with one non-zero value has
      :math:`e_j := 0`).

    Column (0, 1, 1, 2) with ``k="n"``: p = (0, ¼, ¼, ½), Σp ln p = −(½ ln 4 + ½ ln 2) = −1.03972,
    e = 1.03972/ln 4 = 0.75; with ``k="nonzero"``: e = 1.03972/ln 3 = 0.94639:

    >>> import numpy as np
    >>> z = np.array([[0.0], [1.0], [1.0], [2.0]])
    >>> float(entropy_parts(z).e[0].round(5)), float(entropy_parts(z, k="nonzero").e[0].round(5))
    (0.75, 0.94639)

    Raises
    ------
    ComputationError
        Negative values, an all-zero column, or fewer than 2 rows.
    """
    _need_rows(z, "熵权法（entropy）")
    if k not in ENTROPY_K:
        raise ConfigError(f"选项 entropy_k={k!r} 无效；可选：{', '.join(ENTROPY_K)}")
    if shift:
        z = z + shift
    if (z < 0).any():
        j = int(np.nonzero((z < 0).any(axis=0))[0][0])
        raise ComputationError(
            f"熵权法要求非负数据，指标 {_label(names, j)} 含负值；请先做极差标准化（min–max）或设置平移"
        )
    col = z.sum(axis=0)
    if (col <= 0).any():
        j = int(np.nonzero(col <= 0)[0][0])
        raise ComputationError(f"指标 {_label(names, j)} 全为 0，熵权法无法计算比重 p_ij")
    p = z / col
    logp = np.zeros_like(p)
    np.log(p, out=logp, where=p > 0)  # 0·ln0 := 0
    h = -np.einsum("ij,ij->j", p, logp)
    if k == "n":
        kk = np.full(z.shape[1], 1.0 / np.log(z.shape[0]))
    else:
        nz = (p > 0).sum(axis=0)
        kk = np.zeros(z.shape[1])
        np.divide(1.0, np.log(nz), out=kk, where=nz > 1)  # one non-zero value: e_j := 0
    e = h * kk
    d = np.clip(1.0 - e, 0.0, None)  # round-off: e_j may exceed 1 by ~1e-16
    total = d.sum()
    if total <= 0:
        raise ComputationError(
            "所有指标的信息熵都等于 1（各单元取值比例完全相同），熵权法无法区分指标"
        )
    return EntropyParts(e=e, d=d, k=kk, weight=d / total)


def critic(z: Array, *, names: Sequence[str] | None = None) -> Array:
    """CRITIC weights: the ``weight`` of :func:`critic_parts`."""
    return critic_parts(z, names=names).weight


@dataclass(frozen=True)
class CriticParts:
    r"""Every intermediate of CRITIC: ``sigma`` = :math:`s_j` (标准差), ``conflict`` =
    :math:`\sum_k (1 - r_{jk})` (冲突性), ``information`` = :math:`C_j` (信息量), ``weight``."""

    sigma: Array
    conflict: Array
    information: Array
    weight: Array


def critic_parts(z: Array, *, names: Sequence[str] | None = None) -> CriticParts:
    r"""CRITIC weights with every intermediate (Diakoulaki, Mavrotas & Papayannakis 1995).

    .. math::
        C_j = s_j \sum_k (1 - r_{jk}),\qquad w_j = C_j / \sum_j C_j

    with :math:`s_j` the sample standard deviation of column *j* and :math:`r_{jk}` the *signed*
    Pearson correlation of the (direction-adjusted) normalised columns.
    """
    _need_rows(z, "CRITIC")
    c = z - z.mean(axis=0)
    cov = c.T @ c / (z.shape[0] - 1)
    s = np.sqrt(np.diag(cov))
    if not (s > 0).all():
        j = int(np.nonzero(~(s > 0))[0][0])
        raise ComputationError(
            f"指标 {_label(names, j)} 为常数列（标准差为 0），CRITIC 无法计算相关系数"
        )
    r = cov / np.outer(s, s)
    conflict = np.clip((1.0 - r).sum(axis=0), 0.0, None)
    if conflict.max() < 1e-9:
        raise ComputationError(
            "所有指标两两完全正相关（冲突性为 0），CRITIC 无法赋权；请改用其他赋权方法"
        )
    info = s * conflict
    return CriticParts(sigma=s, conflict=conflict, information=info, weight=info / info.sum())


def cv(z: Array, *, names: Sequence[str] | None = None) -> Array:
    r"""Coefficient-of-variation weights (变异系数法): :math:`v_j = s_j/\bar z_j`,
    :math:`w_j = v_j/\sum v_j` (sample s.d.)."""
    _need_rows(z, "变异系数法（cv）")
    mu = z.mean(axis=0)
    if not (mu > 0).all():
        j = int(np.nonzero(~(mu > 0))[0][0])
        raise ComputationError(f"指标 {_label(names, j)} 的均值 ≤ 0，变异系数法无法计算")
    v = z.std(axis=0, ddof=1) / mu
    if v.sum() <= 0:
        raise ComputationError("所有指标的变异系数都为 0，无法赋权")
    return v / v.sum()


def std(z: Array, *, names: Sequence[str] | None = None) -> Array:
    r"""Standard-deviation weights (标准差法): :math:`w_j = s_j/\sum_j s_j` (sample s.d.)."""
    _need_rows(z, "标准差法（std）")
    s = z.std(axis=0, ddof=1)
    if s.sum() <= 0:
        raise ComputationError("所有指标的标准差都为 0，无法赋权")
    return s / s.sum()


def equal(m: int) -> Array:
    """Equal weights :math:`w_j = 1/m`."""
    return np.full(m, 1.0 / m)


def objective_weights(
    method: str,
    z: Array,
    *,
    names: Sequence[str] | None = None,
    entropy_shift: float | None = None,
    entropy_k: str = "n",
) -> Array:
    """Dispatch by name: ``entropy``, ``critic``, ``cv``, ``std``, ``equal``, ``pca`` or
    ``corr-opt``."""
    if method == "entropy":
        return entropy(z, shift=entropy_shift, k=entropy_k, names=names)
    if method == "critic":
        return critic(z, names=names)
    if method == "cv":
        return cv(z, names=names)
    if method == "std":
        return std(z, names=names)
    if method == "equal":
        return equal(z.shape[1])
    if method == "pca":
        return pca(z, names=names)
    if method == "corr-opt":
        return correlation_optimised(z, names=names)
    raise ConfigError(
        f"未知的赋权方法 {method!r}；可选：{', '.join(OBJECTIVE_METHODS)}、combined、ahp"
    )


def combine(w: Array | Mapping[str, Array], rule: str = "mean") -> tuple[Array, Array]:
    r"""Combine K weight vectors (组合赋权). Returns ``(weights, coefficients)``.

    ``mean``
        arithmetic mean :math:`w_j = \frac1K \sum_k w_{kj}` (coefficients 1/K).
    ``multiplicative``
        :math:`w_j = \prod_k w_{kj} / \sum_j \prod_k w_{kj}` (乘法合成; coefficients NaN).
    ``game``
        game-theory combination (博弈论组合赋权): find :math:`\alpha` minimising
        :math:`\lVert \sum_k \alpha_k w_k - w_l \rVert_2` for every *l*, i.e. solve
        :math:`\sum_k \alpha_k\, w_l^{\top} w_k = w_l^{\top} w_l\ (l = 1..K)`, then
        :math:`\alpha^*_k = |\alpha_k| / \sum_k |\alpha_k|` and :math:`w = \sum_k \alpha^*_k w_k`.
    """
    vecs = list(w.values()) if isinstance(w, Mapping) else list(np.atleast_2d(w))
    mat = np.vstack([np.asarray(v, dtype=np.float64) for v in vecs])
    k = mat.shape[0]
    if rule == "mean":
        return mat.mean(axis=0), np.full(k, 1.0 / k)
    if rule == "multiplicative":
        prod = mat.prod(axis=0)
        if prod.sum() <= 0:
            raise ComputationError("乘法合成：所有指标的权重乘积都为 0，无法组合")
        return prod / prod.sum(), np.full(k, np.nan)
    if rule == "game":
        gram = mat @ mat.T
        rhs = np.diag(gram).copy()
        try:
            alpha = np.linalg.solve(gram, rhs)
        except np.linalg.LinAlgError:
            alpha = np.linalg.lstsq(gram, rhs, rcond=None)[0]
        a = np.abs(alpha)
        if a.sum() <= 0:
            raise ComputationError("博弈论组合赋权：组合系数全为 0，无法组合")
        a = a / a.sum()
        out = a @ mat
        return out / out.sum(), a
    raise ConfigError(f"未知的组合规则 combination={rule!r}；可选：{', '.join(COMBINATION_RULES)}")


def apply_fixed(w: Array, fixed: Array) -> Array:
    r"""Keep analyst-fixed weights and rescale the others to the remainder.

    ``fixed`` holds a weight for fixed indicators and NaN elsewhere:
    :math:`w'_j = f_j` if fixed, else :math:`w'_j = (1 - \sum f) \, w_j / \sum_{k\ \text{free}} w_k`.
    """
    mask = ~np.isnan(fixed)
    if not mask.any():
        return w
    total_fixed = float(fixed[mask].sum())
    if total_fixed > 1 + 1e-12:
        raise ConfigError(f"固定权重（fixed_weight）之和为 {total_fixed:.4g}，超过 1")
    out = np.where(mask, np.nan_to_num(fixed), 0.0)
    free = w[~mask]
    if free.size:
        if free.sum() <= 0:
            raise ComputationError("除固定权重外的指标权重全为 0，无法按比例缩放")
        out[~mask] = (1.0 - total_fixed) * free / free.sum()
    return out


# --- issue #12 part 5: PCA weights and correlation-optimised weights -----------------------

PCA_RULES = ("max", "sum")


def pca(z: Array, *, rule: str = "max", names: Sequence[str] | None = None) -> Array:
    r"""PCA weights (主成分赋权; OECD/JRC *Handbook on Constructing Composite Indicators* 2008,
    §6.1 "weights based on principal components analysis", after Nicoletti, Scarpetta & Boylaud
    2000), unrotated.

    Eigen-decomposition of the Pearson correlation matrix :math:`R = V \Lambda V^\top`
    (:math:`\lambda_1 \ge \dots \ge \lambda_m`). Components kept (set K): eigenvalue > 1 (Kaiser),
    at least the first. Squared loadings scaled to unit sum within a component equal the squared
    eigenvector entries, :math:`\ell_{jk}^2/\sum_i \ell_{ik}^2 = v_{jk}^2`; the component's share
    of the kept variance is :math:`s_k = \lambda_k / \sum_{k \in K} \lambda_k`.

    ``rule="max"`` (the handbook): each indicator is assigned to the kept component where its
    scaled squared loading is largest, :math:`w_j \propto \max_{k \in K} v_{jk}^2\, s_k` taken at
    that component; ``rule="sum"``: :math:`w_j \propto \sum_{k \in K} v_{jk}^2\, s_k`. Normalised
    to sum 1. The handbook also rotates (varimax) before this step; xinzhi does not.

    Raises
    ------
    ComputationError
        A constant column or fewer than 2 rows.
    """
    _need_rows(z, "主成分赋权（pca）")
    if rule not in PCA_RULES:
        raise ConfigError(f"主成分赋权规则 {rule!r} 无效；可选：{', '.join(PCA_RULES)}")
    s = z.std(axis=0, ddof=1)
    if not (s > 0).all():
        j = int(np.nonzero(~(s > 0))[0][0])
        raise ComputationError(f"指标 {_label(names, j)} 为常数列，主成分赋权无法计算相关矩阵")
    r = np.corrcoef(z, rowvar=False)
    lam, vec = np.linalg.eigh(np.atleast_2d(r))
    order = np.argsort(lam)[::-1]
    lam, vec = lam[order], vec[:, order]
    keep = lam > 1.0
    keep[0] = True
    share = lam[keep] / lam[keep].sum()
    sq = vec[:, keep] ** 2
    if rule == "max":
        k = np.argmax(sq, axis=1)
        raw = sq[np.arange(sq.shape[0]), k] * share[k]
    else:
        raw = sq @ share
    return raw / raw.sum()


def _corr_with_index(cov: Array, w: Array) -> Array:
    """Pearson correlation of every column with ``y = z w``, from the covariance matrix of z."""
    cw = cov @ w
    den = np.sqrt(np.diag(cov) * (w @ cw))
    return cw / np.where(den > 0, den, np.inf)


def correlation_optimised(
    z: Array,
    *,
    target: Array | None = None,
    names: Sequence[str] | None = None,
) -> Array:
    r"""Correlation-optimised weights (相关性优化赋权; Paruolo, Saisana & Saltelli 2013;
    Becker, Saisana, Paruolo & Vandecasteele 2017; COINr ``get_opt_weights``, "balance").

    With the index :math:`y = z w`, the importance of indicator *j* is measured by the squared
    Pearson correlation :math:`S_j(w) = r(z_j, y)^2` (the first-order sensitivity index of a
    linear model). The weights make the relative importances match a target
    :math:`t` (default equal, :math:`t_j = 1/m`):

    .. math:: \min_{w \ge 0,\ \sum w = 1} \sum_j \Big(\frac{S_j(w)}{\sum_k S_k(w)} - t_j\Big)^2

    solved with SLSQP (scipy) from equal weights. Two uncorrelated indicators with standard
    deviations σ₁, σ₂ give :math:`w_1σ_1 = w_2σ_2` (equal correlations).

    Raises
    ------
    ComputationError
        A constant column, fewer than 2 rows, or the optimiser failing.
    """
    from scipy.optimize import minimize

    _need_rows(z, "相关性优化赋权（corr-opt）")
    m = z.shape[1]
    s = z.std(axis=0, ddof=1)
    if not (s > 0).all():
        j = int(np.nonzero(~(s > 0))[0][0])
        raise ComputationError(f"指标 {_label(names, j)} 为常数列，相关性优化赋权无法计算相关系数")
    t = np.full(m, 1.0 / m) if target is None else np.asarray(target, dtype=np.float64)
    t = t / t.sum()
    c = z - z.mean(axis=0)
    cov = c.T @ c  # the loss needs only the m × m covariance (no n-sized work per step)

    def loss(w: Array) -> float:
        sj = _corr_with_index(cov, w) ** 2
        tot = sj.sum()
        gap = (sj / tot if tot > 0 else sj) - t
        return float(gap @ gap)

    res = minimize(
        loss,
        np.full(m, 1.0 / m),
        method="SLSQP",
        bounds=[(0.0, 1.0)] * m,
        constraints=({"type": "eq", "fun": lambda w: w.sum() - 1.0},),
        options={"ftol": 1e-14, "maxiter": 500},
    )
    if not res.success:
        raise ComputationError(f"相关性优化赋权：优化未收敛（{res.message}）")
    w = np.clip(res.x, 0.0, None)
    return w / w.sum()


EXTRA_METHODS = ("pca", "corr-opt")
