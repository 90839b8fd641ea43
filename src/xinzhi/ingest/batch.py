"""The one import-batch wrapper of every importer: identify the source by sha256, skip a file
that is already the active batch of its source (a no-op report), else write one batch in one
transaction (:func:`xinzhi.store.write_batch`) and return its :class:`ImportReport`.

Used by :func:`xinzhi.ingest.import_file` (and the census readers built on it),
:func:`xinzhi.ingest.import_tudigong` and :func:`xinzhi.ingest.enterprises.import_firms`.

:func:`import_table_file` is the whole file → batch path of the importers that read one table
into a table of their own (firm-year data and honours, policy facts and office records, pilot
lists, targets): check the file, name the source (``<format>:<file stem>``), hash the file,
read the grid, clean it, build the report (:func:`table_report`), create the importer's table
and write the batch with its quarantined and skipped rows — the importer supplies only its
cleaning, its report fields and its insert.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import duckdb
import pandas as pd

from xinzhi import datasets, store
from xinzhi.errors import InputError
from xinzhi.ingest.reasons import reason_label
from xinzhi.ingest.report import ImportReport
from xinzhi.ingest.tables import Grid, read_grid

__all__ = [
    "MIN_COVERAGE",
    "CleanTable",
    "EmptyImportError",
    "ReplaceRefusedError",
    "check_supersession",
    "file_sha256",
    "import_table_file",
    "loaded_report",
    "run_import",
    "table_report",
    "write_report_batch",
    "write_rows_batch",
    "write_table_batch",
]

MIN_COVERAGE = 0.5
"""A batch replacing a public source must cover at least this share of the regions and of the
indicators of the batch it replaces (a national census table loses a few units between
editions, never half of them; a file covering a few counties is not a new edition)."""


class EmptyImportError(InputError):
    """The file yields no value to load: no batch is written, nothing is superseded."""


class ReplaceRefusedError(InputError):
    """A new batch may not replace the active batch of a public source (HTTP 400)."""


def _public_sources() -> frozenset[str]:
    return frozenset(d.name for d in datasets.list_datasets())


def file_sha256(path: str | os.PathLike[str]) -> str:
    """sha256 of a file's bytes (hex)."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def run_import(
    load: Callable[[duckdb.DuckDBPyConnection], ImportReport],
    *,
    sha256: str,
    source: str,
    fmt: str,
    con: duckdb.DuckDBPyConnection | None = None,
    db: str | os.PathLike[str] | None = None,
) -> ImportReport:
    """Run one import of ``source`` unless the same content is already its active batch.

    Parameters
    ----------
    load : callable
        ``load(con)`` reads, cleans and writes the batch (:func:`write_report_batch`) and
        returns its report; not called for a no-op.
    sha256 : str
        Identity of the imported content.
    source : str
        Logical source; a new batch supersedes the source's earlier one.
    fmt : str
        Format recorded in a no-op report when the batch stored none.
    con, db
        An open warehouse connection (kept open), or a warehouse path (opened and closed here).

    Returns
    -------
    ImportReport
        Status ``loaded``, or ``noop`` with the counts of the existing batch.
    """
    own = con is None
    connection = store.connect(db) if con is None else con
    try:
        existing = store.find_active_batch(connection, sha256, source)
        if existing is not None:
            return ImportReport.noop(existing, fmt)
        return load(connection)
    finally:
        if own:
            connection.close()


def write_report_batch(
    con: duckdb.DuckDBPyConnection,
    report: ImportReport,
    *,
    observations: pd.DataFrame,
    quarantine: pd.DataFrame,
    skipped: pd.DataFrame,
    indicators: pd.DataFrame | None = None,
    extra: Callable[[duckdb.DuckDBPyConnection, int], None] | None = None,
    replace: bool = False,
    user_name: str | None = None,
) -> ImportReport:
    """Write the batch described by ``report`` (its file, source, format, sha256 and counts;
    the whole report is stored with the batch) and set its ``batch_id`` and ``superseded``.

    ``observations``, ``quarantine``, ``skipped``, ``indicators`` and ``extra`` are those of
    :func:`xinzhi.store.write_batch`. :func:`check_supersession` runs first (``replace``: the
    user asked to replace a public source). ``user_name``: the account recorded with the batch
    (default: the operating-system user).

    Raises
    ------
    EmptyImportError, ReplaceRefusedError
        See :func:`check_supersession`; nothing is written.
    """
    check_supersession(con, report, replace=replace)
    batch_id, superseded = store.write_batch(
        con,
        file_name=report.file_name,
        sha256=report.sha256,
        source=report.source,
        fmt=report.format,
        counts={
            "rows_read": report.rows_read,
            "rows_loaded": report.rows_loaded,
            "rows_quarantined": report.rows_quarantined,
            "rows_skipped": report.rows_skipped,
            "values_loaded": report.values_loaded,
        },
        report=report.to_dict(),
        observations=observations,
        quarantine=quarantine,
        skipped=skipped,
        indicators=indicators,
        extra=extra,
        user_name=user_name,
    )
    report.batch_id = batch_id
    report.superseded = superseded
    return report


