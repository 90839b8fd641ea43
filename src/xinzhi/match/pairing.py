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
:func:`xinzhi.match.text.calibrate` of the score with the curve of :data:`PAIRING_CALIBRATION`
for the embedder (a logistic curve fitted on the evaluation set by :func:`fit_calibration`:
the curves of ``calibration.yaml`` are for the bare hybrid text score, not for this score;
``calibration=`` overrides it) — never a raw cosine.

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
from xinzhi.match.text import check_vectors
from xinzhi.match.vocab import EDUCATION_LEVELS
from xinzhi.results import Result

__all__ = [
    "DEFAULT_WEIGHTS",
    "PairingIndex",
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
#: 匹配度 curves of the pairing score (``100 / (1 + exp(−slope·(score − midpoint)))``), one per
#: text back end ("bm25": no vectors), fitted by :func:`fit_calibration` on the evaluation set
#: (relevance ≥ 2 vs score of the feasible job → talents pairs, default weights, fields read
#: from the texts by match.parse): ``python benchmarks/match_eval.py`` on 2026-12-04.
PAIRING_CALIBRATION: dict[str, dict[str, float]] = {
    "e5": {"slope": 26.99, "midpoint": 0.588},
    "use": {"slope": 20.21, "midpoint": 0.454},
    "bm25": {"slope": 14.16, "midpoint": 0.479},
}
WEIGHT_LABELS = {"text": "文本", "skills": "技能", "occupation": "职业", "experience": "经验"}
#: Words of a talent's 期望工作地 meaning "anywhere".
ANYWHERE = frozenset({"不限", "全国", "均可", "不限地点", "任意", "any"})

Direction = Literal["job", "talent", "both"]
EDU_LABELS: dict[int, str] = dict(EDUCATION_LEVELS)  # the ladder of match.vocab


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
    vectors: np.ndarray | None
    anywhere: np.ndarray  # talents: willing to work anywhere
    title: np.ndarray
    texts: np.ndarray
    region_i: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    loc_i: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    occ_idx: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    yrs_idx: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    need: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.float32))
    #: jobs side only: occupation and experience components of every pair of distinct values
    #: (job value × talent value), gathered per block instead of computed per pair
    occ_table: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), dtype=np.float32))
    exp_table: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), dtype=np.float32))


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
        unknown = np.r_[np.full(len(jobs), -1), np.full(len(talents), -2)]
        codes = np.where(both == "", unknown, codes)
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
            vectors=jv if k == 0 else tv,
            anywhere=np.array([x in ANYWHERE for x in loc], dtype=bool) | relocate,
            title=title,
            texts=text,
        )

    J = side(jobs, "job_id", "education_min", "years_min", j_sk, 0)
    T = side(talents, "person_id", "education_level", "years", t_sk, 1)
    # county codes and names as integers over both sides ("" -> -1): fast equality tests
    allv = np.concatenate([J.region, J.loc, T.region, T.loc])
    codes, _ = pd.factorize(allv)
    codes = np.where(allv == "", -1, codes).astype(np.int64)
    nj, nt = len(J.ids), len(T.ids)
    J.region_i, J.loc_i = codes[:nj], codes[nj : 2 * nj]
    T.region_i, T.loc_i = codes[2 * nj : 2 * nj + nt], codes[2 * nj + nt :]
    # occupation: component of every (distinct job code, distinct talent code)
    j_first, j_u = _first_rows(J.occ_text)
    t_first, t_u = _first_rows(T.occ_text)
    J.occ_idx, T.occ_idx = j_u, t_u
    J.occ_table = _occ_component(J, T, j_first, t_first)
    # experience: years at 0.1 precision, component of every (distinct min, distinct years)
    jy, ty = np.round(J.years, 1), np.round(T.years, 1)
    J.yrs_idx, jy_u = _factor_float(jy)
    T.yrs_idx, ty_u = _factor_float(ty)
    J.exp_table = _exp_component(jy_u[:, None], ty_u[None, :])
    J.need = np.asarray(J.skill_matrix.sum(axis=1), dtype=np.float32).ravel()
    return J, T


