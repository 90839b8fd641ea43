"""``xinzhi data values | correct | map`` on a copy of the small warehouse (示例数据): values with
their provenance (terminal, file, JSON), a correction as a new batch by the local administrator
``cli:<system user>``, a user indicator mapped to a catalogue indicator; user errors exit 2 with
a Chinese message."""

from __future__ import annotations

import getpass
import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner, Result

from fixtures.warehouse import SmallWarehouse
from xinzhi.cli import app

runner = CliRunner()


@pytest.fixture
def db(small_warehouse: SmallWarehouse, tmp_path: Path) -> Path:
    path = tmp_path / "w.duckdb"
    shutil.copy(small_warehouse.db, path)
    return path


def _run(db: Path, *args: str) -> Result:
    return runner.invoke(app, ["--db", str(db), "data", *args])


def _me() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except Exception:
        return "cli:unknown"


def _values(db: Path, county: str, year: int) -> list[dict[str, object]]:
    r = _run(db, "values", "--county", county, "--year", str(year), "--json")
    assert r.exit_code == 0, r.output
    rows: list[dict[str, object]] = json.loads(r.output)
    return rows


def test_values_terminal_file_and_json(db: Path, tmp_path: Path) -> None:
    r = _run(db, "values", "--county", "湘潭县", "--year", "2010")
    assert r.exit_code == 0, r.output
    out = r.output
    assert "15–64 岁人口比重" in out and "导入人" in out and "0.7348" in out
    rows = {row["indicator"]: row for row in _values(db, "430321", 2010)}
    # the small warehouse's 示例数据 batch 1 holds 0.7348 for 湘潭县 2010
    row = rows["age_15_64_share"]
    assert (row["value"], row["batch_id"], row["source"]) == (0.7348, 1, "示例数据-县域指标")
    f = tmp_path / "values.xlsx"
    r = _run(db, "values", "--county", "湘潭县", "--year", "2010", "--output", str(f))
    assert r.exit_code == 0, r.output
    table = pd.read_excel(f, engine="openpyxl")
    assert len(table) == len(rows)
    assert list(table.columns[:4]) == ["indicator", "name_zh", "unit", "kind"]
    assert f"（{len(rows)} 个数值）" in r.output


def test_correct_is_a_new_batch_by_the_local_administrator(db: Path) -> None:
    r = _run(
        db,
        "correct",
        "--county",
        "湘潭县",
        "--indicator",
        "age_15_64_share",
        "--year",
        "2010",
        "--value",
        "0.74",
        "--note",
        "年鉴勘误",
    )
    assert r.exit_code == 0, r.output
    assert "导入完成" in r.output and "批次 2" in r.output
    row = {x["indicator"]: x for x in _values(db, "湘潭县", 2010)}["age_15_64_share"]
    assert (row["value"], row["batch_id"], row["imported_by"]) == (0.74, 2, _me())
    # the audit log names the command-line user, the old and the new value
    from xinzhi import auth, store

    con = store.connect(db)
    try:
        _, log = auth.read_audit(con, action="value_correct", limit=10)
        kept = con.execute(
            "SELECT value FROM observations WHERE batch_id = 1 AND region_code = '430321'"
            " AND year = 2010 AND indicator = 'age_15_64_share'"
        ).fetchall()
    finally:
        con.close()
    assert kept == [(0.7348,)]  # nothing overwritten
    (entry,) = log.to_dict("records")
    assert entry["user_name"] == _me() and entry["target"] == "430321:age_15_64_share:2010"
    assert '"from": 0.7348' in entry["detail"] and '"to": 0.74' in entry["detail"]


def test_correct_refuses_out_of_range_values(db: Path) -> None:
    args = ["correct", "--county", "湘潭县", "--indicator", "age_15_64_share", "--year", "2010"]
    r = _run(db, *args, "--value", "1.5")
    assert r.exit_code == 2
    assert "指标 15–64 岁人口比重 的数值应在 0～1（比例）之间，收到 1.5" in r.output
    r = _run(db, *args, "--value", "1", "--json")  # the upper edge is a possible share
    assert r.exit_code == 0, r.output
    assert json.loads(r.output)["values_loaded"] == 1
    r = _run(db, "values", "--county", "不存在县")
    assert r.exit_code == 2 and "错误：" in r.output


def test_map_a_user_indicator(db: Path, tmp_path: Path) -> None:
    f = tmp_path / "yb.csv"
    f.write_text("地区,规上工业总产值(亿元)\n湘潭县,12.5\n湘乡市,3\n", encoding="utf-8")
    r = runner.invoke(app, ["--db", str(db), "import", str(f), "--year", "2020"])
    assert r.exit_code == 0, r.output
    (user_ind,) = [x for x in _values(db, "湘潭县", 2020) if x["kind"] == "用户指标"]
    code = str(user_ind["indicator"])
    assert user_ind["value"] == 125_000.0  # 12.5 亿元 = 125,000 万元
    r = _run(db, "map", code, "industrial_va_above_scale", "--json")
    assert r.exit_code == 0, r.output
    rep = json.loads(r.output)
    assert rep["values_loaded"] == 2 and rep["indicators_loaded"] == ["industrial_va_above_scale"]
    for county, expected in (("湘潭县", 125_000.0), ("湘乡市", 30_000.0)):  # 3 亿元 = 30,000 万元
        rows = {x["indicator"]: x for x in _values(db, county, 2020)}
        got = rows["industrial_va_above_scale"]
        assert (got["value"], got["batch_id"], got["imported_by"]) == (
            expected,
            rep["batch_id"],
            _me(),
        )
    r = _run(db, "map", code, "age_15_64_share")
    assert r.exit_code == 2 and "无法换算" in r.output
