"""战略性新兴产业分类（2018）: sectors, classes and their GB/T 4754-2017 industry codes.

Source: 《战略性新兴产业分类（2018）》, 国家统计局令第23号, 国家统计局, 2018-11-07 — 9 sectors
(1 新一代信息技术产业 … 9 相关服务业) with second-level classes ``n.m``, each listing the
4-digit classes of 国民经济行业分类 GB/T 4754-2017 it covers; a code marked ``*`` belongs only
in part. Data in ``sei.yaml`` beside this module (rows read from a machine-readable copy of the
table, cited there with repository@commit:path; second-level classes of sector 3 新材料产业
are not in that copy, so only the whole sector 3 can be asked for).

Membership of an industry code in a selection S of sectors / classes (tri-state):

* a 4-digit class: **true** if some row of S lists it without ``*``; **partial** (unknown,
  需核实) if rows of S list it only with ``*``; **false** if no row of S lists it;
* a 2- or 3-digit code (division / group; firms recorded coarsely): true if every 4-digit
  class below it is true, false if every one is false, else unknown (the 4-digit code is
  needed);
* NULL or not a GB/T code: unknown.

>>> s = pd.Series(["3612", "3921", "1311", None, "27"])
>>> t, f, partial = sei_membership(s, ("5", "1"))
>>> t.tolist(), f.tolist(), partial.tolist()
([True, False, False, False, False], [False, False, True, False, True], [False, True, False, False, False])
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import cache
from importlib import resources
from typing import Any

import numpy as np
import pandas as pd

from xinzhi import yamlfile

__all__ = [
    "PARTIAL_REASON",
    "check_sei_selection",
    "sei_classes_of",
    "sei_membership",
    "sei_sectors",
    "sei_source",
    "sei_table",
]

PARTIAL_REASON = "行业代码仅部分属于战略性新兴产业，需核实"
_CODE = re.compile(r"^[A-Ta-t]?(\d{2,4})$")
_TRUE, _FALSE, _PARTIAL, _UNKNOWN = 1, 0, 2, 3


@cache
def _data() -> dict[str, Any]:
    text = resources.files("xinzhi.codes").joinpath("sei.yaml").read_text("utf-8")
    return dict(yamlfile.safe_load(text))


def sei_source() -> dict[str, str]:
    """The citation of the classification and of the data rows (title, issuer, 文号, date …)."""
    return {str(k): str(v) for k, v in _data()["source"].items()}


def sei_sectors() -> pd.DataFrame:
    """The 9 sectors and their second-level classes.

    Columns ``sector`` (int 1–9), ``sector_name``, ``class`` (``"1.1"`` …), ``class_name``;
    one row per class.

    >>> df = sei_sectors()
    >>> df["sector"].nunique(), len(df), df.iloc[0]["class_name"]
    (9, 40, '下一代信息网络产业')
    """
    rows = [
        (int(s["code"]), str(s["name"]), str(c["code"]), str(c["name"]))
        for s in _data()["sectors"]
        for c in s["classes"]
    ]
    return pd.DataFrame(rows, columns=["sector", "sector_name", "class", "class_name"])


@cache
def _table() -> pd.DataFrame:
    rows = [
        (
            str(r["code"]),
            int(r["sector"]),
            None if r["class"] is None else str(r["class"]),
            bool(r["partial"]),
            str(r["item"]),
        )
        for r in _data()["correspondence"]
    ]
    return pd.DataFrame(rows, columns=["industry_code", "sector", "class", "partial", "item"])


@cache
def _per_code() -> dict[str, tuple[tuple[int, ...], tuple[int, ...], tuple[str, ...]]]:
    """Code → (sectors, sectors without *, classes; sector 3 as "3")."""
    acc: dict[str, tuple[set[int], set[int], set[str]]] = {}
    for r in _data()["correspondence"]:
        sectors, full, classes = acc.setdefault(str(r["code"]), (set(), set(), set()))
        sectors.add(int(r["sector"]))
        if not r["partial"]:
            full.add(int(r["sector"]))
        classes.add(str(r["sector"]) if r["class"] is None else str(r["class"]))
    return {
        k: (tuple(sorted(a)), tuple(sorted(b)), tuple(sorted(c))) for k, (a, b, c) in acc.items()
    }


def sei_table() -> pd.DataFrame:
    """The correspondence rows: ``industry_code`` (4 digits), ``sector``, ``class`` (None for
    sector 3, see the module docstring), ``partial`` (the table's ``*``), ``item`` (third-level
    name in the source)."""
    return _table().copy()


@cache
def _gbt_classes() -> dict[str, tuple[str, ...]]:
    return {str(k): tuple(str(v).split()) for k, v in _data()["gbt4754_2017_classes"].items()}


def check_sei_selection(items: object) -> tuple[str, ...]:
    """Validate a selection of sectors (``1`` … ``9``) and second-level classes (``"1.2"``).

    Returns the items as text; raises ``ValueError`` with a Chinese message naming the first
    bad item.

    >>> check_sei_selection([1, "4.2"])
    ('1', '4.2')
    >>> check_sei_selection([10])
    Traceback (most recent call last):
    ...
    ValueError: 未知的战略性新兴产业类别 10（大类为 1–9，二级类如 1.2、4.1）
    """
    raw = items if isinstance(items, list) else [items]
    if not raw:
        raise ValueError('应为非空的战略性新兴产业类别列表，如 [1, 4] 或 ["1.2"]')
    classes = set(sei_sectors()["class"])
    out = []
    for v in raw:
        if isinstance(v, bool) or not isinstance(v, (int, float, str)):
            raise ValueError(f'战略性新兴产业类别应为数字或文字（如 1、"1.2"），实际为 {v!r}')
        text = str(v).strip()
        if text in {str(n) for n in range(1, 10)}:
            out.append(text)
        elif text in classes:
            if text.startswith("3."):
                raise ValueError(
                    f"新材料产业的二级类（{text}）与行业代码的对应未收录，请用整个大类 3"
                )
            out.append(text)
        else:
            raise ValueError(f"未知的战略性新兴产业类别 {text}（大类为 1–9，二级类如 1.2、4.1）")
    return tuple(dict.fromkeys(out))


@cache
def _lookup(selection: tuple[str, ...]) -> dict[str, int]:
    """Status of every 4-digit class and 2-/3-digit prefix of the table's divisions."""
    tab = _table()
    sectors = {int(s) for s in selection if "." not in s}
    classes = {s for s in selection if "." in s}
    hit = tab[tab["sector"].isin(sectors) | tab["class"].isin(classes)]
    full = set(hit.loc[~hit["partial"], "industry_code"])
    part = set(hit["industry_code"]) - full
    status: dict[str, int] = {}
    for codes in _gbt_classes().values():
        for c in codes:
            status[c] = _TRUE if c in full else _PARTIAL if c in part else _FALSE
    for codes in _gbt_classes().values():
        for k in (2, 3):
            groups: dict[str, set[int]] = {}
            for c in codes:
                groups.setdefault(c[:k], set()).add(status[c])
            for p, st in groups.items():
                status[p] = st.pop() if len(st) == 1 and st <= {_TRUE, _FALSE} else _UNKNOWN
    return status


