"""Page 揭榜挂帅 (``/tech``; issue #16, part 6): the technology demands the account sees with
their workflow state, one demand's challenge (details, the best teams with the reasons, the
workflow with one button per step the account may take now, applications with their review
scores, milestones and the audit trail) and the 技术需求图谱 (demands by leading industry, chain
link and technology field) as a chart and a table.

Everything comes from :mod:`xinzhi.pipelines.tech` — the functions and access checks of the
REST API's ``/api/tech/*`` (a county account sees and acts on its own county's demands only;
contact data masked for analysts). A step is written with its audit-trail event and to the
server's audit log (``tech_<action>``, ``via: web``) as the API writes it. Texts are set as text
(labels, tables), never as HTML.

导入 (accounts that upload): a file of demands or teams (xlsx / csv) through
:func:`xinzhi.web._upload.import_upload_widget` — quota, audit and the import report as on page
数据 — imported by :func:`xinzhi.pipelines.tech.import_tech` with the account (a county account
imports demands of its own county only); the demand list is refreshed.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar
from urllib.parse import urlencode

import pandas as pd
from fastapi import Request
from nicegui import ui

from xinzhi import auth
from xinzhi.auth.policy import Action, Kind, allows, is_unrestricted
from xinzhi.errors import XinzhiError
from xinzhi.pipelines import tech as pt
from xinzhi.registry import match_tech as decl
from xinzhi.web._context import client_ip, connection
from xinzhi.web._frame import XLSX, guarded, heading, send_download, synthetic_banner, table_of
from xinzhi.web._upload import import_upload_widget

__all__ = ["register"]

DEMAND_LABELS = {
    "demand_id": "需求编号",
    "title": "需求名称",
    "firm_name": "企业",
    "field": "技术领域",
    "chain": "主导产业",
    "chain_link": "产业链环节",
    "budget": "预算（万元）",
    "deadline": "截止日期",
    "state_label": "揭榜挂帅状态",
}
TEAM_LABELS = {
    "rank": "名次",
    "team_name": "团队/专家/飞地",
    "points": "综合得分",
    "field_match": "领域",
    "keyword_overlap": "关键词重合",
    "dense": "语义相似度",
    "region": "地域",
    "reasons": "理由",
}
APPLICATION_LABELS = {
    "application_id": "申请编号",
    "team_id": "团队编号",
    "team_name": "团队",
    "budget": "申请经费（万元）",
    "reviews": "评审数",
    "mean_score": "平均分",
    "plan": "方案",
}
EVENT_LABELS = {
    "seq": "序号",
    "created_at": "时间（UTC）",
    "account": "操作人",
    "role_label": "角色",
    "action_label": "操作",
    "from_label": "原状态",
    "to_label": "新状态",
    "detail": "说明",
}
GRAPH_LABELS = {
    "chain": "主导产业",
    "chain_link": "产业链环节",
    "field": "技术领域",
    "demands": "需求数",
    "budget": "预算合计（万元）",
}
EMBEDDERS = dict(
    zip(
        decl.TECH_MATCH.option("embedder").choices or (),
        decl.TECH_MATCH.option("embedder").choice_labels or (),
        strict=True,
    )
)


_T = TypeVar("_T")


async def _work_in(box: Any, work: Callable[[], _T]) -> _T | None:
    """Run ``work`` in a thread and clear ``box``; a user error (XinzhiError) is shown in the
    box instead and gives None (``work`` itself never returns None)."""
    try:
        out = await asyncio.to_thread(work)
    except XinzhiError as exc:
        box.clear()
        with box:
            ui.label(str(exc)).classes("text-negative")
        return None
    box.clear()
    return out


def _graph_chart(table: pd.DataFrame, chain: str) -> None:
    """Stacked bars: the chain's links (x) × technology fields (series), number of demands."""
    t = table[table["chain"] == chain]
    links = sorted(t["chain_link"].unique().tolist())
    fields = sorted(t["field"].unique().tolist())
    series = []
    for f in fields:
        counts = t[t["field"] == f].set_index("chain_link")["demands"]
        series.append(
            {
                "type": "bar",
                "name": f,
                "stack": "n",
                "data": [int(counts.get(link, 0)) for link in links],
            }
        )
    ui.echart(
        {
            "animation": False,
            "title": {
                "text": f"{chain}：技术需求图谱",
                "left": "center",
                "textStyle": {"fontSize": 14},
            },
            "tooltip": {"trigger": "axis"},
            "legend": {"top": 24},
            "grid": {"left": 8, "right": 16, "top": 64, "bottom": 8, "containLabel": True},
            "xAxis": {
                "type": "category",
                "data": links,
                "axisLabel": {"interval": 0, "rotate": 20},
            },
            "yAxis": {"type": "value", "name": "需求数", "minInterval": 1},
            "series": series,
        }
    ).classes("w-full h-80").props(f'data-testid="tech-graph-chart" data-chain="{chain}"')


