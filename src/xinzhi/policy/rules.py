"""The rule language of support policies: one YAML document per policy, validated into
dataclasses (:func:`load_document`).

A document (``policies/<id>.yaml``, see ``docs/policy_rules.md``) carries its issuer, 文号, date,
validity window, region and subject (firm | person) and a list of clauses; each clause has a
condition ``when`` (tri-state, see :mod:`xinzhi.policy.conditions`) and an optional ``benefit``
(amount in 万元, see :mod:`xinzhi.policy.benefits`). Every key is checked before anything is
computed; an error is an :class:`~xinzhi.errors.InputError` whose Chinese message names the
document and the key path at fault (``clauses[3].when.all[1].ge``).

Condition forms (exactly one operator per leaf)::

    {field: F, ge|gt|le|lt|eq|ne: V}        {field: F, between: [a, b]}   (inclusive)
    {field: F, in: [..]}  {field: F, not_in: [..]}
    {field: F, prefix: ["13", "14"]}  {field: F, not_prefix: [..]}
    {field: F, is: true|false}
    {ratio: [A, B], ge|gt|le|lt: x}         {diff: [A, B], ge|gt|le|lt: x}   (A − B)
    {label: KEY, held: true|false}          {label: KEY, since_within_years: N}
    {years_since: DATE_FIELD, ge|gt|le|lt: N}
    {date: DATE_FIELD, on_or_after|before|after|on_or_before: 2023-01-01}
    {size: [大, 中, 小, 微]}
    {sei: [1, 4, "1.2"]}                    (industry_code in 战略性新兴产业 sectors / classes)
    {all: [..]}  {any: [..]}  {not: <cond>}

Benefit forms: ``{fixed: x}`` or a range ``{fixed: [low, high]}``, ``{percent: {base: F, rate: r | [r1, r2]}}``,
``{per_unit: {base: F, amount: x, per: n}}`` (``per`` optional: x × ⌊F / n⌋), ``{bands: {by: F, base: G, bands: [{ge|gt: a, le|lt: b,
rate|amount: …}]}}`` (``by`` or ``on``, quoted or not), each with optional ``cap`` and
``floor``. A base (or ``by``) may be a difference ``{diff: [A, B]}`` = A − B.

>>> doc = load_document('''
... document: {id: demo, title: 示例政策, issuer: 示例县人民政府, date: 2024-01-01,
...            region: "220524", subject: firm, category: 工业, source: 示例数据}
... clauses:
...   - id: "1-1"
...     title: 研发投入奖励
...     when: {all: [{field: rd_expenditure, ge: 100}, {label: hnte, held: true}]}
...     benefit: {percent: {base: rd_expenditure, rate: 0.1}, cap: 50}
... ''')
>>> doc.clauses[0].when.children[0].text
'研发费用 ≥ 100 万元'
>>> doc.clauses[0].benefit.text
'研发费用 × 10%，上限 50 万元'
>>> load_document({"document": {"id": "x"}, "clauses": []})
Traceback (most recent call last):
...
xinzhi.errors.InputError: 政策文件 x：document.title：缺少必填项
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import yaml

from xinzhi import yamlfile
from xinzhi.codes.firm_fields import firm_labels
from xinzhi.codes.sei import PARTIAL_REASON as SEI_PARTIAL
from xinzhi.codes.sei import check_sei_selection, sei_sectors
from xinzhi.errors import ConfigError, InputError
from xinzhi.policy.facts import FieldSpec, firm_field_specs, parse_field_spec, person_field_specs

__all__ = [
    "CATEGORIES",
    "SIZE_CLASSES",
    "Band",
    "Benefit",
    "Budget",
    "Clause",
    "Condition",
    "PolicyDocument",
    "diff_fields",
    "diff_key",
    "load_document",
]

CATEGORIES = ("科技创新", "人才", "工业", "招商", "农业产业化", "文旅", "综合")
SUBJECTS = ("firm", "person")
SIZE_CLASSES = ("大", "中", "小", "微")

_CMP = ("ge", "gt", "le", "lt")
_FIELD_OPS = (*_CMP, "eq", "ne", "between", "in", "not_in", "prefix", "not_prefix", "is")
_DATE_OPS = ("on_or_after", "before", "after", "on_or_before")
_SYMBOL = {"ge": "≥", "gt": ">", "le": "≤", "lt": "<", "eq": "=", "ne": "≠"}
_ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")

_DOC_KEYS = {
    "id",
    "title",
    "issuer",
    "doc_number",
    "date",
    "date_note",
    "valid_from",
    "valid_to",
    "region",
    "subject",
    "category",
    "source",
    "text",
    "stacking",
    "cap_per_subject",
    "budget",
}
_CLAUSE_KEYS = {"id", "article", "title", "text", "when", "benefit", "group", "note"}


@dataclass(frozen=True)
class Condition:
    """One node of a condition tree.

    ``kind``: ``all`` / ``any`` / ``not`` (``children``) or a leaf ``field`` / ``ratio`` /
    ``diff`` / ``label`` / ``years_since`` / ``date`` / ``size`` / ``sei``; ``op`` the operator
    key as written (``ge``, ``in``, ``held``, ``on_or_after`` …; ``in`` for size and sei);
    ``fields`` the frame columns
    read; ``value`` the comparison value (a rank for ordinal fields, a tuple for lists, a
    :class:`datetime.date` for dates); ``text`` the Chinese wording used in reasons (given or
    generated); ``fail_text`` the wording when the node fails (a reason of 不符合); ``path``
    the key path in the document; ``label`` the label key of a ``label`` leaf.
    """

    kind: str
    op: str = ""
    fields: tuple[str, ...] = ()
    value: Any = None
    children: tuple[Condition, ...] = ()
    text: str = ""
    path: str = ""
    label: str = ""
    fail_text: str = ""

    def leaves(self) -> list[Condition]:
        """The leaves below (or this node), depth first."""
        if not self.children:
            return [self]
        return [leaf for c in self.children for leaf in c.leaves()]


@dataclass(frozen=True)
class Band:
    """One band of a ``bands`` benefit: bounds on the ``on`` field and a rate or an amount."""

    lower: float | None = None
    lower_inclusive: bool = True
    upper: float | None = None
    upper_inclusive: bool = True
    rate: float | None = None
    amount: float | None = None

    def text(self, unit: str = "") -> str:
        """E.g. ``≥ 1000 且 ≤ 5000 万元``."""
        parts = []
        if self.lower is not None:
            parts.append(f"{'≥' if self.lower_inclusive else '>'} {_num(self.lower)}")
        if self.upper is not None:
            parts.append(f"{'≤' if self.upper_inclusive else '<'} {_num(self.upper)}")
        return (" 且 ".join(parts) or "任意值") + (f" {unit}" if unit and parts else "")


@dataclass(frozen=True)
class Benefit:
    """The amount of a clause in 万元.

    ``kind``: ``fixed`` (``amount``; a range ``amount`` .. ``amount_high`` when written
    ``[low, high]``, the office deciding within it), ``percent`` (``base`` × ``rate``; ``rate`` is a pair
    ``(low, high)``, equal for a single rate), ``per_unit`` (``base`` × ``amount``; with ``per``: ``amount`` × ⌊``base`` / ``per``⌋,
    每满 per 单位 amount 万元) or ``bands``
    (the band of ``on`` gives a rate × ``base`` or an amount). ``cap``: at most this much per
    subject for the clause; ``floor``: at least this much (default 0: amounts are never
    negative). ``text``: the formula in Chinese.
    """

    kind: str
    amount: float | None = None
    amount_high: float | None = None
    base: str | None = None
    rate: tuple[float, float] | None = None
    per: float | None = None
    on: str | None = None
    bands: tuple[Band, ...] = ()
    cap: float | None = None
    floor: float = 0.0
    text: str = ""

    @property
    def fields(self) -> tuple[str, ...]:
        """Frame columns the amount reads."""
        out: list[str] = []
        for f in (self.on, self.base):
            if f:
                pair = diff_fields(f)
                out.extend(pair if pair else (f,))
        return tuple(dict.fromkeys(out))


@dataclass(frozen=True)
class Clause:
    """One clause (条款) of a document: condition, benefit, stacking group, source sentence."""

    id: str
    title: str
    article: str = ""
    text: str = ""
    when: Condition | None = None
    benefit: Benefit | None = None
    group: str | None = None
    note: str = ""


@dataclass(frozen=True)
class Budget:
    """A document's budget ceiling (万元) and how it is shared when demand exceeds it."""

    total: float
    allocation: str = "pro_rata"  # pro_rata | ranked
    rank_by: str | None = None
    descending: bool = True


