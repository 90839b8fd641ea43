"""The county report's audit (section 指数稳健性, ReportContext.audit) is kept on disk: a second
report of the same stored evaluation reads it instead of running the Monte Carlo again (same
rank intervals), and a re-saved evaluation or a changed value computes it anew. Small
warehouse (示例数据)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from fixtures.warehouse import EVALUATION, SmallWarehouse
from xinzhi.pipelines import audit as audit_pipeline
from xinzhi.pipelines.evaluation import evaluate_counties
from xinzhi.pipelines.report import county_report_data
from xinzhi.pipelines.report_context import load_report_context


@pytest.fixture()
def calls(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[int]:
    """Counts the Monte Carlo runs (xinzhi.pipelines.audit.audit_stored, which the context
    calls) with a cache directory of this test."""
    monkeypatch.setenv("XINZHI_CACHE", str(tmp_path / "cache"))
    seen: list[int] = []
    real = audit_pipeline.audit_stored

    def counted(*args: Any, **kw: Any) -> Any:
        seen.append(int(kw["year"]))
        return real(*args, **kw)

    monkeypatch.setattr(audit_pipeline, "audit_stored", counted)
    return seen


@pytest.fixture()
def db(small_warehouse: SmallWarehouse, tmp_path: Path) -> Path:
    out = tmp_path / "w.duckdb"
    shutil.copy(small_warehouse.db, out)
    return out


def _files(tmp_path: Path) -> list[Path]:
    return sorted((tmp_path / "cache" / "audit").glob("*.pkl"))


def test_second_report_reuses_the_audit(db: Path, calls: list[int], tmp_path: Path) -> None:
    first = load_report_context(db=db, evaluation=EVALUATION).audit(2020)
    assert calls == [2020] and len(_files(tmp_path)) == 1
    second = load_report_context(db=db, evaluation=EVALUATION).audit(2020)  # a new report
    assert calls == [2020]  # no second Monte Carlo
    assert first.rank_intervals is not None and second.rank_intervals is not None
    pd.testing.assert_frame_equal(second.rank_intervals, first.rank_intervals)
    pd.testing.assert_frame_equal(second.sensitivity, first.sensitivity)
    assert second.mc_settings == first.mc_settings
    # another year of the same evaluation is another audit
    load_report_context(db=db, evaluation=EVALUATION).audit(2010)
    assert calls == [2020, 2010] and len(_files(tmp_path)) == 2


def test_resaved_evaluation_recomputes(db: Path, calls: list[int], tmp_path: Path) -> None:
    ctx = load_report_context(db=db, evaluation=EVALUATION)
    first = ctx.audit(2020)
    evaluate_counties("nqpf-county", db=db, save_as=EVALUATION)  # saved again: new created_at
    again = load_report_context(db=db, evaluation=EVALUATION)
    assert again.saved_at is not None and again.saved_at != ctx.saved_at
    second = again.audit(2020)
    assert calls == [2020, 2020] and len(_files(tmp_path)) == 2
    # same data, options and seed: the recomputed intervals are the same numbers
    pd.testing.assert_frame_equal(second.rank_intervals, first.rank_intervals)


def test_changed_value_recomputes(db: Path, calls: list[int]) -> None:
    load_report_context(db=db, evaluation=EVALUATION).audit(2020)
    ctx = load_report_context(db=db, evaluation=EVALUATION)
    code = ctx.evaluation.system.codes[0]
    row = (ctx.raw["year"] == 2020) & (ctx.raw["region_code"] == "430321")
    ctx.raw.loc[row, code] = ctx.raw.loc[row, code] * 2  # a corrected value (示例数据)
    ctx.audit(2020)
    assert calls == [2020, 2020]


def test_damaged_cache_file_is_recomputed(db: Path, calls: list[int], tmp_path: Path) -> None:
    first = load_report_context(db=db, evaluation=EVALUATION).audit(2020)
    (path,) = _files(tmp_path)
    path.write_bytes(b"not a pickle")
    second = load_report_context(db=db, evaluation=EVALUATION).audit(2020)
    assert calls == [2020, 2020]
    pd.testing.assert_frame_equal(second.rank_intervals, first.rank_intervals)


def test_county_reports_share_one_monte_carlo(db: Path, calls: list[int]) -> None:
    """Two county reports (separate calls, as two ``xinzhi report county`` runs) of the same
    evaluation and year: one Monte Carlo, the same robustness numbers."""
    a = county_report_data("430321", year=2020, db=db, evaluation=EVALUATION)
    b = county_report_data("430321", year=2020, db=db, evaluation=EVALUATION)
    assert calls == [2020]
    assert a.robustness == b.robustness
    pd.testing.assert_frame_equal(a.robustness_intervals, b.robustness_intervals)
