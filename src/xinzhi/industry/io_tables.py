"""China's national input-output tables as arrays: :class:`IOTable` and the parser of one table of
the dataset ``io-tables`` (NBS tables as packaged in the R package *ionet*; the file is read by
:func:`xinzhi.ingest.io_tables.read_io_frame`).

Two layouts exist in the dataset (values in 万元):

- *competitive-import* tables (2002–2015 and the 122–153-sector tables): one row per sector
  (``Code``), sector columns, ``TIU``, final-use columns ``FU101 … EX``, ``TFU``, ``IM``
  (imports, entered as a use column), ``ERR``, ``GO``; then rows ``TII``, ``VA001–VA004``,
  ``TVA``, ``TI``.
- *non-competitive-import* tables (2017/2018/2020 42-sector): column ``Origin`` with a
  ``Domestic`` block (domestic products) and an ``Imports`` block (imported products), then the
  ``TOT`` rows ``TII``, ``VA001–VA004``, ``TVA``, ``TI``. Final-use columns ``TC, FU201, FU202,
  EX, TFU``.

:func:`parse_io_frame` returns the intermediate matrix Z (domestic flows for the
non-competitive tables; imported intermediates in ``z_imports``), gross output x (``GO``),
sector codes and Chinese / English names, value added (``TVA`` and its components) and final
demand. Column-wise accounting identity: ``Σ_i Z_ij (+ Σ_i Zᵐ_ij) + VA_j = x_j``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from xinzhi.errors import InputError

__all__ = ["IOTable", "parse_io_frame"]

_VA_ROWS = ["VA001", "VA002", "VA003", "VA004"]
_VA_ZH = {
    "VA001": "劳动者报酬",
    "VA002": "生产税净额",
    "VA003": "固定资产折旧",
    "VA004": "营业盈余",
}


@dataclass(frozen=True)
class IOTable:
    """A national input-output table as arrays (values in 万元)."""

    name: str
    layout: str  # "competitive" | "non-competitive"
    codes: NDArray[Any]
    names_zh: NDArray[Any]
    names_en: NDArray[Any]
    z: NDArray[np.float64]
    z_imports: NDArray[np.float64] | None
    x: NDArray[np.float64]
    value_added: NDArray[np.float64]
    value_added_components: pd.DataFrame
    final_demand: pd.DataFrame

    @property
    def n(self) -> int:
        """Number of sectors."""
        return int(self.codes.size)

    def total_inputs(self) -> NDArray[np.float64]:
        """Column totals of intermediate inputs (domestic + imported) plus value added."""
        zi = self.z.sum(axis=0)
        if self.z_imports is not None:
            zi = zi + self.z_imports.sum(axis=0)
        return np.asarray(zi + self.value_added)


def parse_io_frame(df: pd.DataFrame, name: str = "") -> IOTable:
    """Turn the data frame of one ``china_*.rda`` object into an :class:`IOTable`."""
    for col in ("Code", "DescriptionInChinese", "GO"):
        if col not in df.columns:
            raise InputError(f"投入产出表缺少列 {col}")
    code = df["Code"].astype(str)
    sector_cols = [c for c in df.columns if re.fullmatch(r"\d+", str(c))]
    if "Origin" in df.columns:
        layout = "non-competitive"
        dom = df[df["Origin"] == "Domestic"]
        imp = df[df["Origin"] == "Imports"]
        tot = df[df["Origin"] == "TOT"].set_index("Code")
    else:
        layout = "competitive"
        dom = df[code.str.fullmatch(r"\d+")]
        imp = None
        tot = df[~code.str.fullmatch(r"\d+")].set_index("Code")
    codes = dom["Code"].astype(str).to_numpy(dtype=object)
    if list(codes) != [str(c) for c in sector_cols]:
        raise InputError("投入产出表的行部门与列部门不一致")
    z = dom[sector_cols].to_numpy(dtype=np.float64)
    z_imp = None
    if imp is not None:
        imp = imp.set_index("Code").reindex(codes)
        z_imp = imp[sector_cols].to_numpy(dtype=np.float64)
    x = dom["GO"].to_numpy(dtype=np.float64)
    va = tot.loc["TVA", sector_cols].to_numpy(dtype=np.float64)
    va_parts = pd.DataFrame(
        {
            "code": codes,
            **{
                _VA_ZH[r]: tot.loc[r, sector_cols].to_numpy(dtype=np.float64)
                for r in _VA_ROWS
                if r in tot.index
            },
        }
    )
    tiu_pos = list(df.columns).index("TIU")
    go_pos = list(df.columns).index("GO")
    fd_cols = [c for c in list(df.columns)[tiu_pos + 1 : go_pos]]
    final = dom[fd_cols].reset_index(drop=True).fillna(0.0)
    final.insert(0, "code", codes)
    return IOTable(
        name=name,
        layout=layout,
        codes=codes,
        names_zh=dom["DescriptionInChinese"].astype(str).to_numpy(dtype=object),
        names_en=dom["Description"].astype(str).to_numpy(dtype=object)
        if "Description" in dom
        else codes,
        z=z,
        z_imports=z_imp,
        x=x,
        value_added=va,
        value_added_components=va_parts,
        final_demand=final,
    )
