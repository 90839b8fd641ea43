"""Disparity analyses of a user's table: one function per ``xinzhi disparity … --input FILE``
task (the analyses of a *stored evaluation* are in :mod:`xinzhi.pipelines.disparity`).

Every function takes the table (a DataFrame, or the path of a csv / xlsx / parquet file read by
:func:`xinzhi.pipelines.user_tables.read_user_table` with the key columns kept as text), the
column names, and the options of the analysis. Options that an analysis of a stored evaluation
also has take their defaults from its declaration (:mod:`xinzhi.registry.disparity`) and are
checked against it; the others are keyword arguments with their defaults here, so the command
line decides none of them. The only default that differs from the declaration is the grouping of
Dagum and Theil: a user's table has no province column guaranteed, so the default group column
is ``region``.

Spatial weights (``weights``): a kind declared in :data:`xinzhi.registry.disparity.WEIGHTS` —
``"queen"`` (queen contiguity of the 6-digit county codes, :func:`xinzhi.pipelines.spatial.queen_subset`),
``"knn"``, ``"inverse-distance"``, ``"economic"``, ``"nested"`` (with the options ``neighbors``,
``power``, ``cutoff``, ``economic_variable``, ``coordinates``;
:func:`xinzhi.pipelines.spatial.spatial_subset`) — or the path of an adjacency table with columns
``unit``, ``neighbor``; ``weights_file`` (an n×n matrix) replaces them. Units the weights cannot
place (no polygon, no coordinates, no matrix row) are left out and named in the result's notes;
``standardise`` says whether the weights are row-standardised (declared default) or used as
built.

Tests: ``tests/pipelines/test_pipeline_tables.py`` (hand values, PySAL references, declared
defaults) and ``tests/disparity/test_disparity_cli.py`` (the commands).

>>> import pandas as pd
>>> t = pd.DataFrame({"region": ["东", "东", "西", "西"], "score": [1.0, 3.0, 2.0, 6.0]})
>>> round(float(dagum_table(t).overall["G"].iloc[0]), 6)
0.333333
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import pandas as pd

from xinzhi import registry
from xinzhi.disparity.convergence import beta_convergence, sigma_convergence
from xinzhi.disparity.dagum import DagumResult, dagum_gini
from xinzhi.disparity.inequality_indices import (
    InequalityResult,
    TheilResult,
    inequality_indices,
    theil_decomposition,
)
from xinzhi.disparity.kernel_density import KDEResult, kernel_density
from xinzhi.disparity.markov import (
    MarkovResult,
    SpatialMarkovResult,
    markov_chain,
    spatial_markov,
)
from xinzhi.disparity.spatial_autocorrelation import (
    GlobalAutocorrelationResult,
    LocalMoranResult,
    geary,
    local_moran,
    moran,
)
from xinzhi.disparity.spatial_weights import weights_from_adjacency
from xinzhi.errors import InputError
from xinzhi.pipelines.disparity import Convergence
from xinzhi.pipelines.spatial import WeightsRequest, spatial_subset
from xinzhi.pipelines.stored import evaluation_panel
from xinzhi.pipelines.user_tables import TableSource, read_user_table, table_frame
from xinzhi.regions.boundaries import BOUNDARY_YEAR
from xinzhi.registry import disparity as decl

__all__ = [
    "BANDWIDTH_RULES",
    "DEFAULT_WEIGHTS",
    "LISA_MIN_PERMUTATIONS",
    "MoranTables",
    "convergence_table",
    "dagum_table",
    "indices_table",
    "kde_table",
    "markov_table",
    "moran_table",
    "spatial_markov_table",
    "stored_table",
    "theil_table",
]

Missing = Literal["error", "drop"]

BANDWIDTH_RULES = decl.KDE.option("bandwidth").choices or ()
"""Named bandwidth rules; a positive number is a fixed bandwidth."""

DEFAULT_WEIGHTS = "queen"
"""Spatial weights of Moran's I when none are named: queen contiguity of the county codes."""

LISA_MIN_PERMUTATIONS = 99
"""LISA p-values need at least this many permutations (a smaller ``permutations`` is raised)."""


def _checked(analysis: registry.Analysis, **given: Any) -> dict[str, Any]:
    """``given`` checked against the declared options of ``analysis`` (None: the default)."""
    out = {}
    for name, value in given.items():
        option = analysis.option(name)
        out[name] = option.check(option.default if value is None else value)
    return out


