"""Spatial weights for the disparity analyses: adjacency lists and alignment of a libpysal W.

Any :class:`libpysal.weights.W` is accepted (or an object with a ``.w`` attribute holding one,
such as the ``SpatialWeights`` returned by ``xinzhi.regions.queen_weights``). Weights are
aligned to the units of each cross-section and row-standardised (w_ij / Σ_j w_ij) unless
``transform="b"`` (binary, as given).

Islands (units without neighbours in the cross-section) are handled by an explicit policy:
``"drop"`` (default; removed from the analysis and listed in the result's notes), ``"error"``
or ``"keep"`` (kept with a spatial lag of 0, as esda does).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd
import scipy.sparse as sp
from libpysal.weights import W

from xinzhi.errors import ComputationError, InputError

__all__ = [
    "AlignedWeights",
    "IslandPolicy",
    "WeightsTransform",
    "align_weights",
    "as_libpysal_w",
    "weights_from_adjacency",
]

IslandPolicy = Literal["drop", "error", "keep"]
WeightsTransform = Literal["r", "b"]


def as_libpysal_w(weights: Any) -> W:
    """Return the libpysal W inside ``weights`` (a W, or an object with a ``.w`` W attribute)."""
    if isinstance(weights, W):
        return weights
    inner = getattr(weights, "w", None)
    if isinstance(inner, W):
        return inner
    raise InputError("空间权重必须是 libpysal 的 W 对象（或带 .w 属性的 SpatialWeights）")


def weights_from_adjacency(
    adjacency: pd.DataFrame,
    unit: str = "unit",
    neighbor: str = "neighbor",
    ids: Sequence[Any] | None = None,
    *,
    symmetrize: bool = True,
) -> W:
    """Binary contiguity weights from an adjacency list (one row per unit–neighbour pair).

    Parameters
    ----------
    adjacency
        Table with columns ``unit`` and ``neighbor`` (codes are compared as strings).
    ids
        All units (those without any row become islands); default: every unit in the table.
    symmetrize
        ``True`` (default): i~j implies j~i (union of both directions).
    """
    for col in (unit, neighbor):
        if col not in adjacency.columns:
            raise InputError(f"邻接表缺少列 {col!r}（需要 unit、neighbor 两列）")
    pairs = adjacency[[unit, neighbor]].dropna().astype(str)
    pairs = pairs[pairs[unit] != pairs[neighbor]]
    if symmetrize:
        rev = pairs.rename(columns={unit: neighbor, neighbor: unit})[[unit, neighbor]]
        pairs = pd.concat([pairs, rev], ignore_index=True)
    pairs = pairs.drop_duplicates()
    all_ids = list(
        dict.fromkeys([*(map(str, ids) if ids is not None else []), *pairs[unit], *pairs[neighbor]])
    )
    if not all_ids:
        raise InputError("邻接表为空")
    grouped = pairs.groupby(unit, sort=False)[neighbor].apply(list).to_dict()
    neighbors = {i: grouped.get(i, []) for i in all_ids}
    return W(neighbors, id_order=all_ids, silence_warnings=True)


@dataclass
class AlignedWeights:
    """Weights aligned to ``ids`` (the kept units, in data order)."""

    matrix: sp.csr_matrix
    ids: list[str]
    keep: np.ndarray  # boolean mask over the input units
    islands: list[str]
    transform: str

    def to_w(self) -> W:
        """The aligned matrix as a libpysal W (ids as given)."""
        w = W.from_sparse(self.matrix)
        w.remap_ids(self.ids)
        return w


def align_weights(
    weights: Any,
    ids: Sequence[Any],
    *,
    transform: WeightsTransform = "r",
    islands: IslandPolicy = "drop",
    where: str = "",
) -> AlignedWeights:
    """Align ``weights`` to the units ``ids`` (codes compared as strings) and transform.

    Units of ``ids`` missing from the weights are an error; units of the weights not in
    ``ids`` are ignored (their links are removed), which can create islands.
    """
    w = as_libpysal_w(weights)
    key = [str(i) for i in ids]
    if len(set(key)) != len(key):
        raise InputError(f"空间权重：单元代码重复{where}")
    order = {str(i): k for k, i in enumerate(w.id_order)}
    absent = [i for i in key if i not in order]
    if absent:
        shown = "、".join(absent[:10])
        raise InputError(f"空间权重中没有这些单元{where}：{shown}（共 {len(absent)} 个）")
    pos = np.array([order[i] for i in key], dtype=np.intp)
    full = w.sparse.tocsr().astype(float)
    mat = full[pos][:, pos].tocsr()
    mat.eliminate_zeros()
    row = np.asarray(mat.sum(axis=1)).ravel()
    is_island = row == 0
    keep = np.ones(len(key), dtype=bool)
    island_ids = [k for k, flag in zip(key, is_island, strict=True) if flag]
    if island_ids:
        if islands == "error":
            raise ComputationError(
                f"空间权重中有 {len(island_ids)} 个孤岛单元（没有邻居）{where}："
                f"{'、'.join(island_ids[:10])}；可选择 islands='drop'（删除）或 'keep'（空间滞后记为 0）"
            )
        if islands == "drop":
            keep = ~is_island
            sub = np.flatnonzero(keep)
            mat = mat[sub][:, sub].tocsr()
            row = np.asarray(mat.sum(axis=1)).ravel()
            if np.any(row == 0):  # removing islands cannot create new ones, but guard anyway
                raise ComputationError(f"删除孤岛后仍有单元没有邻居{where}")
    kept_ids = [k for k, flag in zip(key, keep, strict=True) if flag]
    if len(kept_ids) < 3:
        raise ComputationError(
            f"空间分析至少需要 3 个有邻居的单元{where}，现在只有 {len(kept_ids)} 个"
        )
    if transform == "r":
        inv = np.divide(1.0, row, out=np.zeros_like(row), where=row > 0)
        mat = sp.diags(inv) @ mat
    elif transform != "b":
        raise InputError(f"权重变换只能是 'r'（行标准化）或 'b'（二值），收到 {transform!r}")
    return AlignedWeights(
        matrix=sp.csr_matrix(mat), ids=kept_ids, keep=keep, islands=island_ids, transform=transform
    )
