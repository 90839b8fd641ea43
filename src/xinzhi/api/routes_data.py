"""Indicators, observations and imports (uploads).

Data visibility of a county user (县区用户): the public census batches (aggregate indicators of
all counties) and the batches uploaded by accounts of its own county. Uploads by a county user are
imported with a resolver that accepts only its own county: rows of any other county are
*quarantined* (reason ``invalid_region``, message saying why), so the import report shows them.
The rules live in :mod:`xinzhi.auth.policy`; the queries and the import in
:mod:`xinzhi.pipelines.uploads` (the web page 数据 calls the same functions).

A county's own data (``/api/data/*``, issue #13 part 2): its current values with their
provenance, a corrected value and a user indicator mapped to a catalogue indicator — each change
a new import batch, audited (``value_correct``, ``indicator_map``) — through
:mod:`xinzhi.pipelines.my_data`, like the section 本县数据 of the page 数据 and ``xinzhi data``.
"""

from __future__ import annotations

import csv
import io
import re
import tempfile
from pathlib import Path
from typing import Annotated, Any

import duckdb
from fastapi import APIRouter, File, Form, Query, Request, Response, UploadFile
from fastapi import Path as FPath

from xinzhi.api import models as m
from xinzhi.api._upload import check_type, read_upload
from xinzhi.api._util import (
    Limit,
    Offset,
    audit,
    audit_export,
    cached_json_async,
    file_route,
    records,
)
from xinzhi.api.deps import Admin, AnyUser, Cursor, Db, client_ip
from xinzhi.api.errors import ApiError
from xinzhi.auth import Kind, User
from xinzhi.auth.audit import import_detail
from xinzhi.pipelines.my_data import (
    VALUE_COLUMNS,
    catalogue_choices,
    correct_value,
    county_values,
    map_user_indicator,
)
from xinzhi.pipelines.uploads import (
    batch_page,
    batch_quarantine,
    check_upload_quota,
    import_upload,
    observation_page,
    purge_quarantine,
    safe_file_name,
)

router = APIRouter(tags=["数据"])

ALLOWED_SUFFIXES = (".xlsx", ".csv")
_SOURCE = re.compile(r"^[A-Za-z0-9_.\-\u4e00-\u9fff]{1,64}$")


@router.get("/indicators", response_model=m.IndicatorList, summary="指标目录")
def indicators(cur: Cursor, _: AnyUser) -> m.IndicatorList:
    df = cur.execute(
        "SELECT code, name_zh, unit, direction, dimension, source, definition FROM indicators "
        "ORDER BY code"
    ).df()
    return m.IndicatorList(items=[m.IndicatorItem(**r) for r in records(df)])


