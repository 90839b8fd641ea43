"""Two-sided talent ↔ job matching (人岗双向匹配): hard filters, soft scores, top-k, reasons.

For every job the best talents and for every talent the best jobs, each with a rank, a score,
a 匹配度 (calibrated, 0–100) and the reasons in Chinese. Frames as in ``docs/match_pairing.md``
(jobs: ``job_id, region_code, location, title, text, education_min, years_min, skills,
occupation_code, positions``; talents: ``person_id, region_code, location, text,
education_level, years, skills, occupation_code``); the text vectors are precomputed unit rows
(:func:`xinzhi.match.text.get_embedder`, cached by the pipeline).

**Hard filters** (boolean masks, never mixed into the score; a pair failing one is not listed):

- location (``location="county"``, default): the talent lives in the job's county
  (``region_code`` equal), or the talent's ``location`` (期望工作地) names the job's county
  (its code or its ``location`` text), or says 不限 / 全国 / 均可, or the optional talents
  column ``relocate`` is true. ``location="none"`` switches the filter off.
- education: ``education_level ≥ education_min`` (levels of
  :data:`xinzhi.match.vocab.EDUCATION_LEVELS`; 0 不详 or missing on either side passes — the
  reasons then say 学历不详).
- years (only with ``years_hard=True``): ``years ≥ years_min`` (missing passes).

**Soft score** of a pair (job ``j``, talent ``t``), all components in [0, 1]::

    score = (w_text·T + w_skills·S + w_occupation·O + w_experience·E) / (w_text + … + w_experience)

- ``T`` text: :func:`xinzhi.match.text.hybrid` with ``norm="dense"`` of the cosine of the unit
  vectors and the BM25 score (:class:`xinzhi.match.text.BM25Index`, Robertson & Zaragoza 2009)
  of the query's text against the other side's *skills + text*: ``alpha·clip(cos, 0, 1) +
  (1 − alpha)·minmax_row(BM25)``. The query is the job for job → talents and the talent for
  talent → jobs, so ``T`` (and the score) depends on the direction.
- ``S`` skills: the share of the job's required skills the talent has,
  ``|skills_j ∩ skills_t| / |skills_j|`` (0 when the job lists none). Skills come from the
  ``skills`` column (canonical names, ";"-joined) or, when a frame has none, from the text by
  :func:`xinzhi.match.vocab.find_skills_many`.
- ``O`` occupation (国家职业分类大典 2022 codes ``G-MM-mm-uu``): 1 same occupation, 0.5 same
  小类 (first three parts), 0.25 same 中类 (first two), 0 otherwise or unknown.
- ``E`` experience: ``min(1, years / years_min)``; 1 when the job asks no experience; 0.5 when
  the talent's years are unknown.

Default weights :data:`DEFAULT_WEIGHTS` (text 0.5, skills 0.25, occupation 0.15, experience
0.10; alpha 0.7) lean on the text like the hybrid of :mod:`xinzhi.match.text`; they are options
(``weights=``, ``alpha=``) and are reported with every result. 匹配度 =
:func:`xinzhi.match.text.calibrate` of the score (a logistic curve, parameters fitted on the
evaluation set by :func:`fit_calibration`; ``calibration=`` overrides them) — never a raw
cosine.

**Computation**: the score matrices are built in blocks of ``block_rows`` query rows (float32
dense products, sparse products for BM25 and skills, broadcast comparisons for codes, years,
education and location); the top-k of each row by :func:`numpy.argpartition`, then sorted
(score descending; ties by position). No Python loop over pairs; the reasons are written for
the listed pairs only. 20,000 × 20,000 both ways: see ``benchmarks/match_scale.py``.

**Assignment**: :func:`match_assignment` runs :func:`xinzhi.match.assign.capacity_assignment`
(jobs' ``positions``) or :func:`xinzhi.match.assign.stable_matching` (Gale & Shapley 1962; job
preferences from the job → talents scores, talent preferences from talent → jobs) on the
feasible pairs.

Example (two jobs, three talents, no vectors: text = BM25 only)::

    >>> jobs = pd.DataFrame({"job_id": ["J1", "J2"], "region_code": ["371121", "371121"],
    ...     "title": ["焊工", "会计"], "text": ["招焊工，氩弧焊", "招会计，做账报税"],
    ...     "education_min": [1, 3], "years_min": [2, 0], "skills": ["氩弧焊;焊工证", "会计"],
    ...     "occupation_code": ["6-18-02-04", "2-06-03-00"]})
    >>> talents = pd.DataFrame({"person_id": ["A", "B", "C"],
    ...     "region_code": ["371121", "371121", "410523"], "location": ["", "", "不限"],
    ...     "text": ["焊工八年，氩弧焊", "会计本科", "会计大专"], "education_level": [1, 4, 2],
    ...     "years": [8, 3, 5], "skills": ["氩弧焊;焊工证", "会计", "会计"],
    ...     "occupation_code": ["6-18-02-04", "2-06-03-00", "2-06-03-00"]})
    >>> r = match_pairs(jobs, talents, k=2, calibration={"slope": 10, "midpoint": 0.5})
    >>> t = r.tidy()
    >>> t[t.direction == "job"][["job_id", "person_id", "rank"]].values.tolist()
    [['J1', 'A', 1], ['J1', 'B', 2], ['J2', 'B', 1]]
    >>> r.tidy().iloc[0]["reasons"]
    '技能：氩弧焊、焊工证（2/2）；职业：相同（6-18-02-04）；学历：初中及以下≥初中及以下；经验：8年≥2年；地点：同县'

(C is left out: 大专 is required of J2 and C's 高中 is below it.)
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal

import numpy as np
import pandas as pd

from xinzhi.errors import InputError
from xinzhi.results import Result

__all__ = [
    "DEFAULT_WEIGHTS",
    "PairingResult",
    "feasible_matrix",
    "fit_calibration",
    "match_assignment",
    "match_pairs",
    "score_matrix",
]

#: Default weights of the soft-score components (see the module docstring).
DEFAULT_WEIGHTS: dict[str, float] = {
    "text": 0.5,
    "skills": 0.25,
    "occupation": 0.15,
    "experience": 0.10,
}
WEIGHT_LABELS = {"text": "文本", "skills": "技能", "occupation": "职业", "experience": "经验"}
#: Words of a talent's 期望工作地 meaning "anywhere".
ANYWHERE = frozenset({"不限", "全国", "均可", "不限地点", "任意", "any"})

Direction = Literal["job", "talent", "both"]
EDU_LABELS = {
    0: "不详",
    1: "初中及以下",
    2: "高中/中专/技校",
    3: "大专",
    4: "本科",
    5: "硕士",
    6: "博士",
}  # the ladder of match.vocab.EDUCATION_LEVELS (kept equal by a test)


# --------------------------------------------------------------------------- frame helpers
def _col(df: pd.DataFrame, name: str, default: Any = None) -> pd.Series:
    if name in df.columns:
        return df[name]
    return pd.Series([default] * len(df), index=df.index, dtype=object)


def _str(s: pd.Series) -> np.ndarray:
    return np.array(["" if (v is None or v != v) else str(v).strip() for v in s], dtype=object)


def _num(s: pd.Series) -> np.ndarray:
    return pd.to_numeric(s, errors="coerce").to_numpy(dtype=float)


def _split(v: Any) -> list[str]:
    if v is None or (isinstance(v, float) and v != v):
        return []
    return [x.strip() for x in re.split(r"[;；,，、|]", str(v)) if x.strip()]


def _skills(df: pd.DataFrame) -> list[list[str]]:
    if "skills" in df.columns:
        return [list(dict.fromkeys(_split(v))) for v in df["skills"]]
    from xinzhi.match.vocab import find_skills_many

    return find_skills_many([str(t) for t in _str(_col(df, "text", ""))])


def _require(df: pd.DataFrame, cols: Sequence[str], what: str) -> None:
    missing = [c for c in cols if c not in df.columns]
    if missing:
        raise InputError(f"{what}缺少列：{'、'.join(missing)}")
    key = cols[0]
    ids = df[key].astype(str)
    if ids.duplicated().any():
        dup = ids[ids.duplicated()].iloc[0]
        raise InputError(f"{what}的 {key} 有重复：{dup}")


def _unit(vectors: np.ndarray | None, n: int, what: str) -> np.ndarray | None:
    if vectors is None:
        return None
    v = np.asarray(vectors, dtype=np.float32)
    if v.ndim != 2 or v.shape[0] != n:
        raise InputError(f"{what}的向量应为 {n} 行的二维数组，收到形状 {v.shape}")
    return v


def _weights(weights: Mapping[str, float] | None) -> dict[str, float]:
    w = dict(DEFAULT_WEIGHTS)
    for key, value in (weights or {}).items():
        if key not in w:
            raise InputError(f"未知的权重项 {key!r}：可选 {'、'.join(DEFAULT_WEIGHTS)}")
        if not float(value) >= 0:
            raise InputError(f"权重 {key} 应为非负数，收到 {value!r}")
        w[key] = float(value)
    if sum(w.values()) <= 0:
        raise InputError("匹配权重之和应大于 0")
    return w


# --------------------------------------------------------------------------- prepared sides
@dataclass
class _Side:
    ids: list[str]
    region: np.ndarray
    loc: np.ndarray
    edu: np.ndarray
    years: np.ndarray
    occ: tuple[np.ndarray, np.ndarray, np.ndarray]  # factorised codes: unit, 小类, 中类
    occ_text: np.ndarray
    skills: list[list[str]]
    skill_matrix: Any  # scipy csr (n, n_skills), 0/1
    doc_text: list[str]  # skills + text (the BM25 document)
    query_text: list[str]  # text (the BM25 query)
    vectors: np.ndarray | None
    anywhere: np.ndarray  # talents: willing to work anywhere


def _occ_levels(codes: np.ndarray) -> list[np.ndarray]:
    parts = [str(c).split("-") if c else [] for c in codes]
    out = []
    for n in (4, 3, 2):
        out.append(np.array(["-".join(p[:n]) if len(p) >= n else "" for p in parts], dtype=object))
    return out


def _prepare(
    jobs: pd.DataFrame, talents: pd.DataFrame, jv: np.ndarray | None, tv: np.ndarray | None
) -> tuple[_Side, _Side]:
    from scipy import sparse

    j_sk, t_sk = _skills(jobs), _skills(talents)
    vocab: dict[str, int] = {}
    for items in (*j_sk, *t_sk):
        for s in items:
            vocab.setdefault(s, len(vocab))

    def hot(lists: list[list[str]]) -> Any:
        rows = [i for i, items in enumerate(lists) for _ in items]
        cols = [vocab[s] for items in lists for s in items]
        return sparse.csr_matrix(
            (np.ones(len(rows), dtype=np.float32), (rows, cols)),
            shape=(len(lists), max(len(vocab), 1)),
        )

    j_occ = _str(_col(jobs, "occupation_code"))
    t_occ = _str(_col(talents, "occupation_code"))
    levels = [_occ_levels(j_occ), _occ_levels(t_occ)]
    # factorise each level over both sides together: equal codes -> equal integers, "" -> -1
    occ_codes: list[list[np.ndarray]] = [[], []]
    for lv in range(3):
        both = np.concatenate([levels[0][lv], levels[1][lv]])
        codes, _ = pd.factorize(both)
        codes = np.where(both == "", -1, codes)
        occ_codes[0].append(codes[: len(jobs)])
        occ_codes[1].append(codes[len(jobs) :])

    def side(
        df: pd.DataFrame, key: str, edu: str, years: str, sk: list[list[str]], k: int
    ) -> _Side:
        text = _str(_col(df, "text", ""))
        title = _str(_col(df, "title", ""))
        loc = _str(_col(df, "location", ""))
        relocate = _col(df, "relocate", False).fillna(False).astype(bool).to_numpy()
        return _Side(
            ids=[str(x) for x in df[key]],
            region=_str(_col(df, "region_code", "")),
            loc=loc,
            edu=_num(_col(df, edu)),
            years=_num(_col(df, years)),
            occ=(occ_codes[k][0], occ_codes[k][1], occ_codes[k][2]),
            occ_text=j_occ if k == 0 else t_occ,
            skills=sk,
            skill_matrix=hot(sk),
            doc_text=[
                f"{ti} {' '.join(s)} {tx}" for ti, s, tx in zip(title, sk, text, strict=True)
            ],
            query_text=[f"{ti} {tx}" for ti, tx in zip(title, text, strict=True)],
            vectors=jv if k == 0 else tv,
            anywhere=np.array([x in ANYWHERE for x in loc], dtype=bool) | relocate,
        )

    return (
        side(jobs, "job_id", "education_min", "years_min", j_sk, 0),
        side(talents, "person_id", "education_level", "years", t_sk, 1),
    )


# --------------------------------------------------------------------------- components
def _feasible(
    J: _Side, T: _Side, ji: np.ndarray, ti: np.ndarray, location: str, years_hard: bool
) -> np.ndarray:
    """Hard filters for jobs ``ji`` × talents ``ti`` (boolean matrix)."""
    je, te = J.edu[ji][:, None], T.edu[ti][None, :]
    ok = ~((je > 0) & (te > 0) & (te < je))
    if location == "county":
        jr, tr = J.region[ji][:, None], T.region[ti][None, :]
        tl = T.loc[ti][None, :]
        same = (jr == tr) & (jr != "")
        named = (tl != "") & ((tl == jr) | (tl == J.loc[ji][:, None]))
        ok &= same | named | T.anywhere[ti][None, :]
    if years_hard:
        jy, ty = J.years[ji][:, None], T.years[ti][None, :]
        ok &= ~((jy > 0) & (ty < jy))  # NaN compares False: unknown passes
    return ok


def _soft(J: _Side, T: _Side, ji: np.ndarray, ti: np.ndarray) -> dict[str, np.ndarray]:
    """Skills, occupation and experience components for jobs ``ji`` × talents ``ti``."""
    inter = (J.skill_matrix[ji] @ T.skill_matrix[ti].T).toarray()
    need = np.asarray(J.skill_matrix[ji].sum(axis=1), dtype=np.float32)
    S = np.divide(inter, need, out=np.zeros_like(inter), where=need > 0)
    occ = np.zeros(S.shape, dtype=np.float32)
    for lv, val in ((2, 0.25), (1, 0.5), (0, 1.0)):  # coarse to fine: finer overwrites
        a, b = J.occ[lv][ji][:, None], T.occ[lv][ti][None, :]
        occ = np.where((a == b) & (a >= 0), np.float32(val), occ)
    jy, ty = J.years[ji][:, None], T.years[ti][None, :]
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.minimum(1.0, ty / np.where(jy > 0, jy, 1.0))
    E = np.where(~(jy > 0), 1.0, np.where(np.isnan(ty), 0.5, ratio)).astype(np.float32)
    E = np.broadcast_to(E, S.shape)
    return {"skills": S.astype(np.float32), "occupation": occ, "experience": E}


def _text_block(
    Q: _Side, D: _Side, qi: np.ndarray, index: Any, q_tokens: list[list[str]], alpha: float
) -> tuple[np.ndarray, np.ndarray]:
    """Text component (hybrid) and cosine for queries ``qi`` of side Q against all of D."""
    from xinzhi.match import text

    sparse_scores = index.scores_tokens([q_tokens[i] for i in qi])
    if Q.vectors is not None and D.vectors is not None:
        cos = Q.vectors[qi] @ D.vectors.T
    else:
        cos = np.zeros(sparse_scores.shape, dtype=np.float32)
        alpha = 0.0
    hyb = text.hybrid(cos, sparse_scores, alpha=alpha, norm="dense")
    return np.asarray(hyb, dtype=np.float32), cos


def _combine(w: Mapping[str, float], T: np.ndarray, soft: Mapping[str, np.ndarray]) -> np.ndarray:
    total = sum(w.values())
    out = (w["text"] / total) * T
    for key in ("skills", "occupation", "experience"):
        out = out + (w[key] / total) * soft[key]
    return out.astype(np.float32)


def _topk(block: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Columns and values of the k best of each row (−inf = excluded), best first; ties by
    column position."""
    n = block.shape[1]
    kk = min(k, n)
    if kk < n:
        part = np.argpartition(-block, kk - 1, axis=1)[:, :kk]
    else:
        part = np.broadcast_to(np.arange(n), block.shape).copy()
    vals = np.take_along_axis(block, part, axis=1)
    order = np.lexsort((part, -vals), axis=1)
    cols = np.take_along_axis(part, order, axis=1)
    return cols, np.take_along_axis(vals, order, axis=1)


