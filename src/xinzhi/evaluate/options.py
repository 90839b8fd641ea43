"""``EvaluationOptions``: every option of :func:`xinzhi.evaluate.evaluate` that changes numbers."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from xinzhi.errors import ConfigError
from xinzhi.evaluate import aggregate as agg
from xinzhi.evaluate import weights as wts
from xinzhi.evaluate.normalize import NORMALIZATIONS

__all__ = [
    "DIMENSION_WEIGHTS",
    "MISSING",
    "SCORE_BASES",
    "WEIGHT_METHODS",
    "WEIGHT_SCOPES",
    "EvaluationOptions",
    "parse_range",
]

WEIGHT_METHODS = (
    "entropy",
    "critic",
    "cv",
    "std",
    "equal",
    "combined",
    "ahp",
    "expert",
    "pca",
    "corr-opt",
)
MISSING = ("error", "mean", "median", "group-mean", "iterative")
WEIGHT_SCOPES = ("pooled", "year")
SCORE_BASES = ("normalised", "proportion")
DIMENSION_WEIGHTS = ("sum", "entropy", "critic")


def parse_range(value: Any) -> tuple[float, float]:
    """``"a,b"`` / ``"a-b"`` … or a pair → ``(a, b)`` (the ``rescale`` option).

    >>> parse_range("0.002,0.998"), parse_range([0, 1])
    ((0.002, 0.998), (0.0, 1.0))
    """
    parts: Any = value
    if isinstance(value, str):
        text = value.strip(" []()").replace("，", ",").replace("–", ",")
        parts = [p for p in text.split(",") if p.strip()]
    try:
        a, b = (float(p) for p in parts)
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"选项 rescale 应为两个数 a,b（如 0.002,0.998），收到 {value!r}") from exc
    return a, b


@dataclass(frozen=True)
class EvaluationOptions:
    """Every option that changes numbers (defaults in brackets).

    normalization : ``minmax`` | ``zscore`` | ``vector`` [minmax]
    scope : ``pooled`` (min/max, TOPSIS ideals, grey reference over the whole panel) |
        ``per-year`` (within each year) [pooled]. Weights are computed once on the whole
        normalised panel unless ``weight_scope="year"``.
    shift : added to every normalised value (平移) [0]
    weights : ``entropy`` | ``critic`` | ``cv`` | ``std`` | ``equal`` | ``combined`` | ``ahp`` |
        ``expert`` [entropy]
    ingredients : methods combined by ``weights="combined"`` [("entropy", "critic")]
    combination : ``mean`` | ``multiplicative`` | ``game`` (博弈论) [mean]
    entropy_shift : None → 0·ln0 := 0; a number s → entropy on z + s [None]
    aggregate : ``weighted-sum`` | ``topsis`` | ``grey`` [weighted-sum]
    grey_rho : grey relational resolution coefficient ρ [0.5]
    hierarchical : total = Σ_d W_d·S_d of the dimension sub-scores (W_d = Σ weights in d)
        instead of the flat aggregation [False]
    ahp : judgement blocks (mapping / list) or a YAML/Excel path, for ``weights="ahp"``
    ahp_ri : ``saaty`` | ``alonso-lamata`` [saaty];  ahp_max_cr [0.1];  ahp_allow_inconsistent [False]
    expert_weights : code → weight for ``weights="expert"`` (else every indicator's fixed_weight)
    missing : ``error`` | ``mean`` | ``median`` — NaN cells raise, or are imputed with the
        indicator's mean / median over the same year (pooled if the whole year is missing);
        every imputed cell is logged and listed in ``result.imputed`` [error]
    years : keep only these years (None = all)

    Issue #12 parts 5 and 9 (docs/evaluate.md §3.9–3.10, §4.1, §7.1):

    aggregate also ``geometric`` | ``harmonic`` | ``copeland`` | ``vikor`` | ``promethee``;
    weights (and ingredients) also ``pca`` | ``corr-opt``
    vikor_v : VIKOR strategy weight v ∈ [0, 1] [0.5]
    promethee_function : ``usual`` | ``ushape`` | ``vshape`` | ``level`` | ``linear`` [usual]
    promethee_q, promethee_p : PROMETHEE thresholds q < p on the normalised scale [0, 0]
    missing also ``group-mean`` (mean of the same year within ``impute_group``) | ``iterative``
        (chained linear regressions until convergence)
    impute_group : ``province`` (first two digits of a 6-digit unit code) or the name of a column
        of the input table (e.g. a county type) [province]
    min_coverage : a unit whose share of non-missing indicator cells (all its years) is below this
        fraction is left out and listed in ``result.excluded`` [0 = keep every unit]

    Conventions of issue #12 (docs/evaluate.md §3.1, §4.1, §6.1):

    weight_scope : ``pooled`` (one set of weights for the panel) | ``year`` (逐年赋权:
        normalisation, weights and scores of each year's cross-section, as separate one-year
        runs) [pooled]
    entropy_k : ``n`` (k = 1/ln N) | ``nonzero`` (k_j = 1/ln of the non-zero p_ij of column j)
        [n]
    rescale : (a, b) → normalised min–max values mapped to [a, b]: z' = a + (b − a)·z, e.g.
        (0.002, 0.998) as in ``0.002 + 0.996·z`` [None]
    score_basis : ``normalised`` (S = Σ w_j z_ij) | ``proportion`` (S = Σ w_j p_ij, the entropy
        proportions; weighted sum only) [normalised]
    dimension_weights : ``sum`` (W_d = Σ of the weights in d) | ``entropy`` | ``critic``
        (two-stage: dimension scores re-normalised, weighted by a second entropy / CRITIC;
        implies ``hierarchical``) [sum]
    dimension_scope : re-normalisation of the dimension scores in the two-stage method over
        the whole panel (``pooled``) or within each ``year`` [pooled]
    """

    normalization: str = "minmax"
    scope: str = "pooled"
    shift: float = 0.0
    weights: str = "entropy"
    ingredients: tuple[str, ...] = ("entropy", "critic")
    combination: str = "mean"
    entropy_shift: float | None = None
    aggregate: str = "weighted-sum"
    grey_rho: float = 0.5
    hierarchical: bool = False
    ahp: Any = None
    ahp_ri: str = "saaty"
    ahp_max_cr: float = 0.1
    ahp_allow_inconsistent: bool = False
    expert_weights: Mapping[str, float] | None = None
    missing: str = "error"
    years: tuple[int, ...] | None = None
    # issue #12 parts 5 and 9
    vikor_v: float = 0.5
    promethee_function: str = "usual"
    promethee_q: float = 0.0
    promethee_p: float = 0.0
    impute_group: str = "province"
    min_coverage: float = 0.0
    # issue #12 parts 1–4
    weight_scope: str = "pooled"
    entropy_k: str = "n"
    rescale: tuple[float, float] | None = None
    score_basis: str = "normalised"
    dimension_weights: str = "sum"
    dimension_scope: str = "pooled"
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    @classmethod
    def resolve(cls, *layers: Mapping[str, Any] | None) -> EvaluationOptions:
        """Defaults, then each mapping in turn (later wins; ``None`` values are ignored)."""
        names = {f.name for f in fields(cls)} - {"extra"}
        merged: dict[str, Any] = {}
        for layer in layers:
            for k, v in (layer or {}).items():
                key = k.replace("-", "_")
                if key not in names:
                    raise ConfigError(f"未知的评价选项 {k!r}；可用选项：{sorted(names)}")
                if v is not None:
                    merged[key] = v
        if "ingredients" in merged:
            ing = merged["ingredients"]
            if isinstance(ing, str):  # "entropy,critic" from a CLI flag / API parameter
                ing = [p.strip(" []'\"") for p in ing.replace("+", ",").split(",")]
            merged["ingredients"] = tuple(p for p in ing if p)
        if merged.get("years") is not None:
            merged["years"] = tuple(int(y) for y in merged["years"])
        if merged.get("rescale") is not None:
            merged["rescale"] = parse_range(merged["rescale"])
        if isinstance(merged.get("weights"), str) and merged["weights"].startswith("ahp:"):
            merged["ahp"] = merged["weights"][4:]
            merged["weights"] = "ahp"
        opts = cls(**merged)
        opts.validate()
        return opts

    def validate(self) -> None:
        """Raise :class:`ConfigError` (Chinese, naming the option) on an invalid value."""
        checks = {
            "normalization": (self.normalization, NORMALIZATIONS),
            "scope": (self.scope, ("pooled", "per-year")),
            "weights": (self.weights, WEIGHT_METHODS),
            "combination": (self.combination, wts.COMBINATION_RULES),
            "aggregate": (self.aggregate, agg.AGGREGATIONS),
            "ahp_ri": (self.ahp_ri, ("saaty", "alonso-lamata")),
            "missing": (self.missing, MISSING),
            "promethee_function": (self.promethee_function, agg.PROMETHEE_FUNCTIONS),
            "weight_scope": (self.weight_scope, WEIGHT_SCOPES),
            "entropy_k": (self.entropy_k, wts.ENTROPY_K),
            "score_basis": (self.score_basis, SCORE_BASES),
            "dimension_weights": (self.dimension_weights, DIMENSION_WEIGHTS),
            "dimension_scope": (self.dimension_scope, WEIGHT_SCOPES),
        }
        for key, (val, allowed) in checks.items():
            if val not in allowed:
                raise ConfigError(f"选项 {key}={val!r} 无效；可选：{', '.join(allowed)}")
        for ing in self.ingredients:
            if ing not in wts.OBJECTIVE_METHODS:
                raise ConfigError(
                    f"选项 ingredients 中的 {ing!r} 无效；可选：{', '.join(wts.OBJECTIVE_METHODS)}"
                )
        if not 0 <= self.min_coverage <= 1:
            raise ConfigError(f"选项 min_coverage={self.min_coverage!r} 无效；应为 0–1 的比例")
        if not 0 <= self.vikor_v <= 1:
            raise ConfigError(f"选项 vikor_v={self.vikor_v!r} 无效；应在 [0, 1] 内")
        if self.weights == "combined" and len(self.ingredients) < 2:
            raise ConfigError("选项 ingredients 至少需要 2 种赋权方法才能组合（combined）")
        if self.rescale is not None:
            a, b = self.rescale
            if not a < b:
                raise ConfigError(f"选项 rescale=[{a}, {b}] 无效：下限应小于上限")
            if self.normalization != "minmax":
                raise ConfigError("选项 rescale 只用于极差标准化（normalization=minmax）")
        if self.score_basis == "proportion" and self.aggregate != "weighted-sum":
            raise ConfigError(
                "选项 score_basis=proportion（按熵权比重 p_ij 计分）只用于线性加权（weighted-sum）"
            )
        if self.weights == "ahp" and self.ahp is None:
            raise ConfigError(
                "weights=ahp 需要判断矩阵：在体系 options.ahp 中给出，或用 --weights ahp:FILE"
            )

    def as_dict(self) -> dict[str, Any]:
        """Options as a plain mapping (for reports and the result's metadata)."""
        out = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "extra"}
        if out["rescale"] is not None:
            out["rescale"] = list(out["rescale"])
        if isinstance(out["ahp"], Path):
            out["ahp"] = str(out["ahp"])
        return out
