"""A county's own data (xinzhi.pipelines.my_data): values with their provenance, corrections and
user-indicator mappings as new batches, access by county, audit entries."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from fixtures.accounts import user_of, warehouse_with_accounts
from xinzhi import auth
from xinzhi.auth.policy import AccessDenied
from xinzhi.errors import InputError
from xinzhi.ingest import import_file
from xinzhi.pipelines.my_data import correct_value, county_values, map_user_indicator


@pytest.fixture
def con(small_warehouse: Any, tmp_path: Path) -> Any:
    c = warehouse_with_accounts(small_warehouse, tmp_path, ("分析员", "湘潭县", "湘乡市"))
    yield c
    c.close()


def test_values_with_provenance_and_a_correction_that_keeps_the_old_value(con: Any) -> None:
    analyst, county = user_of(con, "分析员"), user_of(con, "湘潭县")
    # the 示例数据 batch has no owner: analysts see it, a county account sees public data and
    # its own county's uploads only
    assert county_values(con, county, "湘潭县", year=2010).empty
    v = county_values(con, analyst, "湘潭县", year=2010)
    row = v[v["indicator"] == "age_15_64_share"].iloc[0]
    # the small warehouse's 示例数据 batch 1 holds 0.7348 for 湘潭县 2010
    assert (row["value"], row["batch_id"], row["kind"], row["unit"]) == (
        0.7348,
        1,
        "目录指标",
        "比例",
    )
    assert row["source"] == "示例数据-县域指标" and len(row["imported_at"]) == 19

    rep = correct_value(
        con, county, "430321", "age_15_64_share", 2010, 0.74, note="年鉴勘误", ip="10.1.1.1"
    )
    assert rep.batch_id == 2 and rep.values_loaded == 1
    for who in (county, analyst):
        v = county_values(con, who, "湘潭县", year=2010)
        row = v[v["indicator"] == "age_15_64_share"].iloc[0]
        assert (row["value"], row["batch_id"], row["imported_by"]) == (0.74, 2, "湘潭县")
    # nothing overwritten: batch 1 still holds 0.7348
    kept = con.execute(
        "SELECT value FROM observations WHERE batch_id = 1 AND region_code = '430321'"
        " AND year = 2010 AND indicator = 'age_15_64_share'"
    ).fetchall()
    assert kept == [(0.7348,)]
    # a second correction of the same cell supersedes the first correction only
    rep2 = correct_value(con, county, "430321", "age_15_64_share", 2010, 0.745)
    assert rep2.superseded == [2]
    _, log = auth.read_audit(con, limit=10)
    first = log[log["action"] == "value_correct"].sort_values("audit_id").iloc[0]
    assert first["target"] == "430321:age_15_64_share:2010" and first["user_name"] == "湘潭县"
    assert '"from": 0.7348' in first["detail"] and '"to": 0.74' in first["detail"]
    assert '"note": "年鉴勘误"' in first["detail"] and first["ip"] == "10.1.1.1"


def test_refusals(con: Any) -> None:
    county = user_of(con, "湘潭县")
    with pytest.raises(AccessDenied):
        county_values(con, county, "湘乡市")
    with pytest.raises(AccessDenied):
        correct_value(con, county, "湘乡市", "age_15_64_share", 2010, 0.5)
    # a share is within [0, 1]
    with pytest.raises(InputError, match=r"应在 0～1（比例）之间，收到 1\.5"):
        correct_value(con, county, "湘潭县", "age_15_64_share", 2010, 1.5)
    with pytest.raises(InputError, match="430300 不是县级单位"):
        county_values(con, user_of(con, "分析员"), "430300")  # 湘潭市, a prefecture
    with pytest.raises(InputError, match="没有指标 nope"):
        correct_value(con, county, "湘潭县", "nope", 2010, 1)
    analyst = user_of(con, "分析员")
    assert county_values(con, analyst, "湘潭县", year=2010)["batch_id"].max() == 1  # unchanged


def test_map_user_indicator_to_catalogue(con: Any, tmp_path: Path) -> None:
    analyst = user_of(con, "分析员")
    f = tmp_path / "yb.csv"
    f.write_text("地区,规上工业总产值(亿元)\n湘潭县,12.5\n湘乡市,3\n", encoding="utf-8")
    rep = import_file(f, con=con, year=2020, user_name="分析员")
    ((header, new),) = rep.columns_new.items()
    code = new.split("（")[1].split("，")[0]
    assert header == "规上工业总产值(亿元)" and "单位 万元" in new
    v = county_values(con, analyst, "湘潭县", year=2020)
    assert v.loc[v["indicator"] == code, "value"].tolist() == [
        125_000.0
    ]  # 12.5 亿元 = 125,000 万元
    assert v.loc[v["indicator"] == code, "kind"].tolist() == ["用户指标"]
    # the user says the column is 规模以上工业增加值 (both in 万元: factor 1)
    mapped = map_user_indicator(con, analyst, code, "industrial_va_above_scale")
    assert mapped.values_loaded == 2 and mapped.indicators_loaded == ["industrial_va_above_scale"]
    v = county_values(con, analyst, "湘潭县", year=2020)
    got = dict(zip(v["indicator"], v["value"], strict=True))
    assert got["industrial_va_above_scale"] == 125_000.0 and got[code] == 125_000.0
    with pytest.raises(InputError, match="不是用户指标"):
        map_user_indicator(con, analyst, "age_15_64_share", "gdp")
    with pytest.raises(InputError, match="无法换算"):
        map_user_indicator(con, analyst, code, "age_15_64_share")  # 万元 → 比例
