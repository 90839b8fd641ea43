"""Reproduce replication/green (31 provinces × 2016–2024, 34 indicators) to 1e-9.

The indicator system YAML is built in code from the workbook's ``indicator_info`` sheet; the
one binary indicator (国家算力枢纽节点编码) has a fixed weight of 0.04 as in the study.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from typer.testing import CliRunner

from xinzhi import datasets
from xinzhi.cli import app
from xinzhi.evaluate import EvaluationResult, evaluate
from xinzhi.indicators.system import IndicatorSystem

TOL = 1e-9
FIXED = "国家算力枢纽节点编码（编码）"


def _xlsx(name: str, sheet: str | int = 0) -> pd.DataFrame:
    return pd.read_excel(
        datasets.path("replication-green", name), sheet_name=sheet, engine="calamine"
    )


def _system_dict() -> dict:
    info = _xlsx("clean_data.xlsx", "indicator_info")
    dims: dict[str, list[dict]] = {}
    for name, dim, direction in info[["指标名称", "一级维度", "指标方向"]].itertuples(index=False):
        ind = {"code": name, "name": name, "direction": "+" if direction == "正向" else "-"}
        if name == FIXED:
            ind["fixed_weight"] = 0.04
        dims.setdefault(dim, []).append(ind)
    return {
        "name": "green-replication",
        "options": {"weights": "combined", "aggregate": "topsis", "scope": "pooled"},
        "dimensions": [{"name": k, "indicators": v} for k, v in dims.items()],
    }


@pytest.fixture(scope="module")
def green(data_dir: Path) -> dict:
    raw = _xlsx("clean_data.xlsx", "clean_data")
    return {
        "raw": raw,
        "system": IndicatorSystem.from_dict(_system_dict()),
        "std": _xlsx("表3-1_标准化数据.xlsx"),
        "weights": _xlsx("表3-2_组合权重结果.xlsx"),
        "scores": _xlsx("表3-3_绿色算力综合得分(1).xlsx"),
        "obst": pd.read_excel(
            datasets.path("replication-green", "第6章_障碍度模型结果表(1).xlsx"),
            sheet_name=None,
            engine="calamine",
        ),
        "table21": _xlsx("表2-1_指标体系.xlsx"),
    }


@pytest.fixture(scope="module")
def result(green: dict) -> EvaluationResult:
    return evaluate(green["raw"].rename(columns={"省份": "地区", "年份": "年份"}), green["system"])


def test_system_matches_table_2_1(green: dict) -> None:
    t = green["table21"]
    top = green["system"].top_dimension_of()
    assert len(top) == 34 == len(t)
    direction = {i.code: i.direction for i in green["system"].indicators}
    assert all(
        direction[n] == ("+" if d == "正向" else "-")
        for n, d in zip(t["指标名称"], t["指标方向"], strict=True)
    )
    # 表2-1 files two indicators under "其他"; the computations use indicator_info's dimensions
    differ = {n for n, d in zip(t["指标名称"], t["一级维度"], strict=True) if top[n] != d}
    assert differ == {"全员劳动生产率", "移动电话普及率（部/百人）"}


def test_standardised_data(green: dict, result: EvaluationResult) -> None:
    ref = green["std"].rename(columns={"省份": "unit", "年份": "year"})
    got = result.normalized_table().astype({"year": "int64"})
    m = ref.merge(got, on=["unit", "year"], suffixes=("_ref", ""))
    assert len(m) == 279
    codes = green["system"].codes
    diff = np.abs(m[[f"{c}_ref" for c in codes]].to_numpy() - m[codes].to_numpy())
    assert diff.max() < TOL


def _check_weights(table: pd.DataFrame, ref: pd.DataFrame) -> None:
    t = table.set_index("indicator")
    r = ref.set_index("指标名称").loc[t.index]
    assert np.abs(t["entropy_weight"] - r["熵权法权重"]).max() < TOL
    assert np.abs(t["critic_weight"] - r["CRITIC权重"]).max() < TOL
    # the old column names stay readable for one release (deprecated aliases)
    assert (t["entropy"] == t["entropy_weight"]).all() and (t["critic"] == t["critic_weight"]).all()
    assert np.abs(t["weight"] - r["组合权重"]).max() < TOL
    assert t.loc[FIXED, "weight"] == pytest.approx(0.04, abs=1e-15)
    assert t["weight"].sum() == pytest.approx(1.0, abs=1e-12)


def _check_scores(scores: pd.DataFrame, ref: pd.DataFrame) -> None:
    r = ref.rename(columns={"省份": "unit", "年份": "year"})
    m = scores.astype({"year": "int64"}).merge(r, on=["unit", "year"])
    assert len(m) == 279
    assert np.abs(m["score"] - m["综合得分"]).max() < TOL
    assert (m["rank"].astype(int) == m["排名"].astype(int)).all()


def _check_obstacles(long: pd.DataFrame, obst: dict[str, pd.DataFrame], dims: dict) -> None:
    long = long.astype({"year": "int64"})
    # 表6-7: every province × indicator in 2024, in percent
    t7 = obst["表6-7省份指标明细2024"]
    m = t7.merge(long, left_on=["省份", "年份", "指标名称"], right_on=["unit", "year", "indicator"])
    assert len(m) == 31 * 34
    assert np.abs(m["obstacle"] * 100 - m["二级指标障碍度"]).max() < TOL * 100
    assert (m["dimension"] == m["一级维度"]).all()
    # every unit-year sums to 1
    assert np.abs(long.groupby(["unit", "year"])["obstacle"].sum() - 1).max() < 1e-12
    # 表6-5: national indicator obstacle in 2024 = mean over provinces
    t5 = obst["表6-5二级指标障碍度"].set_index("指标名称")
    nat = long[long["year"] == 2024].groupby("indicator")["obstacle"].mean()
    assert np.abs(nat.loc[t5.index] * 100 - t5["二级指标障碍度"]).max() < TOL * 100


def test_weights_scores_obstacles_python(green: dict, result: EvaluationResult) -> None:
    _check_weights(result.weight_table(), green["weights"])
    _check_scores(result.scores(), green["scores"])
    _check_obstacles(result.obstacles(), green["obst"], green["system"].top_dimension_of())
    # 表6-6: national dimension obstacle per year = mean of provincial dimension obstacles
    t6 = green["obst"]["表6-6年度演化"].melt(id_vars="一级维度", var_name="year", value_name="ref")
    t6["year"] = t6["year"].astype(int)
    nat = result.group_obstacles().astype({"year": "int64"})
    m = t6.merge(nat, left_on=["year", "一级维度"], right_on=["year", "dimension"])
    assert len(m) == 63
    assert np.abs(m["obstacle"] * 100 - m["ref"]).max() < TOL * 100
    assert (m["n_units"] == 31).all()


def test_cli_reproduces(green: dict, tmp_path: Path) -> None:
    sys_file = tmp_path / "green.yaml"
    sys_file.write_text(yaml.safe_dump(_system_dict(), allow_unicode=True), encoding="utf-8")
    data = green["raw"].rename(columns={"省份": "地区"})
    inp = tmp_path / "green.csv"
    data.to_csv(inp, index=False)
    out, wout, oout = tmp_path / "s.csv", tmp_path / "w.csv", tmp_path / "o.csv"
    res = CliRunner().invoke(
        app,
        [
            "evaluate", "--system", str(sys_file), "--input", str(inp), "--pooled",
            "--weights", "combined", "--aggregate", "topsis", "--output", str(out),
            "--weights-output", str(wout), "--obstacles-output", str(oout),
        ],
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    scores = pd.read_csv(out)
    assert list(scores.columns[:4]) == ["unit", "year", "score", "rank"]
    assert [c for c in scores.columns if c.startswith("dim:")] == [
        f"dim:{d}" for d in green["system"].dimension_names
    ]
    _check_scores(scores, green["scores"])
    w = pd.read_csv(wout)
    assert list(w.columns) == [
        "indicator", "dimension", "weight", "entropy_weight", "critic_weight",
        "entropy_e", "entropy_d", "entropy_k", "critic_sigma", "critic_conflict",
        "critic_information", "entropy", "critic",
    ]  # fmt: skip
    _check_weights(w, green["weights"])
    _check_obstacles(pd.read_csv(oout), green["obst"], green["system"].top_dimension_of())


def test_cli_xlsx_and_year_filter(green: dict, tmp_path: Path) -> None:
    sys_file = tmp_path / "green.yaml"
    sys_file.write_text(yaml.safe_dump(_system_dict(), allow_unicode=True), encoding="utf-8")
    inp = tmp_path / "green.xlsx"
    green["raw"].rename(columns={"省份": "unit", "年份": "year"}).to_excel(inp, index=False)
    out = tmp_path / "all.xlsx"
    res = CliRunner().invoke(
        app, ["evaluate", "--system", str(sys_file), "--input", str(inp), "--years", "2020-2024",
              "--weights", "entropy", "--output", str(out)],
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    book = pd.read_excel(out, sheet_name=None, engine="calamine")
    assert {"综合得分", "权重", "标准化数据", "指标障碍度", "维度障碍度", "评价参数"} <= set(book)
    s = book["综合得分"]
    assert sorted(s["年份"].unique()) == [2020, 2021, 2022, 2023, 2024]
    assert "熵权法权重" in book["权重"].columns
