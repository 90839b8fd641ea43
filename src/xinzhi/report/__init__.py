"""Reports: the Chinese county report and the provincial summary as PDF (Typst) or HTML (Jinja2).

Rendering only: a renderer takes the data model (:mod:`xinzhi.report.model`) and returns bytes
or text (PDF, HTML, XLSX); the numbers come from :mod:`xinzhi.pipelines.report`, which also writes the files.
PDF: the ``typst`` package (a self-contained binary wheel, offline) with the Noto Sans CJK fonts
of Debian's ``fonts-noto-cjk`` passed by path and embedded; charts: SVG written by
:mod:`.charts`; display strings: :mod:`.view`; method appendix: :mod:`.methods`.

Quick use::

    from xinzhi.pipelines.report import county_report_data
    from xinzhi.report import pdf_bytes, render_html
    data = county_report_data("湘潭县", 2020)
    pdf = pdf_bytes(data); html = render_html(data)
"""

from __future__ import annotations

import json
import os
import threading
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from xinzhi.errors import ComputationError, InputError
from xinzhi.report.fonts import font_dirs
from xinzhi.report.model import CountyReportData, ProvinceReportData
from xinzhi.report.view import county_view, province_view
from xinzhi.report.workbook import workbook_bytes

__all__ = [
    "REPORT_FORMATS",
    "county_bytes",
    "pdf_bytes",
    "province_bytes",
    "province_pdf_bytes",
    "render_html",
    "render_province_html",
    "xlsx_bytes",
]

REPORT_FORMATS = ("pdf", "html")
"""Formats a report renders to."""


def _templates() -> Path:
    return Path(str(resources.files("xinzhi.report").joinpath("templates")))


@cache
def _jinja(name: str) -> Any:
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(_templates())),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return env.get_template(name)


@cache
def _compiler(name: str, pid: int) -> Any:
    """One Typst compiler per template and process (fonts are loaded once)."""
    import typst

    return typst.Compiler(
        str(_templates() / name),
        root=str(_templates()),
        font_paths=[str(d) for d in font_dirs()],
        ignore_system_fonts=True,
    )


_COMPILE_LOCK = threading.Lock()
"""One Typst compilation at a time per process (the compiler object is shared; the server
renders reports from several request threads)."""


def _strip_xml(svg: str) -> str:
    i = svg.find("<svg")
    return svg[i:] if i >= 0 else svg


def _compile(template: str, view: dict[str, Any]) -> bytes:
    data = json.dumps(view, ensure_ascii=False, allow_nan=False)
    try:
        with _COMPILE_LOCK:
            pdf = _compiler(template, os.getpid()).compile(sys_inputs={"data": data})
    except Exception as exc:  # typst.TypstError carries the template diagnostics
        raise ComputationError(f"PDF 排版失败（Typst）：{exc}") from exc
    return bytes(pdf)


def _html(template: str, view: dict[str, Any]) -> str:
    v = dict(view)
    v["charts"] = {k: _strip_xml(s) for k, s in view.get("charts", {}).items()}
    return str(_jinja(template).render(v=v))


def render_html(data: CountyReportData) -> str:
    """The county report as one self-contained HTML page (charts inline as SVG)."""
    return _html("county.html.j2", county_view(data))


def pdf_bytes(data: CountyReportData) -> bytes:
    """The county report as PDF (A4, Noto Sans CJK SC embedded)."""
    return _compile("county.typ", county_view(data))


def render_province_html(data: ProvinceReportData) -> str:
    """The provincial summary as HTML."""
    return _html("province.html.j2", province_view(data))


def province_pdf_bytes(data: ProvinceReportData) -> bytes:
    """The provincial summary as PDF."""
    return _compile("province.typ", province_view(data))


def _format(fmt: str) -> str:
    f = fmt.lower().lstrip(".")
    f = "html" if f == "htm" else f
    if f not in REPORT_FORMATS:
        raise InputError(f"报告格式须为 pdf 或 html，收到 {fmt}")
    return f


def county_bytes(data: CountyReportData, fmt: str) -> bytes:
    """The county report as ``fmt`` (``pdf`` or ``html``; HTML as UTF-8)."""
    if _format(fmt) == "pdf":
        return pdf_bytes(data)
    return render_html(data).encode("utf-8")


def province_bytes(data: ProvinceReportData, fmt: str) -> bytes:
    """The provincial summary as ``fmt`` (``pdf`` or ``html``; HTML as UTF-8)."""
    if _format(fmt) == "pdf":
        return province_pdf_bytes(data)
    return render_province_html(data).encode("utf-8")


def xlsx_bytes(data: CountyReportData | ProvinceReportData) -> bytes:
    """The report's tables as an Excel workbook (the sheets of ``data.sheets()``)."""
    return workbook_bytes(data.sheets())
