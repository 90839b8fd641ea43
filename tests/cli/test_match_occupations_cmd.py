"""``xinzhi match occupations --input FILE --column NAME --output FILE``: the stable contract
(input columns kept, ``code, name, score, top5`` added, top5 = five 大典 codes joined by ";"),
csv and xlsx input, Chinese error for a missing column (exit 2)."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from xinzhi.cli import app

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

runner = CliRunner()

# USE keeps the test fast (names and aliases embedded in ≈ 8 s; e5 needs ≈ 60 s)
FAST = ["--embedder", "use"]


def _run(inp: Path, column: str, out: Path, *extra: str) -> object:
    return runner.invoke(
        app,
        [
            *("match", "occupations", "--input", str(inp), "--column", column),
            *("--output", str(out), *extra),
        ],
    )


@pytest.fixture
def titles() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "序号": [1, 2, 3, 4],
            "职位名称": ["焊工", "软件工程师", "", "会计"],
            "name": ["张三", "李四", "王五", "赵六"],  # clashes with the output column name
        }
    )


def test_csv_contract(titles: pd.DataFrame, tmp_path: Path) -> None:
    inp = tmp_path / "jobs.csv"
    titles.to_csv(inp, index=False)
    out = tmp_path / "coded.csv"
    res = _run(inp, "职位名称", out, *FAST)
    assert res.exit_code == 0, res.output  # type: ignore[attr-defined]
    assert "4 行，已编码 3 行" in res.output  # type: ignore[attr-defined]
    got = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert list(got.columns) == ["序号", "职位名称", "name_原", "code", "name", "score", "top5"]
    assert got["name_原"].tolist() == ["张三", "李四", "王五", "赵六"]
    # 焊工: csco22.csv 6-18-02-04; 软件工程师: alias of 2-02-10-03; 会计: alias of 2-06-03-00
    assert got["code"].tolist() == ["6-18-02-04", "2-02-10-03", "", "2-06-03-00"]
    assert got.loc[0, "name"] == "焊工"
    for i in (0, 1, 3):
        top5 = got.loc[i, "top5"].split(";")
        assert len(top5) == 5 and top5[0] == got.loc[i, "code"]
        assert all(len(c) == 10 and c[1] == "-" for c in top5)  # 大典 codes like 6-18-02-04
        assert 0.0 <= float(got.loc[i, "score"]) <= 1.0
    assert got.loc[2, "top5"] == "" and got.loc[2, "score"] == ""


def test_xlsx_input(titles: pd.DataFrame, tmp_path: Path) -> None:
    inp = tmp_path / "jobs.xlsx"
    titles.to_excel(inp, index=False)
    out = tmp_path / "coded.xlsx"
    res = _run(inp, "职位名称", out, *FAST)
    assert res.exit_code == 0, res.output  # type: ignore[attr-defined]
    got = pd.read_excel(out, dtype=str, engine="calamine")
    assert got["code"].tolist()[:2] == ["6-18-02-04", "2-02-10-03"]
    assert got["序号"].tolist() == ["1", "2", "3", "4"]


def test_missing_column_is_a_chinese_error(titles: pd.DataFrame, tmp_path: Path) -> None:
    inp = tmp_path / "jobs.csv"
    titles.to_csv(inp, index=False)
    res = _run(inp, "岗位", tmp_path / "x.csv", *FAST)
    assert res.exit_code == 2
    assert "输入表中没有列“岗位”" in res.output  # type: ignore[attr-defined]
    assert not (tmp_path / "x.csv").exists()


def test_unknown_embedder_and_output_type(titles: pd.DataFrame, tmp_path: Path) -> None:
    inp = tmp_path / "jobs.csv"
    titles.to_csv(inp, index=False)
    res = _run(inp, "职位名称", tmp_path / "x.csv", "--embedder", "bert")
    assert res.exit_code == 2
    assert "未知的嵌入模型" in res.output  # type: ignore[attr-defined]
    res = _run(inp, "职位名称", tmp_path / "x.docx", *FAST)
    assert res.exit_code != 0
    assert "不支持的输出文件类型" in res.output  # type: ignore[attr-defined]
