"""The region registry: all province, prefecture and county-level units 1981–2024 and name
resolution (names or codes, old or new, full-width or not → the code valid in a given year).

Resolution rules (also in ``docs/regions.md``):

1. Input is NFKC-normalised and stripped of whitespace. Six digits (also ``430321.0``, the
   12-digit 统计用区划代码 ``430321000000`` and the 9-digit ``156430321``) are a **code**;
   anything else is a **name**.
2. A name may be the full name (湘潭县) or the short name (湘潭, see
   :func:`xinzhi.regions.names.short_names`), optionally prefixed by the province and/or the
   prefecture, each full or short (湖南省湘潭市湘潭县, 湖南湘潭县, 湘潭市湘潭县, 湖南湘潭).
3. Candidates are filtered by ``parent`` (a province or prefecture name or code) and by
   ``level`` when given (if nothing of that level matches, the match at another level is
   reported as ``not_<level>``).
4. **Precedence**: among units valid in ``year``, full-name matches (rank 0) beat short-name
   matches (rank 1); several units at the best rank → ambiguous (AmbiguousRegionError lists
   ``"code 全称"``). So 湘潭县 → 430321, but 湘潭 (short of both 湘潭市 and 湘潭县) is
   ambiguous unless ``level`` or ``parent`` is given; 朝阳区 is ambiguous (北京, 长春) unless
   ``parent`` is given.
5. If no unit valid in ``year`` matches, former units (ended on or before ``year``) are
   followed through their successors, over as many hops as needed, to the units valid in
   ``year``: exactly one → ``renamed``; several → **split**, reported with the successors
   (RegionSplitError), never guessed; none → ``abolished``. Units created after ``year`` →
   ``not_yet``.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple, cast

import numpy as np
import pandas as pd

from xinzhi import datasets
from xinzhi.errors import AmbiguousRegionError, RegionError, RegionSplitError
from xinzhi.regions.names import normalize, short_names
from xinzhi.regions.table import build_table

__all__ = ["LEVELS", "Region", "RegionRegistry", "load_registry", "registry_from_table"]

LEVELS = ("province", "prefecture", "county")
LEVEL_ZH = {"province": "省级", "prefecture": "地级", "county": "县级"}
_NO_END = 10**6
_CODE_RE = re.compile(r"^(?:156)?(\d{6})(?:\.0+|000000|000)?$")
_OK = ("ok", "renamed")


@dataclass(frozen=True)
class Region:
    """One resolved administrative unit (the record valid in the requested year).

    ``valid_to`` is exclusive (None while still in use); ``note`` explains renames, merges and
    old codes in Chinese; ``status`` is ``"ok"`` or ``"renamed"``.
    """

    code: str
    name: str
    full_name: str
    level: str
    type: str
    province_code: str
    province_name: str
    prefecture_code: str | None
    prefecture_name: str | None
    valid_from: int
    valid_to: int | None
    note: str = ""
    status: str = "ok"


class _Outcome(NamedTuple):
    status: str
    row: int  # -1 when nothing was chosen
    message: str
    candidates: tuple[str, ...] = ()


class RegionRegistry:
    """All GB/T 2260 units 1981–2024 with history, and name/code resolution.

    Parameters
    ----------
    table : pandas.DataFrame
        The registry table from :func:`xinzhi.regions.table.build_table`.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per (code, start_year) record; see ``docs/regions.md`` for the columns.
    first_year, latest_year : int
        Years covered (1981, 2024).
    """

    def __init__(self, table: pd.DataFrame) -> None:
        self.table = table
        self.first_year = int(table["start_year"].min())
        self.latest_year = int(table["start_year"].max())
        self._code = table["code"].to_numpy(dtype=object)
        self._name = table["name"].to_numpy(dtype=object)
        self._short = table["short_name"].to_numpy(dtype=object)
        self._level = table["level"].to_numpy(dtype=object)
        self._type = table["type"].to_numpy(dtype=object)
        self._prov = table["province_code"].to_numpy(dtype=object)
        self._prov_name = table["province_name"].to_numpy(dtype=object)
        self._pref = table["prefecture_code"].to_numpy(dtype=object)
        self._pref_name = table["prefecture_name"].to_numpy(dtype=object)
        self._start = table["start_year"].to_numpy(dtype=np.int64)
        self._end = table["end_year"].fillna(_NO_END).to_numpy(dtype=np.int64)
        self._succ: list[tuple[str, ...]] = list(table["successors"])
        self._full = self._full_names().to_numpy(dtype=object)
        self._code_index = cast(dict[str, np.ndarray], table.groupby("code", sort=False).indices)
        self._build_name_index()
        self._pred_note = self._predecessor_notes()
        self._finals_cache: dict[tuple[int, int], frozenset[int]] = {}
        self._parent_cache: dict[str, tuple[frozenset[str], frozenset[str]]] = {}

    # ------------------------------------------------------------------ construction
    def _full_names(self) -> pd.Series:
        t = self.table
        pref = t["prefecture_name"].fillna("").where(t["level"] == "county", "")
        full = t["province_name"] + pref + t["name"]
        return full.where(t["level"] != "province", t["name"])

    def _build_name_index(self) -> None:
        """Index every (prefix + name) key → record rows with a rank (0 full, 1 short)."""
        t = self.table
        n = len(t)
        rows = np.arange(n)
        is_prov = (t["level"] == "province").to_numpy()
        has_pref = (t["level"] == "county").to_numpy() & t["prefecture_name"].notna().to_numpy()
        prov_short = self._short_of(t["province_name"])
        pref_name = t["prefecture_name"].fillna("")
        pref_short = self._short_of(pref_name)
        provs: list[tuple[pd.Series | None, np.ndarray]] = [
            (None, np.ones(n, bool)),
            (t["province_name"], ~is_prov),
            (prov_short, ~is_prov),
        ]
        prefs: list[tuple[pd.Series | None, np.ndarray]] = [
            (None, np.ones(n, bool)),
            (pref_name, has_pref),
            (pref_short, has_pref),
        ]
        names = [(t["name"], 0), (t["short_name"], 1)]
        parts = []
        for p, pmask in provs:
            for m, mmask in prefs:
                for nm, rank in names:
                    key = nm
                    if m is not None:
                        key = m + key
                    if p is not None:
                        key = p + key
                    mask = pmask & mmask
                    parts.append(pd.DataFrame({"key": key[mask], "row": rows[mask], "rank": rank}))
        keys = pd.concat(parts, ignore_index=True)
        keys = keys.sort_values("rank", kind="stable").drop_duplicates(["key", "row"])
        self._idx_rows = keys["row"].to_numpy(dtype=np.int64)
        self._idx_rank = keys["rank"].to_numpy(dtype=np.int64)
        self._name_index = cast(dict[str, np.ndarray], keys.groupby("key", sort=False).indices)
        uniq = pd.unique(np.concatenate([self._name, self._full]))
        pool: dict[str, list[str]] = {}
        for s in uniq:  # suggestion pool by first character (built once)
            pool.setdefault(s[0], []).append(s)
        self._suggest_pool = pool

    @staticmethod
    def _short_of(s: pd.Series) -> pd.Series:
        return short_names(s.fillna(""))

    def _predecessor_notes(self) -> dict[int, str]:
        """Notes like "2017 年由 XX县（code）改设" for records created from whole old units."""
        t = self.table
        ended = t[t["end_year"].notna() & (t["successors"].map(len) == 1)]
        if ended.empty:
            return {}
        links = pd.DataFrame(
            {
                "old": ended.index.to_numpy(),
                "succ": ended["successors"].str[0].to_numpy(),
                "year": ended["end_year"].astype("int64").to_numpy(),
            }
        )
        new = pd.DataFrame({"new": np.arange(len(t)), "succ": self._code, "start": self._start})
        m = links.merge(new, on="succ")
        m = m[m["start"] == m["year"]]
        m = m[m["old"] != m["new"]]
        if m.empty:
            return {}
        old_name = self._name[m["old"].to_numpy()]
        m = m.assign(
            label=old_name + "（" + self._code[m["old"].to_numpy()] + "）",
            same=old_name == self._name[m["new"].to_numpy()],
        )
        g = m.groupby("new").agg(
            year=("year", "first"),
            labels=("label", "、".join),
            k=("old", "size"),
            same=("same", "all"),
            old=("old", "first"),
        )
        year = g["year"].astype(str)
        text = np.where(
            g["k"] > 1,
            year + " 年由 " + g["labels"] + "合并设立",
            np.where(
                g["same"],
                year
                + " 年由旧代码 "
                + pd.Series(self._code[g["old"].to_numpy()], index=g.index)
                + " 改为现代码",
                year + " 年由 " + g["labels"] + "更名或改设",
            ),
        )
        return dict(zip(g.index.tolist(), text.tolist(), strict=True))

    # ------------------------------------------------------------------ queries
    def units(self, year: int | None = None, level: str | None = "county") -> pd.DataFrame:
        """Units valid at the end of ``year`` (``start_year <= year < end_year``).

        Parameters
        ----------
        year : int, optional
            Calendar year (1981–2024); None means :attr:`latest_year`.
        level : {"county", "prefecture", "province", None}
            Keep one level, or all with None.

        Returns
        -------
        pandas.DataFrame
            Rows of :attr:`table`, sorted by code.
        """
        year = self._check_year(self.latest_year if year is None else year)
        mask = (self._start <= year) & (year < self._end)
        if level is not None:
            self._check_level(level)
            mask &= self._level == level
        return self.table[mask].reset_index(drop=True)

    def region_at(self, row: int, note: str = "", status: str = "ok") -> Region:
        """The :class:`Region` of a table row."""
        end = int(self._end[row])
        return Region(
            code=str(self._code[row]),
            name=str(self._name[row]),
            full_name=str(self._full[row]),
            level=str(self._level[row]),
            type=str(self._type[row]),
            province_code=str(self._prov[row]),
            province_name=str(self._prov_name[row]),
            prefecture_code=self._pref[row],
            prefecture_name=self._pref_name[row],
            valid_from=int(self._start[row]),
            valid_to=None if end == _NO_END else end,
            note=note or self._pred_note.get(row, ""),
            status=status,
        )

    def resolve(
        self,
        name_or_code: str,
        year: int | None = None,
        *,
        parent: str | None = None,
        level: str | None = None,
    ) -> Region:
        """Resolve a name or code to the unit valid in ``year`` (default: latest, 2024).

        Parameters
        ----------
        name_or_code : str
            Code (6 digits, full-width allowed) or name (full/short, with or without
            province/prefecture prefix).
        year : int, optional
            Target year; None means :attr:`latest_year`.
        parent : str, optional
            Province or prefecture (name or code) used to disambiguate names.
        level : {"province", "prefecture", "county"}, optional
            Restrict to one level.

        Returns
        -------
        Region

        Raises
        ------
        AmbiguousRegionError
            Several units match; ``candidates`` lists ``"code 全称"``.
        RegionSplitError
            A former unit was split; ``successors`` lists ``"code 全称"`` of the successors.
        RegionError
            Unknown, abolished, not yet created, or of another level.
        """
        y = self._check_year(year)
        out = self._resolve_one(str(name_or_code), y, parent, level)
        if out.status in _OK:
            return self.region_at(out.row, note=out.message, status=out.status)
        if out.status == "ambiguous":
            raise AmbiguousRegionError(out.message, list(out.candidates))
        if out.status == "split":
            raise RegionSplitError(out.message, list(out.candidates))
        raise RegionError(out.message)

    def resolve_many(
        self,
        values: Sequence[Any],
        year: int | None = None,
        *,
        parent: Sequence[str | None] | None = None,
        level: str | None = "county",
    ) -> pd.DataFrame:
        """Resolve many names/codes at once (for importers); never raises per item.

        Each distinct (value, parent) pair is resolved once through dict indexes.

        Parameters
        ----------
        values : sequence
            Names or codes (str; ints and NaN are accepted).
        year : int, optional
            Target year; None means :attr:`latest_year`.
        parent : sequence of str or None, optional
            Per-item province/prefecture used to disambiguate; same length as ``values``.
        level : str or None, default "county"
            Level the importer expects; a match at another level gets status ``not_<level>``.

        Returns
        -------
        pandas.DataFrame
            Columns ``input, code, name, full_name, level, status, message``. ``status`` is one of
            ok, renamed (old name/code mapped to its successor), ambiguous, split, abolished,
            not_yet, unknown, empty, not_county / not_prefecture / not_province (``code`` is the
            matched unit of the other level). ``code`` is None for ambiguous, split, abolished,
            not_yet, unknown and empty.
        """
        y = self._check_year(year)
        if level is not None:
            self._check_level(level)
        vals = pd.Series(list(values), dtype="object")
        if parent is not None:
            pars = pd.Series(list(parent), dtype="object")
            if len(pars) != len(vals):
                raise RegionError("parent 的长度必须与 values 相同")
        else:
            pars = pd.Series([None] * len(vals), dtype="object")
        keys = pd.MultiIndex.from_arrays([vals.map(_as_text), pars.map(_as_text)])
        codes_, uniq = pd.factorize(keys)
        n_u = len(uniq)
        status = np.empty(n_u, dtype=object)
        rows = np.full(n_u, -1, dtype=np.int64)
        msg = np.empty(n_u, dtype=object)
        for i, (v, p) in enumerate(uniq):
            o = self._resolve_one(v, y, p or None, level)
            status[i], rows[i], msg[i] = o.status, o.row, o.message
        rows_all = rows[codes_]
        has = rows_all >= 0
        take = np.where(has, rows_all, 0)

        def pick(arr: np.ndarray) -> pd.Series:
            vals = arr[take].copy()
            vals[~has] = None
            return pd.Series(vals, dtype="object")

        inputs = vals.map(lambda v: None if _as_text(v) == "" else str(v))
        return pd.DataFrame(
            {
                "input": pd.Series(inputs.to_numpy(), dtype="object"),
                "code": pick(self._code),
                "name": pick(self._name),
                "full_name": pick(self._full),
                "level": pick(self._level),
                "status": pd.Series(status[codes_], dtype="object"),
                "message": pd.Series(msg[codes_], dtype="object"),
            }
        )

    # ------------------------------------------------------------------ internals
    def _check_year(self, year: int | None) -> int:
        if year is None:
            return self.latest_year
        y = int(year)
        if not self.first_year <= y <= self.latest_year:
            raise RegionError(
                f"年份 {y} 超出区划数据范围（{self.first_year}–{self.latest_year} 年）"
            )
        return y

    @staticmethod
    def _check_level(level: str) -> None:
        if level not in LEVELS:
            raise RegionError(f"未知层级 {level!r}，可选：province、prefecture、county")

    def _label(self, row: int) -> str:
        return f"{self._code[row]} {self._full[row]}"

    def _row_at(self, code: str, year: int) -> int | None:
        idx = self._code_index.get(code)
        if idx is None:
            return None
        ok = idx[(self._start[idx] <= year) & (year < self._end[idx])]
        return int(ok[0]) if len(ok) else None

    def _finals(self, row: int, year: int) -> frozenset[int]:
        """Rows valid in ``year`` that a former record's area went to (multi-hop)."""
        key = (row, year)
        got = self._finals_cache.get(key)
        if got is not None:
            return got
        out: set[int] = set()
        stack, seen = [row], set()
        while stack:
            r = stack.pop()
            if r in seen:
                continue
            seen.add(r)
            if self._start[r] <= year < self._end[r]:
                out.add(r)
                continue
            if self._start[r] > year:
                continue
            e = int(self._end[r])
            for s in self._succ[r]:
                nr = self._row_at(s, e)
                if nr is None:
                    nr = self._row_at(s, year)
                if nr is not None:
                    stack.append(nr)
        res = frozenset(out)
        self._finals_cache[key] = res
        return res

    def _parent_codes(self, parent: str) -> tuple[frozenset[str], frozenset[str]]:
        got = self._parent_cache.get(parent)
        if got is not None:
            return got
        key = normalize(parent)
        m = _CODE_RE.match(key)
        provs: set[str] = set()
        prefs: set[str] = set()
        if m:
            c = m.group(1)
            if c.endswith("0000"):
                provs.add(c)
            elif c.endswith("00"):
                prefs.add(c)
            else:
                raise RegionError(f"上级区划 {parent} 是县级代码，应为省级或地级")
        else:
            pos = self._name_index.get(key)
            if pos is not None:
                rows = self._idx_rows[pos]
                ranks = self._idx_rank[pos]
                keep = self._level[rows] != "county"
                rows, ranks = rows[keep], ranks[keep]
                if len(rows):
                    best = rows[ranks == ranks.min()]
                    lv = self._level[best]
                    provs.update(self._code[best[lv == "province"]])
                    prefs.update(self._code[best[lv == "prefecture"]])
            if not provs and not prefs:
                raise RegionError(f"无法识别上级区划（parent）：{parent}")
        res = (frozenset(provs), frozenset(prefs))
        self._parent_cache[parent] = res
        return res

    def _suggest(self, key: str) -> str:
        pool = self._suggest_pool.get(key[:1], [])
        close = difflib.get_close_matches(key, pool, n=3, cutoff=0.5)
        return f"。是否要找：{'、'.join(close)}？" if close else ""

    def _resolve_one(
        self, value: str, year: int, parent: str | None, level: str | None
    ) -> _Outcome:
        key = normalize(value)
        if key == "" or key.lower() in ("nan", "none"):
            return _Outcome("empty", -1, "空值：未提供区划名称或代码")
        m = _CODE_RE.match(key)
        if m:
            code = m.group(1)
            idx = self._code_index.get(code)
            if idx is None:
                return _Outcome("unknown", -1, f"区划代码 {code} 不存在（1981–2024 年均未使用）")
            rows, ranks, what = idx, np.zeros(len(idx), np.int64), f"代码 {code}"
        else:
            pos = self._name_index.get(key)
            if pos is None:
                return _Outcome("unknown", -1, f"无法识别区划名称：{value}{self._suggest(key)}")
            rows, ranks, what = self._idx_rows[pos], self._idx_rank[pos], f"名称 {value}"
            if parent is not None:
                provs, prefs = self._parent_codes(parent)
                keep = np.isin(self._prov[rows], list(provs)) | np.isin(
                    self._pref[rows], list(prefs)
                )
                if not keep.any():
                    return _Outcome("unknown", -1, f"在 {parent} 下没有找到 {value}")
                rows, ranks = rows[keep], ranks[keep]
        if len(rows) == 1:  # fast path: one record, valid in year, right level
            r = int(rows[0])
            if self._start[r] <= year < self._end[r] and level in (None, self._level[r]):
                return _Outcome("ok", r, "")
        wrong_level = narrowed = False
        others = rows[:0]
        if level is not None:
            lv = self._level[rows] == level
            if lv.all():
                pass
            elif lv.any():
                others = rows[~lv]
                rows, ranks, narrowed = rows[lv], ranks[lv], True
            else:
                wrong_level = True
        out = self._pick(rows, ranks, year, what)
        if narrowed and out.status == "renamed":
            # the name was a unit of this level only in earlier years; in ``year`` it denotes a
            # unit of another level (巢湖市 in 2005: the prefecture) — say so with the history
            now = others[(self._start[others] <= year) & (year < self._end[others])]
            if len(now):
                lv_now = LEVEL_ZH[str(self._level[now[0]])]
                labels = "、".join(self._label(r) for r in np.unique(now))
                return out._replace(
                    message=f"{out.message}；{year} 年的{value}是{lv_now}区划 {labels}"
                )
        if narrowed and out.status == "ok":
            note = f"{value} 也可指其他层级的区划，已按{LEVEL_ZH[level or 'county']}区划解析"
            return out._replace(message=note)
        if wrong_level and out.status in _OK:
            lv_name = LEVEL_ZH[str(self._level[out.row])]
            msg = f"{self._label(out.row)} 是{lv_name}区划，不是{LEVEL_ZH[level or 'county']}区划"
            return _Outcome(f"not_{level}", out.row, msg)
        return out

    def _pick(self, rows: np.ndarray, ranks: np.ndarray, year: int, what: str) -> _Outcome:
        valid = (self._start[rows] <= year) & (year < self._end[rows])
        if valid.any():
            r, k = rows[valid], ranks[valid]
            best = r[k == k.min()]
            if len(best) > 1:
                best = np.unique(best)
            if len(best) == 1:
                return _Outcome("ok", int(best[0]), "")
            cands = tuple(sorted(self._label(b) for b in best))
            return _Outcome(
                "ambiguous",
                -1,
                f"{what} 对应多个区划，请用 parent 指定上级或写全称：{'；'.join(cands)}",
                cands,
            )
        past = self._end[rows] <= year
        if not past.any():
            first = int(self._start[rows].min())
            return _Outcome("not_yet", -1, f"{what} 在 {year} 年尚未设立（{first} 年起使用）")
        r, k = rows[past], ranks[past]
        best = r[k == k.min()]
        # latest record of each former code
        order = np.lexsort((-self._end[best], self._code[best].astype(str)))
        best = best[order]
        _, first_idx = np.unique(self._code[best].astype(str), return_index=True)
        best = best[first_idx]
        finals: dict[int, frozenset[int]] = {int(b): self._finals(int(b), year) for b in best}
        union = frozenset().union(*finals.values())
        old = "、".join(
            f"{self._code[b]} {self._full[b]}（{self._start[b]}–{self._end[b]} 年）" for b in finals
        )
        if len(union) == 1:
            new = next(iter(union))
            return _Outcome(
                "renamed", new, f"{what} 为旧区划 {old}，{year} 年对应 {self._label(new)}"
            )
        if not union:
            return _Outcome("abolished", -1, f"{what} 为已撤销的旧区划 {old}，无可对应的承继区划")
        cands = tuple(sorted(self._label(u) for u in union))
        if len(finals) > 1 and all(len(f) == 1 for f in finals.values()):
            return _Outcome(
                "ambiguous",
                -1,
                f"{what} 对应多个旧区划 {old}，请用 parent 指定上级：{'；'.join(cands)}",
                cands,
            )
        shorts = {str(self._short[b]) for b in finals}
        same = [self._label(u) for u in union if self._short[u] in shorts]
        hint = (
            f"。其中 {'、'.join(same)} 与原名称相同，可能是主要承继者（仅供参考，未自动选择）"
            if len(same) == 1
            else ""
        )
        return _Outcome(
            "split",
            -1,
            f"{what} 为旧区划 {old}，已拆分（split）到 {year} 年的多个区划：{'；'.join(cands)}{hint}",
            cands,
        )


