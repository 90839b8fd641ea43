"""Clause extractor for Chinese support-policy text (政策条款抽取): proposes draft rules that a
person reviews.

Rule-based (regular expressions over the text, no model, no file I/O). Steps:

1. **Normalise** the text: whitespace inside lines is dropped (``第 1 0 条`` → ``第10条``,
   ``固定资 产投资`` → ``固定资产投资``), NFKC folds full-width digits, ``％`` and brackets,
   every dash or tilde between numbers becomes ``-``. Every character keeps its offset in the
   original text, so spans point into the text as given.
2. **Articles**: a line starting ``第 N 条`` (Arabic or Chinese numerals) opens an article;
   documents without them are cut at numbered paragraphs ``1.`` / ``1、`` under the headings
   ``一、`` and ``（一）`` (article label ``二、（一）1``, or ``二、（一）`` for a heading with
   its own text). Headings ``政策兑现 / 组织保障 / 申报 / 审核 / 其他`` mark procedural parts
   whose numbers are not proposed as rules.
3. **Sentences**: cut at ``。；！？`` and line ends outside brackets; a sentence with conditions
   but no amount joins the next one (``…人数达到1万人次以上的…进行奖励。每满一万人奖励一万元``),
   a bracketed sentence joins the previous one. Every sentence (group) with a threshold or an
   amount becomes one :class:`Proposal`.
4. **Quantities**: numbers (Arabic or Chinese) with a multiplier (万 / 亿 / 千万) and a unit
   (元, %, 亩, 人次, 年, 个月 …), ranges ``5%-20%`` / ``100-500亩`` / ``1000万元及以上至5000万元``
   and lists ``70%、80%和90%``. Money is normalised to 万元 (``100元/亩`` → 0.01 万元 per 亩,
   ``1亿元`` → 10000), percentages to fractions (``0.5%`` → 0.005), ``一万人次`` → 10000 人次.
5. **Kinds** from the words around each quantity in its comma part:

   ======== =====================================================================================
   kind     when
   ======== =====================================================================================
   threshold a direction: after ``及以上 / 以上 / (含)以上`` → ≥, ``以下 / 以内 / 内`` → ≤; before
            ``不低于 / 不少于 / 达到 / 达 / 满`` → ≥, ``超过 / 高于 / 大于`` → >, ``不超过 / 不高于`` → ≤,
            ``低于 / 少于 / 不足 / 不满`` → <; a range without a benefit word → between
   cap      ``≤`` with ``最高 / 最多 / 封顶 / 上限`` or after a benefit word (``奖励最高不超过20万元``)
   band     a list of two or more ranges/thresholds (``1000万元及以上至5000万元、5000万元以上至1亿元、
            1亿元以上``) followed by a list of rates or amounts of the same length
   rate     a percentage without direction (``按固定资产投资的5%-20%给予``); base = the phrase
            before it after ``按 / 参照 / 给予企业 …``
   amount   money without direction in a part with a benefit word (给予 / 奖励 / 补助 / 补贴 /
            资助 / 扶持 / 支持 / 返还); per unit with ``/亩``, ``/人`` or ``每…``
   duration time without direction (``连续5年``, ``前2年 … 后3年``, ``暂定三年``); with a
            direction (``3年内``, ``满一年``) it is a threshold in years / months
   date     ``2023年2月8日``, ``2019年1月1日`` (ISO text)
   budget   money in a sentence that sets up a fund (``设立 / 安排 … 资金``)
   label    高新技术企业 → ``hnte``, 专精特新 → ``srdi_sme``, 小巨人 → ``little_giant``,
            科技型中小企业 → ``tech_sme`` … (keys of ``codes/firm_fields.yaml``); with
            ``初次认定 / 新认定 / 新列入`` the draft asks ``since_within_years: 1``
   industry GB/T 4754-2017 section and division names and the unambiguous words 工业 (B–D:
            divisions 06–46), 制造业 (13–43), 采矿 (06–12), 房地产 (70) → code prefixes;
            inside ``不含 / 不包括 / 除…外`` the draft says ``not_prefix``
   ======== =====================================================================================

   ``以上 / 以下 / 以内`` include the number itself (《中华人民共和国民法典》第一千二百五十九条:
   "民法所称的'以上''以下''以内''届满'，包括本数；所称的'不满''超过''以外'，不包括本数");
   in a band, ``5000万元以上至1亿元`` after a band ending at 5000 starts above it (>).
6. **Draft**: each proposal carries a clause in the rule language of ``docs/policy_rules.md``:
   ``when`` (thresholds on known firm fields, else placeholder facts ``fact_1`` … labelled with
   the Chinese phrase; labels; industries; a yes/no placeholder for a qualitative condition) and
   ``benefit`` (``fixed`` / ``percent`` / ``per_unit`` / ``bands``, ``cap``).
   :meth:`ExtractResult.to_yaml` writes a whole document skeleton for review.

Measurement (``benchmarks/policy_extract.py``, ``docs/policy_extract.md``): :func:`score`
compares the thresholds and amounts with a hand-encoded document (precision / recall of
``(article, kind, value)``).

Examples
--------
>>> r = extract("第 2 条 对新上项目，固定资产投资1000万元及以上的，按固定资产投资的5%—20%"
...             "给予企业奖励，最高不超过500万元。")
>>> [(i.kind, i.value, i.value_max, i.op) for i in r.proposals[0].items]
[('threshold', 1000.0, None, 'ge'), ('rate', 0.05, 0.2, 'range'), ('cap', 500.0, None, 'le')]
>>> r.proposals[0].draft["benefit"]
{'percent': {'base': 'fixed_asset_investment', 'rate': [0.05, 0.2]}, 'cap': 500}
>>> r.proposals[0].draft["when"]["field"]
'fixed_asset_investment'

Where to look: tests ``tests/policy/test_extract.py``, benchmark ``benchmarks/policy_extract.py``,
docs ``docs/policy_extract.md``; CLI ``xinzhi policy extract FILE.txt`` (surfaces).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cache
from itertools import pairwise
from typing import Any, ClassVar

import pandas as pd
import yaml

from xinzhi.codes.firm_fields import firm_labels
from xinzhi.codes.gbt4754 import divisions, sections
from xinzhi.errors import InputError
from xinzhi.policy.facts import firm_field_specs, person_field_specs
from xinzhi.results import Result

__all__ = [
    "ExtractResult",
    "ExtractScore",
    "Item",
    "Proposal",
    "extract",
    "gold_items",
    "score",
]

#: Kinds of extracted items → their Chinese names (in the summary and the item descriptions).
KIND_NAMES = {
    "threshold": "门槛",
    "amount": "金额",
    "rate": "比例",
    "cap": "上限",
    "band": "分档",
    "date": "日期",
    "duration": "期限",
    "industry": "行业",
    "label": "资质",
    "budget": "资金规模",
}
#: Kinds of extracted items.
KINDS = tuple(KIND_NAMES)
#: Item kinds counted as "threshold" / "amount" by :func:`score`.
THRESHOLD_KINDS = frozenset({"threshold"})
AMOUNT_KINDS = frozenset({"amount", "rate", "cap", "band"})


# ---------------------------------------------------------------------------------------------
# Data classes
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Item:
    """One extracted element.

    ``value`` is in 万元 for money, a fraction for percentages, the count for 人 / 亩 / 家 …,
    years or months for time, ISO ``YYYY-MM-DD`` text for dates, the label key for labels and
    None for industries (see ``codes``). ``value_max`` is the upper end of a range or band.
    ``op``: ge / gt / le / lt / between for thresholds and bands (``"ge,le"`` low and high
    bound), le for caps, range / list for rates and amounts, prefix / not_prefix for
    industries, held / new for labels. ``start`` / ``end`` are offsets into the original text.
    """

    kind: str
    value: float | str | None
    unit: str
    start: int
    end: int
    phrase: str
    op: str = ""
    value_max: float | None = None
    subject: str = ""
    field: str = ""
    codes: tuple[str, ...] = ()
    pay: float | None = None
    pay_kind: str = ""

    def numbers(self) -> tuple[float, ...]:
        """The numeric values the item states (value, upper end, a band's rate or amount)."""
        out = [v for v in (self.value, self.value_max, self.pay) if isinstance(v, float)]
        return tuple(out)


@dataclass(frozen=True)
class Proposal:
    """One proposed clause: the article, the source sentence(s), the items and a draft rule."""

    id: str
    article: str
    heading: str
    text: str
    start: int
    end: int
    items: tuple[Item, ...]
    draft: dict[str, Any]
    block: int = 0


@dataclass
class _Block:
    label: str
    heading: str
    start: int
    end: int
    number: int
    procedural: bool


# ---------------------------------------------------------------------------------------------
# Normalisation
# ---------------------------------------------------------------------------------------------
_DASHES = {
    "\u2014": "-",
    "\u2013": "-",
    "\u2015": "-",
    "\u2012": "-",
    "\u2212": "-",
    "~": "-",
    "\u301c": "-",
    "\u3014": "(",
    "\u3015": ")",
    "\u3010": "(",
    "\u3011": ")",
}


def _text_order(item: Item) -> tuple[int, int]:
    """Sort key of items: by position in the text, then in the order of :data:`KINDS`."""
    return (item.start, KINDS.index(item.kind))


def _benefit_years(last: float, start: int, end: int, phrase: str) -> Item:
    """The years a benefit runs as a threshold 1 ≤ 奖励年度 ≤ ``last`` (第一年…第三年, 连续5年)."""
    return Item(
        "threshold",
        1.0,
        "年",
        start,
        end,
        phrase,
        op="between",
        value_max=last,
        subject="奖励年度（第几年）",
    )


def _normalise(text: str) -> tuple[str, list[int]]:
    """Text without in-line whitespace, NFKC-folded, dashes unified; offsets of each char."""
    chars: list[str] = []
    idx: list[int] = []
    for i, ch in enumerate(text):
        if ch == "\r":
            continue
        if ch != "\n" and (ch.isspace() or ch in "\u200b\ufeff"):
            continue
        for c in unicodedata.normalize("NFKC", ch):
            chars.append(_DASHES.get(c, c))
            idx.append(i)
    return _join_soft_breaks("".join(chars), idx)


_MARKER_RE = re.compile(
    r"第\s*[0-9一二三四五六七八九十百零〇]+\s*[条章节]|[一二三四五六七八九十]+、|\([一二三四五六七八九十]+\)|\d{1,2}[.、](?!\d)"
)


def _join_soft_breaks(norm: str, idx: list[int]) -> tuple[str, list[int]]:
    """Drop the line breaks that cut a sentence (text copied from a PDF): a line longer than
    20 characters that does not end with 。；！？： and is followed by a line that does not open
    an article, heading or numbered paragraph continues on the next line."""
    lines = norm.split("\n")
    if len(lines) < 2:
        return norm, idx
    drop: set[int] = set()
    pos = 0
    for k, line in enumerate(lines[:-1]):
        pos += len(line)
        nxt = lines[k + 1]
        if (
            len(line) > 20
            and line[-1] not in "。；;！？!?：:"
            and nxt
            and not _MARKER_RE.match(nxt)
        ):
            drop.add(pos)
        pos += 1
    if not drop:
        return norm, idx
    keep = [i for i in range(len(norm)) if i not in drop]
    return "".join(norm[i] for i in keep), [idx[i] for i in keep]


# ---------------------------------------------------------------------------------------------
# Numbers
# ---------------------------------------------------------------------------------------------
_CN_DIGIT = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_CN_UNIT = {"十": 10, "百": 100, "千": 1000}
_MULT = {"": 1.0, "百": 100.0, "千": 1000.0, "万": 1e4, "百万": 1e6, "千万": 1e7, "亿": 1e8}


def _number(s: str) -> float:
    """An Arabic or Chinese numeral below 10 000 (``十二`` → 12, ``两`` → 2, ``1.5`` → 1.5)."""
    if re.fullmatch(r"\d+(?:\.\d+)?", s):
        return float(s)
    total, digit = 0, 0
    for ch in s:
        if ch in _CN_DIGIT:
            digit = _CN_DIGIT[ch]
        else:
            total += (digit or 1) * _CN_UNIT[ch]
            digit = 0
    return float(total + digit)


_NUM = r"\d+(?:\.\d+)?|[零〇一二两三四五六七八九十百千]+"
_UNITS = (
    r"美元|元(?:/(?:平方米|人次|亩|人|年|夜|间|户|家|张|床|次|吨|件|台|套|天|月|个|项|批|辆|车))*|%|平方米|公顷|亩|人次|批次|个月|年|天|人|家|张|间|件|项"
    r"|块|台|套|户|名|所|床|周岁|岁"
)
_MULT_RE = "千万|百万|万|亿|千|百"  # the keys of _MULT written after a number, 千万 before 千
_QTY_RE = re.compile(
    rf"(?P<num>{_NUM})(?P<mult>{_MULT_RE})?(?P<unit>{_UNITS})",
)
_RANGE_RE = re.compile(
    rf"(?P<a>{_NUM})(?P<ma>{_MULT_RE})?(?P<ua>{_UNITS})?"
    rf"(?P<conn>(?:及以上|以上|\(含\))?(?:-+|至|到))"
    rf"(?P<b>{_NUM})(?P<mb>{_MULT_RE})?(?P<ub>{_UNITS})",
)
_DATE_RE = re.compile(r"((?:19|20)\d{2})年(?:(\d{1,2})月(?:(\d{1,2})日)?)?")

_MONEY = "money"
_PERCENT = "percent"
_TIME = "time"
_COUNT = "count"


@dataclass
class _Qty:
    value: float
    unit: str  # canonical unit shown
    dim: str  # money | percent | time | count
    start: int
    end: int
    per: str = ""  # per-unit denominator ("亩", "人/夜")


def _qty(num: str, mult: str | None, unit: str, start: int, end: int) -> _Qty | None:
    """A quantity in canonical units, or None for a numeral that is not one (``百年老店``)."""
    if num in ("百", "千", "十") and not mult:
        return None
    try:
        v = _number(num)
    except KeyError:
        return None
    m = _MULT[mult or ""]
    if unit == "美元":
        return _Qty(v * m / 1e4, "万美元", _MONEY, start, end)
    if unit.startswith("元"):
        per = unit[1:].lstrip("/").replace("/", "/")
        money = v * m / 1e4
        u = "万元" + (f"/{per}" if per else "")
        return _Qty(money, u, _MONEY, start, end, per)
    if unit == "%":
        return _Qty(v * m / 100.0, "", _PERCENT, start, end)
    if unit in ("年", "个月", "天"):
        return _Qty(v * m, "月" if unit == "个月" else unit, _TIME, start, end)
    return _Qty(v * m, unit, _COUNT, start, end)


# ---------------------------------------------------------------------------------------------
# Words
# ---------------------------------------------------------------------------------------------
_BENEFIT_RE = re.compile(r"给予|奖励|补助|补贴|资助|扶持|支持|返还|奖补|贴息|配套")
_FUND_RE = re.compile(
    r"(?<!新)(设立|安排|列支)[^。；]{0,30}(引导资金|专项资金|发展资金|扶持资金|奖补资金|基金)"
    r"|资金池|助保金|增信担保"
)
_PROCEDURAL_HEAD_RE = re.compile(r"兑现|组织保障|其他|申报|审核|保障措施|附则")
_PROCEDURAL_SEG_RE = re.compile(r"进行分配|追回|土地闲置费|收回|兑现")
_AFTER_DIR = [
    (re.compile(r"^(?:\(含(?:本数)?\))?及以上"), "ge"),
    (re.compile(r"^(?:\(含(?:本数)?\))以上"), "ge"),
    (re.compile(r"^以上\(含(?:本数)?\)"), "ge"),
    (re.compile(r"^以上\(不含(?:本数)?\)"), "gt"),
    (re.compile(r"^以上"), "ge"),
    (re.compile(r"^(?:\(含(?:本数)?\))?及?以下"), "le"),
    (re.compile(r"^以内|^之内|^内"), "le"),
]
_BEFORE_DIR_RE = re.compile(
    r"(不低于|不少于|达到|达|满|至少|最低|超过|突破|高于|大于|多于|不超过|不高于|不多于|最高|最多|低于|少于|不足|"
    r"未满|不满)(?:在|为)?$"
)
_BEFORE_OP = {
    "不低于": "ge",
    "不少于": "ge",
    "达到": "ge",
    "达": "ge",
    "满": "ge",
    "至少": "ge",
    "最低": "ge",
    "超过": "gt",
    "突破": "gt",
    "高于": "gt",
    "大于": "gt",
    "多于": "gt",
    "不超过": "le",
    "不高于": "le",
    "不多于": "le",
    "最高": "le",
    "最多": "le",
    "低于": "lt",
    "少于": "lt",
    "不足": "lt",
    "未满": "lt",
    "不满": "lt",
}
_CAP_WORD_RE = re.compile(r"最高|最多|封顶|上限")
_PART_SPLIT_RE = re.compile(r"[，,:：]")
_SUBJECT_CUT_RE = re.compile(
    r"[，,、；。:：()“”\"]|且|并且|或者|对|凡|其中|以及|按照|按|参照|给予企业|给予|奖励|即|的"
)
_LABEL_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"小巨人"), "little_giant"),
    (re.compile(r"专精特新(?![^，。；]{0,4}小巨人)"), "srdi_sme"),
    (re.compile(r"高新技术(?:的)?企业|高企"), "hnte"),
    (re.compile(r"科技型中小企业"), "tech_sme"),
    (re.compile(r"科技和创新型中小企业"), "tech_innovative_sme"),
    (re.compile(r"(?<!科技和)创新型中小企业"), "innovative_sme"),
    (re.compile(r"单项冠军"), "single_champion"),
)
_NEW_LABEL_RE = re.compile(r"初次|首次|新认定|新获认定|新列入|新评定|新获批|新认定为|认定当年")
_EXCLUDE_RE = re.compile(
    r"\((?:不含|不包括|除)[^)]*\)|(?:不含|不包括)[^，。；]*|除[^，。；]*外|\([^()]*除外\)"
    r"|[^，。；()]*除外"
)

