"""Support policies (政策计算器、政策库、兑现名单、政策效果; issue #15) over REST.

``GET /api/policy/documents``, ``GET /api/policy/documents/{id}``, ``POST /api/policy/check``,
``GET /api/policy/payout/{document}`` (and ``.xlsx``), ``POST /api/policy/extract``,
``POST /api/policy/drafts``, ``POST /api/policy/documents/{id}/publish|retire``,
``GET /api/policy/effect``.

The routes only parse and answer: the numbers come from :mod:`xinzhi.pipelines.policy`, the
access checks (a county account sees its own county's firms and the documents of regions that
contain it, edits its own county's documents; personal data of persons masked for analysts)
from :mod:`xinzhi.auth.policy`, both through :mod:`xinzhi.api.policy_views`, which the pages
call too. Writes hold the server's write lock and are written to the audit log (actions
``policy_draft``, ``policy_publish``, ``policy_retire``, target ``policy:<id>``); the payout
workbook is a download of kind ``firms`` (target ``firms:payout-<document>:<county>``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from fastapi import Path as FPath
from pydantic import BaseModel, Field

from xinzhi.api import policy_views as pv
from xinzhi.api._util import XLSX, audit, audit_export, clean, file_route, records, xlsx_response
from xinzhi.api.deps import AnyUser, Cursor, Database, Db
from xinzhi.auth.policy import Action, Kind, policy_county, require, require_download
from xinzhi.labels import SYNTHETIC_NOTE

router = APIRouter(tags=["政策"])


DocId = Annotated[
    str,
    FPath(
        pattern=r"^[a-z0-9][a-z0-9-]{0,99}$", description="政策文件编号（小写字母、数字、连字符）"
    ),
]
Status = Annotated[
    str,
    Query(
        pattern=r"^(published|review|draft|retired|all)$",
        description="published（默认：已发布与内置）、review（待审核）、draft（草稿）、retired（已废止）或 all",
    ),
]
Subject = Annotated[
    str | None, Query(pattern=r"^(firm|person)$", description="firm（企业）或 person（人才）")
]


# ----------------------------------------------------------------------------- models
class PolicyDocumentInfo(BaseModel):
    id: str
    title: str
    issuer: str | None = None
    doc_number: str | None = None
    date: str | None = None
    source: str | None = None
    category: str | None = None
    region: str | None = None
    subject: str | None = None
    clauses: int | None = None
    status: str
    status_label: str
    valid_from: str | None = None
    valid_to: str | None = None
    builtin: bool = False


class PolicyDocumentList(BaseModel):
    items: list[PolicyDocumentInfo]


class PolicyClause(BaseModel):
    id: str
    article: str
    title: str
    text: str = Field(description="原文（条款的原句）")
    rule: str = Field(description="条件与奖补的规则（YAML）")
    note: str = ""


class PolicyDocumentOut(BaseModel):
    document: dict[str, Any]
    clauses: list[PolicyClause]
    yaml: str
    text: str | None = Field(description="文件全文（没有时为空）")
    history: list[dict[str, Any]]


class CheckRequest(BaseModel):
    credit_code: str | None = Field(
        default=None,
        pattern=r"^[0-9A-HJ-NPQRTUWXY]{18}$",
        description="统一社会信用代码：查数据仓库中的企业（表单数据覆盖其数据）",
    )
    values: dict[str, str | float | int | bool | None] | None = Field(
        default=None,
        max_length=200,
        description="表单：字段 → 数值（是/否、YYYY-MM-DD、数字或文字）",
    )
    on: dt.date | None = Field(default=None, description="评定日期（默认今天）")
    subject: str = Field(default="firm", pattern=r"^(firm|person)$")
    documents: list[str] | None = Field(default=None, max_length=200)


class CheckRow(BaseModel):
    document: str
    document_title: str | None
    clause: str
    clause_title: str | None
    status: str = Field(description="符合 / 可能符合 / 不符合")
    amount_min: float | None = Field(description="金额下限（万元）")
    amount_max: float | None = Field(description="金额上限（万元；空 = 不设上限）")
    reason: str | None
    missing: list[str] = Field(description="缺少的数据（字段名）")
    missing_labels: list[str] = Field(description="缺少的数据（中文名称）")


class CheckOut(BaseModel):
    subject: str | None
    counts: dict[str, int]
    amount_min_total: float = Field(description="符合条款的金额下限合计（万元）")
    amount_max_total: float | None = Field(
        description="符合条款的金额上限合计（万元；空 = 不封顶）"
    )
    rows: list[CheckRow]
    summary: str
    explanation: str | None = None
    notes: list[str]


class FormField(BaseModel):
    key: str
    label: str
    unit: str
    type: str = Field(description="double / integer / boolean / date / varchar / ordinal")
    levels: list[str] = Field(description="ordinal：由低到高的取值")


class FormFields(BaseModel):
    subject: str
    fields: list[FormField]


class PayoutOut(BaseModel):
    document: str
    clause: str | None
    budget: float | None = Field(description="预算（万元；空 = 未设）")
    demand: float | None = Field(description="符合条件的需求合计（万元）")
    rows: list[dict[str, Any]]


class ExtractRequest(BaseModel):
    text: str = Field(min_length=1, max_length=500_000, description="政策原文")


class ProposalItem(BaseModel):
    kind: str | None = None
    phrase: str | None = None
    value: float | str | None = None
    value_max: float | str | None = None
    unit: str | None = None


class Proposal(BaseModel):
    id: str
    article: str
    heading: str
    text: str = Field(description="原句")
    rule: str = Field(description="建议的条件与奖补（YAML）")
    items: list[ProposalItem] = Field(description="找到的金额、比例、门槛、日期")


class ExtractOut(BaseModel):
    yaml: str = Field(description="建议的政策文件（YAML 草稿，待人工核对）")
    summary: str
    proposals: list[Proposal]


class DraftRequest(BaseModel):
    yaml: str = Field(min_length=1, max_length=500_000, description="政策文件（YAML）")


class DraftOut(BaseModel):
    id: str
    status: str


class DateRequest(BaseModel):
    on: dt.date = Field(description="发布或废止的日期")


class StatusOut(BaseModel):
    id: str
    action: str
    on: dt.date


class EffectOut(BaseModel):
    rows: list[dict[str, Any]]


# ----------------------------------------------------------------------------- helpers
def _info(row: Mapping[Any, Any]) -> PolicyDocumentInfo:
    r = clean(dict(row))
    text: dict[str, Any] = {
        k: (None if v is None else str(v)[:10] if k in ("date", "valid_from", "valid_to") else v)
        for k, v in r.items()
    }
    return PolicyDocumentInfo(
        id=str(text["id"]),
        title=str(text.get("title") or ""),
        issuer=_s(text.get("issuer")),
        doc_number=_s(text.get("doc_number")),
        date=_s(text.get("date")),
        source=_s(text.get("source")),
        category=_s(text.get("category")),
        region=_s(text.get("region")),
        subject=_s(text.get("subject")),
        clauses=None if text.get("clauses") is None else int(text["clauses"]),
        status=str(text.get("status") or ""),
        status_label=str(text.get("status_label") or ""),
        valid_from=_s(text.get("valid_from")),
        valid_to=_s(text.get("valid_to")),
        builtin=bool(text.get("builtin") or False),
    )


def _s(v: Any) -> str | None:
    return None if v is None else str(v)


def _write(db: Database, fn: Any) -> Any:
    """``fn(cursor)`` under the server's write lock."""
    with db.writing() as cur:
        return fn(cur)


