"""Stored evaluations: per-year weights keep their year (``evaluation_weights.year``), the
migration of warehouses made before that column, and the readers of both layouts."""

from __future__ import annotations

from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from xinzhi import datasets
from xinzhi.evaluate import evaluate
from xinzhi.indicators.system import IndicatorSystem
from xinzhi.pipelines.evaluation import stored_weights
from xinzhi.pipelines.stored import export_stored_evaluation, weights_of_year
from xinzhi.store.evaluations import ensure_evaluation_tables, load_weights, save_evaluation

#: constant within some year of the green data: no per-year min–max (as in
#: tests/evaluate/test_eval_conventions.py, which compares the engine's own per-year weights)
CONSTANT_IN_A_YEAR = ("每万人5G基站数", "国家算力枢纽节点编码（编码）")


def _green_system() -> IndicatorSystem:
    info = pd.read_excel(
        datasets.path("replication-green", "clean_data.xlsx"), "indicator_info", engine="calamine"
    )
    dims: dict[str, list[dict[str, str]]] = {}
    for name, dim, direction in info[["指标名称", "一级维度", "指标方向"]].itertuples(index=False):
        if name not in CONSTANT_IN_A_YEAR:
            ind = {"code": name, "name": name, "direction": "+" if direction == "正向" else "-"}
            dims.setdefault(dim, []).append(ind)
    return IndicatorSystem.from_dict(
        {"name": "green", "dimensions": [{"name": k, "indicators": v} for k, v in dims.items()]}
    )


@pytest.fixture(scope="module")
def green_raw(data_dir: Path) -> pd.DataFrame:
    raw = pd.read_excel(
        datasets.path("replication-green", "clean_data.xlsx"), "clean_data", engine="calamine"
    )
    return raw.rename(columns={"省份": "地区"})


def _save(con: duckdb.DuckDBPyConnection, name: str, res: object) -> None:
    scores = res.scores().rename(columns={"unit": "region_code"})  # type: ignore[attr-defined]
    empty_dims = pd.DataFrame(columns=["region_code", "year", "dimension", "position", "score"])
    empty_obs = pd.DataFrame(columns=["region_code", "year", "indicator", "dimension", "obstacle"])
    save_evaluation(
        con,
        name,
        system="green",
        options={},
        scores=scores[["region_code", "year", "score", "rank"]],
        dimensions=empty_dims,
        weights=stored_weights(res),  # type: ignore[arg-type]
        obstacles=empty_obs,
    )


def test_saved_per_year_weights_equal_nine_single_year_runs(
    green_raw: pd.DataFrame, tmp_path: Path
) -> None:
    system = _green_system()
    res = evaluate(green_raw, system, weights="entropy", aggregate="topsis", weight_scope="year")
    con = duckdb.connect()
    _save(con, "green-year", res)
    stored = load_weights(con, "green-year")
    years = sorted(int(y) for y in green_raw["年份"].unique())
    assert len(years) == 9
    assert sorted(stored["year"].unique()) == years
    assert len(stored) == 9 * len(system.codes)  # one row per indicator and year, no mean rows
    for y in years:
        one = evaluate(
            green_raw[green_raw["年份"] == y], system, weights="entropy", aggregate="topsis"
        )
        ow = one.weight_table().set_index("indicator")["weight"]
        sw = stored[stored["year"] == y].set_index("indicator")["weight"]
        assert list(sw.index) == system.codes
        assert np.abs(sw - ow.loc[sw.index]).max() < 1e-12
        picked = weights_of_year(stored, y).set_index("indicator")["weight"]
        assert np.abs(picked - ow.loc[picked.index]).max() < 1e-12
    # pooled: one row per indicator, year NULL
    pooled = evaluate(green_raw, system, weights="entropy", aggregate="topsis")
    _save(con, "green-pooled", pooled)
    pw = load_weights(con, "green-pooled")
    assert len(pw) == len(system.codes) and pw["year"].isna().all()
    assert np.abs(pw["weight"].to_numpy() - pooled.weights).max() < 1e-15
    # the workbook's 权重 sheet: a 年份 column for per-year weights, none for pooled ones
    book = export_stored_evaluation(con, "green-year", tmp_path / "y.xlsx", scores=pd.DataFrame())
    sheet = pd.read_excel(book, "权重", engine="calamine")
    assert "年份" in sheet.columns and len(sheet) == 9 * len(system.codes)
    book = export_stored_evaluation(con, "green-pooled", tmp_path / "p.xlsx", scores=pd.DataFrame())
    assert "年份" not in pd.read_excel(book, "权重", engine="calamine").columns


