"""Benchmark: ranking quality of talent ↔ job matching on the labelled evaluation set.

The set is ``tests/fixtures/match/evalset/`` (40 postings × 41 résumés, every pair graded 0–3;
rules in its README). For each method, every posting ranks all résumés (direction ``job``) and
every résumé ranks all postings (direction ``talent``); printed per method and direction:
P@5, R@10, NDCG@10 and MRR (:mod:`xinzhi.match.metrics`; relevant = grade ≥ 2; NDCG with gains
2^grade − 1), the number of queries and the best P@5 any ranking could reach.

Methods (all read the *texts*; none sees the labeller's annotation columns, except the last):

- ``bm25`` — :class:`xinzhi.match.text.BM25Index` over the other side's texts;
- ``e5``, ``use`` — cosine of the unit vectors of :func:`xinzhi.match.text.get_embedder`
  (one ``passage`` vector per text, as the pipeline caches them);
- ``hybrid-e5``, ``hybrid-use`` — :func:`xinzhi.match.text.hybrid` (``alpha=0.7``,
  ``norm="dense"``);
- ``pairing-e5``, ``pairing-use`` — :func:`xinzhi.match.pairing.match_pairs`'s score with its
  hard filters (filtered pairs are not listed) on fields read from the texts
  (``match.parse`` when present, else skills and education by ``match.vocab``; counties and
  期望工作地 as given: they are form fields);
- ``pairing-e5-noloc``, ``pairing-use-noloc`` — the same without the location filter (the
  labelling rules count an unwilling candidate as a shortfall, the filter drops them);
- ``pairing-gold`` — the same on the labeller's annotation columns (an upper reference, not a
  measurement of the system).

Means are over the queries with at least one relevant document (all 40 postings; the résumés
written as distractors have none and are left out of the talent direction).

It then fits the 匹配度 curve (:func:`xinzhi.match.pairing.fit_calibration`, relevance ≥ 2 vs
score, all 1,640 job-direction pairs) for the hybrid scores of each embedder — the parameters of
``match/calibration.yaml`` (owner ``text``) — and for the pairing scores (the constants
``PAIRING_CALIBRATION`` of ``match/pairing.py``) and prints them.

    .venv/bin/python benchmarks/match_eval.py [--embedders e5,use] [--threads 1]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
EVALSET = ROOT / "tests" / "fixtures" / "match" / "evalset"
METRIC_COLS = ["p@5", "r@10", "ndcg@10", "rr"]


def load_set(
    path: Path = EVALSET,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """postings, résumés and qrels of the set (ids as strings)."""
    jobs = pd.read_csv(path / "postings.csv", dtype={"region_code": str, "job_id": str})
    talents = pd.read_csv(path / "resumes.csv", dtype={"region_code": str, "person_id": str})
    qrels = pd.read_csv(path / "qrels.csv", dtype={"job_id": str, "person_id": str})
    for df in (jobs, talents):
        df["location"] = df["location"].fillna("")
    return jobs, talents, qrels


def text_fields(jobs: pd.DataFrame, talents: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Frames for the system: ids, texts, counties and 期望工作地 as given; skills, education,
    years read from the texts (``match.parse`` when available, else ``match.vocab``)."""
    keep_j = ["job_id", "firm_name", "region_code", "location", "title", "text", "positions"]
    keep_t = ["person_id", "region_code", "location", "text"]
    j, t = jobs[keep_j].copy(), talents[keep_t].copy()
    try:
        from xinzhi.match import parse  # owner: parse (may land later)

        pj = parse.parse_postings(j["text"].tolist())
        pt = parse.parse_resumes(t["text"].tolist())
        for col, src in (("education_min", "education_min"), ("years_min", "years_min"),
                         ("skills", "skills")):  # fmt: skip
            if src in pj.columns:
                j[col] = pj[src].to_numpy()
        for col in ("education_level", "years", "skills"):
            if col in pt.columns:
                t[col] = pt[col].to_numpy()
    except ImportError:
        pass
    from xinzhi.match import vocab

    if "skills" not in j.columns:
        j["skills"] = [";".join(s) for s in vocab.find_skills_many(j["text"].tolist())]
    if "skills" not in t.columns:
        t["skills"] = [";".join(s) for s in vocab.find_skills_many(t["text"].tolist())]
    if "education_min" not in j.columns:
        j["education_min"] = vocab.education_levels(j["text"].tolist())
    if "education_level" not in t.columns:
        t["education_level"] = vocab.education_levels(t["text"].tolist())
    return j, t


