"""Reading a user file into a raw grid of cells: CSV (encoding detected) or XLSX/XLS.

The grid is a DataFrame with positional integer columns and one row per source line (header
lines included); ``grid.index + 1`` is the line / spreadsheet row number shown to users.
"""

from __future__ import annotations

import csv
import io
import os
import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from xml.parsers import expat

import pandas as pd
from charset_normalizer import from_bytes
from python_calamine import CalamineWorkbook

from xinzhi.errors import InputError

__all__ = [
    "MAX_SHEET_CELLS",
    "NOT_TEXT",
    "Grid",
    "check_sheet_extent",
    "decode_bytes",
    "is_text",
    "read_grid",
    "utf16_encoding",
]

_ENCODINGS = ("utf-8-sig", "gb18030")
_EXCEL = {".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"}


@dataclass
class Grid:
    """Raw cells of one table plus where they came from."""

    cells: pd.DataFrame
    file_name: str
    encoding: str | None = None
    sheet: str | None = None
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)
    """Merged ranges (row0, col0, row1, col1), inclusive, 0-based (XLSX only)."""
    broken: dict[int, str] = field(default_factory=dict)
    """Grid rows that are physical lines of a record merged by an unterminated quote (CSV):
    row → message; their source rows are quarantined (``broken_quote``)."""


NOT_TEXT = "文件内容不是文本 CSV（含有 NUL 字节）：请另存为 UTF-8、GBK 或 UTF-16 编码的 CSV"
"""The one message for a CSV that is not text, on the command line and the server."""


