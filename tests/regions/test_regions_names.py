"""Pure name rules: normalisation, short names, unit types (no data needed)."""

from __future__ import annotations

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from xinzhi.regions.names import normalize, short_names, unit_types


def test_normalize_full_width_and_spaces() -> None:
    assert normalize("　湘潭县 ") == "湘潭县"
    assert normalize("４３０３２１") == "430321"
    assert normalize("湖南省 湘潭市\t湘潭县") == "湖南省湘潭市湘潭县"


@given(st.text(max_size=20))
def test_normalize_idempotent_and_spaceless(text: str) -> None:
    once = normalize(text)
    assert normalize(once) == once
    assert not any(ch.isspace() for ch in once)


def test_short_names() -> None:
    names = pd.Series(
        [
            "湘潭县",
            "湖南省",
            "广西壮族自治区",
            "内蒙古自治区",
            "湘西土家族苗族自治州",
            "浦东新区",
            "和县",
            "城区",
            "巴音郭楞蒙古自治州",
            "积石山保安族东乡族撒拉族自治县",
            "白沙黎族自治县",
            "阿里地区",
            "香港特别行政区",
            "白云鄂博矿区",
        ]
    )
    expected = [
        "湘潭",
        "湖南",
        "广西",
        "内蒙古",
        "湘西",
        "浦东",
        "和县",
        "城区",
        "巴音郭楞",
        "积石山",
        "白沙",
        "阿里",
        "香港",
        "白云鄂博",
    ]
    assert short_names(names).tolist() == expected
    more = pd.Series(["神农架林区", "六枝特区", "万柏林区", "碑林区"])
    types = pd.Series(["林区", "特区", "市辖区", "市辖区"])
    assert short_names(more, types).tolist() == ["神农架", "六枝", "万柏林", "碑林"]


def test_unit_types() -> None:
    names = pd.Series(
        [
            "湘潭县",
            "湘乡市",
            "岳塘区",
            "城步苗族自治县",
            "鄂伦春自治旗",
            "科尔沁右翼前旗",
            "六枝特区",
            "神农架林区",
            "白云鄂博矿区",
            "北京市",
            "湖南省",
            "湘潭市",
            "阿里地区",
            "锡林郭勒盟",
            "湘西土家族苗族自治州",
            "西藏自治区",
        ]
    )
    levels = pd.Series(
        ["county"] * 9
        + [
            "province",
            "province",
            "prefecture",
            "prefecture",
            "prefecture",
            "prefecture",
            "province",
        ]
    )
    codes = pd.Series(
        [
            "430321",
            "430381",
            "430304",
            "430529",
            "150723",
            "152221",
            "520203",
            "429021",
            "150206",
            "110000",
            "430000",
            "430300",
            "542500",
            "152500",
            "433100",
            "540000",
        ]
    )
    direct = pd.Series([c == "429021" for c in codes])
    assert unit_types(names, levels, codes, direct).tolist() == [
        "县",
        "县级市",
        "市辖区",
        "自治县",
        "自治旗",
        "旗",
        "特区",
        "林区",
        "市辖区",
        "直辖市",
        "省",
        "地级市",
        "地区",
        "盟",
        "自治州",
        "自治区",
    ]
    # 碑林区 (西安市) ends in 林区 but is a 市辖区: only a 林区 directly under a province counts
    bl = unit_types(
        pd.Series(["碑林区"]), pd.Series(["county"]), pd.Series(["610103"]), pd.Series([False])
    )
    assert bl.tolist() == ["市辖区"]
