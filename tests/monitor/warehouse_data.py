"""A copy of the small warehouse with a yearly panel for the monitoring tests (示例数据):
长沙县, 宁乡 (renamed 2017: 430124 → 430182) and 湘潭县, gdp 2013–2021, and 长沙县's
emp_sec_A (a negative indicator). Used by tests/pipelines/test_monitor.py and
tests/cli/test_monitor_cmd.py."""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from fixtures.warehouse import SmallWarehouse
from xinzhi import store
from xinzhi.ingest import import_file

YEARS = list(range(2013, 2022))
# 长沙县 gdp: 9, 10, 11 repeating, then 12.01 in 2021 → history 2018–2020 = 11, 9, 10: μ 10, σ 1
CHANGSHA = [9.0, 10.0, 11.0, 9.0, 10.0, 11.0, 9.0, 10.0, 12.01]
# 宁乡: the same until 2020, then 7.99 (< μ − 2σ = 8 → 蓝); code 430124 until 2016, 430182 after
NINGXIANG = [*CHANGSHA[:-1], 7.99]
# emp_sec_A (negative indicator) of 长沙县: 0.10 ± 0.01, then 0.15 → y = −0.15 < −0.12 → 蓝
AGRI = [0.09, 0.10, 0.11, 0.09, 0.10, 0.11, 0.09, 0.10, 0.15]


# fiscal_revenue (in nqpf-county) of 湘潭县: growth 10, 10, 12, 8, 10, 10, 20, 10 % from 100 in
# 2013 → 2019: growth 10 % against 10, 10, 12, 8, 10 (μ 10, σ √2) → 绿; 2020: 20 % > μ + 2σ =
# 12.83 % → 红 (the county report's monitoring section, year 2020)
GROWTH = [0.10, 0.10, 0.12, 0.08, 0.10, 0.10, 0.20, 0.10]
FISCAL = [100.0]
for _g in GROWTH:
    FISCAL.append(FISCAL[-1] * (1 + _g))


def _long_table() -> pd.DataFrame:
    rows = []
    for k, y in enumerate(YEARS):
        rows.append(("430121", y, "gdp", CHANGSHA[k]))
        rows.append(("430124" if y <= 2016 else "430182", y, "gdp", NINGXIANG[k]))
        rows.append(("430321", y, "gdp", 10000.0))  # constant: zero spread
        rows.append(("430121", y, "emp_sec_A", AGRI[k]))
        rows.append(("430321", y, "fiscal_revenue", FISCAL[k]))
    return pd.DataFrame(rows, columns=["地区代码", "年份", "指标", "数值"])


def monitor_warehouse(small_warehouse: SmallWarehouse, tmp_path: Path) -> Path:
    """The small warehouse copied to ``tmp_path`` with the yearly panel imported."""
    db = tmp_path / "w.duckdb"
    shutil.copy(small_warehouse.db, db)
    csv = tmp_path / "示例数据-监测.csv"
    _long_table().to_csv(csv, index=False, encoding="utf-8")
    registry = small_warehouse.registry

    def resolve(
        values: Sequence[str], year: int | None, parent: Sequence[str | None] | None
    ) -> pd.DataFrame:
        return registry.resolve_many(values, min(year or 2021, 2021), parent=parent, level="county")

    con = store.connect(db)
    try:
        rep = import_file(csv, fmt="long", source="monitor-test", con=con, resolver=resolve)
        assert rep.rows_loaded == len(YEARS) * 5
    finally:
        con.close()
    return db
