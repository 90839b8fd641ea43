"""The 画像 / county report of a scoped evaluation (#13 part 1; xinzhi.pipelines.report_context,
report_sections, audit; xinzhi.report.model.CountyReportData.headline): ranks named after the
评价范围, no 'left out' note for the counties outside it, the robustness audit available (the
stored option ``area`` is no engine option), and peers and benchmarks found within the scope."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from xinzhi import store
from xinzhi.pipelines.evaluation import evaluate_counties
from xinzhi.pipelines.report import county_report_data
from xinzhi.pipelines.report_context import load_report_context

NAME = "湖南县域2020"


def _hunan(src: Path, tmp_path: Path) -> Path:
    db = tmp_path / "w.duckdb"
    shutil.copy(src, db)
    con = store.connect(db)
    try:
        evaluate_counties("nqpf-county", years=[2020], con=con, save_as=NAME, area="湖南省")
    finally:
        con.close()
    return db


def test_scoped_evaluation_on_the_small_warehouse(small_warehouse: Any, tmp_path: Path) -> None:
    db = _hunan(small_warehouse.db, tmp_path)
    with store.connect(db, read_only=True) as con:  # independent query on the stored table
        score, rank = con.execute(
            "SELECT score, rank FROM evaluation_scores WHERE name = ? AND region_code = '430321'",
            [NAME],
        ).fetchone()
        n_at_most = con.execute(
            "SELECT count(*) FROM evaluation_scores WHERE name = ? AND score <= ?",
            [NAME, score],
        ).fetchone()[0]
    ctx = load_report_context(db=db, evaluation=NAME)
    assert ctx.area == "湖南省"
    # the six Hunan units were all scored: nothing of the scope left out, and the units of
    # 江苏 and 甘肃 are outside the scope, not "left out"
    assert ctx.excluded.empty
    assert not any("补齐了数据" in n for n in ctx.notes)
    data = county_report_data("430321", 2020, context=ctx)
    assert data.headline() == (
        f"湘潭县（430321）2020 年综合得分 {score:.4f}，评价范围（湖南省）内排名 {rank}/6，"
        f"省内排名 {rank}/6，范围内百分位 {n_at_most / 6:.1%}"
    )
    assert not isinstance(ctx.audit(2020), str), ctx.audit(2020)
    assert not any("未知的评价选项" in n for n in data.notes)


def test_national_headline_unchanged(small_warehouse: Any) -> None:
    ctx = load_report_context(db=small_warehouse.db, evaluation=small_warehouse.evaluation)
    data = county_report_data("430321", 2020, context=ctx)
    assert ctx.area == "全国"
    assert "，全国排名 " in data.headline() and "全国百分位" in data.headline()
    assert data.headline().endswith(f"全国百分位 {data.percentile:.1%}")


def test_peers_and_benchmarks_within_the_scope(public_warehouse: Path, tmp_path: Path) -> None:
    db = _hunan(public_warehouse, tmp_path)
    ctx = load_report_context(db=db, evaluation=NAME)
    data = county_report_data("430321", 2020, context=ctx)
    own = data.score
    assert own is not None
    # peers of the same type among the 湖南 counties the evaluation scored, each with a score
    assert len(data.peers) == 10
    assert data.peers["region_code"].str.startswith("43").all()
    assert data.peers["score"].notna().all()
    assert (data.peers["primary_type"] == data.types["primary_type"]).all()  # type: ignore[index]
    # benchmarks: the best-scoring peers above the county, and a gap table against them
    assert 1 <= len(data.benchmarks) <= 3
    assert (data.benchmarks["score"] > own).all()
    assert set(data.benchmarks["region_code"]) <= set(data.peers["region_code"])
    assert set(data.benchmarks["province_name"]) == {"湖南省"}
    assert len(data.gaps) >= 1 and data.gaps["gap_share"].sum() > 0
