"""Report formatting, charts and the method appendix without the warehouse."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xinzhi.errors import ConfigError
from xinzhi.pipelines.report_sections import method_entries
from xinzhi.report.methods import MethodEntry, formulas, method_appendix
from xinzhi.report.view import _option, _pct, _value, fmt_score


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


def test_method_appendix_renders_entries_in_their_order() -> None:
    rows = method_appendix(
        [
            MethodEntry("障碍度", "obstacle"),
            MethodEntry("", "weights:entropy", {"entropy_k": "n", "shift": None, "drop": False}),
        ]
    )
    assert [r["key"] for r in rows] == ["obstacle", "weights:entropy"]
    assert rows[0]["title"] == "障碍度" and rows[0]["options"] == ""
    assert rows[1]["title"] == "熵权法"  # the title in formulas.yaml when the entry has none
    assert rows[1]["options"] == "entropy_k = n"  # None and False are not shown
    assert rows[1]["text"].startswith("p_ij = x'_ij/Σ_i x'_ij")


def test_method_appendix_refuses_an_unknown_formula() -> None:
    with pytest.raises(ConfigError, match="报告附录中没有公式 'weights:magic'"):
        method_appendix([MethodEntry("魔法", "weights:magic")])


def test_default_options_pick_their_formulas() -> None:
    keys = [e.formula for e in method_entries({"weights": "entropy", "scope": "per-year"})]
    assert keys == [
        "scope:per-year",
        "normalization:minmax",
        "weights:entropy",
        "aggregate:topsis",
        "rank",
        "obstacle",
        "types",
        "peers",
        "disparity",
    ]


def test_declared_analyses_show_their_options_with_the_declared_labels() -> None:
    entries = method_entries({}, {"peers": {"n_peers": 8, "n_benchmarks": 3}})
    peers = next(e for e in entries if e.formula == "peers")
    # labels from xinzhi.registry.typology.PEERS; the title stays that of formulas.yaml
    assert dict(peers.options) == {"近邻县数": 8, "标杆县数": 3}
    assert method_appendix([peers])[0]["options"] == "近邻县数 = 8；标杆县数 = 3"
    assert next(e for e in entries if e.formula == "types").options == {}


def test_options_show_sequences_alike_whether_computed_or_stored() -> None:
    assert _option(("entropy", "critic")) == "entropy、critic"
    assert _option(["entropy", "critic"]) == "entropy、critic"
    assert _option("topsis") == "topsis"
