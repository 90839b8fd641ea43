"""``xinzhi audit`` on a user's table and on the warehouse (pipeline :mod:`xinzhi.pipelines.audit`)."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import yaml
from typer.testing import CliRunner

from fixtures.warehouse import SmallWarehouse
from xinzhi.cli import app
from xinzhi.indicators.system import load_system
from xinzhi.pipelines.audit import audit_counties, audit_table


def _files(tmp_path: Path) -> tuple[Path, Path]:
    rng = np.random.default_rng(11)
    n = 40
    f = rng.normal(size=n)
    df = pd.DataFrame(
        {
            "地区": [f"县{i}" for i in range(n)],
            "a": f + rng.normal(scale=0.3, size=n),
            "b": f + rng.normal(scale=0.6, size=n),
            "c": rng.normal(size=n),
        }
    )
    inp = tmp_path / "in.csv"
    df.to_csv(inp, index=False)
    sys_file = tmp_path / "s.yaml"
    sys_file.write_text(
        yaml.safe_dump(
            {
                "name": "审计示例",
                "dimensions": [
                    {
                        "name": "甲",
                        "indicators": [
                            {"code": "a", "direction": "+"},
                            {"code": "b", "direction": "+"},
                        ],
                    },
                    {"name": "乙", "indicators": [{"code": "c", "direction": "-"}]},
                ],
            },
            allow_unicode=True,
        ),
        encoding="utf-8",
    )
    return inp, sys_file


def test_cli_on_a_table_equals_the_pipeline(tmp_path: Path) -> None:
    inp, sys_file = _files(tmp_path)
    out, ints, svg = tmp_path / "a.xlsx", tmp_path / "i.csv", tmp_path / "c.svg"
    r = CliRunner().invoke(
        app, ["audit", "--system", str(sys_file), "--input", str(inp), "--n", "16",
              "--weightings", "entropy,equal", "--aggregations", "weighted-sum",
              "--output", str(out), "--intervals-output", str(ints), "--chart", str(svg)],
    )  # fmt: skip
    assert r.exit_code == 0, r.output
    assert "克朗巴赫 α" in r.output and "敏感性" in r.output
    ref = audit_table(
        inp,
        sys_file,
        n=16,
        weights=("entropy", "equal"),
        aggregations=("weighted-sum",),
    )
    got = pd.read_csv(ints)
    assert got["rank_median"].tolist() == ref.rank_intervals["rank_median"].tolist()  # type: ignore[index]
    assert "敏感性指数" in pd.ExcelFile(out, engine="openpyxl").sheet_names
    assert svg.read_text(encoding="utf-8").startswith("<svg")


def test_cli_without_uncertainty_and_bad_level(tmp_path: Path) -> None:
    inp, sys_file = _files(tmp_path)
    r = CliRunner().invoke(
        app, ["audit", "--system", str(sys_file), "--input", str(inp), "--no-uncertainty"]
    )
    assert r.exit_code == 0, r.output
    assert "克朗巴赫 α" in r.output and "Sobol" not in r.output
    r = CliRunner().invoke(
        app, ["audit", "--system", str(sys_file), "--input", str(inp), "--weightings", "magic"]
    )
    assert r.exit_code != 0 and "magic" in r.output
    r = CliRunner().invoke(
        app,
        [
            "audit",
            "--system",
            str(sys_file),
            "--input",
            str(inp),
            "--chart",
            str(tmp_path / "c.png"),
        ],
    )
    assert r.exit_code == 2 and ".svg" in r.output


def test_audit_counties_of_the_small_warehouse(
    small_warehouse: SmallWarehouse, tmp_path: Path
) -> None:
    db = tmp_path / "w.duckdb"
    shutil.copy(small_warehouse.db, db)
    res = audit_counties("nqpf-county", year=2020, db=db, n=8)
    # 2020 has 12 county-level units in the small warehouse
    assert res.year == 2020 and len(res.rank_intervals) == 12  # type: ignore[arg-type]
    system = load_system("nqpf-county")
    assert set(res.stats["indicator"]) <= set(system.codes)
    assert set(res.sensitivity["choice"]) >= {"normalization", "weights", "aggregate"}  # type: ignore[index]
