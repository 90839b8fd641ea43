"""Rules of xinzhi.match.parse at their edges, with the arithmetic written out.

Monthly conversions: 年薪 ÷ 12; 日薪 × 21.75 (月计薪天数, 劳社部发〔2008〕3号); 时薪 × 21.75 × 8.
"""

from __future__ import annotations

import math
from datetime import date

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xinzhi.match.ner import ResumeTagger
from xinzhi.match.parse import (
    POSTING_COLUMNS,
    RESUME_COLUMNS,
    cn_number,
    parse_postings,
    parse_resumes,
    salaries,
)


def _same(a: float, b: float) -> bool:
    return (math.isnan(a) and math.isnan(b)) or a == pytest.approx(b, abs=0.005)


# --------------------------------------------------------------------------------------------
# Experience floor of a posting


@pytest.mark.parametrize(
    ("text", "years"),
    [
        ("3年以上", 3.0),
        ("3年及以上工作经验", 3.0),
        ("3-5年", 3.0),  # range: the lower end is the floor
        ("3~5年相关经验", 3.0),
        ("1-3年", 1.0),
        ("五年以上工作经验", 5.0),  # Chinese numeral 五 = 5
        ("十年以上", 10.0),
        ("两年以上经验", 2.0),
        ("应届", 0.0),
        ("接受应届毕业生", 0.0),
        ("经验不限", 0.0),
        ("无需经验", 0.0),
        ("1年以下", 0.0),
        ("2年经验", 2.0),
        ("经验要求：4年", 4.0),
        ("一年半以上", 1.5),  # 一 + 半 = 1.5
        ("有3年经验者优先，经验不限", 0.0),  # a preferred experience is no floor
        ("本公司成立于2015年", float("nan")),  # 2015 > 50 is a calendar year
        ("负责三至六年级英语教学", float("nan")),  # 年级: school grades, not a range of years
        ("岗位职责：负责车间管理", float("nan")),
    ],
)
def test_posting_years(text: str, years: float) -> None:
    assert _same(parse_postings([text]).loc[0, "years_min"], years)


# --------------------------------------------------------------------------------------------
# Experience of a résumé


@pytest.mark.parametrize(
    ("text", "years"),
    [
        ("五年工作经验", 5.0),
        ("8年焊接经验", 8.0),
        ("工作年限：三年半", 3.5),  # 三 + 半 = 3.5
        ("工龄10年", 10.0),
        ("从事焊接工作十五年", 15.0),  # 十五 = 10 + 5
        ("半年工作经验", 0.5),
        ("应届毕业生", 0.0),
        ("无工作经验", 0.0),
        ("在五莲一家机械厂做了五年数控车床", 5.0),
        ("当机修钳工六年", 6.0),
        ("在县城修理厂干了四年", 4.0),
        ("做电焊十多年", 10.0),  # 十多年: the stated 10
        ("读了三年级", float("nan")),  # 年级 is a school grade
        ("1995年出生", float("nan")),
    ],
)
def test_resume_years(text: str, years: float) -> None:
    assert _same(parse_resumes([text]).loc[0, "years"], years)


def test_resume_years_from_dated_periods() -> None:
    texts = [
        "2013.09-2017.06 浙江大学 机械工程\n2017.07-2020.06 某机械公司 数控编程员\n"
        "2020.07-至今 某精密制造公司 工艺工程师",
        "2015年3月-2018年2月 某厂焊工；2018年3月至2020年2月 某公司焊工",
        "2019-2021 某公司",
        "2017.07-2020.06 某公司；五年工作经验",
    ]
    years = parse_resumes(texts, as_of=date(2026, 12, 4))["years"].tolist()
    # 1: the school period is skipped; 2017-07 … 2026-12 (至今 = as_of) = 114 months = 9.5
    #    months counted from 0: end (2026·12 + 11) + 1 − start (2017·12 + 6) = 24324 − 24210
    # 2: 2015-03 … 2020-02 = 60 months = 5.0
    # 3: years only: 2019-01 … 2021-12 = 36 months = 3.0
    # 4: a stated experience (五年) wins over the periods
    assert years == [9.5, 5.0, 3.0, 5.0]
    # without as_of, periods ending 至今 are not counted: 2017-07 … 2020-06 = 36 months
    assert parse_resumes(texts[:1])["years"].tolist() == [3.0]