# --------------------------------------------------------------------------- result
@dataclass
class PairingResult(Result):
    """Two-sided top-k of jobs and talents.

    ``pairs``: one row per listed pair and direction — ``job_id, person_id, direction``
    (``job``: the talent is among the job's top-k; ``talent``: the job is among the talent's),
    ``rank``, ``score`` (0–1), ``match_pct`` (匹配度 0–100), ``reasons`` (Chinese) and the
    components ``text, skills, occupation, experience``.
    """

    pairs: pd.DataFrame
    k: int
    weights: dict[str, float]
    options: dict[str, Any]
    n_jobs: int
    n_talents: int
    n_feasible: int
    synthetic: bool = False
    notes: Sequence[str] = field(default_factory=list)

    headers: ClassVar[dict[str, str]] = {
        "job_id": "岗位编号",
        "title": "岗位",
        "person_id": "人才编号",
        "direction": "方向",
        "rank": "名次",
        "score": "得分",
        "match_pct": "匹配度",
        "reasons": "匹配理由",
        "text": "文本相似",
        "skills": "技能覆盖",
        "occupation": "职业匹配",
        "experience": "经验符合",
    }

    def tables(self) -> dict[str, pd.DataFrame]:
        p = self.pairs
        return {
            "岗位→人才": p[p["direction"] == "job"].reset_index(drop=True),
            "人才→岗位": p[p["direction"] == "talent"].reset_index(drop=True),
        }

    def tidy(self) -> pd.DataFrame:
        return self.pairs.copy()

    def info_table(self) -> pd.DataFrame:
        w = self.weights
        o = self.options
        return pd.DataFrame(
            {
                "项目": ["得分公式", "权重", "文本", "硬性条件", "匹配度", "方法说明"],
                "内容": [
                    "得分 = (w_文本·文本 + w_技能·技能覆盖 + w_职业·职业 + w_经验·经验) / Σw",
                    "；".join(f"{k}={v:g}" for k, v in w.items()) + f"；alpha={o['alpha']:g}",
                    "alpha·语义余弦(截断到0–1) + (1−alpha)·BM25(按查询最小–最大缩放)",
                    "地点：同县或愿意前往；学历≥岗位最低学历（不详者放行）"
                    + ("；工作年限≥岗位要求" if o["years_hard"] else ""),
                    "匹配度 = 100 / (1 + exp(−slope·(得分 − midpoint)))，参数在评测集上拟合",
                    "docs/match_pairing.md",
                ],
            }
        )

    def summary(self) -> str:
        p = self.pairs
        d = p[(p["direction"] == "job") & (p["rank"] == 1)]
        t = p[(p["direction"] == "talent") & (p["rank"] == 1)]
        no_job = self.n_jobs - int(p.loc[p["direction"] == "job", "job_id"].nunique())
        no_tal = self.n_talents - int(p.loc[p["direction"] == "talent", "person_id"].nunique())
        lines = [
            f"人岗双向匹配：岗位 {self.n_jobs} 个 × 人才 {self.n_talents} 人，"
            f"各取前 {self.k} 名；满足硬性条件的组合 {self.n_feasible} 个。",
        ]
        if len(d):
            lines.append(
                f"岗位→人才：第一名匹配度中位数 {float(d['match_pct'].median()):.1f}；"
                f"{no_job} 个岗位没有符合硬性条件的人才。"
            )
        if len(t):
            lines.append(
                f"人才→岗位：第一名匹配度中位数 {float(t['match_pct'].median()):.1f}；"
                f"{no_tal} 人没有符合硬性条件的岗位。"
            )
        lines.append(
            "权重："
            + "、".join(f"{WEIGHT_LABELS[k]} {v:g}" for k, v in self.weights.items())
            + f"；文本中语义占比 alpha {self.options['alpha']:g}。"
        )
        return self.labelled("\n".join(lines))


