"""Name/code resolution against the areacodes history (needs the data mirror)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xinzhi import regions
from xinzhi.errors import AmbiguousRegionError, RegionError, RegionSplitError
from xinzhi.regions import RegionRegistry, load_registry


@pytest.fixture(scope="module")
def reg(data_dir: Path) -> RegionRegistry:
    return load_registry(data_dir)


def test_region_fields(reg: RegionRegistry) -> None:
    r = reg.resolve("湘潭县")
    assert r.code == "430321"
    assert r.full_name == "湖南省湘潭市湘潭县"
    assert (r.level, r.type, r.province_code, r.prefecture_code) == (
        "county",
        "县",
        "430000",
        "430300",
    )
    assert (r.valid_from, r.valid_to, r.status) == (1983, None, "ok")
    assert "432121" in r.note  # code changed in 1983 when 湘潭地区 was abolished


@pytest.mark.parametrize(
    "text",
    [
        "湘潭县",
        "430321",
        "　湘潭县 ",
        "４３０３２１",
        "湖南省湘潭市湘潭县",
        "湖南湘潭县",
        "湘潭市湘潭县",
        "湖南省湘潭县",
        "湖南 湘潭 湘潭县",
        "430321000000",
        "430321.0",
    ],
)
def test_forms_of_one_county(reg: RegionRegistry, text: str) -> None:
    assert reg.resolve(text).code == "430321"


def test_module_level_functions(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XINZHI_DATA_DIR", str(data_dir))
    assert regions.resolve("湘潭县").code == "430321"
    df = regions.resolve_many(["湘潭县"])
    assert df["code"].tolist() == ["430321"]


def test_county_to_city_multi_hop(reg: RegionRegistry) -> None:
    # 湘乡县 430322 → 439002 湘乡市 (1986) → 430381 湘乡市 (1990)
    for q in ("湘乡县", "430322"):
        r = reg.resolve(q)
        assert (r.code, r.name, r.type, r.status) == ("430381", "湘乡市", "县级市", "renamed")
        assert "430322" in r.note
    assert reg.resolve("430322", 1985).code == "430322"
    assert reg.resolve("430322", 1987).code == "439002"


def test_county_to_district(reg: RegionRegistry) -> None:
    # 辽中县 210122 → 210115 辽中区 (2016); 九台市 220181 → 220113 九台区 (2014)
    assert reg.resolve("辽中县").code == "210115"
    assert reg.resolve("210122").type == "市辖区"
    assert reg.resolve("220181").code == "220113"
    assert reg.resolve("220181", 2010).code == "220181"
    assert reg.resolve("九台区").note == "2014 年由 九台市（220181）更名或改设"


def test_merge(reg: RegionRegistry) -> None:
    # 塘沽区、汉沽区、大港区 merged into 滨海新区 120116 in 2009
    for q in ("塘沽区", "120107", "120108", "天津大港区"):
        assert reg.resolve(q).code == "120116"
    assert reg.resolve("塘沽区", 2008).code == "120107"
    assert "合并设立" in reg.resolve("滨海新区").note
    # 红桥区 gave part of its area to 北辰区 in 2020 but remains in use
    assert reg.resolve("120106").code == "120106"


def test_new_codes_2024(reg: RegionRegistry) -> None:
    # diff/2023-2024.diff: +653228 和康县<皮山县, +653229 和安县<和田县
    assert reg.resolve("和康县").code == "653228"
    assert reg.resolve("新疆和田地区和安县").code == "653229"
    with pytest.raises(RegionError, match="尚未设立"):
        reg.resolve("和康县", 2023)
    with pytest.raises(RegionError, match="尚未设立"):
        reg.resolve("653229", 2023)


def test_split_is_reported(reg: RegionRegistry) -> None:
    # 双阳县 220125 (1983–1995) → 220105 二道区 + 220112 双阳区
    with pytest.raises(RegionSplitError) as exc:
        reg.resolve("220125")
    assert exc.value.successors == ["220105 吉林省长春市二道区", "220112 吉林省长春市双阳区"]
    assert "拆分" in str(exc.value)
    with pytest.raises(RegionSplitError):
        reg.resolve("双阳县")
    assert reg.resolve("220125", 1990).name == "双阳县"


def test_ambiguous_names_and_parent(reg: RegionRegistry) -> None:
    with pytest.raises(AmbiguousRegionError) as exc:
        reg.resolve("朝阳区")
    assert exc.value.candidates == ["110105 北京市朝阳区", "220104 吉林省长春市朝阳区"]
    assert reg.resolve("朝阳区", parent="长春").code == "220104"
    assert reg.resolve("朝阳区", parent="长春市").code == "220104"
    assert reg.resolve("朝阳区", parent="220100").code == "220104"
    assert reg.resolve("朝阳区", parent="北京").code == "110105"
    assert reg.resolve("朝阳区", parent="吉林省").code == "220104"
    assert reg.resolve("北京朝阳区").code == "110105"
    with pytest.raises(AmbiguousRegionError) as exc2:
        reg.resolve("鼓楼区")
    assert [c[:6] for c in exc2.value.candidates] == ["320106", "320302", "350102", "410204"]
    assert reg.resolve("鼓楼区", parent="福建").code == "350102"
    with pytest.raises(RegionError, match="没有找到"):
        reg.resolve("朝阳区", parent="湖南")
    with pytest.raises(RegionError, match="上级区划"):
        reg.resolve("朝阳区", parent="不存在的地方")


def test_short_name_precedence(reg: RegionRegistry) -> None:
    # 湘潭 = short name of 湘潭市 (prefecture) and 湘潭县 (county): ambiguous unless level
    with pytest.raises(AmbiguousRegionError) as exc:
        reg.resolve("湘潭")
    assert exc.value.candidates == ["430300 湖南省湘潭市", "430321 湖南省湘潭市湘潭县"]
    assert reg.resolve("湘潭", level="county").code == "430321"
    assert reg.resolve("湘潭", level="prefecture").code == "430300"
    # full names win over short names
    assert reg.resolve("湘潭市").code == "430300"
    assert reg.resolve("湖南").code == "430000"
    assert reg.resolve("湘乡").code == "430381"
    with pytest.raises(RegionError, match="不是县级"):
        reg.resolve("湘潭市", level="county")


def test_unknown_with_suggestion(reg: RegionRegistry) -> None:
    with pytest.raises(RegionError, match="无法识别") as exc:
        reg.resolve("湘谭县")
    assert "湘潭县" in str(exc.value)
    with pytest.raises(RegionError, match="不存在"):
        reg.resolve("999999")
    with pytest.raises(RegionError, match="超出"):
        reg.resolve("湘潭县", 2030)


def test_every_2024_county_round_trips(reg: RegionRegistry) -> None:
    units = reg.units(2024)
    assert len(units) == 2846
    full = units["province_name"] + units["prefecture_name"].fillna("") + units["name"]
    df_full = reg.resolve_many(full.tolist())
    assert (df_full["code"] == units["code"]).all()
    assert (df_full["status"] == "ok").all()
    df_code = reg.resolve_many(units["code"].tolist())
    assert (df_code["code"] == units["code"]).all()
    for col in ("name", "short_name"):
        df = reg.resolve_many(units[col].tolist(), level=None)
        ok = df["code"] == units["code"]
        amb = df["status"] == "ambiguous"
        assert (ok | amb).all()
        listed = [c in m for c, m in zip(units["code"][amb], df["message"][amb], strict=True)]
        assert all(listed)
    # spot-check resolve() (raising API) on a slice of the same inputs
    for code, name in zip(units["code"][::97], full[::97], strict=True):
        assert reg.resolve(name).code == code
        assert reg.resolve(code).code == code


def test_resolve_many_statuses(reg: RegionRegistry) -> None:
    df = reg.resolve_many(
        [
            "湘潭县",
            "湘乡县",
            "朝阳区",
            "220125",
            "湘潭市",
            "不存在县",
            None,
            float("nan"),
            430321,
            "邯郸地区",
        ],
        2024,
    )
    assert df["status"].tolist() == [
        "ok",
        "renamed",
        "ambiguous",
        "split",
        "not_county",
        "unknown",
        "empty",
        "empty",
        "ok",
        "abolished",
    ]
    assert df["code"].tolist() == [
        "430321",
        "430381",
        None,
        None,
        "430300",
        None,
        None,
        None,
        "430321",
        None,
    ]
    assert df.columns.tolist() == [
        "input",
        "code",
        "name",
        "full_name",
        "level",
        "status",
        "message",
    ]
    assert all(isinstance(m, str) for m in df["message"])
    df2 = reg.resolve_many(["朝阳区", "朝阳区"], parent=["北京", "长春"])
    assert df2["code"].tolist() == ["110105", "220104"]
    assert reg.resolve_many(["湘潭"])["code"].tolist() == ["430321"]  # level="county" default
    with pytest.raises(RegionError):
        reg.resolve_many(["a", "b"], parent=["x"])


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.integers(min_value=0, max_value=2845), st.sampled_from(["", " ", "　"]))
def test_property_padding_and_full_width_codes(reg: RegionRegistry, i: int, pad: str) -> None:
    units = reg.units(2024)
    code = units["code"].iloc[i]
    wide = "".join(chr(ord(ch) + 0xFEE0) for ch in code)  # full-width digits
    assert reg.resolve(pad + wide + pad).code == code
    name, prov = units["name"].iloc[i], units["province_name"].iloc[i]
    try:
        got = reg.resolve(pad + name + pad, parent=prov, level="county").code
        assert got == code
    except AmbiguousRegionError as exc:  # same name twice in one province (江苏 鼓楼区)
        assert any(c.startswith(code) for c in exc.candidates)
