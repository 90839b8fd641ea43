"""Every kind of spatial weights through the surfaces (:mod:`xinzhi.pipelines.spatial`):
``xinzhi disparity moran|markov --weights …`` on a small table with a coordinates file, the
declared options of ``xinzhi analysis moran`` on a stored evaluation, out-of-range options
(Chinese error, no traceback), and the county centroids of the boundaries.

Expected values come from esda / libpysal / numpy on weights built here by hand, never from
the weights under test."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from xinzhi.cli import app

runner = CliRunner()

CODES = ["110101", "110102", "110105", "110106", "110107", "110108", "110109"]
Y = np.array([5.0, 4.0, 3.5, 1.0, 0.5, 2.0, 2.6])
GDP = np.array([10.0, 9.0, 7.0, 3.0, 2.0, 5.0, 6.0])
XY = np.array(
    [[0.0, 0.0], [3.0, 0.0], [0.0, 4.0], [10.0, 1.0], [12.0, 5.0], [6.0, 9.0], [4.0, 3.0]]
)


@pytest.fixture()
def files(tmp_path: Path) -> dict[str, Path]:
    data = tmp_path / "y.csv"
    pd.DataFrame({"code": CODES, "y": Y, "gdp": GDP}).to_csv(data, index=False)
    coords = tmp_path / "xy.csv"
    pd.DataFrame({"unit": CODES, "x": XY[:, 0], "y": XY[:, 1]}).to_csv(coords, index=False)
    return {"data": data, "coords": coords}


def _moran_cli(files: dict[str, Path], tmp_path: Path, *extra: str) -> pd.DataFrame:
    out = tmp_path / "m.csv"
    args = ["disparity", "moran", "--input", str(files["data"]), "--value", "y"]
    args += ["--unit", "code", "--permutations", "0", "--output", str(out), *extra]
    r = runner.invoke(app, args)
    assert r.exit_code == 0, r.output
    return pd.read_csv(out)


def _esda_i(full: np.ndarray, transformation: str = "r") -> float:
    import esda
    from libpysal.weights import full2W

    return float(esda.Moran(Y, full2W(full, ids=CODES), transformation, permutations=0).I)


def _distances() -> np.ndarray:
    return np.sqrt(((XY[:, None, :] - XY[None, :, :]) ** 2).sum(axis=2))


def test_cli_knn_with_coordinates_equals_esda(files: dict[str, Path], tmp_path: Path) -> None:
    from libpysal.weights import KNN

    got = _moran_cli(
        files, tmp_path, "--weights", "knn", "--k", "2", "--coordinates", str(files["coords"])
    )
    ref = KNN.from_array(XY, k=2, silence_warnings=True).full()[0]
    np.testing.assert_allclose(got["I"], [_esda_i(ref)], rtol=1e-12)


@pytest.mark.parametrize(("power", "cutoff"), [(1, None), (2, None), (1, 7.0), (2, 7.0)])
def test_cli_inverse_distance_equals_esda(
    files: dict[str, Path], tmp_path: Path, power: int, cutoff: float | None
) -> None:
    extra = ["--weights", "inverse-distance", "--power", str(power)]
    extra += ["--coordinates", str(files["coords"])]
    if cutoff is not None:
        extra += ["--cutoff", str(cutoff)]
    got = _moran_cli(files, tmp_path, *extra)
    d = _distances()
    with np.errstate(divide="ignore"):
        full = np.where((d > 0) & (d <= (cutoff or np.inf)), d ** (-float(power)), 0.0)
    np.testing.assert_allclose(got["I"], [_esda_i(full)], rtol=1e-12)


def test_cli_economic_distance_equals_esda(files: dict[str, Path], tmp_path: Path) -> None:
    got = _moran_cli(files, tmp_path, "--weights", "economic", "--economic-variable", "gdp")
    diff = np.abs(GDP[:, None] - GDP[None, :])  # one row per unit: ȳ_i = gdp_i
    with np.errstate(divide="ignore"):
        full = np.where(diff > 0, 1.0 / diff, 0.0)
    np.testing.assert_allclose(got["I"], [_esda_i(full)], rtol=1e-12)


def test_cli_nested_weights_equal_esda_and_standardise_none(
    files: dict[str, Path], tmp_path: Path
) -> None:
    extra = ["--weights", "nested", "--economic-variable", "gdp", "--power", "2"]
    extra += ["--coordinates", str(files["coords"])]
    d = _distances()
    with np.errstate(divide="ignore"):
        wd = np.where(d > 0, d**-2.0, 0.0)
    full = wd * (GDP / GDP.mean())[None, :]  # W_d · diag(ȳ_j / ȳ)
    got = _moran_cli(files, tmp_path, *extra)
    np.testing.assert_allclose(got["I"], [_esda_i(full)], rtol=1e-12)
    raw = _moran_cli(files, tmp_path, *extra, "--standardise", "none")
    np.testing.assert_allclose(raw["I"], [_esda_i(full, "O")], rtol=1e-12)
    assert abs(raw["I"].iloc[0] - got["I"].iloc[0]) > 1e-6


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_cli_matrix_file_equals_esda(files: dict[str, Path], tmp_path: Path, suffix: str) -> None:
    rng = np.random.default_rng(4)
    full = rng.uniform(0.0, 2.0, (7, 7)).round(3)
    np.fill_diagonal(full, 0.0)
    order = [3, 0, 6, 1, 5, 2, 4]  # columns in another order than the rows, matched by code
    table = pd.DataFrame(full[:, order], columns=[CODES[j] for j in order])
    table.insert(0, "区划代码", CODES)
    path = tmp_path / f"w{suffix}"
    if suffix == ".csv":
        table.to_csv(path, index=False)
    else:
        table.to_excel(path, index=False)
    got = _moran_cli(files, tmp_path, "--weights-file", str(path))
    np.testing.assert_allclose(got["I"], [_esda_i(full)], rtol=1e-12)


def test_cli_matrix_file_error_names_row_and_column(files: dict[str, Path], tmp_path: Path) -> None:
    full = np.ones((7, 7))
    np.fill_diagonal(full, 0.0)
    full[2, 5] = -1.0
    table = pd.DataFrame(full, columns=CODES)
    table.insert(0, "code", CODES)
    path = tmp_path / "bad.csv"
    table.to_csv(path, index=False)
    args = ["disparity", "moran", "--input", str(files["data"]), "--value", "y", "--unit", "code"]
    r = runner.invoke(app, [*args, "--weights-file", str(path)])
    assert r.exit_code != 0
    assert "第 3 行（110105）第 6 列（110108）为负数：-1" in r.output
    assert "Traceback" not in r.output


def test_cli_spatial_markov_with_knn(tmp_path: Path, files: dict[str, Path]) -> None:
    """Spatial Markov counts with k = 1 nearest neighbours, counted by hand."""
    # units a..d on a line at x = 0, 1, 3, 6: nearest of a is b, of b is a, of c is b, of d is c
    codes = ["110101", "110102", "110105", "110106"]
    coords = tmp_path / "line.csv"
    pd.DataFrame({"unit": codes, "x": [0.0, 1.0, 3.0, 6.0], "y": 0.0}).to_csv(coords, index=False)
    panel = pd.DataFrame(
        {
            "unit": np.repeat(codes, 2),
            "year": [2020, 2021] * 4,
            "v": [1.0, 1.0, 3.0, 3.0, 1.0, 3.0, 3.0, 1.0],
        }
    )
    data = tmp_path / "p.csv"
    panel.to_csv(data, index=False)
    out = tmp_path / "c.csv"
    args = ["disparity", "markov", "--input", str(data), "--value", "v", "--cutoffs", "2"]
    args += ["--weights", "knn", "--neighbors", "1", "--coordinates", str(coords)]
    r = runner.invoke(app, [*args, "--output", str(out)])
    assert r.exit_code == 0, r.output
    counts = pd.read_csv(out)
    # 2020 states (cut 2): a low, b high, c low, d high; lag = the one neighbour's value:
    # a←b 3 (high), b←a 1 (low), c←b 3 (high), d←c 1 (low).
    # transitions: a low→low | lag high; b high→high | lag low; c low→high | lag high;
    # d high→low | lag low
    got = {
        (r.lag_state, r["from"], r.to): int(r["count"])
        for _, r in counts.iterrows()
        if r["count"] > 0
    }
    states = sorted({k[1] for k in got} | {k[2] for k in got})
    low, high = states[0], states[-1]
    assert got == {
        (high, low, low): 1,
        (low, high, high): 1,
        (high, low, high): 1,
        (low, high, low): 1,
    }


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--weights", "knn", "--k", "0"], "选项 neighbors（近邻数 k）不能小于 1，收到 0"),
        (["--weights", "knn", "--k", "7"], "必须小于有坐标的单元数 7，收到 7"),
        (["--weights", "inverse-distance", "--power", "3"], "选项 power（距离幂次）不能大于 2"),
        (
            ["--weights", "inverse-distance", "--cutoff", "0"],
            "选项 cutoff（截断距离（公里））不能小于",
        ),
        (
            ["--weights", "knn", "--standardise", "column"],
            "选项 standardise（权重标准化）只能是 row、none",
        ),
        (
            ["--weights", "economic", "--economic-variable", "gnp"],
            "经济距离权重的变量 'gnp' 不在数据中",
        ),
        (["--weights", "queens"], "既不是 queen、knn、inverse-distance、economic、nested 之一"),
    ],
)
def test_out_of_range_options_give_chinese_errors(
    files: dict[str, Path], extra: list[str], message: str
) -> None:
    args = ["disparity", "moran", "--input", str(files["data"]), "--value", "y", "--unit", "code"]
    r = runner.invoke(app, [*args, "--coordinates", str(files["coords"]), *extra])
    assert r.exit_code != 0
    assert message in r.output
    assert "Traceback" not in r.output


def test_declared_options_on_a_stored_evaluation(
    small_warehouse: object, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``xinzhi analysis moran --weights economic`` (declared options, derived command) on the
    small warehouse: ȳ_i is the mean score of each county over 2010 and 2020."""
    import esda
    from libpysal.weights import full2W

    from xinzhi.pipelines.stored import evaluation_panel
    from xinzhi.regions.boundaries import BOUNDARY_YEAR

    db = small_warehouse.db  # type: ignore[attr-defined]
    name = small_warehouse.evaluation  # type: ignore[attr-defined]
    monkeypatch.setenv("XINZHI_DB", str(db))
    out = tmp_path / "m.csv"
    args = ["analysis", "moran", "--evaluation", name]
    args += ["--weights", "economic", "--permutations", "0", "--output", str(out)]
    r = runner.invoke(app, args)
    assert r.exit_code == 0, r.output
    panel = evaluation_panel(name, db=db, harmonise_to=BOUNDARY_YEAR)
    ybar = panel.groupby("unit")["score"].mean()
    last = panel[panel["year"] == panel["year"].max()].sort_values("unit")
    yb = ybar.loc[last["unit"]].to_numpy()
    diff = np.abs(yb[:, None] - yb[None, :])
    with np.errstate(divide="ignore"):
        full = np.where(diff > 0, 1.0 / diff, 0.0)
    ref = esda.Moran(
        last["score"].to_numpy(), full2W(full, ids=last["unit"].tolist()), permutations=0
    )
    got = pd.read_csv(out)
    np.testing.assert_allclose(got["I"], [ref.I], rtol=1e-12)
    bad = runner.invoke(app, [*args[:4], "--weights", "knn", "--neighbors", "0"])
    assert bad.exit_code != 0 and "不能小于 1" in bad.output and "Traceback" not in bad.output