# --------------------------------------------------------------------------------------------
# Salary (元/月)


@pytest.mark.parametrize(
    ("text", "low", "high"),
    [
        ("8000-12000元/月", 8000.0, 12000.0),
        ("月薪8000-12000元", 8000.0, 12000.0),
        ("8K-12K", 8000.0, 12000.0),  # K = ×1000
        ("8-12K", 8000.0, 12000.0),  # the unit after the range applies to both ends
        ("8k-12k", 8000.0, 12000.0),
        ("８Ｋ－１２Ｋ", 8000.0, 12000.0),  # full-width (NFKC) = 8K-12K
        ("1.2万-1.5万/月", 12000.0, 15000.0),  # 1.2 × 10000, 1.5 × 10000
        ("1-1.5万", 10000.0, 15000.0),
        ("8千-1.2万", 8000.0, 12000.0),  # 8 × 1000, 1.2 × 10000
        ("年薪10万", 8333.33, 8333.33),  # 100000 / 12 = 8333.333…
        ("10万/年", 8333.33, 8333.33),
        ("年薪10-15万", 8333.33, 12500.0),  # 150000 / 12 = 12500
        ("200元/天", 4350.0, 4350.0),  # 200 × 21.75
        ("日薪300元", 6525.0, 6525.0),  # 300 × 21.75
        ("25元/小时", 4350.0, 4350.0),  # 25 × 21.75 × 8 = 25 × 174
        ("6000元以上", 6000.0, float("nan")),
        ("5000元以下", float("nan"), 5000.0),
        ("薪资：6000-8000", 6000.0, 8000.0),  # salary word as cue
        ("15-20K·13薪", 15000.0, 20000.0),  # 13薪 is not annualised
        ("面议", float("nan"), float("nan")),
        ("薪资面议", float("nan"), float("nan")),
        ("3-5年", float("nan"), float("nan")),  # no salary cue
        ("注册资本1000万元", float("nan"), float("nan")),  # 10,000,000 元 > 500,000
        ("2020年5月", float("nan"), float("nan")),  # 5 元/月 < 500
    ],
)
def test_posting_salary(text: str, low: float, high: float) -> None:
    row = parse_postings([text]).iloc[0]
    assert _same(row["salary_min"], low)
    assert _same(row["salary_max"], high)


def test_salary_notes() -> None:
    table = salaries(["年薪10万", "200元/天", "面议", "8000元"])
    assert table["note"].tolist() == ["年薪÷12", "日薪×21.75", "面议", ""]
    assert "薪资：面议" in parse_postings(["面议"]).loc[0, "notes"]


@pytest.mark.parametrize(
    ("text", "expect"),
    [
        ("期望月薪8000", 8000.0),
        ("期望薪资：9000-12000元", 9000.0),  # lower end of the expected range
        ("薪资要求 6K", 6000.0),
        ("期望日薪400元", 8700.0),  # 400 × 21.75
        ("期望薪资：面议", float("nan")),
        ("原单位月薪5000元", float("nan")),  # a past salary is no expectation
    ],
)
def test_resume_salary_expectation(text: str, expect: float) -> None:
    assert _same(parse_resumes([text]).loc[0, "salary_expect"], expect)


# --------------------------------------------------------------------------------------------
# Phones, names, education, majors


@pytest.mark.parametrize(
    ("text", "phone"),
    [
        ("电话：13812345678", "13812345678"),
        ("手机 138-1234-5678", "13812345678"),
        ("+86 13912345678", "13912345678"),
        ("19912345678", "19912345678"),
        ("12812345678", None),  # second digit 2 is no mobile prefix (1[3-9])
        ("1381234567", None),  # 10 digits
        ("138123456789", None),  # 12 digits: inside a longer run
        ("", None),
    ],
)
def test_phone(text: str, phone: str | None) -> None:
    assert parse_resumes([text]).loc[0, "phone"] == phone


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("姓名：王小红，女", "王小红"),
        ("姓 名: 李明 男", "李明"),
        ("张伟 男 大专", "张伟"),
        ("本人性格开朗", None),
    ],
)
def test_name(text: str, name: str | None) -> None:
    assert parse_resumes([text]).loc[0, "name"] == name