def stored_table(
    evaluation: str,
    *,
    db: str | os.PathLike[str] | None = None,
    harmonise_to: int | None = None,
    weights: str | None = None,
) -> pd.DataFrame:
    """The long panel of stored evaluation ``evaluation`` analysed as a table
    (:func:`xinzhi.pipelines.stored.evaluation_panel`).

    With declared weights (``weights`` ``"queen"``, ``"knn"`` …, not a file) and no
    ``harmonise_to``, the codes are carried to those of the boundaries (:data:`xinzhi.regions.boundaries.BOUNDARY_YEAR`), as the REST
    API and the web page do, so renamed counties keep their polygon.
    """
    if harmonise_to is None and weights is not None and _is_kind(weights):
        harmonise_to = BOUNDARY_YEAR
    return evaluation_panel(evaluation, db=db, harmonise_to=harmonise_to)


def dagum_table(
    data: TableSource,
    value: str = "score",
    group: str = "region",
    by: str | None = None,
    *,
    missing: Missing = "error",
) -> DagumResult:
    """Dagum (1997) Gini decomposition G = G_w + G_nb + G_t of ``value`` by ``group`` (per ``by``)."""
    df = table_frame(data, [group, by])
    return dagum_gini(df, value, group, by, missing=missing)


def theil_table(
    data: TableSource,
    value: str = "score",
    group: str = "region",
    by: str | None = None,
    *,
    index: str | None = None,
    missing: Missing = "error",
) -> TheilResult:
    """Theil T and L (``index``, declared default ``both``) with their within/between split."""
    o = _checked(decl.THEIL, index=index)
    df = table_frame(data, [group, by])
    return theil_decomposition(df, value, group, by, index=o["index"], missing=missing)


def indices_table(
    data: TableSource,
    value: str = "score",
    by: str | None = None,
    *,
    ddof: int = 1,
    missing: Missing = "error",
) -> InequalityResult:
    """Gini, coefficient of variation (standard deviation with ``ddof``), Theil, extremes ratio."""
    df = table_frame(data, [by])
    return inequality_indices(df, value, by, ddof=ddof, missing=missing)


def _bandwidth(value: str | float) -> str | float:
    if isinstance(value, str) and value in BANDWIDTH_RULES:
        return value
    try:
        bw = float(value)
    except ValueError as exc:
        raise InputError(
            f"带宽 bandwidth 只能是 {'、'.join(BANDWIDTH_RULES)} 或正数，收到 {value!r}"
        ) from exc
    if not bw > 0:
        raise InputError(f"带宽 bandwidth 必须为正数，收到 {value!r}")
    return bw


def kde_table(
    data: TableSource,
    value: str = "score",
    by: str | None = None,
    *,
    kernel: str | None = None,
    bandwidth: str | float | None = None,
    grid_size: int | None = None,
    missing: Missing = "error",
) -> KDEResult:
    """Kernel density per ``by``: density grid, number and position of peaks.

    ``kernel``, ``bandwidth`` (a rule of :data:`BANDWIDTH_RULES` or a positive number) and
    ``grid_size`` default to the declaration of ``kde``.
    """
    o = _checked(decl.KDE, kernel=kernel)
    bw = _bandwidth(decl.KDE.default("bandwidth") if bandwidth is None else bandwidth)
    size = decl.KDE.default("grid_size") if grid_size is None else int(grid_size)
    df = table_frame(data, [by])
    return kernel_density(
        df,
        value,
        by,
        kernel=o["kernel"],
        bandwidth_rule=bw,  # type: ignore[arg-type]
        grid_size=size,
        missing=missing,
    )


def markov_table(
    data: TableSource,
    value: str = "score",
    unit: str = "unit",
    year: str = "year",
    *,
    k: int | None = None,
    cutoffs: Sequence[float] | None = None,
    classification: str | None = None,
    missing: Missing = "error",
) -> MarkovResult:
    """Classical Markov chain of ``value``: ``k`` quantile states (declared default 4; pooled or
    per-year quantiles) or given ``cutoffs``."""
    o = _checked(decl.MARKOV, k=k, classification=classification)
    df = table_frame(data, [unit])
    return markov_chain(
        df,
        value,
        unit,
        year,
        k=o["k"],
        cutoffs=list(cutoffs) if cutoffs is not None else None,
        classification=o["classification"],
        missing=missing,
    )


