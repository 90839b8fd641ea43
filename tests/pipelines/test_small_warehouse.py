"""The small warehouse built in code (``small_warehouse``, :mod:`fixtures.warehouse`): the
evaluation pipeline by hand arithmetic, name resolution of the renamed unit, and the
harmonisation of the renamed and merged units in the comparable panel. No public data needed.

Values are 示例数据 (synthetic); the two indicators used for hand arithmetic are the literal
table ``LITERAL_VALUES`` of the fixture module, restated in the comments below.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pandas as pd
import pytest
import yaml
from typer.testing import CliRunner

from fixtures.warehouse import EVALUATION, SOURCE, SmallWarehouse
from xinzhi import store
from xinzhi.cli import app
from xinzhi.errors import RegionError
from xinzhi.indicators.system import IndicatorSystem
from xinzhi.pipelines.evaluation import evaluate_counties
from xinzhi.pipelines.spatial import comparable_panel
from xinzhi.pipelines.stored import evaluation_panel
from xinzhi.store.evaluations import list_evaluations, load_evaluation

# 示例数据 (urban_share, emp_sec_A):
#   2020  姑苏区 320508 (1.00, 0.00)  昆山市 320583 (0.80, 0.05)  湘潭县 430321 (0.40, 0.40)
#         榆中县 620123 (0.20, 0.50)  祁阳县 431121 = 永登县 620121 (0.35, 0.45)
#         → 2020: urban_share min 0.20 (榆中县) max 1.00 (姑苏区); emp_sec_A min 0.00 max 0.50
#   2010  湘潭县 (0.25, 0.50); 榆中县 (0.15, 0.60) is the pooled minimum of urban_share and the
#         pooled maximum of emp_sec_A; 沧浪区 320502 (1.00, 0.00) the pooled max / min.
TINY = {
    "name": "示例-两指标",
    "options": {
        "normalization": "minmax",
        "weights": "equal",
        "aggregate": "weighted-sum",
        "scope": "per-year",
    },
    "dimensions": [
        {
            "name": "城镇化",
            "indicators": [{"code": "urban_share", "name": "城镇化率", "direction": "+"}],
        },
        {
            "name": "农业",
            "indicators": [{"code": "emp_sec_A", "name": "农业就业比重", "direction": "-"}],
        },
    ],
}


@pytest.fixture
def con(small_warehouse: SmallWarehouse) -> Iterator[duckdb.DuckDBPyConnection]:
    c = store.connect(small_warehouse.db, read_only=True)
    yield c
    c.close()


def test_the_import_loads_every_row_and_resolves_the_renamed_name(
    small_warehouse: SmallWarehouse, con: duckdb.DuckDBPyConnection
) -> None:
    rep = small_warehouse.report
    # 14 rows of 2010 + 12 rows of 2020, 14 indicators each
    assert (rep.rows_read, rep.rows_loaded, rep.rows_quarantined, rep.rows_skipped) == (
        26,
        26,
        0,
        0,
    )
    assert rep.values_loaded == 26 * 14
    assert rep.source == SOURCE
    codes = con.execute(
        "SELECT year, list(DISTINCT region_code ORDER BY region_code) "
        "FROM current_observations GROUP BY year ORDER BY year"
    ).fetchall()
    assert codes == [
        (
            2010,
            [
                "320502",
                "320503",
                "320504",
                "320582",
                "320583",
                "430121",
                "430124",
                "430321",
                "430381",
                "430382",
                "431121",
                "620121",
                "620122",
                "620123",
            ],
        ),
        (
            2020,
            [
                "320508",
                "320582",
                "320583",
                "430121",
                "430182",  # the row named 宁乡县 without a code
                "430321",
                "430381",
                "430382",
                "431121",
                "620121",
                "620122",
                "620123",
            ],
        ),
    ]
    # 3 provinces + 5 prefectures + 17 county-level records of the areacodes rows
    assert con.execute("SELECT level, count(*) FROM regions GROUP BY 1 ORDER BY 1").fetchall() == [
        ("county", 17),
        ("prefecture", 5),
        ("province", 3),
    ]


def test_equal_weights_min_max_scores_by_hand(con: duckdb.DuckDBPyConnection) -> None:
    tiny = IndicatorSystem.from_dict(TINY)
    ev = evaluate_counties(tiny, con=con, years=[2020])
    s = ev.scores().set_index("region_code")
    # 湘潭县: ½·(0.40−0.20)/(1.00−0.20) + ½·(0.50−0.40)/(0.50−0.00) = ½·0.25 + ½·0.20 = 0.225
    assert s.loc["430321", "score"] == pytest.approx(0.225, abs=1e-12)
    assert s.loc["430321", "dim:城镇化"] == pytest.approx(0.25, abs=1e-12)
    assert s.loc["430321", "dim:农业"] == pytest.approx(0.20, abs=1e-12)
    # 昆山市: ½·(0.80−0.20)/0.80 + ½·(0.50−0.05)/0.50 = ½·0.75 + ½·0.90 = 0.825
    assert s.loc["320583", "score"] == pytest.approx(0.825, abs=1e-12)
    # 姑苏区 is best on both (1.0, rank 1), 榆中县 worst on both (0.0, rank 12)
    assert (s.loc["320508", "score"], s.loc["320508", "rank"]) == (pytest.approx(1.0), 1)
    assert (s.loc["620123", "score"], s.loc["620123", "rank"]) == (pytest.approx(0.0), 12)
    # 祁阳县 and 永登县 have equal values: ½·0.15/0.80 + ½·0.05/0.50 = 0.14375, both rank 9
    assert s.loc[["431121", "620121"], "score"].tolist() == pytest.approx([0.14375, 0.14375])
    assert s.loc[["431121", "620121"], "rank"].tolist() == [9, 9]
    assert s.loc["430321", "province_rank"] == 5  # 长沙县 .55, 韶山 .46875, 宁乡 .3875, 湘乡 .30625
    assert (s.loc["430321", "name"], s.loc["430321", "prefecture_name"]) == ("湘潭县", "湘潭市")


def test_pooled_min_max_over_both_years_by_hand(con: duckdb.DuckDBPyConnection) -> None:
    tiny = IndicatorSystem.from_dict(TINY)
    ev = evaluate_counties(tiny, con=con, options={"scope": "pooled"})
    s = ev.scores().set_index(["region_code", "year"])
    # pooled: urban_share min 0.15 (榆中县 2010) max 1.00; emp_sec_A min 0.00 max 0.60 (榆中县 2010)
    # 湘潭县 2020: ½·(0.40−0.15)/0.85 + ½·(0.60−0.40)/0.60 = 5/34 + 1/6 = 16/51
    assert s.loc[("430321", 2020), "score"] == pytest.approx(16 / 51, abs=1e-12)
    # 湘潭县 2010: ½·(0.25−0.15)/0.85 + ½·(0.60−0.50)/0.60 = 1/17 + 1/12 = 29/204
    assert s.loc[("430321", 2010), "score"] == pytest.approx(29 / 204, abs=1e-12)
    # the renamed unit keeps the code and name of each year
    assert s.loc[("430124", 2010), "name"] == "宁乡县"
    assert s.loc[("430182", 2020), "name"] == "宁乡市"
    assert s.groupby("year").size().to_dict() == {2010: 14, 2020: 12}


def test_stored_default_evaluation(
    small_warehouse: SmallWarehouse, con: duckdb.DuckDBPyConnection
) -> None:
    listed = list_evaluations(con).set_index("name")
    assert listed.loc[EVALUATION, "system"] == "nqpf-county"
    assert listed.loc[EVALUATION, "units"] == 16  # 14 codes of 2010 + 姑苏区, 宁乡市 of 2020
    assert list(listed.loc[EVALUATION, "years"]) == [2010, 2020]
    scores = load_evaluation(con, EVALUATION)
    for year, n in ((2010, 14), (2020, 12)):
        ranks = scores.loc[scores["year"] == year, "rank"].tolist()
        assert ranks == list(range(1, n + 1))  # no ties among the seeded values
    assert scores["score"].between(0, 1, inclusive="neither").all()
    assert list(scores.columns[-3:]) == ["dim:劳动者", "dim:劳动资料", "dim:劳动对象"]
    # order of 2020 recorded from the first build (seed 20261204, nqpf-county defaults:
    # min-max pooled, entropy+CRITIC mean, TOPSIS); a change of defaults or seed moves it
    assert scores.loc[scores["year"] == 2020, "region_code"].tolist() == [
        "320583",
        "320582",
        "431121",
        "430382",
        "430182",
        "320508",
        "430121",
        "430381",
        "620122",
        "620123",
        "430321",
        "620121",
    ]
    # what is stored is what the pipeline computes with the system's defaults
    fresh = evaluate_counties("nqpf-county", con=con).result.scores()
    both = scores.merge(fresh, left_on=["region_code", "year"], right_on=["unit", "year"])
    assert len(both) == 26
    assert (both["score_x"] - both["score_y"]).abs().max() < 1e-12


def test_renamed_and_merged_units_resolve_to_their_successors(
    small_warehouse: SmallWarehouse,
) -> None:
    reg = small_warehouse.registry
    for query in ("宁乡县", "430124", "湖南宁乡县", "长沙市宁乡县"):
        r = reg.resolve(query, 2020)
        assert (r.code, r.name, r.status) == ("430182", "宁乡市", "renamed"), query
    old = reg.resolve("宁乡县", 2010)
    assert (old.code, old.status, old.valid_from, old.valid_to) == ("430124", "ok", 1983, 2017)
    with pytest.raises(RegionError, match="尚未设立"):
        reg.resolve("宁乡市", 2010)
    # the territory of a merged unit went to exactly one unit: resolved to it as well
    merged = reg.resolve("沧浪区", 2020)
    assert (merged.code, merged.name, merged.status) == ("320508", "姑苏区", "renamed")
    got = reg.resolve_many(["宁乡县", "平江区", "金阊区", "昆山"], 2020)
    assert got["code"].tolist() == ["430182", "320508", "320508", "320583"]
    assert got["status"].tolist() == ["renamed", "renamed", "renamed", "ok"]


def test_comparable_panel_carries_the_renamed_unit_and_drops_the_merged_ones(
    con: duckdb.DuckDBPyConnection,
) -> None:
    bal, dropped, note = comparable_panel(EVALUATION, con)
    units = sorted(bal["unit"].unique())
    assert units == [
        "320582",
        "320583",
        "430121",
        "430182",
        "430321",
        "430381",
        "430382",
        "431121",
        "620121",
        "620122",
        "620123",
    ]
    assert len(bal) == 22 and bal.groupby("unit")["year"].nunique().eq(2).all()
    assert dropped == ["320508"]  # 姑苏区: its 2010 parts were merged, only 2020 is left
    ningxiang = bal[bal["unit"] == "430182"].set_index("year")
    assert ningxiang.loc[2010, "source_code"] == "430124"
    assert ningxiang.loc[2020, "source_code"] == "430182"
    assert note is not None
    assert "2010 年 14 个代码：代码未变 10，更名或改代码（一对一） 1，已与其他单位合并 3" in note
    # the 2010 score of 宁乡市 in the panel is the stored score of 宁乡县 (430124)
    stored = con.execute(
        "SELECT score FROM evaluation_scores WHERE name = ? AND region_code = '430124'",
        [EVALUATION],
    ).fetchall()
    assert ningxiang.loc[2010, "score"] == stored[0][0]


def test_comparable_panel_without_harmonisation_keeps_only_unchanged_codes(
    con: duckdb.DuckDBPyConnection,
) -> None:
    bal, dropped, note = comparable_panel(EVALUATION, con, harmonise=False)
    assert note is None
    assert dropped == ["320502", "320503", "320504", "320508", "430124", "430182"]
    assert bal["unit"].nunique() == 10


def test_panel_to_the_boundary_year_follows_a_later_renaming(
    con: duckdb.DuckDBPyConnection,
) -> None:
    panel = evaluation_panel(EVALUATION, con=con, harmonise_to=2024)
    m = panel.set_index(["unit", "year"])["source_code"]
    # 祁阳县 431121 became 祁阳市 431181 in 2021; 宁乡县 430124 became 宁乡市 430182 in 2017
    assert m[("431181", 2010)] == "431121" and m[("431181", 2020)] == "431121"
    assert m[("430182", 2010)] == "430124"
    assert panel.attrs["harmonise_dropped"] == {2010: ["320502", "320503", "320504"]}


def test_cli_evaluates_the_small_warehouse_like_the_pipeline(
    small_warehouse: SmallWarehouse, tmp_path: Path
) -> None:
    db = tmp_path / "w.duckdb"
    shutil.copy(small_warehouse.db, db)
    system = tmp_path / "tiny.yaml"
    system.write_text(yaml.safe_dump(TINY, allow_unicode=True), encoding="utf-8")
    out = tmp_path / "scores.csv"
    res = CliRunner().invoke(
        app,
        [
            "evaluate",
            "--db",
            str(db),
            "--system",
            str(system),
            "--year",
            "2020",
            "--output",
            str(out),
        ],
    )
    assert res.exit_code == 0, res.output
    got = pd.read_csv(out, dtype={"unit": str}, encoding="utf-8-sig").set_index("unit")
    assert got.loc["430321", "score"] == pytest.approx(0.225, abs=1e-12)
    assert got.loc["320583", "score"] == pytest.approx(0.825, abs=1e-12)
    assert got.loc["620123", "rank"] == 12


def test_cli_markov_counts_one_transition_per_comparable_unit(
    small_warehouse: SmallWarehouse, tmp_path: Path
) -> None:
    db = tmp_path / "w.duckdb"
    shutil.copy(small_warehouse.db, db)

    def transitions(*extra: str) -> int:
        out = tmp_path / f"m{len(extra)}.csv"
        args = ["disparity", "markov", "--evaluation", EVALUATION, "--db", str(db), "--k", "2"]
        res = CliRunner().invoke(app, [*args, "--drop-missing", "--output", str(out), *extra])
        assert res.exit_code == 0, res.output
        return int(pd.read_csv(out)["count"].sum())

    # carried to 2020 (the default, as the API and the web page): the 10 unchanged units and
    # 宁乡 (430124 → 430182) are in both years
    assert transitions() == 11
    assert transitions("--harmonise") == 11
    # as stored: 10 codes are in both years (宁乡 has two codes, 姑苏区 none in 2010)
    assert transitions("--no-harmonise") == 10
