"""Report formatting and charts without the warehouse."""

from __future__ import annotations

import math

from hypothesis import given
from hypothesis import strategies as st

from xinzhi.report.methods import formulas
from xinzhi.report.view import _pct, _value, fmt_score


def test_score_formatting_matches_the_cli_format() -> None:
    assert fmt_score(0.247988) == "0.2480"
    assert fmt_score(float("nan")) == "缺失"
    assert fmt_score(None) == "缺失"
    assert _pct(0.46961) == "47.0%"
    assert _value(0.1234, "比例") == "12.34%"
    assert _value(12345.678, "万元") == "12,345.68"


@given(st.floats(min_value=0, max_value=1, allow_nan=False))
def test_fmt_score_round_trips_to_4_decimals(x: float) -> None:
    assert math.isclose(float(fmt_score(x)), round(x, 4), abs_tol=1e-12)


def test_formulas_cover_the_default_options() -> None:
    keys = {f["key"] for f in formulas()}
    assert {"normalization:minmax", "weights:combined", "aggregate:topsis", "obstacle"} <= keys
