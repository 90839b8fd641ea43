"""Monitoring on a warehouse (xinzhi.pipelines.monitor): the panel with harmonised codes, signals
from history and from targets, trends, the digest, the target importer's row accounting and
targets typed in. 示例数据 on the small warehouse's counties."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from fixtures.warehouse import SmallWarehouse
from monitor.warehouse_data import monitor_warehouse
from xinzhi import store
from xinzhi.errors import InputError, RegionError
from xinzhi.ingest.batch import EmptyImportError
from xinzhi.pipelines.monitor import (
    import_targets_file,
    monitor_digest,
    monitor_panel,
    monitor_signals,
    monitor_trends,
    read_targets,
    set_target,
)


@pytest.fixture
def warehouse(small_warehouse: SmallWarehouse, tmp_path: Path) -> Path:
    return monitor_warehouse(small_warehouse, tmp_path)


def test_panel_harmonises_renamed_county(warehouse: Path) -> None:
    con = store.connect(warehouse)
    try:
        mp = monitor_panel(con, indicators="gdp,emp_sec_A")
        one = monitor_panel(con, indicators="gdp", county="宁乡市")  # reads 430124 too
    finally:
        con.close()
    assert one.panel["region_code"].unique().tolist() == ["430182"] and len(one.panel) == 9
    p = mp.panel
    # 宁乡县 430124 (2013–2016) and 宁乡市 430182 (2017–2021) are one unit of 9 years
    assert sorted(p.loc[p["indicator"] == "gdp", "region_code"].unique()) == [
        "430121",
        "430182",
        "430321",
    ]
    assert ((p["region_code"] == "430182") & (p["indicator"] == "gdp")).sum() == 9
    assert mp.directions == {"gdp": "+", "emp_sec_A": "-"}
    assert mp.county_names["430182"] == "宁乡市"


def test_signals_from_history(warehouse: Path) -> None:
    con = store.connect(warehouse)
    try:
        res = monitor_signals(con, indicators="gdp,emp_sec_A", basis="level", window=3)
    finally:
        con.close()
    t = res.signal_table()
    got = t[t["year"] == 2021].set_index(["region_code", "indicator"])
    assert got.loc[("430121", "gdp"), "signal"] == "红"  # 12.01 > 10 + 2·1
    assert got.loc[("430182", "gdp"), "signal"] == "蓝"  # 7.99 < 10 − 2·1
    assert got.loc[("430121", "emp_sec_A"), "signal"] == "蓝"  # negative: higher share lags
    assert pd.isna(got.loc[("430321", "gdp"), "signal"])
    assert got.loc[("430321", "gdp"), "rule"] == "历史波动为零，无法分档"
    idx = res.index_table()
    row = idx[(idx["region_code"] == "430121") & (idx["year"] == 2021)].iloc[0]
    # 红 5 and 蓝 1 → mean 3 → index 100, two alerts
    assert (row["index"], row["alerts"]) == (100.0, 2)


def test_trends_and_digest(warehouse: Path) -> None:
    con = store.connect(warehouse)
    try:
        tr = monitor_trends(con, indicators="gdp", changepoints=False)
        d = monitor_digest(
            con, county="长沙县", indicators="gdp,emp_sec_A", basis="level", window=3
        )
    finally:
        con.close()
    t = tr.tidy().set_index("region_code")
    assert t.loc["430182", "n"] == 9
    assert t.loc["430321", "trend"] == "无显著趋势"
    assert d.region_code == "430121" and d.year == 2021
    ch = d.tidy().set_index("indicator")
    # 2020: gdp 10 against 10, 11, 9 → 绿; 2021 红 → 新亮红灯; emp_sec_A 0.10 → 绿 → 蓝
    assert (ch.loc["gdp", "signal_prev"], ch.loc["gdp", "change"]) == ("绿", "新亮红灯")
    assert ch.loc["emp_sec_A", "change"] == "新亮蓝灯"
    assert "长沙县（430121）2021 年监测简报" in d.summary()


# ----------------------------------------------------------------------------- targets
def _target_file(path: Path) -> Path:
    rows = [
        ("长沙县", "湖南省", "地区生产总值", 2021, "11"),  # loaded (gdp)
        ("宁乡市", "", "gdp", 2021, "9"),  # loaded
        ("湘潭县", "", "gdp", 2021, "10000"),  # loaded
        ("湘潭县", "", "gdp", 2021, "10000"),  # identical repeat → skipped duplicate
        ("", "", "", "", ""),  # empty → skipped empty
        ("合计", "", "gdp", 2021, "30"),  # total → skipped subtotal
        ("长沙县", "", "gdp", 2022, ""),  # no target → skipped missing_value
        ("火星县", "", "gdp", 2021, "5"),  # → quarantined unknown_region
        ("长沙县", "", "幸福指数", 2021, "5"),  # → quarantined unknown_indicator
        ("长沙县", "", "gdp", "明年", "5"),  # → quarantined invalid_year
        ("长沙县", "", "gdp", 2023, "很多"),  # → quarantined non_numeric
        ("长沙县", "", "emp_sec_A", 2021, "1.5"),  # share > 1 → quarantined impossible_value
        ("韶山市", "", "gdp", 2021, "3"),  # conflicting pair → both quarantined
        ("韶山市", "", "gdp", 2021, "4"),
    ]
    frame = pd.DataFrame(rows, columns=["地区", "省份", "指标", "年份", "目标值"])
    out = path / "示例数据-年度目标.csv"
    frame.to_csv(out, index=False, encoding="utf-8")
    return out


def test_target_import_row_accounting(warehouse: Path, tmp_path: Path) -> None:
    rep = import_targets_file(_target_file(tmp_path), db=warehouse)
    # 14 rows = 3 loaded + 4 skipped + 7 quarantined
    assert (rep.rows_read, rep.rows_loaded, rep.rows_skipped, rep.rows_quarantined) == (14, 3, 4, 7)
    assert rep.skipped_by_reason == {"duplicate": 1, "empty": 1, "subtotal": 1, "missing_value": 1}
    assert rep.quarantined_by_reason == {
        "unknown_region": 1,
        "unknown_indicator": 1,
        "invalid_year": 1,
        "non_numeric": 1,
        "impossible_value": 1,
        "duplicate_conflict": 2,
    }
    con = store.connect(warehouse)
    try:
        t = read_targets(con)
        assert t[["region_code", "indicator", "year", "value"]].values.tolist() == [
            ["430121", "gdp", 2021, 11.0],
            ["430182", "gdp", 2021, 9.0],
            ["430321", "gdp", 2021, 10000.0],
        ]
        q = con.execute(
            "SELECT row_number, reason FROM quarantine WHERE batch_id = ? ORDER BY row_number",
            [rep.batch_id],
        ).fetchall()
        assert q[0] == (9, "unknown_region")  # header is row 1: 火星县 is the 8th data row
    finally:
        con.close()
    again = import_targets_file(_target_file(tmp_path), db=warehouse)
    assert again.status == "noop"


def test_signals_from_targets_and_typed_in_target(warehouse: Path, tmp_path: Path) -> None:
    import_targets_file(_target_file(tmp_path), db=warehouse)
    con = store.connect(warehouse)
    try:
        res = monitor_signals(con, method="target", indicators="gdp")
        got = res.signal_table().query("year == 2021").set_index("region_code")["signal"]
        # 长沙县 12.01 vs 11: +9.18 % → 绿; 宁乡 7.99 vs 9: −11.2 % → 蓝; 湘潭 10000 vs 10000 → 绿
        assert got.astype(str).to_dict() == {"430121": "绿", "430182": "蓝", "430321": "绿"}
        # typed in later: 长沙县 target 10 → 12.01 is +20.1 % → 红
        out = set_target(con, "430121", "地区生产总值", 2021, 10.0, account="planner")
        assert out["indicator"] == "gdp" and out["county"] == "长沙县"
        res2 = monitor_signals(con, method="target", indicators="gdp", county="长沙县")
        assert res2.signal_table().query("year == 2021")["signal"].astype(str).tolist() == ["红"]
        t = read_targets(con, "长沙县")
        assert t[["value", "account"]].values.tolist() == [[10.0, "planner"]]
        set_target(con, "430121", "gdp", 2021, None, account="planner")  # cleared
        assert read_targets(con, "长沙县").empty
        with pytest.raises(InputError, match="不在指标目录"):
            set_target(con, "430121", "幸福指数", 2021, 1.0, account="planner")
        with pytest.raises(InputError, match="不可能"):
            set_target(con, "430121", "emp_sec_A", 2021, 1.2, account="planner")
        with pytest.raises(InputError, match="账户"):
            set_target(con, "430121", "gdp", 2021, 1.0, account=" ")
        with pytest.raises(RegionError):
            set_target(con, "火星县", "gdp", 2021, 1.0, account="planner")
    finally:
        con.close()


def test_target_method_without_targets_is_a_clear_error(warehouse: Path) -> None:
    con = store.connect(warehouse)
    try:
        with pytest.raises(InputError, match="没有年度目标"):
            monitor_signals(con, method="target", indicators="gdp")
    finally:
        con.close()


def test_panel_of_a_stored_evaluation(warehouse: Path) -> None:
    from fixtures.warehouse import EVALUATION

    con = store.connect(warehouse)
    try:
        mp = monitor_panel(con, evaluation=EVALUATION)
        tr = monitor_trends(con, evaluation=EVALUATION, changepoints=False)
        with pytest.raises(InputError, match="没有评价结果"):
            monitor_panel(con, evaluation="无此评价")
    finally:
        con.close()
    assert "score" in set(mp.panel["indicator"])
    assert mp.names["score"] == "综合得分"
    assert {v for v in mp.directions.values()} == {"+"}
    # 2010 and 2020 only: two values per series (one for 姑苏区, formed 2012) → n < 3: no
    # statistics
    t = tr.tidy()
    row = t[(t["region_code"] == "430121") & (t["indicator"] == "score")].iloc[0]
    assert row["n"] == 2 and pd.isna(row["s"])
    assert set(t["n"]) == {1, 2}


def test_target_import_former_name_needs_harmonise(warehouse: Path, tmp_path: Path) -> None:
    # 宁乡县 became 宁乡市 (430182) in 2017: a 2021 target under the old name is quarantined
    # as former_region unless the import harmonises
    f = tmp_path / "old-name.csv"
    pd.DataFrame({"地区": ["宁乡县"], "指标": ["gdp"], "年份": [2021], "目标值": [9]}).to_csv(
        f, index=False
    )
    with pytest.raises(EmptyImportError, match="已不存在"):  # nothing loads: no batch
        import_targets_file(f, db=warehouse)
    rep = import_targets_file(f, db=warehouse, harmonise=True, source="targets:harmonised")
    assert rep.rows_loaded == 1
    con = store.connect(warehouse)
    try:
        assert read_targets(con)["region_code"].tolist() == ["430182"]
    finally:
        con.close()
