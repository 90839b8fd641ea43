"""Fields a policy clause may read: the firm frame, the policy facts catalogue and person fields.

Data in ``facts.yaml`` beside this module (same shape as ``codes/firm_fields.yaml``): ``fields``
holds firm facts many policies read that the firm-year catalogue lacks (地方财政贡献, 新上项目固定
资产投资 …); ``persons`` holds the fields of a person (人才) subject. A field of type ``ordinal``
has ``levels`` from low to high (学历: 高中及以下 < 大专 < 本科 < 硕士 < 博士) and may have
``level_aliases`` (研究生 → 硕士, 专科 → 大专 …), so that ``{field: education, ge: 本科}`` reads
"本科及以上".

The fields of a firm document (:func:`firm_field_specs`) are the registry columns, every key of
``codes/firm_fields.yaml`` with its earlier years ``<key>_prev1`` / ``<key>_prev2`` for numbers,
``label_<key>`` (bool, held on the assessment date), ``label_<key>_since`` (date the current
validity began) and ``label_<key>_until`` (date it ends, optional), ``size_class`` (大 / 中 / 小 /
微), and the facts of ``facts.yaml``. A person document reads the ``persons`` fields. Each
document may add its own ``facts:``.

>>> firm_field_specs()["revenue_prev1"].label
'营业收入（上一年）'
>>> person_field_specs()["education"].rank("研究生")
3
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from xinzhi import yamlfile
from xinzhi.codes.firm_fields import firm_fields, firm_labels
from xinzhi.errors import ConfigError

__all__ = [
    "FIELD_TYPES",
    "FieldSpec",
    "firm_field_specs",
    "parse_field_spec",
    "person_field_specs",
    "policy_facts",
]

#: Field types of the rule language (``ordinal`` = ordered text levels).
FIELD_TYPES = ("double", "integer", "boolean", "date", "varchar", "ordinal")

#: Columns of the firm registry part of the frame (COMMON.md "The firm frame").
_REGISTRY: dict[str, tuple[str, str, str]] = {
    "credit_code": ("统一社会信用代码", "", "varchar"),
    "name": ("企业名称", "", "varchar"),
    "region_code": ("所在县（区）区划代码", "", "varchar"),
    "industry_code": ("国民经济行业代码", "", "varchar"),
    "division": ("行业大类代码", "", "varchar"),
    "section": ("行业门类", "", "varchar"),
    "founded": ("成立日期", "", "date"),
    "status": ("经营状态", "", "varchar"),
    "registered_capital": ("注册资本", "万元", "double"),
    "synthetic": ("示例数据", "", "boolean"),
    "year": ("数据年度", "", "integer"),
    "size_class": ("企业规模", "", "varchar"),
}


@dataclass(frozen=True)
class FieldSpec:
    """One field a condition or benefit may read.

    ``levels`` (low → high) and ``level_aliases`` only for ``type == "ordinal"``.
    """

    key: str
    label: str
    unit: str
    type: str
    aliases: tuple[str, ...] = ()
    levels: tuple[str, ...] = ()
    level_aliases: tuple[tuple[str, str], ...] = ()

    @property
    def numeric(self) -> bool:
        """True for ``double`` and ``integer`` fields."""
        return self.type in ("double", "integer")

    def rank(self, value: object) -> int | None:
        """Position of an ordinal level (or its alias) in :attr:`levels`; None if unknown."""
        text = str(value).strip()
        text = dict(self.level_aliases).get(text, text)
        return self.levels.index(text) if text in self.levels else None

    def rank_map(self) -> dict[str, int]:
        """Every level and alias → its rank (for vectorised mapping of a column)."""
        out = {lvl: i for i, lvl in enumerate(self.levels)}
        out.update({a: self.levels.index(lvl) for a, lvl in self.level_aliases})
        return out


def parse_field_spec(key: str, spec: object, where: str) -> FieldSpec:
    """A :class:`FieldSpec` from a catalogue entry ``{label, unit, type, aliases, levels}``;
    :class:`~xinzhi.errors.ConfigError` naming ``where`` (a key path) when malformed."""
    if not isinstance(spec, Mapping):
        raise ConfigError(f"{where}：字段定义应为映射 {{label, unit, type}}，实际为 {spec!r}")
    unknown = set(spec) - {"label", "unit", "type", "aliases", "levels", "level_aliases"}
    if unknown:
        raise ConfigError(f"{where}：未知的键 {', '.join(sorted(map(str, unknown)))}")
    typ = str(spec.get("type") or "")
    if typ not in FIELD_TYPES:
        raise ConfigError(
            f"{where}.type：字段类型应为 {' | '.join(FIELD_TYPES)} 之一，实际为 {typ or '（空）'}"
        )
    if not spec.get("label"):
        raise ConfigError(f"{where}.label：缺少中文名称 label")
    levels = tuple(str(v) for v in spec.get("levels") or ())
    aliases_map = dict(spec.get("level_aliases") or {})
    if typ == "ordinal":
        if len(levels) < 2 or len(set(levels)) != len(levels):
            raise ConfigError(f"{where}.levels：有序字段需要至少两个互不相同的等级（由低到高）")
        bad = [a for a, lvl in aliases_map.items() if str(lvl) not in levels]
        if bad:
            raise ConfigError(f"{where}.level_aliases：别名 {bad[0]} 指向的等级不在 levels 中")
    elif levels or aliases_map:
        raise ConfigError(f"{where}.levels：只有 type: ordinal 的字段才有 levels")
    return FieldSpec(
        key=key,
        label=str(spec["label"]),
        unit=str(spec.get("unit") or ""),
        type=typ,
        aliases=tuple(str(a) for a in spec.get("aliases") or ()),
        levels=levels,
        level_aliases=tuple((str(a), str(b)) for a, b in aliases_map.items()),
    )


@cache
def _data() -> dict[str, Any]:
    text = resources.files("xinzhi.policy").joinpath("facts.yaml").read_text("utf-8")
    return dict(yamlfile.safe_load(text))


def _section(name: str) -> dict[str, FieldSpec]:
    """The field specifications of section ``name`` of ``facts.yaml`` by key."""
    return {
        str(k): parse_field_spec(str(k), v, f"facts.yaml: {name}.{k}")
        for k, v in dict(_data().get(name) or {}).items()
    }


@cache
def policy_facts() -> dict[str, FieldSpec]:
    """The firm facts of ``facts.yaml`` (section ``fields``) by key."""
    return _section("fields")


@cache
def person_field_specs() -> dict[str, FieldSpec]:
    """The fields of a person (人才) subject (section ``persons`` of ``facts.yaml``)."""
    return _section("persons")


@cache
def firm_field_specs() -> dict[str, FieldSpec]:
    """Every field a firm document may read (registry, firm-year fields and their earlier years,
    labels with their dates, size class, policy facts)."""
    out: dict[str, FieldSpec] = {}
    for key, (label, unit, typ) in _REGISTRY.items():
        out[key] = FieldSpec(key, label, unit, typ)
    numeric: list[FieldSpec] = []
    for f in firm_fields().values():
        spec = FieldSpec(f.key, f.label, f.unit, f.type, f.aliases)
        out[f.key] = spec
        if spec.numeric:
            numeric.append(spec)
    for key, name in firm_labels().items():
        out[f"label_{key}"] = FieldSpec(f"label_{key}", name, "", "boolean")
        out[f"label_{key}_since"] = FieldSpec(f"label_{key}_since", f"{name}认定日期", "", "date")
        out[f"label_{key}_until"] = FieldSpec(f"label_{key}_until", f"{name}有效期至", "", "date")
    for key, spec in policy_facts().items():
        out[key] = spec
        if spec.numeric:
            numeric.append(spec)
    for spec in numeric:
        for n, word in ((1, "上一年"), (2, "前两年")):
            k = f"{spec.key}_prev{n}"
            out[k] = FieldSpec(k, f"{spec.label}（{word}）", spec.unit, spec.type)
    return out
