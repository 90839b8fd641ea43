"""Panels ready for the spatial and dynamic analyses of :mod:`xinzhi.disparity`.

- :func:`queen_subset`: the rows of a long table whose county code has a boundary polygon, the
  queen-contiguity weights of those codes and the codes left out (units abolished or renamed
  before the 2021–2022 boundaries, e.g. 2010 codes). Used by ``xinzhi disparity moran|markov
  --weights queen`` and the web page 区域差异.
- :func:`spatial_subset`: the same for every kind of weights a user can name
  (:class:`WeightsRequest`: queen, k nearest, inverse distance, economic distance, nested
  economic–geographic, a user's n×n matrix file; formulas in
  :mod:`xinzhi.disparity.spatial_weights`), with the county centroids of the boundaries
  (:func:`county_centroids`) when no coordinates file is given.
- :func:`evaluation_spatial`: the same for one year of a stored evaluation, its codes first
  carried to those of the boundaries.
- :func:`balanced_panel`: the units present in every year of a panel (a Markov chain counts
  transitions of the same unit; renamed units have different codes in 2010 and 2020).
- :func:`comparable_panel`: the balanced panel of a stored evaluation, codes first carried to
  its latest year — what the Markov chain and the convergence analyses read.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb
import pandas as pd

from xinzhi.disparity.spatial_weights import (
    MatrixWeights,
    WeightsTransform,
    coordinate_frame,
    economic_distance_weights,
    inverse_distance_weights,
    knn_weights,
    matrix_from_table,
    nested_weights,
)
from xinzhi.errors import InputError
from xinzhi.pipelines.stored import evaluation_panel
from xinzhi.pipelines.user_tables import read_user_table
from xinzhi.regions.boundaries import BOUNDARY_YEAR
from xinzhi.registry import disparity as decl

if TYPE_CHECKING:
    from xinzhi.regions.weights import SpatialWeights

__all__ = [
    "WeightsRequest",
    "balanced_panel",
    "comparable_panel",
    "county_centroids",
    "evaluation_spatial",
    "queen_subset",
    "spatial_subset",
    "warm_county_weights",
]


@dataclass(frozen=True)
class WeightsRequest:
    """The spatial weights a user asked for: the declared weight options of
    :mod:`xinzhi.registry.disparity` (``weights``, ``neighbors``, ``power``, ``cutoff``,
    ``economic_variable``, ``standardise``, and the CLI-only files ``coordinates`` and
    ``weights_file``). Build it with :meth:`from_options` so the values are checked against the
    declaration."""

    kind: str = decl.WEIGHTS.default
    neighbors: int = decl.NEIGHBORS.default
    power: int = decl.POWER.default
    cutoff: float | None = decl.CUTOFF.default
    economic_variable: str | None = decl.ECONOMIC_VARIABLE.default
    standardise: str = decl.STANDARDISE.default
    coordinates: Path | None = None
    weights_file: Path | None = None

    @classmethod
    def from_options(cls, **options: Any) -> WeightsRequest:
        """The request from declared option values (None: the declared default), validated."""
        checked = {}
        for o in decl.WEIGHT_OPTIONS:
            v = options.get(o.name)
            checked[o.name] = o.check(o.default if v is None else v)
        unknown = set(options) - set(checked)
        if unknown:
            raise InputError(f"未知的空间权重选项：{'、'.join(sorted(unknown))}")
        kind = checked.pop("weights")
        file = checked.pop("weights_file")
        return cls(kind=kind, weights_file=file, **checked)

    @property
    def transform(self) -> WeightsTransform:
        """``"r"`` (row-standardised) or ``"b"`` (the weights as built)."""
        return "r" if self.standardise == "row" else "b"

    @property
    def label(self) -> str:
        """Chinese description for notes and summaries."""
        if self.weights_file is not None:
            text = f"用户权重矩阵 {self.weights_file.name}"
        else:
            text = decl.WEIGHTS.choice_label(self.kind)
            if self.kind == "knn":
                text += f"（k={self.neighbors}）"
            if self.kind in ("inverse-distance", "nested"):
                cut = f"，截断 {self.cutoff:g} 公里" if self.cutoff is not None else ""
                text += f"（幂次 {self.power}{cut}）"
        return text + "，" + decl.STANDARDISE.choice_label(self.standardise)

    def options(self) -> dict[str, Any]:
        """The options as recorded in a result's ``options``."""
        return {
            "weights": "matrix" if self.weights_file is not None else self.kind,
            "neighbors": self.neighbors,
            "power": self.power,
            "cutoff": self.cutoff,
            "economic_variable": self.economic_variable,
            "standardise": self.standardise,
            "coordinates": str(self.coordinates) if self.coordinates else None,
            "weights_file": str(self.weights_file) if self.weights_file else None,
        }


