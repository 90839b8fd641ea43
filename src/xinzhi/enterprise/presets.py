"""亩均效益评价预设（presets）：指标目录、预设结构、校验与内置预设。

A preset says, for one issuer's method, which firms form which list (分类名单), which
indicators each list is scored on with which weights, how points are computed (value ÷
benchmark × weight with cap and floor, or min–max 20 + 80 × (x − min)/(max − min)), how classes
are cut (percentile shares of the rated firms, or fixed score thresholds), the bonus and
deduction items with their caps, the exemptions rated T and the missing-data rule. Every
shipped preset names its source (issuer, 文号, date, URL); numbers that could not be checked in a
public text are marked "示意，未核实原文" in the YAML.

The shipped presets are YAML files in ``presets/`` beside this module (read with
:mod:`importlib.resources`); a user's own preset arrives as text or a dict and is validated by
:func:`parse_preset`, which raises :class:`xinzhi.errors.ConfigError` with a Chinese message
naming the key at fault.

Indicator catalogue (:data:`INDICATORS`; field names of the firm frame, see
:mod:`xinzhi.codes.firm_fields`):

====================  ======================  ================================  ==================
key                   指标                    公式                              单位
====================  ======================  ================================  ==================
tax_per_mu            亩均税收                tax / land_area                   万元/亩
va_per_mu             亩均增加值              value_added / land_area           万元/亩
revenue_per_mu        亩均营业收入            revenue / land_area               万元/亩
labour_productivity   全员劳动生产率          value_added / employees           万元/人
va_per_energy         单位能耗增加值          value_added / energy              万元/吨标准煤
va_per_emission       单位排放增加值          value_added / emissions           万元/吨
rd_intensity          研发经费占营收比        rd_expenditure / revenue          比值（0–1）
tax_per_electricity   单位电耗税收            tax / electricity                 万元/万千瓦时
tech_invest_per_mu    亩均技改投资            tech_investment / land_area       万元/亩
====================  ======================  ================================  ==================

A zero or NULL denominator gives a missing value (NULL), never infinity. A preset may declare
further ratio indicators (``indicators:`` with numerator, denominator, label, unit, direction),
e.g. a negative indicator such as 单位增加值能耗 energy / value_added.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import yaml

from xinzhi import yamlfile
from xinzhi.codes.firm_fields import firm_fields, firm_labels
from xinzhi.errors import ConfigError

__all__ = [
    "CLASSES",
    "INDICATORS",
    "LIST_KEYS",
    "LIST_LABELS",
    "Adjustment",
    "ClassRule",
    "Exemptions",
    "Indicator",
    "ListRule",
    "MujunPreset",
    "Source",
    "Veto",
    "WeightedIndicator",
    "builtin_presets",
    "parse_classes",
    "parse_preset",
    "preset",
]

CLASSES = ("A", "B", "C", "D")
"""Rated classes, best first; firms not rated are class ``T``."""

LIST_KEYS = ("above_scale", "small_land", "small_tiny", "tenant")
LIST_LABELS = {
    "above_scale": "规上企业",
    "small_land": "规下企业（用地≥门槛）",
    "small_tiny": "规下企业（用地<门槛）",
    "tenant": "无自有用地企业",
}
"""The lists (分类名单) rated separately; the land threshold (default 3 亩) is a preset key."""


@dataclass(frozen=True)
class Indicator:
    """A ratio indicator: ``numerator / denominator`` (NULL when the denominator is 0 or NULL)."""

    key: str
    label: str
    unit: str
    numerator: str
    denominator: str
    direction: str = "positive"

    @property
    def formula(self) -> str:
        """The formula in field names, e.g. ``tax / land_area``."""
        return f"{self.numerator} / {self.denominator}"


INDICATORS: dict[str, Indicator] = {
    i.key: i
    for i in (
        Indicator("tax_per_mu", "亩均税收", "万元/亩", "tax", "land_area"),
        Indicator("va_per_mu", "亩均增加值", "万元/亩", "value_added", "land_area"),
        Indicator("revenue_per_mu", "亩均营业收入", "万元/亩", "revenue", "land_area"),
        Indicator("labour_productivity", "全员劳动生产率", "万元/人", "value_added", "employees"),
        Indicator("va_per_energy", "单位能耗增加值", "万元/吨标准煤", "value_added", "energy"),
        Indicator("va_per_emission", "单位排放增加值", "万元/吨", "value_added", "emissions"),
        Indicator("rd_intensity", "研发经费占营收比", "比值", "rd_expenditure", "revenue"),
        Indicator("tax_per_electricity", "单位电耗税收", "万元/万千瓦时", "tax", "electricity"),
        Indicator("tech_invest_per_mu", "亩均技改投资", "万元/亩", "tech_investment", "land_area"),
    )
}
"""The built-in indicators (module docstring table)."""


@dataclass(frozen=True)
class Source:
    """Where a preset comes from: issuer, document number (文号), title, date, URL, note."""

    issuer: str
    document: str | None = None
    title: str | None = None
    date: str | None = None
    url: str | None = None
    note: str | None = None

    def text(self) -> str:
        """One line: issuer《title》(文号, date)."""
        parts = [self.issuer]
        if self.title:
            parts.append(f"《{self.title}》")
        extra = "，".join(p for p in (self.document, self.date) if p)
        return "".join(parts) + (f"（{extra}）" if extra else "")


@dataclass(frozen=True)
class WeightedIndicator:
    """An indicator of a list with its weight, an optional fixed benchmark and missing rule."""

    key: str
    weight: float
    benchmark: float | None = None
    missing: str | None = None


@dataclass(frozen=True)
class ClassRule:
    """How classes are cut within a list.

    ``percentile``: ``shares`` (percent of the rated firms, A, B, C, D, summing to 100);
    ``thresholds``: ``thresholds`` (minimum score of A, B, C; below C is D).
    """

    method: str
    shares: tuple[float, float, float, float] | None = None
    thresholds: tuple[float, float, float] | None = None


@dataclass(frozen=True)
class ListRule:
    """One list (分类名单): its indicators, declared weight total, missing rule, class rule."""

    key: str
    indicators: tuple[WeightedIndicator, ...]
    weight_total: float
    missing: str = "zero"
    classes: ClassRule | None = None

    @property
    def label(self) -> str:
        """Chinese name of the list."""
        return LIST_LABELS[self.key]


@dataclass(frozen=True)
class Adjustment:
    """A bonus (points > 0) or deduction (points < 0) item.

    ``fields`` boolean (any true) → ``points``; a numeric field with ``min`` → ``points`` when
    value ≥ min; with ``per`` → ``points × floor(value / per)``; ``cap`` bounds |points|.
    """

    key: str
    label: str
    fields: tuple[str, ...]
    points: float
    min: float | None = None
    per: float | None = None
    cap: float | None = None


@dataclass(frozen=True)
class Veto:
    """A 一票否决 item: a rated firm with any of ``fields`` true is rated no better than
    ``worst`` (``D``: directly class D), whatever its score."""

    key: str
    label: str
    fields: tuple[str, ...]
    worst: str = "D"


@dataclass(frozen=True)
class Exemptions:
    """Firms rated T: newly in production, start-up tech SMEs, utilities."""

    new_production_months: int | None = None
    startup_tech_years: int | None = None
    utility: bool = True
    utility_divisions: tuple[str, ...] = ()


@dataclass(frozen=True)
class MujunPreset:
    """A validated 亩均 preset (see :func:`parse_preset` for the YAML keys)."""

    key: str
    name: str
    source: Source
    method: str
    lists: dict[str, ListRule]
    classes: ClassRule
    k: float = 1.0
    basis: str = "county"
    mean: str = "firms"
    cap: float | None = None
    floor: float = 0.0
    land_threshold: float = 3.0
    adjustments: tuple[Adjustment, ...] = ()
    bonus_cap: float | None = None
    deduction_cap: float | None = None
    exemptions: Exemptions = field(default_factory=Exemptions)
    indicators: dict[str, Indicator] = field(default_factory=dict)
    notes: str = ""
    veto: tuple[Veto, ...] = ()

    def indicator(self, key: str) -> Indicator:
        """The indicator ``key`` (preset-defined ones first, then the catalogue)."""
        return self.indicators.get(key) or INDICATORS[key]

    def used_indicators(self) -> list[str]:
        """Indicator keys used by any list, in first-use order."""
        out: list[str] = []
        for rule in self.lists.values():
            for wi in rule.indicators:
                if wi.key not in out:
                    out.append(wi.key)
        return out

    def class_rule(self, list_key: str) -> ClassRule:
        """The class rule of a list (its own or the preset's)."""
        rule = self.lists.get(list_key)
        return rule.classes if rule is not None and rule.classes is not None else self.classes


# ---------------------------------------------------------------------------------------------
# validation


_TOP = {
    "key",
    "name",
    "source",
    "scoring",
    "lists",
    "classes",
    "adjustments",
    "bonus_cap",
    "deduction_cap",
    "exemptions",
    "indicators",
    "land_threshold",
    "notes",
    "veto",
}
_SOURCE = {"issuer", "document", "title", "date", "url", "note"}
_SCORING = {"method", "k", "basis", "mean", "cap", "floor"}
_LIST = {"indicators", "weight_total", "missing", "classes"}
_WEIGHTED = {"weight", "benchmark", "missing"}
_CLASSES = {"method", "shares", "thresholds"}
_ADJ = {"key", "label", "field", "points", "min", "per", "cap"}
_VETO = {"key", "label", "field", "class"}
_EXEMPT = {"new_production_months", "startup_tech_years", "utility", "utility_divisions"}
_CUSTOM = {"label", "unit", "numerator", "denominator", "direction"}


def _keys(d: Any, allowed: set[str], where: str) -> dict[str, Any]:
    if not isinstance(d, Mapping):
        raise ConfigError(f"预设的 {where} 应为键值映射（mapping），现为 {type(d).__name__}")
    for k in d:
        if str(k) not in allowed:
            raise ConfigError(
                f"预设中有未知的键 {k!r}（位置：{where}）；可用的键：{'、'.join(sorted(allowed))}"
            )
    return {str(k): v for k, v in d.items()}


def _num(v: Any, where: str, *, low: float | None = None, allow_none: bool = False) -> Any:
    if v is None and allow_none:
        return None
    if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(float(v)):
        raise ConfigError(f"预设的 {where} 应为数值，现为 {v!r}")
    if low is not None and float(v) < low:
        raise ConfigError(f"预设的 {where} 不能小于 {low:g}，现为 {v!r}")
    return float(v)


def _choice(v: Any, options: tuple[str, ...], where: str) -> str:
    if v not in options:
        raise ConfigError(f"预设的 {where} 应为 {' / '.join(options)} 之一，现为 {v!r}")
    return str(v)


def _numeric_fields() -> set[str]:
    return {k for k, f in firm_fields().items() if f.type in ("double", "integer")}


def _boolean_fields() -> set[str]:
    out = {k for k, f in firm_fields().items() if f.type == "boolean"}
    return out | {f"label_{k}" for k in firm_labels()}


def _classes(d: Any, where: str) -> ClassRule:
    c = _keys(d, _CLASSES, where)
    method = _choice(c.get("method"), ("percentile", "thresholds"), f"{where}.method")
    if method == "percentile":
        sh = _keys(c.get("shares"), set(CLASSES), f"{where}.shares")
        missing = [x for x in CLASSES if x not in sh]
        if missing:
            raise ConfigError(f"预设的 {where}.shares 缺少类别 {'、'.join(missing)} 的百分比")
        vals = tuple(_num(sh[x], f"{where}.shares.{x}", low=0) for x in CLASSES)
        if abs(sum(vals) - 100.0) > 1e-9:
            raise ConfigError(
                f"预设的 {where}.shares 百分比之和应为 100，现为 {sum(vals):g}"
                f"（A {vals[0]:g} + B {vals[1]:g} + C {vals[2]:g} + D {vals[3]:g}）"
            )
        return ClassRule("percentile", shares=(vals[0], vals[1], vals[2], vals[3]))
    th = _keys(c.get("thresholds"), {"A", "B", "C"}, f"{where}.thresholds")
    missing = [x for x in ("A", "B", "C") if x not in th]
    if missing:
        raise ConfigError(f"预设的 {where}.thresholds 缺少类别 {'、'.join(missing)} 的分数线")
    a, b, cc = (_num(th[x], f"{where}.thresholds.{x}") for x in ("A", "B", "C"))
    if not a >= b >= cc:
        raise ConfigError(
            f"预设的 {where}.thresholds 应满足 A ≥ B ≥ C，现为 A {a:g}、B {b:g}、C {cc:g}"
        )
    return ClassRule("thresholds", thresholds=(a, b, cc))


def parse_classes(d: Any, where: str = "classes") -> ClassRule:
    """Validate a class rule (``{method: percentile, shares: {A, B, C, D}}`` or
    ``{method: thresholds, thresholds: {A, B, C}}``); ``where`` names it in messages."""
    return _classes(d, where)


def _custom(d: Any) -> dict[str, Indicator]:
    out: dict[str, Indicator] = {}
    numeric = _numeric_fields()
    for key, spec in _keys(d, set(d) if isinstance(d, Mapping) else set(), "indicators").items():
        if key in INDICATORS:
            raise ConfigError(f"预设的自定义指标 {key!r} 与内置指标同名，请换一个键")
        s = _keys(spec, _CUSTOM, f"indicators.{key}")
        for part in ("numerator", "denominator"):
            if s.get(part) not in numeric:
                raise ConfigError(
                    f"预设的 indicators.{key}.{part} 为未知字段 {s.get(part)!r}："
                    "应为企业年度数值字段（见 firm_fields.yaml）"
                )
        out[key] = Indicator(
            key=key,
            label=str(s.get("label") or key),
            unit=str(s.get("unit") or ""),
            numerator=str(s["numerator"]),
            denominator=str(s["denominator"]),
            direction=_choice(
                s.get("direction", "positive"),
                ("positive", "negative"),
                f"indicators.{key}.direction",
            ),
        )
    return out


def _list(key: str, d: Any, known: set[str]) -> ListRule:
    where = f"lists.{key}"
    s = _keys(d, _LIST, where)
    missing = _choice(s.get("missing", "zero"), ("average", "zero"), f"{where}.missing")
    inds = s.get("indicators")
    if not isinstance(inds, Mapping) or not inds:
        raise ConfigError(f"预设的 {where}.indicators 应为非空映射（指标键: 权重）")
    out: list[WeightedIndicator] = []
    for ik, spec in inds.items():
        ik = str(ik)
        iw = f"{where}.indicators.{ik}"
        if ik not in known:
            raise ConfigError(
                f"预设的 {iw} 为未知指标 {ik!r}；可用：{'、'.join(sorted(known))}"
                "（或在 indicators 中自定义）"
            )
        if isinstance(spec, Mapping):
            sp = _keys(spec, _WEIGHTED, iw)
            if "weight" not in sp:
                raise ConfigError(f"预设的 {iw} 缺少权重 weight")
            w = _num(sp["weight"], f"{iw}.weight", low=0)
            bench = _num(sp.get("benchmark"), f"{iw}.benchmark", allow_none=True)
            if bench is not None and bench <= 0:
                raise ConfigError(f"预设的 {iw}.benchmark 应大于 0，现为 {bench:g}")
            mr = sp.get("missing")
            if mr is not None:
                mr = _choice(mr, ("average", "zero"), f"{iw}.missing")
            out.append(WeightedIndicator(ik, w, bench, mr))
        else:
            out.append(WeightedIndicator(ik, _num(spec, f"{iw}（权重）", low=0)))
    total = sum(wi.weight for wi in out)
    declared = _num(s.get("weight_total", 100), f"{where}.weight_total", low=0)
    if abs(total - declared) > 1e-9:
        raise ConfigError(
            f"预设的 {where} 权重之和为 {total:g}，与声明的 weight_total {declared:g} 不符"
        )
    classes = _classes(s["classes"], f"{where}.classes") if "classes" in s else None
    return ListRule(key, tuple(out), declared, missing, classes)


def _adjustment(i: int, d: Any) -> Adjustment:
    where = f"adjustments[{i}]"
    s = _keys(d, _ADJ, where)
    if "label" not in s or "field" not in s or "points" not in s:
        raise ConfigError(f"预设的 {where} 需要 label、field、points 三个键")
    raw = s["field"]
    fields = tuple(str(f) for f in (raw if isinstance(raw, list) else [raw]))
    points = _num(s["points"], f"{where}.points")
    if points == 0:
        raise ConfigError(f"预设的 {where}.points 不能为 0（正数为加分，负数为减分）")
    mn = _num(s.get("min"), f"{where}.min", allow_none=True)
    per = _num(s.get("per"), f"{where}.per", allow_none=True)
    if per is not None and per <= 0:
        raise ConfigError(f"预设的 {where}.per 应大于 0，现为 {per:g}")
    cap = _num(s.get("cap"), f"{where}.cap", low=0, allow_none=True)
    if mn is not None and per is not None:
        raise ConfigError(f"预设的 {where} 不能同时给出 min 和 per")
    numeric, boolean = _numeric_fields(), _boolean_fields()
    allowed = numeric if (mn is not None or per is not None) else boolean
    kind = "数值字段（带 min 或 per）" if allowed is numeric else "布尔字段或 label_<荣誉>"
    for f in fields:
        if f not in allowed:
            raise ConfigError(f"预设的 {where}.field 为未知字段 {f!r}：应为{kind}")
    if allowed is numeric and len(fields) != 1:
        raise ConfigError(f"预设的 {where}.field 带 min 或 per 时只能有一个字段")
    return Adjustment(
        key=str(s.get("key") or f"adj{i}"),
        label=str(s["label"]),
        fields=fields,
        points=points,
        min=mn,
        per=per,
        cap=cap,
    )


def _veto(i: int, d: Any) -> Veto:
    where = f"veto[{i}]"
    s = _keys(d, _VETO, where)
    if "label" not in s or "field" not in s:
        raise ConfigError(f"预设的 {where} 需要 label 和 field 两个键")
    raw = s["field"]
    fields = tuple(str(f) for f in (raw if isinstance(raw, list) else [raw]))
    for f in fields:
        if f not in _boolean_fields():
            raise ConfigError(
                f"预设的 {where}.field 为未知字段 {f!r}：应为布尔字段（如 safety_incident）"
            )
    worst = str(s.get("class", "D"))
    if worst not in CLASSES[1:]:
        raise ConfigError(f"预设的 {where}.class 只能是 B、C、D（最高可评的类别），现为 {worst!r}")
    return Veto(
        key=str(s.get("key") or f"veto{i}"), label=str(s["label"]), fields=fields, worst=worst
    )


def _exemptions(d: Any) -> Exemptions:
    s = _keys(d, _EXEMPT, "exemptions")
    out: dict[str, Any] = {}
    for k in ("new_production_months", "startup_tech_years"):
        v = s.get(k)
        if v is not None and (isinstance(v, bool) or not isinstance(v, int) or v < 0):
            raise ConfigError(f"预设的 exemptions.{k} 应为非负整数或 null，现为 {v!r}")
        out[k] = v
    u = s.get("utility", True)
    if not isinstance(u, bool):
        raise ConfigError(f"预设的 exemptions.utility 应为 true 或 false，现为 {u!r}")
    divs = s.get("utility_divisions") or []
    if not isinstance(divs, list) or any(not str(x).isdigit() or len(str(x)) != 2 for x in divs):
        raise ConfigError(
            f"预设的 exemptions.utility_divisions 应为两位行业大类代码的列表，现为 {divs!r}"
        )
    return Exemptions(
        new_production_months=out["new_production_months"],
        startup_tech_years=out["startup_tech_years"],
        utility=u,
        utility_divisions=tuple(str(x) for x in divs),
    )


def parse_preset(data: dict[str, Any] | str) -> MujunPreset:
    """Validate a preset (YAML text or its dict) and return it.

    Keys: ``key``, ``name``, ``source`` (issuer, document, title, date, url, note), ``scoring``
    (method benchmark | minmax, k, basis county | park, mean firms | pooled, cap, floor),
    ``lists`` (above_scale / small_land / small_tiny / tenant → indicators {key: weight or
    {weight, benchmark, missing}}, weight_total, missing average | zero, classes), ``classes``
    (method percentile with shares A/B/C/D summing to 100, or thresholds with A ≥ B ≥ C),
    ``adjustments`` (label, field, points, min | per, cap), ``bonus_cap``, ``deduction_cap``,
    ``exemptions`` (new_production_months, startup_tech_years, utility, utility_divisions),
    ``indicators`` (custom ratios), ``land_threshold`` (亩, default 3), ``notes``, ``veto``
    (一票否决: label, field — boolean fields, any true — and class, the best class such a firm
    may get: B, C or D, default D).

    Raises
    ------
    ConfigError
        A Chinese message naming the key at fault (unknown key, a weight that is not a number,
        weights not summing to the declared total, an unknown field or indicator, percentages
        not summing to 100, …).

    Examples
    --------
    >>> p = parse_preset('''
    ... key: mine
    ... name: 自定义
    ... source: {issuer: 某县经信局}
    ... lists: {above_scale: {indicators: {tax_per_mu: 60, va_per_mu: 40}}}
    ... classes: {method: percentile, shares: {A: 20, B: 40, C: 35, D: 5}}
    ... ''')
    >>> p.method, [w.weight for w in p.lists["above_scale"].indicators]
    ('benchmark', [60.0, 40.0])
    >>> parse_preset({"key": "x", "name": "x", "source": {"issuer": "y"}, "lists": {},
    ...               "classes": {}, "colour": 1})
    Traceback (most recent call last):
    ...
    xinzhi.errors.ConfigError: 预设中有未知的键 'colour'（位置：顶层）；...
    """
    if isinstance(data, str):
        try:
            data = yamlfile.safe_load(data)
        except yaml.YAMLError as exc:
            raise ConfigError(f"预设 YAML 无法解析：{exc}") from exc
    d = _keys(data, _TOP, "顶层")
    for req in ("key", "name", "source", "lists", "classes"):
        if req not in d:
            raise ConfigError(f"预设缺少必需的键 {req!r}")
    src = _keys(d["source"], _SOURCE, "source")
    if not src.get("issuer"):
        raise ConfigError("预设的 source.issuer（发文机关）不能为空")
    source = Source(**{k: (None if v is None else str(v)) for k, v in src.items()})  # type: ignore[arg-type]
    sc = _keys(d.get("scoring") or {}, _SCORING, "scoring")
    method = _choice(sc.get("method", "benchmark"), ("benchmark", "minmax"), "scoring.method")
    k = _num(sc.get("k", 1.0), "scoring.k", low=0)
    if k <= 0:
        raise ConfigError("预设的 scoring.k 应大于 0")
    basis = _choice(sc.get("basis", "county"), ("county", "park"), "scoring.basis")
    mean = _choice(sc.get("mean", "firms"), ("firms", "pooled"), "scoring.mean")
    cap = _num(sc.get("cap"), "scoring.cap", low=0, allow_none=True)
    floor = _num(sc.get("floor", 0.0), "scoring.floor", low=0)
    if cap is not None and cap < floor:
        raise ConfigError(f"预设的 scoring.cap（{cap:g}）不能小于 scoring.floor（{floor:g}）")
    custom = _custom(d.get("indicators") or {})
    known = set(INDICATORS) | set(custom)
    lists_raw = d["lists"]
    if not isinstance(lists_raw, Mapping) or not lists_raw:
        raise ConfigError("预设的 lists 应为非空映射（名单键: 设置）")
    lists: dict[str, ListRule] = {}
    for lk, spec in lists_raw.items():
        if str(lk) not in LIST_KEYS:
            raise ConfigError(
                f"预设的 lists 中有未知的名单 {lk!r}；可用：{'、'.join(LIST_KEYS)}"
                "（规上、规下≥门槛、规下<门槛、无自有用地）"
            )
        lists[str(lk)] = _list(str(lk), spec, known)
    adj_raw = d.get("adjustments") or []
    if not isinstance(adj_raw, list):
        raise ConfigError("预设的 adjustments 应为列表")
    adjustments = tuple(_adjustment(i, a) for i, a in enumerate(adj_raw))
    veto_raw = d.get("veto") or []
    if not isinstance(veto_raw, list):
        raise ConfigError("预设的 veto 应为列表")
    return MujunPreset(
        key=str(d["key"]),
        name=str(d["name"]),
        source=source,
        method=method,
        lists=lists,
        classes=_classes(d["classes"], "classes"),
        k=k,
        basis=basis,
        mean=mean,
        cap=cap,
        floor=floor,
        land_threshold=_num(d.get("land_threshold", 3.0), "land_threshold", low=0),
        adjustments=adjustments,
        bonus_cap=_num(d.get("bonus_cap"), "bonus_cap", low=0, allow_none=True),
        deduction_cap=_num(d.get("deduction_cap"), "deduction_cap", low=0, allow_none=True),
        exemptions=_exemptions(d.get("exemptions") or {}),
        indicators=custom,
        notes=str(d.get("notes") or ""),
        veto=tuple(_veto(i, v) for i, v in enumerate(veto_raw)),
    )


BUILTIN = ("huangyan", "huaian", "tiantai", "jingning", "generic")


@cache
def _builtin(name: str) -> MujunPreset:
    text = (
        resources.files("xinzhi.enterprise")
        .joinpath("presets")
        .joinpath(f"{name}.yaml")
        .read_text("utf-8")
    )
    return parse_preset(text)


def builtin_presets() -> dict[str, MujunPreset]:
    """The shipped presets by key: huangyan, huaian, tiantai, jingning, generic."""
    return {name: _builtin(name) for name in BUILTIN}


def preset(name: str) -> MujunPreset:
    """The shipped preset ``name``.

    Raises
    ------
    ConfigError
        Unknown name (the message lists the shipped ones).
    """
    if name not in BUILTIN:
        raise ConfigError(f"未知的亩均评价预设 {name!r}；内置预设：{'、'.join(BUILTIN)}")
    return _builtin(name)