def test_weights_of_year_by_hand() -> None:
    w = pd.DataFrame(
        {
            "indicator": ["a", "b", "a", "b"],
            "dimension": ["D", "D", "D", "D"],
            "weight": [0.2, 0.8, 0.6, 0.4],
            "year": pd.array([2020, 2020, 2021, 2021], dtype="Int64"),
        }
    )
    assert weights_of_year(w, 2021)["weight"].tolist() == [0.6, 0.4]
    # a year not stored (or None): the mean, a = (0.2 + 0.6)/2 = 0.4, b = (0.8 + 0.4)/2 = 0.6
    assert weights_of_year(w, 2019)["weight"].tolist() == pytest.approx([0.4, 0.6], abs=1e-15)
    pooled = w.iloc[:2].assign(year=pd.array([None, None], dtype="Int64"))
    assert weights_of_year(pooled, 2021)["weight"].tolist() == [0.2, 0.8]


def test_a_warehouse_without_the_year_column_is_read_and_migrated(tmp_path: Path) -> None:
    db = tmp_path / "old.duckdb"
    con = duckdb.connect(str(db))
    con.execute(  # the table as releases before per-year weights made it
        "CREATE TABLE evaluation_weights (name VARCHAR NOT NULL, indicator VARCHAR NOT NULL, "
        "dimension VARCHAR, weight DOUBLE NOT NULL)"
    )
    con.execute("INSERT INTO evaluation_weights VALUES ('old', 'x1', 'D', 0.25)")
    con.close()
    ro = duckdb.connect(str(db), read_only=True)
    old = load_weights(ro, "old")  # read-only: no migration, year NULL
    assert old["weight"].tolist() == [0.25] and old["year"].isna().all()
    ro.close()
    con = duckdb.connect(str(db))
    ensure_evaluation_tables(con)
    cols = [r[0] for r in con.execute("DESCRIBE evaluation_weights").fetchall()]
    assert cols == ["name", "indicator", "dimension", "weight", "year"]
    assert load_weights(con, "old")["year"].isna().all()
    ensure_evaluation_tables(con)  # idempotent


def test_a_complete_warehouse_is_checked_read_only(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    con = duckdb.connect(str(db))
    ensure_evaluation_tables(con)
    con.execute(
        "INSERT INTO evaluations (name, system) VALUES ('甲', 'nqpf-county')"
    )  # one stored evaluation
    con.close()
    ro = duckdb.connect(str(db), read_only=True)
    try:
        ensure_evaluation_tables(ro)  # DuckDB would refuse CREATE here: nothing is executed
        from xinzhi.pipelines.stored import evaluation_exists

        info = evaluation_exists(ro, "甲")
        assert info is not None and info[0] == "nqpf-county"
    finally:
        ro.close()


def test_a_read_only_warehouse_missing_a_table_still_says_so(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    con = duckdb.connect(str(db))
    ensure_evaluation_tables(con)
    con.execute("DROP TABLE evaluation_obstacles")
    con.close()
    ro = duckdb.connect(str(db), read_only=True)
    try:
        with pytest.raises(duckdb.Error, match="read-only"):
            ensure_evaluation_tables(ro)
    finally:
        ro.close()
