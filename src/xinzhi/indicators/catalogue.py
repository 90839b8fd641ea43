"""Indicator catalogue (指标目录): every measured quantity the warehouse can hold.

The built-in catalogue is the union of ``census.yaml`` (census indicators, stable code scheme
shared by the 2010 and 2020 censuses) and ``yearbook.yaml`` (common 统计年鉴 indicators), plus
the alias table ``aliases.yaml``. Users extend the aliases with their own YAML of the same form
(``aliases: {别名: 指标编码}``); later files win.

Header matching (:meth:`Catalogue.match`) compares *normalised* names: Unicode NFKC (full-width
→ half-width), all whitespace removed, a trailing unit in brackets removed (``地区生产总值(亿元)``
→ ``地区生产总值``), case folded.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import pandas as pd
import yaml

from xinzhi import yamlfile
from xinzhi.errors import ConfigError

__all__ = [
    "FLAG_UNIT",
    "GROWTH_UNIT",
    "SHARE_UNIT",
    "Catalogue",
    "CatalogueEntry",
    "load_catalogue",
    "normalise_name",
]

SHARE_UNIT = "比例"
"""Unit string of shares stored as fractions 0–1."""

FLAG_UNIT = "是否"
"""Unit of yes/no indicators, stored as 1 (是) or 0 (否)."""

GROWTH_UNIT = "增长率"
"""Unit of growth rates (增速, 比上年增长) stored as fractions: 4.5 % → 0.045; may be negative."""
_NONNEGATIVE_UNITS = {"人", "户", "个", "件", "年", "平方米/人", "间/户", "元", "万元"}
_BUILTIN_FILES = ("census.yaml", "yearbook.yaml")
_UNIT_TAIL = re.compile(r"[(\[][^()\[\]]*[)\]]$")
_WS = re.compile(r"\s+")


def normalise_name(text: object) -> str:
    """Normalise a header or indicator name for matching.

    NFKC (full-width → half-width, ``（`` → ``(``), whitespace removed, trailing bracketed unit
    removed, case folded.
    """
    s = _WS.sub("", unicodedata.normalize("NFKC", str(text)))
    prev = None
    while prev != s:
        prev = s
        s = _UNIT_TAIL.sub("", s)
    return s.casefold()


@dataclass(frozen=True)
class CatalogueEntry:
    """One catalogue indicator.

    ``lower``/``upper`` are the bounds of what is *possible* in the catalogue unit: shares are
    within [0, 1], counts, money stocks and per-capita quantities are ≥ 0 (a value outside is
    quarantined as ``impossible_value``). ``plausible_min``/``plausible_max`` bound what a
    county-level unit can report (from the ``plausible`` block of the catalogue YAML, whose
    ``note`` gives the reasoning; shares and yes/no flags: [0, 1]); ``integer`` marks counts
    (people, firms, patents); ``at_most`` names indicators of the same region and year this one
    cannot exceed (a part is not larger than its whole: 一般公共预算收入 ≤ 地区生产总值).
    ``sources`` holds the per-dataset recipes of ``census.yaml``.
    """

    code: str
    name_zh: str
    unit: str
    direction: str
    dimension: str
    source: str
    definition: str
    aliases: tuple[str, ...] = ()
    sources: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)
    plausible_min: float | None = None
    plausible_max: float | None = None
    integer: bool = False
    at_most: tuple[str, ...] = ()
    plausible_note: str = ""

    @property
    def lower(self) -> float | None:
        if self.unit in (SHARE_UNIT, FLAG_UNIT) or self.unit in _NONNEGATIVE_UNITS:
            return 0.0
        return None

    @property
    def upper(self) -> float | None:
        return 1.0 if self.unit in (SHARE_UNIT, FLAG_UNIT) else None


@dataclass(frozen=True)
class Catalogue:
    """The indicator catalogue: entries by code and a normalised-name → code index."""

    entries: dict[str, CatalogueEntry]
    index: dict[str, str]

    def __contains__(self, code: object) -> bool:
        return code in self.entries

    def __getitem__(self, code: str) -> CatalogueEntry:
        try:
            return self.entries[code]
        except KeyError:
            raise ConfigError(f"指标目录中没有指标编码 {code}（unknown indicator code）") from None

    def match(self, header: object) -> str | None:
        """Code for a column header / indicator name (code, Chinese name or alias), else None."""
        if header is None:
            return None
        raw = _WS.sub("", unicodedata.normalize("NFKC", str(header)))
        if raw in self.entries:
            return raw
        return self.index.get(normalise_name(header))

    def extended(self, entries: Iterable[CatalogueEntry]) -> Catalogue:
        """This catalogue with more entries (a user's own indicators, found by their names);
        an entry whose code exists already is left out."""
        new = [e for e in entries if e.code not in self.entries]
        if not new:
            return self
        index = dict(self.index)
        for e in new:
            index.setdefault(normalise_name(e.name_zh), e.code)
            index[normalise_name(e.code)] = e.code
        return Catalogue(entries={**self.entries, **{e.code: e for e in new}}, index=index)

    @property
    def table(self) -> pd.DataFrame:
        """Catalogue as a DataFrame (columns of the warehouse ``indicators`` table)."""
        rows = [
            {
                "code": e.code,
                "name_zh": e.name_zh,
                "unit": e.unit,
                "direction": e.direction,
                "dimension": e.dimension,
                "source": e.source,
                "definition": e.definition,
                "aliases": list(e.aliases),
            }
            for e in self.entries.values()
        ]
        return pd.DataFrame(rows, columns=list(_TABLE_COLUMNS))


_TABLE_COLUMNS = (
    "code",
    "name_zh",
    "unit",
    "direction",
    "dimension",
    "source",
    "definition",
    "aliases",
)


def _read_yaml_text(text: str, where: str) -> dict[str, Any]:
    try:
        data = yamlfile.safe_load(text)
    except yaml.YAMLError as exc:
        raise ConfigError(f"无法解析 YAML 文件 {where}：{exc}") from exc
    if not isinstance(data, dict):
        raise ConfigError(f"YAML 文件 {where} 的顶层必须是映射（mapping）")
    return data


def _builtin(name: str) -> dict[str, Any]:
    text = resources.files("xinzhi.indicators").joinpath(name).read_text(encoding="utf-8")
    return _read_yaml_text(text, name)


def _plausible(item: dict[str, Any], where: str) -> dict[str, Any]:
    """The ``plausible`` block of an indicator (min, max, integer, at_most, note) as entry
    fields; shares and yes/no flags default to [0, 1] (flags are integers)."""
    block = item.get("plausible") or {}
    if not isinstance(block, dict):
        raise ConfigError(f"{where}.plausible 必须是映射（min、max、integer、at_most、note）")
    unknown = set(block) - {"min", "max", "integer", "at_most", "note"}
    if unknown:
        raise ConfigError(f"{where}.plausible 有未知字段：{'、'.join(sorted(unknown))}")
    unit = str(item["unit"])
    bounded = unit in (SHARE_UNIT, FLAG_UNIT)
    lo = block.get("min", 0.0 if bounded else None)
    hi = block.get("max", 1.0 if bounded else None)
    try:
        lo_f = None if lo is None else float(lo)
        hi_f = None if hi is None else float(hi)
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"{where}.plausible 的 min/max 必须是数值") from exc
    if lo_f is not None and hi_f is not None and lo_f > hi_f:
        raise ConfigError(f"{where}.plausible 的 min {lo_f:g} 大于 max {hi_f:g}")
    at_most = block.get("at_most") or []
    if isinstance(at_most, str):
        at_most = [at_most]
    return {
        "plausible_min": lo_f,
        "plausible_max": hi_f,
        "integer": bool(block.get("integer", unit == FLAG_UNIT)),
        "at_most": tuple(str(c) for c in at_most),
        "plausible_note": " ".join(str(block.get("note", "")).split()),
    }


def _entries_from(data: dict[str, Any], source_name: str) -> list[CatalogueEntry]:
    out = []
    for i, item in enumerate(data.get("indicators") or []):
        missing = {"code", "name_zh", "unit", "direction"} - set(item)
        if missing:
            raise ConfigError(
                f"{source_name} indicators[{i}] 缺少字段：{'、'.join(sorted(missing))}"
            )
        if item["direction"] not in {"+", "-"}:
            raise ConfigError(f"{source_name} indicators[{i}].direction 必须是 '+' 或 '-'")
        sources = dict(item.get("sources") or {})
        out.append(
            CatalogueEntry(
                code=str(item["code"]),
                name_zh=str(item["name_zh"]),
                unit=str(item["unit"]),
                direction=str(item["direction"]),
                dimension=str(item.get("dimension", "")),
                source=",".join(sources) if sources else source_name.removesuffix(".yaml"),
                definition=" ".join(str(item.get("definition", "")).split()),
                sources=sources,
                **_plausible(item, f"{source_name} indicators[{i}]"),
            )
        )
    return out


def _alias_map(data: dict[str, Any], where: str) -> dict[str, str]:
    aliases = data.get("aliases") or {}
    if not isinstance(aliases, dict):
        raise ConfigError(f"{where} 中 aliases 必须是“别名: 指标编码”的映射")
    return {str(k): str(v) for k, v in aliases.items() if v is not None}


@cache
def _builtin_catalogue() -> Catalogue:
    entries: list[CatalogueEntry] = []
    for name in _BUILTIN_FILES:
        entries += _entries_from(_builtin(name), name)
    return _assemble(entries, _alias_map(_builtin("aliases.yaml"), "aliases.yaml"))


def _assemble(entries: Iterable[CatalogueEntry], aliases: dict[str, str]) -> Catalogue:
    by_code: dict[str, CatalogueEntry] = {}
    for e in entries:
        if e.code in by_code:
            raise ConfigError(f"指标编码重复：{e.code}")
        by_code[e.code] = e
    for alias, code in aliases.items():
        if code not in by_code:
            raise ConfigError(f"别名“{alias}”指向不存在的指标编码 {code}")
    for e in by_code.values():
        for other in e.at_most:
            if other not in by_code:
                raise ConfigError(
                    f"指标 {e.code} 的 plausible.at_most 指向不存在的指标编码 {other}"
                )
    grouped: dict[str, list[str]] = {}
    for alias, code in aliases.items():
        grouped.setdefault(code, []).append(alias)
    final = {
        code: CatalogueEntry(
            code=e.code,
            name_zh=e.name_zh,
            unit=e.unit,
            direction=e.direction,
            dimension=e.dimension,
            source=e.source,
            definition=e.definition,
            aliases=tuple(grouped.get(code, ())),
            sources=e.sources,
            plausible_min=e.plausible_min,
            plausible_max=e.plausible_max,
            integer=e.integer,
            at_most=e.at_most,
            plausible_note=e.plausible_note,
        )
        for code, e in by_code.items()
    }
    index: dict[str, str] = {}
    for e in final.values():
        index[normalise_name(e.code)] = e.code
        index[normalise_name(e.name_zh)] = e.code
    for alias, code in aliases.items():  # aliases last: user aliases override names
        index[normalise_name(alias)] = code
    return Catalogue(entries=final, index=index)


def load_catalogue(aliases: str | os.PathLike[str] | None = None) -> Catalogue:
    """Built-in catalogue, optionally extended by a user alias YAML file.

    Parameters
    ----------
    aliases : path, optional
        YAML file ``aliases: {别名: 指标编码}``; its entries take precedence over built-ins.

    Raises
    ------
    ConfigError
        The file cannot be read, is malformed, or maps to an unknown indicator code.
    """
    base = _builtin_catalogue()
    if aliases is None:
        return base
    try:
        with open(aliases, encoding="utf-8-sig") as fh:
            text = fh.read()
    except OSError as exc:
        raise ConfigError(f"无法读取别名文件 {aliases}：{exc}") from exc
    extra = _alias_map(_read_yaml_text(text, str(aliases)), str(aliases))
    merged = {a: c for e in base.entries.values() for a in e.aliases for c in [e.code]}
    merged.update(extra)
    return _assemble(base.entries.values(), merged)
