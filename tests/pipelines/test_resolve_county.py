"""The pipelines' county look-ups agree with the accounts' check (xinzhi.auth.accounts.
resolve_county): xinzhi.pipelines.industry.resolve_county, the county report's
xinzhi.pipelines.report_sections.resolve_county and 我的数据 (xinzhi.pipelines.my_data) accept
湘潭县 430321 by code and by name and refuse 湘潭市 430300 and 湖南省 430000 as not county-level
(InputError, the same message), and an unknown code. Small warehouse (示例数据 values)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from fixtures.warehouse import EVALUATION, SmallWarehouse
from xinzhi import store
from xinzhi.auth.accounts import COUNTY_KINDS
from xinzhi.errors import DataUnavailableError, InputError, RegionError
from xinzhi.pipelines.industry import resolve_county as industry_county
from xinzhi.pipelines.my_data import county_values, local_user
from xinzhi.pipelines.report_context import load_report_context
from xinzhi.pipelines.report_sections import resolve_county as report_county

TAIL = f"请写县级单位（{COUNTY_KINDS}）的名称或 6 位区划代码"
PREFECTURE = f"430300 不是县级单位：430300 湘潭市是地级区划；{TAIL}"
PROVINCE = f"430000 不是县级单位：430000 湖南省是省级区划；{TAIL}"


def test_industry_resolve_county(small_warehouse: SmallWarehouse) -> None:
    con = store.connect(small_warehouse.db, read_only=True)
    try:
        assert industry_county(con, "430321") == ("430321", "湘潭县")
        assert industry_county(con, "湘潭县", 2020) == ("430321", "湘潭县")
        with pytest.raises(InputError) as e:
            industry_county(con, "430300")
        assert str(e.value) == PREFECTURE
        with pytest.raises(InputError) as e:
            industry_county(con, "430000")
        assert str(e.value) == PROVINCE
        with pytest.raises(InputError, match=r"^湘潭市 不是县级单位：430300 湘潭市是地级区划"):
            industry_county(con, "湘潭市", 2020)
        with pytest.raises(RegionError, match=r"^区划表中没有代码 439999："):
            industry_county(con, "439999")
    finally:
        con.close()


def test_report_resolve_county(small_warehouse: SmallWarehouse, data_dir: Path) -> None:
    ctx = load_report_context(db=small_warehouse.db, evaluation=EVALUATION, data_dir=data_dir)
    assert report_county(ctx, "430321", 2020) == "430321"
    assert report_county(ctx, "湘潭县", 2020) == "430321"
    with pytest.raises(InputError) as e:
        report_county(ctx, "430300", 2020)
    assert str(e.value) == PREFECTURE
    with pytest.raises(InputError) as e:
        report_county(ctx, "430000", 2020)
    assert str(e.value) == PROVINCE
    with pytest.raises(InputError, match=r"^湘潭市 不是县级单位：430300 湘潭市是地级区划"):
        report_county(ctx, "湘潭市", 2020)
    # a county without data in the warehouse is still "no data", not "not a county"
    with pytest.raises(DataUnavailableError, match="430102"):
        report_county(ctx, "430102", 2020)  # 芙蓉区 (长沙), not one of the 14 units
    with pytest.raises(DataUnavailableError, match="439999"):
        report_county(ctx, "439999", 2020)  # unknown code: no data (as before)


def test_my_data_refuses_province(small_warehouse: SmallWarehouse, tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    shutil.copy(small_warehouse.db, db)  # county_values creates the account tables
    con = store.connect(db)
    try:
        user = local_user()
        with pytest.raises(InputError) as e:
            county_values(con, user, "430000")
        assert str(e.value) == PROVINCE
        with pytest.raises(InputError) as e:
            county_values(con, user, "430300")
        assert str(e.value) == PREFECTURE
        assert set(county_values(con, user, "湘潭县", year=2020)["year"]) == {2020}
    finally:
        con.close()
