"""Importing a file into the warehouse: read → layout → classify → one transactional batch."""

from __future__ import annotations

import os
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from xinzhi import regions, store
from xinzhi.errors import InputError, XinzhiError
from xinzhi.indicators.catalogue import Catalogue, CatalogueEntry, load_catalogue
from xinzhi.ingest.batch import file_sha256, run_import, write_report_batch
from xinzhi.ingest.clean import Resolver, classify_rows, default_resolver
from xinzhi.ingest.isolate import ReadLimits, run_limited
from xinzhi.ingest.layout import Layout, check_year, detect_format, long_layout, wide_layout
from xinzhi.ingest.report import ImportReport
from xinzhi.ingest.tables import Grid, read_grid

__all__ = [
    "QUARANTINE_CAP",
    "PreparedBatch",
    "ensure_regions",
    "import_file",
    "load_layout",
    "prepare_file",
    "prepare_layout",
    "write_prepared",
]


def _raw_json(grid: Grid, layout: Layout, row_numbers: np.ndarray) -> list[str]:
    """Original cells of the given source rows as JSON objects keyed by header."""
    if len(row_numbers) == 0:
        return []
    block = grid.cells.loc[row_numbers - 1].copy()
    seen: dict[str, int] = {}
    names = []
    for h in layout.headers:
        k = seen.get(h, 0)
        seen[h] = k + 1
        names.append(h if k == 0 else f"{h}#{k + 1}")
    block.columns = names[: block.shape[1]] + [
        f"列{i + 1}" for i in range(len(names), block.shape[1])
    ]
    block = block.map(lambda v: None if isinstance(v, float) and np.isnan(v) else v)
    text = block.to_json(orient="records", lines=True, force_ascii=False)
    return text.strip("\n").split("\n")


def ensure_regions(con: duckdb.DuckDBPyConnection) -> None:
    """Fill the ``regions`` table from the region registry when it is empty (best effort)."""
    (n,) = con.execute("SELECT count(*) FROM regions").fetchall()[0]
    if n:
        return
    try:
        table = regions.load_registry().table
    except XinzhiError:  # no public data available: read_wide falls back to code patterns
        return
    store.refresh_regions(con, table)


QUARANTINE_CAP = 10_000
"""Quarantined (and, separately, skipped) rows stored per batch by default. Beyond it the rows
are counted (per reason, in the report) but not stored: a file of millions of bad lines must not
write millions of rows (``quarantine_cap`` of :func:`import_file`)."""


@dataclass
class PreparedBatch:
    """A file read and checked, ready to be written as one batch (picklable: a worker
    process prepares it, the server writes it)."""

    report: ImportReport
    observations: pd.DataFrame
    quarantine: pd.DataFrame
    skipped: pd.DataFrame
    user_entries: tuple[CatalogueEntry, ...] = ()
    """User indicators the file brings (written to the ``indicators`` table with the batch)."""


