"""战略性新兴产业分类（2018）codes (xinzhi.codes.sei) and the policy condition ``{sei: [..]}``.

Expected values are read by hand from the table rows in src/xinzhi/codes/sei.yaml (taken from
the source cited there), e.g. ``{code: "3612", sector: 5, class: "5.1", partial: false}``
(新能源车整车制造, no *), ``{code: "3921", sector: 1, class: "1.1", partial: true}``
(通信系统设备制造*), 1311 谷物磨制 in no row.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from xinzhi.codes.sei import (
    PARTIAL_REASON,
    check_sei_selection,
    sei_classes_of,
    sei_membership,
    sei_sectors,
    sei_source,
    sei_table,
)
from xinzhi.errors import InputError
from xinzhi.policy import evaluate, load_document
from xinzhi.policy.conditions import Columns, condition_outcome

ON = dt.date(2024, 6, 30)


def test_sectors_and_classes() -> None:
    df = sei_sectors()
    # 9 sectors; classes 5 + 5 + 7 + 5 + 4 + 5 + 3 + 4 + 2 = 40
    assert df["sector"].drop_duplicates().tolist() == list(range(1, 10))
    assert len(df) == 5 + 5 + 7 + 5 + 4 + 5 + 3 + 4 + 2
    names = dict(zip(df["sector"], df["sector_name"], strict=False))
    assert names[1] == "新一代信息技术产业"
    assert names[9] == "相关服务业"
    cls = dict(zip(df["class"], df["class_name"], strict=True))
    assert cls["5.1"] == "新能源汽车整车制造"
    assert cls["9.2"] == "其他相关服务"


def test_source_cited() -> None:
    src = sei_source()
    assert src["doc_number"] == "国家统计局令第23号"
    assert src["issuer"] == "国家统计局"
    assert src["date"] == "2018-11-07"
    assert "swifthu/industrial_classifi@0594ba85" in src["data"]


def test_table_rows_read_by_hand() -> None:
    t = sei_table()
    rows = t[t["industry_code"] == "3921"][["sector", "class", "partial"]]
    # 3921 通信系统设备制造*: 1.1, 2.2, 2.3, 2.5, 5.3, all partial
    assert rows.values.tolist() == [
        [1, "1.1", True],
        [2, "2.2", True],
        [2, "2.3", True],
        [2, "2.5", True],
        [5, "5.3", True],
    ]
    one = t[t["industry_code"] == "3612"][["sector", "class", "partial"]].values.tolist()
    assert one == [[5, "5.1", False]]
    # every code is a 4-digit class; every class n.m is a listed class (or None for sector 3)
    assert t["industry_code"].str.fullmatch(r"\d{4}").all()
    known = set(sei_sectors()["class"])
    assert set(t["class"].dropna()) <= known
    assert t.loc[t["sector"] == 3, "class"].isna().all()


def test_classes_of() -> None:
    codes = pd.Series(["3612", "3921", "1311", None, "C2710"], index=[10, 11, 12, 13, 14])
    out = sei_classes_of(codes)
    assert out.index.tolist() == [10, 11, 12, 13, 14]
    assert out["sectors"].tolist() == [(5,), (1, 2, 5), (), (), (4,)]
    assert out["full_sectors"].tolist() == [(5,), (), (), (), (4,)]
    assert out["classes"].tolist() == [
        ("5.1",),
        ("1.1", "2.2", "2.3", "2.5", "5.3"),
        (),
        (),
        ("4.1",),
    ]
    assert out["partial"].tolist() == [False, True, False, False, False]


@pytest.mark.parametrize(
    ("code", "sel", "expect"),
    [
        ("3612", ("5",), "t"),  # no *: 新能源车整车制造
        ("3612", ("5.1",), "t"),
        ("3612", ("5.2",), "f"),  # another class of the same sector
        ("3612", ("1",), "f"),
        ("3921", ("1",), "partial"),  # * only
        ("3921", ("1.2",), "f"),
        ("1311", ("1", "2", "3", "4", "5", "6", "7", "8", "9"), "f"),  # 谷物磨制: no row
        (None, ("5",), "unknown"),
        ("", ("5",), "unknown"),
        ("27", ("4",), "unknown"),  # 2710…2780 no *, but 2750 / 2770 only *
        ("27", ("5",), "f"),  # no class of 27 in sector 5
        ("271", ("4",), "t"),  # the group 271 = 2710 only, no *
        ("42", ("7",), "t"),  # 4210, 4220 both in 7.3 without *
        ("13", ("7",), "f"),  # a division without any row
        ("C3612", ("5",), "t"),  # section letter ignored
        ("abc", ("5",), "unknown"),
    ],
)
def test_membership(code: str | None, sel: tuple[str, ...], expect: str) -> None:
    t, f, partial = sei_membership(pd.Series([code], dtype="object"), sel)
    got = "t" if t[0] else "f" if f[0] else "partial" if partial[0] else "unknown"
    assert got == expect


def test_selection_errors() -> None:
    assert check_sei_selection([1, "4.2", 1]) == ("1", "4.2")
    assert check_sei_selection(6) == ("6",)
    with pytest.raises(ValueError, match="未知的战略性新兴产业类别 10"):
        check_sei_selection([10])
    with pytest.raises(ValueError, match=r"未知的战略性新兴产业类别 1\.9"):
        check_sei_selection(["1.9"])
    with pytest.raises(ValueError, match="新材料产业的二级类"):
        check_sei_selection(["3.1"])
    with pytest.raises(ValueError, match="非空"):
        check_sei_selection([])


def _doc(when: object, subject: str = "firm") -> dict[str, object]:
    return {
        "document": {
            "id": "sei-demo",
            "title": "示例数据",
            "issuer": "示例县人民政府",
            "date": "2024-01-01",
            "region": "22",
            "subject": subject,
            "category": "工业",
            "source": "示例数据",
        },
        "clauses": [{"id": "1", "title": "战新企业奖励", "when": when, "benefit": {"fixed": 10}}],
    }


def test_rule_validation_in_chinese() -> None:
    with pytest.raises(InputError, match=r"clauses\[0\]\.when\.sei：未知的战略性新兴产业类别 12"):
        load_document(_doc({"sei": [1, 12]}))
    with pytest.raises(InputError, match="sei 条件只用于企业"):
        load_document(_doc({"sei": [1]}, subject="person"))
    with pytest.raises(InputError, match=r"when\.extra：未知的键"):
        load_document(_doc({"sei": [1], "extra": 1}))
    doc = load_document(_doc({"sei": [5, "1.2"]}))
    assert doc.clauses[0].when is not None
    assert doc.clauses[0].when.text == (
        "国民经济行业代码属于战略性新兴产业（5 新能源汽车产业、1.2 电子核心产业）"
    )


def test_condition_tri_state_and_reasons() -> None:
    doc = load_document(_doc({"sei": [1, 5]}))
    frame = pd.DataFrame(
        {
            "credit_code": ["A", "B", "C", "D", "E"],
            "region_code": ["220524"] * 5,
            # 新能源车整车 / 通信系统设备* / 谷物磨制 / NULL / division 39 (mixed)
            "industry_code": ["3612", "3921", "1311", None, "39"],
        }
    )
    assert doc.clauses[0].when is not None
    out = condition_outcome(doc.clauses[0].when, Columns(frame, ON, doc.fields))
    assert out.t.tolist() == [True, False, False, False, False]
    assert out.f.tolist() == [False, False, True, False, False]
    assert out.missing["sei_check"].tolist() == [False, True, False, False, False]
    assert out.missing["industry_code"].tolist() == [False, False, False, True, True]

    res = evaluate([doc], frame, on=ON).tidy()
    assert res["status"].astype(str).tolist() == [
        "符合",
        "可能符合",
        "不符合",
        "可能符合",
        "可能符合",
    ]
    reason = res["reason"].astype(str).tolist()
    assert reason[1] == f"可能符合，需补充：{PARTIAL_REASON}"
    assert reason[3] == "可能符合，需补充：国民经济行业代码"
    assert res["missing"].astype(str).tolist()[1] == "sei_check"
    assert res["amount_min"].tolist()[0] == 10.0


def test_condition_absent_column_is_unknown() -> None:
    doc = load_document(_doc({"not": {"sei": [7]}}))
    frame = pd.DataFrame({"credit_code": ["A"], "region_code": ["220524"]})
    assert doc.clauses[0].when is not None
    out = condition_outcome(doc.clauses[0].when, Columns(frame, ON, doc.fields))
    assert (out.t.tolist(), out.f.tolist()) == ([False], [False])
