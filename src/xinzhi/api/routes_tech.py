"""Technology demands and the 揭榜挂帅 workflow over REST (issue #16, part 6).

``GET /api/tech/demands`` (the demands the account sees, with their workflow state),
``GET /api/tech/teams`` (teams, experts, 飞地 partners; contact data masked for analysts),
``GET /api/tech/demands/{id}`` (the challenge: state, the actions this account may take now,
applications with mean review scores, reviews, award, milestones, audit trail),
``GET /api/tech/demands/{id}/teams`` (the demand's top teams with reasons),
``POST /api/tech/demands/{id}/{action}`` (one workflow step: publish, apply, start_review,
review, award, reopen, track, accept, withdraw, terminate), ``GET /api/tech/workflow`` (the
state machine), ``GET /api/tech/graph`` (技术需求图谱) and ``GET /api/tech/match.xlsx`` (the
two-sided recommendations as a workbook: a download of kind ``firms``, audited). The declared analyses
``tech-match``, ``tech-assign`` and ``tech-graph`` are also served by ``/api/analyses/<key>``.
``POST /api/tech/imports`` uploads a file of demands or teams (the checks, quota and audit of
``POST /api/imports`` through :mod:`xinzhi.api._upload`).

Access (asked of :mod:`xinzhi.auth.policy` inside :mod:`xinzhi.pipelines.tech`): a county
account sees and acts on its own county's demands only (403 ``forbidden`` otherwise); the
workflow role an action needs (publisher / applicant / reviewer, :func:`tech_roles`) — 403 when
the account holds none of them; a step the state machine forbids — 409 ``integrity_error``
with the Chinese message. Every step is written with its audit-trail event (table
``tech_events``) under the server's write lock, and to the server's audit log (action
``tech_<action>``, target ``tech:<demand id>``).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Query, Request, Response, UploadFile
from fastapi import Path as FPath
from pydantic import BaseModel, Field

from xinzhi.api import models as m
from xinzhi.api._upload import import_uploaded
from xinzhi.api._util import XLSX, audit, audit_export, clean, file_route, records, xlsx_response
from xinzhi.api.deps import AnyUser, Cursor, Db
from xinzhi.auth.policy import Kind, require_download
from xinzhi.labels import SYNTHETIC_NOTE
from xinzhi.pipelines import tech as pt

router = APIRouter(tags=["揭榜挂帅"])

DemandId = Annotated[str, FPath(min_length=1, max_length=80, description="需求编号")]
Action = Annotated[
    str,
    FPath(
        pattern=r"^(publish|apply|start_review|review|reopen|award|track|accept|withdraw|terminate)$",
        description="操作：publish 发布榜单、apply 揭榜申请、start_review 进入评审、review 评审打分、"
        "reopen 重新征集、award 定榜、track 登记进展、accept 验收、withdraw 撤榜、terminate 终止",
    ),
]
County = Annotated[
    str | None, Query(max_length=40, description="县级单位（名称或 6 位代码）；县区用户：本县区")
]


class Rows(BaseModel):
    items: list[dict[str, Any]]
    notes: list[str] = Field(default_factory=list)


class StepIn(BaseModel):
    """Parameters of a step (only those the action uses)."""

    team_id: str | None = Field(default=None, max_length=80, description="揭榜团队（apply）")
    application_id: str | None = Field(
        default=None, max_length=120, description="揭榜申请（review、award）"
    )
    score: float | None = Field(default=None, description="评审分数 0–100（review）")
    comment: str | None = Field(default=None, max_length=2000, description="意见或说明")
    plan: str | None = Field(default=None, max_length=4000, description="攻关方案摘要（apply）")
    budget: float | None = Field(default=None, description="申请经费，万元（apply）")
    amount: float | None = Field(default=None, description="榜单金额，万元（award）")
    title: str | None = Field(default=None, max_length=500, description="进展内容（track）")
    progress: float | None = Field(default=None, description="完成进度 0–100（track）")


class StepOut(BaseModel):
    demand_id: str
    action: str
    from_state: str
    to_state: str
    to_label: str
    seq: int = Field(description="留痕序号")
    application_id: str | None = None


class ChallengeOut(BaseModel):
    demand: dict[str, Any]
    state: str
    state_label: str
    roles: list[str] = Field(description="当前账户在该需求中的角色")
    actions: list[dict[str, str]] = Field(description="当前账户现在可执行的操作")
    applications: list[dict[str, Any]]
    reviews: list[dict[str, Any]]
    awards: list[dict[str, Any]]
    milestones: list[dict[str, Any]]
    events: list[dict[str, Any]] = Field(description="留痕（谁、何时、何操作、从何状态到何状态）")
    notes: list[str]


def _notes(synthetic: bool, notes: Any = ()) -> list[str]:
    return ([SYNTHETIC_NOTE] if synthetic else []) + [str(n) for n in notes]


def _synthetic(rows: Any) -> bool:
    return bool("synthetic" in rows.columns and rows["synthetic"].fillna(False).astype(bool).any())


@router.get("/tech/demands", response_model=Rows, summary="技术需求列表")
def demands(cur: Cursor, session: AnyUser, county: County = None) -> Rows:
    """The demands the account sees (a county account: its own county; another county 403),
    with the workflow state (``state``, ``state_label``); contact data masked for analysts."""
    rows = pt.list_demands(cur, session.user, county=county)
    return Rows(items=records(rows), notes=_notes(_synthetic(rows)))


@router.get("/tech/teams", response_model=Rows, summary="团队、专家与飞地")
def teams(cur: Cursor, session: AnyUser) -> Rows:
    """Research teams, experts and 飞地 partners with capacity and current load; contact data
    masked for analysts."""
    rows = pt.list_teams(cur, session.user)
    return Rows(items=records(rows), notes=_notes(_synthetic(rows)))


@router.get("/tech/workflow", response_model=Rows, summary="揭榜挂帅流程（状态机）")
def workflow(session: AnyUser) -> Rows:
    """Every action with the states it leaves from, the state it leads to and the roles."""
    return Rows(items=records(pt.workflow_table()))


@router.get("/tech/graph", response_model=Rows, summary="技术需求图谱")
def graph(
    cur: Cursor,
    session: AnyUser,
    county: County = None,
    chain: Annotated[str | None, Query(max_length=80, description="主导产业")] = None,
) -> Rows:
    """Demands by leading industry, chain link and technology field (counts, budgets)."""
    code = pt.visible_county(cur, session.user, county)
    res = pt.tech_graph(cur, county=code, chain=chain)
    return Rows(items=records(res.table), notes=_notes(res.synthetic, res.notes))


@router.get("/tech/demands/{demand_id}", response_model=ChallengeOut, summary="榜单详情与留痕")
def challenge(demand_id: DemandId, cur: Cursor, session: AnyUser) -> ChallengeOut:
    """The demand's challenge; a county account: its own county's demands only (403)."""
    v = pt.challenge_view(cur, session.user, demand_id)
    return ChallengeOut(
        demand=clean(v.demand),
        state=v.state,
        state_label=v.state_label,
        roles=v.roles,
        actions=v.actions,
        applications=records(v.applications),
        reviews=records(v.reviews),
        awards=records(v.awards),
        milestones=records(v.milestones),
        events=[clean(e) for e in pt.events_json(v.events)],
        notes=_notes(v.synthetic, v.notes),
    )


@router.get("/tech/demands/{demand_id}/teams", response_model=Rows, summary="需求的推荐团队")
def demand_teams(
    demand_id: DemandId,
    db: Db,
    cur: Cursor,
    session: AnyUser,
    k: Annotated[int | None, Query(ge=1, le=50, description="推荐数（默认 5）")] = None,
    embedder: Annotated[
        str | None, Query(pattern=r"^(e5|use|none)$", description="语义模型（默认 e5）")
    ] = None,
) -> Rows:
    """The best teams for one demand with the reasons (field, keywords, semantic similarity,
    region, capacity), computed for the demand's county; texts embedded for the first time are
    stored in the warehouse's embedding cache (under the write lock)."""
    region = pt.demand_county(cur, session.user, demand_id)
    if embedder != "none" and pt.missing_vectors(cur, county=region, embedder=embedder or "e5"):
        # new texts' vectors go to the warehouse's embedding cache (under the write lock)
        with db.write_lock:
            wcur = db.cursor()
            try:
                pt.cache_vectors(wcur, county=region, embedder=embedder or "e5")
            finally:
                wcur.close()
    opts: dict[str, Any] = {
        k_: v for k_, v in {"k": k, "embedder": embedder}.items() if v is not None
    }
    # every write of the server (imports, steps, awards) moves the generation: no stale entry
    key = ("tech-match", db.write_lock.generation, region, tuple(sorted(opts.items())))
    res = db.cached(key, lambda: pt.tech_match(cur, county=region, **opts))
    rows = pt.top_teams(res, demand_id)
    return Rows(items=records(rows), notes=_notes(res.synthetic, res.notes))