def test_county_centroids_and_knn_from_the_boundaries(data_dir: Path, tmp_path: Path) -> None:
    from libpysal.weights import KNN

    from xinzhi.pipelines.spatial import county_centroids

    codes = ["110101", "110102", "110105", "110106", "110107", "110108"]
    c = county_centroids(codes, data_dir=data_dir)
    assert c.index.tolist() == codes
    # 东城区 lies around 116.41° E, 39.93° N (the Forbidden City is at 116.397°, 39.917°)
    assert abs(c.loc["110101", "lon"] - 116.41) < 0.05
    assert abs(c.loc["110101", "lat"] - 39.93) < 0.05
    data = tmp_path / "bj.csv"
    y = np.array([5.0, 4.0, 3.5, 1.0, 0.5, 2.0])
    pd.DataFrame({"code": codes, "y": y}).to_csv(data, index=False)
    out = tmp_path / "m.csv"
    args = ["disparity", "moran", "--input", str(data), "--value", "y", "--unit", "code"]
    r = runner.invoke(
        app, [*args, "--weights", "knn", "--k", "2", "--permutations", "0", "-o", str(out)]
    )
    assert r.exit_code == 0, r.output
    import esda
    from libpysal.weights import full2W

    ref = KNN.from_array(
        c[["lon", "lat"]].to_numpy(),
        k=2,
        distance_metric="arc",
        radius=6371.0088,
        silence_warnings=True,
    ).full()[0]
    expect = esda.Moran(y, full2W(ref, ids=codes), permutations=0).I
    np.testing.assert_allclose(pd.read_csv(out)["I"], [expect], rtol=1e-12)


