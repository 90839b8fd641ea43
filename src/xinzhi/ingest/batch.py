"""The one import-batch wrapper of every importer: identify the source by sha256, skip a file
that is already the active batch of its source (a no-op report), else write one batch in one
transaction (:func:`xinzhi.store.write_batch`) and return its :class:`ImportReport`.

Used by :func:`xinzhi.ingest.import_file` (and the census readers built on it),
:func:`xinzhi.ingest.import_tudigong` and :func:`xinzhi.ingest.enterprises.import_firms`.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable

import duckdb
import pandas as pd

from xinzhi import store
from xinzhi.ingest.report import ImportReport

__all__ = ["file_sha256", "run_import", "write_report_batch"]


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
) -> ImportReport:
    """Write the batch described by ``report`` (its file, source, format, sha256 and counts;
    the whole report is stored with the batch) and set its ``batch_id`` and ``superseded``.

    ``observations``, ``quarantine``, ``skipped``, ``indicators`` and ``extra`` are those of
    :func:`xinzhi.store.write_batch`.
    """
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
    )
    report.batch_id = batch_id
    report.superseded = superseded
    return report
