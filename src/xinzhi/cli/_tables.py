"""Writing the tables the commands produce (reading a user's table is
:func:`xinzhi.pipelines.user_tables.read_user_table`).

CSV is written by DuckDB (parallel, numbers formatted as pandas does: shortest text that reads
back to the same float, ``1.0`` for whole floats, empty cells for missing values) with a UTF-8
byte-order mark so that Excel shows Chinese; booleans are written ``True`` / ``False`` and
dates ``YYYY-MM-DD`` as before. Parquet goes through pyarrow. An ``.xlsx`` above Excel's
1,048,576 rows per sheet (header included) is refused with a Chinese message.
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any

import pandas as pd

from xinzhi.config import output_path
from xinzhi.errors import InputError

__all__ = [
    "EXCEL_MAX_ROWS",
    "OUTPUT_SUFFIXES",
    "check_excel_rows",
    "check_output",
    "checked_output",
    "write_csv",
    "write_result",
    "write_table",
]


OUTPUT_SUFFIXES = (".csv", ".xlsx", ".json", ".parquet")

EXCEL_MAX_ROWS = 1_048_576
"""Rows of one Excel worksheet (2^20), the header row included."""


def check_output(path: Path) -> None:
    """Refuse an output file type :func:`write_table` cannot write, or a file in a directory
    that does not exist (before any work is done)."""
    if path.suffix.lower() not in OUTPUT_SUFFIXES:
        raise InputError(
            f"不支持的输出文件类型 {path.suffix.lower()}（请用 .csv、.xlsx、.json 或 .parquet）"
        )
    output_path(path)


def checked_output(path: Path | None) -> Path | None:
    """Typer callback of the output options: an unknown file type is refused while the command
    line is read, before any work is done."""
    if path is not None:
        check_output(path)
    return path


def write_table(df: pd.DataFrame, path: Path) -> None:
    """Write by suffix: .csv (UTF-8 with BOM, so Excel shows Chinese), .xlsx, .json, .parquet."""
    check_output(path)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        write_csv(df, path)
    elif suffix == ".xlsx":
        check_excel_rows(len(df), path)
        df.to_excel(path, index=False, engine="xlsxwriter")
    elif suffix == ".json":
        text = df.to_json(orient="records", force_ascii=False, indent=2, double_precision=15)
        path.write_text(text, encoding="utf-8")  # 15 digits: pandas writes 10 by default
    else:
        df.to_parquet(path, index=False, engine="pyarrow")


def check_excel_rows(n_rows: int, path: Path) -> None:
    """Refuse a table of ``n_rows`` data rows that does not fit one Excel sheet."""
    if n_rows + 1 > EXCEL_MAX_ROWS:
        raise InputError(
            f"结果有 {n_rows:,} 行，超过 Excel 单个工作表的上限 {EXCEL_MAX_ROWS:,} 行（含表头），"
            f"无法写入 {path.name}；请改用 .csv 或 .parquet 输出"
        )


def _csv_frame(df: pd.DataFrame) -> pd.DataFrame:
    """``df`` with the columns DuckDB would write differently from pandas turned into the text
    pandas writes: booleans ``True``/``False``, dates without a midnight time."""
    out = df
    for i, (name, col) in enumerate(df.items()):
        text: pd.Series | None = None
        if pd.api.types.is_bool_dtype(col.dtype):
            text = col.map({True: "True", False: "False"})
        elif pd.api.types.is_datetime64_any_dtype(col.dtype):
            dt = col.dt.tz_localize(None) if getattr(col.dt, "tz", None) is not None else col
            midnight = bool((dt.dropna() == dt.dropna().dt.normalize()).all())
            text = col.astype("str") if not midnight else dt.dt.strftime("%Y-%m-%d")
            text = text.where(col.notna(), None)
        elif col.dtype == object:
            kinds = {type(v) for v in col.dropna().head(1000)}
            if kinds - {str, int, float, bool}:
                raise TypeError(f"column {name!r}: Python objects")  # pandas formats these
        if text is not None:
            if out is df:
                out = df.copy(deep=False)
            out.isetitem(i, text.astype(object).to_numpy())
    return out


def write_csv(df: pd.DataFrame, path: Path) -> None:
    """Write ``df`` as UTF-8 CSV with BOM through DuckDB; the exact bytes of
    ``df.to_csv(path, index=False, encoding="utf-8-sig")`` for numbers, text and missing
    values (pandas itself for tables DuckDB cannot take: Python objects, repeated names)."""
    names = [str(c) for c in df.columns]
    if len(names) == 0 or len(set(names)) != len(names) or len(df) == 0:
        df.to_csv(path, index=False, encoding="utf-8-sig")
        return
    try:
        frame = _csv_frame(df)
    except TypeError:
        df.to_csv(path, index=False, encoding="utf-8-sig")
        return
    frame = frame.set_axis(names, axis=1)
    header = pd.DataFrame(columns=names).to_csv(index=False)  # pandas quoting of the names
    import duckdb  # here for start-up speed: every command imports this module

    tmp = path.with_name(path.name + ".part")
    con = duckdb.connect()
    try:
        con.execute("SET enable_progress_bar = false")
        con.register("t", frame)
        con.execute(f"COPY t TO '{_sql_path(tmp)}' (FORMAT csv, HEADER false)")
    except duckdb.Error:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        df.to_csv(path, index=False, encoding="utf-8-sig")
        return
    finally:
        con.close()
    with path.open("wb") as out:
        out.write(b"\xef\xbb\xbf" + header.encode("utf-8"))
        with tmp.open("rb") as part:
            _copy(part, out)
    tmp.unlink()


def _copy(src: Any, dst: Any) -> None:
    """Append file ``src`` to ``dst`` (kernel copy where the system has it)."""
    import os
    import shutil

    dst.flush()
    try:
        size = os.fstat(src.fileno()).st_size
        done = 0
        while done < size:
            n = os.copy_file_range(src.fileno(), dst.fileno(), size - done)
            if n == 0:
                break
            done += n
        if done == size:
            return
        src.seek(done)
    except (AttributeError, OSError):
        src.seek(0)
    shutil.copyfileobj(src, dst, 1 << 22)


def _sql_path(path: Path) -> str:
    """A path as a SQL string literal body."""
    return str(path).replace("'", "''")


def write_result(result: Any, path: Path, table: pd.DataFrame | None = None) -> None:
    """Write a result object by suffix: ``.xlsx`` every table of ``result`` (one sheet each,
    Chinese headers, ``result.to_excel``); other suffixes ``table`` (default ``result.tidy()``)
    through :func:`write_table`."""
    if path.suffix.lower() == ".xlsx":
        output_path(path)
        if table is not None:
            check_excel_rows(len(table), path)
        result.to_excel(path)
    else:
        write_table(result.tidy() if table is None else table, path)
