"""Golden values of three named counties on the public warehouse: score, national rank,
provincial rank, top shortfall (短板) and county type.

The literals below were produced by an independent run of the command line (not by the
functions this test calls); the exact commands, the date and the commit are in
``tests/golden/README.md``. The test recomputes them through the pipelines with every default
(built-in system ``nqpf-county``, 2010 and 2020 pooled — the demo's evaluation) and compares:
scores and obstacle shares to 1e-9, ranks, shortfalls and types exactly. A change of defaults
(normalisation, weights, aggregation, the census import, the typology rules) moves these numbers
and fails here; if the change is intended, regenerate the values with the README's commands and
say so in the commit message.

Counties: 湘潭县 430321 (中部, the demo's example county), 昆山市 320583 (东部, 苏州),
勐腊县 532823 (西部, 云南西双版纳) — three regions, three county types, two different main
shortfalls.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from xinzhi import store
from xinzhi.cli import app
from xinzhi.pipelines.evaluation import CountyEvaluation, evaluate_counties
from xinzhi.pipelines.typology import CountyTypes, classify_counties
from xinzhi.store.evaluations import load_evaluation


@dataclass(frozen=True)
class Golden:
    """One county-year as printed by the CLI run of the README."""

    code: str
    year: int
    score: float  # evaluate.csv column score
    rank: int  # evaluate.csv column rank (national, 1 = best)
    province_rank: int  # 县域新质生产力指数.xlsx sheet 得分, 省内排名
    shortfall: str  # sheet 短板: the 短板 with the largest 障碍度
    obstacle: float  # its 障碍度 (share of the total obstacle)


GOLDEN = [
    Golden("430321", 2010, 0.15372556006823038, 1902, 88, "新质要素供给短缺", 0.3146613436853911),
    Golden("430321", 2020, 0.2479884237615794, 1511, 63, "新质要素供给短缺", 0.347884858806113),
    Golden("320583", 2010, 0.4457599041248493, 38, 4, "数智化改造滞后", 0.2905657758632951),
    Golden("320583", 2020, 0.446580897295041, 115, 11, "新质要素供给短缺", 0.3148354209579357),
    Golden("532823", 2010, 0.16625121294914544, 1695, 27, "产业链条短", 0.3092337986167503),
    Golden("532823", 2020, 0.20838238679524307, 2220, 41, "产业链条短", 0.3031923412838751),
]

#: typology-2020.csv: name, primary_type, secondary_type ("" = none)
TYPES_2020 = {
    "430321": ("湘潭县", "农产品加工转化型", ""),  # no rule met: nearest type (typicality)
    "320583": ("昆山市", "新型工业化主导型", "都市融合型"),
    "532823": ("勐腊县", "富民产业引领型", ""),
}

#: counties per year in evaluate.csv (every census county is evaluated)
COUNTIES = {2010: 2859, 2020: 2847}

TOL = 1e-9


@pytest.fixture(scope="module")
def public_con(public_warehouse: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    con = store.connect(public_warehouse, read_only=True)
    yield con
    con.close()


@pytest.fixture(scope="module")
def evaluation(public_con: duckdb.DuckDBPyConnection) -> CountyEvaluation:
    return evaluate_counties("nqpf-county", con=public_con)


@pytest.fixture(scope="module")
def types_2020(public_con: duckdb.DuckDBPyConnection, data_dir: Path) -> CountyTypes:
    return classify_counties(2020, con=public_con, data_dir=data_dir)


def test_every_census_county_is_evaluated(evaluation: CountyEvaluation) -> None:
    assert evaluation.scores().groupby("year").size().to_dict() == COUNTIES


@pytest.mark.parametrize("g", GOLDEN, ids=lambda g: f"{g.code}-{g.year}")
def test_score_and_ranks(evaluation: CountyEvaluation, g: Golden) -> None:
    s = evaluation.scores().set_index(["region_code", "year"]).loc[(g.code, g.year)]
    got = (float(s["score"]), int(s["rank"]), int(s["province_rank"]))
    assert got[0] == pytest.approx(g.score, abs=TOL, rel=0), (
        f"{g.code} {g.year} 得分 {got[0]!r}，黄金值 {g.score!r}：默认评价方法或数据变了？"
        "若是有意为之，请按 tests/golden/README.md 重新生成"
    )
    assert got[1:] == (g.rank, g.province_rank)


@pytest.mark.parametrize("g", GOLDEN, ids=lambda g: f"{g.code}-{g.year}")
def test_top_shortfall(evaluation: CountyEvaluation, g: Golden) -> None:
    sf = evaluation.shortfalls()
    one = sf[(sf["region_code"] == g.code) & (sf["year"] == g.year)]
    top = one.sort_values("obstacle", ascending=False).iloc[0]
    assert top["shortfall"] == g.shortfall
    assert float(top["obstacle"]) == pytest.approx(g.obstacle, abs=TOL, rel=0)


@pytest.mark.parametrize("code", sorted(TYPES_2020))
def test_county_type_2020(types_2020: CountyTypes, code: str) -> None:
    t = types_2020.tidy().set_index("region_code").loc[code]
    secondary = t["secondary_type"] if isinstance(t["secondary_type"], str) else ""
    assert (t["name"], t["primary_type"], secondary) == TYPES_2020[code]


@pytest.mark.slow
def test_xinzhi_demo_stores_the_golden_scores(data_dir: Path, tmp_path: Path) -> None:
    """The whole demo (warehouse, evaluation, report) stores these numbers as ``nqpf-county``."""
    db = tmp_path / "demo.duckdb"
    args = ["--data-dir", str(data_dir), "demo", "--db", str(db), "-o", str(tmp_path / "out")]
    res = CliRunner().invoke(app, args)
    assert res.exit_code == 0, res.output
    con = store.connect(db, read_only=True)
    try:
        stored = load_evaluation(con, "nqpf-county").set_index(["region_code", "year"])
    finally:
        con.close()
    for g in GOLDEN:
        row = stored.loc[(g.code, g.year)]
        assert float(row["score"]) == pytest.approx(g.score, abs=TOL, rel=0), g
        assert int(row["rank"]) == g.rank, g


def test_golden_table_is_the_readme_table() -> None:
    """The README's table and the literals above are the same numbers (one source of record)."""
    readme = (Path(__file__).parent / "README.md").read_text(encoding="utf-8")
    for g in GOLDEN:
        assert f"| {g.code} | {g.year} | {g.score!r} | {g.rank} | {g.province_rank} |" in readme
    for code, (name, primary, secondary) in TYPES_2020.items():
        assert f"| {code} | {name} | {primary} | {secondary or '—'} |" in readme
