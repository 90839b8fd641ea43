"""Shared checks of a long county × year panel (unit, time, outcome, cohort / treatment columns)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from xinzhi.errors import ComputationError, InputError

__all__ = ["balanced_wide", "check_columns", "cohorts_of"]


def check_columns(df: pd.DataFrame, columns: Sequence[str], what: str = "面板数据") -> None:
    """Raise :class:`InputError` naming every column of ``columns`` missing from ``df``."""
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise InputError(
            f"{what}缺少列：{'、'.join(missing)}（现有列：{'、'.join(map(str, df.columns))}）"
        )
    if df.empty:
        raise InputError(f"{what}为空")


def cohorts_of(values: pd.Series) -> pd.Series:
    """First treatment year per row: NaN, 0 and negative values mean never treated (→ 0)."""
    out = pd.to_numeric(values, errors="coerce")
    return out.where(out > 0, 0).fillna(0).astype("int64")


def balanced_wide(
    df: pd.DataFrame, unit: str, time: str, outcome: str
) -> tuple[NDArray[np.float64], pd.Index, NDArray[np.int64], list[str]]:
    """Outcome as a units × periods matrix of a balanced panel.

    Units not observed (or with a missing outcome) in every period are dropped, as R ``did``
    does for panel data (``allow_unbalanced_panel = FALSE``); the Chinese notes say how many.
    Raises :class:`InputError` on duplicated unit-period rows.
    """
    d = df[[unit, time, outcome]].copy()
    d[outcome] = pd.to_numeric(d[outcome], errors="coerce")
    d[time] = pd.to_numeric(d[time], errors="coerce")
    if d[time].isna().any():
        raise InputError(f"时间列 {time} 含非数值")
    dup = d.duplicated([unit, time])
    if dup.any():
        first = d.loc[dup].iloc[0]
        raise InputError(
            f"面板中单位 {first[unit]} 在 {time}={int(first[time])} 有重复行（每个单位每期应仅一行）"
        )
    wide = d.pivot(index=unit, columns=time, values=outcome).sort_index(axis=1)
    keep = wide.notna().all(axis=1)
    notes = []
    if not keep.all():
        notes.append(
            f"非平衡面板：{int((~keep).sum())} 个单位在部分年份缺少 {outcome}，已剔除（保留 {int(keep.sum())} 个）"
        )
    wide = wide.loc[keep]
    if wide.shape[0] < 2 or wide.shape[1] < 2:
        raise ComputationError("平衡面板不足：至少需要 2 个单位和 2 个时期")
    return (
        wide.to_numpy(dtype=np.float64),
        wide.index,
        wide.columns.to_numpy().astype(np.int64),
        notes,
    )
