"""Options chosen from a table (value → Chinese name): :func:`choice_option`, and the method
choices of an evaluation (normalisation, weighting, aggregation), declared once for the
evaluation (:mod:`xinzhi.registry.evaluation`) and the audit of an index
(:mod:`xinzhi.registry.audit`), which offers a part of them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from xinzhi.registry.core import Option

__all__ = ["AGGREGATIONS", "NORMALIZATIONS", "WEIGHTINGS", "choice_option"]

NORMALIZATIONS = {"minmax": "极差", "zscore": "Z 分数", "vector": "向量"}
"""Normalisation methods (value → Chinese name)."""

WEIGHTINGS = {
    "entropy": "熵权法",
    "critic": "CRITIC",
    "cv": "变异系数",
    "std": "标准差",
    "equal": "等权",
    "combined": "组合（熵权与 CRITIC）",
    "expert": "专家权重",
    "pca": "主成分（PCA）",
    "corr-opt": "相关性优化",
}
"""Weighting methods (value → Chinese name)."""

AGGREGATIONS = {
    "weighted-sum": "线性加权",
    "topsis": "TOPSIS",
    "grey": "灰色关联",
    "geometric": "几何加权",
    "harmonic": "调和加权",
    "copeland": "Copeland（非补偿）",
    "vikor": "VIKOR",
    "promethee": "PROMETHEE II",
}
"""Aggregation methods (value → Chinese name)."""


def choice_option(
    name: str,
    label: str,
    default: str | None,
    choices: Mapping[str, str],
    *,
    help: str = "",
    only: Sequence[str] | None = None,
) -> Option:
    """A ``str`` option among ``choices`` (value → Chinese name) — all of them, or those
    ``only`` names, in that order."""
    keys = tuple(choices) if only is None else tuple(only)
    return Option(
        name,
        label,
        str,
        default,
        choices=keys,
        choice_labels=tuple(choices[k] for k in keys),
        help=help,
    )
