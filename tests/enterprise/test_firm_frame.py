"""The firm frame: registry + firm-year data of a year + earlier years + labels valid on a
date, by hand on a warehouse built in code; Spark gives the DuckDB frame."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pytest

from xinzhi import store
from xinzhi.codes.firm_fields import firm_fields, firm_labels
from xinzhi.ingest.firm_years import catalogue_sql_types
from xinzhi.pipelines.enterprise_data import (
    firm_frame,
    firm_frame_columns,
    firm_frame_df,
    generate_enterprise_data,
    latest_firm_year,
)
from xinzhi.store.firm_years import (
    ensure_firm_year_tables,
    insert_firm_labels,
    insert_firm_years,
)
from xinzhi.store.firms import ensure_firms_table

FIRM_SQL = (
    "credit_code, name, region_code, industry_code, division, section, "
    "CAST(registered_capital AS DOUBLE), CAST(founded AS DATE), CAST(employees AS INTEGER), "
    "CAST(revenue AS DOUBLE), status, ?, synthetic"
)


def batch(
    con: duckdb.DuckDBPyConnection,
    source: str,
    *,
    firms: pd.DataFrame | None = None,
    years: pd.DataFrame | None = None,
    labels: pd.DataFrame | None = None,
) -> int:
    """One import batch of ``source`` holding the given rows; its batch id."""
    ensure_firms_table(con)
    ensure_firm_year_tables(con, catalogue_sql_types())

    def extra(c: duckdb.DuckDBPyConnection, batch_id: int) -> None:
        if firms is not None:
            store.insert_frame(c, "firms", firms, FIRM_SQL, [batch_id])
        if years is not None:
            insert_firm_years(c, years, batch_id)
        if labels is not None:
            insert_firm_labels(c, labels, batch_id)

    n = sum(len(x) for x in (firms, years, labels) if x is not None)
    counts = {
        "rows_read": n,
        "rows_loaded": n,
        "rows_quarantined": 0,
        "rows_skipped": 0,
        "values_loaded": n,
    }
    batch_id, _ = store.write_batch(
        con,
        file_name=source,
        sha256=source,
        source=source,
        fmt="test",
        counts=counts,
        report={},
        observations=pd.DataFrame(columns=["region_code", "year", "indicator", "value"]),
        quarantine=pd.DataFrame(columns=["row_number", "raw", "reason", "message"]),
        skipped=pd.DataFrame(columns=["row_number", "raw", "reason"]),
        extra=extra,
    )
    return batch_id


def firms_frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """Registry rows with defaults for the columns a test does not set."""
    base = {
        "name": "（示例）测试企业",
        "industry_code": "3411",
        "division": "34",
        "section": "C",
        "registered_capital": 100.0,
        "founded": pd.Timestamp("2010-01-01"),
        "employees": 10,
        "revenue": 100.0,
        "status": "存续",
        "synthetic": False,
    }
    return pd.DataFrame([{**base, **r} for r in rows])


A, B, C, D, E, F = (f"9143032100000000{i}X" for i in "ABCDEF")


def _years(rows: list[dict[str, Any]]) -> pd.DataFrame:
    return pd.DataFrame([{"synthetic": False, **r} for r in rows])


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Six registry firms, firm-year rows 2022–2024 in two batches, labels in a third."""
    db = tmp_path_factory.mktemp("frame") / "w.duckdb"
    con = store.connect(db)
    firms = firms_frame(
        [
            {"credit_code": A, "region_code": "430321"},
            {"credit_code": B, "region_code": "430321", "section": "D", "division": "44"},
            {"credit_code": C, "region_code": "110105", "synthetic": True},
            {"credit_code": D, "region_code": "430321", "founded": pd.Timestamp("2020-05-01")},
            {"credit_code": E, "region_code": "430321", "status": "注销"},
            {"credit_code": F, "region_code": "430321", "founded": pd.Timestamp("2025-02-01")},
        ]
    )
    batch(con, "firms:test", firms=firms)
    years = _years(
        [
            {"credit_code": A, "year": 2022, "revenue": 100.0, "tax": 5.0, "employees": 10},
            {"credit_code": A, "year": 2023, "revenue": 120.0, "tax": 6.0, "employees": 12},
            {
                "credit_code": A,
                "year": 2024,
                "revenue": 150.0,
                "tax": 9.0,
                "employees": 15,
                "land_area": 10.0,
                "above_scale": False,
                "park": "某开发区",
                "production_start": dt.date(2015, 3, 1),
            },
            {"credit_code": B, "year": 2023, "revenue": 200.0, "tax": 8.0},
            {"credit_code": B, "year": 2024, "revenue": 180.0, "tax": 7.0, "utility": True},
            {"credit_code": C, "year": 2024, "revenue": 50.0, "synthetic": True},
        ]
    )
    batch(con, "firm_years:first", years=years)
    # a later batch of another source: A's 2024 revenue corrected to 160 (latest wins)
    batch(
        con,
        "firm_years:second",
        years=_years([{"credit_code": A, "year": 2024, "revenue": 160.0, "tax": 9.0}]),
    )
    labels = pd.DataFrame(
        {
            "credit_code": [A, B, C],
            "label": ["hnte", "srdi_sme", "tech_sme"],
            "valid_from": [dt.date(2022, 1, 10), dt.date(2023, 5, 1), dt.date(2024, 6, 1)],
            "valid_to": [dt.date(2025, 1, 9), None, dt.date(2025, 5, 31)],
            "synthetic": [False, False, True],
        }
    )
    batch(con, "firm_labels:test", labels=labels)
    con.close()
    return db


