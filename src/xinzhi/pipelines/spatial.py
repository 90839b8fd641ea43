"""Panels ready for the spatial and dynamic analyses of :mod:`xinzhi.disparity`.

- :func:`queen_subset`: the rows of a long table whose county code has a boundary polygon, the
  queen-contiguity weights of those codes and the codes left out (units abolished or renamed
  before the 2021–2022 boundaries, e.g. 2010 codes). Used by ``xinzhi disparity moran|markov
  --weights queen`` and the web page 区域差异.
- :func:`evaluation_spatial`: the same for one year of a stored evaluation, its codes first
  carried to those of the boundaries.
- :func:`balanced_panel`: the units present in every year of a panel (a Markov chain counts
  transitions of the same unit; renamed units have different codes in 2010 and 2020).
- :func:`comparable_panel`: the balanced panel of a stored evaluation, codes first carried to
  its latest year — what the Markov chain and the convergence analyses read.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
import pandas as pd

from xinzhi.errors import InputError
from xinzhi.pipelines.stored import evaluation_panel
from xinzhi.regions.boundaries import BOUNDARY_YEAR

if TYPE_CHECKING:
    from xinzhi.regions.weights import SpatialWeights

__all__ = [
    "balanced_panel",
    "comparable_panel",
    "evaluation_spatial",
    "queen_subset",
]


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


def evaluation_spatial(
    name: str,
    year: int,
    con: duckdb.DuckDBPyConnection,
    *,
    data_dir: str | os.PathLike[str] | None = None,
) -> tuple[pd.DataFrame, SpatialWeights, list[str]]:
    """One year of stored evaluation ``name`` with queen weights (see :func:`queen_subset`).

    The codes are first carried to those of the boundaries (:data:`BOUNDARY_YEAR`, through
    :func:`xinzhi.regions.harmonise.harmonise_codes`), so that a county renamed since ``year``
    keeps its polygon (in 2010: ~250 counties).

    Returns
    -------
    (DataFrame, SpatialWeights, list of str)
        The rows of :func:`xinzhi.pipelines.disparity.evaluation_panel` for ``year`` whose unit
        has a polygon (``unit`` in the codes of :data:`BOUNDARY_YEAR`, ``source_code`` the
        code of ``year``), the weights, and the codes of ``year`` left out (merged or split
        since, or without a polygon).
    """
    panel = evaluation_panel(name, con=con, harmonise_to=BOUNDARY_YEAR)
    years = sorted(int(y) for y in panel["year"].unique())
    if int(year) not in years:
        raise InputError(
            f"评价结果 {name} 中没有 {year} 年（可选：{'、'.join(str(y) for y in years)}）"
        )
    rows = panel[panel["year"] == int(year)]
    kept, w, lacking = queen_subset(rows, "unit", data_dir=data_dir)
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
