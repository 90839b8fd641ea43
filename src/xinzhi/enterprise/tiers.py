"""The SME cultivation ladder (优质中小企业梯度培育) with dated rule versions: which firms meet
the conditions of 科技型中小企业, 创新型 / 科技和创新型中小企业, 专精特新中小企业, 专精特新
“小巨人”企业 and 高新技术企业 on an assessment date, condition by condition.

Rule tables
-----------
One YAML file per policy document in ``xinzhi/enterprise/rules/`` (package data), each with its
issuer, document number (文号), date, validity window and sources:

* 工信部企业〔2022〕63号《优质中小企业梯度培育管理暂行办法》 (MIIT, 2022-06-01; valid
  2022-08-01 .. 2026-03-31): 创新型中小企业 (100-point table, pass ≥ 60 with group floors, or a
  direct condition), 专精特新中小企业, 专精特新“小巨人”企业;
* 工信部企业〔2026〕2号《优质中小企业梯度培育管理办法》 (MIIT, January 2026; from
  2026-04-01): 科技和创新型中小企业, 专精特新中小企业, “小巨人” — thresholds that could not be
  verified are marked ``unverified`` and never guessed;
* 国科发政〔2017〕115号《科技型中小企业评价办法》 (MOST, MOF, STA, 2017-05-03; revised by
  国科发政〔2022〕16号): size limits, 100-point table (科技人员 20 / 研发投入 50 as the better of
  R&D ÷ revenue and R&D ÷ 成本费用支出总额 / 科技成果 30, pass ≥ 60 with 科技人员 > 0), direct
  confirmation;
* 国科发火〔2016〕32号《高新技术企业认定管理办法》 第十一条 (MOST, MOF, STA, 2016-01-29), with
  总收入 as defined by 国科发火〔2016〕195号 (收入总额 − 不征税收入) and 境内研发费用 ≥ 60 %.

:func:`rule_versions` lists the documents, :func:`rules_for` picks the one in force for a tier on a
date (the MIIT switch is at 2026-04-01).

Three-valued logic
------------------
Every condition compiles to a nullable boolean Ibis expression over the firm frame: TRUE (met),
FALSE (not met), NULL (unknown: an input is NULL or absent, or the item needs an official fact
with no catalogue field, such as an expert review of the 技术领域). Scores an authority publishes
(专精特新发展质量评价得分, the province's 专精特新 score, the 高企 innovation score) are catalogue
fields read as given; a missing one is NULL, never estimated. ``any_of`` / ``all_of`` follow SQL's OR / AND (NULL OR TRUE = TRUE, NULL AND FALSE =
FALSE), so a firm failing one condition is 不通过 even when another is unknown. A tier's status is
the AND of its conditions: TRUE → 通过, FALSE → 不通过, NULL → 需补充数据.

Scoring tables are evaluated as intervals ``[lo, hi]`` of points: an item whose band depends on an
official fact (e.g. 创新型 item 5, 战略性新兴产业 10 or other 5 points) contributes its range; an
item with a NULL input contributes ``[0, max]``. The score condition is TRUE when ``lo`` passes
(total and every group floor), FALSE when ``hi`` fails, otherwise NULL. ``score`` / ``score_max``
in the results are ``lo`` / ``hi``.

Band convention: 以上 / 以下 include the bound (the documents' convention); a value on a band
boundary gets the better band (``min: 0.05`` means value ≥ 0.05).

Dates: the founding condition of 高企 (registered ≥ 1 year) compares ``founded`` with a cutoff date
computed in Python (assessment date minus N years), so the SQL is backend-neutral. The firm frame
holds the data year before the assessment (上年度); ``<field>_prev1``, ``<field>_prev2`` are the
two years before it.

Examples
--------
Two firms checked against 科技型中小企业 on 2025-06-30. Firm A: 40 of 100 staff in S&T (40 % → 20
points), R&D 6 % of revenue (50 points), one Ⅰ类 IP (30 points): 20 + 50 + 30 = 100 ≥ 60, size
within limits → 通过. Firm B has 600 staff (> 500) → 不通过; its S&T share 40 / 600 = 6.7 %
scores 0 (< 10 %), so 0 + 50 + 30 = 80 points with the 科技人员 item at 0 — the score misses,
but the direct confirmations (高企 label, awards, …) are unknown, so that condition needs data
rather than failing:

>>> import datetime as dt
>>> import pandas as pd
>>> firms = pd.DataFrame({
...     "credit_code": ["A", "B"], "employees": [100, 600], "tech_staff": [40, 40],
...     "revenue": [1000.0, 1000.0], "total_assets": [500.0, 500.0],
...     "rd_expenditure": [60.0, 60.0], "ip_class1": [1, 1], "ip_class2": [0, 0],
...     "safety_incident": [False, False], "environment_violation": [False, False]})
>>> res = check_tiers(firms, dt.date(2025, 6, 30), tiers=["tech_sme"])
>>> res.tidy()[["credit_code", "tier", "status", "rule_version", "score"]].values.tolist()
[['A', '科技型中小企业', '通过', '国科发政〔2017〕115号', 100.0], ['B', '科技型中小企业', '不通过', '国科发政〔2017〕115号', 80.0]]
>>> res.tidy()["failed"].tolist()[1]
['职工总数 ≤ 500 人']
>>> [m for m in res.tidy()["missing"].tolist()[1] if m.startswith(("称号", "需官方值"))][:2]
['称号：高新技术企业', '需官方值：近五年国家级科技奖励及排名']

Where to look
-------------
* Docs: ``docs/enterprise_tiers.md`` (rule tables, sources, verification status).
* Tests: ``tests/enterprise/test_tiers.py`` (every threshold at its edge, both versions),
  ``tests/enterprise/test_tiers_sources.py`` (the thresholds of the verification pass).
"""

from __future__ import annotations

import ast
import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
import pandas as pd

from xinzhi import yamlfile
from xinzhi.codes.firm_fields import firm_fields, firm_labels
from xinzhi.enterprise._compiled import execute, in_memory
from xinzhi.errors import ConfigError, InputError
from xinzhi.results import Result

if TYPE_CHECKING:
    import ibis.expr.types as ir

__all__ = [
    "FAIL",
    "PASS",
    "UNKNOWN",
    "Condition",
    "RuleSet",
    "ScoreItem",
    "Scoring",
    "TierResult",
    "TierRule",
    "check_tiers",
    "load_rules",
    "rule_versions",
    "rules_for",
    "tiers_expr",
]

PASS = "通过"
FAIL = "不通过"
UNKNOWN = "需补充数据"

#: Ladder order of the tier keys (display and default order).
TIER_ORDER = (
    "tech_sme",
    "innovative_sme",
    "tech_innovative_sme",
    "srdi_sme",
    "little_giant",
    "hnte",
)

_OPS = {">=": "ge", ">": "gt", "<=": "le", "<": "lt", "==": "eq"}
_LEAF_KINDS = ("official", "unverified", "unavailable")
_REASON_PREFIX = {
    "official": "需官方值：",
    "unverified": "规则未核实（需官方值）：",
    "unavailable": "数据目录缺字段：",
}


# --------------------------------------------------------------------------- rule tables


