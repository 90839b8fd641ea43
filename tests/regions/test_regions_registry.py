"""Registry table built from areacodes: counts, columns, successors (needs the data mirror)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from xinzhi.errors import RegionError
from xinzhi.regions import RegionRegistry, load_registry


@pytest.fixture(scope="module")
def reg(data_dir: Path) -> RegionRegistry:
    return load_registry(data_dir)


def test_cached_per_data_dir(reg: RegionRegistry, data_dir: Path) -> None:
    assert load_registry(data_dir) is reg
    assert load_registry(str(data_dir)) is reg


def test_table_columns_and_years(reg: RegionRegistry) -> None:
    t = reg.table
    for col in [
        "code",
        "name",
        "level",
        "type",
        "province_code",
        "province_name",
        "prefecture_code",
        "prefecture_name",
        "start_year",
        "end_year",
        "status",
        "successors",
    ]:
        assert col in t.columns
    assert len(t) == 6823  # rows of result.csv
    assert (t["code"].str.fullmatch(r"\d{6}")).all()
    assert str(t["end_year"].dtype) == "Int64"
    assert (reg.first_year, reg.latest_year) == (1981, 2024)
    assert set(t["level"]) == {"province", "prefecture", "county"}
    assert set(t["status"]) == {"在用", "变更", "弃用"}


def test_units_2024_counts(reg: RegionRegistry) -> None:
    counties = reg.units(2024)
    assert len(counties) == 2846  # areacodes README / data/2024.txt
    assert counties["code"].is_unique
    assert len(reg.units(2024, "prefecture")) == 333
    assert len(reg.units(2024, "province")) == 34
    assert len(reg.units(2024, None)) == 3213  # lines of data/2024.txt


def test_units_match_yearly_files(reg: RegionRegistry, data_dir: Path) -> None:
    for year in (1981, 1995, 2010, 2023):
        lines = (data_dir / "areacodes" / "data" / f"{year}.txt").read_text("utf-8").split("\n")
        codes = {ln.split()[0] for ln in lines if ln.strip()}
        assert set(reg.units(year, None)["code"]) == codes


def test_row_fields(reg: RegionRegistry) -> None:
    t = reg.table.set_index(["code", "start_year"])
    xt = t.loc[("430321", 1983)]
    assert (xt["name"], xt["type"], xt["prefecture_code"], xt["prefecture_name"]) == (
        "湘潭县",
        "县",
        "430300",
        "湘潭市",
    )
    assert xt["successors"] == ()
    assert "430302[2009]" in xt["transfers"]
    hq = t.loc[("120106", 1981)]  # 红桥区: in use, part transferred to 北辰区 in 2020
    assert hq["prefecture_code"] is None and hq["type"] == "市辖区"
    assert hq["transfers"] == ("120113[2020]",)
    assert t.loc[("120107", 1981), "successors"] == ("120116",)  # 塘沽区 → 滨海新区
    assert t.loc[("220125", 1983), "successors"] == ("220105", "220112")  # 双阳县 split
    # 九台市: 220105[2005] is a partial transfer, 220113 the successor in 2014
    assert t.loc[("220181", 1990), "successors"] == ("220113",)
    assert pd.isna(t.loc[("429021", 1994), "prefecture_code"])
    assert t.loc[("429021", 1994), "type"] == "林区"
    assert t.loc[("429004", 1994), "type"] == "县级市"


def test_type_counts_2024(reg: RegionRegistry) -> None:
    counts = reg.units(2024)["type"].value_counts().to_dict()
    assert counts["自治县"] == 117
    assert counts["自治旗"] == 3
    assert counts["旗"] == 49
    assert counts["林区"] == 1
    assert counts["特区"] == 1
    assert sum(counts.values()) == 2846


def test_bad_year_and_level(reg: RegionRegistry) -> None:
    with pytest.raises(RegionError, match="超出"):
        reg.units(1980)
    with pytest.raises(RegionError, match="层级"):
        reg.units(2024, "town")
