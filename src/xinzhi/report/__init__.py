"""Reports: the Chinese county report and the provincial summary as PDF (Typst) or HTML (Jinja2).

Rendering only — the numbers come from :mod:`xinzhi.pipelines.report`
(:class:`~xinzhi.pipelines.report.CountyReportData`). PDF: the ``typst`` package (a
self-contained binary wheel, offline) with the Noto Sans CJK fonts of Debian's
``fonts-noto-cjk`` passed by path and embedded; charts: SVG written by :mod:`.charts`.

Quick use::

    from xinzhi.pipelines.report import county_report_data
    from xinzhi.report import render_html, render_pdf
    data = county_report_data("湘潭县", 2020)
    render_pdf(data, "湘潭县.pdf"); html = render_html(data)
"""

from __future__ import annotations

import json
import os
import threading
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from xinzhi.errors import ComputationError, InputError
from xinzhi.report.fonts import font_dirs
from xinzhi.report.view import county_view, province_view

if TYPE_CHECKING:
    from xinzhi.pipelines.report import CountyReportData, ProvinceReportData

__all__ = [
    "county_view",
    "pdf_bytes",
    "province_view",
    "render_html",
    "render_pdf",
    "render_province_html",
    "render_province_pdf",
    "write_province_summary",
    "write_report",
]


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


def _write_bytes(out: Path, content: bytes) -> None:
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(content)
    except OSError as exc:
        raise InputError(f"无法写入报告文件 {out}：{exc.strerror or exc}") from exc


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


def render_pdf(data: CountyReportData, path: str | os.PathLike[str]) -> Path:
    """Write the county report as PDF (:func:`pdf_bytes`) and return the path."""
    out = Path(path)
    _write_bytes(out, pdf_bytes(data))
    return out


def render_province_html(data: ProvinceReportData) -> str:
    """The provincial summary as HTML."""
    return _html("province.html.j2", province_view(data))


def render_province_pdf(data: ProvinceReportData, path: str | os.PathLike[str]) -> Path:
    """Write the provincial summary as PDF."""
    out = Path(path)
    _write_bytes(out, _compile("province.typ", province_view(data)))
    return out


def _write(kind: str, data: Any, path: str | os.PathLike[str]) -> Path:
    out = Path(path)
    suffix = out.suffix.lower()
    if suffix == ".pdf":
        return (render_pdf if kind == "county" else render_province_pdf)(data, out)
    if suffix in (".html", ".htm"):
        text = render_html(data) if kind == "county" else render_province_html(data)
        _write_bytes(out, text.encode("utf-8"))
        return out
    raise InputError(f"报告文件须以 .pdf 或 .html 结尾，收到 {out.name}")


def write_report(data: CountyReportData, path: str | os.PathLike[str]) -> Path:
    """Write the county report as PDF or HTML, chosen by the file suffix."""
    return _write("county", data, path)


def write_province_summary(data: ProvinceReportData, path: str | os.PathLike[str]) -> Path:
    """Write the provincial summary as PDF or HTML, chosen by the file suffix."""
    return _write("province", data, path)