def utf16_encoding(data: bytes) -> str | None:
    """``"utf-16"`` for bytes with a UTF-16 byte-order mark; ``"utf-16-le"`` / ``"utf-16-be"``
    for UTF-16 without one (an even length, zero bytes only in the odd / even positions of the
    first 64 KiB, as ASCII digits, commas and line breaks put them); else None."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    head = data[: 1 << 16]
    if len(data) % 2 or b"\x00" not in head:
        return None
    even, odd = head[0::2].count(0), head[1::2].count(0)
    enc = "utf-16-le" if odd and not even else "utf-16-be" if even and not odd else None
    if enc is None:
        return None
    try:
        data.decode(enc)
    except UnicodeDecodeError:
        return None
    return enc


def is_text(data: bytes) -> bool:
    """Whether CSV bytes can be text: no zero byte in the first 64 KiB, or UTF-16
    (:func:`utf16_encoding`). The server's upload check and :func:`decode_bytes` agree."""
    return b"\x00" not in data[: 1 << 16] or utf16_encoding(data) is not None


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Decode CSV bytes: UTF-16 (with a byte-order mark, or recognised without one), UTF-8
    (with or without BOM), then GB18030 (⊃ GBK), then detection.

    Returns (text, encoding name). Raises :class:`InputError` when nothing fits or the bytes
    are not text (:data:`NOT_TEXT`).
    """
    enc16 = utf16_encoding(data)
    if enc16 is not None:
        try:
            return data.decode(enc16), enc16
        except UnicodeDecodeError as exc:
            raise InputError(f"无法按 UTF-16 解码文件：{exc}") from exc
    if not is_text(data):
        raise InputError(NOT_TEXT)
    for enc in _ENCODINGS:
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        if enc == "utf-8-sig":
            return text, "utf-8-sig" if data.startswith(b"\xef\xbb\xbf") else "utf-8"
        return text, enc
    best = from_bytes(data).best()
    if best is None or best.encoding is None:
        raise InputError("无法识别文件编码（encoding）：请另存为 UTF-8 或 GBK 编码的 CSV")
    return str(best), best.encoding


def _merged(record: list[str], delimiter: str) -> bool:
    """Whether a record read over several lines swallowed whole data lines: a cell holds a
    line break followed by text with the delimiter (a header cell broken over two lines, such
    as ``地区生产总值⏎(亿元)``, holds none)."""
    return any("\n" in c and delimiter in c.split("\n", 1)[1] for c in record)


def _records(
    text: str, dialect: type[csv.Dialect] | csv.Dialect
) -> tuple[list[list[str]], dict[int, str]]:
    """Records of a CSV text and the records that stand for physical lines of a merge.

    An unterminated quote makes the reader run on over the following lines until the next
    quote, merging them into one record. Such a record is split back into its physical lines
    (one grid row each, so rows read count the data lines) and each is marked for quarantine
    with a message naming the lines.
    """
    lines = list(io.StringIO(text))
    reader = csv.reader(io.StringIO(text), dialect)
    delimiter = str(dialect.delimiter)
    rows: list[list[str]] = []
    broken: dict[int, str] = {}
    last = 0
    try:
        for record in reader:
            first, last_line = last + 1, reader.line_num
            last = last_line
            if last_line > first and _merged(record, delimiter):
                note = (
                    f"第 {first}–{last_line} 行：引号未闭合（unterminated quote），"
                    f"这 {last_line - first + 1} 行被读成了一条记录"
                )
                for line in lines[first - 1 : last_line]:
                    broken[len(rows)] = note
                    rows.append(line.rstrip("\r\n").split(delimiter))
            else:
                rows.append(record)
    except csv.Error as exc:
        limit = csv.field_size_limit()
        if "field larger than field limit" in str(exc):
            raise InputError(
                f"第 {last + 1} 行起的单元格超过 {limit} 个字符，无法读取（单元格过长，或引号未"
                "闭合，把后面的行并进了一个单元格）"
            ) from exc
        raise InputError(f"第 {last + 1} 行起无法按 CSV 读取：{exc}") from exc
    return rows, broken


def _read_csv(path: Path, max_rows: int | None = None) -> Grid:
    data = path.read_bytes()
    text, enc = decode_bytes(data)
    del data
    if max_rows is not None:
        lines = text.count("\n") + (not text.endswith("\n"))
        if lines > max_rows:
            raise InputError(
                f"文件 {path.name} 有 {lines:,} 行，超过每个文件 {max_rows:,} 行的上限：请拆分文件"
                "后分批导入"
            )
    sample = text[:8192]
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(sample, delimiters=",\t;|")
    except csv.Error:
        dialect = csv.excel
    rows, broken = _records(text, dialect)
    width = max((len(r) for r in rows), default=0)
    cells = pd.DataFrame([r + [""] * (width - len(r)) for r in rows], dtype=object)
    return Grid(cells=cells, file_name=path.name, encoding=enc, broken=broken)


MAX_SHEET_CELLS = 2_000_000
"""Largest used range (rows × columns, from the first to the last cell) of a worksheet that is
read. A county table has ~3,000 rows and a few hundred columns (10⁶ cells); the reader holds the
whole rectangle in memory, so one cell far away (XFD1048576: 1.7 × 10¹⁰ cells, 512 GiB) must be
refused before reading, not discovered by running out of memory."""

_MAX_SHEET_XML = 512 * 1024 * 1024
"""Largest uncompressed worksheet XML scanned (a 20 MB upload of real data stays far below)."""

_CELL_REF = re.compile(r"([A-Za-z]{1,3})(\d{1,7})$")


def _column_number(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n


def _column_letters(n: int) -> str:
    out = ""
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(65 + r) + out
    return out


def _sheet_parts(zf: zipfile.ZipFile) -> dict[str, str]:
    """Worksheet name → part path inside an XLSX package (workbook.xml and its relations)."""
    names: dict[str, str] = {}
    rel_targets: dict[str, str] = {}

    def rel_start(tag: str, attrs: dict[str, str]) -> None:
        if tag.rsplit(":", 1)[-1] == "Relationship" and "Id" in attrs:
            target = attrs.get("Target", "")
            if target.startswith("/"):
                path = target.lstrip("/")
            else:
                path = posixpath.normpath(posixpath.join("xl", target))
            rel_targets[attrs["Id"]] = path

    def wb_start(tag: str, attrs: dict[str, str]) -> None:
        if tag.rsplit(":", 1)[-1] == "sheet":
            rid = next((v for k, v in attrs.items() if k.rsplit(":", 1)[-1] == "id"), None)
            if rid in rel_targets and "name" in attrs:
                names[attrs["name"]] = rel_targets[rid]

    for part, handler in (("xl/_rels/workbook.xml.rels", rel_start), ("xl/workbook.xml", wb_start)):
        parser = expat.ParserCreate()
        parser.StartElementHandler = handler
        with zf.open(part) as fh:
            parser.ParseFile(fh)
    return names


def check_sheet_extent(path: str | os.PathLike[str], sheet: str, limit: int | None = None) -> None:
    """Refuse an XLSX worksheet whose used range exceeds ``limit`` cells (default
    :data:`MAX_SHEET_CELLS`) before any reader allocates it.

    The worksheet XML is streamed (expat, constant memory) and the first / last row and column
    of the cells it holds are tracked; the scan stops as soon as the range is too large. The
    declared ``<dimension>`` is not trusted (it may be missing or wrong).

    Raises
    ------
    InputError
        The range is too large (message with the range and the limit), or the worksheet XML
        is unreadable or larger than 512 MB uncompressed.
    """
    cap = MAX_SHEET_CELLS if limit is None else limit
    p = Path(path)
    state = {"row": 0, "col": 0, "r0": 0, "r1": 0, "c0": 0, "c1": 0, "cells": 0}

    class _TooLarge(Exception):
        pass

    def start(tag: str, attrs: dict[str, str]) -> None:
        local = tag.rsplit(":", 1)[-1]
        if local == "row":
            r = attrs.get("r")
            state["row"] = int(r) if r and r.isdigit() else state["row"] + 1
            state["col"] = 0
        elif local == "c":
            ref = _CELL_REF.match(attrs.get("r", ""))
            if ref:
                state["col"] = _column_number(ref.group(1))
                state["row"] = int(ref.group(2))
            else:
                state["col"] += 1
            row, col = state["row"], state["col"]
            if state["cells"] == 0:
                state.update(r0=row, r1=row, c0=col, c1=col)
            else:
                state["r0"] = min(state["r0"], row)
                state["r1"] = max(state["r1"], row)
                state["c0"] = min(state["c0"], col)
                state["c1"] = max(state["c1"], col)
            state["cells"] += 1
            area = (state["r1"] - state["r0"] + 1) * (state["c1"] - state["c0"] + 1)
            if area > cap or state["cells"] > cap:
                raise _TooLarge

    try:
        with zipfile.ZipFile(p) as zf:
            part = _sheet_parts(zf).get(sheet)
            if part is None:
                return  # not found by name: the reader reports it (or reads another format)
            info = zf.getinfo(part)
            if info.file_size > _MAX_SHEET_XML:
                raise InputError(
                    f"工作表 {sheet} 过大（解压后 {info.file_size / 2**20:.0f} MB，上限 "
                    f"{_MAX_SHEET_XML // 2**20} MB），无法读取"
                )
            parser = expat.ParserCreate()
            parser.StartElementHandler = start
            with zf.open(info) as fh:
                parser.ParseFile(fh)
    except _TooLarge:
        first = f"{_column_letters(state['c0'])}{state['r0']}"
        last = f"{_column_letters(state['c1'])}{state['r1']}"
        raise InputError(
            f"工作表 {sheet} 的使用范围过大（至少 {first}:{last}，超过 {cap:,} 个单元格的上限），"
            "无法读取：可能有远处的单元格（如 XFD1048576）含有内容或格式；请删除多余的行和列，"
            "或只复制数据区域到新工作簿后再导入"
        ) from None
    except (zipfile.BadZipFile, KeyError, expat.ExpatError, ValueError) as exc:
        raise InputError(f"无法读取 Excel 文件 {p.name}：{exc}") from exc


def _numeric_cells(rows: list[list[object]]) -> int:
    """Number of numeric cells of a sheet (how much of it is a data table)."""
    return sum(isinstance(v, int | float) and not isinstance(v, bool) for row in rows for v in row)


def _sheet_rows(wb: CalamineWorkbook, path: Path, name: str) -> list[list[object]]:
    if path.suffix.lower() in {".xlsx", ".xlsm"}:
        check_sheet_extent(path, name)
    return [list(r) for r in wb.get_sheet_by_name(name).to_python(skip_empty_area=False)]


def _read_excel(path: Path, sheet: str | int | None) -> Grid:
    """Read one worksheet; without ``sheet``, the worksheet holding the most numbers.

    A yearbook workbook often opens with a 说明 (notes) sheet and keeps the table on the second
    (数据); a person sees the table at once, so the reader picks the sheet with the most numeric
    cells (the first one on a tie) and the import report names it.
    """
    try:
        wb = CalamineWorkbook.from_path(str(path))
    except Exception as exc:
        raise InputError(f"无法读取 Excel 文件 {path.name}：{exc}") from exc
    names = list(wb.sheet_names)
    if sheet is None:
        candidates = {n: _sheet_rows(wb, path, n) for n in names}
        name = max(names, key=lambda n: (_numeric_cells(candidates[n]), -names.index(n)))
        rows = candidates[name]
    else:
        if isinstance(sheet, int) or (
            isinstance(sheet, str) and sheet.isdigit() and sheet not in names
        ):
            idx = int(sheet)
            if not 0 <= idx < len(names):
                raise InputError(f"工作表序号 {sheet} 超出范围（共 {len(names)} 个工作表）")
            name = names[idx]
        elif sheet in names:
            name = sheet
        else:
            raise InputError(f"找不到工作表 {sheet!r}；可用：{'、'.join(names)}")
        rows = _sheet_rows(wb, path, name)
    ws = wb.get_sheet_by_name(name)
    width = max((len(r) for r in rows), default=0)
    cells = pd.DataFrame([list(r) + [""] * (width - len(r)) for r in rows], dtype=object)
    merged: list[tuple[int, int, int, int]] = []
    for rng in ws.merged_cell_ranges or []:
        (r0, c0), (r1, c1) = rng
        merged.append((int(r0), int(c0), int(r1), int(c1)))
    return Grid(cells=cells, file_name=path.name, sheet=name, merged=merged)


def read_grid(
    path: str | os.PathLike[str], sheet: str | int | None = None, max_rows: int | None = None
) -> Grid:
    """Read a CSV/TXT or Excel file into a :class:`Grid`.

    ``max_rows``: refuse a CSV with more lines before parsing it (a worksheet is bounded by
    :func:`check_sheet_extent` whatever this is).

    Raises
    ------
    InputError
        Missing or unreadable file, unknown extension, empty table.
    """
    p = Path(path)
    if not p.is_file():
        raise InputError(f"文件不存在或不可读：{p}")
    suffix = p.suffix.lower()
    if suffix in _EXCEL:
        grid = _read_excel(p, sheet)
    elif suffix in {".csv", ".txt", ".tsv"}:
        grid = _read_csv(p, max_rows)
    else:
        raise InputError(f"不支持的文件类型 {suffix or '（无扩展名）'}：请使用 .csv 或 .xlsx")
    if grid.cells.empty:
        raise InputError(f"文件 {p.name} 中没有数据")
    return grid
