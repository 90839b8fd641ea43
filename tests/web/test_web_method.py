"""Page 方法: its evaluation controls are derived from the declaration
(``xinzhi.registry.evaluation.EVALUATION``): one per declared method option, with the declared
choices, labels and bounds; what the user sets is converted and checked by the declaration."""

from __future__ import annotations

import doctest

import pytest

from xinzhi.errors import InputError
from xinzhi.pipelines.evaluation import METHOD_OPTIONS
from xinzhi.registry.evaluation import EVALUATION
from xinzhi.web import pages_method
from xinzhi.web.pages_method import MAIN_OPTIONS, UNSET, control_spec, given_options


def test_every_declared_method_option_has_a_control() -> None:
    own = ("system", "save_as", "years", "area")  # the page's own controls (体系, 名称, 范围)
    declared = [o.name for o in EVALUATION.options if o.name not in own]
    assert list(METHOD_OPTIONS) == declared
    assert set(MAIN_OPTIONS) <= set(declared)
    for name in (
        *("weight_scope", "entropy_k", "rescale", "score_basis", "dimension_weights"),
        *("aggregate", "weights", "missing", "impute_group", "min_coverage"),
    ):
        assert name in METHOD_OPTIONS, name
    for o in EVALUATION.options:
        if o.name not in METHOD_OPTIONS:
            continue
        spec = control_spec(o)
        assert spec["label"] == o.label and spec["help"] == o.describe()
        if o.choices:
            assert spec["kind"] == "select"
            assert list(spec["options"]) == ["", *o.choices]  # unset first: every one optional
            assert spec["options"][""] == UNSET


def test_controls_of_the_issue_12_options_literally() -> None:
    agg = control_spec(EVALUATION.option("aggregate"))["options"]
    assert {k: agg[k] for k in ("geometric", "harmonic", "copeland", "vikor", "promethee")} == {
        "geometric": "几何加权",
        "harmonic": "调和加权",
        "copeland": "Copeland（非补偿）",
        "vikor": "VIKOR",
        "promethee": "PROMETHEE II",
    }
    w = control_spec(EVALUATION.option("weights"))["options"]
    assert (w["pca"], w["corr-opt"]) == ("主成分（PCA）", "相关性优化")
    m = control_spec(EVALUATION.option("missing"))["options"]
    assert (m["group-mean"], m["iterative"]) == ("组内（省份）均值插补", "迭代回归插补")
    assert list(control_spec(EVALUATION.option("weight_scope"))["options"]) == [
        "",
        "pooled",
        "year",
    ]
    cov = control_spec(EVALUATION.option("min_coverage"))
    assert (cov["kind"], cov["min"], cov["max"]) == ("number", 0, 1)
    assert control_spec(EVALUATION.option("rescale"))["kind"] == "text"
    assert control_spec(EVALUATION.option("hierarchical"))["options"] == {
        "": UNSET,
        "true": "是",
        "false": "否",
    }


def test_given_options_convert_check_and_leave_out_the_unset() -> None:
    got = given_options(
        {
            "weights": "pca",
            "hierarchical": "true",
            "min_coverage": 1.0,
            "rescale": "",
            "shift": None,
        }
    )
    assert got == {"weights": "pca", "hierarchical": True, "min_coverage": 1.0}
    assert given_options({"min_coverage": 0}) == {"min_coverage": 0.0}  # the lower bound itself
    with pytest.raises(InputError, match="min_coverage"):
        given_options({"min_coverage": 1.01})  # just above the upper bound 1
    with pytest.raises(InputError, match="aggregate"):
        given_options({"aggregate": "median"})


def test_doctest() -> None:
    res = doctest.testmod(pages_method)
    assert (res.failed, res.attempted) == (0, 1)
