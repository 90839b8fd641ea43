"""Enterprise records: import a registry export, generate the synthetic register (示例数据),
and build county × industry × year matrices — one function per ``xinzhi industry firms-import |
firms-generate | matrix`` task."""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import pandas as pd
import pyarrow.parquet as pq

from xinzhi import store
from xinzhi.codes.gbt4754 import SECTION_CODES
from xinzhi.errors import InputError
from xinzhi.industry.firms import firm_matrix
from xinzhi.industry.synthetic import division_shares_from_employment, write_parquet
from xinzhi.ingest.enterprises import import_firms
from xinzhi.ingest.firm_sources import firms_table
from xinzhi.ingest.io_tables import read_employment_frame
from xinzhi.ingest.reasons import reason_label
from xinzhi.ingest.report import ImportReport
from xinzhi.pipelines.enterprise_data import EnterpriseGeneration, generate_enterprise_data
from xinzhi.pipelines.user_tables import read_user_table
from xinzhi.regions import load_registry
from xinzhi.years import parse_years

__all__ = [
    "DIVISION_SHARES",
    "ENGINES",
    "MEASURES",
    "SYNTHETIC_LABEL",
    "FirmGeneration",
    "FirmImport",
    "FirmMatrix",
    "firm_matrix_table",
    "generate_firms",
    "import_firm_file",
]

MEASURES = ("firms", "employees", "revenue")
"""Values of a firm matrix: number of firms, insured employees, revenue (万元)."""

ENGINES = ("duckdb", "spark")
"""Engines that compute a firm matrix."""

DIVISION_SHARES = ("national", "uniform")
"""How the generator splits a section into divisions: national employment shares or equally."""

SYNTHETIC_LABEL = "【示例数据 synthetic】"
"""Label printed with every synthetic table."""


@dataclass
class FirmImport:
    """An import of enterprise records: the report, whether the file is the synthetic register,
    and the quarantined rows per reason ``(key, Chinese label, rows)``, most frequent first."""

    report: ImportReport
    synthetic: bool
    reasons: list[tuple[str, str, int]] = field(default_factory=list)


def import_firm_file(
    path: str | os.PathLike[str],
    *,
    source: str | None = None,
    sheet: str | None = None,
    db: str | os.PathLike[str] | None = None,
) -> FirmImport:
    """Import an enterprise registry export (CSV/XLSX) or a Parquet file written by
    :func:`generate_firms` (synthetic) into the warehouse table ``firms``."""
    report = import_firms(path, source=source, sheet=sheet, db=db)
    reasons = [
        (key, reason_label(key), n)
        for key, n in sorted(report.quarantined_by_reason.items(), key=lambda kv: -kv[1])
    ]
    return FirmImport(report, Path(path).suffix.lower() == ".parquet", reasons)


def _census_table(
    census: str | os.PathLike[str] | None, year: int, db: str | os.PathLike[str] | None = None
) -> pd.DataFrame:
    """Census county table: from a file (CSV/XLSX/Parquet) or the warehouse ``db``."""
    if census is not None:
        return read_user_table(census, ["region_code"])
    cols = ["pop_total"] + [f"emp_sec_{s}" for s in SECTION_CODES]
    con = store.connect(db, read_only=True)
    try:
        wide = store.read_wide(con, cols, years=[year])
    finally:
        con.close()
    if wide.empty:
        raise InputError(
            f"数据仓库中没有 {year} 年普查的人口与行业就业数据：请先运行 xinzhi demo，"
            "或用 --census 指定含 region_code、pop_total、emp_sec_A…emp_sec_T 的表"
        )
    return wide


@dataclass
class FirmGeneration:
    """A synthetic register written to ``path``: rows, seed, seconds, and the import when
    loaded."""

    path: Path
    rows: int
    seed: int
    seconds: float
    loaded: ImportReport | None = None
    enterprise: EnterpriseGeneration | None = None