@dataclass(frozen=True, eq=False)
class PolicyDocument:
    """One policy document with its clauses (see the module docstring and
    ``docs/policy_rules.md``). ``data`` is the validated input mapping (for round trips);
    ``fields`` every field its clauses may read (catalogue plus the document's ``facts``)."""

    id: str
    title: str
    issuer: str
    date: dt.date | None
    region: str
    subject: str
    category: str
    source: str
    clauses: tuple[Clause, ...]
    doc_number: str = ""
    date_note: str = ""
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    text: str = ""
    stacking: Mapping[str, str] = field(default_factory=dict)
    cap_per_subject: float | None = None
    budget: Budget | None = None
    facts: Mapping[str, FieldSpec] = field(default_factory=dict)
    fields: Mapping[str, FieldSpec] = field(default_factory=dict)
    data: Mapping[str, Any] = field(default_factory=dict)

    def applies_on(self, on: dt.date) -> bool:
        """True when ``on`` is inside the validity window ``valid_from .. valid_to``
        (inclusive; ``valid_from`` defaults to ``date``; None = open at that end)."""
        start = self.valid_from or self.date
        return (start is None or start <= on) and (self.valid_to is None or on <= self.valid_to)

    def clause(self, clause_id: str) -> Clause:
        """The clause with this id (KeyError if none)."""
        for c in self.clauses:
            if c.id == clause_id:
                return c
        raise KeyError(clause_id)

    def field_label(self, key: str) -> str:
        """The Chinese label of field ``key`` (the key itself when the document does not know
        it)."""
        spec = self.fields.get(key)
        return spec.label if spec else key

    @property
    def citation(self) -> str:
        """``issuer《title》（文号，date）`` (``发文日期原文未载`` when the date is unknown)."""
        num = f"{self.doc_number}，" if self.doc_number else ""
        when = self.date.isoformat() if self.date else "发文日期原文未载"
        return f"{self.issuer}《{self.title}》（{num}{when}）"


# ---------------------------------------------------------------------------------------------


def _num(x: float) -> str:
    """A number without a trailing ``.0``."""
    if isinstance(x, float) and x.is_integer():
        return str(int(x))
    return f"{x:g}" if isinstance(x, float) else str(x)


def _pct(r: float) -> str:
    return f"{_num(round(r * 100, 6))}%"


class _Ctx:
    """Validation context: document name and the fields in scope."""

    def __init__(self, name: str, fields: Mapping[str, FieldSpec], subject: str) -> None:
        self.name = name
        self.fields = fields
        self.subject = subject

    def err(self, path: str, msg: str) -> InputError:
        return InputError(f"政策文件 {self.name}：{path}：{msg}")

    def field(self, key: object, path: str) -> FieldSpec:
        if not isinstance(key, str) or not key:
            raise self.err(path, f"应为字段名（字符串），实际为 {key!r}")
        spec = self.fields.get(key)
        if spec is None:
            where = "企业框架、policy/facts.yaml" if self.subject == "firm" else "人员字段"
            raise self.err(path, f"未知字段 {key}（既不在{where}中，也不在本文件的 facts 中）")
        return spec


def _is_number(v: object) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(float(v))


