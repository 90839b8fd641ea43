"""``xinzhi causal cs | did``: the stable contract of ``cs`` (ATT(g,t) and every aggregation with
estimates and standard errors in the output file) on mpdta, errors exit 2."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from typer.testing import CliRunner

from xinzhi import datasets
from xinzhi.cli import app

runner = CliRunner()


@pytest.fixture(scope="module")
def mpdta_file(data_dir: Path) -> Path:
    return datasets.path("replication-causal", "mpdta.csv", data_dir=data_dir)


def _causal(command: str, panel: Path, unit: str, time: str, outcome: str, *extra: str) -> Any:
    """``xinzhi causal COMMAND --input PANEL --unit UNIT --time TIME --outcome OUTCOME …``."""
    args = ["--input", str(panel), "--unit", unit, "--time", time, "--outcome", outcome]
    return runner.invoke(app, ["causal", command, *args, *extra])


def _mpdta(command: str, mpdta_file: Path, *extra: str) -> Any:
    """``xinzhi causal COMMAND`` on mpdta: county ``countyreal``, year, outcome ``lemp``."""
    return _causal(command, mpdta_file, "countyreal", "year", "lemp", *extra)


def _cs(mpdta_file: Path, out: Path, *extra: str) -> Any:
    return _mpdta("cs", mpdta_file, "--cohort", "first.treat", *extra, "--output", str(out))


def test_cs_csv_contract(mpdta_file: Path, tmp_path: Path) -> None:
    res = _cs(mpdta_file, tmp_path / "cs.csv")
    assert res.exit_code == 0, res.output
    assert "简单加权 ATT = -0.039951（标准误 0.012034" in res.output
    t = pd.read_csv(tmp_path / "cs.csv", encoding="utf-8-sig")
    assert sorted(t["type"].unique()) == ["attgt", "calendar", "dynamic", "group", "simple"]
    assert (t["type"] == "attgt").sum() == 12  # 3 cohorts × 4 periods 2004–2007
    assert t["se"].notna().all() and t["att"].notna().all()
    overall = t[t["overall"]].set_index("type")
    assert round(overall.loc["group", "att"], 6) == -0.031018
    assert round(overall.loc["dynamic", "att"], 6) == -0.077240
    assert round(overall.loc["calendar", "att"], 6) == -0.041700
    g = t[(t["type"] == "attgt") & (t["group"] == 2004) & (t["time"] == 2006)]
    assert round(float(g["att"].iloc[0]), 6) == -0.137259


def test_cs_xlsx_notyet(mpdta_file: Path, tmp_path: Path) -> None:
    res = _cs(mpdta_file, tmp_path / "cs.xlsx", "--control", "notyet")
    assert res.exit_code == 0, res.output
    sheets = pd.read_excel(tmp_path / "cs.xlsx", sheet_name=None, engine="calamine")
    assert {"ATT(g,t)", "汇总", "说明"} <= set(sheets)
    agg = sheets["汇总"]
    simple = agg[agg["汇总方式"] == "simple"]
    # R did 2.5.0, not-yet-treated controls: −0.0397636 (se 0.0120524)
    assert round(float(simple["ATT"].iloc[0]), 6) == -0.039764
    assert round(float(simple["标准误"].iloc[0]), 6) == 0.012052


def test_cs_errors_exit_2(mpdta_file: Path, tmp_path: Path) -> None:
    res = _cs(mpdta_file, tmp_path / "cs.csv", "--control", "sometimes")
    assert res.exit_code == 2 and "never 或 notyet" in res.output
    res = _mpdta("cs", mpdta_file, "--cohort", "nope")
    assert res.exit_code == 2 and "缺少列：nope" in res.output


def test_did_json(mpdta_file: Path) -> None:
    res = _mpdta(
        "did", mpdta_file, "--cohort", "first.treat", "--leads", "3", "--lags", "3", "--json"
    )
    assert res.exit_code == 0, res.output
    rows = json.loads(res.output)
    assert rows[0]["term"] == "treat"
    assert [r["event"] for r in rows[1:]] == [-3, -2, -1, 0, 1, 2, 3]


def test_sc_and_sdid_commands(data_dir: Path, tmp_path: Path) -> None:
    basque = datasets.path("replication-causal-basque", "basque.csv", data_dir=data_dir)
    res = _causal(
        "sc",
        basque,
        "regionname",
        "year",
        "gdpcap",
        "--treated",
        "Basque Country (Pais Vasco)",
        "--treat-time",
        "1970",
        "--donors",
        "Cataluna,Madrid (Comunidad De),Andalucia,Aragon",
        "--output",
        str(tmp_path / "sc.xlsx"),
    )
    assert res.exit_code == 0, res.output
    sheets = pd.read_excel(tmp_path / "sc.xlsx", sheet_name=None, engine="calamine")
    assert list(sheets)[:4] == ["权重", "路径", "安慰剂", "留一法"]
    assert len(sheets["安慰剂"]) == 5  # Basque + 4 donors
    # SDID on the same data: the Basque Country alone treated from 1970 (Spain excluded)
    df = pd.read_csv(basque)
    df = df[df["regionname"] != "Spain (Espana)"].assign(
        g=lambda d: (d["regionname"] == "Basque Country (Pais Vasco)") * 1970
    )
    f = tmp_path / "b.csv"
    df[["regionname", "year", "gdpcap", "g"]].to_csv(f, index=False)
    res = _causal(
        "sdid", f, "regionname", "year", "gdpcap", "--cohort", "g", "--replications", "50", "--json"
    )
    assert res.exit_code == 0, res.output
    rows = json.loads(res.output)
    assert rows[0]["estimator"] == "SDID" and rows[0]["se"] > 0


def test_check_command(mpdta_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "check.xlsx"
    res = _mpdta(
        "check", mpdta_file, "--cohort", "first.treat", "--permutations", "99", "--output", str(out)
    )
    assert res.exit_code == 0, res.output
    assert "随机化推断" in res.output
    # mpdta starts in 2003 and the first cohort in 2004: one pre-adoption year, no placebo timing
    assert "安慰剂时点检验未做" in res.output
    sheets = pd.read_excel(out, sheet_name=None, engine="calamine")
    assert {"估计量比较", "随机化推断", "置换分布"} <= set(sheets)
    comp = sheets["估计量比较"].set_index("估计量")
    # CS (never-treated) simple ATT of R did 2.5.0
    assert round(float(comp.loc["Callaway–Sant'Anna（从未处理对照）", "估计值"]), 6) == -0.039951