def test_tables_are_idempotent(tmp_path: Path) -> None:
    con = store.connect(tmp_path / "w.duckdb")
    ensure_firm_year_tables(con, catalogue_sql_types())
    ensure_firm_year_tables(con, catalogue_sql_types())
    cols = [r[0] for r in con.execute("DESCRIBE firm_years").fetchall()]
    assert cols == ["credit_code", "year", *firm_fields(), "batch_id", "synthetic"]
    types = dict(
        con.execute(
            "SELECT column_name, data_type FROM information_schema.columns "
            "WHERE table_name = 'firm_years'"
        ).fetchall()
    )
    assert types["land_area"] == "DOUBLE" and types["employees"] == "INTEGER"
    assert types["above_scale"] == "BOOLEAN" and types["production_start"] == "DATE"
    assert types["park"] == "VARCHAR"
    lcols = [r[0] for r in con.execute("DESCRIBE firm_labels").fetchall()]
    assert lcols == ["credit_code", "label", "valid_from", "valid_to", "batch_id", "synthetic"]
    # a catalogue field added later arrives as a NULL column of an existing table
    con.execute("ALTER TABLE firm_years DROP COLUMN gas")
    ensure_firm_year_tables(con, catalogue_sql_types())
    assert "gas" in [r[0] for r in con.execute("DESCRIBE current_firm_years").fetchall()]
    con.close()


def test_frame_by_hand(warehouse: Path) -> None:
    df = firm_frame_df(warehouse, year=2024, on=dt.date(2025, 1, 9))
    assert list(df.columns) == firm_frame_columns()
    # E is closed (注销) without data, F founded in 2025: not in the frame of 2024
    assert df["credit_code"].tolist() == [A, B, C, D]
    a, b, c, d = (df.iloc[i] for i in range(4))
    # A: 2024 revenue from the later batch (160, not 150); 2023 = 120, 2022 = 100
    assert (a["revenue"], a["revenue_prev1"], a["revenue_prev2"]) == (160.0, 120.0, 100.0)
    assert (a["tax"], a["tax_prev1"], a["tax_prev2"]) == (9.0, 6.0, 5.0)
    # the later batch holds the whole 2024 row: A's 2024 land and employees are NULL there
    assert pd.isna(a["land_area"]) and pd.isna(a["employees"])
    assert (a["employees_prev1"], a["employees_prev2"]) == (12, 10)
    # B: no 2022 row
    assert (b["revenue"], b["revenue_prev1"]) == (180.0, 200.0)
    assert pd.isna(b["revenue_prev2"]) and bool(b["utility"]) is True
    assert c["revenue"] == 50.0 and pd.isna(c["revenue_prev1"])
    # D: active registry firm without data: in the frame, every field NULL ("needs data")
    assert d[list(firm_fields())].isna().all()
    # synthetic: registry or firm-year row marked 示例数据
    assert df["synthetic"].tolist() == [False, False, True, False]
    assert a["region_code"] == "430321" and b["section"] == "D"


def test_label_validity_window(warehouse: Path) -> None:
    def labels(on: dt.date) -> dict[str, list[bool]]:
        df = firm_frame_df(warehouse, year=2024, on=on)
        return {k: df[f"label_{k}"].tolist() for k in ("hnte", "srdi_sme", "tech_sme")}

    # A hnte valid 2022-01-10 .. 2025-01-09: valid on the last day, expired the day after
    assert labels(dt.date(2025, 1, 9))["hnte"] == [True, False, False, False]
    assert labels(dt.date(2025, 1, 10))["hnte"] == [False, False, False, False]
    assert labels(dt.date(2022, 1, 9))["hnte"] == [False, False, False, False]
    assert labels(dt.date(2022, 1, 10))["hnte"] == [True, False, False, False]
    # B srdi from 2023-05-01 without end: not the day before, still valid years later
    assert labels(dt.date(2023, 4, 30))["srdi_sme"] == [False, False, False, False]
    assert labels(dt.date(2023, 5, 1))["srdi_sme"] == [False, True, False, False]
    assert labels(dt.date(2030, 1, 1))["srdi_sme"] == [False, True, False, False]
    # C tech_sme 2024-06-01 .. 2025-05-31
    assert labels(dt.date(2025, 5, 31))["tech_sme"] == [False, False, True, False]
    assert labels(dt.date(2025, 6, 1))["tech_sme"] == [False, False, False, False]
    df = firm_frame_df(warehouse, year=2024, on=dt.date(2025, 1, 9))
    for k in firm_labels():
        assert df[f"label_{k}"].notna().all()


