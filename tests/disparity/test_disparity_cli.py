"""``xinzhi disparity ...`` end to end on files built in the test (and on the green scores)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from xinzhi import datasets
from xinzhi.cli import app

runner = CliRunner()


@pytest.fixture()
def panel(tmp_path: Path) -> Path:
    rng = np.random.default_rng(5)
    units = [f"{c}" for c in ("110101", "110102", "120101", "130102", "140105", "150102")]
    df = pd.DataFrame(
        {
            "code": np.repeat(units, 4),
            "year": np.tile([2020, 2021, 2022, 2023], 6),
            "score": rng.uniform(0.2, 0.8, 24).round(4),
        }
    )
    df["region"] = (
        df["code"].str[:2].map({"11": "京", "12": "津", "13": "冀", "14": "晋", "15": "蒙"})
    )
    path = tmp_path / "panel.csv"
    df.to_csv(path, index=False, encoding="gbk")  # a GBK file, as Excel exports in China
    return path


@pytest.fixture()
def adjacency(tmp_path: Path) -> Path:
    adj = pd.DataFrame(
        {
            "unit": ["110101", "110102", "120101", "130102", "140105"],
            "neighbor": ["110102", "120101", "130102", "140105", "150102"],
        }
    )
    path = tmp_path / "adj.xlsx"
    adj.to_excel(path, index=False)
    return path


def test_dagum_command_writes_the_documented_columns(panel: Path, tmp_path: Path) -> None:
    out, det = tmp_path / "d.csv", tmp_path / "detail.xlsx"
    r = runner.invoke(
        app,
        [
            "disparity",
            "dagum",
            "--input",
            str(panel),
            "--value",
            "score",
            "--group",
            "region",
            "--by",
            "year",
            "--output",
            str(out),
            "--detail",
            str(det),
        ],
    )
    assert r.exit_code == 0, r.output
    got = pd.read_csv(out)
    assert got.columns.tolist() == [
        "by",
        "G",
        "Gw",
        "Gnb",
        "Gt",
        "Gw_share",
        "Gnb_share",
        "Gt_share",
    ]
    assert got["by"].tolist() == [2020, 2021, 2022, 2023]
    src = pd.read_csv(panel, encoding="gbk", dtype={"code": str})
    # overall Gini written out: G = Σ_i Σ_j |y_i − y_j| / (2 n² μ), per year
    for year, g in src.groupby("year"):
        y = g["score"].to_numpy()
        gini = np.abs(y[:, None] - y[None, :]).sum() / (2 * len(y) ** 2 * y.mean())
        assert got.loc[got["by"] == year, "G"].iloc[0] == pytest.approx(gini, rel=1e-12)
    np.testing.assert_allclose(got["Gw"] + got["Gnb"] + got["Gt"], got["G"], rtol=1e-12)
    d = pd.read_excel(det, engine="calamine")
    assert d.columns.tolist() == ["by", "group_a", "group_b", "G"]
    assert len(d) == 4 * (5 + 10)


def test_other_commands(panel: Path, adjacency: Path, tmp_path: Path) -> None:
    base = ["--input", str(panel), "--value", "score"]
    r = runner.invoke(
        app,
        [
            "disparity",
            "theil",
            *base,
            "--group",
            "region",
            "--by",
            "year",
            "--output",
            str(tmp_path / "t.json"),
        ],
    )
    assert r.exit_code == 0, r.output
    theil = pd.read_json(tmp_path / "t.json").set_index("by")
    src = pd.read_csv(panel, encoding="gbk", dtype={"code": str})
    for year, g in src.groupby("year"):
        s = g["score"] / g["score"].mean()
        # Theil T = mean(s·ln s), s = y/μ, written out (not computed by xinzhi)
        # (the JSON file carries 10 decimals)
        assert theil.loc[year, "T"] == pytest.approx(float((s * np.log(s)).mean()), abs=1e-9)
        assert theil.loc[year, "T_within"] + theil.loc[year, "T_between"] == pytest.approx(
            theil.loc[year, "T"], abs=1e-9
        )
    r = runner.invoke(
        app,
        [
            "disparity",
            "kde",
            *base,
            "--by",
            "year",
            "--kernel",
            "epanechnikov",
            "--bandwidth",
            "stata",
            "--grid-output",
            str(tmp_path / "g.csv"),
            "--report",
            str(tmp_path / "kde.xlsx"),
        ],
    )
    assert r.exit_code == 0, r.output
    assert len(pd.read_csv(tmp_path / "g.csv")) == 4 * 512
    assert "峰" in pd.ExcelFile(tmp_path / "kde.xlsx", engine="calamine").sheet_names
    r = runner.invoke(
        app,
        [
            "disparity",
            "markov",
            *base,
            "--unit",
            "code",
            "--year",
            "year",
            "--k",
            "2",
            "--output",
            str(tmp_path / "m.csv"),
        ],
    )
    assert r.exit_code == 0, r.output
    assert pd.read_csv(tmp_path / "m.csv")["count"].sum() == 18
    r = runner.invoke(
        app,
        [
            "disparity",
            "markov",
            *base,
            "--unit",
            "code",
            "--year",
            "year",
            "--k",
            "2",
            "--weights",
            str(adjacency),
            "--output",
            str(tmp_path / "sm.csv"),
        ],
    )
    assert r.exit_code == 0, r.output
    assert pd.read_csv(tmp_path / "sm.csv")["count"].sum() == 18
    r = runner.invoke(
        app,
        [
            "disparity",
            "moran",
            *base,
            "--unit",
            "code",
            "--by",
            "year",
            "--weights",
            str(adjacency),
            "--permutations",
            "99",
            "--json",
            "--local-output",
            str(tmp_path / "lisa.csv"),
        ],
    )
    assert r.exit_code == 0, r.output
    lisa = pd.read_csv(tmp_path / "lisa.csv", dtype={"unit": str})
    assert set(lisa["unit"]) == {"110101", "110102", "120101", "130102", "140105", "150102"}
    r = runner.invoke(app, ["disparity", "convergence", *base, "--unit", "code", "--year", "year"])
    assert r.exit_code == 0, r.output
    assert "σ收敛" in r.output and "β收敛" in r.output
    # σ (measure cv, ddof 1) of each year = std / mean of the six scores, written out
    src = pd.read_csv(panel, encoding="gbk", dtype={"code": str})
    cv = src.groupby("year")["score"].agg(lambda v: v.std(ddof=1) / v.mean())
    for year, value in cv.items():
        assert f"{year}  6 {value:.6f}" in r.output


def test_user_errors_exit_2_with_chinese_message(panel: Path, tmp_path: Path) -> None:
    r = runner.invoke(
        app, ["disparity", "dagum", "--input", str(panel), "--value", "score", "--group", "nope"]
    )
    assert r.exit_code == 2 and "缺少列" in r.output
    r = runner.invoke(
        app,
        [
            "disparity",
            "dagum",
            "--input",
            str(tmp_path / "none.csv"),
            "--value",
            "x",
            "--group",
            "g",
        ],
    )
    assert r.exit_code == 2 and "找不到输入文件" in r.output
    r = runner.invoke(
        app,
        [
            "disparity",
            "moran",
            "--input",
            str(panel),
            "--value",
            "score",
            "--unit",
            "code",
            "--weights",
            str(panel),
        ],
    )
    assert r.exit_code == 2 and "unit、neighbor" in r.output


def test_dagum_command_on_the_green_scores(data_dir: Path, tmp_path: Path) -> None:
    from xinzhi.regions.economic_regions import economic_region, province_code_from_short_name

    scores = pd.read_excel(
        datasets.path("replication-green", "表3-3_绿色算力综合得分(1).xlsx", data_dir=data_dir),
        engine="calamine",
    )
    scores["region"] = economic_region(scores["省份"].map(province_code_from_short_name)).to_numpy()
    src = tmp_path / "green.xlsx"
    scores.to_excel(src, index=False)
    out = tmp_path / "dagum.csv"
    r = runner.invoke(
        app,
        [
            "disparity",
            "dagum",
            "--input",
            str(src),
            "--value",
            "综合得分",
            "--group",
            "region",
            "--by",
            "年份",
            "--output",
            str(out),
        ],
    )
    assert r.exit_code == 0, r.output
    ref = pd.read_excel(
        datasets.path("replication-green", "第5章_空间演化分析结果表(1).xlsx", data_dir=data_dir),
        sheet_name="Dagum分解",
        engine="calamine",
    )
    got = pd.read_csv(out)
    for ours, theirs in {
        "G": "总体基尼系数",
        "Gw": "区域内差异",
        "Gnb": "区域间净差异",
        "Gt": "超变密度",
    }.items():
        np.testing.assert_allclose(got[ours], ref[theirs], rtol=1e-12)


@pytest.mark.skipif(
    importlib.util.find_spec("xinzhi.regions.weights") is None, reason="queen 权重模块尚未提供"
)
def test_moran_with_queen_weights(data_dir: Path, tmp_path: Path) -> None:
    codes = ["110101", "110102", "110105", "110106", "110107", "110108"]
    df = pd.DataFrame({"code": codes, "y": [5.0, 4.0, 3.5, 1.0, 0.5, 2.0]})
    src = tmp_path / "bj.csv"
    df.to_csv(src, index=False)
    out = tmp_path / "m.csv"
    r = runner.invoke(
        app,
        [
            "disparity",
            "moran",
            "--input",
            str(src),
            "--value",
            "y",
            "--unit",
            "code",
            "--weights",
            "queen",
            "--permutations",
            "0",
            "--output",
            str(out),
        ],
    )
    assert r.exit_code == 0, r.output
    import esda
    from libpysal.weights import W

    from xinzhi.regions.weights import queen_weights

    sw = queen_weights(codes)
    assert isinstance(sw.w, W) and sw.islands == ()
    w = W(dict(sw.w.neighbors), id_order=list(sw.w.id_order))  # a copy: sw is cached
    w.transform = "r"  # row-standardised, the documented default
    ref = esda.Moran(df.set_index("code").loc[list(w.id_order), "y"].to_numpy(), w, permutations=0)
    np.testing.assert_allclose(pd.read_csv(out)["I"], [ref.I], rtol=1e-12)


@pytest.mark.parametrize(
    "args",
    [
        ["disparity", "dagum", "--input", "absent.csv", "--output", "x.txt"],
        [
            "disparity",
            "moran",
            "--input",
            "absent.csv",
            "--weights",
            "queen",
            "--local-output",
            "l.docx",
        ],
        ["industry", "io", "--table", "2099-42", "--output", "io.pdf"],
        ["evaluate", "--input", "absent.csv", "--weights-output", "w.doc"],
        ["typology", "--year", "1999", "-o", "types.doc"],
    ],
)
def test_unknown_output_type_is_refused_before_any_work(args: list[str]) -> None:
    """The suffix is checked while the command line is read: the input named here does not
    exist (or the year has no data), and the error is about the output."""
    res = CliRunner().invoke(app, args)
    assert res.exit_code == 2
    assert "不支持的输出文件类型" in res.output