# Synonyms of firm fields not among the aliases of the catalogues (phrases of policies).
_FIELD_SYNONYMS = {
    "纳税额": "tax",
    "纳税": "tax",
    "上缴税金": "tax",
    "上缴税收": "tax",
    "税收": "tax",
    "实缴税金": "tax",
    "销售收入": "revenue",
    "营业收入": "revenue",
    "主营业务收入": "main_revenue",
    "研发投入": "rd_expenditure",
    "研发费用": "rd_expenditure",
    "职工人数": "employees",
    "从业人员": "employees",
    "用地面积": "land_area",
}
_STRIP_PREFIX_RE = re.compile(
    r"^(?:其|企业|单个企业|本年度|上年度|上一年度|年度|当年|本年|全年|年|上缴|实缴)+"
)
_GROWTH_RE = re.compile(r"(?:同比)?(?:增幅|增长率|增长|增速)(?:分别)?$")


@cache
def _field_names() -> dict[str, str]:
    """Chinese names → numeric field keys of the rule language's firm catalogue (firm-year
    fields and policy facts: labels and aliases), with a few policy synonyms."""
    out: dict[str, str] = {}
    for key, f in firm_field_specs().items():
        if f.type not in ("double", "integer") or key.startswith("label_") or "_prev" in key:
            continue
        for name in (f.label, *f.aliases):
            out.setdefault(name, key)
    for name, key in _FIELD_SYNONYMS.items():
        out.setdefault(name, key)
    return out


def _field_for(subject: str) -> str:
    """A numeric field key for a subject phrase (``年度纳税额`` → ``tax``, ``固定资产投资`` →
    ``fixed_asset_investment``), ``a/b`` for 亩均 of a known field (``亩均税收`` →
    ``tax/land_area``), else ""."""
    s = _STRIP_PREFIX_RE.sub("", subject)
    names = _field_names()
    m = re.fullmatch(r"(.+?)(?:占|与)(.+?)(?:的)?(?:比例|比重|之比|比)", s)
    if m:
        a, b = _field_for(m.group(1)), _field_for(m.group(2))
        return f"{a}/{b}" if a and b and "/" not in a + b else ""
    if s.startswith("亩均"):
        inner = _field_for(s[2:])
        return f"{inner}/land_area" if inner and "/" not in inner else ""
    return names.get(s, names.get(subject, ""))


def _growth_field(subject: str) -> str | None:
    """For a growth phrase (``上缴税收同比增幅``): ``tax/tax_prev1`` when the grown quantity is a
    known field with a previous-year column, "" when it is not known, None when the phrase is
    not about growth."""
    m = _GROWTH_RE.search(subject)
    if not m:
        return None
    f = _field_for(subject[: m.start()])
    return f"{f}/{f}_prev1" if f and "/" not in f and f"{f}_prev1" in firm_field_specs() else ""


@cache
def _industry_terms() -> tuple[tuple[str, tuple[str, ...]], ...]:
    """(name, division prefixes) of GB/T 4754-2017 sections and divisions, longest names first,
    and the unambiguous short words."""
    div = divisions()
    terms: dict[str, tuple[str, ...]] = {}
    for sec, name in zip(sections()["code"], sections()["name"], strict=True):
        codes = tuple(div.loc[div["section"] == sec, "division"])
        terms[str(name)] = codes
    for d, name in zip(div["division"], div["name"], strict=True):
        terms.setdefault(str(name), (str(d),))
    industrial = tuple(div.loc[div["section"].isin(["B", "C", "D"]), "division"])
    terms.setdefault("工业", industrial)
    terms.setdefault("制造业", tuple(div.loc[div["section"] == "C", "division"]))
    terms.setdefault("采矿", tuple(div.loc[div["section"] == "B", "division"]))
    terms.setdefault("房地产", ("70",))
    # names too general to stand for a division inside other words
    for vague in ("农业", "林业", "渔业", "体育", "教育", "卫生", "保险业", "邮政业", "娱乐业"):
        terms.pop(vague, None)
    return tuple(sorted(terms.items(), key=lambda kv: -len(kv[0])))


def _whole_sections(codes: Sequence[str]) -> list[str]:
    """The section letters when ``codes`` are exactly all divisions of some sections, else []."""
    div = divisions()
    secs = sorted(set(div.loc[div["division"].isin(list(codes)), "section"]))
    full = set(div.loc[div["section"].isin(secs), "division"])
    return secs if secs and full == set(codes) else []