@dataclass(frozen=True)
class Condition:
    """One condition of a tier (a node of the condition tree).

    ``kind`` is one of ``compare`` (``expr op threshold``; the threshold a number or a band table
    on another expression), ``boolean`` (``expr`` is a boolean expression), ``founded``
    (registered at least ``years`` years before the assessment date), ``any_of`` / ``all_of``
    (children), ``cases`` (the first child whose ``when`` holds), ``score`` (the tier's scoring
    table passes), ``tier`` (another tier: its label held or its rule met), ``official``,
    ``unverified``, ``unavailable`` (always unknown, with ``reason``).
    """

    key: str
    label: str
    kind: str
    expr: str | None = None
    op: str | None = None
    threshold: float | None = None
    threshold_by: str | None = None
    threshold_bands: tuple[tuple[float | None, float], ...] = ()
    years: int | None = None
    tier: str | None = None
    reason: str | None = None
    children: tuple[Condition, ...] = ()
    whens: tuple[str | None, ...] = ()
    unit: str = ""
    source: str = ""
    verified: bool | None = None

    def walk(self) -> Iterable[Condition]:
        """This node and all nodes below it."""
        yield self
        for child in self.children:
            yield from child.walk()

    def threshold_text(self) -> str:
        """The threshold as text (``≥ 0.03``, ``≤ 5000 → 0.05; …``)."""
        if self.kind == "compare":
            if self.threshold_bands:
                parts = [
                    (f"{self.threshold_by} ≤ {_num(m)} → " if m is not None else "其余 → ")
                    + _num(v)
                    for m, v in self.threshold_bands
                ]
                return f"{self.op} [" + "；".join(parts) + "]"
            return f"{self.op} {_num(self.threshold)}"
        if self.kind == "founded":
            return f"成立 ≥ {self.years} 年"
        return ""


@dataclass(frozen=True)
class ScoreItem:
    """One item of a scoring table: points by bands of ``value`` (``bands``: ``(op, bound, lo,
    hi)`` in order, the last with ``op`` None), by ``cases`` (``(when, lo, hi)``), or a fixed
    range (``official``). ``upper`` fixes the item's upper bound (an alternative measure the
    data cannot show). ``best_of`` holds alternative measures the firm may choose between (科技型
    研发投入: R&D / revenue or R&D / total costs): the item scores the best of them, ``[max lo,
    max hi]`` — an alternative with a NULL input contributes its full range, so the upper bound
    stays open until every alternative is known."""

    key: str
    label: str
    group: str
    max: float
    value: str | None = None
    bands: tuple[tuple[str | None, float | None, float, float], ...] = ()
    cases: tuple[tuple[str | None, float, float], ...] = ()
    official: str | None = None
    points: tuple[float, float] = (0.0, 0.0)
    upper: float | None = None
    best_of: tuple[ScoreItem, ...] = ()

    def texts(self) -> tuple[str, ...]:
        """Every expression the item reads (its value, case conditions, alternatives)."""
        own = tuple(t for t in (self.value, *(w for w, _, _ in self.cases)) if t)
        return own + tuple(t for alt in self.best_of for t in alt.texts())


@dataclass(frozen=True)
class Scoring:
    """A points table: pass mark and group floors (``(op, value)``)."""

    pass_mark: float
    groups: Mapping[str, tuple[str, float]]
    items: tuple[ScoreItem, ...]


@dataclass(frozen=True)
class TierRule:
    """The rule of one tier in one document."""

    key: str
    name: str
    label: str | None
    source: str
    conditions: tuple[Condition, ...]
    scoring: Scoring | None = None


@dataclass(frozen=True)
class RuleSet:
    """One policy document's rule tables: issuer, 文号, dates, sources and its tiers."""

    key: str
    issuer: str
    number: str
    title: str
    date: dt.date
    valid_from: dt.date
    valid_to: dt.date | None
    url: str
    sources: tuple[str, ...]
    verified: str
    not_checked: tuple[str, ...]
    tiers: Mapping[str, TierRule] = field(default_factory=dict)

    def valid_on(self, on: dt.date) -> bool:
        """Whether the document is in force on ``on``."""
        return self.valid_from <= on and (self.valid_to is None or on <= self.valid_to)


def _num(x: float | None) -> str:
    if x is None:
        return ""
    return f"{x:g}"


# ---------------------------------------------------------------- expressions (safe subset)

_NUMERIC = {"double", "integer"}


@cache
def _field_types() -> dict[str, str]:
    """Every column a rule may read → ibis type."""
    out: dict[str, str] = {"founded": "date"}
    for key, f in firm_fields().items():
        if f.type in _NUMERIC:
            out[key] = "float64"
            out[f"{key}_prev1"] = "float64"
            out[f"{key}_prev2"] = "float64"
        elif f.type == "boolean":
            out[key] = "boolean"
        elif f.type == "date":
            out[key] = "date"
        else:
            out[key] = "string"
    for key in firm_labels():
        out[f"label_{key}"] = "boolean"
    return out


def _field_label(name: str) -> str:
    """Chinese label of a frame column (``revenue_prev1`` → 营业收入（前一年）)."""
    fields = firm_fields()
    if name == "founded":
        return "成立日期"
    if name.startswith("label_"):
        return "称号：" + firm_labels().get(name[6:], name[6:])
    for suffix, text in (("_prev1", "（上年度前一年）"), ("_prev2", "（上年度前两年）")):
        if name.endswith(suffix) and name[: -len(suffix)] in fields:
            return fields[name[: -len(suffix)]].label + text
    return fields[name].label if name in fields else name


def _names(text: str, where: str) -> frozenset[str]:
    """Parse an expression of the safe subset and return the columns it reads."""
    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError as exc:
        raise ConfigError(f"规则表达式无法解析（{where}）：{text!r}") from exc
    names: set[str] = set()
    allowed = (
        ast.Expression,
        ast.BinOp,
        ast.UnaryOp,
        ast.BoolOp,
        ast.Compare,
        ast.Name,
        ast.Constant,
        ast.Load,
        ast.Add,
        ast.Sub,
        ast.Mult,
        ast.Div,
        ast.USub,
        ast.Not,
        ast.And,
        ast.Or,
        ast.GtE,
        ast.Gt,
        ast.LtE,
        ast.Lt,
        ast.Eq,
    )
    types = _field_types()
    for node in ast.walk(tree):
        if not isinstance(node, allowed):
            raise ConfigError(
                f"规则表达式（{where}）含不允许的写法 {type(node).__name__}：{text!r}"
            )
        if isinstance(node, ast.Compare) and len(node.ops) != 1:
            raise ConfigError(f"规则表达式（{where}）只允许单个比较：{text!r}")
        if isinstance(node, ast.Constant) and not isinstance(node.value, int | float):
            raise ConfigError(f"规则表达式（{where}）只允许数值常量：{text!r}")
        if isinstance(node, ast.Name):
            if node.id not in types:
                raise ConfigError(
                    f"规则表达式（{where}）引用了未知字段 {node.id!r}："
                    "字段须为企业年度数据目录（codes/firm_fields.yaml）中的键、其 _prev1/_prev2、"
                    "label_<称号> 或 founded"
                )
            names.add(node.id)
    return frozenset(names)


