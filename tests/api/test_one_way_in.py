"""One way in: every declared analysis gives the same numbers through the pipeline, the CLI, the
REST API and the web data layer (issue #11).

The pipeline result (:meth:`xinzhi.registry.Analysis.run`) is the reference; each surface must
reproduce its tables exactly (floats to 1e-12). A surface that computed on its own — another
panel, another default — fails here, as the convergence and Markov surfaces once did.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from api_helpers import Api
from typer.testing import CliRunner

from xinzhi import registry
from xinzhi.cli import app
from xinzhi.labels import SYNTHETIC_NOTE

#: Small options keeping the run short; every other option takes its declared default.
FAST: dict[str, dict[str, Any]] = {
    "kde": {"grid_size": 64},
    "moran": {"permutations": 99},
    "geary": {"permutations": 99},
    "lisa": {"permutations": 99},
    "industry-map": {"county": "430321"},  # 湘潭县
    "peers": {"county": "430321"},
    "monitor-digest": {"county": "430321"},
    "chain": {"county": "430321", "chain": "construction-machinery"},
    # the synthetic firms of the warehouse (示例数据): one county keeps the runs short
    "mujun": {"county": "430321"},
    "mujun-policy": {"county": "430321"},
    "tiers": {"county": "430321", "date": "2025-06-30"},
    "size": {"county": "430321"},
    "policy-check": {"county": "430321", "date": "2025-06-30"},
    "pilot-effect": {"policy": "示例试点"},
    # the stored evaluation demo (set by _options), a small Monte Carlo
    "audit": {"n": 64},  # the pilot list of tests/api/conftest.py
    "complexity": {"location": "county", "product": "industry", "value": "emp"},
    "specialization": {"location": "county", "industry": "industry", "value": "emp"},
    "shiftshare": {
        "location": "county",
        "industry": "industry",
        "value": "emp",
        "year": "year",
        "base": 2010,
        "final": 2020,
    },
}

#: CLI arguments (besides --evaluation/--db/--output) and the table the command writes.
CLI: dict[str, tuple[list[str], str]] = {
    "dagum": (["disparity", "dagum"], "overall"),
    "theil": (["disparity", "theil"], "overall"),
    "kde": (["disparity", "kde", "--grid-size", "64"], "stats"),
    "markov": (["disparity", "markov"], "tidy"),
    "spatial-markov": (["disparity", "markov", "--weights", "queen"], "counts"),
    "convergence": (["disparity", "convergence"], "coefficients"),
}

KEYS = [a.key for a in registry.analyses() if not a.takes_file and a.action is None]
"""Analyses every surface offers (those reading a user's file are CLI only)."""
ALL_KEYS = [a.key for a in registry.analyses()]

#: A user's long tables for the analyses of a file (county × industry employment, 示例数据):
#: one year, and two years for shift-share; written once by the fixture ``user_table``.
_RNG = np.random.default_rng(5)  # nested capabilities, as tests/industry/test_industry_cli.py
_CAP, _REQ = _RNG.uniform(size=8), _RNG.uniform(size=6)
USER_TABLE = pd.DataFrame(
    {
        "county": np.repeat([f"C{i}" for i in range(8)], 6),
        "industry": np.tile([f"I{j}" for j in range(6)], 8),
        "emp": (
            _RNG.lognormal(size=(8, 6)) * (0.1 + (_CAP[:, None] > _REQ[None, :] - 0.2))
        ).ravel(),
    }
)
USER_PANEL = pd.concat(
    [USER_TABLE.assign(year=2010), USER_TABLE.assign(year=2020, emp=USER_TABLE["emp"] * 1.5)]
)


@pytest.fixture(scope="module")
def cursor(api: Api) -> Iterator[Any]:
    cur = api.client.app.state.db.cursor()  # type: ignore[attr-defined]
    yield cur
    cur.close()


@pytest.fixture(scope="module")
def user_table(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with 示例数据-就业.csv (one year) and 示例数据-就业面板.csv (two years)."""
    folder = tmp_path_factory.mktemp("user-table")
    USER_TABLE.to_csv(folder / "示例数据-就业.csv", index=False)
    USER_PANEL.to_csv(folder / "示例数据-就业面板.csv", index=False)
    return folder


def _options(key: str, table: Path | None = None) -> dict[str, Any]:
    a = registry.get(key)
    opts = dict(FAST.get(key, {}))
    if a.takes_file:
        assert table is not None
        name = "示例数据-就业面板.csv" if key == "shiftshare" else "示例数据-就业.csv"
        opts["input"] = str(table / name)
    if "evaluation" in {o.name for o in a.options}:
        opts["evaluation"] = "demo"
    return opts


_cache: dict[str, Any] = {}


def _reference(key: str, cursor: Any, data_dir: Path, table: Path | None = None) -> Any:
    if key not in _cache:
        _cache[key] = registry.get(key).run(cursor, data_dir=data_dir, **_options(key, table))
    return _cache[key]


def _table(key: str, res: Any, which: str) -> pd.DataFrame:
    if which == "tidy":
        return res.tidy()
    if key == "convergence" and which == "coefficients":
        return res.beta.coefficients
    return getattr(res, which)


def _same(got: pd.DataFrame, want: pd.DataFrame) -> None:
    got = got.reset_index(drop=True)
    want = want.reset_index(drop=True)
    assert list(got.columns) == [str(c) for c in want.columns]
    for c in want.columns:
        a, b = got[str(c)], want[c]
        if pd.api.types.is_numeric_dtype(b) and not pd.api.types.is_bool_dtype(b):
            np.testing.assert_allclose(
                pd.to_numeric(a).to_numpy(dtype=float),
                b.to_numpy(dtype=float),
                rtol=1e-12,
                atol=1e-15,
                equal_nan=True,
                err_msg=f"column {c}",
            )
        else:
            assert a.astype(str).tolist() == b.astype(str).tolist(), f"column {c}"


@pytest.mark.parametrize("key", KEYS)
def test_api_equals_pipeline(key: str, api: Api, cursor: Any, data_dir: Path) -> None:
    res = _reference(key, cursor, data_dir)
    r = api.client.get(f"/api/analyses/{key}", params=_options(key), headers=api.h("analyst1"))
    assert r.status_code == 200, r.text
    body = r.json()
    want = res.tables()
    assert list(body["tables"]) == list(want)
    for name, table in want.items():
        _same(pd.DataFrame(body["tables"][name], columns=[str(c) for c in table.columns]), table)
    labelled = [SYNTHETIC_NOTE] if res.synthetic else []
    assert body["notes"] == labelled + [str(n) for n in res.notes]


@pytest.mark.parametrize("key", KEYS)
def test_web_data_layer_equals_pipeline(
    key: str, api: Api, cursor: Any, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from xinzhi.web import _context
    from xinzhi.web._controls import run_analysis

    monkeypatch.setattr(_context.config, "database", api.client.app.state.db)  # type: ignore[attr-defined]
    monkeypatch.setattr(_context.config, "db", api.db_path)
    monkeypatch.setattr(_context.config, "data_dir", data_dir)
    from xinzhi.auth import get_user

    analyst = get_user(cursor, "analyst1")  # sees every county (county-scoped analyses too)
    got = run_analysis(registry.get(key), user=analyst, **_options(key)).tables()
    want = _reference(key, cursor, data_dir).tables()
    assert list(got) == list(want)
    for name, table in want.items():
        assert len(got[name]) == len(table), name
        _same(got[name], table)


@pytest.mark.parametrize("key", sorted(CLI))
def test_cli_equals_pipeline(
    key: str, api: Api, cursor: Any, evaluated_warehouse: Path, data_dir: Path, tmp_path: Path
) -> None:
    args, which = CLI[key]
    out = tmp_path / "out.csv"
    argv = [*args, "--evaluation", "demo", "--db", str(evaluated_warehouse), "-o", str(out)]
    res = CliRunner().invoke(app, argv)
    assert res.exit_code == 0, res.output
    want = _table(key, _reference(key, cursor, data_dir), which)
    got = pd.read_csv(out, dtype={c: str for c in want.columns if want[c].dtype == object})
    _same(got, want)


@pytest.mark.parametrize("key", ALL_KEYS)
def test_generic_cli_equals_pipeline(
    key: str,
    cursor: Any,
    evaluated_warehouse: Path,
    data_dir: Path,
    tmp_path: Path,
    user_table: Path,
) -> None:
    """``xinzhi analysis <key>``: the command derived from the declaration."""
    out = tmp_path / "out.json"
    flags = [f"--{k.replace('_', '-')}={v}" for k, v in _options(key, user_table).items()]
    argv = ["--db", str(evaluated_warehouse), "analysis", key, *flags, "-o", str(out)]
    res = CliRunner().invoke(app, argv)
    assert res.exit_code == 0, res.output
    want = next(iter(_reference(key, cursor, data_dir, user_table).tables().values()))
    got = pd.read_json(out, orient="records", dtype=False)
    # an empty table is written as [] (no columns to read back)
    _same(got.reindex(columns=[str(c) for c in want.columns]), want)


def test_cli_io_equals_pipeline(cursor: Any, data_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "io.csv"
    res = CliRunner().invoke(app, ["industry", "io", "--output", str(out)])
    assert res.exit_code == 0, res.output
    want = _reference("io", cursor, data_dir).tidy()
    _same(pd.read_csv(out, dtype={"code": str}), want)


def test_report_shows_the_peers_of_the_pipeline(
    api: Api, cursor: Any, evaluated_warehouse: Path, data_dir: Path
) -> None:
    """The county report's peers, benchmarks and gaps are those of the declared ``peers``
    analysis (same stored evaluation, same inputs)."""
    from xinzhi.pipelines.report import county_report_data

    res = _reference("peers", cursor, data_dir)
    data = county_report_data(
        "430321", 2020, evaluation="demo", con=cursor, db=evaluated_warehouse, data_dir=data_dir
    )
    assert data.peers["region_code"].tolist() == res.peers["region_code"].tolist()
    assert data.benchmarks["region_code"].tolist() == res.benchmarks["region_code"].tolist()
    np.testing.assert_allclose(
        data.gaps["gap_share"].to_numpy(float), res.gaps["gap_share"].to_numpy(float), rtol=1e-12
    )


def test_county_scoped_analysis_follows_the_access_policy(api: Api) -> None:
    """The chain analysis lists a county's firms (record-level): a county account runs it for
    its own county only; the catalogue says which analyses are county-scoped."""
    params = {"county": "430321", "chain": "construction-machinery"}
    own = api.client.get("/api/analyses/chain", params=params, headers=api.h("county1"))
    assert own.status_code == 200
    other = api.client.get("/api/analyses/chain", params=params, headers=api.h("county2"))
    assert other.status_code == 403
    assert other.json()["error"] == {
        "code": "forbidden",
        "message": "县区用户只能查看本县区的企业记录等明细数据（请求的县区：430321）",
    }
    by_name = {**params, "county": "湘潭县"}
    assert (
        api.client.get("/api/analyses/chain", params=by_name, headers=api.h("county2")).status_code
        == 403
    )
    public = api.client.get(
        "/api/analyses/industry-map", params={"county": "430321"}, headers=api.h("county2")
    )
    assert public.status_code == 200  # census aggregates: every account


def test_evaluation_equal_through_pipeline_cli_api_and_web(
    api: Api,
    cursor: Any,
    evaluated_warehouse: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The evaluation with every default: stored by the pipeline (``demo``, the fixture's
    ``evaluate_counties``), run through ``POST /api/evaluations``, ``xinzhi evaluate`` and read
    by the web data layer — the same score for every county-year."""
    import shutil

    from xinzhi.pipelines.stored import stored_scores
    from xinzhi.web import _context
    from xinzhi.web._data import scores_of

    key = ["region_code", "year"]
    ref = stored_scores(cursor, "demo").set_index(key)["score"].sort_index()
    r = api.client.post(
        "/api/evaluations", json={"save_as": "one-way-in"}, headers=api.h("analyst1")
    )
    assert r.status_code == 201, r.text
    via_api = stored_scores(cursor, "one-way-in").set_index(key)["score"].sort_index()
    pd.testing.assert_series_equal(via_api, ref, rtol=1e-12, atol=0)

    db = tmp_path / "w.duckdb"
    shutil.copy(evaluated_warehouse, db)
    out = tmp_path / "scores.csv"
    res = CliRunner().invoke(app, ["evaluate", "--db", str(db), "--output", str(out)])
    assert res.exit_code == 0, res.output
    # the CLI's score table names the code column ``unit`` (the evaluation engine's name)
    cli = pd.read_csv(out, dtype={"unit": str}).rename(columns={"unit": "region_code"})
    cli = cli.set_index(key)["score"].sort_index()
    pd.testing.assert_series_equal(cli, ref, rtol=1e-12, atol=0, check_names=False)

    monkeypatch.setattr(_context.config, "database", api.client.app.state.db)  # type: ignore[attr-defined]
    monkeypatch.setattr(_context.config, "db", api.db_path)
    web = scores_of("demo").set_index(key)["score"].sort_index()
    pd.testing.assert_series_equal(web, ref, rtol=1e-12, atol=0)


def test_api_evaluation_checks_the_declared_options(api: Api) -> None:
    r = api.client.post(
        "/api/evaluations",
        json={"save_as": "bad", "options": {"weights": "magic"}},
        headers=api.h("analyst1"),
    )
    assert r.status_code == 422
    assert r.json()["error"] == {
        "code": "invalid_option",
        "message": "选项 weights（赋权）只能是 entropy、critic、cv、std、equal、combined、expert、pca、"
        "corr-opt，收到 'magic'",
    }


def test_defaults_are_the_declared_ones(api: Api) -> None:
    """The catalogue lists the declared defaults; a few literal ones pinned (a change of a
    default is a change every surface sees at once, and must be deliberate)."""
    r = api.client.get("/api/analyses", headers=api.h("county1"))
    assert r.status_code == 200
    got = {a["key"]: {o["name"]: o["default"] for o in a["options"]} for a in r.json()}
    assert got["convergence"]["kind"] == "cross-section"
    assert got["convergence"]["harmonise"] is True
    assert got["markov"] == {
        "evaluation": None,
        "k": 4,
        "classification": "pooled",
        "harmonise": True,
    }
    assert got["kde"]["grid_size"] == 512
    assert got["dagum"]["group"] == "province"
    assert got["io"]["table"] == "2020-42"
    routes = {a["key"]: (a["route"], a["scope"]) for a in r.json()}
    assert routes["chain"] == ("GET /api/analyses/chain", "county")
    assert routes["complexity"] == (None, "public")  # a user's file: CLI only
    assert routes["evaluation"] == ("POST /api/evaluations", "public")
    assert api.client.get("/api/analyses/complexity", headers=api.h("county1")).status_code == 404
