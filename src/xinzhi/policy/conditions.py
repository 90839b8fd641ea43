"""Tri-state evaluation of clause conditions over a frame of subjects (firms or persons).

Every condition node evaluates, for all subjects at once, to two boolean numpy arrays: ``t``
(certainly true) and ``f`` (certainly false); where neither holds the result is *unknown*. A
leaf is unknown where a field it reads is NULL, or its column is absent (an absent column is
"needs data", never 0). Combinators follow Kleene's strong three-valued logic:

* ``all``: t = AND of the children's t; f = OR of their f (one failing child decides);
* ``any``: t = OR of t; f = AND of f (one met child decides);
* ``not``: swaps t and f.

A clause is **符合** where its condition is true, **不符合** where false, **可能符合** where
unknown. For 可能符合, the *missing* fields are the NULL fields of the unknown leaves reached
through unknown nodes only (a field under an already decided branch is not asked for).

Leaf rules (``on`` = assessment date):

* ``{field: F, op: v}``: numeric / ordinal comparisons; text equality, ``in``, ``prefix``
  (starts with any of the prefixes); ``is`` for booleans. ``ne``, ``not_in``, ``not_prefix``
  are the negations on known values (NULL stays unknown).
* ``{ratio: [A, B], op: x}``: false where B is known and B ≤ 0; else unknown where A or B is
  NULL; else A / B compared with x.
* ``{diff: [A, B], op: x}``: A − B compared with x (比上年增长 ≥ x); unknown where A or B is
  NULL.
* ``{label: K, held: true}``: column ``label_K`` (held on ``on``); when the frame also has
  ``label_K_until`` / ``label_K_since`` dates, a label whose validity ends before ``on``
  (until < on) or starts after it (since > on) is not held (NULL dates = open).
  ``held: false`` is the negation.
* ``{label: K, since_within_years: N}``: held, and ``label_K_since`` ≥ ``on`` − N years
  (calendar years; 29 Feb → 28 Feb) — held with a NULL since date is unknown.
* ``{years_since: D, op: N}``: whole years from D to ``on`` (a birthday-style count: 2019-07-01
  → 2024-06-30 is 4 years, → 2024-07-01 is 5).
* ``{date: D, on_or_after | after | before | on_or_before: d}``.
* ``{size: [..]}``: ``size_class`` in the list.
* ``{sei: [..]}``: ``industry_code`` in the listed 战略性新兴产业 sectors / classes
  (:func:`xinzhi.codes.sei.sei_membership`); a code listed only with ``*`` is unknown with
  the verification item ``sei_check`` (行业代码仅部分属于战略性新兴产业，需核实), a NULL code or a
  division with mixed classes unknown with ``industry_code`` missing.

>>> import datetime as dt
>>> import pandas as pd
>>> from xinzhi.policy.rules import load_document
>>> doc = load_document({"document": {"id": "d", "title": "t", "issuer": "i", "date": "2024-01-01",
...     "region": "22", "subject": "firm", "category": "工业", "source": "示例数据"},
...     "clauses": [{"id": "1", "title": "t", "when": {"all": [
...         {"field": "revenue", "ge": 1000}, {"field": "tax", "gt": 50}]}}]})
>>> frame = pd.DataFrame({"revenue": [1000.0, 999.0, None], "tax": [60.0, None, 60.0]})
>>> out = condition_outcome(doc.clauses[0].when, Columns(frame, dt.date(2024, 6, 30), doc.fields))
>>> out.t.tolist(), out.f.tolist()
([True, False, False], [False, True, False])
>>> out.missing["revenue"].tolist(), out.missing["tax"].tolist()
([False, False, True], [False, False, False])
"""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from xinzhi.codes.sei import sei_membership
from xinzhi.policy.facts import FieldSpec
from xinzhi.policy.rules import SEI_CHECK, Condition, diff_fields

__all__ = ["Columns", "Outcome", "condition_outcome", "minus_years", "whole_years"]

_TRUE_TEXT = {"true", "1", "是", "y", "yes", "t"}
_FALSE_TEXT = {"false", "0", "否", "n", "no", "f"}


def minus_years(on: dt.date, n: int) -> dt.date:
    """``on`` moved back ``n`` calendar years (29 Feb → 28 Feb).

    >>> minus_years(dt.date(2024, 2, 29), 1)
    datetime.date(2023, 2, 28)
    """
    try:
        return on.replace(year=on.year - n)
    except ValueError:
        return on.replace(year=on.year - n, day=28)


