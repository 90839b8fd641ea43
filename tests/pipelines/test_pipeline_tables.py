"""Analyses of a user's table (:mod:`xinzhi.pipelines.tables`,
:mod:`xinzhi.pipelines.industry_tables`, :mod:`xinzhi.pipelines.user_tables`): hand-computed
values, PySAL's reference values read from a file, and the defaults taken from the declarations."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from libpysal import examples
from libpysal.io import open as popen

from xinzhi.errors import InputError
from xinzhi.pipelines.industry_tables import shiftshare_table, specialization_table
from xinzhi.pipelines.tables import (
    convergence_table,
    dagum_table,
    kde_table,
    markov_table,
    moran_table,
    theil_table,
)
from xinzhi.pipelines.user_tables import read_user_table


def test_read_user_table_gbk_csv_keeps_codes_as_text(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_bytes(" 代码 ,地区,score\n0110,东部,1.5\n0220,西部,2\n".encode("gbk"))
    df = read_user_table(path, ["代码", None])
    assert df.columns.tolist() == ["代码", "地区", "score"]  # header blanks stripped
    assert df["代码"].tolist() == ["0110", "0220"]  # leading zero kept
    assert df["score"].tolist() == [1.5, 2.0]
    with pytest.raises(InputError, match="找不到输入文件"):
        read_user_table(tmp_path / "absent.csv")
    (tmp_path / "t.doc").write_bytes(b"x")
    with pytest.raises(InputError, match="不支持的输入文件类型"):
        read_user_table(tmp_path / "t.doc")


def test_dagum_of_a_file_by_hand(tmp_path: Path) -> None:
    # y = 1, 3 (东) and 2, 6 (西); mean 3, n 4: G = Σ|yi − yj| / (2 n² ȳ) = 32 / 96 = 1/3
    # within: G_jj = 4/(2·4·2) = 8/(2·4·4) = 1/4; p_j = 1/2, s = 4/12, 8/12 → G_w = 1/8
    path = tmp_path / "d.csv"
    pd.DataFrame({"region": ["东", "东", "西", "西"], "score": [1, 3, 2, 6]}).to_csv(path)
    row = dagum_table(path).overall.iloc[0]  # value "score", group "region" by default
    assert row["G"] == pytest.approx(1 / 3, abs=1e-12)
    assert row["Gw"] == pytest.approx(1 / 8, abs=1e-12)
    assert row["Gnb"] + row["Gt"] == pytest.approx(1 / 3 - 1 / 8, abs=1e-12)


def test_theil_of_mexico_defaults_to_both_indices(tmp_path: Path) -> None:
    mex = pd.read_csv(examples.get_path("mexico.csv"))
    cols = [f"pcgdp{dec}" for dec in range(1940, 2010, 10)]
    long = mex.melt(id_vars=["State", "hanson98"], value_vars=cols, var_name="year", value_name="y")
    path = tmp_path / "mex.csv"
    long.to_csv(path, index=False)
    res = theil_table(path, "y", "hanson98", "year")
    assert res.options["index"] == "both"  # the declaration of theil
    assert {"T", "L"} <= set(res.overall.columns)
    # inequality 1.1 (theil.py): between-group T of 1940 and 2000
    assert res.overall["T_between"].iloc[0] == pytest.approx(0.0345889, abs=5e-9)
    assert res.overall["T_between"].iloc[-1] == pytest.approx(0.03635872, abs=5e-9)
    with pytest.raises(InputError, match="只能是 both、T、L"):
        theil_table(long, "y", "hanson98", "year", index="X")


def test_kde_defaults_from_the_declaration_and_numeric_bandwidth() -> None:
    df = pd.DataFrame({"score": [0.1, 0.2, 0.2, 0.4, 0.7]})
    res = kde_table(df)
    assert (res.options["kernel"], res.options["bandwidth"], len(res.grid)) == (
        "gaussian",
        "silverman",
        512,
    )
    fixed = kde_table(df, bandwidth="0.25", grid_size=64)
    assert (fixed.options["bandwidth"], len(fixed.grid)) == (0.25, 64)
    with pytest.raises(InputError, match="silverman、stata、scott"):
        kde_table(df, bandwidth="wide")
    with pytest.raises(InputError, match="必须为正数"):
        kde_table(df, bandwidth=-1)
    with pytest.raises(InputError, match="核函数"):
        kde_table(df, kernel="box")


def test_markov_k_from_the_declaration() -> None:
    # 4 units over 2 years; pooled quartiles of 8 values put each value in its own half-pair
    df = pd.DataFrame(
        {
            "unit": list("abcd") * 2,
            "year": [1] * 4 + [2] * 4,
            "score": [1.0, 2.0, 3.0, 4.0, 1.5, 2.5, 3.5, 4.5],
        }
    )
    res = markov_table(df)
    assert res.counts.shape == (4, 4)  # k = 4 declared
    assert int(res.counts.to_numpy().sum()) == 4  # one transition per unit
    with pytest.raises(InputError, match="不能大于 8"):
        markov_table(df, k=9)


def _stl(tmp_path: Path) -> tuple[pd.DataFrame, Path]:
    w = popen(examples.get_path("stl.gal")).read()
    y = np.array(popen(examples.get_path("stl_hom.txt")).by_col["HR8893"])
    df = pd.DataFrame({"unit": [str(i) for i in w.id_order], "hr": y})
    adj = pd.DataFrame(
        [(str(i), str(j)) for i, nb in w.neighbors.items() for j in nb],
        columns=["unit", "neighbor"],
    )
    path = tmp_path / "adj.csv"
    adj.to_csv(path, index=False)
    return df, path


def test_moran_with_an_adjacency_file_matches_esda(tmp_path: Path) -> None:
    df, adj = _stl(tmp_path)
    res = moran_table(df, "hr", "unit", weights=adj, permutations=0, lisa=True, geary_c=True)
    # esda 2.8 tests/test_moran.py (St Louis homicides 1988–93)
    assert res.moran.table["I"].iloc[0] == pytest.approx(0.24365582621771659, rel=1e-10)
    assert res.lisa is not None and res.lisa.options["permutations"] == 99  # LISA minimum
    assert res.geary is not None and res.moran.notes[-1].startswith("Geary's C：")
    assert res.notes == []  # an adjacency file leaves no unit out
    bad = tmp_path / "bad.csv"
    pd.DataFrame({"from": ["1"], "to": ["2"]}).to_csv(bad, index=False)
    with pytest.raises(InputError, match="需要 unit、neighbor 两列"):
        moran_table(df, "hr", "unit", weights=bad)


def test_moran_defaults_from_the_declarations(tmp_path: Path) -> None:
    df, adj = _stl(tmp_path)
    res = moran_table(df, "hr", "unit", weights=adj)
    assert (res.moran.options["permutations"], res.moran.options["seed"]) == (999, 0)
    assert res.lisa is None and res.geary is None


def test_convergence_of_a_table_is_cross_section_by_default() -> None:
    # ln y0 = 0, 1, 2 and (ln y10 − ln y0)/10 = 0.1 − 0.02 ln y0 exactly: β = −0.02, α = 0.1
    df = pd.DataFrame(
        {
            "unit": list("abc") * 2,
            "year": [2000] * 3 + [2010] * 3,
            "y": np.exp([0.0, 1.0, 2.0, 1.0, 1.8, 2.6]),
        }
    )
    res = convergence_table(df, "y")
    coef = res.beta.coefficients.set_index("term")["coef"]
    assert res.options["kind"] == "cross-section"
    assert coef["ln_y0"] == pytest.approx(-0.02, abs=1e-12)
    assert coef["const"] == pytest.approx(0.1, abs=1e-12)
    # σ (cv, ddof 1) of 1, e, e²: mean 3.702446, sd 3.306277 → 0.892997
    assert res.sigma.table["sigma"].iloc[0] == pytest.approx(0.892997, abs=1e-6)
    assert convergence_table(df, "y", kind="panel").options["kind"] == "panel"


def test_specialization_reference_spec() -> None:
    # A: 10, 30; B: 30, 30 → national shares of industry x = 40/100; LQ(A, x) = 0.25/0.4
    df = pd.DataFrame(
        {
            "loc": ["A", "A", "B", "B"],
            "ind": ["x", "y", "x", "y"],
            "v": [10.0, 30.0, 30.0, 30.0],
            "prov": ["p", "p", "p", "p"],
        }
    )
    t = specialization_table(df, "loc", "ind", "v").table.set_index(["location", "industry"])
    assert t.loc[("A", "x"), "lq"] == pytest.approx(0.625, abs=1e-12)
    grouped = specialization_table(df, "loc", "ind", "v", reference="group:prov").table
    # one province holding every location: the group reference is the national one
    assert grouped.set_index(["location", "industry"]).loc[("A", "x"), "lq"] == pytest.approx(
        0.625, abs=1e-12
    )
    with pytest.raises(InputError, match="national 或 group:列名"):
        specialization_table(df, "loc", "ind", "v", reference="province")


def test_shiftshare_method_is_checked() -> None:
    df = pd.DataFrame({"loc": ["A"], "ind": ["x"], "v": [1.0], "year": [2000]})
    with pytest.raises(InputError, match="classic、esteban-marquillas、dynamic"):
        shiftshare_table(df, "loc", "ind", "v", "year", 2000, 2010, method="other")  # type: ignore[arg-type]