def _events(v: pt.ChallengeView) -> pd.DataFrame:
    rows = pd.DataFrame(pt.events_json(v.events))
    if rows.empty:
        return pd.DataFrame(columns=list(EVENT_LABELS))
    rows["role_label"] = rows["role"].map(pt.ROLE_LABELS)
    rows["action_label"] = rows["action"].map(pt.ACTION_LABELS)
    rows["from_label"] = rows["from_state"].map(pt.STATE_LABELS)
    rows["to_label"] = rows["to_state"].map(pt.STATE_LABELS)
    rows["created_at"] = rows["created_at"].str.slice(0, 19)
    rows["detail"] = rows["detail"].map(
        lambda d: "；".join(f"{k}={v}" for k, v in d.items() if v is not None) if d else ""
    )
    return rows


def register() -> None:
    """Define the page."""

    @ui.page("/tech", title="揭榜挂帅 · 新质 县域新质生产力")
    @guarded()
    async def tech_page(
        request: Request,
        session: auth.Session,
        county: str = "",
        demand: str = "",
        embedder: str = "",
        k: int | None = None,
    ) -> None:
        ui.label("揭榜挂帅：技术需求与科研团队对接").classes("text-xl font-bold")
        ui.label(
            "企业技术需求 → 发布榜单 → 团队揭榜 → 专家评审 → 定榜 → 攻关跟踪与验收；"
            "推荐团队按技术领域、关键词、语义相似度、地域（本县飞地、同省）与承接能力排序。"
        ).classes("text-sm text-slate-600")
        user = session.user
        emb = embedder if embedder in EMBEDDERS else str(decl.TECH_MATCH.default("embedder"))
        kk = k if k is not None and 1 <= k <= 50 else int(decl.TECH_MATCH.default("k"))
        base = {"county": county, "demand": demand, "embedder": embedder, "k": k}

        def go(**changes: Any) -> None:
            q = {a: b for a, b in {**base, **changes}.items() if b not in (None, "")}
            ui.navigate.to("/tech?" + urlencode(q))

        try:
            with connection() as con:
                demands = pt.list_demands(con, user, county=county or None)
                graph = pt.tech_graph(con, county=pt.visible_county(con, user, county or None))
        except XinzhiError as exc:
            ui.label(str(exc)).classes("text-negative text-lg").props('data-testid="tech-error"')
            return
        if bool(demands["synthetic"].fillna(False).astype(bool).any()):
            synthetic_banner()

        heading("技术需求")
        demand_box = ui.column().classes("w-full")

        def show_demands(rows: pd.DataFrame) -> None:
            demand_box.clear()
            with demand_box:
                if rows.empty:
                    ui.label("没有技术需求：可在下面“导入”中上传需求与团队文件").props(
                        'data-testid="tech-no-demands"'
                    )
                    return
                table = table_of(rows, DEMAND_LABELS, row_key="demand_id", pagination=10, digits=1)
                table.props('data-testid="tech-demands"')
                table.on("rowClick", lambda e: go(demand=str(e.args[1]["demand_id"])))
                ui.label("点击一行查看榜单、推荐团队与留痕。").classes("text-xs text-slate-500")

        show_demands(demands)

        def refresh() -> None:
            with connection() as con:
                show_demands(pt.list_demands(con, user, county=county or None))

        if allows(user, Action.UPLOAD):
            _imports(session, client_ip(request), county or None, refresh)

        fill = _challenge(request, session, demand, emb, kk, go) if demand else None

        heading("技术需求图谱")
        if graph.table.empty:
            ui.label("暂无需求")
        else:
            for chain in sorted(graph.table["chain"].unique()):
                _graph_chart(graph.table, str(chain))
            table_of(graph.table, GRAPH_LABELS, pagination=20, digits=1).props(
                'data-testid="tech-graph-table"'
            )

        heading("容量约束分配（建议方案）")
        ui.label(
            "在全部待揭榜需求与团队之间求总得分最大的分配：每项需求至多一个团队，"
            "每个团队不超过其剩余承接能力（可承接项目数 − 在研项目数）。"
        ).classes("text-sm text-slate-600")
        plan_box = ui.column().classes("w-full")
        with plan_box, ui.row().classes("items-center gap-2").props('data-testid="tech-plan-busy"'):
            ui.spinner(size="lg")
            ui.label("正在计算分配方案……")

        # the page is on screen first; what needs the embedder follows
        await ui.context.client.connected()
        if fill is not None:
            await fill()
        await _fill_plan(plan_box, session, client_ip(request), county, emb, kk)