@router.get("/observations", response_model=m.ObservationPage, summary="观测值（分页）")
async def observations(
    db: Db,
    cur: Cursor,
    session: AnyUser,
    region: Annotated[str | None, Query(pattern=r"^\d{6}$", description="6 位区划代码")] = None,
    indicator: Annotated[str | None, Query(max_length=64)] = None,
    year: Annotated[int | None, Query(ge=1900, le=2100)] = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> Response:
    """Current observations; a county user sees public batches and its own county's batches.

    Pages are cached per account and parameters until the next write of the server
    (:attr:`~xinzhi.api.deps.Database.generation`: an import is a write)."""
    user = session.user

    def make() -> m.ObservationPage:
        total, page = observation_page(
            cur,
            user,
            region=region,
            indicator=indicator,
            year=year,
            limit=limit,
            offset=offset,
        )
        return m.ObservationPage(
            total=int(total),
            limit=limit,
            offset=offset,
            items=[m.ObservationItem(**r) for r in records(page)],
        )

    key = ("observations", db.generation, user.username, user.role, user.county_code)
    return await cached_json_async(db, (*key, region, indicator, year, limit, offset), make)


@router.get("/imports", response_model=m.BatchPage, summary="导入批次")
def batches(cur: Cursor, session: AnyUser, limit: Limit = 100, offset: Offset = 0) -> m.BatchPage:
    total, page = batch_page(cur, session.user, limit=limit, offset=offset)
    return m.BatchPage(
        total=int(total),
        limit=limit,
        offset=offset,
        items=[m.BatchItem(**r) for r in records(page)],
    )


def _csv_cell(v: Any) -> Any:
    """Neutralise spreadsheet formulas in user-provided text (CSV injection)."""
    if isinstance(v, str) and v[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + v
    return v


@router.get(
    "/imports/{batch_id}/quarantine",
    **file_route("隔离行（CSV 下载）", "text/csv", "CSV（UTF-8 BOM）"),
)
def quarantine_csv(
    batch_id: Annotated[int, FPath(ge=0, le=2**31 - 1)],
    request: Request,
    db: Db,
    cur: Cursor,
    session: AnyUser,
) -> Response:
    df = batch_quarantine(cur, session.user, batch_id)
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(["行号", "原因", "说明", "原始数据"])
    for r in df[["row_number", "reason_label", "message", "raw"]].itertuples(index=False):
        writer.writerow([_csv_cell(v) for v in r])
    audit_export(db, request, session, Kind.QUARANTINE, fmt="csv", batch_id=batch_id, rows=len(df))
    return Response(
        ("\ufeff" + buf.getvalue()).encode("utf-8"),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="quarantine-{batch_id}.csv"'},
    )


@router.delete(
    "/imports/{batch_id}/quarantine",
    response_model=m.PurgeOut,
    summary="清除批次的隔离行（管理员）",
)
def purge(
    batch_id: Annotated[int, FPath(ge=0, le=2**31 - 1)],
    request: Request,
    db: Db,
    session: Admin,
) -> m.PurgeOut:
    """Delete the stored quarantined rows of one batch; the batch, its observations and its
    counts stay. Audited as ``quarantine_purge``."""
    with db.writing() as cur:
        n = purge_quarantine(cur, session.user, batch_id)
    audit(
        db,
        request,
        session,
        "quarantine_purge",
        f"batch:{batch_id}",
        {"batch_id": batch_id, "rows": n, "via": "api"},
    )
    return m.PurgeOut(
        batch_id=batch_id, rows_deleted=n, message=f"已清除批次 {batch_id} 的 {n} 行隔离数据"
    )


@router.post("/imports", response_model=m.ImportReportOut, summary="上传并导入 xlsx/csv")
async def upload(
    request: Request,
    db: Db,
    session: AnyUser,
    file: Annotated[UploadFile, File(description=".xlsx 或 .csv，最大 20 MB")],
    year: Annotated[int | None, Form(ge=1900, le=2100)] = None,
    source: Annotated[str | None, Form(max_length=64)] = None,
    fmt: Annotated[str | None, Form(pattern="^(wide|long)$")] = None,
) -> m.ImportReportOut:
    """Import one file as a batch. County users: rows of other counties are quarantined."""
    from starlette.concurrency import run_in_threadpool

    name = safe_file_name(file.filename)
    data = await read_upload(file)
    check_type(name, data, ALLOWED_SUFFIXES, "只支持上传 .xlsx 或 .csv 文件")
    src = source or Path(name).stem
    if not _SOURCE.fullmatch(src):
        raise ApiError(
            400, "invalid_source", "数据来源名称只能包含字母、数字、汉字、下划线、点或连字符"
        )
    user = session.user
    await run_in_threadpool(_count_upload, db, user, len(data))
    report = await run_in_threadpool(_import, db, name, data, year, src, fmt, user)
    audit(
        db,
        request,
        session,
        "import",
        name,
        import_detail(report, "api"),
    )
    return m.ImportReportOut(**report.to_dict())


def _count_upload(db: Any, user: User, nbytes: int) -> None:
    """The upload counts against the account's daily quota (429 when it is used up)."""
    with db.writing() as cur:
        check_upload_quota(cur, user, nbytes, db.limits.upload_quota_mb)


def _import(
    db: Any, name: str, data: bytes, year: int | None, src: str, fmt: str | None, user: User
) -> Any:
    """Save the upload and import it with :func:`xinzhi.pipelines.uploads.import_upload`
    (county users: other counties' rows quarantined, source prefixed)."""
    with tempfile.TemporaryDirectory(prefix="xinzhi-upload-") as tmp:
        path = Path(tmp) / name
        path.write_bytes(data)
        cur: duckdb.DuckDBPyConnection = db.cursor()
        try:
            return import_upload(
                path,
                con=cur,
                user=user,
                year=year,
                source=src,
                fmt=fmt,
                limits=db.limits,
                write_lock=db.write_lock,
            )
        finally:
            cur.close()


# --- a county's own data: values, corrections, user-indicator mappings (issue #13 part 2) ---


@router.get("/data/values", response_model=m.DataValues, summary="本县数据（数值及其来源）")
def data_values(
    cur: Cursor,
    session: AnyUser,
    county: Annotated[str, Query(min_length=1, max_length=64, description="县区名称或 6 位代码")],
    year: Annotated[int | None, Query(ge=1900, le=2100, description="年份（不填为全部）")] = None,
) -> m.DataValues:
    """Current values of ``county`` from the batches the account sees: indicator, unit, kind
    (目录指标 / 用户指标), year, value, source, batch, file, when and by whom imported. A
    county account asking for another county: 403."""
    v = county_values(cur, session.user, county, year=year)
    return m.DataValues(
        columns=dict(VALUE_COLUMNS), items=[m.DataValueItem(**r) for r in records(v)]
    )


def _change_out(report: Any) -> m.DataChangeOut:
    return m.DataChangeOut(
        batch_id=report.batch_id,
        summary=report.summary(),
        values_loaded=report.values_loaded,
        indicators_loaded=list(report.indicators_loaded),
        superseded=list(report.superseded),
        warnings=list(report.warnings),
    )


@router.post("/data/corrections", response_model=m.DataChangeOut, summary="更正一个数值")
def data_correct(
    body: m.CorrectionIn, request: Request, db: Db, session: AnyUser
) -> m.DataChangeOut:
    """Store a corrected value as a new import batch of one value (the value it replaces
    stays in its batch; audited as ``value_correct``). Accounts that upload; a county account
    for its own county only (403 otherwise); a value outside the indicator's range: 400."""
    cur = db.cursor()
    try:
        report = correct_value(
            cur,
            session.user,
            body.county,
            body.indicator,
            body.year,
            body.value,
            note=body.note,
            ip=client_ip(request),
            write_lock=db.write_lock,
        )
    finally:
        cur.close()
    return _change_out(report)


@router.post("/data/mappings", response_model=m.DataChangeOut, summary="用户指标对应为目录指标")
def data_map(body: m.MappingIn, request: Request, db: Db, session: AnyUser) -> m.DataChangeOut:
    """Store the current values of user indicator ``code`` again under catalogue indicator
    ``target`` (converted to its unit) as a new batch; audited as ``indicator_map``. A county
    account maps its own county's values only."""
    cur = db.cursor()
    try:
        report = map_user_indicator(
            cur,
            session.user,
            body.code,
            body.target,
            ip=client_ip(request),
            write_lock=db.write_lock,
        )
    finally:
        cur.close()
    return _change_out(report)


@router.get("/data/catalogue", response_model=m.CatalogueChoices, summary="可对应的目录指标")
def data_catalogue(_: AnyUser) -> m.CatalogueChoices:
    """Catalogue indicators a user indicator can be mapped to: code and "名称（单位）"."""
    return m.CatalogueChoices(
        items=[m.CatalogueChoice(code=c, label=lab) for c, lab in catalogue_choices().items()]
    )