def _to_date(v: object, ctx: _Ctx, path: str) -> dt.date:
    if isinstance(v, dt.datetime):
        return v.date()
    if isinstance(v, dt.date):
        return v
    if isinstance(v, str):
        try:
            return dt.date.fromisoformat(v.strip())
        except ValueError:
            pass
    raise ctx.err(path, f"应为日期 YYYY-MM-DD，实际为 {v!r}")


def _number(v: object, ctx: _Ctx, path: str, *, minimum: float | None = None) -> float:
    if not _is_number(v):
        raise ctx.err(path, f"应为数值，实际为 {v!r}")
    x = float(v)  # type: ignore[arg-type]
    if minimum is not None and x < minimum:
        raise ctx.err(path, f"应不小于 {_num(minimum)}，实际为 {_num(x)}")
    return x


def _string_value(v: object, ctx: _Ctx, path: str) -> str:
    if isinstance(v, bool) or not isinstance(v, str | int):
        raise ctx.err(path, f"应为文字（字符串），实际为 {v!r}")
    return str(v)


def _unit(spec: FieldSpec) -> str:
    return f" {spec.unit}" if spec.unit and spec.unit != "0–1" else ""


def _field_value(spec: FieldSpec, op: str, v: object, ctx: _Ctx, path: str) -> Any:
    """Check and convert one comparison value against the field's type."""
    if spec.type == "ordinal":
        r = spec.rank(v) if isinstance(v, str | int) and not isinstance(v, bool) else None
        if r is None:
            raise ctx.err(
                path, f"字段 {spec.key} 的等级应为 {'、'.join(spec.levels)} 之一，实际为 {v!r}"
            )
        return r
    if spec.numeric:
        return _number(v, ctx, path)
    if spec.type == "boolean":
        if not isinstance(v, bool):
            raise ctx.err(path, f"字段 {spec.key} 为是/否字段，值应为 true 或 false，实际为 {v!r}")
        return v
    if spec.type == "varchar":
        return _string_value(v, ctx, path)
    raise ctx.err(
        path, f"日期字段 {spec.key} 请用 {{date: {spec.key}, on_or_after: …}} 或 years_since"
    )


def _show(spec: FieldSpec, value: Any) -> str:
    if spec.type == "ordinal":
        return spec.levels[int(value)]
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        return _num(value)
    return str(value)


def _one_op(d: Mapping[str, Any], ops: Sequence[str], ctx: _Ctx, path: str, form: str) -> str:
    found = [k for k in ops if k in d]
    if len(found) != 1:
        raise ctx.err(
            path,
            f"{form} 条件需要且只能有一个运算符（{' | '.join(ops)}），实际为 "
            f"{', '.join(found) if found else '无'}",
        )
    return found[0]


def _check_keys(d: Mapping[str, Any], allowed: set[str], ctx: _Ctx, path: str) -> None:
    extra = [str(k) for k in d if k not in allowed]
    if extra:
        raise ctx.err(f"{path}.{extra[0]}" if path else extra[0], "未知的键")


def _condition(d: object, ctx: _Ctx, path: str) -> Condition:
    cond = _condition_node(d, ctx, path)
    given = isinstance(d, Mapping) and bool(d.get("text"))
    if given or cond.kind not in ("any", "not"):
        fail = cond.text
    elif cond.kind == "any":
        fail = "、".join(c.text for c in cond.children) + " 均不满足"
    else:
        fail = f"属于排除情形：{cond.children[0].text}"
    return replace(cond, fail_text=fail)