@cache
def _industry_re() -> re.Pattern[str]:
    """One alternation of the industry terms, longest first (the longest name wins where names
    overlap: 房地产业 before 房地产)."""
    return re.compile("|".join(re.escape(name) for name, _ in _industry_terms()))


# ---------------------------------------------------------------------------------------------
# Articles and sentences
# ---------------------------------------------------------------------------------------------
_CNUM = "一二三四五六七八九十百零〇"
_ARTICLE_RE = re.compile(rf"^第([0-9]+|[{_CNUM}]+)条")
_L1_RE = re.compile(rf"^([{_CNUM}]+)、")
_L2_RE = re.compile(rf"^\(([{_CNUM}]+)\)")
_L3_RE = re.compile(r"^(\d{1,2})(?:[.、](?!\d))")


def _title_of(rest: str) -> tuple[str, str]:
    """Split a heading line into (title, the text after it)."""
    m = re.match(r"^([^。；，,]{1,24}?)[。.]?$", rest)
    if m and (len(m.group(1)) <= 16 and not _QTY_RE.search(m.group(1))):
        return m.group(1), ""
    m = re.match(r"^([^。；，,]{1,16})。(.*)$", rest)
    if m and not _QTY_RE.search(m.group(1)):
        return m.group(1), m.group(2)
    return "", rest


def _blocks(norm: str) -> list[_Block]:
    """Articles (or numbered paragraphs) of the normalised text, in order."""
    has_articles = any(_ARTICLE_RE.match(line) for line in norm.split("\n"))
    blocks: list[_Block] = []
    l1 = l2 = ""
    t1 = t2 = ""
    pos = 0
    current: _Block | None = None

    def close(at: int) -> None:
        nonlocal current
        if current is not None:
            current.end = at
            if current.end > current.start:
                blocks.append(current)
        current = None

    def heading() -> str:
        return t2 or t1

    def procedural() -> bool:
        return bool(_PROCEDURAL_HEAD_RE.search(t1) or _PROCEDURAL_HEAD_RE.search(t2))

    for line in norm.split("\n"):
        start, end = pos, pos + len(line)
        pos = end + 1
        if not line:
            continue
        m = _ARTICLE_RE.match(line)
        if m:
            close(start)
            n = int(_number(m.group(1))) if not m.group(1).isdigit() else int(m.group(1))
            current = _Block(f"第{n}条", heading(), start + m.end(), end, n, procedural())
            continue
        m1 = _L1_RE.match(line)
        m2 = _L2_RE.match(line)
        m3 = None if has_articles else _L3_RE.match(line)
        if m1 or m2:
            m = m1 or m2
            assert m is not None
            title, rest = _title_of(line[m.end() :])
            if m1:
                l1, t1, l2, t2 = m.group(1), title or line[m.end() :][:12], "", ""
            else:
                l2, t2 = m.group(1), title or line[m.end() :][:12]
            if has_articles:
                if current is not None and not rest:
                    close(start)
                continue
            close(start)
            if rest:
                label = f"{l1}、" + (f"({l2})" if l2 else "") if l1 else f"({l2})"
                off = start + len(line) - len(rest)
                current = _Block(label, heading(), off, end, len(blocks) + 1, procedural())
            continue
        if m3:
            close(start)
            title, rest = _title_of(line[m3.end() :])
            label = (f"{l1}、" if l1 else "") + (f"({l2})" if l2 else "") + m3.group(1)
            head = title or heading()
            off = start + len(line) - len(rest) if rest else end
            current = _Block(label, head, off, end, len(blocks) + 1, procedural())
            if not rest:
                current.start = end
            continue
        if current is None:
            label = (f"{l1}、" if l1 else "") + (f"({l2})" if l2 else "")
            number = len(blocks) + 1 if label and not has_articles else 0
            current = _Block(label, heading(), start, end, number, procedural())
        current.end = end
    close(len(norm))
    for b in blocks:
        if not b.label and has_articles:
            b.number = 0
    return blocks


def _label_id(label: str) -> str:
    """The article part of a clause id: ``第10条`` → ``10``, ``二、(一)1`` → ``2.1.1``,
    ``四、12`` → ``4.12``, ``二、`` → ``2``; "" for an unlabelled block."""
    m = re.fullmatch(r"第(\d+)条", label)
    if m:
        return m.group(1)
    m = re.fullmatch(rf"(?:([{_CNUM}]+)、)?(?:\(([{_CNUM}]+)\))?(\d+)?", label)
    if not m or not label:
        return ""
    return ".".join(str(int(_number(g))) for g in m.groups() if g)


def _sentences(norm: str, start: int, end: int) -> list[tuple[int, int]]:
    """Sentence spans in ``norm[start:end]``: cut at 。；！？ and line ends outside brackets."""
    out: list[tuple[int, int]] = []
    depth = 0
    s = start
    for i in range(start, end):
        ch = norm[i]
        if ch in "(（":
            depth += 1
        elif ch in ")）":
            depth = max(0, depth - 1)
        elif (ch in "。；;！？!?" and depth == 0) or ch == "\n":
            if i + (ch != "\n") > s:
                out.append((s, i + (ch != "\n")))
            s = i + 1
            depth = 0
    if end > s:
        out.append((s, end))
    return [(a, b) for a, b in out if norm[a:b].strip("。；;\n ")]


# ---------------------------------------------------------------------------------------------
# Quantities of one sentence
# ---------------------------------------------------------------------------------------------
@dataclass
class _Group:
    """Adjacent quantities (a single one, a range, or a list of them)."""

    elems: list[tuple[_Qty, _Qty | None, str]]  # (low, high or None, connector)
    start: int
    end: int


def _scan(norm: str, start: int, end: int, masked: list[tuple[int, int]]) -> list[_Group]:
    """Quantities in ``norm[start:end]`` as groups (lists joined by 、和及或)."""
    seg = norm[start:end]
    taken = [False] * len(seg)
    for a, b in masked:
        for i in range(max(a, start), min(b, end)):
            taken[i - start] = True
    elems: list[tuple[_Qty, _Qty | None, str]] = []

    def free(a: int, b: int) -> bool:
        return not any(taken[a:b])

    for m in _RANGE_RE.finditer(seg):
        if not free(m.start(), m.end()) or (m.start() > 0 and seg[m.start() - 1] == "第"):
            continue
        hi = _qty(m["b"], m["mb"], m["ub"], start + m.start("b"), start + m.end())
        ua = m["ua"] or m["ub"]
        lo_end = m.end("ua") if m["ua"] else m.end("ma") if m["ma"] else m.end("a")
        lo = _qty(m["a"], m["ma"], ua, start + m.start(), start + lo_end)
        if lo is None or hi is None or lo.dim != hi.dim:
            continue
        if m["ma"] is None and m["ua"] is None and m["mb"]:
            lo = _qty(m["a"], m["mb"], ua, start + m.start(), start + lo_end)
            assert lo is not None
        if lo.value > hi.value:
            continue
        elems.append((lo, hi, m["conn"]))
        for i in range(m.start(), m.end()):
            taken[i] = True
    for m in _QTY_RE.finditer(seg):
        if not free(m.start(), m.end()) or (m.start() > 0 and seg[m.start() - 1] == "第"):
            continue
        q = _qty(m["num"], m["mult"], m["unit"], start + m.start(), start + m.end())
        if q is None:
            continue
        if q.dim == _TIME and re.match(r"老|历史", seg[m.end() : m.end() + 1]):
            continue
        if q.dim == _TIME and m.start() > 0 and seg[m.start() - 1] in "上下同当本每":
            continue  # 上一年度, 当年: a reference year, not a length
        elems.append((q, None, ""))
    elems.sort(key=lambda e: e[0].start)
    groups: list[_Group] = []
    for e in elems:
        e_start = e[0].start
        e_end = (e[1] or e[0]).end
        if groups:
            g = groups[-1]
            gap = norm[g.end : e_start]
            gap_core = re.sub(r"\(含[^)]*\)|及以上|以上|以下", "", gap)
            same_dim = g.elems[-1][0].dim == e[0].dim
            if same_dim and gap_core in ("、", "和", "及", "或", ",", "、和") and len(gap) <= 6:
                g.elems.append(e)
                g.end = e_end
                continue
        groups.append(_Group([e], e_start, e_end))
    return groups


def _after_op(text: str) -> tuple[str, int]:
    text = re.sub(r"^\((?:含税|不含税|含增值税|不含增值税)\)", "", text)
    for rx, op in _AFTER_DIR:
        m = rx.match(text)
        if m:
            return op, m.end()
    return "", 0


def _subject(before: str) -> str:
    """The phrase a number measures: the end of ``before`` after the last delimiter, without
    direction words."""
    s = re.sub(r"\([^()]*\)$", "", before)  # 营业额（以发票为准）10万元: the word before
    s = re.sub(r"\([^()]*\)", "，", s)  # 项目（不含采矿）固定资产投资: a new phrase after it
    s = _BEFORE_DIR_RE.sub("", s)
    s = re.sub(r"(在|为|达|累计|共|合计|首次|均|分别)+$", "", s)
    pieces = _SUBJECT_CUT_RE.split(s)
    subj = pieces[-1] if pieces else ""
    if not subj and len(pieces) >= 2:
        subj = pieces[-2]
    subj = re.sub(r"^(?:在|为|是|被|对)", "", subj)
    return subj[-12:]


def _base(before: str) -> str:
    """The base of a rate: the phrase before the percentage after 按 / 参照 / 给予企业 …"""
    s = _BEFORE_DIR_RE.sub("", before)
    s = re.sub(r"的$", "", s)
    s = re.sub(r"(?:给予?企业|给予?)$", "", s)
    m = re.search(r"(?:按照|按|参照|以|给予企业|给予|奖励|返还)(?:其)?([^按参给奖]*)$", s)
    if m:
        s = m.group(1)
    s = re.split(r"[的、，,]", s)[-1]
    s = re.sub(r"^(?:其|企业)", "", s)
    return s[-14:] if s else ""


_ORDINAL_YEAR_RE = re.compile(r"第([一二三四五六七八九十\d]+)年")
_FIRST_LAST_RE = re.compile(r"(前|后)([一二两三四五六七八九十\d]+)年")