def ranked_ids(scores: np.ndarray, doc_ids: Sequence[str]) -> np.ndarray:
    """Documents of each row by score descending (ties by position); −inf → not listed."""
    order = np.argsort(-scores, axis=1, kind="stable")
    ids = np.asarray(doc_ids, dtype=object)[order]
    listed = np.isfinite(np.take_along_axis(scores, order, axis=1))
    return np.where(listed, ids, None)


def metrics_row(
    scores: np.ndarray, query_ids: Sequence[str], doc_ids: Sequence[str], qrels: pd.DataFrame
) -> dict[str, float]:
    """Mean metrics over the queries with at least one relevant document (grade ≥ 2)."""
    from xinzhi.match.metrics import evaluate_rankings, n_relevant

    has = n_relevant(query_ids, qrels) > 0
    ids = [q for q, h in zip(query_ids, has, strict=True) if h]
    t = evaluate_rankings(ranked_ids(scores[has], doc_ids), ids, qrels)
    return {c: float(t[c].mean()) for c in METRIC_COLS} | {"queries": len(ids)}


def embed_all(
    names: Sequence[str], jobs: pd.DataFrame, talents: pd.DataFrame, threads: int
) -> dict[str, tuple[np.ndarray, np.ndarray, float]]:
    """Unit vectors (postings, résumés) and the seconds it took, per embedder."""
    from xinzhi.match import text

    out = {}
    for name in names:
        emb = text.get_embedder(name, threads=threads)  # type: ignore[arg-type]
        t0 = time.perf_counter()
        jv = emb.embed(jobs["text"].tolist())
        tv = emb.embed(talents["text"].tolist())
        out[name] = (jv, tv, time.perf_counter() - t0)
    return out


def method_scores(
    jobs: pd.DataFrame,
    talents: pd.DataFrame,
    vectors: dict[str, tuple[np.ndarray, np.ndarray, float]],
    *,
    gold: bool = True,
) -> dict[str, Callable[[str], np.ndarray]]:
    """Per method a function direction → score matrix (queries × documents)."""
    from xinzhi.match import pairing, text

    jt, tt = jobs["text"].tolist(), talents["text"].tolist()
    bm_jt = text.BM25Index.build(tt).scores_many(jt)  # postings query résumés
    bm_tj = text.BM25Index.build(jt).scores_many(tt)
    bm = {"job": bm_jt, "talent": bm_tj}
    methods: dict[str, Callable[[str], np.ndarray]] = {"bm25": lambda d: bm[d]}
    sys_j, sys_t = text_fields(jobs, talents)

    def pair(
        j: pd.DataFrame, t: pd.DataFrame, jv: Any, tv: Any, location: str = "county"
    ) -> Callable[[str], np.ndarray]:
        cache: dict[str, np.ndarray] = {}

        def run(d: str) -> np.ndarray:
            if d not in cache:
                s = pairing.score_matrix(
                    j, t, job_vectors=jv, talent_vectors=tv, direction=d,  # type: ignore[arg-type]
                    location=location,  # type: ignore[arg-type]
                )  # fmt: skip
                cache[d] = s if d == "job" else s.T
            return cache[d]

        return run

    for name, (jv, tv, _) in vectors.items():
        cos = {"job": jv @ tv.T, "talent": tv @ jv.T}
        methods[name] = lambda d, c=cos: c[d]
        hyb = {d: text.hybrid(cos[d], bm[d], alpha=0.7, norm="dense") for d in ("job", "talent")}
        methods[f"hybrid-{name}"] = lambda d, h=hyb: h[d]
        methods[f"pairing-{name}"] = pair(sys_j, sys_t, jv, tv)
        methods[f"pairing-{name}-noloc"] = pair(sys_j, sys_t, jv, tv, "none")
    methods["pairing-bm25"] = pair(sys_j, sys_t, None, None)
    if gold and vectors:
        name = "e5" if "e5" in vectors else next(iter(vectors))
        jv, tv, _ = vectors[name]
        methods[f"pairing-gold-{name}"] = pair(jobs, talents, jv, tv)
    return methods


