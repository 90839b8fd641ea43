"""Amounts of support (万元): clause benefits, stacking, caps per subject and budget ceilings.

Amount of one clause for one subject (computed only where the clause is 符合 or 可能符合):

* ``fixed: x`` → x; ``fixed: [x1, x2]`` → [x1, x2] (10万元—100万元: the office decides);
* ``percent: {base: B, rate: r}`` → B × r; a rate range ``[r1, r2]`` gives [B × r1, B × r2];
* a base (or ``on``) written ``{diff: [A, B]}`` reads A − B (NULL if either is NULL);
* ``per_unit: {base: B, amount: a}`` → B × a; with ``per: n`` → a × ⌊B / n⌋ (每满一万人奖励一万元);
* ``bands: {on: O, base: B, bands: [..]}`` → the first band whose bounds hold for O pays
  ``rate`` × B (B defaults to O) or its fixed ``amount``; O outside every band → 0.

then ``max(·, floor)`` (floor default 0: never negative) and ``min(·, cap)``. When an input is
NULL (:func:`amount_missing`; such a row is 可能符合 even if every condition holds) the amount
is a range: amount_min = floor (the lowest possible), amount_max = the most any
value could give — the cap; for bands, the largest band amount (a rate band bounded above by
``le``/``lt`` on the ``on`` field gives bound × rate); unbounded (``inf`` here, NULL in results)
when nothing limits it.

Per document, in this order (:func:`apply_stacking`, :func:`apply_subject_cap`,
:func:`allocate`):

1. **Stacking** — clauses sharing a ``group`` whose rule is ``highest`` (就高不重复): per
   subject only the 符合 clause with the highest amount_max keeps its amount (ties go to the
   earlier clause); the other 符合 clauses get 0. A 符合 row never gives way to a 可能符合 one:
   可能符合 rows keep their range (compared with the certain winner once their data are in).
   ``additive`` (default) keeps all.
2. **cap_per_subject** — when a subject's sum over the document's clauses exceeds the cap,
   every amount is scaled by cap / sum (amount_min and amount_max separately; an unbounded
   amount_max becomes the cap; an amount_min above its scaled amount_max is lowered to it).
3. **Budget** — over the 符合 rows (amount_max as the claim; unbounded claims are not
   allocated): demand D = Σ claims. ``allocated`` = claim when D ≤ total; else ``pro_rata``:
   claim × total / D; ``ranked``: subjects sorted by ``rank_by`` (descending by default, NULL
   last, ties in frame order), clauses in document order, each paid in full while the budget
   lasts, the one that crosses it gets the remainder, the rest 0. Without a budget,
   ``allocated`` = the claim.

>>> import numpy as np
>>> allocate(np.array([[2, 2, 1]]), np.array([[60.0, 40.0, 10.0]]), total=50.0,
...          allocation="pro_rata").tolist()
[[30.0, 20.0, nan]]
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from xinzhi.policy.conditions import Columns
from xinzhi.policy.rules import Band, Benefit, diff_fields

__all__ = [
    "ELIGIBLE",
    "FAIL",
    "MAYBE",
    "MEET",
    "allocate",
    "amount_missing",
    "amount_range",
    "apply_stacking",
    "apply_subject_cap",
]

#: Status codes used by the engine arrays (符合 / 可能符合 / 不符合).
MEET, MAYBE, FAIL = 2, 1, 0
ELIGIBLE = (MEET, MAYBE)


def _band_mask(vals: np.ndarray, b: Band) -> np.ndarray:
    """Where ``vals`` lie within the bounds of band ``b`` (False where NaN)."""
    m = np.ones(vals.shape, dtype=bool)
    with np.errstate(invalid="ignore"):
        if b.lower is not None:
            m &= vals >= b.lower if b.lower_inclusive else vals > b.lower
        if b.upper is not None:
            m &= vals <= b.upper if b.upper_inclusive else vals < b.upper
    return m


def _band_rows(benefit: Benefit, on: np.ndarray, known: np.ndarray) -> list[np.ndarray]:
    """Per band of ``benefit``, the subjects it pays: the known ``on`` values for which it is
    the first band whose bounds hold."""
    taken = np.zeros(on.shape, dtype=bool)
    rows = []
    for b in benefit.bands:
        m = known & ~taken & _band_mask(on, b)
        taken |= m
        rows.append(m)
    return rows


def amount_range(benefit: Benefit, cols: Columns) -> tuple[np.ndarray, np.ndarray]:
    """(amount_min, amount_max) of a benefit for every subject, before stacking and budgets.

    For a known input the amount is a = min(max(x, floor), cap) with x = the fixed amount,
    B × r (``percent``), B × a or a × ⌊B / per⌋ (``per_unit``), or the pay of the first band
    whose bounds hold for O (``bands``); a range of amounts or rates gives [x_low, x_high].
    Where an input is NULL: amount_min = floor, amount_max = the most any value could give
    (the cap; for bands the largest band amount or bound × rate; ``inf`` when unbounded).

    Parameters
    ----------
    benefit
        A validated benefit (:class:`~xinzhi.policy.rules.Benefit`).
    cols
        The subjects' columns.

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)
        amount_min and amount_max in 万元, float64, one value per subject.
    """
    n = cols.n
    inf = np.inf
    if benefit.kind == "fixed":
        lo = np.full(n, float(benefit.amount or 0.0))
        high = benefit.amount_high
        hi = lo.copy() if high is None else np.full(n, float(high))
    elif benefit.kind in ("percent", "per_unit"):
        base, known = cols.numeric(benefit.base or "")
        if benefit.kind == "percent":
            r1, r2 = benefit.rate or (0.0, 0.0)
        else:
            r1 = r2 = float(benefit.amount or 0.0)
            if benefit.per is not None:  # 每满 per 单位: whole steps only
                with np.errstate(invalid="ignore"):
                    base = np.floor(base / benefit.per)
        lo = np.where(known, base * r1, -inf)
        hi = np.where(known, base * r2, inf)
    else:  # bands
        on, kon = cols.numeric(benefit.on or "")
        base, kbase = cols.numeric(benefit.base or benefit.on or "")
        lo = np.zeros(n)
        hi = np.zeros(n)
        cand_max = np.full(n, -inf)
        for b, m in zip(benefit.bands, _band_rows(benefit, on, kon), strict=True):
            cand: np.ndarray
            if b.amount is not None:
                pay_lo = pay_hi = np.full(n, b.amount)
                cand = np.full(n, b.amount)
            else:
                rate = float(b.rate or 0.0)
                pay_lo = np.where(kbase, base * rate, -inf)
                pay_hi = np.where(kbase, base * rate, inf)
                if benefit.base not in (None, benefit.on):
                    # `on` unknown: a separate known base still bounds the band's amount
                    cand = np.where(kbase, base * rate, inf)
                else:
                    cand = np.full(n, b.upper * rate if b.upper is not None else inf)
            lo = np.where(m, pay_lo, lo)
            hi = np.where(m, pay_hi, hi)
            cand_max = np.maximum(cand_max, cand)
        lo = np.where(kon, lo, -inf)
        hi = np.where(kon, hi, cand_max)
    floor = benefit.floor
    lo = np.maximum(lo, floor)
    hi = np.maximum(hi, floor)
    if benefit.cap is not None:
        lo = np.minimum(lo, benefit.cap)
        hi = np.minimum(hi, benefit.cap)
    return lo.astype("float64"), hi.astype("float64")


def amount_missing(benefit: Benefit, cols: Columns) -> dict[str, np.ndarray]:
    """The fields of the amount that are NULL where they matter, by field key (a mask per
    subject): the base of ``percent`` / ``per_unit``; for ``bands`` the ``on`` field, and a
    separate ``base`` where ``on`` is unknown or falls in a rate band. ``fixed`` reads nothing.

    A clause whose conditions all hold but whose amount needs one of these is 可能符合, not
    符合 (符合 = all data present and every condition met).
    """
    if benefit.kind == "fixed":
        return {}
    if benefit.kind in ("percent", "per_unit"):
        return _null_fields(benefit.base or "", cols, np.ones(cols.n, dtype=bool))
    on, kon = cols.numeric(benefit.on or "")
    out = _null_fields(benefit.on or "", cols, np.ones(cols.n, dtype=bool))
    if benefit.base not in (None, benefit.on):
        rated = np.zeros(cols.n, dtype=bool)
        for b, m in zip(benefit.bands, _band_rows(benefit, on, kon), strict=True):
            if b.rate is not None:
                rated |= m
        for k, m in _null_fields(benefit.base or "", cols, ~kon | rated).items():
            out[k] = out[k] | m if k in out else m
    return out


def _null_fields(key: str, cols: Columns, where: np.ndarray) -> dict[str, np.ndarray]:
    """Field key → NULL (within ``where``); a difference A − B reports A and B."""
    pair = diff_fields(key)
    return {k: ~cols.numeric(k)[1] & where for k in (pair or (key,))}


def apply_stacking(
    groups: Sequence[str | None],
    rules: Mapping[str, str],
    status: np.ndarray,
    lo: np.ndarray,
    hi: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """就高不重复 within ``highest`` groups, in place on ``lo`` / ``hi`` (clauses × subjects).

    A 符合 row never gives way to a 可能符合 one: per subject and group the *certain winner* is
    the 符合 row with the highest amount_max (ties: the earlier clause); the other 符合 rows
    get 0; 可能符合 rows keep their range (if their data turn out to qualify, the office pays
    the higher of the two).

    Returns
    -------
    (by, alt)
        Both clauses × subjects, int, -1 elsewhere: ``by`` the clause a 符合 row gave way to;
        ``alt`` for a 可能符合 row the group's certain winner it will be compared with.
    """
    by = np.full(status.shape, -1, dtype="int64")
    alt = np.full(status.shape, -1, dtype="int64")
    for g in dict.fromkeys(x for x in groups if x):
        if rules.get(g, "additive") != "highest":
            continue
        idx = np.array([i for i, x in enumerate(groups) if x == g])
        paid = ~np.isnan(hi[idx])
        meet = (status[idx] == MEET) & paid
        score = np.where(meet, hi[idx], -np.inf)
        win = np.argmax(score, axis=0)  # first maximum: ties go to the earlier clause
        anymeet = meet.any(axis=0)
        for j, i in enumerate(idx):
            lose = meet[j] & (win != j)
            lo[i] = np.where(lose, 0.0, lo[i])
            hi[i] = np.where(lose, 0.0, hi[i])
            by[i] = np.where(lose, idx[win], by[i])
            maybe = (status[i] == MAYBE) & paid[j] & anymeet
            alt[i] = np.where(maybe, idx[win], alt[i])
    return by, alt


def apply_subject_cap(cap: float, status: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> None:
    """Scale each subject's amounts (in place) so that their sum is at most ``cap``.

    Over the 符合 / 可能符合 rows of one subject (clauses × subjects arrays), separately for
    ``lo`` and ``hi``: S = Σ amounts; where S > cap every amount becomes amount × cap / S; an
    unbounded amount becomes cap; then amount_min = min(amount_min, amount_max).

    Parameters
    ----------
    cap
        ``cap_per_subject`` of the document (万元).
    status
        Status codes (2 符合, 1 可能符合, 0 不符合).
    lo, hi
        amount_min and amount_max, changed in place.
    """
    elig = np.isin(status, ELIGIBLE) & ~np.isnan(lo)
    for arr in (lo, hi):
        vals = np.where(elig, arr, 0.0)
        total = vals.sum(axis=0)
        finite = np.isfinite(total)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            factor = np.where(finite & (total > cap), cap / np.where(total > 0, total, 1.0), 1.0)
        scaled = arr * factor
        scaled = np.where(np.isfinite(arr), scaled, cap)  # an unbounded amount: at most the cap
        scaled = np.minimum(scaled, cap)
        arr[...] = np.where(elig, scaled, arr)
    # scaled separately, a minimum may pass its maximum: a clause can never pay more than its max
    np.minimum(lo, hi, out=lo, where=elig)


def allocate(
    status: np.ndarray,
    claim: np.ndarray,
    *,
    total: float | None = None,
    allocation: str = "pro_rata",
    rank: np.ndarray | None = None,
    descending: bool = True,
) -> np.ndarray:
    """``allocated`` (clauses × subjects; NaN where not 符合 or the claim is unbounded).

    Parameters
    ----------
    status
        Status codes (2 符合, 1 可能符合, 0 不符合).
    claim
        amount_max of each row (``inf`` or NaN = unbounded).
    total
        Budget in 万元 (None: no ceiling).
    allocation
        ``pro_rata`` or ``ranked``.
    rank
        Per subject the ``rank_by`` values (float, NaN = NULL; for ``ranked``).
    descending
        Rank high values first.
    """
    ok = (status == MEET) & np.isfinite(claim)
    out = np.where(ok, claim, np.nan)
    if total is None:
        return out
    demand = float(np.where(ok, claim, 0.0).sum())
    if demand <= total:
        return out
    if allocation == "pro_rata":
        return np.where(ok, claim * (total / demand), np.nan)
    n = claim.shape[1]
    r = rank if rank is not None else np.full(n, np.nan)
    key = np.where(np.isnan(r), np.inf, -r if descending else r)
    order = np.lexsort((np.arange(n), key))  # subjects: by rank, then frame order
    # payment order: subject by subject, clauses in document order within a subject
    paid = np.where(ok, claim, 0.0)[:, order].T.ravel()
    before = np.cumsum(paid) - paid
    got = np.clip(total - before, 0.0, paid).reshape(n, -1).T
    res = np.empty(claim.shape)
    res[:, order] = got
    return np.where(ok, res, np.nan)