def _imports(session: auth.Session, ip: str, county: str | None, refresh: Any) -> None:
    """Section 导入: uploads of technology demands and of teams."""
    user = session.user
    heading("导入技术需求与团队")
    ui.label(
        "xlsx / csv，中文表头。需求：需求编号、企业名称、统一社会信用代码、区划代码、需求名称、"
        "需求描述、技术领域、主导产业、产业链环节、关键词、预算(万元)、截止日期；团队：团队名称、"
        "类型（团队/专家/飞地）、依托单位、所在城市、研究领域、关键词、简介、可承接项目数。"
    ).classes("text-sm text-slate-600")
    if not is_unrestricted(user):
        ui.label(
            f"县区用户只能导入本县区（{user.county_code}）的技术需求：其他县区的行会被隔离。"
        ).classes("text-sm text-warning").props('data-testid="tech-county-upload-note"')
    with ui.row().classes("w-full gap-4 flex-nowrap"):
        for kind, label in (("demands", "技术需求"), ("teams", "团队、专家与飞地")):
            with ui.column().classes("w-1/2"):
                ui.label(label).classes("font-bold")
                import_upload_widget(
                    session,
                    ip,
                    label=f"选择或拖入{label}文件",
                    suffixes=(".xlsx", ".csv"),
                    run=_runner(user, kind, county),
                    testid=f"tech-upload-{kind}",
                    done=lambda _r: refresh(),
                )


def _runner(user: auth.User, kind: str, county: str | None) -> Any:
    """The import of one upload: :func:`xinzhi.pipelines.tech.import_tech` as ``user``."""

    def run(path: Any, con: Any) -> Any:
        return pt.import_tech(path, kind=kind, county=county, user=user, con=con)

    return run


ASSIGN_LABELS = {
    "demand_id": "需求编号",
    "title": "需求名称",
    "team_id": "团队编号",
    "team_name": "团队/专家/飞地",
    "points": "综合得分",
    "reasons": "理由",
}