def _empty_message(report: ImportReport) -> str:
    parts = [f"{reason_label(k)} {v} 行" for k, v in report.quarantined_by_reason.items()]
    parts += [f"{reason_label(k)} {v} 行" for k, v in report.skipped_by_reason.items()]
    why = f"（{'；'.join(parts)}）" if parts else ""
    return (
        f"文件 {report.file_name} 没有可载入的数值：读入 {report.rows_read} 行，载入 0 行"
        f"{why}。未创建导入批次，来源 {report.source} 的现有数据保持不变"
    )


def check_supersession(
    con: duckdb.DuckDBPyConnection, report: ImportReport, *, replace: bool = False
) -> None:
    """Refuse a batch that must not become the active batch of its source.

    Rules:

    1. A batch that loads nothing (no row or no value loaded) is never written, so it never
       supersedes anything (:class:`EmptyImportError`, with the counts by reason).
    2. Replacing the active batch of a *public* source (a dataset of the registry:
       ``census2020`` …) needs ``replace=True`` (``xinzhi import --replace``), and even then the
       new batch must cover at least :data:`MIN_COVERAGE` of the regions and of the indicators
       of the batch it replaces (:class:`ReplaceRefusedError`, with both numbers).
    """
    if report.rows_loaded == 0 or report.values_loaded == 0:
        raise EmptyImportError(_empty_message(report))
    if report.source not in _public_sources():
        return
    active = [
        int(r[0])
        for r in con.execute(
            "SELECT batch_id FROM import_batches WHERE source = ? AND status = 'active'",
            [report.source],
        ).fetchall()
    ]
    if not active:
        return
    ids = "、".join(str(b) for b in active)
    if not replace:
        raise ReplaceRefusedError(
            f"来源 {report.source} 是公共数据，已有当前批次 {ids}；替换公共数据须明确指定"
            " --replace（或换一个来源名称 --source）"
        )
    marks = ",".join("?" * len(active))
    old_regions, old_indicators = con.execute(
        "SELECT count(DISTINCT region_code), count(DISTINCT indicator) FROM observations "
        f"WHERE batch_id IN ({marks})",
        active,
    ).fetchall()[0]
    new_regions, new_indicators = report.regions_loaded, len(report.indicators_loaded)
    if new_regions < MIN_COVERAGE * old_regions or new_indicators < MIN_COVERAGE * old_indicators:
        raise ReplaceRefusedError(
            f"拒绝替换公共数据 {report.source}：新批次只覆盖 {new_regions} 个地区、"
            f"{new_indicators} 个指标，远少于被替换的批次 {ids} 的 {old_regions} 个地区、"
            f"{old_indicators} 个指标（至少需要 {MIN_COVERAGE:.0%}）。现有数据保持不变"
        )


@dataclass
class CleanTable:
    """What an importer's cleaning returns (nothing written yet): the rows to load, the
    quarantined rows (``row_number, raw`` (JSON), ``reason, message``) and the skipped rows
    (``row_number, raw, reason``), the number of data rows read, the header matching and
    warnings. Every row read is loaded, quarantined or skipped (checked on creation)."""

    rows: pd.DataFrame
    quarantine: pd.DataFrame
    skipped: pd.DataFrame
    rows_read: int
    columns_matched: dict[str, str] = field(default_factory=dict)
    columns_ignored: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        assert self.rows_read == len(self.rows) + len(self.quarantine) + len(self.skipped), (
            "行数不守恒：读入 ≠ 载入 + 隔离 + 跳过"
        )


CleanT = TypeVar("CleanT", bound=CleanTable)

_NO_OBSERVATIONS = ("region_code", "year", "indicator", "value")


def table_report(
    clean: CleanTable,
    *,
    file_name: str,
    source: str,
    fmt: str,
    sha256: str,
    **fields: Any,
) -> ImportReport:
    """The report of a cleaned table about to be loaded (status ``loaded``, no batch yet).

    Counts come from ``clean`` (rows read, loaded = ``len(clean.rows)``, quarantined and skipped
    with their reasons, values = ``len(clean.rows)``, header matching, ``clean.warnings`` if
    any); ``fields`` add or override report fields (``years``, ``regions_loaded``,
    ``indicators_loaded``, ``rows_loaded``, ``values_loaded``, ``unit_conversions`` …).
    """
    q = clean.quarantine["reason"].value_counts()
    s = clean.skipped["reason"].value_counts()
    base: dict[str, Any] = {
        "file_name": file_name,
        "source": source,
        "format": fmt,
        "status": "loaded",
        "batch_id": None,
        "rows_read": clean.rows_read,
        "rows_loaded": len(clean.rows),
        "rows_quarantined": len(clean.quarantine),
        "rows_skipped": len(clean.skipped),
        "quarantined_by_reason": {str(k): int(v) for k, v in q.items()},
        "skipped_by_reason": {str(k): int(v) for k, v in s.items()},
        "values_loaded": len(clean.rows),
        "sha256": sha256,
        "columns_matched": clean.columns_matched,
        "columns_ignored": clean.columns_ignored,
        "warnings": list(clean.warnings),
    }
    return ImportReport(**{**base, **fields})