def whole_years(dates: np.ndarray, on: dt.date) -> np.ndarray:
    """Whole years from each ``datetime64[D]`` date to ``on`` (NaT → NaN).

    >>> d = np.array(["2019-07-01", "2019-06-30", "NaT"], dtype="datetime64[D]")
    >>> whole_years(d, dt.date(2024, 6, 30)).tolist()
    [4.0, 5.0, nan]
    """
    known = ~np.isnat(dates)
    safe = np.where(known, dates, np.datetime64("2000-01-01", "D"))
    y = safe.astype("datetime64[Y]").astype("int64") + 1970
    m = (safe.astype("datetime64[M]") - safe.astype("datetime64[Y]")).astype("int64") + 1
    d = (safe - safe.astype("datetime64[M]")).astype("int64") + 1
    before = (on.month * 100 + on.day) < (m * 100 + d)
    out = (on.year - y - before).astype("float64")
    return np.where(known, out, np.nan)


class Columns:
    """The frame's columns as numpy arrays, converted once per field and kind and cached.

    Parameters
    ----------
    frame
        One row per subject; any column may be absent (all unknown) or NULL.
    on
        The assessment date.
    fields
        Field specifications (types, ordinal levels) by key; a key not listed is read as its
        numpy conversion requires.
    """

    def __init__(self, frame: pd.DataFrame, on: dt.date, fields: Mapping[str, FieldSpec]) -> None:
        self.frame = frame
        self.on = on
        self.fields = dict(fields)
        self.n = len(frame)
        self._cache: dict[tuple[Any, ...], Any] = {}

    def has(self, key: str) -> bool:
        """True when the frame has the column."""
        return key in self.frame.columns

    def _absent(self) -> np.ndarray:
        return np.zeros(self.n, dtype=bool)

    def numeric(self, key: str) -> tuple[np.ndarray, np.ndarray]:
        """(values float64 with NaN, known)."""
        ck = ("num", key)
        if ck not in self._cache:
            spec = self.fields.get(key)
            pair = diff_fields(key)
            if pair is not None and not self.has(key):  # A − B, NaN if either is NULL
                a, _ = self.numeric(pair[0])
                b, _ = self.numeric(pair[1])
                vals = a - b
            elif not self.has(key):
                vals = np.full(self.n, np.nan)
            elif spec is not None and spec.type == "ordinal":
                vals, _ = self.ordinal(key, spec)
            elif spec is not None and spec.type == "date":
                d, _ = self.dates(key)
                vals = np.where(np.isnat(d), np.nan, d.astype("int64").astype("float64"))
            else:
                s = pd.to_numeric(self.frame[key], errors="coerce")
                vals = s.to_numpy(dtype="float64", na_value=np.nan)
            self._cache[ck] = (vals, ~np.isnan(vals))
        out: tuple[np.ndarray, np.ndarray] = self._cache[ck]
        return out

    def ordinal(self, key: str, spec: FieldSpec) -> tuple[np.ndarray, np.ndarray]:
        """(ranks float64 with NaN for NULL or unknown levels, known)."""
        ck = ("ord", key)
        if ck not in self._cache:
            if not self.has(key):
                vals = np.full(self.n, np.nan)
            else:
                s = self.frame[key].astype("string").str.strip()
                vals = s.map(spec.rank_map()).astype("float64").to_numpy(na_value=np.nan)
            self._cache[ck] = (vals, ~np.isnan(vals))
        out: tuple[np.ndarray, np.ndarray] = self._cache[ck]
        return out

    def boolean(self, key: str) -> tuple[np.ndarray, np.ndarray]:
        """(values bool, known)."""
        ck = ("bool", key)
        if ck not in self._cache:
            if not self.has(key):
                vals, known = self._absent(), self._absent()
            else:
                s = self.frame[key]
                if s.dtype == bool:
                    vals, known = s.to_numpy(dtype=bool), np.ones(self.n, dtype=bool)
                else:
                    try:
                        b = s.astype("boolean")
                    except (TypeError, ValueError):
                        text = s.astype("string").str.strip().str.lower()
                        yes = text.isin(_TRUE_TEXT).to_numpy(dtype=bool, na_value=False)
                        no = text.isin(_FALSE_TEXT).to_numpy(dtype=bool, na_value=False)
                        b = pd.Series(pd.array(yes, dtype="boolean")).where(yes | no)
                    known = b.notna().to_numpy(dtype=bool)
                    vals = b.fillna(False).to_numpy(dtype=bool)
            self._cache[ck] = (vals, known)
        out: tuple[np.ndarray, np.ndarray] = self._cache[ck]
        return out

    def text(self, key: str) -> tuple[pd.Series, np.ndarray]:
        """(values as a pandas string Series, known: not NULL and not empty)."""
        ck = ("text", key)
        if ck not in self._cache:
            if not self.has(key):
                s = pd.Series(pd.NA, index=range(self.n), dtype="string")
            else:
                raw = self.frame[key]
                if pd.api.types.is_float_dtype(raw.dtype):
                    # codes read from a CSV with blanks arrive as floats (220524.0)
                    whole = raw.dropna()
                    if bool((whole == np.floor(whole)).all()):
                        raw = raw.astype("Int64")
                s = raw.astype("string").str.strip().reset_index(drop=True)
            known = (s.notna() & (s != "")).to_numpy(dtype=bool, na_value=False)
            self._cache[ck] = (s, known)
        out: tuple[pd.Series, np.ndarray] = self._cache[ck]
        return out

    def slice(self, key: str, k: int) -> pd.Series:
        """The first ``k`` characters of a text column (for prefix tests)."""
        ck = ("slice", key, k)
        if ck not in self._cache:
            s, _ = self.text(key)
            self._cache[ck] = s.str.slice(0, k)
        out: pd.Series = self._cache[ck]
        return out

    def years(self, key: str) -> tuple[np.ndarray, np.ndarray]:
        """(whole years from a date column to the assessment date, known)."""
        ck = ("years", key)
        if ck not in self._cache:
            d, known = self.dates(key)
            self._cache[ck] = (whole_years(d, self.on), known)
        out: tuple[np.ndarray, np.ndarray] = self._cache[ck]
        return out

    def dates(self, key: str) -> tuple[np.ndarray, np.ndarray]:
        """(values datetime64[D] with NaT, known)."""
        ck = ("date", key)
        if ck not in self._cache:
            if not self.has(key):
                vals = np.full(self.n, np.datetime64("NaT"), dtype="datetime64[D]")
            else:
                s = pd.to_datetime(self.frame[key], errors="coerce")
                vals = s.to_numpy(dtype="datetime64[ns]").astype("datetime64[D]")
            self._cache[ck] = (vals, ~np.isnat(vals))
        out: tuple[np.ndarray, np.ndarray] = self._cache[ck]
        return out


