"""Yearly targets (年度目标) of counties per indicator, from a CSV/XLSX file → the warehouse table
``targets`` (:mod:`xinzhi.store.targets`), one import batch per file.

The file is a long table, one row per county, indicator and year, with the columns (recognised
by their usual Chinese headers, see :data:`COLUMNS`):

* 地区 — county name (full or short, with its province or prefecture in 省份 / 地市 when the
  name is ambiguous) or 6-digit code, resolved through the region registry in the target's year
  (a future year: the registry's latest year);
* 指标 — the catalogue code, Chinese name or an alias of the indicator;
* 年份 — the target's year;
* 目标值 — the target, in the catalogue unit of the indicator (a cell ``12%`` is 0.12).

Every data row ends up exactly once as loaded, quarantined (with a reason) or skipped (with a
reason)::

    rows_read = rows_loaded + rows_quarantined + rows_skipped

Rules, in order (the first that applies decides):

1. every cell empty                                → skipped ``empty``
2. a total (全国, 合计, 全省 …)                       → skipped ``subtotal``
3. the target cell empty or a missing marker       → skipped ``missing_value``
4. county unknown / ambiguous / split / not a county / a former name or code in the target's
   year (unless ``harmonise``)                     → quarantined ``*_region``
5. year missing, not an integer or outside 1981 – current year + 20
                                                   → quarantined ``invalid_year``
6. indicator not in the catalogue                  → quarantined ``unknown_indicator``
7. target not a number                             → quarantined ``non_numeric``;
   outside what the indicator can take (a share outside [0, 1], a negative count or amount)
                                                   → quarantined ``impossible_value``
8. the same county, indicator and year again: an identical target → skipped ``duplicate``;
   different targets → every such row quarantined ``duplicate_conflict``
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, date, datetime

import duckdb
import numpy as np
import pandas as pd

from xinzhi.errors import InputError
from xinzhi.indicators.catalogue import Catalogue, load_catalogue
from xinzhi.ingest.batch import CleanTable, import_table_file, table_report
from xinzhi.ingest.clean import SUBTOTAL_NAMES, Resolver, default_resolver
from xinzhi.ingest.enterprises import header_and_body, match_headers
from xinzhi.ingest.layout import FIRST_YEAR
from xinzhi.ingest.reasons import QUARANTINE_REASONS, SKIP_REASONS
from xinzhi.ingest.report import ImportReport
from xinzhi.ingest.tables import Grid
from xinzhi.ingest.values import parse_values, to_text
from xinzhi.store.targets import TARGET_COLUMNS, ensure_target_table, insert_targets

__all__ = ["COLUMNS", "CleanTargets", "clean_targets", "import_targets"]

COLUMNS: dict[str, list[str]] = {
    "region": [
        "地区",
        "县",
        "县区",
        "区县",
        "县（市、区）",
        "县市区",
        "地区名称",
        "名称",
        "区划代码",
        "行政区划代码",
        "代码",
        "region",
        "region_code",
        "county",
    ],
    "parent": ["省份", "省", "地市", "市", "所属地市", "上级", "parent"],
    "indicator": ["指标", "指标名称", "指标代码", "indicator"],
    "year": ["年份", "年度", "目标年份", "year"],
    "value": ["目标值", "目标", "年度目标", "目标数", "target", "value"],
}
"""Accepted headers per column (compared after NFKC, whitespace removal and a trailing unit in
brackets)."""

FUTURE_YEARS = 20
"""A target may be set up to this many years after the current year."""

_REGION_REASON = {
    "ambiguous": "ambiguous_region",
    "split": "split_region",
    "unknown": "unknown_region",
    "empty": "missing_region",
    "abolished": "former_region",
    "not_yet": "unknown_region",
    "renamed": "former_region",
    "not_county": "not_county_region",
    "not_prefecture": "not_county_region",
    "not_province": "not_county_region",
}


@dataclass
class CleanTargets(CleanTable):
    """Outcome of :func:`clean_targets` (nothing written); ``rows``: region_code, indicator,
    year, value."""


def _raw_json(header: list[str], body: pd.DataFrame) -> pd.Series:
    if body.empty:
        return pd.Series([], dtype=object)
    text = body.astype(object).apply(lambda c: to_text(c))
    text.columns = [h or f"列{j + 1}" for j, h in enumerate(header)]
    return pd.Series(text.to_json(orient="records", lines=True, force_ascii=False).splitlines())


def _regions(
    names: pd.Series,
    parents: pd.Series,
    years: pd.Series,
    todo: np.ndarray,
    resolver: Resolver,
    harmonise: bool,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(code, reason, message) per row: reason None where the county was resolved."""
    n = len(names)
    code = np.full(n, None, dtype=object)
    reason = np.full(n, None, dtype=object)
    message = np.full(n, "", dtype=object)
    accept = {"ok", "renamed"} if harmonise else {"ok"}
    ykey = years.fillna(-1).astype("int64").to_numpy()
    for y in np.unique(ykey[todo]):  # one call per year (few)
        sel = todo & (ykey == y)
        vals = list(names.to_numpy()[sel])
        res = resolver(vals, None if y < 0 else int(y), None)
        st = res["status"].astype(str).to_numpy(dtype=object).copy()
        cd = res["code"].to_numpy(dtype=object).copy()
        msg = res["message"].fillna("").astype(str).to_numpy(dtype=object).copy()
        par = parents.to_numpy()[sel]
        retry = (st == "ambiguous") & (par != "")
        if retry.any():
            res2 = resolver(
                [v for v, r in zip(vals, retry, strict=True) if r],
                None if y < 0 else int(y),
                list(par[retry]),
            )
            st[retry] = res2["status"].astype(str).to_numpy()
            cd[retry] = res2["code"].to_numpy(dtype=object)
            msg[retry] = res2["message"].fillna("").astype(str).to_numpy()
        ok = np.isin(st, list(accept)) & pd.notna(cd)
        accepted = cd.copy()
        accepted[~ok] = None
        code[sel] = accepted
        why = pd.Series(st).map(_REGION_REASON).fillna("invalid_region").to_numpy(dtype=object)
        why[ok] = None
        reason[sel] = why
        message[sel] = msg
    return code, reason, message


