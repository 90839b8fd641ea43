"""Economic complexity against the Stata ``ecomplexity`` ground truth (replication-ecomplexity)
and against the installed py-ecomplexity 0.5.3 package run on the same input."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from xinzhi import datasets
from xinzhi.errors import InputError
from xinzhi.industry.complexity import (
    TIDY_COLUMNS,
    complexity,
    eci_pci,
    presence,
    rca,
)

KEYS = ["year", "origin", "hs92"]


def _fixture(data_dir: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(datasets.path("replication-ecomplexity", name, data_dir=data_dir))


def _input(gt: pd.DataFrame) -> pd.DataFrame:
    """The ground truth's own export_val, as the float32 Stata stored."""
    out = gt[[*KEYS, "export_val"]].copy()
    out["export_val"] = out["export_val"].astype(np.float32).astype(np.float64)
    return out


def _run(data: pd.DataFrame, year: str | None = "year", **kw: object) -> pd.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = complexity(
            data, location="origin", product="hs92", value="export_val", year=year, **kw
        )
    return res.tidy()


def _merge(gt: pd.DataFrame, ours: pd.DataFrame) -> pd.DataFrame:
    ours = ours.assign(
        origin=ours["location"].astype(object), hs92=ours["product"].astype(np.int64)
    )
    if ours["year"].isna().all():
        ours = ours.drop(columns="year").assign(year=gt["year"].iloc[0])
    merged = gt.merge(ours, on=KEYS, suffixes=("_st", ""), how="inner", validate="1:1")
    assert len(merged) == len(gt)
    return merged


def _misfit(merged: pd.DataFrame, cols: tuple[str, ...], rtol: float) -> list[str]:
    """The columns of ``cols`` whose values differ from Stata's (``<col>_st``) by more than
    ``rtol`` relative (+ 1e-12 absolute), with their largest difference."""
    out = []
    for c in cols:
        ours, st = merged[c].to_numpy(float), merged[c + "_st"].to_numpy(float)
        if not np.allclose(ours, st, rtol=rtol, atol=1e-12, equal_nan=True):
            out.append(f"{c}: max |Δ| {np.nanmax(np.abs(ours - st)):.3g}")
    return out


def _unequal(merged: pd.DataFrame) -> list[str]:
    """The integer columns (M, diversity, ubiquity) not exactly equal to Stata's."""
    return [
        c
        for c in ("M", "diversity", "ubiquity")
        if not np.array_equal(merged[c].to_numpy(), merged[c + "_st"].to_numpy())
    ]


@pytest.mark.parametrize(
    ("name", "options"),
    [
        ("stata_ground_truth.csv", {}),
        ("stata_continuous.csv", {"proximity_kind": "continuous"}),
    ],
)
def test_stata_reference(data_dir: Path, name: str, options: dict[str, object]) -> None:
    gt = _fixture(data_dir, name)
    merged = _merge(gt, _run(_input(gt), **options))
    assert _misfit(merged, ("rca",), 1e-12) == []
    assert _unequal(merged) == []
    assert _misfit(merged, ("eci", "pci"), 1e-5) == []
    assert _misfit(merged, ("density", "coi", "cog"), 1e-4) == []


def test_stata_single_year_without_year_column(data_dir: Path) -> None:
    gt = _fixture(data_dir, "stata_single_year_1995.csv")
    ours = _run(_input(gt).drop(columns="year"), year=None)
    merged = _merge(gt, ours)
    assert _misfit(merged, ("rca",), 1e-12) == []
    assert _unequal(merged) == []
    assert _misfit(merged, ("eci", "pci"), 1e-5) == []
    assert _misfit(merged, ("density", "coi", "cog"), 1e-4) == []


