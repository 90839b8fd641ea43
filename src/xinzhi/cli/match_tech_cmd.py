"""``xinzhi match tech …``: technology demands ↔ research teams and the 揭榜挂帅 workflow
(registered by :mod:`xinzhi.cli.match_cmd`; everything through :mod:`xinzhi.pipelines.tech`).

``import`` (demands or teams from Excel/CSV), ``generate`` (示例数据), ``list``, ``match``
(two-sided top-k with reasons), ``assign`` (capacity-constrained), ``graph`` (技术需求图谱),
the workflow steps ``publish``, ``apply``, ``start-review``, ``review``, ``award``, ``track``,
``accept``, ``withdraw``, ``reopen``, ``terminate``, and ``show`` (state, applications, audit
trail). ``--account`` names the operator recorded in the audit trail: a warehouse account's role
and county apply when it exists, otherwise the local operator holds every workflow role.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from xinzhi.cli._common import account_name, echo_json, given, open_db
from xinzhi.cli._tables import checked_output, write_table

_DB = Annotated[Path | None, typer.Option("--db", help="DuckDB 数据仓库文件")]
_JSON = Annotated[bool, typer.Option("--json", help="输出 JSON")]
_COUNTY = Annotated[
    str | None, typer.Option("--county", help="县级单位（名称或 6 位区划代码）；不填则为全部")
]
_ACCOUNT = Annotated[
    str | None, typer.Option("--account", help="操作人（数据仓库账户名；默认当前系统用户）")
]
_DEMAND = Annotated[str, typer.Argument(help="需求编号（榜单编号）")]
_OUTPUT = Annotated[
    Path | None,
    typer.Option(
        "--output", "-o", help="结果表 .csv / .xlsx / .json / .parquet", callback=checked_output
    ),
]
_K = Annotated[int | None, typer.Option("--k", help="每侧推荐数（默认 5）")]
_EMBEDDER = Annotated[
    str | None, typer.Option("--embedder", help="语义模型 e5（默认）| use | none")
]

tech = typer.Typer(
    help="技术需求与科研团队匹配、揭榜挂帅（发布 → 揭榜 → 评审 → 定榜 → 跟踪）。",
    no_args_is_help=True,
)


@tech.command("import")
def import_cmd(
    file: Annotated[Path, typer.Argument(help="Excel/CSV 文件")],
    kind: Annotated[
        str, typer.Option("--kind", help="demands（技术需求）| teams（团队/专家/飞地）")
    ],
    county: _COUNTY = None,
    db: _DB = None,
) -> None:
    """导入技术需求或团队/专家/飞地名录（中文表头；逐行记账：读入 = 载入 + 隔离 + 跳过）。"""
    from xinzhi.pipelines.tech import import_tech

    con = open_db(db)
    try:
        rep = import_tech(file, kind=kind, county=county, con=con)
    finally:
        con.close()
    typer.echo(rep.summary())


@tech.command("generate")
def generate_cmd(
    county: Annotated[
        str, typer.Option("--county", help="县级单位（默认 430321 湘潭县）")
    ] = "430321",
    demands: Annotated[int, typer.Option("--demands", help="需求数")] = 60,
    teams: Annotated[int, typer.Option("--teams", help="团队数")] = 120,
    seed: Annotated[int, typer.Option("--seed", help="随机种子")] = 16,
    db: _DB = None,
) -> None:
    """生成并载入一个县的示例技术需求与团队（示例数据）。"""
    from xinzhi.pipelines.tech import generate_tech

    con = open_db(db)
    try:
        a, b = generate_tech(county=county, n_demands=demands, n_teams=teams, seed=seed, con=con)
    finally:
        con.close()
    typer.echo("【示例数据】")
    typer.echo(a.summary())
    typer.echo(b.summary())


@tech.command("list")
def list_cmd(
    county: _COUNTY = None,
    teams: Annotated[bool, typer.Option("--teams", help="列出团队/专家/飞地（而非需求）")] = False,
    output: _OUTPUT = None,
    db: _DB = None,
    as_json: _JSON = False,
) -> None:
    """列出技术需求（含揭榜挂帅状态）或团队。"""
    from xinzhi.pipelines.tech import list_demands, list_teams

    con = open_db(db)
    try:
        table = list_teams(con) if teams else list_demands(con, county=county)
    finally:
        con.close()
    if output is not None:
        write_table(table, output)
        typer.echo(f"已写出 {output}（{len(table)} 行）")
        return
    if as_json:
        echo_json(table.to_dict(orient="records"))
        return
    if table.empty:
        typer.echo("没有记录")
        return
    for r in table.to_dict(orient="records"):
        if teams:
            typer.echo(
                f"{r['team_id']}  {r['name']}（{r['kind']}；{r['fields']}；可承接 {r['capacity']}，在研 {r['load']}）"
            )
        else:
            budget = (
                ""
                if r["budget"] != r["budget"] or r["budget"] is None
                else f"；预算 {r['budget']:g} 万元"
            )
            typer.echo(
                f"{r['demand_id']}  {r['title']}（{r['firm_name']}；{r['field']}{budget}；{r['state_label']}）"
            )


def _run(
    key: str, options: dict[str, Any], db: Path | None, output: Path | None, as_json: bool
) -> None:
    from xinzhi.pipelines.analyses import run_declared
    from xinzhi.registry import get

    res = run_declared(get(key), options, db=db)
    if output is not None:
        if output.suffix.lower() == ".xlsx":
            res.to_excel(output)
        else:
            write_table(res.tidy(), output)
        typer.echo(f"已写出 {output}")
    if as_json:
        echo_json(res.tidy().to_dict(orient="records"))
    else:
        typer.echo(res.summary())


def _cache(db: Path | None, county: str | None, embedder: str | None) -> None:
    """Texts embedded for the first time go to the warehouse's embedding cache."""
    from xinzhi.pipelines.tech import cache_vectors
    from xinzhi.registry import get

    con = open_db(db)
    try:
        cache_vectors(
            con, county=county, embedder=embedder or get("tech-match").default("embedder")
        )
    finally:
        con.close()


