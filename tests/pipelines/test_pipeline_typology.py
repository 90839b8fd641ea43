"""County types for the warehouse counties (census from the warehouse + GHSL), CLI output."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from typer.testing import CliRunner

from xinzhi.cli import app
from xinzhi.pipelines.typology import classify_counties
from xinzhi.typology import UNCLASSIFIED


def test_every_warehouse_county_gets_a_type_or_unclassified(public_warehouse: Path) -> None:
    res = classify_counties(2020, db=public_warehouse)
    t = res.tidy()
    assert len(t) == 2847 and t["region_code"].is_unique
    assert t["primary_type"].notna().all()
    assert t["evidence"].str.len().gt(0).all()
    by_code = t.set_index("region_code")
    assert by_code.loc["610881", "primary_type"] == "资源能源开发型"  # 神木市
    assert by_code.loc["320583", "primary_type"] == "新型工业化主导型"  # 昆山市
    assert by_code.loc["450321", "primary_type"] == "文旅融合主导型"  # 阳朔县
    assert by_code.loc["110101", "primary_type"] == "都市融合型"  # 东城区
    assert by_code.loc["320583", "name"] == "昆山市"
    assert "制造业区位熵 2.86 ≥ 1.5" in by_code.loc["320583", "evidence"]
    # `xinzhi typology --year 2020` summary (2026-12-04): 未归类：399 个（14.0%）
    assert (t["primary_type"] == UNCLASSIFIED).sum() == 399


def test_2010_census_types_from_the_same_rules(public_warehouse: Path) -> None:
    res = classify_counties(2010, db=public_warehouse)
    t = res.tidy().set_index("region_code")
    assert len(t) == 2859
    assert t.loc["320583", "primary_type"] == "新型工业化主导型"


def test_cli_writes_types(public_warehouse: Path, tmp_path: Path) -> None:
    out = tmp_path / "types.csv"
    res = CliRunner().invoke(app, ["typology", "--db", str(public_warehouse), "-o", str(out)])
    assert res.exit_code == 0, res.output
    assert "资源能源开发型" in res.output
    assert out.read_bytes()[:3] == b"\xef\xbb\xbf"  # UTF-8 with BOM: Excel shows the Chinese
    df = pd.read_csv(out, dtype={"region_code": str}, encoding="utf-8-sig")
    assert {"region_code", "name", "primary_type", "secondary_type", "evidence"} <= set(df.columns)
    assert len(df) == 2847
    bad = CliRunner().invoke(
        app, ["typology", "--db", str(public_warehouse), "-o", str(tmp_path / "t.docx")]
    )
    assert bad.exit_code == 2 and "不支持的输出文件类型 .docx" in bad.output
