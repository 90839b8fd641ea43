"""County reports over the REST API: the PDF shows the pipeline's headline, county users see
only their own county, errors are Chinese JSON, and every download is audited."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest
from api_helpers import COUNTY, OTHER_COUNTY

from xinzhi.pipelines.report import county_report_data
from xinzhi.report.model import CountyReportData

EVAL = "demo"  # stored by the evaluated_warehouse fixture (system nqpf-county)


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def expected(api) -> CountyReportData:
    """The pipeline's own report data, read through the app's shared database instance."""
    return county_report_data(COUNTY, 2020, evaluation=EVAL, con=api.client.app.state.db.con)


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="需要 poppler-utils（pdftotext）")
def test_pdf_shows_pipeline_headline(api, expected, tmp_path: Path) -> None:
    r = api.client.get(
        f"/api/reports/county/{COUNTY}.pdf",
        params={"year": 2020, "evaluation": EVAL},
        headers=api.h("county1"),
    )
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/pdf"
    assert r.content[:4] == b"%PDF"
    pdf = tmp_path / "r.pdf"
    pdf.write_bytes(r.content)
    text = _squash(
        subprocess.run(
            ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, check=True, text=True
        ).stdout
    )
    assert expected.name == "湘潭县" and expected.name in text
    # the headline numbers: score to 4 decimals and both ranks, as the CLI prints them
    assert expected.score is not None and 0 < expected.score < 1
    assert f"{expected.score:.4f}" in text
    assert f"{expected.rank}/{expected.n_counties}" in text
    assert f"{expected.province_rank}/{expected.n_province}" in text
    assert _squash(expected.headline()) in text


def test_html_and_xlsx_same_numbers(api, expected) -> None:
    h = api.client.get(
        f"/api/reports/county/{COUNTY}.html",
        params={"year": 2020, "evaluation": EVAL},
        headers=api.h("analyst1"),
    )
    assert h.status_code == 200 and h.headers["content-type"].startswith("text/html")
    assert expected.headline() in h.text
    x = api.client.get(
        f"/api/reports/county/{COUNTY}.xlsx",
        params={"year": 2020, "evaluation": EVAL},
        headers=api.h("admin1"),
    )
    assert x.status_code == 200
    wb = openpyxl.load_workbook(io.BytesIO(x.content), read_only=True)
    # the last two: section 指数稳健性 (the audit of the index runs for every report)
    assert wb.sheetnames == [
        "指标",
        "维度",
        "历年",
        "短板",
        "近邻县",
        "差距表",
        "推荐路径",
        "指数稳健性",
        "敏感性指数",
    ]
    rows = list(wb["历年"].iter_rows(values_only=True))
    head = list(rows[0])
    y2020 = next(r for r in rows[1:] if r[head.index("year")] == 2020)
    assert y2020[head.index("score")] == pytest.approx(expected.score, abs=1e-12)
    assert y2020[head.index("rank")] == expected.rank


def test_default_year_is_latest(api, expected) -> None:
    r = api.client.get(
        f"/api/reports/county/{COUNTY}.html", params={"evaluation": EVAL}, headers=api.h("county1")
    )
    assert r.status_code == 200 and expected.headline() in r.text


def test_county_user_other_county_forbidden(api) -> None:
    for fmt in ("pdf", "html", "xlsx"):
        r = api.client.get(
            f"/api/reports/county/{OTHER_COUNTY}.{fmt}",
            params={"evaluation": EVAL},
            headers=api.h("county1"),
        )
        assert r.status_code == 403
        assert r.json()["error"]["message"] == "县区用户只能下载本县区的报告"


def test_unauthenticated(api) -> None:
    r = api.client.get(f"/api/reports/county/{COUNTY}.pdf", params={"evaluation": EVAL})
    assert r.status_code == 401 and r.json()["error"]["code"] == "unauthenticated"


def test_unknown_county_and_evaluation(api) -> None:
    r = api.client.get(
        "/api/reports/county/999999.pdf", params={"evaluation": EVAL}, headers=api.h("analyst1")
    )
    assert r.status_code == 404
    err = r.json()["error"]
    assert err["code"] == "county_not_found" and "999999" in err["message"]
    assert re.search(r"[\u4e00-\u9fff]", err["message"])
    r = api.client.get(
        f"/api/reports/county/{COUNTY}.pdf",
        params={"evaluation": "没有这个评价"},
        headers=api.h("analyst1"),
    )
    assert r.status_code == 404
    assert r.json()["error"] == {
        "code": "evaluation_not_found",
        "message": "没有名为 没有这个评价 的评价结果",
    }
    bad = api.client.get("/api/reports/county/12345.pdf", headers=api.h("analyst1"))
    assert bad.status_code == 422  # the path parameter must be six digits
    assert bad.json()["error"]["code"] == "validation_error"


def test_download_is_audited(api) -> None:
    r = api.client.get(
        f"/api/reports/county/{OTHER_COUNTY}.xlsx",
        params={"year": 2020, "evaluation": EVAL},
        headers=api.h("analyst1"),
    )
    assert r.status_code == 200
    items = api.client.get(
        "/api/admin/audit", params={"action": "export", "limit": 1000}, headers=api.h("admin1")
    ).json()["items"]
    hits = [i for i in items if i["target"] == f"report:{EVAL}:{OTHER_COUNTY}:2020.xlsx"]
    assert len(hits) == 1 and hits[0]["user_name"] == "analyst1"

    # a refused download leaves no export entry
    def exports() -> int:
        page = api.client.get(
            "/api/admin/audit", params={"action": "export", "limit": 1000}, headers=api.h("admin1")
        ).json()
        return int(page["total"])

    before = exports()
    refused = api.client.get(
        f"/api/reports/county/{OTHER_COUNTY}.pdf",
        params={"evaluation": EVAL},
        headers=api.h("county1"),
    )
    assert refused.status_code == 403 and exports() == before
