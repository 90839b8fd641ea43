"""Regional disparity, dynamics and spatial analysis (pure analyses: DataFrames in, results out).

Modules: :mod:`.dagum` (Dagum Gini decomposition), :mod:`.inequality_indices` (Theil T/L with
decomposition, Gini, CV, max/min), :mod:`.kernel_density`, :mod:`.markov` (classic and spatial
Markov chains), :mod:`.spatial_autocorrelation` (Moran's I, Geary's C, LISA),
:mod:`.spatial_weights` (adjacency lists, alignment of libpysal W), :mod:`.convergence`
(σ and β convergence). Formulas and sources: ``docs/disparity.md``.
"""

from __future__ import annotations

from xinzhi.disparity.convergence import (
    BetaConvergenceResult,
    SigmaConvergenceResult,
    beta_convergence,
    sigma_convergence,
)
from xinzhi.disparity.dagum import DagumResult, dagum_gini, dagum_gini_arrays
from xinzhi.disparity.inequality_indices import (
    InequalityResult,
    TheilResult,
    gini,
    inequality_indices,
    theil_decomposition,
    theil_l,
    theil_t,
)
from xinzhi.disparity.kernel_density import KDEResult, kernel_density
from xinzhi.disparity.markov import MarkovResult, SpatialMarkovResult, markov_chain, spatial_markov
from xinzhi.disparity.spatial_autocorrelation import (
    GlobalAutocorrelationResult,
    LocalMoranResult,
    geary,
    local_moran,
    moran,
)
from xinzhi.disparity.spatial_weights import align_weights, weights_from_adjacency

__all__ = [
    "BetaConvergenceResult",
    "DagumResult",
    "GlobalAutocorrelationResult",
    "InequalityResult",
    "KDEResult",
    "LocalMoranResult",
    "MarkovResult",
    "SigmaConvergenceResult",
    "SpatialMarkovResult",
    "TheilResult",
    "align_weights",
    "beta_convergence",
    "dagum_gini",
    "dagum_gini_arrays",
    "geary",
    "gini",
    "inequality_indices",
    "kernel_density",
    "local_moran",
    "markov_chain",
    "moran",
    "sigma_convergence",
    "spatial_markov",
    "theil_decomposition",
    "theil_l",
    "theil_t",
    "weights_from_adjacency",
]
