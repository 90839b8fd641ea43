"""Ranking metrics for the matching evaluation: precision@k, recall@k, NDCG@k and MRR.

All functions work on whole sets of queries at once (numpy arrays, no loop over queries). A
ranking is a 2-D array ``ranked`` of document ids (one row per query, best first, rows may be
padded with ``None``/``""``); the judgements are a *qrels* table with columns ``query_id``,
``doc_id``, ``relevance`` (graded 0–3 in the evaluation set, see
``tests/fixtures/match/evalset/README.md``). Documents without a judgement count as
relevance 0.

Formulas (``rel_i`` = graded relevance of the document at rank ``i``; a document is *relevant*
when ``rel_i >= threshold``, default 2 — grades 2 "相关" and 3 "高度相关"):

- precision@k = (number of relevant documents in ranks 1..k) / k
- recall@k = (number of relevant documents in ranks 1..k) / (number of relevant documents of
  the query in the qrels); undefined (NaN) for a query without any relevant document
- DCG@k = Σ_{i=1..k} (2^rel_i − 1) / log2(i + 1); NDCG@k = DCG@k / IDCG@k, IDCG@k being the DCG
  of the query's judged documents sorted by relevance (the ideal ranking); NaN when IDCG@k = 0.
  Graded gains and the logarithmic discount follow Järvelin, K. & Kekäläinen, J. (2002)
  "Cumulated gain-based evaluation of IR techniques", ACM Transactions on Information Systems
  20(4): 422–446; the exponential gain 2^rel − 1 is the variant of Burges et al. (2005),
  "Learning to rank using gradient descent", ICML.
- reciprocal rank = 1 / (rank of the first relevant document), 0 when none is ranked;
  MRR = its mean over queries (Voorhees, E. M. (1999), "The TREC-8 question answering track
  report", TREC-8).

Means over queries skip NaN (queries for which the metric is undefined) and say how many were
used.

Note on :func:`sklearn.metrics.ndcg_score`: it uses the relevance itself as gain (linear gain)
and ranks only the items it is given. It equals :func:`ndcg_at_k` when it is given the gains
``2**rel - 1`` as ``y_true`` and every judged document of the query among its items
(``tests/match/test_metrics.py`` checks this).

Example (one query, ranking d1 d2 d3; judgements d1:0, d2:3, d3:2, d4:1)::

    >>> import numpy as np, pandas as pd
    >>> qrels = pd.DataFrame({"query_id": ["q"] * 4, "doc_id": ["d1", "d2", "d3", "d4"],
    ...                       "relevance": [0, 3, 2, 1]})
    >>> rel = relevance_matrix(np.array([["d1", "d2", "d3"]]), ["q"], qrels)
    >>> rel
    array([[0., 3., 2.]])
    >>> float(precision_at_k(rel, 2)[0])  # d2 relevant among 2
    0.5
    >>> float(mrr(rel))  # first relevant at rank 2
    0.5
    >>> # DCG@3 = 7/log2(3) + 3/log2(4) = 4.4165 + 1.5; IDCG@3 = 7 + 3/log2(3) + 1/2 = 9.3928
    >>> round(float(ndcg_at_k(rel, ideal_gains(["q"], qrels), 3)[0]), 4)
    0.6299
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from xinzhi.errors import InputError

__all__ = [
    "evaluate_rankings",
    "ideal_gains",
    "mrr",
    "n_relevant",
    "ndcg_at_k",
    "precision_at_k",
    "recall_at_k",
    "reciprocal_rank",
    "relevance_matrix",
]

QRELS_COLUMNS = ("query_id", "doc_id", "relevance")


def _check_qrels(qrels: pd.DataFrame) -> pd.DataFrame:
    missing = [c for c in QRELS_COLUMNS if c not in qrels.columns]
    if missing:
        raise InputError(
            f"相关性标注表缺少列：{'、'.join(missing)}（需要 query_id、doc_id、relevance）"
        )
    out = qrels.loc[:, list(QRELS_COLUMNS)].copy()
    out["query_id"] = out["query_id"].astype(str)
    out["doc_id"] = out["doc_id"].astype(str)
    out["relevance"] = pd.to_numeric(out["relevance"], errors="coerce")
    if out["relevance"].isna().any() or (out["relevance"] < 0).any():
        raise InputError("相关性标注表的 relevance 列须为非负数")
    if out.duplicated(["query_id", "doc_id"]).any():
        raise InputError("相关性标注表中同一 (query_id, doc_id) 出现多次")
    return out


def _check_k(k: int) -> None:
    if int(k) < 1:
        raise InputError(f"k 须为正整数，收到 {k}")


def relevance_matrix(
    ranked: np.ndarray | Sequence[Sequence[object]],
    query_ids: Sequence[object],
    qrels: pd.DataFrame,
) -> np.ndarray:
    """Graded relevance of every ranked document: array of the shape of ``ranked``.

    ``ranked[q, i]`` is the id of the document at rank ``i + 1`` for query ``query_ids[q]``;
    padding (``None``, NaN or ``""``) and documents without a judgement get relevance 0.
    """
    arr = np.asarray(ranked, dtype=object)
    if arr.ndim != 2:
        raise InputError("排序结果须为二维数组（每行一个查询）")
    if arr.shape[0] != len(query_ids):
        raise InputError(f"排序结果有 {arr.shape[0]} 行，查询 id 有 {len(query_ids)} 个")
    q = _check_qrels(qrels)
    nq, n = arr.shape
    long = pd.DataFrame(
        {
            "query_id": np.repeat(np.asarray([str(x) for x in query_ids], dtype=object), n),
            "doc_id": [("" if d is None or d != d else str(d)) for d in arr.ravel()],
        }
    )
    merged = long.merge(q, on=["query_id", "doc_id"], how="left")
    return merged["relevance"].fillna(0.0).to_numpy(dtype=float).reshape(nq, n)


def n_relevant(
    query_ids: Sequence[object], qrels: pd.DataFrame, *, threshold: float = 2
) -> np.ndarray:
    """Number of documents judged relevant (``relevance >= threshold``) per query."""
    q = _check_qrels(qrels)
    counts = q.loc[q["relevance"] >= threshold].groupby("query_id").size()
    return counts.reindex([str(x) for x in query_ids]).fillna(0).to_numpy(dtype=float)


def ideal_gains(query_ids: Sequence[object], qrels: pd.DataFrame) -> np.ndarray:
    """Judged relevances of each query sorted descending, padded with 0: shape (q, m), m = the
    largest number of judgements of one query (the ideal ranking for IDCG)."""
    q = _check_qrels(qrels)
    ids = [str(x) for x in query_ids]
    q = q.loc[q["query_id"].isin(ids)].sort_values(
        ["query_id", "relevance"], ascending=[True, False]
    )
    q["pos"] = q.groupby("query_id").cumcount()
    width = int(q["pos"].max()) + 1 if len(q) else 1
    out = np.zeros((len(ids), width))
    row = pd.Series(np.arange(len(ids)), index=ids)
    rows = row.reindex(q["query_id"]).to_numpy()
    out[rows, q["pos"].to_numpy()] = q["relevance"].to_numpy(dtype=float)
    return out


def precision_at_k(rel: np.ndarray, k: int, *, threshold: float = 2) -> np.ndarray:
    """precision@k per query: relevant documents among the first ``k`` divided by ``k``
    (a ranking shorter than ``k`` counts its missing ranks as non-relevant)."""
    _check_k(k)
    hits = (np.asarray(rel, dtype=float)[:, :k] >= threshold).sum(axis=1)
    return hits / float(k)


def recall_at_k(
    rel: np.ndarray, relevant_total: np.ndarray, k: int, *, threshold: float = 2
) -> np.ndarray:
    """recall@k per query: relevant documents among the first ``k`` divided by the query's
    number of relevant documents (``relevant_total``, e.g. from :func:`n_relevant`); NaN where
    that number is 0."""
    _check_k(k)
    hits = (np.asarray(rel, dtype=float)[:, :k] >= threshold).sum(axis=1).astype(float)
    tot = np.asarray(relevant_total, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(tot > 0, hits / np.where(tot > 0, tot, 1.0), np.nan)


def _dcg(gains: np.ndarray, k: int) -> np.ndarray:
    g = np.asarray(gains, dtype=float)[:, :k]
    discount = 1.0 / np.log2(np.arange(2, g.shape[1] + 2))
    return ((2.0**g - 1.0) * discount).sum(axis=1)


def ndcg_at_k(rel: np.ndarray, ideal: np.ndarray, k: int) -> np.ndarray:
    """NDCG@k per query with gains 2^rel − 1 and discount 1/log2(i + 1) (Järvelin &
    Kekäläinen 2002); ``ideal`` from :func:`ideal_gains`. NaN where IDCG@k = 0."""
    _check_k(k)
    dcg = _dcg(rel, k)
    idcg = _dcg(ideal, k)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(idcg > 0, dcg / np.where(idcg > 0, idcg, 1.0), np.nan)


def reciprocal_rank(rel: np.ndarray, *, threshold: float = 2) -> np.ndarray:
    """1 / rank of the first relevant document per query; 0 when none is ranked."""
    hit = np.asarray(rel, dtype=float) >= threshold
    first = hit.argmax(axis=1)
    return np.where(hit.any(axis=1), 1.0 / (first + 1.0), 0.0)


def mrr(rel: np.ndarray, *, threshold: float = 2) -> float:
    """Mean reciprocal rank over queries."""
    rr = reciprocal_rank(rel, threshold=threshold)
    return float(rr.mean()) if rr.size else float("nan")


def evaluate_rankings(
    ranked: np.ndarray | Sequence[Sequence[object]],
    query_ids: Sequence[object],
    qrels: pd.DataFrame,
    *,
    p_k: int = 5,
    r_k: int = 10,
    ndcg_k: int = 10,
    threshold: float = 2,
) -> pd.DataFrame:
    """Per-query metrics (columns ``query_id``, ``p@{p_k}``, ``r@{r_k}``, ``ndcg@{ndcg_k}``,
    ``rr``); the mean of a column (``DataFrame.mean``) skips NaN — queries without relevant
    documents have no recall and no NDCG."""
    rel = relevance_matrix(ranked, query_ids, qrels)
    tot = n_relevant(query_ids, qrels, threshold=threshold)
    return pd.DataFrame(
        {
            "query_id": [str(x) for x in query_ids],
            f"p@{p_k}": precision_at_k(rel, p_k, threshold=threshold),
            f"r@{r_k}": recall_at_k(rel, tot, r_k, threshold=threshold),
            f"ndcg@{ndcg_k}": ndcg_at_k(rel, ideal_gains(query_ids, qrels), ndcg_k),
            "rr": reciprocal_rank(rel, threshold=threshold),
        }
    )
