"""Chinese résumé named-entity tagger: an averaged structured perceptron over BMES tags.

Trained on ResumeNER (Zhang & Yang, "Chinese NER Using Lattice LSTM", ACL 2018): résumés of
executives of listed companies, tagged per character with BMES tags of eight entity types —
NAME (人名), CONT (国籍), EDU (学历), TITLE (职务), ORG (机构), PRO (专业), RACE (民族),
LOC (籍贯/地点). This module is pure: :meth:`ResumeTagger.fit` takes the training sentences as
arguments (the pipeline or the test reads ``{train,dev,test}.char.bmes`` and passes the text to
:func:`read_bmes`); the model is saved to and loaded from a path the caller names
(:meth:`ResumeTagger.save`, :meth:`ResumeTagger.load`, numpy ``.npz``), so nothing ships that our
code did not build.

Model
-----
A first-order linear-chain model scored as

.. math::

   s(x, y) = \\sum_i \\big( \\sum_{k} w[h_k(x, i), y_i] + A[y_{i-1}, y_i] \\big)
             + a_0[y_1] + a_{n+1}[y_n]

where :math:`h_k(x, i)` hashes the k-th feature template at position i (characters c[i-2..i+2],
the bigrams c[i-2:i], c[i-1:i+1], c[i:i+2], c[i+1:i+3], the skip pair (c[i-1], c[i+1]), the
trigram c[i-1:i+2], the character classes of i-1, i, i+1 and a bias) into :math:`2^{b}` rows
(multiplicative hashing of code points in numpy, deterministic across processes). Decoding is
Viterbi over the 33 tags (O and B/M/E/S of each type) with the BMES grammar as hard
constraints (e.g. M-ORG only after B-ORG or M-ORG). Training is the structured perceptron
(Collins 2002): for each sentence, when the decoded tags differ from the gold tags, add the
gold features and subtract the predicted ones; the model kept is the average of the weights
over all steps (the averaged perceptron), computed with the usual time-stamp trick
:math:`\\bar w = w - u / c` where :math:`u` accumulates :math:`c \\cdot \\Delta w`.

Evaluation
----------
Entity-level, exact match of span and type (the CoNLL convention):
precision = TP / (TP + FP), recall = TP / (TP + FN), F1 = 2PR / (P + R), per type and
micro-averaged over all entities (:func:`entity_scores`). Measured F1 on the test split is
printed by ``benchmarks/match_ner.py`` and reported in ``docs/match_parse.md``.

Examples
--------
>>> tags_to_spans(["B-NAME", "E-NAME", "O", "S-RACE"])
[('NAME', 0, 2), ('RACE', 3, 4)]
>>> train = [list(zip("张三，汉族", ["B-NAME", "E-NAME", "O", "B-RACE", "E-RACE"], strict=True))]
>>> tagger = ResumeTagger(epochs=3, hash_bits=12).fit(train * 5)
>>> tagger.tag("张三，汉族")
['B-NAME', 'E-NAME', 'O', 'B-RACE', 'E-RACE']
>>> tagger.entities("张三，汉族")
[('NAME', 0, 2, '张三'), ('RACE', 3, 5, '汉族')]
"""

from __future__ import annotations

import io
import json
import os
import unicodedata
from collections.abc import Sequence
from functools import cache
from typing import BinaryIO

import numpy as np
import pandas as pd

from xinzhi.errors import InputError

__all__ = [
    "ENTITY_TYPES",
    "ResumeTagger",
    "entity_scores",
    "read_bmes",
    "tags_to_spans",
]

#: The eight ResumeNER entity types and their Chinese names.
ENTITY_TYPES: dict[str, str] = {
    "NAME": "人名",
    "CONT": "国籍",
    "EDU": "学历",
    "TITLE": "职务",
    "ORG": "机构",
    "PRO": "专业",
    "RACE": "民族",
    "LOC": "地点",
}