@router.get(
    "/tech/match.xlsx",
    **file_route("技术需求双向推荐（Excel）", XLSX, "工作簿：需求→团队、团队→需求、说明"),
)
def match_xlsx(
    request: Request,
    db: Db,
    cur: Cursor,
    session: AnyUser,
    county: County = None,
    k: Annotated[int | None, Query(ge=1, le=50, description="推荐数（默认 5）")] = None,
    embedder: Annotated[
        str | None, Query(pattern=r"^(e5|use|none)$", description="语义模型（默认 e5）")
    ] = None,
) -> Response:
    """The two-sided recommendations of the open demands the account sees as a workbook (a
    download of kind ``firms``: a county account its own county only); audited."""
    code = pt.visible_county(cur, session.user, county)
    require_download(session.user, Kind.FIRMS, code)
    opts: dict[str, Any] = {
        k_: v for k_, v in {"k": k, "embedder": embedder}.items() if v is not None
    }
    res = pt.tech_match(cur, county=code, **opts)
    body = pt.match_workbook(res)
    audit_export(
        db,
        request,
        session,
        Kind.FIRMS,
        fmt="xlsx",
        county=code,
        rows=len(res.pairs),
        analysis="tech-match",
    )
    return xlsx_response(body, f"技术需求匹配_{code or '全部'}.xlsx")


