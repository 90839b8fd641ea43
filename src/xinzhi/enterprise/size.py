"""Enterprise size classes (企业划型): 大型 / 中型 / 小型 / 微型 for every firm of a firm frame,
from its GB/T 4754 industry code, employees, revenue and total assets.

Rules
-----
* 工业和信息化部、国家统计局、国家发展和改革委员会、财政部《中小企业划型标准规定》,
  工信部联企业〔2011〕300号, 2011-06-18: 16 industry groups (第二条), each with the lower
  bounds of 中型, 小型 and the 微型 condition on 从业人员 X (人), 营业收入 Y (万元) and, for
  建筑业 / 房地产开发经营 / 租赁和商务服务业, 资产总额 Z (万元) (第四条); the 中型 upper bounds
  are the 大型 lower bounds.
* 国家统计局《统计上大中小微型企业划分办法（2017）》, 国统字〔2017〕213号, 2017-12-28: the
  same bounds with a 大型 column, the scope of the combined groups in GB/T 4754-2017 terms, and
  the rule "大型、中型和小型企业须同时满足所列指标的下限，否则下划一档；微型企业只须满足所列
  指标中的一项即可".

For a group with indicators *a* and *b* (bounds L > M > S, from ``size_classes.yaml``)::

    大型  if a ≥ L_a and b ≥ L_b
    中型  else if a ≥ M_a and b ≥ M_b
    小型  else if a ≥ S_a and b ≥ S_b
    微型  otherwise (a < S_a or b < S_b)

A group with one indicator (农林牧渔业: Y; 其他未列明行业: X) uses that one alone. All bounds are
"≥" (及以上); a value equal to a bound belongs to the upper class.

Industry group
--------------
The code is ``industry_code`` (a 4-digit class, a 2-digit division, optionally led by the section
letter, e.g. ``C3841``), else ``division``, else ``section`` (a letter). The longest matching
prefix of the code table decides (``5910`` 装卸搬运 → 交通运输业, ``5920`` → 仓储业). Codes
outside the listed scope (金融业, 铁路运输业, 教育, 卫生, 公共管理, 房地产租赁经营 …), unknown or
missing codes are classed as 其他未列明行业 and flagged (``group_assumed``); a code that spans
several groups (a section letter such as ``G``, the divisions 59 and 70) leaves the group open:
size 需补充数据, missing ``industry_code``.

Missing data
------------
A NULL or absent indicator the group needs gives size 需补充数据, its key in ``missing``.
With ``partial=True`` a firm is still classed 微型 when one present indicator is below its 小型
bound (that alone decides 微型).

Examples
--------
示例数据. An industrial firm with 350 persons and 2,500 万元: 350 ≥ 300 and 2,500 ≥ 2,000 → 中型
(not 大型: 350 < 1,000 and 2,500 < 40,000). A retailer with 60 persons but 80 万元: 80 < 100 → 微型.
A software firm without revenue needs data:

>>> import pandas as pd
>>> firms = pd.DataFrame({
...     "credit_code": ["F1", "F2", "F3"],
...     "industry_code": ["3841", "5211", "6511"],
...     "employees": [350, 60, 12], "revenue": [2500.0, 80.0, None]})
>>> res = size_classes(firms)
>>> res.tidy()[["credit_code", "industry_group", "size", "missing"]].values.tolist()
[['F1', '工业', '中型', ''], ['F2', '零售业', '微型', ''], ['F3', '软件和信息技术服务业', '需补充数据', 'revenue']]
>>> print(res.tidy()["basis"][0])
工业：从业人员 ≥ 300 人且营业收入 ≥ 2000 万元；从业人员 < 1000 人、营业收入 < 40000 万元，未达大型

Where to look
-------------
* Docs: ``docs/enterprise_size.md``.
* Tests: ``tests/enterprise/test_size.py`` (every group at every bound, and / or, missing data,
  code mapping).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any, ClassVar

import pandas as pd

from xinzhi import yamlfile
from xinzhi.codes.gbt4754 import divisions
from xinzhi.errors import InputError
from xinzhi.results import Result

if TYPE_CHECKING:
    import ibis.expr.types as ir

__all__ = [
    "FALLBACK_GROUP",
    "NEEDS_DATA",
    "SIZES",
    "SizeGroup",
    "SizeResult",
    "Threshold",
    "code_table",
    "size_classes",
    "size_expr",
    "size_groups",
    "size_rules",
]

SIZES: tuple[str, ...] = ("大型", "中型", "小型", "微型")
"""The four classes, largest first."""
NEEDS_DATA = "需补充数据"
"""Size of a firm whose group or a needed indicator is missing."""
FALLBACK_GROUP = "其他未列明行业"
"""Group of codes outside the listed scope, unknown or missing codes."""
OPEN_GROUP = "行业待细分"
"""Label (counts, summary) of firms whose code spans several groups."""

_LEVELS = ("large", "medium", "small")
_LEVEL_ZH = {"large": "大型", "medium": "中型", "small": "小型"}
_OUT_COLUMNS = [
    "credit_code",
    "industry_code",
    "industry_group",
    "group_assumed",
    "group_basis",
    "employees",
    "revenue",
    "total_assets",
    "size",
    "basis",
    "missing",
]


@dataclass(frozen=True)
class Threshold:
    """One indicator of a group: the lower bounds (≥) of 大型, 中型 and 小型."""

    field: str
    label: str
    unit: str
    large: float
    medium: float
    small: float


@dataclass(frozen=True)
class SizeGroup:
    """One of the 16 industry groups: name, clause of 工信部联企业〔2011〕300号, indicators."""

    name: str
    clause: str
    indicators: tuple[Threshold, ...]


@cache
def _data() -> dict[str, Any]:
    text = resources.files("xinzhi.enterprise").joinpath("size_classes.yaml").read_text("utf-8")
    return dict(yamlfile.safe_load(text))


@cache
def size_groups() -> dict[str, SizeGroup]:
    """The 16 groups in the order of 第四条, with their thresholds (validated on load)."""
    d = _data()
    labels = dict(d["indicators"])
    out: dict[str, SizeGroup] = {}
    for name, spec in dict(d["groups"]).items():
        inds = []
        for key, b in dict(spec["indicators"]).items():
            if key not in labels:
                raise InputError(f"划型标准 {name}：未知的指标 {key!r}")
            lo = {lvl: float(b[lvl]) for lvl in _LEVELS}
            if not lo["large"] > lo["medium"] > lo["small"] > 0:
                raise InputError(f"划型标准 {name} / {key}：下限应满足 大型 > 中型 > 小型 > 0")
            inds.append(
                Threshold(str(key), str(labels[key]["label"]), str(labels[key]["unit"]), **lo)
            )
        if not 1 <= len(inds) <= 2:
            raise InputError(f"划型标准 {name}：应有一个或两个指标")
        out[str(name)] = SizeGroup(str(name), str(spec["clause"]), tuple(inds))
    return out


def size_rules() -> pd.DataFrame:
    """Thresholds in long form: ``industry_group, clause, field, label, unit, large, medium,
    small`` (lower bounds, ≥; below ``small`` is 微型)."""
    rows = [
        {
            "industry_group": g.name,
            "clause": g.clause,
            "field": t.field,
            "label": t.label,
            "unit": t.unit,
            "large": t.large,
            "medium": t.medium,
            "small": t.small,
        }
        for g in size_groups().values()
        for t in g.indicators
    ]
    return pd.DataFrame(rows)


@cache
def _codes() -> tuple[tuple[str, str, str, str], ...]:
    """(prefix, kind, group, note) with kind listed / unlisted / ambiguous."""
    groups = size_groups()
    raw: dict[str, Any] = {str(k): v for k, v in dict(_data()["codes"]).items()}
    for div, sec in divisions()[["division", "section"]].itertuples(index=False):
        if div not in raw and sec in raw:
            raw[div] = raw[sec]
    rows = []
    for key, v in raw.items():
        if isinstance(v, str):
            if v not in groups:
                raise InputError(f"划型行业对照 {key}：未知的行业 {v!r}")
            rows.append((key, "listed", v, ""))
        elif isinstance(v, dict) and len(v) == 1 and next(iter(v)) in ("unlisted", "ambiguous"):
            kind, note = next(iter(v.items()))
            group = FALLBACK_GROUP if kind == "unlisted" else ""
            rows.append((key, str(kind), group, str(note)))
        else:
            raise InputError(f"划型行业对照 {key}：取值应为行业名称、unlisted 或 ambiguous")
    rows.sort(key=lambda r: (-len(r[0]), r[0]))
    return tuple(rows)


def code_table() -> pd.DataFrame:
    """GB/T 4754-2017 code → group, longest prefix first: ``prefix, kind, industry_group,
    note`` (kind ``listed`` | ``unlisted`` → 其他未列明行业, flagged | ``ambiguous`` → open)."""
    return pd.DataFrame(list(_codes()), columns=["prefix", "kind", "industry_group", "note"])


def _num(v: float) -> str:
    return f"{v:g}"


def _rules_frame() -> pd.DataFrame:
    """One row per group: a_* and b_* (b_* NULL for one indicator) with the text pieces."""
    rows = []
    for g in size_groups().values():
        row: dict[str, Any] = {"r_group": g.name, "r_two": len(g.indicators) == 2}
        for p, t in zip("ab", (*g.indicators, None), strict=False):
            row[f"{p}_field"] = t.field if t else None
            row[f"{p}_label"] = t.label if t else None
            for lvl in _LEVELS:
                row[f"{p}_{lvl}"] = getattr(t, lvl) if t else None
                row[f"{p}_ge_{lvl}"] = (
                    f"{t.label} ≥ {_num(getattr(t, lvl))} {t.unit}" if t else None
                )
                row[f"{p}_lt_{lvl}"] = (
                    f"{t.label} < {_num(getattr(t, lvl))} {t.unit}" if t else None
                )
        rows.append(row)
    return pd.DataFrame(rows)


def _text_col(t: ir.Table, name: str) -> ir.StringValue:
    """Column ``name`` as trimmed upper-case text, NULL when absent or empty.

    A numeric code column (a spreadsheet that dropped the leading zeros) gets them back:
    values below 100 are divisions (``5`` → ``05``), others classes (``111`` → ``0111``).
    """
    import ibis

    if name not in t.columns:
        return ibis.null("string")
    col = t[name]
    if col.type().is_numeric():
        n = col.cast("int64")
        text = n.cast("string")
        return ibis.ifelse(n < 100, text.lpad(2, "0"), text.lpad(4, "0"))
    s = col.cast("string").strip().upper()
    return ibis.ifelse(s == "", ibis.null("string"), s)


def _num_col(t: ir.Table, name: str) -> ir.FloatingValue:
    import ibis

    if name not in t.columns:
        return ibis.null("float64")
    return t[name].cast("float64")


def size_expr(firms: ir.Table, *, revenue: str = "revenue", partial: bool = False) -> ir.Table:
    """Size class of every firm as one Ibis expression (DuckDB, PySpark, …).

    Parameters
    ----------
    firms : ibis Table
        A firm frame: ``credit_code`` (required); ``industry_code``, ``division``,
        ``section``, ``employees`` (人), ``revenue`` (万元), ``total_assets`` (万元) — an absent
        column counts as all NULL.
    revenue : str
        Column used as 营业收入 Y (``"revenue"``; ``"main_revenue"`` where the statistical rules
        ask for 主营业务收入, e.g. 工业 and 建筑业).
    partial : bool
        Class 微型 when one present indicator is below its 小型 bound although the other is
        missing (default False: 需补充数据).

    Returns
    -------
    ibis Table
        ``credit_code, industry_code, industry_group, group_assumed, group_basis, employees,
        revenue, total_assets, size, basis, missing`` (plus ``_row`` when the input has it);
        rules in the module docstring.
    """
    import ibis

    if "credit_code" not in firms.columns:
        raise InputError("企业表缺少统一社会信用代码列 credit_code")
    if revenue not in ("revenue", "main_revenue"):
        raise InputError(f"营业收入列 revenue 应为 revenue 或 main_revenue，而不是 {revenue!r}")

    code_raw = _text_col(firms, "industry_code")
    lettered = code_raw.re_search(r"^[A-T][0-9]+$")
    code_ind = ibis.ifelse(lettered.fill_null(False), code_raw.substr(1), code_raw)
    code = ibis.coalesce(code_ind, _text_col(firms, "division"), _text_col(firms, "section"))
    keep = {"_row": firms["_row"]} if "_row" in firms.columns else {}
    base = firms.select(
        credit_code=firms["credit_code"].cast("string"),
        industry_code=code_raw,
        code=code,
        employees=_num_col(firms, "employees"),
        revenue=_num_col(firms, revenue),
        total_assets=_num_col(firms, "total_assets"),
        **keep,
    )

    # longest matching prefix (section letters match the whole code only)
    branches = []
    for prefix, *_ in _codes():
        hit = base.code == prefix if prefix.isalpha() else base.code.startswith(prefix)
        branches.append((hit, ibis.literal(prefix)))
    base = base.mutate(prefix=ibis.cases(*branches, else_=ibis.null("string")))
    ctab = ibis.memtable(code_table().rename(columns={"industry_group": "c_group"}))
    ctab = ctab.rename(c_prefix="prefix", c_kind="kind", c_note="note")
    t = base.left_join(ctab, base.prefix == ctab.c_prefix).drop("c_prefix")

    kind = t.c_kind
    fallback = ibis.literal(FALLBACK_GROUP)
    group = ibis.cases(
        (kind == "listed", t.c_group),
        (kind == "ambiguous", ibis.null("string")),
        else_=fallback,
    )
    code_txt = ibis.literal("行业代码 ") + t.code.fill_null("")
    group_basis = ibis.cases(
        (t.code.isnull(), ibis.literal("缺少行业代码，按其他未列明行业")),
        (kind == "listed", code_txt + " → " + t.c_group),
        (kind == "unlisted", code_txt + "：" + t.c_note + "，按其他未列明行业"),
        (kind == "ambiguous", code_txt + "：" + t.c_note + "，需大类或小类代码"),
        else_=code_txt + " 不在 GB/T 4754-2017 划型对照中，按其他未列明行业",
    )
    t = t.mutate(
        industry_group=group,
        group_assumed=kind.isnull() | (kind == "unlisted"),
        group_basis=group_basis,
    )

    rules = ibis.memtable(_rules_frame())
    t = t.left_join(rules, t.industry_group == rules.r_group)

    def value(f: ir.StringValue) -> ir.FloatingValue:
        return ibis.cases(
            (f == "employees", t.employees),
            (f == "revenue", t.revenue),
            (f == "total_assets", t.total_assets),
            else_=ibis.null("float64"),
        )

    a, b = value(t.a_field), value(t.b_field)
    two = t.r_two.fill_null(False)
    a_miss = a.isnull()
    b_miss = two & b.isnull()

    def meets(lvl: str) -> ir.BooleanValue:
        return (a >= t[f"a_{lvl}"]) & (~two | (b >= t[f"b_{lvl}"]))

    def met_text(lvl: str) -> ir.StringValue:
        return t[f"a_ge_{lvl}"] + ibis.ifelse(two, "且" + t[f"b_ge_{lvl}"].fill_null(""), "")

    def failed_text(lvl: str) -> ir.StringValue:
        a_lt = a < t[f"a_{lvl}"]
        b_lt = two & (b < t[f"b_{lvl}"])
        return ibis.cases(
            (a_lt & b_lt, t[f"a_lt_{lvl}"] + "、" + t[f"b_lt_{lvl}"]),
            (a_lt, t[f"a_lt_{lvl}"]),
            else_=t[f"b_lt_{lvl}"],
        )

    # partial: a present indicator below its 小型 bound decides 微型
    a_low = ~a_miss & (a < t.a_small)
    b_low = two & ~b.isnull() & (b < t.b_small)
    low_text = ibis.cases(
        (a_low & b_low, t.a_lt_small + "、" + t.b_lt_small),
        (a_low, t.a_lt_small),
        else_=t.b_lt_small,
    )
    missing_keys = ibis.cases(
        (a_miss & b_miss, t.a_field + ", " + t.b_field),
        (a_miss, t.a_field),
        (b_miss, t.b_field),
        else_=ibis.literal(""),
    )
    missing_zh = ibis.cases(
        (a_miss & b_miss, t.a_label + "、" + t.b_label),
        (a_miss, t.a_label),
        else_=t.b_label.fill_null(""),
    )
    any_miss = a_miss | b_miss
    open_group = t.industry_group.isnull()
    decided_low = ibis.literal(partial) & any_miss & (a_low | b_low)

    size = ibis.cases(
        (open_group, ibis.literal(NEEDS_DATA)),
        (decided_low, ibis.literal("微型")),
        (any_miss, ibis.literal(NEEDS_DATA)),
        (meets("large"), ibis.literal("大型")),
        (meets("medium"), ibis.literal("中型")),
        (meets("small"), ibis.literal("小型")),
        else_=ibis.literal("微型"),
    )
    head = t.industry_group.fill_null("") + "："
    basis = ibis.cases(
        (open_group, t.group_basis),
        (decided_low, head + low_text + "（缺少" + missing_zh + "，不影响划为微型）"),
        (any_miss, head + "缺少" + missing_zh),
        (meets("large"), head + met_text("large")),
        (meets("medium"), head + met_text("medium") + "；" + failed_text("large") + "，未达大型"),
        (meets("small"), head + met_text("small") + "；" + failed_text("medium") + "，未达中型"),
        else_=head + failed_text("small"),
    )
    missing = ibis.ifelse(open_group, ibis.literal("industry_code"), missing_keys)
    out = t.mutate(size=size, basis=basis, missing=missing)
    cols = [c for c in _OUT_COLUMNS] + (["_row"] if "_row" in firms.columns else [])
    return out.select(*cols)


@dataclass
class SizeResult(Result):
    """Size classes of a firm frame with the options that made them.

    ``table`` is :meth:`tidy`; ``options`` holds ``revenue`` and ``partial``.
    """

    table: pd.DataFrame
    options: dict[str, Any] = field(default_factory=dict)

    headers: ClassVar[dict[str, str]] = {
        "credit_code": "统一社会信用代码",
        "industry_code": "行业代码",
        "industry_group": "划型行业",
        "group_assumed": "按其他未列明行业推定",
        "group_basis": "行业归类依据",
        "employees": "从业人员（人）",
        "revenue": "营业收入（万元）",
        "total_assets": "资产总额（万元）",
        "size": "企业规模",
        "basis": "划型依据",
        "missing": "缺少字段",
    }

    def tidy(self) -> pd.DataFrame:
        """One row per firm: ``credit_code, industry_code, industry_group, group_assumed,
        group_basis, employees, revenue, total_assets, size, basis, missing``."""
        return self.table.copy()

    def counts(self) -> pd.DataFrame:
        """Firms by group (rows, in the order of 第四条; 行业待细分 last) and size (columns
        大型 … 需补充数据, 合计), with a last row 合计; only groups that occur."""
        t = self.table.assign(industry_group=self.table["industry_group"].fillna(OPEN_GROUP))
        cols = [*SIZES, NEEDS_DATA]
        wide = pd.crosstab(t["industry_group"], t["size"]).reindex(columns=cols, fill_value=0)
        order = [g for g in [*size_groups(), OPEN_GROUP] if g in wide.index]
        wide = wide.reindex(order).astype("int64")
        wide["合计"] = wide.sum(axis=1)
        wide.loc["合计"] = wide.sum(axis=0)
        return wide.rename_axis("industry_group").reset_index().rename_axis(None, axis=1)

    def tables(self) -> dict[str, pd.DataFrame]:
        rules = size_rules().rename(
            columns={
                "industry_group": "划型行业",
                "clause": "条款",
                "field": "指标",
                "label": "指标名称",
                "unit": "单位",
                "large": "大型下限",
                "medium": "中型下限",
                "small": "小型下限",
            }
        )
        return {
            "划型结果": self.tidy(),
            "分行业统计": self.counts().rename(columns={"industry_group": "划型行业"}),
            "划型标准": rules,
        }

    def info_table(self) -> pd.DataFrame:
        src = [
            f"{s['issuer']}《{s['title']}》{s['number']}（{s['date']}）" for s in _data()["sources"]
        ]
        items = ["依据", "依据", "营业收入列", "缺一项时可判微型", "规则"]
        texts = [
            *src,
            str(self.options.get("revenue", "revenue")),
            "是" if self.options.get("partial") else "否",
            "大型、中型和小型须同时达到所列指标下限，否则下划一档；微型只需一项低于小型下限",
        ]
        return pd.DataFrame({"项目": items, "内容": texts})

    def summary(self) -> str:
        n = len(self.table)
        lines = [f"企业划型（工信部联企业〔2011〕300号；国统字〔2017〕213号）：{n} 家企业"]
        by = self.table["size"].value_counts()
        lines.append("规模：" + "，".join(f"{s} {int(by.get(s, 0))}" for s in (*SIZES, NEEDS_DATA)))
        assumed = int(self.table["group_assumed"].fillna(False).astype(bool).sum())
        if assumed:
            lines.append(f"其中 {assumed} 家行业代码未列明或缺失，按其他未列明行业划型")
        c = self.counts()
        lines.append("分行业（大型/中型/小型/微型/需补充数据）：")
        for row in c[c["industry_group"] != "合计"].to_dict("records"):
            vals = "/".join(str(int(row[s])) for s in (*SIZES, NEEDS_DATA))
            lines.append(f"  {row['industry_group']}：{vals}")
        return self.labelled("\n".join(lines))


def size_classes(
    firms: pd.DataFrame | ir.Table, *, revenue: str = "revenue", partial: bool = False
) -> SizeResult:
    """Size class (大型 / 中型 / 小型 / 微型 / 需补充数据) of every firm.

    Parameters
    ----------
    firms : DataFrame or ibis Table
        A firm frame (see :func:`size_expr`); a DataFrame runs on DuckDB via ``ibis.memtable``
        and keeps its row order, an ibis Table runs on its own backend (rows by credit_code).
    revenue : str
        ``"revenue"`` (default) or ``"main_revenue"`` as 营业收入.
    partial : bool
        Class 微型 from one present indicator below its 小型 bound (see module docstring).

    Returns
    -------
    SizeResult
        ``tidy()`` one row per firm; ``counts()`` group × size; ``summary()``; ``to_excel()``.
    """
    import ibis

    if isinstance(firms, pd.DataFrame):
        df = firms.reset_index(drop=True).assign(_row=range(len(firms)))
        table = size_expr(ibis.memtable(df), revenue=revenue, partial=partial).execute()
        table = table.sort_values("_row", ignore_index=True).drop(columns="_row")
    else:
        table = size_expr(firms, revenue=revenue, partial=partial).execute()
        table = table.sort_values("credit_code", ignore_index=True, kind="stable")
    table["group_assumed"] = table["group_assumed"].astype(bool)
    for col in ("employees", "revenue", "total_assets"):
        table[col] = table[col].astype("float64")
    for col in ("industry_code", "industry_group"):
        table[col] = table[col].astype(object).where(table[col].notna(), None)
    return SizeResult(table=table, options={"revenue": revenue, "partial": partial})
