"""Long table ↔ location × industry matrix (vectorised, no loops over units)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from xinzhi.errors import InputError

__all__ = ["check_columns", "to_matrix"]


def check_columns(data: pd.DataFrame, columns: list[str]) -> None:
    """Raise :class:`InputError` (Chinese) if a column is missing."""
    missing = [c for c in columns if c not in data.columns]
    if missing:
        raise InputError("输入数据缺少列：" + "、".join(missing))


def to_matrix(
    data: pd.DataFrame, row: str, col: str, value: str, *, allow_negative: bool = False
) -> tuple[NDArray[np.float64], NDArray[Any], NDArray[Any]]:
    """Pivot a long table to a dense matrix (missing cells = 0); duplicated keys raise.

    Returns ``(matrix, row_labels, column_labels)`` with sorted labels.
    """
    check_columns(data, [row, col, value])
    vals = pd.to_numeric(data[value], errors="coerce").to_numpy(dtype=np.float64)
    if np.isnan(vals).any():
        raise InputError(f"列 {value} 含有缺失或非数值（共 {int(np.isnan(vals).sum())} 行）")
    if not allow_negative and (vals < 0).any():
        raise InputError(f"列 {value} 含有负值")
    rc, rows = pd.factorize(data[row], sort=True)
    cc, cols = pd.factorize(data[col], sort=True)
    if (rc < 0).any() or (cc < 0).any():
        raise InputError(f"列 {row} 或 {col} 存在缺失值")
    flat = rc * cols.size + cc
    if np.bincount(flat, minlength=rows.size * cols.size).max(initial=0) > 1:
        raise InputError(f"同一 {row} × {col} 出现重复行，请先汇总")
    mat = np.zeros((rows.size, cols.size))
    mat[rc, cc] = vals
    return mat, np.asarray(rows, dtype=object), np.asarray(cols, dtype=object)
