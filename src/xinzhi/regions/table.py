"""Build the registry table of GB/T 2260 units 1981–2024 from the areacodes summary CSV.

Source: yescallop/areacodes ``result.csv`` (CC0), columns 代码, 一级行政区, 二级行政区, 名称,
级别, 状态, 启用时间, 变更/弃用时间, 新代码. A record is in use from 启用时间 (inclusive) to
变更/弃用时间 (exclusive); "valid at year *y*" means in use on 31 December of *y*, i.e.
``start_year <= y < end_year``.

新代码 lists codes separated by ``;``; a code may carry ``[year]``, the year the change
happened (default: 变更/弃用时间). For a record that ends, the entries without a year or whose
year equals the end year are its **successors** (where the unit went when it ended); entries
with an earlier year are partial transfers (部分区域划出) while it was still in use and are kept
in ``transfers`` (``"code[year]"``). For a record still in use (在用) all entries are transfers.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from xinzhi.regions.names import short_names, unit_types

__all__ = ["TABLE_COLUMNS", "build_table"]

TABLE_COLUMNS = [
    "code",
    "name",
    "level",
    "type",
    "province_code",
    "province_name",
    "prefecture_code",
    "prefecture_name",
    "start_year",
    "end_year",
    "status",
    "successors",
    "transfers",
    "short_name",
]

_LEVELS = {"省级": "province", "地级": "prefecture", "县级": "county"}


def _parse_new_codes(raw: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """Split 新代码 into successor codes and partial transfers (vectorised via explode)."""
    parts = raw["新代码"].fillna("").str.split(";").explode()
    parts = parts[parts != ""]
    ext = parts.str.extract(r"^(\d{6})(?:\[(\d{4})\])?$")
    if ext[0].isna().any():
        bad = parts[ext[0].isna()].iloc[0]
        raise ValueError(f"areacodes 新代码 格式无法识别：{bad!r}")
    year = pd.to_numeric(ext[1]).astype("Int64")
    end = raw["end_year"].reindex(parts.index)
    in_use = raw["状态"].reindex(parts.index).eq("在用").to_numpy()
    main = (~in_use) & (year.isna() | year.eq(end)).fillna(False).to_numpy()
    label = np.where(year.isna(), ext[0], ext[0] + "[" + year.astype(str) + "]")
    empty = pd.Series([()] * len(raw), index=raw.index, dtype=object)
    succ = pd.Series(ext[0].to_numpy()[main], index=parts.index[main])
    trans = pd.Series(label[~main], index=parts.index[~main])
    successors = succ.groupby(level=0).agg(lambda s: tuple(dict.fromkeys(s)))  # type: ignore[type-var]
    transfers = trans.groupby(level=0).agg(tuple)
    return (
        successors.reindex(raw.index).where(successors.reindex(raw.index).notna(), empty),
        transfers.reindex(raw.index).where(transfers.reindex(raw.index).notna(), empty),
    )


def build_table(csv_path: Path) -> pd.DataFrame:
    """Read ``result.csv`` into the registry table (one row per code × start year).

    Parameters
    ----------
    csv_path : Path
        The areacodes ``result.csv``.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`TABLE_COLUMNS`, sorted by code and start year. ``prefecture_code`` is the
        record's own code for prefecture-level rows, ``code[:4] + "00"`` for county-level rows
        under a prefecture and None for 直辖 units and provinces.
    """
    raw = pd.read_csv(csv_path, dtype=str, encoding="utf-8-sig", keep_default_na=False)
    raw["end_year"] = pd.to_numeric(raw["变更/弃用时间"].replace("", None)).astype("Int64")
    successors, transfers = _parse_new_codes(raw)
    code = raw["代码"]
    level = raw["级别"].map(_LEVELS)
    if level.isna().any():
        raise ValueError("areacodes 级别 列含未知取值")
    county_direct = (level == "county") & (raw["二级行政区"] == "直辖")
    pref_code = pd.Series(
        np.where(level == "prefecture", code, code.str[:4] + "00"), index=raw.index, dtype="object"
    )
    no_pref = (level == "province") | county_direct
    no_pref_arr = no_pref.to_numpy(dtype=bool)
    pref_code_arr = pref_code.to_numpy(dtype=object).copy()
    pref_code_arr[no_pref_arr] = None
    pref_name_arr = raw["二级行政区"].to_numpy(dtype=object).copy()
    pref_name_arr[no_pref_arr] = None
    pref_code = pd.Series(pref_code_arr, index=raw.index, dtype="object")
    pref_name = pd.Series(pref_name_arr, index=raw.index, dtype="object")
    types = unit_types(raw["名称"], level, code, county_direct)
    table = pd.DataFrame(
        {
            "code": code,
            "name": raw["名称"],
            "level": level,
            "type": types,
            "province_code": code.str[:2] + "0000",
            "province_name": raw["一级行政区"],
            "prefecture_code": pref_code,
            "prefecture_name": pref_name,
            "start_year": pd.to_numeric(raw["启用时间"]).astype("int64"),
            "end_year": raw["end_year"],
            "status": raw["状态"],
            "successors": successors,
            "transfers": transfers,
            "short_name": short_names(raw["名称"], types),
        }
    )
    return table.sort_values(["code", "start_year"], kind="stable").reset_index(drop=True)
