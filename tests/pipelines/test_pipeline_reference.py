"""Pipelines the surfaces call for reference data and administration: regions, indicator-system
files, the comparison of two rankings, firm-matrix years and the warehouse check of backups."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import pytest

from xinzhi.errors import ConfigError, InputError
from xinzhi.pipelines.backup import backup_warehouse, check_warehouse_file, restore_warehouse
from xinzhi.pipelines.comparison import compare_rankings
from xinzhi.pipelines.firms import firm_matrix_table
from xinzhi.pipelines.regions import list_regions, resolve_names
from xinzhi.pipelines.systems import builtin_systems, load_system_file, system_table


def test_resolve_names_flags_what_resolved(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XINZHI_DATA_DIR", str(data_dir))
    res = resolve_names(["湘潭县", "湘乡县", "无此县"])
    assert res["code"].iloc[0] == "430321" and res["type"].iloc[0] == "县"
    assert res["status"].iloc[1] == "renamed" and res["code"].iloc[1] == "430381"
    assert res["resolved"].tolist() == [True, True, False]


def test_list_regions_of_a_province(data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XINZHI_DATA_DIR", str(data_dir))
    out = list_regions(province="湖南")  # county level of 2024 by default
    assert len(out) == 122 and set(out["province_code"]) == {"430000"}
    assert out.attrs["year"] == 2024
    assert len(list_regions(1990, level="province")) == 31


def test_compare_rankings_keeps_the_common_county_years() -> None:
    a = pd.DataFrame(
        {
            "region_code": ["430321", "430381", "110101"],
            "name": ["湘潭县", "湘乡市", "东城区"],
            "year": [2020, 2020, 2020],
            "rank": [1, 2, 3],
            "score": [0.9, 0.8, 0.7],
        }
    )
    b = pd.DataFrame(
        {
            "region_code": ["430381", "430321"],
            "year": [2020, 2020],
            "rank": [1, 2],
            "score": [0.6, 0.5],
        }
    )
    m = compare_rankings(a, b)
    assert m["key"].tolist() == ["430321-2020", "430381-2020"]
    assert m[["rank_a", "rank_b"]].to_numpy().tolist() == [[1, 2], [2, 1]]
    assert m["score_b"].tolist() == [0.5, 0.6]


def test_system_file_errors_name_the_uploaded_file(tmp_path: Path) -> None:
    assert "nqpf-county" in builtin_systems()
    bad = tmp_path / "tmp123.yaml"
    bad.write_text("name: x\ndimensions: 3\n", encoding="utf-8")
    with pytest.raises(ConfigError) as exc:
        load_system_file(bad, "我的体系.yaml")
    assert str(exc.value) == "指标体系（我的体系.yaml）缺少键 dimensions（非空列表）"
    good = tmp_path / "ok.yaml"
    good.write_text(
        "name: mini\ndimensions:\n  - name: 维度一\n    indicators:\n"
        "      - {code: a, name: 甲, direction: '+'}\n      - {code: b, name: 乙, direction: '-'}\n",
        encoding="utf-8",
    )
    table = system_table(load_system_file(good, "ok.yaml"))
    assert table.to_numpy().tolist() == [
        ["维度一", "a", "甲", "正向"],
        ["维度一", "b", "乙", "逆向"],
    ]


def test_firm_matrix_options_are_checked_before_reading() -> None:
    with pytest.raises(InputError, match="--measure 可选 firms、employees、revenue"):
        firm_matrix_table(measure="profit")
    with pytest.raises(InputError, match="--engine 可选 duckdb 或 spark"):
        firm_matrix_table(engine="polars")
    with pytest.raises(InputError, match="无法解析年份 '2020-x'"):
        firm_matrix_table("absent.parquet", years="2020-x")


def test_backup_and_restore_check_the_warehouse(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    con = duckdb.connect(str(db))
    con.execute("CREATE TABLE import_batches (batch_id INTEGER)")
    con.execute("INSERT INTO import_batches VALUES (7)")
    con.close()
    with pytest.raises(InputError, match="所在的目录不存在"):  # never created silently (#18)
        backup_warehouse(tmp_path / "b" / "copy.duckdb", db=db)
    (tmp_path / "b").mkdir()
    b = backup_warehouse(tmp_path / "b" / "copy.duckdb", db=db)
    assert (b.source, b.path.name, b.size) == (db, "copy.duckdb", b.path.stat().st_size)
    with pytest.raises(InputError, match="备份文件已存在"):
        backup_warehouse(b.path, db=db)
    target = tmp_path / "restored.duckdb"
    assert restore_warehouse(b.path, db=target) == target
    con = duckdb.connect(str(target), read_only=True)
    assert con.execute("SELECT batch_id FROM import_batches").fetchall() == [(7,)]
    con.close()
    other = tmp_path / "other.duckdb"
    duckdb.connect(str(other)).close()
    with pytest.raises(InputError, match="不是 xinzhi 数据仓库"):
        check_warehouse_file(other)
