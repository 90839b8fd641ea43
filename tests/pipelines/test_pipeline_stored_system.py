"""The indicator system stored with an evaluation (``evaluations.system_def``): an evaluation run
with a user's own YAML file is read again after the file is deleted (stored record, 画像 指标明细,
county profile, audit), the stored definition is preferred over a built-in system of the same
name, and a warehouse saved before definitions were stored is migrated and still read by name.

Values are the 示例数据 of the small warehouse (tests/fixtures/warehouse.py, LITERAL_VALUES),
湖南 2020: urban_share 长沙县 0.60, 宁乡市 0.50, 湘潭县 0.40, 湘乡市 0.45, 韶山市 0.55, 祁阳县 0.35;
emp_sec_A 0.20, 0.30, 0.40, 0.35, 0.25, 0.45 (a cost indicator here)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from fixtures.accounts import warehouse_with_accounts
from fixtures.warehouse import EVALUATION
from xinzhi import auth, store
from xinzhi.indicators.system import load_system
from xinzhi.pipelines.audit import audit_stored
from xinzhi.pipelines.evaluation import CountyEvaluation, evaluate_counties
from xinzhi.pipelines.profile_indicators import county_indicator_details
from xinzhi.pipelines.stored import county_profile, read_stored_evaluation, stored_system
from xinzhi.store.evaluations import ensure_evaluation_tables, load_system_def

NAME = "我的两指标2020"

SYSTEM_YAML = """\
name: 我的两指标体系
title: 城镇化与非农就业（示例）
options: {normalization: minmax, weights: equal, aggregate: weighted-sum}
dimensions:
  - name: 城镇化
    indicators:
      - {code: urban_share, name: 城镇化率, direction: '+', unit: 比例, shortfall: 新质要素供给短缺}
  - name: 就业结构
    indicators:
      - {code: emp_sec_A, name: 农业就业占比, direction: '-', unit: 比例, shortfall: 产业链条短}
"""

#: hand-computed scores, min–max within 湖南 2020 and equal weights 1/2:
#: urban_share z = (x − 0.35) / (0.60 − 0.35); emp_sec_A z = (0.45 − x) / (0.45 − 0.20)
EXPECTED = {
    "430121": 0.5 * (0.60 - 0.35) / 0.25 + 0.5 * (0.45 - 0.20) / 0.25,  # 1.0
    "430382": 0.5 * (0.55 - 0.35) / 0.25 + 0.5 * (0.45 - 0.25) / 0.25,  # 0.8
    "430182": 0.5 * (0.50 - 0.35) / 0.25 + 0.5 * (0.45 - 0.30) / 0.25,  # 0.6
    "430381": 0.5 * (0.45 - 0.35) / 0.25 + 0.5 * (0.45 - 0.35) / 0.25,  # 0.4
    "430321": 0.5 * (0.40 - 0.35) / 0.25 + 0.5 * (0.45 - 0.40) / 0.25,  # 0.2
    "431121": 0.5 * (0.35 - 0.35) / 0.25 + 0.5 * (0.45 - 0.45) / 0.25,  # 0.0
}


@pytest.fixture
def con(small_warehouse: Any, tmp_path: Path) -> Any:
    c = warehouse_with_accounts(small_warehouse, tmp_path, ("分析员",))
    yield c
    c.close()


@pytest.fixture
def run(con: Any, tmp_path: Path) -> CountyEvaluation:
    """The evaluation with the user's YAML file, which is deleted right after the run."""
    f = tmp_path / "我的体系.yaml"
    f.write_text(SYSTEM_YAML, encoding="utf-8")
    ev = evaluate_counties(str(f), years=[2020], con=con, save_as=NAME, area="湖南省")
    f.unlink()
    return ev


def test_the_run_itself_gives_the_hand_computed_scores(run: CountyEvaluation) -> None:
    s = run.scores().set_index("region_code")["score"]
    assert s.to_dict() == pytest.approx(EXPECTED, abs=1e-12)
    assert s["430321"] == pytest.approx(0.2, abs=1e-12)


