"""Excel workbooks of the reports: named sheets in, ``.xlsx`` bytes out.

:meth:`xinzhi.report.model.CountyReportData.sheets` and :meth:`~xinzhi.report.model.
ProvinceReportData.sheets` name the tables; :func:`workbook_bytes` renders them (xlsxwriter),
:func:`write_workbook` writes them for ``.to_excel(path)``.
"""

from __future__ import annotations

import io
import os
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from xinzhi.errors import InputError

__all__ = ["workbook_bytes", "write_workbook"]


def workbook_bytes(sheets: Mapping[str, pd.DataFrame]) -> bytes:
    """An ``.xlsx`` workbook with one sheet per entry of ``sheets``, in order (no index)."""
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="xlsxwriter") as xw:
        for sheet, df in sheets.items():
            df.to_excel(xw, sheet_name=sheet, index=False)
    return buf.getvalue()


def write_workbook(sheets: Mapping[str, pd.DataFrame], path: str | os.PathLike[str]) -> Path:
    """Write :func:`workbook_bytes` of ``sheets`` to ``path`` (its directory must exist)."""
    p = Path(path)
    if not p.parent.is_dir():
        raise InputError(f"工作簿 {p} 所在的目录不存在：{p.parent}（请先创建该目录）")
    try:
        p.write_bytes(workbook_bytes(sheets))
    except OSError as exc:
        raise InputError(f"无法写入工作簿 {p}：{exc.strerror or exc}") from exc
    return p