class _Compiler:
    """Compiles rule expressions and conditions to Ibis expressions over one firm table."""

    def __init__(self, t: ir.Table, on: dt.date) -> None:
        self.t = t
        self.on = on
        self.columns = set(t.columns)
        self._tier_ok: dict[str, Any] = {}
        self._score: dict[str, tuple[Any, Any, Any]] = {}
        #: per tier, the (lo, hi) points of its scoring items when already columns of ``t``
        self._items: dict[str, list[tuple[Any, Any]]] = {}

    # columns and expressions
    def col(self, name: str) -> Any:
        import ibis

        typ = _field_types()[name]
        if name in self.columns:
            return self.t[name].cast(typ)
        return ibis.null(typ)

    def expr(self, text: str) -> Any:
        return self._node(ast.parse(text, mode="eval").body)

    def _node(self, node: ast.AST) -> Any:
        import ibis

        if isinstance(node, ast.Name):
            return self.col(node.id)
        if isinstance(node, ast.Constant):
            return ibis.literal(float(node.value))  # type: ignore[arg-type]
        if isinstance(node, ast.UnaryOp):
            inner = self._node(node.operand)
            return -inner if isinstance(node.op, ast.USub) else ~inner
        if isinstance(node, ast.BinOp):
            a, b = self._node(node.left), self._node(node.right)
            if isinstance(node.op, ast.Add):
                return a + b
            if isinstance(node.op, ast.Sub):
                return a - b
            if isinstance(node.op, ast.Mult):
                return a * b
            return a / b.nullif(0)  # x / 0 is unknown, not infinite
        if isinstance(node, ast.BoolOp):
            parts = [self._node(v) for v in node.values]
            out = parts[0]
            for p in parts[1:]:
                out = (out & p) if isinstance(node.op, ast.And) else (out | p)
            return out
        if isinstance(node, ast.Compare):
            a, b = self._node(node.left), self._node(node.comparators[0])
            op = node.ops[0]
            if isinstance(op, ast.GtE):
                return a >= b
            if isinstance(op, ast.Gt):
                return a > b
            if isinstance(op, ast.LtE):
                return a <= b
            if isinstance(op, ast.Lt):
                return a < b
            return a == b
        raise ConfigError(f"规则表达式含不允许的写法 {type(node).__name__}")  # pragma: no cover

    # conditions
    def condition(self, c: Condition, rule: TierRule) -> Any:
        import ibis

        if c.kind == "compare":
            value = self.expr(c.expr or "")
            thr = self.threshold(c)
            return _compare(value, c.op or ">=", thr)
        if c.kind == "boolean":
            return self.expr(c.expr or "").cast("boolean")
        if c.kind == "founded":
            return self.col("founded") <= ibis.literal(self.cutoff(c.years or 0))
        if c.kind in _LEAF_KINDS:
            return ibis.null("boolean")
        if c.kind == "any_of" or c.kind == "all_of":
            parts = [self.condition(ch, rule) for ch in c.children]
            out = parts[0]
            for p in parts[1:]:
                out = (out | p) if c.kind == "any_of" else (out & p)
            return out
        if c.kind == "cases":
            out = self.condition(c.children[-1], rule)
            for when, child in zip(reversed(c.whens[:-1]), reversed(c.children[:-1]), strict=True):
                w = self.expr(when or "")
                out = ibis.cases(
                    (w.isnull(), ibis.null("boolean")),
                    (w, self.condition(child, rule)),
                    else_=out,
                )
            return out
        if c.kind == "score":
            return self.score(rule)[0]
        if c.kind == "tier":
            return self.tier_held(c.tier or "")
        raise ConfigError(f"未知的条件类型 {c.kind!r}")  # pragma: no cover

    def threshold(self, c: Condition) -> Any:
        import ibis

        if not c.threshold_bands:
            return ibis.literal(float(c.threshold or 0.0))
        by = self.expr(c.threshold_by or "")
        pairs = [(by <= m, v) for m, v in c.threshold_bands if m is not None]
        last = c.threshold_bands[-1][1]
        return ibis.cases(
            (by.isnull(), ibis.null("float64")), *pairs, else_=ibis.literal(float(last))
        )

    def cutoff(self, years: int) -> dt.date:
        """The assessment date minus ``years`` years (29 February → 28 February)."""
        return self.cutoff_of(self.on, years)

    @staticmethod
    def cutoff_of(on: dt.date, years: int) -> dt.date:
        """``on`` minus ``years`` years (29 February → 28 February)."""
        day = 28 if (on.month == 2 and on.day == 29) else on.day
        return dt.date(on.year - years, on.month, day)

    def tier_ok(self, rule: TierRule) -> Any:
        """AND of the tier's conditions (three-valued)."""
        if rule.key not in self._tier_ok:
            parts = [self.condition(c, rule) for c in rule.conditions]
            out = parts[0]
            for p in parts[1:]:
                out = out & p
            self._tier_ok[rule.key] = out
        return self._tier_ok[rule.key]

    def tier_held(self, tier: str) -> Any:
        """Label of ``tier`` held, or its rule (in force on the date) met."""
        rule = rules_for(tier, self.on).tiers[tier]
        ok = self.tier_ok(rule)
        if rule.label:
            ok = self.col(f"label_{rule.label}") | ok
        return ok

    def score(self, rule: TierRule) -> tuple[Any, Any, Any]:
        """(pass condition, lo, hi) of the tier's scoring table."""
        import ibis

        if rule.key in self._score:
            return self._score[rule.key]
        sc = rule.scoring
        if sc is None:
            raise ConfigError(f"{rule.name} 没有评分表，不能使用 score 条件")
        lo_g: dict[str, Any] = {}
        hi_g: dict[str, Any] = {}
        pairs = self._items.get(rule.key) or [self.item(item) for item in sc.items]
        for item, (lo, hi) in zip(sc.items, pairs, strict=True):
            lo_g[item.group] = lo_g[item.group] + lo if item.group in lo_g else lo
            hi_g[item.group] = hi_g[item.group] + hi if item.group in hi_g else hi
        groups = list(lo_g)
        lo = lo_g[groups[0]]
        hi = hi_g[groups[0]]
        for g in groups[1:]:
            lo = lo + lo_g[g]
            hi = hi + hi_g[g]
        sure = lo >= sc.pass_mark
        fails = hi < sc.pass_mark
        for g, (op, v) in sc.groups.items():
            sure = sure & _compare(lo_g[g], op, ibis.literal(v))
            fails = fails | ~_compare(hi_g[g], op, ibis.literal(v))
        ok = ibis.cases((sure, True), (fails, False), else_=ibis.null("boolean"))
        self._score[rule.key] = (ok, lo, hi)
        return ok, lo, hi

    def item(self, item: ScoreItem) -> tuple[Any, Any]:
        """(lo, hi) points of one scoring item."""
        import ibis

        if item.best_of:
            pairs = [self.item(alt) for alt in item.best_of]
            lo: Any = ibis.greatest(*(p[0] for p in pairs)) if len(pairs) > 1 else pairs[0][0]
            hi: Any = ibis.greatest(*(p[1] for p in pairs)) if len(pairs) > 1 else pairs[0][1]
        elif item.official is not None:
            lo = ibis.literal(item.points[0])
            hi = ibis.literal(item.points[1])
        elif item.bands:
            v = self.expr(item.value or "")
            band_lo = [
                (_compare(v, op or ">=", ibis.literal(b)), p) for op, b, p, _ in item.bands[:-1]
            ]
            band_hi = [
                (_compare(v, op or ">=", ibis.literal(b)), q) for op, b, _, q in item.bands[:-1]
            ]
            low = min(p for _, _, p, _ in item.bands)
            high = max(q for _, _, _, q in item.bands)
            lo = ibis.cases(
                (v.isnull(), low), *band_lo, else_=ibis.literal(item.bands[-1][2])
            ).cast("float64")
            hi = ibis.cases(
                (v.isnull(), high), *band_hi, else_=ibis.literal(item.bands[-1][3])
            ).cast("float64")
        else:
            lo = ibis.literal(item.cases[-1][1])
            hi = ibis.literal(item.cases[-1][2])
            for when, p, q in reversed(item.cases[:-1]):
                w = self.expr(when or "")
                lo = ibis.cases((w, p), (~w, lo), else_=ibis.least(ibis.literal(p), lo))
                hi = ibis.cases((w, q), (~w, hi), else_=ibis.greatest(ibis.literal(q), hi))
            lo = lo.cast("float64")
            hi = hi.cast("float64")
        if item.upper is not None:
            hi = ibis.literal(float(item.upper))
        return lo, hi

    def value(self, c: Condition) -> Any:
        """The value shown for a top-level condition (NULL where there is none)."""
        import ibis

        if c.kind == "compare":
            return self.expr(c.expr or "").cast("float64")
        if c.kind == "founded":
            return self.col("founded").cast("string")
        return ibis.null("float64")

    def threshold_value(self, c: Condition) -> Any:
        import ibis

        if c.kind == "compare":
            return self.threshold(c).cast("float64")
        return ibis.null("float64")


