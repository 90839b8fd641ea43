"""``xinzhi regions resolve | list``."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from xinzhi.cli import app


@pytest.fixture
def run(data_dir: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("XINZHI_DATA_DIR", str(data_dir))
    runner = CliRunner()

    def _run(*args: str):  # type: ignore[no-untyped-def]
        return runner.invoke(app, ["--data-dir", str(data_dir), "regions", *args])

    return _run


def test_resolve_ok(run) -> None:  # type: ignore[no-untyped-def]
    res = run("resolve", "湘潭县", "４３０３２１", "湘乡县")
    assert res.exit_code == 0, res.output
    lines = res.stdout.strip().splitlines()
    assert lines[0].startswith("430321  湖南省湘潭市湘潭县  县  ok")
    assert lines[2].startswith("430381  湖南省湘潭市湘乡市  县级市  renamed")


def test_resolve_failures_exit_2(run) -> None:  # type: ignore[no-untyped-def]
    res = run("resolve", "湘潭县", "朝阳区", "无此县")
    assert res.exit_code == 2
    assert res.stdout.strip().splitlines()[0].startswith("430321  湖南省湘潭市湘潭县  县  ok")
    assert "对应多个区划" in res.stderr and "无法识别" in res.stderr


def test_resolve_json_parent(run) -> None:  # type: ignore[no-untyped-def]
    res = run("resolve", "朝阳区", "--parent", "长春", "--json")
    assert res.exit_code == 0
    data = json.loads(res.stdout)
    assert data[0]["code"] == "220104" and data[0]["type"] == "市辖区"


def test_list(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    res = run("list", "--province", "湖南", "--json")
    assert res.exit_code == 0
    data = json.loads(res.stdout)
    assert len(data) == 122  # county-level units of 湖南 in 2024
    assert {d["province_code"] for d in data} == {"430000"}
    out = tmp_path / "c.csv"
    res = run("list", "--year", "2024", "--output", str(out))
    assert res.exit_code == 0
    df = pd.read_csv(out, dtype=str, encoding="utf-8-sig")
    assert len(df) == 2846
    res = run("list", "--level", "province", "--year", "1990")
    assert "共 31 个区划（1990 年）" in res.stdout
