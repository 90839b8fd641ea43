"""Panels for the disparity analyses, read from a stored evaluation in the warehouse."""

from __future__ import annotations

import os
from typing import Literal

import duckdb
import pandas as pd

from xinzhi import store
from xinzhi.regions.economic_regions import PROVINCE_REGION

__all__ = ["evaluation_panel", "with_economic_region"]


def with_economic_region(scores: pd.DataFrame) -> pd.DataFrame:
    """``scores`` plus column ``region``: 东部 / 中部 / 西部 / 东北 (NBS 2011) from the code."""
    return scores.assign(region=scores["region_code"].str[:2].map(PROVINCE_REGION))


def evaluation_panel(
    name: str,
    *,
    db: str | os.PathLike[str] | None = None,
    con: duckdb.DuckDBPyConnection | None = None,
    harmonise_to: int | Literal["latest"] | None = None,
) -> pd.DataFrame:
    """Long panel of stored evaluation ``name`` for :mod:`xinzhi.disparity`.

    Columns: ``unit`` (6-digit code), ``name``, ``year``, ``score``, ``rank``, ``dim:<dimension>``…,
    ``province`` (province name), ``region`` (东部 / 中部 / 西部 / 东北, NBS 2011).

    ``harmonise_to``: relabel the codes to those valid in that year (``"latest"``: the panel's
    last year; :func:`xinzhi.regions.harmonise.harmonise_codes` over the warehouse's region
    history), so
    that a county renamed between two years is one unit in Markov chains and convergence;
    rows of merged or split units are left out (column ``source_code`` keeps the original
    code; ``attrs["harmonise"]`` holds the Chinese summary, ``attrs["harmonise_dropped"]`` the
    codes left out per year).
    """
    from xinzhi.pipelines.profile import stored_scores

    own = con is None
    con = con or store.connect(db)
    try:
        scores = stored_scores(con, name)
        regions = store.read_region_history(con) if harmonise_to is not None else None
    finally:
        if own:
            con.close()
    note = None
    left_out: dict[int, list[str]] = {}
    if regions is not None and harmonise_to is not None:
        from xinzhi.regions.harmonise import harmonise_codes

        to = int(scores["year"].max()) if harmonise_to == "latest" else int(harmonise_to)
        res = harmonise_codes(scores, regions, to)
        scores, note = res.data, res.summary()
        d = res.dropped
        left_out = {
            y: sorted(d.loc[d["year"] == y, "region_code"].astype(str))
            for y in sorted({int(v) for v in d["year"]})
        }
    out = with_economic_region(scores).rename(
        columns={"region_code": "unit", "province_name": "province"}
    )
    first = ["unit", "name", "year", "score", "rank"]
    out = out[[*first, *(c for c in out.columns if c not in first)]]
    if note is not None:
        out.attrs["harmonise"] = note
        out.attrs["harmonise_dropped"] = left_out
    return out
