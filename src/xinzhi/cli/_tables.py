"""Writing the tables the commands produce (reading a user's table is
:func:`xinzhi.pipelines.user_tables.read_user_table`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from xinzhi.config import output_path
from xinzhi.errors import InputError

__all__ = [
    "OUTPUT_SUFFIXES",
    "check_output",
    "checked_output",
    "write_result",
    "write_table",
]


OUTPUT_SUFFIXES = (".csv", ".xlsx", ".json", ".parquet")


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
        output_path(path)
        result.to_excel(path)
    else:
        write_table(result.tidy() if table is None else table, path)
