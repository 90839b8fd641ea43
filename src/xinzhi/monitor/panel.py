"""The monitoring panel as a cube: counties × indicators × years.

Every monitoring computation (signals, trend tests, change points, the warning index) works on one
float array ``values[c, i, t]`` built once from a long table, so that 2,850 counties × 40
indicators × 15 years are handled by NumPy operations over whole axes — the only Python loops run
over the years of a window or over the colours of a rule.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from xinzhi.errors import InputError

__all__ = ["Cube", "directions_array", "to_cube"]

PANEL_COLUMNS = ("region_code", "indicator", "year", "value")
"""Columns of the long panel every monitoring function reads."""


@dataclass(frozen=True)
class Cube:
    """A long panel reshaped to ``values[county, indicator, year]`` (NaN where missing).

    ``years`` is the complete, consecutive range from the first to the last year of the panel
    (a year without any value is an all-NaN slice), so that "the previous year" is ``t - 1``.
    """

    codes: np.ndarray
    indicators: np.ndarray
    years: np.ndarray
    values: np.ndarray

    @property
    def shape(self) -> tuple[int, int, int]:
        c, i, t = self.values.shape
        return c, i, t

    def aligned(self, long: pd.DataFrame, column: str = "value") -> np.ndarray:
        """Values of ``column`` of another long table (e.g. targets) placed in this cube's
        cells (NaN where the table has no row; rows outside the cube are ignored)."""
        out = np.full(self.values.shape, np.nan)
        if long.empty:
            return out
        c = pd.Index(self.codes).get_indexer(long["region_code"].astype(str))
        i = pd.Index(self.indicators).get_indexer(long["indicator"].astype(str))
        t = pd.Index(self.years).get_indexer(long["year"].astype("int64"))
        ok = (c >= 0) & (i >= 0) & (t >= 0)
        out[c[ok], i[ok], t[ok]] = pd.to_numeric(long[column], errors="coerce").to_numpy()[ok]
        return out

    def long(self, **arrays: np.ndarray) -> pd.DataFrame:
        """Every cell as one row: ``region_code, indicator, year`` and one column per array
        of this cube's shape (``value`` first)."""
        c, i, t = self.shape
        frame = {
            "region_code": np.repeat(self.codes, i * t),
            "indicator": np.tile(np.repeat(self.indicators, t), c),
            "year": np.tile(self.years, c * i),
            "value": self.values.reshape(-1),
        }
        for name, arr in arrays.items():
            frame[name] = np.asarray(arr).reshape(-1)
        return pd.DataFrame(frame)


def to_cube(panel: pd.DataFrame) -> Cube:
    """Reshape a long panel (``region_code, indicator, year, value``) into a :class:`Cube`.

    Raises
    ------
    InputError
        A missing column, a non-integer year or a (county, indicator, year) given twice.

    Examples
    --------
    >>> p = pd.DataFrame({"region_code": ["A", "A", "B"], "indicator": ["x", "x", "x"],
    ...                   "year": [2020, 2022, 2020], "value": [1.0, 3.0, 5.0]})
    >>> cube = to_cube(p)
    >>> cube.years.tolist(), cube.values[:, 0, :].tolist()
    ([2020, 2021, 2022], [[1.0, nan, 3.0], [5.0, nan, nan]])
    """
    missing = [c for c in PANEL_COLUMNS if c not in panel.columns]
    if missing:
        raise InputError(
            f"监测面板缺少列：{'、'.join(missing)}（需要 region_code, indicator, year, value）"
        )
    if panel.empty:
        raise InputError("监测面板为空：没有可监测的指标数值")
    year = pd.to_numeric(panel["year"], errors="coerce")
    if year.isna().any() or (year.round() != year).any():
        raise InputError("监测面板的年份必须是整数")
    c_idx, codes = pd.factorize(panel["region_code"].astype(str), sort=True)
    i_idx, inds = pd.factorize(panel["indicator"].astype(str), sort=True)
    yr = year.to_numpy(dtype="int64")
    y0, y1 = int(yr.min()), int(yr.max())
    years = np.arange(y0, y1 + 1)
    flat = (c_idx.astype("int64") * len(inds) + i_idx) * len(years) + (yr - y0)
    seen = np.bincount(flat, minlength=len(codes) * len(inds) * len(years))
    if (seen > 1).any():
        k = int(np.flatnonzero(seen > 1)[0])
        c, rest = divmod(k, len(inds) * len(years))
        i, t = divmod(rest, len(years))
        raise InputError(
            f"监测面板中同一县、指标、年份出现多次：{codes[c]} {inds[i]} {int(years[t])}"
        )
    values = np.full((len(codes), len(inds), len(years)), np.nan)
    values.reshape(-1)[flat] = pd.to_numeric(panel["value"], errors="coerce").to_numpy(
        dtype="float64"
    )
    return Cube(np.asarray(codes, dtype=object), np.asarray(inds, dtype=object), years, values)


def directions_array(indicators: np.ndarray, directions: Mapping[str, str] | None) -> np.ndarray:
    """+1 / −1 per indicator from ``{"code": "+" | "-"}`` (absent: +1, a positive indicator).

    Raises
    ------
    InputError
        A direction other than ``+`` or ``-``.
    """
    given = dict(directions or {})
    bad = {k: v for k, v in given.items() if v not in ("+", "-")}
    if bad:
        k, v = next(iter(bad.items()))
        raise InputError(f"指标 {k} 的方向应为 '+'（正向）或 '-'（逆向），收到 {v!r}")
    return np.array([-1.0 if given.get(str(c)) == "-" else 1.0 for c in indicators])
