"""User indicators: a column of a user's table that matches no catalogue indicator is kept as an
indicator of its own instead of being dropped.

Its name is the column header with the parents of a merged header kept (``地区生产总值·增速``)
and the unit brackets removed; its unit is the written unit normalised the way the catalogue
stores quantities (money in 万元, per-capita money in 元/人, shares and growth rates as
fractions, people in 人; any other unit — 吨, 公顷 — as written, values unchanged). Its code is
``u_`` + the first ten hex digits of sha1(name | unit), so the same header in a later file (or a
later year) lands on the same indicator, with no warehouse look-up while the file is read.

>>> e, factor = user_entry(["地区生产总值", "增速(%)"], None)
>>> e.name_zh, e.unit, factor
('地区生产总值·增速', '增长率', 0.01)
>>> e, factor = user_entry(["粮食产量(万吨)"], None)
>>> e.name_zh, e.unit, factor
('粮食产量', '万吨', 1.0)
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

from xinzhi.indicators.catalogue import GROWTH_UNIT, SHARE_UNIT, CatalogueEntry
from xinzhi.ingest.units import UNIT_SIZES, header_unit

__all__ = ["USER_DIMENSION", "USER_SOURCE", "user_entry"]

USER_DIMENSION = "用户指标"
USER_SOURCE = "用户导入"

_BRACKETS = re.compile(r"[(\[]([^()\[\]]*)[)\]]")
_GROWTH_WORDS = ("增速", "增长", "同比", "比上年", "环比")
_CANONICAL = {"money": "万元", "people": "人"}


def _strip_units(part: str) -> tuple[str, str | None]:
    """A header part without its bracketed unit, and that unit (any text in the brackets)."""
    text = unicodedata.normalize("NFKC", part).strip()
    found = _BRACKETS.findall(text)
    return _BRACKETS.sub("", text).strip(), (found[-1].strip() if found else None)


def user_entry(parts: list[str], unit_row: str | None) -> tuple[CatalogueEntry, float]:
    """The user indicator of a column (header parts top to bottom; ``unit_row``: the unit
    written in a unit row under the header) and the factor from the written unit to the
    stored one."""
    names: list[str] = []
    written: str | None = None
    for p in parts:
        name, u = _strip_units(p)
        if name and (not names or names[-1] != name):
            names.append(name)
        written = header_unit(p) or u or written
    written = written or (unit_row or "").strip("()[] ").removeprefix("单位:") or None
    name = "·".join(names)
    stored, factor = _stored_unit(name, written)
    code = "u_" + hashlib.sha1(f"{name}|{stored}".encode()).hexdigest()[:10]
    entry = CatalogueEntry(
        code=code,
        name_zh=name,
        unit=stored,
        direction="+",
        dimension=USER_DIMENSION,
        source=USER_SOURCE,
        definition=f"导入时由表头“{'/'.join(parts)}”建立（写明的单位：{written or '未注明'}）",
    )
    return entry, factor


def _stored_unit(name: str, written: str | None) -> tuple[str, float]:
    if not written:
        return "", 1.0
    key = written.removeprefix("人民币")
    if key not in UNIT_SIZES:
        return written, 1.0
    kind, size = UNIT_SIZES[key]
    if kind == "share":
        return (GROWTH_UNIT if any(w in name for w in _GROWTH_WORDS) else SHARE_UNIT), size
    if kind == "money" and "/" in key:
        return "元/人", size
    target = _CANONICAL[kind]
    return target, size / UNIT_SIZES[target][1]
