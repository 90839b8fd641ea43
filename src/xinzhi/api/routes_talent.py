"""The county talent base (人才; issue #16) over REST.

``GET /api/talent/bases`` (counts of 人才库, 岗位库 and the talent policy documents),
``/api/talent/talents`` and ``/api/talent/jobs`` (the records), ``/api/talent/matches`` (best
talents for a job or best jobs for a talent, with 匹配度 and reasons), ``/api/talent/radar``
(能力雷达图), ``/api/talent/shortage`` (紧缺人才目录, 人才地图, 缺口预警) and its workbook
``/api/talent/shortage.xlsx`` (the catalogue document), ``/api/talent/talents.xlsx`` and
``/api/talent/persons/{person_id}/policies`` (the talent policies a person may get).

``POST /api/talent/imports`` uploads a file of talents or jobs (xlsx / csv / text blocks in .txt
or .md; the checks, quota and audit of ``POST /api/imports`` through :mod:`xinzhi.api._upload`;
a county account imports its own county only — :func:`xinzhi.pipelines.talent
.import_talents_as`). ``GET|PUT /api/talent/retention`` and ``POST /api/talent/purge`` read and
change the retention of personal data and anonymise now (changes: administrators only, audited
as ``talent_retention`` / ``talent_purge``).

The routes only parse and answer; :mod:`xinzhi.pipelines.talent` holds the access check (a
county account sees its own county only: 403 otherwise; no county named: every county, for
admin and analyst only) and the masking of names and phone numbers for the roles that do not
need them. Downloads are of kind ``report`` (a county's file) and written to the audit log.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Query, Request, Response, UploadFile
from fastapi import Path as FPath
from pydantic import BaseModel, Field

from xinzhi.api import models as m
from xinzhi.api._upload import import_uploaded
from xinzhi.api._util import XLSX, audit, audit_export, records, xlsx_response
from xinzhi.api.deps import AnyUser, Cursor, Db
from xinzhi.auth.policy import Kind, require_download
from xinzhi.labels import SYNTHETIC_NOTE
from xinzhi.pipelines import talent as tp

router = APIRouter(tags=["人才"])

CountyQ = Annotated[
    str | None,
    Query(max_length=40, description="县级单位：名称或 6 位区划代码（县区用户：本县区）"),
]
Embedder = Annotated[
    str,
    Query(pattern=r"^(e5|use|none)$", description="语义模型：e5、use；none 只用 BM25 关键词"),
]


class Table(BaseModel):
    """Rows of a table (Chinese column labels in ``docs/match_talent.md``)."""

    county: str | None = Field(description="县区（空：全部）")
    items: list[dict[str, Any]]
    total: int
    notes: list[str]


class Bases(BaseModel):
    county: str | None
    talents: int = Field(description="人才库人数")
    jobs: int = Field(description="岗位库岗位数")
    positions: int = Field(description="未招满岗位的招聘人数")
    synthetic: int = Field(description="其中示例数据（人）")
    policies: int = Field(description="适用的人才政策文件数")
    documents: list[dict[str, Any]] = Field(description="人才政策库（政策库中的人员类文件）")
    retention: dict[str, int | None] = Field(description="个人信息保存天数（空：长期）")


class Matches(BaseModel):
    summary: str
    items: list[dict[str, Any]] = Field(description="名次、岗位、人才、匹配度、匹配理由")
    notes: list[str]


class Radar(BaseModel):
    person_id: str
    job_id: str
    summary: str
    axes: list[dict[str, Any]] = Field(description="维度、人才得分、岗位要求（0–100）、差距、说明")


class Shortage(BaseModel):
    year: int
    summary: str
    catalogue: list[dict[str, Any]]
    chain_map: list[dict[str, Any]] = Field(description="人才地图：产业链环节的紧缺职业")
    alerts: list[dict[str, Any]] = Field(description="缺口扩大的关键职业")
    options: dict[str, Any]
    notes: list[str]


def _notes(synthetic: bool, notes: Any = ()) -> list[str]:
    return ([SYNTHETIC_NOTE] if synthetic else []) + [str(n) for n in notes]


def _synthetic(rows: Any) -> bool:
    return bool(len(rows) and "synthetic" in rows and rows["synthetic"].fillna(False).any())


@router.get("/talent/bases", response_model=Bases, summary="三库概况：人才库、岗位库、人才政策库")
def bases(cur: Cursor, session: AnyUser, county: CountyQ = None) -> Bases:
    """Counts of the bases of ``county`` and the talent policy documents that apply there."""
    code = tp.visible_county(cur, session.user, county)
    counts = tp.base_counts(cur, county=code)
    docs = tp.person_documents(cur, county=code)
    return Bases(
        county=code,
        documents=records(docs),
        retention=tp.retention_settings(cur),
        **counts,
    )


def _base_table(cur: Cursor, session: AnyUser, county: str | None, limit: int, rows: Any) -> Table:
    """The first ``limit`` rows of a base (人才库 / 岗位库) with its total and notes."""
    return Table(
        county=tp.visible_county(cur, session.user, county),
        items=records(rows.head(limit)),
        total=len(rows),
        notes=_notes(_synthetic(rows)),
    )


@router.get("/talent/talents", response_model=Table, summary="人才库")
def talents(
    cur: Cursor,
    session: AnyUser,
    county: CountyQ = None,
    limit: Annotated[int, Query(ge=1, le=5000, description="最多条数")] = 200,
) -> Table:
    """The talents of ``county``; names and phone numbers masked for analysts."""
    return _base_table(
        cur, session, county, limit, tp.talents_view(cur, session.user, county=county)
    )


@router.get("/talent/jobs", response_model=Table, summary="岗位库")
def jobs(
    cur: Cursor,
    session: AnyUser,
    county: CountyQ = None,
    limit: Annotated[int, Query(ge=1, le=5000, description="最多条数")] = 200,
) -> Table:
    """The job postings of ``county``."""
    return _base_table(cur, session, county, limit, tp.jobs_view(cur, session.user, county=county))


@router.get("/talent/matches", response_model=Matches, summary="人岗匹配（匹配度与理由）")
def matches(
    db: Db,
    session: AnyUser,
    county: CountyQ = None,
    job_id: Annotated[str | None, Query(max_length=80, description="岗位编号")] = None,
    person_id: Annotated[str | None, Query(max_length=80, description="人员编号")] = None,
    k: Annotated[int, Query(ge=1, le=100, description="前 k 名")] = 10,
    embedder: Embedder = "e5",
) -> Matches:
    """Best talents for ``job_id`` or best jobs for ``person_id`` (one of them). New texts'
    vectors are cached in the warehouse (under the write lock)."""
    with db.write_lock:
        cur = db.cursor()
        try:
            res, table = tp.matches_view(
                cur,
                session.user,
                county=county,
                job_id=job_id,
                person_id=person_id,
                k=k,
                embedder=None if embedder == "none" else embedder,
            )
        finally:
            cur.close()
    return Matches(
        summary=res.summary(), items=records(table), notes=_notes(res.synthetic, res.notes)
    )


@router.get("/talent/radar", response_model=Radar, summary="能力雷达图")
def radar(
    cur: Cursor,
    session: AnyUser,
    person_id: Annotated[str, Query(min_length=1, max_length=80, description="人员编号")],
    job_id: Annotated[str, Query(min_length=1, max_length=80, description="岗位编号")],
    county: CountyQ = None,
) -> Radar:
    """The talent's scores per skill group, education and experience (0–100) against the
    job's requirements."""
    res = tp.radar_view(cur, session.user, person_id=person_id, job_id=job_id, county=county)
    return Radar(person_id=person_id, job_id=job_id, summary=res.summary(), axes=records(res.axes))