def _compare(a: Any, op: str, b: Any) -> Any:
    if op == ">=":
        return a >= b
    if op == ">":
        return a > b
    if op == "<=":
        return a <= b
    if op == "<":
        return a < b
    return a == b


# ------------------------------------------------------------------------- YAML loading


def _date(value: Any, where: str) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError as exc:
        raise ConfigError(f"规则文件 {where} 的日期无法识别：{value!r}") from exc


def _condition(spec: Mapping[str, Any], where: str, verified: bool | None) -> Condition:
    if not isinstance(spec, Mapping):
        raise ConfigError(f"规则 {where} 的条件须为映射：{spec!r}")
    key = str(spec.get("key") or "")
    label = str(spec.get("label") or key)
    if not key:
        raise ConfigError(f"规则 {where} 有条件缺少 key")
    here = f"{where}.{key}"
    ver = spec.get("verified", verified)
    common: dict[str, Any] = {
        "key": key,
        "label": label,
        "unit": str(spec.get("unit") or ""),
        "source": str(spec.get("source") or ""),
        "verified": None if ver is None else bool(ver),
    }
    for kind in _LEAF_KINDS:
        if kind in spec:
            return Condition(kind=kind, reason=str(spec[kind]), **common)
    if "any_of" in spec or "all_of" in spec:
        kind = "any_of" if "any_of" in spec else "all_of"
        children = tuple(_condition(ch, here, ver) for ch in spec[kind] or ())
        if not children:
            raise ConfigError(f"规则 {here} 的 {kind} 为空")
        return Condition(kind=kind, children=children, **common)
    if "cases" in spec:
        whens: list[str | None] = []
        kids: list[Condition] = []
        for i, case in enumerate(spec["cases"] or ()):
            when = case.get("when")
            last = i == len(spec["cases"]) - 1
            if when is None and not last:
                raise ConfigError(f"规则 {here} 的 cases 只有最后一项可以省略 when")
            if when is not None:
                _names(str(when), here)
            whens.append(None if when is None else str(when))
            kids.append(_condition(dict(case), here, ver))
        if not kids:
            raise ConfigError(f"规则 {here} 的 cases 为空")
        if whens[-1] is not None:
            raise ConfigError(f"规则 {here} 的 cases 最后一项须省略 when（其余情形）")
        return Condition(kind="cases", children=tuple(kids), whens=tuple(whens), **common)
    if "founded_years" in spec:
        return Condition(kind="founded", years=int(spec["founded_years"]), **common)
    if spec.get("score"):
        return Condition(kind="score", **common)
    if "tier" in spec:
        return Condition(kind="tier", tier=str(spec["tier"]), **common)
    if "expr" in spec:
        text = str(spec["expr"])
        _names(text, here)
        op = spec.get("op")
        if op is None:
            return Condition(kind="boolean", expr=text, **common)
        if op not in _OPS:
            raise ConfigError(f"规则 {here} 的比较符 {op!r} 无效：可选 {', '.join(_OPS)}")
        thr = spec.get("threshold")
        if isinstance(thr, Mapping):
            by = str(thr.get("by") or "")
            _names(by, here)
            bands: list[tuple[float | None, float]] = []
            for b in thr.get("bands") or ():
                m = b.get("max")
                bands.append((None if m is None else float(m), float(b["value"])))
            if not bands or bands[-1][0] is not None:
                raise ConfigError(f"规则 {here} 的阈值分档须以不带 max 的一档结尾")
            return Condition(
                kind="compare",
                expr=text,
                op=str(op),
                threshold_by=by,
                threshold_bands=tuple(bands),
                **common,
            )
        if not isinstance(thr, int | float) or isinstance(thr, bool):
            raise ConfigError(f"规则 {here} 的阈值须为数值：{thr!r}")
        return Condition(kind="compare", expr=text, op=str(op), threshold=float(thr), **common)
    raise ConfigError(
        f"规则 {here} 缺少条件内容（expr、any_of、all_of、cases、founded_years、score、tier、"
        "official、unverified 或 unavailable）"
    )


def _points(value: Any, where: str) -> tuple[float, float]:
    if isinstance(value, list | tuple):
        if len(value) != 2:
            raise ConfigError(f"评分项 {where} 的分值区间须为 [下限, 上限]")
        return float(value[0]), float(value[1])
    return float(value), float(value)


def _item(spec: Mapping[str, Any], where: str) -> ScoreItem:
    key = str(spec.get("key") or "")
    here = f"{where}.{key}"
    base: dict[str, Any] = {
        "key": key,
        "label": str(spec.get("label") or key),
        "group": str(spec.get("group") or ""),
        "max": float(spec.get("max") or 0),
        "upper": None if spec.get("upper") is None else float(spec["upper"]),
    }
    if "best_of" in spec:
        alts = spec.get("best_of")
        if not isinstance(alts, list) or not alts:
            raise ConfigError(f"评分项 {here} 的 best_of 须为非空列表（可选的计分口径）")
        subs = []
        for i, alt in enumerate(alts):
            if not isinstance(alt, Mapping):
                raise ConfigError(f"评分项 {here} 的 best_of 第 {i + 1} 项须为映射")
            sub = dict(alt)
            sub.setdefault("key", f"{key}_{i + 1}")
            sub.setdefault("group", base["group"])
            sub.setdefault("max", base["max"])
            if "best_of" in sub:
                raise ConfigError(f"评分项 {here} 的 best_of 不能嵌套")
            subs.append(_item(sub, here))
        return ScoreItem(best_of=tuple(subs), **base)
    if "official" in spec:
        return ScoreItem(
            official=str(spec["official"]), points=_points(spec.get("points", 0), here), **base
        )
    if "bands" in spec:
        value = str(spec.get("value") or "")
        _names(value, here)
        bands: list[tuple[str | None, float | None, float, float]] = []
        for b in spec["bands"] or ():
            lo, hi = _points(b.get("points", 0), here)
            if "min" in b:
                bands.append((">=", float(b["min"]), lo, hi))
            elif "max" in b:
                bands.append(("<=", float(b["max"]), lo, hi))
            else:
                bands.append((None, None, lo, hi))
        if not bands or bands[-1][0] is not None:
            raise ConfigError(f"评分项 {here} 的分档须以不带 min/max 的一档结尾")
        return ScoreItem(value=value, bands=tuple(bands), **base)
    if "cases" in spec:
        cases: list[tuple[str | None, float, float]] = []
        for case in spec["cases"] or ():
            when = case.get("when")
            if when is not None:
                _names(str(when), here)
            lo, hi = _points(case.get("points", 0), here)
            cases.append((None if when is None else str(when), lo, hi))
        if not cases or cases[-1][0] is not None:
            raise ConfigError(f"评分项 {here} 的 cases 最后一项须省略 when")
        return ScoreItem(cases=tuple(cases), **base)
    raise ConfigError(f"评分项 {here} 须有 bands、cases、best_of 或 official")


