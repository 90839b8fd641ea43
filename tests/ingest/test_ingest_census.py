"""Built-in census readers on the real public files; spot values checked against the sources.

Literal source values (census_county_{2010,2020}_v1.xlsx, rows 湘潭县 430321 and 东城区 110101):
2010 湘潭县: 合计 917616, 城镇人口 237322, 乡村人口 680294, 平均受教育年限 8.7, 65岁及以上 12.14 %,
各种行业人口总计 47831, 制造业 3799, “交通运输、计算机服务和软件业”列 (= 2002 版 G 信息传输计算机
服务软件) 153, “信息传输、批发和零售业”列 (= 批发零售) 2727, 人均住房建筑面积 44.51.
2020 湘潭县: 人口数_合计 792829, 城镇人口 357475, 乡村人口 435354, 平均受教育年限 9.15,
人口比重_65岁及以上 18.95, 各种行业人口总计 40529, 制造业 5787, 信息传输软件和信息技术服务业 253.
"""

from __future__ import annotations

import numpy as np
import pytest

from xinzhi import store
from xinzhi.ingest import import_census, import_tudigong


@pytest.fixture(scope="module")
def warehouse(data_dir, tmp_path_factory):
    db = tmp_path_factory.mktemp("census") / "w.duckdb"
    con = store.connect(db)
    reports = {
        ds: import_census(ds, con=con, data_dir=data_dir) for ds in ("census2010", "census2020")
    }
    yield con, reports
    con.close()


def _v(con, code: str, ind: str, year: int) -> float:
    return con.execute(
        "SELECT value FROM current_observations WHERE region_code=? AND indicator=? AND year=?",
        [code, ind, year],
    ).fetchone()[0]


def test_spot_values_2010(warehouse):
    con, _ = warehouse
    assert _v(con, "430321", "pop_total", 2010) == 917616
    assert _v(con, "430321", "urban_share", 2010) == pytest.approx(237322 / (237322 + 680294))
    assert _v(con, "430321", "schooling_years", 2010) == pytest.approx(8.7)
    assert _v(con, "430321", "age_65p_share", 2010) == pytest.approx(0.1214)
    assert _v(con, "430321", "emp_sec_C", 2010) == pytest.approx(3799 / 47831)
    assert _v(con, "430321", "emp_sec_I", 2010) == pytest.approx(153 / 47831)  # 2002 G → 2017 I
    assert _v(con, "430321", "emp_sec_F", 2010) == pytest.approx(2727 / 47831)  # 2002 H → 2017 F
    assert _v(con, "430321", "housing_area_pc", 2010) == pytest.approx(44.51)
    assert _v(con, "110101", "pop_total", 2010) == 573180
    # 崇文区 was merged into 东城区 in July 2010 but the census lists it: kept under its own code
    assert _v(con, "110103", "pop_total", 2010) == 346073


def test_spot_values_2020(warehouse):
    con, _ = warehouse
    assert _v(con, "430321", "pop_total", 2020) == 792829
    assert _v(con, "430321", "urban_share", 2020) == pytest.approx(357475 / (357475 + 435354))
    assert _v(con, "430321", "schooling_years", 2020) == pytest.approx(9.15)
    assert _v(con, "430321", "age_65p_share", 2020) == pytest.approx(0.1895)
    assert _v(con, "430321", "emp_sec_C", 2020) == pytest.approx(5787 / 40529)
    assert _v(con, "430321", "emp_sec_I", 2020) == pytest.approx(253 / 40529)
    assert _v(con, "110101", "pop_total", 2020) == 708829
    # prefecture-level city without counties is a county-level unit, not a subtotal
    assert _v(con, "441900", "pop_total", 2020) == 10466625


def test_counts_and_reasons(warehouse):
    _, reports = warehouse
    r10, r20 = reports["census2010"], reports["census2020"]
    assert (r10.rows_read, r10.rows_loaded, r10.rows_quarantined, r10.rows_skipped) == (
        3279,
        2859,
        11,
        409,
    )
    assert r10.skipped_by_reason == {"subtotal": 376, "empty": 33}
    assert r10.quarantined_by_reason == {"unknown_region": 8, "impossible_value": 3}
    assert (r20.rows_read, r20.rows_loaded, r20.rows_quarantined, r20.rows_skipped) == (
        3358,
        2848,
        139,
        371,
    )
    assert r20.skipped_by_reason == {"subtotal": 371}
    assert r20.quarantined_by_reason == {"unknown_region": 139}  # development zones (x7x codes)
    assert len(r20.indicators_loaded) == 50 and len(r10.indicators_loaded) == 48


def test_wide_read_for_evaluation(warehouse):
    con, _ = warehouse
    wide = store.read_wide(con, ["pop_total", "edu_college_share"], [2010, 2020])
    assert list(wide.columns) == ["region_code", "year", "pop_total", "edu_college_share"]
    assert wide.groupby("year").size().to_dict() == {2010: 2859, 2020: 2847}
    shares = wide["edu_college_share"].to_numpy()
    assert np.nanmin(shares) >= 0 and np.nanmax(shares) <= 1


def test_reimport_is_noop(warehouse, data_dir):
    con, reports = warehouse
    again = import_census("census2020", con=con, data_dir=data_dir)
    assert again.status == "noop" and again.batch_id == reports["census2020"].batch_id
    assert con.execute("SELECT count(*) FROM import_batches").fetchone()[0] == 2


def test_tudigong_agrees_with_census2020(data_dir, tmp_path):
    con = store.connect(tmp_path / "t.duckdb")
    import_census("census2020", con=con, data_dir=data_dir)
    rep = import_tudigong(con=con, data_dir=data_dir)
    assert rep.rows_read == 2991 and rep.rows_loaded == 2850
    diff = con.execute(
        """SELECT a.indicator, avg((abs(a.value - b.value) <= CASE a.indicator
                  WHEN 'housing_area_pc' THEN 0.0051 ELSE 5.1e-5 END)::INT)
           FROM observations a JOIN observations b USING (region_code, year, indicator)
           WHERE a.batch_id = 1 AND b.batch_id = 2 AND a.indicator IN
             ('urban_share', 'emp_sec_C', 'emp_sec_I', 'occ_2', 'age_65p_share', 'housing_area_pc')
           GROUP BY 1 ORDER BY 1"""
    ).fetchall()
    share = dict(diff)
    assert len(share) == 6
    # tudigong rounds shares to 4 decimals and areas to 2: agreement within rounding for ≥ 99.9 %
    assert min(share.values()) >= 0.999, share
