"""Technology demands of firms matched to research teams, experts and 飞地 partners, the
揭榜挂帅 workflow and the 技术需求图谱 (issue #16, part 6).

Pure: DataFrames in, result objects out; the pipeline :mod:`xinzhi.pipelines.tech` reads the
warehouse (:mod:`xinzhi.store.tech`) and the embedder vectors and calls this module.

Sources
-------
* Technology fields: the eight areas of 《国家重点支持的高新技术领域》, the annex of
  《高新技术企业认定管理办法》 (科技部 财政部 国家税务总局, 国科发火〔2016〕32号, 2016-01-29):
  电子信息, 生物与新医药, 航空航天, 新材料, 高技术服务, 新能源与节能, 资源与环境,
  先进制造与自动化 (:data:`TECH_FIELDS`).
* The 揭榜挂帅 steps (发布榜单 → 揭榜 → 评审 → 定榜 → 实施跟踪 → 验收) as municipal rules
  describe them, e.g. 《西安市揭榜挂帅制科技项目实施和管理办法》; seed 001 (王增,
  《当代县域经济》2025 年第 12 期: "搭建技术需求发布平台，建立'揭榜挂帅'机制，让企业技术难题与科研
  团队精准对接"; "围绕选定的主导产业，绘制技术需求图谱"), seed 000 (李琳: 科创飞地, 研发孵化飞地 in
  长沙、深圳), seed 003 (创新飞地: "研发在域外、转化在县域"). Details in ``docs/match_tech.md``.

The matching score of demand *i* and team *j* (each component in [0, 1])::

    score_ij = (w_f·F_ij + w_k·K_ij + w_s·S_ij + w_r·R_ij) / (w_f + w_k + w_s + w_r)

* ``F`` field match: 1 when the demand's field is among the team's fields, else 0;
* ``K`` keyword overlap: |keywords_i ∩ keywords_j| / |keywords_i| (0 for a demand without keywords);
* ``S`` dense similarity: max(0, u_i · v_j) of the unit text vectors (embedder of
  :mod:`xinzhi.match.text`); without vectors the term is left out (w_s = 0);
* ``R`` region: 1 for a team of the demand's own county or a 飞地 partner of that county
  (``partner_county``), 0.5 for a team of the same province (first two digits of the code), 0
  otherwise.

Default weights :data:`DEFAULT_WEIGHTS` (w_f 0.25, w_k 0.20, w_s 0.45, w_r 0.10: the text
similarity leads, as the issue asks of the hybrid ranking; the region term is a bonus that
never outweighs a field). A team whose remaining capacity (``capacity`` − current ``load``)
is zero is left out of the top-k (hard filter, said in the notes). ``points`` = 100·score is the
composite score shown as 综合得分 — not a calibrated probability.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import ClassVar

import numpy as np
import pandas as pd

from xinzhi.codes.tech_fields import TECH_FIELDS, tech_field
from xinzhi.errors import InputError, IntegrityError, XinzhiError
from xinzhi.match.text import check_vectors
from xinzhi.results import Result

__all__ = [
    "ACTIONS",
    "DEFAULT_WEIGHTS",
    "DEMAND_COLUMNS",
    "ROLES",
    "STATES",
    "STATE_LABELS",
    "TEAM_COLUMNS",
    "TEAM_KINDS",
    "TECH_FIELDS",
    "DemandGraph",
    "Step",
    "TechAssignment",
    "TechMatch",
    "TransitionError",
    "WorkflowRoleError",
    "allowed_actions",
    "assign_tech",
    "check_step",
    "demand_graph",
    "match_tech",
    "split_list",
    "tech_field",
    "transition_table",
]

# ----------------------------------------------------------------------------- vocabularies
TEAM_KINDS: tuple[str, ...] = ("团队", "专家", "飞地")
"""Kinds of supply: a research team (高校、院所的团队), an individual expert (专家), a 飞地 partner
(科创飞地 / 研发飞地 of a county in a central city; seeds 000 and 003)."""

DEMAND_COLUMNS: tuple[str, ...] = (
    "demand_id",
    "credit_code",
    "firm_name",
    "region_code",
    "title",
    "text",
    "field",
    "chain",
    "chain_link",
    "industry_code",
    "keywords",
    "budget",
    "deadline",
    "status",
    "synthetic",
)
"""The demands frame (``keywords`` ";"-joined; ``budget`` 万元; ``chain`` the leading industry,
``chain_link`` its link)."""

TEAM_COLUMNS: tuple[str, ...] = (
    "team_id",
    "name",
    "kind",
    "institution",
    "city",
    "region_code",
    "partner_county",
    "fields",
    "keywords",
    "text",
    "capacity",
    "contact",
    "phone",
    "email",
    "synthetic",
)
"""The teams frame (``fields`` and ``keywords`` ";"-joined; ``capacity`` demands at once;
``partner_county``: the county a 飞地 partner serves; ``contact``/``phone``/``email`` personal)."""


def _norm(text: object) -> str:
    if text is None or (isinstance(text, float) and text != text):
        return ""
    return unicodedata.normalize("NFKC", str(text)).strip()


def split_list(value: object) -> list[str]:
    """A ";"-joined cell (also ；, 、, comma) as a list of stripped, non-empty items, in order,
    without repeats.

    >>> split_list("陶瓷；烧结、陶瓷, 釉料")
    ['陶瓷', '烧结', '釉料']
    """
    t = _norm(value)
    for sep in ("；", "、", ",", "，", "|"):
        t = t.replace(sep, ";")
    out: list[str] = []
    for item in t.split(";"):
        s = item.strip().lower()
        if s and s not in out:
            out.append(s)
    return out


# ----------------------------------------------------------------------------- workflow
STATES: tuple[str, ...] = (
    "draft",
    "published",
    "reviewing",
    "awarded",
    "tracking",
    "completed",
    "withdrawn",
    "terminated",
)
"""States of a 揭榜挂帅 challenge (one per demand), in the order of its life."""

STATE_LABELS: dict[str, str] = {
    "draft": "待发布",
    "published": "揭榜中",
    "reviewing": "评审中",
    "awarded": "已定榜",
    "tracking": "攻关中",
    "completed": "已验收",
    "withdrawn": "已撤榜",
    "terminated": "已终止",
}

ROLES: dict[str, str] = {"publisher": "发榜方", "applicant": "揭榜方", "reviewer": "评审专家"}
"""Workflow roles (which accounts hold them: :func:`xinzhi.auth.policy.tech_roles`)."""


@dataclass(frozen=True)
class Step:
    """One action of the workflow: from which states, to which state, by which roles."""

    action: str
    label: str
    sources: frozenset[str]
    target: str
    roles: frozenset[str]


def _step(
    action: str, label: str, sources: Iterable[str], target: str, roles: Iterable[str]
) -> Step:
    return Step(action, label, frozenset(sources), target, frozenset(roles))


ACTIONS: dict[str, Step] = {
    s.action: s
    for s in (
        _step("publish", "发布榜单", ["draft"], "published", ["publisher"]),
        _step("apply", "揭榜申请", ["published"], "published", ["applicant"]),
        _step("start_review", "截止揭榜并进入评审", ["published"], "reviewing", ["publisher"]),
        _step("review", "评审打分", ["reviewing"], "reviewing", ["reviewer"]),
        _step("reopen", "重新征集", ["reviewing"], "published", ["publisher"]),
        _step("award", "定榜（授予揭榜方）", ["reviewing"], "awarded", ["publisher"]),
        _step(
            "track", "登记攻关进展", ["awarded", "tracking"], "tracking", ["publisher", "applicant"]
        ),
        _step("accept", "验收通过", ["tracking"], "completed", ["publisher"]),
        _step("withdraw", "撤榜", ["draft", "published", "reviewing"], "withdrawn", ["publisher"]),
        _step("terminate", "终止攻关", ["awarded", "tracking"], "terminated", ["publisher"]),
    )
}
"""Every action of the 揭榜挂帅 workflow. ``completed``, ``withdrawn`` and ``terminated`` are
final (no action leaves them)."""


class TransitionError(IntegrityError):
    """The action is not allowed in the challenge's current state (HTTP 409)."""