@router.post("/tech/demands/{demand_id}/{action}", response_model=StepOut, summary="揭榜挂帅操作")
def step(
    demand_id: DemandId, action: Action, body: StepIn, request: Request, db: Db, session: AnyUser
) -> StepOut:
    """One workflow step. 403: another county's demand or a role the account does not hold;
    409: the state machine forbids the step now (Chinese message); 404: unknown demand, team
    or application; 400: a missing or invalid parameter."""
    with db.writing() as cur:
        out = pt.act(cur, session.user, demand_id, action, **body.model_dump())
    audit(
        db,
        request,
        session,
        f"tech_{action}",
        f"tech:{demand_id}",
        {"from": out["from_state"], "to": out["to_state"], "seq": out["seq"], "via": "api"},
    )
    return StepOut(**clean(out), to_label=pt.STATE_LABELS[out["to_state"]])


@router.post("/tech/imports", response_model=m.ImportReportOut, summary="上传并导入技术需求或团队")
async def tech_import(
    request: Request,
    db: Db,
    session: AnyUser,
    file: Annotated[UploadFile, File(description=".xlsx 或 .csv，最大 20 MB")],
    kind: Annotated[str, Form(pattern="^(demands|teams)$", description="demands 需求；teams 团队")],
    county: Annotated[str | None, Form(max_length=40, description="表中无区划代码时的县")] = None,
) -> m.ImportReportOut:
    """Import one file of technology demands or teams (:func:`xinzhi.pipelines.tech
    .import_tech`): read = loaded + quarantined + skipped. A county account imports demands of
    its own county only (rows of another county are quarantined)."""
    user = session.user
    report = await import_uploaded(
        request,
        db,
        session,
        file,
        (".xlsx", ".csv"),
        lambda path, cur: pt.import_tech(
            path, kind=kind, county=county or None, user=user, con=cur
        ),
    )
    return m.ImportReportOut(**report.to_dict())