def test_stored_record_reads_without_the_yaml_file(con: Any, run: CountyEvaluation) -> None:
    st = read_stored_evaluation(con, NAME)
    assert st is not None
    assert st.full_system.name == "我的两指标体系"
    assert st.full_system.title == "城镇化与非农就业（示例）"
    assert st.system.codes == ["urban_share", "emp_sec_A"] and st.dropped_optional == []
    assert st.full_system.to_dict() == run.system.to_dict()
    # equal weights 1/2 each, as in the run
    w = st.weights_of(2020).set_index("indicator")["weight"]
    assert w.to_dict() == pytest.approx({"urban_share": 0.5, "emp_sec_A": 0.5}, abs=1e-12)
    ran = run.result.weight_table().set_index("indicator")["weight"]
    assert w.to_dict() == pytest.approx(ran.to_dict(), abs=1e-15)
    scores = st.scores.set_index("region_code")["score"]
    assert scores.to_dict() == pytest.approx(EXPECTED, abs=1e-12)
    assert st.options["area"] == "湖南省" and st.years == [2020]


def test_profile_details_and_shortfalls_without_the_yaml_file(
    con: Any, run: CountyEvaluation
) -> None:
    user = auth.get_user(con, "分析员")
    assert user is not None
    d = county_indicator_details(con, NAME, "430321", 2020, user=user)
    rows = d.rows.set_index("indicator")
    assert list(rows.index) == ["urban_share", "emp_sec_A"]
    # 湘潭县: z = (0.40 − 0.35) / 0.25 = 0.2 and (0.45 − 0.40) / 0.25 = 0.2; 0.5 × 0.2 each
    assert rows["normalised"].to_list() == pytest.approx([0.2, 0.2], abs=1e-12)
    assert rows["contribution"].to_list() == pytest.approx([0.1, 0.1], abs=1e-12)
    assert d.score == pytest.approx(0.2, abs=1e-12) and d.notes == []
    assert (rows.loc["urban_share", "rank"], rows.loc["urban_share", "units"]) == (5, 6)
    # obstacle degree: 0.5 × (1 − 0.2) for both indicators → 0.4 / 0.8 = 0.5 each, named by
    # the shortfalls of the stored system
    p = county_profile(con, NAME, "430321")
    short = p.shortfalls.set_index("shortfall")["obstacle"].to_dict()
    assert short == pytest.approx({"新质要素供给短缺": 0.5, "产业链条短": 0.5}, abs=1e-12)
    assert (p.row["rank"], p.row["score"]) == (5, pytest.approx(0.2, abs=1e-12))


def test_audit_of_the_stored_evaluation_without_the_yaml_file(
    con: Any, run: CountyEvaluation
) -> None:
    # no Monte Carlo: the two normalised columns are equal here (z_u = z_a for every county),
    # which CRITIC cannot weight
    res = audit_stored(con, NAME, uncertainty=False)
    assert res.system_name == "我的两指标体系" and res.year == 2020
    stats = res.stats.set_index("indicator")
    assert list(stats.index) == ["urban_share", "emp_sec_A"]
    assert (stats.loc["urban_share", "min"], stats.loc["urban_share", "max"]) == (0.35, 0.60)
    assert (stats.loc["emp_sec_A", "min"], stats.loc["emp_sec_A", "max"]) == (0.20, 0.45)
    assert int(stats.loc["urban_share", "n"]) == 6


