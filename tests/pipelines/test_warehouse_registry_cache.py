"""The per-process cache of :func:`xinzhi.pipelines.warehouse.warehouse_registry`."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from xinzhi import store
from xinzhi.pipelines import warehouse
from xinzhi.regions import registry_from_table


def test_registry_cached_per_regions_table(small_warehouse: Any, tmp_path: Path) -> None:
    db = tmp_path / "x.duckdb"
    shutil.copy(small_warehouse.db, db)
    warehouse._REGISTRIES.clear()
    con = duckdb.connect(str(db))
    try:
        first = warehouse.warehouse_registry(con)
        assert warehouse.warehouse_registry(con) is first  # no rebuild while unchanged
        fresh = registry_from_table(store.read_regions(con))  # uncached build
        for year in (2010, 2020):
            pd.testing.assert_frame_equal(first.units(year), fresh.units(year))
        assert first.resolve("湘潭县", 2020).code == fresh.resolve("湘潭县", 2020).code == "430321"
        # a changed regions table (a renamed unit) is a new version: a new registry
        con.execute("UPDATE regions SET name = '湘潭新县' WHERE code = '430321'")
        second = warehouse.warehouse_registry(con)
        assert second is not first
        assert second.resolve("湘潭新县", 2020).code == "430321"
        assert len(warehouse._REGISTRIES) == 2
    finally:
        con.close()
