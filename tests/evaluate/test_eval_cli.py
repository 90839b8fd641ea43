"""``xinzhi evaluate`` on small files built in code: AHP weights, JSON, errors exit 2."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import yaml
from typer.testing import CliRunner

from xinzhi.cli import app

SYSTEM = {
    "name": "cli-demo",
    "options": {"aggregate": "topsis"},
    "dimensions": [
        {
            "name": "甲",
            "indicators": [{"code": "a", "direction": "+"}, {"code": "b", "direction": "+"}],
        },
        {"name": "乙", "indicators": [{"code": "c", "direction": "-", "fixed_weight": 0.2}]},
    ],
}


def _files(tmp_path: Path) -> tuple[Path, Path]:
    rng = np.random.default_rng(3)
    df = pd.DataFrame({"地区": [f"县{i}" for i in range(8)], "年份": 2023})
    for c in "abc":
        df[c] = rng.uniform(1, 5, 8)
    inp = tmp_path / "in.csv"
    df.to_csv(inp, index=False, encoding="gbk")  # non-UTF-8 input is detected
    sys_file = tmp_path / "s.yaml"
    sys_file.write_text(yaml.safe_dump(SYSTEM, allow_unicode=True), encoding="utf-8")
    return inp, sys_file


def test_ahp_weights_from_file(tmp_path: Path) -> None:
    inp, sys_file = _files(tmp_path)
    ahp = tmp_path / "ahp.yaml"
    ahp.write_text(
        yaml.safe_dump(
            {"criteria": ["a", "b", "c"], "matrix": [[1, 2, 4], ["1/2", 1, 2], ["1/4", "1/2", 1]]}
        ),
        encoding="utf-8",
    )
    w = tmp_path / "w.csv"
    r = CliRunner().invoke(
        app, ["evaluate", "--system", str(sys_file), "--input", str(inp),
              "--weights", f"ahp:{ahp}", "--weights-output", str(w)],
    )  # fmt: skip
    assert r.exit_code == 0, r.output
    t = pd.read_csv(w).set_index("indicator")
    # consistent matrix → (4, 2, 1)/7 ; c fixed at 0.2, a and b rescaled to 0.8
    np.testing.assert_allclose(t["ahp"], np.array([4, 2, 1]) / 7)
    np.testing.assert_allclose(t["weight"], [0.8 * 4 / 6, 0.8 * 2 / 6, 0.2])


def test_json_output_and_stdout(tmp_path: Path) -> None:
    inp, sys_file = _files(tmp_path)
    out = tmp_path / "o.json"
    r = CliRunner().invoke(
        app, ["evaluate", "--system", str(sys_file), "--input", str(inp), "--aggregate", "grey",
              "--output", str(out), "--json"],
    )  # fmt: skip
    assert r.exit_code == 0, r.output
    payload = json.loads(out.read_text(encoding="utf-8"))
    assert payload["options"]["aggregate"] == "grey"  # CLI overrides the YAML's topsis
    assert len(payload["scores"]) == 8
    printed = json.loads(r.stdout)
    assert sorted(s["rank"] for s in printed["scores"]) == list(range(1, 9))


def test_errors_exit_2_in_chinese(tmp_path: Path) -> None:
    inp, sys_file = _files(tmp_path)
    # without --input the warehouse is evaluated; an empty warehouse is a clear error
    empty = tmp_path / "empty.duckdb"
    r = CliRunner().invoke(app, ["evaluate", "--system", str(sys_file), "--db", str(empty)])
    assert r.exit_code == 2 and "xinzhi demo" in r.output
    r = CliRunner().invoke(app, ["evaluate", "--system", str(sys_file), "--input", str(inp),
                                 "--weights", "magic"])  # fmt: skip
    assert r.exit_code == 2 and "weights='magic'" in r.output
    r = CliRunner().invoke(app, ["evaluate", "--system", str(sys_file), "--input", str(inp),
                                 "--years", "2024-2020"])  # fmt: skip
    assert r.exit_code == 2 and "起始年" in r.output


def test_method_options_are_derived_from_the_declaration() -> None:
    """Review finding (issue #12): the CLI flags and the pipeline's keywords of the evaluation
    come from ``xinzhi.registry.evaluation.EVALUATION``, not from lists kept by hand."""
    import inspect

    import duckdb
    import pytest

    from xinzhi.cli import evaluate_cmd
    from xinzhi.errors import InputError
    from xinzhi.pipelines.evaluation import METHOD_OPTIONS, evaluate_declared
    from xinzhi.registry.evaluation import EVALUATION

    declared = [o.name for o in EVALUATION.options]
    # set by flags of their own: --system, --save, --year/--years, --pooled/--per-year (scope),
    # --scope (area, 评价范围); weights, aggregate and missing come first in the help
    own = ("system", "save_as", "years", "scope", "area", "weights", "aggregate", "missing")
    assert list(evaluate_cmd.METHOD_FLAGS) == [n for n in declared if n not in own]
    assert list(METHOD_OPTIONS) == [
        n for n in declared if n not in ("system", "save_as", "years", "area")
    ]
    params = inspect.signature(evaluate_cmd.evaluate).parameters
    for name in declared:
        if name not in ("system", "save_as", "years", "scope"):
            assert name in params, name
    sig = inspect.signature(evaluate_declared).parameters
    assert [n for n in sig if n not in ("con", "data_dir")] == declared
    with pytest.raises(InputError, match="综合评价没有选项 bogus"):
        evaluate_declared(duckdb.connect(), bogus=1)
    with pytest.raises(InputError, match="entropy_k"):  # a declared option, checked
        evaluate_declared(duckdb.connect(), entropy_k="three")