async def _fill_plan(
    box: Any, session: auth.Session, ip: str, county: str, emb: str, k: int
) -> None:
    """The capacity-constrained assignment of the open demands the account sees, and the
    two-sided recommendations as a workbook (a download of kind ``firms``: the county's
    records; policy and audit through :func:`send_download`)."""
    user = session.user
    with connection() as con:
        code = pt.visible_county(con, user, county or None)

    def plan() -> Any:
        with connection() as con:
            new = pt.missing_vectors(con, county=code, embedder=emb)
        if new:
            with connection(write=True) as con:
                pt.cache_vectors(con, county=code, embedder=emb)
        with connection() as con:
            return pt.tech_assignment(con, county=code, k=k, embedder=emb)

    def workbook() -> bytes:
        with connection() as con:
            return pt.match_workbook(pt.tech_match(con, county=code, k=k, embedder=emb))

    async def download() -> None:
        await send_download(
            session,
            ip,
            Kind.FIRMS,
            workbook,
            f"技术需求匹配_{code or '全部'}.xlsx",
            XLSX,
            fmt="xlsx",
            county=code,
            analysis="tech-match",
        )

    res = await _work_in(box, plan)
    if res is None:
        return
    with box:
        lines = res.summary().splitlines()
        ui.label(lines[1] if res.synthetic else lines[0]).classes("text-sm").props(
            'data-testid="tech-plan-summary"'
        )
        if len(res.table):
            table_of(res.table, ASSIGN_LABELS, row_key="demand_id", digits=1).props(
                'data-testid="tech-plan"'
            )
        ui.button("下载双向推荐结果（Excel）", icon="download", on_click=download).props(
            'no-caps data-testid="tech-download"'
        )


