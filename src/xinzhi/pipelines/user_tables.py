"""Reading a user's table (csv — UTF-8, UTF-8 with BOM or GBK —, xlsx or parquet) for the
analyses of :mod:`xinzhi.pipelines.tables`, :mod:`xinzhi.pipelines.industry_tables` and
:mod:`xinzhi.pipelines.table_evaluation`.

CSV files are parsed by pyarrow (multi-threaded, column types inferred like pandas: ISO dates
stay text, empty cells are missing); a file pyarrow refuses (a column whose type changes
further down, repeated header names …) falls back to pandas, so nothing a user could read
before is refused now. Key columns are normalised vectorised by :func:`as_code`.

>>> import pandas as pd
>>> as_code(pd.Series([110101.0, None])).tolist()[0]
'110101'
>>> as_code(pd.Series([" 0311 ", "１３１１", "1311.0", "C13"])).tolist()
['0311', '1311', '1311', 'C13']
"""

from __future__ import annotations

import io
import os
from collections.abc import Sequence
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from xinzhi.errors import InputError
from xinzhi.ingest.tables import decode_bytes

__all__ = ["TableSource", "as_code", "read_user_table", "table_frame"]

TableSource = pd.DataFrame | str | os.PathLike[str]
"""A user's table: a DataFrame already in memory, or the path of a file to read."""

_NA_VALUES = (
    *("", "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND"),
    *("1.#QNAN", "<NA>", "N/A", "NA", "NULL", "NaN", "None", "n/a", "nan", "null"),
)
"""Cells read as missing: the default list of ``pandas.read_csv``."""

_FULL_WIDTH_DIGITS = {chr(0xFF10 + d): str(d) for d in range(10)}
"""Full-width digits ``０``–``９`` (typed with a Chinese input method) → ASCII digits."""


def _as_text(col: pd.Series) -> pa.Array:
    """The cells of ``col`` as an Arrow string array (missing → null); whole floats (read from
    Excel or a numeric CSV column) lose their ``.0``."""
    if pd.api.types.is_float_dtype(col.dtype):
        vals = col.to_numpy(dtype="float64", na_value=float("nan"))
        arr = pa.array(vals, from_pandas=True)
        finite = pc.is_finite(arr)
        whole = pc.and_kleene(finite, pc.equal(pc.floor(arr), arr))
        if pc.all(pc.or_(whole, pc.is_null(arr, nan_is_null=True))).as_py():
            return pc.cast(pc.cast(arr, pa.int64()), pa.string())
        return pa.array([None if pd.isna(v) else str(v) for v in vals], type=pa.string())
    if pd.api.types.is_integer_dtype(col.dtype) or pd.api.types.is_bool_dtype(col.dtype):
        return pa.array(col.astype("str").where(col.notna(), None), type=pa.string())
    try:
        return pa.array(col, type=pa.string(), from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError):  # mixed cells (Excel): str each
        return pa.array(
            col.map(lambda v: str(v) if pd.notna(v) else None).astype(object),
            type=pa.string(),
            from_pandas=True,
        )


def as_code(col: pd.Series) -> pd.Series:
    """Key column as text, normalised without a Python loop over rows (pyarrow.compute).

    - whole numbers read as floats become ``'110101'``, not ``'110101.0'`` (also when the text
      itself reads ``1311.0``);
    - surrounding blanks (ASCII and the full-width space) are removed;
    - full-width digits ``０``–``９`` become ASCII digits;
    - leading zeros of text are kept (``'0311'`` stays ``'0311'``); missing stays missing.

    Returns a ``str`` Series with the index and name of ``col``.
    """
    arr = _as_text(col)
    arr = pc.utf8_trim_whitespace(arr)
    if not pc.all(pc.string_is_ascii(arr)).as_py():
        for wide, narrow in _FULL_WIDTH_DIGITS.items():
            arr = pc.replace_substring(arr, wide, narrow)
        arr = pc.utf8_trim_whitespace(arr)
    arr = pc.replace_substring_regex(arr, r"^([0-9]+)\.0+$", r"\1")
    return pd.Series(arr.to_pandas(), index=col.index, name=col.name, dtype="str")


