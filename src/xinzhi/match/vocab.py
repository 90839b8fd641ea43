"""Vocabularies of the matching package: the education ladder, skills and certificates.

Three word lists ship as YAML beside this module (read with :mod:`importlib.resources`):

- ``education.yaml`` — the seven rungs of :data:`EDUCATION_LEVELS` and the Chinese words that
  name each rung. Levels follow GB/T 4658-2006《学历代码》(质检总局、国家标准化管理委员会
  2006-10-09 发布) — the 国家教育统计口径 of 学历 — with the degrees of 《中华人民共和国学位条例》
  (1980-02-12 通过; 《学位法》2024-04-26 通过, 2025-01-01 施行) mapped to the rung of the same
  study (学士 → 本科, 硕士 → 硕士, 博士 → 博士).
- ``skills.yaml`` — canonical skills with a group, aliases and the public source of each entry
  (an occupation of the 《国家职业分类大典（2022年版）》 whose tasks name the skill, a 国家职业技能
  标准, or a 人社部 新职业 announcement).
- ``certificates.yaml`` — certificate names (职业资格、特种作业操作证、职业技能等级证书) with aliases
  and sources (《国家职业资格目录（2021年版）》 and the rules that issue each certificate).

Matching is one pass over the text: all aliases of a vocabulary are compiled into a single
regular expression built from a character trie (shared prefixes factored out, longest alias
first, so the engine walks the trie at each position like an Aho–Corasick automaton does) —
no loop over skills per text. Text and aliases are normalised alike (NFKC: full-width letters
and digits to ASCII; lower case). ASCII aliases match only as whole words (``PLC`` in
``PLC编程`` but not inside ``APLCX``).

Examples
--------
>>> EDUCATION_LEVELS[4]
'本科'
>>> education_level("2015年毕业于某某大学，本科学历，工学学士")
4
>>> education_level("硕士研究生，MBA")
5
>>> education_level("高中级职称")
0
>>> find_skills("熟悉PLC编程、AutoCAD制图，持焊工证")
['PLC编程', 'CAD制图']
>>> find_certificates("持焊工证、电工证")
['焊工证', '电工证']
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from functools import cache
from importlib import resources
from typing import Any

import pandas as pd

from xinzhi import yamlfile
from xinzhi.errors import ConfigError

__all__ = [
    "EDUCATION_LEVELS",
    "certificate_vocabulary",
    "education_level",
    "education_levels",
    "education_mentions",
    "education_requirement",
    "find_certificates",
    "find_certificates_many",
    "find_skills",
    "find_skills_many",
    "normalise",
    "skill_vocabulary",
    "trie_pattern",
]

#: The education ladder: level → Chinese label (GB/T 4658-2006 classes merged to seven rungs).
EDUCATION_LEVELS: dict[int, str] = {
    0: "不详",
    1: "初中及以下",
    2: "高中/中专/技校",
    3: "大专",
    4: "本科",
    5: "硕士",
    6: "博士",
}


def normalise(text: str | None) -> str:
    """NFKC-normalise and lower-case a text (``None`` → ``""``).

    >>> normalise("ＰＬＣ　编程")
    'plc 编程'
    """
    if text is None or (isinstance(text, float) and text != text):
        return ""
    return unicodedata.normalize("NFKC", str(text)).lower()


def _is_ascii_word(alias: str) -> bool:
    return alias.isascii()


def trie_pattern(words: Iterable[str]) -> str:
    """A regular expression matching any of ``words``, built from their character trie.

    Shared prefixes are factored (``焊接|焊工`` → ``焊(?:接|工)``) and at each node the longer
    continuation is tried before the word ending there, so the leftmost match is the longest
    word starting at that position. Words are used as given (normalise them first).

    >>> trie_pattern(["焊工", "焊接", "焊"])
    '焊(?:工|接)?'
    >>> bool(re.fullmatch(trie_pattern(["c++", "c#"]), "c++"))
    True
    """
    trie: dict[str, Any] = {}
    for word in words:
        if not word:
            continue
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = True

    def build(node: dict[str, Any]) -> str:
        ends_here = "" in node
        branches = [re.escape(ch) + build(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if ends_here:
            if len(branches) == 1 and not body.startswith("(?:"):
                body = "(?:" + body + ")"
            return body + "?"
        return body

    return build(trie)


def _compile(aliases: Iterable[str], *, not_before: str = "") -> re.Pattern[str]:
    """One pattern for a vocabulary; ASCII words get word boundaries; ``not_before``: a
    character class that may not follow a match (skills: 证, so 电工证 is a certificate only)."""
    cjk = sorted({a for a in aliases if a and not _is_ascii_word(a)})
    ascii_ = sorted({a for a in aliases if a and _is_ascii_word(a)})
    # trie per first-character group, each group behind a character-class look-ahead
    parts = []
    # Mixed aliases (CAD打版, PLC编程) first, so that they win over their ASCII prefix.
    if cjk:
        parts.append(_bucketed(cjk))
    if ascii_:
        parts.append(r"(?<![a-z0-9])(?:" + _bucketed(ascii_) + r")(?![a-z0-9+#])")
    if not parts:
        return re.compile(r"(?!x)x")
    tail = f"(?![{not_before}])" if not_before else ""
    return re.compile(_first_char_guard([*cjk, *ascii_]) + "(?:" + "|".join(parts) + ")" + tail)


def _bucketed(words: Sequence[str], size: int = 40) -> str:
    """The trie of ``words`` split by first character into groups of ``size`` characters,
    each behind a look-ahead on its group's first characters.

    Python's regex engine tries the branches of an alternation one after the other; with 500
    first characters at the top of one trie that is up to 500 tries per position. Groups
    behind a character-class test cut that to about n/size + size (≈ 4× faster for the skills).
    Same matches as :func:`trie_pattern` (groups have disjoint first characters).
    """
    firsts = sorted({w[0] for w in words if w})
    parts = []
    for i in range(0, len(firsts), size):
        group = set(firsts[i : i + size])
        chars = "".join(re.escape(c) for c in sorted(group))
        parts.append(
            f"(?=[{chars}])(?:" + trie_pattern([w for w in words if w and w[0] in group]) + ")"
        )
    return "|".join(parts)


def _first_char_guard(words: Iterable[str]) -> str:
    """A lookahead on the set of first characters: the engine rejects most positions with one
    character-class test instead of trying every branch of the trie (about 2.5× faster)."""
    first = sorted({w[0] for w in words if w})
    return "(?=[" + "".join(re.escape(c) for c in first) + "])"


# ---------------------------------------------------------------------------------------------
# Education


@cache
def _education() -> tuple[re.Pattern[str], dict[str, int]]:
    text = resources.files("xinzhi.match").joinpath("education.yaml").read_text("utf-8")
    data = yamlfile.safe_load(text)
    word_level: dict[str, int] = {}
    for level, entry in data["levels"].items():
        if int(level) not in EDUCATION_LEVELS:
            raise ConfigError(f"education.yaml：未知学历层次 {level}")
        for variant in entry.get("variants") or []:
            word_level[normalise(variant)] = int(level)
    guards: dict[str, dict[str, list[str]]] = data.get("guards") or {}
    alternatives = []
    # Words with guards become their own alternatives with lookarounds, tried first.
    for word, guard in guards.items():
        w = normalise(word)
        if w not in word_level:
            raise ConfigError(f"education.yaml：guards 中的 {word} 不是任何层次的写法")
        after = "".join(f"(?<!{re.escape(normalise(a))})" for a in guard.get("not_after") or [])
        before = "".join(f"(?!{re.escape(normalise(b))})" for b in guard.get("not_before") or [])
        alternatives.append(f"{after}{re.escape(w)}{before}")
    free = [w for w in word_level if w not in {normalise(g) for g in guards}]
    cjk = [w for w in free if not w.isascii()]
    ascii_ = [w for w in free if w.isascii()]
    pattern = trie_pattern(cjk)
    # Longer unguarded words that contain a guarded one (普通高中) must win: put them first.
    joined = "|".join([pattern, *alternatives])
    if ascii_:
        joined = r"(?<![a-z0-9])(?:" + trie_pattern(ascii_) + r")(?![a-z0-9])|" + joined
    return re.compile(_first_char_guard(word_level) + "(?:" + joined + ")"), word_level


def education_mentions(text: str | None) -> list[tuple[int, int, str]]:
    """Every education word in ``text``: (start, level, word) in reading order.

    >>> education_mentions("大专及以上，本科优先")
    [(0, 3, '大专'), (6, 4, '本科')]
    """
    pattern, word_level = _education()
    return [
        (m.start(), word_level[m.group(0)], m.group(0)) for m in pattern.finditer(normalise(text))
    ]


def education_level(text: str | None) -> int:
    """The highest education rung named in ``text`` (0 = 不详 when none is named).

    A résumé names the degrees a person holds, so the highest one counts (本科 … 硕士研究生 → 5).
    Words: ``education.yaml`` (GB/T 4658-2006 classes; 学位条例 degrees).

    >>> education_level("大专学历")
    3
    >>> education_level("学历不限")
    0
    """
    found = education_mentions(text)
    return max((level for _, level, _ in found), default=0)


_AT_LEAST = re.compile(r"\s*(?:及其?以上|或以上|以上|及更高|或更高)")
_PREFERRED = re.compile(r"[^,，。;；\n]{0,4}?优先")
_ANY = re.compile(r"学历\s*[:：]?\s*不限|不限学历|学历要求\s*[:：]?\s*无|学历无要求")


def education_requirement(text: str | None) -> int:
    """The education floor a job posting asks for (0 = 不限 or not stated).

    Rules, in order: a rung followed by 及以上 / 以上 / 或以上 is the floor (the first one
    named); else 学历不限 / 不限学历 → 0; else the lowest rung named that is not only
    preferred (``本科优先`` is no floor: 大专，本科优先 → 3); else 0.

    >>> education_requirement("大专及以上学历，本科优先")
    3
    >>> education_requirement("本科优先")
    0
    >>> education_requirement("学历不限")
    0
    >>> education_requirement("中专或高中")
    2
    """
    norm = normalise(text)
    found = education_mentions(norm)
    for start, level, word in found:
        if _AT_LEAST.match(norm, start + len(word)):
            return level
    if _ANY.search(norm):
        return 0
    hard = [level for start, level, word in found if not _PREFERRED.match(norm, start + len(word))]
    return min(hard, default=0)


def education_levels(texts: Sequence[str | None]) -> list[int]:
    """:func:`education_level` of many texts (one compiled pattern, pandas ``str.findall``).

    >>> education_levels(["本科", None, "中专毕业，后读大专"])
    [4, 0, 3]
    """
    pattern, word_level = _education()
    series = pd.Series([normalise(t) for t in texts], dtype=object)
    if series.empty:
        return []
    found = series.str.findall(pattern)
    return [max((word_level[w] for w in words), default=0) for words in found]


# ---------------------------------------------------------------------------------------------
# Skills and certificates


def _read_vocabulary(file: str, key: str) -> pd.DataFrame:
    text = resources.files("xinzhi.match").joinpath(file).read_text("utf-8")
    data = yamlfile.safe_load(text)
    rows = []
    seen: dict[str, str] = {}
    for i, entry in enumerate(data[key]):
        name = str(entry.get("name") or "").strip()
        if not name:
            raise ConfigError(f"{file}：第 {i + 1} 条缺少 name")
        if not entry.get("source"):
            raise ConfigError(f"{file}：{name} 缺少 source（来源）")
        aliases = [str(a) for a in entry.get("aliases") or []]
        for alias in [name, *aliases]:
            norm = normalise(alias)
            if norm in seen and seen[norm] != name:
                raise ConfigError(f"{file}：写法 {alias} 同时属于 {seen[norm]} 和 {name}")
            seen[norm] = name
        rows.append(
            {
                "name": name,
                "group": str(entry.get("group") or ""),
                "aliases": aliases,
                "source": str((data.get("sources") or {}).get(entry["source"], entry["source"])),
            }
        )
    return pd.DataFrame(rows)


@cache
def _skills() -> pd.DataFrame:
    return _read_vocabulary("skills.yaml", "skills")


@cache
def _certificates() -> pd.DataFrame:
    return _read_vocabulary("certificates.yaml", "certificates")


def skill_vocabulary() -> pd.DataFrame:
    """The skills vocabulary: columns ``skill, group, aliases, source``.

    ``aliases`` is a list of other spellings; ``source`` names the public document the entry
    comes from (e.g. ``大典2022 6-18-02-04 焊工``).
    """
    df = _skills()
    return df.rename(columns={"name": "skill"})[["skill", "group", "aliases", "source"]].copy()


def certificate_vocabulary() -> pd.DataFrame:
    """The certificates vocabulary: columns ``certificate, group, aliases, source``."""
    df = _certificates()
    return df.rename(columns={"name": "certificate"})[
        ["certificate", "group", "aliases", "source"]
    ].copy()


@cache
def _matcher(which: str) -> tuple[re.Pattern[str], dict[str, str], dict[str, int]]:
    df = _skills() if which == "skills" else _certificates()
    alias_to: dict[str, str] = {}
    for name, aliases in zip(df["name"], df["aliases"], strict=True):
        for alias in [name, *aliases]:
            alias_to[normalise(alias)] = name
    order = {name: i for i, name in enumerate(df["name"])}
    return _compile(alias_to, not_before="证" if which == "skills" else ""), alias_to, order


def _canonical(words: Iterable[str], alias_to: dict[str, str]) -> list[str]:
    out: list[str] = []
    for w in words:
        name = alias_to.get(w)
        if name is not None and name not in out:
            out.append(name)
    return out


def _find_many(texts: Sequence[str | None], which: str) -> list[list[str]]:
    pattern, alias_to, _ = _matcher(which)
    if len(texts) == 0:
        return []
    series = pd.Series([normalise(t) for t in texts], dtype=object)
    return [_canonical(words, alias_to) for words in series.str.findall(pattern)]


def find_skills(text: str | None) -> list[str]:
    """Canonical skills named in ``text``, in order of first mention, without repeats.

    >>> find_skills("会数控车床编程，熟悉ＰＬＣ")
    ['数控车床', 'PLC编程']
    >>> find_skills("")
    []
    """
    return _find_many([text], "skills")[0]


def find_skills_many(texts: Sequence[str | None]) -> list[list[str]]:
    """:func:`find_skills` for many texts: one compiled pattern applied by ``str.findall``."""
    return _find_many(texts, "skills")


def find_certificates(text: str | None) -> list[str]:
    """Canonical certificate names in ``text`` (职业资格、特种作业操作证、技能等级证书 …).

    >>> find_certificates("持有C1驾照和叉车证")
    ['机动车驾驶证', '叉车司机证']
    """
    return _find_many([text], "certificates")[0]


def find_certificates_many(texts: Sequence[str | None]) -> list[list[str]]:
    """:func:`find_certificates` for many texts."""
    return _find_many(texts, "certificates")
