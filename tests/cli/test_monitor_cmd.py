"""``xinzhi monitor signals | trend | digest | targets-import | targets`` on a small warehouse
(示例数据); user errors exit 2 with a Chinese message."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from fixtures.warehouse import SmallWarehouse
from monitor.warehouse_data import monitor_warehouse
from xinzhi.cli import app

runner = CliRunner()


@pytest.fixture
def db(small_warehouse: SmallWarehouse, tmp_path: Path) -> Path:
    return monitor_warehouse(small_warehouse, tmp_path)


def _run(db: Path, *args: str) -> object:
    return runner.invoke(app, ["--db", str(db), "monitor", *args])


def test_signals_to_excel_and_json(db: Path, tmp_path: Path) -> None:
    out = tmp_path / "signals.xlsx"
    r = _run(
        db,
        "signals",
        "--indicators",
        "gdp",
        "--basis",
        "level",
        "--window",
        "3",
        "--output",
        str(out),
    )
    assert r.exit_code == 0, r.output
    assert "五色信号（历史均值 ± kσ，水平值）" in r.output
    sheets = pd.read_excel(out, sheet_name=None, engine="openpyxl")
    assert list(sheets) == ["信号", "综合预警指数", "说明"]
    s = sheets["信号"]
    last = s[(s["年份"] == 2021)].set_index("区划代码")["信号"]
    assert last.loc[430121] == "红" and last.loc[430182] == "蓝"
    r = _run(db, "signals", "--indicators", "gdp", "--basis", "level", "--window", "3", "--json")
    assert r.exit_code == 0
    data = json.loads(r.output)
    assert set(data) == {"信号", "综合预警指数"}


def test_trend_and_digest(db: Path) -> None:
    r = _run(db, "trend", "--indicators", "gdp", "--no-changepoints", "--json")
    assert r.exit_code == 0, r.output
    rows = json.loads(r.output)["趋势"]
    assert {row["region_code"] for row in rows} == {"430121", "430182", "430321"}
    r = _run(
        db,
        "digest",
        "--county",
        "长沙县",
        "--indicators",
        "gdp,emp_sec_A",
        "--basis",
        "level",
        "--window",
        "3",
    )
    assert r.exit_code == 0, r.output
    assert "长沙县（430121）2021 年监测简报" in r.output
    assert "新亮红灯（过热/超常） 1 项：地区生产总值（绿→红）" in r.output


def test_targets_import_and_list(db: Path, tmp_path: Path) -> None:
    f = tmp_path / "targets.csv"
    pd.DataFrame(
        {
            "地区": ["长沙县", "火星县"],
            "指标": ["gdp", "gdp"],
            "年份": [2021, 2021],
            "目标值": [11, 5],
        }
    ).to_csv(f, index=False)
    r = _run(db, "targets-import", str(f))
    assert r.exit_code == 0, r.output
    assert "读入 2 行 = 载入 1 + 隔离 1 + 跳过 0" in r.output
    r = _run(db, "targets", "--json")
    rows = json.loads(r.output)
    assert [(x["region_code"], x["indicator"], x["value"]) for x in rows] == [
        ("430121", "gdp", 11.0)
    ]
    r = _run(db, "signals", "--method", "target", "--indicators", "gdp", "--json")
    assert r.exit_code == 0, r.output
    sig = [x for x in json.loads(r.output)["信号"] if x["year"] == 2021 and x["signal"]]
    # 12.01 vs 11: +9.2 % → 绿
    assert [(x["region_code"], x["signal"]) for x in sig] == [("430121", "绿")]


def test_user_errors_exit_2(db: Path, tmp_path: Path) -> None:
    r = _run(db, "signals", "--method", "traffic")
    assert r.exit_code == 2 and "只能是 sigma、quantile、target" in r.output
    r = _run(db, "digest", "--county", "火星县", "--indicators", "gdp")
    assert r.exit_code == 2
    r = _run(db, "signals", "--indicators", "幸福指数")
    assert r.exit_code == 2 and "不在指标目录" in r.output
    r = _run(db, "targets-import", str(tmp_path / "none.csv"))
    assert r.exit_code == 2 and "文件不存在" in r.output
