"""Reading a user's table (csv — UTF-8, UTF-8 with BOM or GBK —, xlsx or parquet) for the
analyses of :mod:`xinzhi.pipelines.tables`, :mod:`xinzhi.pipelines.industry_tables` and
:mod:`xinzhi.pipelines.table_evaluation`.

>>> import pandas as pd
>>> as_code(pd.Series([110101.0, None])).tolist()
['110101', None]
"""

from __future__ import annotations

import io
import os
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from xinzhi.errors import InputError
from xinzhi.ingest.tables import decode_bytes

__all__ = ["TableSource", "as_code", "read_user_table", "table_frame"]

TableSource = pd.DataFrame | str | os.PathLike[str]
"""A user's table: a DataFrame already in memory, or the path of a file to read."""


def as_code(col: pd.Series) -> pd.Series:
    """Key column as text; whole numbers read from Excel become ``'110101'``, not ``'110101.0'``."""
    if pd.api.types.is_float_dtype(col) and col.dropna().mod(1).eq(0).all():
        return col.map(lambda v: str(int(v)) if pd.notna(v) else v)
    return col.map(lambda v: str(v) if pd.notna(v) else v)


def read_user_table(
    path: str | os.PathLike[str], text_columns: Sequence[str | None] = ()
) -> pd.DataFrame:
    """Read a CSV (UTF-8, UTF-8 with BOM or GBK, detected), Excel (first sheet) or Parquet table.

    Parameters
    ----------
    path : path
        The file; its suffix decides the reader.
    text_columns : sequence of str
        Key columns (units, groups, codes) kept as text (``None`` entries are ignored).

    Returns
    -------
    DataFrame
        Header names stripped of surrounding blanks.

    Raises
    ------
    InputError
        Missing file, unsupported suffix or a file the parser refuses (message in Chinese).
    """
    path = Path(path)
    if not path.exists():
        raise InputError(f"找不到输入文件：{path}")
    keys = [c for c in text_columns if c]
    suffix = path.suffix.lower()
    try:
        if suffix in (".xlsx", ".xlsm", ".xls"):
            df = pd.read_excel(path, sheet_name=0, engine="calamine")
        elif suffix == ".parquet":
            df = pd.read_parquet(path)
        elif suffix in (".csv", ".txt"):
            text, _encoding = decode_bytes(path.read_bytes())
            header = pd.read_csv(io.StringIO(text), nrows=0).columns
            raw = [c for c in header if str(c).strip() in keys]  # as written, blanks included
            df = pd.read_csv(io.StringIO(text), dtype=dict.fromkeys(raw, str))
        else:
            raise InputError(f"不支持的输入文件类型 {suffix}（请用 .csv、.xlsx 或 .parquet）")
    except InputError:
        raise
    except Exception as exc:  # parser errors of pandas / calamine are user errors
        raise InputError(f"无法读取输入文件 {path}：{exc}") from exc
    df.columns = pd.Index([str(c).strip() for c in df.columns])
    for name in keys:
        if name in df.columns:
            df[name] = as_code(df[name])
    return df


def table_frame(data: TableSource, text_columns: Sequence[str | None] = ()) -> pd.DataFrame:
    """``data`` itself when it is a DataFrame, else :func:`read_user_table` of the path."""
    if isinstance(data, pd.DataFrame):
        return data
    return read_user_table(data, text_columns)
