"""Readers of the ``io-tables`` dataset (China's national input-output tables and national
employment by industry, as packaged in the R package *ionet*; ``.rda`` files read with
:mod:`pyreadr`).

The readers return the data frames as stored; :func:`xinzhi.industry.io_tables.parse_io_frame`
turns a table into an :class:`~xinzhi.industry.io_tables.IOTable` and
:func:`xinzhi.industry.synthetic.division_shares_from_employment` turns the employment table
into division shares (both pure). :func:`xinzhi.pipelines.industry.load_io_table` joins the two
steps for the surfaces.
"""

from __future__ import annotations

import os

import pandas as pd

from xinzhi import datasets
from xinzhi.errors import InputError
from xinzhi.registry.industry import IO_TABLES

__all__ = ["IO_TABLES", "read_employment_frame", "read_io_frame"]


def _read_rda(name: str, data_dir: str | os.PathLike[str] | None) -> pd.DataFrame:
    import pyreadr  # heavy optional reader: imported on first use

    path = datasets.path("io-tables", f"{name}.rda", data_dir=data_dir)
    objects = pyreadr.read_r(str(path))
    frame = objects.get(name, next(iter(objects.values())))
    return pd.DataFrame(frame)


def read_io_frame(
    table: str = "2020-42", *, data_dir: str | os.PathLike[str] | None = None
) -> pd.DataFrame:
    """The data frame of one national table, e.g. ``"2020-42"`` (year-sectors).

    Raises :class:`InputError` for a name not in :data:`IO_TABLES`.
    """
    if table not in IO_TABLES:
        raise InputError(f"未知的投入产出表 {table}（可选：{'、'.join(IO_TABLES)}）")
    year, n = table.split("-")
    return _read_rda(f"china_{year}_{n}", data_dir)


def read_employment_frame(*, data_dir: str | os.PathLike[str] | None = None) -> pd.DataFrame:
    """``china_employment``: national employment by section and division (万人), column
    ``Code`` (``A``, ``A01`` …) and one column per year."""
    return _read_rda("china_employment", data_dir)