def load_rules(source: str | Mapping[str, Any]) -> RuleSet:
    """Validate one rule document (YAML text or its parsed mapping) and return its
    :class:`RuleSet`.

    Raises
    ------
    ConfigError
        With a Chinese message naming the document key and the condition at fault.
    """
    data = yamlfile.safe_load(source) if isinstance(source, str) else source
    if not isinstance(data, Mapping) or "document" not in data or "tiers" not in data:
        raise ConfigError("规则文件须包含 document 与 tiers 两部分")
    doc = dict(data["document"])
    where = str(doc.get("key") or doc.get("number") or "?")
    for k in ("key", "issuer", "number", "title", "date", "valid_from"):
        if not doc.get(k):
            raise ConfigError(f"规则文件 {where} 的 document 缺少 {k}")
    verified = doc.get("verified", True)
    doc_verified = verified if isinstance(verified, bool) else None
    tiers: dict[str, TierRule] = {}
    for tkey, tspec in dict(data["tiers"]).items():
        tkey = str(tkey)
        if tkey not in TIER_ORDER:
            raise ConfigError(
                f"规则文件 {where} 的梯度 {tkey!r} 未知：可选 {', '.join(TIER_ORDER)}"
            )
        here = f"{where}.{tkey}"
        conds = tuple(_condition(c, here, doc_verified) for c in tspec.get("conditions") or ())
        if not conds:
            raise ConfigError(f"规则 {here} 没有条件")
        scoring = None
        if tspec.get("scoring"):
            s = dict(tspec["scoring"])
            groups: dict[str, tuple[str, float]] = {}
            for g, v in dict(s.get("groups") or {}).items():
                if isinstance(v, Mapping):
                    op, bound = (">", v["gt"]) if "gt" in v else (">=", v["min"])
                    groups[str(g)] = (op, float(bound))
                else:
                    groups[str(g)] = (">=", float(v))
            items = tuple(_item(i, here) for i in s.get("items") or ())
            if not items:
                raise ConfigError(f"规则 {here} 的评分表没有评分项")
            unknown = set(groups) - {i.group for i in items}
            if unknown:
                raise ConfigError(f"规则 {here} 的分组下限指向不存在的分组：{sorted(unknown)}")
            scoring = Scoring(pass_mark=float(s["pass"]), groups=groups, items=items)
        if any(c.kind == "score" for top in conds for c in top.walk()) and scoring is None:
            raise ConfigError(f"规则 {here} 使用 score 条件但没有评分表")
        label = tspec.get("label")
        if label is not None and str(label) not in firm_labels():
            raise ConfigError(f"规则 {here} 的称号 {label!r} 不在称号目录中")
        tiers[tkey] = TierRule(
            key=tkey,
            name=str(tspec.get("name") or tkey),
            label=None if label is None else str(label),
            source=str(tspec.get("source") or ""),
            conditions=conds,
            scoring=scoring,
        )
    valid_to = doc.get("valid_to")
    return RuleSet(
        key=str(doc["key"]),
        issuer=str(doc["issuer"]),
        number=str(doc["number"]),
        title=str(doc["title"]),
        date=_date(doc["date"], where),
        valid_from=_date(doc["valid_from"], where),
        valid_to=None if valid_to is None else _date(valid_to, where),
        url=str(doc.get("url") or ""),
        sources=tuple(str(s) for s in doc.get("sources") or ()),
        verified=str(verified).lower() if not isinstance(verified, str) else verified,
        not_checked=tuple(str(s) for s in doc.get("not_checked") or ()),
        tiers=tiers,
    )


@cache
def _bundled() -> tuple[RuleSet, ...]:
    folder = resources.files("xinzhi.enterprise").joinpath("rules")
    out = [
        load_rules(p.read_text("utf-8"))
        for p in sorted(folder.iterdir(), key=lambda p: p.name)
        if p.name.endswith(".yaml")
    ]
    return tuple(sorted(out, key=lambda r: (r.valid_from, r.key)))


def rule_versions() -> list[RuleSet]:
    """All bundled rule documents, oldest first."""
    return list(_bundled())


def _tier_key(tier: str) -> str:
    if tier in TIER_ORDER:
        return tier
    names = {t.name: k for r in _bundled() for k, t in r.tiers.items()}
    names.update({v: k for k, v in firm_labels().items() if k in TIER_ORDER})
    if tier in names:
        return names[tier]
    raise InputError(f"未知的梯度 {tier!r}：可选 {', '.join(TIER_ORDER)}（或其中文名称）")


def rules_for(tier: str, on: dt.date) -> RuleSet:
    """The rule document in force for ``tier`` (key or Chinese name) on ``on``.

    The MIIT ladder switches from 工信部企业〔2022〕63号 (until 2026-03-31) to
    工信部企业〔2026〕2号 (from 2026-04-01); 创新型中小企业 exists only under the former,
    科技和创新型中小企业 only under the latter.

    Raises
    ------
    InputError
        Unknown tier, or no document for it in force on ``on``.
    """
    key = _tier_key(tier)
    if isinstance(on, dt.datetime):
        on = on.date()
    found = [r for r in _bundled() if key in r.tiers and r.valid_on(on)]
    if not found:
        spans = [
            f"{r.number}（{r.valid_from} 至 {r.valid_to or '今'}）"
            for r in _bundled()
            if key in r.tiers
        ]
        raise InputError(
            f"{on} 没有适用于梯度 {key!r} 的规则版本；已有：{'；'.join(spans) or '无'}"
        )
    return found[-1]


# ----------------------------------------------------------------------------- checking


def _resolve_tiers(on: dt.date, tiers: Sequence[str] | None) -> list[str]:
    if tiers is None:
        keys = [k for k in TIER_ORDER if any(k in r.tiers and r.valid_on(on) for r in _bundled())]
    else:
        if isinstance(tiers, str):
            raise InputError("tiers 须为梯度列表，例如 ['srdi_sme']")
        keys = []
        for t in tiers:
            k = _tier_key(str(t))
            if k not in keys:
                keys.append(k)
        if not keys:
            raise InputError("tiers 为空：至少选择一个梯度")
    for k in keys:
        rules_for(k, on)
    return keys