def _year_bands(norm: str, idx: list[int], start: int, end: int, part_bounds: Any) -> list[Item]:
    """Bands over the year of the benefit: ``第一年奖励5万元，第二年奖励3万元`` (years 1..1,
    2..2) and ``前2年给予…80%…，后3年给予…50%`` (years 1..2, 3..5)."""
    seg = norm[start:end]
    out: list[Item] = []

    def pay_after(pos: int) -> _Qty | None:
        _p0, p1 = part_bounds(pos)
        m = _QTY_RE.search(norm, pos, p1)
        while m is not None:
            q = _qty(m["num"], m["mult"], m["unit"], m.start(), m.end())
            if q is not None and q.dim in (_MONEY, _PERCENT):
                return q
            m = _QTY_RE.search(norm, m.end(), p1)
        return None

    def band(lo: float, hi: float, at: int, q: _Qty) -> Item:
        return Item(
            "band",
            lo,
            "年",
            idx[at],
            idx[q.end - 1] + 1,
            norm[at : q.end],
            op="ge,le",
            value_max=hi,
            subject="奖励年度（第几年）",
            pay=q.value,
            pay_kind="rate" if q.dim == _PERCENT else "amount",
        )

    last_year = 0.0
    first_at = -1
    for m in _ORDINAL_YEAR_RE.finditer(seg):
        q = pay_after(start + m.end())
        if q is not None:
            n = _number(m.group(1))
            out.append(band(n, n, start + m.start(), q))
            last_year = max(last_year, n)
            first_at = start + m.start() if first_at < 0 else first_at
    if last_year > 1:
        # 第一年…第三年: the benefit runs in years 1..3
        out.append(
            _benefit_years(
                last_year, idx[first_at], idx[first_at] + 1, norm[first_at : first_at + 3]
            )
        )
    fl = list(_FIRST_LAST_RE.finditer(seg))
    for m1, m2 in pairwise(fl):
        if m1.group(1) != "前" or m2.group(1) != "后":
            continue
        q1, q2 = pay_after(start + m1.end()), pay_after(start + m2.end())
        if q1 is None or q2 is None or q1.start >= start + m2.start():
            continue
        n1, n2 = _number(m1.group(2)), _number(m2.group(2))
        out.append(band(1.0, n1, start + m1.start(), q1))
        out.append(band(n1 + 1, n1 + n2, start + m2.start(), q2))
    return out


_GRADE_RE = re.compile(
    r"(?<![\d.])([1-5一二三四五])(?:-([1-5一二三四五]))?(星级|A级|A(?=[、,，和及或]))"
)


def _grades(norm: str, idx: list[int], start: int, end: int) -> list[Item]:
    """Grade conditions: 三星级、四星级 → = 3, = 4; 3A、4A、5A级 → = 3, 4, 5; 2—5星级 → 2 … 5."""
    out: list[Item] = []
    for m in _GRADE_RE.finditer(norm, start, end):
        lo = int(_number(m.group(1)))
        hi = int(_number(m.group(2))) if m.group(2) else lo
        unit = "A级" if m.group(3).startswith("A") else "星级"
        for v in range(lo, hi + 1):
            out.append(
                Item(
                    "threshold",
                    float(v),
                    unit,
                    idx[m.start()],
                    idx[m.end() - 1] + 1,
                    m.group(0),
                    op="eq",
                    subject="等级",
                )
            )
    return out


_TIME_UNITS = ("年", "月", "天")


def _pair_bands(items: list[Item]) -> list[Item]:
    """Thresholds that chain (``100—500亩 … 100元/亩；500亩以上 … 200元/亩``, ``5000万元以上 …
    15万元, 3000万元至5000万元 … 10万元``), each followed by its own pay, become bands on that
    quantity; the lowest bound stays as the threshold (the entry condition)."""
    if any(i.kind == "band" for i in items):
        return items
    ordered = sorted(items, key=lambda i: i.start)
    th = [
        i
        for i in ordered
        if i.kind == "threshold"
        and i.unit not in _TIME_UNITS
        and i.op in ("ge", "gt", "between")
        and isinstance(i.value, float)
    ]
    if len(th) < 2 or len({i.unit for i in th}) != 1:
        return items
    pairs: list[tuple[Item, Item]] = []
    for k, t in enumerate(th):
        stop = th[k + 1].start if k + 1 < len(th) else 1 << 62
        pays = [i for i in ordered if i.kind in ("amount", "rate") and t.end <= i.start < stop]
        if len(pays) != 1:
            return items
        pairs.append((t, pays[0]))
    chain = sorted(th, key=lambda i: float(i.value or 0.0))
    for a, b in pairwise(chain):
        if a.value_max is None or a.value_max != b.value:
            return items
    highs = {t.value_max for t in th}
    out = [i for i in items if i not in th]
    subject, fld = th[0].subject, th[0].field  # one name for the quantity the bands are on
    for t, p in sorted(pairs, key=lambda tp: float(tp[0].value or 0.0)):
        assert isinstance(t.value, float) and isinstance(p.value, float)
        lo_op = "gt" if t.value in highs else ("gt" if t.op == "gt" else "ge")
        op = f"{lo_op},le" if t.value_max is not None else lo_op
        out.append(
            Item(
                "band",
                t.value,
                t.unit,
                t.start,
                p.end,
                t.phrase,
                op=op,
                value_max=t.value_max,
                subject=subject,
                field=fld,
                pay=p.value,
                pay_kind="per_unit" if p.kind == "amount" and "/" in p.unit else p.kind,
            )
        )
    low = chain[0]
    out.append(
        Item(
            "threshold",
            low.value,
            low.unit,
            low.start,
            low.end,
            f"{_fmt(float(low.value or 0.0))}{low.unit}",
            op="ge",
            subject=subject,
            field=fld,
        )
    )
    return out


def _items_of(
    norm: str, idx: list[int], start: int, end: int, masked: list[tuple[int, int]]
) -> list[Item]:
    """Items of one sentence group ``norm[start:end]`` (offsets mapped to the original)."""
    seg = norm[start:end]
    fund = bool(_FUND_RE.search(seg))
    out: list[Item] = []

    def span(a: int, b: int) -> tuple[int, int]:
        return idx[a], idx[b - 1] + 1

    def part_bounds(pos: int) -> tuple[int, int]:
        ps = start
        for m in _PART_SPLIT_RE.finditer(seg):
            if start + m.start() < pos:
                ps = start + m.end()
            else:
                return ps, start + m.start()
        return ps, end

    groups = _scan(norm, start, end, masked)
    used: set[int] = set()
    # bands: a list of ranges/thresholds followed by a list of pays of the same length
    for gi, g in enumerate(groups):
        if len(g.elems) < 2 or g.elems[0][0].dim not in (_MONEY, _COUNT):
            continue
        pays = next(
            (
                h
                for h in groups[gi + 1 :]
                if len(h.elems) == len(g.elems) and h.elems[0][0].dim in (_PERCENT, _MONEY)
            ),
            None,
        )
        if pays is None:
            continue
        if any(_after_op(norm[(h or q).end : (h or q).end + 8])[0] for q, h, _ in pays.elems):
            continue  # 分别达到30%以上、20%以上: thresholds per alternative, not pays
        low_any = any(hi is not None for _, hi, _ in g.elems)
        if not low_any and "分别" not in norm[g.end : pays.start]:
            continue
        prev_hi: float | None = None
        singles = [lo.value for lo, hi, _ in g.elems]
        p0, _ = part_bounds(g.start)
        subject = _subject(norm[p0 : g.start])
        for (lo, hi, conn), (pay, _, _) in zip(g.elems, pays.elems, strict=True):
            text_after = norm[(hi or lo).end : (hi or lo).end + 8]
            if hi is not None:
                op_lo = "gt" if prev_hi is not None and lo.value == prev_hi else "ge"
                if conn.startswith("及以上") or conn.startswith("(含)"):
                    op_lo = "ge"
                op = f"{op_lo},le"
            else:
                after, _n = _after_op(text_after)
                op_lo = "gt" if prev_hi is not None and lo.value == prev_hi else (after or "ge")
                op = op_lo
                k = singles.index(lo.value)
                if not low_any and k + 1 < len(singles) and singles[k + 1] > lo.value:
                    # 5亿元、10亿元、20亿元以上 … 分别: each step up to the next one
                    hi = _Qty(singles[k + 1], lo.unit, lo.dim, lo.start, lo.end, "step")
                    op = "ge,lt"
            a, b = span(lo.start, (hi or lo).end)
            out.append(
                Item(
                    "band",
                    lo.value,
                    lo.unit,
                    a,
                    b,
                    norm[lo.start : (hi or lo).end],
                    op=op,
                    value_max=hi.value if hi is not None else None,
                    subject=subject,
                    field=_field_for(subject),
                    pay=pay.value,
                    pay_kind=(
                        "rate"
                        if pay.dim == _PERCENT
                        else "per_unit"
                        if "/" in pay.unit
                        else "amount"
                    ),
                )
            )
            prev_hi = hi.value if hi is not None and hi.per != "step" else None
        lo0 = min((e[0] for e in g.elems), key=lambda q: q.value)
        a, b = span(lo0.start, lo0.end)
        out.append(
            Item(
                "threshold",
                lo0.value,
                lo0.unit,
                a,
                b,
                norm[lo0.start : lo0.end],
                op="ge",
                subject=subject,
                field=_field_for(subject),
            )
        )
        used.add(gi)
    for gi, g in enumerate(groups):
        if gi in used:
            continue
        p0, p1 = part_bounds(g.start)
        part = norm[p0:p1]
        benefit_part = bool(_BENEFIT_RE.search(part))
        for lo, hi, _conn in g.elems:
            last = hi or lo
            after_text = norm[last.end : min(p1, last.end + 10)]
            after_op, _n = _after_op(after_text)
            before_here = norm[p0 : lo.start]
            bm = _BEFORE_DIR_RE.search(before_here)
            before_op = _BEFORE_OP[bm.group(1)] if bm else ""
            per_each = bool(re.search(r"每(?!年|月)[^，。；]{0,3}$", before_here))
            if re.search(r"每满$|每满[^，。；]{0,2}$", before_here):
                continue  # the denominator of a per-unit amount (每满一万人奖励一万元)
            a, b = span(lo.start, last.end)
            phrase = norm[lo.start : last.end]
            op = after_op or before_op
            cap = (
                op in ("le", "lt")
                and (
                    bool(_CAP_WORD_RE.search(before_here)) or bool(_BENEFIT_RE.search(before_here))
                )
            ) or (
                # 单个企业每年最高补助100万元: 最高 before a benefit word, no direction word
                not op
                and lo.dim == _MONEY
                and bool(re.search(r"(最高|最多)[^，。；]{0,4}$", before_here))
            )
            subject = _subject(norm[p0 : g.start])
            if lo.dim == _MONEY and fund:
                out.append(Item("budget", lo.value, lo.unit, a, b, phrase, op=op))
                continue
            if lo.dim == _TIME:
                if lo.unit == "年" and lo.value >= 1900:
                    continue
                kind = "threshold" if op else "duration"
                if op in ("le", "lt") and re.search(r"最长|期限|最多", before_here):
                    kind = "duration"  # 补贴期限不超过2年: how long it is paid, not a condition
                lead = norm[max(p0, lo.start - 1) : lo.start]
                if (
                    not op
                    and hi is None
                    and lo.unit == "年"
                    and lead not in ("前", "后")
                    and _BENEFIT_RE.search(part)
                ):
                    # 连续5年奖励 / 给予五年奖励: the benefit runs in years 1..N
                    out.append(_benefit_years(lo.value, a, b, phrase))
                    continue
                founded = kind == "threshold" and re.search(
                    r"(成立|注册|设立)(时间|年限)?$", subject
                )
                out.append(
                    Item(
                        kind,
                        lo.value,
                        lo.unit,
                        a,
                        b,
                        phrase,
                        op=op or ("between" if hi else ""),
                        value_max=hi.value if hi else None,
                        subject=subject,
                        field="years_since:founded" if founded and lo.unit == "年" else "",
                    )
                )
                continue
            if cap:
                out.append(Item("cap", last.value, last.unit, a, b, phrase, op="le"))
                continue
            if lo.dim == _PERCENT and op in ("ge", "gt") and _BENEFIT_RE.search(before_here):
                # 给予企业引进成本不低于10%的资金支持: a rate with a floor
                out.append(
                    Item("rate", lo.value, "", a, b, phrase, op=op, subject=_base(before_here))
                )
                continue
            pay_before = bool(_BENEFIT_RE.search(before_here))
            cond_range = hi is not None and (
                not benefit_part or (not pay_before and lo.dim != _PERCENT)
            )
            growth = _growth_field(subject) if lo.dim == _PERCENT and op else None
            if growth is not None:
                # 同比增幅达到30%以上: growth ≥ 0.3; the draft writes this year / last year ≥ 1.3
                out.append(
                    Item(
                        "threshold",
                        lo.value,
                        "增幅",
                        a,
                        b,
                        phrase,
                        op=op,
                        subject=subject,
                        field=growth,
                    )
                )
                continue
            if op or cond_range:
                out.append(
                    Item(
                        "threshold",
                        lo.value,
                        lo.unit,
                        a,
                        b,
                        phrase,
                        op=("between" if hi is not None else op),
                        value_max=hi.value if hi is not None else None,
                        subject=subject,
                        field=_field_for(subject),
                    )
                )
                continue
            if lo.dim == _PERCENT:
                out.append(
                    Item(
                        "rate",
                        lo.value,
                        "",
                        a,
                        b,
                        phrase,
                        op="range" if hi is not None else ("list" if len(g.elems) > 1 else ""),
                        value_max=hi.value if hi is not None else None,
                        subject=_base(norm[p0 : g.start]),
                    )
                )
                continue
            if lo.dim == _MONEY and (benefit_part or _BENEFIT_RE.search(seg) or per_each):
                per = lo.per or ("每" if per_each else "")
                if per_each and not lo.per:
                    m_each = re.search(r"每([^，。；]{1,3})$", before_here)
                    per = m_each.group(1) if m_each else "件"
                    per = re.sub(r"(奖励|给予|补助|补贴)$", "", per) or "件"
                out.append(
                    Item(
                        "amount",
                        lo.value,
                        lo.unit if not per_each or lo.per else f"万元/{per}",
                        a,
                        b,
                        phrase,
                        op="range" if hi is not None else ("list" if len(g.elems) > 1 else ""),
                        value_max=hi.value if hi is not None else None,
                        subject=per if (lo.per or per_each) else "",
                    )
                )
    out.extend(_year_bands(norm, idx, start, end, part_bounds))
    out.extend(_grades(norm, idx, start, end))
    out = _pair_bands(out)
    # labels and industries
    for rx, key in _LABEL_PATTERNS:
        for m in rx.finditer(seg):
            a, b = span(start + m.start(), start + m.end())
            new = bool(_NEW_LABEL_RE.search(seg[: m.start()]))
            out.append(Item("label", key, "", a, b, m.group(0), op="new" if new else "held"))
            break
    excl = [(start + m.start(), start + m.end()) for m in _EXCLUDE_RE.finditer(seg)]
    codes_of = dict(_industry_terms())
    for m in _industry_re().finditer(seg):
        name = m.group(0)
        codes = codes_of[name]
        s0, e0 = start + m.start(), start + m.end()
        excluded = any(a <= s0 < b for a, b in excl)
        a, b = span(s0, e0)
        out.append(
            Item(
                "industry",
                None,
                "",
                a,
                b,
                name,
                op="not_prefix" if excluded else "prefix",
                codes=codes,
            )
        )
    out.sort(key=_text_order)
    return out