# --------------------------------------------------------------------------- reasons
def _reasons(J: _Side, T: _Side, ji: np.ndarray, ti: np.ndarray, occ: np.ndarray) -> list[str]:
    out = []
    for j, t, o in zip(ji.tolist(), ti.tolist(), occ.tolist(), strict=True):
        parts = []
        need = J.skills[j]
        if need:
            have = set(T.skills[t])
            hit = [s for s in need if s in have]
            parts.append(
                f"技能：{'、'.join(hit[:6])}（{len(hit)}/{len(need)}）"
                if hit
                else f"技能：0/{len(need)}"
            )
        code = J.occ_text[j]
        if o >= 1.0:
            parts.append(f"职业：相同（{code}）")
        elif o >= 0.5:
            parts.append("职业：同一小类")
        elif o > 0:
            parts.append("职业：同一中类")
        je, te = J.edu[j], T.edu[t]
        if je > 0 and te > 0:
            parts.append(f"学历：{EDU_LABELS.get(int(te), '?')}≥{EDU_LABELS.get(int(je), '?')}")
        elif je > 0:
            parts.append(f"学历：不详（要求{EDU_LABELS.get(int(je), '?')}）")
        jy, ty = J.years[j], T.years[t]
        if jy > 0:
            if ty == ty:
                sign = "≥" if ty >= jy else "<"
                parts.append(f"经验：{ty:g}年{sign}{jy:g}年")
            else:
                parts.append(f"经验：不详（要求{jy:g}年）")
        if J.region[j] and J.region[j] == T.region[t]:
            parts.append("地点：同县")
        elif T.anywhere[t]:
            parts.append("地点：愿意异地")
        elif T.loc[t]:
            parts.append(f"地点：期望{T.loc[t]}")
        out.append("；".join(parts))
    return out


