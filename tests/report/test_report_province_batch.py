"""Province batch: one report per county, the provincial summary and the workbook; Dagum / Theil
equal the disparity analyses run directly on the same scores; the demo's report step."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd
import pytest

from xinzhi.disparity import dagum_gini, theil_decomposition
from xinzhi.pipelines.demo import DEMO_STEPS, demo_report
from xinzhi.pipelines.report import county_report_data, write_province_reports


@pytest.mark.slow
def test_hainan_batch(report_db: Path, tmp_path: Path) -> None:
    res = write_province_reports("海南", 2020, tmp_path, fmt="html", db=report_db, workers=2)
    con = duckdb.connect(str(report_db), read_only=True)
    stored = con.execute(
        "SELECT region_code, score FROM evaluation_scores WHERE name = 'nqpf-county' "
        "AND year = 2020 AND left(region_code, 2) = '46' ORDER BY score DESC, region_code"
    ).df()
    con.close()
    assert len(stored) == 24
    assert res.failures == []
    assert len(res.county_files) == 24
    assert sorted(p.name[:6] for p in res.county_files) == sorted(stored["region_code"])
    assert res.summary_file.exists() and res.workbook.exists()
    # the ranking is the stored evaluation's, best first
    rk = res.summary_data.ranking
    assert rk["region_code"].tolist() == stored["region_code"].tolist()
    assert rk["score"].tolist() == stored["score"].tolist()
    assert rk["province_rank"].tolist() == list(range(1, 25))
    # Dagum and Theil by prefecture equal the analyses run directly on the same scores
    grp = rk.assign(group=rk["prefecture_name"].fillna("省直辖"))
    g = dagum_gini(grp, "score", "group").overall["G"].iloc[0]
    t = theil_decomposition(grp, "score", "group").overall["T"].iloc[0]
    assert res.summary_data.dagum is not None and res.summary_data.theil is not None
    assert res.summary_data.dagum.overall["G"].iloc[0] == pytest.approx(g, rel=1e-12)
    assert res.summary_data.theil.overall["T"].iloc[0] == pytest.approx(t, rel=1e-12)
    book = pd.read_excel(res.workbook, sheet_name=None, engine="calamine")
    assert {"排名", "Dagum分解", "泰尔分解", "类型分布"} <= set(book)
    assert book["类型分布"]["县数"].sum() == 24
    html = res.county_files[0].read_text("utf-8")
    assert "县域新质生产力报告" in html and "<svg" in html


def test_demo_ends_with_the_example_report(report_db: Path, data_dir: Path, tmp_path: Path) -> None:
    assert DEMO_STEPS[-1].title.startswith("示例县域报告")
    r = demo_report(report_db, data_dir, tmp_path)
    assert r.path.exists() and r.path.stat().st_size > 10_000
    assert r.path.read_bytes()[:5] == b"%PDF-"
    assert str(r.path.resolve()) in r.summary()
    assert r.summary().startswith("湘潭县（430321）2020 年综合得分 ")


def test_batch_workers_read_the_warehouse_read_only(report_db: Path) -> None:
    """Workers get the prefetched industry inputs with the context and open the warehouse
    read-only: two workers opening it read-write at once failed with a DuckDB lock error
    (a Hunan batch lost 9–31 of 122 counties that way)."""
    import pickle

    from xinzhi.pipelines.industry import IndustryInputs
    from xinzhi.pipelines.report import _batch_init
    from xinzhi.pipelines.report_context import load_report_context

    ctx = load_report_context(db=report_db)
    ctx.prefetch(2020)
    sent = pickle.loads(pickle.dumps(ctx))  # what a spawned worker receives
    assert isinstance(sent._industry[2020], IndustryInputs)
    assert sent.industry_map("430321", 2020).equals(ctx.industry_map("430321", 2020))
    # with everything prefetched a worker does not need the warehouse at all: a renamed
    # county's history and Hunan's map (祁阳县 431121 drawn with 祁阳市's polygon) included
    offline = pickle.loads(pickle.dumps(ctx))
    offline.db = report_db.parent / "absent.duckdb"
    yh = county_report_data("331083", 2020, context=offline)
    assert list(yh.history["year"]) == [2010, 2020]
    qy = county_report_data("431121", 2020, context=offline)
    assert qy.province_map is not None and "431121" in set(qy.province_map["code"])
    assert not offline.db.exists()
    _batch_init(sent, worker=True)
    try:
        with sent.connection() as a, sent.connection() as b:  # two readers at once
            assert (
                a.execute("SELECT count(*) FROM regions").fetchone()
                == b.execute("SELECT count(*) FROM regions").fetchone()
            )
            with pytest.raises(duckdb.Error, match="read-only"):
                a.execute("CREATE TABLE t (x INT)")
    finally:
        _batch_init(None)
