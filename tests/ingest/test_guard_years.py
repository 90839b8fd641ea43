"""Issue #18 item 3: one year rule for ``--year`` and a year column — 1981 (start of the
region history) ≤ year ≤ the current year — and region codes checked against the history of
every year (no bypass for early years)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from fixtures.guard_api import analyst_api, upload
from fixtures.snapshot import warehouse_state
from xinzhi.cli import app
from xinzhi.errors import InputError
from xinzhi.ingest import import_file

RULE = "数据年份须在 1981–{last} 年之间（区划历史从 1981 年起，不能晚于今年）"
TODAY = date(2026, 12, 4)


@pytest.mark.parametrize("year", ["-5", "0", "99999", "1950", "1980"])
def test_impossible_year_option_is_refused(tmp_path: Path, year: str) -> None:
    db = tmp_path / "w.duckdb"
    own = tmp_path / "own.csv"
    own.write_text("区划代码,地区,常住人口(人)\n430321,湘潭县,100\n", encoding="utf-8")
    assert (
        CliRunner().invoke(app, ["import", str(own), "--year", "2020", "--db", str(db)]).exit_code
        == 0
    )
    before = warehouse_state(db)
    f = tmp_path / "x.csv"
    f.write_text("区划代码,地区,常住人口(人)\n110118,密云区,100\n", encoding="utf-8")
    res = CliRunner().invoke(app, ["import", str(f), f"--year={year}", "--db", str(db)])
    assert res.exit_code == 2, res.output
    last = date.today().year
    assert f"年份 {year} 无效：{RULE.format(last=last)}" in res.output
    assert warehouse_state(db) == before


def test_the_option_bounds_are_inclusive(tmp_path: Path, resolver) -> None:
    f = tmp_path / "x.csv"
    f.write_text("地区,常住人口(人)\n湘潭县,100\n", encoding="utf-8")
    for year in (1981, 2026):  # both ends load
        rep = import_file(f, year=year, source=f"s{year}", db=tmp_path / "w.duckdb",
                          resolver=resolver, today=TODAY)  # fmt: skip
        assert rep.years == [year]
    with pytest.raises(InputError, match=r"年份 2027 无效：数据年份须在 1981–2026 年之间"):
        import_file(f, year=2027, db=tmp_path / "w.duckdb", resolver=resolver, today=TODAY)


def test_year_cells_outside_the_rule_are_quarantined(tmp_path: Path, resolver) -> None:
    f = tmp_path / "x.csv"
    f.write_text(
        "地区,年份,常住人口(人)\n湘潭县,1950,1\n湘潭县,1980,2\n湘潭县,1981,3\n"
        "湘潭县,2026,4\n湘潭县,2027,5\n湘潭县,99999,6\n湘潭县,abc,7\n",
        encoding="utf-8",
    )
    db = tmp_path / "w.duckdb"
    rep = import_file(f, db=db, resolver=resolver, today=TODAY)
    assert (rep.rows_read, rep.rows_loaded, rep.rows_quarantined) == (7, 2, 5)
    assert rep.years == [1981, 2026]
    con = duckdb.connect(str(db), read_only=True)
    try:
        q = con.execute("SELECT row_number, reason, message FROM quarantine ORDER BY 1").fetchall()
    finally:
        con.close()
    rule = RULE.format(last=2026)
    assert q == [
        (2, "invalid_year", f"年份 1950 无效：{rule}"),
        (3, "invalid_year", f"年份 1980 无效：{rule}"),
        (6, "invalid_year", f"年份 2027 无效：{rule}"),
        (7, "invalid_year", f"年份 99999 无效：{rule}"),
        (8, "invalid_year", "年份缺失或无效"),
    ]


def test_a_code_is_checked_against_the_history_of_its_year(tmp_path: Path, data_dir: Path) -> None:
    # 110118 密云区 exists from 2015 (密云县 110228 before): the 2014 row is not loaded
    f = tmp_path / "x.csv"
    f.write_text(
        "区划代码,年份,常住人口(人)\n110118,1981,1\n110118,2014,2\n110118,2015,3\n",
        encoding="utf-8",
    )
    rep = import_file(f, db=tmp_path / "w.duckdb")
    assert (rep.rows_loaded, rep.rows_quarantined, rep.years) == (1, 2, [2015])


def test_api_refuses_the_year_too(tmp_path: Path, data_dir: Path) -> None:
    with analyst_api(tmp_path / "w.duckdb") as (client, h):
        r = upload(client, h, "x.csv", "地区,常住人口(人)\n湘潭县,1\n".encode(), year=1950)
        assert r.status_code == 400, r.text
        assert r.json()["error"]["message"].startswith("年份 1950 无效：数据年份须在 1981–")
        cur = client.app.state.db.cursor()
        assert cur.execute("SELECT count(*) FROM import_batches").fetchall() == [(0,)]
        cur.close()