# --------------------------------------------------------------------------- main entry
def _check_options(k: int, direction: str, location: str, alpha: float, block_rows: int) -> None:
    if not isinstance(k, int | np.integer) or k < 1:
        raise InputError(f"k（每侧名单长度）应为不小于 1 的整数，收到 {k!r}")
    if direction not in ("job", "talent", "both"):
        raise InputError(f"direction 应为 job、talent 或 both，收到 {direction!r}")
    if location not in ("county", "none"):
        raise InputError(f"location（地点条件）应为 county 或 none，收到 {location!r}")
    if not 0.0 <= float(alpha) <= 1.0:
        raise InputError(f"alpha（语义分数的权重）应在 0 到 1 之间，收到 {alpha}")
    if not isinstance(block_rows, int | np.integer) or block_rows < 1:
        raise InputError(f"block_rows 应为正整数，收到 {block_rows!r}")


def _inputs(
    jobs: pd.DataFrame,
    talents: pd.DataFrame,
    job_vectors: np.ndarray | None,
    talent_vectors: np.ndarray | None,
) -> tuple[_Side, _Side]:
    _require(jobs, ["job_id", "text"], "岗位表")
    _require(talents, ["person_id", "text"], "人才表")
    if (job_vectors is None) != (talent_vectors is None):
        raise InputError("语义向量应同时给出岗位与人才两侧，或都不给")
    jv = _unit(job_vectors, len(jobs), "岗位")
    tv = _unit(talent_vectors, len(talents), "人才")
    if jv is not None and tv is not None and jv.shape[1] != tv.shape[1]:
        raise InputError(f"岗位向量维度 {jv.shape[1]} 与人才向量维度 {tv.shape[1]} 不一致")
    return _prepare(jobs, talents, jv, tv)


