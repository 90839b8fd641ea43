"""Regions: GB/T 2260 codes and their history 1981–2024, name resolution, boundaries and
spatial weights.

Quick use::

    from xinzhi import regions
    regions.resolve("湖南湘潭县").code            # '430321'
    regions.resolve_many(["湘潭县", "朝阳区"])     # DataFrame with status per item
    regions.load_registry().units(2024)            # 2,846 county-level units
    regions.queen_weights()                        # queen contiguity of 2,844 counties

See ``docs/regions.md`` for the rules.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from xinzhi.regions.boundaries import county_polygons, missing_polygons, to_geojson
from xinzhi.regions.harmonise import code_crosswalk, harmonise_codes
from xinzhi.regions.registry import (
    LEVELS,
    Region,
    RegionRegistry,
    load_registry,
    registry_from_table,
)
from xinzhi.regions.weights import SpatialWeights, queen_weights

__all__ = [
    "LEVELS",
    "Region",
    "RegionRegistry",
    "SpatialWeights",
    "code_crosswalk",
    "county_polygons",
    "harmonise_codes",
    "load_registry",
    "missing_polygons",
    "queen_weights",
    "registry_from_table",
    "resolve",
    "resolve_many",
    "to_geojson",
]


def resolve(
    name_or_code: str,
    year: int | None = None,
    *,
    parent: str | None = None,
    level: str | None = None,
    data_dir: str | Path | None = None,
) -> Region:
    """Resolve one name or code with the default registry; see :meth:`RegionRegistry.resolve`."""
    return load_registry(data_dir).resolve(name_or_code, year, parent=parent, level=level)


def resolve_many(
    values: Sequence[Any],
    year: int | None = None,
    *,
    parent: Sequence[str | None] | None = None,
    level: str | None = "county",
    data_dir: str | Path | None = None,
) -> pd.DataFrame:
    """Resolve many names/codes; see :meth:`RegionRegistry.resolve_many`."""
    return load_registry(data_dir).resolve_many(values, year, parent=parent, level=level)