def prepare_layout(
    grid: Grid,
    layout: Layout,
    *,
    sha256: str,
    source: str,
    catalogue: Catalogue,
    resolver: Resolver = default_resolver,
    extra_warnings: list[str] | None = None,
    harmonise: bool = False,
    quarantine_cap: int = QUARANTINE_CAP,
) -> PreparedBatch:
    """Classify the rows of ``layout`` (:func:`classify_rows`) and build the batch's tables and
    report, without touching the warehouse.

    At most ``quarantine_cap`` quarantined rows (the first by row number) and as many skipped
    rows are kept with their original cells; the report still counts every row, by reason, and
    says how many were not stored (``rows_not_stored`` and a warning)."""
    catalogue = catalogue.extended(layout.user_entries)
    result = classify_rows(
        layout.rows,
        layout.cells,
        catalogue,
        layout=layout.format,
        resolver=resolver,
        harmonise=harmonise,
    )
    out = result.outcomes
    cap = max(int(quarantine_cap), 0)
    q_all = out[out["outcome"] == "quarantined"]
    s_all = out[out["outcome"] == "skipped"]
    q, s = q_all.head(cap), s_all.head(cap)
    quarantine = pd.DataFrame(
        {
            "row_number": q["row_number"].to_numpy(),
            "raw": _raw_json(grid, layout, q["row_number"].to_numpy()),
            "reason": q["reason"].to_numpy(),
            "message": q["message"].to_numpy(),
        }
    )
    skipped = pd.DataFrame(
        {
            "row_number": s["row_number"].to_numpy(),
            "raw": _raw_json(grid, layout, s["row_number"].to_numpy()),
            "reason": s["reason"].to_numpy(),
        }
    )
    warnings = [*layout.warnings, *(extra_warnings or [])]
    dropped_q, dropped_s = len(q_all) - len(q), len(s_all) - len(s)
    if dropped_q:
        warnings.append(
            f"隔离行共 {len(q_all):,} 行，只保存了前 {cap:,} 行的原始数据（其余 {dropped_q:,} 行"
            "只按原因计数，见隔离原因）；请先修正文件再导入"
        )
    if dropped_s:
        warnings.append(
            f"跳过行共 {len(s_all):,} 行，只保存了前 {cap:,} 行（其余 {dropped_s:,} 行只计数）"
        )
    obs = result.observations
    report = ImportReport(
        file_name=grid.file_name,
        source=source,
        format=layout.format,
        status="loaded",
        batch_id=None,
        rows_read=len(out),
        rows_loaded=int((out["outcome"] == "loaded").sum()),
        rows_quarantined=len(q_all),
        rows_skipped=len(s_all),
        quarantined_by_reason={str(k): int(v) for k, v in q_all["reason"].value_counts().items()},
        skipped_by_reason={str(k): int(v) for k, v in s_all["reason"].value_counts().items()},
        values_loaded=len(obs),
        values_missing=result.values_missing,
        missing_by_marker=result.missing_by_marker,
        sha256=sha256,
        encoding=grid.encoding,
        sheet=grid.sheet,
        years=sorted(int(y) for y in obs["year"].unique()),
        regions_loaded=int(obs["region_code"].nunique()),
        indicators_loaded=sorted(str(i) for i in obs["indicator"].unique()),
        columns_matched=layout.columns_matched,
        columns_ignored=layout.columns_ignored,
        columns_new={
            h: f"{catalogue[c].name_zh}（{c}，单位 {catalogue[c].unit or '未注明'}）"
            for h, c in layout.columns_new.items()
        },
        unit_conversions=layout.unit_conversions,
        warnings=warnings,
        rows_not_stored=dropped_q + dropped_s,
    )
    return PreparedBatch(report, obs, quarantine, skipped, tuple(layout.user_entries))


def write_prepared(
    con: duckdb.DuckDBPyConnection,
    prepared: PreparedBatch,
    *,
    catalogue: Catalogue,
    replace: bool = False,
    user_name: str | None = None,
    extra: Callable[[duckdb.DuckDBPyConnection, int], None] | None = None,
) -> ImportReport:
    """Write a :class:`PreparedBatch` as one batch (:func:`write_report_batch`; ``extra`` as
    there)."""
    return write_report_batch(
        con,
        prepared.report,
        observations=prepared.observations,
        quarantine=prepared.quarantine,
        skipped=prepared.skipped,
        indicators=catalogue.extended(prepared.user_entries).table,
        replace=replace,
        user_name=user_name,
        extra=extra,
    )


