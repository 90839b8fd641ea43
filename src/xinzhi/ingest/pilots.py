"""Pilot lists (试点名单: national innovation counties, development zones, 数字乡村 pilots …)
→ the warehouse table ``pilots`` (:mod:`xinzhi.store.pilots`).

A pilot file (CSV/XLSX) has one row per county and policy: the county (name and/or 6-digit
code; optionally its province or prefecture to tell equal names apart), the policy (or one
policy for the whole file, given by the caller) and the start year (批复 / 入选 / 设立年份: the
first treated year). Every data row ends up exactly once as loaded, quarantined (with a reason)
or skipped (with a reason)::

    rows_read = rows_loaded + rows_quarantined + rows_skipped

Rules, first applicable wins:

1. a row with no cell filled                                → skipped ``empty``
2. no policy in the row and none given for the file         → quarantined ``pilot_policy_missing``
   (a row that names a county or a year but no policy is a pilot the user meant to list:
   it is shown for correction, not dropped silently as a missing value)
3. start year missing, not a whole number, or outside 1949 – next year
                                                            → quarantined ``invalid_year``
4. county name and code both empty                          → quarantined ``missing_region``
5. county unresolved by the region registry: names are read as of the latest registry year
   (a former name of a renamed county takes its successor's code — renamed counties are one
   unit), else as of the start year; ambiguous / split / abolished / not a county / unknown
                                                            → quarantined ``ambiguous_region``,
   ``split_region``, ``former_region``, ``not_county_region``, ``unknown_region``
6. the same county and policy again: same start year        → skipped ``duplicate``;
   another start year                                       → quarantined ``duplicate_conflict``
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, datetime

import duckdb
import numpy as np
import pandas as pd

from xinzhi.errors import InputError
from xinzhi.ingest.batch import CleanTable, import_table_file, table_report
from xinzhi.ingest.clean import default_resolver
from xinzhi.ingest.enterprises import header_and_body, match_headers
from xinzhi.ingest.reasons import QUARANTINE_REASONS
from xinzhi.ingest.report import ImportReport
from xinzhi.ingest.tables import Grid
from xinzhi.ingest.values import to_text
from xinzhi.store.pilots import ensure_pilot_tables, insert_pilots

__all__ = ["COLUMNS", "PilotRows", "clean_pilots", "import_pilots"]

COLUMNS: dict[str, list[str]] = {
    "name": [
        "县",
        "区县",
        "县（市、区）",
        "县(市、区)",
        "县区",
        "县名",
        "县市区",
        "地区",
        "地区名称",
        "名称",
        "单位名称",
        "county",
        "name",
        "region",
    ],
    "code": ["区划代码", "行政区划代码", "代码", "地区代码", "code", "region_code"],
    "parent": ["所属地市", "所属省份", "省份", "地市", "所属地区", "province", "prefecture"],
    "policy": ["政策", "政策名称", "试点", "试点名称", "试点类型", "名单", "policy", "pilot"],
    "start_year": [
        "开始年份",
        "起始年份",
        "批复年份",
        "入选年份",
        "设立年份",
        "认定年份",
        "获批年份",
        "年份",
        "start_year",
        "year",
        "cohort",
    ],
    "batch": ["批次", "batch"],
}
"""Accepted headers per field (after NFKC, blanks and a trailing bracket removed)."""

_REGION_REASON = {
    "ambiguous": "ambiguous_region",
    "split": "split_region",
    "abolished": "former_region",
    "not_county": "not_county_region",
    "not_prefecture": "not_county_region",
    "not_province": "not_county_region",
}


@dataclass
class PilotRows(CleanTable):
    """Outcome of :func:`clean_pilots` (nothing written); ``rows``: region_code, name, policy,
    start_year, batch, synthetic."""


def _resolve(
    keys: np.ndarray, parents: np.ndarray, years: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(code, status, message) per key: first as of the latest registry year (``renamed``
    accepted), then, for the rest, as of the start year (``ok`` only)."""
    from xinzhi import regions

    reg = regions.load_registry()
    n = len(keys)
    code = np.full(n, None, dtype=object)
    status = np.full(n, "unknown", dtype=object)
    msg = np.full(n, "", dtype=object)
    if n == 0:
        return code, status, msg
    par = [p or None for p in parents]
    res = default_resolver(list(keys), None, par if any(par) else None)
    st = res["status"].astype(str).to_numpy(dtype=object)
    ok = np.isin(st, ["ok", "renamed"])
    code[ok] = res["code"].to_numpy(dtype=object)[ok]
    status[:] = st
    status[ok] = "ok"
    msg[:] = res["message"].fillna("").astype(str).to_numpy(dtype=object)
    todo = np.flatnonzero(~ok)
    clipped = np.clip(years.astype(np.int64), reg.first_year, reg.latest_year)
    for y in np.unique(clipped[todo]):
        sel = todo[clipped[todo] == y]
        p = [par[i] for i in sel]
        r2 = default_resolver(list(keys[sel]), int(y), p if any(p) else None)
        s2 = r2["status"].astype(str).to_numpy(dtype=object)
        good = s2 == "ok"
        code[sel[good]] = r2["code"].to_numpy(dtype=object)[good]
        status[sel[good]] = "ok"
    return code, status, msg


