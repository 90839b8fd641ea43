"""Units in headers (``地区生产总值(亿元)``) or unit rows, and conversion to catalogue units.

Money is stored in 万元 (per-capita amounts in 元, as the catalogue says), shares as fractions
0–1, people in 人. Conversion factor = size of the source unit / size of the catalogue unit,
e.g. 亿元 → 万元: 1e8 / 1e4 = 1e4; % → 比例: 0.01; ‰ → 比例: 0.001.
"""

from __future__ import annotations

import re
import unicodedata

from xinzhi.indicators.catalogue import GROWTH_UNIT, SHARE_UNIT

__all__ = [
    "UNIT_SIZES",
    "conversion_factor",
    "foreign_money_unit",
    "header_unit",
    "is_unit_text",
]

UNIT_SIZES: dict[str, tuple[str, float]] = {
    "元": ("money", 1.0),
    "千元": ("money", 1e3),
    "万元": ("money", 1e4),
    "百万元": ("money", 1e6),
    "亿元": ("money", 1e8),
    "%": ("share", 0.01),
    "‰": ("share", 0.001),
    SHARE_UNIT: ("share", 1.0),
    GROWTH_UNIT: ("share", 1.0),
    "人": ("people", 1.0),
    "万人": ("people", 1e4),
    "元/人": ("money", 1.0),
    "万元/人": ("money", 1e4),
}
"""Known units: kind and size in the base unit of the kind (元, 1, 人)."""

_BRACKET = re.compile(r"[(\[]([^()\[\]]+)[)\]]")
_MONEY_WORDS = re.compile(
    r"元|美金|港币|英镑|卢布|比索|法郎|马克|USD|EUR|HKD|JPY|GBP|RMB|CNY|\$|€|£|¥",
    re.IGNORECASE,
)


def _norm(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def _key(unit: str) -> str:
    """A unit as written (``单位:万元``, ``人民币亿元``) → its key in :data:`UNIT_SIZES`."""
    return unit.strip("()[]").removeprefix("单位:").removeprefix("人民币")


def header_unit(header: object) -> str | None:
    """Unit written in brackets in a header (the last bracket that holds a known unit)."""
    if header is None:
        return None
    found = [_key(u) for u in _BRACKET.findall(_norm(str(header))) if _key(u) in UNIT_SIZES]
    return found[-1] if found else None


def is_unit_text(text: object) -> bool:
    """Whether a cell of a unit row names a unit (``万元``, ``%``, ``(亿元)``, ``单位:人``)."""
    return _key(_norm(str(text))) in UNIT_SIZES


def conversion_factor(source_unit: str | None, catalogue_unit: str) -> float | None:
    """Factor turning values in ``source_unit`` into ``catalogue_unit``.

    Returns 1.0 when no source unit is given or both are equal, ``None`` when the units are of
    different kinds (e.g. % for an indicator in 万元) — the caller then refuses the column.
    """
    if source_unit is None:
        return 1.0
    src = _key(_norm(source_unit))
    if src == catalogue_unit:
        return 1.0
    if src not in UNIT_SIZES or catalogue_unit not in UNIT_SIZES:
        return None
    kind_s, size_s = UNIT_SIZES[src]
    kind_c, size_c = UNIT_SIZES[catalogue_unit]
    if kind_s != kind_c:
        return None
    return size_s / size_c


def foreign_money_unit(text: object) -> str | None:
    """A money unit xinzhi cannot convert, written in brackets (``地区生产总值(美元)``,
    ``(万美元)``, ``(港元)``, ``(USD)``) or alone (a unit column's ``美元``), else None.

    Money is stored in 万元 of 人民币 and xinzhi converts no exchange rates: such a column is
    refused rather than assumed to be in the catalogue unit.

    >>> foreign_money_unit("地区生产总值(美元)"), foreign_money_unit("地区生产总值(亿元)")
    ('美元', None)
    >>> foreign_money_unit("万美元"), foreign_money_unit("人")
    ('万美元', None)
    """
    if text is None:
        return None
    t = _norm(str(text))
    found = _BRACKET.findall(t) or [t]
    for part in reversed(found):
        u = _key(part)
        if u and u not in UNIT_SIZES and _MONEY_WORDS.search(u) and len(u) <= 8:
            return u
    return None