def _challenge(
    request: Request, session: auth.Session, demand: str, emb: str, k: int, go: Any
) -> Callable[[], Awaitable[None]] | None:
    """One demand: details, workflow buttons, applications, milestones, the audit trail and a
    place for the top teams; returns the coroutine function that fills that place (it embeds
    texts: run once the page is on screen)."""
    user = session.user
    try:
        with connection() as con:
            v = pt.challenge_view(con, user, demand)
            teams = pt.list_teams(con, user)
    except XinzhiError as exc:
        ui.label(str(exc)).classes("text-negative text-lg").props('data-testid="tech-error"')
        return None
    d = v.demand
    heading(f"榜单 {demand}：{d.get('title')}")
    with ui.row().classes("items-center gap-4"):
        ui.badge(v.state_label).props('data-testid="tech-state"').classes("text-base")
        ui.label(
            f"企业：{d.get('firm_name') or '—'}；领域：{d.get('field') or '—'}；"
            f"主导产业：{d.get('chain') or '—'} / {d.get('chain_link') or '—'}；"
            f"预算：{d.get('budget') if d.get('budget') is not None else '—'} 万元；"
            f"联系人：{d.get('contact') or '—'} {d.get('phone') or ''}"
        ).classes("text-sm")
    if d.get("text"):
        ui.label(str(d["text"])).classes("text-sm text-slate-700")
    roles = "、".join(pt.ROLE_LABELS[r] for r in v.roles) or "无（只读）"
    ui.label(f"您在该需求中的角色：{roles}").classes("text-sm").props('data-testid="tech-roles"')

    apps = v.applications
    app_ids = apps["application_id"].astype(str).tolist() if len(apps) else []
    ip = client_ip(request)

    async def run(action: str, **kw: Any) -> None:
        def work() -> dict[str, Any]:
            with connection(write=True) as con:
                out = pt.act(con, user, demand, action, **kw)
                auth.write_audit(
                    con,
                    f"tech_{action}",
                    user=user.username,
                    target=f"tech:{demand}",
                    detail={
                        "from": out["from_state"],
                        "to": out["to_state"],
                        "seq": out["seq"],
                        "via": "web",
                    },
                    ip=ip,
                )
                return out

        try:
            out = await asyncio.to_thread(work)
        except XinzhiError as exc:
            ui.notify(str(exc), type="negative", multi_line=True, timeout=10000)
            return
        ui.notify(
            f"{pt.ACTION_LABELS[action]}：{pt.STATE_LABELS[out['from_state']]} → "
            f"{pt.STATE_LABELS[out['to_state']]}"
        )
        go()

    heading("揭榜挂帅流程")
    if not v.actions:
        ui.label("当前没有您可执行的操作。").classes("text-sm text-slate-600")
    with ui.column().classes("gap-2").props('data-testid="tech-actions"'):
        for a in v.actions:
            action = a["action"]
            with ui.row().classes("items-center gap-2"):
                if action == "apply":
                    choice = (
                        ui.select(
                            {
                                str(t): f"{t} {n}"
                                for t, n in zip(teams["team_id"], teams["name"], strict=True)
                            },
                            label="揭榜团队",
                            with_input=True,
                        )
                        .classes("w-96")
                        .props('data-testid="tech-team"')
                    )
                    plan = ui.input("方案摘要").classes("w-64")

                    async def do_apply(c: Any = choice, p: Any = plan) -> None:
                        await run("apply", team_id=c.value, plan=p.value or None)

                    handler: Any = do_apply
                elif action in ("review", "award"):
                    pick = ui.select(
                        app_ids, label="揭榜申请", value=app_ids[0] if app_ids else None
                    )
                    pick.classes("w-72").props(f'data-testid="tech-app-{action}"')
                    number = (
                        ui.number(
                            "分数 0–100" if action == "review" else "榜单金额（万元）",
                            min=0,
                            max=100 if action == "review" else None,
                        )
                        .classes("w-40")
                        .props(f'data-testid="tech-num-{action}"')
                    )

                    async def do_pick(act: str = action, p: Any = pick, n: Any = number) -> None:
                        if act == "review":
                            await run(act, application_id=p.value, score=n.value)
                        else:
                            await run(act, application_id=p.value, amount=n.value)

                    handler = do_pick
                elif action == "track":
                    title = (
                        ui.input("进展内容").classes("w-64").props('data-testid="tech-track-title"')
                    )
                    progress = ui.number("进度 %", min=0, max=100).classes("w-32")

                    async def do_track(t: Any = title, p: Any = progress) -> None:
                        await run("track", title=t.value, progress=p.value)

                    handler = do_track
                else:

                    async def do_simple(act: str = action) -> None:
                        await run(act)

                    handler = do_simple
                ui.button(a["label"], on_click=handler).props(
                    f'no-caps data-testid="tech-do-{action}"'
                )

    heading("揭榜申请与评审")
    if apps.empty:
        ui.label("尚无揭榜申请")
    else:
        table_of(apps, APPLICATION_LABELS, row_key="application_id", digits=1).props(
            'data-testid="tech-applications"'
        )
    if len(v.awards):
        aw = v.awards.iloc[0]
        ui.label(f"定榜：申请 {aw['application_id']}（团队 {aw['team_id']}）").classes("font-bold")
    if len(v.milestones):
        table_of(
            v.milestones,
            {"seq": "序号", "title": "进展", "progress": "进度 %", "account": "登记人"},
            digits=1,
        ).props('data-testid="tech-milestones"')

    heading("推荐团队（双向匹配）")
    with ui.row().classes("items-center gap-2"):
        sel = ui.select(EMBEDDERS, value=emb, label="语义模型").classes("w-80")
        sel.on_value_change(lambda e: go(embedder=e.value))
    box = ui.column().classes("w-full")
    with box, ui.row().classes("items-center gap-2").props('data-testid="tech-busy"'):
        ui.spinner(size="lg")
        ui.label("正在计算推荐团队……")

    heading("留痕（审计记录）")
    events = _events(v)
    if events.empty:
        ui.label("尚无操作记录")
    else:
        table_of(events, EVENT_LABELS, row_key="seq", pagination=20).props(
            'data-testid="tech-events"'
        )

    def top() -> pd.DataFrame:
        with connection() as con:
            region = pt.demand_county(con, user, demand)
            new = pt.missing_vectors(con, county=region, embedder=emb)
        if new:  # first-time texts: embedded once, kept in the warehouse's embedding cache
            with connection(write=True) as con:
                pt.cache_vectors(con, county=region, embedder=emb)
        with connection() as con:
            res = pt.tech_match(con, county=region, k=k, embedder=emb)
        return pt.top_teams(res, demand)

    async def fill() -> None:
        rows = await _work_in(box, top)
        if rows is None:
            return
        with box:
            if rows.empty:
                ui.label("没有可推荐的团队（该需求已定榜或结束，或团队均已满负荷）")
                return
            table_of(rows, TEAM_LABELS, row_key="team_id", digits=2).props(
                'data-testid="tech-teams"'
            )
            ui.label("综合得分 = 100 × 加权综合分（领域、关键词、语义、地域），不是概率。").classes(
                "text-xs text-slate-500"
            )

    return fill