@dataclass
class Outcome:
    """Tri-state result of a condition node for every subject.

    ``t`` certainly true, ``f`` certainly false (unknown = neither); ``missing`` field key →
    where that field's NULL leaves the node unknown (only where the node is unknown).
    """

    t: np.ndarray
    f: np.ndarray
    missing: dict[str, np.ndarray] = field(default_factory=dict)

    @property
    def unknown(self) -> np.ndarray:
        """Neither true nor false."""
        return ~(self.t | self.f)


_COMPARE = {
    "ge": operator.ge,
    "gt": operator.gt,
    "le": operator.le,
    "lt": operator.lt,
    "eq": operator.eq,
    "ne": operator.ne,
}


def _cmp(op: str, a: np.ndarray, b: Any) -> np.ndarray:
    """``a op b`` element-wise (NaN compares false)."""
    with np.errstate(invalid="ignore"):
        return np.asarray(_COMPARE[op](a, b))


def _known(match: np.ndarray, known: np.ndarray, key: str) -> Outcome:
    """A leaf true where ``match`` on known values, false where not, unknown where NULL."""
    return Outcome(known & match, known & ~match, {key: ~known})


def _field_leaf(c: Condition, cols: Columns) -> Outcome:
    key = c.fields[0]
    spec = cols.fields.get(key)
    typ = spec.type if spec is not None else "double"
    op, v = c.op, c.value
    if typ in ("double", "integer", "ordinal"):
        vals, known = cols.ordinal(key, spec) if (typ == "ordinal" and spec) else cols.numeric(key)
        if op == "between":
            with np.errstate(invalid="ignore"):
                match = (vals >= v[0]) & (vals <= v[1])
        elif op in ("in", "not_in"):
            match = np.isin(vals, np.asarray(v, dtype="float64"))
        else:
            match = _cmp(op, vals, v)
        if op == "not_in":
            match = ~match
        return _known(match, known, key)
    if typ == "boolean":
        vals, known = cols.boolean(key)
        match = vals == bool(v) if op in ("is", "eq") else vals != bool(v)
        return _known(match, known, key)
    # varchar
    s, known = cols.text(key)
    if op in ("eq", "ne"):
        match = (s == str(v)).to_numpy(dtype=bool, na_value=False)
        if op == "ne":
            match = ~match
    elif op in ("in", "not_in"):
        match = s.isin([str(x) for x in v]).to_numpy(dtype=bool, na_value=False)
        if op == "not_in":
            match = ~match
    elif op in ("prefix", "not_prefix"):
        by_len: dict[int, list[str]] = {}
        for p in v:
            by_len.setdefault(len(p), []).append(p)
        match = np.zeros(cols.n, dtype=bool)
        for k, prefixes in by_len.items():
            match |= cols.slice(key, k).isin(prefixes).to_numpy(dtype=bool, na_value=False)
        if op == "not_prefix":
            match = ~match
    else:  # pragma: no cover - validated in rules
        raise ValueError(op)
    return _known(match, known, key)


