"""Classifying source rows: loaded, quarantined (with reason) or skipped (with reason).

Rules, in order of precedence (the first that applies decides the row's outcome):

Every layout: a physical line of a record that an unterminated quote merged with the next lines
(CSV) → quarantined ``broken_quote`` before any other rule.

Wide layout (row = one county(-year) line)
    1. every indicator cell missing                          → skipped ``empty``
    2. a subtotal: code ending in ``00``, a total name (全国, 合计, 市辖区, 省直辖县级行政区划 …)
       or a name that resolves to a province/prefecture       → skipped ``subtotal``
    3. region unknown / ambiguous / split / abolished          → quarantined ``*_region``;
       a name or code that did not exist in the row's year (崇文区 in 2022, 巢湖市 as a county
       in 2005) → quarantined ``former_region`` with its history and successor, unless the
       import asks for harmonisation (``harmonise``: the successor's code is used)
    4. year missing or invalid, or outside 1981 – the current year
       (:func:`xinzhi.ingest.layout.year_bounds`)              → quarantined ``invalid_year``
    5. any non-numeric cell                                    → quarantined ``non_numeric``
       a cell whose own unit contradicts its column's (``12%`` under ``地区生产总值(亿元)``)
                                                               → quarantined ``unit_conflict``
       a long record in a currency xinzhi does not convert (美元) → quarantined ``unknown_unit``
       (a wide column in such a unit refuses the whole file)
    6. any impossible value (below 0 for counts, money, per-capita values; outside [0, 1] for
       shares)                                                 → quarantined ``impossible_value``
       any value outside its indicator's plausible range for a county-level unit (catalogue
       YAML ``plausible``, with the reasoning)                → quarantined ``implausible_value``
       a fractional count (people, firms, patents)             → quarantined ``not_integer``
       a part larger than its whole in the same region and year (一般公共预算收入 > 地区生产
       总值; ``plausible.at_most``)                            → quarantined ``inconsistent_value``
    7. several rows for the same (region, year): all identical → first loaded, others skipped
       ``duplicate``; otherwise all                            → quarantined ``duplicate_conflict``

Long layout (row = one record) adds ``missing_value`` (skip, value missing) and
``unknown_indicator`` (quarantine) before the region rules; duplicates are keyed by
(region, year, indicator).

A quarantined wide row loads none of its values (fix the row and re-import the file).
Missing cells of loaded rows are simply absent from ``observations`` and counted by marker.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from xinzhi import regions
from xinzhi.indicators.catalogue import Catalogue
from xinzhi.ingest.reasons import QUARANTINE_REASONS, SKIP_REASONS

__all__ = ["SUBTOTAL_NAMES", "CleanResult", "Resolver", "classify_rows", "default_resolver"]

Resolver = Callable[[Sequence[str], int | None, Sequence[str | None] | None], pd.DataFrame]
"""(values, year, per-item parents or None) → DataFrame with columns code, status, message."""

SUBTOTAL_NAMES = frozenset(
    {
        "全国",
        "合计",
        "总计",
        "小计",
        "全省",
        "全市",
        "全区",
        "全州",
        "全盟",
        "全县",
        "市辖区",
        "县",
        "省直辖县级行政区划",
        "自治区直辖县级行政区划",
        "省直辖县级行政单位",
    }
)
"""Region names that denote a total (skipped as ``subtotal``)."""

_REGION_REASON = {
    "ambiguous": "ambiguous_region",
    "split": "split_region",
    "unknown": "unknown_region",
    "empty": "unknown_region",
}
_ACCEPT = {"ok", "renamed"}


def default_resolver(
    values: Sequence[str], year: int | None, parent: Sequence[str | None] | None
) -> pd.DataFrame:
    """Resolve region names/codes with :func:`xinzhi.regions.resolve_many` (county level).

    A year after the registry's latest year is resolved against the latest year (the registry
    lags the present by a year or two); a year before its first year is an error, never
    resolved against another year (the importers refuse such years before they get here).
    """
    registry = regions.load_registry()
    if year is not None and year > registry.latest_year:
        year = registry.latest_year
    return registry.resolve_many(values, year, parent=parent, level="county")


@dataclass
class CleanResult:
    """Outcome of :func:`classify_rows`."""

    observations: pd.DataFrame
    """region_code, year, indicator, value of loaded rows (missing cells dropped)."""
    outcomes: pd.DataFrame
    """One row per source row: row_number, outcome (loaded|quarantined|skipped), reason,
    message, region_code."""
    values_missing: int = 0
    missing_by_marker: dict[str, int] = field(default_factory=dict)


def _normalise_codes(code: pd.Series) -> pd.Series:
    """6-digit code from ``110101``, ``110101.0`` or a 9/12-digit statistical code, else ``""``."""
    six = code.str.extract(r"^(\d{6})(?:\.0+)?$", expand=False)
    long = code.str.extract(r"^(\d{6})(?:000|000000)$", expand=False)
    return six.fillna(long).fillna("")


FORMER_HINT = "；未自动对应到承继区划（如需按承继区划合并，导入时指定 --harmonise）"
"""Appended to the message of a row quarantined as ``former_region``."""


def _resolve_regions(
    rows: pd.DataFrame, todo: np.ndarray, resolver: Resolver, harmonise: bool = False
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(code, status, message) per row; status ``subtotal`` marks totals. A name or code that
    did not exist in the row's year (resolver status ``renamed``) is accepted only when
    ``harmonise`` (then it takes its successor's code), else status ``former_region``."""
    accept = _ACCEPT if harmonise else {"ok"}
    n = len(rows)
    code_out = np.full(n, None, dtype=object)
    status = np.full(n, "", dtype=object)
    message = np.full(n, "", dtype=object)
    codes = _normalise_codes(rows["code"].astype(str))
    names = rows["name"].astype(str)
    has_code = (codes != "").to_numpy()
    key = np.where(has_code, codes.to_numpy(), names.to_numpy()).astype(object)
    ends00 = codes.str.endswith("00").to_numpy()
    county_prefixes = set(codes[has_code & ~ends00].str[:4])
    # a prefecture-level city without counties (不设区的地级市: 东莞, 中山, 儋州, 嘉峪关) is a
    # county-level unit in a county table; it is a subtotal only if its counties are listed
    childless = (
        has_code
        & ends00
        & ~codes.str.endswith("0000").to_numpy()
        & ~codes.str[:4].isin(county_prefixes).to_numpy()
    ) & bool(county_prefixes)
    sub = (has_code & ends00 & ~childless) | (~has_code & names.isin(SUBTOTAL_NAMES).to_numpy())
    status[todo & sub] = "subtotal"
    need = todo & ~sub
    empty_key = need & (key == "")
    status[empty_key] = "unknown_region"
    message[empty_key] = "缺少地区名称或代码"
    need &= key != ""
    years = rows["year"]
    year_key = years.astype("float64").fillna(-1).astype("int64").to_numpy()
    for y in np.unique(year_key[need]):  # one call per year (few)
        sel = need & (year_key == y)
        res = resolver(list(key[sel]), None if y < 0 else int(y), None)
        st = res["status"].astype(str).to_numpy(dtype=object).copy()
        cd = res["code"].to_numpy(dtype=object).copy()
        msg = res["message"].fillna("").astype(str).to_numpy(dtype=object).copy()
        parents = rows["parent"].astype(str).to_numpy()[sel]
        retry = (st == "ambiguous") & (parents != "")
        if retry.any():
            res2 = resolver(list(key[sel][retry]), None if y < 0 else int(y), list(parents[retry]))
            st[retry] = res2["status"].astype(str).to_numpy()
            cd[retry] = res2["code"].to_numpy(dtype=object)
            msg[retry] = res2["message"].fillna("").astype(str).to_numpy()
        cds = pd.Series(cd, dtype=object).fillna("").astype(str)
        other_level = np.isin(st, ["not_county", "not_prefecture", "not_province"]) & (cds != "")
        ok = np.isin(st, list(_ACCEPT)) & (cds != "").to_numpy()
        # a former county-level unit (its successor is county-level too) is not used unless
        # the import harmonises; a former unit now inside a prefecture-level total stays a total
        former = ok & ~np.isin(st, list(accept)) & ~cds.str.endswith("00").to_numpy()
        ok &= ~former
        msg[former] = msg[former] + FORMER_HINT
        lone_city = (
            other_level
            & cds.str.endswith("00").to_numpy()
            & ~cds.str.endswith("0000").to_numpy()
            & ~cds.str[:4].isin(county_prefixes).to_numpy()
            & bool(county_prefixes)
        )
        ok |= lone_city
        total = (other_level & ~lone_city) | (ok & ~lone_city & cds.str.endswith("00").to_numpy())
        reason = pd.Series(st).map(_REGION_REASON).fillna("invalid_region").to_numpy(dtype=object)
        reason[former] = "former_region"
        status[sel] = np.where(total, "subtotal", np.where(ok, "ok", reason))
        accepted = cd.copy()
        accepted[~(ok & ~total)] = None
        code_out[sel] = accepted
        message[sel] = msg
    return code_out, status, message