def _is_kind(spec: str | os.PathLike[str]) -> bool:
    return str(spec).strip().lower() in (decl.WEIGHTS.choices or ())


def _weights(
    spec: str | os.PathLike[str],
    df: pd.DataFrame,
    unit: str,
    data_dir: str | os.PathLike[str] | None,
    value: str = "score",
    **options: Any,
) -> tuple[pd.DataFrame, Any, list[str], WeightsRequest]:
    """(rows kept, weights, Chinese notes, the request) for ``spec``: a declared kind of weights
    (with ``options``, checked against the declaration) or an adjacency file."""
    kind = str(spec).strip().lower() if _is_kind(spec) else None
    request = WeightsRequest.from_options(weights=kind, **options)
    if kind is None and request.weights_file is None:
        path = Path(spec)
        if not path.is_file():
            raise InputError(
                f"空间权重 {spec!r} 既不是 {'、'.join(decl.WEIGHTS.choices or ())} 之一，"
                "也不是存在的邻接表文件"
            )
        adj = read_user_table(path, ["unit", "neighbor"])
        absent = {"unit", "neighbor"} - set(adj.columns)
        if absent:
            raise InputError(
                f"邻接表 {path} 需要 unit、neighbor 两列，缺少：{'、'.join(sorted(absent))}"
            )
        ids = sorted(set(df[unit].dropna().astype(str)))
        return df, weights_from_adjacency(adj, "unit", "neighbor", ids=ids), [], request
    kept, w, lacking = spatial_subset(df, unit, request, panel=df, value=value, data_dir=data_dir)
    notes = [f"空间权重：{request.label}"]
    if lacking:
        what = "边界多边形（多为 2021 年以前撤并或更名的县区）"
        if request.weights_file is not None:
            what = "权重矩阵中的行"
        elif request.coordinates is not None and request.kind != "economic":
            what = "坐标"
        notes.append(
            f"{len(lacking)} 个单元没有{what}，如 {'、'.join(lacking[:5])}，已从空间分析中剔除。"
        )
    return kept, w, notes, request


def spatial_markov_table(
    data: TableSource,
    value: str = "score",
    unit: str = "unit",
    year: str = "year",
    *,
    weights: str | os.PathLike[str] = DEFAULT_WEIGHTS,
    k: int | None = None,
    cutoffs: Sequence[float] | None = None,
    lag_cutoffs: str | Sequence[float] | None = None,
    missing: Missing = "error",
    data_dir: str | os.PathLike[str] | None = None,
    **weight_options: Any,
) -> SpatialMarkovResult:
    """Spatial Markov chain (Rey 2001) with its homogeneity tests; ``lag_cutoffs`` ``same``
    (declared default), ``quantile`` or given cut points of the spatial lag;
    ``weight_options``: the declared spatial-weight options (``neighbors``, ``power``,
    ``cutoff``, ``economic_variable``, ``standardise``, ``coordinates``, ``weights_file``)."""
    lag: Any = lag_cutoffs
    if lag is None or isinstance(lag, str):
        lag = _checked(decl.SPATIAL_MARKOV, lag_cutoffs=lag)["lag_cutoffs"]
    else:
        lag = list(lag)
    kk = _checked(decl.SPATIAL_MARKOV, k=k)["k"]
    df, w, notes, request = _weights(
        weights, table_frame(data, [unit]), unit, data_dir, value, **weight_options
    )
    res = spatial_markov(
        df,
        value,
        unit,
        year,
        w,
        k=kk,
        cutoffs=list(cutoffs) if cutoffs is not None else None,
        lag_cutoffs=lag,
        missing=missing,
        transform=request.transform,
    )
    res.options.update(request.options())
    res.notes.extend(notes)
    return res


@dataclass
class MoranTables:
    """Global Moran's I (with Geary's C in its notes when asked) and, when asked, the LISA."""

    moran: GlobalAutocorrelationResult
    lisa: LocalMoranResult | None = None
    geary: GlobalAutocorrelationResult | None = None
    notes: list[str] = field(default_factory=list)


