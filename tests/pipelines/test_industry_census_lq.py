"""Census location quotients of the page 产业 (pipelines.industry.county_specialization)."""

from __future__ import annotations

import duckdb
import pytest

from xinzhi.errors import InputError
from xinzhi.pipelines.industry import county_specialization
from xinzhi.pipelines.industry_reference import county_section_quotients


def _con(with_population: bool) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    rows = [
        ("430001", 2020, "emp_sec_A", 0.5),
        ("430001", 2020, "emp_sec_C", 0.5),
        ("430002", 2020, "emp_sec_A", 0.2),
        ("430002", 2020, "emp_sec_C", 0.8),
    ]
    if with_population:
        rows += [("430001", 2020, "pop_total", 100.0), ("430002", 2020, "pop_total", 400.0)]
    con.execute(
        "CREATE TABLE current_observations "
        "(region_code VARCHAR, year INTEGER, indicator VARCHAR, value DOUBLE)"
    )
    con.executemany("INSERT INTO current_observations VALUES (?, ?, ?, ?)", rows)
    return con


def test_location_quotient_by_hand() -> None:
    t = county_specialization(_con(True), "430001").set_index("section")
    # employed: 430001 A 0.5×100=50, C 50; 430002 A 0.2×400=80, C 320; nation A 130 of 500
    assert t.loc["A", "lq"] == pytest.approx(0.5 / (130 / 500))  # 1.923…
    assert t.loc["C", "lq"] == pytest.approx(0.5 / (370 / 500))  # 0.675…
    assert t.attrs["year"] == 2020


def test_missing_population_is_a_clear_input_error() -> None:
    # the small test warehouse has section shares but no pop_total: was KeyError: ['pop_total']
    with pytest.raises(InputError, match=r"2020 年的指标 pop_total（常住人口）"):
        county_section_quotients(_con(False), "430001")
