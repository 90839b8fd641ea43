"""The registry of analyses (:mod:`xinzhi.registry`): declarations are complete and agree with
the pipelines they name; options are validated with Chinese messages."""

from __future__ import annotations

import doctest
import inspect
from pathlib import Path

import pytest

from xinzhi import registry
from xinzhi.errors import InputError
from xinzhi.registry import Option
from xinzhi.report.methods import formulas

ROOT = Path(__file__).resolve().parents[1]
ANALYSES = registry.analyses()


def test_the_declared_analyses() -> None:
    # the analyses every surface derives from the registry today (a new one is added here)
    assert [a.key for a in ANALYSES] == [
        "audit",
        "pilot-effect",
        "dagum",
        "theil",
        "indices",
        "kde",
        "markov",
        "spatial-markov",
        "moran",
        "geary",
        "lisa",
        "convergence",
        "mujun",
        "mujun-policy",
        "tiers",
        "size",
        "evaluation",
        "io",
        "industry-map",
        "chain",
        "complexity",
        "specialization",
        "shiftshare",
        "shortage",
        "talent-match",
        "tech-match",
        "tech-assign",
        "tech-graph",
        "monitor-signals",
        "monitor-trend",
        "monitor-digest",
        "policy-check",
        "typology",
        "peers",
        "ranking",
    ]


@pytest.mark.parametrize("a", ANALYSES, ids=lambda a: a.key)
def test_declaration_names_existing_formula_test_and_doc(a: registry.Analysis) -> None:
    assert a.formula in {f["key"] for f in formulas()}
    assert (ROOT / a.reference_test).is_file()
    assert (ROOT / a.doc).is_file()


@pytest.mark.parametrize("a", ANALYSES, ids=lambda a: a.key)
def test_pipeline_signature_is_the_declaration(a: registry.Analysis) -> None:
    """The pipeline takes the connection, ``data_dir`` and exactly the declared options, with
    the declared defaults (required options have none)."""
    params = inspect.signature(a.function()).parameters
    names = [n for n in params if n not in ("con", "data_dir")]
    assert names == [o.name for o in a.options]
    assert "con" in params and params["data_dir"].default is None
    for o in a.options:
        p = params[o.name]
        if o.required:
            assert p.default is inspect.Parameter.empty
        else:
            assert p.default == o.default, o.name


def test_option_checks_convert_and_refuse_in_chinese() -> None:
    k = Option("k", "状态数", int, 4, minimum=2, maximum=8)
    assert k.check("5") == 5 and k.check(6.0) == 6
    with pytest.raises(InputError, match=r"^选项 k（状态数）不能大于 8，收到 9$"):
        k.check(9)
    with pytest.raises(InputError, match=r"^选项 k（状态数）应为整数，收到 '2.5'$"):
        k.check("2.5")
    flag = Option("harmonise", "统一区划代码", bool, True)
    assert [flag.check(v) for v in ("是", "false", "1", "no", True)] == [
        True,
        False,
        True,
        False,
        True,
    ]
    pick = Option("group", "分组", str, "province", choices=("province", "region"))
    with pytest.raises(InputError, match=r"^选项 group（分组）只能是 province、region，收到 'x'$"):
        pick.check("x")
    assert Option("year", "年份", int, None).check(None) is None
    with pytest.raises(InputError, match="不能为空"):
        Option("evaluation", "评价结果", str, None, required=True).check(None)


def test_file_options_must_name_an_existing_table(tmp_path: Path) -> None:
    f = Option("input", "输入长表", Path, None, required=True)
    table = tmp_path / "t.csv"
    table.write_text("a,b\n1,2\n", encoding="utf-8")
    assert f.check(str(table)) == table
    with pytest.raises(InputError, match=r"^选项 input（输入长表）：文件不存在：.*nope\.csv$"):
        f.check(str(tmp_path / "nope.csv"))
    with pytest.raises(InputError, match=r"只能是 \.csv、\.xlsx、\.xls、\.parquet 文件"):
        f.check(str(tmp_path / "t.txt"))
    # an analysis reading a user's file is offered by the CLI only
    assert [a.key for a in ANALYSES if a.takes_file] == [
        "complexity",
        "specialization",
        "shiftshare",
    ]


def test_resolve_fills_defaults_and_refuses_unknown_options() -> None:
    markov = registry.get("markov")
    assert markov.resolve({"evaluation": "e", "k": "3"}) == {
        "evaluation": "e",
        "k": 3,
        "classification": "pooled",
        "harmonise": True,
    }
    with pytest.raises(InputError, match="没有选项 kk"):
        markov.resolve({"evaluation": "e", "kk": 3})
    with pytest.raises(InputError, match="未知的分析 'nope'"):
        registry.get("nope")


def test_a_declaration_with_a_bad_default_is_refused_at_import() -> None:
    with pytest.raises(InputError):
        Option("k", "状态数", int, 1, minimum=2)
    with pytest.raises(TypeError):
        Option("x", "x", list, None)


def test_doctests() -> None:
    res = doctest.testmod(registry, optionflags=doctest.ELLIPSIS)
    assert (res.failed, res.attempted) == (0, 4)


def test_cli_lists_the_declarations() -> None:
    import json

    from typer.testing import CliRunner

    from xinzhi.cli import app

    res = CliRunner().invoke(app, ["analysis", "list", "--json"])
    assert res.exit_code == 0, res.output
    items = {i["key"]: i for i in json.loads(res.output)}
    assert list(items) == [a.key for a in ANALYSES]
    assert items["convergence"]["options"]["kind"] == "cross-section"
    assert items["chain"]["family"] == "industry"
    text = CliRunner().invoke(app, ["analysis", "list"]).output
    assert "markov           马尔可夫转移矩阵（区域差异与动态）" in text
    assert "    --k                状态数：默认 4" in text
    # options are checked before any work: a bad value is a Chinese error with exit code 2
    bad = CliRunner().invoke(app, ["analysis", "markov", "--evaluation", "x", "--k", "9"])
    assert bad.exit_code == 2
    assert "选项 k（状态数）不能大于 8，收到 9" in bad.output


_BOUNDED = [
    (a.key, o)
    for a in ANALYSES
    for o in a.options
    if o.type in (int, float) and (o.minimum is not None or o.maximum is not None)
]


@pytest.mark.parametrize(("key", "o"), _BOUNDED, ids=lambda v: v if isinstance(v, str) else v.name)
def test_every_numeric_option_at_its_bounds(key: str, o: Option) -> None:
    """Each bound is accepted and one step beyond it is a Chinese error before any work starts
    (the step is 1 for integers, 1e-6 of the range for real numbers)."""
    step = 1 if o.type is int else 1e-6
    if o.minimum is not None:
        assert o.check(o.minimum) == o.minimum
        with pytest.raises(InputError, match=rf"^选项 {o.name}（.*）不能小于"):
            o.check(o.minimum - step)
    if o.maximum is not None:
        assert o.check(o.maximum) == o.maximum
        with pytest.raises(InputError, match=rf"^选项 {o.name}（.*）不能大于"):
            o.check(o.maximum + step)