# ---------------------------------------------------------------------------------------------
# Drafts
# ---------------------------------------------------------------------------------------------
class _Facts:
    """Placeholder facts of one document: phrase → ``fact_N``."""

    def __init__(self) -> None:
        self.by_phrase: dict[tuple[str, str], str] = {}
        self.specs: dict[str, dict[str, str]] = {}

    def key(self, phrase: str, unit: str, type_: str = "double") -> str:
        k = (phrase or "待确认", type_)
        if k not in self.by_phrase:
            key = f"fact_{len(self.by_phrase) + 1}"
            self.by_phrase[k] = key
            self.specs[key] = {"label": phrase or "待确认", "unit": unit, "type": type_}
        return self.by_phrase[k]


def _fmt(v: float) -> float | int:
    r = round(v, 8)
    return int(r) if float(r).is_integer() and abs(r) < 1e15 else r


def _leaf_for(item: Item, facts: _Facts) -> dict[str, Any]:
    if item.field.startswith("years_since:"):
        leaf: dict[str, Any] = {"years_since": item.field.split(":", 1)[1]}
    elif item.field and "/" in item.field:
        a, b = item.field.split("/")
        leaf = {"ratio": [a, b]}
    else:
        leaf = {"field": item.field or facts.key(item.subject, item.unit)}
    if item.unit == "增幅" and "/" in item.field and isinstance(item.value, float):
        # growth x of a field ⇔ field / field_prev1 ≥ 1 + x
        leaf[item.op or "ge"] = _fmt(1.0 + item.value)
    elif item.op == "between" and item.value_max is not None:
        assert isinstance(item.value, float)
        leaf["between"] = [_fmt(item.value), _fmt(item.value_max)]
    else:
        assert isinstance(item.value, float)
        leaf[item.op or "ge"] = _fmt(item.value)
    sign = {"ge": " ≥ ", "gt": " > ", "le": " ≤ ", "lt": " < ", "eq": " = ", "between": " "}
    leaf["text"] = f"{item.subject}{sign.get(item.op, ' ')}{item.phrase}".strip()
    return leaf


_ALT_SPLIT_RE = re.compile(r"、|和|及|或")
_PERSON_WORD_RE = re.compile(r"博士|硕士|研究生|本科|大专|毕业生|人才|专家|院士|学历|职称")


def _education(text: str) -> tuple[str, str, str] | None:
    """(level, op, phrase) of the one education level a phrase names (``博士研究生`` → 博士,
    eq; ``硕士研究生及以上学历`` → 硕士, ge), None when it names none or several."""
    spec = person_field_specs()["education"]
    names = {lv: lv for lv in spec.levels} | dict(spec.level_aliases)
    found = sorted(
        {(m.start(), names[m.group(0)], m.group(0)) for m in _education_re().finditer(text)}
    )
    levels = {lv for _, lv, _ in found}
    if len(levels) != 1:
        return None
    start, level, word = found[0]
    above = re.match(r"(?:学历)?及以上", text[start + len(word) :])
    return level, "ge" if above else "eq", word + ("及以上" if above else "")


@cache
def _education_re() -> re.Pattern[str]:
    spec = person_field_specs()["education"]
    names = sorted({*spec.levels, *(a for a, _ in spec.level_aliases)}, key=len, reverse=True)
    return re.compile("|".join(re.escape(n) for n in names if n != "高中及以下"))


def _person_field(subject: str) -> str:
    """A numeric person field for a phrase (``年龄`` → ``age``), else ""."""
    s = re.sub(r"^(?:其|本人|申请人)", "", subject)
    for key, f in person_field_specs().items():
        if f.type in ("double", "integer") and s in (f.label, *f.aliases):
            return key
    return ""


def _guess_subject(norm: str) -> str:
    """person when talent words (博士, 研究生, 毕业生, 人才 …) outnumber 企业, else firm."""
    return "person" if len(_PERSON_WORD_RE.findall(norm)) > norm.count("企业") else "firm"


def _part_alternatives(
    seg: str, items: list[Item]
) -> list[tuple[list[Item], tuple[str, str]]] | None:
    """``硕士研究生每人2万元,博士研究生每人3万元`` / ``市级奖励2万元，省级奖励5万元``: comma parts
    each naming an alternative and one amount, no thresholds → one clause per part (piece = the
    part's words before the amount, benefit words removed)."""
    pays = [i for i in items if i.kind == "amount"]
    if len(pays) < 2 or any(i.kind in ("threshold", "rate", "cap") for i in items):
        return None
    if len({i.unit for i in pays}) != 1:
        return None
    parts = [(m.start(), m.end()) for m in re.finditer(r"[^，,]+", seg)]
    norm_pays = [(p, re.search(re.escape(p.phrase), seg)) for p in pays]
    pieces: list[str] = []
    for _p, m in norm_pays:
        if m is None:
            return None
        part = next(((a, b) for a, b in parts if a <= m.start() < b), None)
        if part is None:
            return None
        words = seg[part[0] : m.start()]
        words = re.sub(r"(一次性|给予|奖励|补助|补贴|资助|每人|每户|每家|企业|对)", "", words)
        if not words:
            return None
        pieces.append(words)
    if len(set(pieces)) != len(pieces):
        return None
    others = [i for i in items if i not in pays]
    phrase = "、".join(pieces)
    return [
        (sorted([*others, p], key=_text_order), (phrase, w))
        for p, w in zip(pays, pieces, strict=True)
    ]


def _condition_alternatives(items: list[Item]) -> list[tuple[list[Item], tuple[str, str]]]:
    """``纳税200万元至500万元、500万元至1000万元、1000万元以上的企业,…增幅分别达到30%以上、20%以上、
    15%以上``: lists of thresholds of the same length k (one per measured phrase) → k clauses,
    the i-th of each list together; [] when there are none."""
    lists: dict[tuple[str, str], list[Item]] = {}
    for i in items:
        if i.kind == "threshold" and i.op != "eq":
            lists.setdefault((i.subject, i.unit), []).append(i)
    multi = [v for v in lists.values() if len(v) >= 2]
    if len(multi) < 2 or len({len(v) for v in multi}) != 1:
        return []
    k = len(multi[0])
    listed = {id(i) for v in multi for i in v}
    others = [i for i in items if id(i) not in listed]
    out: list[tuple[list[Item], tuple[str, str]]] = []
    for n in range(k):
        its = others + [v[n] for v in multi]
        its.sort(key=_text_order)
        out.append((its, ("", "")))
    return out


def _alternatives(seg: str, items: list[Item]) -> list[tuple[list[Item], tuple[str, str]]]:
    """Split a sentence that pays ``分别`` k amounts (or rates) to k alternatives
    (``对初次认定为国家级和省级企业技术(研发)中心的，分别给予企业100万元和30万元奖励``) into k
    item lists, each with its own pay (and its own grade when there are k grades), and the
    alternative: (the phrase listing them, the i-th piece). Without ``分别``, or when the
    alternatives cannot be counted, the sentence stays one proposal."""
    whole: list[tuple[list[Item], tuple[str, str]]] = [(items, ("", ""))]
    at = seg.find("分别")
    if any(i.kind == "band" for i in items):
        return whole
    if at < 0:
        return _part_alternatives(seg, items) or whole
    pays = [i for i in items if i.kind in ("amount", "rate") and i.op == "list"]
    k = len(pays)
    if k < 2:
        return _condition_alternatives(items) or whole
    if len({i.kind for i in pays}) != 1:
        return whole
    grades = [i for i in items if i.kind == "threshold" and i.op == "eq"]
    parts = [p for p in re.split(r"[，,；]", seg[:at]) if p] + [
        p for p in re.split(r"[，,；]", seg[at:]) if p
    ]
    phrase, pieces = "", []
    for p in parts:
        core = re.sub(r"^对", "", p)
        core = re.sub(r"的[^、和及或]*$", "", core)
        cut = [x for x in _ALT_SPLIT_RE.split(core) if x]
        if len(cut) == k and not _QTY_RE.search(core):
            phrase, pieces = core, cut
            break
    if not pieces and len(grades) != k:
        return whole
    others = [i for i in items if i not in pays and (len(grades) != k or i not in grades)]
    out: list[tuple[list[Item], tuple[str, str]]] = []
    for n in range(k):
        its = [*others, pays[n]] + ([grades[n]] if len(grades) == k else [])
        its.sort(key=_text_order)
        out.append((its, (phrase, pieces[n]) if pieces and len(grades) != k else ("", "")))
    return out