def _condition_node(d: object, ctx: _Ctx, path: str) -> Condition:
    if not isinstance(d, Mapping):
        raise ctx.err(path, f"条件应为映射（如 {{field: revenue, ge: 1000}}），实际为 {d!r}")
    given = d.get("text")
    if given is not None and not isinstance(given, str):
        raise ctx.err(f"{path}.text", "应为中文说明文字")
    text = given or ""
    for comb in ("all", "any"):
        if comb in d:
            _check_keys(d, {comb, "text"}, ctx, path)
            items = d[comb]
            if not isinstance(items, list) or not items:
                raise ctx.err(f"{path}.{comb}", "应为非空的条件列表")
            kids = tuple(_condition(c, ctx, f"{path}.{comb}[{i}]") for i, c in enumerate(items))
            joiner = " 且 " if comb == "all" else " 或 "
            auto = joiner.join(k.text for k in kids)
            return Condition(comb, children=kids, text=text or f"（{auto}）", path=path)
    if "not" in d:
        _check_keys(d, {"not", "text"}, ctx, path)
        kid = _condition(d["not"], ctx, f"{path}.not")
        return Condition("not", children=(kid,), text=text or f"非（{kid.text}）", path=path)
    if "field" in d:
        _check_keys(d, {"field", "text", *_FIELD_OPS}, ctx, path)
        spec = ctx.field(d["field"], f"{path}.field")
        op = _one_op(d, _FIELD_OPS, ctx, path, "field")
        p = f"{path}.{op}"
        raw = d[op]
        lbl, unit = spec.label, _unit(spec)
        value: Any
        if op in _CMP:
            if not (spec.numeric or spec.type == "ordinal"):
                raise ctx.err(p, f"字段 {spec.key}（{spec.type}）不能比较大小")
            value = _field_value(spec, op, raw, ctx, p)
            auto = f"{lbl} {_SYMBOL[op]} {_show(spec, value)}{unit}"
        elif op in ("eq", "ne"):
            value = _field_value(spec, op, raw, ctx, p)
            auto = f"{lbl} {_SYMBOL[op]} {_show(spec, value)}{unit}"
        elif op == "between":
            if not (spec.numeric or spec.type == "ordinal"):
                raise ctx.err(p, f"字段 {spec.key}（{spec.type}）不能比较大小")
            if not isinstance(raw, list) or len(raw) != 2:
                raise ctx.err(p, "应为两个值的列表 [下限, 上限]（含两端）")
            lo = _field_value(spec, op, raw[0], ctx, f"{p}[0]")
            hi = _field_value(spec, op, raw[1], ctx, f"{p}[1]")
            if lo > hi:
                raise ctx.err(p, f"下限 {raw[0]} 大于上限 {raw[1]}")
            value = (lo, hi)
            auto = f"{lbl}在 {_show(spec, lo)}–{_show(spec, hi)}{unit} 之间（含）"
        elif op in ("in", "not_in"):
            if not isinstance(raw, list) or not raw:
                raise ctx.err(p, "应为非空的值列表")
            if spec.type in ("boolean", "date"):
                raise ctx.err(p, f"字段 {spec.key}（{spec.type}）不能用 in / not_in")
            value = tuple(_field_value(spec, op, v, ctx, f"{p}[{i}]") for i, v in enumerate(raw))
            shown = "、".join(_show(spec, v) for v in value)
            auto = f"{lbl}{'属于' if op == 'in' else '不属于'}（{shown}）"
        elif op in ("prefix", "not_prefix"):
            if spec.type != "varchar":
                raise ctx.err(
                    p, f"prefix 只用于文字字段（如行业代码、区划代码），{spec.key} 为 {spec.type}"
                )
            items = raw if isinstance(raw, list) else [raw]
            if not items:
                raise ctx.err(p, "应为非空的前缀列表")
            value = tuple(_string_value(v, ctx, f"{p}[{i}]") for i, v in enumerate(items))
            if any(v == "" for v in value):
                raise ctx.err(p, "前缀不能为空字符串")
            shown = "、".join(value)
            auto = f"{lbl}{'以' if op == 'prefix' else '不以'} {shown} 开头"
        else:  # is
            if spec.type != "boolean":
                raise ctx.err(p, f"is 只用于是/否字段，{spec.key} 为 {spec.type}")
            if not isinstance(raw, bool):
                raise ctx.err(p, f"应为 true 或 false，实际为 {raw!r}")
            value = raw
            auto = f"{lbl}：{'是' if raw else '否'}"
        return Condition("field", op, (spec.key,), value, text=text or auto, path=path)
    if "ratio" in d:
        _check_keys(d, {"ratio", "text", *_CMP}, ctx, path)
        pair = d["ratio"]
        if not isinstance(pair, list) or len(pair) != 2:
            raise ctx.err(f"{path}.ratio", "应为 [分子字段, 分母字段]")
        a = ctx.field(pair[0], f"{path}.ratio[0]")
        b = ctx.field(pair[1], f"{path}.ratio[1]")
        for i, s in enumerate((a, b)):
            if not s.numeric:
                raise ctx.err(f"{path}.ratio[{i}]", f"比值的字段应为数值字段，{s.key} 为 {s.type}")
        op = _one_op(d, _CMP, ctx, path, "ratio")
        value = _number(d[op], ctx, f"{path}.{op}")
        auto = f"{a.label} / {b.label} {_SYMBOL[op]} {_num(value)}"
        if 0 < value < 1 and a.unit == b.unit:
            auto += f"（{_pct(value)}）"
        return Condition("ratio", op, (a.key, b.key), value, text=text or auto, path=path)
    if "diff" in d:
        _check_keys(d, {"diff", "text", *_CMP}, ctx, path)
        a, b = _diff_pair(d["diff"], ctx, f"{path}.diff")
        op = _one_op(d, _CMP, ctx, path, "diff")
        value = _number(d[op], ctx, f"{path}.{op}")
        auto = f"{a.label} − {b.label} {_SYMBOL[op]} {_num(value)}{_unit(a)}"
        return Condition("diff", op, (a.key, b.key), value, text=text or auto, path=path)
    if "label" in d:
        _check_keys(d, {"label", "text", "held", "since_within_years"}, ctx, path)
        key = d["label"]
        labels = firm_labels()
        if ctx.subject != "firm":
            raise ctx.err(f"{path}.label", "label 条件只用于企业（subject: firm）")
        if key not in labels:
            raise ctx.err(f"{path}.label", f"未知的称号 {key!r}（可用：{', '.join(labels)}）")
        name = labels[key]
        op = _one_op(d, ("held", "since_within_years"), ctx, path, "label")
        cols = [f"label_{key}"]
        if f"label_{key}" not in ctx.fields:  # pragma: no cover - catalogue invariant
            raise ctx.err(f"{path}.label", f"称号 {key} 没有列")
        if op == "held":
            if not isinstance(d["held"], bool):
                raise ctx.err(f"{path}.held", f"应为 true 或 false，实际为 {d['held']!r}")
            value = d["held"]
            auto = f"{'持有' if value else '未持有'}{name}（评价日有效）"
        else:
            value = _number(d[op], ctx, f"{path}.{op}", minimum=0)
            if value <= 0 or not value.is_integer():
                raise ctx.err(f"{path}.{op}", f"年数应为正整数，实际为 {_num(value)}")
            value = int(value)
            cols.append(f"label_{key}_since")
            auto = f"{_num(value)} 年内新认定{name}"
        return Condition(
            "label", op, tuple(cols), value, text=text or auto, path=path, label=str(key)
        )
    if "years_since" in d:
        _check_keys(d, {"years_since", "text", *_CMP}, ctx, path)
        spec = _date_field(d["years_since"], ctx, f"{path}.years_since")
        op = _one_op(d, _CMP, ctx, path, "years_since")
        value = _number(d[op], ctx, f"{path}.{op}", minimum=0)
        auto = f"{spec.label}距评价日 {_SYMBOL[op]} {_num(value)} 年（整年）"
        return Condition("years_since", op, (spec.key,), value, text=text or auto, path=path)
    if "date" in d:
        _check_keys(d, {"date", "text", *_DATE_OPS}, ctx, path)
        spec = _date_field(d["date"], ctx, f"{path}.date")
        op = _one_op(d, _DATE_OPS, ctx, path, "date")
        value = _to_date(d[op], ctx, f"{path}.{op}")
        word = {
            "on_or_after": "当日及以后",
            "before": "之前",
            "after": "之后",
            "on_or_before": "当日及以前",
        }[op]
        auto = f"{spec.label}在 {value.isoformat()} {word}"
        return Condition("date", op, (spec.key,), value, text=text or auto, path=path)
    if "size" in d:
        _check_keys(d, {"size", "text"}, ctx, path)
        if ctx.subject != "firm":
            raise ctx.err(f"{path}.size", "size 条件只用于企业（subject: firm）")
        raw = d["size"]
        items = raw if isinstance(raw, list) else [raw]
        bad = [v for v in items if v not in SIZE_CLASSES]
        if not items or bad:
            raise ctx.err(
                f"{path}.size", f"企业规模应为 大、中、小、微 中的一个或几个，实际为 {raw!r}"
            )
        value = tuple(str(v) for v in items)
        auto = f"企业规模为{'、'.join(value)}型"
        return Condition("size", "in", ("size_class",), value, text=text or auto, path=path)
    if "sei" in d:
        return _sei_condition(d, ctx, path, text)
    keys = ", ".join(map(str, d)) or "（空）"
    raise ctx.err(
        path,
        f"无法识别的条件（键：{keys}）；应含 field / ratio / diff / label / years_since / date / size "
        "/ sei / all / any / not 之一",
    )


