"""Reference tables of the industry views: the built-in chain templates
(``xinzhi industry chain --list``, the web page 产业) and the location quotients of one county's
census employment by GB/T 4754 section with the sections' Chinese names."""

from __future__ import annotations

import duckdb
import pandas as pd

from xinzhi.codes.gbt4754 import sections
from xinzhi.industry.chains import list_chains
from xinzhi.pipelines.industry import county_specialization

__all__ = ["chain_templates", "county_section_quotients"]


def chain_templates() -> pd.DataFrame:
    """Built-in chain templates: ``key, name, type, segments, sources`` (sources: the titles
    of the documents a template was written from)."""
    return list_chains()


def county_section_quotients(
    con: duckdb.DuckDBPyConnection, region_code: str, year: int | None = None
) -> pd.DataFrame:
    """:func:`xinzhi.pipelines.industry.county_specialization` (``section, share,
    national_share, lq``, ``attrs["year"]``) with ``section_name``, the section's name in
    GB/T 4754-2017 (the code itself when unknown)."""
    t = county_specialization(con, region_code, year)
    sec = sections("2017")
    names = dict(zip(sec["code"], sec["name"], strict=True))
    t["section_name"] = t["section"].map(lambda s: names.get(s, s))
    return t
