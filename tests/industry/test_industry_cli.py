"""``xinzhi industry ...`` end to end on small files built in the test."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from xinzhi.cli import app

runner = CliRunner()


def _long(tmp_path: Path) -> Path:
    rng = np.random.default_rng(5)
    n_loc, n_prod = 15, 10
    cap = rng.uniform(size=n_loc)
    req = rng.uniform(size=n_prod)
    val = rng.lognormal(size=(n_loc, n_prod)) * (0.1 + (cap[:, None] > req[None, :] - 0.2))
    df = pd.DataFrame(
        {
            "县代码": np.repeat([f"{330100 + i:06d}" for i in range(n_loc)], n_prod),
            "产业": np.tile([f"C{j:02d}" for j in range(n_prod)], n_loc),
            "年份": 2020,
            "就业": val.ravel(),
        }
    )
    path = tmp_path / "in.csv"
    df.to_csv(path, index=False, encoding="utf-8-sig")
    return path


def _industry(command: str, path: Path, *extra: str, location: str = "县代码") -> Any:
    """``xinzhi industry COMMAND`` on a long table with the columns of :func:`_long`: county
    ``location``, industry 产业 (``--product`` of complexity, ``--industry`` otherwise), value
    就业."""
    column = "--product" if command == "complexity" else "--industry"
    args = ["--input", str(path), "--location", location, column, "产业", "--value", "就业"]
    return runner.invoke(app, ["industry", command, *args, *extra])


def test_complexity_cli_columns(tmp_path: Path) -> None:
    inp = _long(tmp_path)
    out = tmp_path / "out.csv"
    res = _industry("complexity", inp, "--year", "年份", "--output", str(out))
    assert res.exit_code == 0, res.output
    df = pd.read_csv(out, dtype={"location": str})
    assert list(df.columns) == [
        "location",
        "product",
        "year",
        "value",
        "rca",
        "M",
        "density",
        "eci",
        "pci",
        "diversity",
        "ubiquity",
        "coi",
        "cog",
    ]
    assert df["location"].str.len().eq(6).all()  # codes keep their leading digits as text
    assert df["eci"].mean() == pytest.approx(0.0, abs=1e-9)
    out2 = tmp_path / "out2.csv"
    res2 = _industry(
        "complexity",
        inp,
        *["--convention", "py-ecomplexity", "--threshold", "1.2", "--output", str(out2)],
    )
    assert res2.exit_code == 0, res2.output
    df2 = pd.read_csv(out2)
    assert df2["eci"].std(ddof=0) == pytest.approx(1.0, rel=1e-9)  # py-ecomplexity: np.std
    assert (df2["M"] == (df2["rca"] >= 1.2)).all()


def test_complexity_cli_user_error_exit_2(tmp_path: Path) -> None:
    inp = _long(tmp_path)
    res = _industry("complexity", inp, location="无此列")
    assert res.exit_code == 2
    assert "缺少列" in res.output


def test_specialization_and_shiftshare_cli(tmp_path: Path) -> None:
    inp = _long(tmp_path)
    df = pd.read_csv(inp, dtype={"县代码": str})
    df["省"] = df["县代码"].str[:3]
    later = df.assign(年份=2021, 就业=df["就业"] * 1.1)
    path = tmp_path / "panel.csv"
    pd.concat([df, later]).to_csv(path, index=False)
    out = tmp_path / "spec.csv"
    res = _industry("specialization", path, "--reference", "group:省", "--output", str(out))
    # two years in the file -> duplicates per county × industry: a clear error
    assert res.exit_code == 2 and "重复" in res.output
    df.to_csv(path, index=False)
    res = _industry("specialization", path, "--output", str(out))
    assert res.exit_code == 0, res.output
    spec = pd.read_csv(out, dtype={"location": str}).set_index(["location", "industry"])
    # written out from the input: s_ij = v_ij / Σ_j v_ij, national s_j = Σ_i v_ij / ΣΣ v,
    # LQ = s_ij / s_j, Krugman K_i = Σ_j |s_ij − s_j|, HHI_i = Σ_j s_ij²
    v = df.pivot(index="县代码", columns="产业", values="就业")
    share = v.div(v.sum(axis=1), axis=0)
    national = v.sum() / v.to_numpy().sum()
    lq = share / national
    got_lq = spec["lq"].unstack()
    np.testing.assert_allclose(got_lq.loc[v.index, v.columns], lq, rtol=1e-9)
    per = spec.groupby(level="location")[["krugman", "hoover", "hhi"]].first().loc[v.index]
    np.testing.assert_allclose(per["krugman"], (share - national).abs().sum(axis=1), rtol=1e-9)
    np.testing.assert_allclose(per["hoover"], per["krugman"] / 2, rtol=1e-12)
    np.testing.assert_allclose(per["hhi"], (share**2).sum(axis=1), rtol=1e-9)
    pd.concat([df, later]).to_csv(path, index=False)
    out = tmp_path / "ss.xlsx"
    res = _industry(
        "shiftshare",
        path,
        *["--year", "年份", "--base", "2020", "--final", "2021"],
        *["--method", "esteban-marquillas", "--output", str(out)],
    )
    assert res.exit_code == 0, res.output
    sheet = pd.read_excel(out, sheet_name="明细", engine="calamine")
    # uniform 10 % growth: everything is national share
    np.testing.assert_allclose(sheet["全国增长份额NS"], sheet["变化量"], rtol=1e-9)
    np.testing.assert_allclose(sheet["配置效应AE"], 0.0, atol=1e-9)


def test_io_cli(data_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "io.csv"
    res = runner.invoke(
        app,
        [
            "--data-dir",
            str(data_dir),
            "industry",
            "io",
            "--table",
            "2020-42",
            "--lead",
            "通用设备",
            "--output",
            str(out),
        ],
    )
    assert res.exit_code == 0, res.output
    df = pd.read_csv(out)
    assert len(df) == 42
    assert df["backward"].mean() == pytest.approx(1.0)
    links = pd.read_csv(tmp_path / "io_lead.csv")
    assert links.iloc[0]["部门名称"] == "金属冶炼和压延加工品"


def test_complexity_csv_same_as_the_previous_writer(tmp_path: Path) -> None:
    """The command writes from the arrays (pyarrow, ``ComplexityResult.to_arrow``); its CSV is
    byte for byte the one the pandas ``tidy()`` frame gave through ``write_table`` (same
    header, same text for every value), for one year and for two."""
    from xinzhi.cli._tables import write_table
    from xinzhi.industry.complexity import TIDY_COLUMNS
    from xinzhi.pipelines.industry_tables import complexity_table

    inp = _long(tmp_path)
    two = pd.read_csv(inp, dtype={"县代码": str})
    two = pd.concat([two, two.assign(年份=2021, 就业=two["就业"] * 1.5 + 0.25)])
    inp2 = tmp_path / "two.csv"
    two.to_csv(inp2, index=False)
    for path, year in ((inp, "年份"), (inp2, "年份"), (inp, None)):
        out = tmp_path / "out.csv"
        by_year = ["--year", year] if year else []
        res = _industry("complexity", path, "--output", str(out), *by_year)
        assert res.exit_code == 0, res.output
        old = tmp_path / "old.csv"
        write_table(complexity_table(path, "县代码", "产业", "就业", year).result.tidy(), old)
        assert out.read_bytes() == old.read_bytes()
        assert out.read_bytes().startswith("\ufefflocation,product,year,".encode())
        assert pd.read_csv(out).columns.tolist() == TIDY_COLUMNS
        parquet = tmp_path / "out.parquet"
        assert _industry("complexity", path, "--output", str(parquet), *by_year).exit_code == 0
        back = pd.read_parquet(parquet)
        assert back.columns.tolist() == TIDY_COLUMNS
        np.testing.assert_array_equal(back["cog"], pd.read_csv(out)["cog"])
