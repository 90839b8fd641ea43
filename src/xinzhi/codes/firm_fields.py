"""Firm-year fields (企业年度数据字段) and firm labels (荣誉 / 资质) read by the enterprise
evaluations, the tier checks, size classes and policy rules.

Data in ``firm_fields.yaml`` beside this module: for each field its Chinese label, unit, SQL type
and the column headers accepted on import. Units follow the warehouse conventions (money in 万元,
shares as fractions 0–1). Firm-year rows are keyed by ``(credit_code, year)``; labels carry a
validity window (``valid_from`` .. ``valid_to``).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from xinzhi import yamlfile

__all__ = ["FirmField", "firm_fields", "firm_labels"]

_SQL_TYPES = {
    "double": "DOUBLE",
    "integer": "INTEGER",
    "boolean": "BOOLEAN",
    "date": "DATE",
    "varchar": "VARCHAR",
}


@dataclass(frozen=True)
class FirmField:
    """One firm-year field: key, Chinese label, unit, type and accepted import headers."""

    key: str
    label: str
    unit: str
    type: str
    aliases: tuple[str, ...]

    @property
    def sql_type(self) -> str:
        """The column type in DuckDB / Spark SQL."""
        return _SQL_TYPES[self.type]


@cache
def _data() -> dict[str, Any]:
    text = resources.files("xinzhi.codes").joinpath("firm_fields.yaml").read_text("utf-8")
    return dict(yamlfile.safe_load(text))


@cache
def firm_fields() -> dict[str, FirmField]:
    """All firm-year fields by key, in catalogue order."""
    out: dict[str, FirmField] = {}
    for key, spec in dict(_data()["fields"]).items():
        s: dict[str, Any] = dict(spec)
        out[str(key)] = FirmField(
            key=str(key),
            label=str(s["label"]),
            unit=str(s.get("unit") or ""),
            type=str(s["type"]),
            aliases=tuple(str(a) for a in s.get("aliases") or ()),
        )
    return out


@cache
def firm_labels() -> dict[str, str]:
    """Firm label keys → Chinese names (高新技术企业, 专精特新中小企业, …)."""
    return {str(k): str(v) for k, v in dict(_data()["labels"]).items()}