ShortageYear = Annotated[
    int | None, Query(ge=1981, le=2100, description="岗位发布年度（默认全部；给出时另算预警）")
]
Level = Annotated[int, Query(ge=2, le=4, description="职业层级：4 职业、3 小类、2 中类")]
Stars = Annotated[str, Query(pattern=r"^(fixed|quantile)$", description="星级：fixed 或 quantile")]
Chains = Annotated[str | None, Query(max_length=400, description="产业链（逗号分隔；默认全部）")]


@router.get("/talent/shortage", response_model=Shortage, summary="紧缺人才目录与人才地图")
def shortage(
    cur: Cursor,
    session: AnyUser,
    county: CountyQ = None,
    year: ShortageYear = None,
    level: Level = 4,
    stars: Stars = "fixed",
    chains: Chains = None,
) -> Shortage:
    """Postings against local supply per occupation: shortage index, ★, evidence; 人才地图 by
    chain link; alerts when a key occupation's gap widened since the year before."""
    res = tp.shortage_view(
        cur, session.user, county=county, year=year, level=level, stars=stars, chains=chains
    )
    return Shortage(
        year=res.year,
        summary=res.summary(),
        catalogue=records(res.catalogue),
        chain_map=[] if res.chain_map is None else records(res.chain_map),
        alerts=[] if res.alerts is None else records(res.alerts),
        options={k: v for k, v in res.options.items()},
        notes=_notes(res.synthetic, res.notes),
    )


