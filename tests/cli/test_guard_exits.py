"""Issue #18 items 9 and 13: honest exits. Each bad input is a Chinese message and exit
status 2 (the REST API: a 4xx answer with the same message), and changes nothing."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from fixtures.guard_api import analyst_api, upload
from fixtures.snapshot import warehouse_state
from fixtures.warehouse import SmallWarehouse
from xinzhi.cli import app
from xinzhi.cli._common import json_text

WIDE = "地区,常住人口(人)\n湘潭县,100\n临颍县,200\n"
NOT_TEXT = "文件内容不是文本 CSV（含有 NUL 字节）：请另存为 UTF-8、GBK 或 UTF-16 编码的 CSV"


def run(*args: str):
    return CliRunner().invoke(app, list(args))


def flat(text: str) -> str:
    return text.replace("\n", "")


# ----------------------------------------------------------------------------- item 9
def test_long_table_without_the_unit_column(tmp_path: Path, data_dir: Path) -> None:
    body = "地区,年份,指标,数值\n湘潭县,2020,常住人口,100\n临颍县,2020,地区生产总值,3\n"
    f = tmp_path / "long.csv"
    f.write_text(body, encoding="utf-8")
    res = run("import", str(f), "--json", "--db", str(tmp_path / "w.duckdb"))
    assert res.exit_code == 0, res.output
    rep = json.loads(res.output)
    assert (rep["format"], rep["rows_loaded"], rep["values_loaded"]) == ("long", 2, 2)
    with analyst_api(tmp_path / "api.duckdb") as (client, h):
        r = upload(client, h, "long.csv", body.encode("utf-8"))
        assert r.status_code == 200, r.text
        assert r.json()["rows_loaded"] == 2


def test_a_cell_over_the_field_limit_through_the_api(tmp_path: Path, data_dir: Path) -> None:
    with analyst_api(tmp_path / "w.duckdb") as (client, h):
        data = ("地区,常住人口(人)\n湘潭县," + "9" * 131_073 + "\n").encode("utf-8")
        r = upload(client, h, "big.csv", data, year=2020)
        assert r.status_code == 400, r.text
        assert "第 2 行起的单元格超过 131072 个字符，无法读取" in r.json()["error"]["message"]


def test_recursive_yaml_anchor_in_a_system_file(tmp_path: Path) -> None:
    system = tmp_path / "rec.yaml"
    system.write_text("name: x\ndimensions: &d\n  - name: a\n    sub: *d\n", encoding="utf-8")
    res = run("evaluate", "--system", str(system), "--db", str(tmp_path / "w.duckdb"))
    assert res.exit_code == 2, res.output
    assert "YAML 中有递归的锚点引用" in flat(res.output)


def test_db_in_a_missing_directory(tmp_path: Path, data_dir: Path) -> None:
    f = tmp_path / "x.csv"
    f.write_text(WIDE, encoding="utf-8")
    missing = tmp_path / "nope" / "deeper"
    for args in (
        ["import", str(f), "--year", "2020", "--db", str(missing / "w.duckdb")],
        ["--db", str(missing / "w.duckdb"), "import", str(f), "--year", "2020"],
    ):
        res = run(*args)
        assert res.exit_code == 2, res.output
        assert f"数据仓库所在的目录不存在：{missing}（请先创建该目录，或换一个 --db 路径）" in flat(
            res.output
        )
    assert not (tmp_path / "nope").exists()


def test_markov_k_is_bounded_on_the_cli(tmp_path: Path) -> None:
    f = tmp_path / "p.csv"
    f.write_text("unit,year,score\na,2010,1\na,2011,2\nb,2010,3\nb,2011,1\n", encoding="utf-8")
    res = run("disparity", "markov", "--input", str(f), "--k", "1000")
    assert res.exit_code == 2, res.output
    assert "选项 k（状态数）不能大于 8，收到 1000" in res.output
    from xinzhi.registry.disparity import MARKOV

    assert MARKOV.option("k").maximum == 8  # the one declaration every surface reads


@pytest.mark.parametrize("port", ["99999", "0", "-1"])
def test_serve_with_an_impossible_port(tmp_path: Path, port: str) -> None:
    res = run("serve", f"--port={port}", "--db", str(tmp_path / "w.duckdb"))
    assert res.exit_code == 2, res.output
    assert f"端口 {port} 无效：应在 1–65535 之间" in res.output
    assert not (tmp_path / "w.duckdb").exists()


# ---------------------------------------------------------------------------- item 13
def test_datasets_verify_fails_when_files_are_missing(tmp_path: Path) -> None:
    empty = tmp_path / "mirror"
    empty.mkdir()
    res = run("--data-dir", str(empty), "datasets", "verify", "areacodes")
    assert res.exit_code == 2, res.output
    assert "缺失" in res.output and "个文件缺失" in flat(res.output)
    res = run("--data-dir", str(empty), "datasets", "verify", "areacodes", "--json")
    assert res.exit_code == 2
    assert json.loads(res.stdout)[0]["status"] == "missing"


def test_datasets_verify_passes_on_the_mirror(data_dir: Path) -> None:
    res = run("--data-dir", str(data_dir), "datasets", "verify", "areacodes")
    assert res.exit_code == 0, res.output


def test_json_never_prints_a_bare_nan() -> None:
    import numpy as np
    import pandas as pd

    text = json_text({"a": float("nan"), "b": [np.float64("inf"), pd.NA, pd.NaT, np.int64(3)]})
    assert json.loads(text) == {"a": None, "b": [None, None, None, 3]}
    assert "NaN" not in json_text('{"x": NaN, "y": -Infinity}')


def test_output_into_a_missing_directory_is_refused(tmp_path: Path) -> None:
    f = tmp_path / "p.csv"
    f.write_text("unit,year,score\na,2010,1\na,2011,2\nb,2010,3\nb,2011,1\n", encoding="utf-8")
    out = tmp_path / "nope" / "m.csv"
    res = run("disparity", "markov", "--input", str(f), "--k", "2", "--output", str(out))
    assert res.exit_code == 2, res.output
    assert f"输出文件 {out} 所在的目录不存在：{out.parent}（请先创建该目录）" in flat(res.output)
    assert not out.parent.exists()


def test_backup_into_a_missing_directory_is_refused(tmp_path: Path, data_dir: Path) -> None:
    db = tmp_path / "w.duckdb"
    f = tmp_path / "x.csv"
    f.write_text(WIDE, encoding="utf-8")
    assert run("import", str(f), "--year", "2020", "--db", str(db)).exit_code == 0
    out = tmp_path / "nope" / "b.duckdb"
    res = run("--db", str(db), "backup", "--output", str(out))
    assert res.exit_code == 2, res.output
    assert f"备份文件 {out} 所在的目录不存在：{out.parent}（请先创建该目录）" in flat(res.output)
    assert not out.parent.exists()


def test_save_with_an_empty_name_is_an_error(
    small_warehouse: SmallWarehouse, tmp_path: Path
) -> None:
    db = tmp_path / "w.duckdb"
    shutil.copy(small_warehouse.db, db)
    before = warehouse_state(db)
    for name in ("", "  "):
        res = run("evaluate", "--db", str(db), "--save", name)
        assert res.exit_code == 2, res.output
        assert "保存评价的名称（--save）不能为空" in res.output
    assert warehouse_state(db) == before


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_is_read_by_the_cli_and_the_server(
    tmp_path: Path, data_dir: Path, encoding: str
) -> None:
    data = WIDE.encode(encoding)
    f = tmp_path / "u16.csv"
    f.write_bytes(data)
    res = run("import", str(f), "--year", "2020", "--json", "--db", str(tmp_path / "w.duckdb"))
    assert res.exit_code == 0, res.output
    assert json.loads(res.output)["rows_loaded"] == 2
    with analyst_api(tmp_path / "api.duckdb") as (client, h):
        r = upload(client, h, "u16.csv", data, year=2020)
        assert r.status_code == 200, r.text
        assert r.json()["rows_loaded"] == 2


def test_binary_csv_is_refused_by_both_with_the_same_message(
    tmp_path: Path, data_dir: Path
) -> None:
    data = b"a,b\x00\x01"
    f = tmp_path / "bin.csv"
    f.write_bytes(data)
    res = run("import", str(f), "--year", "2020", "--db", str(tmp_path / "w.duckdb"))
    assert res.exit_code == 2, res.output
    assert NOT_TEXT in flat(res.output)
    with analyst_api(tmp_path / "api.duckdb") as (client, h):
        r = upload(client, h, "bin.csv", data, year=2020)
        assert r.status_code == 415
        assert r.json()["error"]["message"] == NOT_TEXT


@pytest.mark.parametrize(
    "args",
    [
        ["regions", "list", "--output", "{out}.csv"],
        ["evaluate", "--output", "{out}.csv"],
        ["typology", "--output", "{out}.csv"],
    ],
)
def test_other_outputs_into_a_missing_directory(tmp_path: Path, data_dir: Path, args) -> None:
    out = tmp_path / "nope" / "x"
    res = run("--db", str(tmp_path / "w.duckdb"), *[a.format(out=out) for a in args])
    assert res.exit_code == 2, res.output
    assert f"所在的目录不存在：{out.parent}（请先创建该目录）" in flat(res.output)
    assert not out.parent.exists()