def _as_table(firms: pd.DataFrame | ir.Table) -> ir.Table:
    import ibis

    if isinstance(firms, pd.DataFrame):
        if "credit_code" not in firms.columns:
            raise InputError("企业数据缺少列 credit_code（统一社会信用代码）")
        return ibis.memtable(firms)
    if "credit_code" not in firms.columns:
        raise InputError("企业数据缺少列 credit_code（统一社会信用代码）")
    return firms


def _fields_of(c: Condition, rule: TierRule) -> set[str]:
    out: set[str] = set()
    for node in c.walk():
        for text in (node.expr, node.threshold_by, *node.whens):
            if text:
                out |= _names(text, rule.key)
        if node.kind == "founded":
            out.add("founded")
        if node.kind == "score" and rule.scoring is not None:
            for item in rule.scoring.items:
                for text in item.texts():
                    out |= _names(text, rule.key)
        if node.kind == "tier":
            held = _bundled_label(node.tier or "")
            if held:
                out.add(f"label_{held}")
    return out


def _bundled_label(tier: str) -> str | None:
    for r in _bundled():
        if tier in r.tiers:
            return r.tiers[tier].label
    return None


def _reasons_of(c: Condition, rule: TierRule) -> list[str]:
    out: list[str] = []
    for node in c.walk():
        if node.kind in _LEAF_KINDS:
            out.append(_REASON_PREFIX[node.kind] + (node.reason or node.label))
        if node.kind == "score" and rule.scoring is not None:
            out += ["需官方值：" + i.official for i in rule.scoring.items if i.official is not None]
        if node.kind == "tier":
            out.append(f"先满足：{_tier_name(node.tier or '')}")
    return list(dict.fromkeys(out))


def _tier_name(key: str) -> str:
    for r in _bundled():
        if key in r.tiers:
            return r.tiers[key].name
    return key


def tiers_expr(firms: ir.Table, on: dt.date, tiers: Sequence[str] | None = None) -> ir.Table:
    """The tier checks as one Ibis expression (any backend): per firm ``credit_code``, and per
    tier ``<tier>__status`` (通过 / 不通过 / 需补充数据), ``<tier>__score`` / ``__score_max``
    (where the tier has a scoring table), per top-level condition ``<tier>__<cond>__ok``
    (nullable boolean), ``__value``, ``__threshold``, and ``null__<field>`` for every field read.
    """
    import ibis

    if isinstance(on, dt.datetime):
        on = on.date()
    keys = _resolve_tiers(on, tiers)
    # Built in stages, each a projection over the previous one: a tier's scoring items, then its
    # score, its conditions and its verdict become columns that later parts (the status, the
    # verdict, tiers that require this one) reference instead of repeating the expression. The
    # SQL stays a fraction of the inlined size, which DuckDB and Spark plan much faster.
    t = firms
    verdict: dict[str, str] = {}
    for k in _dependency_order(keys, on):
        rule = rules_for(k, on).tiers[k]
        scored: tuple[str, str, str] | None = None
        if rule.scoring is not None:
            comp = _Compiler(t, on)
            items = [comp.item(item) for item in rule.scoring.items]
            t = t.mutate(
                **{
                    f"_tt_{k}_i{i}_{b}": v[j]
                    for i, v in enumerate(items)
                    for j, b in enumerate("lh")
                }
            )
            comp = _Compiler(t, on)
            comp._items[k] = [
                (t[f"_tt_{k}_i{i}_l"], t[f"_tt_{k}_i{i}_h"]) for i in range(len(items))
            ]
            ok, lo, hi = comp.score(rule)
            scored = (f"_tt_{k}_score_ok", f"_tt_{k}_score_lo", f"_tt_{k}_score_hi")
            t = t.mutate(**{scored[0]: ok, scored[1]: lo, scored[2]: hi})
        comp = _Compiler(t, on)
        comp._tier_ok = {d: t[verdict[d]] for d in verdict}
        if scored is not None:
            comp._score[k] = (t[scored[0]], t[scored[1]], t[scored[2]])
        t = t.mutate(
            **{f"_tt_{k}_c{j}": comp.condition(c, rule) for j, c in enumerate(rule.conditions)}
        )
        parts = [t[f"_tt_{k}_c{j}"] for j in range(len(rule.conditions))]
        out = parts[0]
        for part in parts[1:]:
            out = out & part
        t = t.mutate(**{f"_tt_{k}_ok": out})
        verdict[k] = f"_tt_{k}_ok"
    comp = _Compiler(t, on)
    cols: dict[str, Any] = {"credit_code": t["credit_code"].cast("string")}
    used: set[str] = set()
    for k in keys:
        rule = rules_for(k, on).tiers[k]
        ok = t[verdict[k]]
        cols[f"{k}__status"] = ibis.cases(
            (ok.isnull(), UNKNOWN), (ok, PASS), else_=ibis.literal(FAIL)
        )
        if rule.scoring is not None:
            cols[f"{k}__score"] = t[f"_tt_{k}_score_lo"]
            cols[f"{k}__score_max"] = t[f"_tt_{k}_score_hi"]
        for j, c in enumerate(rule.conditions):
            cols[f"{k}__{c.key}__ok"] = t[f"_tt_{k}_c{j}"]
            cols[f"{k}__{c.key}__value"] = comp.value(c)
            cols[f"{k}__{c.key}__threshold"] = comp.threshold_value(c)
            used |= _fields_of(c, rule)
    for f in sorted(used):
        cols[f"null__{f}"] = comp.col(f).isnull()
    return t.select(**cols)


def _dependency_order(keys: Sequence[str], on: dt.date) -> list[str]:
    """``keys`` and the tiers their conditions require, each after the ones it requires."""
    order: list[str] = []
    seen: set[str] = set()

    def visit(k: str) -> None:
        if k in seen:
            return
        seen.add(k)
        rule = rules_for(k, on).tiers[k]
        for c in rule.conditions:
            for node in c.walk():
                if node.kind == "tier" and node.tier:
                    visit(node.tier)
        order.append(k)

    for k in keys:
        visit(k)
    return order


def check_tiers(
    firms: pd.DataFrame | ir.Table,
    on: dt.date,
    tiers: list[str] | None = None,
) -> TierResult:
    """Check every firm against the ladder's rule versions in force on ``on``.

    Parameters
    ----------
    firms : DataFrame or ibis Table
        The firm frame (one row per firm for the data year before ``on``; columns of
        :mod:`xinzhi.codes.firm_fields`, ``<field>_prev1``, ``<field>_prev2``,
        ``label_<key>``, ``founded``). Absent columns are all-NULL (needs data), never 0.
        A DataFrame runs on DuckDB (``ibis.memtable``); an ibis Table runs on its backend.
    on : datetime.date
        Assessment date: selects the rule version (MIIT switch at 2026-04-01) and the founding
        cutoffs.
    tiers : list of str, optional
        Tier keys or Chinese names (default: every tier with a rule in force on ``on``):
        ``tech_sme``, ``innovative_sme`` (until 2026-03-31), ``tech_innovative_sme`` (from
        2026-04-01), ``srdi_sme``, ``little_giant``, ``hnte``.

    Returns
    -------
    TierResult
        ``tidy()``, ``conditions()``, ``candidates(tier)``, ``summary()``, ``to_excel()``.
    """
    if isinstance(on, dt.datetime):
        on = on.date()
    if not isinstance(on, dt.date):
        raise InputError(f"评价日期须为日期（datetime.date），得到 {on!r}")
    keys = _resolve_tiers(on, tiers)
    t = _as_table(firms)
    if in_memory(t):  # SQL compiled once per date, tiers and column schema
        wide = execute(
            ("tiers", on, tuple(keys)),
            lambda xinzhi_frame: tiers_expr(xinzhi_frame, on, keys),
            {"xinzhi_frame": t},
        )
    else:
        wide = tiers_expr(t, on, keys).execute()
    # rows by credit code: the same order on every backend and every run
    wide = wide.sort_values("credit_code", kind="stable")
    return TierResult(wide=wide, on=on, tiers=keys)