@router.get(
    "/talent/shortage.xlsx",
    response_class=Response,
    summary="紧缺人才目录（Excel 文件）",
    responses={
        200: {"content": {XLSX: {}}, "description": "封面、紧缺人才目录、人才地图、预警、说明"}
    },
)
def shortage_xlsx(
    request: Request,
    db: Db,
    cur: Cursor,
    session: AnyUser,
    county: CountyQ = None,
    year: ShortageYear = None,
    level: Level = 4,
    stars: Stars = "fixed",
    chains: Chains = None,
) -> Response:
    """The catalogue document a county publishes (written to the audit log, kind ``report``)."""
    code = tp.visible_county(cur, session.user, county)
    require_download(session.user, Kind.REPORT, code)
    res = tp.shortage_view(
        cur, session.user, county=code, year=year, level=level, stars=stars, chains=chains
    )
    body = tp.shortage_workbook(res)
    audit_export(
        db,
        request,
        session,
        Kind.REPORT,
        fmt="xlsx",
        county=code,
        year=res.year,
        rows=len(res.catalogue),
        analysis="shortage",
    )
    return xlsx_response(body, f"紧缺人才目录_{code or '全部'}_{res.year}.xlsx")


@router.get(
    "/talent/talents.xlsx",
    response_class=Response,
    summary="人才库（Excel；姓名、手机按角色打码）",
    responses={200: {"content": {XLSX: {}}, "description": "人才库"}},
)
def talents_xlsx(
    request: Request, db: Db, cur: Cursor, session: AnyUser, county: CountyQ = None
) -> Response:
    """The talents of ``county`` as a workbook: an analyst's export has names and phone
    numbers masked (audited, kind ``report``)."""
    code = tp.visible_county(cur, session.user, county)
    require_download(session.user, Kind.REPORT, code)
    body = tp.talents_workbook(cur, session.user, county=code)
    audit_export(db, request, session, Kind.REPORT, fmt="xlsx", county=code, analysis="talents")
    return xlsx_response(body, f"人才库_{code or '全部'}.xlsx")


@router.get(
    "/talent/persons/{person_id}/policies", response_model=Table, summary="人才可享受的政策"
)
def person_policies(
    person_id: Annotated[str, FPath(min_length=1, max_length=80, description="人员编号")],
    cur: Cursor,
    session: AnyUser,
    county: CountyQ = None,
) -> Table:
    """The clauses of the talent policy documents (policy library, subject person) for the
    person: 符合 / 可能符合 / 不符合 with amounts and reasons (the policy calculator's result)."""
    code = tp.visible_county(cur, session.user, county)
    rows = tp.person_policies(cur, person_id=person_id, county=code)
    return Table(county=code, items=records(rows), total=len(rows), notes=[])