def generate_firms(
    path: str | os.PathLike[str],
    *,
    n: int = 100_000,
    seed: int = 1,
    census: str | os.PathLike[str] | None = None,
    census_year: int = 2020,
    divisions: Literal["national", "uniform"] = "national",
    snapshot_year: int = 2024,
    load: bool = False,
    db: str | os.PathLike[str] | None = None,
    enterprise_years: int = 3,
    county: str | None = None,
) -> FirmGeneration:
    """Write ``n`` synthetic firms (示例数据, seeded) to the Parquet file ``path``, spread over
    the counties by the census employment structure (``census`` file, or the warehouse's
    census of ``census_year``), divisions within a section by national employment shares or
    uniformly; with ``load``, import them into the warehouse together with their firm-year
    data and labels (示例数据) for the last ``enterprise_years`` years up to ``snapshot_year``
    (:func:`xinzhi.pipelines.enterprise_data.generate_enterprise_data`, same seed; 0 = none).
    ``county`` (6-digit code): every firm in that county, by its census employment structure."""
    out = Path(path)
    if out.suffix.lower() != ".parquet":
        raise InputError("--output 须为 .parquet 文件")
    if divisions not in DIVISION_SHARES:
        raise InputError(f"--divisions 可选 {' 或 '.join(DIVISION_SHARES)}")
    table = _census_table(census, census_year, db)
    if county is not None:
        table = table[table["region_code"].astype(str) == str(county)]
        if table.empty:
            raise InputError(f"普查县表中没有县区 {county}")
    shares = (
        division_shares_from_employment(read_employment_frame())
        if divisions == "national"
        else None
    )
    registry = load_registry()
    units = registry.units(min(snapshot_year, registry.latest_year), level="county")
    names = pd.Series(units["short_name"].to_numpy(), index=units["code"].astype(str).to_numpy())
    start = time.perf_counter()
    rows = write_parquet(
        table,
        out,
        n,
        seed=seed,
        division_shares=shares,
        place_names=names,
        snapshot_year=snapshot_year,
    )
    res = FirmGeneration(out, rows, seed, time.perf_counter() - start)
    if load:
        res.loaded = import_firms(out, db=db)
        if enterprise_years > 0:
            con = store.connect(db)
            try:
                years = range(snapshot_year - enterprise_years + 1, snapshot_year + 1)
                res.enterprise = generate_enterprise_data(con, seed=seed, years=list(years))
            finally:
                con.close()
    return res


@dataclass
class FirmMatrix:
    """A county × industry × year matrix (``region_code, industry, year, <measure>``)."""

    table: pd.DataFrame
    synthetic: bool
    engine: str
    seconds: float


def _is_synthetic(source: str, db: str | os.PathLike[str] | None) -> bool:
    """Whether the data contain synthetic rows (示例数据)."""
    try:
        if source == "warehouse":
            con = store.connect(db, read_only=True)
            try:
                row = con.execute("SELECT bool_or(synthetic) FROM current_firms").fetchone()
            finally:
                con.close()
            return bool(row and row[0])
        meta = pq.read_schema(source).metadata or {}
        return b"xinzhi.synthetic" in meta
    except Exception:
        return False


def firm_matrix_table(
    source: str = "warehouse",
    *,
    level: str = "section",
    measure: str = "firms",
    engine: str = "duckdb",
    mode: Literal["active", "cohort"] = "active",
    years: str | Sequence[int] | None = None,
    db: str | os.PathLike[str] | None = None,
) -> FirmMatrix:
    """Firms of ``source`` (``warehouse`` or a Parquet file) → county × industry × year matrix
    of ``measure`` at GB/T 4754 ``level`` (``active``: firms alive at each year end;
    ``cohort``: by founding year). ``years``: ``2024``, ``2015-2024``, ``2020,2024`` or a list
    (active snapshots default to the latest year)."""
    if measure not in MEASURES:
        raise InputError(f"--measure 可选 {'、'.join(MEASURES)}")
    if engine not in ENGINES:
        raise InputError(f"--engine 可选 {' 或 '.join(ENGINES)}")
    yrs = parse_years(years) if isinstance(years, str) or years is None else list(years)
    start = time.perf_counter()
    res = firm_matrix(
        firms_table(source, engine=engine, db=db),  # type: ignore[arg-type]
        level=level,
        mode=mode,
        years=yrs,
    )
    seconds = time.perf_counter() - start
    out = res[["region_code", "industry", "year", measure]]
    return FirmMatrix(out, _is_synthetic(source, db), engine, seconds)