@tech.command("match")
def match_cmd(
    county: _COUNTY = None,
    k: _K = None,
    embedder: _EMBEDDER = None,
    output: _OUTPUT = None,
    db: _DB = None,
    as_json: _JSON = False,
) -> None:
    """技术需求 ↔ 团队双向推荐（前 k 名，附理由：领域、关键词、语义相似度、地域、承接能力）。"""
    _cache(db, county, embedder)
    _run("tech-match", given(county=county, k=k, embedder=embedder), db, output, as_json)


@tech.command("assign")
def assign_cmd(
    county: _COUNTY = None,
    k: _K = None,
    embedder: _EMBEDDER = None,
    min_score: Annotated[float | None, typer.Option("--min-score", help="最低得分（0–1）")] = None,
    output: _OUTPUT = None,
    db: _DB = None,
    as_json: _JSON = False,
) -> None:
    """容量约束分配：总得分最大，每个团队不超过其剩余承接能力。"""
    opts = given(county=county, k=k, embedder=embedder, min_score=min_score)
    _cache(db, county, embedder)
    _run("tech-assign", opts, db, output, as_json)


@tech.command("graph")
def graph_cmd(
    county: _COUNTY = None,
    chain: Annotated[str | None, typer.Option("--chain", help="只看一条主导产业链")] = None,
    output: _OUTPUT = None,
    db: _DB = None,
    as_json: _JSON = False,
) -> None:
    """技术需求图谱：按主导产业、产业链环节、技术领域统计需求数与预算。"""
    _run("tech-graph", given(county=county, chain=chain), db, output, as_json)


def _act(db: Path | None, account: str | None, demand: str, action: str, **kw: Any) -> None:
    from xinzhi.pipelines.tech import act, operator

    con = open_db(db)
    try:
        out = act(con, operator(con, account_name(account)), demand, action, **kw)
    finally:
        con.close()
    from xinzhi.pipelines.tech import STATE_LABELS

    extra = f"；申请编号 {out['application_id']}" if "application_id" in out else ""
    typer.echo(
        f"{demand}：{STATE_LABELS[out['from_state']]} → {STATE_LABELS[out['to_state']]}"
        f"（第 {out['seq']} 条留痕{extra}）"
    )


@tech.command("publish")
def publish_cmd(demand: _DEMAND, account: _ACCOUNT = None, db: _DB = None) -> None:
    """发布榜单（待发布 → 揭榜中；发榜方）。"""
    _act(db, account, demand, "publish")