@cache
def _centroids(data_dir: Path | None) -> pd.DataFrame:
    import warnings

    from xinzhi.regions import county_polygons
    from xinzhi.regions.weights import ALBERS_CHINA

    poly = county_polygons(year=BOUNDARY_YEAR, data_dir=data_dir)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cent = poly.geometry.to_crs(ALBERS_CHINA).centroid.to_crs("EPSG:4326")
    out = pd.DataFrame(
        {"lon": cent.x.to_numpy(), "lat": cent.y.to_numpy()},
        index=pd.Index(poly["code"].astype(str).to_list(), name="unit"),
    )
    out.attrs["metric"] = "arc"
    return out


def county_centroids(
    codes: list[str] | None = None, *, data_dir: str | os.PathLike[str] | None = None
) -> pd.DataFrame:
    """Longitude and latitude (degrees) of the centroids of the county polygons valid in
    :data:`BOUNDARY_YEAR` (centroid taken in the Albers equal-area projection of
    :mod:`xinzhi.regions.weights`, then expressed in lon/lat), indexed by code; ``codes``
    selects (and orders) the rows that have a polygon. ``attrs["metric"]`` is ``"arc"``."""
    allc = _centroids(Path(data_dir) if data_dir is not None else None)
    if codes is None:
        return allc
    out = allc.loc[[c for c in codes if c in allc.index]]
    out.attrs["metric"] = "arc"
    return out


def _coordinates(
    request: WeightsRequest, codes: list[str], data_dir: str | os.PathLike[str] | None
) -> pd.DataFrame:
    if request.coordinates is None:
        return county_centroids(codes, data_dir=data_dir)
    table = read_user_table(request.coordinates, ["unit", "代码", "区划代码"])
    coords = coordinate_frame(table, "unit")
    out = coords.loc[[c for c in codes if c in coords.index]]
    out.attrs["metric"] = coords.attrs["metric"]
    return out


def _unit_means(panel: pd.DataFrame, unit: str, variable: str, codes: list[str]) -> pd.Series:
    """ȳ_i: the mean of ``variable`` of each unit over the rows (years) of ``panel``."""
    if variable not in panel.columns:
        have = "、".join(str(c) for c in panel.columns)
        raise InputError(f"经济距离权重的变量 {variable!r} 不在数据中（可用列：{have}）")
    values = pd.to_numeric(panel[variable], errors="coerce")
    means = values.groupby(panel[unit].astype(str)).mean()
    return means.reindex(codes)


def _known_codes(data_dir: str | os.PathLike[str] | None) -> set[str] | None:
    from xinzhi.regions.registry import load_registry

    try:
        reg = load_registry(Path(data_dir) if data_dir is not None else None)
    except Exception:  # no registry in this mirror: codes are then checked against the data
        return None
    return set(reg.table["code"].astype(str))