def _first_rows(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(row of the first occurrence of each distinct value, index of each row's value)."""
    codes, uniques = pd.factorize(values)
    first = np.zeros(len(uniques), dtype=np.int64)
    first[codes[::-1]] = np.arange(len(codes))[::-1]
    return first, codes.astype(np.int64)


def _factor_float(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(index of each value among the distinct ones, the distinct values); NaN is one value."""
    codes, uniques = pd.factorize(x, use_na_sentinel=False)
    return codes.astype(np.int64), np.asarray(uniques, dtype=np.float32)


def _occ_component(J: _Side, T: _Side, jr: np.ndarray, tr: np.ndarray) -> np.ndarray:
    """Occupation component O of job rows ``jr`` × talent rows ``tr``: levels are nested (same
    unit ⇒ same 小类 ⇒ same 中类), so 0.25·[中类] + 0.25·[小类] + 0.5·[unit] is 1, 0.5, 0.25
    or 0; unknown codes never match (jobs −1, talents −2)."""
    occ = np.zeros((len(jr), len(tr)), dtype=np.float32)
    for lv, val in ((2, 0.25), (1, 0.25), (0, 0.5)):
        occ += (J.occ[lv][jr][:, None] == T.occ[lv][tr][None, :]) * np.float32(val)
    return occ


def _exp_component(jy: np.ndarray, ty: np.ndarray) -> np.ndarray:
    """Experience component E = min(1, years / years_min); 1 without a minimum; 0.5 when the
    talent's years are unknown."""
    jy, ty = np.broadcast_arrays(np.asarray(jy, np.float32), np.asarray(ty, np.float32))
    with np.errstate(divide="ignore", invalid="ignore"):
        E = np.minimum(np.float32(1.0), ty / np.where(jy > 0, jy, np.float32(1.0)))
    E = np.where(np.isnan(ty), np.float32(0.5), E)
    return np.where(jy > 0, E, np.float32(1.0)).astype(np.float32)


# --------------------------------------------------------------------------- components
def _feasible(
    J: _Side, T: _Side, ji: np.ndarray, ti: np.ndarray, location: str, years_hard: bool
) -> np.ndarray:
    """Hard filters for jobs ``ji`` × talents ``ti`` (boolean matrix)."""
    je, te = J.edu[ji][:, None], T.edu[ti][None, :]
    ok = ~((je > 0) & (te > 0) & (te < je))
    if location == "county":
        jr, tr = J.region_i[ji][:, None], T.region_i[ti][None, :]
        tl = T.loc_i[ti][None, :]
        same = (jr == tr) & (jr >= 0)
        named = (tl >= 0) & ((tl == jr) | (tl == J.loc_i[ji][:, None]))
        ok &= same | named | T.anywhere[ti][None, :]
    if years_hard:
        jy, ty = J.years[ji][:, None], T.years[ti][None, :]
        ok &= ~((jy > 0) & (ty < jy))  # NaN compares False: unknown passes
    return ok


def _pair_components(J: _Side, T: _Side, ji: np.ndarray, ti: np.ndarray) -> dict[str, np.ndarray]:
    """Skills, occupation and experience components of the listed pairs (``ji[i]``, ``ti[i]``)."""
    inter = np.asarray(J.skill_matrix[ji].multiply(T.skill_matrix[ti]).sum(axis=1)).ravel()
    need = J.need[ji]
    S = np.divide(inter, need, out=np.zeros(len(ji), dtype=np.float64), where=need > 0)
    return {
        "skills": S,
        "occupation": J.occ_table[J.occ_idx[ji], T.occ_idx[ti]].astype(float),
        "experience": J.exp_table[J.yrs_idx[ji], T.yrs_idx[ti]].astype(float),
    }


def _add_soft(
    score: np.ndarray, J: _Side, T: _Side, qi: np.ndarray, as_jobs: bool, w: Mapping[str, float]
) -> None:
    """Add the weighted skills, occupation and experience components to a block in place
    (rows: jobs ``qi`` when ``as_jobs``, else talents ``qi``; columns: the whole other side)."""
    total = sum(w.values())
    if w["skills"]:
        inv = np.divide(
            np.float32(w["skills"] / total), J.need, out=np.zeros_like(J.need), where=J.need > 0
        )
        if as_jobs:
            S = (J.skill_matrix[qi] @ T.skill_matrix.T).toarray()
            S *= inv[qi][:, None]
        else:
            S = (T.skill_matrix[qi] @ J.skill_matrix.T).toarray()
            S *= inv[None, :]
        score += S
        del S
    for key, table, jidx, tidx in (
        ("occupation", J.occ_table, J.occ_idx, T.occ_idx),
        ("experience", J.exp_table, J.yrs_idx, T.yrs_idx),
    ):
        if not w[key]:
            continue
        tw = table * np.float32(w[key] / total)
        if as_jobs:
            score += tw[jidx[qi][:, None], tidx[None, :]]
        else:
            score += tw.T[tidx[qi][:, None], jidx[None, :]]


def _text_block(
    Q: _Side, D: _Side, qi: np.ndarray, index: Any, q_tokens: list[list[str]], alpha: float
) -> np.ndarray:
    """Text component of queries ``qi`` of side Q against all of D: the formula of
    :func:`xinzhi.match.text.hybrid` with ``norm="dense"``, ``alpha·clip(cos, 0, 1) +
    (1 − alpha)·minmax_row(BM25)``, computed in place in float32 (a test keeps the two equal)."""
    bm = index.scores_dense([q_tokens[i] for i in qi])
    if bm.shape[1]:
        lo = bm.min(axis=1, keepdims=True)
        span = bm.max(axis=1, keepdims=True) - lo
        bm -= lo
        a = 0.0 if Q.vectors is None or D.vectors is None else float(alpha)
        bm *= np.divide(np.float32(1.0 - a), span, out=np.zeros_like(span), where=span > 0)
    if Q.vectors is not None and D.vectors is not None and bm.shape[1]:
        cos = Q.vectors[qi] @ D.vectors.T
        np.clip(cos, 0.0, 1.0, out=cos)
        cos *= np.float32(alpha)
        bm += cos
    return bm


def _topk(block: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Columns and values of the k best of each row (−inf = excluded), best first; ties by
    column position, also at the k-th place.

    Scores are ≥ 0, so excluded entries are given distinct negative values −1 − c/n before
    :func:`numpy.argpartition`: its introselect slows down more than tenfold on the long runs
    of equal values (−inf) a filtered block has (measured: 0.6 s instead of 6–9 s for
    2,000 × 20,000 with 85 % excluded). Rows whose k-th value is shared by an entry left out
    (rare with dense vectors) are redone with a stable sort so that the smaller position wins."""
    n = block.shape[1]
    kk = min(k, n)
    if kk < n:
        fill = np.float32(-1.0) - np.arange(n, dtype=np.float32) / np.float32(n)
        work = np.where(np.isneginf(block), fill[None, :], block)
        # the k largest at the high end (also faster than partitioning the negated block)
        part = np.argpartition(work, n - kk, axis=1)[:, n - kk :]
        kth = np.take_along_axis(work, part, axis=1).min(axis=1, keepdims=True)
        chosen = (np.take_along_axis(work, part, axis=1) == kth).sum(axis=1)
        tied = np.flatnonzero((work == kth).sum(axis=1) > chosen)
        for r in tied.tolist():  # rows with a tie at the k-th place only
            part[r] = np.argsort(-work[r], kind="stable")[:kk]
        del work
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
                    "；".join(f"{WEIGHT_LABELS[k]}={v:g}" for k, v in w.items())
                    + f"；alpha={o['alpha']:g}",
                    "alpha·语义余弦(截断到0–1) + (1−alpha)·BM25(按查询最小–最大缩放)",
                    "地点：同县或愿意前往；学历≥岗位最低学历（不详者放行）"
                    + ("；工作年限≥岗位要求" if o["years_hard"] else ""),
                    "匹配度 = 100 / (1 + exp(−slope·(得分 − midpoint)))，"
                    + "slope={slope:g}，midpoint={midpoint:g}（在评测集上拟合）".format(
                        **(
                            o.get("calibration")
                            or {"slope": float("nan"), "midpoint": float("nan")}
                        )
                    ),
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
def _curve(embedder: str, has_vectors: bool) -> dict[str, float]:
    key = embedder if has_vectors else "bm25"
    if key not in PAIRING_CALIBRATION:
        raise InputError(
            f"没有嵌入模型 {embedder!r} 的匹配度校准参数（可选 {'、'.join(PAIRING_CALIBRATION)}）"
        )
    return dict(PAIRING_CALIBRATION[key])


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
    jv = check_vectors(job_vectors, len(jobs), "岗位")
    tv = check_vectors(talent_vectors, len(talents), "人才")
    if jv is not None and tv is not None and jv.shape[1] != tv.shape[1]:
        raise InputError(f"岗位向量维度 {jv.shape[1]} 与人才向量维度 {tv.shape[1]} 不一致")
    return _prepare(jobs, talents, jv, tv)


class PairingIndex:
    """The frames prepared once for repeated matching: skill matrices, factorised occupation
    codes, the BM25 index of each side (built when first needed) and the query tokens.

    :func:`match_pairs` builds one per call; build it yourself to answer many single queries
    (:meth:`query`) or to run both directions over large frames without preparing twice.
    """

    def __init__(
        self,
        jobs: pd.DataFrame,
        talents: pd.DataFrame,
        *,
        job_vectors: np.ndarray | None = None,
        talent_vectors: np.ndarray | None = None,
    ) -> None:
        self.jobs = jobs
        self.talents = talents
        self.J, self.T = _inputs(jobs, talents, job_vectors, talent_vectors)
        self._text: dict[bool, tuple[Any, list[list[str]]]] = {}
        self._tokens: dict[bool, tuple[list[list[str]], list[list[str]]]] = {}

    def tokens(self, jobs_side: bool) -> tuple[list[list[str]], list[list[str]]]:
        """(query tokens = title + text, document tokens = title + skills + text) of one side;
        each text tokenised once, titles and skills once per distinct value."""
        from xinzhi.match import text

        if jobs_side not in self._tokens:
            S = self.J if jobs_side else self.T
            memo: dict[str, list[str]] = {}

            def cached(v: str) -> list[str]:
                if v not in memo:
                    memo[v] = text.tokenize(v)
                return memo[v]

            body = [text.tokenize(t) for t in S.texts]
            head = [cached(t) for t in S.title]
            skills = [[w for s in items for w in cached(s)] for items in S.skills]
            query = [h + b for h, b in zip(head, body, strict=True)]
            doc = [h + s + b for h, s, b in zip(head, skills, body, strict=True)]
            self._tokens[jobs_side] = (query, doc)
        return self._tokens[jobs_side]

    def text_index(self, as_jobs: bool) -> tuple[Any, list[list[str]]]:
        """(BM25 index of the documents, tokens of the queries) for one direction."""
        from xinzhi.match import text

        if as_jobs not in self._text:
            index = text.BM25Index.from_tokens(self.tokens(not as_jobs)[1])
            self._text[as_jobs] = (index, self.tokens(as_jobs)[0])
        return self._text[as_jobs]

    def blocks(
        self,
        *,
        as_jobs: bool,
        w: Mapping[str, float],
        alpha: float,
        location: str,
        years_hard: bool,
        block_rows: int,
        rows: np.ndarray | None = None,
    ) -> Any:
        """Yield (query rows, score block with −inf where a hard filter fails, text part)
        per block of query rows (all rows, or ``rows``); the queries are the
        jobs when ``as_jobs`` else the talents."""
        J, T = self.J, self.T
        Q, D = (J, T) if as_jobs else (T, J)
        index, q_tokens = self.text_index(as_jobs)
        todo = np.arange(len(Q.ids)) if rows is None else np.asarray(rows, dtype=np.int64)
        all_d = np.arange(len(D.ids))
        for start in range(0, len(todo), block_rows):
            qi = todo[start : start + block_rows]
            tb = _text_block(Q, D, qi, index, q_tokens, alpha)
            score = tb * np.float32(w["text"] / sum(w.values()))
            _add_soft(score, J, T, qi, as_jobs, w)
            if as_jobs:
                ok = _feasible(J, T, qi, all_d, location, years_hard)
            else:
                ok = _feasible(J, T, all_d, qi, location, years_hard).T
            score[~ok] = -np.inf
            yield qi, score, tb

    def query(
        self,
        *,
        job_id: str | None = None,
        person_id: str | None = None,
        k: int = 10,
        **options: Any,
    ) -> pd.DataFrame:
        """The top-k of one job (``job_id``) or one talent (``person_id``) — the rows of
        :meth:`PairingResult.tidy` for that query; ``options`` as for :func:`match_pairs`."""
        if (job_id is None) == (person_id is None):
            raise InputError("query 需要且只需要 job_id 或 person_id 之一")
        as_jobs = job_id is not None
        ids = self.J.ids if as_jobs else self.T.ids
        key = str(job_id if as_jobs else person_id)
        try:
            row = ids.index(key)
        except ValueError:
            raise InputError(f"{'岗位' if as_jobs else '人才'}编号 {key} 不存在") from None
        res = self.match(
            k=k, direction="job" if as_jobs else "talent", rows=np.array([row]), **options
        )
        return res.tidy()

    def match(
        self,
        *,
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
        rows: np.ndarray | None = None,
    ) -> PairingResult:
        """:func:`match_pairs` on the prepared frames (``rows``: only these query rows)."""
        return _match(
            self, k=k, direction=direction, weights=weights, alpha=alpha, location=location,
            years_hard=years_hard, embedder=embedder, calibration=calibration,
            block_rows=block_rows, reasons=reasons, rows=rows,
        )  # fmt: skip


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
        Which embedder made the vectors ("e5" or "use"): selects the 匹配度 curve of
        :data:`PAIRING_CALIBRATION` ("bm25" when there are no vectors).
    calibration : mapping, optional
        ``{"slope", "midpoint"}`` overriding that curve.
    block_rows : int
        Query rows per block of the score matrices.
    reasons : bool
        Write the Chinese reasons (off: an empty column; for timing).

    Returns
    -------
    PairingResult
    """
    _check_options(k, direction, location, alpha, block_rows)
    index = PairingIndex(jobs, talents, job_vectors=job_vectors, talent_vectors=talent_vectors)
    return index.match(
        k=k, direction=direction, weights=weights, alpha=alpha, location=location,
        years_hard=years_hard, embedder=embedder, calibration=calibration,
        block_rows=block_rows, reasons=reasons,
    )  # fmt: skip


def _match(
    index: PairingIndex,
    *,
    k: int,
    direction: Direction,
    weights: Mapping[str, float] | None,
    alpha: float,
    location: Literal["county", "none"],
    years_hard: bool,
    embedder: str,
    calibration: Mapping[str, float] | None,
    block_rows: int,
    reasons: bool,
    rows: np.ndarray | None,
) -> PairingResult:
    from xinzhi.match import text

    _check_options(k, direction, location, alpha, block_rows)
    w = _weights(weights)
    J, T = index.J, index.T
    jobs, talents = index.jobs, index.talents
    notes: list[str] = []
    if J.vectors is None:
        notes.append("未提供语义向量：文本部分仅用 BM25")
    frames = []
    n_feasible = 0
    for as_jobs, name in ((True, "job"), (False, "talent")):
        if direction not in (name, "both"):
            continue
        for qi, block, tb in index.blocks(
            as_jobs=as_jobs, w=w, alpha=alpha, location=location,
            years_hard=years_hard, block_rows=block_rows, rows=rows,
        ):  # fmt: skip
            if as_jobs or direction == "talent":
                n_feasible += int(np.isfinite(block).sum())
            cols, vals = _topk(block, k)
            keep = np.isfinite(vals)
            local = np.broadcast_to(np.arange(len(qi))[:, None], cols.shape)[keep]
            qrow = qi[local]
            cc = cols[keep]
            rank = np.broadcast_to(np.arange(1, cols.shape[1] + 1), cols.shape)[keep]
            ji, ti = (qrow, cc) if as_jobs else (cc, qrow)
            comp = _pair_components(J, T, ji, ti)
            frames.append(
                pd.DataFrame(
                    {
                        "job": ji,
                        "talent": ti,
                        "direction": name,
                        "rank": rank,
                        "score": vals[keep].astype(float),
                        "text": tb[local, cc].astype(float),
                    }
                    | comp
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
    curve = dict(calibration) if calibration else _curve(embedder, J.vectors is not None)
    p["match_pct"] = (
        text.calibrate(p["score"].to_numpy(dtype=float), params=curve) if len(p) else []
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
            "calibration": curve,
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
    index = PairingIndex(jobs, talents, job_vectors=job_vectors, talent_vectors=talent_vectors)
    J, T = index.J, index.T
    as_jobs = direction == "job"
    out = np.empty((len(J.ids), len(T.ids)) if as_jobs else (len(T.ids), len(J.ids)), np.float32)
    for qi, block, _ in index.blocks(
        as_jobs=as_jobs, w=w, alpha=alpha, location=location,
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