@pytest.mark.parametrize(
    ("text", "resume_level", "posting_floor"),
    [
        ("本科", 4, 4),
        ("大专及以上，本科优先", 4, 3),  # résumé: highest named; posting: the floor
        ("本科优先", 4, 0),
        ("学历不限", 0, 0),
        ("中专以上", 2, 2),
        ("硕士研究生", 5, 5),
        ("初中", 1, 1),
    ],
)
def test_education(text: str, resume_level: int, posting_floor: int) -> None:
    assert parse_resumes([text]).loc[0, "education_level"] == resume_level
    assert parse_postings([text]).loc[0, "education_min"] == posting_floor


@pytest.mark.parametrize(
    ("text", "major"),
    [
        ("专业：机械设计制造及其自动化", "机械设计制造及其自动化"),
        ("2017年毕业于浙江大学机械工程专业", "机械工程"),
        ("毕业于某某职业技术学院电子商务专业", "电子商务"),
        ("食品质量与安全专业大专，在乳品厂工作", "食品质量与安全"),
        ("化学工程与工艺本科，在化工园区", "化学工程与工艺"),
        ("全日制本科", None),  # 全日制 is no major
        ("具有专业技术职称", None),
        ("高中毕业", None),
    ],
)
def test_major(text: str, major: str | None) -> None:
    assert parse_resumes([text]).loc[0, "major"] == major


# --------------------------------------------------------------------------------------------
# Titles, positions, locations


@pytest.mark.parametrize(
    ("text", "title", "positions"),
    [
        ("招聘焊工3名", "焊工", 3),
        ("急招普工10名，包吃住", "普工", 10),
        ("岗位：数控车工\n人数：2", "数控车工", 2),
        ("机械设计工程师\n岗位职责：负责非标设计", "机械设计工程师", 1),
        ("招聘人数：若干", None, 1),  # 若干 → 1; 人数 is no title
        ("诚聘会计两名", "会计", 2),  # 两 = 2
        ("车架车间招焊工，焊接农用车车架", "焊工", 1),
        ("本公司招商加盟，招短视频剪辑师，会剪映", "短视频剪辑师", 1),  # 招商 is no hiring
        ("3年以上经验", None, 1),  # a first line with digits is no title
        ("薪资面议", None, 1),  # nor one about pay or requirements
    ],
)
def test_title_and_positions(text: str, title: str | None, positions: int) -> None:
    row = parse_postings([text]).iloc[0]
    assert row["title"] == title
    assert row["positions"] == positions


def test_location_with_and_without_known_places() -> None:
    texts = ["工作地点：浙江省台州市天台县", "在临海市上班", "地址不详"]
    raw = parse_postings(texts)["location"].tolist()
    assert raw == ["浙江省台州市天台县", None, "不详"]
    known = {"台州市": "331000", "天台县": "331023", "临海市": "331082"}
    coded = parse_postings(texts, places=known)["location"].tolist()
    # the last of the adjacent run 台州市天台县 is the most specific; 临海市 found in the text
    assert coded == ["331023", "331082", None]
    names = parse_resumes(["现居住地：天台县"], places=["天台县"])["location"].tolist()
    assert names == ["天台县"]
    # short names map to the caller's value; a stated wish (想在) beats an earlier workplace
    aliases = {"九江": "360400", "柴桑": "360404"}
    wish = parse_resumes(["在九江一家乳品厂化验室工作两年。想在柴桑附近工作。"], places=aliases)
    assert wish["location"].tolist() == ["360404"]


# --------------------------------------------------------------------------------------------
# Whole frames


