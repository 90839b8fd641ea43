"""Issue #18 item 6: an unterminated quote must not merge data lines silently — the lines it
swallowed are quarantined one by one (rows read count the physical data lines). Item 9: a cell
over 131,072 characters is a Chinese error (exit 2), not a traceback."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
from typer.testing import CliRunner

from fixtures.snapshot import warehouse_state
from xinzhi.cli import app
from xinzhi.ingest import import_file


def _quarantine(db: Path) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(
            "SELECT row_number, reason, message FROM quarantine ORDER BY 1"
        ).fetchall()
    finally:
        con.close()


def test_unterminated_quote_to_the_end_of_the_file(tmp_path: Path, resolver) -> None:
    f = tmp_path / "x.csv"
    f.write_text('地区,常住人口(人)\n西城区,4\n"湘潭县,1\n临颍县,2\n东城区,3\n', encoding="utf-8")
    db = tmp_path / "w.duckdb"
    rep = import_file(f, year=2020, db=db, resolver=resolver)
    # 4 data lines (2–5): 西城区 loads, the three lines from the stray quote on are quarantined
    assert (rep.rows_read, rep.rows_loaded, rep.rows_quarantined) == (4, 1, 3)
    note = "第 3–5 行：引号未闭合（unterminated quote），这 3 行被读成了一条记录"
    assert _quarantine(db) == [
        (3, "broken_quote", note),
        (4, "broken_quote", note),
        (5, "broken_quote", note),
    ]


def test_quote_closed_lines_later(tmp_path: Path, resolver) -> None:
    f = tmp_path / "x.csv"
    f.write_text('地区,常住人口(人)\n湘潭县,"1\n临颍县,2\n东城区,3"\n西城区,4\n', encoding="utf-8")
    db = tmp_path / "w.duckdb"
    rep = import_file(f, year=2020, db=db, resolver=resolver)
    assert (rep.rows_read, rep.rows_loaded, rep.rows_quarantined) == (4, 1, 3)
    assert [r[0] for r in _quarantine(db)] == [2, 3, 4]
    assert rep.regions_loaded == 1  # 西城区 only


def test_a_header_cell_over_two_lines_is_still_a_header(tmp_path: Path, resolver) -> None:
    f = tmp_path / "x.csv"
    f.write_text('地区,"常住人口\n(人)"\n湘潭县,1\n临颍县,2\n', encoding="utf-8")
    rep = import_file(f, year=2020, db=tmp_path / "w.duckdb", resolver=resolver)
    assert (rep.rows_read, rep.rows_loaded, rep.rows_quarantined) == (2, 2, 0)


def test_cli_reports_the_broken_lines(tmp_path: Path, data_dir: Path) -> None:
    f = tmp_path / "x.csv"
    f.write_text('地区,常住人口(人)\n西城区,4\n"湘潭县,1\n临颍县,2\n东城区,3\n', encoding="utf-8")
    res = CliRunner().invoke(
        app, ["import", str(f), "--year", "2020", "--json", "--db", str(tmp_path / "w.duckdb")]
    )
    assert res.exit_code == 0, res.output
    rep = json.loads(res.output)
    assert (rep["rows_read"], rep["quarantined_by_reason"]) == (4, {"broken_quote": 3})


def test_a_cell_over_the_field_limit_is_a_chinese_error(tmp_path: Path, data_dir: Path) -> None:
    db = tmp_path / "w.duckdb"
    ok = tmp_path / "ok.csv"
    ok.write_text("地区,常住人口(人)\n湘潭县,1\n", encoding="utf-8")
    assert (
        CliRunner().invoke(app, ["import", str(ok), "--year", "2020", "--db", str(db)]).exit_code
        == 0
    )
    before = warehouse_state(db)
    f = tmp_path / "big.csv"
    f.write_text("地区,常住人口(人)\n湘潭县," + "9" * 131_073 + "\n", encoding="utf-8")
    res = CliRunner().invoke(app, ["import", str(f), "--year", "2020", "--db", str(db)])
    assert res.exit_code == 2, res.output
    assert "第 2 行起的单元格超过 131072 个字符，无法读取" in res.output.replace("\n", "")
    assert warehouse_state(db) == before