def _row_any(cells: pd.DataFrame, flag: pd.Series, index: pd.Index) -> np.ndarray:
    return flag.groupby(cells["row_number"]).any().reindex(index, fill_value=False).to_numpy()


Decide = Callable[[np.ndarray, str, str, "str | np.ndarray"], None]


def _per_row(cells: pd.DataFrame, flag: pd.Series, text: pd.Series, index: pd.Index) -> np.ndarray:
    """The messages of the flagged cells joined per source row (``""`` for other rows)."""
    msgs = text[flag].groupby(cells.loc[flag, "row_number"]).agg("；".join)
    return msgs.reindex(index).fillna("").to_numpy(dtype=object)


def _fmt(values: pd.Series) -> pd.Series:
    return values.map(lambda v: f"{v:.6g}")


def _plausibility(cells: pd.DataFrame, catalogue: Catalogue, idx: pd.Index, decide: Decide) -> None:
    """Quarantine rows with a value outside its indicator's plausible range
    (``implausible_value``) or a fractional count (``not_integer``); the bounds, the integer
    rule and their reasons are in the catalogue YAML (``plausible``)."""
    codes = [c for c in cells["indicator"].dropna().unique() if c in catalogue]
    if not codes:
        return
    ind = cells["indicator"]
    value = cells["value"]
    entries = {c: catalogue[c] for c in codes}
    lo = ind.map({c: e.plausible_min for c, e in entries.items()}).astype("float64")
    hi = ind.map({c: e.plausible_max for c, e in entries.items()}).astype("float64")
    name = ind.map({c: e.name_zh for c, e in entries.items()}).fillna("")
    unit = ind.map({c: e.unit for c, e in entries.items()}).fillna("")
    out = (value < lo) | (value > hi)
    if out.any():
        rng = _fmt(lo.fillna(-np.inf)) + " – " + _fmt(hi.fillna(np.inf)) + " " + unit
        text = name + " = " + _fmt(value) + " " + unit + "，超出县级单位的合理范围 " + rng
        decide(_row_any(cells, out, idx), "quarantined", "implausible_value",
               _per_row(cells, out, text, idx))  # fmt: skip
    whole = ind.map({c: e.integer for c, e in entries.items()}).fillna(False).astype(bool)
    frac = (
        whole & value.notna() & ((value - value.round()).abs() > 1e-6 * value.abs().clip(lower=1))
    )
    if frac.any():
        text = name + " = " + _fmt(value) + " " + unit + "，应为整数"
        decide(_row_any(cells, frac, idx), "quarantined", "not_integer",
               _per_row(cells, frac, text, idx))  # fmt: skip


