"""GB/T 4754 sections: 20 per version, one-to-one crosswalk, F–I reordered in 2011."""

from __future__ import annotations

import pytest

from xinzhi.codes.gbt4754 import SECTION_CODES, crosswalk_2002_to_2017, divisions, sections
from xinzhi.errors import InputError


def test_sections() -> None:
    s17 = sections("2017")
    s02 = sections("2002")
    assert list(s17["code"]) == [chr(c) for c in range(ord("A"), ord("U"))]
    assert list(s02["code"]) == list(s17["code"])
    assert s17.set_index("code").loc["I", "name"] == "信息传输、软件和信息技术服务业"
    assert s02.set_index("code").loc["F", "name"] == "交通运输、仓储和邮政业"
    with pytest.raises(InputError):
        sections("2011")


def test_crosswalk_is_a_permutation_reordering_f_to_i() -> None:
    cw = crosswalk_2002_to_2017()
    assert sorted(cw["code_2017"]) == sorted(cw["code_2002"])  # one-to-one
    moved = cw[cw["code_2002"] != cw["code_2017"]]
    assert dict(zip(moved["code_2002"], moved["code_2017"], strict=True)) == {
        "F": "G",
        "G": "I",
        "H": "F",
        "I": "H",
    }
    row = cw.set_index("code_2002").loc["H"]
    assert row["name_2002"] == row["name_2017"] == "批发和零售业"


def test_divisions_and_section_letters() -> None:
    d = divisions()
    assert len(d) == 97 and d["division"].iloc[0] == "01" and d["division"].iloc[-1] == "97"
    assert d.set_index("division").loc["35", ["section", "name"]].tolist() == [
        "C",
        "专用设备制造业",
    ]
    # each section's divisions are contiguous: C = 13–43, T = 97 only
    c = d.loc[d["section"] == "C", "division"]
    assert (c.iloc[0], c.iloc[-1], len(c)) == ("13", "43", 31)
    assert d.loc[d["section"] == "T", "division"].tolist() == ["97"]
    assert SECTION_CODES == tuple("ABCDEFGHIJKLMNOPQRST")