def moran_table(
    data: TableSource,
    value: str = "score",
    unit: str = "unit",
    by: str | None = None,
    *,
    weights: str | os.PathLike[str] = DEFAULT_WEIGHTS,
    permutations: int | None = None,
    seed: int | None = None,
    geary_c: bool = False,
    lisa: bool = False,
    alpha: float | None = None,
    inference: str | None = None,
    islands: Literal["drop", "error", "keep"] = "drop",
    missing: Missing = "error",
    data_dir: str | os.PathLike[str] | None = None,
    **weight_options: Any,
) -> MoranTables:
    """Global Moran's I per ``by`` (permutation and normal inference); with ``lisa`` the local
    Moran (at least :data:`LISA_MIN_PERMUTATIONS` permutations), with ``geary_c`` Geary's C
    (one line per ``by`` in the notes of the Moran result).

    ``permutations``, ``seed`` default to the declaration of ``moran``, ``alpha`` and
    ``inference`` to that of ``lisa``; ``weight_options`` are the declared spatial-weight options
    (see the module docstring).
    """
    if islands not in ("drop", "error", "keep"):
        raise InputError(f"孤岛单元 islands 只能是 drop、error、keep，收到 {islands!r}")
    g = _checked(decl.MORAN, permutations=permutations, seed=seed)
    loc = _checked(decl.LISA, alpha=alpha, inference=inference)
    df, w, notes, request = _weights(
        weights, table_frame(data, [unit, by]), unit, data_dir, value, **weight_options
    )
    common: dict[str, Any] = {
        "seed": g["seed"],
        "islands": islands,
        "missing": missing,
        "transform": request.transform,
    }
    res = moran(df, value, unit, w, by, permutations=g["permutations"], **common)
    res.options.update(request.options())
    out = MoranTables(res, notes=notes)
    if lisa:
        out.lisa = local_moran(
            df,
            value,
            unit,
            w,
            by,
            permutations=max(g["permutations"], LISA_MIN_PERMUTATIONS),
            alpha=loc["alpha"],
            inference=loc["inference"],
            **common,
        )
    if geary_c:
        out.geary = geary(df, value, unit, w, by, permutations=g["permutations"], **common)
        res.notes.append(
            "Geary's C："
            + "；".join(
                f"{r.by}: C={r.C:.4f}, p={r.p_norm:.4f}" for r in out.geary.table.itertuples()
            )
        )
    res.notes.extend(notes)
    return out


def convergence_table(
    data: TableSource,
    value: str = "score",
    unit: str = "unit",
    year: str = "year",
    *,
    controls: Sequence[str] | None = None,
    kind: str | None = None,
    measure: str | None = None,
    fixed_effects: str | None = None,
    cov_type: str | None = None,
    spatial: str | None = None,
    weights: str | os.PathLike[str] = DEFAULT_WEIGHTS,
    data_dir: str | os.PathLike[str] | None = None,
    **weight_options: Any,
) -> Convergence:
    """σ convergence (``measure``) and absolute or conditional (``controls``) β convergence
    (``kind``, ``fixed_effects``, ``cov_type``); with ``spatial="slx"`` the spatial lag of the
    initial level enters (``weights`` and ``weight_options`` as :func:`moran_table`); options
    default to the declaration of ``convergence``."""
    o = _checked(
        decl.CONVERGENCE,
        kind=kind,
        measure=measure,
        fixed_effects=fixed_effects,
        cov_type=cov_type,
        spatial=spatial,
    )
    df = table_frame(data, [unit])
    w: Any = None
    notes: list[str] = []
    transform: Any = "r"
    if o["spatial"] == "slx":
        df, w, wnotes, request = _weights(weights, df, unit, data_dir, value, **weight_options)
        notes = ["空间 β 收敛（SLX）", *wnotes]
        transform = request.transform
        o.update(request.options())
    elif weight_options or str(weights) != DEFAULT_WEIGHTS:
        raise InputError("空间权重选项只用于空间 β 收敛（spatial=slx）")
    sig = sigma_convergence(df, value, year, measure=o["measure"])
    beta = beta_convergence(
        df,
        value,
        unit,
        year,
        controls=list(controls) if controls else None,
        kind=o["kind"],
        fixed_effects=o["fixed_effects"],
        cov_type=o["cov_type"],
        weights=w,
        transform=transform,
    )
    options = {"value": value, "unit": unit, "year": year, "controls": list(controls or []), **o}
    return Convergence(sig, beta, options=options, notes=[*sig.notes, *beta.notes, *notes])
