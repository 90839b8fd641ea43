r"""Statistical audit of a composite index (JRC/OECD handbook, COINr-style).

Sources
-------
* OECD & JRC (2008), *Handbook on Constructing Composite Indicators: Methodology and User
  Guide*, OECD Publishing, Paris (steps 4 "multivariate analysis" and 7 "uncertainty and
  sensitivity analysis").
* COINr (Becker, W., JRC Competence Centre on Composite Indicators and Scoreboards), R package
  1.1.x: ``get_stats`` (outlier flag ``|skew| > 2`` **and** ``kurtosis > 3.5``, availability
  threshold 0.65), ``qTreat`` (winsorise at most 5 points, else log), ``get_corr_flags``,
  ``get_cronbach``, ``get_PCA``.
* Paruolo, P., Saisana, M. & Saltelli, A. (2013), "Ratings and rankings: voodoo or science?",
  *J. R. Stat. Soc. A* 176(3): 609–634 — importance of an indicator as the squared correlation
  with the index (its linear main effect), compared with its nominal weight.
* Saisana, M., Saltelli, A. & Tarantola, S. (2005), "Uncertainty and sensitivity analysis
  techniques as tools for the quality assessment of composite indicators", *J. R. Stat. Soc. A*
  168(2): 307–323 — Monte Carlo over methodological choices, rank intervals, the average rank
  shift :math:`\bar R_S` as the scalar output of the Sobol analysis.
* Saltelli, A., Annoni, P., Azzini, I., Campolongo, F., Ratto, M. & Tarantola, S. (2010),
  "Variance based sensitivity analysis of model output. Design and estimator for the total
  sensitivity index", *Computer Physics Communications* 181: 259–270 (first-order estimator,
  Table 2 (b)); Jansen, M. J. W. (1999), *Comput. Phys. Commun.* 117: 35–43 (total index).

Cronbach's α of a tiny 3 × 2 matrix with columns (1, 2, 3) and (2, 3, 5): the column variances
are 1 and 7/3, the row sums (3, 5, 8) have variance 19/3, so
α = 2/1 · (1 − (1 + 7/3)/(19/3)) = 2 · (1 − 10/19) = 18/19 = 0.9474:

>>> import numpy as np
>>> round(cronbach_alpha(np.array([[1.0, 2.0], [2.0, 3.0], [3.0, 5.0]])), 4)
0.9474

Where to look
-------------
* Docs: ``docs/audit.md``.
* Tests: ``tests/evaluate/test_audit.py``, ``tests/evaluate/test_audit_sobol.py``.
* CLI: ``xinzhi audit --system … --input …``; pipeline :func:`xinzhi.pipelines.audit.audit_table`.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from scipy import stats as sps

from xinzhi.errors import ComputationError, InputError
from xinzhi.evaluate import weights as wts
from xinzhi.evaluate.aggregate import promethee_ii
from xinzhi.evaluate.engine import evaluate, prepare_wide
from xinzhi.evaluate.normalize import minmax, normalize
from xinzhi.evaluate.options import EvaluationOptions
from xinzhi.indicators.system import IndicatorSystem
from xinzhi.results import Result

__all__ = [
    "AuditResult",
    "audit",
    "correlation_flags",
    "cronbach_alpha",
    "effective_contribution",
    "indicator_stats",
    "monte_carlo",
    "pca",
    "sobol_indices",
    "sobol_sample",
]

Array = NDArray[np.float64]

T_SKEW = 2.0
T_KURT = 3.5
T_AVAIL = 0.65
T_REDUNDANT = 0.92
WINSOR_MAX = 5


# --------------------------------------------------------------------------- statistics
def _skew_kurt(v: Array) -> tuple[float, float]:
    """Sample skewness and excess kurtosis with the small-sample corrections (Excel SKEW/KURT,
    scipy ``bias=False``)."""
    if v.size < 4 or np.ptp(v) == 0:
        return float("nan"), float("nan")
    return float(sps.skew(v, bias=False)), float(sps.kurtosis(v, fisher=True, bias=False))


def _is_outlying(sk: float, ku: float, t_skew: float, t_kurt: float) -> bool:
    return bool(abs(sk) > t_skew and ku > t_kurt)


def _suggest(v: Array, t_skew: float, t_kurt: float, winmax: int) -> tuple[str, int]:
    """COINr ``qTreat`` rule: winsorise up to ``winmax`` points on the skewed side (each time the
    most extreme value takes the next value's level) until the flag clears, else log."""
    w = np.sort(v.copy())
    sk, _ = _skew_kurt(w)
    upper = sk > 0
    for k in range(1, min(winmax, w.size - 2) + 1):
        if upper:
            w[-k:] = w[-k - 1]
        else:
            w[:k] = w[k]
        sk2, ku2 = _skew_kurt(w)
        if not np.isnan(sk2) and not _is_outlying(sk2, ku2, t_skew, t_kurt):
            return f"缩尾（winsorise）{k} 个点", k
    return "对数变换（log）", 0


def indicator_stats(
    x: Array,
    codes: Sequence[str],
    *,
    t_skew: float = T_SKEW,
    t_kurt: float = T_KURT,
    t_avail: float = T_AVAIL,
    winmax: int = WINSOR_MAX,
) -> pd.DataFrame:
    r"""Descriptive statistics of each indicator column and the JRC outlier flag.

    Coverage = share of non-missing cells. Skewness :math:`G_1` and excess kurtosis :math:`G_2`
    are the bias-corrected sample statistics (as Excel's SKEW / KURT and COINr). An indicator is
    flagged as having outliers when :math:`|G_1| > 2` **and** :math:`G_2 > 3.5` (OECD/JRC
    handbook 2008; COINr ``get_stats`` defaults); the suggested treatment follows COINr
    ``qTreat``: winsorise up to 5 points, else take logs. Coverage below 0.65 is flagged
    (COINr ``t_avail``).

    Returns
    -------
    DataFrame ``indicator, n, n_avail, coverage, min, max, mean, median, std, skew, kurtosis,
    low_coverage, outliers, treatment``.
    """
    rows = []
    for j, code in enumerate(codes):
        col = x[:, j]
        v = col[np.isfinite(col)]
        sk, ku = _skew_kurt(v)
        flag = (not np.isnan(sk)) and _is_outlying(sk, ku, t_skew, t_kurt)
        treat = _suggest(v, t_skew, t_kurt, winmax)[0] if flag else ""
        rows.append(
            {
                "indicator": code,
                "n": col.size,
                "n_avail": v.size,
                "coverage": v.size / col.size if col.size else float("nan"),
                "min": float(v.min()) if v.size else float("nan"),
                "max": float(v.max()) if v.size else float("nan"),
                "mean": float(v.mean()) if v.size else float("nan"),
                "median": float(np.median(v)) if v.size else float("nan"),
                "std": float(v.std(ddof=1)) if v.size > 1 else float("nan"),
                "skew": sk,
                "kurtosis": ku,
                "low_coverage": bool(v.size < t_avail * col.size),
                "outliers": bool(flag),
                "treatment": treat,
            }
        )
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------- correlation
def correlation_flags(
    z: Array,
    codes: Sequence[str],
    dimension_of: Sequence[str],
    *,
    t_redundant: float = T_REDUNDANT,
) -> pd.DataFrame:
    """Pearson correlation of every pair of indicators (on the direction-adjusted, normalised
    matrix, so that a negative value is a real conflict), within and across dimensions.

    A pair in the same dimension is flagged ``冗余`` when r > 0.92 (the two carry the same
    information; OECD/JRC handbook 2008 step 4) and ``负相关`` when r < 0 (they pull the
    dimension score in opposite directions; COINr ``get_corr_flags``).

    Returns
    -------
    DataFrame ``indicator_a, indicator_b, dimension_a, dimension_b, same_dimension, r, flag``.
    """
    r = np.atleast_2d(np.corrcoef(z, rowvar=False))
    iu, ju = np.triu_indices(len(codes), k=1)
    dims = np.asarray(dimension_of, dtype=object)
    same = dims[iu] == dims[ju]
    rv = r[iu, ju]
    flag = np.where(same & (rv > t_redundant), "冗余", np.where(same & (rv < 0), "负相关", ""))
    return pd.DataFrame(
        {
            "indicator_a": np.asarray(codes, dtype=object)[iu],
            "indicator_b": np.asarray(codes, dtype=object)[ju],
            "dimension_a": dims[iu],
            "dimension_b": dims[ju],
            "same_dimension": same,
            "r": rv,
            "flag": flag,
        }
    )


def cronbach_alpha(x: Array) -> float:
    r"""Cronbach's α of the columns of ``x`` (rows = units):

    .. math:: \alpha = \frac{k}{k-1}\left(1 - \frac{\sum_j s_j^2}{s_T^2}\right)

    with :math:`s_j^2` the sample variance of column j and :math:`s_T^2` that of the row sums
    (Cronbach 1951; OECD/JRC handbook 2008 §4.1; COINr ``get_cronbach``). NaN when k < 2.
    """
    k = x.shape[1]
    if k < 2:
        return float("nan")
    total = x.sum(axis=1).var(ddof=1)
    if total == 0:
        return float("nan")
    return float(k / (k - 1) * (1 - x.var(axis=0, ddof=1).sum() / total))


def pca(x: Array) -> tuple[Array, Array]:
    r"""Principal components of the correlation matrix of ``x`` (columns standardised).

    Returns ``(explained, loadings)``: the share of variance of each component (eigenvalues
    λ_k / Σλ, descending) and the loadings :math:`a_{jk} = v_{jk}\sqrt{\lambda_k}` (correlation
    of indicator j with component k), each component's sign chosen so that its loadings sum to
    a non-negative number (OECD/JRC handbook 2008 §4.1; COINr ``get_PCA``).
    """
    if x.shape[1] < 1:
        return np.array([]), np.empty((0, 0))
    c = np.atleast_2d(np.corrcoef(x, rowvar=False))
    lam, vec = np.linalg.eigh(c)
    order = np.argsort(lam)[::-1]
    lam = np.clip(lam[order], 0.0, None)
    vec = vec[:, order]
    sign = np.where(vec.sum(axis=0) < 0, -1.0, 1.0)
    loadings = vec * sign * np.sqrt(lam)
    return lam / lam.sum(), loadings


def effective_contribution(z: Array, w: Array, score: Array, codes: Sequence[str]) -> pd.DataFrame:
    r"""Nominal weight against the effective contribution of each indicator to the score.

    * ``r``: Pearson correlation of indicator j with the score (COINr ``get_corr`` with the
      index);
    * ``main_effect`` :math:`S_j = r_j^2` and ``importance_share`` :math:`S_j / \sum_k S_k` —
      the linear main effect of Paruolo, Saisana & Saltelli (2013), which they compare with the
      nominal weights;
    * ``variance_share`` :math:`w_j\,\mathrm{cov}(z_j, S)/\mathrm{var}(S)` — the share of the
      score's variance carried by indicator j; for a weighted sum :math:`S = \sum_j w_j z_j` the
      shares sum to 1 exactly (for TOPSIS / grey the score is not linear in z and they are an
      approximation).
    """
    zc = z - z.mean(axis=0)
    sc = score - score.mean()
    var_s = float(sc @ sc) / (len(sc) - 1)
    cov = zc.T @ sc / (len(sc) - 1)
    sd = z.std(axis=0, ddof=1)
    r = cov / (sd * np.sqrt(var_s))
    s = r**2
    return pd.DataFrame(
        {
            "indicator": list(codes),
            "weight": w,
            "r": r,
            "main_effect": s,
            "importance_share": s / s.sum(),
            "variance_share": w * cov / var_s,
        }
    )


# --------------------------------------------------------------------------- Sobol
def sobol_sample(n: int, groups: Sequence[int], seed: int = 0) -> tuple[Array, Array, list[Array]]:
    """The Saltelli (2010) design: two independent N × d uniform matrices A, B (scrambled
    Sobol' sequence of dimension 2d) and for each *group* i of columns the matrix
    :math:`A_B^{(i)}` = A with the columns of group i taken from B.

    ``groups[c]`` is the group index of column c (a choice with several random inputs, such as a
    weight perturbation, is one group).
    """
    from scipy.stats import qmc

    d = len(groups)
    eng = qmc.Sobol(d=2 * d, scramble=True, seed=seed)
    m = int(np.ceil(np.log2(max(n, 2))))
    base = eng.random_base2(m)[:n]
    a, b = base[:, :d], base[:, d:]
    gid = np.asarray(groups)
    abs_ = []
    for g in range(int(gid.max()) + 1 if d else 0):
        ab = a.copy()
        ab[:, gid == g] = b[:, gid == g]
        abs_.append(ab)
    return a, b, abs_


def sobol_indices(
    f_a: Array, f_b: Array, f_ab: Sequence[Array], *, n_boot: int = 0, seed: int = 0
) -> pd.DataFrame:
    r"""First-order and total Sobol indices from the outputs of the Saltelli design.

    .. math::
        S_i = \frac{\frac1N\sum_j f(B)_j\,[f(A_B^{(i)})_j - f(A)_j]}{V(Y)},\qquad
        S_{Ti} = \frac{\frac1{2N}\sum_j [f(A)_j - f(A_B^{(i)})_j]^2}{V(Y)}

    (Saltelli et al. 2010, Table 2 (b) and (f) — the latter is Jansen's 1999 estimator), with
    V(Y) the variance of the pooled f(A), f(B). With ``n_boot`` > 0, a bootstrap 90 % interval of
    each index (percentiles over resampled rows of the design).

    Returns
    -------
    DataFrame ``factor, S1, ST`` (and ``S1_lo, S1_hi, ST_lo, ST_hi`` with the bootstrap);
    ``factor`` is the position i.
    """
    f_a = np.asarray(f_a, dtype=np.float64)
    f_b = np.asarray(f_b, dtype=np.float64)
    fab = np.asarray(f_ab, dtype=np.float64).reshape(len(f_ab), -1)

    def est(idx: NDArray[np.int64]) -> tuple[Array, Array]:
        a, b, ab = f_a[idx], f_b[idx], fab[:, idx]
        v = np.var(np.concatenate([a, b]), ddof=1)
        if v == 0:
            return np.zeros(len(fab)), np.zeros(len(fab))
        s1 = (b * (ab - a)).mean(axis=1) / v
        st = 0.5 * ((a - ab) ** 2).mean(axis=1) / v
        return s1, st

    n = f_a.size
    s1, st = est(np.arange(n))
    out = pd.DataFrame({"factor": np.arange(len(fab)), "S1": s1, "ST": st})
    if n_boot:
        rng = np.random.default_rng(seed)
        draws = [est(rng.integers(0, n, n)) for _ in range(n_boot)]
        b1 = np.array([d[0] for d in draws])
        bt = np.array([d[1] for d in draws])
        out["S1_lo"], out["S1_hi"] = np.quantile(b1, [0.05, 0.95], axis=0)
        out["ST_lo"], out["ST_hi"] = np.quantile(bt, [0.05, 0.95], axis=0)
    return out


# --------------------------------------------------------------------------- Monte Carlo
CHOICE_LABELS = {
    "imputation": "缺失值插补",
    "normalization": "标准化",
    "weights": "赋权",
    "aggregate": "集成",
    "perturbation": "权重扰动",
}
AUDIT_AGGREGATIONS = (
    "weighted-sum",
    "topsis",
    "grey",
    "geometric",
    "harmonic",
    "vikor",
    "promethee",
)
"""Aggregations the Monte Carlo can draw. Copeland is not among them: its n × n outranking
matrix per weight vector (O(n² m) for each of the N·(k+2) runs) is out of reach for all counties;
geometric and harmonic means run on the matrix made positive (:func:`positive_matrix`), VIKOR
with v = 0.5, PROMETHEE II with the ``usual`` preference function."""
POSITIVE_FLOOR = 0.01
"""A column of the normalised matrix with a value ≤ 0 is moved up to a minimum of this share of
its range for the geometric and harmonic means (min–max: z + 0.01, the engine's ``shift``)."""
VIKOR_V = 0.5
AUDIT_WEIGHTS = wts.OBJECTIVE_METHODS


@dataclass
class MonteCarlo:
    """Output of :func:`monte_carlo` (arrays over the N·(k+2) runs of the Saltelli design)."""

    factors: list[str]
    levels: dict[str, tuple[str, ...]]
    ranks: NDArray[np.int32]  # units × 2N (the A and B runs: the uncertainty sample)
    reference_rank: NDArray[np.int64]
    shift: Array  # mean |rank − reference| of each A, B run
    sobol: pd.DataFrame
    n: int
    pct: float


def _impute_cols(x: Array, how: str) -> Array:
    if not np.isnan(x).any():
        return x
    fill = np.nanmean(x, axis=0) if how == "mean" else np.nanmedian(x, axis=0)
    return np.where(np.isnan(x), fill, x)


def _rank_desc(scores: Array) -> NDArray[np.int32]:
    """Ordinal rank (1 = best) of each column of ``scores`` (units × runs)."""
    order = np.argsort(-scores, axis=0, kind="stable")
    ranks = np.empty(scores.shape, dtype=np.int32)
    rows = np.arange(1, scores.shape[0] + 1, dtype=np.int32)
    np.put_along_axis(ranks, order, rows[:, None], axis=0)
    return ranks


def monte_carlo(
    x: Array,
    benefit: NDArray[np.bool_],
    reference_rank: NDArray[np.int64],
    *,
    imputations: Sequence[str] = ("mean",),
    normalizations: Sequence[str] = ("minmax",),
    weights: Sequence[str] = ("entropy",),
    aggregations: Sequence[str] = ("weighted-sum",),
    pct: float = 0.0,
    n: int = 1000,
    seed: int = 0,
    grey_rho: float = 0.5,
    names: Sequence[str] | None = None,
    chunk: int = 256,
) -> MonteCarlo:
    r"""Monte Carlo over the methodological choices, with Sobol indices of the rank shift.

    Each run draws one level of every choice with more than one level (uniformly) and, when
    ``pct`` > 0, multiplies every weight by an independent :math:`U(1-p, 1+p)` factor and
    rescales them to sum 1. The output of a run is the ranking of the units and the average
    shift :math:`\bar R_S = \frac1M\sum_c |r_c - r_c^{ref}|` (Saisana, Saltelli & Tarantola
    2005). The design is Saltelli's (2010): N·(k+2) runs for k choices (the weight
    perturbation being one group of inputs).

    Vectorised: the imputed, normalised matrix is computed once per (imputation,
    normalisation) and the weights once per (imputation, weighting) — on the min–max matrix, as
    entropy needs non-negative values; the runs sharing a matrix and an aggregation are scored
    together as matrix products (weighted sum :math:`Z W`; TOPSIS
    :math:`D^\pm = \sqrt{(Z - z^\pm)^{\circ 2} (W^{\circ 2})}`; grey :math:`\Xi W`;
    geometric :math:`\exp(\ln Z' W)` and harmonic :math:`1 / (Z'^{\circ -1} W)` on the positive
    matrix :math:`Z'` of :func:`positive_matrix`; PROMETHEE II :math:`\Phi W` with the
    one-criterion net flows :math:`\Phi`; VIKOR :math:`S = D W`, :math:`R = \max_j d_{ij}
    w_j`, :math:`1 - Q` with v = 0.5). Copeland is not offered (see
    :data:`AUDIT_AGGREGATIONS`).
    """
    spec = {
        "imputation": tuple(imputations),
        "normalization": tuple(normalizations),
        "weights": tuple(weights),
        "aggregate": tuple(aggregations),
    }
    allowed = {
        "imputation": ("mean", "median"),
        "normalization": ("minmax", "zscore", "vector"),
        "weights": AUDIT_WEIGHTS,
        "aggregate": AUDIT_AGGREGATIONS,
    }
    for key, lv in spec.items():
        if not lv:
            raise InputError(f"不确定性分析的选项 {key} 至少要有一个取值")
        bad = [v for v in lv if v not in allowed[key]]
        if bad:
            raise InputError(f"不确定性分析的选项 {key} 含无效取值 {bad}；可选：{allowed[key]}")
    if not 0 <= pct < 1:
        raise InputError(f"权重扰动幅度应在 [0, 1) 内，实际为 {pct}")
    if n < 2:
        raise InputError(f"蒙特卡洛样本数 n 至少为 2，实际为 {n}")
    m = x.shape[1]
    factors = [k for k, lv in spec.items() if len(lv) > 1]
    groups = list(range(len(factors)))
    if pct > 0:
        factors.append("perturbation")
        groups += [len(factors) - 1] * m
    if not factors:
        raise InputError("没有可变的方法选择：请至少给一个选项两个以上取值，或设置权重扰动幅度")
    a, b, abs_ = sobol_sample(n, groups, seed)
    design = np.vstack([a, b, *abs_])
    runs = design.shape[0]

    # level index of each choice in each run (fixed choices: level 0)
    idx: dict[str, NDArray[np.int64]] = {}
    for key, lv in spec.items():
        if key in factors:
            c = factors.index(key)
            idx[key] = np.minimum((design[:, c] * len(lv)).astype(np.int64), len(lv) - 1)
        else:
            idx[key] = np.zeros(runs, dtype=np.int64)
    if pct > 0:
        u = 1 - pct + 2 * pct * design[:, len(factors) - 1 :]
    else:
        u = np.ones((runs, m))

    xs = {h: _impute_cols(x, h) for h in spec["imputation"]}
    zs = {
        (h, nm): normalize(xs[h], benefit, nm, names=names)
        for h in spec["imputation"]
        for nm in spec["normalization"]
    }
    base_w = {
        (h, wm): wts.objective_weights(wm, minmax(xs[h], benefit, names=names), names=names)
        for h in spec["imputation"]
        for wm in spec["weights"]
    }
    nunits = x.shape[0]
    scores = np.empty((nunits, runs))
    combo = (
        idx["imputation"] * 10000
        + idx["normalization"] * 1000
        + idx["weights"] * 10
        + idx["aggregate"]
    )
    for key in np.unique(combo):
        sel = np.nonzero(combo == key)[0]
        h = spec["imputation"][int(idx["imputation"][sel[0]])]
        nm = spec["normalization"][int(idx["normalization"][sel[0]])]
        wm = spec["weights"][int(idx["weights"][sel[0]])]
        ag = spec["aggregate"][int(idx["aggregate"][sel[0]])]
        z = zs[(h, nm)]
        w = base_w[(h, wm)] * u[sel]
        w /= w.sum(axis=1, keepdims=True)
        scores[:, sel] = _score_batch(z, w.T, ag, grey_rho)
    if not np.isfinite(scores).all():
        raise ComputationError("不确定性分析中出现非有限得分（NaN/inf），请检查输入数据")
    ref = np.asarray(reference_rank, dtype=np.int64)
    shift = np.empty(runs)
    ranks_ab = np.empty((nunits, 2 * n), dtype=np.int32)
    for start in range(0, runs, chunk):
        stop = min(start + chunk, runs)
        r = _rank_desc(scores[:, start:stop])
        shift[start:stop] = np.abs(r - ref[:, None]).mean(axis=0)
        lo, hi = start, min(stop, 2 * n)
        if lo < hi:
            ranks_ab[:, lo:hi] = r[:, : hi - lo]
    f_a, f_b = shift[:n], shift[n : 2 * n]
    f_ab = [shift[(2 + i) * n : (3 + i) * n] for i in range(len(factors))]
    sob = sobol_indices(f_a, f_b, f_ab, n_boot=200, seed=seed)
    sob.insert(0, "choice", factors)
    sob.insert(1, "label", [CHOICE_LABELS[f] for f in factors])
    sob = sob.drop(columns="factor")
    levels = {k: v for k, v in spec.items()}
    return MonteCarlo(factors, levels, ranks_ab, ref, shift[: 2 * n], sob, n, pct)


def positive_matrix(z: Array) -> Array:
    r"""``z`` with every column that has a value ≤ 0 moved up so that its minimum is
    :data:`POSITIVE_FLOOR` times its range: :math:`z'_{ij} = z_{ij} - \min_i z_{ij} +
    0.01(\max_i z_{ij} - \min_i z_{ij})` (a constant column becomes 1); positive columns
    are kept. The geometric and harmonic means need :math:`z > 0`.

    >>> positive_matrix(np.array([[0.0, 2.0], [1.0, 4.0], [0.5, 3.0]])).tolist()
    [[0.01, 2.0], [1.01, 4.0], [0.51, 3.0]]
    """
    lo, hi = z.min(axis=0), z.max(axis=0)
    move = lo <= 0
    if not move.any():
        return z
    shift = np.where(move, POSITIVE_FLOOR * (hi - lo) - lo, 0.0)
    out = z + shift
    out[:, move & (hi == lo)] = 1.0
    return out


def _vikor_batch(z: Array, w: Array, v: float = VIKOR_V) -> Array:
    """``1 − Q`` of VIKOR (:func:`xinzhi.evaluate.aggregate.vikor`) for every weight vector."""
    hi, lo = z.max(axis=0), z.min(axis=0)
    span = hi - lo
    d = np.zeros_like(z)
    np.divide(hi - z, span, out=d, where=span > 0)  # d_ij / w_j
    s = d @ w
    r = np.empty_like(s)
    step = max(1, 4_000_000 // max(d.size, 1))
    for start in range(0, w.shape[1], step):  # R_i = max_j w_j d_ij, a block of runs at a time
        wb = w[:, start : start + step]
        r[:, start : start + step] = (d[:, :, None] * wb[None, :, :]).max(axis=1)

    def part(t: Array) -> Array:
        t_lo, t_span = t.min(axis=0), t.max(axis=0) - t.min(axis=0)
        out = np.zeros_like(t)
        np.divide(t - t_lo, t_span, out=out, where=t_span > 0)
        return out

    return 1.0 - (v * part(s) + (1 - v) * part(r))


def _score_batch(z: Array, w: Array, how: str, rho: float) -> Array:
    """Scores of every unit (rows) for a batch of weight vectors (columns of ``w``, each
    summing to 1)."""
    if how == "weighted-sum":
        return z @ w
    if how == "geometric":
        return np.exp(np.log(positive_matrix(z)) @ w)
    if how == "harmonic":
        return 1.0 / ((1.0 / positive_matrix(z)) @ w)
    if how == "promethee":  # φ is linear in the weights: Σ_j w_j φ_j (one-criterion flows)
        ones = np.ones(1)
        flows = np.column_stack([promethee_ii(z[:, [j]], ones) for j in range(z.shape[1])])
        return np.round(flows @ w, 12)  # ties are genuine (counts): not broken by rounding noise
    if how == "vikor":
        return _vikor_batch(z, w)
    if how == "topsis":
        w2 = w**2
        d_plus = np.sqrt((z - z.max(axis=0)) ** 2 @ w2)
        d_minus = np.sqrt((z - z.min(axis=0)) ** 2 @ w2)
        return d_minus / (d_plus + d_minus)
    delta = np.abs(z.max(axis=0) - z)
    dmin, dmax = delta.min(), delta.max()
    xi = (dmin + rho * dmax) / (delta + rho * dmax)
    return xi @ w


# --------------------------------------------------------------------------- result
@dataclass
class AuditResult(Result):
    """Statistical audit of an index: see :func:`audit`."""

    system_name: str
    year: int | None
    options: dict[str, Any]
    stats: pd.DataFrame
    correlations: pd.DataFrame
    dimension_correlations: pd.DataFrame
    cronbach: pd.DataFrame
    pca_table: pd.DataFrame
    contribution: pd.DataFrame
    rank_intervals: pd.DataFrame | None = None
    sensitivity: pd.DataFrame | None = None
    mc_settings: dict[str, Any] = field(default_factory=dict)

    headers: ClassVar[dict[str, str]] = {
        "indicator": "指标",
        "dimension": "维度",
        "n": "样本数",
        "n_avail": "有效值数",
        "coverage": "覆盖率",
        "min": "最小值",
        "max": "最大值",
        "mean": "均值",
        "median": "中位数",
        "std": "标准差",
        "skew": "偏度",
        "kurtosis": "峰度（超额）",
        "low_coverage": "覆盖率不足",
        "outliers": "存在离群值",
        "treatment": "建议处理",
        "indicator_a": "指标甲",
        "indicator_b": "指标乙",
        "dimension_a": "维度甲",
        "dimension_b": "维度乙",
        "same_dimension": "同一维度",
        "r": "相关系数",
        "flag": "标记",
        "r_dimension": "与所属维度得分相关",
        "r_index": "与综合得分相关",
        "k": "指标数",
        "alpha": "克朗巴赫 α",
        "component": "主成分",
        "explained": "方差解释比例",
        "loading": "载荷",
        "weight": "名义权重",
        "main_effect": "主效应 r²",
        "importance_share": "主效应占比",
        "variance_share": "得分方差贡献占比",
        "unit": "单元",
        "rank": "基准排名",
        "rank_median": "排名中位数",
        "rank_p05": "排名 5% 分位",
        "rank_p95": "排名 95% 分位",
        "rank_min": "最好排名",
        "rank_max": "最差排名",
        "choice": "方法选择",
        "label": "名称",
        "S1": "一阶 Sobol 指数",
        "ST": "总 Sobol 指数",
        "S1_lo": "一阶下限(5%)",
        "S1_hi": "一阶上限(95%)",
        "ST_lo": "总效应下限(5%)",
        "ST_hi": "总效应上限(95%)",
    }

    def tables(self) -> dict[str, pd.DataFrame]:
        """指标统计, 相关系数, 指标与维度相关, 克朗巴赫系数, 主成分, 有效贡献 (and 排名区间,
        敏感性指数 when the Monte Carlo ran)."""
        out = {
            "指标统计": self.stats,
            "相关系数": self.correlations,
            "指标与维度相关": self.dimension_correlations,
            "克朗巴赫系数": self.cronbach,
            "主成分": self.pca_table,
            "有效贡献": self.contribution,
        }
        if self.rank_intervals is not None:
            out["排名区间"] = self.rank_intervals
        if self.sensitivity is not None:
            out["敏感性指数"] = self.sensitivity
        return out

    def tidy(self) -> pd.DataFrame:
        """The indicator table: statistics joined with the effective contribution."""
        return self.stats.merge(
            self.contribution, on=["indicator", "dimension"], how="left", suffixes=("", "_c")
        )

    def info_table(self) -> pd.DataFrame:
        """Options and Monte Carlo settings (sheet 说明)."""
        items = {**self.options, **self.mc_settings}
        return pd.DataFrame({"项目": list(items), "取值": [str(v) for v in items.values()]})

    def summary(self) -> str:
        """Chinese text: flags, α, PCA, effective weights and the uncertainty results."""
        lines = [
            f"指数统计审计：指标体系 {self.system_name}"
            + (f"，{self.year} 年" if self.year else "")
        ]
        st = self.stats
        lines.append(f"指标 {len(st)} 个，单元 {int(st['n'].max()) if len(st) else 0} 个。")
        out = st[st["outliers"]]
        if len(out):
            lines.append(
                "离群值（|偏度|>2 且峰度>3.5）："
                + "；".join(f"{r.indicator}→{r.treatment}" for r in out.itertuples())
            )
        else:
            lines.append("无指标触发离群值规则（|偏度|>2 且峰度>3.5）。")
        low = st[st["low_coverage"]]
        if len(low):
            lines.append("覆盖率低于 65%：" + "、".join(low["indicator"]))
        fl = self.correlations[self.correlations["flag"] != ""]
        if len(fl):
            lines.append(
                "相关标记："
                + "；".join(
                    f"{r.indicator_a}–{r.indicator_b} {r.flag}（r={r.r:.2f}）"
                    for r in fl.head(10).itertuples()
                )
                + (f" 等 {len(fl)} 对" if len(fl) > 10 else "")
            )
        else:
            lines.append("同一维度内没有负相关或冗余（r>0.92）的指标对。")
        for r in self.cronbach.itertuples():
            lines.append(f"维度 {r.dimension}：克朗巴赫 α = {r.alpha:.3f}（{r.k} 个指标）")
        first = self.pca_table[self.pca_table["component"] == 1]
        for r in first.drop_duplicates("dimension").itertuples():
            lines.append(f"维度 {r.dimension}：第一主成分解释方差 {r.explained:.1%}")
        c = self.contribution.assign(gap=lambda d: d["importance_share"] - d["weight"])
        if len(c):
            hi = c.iloc[int(np.argmax(c["gap"].abs().to_numpy()))]
            lines.append(
                f"名义权重与有效贡献差距最大的指标：{hi['indicator']}（权重 {hi['weight']:.3f}，"
                f"主效应占比 {hi['importance_share']:.3f}）"
            )
        if self.rank_intervals is not None and self.sensitivity is not None:
            ri = self.rank_intervals
            width = (ri["rank_p95"] - ri["rank_p05"]).median()
            lines.append(
                f"不确定性分析：{self.mc_settings.get('runs')} 次运行，排名 90% 区间宽度中位数 {width:.0f} 位。"
            )
            s = self.sensitivity.sort_values("ST", ascending=False)
            lines.append(
                "敏感性（总 Sobol 指数）："
                + "，".join(f"{r.label} {r.ST:.3f}（一阶 {r.S1:.3f}）" for r in s.itertuples())
            )
        return self.labelled("\n".join(lines))

    def chart_data(self) -> list[dict[str, Any]]:
        """Rank intervals for a chart (web / report): one record per unit, sorted by median rank."""
        if self.rank_intervals is None:
            return []
        ri = self.rank_intervals.sort_values(["rank_median", "rank"])
        cols = ["unit", "rank", "rank_median", "rank_p05", "rank_p95"]
        return [
            {k: (str(v) if k == "unit" else float(v)) for k, v in zip(cols, row, strict=True)}
            for row in ri[cols].itertuples(index=False)
        ]

    def rank_interval_svg(self, top: int = 40, width: int = 640) -> str:
        """A simple SVG: for the ``top`` units by median rank, the 90 % rank interval (line), the
        median (dot) and the reference rank (tick)."""
        data = self.chart_data()[:top]
        if not data:
            return ""
        row_h, left, pad = 14, 120, 10
        height = row_h * len(data) + 2 * pad + 16
        hi_rank = max(max(d["rank_p95"], d["rank"]) for d in data)

        def xpos(r: float) -> float:
            return left + (width - left - pad) * (r - 1) / max(hi_rank - 1, 1)

        parts = [
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
            'font-size="10" font-family="sans-serif">',
            f'<text x="{left}" y="12">排名 90% 区间（点：中位数，竖线：基准排名）</text>',
        ]
        for i, d in enumerate(data):
            y = pad + 16 + i * row_h
            parts.append(
                f'<text x="{left - 4}" y="{y + 4}" text-anchor="end">{html.escape(d["unit"])}</text>'
            )
            parts.append(
                f'<line x1="{xpos(d["rank_p05"]):.1f}" x2="{xpos(d["rank_p95"]):.1f}" y1="{y}" '
                f'y2="{y}" stroke="#4a7ab5" stroke-width="2"/>'
            )
            parts.append(
                f'<circle cx="{xpos(d["rank_median"]):.1f}" cy="{y}" r="3" fill="#1f3b63"/>'
            )
            xr = xpos(d["rank"])
            parts.append(
                f'<line x1="{xr:.1f}" x2="{xr:.1f}" y1="{y - 4}" y2="{y + 4}" stroke="#c0392b"/>'
            )
        parts.append("</svg>")
        return "\n".join(parts)


# --------------------------------------------------------------------------- entry point
def audit(
    data: pd.DataFrame,
    system: IndicatorSystem,
    options: EvaluationOptions | Mapping[str, Any] | None = None,
    *,
    year: int | None = None,
    uncertainty: bool = True,
    n: int = 1000,
    imputations: Sequence[str] | None = None,
    normalizations: Sequence[str] = ("minmax", "zscore", "vector"),
    weights: Sequence[str] = ("entropy", "critic", "equal"),
    aggregations: Sequence[str] = ("weighted-sum", "topsis"),
    pct: float = 0.25,
    seed: int = 0,
    progress: Callable[[str], None] | None = None,
) -> AuditResult:
    """Statistical audit of the index that ``system`` (with ``options``) builds on ``data``.

    The audit is made on one cross-section: ``year`` (default: the latest year of the table).
    The reference index is :func:`xinzhi.evaluate.evaluate` with the given options; statistics
    are on the raw values, correlations / α / PCA / contributions on the normalised matrix of
    the reference. With ``uncertainty``, :func:`monte_carlo` runs ``n`` base samples
    (N·(k+2) evaluations) over the given choice levels; ``imputations`` defaults to
    (mean, median) when the data have missing cells, else (mean,) (an inert choice).
    """
    frame, has_year = prepare_wide(data, system)
    if has_year:
        years = sorted(set(frame["year"].tolist()))
        y = years[-1] if year is None else int(year)
        if y not in years:
            raise InputError(f"输入表中没有 {y} 年的数据；有：{years}")
        frame = frame[frame["year"] == y].reset_index(drop=True)
    else:
        y = None
    codes = list(system.codes)
    x = frame[codes].to_numpy(dtype=np.float64)
    has_nan = bool(np.isnan(x).any())
    base = frame.drop(columns="year") if not has_year else frame
    over: dict[str, Any] = {}
    if has_nan:
        over["missing"] = "mean"
    if isinstance(options, EvaluationOptions):
        opts = options
        if has_nan and opts.missing == "error":
            from dataclasses import replace

            opts = replace(opts, missing="mean")
        ref = evaluate(base, system, opts)
    else:
        merged = {**over, **dict(options or {})}
        ref = evaluate(base, system, merged)
    z = ref.normalized
    top = system.top_dimension_of()
    dim_of = [top[c] for c in codes]
    st = indicator_stats(x, codes)
    st.insert(1, "dimension", dim_of)
    corr = correlation_flags(z, codes, dim_of)
    dnames = ref.dimension_names
    rows = []
    for j, c in enumerate(codes):
        d = dnames.index(dim_of[j])
        rows.append(
            {
                "indicator": c,
                "dimension": dim_of[j],
                "r_dimension": float(np.corrcoef(z[:, j], ref.dimension_scores[:, d])[0, 1]),
                "r_index": float(np.corrcoef(z[:, j], ref.score)[0, 1]),
            }
        )
    dim_corr = pd.DataFrame(rows)
    cron, pcs = [], []
    for dname in dnames:
        cols = [j for j, dd in enumerate(dim_of) if dd == dname]
        zd = z[:, cols]
        cron.append({"dimension": dname, "k": len(cols), "alpha": cronbach_alpha(zd)})
        if len(cols) >= 2:
            ex, ld = pca(zd)
            for k in range(len(cols)):
                for jj, j in enumerate(cols):
                    pcs.append(
                        {
                            "dimension": dname,
                            "component": k + 1,
                            "explained": float(ex[k]),
                            "indicator": codes[j],
                            "loading": float(ld[jj, k]),
                        }
                    )
    contrib = effective_contribution(z, ref.weights, ref.score, codes)
    contrib.insert(1, "dimension", dim_of)
    opts_used = ref.options.as_dict()
    result = AuditResult(
        system_name=system.name,
        year=y,
        options={k: v for k, v in opts_used.items() if v is not None and k != "ahp"},
        stats=st,
        correlations=corr,
        dimension_correlations=dim_corr,
        cronbach=pd.DataFrame(cron),
        pca_table=pd.DataFrame(
            pcs, columns=["dimension", "component", "explained", "indicator", "loading"]
        ),
        contribution=contrib,
    )
    if not uncertainty:
        return result
    if progress:
        progress("不确定性与敏感性分析（蒙特卡洛）…")
    imps = (
        tuple(imputations)
        if imputations is not None
        else (("mean", "median") if has_nan else ("mean",))
    )
    benefit = np.array([i.direction == "+" for i in system.indicators])
    mc = monte_carlo(
        x,
        benefit,
        ref.rank,
        imputations=imps,
        normalizations=normalizations,
        weights=weights,
        aggregations=aggregations,
        pct=pct,
        n=n,
        seed=seed,
        grey_rho=ref.options.grey_rho,
        names=codes,
    )
    q = np.quantile(mc.ranks, [0.05, 0.5, 0.95], axis=1)
    result.rank_intervals = pd.DataFrame(
        {
            "unit": frame["unit"].to_numpy(),
            "rank": ref.rank,
            "rank_median": q[1],
            "rank_p05": q[0],
            "rank_p95": q[2],
            "rank_min": mc.ranks.min(axis=1),
            "rank_max": mc.ranks.max(axis=1),
        }
    ).sort_values("rank", kind="stable", ignore_index=True)
    result.sensitivity = mc.sobol
    result.mc_settings = {
        "n": n,
        "runs": n * (len(mc.factors) + 2),
        "imputation_levels": imps,
        "normalization_levels": tuple(normalizations),
        "weights_levels": tuple(weights),
        "aggregate_levels": tuple(aggregations),
        "perturbation_pct": pct,
        "seed": seed,
    }
    return result