# ----------------------------------------------------------------------------- routes
@router.get("/policy/documents", response_model=PolicyDocumentList, summary="政策文件列表")
def list_policy_documents(
    cur: Cursor, session: AnyUser, status: Status = "published", subject: Subject = None
) -> PolicyDocumentList:
    """The documents the account sees: published and built-in ones of regions containing its
    county (county accounts), every one (admin, analyst); ``status=draft|retired|all`` adds
    those it may edit."""
    df = pv.documents(
        cur, session.user, status=None if status == "all" else status, subject=subject
    )
    return PolicyDocumentList(items=[_info(r) for r in df.to_dict("records")])


@router.get(
    "/policy/documents/{doc_id}", response_model=PolicyDocumentOut, summary="政策文件：条款与原文"
)
def get_policy_document(doc_id: DocId, cur: Cursor, session: AnyUser) -> PolicyDocumentOut:
    """Clauses (source sentence beside its rule), the whole YAML, the full text, the history."""
    d = pv.document_detail(cur, session.user, doc_id)
    return PolicyDocumentOut(
        document=clean(d.info),
        clauses=[PolicyClause(**c) for c in d.clauses],
        yaml=d.yaml,
        text=d.text,
        history=[clean(h) for h in d.history],
    )


@router.post("/policy/check", response_model=CheckOut, summary="政策计算器")
def check_policies(body: CheckRequest, cur: Cursor, session: AnyUser) -> CheckOut:
    """Every clause of the visible documents for one firm (credit code; its data, overridden by
    ``values``) or one firm / person described by ``values``: 符合 / 可能符合 / 不符合, the
    amount range, the reason and the missing fields."""
    view = pv.check(
        cur,
        session.user,
        credit_code=body.credit_code,
        values=pv.form_values(body.values),
        on=body.on,
        subject=body.subject,
        documents_=body.documents,
    )
    low, high = view.totals()
    rows = [
        CheckRow(
            document=str(r["document"]),
            document_title=_s(r.get("document_title")),
            clause=str(r["clause"]),
            clause_title=_s(r.get("clause_title")),
            status=str(r["status"]),
            amount_min=r.get("amount_min"),
            amount_max=r.get("amount_max"),
            reason=_s(r.get("reason")),
            missing=list(r.get("missing") or []),
            missing_labels=list(r.get("missing_labels") or []),
        )
        for r in records(view.rows)
    ]
    return CheckOut(
        subject=view.subject,
        counts=view.counts(),
        amount_min_total=low,
        amount_max_total=high,
        rows=rows,
        summary=view.summary,
        explanation=view.explanation,
        notes=[SYNTHETIC_NOTE] if view.synthetic else [],
    )