def _read_csv_arrow(data: bytes, keys: Sequence[str]) -> pd.DataFrame:
    """Parse UTF-8 CSV bytes with pyarrow, typed as pandas would: key columns text, date-like
    columns text, empty strings missing. Raises ``pa.ArrowInvalid`` on what pyarrow refuses."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    buf = pa.py_buffer(data)

    def parse(text_cols: Sequence[str]) -> pa.Table:
        return pacsv.read_csv(
            pa.BufferReader(buf),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(text_cols, pa.string()),
                strings_can_be_null=True,
                null_values=list(_NA_VALUES),
                timestamp_parsers=[],
            ),
        )

    header = _header(data)
    if len(set(header)) != len(header) or not all(header):
        raise pa.ArrowInvalid("repeated or empty column names")  # pandas renames them
    raw_keys = [c for c in header if c.strip() in keys]  # as written, blanks included
    table = parse(raw_keys)
    for f in table.schema:  # " 12": pandas reads a number, pyarrow text → let pandas read it
        if pa.types.is_string(f.type) and f.name not in raw_keys:
            col = table.column(f.name)
            if pc.all(pc.equal(pc.utf8_trim_whitespace(col), col)).as_py() is False:
                raise pa.ArrowInvalid(f"padded cells in column {f.name}")
    temporal = [f.name for f in table.schema if pa.types.is_temporal(f.type)]
    if temporal:  # pandas leaves dates as text: parse those columns again as text
        table = parse([*raw_keys, *temporal])
    df = table.to_pandas()
    for f in table.schema:
        if pa.types.is_null(f.type):  # an empty column: pandas reads it as float NaN
            df[f.name] = df[f.name].astype("float64")
    return df


def _header(data: bytes) -> list[str]:
    """Column names of CSV bytes (first record, CSV quoting honoured)."""
    end = data.find(b"\n")
    first = data if end < 0 else data[: end + 1]
    return list(pd.read_csv(io.BytesIO(first), nrows=0, encoding="utf-8").columns.astype(str))


def read_user_table(
    path: str | os.PathLike[str], text_columns: Sequence[str | None] = ()
) -> pd.DataFrame:
    """Read a CSV (UTF-8, UTF-8 with BOM or GBK, detected), Excel (first sheet) or Parquet table.

    Parameters
    ----------
    path : path
        The file; its suffix decides the reader.
    text_columns : sequence of str
        Key columns (units, groups, codes) kept as text and normalised by :func:`as_code`
        (``None`` entries are ignored).

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
            head = pd.read_excel(path, sheet_name=0, engine="calamine", nrows=0).columns
            raw = [c for c in head if str(c).strip() in keys]  # text cells stay text: '0311'
            df = pd.read_excel(path, sheet_name=0, engine="calamine", dtype=dict.fromkeys(raw, str))
        elif suffix == ".parquet":
            df = pd.read_parquet(path)
        elif suffix in (".csv", ".txt"):
            df = _read_csv(path.read_bytes(), keys)
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


def _read_csv(data: bytes, keys: Sequence[str]) -> pd.DataFrame:
    """CSV bytes in any accepted encoding → DataFrame (pyarrow, pandas when pyarrow refuses)."""
    text, encoding = decode_bytes(data)
    utf8 = data if encoding in ("utf-8", "utf-8-sig") else text.encode("utf-8")
    try:
        return _read_csv_arrow(utf8, keys)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        header = pd.read_csv(io.StringIO(text), nrows=0).columns
        raw = [c for c in header if str(c).strip() in keys]
        return pd.read_csv(io.StringIO(text), dtype=dict.fromkeys(raw, str))


def table_frame(data: TableSource, text_columns: Sequence[str | None] = ()) -> pd.DataFrame:
    """``data`` itself when it is a DataFrame, else :func:`read_user_table` of the path."""
    if isinstance(data, pd.DataFrame):
        return data
    return read_user_table(data, text_columns)