class WorkflowRoleError(XinzhiError):
    """The action needs a workflow role the account does not hold (the pipeline answers with
    :class:`xinzhi.auth.policy.AccessDenied`, HTTP 403)."""


def _known_state(state: str) -> str:
    if state not in STATES:
        raise InputError(f"未知的榜单状态：{state}（可为 {'、'.join(STATES)}）")
    return state


def _known_action(action: str) -> Step:
    step = ACTIONS.get(action)
    if step is None:
        raise InputError(f"未知的揭榜挂帅操作：{action}（可为 {'、'.join(ACTIONS)}）")
    return step


def check_step(action: str, state: str, roles: Iterable[str] | None = None) -> str:
    """The state after ``action`` from ``state`` by an account holding ``roles``.

    Parameters
    ----------
    action : str
        Key of :data:`ACTIONS`.
    state : str
        Current state (:data:`STATES`).
    roles : iterable of str, optional
        Workflow roles the account holds (:data:`ROLES`); None: not checked.

    Raises
    ------
    InputError
        Unknown action or state.
    WorkflowRoleError
        None of the roles may take the action (message names the roles that may).
    TransitionError
        The action is not allowed in ``state`` (message names the states where it is).

    Examples
    --------
    >>> check_step("publish", "draft", ["publisher"])
    'published'
    >>> try:
    ...     check_step("award", "published", ["publisher"])
    ... except TransitionError as e:
    ...     print(e)
    榜单当前状态为“揭榜中”，不能执行“定榜（授予揭榜方）”（只能在“评审中”时执行）
    """
    step = _known_action(action)
    _known_state(state)
    if roles is not None and not (step.roles & set(roles)):
        need = "、".join(ROLES[r] for r in sorted(step.roles))
        raise WorkflowRoleError(f"“{step.label}”只能由{need}执行")
    if state not in step.sources:
        allowed = "、".join(f"“{STATE_LABELS[s]}”" for s in STATES if s in step.sources)
        raise TransitionError(
            f"榜单当前状态为“{STATE_LABELS[state]}”，不能执行“{step.label}”（只能在{allowed}时执行）"
        )
    return step.target