def import_table_file(
    path: str | os.PathLike[str],
    *,
    fmt: str,
    clean: Callable[[Grid], CleanT],
    insert: Callable[[duckdb.DuckDBPyConnection, pd.DataFrame, int], object],
    ensure: Callable[[duckdb.DuckDBPyConnection], None],
    report: Callable[..., ImportReport] | None = None,
    check: Callable[[duckdb.DuckDBPyConnection, CleanT, ImportReport], None] | None = None,
    source: str | None = None,
    sheet: str | int | None = None,
    user_name: str | None = None,
    db: str | os.PathLike[str] | None = None,
    con: duckdb.DuckDBPyConnection | None = None,
) -> ImportReport:
    """Import one table file (CSV/XLSX) as one batch of ``source`` into an importer's table.

    Parameters
    ----------
    path : path
        The file (must exist).
    fmt : str
        The batch format (``firm_years``, ``policy_facts``, ``pilots`` …); also the default
        source prefix: ``<fmt>:<file stem>``.
    clean : callable
        ``clean(grid)`` → the cleaned table (:class:`CleanTable`).
    insert : callable
        ``insert(con, clean.rows, batch_id)`` writes the rows to the importer's table.
    ensure : callable
        ``ensure(con)`` creates the importer's tables if needed.
    report : callable, optional
        ``report(clean, file_name=, source=, sha256=)`` → the report; default
        :func:`table_report` with ``fmt``.
    check : callable, optional
        ``check(con, clean, report)`` before anything is written (may add warnings).
    source, sheet, user_name, db, con
        The source (default ``<fmt>:<file stem>``; a new file supersedes the source's earlier
        batch, the same file again is a no-op), the sheet of a workbook, the account recorded
        with the batch, and the warehouse (path, or an open connection kept open).

    Raises
    ------
    InputError
        The file does not exist (``文件不存在或不可读``); the cleaning's own errors;
        :class:`EmptyImportError` when no row loads.
    """
    p = Path(path)
    if not p.is_file():
        raise InputError(f"文件不存在或不可读：{p}")
    src = source or f"{fmt}:{p.stem}"
    digest = file_sha256(p)

    def build(clean_table: CleanT, **ids: str) -> ImportReport:
        return table_report(clean_table, fmt=fmt, **ids)

    make_report = report or build

    def load(connection: duckdb.DuckDBPyConnection) -> ImportReport:
        grid = read_grid(p, sheet)
        table = clean(grid)
        rep = make_report(table, file_name=p.name, source=src, sha256=digest)
        rep.encoding, rep.sheet = grid.encoding, grid.sheet
        if check is not None:
            check(connection, table, rep)
        ensure(connection)
        return write_table_batch(connection, rep, table, insert, user_name=user_name)

    return run_import(load, sha256=digest, source=src, fmt=fmt, con=con, db=db)


def write_table_batch(
    con: duckdb.DuckDBPyConnection,
    report: ImportReport,
    table: CleanTable,
    insert: Callable[[duckdb.DuckDBPyConnection, pd.DataFrame, int], object],
    *,
    user_name: str | None = None,
) -> ImportReport:
    """Write the batch of a cleaned table (no observations; its quarantined and skipped rows)
    with :func:`write_report_batch`; ``insert(con, table.rows, batch_id)`` writes the rows to
    the importer's own table in the same transaction."""

    def extra(c: duckdb.DuckDBPyConnection, batch_id: int) -> None:
        insert(c, table.rows, batch_id)

    return write_report_batch(
        con,
        report,
        observations=pd.DataFrame(columns=list(_NO_OBSERVATIONS)),
        quarantine=table.quarantine,
        skipped=table.skipped,
        extra=extra,
        user_name=user_name,
    )


def loaded_report(
    *, file_name: str, source: str, fmt: str, rows: int, sha256: str, **fields: Any
) -> ImportReport:
    """The report of ``rows`` rows about to be loaded whole (status ``loaded``, no batch yet,
    nothing quarantined or skipped, one value a row); ``fields`` add report fields."""
    return ImportReport(
        file_name=file_name,
        source=source,
        format=fmt,
        status="loaded",
        batch_id=None,
        rows_read=rows,
        rows_loaded=rows,
        rows_quarantined=0,
        rows_skipped=0,
        values_loaded=rows,
        sha256=sha256,
        **fields,
    )


def write_rows_batch(
    con: duckdb.DuckDBPyConnection,
    report: ImportReport,
    extra: Callable[[duckdb.DuckDBPyConnection, int], None],
) -> ImportReport:
    """Write a batch whose rows all go to an importer's own table (``extra(con, batch_id)``):
    no observations, nothing quarantined or skipped."""
    empty = pd.DataFrame(columns=["row_number", "raw", "reason"])
    return write_report_batch(
        con,
        report,
        observations=pd.DataFrame(columns=list(_NO_OBSERVATIONS)),
        quarantine=empty.assign(message=None),
        skipped=empty,
        extra=extra,
    )