def _label_leaf(c: Condition, cols: Columns) -> Outcome:
    col = c.fields[0]
    held, known = cols.boolean(col)
    on = np.datetime64(cols.on, "D")
    until_col, since_col = f"{col}_until", f"{col}_since"
    if cols.has(until_col):
        until, uk = cols.dates(until_col)
        held = held & ~(uk & (until < on))
    if cols.has(since_col):
        since, sk = cols.dates(since_col)
        held = held & ~(sk & (since > on))
    if c.op == "held":
        out = _known(held, known, col)
        return out if c.value else Outcome(out.f, out.t, out.missing)
    # since_within_years
    since, sk = cols.dates(since_col)
    cutoff = np.datetime64(minus_years(cols.on, int(c.value)), "D")
    recent = sk & (since >= cutoff) & (since <= on)
    t = known & held & recent
    f = (known & ~held) | (known & held & sk & ~recent)
    return Outcome(t, f, {col: ~known, since_col: known & held & ~sk})


def _leaf(c: Condition, cols: Columns) -> Outcome:
    if c.kind == "field":
        return _field_leaf(c, cols)
    if c.kind == "ratio":
        a, ka = cols.numeric(c.fields[0])
        b, kb = cols.numeric(c.fields[1])
        nonpos = kb & (b <= 0)
        both = ka & kb & ~nonpos
        with np.errstate(divide="ignore", invalid="ignore"):
            r = np.where(both, a / np.where(both, b, 1.0), np.nan)
        match = _cmp(c.op, r, c.value)
        t = both & match
        f = nonpos | (both & ~match)
        unknown = ~(t | f)
        return Outcome(t, f, {c.fields[0]: unknown & ~ka, c.fields[1]: unknown & ~kb})
    if c.kind == "diff":
        a, ka = cols.numeric(c.fields[0])
        b, kb = cols.numeric(c.fields[1])
        both = ka & kb
        match = _cmp(c.op, a - b, c.value)
        return Outcome(both & match, both & ~match, {c.fields[0]: ~ka, c.fields[1]: ~kb})
    if c.kind == "label":
        return _label_leaf(c, cols)
    if c.kind == "years_since":
        years, known = cols.years(c.fields[0])
        return _known(_cmp(c.op, years, c.value), known, c.fields[0])
    if c.kind == "date":
        d, known = cols.dates(c.fields[0])
        v = np.datetime64(c.value, "D")
        op = {"on_or_after": "ge", "after": "gt", "before": "lt", "on_or_before": "le"}[c.op]
        return _known(_cmp(op, d, v), known, c.fields[0])
    if c.kind == "sei":  # a partial (*) code is unknown: verify (SEI_CHECK), else the 4-digit code
        t, f, partial = sei_membership(cols.text(c.fields[0])[0], c.value)
        unknown = ~(t | f)
        return Outcome(t, f, {c.fields[0]: unknown & ~partial, SEI_CHECK: partial})
    if c.kind == "size":
        s, known = cols.text("size_class")
        match = s.isin(list(c.value)).to_numpy(dtype=bool, na_value=False)
        return _known(match, known, "size_class")
    raise ValueError(c.kind)  # pragma: no cover


def condition_outcome(
    cond: Condition | None, cols: Columns, trace: dict[str, Outcome] | None = None
) -> Outcome:
    """Evaluate a condition tree for every subject of ``cols`` (see the module docstring).

    ``cond`` None (a clause without ``when``) is true everywhere. ``trace``, when given,
    receives the outcome of every node by its key path (for explanations).
    """
    if cond is None:
        return Outcome(np.ones(cols.n, dtype=bool), np.zeros(cols.n, dtype=bool), {})
    if not cond.children:
        out = _leaf(cond, cols)
    else:
        kids = [condition_outcome(k, cols, trace) for k in cond.children]
        if cond.kind == "all":
            t = np.logical_and.reduce([k.t for k in kids])
            f = np.logical_or.reduce([k.f for k in kids])
        elif cond.kind == "any":
            t = np.logical_or.reduce([k.t for k in kids])
            f = np.logical_and.reduce([k.f for k in kids])
        else:  # not
            t, f = kids[0].f, kids[0].t
        out = Outcome(t, f, {})
        for k in kids:
            for key, m in k.missing.items():
                out.missing[key] = out.missing[key] | m if key in out.missing else m
    unknown = out.unknown
    out.missing = {k: m & unknown for k, m in out.missing.items()}
    if trace is not None:
        trace[cond.path] = out
    return out