TAGS: tuple[str, ...] = ("O", *(f"{p}-{t}" for t in ENTITY_TYPES for p in "BMES"))
_TAG_INDEX = {t: i for i, t in enumerate(TAGS)}

_PAD = 0x110001  # code point beyond Unicode: outside the sentence
# Feature templates: offsets of the characters combined (classes use the class stream).
_CHAR_TEMPLATES: tuple[tuple[int, ...], ...] = (
    (0,),
    (-1,),
    (1,),
    (-2,),
    (2,),
    (-2, -1),
    (-1, 0),
    (0, 1),
    (1, 2),
    (-1, 1),
    (-1, 0, 1),
)
_CLASS_TEMPLATES: tuple[tuple[int, ...], ...] = ((-1, 0, 1), (0,))
_MASK64 = np.uint64(0xFFFFFFFFFFFFFFFF)
_K0 = np.uint64(0x9E3779B97F4A7C15)
_K1 = np.uint64(0xBF58476D1CE4E5B9)
_K2 = np.uint64(0x94D049BB133111EB)


def read_bmes(text: str) -> list[list[tuple[str, str]]]:
    """Parse ResumeNER's character-level BMES text: one ``char tag`` per line, a blank line
    between sentences.

    >>> read_bmes("高 B-NAME\\n勇 E-NAME\\n\\n男 O\\n")
    [[('高', 'B-NAME'), ('勇', 'E-NAME')], [('男', 'O')]]
    """
    sentences: list[list[tuple[str, str]]] = []
    current: list[tuple[str, str]] = []
    for lineno, raw in enumerate(text.splitlines(), start=1):
        line = raw.rstrip("\r\n")
        if not line.strip():
            if current:
                sentences.append(current)
                current = []
            continue
        parts = line.split()
        if len(parts) != 2:
            raise InputError(f"BMES 第 {lineno} 行应为“字 标签”两列：{line!r}")
        current.append((parts[0], parts[1]))
    if current:
        sentences.append(current)
    return sentences


def tags_to_spans(tags: Sequence[str]) -> list[tuple[str, int, int]]:
    """Entities of a BMES tag sequence as (type, start, end) with end exclusive.

    Only well-formed entities count: ``S-X``, or ``B-X`` followed by ``M-X``… and ``E-X``; a
    broken sequence (``B-X O``, ``M-X`` without ``B-X``, a type change inside) yields nothing.

    >>> tags_to_spans(["B-ORG", "M-ORG", "E-ORG", "O", "B-ORG", "O", "S-NAME"])
    [('ORG', 0, 3), ('NAME', 6, 7)]
    """
    spans: list[tuple[str, int, int]] = []
    start: int | None = None
    kind = ""
    for i, tag in enumerate(tags):
        prefix, _, typ = tag.partition("-")
        if prefix == "S":
            spans.append((typ, i, i + 1))
            start = None
        elif prefix == "B":
            start, kind = i, typ
        elif prefix == "M":
            if start is None or typ != kind:
                start = None
        elif prefix == "E":
            if start is not None and typ == kind:
                spans.append((typ, start, i + 1))
            start = None
        else:
            start = None
    return spans


