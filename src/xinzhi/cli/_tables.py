"""Reading and writing the user tables the analysis commands take and produce."""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from xinzhi.errors import InputError
from xinzhi.ingest.tables import decode_bytes

__all__ = [
    "OUTPUT_SUFFIXES",
    "as_code",
    "check_output",
    "checked_output",
    "read_table",
    "write_result",
    "write_table",
]


def as_code(col: pd.Series) -> pd.Series:
    """Key column as text; whole numbers read from Excel become ``'110101'``, not ``'110101.0'``."""
    if pd.api.types.is_float_dtype(col) and col.dropna().mod(1).eq(0).all():
        return col.map(lambda v: str(int(v)) if pd.notna(v) else v)
    return col.map(lambda v: str(v) if pd.notna(v) else v)


def read_table(path: Path, text_columns: Sequence[str | None] = ()) -> pd.DataFrame:
    """Read a CSV (UTF-8, UTF-8 with BOM or GBK, detected), Excel or Parquet table.

    ``text_columns`` (units, groups, codes) are kept as text; header names are stripped.
    """
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
            df = pd.read_csv(io.StringIO(text), dtype=dict.fromkeys(keys, str))
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


OUTPUT_SUFFIXES = (".csv", ".xlsx", ".json", ".parquet")


def check_output(path: Path) -> None:
    """Refuse an output file type :func:`write_table` cannot write (before any work is done)."""
    if path.suffix.lower() not in OUTPUT_SUFFIXES:
        raise InputError(
            f"不支持的输出文件类型 {path.suffix.lower()}（请用 .csv、.xlsx、.json 或 .parquet）"
        )


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
    path.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".csv":
        df.to_csv(path, index=False, encoding="utf-8-sig")
    elif suffix == ".xlsx":
        df.to_excel(path, index=False, engine="xlsxwriter")
    elif suffix == ".json":
        text = df.to_json(orient="records", force_ascii=False, indent=2, double_precision=15)
        path.write_text(text, encoding="utf-8")  # 15 digits: pandas writes 10 by default
    else:
        df.to_parquet(path, index=False)


def write_result(result: Any, path: Path, table: pd.DataFrame | None = None) -> None:
    """Write a result object by suffix: ``.xlsx`` every table of ``result`` (one sheet each,
    Chinese headers, ``result.to_excel``); other suffixes ``table`` (default ``result.tidy()``)
    through :func:`write_table`."""
    if path.suffix.lower() == ".xlsx":
        path.parent.mkdir(parents=True, exist_ok=True)
        result.to_excel(path)
    else:
        write_table(result.tidy() if table is None else table, path)
