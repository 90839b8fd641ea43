"""Pilot lists into the warehouse and the effect of a pilot on a warehouse outcome, on the small
warehouse (示例数据, :mod:`fixtures.warehouse`): rows read = loaded + quarantined + skipped,
names through the region registry, the renamed county as one unit, the ATT by hand."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from fixtures.warehouse import SmallWarehouse
from xinzhi import registry, store
from xinzhi.cli import app
from xinzhi.errors import InputError
from xinzhi.pipelines.causal import import_pilot_file, pilot_effect, pilot_panel
from xinzhi.store.pilots import read_pilots

PILOTS = """县（市、区）,所属地市,试点名称,批复年份
宁乡县,长沙市,创新型县,2015
昆山市,苏州市,创新型县,2015
,,,
昆山市,苏州市,创新型县,2015
长沙县,,创新型县,2015年
长沙县,,创新型县,2016
火星县,,创新型县,2015
义乌市,,,2015
鼓楼区,,创新型县,2015
余杭区,,创新型县,abc
"""


@pytest.fixture
def db(small_warehouse: SmallWarehouse, tmp_path: Path) -> Path:
    out = tmp_path / "w.duckdb"
    shutil.copy(small_warehouse.db, out)
    return out


def _pilots(tmp_path: Path) -> Path:
    f = tmp_path / "pilots.csv"
    f.write_text(PILOTS, encoding="utf-8")
    return f


def test_import_counts_and_reasons(db: Path, tmp_path: Path) -> None:
    rep = import_pilot_file(_pilots(tmp_path), db=db)
    # 10 data rows = 2 loaded + 6 quarantined + 2 skipped
    assert (rep.rows_read, rep.rows_loaded, rep.rows_quarantined, rep.rows_skipped) == (10, 2, 6, 2)
    assert rep.quarantined_by_reason == {
        "pilot_policy_missing": 1,  # 义乌市 2015 without a policy
        "duplicate_conflict": 2,  # 长沙县 2015 and 2016
        "unknown_region": 1,  # 火星县
        "ambiguous_region": 1,  # 鼓楼区 (several cities have one)
        "invalid_year": 1,  # abc
    }
    assert rep.skipped_by_reason == {"empty": 1, "duplicate": 1}
    con = store.connect(db, read_only=True)
    try:
        pil = read_pilots(con, "创新型县")
    finally:
        con.close()
    # 宁乡县 (a former name) takes its successor's code 430182 (撤县设市 2017)
    assert sorted(pil["region_code"]) == ["320583", "430182"]
    assert set(pil["start_year"]) == {2015}
    again = import_pilot_file(_pilots(tmp_path), db=db)
    assert again.status == "noop"


def test_effect_by_hand(db: Path, tmp_path: Path) -> None:
    """urban_share (示例数据), 2010 → 2020, codes carried to 2020 (沧浪/平江/金阊 → 姑苏 merged:
    left out, so 11 balanced counties). Pilots 宁乡 (430124 → 430182) and 昆山 from 2015:
    Δ treated 0.50 − 0.30 = 0.20 and 0.80 − 0.65 = 0.15 → mean 0.175;
    Δ never-treated 长沙县 0.20, 湘潭县 0.15, 湘乡 0.15, 韶山 0.15, 祁阳 0.15, 张家港 0.10,
    永登 0.10, 皋兰 0.05, 榆中 0.05 → 1.10 / 9 = 0.12222…; ATT = 0.175 − 0.12222… = 0.052778."""
    import_pilot_file(_pilots(tmp_path), db=db)
    con = store.connect(db, read_only=True)
    try:
        panel, label, _notes = pilot_panel(con, policy="创新型县", indicator="urban_share")
        assert label == "urban_share"
        assert sorted(panel.loc[panel["cohort"] > 0, "region_code"].unique()) == [
            "320583",
            "430182",
        ]
        res = pilot_effect(con, policy="创新型县", indicator="urban_share")
        att, se = res.overall("simple")
        assert att == pytest.approx(0.175 - 1.10 / 9, abs=1e-9)
        assert se > 0
        assert any("创新型县" in n for n in res.notes)
        tw = pilot_effect(
            con, policy="创新型县", indicator="urban_share", estimator="did", leads=2, lags=0
        )
        assert tw.static.estimate == pytest.approx(
            0.175 - 1.10 / 9, abs=1e-9
        )  # 2 periods: TWFE = 2×2 DiD
        with pytest.raises(InputError, match="没有政策"):
            pilot_effect(con, policy="数字乡村", indicator="urban_share")
        with pytest.raises(InputError, match="只须指定一个"):
            pilot_effect(con, policy="创新型县")
        with pytest.raises(InputError, match="恰好 1 个试点县"):
            pilot_effect(con, policy="创新型县", indicator="urban_share", estimator="sc")
        # through the registry, as GET /api/analyses/pilot-effect does
        r2 = registry.get("pilot-effect").run(con, policy="创新型县", indicator="urban_share")
        assert r2.overall("simple")[0] == pytest.approx(att)
    finally:
        con.close()


def test_cli_pilots_import(db: Path, tmp_path: Path) -> None:
    res = CliRunner().invoke(
        app, ["causal", "pilots-import", str(_pilots(tmp_path)), "--db", str(db)]
    )
    assert res.exit_code == 0, res.output
    assert "读入 10 行 = 载入 2 + 隔离 6 + 跳过 2" in res.output
    f = tmp_path / "nopolicy.csv"
    f.write_text("县,批复年份\n昆山市,2015\n", encoding="utf-8")
    res = CliRunner().invoke(app, ["causal", "pilots-import", str(f), "--db", str(db)])
    assert res.exit_code == 2 and "--policy" in res.output
    res = CliRunner().invoke(
        app, ["causal", "pilots-import", str(f), "--policy", "数字乡村", "--db", str(db)]
    )
    assert res.exit_code == 0 and "载入 1" in res.output


def test_effect_on_evaluation_score_and_dimension(
    db: Path, tmp_path: Path, small_warehouse: SmallWarehouse
) -> None:
    """The outcome is the stored evaluation's score (or a dimension): the ATT is the difference
    of the mean 2010→2020 changes of the pilots and the never-treated counties, read here from
    the stored scores directly (codes carried to 2020)."""
    from xinzhi.pipelines.stored import evaluation_panel

    import_pilot_file(_pilots(tmp_path), db=db)
    con = store.connect(db, read_only=True)
    try:
        panel = evaluation_panel(small_warehouse.evaluation, con=con, harmonise_to="latest")
        wide = panel.pivot(index="unit", columns="year", values="score").dropna()
        delta = wide[2020] - wide[2010]
        pilots = {"430182", "320583"}
        want = delta[delta.index.isin(pilots)].mean() - delta[~delta.index.isin(pilots)].mean()
        res = pilot_effect(con, policy="创新型县", evaluation=small_warehouse.evaluation)
        assert res.overall("simple")[0] == pytest.approx(want, abs=1e-12)
        dims = [c[4:] for c in panel.columns if c.startswith("dim:")]
        r2 = pilot_effect(
            con, policy="创新型县", evaluation=small_warehouse.evaluation, dimension=dims[0]
        )
        wide2 = panel.pivot(index="unit", columns="year", values=f"dim:{dims[0]}").dropna()
        d2 = wide2[2020] - wide2[2010]
        want2 = d2[d2.index.isin(pilots)].mean() - d2[~d2.index.isin(pilots)].mean()
        assert r2.overall("simple")[0] == pytest.approx(want2, abs=1e-12)
        with pytest.raises(InputError, match="没有维度"):
            pilot_effect(
                con, policy="创新型县", evaluation=small_warehouse.evaluation, dimension="无此维度"
            )
    finally:
        con.close()