def test_county_filter_and_earlier_year(warehouse: Path) -> None:
    df = firm_frame_df(warehouse, year=2024, on=dt.date(2025, 1, 9), county="430321")
    assert df["credit_code"].tolist() == [A, B, D]
    # frame of 2023: A 120 / 100 / NULL; C (no 2023 row, active) is in with NULLs
    d23 = firm_frame_df(warehouse, year=2023, on=dt.date(2024, 1, 1))
    a = d23.set_index("credit_code").loc[A]
    assert (a["revenue"], a["revenue_prev1"]) == (120.0, 100.0) and pd.isna(a["revenue_prev2"])
    assert d23["credit_code"].tolist() == [A, B, C, D]
    with pytest.raises(Exception, match="6 位"):
        firm_frame(warehouse, year=2024, county="4303")


def test_open_connection_and_latest_year(warehouse: Path) -> None:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        assert latest_firm_year(con) == 2024
        expr = firm_frame(con, year=2024, on=dt.date(2025, 1, 9))
        df = expr.to_pandas().sort_values("credit_code")
        assert df["revenue"].tolist()[:3] == [160.0, 180.0, 50.0]
        assert df["label_hnte"].tolist() == [True, False, False, False]
    finally:
        con.close()


def test_no_labels_imported_means_unknown(tmp_path: Path) -> None:
    con = store.connect(tmp_path / "w.duckdb")
    batch(con, "firms:x", firms=firms_frame([{"credit_code": A, "region_code": "430321"}]))
    batch(con, "fy:x", years=_years([{"credit_code": A, "year": 2024, "revenue": 1.0}]))
    df = firm_frame_df(con, year=2024, on=dt.date(2025, 1, 1))
    con.close()
    assert df["revenue"].tolist() == [1.0]
    for k in firm_labels():
        assert df[f"label_{k}"].isna().all()


def test_frame_from_dataframes() -> None:
    firms = firms_frame([{"credit_code": A, "region_code": "430321"}])
    years = _years(
        [
            {"credit_code": A, "year": 2024, "revenue": 30.0},
            {"credit_code": A, "year": 2022, "revenue": 10.0},
        ]
    )
    df = firm_frame_df({"firms": firms, "firm_years": years}, year=2024, on=dt.date(2025, 1, 1))
    # no 2023 row: prev1 NULL, prev2 = 10
    assert df["revenue"].tolist() == [30.0] and df["revenue_prev2"].tolist() == [10.0]
    assert df["revenue_prev1"].isna().all()


@pytest.fixture(scope="module")
def synthetic_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """2,000 synthetic firms in two counties with generated firm-year data and labels."""
    from xinzhi.codes.gbt4754 import SECTION_CODES
    from xinzhi.industry.synthetic import generate_firms

    census = pd.DataFrame(
        {
            "region_code": ["430321", "110105"],
            "pop_total": [1e5, 2e5],
            **{f"emp_sec_{s}": [0.05, 0.2 if s in "CDI" else 0.01] for s in SECTION_CODES},
        }
    )
    firms = generate_firms(census, 2000, seed=5, snapshot_year=2024)
    db = tmp_path_factory.mktemp("syn") / "w.duckdb"
    con = store.connect(db)
    batch(con, "firms:syn", firms=firms)
    gen = generate_enterprise_data(con, seed=3)
    assert gen.years == [2022, 2023, 2024] and gen.report.status == "loaded"
    again = generate_enterprise_data(con, seed=3)
    assert again.report.status == "noop" and again.firm_year_rows == gen.firm_year_rows
    con.close()
    return db


def test_generated_warehouse_frame(synthetic_warehouse: Path) -> None:
    df = firm_frame_df(synthetic_warehouse, year=2024, on=dt.date(2025, 6, 30))
    assert df["synthetic"].all()
    has = df["revenue"].notna()
    assert has.mean() > 0.9
    # prev-year values differ from this year's for most firms (growth)
    both = has & df["revenue_prev1"].notna()
    assert (df.loc[both, "revenue"] != df.loc[both, "revenue_prev1"]).mean() > 0.9
    assert df["label_tech_sme"].sum() >= 1


# ---------------------------------------------------------------------------- Spark
@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    pytest.importorskip("pyspark")
    if shutil.which("java") is None:
        pytest.skip("需要 Java 17")
    from xinzhi.store.spark import spark_session

    session = spark_session(cores=1, memory="1g", shuffle_partitions=2)
    yield session
    session.stop()


@pytest.mark.spark
@pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas")
@pytest.mark.filterwarnings("ignore:The copy keyword is deprecated")
@pytest.mark.parametrize("county", [None, "430321"])
def test_spark_frame_equals_duckdb(
    spark: Any, warehouse: Path, synthetic_warehouse: Path, county: str | None
) -> None:
    for db in (warehouse, synthetic_warehouse):
        kw: dict[str, Any] = {"year": 2024, "on": dt.date(2025, 1, 9), "county": county}
        d = firm_frame_df(db, **kw)
        s = firm_frame_df(db, backend="spark", spark=spark, **kw)
        assert len(d) >= 3
        pd.testing.assert_frame_equal(d, s, check_exact=False, rtol=1e-12)