@tech.command("apply")
def apply_cmd(
    demand: _DEMAND,
    team: Annotated[str, typer.Option("--team", help="揭榜团队编号")],
    plan: Annotated[str | None, typer.Option("--plan", help="攻关方案摘要")] = None,
    budget: Annotated[float | None, typer.Option("--budget", help="申请经费（万元）")] = None,
    account: _ACCOUNT = None,
    db: _DB = None,
) -> None:
    """登记揭榜申请（揭榜中；揭榜方）。"""
    _act(db, account, demand, "apply", team_id=team, plan=plan, budget=budget)


@tech.command("start-review")
def start_review_cmd(demand: _DEMAND, account: _ACCOUNT = None, db: _DB = None) -> None:
    """截止揭榜，进入评审（揭榜中 → 评审中；发榜方）。"""
    _act(db, account, demand, "start_review")


@tech.command("review")
def review_cmd(
    demand: _DEMAND,
    application: Annotated[str, typer.Option("--application", help="揭榜申请编号")],
    score: Annotated[float, typer.Option("--score", help="评审分数 0–100")],
    comment: Annotated[str | None, typer.Option("--comment", help="评审意见")] = None,
    account: _ACCOUNT = None,
    db: _DB = None,
) -> None:
    """评审打分（评审中；评审专家）。"""
    _act(db, account, demand, "review", application_id=application, score=score, comment=comment)


@tech.command("award")
def award_cmd(
    demand: _DEMAND,
    application: Annotated[str, typer.Option("--application", help="揭榜申请编号")],
    amount: Annotated[float | None, typer.Option("--amount", help="榜单金额（万元）")] = None,
    account: _ACCOUNT = None,
    db: _DB = None,
) -> None:
    """定榜（评审中 → 已定榜；发榜方；申请须已评审、团队须有剩余承接能力）。"""
    _act(db, account, demand, "award", application_id=application, amount=amount)


@tech.command("track")
def track_cmd(
    demand: _DEMAND,
    title: Annotated[str, typer.Option("--title", help="进展内容")],
    progress: Annotated[float | None, typer.Option("--progress", help="完成进度 0–100")] = None,
    account: _ACCOUNT = None,
    db: _DB = None,
) -> None:
    """登记攻关进展（已定榜/攻关中 → 攻关中；发榜方或揭榜方）。"""
    _act(db, account, demand, "track", title=title, progress=progress)


def _simple(name: str, action: str, doc: str) -> None:
    def cmd(demand: _DEMAND, account: _ACCOUNT = None, db: _DB = None) -> None:
        _act(db, account, demand, action)

    cmd.__doc__ = doc
    tech.command(name)(cmd)


_simple("accept", "accept", "验收通过（攻关中 → 已验收；发榜方）。")
_simple("withdraw", "withdraw", "撤榜（待发布/揭榜中/评审中 → 已撤榜；发榜方）。")
_simple("reopen", "reopen", "重新征集（评审中 → 揭榜中；发榜方）。")
_simple("terminate", "terminate", "终止攻关（已定榜/攻关中 → 已终止；发榜方）。")


@tech.command("show")
def show_cmd(
    demand: _DEMAND, account: _ACCOUNT = None, db: _DB = None, as_json: _JSON = False
) -> None:
    """一项需求的榜单：状态、可执行的操作、揭榜申请与评分、定榜、进展与全部留痕。"""
    from xinzhi.pipelines.tech import challenge_view, events_json, operator

    con = open_db(db)
    try:
        v = challenge_view(con, operator(con, account_name(account)), demand)
    finally:
        con.close()
    if as_json:
        echo_json(
            {
                "demand": v.demand,
                "state": v.state,
                "actions": v.actions,
                "applications": v.applications.to_dict(orient="records"),
                "events": events_json(v.events),
            }
        )
        return
    if v.synthetic:
        typer.echo("【示例数据】")
    typer.echo(f"{demand} {v.demand.get('title')}：{v.state_label}")
    typer.echo("可执行：" + ("、".join(a["label"] for a in v.actions) or "无"))
    for a in v.applications.to_dict(orient="records"):
        typer.echo(
            f"  申请 {a['application_id']} 团队 {a['team_id']} 评审 {a.get('reviews', 0)} 份，均分 {a.get('mean_score')}"
        )
    for e in events_json(v.events):
        typer.echo(
            f"  #{e['seq']} {e['created_at']} {e['account']}（{e['role']}）{e['action']}：{e['from_state']} → {e['to_state']}"
        )


def register(app: typer.Typer) -> None:
    """Add this part's commands to the ``xinzhi match`` group (as ``xinzhi match tech …``)."""
    app.add_typer(tech, name="tech")