SEI_CHECK = "sei_check"


def _sei_condition(d: Mapping[str, Any], ctx: _Ctx, path: str, text: str) -> Condition:
    """``{sei: [1, "4.2"]}``: industry_code in the listed 战略性新兴产业 sectors / classes
    (战略性新兴产业分类（2018）, 国家统计局令第23号, 2018-11-07; see xinzhi.codes.sei)."""
    _check_keys(d, {"sei", "text"}, ctx, path)
    if ctx.subject != "firm":
        raise ctx.err(f"{path}.sei", "sei 条件只用于企业（subject: firm）")
    try:
        value = check_sei_selection(d["sei"])
    except ValueError as e:
        raise ctx.err(f"{path}.sei", str(e)) from None
    spec = ctx.field("industry_code", f"{path}.sei")
    if isinstance(ctx.fields, dict):  # the item a partial (*) code asks to verify
        ctx.fields.setdefault(SEI_CHECK, FieldSpec(SEI_CHECK, SEI_PARTIAL, "", "boolean"))
    tab = sei_sectors()
    names = dict(zip(tab["class"], tab["class_name"], strict=True))
    names.update(zip(tab["sector"].astype(str), tab["sector_name"], strict=True))
    shown = "、".join(f"{v} {names[v]}" for v in value)
    auto = f"{spec.label}属于战略性新兴产业（{shown}）"
    return Condition("sei", "in", (spec.key,), value, text=text or auto, path=path)


def diff_key(a: str, b: str) -> str:
    """The column key of the difference A − B (a benefit base or banded value).

    >>> diff_key("tax", "tax_prev1"), diff_fields("diff(tax,tax_prev1)")
    ('diff(tax,tax_prev1)', ('tax', 'tax_prev1'))
    """
    return f"diff({a},{b})"


def diff_fields(key: str) -> tuple[str, str] | None:
    """(A, B) of a :func:`diff_key`, None for a plain field key."""
    if key.startswith("diff(") and key.endswith(")") and "," in key:
        a, b = key[5:-1].split(",", 1)
        return a, b
    return None


def _diff_pair(raw: object, ctx: _Ctx, path: str) -> tuple[FieldSpec, FieldSpec]:
    """The two numeric fields of ``{diff: [A, B]}`` (A − B)."""
    if not isinstance(raw, list) or len(raw) != 2:
        raise ctx.err(path, "应为 [被减字段, 减去字段]，如 [tax, tax_prev1]")
    a = ctx.field(raw[0], f"{path}[0]")
    b = ctx.field(raw[1], f"{path}[1]")
    for i, sp in enumerate((a, b)):
        if not sp.numeric:
            raise ctx.err(f"{path}[{i}]", f"差值的字段应为数值字段，{sp.key} 为 {sp.type}")
    return a, b


def _date_field(key: object, ctx: _Ctx, path: str) -> FieldSpec:
    """The field ``key`` at ``path``, which must be a date field."""
    spec = ctx.field(key, path)
    if spec.type != "date":
        raise ctx.err(path, f"应为日期字段，{spec.key} 为 {spec.type}")
    return spec


def _numeric_field(key: object, ctx: _Ctx, path: str) -> FieldSpec:
    if isinstance(key, Mapping):
        # a difference A − B (比上年增长 / 新增): {diff: [A, B]}
        _check_keys(key, {"diff"}, ctx, path)
        if "diff" not in key:
            raise ctx.err(path, "金额的基数应为字段名或 {diff: [A, B]}")
        a, b = _diff_pair(key["diff"], ctx, f"{path}.diff")
        return FieldSpec(diff_key(a.key, b.key), f"（{a.label} − {b.label}）", a.unit, "double")
    spec = ctx.field(key, path)
    if not spec.numeric:
        raise ctx.err(path, f"金额的基数应为数值字段，{spec.key} 为 {spec.type}")
    return spec


def _rate(v: object, ctx: _Ctx, path: str) -> float:
    r = _number(v, ctx, path, minimum=0)
    if r > 1:
        raise ctx.err(path, f"比例应写成小数（5% 写作 0.05），实际为 {_num(r)}")
    return r


