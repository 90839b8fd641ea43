"""Indicator systems (指标体系): dimensions → (sub-dimensions →) indicators, read from YAML.

A system file looks like::

    name: my-system
    title: 示例指标体系
    options:                 # optional method options; CLI / keyword options override them
      weights: combined
      aggregate: topsis
    dimensions:
      - name: 劳动者
        indicators:
          - {code: edu_years, name: 平均受教育年限, direction: "+", unit: 年}
          - {code: gdp, name: 地区生产总值, direction: "+", transform: log}
        dimensions:          # nested sub-dimensions are allowed
          - name: 人才
            indicators:
              - {code: rd_staff, name: 研发人员, direction: "+", fixed_weight: 0.04}

Every validation error is a :class:`~xinzhi.errors.ConfigError` whose Chinese message names the
offending key path (e.g. ``dimensions[0].indicators[2].direction``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from xinzhi import yamlfile
from xinzhi.errors import ConfigError

__all__ = [
    "SHORTFALLS",
    "Dimension",
    "Indicator",
    "IndicatorSystem",
    "list_systems",
    "load_system",
]

_TRANSFORM_RE = re.compile(r"^\s*winsorize\s*\(\s*([0-9]*\.?[0-9]+)\s*\)\s*$")
_SYSTEM_KEYS = {"name", "title", "description", "options", "dimensions", "source"}
_DIM_KEYS = {"name", "indicators", "dimensions", "description"}
_IND_KEYS = {
    "code",
    "name",
    "direction",
    "unit",
    "fixed_weight",
    "transform",
    "description",
    "optional",
    "shortfall",
}
#: The four shortfalls (短板) of county特色产业 named in 李琳《提升特色产业现代化水平 激活县域新质生产力
#: 强劲动能》(seed 000); an indicator may declare which one it reveals.
SHORTFALLS = ("产业链条短", "创新动能不足", "数智化改造滞后", "新质要素供给短缺")


@dataclass(frozen=True)
class Indicator:
    """One indicator (指标).

    Parameters
    ----------
    code : str
        Column name of the indicator in the input table.
    name : str
        Chinese display name.
    direction : {"+", "-"}
        ``+`` benefit (正向, larger is better); ``-`` cost (逆向, smaller is better).
    unit : str or None
        Unit of measurement (display only).
    fixed_weight : float or None
        Weight fixed by the analyst; the other weights are rescaled to ``1 − Σ fixed``.
    transform : {"log", "log1p", "winsorize"} or None
        Applied to the raw values before normalisation.
    winsor_p : float or None
        Tail share clipped at each end when ``transform == "winsorize"`` (0 < p < 0.5).
    optional : bool
        The indicator joins the system only when the data hold it (e.g. yearbook indicators a
        county may import); see :meth:`IndicatorSystem.restrict`.
    shortfall : str or None
        Which of the four shortfalls in :data:`SHORTFALLS` the indicator reveals.
    """

    code: str
    name: str
    direction: str = "+"
    unit: str | None = None
    fixed_weight: float | None = None
    transform: str | None = None
    winsor_p: float | None = None
    optional: bool = False
    shortfall: str | None = None


@dataclass(frozen=True)
class Dimension:
    """A dimension (维度) holding indicators and/or nested sub-dimensions."""

    name: str
    indicators: tuple[Indicator, ...] = ()
    children: tuple[Dimension, ...] = ()

    def all_indicators(self) -> Iterator[Indicator]:
        """Indicators of this dimension and all its sub-dimensions, in file order."""
        yield from self.indicators
        for child in self.children:
            yield from child.all_indicators()


@dataclass(frozen=True)
class IndicatorSystem:
    """An indicator system: named top-level dimensions plus optional method options."""

    name: str
    dimensions: tuple[Dimension, ...]
    title: str | None = None
    options: dict[str, Any] = field(default_factory=dict)
    source: str | None = None

    @property
    def indicators(self) -> list[Indicator]:
        """All indicators (leaves), in file order."""
        return [ind for dim in self.dimensions for ind in dim.all_indicators()]

    @property
    def codes(self) -> list[str]:
        """Indicator codes, in file order."""
        return [ind.code for ind in self.indicators]

    @property
    def dimension_names(self) -> list[str]:
        """Names of the top-level dimensions."""
        return [d.name for d in self.dimensions]

    def shortfall_of(self) -> dict[str, str]:
        """Map indicator code → the shortfall (短板) it reveals, for indicators that declare one."""
        return {i.code: i.shortfall for i in self.indicators if i.shortfall}

    def restrict(self, available: set[str] | list[str]) -> tuple[IndicatorSystem, list[str]]:
        """Drop the optional indicators missing from ``available``.

        Returns the restricted system and the codes dropped. Dimensions left empty are removed.
        Required (non-optional) indicators are kept whether present or not, so the engine
        reports them as missing.
        """
        have = set(available)
        dropped = [i.code for i in self.indicators if i.optional and i.code not in have]
        if not dropped:
            return self, []

        def keep(dim: Dimension) -> Dimension | None:
            inds = tuple(i for i in dim.indicators if i.code not in dropped)
            kids = tuple(k for k in (keep(c) for c in dim.children) if k is not None)
            if not inds and not kids:
                return None
            return Dimension(name=dim.name, indicators=inds, children=kids)

        dims = tuple(d for d in (keep(d) for d in self.dimensions) if d is not None)
        if not dims:
            raise ConfigError(f"指标体系 {self.name} 的指标在数据中全部缺失：{dropped}")
        restricted = IndicatorSystem(
            name=self.name,
            dimensions=dims,
            title=self.title,
            options=self.options,
            source=self.source,
        )
        return restricted, dropped

    def top_dimension_of(self) -> dict[str, str]:
        """Map indicator code → name of its top-level dimension."""
        return {ind.code: d.name for d in self.dimensions for ind in d.all_indicators()}

    def path_of(self) -> dict[str, tuple[str, ...]]:
        """Map indicator code → dimension path from the top (``("劳动者", "人才")``)."""
        out: dict[str, tuple[str, ...]] = {}

        def walk(dim: Dimension, prefix: tuple[str, ...]) -> None:
            path = (*prefix, dim.name)
            for ind in dim.indicators:
                out[ind.code] = path
            for child in dim.children:
                walk(child, path)

        for d in self.dimensions:
            walk(d, ())
        return out

    # ------------------------------------------------------------------ construction
    @classmethod
    def from_dict(cls, data: Any, *, source: str | None = None) -> IndicatorSystem:
        """Validate a parsed YAML mapping and build the system (Chinese errors name the key)."""
        where = f"（{source}）" if source else ""
        if not isinstance(data, dict):
            raise ConfigError(
                f"指标体系{where}顶层应为映射（mapping），实际为 {type(data).__name__}"
            )
        unknown = sorted(set(data) - _SYSTEM_KEYS)
        if unknown:
            raise ConfigError(
                f"指标体系{where}含未知键 {unknown}；允许的键：{sorted(_SYSTEM_KEYS)}"
            )
        name = data.get("name")
        if not isinstance(name, str) or not name.strip():
            raise ConfigError(f"指标体系{where}缺少键 name（体系名称，字符串）")
        options = data.get("options") or {}
        if not isinstance(options, dict):
            raise ConfigError(f"指标体系{where}的 options 应为映射（mapping）")
        dims_raw = data.get("dimensions")
        if not isinstance(dims_raw, list) or not dims_raw:
            raise ConfigError(f"指标体系{where}缺少键 dimensions（非空列表）")
        dims = tuple(_parse_dimension(d, f"dimensions[{i}]", where) for i, d in enumerate(dims_raw))
        system = cls(
            name=name.strip(),
            dimensions=dims,
            title=data.get("title"),
            options=dict(options),
            source=source,
        )
        _check_unique(system, where)
        return system

    @classmethod
    def from_yaml(cls, path: str | Path) -> IndicatorSystem:
        """Read and validate a system YAML file."""
        p = Path(path)
        try:
            text = p.read_text(encoding="utf-8")
        except OSError as exc:
            raise ConfigError(f"无法读取指标体系文件 {p}：{exc}") from exc
        try:
            data = yamlfile.safe_load(text)
        except yaml.YAMLError as exc:
            raise ConfigError(f"指标体系文件 {p} 不是合法的 YAML：{exc}") from exc
        return cls.from_dict(data, source=str(p))

    def to_dict(self) -> dict[str, Any]:
        """The system as a plain mapping (round-trips through :meth:`from_dict`)."""

        def ind_dict(ind: Indicator) -> dict[str, Any]:
            d: dict[str, Any] = {"code": ind.code, "name": ind.name, "direction": ind.direction}
            if ind.unit is not None:
                d["unit"] = ind.unit
            if ind.fixed_weight is not None:
                d["fixed_weight"] = ind.fixed_weight
            if ind.transform == "winsorize":
                d["transform"] = f"winsorize({ind.winsor_p})"
            elif ind.transform is not None:
                d["transform"] = ind.transform
            if ind.optional:
                d["optional"] = True
            if ind.shortfall:
                d["shortfall"] = ind.shortfall
            return d

        def dim_dict(dim: Dimension) -> dict[str, Any]:
            d: dict[str, Any] = {"name": dim.name}
            if dim.indicators:
                d["indicators"] = [ind_dict(i) for i in dim.indicators]
            if dim.children:
                d["dimensions"] = [dim_dict(c) for c in dim.children]
            return d

        out: dict[str, Any] = {"name": self.name}
        if self.title:
            out["title"] = self.title
        if self.options:
            out["options"] = dict(self.options)
        out["dimensions"] = [dim_dict(d) for d in self.dimensions]
        return out


def _parse_dimension(raw: Any, key: str, where: str) -> Dimension:
    if not isinstance(raw, dict):
        raise ConfigError(f"指标体系{where}的 {key} 应为映射（含 name、indicators）")
    unknown = sorted(set(raw) - _DIM_KEYS)
    if unknown:
        raise ConfigError(f"指标体系{where}的 {key} 含未知键 {unknown}")
    name = raw.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ConfigError(f"指标体系{where}的 {key}.name 缺失或不是字符串")
    inds_raw = raw.get("indicators") or []
    subs_raw = raw.get("dimensions") or []
    if not isinstance(inds_raw, list):
        raise ConfigError(f"指标体系{where}的 {key}.indicators 应为列表")
    if not isinstance(subs_raw, list):
        raise ConfigError(f"指标体系{where}的 {key}.dimensions 应为列表")
    if not inds_raw and not subs_raw:
        raise ConfigError(
            f"指标体系{where}的 {key}（{name}）既没有 indicators 也没有子维度 dimensions"
        )
    inds = tuple(
        _parse_indicator(r, f"{key}.indicators[{i}]", where) for i, r in enumerate(inds_raw)
    )
    subs = tuple(
        _parse_dimension(r, f"{key}.dimensions[{i}]", where) for i, r in enumerate(subs_raw)
    )
    return Dimension(name=name.strip(), indicators=inds, children=subs)


def _parse_indicator(raw: Any, key: str, where: str) -> Indicator:
    if not isinstance(raw, dict):
        raise ConfigError(f"指标体系{where}的 {key} 应为映射（含 code、name、direction）")
    unknown = sorted(set(raw) - _IND_KEYS)
    if unknown:
        raise ConfigError(
            f"指标体系{where}的 {key} 含未知键 {unknown}；允许的键：{sorted(_IND_KEYS)}"
        )
    code = raw.get("code")
    if code is None or (isinstance(code, str) and not code.strip()):
        raise ConfigError(f"指标体系{where}的 {key}.code 缺失（指标编码，对应输入表的列名）")
    code = str(code).strip()
    name = raw.get("name", code)
    direction = raw.get("direction")
    if direction is None:
        raise ConfigError(f"指标体系{where}的 {key}.direction 缺失（应为 '+' 正向 或 '-' 逆向）")
    direction = str(direction).strip()
    aliases = {"+": "+", "-": "-", "正向": "+", "逆向": "-", "负向": "-", "1": "+", "-1": "-"}
    if direction not in aliases:
        raise ConfigError(
            f"指标体系{where}的 {key}.direction 应为 '+'（正向）或 '-'（逆向），实际为 {direction!r}"
        )
    fixed = raw.get("fixed_weight")
    if fixed is not None:
        if isinstance(fixed, bool) or not isinstance(fixed, int | float) or not 0 <= fixed <= 1:
            raise ConfigError(
                f"指标体系{where}的 {key}.fixed_weight 应为 0 到 1 之间的数，实际为 {fixed!r}"
            )
        fixed = float(fixed)
    transform = raw.get("transform")
    winsor_p: float | None = None
    if transform is not None:
        t = str(transform).strip()
        m = _TRANSFORM_RE.match(t)
        if m:
            winsor_p = float(m.group(1))
            if not 0 < winsor_p < 0.5:
                raise ConfigError(
                    f"指标体系{where}的 {key}.transform 缩尾比例应在 (0, 0.5) 内，实际为 {winsor_p}"
                )
            transform = "winsorize"
        elif t in {"log", "log1p"}:
            transform = t
        else:
            raise ConfigError(
                f"指标体系{where}的 {key}.transform 应为 log、log1p 或 winsorize(p)，实际为 {t!r}"
            )
    optional = raw.get("optional", False)
    if not isinstance(optional, bool):
        raise ConfigError(
            f"指标体系{where}的 {key}.optional 应为 true 或 false，实际为 {optional!r}"
        )
    shortfall = raw.get("shortfall")
    if shortfall is not None and shortfall not in SHORTFALLS:
        raise ConfigError(
            f"指标体系{where}的 {key}.shortfall 应为 {list(SHORTFALLS)} 之一，实际为 {shortfall!r}"
        )
    unit = raw.get("unit")
    return Indicator(
        code=code,
        name=str(name),
        direction=aliases[direction],
        unit=None if unit is None else str(unit),
        fixed_weight=fixed,
        transform=transform,
        winsor_p=winsor_p,
        optional=optional,
        shortfall=shortfall,
    )


def _check_unique(system: IndicatorSystem, where: str) -> None:
    seen: set[str] = set()
    for code in system.codes:
        if code in seen:
            raise ConfigError(f"指标体系{where}中指标编码 code={code!r} 重复出现")
        seen.add(code)
    names = system.dimension_names
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        raise ConfigError(f"指标体系{where}中一级维度名称重复：{dup}")
    total_fixed = sum(i.fixed_weight or 0.0 for i in system.indicators)
    if total_fixed > 1 + 1e-12:
        raise ConfigError(f"指标体系{where}中 fixed_weight 之和为 {total_fixed:.4g}，超过 1")


def _builtin_dir() -> Any:
    return resources.files("xinzhi.indicators").joinpath("systems")


def list_systems() -> list[str]:
    """Names of the built-in systems (``src/xinzhi/indicators/systems/*.yaml``)."""
    d = _builtin_dir()
    if not d.is_dir():
        return []
    return sorted(p.name[: -len(".yaml")] for p in d.iterdir() if p.name.endswith(".yaml"))


def load_system(name_or_path: str | Path) -> IndicatorSystem:
    """Load a built-in system by name, or a YAML file by path.

    Raises
    ------
    ConfigError
        If neither a built-in system of that name nor a readable file exists.
    """
    s = str(name_or_path)
    p = Path(s)
    if s.endswith((".yaml", ".yml")) or p.exists():
        if not p.exists():
            raise ConfigError(f"找不到指标体系文件 {p}")
        return IndicatorSystem.from_yaml(p)
    f = _builtin_dir().joinpath(f"{s}.yaml")
    if not f.is_file():
        raise ConfigError(f"没有名为 {s!r} 的内置指标体系；可用：{list_systems() or '（无）'}")
    data = yamlfile.safe_load(f.read_text(encoding="utf-8"))
    return IndicatorSystem.from_dict(data, source=f"内置:{s}")
