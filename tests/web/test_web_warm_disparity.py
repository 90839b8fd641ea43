"""The start-up warm-up of the page 区域差异 (:func:`xinzhi.web.pages_disparity.warm_defaults`):
the page's default analyses land in ``run_analysis``'s cache under the keys the page asks
for, equal to an uncached run, and a re-saved evaluation is computed afresh."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from fixtures.warehouse import EVALUATION
from xinzhi.registry import disparity as decl
from xinzhi.web import _data
from xinzhi.web._context import config, connection
from xinzhi.web._controls import page_option, run_analysis
from xinzhi.web.pages_disparity import _spatial, default_analyses, warm_defaults


@pytest.fixture
def web_db(small_warehouse: Any, data_dir: Path, tmp_path: Path, monkeypatch: Any) -> Path:
    db = tmp_path / "xinzhi.duckdb"
    shutil.copy(small_warehouse.db, db)
    monkeypatch.setattr(config, "db", db)
    monkeypatch.setattr(config, "data_dir", data_dir)
    monkeypatch.setattr(config, "database", None)
    monkeypatch.setenv("XINZHI_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr(_data, "_memo", {})
    return db


def test_warm_defaults_fill_the_page_cache(web_db: Path) -> None:
    jobs = default_analyses(EVALUATION)
    assert [a.key for a, _ in jobs] == ["dagum", "kde", "moran", "lisa", "markov", "convergence"]
    # the small warehouse's evaluation has the years 2010 and 2020: Moran / LISA of 2020
    assert jobs[2][1]["year"] == 2020
    warm_defaults(EVALUATION)
    warmed = dict(_data._memo)
    # every analysis that can run on two years is cached (Markov may refuse two years)
    assert {k[0] for k in warmed} >= {"dagum", "kde", "moran", "lisa", "convergence"}
    # the page's own calls (empty query string) hit those entries: same objects, no rerun
    weights = page_option(decl.WEIGHTS, "")
    standardise = page_option(decl.STANDARDISE, "")
    glob, lisa = _spatial(EVALUATION, 2020, weights, standardise)
    dagum = run_analysis(
        decl.DAGUM, evaluation=EVALUATION, group=page_option(decl.DAGUM.option("group"), "")
    )
    assert any(glob is v for v in warmed.values())
    assert any(lisa is v for v in warmed.values())
    assert any(dagum is v for v in warmed.values())
    assert len(_data._memo) == len(warmed)
    # same numbers as an uncached run of the declared pipeline
    for analysis, options in jobs:
        if analysis.key == "markov":
            continue
        with connection() as con:
            fresh = analysis.run(con, data_dir=str(config.data_dir), **analysis.resolve(options))
        got = run_analysis(analysis, **options)
        assert got is not fresh
        pd.testing.assert_frame_equal(got.tidy(), fresh.tidy())


def test_a_resaved_evaluation_is_computed_afresh(web_db: Path) -> None:
    warm_defaults(EVALUATION)
    before = run_analysis(decl.KDE, evaluation=EVALUATION)
    assert run_analysis(decl.KDE, evaluation=EVALUATION) is before
    with connection(write=True) as con:
        con.execute(
            "UPDATE evaluations SET created_at = created_at + INTERVAL 1 SECOND WHERE name = ?",
            [EVALUATION],
        )
    after = run_analysis(decl.KDE, evaluation=EVALUATION)
    assert after is not before  # new evaluation stamp → new cache key
    pd.testing.assert_frame_equal(after.tidy(), before.tidy())


def test_start_up_thread_warms_the_default_evaluation(web_db: Path) -> None:
    from xinzhi import web

    web._warm_start()  # what mount() starts in a daemon thread
    keys = {(k[0], k[1]) for k in _data._memo}
    stamp = _data.evaluation_stamp(EVALUATION)
    assert {("moran", stamp), ("dagum", stamp), ("convergence", stamp)} <= keys


def test_start_up_thread_warms_profile_context(web_db: Path) -> None:
    from xinzhi.web import _data as data
    from xinzhi.web.pages_profile import warm_context

    data._contexts.clear()
    warm_context(EVALUATION)
    # the context of the stored evaluation is cached under its stamp and reused by the page
    assert len(data._contexts) == 1
    ctx = data.report_context(EVALUATION)
    assert next(iter(data._contexts.values())) is ctx


def test_start_up_thread_warms_io_linkages(web_db: Path) -> None:
    from xinzhi.registry import industry as industry_decl
    from xinzhi.web.pages_industry import warm_io

    warm_io()
    warmed = [v for k, v in _data._memo.items() if k[0] == "io"]
    assert len(warmed) == 1
    # the page's call without a lead sector reads the warmed result
    assert run_analysis(industry_decl.IO, lead=None) is warmed[0]
