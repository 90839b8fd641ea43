"""County reports (县域报告) as PDF, HTML or Excel.

``GET /api/reports/county/{code}.pdf|.html|.xlsx?year=&evaluation=nqpf-county``

Every role may download reports; a county user (县区用户) only the report of its own county
(403 otherwise; the rule is :func:`xinzhi.auth.policy.require_download` with
:attr:`~xinzhi.auth.policy.Kind.REPORT`, the same check the page 县域画像 makes). Each download is
written to the audit log (:func:`xinzhi.auth.write_export`: action ``export``, target
``report:<evaluation>:<code>:<year>.<format>``).

The router computes nothing: the numbers come from :func:`xinzhi.pipelines.report.
county_report_data`, the files from :func:`xinzhi.report.pdf_bytes` / :func:`~xinzhi.report.
render_html` and :meth:`~xinzhi.pipelines.report.CountyReportData.to_excel`. The shared
:class:`~xinzhi.pipelines.report.ReportContext` of a stored evaluation (its scores, raw values,
county types and polygons) is built once on the server's database instance and cached per
(evaluation name, creation time), so a new evaluation saved under the same name is picked up.
"""

from __future__ import annotations

import tempfile
import threading
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from fastapi import Path as FPath

from xinzhi import config
from xinzhi.api._util import audit_export, evaluation_stamp, file_route
from xinzhi.api.deps import AnyUser, Cursor, Database, Db
from xinzhi.api.errors import ApiError
from xinzhi.auth import Session
from xinzhi.auth.policy import Kind, require_download
from xinzhi.pipelines.report_context import ReportContext
from xinzhi.registry.defaults import DEFAULT_EVALUATION
from xinzhi.report.model import CountyReportData

router = APIRouter(tags=["报告"])

PDF = "application/pdf"
HTML = "text/html; charset=utf-8"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

CountyCode = Annotated[str, FPath(pattern=r"^\d{6}$", description="6 位区划代码")]
Year = Annotated[int | None, Query(ge=1900, le=2100, description="年份（默认：最近的评价年份）")]
Evaluation = Annotated[
    str,
    Query(
        min_length=1,
        max_length=64,
        pattern=r"^[A-Za-z0-9_.\-\u4e00-\u9fff]{1,64}$",
        description="已保存的评价结果名称",
    ),
]

_build_lock = threading.Lock()


def report_context(db: Database, cur: Any, evaluation: str) -> ReportContext:
    """The report context of stored ``evaluation`` on the server's database (cached per name and
    creation time); 404 if no evaluation of that name is stored."""
    # imported on the first report: the report context pulls in typology and industry
    from xinzhi.pipelines.report_context import load_report_context

    stamp = evaluation_stamp(cur, evaluation)
    if stamp is None:
        raise ApiError(404, "evaluation_not_found", f"没有名为 {evaluation} 的评价结果")
    key = ("report_context", evaluation, stamp)
    with _build_lock:  # one build per evaluation, even when many downloads start together
        ctx: ReportContext = db.cached(
            key,
            lambda: load_report_context(
                evaluation=evaluation, con=db.con, db=db.path, data_dir=config.data_dir()
            ),
        )
    return ctx


def _report_data(
    db: Database, cur: Any, session: Session, code: str, year: int | None, evaluation: str
) -> CountyReportData:
    from xinzhi.pipelines.report import county_report_data

    require_download(session.user, Kind.REPORT, code)
    ctx = report_context(db, cur, evaluation)
    y = int(ctx.scores["year"].max()) if year is None else int(year)
    known = ctx.names[(ctx.names["region_code"] == code) & (ctx.names["year"] == y)]
    if known.empty:
        raise ApiError(
            404,
            "county_not_found",
            f"数据仓库中没有县区 {code} 在 {y} 年的数据（评价 {evaluation}）",
        )
    return county_report_data(code, y, context=ctx)


def _send(
    db: Database,
    request: Request,
    session: Session,
    data: CountyReportData,
    body: bytes,
    media_type: str,
    fmt: str,
) -> Response:
    audit_export(
        db,
        request,
        session,
        Kind.REPORT,
        fmt=fmt,
        evaluation=data.evaluation_name,
        county=data.code,
        year=data.year,
    )
    name = f"{data.code}-{data.year}-report.{fmt}"
    disposition = "inline" if fmt == "html" else "attachment"
    return Response(
        body,
        media_type=media_type,
        headers={"Content-Disposition": f'{disposition}; filename="{name}"'},
    )


def _file_bytes(suffix: str, write: Any) -> bytes:
    with tempfile.TemporaryDirectory(prefix="xinzhi-report-") as tmp:
        path = Path(tmp) / f"report{suffix}"
        write(path)
        return path.read_bytes()


@router.get("/reports/county/{code}.pdf", **file_route("县域报告（PDF）", PDF, "PDF 报告"))
def county_pdf(
    code: CountyCode,
    request: Request,
    db: Db,
    cur: Cursor,
    session: AnyUser,
    year: Year = None,
    evaluation: Evaluation = DEFAULT_EVALUATION,
) -> Response:
    from xinzhi.report import pdf_bytes

    data = _report_data(db, cur, session, code, year, evaluation)
    body = pdf_bytes(data)
    return _send(db, request, session, data, body, PDF, "pdf")


@router.get(
    "/reports/county/{code}.html", **file_route("县域报告（HTML）", "text/html", "HTML 报告")
)
def county_html(
    code: CountyCode,
    request: Request,
    db: Db,
    cur: Cursor,
    session: AnyUser,
    year: Year = None,
    evaluation: Evaluation = DEFAULT_EVALUATION,
) -> Response:
    from xinzhi.report import render_html

    data = _report_data(db, cur, session, code, year, evaluation)
    body = render_html(data).encode("utf-8")
    return _send(db, request, session, data, body, HTML, "html")


@router.get(
    "/reports/county/{code}.xlsx", **file_route("县域报告数据（Excel）", XLSX, "Excel 工作簿")
)
def county_xlsx(
    code: CountyCode,
    request: Request,
    db: Db,
    cur: Cursor,
    session: AnyUser,
    year: Year = None,
    evaluation: Evaluation = DEFAULT_EVALUATION,
) -> Response:
    data = _report_data(db, cur, session, code, year, evaluation)
    body = _file_bytes(".xlsx", data.to_excel)
    return _send(db, request, session, data, body, XLSX, "xlsx")
