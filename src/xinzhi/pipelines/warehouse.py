"""Building the warehouse from the public data, and the ``xinzhi demo`` pipeline.

:func:`build_warehouse` verifies the public files through the dataset registry, refreshes the
``regions`` table from the region registry and imports both census tables (each one
transactional batch; a second run finds the same files and reports no-op batches).

:data:`DEMO_STEPS` is the ordered list of steps ``xinzhi demo`` runs; each step takes a
:class:`DemoContext` and returns a result with ``.summary()`` and ``.to_dict()``. Later steps
(evaluation, reports, …) are appended to this list by their own modules' pipelines.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import pandas as pd

from xinzhi import config, datasets, store
from xinzhi.ingest.census import CENSUS_FILES, import_census
from xinzhi.ingest.report import QUARANTINE_REASONS, SKIP_REASONS, ImportReport

__all__ = [
    "DEMO_STEPS",
    "DemoContext",
    "DemoStep",
    "WarehouseSummary",
    "build_warehouse",
    "run_demo",
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
            parts = [
                f"{QUARANTINE_REASONS.get(k, k)} {v}" for k, v in b.quarantined_by_reason.items()
            ]
            parts += [f"{SKIP_REASONS.get(k, k)} {v}" for k, v in b.skipped_by_reason.items()]
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
    from xinzhi import regions

    verified = datasets.fetch(list(PUBLIC_DATASETS), data_dir=data_dir)
    registry = regions.load_registry(Path(data_dir) if data_dir else None)
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


@dataclass(frozen=True)
class DemoContext:
    """What every demo step needs: where the warehouse and the public data are."""

    db_path: Path
    data_dir: Path | None


class StepResult(Protocol):
    def summary(self) -> str: ...

    def to_dict(self) -> dict[str, Any]: ...


@dataclass(frozen=True)
class DemoStep:
    """One step of ``xinzhi demo``: a Chinese title and a function of the context."""

    title: str
    run: Callable[[DemoContext], StepResult]


def _warehouse_step(ctx: DemoContext) -> WarehouseSummary:
    return build_warehouse(ctx.db_path, ctx.data_dir)


DEMO_STEPS: list[DemoStep] = [
    DemoStep("构建数据仓库（区划 + 六普/七普分县数据）", _warehouse_step),
    # the evaluation step (指标体系测度) is appended here by the evaluation pipeline
]
"""Ordered steps of ``xinzhi demo``."""


def run_demo(
    db_path: str | os.PathLike[str] | None = None,
    data_dir: str | os.PathLike[str] | None = None,
    steps: list[DemoStep] | None = None,
) -> list[tuple[str, StepResult]]:
    """Run the demo steps in order; return (title, result) pairs."""
    ctx = DemoContext(config.db_path(db_path), config.data_dir(data_dir))
    return [(s.title, s.run(ctx)) for s in (steps if steps is not None else DEMO_STEPS)]
