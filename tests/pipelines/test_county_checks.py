"""Every pipeline that takes a county checks it the same way
(:func:`xinzhi.pipelines.enterprise_data.county_code` → :func:`xinzhi.auth.accounts
.resolve_county`): 湘潭县 430321 is accepted by code, name and full name; 湘潭市 430300 (a
prefecture) and 湖南省 430000 (a province) are refused with the Chinese message of
:func:`xinzhi.auth.accounts.not_county_error` (an InputError → HTTP 400, CLI exit 2) instead of
being read as a county without firms, persons or demands; an unknown code is a RegionError
(→ 404). Regions of the small warehouse (real GB/T 2260 codes; values 示例数据). The enterprise
pipeline's check is tested with its firms in tests/enterprise/test_enterprise_pipelines.py."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest
from typer.testing import CliRunner

from fixtures.warehouse import SmallWarehouse
from xinzhi import store
from xinzhi.auth.accounts import COUNTY_KINDS
from xinzhi.cli import app
from xinzhi.errors import InputError, RegionError
from xinzhi.pipelines import enterprise_data
from xinzhi.pipelines import policy as pp
from xinzhi.pipelines import talent as tp
from xinzhi.pipelines import tech as tt

TAIL = f"请写县级单位（{COUNTY_KINDS}）的名称或 6 位区划代码"
PREFECTURE = f"430300 不是县级单位：430300 湘潭市是地级区划；{TAIL}"
PROVINCE = f"430000 不是县级单位：430000 湖南省是省级区划；{TAIL}"


@pytest.fixture()
def db(small_warehouse: SmallWarehouse, tmp_path: Path) -> Path:
    out = tmp_path / "w.duckdb"
    shutil.copy(small_warehouse.db, out)
    return out


@pytest.fixture()
def con(db: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    c = store.connect(db)
    try:
        yield c
    finally:
        c.close()


def test_county_code_accepts_a_county_and_refuses_the_rest(
    con: duckdb.DuckDBPyConnection,
) -> None:
    cc = enterprise_data.county_code
    assert cc(con, None) is None and cc(con, "  ") is None  # no county: every county
    assert cc(con, "430321") == "430321"
    assert cc(con, "湘潭县") == "430321"
    assert cc(con, " 湖南省湘潭市湘潭县 ") == "430321"
    with pytest.raises(InputError) as e:
        cc(con, "430300")
    assert str(e.value) == PREFECTURE
    with pytest.raises(InputError) as e:
        cc(con, "430000")
    assert str(e.value) == PROVINCE
    with pytest.raises(InputError) as e:
        cc(con, "湘潭市")
    assert str(e.value) == f"湘潭市 不是县级单位：430300 湘潭市是地级区划；{TAIL}"
    with pytest.raises(RegionError, match="区划表中没有代码 999999"):
        cc(con, "999999")


# one public entry point per pipeline; each returns something countable for a valid county
ENTRIES: dict[str, Callable[[duckdb.DuckDBPyConnection, str], Any]] = {
    "policy": lambda con, c: pp.list_documents(con, county=c),
    "talent": lambda con, c: tp.talent_frame(con, county=c),
    "tech": lambda con, c: tt.list_demands(con, county=c),
}


@pytest.mark.parametrize("pipeline", sorted(ENTRIES))
def test_pipeline_accepts_xiangtan_county(con: duckdb.DuckDBPyConnection, pipeline: str) -> None:
    by_code = ENTRIES[pipeline](con, "430321")
    by_name = ENTRIES[pipeline](con, "湘潭县")
    assert len(by_code) == len(by_name)
    if pipeline == "policy":  # the built-in library has documents that apply to 湘潭县
        assert list(by_code["id"]) == list(by_name["id"])


@pytest.mark.parametrize("pipeline", sorted(ENTRIES))
@pytest.mark.parametrize(
    ("county", "message"),
    [("430300", PREFECTURE), ("430000", PROVINCE)],
    ids=["prefecture", "province"],
)
def test_pipeline_refuses_prefecture_and_province(
    con: duckdb.DuckDBPyConnection, pipeline: str, county: str, message: str
) -> None:
    with pytest.raises(InputError) as e:
        ENTRIES[pipeline](con, county)
    assert str(e.value) == message


def test_talent_import_refuses_a_prefecture(con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    path = tmp_path / "人才.csv"
    path.write_text("姓名,学历\n张三,本科\n", encoding="utf-8")
    with pytest.raises(InputError) as e:
        tp.import_talents(path, kind="talents", county="430300", con=con, classify=False)
    assert str(e.value) == PREFECTURE


def test_tech_visible_county(con: duckdb.DuckDBPyConnection) -> None:
    assert tt.visible_county(con, None, "湘潭县") == "430321"  # type: ignore[arg-type]
    with pytest.raises(InputError) as e:
        tt.visible_county(con, None, "430300")  # type: ignore[arg-type]
    assert str(e.value) == PREFECTURE


@pytest.mark.parametrize(
    ("county", "message"),
    [("430300", PREFECTURE), ("430000", PROVINCE)],
    ids=["prefecture", "province"],
)
def test_policy_cli_refuses_prefecture_exit_2(
    db: Path, tmp_path: Path, county: str, message: str
) -> None:
    out = tmp_path / "check.csv"
    res = CliRunner().invoke(
        app, ["policy", "check", "--county", county, "--output", str(out), "--db", str(db)]
    )
    assert res.exit_code == 2, res.output
    assert message in res.output.replace("\n", "")
    assert "Traceback" not in res.output
    assert not out.exists()
