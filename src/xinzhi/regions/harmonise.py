"""Code vintages: carry county codes of one year to the codes valid in a later year.

A county × year panel keys each year by the codes valid then (the 2010 census by 2010 codes,
the 2020 census by codes of late 2019/2020). Between two censuses about a tenth of the codes
change — counties become cities (祁阳县 431121 → 祁阳市 431181), districts merge (南通崇川区
320602 + 港闸区 320611 → 崇川区 320613), counties split. Comparisons over time (a county's
change since 2010, Markov transitions, kernel densities of the same units) need one vintage.

:func:`code_crosswalk` follows the ``successors`` recorded in the region history (the
``regions`` table of the warehouse or :attr:`RegionRegistry.table`; GB/T 2260 change records of
yescallop/areacodes) from every unit valid in ``from_year`` to the units valid in ``to_year``,
hop by hop (vectorised joins, no loop over units), and classifies each unit:

``same``     the unit still exists under its code;
``renamed``  exactly one successor, which no other unit of ``from_year`` went into — the same
             territory under a new code (撤县设市, code re-numbering): safe to relabel;
``merged``   exactly one successor that other units also went into: values of the old unit
             describe part of the new one, not comparable;
``split``    several successors: not comparable;
``ended``    no successor valid in ``to_year``.

:func:`harmonise_codes` relabels a panel: rows of ``same`` and ``renamed`` units take the code of
``to_year``; every other row is set aside with its reason (nothing is aggregated: merging would
need additive values or weights the panel does not carry).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from xinzhi.errors import InputError
from xinzhi.results import Result

__all__ = ["KIND_LABELS", "HarmonisedPanel", "code_crosswalk", "former_units", "harmonise_codes"]

KIND_LABELS = {
    "same": "代码未变",
    "renamed": "更名或改代码（一对一）",
    "merged": "已与其他单位合并",
    "split": "已拆分",
    "ended": "已撤销且无后继",
    "unknown": "区划沿革中没有该代码",
    "collision": "与另一代码对应到同一单位",
}
"""Chinese label of each crosswalk kind (reasons of the rows set aside)."""

_NO_END = 1_000_000


def _history(history: pd.DataFrame, level: str | None) -> pd.DataFrame:
    need = {"code", "start_year", "end_year", "successors"}
    if not need <= set(history.columns):
        raise InputError(f"区划沿革表缺少列：{'、'.join(sorted(need - set(history.columns)))}")
    t = history if level is None else history[history["level"] == level]
    return pd.DataFrame(
        {
            "code": t["code"].astype(str).to_numpy(),
            "start": t["start_year"].to_numpy(dtype=np.int64),
            "end": pd.to_numeric(t["end_year"]).fillna(_NO_END).to_numpy(dtype=np.int64),
            "succ": [
                tuple(s) if isinstance(s, list | tuple | np.ndarray) else ()
                for s in t["successors"]
            ],
        }
    )


def _reach(
    t: pd.DataFrame, frontier: pd.DataFrame, key: str, to_year: int, max_hops: int
) -> pd.DataFrame:
    """``key, to_code``: the records valid in ``to_year`` reached from each ``key`` of
    ``frontier`` (records of ``t`` with a ``key`` column) through the successors."""
    finals: list[pd.DataFrame] = []
    for _ in range(max_hops):
        if frontier.empty:
            break
        alive = (frontier["start"] <= to_year) & (to_year < frontier["end"])
        finals.append(frontier.loc[alive, [key, "code"]])
        ended = frontier[frontier["end"] <= to_year]
        step = (
            ended[[key, "succ", "end"]]
            .explode("succ")
            .dropna(subset=["succ"])
            .rename(columns={"succ": "code", "end": "at"})
        )
        m = step.merge(t, on="code")
        # the successor's record valid when the predecessor ended, else the one of to_year
        at = (m["start"] <= m["at"]) & (m["at"] < m["end"])
        later = (m["start"] <= to_year) & (to_year < m["end"])
        m = m.assign(pri=np.where(at, 0, np.where(later, 1, 2)))
        m = m[m["pri"] < 2].sort_values("pri").drop_duplicates([key, "code", "at"])
        frontier = m[[key, "code", "start", "end", "succ"]]
    reach = (
        pd.concat(finals, ignore_index=True).drop_duplicates()
        if finals
        else pd.DataFrame(columns=[key, "code"])
    )
    return reach.rename(columns={"code": "to_code"})


def former_units(
    history: pd.DataFrame, to_year: int, *, level: str | None = "county", max_hops: int = 12
) -> pd.DataFrame:
    """Where the territory of every record that ended by ``to_year`` is in ``to_year``.

    Returns
    -------
    DataFrame
        ``row`` (position of the record in ``history`` after the ``level`` filter, i.e. in
        ``history[history.level == level]``), ``code``, ``to_code`` — only records whose
        territory went to exactly one unit valid in ``to_year`` (renamed, renumbered or merged
        into it; split records are left out). Used to read former place names in addresses.
    """
    t = _history(history, level)
    ended = t[t["end"] <= to_year].rename_axis("row").reset_index()  # t has a RangeIndex
    reach = _reach(_history(history, None), ended, "row", to_year, max_hops)
    one = reach.groupby("row")["to_code"].transform("size") == 1
    reach = reach[one]
    return (
        reach.assign(code=t["code"].to_numpy()[reach["row"].to_numpy(dtype=int)])[
            ["row", "code", "to_code"]
        ]
        .sort_values("row")
        .reset_index(drop=True)
    )


def code_crosswalk(
    history: pd.DataFrame,
    from_year: int,
    to_year: int,
    *,
    level: str | None = "county",
    max_hops: int = 12,
) -> pd.DataFrame:
    """Where each unit valid in ``from_year`` is in ``to_year``.

    Parameters
    ----------
    history : DataFrame
        Region history: ``code, start_year, end_year`` (NA = still valid; a record is valid in
        year ``y`` when ``start_year ≤ y < end_year``), ``successors`` (codes the territory went
        to when the record ended) and ``level``.
    from_year, to_year : int
        ``from_year ≤ to_year``.
    level : str or None
        Level of the units of ``from_year`` (``"county"``; None: all); their successors are
        followed at every level.
    max_hops : int
        Successive changes followed.

    Returns
    -------
    DataFrame
        ``from_code, to_code, kind, n_to, n_from`` — one row per (unit of ``from_year``,
        successor in ``to_year``); ``to_code`` is NA for ``ended``. ``n_to``: successors of the
        unit; ``n_from``: units of ``from_year`` that reach ``to_code``.
    """
    if from_year > to_year:
        raise InputError(f"只能把早年的代码对应到晚年（{from_year} → {to_year}）")
    t = _history(history, level)
    frontier = t[(t["start"] <= from_year) & (from_year < t["end"])].assign(
        from_code=lambda d: d["code"]
    )
    origins = frontier["from_code"].drop_duplicates()
    # successors are followed at every level: 儋州市 469003 (county-level) became the
    # prefecture-level city without counties 460400 in 2015
    reach = _reach(_history(history, None), frontier, "from_code", to_year, max_hops)
    out = origins.to_frame().merge(reach, on="from_code", how="left")
    out["n_to"] = out.groupby("from_code")["to_code"].transform("count")
    out["n_from"] = out.groupby("to_code")["from_code"].transform("count").fillna(0)
    out["n_from"] = out["n_from"].astype(int)
    out["kind"] = np.select(
        [
            out["n_to"] == 0,
            out["n_to"] > 1,
            out["n_from"] > 1,
            out["from_code"] == out["to_code"],
        ],
        ["ended", "split", "merged", "same"],
        default="renamed",
    )
    return (
        out[["from_code", "to_code", "kind", "n_to", "n_from"]]
        .sort_values(["from_code", "to_code"])
        .reset_index(drop=True)
    )


@dataclass
class HarmonisedPanel(Result):
    """A panel relabelled to the codes of ``to_year``.

    Attributes
    ----------
    data : DataFrame
        Rows of units that are the same or one-to-one renamed, keyed by the codes of
        ``to_year``; the original code is kept in ``source_code``.
    dropped : DataFrame
        The other rows with ``kind`` and ``reason`` (Chinese).
    mapping : DataFrame
        ``year, source_code, region_code, kind`` for every code of the panel.
    """

    to_year: int
    data: pd.DataFrame
    dropped: pd.DataFrame
    mapping: pd.DataFrame
    options: dict[str, Any] = field(default_factory=dict)

    def counts(self) -> pd.DataFrame:
        """Codes per year and kind."""
        return self.mapping.groupby(["year", "kind"]).size().unstack(fill_value=0).reset_index()

    def tidy(self) -> pd.DataFrame:
        return self.mapping

    def tables(self) -> dict[str, pd.DataFrame]:
        kind = self.mapping["kind"].map(KIND_LABELS)
        return {
            "代码对应": self.mapping.assign(kind=kind).rename(
                columns={
                    "year": "年份",
                    "source_code": "原代码",
                    "region_code": f"{self.to_year}年代码",
                    "kind": "对应关系",
                }
            ),
            "未纳入": self.dropped,
        }

    def summary(self) -> str:
        lines = [f"区划代码统一到 {self.to_year} 年："]
        for year, g in self.mapping.groupby("year"):
            n = g["kind"].value_counts()
            parts = [f"{KIND_LABELS[k]} {int(n[k])}" for k in KIND_LABELS if k in n.index]
            lines.append(f"  {year} 年 {len(g)} 个代码：{'，'.join(parts)}")
        lines.append(f"保留 {len(self.data)} 行，未纳入 {len(self.dropped)} 行（原因见 dropped）")
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        return {
            "to_year": self.to_year,
            "rows_kept": len(self.data),
            "rows_dropped": len(self.dropped),
            "counts": self.counts().to_dict("records"),
        }


def harmonise_codes(
    frame: pd.DataFrame,
    history: pd.DataFrame,
    to_year: int,
    *,
    code_col: str = "region_code",
    year_col: str = "year",
    level: str | None = "county",
) -> HarmonisedPanel:
    """Relabel a county × year panel to the codes valid in ``to_year``.

    The codes of year ``y`` are read in the vintage of ``y`` or of ``y − 1``, whichever more of
    them are valid in (census data of year ``y`` may predate changes made during ``y``: the 2020
    census keys 南通 320602 and 320611, which became 320613 in 2020); a code unknown to that
    vintage is looked up in the other. Rows read = ``data`` + ``dropped``.

    Parameters
    ----------
    frame : DataFrame
        Panel with ``code_col`` (6-digit codes) and ``year_col`` (every year ≤ ``to_year``).
    history : DataFrame
        Region history (see :func:`code_crosswalk`).
    to_year : int
        Vintage of the result.
    """
    missing = {code_col, year_col} - set(frame.columns)
    if missing:
        raise InputError(f"面板缺少列：{'、'.join(sorted(missing))}")
    keys = frame[[year_col, code_col]].drop_duplicates()
    maps = []
    for year in sorted(int(y) for y in keys[year_col].unique()):  # a few census years
        codes = keys.loc[keys[year_col] == year, code_col].astype(str)
        both = [code_crosswalk(history, y, to_year, level=level) for y in (year, year - 1)]
        # the vintage under which more of the year's codes are valid decides; the other one
        # only serves codes unknown to it (2010 census: 崇文区 110103, merged into 东城区
        # 110101 in 2010, makes 2009 the vintage, so its 110101 is the pre-merger 东城区)
        hits = [int(codes.isin(cw["from_code"]).sum()) for cw in both]
        if hits[1] > hits[0]:
            both.reverse()
        cw = pd.concat(both, ignore_index=True).drop_duplicates("from_code")
        per = cw.groupby("from_code").agg(to_code=("to_code", "first"), kind=("kind", "first"))
        got = per.reindex(codes.to_numpy())
        maps.append(
            pd.DataFrame(
                {
                    "year": year,
                    "source_code": codes.to_numpy(),
                    "region_code": got["to_code"].to_numpy(dtype=object),
                    "kind": got["kind"].fillna("unknown").to_numpy(dtype=object),
                }
            )
        )
    mapping = pd.concat(maps, ignore_index=True)
    kept = mapping["kind"].isin(["same", "renamed"])
    clash = mapping[kept].duplicated(["year", "region_code"], keep=False)
    mapping.loc[clash[clash].index, "kind"] = "collision"
    mapping.loc[~mapping["kind"].isin(["same", "renamed"]), "region_code"] = None
    m = mapping.rename(columns={"year": year_col, "source_code": code_col, "region_code": "_to"})
    joined = frame.assign(**{code_col: frame[code_col].astype(str)}).merge(
        m, on=[year_col, code_col], how="left", validate="many_to_one"
    )
    ok = joined["kind"].isin(["same", "renamed"]).to_numpy()
    data = (
        joined[ok]
        .rename(columns={code_col: "source_code"})
        .assign(**{code_col: lambda d: d["_to"].astype(str)})
        .drop(columns=["_to", "kind"])
    )
    data = data[[code_col, *[c for c in data.columns if c != code_col]]].reset_index(drop=True)
    dropped = joined[~ok].drop(columns=["_to"]).assign(reason=lambda d: d["kind"].map(KIND_LABELS))
    return HarmonisedPanel(
        to_year,
        data,
        dropped.reset_index(drop=True),
        mapping,
        {"to_year": to_year, "level": level},
    )