def test_stata_rca_threshold_2(data_dir: Path) -> None:
    gt = _fixture(data_dir, "stata_rca_2.csv")
    inp = _input(gt)
    for year, g in gt.groupby("year"):
        x = inp[inp["year"] == year].pivot(index="origin", columns="hs92", values="export_val")
        st = g.pivot(index="origin", columns="hs92", values="rca").loc[x.index, x.columns]
        st_m = g.pivot(index="origin", columns="hs92", values="M").loc[x.index, x.columns]
        r = rca(x.to_numpy())
        np.testing.assert_allclose(r, st.to_numpy(), rtol=1e-12)
        m = presence(r, 2.0)
        np.testing.assert_array_equal(m, st_m.to_numpy())
        div = g.groupby("origin")["diversity"].first().loc[x.index].to_numpy()
        ubi = g.groupby("hs92")["ubiquity"].first().loc[x.columns].to_numpy()
        np.testing.assert_array_equal(m.sum(axis=1), div)
        np.testing.assert_array_equal(m.sum(axis=0), ubi)
    # the complexity run drops zero-diversity locations and zero-ubiquity products, with a warning
    with pytest.warns(UserWarning, match="多样性"):
        res = complexity(
            inp, location="origin", product="hs92", value="export_val", year="year", threshold=2
        )
    tidy = res.tidy()
    assert not tidy[TIDY_COLUMNS].drop(columns="year").isna().any().any()
    assert set(res.dropped["kind"]) == {"地区", "产品"}
    merged = gt.merge(
        tidy.assign(origin=tidy["location"].astype(object), hs92=tidy["product"].astype(int)),
        on=KEYS,
        suffixes=("_st", ""),
    )
    assert len(merged) == len(tidy)
    assert _misfit(merged, ("rca",), 1e-12) == []
    np.testing.assert_array_equal(merged["M"], merged["M_st"])


def test_stata_rpop(data_dir: Path) -> None:
    gt = _fixture(data_dir, "stata_rpop_default.csv")
    pop = gt.groupby(["year", "origin"], as_index=False)["population"].first()
    pop["population"] = pop["population"].astype(np.float32).astype(np.float64)
    ours = _run(_input(gt), presence_test="rpop", population=pop)
    merged = _merge(gt, ours)
    assert _misfit(merged, ("rpop",), 1e-12) == []
    assert _unequal(merged) == []
    assert _misfit(merged, ("eci", "pci"), 1e-5) == []
    assert _misfit(merged, ("density", "coi", "cog"), 1e-4) == []


def test_stata_rpop_population_file_drops_missing_location(data_dir: Path) -> None:
    trade = _fixture(data_dir, "trade_data_sample.csv")
    pop = _fixture(data_dir, "population_data_sample.csv")
    with pytest.warns(UserWarning, match="人口"):
        res = complexity(
            trade,
            location="origin",
            product="hs92",
            value="export_val",
            year="year",
            presence_test="rpop",
            population=pop,
        )
    assert "blx" in set(res.dropped["id"])
    assert "blx" not in set(res.tidy()["location"].astype(str))


def test_stata_proximity_discrete_symmetric(data_dir: Path) -> None:
    gt = _fixture(data_dir, "stata_ground_truth.csv")
    prox = _fixture(data_dir, "stata_proximity_discrete_sym.csv")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = complexity(
            _input(gt), location="origin", product="hs92", value="export_val", year="year"
        )
    for block, year in enumerate((1995, 1996)):
        st = prox.iloc[block * 900 : (block + 1) * 900]
        ours = res.proximity_frame(year)
        ours = ours.assign(
            hs92_1=ours["product_1"].astype(int), hs92_2=ours["product_2"].astype(int)
        )
        m = st.merge(ours, on=["hs92_1", "hs92_2"], validate="1:1")
        assert len(m) == 900
        np.testing.assert_allclose(m["proximity_y"], m["proximity_x"], rtol=1e-4, atol=1e-12)
        assert (m.loc[m.hs92_1 == m.hs92_2, "proximity_y"] == 0).all()


