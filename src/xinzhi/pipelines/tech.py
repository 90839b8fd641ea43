"""Technology demands ↔ research teams and the 揭榜挂帅 workflow (issue #16, part 6): the one
place the CLI (``xinzhi match tech …``), the REST API (``/api/tech/*``) and the page 揭榜挂帅
reach the warehouse tables (:mod:`xinzhi.store.tech`), the importer (:mod:`xinzhi.ingest.tech`)
and the analyses (:mod:`xinzhi.match.tech`).

Access (:mod:`xinzhi.auth.policy`): a county account sees and acts on the demands of its own
county only (:func:`~xinzhi.auth.policy.tech_roles`: publisher and applicant there); analysts
see every county's demands and review (reviewer role); admin does everything. Contact data
(联系人, 电话, 邮箱) is masked for the roles that do not need it
(:func:`~xinzhi.auth.policy.mask_personal`: analysts).

Every workflow step is checked against the state machine of :mod:`xinzhi.match.tech`
(refusal: :class:`~xinzhi.match.tech.TransitionError`, HTTP 409, Chinese message) and written
together with its audit-trail event in one transaction.
"""

from __future__ import annotations

import json
import os
import threading
from dataclasses import dataclass, field
from typing import Any

import duckdb
import numpy as np
import pandas as pd

from xinzhi import store
from xinzhi.auth import policy
from xinzhi.auth.accounts import User
from xinzhi.errors import InputError, NotFoundError
from xinzhi.ingest.report import ImportReport
from xinzhi.ingest.tech import import_tech_file, import_tech_frame
from xinzhi.match import tech as mt
from xinzhi.match.synthetic_tech import synthetic_tech
from xinzhi.pipelines.enterprise_data import county_code
from xinzhi.registry import match_tech as decl
from xinzhi.store import tech as ts

__all__ = [
    "ACTION_LABELS",
    "ROLE_LABELS",
    "STATE_LABELS",
    "ChallengeView",
    "act",
    "cache_vectors",
    "challenge_view",
    "demand_county",
    "generate_tech",
    "import_tech",
    "list_demands",
    "list_teams",
    "match_workbook",
    "missing_vectors",
    "operator",
    "tech_assignment",
    "tech_graph",
    "tech_match",
    "top_teams",
    "visible_county",
]

EMBEDDERS = ("e5", "use", "none")
STATE_LABELS: dict[str, str] = dict(mt.STATE_LABELS)
"""Workflow state → Chinese label (for the surfaces)."""
ACTION_LABELS: dict[str, str] = {a: s.label for a, s in mt.ACTIONS.items()}
"""Workflow action → Chinese label."""
ROLE_LABELS: dict[str, str] = dict(mt.ROLES)
"""Workflow role → Chinese label."""


