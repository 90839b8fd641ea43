"""The county check of accounts (xinzhi.auth.accounts.resolve_county / county_level_code), shared
by 我的数据, the pipelines' resolve_county and the county report: a county-level unit is
accepted by code and by name; a prefecture, a province or an unknown code is refused with a
Chinese message naming the value and what is expected. Regions of the small warehouse (real
GB/T 2260 codes; values 示例数据)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from fixtures.warehouse import SmallWarehouse
from xinzhi import store
from xinzhi.auth.accounts import (
    COUNTY_KINDS,
    add_user,
    county_level_code,
    resolve_county,
    set_role,
)
from xinzhi.errors import InputError, RegionError

EXPECTED = f"请写县级单位（{COUNTY_KINDS}）"


@pytest.fixture()
def con(small_warehouse: SmallWarehouse, tmp_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    db = tmp_path / "w.duckdb"
    shutil.copy(small_warehouse.db, db)
    c = store.connect(db)
    try:
        yield c
    finally:
        c.close()


def test_county_accepted_by_code_and_name(con: duckdb.DuckDBPyConnection) -> None:
    assert resolve_county(con, "430321") == "430321"  # 湘潭县 by code
    assert resolve_county(con, "湘潭县") == "430321"  # by name
    assert resolve_county(con, " 湖南省湘潭市湘潭县 ") == "430321"  # full name, spaces
    user = add_user(con, "xiangtan1", "correct-horse-1", "county", "湘潭县")
    assert user.county_code == "430321"


def test_prefecture_refused_by_code_and_name(con: duckdb.DuckDBPyConnection) -> None:
    with pytest.raises(InputError) as e:
        resolve_county(con, "430300")
    assert str(e.value) == (
        f"430300 不是县级单位：430300 湘潭市是地级区划；{EXPECTED}的名称或 6 位区划代码"
    )
    with pytest.raises(InputError) as e:
        resolve_county(con, "湘潭市")
    assert str(e.value).startswith("湘潭市 不是县级单位：430300 湘潭市是地级区划；")
    # an account cannot be given a prefecture (add and change of role)
    with pytest.raises(InputError, match="430300 不是县级单位"):
        add_user(con, "xiangtan2", "correct-horse-1", "county", "430300")
    add_user(con, "planner1", "correct-horse-1", "analyst")
    with pytest.raises(InputError, match="430300 不是县级单位"):
        set_role(con, "planner1", "county", "430300")


def test_province_refused_by_code_and_name(con: duckdb.DuckDBPyConnection) -> None:
    with pytest.raises(InputError) as e:
        resolve_county(con, "430000")
    assert str(e.value) == (
        f"430000 不是县级单位：430000 湖南省是省级区划；{EXPECTED}的名称或 6 位区划代码"
    )
    with pytest.raises(InputError, match=r"^湖南省 不是县级单位：430000 湖南省是省级区划"):
        resolve_county(con, "湖南省")


def test_unknown_code_refused(con: duckdb.DuckDBPyConnection) -> None:
    with pytest.raises(RegionError) as e:
        resolve_county(con, "439999")
    assert str(e.value) == f"区划表中没有代码 439999：{EXPECTED}的名称或 6 位区划代码"


def test_prefecture_city_without_counties_is_county_level() -> None:
    """东莞 441900 (不设区的地级市: no county code 4419xx) is county-level; 湘潭市 430300 (its
    counties 430321 … share 4303) and 湖南省 are not; a former county code (宁乡县 430124,
    abolished 2017) is still county-level."""
    t = pd.DataFrame(
        {
            "code": ["430000", "430300", "430321", "430124", "441900", "440000"],
            "name": ["湖南省", "湘潭市", "湘潭县", "宁乡县", "东莞市", "广东省"],
            "level": ["province", "prefecture", "county", "county", "prefecture", "province"],
            "end_year": [None, None, None, 2017, None, None],
        }
    )
    assert county_level_code(t, "441900") == "441900"
    assert county_level_code(t, "430124") == "430124"
    with pytest.raises(InputError, match=r"^430300 不是县级单位"):
        county_level_code(t, "430300")
    with pytest.raises(InputError, match=r"^440000 不是县级单位：440000 广东省是省级区划"):
        county_level_code(t, "440000")


def test_empty_regions_table_uses_the_mirror(tmp_path: Path, data_dir: Path) -> None:
    """A warehouse with nothing imported (empty ``regions``): the public mirror's registry
    decides, with the same answers."""
    c = store.connect(tmp_path / "fresh.duckdb")
    try:
        assert c.execute("SELECT count(*) FROM regions").fetchone() == (0,)
        assert resolve_county(c, "430321") == "430321"
        with pytest.raises(InputError, match=r"^430300 不是县级单位：430300 湘潭市是地级区划"):
            resolve_county(c, "430300")
    finally:
        c.close()


def test_module_doctests() -> None:
    """The examples of :mod:`xinzhi.auth.accounts` hold (the module is not in
    tests/test_doctests.py's list)."""
    import doctest

    from xinzhi.auth import accounts

    res = doctest.testmod(accounts)
    assert (res.failed, res.attempted) == (0, 3)
