"""Disparity analyses of a stored evaluation: one function per declared analysis.

Each function here is the pipeline of a declaration in :mod:`xinzhi.registry.disparity` (same
name, same keyword options, defaults read from the declaration) and is what the CLI
(``xinzhi disparity … --evaluation NAME``), the REST API (``/api/analyses/<key>``, and the older
``/api/disparity/…`` routes) and the web page 区域差异 call — so the same question gives the same
number everywhere. Which panel each analysis reads is decided here, once:

* Dagum, Theil, kernel density: every county-year of the evaluation (:func:`evaluation_panel`);
* Markov chain, σ/β convergence: the *comparable* panel — codes carried to the evaluation's latest
  year (``harmonise``) and the counties observed in every year
  (:func:`xinzhi.pipelines.spatial.comparable_panel`);
* Moran, LISA, spatial Markov: codes carried to those of the boundaries and the spatial weights
  the options name (default queen contiguity; k nearest, inverse distance, economic distance,
  nested economic–geographic, a user's matrix file —
  :func:`xinzhi.pipelines.spatial.evaluation_spatial`, :class:`~xinzhi.pipelines.spatial.WeightsRequest`).

Every function takes the warehouse connection, the options of its declaration and ``data_dir``
(the public-data mirror; used by the spatial ones, accepted by all so that
:meth:`xinzhi.registry.Analysis.run` calls them alike).

The result objects are those of :mod:`xinzhi.disparity`; their ``options`` record the evaluation,
the options and the panel (``units``, ``years``, ``harmonised_to``), their ``notes`` what was left
out and why.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import duckdb
import pandas as pd

from xinzhi import config
from xinzhi.disparity import (
    beta_convergence,
    dagum_gini,
    kernel_density,
    local_moran,
    markov_chain,
    sigma_convergence,
    theil_decomposition,
)
from xinzhi.disparity import geary as global_geary
from xinzhi.disparity import moran as global_moran
from xinzhi.disparity import spatial_markov as spatial_markov_chain
from xinzhi.disparity._common import DisparityResult
from xinzhi.disparity.convergence import BetaConvergenceResult, SigmaConvergenceResult
from xinzhi.disparity.dagum import DagumResult
from xinzhi.disparity.inequality_indices import InequalityResult, TheilResult, inequality_indices
from xinzhi.disparity.kernel_density import KDEResult
from xinzhi.disparity.markov import MarkovResult, SpatialMarkovResult
from xinzhi.disparity.spatial_autocorrelation import (
    GlobalAutocorrelationResult,
    LocalMoranResult,
)
from xinzhi.errors import NotFoundError
from xinzhi.pipelines.spatial import (
    WeightsRequest,
    balanced_panel,
    comparable_panel,
    evaluation_spatial,
    spatial_subset,
)
from xinzhi.pipelines.stored import evaluation_panel, stored_scores, with_economic_region
from xinzhi.regions.boundaries import BOUNDARY_YEAR
from xinzhi.registry import Analysis
from xinzhi.registry import disparity as decl

__all__ = [
    "Convergence",
    "convergence",
    "dagum",
    "geary",
    "indices",
    "kde",
    "lisa",
    "markov",
    "moran",
    "spatial_markov",
    "theil",
]


def _data_dir(data_dir: str | os.PathLike[str] | None) -> Path | None:
    d = data_dir if data_dir is not None else config.data_dir()
    return Path(d) if d is not None else None


def _of_year(scores: pd.DataFrame, evaluation: str, year: int | None) -> pd.DataFrame:
    if year is None:
        return scores
    out = scores[scores["year"] == int(year)]
    if out.empty:
        have = "、".join(str(y) for y in sorted(scores["year"].unique()))
        raise NotFoundError(f"评价结果 {evaluation} 中没有 {year} 年的得分（可选：{have}）")
    return out


def _latest_year(scores: pd.DataFrame, evaluation: str, year: int | None) -> int:
    years = sorted(int(y) for y in scores["year"].unique())
    y = years[-1] if year is None else int(year)
    if y not in years:
        raise NotFoundError(
            f"评价结果 {evaluation} 中没有 {y} 年（可选：{'、'.join(str(v) for v in years)}）"
        )
    return y


def _group_column(group: str) -> str:
    return "region" if group == "region" else "province_name"


def dagum(
    con: duckdb.DuckDBPyConnection,
    evaluation: str,
    *,
    group: str = decl.DAGUM.default("group"),
    year: int | None = decl.DAGUM.default("year"),
    data_dir: str | os.PathLike[str] | None = None,
) -> DagumResult:
    """Dagum (1997) Gini decomposition of the stored scores, G = G_w + G_nb + G_t, by province
    or by the four economic regions (东部/中部/西部/东北, NBS 2011), each year separately."""
    decl.DAGUM.resolve({"evaluation": evaluation, "group": group, "year": year})
    s = _of_year(stored_scores(con, evaluation), evaluation, year)
    res = dagum_gini(with_economic_region(s), "score", _group_column(group), by="year")
    res.options.update(evaluation=evaluation, group=group)
    return res


def theil(
    con: duckdb.DuckDBPyConnection,
    evaluation: str,
    *,
    group: str = decl.THEIL.default("group"),
    year: int | None = decl.THEIL.default("year"),
    index: str = decl.THEIL.default("index"),
    data_dir: str | os.PathLike[str] | None = None,
) -> TheilResult:
    """Theil T and L of the stored scores and their within/between decomposition."""
    decl.THEIL.resolve({"evaluation": evaluation, "group": group, "year": year, "index": index})
    s = _of_year(stored_scores(con, evaluation), evaluation, year)
    res = theil_decomposition(
        with_economic_region(s), "score", _group_column(group), by="year", index=index
    )
    res.options.update(evaluation=evaluation, group=group)
    return res


def indices(
    con: duckdb.DuckDBPyConnection,
    evaluation: str,
    *,
    year: int | None = decl.INDICES.default("year"),
    ddof: int = decl.INDICES.default("ddof"),
    data_dir: str | os.PathLike[str] | None = None,
) -> InequalityResult:
    """Gini, coefficient of variation, Theil T and L and the max/min ratio of the stored
    scores, each year separately."""
    decl.INDICES.resolve({"evaluation": evaluation, "year": year, "ddof": ddof})
    s = _of_year(stored_scores(con, evaluation), evaluation, year)
    res = inequality_indices(s, "score", "year", ddof=ddof)
    res.options.update(evaluation=evaluation)
    return res


def kde(
    con: duckdb.DuckDBPyConnection,
    evaluation: str,
    *,
    kernel: str = decl.KDE.default("kernel"),
    bandwidth: str = decl.KDE.default("bandwidth"),
    grid_size: int = decl.KDE.default("grid_size"),
    data_dir: str | os.PathLike[str] | None = None,
) -> KDEResult:
    """Kernel density of each year's scores (every county of that year)."""
    decl.KDE.resolve(
        {"evaluation": evaluation, "kernel": kernel, "bandwidth": bandwidth, "grid_size": grid_size}
    )
    s = stored_scores(con, evaluation)
    res = kernel_density(
        s,
        "score",
        "year",
        kernel=kernel,  # type: ignore[arg-type]
        bandwidth_rule=bandwidth,  # type: ignore[arg-type]
        grid_size=grid_size,
    )
    res.options.update(evaluation=evaluation)
    return res


