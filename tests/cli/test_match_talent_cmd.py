"""``xinzhi match import | generate | talents | jobs | radar | shortage | retention | purge``."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
from openpyxl import load_workbook
from typer.testing import CliRunner

from xinzhi.cli import app

runner = CliRunner()


def _run(db: Path, *args: str) -> object:
    return runner.invoke(app, ["--db", str(db), "match", *args])


def test_talent_commands_end_to_end(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    r = _run(db, "generate", "--county", "430321", "--seed", "2", "--talents", "60", "--jobs", "20")
    assert r.exit_code == 0, r.output  # type: ignore[attr-defined]
    assert "60" in r.output  # type: ignore[attr-defined]

    f = tmp_path / "岗位.csv"
    pd.DataFrame(
        {
            "岗位名称": ["焊工", "", "电工"],
            "企业名称": ["湘潭重工（示例）"] * 3,
            "招聘人数": ["2", "1", "x"],
            "职业代码": ["6-18-02-04", "", "6-31-01-03"],
        }
    ).to_csv(f, index=False)
    r = _run(
        db, "import", str(f), "--kind", "jobs", "--county", "430321", "--no-classify", "--json"
    )
    rep = json.loads(r.output)  # type: ignore[attr-defined]
    # 3 rows = 1 loaded + 2 quarantined (title_missing, non_numeric)
    assert (rep["rows_read"], rep["rows_loaded"], rep["rows_quarantined"]) == (3, 1, 2)
    assert rep["quarantined_by_reason"] == {"title_missing": 1, "non_numeric": 1}

    r = _run(db, "jobs", "--county", "430321", "--json")
    jobs = json.loads(r.output)  # type: ignore[attr-defined]
    assert len(jobs) == 21
    job_id = next(j["job_id"] for j in jobs if j["title"] != "焊工")

    r = _run(
        db,
        "talents",
        "--county",
        "430321",
        "--job",
        job_id,
        "--k",
        "3",
        "--embedder",
        "none",
        "--json",
    )
    assert r.exit_code == 0, r.output  # type: ignore[attr-defined]
    pairs = json.loads(r.output)  # type: ignore[attr-defined]
    assert len(pairs) <= 3 and all(p["job_id"] == job_id for p in pairs)

    person = "ST43032100000"
    r = _run(db, "radar", "--person", person, "--job", job_id, "--json")
    axes = json.loads(r.output)  # type: ignore[attr-defined]
    assert [a["axis"] for a in axes][-2:] == ["学历", "工作经验"]

    out = tmp_path / "目录.xlsx"
    r = _run(db, "shortage", "--county", "430321", "--chains", "工程机械", "-o", str(out))
    assert r.exit_code == 0, r.output  # type: ignore[attr-defined]
    assert "紧缺人才目录" in r.output  # type: ignore[attr-defined]
    assert load_workbook(out).sheetnames[:3] == ["封面", "紧缺人才目录", "人才地图"]

    r = _run(db, "retention", "--base", "talents", "--days", "30")
    assert "人才库：30 天" in r.output  # type: ignore[attr-defined]
    r = _run(db, "purge")
    assert "已匿名化人才记录 0 条" in r.output  # type: ignore[attr-defined]


def test_unknown_embedder_is_a_usage_error(tmp_path: Path) -> None:
    r = _run(tmp_path / "w.duckdb", "jobs", "--person", "P1", "--embedder", "bert")
    assert r.exit_code == 2  # type: ignore[attr-defined]