def _normalise(codes: pd.Series) -> pd.Series:
    s = codes.astype("string").str.strip()
    return s.str.extract(_CODE, expand=False)


def sei_membership(
    industry_codes: pd.Series, selection: Sequence[str] | Iterable[str]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Tri-state membership of each code in the selected sectors / classes.

    Returns ``(t, f, partial)`` boolean arrays: certainly in, certainly not in, and in only
    through ``*`` rows (需核实). Unknown = neither ``t`` nor ``f``; it is ``partial`` for a
    4-digit ``*`` code, else the code is NULL, invalid or a division / group with mixed
    classes (the 4-digit code is needed). A 2–4 digit code of a division without any row is
    false. A leading section letter (``C3921``) is ignored.
    """
    sel = check_sei_selection(list(selection))
    status = _lookup(sel)
    norm = _normalise(industry_codes.reset_index(drop=True))
    coded = norm.notna().to_numpy(dtype=bool)
    st = norm.map(status).astype("Float64").to_numpy(dtype="float64", na_value=np.nan)
    # a well-formed code of a division without any row: not in any sector
    st = np.where(coded & np.isnan(st), _FALSE, st)
    return st == _TRUE, st == _FALSE, st == _PARTIAL


def sei_classes_of(industry_codes: pd.Series) -> pd.DataFrame:
    """For each firm's industry code, the sectors and classes it belongs to.

    Columns (index of ``industry_codes``): ``sectors`` (sorted tuple of sector numbers with
    any row), ``full_sectors`` (sectors with a row without ``*``), ``classes`` (second-level
    classes; sector 3 appears as ``"3"``), ``partial`` (True when the code is in some sector
    only through ``*`` rows). A code without any row (or NULL) gets empty tuples and False.

    >>> out = sei_classes_of(pd.Series(["3612", "6511", "1311"]))
    >>> out["full_sectors"].tolist(), out["partial"].tolist()
    ([(5,), (), ()], [False, True, False])
    """
    per_code = _per_code()
    norm = _normalise(industry_codes).fillna("")
    uniq, inv = np.unique(norm.to_numpy(dtype=str), return_inverse=True)
    empty: tuple[tuple[int, ...], tuple[int, ...], tuple[str, ...]] = ((), (), ())
    found = [per_code.get(str(u), empty) for u in uniq]  # one per distinct code
    out = pd.DataFrame(index=industry_codes.index)
    for i, col in enumerate(("sectors", "full_sectors", "classes")):
        vals = np.empty(len(uniq), dtype=object)
        vals[:] = [f[i] for f in found]
        out[col] = vals[inv.ravel()]
    partial = np.array([bool(f[0]) and not f[1] for f in found], dtype=bool)
    out["partial"] = partial[inv.ravel()]
    return out
