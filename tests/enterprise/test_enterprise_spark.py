"""DuckDB and Spark give identical classes on 100,000 synthetic firms (示例数据).

The same seeded registry, firm-year data and labels are turned into the firm frame on both
backends (:func:`xinzhi.pipelines.enterprise_data.firm_frame`, ``backend="duckdb"`` and
``"spark"``); the 亩均 evaluation (presets 淮安: percentile classes, 黄岩: benchmark with
thresholds), the ladder on a date before and one after the rule switch of 2026-04-01, and the
size classes run on both. Per credit code the classes, statuses and size classes are identical
and every score agrees to 1e-9.
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from xinzhi.codes.gbt4754 import SECTION_CODES
from xinzhi.enterprise.mujun import evaluate_mujun
from xinzhi.enterprise.size import size_classes
from xinzhi.enterprise.synthetic import generate_firm_years
from xinzhi.enterprise.tiers import FAIL, PASS, UNKNOWN, check_tiers
from xinzhi.industry.synthetic import generate_table
from xinzhi.ingest.firm_years import label_validity
from xinzhi.pipelines.enterprise_data import firm_frame

pytestmark = [
    pytest.mark.spark,
    pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas"),
    pytest.mark.filterwarnings("ignore:The copy keyword is deprecated"),
]

N_FIRMS = 100_000
YEAR = 2024
BEFORE = dt.date(2026, 3, 31)  # 工信部企业〔2022〕63号 still in force
AFTER = dt.date(2026, 4, 1)  # 工信部企业〔2026〕2号 from this day


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    """A running session is reused and left open (another module's); else a small local one."""
    pytest.importorskip("pyspark")
    if shutil.which("java") is None:
        pytest.skip("需要 Java 17")
    from pyspark.sql import SparkSession

    from xinzhi.store.spark import spark_session

    existing = SparkSession.getActiveSession()
    session = existing or spark_session(cores=2, memory="2g", shuffle_partitions=2)
    yield session
    if existing is None:
        session.stop()


@pytest.fixture(scope="module")
def source() -> dict[str, pd.DataFrame]:
    """100,000 seeded synthetic firms in 20 made-up counties, their firm-year rows 2022–2024
    and labels (示例数据)."""
    rng = np.random.default_rng(5)
    codes = [f"{330101 + i:06d}" for i in range(20)]
    shares = rng.dirichlet(np.full(len(SECTION_CODES), 0.8), size=len(codes))
    census = pd.DataFrame(
        {
            "region_code": codes,
            "pop_total": rng.lognormal(np.log(4e5), 0.5, len(codes)),
            **{f"emp_sec_{s}": shares[:, i] for i, s in enumerate(SECTION_CODES)},
        }
    )
    table = generate_table(census, N_FIRMS, seed=14, snapshot_year=YEAR)
    for c in ("name", "status"):
        table = table.set_column(
            table.schema.get_field_index(c), c, table.column(c).cast(pa.string())
        )
    gen = generate_firm_years(table, [YEAR - 2, YEAR - 1, YEAR], seed=14, validity=label_validity())
    firms = table.to_pandas()
    assert len(firms) == N_FIRMS
    return {
        "firms": firms,
        "firm_years": gen.firm_years.to_pandas(),
        "firm_labels": gen.firm_labels.to_pandas(),
    }


@pytest.fixture(scope="module")
def frames(source: dict[str, pd.DataFrame], spark: Any) -> dict[tuple[str, dt.date], Any]:
    """The firm frame on both backends for labels valid on each date (each computed once:
    ``cache()`` keeps it in the backend, so the evaluations do not join the tables again)."""
    out = {}
    for on in (BEFORE, AFTER):
        out[("duckdb", on)] = firm_frame(source, year=YEAR, on=on, backend="duckdb").cache()
        out[("spark", on)] = firm_frame(
            source, year=YEAR, on=on, backend="spark", spark=spark
        ).cache()
    return out


def _by_code(df: pd.DataFrame) -> pd.DataFrame:
    return df.sort_values("credit_code", kind="stable").set_index("credit_code")


def _same_numbers(a: pd.Series, b: pd.Series) -> None:
    x = pd.to_numeric(a, errors="coerce").astype("float64").to_numpy()
    y = pd.to_numeric(b, errors="coerce").astype("float64").to_numpy()
    assert (np.isnan(x) == np.isnan(y)).all(), a.name
    ok = ~np.isnan(x)
    np.testing.assert_allclose(x[ok], y[ok], rtol=1e-9, atol=1e-9, err_msg=str(a.name))


@pytest.mark.parametrize("preset", ["huaian", "huangyan"])
def test_mujun_classes_and_scores_are_identical(
    frames: dict[tuple[str, dt.date], Any], preset: str
) -> None:
    d = evaluate_mujun(frames[("duckdb", BEFORE)], preset, year=YEAR)
    s = evaluate_mujun(frames[("spark", BEFORE)], preset, year=YEAR)
    dt_, st = _by_code(d.table), _by_code(s.table)
    assert len(dt_) == len(st) > 50_000  # active firms of 100,000 (about three quarters)
    assert dt_.index.equals(st.index)
    assert (dt_["class"] == st["class"]).all()
    assert (dt_["list_key"] == st["list_key"]).all()
    assert (dt_["rated"] == st["rated"]).all()
    # every class occurs: the comparison is not between two empty evaluations
    assert set(dt_["class"]) == {"A", "B", "C", "D", "T"}
    numeric = ["score", "rank", "n_rated", "bonus", "deduction"] + [
        c for c in dt_.columns if c.endswith(("_points", "_benchmark"))
    ]
    for c in numeric:
        _same_numbers(dt_[c], st[c])
    # the rows come out in the same order (list, rank, credit code) on both backends
    assert d.table["credit_code"].tolist() == s.table["credit_code"].tolist()


@pytest.mark.parametrize("on", [BEFORE, AFTER])
def test_tier_statuses_and_scores_are_identical(
    frames: dict[tuple[str, dt.date], Any], on: dt.date
) -> None:
    d = check_tiers(frames[("duckdb", on)], on)
    s = check_tiers(frames[("spark", on)], on)
    assert d.tiers == s.tiers
    # the version switch: 创新型 until 2026-03-31, 科技和创新型 from 2026-04-01
    assert ("innovative_sme" in d.tiers) == (on == BEFORE)
    assert ("tech_innovative_sme" in d.tiers) == (on == AFTER)
    dw, sw = _by_code(d.wide), _by_code(s.wide)
    assert dw.index.equals(sw.index)
    assert list(dw.columns) == list(sw.columns)
    seen: set[str] = set()
    for c in dw.columns:
        if c.endswith("__status"):
            assert (dw[c] == sw[c]).all(), c
            seen |= set(dw[c])
        elif c.endswith("__ok") or c.startswith("null__"):
            assert dw[c].astype("boolean").equals(sw[c].astype("boolean")), c
        elif c.endswith(("__score", "__score_max", "__threshold")) or (
            c.endswith("__value") and pd.api.types.is_numeric_dtype(dw[c])
        ):
            _same_numbers(dw[c], sw[c])
        else:  # the founding date shown as text
            assert dw[c].fillna("").astype(str).equals(sw[c].fillna("").astype(str)), c
    assert seen == {PASS, FAIL, UNKNOWN}


def test_size_classes_are_identical(frames: dict[tuple[str, dt.date], Any]) -> None:
    d = _by_code(size_classes(frames[("duckdb", BEFORE)]).tidy())
    s = _by_code(size_classes(frames[("spark", BEFORE)]).tidy())
    assert d.index.equals(s.index)
    for c in ("size", "industry_group", "basis", "missing", "group_assumed"):
        assert d[c].fillna("").astype(str).equals(s[c].fillna("").astype(str)), c
    assert {"大型", "中型", "小型", "微型"} <= set(d["size"])