def clean_pilots(
    grid: Grid | pd.DataFrame, *, policy: str | None = None, this_year: int | None = None
) -> PilotRows:
    """Classify the rows of a pilot table (see the module docstring for the rules)."""
    header, body, row_numbers = header_and_body(
        grid, COLUMNS, "找不到表头：试点名单至少需要“县/区划代码”与“开始年份”（或“政策”）两列"
    )
    found, names, ignored = match_headers(header, COLUMNS)
    if "name" not in found and "code" not in found:
        raise InputError("试点名单缺少县列：需要“县（市、区）”名称列或“区划代码”列")
    if "start_year" not in found:
        raise InputError("试点名单缺少开始年份列（如“批复年份”“入选年份”“开始年份”）")
    if "policy" not in found and not policy:
        raise InputError("试点名单没有“政策/试点名称”列：请用 --policy 指定整张表的政策名称")
    n = len(body)
    text = body.astype(object).apply(to_text) if n else body

    def col(key: str) -> pd.Series:
        if key not in found:
            return pd.Series([""] * n, dtype=object)
        return text.iloc[:, found[key]].astype(str).str.strip().reset_index(drop=True)

    frame = text.copy()
    frame.columns = [h or f"列{j + 1}" for j, h in enumerate(header)]
    raw = (
        pd.Series(frame.to_json(orient="records", lines=True, force_ascii=False).splitlines())
        if n
        else pd.Series([], dtype=object)
    )
    empty = (text == "").all(axis=1).to_numpy() if n else np.zeros(0, bool)
    name, code, parent = col("name"), col("code"), col("parent")
    pol = col("policy").where(col("policy") != "", policy or "")
    year_num = pd.to_numeric(col("start_year").str.replace("年", "", regex=False), errors="coerce")
    top = (this_year or datetime.now(UTC).year) + 1
    year_ok = year_num.notna() & (year_num % 1 == 0) & year_num.between(1949, top)

    reason = np.full(n, "", dtype=object)
    message = np.full(n, "", dtype=object)
    skip = np.full(n, "", dtype=object)
    skip[empty] = "empty"
    live = ~empty
    no_policy = live & (pol == "").to_numpy()
    reason[no_policy] = "pilot_policy_missing"
    message[no_policy] = QUARANTINE_REASONS["pilot_policy_missing"]
    live &= ~no_policy
    bad_year = live & ~year_ok.to_numpy()
    reason[bad_year] = "invalid_year"
    message[bad_year] = "开始年份缺失或无效：" + col("start_year")[bad_year].to_numpy(dtype=object)
    live &= ~bad_year
    six = code.str.extract(r"^(\d{6})(?:\.0+)?$", expand=False).fillna("")
    key = np.where(six != "", six, name).astype(object)
    no_region = live & (key == "")
    reason[no_region] = "missing_region"
    message[no_region] = QUARANTINE_REASONS["missing_region"]
    live &= ~no_region
    idx = np.flatnonzero(live)
    region = np.full(n, None, dtype=object)
    rc, st, msg = _resolve(key[idx], parent.to_numpy(dtype=object)[idx], year_num.to_numpy()[idx])
    region[idx] = rc
    failed = idx[st != "ok"]
    reason[failed] = [_REGION_REASON.get(s, "unknown_region") for s in st[st != "ok"]]
    message[failed] = [
        m or f"无法识别的县：{k}" for m, k in zip(msg[st != "ok"], key[failed], strict=True)
    ]
    live[failed] = False

    rows = pd.DataFrame(
        {
            "region_code": region,
            "name": name.where(name != "", None),
            "policy": pol,
            "start_year": year_num.astype("Int64"),
            "batch": col("batch").where(col("batch") != "", None),
            "synthetic": False,
        }
    )
    sub = rows[live]
    dup_key = sub.duplicated(["region_code", "policy"], keep="first").to_numpy()
    dup_same = sub.duplicated(["region_code", "policy", "start_year"], keep="first").to_numpy()
    li = np.flatnonzero(live)
    same = li[dup_key & dup_same]
    conflict_keys = sub[dup_key & ~dup_same][["region_code", "policy"]]
    skip[same] = "duplicate"
    live[same] = False
    if not conflict_keys.empty:  # every row of a conflicting county-policy is quarantined
        k = pd.MultiIndex.from_frame(conflict_keys)
        hit = li[pd.MultiIndex.from_frame(sub[["region_code", "policy"]]).isin(k)]
        hit = hit[live[hit]]
        reason[hit] = "duplicate_conflict"
        message[hit] = "同一县同一政策出现不同的开始年份"
        live[hit] = False
    q = reason != ""
    s = skip != ""
    quarantine = pd.DataFrame(
        {
            "row_number": row_numbers[q],
            "raw": raw.to_numpy(dtype=object)[q],
            "reason": reason[q],
            "message": message[q],
        }
    )
    skipped = pd.DataFrame(
        {"row_number": row_numbers[s], "raw": raw.to_numpy(dtype=object)[s], "reason": skip[s]}
    )
    out = rows[live].reset_index(drop=True)
    out["start_year"] = out["start_year"].astype("int64")
    warnings = []
    if "policy" not in found:
        warnings.append(f"文件无政策列：全部记为“{policy}”")
    return PilotRows(
        rows=out,
        quarantine=quarantine,
        skipped=skipped,
        rows_read=n,
        columns_matched=names,
        columns_ignored=ignored,
        warnings=warnings,
    )


def import_pilots(
    path: str | os.PathLike[str],
    *,
    policy: str | None = None,
    source: str | None = None,
    sheet: str | int | None = None,
    db: str | os.PathLike[str] | None = None,
    con: duckdb.DuckDBPyConnection | None = None,
) -> ImportReport:
    """Import a pilot list (CSV/XLSX) into ``pilots`` as one batch of ``source`` (default
    ``pilots:<file stem>``; a new file supersedes the source's earlier batch, the same file
    again is a no-op). ``policy`` names the policy of a file without a policy column (and of
    its rows with an empty policy cell)."""
    return import_table_file(
        path,
        fmt="pilots",
        clean=lambda grid: clean_pilots(grid, policy=policy),
        insert=insert_pilots,
        ensure=ensure_pilot_tables,
        report=lambda clean, **ids: table_report(
            clean,
            fmt="pilots",
            **ids,
            years=sorted(int(y) for y in clean.rows["start_year"].unique()),
            regions_loaded=int(clean.rows["region_code"].nunique()),
        ),
        source=source,
        sheet=sheet,
        db=db,
        con=con,
    )