def allowed_actions(state: str, roles: Iterable[str] | None = None) -> list[str]:
    """Actions possible from ``state`` (for ``roles``, when given), in :data:`ACTIONS` order.

    >>> allowed_actions("reviewing", ["publisher"])
    ['reopen', 'award', 'withdraw']
    >>> allowed_actions("completed")
    []
    """
    _known_state(state)
    have = None if roles is None else set(roles)
    return [
        a
        for a, s in ACTIONS.items()
        if state in s.sources and (have is None or bool(s.roles & have))
    ]


def transition_table() -> pd.DataFrame:
    """The workflow as a table: ``action, label, from_state, to_state, roles`` (one row per
    action and source state; Chinese state labels in ``from_label`` / ``to_label``)."""
    rows = [
        {
            "action": s.action,
            "label": s.label,
            "from_state": src,
            "to_state": s.target,
            "from_label": STATE_LABELS[src],
            "to_label": STATE_LABELS[s.target],
            "roles": "、".join(ROLES[r] for r in sorted(s.roles)),
        }
        for s in ACTIONS.values()
        for src in STATES
        if src in s.sources
    ]
    return pd.DataFrame(rows)


# ----------------------------------------------------------------------------- matching
DEFAULT_WEIGHTS: dict[str, float] = {"field": 0.25, "keywords": 0.20, "dense": 0.45, "region": 0.10}
"""Weights of the four components of the matching score (see the module text)."""


def _weights(weights: Mapping[str, float] | None) -> dict[str, float]:
    w = dict(DEFAULT_WEIGHTS)
    for k, v in (weights or {}).items():
        if k not in w:
            raise InputError(f"未知的匹配权重：{k}（可为 {'、'.join(DEFAULT_WEIGHTS)}）")
        if not np.isfinite(v) or v < 0:
            raise InputError(f"匹配权重 {k} 应为非负数，收到 {v}")
        w[k] = float(v)
    return w


def _multi_hot(lists: Sequence[list[str]], vocab: dict[str, int]) -> np.ndarray:
    out = np.zeros((len(lists), len(vocab)), dtype=np.float64)
    rows = [i for i, items in enumerate(lists) for t in items if t in vocab]
    cols = [vocab[t] for items in lists for t in items if t in vocab]
    out[rows, cols] = 1.0
    return out


def _require(frame: pd.DataFrame, cols: Sequence[str], what: str) -> None:
    missing = [c for c in cols if c not in frame.columns]
    if missing:
        raise InputError(f"{what}缺少列：{'、'.join(missing)}")


