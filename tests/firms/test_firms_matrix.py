"""County × industry × year matrices on DuckDB (Ibis) and the CLI."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from xinzhi.codes.gbt4754 import SECTION_CODES
from xinzhi.industry.firms import firm_matrix
from xinzhi.industry.synthetic import write_parquet
from xinzhi.ingest.firm_sources import firms_table


def small_firms() -> pd.DataFrame:
    """Five hand-made firms (A..E) with known matrices."""
    return pd.DataFrame(
        {
            "credit_code": list("ABCDE"),
            "name": list("ABCDE"),
            "region_code": ["430321", "430321", "430321", "110105", "110105"],
            "industry_code": ["3511", "3512", None, "6510", "3511"],
            "division": ["35", "35", "34", "65", "35"],
            "section": ["C", "C", "C", "I", "C"],
            "registered_capital": [100.0, 200.0, 50.0, 10.0, 1.0],
            "founded": pd.to_datetime(
                ["2010-05-01", "2015-01-01", "2015-06-30", "2020-02-02", "2023-12-31"]
            ),
            "employees": [10, 20, None, 5, 1],
            "revenue": [1000.0, 2000.0, 300.0, None, 7.5],
            "status": ["存续", "注销", "在业", None, "吊销"],
            "synthetic": [False] * 5,
        }
    )


def test_active_snapshot_section() -> None:
    m = firm_matrix(firms_table(small_firms()), level="section", mode="active", years=[2014, 2024])
    # active: A (2010, 存续), C (2015, 在业), D (2020, no status = active); B, E are closed
    expected = pd.DataFrame(
        {
            "region_code": ["110105", "430321", "430321"],
            "industry": ["I", "C", "C"],
            "year": [2024, 2014, 2024],
            "firms": [1, 1, 2],
            "employees": [5, 10, 10],
            "revenue": [0.0, 1000.0, 1300.0],
        }
    )
    pd.testing.assert_frame_equal(m, expected)


def test_cohort_class_and_division() -> None:
    m = firm_matrix(firms_table(small_firms()), level="class", mode="cohort")
    # C has no class → left out at level class
    assert m[["region_code", "industry", "year", "firms"]].values.tolist() == [
        ["110105", "3511", 2023, 1],
        ["110105", "6510", 2020, 1],
        ["430321", "3511", 2010, 1],
        ["430321", "3512", 2015, 1],
    ]
    d = firm_matrix(firms_table(small_firms()), level="division", mode="cohort", years=[2015])
    assert d[["industry", "firms", "employees", "revenue"]].values.tolist() == [
        ["34", 1, 0, 300.0],
        ["35", 1, 20, 2000.0],
    ]


def test_default_snapshot_year_and_errors() -> None:
    m = firm_matrix(firms_table(small_firms()), level="section")
    assert set(m["year"]) == {2023}
    from xinzhi.errors import InputError

    with pytest.raises(InputError, match="行业层级"):
        firm_matrix(firms_table(small_firms()), level="group")


def test_matrix_feeds_specialization() -> None:
    from xinzhi.industry.specialization import specialization

    m = firm_matrix(firms_table(small_firms()), level="section", years=[2024])
    res = specialization(m, location="region_code", industry="industry", value="firms")
    # 2024 active firms: 110105 I 1; 430321 C 2 (A, C) → national shares C 2/3, I 1/3;
    # LQ = county share / national share: 110105 I 1/(1/3) = 3, 430321 C 1/(2/3) = 1.5
    t = res.tidy().set_index(["location", "industry"])
    assert t["value"].to_dict() == {
        ("110105", "C"): 0.0,
        ("110105", "I"): 1.0,
        ("430321", "C"): 2.0,
        ("430321", "I"): 0.0,
    }
    assert t.loc[("110105", "I"), "lq"] == pytest.approx(3.0)
    assert t.loc[("430321", "C"), "lq"] == pytest.approx(1.5)
    assert t.loc[("110105", "C"), "lq"] == 0.0 and t.loc[("430321", "I"), "lq"] == 0.0


def _census() -> pd.DataFrame:
    rows = {f"emp_sec_{s}": [0.05, 0.05] for s in SECTION_CODES}
    return pd.DataFrame({"region_code": ["430321", "110105"], "pop_total": [1e5, 2e5], **rows})


def test_cli_generate_import_matrix(tmp_path: Path, data_dir: Path) -> None:
    from xinzhi.cli import app

    census = tmp_path / "census.csv"
    _census().to_csv(census, index=False)
    out = tmp_path / "firms.parquet"
    db = tmp_path / "wh.duckdb"
    runner = CliRunner()
    r = runner.invoke(
        app,
        [
            "--db",
            str(db),
            "industry",
            "firms-generate",
            "--n",
            "3000",
            "--seed",
            "1",
            "--output",
            str(out),
            "--census",
            str(census),
            "--divisions",
            "uniform",
            "--load",
        ],
    )
    assert r.exit_code == 0, r.output
    assert "示例数据" in r.output and "载入 3000 行" in r.output
    csv = tmp_path / "m.csv"
    r = runner.invoke(
        app,
        [
            "--db",
            str(db),
            "industry",
            "matrix",
            "--source",
            "warehouse",
            "--level",
            "division",
            "--measure",
            "employees",
            "--output",
            str(csv),
        ],
    )
    assert r.exit_code == 0, r.output
    assert "示例数据" in r.output
    from_wh = pd.read_csv(csv, dtype={"region_code": str, "industry": str})
    direct = firm_matrix(firms_table(out), level="division")
    assert from_wh["employees"].tolist() == direct["employees"].tolist()
    r = runner.invoke(app, ["industry", "matrix", "--source", str(out), "--level", "group"])
    assert r.exit_code == 2 and "行业层级" in r.output


def test_parquet_source_equals_frame(tmp_path: Path) -> None:
    path = tmp_path / "f.parquet"
    write_parquet(_census(), path, 2000, seed=5, chunk_size=700)
    a = firm_matrix(firms_table(path), level="class", mode="cohort")
    b = firm_matrix(firms_table(pd.read_parquet(path)), level="class", mode="cohort")
    pd.testing.assert_frame_equal(a, b)
    assert a["firms"].sum() == 2000