def test_the_stored_definition_is_preferred_over_the_built_in(con: Any) -> None:
    """The fixture's evaluation of the built-in nqpf-county stores its definition; a changed
    stored definition (here only its title) is what is read back, not the shipped YAML."""
    stored = load_system_def(con, EVALUATION)
    assert stored == load_system("nqpf-county").to_dict()
    changed = {**stored, "title": "保存时的版本"}
    con.execute(
        "UPDATE evaluations SET system_def = ? WHERE name = ?",
        [json.dumps(changed, ensure_ascii=False), EVALUATION],
    )
    assert stored_system(con, EVALUATION).title == "保存时的版本"
    st = read_stored_evaluation(con, EVALUATION)
    assert st is not None and st.full_system.title == "保存时的版本"


def test_an_old_warehouse_without_definitions(con: Any, tmp_path: Path) -> None:
    """Saved before ``system_def`` existed: read (also read-only) by the built-in name, and the
    column is added by the next ``ensure_evaluation_tables`` with NULL for the old rows."""
    con.execute("ALTER TABLE evaluations DROP COLUMN system_def")
    con.close()
    db = tmp_path / "w.duckdb"
    ro = store.connect(db, read_only=True)
    try:
        assert load_system_def(ro, EVALUATION) is None
        st = read_stored_evaluation(ro, EVALUATION)
        assert st is not None and st.full_system.name == "nqpf-county"
        assert len(st.system.codes) == 14
    finally:
        ro.close()
    rw = store.connect(db)
    try:
        ensure_evaluation_tables(rw)
        assert rw.execute("SELECT system_def FROM evaluations").fetchall() == [(None,)]
        assert stored_system(rw, EVALUATION).name == "nqpf-county"
    finally:
        rw.close()


def test_scores_table_is_unchanged_by_the_new_column(con: Any, run: CountyEvaluation) -> None:
    listed = pd.DataFrame(
        con.execute("SELECT name, system FROM evaluations ORDER BY name").fetchall(),
        columns=["name", "system"],
    )
    assert listed.set_index("name")["system"].to_dict() == {
        EVALUATION: "nqpf-county",
        NAME: "我的两指标体系",
    }


def test_county_report_without_the_yaml_file(small_warehouse: Any, tmp_path: Path) -> None:
    from xinzhi.pipelines.report import county_report_data
    from xinzhi.pipelines.report_context import load_report_context

    db = tmp_path / "w.duckdb"
    shutil.copy(small_warehouse.db, db)
    f = tmp_path / "我的体系.yaml"
    f.write_text(SYSTEM_YAML, encoding="utf-8")
    evaluate_counties(str(f), years=[2020], db=db, save_as=NAME, area="湖南省")
    f.unlink()
    rep = county_report_data(
        "430321", year=2020, context=load_report_context(db=db, evaluation=NAME)
    )
    assert (rep.system_name, rep.system_title) == ("我的两指标体系", "城镇化与非农就业（示例）")
    # 湘潭县 0.2 (hand-computed above), 5th of the six Hunan units
    assert rep.evaluated and rep.score == pytest.approx(EXPECTED["430321"], abs=1e-12)
    assert (rep.rank, rep.n_counties) == (5, 6)
    w = rep.weights.set_index("indicator")["weight"].to_dict()
    assert w == pytest.approx({"urban_share": 0.5, "emp_sec_A": 0.5}, abs=1e-12)


def test_county_comparison_without_the_yaml_file(con: Any, run: CountyEvaluation) -> None:
    from xinzhi.pipelines.compare_counties import compare_counties

    cmp = compare_counties(con, NAME, ["430321", "430121"], 2020)
    scores = cmp.scores.set_index("region_code")["score"]
    assert scores["430321"] == pytest.approx(0.2, abs=1e-12)  # EXPECTED by hand
    assert scores["430121"] == pytest.approx(1.0, abs=1e-12)
    values = cmp.indicators.set_index("indicator")
    # the two indicators of the deleted YAML file with the warehouse's values (module docstring)
    assert values.loc["urban_share", "indicator_name"] == "城镇化率"
    assert values.loc["urban_share", "430321"] == pytest.approx(0.40)
    assert values.loc["emp_sec_A", "430121"] == pytest.approx(0.20)