def _as_text(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        if np.isnan(v):
            return ""
        if v.is_integer():
            return str(int(v))
    if v is pd.NA:
        return ""
    return str(v)


@cache
def _load(path: Path) -> RegionRegistry:
    return RegionRegistry(build_table(path))


def load_registry(data_dir: str | Path | None = None) -> RegionRegistry:
    """The region registry built from the areacodes dataset (cached per data directory).

    Parameters
    ----------
    data_dir : str or Path, optional
        Public-data mirror; default from ``--data-dir`` / ``XINZHI_DATA_DIR`` / download cache.

    Returns
    -------
    RegionRegistry
    """
    path = datasets.path("areacodes", "result.csv", data_dir=data_dir)
    return _load(Path(path).resolve())


def registry_from_table(table: pd.DataFrame, data_dir: str | Path | None = None) -> RegionRegistry:
    """A registry from a stored copy of the registry table, e.g. the warehouse's ``regions``
    table (:func:`xinzhi.store.read.read_regions`), so a server resolves names without the
    public-data mirror.

    Parameters
    ----------
    table : pandas.DataFrame
        Columns of :func:`xinzhi.regions.table.build_table` without ``short_name``;
        ``successors`` as lists or arrays. An empty table falls back to :func:`load_registry`.
    data_dir : str or Path, optional
        Public-data mirror for the fallback.

    Returns
    -------
    RegionRegistry
    """
    if table.empty:
        return load_registry(data_dir)
    t = table.copy()
    t["short_name"] = short_names(t["name"], t["type"])
    t["successors"] = t["successors"].map(lambda s: tuple(s) if s is not None else ())
    t["start_year"] = t["start_year"].astype("int64")
    return RegionRegistry(t)