@dataclass
class TechMatch(Result):
    """Demands ↔ teams: the full component scores and the two-sided top-k.

    ``pairs`` has one row per (demand, team) kept by either side's top-k: ``demand_id,
    team_id, side`` (``demand``: the team is among the demand's top-k; ``team``: the demand
    among the team's), ``rank``, ``score`` (0–1), ``points`` (0–100, 综合得分), the
    components ``field_match, keyword_overlap, dense, region`` and ``reasons`` (Chinese).
    """

    pairs: pd.DataFrame
    k: int
    weights: dict[str, float]
    n_demands: int
    n_teams: int
    synthetic: bool = False
    notes: Sequence[str] = field(default_factory=list)
    #: full score matrix (demands × teams; NaN where a team is full), for the assignment
    scores: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)), repr=False)
    demand_ids: list[str] = field(default_factory=list, repr=False)
    team_ids: list[str] = field(default_factory=list, repr=False)
    demand_titles: list[str] = field(default_factory=list, repr=False)
    team_names: list[str] = field(default_factory=list, repr=False)
    #: remaining capacity of each team (capacity − load, at least 0), in frame order
    remaining: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=int), repr=False)

    headers: ClassVar[dict[str, str]] = {
        "demand_id": "需求编号",
        "title": "需求",
        "team_id": "团队编号",
        "team_name": "团队/专家",
        "side": "方向",
        "rank": "名次",
        "score": "得分",
        "points": "综合得分",
        "field_match": "领域匹配",
        "keyword_overlap": "关键词重合",
        "dense": "语义相似度",
        "region": "地域",
        "reasons": "理由",
    }

    def tables(self) -> dict[str, pd.DataFrame]:
        d = self.pairs[self.pairs["side"] == "demand"].reset_index(drop=True)
        t = self.pairs[self.pairs["side"] == "team"].reset_index(drop=True)
        return {"需求→团队": d, "团队→需求": t}

    def tidy(self) -> pd.DataFrame:
        return self.pairs.copy()

    def info_table(self) -> pd.DataFrame:
        w = self.weights
        return pd.DataFrame(
            {
                "项目": ["公式", "权重", "领域", "地域", "说明"],
                "内容": [
                    "得分 = (w_f·领域 + w_k·关键词 + w_s·语义 + w_r·地域) / Σw",
                    "；".join(f"{k}={v:g}" for k, v in w.items()),
                    "国家重点支持的高新技术领域（国科发火〔2016〕32号 附件）八个领域",
                    "本县或本县飞地合作伙伴 1，同省 0.5，其他 0",
                    "综合得分 = 100 × 得分，为加权综合分，不是校准后的概率",
                ],
            }
        )

    def summary(self) -> str:
        d = self.pairs[(self.pairs["side"] == "demand") & (self.pairs["rank"] == 1)]
        head = (
            f"技术需求 {self.n_demands} 项 × 团队/专家/飞地 {self.n_teams} 个，双向前 {self.k} 名；"
        )
        if len(d):
            text = head + f"各需求第一名的综合得分均值 {float(d['points'].mean()):.1f}。"
        else:
            text = head + "暂无推荐。"
        return self.labelled(text)


def _pair_reasons(
    ii: np.ndarray,
    jj: np.ndarray,
    *,
    d_field: np.ndarray,
    F: np.ndarray,
    shared: pd.Series,
    S: np.ndarray | None,
    R: np.ndarray,
    local: np.ndarray,
    t_kind: np.ndarray,
    cap: np.ndarray,
    used: np.ndarray,
) -> np.ndarray:
    """The Chinese reasons of the pairs (ii[p], jj[p]), built column-wise, e.g.
    ``领域：新材料（一致）；关键词：烧结；语义相似度 0.82；同省；可承接 2 项（已承担 0 项）``."""
    f = F[ii, jj] > 0
    text = pd.Series("领域：" + d_field[ii].astype(str), dtype=object) + np.where(
        f, "（一致）", "（不一致）"
    )
    text = text + np.where(shared != "", "；关键词：" + shared, "")
    if S is not None:
        text = text + "；语义相似度 " + pd.Series(S[ii, jj]).map("{:.2f}".format)
    region = np.where(
        local[ii, jj],
        np.where(t_kind[jj] == "飞地", "；本县飞地合作伙伴", "；本县"),
        np.where(R[ii, jj] > 0, "；同省", ""),
    )
    text = text + region
    text = (
        text + "；可承接 " + cap[jj].astype(str) + " 项（已承担 " + used[jj].astype(str) + " 项）"
    )
    return text.to_numpy(dtype=object)


