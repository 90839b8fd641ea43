"""Issue #18 item 1: a batch that loads nothing never supersedes anything; replacing a public
source needs ``--replace`` and is refused when the new batch covers far fewer regions or
indicators than the batch it replaces. CLI and the server's upload path."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from fixtures.snapshot import warehouse_state
from xinzhi.cli import app

CENSUS = (
    "区划代码,地区,常住人口(人),城镇化率(%)\n"
    "430321,湘潭县,100,40\n"
    "430381,湘乡市,200,50\n"
    "430382,韶山市,300,60\n"
    "411122,临颍县,400,70\n"
)


def run(*args: str) -> object:
    return CliRunner().invoke(app, list(args))


@pytest.fixture
def census_db(tmp_path: Path, data_dir: Path) -> Path:
    """A warehouse whose source census2020 holds 4 counties × 2 indicators (8 values)."""
    db = tmp_path / "w.duckdb"
    f = tmp_path / "census.csv"
    f.write_text(CENSUS, encoding="utf-8")
    res = run("import", str(f), "--year", "2020", "--source", "census2020", "--db", str(db))
    assert res.exit_code == 0, res.output
    state = warehouse_state(db)
    assert (state["current"], state["active"]) == (8, [1])  # 4 counties × 2 indicators
    return db


def test_header_only_file_does_not_wipe_a_public_source(census_db: Path, tmp_path: Path) -> None:
    f = tmp_path / "header_only.csv"
    f.write_text("区划代码,地区,常住人口(人)\n", encoding="utf-8")
    before = warehouse_state(census_db)
    res = run("import", str(f), "--year", "2022", "--source", "census2020", "--db", str(census_db))
    assert res.exit_code == 2, res.output
    assert "没有可载入的数值" in res.output
    assert "未创建导入批次，来源 census2020 的现有数据保持不变" in res.output
    assert warehouse_state(census_db) == before


def test_all_quarantined_file_supersedes_nothing_for_any_source(
    census_db: Path, tmp_path: Path
) -> None:
    own = tmp_path / "own.csv"
    own.write_text("地区,常住人口(人)\n湘潭县,5\n", encoding="utf-8")
    assert run("import", str(own), "--year", "2020", "--db", str(census_db)).exit_code == 0
    bad = tmp_path / "bad.csv"
    bad.write_text("地区,常住人口(人)\n无此县,5\n湘潭县,abc\n", encoding="utf-8")
    before = warehouse_state(census_db)
    res = run("import", str(bad), "--year", "2020", "--source", "own", "--db", str(census_db))
    assert res.exit_code == 2, res.output
    assert "读入 2 行，载入 0 行" in res.output
    assert "地区无法识别（unknown region） 1 行" in res.output
    assert "非数值（non-numeric） 1 行" in res.output
    assert warehouse_state(census_db) == before


def test_replacing_a_public_source_needs_replace(census_db: Path, tmp_path: Path) -> None:
    f = tmp_path / "new.csv"
    f.write_text(CENSUS.replace(",100,", ",101,"), encoding="utf-8")
    before = warehouse_state(census_db)
    res = run("import", str(f), "--year", "2020", "--source", "census2020", "--db", str(census_db))
    assert res.exit_code == 2, res.output
    assert "来源 census2020 是公共数据，已有当前批次 1；替换公共数据须明确指定 --replace" in (
        res.output
    )
    assert warehouse_state(census_db) == before
    # with --replace and the same coverage (4 regions, 2 indicators) the new edition loads
    res = run(
        "import", str(f), "--year", "2020", "--source", "census2020", "--replace",
        "--db", str(census_db), "--json",
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    assert json.loads(res.output)["superseded"] == [1]
    assert warehouse_state(census_db)["active"] == [2]


def test_a_replacement_covering_far_fewer_regions_is_refused(
    census_db: Path, tmp_path: Path
) -> None:
    f = tmp_path / "one.csv"
    f.write_text("区划代码,地区,常住人口(人)\n430321,湘潭县,100\n", encoding="utf-8")
    before = warehouse_state(census_db)
    res = run(
        "import", str(f), "--year", "2020", "--source", "census2020", "--replace",
        "--db", str(census_db),
    )  # fmt: skip
    assert res.exit_code == 2, res.output
    # 1 < 0.5 × 4 regions and 1 < 0.5 × 2 indicators
    assert (
        "拒绝替换公共数据 census2020：新批次只覆盖 1 个地区、1 个指标，远少于被替换的批次 1 的 "
        "4 个地区、2 个指标（至少需要 50%）"
    ) in res.output.replace("\n", "")
    assert warehouse_state(census_db) == before


def test_upload_of_an_empty_file_is_refused_and_changes_nothing(
    census_db: Path, tmp_path: Path
) -> None:
    from xinzhi.auth.accounts import User
    from xinzhi.errors import InputError
    from xinzhi.pipelines.uploads import import_upload
    from xinzhi.pipelines.warehouse import open_warehouse

    f = tmp_path / "header_only.csv"
    f.write_text("区划代码,地区,常住人口(人)\n", encoding="utf-8")
    before = warehouse_state(census_db)
    con = open_warehouse(census_db)
    try:
        with pytest.raises(InputError, match="没有可载入的数值"):
            import_upload(f, con=con, user=User(1, "分析员", "analyst", None, False), year=2022)
    finally:
        con.close()
    assert warehouse_state(census_db) == before


def test_api_upload_of_a_header_only_file(tmp_path: Path, data_dir: Path) -> None:
    from fixtures.guard_api import analyst_api, upload

    with analyst_api(tmp_path / "api.duckdb") as (client, h):
        ok = upload(client, h, "own.csv", "地区,常住人口(人)\n湘潭县,5\n".encode(), year=2020)
        assert ok.status_code == 200, ok.text
        r = upload(client, h, "own.csv", "地区,常住人口(人)\n".encode(), year=2022)
        assert r.status_code == 400, r.text
        assert r.json()["error"]["message"].startswith("文件 own.csv 没有可载入的数值")
        cur = client.app.state.db.cursor()
        try:
            assert cur.execute(
                "SELECT batch_id, status FROM import_batches ORDER BY 1"
            ).fetchall() == [(1, "active")]
            assert cur.execute("SELECT count(*) FROM current_observations").fetchall() == [(1,)]
        finally:
            cur.close()
