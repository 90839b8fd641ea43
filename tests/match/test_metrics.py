"""Ranking metrics (xinzhi.match.metrics): hand arithmetic and sklearn's NDCG as a second
computation."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xinzhi.errors import InputError
from xinzhi.match import metrics as m

QRELS = pd.DataFrame(
    {
        "query_id": ["a", "a", "a", "a", "b", "b", "b"],
        "doc_id": ["d1", "d2", "d3", "d4", "d1", "d5", "d6"],
        "relevance": [3, 0, 2, 1, 2, 3, 0],
    }
)
# query a ranks d2 d3 d1 x (x unjudged); query b ranks d6 d9 d5 d1 (d9 unjudged)
RANKED = np.array([["d2", "d3", "d1", "x"], ["d6", "d9", "d5", "d1"]], dtype=object)


def test_relevance_matrix_unjudged_and_padding_are_zero() -> None:
    rel = m.relevance_matrix(RANKED, ["a", "b"], QRELS)
    assert rel.tolist() == [[0, 2, 3, 0], [0, 0, 3, 2]]
    padded = m.relevance_matrix(np.array([["d1", None, ""]], dtype=object), ["a"], QRELS)
    assert padded.tolist() == [[3, 0, 0]]


def test_precision_recall_by_hand() -> None:
    rel = m.relevance_matrix(RANKED, ["a", "b"], QRELS)
    # relevant (>= 2): a -> d1, d3 (2 in total); b -> d1, d5 (2 in total)
    # p@2: a has d3 at rank 2 -> 1/2; b none -> 0/2
    assert m.precision_at_k(rel, 2).tolist() == [0.5, 0.0]
    # p@3: a: d3, d1 -> 2/3; b: d5 -> 1/3
    assert m.precision_at_k(rel, 3) == pytest.approx([2 / 3, 1 / 3])
    tot = m.n_relevant(["a", "b"], QRELS)
    assert tot.tolist() == [2.0, 2.0]
    # r@3: a 2/2, b 1/2; r@4: b 2/2
    assert m.recall_at_k(rel, tot, 3).tolist() == [1.0, 0.5]
    assert m.recall_at_k(rel, tot, 4).tolist() == [1.0, 1.0]
    # threshold 1 also counts d4 (grade 1) for a: 3 relevant in total
    assert m.n_relevant(["a"], QRELS, threshold=1).tolist() == [3.0]
    # k longer than the ranking: missing ranks are non-relevant: a p@8 = 2/8
    assert m.precision_at_k(rel, 8)[0] == 0.25


def test_recall_undefined_without_relevant_documents() -> None:
    rel = np.array([[0.0, 1.0]])
    tot = m.n_relevant(["zz"], QRELS)  # unknown query: no relevant documents
    assert tot.tolist() == [0.0]
    assert math.isnan(m.recall_at_k(rel, tot, 2)[0])


def test_mrr_by_hand() -> None:
    rel = m.relevance_matrix(RANKED, ["a", "b"], QRELS)
    # a: first relevant at rank 2 -> 1/2; b: at rank 3 -> 1/3; MRR = (1/2 + 1/3)/2 = 5/12
    assert m.reciprocal_rank(rel) == pytest.approx([0.5, 1 / 3])
    assert m.mrr(rel) == pytest.approx(5 / 12)
    # no relevant document ranked -> 0
    assert m.reciprocal_rank(np.array([[0.0, 1.0]])).tolist() == [0.0]
    # threshold 1: grade 1 at rank 2 counts
    assert m.reciprocal_rank(np.array([[0.0, 1.0]]), threshold=1).tolist() == [0.5]


def test_ndcg_by_hand() -> None:
    rel = m.relevance_matrix(RANKED, ["a", "b"], QRELS)
    ideal = m.ideal_gains(["a", "b"], QRELS)
    assert ideal.tolist() == [[3, 2, 1, 0], [3, 2, 0, 0]]
    # a, k=3: DCG = 0 + (2^2-1)/log2(3) + (2^3-1)/log2(4) = 3/1.5849625 + 7/2 = 5.3928
    #         IDCG = 7/1 + 3/log2(3) + 1/log2(4) = 7 + 1.8927893 + 0.5 = 9.3927893
    dcg_a = 3 / math.log2(3) + 7 / 2
    idcg_a = 7 + 3 / math.log2(3) + 1 / 2
    # b, k=3: DCG = 0 + 0 + 7/log2(4) = 3.5; IDCG = 7 + 3/log2(3) + 0 = 8.8927893
    dcg_b = 7 / 2
    idcg_b = 7 + 3 / math.log2(3)
    got = m.ndcg_at_k(rel, ideal, 3)
    assert got == pytest.approx([dcg_a / idcg_a, dcg_b / idcg_b], abs=1e-12)
    assert got[0] == pytest.approx(0.574141, abs=1e-6)  # 5.3927893 / 9.3927893
    # the perfect ranking scores 1; k=1 on a: gain of d2 is 0 -> NDCG 0
    assert m.ndcg_at_k(ideal, ideal, 4).tolist() == [1.0, 1.0]
    assert m.ndcg_at_k(rel, ideal, 1).tolist() == [0.0, 0.0]


def test_ndcg_undefined_when_nothing_relevant() -> None:
    q = pd.DataFrame({"query_id": ["z"], "doc_id": ["d"], "relevance": [0]})
    rel = m.relevance_matrix(np.array([["d"]]), ["z"], q)
    assert math.isnan(m.ndcg_at_k(rel, m.ideal_gains(["z"], q), 5)[0])


def test_evaluate_rankings_table() -> None:
    t = m.evaluate_rankings(RANKED, ["a", "b"], QRELS, p_k=2, r_k=3, ndcg_k=3)
    assert list(t.columns) == ["query_id", "p@2", "r@3", "ndcg@3", "rr"]
    assert t["p@2"].tolist() == [0.5, 0.0]
    assert t["r@3"].tolist() == [1.0, 0.5]
    assert t["rr"].mean() == pytest.approx(5 / 12)


def test_bad_inputs_raise_chinese_errors() -> None:
    with pytest.raises(InputError, match="relevance"):
        m.relevance_matrix(RANKED, ["a", "b"], QRELS.drop(columns="relevance"))
    with pytest.raises(InputError, match="k 须为正整数"):
        m.precision_at_k(np.zeros((1, 2)), 0)
    with pytest.raises(InputError, match="多次"):
        m.relevance_matrix(RANKED, ["a", "b"], pd.concat([QRELS, QRELS.head(1)]))
    with pytest.raises(InputError, match="行"):
        m.relevance_matrix(RANKED, ["a"], QRELS)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.integers(0, 3), min_size=2, max_size=12),
    st.integers(0, 10_000),
    st.integers(1, 12),
)
def test_ndcg_equals_sklearn_with_exponential_gains(grades: list[int], seed: int, k: int) -> None:
    """sklearn.metrics.ndcg_score uses linear gains over the items given: with y_true =
    2**rel - 1 and all judged documents among the items it is the same number."""
    skm = pytest.importorskip("sklearn.metrics")
    if max(grades) == 0:
        return
    n = len(grades)
    docs = [f"d{i}" for i in range(n)]
    qrels = pd.DataFrame({"query_id": "q", "doc_id": docs, "relevance": grades})
    scores = np.random.default_rng(seed).permutation(n).astype(float)  # distinct: no ties
    order = np.argsort(-scores)
    ranked = np.array([[docs[i] for i in order]], dtype=object)
    ours = m.ndcg_at_k(m.relevance_matrix(ranked, ["q"], qrels), m.ideal_gains(["q"], qrels), k)
    gains = 2.0 ** np.asarray(grades, dtype=float) - 1.0
    theirs = skm.ndcg_score(gains[None, :], scores[None, :], k=k)
    assert ours[0] == pytest.approx(theirs, abs=1e-12)