def test_cli_spatial_beta_convergence_with_inverse_distance(
    files: dict[str, Path], tmp_path: Path
) -> None:
    """``disparity convergence --spatial slx --weights inverse-distance``: the β regression on
    ln y0 and W ln y0 equals statsmodels OLS with the lag built here."""
    import statsmodels.api as sm

    y0, y1 = Y, Y * np.exp(0.03 - 0.01 * np.log(Y) + np.linspace(-0.02, 0.02, Y.size))
    panel = tmp_path / "conv.csv"
    pd.DataFrame({"unit": CODES * 2, "year": [2010] * 7 + [2020] * 7, "v": [*y0, *y1]}).to_csv(
        panel, index=False
    )
    out = tmp_path / "b.csv"
    args = ["disparity", "convergence", "--input", str(panel), "--value", "v"]
    args += ["--kind", "cross-section", "--spatial", "slx", "--weights", "inverse-distance"]
    args += ["--coordinates", str(files["coords"]), "--output", str(out)]
    r = runner.invoke(app, args)
    assert r.exit_code == 0, r.output
    d = _distances()
    with np.errstate(divide="ignore"):
        w = np.where(d > 0, 1.0 / d, 0.0)
    w = w / w.sum(axis=1, keepdims=True)
    ln0 = np.log(y0)
    g = (np.log(y1) - ln0) / 10
    ref = sm.OLS(g, sm.add_constant(np.column_stack([ln0, w @ ln0]))).fit(cov_type="HC1")
    got = pd.read_csv(out)
    assert got["term"].tolist() == ["const", "ln_y0", "w_ln_y0"]
    np.testing.assert_allclose(got["coef"], ref.params, rtol=1e-10)
    np.testing.assert_allclose(got["se"], ref.bse, rtol=1e-10)
    plain = runner.invoke(
        app, ["disparity", "convergence", "--input", str(panel), "--value", "v", "--power", "2"]
    )
    assert plain.exit_code != 0 and "只用于空间 β 收敛" in plain.output


