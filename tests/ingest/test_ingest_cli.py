"""``xinzhi import`` user errors: Chinese message, exit status 2."""

from __future__ import annotations

from typer.testing import CliRunner

from xinzhi.cli import app


def test_import_missing_file_exits_2(tmp_path):
    res = CliRunner().invoke(
        app, ["import", str(tmp_path / "nope.csv"), "--db", str(tmp_path / "w.duckdb")]
    )
    assert res.exit_code == 2
    assert "文件不存在或不可读" in res.output


def test_import_without_region_column_exits_2(tmp_path):
    f = tmp_path / "x.csv"
    f.write_text("名字,常住人口\n东城区,1\n", encoding="utf-8")
    res = CliRunner().invoke(
        app, ["import", str(f), "--year", "2020", "--db", str(tmp_path / "w.duckdb")]
    )
    assert res.exit_code == 2
    assert "找不到地区列" in res.output


def test_import_bad_format_option_exits_2(tmp_path):
    f = tmp_path / "x.csv"
    f.write_text("地区,常住人口\n东城区,1\n", encoding="utf-8")
    res = CliRunner().invoke(
        app, ["import", str(f), "--format", "tall", "--db", str(tmp_path / "w.duckdb")]
    )
    assert res.exit_code == 2
    assert "未知的格式" in res.output


def test_import_json_with_real_region_registry(tmp_path, data_dir):
    import json

    f = tmp_path / "县域.csv"
    f.write_text(
        "地区,地区生产总值(亿元),城镇化率(%)\n湘潭县,465.2,45.1\n朝阳区,1,1\n湖南省,2,2\n\n",
        encoding="gbk",
    )
    res = CliRunner().invoke(
        app, ["import", str(f), "--year", "2020", "--json", "--db", str(tmp_path / "w.duckdb")]
    )
    assert res.exit_code == 0, res.output
    rep = json.loads(res.output)
    assert rep["encoding"] == "gb18030"
    assert (rep["rows_read"], rep["rows_loaded"]) == (4, 1)  # the blank line is a row (empty)
    assert rep["quarantined_by_reason"] == {"ambiguous_region": 1}  # 朝阳区: 北京 or 长春
    assert rep["skipped_by_reason"] == {"subtotal": 1, "empty": 1}
    assert rep["source"] == "县域"
