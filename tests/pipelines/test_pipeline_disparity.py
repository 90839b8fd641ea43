"""Disparity analyses over a stored evaluation (``--evaluation NAME``)."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from xinzhi.cli import app
from xinzhi.disparity.dagum import dagum_gini
from xinzhi.pipelines.evaluation import evaluate_counties
from xinzhi.pipelines.stored import evaluation_panel


@pytest.fixture(scope="module")
def evaluated(public_warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("disp") / "w.duckdb"
    shutil.copy(public_warehouse, db)
    evaluate_counties(db=db, save_as="nqpf-county")
    return db


def test_panel_has_groups_for_every_county(evaluated: Path) -> None:
    panel = evaluation_panel("nqpf-county", db=evaluated)
    assert len(panel) == 2859 + 2847
    assert set(panel["region"]) == {"东部", "中部", "西部", "东北"}
    assert panel["province"].nunique() == 31
    row = panel[(panel["unit"] == "430321") & (panel["year"] == 2020)].iloc[0]
    assert row["name"] == "湘潭县" and row["province"] == "湖南省" and row["region"] == "中部"


def test_cli_dagum_on_the_evaluation_equals_the_analysis(evaluated: Path, tmp_path: Path) -> None:
    out, detail = tmp_path / "d.csv", tmp_path / "dd.csv"
    args = ["disparity", "dagum", "--evaluation", "nqpf-county", "--db", str(evaluated)]
    args += ["--group", "region", "--by", "year", "--output", str(out), "--detail", str(detail)]
    res = CliRunner().invoke(app, args)
    assert res.exit_code == 0, res.output
    got = pd.read_csv(out)
    assert list(got.columns) == ["by", "G", "Gw", "Gnb", "Gt", "Gw_share", "Gnb_share", "Gt_share"]
    assert got["by"].tolist() == [2010, 2020]
    np.testing.assert_allclose(got["Gw"] + got["Gnb"] + got["Gt"], got["G"], rtol=1e-12)
    direct = dagum_gini(evaluation_panel("nqpf-county", db=evaluated), "score", "region", "year")
    np.testing.assert_allclose(got["G"], direct.overall["G"], rtol=1e-12)
    pairs = pd.read_csv(detail)
    assert len(pairs) == 2 * 10  # 4 within + 6 between per year


def test_cli_moran_queen_on_county_scores(evaluated: Path, tmp_path: Path) -> None:
    import esda

    from xinzhi.regions import county_polygons, queen_weights

    out = tmp_path / "m.csv"
    args = ["disparity", "moran", "--evaluation", "nqpf-county", "--db", str(evaluated)]
    args += ["--weights", "queen", "--by", "year", "--output", str(out)]
    res = CliRunner().invoke(app, args)
    assert res.exit_code == 0, res.output
    got = pd.read_csv(out)
    i2020 = float(got.loc[got["by"] == 2020, "I"].iloc[0])
    # as the API and the web page: codes carried to those of the boundaries (2024) first
    panel = evaluation_panel("nqpf-county", db=evaluated, harmonise_to=2024)
    y = panel[panel["year"] == 2020].set_index("unit")["score"]
    have = set(county_polygons(year=2024)["code"])
    assert "区划代码统一到 2024 年" in res.output
    sw = queen_weights(sorted(set(y.index) & have))
    keep = [c for c in sw.ids if c not in set(sw.islands)]
    w = queen_weights(keep).w  # islands are dropped by default (islands="drop")
    w.transform = "r"
    ref = esda.Moran(y.reindex(keep).to_numpy(), w, permutations=0)
    assert i2020 == pytest.approx(ref.I, rel=1e-9)
    assert 0.3 < i2020 < 1.0  # strong clustering of county NQPF scores


def test_input_or_evaluation_is_required() -> None:
    res = CliRunner().invoke(app, ["disparity", "dagum"])
    assert res.exit_code == 2 and "二选一" in res.output


def test_harmonised_panel_links_renamed_counties(evaluated: Path, tmp_path: Path) -> None:
    plain = evaluation_panel("nqpf-county", db=evaluated)
    panel = evaluation_panel("nqpf-county", db=evaluated, harmonise_to=2020)
    assert "更名或改代码（一对一） 255" in panel.attrs["harmonise"]
    yh = panel[panel["unit"] == "331083"].set_index("year")  # 玉环县 331021 → 玉环市 (2017)
    assert yh.loc[2010, "source_code"] == "331021"
    old = plain[(plain["unit"] == "331021") & (plain["year"] == 2010)]["score"].iloc[0]
    assert yh.loc[2010, "score"] == old
    assert not panel[["unit", "year"]].duplicated().any()
    both = panel.groupby("unit")["year"].nunique().eq(2).sum()
    # counted on the public warehouse (2026-12-04): 2522 codes in both censuses as they are,
    # 2724 once the 255 one-to-one renamings of 2010 are carried to their 2020 codes
    assert both == 2724
    assert plain.groupby("unit")["year"].nunique().eq(2).sum() == 2522

    def transitions(*extra: str) -> int:
        out = tmp_path / f"m{len(extra)}.csv"
        args = ["disparity", "markov", "--evaluation", "nqpf-county", "--db", str(evaluated)]
        res = CliRunner().invoke(app, [*args, "--drop-missing", "--output", str(out), *extra])
        assert res.exit_code == 0, res.output
        return int(pd.read_csv(out)["count"].sum())

    # one transition per unit observed in both years; harmonised to the latest year by default
    # (as the REST API and the web page)
    assert transitions() == both
    assert transitions("--harmonise") == both
    assert transitions("--no-harmonise") == plain.groupby("unit")["year"].nunique().eq(2).sum()
    res = CliRunner().invoke(app, ["disparity", "markov", "--input", "x.csv", "--harmonise"])
    assert res.exit_code == 2 and "--harmonise 只用于 --evaluation" in res.output


def test_moran_on_codes_of_the_boundary_year(evaluated: Path, tmp_path: Path) -> None:
    """The built-in boundaries carry 2024 codes: harmonised to 2024, the 2010 counties that were
    renamed keep their polygons instead of being dropped."""

    def run(*extra: str) -> tuple[pd.DataFrame, str]:
        out = tmp_path / f"moran{len(extra)}.csv"
        args = ["disparity", "moran", "--evaluation", "nqpf-county", "--db", str(evaluated)]
        args += ["--weights", "queen", "--by", "year", "--permutations", "9", "--output", str(out)]
        res = CliRunner().invoke(app, [*args, *extra])
        assert res.exit_code == 0, res.output
        return pd.read_csv(out).set_index("by"), res.output

    from xinzhi.regions import county_polygons

    default, text = run()
    harm, _ = run("--harmonise", "2024")
    # queen weights on a stored evaluation carry the codes to the boundaries' year by default
    assert "没有边界多边形" not in text and "区划代码统一到 2024 年" in text
    pd.testing.assert_frame_equal(default, harm)
    raw = evaluation_panel("nqpf-county", db=evaluated)
    codes_2010 = set(raw.loc[raw["year"] == 2010, "unit"])
    with_polygon = len(codes_2010 & set(county_polygons(year=2024)["code"]))
    # counted on the public warehouse (2026-12-04): 2503 of the 2859 codes of 2010 have a
    # polygon as they are (2490 once islands are dropped, what the CLI analysed before it
    # harmonised by default); carried to 2024, 2717 (2859 − 142 merged, split or unknown), of
    # which 7 islands are dropped → 2710
    assert (with_polygon, harm.loc[2010, "n"]) == (2503, 2710)


def test_evaluation_spatial_uses_the_boundary_codes(evaluated: Path, data_dir: Path) -> None:
    from xinzhi import store
    from xinzhi.pipelines.spatial import evaluation_spatial

    con = store.connect(evaluated)
    try:
        df, w, dropped = evaluation_spatial("nqpf-county", 2010, con, data_dir=data_dir)
    finally:
        con.close()
    yh = df[df["source_code"] == "331021"]  # 玉环县 (2010) drawn with 玉环市's polygon
    assert yh["unit"].tolist() == ["331083"] and "331083" in w.neighbors
    assert {"110101", "110103"} <= set(dropped)  # 东城/崇文 before their 2010 merger
    assert (len(df), len(dropped)) == (2717, 142)  # 2717 + 142 = the 2859 codes of 2010
