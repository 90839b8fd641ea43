"""Issue #18 item 4: a region name or code that did not exist in the data's year is quarantined
with its history and successor, never loaded as another unit; the crosswalk to the successor is
used only when the import asks for harmonisation (``--harmonise``). A county report for such a
name is refused with the history."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
from typer.testing import CliRunner

from fixtures.snapshot import warehouse_state
from fixtures.warehouse import SmallWarehouse
from xinzhi.cli import app

HINT = "；未自动对应到承继区划（如需按承继区划合并，导入时指定 --harmonise）"


def _import(f: Path, db: Path, *extra: str) -> dict:
    res = CliRunner().invoke(app, ["import", str(f), "--json", "--db", str(db), *extra])
    assert res.exit_code == 0, res.output
    return json.loads(res.output)


def _quarantine(db: Path) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(
            "SELECT row_number, reason, message FROM quarantine ORDER BY batch_id, row_number"
        ).fetchall()
    finally:
        con.close()


def test_abolished_names_are_quarantined_with_their_history(tmp_path: Path, data_dir: Path) -> None:
    f = tmp_path / "x.csv"
    f.write_text("地区,常住人口(人)\n崇文区,1\n宣武区,2\n新区,3\n东城区,4\n", encoding="utf-8")
    db = tmp_path / "w.duckdb"
    rep = _import(f, db, "--year", "2022")
    assert (rep["rows_loaded"], rep["quarantined_by_reason"]) == (1, {"former_region": 3})
    assert _quarantine(db) == [
        (
            2,
            "former_region",
            "名称 崇文区 为旧区划 110103 北京市崇文区（1981–2010 年），2022 年对应 110101 "
            "北京市东城区" + HINT,
        ),
        (
            3,
            "former_region",
            "名称 宣武区 为旧区划 110104 北京市宣武区（1981–2010 年），2022 年对应 110102 "
            "北京市西城区" + HINT,
        ),
        (
            4,
            "former_region",
            "名称 新区 为旧区划 130206 河北省唐山市新区（1983–2002 年），2022 年对应 130208 "
            "河北省唐山市丰润区" + HINT,
        ),
    ]
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert con.execute("SELECT region_code, value FROM current_observations").fetchall() == [
            ("110101", 4.0)
        ]
    finally:
        con.close()


def test_a_former_county_named_like_a_prefecture_of_the_year(
    tmp_path: Path, data_dir: Path
) -> None:
    # 巢湖市 in 2005 was the prefecture 341400; the county-level 巢湖市 had become 居巢区 in 1999
    f = tmp_path / "x.csv"
    f.write_text("地区,常住人口(人)\n巢湖市,1\n", encoding="utf-8")
    db = tmp_path / "w.duckdb"
    res = CliRunner().invoke(app, ["import", str(f), "--year", "2005", "--db", str(db)])
    assert res.exit_code == 2, res.output  # nothing loaded: no batch
    assert "地区名称或代码在数据年份已不存在" in res.output
    f2 = tmp_path / "y.csv"
    f2.write_text("地区,常住人口(人)\n巢湖市,1\n湘潭县,2\n", encoding="utf-8")
    _import(f2, db, "--year", "2005")
    assert _quarantine(db) == [
        (
            2,
            "former_region",
            "名称 巢湖市 为旧区划 342601 安徽省巢湖地区巢湖市（1982–1999 年），2005 年对应 341402 "
            "安徽省巢湖市居巢区；2005 年的巢湖市是地级区划 341400 安徽省巢湖市" + HINT,
        )
    ]


def test_harmonise_uses_the_crosswalk(tmp_path: Path, data_dir: Path) -> None:
    f = tmp_path / "x.csv"
    f.write_text("地区,常住人口(人)\n崇文区,1\n110104,2\n", encoding="utf-8")
    db = tmp_path / "w.duckdb"
    rep = _import(f, db, "--year", "2022", "--harmonise")
    assert (rep["rows_loaded"], rep["rows_quarantined"]) == (2, 0)
    con = duckdb.connect(str(db), read_only=True)
    try:
        got = con.execute(
            "SELECT region_code, value FROM current_observations ORDER BY 1"
        ).fetchall()
    finally:
        con.close()
    assert got == [("110101", 1.0), ("110102", 2.0)]  # 崇文 → 东城, 宣武 (110104) → 西城


def test_report_for_a_former_name_is_refused(
    small_warehouse: SmallWarehouse, tmp_path: Path, data_dir: Path
) -> None:
    db = tmp_path / "w.duckdb"
    shutil.copy(small_warehouse.db, db)
    before = warehouse_state(db)
    out = tmp_path / "r.pdf"
    res = CliRunner().invoke(
        app, ["report", "--county", "崇文区", "--year", "2020", "--db", str(db), "-o", str(out)]
    )
    assert res.exit_code == 2, res.output
    text = res.output.replace("\n", "")
    assert "“崇文区”在 2020 年已不是现行区划，不按承继区划出具报告" in text
    assert "110103 北京市崇文区（1981–2010 年），2020 年对应 110101 北京市东城区" in text
    assert not out.exists()
    assert warehouse_state(db) == before


def test_report_for_a_former_code_is_refused(
    small_warehouse: SmallWarehouse, tmp_path: Path, data_dir: Path
) -> None:
    db = tmp_path / "w.duckdb"
    shutil.copy(small_warehouse.db, db)
    res = CliRunner().invoke(
        app,
        ["report", "--county", "110103", "--year", "2020", "--db", str(db),
         "-o", str(tmp_path / "r.pdf")],
    )  # fmt: skip
    assert res.exit_code == 2, res.output
    assert "“110103”在 2020 年已不是现行区划" in res.output.replace("\n", "")
    assert not (tmp_path / "r.pdf").exists()