# ----------------------------------------------------------------------------- helpers
def _county_names(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """County name → code of the current counties in the warehouse's region table."""
    try:
        rows = con.execute(
            "SELECT name, code FROM regions WHERE level = 'county' AND end_year IS NULL"
        ).fetchall()
    except duckdb.Error:
        return {}
    return {str(n): str(c) for n, c in rows if n}


def _scope(user: User | None, county: str | None) -> str | None:
    """The county whose demands ``user`` sees (None: every county); AccessDenied when the
    account asks for another county or may see no record-level data."""
    if user is None:
        return county
    if policy.is_unrestricted(user):
        return county
    own = policy.policy_county(user)
    if county is not None and county != own:
        policy.require_county(user, county)
    return own


_VEC_LOCK = threading.Lock()
_VEC_CACHE: dict[tuple[str, str], np.ndarray] = {}


def _vectors(
    con: duckdb.DuckDBPyConnection,
    texts: list[str],
    embedder: str,
    kind: str,
    *,
    store_new: bool = False,
) -> tuple[np.ndarray, int]:
    """Unit vectors of ``texts`` (``kind`` "query": demands, "passage": teams).

    Looked up in the process, then in the warehouse's ``embedding_cache``
    (:mod:`xinzhi.store.talent`, model tag ``tech:<model>:<dim>:<kind>``), and embedded only
    when new; ``store_new`` writes the new ones to the warehouse (callers that hold the write
    lock: :func:`cache_vectors`), and how many texts were embedded now."""
    from xinzhi.match.text import get_embedder, text_key
    from xinzhi.store import talent as cache

    model = get_embedder("use" if embedder == "use" else "e5")
    tag = f"tech:{model.name}:{model.dim}:{kind}"
    keys = [text_key(t) for t in texts]
    with _VEC_LOCK:
        found = {k: _VEC_CACHE[(tag, k)] for k in keys if (tag, k) in _VEC_CACHE}
    rest = sorted({k for k in keys if k not in found})
    if rest:
        found.update(cache.cached_vectors(con, rest, tag))
    new = sorted({k for k in keys if k not in found})
    if new:
        first = dict(zip(keys, texts, strict=True))
        out = model.embed([first[k] for k in new], kind="query" if kind == "query" else "passage")
        found.update(zip(new, np.asarray(out, dtype=np.float32), strict=True))
        if store_new:
            cache.store_vectors(con, new, tag, out)
    with _VEC_LOCK:
        for k, v in found.items():
            _VEC_CACHE[(tag, k)] = v
    if not keys:
        return np.zeros((0, model.dim), dtype=np.float32), len(new)
    return np.vstack([found[k] for k in keys]), len(new)


def missing_vectors(
    con: duckdb.DuckDBPyConnection, *, county: str | None = None, embedder: str = "e5"
) -> int:
    """How many texts of the open demands (of ``county``) and the teams have no vector in
    the process or the warehouse yet (0: :func:`cache_vectors` has nothing to do)."""
    if embedder not in ("e5", "use"):
        return 0
    from xinzhi.match.text import get_embedder, text_key
    from xinzhi.store import talent as cache

    model = get_embedder("use" if embedder == "use" else "e5")
    d, t = _frames(con, county_code(con, county))
    n = 0
    for kind, texts in (("query", _demand_texts(d)), ("passage", _team_texts(t))):
        tag = f"tech:{model.name}:{model.dim}:{kind}"
        with _VEC_LOCK:
            keys = {k for k in map(text_key, texts) if (tag, k) not in _VEC_CACHE}
        n += len(keys) - len(cache.cached_vectors(con, sorted(keys), tag)) if keys else 0
    return n


def cache_vectors(
    con: duckdb.DuckDBPyConnection, *, county: str | None = None, embedder: str = "e5"
) -> int:
    """Embed the open demands (of ``county``) and the teams whose vectors the warehouse does not
    hold yet and store them (``embedding_cache``); the number of texts embedded. Needs a
    writable connection (the API and the page call it under the write lock)."""
    if embedder not in ("e5", "use"):
        return 0
    d, t = _frames(con, county_code(con, county))
    _, a = _vectors(con, _demand_texts(d), embedder, "query", store_new=True)
    _, b = _vectors(con, _team_texts(t), embedder, "passage", store_new=True)
    return a + b


def _demand_texts(d: pd.DataFrame) -> list[str]:
    return [
        "；".join(str(x) for x in row if isinstance(x, str) and x)
        for row in d[["title", "text", "keywords"]].itertuples(index=False)
    ]


def _team_texts(t: pd.DataFrame) -> list[str]:
    return [
        "；".join(str(x) for x in row if isinstance(x, str) and x)
        for row in t[["name", "fields", "keywords", "text"]].itertuples(index=False)
    ]


def _keywords(frame: pd.DataFrame, texts: list[str]) -> pd.Series:
    """The ``keywords`` column, filled from the text's tokens (:func:`xinzhi.match.text.tokenize`)
    where a row has none."""
    kw = frame["keywords"].astype(object)
    empty = kw.isna() | (kw.astype(str).str.strip() == "")
    if not empty.any():
        return kw
    from xinzhi.match.text import tokenize

    filled = [";".join(tokenize(t)) for t in np.asarray(texts, dtype=object)[empty.to_numpy()]]
    kw = kw.copy()
    kw[empty] = filled
    return kw


# ----------------------------------------------------------------------------- import
def import_tech(
    path: str | os.PathLike[str],
    *,
    kind: str,
    county: str | None = None,
    user: User | None = None,
    db: str | os.PathLike[str] | None = None,
    con: duckdb.DuckDBPyConnection | None = None,
) -> ImportReport:
    """Import a demands (``kind="demands"``) or teams (``"teams"``) file. A county account
    imports demands of its own county only (rows of another county are quarantined); teams are
    shared by every county (imports need :attr:`~xinzhi.auth.policy.Action.UPLOAD`)."""
    own = store.connect(db) if con is None else con
    try:
        code = county_code(own, county)
        if user is not None:
            limit = policy.upload_county(user)
            if limit is not None:
                if code is not None and code != limit:
                    policy.require_county(user, code)
                code = limit
        return import_tech_file(
            path,
            kind=kind,
            county=code if kind == "demands" else None,
            names=_county_names(own),
            account=user.username if user else None,
            con=own,
        )
    finally:
        if con is None:
            own.close()


def generate_tech(
    *,
    county: str = "430321",
    n_demands: int = 60,
    n_teams: int = 120,
    seed: int = 16,
    db: str | os.PathLike[str] | None = None,
    con: duckdb.DuckDBPyConnection | None = None,
) -> tuple[ImportReport, ImportReport]:
    """Load the synthetic county of :func:`xinzhi.match.synthetic_tech.synthetic_tech`
    (示例数据) as two batches (sources ``tech_demands:示例数据:<county>`` and
    ``tech_teams:示例数据:<county>``)."""
    own = store.connect(db) if con is None else con
    try:
        code = county_code(own, county) or "430321"
        names = {v: k for k, v in _county_names(own).items()}
        d, t = synthetic_tech(
            county=code,
            county_name=names.get(code, "湘潭县" if code == "430321" else code),
            n_demands=n_demands,
            n_teams=n_teams,
            seed=seed,
        )
        # the county only fills the demands' region (the teams table names its own)
        a, b = (
            import_tech_frame(
                frame.drop(columns="synthetic"),
                kind=kind,
                source=f"tech_{kind}:示例数据:{code}",
                county=code,
                synthetic=True,
                con=own,
            )
            for kind, frame in (("demands", d), ("teams", t))
        )
        return a, b
    finally:
        if con is None:
            own.close()


def visible_county(con: duckdb.DuckDBPyConnection, user: User, county: str | None) -> str | None:
    """The county whose demands ``user`` is shown for a request naming ``county`` (a county
    account: its own; another county → AccessDenied; admin and analysts: ``county`` or every
    county)."""
    return _scope(user, county_code(con, county))


def demand_county(con: duckdb.DuckDBPyConnection, user: User, demand_id: str) -> str:
    """The county of a demand ``user`` may see (NotFoundError / AccessDenied otherwise)."""
    d = _demand(con, demand_id)
    _roles(user, d["region_code"])
    return str(d["region_code"])


def top_teams(result: mt.TechMatch, demand_id: str) -> pd.DataFrame:
    """The rows of ``result`` listing the best teams of one demand, by rank."""
    p = result.pairs
    return p[(p["side"] == "demand") & (p["demand_id"] == str(demand_id))].reset_index(drop=True)


# ----------------------------------------------------------------------------- lists
def list_demands(
    con: duckdb.DuckDBPyConnection, user: User | None = None, *, county: str | None = None
) -> pd.DataFrame:
    """The demands ``user`` sees (a county account: its own county), with the workflow state
    and its Chinese label (``state_label``); contact data masked where the policy says."""
    code = _scope(user, county_code(con, county))
    d = ts.read_demands(con, county=code)
    d["state_label"] = d["state"].map(mt.STATE_LABELS)
    return policy.mask_personal(d, user) if user is not None else d


def list_teams(con: duckdb.DuckDBPyConnection, user: User | None = None) -> pd.DataFrame:
    """Research teams, experts and 飞地 partners with their current load (``load``: demands
    carried now); contact data masked where the policy says."""
    t = ts.read_teams(con)
    load = ts.team_load(con)
    t["load"] = [int(load.get(str(i), 0)) for i in t["team_id"]]
    return policy.mask_personal(t, user) if user is not None else t


# ----------------------------------------------------------------------------- analyses
def _frames(
    con: duckdb.DuckDBPyConnection, county: str | None, *, open_only: bool = True
) -> tuple[pd.DataFrame, pd.DataFrame]:
    d = ts.read_demands(con, county=county)
    if open_only:
        d = d[~d["state"].isin(["awarded", "tracking", "completed", "withdrawn", "terminated"])]
    return d.reset_index(drop=True), ts.read_teams(con)


def _run_match(
    con: duckdb.DuckDBPyConnection, county: str | None, k: int, embedder: str
) -> mt.TechMatch:
    if embedder not in EMBEDDERS:
        raise InputError(f"语义模型应为 {'、'.join(EMBEDDERS)}，收到 {embedder!r}")
    d, t = _frames(con, county)
    dt_, tt_ = _demand_texts(d), _team_texts(t)
    d = d.assign(keywords=_keywords(d, dt_)) if len(d) else d
    t = t.assign(keywords=_keywords(t, tt_)) if len(t) else t
    dv = tv = None
    if embedder != "none" and len(d) and len(t):
        dv = _vectors(con, dt_, embedder, "query")[0]
        tv = _vectors(con, tt_, embedder, "passage")[0]
    res = mt.match_tech(d, t, demand_vectors=dv, team_vectors=tv, k=int(k), load=ts.team_load(con))
    if not len(d):
        res.notes = [*res.notes, "没有待匹配的技术需求（未导入，或均已定榜、结束）"]
    return res


def tech_match(
    con: duckdb.DuckDBPyConnection,
    *,
    county: str | None = None,
    k: int = decl.TECH_MATCH.default("k"),
    embedder: str = decl.TECH_MATCH.default("embedder"),
    data_dir: str | os.PathLike[str] | None = None,
) -> mt.TechMatch:
    """Two-sided top-k of the open demands (of ``county``; not yet awarded or closed) and the
    teams (:func:`xinzhi.match.tech.match_tech`; dense similarity from ``embedder``, "none":
    without it)."""
    opts = decl.TECH_MATCH.resolve({"county": county, "k": k, "embedder": embedder})
    return _run_match(con, county_code(con, opts["county"]), opts["k"], opts["embedder"])


def tech_assignment(
    con: duckdb.DuckDBPyConnection,
    *,
    county: str | None = None,
    k: int = decl.TECH_ASSIGN.default("k"),
    embedder: str = decl.TECH_ASSIGN.default("embedder"),
    min_score: float = decl.TECH_ASSIGN.default("min_score"),
    data_dir: str | os.PathLike[str] | None = None,
) -> mt.TechAssignment:
    """The capacity-constrained assignment of the open demands to teams
    (:func:`xinzhi.match.tech.assign_tech`; teams' remaining capacity = capacity − awarded
    demands in progress)."""
    opts = decl.TECH_ASSIGN.resolve(
        {"county": county, "k": k, "embedder": embedder, "min_score": min_score}
    )
    m = _run_match(con, county_code(con, opts["county"]), opts["k"], opts["embedder"])
    return mt.assign_tech(m, min_score=opts["min_score"])


def tech_graph(
    con: duckdb.DuckDBPyConnection,
    *,
    county: str | None = None,
    chain: str | None = None,
    data_dir: str | os.PathLike[str] | None = None,
) -> mt.DemandGraph:
    """技术需求图谱 of ``county``: every demand (whatever its state) by leading industry, chain
    link and technology field (:func:`xinzhi.match.tech.demand_graph`)."""
    opts = decl.TECH_GRAPH.resolve({"county": county, "chain": chain})
    d = ts.read_demands(con, county=county_code(con, opts["county"]))
    return mt.demand_graph(d, chain=opts["chain"])


# ----------------------------------------------------------------------------- workflow
def _demand(con: duckdb.DuckDBPyConnection, demand_id: str) -> pd.Series:
    d = ts.read_demands(con, ids=[str(demand_id)])
    if d.empty:
        raise NotFoundError(f"找不到技术需求：{demand_id}")
    return d.iloc[0]


def _roles(user: User, region: str | None) -> frozenset[str]:
    if not policy.can_view_county(user, region):
        raise policy.AccessDenied(
            f"县区用户只能查看和办理本县区的技术需求（该需求属于 {region or '未知县区'}）"
        )
    return policy.tech_roles(user, region)


@dataclass
class ChallengeView:
    """Everything the page and the API show about one demand's challenge."""

    demand: dict[str, Any]
    state: str
    state_label: str
    roles: list[str]
    actions: list[dict[str, str]]
    applications: pd.DataFrame
    reviews: pd.DataFrame
    awards: pd.DataFrame
    milestones: pd.DataFrame
    events: pd.DataFrame
    synthetic: bool = False
    notes: list[str] = field(default_factory=list)


def challenge_view(con: duckdb.DuckDBPyConnection, user: User, demand_id: str) -> ChallengeView:
    """One demand's challenge: state, the actions ``user`` may take now (by its workflow
    roles), applications with their mean review score, reviews, award, milestones and the
    audit trail. County accounts: their own county's demands only (403)."""
    d = _demand(con, demand_id)
    roles = _roles(user, d["region_code"])
    state = str(d["state"])
    ids = [str(demand_id)]
    apps = ts.read_applications(con, challenge_ids=ids)
    reviews = ts.read_reviews(con, challenge_ids=ids)
    teams = ts.read_teams(con, ids=apps["team_id"].astype(str).tolist()) if len(apps) else None
    if len(apps):
        mean = reviews.groupby("application_id")["score"].agg(["mean", "size"])
        apps = apps.join(mean, on="application_id").rename(
            columns={"mean": "mean_score", "size": "reviews"}
        )
        apps["reviews"] = apps["reviews"].fillna(0).astype(int)
        names = (
            dict(zip(teams["team_id"], teams["name"], strict=False)) if teams is not None else {}
        )
        apps.insert(3, "team_name", apps["team_id"].map(names))
    actions = [
        {"action": a, "label": mt.ACTIONS[a].label, "to_state": mt.ACTIONS[a].target}
        for a in mt.allowed_actions(state, roles)
    ]
    demand = policy.mask_personal(pd.DataFrame([d]), user).iloc[0].to_dict()
    return ChallengeView(
        demand={k: (None if (isinstance(v, float) and v != v) else v) for k, v in demand.items()},
        state=state,
        state_label=mt.STATE_LABELS[state],
        roles=sorted(roles),
        actions=actions,
        applications=apps,
        reviews=reviews,
        awards=ts.read_awards(con, challenge_ids=ids),
        milestones=ts.read_milestones(con, challenge_ids=ids),
        events=ts.read_events(con, challenge_ids=ids),
        synthetic=bool(d["synthetic"]),
    )


def act(
    con: duckdb.DuckDBPyConnection,
    user: User,
    demand_id: str,
    action: str,
    *,
    team_id: str | None = None,
    application_id: str | None = None,
    score: float | None = None,
    comment: str | None = None,
    plan: str | None = None,
    budget: float | None = None,
    amount: float | None = None,
    title: str | None = None,
    progress: float | None = None,
) -> dict[str, Any]:
    """Take one workflow step on a demand's challenge and write it with its audit-trail event
    (one transaction). Returns ``demand_id, action, from_state, to_state, seq`` and the id of
    what was written (``application_id`` of an application).

    Raises
    ------
    AccessDenied
        The demand is of another county, or none of the account's workflow roles may take the
        action (HTTP 403).
    TransitionError
        Not allowed in the current state, or a precondition fails (no application to review,
        an unreviewed application awarded, a full team …) (HTTP 409).
    InputError
        Unknown action, missing or invalid parameter (HTTP 400).
    NotFoundError
        Unknown demand, team or application (HTTP 404).
    """
    step = mt.ACTIONS.get(action)
    if step is None:
        raise InputError(f"未知的揭榜挂帅操作：{action}（可为 {'、'.join(mt.ACTIONS)}）")
    d = _demand(con, demand_id)
    roles = _roles(user, d["region_code"])
    if not step.roles & roles:
        need = "、".join(mt.ROLES[r] for r in sorted(step.roles))
        held = "、".join(mt.ROLES[r] for r in sorted(roles)) or "无"
        raise policy.AccessDenied(
            f"“{step.label}”只能由{need}执行（当前账户在该需求中的角色：{held}）"
        )
    # the role recorded: the publisher's when it may act, then the reviewer's, then the applicant's
    role = next(r for r in ("publisher", "reviewer", "applicant") if r in step.roles & roles)
    cid = str(demand_id)
    con.execute("BEGIN TRANSACTION")
    try:
        state = ts.challenge_state(con, cid)
        target = mt.check_step(action, state)
        detail: dict[str, Any] = {}
        out: dict[str, Any] = {}
        apps = ts.read_applications(con, challenge_ids=[cid])
        if action == "apply":
            if not team_id:
                raise InputError("揭榜申请需要指定团队（team_id）")
            if ts.read_teams(con, ids=[team_id]).empty:
                raise NotFoundError(f"找不到团队：{team_id}")
            if (apps["team_id"] == team_id).any():
                raise mt.TransitionError(f"团队 {team_id} 已揭榜该需求，不能重复申请")
            if budget is not None and (not np.isfinite(budget) or budget < 0):
                raise InputError(f"申请经费应为非负数（万元），收到 {budget}")
            out["application_id"] = ts.write_application(
                con,
                challenge_id=cid,
                team_id=team_id,
                account=user.username,
                plan=plan,
                budget=budget,
            )
            detail = {"team_id": team_id, "application_id": out["application_id"]}
        elif action == "start_review":
            if apps.empty:
                raise mt.TransitionError("尚无揭榜申请，不能进入评审（可撤榜或继续征集）")
            detail = {"applications": len(apps)}
        elif action in ("review", "award"):
            if not application_id:
                raise InputError(f"“{step.label}”需要指定揭榜申请（application_id）")
            row = apps[apps["application_id"] == application_id]
            if row.empty:
                raise NotFoundError(f"该需求没有揭榜申请：{application_id}")
            reviews = ts.read_reviews(con, challenge_ids=[cid])
            mine = reviews[reviews["application_id"] == application_id]
            if action == "review":
                if score is None or not np.isfinite(score) or not 0 <= score <= 100:
                    raise InputError(f"评审分数应在 0–100 之间，收到 {score}")
                if (mine["reviewer"] == user.username).any():
                    raise mt.TransitionError("该评审专家已为此申请打分，不能重复评审")
                ts.write_review(
                    con,
                    challenge_id=cid,
                    application_id=application_id,
                    reviewer=user.username,
                    score=float(score),
                    comment=comment,
                )
                detail = {"application_id": application_id, "score": float(score)}
            else:
                if mine.empty:
                    raise mt.TransitionError("该揭榜申请尚未评审，不能定榜")
                team = str(row["team_id"].iloc[0])
                cap = ts.read_teams(con, ids=[team])["capacity"]
                used = ts.team_load(con).get(team, 0)
                if len(cap) and used >= int(cap.iloc[0]):
                    raise mt.TransitionError(
                        f"团队 {team} 已满负荷（在研 {used} 项，可承接 {int(cap.iloc[0])} 项），不能定榜"
                    )
                ts.write_award(
                    con,
                    challenge_id=cid,
                    application_id=application_id,
                    team_id=team,
                    account=user.username,
                    amount=amount,
                )
                detail = {"application_id": application_id, "team_id": team, "amount": amount}
        elif action == "track":
            if not title:
                raise InputError("登记攻关进展需要填写进展内容（title）")
            if progress is not None and (not np.isfinite(progress) or not 0 <= progress <= 100):
                raise InputError(f"进度应在 0–100 之间，收到 {progress}")
            n = ts.write_milestone(
                con,
                challenge_id=cid,
                title=title,
                account=user.username,
                progress=progress,
                note=comment,
            )
            detail = {"milestone": n, "title": title, "progress": progress}
        elif comment:
            detail = {"comment": comment}
        seq = ts.append_event(
            con,
            challenge_id=cid,
            account=user.username,
            role=role,
            action=action,
            from_state=state,
            to_state=target,
            detail=detail,
        )
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return {
        "demand_id": cid,
        "action": action,
        "from_state": state,
        "to_state": target,
        "seq": seq,
        **out,
    }


def operator(con: duckdb.DuckDBPyConnection, account: str) -> User:
    """The account the CLI acts as: the warehouse account ``account`` when it exists (its role
    and county apply), else the local operator with every workflow role (whoever runs the CLI
    holds the warehouse file itself); the name goes into the audit trail either way."""
    from xinzhi.auth.accounts import get_user

    found = get_user(con, account)
    if found is not None:
        if found.disabled:
            raise policy.AccessDenied(f"账户 {account} 已停用")
        return found
    return User(0, account, "admin", None, False)


def match_workbook(result: mt.TechMatch | mt.TechAssignment) -> bytes:
    """The result as an xlsx workbook (Chinese headers, the 说明 sheet)."""
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "tech.xlsx"
        result.to_excel(path)
        return path.read_bytes()


def workflow_table() -> pd.DataFrame:
    """The state machine as a table (for the page and ``xinzhi match tech`` help)."""
    return mt.transition_table()


def events_json(events: pd.DataFrame) -> list[dict[str, Any]]:
    """Audit-trail rows with their detail parsed."""
    rows: list[dict[str, Any]] = []
    for rec in events.to_dict("records"):
        r = {str(k): v for k, v in rec.items()}
        r["detail"] = json.loads(r["detail"]) if r.get("detail") else {}
        r["created_at"] = str(r.get("created_at"))
        rows.append(r)
    return rows