def _bands(raw: object, on: FieldSpec, base: FieldSpec, ctx: _Ctx, path: str) -> tuple[Band, ...]:
    if not isinstance(raw, list) or not raw:
        raise ctx.err(path, "应为非空的档次列表")
    out: list[Band] = []
    for i, b in enumerate(raw):
        p = f"{path}[{i}]"
        if not isinstance(b, Mapping):
            raise ctx.err(p, "档次应为映射 {ge|gt: 下限, le|lt: 上限, rate|amount: …}")
        _check_keys(b, {"ge", "gt", "le", "lt", "rate", "amount"}, ctx, p)
        if "ge" in b and "gt" in b:
            raise ctx.err(p, "下限只能写 ge 或 gt 之一")
        if "le" in b and "lt" in b:
            raise ctx.err(p, "上限只能写 le 或 lt 之一")
        if ("rate" in b) == ("amount" in b):
            raise ctx.err(p, "每档需要且只能有 rate（比例）或 amount（固定金额）之一")
        lo_key = "ge" if "ge" in b else ("gt" if "gt" in b else None)
        hi_key = "le" if "le" in b else ("lt" if "lt" in b else None)
        lo = _number(b[lo_key], ctx, f"{p}.{lo_key}") if lo_key else None
        hi = _number(b[hi_key], ctx, f"{p}.{hi_key}") if hi_key else None
        if (
            lo is not None
            and hi is not None
            and (lo > hi or (lo == hi and (lo_key, hi_key) != ("ge", "le")))
        ):
            raise ctx.err(p, "下限大于上限，该档为空")
        band = Band(
            lower=lo,
            lower_inclusive=lo_key != "gt",
            upper=hi,
            upper_inclusive=hi_key != "lt",
            rate=_rate(b["rate"], ctx, f"{p}.rate") if "rate" in b else None,
            amount=_number(b["amount"], ctx, f"{p}.amount", minimum=0) if "amount" in b else None,
        )
        for j, other in enumerate(out):
            if _overlap(band, other):
                raise ctx.err(p, f"与第 {j} 档（bands[{j}]）的区间重叠")
        out.append(band)
    return tuple(out)


def _overlap(a: Band, b: Band) -> bool:
    inf = math.inf
    lo_a, lo_b = (
        (a.lower if a.lower is not None else -inf),
        (b.lower if b.lower is not None else -inf),
    )
    hi_a, hi_b = (
        (a.upper if a.upper is not None else inf),
        (b.upper if b.upper is not None else inf),
    )
    lo = max(lo_a, lo_b)
    hi = min(hi_a, hi_b)
    if lo < hi:
        return True
    if lo > hi:
        return False
    # touching at one point: overlap only if both include it
    inc_lo = (a.lower_inclusive if lo_a == lo else True) and (
        b.lower_inclusive if lo_b == lo else True
    )
    inc_hi = (a.upper_inclusive if hi_a == hi else True) and (
        b.upper_inclusive if hi_b == hi else True
    )
    return inc_lo and inc_hi and math.isfinite(lo)


def _benefit(d: object, ctx: _Ctx, path: str) -> Benefit:
    if not isinstance(d, Mapping):
        raise ctx.err(path, f"应为映射（如 {{fixed: 30}}），实际为 {d!r}")
    kinds = ("fixed", "percent", "per_unit", "bands")
    _check_keys(d, {*kinds, "cap", "floor"}, ctx, path)
    kind = _one_op(d, kinds, ctx, path, "benefit")
    cap = _number(d["cap"], ctx, f"{path}.cap", minimum=0) if d.get("cap") is not None else None
    floor = _number(d.get("floor") or 0, ctx, f"{path}.floor", minimum=0)
    if cap is not None and floor > cap:
        raise ctx.err(f"{path}.floor", f"下限 {_num(floor)} 大于上限 cap {_num(cap)}")
    p = f"{path}.{kind}"
    raw = d[kind]
    tail = (f"，上限 {_num(cap)} 万元" if cap is not None else "") + (
        f"，至少 {_num(floor)} 万元" if floor else ""
    )
    if kind == "fixed":
        if isinstance(raw, list):
            # 10万元—100万元: a range the office decides within
            if len(raw) != 2:
                raise ctx.err(p, "金额区间应为 [下限, 上限]（万元）")
            low = _number(raw[0], ctx, f"{p}[0]", minimum=0)
            high = _number(raw[1], ctx, f"{p}[1]", minimum=0)
            if low > high:
                raise ctx.err(p, f"金额下限 {_num(low)} 大于上限 {_num(high)}")
            return Benefit(
                "fixed",
                amount=low,
                amount_high=high,
                cap=cap,
                floor=floor,
                text=f"{_num(low)}–{_num(high)} 万元（区间内核定）{tail}",
            )
        amount = _number(raw, ctx, p, minimum=0)
        return Benefit(
            "fixed", amount=amount, cap=cap, floor=floor, text=f"{_num(amount)} 万元{tail}"
        )
    if not isinstance(raw, Mapping):
        raise ctx.err(p, "应为映射")
    if kind == "percent":
        _check_keys(raw, {"base", "rate"}, ctx, p)
        if "base" not in raw or "rate" not in raw:
            raise ctx.err(p, "需要 base（基数字段）和 rate（比例）")
        base = _numeric_field(raw["base"], ctx, f"{p}.base")
        r = raw["rate"]
        if isinstance(r, list):
            if len(r) != 2:
                raise ctx.err(f"{p}.rate", "比例区间应为 [下限, 上限]")
            rate = (_rate(r[0], ctx, f"{p}.rate[0]"), _rate(r[1], ctx, f"{p}.rate[1]"))
            if rate[0] > rate[1]:
                raise ctx.err(f"{p}.rate", "比例下限大于上限")
        else:
            one = _rate(r, ctx, f"{p}.rate")
            rate = (one, one)
        shown = _pct(rate[0]) if rate[0] == rate[1] else f"{_pct(rate[0])}–{_pct(rate[1])}"
        return Benefit(
            "percent",
            base=base.key,
            rate=rate,
            cap=cap,
            floor=floor,
            text=f"{base.label} × {shown}{tail}",
        )
    if kind == "per_unit":
        _check_keys(raw, {"base", "amount", "per"}, ctx, p)
        if "base" not in raw or "amount" not in raw:
            raise ctx.err(p, "需要 base（数量字段）和 amount（每单位金额，万元）")
        base = _numeric_field(raw["base"], ctx, f"{p}.base")
        amount = _number(raw["amount"], ctx, f"{p}.amount", minimum=0)
        unit = base.unit or "单位"
        per = None
        if raw.get("per") is not None:
            per = _number(raw["per"], ctx, f"{p}.per")
            if per <= 0:
                raise ctx.err(f"{p}.per", f"步长应大于 0，实际为 {_num(per)}")
        shown = (
            f"{base.label}每满 {_num(per)} {unit} {_num(amount)} 万元（不足部分不计）"
            if per is not None
            else f"{base.label} × 每{unit} {_num(amount)} 万元"
        )
        return Benefit(
            "per_unit",
            base=base.key,
            amount=amount,
            per=per,
            cap=cap,
            floor=floor,
            text=f"{shown}{tail}",
        )
    # `by:` is the alias of `on:`; a bare `on:` is read by YAML 1.1 as the boolean key True
    given = [k for k in ("on", True, "by") if k in raw]
    if len(given) > 1:
        raise ctx.err(p, "分档字段只能写一次：on 与 by 同义，二选一")
    raw = {("on" if k in (True, "by") else k): v for k, v in raw.items()}
    _check_keys(raw, {"on", "base", "bands"}, ctx, p)
    if "on" not in raw or "bands" not in raw:
        raise ctx.err(p, "需要 by（或 on，分档字段）和 bands（档次列表）")
    on = _numeric_field(raw["on"], ctx, f"{p}.{'by' if 'by' in given else 'on'}")
    base = _numeric_field(raw["base"], ctx, f"{p}.base") if raw.get("base") else on
    bands = _bands(raw["bands"], on, base, ctx, f"{p}.bands")
    parts = []
    for b in bands:
        pay = (
            f"{base.label} × {_pct(b.rate)}"
            if b.rate is not None
            else f"{_num(b.amount or 0)} 万元"
        )
        parts.append(f"{on.label} {b.text(on.unit)}：{pay}")
    return Benefit(
        "bands",
        base=base.key,
        on=on.key,
        bands=bands,
        cap=cap,
        floor=floor,
        text="；".join(parts) + tail,
    )