def _direction_blocks(
    J: _Side,
    T: _Side,
    *,
    as_jobs: bool,
    w: Mapping[str, float],
    alpha: float,
    location: str,
    years_hard: bool,
    block_rows: int,
) -> Any:
    """Yield (rows, score block with −inf for infeasible, components) per block of query rows;
    the query side is jobs when ``as_jobs`` else talents."""
    from xinzhi.match import text

    Q, D = (J, T) if as_jobs else (T, J)
    index = text.BM25Index.build(D.doc_text)
    q_tokens = [text.tokenize(s) for s in Q.query_text]
    nq, nd = len(Q.ids), len(D.ids)
    all_d = np.arange(nd)
    for start in range(0, nq, block_rows):
        qi = np.arange(start, min(start + block_rows, nq))
        tb, _ = _text_block(Q, D, qi, index, q_tokens, alpha)
        if as_jobs:
            soft = _soft(J, T, qi, all_d)
            ok = _feasible(J, T, qi, all_d, location, years_hard)
        else:
            soft = {key: v.T for key, v in _soft(J, T, all_d, qi).items()}
            ok = _feasible(J, T, all_d, qi, location, years_hard).T
        score = _combine(w, tb, soft)
        yield qi, np.where(ok, score, -np.inf).astype(np.float32), tb, soft


