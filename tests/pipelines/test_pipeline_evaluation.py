"""Evaluating the warehouse counties with nqpf-county: coverage, exclusions, optional yearbook
indicators joining the index, storage under a name, and the CLI / demo surfaces."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from xinzhi import store
from xinzhi.cli import app
from xinzhi.errors import InputError
from xinzhi.evaluate import evaluate
from xinzhi.indicators.system import load_system
from xinzhi.ingest import import_file
from xinzhi.pipelines.evaluation import evaluate_counties
from xinzhi.store.evaluations import list_evaluations, load_evaluation


@pytest.fixture
def warehouse(public_warehouse: Path, tmp_path: Path) -> Path:
    db = tmp_path / "w.duckdb"
    shutil.copy(public_warehouse, db)
    return db


def test_all_census_counties_are_ranked(public_warehouse: Path) -> None:
    ev = evaluate_counties(db=public_warehouse)
    s = ev.scores()
    assert s.groupby("year").size().to_dict() == {2010: 2859, 2020: 2847}
    assert ev.excluded.empty
    assert len(ev.system.codes) == 14
    assert set(ev.dropped_optional) == {
        "rd_expenditure",
        "patents_granted",
        "gdp_per_capita",
        "industrial_enterprises",
        "fiscal_revenue",
    }
    assert s["score"].between(0, 1).all()
    for _, g in s.groupby("year"):
        assert g["rank"].min() == 1 and g["rank"].max() <= len(g)
        assert g["percentile"].max() == 1.0
    assert s["name"].notna().all() and s["province_name"].notna().all()
    # the provincial rank never exceeds the number of counties of that province
    sizes = s.groupby(["year", "province_name"])["region_code"].transform("size")
    assert (s["province_rank"] <= sizes).all()


def test_scores_equal_the_engine_on_the_same_wide_table(public_warehouse: Path) -> None:
    ev = evaluate_counties(db=public_warehouse, years=[2020])
    con = store.connect(public_warehouse, read_only=True)
    try:
        wide = store.read_wide(con, ev.system.codes, [2020])
    finally:
        con.close()
    direct = evaluate(wide.rename(columns={"region_code": "unit"}), ev.system).scores()
    got = ev.result.scores()
    np.testing.assert_allclose(got["score"], direct["score"], rtol=0, atol=1e-15)
    kunshan = ev.scores().set_index("region_code").loc["320583"]
    assert kunshan["name"] == "昆山市" and kunshan["prefecture_name"] == "苏州市"


def test_shortfalls_sum_obstacles_by_the_four_shortfalls(public_warehouse: Path) -> None:
    ev = evaluate_counties(db=public_warehouse, years=[2020])
    sf = ev.shortfalls()
    one = sf[sf["region_code"] == "430321"]
    assert set(one["shortfall"]) == {
        "产业链条短",
        "创新动能不足",
        "数智化改造滞后",
        "新质要素供给短缺",
    }
    assert one["obstacle"].sum() == pytest.approx(1.0)
    ob = ev.result.obstacles()
    mask = (ob["unit"] == "430321") & ob["indicator"].isin(
        ["emp_sec_I", "emp_sec_L", "urban_share"]
    )
    digital = one.set_index("shortfall").loc["数智化改造滞后", "obstacle"]
    assert digital == pytest.approx(ob.loc[mask, "obstacle"].sum())


def test_missing_required_value_excludes_that_unit_year(warehouse: Path) -> None:
    con = store.connect(warehouse)
    con.execute(
        "DELETE FROM observations WHERE region_code = '430321' AND year = 2020 AND indicator = 'occ_2'"
    )
    con.close()
    ev = evaluate_counties(db=warehouse)
    assert ev.excluded.to_dict("records") == [
        {"region_code": "430321", "year": 2020, "missing": "occ_2"}
    ]
    s = ev.scores()
    assert ((s["region_code"] == "430321") & (s["year"] == 2020)).sum() == 0
    assert ((s["region_code"] == "430321") & (s["year"] == 2010)).sum() == 1


def test_imported_yearbook_indicator_joins_the_index(warehouse: Path, tmp_path: Path) -> None:
    con = store.connect(warehouse, read_only=True)
    pop = store.read_wide(con, ["pop_total"], [2020])
    con.close()
    rng = np.random.default_rng(7)  # 示例数据: synthetic yearbook values for the test
    table = pd.DataFrame(
        {
            "区划代码": pop["region_code"],
            "人均地区生产总值(元)": rng.uniform(2e4, 2e5, len(pop)).round(0),
        }
    )
    path = tmp_path / "yearbook2020.csv"
    table.to_csv(path, index=False)
    report = import_file(path, year=2020, db=warehouse)
    # census 2020 keys two districts merged in 2020 by their pre-merger codes, 320611 港闸区
    # (→ 320613, 南通) and 340208 三山区 (→ 340209, 芜湖): codes that no longer exist in 2020
    # are quarantined with their history (former_region, issue #18) instead of colliding with
    # their successors' rows; 2847 − 2 = 2845 load (public warehouse, 2026-12-04)
    assert report.rows_read == len(pop) == 2847
    assert report.rows_loaded == 2845
    assert report.quarantined_by_reason == {"former_region": 2}
    ev = evaluate_counties(db=warehouse, years=[2020])
    assert "gdp_per_capita" in ev.system.codes
    assert "gdp_per_capita" not in ev.dropped_optional
    w = ev.result.weight_table().set_index("indicator")["weight"]
    assert w["gdp_per_capita"] > 0 and w.sum() == pytest.approx(1.0)


def test_sparse_optional_indicator_is_left_out(warehouse: Path, tmp_path: Path) -> None:
    path = tmp_path / "one-county.csv"
    pd.DataFrame({"地区": ["湘潭县"], "专利授权量": [321]}).to_csv(path, index=False)
    import_file(path, year=2020, db=warehouse)
    ev = evaluate_counties(db=warehouse, years=[2020])
    assert "patents_granted" in ev.dropped_optional
    assert len(ev.scores()) == 2847


def test_saved_evaluation_round_trips(warehouse: Path) -> None:
    ev = evaluate_counties(db=warehouse, save_as="测试评价")
    con = store.connect(warehouse)
    try:
        stored = load_evaluation(con, "测试评价")
        names = list_evaluations(con)["name"].tolist()
        with pytest.raises(InputError, match="没有名为"):
            load_evaluation(con, "不存在")
    finally:
        con.close()
    assert names == ["测试评价"]
    mine = ev.result.scores().rename(columns={"unit": "region_code"})
    merged = stored.merge(mine, on=["region_code", "year"], suffixes=("", "_mine"))
    assert len(merged) == len(mine) == len(stored)
    np.testing.assert_allclose(merged["score"], merged["score_mine"], atol=0)
    assert (merged["rank"] == merged["rank_mine"]).all()
    assert [c for c in stored.columns if c.startswith("dim:")] == [
        "dim:劳动者",
        "dim:劳动资料",
        "dim:劳动对象",
    ]
    np.testing.assert_allclose(merged["dim:劳动资料"], merged["dim:劳动资料_mine"], atol=0)


def test_cli_evaluates_the_warehouse_and_writes_contract_columns(
    warehouse: Path, tmp_path: Path
) -> None:
    out, wout, oout = tmp_path / "s.csv", tmp_path / "w.csv", tmp_path / "o.csv"
    args = ["evaluate", "--db", str(warehouse), "--year", "2020", "--save", "cli"]
    args += ["--output", str(out), "--weights-output", str(wout), "--obstacles-output", str(oout)]
    res = CliRunner().invoke(app, args)
    assert res.exit_code == 0, res.output
    scores = pd.read_csv(out, dtype={"unit": str})
    assert list(scores.columns) == [
        "unit",
        "year",
        "score",
        "rank",
        "dim:劳动者",
        "dim:劳动资料",
        "dim:劳动对象",
    ]
    assert len(scores) == 2847 and scores["rank"].min() == 1
    top = scores.sort_values("rank").iloc[0]
    assert f"{top['unit']}" in res.output and f"{top['score']:.4f}" in res.output
    weights = pd.read_csv(wout)
    assert {"indicator", "dimension", "weight", "entropy", "critic"} <= set(weights.columns)
    assert weights["weight"].sum() == pytest.approx(1.0)
    ob = pd.read_csv(oout, dtype={"unit": str})
    assert ob.groupby("unit")["obstacle"].sum().between(1 - 1e-9, 1 + 1e-9).all()


def test_cli_empty_warehouse_is_a_clear_error(tmp_path: Path) -> None:
    res = CliRunner().invoke(app, ["evaluate", "--db", str(tmp_path / "empty.duckdb")])
    assert res.exit_code == 2
    assert "xinzhi demo" in res.output


def test_builtin_system_matches_warehouse_catalogue(public_warehouse: Path) -> None:
    system = load_system("nqpf-county")
    con = store.connect(public_warehouse, read_only=True)
    try:
        codes = set(con.execute("SELECT code FROM indicators").df()["code"])
    finally:
        con.close()
    assert set(system.codes) <= codes


def test_declared_evaluation_options() -> None:
    """The years option of the declared evaluation and the methods a built-in system runs with
    (nqpf-county.yaml: options.weights combined, options.aggregate topsis)."""
    from xinzhi.errors import InputError
    from xinzhi.pipelines.systems import method_defaults
    from xinzhi.years import parse_years

    assert parse_years(None) is None
    assert parse_years("2020") == [2020]
    assert parse_years("2016–2019") == [2016, 2017, 2018, 2019]
    assert parse_years("2010,2020") == [2010, 2020]
    with pytest.raises(InputError, match=r"^年份区间 '2020-2010' 的起始年 2020 大于结束年 2010$"):
        parse_years("2020-2010")
    with pytest.raises(InputError, match="无法解析年份 '20x0'"):
        parse_years("20x0")
    assert method_defaults("nqpf-county") == {"weights": "combined", "aggregate": "topsis"}


def test_builtin_systems_are_offered_by_their_chinese_title() -> None:
    from xinzhi.pipelines.systems import builtin_system_labels

    # src/xinzhi/indicators/systems/nqpf-county.yaml: title 县域新质生产力指数
    assert builtin_system_labels() == {"nqpf-county": "县域新质生产力指数"}