def _shared_keywords(
    ii: np.ndarray, jj: np.ndarray, Dk: np.ndarray, Tk: np.ndarray, words: np.ndarray
) -> pd.Series:
    """The first five keywords of demand ii[p] found among team jj[p]'s, "、"-joined."""
    both = Dk[ii] * Tk[jj]  # pairs × vocabulary
    p, v = np.nonzero(both)
    if p.size == 0:
        return pd.Series([""] * len(ii), dtype=object)
    long = pd.DataFrame({"p": p, "w": words[v]})
    long = long[long.groupby("p").cumcount() < 5]
    joined = long.groupby("p")["w"].agg("、".join)
    return joined.reindex(range(len(ii)), fill_value="").reset_index(drop=True)


def match_tech(
    demands: pd.DataFrame,
    teams: pd.DataFrame,
    *,
    demand_vectors: np.ndarray | None = None,
    team_vectors: np.ndarray | None = None,
    k: int = 5,
    weights: Mapping[str, float] | None = None,
    load: Mapping[str, int] | None = None,
) -> TechMatch:
    """Two-sided top-k of technology demands and teams with the reasons.

    Parameters
    ----------
    demands : DataFrame
        :data:`DEMAND_COLUMNS` (at least ``demand_id``, ``region_code``, ``field``,
        ``keywords``).
    teams : DataFrame
        :data:`TEAM_COLUMNS` (at least ``team_id``, ``kind``, ``region_code``, ``fields``,
        ``keywords``, ``capacity``).
    demand_vectors, team_vectors : ndarray, optional
        Unit text vectors (rows in frame order; :func:`xinzhi.match.text.get_embedder`); both
        or none.
    k : int
        Length of each side's list (≥ 1).
    weights : mapping, optional
        Overrides of :data:`DEFAULT_WEIGHTS`.
    load : mapping team_id → int, optional
        Demands a team already carries (current awards); remaining capacity = capacity − load.

    Returns
    -------
    TechMatch
        The formula is in the module text.

    Examples
    --------
    >>> d = pd.DataFrame({"demand_id": ["D1"], "region_code": ["430321"], "field": ["新材料"],
    ...                   "keywords": ["陶瓷;烧结"]})
    >>> t = pd.DataFrame({"team_id": ["T1", "T2"], "kind": ["团队", "飞地"],
    ...                   "region_code": ["430104", "440305"], "partner_county": [None, "430321"],
    ...                   "fields": ["新材料", "电子信息"], "keywords": ["烧结", ""],
    ...                   "capacity": [1, 1]})
    >>> m = match_tech(d, t, k=2)  # T1: (0.25·1 + 0.20·½ + 0.10·0.5) / 0.55; T2: 0.10·1 / 0.55
    >>> m.pairs.loc[m.pairs.side == "demand", ["team_id", "rank", "score"]].to_numpy().tolist()
    [['T1', 1, 0.7272727272727272], ['T2', 2, 0.18181818181818182]]
    """
    if not isinstance(k, int | np.integer) or k < 1:
        raise InputError(f"k（每侧名单长度）应为不小于 1 的整数，收到 {k!r}")
    _require(demands, ["demand_id", "region_code", "field", "keywords"], "技术需求表")
    _require(teams, ["team_id", "kind", "region_code", "fields", "keywords", "capacity"], "团队表")
    if (demand_vectors is None) != (team_vectors is None):
        raise InputError("语义向量应同时给出需求与团队两侧，或都不给")
    w = _weights(weights)
    n, m = len(demands), len(teams)
    dv = check_vectors(demand_vectors, n, "技术需求", dtype=np.float64)
    tv = check_vectors(team_vectors, m, "团队", dtype=np.float64)
    if dv is None:
        w["dense"] = 0.0
    total = sum(w.values())
    if total <= 0:
        raise InputError("匹配权重之和应大于 0")

    d_ids = [str(x) for x in demands["demand_id"]]
    t_ids = [str(x) for x in teams["team_id"]]
    # F: field match (one-hot demand field × multi-hot team fields)
    d_field = [tech_field(x) for x in demands["field"]]
    t_fields = [[f for f in (tech_field(x) for x in split_list(v)) if f] for v in teams["fields"]]
    fvocab = {f: i for i, f in enumerate(TECH_FIELDS)}
    F = np.clip(
        _multi_hot([[f] if f else [] for f in d_field], fvocab) @ _multi_hot(t_fields, fvocab).T,
        0,
        1,
    )
    # K: share of the demand's keywords found among the team's
    d_kw = [split_list(v) for v in demands["keywords"]]
    t_kw = [split_list(v) for v in teams["keywords"]]
    vocab: dict[str, int] = {}
    for items in (*d_kw, *t_kw):
        for t in items:
            vocab.setdefault(t, len(vocab))
    Dk, Tk = _multi_hot(d_kw, vocab), _multi_hot(t_kw, vocab)
    inter = Dk @ Tk.T
    size = Dk.sum(axis=1, keepdims=True)
    K = np.divide(inter, size, out=np.zeros_like(inter), where=size > 0)
    # S: dense similarity
    S = np.clip(dv @ tv.T, 0.0, 1.0) if dv is not None and tv is not None else np.zeros((n, m))
    # R: region
    d_reg = np.array([_norm(x) for x in demands["region_code"]], dtype=object)
    t_reg = np.array([_norm(x) for x in teams["region_code"]], dtype=object)
    partner_col = (
        teams["partner_county"] if "partner_county" in teams.columns else pd.Series([None] * m)
    )
    t_partner = np.array([_norm(x) for x in partner_col], dtype=object)
    t_kind = np.array([_norm(x) for x in teams["kind"]], dtype=object)
    local = (d_reg[:, None] == t_reg[None, :]) | (
        (t_kind[None, :] == "飞地") & (d_reg[:, None] == t_partner[None, :])
    )
    d_prov = np.array([s[:2] for s in d_reg], dtype=object)
    t_prov = np.array([s[:2] for s in t_reg], dtype=object)
    province = (d_prov[:, None] == t_prov[None, :]) & (d_prov[:, None] != "")
    R = np.where(local, 1.0, np.where(province, 0.5, 0.0))

    score = (w["field"] * F + w["keywords"] * K + w["dense"] * S + w["region"] * R) / total
    cap = pd.to_numeric(teams["capacity"], errors="coerce").fillna(1).astype(int).to_numpy()
    used = np.array([int((load or {}).get(t, 0)) for t in t_ids], dtype=int)
    full = (cap - used) <= 0
    score = np.where(full[None, :], np.nan, score)

    names = teams["name"].astype(str).tolist() if "name" in teams.columns else t_ids
    titles = demands["title"].astype(str).tolist() if "title" in demands.columns else d_ids
    words = np.array(sorted(vocab, key=lambda t: vocab[t]), dtype=object)

    filled = np.where(np.isnan(score), -np.inf, score)
    kd, kt = min(k, m), min(k, n)
    # demand side: teams by score desc, ties by frame order (stable sort); full teams dropped
    order = np.argsort(-filled, axis=1, kind="stable")[:, :kd]
    ii_d, jj_d = np.repeat(np.arange(n), kd), order.ravel()
    rank_d = np.tile(np.arange(1, kd + 1), n)
    keep = np.isfinite(filled[ii_d, jj_d]) if ii_d.size else np.zeros(0, bool)
    ii_d, jj_d, rank_d = ii_d[keep], jj_d[keep], rank_d[keep]
    # team side: demands by score desc for every team that is not full
    order_t = np.argsort(-filled.T, axis=1, kind="stable")[:, :kt]
    jj_t, ii_t = np.repeat(np.arange(m), kt), order_t.ravel()
    rank_t = np.tile(np.arange(1, kt + 1), m)
    keep = ~full[jj_t] if jj_t.size else np.zeros(0, bool)
    jj_t, ii_t, rank_t = jj_t[keep], ii_t[keep], rank_t[keep]

    ii = np.concatenate([ii_d, ii_t]).astype(int)
    jj = np.concatenate([jj_d, jj_t]).astype(int)
    sc = score[ii, jj]
    d_field_arr = np.array([f or "未标注" for f in d_field], dtype=object)
    pairs = pd.DataFrame(
        {
            "demand_id": np.array(d_ids, dtype=object)[ii],
            "title": np.array(titles, dtype=object)[ii],
            "team_id": np.array(t_ids, dtype=object)[jj],
            "team_name": np.array(names, dtype=object)[jj],
            "side": np.array(["demand"] * len(ii_d) + ["team"] * len(ii_t), dtype=object),
            "rank": np.concatenate([rank_d, rank_t]).astype(int),
            "score": sc.astype(float),
            "points": np.round(100 * sc, 1),
            "field_match": F[ii, jj],
            "keyword_overlap": K[ii, jj],
            "dense": S[ii, jj] if dv is not None else np.full(len(ii), np.nan),
            "region": R[ii, jj],
            "reasons": _pair_reasons(
                ii,
                jj,
                d_field=d_field_arr,
                F=F,
                shared=_shared_keywords(ii, jj, Dk, Tk, words),
                S=S if dv is not None else None,
                R=R,
                local=local,
                t_kind=t_kind,
                cap=cap,
                used=used,
            ),
        }
    )
    cols = [
        "demand_id", "title", "team_id", "team_name", "side", "rank", "score", "points",
        "field_match", "keyword_overlap", "dense", "region", "reasons",
    ]  # fmt: skip
    notes: list[str] = []
    if dv is None:
        notes.append("未提供语义向量：得分不含语义相似度（其权重按 0 计）")
    if full.any():
        notes.append(f"{int(full.sum())} 个团队已满负荷（在研项目数达到可承接数），未列入推荐")
    synthetic = bool(
        ("synthetic" in demands.columns and demands["synthetic"].fillna(False).astype(bool).any())
        or ("synthetic" in teams.columns and teams["synthetic"].fillna(False).astype(bool).any())
    )
    return TechMatch(
        pairs=pairs[cols],
        k=int(k),
        weights=w,
        n_demands=n,
        n_teams=m,
        synthetic=synthetic,
        notes=notes,
        scores=score,
        demand_ids=d_ids,
        team_ids=t_ids,
        remaining=np.maximum(cap - used, 0),
        demand_titles=titles,
        team_names=names,
    )