def load_layout(
    con: duckdb.DuckDBPyConnection,
    grid: Grid,
    layout: Layout,
    *,
    sha256: str,
    source: str,
    catalogue: Catalogue,
    resolver: Resolver = default_resolver,
    extra_warnings: list[str] | None = None,
    replace: bool = False,
    harmonise: bool = False,
    quarantine_cap: int = QUARANTINE_CAP,
    user_name: str | None = None,
    extra: Callable[[duckdb.DuckDBPyConnection, int], None] | None = None,
) -> ImportReport:
    """Classify the rows of ``layout`` and write them as one batch (one transaction):
    :func:`prepare_layout` then :func:`write_prepared`.

    ``replace``: the caller may replace the active batch of a public source
    (:func:`xinzhi.ingest.batch.check_supersession`); ``harmonise``: map names and codes that
    did not exist in the data's year to their successors (:func:`classify_rows`);
    ``user_name``: the account recorded with the batch (default: the operating-system user)."""
    prepared = prepare_layout(
        grid,
        layout,
        sha256=sha256,
        source=source,
        catalogue=catalogue,
        resolver=resolver,
        extra_warnings=extra_warnings,
        harmonise=harmonise,
        quarantine_cap=quarantine_cap,
    )
    return write_prepared(
        con, prepared, catalogue=catalogue, replace=replace, user_name=user_name, extra=extra
    )


def prepare_file(
    path: Path,
    *,
    sheet: str | int | None,
    fmt: str | None,
    year: int | None,
    today: date | None,
    aliases: str | os.PathLike[str] | None,
    sha256: str,
    source: str,
    resolver: Resolver,
    harmonise: bool,
    quarantine_cap: int,
    max_rows: int | None = None,
) -> PreparedBatch:
    """Read ``path``, build its layout and prepare the batch (no warehouse access; what a
    worker process runs for the server, :func:`xinzhi.ingest.isolate.run_limited`)."""
    catalogue = load_catalogue(aliases)
    grid = read_grid(path, sheet, max_rows)
    kind = fmt or detect_format(grid)
    build = long_layout if kind == "long" else wide_layout
    layout = build(grid, catalogue, year, today)
    return prepare_layout(
        grid,
        layout,
        sha256=sha256,
        source=source,
        catalogue=catalogue,
        resolver=resolver,
        harmonise=harmonise,
        quarantine_cap=quarantine_cap,
    )