def spatial_subset(
    df: pd.DataFrame,
    unit: str = "unit",
    request: WeightsRequest | None = None,
    *,
    panel: pd.DataFrame | None = None,
    value: str = "score",
    data_dir: str | os.PathLike[str] | None = None,
) -> tuple[pd.DataFrame, Any, list[str]]:
    """Rows that the requested weights can place, the weights, and the codes left out.

    Parameters
    ----------
    df : DataFrame
        Long table with a code column ``unit`` (one or several years).
    request : WeightsRequest, optional
        The weights (default: queen contiguity, :func:`queen_subset`).
    panel : DataFrame, optional
        The table whose years give the means ȳ_i of the economic and nested weights (default
        ``df``); its column ``request.economic_variable`` (default ``value``) is averaged per
        unit.
    value : str
        The analysed column (default variable of the economic weights).
    data_dir : path, optional
        Public-data mirror (boundaries and region registry).

    Returns
    -------
    (DataFrame, weights, list of str)
        ``df`` without the rows the weights cannot place (no polygon / coordinates / matrix
        row), a :class:`~xinzhi.disparity.spatial_weights.MatrixWeights` (queen: the
        ``SpatialWeights`` of :func:`xinzhi.regions.queen_weights`), and the sorted codes left
        out. The weights are not yet standardised (the analyses do it, ``request.transform``).
    """
    req = request or WeightsRequest()
    if req.weights_file is None and req.kind == "queen":
        return queen_subset(df, unit, data_dir=data_dir)
    if unit not in df.columns:
        raise InputError(f"数据中没有单元代码列 {unit}")
    codes = df[unit].astype("string")
    present = sorted(set(codes.dropna()))
    if not present:
        raise InputError("数据中没有任何单元代码，无法构造空间权重")
    w: MatrixWeights
    if req.weights_file is not None:
        table = read_user_table(req.weights_file)
        w = matrix_from_table(table, known=_known_codes(data_dir))
        placed = set(w.id_order)
    else:
        placed = set(present)
        means = None
        if req.kind in ("economic", "nested"):
            source = panel if panel is not None else df
            variable = req.economic_variable or value
            means = _unit_means(source, unit, variable, present)
        if req.kind == "economic":
            assert means is not None
            w = economic_distance_weights(means)
        else:
            coords = _coordinates(req, present, data_dir)
            placed = set(coords.index)
            if len(placed) < 3:
                raise InputError(
                    f"只有 {len(placed)} 个单元有坐标（{'县级边界质心' if req.coordinates is None else '坐标表'}），"
                    "无法构造距离权重"
                )
            if req.kind == "knn":
                if not req.neighbors < len(placed):
                    raise InputError(
                        f"选项 neighbors（近邻数 k）必须小于有坐标的单元数 {len(placed)}，"
                        f"收到 {req.neighbors}"
                    )
                w = knn_weights(coords, req.neighbors)
            else:
                w = inverse_distance_weights(coords, power=req.power, cutoff=req.cutoff)
                if req.kind == "nested":
                    assert means is not None
                    w = nested_weights(w, means)
    lacking = sorted(set(present) - placed)
    kept = df[~codes.isin(lacking).fillna(False).to_numpy(dtype=bool)]
    return kept, w, lacking


def queen_subset(
    df: pd.DataFrame,
    unit: str = "unit",
    *,
    data_dir: str | os.PathLike[str] | None = None,
) -> tuple[pd.DataFrame, SpatialWeights, list[str]]:
    """Rows with a boundary polygon, their queen-contiguity weights, and the codes left out.

    Parameters
    ----------
    df : DataFrame
        Long table with a county-code column ``unit`` (6-digit codes).
    unit : str
        Name of the code column.
    data_dir : path, optional
        Public-data mirror (region registry); default ``XINZHI_DATA_DIR``.

    Returns
    -------
    (DataFrame, SpatialWeights, list of str)
        ``df`` without the rows whose code has no polygon valid in :data:`BOUNDARY_YEAR`,
        :func:`xinzhi.regions.queen_weights` of the remaining codes (sorted; two polygons are
        neighbours when they share at least one boundary point), and the sorted dropped codes.
    """
    # imported on first use: the boundaries and libpysal cost about a second
    from xinzhi.regions import county_polygons, queen_weights

    mirror = Path(data_dir) if data_dir is not None else None
    if unit not in df.columns:
        raise InputError(f"数据中没有单元代码列 {unit}")
    codes = df[unit].astype("string")
    have = set(county_polygons(year=BOUNDARY_YEAR, data_dir=mirror)["code"])
    present = set(codes.dropna())
    lacking = sorted(present - have)
    kept = df[~codes.isin(lacking).fillna(False).to_numpy(dtype=bool)]
    keep_codes = sorted(present - set(lacking))
    if not keep_codes:
        raise InputError("没有任何单元有县级边界多边形，无法构造空间权重（queen）")
    w = queen_weights(keep_codes, data_dir=mirror)
    return kept, w, lacking