def _comparable(
    con: duckdb.DuckDBPyConnection, evaluation: str, harmonise: bool
) -> tuple[pd.DataFrame, list[str]]:
    """:func:`xinzhi.pipelines.spatial.comparable_panel` and the notes saying what was left
    out."""
    bal, dropped, summary = comparable_panel(evaluation, con, harmonise=harmonise)
    notes = [f"{len(dropped)} 个单元不是每年都有数据，未计入"] if dropped else []
    return bal, [*notes, *([summary] if summary else [])]


def _panel_facts(bal: pd.DataFrame, harmonise: bool) -> dict[str, Any]:
    years = sorted(int(y) for y in bal["year"].unique())
    return {
        "harmonised_to": years[-1] if harmonise and years else None,
        "years": years,
        "units": int(bal["unit"].nunique()),
    }


def markov(
    con: duckdb.DuckDBPyConnection,
    evaluation: str,
    *,
    k: int = decl.MARKOV.default("k"),
    classification: str = decl.MARKOV.default("classification"),
    harmonise: bool = decl.MARKOV.default("harmonise"),
    data_dir: str | os.PathLike[str] | None = None,
) -> MarkovResult:
    """Classic Markov chain of the scores (k quantile classes) on the comparable panel."""
    decl.MARKOV.resolve(
        {"evaluation": evaluation, "k": k, "classification": classification, "harmonise": harmonise}
    )
    bal, notes = _comparable(con, evaluation, harmonise)
    res = markov_chain(
        bal,
        "score",
        "unit",
        "year",
        k=k,
        classification=classification,  # type: ignore[arg-type]
    )
    res.options.update(evaluation=evaluation, harmonise=harmonise, **_panel_facts(bal, harmonise))
    res.notes.extend(notes)
    return res


