"""One source of truth: a report shows the evaluation stored in the warehouse, never a re-run.

Reference values for 湘潭县 (430321) in the ``nqpf-county`` evaluation that ``xinzhi demo``
stores on the public warehouse, read with this independent DuckDB query on the stored table
(not through xinzhi)::

    SELECT s.region_code, s.year, s.score, s.rank,
           (SELECT count(*) FROM evaluation_scores a
             WHERE a.name = s.name AND a.year = s.year) AS n_counties,
           (SELECT count(*) + 1 FROM evaluation_scores p
             WHERE p.name = s.name AND p.year = s.year
               AND left(p.region_code, 2) = left(s.region_code, 2)
               AND p.score > s.score) AS province_rank,
           (SELECT count(*) FROM evaluation_scores p
             WHERE p.name = s.name AND p.year = s.year
               AND left(p.region_code, 2) = left(s.region_code, 2)) AS n_province,
           (SELECT count(*) FROM evaluation_scores a
             WHERE a.name = s.name AND a.year = s.year AND a.score <= s.score) AS n_at_most
    FROM evaluation_scores s
    WHERE s.name = 'nqpf-county' AND s.region_code = '430321' AND s.year IN (2010, 2020)
    ORDER BY s.year

    ('430321', 2010, 0.15372556006823038, 1902, 2859, 88, 120, 958)
    ('430321', 2020, 0.2479884237615794, 1511, 2847, 63, 122, 1337)

Percentile 2020 = 1337 / 2847 = 0.46961... (shown as 47.0%).
"""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from typer.testing import CliRunner

import xinzhi.pipelines.evaluation as evaluation_pipeline
import xinzhi.pipelines.report_context as report_context
from xinzhi.cli import app
from xinzhi.errors import InputError
from xinzhi.pipelines.report import county_report_data, province_report_data
from xinzhi.pipelines.report_context import load_report_context
from xinzhi.report import xlsx_bytes

SCORE_2020 = 0.2479884237615794
SCORE_2010 = 0.15372556006823038


def _refuse(*args: object, **kwargs: object) -> None:
    raise AssertionError("a report must not re-evaluate a stored evaluation")


def _forbid_evaluation(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(report_context, "evaluate_counties", _refuse)
    monkeypatch.setattr(evaluation_pipeline, "evaluate", _refuse)


@pytest.fixture
def no_evaluation(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any evaluation run (the pipeline entry point or the engine) fails the test."""
    _forbid_evaluation(monkeypatch)


def test_report_shows_the_stored_score_and_ranks(report_db: Path, no_evaluation: None) -> None:
    d = county_report_data("湘潭县", 2020, db=report_db)
    assert d.evaluation_name == "nqpf-county"
    assert d.score == SCORE_2020
    assert (d.rank, d.n_counties) == (1511, 2847)
    assert (d.province_rank, d.n_province) == (63, 122)
    assert d.percentile == pytest.approx(1337 / 2847, abs=1e-15)
    assert d.headline() == (
        "湘潭县（430321）2020 年综合得分 0.2480，全国排名 1511/2847，省内排名 63/122，"
        "全国百分位 47.0%"
    )
    h = d.history.set_index("year")
    assert h.loc[2010, "score"] == SCORE_2010 and h.loc[2010, "rank"] == 1902
    # dimension scores as stored (evaluation_dimensions, position order)
    assert d.dimensions["dimension"].tolist() == ["劳动者", "劳动资料", "劳动对象"]
    assert d.dimensions["score"].tolist() == [
        0.18506441396660364,
        0.16567699889336912,
        0.3685908890702983,
    ]


def test_province_summary_reads_the_stored_ranking(report_db: Path, no_evaluation: None) -> None:
    p = province_report_data("湖南", 2020, db=report_db)
    assert len(p.ranking) == 122
    row = p.ranking[p.ranking["region_code"] == "430321"].iloc[0]
    assert (row["score"], row["rank"], row["province_rank"]) == (SCORE_2020, 1511, 63)


def test_a_changed_stored_score_is_what_the_report_shows(
    report_db: Path, tmp_path: Path, no_evaluation: None
) -> None:
    """The stored table is the source: edit it and the report (and the CLI) follow."""
    db = tmp_path / "w.duckdb"
    shutil.copy(report_db, db)
    con = duckdb.connect(str(db))
    con.execute(
        "UPDATE evaluation_scores SET score = 0.9, rank = 1 WHERE name = 'nqpf-county' "
        "AND region_code = '430321' AND year = 2020"
    )
    con.close()
    out = tmp_path / "x.html"
    res = CliRunner().invoke(
        app, ["report", "--db", str(db), "--county", "430321", "--year", "2020", "-o", str(out)]
    )
    assert res.exit_code == 0, res.output
    # 0.9 is now the highest 2020 score in Hunan: provincial rank 1 of 122
    assert res.output.splitlines()[0] == (
        "湘潭县（430321）2020 年综合得分 0.9000，全国排名 1/2847，省内排名 1/122，全国百分位 100.0%"
    )


def test_a_missing_builtin_evaluation_is_evaluated_once_and_saved(
    public_warehouse: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "w.duckdb"
    shutil.copy(public_warehouse, db)
    ctx = load_report_context(db=db)
    assert any(
        "已按指标体系 nqpf-county 的默认选项测度并保存为 nqpf-county" in n for n in ctx.notes
    )
    con = duckdb.connect(str(db), read_only=True)
    (score,) = con.execute(
        "SELECT score FROM evaluation_scores WHERE name = 'nqpf-county' "
        "AND region_code = '430321' AND year = 2020"
    ).fetchone()
    con.close()
    assert score == SCORE_2020  # the built-in system's own options: the demo's evaluation
    # the next report reads what was saved, without evaluating again
    _forbid_evaluation(monkeypatch)
    again = load_report_context(db=db)
    assert again.notes == []
    assert again.scores.equals(ctx.scores)


def test_an_unknown_evaluation_name_tells_how_to_store_one(report_db: Path) -> None:
    with pytest.raises(InputError) as err:
        load_report_context(db=report_db, evaluation="我的评价")
    msg = str(err.value)
    assert "没有名为 '我的评价' 的评价结果（已保存：nqpf-county）" in msg
    assert "xinzhi evaluate --system 指标体系 --save 我的评价" in msg
    res = CliRunner().invoke(
        app,
        ["report", "--db", str(report_db), "--county", "430321", "--evaluation", "我的评价"],
    )
    assert res.exit_code == 2
    assert "xinzhi evaluate --system 指标体系 --save 我的评价" in res.output


def test_workbook_bytes_hold_the_stored_scores(report_db: Path, no_evaluation: None) -> None:
    d = county_report_data("430321", 2020, db=report_db)
    book = pd.read_excel(io.BytesIO(xlsx_bytes(d)), sheet_name=None, engine="calamine")
    assert list(book) == [
        *("指标", "维度", "历年", "短板", "近邻县", "差距表", "推荐路径"),
        *("指数稳健性", "敏感性指数"),  # section 指数稳健性 (the audit of the stored evaluation)
    ]
    hist = book["历年"].set_index("year")
    # the workbook keeps 16 significant digits
    assert hist.loc[2020, "score"] == pytest.approx(SCORE_2020, rel=1e-15)
    assert hist.loc[2010, "score"] == pytest.approx(SCORE_2010, rel=1e-15)
    assert hist.loc[2020, "rank"] == 1511
