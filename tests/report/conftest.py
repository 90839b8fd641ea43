"""A warehouse with the demo evaluation stored, shared by the report tests."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def report_db(public_warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Copy of the public warehouse with the ``nqpf-county`` evaluation stored (as the demo)."""
    from xinzhi.pipelines.demo import DEMO_EVALUATION
    from xinzhi.pipelines.evaluation import evaluate_counties

    db = tmp_path_factory.mktemp("report-warehouse") / "xinzhi.duckdb"
    shutil.copy(public_warehouse, db)
    evaluate_counties("nqpf-county", db=db, save_as=DEMO_EVALUATION)
    return db