def test_spatial_convergence_on_a_stored_evaluation(
    small_warehouse: object, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """``xinzhi analysis convergence --spatial slx --weights economic``: the counties observed
    in both years (codes of the boundaries' year), ȳ_i their mean score."""
    import statsmodels.api as sm

    from xinzhi.pipelines.stored import evaluation_panel
    from xinzhi.regions.boundaries import BOUNDARY_YEAR

    db = small_warehouse.db  # type: ignore[attr-defined]
    name = small_warehouse.evaluation  # type: ignore[attr-defined]
    monkeypatch.setenv("XINZHI_DB", str(db))
    out = tmp_path / "b.csv"
    args = ["analysis", "convergence", "--evaluation", name, "--spatial", "slx"]
    r = runner.invoke(app, [*args, "--weights", "economic", "--output", str(out)])
    assert r.exit_code == 0, r.output
    panel = evaluation_panel(name, db=db, harmonise_to=BOUNDARY_YEAR)
    wide = panel.pivot(index="unit", columns="year", values="score").dropna().sort_index()
    first, last = wide.columns.min(), wide.columns.max()
    ybar = wide.mean(axis=1).to_numpy()
    diff = np.abs(ybar[:, None] - ybar[None, :])
    with np.errstate(divide="ignore"):
        w = np.where(diff > 0, 1.0 / diff, 0.0)
    w = w / w.sum(axis=1, keepdims=True)
    ln0 = np.log(wide[first].to_numpy())
    g = (np.log(wide[last].to_numpy()) - ln0) / (last - first)
    ref = sm.OLS(g, sm.add_constant(np.column_stack([ln0, w @ ln0]))).fit(cov_type="HC1")
    got = pd.read_csv(out)
    np.testing.assert_allclose(got["coef"], ref.params, rtol=1e-10)


def test_rest_api_offers_the_declared_weights_but_no_paths(
    small_warehouse: object, tmp_path: Path
) -> None:
    """``GET /api/analyses/moran?weights=economic`` equals the pipeline; an out-of-range
    ``neighbors`` is refused with the Chinese message; the file options are not parameters."""
    import shutil

    from fastapi.testclient import TestClient

    from xinzhi import auth, registry, store
    from xinzhi.server import create_app

    db = tmp_path / "w.duckdb"
    shutil.copy(small_warehouse.db, db)  # type: ignore[attr-defined]
    name = small_warehouse.evaluation  # type: ignore[attr-defined]
    app_ = create_app(db)
    cur = app_.state.db.cursor()
    auth.add_user(cur, "analyst1", "correct-horse-1", "analyst")
    cur.close()
    with TestClient(app_) as client:
        tok = client.post(
            "/api/auth/token", json={"username": "analyst1", "password": "correct-horse-1"}
        ).json()["access_token"]
        h = {"Authorization": f"Bearer {tok}"}
        q = {"evaluation": name, "weights": "economic", "permutations": 0, "standardise": "none"}
        r = client.get("/api/analyses/moran", params=q, headers=h)
        assert r.status_code == 200, r.text
        got = r.json()["tables"]
        bad = client.get(
            "/api/analyses/moran",
            params={"evaluation": name, "weights": "knn", "neighbors": 0},
            headers=h,
        )
        assert bad.status_code in (400, 422) and "neighbors" in bad.text
        spec = client.get("/api/openapi.json", headers=h).json()
    with store.connect(db, read_only=True) as con:
        ref = registry.get("moran").run(
            con, evaluation=name, weights="economic", permutations=0, standardise="none"
        )
    first = next(iter(got.values()))
    np.testing.assert_allclose([first[0]["I"]], ref.table["I"].to_numpy(), rtol=1e-12)
    params = {p["name"] for p in spec["paths"]["/api/analyses/moran"]["get"]["parameters"]}
    assert {"weights", "neighbors", "power", "cutoff", "standardise"} <= params
    assert not {"coordinates", "weights_file"} & params
