"""Fixtures of the API tests: a copy of the public warehouse with a stored evaluation, an app
and accounts of every role (built in code)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from api_helpers import Api, make_api


@pytest.fixture(scope="session")
def evaluated_warehouse(public_warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The public warehouse plus the stored evaluation ``demo`` and a synthetic firm registry
    of 湘潭县 (示例数据: 2,000 firms with three years of firm-year data and labels, seed 3) for
    the enterprise analyses (copied once per session)."""
    from xinzhi.pipelines.evaluation import evaluate_counties
    from xinzhi.pipelines.firms import generate_firms

    folder = tmp_path_factory.mktemp("api-warehouse")
    db = folder / "xinzhi.duckdb"
    shutil.copy(public_warehouse, db)
    evaluate_counties(db=db, save_as="demo")
    generate_firms(folder / "firms.parquet", n=2_000, seed=3, county="430321", load=True, db=db)
    # a pilot list (示例数据) for the policy evaluation pilot-effect (issue #17)
    from xinzhi.pipelines.causal import import_pilot_file

    pilots = folder / "示例数据-试点名单.csv"
    pilots.write_text(
        "区划代码,县,批复年份\n430321,湘潭县,2015\n430121,长沙县,2015\n320583,昆山市,2015\n",
        encoding="utf-8",
    )
    import_pilot_file(pilots, policy="示例试点", db=db)
    return db


@pytest.fixture(scope="module")
def api(evaluated_warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    """A fresh app on its own copy of the warehouse (one per test module)."""
    yield from make_api(evaluated_warehouse, tmp_path_factory.mktemp("api"))
