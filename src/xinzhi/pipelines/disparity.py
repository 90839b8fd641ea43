"""Panels for the disparity analyses, read from a stored evaluation in the warehouse."""

from __future__ import annotations

import os

import duckdb
import pandas as pd

from xinzhi import store
from xinzhi.pipelines.evaluation import region_names
from xinzhi.regions.economic_regions import economic_region
from xinzhi.store.evaluations import load_evaluation

__all__ = ["evaluation_panel"]


def evaluation_panel(
    name: str,
    *,
    db: str | os.PathLike[str] | None = None,
    con: duckdb.DuckDBPyConnection | None = None,
) -> pd.DataFrame:
    """Long panel of stored evaluation ``name`` for :mod:`xinzhi.disparity`.

    Columns: ``unit`` (6-digit code), ``name``, ``year``, ``score``, ``rank``, ``dim:<dimension>``…,
    ``province`` (province name), ``region`` (东部 / 中部 / 西部 / 东北, NBS 2011).
    """
    own = con is None
    con = con or store.connect(db)
    try:
        scores = load_evaluation(con, name)
        names = region_names(con, scores)
    finally:
        if own:
            con.close()
    out = scores.merge(names[["region_code", "year", "name", "province_name"]], how="left")
    out["region"] = economic_region(out["region_code"].str[:2]).to_numpy()
    out = out.rename(columns={"region_code": "unit", "province_name": "province"})
    first = ["unit", "name", "year", "score", "rank"]
    return out[[*first, *(c for c in out.columns if c not in first)]]