# ---------------------------------------------------------------------------------------------
# py-ecomplexity 0.5.3, run on the same input in the same test
# ---------------------------------------------------------------------------------------------
def _peer(data: pd.DataFrame, **kw: object) -> pd.DataFrame:
    ecomplexity = pytest.importorskip("ecomplexity").ecomplexity
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return ecomplexity(
            data,
            {"time": "year", "loc": "origin", "prod": "hs92", "val": "export_val"},
            check_logsupermodularity=False,
            verbose=False,
            **kw,
        )


def _assert_matches_peer(
    data: pd.DataFrame, peer_kw: dict[str, object], ours_kw: dict[str, object]
) -> None:
    peer = _peer(data, **peer_kw)
    ours = _run(data, convention="py-ecomplexity", **ours_kw)
    ours = ours.assign(origin=ours["location"].astype(object), hs92=ours["product"].astype(object))
    peer = peer.assign(hs92=peer["hs92"].astype(object))
    m = peer.merge(ours, on=KEYS, suffixes=("_py", ""), validate="1:1")
    assert len(m) == len(peer) == len(ours)
    np.testing.assert_array_equal(m["mcp"].to_numpy(int), m["M"].to_numpy())
    np.testing.assert_array_equal(m["diversity_py"].to_numpy(int), m["diversity"].to_numpy())
    np.testing.assert_allclose(m["rca_py"], m["rca"], rtol=1e-12)
    for c in ("eci", "pci"):
        np.testing.assert_allclose(m[c + "_py"], m[c], rtol=1e-5, atol=1e-10, err_msg=c)
    for c in ("density", "coi", "cog"):
        np.testing.assert_allclose(m[c + "_py"], m[c], rtol=1e-4, atol=1e-10, err_msg=c)


@pytest.mark.parametrize(
    ("peer_kw", "ours_kw"),
    [
        ({}, {}),
        ({"asymmetric": True}, {"asymmetric": True}),
        ({"continuous": True}, {"proximity_kind": "continuous"}),
    ],
)
def test_py_ecomplexity_on_trade_sample(
    data_dir: Path, peer_kw: dict[str, object], ours_kw: dict[str, object]
) -> None:
    trade = _fixture(data_dir, "trade_data_sample.csv")
    _assert_matches_peer(trade, peer_kw, ours_kw)


