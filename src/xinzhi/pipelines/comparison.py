"""Comparing the rankings of two stored evaluations (web page 方法)."""

from __future__ import annotations

import pandas as pd

__all__ = ["compare_rankings"]


def compare_rankings(a: pd.DataFrame, b: pd.DataFrame) -> pd.DataFrame:
    """The county-years scored in both ``a`` and ``b`` (tables of
    :func:`xinzhi.pipelines.stored.stored_scores`) side by side.

    Returns
    -------
    DataFrame
        ``region_code, name, year, rank_a, score_a, rank_b, score_b, key`` (``key`` =
        ``<region_code>-<year>``, unique per row), in the order of ``a``.
    """
    m = a[["region_code", "name", "year", "rank", "score"]].merge(
        b[["region_code", "year", "rank", "score"]],
        on=["region_code", "year"],
        suffixes=("_a", "_b"),
    )
    m["key"] = m["region_code"].astype(str) + "-" + m["year"].astype(str)
    return m