def _doc_fields(subject: str, facts: Mapping[str, FieldSpec], ctx: _Ctx) -> dict[str, FieldSpec]:
    base = dict(firm_field_specs() if subject == "firm" else person_field_specs())
    for key, spec in facts.items():
        known = base.get(key)
        if known is not None and known.type != spec.type:
            raise ctx.err(
                f"facts.{key}", f"字段 {key} 已在目录中定义为 {known.type}，这里为 {spec.type}"
            )
        base[key] = spec if known is None else known
        if spec.numeric and known is None:
            for n, word in ((1, "上一年"), (2, "前两年")):
                k = f"{key}_prev{n}"
                base.setdefault(k, FieldSpec(k, f"{spec.label}（{word}）", spec.unit, spec.type))
    return base


def load_document(data: str | Mapping[str, Any], *, name: str = "") -> PolicyDocument:
    """Validate a policy document (YAML text or an already parsed mapping).

    Parameters
    ----------
    data
        The YAML text of ``policies/<id>.yaml`` or its parsed mapping with the keys
        ``document``, ``facts`` (optional) and ``clauses``.
    name
        How errors name the document (a file name); default the document id.

    Returns
    -------
    PolicyDocument

    Raises
    ------
    InputError
        Chinese message naming the document and the key path (``clauses[3].when.all[1].ge``).
    """
    label = name or "（未命名）"
    if isinstance(data, str):
        try:
            parsed = yamlfile.safe_load(data)
        except yaml.YAMLError as exc:
            raise InputError(f"政策文件 {label}：YAML 格式错误：{exc}") from exc
    else:
        parsed = data
    if not isinstance(parsed, Mapping):
        raise InputError(
            f"政策文件 {label}：顶层应为映射，含 document、clauses（以及可选的 facts）"
        )
    head = parsed.get("document")
    if isinstance(head, Mapping) and isinstance(head.get("id"), str) and not name:
        label = head["id"]
    ctx = _Ctx(label, {}, "firm")
    _check_keys(parsed, {"document", "facts", "clauses"}, ctx, "")
    if not isinstance(head, Mapping):
        raise ctx.err("document", "缺少文件信息 document（映射）")
    _check_keys(head, _DOC_KEYS, ctx, "document")
    for key in ("id", "title", "issuer", "region", "subject", "category", "source"):
        if head.get(key) in (None, ""):
            raise ctx.err(f"document.{key}", "缺少必填项")
    if "date" not in head or head.get("date") == "":
        raise ctx.err(
            "document.date", "缺少必填项（发文日期未知时写 date: null 并以 date_note 说明）"
        )
    date_note = head.get("date_note")
    if date_note is not None and not isinstance(date_note, str):
        raise ctx.err("document.date_note", f"应为文字，实际为 {date_note!r}")
    date_note = (date_note or "").strip()
    if head.get("date") is None and not date_note.startswith("原文未载"):
        raise ctx.err(
            "document.date",
            "为空（null）时需要 date_note 说明，且以“原文未载”开头（如：原文未载印发日期，…）",
        )
    doc_id = head["id"]
    if not isinstance(doc_id, str) or not _ID.match(doc_id):
        raise ctx.err("document.id", f"应只含小写字母、数字和连字符（a-z0-9-），实际为 {doc_id!r}")
    subject = head["subject"]
    if subject not in SUBJECTS:
        raise ctx.err("document.subject", f"应为 firm 或 person，实际为 {subject!r}")
    ctx.subject = subject
    category = head["category"]
    if category not in CATEGORIES:
        raise ctx.err(
            "document.category", f"应为 {' | '.join(CATEGORIES)} 之一，实际为 {category!r}"
        )
    region = str(head["region"]).strip()
    if not re.fullmatch(r"\d{2}|\d{4}|\d{6}", region):
        raise ctx.err(
            "document.region", f"应为 2、4 或 6 位区划代码（GB/T 2260），实际为 {head['region']!r}"
        )
    date = _to_date(head["date"], ctx, "document.date") if head["date"] is not None else None
    valid_from = (
        _to_date(head["valid_from"], ctx, "document.valid_from") if head.get("valid_from") else date
    )
    valid_to = (
        _to_date(head["valid_to"], ctx, "document.valid_to") if head.get("valid_to") else None
    )
    if valid_to is not None and valid_from is not None and valid_to < valid_from:
        raise ctx.err("document.valid_to", f"失效日期 {valid_to} 早于生效日期 {valid_from}")
    for key in ("title", "issuer", "source", "doc_number", "text"):
        if head.get(key) is not None and not isinstance(head.get(key), str):
            raise ctx.err(f"document.{key}", f"应为文字，实际为 {head.get(key)!r}")

    facts_raw = parsed.get("facts") or {}
    if not isinstance(facts_raw, Mapping):
        raise ctx.err("facts", "应为映射 {字段: {label, unit, type}}")
    facts: dict[str, FieldSpec] = {}
    for key, spec in facts_raw.items():
        if not isinstance(key, str) or not re.fullmatch(r"[a-z][a-z0-9_]*", key):
            raise ctx.err(f"facts.{key}", "字段名应只含小写字母、数字和下划线")
        try:
            facts[key] = parse_field_spec(key, spec, f"facts.{key}")
        except ConfigError as exc:
            raise InputError(f"政策文件 {label}：{exc}") from exc
    ctx.fields = _doc_fields(subject, facts, ctx)

    raw_clauses = parsed.get("clauses")
    if not isinstance(raw_clauses, list):
        raise ctx.err("clauses", "应为条款列表")
    clauses: list[Clause] = []
    seen: set[str] = set()
    for i, c in enumerate(raw_clauses):
        p = f"clauses[{i}]"
        if not isinstance(c, Mapping):
            raise ctx.err(p, "条款应为映射 {id, title, when, benefit …}")
        _check_keys(c, _CLAUSE_KEYS, ctx, p)
        cid = c.get("id")
        if cid is None or str(cid).strip() == "":
            raise ctx.err(f"{p}.id", "缺少条款编号 id")
        cid = str(cid)
        if cid in seen:
            raise ctx.err(f"{p}.id", f"条款编号 {cid} 重复")
        seen.add(cid)
        if not c.get("title"):
            raise ctx.err(f"{p}.title", "缺少条款标题 title")
        group = c.get("group")
        if group is not None and not isinstance(group, str):
            raise ctx.err(f"{p}.group", "应为组名（文字）")
        clauses.append(
            Clause(
                id=cid,
                title=str(c["title"]),
                article=str(c.get("article") or ""),
                text=str(c.get("text") or ""),
                when=_condition(c["when"], ctx, f"{p}.when") if c.get("when") is not None else None,
                benefit=_benefit(c["benefit"], ctx, f"{p}.benefit")
                if c.get("benefit") is not None
                else None,
                group=group or None,
                note=str(c.get("note") or ""),
            )
        )

    stacking_raw = head.get("stacking") or {}
    if not isinstance(stacking_raw, Mapping):
        raise ctx.err("document.stacking", "应为映射 {组名: highest | additive}")
    groups = {c.group for c in clauses if c.group}
    stacking: dict[str, str] = {}
    for g, rule in stacking_raw.items():
        if rule not in ("highest", "additive"):
            raise ctx.err(
                f"document.stacking.{g}",
                f"应为 highest（就高不重复）或 additive（可叠加），实际为 {rule!r}",
            )
        if g not in groups:
            raise ctx.err(f"document.stacking.{g}", f"没有条款属于组 {g}（条款的 group）")
        stacking[str(g)] = str(rule)
    cap = head.get("cap_per_subject")
    cap_val = _number(cap, ctx, "document.cap_per_subject", minimum=0) if cap is not None else None
    budget = None
    b = head.get("budget")
    if b is not None:
        if not isinstance(b, Mapping):
            raise ctx.err("document.budget", "应为映射 {total, allocation, rank_by, descending}")
        _check_keys(b, {"total", "allocation", "rank_by", "descending"}, ctx, "document.budget")
        if "total" not in b:
            raise ctx.err("document.budget.total", "缺少预算总额（万元）")
        total = _number(b["total"], ctx, "document.budget.total", minimum=0)
        alloc = b.get("allocation", "pro_rata")
        if alloc not in ("pro_rata", "ranked"):
            raise ctx.err(
                "document.budget.allocation",
                f"应为 pro_rata（按比例）或 ranked（按排序），实际为 {alloc!r}",
            )
        rank_by = b.get("rank_by")
        if alloc == "ranked":
            if rank_by is None:
                raise ctx.err("document.budget.rank_by", "ranked 分配需要排序字段 rank_by")
            rs = ctx.field(rank_by, "document.budget.rank_by")
            if not (rs.numeric or rs.type in ("ordinal", "date")):
                raise ctx.err(
                    "document.budget.rank_by",
                    f"排序字段应为数值、等级或日期，{rs.key} 为 {rs.type}",
                )
        elif rank_by is not None:
            ctx.field(rank_by, "document.budget.rank_by")
        desc = b.get("descending", True)
        if not isinstance(desc, bool):
            raise ctx.err("document.budget.descending", "应为 true 或 false")
        budget = Budget(total, str(alloc), str(rank_by) if rank_by else None, desc)

    return PolicyDocument(
        id=doc_id,
        title=str(head["title"]),
        issuer=str(head["issuer"]),
        date=date,
        region=region,
        subject=str(subject),
        category=str(category),
        source=str(head["source"]),
        clauses=tuple(clauses),
        doc_number=str(head.get("doc_number") or ""),
        date_note=date_note,
        valid_from=valid_from,
        valid_to=valid_to,
        text=str(head.get("text") or ""),
        stacking=stacking,
        cap_per_subject=cap_val,
        budget=budget,
        facts=facts,
        fields=ctx.fields,
        data=dict(parsed),
    )