def _weight_options(scope: dict[str, Any]) -> dict[str, Any]:
    """The declared spatial-weight options among a pipeline function's arguments."""
    return {o.name: scope[o.name] for o in decl.WEIGHT_OPTIONS}


def _spatial_panel(
    con: duckdb.DuckDBPyConnection,
    evaluation: str,
    request: WeightsRequest,
    data_dir: str | os.PathLike[str] | None,
) -> tuple[pd.DataFrame, Any, list[str]]:
    """The evaluation's panel on the boundaries' codes, counties observed in every year that
    have a row in the requested weights: the rows, the weights and the notes saying what was
    left out (spatial Markov chain, spatial β convergence)."""
    panel = evaluation_panel(evaluation, con=con, harmonise_to=BOUNDARY_YEAR)
    bal, dropped = balanced_panel(panel)
    kept, w, lacking = spatial_subset(bal, "unit", request, panel=bal, data_dir=_data_dir(data_dir))
    notes: list[str] = []
    if dropped:
        notes.append(f"{len(dropped)} 个单元不是每年都有数据，未计入")
    if lacking:
        notes.append(f"{len(lacking)} 个单元没有边界多边形、坐标或权重矩阵行，未计入")
    return kept, w, notes


def spatial_markov(
    con: duckdb.DuckDBPyConnection,
    evaluation: str,
    *,
    k: int = decl.SPATIAL_MARKOV.default("k"),
    lag_cutoffs: str = decl.SPATIAL_MARKOV.default("lag_cutoffs"),
    weights: str = decl.SPATIAL_MARKOV.default("weights"),
    neighbors: int = decl.SPATIAL_MARKOV.default("neighbors"),
    power: int = decl.SPATIAL_MARKOV.default("power"),
    cutoff: float | None = decl.SPATIAL_MARKOV.default("cutoff"),
    economic_variable: str | None = decl.SPATIAL_MARKOV.default("economic_variable"),
    standardise: str = decl.SPATIAL_MARKOV.default("standardise"),
    coordinates: Path | None = None,
    weights_file: Path | None = None,
    data_dir: str | os.PathLike[str] | None = None,
) -> SpatialMarkovResult:
    """Spatial Markov chain (Rey 2001) of the scores: codes carried to the boundaries' year,
    counties observed in every year, the named spatial weights (default queen contiguity)."""
    wopts = _weight_options(locals())
    decl.SPATIAL_MARKOV.resolve(
        {"evaluation": evaluation, "k": k, "lag_cutoffs": lag_cutoffs, **wopts}
    )
    request = WeightsRequest.from_options(**wopts)
    kept, w, notes = _spatial_panel(con, evaluation, request, data_dir)
    res = spatial_markov_chain(
        kept,
        "score",
        "unit",
        "year",
        w,
        k=k,
        lag_cutoffs=lag_cutoffs,
        transform=request.transform,
    )
    res.options.update(evaluation=evaluation, harmonised_to=BOUNDARY_YEAR, **request.options())
    res.notes.extend([f"空间权重：{request.label}", *notes])
    return res


def _spatial_year(
    con: duckdb.DuckDBPyConnection,
    evaluation: str,
    year: int | None,
    data_dir: str | os.PathLike[str] | None,
    request: WeightsRequest,
) -> tuple[int, pd.DataFrame, Any, list[str]]:
    """The year (default the latest), its rows on the boundaries' codes, the requested weights
    and the codes left out (:func:`xinzhi.pipelines.spatial.evaluation_spatial`)."""
    y = _latest_year(stored_scores(con, evaluation), evaluation, year)
    df, w, left_out = evaluation_spatial(
        evaluation, y, con, data_dir=_data_dir(data_dir), request=request
    )
    return y, df, w, left_out


