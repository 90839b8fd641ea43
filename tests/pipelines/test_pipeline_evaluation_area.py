"""评价范围 (#13 part 1): an evaluation of one province, where the province's own yearbook
indicators join because they cover its counties, while the national evaluation leaves them out."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from xinzhi import store
from xinzhi.cli import app
from xinzhi.errors import InputError
from xinzhi.ingest import import_file
from xinzhi.pipelines.evaluation import area_counties, evaluate_counties
from xinzhi.pipelines.stored import evaluation_area, evaluation_label
from xinzhi.store.evaluations import load_evaluation, load_weights

# 2020 county-level units of Hunan in the small warehouse (宁乡县 became 宁乡市 in 2017)
HUNAN_2020 = ["430121", "430182", "430321", "430381", "430382", "431121"]


@pytest.fixture
def db(small_warehouse: Any, tmp_path: Path) -> Path:
    path = tmp_path / "w.duckdb"
    shutil.copy(small_warehouse.db, path)
    yearbook = tmp_path / "湖南年鉴.csv"
    rows = ["地区,研究与试验发展经费支出(万元),专利授权量(件),人均地区生产总值(元)"]
    for i, name in enumerate(["长沙县", "宁乡市", "湘潭县", "湘乡市", "韶山市", "祁阳县"]):
        rows.append(f"{name},{10_000 + 5_000 * i},{300 + 40 * i},{60_000 + 9_000 * i}")
    yearbook.write_text("\n".join(rows) + "\n", encoding="utf-8")
    rep = import_file(yearbook, db=path, year=2020)
    assert rep.rows_loaded == 6
    return path


def test_area_by_province_prefecture_and_list(db: Path) -> None:
    con = store.connect(db)
    try:
        label, codes = area_counties(con, "湖南省")
        assert label == "湖南省" and set(HUNAN_2020) <= set(codes) and "430124" in codes
        assert not any(c.startswith(("32", "62")) for c in codes)
        assert area_counties(con, "湖南")[1] == codes and area_counties(con, "430000")[1] == codes
        label, xiangtan = area_counties(con, "湘潭市")
        assert (label, xiangtan) == ("湖南省湘潭市", ["430321", "430381", "430382"])
        assert area_counties(con, "湘潭县,韶山市") == ("2 个县级单位", ["430321", "430382"])
        with pytest.raises(InputError, match="找不到评价范围“火星省”"):
            area_counties(con, "火星省")
    finally:
        con.close()


def test_province_yearbook_joins_in_the_province_not_in_the_nation(db: Path) -> None:
    national = evaluate_counties(years=[2020], db=db)
    hunan = evaluate_counties(years=[2020], db=db, area="湖南省", save_as="湖南县域-2020")
    optional = {"rd_expenditure", "patents_granted", "gdp_per_capita"}
    # nation: 6 of the 2020 units hold them — 6 / 16 units < 90 % → left out
    n2020 = len(national.scores())
    assert national.coverage["rd_expenditure"] == pytest.approx(6 / n2020)
    assert optional <= set(national.dropped_optional)
    # Hunan: 6 of 6 → 100 % → in the index and in its weights
    assert hunan.coverage["rd_expenditure"] == 1.0
    assert optional.isdisjoint(hunan.dropped_optional)
    assert optional <= set(hunan.result.weight_table()["indicator"])
    assert sorted(hunan.scores()["region_code"]) == HUNAN_2020
    assert "评价范围：湖南省" in hunan.summary()
    assert f"rd_expenditure（覆盖 {6 / n2020:.0%}）" in national.summary()
    con = store.connect(db)
    try:
        saved = load_evaluation(con, "湖南县域-2020")
        assert sorted(saved["region_code"]) == HUNAN_2020
        assert set(load_weights(con, "湖南县域-2020")["indicator"]) >= optional
        (options,) = con.execute(
            "SELECT CAST(options AS VARCHAR) FROM evaluations WHERE name = '湖南县域-2020'"
        ).fetchone()
        assert '"area": "湖南省"' in options
        assert evaluation_area(con, "湖南县域-2020") == "湖南省"  # the web's title says so
        assert evaluation_area(con, "nqpf-county") is None  # the small warehouse's national one
    finally:
        con.close()


def test_cli_scope(db: Path) -> None:
    res = CliRunner().invoke(
        app, ["--db", str(db), "evaluate", "--years", "2020", "--scope", "湘潭市"]
    )
    assert res.exit_code == 0, res.output
    assert "评价范围：湖南省湘潭市" in res.output and "2020 年 3 个县" in res.output
    bad = CliRunner().invoke(app, ["--db", str(db), "evaluate", "--scope", "火星省"])
    assert bad.exit_code != 0 and "找不到评价范围" in bad.output and "Traceback" not in bad.output


def test_pages_name_the_builtin_system_in_chinese_and_a_saved_name_as_typed(db: Path) -> None:
    evaluate_counties(years=[2020], db=db, save_as="nqpf-county")
    evaluate_counties(years=[2020], db=db, area="湖南省", save_as="湖南县域-2020")
    con = store.connect(db)
    try:
        # the built-in system nqpf-county is titled 县域新质生产力指数 in its YAML
        assert evaluation_label(con, "nqpf-county") == "县域新质生产力指数"
        assert evaluation_label(con, "湖南县域-2020") == "湖南县域-2020"
    finally:
        con.close()


def test_summary_names_the_units_of_the_top_list(db: Path) -> None:
    """The top list of the summary says whose units it ranks: the nation's, or the scope's."""
    national = evaluate_counties(years=[2020], db=db).summary().splitlines()
    hunan = evaluate_counties(years=[2020], db=db, area="湖南省").summary().splitlines()
    assert "2020 年前 20 名（全国全部县级单位，含市辖区）：" in national
    assert "2020 年前 20 名（评价范围（湖南省）内全部县级单位，含市辖区）：" in hunan
    assert not any("全国全部县级单位" in line for line in hunan)
    # the list itself: the 6 Hunan units of 2020 after the heading, 12 units of the nation
    head = hunan.index("2020 年前 20 名（评价范围（湖南省）内全部县级单位，含市辖区）：")
    assert sorted(line.split()[1] for line in hunan[head + 1 :]) == HUNAN_2020
    head = national.index("2020 年前 20 名（全国全部县级单位，含市辖区）：")
    assert len(national[head + 1 :]) == 12
    assert (
        evaluate_counties(years=[2020], db=db, area="湘潭市")
        .summary()
        .count("评价范围（湖南省湘潭市）内全部县级单位")
        == 1
    )