def warm_county_weights(data_dir: str | os.PathLike[str] | None = None) -> SpatialWeights:
    """Build the queen weights of every county (read from the contiguity cache of
    :func:`xinzhi.regions.weights.contiguity_table` when present, written there when not) in
    this process, as :func:`xinzhi.pipelines.industry.county_chain` asks for them (its
    neighbouring counties): the web server's start-up thread calls this so the first 产业 page
    does not wait, and ``xinzhi demo`` so that a new installation's server finds the cache."""
    from xinzhi.regions import queen_weights

    return queen_weights(data_dir=Path(data_dir) if data_dir else None)


def evaluation_spatial(
    name: str,
    year: int,
    con: duckdb.DuckDBPyConnection,
    *,
    data_dir: str | os.PathLike[str] | None = None,
    request: WeightsRequest | None = None,
) -> tuple[pd.DataFrame, Any, list[str]]:
    """One year of stored evaluation ``name`` with spatial weights (default queen; see
    :func:`spatial_subset`).

    The codes are first carried to those of the boundaries (:data:`BOUNDARY_YEAR`, through
    :func:`xinzhi.regions.harmonise.harmonise_codes`), so that a county renamed since ``year``
    keeps its polygon (in 2010: ~250 counties). The means ȳ_i of the economic and nested
    weights are taken over every year of the evaluation (same codes).

    Returns
    -------
    (DataFrame, weights, list of str)
        The rows of :func:`xinzhi.pipelines.disparity.evaluation_panel` for ``year`` whose unit
        the weights can place (``unit`` in the codes of :data:`BOUNDARY_YEAR`, ``source_code``
        the code of ``year``), the weights, and the codes of ``year`` left out (merged or split
        since, or without a polygon / coordinates / matrix row).
    """
    panel = evaluation_panel(name, con=con, harmonise_to=BOUNDARY_YEAR)
    years = sorted(int(y) for y in panel["year"].unique())
    if int(year) not in years:
        raise InputError(
            f"评价结果 {name} 中没有 {year} 年（可选：{'、'.join(str(y) for y in years)}）"
        )
    rows = panel[panel["year"] == int(year)]
    kept, w, lacking = spatial_subset(rows, "unit", request, panel=panel, data_dir=data_dir)
    source = rows.set_index("unit")["source_code"]
    merged = panel.attrs.get("harmonise_dropped", {}).get(int(year), [])
    return kept, w, sorted({*merged, *(str(source[c]) for c in lacking)})


def balanced_panel(
    panel: pd.DataFrame, unit: str = "unit", year: str = "year"
) -> tuple[pd.DataFrame, list[str]]:
    """The rows of the units observed in every year of ``panel``, and the units left out.

    A unit whose code changed between two years (renamed or merged county) appears in only one
    of them and is left out: a transition needs the same unit at both ends.
    """
    years = panel[year].nunique()
    n_years = panel.groupby(unit)[year].nunique()
    full = n_years.index[n_years.to_numpy() == years]
    dropped = sorted(str(u) for u in n_years.index[n_years.to_numpy() != years])
    return panel[panel[unit].isin(full)], dropped


def comparable_panel(
    name: str, con: duckdb.DuckDBPyConnection, *, harmonise: bool = True
) -> tuple[pd.DataFrame, list[str], str | None]:
    """The counties of stored evaluation ``name`` observed in every year — the panel of the
    Markov chain and the convergence analyses (:mod:`xinzhi.pipelines.disparity`).

    With ``harmonise`` the codes are first carried to those of the panel's latest year
    (:func:`xinzhi.pipelines.stored.evaluation_panel`), so a county renamed in between is one
    unit; merged and split counties are left out.

    Returns
    -------
    (DataFrame, list of str, str or None)
        The balanced panel, the units left out (present in some years only) and the Chinese
        summary of the harmonisation (None without it).
    """
    panel = evaluation_panel(name, con=con, harmonise_to="latest" if harmonise else None)
    bal, dropped = balanced_panel(panel)
    return bal, dropped, panel.attrs.get("harmonise")