# ----------------------------------------------------------------------------- assignment
@dataclass
class TechAssignment(Result):
    """Demands assigned to teams: ``demand_id, title, team_id, team_name, score, points``
    (each demand at most once, each team at most its remaining capacity), and the demands left
    without a team (``unassigned``)."""

    table: pd.DataFrame
    unassigned: list[str]
    method: str
    min_score: float
    synthetic: bool = False
    notes: Sequence[str] = field(default_factory=list)

    headers: ClassVar[dict[str, str]] = TechMatch.headers

    def tables(self) -> dict[str, pd.DataFrame]:
        return {
            "分配结果": self.table,
            "未分配需求": pd.DataFrame({"demand_id": self.unassigned}),
        }

    def summary(self) -> str:
        total = float(self.table["score"].sum()) if len(self.table) else 0.0
        text = (
            f"容量约束分配：{len(self.table)} 项需求分配给 {self.table['team_id'].nunique()} 个团队，"
            f"{len(self.unassigned)} 项未分配；得分合计 {total:.3f}（最低得分 > {self.min_score:g}）。"
        )
        return self.labelled(text)


def assign_tech(match: TechMatch, *, min_score: float = 0.0, method: str = "lsa") -> TechAssignment:
    """The assignment of demands to teams that maximises the total score, each team taking at
    most its remaining capacity and each demand at most one team.

    Solved by :func:`xinzhi.match.assign.capacity_assignment` on the teams × demands matrix
    (teams are the side with capacities; full teams and pairs with score ≤ ``min_score`` are
    never assigned)::

        max Σ s_ij x_ij  s.t.  Σ_i x_ij ≤ c_j − load_j (teams),  Σ_j x_ij ≤ 1 (demands)

    Examples
    --------
    >>> d = pd.DataFrame({"demand_id": ["D1", "D2"], "region_code": ["430321"] * 2,
    ...                   "field": ["新材料", "新材料"], "keywords": ["", ""]})
    >>> t = pd.DataFrame({"team_id": ["T1"], "kind": ["团队"], "region_code": ["430104"],
    ...                   "fields": ["新材料"], "keywords": [""], "capacity": [1]})
    >>> a = assign_tech(match_tech(d, t))
    >>> a.table[["demand_id", "team_id"]].to_numpy().tolist(), a.unassigned
    ([['D1', 'T1']], ['D2'])
    """
    from xinzhi.match.assign import capacity_assignment

    if method not in ("lsa", "milp"):
        raise InputError(f"分配方法应为 lsa 或 milp，收到 {method!r}")
    s = match.scores.T  # teams × demands
    feasible = ~np.isnan(s)
    out = capacity_assignment(
        np.nan_to_num(s, nan=0.0),
        capacity=match.remaining,
        feasible=feasible,
        min_score=float(min_score),
        method="milp" if method == "milp" else "lsa",
        job_ids=match.team_ids,
        talent_ids=match.demand_ids,
    )
    pairs = match.pairs.drop_duplicates(["demand_id", "team_id"]).set_index(
        ["demand_id", "team_id"]
    )
    title = dict(zip(match.demand_ids, match.demand_titles, strict=False))
    name = dict(zip(match.team_ids, match.team_names, strict=False))
    table = pd.DataFrame(
        {
            "demand_id": out["person_id"].astype(str),
            "title": [title.get(str(x), "") for x in out["person_id"]],
            "team_id": out["job_id"].astype(str),
            "team_name": [name.get(str(x), str(x)) for x in out["job_id"]],
            "score": out["score"].astype(float),
        }
    )
    table["points"] = (100 * table["score"]).round(1)
    table["reasons"] = [
        str(pairs.loc[(d, t), "reasons"]) if (d, t) in pairs.index else "（不在双向前 k 名推荐中）"
        for d, t in zip(table["demand_id"], table["team_id"], strict=True)
    ]
    table = table.sort_values(["demand_id"]).reset_index(drop=True)
    unassigned = sorted(set(match.demand_ids) - set(table["demand_id"]))
    return TechAssignment(
        table=table,
        unassigned=unassigned,
        method=method,
        min_score=float(min_score),
        synthetic=match.synthetic,
        notes=list(match.notes),
    )