def clean_targets(
    grid: Grid | pd.DataFrame,
    *,
    catalogue: Catalogue | None = None,
    resolver: Resolver | None = None,
    harmonise: bool = False,
    today: date | None = None,
) -> CleanTargets:
    """Validate a target table (pure apart from the region registry; nothing is written).

    Parameters
    ----------
    grid : Grid or DataFrame
        Cells from :func:`xinzhi.ingest.tables.read_grid` (header row found automatically) or a
        DataFrame whose columns are the header.
    catalogue : Catalogue, optional
        Indicator catalogue (default :func:`xinzhi.indicators.catalogue.load_catalogue`).
    resolver : callable, optional
        Region resolver (default :func:`xinzhi.ingest.clean.default_resolver`).
    harmonise : bool
        Accept a former name or code of the target's year (it takes its successor's code).
    today : date, optional
        For the latest acceptable year (current year + :data:`FUTURE_YEARS`).

    Raises
    ------
    InputError
        No header, or a required column (地区, 指标, 年份, 目标值) missing.
    """
    cat = catalogue or load_catalogue()
    resolve = resolver or default_resolver
    header, body, row_numbers = header_and_body(
        grid, COLUMNS, "找不到表头：目标表需要“地区”“指标”“年份”“目标值”列"
    )
    cols, names, ignored = match_headers(header, COLUMNS)
    for key, what in (
        ("region", "地区"),
        ("indicator", "指标"),
        ("year", "年份"),
        ("value", "目标值"),
    ):
        if key not in cols:
            raise InputError(f"目标表缺少“{what}”列（可用列名：{'、'.join(COLUMNS[key][:4])}）")
    n = len(body)

    def col(key: str) -> pd.Series:
        if key in cols:
            return to_text(body[cols[key]].reset_index(drop=True))
        return pd.Series([""] * n, dtype=object)

    region, parent, ind_text = col("region"), col("parent"), col("indicator")
    raw = _raw_json(header, body)
    text = body.astype(object).apply(lambda c: to_text(c)) if n else body
    empty = (text == "").all(axis=1).to_numpy() if n else np.zeros(0, bool)
    outcome = np.full(n, None, dtype=object)  # reason key once decided
    kind = np.full(n, "", dtype=object)  # "q" or "s"
    message = np.full(n, "", dtype=object)

    def decide(mask: np.ndarray, what: str, why: str, msg: np.ndarray | str = "") -> None:
        new = mask & (outcome == None)  # noqa: E711 - elementwise
        outcome[new] = why
        kind[new] = what
        message[new] = (msg[new] if isinstance(msg, np.ndarray) else msg) or ""

    decide(empty, "s", "empty")
    decide(region.isin(SUBTOTAL_NAMES).to_numpy(), "s", "subtotal")
    parsed = parse_values(
        body[cols["value"]].reset_index(drop=True) if n else pd.Series([], dtype=object)
    )
    decide(((parsed.missing) | (col("value") == "")).to_numpy(), "s", "missing_value")
    year = parse_values(
        body[cols["year"]].reset_index(drop=True) if n else pd.Series([], dtype=object)
    ).value
    last = (today or datetime.now(UTC).date()).year + FUTURE_YEARS
    bad_year = (
        year.isna() | (year.round() != year) | (year < FIRST_YEAR) | (year > last)
    ).to_numpy()
    todo = outcome == None  # noqa: E711
    code, rreason, rmsg = _regions(
        region,
        parent,
        year.where(~pd.Series(bad_year), np.nan),
        todo & ~bad_year,
        resolve,
        harmonise,
    )
    no_region = todo & (region == "").to_numpy()
    decide(no_region, "q", "missing_region")
    for key in sorted({r for r in rreason if r is not None}):  # over reasons, not rows
        decide(rreason == key, "q", key, rmsg)
    decide(bad_year, "q", "invalid_year", f"年份须为 {FIRST_YEAR}–{last} 之间的整数")
    matched = {u: (cat.match(u) if u else None) for u in ind_text.unique()}  # distinct names
    indicator = ind_text.map(matched).astype(object).where(lambda s: s.notna(), None)
    decide(indicator.isna().to_numpy(), "q", "unknown_indicator")
    decide(parsed.bad.to_numpy(), "q", "non_numeric")
    value = parsed.value
    codes = [c for c in set(matched.values()) if c is not None]
    lower = indicator.map({c: cat[c].lower for c in codes}).astype("float64")
    upper = indicator.map({c: cat[c].upper for c in codes}).astype("float64")
    impossible = ((value < lower) | (value > upper)).fillna(False).to_numpy(dtype=bool)
    decide(impossible, "q", "impossible_value")
    keep = outcome == None  # noqa: E711
    rows = pd.DataFrame(
        {
            "region_code": pd.Series(code, dtype=object),
            "indicator": indicator,
            "year": year.round().astype("Int64"),
            "value": value,
        }
    )
    keys = ["region_code", "indicator", "year"]
    sub = rows[keep]
    dup_key = sub.duplicated(keys, keep=False).to_numpy()
    n_values = sub.groupby(keys)["value"].transform("nunique").to_numpy()
    idx = np.flatnonzero(keep)
    conflict = np.zeros(n, bool)
    conflict[idx[dup_key & (n_values > 1)]] = True
    same = np.zeros(n, bool)
    same[idx[sub.duplicated(keys, keep="first").to_numpy() & (n_values == 1)]] = True
    decide(conflict, "q", "duplicate_conflict")
    decide(same, "s", "duplicate")
    keep = outcome == None  # noqa: E711
    qmask, smask = kind == "q", kind == "s"
    base_msg = pd.Series(outcome[qmask]).map(QUARANTINE_REASONS).fillna("").to_numpy()
    detail = message[qmask]
    quarantine = pd.DataFrame(
        {
            "row_number": row_numbers[qmask],
            "raw": raw.to_numpy(dtype=object)[qmask],
            "reason": outcome[qmask],
            "message": np.where(detail != "", base_msg + "：" + detail.astype(str), base_msg),
        }
    )
    skipped = pd.DataFrame(
        {
            "row_number": row_numbers[smask],
            "raw": raw.to_numpy(dtype=object)[smask],
            "reason": outcome[smask],
        }
    )
    assert set(skipped["reason"]) <= set(SKIP_REASONS)
    loaded = rows[keep].reset_index(drop=True)
    loaded["year"] = loaded["year"].astype("int64")
    return CleanTargets(
        rows=loaded[TARGET_COLUMNS],
        quarantine=quarantine,
        skipped=skipped,
        rows_read=n,
        columns_matched={names[k]: k for k in cols},
        columns_ignored=ignored,
    )


