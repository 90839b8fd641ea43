"""The same Ibis expressions on PySpark (local mode) give the DuckDB matrices."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from xinzhi.codes.gbt4754 import SECTION_CODES
from xinzhi.industry.firms import firm_matrix
from xinzhi.industry.synthetic import write_parquet
from xinzhi.ingest.firm_sources import firms_table

pytestmark = [
    pytest.mark.spark,
    pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas"),
    pytest.mark.filterwarnings("ignore:The copy keyword is deprecated"),
]


@pytest.fixture(scope="session")
def spark() -> Iterator[Any]:
    pytest.importorskip("pyspark")
    if shutil.which("java") is None:
        pytest.skip("需要 Java 17")
    from xinzhi.store.spark import spark_session

    session = spark_session(cores=1, memory="1g", shuffle_partitions=2)
    yield session
    session.stop()


@pytest.fixture(scope="module")
def firms_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    census = pd.DataFrame(
        {
            "region_code": ["430321", "110105", "220104"],
            "pop_total": [1e5, 3e5, 2e5],
            **{
                f"emp_sec_{s}": [0.05, 0.02 + 0.003 * i, 0.1 if s in "CFI" else 0.01]
                for i, s in enumerate(SECTION_CODES)
            },
        }
    )
    path = tmp_path_factory.mktemp("firms") / "firms.parquet"
    write_parquet(census, path, 4000, seed=11)
    return path


@pytest.mark.parametrize(
    ("level", "mode", "years"),
    [("section", "active", [2015, 2024]), ("division", "cohort", None), ("class", "active", None)],
)
def test_spark_equals_duckdb(
    spark: Any, firms_file: Path, level: str, mode: str, years: Any
) -> None:
    d = firm_matrix(firms_table(firms_file), level=level, mode=mode, years=years)  # type: ignore[arg-type]
    s = firm_matrix(
        firms_table(firms_file, engine="spark", spark=spark), level=level, mode=mode, years=years
    )  # type: ignore[arg-type]
    assert len(d) > 10
    pd.testing.assert_frame_equal(d, s, check_exact=False, rtol=1e-9)


def test_spark_from_frame(spark: Any, firms_file: Path) -> None:
    frame = pd.read_parquet(firms_file).head(500)
    d = firm_matrix(firms_table(frame), level="division", mode="cohort")
    s = firm_matrix(
        firms_table(frame, engine="spark", spark=spark), level="division", mode="cohort"
    )
    pd.testing.assert_frame_equal(d, s, check_exact=False, rtol=1e-9)
    assert d["firms"].sum() == 500
