"""Chain templates and the IO ↔ GB/T 4754-2017 concordance: every code valid, every IO sector
known, every division mapped exactly once (or listed as not covered)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from xinzhi.codes import gbt4754
from xinzhi.codes.gbt4754 import sections
from xinzhi.errors import InputError
from xinzhi.industry import concordance as cc
from xinzhi.industry.chains import (
    STAGES,
    _builtin,
    list_chains,
    load_chain,
    validate_template,
)
from xinzhi.pipelines.industry import chain_template

ARTICLE_CHAINS = {
    "工程机械",
    "汽车及零部件",
    "陶瓷与花炮",
    "茶叶",
    "中药材",
    "粮油",
    "纺织服装",
    "光伏、风电与储能",
    "煤化工",
    "无人机与低空经济",
}
SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"


def test_divisions_01_to_97_each_map_once() -> None:
    d = cc.division_sectors()
    assert d["division"].tolist() == [f"{i:02d}" for i in range(1, 98)]
    assert d["division"].is_unique
    not_covered = d.loc[d["io42"].isna(), "division"].tolist()
    assert not_covered == ["97"]  # 国际组织 is outside the IO accounts
    assert set(d["section"]) == set(sections("2017")["code"])


def test_every_io_sector_has_a_division() -> None:
    d = cc.division_sectors()
    sectors = cc.io42_sectors()
    assert sectors["io42"].tolist() == [f"{i:02d}" for i in range(1, 43)]
    counts = d.groupby("io42").size().reindex(sectors["io42"], fill_value=0)
    assert (counts >= 1).all()
    # spot checks from the sector names: 06 食品和烟草 = divisions 13–16, 18 交通运输设备 = 36, 37
    assert d.loc[d["io42"] == "06", "division"].tolist() == ["13", "14", "15", "16"]
    assert d.loc[d["io42"] == "18", "division"].tolist() == ["36", "37"]
    assert d.loc[d["division"] == "11", "io42"].item() == "05"


def test_sections_to_sectors() -> None:
    s = cc.section_io_sectors()
    assert s["A"] == ["01"] and s["B"] == ["02", "03", "04", "05"]
    assert s["C"] == [f"{i:02d}" for i in range(6, 24)]
    assert s["M"] == ["35", "36"] and "T" not in s


def test_codes_and_validity() -> None:
    assert (
        gbt4754.is_valid_code("36")
        and gbt4754.is_valid_code("3963")
        and not gbt4754.is_valid_code("98")
    )
    assert not gbt4754.is_valid_code("3999") and not gbt4754.is_valid_code("363")
    assert gbt4754.section_of("3074") == "C" and gbt4754.section_of("0164") == "A"
    with pytest.raises(InputError):
        gbt4754.division_of("9x")
    cl = gbt4754.classes()
    assert cl["section"].notna().all()


def test_aggregate_flows_by_hand() -> None:
    z = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0]])
    x = np.array([10.0, 20.0, 30.0])
    zg, xg, labels = cc.aggregate_flows(z, x, np.array(["b", "a", "b"], dtype=object))
    assert labels.tolist() == ["a", "b"]
    # a = {1}, b = {0, 2}
    np.testing.assert_allclose(zg, [[5.0, 4.0 + 6.0], [2.0 + 8.0, 1 + 3 + 7 + 9.0]])
    np.testing.assert_allclose(xg, [20.0, 40.0])


def test_all_templates_valid() -> None:
    chains = _builtin()
    assert {t.name for t in chains} == ARTICLE_CHAINS
    for t in chains:
        assert validate_template(t) == [], t.key
        assert {s.stage for s in t.segments} <= set(STAGES)
        assert t.type in ("pillar", "emerging")
        for s in t.segments:
            for code in s.codes:
                assert gbt4754.is_valid_code(code), (t.key, code)
    table = list_chains()
    assert len(table) == 10 and table["key"].is_unique


def test_templates_cite_existing_seed_articles() -> None:
    for t in _builtin():
        assert t.sources, t.key
        for src in t.sources:
            if SEEDS.is_dir():
                path = SEEDS / src["seed"]
                assert path.exists(), src["seed"]
                assert src["title"] in path.read_text("utf-8"), (t.key, src["title"])


def test_load_chain_by_name_key_part() -> None:
    assert load_chain("花炮").key == "ceramics-fireworks"
    assert load_chain("tea").name == "茶叶"
    assert load_chain("无人机与低空经济").type == "emerging"
    with pytest.raises(InputError, match="可选"):
        load_chain("造船")


def test_validate_flags_bad_codes(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "key: bad\nname: 坏链\ntype: pillar\nsegments:\n"
        "  - {key: a, name: 甲, stage: 上游, gbt4754: ['9999', '98'], io42: ['43']}\n"
        "  - {key: b, name: 乙, stage: 侧游, gbt4754: ['36'], io42: ['18']}\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as err:
        chain_template(bad)
    msg = str(err.value)
    assert "9999" in msg and "98" in msg and "43" in msg and "侧游" in msg and "broad" in msg


def test_io_sectors_exist_in_tables(data_dir: Path) -> None:
    from xinzhi.pipelines.industry import load_io_table

    for name in ("2017-42", "2018-42", "2020-42"):
        t = load_io_table(name, data_dir=data_dir)
        assert [str(c) for c in t.codes] == cc.io42_sectors()["io42"].tolist()
        assert list(t.names_zh) == cc.io42_sectors()["io42_name"].tolist()
    codes = set(load_io_table("2020-42", data_dir=data_dir).codes.astype(str))
    for t in _builtin():
        for s in t.segments:
            assert set(s.io42) <= codes, (t.key, s.key)


def test_section_links_on_2020_table(data_dir: Path) -> None:
    from xinzhi.industry.io import io_analysis
    from xinzhi.pipelines.industry import load_io_table

    table = load_io_table("2020-42", data_dir=data_dir)
    links = cc.industry_links(table, "section")
    assert len(links) == 19 * 19 and set(links["supplier"]) == set("ABCDEFGHIJKLMNOPQRS")
    req = links.pivot(index="supplier", columns="buyer", values="requirement")
    # section A is exactly IO sector 01: its aggregated A-coefficient equals the table's
    # direct input coefficient a_ij = z_ij / x_j, written out from the table
    a = table.z / table.x[None, :]
    np.testing.assert_allclose(io_analysis(table.z, table.x).a, a, rtol=1e-12)
    # manufacturing needs mining (B) more than education (P) per unit of final demand
    assert req.loc["B", "C"] > req.loc["P", "C"]
    # direct coefficient of A on A equals the sector-01 own coefficient of the 42 table
    direct = cc.industry_links(table, "section", by="direct")
    aa = direct.set_index(["supplier", "buyer"]).loc[("A", "A"), "requirement"]
    assert aa == pytest.approx(a[0, 0])
    div = cc.industry_links(table, "division", by="direct").set_index(["supplier", "buyer"])
    # divisions 36 and 37 share IO sector 18: their link is the sector's own coefficient
    assert div.loc[("36", "37"), "requirement"] == pytest.approx(a[17, 17])
    assert "97" not in set(div.index.get_level_values(0))


def test_153_sector_concordance(data_dir: Path) -> None:
    """Names equal the 2018 and 2020 tables'; every division 01–96 is covered; each sector lies
    in one section; section links agree with the 42-sector table of the same year."""
    import numpy as np

    from xinzhi.pipelines.industry import load_io_table

    sec = cc.io153_sectors()
    for name in ("2018-153", "2020-153"):
        t = load_io_table(name, data_dir=data_dir)
        assert [str(c) for c in t.codes] == sec["io153"].tolist()
        assert list(t.names_zh) == sec["io153_name"].tolist()
    covered = sorted({d for ds in sec["divisions"] for d in ds})
    assert covered == [f"{i:02d}" for i in range(1, 97)]
    section = cc.division_sectors().set_index("division")["section"]
    assert all(len({section[d] for d in ds}) == 1 for ds in sec["divisions"])
    for year in (2018, 2020):
        fine = cc.industry_links(load_io_table(f"{year}-153", data_dir=data_dir), "section")
        coarse = cc.industry_links(load_io_table(f"{year}-42", data_dir=data_dir), "section")
        assert (fine["supplier"] + fine["buyer"]).tolist() == (
            coarse["supplier"] + coarse["buyer"]
        ).tolist()
        # a misplaced sector would move flows between sections
        assert np.corrcoef(fine["requirement"], coarse["requirement"])[0, 1] > 0.99


def test_153_sectors_separate_divisions_of_one_42_sector(data_dir: Path) -> None:
    """In the 42-sector table 36 汽车 and 37 其他交通运输设备 share sector 18, so every link of 36
    equals 37's; the 153-sector table keeps them apart, and aggregates its seven food-processing
    sectors into division 13."""
    from xinzhi.pipelines.industry import load_io_table

    t = load_io_table("2020-153", data_dir=data_dir)
    fine = cc.industry_links(t, "division", by="direct").set_index(["supplier", "buyer"])
    coarse = cc.industry_links(
        load_io_table("2020-42", data_dir=data_dir), "division", by="direct"
    ).set_index(["supplier", "buyer"])
    assert coarse.loc[("33", "36"), "requirement"] == coarse.loc[("33", "37"), "requirement"]
    assert fine.loc[("33", "36"), "requirement"] != fine.loc[("33", "37"), "requirement"]
    # division 13 = sectors 012–018: its direct input from agriculture (001) over its output
    food = [f"{i:03d}" for i in range(12, 19)]
    pos = [list(t.codes.astype(str)).index(c) for c in food]
    expected = t.z[0, pos].sum() / t.x[pos].sum()
    assert fine.loc[("01", "13"), "requirement"] == pytest.approx(expected)
    assert len(fine) == 96 * 96


def test_table_without_concordance_is_a_clear_error(data_dir: Path) -> None:
    from xinzhi.pipelines.industry import load_io_table

    with pytest.raises(InputError, match="2017-149 没有部门—行业对照表"):
        cc.industry_links(load_io_table("2017-149", data_dir=data_dir), "section")


def test_user_template_file_through_the_pipeline(tmp_path: Path) -> None:
    own = tmp_path / "my_chain.yml"
    own.write_text(
        "key: mine\nname: 我的链\ntype: pillar\nsegments:\n"
        "  - {key: a, name: 种植, stage: 上游, gbt4754: ['0164'], io42: ['01']}\n"
        "  - {key: b, name: 加工, stage: 中游, gbt4754: ['1530'], io42: ['06']}\n",
        encoding="utf-8",
    )
    t = chain_template(own)
    assert (t.key, t.name, [s.key for s in t.segments]) == ("mine", "我的链", ["a", "b"])
    assert [s.sections for s in t.segments] == [("A",), ("C",)]
    assert chain_template("花炮").key == "ceramics-fireworks"  # built-in by name part
    broken = tmp_path / "broken.yaml"
    broken.write_text("key: [unclosed\n", encoding="utf-8")
    with pytest.raises(InputError, match="无法读取产业链模板文件"):
        chain_template(broken)