def import_targets(
    path: str | os.PathLike[str],
    *,
    source: str | None = None,
    sheet: str | int | None = None,
    harmonise: bool = False,
    db: str | os.PathLike[str] | None = None,
    con: duckdb.DuckDBPyConnection | None = None,
    user_name: str | None = None,
    resolver: Resolver | None = None,
    today: date | None = None,
) -> ImportReport:
    """Import a target table (CSV/XLSX) into ``targets`` as one batch of ``source`` (default
    ``targets:<file stem>``; a newer file of the same source supersedes the older batch, the
    same file again is a no-op; ``resolver``: the region resolver, default the mirror's
    registry). See :func:`clean_targets` for the rules.

    Raises
    ------
    InputError
        The file is missing, has no header or lacks a required column;
        :class:`~xinzhi.ingest.batch.EmptyImportError` when no row loads (nothing written).
    """
    return import_table_file(
        path,
        fmt="targets",
        clean=lambda grid: clean_targets(grid, resolver=resolver, harmonise=harmonise, today=today),
        insert=insert_targets,
        ensure=ensure_target_table,
        report=lambda clean, **ids: table_report(
            clean,
            fmt="targets",
            **ids,
            years=sorted(int(y) for y in clean.rows["year"].unique()),
            regions_loaded=int(clean.rows["region_code"].nunique()),
            indicators_loaded=sorted(str(i) for i in clean.rows["indicator"].unique()),
        ),
        source=source,
        sheet=sheet,
        user_name=user_name,
        db=db,
        con=con,
    )