# ----------------------------------------------------------------------------- 技术需求图谱
@dataclass
class DemandGraph(Result):
    """技术需求图谱: demands of each leading industry grouped by chain link and technology
    field (``chain, chain_link, field, demands, budget`` in 万元)."""

    table: pd.DataFrame
    synthetic: bool = False
    notes: Sequence[str] = field(default_factory=list)

    headers: ClassVar[dict[str, str]] = {
        "chain": "主导产业",
        "chain_link": "产业链环节",
        "field": "技术领域",
        "demands": "需求数",
        "budget": "预算合计（万元）",
    }

    def tables(self) -> dict[str, pd.DataFrame]:
        return {"技术需求图谱": self.table}

    def summary(self) -> str:
        t = self.table
        text = (
            f"技术需求图谱：{t['chain'].nunique()} 条主导产业链、{len(t)} 个“环节 × 领域”格，"
            f"需求 {int(t['demands'].sum())} 项，预算合计 {float(t['budget'].sum()):.1f} 万元。"
        )
        return self.labelled(text)


def demand_graph(demands: pd.DataFrame, *, chain: str | None = None) -> DemandGraph:
    """Count and sum the budgets of demands by ``chain``, ``chain_link`` and ``field``.

    Demands without a chain or link are grouped under "未标注"; a field outside
    :data:`TECH_FIELDS` under "其他". ``chain``: keep one leading industry.

    >>> d = pd.DataFrame({"chain": ["工程机械"] * 3, "chain_link": ["液压与传动件"] * 2 + ["整机制造"],
    ...                   "field": ["先进制造", "先进制造与自动化", "新材料"], "budget": [50, 30, None]})
    >>> demand_graph(d).table.to_numpy().tolist()
    [['工程机械', '整机制造', '新材料', 1, 0.0], ['工程机械', '液压与传动件', '先进制造与自动化', 2, 80.0]]
    """
    _require(demands, ["chain", "chain_link", "field"], "技术需求表")
    frame = pd.DataFrame(
        {
            "chain": demands["chain"].map(lambda x: _norm(x) or "未标注"),
            "chain_link": demands["chain_link"].map(lambda x: _norm(x) or "未标注"),
            "field": demands["field"].map(lambda x: tech_field(x) or "其他"),
            "budget": pd.to_numeric(demands["budget"], errors="coerce")
            if "budget" in demands.columns
            else np.nan,
        }
    )
    if chain is not None:
        frame = frame[frame["chain"] == chain]
    table = (
        frame.groupby(["chain", "chain_link", "field"], sort=True)
        .agg(demands=("field", "size"), budget=("budget", lambda s: float(s.sum(min_count=0))))
        .reset_index()
    )
    table["demands"] = table["demands"].astype(int)
    synthetic = bool(
        "synthetic" in demands.columns and demands["synthetic"].fillna(False).astype(bool).any()
    )
    return DemandGraph(table=table, synthetic=synthetic)