def _consistency(
    cells: pd.DataFrame,
    catalogue: Catalogue,
    rows: pd.DataFrame,
    region_code: np.ndarray,
    open_rows: np.ndarray,
    idx: pd.Index,
    decide: Decide,
) -> None:
    """Quarantine rows whose value exceeds an indicator of the same region and year that it is
    part of (catalogue ``plausible.at_most``: 一般公共预算收入 ≤ 地区生产总值), among the rows
    still to be loaded (``inconsistent_value``); the row holding the part is quarantined."""
    rules = [
        (c, other)
        for c in cells["indicator"].dropna().unique()
        if c in catalogue
        for other in catalogue[c].at_most
    ]
    if not rules:
        return
    meta = pd.DataFrame(
        {"region_code": region_code, "year": rows["year"].to_numpy(), "open": open_rows},
        index=idx,
    )
    vals = cells.loc[cells["value"].notna(), ["row_number", "indicator", "value"]]
    vals = vals.join(meta, on="row_number")
    vals = vals[vals["open"]]
    flag = pd.Series(False, index=cells.index)
    text = pd.Series("", index=cells.index, dtype=object)
    for part, whole in rules:
        a = vals[vals["indicator"] == part].reset_index()
        b = vals.loc[vals["indicator"] == whole, ["region_code", "year", "value"]]
        m = a.merge(b, on=["region_code", "year"], suffixes=("", "_whole"))
        bad = m[m["value"] > m["value_whole"] * (1 + 1e-9)]
        if bad.empty:
            continue
        ep, ew = catalogue[part], catalogue[whole]
        flag[bad["index"].to_numpy()] = True
        text[bad["index"].to_numpy()] = (
            ep.name_zh
            + " "
            + _fmt(bad["value"])
            + " "
            + ep.unit
            + " 大于同地区同年份的"
            + ew.name_zh
            + " "
            + _fmt(bad["value_whole"])
            + " "
            + ew.unit
            + "（不应超过）"
        ).to_numpy()
    if flag.any():
        decide(_row_any(cells, flag, idx), "quarantined", "inconsistent_value",
               _per_row(cells, flag, text, idx))  # fmt: skip