def _global(
    statistic: Callable[..., GlobalAutocorrelationResult],
    declaration: Analysis,
    scope: dict[str, Any],
) -> GlobalAutocorrelationResult:
    """A global autocorrelation ``statistic`` (Moran's I, Geary's C) of one year's scores.
    ``scope`` holds the arguments of the pipeline function (:func:`moran`, :func:`geary`): the
    options of its ``declaration`` (checked here first), ``con`` and ``data_dir``."""
    declaration.resolve({o.name: scope[o.name] for o in declaration.options})
    con, evaluation, year = scope["con"], scope["evaluation"], scope["year"]
    permutations, seed, data_dir = scope["permutations"], scope["seed"], scope["data_dir"]
    request = WeightsRequest.from_options(**_weight_options(scope))
    y, df, w, left_out = _spatial_year(con, evaluation, year, data_dir, request)
    res = statistic(
        df, "score", "unit", w, permutations=permutations, seed=seed, transform=request.transform
    )
    res.options.update(evaluation=evaluation, year=y, left_out=left_out, **request.options())
    res.notes.append(f"空间权重：{request.label}")
    if left_out:
        res.notes.append(
            f"{len(left_out)} 个 {y} 年的单元没有县级边界多边形、坐标或权重矩阵行，未计入"
        )
    return res


def moran(
    con: duckdb.DuckDBPyConnection,
    evaluation: str,
    *,
    year: int | None = decl.MORAN.default("year"),
    permutations: int = decl.MORAN.default("permutations"),
    seed: int = decl.MORAN.default("seed"),
    weights: str = decl.MORAN.default("weights"),
    neighbors: int = decl.MORAN.default("neighbors"),
    power: int = decl.MORAN.default("power"),
    cutoff: float | None = decl.MORAN.default("cutoff"),
    economic_variable: str | None = decl.MORAN.default("economic_variable"),
    standardise: str = decl.MORAN.default("standardise"),
    coordinates: Path | None = None,
    weights_file: Path | None = None,
    data_dir: str | os.PathLike[str] | None = None,
) -> GlobalAutocorrelationResult:
    """Global Moran's I of one year's scores (default the latest) on queen contiguity, codes
    carried to the boundaries' year (:func:`xinzhi.pipelines.spatial.evaluation_spatial`)."""
    return _global(global_moran, decl.MORAN, locals())


def geary(
    con: duckdb.DuckDBPyConnection,
    evaluation: str,
    *,
    year: int | None = decl.GEARY.default("year"),
    permutations: int = decl.GEARY.default("permutations"),
    seed: int = decl.GEARY.default("seed"),
    weights: str = decl.GEARY.default("weights"),
    neighbors: int = decl.GEARY.default("neighbors"),
    power: int = decl.GEARY.default("power"),
    cutoff: float | None = decl.GEARY.default("cutoff"),
    economic_variable: str | None = decl.GEARY.default("economic_variable"),
    standardise: str = decl.GEARY.default("standardise"),
    coordinates: Path | None = None,
    weights_file: Path | None = None,
    data_dir: str | os.PathLike[str] | None = None,
) -> GlobalAutocorrelationResult:
    """Global Geary's C (Geary 1954) of one year's scores on the units and weights of
    :func:`moran`."""
    return _global(global_geary, decl.GEARY, locals())


def lisa(
    con: duckdb.DuckDBPyConnection,
    evaluation: str,
    *,
    year: int | None = decl.LISA.default("year"),
    permutations: int = decl.LISA.default("permutations"),
    seed: int = decl.LISA.default("seed"),
    alpha: float = decl.LISA.default("alpha"),
    inference: str = decl.LISA.default("inference"),
    weights: str = decl.LISA.default("weights"),
    neighbors: int = decl.LISA.default("neighbors"),
    power: int = decl.LISA.default("power"),
    cutoff: float | None = decl.LISA.default("cutoff"),
    economic_variable: str | None = decl.LISA.default("economic_variable"),
    standardise: str = decl.LISA.default("standardise"),
    coordinates: Path | None = None,
    weights_file: Path | None = None,
    data_dir: str | os.PathLike[str] | None = None,
) -> LocalMoranResult:
    """Local Moran (Anselin 1995) of one year's scores; ``table`` gains the county ``name``."""
    wopts = _weight_options(locals())
    decl.LISA.resolve(
        {
            "evaluation": evaluation,
            "year": year,
            "permutations": permutations,
            "seed": seed,
            "alpha": alpha,
            "inference": inference,
            **wopts,
        }
    )
    request = WeightsRequest.from_options(**wopts)
    y, df, w, left_out = _spatial_year(con, evaluation, year, data_dir, request)
    res = local_moran(
        df,
        "score",
        "unit",
        w,
        permutations=permutations,
        seed=seed,
        alpha=alpha,
        inference=inference,  # type: ignore[arg-type]
        transform=request.transform,
    )
    res.table["name"] = res.table["unit"].map(df.set_index("unit")["name"])
    res.options.update(evaluation=evaluation, year=y, left_out=left_out, **request.options())
    res.notes.append(f"空间权重：{request.label}")
    return res