def _draft(
    pid: str,
    block: _Block,
    text: str,
    items: Sequence[Item],
    facts: _Facts,
    seg: str,
    alternative: tuple[str, str] = ("", ""),
    who: str = "firm",
) -> dict[str, Any]:
    """A clause in the rule language (see docs/policy_rules.md) for review; ``alternative``
    (phrase, piece) adds the condition "this clause is the piece of the phrase"; ``who`` is the
    document's subject (firm | person: person fields, education, no firm labels)."""
    leaves: list[dict[str, Any]] = []
    edu = None
    if who == "person":
        edu = (_education(alternative[1]) if alternative[1] else None) or _education(seg)
    if edu is not None:
        leaves.append({"field": "education", edu[1]: edu[0], "text": edu[2]})
    if alternative[1] and edu is None:
        key = facts.key(f"{alternative[0]}（类别）", "", "varchar")
        leaves.append({"field": key, "eq": alternative[1], "text": alternative[1]})
    notes: list[str] = ["自动抽取的草稿，须人工审核"]
    bands = [i for i in items if i.kind == "band"]
    for it in items:
        if it.kind == "threshold" and isinstance(it.value, float):
            if it.unit in _TIME_UNITS and not it.subject:
                it = replace(it, subject="年限")
            if who == "person":
                it = replace(it, field=_person_field(it.subject))
            leaves.append(_leaf_for(it, facts))
        elif who == "person" and it.kind in ("label", "industry"):
            continue  # firm labels and industries are conditions on the employer
        elif it.kind == "label":
            key = str(it.value)
            if it.op == "new":
                leaves.append({"label": key, "since_within_years": 1})
            else:
                leaves.append({"label": key, "held": True})
        elif it.kind == "industry":
            secs = _whole_sections(it.codes)
            if secs:
                # whole sections (工业 = B, C, D): the frame's section letter
                op = "in" if it.op == "prefix" else "not_in"
                leaves.append({"field": "section", op: secs, "text": f"行业：{it.phrase}"})
            else:
                leaves.append(
                    {"field": "industry_code", it.op: list(it.codes), "text": f"行业：{it.phrase}"}
                )
    if not leaves:
        m = re.search(r"对([^，。；]{2,40}?)(?:[，,]|给予|奖励)", seg)
        cond = re.sub(r"的$", "", m.group(1)) if m else seg[:20]
        leaves.append({"field": facts.key(cond, "", "boolean"), "is": True, "text": cond})
    unique: list[dict[str, Any]] = []
    for leaf in leaves:
        if leaf not in unique:
            unique.append(leaf)
    leaves = unique
    when: dict[str, Any] = leaves[0] if len(leaves) == 1 else {"all": leaves}
    benefit: dict[str, Any] | None = None
    rates = [i for i in items if i.kind == "rate"]
    amounts = [i for i in items if i.kind == "amount"]
    caps = [i for i in items if i.kind == "cap"]
    if bands:
        b0 = bands[0]
        on = b0.field if b0.field and "/" not in b0.field else facts.key(b0.subject, b0.unit)
        spec: dict[str, Any] = {"on": on}
        if b0.pay_kind == "rate":
            base = rates[0].subject if rates else ""
            spec["base"] = _field_for(base) or facts.key(base or "计算基数", "万元")
        rows = []
        for bd in bands:
            lo_op, _, hi_op = bd.op.partition(",")
            assert isinstance(bd.value, float)
            row: dict[str, Any] = {lo_op or "ge": _fmt(bd.value)}
            if bd.value_max is not None:
                row[hi_op or "le"] = _fmt(bd.value_max)
            assert bd.pay is not None
            # a per-unit pay (100元/亩) in a band on that quantity is a rate on it
            row["amount" if bd.pay_kind == "amount" else "rate"] = _fmt(bd.pay)
            rows.append(row)
        spec["bands"] = rows
        benefit = {"bands": spec}
    elif rates:
        r0 = rates[0]
        assert isinstance(r0.value, float)
        lo_r = min(float(r.value) for r in rates if isinstance(r.value, float))
        hi_r = max(
            max(float(r.value), r.value_max or 0.0) for r in rates if isinstance(r.value, float)
        )
        base = _field_for(r0.subject) or facts.key(r0.subject or "计算基数", "万元")
        rate: Any = _fmt(lo_r) if lo_r == hi_r else [_fmt(lo_r), _fmt(hi_r)]
        benefit = {"percent": {"base": base, "rate": rate}}
        if len(rates) > 1:
            notes.append("多个比例：" + "、".join(r.phrase for r in rates) + "（取其范围）")
    elif amounts:
        a0 = amounts[0]
        assert isinstance(a0.value, float)
        if (
            "/" in a0.unit
            and not a0.unit.endswith("/年")
            and not (who == "person" and a0.unit == "万元/人")
        ):
            per = a0.unit.split("/", 1)[1]
            benefit = {
                "per_unit": {"base": facts.key(f"数量（{per}）", per), "amount": _fmt(a0.value)}
            }
        else:
            benefit = {"fixed": _fmt(a0.value)}
        if a0.value_max is not None:
            notes.append(f"金额区间 {_fmt(a0.value)}–{_fmt(a0.value_max)} 万元，草稿取下限")
        if len(amounts) > 1:
            notes.append("多个金额：" + "、".join(a.phrase for a in amounts) + "（草稿取第一个）")
    if benefit is None and caps:
        # only a ceiling (单品种最高奖励不超过300万元): an amount between 0 and the cap
        base = facts.key("奖励核定额", "万元")
        benefit = {"percent": {"base": base, "rate": [0, 1]}}
        notes.append("原文只给出上限：草稿为核定额的 0–100%，以上限封顶")
    if benefit is not None and caps:
        assert isinstance(caps[0].value, float)
        benefit["cap"] = _fmt(caps[0].value)
    if "一事一议" in seg:
        notes.append("含“一事一议”部分，不编码")
    if "不设上限" in seg:
        notes.append("不设上限")
    durations = [i for i in items if i.kind == "duration"]
    if durations:
        notes.append("期限：" + "、".join(d.phrase for d in durations))
    clause: dict[str, Any] = {
        "id": pid,
        "article": block.label,
        "title": block.heading or re.sub(r"^对", "", seg)[:16],
        "text": text,
        "when": when,
    }
    if benefit is not None:
        clause["benefit"] = benefit
    clause["note"] = "；".join(notes)
    return clause