@router.get("/policy/fields", response_model=FormFields, summary="计算器表单字段")
def policy_form_fields(cur: Cursor, session: AnyUser, subject: Subject = None) -> FormFields:
    """The fields the clauses of the visible documents read (the calculator's form)."""
    kind = subject or "firm"
    fields = pv.form_fields(cur, session.user, subject=kind)
    return FormFields(subject=kind, fields=[FormField(**f) for f in fields])


@router.get(
    "/policy/payout/{document}.xlsx",
    **file_route("兑现名单与推送名单（Excel）", XLSX, "工作簿：兑现名单、推送名单"),
)
def payout_workbook(
    document: DocId,
    request: Request,
    db: Db,
    cur: Cursor,
    session: AnyUser,
    clause: Annotated[str | None, Query(max_length=40)] = None,
) -> Response:
    """The payout list (for payment) and the push list (for messages) as one workbook."""
    county = policy_county(session.user)
    require_download(session.user, Kind.FIRMS, county)
    pl, shown = pv.payout(cur, session.user, document, clause=clause)
    body = pv.payout_workbook(pl, shown)
    audit_export(
        db,
        request,
        session,
        Kind.FIRMS,
        fmt="xlsx",
        county=county,
        rows=len(shown),
        analysis=f"payout-{document}",
    )
    return xlsx_response(body, f"兑现名单_{document}.xlsx")


@router.get("/policy/payout/{document}", response_model=PayoutOut, summary="兑现名单")
def payout(
    document: DocId,
    cur: Cursor,
    session: AnyUser,
    clause: Annotated[str | None, Query(max_length=40)] = None,
) -> PayoutOut:
    """Per document (and clause): the eligible firms or persons the account sees with their
    amounts, the budget and the demand."""
    pl, shown = pv.payout(cur, session.user, document, clause=clause)
    return PayoutOut(
        document=document,
        clause=clause,
        budget=clean(pl.budget),
        demand=clean(pl.demand),
        rows=records(shown),
    )


@router.get("/policy/effect", response_model=EffectOut, summary="政策效果：知晓率、兑现率、满意度")
def effect(
    cur: Cursor,
    session: AnyUser,
    document: Annotated[str | None, Query(pattern=r"^[a-z0-9][a-z0-9-]{0,99}$")] = None,
) -> EffectOut:
    """Per document and period: counts and amounts by stage (eligible / notified / paid) and
    the indicators 知晓率, 兑现率, 满意度, from the office's imported records."""
    return EffectOut(rows=records(pv.effect(cur, session.user, document=document)))


@router.post("/policy/extract", response_model=ExtractOut, summary="从政策原文提取条款建议")
def extract(body: ExtractRequest, session: AnyUser) -> ExtractOut:
    """Proposed clauses (YAML draft and source sentences) for a person to review; accounts
    that may edit policies."""
    res = pv.extract(session.user, body.text)
    return ExtractOut(
        yaml=res.yaml,
        summary=res.summary,
        proposals=[
            Proposal(**{**p, "items": [ProposalItem(**i) for i in p["items"]]})
            for p in res.proposals
        ],
    )


@router.post("/policy/drafts", response_model=DraftOut, status_code=201, summary="保存政策草稿")
def save_draft(body: DraftRequest, request: Request, db: Db, session: AnyUser) -> DraftOut:
    """Validate and save a draft (status 待审核); county accounts for their own county only."""
    require(session.user, Action.EDIT_POLICY)
    doc_id = _write(db, lambda cur: pv.save_draft(cur, session.user, body.yaml))
    audit(db, request, session, "policy_draft", f"policy:{doc_id}", {"via": "api"})
    return DraftOut(id=doc_id, status="待审核")


def _status_route(action: str) -> Any:
    def endpoint(
        doc_id: DocId, body: DateRequest, request: Request, db: Db, session: AnyUser
    ) -> StatusOut:
        require(session.user, Action.EDIT_POLICY)
        fn = pv.publish if action == "publish" else pv.retire
        _write(db, lambda cur: fn(cur, session.user, doc_id, body.on))
        audit(
            db,
            request,
            session,
            f"policy_{action}",
            f"policy:{doc_id}",
            {"on": body.on.isoformat(), "via": "api"},
        )
        return StatusOut(id=doc_id, action=action, on=body.on)

    endpoint.__name__ = f"{action}_policy_document"
    return endpoint


router.add_api_route(
    "/policy/documents/{doc_id}/publish",
    _status_route("publish"),
    methods=["POST"],
    response_model=StatusOut,
    summary="发布政策文件（自某日起适用）",
)
router.add_api_route(
    "/policy/documents/{doc_id}/retire",
    _status_route("retire"),
    methods=["POST"],
    response_model=StatusOut,
    summary="废止政策文件（自某日起不再适用）",
)