def classify_rows(
    rows: pd.DataFrame,
    cells: pd.DataFrame,
    catalogue: Catalogue,
    *,
    layout: str,
    resolver: Resolver = default_resolver,
    harmonise: bool = False,
) -> CleanResult:
    """Decide the outcome of every source row and collect the observations to load.

    Parameters
    ----------
    rows : DataFrame
        row_number, code, name, parent, year (Int64, NA if invalid), optionally year_note
        (why the year is invalid) and broken (message for lines merged by a quote).
    cells : DataFrame
        row_number, indicator (None if unknown), value (catalogue unit), missing, marker, bad,
        and optionally conflict (message where the cell's unit contradicts its column's).
    layout : {"wide", "long"}
    resolver : callable
        Region resolver (default :func:`default_resolver`); injectable for tests.
    harmonise : bool
        Map a name or code that did not exist in the row's year to its successor (the
        crosswalk); by default such a row is quarantined as ``former_region`` with its history.
    """
    idx = pd.Index(rows["row_number"])
    n = len(rows)
    ind = cells["indicator"]
    known = ind.notna()
    lower = ind.map(lambda c: catalogue[c].lower if c in catalogue else None).astype("float64")
    upper = ind.map(lambda c: catalogue[c].upper if c in catalogue else None).astype("float64")
    impossible = (cells["value"] < lower) | (cells["value"] > upper)
    all_missing = (
        cells["missing"].groupby(cells["row_number"]).all().reindex(idx, fill_value=True).to_numpy()
    )
    any_bad = _row_any(cells, cells["bad"], idx)
    any_imp = _row_any(cells, impossible, idx)
    unknown_ind = _row_any(cells, ~known, idx)
    year_bad = rows["year"].isna().to_numpy()

    outcome = np.full(n, "", dtype=object)
    reason = np.full(n, "", dtype=object)
    message = np.full(n, "", dtype=object)

    def decide(mask: np.ndarray, out: str, why: str, msg: str | np.ndarray = "") -> None:
        m = mask & (outcome == "")
        outcome[m] = out
        reason[m] = why
        message[m] = msg[m] if isinstance(msg, np.ndarray) else msg

    if "broken" in rows:
        broken = rows["broken"].fillna("").astype(str).to_numpy(dtype=object)
        decide(broken != "", "quarantined", "broken_quote", broken)
    if layout == "long":
        no_region = ((rows["code"] == "") & (rows["name"] == "")).to_numpy()
        decide(all_missing & no_region & unknown_ind, "skipped", "empty")
        decide(all_missing, "skipped", "missing_value")
        decide(unknown_ind, "quarantined", "unknown_indicator", "指标名称无法匹配到指标目录")
    else:
        decide(all_missing, "skipped", "empty")
    todo = outcome == ""
    region_code, rstatus, rmessage = _resolve_regions(rows, todo, resolver, harmonise)
    decide(rstatus == "subtotal", "skipped", "subtotal")
    bad_region = todo & (rstatus != "ok") & (rstatus != "subtotal")
    decide(bad_region, "quarantined", "", rmessage)
    reason[bad_region] = rstatus[bad_region]
    year_note = (
        rows["year_note"].where(rows["year_note"] != "", "年份缺失或无效").to_numpy(dtype=object)
        if "year_note" in rows
        else "年份缺失或无效"
    )
    decide(year_bad, "quarantined", "invalid_year", year_note)
    if any_bad.any():
        cols = (
            cells.loc[cells["bad"]]
            .groupby("row_number")["indicator"]
            .agg(lambda s: "、".join(map(str, s)))
        )
        decide(
            any_bad,
            "quarantined",
            "non_numeric",
            ("非数值：" + cols.reindex(idx).fillna("")).to_numpy(),
        )
    if "unknown_unit" in cells:
        foreign = cells["unknown_unit"].notna() & ~cells["missing"]
        if foreign.any():
            decide(
                _row_any(cells, foreign, idx),
                "quarantined",
                "unknown_unit",
                _per_row(cells, foreign, cells["unknown_unit"].astype(object), idx),
            )
    if "conflict" in cells:
        has_conflict = cells["conflict"].notna()
        if has_conflict.any():
            msgs = cells.loc[has_conflict].groupby("row_number")["conflict"].agg("；".join)
            decide(
                _row_any(cells, has_conflict, idx),
                "quarantined",
                "unit_conflict",
                msgs.reindex(idx).fillna("").to_numpy(dtype=object),
            )
    if any_imp.any():
        cols = (
            cells.loc[impossible]
            .groupby("row_number")["indicator"]
            .agg(lambda s: "、".join(map(str, s)))
        )
        decide(
            any_imp,
            "quarantined",
            "impossible_value",
            ("超出合理范围：" + cols.reindex(idx).fillna("")).to_numpy(),
        )
    _plausibility(cells, catalogue, idx, decide)
    if (outcome == "").any():
        _consistency(cells, catalogue, rows, region_code, outcome == "", idx, decide)

    # duplicates among the remaining rows
    cand = outcome == ""
    if cand.any():
        cand_rows = idx[cand]
        ccells = cells[cells["row_number"].isin(cand_rows)]
        if layout == "long":
            sig = ccells.set_index("row_number")["value"].reindex(cand_rows)
            keys = pd.DataFrame(
                {
                    "code": region_code[cand],
                    "year": rows["year"].to_numpy()[cand],
                    "ind": ccells.set_index("row_number")["indicator"]
                    .reindex(cand_rows)
                    .to_numpy(),
                }
            )
            hashes = pd.util.hash_pandas_object(sig.to_frame(), index=False).to_numpy()
        else:
            mat = ccells.pivot(index="row_number", columns="indicator", values="value").reindex(
                cand_rows
            )
            hashes = pd.util.hash_pandas_object(mat, index=False).to_numpy()
            keys = pd.DataFrame({"code": region_code[cand], "year": rows["year"].to_numpy()[cand]})
        keys["h"] = hashes
        group = keys.groupby(list(keys.columns[:-1]), dropna=False, sort=False)
        size = group["h"].transform("size").to_numpy()
        nuniq = group["h"].transform("nunique").to_numpy()
        first = (group.cumcount() == 0).to_numpy()
        conflict = np.zeros(n, dtype=bool)
        dup = np.zeros(n, dtype=bool)
        conflict[np.flatnonzero(cand)[(size > 1) & (nuniq > 1)]] = True
        dup[np.flatnonzero(cand)[(size > 1) & (nuniq == 1) & ~first]] = True
        decide(conflict, "quarantined", "duplicate_conflict", "同一地区、年份重复出现且数值不同")
        decide(dup, "skipped", "duplicate")
    decide(np.ones(n, dtype=bool), "loaded", "")

    outcomes = pd.DataFrame(
        {
            "row_number": idx.to_numpy(),
            "outcome": outcome,
            "reason": reason,
            "message": message,
            "region_code": region_code,
        }
    )
    loaded_rows = idx[outcome == "loaded"]
    lc = cells[cells["row_number"].isin(loaded_rows)]
    present = lc[~lc["missing"]]
    meta = pd.DataFrame({"region_code": region_code, "year": rows["year"].to_numpy()}, index=idx)
    obs = present[["row_number", "indicator", "value"]].join(meta, on="row_number")
    observations = obs[["region_code", "year", "indicator", "value"]].reset_index(drop=True)
    observations["year"] = observations["year"].astype("int64")
    if layout == "long":
        miss = cells[cells["row_number"].isin(idx[reason == "missing_value"])]
    else:
        miss = lc[lc["missing"]]
    by_marker = miss["marker"].fillna("").value_counts()
    assert set(reason[outcome == "skipped"]) <= set(SKIP_REASONS)
    assert set(reason[outcome == "quarantined"]) <= set(QUARANTINE_REASONS)
    return CleanResult(
        observations=observations,
        outcomes=outcomes,
        values_missing=len(miss),
        missing_by_marker={str(k): int(v) for k, v in by_marker.items()},
    )