def entity_scores(
    gold: Sequence[Sequence[str]], predicted: Sequence[Sequence[str]]
) -> pd.DataFrame:
    """Entity-level precision, recall and F1 (exact span and type), per type and micro.

    Columns ``type, gold, predicted, correct, precision, recall, f1``; the last row
    (``type = "micro"``) pools all entities. A ratio with a zero denominator is 0.

    >>> table = entity_scores([["B-NAME", "E-NAME", "O"]], [["B-NAME", "E-NAME", "S-RACE"]])
    >>> table.loc[table["type"] == "micro", ["precision", "recall", "f1"]].round(4).values.tolist()
    [[0.5, 1.0, 0.6667]]
    """
    if len(gold) != len(predicted):
        raise InputError(f"句子数不一致：标准 {len(gold)} 句，预测 {len(predicted)} 句")
    rows = {t: [0, 0, 0] for t in ENTITY_TYPES}
    for g, p in zip(gold, predicted, strict=True):
        if len(g) != len(p):
            raise InputError(f"标签数不一致：标准 {len(g)}，预测 {len(p)}")
        gs, ps = set(tags_to_spans(g)), set(tags_to_spans(p))
        for typ, *_ in gs:
            rows.setdefault(typ, [0, 0, 0])[0] += 1
        for typ, *_ in ps:
            rows.setdefault(typ, [0, 0, 0])[1] += 1
        for typ, *_ in gs & ps:
            rows[typ][2] += 1
    pooled = [sum(v[j] for v in rows.values()) for j in range(3)]
    table = pd.DataFrame(
        [(t, *v) for t, v in rows.items()] + [("micro", *pooled)],
        columns=["type", "gold", "predicted", "correct"],
    )

    def ratio(a: pd.Series, b: pd.Series) -> pd.Series:
        return (a / b.where(b > 0)).fillna(0.0)

    table["precision"] = ratio(table["correct"], table["predicted"])
    table["recall"] = ratio(table["correct"], table["gold"])
    denom = table["precision"] + table["recall"]
    table["f1"] = (2 * table["precision"] * table["recall"] / denom.where(denom > 0)).fillna(0.0)
    return table


# ---------------------------------------------------------------------------------------------
# Features


@cache
def _code_point(ch: str) -> int:
    """Code point of the NFKC form of one character (the character itself when NFKC makes it
    longer, so positions stay aligned); cached per distinct character."""
    nf = unicodedata.normalize("NFKC", ch)
    return ord(nf if len(nf) == 1 else ch)


def _char_class(cp: np.ndarray) -> np.ndarray:
    """1 digit, 2 ASCII letter, 3 CJK ideograph, 4 other; 0 padding."""
    out = np.full(cp.shape, 4, dtype=np.int64)
    out[(cp >= 48) & (cp <= 57)] = 1
    out[((cp >= 65) & (cp <= 90)) | ((cp >= 97) & (cp <= 122))] = 2
    out[(cp >= 0x4E00) & (cp <= 0x9FFF)] = 3
    out[cp == _PAD] = 0
    return out