@dataclass
class Convergence(DisparityResult):
    """σ convergence and β convergence of one panel (:mod:`xinzhi.disparity.convergence`);
    :meth:`tidy` is the β coefficient table."""

    sigma: SigmaConvergenceResult
    beta: BetaConvergenceResult

    title: ClassVar[str] = "σ 收敛与 β 收敛"

    def tables(self) -> dict[str, pd.DataFrame]:
        return {
            "β收敛": self.beta.coefficients,
            "β收敛统计量": self.beta.stats,
            "σ收敛": self.sigma.table,
        }


def convergence(
    con: duckdb.DuckDBPyConnection,
    evaluation: str,
    *,
    kind: str = decl.CONVERGENCE.default("kind"),
    measure: str = decl.CONVERGENCE.default("measure"),
    fixed_effects: str = decl.CONVERGENCE.default("fixed_effects"),
    cov_type: str = decl.CONVERGENCE.default("cov_type"),
    harmonise: bool = decl.CONVERGENCE.default("harmonise"),
    spatial: str = decl.CONVERGENCE.default("spatial"),
    weights: str = decl.CONVERGENCE.default("weights"),
    neighbors: int = decl.CONVERGENCE.default("neighbors"),
    power: int = decl.CONVERGENCE.default("power"),
    cutoff: float | None = decl.CONVERGENCE.default("cutoff"),
    economic_variable: str | None = decl.CONVERGENCE.default("economic_variable"),
    standardise: str = decl.CONVERGENCE.default("standardise"),
    coordinates: Path | None = None,
    weights_file: Path | None = None,
    data_dir: str | os.PathLike[str] | None = None,
) -> Convergence:
    """σ convergence (``measure`` per year) and β convergence (``kind``: growth over the whole
    period on the log of the first score — Barro & Sala-i-Martin 1992 — or period by period) on
    the comparable panel. With ``spatial="slx"`` the β regression gains the spatial lag of the
    initial level (SLX; :func:`xinzhi.disparity.beta_convergence`): codes are then carried to
    the boundaries' year (as the spatial Markov chain) and the weights are those the weight
    options name."""
    wopts = _weight_options(locals())
    chosen = {
        "evaluation": evaluation,
        "kind": kind,
        "measure": measure,
        "fixed_effects": fixed_effects,
        "cov_type": cov_type,
        "harmonise": harmonise,
        "spatial": spatial,
    }
    decl.CONVERGENCE.resolve({**chosen, **wopts})
    w: Any = None
    request: WeightsRequest | None = None
    if spatial == "slx":
        request = WeightsRequest.from_options(**wopts)
        bal, w, left_out = _spatial_panel(con, evaluation, request, data_dir)
        notes = [f"空间 β 收敛（SLX），空间权重：{request.label}", *left_out]
    else:
        bal, notes = _comparable(con, evaluation, harmonise)
    sig = sigma_convergence(bal, "score", "year", measure=measure)  # type: ignore[arg-type]
    beta = beta_convergence(
        bal,
        "score",
        "unit",
        "year",
        kind=kind,  # type: ignore[arg-type]
        fixed_effects=fixed_effects,  # type: ignore[arg-type]
        cov_type=cov_type,  # type: ignore[arg-type]
        weights=w,
        transform=request.transform if request is not None else "r",
    )
    options = {
        **chosen,
        **(request.options() if request is not None else {}),
        **_panel_facts(bal, harmonise and spatial != "slx"),
    }
    if spatial == "slx":
        options["harmonised_to"] = BOUNDARY_YEAR
    return Convergence(sig, beta, options=options, notes=[*sig.notes, *beta.notes, *notes])
