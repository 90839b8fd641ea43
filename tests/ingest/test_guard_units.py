"""Issue #18 item 2: a value whose own unit contradicts its column's unit (``12%`` under
``地区生产总值(亿元)``) is quarantined with the reason, on the CLI and through the API."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
from typer.testing import CliRunner

from fixtures.guard_api import analyst_api, upload
from xinzhi.cli import app
from xinzhi.ingest import import_file

WIDE = "地区,地区生产总值(亿元),城镇化率(%)\n湘潭县,12%,45.1\n临颍县,465.2,40%\n"


def test_percent_in_a_money_column_is_quarantined(tmp_path: Path, resolver) -> None:
    f = tmp_path / "gdp.csv"
    f.write_text(WIDE, encoding="utf-8")
    db = tmp_path / "w.duckdb"
    rep = import_file(f, year=2020, db=db, resolver=resolver)
    assert (rep.rows_read, rep.rows_loaded, rep.rows_quarantined) == (2, 1, 1)
    assert rep.quarantined_by_reason == {"unit_conflict": 1}
    con = duckdb.connect(str(db), read_only=True)
    try:
        q = con.execute("SELECT row_number, reason, message FROM quarantine").fetchall()
        obs = con.execute(
            "SELECT region_code, indicator, value FROM current_observations ORDER BY indicator"
        ).fetchall()
    finally:
        con.close()
    assert q == [
        (
            2,
            "unit_conflict",
            "单元格“12%”带百分号/千分号，而列“地区生产总值(亿元)”的单位为 亿元",
        )
    ]
    # 临颍县: 465.2 亿元 = 4,652,000 万元; 40% in a share column = 0.40
    assert obs == [("411122", "gdp", 4652000.0), ("411122", "urban_share", 0.4)]


def test_percent_in_a_long_money_record_is_quarantined(tmp_path: Path, resolver) -> None:
    f = tmp_path / "long.csv"
    f.write_text(
        "地区,年份,指标,数值,单位\n湘潭县,2020,地区生产总值,12%,亿元\n"
        "湘潭县,2020,户籍人口,5‰,人\n临颍县,2020,地区生产总值,465.2,亿元\n",
        encoding="utf-8",
    )
    rep = import_file(f, db=tmp_path / "w.duckdb", resolver=resolver)
    assert (rep.rows_read, rep.rows_loaded, rep.rows_quarantined) == (3, 1, 2)
    assert rep.quarantined_by_reason == {"unit_conflict": 2}


def test_cli_json_shows_the_quarantine(tmp_path: Path, data_dir: Path) -> None:
    f = tmp_path / "gdp.csv"
    f.write_text(WIDE, encoding="utf-8")
    res = CliRunner().invoke(
        app, ["import", str(f), "--year", "2020", "--json", "--db", str(tmp_path / "w.duckdb")]
    )
    assert res.exit_code == 0, res.output
    rep = json.loads(res.output)
    assert (rep["rows_loaded"], rep["quarantined_by_reason"]) == (1, {"unit_conflict": 1})


def test_api_upload_quarantines_the_percent(tmp_path: Path, data_dir: Path) -> None:
    with analyst_api(tmp_path / "w.duckdb") as (client, h):
        r = upload(client, h, "gdp.csv", WIDE.encode("utf-8"), year=2020)
        assert r.status_code == 200, r.text
        body = r.json()
        assert (body["rows_loaded"], body["quarantined_by_reason"]) == (1, {"unit_conflict": 1})
        q = client.get(f"/api/imports/{body['batch_id']}/quarantine", headers=h)
        assert "单元格“12%”带百分号/千分号，而列“地区生产总值(亿元)”的单位为 亿元" in (
            q.content.decode("utf-8-sig")
        )