def _codes(sentences: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """Code points of all sentences, each followed by two pads (and two pads in front);
    returns the padded stream and the stream index of every real character."""
    parts: list[np.ndarray] = [np.full(2, _PAD, dtype=np.int64)]
    positions: list[np.ndarray] = []
    offset = 2
    for s in sentences:
        cp = np.fromiter(map(_code_point, s), dtype=np.int64, count=len(s))
        parts.append(cp)
        parts.append(np.full(2, _PAD, dtype=np.int64))
        positions.append(np.arange(offset, offset + len(s)))
        offset += len(s) + 2
    stream = np.concatenate(parts)
    index = np.concatenate(positions) if positions else np.zeros(0, dtype=np.int64)
    return stream, index


def _mix(x: np.ndarray) -> np.ndarray:
    x = x ^ (x >> np.uint64(30))
    x = x * _K1
    x = x ^ (x >> np.uint64(27))
    x = x * _K2
    return x ^ (x >> np.uint64(31))


def _features(sentences: Sequence[str], bits: int) -> np.ndarray:
    """Hashed feature rows (n characters × n templates), int64 in [0, 2**bits)."""
    stream, index = _codes(sentences)
    classes = _char_class(stream)
    cols = []
    with np.errstate(over="ignore"):
        for t, offsets in enumerate(_CHAR_TEMPLATES + _CLASS_TEMPLATES):
            src = stream if t < len(_CHAR_TEMPLATES) else classes
            x = np.full(index.shape, np.uint64(t + 1), dtype=np.uint64) * _K0
            for off in offsets:
                x = _mix(x ^ src[index + off].astype(np.uint64))
            cols.append(x)
        cols.append(np.full(index.shape, np.uint64(0xB1A5), dtype=np.uint64))  # bias
        feats = np.stack(cols, axis=1)
    return (feats & np.uint64((1 << bits) - 1)).astype(np.int64)


def _grammar() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Allowed transitions (from, to), allowed first tags, allowed last tags under BMES."""
    n = len(TAGS)
    allowed = np.zeros((n, n), dtype=bool)
    for i, a in enumerate(TAGS):
        pa, _, ta = a.partition("-")
        for j, b in enumerate(TAGS):
            pb, _, tb = b.partition("-")
            if pa in ("B", "M"):
                allowed[i, j] = pb in ("M", "E") and ta == tb
            else:  # O, E, S: an entity may not continue
                allowed[i, j] = pb in ("O", "B", "S")
    first = np.array([t.split("-")[0] in ("O", "B", "S") for t in TAGS])
    last = np.array([t.split("-")[0] in ("O", "E", "S") for t in TAGS])
    return allowed, first, last


_ALLOWED, _FIRST, _LAST = _grammar()
_NEG = -1e9


def _viterbi(em: np.ndarray, trans: np.ndarray, start: np.ndarray, end: np.ndarray) -> np.ndarray:
    """Best tag indices for one sentence (emission scores em: length × tags)."""
    n = em.shape[0]
    back = np.zeros((n, em.shape[1]), dtype=np.int64)
    score = start + em[0]
    for i in range(1, n):
        cand = score[:, None] + trans
        back[i] = cand.argmax(axis=0)
        score = cand.max(axis=0) + em[i]
    score = score + end
    path = np.empty(n, dtype=np.int64)
    path[-1] = int(score.argmax())
    for i in range(n - 1, 0, -1):
        path[i - 1] = back[i, path[i]]
    return path


def _viterbi_batch(
    em: np.ndarray, lengths: np.ndarray, trans: np.ndarray, start: np.ndarray, end: np.ndarray
) -> np.ndarray:
    """Viterbi for a batch (em: batch × max length × tags); positions past a sentence's
    length keep the score and point to themselves, so backtracking from the last column
    reaches each sentence's own last tag."""
    b, n, k = em.shape
    back = np.zeros((b, n, k), dtype=np.int64)
    ident = np.broadcast_to(np.arange(k), (b, k))
    score = start[None, :] + em[:, 0]
    for i in range(1, n):
        cand = score[:, :, None] + trans[None, :, :]
        best = cand.argmax(axis=1)
        new = np.take_along_axis(cand, best[:, None, :], axis=1)[:, 0, :] + em[:, i]
        live = (i < lengths)[:, None]
        back[:, i] = np.where(live, best, ident)
        score = np.where(live, new, score)
    score = score + end[None, :]
    path = np.empty((b, n), dtype=np.int64)
    path[:, -1] = score.argmax(axis=1)
    rows = np.arange(b)
    for i in range(n - 1, 0, -1):
        path[:, i - 1] = back[rows, i, path[:, i]]
    return path


class ResumeTagger:
    """Averaged structured perceptron tagger for ResumeNER's BMES tags.

    Parameters
    ----------
    epochs
        Passes over the training sentences (shuffled each pass with ``seed``).
    hash_bits
        Feature rows are hashed into ``2**hash_bits`` rows (18 → 262,144 × 33 weights).
    seed
        Seed of the shuffling: the same data and options give the same model.
    """

    def __init__(self, *, epochs: int = 8, hash_bits: int = 18, seed: int = 0) -> None:
        if epochs < 1:
            raise InputError(f"epochs 须为正整数：{epochs}")
        if not 8 <= hash_bits <= 24:
            raise InputError(f"hash_bits 须在 8–24 之间：{hash_bits}")
        self.epochs = epochs
        self.hash_bits = hash_bits
        self.seed = seed
        k = len(TAGS)
        self.weights = np.zeros((1 << hash_bits, k), dtype=np.float32)
        self.transitions = np.zeros((k, k), dtype=np.float32)
        self.start = np.zeros(k, dtype=np.float32)
        self.end = np.zeros(k, dtype=np.float32)
        self.trained_on = 0

    # -- training -------------------------------------------------------------------------

    def fit(self, sentences: Sequence[Sequence[tuple[str, str]]]) -> ResumeTagger:
        """Train on sentences of (character, BMES tag) pairs (e.g. from :func:`read_bmes`)."""
        sentences = [s for s in sentences if len(s) > 0]
        if not sentences:
            raise InputError("训练句子为空")
        texts = ["".join(c for c, _ in s) for s in sentences]
        for s, t in zip(sentences, texts, strict=True):
            if len(t) != len(s):
                raise InputError(f"每个位置须为单个字符：{t[:20]!r}")
        try:
            gold_all = np.array([_TAG_INDEX[tag] for s in sentences for _, tag in s])
        except KeyError as exc:
            raise InputError(f"未知标签 {exc.args[0]!r}；可用：{', '.join(TAGS)}") from exc
        feats = _features(texts, self.hash_bits)
        bounds = np.cumsum([0] + [len(t) for t in texts])
        k = len(TAGS)
        w = np.zeros((1 << self.hash_bits, k), dtype=np.float64)
        u = np.zeros_like(w)
        a, ua = np.zeros((k, k)), np.zeros((k, k))
        s0, us0 = np.zeros(k), np.zeros(k)
        e0, ue0 = np.zeros(k), np.zeros(k)
        mask = np.where(_ALLOWED, 0.0, _NEG)
        mfirst = np.where(_FIRST, 0.0, _NEG)
        mlast = np.where(_LAST, 0.0, _NEG)
        rng = np.random.default_rng(self.seed)
        c = 1.0
        for _ in range(self.epochs):
            for sid in rng.permutation(len(texts)):
                lo, hi = bounds[sid], bounds[sid + 1]
                f = feats[lo:hi]
                gold = gold_all[lo:hi]
                em = w[f].sum(axis=1)
                pred = _viterbi(em, a + mask, s0 + mfirst, e0 + mlast)
                diff = pred != gold
                if diff.any():
                    fd = f[diff]
                    g = gold[diff][:, None]
                    p = pred[diff][:, None]
                    np.add.at(w, (fd, g), 1.0)
                    np.add.at(w, (fd, p), -1.0)
                    np.add.at(u, (fd, g), c)
                    np.add.at(u, (fd, p), -c)
                    for seq, sign in ((gold, 1.0), (pred, -1.0)):
                        np.add.at(a, (seq[:-1], seq[1:]), sign)
                        np.add.at(ua, (seq[:-1], seq[1:]), sign * c)
                        s0[seq[0]] += sign
                        us0[seq[0]] += sign * c
                        e0[seq[-1]] += sign
                        ue0[seq[-1]] += sign * c
                c += 1.0
        self.weights = (w - u / c).astype(np.float32)
        self.transitions = (a - ua / c).astype(np.float32)
        self.start = (s0 - us0 / c).astype(np.float32)
        self.end = (e0 - ue0 / c).astype(np.float32)
        self.trained_on = len(texts)
        return self

    # -- prediction -----------------------------------------------------------------------

    def tag_many(self, texts: Sequence[str], *, batch: int = 256) -> list[list[str]]:
        """BMES tags of many texts (batched Viterbi over texts of similar length)."""
        texts = ["" if t is None else str(t) for t in texts]
        out: list[list[str]] = [[] for _ in texts]
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        order = [i for i in order if texts[i]]
        f32 = np.float32
        trans = (self.transitions + np.where(_ALLOWED, 0.0, _NEG)).astype(f32)
        start = (self.start + np.where(_FIRST, 0.0, _NEG)).astype(f32)
        end = (self.end + np.where(_LAST, 0.0, _NEG)).astype(f32)
        for lo in range(0, len(order), batch):
            ids = order[lo : lo + batch]
            chunk = [texts[i] for i in ids]
            feats = _features(chunk, self.hash_bits)
            # one row gather per template (a 3-D gather and sum is ~25× slower)
            em_flat = np.zeros((feats.shape[0], len(TAGS)), dtype=np.float32)
            for k in range(feats.shape[1]):
                em_flat += self.weights[feats[:, k]]
            lengths = np.array([len(t) for t in chunk])
            n = int(lengths.max())
            em = np.zeros((len(chunk), n, len(TAGS)), dtype=np.float32)
            rows = np.repeat(np.arange(len(chunk)), lengths)
            cols = np.concatenate([np.arange(m) for m in lengths])
            em[rows, cols] = em_flat
            paths = _viterbi_batch(em, lengths, trans, start, end)
            for j, i in enumerate(ids):
                out[i] = [TAGS[t] for t in paths[j, : lengths[j]]]
        return out

    def tag(self, text: str) -> list[str]:
        """BMES tags of one text, one per character."""
        return self.tag_many([text])[0]

    def entities(self, text: str) -> list[tuple[str, int, int, str]]:
        """Entities of ``text`` as (type, start, end, surface text), end exclusive."""
        return [(t, s, e, text[s:e]) for t, s, e in tags_to_spans(self.tag(text))]

    def entities_many(self, texts: Sequence[str]) -> list[list[tuple[str, int, int, str]]]:
        """:meth:`entities` for many texts."""
        return [
            [(t, s, e, text[s:e]) for t, s, e in tags_to_spans(tags)]
            for text, tags in zip(texts, self.tag_many(texts), strict=True)
        ]

    # -- persistence ----------------------------------------------------------------------

    def save(self, file: str | os.PathLike[str] | BinaryIO) -> None:
        """Write the model as a compressed numpy ``.npz`` to the path or binary file given."""
        meta = {
            "format": "xinzhi.match.ner/1",
            "tags": list(TAGS),
            "epochs": self.epochs,
            "hash_bits": self.hash_bits,
            "seed": self.seed,
            "trained_on": self.trained_on,
        }
        np.savez_compressed(
            file,
            weights=self.weights,
            transitions=self.transitions,
            start=self.start,
            end=self.end,
            meta=np.array(json.dumps(meta)),
        )

    @classmethod
    def load(cls, file: str | os.PathLike[str] | BinaryIO) -> ResumeTagger:
        """Read a model written by :meth:`save` (no pickles are loaded)."""
        try:
            with np.load(file, allow_pickle=False) as data:
                meta = json.loads(str(data["meta"]))
                arrays = {k: data[k] for k in ("weights", "transitions", "start", "end")}
        except (OSError, KeyError, ValueError) as exc:
            raise InputError(f"无法读取命名实体模型文件：{exc}") from exc
        if meta.get("format") != "xinzhi.match.ner/1" or meta.get("tags") != list(TAGS):
            raise InputError("命名实体模型文件格式或标签集不符（需由 ResumeTagger.save 写出）")
        tagger = cls(
            epochs=int(meta["epochs"]), hash_bits=int(meta["hash_bits"]), seed=int(meta["seed"])
        )
        tagger.weights = arrays["weights"].astype(np.float32)
        tagger.transitions = arrays["transitions"].astype(np.float32)
        tagger.start = arrays["start"].astype(np.float32)
        tagger.end = arrays["end"].astype(np.float32)
        tagger.trained_on = int(meta["trained_on"])
        return tagger

    def to_bytes(self) -> bytes:
        """The ``.npz`` model as bytes (for caches that store blobs)."""
        buffer = io.BytesIO()
        self.save(buffer)
        return buffer.getvalue()
