"""Group-wise column statistics broadcast back to rows (pooled when ``groups is None``)."""

from __future__ import annotations

from typing import Any, cast

import numpy as np
import pandas as pd
from numpy.typing import NDArray

Array = NDArray[np.float64]


def group_stat(x: Array, groups: NDArray[np.int64] | None, how: str) -> Array:
    """Column statistic ``how`` (min, max, mean, std, sum, sumsq) per group, one row per input row.

    With ``groups=None`` the statistic is pooled over all rows and returned with shape ``(1, m)``
    so that it broadcasts.
    """
    if groups is None:
        if how == "min":
            return x.min(axis=0, keepdims=True)
        if how == "max":
            return x.max(axis=0, keepdims=True)
        if how == "mean":
            return x.mean(axis=0, keepdims=True)
        if how == "std":
            return x.std(axis=0, ddof=1, keepdims=True)
        if how == "sum":
            return x.sum(axis=0, keepdims=True)
        if how == "sumsq":
            return (x * x).sum(axis=0, keepdims=True)
        raise ValueError(how)
    frame = pd.DataFrame(x)
    g = frame.groupby(groups, sort=False)
    if how == "std":
        out = g.transform("std", ddof=1)
    elif how == "sumsq":
        out = (frame * frame).groupby(groups, sort=False).transform("sum")
    else:
        out = g.transform(cast(Any, how))
    return out.to_numpy(dtype=np.float64)
