"""One number format for every table of the web pages, the same as the PDF report's
(:mod:`xinzhi.report.view`): composite and dimension scores with 4 decimals; shares, obstacle
degrees (障碍度) and percentiles in % with 1 decimal; indicator values of unit 比例 in % with 2
decimals; money with 2 decimals and thousands separators in the unit the data carry (万元 or
亿元, never converted silently); other values with 2 decimals; a missing value is 缺失.

A table column is given a *kind* (:data:`KINDS`); :func:`format_value` formats one value in
Python (workbook notes, labels, tests) and :func:`format_js` gives the same rule as a JavaScript
function for the table's column (``:format``), so the browser sorts the numbers while showing
the formatted text.

>>> format_value(0.1376, "share"), format_value(0.4696, "percentile")
('13.8%', '47.0%')
>>> format_value(0.394319, "score"), format_value(12345.678, "money"), format_value(None, "score")
('0.3943', '12,345.68', '缺失')
"""

from __future__ import annotations

import math
from typing import Any

__all__ = [
    "KINDS",
    "MISSING",
    "column_kind",
    "excel_format",
    "format_js",
    "format_value",
    "kind_of_unit",
]

MISSING = "缺失"

#: kind → (multiplier, decimals, suffix, thousands separator)
KINDS: dict[str, tuple[float, int, str, bool]] = {
    "score": (1.0, 4, "", False),
    "share": (100.0, 1, "%", False),
    "percentile": (100.0, 1, "%", False),
    "ratio": (100.0, 2, "%", False),
    "money": (1.0, 2, "", True),
    "number": (1.0, 2, "", True),
    "int": (1.0, 0, "", False),
}

#: column names whose kind is known wherever they appear
_NAMED: dict[str, str] = {
    "score": "score",
    "percentile": "percentile",
    "share": "share",
    "obstacle": "share",
    "gap_share": "share",
    "province_mean": "score",
    "benchmark_mean": "score",
    "median": "score",
}


def kind_of_unit(unit: str | None) -> str:
    """Kind of an indicator value from its unit: 比例 / % → ``ratio``; 万元 / 亿元 / 元 →
    ``money``; else ``number``.

    >>> kind_of_unit("比例"), kind_of_unit("亿元"), kind_of_unit("人")
    ('ratio', 'money', 'number')
    """
    u = (unit or "").strip()
    if u in ("比例", "%", "％", "百分比"):
        return "ratio"
    if u.endswith("元"):
        return "money"
    return "number"


def column_kind(column: str) -> str | None:
    """Kind of a result column by its name: ``score``, ``dim:…`` (dimension scores) → score;
    ``percentile`` → percentile; ``share``, ``…_share`` (e.g. the Dagum contributions
    ``Gw_share``), ``obstacle``, ``short:…`` (障碍度) → share; None when the name says nothing (the value is shown as it is).

    >>> column_kind("dim:劳动者"), column_kind("short:产业链条短"), column_kind("name")
    ('score', 'share', None)
    """
    if column.startswith("dim:"):
        return "score"
    if column.startswith("short:") or column.endswith("_share"):
        return "share"
    return _NAMED.get(column)


def format_value(x: Any, kind: str) -> str:
    """``x`` as text in ``kind`` (:data:`KINDS`); None / NaN → 缺失."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return MISSING
    try:
        v = float(x)
    except (TypeError, ValueError):
        return str(x)
    if math.isnan(v):
        return MISSING
    mult, nd, suffix, sep = KINDS[kind]
    v *= mult
    return (f"{v:,.{nd}f}" if sep else f"{v:.{nd}f}") + suffix


def format_js(kind: str) -> str:
    """The rule of :func:`format_value` as a JavaScript function ``(v) => text`` (for a
    Quasar table column's ``:format``; same rounding as Python's for values not on a tie)."""
    mult, nd, suffix, sep = KINDS[kind]
    body = f"(Number(v) * {mult})"
    if sep:
        text = (
            f"{body}.toLocaleString('en-US', "
            f"{{minimumFractionDigits: {nd}, maximumFractionDigits: {nd}}})"
        )
    else:
        text = f"{body}.toFixed({nd})"
    return (
        f"(v) => (v === null || v === undefined || v === '' || Number.isNaN(Number(v))) "
        f"? '{MISSING}' : {text} + '{suffix}'"
    )


def excel_format(kind: str) -> str:
    """Excel number format of ``kind`` (``0.0%`` for shares and percentiles, ``0.0000`` for
    scores, ``#,##0.00`` for money …); the cell keeps the number."""
    return {
        "score": "0.0000",
        "share": "0.0%",
        "percentile": "0.0%",
        "ratio": "0.00%",
        "money": "#,##0.00",
        "number": "#,##0.00",
        "int": "0",
    }[kind]
