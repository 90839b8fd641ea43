"""Robustness of rankings: rank correlation between method choices, weight perturbation.

Formulas (docs/evaluate.md §6): Spearman ρ and Kendall τ-b between score vectors; Monte Carlo
weight perturbation ``w_j ← w_j·u_j / Σ_k w_k u_k`` with ``u_j ~ U(1 − p, 1 + p)``, re-ranking
within year and reporting rank quantiles.

Scores (1, 2, 3, 4) against (1, 2, 4, 3): one swapped pair, Σd² = 2, so
ρ = 1 − 6·2/(4·15) = 0.8; of 6 pairs 5 are concordant and 1 discordant, τ = 4/6 = 0.6667:

>>> r = rank_correlation([1, 2, 3, 4], [1, 2, 4, 3])
>>> round(r["spearman"], 4), round(r["kendall"], 4)
(0.8, 0.6667)

Where to look
-------------
* Docs: ``docs/evaluate.md`` §6 (稳健性).
* Tests: ``tests/evaluate/test_eval_robustness.py``.
* CLI: none; Python API ``compare_methods``, ``weight_perturbation``.
"""

from __future__ import annotations

from collections.abc import Mapping
from itertools import combinations
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats

from xinzhi.errors import ComputationError
from xinzhi.evaluate import aggregate as agg
from xinzhi.evaluate.engine import evaluate
from xinzhi.evaluate.result import EvaluationResult
from xinzhi.indicators.system import IndicatorSystem

__all__ = ["compare_methods", "rank_correlation", "weight_perturbation"]


def rank_correlation(a: Any, b: Any) -> dict[str, float]:
    """Spearman ρ and Kendall τ-b between two score vectors (or two results' scores)."""
    sa = a.score if isinstance(a, EvaluationResult) else np.asarray(a, dtype=np.float64)
    sb = b.score if isinstance(b, EvaluationResult) else np.asarray(b, dtype=np.float64)
    if sa.shape != sb.shape or sa.size < 3:
        raise ComputationError("秩相关需要两组等长且至少 3 个样本的得分")
    return {
        "spearman": float(stats.spearmanr(sa, sb).statistic),
        "kendall": float(stats.kendalltau(sa, sb).statistic),
    }


def compare_methods(
    data: pd.DataFrame,
    system: IndicatorSystem,
    variants: Mapping[str, Mapping[str, Any]],
) -> pd.DataFrame:
    """Evaluate the same data under several option sets and correlate the scores pairwise.

    Returns a table ``a, b, spearman, kendall`` (one row per pair of variants).
    """
    results = {name: evaluate(data, system, dict(opts)) for name, opts in variants.items()}
    rows = []
    for x, y in combinations(results, 2):
        rows.append({"a": x, "b": y, **rank_correlation(results[x], results[y])})
    return pd.DataFrame(rows, columns=["a", "b", "spearman", "kendall"])


def weight_perturbation(
    result: EvaluationResult,
    *,
    n_draws: int = 1000,
    pct: float = 0.10,
    seed: int = 0,
    chunk: int = 100,
) -> pd.DataFrame:
    r"""Monte Carlo weight perturbation: rank intervals per unit-year.

    Each draw multiplies every weight by an independent :math:`U(1 - p, 1 + p)` factor and
    rescales to sum 1; the result's aggregation (same normalised data, same pooled / per-year
    scope) is recomputed and units are ranked within year.

    Returns
    -------
    DataFrame ``unit, year, rank, rank_min, rank_p05, rank_median, rank_p95, rank_max``.
    """
    if not 0 < pct < 1:
        raise ComputationError(f"权重扰动幅度 pct 应在 (0, 1) 内，实际为 {pct}")
    rng = np.random.default_rng(seed)
    z, w = result.normalized, result.weights
    opts = result.options
    groups = (
        np.unique(result.years, return_inverse=True)[1].astype(np.int64)
        if opts.scope == "per-year"
        else None
    )
    ranks = np.empty((z.shape[0], n_draws), dtype=np.int64)
    year_key = pd.Series(result.years)
    for start in range(0, n_draws, chunk):
        k = min(chunk, n_draws - start)
        draws = w * rng.uniform(1 - pct, 1 + pct, size=(k, w.size))
        draws /= draws.sum(axis=1, keepdims=True)
        if opts.aggregate == "weighted-sum" and not opts.hierarchical:
            scores = z @ draws.T
        else:
            scores = np.column_stack(
                [agg.aggregate(opts.aggregate, z, d, groups, **agg.params_of(opts)) for d in draws]
            )
        frame = pd.DataFrame(scores)
        ranks[:, start : start + k] = (
            frame.groupby(year_key.to_numpy())
            .rank(ascending=False, method="min")
            .to_numpy(np.int64)
        )
    q = np.quantile(ranks, [0.05, 0.5, 0.95], axis=1)
    keys = result.scores()[["unit", "year", "rank"]]
    return keys.assign(
        rank_min=ranks.min(axis=1),
        rank_p05=q[0],
        rank_median=q[1],
        rank_p95=q[2],
        rank_max=ranks.max(axis=1),
    )