def match_pairs(
    jobs: pd.DataFrame,
    talents: pd.DataFrame,
    *,
    job_vectors: np.ndarray | None = None,
    talent_vectors: np.ndarray | None = None,
    k: int = 10,
    direction: Direction = "both",
    weights: Mapping[str, float] | None = None,
    alpha: float = 0.7,
    location: Literal["county", "none"] = "county",
    years_hard: bool = False,
    embedder: str = "e5",
    calibration: Mapping[str, float] | None = None,
    block_rows: int = 2000,
    reasons: bool = True,
) -> PairingResult:
    """Job → top-k talents and talent → top-k jobs (formulas in the module docstring).

    Parameters
    ----------
    jobs, talents : DataFrame
        The frames of ``docs/match_pairing.md`` (at least ``job_id, text`` and
        ``person_id, text``; absent columns count as unknown).
    job_vectors, talent_vectors : ndarray, optional
        Unit text vectors in frame order (both or none; without them the text part is BM25).
    k : int
        List length per job and per talent.
    direction : {"job", "talent", "both"}
        Which lists to compute.
    weights : mapping, optional
        Overrides of :data:`DEFAULT_WEIGHTS` (keys text, skills, occupation, experience).
    alpha : float
        Weight of the cosine in the text part.
    location : {"county", "none"}
        The location filter (see the module docstring) or none.
    years_hard : bool
        Also require ``years ≥ years_min``.
    embedder : str
        Which embedder made the vectors: selects the calibration curve of
        :func:`xinzhi.match.text.calibrate`.
    calibration : mapping, optional
        ``{"slope", "midpoint"}`` overriding the calibration file.
    block_rows : int
        Query rows per block of the score matrices.
    reasons : bool
        Write the Chinese reasons (off: an empty column; for timing).

    Returns
    -------
    PairingResult
    """
    from xinzhi.match import text

    _check_options(k, direction, location, alpha, block_rows)
    w = _weights(weights)
    J, T = _inputs(jobs, talents, job_vectors, talent_vectors)
    notes: list[str] = []
    if J.vectors is None:
        notes.append("未提供语义向量：文本部分仅用 BM25")
    frames = []
    n_feasible = 0
    for as_jobs, name in ((True, "job"), (False, "talent")):
        if direction not in (name, "both"):
            continue
        for qi, block, tb, soft in _direction_blocks(
            J, T, as_jobs=as_jobs, w=w, alpha=alpha, location=location,
            years_hard=years_hard, block_rows=block_rows,
        ):  # fmt: skip
            if as_jobs or direction == "talent":
                n_feasible += int(np.isfinite(block).sum())
            cols, vals = _topk(block, k)
            keep = np.isfinite(vals)
            rows = np.broadcast_to(qi[:, None], cols.shape)[keep]
            cc = cols[keep]
            rank = np.broadcast_to(np.arange(1, cols.shape[1] + 1), cols.shape)[keep]
            local = rows - qi[0]
            ji, ti = (rows, cc) if as_jobs else (cc, rows)
            frames.append(
                pd.DataFrame(
                    {
                        "job": ji,
                        "talent": ti,
                        "direction": name,
                        "rank": rank,
                        "score": vals[keep].astype(float),
                        "text": tb[local, cc].astype(float),
                        "skills": soft["skills"][local, cc].astype(float),
                        "occupation": soft["occupation"][local, cc].astype(float),
                        "experience": soft["experience"][local, cc].astype(float),
                    }
                )
            )
    cols_out = [
        "job_id", "title", "person_id", "direction", "rank", "score", "match_pct", "reasons",
        "text", "skills", "occupation", "experience",
    ]  # fmt: skip
    if frames:
        p = pd.concat(frames, ignore_index=True)
    else:
        p = pd.DataFrame({c: pd.Series(dtype=float) for c in ("job", "talent", "rank", "score")})
        for c in ("direction", "text", "skills", "occupation", "experience"):
            p[c] = pd.Series(dtype=float)
    ji = p["job"].to_numpy(dtype=np.int64)
    ti = p["talent"].to_numpy(dtype=np.int64)
    p["job_id"] = np.asarray(J.ids, dtype=object)[ji] if len(p) else []
    p["person_id"] = np.asarray(T.ids, dtype=object)[ti] if len(p) else []
    titles = _str(_col(jobs, "title", ""))
    p["title"] = titles[ji] if len(p) else []
    p["match_pct"] = (
        text.calibrate(p["score"].to_numpy(dtype=float), embedder=embedder, params=calibration)
        if len(p)
        else []
    )
    p["reasons"] = _reasons(J, T, ji, ti, p["occupation"].to_numpy()) if reasons else ""
    p["rank"] = p["rank"].astype(int)
    synthetic = bool(
        ("synthetic" in jobs.columns and jobs["synthetic"].fillna(False).astype(bool).any())
        or (
            "synthetic" in talents.columns and talents["synthetic"].fillna(False).astype(bool).any()
        )
    )
    return PairingResult(
        pairs=p[cols_out].reset_index(drop=True),
        k=int(k),
        weights=w,
        options={
            "direction": direction,
            "alpha": float(alpha),
            "location": location,
            "years_hard": bool(years_hard),
            "embedder": embedder,
            "calibration": dict(calibration) if calibration else None,
            "block_rows": int(block_rows),
        },
        n_jobs=len(J.ids),
        n_talents=len(T.ids),
        n_feasible=n_feasible,
        synthetic=synthetic,
        notes=notes,
    )