# ---------------------------------------------------------------------------------------------
# Result
# ---------------------------------------------------------------------------------------------
class ExtractResult(Result):
    """Proposed clauses of one policy text (自动抽取，待审核).

    ``proposals``: one :class:`Proposal` per clause; ``document_items``: dates, durations and
    funds found outside clauses (issue date, validity, 引导资金); ``facts``: placeholder facts
    used by the drafts (``fact_N`` → label, unit, type); ``name``: the text's name.
    """

    headers: ClassVar[dict[str, str]] = {
        "clause": "条款",
        "article": "条",
        "heading": "标题",
        "kind": "类别",
        "value": "数值",
        "value_max": "上限值",
        "pay": "分档给付（比例或万元）",
        "unit": "单位",
        "op": "关系",
        "subject": "对象",
        "field": "字段",
        "phrase": "原文",
        "start": "起",
        "end": "止",
        "text": "原句",
        "items": "要素数",
    }

    def __init__(
        self,
        text: str,
        proposals: Sequence[Proposal],
        document_items: Sequence[Item],
        facts: Mapping[str, Mapping[str, str]],
        blocks: Sequence[tuple[str, int, int]],
        *,
        name: str = "",
        subject: str = "firm",
    ) -> None:
        self.text = text
        self.subject = subject
        self.proposals = tuple(proposals)
        self.document_items = tuple(document_items)
        self.facts = {k: dict(v) for k, v in facts.items()}
        self.blocks = tuple(blocks)
        self.name = name

    def tables(self) -> dict[str, pd.DataFrame]:
        """``要素``: one row per item (clause, article, kind, value, value_max, pay — a band's
        rate or amount —, unit, op, subject, field — or the industry code prefixes —, phrase,
        start, end); ``条款``: one row per proposal (clause, article, heading, items, start,
        end, text)."""
        rows = []
        for p in self.proposals:
            for it in p.items:
                rows.append(
                    {
                        "clause": p.id,
                        "article": p.article,
                        "kind": it.kind,
                        "value": it.value,
                        "value_max": it.value_max,
                        "pay": it.pay,
                        "unit": it.unit,
                        "op": it.op,
                        "subject": it.subject,
                        "field": it.field or ",".join(it.codes),
                        "phrase": it.phrase,
                        "start": it.start,
                        "end": it.end,
                    }
                )
        cols = [
            "clause",
            "article",
            "kind",
            "value",
            "value_max",
            "pay",
            "unit",
            "op",
            "subject",
            "field",
            "phrase",
            "start",
            "end",
        ]
        items = pd.DataFrame(rows, columns=cols)
        clauses = pd.DataFrame(
            [
                {
                    "clause": p.id,
                    "article": p.article,
                    "heading": p.heading,
                    "items": len(p.items),
                    "start": p.start,
                    "end": p.end,
                    "text": p.text,
                }
                for p in self.proposals
            ],
            columns=["clause", "article", "heading", "items", "start", "end", "text"],
        )
        return {"要素": items, "条款": clauses}

    def summary(self) -> str:
        counts: dict[str, int] = {}
        for p in self.proposals:
            for it in p.items:
                counts[it.kind] = counts.get(it.kind, 0) + 1
        parts = [f"{KIND_NAMES[k]} {counts[k]}" for k in KINDS if counts.get(k)]
        arts = len({p.article for p in self.proposals})
        head = (
            f"政策条款抽取{('（' + self.name + '）') if self.name else ''}：{len(self.blocks)} 条文"
        )
        lines = [
            f"{head}，{arts} 条含量化内容，提出 {len(self.proposals)} 个条款草稿（待人工审核）。",
            "要素：" + ("，".join(parts) if parts else "无") + "。",
        ]
        for p in self.proposals[:50]:
            desc = "；".join(_describe(i) for i in p.items if i.kind not in ("industry",))
            lines.append(f"  {p.id} {p.article} {p.heading}：{desc}")
        if len(self.proposals) > 50:
            lines.append(f"  …… 另 {len(self.proposals) - 50} 个")
        return "\n".join(lines)

    def drafts(self) -> list[dict[str, Any]]:
        """The draft clauses (dicts of the rule language), in text order."""
        return [p.draft for p in self.proposals]

    def document_draft(self, **document: Any) -> dict[str, Any]:
        """A whole document in the rule language (``document`` skeleton, ``facts``,
        ``clauses``) for review.

        Read from the text where it says so: ``title`` (a heading line ending 意见 / 办法 /
        通知 / 措施 …), ``issuer`` (a heading line ending 人民政府 / 县委 / 办公室 / 局 …),
        ``doc_number`` (``X〔2022〕3号`` in the heading lines), ``date`` (the first full date),
        ``valid_from`` (``自…年…月…日起``, else the date), ``valid_to`` (``暂定三年`` /
        ``有效期三年``: valid_from + 3 years − 1 day). Keyword arguments override any
        ``document`` key (the pipeline passes ``region``, ``source``, ``subject`` …); what is
        neither found nor given stays empty ("", None) for the reviewer.
        """
        norm = _normalise(self.text)[0]
        head_lines = [
            re.sub(r"^[^\u4e00-\u9fff]*", "", ln).strip().rstrip("`,")
            for ln in self.text.splitlines()[:8]
        ]
        dates = [i for i in self.document_items if i.kind == "date"]
        full = [str(d.value) for d in dates if len(str(d.value)) == 10]
        issued = full[0] if full else None
        valid_from = None
        m = re.search(r"自((?:19|20)\d{2})年(\d{1,2})月(\d{1,2})日起", norm)
        if m:
            valid_from = f"{int(m[1]):04d}-{int(m[2]):02d}-{int(m[3]):02d}"
        valid_to = None
        m = re.search(rf"(?:暂定|有效期|有效期为)({_NUM})年", norm)
        start = valid_from or issued
        if m and start:
            import datetime as dt

            d0 = dt.date.fromisoformat(start)
            years = int(_number(m.group(1)))
            try:
                end = d0.replace(year=d0.year + years)
            except ValueError:  # 29 February
                end = d0.replace(year=d0.year + years, day=28)
            valid_to = (end - dt.timedelta(days=1)).isoformat()
        titles = [
            t.replace(" ", "")
            for t in head_lines
            if re.search(r"(意见|办法|通知|措施|政策|细则|规定|方案)$", t)
            and len(t) <= 60
            and not re.match(r"^第.{1,3}[章节条]", t)
        ]
        title = next((t for t in titles if t.startswith("关于")), titles[0] if titles else "")
        issuer = next(
            (
                re.sub(r"\s+", " ", t)
                for t in head_lines
                if re.search(r"(人民政府|县委|市委|委员会|办公室|办公厅|局|厅)$", t)
                and "关于" not in t
                and len(t) <= 40
            ),
            "",
        )
        num = next(
            (
                m2.group(0)
                for t in head_lines
                if (m2 := re.fullmatch(r"[\u4e00-\u9fff]{1,10}〔\d{4}〕\d+号", t.replace(" ", "")))
            ),
            "",
        )
        doc: dict[str, Any] = {
            "id": re.sub(r"[^a-z0-9-]+", "-", self.name.lower()).strip("-") or "draft",
            "title": title or self.name,
            "issuer": issuer,
            "doc_number": num,
            "date": issued,
            "valid_from": valid_from or issued,
            "valid_to": valid_to,
            "region": "",
            "subject": self.subject,
            "category": "人才" if self.subject == "person" else "综合",
            "source": "",
            "text": self.name,
            "stacking": {},
            "cap_per_subject": None,
            "budget": None,
        }
        doc.update(document)
        return {
            "document": doc,
            "facts": {k: dict(v) for k, v in self.facts.items()},
            "clauses": [dict(d) for d in self.drafts()],
        }

    def to_yaml(self, **document: Any) -> str:
        """:meth:`document_draft` as YAML text (UTF-8, keys in the rule language's order),
        headed by comments for the reviewer; keyword arguments override ``document`` keys."""
        head = ["# 自动抽取的草稿（xinzhi.policy.extract），须逐条人工审核后再发布。"]
        if "就高不重复" in _normalise(self.text)[0]:
            head.append(
                "# 原文有“就高不重复”：请为同一内容的条款设置 group，"
                "并在 document.stacking 中设为 highest。"
            )
        data = self.document_draft(**document)
        body = yaml.dump(
            data, Dumper=_QuotingDumper, allow_unicode=True, sort_keys=False, width=100
        )
        return "\n".join(head) + "\n" + body


class _QuotingDumper(yaml.SafeDumper):
    """Safe dumper that quotes strings of digits (industry codes ``"08"``, region codes), which
    YAML 1.2 readers would otherwise take for numbers."""


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = "'" if value.isdigit() else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_QuotingDumper.add_representer(str, _represent_str)


def _describe(it: Item) -> str:
    ops = {"ge": "≥", "gt": ">", "le": "≤", "lt": "<"}

    def num(v: float | None, unit: str) -> str:
        if v is None:
            return ""
        if (unit == "" and it.kind in ("rate",)) or (it.kind == "threshold" and unit == ""):
            return f"{_fmt(v * 100)}%"
        return f"{_fmt(v)}{unit}"

    if it.kind == "label":
        return f"资质 {firm_labels().get(str(it.value), it.value)}"
    if it.kind == "date":
        return f"日期 {it.value}"
    if it.kind == "band":
        assert isinstance(it.value, float)
        per = "/" + it.unit if it.pay_kind == "per_unit" else ""
        pay = (
            f"{_fmt((it.pay or 0) * 100)}%"
            if it.pay_kind == "rate"
            else f"{_fmt(it.pay or 0)}万元{per}"
        )
        rng = f"{num(it.value, it.unit)}–{num(it.value_max, it.unit) or '∞'}"
        return f"分档 {rng}→{pay}"
    v = it.value if isinstance(it.value, float) else None
    rng = num(v, it.unit) + (f"–{num(it.value_max, it.unit)}" if it.value_max else "")
    name = "资金" if it.kind == "budget" else KIND_NAMES[it.kind]
    op = ops.get(it.op, "")
    return f"{name} {it.subject}{op}{rng}".replace("  ", " ")


# ---------------------------------------------------------------------------------------------
# Entry point
# ---------------------------------------------------------------------------------------------
def _merge_chains(
    spans: list[tuple[int, int]], items_of: Callable[[int, int], list[Item]]
) -> list[tuple[int, int]]:
    """Join consecutive sentences of one article that each hold one threshold and one pay
    when their thresholds chain (``…100亩及以上至500亩的，给予100元/亩；…500亩以上的，给予
    200元/亩``): one clause with bands."""

    def single(a: int, b: int) -> Item | None:
        its = items_of(a, b)
        th = [
            i for i in its if i.kind == "threshold" and i.unit not in _TIME_UNITS and i.op != "eq"
        ]
        pays = [i for i in its if i.kind in ("amount", "rate")]
        bands = [i for i in its if i.kind == "band"]
        return th[0] if len(th) == 1 and len(pays) == 1 and not bands else None

    out: list[tuple[int, int]] = []
    k = 0
    while k < len(spans):
        a, b = spans[k]
        first = single(a, b)
        j = k
        if first is not None:
            lows = [first]
            while j + 1 < len(spans):
                nxt = single(*spans[j + 1])
                if nxt is None or nxt.unit != first.unit:
                    break
                vals = sorted([*lows, nxt], key=lambda i: float(i.value or 0.0))
                if any(x.value_max is None or x.value_max != y.value for x, y in pairwise(vals)):
                    break
                lows.append(nxt)
                j += 1
        out.append((a, spans[j][1]))
        k = j + 1
    return out


def extract(text: str, *, name: str = "", subject: str | None = None) -> ExtractResult:
    """Propose rule clauses from the Chinese text of a support policy.

    Parameters
    ----------
    text
        The full policy text (as read; offsets of every item point into it).
    name
        The text's name (file stem or text key), used for the draft's ``document.id``.
    subject
        ``firm`` or ``person`` (talent policies): the drafts' subject. None: ``person`` when
        talent words (博士, 研究生, 毕业生, 人才 …) outnumber 企业 in the text, else ``firm``.

    Returns
    -------
    ExtractResult
        One :class:`Proposal` per clause with its items and a draft rule; ``.tidy()`` one row per
        item, ``.summary()``, ``.to_yaml()``.

    Raises
    ------
    InputError
        When ``text`` is not a string.
    """
    if not isinstance(text, str):
        raise InputError(f"政策文本应为字符串，收到 {type(text).__name__}")
    if subject not in (None, "firm", "person"):
        raise InputError(f"subject 应为 firm 或 person，实际为 {subject!r}")
    norm, idx = _normalise(text)
    who = subject or _guess_subject(norm)
    dates: list[Item] = []
    masked: list[tuple[int, int]] = []
    for m in _DATE_RE.finditer(norm):
        y, mo, d = m.group(1), m.group(2), m.group(3)
        if not mo and not re.match(r"^(度|起|底|末|前|后|内|以来)?", norm[m.end() :]):
            continue
        iso = f"{int(y):04d}" + (f"-{int(mo):02d}" if mo else "") + (f"-{int(d):02d}" if d else "")
        masked.append((m.start(), m.end()))
        dates.append(Item("date", iso, "", idx[m.start()], idx[m.end() - 1] + 1, m.group(0)))
    blocks = _blocks(norm)
    facts = _Facts()
    memo: dict[tuple[int, int], list[Item]] = {}

    def items_of(a: int, b: int) -> list[Item]:
        if (a, b) not in memo:
            memo[(a, b)] = _items_of(norm, idx, a, b, masked)
        return memo[(a, b)]

    proposals: list[Proposal] = []
    doc_items: list[Item] = list(dates)
    for bi, block in enumerate(blocks):
        sents = _sentences(norm, block.start, block.end)
        infos = [(a, b, items_of(a, b)) for a, b in sents]
        # merge: a bracketed sentence joins the previous; a condition-only sentence the next
        merged: list[tuple[int, int]] = []
        i = 0
        while i < len(infos):
            a, b, its = infos[i]
            kinds = {it.kind for it in its}
            while i + 1 < len(infos):
                na, nb, nits = infos[i + 1]
                nk = {it.kind for it in nits}
                bracket = norm[na] in "(（"
                cond_only = "threshold" in kinds and not kinds & AMOUNT_KINDS
                pay_next = bool(nk & AMOUNT_KINDS) and "threshold" not in nk
                if bracket or (cond_only and pay_next and not norm[na:].startswith("对")):
                    b = nb
                    kinds |= nk
                    i += 1
                else:
                    break
            merged.append((a, b))
            i += 1
        merged = _merge_chains(merged, items_of)
        n = 0
        for a, b in merged:
            seg = norm[a:b]
            its = [it for it in items_of(a, b) if it.kind != "date"]
            quantified = [it for it in its if it.kind in THRESHOLD_KINDS | AMOUNT_KINDS]
            if block.procedural or _PROCEDURAL_SEG_RE.search(seg) or not quantified:
                doc_items.extend(it for it in its if it.kind in ("duration", "budget"))
                continue
            oa, ob = idx[a], idx[b - 1] + 1
            src = text[oa:ob]
            clean = re.sub(r"\s+", "", src)
            for alt_its, alt in _alternatives(seg, its):
                n += 1
                pid = f"{_label_id(block.label) or block.number or bi + 1}-{n}"
                draft = _draft(pid, block, clean, alt_its, facts, seg, alt, who)
                proposals.append(
                    Proposal(
                        pid, block.label, block.heading, src, oa, ob, tuple(alt_its), draft, bi
                    )
                )
    spans = [
        (b.label, idx[b.start] if b.start < len(idx) else len(text), idx[b.end - 1] + 1)
        for b in blocks
        if b.end > b.start
    ]
    return ExtractResult(text, proposals, doc_items, facts.specs, spans, name=name, subject=who)