def import_file(
    path: str | os.PathLike[str],
    *,
    fmt: str | None = None,
    year: int | None = None,
    source: str | None = None,
    sheet: str | int | None = None,
    aliases: str | os.PathLike[str] | None = None,
    db: str | os.PathLike[str] | None = None,
    con: duckdb.DuckDBPyConnection | None = None,
    resolver: Resolver = default_resolver,
    reader: Callable[[Grid, Catalogue], Layout] | None = None,
    with_regions: bool | None = None,
    replace: bool = False,
    today: date | None = None,
    harmonise: bool = False,
    quarantine_cap: int = QUARANTINE_CAP,
    user_name: str | None = None,
    limits: ReadLimits | None = None,
    write_lock: AbstractContextManager[Any] | None = None,
    extra: Callable[[duckdb.DuckDBPyConnection, int], None] | None = None,
    max_rows: int | None = None,
) -> ImportReport:
    """Import a CSV/XLSX file (wide or long) into the warehouse as one batch.

    Parameters
    ----------
    path : path
        The file.
    fmt : {"wide", "long"}, optional
        Layout; detected from the header when omitted (indicator + value columns → long).
    year : int, optional
        Year of a wide table without a year column (also the default for long tables and for
        empty year cells). Every year, given or read, lies between 1981 (the start of the
        region history) and the current year (:func:`xinzhi.ingest.layout.year_bounds`).
    source : str, optional
        Name of the logical data source (default: file name without extension). A new file
        for the same source supersedes the previous batch; the same file again is a no-op.
    sheet : str or int, optional
        Excel sheet name or 0-based index (default: the first sheet).
    aliases : path, optional
        Extra header aliases (YAML ``aliases: {别名: 指标编码}``).
    db, con
        Warehouse path or an open connection.
    resolver
        Region resolver (tests inject a fake one).
    reader
        Custom layout builder (the built-in census readers use it); overrides ``fmt``.
    with_regions
        Fill an empty ``regions`` table from the region registry first (default: when the
        default resolver is used); :func:`xinzhi.store.read_wide` needs it to recognise
        prefecture-level cities without counties.
    replace
        Allow the new batch to replace the active batch of a public source (``census2020``
        …); see :func:`xinzhi.ingest.batch.check_supersession`.
    today
        The current date for the year rule (default: today; tests inject one).
    harmonise
        Map a region name or code that did not exist in the data's year (崇文区 in 2022) to
        its successor (东城区). By default such a row is quarantined as ``former_region`` with
        the unit's history and successor in the message.
    quarantine_cap
        Quarantined rows (and skipped rows) stored with their cells; the rest are only counted
        (:data:`QUARANTINE_CAP`, :func:`prepare_layout`).
    user_name
        Who imports, recorded with the batch (the server passes the logged-in account; default
        the operating-system user).
    limits
        Read and check the file in a worker process with this memory and time budget
        (:func:`xinzhi.ingest.isolate.run_limited`; the server does, so no file can exhaust
        it); the resolver must then be picklable. Not with ``reader``.
    write_lock
        Held only while the warehouse is written (the server's write lock): reading and
        checking the file run without it, so a slow upload does not hold up other writes.
    extra
        ``extra(con, batch_id)`` writes further rows in the batch's transaction (the server:
        who uploaded the batch).
    max_rows
        Refuse a CSV with more lines, before parsing it (the server's per-upload bound).

    Raises
    ------
    InputError
        Unreadable file, unknown format, no region column, no indicator column, no year.
    EmptyImportError
        Nothing to load: no batch is written and nothing superseded.
    ReplaceRefusedError
        A public source without ``replace``, or a replacement covering far fewer regions or
        indicators than the batch it would replace.
    """
    p = Path(path)
    if not p.is_file():
        raise InputError(f"文件不存在或不可读：{p}")
    if fmt not in (None, "wide", "long"):
        raise InputError(f"未知的格式 {fmt!r}：可选 wide（宽表）或 long（长表）")
    check_year(year, today)
    src = source or p.stem
    digest = file_sha256(p)

    lock: AbstractContextManager[Any] = write_lock if write_lock is not None else nullcontext()

    def load(connection: duckdb.DuckDBPyConnection) -> ImportReport:
        if with_regions if with_regions is not None else resolver is default_resolver:
            with lock:
                ensure_regions(connection)
        if reader is not None:
            catalogue = load_catalogue(aliases)
            grid = read_grid(p, sheet)
            return load_layout(
                connection,
                grid,
                reader(grid, catalogue),
                sha256=digest,
                source=src,
                catalogue=catalogue,
                resolver=resolver,
                replace=replace,
                harmonise=harmonise,
                quarantine_cap=quarantine_cap,
                user_name=user_name,
                extra=extra,
            )
        args: dict[str, Any] = {
            "sheet": sheet,
            "fmt": fmt,
            "year": year,
            "today": today,
            "aliases": aliases,
            "sha256": digest,
            "source": src,
            "resolver": resolver,
            "harmonise": harmonise,
            "quarantine_cap": quarantine_cap,
            "max_rows": max_rows,
        }
        if limits is None:
            prepared = prepare_file(p, **args)
        else:
            prepared = run_limited(_prepare_kw, p, args, limits=limits, what=f"文件 {p.name} ")
        catalogue = load_catalogue(aliases)
        with lock:  # the same file may have been imported while this one was read
            existing = store.find_active_batch(connection, digest, src)
            if existing is not None:
                return ImportReport.noop(existing, fmt or "wide")
            return write_prepared(
                connection,
                prepared,
                catalogue=catalogue,
                replace=replace,
                user_name=user_name,
                extra=extra,
            )

    return run_import(load, sha256=digest, source=src, fmt=fmt or "wide", con=con, db=db)


def _prepare_kw(path: Path, args: dict[str, Any]) -> PreparedBatch:
    return prepare_file(path, **args)