def score_matrix(
    jobs: pd.DataFrame,
    talents: pd.DataFrame,
    *,
    job_vectors: np.ndarray | None = None,
    talent_vectors: np.ndarray | None = None,
    direction: Literal["job", "talent"] = "job",
    weights: Mapping[str, float] | None = None,
    alpha: float = 0.7,
    location: Literal["county", "none"] = "county",
    years_hard: bool = False,
    block_rows: int = 2000,
) -> np.ndarray:
    """The full soft-score matrix, jobs × talents (``direction`` = whose texts are the
    queries), with −inf where a hard filter fails. Memory: jobs × talents float32."""
    _check_options(1, direction, location, alpha, block_rows)
    if direction == "both":
        raise InputError("score_matrix 的 direction 应为 job 或 talent")
    w = _weights(weights)
    J, T = _inputs(jobs, talents, job_vectors, talent_vectors)
    as_jobs = direction == "job"
    out = np.empty((len(J.ids), len(T.ids)) if as_jobs else (len(T.ids), len(J.ids)), np.float32)
    for qi, block, _, _ in _direction_blocks(
        J, T, as_jobs=as_jobs, w=w, alpha=alpha, location=location,
        years_hard=years_hard, block_rows=block_rows,
    ):  # fmt: skip
        out[qi] = block
    return out if as_jobs else out.T


def feasible_matrix(
    jobs: pd.DataFrame,
    talents: pd.DataFrame,
    *,
    location: Literal["county", "none"] = "county",
    years_hard: bool = False,
) -> np.ndarray:
    """The hard filters as a boolean matrix jobs × talents."""
    _check_options(1, "job", location, 0.5, 1)
    J, T = _inputs(jobs, talents, None, None)
    return _feasible(J, T, np.arange(len(J.ids)), np.arange(len(T.ids)), location, years_hard)