# ---------------------------------------------------------------------------- uploads, retention
@router.post(
    "/talent/imports",
    response_model=m.ImportReportOut,
    summary="上传并导入人才或岗位（xlsx/csv/文本）",
)
async def talent_import(
    request: Request,
    db: Db,
    session: AnyUser,
    file: Annotated[UploadFile, File(description=".xlsx、.csv，或文本 .txt/.md，最大 20 MB")],
    kind: Annotated[str, Form(pattern="^(talents|jobs)$", description="talents 人才；jobs 岗位")],
    county: Annotated[str | None, Form(max_length=40, description="表中无区划代码时的县")] = None,
    classify: Annotated[bool, Form(description="按岗位名称/求职意向补职业代码")] = True,
    layout: Annotated[
        str | None,
        Form(pattern="^(table|text)$", description="table 表格；text 文本块（.txt/.md 默认）"),
    ] = None,
) -> m.ImportReportOut:
    """Import one file into 人才库 or 岗位库: read = loaded + quarantined + skipped (reasons).
    A county account's rows of another county are quarantined (``other_county``)."""
    user = session.user
    report = await import_uploaded(
        request,
        db,
        session,
        file,
        (".xlsx", ".csv", ".txt", ".md"),
        lambda path, cur: tp.import_talents_as(
            path, user, kind=kind, county=county, con=cur, classify=classify, layout=layout
        ),
    )
    return m.ImportReportOut(**report.to_dict())


class RetentionIn(BaseModel):
    base: str = Field(pattern="^(talents|jobs)$", description="talents 人才库；jobs 岗位库")
    days: int | None = Field(default=None, ge=1, le=36500, description="保存天数（空：长期保存）")


class RetentionOut(BaseModel):
    retention: dict[str, int | None] = Field(description="各库个人信息保存天数（空：长期）")


class PurgeOut(BaseModel):
    talents: int = Field(description="匿名化的人才记录数")
    jobs: int = Field(description="删除的岗位数")
    vectors: int = Field(description="删除的缓存向量数")
    message: str


@router.get("/talent/retention", response_model=RetentionOut, summary="个人信息保存期限")
def retention(cur: Cursor, session: AnyUser) -> RetentionOut:
    """The retention of each base (accounts that upload)."""
    return RetentionOut(retention=tp.retention_view(cur, session.user))


@router.put("/talent/retention", response_model=RetentionOut, summary="设置个人信息保存期限")
def retention_set(body: RetentionIn, request: Request, db: Db, session: AnyUser) -> RetentionOut:
    """Set the retention of one base (administrators; audited as ``talent_retention``)."""
    with db.write_lock:
        cur = db.cursor()
        try:
            out = tp.set_retention_as(cur, session.user, body.base, body.days)
        finally:
            cur.close()
    audit(db, request, session, "talent_retention", body.base, {"days": body.days})
    return RetentionOut(retention=out)


@router.post("/talent/purge", response_model=PurgeOut, summary="按保存期限清除个人信息")
def purge(request: Request, db: Db, session: AnyUser) -> PurgeOut:
    """Anonymise the talents and delete the jobs older than the retention now
    (administrators; audited as ``talent_purge``)."""
    with db.write_lock:
        cur = db.cursor()
        try:
            out = tp.purge_as(cur, session.user)
        finally:
            cur.close()
    audit(db, request, session, "talent_purge", "talent", dict(out))
    return PurgeOut(
        **out,
        message=(
            f"已匿名化 {out['talents']} 名人才的个人信息，删除 {out['jobs']} 个过期岗位、"
            f"{out['vectors']} 条缓存向量"
        ),
    )