def test_posting_frame() -> None:
    text = (
        "岗位：数控车工\n要求：中专以上，3年以上数控车床经验，熟悉FANUC系统，持电工证优先，"
        "月薪7000-9000元，工作地点：天台县"
    )
    frame = parse_postings([text, None])
    assert list(frame.columns) == POSTING_COLUMNS
    first = frame.iloc[0]
    assert first["title"] == "数控车工"
    assert first["education_min"] == 2
    assert first["years_min"] == 3.0
    assert first["skills"] == "数控车床;数控系统"  # FANUC系统 is a CNC control system
    assert first["certificates"] == "电工证"
    assert (first["salary_min"], first["salary_max"]) == (7000.0, 9000.0)
    assert first["location"] == "天台县"
    second = frame.iloc[1]
    assert second["title"] is None
    assert second["education_min"] == 0
    assert second["positions"] == 1
    assert np.isnan(second["salary_min"])


def test_resume_frame() -> None:
    text = (
        "姓名：王小红，女，2017年毕业于浙江大学机械工程专业，本科学历，从事数控编程工作6年，"
        "熟悉UG编程、Mastercam，持高级工证书。手机：138-1234-5678。现居住地：台州市天台县。"
        "期望月薪：9000-12000元"
    )
    frame = parse_resumes([text])
    assert list(frame.columns) == RESUME_COLUMNS
    row = frame.iloc[0]
    assert row["name"] == "王小红"
    assert row["phone"] == "13812345678"
    assert row["education_level"] == 4
    assert row["major"] == "机械工程"
    assert row["years"] == 6.0
    assert row["skills"] == "数控编程;UG编程;Mastercam"
    assert row["certificates"] == "高级工"
    assert row["location"] == "台州市天台县"
    assert row["salary_expect"] == 9000.0
    assert "从事X年" in row["notes"]


def test_empty_inputs() -> None:
    assert list(parse_resumes([]).columns) == RESUME_COLUMNS
    assert len(parse_postings([])) == 0


def test_ner_fills_what_rules_miss() -> None:
    rows = [
        ("王磊，汉族，本科", ["B-NAME", "E-NAME", "O", "B-RACE", "E-RACE", "O", "B-EDU", "E-EDU"]),
        ("李强任总经理", ["B-NAME", "E-NAME", "O", "B-TITLE", "M-TITLE", "E-TITLE"]),
    ]
    train = [list(zip(t, tags, strict=True)) for t, tags in rows] * 4
    tagger = ResumeTagger(epochs=4, hash_bits=12).fit(train)
    people = parse_resumes(["王磊，汉族，本科"], tagger=tagger)
    assert people.loc[0, "name"] == "王磊"
    assert "姓名：NER" in people.loc[0, "notes"]
    jobs = parse_postings(["李强任总经理"], tagger=tagger)
    assert jobs.loc[0, "titles"] == "总经理"


@pytest.mark.parametrize(
    ("text", "value"),
    [("3", 3.0), ("十", 10.0), ("十二", 12.0), ("二十", 20.0), ("两", 2.0), ("半", 0.5)],
)
def test_cn_number(text: str, value: float) -> None:
    assert cn_number(text) == value


def test_cn_number_rejects() -> None:
    assert math.isnan(cn_number("许多"))
    assert math.isnan(cn_number(None))
    assert math.isnan(cn_number(""))


@settings(deadline=None, max_examples=15)
@given(
    st.lists(
        st.text(alphabet="招聘焊工3-5年以上K万元月薪面议本科大专电话13812345678，", max_size=40),
        min_size=1,
        max_size=6,
    )
)
def test_frames_keep_order_and_types(texts: list[str]) -> None:
    jobs = parse_postings(texts)
    assert len(jobs) == len(texts)
    assert jobs["positions"].ge(1).all()
    assert jobs["education_min"].between(0, 6).all()
    both = jobs.dropna(subset=["salary_min", "salary_max"])
    assert (both["salary_min"] <= both["salary_max"]).all()
    one_by_one = pd.concat([parse_postings([t]) for t in texts], ignore_index=True)
    pd.testing.assert_frame_equal(jobs.reset_index(drop=True), one_by_one)
