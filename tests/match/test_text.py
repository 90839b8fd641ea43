"""Text engine (xinzhi.match.text): embedders offline, tokens, BM25 by hand, hybrid, 匹配度."""

from __future__ import annotations

import math
import socket
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xinzhi.errors import InputError
from xinzhi.match import text

BACKENDS = ["e5", "use"]


def _no_network(*args: Any, **kwargs: Any) -> None:
    raise OSError("network blocked in this test")


@pytest.mark.parametrize("name", BACKENDS)
def test_embedders_load_and_embed_with_the_network_blocked(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(socket.socket, "connect", _no_network)
    monkeypatch.setattr(socket, "create_connection", _no_network)
    # fresh instances (not the cached ones), so loading itself happens offline
    emb = text.E5Embedder(1) if name == "e5" else text.USEEmbedder(1)
    vec = emb.embed(["电焊工"])
    assert vec.shape == (1, 384 if name == "e5" else 512)
    # jieba's dictionary ships in its package: a fresh tokenizer initialises offline too
    monkeypatch.setattr(text, "_TOKENIZER", None)
    assert text.tokenize("电焊工") == ["电焊工"]


@pytest.mark.parametrize("name", BACKENDS)
def test_embedder_contract_unit_rows_zero_for_empty(name: str) -> None:
    emb = text.get_embedder(name)  # type: ignore[arg-type]
    assert isinstance(emb, text.Embedder)
    assert emb.name == name
    assert emb.dim == (384 if name == "e5" else 512)
    out = emb.embed(["焊工", "", "会计", None, "  "])  # type: ignore[list-item]
    assert out.dtype == np.float32
    assert out.shape == (5, emb.dim)
    norms = np.linalg.norm(out, axis=1)
    np.testing.assert_allclose(norms, [1.0, 0.0, 1.0, 0.0, 0.0], atol=1e-5)
    assert emb.embed([]).shape == (0, emb.dim)
    assert text.get_embedder(name) is emb  # process-wide instance  # type: ignore[arg-type]


@pytest.mark.parametrize("name", BACKENDS)
def test_same_query_same_ranking_twice(name: str) -> None:
    emb = text.get_embedder(name)  # type: ignore[arg-type]
    docs = ["电焊工", "会计", "护士", "软件工程师", "数控车床操作工", "厨师"]
    first = emb.embed(docs) @ emb.embed(["焊接工人"], kind="query")[0]
    second = emb.embed(docs) @ emb.embed(["焊接工人"], kind="query")[0]
    np.testing.assert_array_equal(first, second)
    assert list(np.argsort(-first)) == list(np.argsort(-second))


@pytest.mark.parametrize("name", BACKENDS)
def test_chinese_sanity_ranking(name: str) -> None:
    emb = text.get_embedder(name)  # type: ignore[arg-type]
    q = emb.embed(["焊工"], kind="query")[0]
    welder, accountant = emb.embed(["电焊工", "会计"]) @ q
    assert welder > accountant
    q2 = emb.embed(["护士"], kind="query")[0]
    nurse_job, coder = emb.embed(["医院护理人员", "软件开发"]) @ q2
    assert nurse_job > coder


def test_unknown_embedder_and_bad_threads() -> None:
    with pytest.raises(InputError, match="未知的嵌入模型"):
        text.get_embedder("bert")  # type: ignore[arg-type]
    with pytest.raises(InputError, match="threads"):
        text.get_embedder("e5", threads=0)


def test_xinzhi_threads_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XINZHI_THREADS", "3")
    assert text._default_threads() == 3
    monkeypatch.delenv("XINZHI_THREADS")
    assert text._default_threads() == 1
    monkeypatch.setenv("XINZHI_THREADS", "x")
    with pytest.raises(InputError, match="XINZHI_THREADS"):
        text._default_threads()


def test_tokenize() -> None:
    assert text.tokenize(None) == []
    assert text.tokenize("") == []
    assert text.tokenize("，。！  ") == []
    # full-width letters → half-width, lower case; punctuation and 的 dropped
    assert text.tokenize("ＣＡＤ的制图，Java") == ["cad", "制图", "java"]
    assert text.tokenize("熟练使用CAD，持有焊工证。") == text.tokenize("熟练使用CAD，持有焊工证。")
    # search mode adds the words inside long words; accurate mode keeps 工程师 whole
    assert "工程" in text.tokenize("软件工程师", mode="search")
    assert "工程" not in text.tokenize("软件工程师")
    with pytest.raises(InputError, match="mode"):
        text.tokenize("焊工", mode="fast")  # type: ignore[arg-type]


def test_text_key() -> None:
    # sha256("") is the well-known e3b0c442…b855
    assert text.text_key("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    assert text.text_key(None) == text.text_key("")
    assert text.text_key(" 焊工\n") == text.text_key("焊工")
    assert text.text_key("ＣＡＤ") == text.text_key("cad")
    assert text.text_key("焊工") != text.text_key("电焊工")


# --- BM25 by hand ---------------------------------------------------------------------------
# bm25s default method "lucene": idf(t) = ln(1 + (N − n_t + 0.5) / (n_t + 0.5)),
# part(t, d) = idf(t) · f / (f + k1 · (1 − b + b · |d| / avgdl)), k1 = 1.5, b = 0.75.
DOCS = [["焊工", "焊接"], ["会计", "财务", "报表"], ["焊接", "机器人", "焊接", "编程"]]
# |d| = 2, 3, 4 → avgdl = 3; N = 3


def _norm(dl: int) -> float:
    return 1.5 * (1 - 0.75 + 0.75 * dl / 3)


def test_bm25_three_documents_by_hand() -> None:
    index = text.BM25Index.from_tokens(DOCS)
    idf_weld = math.log(1 + (3 - 2 + 0.5) / (2 + 0.5))  # 焊接 in d1, d3: ln 1.6
    idf_welder = math.log(1 + (3 - 1 + 0.5) / (1 + 0.5))  # 焊工 in d1: ln(8/3)
    d1 = idf_weld * 1 / (1 + _norm(2))  # ln 1.6 / 2.125
    d3 = idf_weld * 2 / (2 + _norm(4))  # 2 ln 1.6 / 3.875
    got = index.scores_tokens([["焊接"]])[0]
    np.testing.assert_allclose(got, [d1, 0.0, d3], rtol=1e-6)
    both = index.scores_tokens([["焊工", "焊接"]])[0]
    np.testing.assert_allclose(both, [d1 + idf_welder / (1 + _norm(2)), 0.0, d3], rtol=1e-6)
    # 会计 only in d2 (|d| = 3 = avgdl → norm = k1): ln(8/3) · 1 / 2.5
    np.testing.assert_allclose(
        index.scores_tokens([["会计"]])[0], [0.0, math.log(8 / 3) / 2.5, 0.0], rtol=1e-6
    )


def test_bm25_scores_dense_equals_scores_tokens() -> None:
    index = text.BM25Index.from_tokens(DOCS)
    idf_weld = math.log(1 + (3 - 2 + 0.5) / (2 + 0.5))  # as in the by-hand test above
    queries = [["焊接"], [], ["未知"], ["焊工", "焊接"], ["焊接", "焊接"], ["会计", ""]]
    got = index.scores_dense(queries)
    assert got.shape == (6, 3) and got.dtype == np.float32
    np.testing.assert_allclose(got, index.scores_tokens(queries), rtol=1e-6)
    # by hand: 焊接 → (ln 1.6 / 2.125, 0, 2 ln 1.6 / 3.875); a repeated term counts twice
    d = [idf_weld / (1 + _norm(2)), 0.0, idf_weld * 2 / (2 + _norm(4))]
    np.testing.assert_allclose(got[0], d, rtol=1e-6)
    np.testing.assert_allclose(got[4], [2 * x for x in d], rtol=1e-6)
    np.testing.assert_array_equal(got[1], [0.0, 0.0, 0.0])  # empty query
    np.testing.assert_array_equal(got[2], [0.0, 0.0, 0.0])  # unknown token
    assert index.scores_dense([]).shape == (0, 3)
    assert index.scores_dense([["未知"]]).shape == (1, 3)
    empty = text.BM25Index.from_tokens([[], []])
    np.testing.assert_array_equal(empty.scores_dense([["焊接"]]), [[0.0, 0.0]])


def test_bm25_many_equals_single_and_empty_queries() -> None:
    index = text.BM25Index.build(["焊工 焊接", "会计 财务 报表", "焊接 机器人 焊接 编程"])
    many = index.scores_many(["焊接", "", "未知词汇", "会计"])
    assert many.shape == (4, 3)
    np.testing.assert_allclose(many[0], index.scores("焊接"), rtol=1e-7)
    np.testing.assert_array_equal(many[1], [0.0, 0.0, 0.0])
    np.testing.assert_array_equal(many[2], [0.0, 0.0, 0.0])
    np.testing.assert_array_equal(index.scores(None), [0.0, 0.0, 0.0])  # type: ignore[arg-type]
    assert index.scores_many([]).shape == (0, 3)
    empty = text.BM25Index.build(["", "，"])
    np.testing.assert_array_equal(empty.scores("焊接"), [0.0, 0.0])


# --- hybrid and calibration -----------------------------------------------------------------


def test_hybrid_by_hand() -> None:
    dense = np.array([[0.9, 0.5, 0.7], [0.2, 0.2, 0.2]])
    sparse = np.array([[0.0, 2.0, 1.0], [3.0, 0.0, 1.5]])
    # row 1: N(dense) = (1, 0, 0.5), N(sparse) = (0, 1, 0.5)
    # row 2: dense constant → 0; N(sparse) = (1, 0, 0.5)
    got = text.hybrid(dense, sparse, alpha=0.7)
    expected = [[0.7 * 1, 0.3 * 1, 0.7 * 0.5 + 0.3 * 0.5], [0.3 * 1, 0.0, 0.3 * 0.5]]
    np.testing.assert_allclose(got, expected)
    # ranks: row 1 dense ranks (3, 1, 2) → (1, 0, 0.5); same as min-max here
    np.testing.assert_allclose(text.hybrid(dense, sparse, alpha=0.7, norm="rank")[0], expected[0])
    # ties share the mean rank: constant row → every rank 2 → (2 − 1) / 2 = 0.5
    np.testing.assert_allclose(
        text.hybrid(dense, sparse, alpha=1.0, norm="rank")[1], [0.5, 0.5, 0.5]
    )
    # dense kept: 0.7 · 0.9 + 0.3 · 0 = 0.63; 0.7 · 0.5 + 0.3 · 1 = 0.65; 0.49 + 0.15 = 0.64
    np.testing.assert_allclose(
        text.hybrid(dense[0], sparse[0], alpha=0.7, norm="dense"), [0.63, 0.65, 0.64]
    )


def test_hybrid_errors() -> None:
    with pytest.raises(InputError, match="alpha"):
        text.hybrid(np.zeros(2), np.zeros(2), alpha=1.5)
    with pytest.raises(InputError, match="形状"):
        text.hybrid(np.zeros(2), np.zeros(3))
    with pytest.raises(InputError, match="norm"):
        text.hybrid(np.zeros(2), np.zeros(2), norm="z")  # type: ignore[arg-type]


def test_calibrate_by_hand_and_defaults() -> None:
    p = {"slope": 10.0, "midpoint": 0.5}
    # 100 / (1 + e^{-10·(0 − 0.5)}) = 100 / (1 + e^5) = 0.6693
    np.testing.assert_allclose(
        text.calibrate(np.array([0.0, 0.5, 1.0]), params=p),
        [100 / (1 + math.exp(5)), 50.0, 100 / (1 + math.exp(-5))],
    )
    for name in BACKENDS:
        params = text.calibration_parameters(name)
        assert params["slope"] > 0
        assert text.calibrate(np.array([params["midpoint"]]), embedder=name)[0] == pytest.approx(50)
    with pytest.raises(InputError, match="slope"):
        text.calibrate(np.array([0.5]), params={"slope": 0.0, "midpoint": 0.5})
    with pytest.raises(InputError, match="校准参数"):
        text.calibrate(np.array([0.5]), embedder="bert")


def test_calibration_yaml_holds_the_evaluation_set_fit() -> None:
    # benchmarks/match_eval.py on 2026-12-04 (2,400 pairs): e5 slope 29.9867, midpoint 0.8605;
    # use slope 17.9802, midpoint 0.6220 (the hand-set 15 / 0.76 and 8 / 0.57 are replaced)
    assert text.calibration_parameters("e5") == {"slope": 29.9867, "midpoint": 0.8605}
    assert text.calibration_parameters("use") == {"slope": 17.9802, "midpoint": 0.6220}
    # e5, related texts s = 0.93: z = 29.9867 · (0.93 − 0.8605) = 29.9867 · 0.0695 = 2.0841,
    # e^{-2.0841} = 0.12442, 100 / 1.12442 = 88.93
    assert text.calibrate(np.array([0.93]), embedder="e5")[0] == pytest.approx(88.93, abs=0.01)
    # e5, s = 0.80 (unrelated short texts): z = 29.9867 · (−0.0605) = −1.8142,
    # e^{1.8142} = 6.1365, 100 / 7.1365 = 14.01
    assert text.calibrate(np.array([0.80]), embedder="e5")[0] == pytest.approx(14.01, abs=0.01)
    # use, s = 0.90: z = 17.9802 · 0.278 = 4.9985, e^{-4.9985} = 0.006748, 100 / 1.006748 = 99.33
    assert text.calibrate(np.array([0.90]), embedder="use")[0] == pytest.approx(99.33, abs=0.01)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.floats(-5, 5, allow_nan=False), min_size=2, max_size=30),
    st.floats(0.1, 50),
    st.floats(-1, 2),
)
def test_calibrate_is_monotone_and_bounded(xs: list[float], slope: float, mid: float) -> None:
    s = np.sort(np.array(xs))
    out = text.calibrate(s, params={"slope": slope, "midpoint": mid})
    assert np.all(np.diff(out) >= 0)
    assert np.all((out >= 0) & (out <= 100))


def test_module_doctests() -> None:
    import doctest

    result = doctest.testmod(text, optionflags=doctest.ELLIPSIS)
    assert result.attempted >= 8
    assert result.failed == 0


def test_skill_vocabulary_words_stay_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    before = text.tokenize("量子焊接机调试")
    assert "量子焊接机" not in before  # jieba's own dictionary splits the made-up word
    monkeypatch.setattr(text, "_vocabulary_words", lambda: ["量子焊接机"])
    monkeypatch.setattr(text, "_TOKENIZER", None)
    assert text.tokenize("量子焊接机调试") == ["量子焊接机", "调试"]
    monkeypatch.undo()
    text._TOKENIZER = None  # the next call rebuilds with the real vocabulary


def test_vocabulary_words_read_lists_and_strings() -> None:
    words = text._vocabulary_words()
    assert all(isinstance(w, str) and w == w.strip() and "[" not in w for w in words)
