"""County types for the warehouse counties (census from the warehouse + GHSL), CLI output."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from typer.testing import CliRunner

from xinzhi import typology
from xinzhi.cli import app
from xinzhi.pipelines.typology import classify_counties
from xinzhi.typology import UNCLASSIFIED


def test_every_warehouse_county_gets_a_type(public_warehouse: Path) -> None:
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
    # no unit 未归类 on public data (the rules alone leave 399, recorded 2026-12-04: those get
    # the most typical type, or 多元复合型 when the two most typical are within 0.05)
    assert (t["primary_type"] == UNCLASSIFIED).sum() == 0
    assert set(t["type_basis"]) == {"规则", "最接近", "复合"}
    assert (t["type_basis"] != "规则").sum() == 399
    assert by_code.loc["430321", "primary_type"] == "农产品加工转化型"  # 湘潭县, nearest type
    assert by_code.loc["430321", "evidence"].startswith("未满足任何类型规则，按典型度归入")
    rules_only = typology.classify(res.features, assign_nearest=False).tidy()
    assert (rules_only["primary_type"] == UNCLASSIFIED).sum() == 399


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


def test_peers_and_paths_follow_the_assigned_type(public_warehouse: Path) -> None:
    from xinzhi.pipelines.typology import PEER_FEATURES

    res = classify_counties(2020, db=public_warehouse)
    t = res.tidy().set_index("region_code")
    xt = t.loc["430321"]  # 湘潭县: no rule met, nearest type 农产品加工转化型
    cols = [c for c in PEER_FEATURES if c in res.features.columns]
    peers = typology.nearest_peers(
        res.features[["region_code", *cols]], "430321", k=10, types=res.result
    )
    assert len(peers) == 10
    assert (peers["primary_type"] == "农产品加工转化型").all()
    rec = typology.recommend([xt["primary_type"], xt["secondary_type"]], ["产业链条短"])
    assert rec.explanation.startswith("因为本县属于农产品加工转化型")
    assert "未归类" not in rec.summary()
    assert (rec.measures["matched_type"].isin(["农产品加工转化型", ""])).all()
    assert (rec.measures["matched_type"] == "农产品加工转化型").any()
    # a 多元复合型 county gets the measures of both of its types
    mixed = t[t["primary_type"] == typology.MIXED].iloc[0]
    both = set(str(mixed["secondary_type"]).split("、"))
    rec2 = typology.recommend(
        [mixed["primary_type"], mixed["secondary_type"]], [], max_measures=None
    )
    assert set(rec2.measures["matched_type"]) == both