def evaluate(
    jobs: pd.DataFrame,
    talents: pd.DataFrame,
    qrels: pd.DataFrame,
    methods: dict[str, Callable[[str], np.ndarray]],
    directions: Sequence[str] = ("job", "talent"),
) -> pd.DataFrame:
    """One row per method and direction with the mean metrics."""
    q_job = qrels.rename(columns={"job_id": "query_id", "person_id": "doc_id"})
    q_tal = qrels.rename(columns={"person_id": "query_id", "job_id": "doc_id"})
    j_ids, t_ids = jobs["job_id"].tolist(), talents["person_id"].tolist()
    rows = []
    for name, fn in methods.items():
        for d in directions:
            if d == "job":
                m = metrics_row(fn("job"), j_ids, t_ids, q_job)
            else:
                m = metrics_row(fn("talent"), t_ids, j_ids, q_tal)
            rows.append({"method": name, "direction": d} | m)
    return pd.DataFrame(rows)


def best_p5(qrels: pd.DataFrame, key: str) -> float:
    n = qrels.groupby(key)["relevance"].apply(lambda s: int((s >= 2).sum()))
    n = n[n > 0]  # the queries the means are over
    return float((n.clip(upper=5) / 5).mean())


def fit_curves(
    jobs: pd.DataFrame,
    qrels: pd.DataFrame,
    talents: pd.DataFrame,
    methods: dict[str, Callable[[str], np.ndarray]],
) -> pd.DataFrame:
    """Logistic 匹配度 fits on the job-direction scores of the hybrid and pairing methods."""
    from xinzhi.match.pairing import fit_calibration

    rel = (
        qrels.pivot(index="job_id", columns="person_id", values="relevance")
        .loc[jobs["job_id"], talents["person_id"]]
        .to_numpy()
    )
    rows = []
    for name, fn in methods.items():
        if not (name.startswith("hybrid") or name.startswith("pairing")):
            continue
        s = fn("job")
        p = fit_calibration(s, rel)
        rows.append({"method": name, "slope": p["slope"], "midpoint": p["midpoint"],
                     "pairs": int(np.isfinite(s).sum())})  # fmt: skip
    return pd.DataFrame(rows)


def main(argv: Sequence[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--embedders", default="e5,use")
    ap.add_argument("--threads", type=int, default=int(os.environ.get("XINZHI_THREADS", "1")))
    args = ap.parse_args(argv)
    names = [n for n in args.embedders.split(",") if n]
    jobs, talents, qrels = load_set()
    print(
        f"evaluation set: {len(jobs)} postings × {len(talents)} résumés, {len(qrels)} judged "
        f"pairs; grades {qrels['relevance'].value_counts().sort_index().to_dict()}"
    )
    print(
        f"best possible P@5: job direction {best_p5(qrels, 'job_id'):.3f}, "
        f"talent direction {best_p5(qrels, 'person_id'):.3f}"
    )
    t0 = time.perf_counter()
    vectors = embed_all(names, jobs, talents, args.threads)
    for n, (_, _, sec) in vectors.items():
        print(f"embedding {len(jobs) + len(talents)} texts with {n}: {sec:.1f} s")
    methods = method_scores(jobs, talents, vectors)
    table = evaluate(jobs, talents, qrels, methods)
    with pd.option_context("display.width", 120, "display.float_format", "{:.3f}".format):
        print(table.to_string(index=False))
        fits = fit_curves(jobs, qrels, talents, methods)
        print("\n匹配度 logistic fits (relevance ≥ 2 ~ score, job direction):")
        print(fits.to_string(index=False, float_format="{:.4f}".format))
    print(
        f"\n{dt.date.today().isoformat()}, {time.perf_counter() - t0:.1f} s in all; "
        f"python benchmarks/match_eval.py --embedders {args.embedders}"
    )


if __name__ == "__main__":
    sys.exit(main())