# ------------------------------------------------------------------------------ results


class TierResult(Result):
    """Tier checks of a firm frame on one assessment date (see :func:`check_tiers`)."""

    headers: ClassVar[dict[str, str]] = {
        "credit_code": "统一社会信用代码",
        "tier": "梯度",
        "status": "判定",
        "rule_version": "规则版本（文号）",
        "score": "评分（下限）",
        "score_max": "评分（上限）",
        "failed": "未满足条件",
        "missing": "需补充数据",
        "condition": "条件",
        "value": "企业数值",
        "threshold": "门槛",
        "source": "条款",
        "n_failed": "未满足条件数",
        "shortfall": "相对差距",
        "n_missing": "待补数据条件数",
        "lacks": "尚缺",
    }

    def __init__(self, *, wide: pd.DataFrame, on: dt.date, tiers: list[str]) -> None:
        self.wide = wide.reset_index(drop=True)
        self.on = on
        self.tiers = list(tiers)
        self.rules = {k: rules_for(k, on) for k in self.tiers}
        self._cache: dict[str, Any] = {}

    # per tier: condition status codes as numpy arrays (1 met, 0 failed, -1 unknown)
    def _codes(self, k: str) -> dict[str, np.ndarray]:
        key = f"codes:{k}"
        if key not in self._cache:
            w = self.wide
            out = {}
            for c in self.rules[k].tiers[k].conditions:
                ok = w[f"{k}__{c.key}__ok"]
                known = ok.notna().to_numpy()
                met = ok.fillna(False).astype(bool).to_numpy()
                out[c.key] = np.where(known, np.where(met, 1, 0), -1)
            self._cache[key] = out
        return dict(self._cache[key])

    def _numbers(self, k: str, c: Condition) -> tuple[np.ndarray, np.ndarray]:
        w = self.wide
        value = pd.to_numeric(w[f"{k}__{c.key}__value"], errors="coerce").to_numpy("float64")
        thr = pd.to_numeric(w[f"{k}__{c.key}__threshold"], errors="coerce").to_numpy("float64")
        return value, thr

    def _failed_items(self, k: str) -> tuple[list[str], list[np.ndarray]]:
        """Labels of the tier's conditions and per label where it failed."""
        conds = self.rules[k].tiers[k].conditions
        codes = self._codes(k)
        return [c.label for c in conds], [codes[c.key] == 0 for c in conds]

    def _missing_items(self, k: str) -> tuple[list[str], list[np.ndarray]]:
        """The fields (NULL inputs of unknown conditions) and official items needed, and per
        item where it is needed."""
        rule = self.rules[k].tiers[k]
        codes = self._codes(k)
        n = len(self.wide)
        items: dict[str, np.ndarray] = {}
        for c in rule.conditions:
            unknown = codes[c.key] == -1
            for f in sorted(_fields_of(c, rule)):
                col = f"null__{f}"
                isnull = (
                    self.wide[col].fillna(True).astype(bool).to_numpy()
                    if col in self.wide
                    else np.ones(n, dtype=bool)
                )
                label = _field_label(f)
                items[label] = items.get(label, np.zeros(n, dtype=bool)) | (unknown & isnull)
            for r in _reasons_of(c, rule):
                items[r] = items.get(r, np.zeros(n, dtype=bool)) | unknown
        return list(items), list(items.values())

    def _lists(self, kind: str, k: str) -> tuple[np.ndarray, np.ndarray]:
        """Per firm the labels (``failed`` or ``missing``) as tuples: ``(tuples, index)`` with
        one tuple per distinct combination and each firm's position in it (firms share a few
        combinations, so the text is built once per combination, not per firm)."""
        key = f"{kind}:{k}"
        if key not in self._cache:
            names, masks = self._failed_items(k) if kind == "failed" else self._missing_items(k)
            n = len(self.wide)
            if not names or n == 0:
                empty = np.empty(1, dtype=object)
                empty[0] = ()
                self._cache[key] = (empty, np.zeros(n, dtype="int64"))
            else:
                m = np.column_stack(masks)
                # each firm's combination as integers of up to 62 bits (sorting the rows of a
                # boolean matrix is far slower)
                words = [
                    (m[:, i : i + 62].astype("int64") << np.arange(m[:, i : i + 62].shape[1]))
                    .sum(axis=1)
                    .astype("int64")
                    for i in range(0, m.shape[1], 62)
                ]
                if len(words) == 1:
                    _, first, inv = np.unique(words[0], return_index=True, return_inverse=True)
                else:
                    inv = pd.MultiIndex.from_arrays(words).factorize()[0]
                    _, first = np.unique(inv, return_index=True)
                uniq = m[first]
                combos = np.empty(len(uniq), dtype=object)
                for i, row in enumerate(uniq):
                    combos[i] = tuple(name for name, hit in zip(names, row, strict=True) if hit)
                self._cache[key] = (combos, np.asarray(inv).ravel())
        out: tuple[np.ndarray, np.ndarray] = self._cache[key]
        return out

    def conditions(self) -> pd.DataFrame:
        """Long table: credit_code, tier, condition, status, value, threshold (and source,
        rule_version). ``value`` / ``threshold`` are the compared numbers (for the founding
        condition the founding date and the cutoff date; empty where the condition is not a
        single comparison)."""
        frames = []
        w = self.wide
        labels = np.array([FAIL, PASS, UNKNOWN], dtype=object)  # index by code (−1 → last)
        for k in self.tiers:
            rs = self.rules[k]
            rule = rs.tiers[k]
            for c in rule.conditions:
                code = self._codes(k)[c.key]
                if c.kind == "founded":
                    value: Any = w[f"{k}__{c.key}__value"].astype(object)
                    thr: Any = _Compiler.cutoff_of(self.on, c.years or 0).isoformat()
                else:
                    value, thr = self._numbers(k, c)
                frames.append(
                    pd.DataFrame(
                        {
                            "credit_code": w["credit_code"],
                            "tier": rule.name,
                            "condition": c.label,
                            "status": labels[code],
                            "value": pd.Series(value, index=w.index, dtype=object),
                            "threshold": pd.Series(thr, index=w.index, dtype=object),
                            "source": c.source,
                            "rule_version": rs.number,
                        }
                    )
                )
        return pd.concat(frames, ignore_index=True)

    def tidy(self) -> pd.DataFrame:
        """One row per firm and tier: credit_code, tier (Chinese name), status (通过 / 不通过 /
        需补充数据), rule_version (文号), score / score_max (scoring tables; bounds of the
        points), failed (labels of failed conditions), missing (fields and official values
        needed)."""
        out = self._tidy_shared().copy()
        for col in ("failed", "missing"):
            out[col] = pd.Series([list(x) for x in out[col]], index=out.index, dtype=object)
        return out

    def tidy_firm(self, credit_code: str) -> pd.DataFrame:
        """The rows of :meth:`tidy` of one firm (the whole table is not copied)."""
        t = self._tidy_shared()
        out = t[t["credit_code"] == credit_code].reset_index(drop=True)
        for col in ("failed", "missing"):
            out[col] = pd.Series([list(x) for x in out[col]], index=out.index, dtype=object)
        return out

    def _tidy_shared(self) -> pd.DataFrame:
        """:meth:`tidy` as computed once, failed / missing as tuples (not to be changed: the
        counts and the summary read it without copying)."""
        if "tidy" not in self._cache:
            w = self.wide
            frames = []
            for k in self.tiers:
                rs = self.rules[k]
                nan = pd.Series(np.nan, index=w.index, dtype="float64")
                frames.append(
                    pd.DataFrame(
                        {
                            "credit_code": w["credit_code"],
                            "tier": rs.tiers[k].name,
                            "status": w[f"{k}__status"],
                            "rule_version": rs.number,
                            "score": w[f"{k}__score"].astype("float64")
                            if f"{k}__score" in w
                            else nan,
                            "score_max": w[f"{k}__score_max"].astype("float64")
                            if f"{k}__score_max" in w
                            else nan,
                            "failed": _per_firm(*self._lists("failed", k)),
                            "missing": _per_firm(*self._lists("missing", k)),
                        }
                    )
                )
            self._cache["tidy"] = pd.concat(frames, ignore_index=True)
        out: pd.DataFrame = self._cache["tidy"]
        return out

    def candidates(self, tier: str) -> pd.DataFrame:
        """Firms not passing ``tier``, closest first: by the number of failed conditions, then
        the summed relative shortfall of the failed comparisons ``|threshold − value| /
        |threshold|``, then the number of conditions needing data; ``lacks`` says what each
        still lacks (failed conditions with value and threshold, then the data needed)."""
        k = _tier_key(tier)
        if k not in self.tiers:
            raise InputError(f"本次判定未包含梯度 {tier!r}：已判定 {', '.join(self.tiers)}")
        rule = self.rules[k].tiers[k]
        w = self.wide
        n = len(w)
        n_failed = np.zeros(n, dtype="int64")
        n_missing = np.zeros(n, dtype="int64")
        shortfall = np.zeros(n, dtype="float64")
        lacks = np.full(n, "", dtype=object)
        for c in rule.conditions:
            code = self._codes(k)[c.key]
            failed = code == 0
            n_failed += failed
            n_missing += code == -1
            text = np.full(n, c.label, dtype=object)
            if c.kind == "compare":
                value, thr = self._numbers(k, c)
                with np.errstate(divide="ignore", invalid="ignore"):
                    rel = np.abs(thr - value) / np.abs(thr)
                rel = np.where(np.isfinite(rel), rel, 0.0)
                shortfall += np.where(failed, rel, 0.0)
                has = ~(np.isnan(value) | np.isnan(thr))
                detail = (
                    c.label
                    + "（"
                    + pd.Series(value).map("{:.4g}".format).to_numpy(dtype=object)
                    + f"，要求 {c.op} "
                    + pd.Series(thr).map("{:.4g}".format).to_numpy(dtype=object)
                    + "）"
                )
                text = np.where(has, detail, text)
            lacks = np.where(failed, lacks + text + "；", lacks)
        combos, inv = self._lists("missing", k)
        texts = np.array(["需补充：" + "、".join(c) if c else "" for c in combos], dtype=object)
        need = texts[inv]
        out = pd.DataFrame(
            {
                "credit_code": w["credit_code"],
                "tier": rule.name,
                "status": w[f"{k}__status"],
                "n_failed": n_failed,
                "shortfall": shortfall,
                "n_missing": n_missing,
                "lacks": pd.Series(lacks + need).str.rstrip("；"),
            }
        )
        out = out[out["status"] != PASS]
        out = out.sort_values(
            ["n_failed", "shortfall", "n_missing", "credit_code"], kind="mergesort"
        )
        return out.reset_index(drop=True)

    def rule_table(self) -> pd.DataFrame:
        """The rule documents used: tier, 文号, title, issuer, date, validity, verification."""
        rows = []
        for k in self.tiers:
            rs = self.rules[k]
            rows.append(
                {
                    "tier": rs.tiers[k].name,
                    "rule_version": rs.number,
                    "title": rs.title,
                    "issuer": rs.issuer,
                    "date": rs.date.isoformat(),
                    "valid_from": rs.valid_from.isoformat(),
                    "valid_to": rs.valid_to.isoformat() if rs.valid_to else "",
                    "verified": rs.verified,
                    "url": rs.url,
                    "not_checked": "；".join(rs.not_checked),
                }
            )
        return pd.DataFrame(rows)

    def tables(self) -> dict[str, pd.DataFrame]:
        tidy = self.tidy()
        for col in ("failed", "missing"):
            tidy[col] = tidy[col].map("；".join)
        return {
            "梯度判定": tidy,
            "条件明细": self.conditions(),
            "规则版本": self.rule_table(),
        }

    def excel_headers(self) -> dict[str, str]:
        return {
            **self.headers,
            "title": "文件名称",
            "issuer": "发文机关",
            "date": "印发日期",
            "valid_from": "施行日期",
            "valid_to": "失效日期",
            "verified": "核实情况",
            "url": "来源",
            "not_checked": "未自动核验事项",
        }

    def status_counts(self) -> pd.DataFrame:
        """Firms per tier (rows, in the order checked) and status: columns tier, 通过, 不通过,
        需补充数据, and ``share`` (通过 / all firms checked; NULL when none)."""
        tidy = self._tidy_shared()
        names = [self.rules[k].tiers[k].name for k in self.tiers]
        ct = pd.crosstab(tidy["tier"], tidy["status"]).reindex(
            index=names, columns=[PASS, FAIL, UNKNOWN], fill_value=0
        )
        out = ct.rename_axis("tier").reset_index().rename_axis(None, axis=1)
        total = out[[PASS, FAIL, UNKNOWN]].sum(axis=1)
        out["share"] = (out[PASS] / total).where(total > 0)
        return out

    def summary(self) -> str:
        tidy = self._tidy_shared()
        lines = [f"梯度培育判定（评价日期 {self.on.isoformat()}，企业 {len(self.wide)} 家）"]
        for k in self.tiers:
            rs = self.rules[k]
            name = rs.tiers[k].name
            s = tidy[tidy["tier"] == name]["status"].value_counts()
            lines.append(
                f"- {name}（{rs.number}《{rs.title}》）：通过 {int(s.get(PASS, 0))}，"
                f"不通过 {int(s.get(FAIL, 0))}，需补充数据 {int(s.get(UNKNOWN, 0))}"
            )
        lines.append(
            "说明：需专家评审或平台评分的事项（如专精特新发展质量评价得分、高企创新能力评价）"
            "记为“需补充数据”，不作推测。"
        )
        return self.labelled("\n".join(lines))


def _per_firm(combos: np.ndarray, index: np.ndarray) -> pd.Series:
    """The tuple of each firm from :meth:`TierResult._lists` (tuples: hashable, cheap to copy)."""
    return pd.Series(combos[index], dtype=object)