def _synthetic(n_loc: int, n_prod: int, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    cap = rng.beta(2, 2, n_loc)
    req = rng.beta(2, 2, n_prod)
    val = rng.lognormal(0, 1, (n_loc, n_prod)) * (0.05 + (cap[:, None] >= req[None, :] - 0.25))
    return pd.DataFrame(
        {
            "year": 2020,
            "origin": np.repeat([f"L{i:04d}" for i in range(n_loc)], n_prod),
            "hs92": np.tile([f"P{j:04d}" for j in range(n_prod)], n_loc),
            "export_val": val.ravel(),
        }
    )


@pytest.mark.parametrize(("n_loc", "n_prod"), [(320, 240), (230, 300)])
def test_py_ecomplexity_on_larger_synthetic(n_loc: int, n_prod: int) -> None:
    """Sizes above 200 take the Lanczos (ARPACK) path, on the product and the location side."""
    _assert_matches_peer(_synthetic(n_loc, n_prod, seed=n_loc), {}, {})


def test_eigen_paths_agree() -> None:
    data = _synthetic(260, 230, seed=7)
    x = data["export_val"].to_numpy().reshape(260, 230)
    m = presence(rca(x))
    _, kp_a, lam_a = eci_pci(m)  # P side, ARPACK (n = 230 > 200)
    kc_b, _, lam_b = eci_pci(m.T.copy())  # transposed problem: roles swap
    assert lam_a == pytest.approx(lam_b, rel=1e-10)
    # on the transposed matrix the "locations" are products: correlated up to sign and scale
    r = np.corrcoef(kp_a, kc_b)[0, 1]
    assert abs(r) == pytest.approx(1.0, abs=1e-10)


def test_zero_diversity_location_is_dropped_not_nan() -> None:
    m = pd.DataFrame(
        {
            "origin": np.repeat(["a", "b", "c", "d", "e"], 4),
            "hs92": np.tile(["p", "q", "r", "s"], 5),
            "export_val": [1, 0, 0, 0, 1, 1, 0, 0, 1, 1, 1, 0, 1, 1, 1, 1, 0, 0, 0, 0],
        }
    )
    with pytest.warns(UserWarning, match="多样性"):
        res = complexity(
            m, location="origin", product="hs92", value="export_val", presence_test="manual"
        )
    tidy = res.tidy()
    assert "e" not in set(tidy["location"].astype(str))
    assert not tidy.drop(columns=["year", "rca"]).isna().any().any()
    assert list(res.dropped["id"]) == ["e"]


def test_tidy_columns_summary_excel(tmp_path: Path) -> None:
    data = _synthetic(30, 20, seed=1)
    res = complexity(data, location="origin", product="hs92", value="export_val", year="year")
    tidy = res.tidy()
    assert list(tidy.columns) == TIDY_COLUMNS
    assert len(tidy) == 600
    # ECI is z-scored over the location × product rows (Stata summarize)
    assert tidy["eci"].mean() == pytest.approx(0.0, abs=1e-12)
    assert tidy["eci"].std(ddof=1) == pytest.approx(1.0, rel=1e-12)
    assert "经济复杂度" in res.summary()
    out = res.to_excel(tmp_path / "c.xlsx")
    sheets = pd.read_excel(out, sheet_name=None, engine="calamine")
    assert {"明细", "地区", "产品", "选项"} <= set(sheets)
    assert "经济复杂度ECI" in sheets["明细"].columns


def test_bad_input_messages() -> None:
    data = _synthetic(5, 4, seed=1)
    with pytest.raises(InputError, match="缺少列"):
        complexity(data, location="nope", product="hs92", value="export_val")
    dup = pd.concat([data, data.iloc[:1]])
    with pytest.raises(InputError, match="重复"):
        complexity(dup, location="origin", product="hs92", value="export_val", year="year")
    neg = data.assign(export_val=-data["export_val"])
    with pytest.raises(InputError, match="负值"):
        complexity(neg, location="origin", product="hs92", value="export_val")
    with pytest.raises(InputError, match="convention"):
        complexity(
            data,
            location="origin",
            product="hs92",
            value="export_val",
            convention="x",  # type: ignore[arg-type]
        )


def test_presence_both_is_union_of_rca_and_rpop(data_dir: Path) -> None:
    gt = _fixture(data_dir, "stata_ground_truth.csv")
    rp = _fixture(data_dir, "stata_rpop_default.csv")
    pop = rp.groupby(["year", "origin"], as_index=False)["population"].first()
    pop["population"] = pop["population"].astype(np.float32).astype(np.float64)
    inp = _input(gt)
    inp = inp[inp["origin"] != "blx"]  # no population for blx
    ours = _run(inp, presence_test="both", population=pop)
    ours = ours.assign(origin=ours["location"].astype(object), hs92=ours["product"].astype(int))
    # RCA on the 9-country matrix, RPOP from the Stata file (same 9 countries)
    rca9 = _run(inp)
    rca9 = rca9.assign(origin=rca9["location"].astype(object), hs92=rca9["product"].astype(int))
    m = ours.merge(rp[[*KEYS, "M"]], on=KEYS, suffixes=("", "_rpop")).merge(
        rca9[[*KEYS, "M"]], on=KEYS, suffixes=("", "_rca")
    )
    assert len(m) == 540
    np.testing.assert_array_equal(m["M"], np.maximum(m["M_rpop"], m["M_rca"]))