# ---------------------------------------------------------------------------------------------
# Measurement against hand-encoded documents
# ---------------------------------------------------------------------------------------------
_OPS = ("ge", "gt", "le", "lt", "eq", "ne")


def _num(v: Any) -> float | None:
    if isinstance(v, bool) or not isinstance(v, int | float):
        return None
    return float(v)


def _when_values(cond: Any) -> Iterable[float]:
    if isinstance(cond, list):
        for c in cond:
            yield from _when_values(c)
        return
    if not isinstance(cond, Mapping):
        return
    for key in ("all", "any"):
        if key in cond:
            yield from _when_values(cond[key])
    if "not" in cond:
        yield from _when_values(cond["not"])
    if "label" in cond or "date" in cond:
        return
    growth = (
        isinstance(cond.get("ratio"), list)
        and len(cond["ratio"]) == 2
        and str(cond["ratio"][1]) in (f"{cond['ratio'][0]}_prev1", f"{cond['ratio'][0]}_prev2")
    )
    if "field" in cond or "ratio" in cond or "years_since" in cond:
        for op in _OPS:
            v = _num(cond.get(op))
            if v is not None:
                # a field over its own previous year ≥ 1.3 is the growth 0.3 the text states
                yield round(v - 1.0, 10) if growth else v
        if isinstance(cond.get("between"), list):
            for x in cond["between"]:
                v = _num(x)
                if v is not None:
                    yield v


def _benefit_values(b: Any) -> Iterable[float]:
    if not isinstance(b, Mapping):
        return
    fixed = b.get("fixed")
    for x in [*(fixed if isinstance(fixed, list) else [fixed]), b.get("cap")]:
        v = _num(x)
        if v is not None:
            yield v
    fl = _num(b.get("floor"))
    if fl:
        yield fl
    pct = b.get("percent")
    if isinstance(pct, Mapping):
        rate = pct.get("rate")
        for x in rate if isinstance(rate, list) else [rate]:
            v = _num(x)
            if v is not None:
                yield v
    pu = b.get("per_unit")
    if isinstance(pu, Mapping):
        for key in ("amount", "per"):
            v = _num(pu.get(key))
            if v is not None:
                yield v
    bd = b.get("bands")
    if isinstance(bd, Mapping):
        for row in bd.get("bands") or []:
            if isinstance(row, Mapping):
                for key in (*_OPS, "rate", "amount"):
                    v = _num(row.get(key))
                    if v is not None:
                        yield v


def gold_items(doc: Mapping[str, Any]) -> list[tuple[str, str, str, float]]:
    """Thresholds and amounts of a hand-encoded document (the YAML as a dict).

    Returns ``(clause id, article, kind, value)`` rows: kind ``threshold`` for every numeric
    value of a ``when`` leaf on a field, ratio or ``years_since`` (ge / gt / le / lt / eq / ne and
    both ends of ``between``; labels and dates are not numbers of the text), kind ``amount`` for
    ``fixed`` (both ends of a range ``[a, b]``), ``cap``, a non-zero ``floor``,
    ``percent.rate`` (both ends of a range), ``per_unit.amount`` and ``per_unit.per`` (the step
    of 每满 N), and every bound, rate and amount of ``bands``. A ratio of a field to
    its own previous year (``{ratio: [tax, tax_prev1], ge: 1.3}``) is read as the growth rate
    the text states (0.3).
    """
    rows: list[tuple[str, str, str, float]] = []
    for c in doc.get("clauses") or []:
        if not isinstance(c, Mapping):
            continue
        cid, art = str(c.get("id", "")), str(c.get("article", ""))
        rows.extend((cid, art, "threshold", v) for v in _when_values(c.get("when")))
        rows.extend((cid, art, "amount", v) for v in _benefit_values(c.get("benefit")))
    return rows


@dataclass(frozen=True)
class ExtractScore:
    """Precision / recall of extracted thresholds and amounts against a hand-encoded document.

    ``tp / fp / fn`` per kind (``threshold``, ``amount``) and ``all``; ``missed`` and ``extra``
    list the unmatched ``(article, kind, value)`` of the gold and of the extraction;
    ``unplaced`` the gold clauses whose text was not found in the document (matched by their
    article label instead).
    """

    document: str
    tp: Mapping[str, int]
    fp: Mapping[str, int]
    fn: Mapping[str, int]
    missed: tuple[tuple[str, str, float], ...] = ()
    extra: tuple[tuple[str, str, float], ...] = ()
    unplaced: tuple[str, ...] = field(default_factory=tuple)

    def precision(self, kind: str = "all") -> float:
        """tp / (tp + fp); 1.0 when nothing was extracted."""
        d = self.tp[kind] + self.fp[kind]
        return self.tp[kind] / d if d else 1.0

    def recall(self, kind: str = "all") -> float:
        """tp / (tp + fn); 1.0 when the gold has none."""
        d = self.tp[kind] + self.fn[kind]
        return self.tp[kind] / d if d else 1.0


def _label_key(label: str) -> str:
    s = unicodedata.normalize("NFKC", re.sub(r"\s+", "", label))
    m = re.fullmatch(r"第([0-9]+|[一二三四五六七八九十百零〇]+)条", s)
    if m:
        return str(int(_number(m.group(1))))
    return re.sub(r"[、.()（）第条款]", "", s)


def _key(v: float) -> float:
    return round(v, 8)


def _stated(text: str) -> set[float]:
    """Every number a clause text states, in the extractor's units (万元, fractions, counts,
    years; both ends of ranges; 第N年 ordinals)."""
    norm, _ = _normalise(text)
    out: set[float] = set()
    for rx in (_RANGE_RE, _QTY_RE):
        for m in rx.finditer(norm):
            if rx is _RANGE_RE:
                hi = _qty(m["b"], m["mb"], m["ub"], 0, 0)
                lo = _qty(
                    m["a"], m["ma"] or (m["mb"] if not m["ua"] else None), m["ua"] or m["ub"], 0, 0
                )
                qs = [lo, hi]
            else:
                qs = [_qty(m["num"], m["mult"], m["unit"], 0, 0)]
            out.update(_key(q.value) for q in qs if q is not None)
    for m in _ORDINAL_YEAR_RE.finditer(norm):
        out.add(_key(_number(m.group(1))))
    return out


def score(
    result: ExtractResult,
    docs: Mapping[str, Any] | Sequence[Mapping[str, Any]],
    *,
    stated_only: bool = False,
) -> ExtractScore:
    """Compare an extraction with the hand-encoded document(s) of its text (YAML as dicts;
    several documents may encode parts of one text, e.g. its firm and its person clauses).

    Gold: :func:`gold_items` of every document; its article is the extractor's article (text
    block) holding the middle of the clause's ``text`` (found after removing whitespace and
    NFKC folding; its first 12 characters when the whole text is not found), else the block
    whose label equals the clause's ``article`` (``第2条`` ≡ ``第 2 条``, ``二（一）1`` ≡
    ``二、(一)1``). Predicted: every number of the proposals' items, kind ``threshold`` for
    thresholds and ``amount`` for amounts, rates, caps and bands (bounds and paid rate or
    amount). Both are **sets** of ``(article, kind, value)`` (value rounded to 8 decimals); a
    match is an element of both. Precision = matches / predicted, recall = matches / gold, per
    kind and together. Gold values 0 (``gt: 0``, a rate range from 0) are left out: they are
    never numbers of the text. With ``stated_only`` the gold keeps only values its clause text
    states (see :func:`_stated`): encoders' inferred values (``ge: 1`` for "新获批", a rate
    range up to 1.0) drop out.
    """
    doc_list = [docs] if isinstance(docs, Mapping) else list(docs)
    norm, _idx = _normalise(result.text)
    flat_pos = [i for i, ch in enumerate(norm) if ch != "\n"]
    flat = norm.replace("\n", "")
    starts = [a for _, a, _ in result.blocks]
    labels = {_label_key(lb): i for i, (lb, _, _) in enumerate(result.blocks) if lb}

    def block_at(orig_pos: int) -> int:
        k = -1
        for i, s in enumerate(starts):
            if s <= orig_pos:
                k = i
        return k

    gold: set[tuple[str, str, float]] = set()
    unplaced: list[str] = []
    for n, doc in enumerate(doc_list):
        by_clause: dict[str, str] = {}
        stated: dict[str, set[float]] = {}
        for c in doc.get("clauses") or []:
            if not isinstance(c, Mapping):
                continue
            cid = str(c.get("id", ""))
            t = _normalise(str(c.get("text") or ""))[0].replace("\n", "")
            pos, length = (flat.find(t), len(t)) if t else (-1, 0)
            if pos < 0 and len(t) >= 12:
                pos, length = flat.find(t[:12]), 12
            where = ""
            if pos >= 0:
                where = f"b{block_at(_idx[flat_pos[pos + length // 2]])}"
            else:
                lk = _label_key(str(c.get("article", "")))
                where = f"b{labels[lk]}" if lk in labels else f"?{c.get('article', '')}"
                unplaced.append(cid if len(doc_list) == 1 else f"{n}:{cid}")
            by_clause[cid] = where
            stated[cid] = _stated(str(c.get("text") or ""))
        for cid, _art, kind, v in gold_items(doc):
            if v == 0 or (stated_only and _key(v) not in stated.get(cid, set())):
                continue
            gold.add((by_clause.get(cid, "?"), kind, _key(v)))
    pred: set[tuple[str, str, float]] = set()
    for p in result.proposals:
        b = f"b{p.block}"
        for it in p.items:
            kind = (
                "threshold"
                if it.kind in THRESHOLD_KINDS
                else "amount"
                if it.kind in AMOUNT_KINDS
                else ""
            )
            if not kind:
                continue
            for v in it.numbers():
                pred.add((b, kind, _key(v)))
    names = {f"b{i}": lb for i, (lb, _, _) in enumerate(result.blocks)}

    def show(s: set[tuple[str, str, float]]) -> tuple[tuple[str, str, float], ...]:
        return tuple(sorted((names.get(b, b), k, v) for b, k, v in s))

    tp: dict[str, int] = {}
    fp: dict[str, int] = {}
    fn: dict[str, int] = {}
    for kind in ("threshold", "amount", "all"):
        g = {x for x in gold if kind in ("all", x[1])}
        pr = {x for x in pred if kind in ("all", x[1])}
        tp[kind], fp[kind], fn[kind] = len(g & pr), len(pr - g), len(g - pr)
    name = ",".join(str((d.get("document") or {}).get("id", "")) for d in doc_list)
    return ExtractScore(name, tp, fp, fn, show(gold - pred), show(pred - gold), tuple(unplaced))
