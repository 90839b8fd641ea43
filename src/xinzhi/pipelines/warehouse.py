"""Building the warehouse from the public data.

:func:`build_warehouse` verifies the public files through the dataset registry, refreshes the
``regions`` table from the region registry and imports both census tables (each one
transactional batch; a second run finds the same files and reports no-op batches).
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from xinzhi import config, datasets, store
from xinzhi.auth import ensure_auth_tables
from xinzhi.ingest.census import CENSUS_FILES, import_census
from xinzhi.ingest.reasons import reason_label
from xinzhi.ingest.report import ImportReport
from xinzhi.regions import RegionRegistry, load_registry, registry_from_table
from xinzhi.store.evaluations import ensure_evaluation_tables

__all__ = [
    "PUBLIC_DATASETS",
    "WarehouseSummary",
    "build_warehouse",
    "latest_batch_id",
    "regions_version",
    "warehouse_registry",
]

PUBLIC_DATASETS = ("areacodes", *CENSUS_FILES)
"""Datasets the warehouse is built from."""


@dataclass
class WarehouseSummary:
    """What :func:`build_warehouse` did and what the warehouse now holds."""

    db_path: str
    files_verified: int
    regions: int
    batches: list[ImportReport]
    counties_by_year: dict[int, int]
    indicators: int
    years: list[int]
    options: dict[str, Any] = field(default_factory=dict)

    def tidy(self) -> pd.DataFrame:
        """One row per census batch with its counts."""
        return pd.DataFrame(
            [
                {
                    "source": b.source,
                    "status": b.status,
                    "batch_id": b.batch_id,
                    "rows_read": b.rows_read,
                    "rows_loaded": b.rows_loaded,
                    "rows_quarantined": b.rows_quarantined,
                    "rows_skipped": b.rows_skipped,
                    "values_loaded": b.values_loaded,
                }
                for b in self.batches
            ]
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "db_path": self.db_path,
            "files_verified": self.files_verified,
            "regions": self.regions,
            "batches": [b.to_dict() for b in self.batches],
            "counties_by_year": self.counties_by_year,
            "indicators": self.indicators,
            "years": self.years,
        }

    def summary(self) -> str:
        """Chinese text."""
        lines = [
            f"数据仓库：{self.db_path}",
            f"公共数据校验通过 {self.files_verified} 个文件；区划表 {self.regions} 行",
            f"指标 {self.indicators} 个；年份 {'、'.join(map(str, self.years)) or '无'}；"
            + "；".join(f"{y} 年县级单位 {n} 个" for y, n in self.counties_by_year.items()),
        ]
        for b in self.batches:
            state = "未变化（no-op）" if b.status == "noop" else "已导入"
            lines.append(
                f"· {b.source}（批次 {b.batch_id}，{state}）：读入 {b.rows_read} = 载入 "
                f"{b.rows_loaded} + 隔离 {b.rows_quarantined} + 跳过 {b.rows_skipped}"
            )
            parts = [f"{reason_label(k)} {v}" for k, v in b.quarantined_by_reason.items()]
            parts += [f"{reason_label(k)} {v}" for k, v in b.skipped_by_reason.items()]
            if parts:
                lines.append("    " + "；".join(parts))
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        return "<pre>" + self.summary() + "</pre>"


def build_warehouse(
    db_path: str | os.PathLike[str] | None = None,
    data_dir: str | os.PathLike[str] | None = None,
) -> WarehouseSummary:
    """Verify the public data, refresh regions, import the 2010 and 2020 census tables.

    Idempotent: re-running with unchanged files leaves the batches as they are (status
    ``noop`` in the summary). Raises :class:`~xinzhi.errors.DataUnavailableError` /
    :class:`~xinzhi.errors.IntegrityError` when a public file is missing or altered.
    """
    verified = datasets.fetch(list(PUBLIC_DATASETS), data_dir=data_dir)
    registry = load_registry(Path(data_dir) if data_dir else None)
    path = config.db_path(db_path)
    con = store.connect(path)
    try:
        n_regions = store.refresh_regions(con, registry.table)
        batches = [import_census(ds, con=con, data_dir=data_dir) for ds in CENSUS_FILES]
        counties = con.execute(
            f"""SELECT year, count(DISTINCT region_code) FROM current_observations
                WHERE {store.read.level_predicate("county")} GROUP BY year ORDER BY year"""
        ).fetchall()
        (n_ind,) = con.execute(
            "SELECT count(DISTINCT indicator) FROM current_observations"
        ).fetchall()[0]
    finally:
        con.close()
    return WarehouseSummary(
        db_path=str(path),
        files_verified=len(verified),
        regions=n_regions,
        batches=batches,
        counties_by_year={int(y): int(n) for y, n in counties},
        indicators=int(n_ind),
        years=[int(y) for y, _ in counties],
        options={"data_dir": str(data_dir) if data_dir else None},
    )


_REGISTRIES: dict[str, RegionRegistry] = {}


def regions_version(table: pd.DataFrame) -> str:
    """sha256 of the rows of a ``regions`` table (every column as text): the key of
    :func:`warehouse_registry`'s cache."""
    h = hashlib.sha256(",".join(map(str, table.columns)).encode())
    h.update(pd.util.hash_pandas_object(table.astype(str), index=False).to_numpy().tobytes())
    return h.hexdigest()


def warehouse_registry(con: duckdb.DuckDBPyConnection) -> RegionRegistry:
    """A :class:`xinzhi.regions.RegionRegistry` built from the warehouse's ``regions`` table
    (so a server resolves names without the public-data mirror; the mirror's registry when the
    table is empty): :func:`xinzhi.regions.registry_from_table`.

    Building the name index takes about 2 s for the 6,800 rows of the public warehouse, so the
    registry is kept per process under :func:`regions_version` of the table (a changed table,
    e.g. after an import with a newer registry, gives a new registry; at most 4 are kept).
    """
    table = store.read_regions(con)
    if table.empty:  # the mirror's registry, cached by load_registry
        return registry_from_table(table)
    key = regions_version(table)
    if key not in _REGISTRIES:
        if len(_REGISTRIES) >= 4:
            _REGISTRIES.pop(next(iter(_REGISTRIES)))
        _REGISTRIES[key] = registry_from_table(table)
    return _REGISTRIES[key]


def latest_batch_id(con: duckdb.DuckDBPyConnection) -> int:
    """Id of the newest import batch (0 before any import): a version number of the
    warehouse's observations for caches."""
    row = con.execute("SELECT coalesce(max(batch_id), 0) FROM import_batches").fetchone()
    return int(row[0]) if row else 0


def open_warehouse(path: str | os.PathLike[str] | None = None) -> duckdb.DuckDBPyConnection:
    """The warehouse ``path`` (default :func:`xinzhi.config.db_path`) opened for a server: created
    with the schema if missing, with the evaluation and account tables ensured."""
    con = store.connect(path)
    ensure_evaluation_tables(con)
    ensure_auth_tables(con)
    return con
