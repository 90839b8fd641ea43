"""Typology rule sets: load, validate and modify the YAML rules (``rules.yaml``).

A rule set is a list of county types in priority order; each type has alternative rules (any
may hold) made of conditions (all must hold). See ``rules.yaml`` for the reading guide and
``docs/typology.md`` for the meaning of each type.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from xinzhi import yamlfile
from xinzhi.errors import ConfigError

__all__ = ["Condition", "Rule", "RuleSet", "TypeRule", "load_rules"]

OPS = (">=", ">", "<=", "<", "in", "not_in")
BASES = ("census", "proxy", "user_data")


@dataclass(frozen=True)
class Condition:
    """One comparison ``feature op value`` (``value`` is a list for ``in`` / ``not_in``)."""

    feature: str
    op: str
    value: Any


@dataclass(frozen=True)
class Rule:
    """Conditions that must all hold; ``basis`` says which data decide it."""

    when: tuple[Condition, ...]
    basis: str = "census"
    note: str = ""


@dataclass(frozen=True)
class TypeRule:
    """A county type: id, Chinese name, citing seed articles, priority and alternative rules."""

    id: str
    name: str
    priority: int
    rules: tuple[Rule, ...]
    sources: tuple[str, ...] = ()


@dataclass(frozen=True)
class RuleSet:
    """Feature labels and county types (sorted by priority)."""

    features: dict[str, str]
    types: tuple[TypeRule, ...]
    origin: str = field(default="rules.yaml")

    def type_names(self) -> list[str]:
        """Chinese type names in priority order."""
        return [t.name for t in self.types]

    def label(self, feature: str) -> str:
        """Chinese label of a feature (the code itself when unknown)."""
        return self.features.get(feature, feature)

    def get(self, type_id_or_name: str) -> TypeRule:
        """The type with this id or Chinese name."""
        for t in self.types:
            if type_id_or_name in (t.id, t.name):
                return t
        raise ConfigError(f"规则中没有类型“{type_id_or_name}”（unknown type）")

    def with_threshold(
        self, type_id: str, feature: str, value: Any, *, rule: int | None = None
    ) -> RuleSet:
        """A copy with the threshold of ``feature`` in type ``type_id`` set to ``value``.

        ``rule`` restricts the change to one alternative (0-based); by default every condition
        on ``feature`` in that type changes.
        """
        target = self.get(type_id)
        found = False
        new_rules = []
        for i, r in enumerate(target.rules):
            conds = []
            for c in r.when:
                if c.feature == feature and (rule is None or rule == i):
                    conds.append(replace(c, value=value))
                    found = True
                else:
                    conds.append(c)
            new_rules.append(replace(r, when=tuple(conds)))
        if not found:
            raise ConfigError(f"类型“{target.name}”的规则中没有特征 {feature}（no such condition）")
        types = tuple(
            replace(t, rules=tuple(new_rules)) if t.id == target.id else t for t in self.types
        )
        return replace(self, types=types, origin=f"{self.origin} (已修改)")

    def to_dict(self) -> dict[str, Any]:
        """Plain dict in the YAML layout (for saving or display)."""
        return {
            "version": 1,
            "features": dict(self.features),
            "types": [
                {
                    "id": t.id,
                    "name": t.name,
                    "sources": list(t.sources),
                    "priority": t.priority,
                    "rules": [
                        {
                            "basis": r.basis,
                            "note": r.note,
                            "when": [
                                {"feature": c.feature, "op": c.op, "value": copy.copy(c.value)}
                                for c in r.when
                            ],
                        }
                        for r in t.rules
                    ],
                }
                for t in self.types
            ],
        }


def _parse(raw: Any, origin: str) -> RuleSet:
    if not isinstance(raw, dict) or "types" not in raw:
        raise ConfigError(f"类型规则文件 {origin} 缺少 types 节（missing 'types'）")
    features = {str(k): str(v) for k, v in (raw.get("features") or {}).items()}
    types: list[TypeRule] = []
    seen: set[str] = set()
    for t in raw["types"]:
        try:
            tid, name, prio = str(t["id"]), str(t["name"]), int(t["priority"])
            rules_raw = t["rules"]
        except (KeyError, TypeError, ValueError) as exc:
            raise ConfigError(
                f"类型规则 {origin}：类型定义缺少 id/name/priority/rules（{exc}）"
            ) from exc
        if tid in seen or name in seen:
            raise ConfigError(f"类型规则 {origin}：类型 {tid}/{name} 重复")
        seen |= {tid, name}
        rules: list[Rule] = []
        for r in rules_raw or []:
            basis = str(r.get("basis", "census"))
            if basis not in BASES:
                raise ConfigError(f"类型“{name}”：basis 须为 {BASES} 之一，得到 {basis!r}")
            conds: list[Condition] = []
            for c in r.get("when") or []:
                op = str(c.get("op"))
                if op not in OPS:
                    raise ConfigError(f"类型“{name}”：比较符须为 {OPS} 之一，得到 {op!r}")
                value = c.get("value")
                if op in ("in", "not_in"):
                    if not isinstance(value, list):
                        raise ConfigError(f"类型“{name}”：{op} 的 value 须为列表")
                elif not isinstance(value, int | float) or isinstance(value, bool):
                    raise ConfigError(f"类型“{name}”：{c.get('feature')} 的阈值须为数值")
                conds.append(Condition(str(c["feature"]), op, value))
            if not conds:
                raise ConfigError(f"类型“{name}”：规则没有条件（empty 'when'）")
            rules.append(Rule(tuple(conds), basis, str(r.get("note") or "").strip()))
        if not rules:
            raise ConfigError(f"类型“{name}”没有任何规则（no rules）")
        types.append(TypeRule(tid, name, prio, tuple(rules), tuple(map(str, t.get("sources", [])))))
    types.sort(key=lambda x: x.priority)
    return RuleSet(features, tuple(types), origin)


def load_rules(path: str | Path | dict[str, Any] | None = None) -> RuleSet:
    """Load a rule set: the built-in ``rules.yaml`` (default), a YAML file or an equivalent dict.

    Raises
    ------
    ConfigError
        Malformed file (missing keys, unknown comparison, non-numeric threshold).
    """
    if isinstance(path, dict):
        return _parse(path, "dict")
    if path is None:
        text = resources.files("xinzhi.typology").joinpath("rules.yaml").read_text("utf-8")
        origin = "内置 rules.yaml"
    else:
        p = Path(path)
        if not p.is_file():
            raise ConfigError(f"找不到类型规则文件：{p}")
        text, origin = p.read_text("utf-8"), str(p)
    try:
        raw = yamlfile.safe_load(text)
    except yaml.YAMLError as exc:
        raise ConfigError(f"类型规则文件 {origin} 不是合法 YAML：{exc}") from exc
    return _parse(raw, origin)
