"""Section 稳健性审计 of the page 排名 (:mod:`xinzhi.web.audit_view`): the rank-interval chart's
ECharts options, checked literally on two hand-made units (the section's data come from the
declared ``audit``, whose web data layer equals the pipeline in tests/api/test_one_way_in.py)."""

from __future__ import annotations

import doctest
import json

from xinzhi.web import audit_view
from xinzhi.web.audit_view import interval_chart_options

DATA = [
    {"unit": "430321", "rank": 1.0, "rank_median": 1.5, "rank_p05": 1.0, "rank_p95": 3.0},
    {"unit": "999999", "rank": 3.0, "rank_median": 2.0, "rank_p05": 1.5, "rank_p95": 4.5},
    {"unit": "430121", "rank": 2.0, "rank_median": 3.0, "rank_p05": 2.0, "rank_p95": 5.0},
]
NAMES = {"430321": "湘潭县", "430121": "<b>长沙县</b>"}


def test_interval_chart_options_by_hand() -> None:
    o = interval_chart_options(DATA, NAMES, top=2)
    # the top 2 records in their order (median rank); a unit without a name shows its code
    assert o["yAxis"] == {"type": "category", "inverse": True, "data": ["湘潭县", "999999"]}
    invisible, interval, median, reference = o["series"]
    assert invisible["data"] == [1.0, 1.5]  # bars up to p05, transparent
    assert invisible["itemStyle"] == {"color": "transparent"}
    assert interval["data"] == [2.0, 3.0]  # p95 − p05: 3 − 1, 4.5 − 1.5
    assert invisible["stack"] == interval["stack"] == "interval"
    assert median["data"] == [1.5, 2.0]
    assert reference["data"] == [1.0, 3.0]


def test_names_are_data_not_markup() -> None:
    """A name with markup travels as JSON text to the SVG renderer (which draws text nodes);
    nothing in the options is HTML or a URL (no CDN, CSP unchanged)."""
    o = interval_chart_options(DATA, NAMES)
    assert o["yAxis"]["data"][2] == "<b>长沙县</b>"
    text = json.dumps(o, ensure_ascii=False)
    assert "http" not in text and "formatter" not in text and "rich" not in text


def test_doctest() -> None:
    res = doctest.testmod(audit_view)
    assert (res.failed, res.attempted) == (0, 2)
