"""Importing a user's statistical table into the warehouse (``xinzhi import FILE``); firm
registers are :func:`xinzhi.pipelines.firms.import_firm_file`, uploads from the web and the API
:func:`xinzhi.pipelines.uploads.import_upload`."""

from __future__ import annotations

import os

from xinzhi.ingest import import_file
from xinzhi.ingest.report import ImportReport

__all__ = ["import_statistics_file"]


def import_statistics_file(
    path: str | os.PathLike[str],
    *,
    fmt: str | None = None,
    year: int | None = None,
    source: str | None = None,
    sheet: str | None = None,
    aliases: str | os.PathLike[str] | None = None,
    db: str | os.PathLike[str] | None = None,
    replace: bool = False,
    harmonise: bool = False,
) -> ImportReport:
    """Load a CSV/XLSX table (``fmt`` ``wide``: one row per county, one column per indicator;
    ``long``: region, year, indicator, value; None: detected) into the warehouse as one import
    batch (a newer file of the same ``source`` replaces the older batch) and return the
    import report: rows read = loaded + quarantined (with reason) + skipped (with reason).

    A file that loads nothing writes no batch (:class:`~xinzhi.ingest.batch.EmptyImportError`);
    replacing a public source (``census2020`` …) needs ``replace`` and enough coverage
    (:func:`xinzhi.ingest.batch.check_supersession`). A region name or code that did not exist
    in the data's year is quarantined with its history unless ``harmonise`` (then it takes its
    successor's code)."""
    return import_file(
        path,
        fmt=fmt,
        year=year,
        source=source,
        sheet=sheet,
        aliases=aliases,
        db=db,
        replace=replace,
        harmonise=harmonise,
    )
