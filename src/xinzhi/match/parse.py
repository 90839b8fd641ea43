"""Fields of Chinese résumés and job postings read from free text by rules (and NER).

:func:`parse_resumes` gives the talent fields ``name, phone, education_level, major, years,
skills, certificates, location, salary_expect`` and :func:`parse_postings` the job fields
``title, education_min, years_min, skills, certificates, location, salary_min, salary_max,
positions``; both add ``notes`` (Chinese: which rule gave what, what was converted, what is
missing). Texts are NFKC-normalised first (full-width digits, letters, ``：，～`` to ASCII).
The rules run as pandas string methods over all texts at once (``str.extract`` /
``str.extractall`` with one compiled pattern per rule, arithmetic on whole columns); the
vocabularies come from :mod:`xinzhi.match.vocab`. Full rule list and examples:
``docs/match_parse.md``.

Rules
-----
- **Phone** — a mainland mobile number ``1[3-9]\\d{9}`` (optionally ``+86``, spaces or hyphens
  as 3-4-4), not inside a longer digit run; first one.
- **Experience** (年) — ``3年以上`` → 3, ``3-5年`` → 3 (the lower end is the floor), ``五年`` → 5
  (Chinese numerals 一…十, 两, 十五, 二十), ``一年半`` → 1.5, ``半年`` → 0.5; in postings
  ``经验不限`` / ``应届`` / ``无需经验`` → 0 and ``…年以上经验者优先`` is no floor; in résumés
  ``X年…经验``, ``工作年限/工龄: X年``, ``从事…X年``, ``应届`` / ``无工作经验`` → 0.
  A number above 50 is a calendar year, not an experience.
- **Salary** (元/月) — ``8000-12000元/月`` → 8000 / 12000, ``8K-12K`` and ``8-12K`` → 8000 /
  12000 (K, 千 = ×1000; 万, w = ×10000; a unit written only after the range applies to both
  ends), ``年薪10万`` / ``10万/年`` → 100000 / 12 = 8333.33, ``200元/天`` → 200 × 21.75 = 4350
  and ``25元/小时`` → 25 × 21.75 × 8 = 4350 (月计薪天数 21.75 of 劳社部发〔2008〕3号
  《关于职工全年月平均工作时间和工资折算问题的通知》), ``6000元以上`` → min 6000, max null,
  ``面议`` → null. A number is read as a salary only with a cue (a salary word before it, a
  K/千/万 unit, 元, or a per-month/day/hour period) and when the monthly value lies in
  500–500,000 元 (so 注册资本1000万元 is no salary). Résumés: the expectation after
  期望 / 意向 / 要求, lower end of a range. Monthly values are rounded to 0.01 元; ``·13薪``
  is not annualised.
- **Education** — résumés: the highest rung named (:func:`~xinzhi.match.vocab.education_level`);
  postings: the floor (:func:`~xinzhi.match.vocab.education_requirement`: 大专及以上 → 3,
  本科优先 alone → 0).
- **Skills / certificates** — :func:`~xinzhi.match.vocab.find_skills_many` /
  :func:`~xinzhi.match.vocab.find_certificates_many`, ``;``-joined canonical names.
- **Location** — with ``places`` (names, or a mapping name → value such as a county code, given
  by the caller; this module resolves no regions): the first known place after 工作地点 /
  地址 / 现居 / 期望工作地 …, else the first known place anywhere; without ``places``: the
  text after such a label up to the next punctuation, as written.
- **Name, major, title, positions** — ``姓名: 张三``; ``专业: 机械设计`` or ``…大学XX专业``;
  ``岗位/职位: …``, ``招聘焊工3名`` (title 焊工, positions 3), else a short first line;
  positions ``招聘3人`` / ``人数: 3`` / ``3名``, ``若干`` and no number → 1.
- **NER** — given a trained :class:`~xinzhi.match.ner.ResumeTagger`, names (NAME), majors (PRO)
  and titles (TITLE) that no rule found come from its entities, and the columns
  ``organisations`` and ``titles`` list its ORG and TITLE entities.

Examples
--------
>>> jobs = parse_postings(["招聘焊工3名，3-5年经验，中专及以上，月薪8K-12K，持焊工证"])
>>> jobs[["title", "positions", "years_min", "education_min"]].to_dict("records")
[{'title': '焊工', 'positions': 3, 'years_min': 3.0, 'education_min': 2}]
>>> jobs[["salary_min", "salary_max", "certificates"]].to_dict("records")
[{'salary_min': 8000.0, 'salary_max': 12000.0, 'certificates': '焊工证'}]
>>> people = parse_resumes(["姓名：李明 电话：13812345678 本科 五年工作经验 期望月薪8000"])
>>> people[["name", "phone", "education_level", "years", "salary_expect"]].to_dict("records")
[{'name': '李明', 'phone': '13812345678', 'education_level': 4, 'years': 5.0, 'salary_expect': 8000.0}]
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from datetime import date
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from xinzhi.match import vocab

if TYPE_CHECKING:
    from xinzhi.match.ner import ResumeTagger

__all__ = [
    "MONTHLY_PAY_DAYS",
    "POSTING_COLUMNS",
    "RESUME_COLUMNS",
    "cn_number",
    "parse_postings",
    "parse_resumes",
    "salaries",
]

#: 月计薪天数 (劳社部发〔2008〕3号): (365 − 104 rest days) / 12 = 21.75.
MONTHLY_PAY_DAYS = 21.75
#: Hours of a working day used to turn an hourly wage into a monthly one.
HOURS_PER_DAY = 8

RESUME_COLUMNS = [
    "name",
    "phone",
    "education_level",
    "major",
    "years",
    "skills",
    "certificates",
    "location",
    "salary_expect",
    "organisations",
    "titles",
    "notes",
]
POSTING_COLUMNS = [
    "title",
    "education_min",
    "years_min",
    "skills",
    "certificates",
    "location",
    "salary_min",
    "salary_max",
    "positions",
    "organisations",
    "titles",
    "notes",
]

_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
              "六": 6, "七": 7, "八": 8, "九": 9}  # fmt: skip
_NUM = r"(?:\d+(?:\.\d+)?|[一二两三四五六七八九十]{1,3})"
_SEP = r"\s*(?:-|~|—|–|至|到)\s*"
_STOP = r"[\s,，。;；、|/()（）:：]"


def cn_number(text: str | None) -> float:
    """A number written in digits or simple Chinese numerals (NaN when not a number).

    >>> [cn_number(s) for s in ["3", "2.5", "五", "十", "十五", "二十", "两", "二十三", "半"]]
    [3.0, 2.5, 5.0, 10.0, 15.0, 20.0, 2.0, 23.0, 0.5]
    """
    if text is None or (isinstance(text, float) and np.isnan(text)):
        return float("nan")
    s = str(text).strip()
    if not s:
        return float("nan")
    try:
        return float(s)
    except ValueError:
        pass
    if s == "半":
        return 0.5
    if "十" in s:
        left, _, right = s.partition("十")
        tens = _CN_DIGITS.get(left, float("nan")) if left else 1
        ones = _CN_DIGITS.get(right, float("nan")) if right else 0
        return float(tens * 10 + ones)
    if len(s) == 1 and s in _CN_DIGITS:
        return float(_CN_DIGITS[s])
    return float("nan")


def _numbers(series: pd.Series) -> pd.Series:
    """:func:`cn_number` over a column (each distinct value converted once)."""
    values = series.dropna().unique()
    table = {v: cn_number(v) for v in values}
    return series.map(table).astype(float)


def _prepare(texts: Sequence[str | None]) -> pd.Series:
    return pd.Series(
        [unicodedata.normalize("NFKC", "" if t is None else str(t)) for t in texts],
        dtype=object,
    )


# ---------------------------------------------------------------------------------------------
# Phone

_PHONE = re.compile(r"(?<!\d)(?:\+?86[\s-]?)?(1[3-9]\d)[\s-]?(\d{4})[\s-]?(\d{4})(?!\d)")


def _phones(text: pd.Series) -> pd.Series:
    parts = text.str.extract(_PHONE)
    return (parts[0] + parts[1] + parts[2]).astype(object).where(parts[0].notna(), None)


# ---------------------------------------------------------------------------------------------
# Experience

_HALF = r"(?P<half>半)?"
_POSTING_YEAR_RULES: list[tuple[str, str]] = [
    # (pattern with group n [and half], note)
    (rf"(?P<n>{_NUM}){_SEP}{_NUM}\s*年(?![级制度])", "经验区间取下限"),
    (rf"(?P<n>{_NUM})\s*年{_HALF}\s*(?:或|及)?以上", "X年以上"),
    (rf"(?P<n>{_NUM})\s*年{_HALF}\s*(?:的)?[^,，。;；\n]{{0,6}}?经验", "X年经验"),
    (rf"经验\s*(?:要求)?\s*:?\s*(?P<n>{_NUM})\s*年{_HALF}", "经验X年"),
]
_RESUME_YEAR_RULES: list[tuple[str, str]] = [
    (rf"(?P<n>{_NUM}|半)\s*年{_HALF}\s*(?:以上)?(?:的)?[^,，。;；\n]{{0,8}}?经验", "X年经验"),
    (
        rf"(?:工作经验|工作年限|工龄|从业年限|工作时间|从业经验)\s*:?\s*(?P<n>{_NUM}|半)\s*年{_HALF}",
        "工作年限",
    ),
    (rf"从事[^,，。;；\n]{{0,15}}?(?P<n>{_NUM}|半)\s*年{_HALF}", "从事X年"),
    (rf"(?P<n>{_NUM})\s*年{_HALF}\s*(?:或|及)?以上", "X年以上"),
    (
        rf"(?:做|干|当|任|工作|任职|就职|负责)[了过]?[^,，。;；\n\d]{{0,12}}?"
        rf"(?P<n>{_NUM}|半)\s*多?\s*年{_HALF}(?![级制度月])",
        "做/干/当…X年",
    ),
]
_POSTING_ZERO = re.compile(
    r"经验不限|不限经验|经验:?\s*不限|无经验要求|不要求经验|无需经验|经验无要求|无经验亦?可|零经验|"
    r"接受应届|应届|欢迎应届|可接受无经验|1\s*年以下|一年以下|1\s*年以内|一年以内"
)
_RESUME_ZERO = re.compile(r"应届|无工作经验|暂无工作经验|无经验|暂无经验|在校生")
_PREFERRED_AFTER = re.compile(r"^[^,，。;；\n]{0,6}?优先")


def _years(text: pd.Series, rules: list[tuple[str, str]], zero: re.Pattern[str],
           *, skip_preferred: bool) -> tuple[pd.Series, pd.Series]:  # fmt: skip
    years = pd.Series(np.nan, index=text.index)
    notes = pd.Series("", index=text.index, dtype=object)
    for pattern, note in rules:
        found = text.str.extractall(re.compile(pattern + r"(?P<after>[^\n]{0,8})"))
        if found.empty:
            continue
        half = found["half"].notna() if "half" in found else False
        value = _numbers(found["n"]) + half * 0.5
        ok = value.le(50)
        if skip_preferred:
            ok &= ~found["after"].str.contains(_PREFERRED_AFTER, na=False)
        first = value[ok].groupby(level=0).first()
        fill = years.isna() & years.index.isin(first.index)
        years = years.fillna(first)
        notes = notes.mask(fill, "经验：" + note)
    is_zero = years.isna() & text.str.contains(zero)
    years = years.mask(is_zero, 0.0)
    notes = notes.mask(is_zero, "经验：不限/应届 → 0")
    return years, notes


_PERIOD_RANGE = re.compile(
    r"(?P<y1>(?:19|20)\d{2})\s*(?:[.\-/年]\s*(?P<m1>\d{1,2})\s*月?)?\s*(?:-|~|—|–|至|到)\s*"
    r"(?:(?P<y2>(?:19|20)\d{2})\s*(?:[.\-/年]\s*(?P<m2>\d{1,2})\s*月?)?|(?P<now>至今|今|现在))"
    r"(?P<after>[^\n;；。]{0,24})"
)
_SCHOOL = re.compile(
    r"大学|学院|学校|中学|高中|中专|技校|职高|毕业|就读|学习|在读|求学|本科|硕士|博士|专科|大专"
)


def _period_years(text: pd.Series, as_of: date | None) -> pd.Series:
    """Experience from dated periods (2017.07-2020.06 某公司 …): months from the earliest start
    to the latest end of the periods not followed by a school word, ÷ 12, one decimal.
    ``至今`` ends at ``as_of`` (periods ending 至今 are skipped without it). A missing month
    counts as January for a start and December for an end."""
    found = text.str.extractall(_PERIOD_RANGE)
    years = pd.Series(np.nan, index=text.index)
    if found.empty:
        return years
    work = ~found["after"].fillna("").str.contains(_SCHOOL)
    start = pd.to_numeric(found["y1"]) * 12 + pd.to_numeric(found["m1"]).fillna(1) - 1
    end = pd.to_numeric(found["y2"]) * 12 + pd.to_numeric(found["m2"]).fillna(12) - 1
    if as_of is not None:
        end = end.mask(found["now"].notna(), as_of.year * 12 + as_of.month - 1)
    ok = work & end.notna() & (end >= start)
    if not ok.any():
        return years
    spans = pd.DataFrame({"start": start[ok], "end": end[ok] + 1}).groupby(level=0)
    months = spans["end"].max() - spans["start"].min()
    years.loc[months.index] = (months / 12).round(1)
    return years


# ---------------------------------------------------------------------------------------------
# Salary

_SALARY = re.compile(
    r"(?P<exp>期望|意向)?\s*"
    r"(?P<pre>年薪|月薪|日薪|时薪|底薪|薪资|薪酬|工资|待遇|收入|薪水)?\s*(?P<req>要求|期望|范围)?\s*:?\s*"
    r"(?P<a>\d+(?:\.\d+)?)\s*(?P<ua>[kK千万wW])?\s*(?P<yuan1>元)?"
    r"(?:\s*(?:-|~|—|–|至|到)\s*(?P<b>\d+(?:\.\d+)?)\s*(?P<ub>[kK千万wW])?)?\s*"
    r"(?P<yuan>元|块)?\s*(?:/|每|一|每个)?\s*(?P<per>月|年|天|日|小时|时|h)?"
    r"\s*(?P<bound>以上|起|以下|\+)?"
)
_NEGOTIABLE = re.compile(r"面议|面谈|薪资?待遇?可谈|薪资详谈")
_UNIT = {"k": 1000.0, "K": 1000.0, "千": 1000.0, "万": 10000.0, "w": 10000.0, "W": 10000.0}
_PERIOD = {
    "年": 1 / 12,
    "月": 1.0,
    "天": MONTHLY_PAY_DAYS,
    "日": MONTHLY_PAY_DAYS,
    "小时": MONTHLY_PAY_DAYS * HOURS_PER_DAY,
    "时": MONTHLY_PAY_DAYS * HOURS_PER_DAY,
    "h": MONTHLY_PAY_DAYS * HOURS_PER_DAY,
}
_PRE_PERIOD = {"年薪": "年", "月薪": "月", "日薪": "天", "时薪": "小时"}
_PERIOD_NOTE = {
    "年": "年薪÷12",
    "天": f"日薪×{MONTHLY_PAY_DAYS}",
    "小时": f"时薪×{MONTHLY_PAY_DAYS}×{HOURS_PER_DAY}",
}
_MONTHLY_RANGE = (500.0, 500_000.0)


def salaries(texts: Sequence[str | None], *, expectation: bool = False) -> pd.DataFrame:
    """Monthly salary range (元/月) in each text: columns ``min, max, note``.

    ``expectation=True`` (résumés) reads only amounts after 期望 / 意向 / 要求.

    >>> salaries(["月薪8000-12000元", "8-12K", "年薪10万", "200元/天", "面议"]).round(2)
    ... # doctest: +NORMALIZE_WHITESPACE
           min      max        note
    0  8000.00  12000.00
    1  8000.00  12000.00
    2  8333.33   8333.33     年薪÷12
    3  4350.00   4350.00  日薪×21.75
    4      NaN       NaN        面议
    """
    text = _prepare(texts)
    out = pd.DataFrame({"min": np.nan, "max": np.nan, "note": ""}, index=text.index).astype(
        {"note": object}
    )
    found = text.str.extractall(_SALARY)
    if not found.empty:
        ua = found["ua"].fillna(found["ub"])  # 8-12K: the unit after the range applies to 8
        ub = found["ub"].fillna(found["ua"])
        a = pd.to_numeric(found["a"]) * ua.map(_UNIT).fillna(1.0)
        b = pd.to_numeric(found["b"]) * ub.map(_UNIT).fillna(1.0)
        period = found["per"].replace({"日": "天", "时": "小时", "h": "小时"})
        period = period.fillna(found["pre"].map(_PRE_PERIOD)).fillna("月")
        factor = period.map(_PERIOD).astype(float)
        cue = (
            found["pre"].notna()
            | found["ua"].notna()
            | found["ub"].notna()
            | found["yuan"].notna()
            | found["yuan1"].notna()
            | found["per"].isin(["月", "天", "日", "小时", "时", "h"])
        )
        if expectation:
            cue &= found["exp"].notna() | found["req"].isin(["要求", "期望"])
        lo = (a * factor).round(2)
        hi = (b * factor).round(2)
        hi = hi.fillna(lo)
        bound = found["bound"]
        hi = hi.mask(bound.isin(["以上", "起", "+"]) & found["b"].isna(), np.nan)
        lo = lo.mask(bound.eq("以下") & found["b"].isna(), np.nan)
        monthly = lo.fillna(hi)
        ok = cue & monthly.between(*_MONTHLY_RANGE)
        first = pd.DataFrame({"min": lo, "max": hi, "per": period})[ok].groupby(level=0).first()
        out.loc[first.index, "min"] = first["min"]
        out.loc[first.index, "max"] = first["max"]
        out.loc[first.index, "note"] = first["per"].map(_PERIOD_NOTE).fillna("")
    negotiable = out["min"].isna() & out["max"].isna() & text.str.contains(_NEGOTIABLE)
    out["note"] = out["note"].mask(negotiable, "面议")
    return out


# ---------------------------------------------------------------------------------------------
# Places, names, majors, titles, positions

_LOCATION_LABEL = (
    r"(?:工作地点|工作地址|上班地点|办公地点|工作区域|期望工作地点?|期望城市|意向城市|意向地点|"
    r"现居住地|现居地|现居|居住地|所在地|户籍所在地|籍贯|地址|地点|"
    r"希望在|想在|期望在|愿意在|意向在|打算在|希望到|想到|愿意到|可以到|可到)"
)
_LOCATION_RAW = re.compile(_LOCATION_LABEL + r"\s*:?\s*(?P<place>[^\s,，。;；|、]{2,30})")


def _locations(
    text: pd.Series, places: Sequence[str] | Mapping[str, str] | None
) -> tuple[pd.Series, pd.Series]:
    if not places:
        raw = text.str.extract(_LOCATION_RAW)["place"]
        notes = pd.Series("", index=text.index, dtype=object).mask(raw.notna(), "地点：原文")
        return raw.astype(object).where(raw.notna(), None), notes
    mapping = dict(places) if isinstance(places, Mapping) else {p: p for p in places}
    names = [n for n in mapping if n]
    trie = vocab.trie_pattern(names)
    # a run of adjacent place names (浙江省台州市天台县): the last, most specific one counts
    chain = "(?P<chain>(?:" + trie + ")+)"
    labelled = text.str.extract(re.compile(_LOCATION_LABEL + r"\s*:?\s*[^\n。;；]{0,12}?" + chain))
    anywhere = text.str.extract(re.compile(chain))
    finder = re.compile(trie)
    name = labelled["chain"].fillna(anywhere["chain"]).str.findall(finder).str[-1]
    value = name.map(mapping)
    notes = pd.Series("", index=text.index, dtype=object)
    notes = notes.mask(anywhere["chain"].notna() & labelled["chain"].isna(), "地点：正文中首个地名")
    return value.astype(object).where(value.notna(), None), notes


_NAME = re.compile(r"姓\s*名\s*:?\s*(?P<name>[\u4e00-\u9fff·]{2,5}?)(?=[\s,，。;；|/(（]|男|女|$)")
_NAME_LEAD = re.compile(r"^\s*(?P<name>[\u4e00-\u9fff]{2,4})\s*[\s,，/|]\s*(?:男|女)")
_MAJOR_LABEL = re.compile(r"(?:所学)?专业\s*(?:名称)?\s*:\s*(?P<major>[^\s,，。;；|/()（）]{2,20})")
_MAJOR_SCHOOL = re.compile(
    r"(?:大学|学院|学校|中专|技校|职高|院校)\s*,?\s*(?P<major>[\u4e00-\u9fffA-Za-z]{2,16}?)专业"
)
_MAJOR_LEAD = re.compile(
    r"(?:^|[\s,，。;；、])(?!具有|拥有|持有|熟悉|相关|对口|所学|本|该|其他|有)"
    r"(?P<major>[\u4e00-\u9fffA-Za-z]{2,12}?)(?:相关)?专业"
)
_MAJOR_DEGREE = re.compile(
    r"(?:^|[\s,，。;；、])(?!全日制|统招|普通|在职|自考|成考|成人|函授|网络|夜大|电大|最高|第一|大学)"
    r"(?P<major>[\u4e00-\u9fffA-Za-z]{2,12}?)(?:本科|大专|专科|中专|硕士|研究生|博士)"
)
_TITLE_LABEL = re.compile(
    r"(?:岗位名称|职位名称|招聘岗位|招聘职位|岗位|职位|工种)\s*:\s*(?P<title>[^\s,，。;；|/()（）、]{2,20})"
)
_TITLE_HIRE = re.compile(
    rf"(?:招聘|急招|诚聘|急聘|现招|特招|招(?!聘|商|标|生|待|呼|收|牌|募|投|引|录|工作))"
    rf"\s*(?!人数|岗位|职位|要求|条件|信息|简章|公告|对象)(?:{_NUM}\s*(?:名|人|位))?\s*(?P<title>[\u4e00-\u9fffA-Za-z]{{2,14}}?)"
    rf"\s*(?:{_NUM}\s*(?:名|人|位)|若干|[\s,，。;；:、]|$)"
)
_FIRST_LINE = re.compile(
    r"^\s*(?![^\n]*(?:薪|面议|经验|学历|要求|以上|不限|职责|地点|待遇|电话|联系|公司简介))"
    r"(?P<title>[^\n,，。;；:、\d]{2,15})\s*(?:\n|$)"
)
_POSITIONS = re.compile(
    rf"(?:招聘?|聘|需要|需)\s*(?:[\u4e00-\u9fffA-Za-z]{{0,14}}?)\s*(?P<n>{_NUM})\s*(?:名|人|位)"
    rf"|(?:人数|名额|招聘人数)\s*:?\s*(?P<m>{_NUM})"
)
_SEVERAL = re.compile(r"若干|不限人数|多名")


def _join(lists: Sequence[Sequence[str]]) -> pd.Series:
    return pd.Series([";".join(x) for x in lists], dtype=object)


def _ner_columns(
    texts: Sequence[str], tagger: ResumeTagger | None, index: pd.Index
) -> pd.DataFrame:
    cols = pd.DataFrame(
        {"NAME": None, "PRO": None, "TITLE": None, "organisations": "", "titles": ""},
        index=index,
    ).astype(object)
    if tagger is None:
        return cols
    entities = tagger.entities_many(list(texts))
    for kind in ("NAME", "PRO", "TITLE"):
        cols[kind] = [next((e[3] for e in ents if e[0] == kind), None) for ents in entities]
    cols["organisations"] = [";".join(dict.fromkeys(e[3] for e in ents if e[0] == "ORG")) for ents in entities]  # fmt: skip
    cols["titles"] = [";".join(dict.fromkeys(e[3] for e in ents if e[0] == "TITLE")) for ents in entities]  # fmt: skip
    return cols


def _notes(*parts: pd.Series) -> pd.Series:
    """The non-empty notes of each row joined with ；."""
    out = parts[0].fillna("").astype(str)
    for part in parts[1:]:
        out = out.str.cat(part.fillna("").astype(str), sep="；")
    return out.str.replace(r"；{2,}", "；", regex=True).str.strip("；").astype(object)


def _empty(columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})


# ---------------------------------------------------------------------------------------------
# Public functions


def parse_resumes(
    texts: Sequence[str | None],
    *,
    places: Sequence[str] | Mapping[str, str] | None = None,
    tagger: ResumeTagger | None = None,
    as_of: date | None = None,
) -> pd.DataFrame:
    """Talent fields from résumé texts, one row per text in the given order.

    Parameters
    ----------
    texts
        Résumés as free Chinese text (``None`` or empty → a row of nulls).
    places
        Known place names (or a mapping name → value, e.g. county code) for ``location``; the
        caller resolves regions, this module only looks the names up.
    tagger
        A trained :class:`~xinzhi.match.ner.ResumeTagger`; names and majors that no rule finds
        come from its NAME / PRO entities, and ``organisations`` / ``titles`` are filled.
    as_of
        The date a period ending 至今 ends (the import date); without it such periods are not
        counted. Dated periods count only when no stated experience (``5年经验``) is found.

    Returns
    -------
    DataFrame
        :data:`RESUME_COLUMNS`: ``education_level`` int 0–6, ``years`` and ``salary_expect``
        float (元/月, NaN = unknown), ``skills`` / ``certificates`` ``;``-joined, ``notes``.
    """
    if len(texts) == 0:
        return _empty(RESUME_COLUMNS)
    text = _prepare(texts)
    ner = _ner_columns([str(t or "") for t in texts], tagger, text.index)
    name = text.str.extract(_NAME)["name"].fillna(text.str.extract(_NAME_LEAD)["name"])
    name = name.astype(object)
    name_note = pd.Series("", index=text.index, dtype=object)
    from_ner = name.isna() & ner["NAME"].notna()
    name = name.fillna(ner["NAME"])
    name_note = name_note.mask(from_ner, "姓名：NER")
    major = text.str.extract(_MAJOR_LABEL)["major"]
    for rule in (_MAJOR_SCHOOL, _MAJOR_LEAD, _MAJOR_DEGREE):
        major = major.fillna(text.str.extract(rule)["major"])
    major_from_ner = major.isna() & ner["PRO"].notna()
    major = major.astype(object).fillna(ner["PRO"])
    major_note = pd.Series("", index=text.index, dtype=object).mask(major_from_ner, "专业：NER")
    years, years_note = _years(text, _RESUME_YEAR_RULES, _RESUME_ZERO, skip_preferred=False)
    periods = _period_years(text, as_of)
    from_periods = years.isna() & periods.notna()
    years = years.fillna(periods)
    years_note = years_note.mask(from_periods, "经验：工作经历起止年月")
    pay = salaries(list(text), expectation=True)
    location, location_note = _locations(text, places)
    level = pd.Series(vocab.education_levels(list(text)), index=text.index, dtype="int64")
    level_note = pd.Series("", index=text.index, dtype=object).mask(level.eq(0), "学历：未写明")
    pay_note = ("薪资：" + pay["note"]).where(pay["note"].ne(""), "")
    frame = pd.DataFrame(
        {
            "name": name.where(name.notna(), None),
            "phone": _phones(text),
            "education_level": level,
            "major": major.where(major.notna(), None),
            "years": years.astype(float),
            "skills": _join(vocab.find_skills_many(list(text))),
            "certificates": _join(vocab.find_certificates_many(list(text))),
            "location": location,
            "salary_expect": pay["min"].fillna(pay["max"]).astype(float),
            "organisations": ner["organisations"],
            "titles": ner["titles"],
        }
    )
    frame["notes"] = _notes(name_note, level_note, major_note, years_note, pay_note, location_note)
    return frame[RESUME_COLUMNS]


def parse_postings(
    texts: Sequence[str | None],
    *,
    places: Sequence[str] | Mapping[str, str] | None = None,
    tagger: ResumeTagger | None = None,
) -> pd.DataFrame:
    """Job fields from posting texts, one row per text in the given order.

    Parameters
    ----------
    texts
        Job postings as free Chinese text.
    places
        Known place names (or name → value) for ``location``.
    tagger
        A trained :class:`~xinzhi.match.ner.ResumeTagger`: a title no rule finds comes from its
        first TITLE entity; ``organisations`` / ``titles`` are filled.

    Returns
    -------
    DataFrame
        :data:`POSTING_COLUMNS`: ``education_min`` int 0–6, ``years_min`` float (NaN = not
        stated), ``salary_min`` / ``salary_max`` 元/月 (NaN = 面议 or not stated),
        ``positions`` int ≥ 1, ``notes``.
    """
    if len(texts) == 0:
        return _empty(POSTING_COLUMNS)
    text = _prepare(texts)
    ner = _ner_columns([str(t or "") for t in texts], tagger, text.index)
    title = (
        text.str.extract(_TITLE_LABEL)["title"]
        .fillna(text.str.extract(_TITLE_HIRE)["title"])
        .fillna(text.str.extract(_FIRST_LINE)["title"])
    )
    title_from_ner = title.isna() & ner["TITLE"].notna()
    title = title.astype(object).fillna(ner["TITLE"])
    title_note = pd.Series("", index=text.index, dtype=object).mask(title_from_ner, "岗位：NER")
    title_note = title_note.mask(title.isna(), "岗位：未找到")
    found = text.str.extract(_POSITIONS)
    count = _numbers(found["n"].fillna(found["m"]))
    several = count.isna() & text.str.contains(_SEVERAL)
    positions = count.where(count.ge(1)).fillna(1).astype("int64")
    pos_note = pd.Series("", index=text.index, dtype=object)
    pos_note = pos_note.mask(several, "人数：若干 → 1").mask(
        count.isna() & ~several, "人数：未写明 → 1"
    )
    years, years_note = _years(text, _POSTING_YEAR_RULES, _POSTING_ZERO, skip_preferred=True)
    pay = salaries(list(text))
    pay_note = ("薪资：" + pay["note"]).where(pay["note"].ne(""), "")
    location, location_note = _locations(text, places)
    education = pd.Series([vocab.education_requirement(t) for t in text], index=text.index)
    frame = pd.DataFrame(
        {
            "title": title.where(title.notna(), None),
            "education_min": education.astype("int64"),
            "years_min": years.astype(float),
            "skills": _join(vocab.find_skills_many(list(text))),
            "certificates": _join(vocab.find_certificates_many(list(text))),
            "location": location,
            "salary_min": pay["min"].astype(float),
            "salary_max": pay["max"].astype(float),
            "positions": positions,
            "organisations": ner["organisations"],
            "titles": ner["titles"],
        }
    )
    frame["notes"] = _notes(title_note, years_note, pay_note, pos_note, location_note)
    return frame[POSTING_COLUMNS]