def match_assignment(
    jobs: pd.DataFrame,
    talents: pd.DataFrame,
    *,
    job_vectors: np.ndarray | None = None,
    talent_vectors: np.ndarray | None = None,
    method: Literal["capacity", "stable"] = "capacity",
    proposers: Literal["jobs", "talents"] = "jobs",
    weights: Mapping[str, float] | None = None,
    alpha: float = 0.7,
    location: Literal["county", "none"] = "county",
    years_hard: bool = False,
    min_score: float = 0.0,
) -> pd.DataFrame:
    """Assign talents to jobs on the feasible pairs.

    ``method="capacity"``: maximum total job → talents score with each job's ``positions``
    (default 1) and each talent at most once (:func:`xinzhi.match.assign.capacity_assignment`).
    ``method="stable"``: Gale–Shapley stable one-to-one matching, jobs ranking talents by the
    job → talents score and talents ranking jobs by the talent → jobs score
    (:func:`xinzhi.match.assign.stable_matching`). Returns ``job_id, person_id, score`` (and
    ``talent_score`` for stable). Builds full matrices: meant for a county's sets, not 20,000².
    """
    from xinzhi.match.assign import capacity_assignment, stable_matching

    kw: dict[str, Any] = dict(
        job_vectors=job_vectors, talent_vectors=talent_vectors, weights=weights, alpha=alpha,
        location=location, years_hard=years_hard,
    )  # fmt: skip
    s_job = score_matrix(jobs, talents, direction="job", **kw)
    feasible = np.isfinite(s_job)
    base = np.where(feasible, s_job, 0.0)
    j_ids, t_ids = [str(x) for x in jobs["job_id"]], [str(x) for x in talents["person_id"]]
    if method == "capacity":
        cap = pd.to_numeric(_col(jobs, "positions", 1), errors="coerce").fillna(1).astype(int)
        out = capacity_assignment(
            base, capacity=cap.to_numpy(), feasible=feasible, min_score=min_score,
            job_ids=j_ids, talent_ids=t_ids,
        )  # fmt: skip
        return out[["job_id", "person_id", "score"]]
    if method == "stable":
        s_tal = score_matrix(jobs, talents, direction="talent", **kw)
        out = stable_matching(
            base, feasible=feasible, talent_scores=np.where(feasible, s_tal, 0.0),
            proposers=proposers, job_ids=j_ids, talent_ids=t_ids,
        )  # fmt: skip
        return out[["job_id", "person_id", "score", "talent_score"]]
    raise InputError(f"分配方法应为 capacity 或 stable，收到 {method!r}")


# --------------------------------------------------------------------------- calibration fit
def fit_calibration(
    scores: np.ndarray, relevance: np.ndarray, *, threshold: float = 2, ridge: float = 1e-4
) -> dict[str, float]:
    """Fit the 匹配度 curve ``100 / (1 + exp(−slope·(s − midpoint)))`` to judged pairs.

    Logistic regression (maximum likelihood, Newton–Raphson) of ``relevance ≥ threshold`` on
    the score — Platt, J. (1999), "Probabilistic outputs for support vector machines and
    comparisons to regularized likelihood methods", *Advances in Large Margin Classifiers*:
    61–74 — with a small ridge on the slope so separable data stay finite. Returns ``slope``
    (> 0) and ``midpoint`` (the score of 匹配度 50), the parameters of
    :func:`xinzhi.match.text.calibrate`.

    >>> s = np.array([0.1, 0.2, 0.3, 0.4, 0.6, 0.7, 0.8, 0.9])
    >>> rel = np.array([0, 0, 0, 2, 0, 3, 3, 3])
    >>> p = fit_calibration(s, rel)
    >>> round(p["midpoint"], 2), p["slope"] > 0
    (0.5, True)
    """
    x = np.asarray(scores, dtype=float).ravel()
    y = (np.asarray(relevance, dtype=float).ravel() >= threshold).astype(float)
    if x.shape != y.shape:
        raise InputError(f"得分 {x.shape} 与相关性 {y.shape} 的长度不一致")
    keep = np.isfinite(x)
    x, y = x[keep], y[keep]
    if y.min(initial=1) == y.max(initial=0):
        raise InputError("拟合匹配度需要同时有相关与不相关的样本")
    X = np.column_stack([x, np.ones_like(x)])
    beta = np.zeros(2)
    pen = np.diag([ridge, 0.0])
    for _ in range(100):
        p = 1.0 / (1.0 + np.exp(-np.clip(X @ beta, -700, 700)))
        grad = X.T @ (y - p) - pen @ beta
        hess = X.T @ (X * (p * (1 - p))[:, None]) + pen
        step = np.linalg.solve(hess, grad)
        beta = beta + step
        if np.abs(step).max() < 1e-10:
            break
    slope, intercept = float(beta[0]), float(beta[1])
    if not slope > 0:
        raise InputError(f"拟合的斜率不为正（{slope:.4g}）：得分与相关性不呈正向关系")
    return {"slope": slope, "midpoint": -intercept / slope}
