"""Tiers on real census data (public warehouse) for reference counties, the pipelines with a
hand-built firm table (示例数据) in a copy of the warehouse, and the CLI."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from typer.testing import CliRunner

from xinzhi.cli import app
from xinzhi.errors import DataUnavailableError
from xinzhi.pipelines.industry import county_chain, county_industry_map


def _invariants(t: pd.DataFrame) -> None:
    assert t["industry"].is_unique
    assert (t.loc[t["tier"] == "主导", "rca"] >= 1).all()
    assert (t.loc[t["tier"] == "潜力", "rca"] < 1).all()
    assert not t.loc[t["excluded"], "tier"].ne("").any()


def test_shenmu_mining_leads(public_warehouse: Path, data_dir: Path) -> None:
    res = county_industry_map("610881", db=public_warehouse, data_dir=data_dir)
    assert res.county_name == "神木市"
    assert res.leading()[0] == "B"  # 采矿业: largest leading share
    t = res.tidy().set_index("industry")
    # share = 采矿业就业比重 emp_sec_B of 神木市 in the 2020 census (warehouse observation);
    # RCA = share / national share, recorded 2026-12-04
    assert t.loc["B", "share"] == pytest.approx(0.2066327602875037, rel=1e-12)
    assert t.loc["B", "rca"] == pytest.approx(21.821615493063337, rel=1e-9)
    assert "C" in res.supporting()  # manufacturing uses mining output (Ghosh downstream)
    _invariants(res.tidy())
    assert "采矿业（B）" in res.summary()


def test_2010_census_uses_the_codes_of_the_year(public_warehouse: Path, data_dir: Path) -> None:
    res = county_industry_map("神木", year=2010, db=public_warehouse, data_dir=data_dir)
    assert res.county == "610821"  # 神木县 before it became 神木市 (610881) in 2017
    assert res.leading()[0] == "B"
    _invariants(res.tidy())


def test_kunshan_manufacturing_leads(public_warehouse: Path, data_dir: Path) -> None:
    res = county_industry_map("昆山市", db=public_warehouse, data_dir=data_dir)
    assert res.county == "320583"
    assert res.leading() == ["C"]
    t = res.tidy().set_index("industry")
    # shares = emp_sec_C, emp_sec_A of 昆山市 in the 2020 census (warehouse observations);
    # RCA recorded 2026-12-04
    assert t.loc["C", "share"] == pytest.approx(0.48240810399426143, rel=1e-12)
    assert t.loc["A", "share"] == pytest.approx(0.0049075353849922145, rel=1e-12)
    assert t.loc["C", "rca"] == pytest.approx(2.8557840020220433, rel=1e-9)
    assert t.loc["A", "rca"] == pytest.approx(0.02342346320875262, rel=1e-9)
    _invariants(res.tidy())
    quad = res.quadrant()
    assert len(quad) == 20 and quad["quadrant"].notna().all()


def test_division_level_needs_firms(public_warehouse: Path, data_dir: Path) -> None:
    with pytest.raises(DataUnavailableError, match="企业记录"):
        county_industry_map("320583", level="division", db=public_warehouse, data_dir=data_dir)


@pytest.fixture
def firm_warehouse(public_warehouse: Path, tmp_path: Path) -> Path:
    """Copy of the public warehouse with a hand-built ``firms`` table (示例数据, synthetic)."""
    from test_chains_analysis import synthetic_firms

    db = tmp_path / "firms.duckdb"
    shutil.copy(public_warehouse, db)
    f = synthetic_firms()
    f["division"] = f["industry_code"].str[:2]
    f["section"] = "C"
    f["registered_capital"] = 1000.0
    f["founded"] = 2010
    f["batch_id"] = 0
    con = duckdb.connect(str(db))
    try:
        con.register("_f", f)
        con.execute("CREATE TABLE firms AS SELECT * FROM _f")
    finally:
        con.close()
    return db


def test_pipelines_with_firm_table(firm_warehouse: Path, data_dir: Path) -> None:
    res = county_industry_map("430281", level="division", db=firm_warehouse, data_dir=data_dir)
    assert res.leading() == ["30", "26"]  # 非金属矿物制品 (陶瓷), 化学 (花炮): RCA ≥ 1 by share
    assert "示例数据" in res.source
    ch = county_chain(
        "醴陵市", "陶瓷", db=firm_warehouse, neighbors=["430181", "360322"], data_dir=data_dir
    )
    assert ch.has_firms and ch.synthetic
    assert ch.missing() == ["clay", "glaze", "kilns", "culture"]
    assert ch.leaders["credit_code"].tolist() == ["F01"]
    assert "浏阳市" in set(ch.homogeneity["neighbor_name"])
    assert not (ch.leads["region_code"] == "430281").any()
    seg = ch.segments.set_index("segment")
    assert seg.loc["ceramics", "section_rca"] > 1  # census: 醴陵 manufacturing RCA


def test_chain_without_firms_uses_census_and_queen_neighbours(
    public_warehouse: Path, data_dir: Path, tmp_path: Path
) -> None:
    ch = county_chain("430281", "ceramics-fireworks", db=public_warehouse, data_dir=data_dir)
    assert not ch.has_firms and (ch.segments["status"] == "未知").all()
    assert {"430181", "360322"} <= set(ch.options["neighbors"])  # 浏阳市, 上栗县 share a border
    assert "没有企业记录" in ch.summary()
    out = ch.to_excel(tmp_path / "chain.xlsx")
    sheets = pd.read_excel(out, sheet_name=None, engine="calamine")
    assert {"环节", "同质化预警", "链主", "招商线索", "说明"} <= set(sheets)


def test_cli_map_and_chain(
    public_warehouse: Path, data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XINZHI_DATA_DIR", str(data_dir))
    runner = CliRunner()
    out = tmp_path / "map.xlsx"
    r = runner.invoke(
        app,
        [
            "--db",
            str(public_warehouse),
            "industry",
            "map",
            "--county",
            "昆山市",
            "--output",
            str(out),
        ],
    )
    assert r.exit_code == 0, r.output
    assert "制造业（C）" in r.output and out.exists()
    r = runner.invoke(app, ["industry", "chain", "--list"])
    assert r.exit_code == 0 and "ceramics-fireworks" in r.output and "无人机" in r.output
    r = runner.invoke(
        app, ["--db", str(public_warehouse), "industry", "chain", "--county", "昆山市"]
    )
    assert r.exit_code == 2
    r = runner.invoke(
        app,
        [
            "--db",
            str(public_warehouse),
            "industry",
            "map",
            "--county",
            "昆山市",
            "--level",
            "division",
        ],
    )
    assert r.exit_code == 2 and "企业记录" in r.output
