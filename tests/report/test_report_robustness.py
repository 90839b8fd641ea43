"""Section 指数稳健性 of the county report: the county's median rank and 90 % interval, the rank
intervals of its province and the Sobol indices are those of the audit (the declared analysis
``audit`` on the stored evaluation, as the page 排名 runs it); the PDF and HTML show the section."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from fixtures.warehouse import SmallWarehouse
from xinzhi import store
from xinzhi.pipelines.audit import audit_declared
from xinzhi.pipelines.report import county_report_data
from xinzhi.pipelines.report_context import REPORT_AUDIT_N
from xinzhi.report import pdf_bytes, render_html
from xinzhi.report.view import county_view, robustness_text

COUNTY = "430321"  # 湘潭县 of the small warehouse (示例数据)


@pytest.fixture(scope="module")
def report(small_warehouse: SmallWarehouse, tmp_path_factory: pytest.TempPathFactory) -> tuple:
    db = tmp_path_factory.mktemp("robust") / "w.duckdb"
    shutil.copy(small_warehouse.db, db)  # the report stores the evaluation when it is missing
    rep = county_report_data(COUNTY, year=2020, db=db)
    con = store.connect(db, read_only=True)
    try:
        res = audit_declared(con, evaluation=rep.evaluation_name, year=2020, n=REPORT_AUDIT_N)
    finally:
        con.close()
    return rep, res


def test_section_numbers_are_the_audits(report: tuple) -> None:
    rep, res = report
    ri = res.rank_intervals.assign(unit=res.rank_intervals["unit"].astype(str)).set_index("unit")
    own = ri.loc[COUNTY]
    r = rep.robustness
    assert r is not None
    assert (r["rank"], r["rank_median"], r["rank_p05"], r["rank_p95"]) == (
        float(own["rank"]),
        float(own["rank_median"]),
        float(own["rank_p05"]),
        float(own["rank_p95"]),
    )
    assert r["units"] == len(ri) and r["runs"] == res.mc_settings["runs"]
    # N·(k + 2) runs: 100 base samples, k = 4 choices varied (normalisation, weighting,
    # aggregation, weight perturbation; complete data: imputation is not varied) → 600
    assert r["runs"] == REPORT_AUDIT_N * (4 + 2) == 600
    assert r["rank_p05"] <= r["rank_median"] <= r["rank_p95"]
    # the chart rows: the counties of 湖南 (code 43…) with their audit intervals, the county marked
    iv = rep.robustness_intervals
    assert iv["region_code"].str.startswith("43").all() and iv["own"].sum() == 1
    assert iv.loc[iv["own"], "region_code"].item() == COUNTY
    for row in iv.itertuples():
        assert row.rank_median == ri.loc[row.region_code, "rank_median"]
        assert row.rank_p95 == ri.loc[row.region_code, "rank_p95"]
    assert list(iv["rank_median"]) == sorted(iv["rank_median"])
    # the Sobol table: label, S1, ST of the audit, row for row
    sens = rep.robustness_sensitivity
    assert list(sens["label"]) == list(res.sensitivity["label"])
    np.testing.assert_array_equal(sens["S1"], res.sensitivity["S1"])
    np.testing.assert_array_equal(sens["ST"], res.sensitivity["ST"])
    assert set(rep.sheets()) >= {"指数稳健性", "敏感性指数"}


def test_sentence_and_chart_of_the_view(report: tuple) -> None:
    rep, _ = report
    r = rep.robustness
    text = robustness_text(rep)
    assert f"本县基准排名 {int(r['rank'])}" in text
    assert f"90% 区间 {r['rank_p05']:g}–{r['rank_p95']:g}" in text
    v = county_view(rep)
    assert v["robustness_sobol"]["header"] == ["方法选择", "一阶 Sobol 指数", "总 Sobol 指数"]
    assert v["charts"]["robustness"].startswith("<svg")
    assert "湘潭县" in v["charts"]["robustness"]
    page = render_html(rep)
    assert "九、指数稳健性" in page and text in page


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="需要 poppler-utils")
def test_pdf_has_the_section(report: tuple, tmp_path: Path) -> None:
    rep, _ = report
    pdf = tmp_path / "r.pdf"
    pdf.write_bytes(pdf_bytes(rep))
    out = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True)
    text = re.sub(r"\s+", "", out.stdout)
    assert "九、指数稳健性" in text
    r = rep.robustness
    assert f"本县基准排名{int(r['rank'])}" in text
    assert f"90%区间{r['rank_p05']:g}–{r['rank_p95']:g}" in text
    assert "总Sobol指数" in text
