"""The typology's user-data indicators (森林覆盖率, 国家重点生态功能区, 应用场景试验区数量) are in
the catalogue: imported from a user's GBK file with % and yes/no columns, they decide the
ecological and scene types of ``rules.yaml`` for the counties that have them."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from xinzhi.indicators.catalogue import load_catalogue
from xinzhi.ingest import import_file
from xinzhi.pipelines.typology import classify_counties


def test_catalogue_entries_and_bounds() -> None:
    cat = load_catalogue()
    assert cat.match("森林覆盖率(%)") == "forest_cover"
    assert cat.match("国家重点生态功能区") == "eco_function_zone"
    assert cat.match("应用场景试验区数量") == "scene_pilot_count"
    flag = cat["eco_function_zone"]
    assert (flag.lower, flag.upper) == (0.0, 1.0)
    assert (cat["scene_pilot_count"].lower, cat["scene_pilot_count"].upper) == (0.0, None)


@pytest.mark.slow
def test_imported_user_data_decides_types(public_warehouse: Path, tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    shutil.copy(public_warehouse, db)
    csv = tmp_path / "生态与场景.csv"
    csv.write_bytes(
        "地区,森林覆盖率(%),国家重点生态功能区,应用场景试验区数量\n"
        "430321,65.2,0,0\n"  # 湘潭县: forest cover 0.652 >= 0.6
        "320583,12.0,0,2\n"  # 昆山市: two scene pilots
        "430922,40,1,0\n"  # 桃江县: listed function zone
        "430923,140,0,0\n".encode("gbk")  # 140 % is impossible: quarantined
    )
    rep = import_file(csv, year=2020, db=db)
    assert (rep.rows_read, rep.rows_loaded, rep.rows_quarantined) == (4, 3, 1)
    res = classify_counties(2020, db=db)
    t = res.result.table.set_index("region_code")
    assert res.features.set_index("region_code").loc["430321", "forest_cover"] == pytest.approx(
        0.652
    )
    assert "生态价值转化型" in t.loc["430321", "matched_types"]
    assert "森林覆盖率" in t.loc["430321", "evidence"]
    assert "应用场景创新型" in t.loc["320583", "matched_types"]
    assert "生态价值转化型" in t.loc["430922", "matched_types"]
    assert "应用场景创新型" not in t.loc["430321", "matched_types"]
