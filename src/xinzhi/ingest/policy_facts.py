"""Policy facts (政策事实：地方财政贡献、新上项目固定资产投资 …) of firms or persons → the warehouse
table ``policy_facts`` (:mod:`xinzhi.store.policy`).

A fact is a value a support policy reads that the firm-year catalogue
(:mod:`xinzhi.codes.firm_fields`) does not hold. Which facts exist, with label, unit, type and
header aliases, is the caller's catalogue (the policy package's ``facts.yaml``, its ``persons``
section and the documents' own ``facts``; the pipeline passes it in, this reader does not know
the policy package). Two layouts are read:

* **wide** — one row per subject and year: a subject column (统一社会信用代码 for firms, or
  人员编号 / 身份证号 for persons), ``年份`` (or the year given by the caller) and one column per
  fact, recognised by its key, label or aliases;
* **long** — one row per subject, year and fact: the subject, ``年份``, ``事实`` (key or label)
  and ``数值``.

Every source row ends up exactly once as loaded, quarantined (with a reason) or skipped (empty
rows, rows without any value, identical repeats)::

    rows_read = rows_loaded + rows_quarantined + rows_skipped

A column that is not recognised is not loaded and is named in the report (``columns_ignored``
and a warning), never dropped silently. Values are parsed by type: numbers (money cells in
元 / 万元 / 亿元 are converted to 万元 like the registry importer), 是/否, dates and text.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime

import duckdb
import numpy as np
import pandas as pd

from xinzhi.errors import InputError
from xinzhi.ingest.batch import import_table_file, table_report
from xinzhi.ingest.enterprises import (
    _config as _registry_config,
)
from xinzhi.ingest.enterprises import (
    _header_unit,
    _parse_dates,
    header_and_body,
    match_headers,
    parse_money,
)
from xinzhi.ingest.firm_years import (
    CleanRows,
    _credit,
    _finish,
    _Flags,
    _raw_json,
    parse_booleans,
)
from xinzhi.ingest.firm_years import (
    _config as _years_config,
)
from xinzhi.ingest.report import ImportReport
from xinzhi.ingest.tables import Grid
from xinzhi.ingest.values import parse_values, to_text
from xinzhi.store.policy import ensure_policy_tables, insert_policy_facts

__all__ = [
    "FACT_TYPES",
    "PERSON_ID_COLUMNS",
    "FactSpec",
    "clean_policy_facts",
    "import_policy_facts",
]

FACT_TYPES = ("double", "integer", "boolean", "date", "varchar")
"""Types of a fact (as in ``codes/firm_fields.yaml``)."""

PERSON_ID_COLUMNS = [
    "人员编号",
    "人才编号",
    "人员ID",
    "身份证号",
    "身份证号码",
    "证件号码",
    "person_id",
]
"""Headers of the person column (a person of the talent base)."""

_FACT_COLUMNS = ["事实", "事实名称", "字段", "字段名称", "项目", "政策事实", "fact"]
_VALUE_COLUMNS = ["数值", "值", "取值", "数据", "value"]


@dataclass(frozen=True)
class FactSpec:
    """One fact of the caller's catalogue: ``key`` (stored), Chinese ``label``, ``unit`` (万元,
    亩, 人 …, "" for none), ``type`` (:data:`FACT_TYPES`) and further header ``aliases``."""

    key: str
    label: str
    type: str = "double"
    unit: str = ""
    aliases: tuple[str, ...] = ()

    def headers(self) -> list[str]:
        """Accepted headers: label, aliases, key."""
        return [self.label, *self.aliases, self.key]


def _norm(text: str) -> str:
    t = unicodedata.normalize("NFKC", str(text))
    t = re.sub(r"\s+", "", t)
    return re.sub(r"[(（\[【][^()（）\[\]【】]*[)）\]】]$", "", t)


def _values(
    spec: FactSpec, raw: pd.Series, header: str, flags: _Flags, today: date
) -> tuple[pd.Series, pd.Series]:
    """(value_num, value_text) of one fact's cells, problems flagged."""
    n = len(raw)
    none_num = pd.Series(np.nan, index=raw.index, dtype="float64")
    none_text = pd.Series([None] * n, index=raw.index, dtype=object)
    if spec.type == "boolean":
        value, bad = parse_booleans(raw)
        flags.add("boolean_invalid", bad.to_numpy(), spec.label)
        text = value.map({True: "true", False: "false"}).astype(object)
        return none_num, text.where(value.notna(), None)
    if spec.type == "date":
        d, bad = _parse_dates(raw, today)
        flags.add("value_date_invalid", bad.to_numpy(), spec.label)
        text = d.dt.strftime("%Y-%m-%d").astype(object)
        return none_num, text.where(d.notna(), None)
    if spec.type == "varchar":
        text = to_text(raw)
        return none_num, text.where(text != "", None).astype(object)
    if spec.unit == "万元":
        value, bad = parse_money(raw, _header_unit(header) if header else None)
    else:
        parsed = parse_values(raw)
        value, bad = parsed.value, parsed.bad
    flags.add("non_numeric", bad.to_numpy(), spec.label)
    if spec.type == "integer":
        flags.add("not_integer", (value.notna() & (value.round() != value)).to_numpy(), spec.label)
    return value.astype("float64"), none_text


def _catalogue(facts: Mapping[str, FactSpec]) -> dict[str, FactSpec]:
    for k, f in facts.items():
        if f.type not in FACT_TYPES:
            raise InputError(f"事实 {k} 的类型 {f.type!r} 无效：可选 {'、'.join(FACT_TYPES)}")
    return dict(facts)


def clean_policy_facts(
    grid: Grid | pd.DataFrame,
    *,
    facts: Mapping[str, FactSpec],
    person_facts: Mapping[str, FactSpec] | None = None,
    year: int | None = None,
    synthetic: bool = False,
    today: date | None = None,
) -> CleanRows:
    """Validate and normalise a table of policy facts (pure: no database).

    Parameters
    ----------
    grid : Grid or DataFrame
        Cells from :func:`xinzhi.ingest.tables.read_grid` or a DataFrame whose columns are the
        header.
    facts, person_facts : mapping of key → FactSpec
        The facts of firms and of persons the caller knows; a file of persons (a person column,
        no credit-code column) is read with ``person_facts``.
    year : int, optional
        Data year of rows without a ``年份`` cell (required when there is no such column).
    synthetic : bool
        Mark the rows as 示例数据.
    today : date, optional
        Dates and years after ``today`` are invalid (default: the current date).

    Returns
    -------
    CleanRows
        ``rows``: the long table ``credit_code, person_id, year, fact, value_num, value_text,
        synthetic`` (one row per value loaded); ``rows_read`` counts source rows, and every
        source row is loaded, quarantined or skipped.
    """
    day = today or datetime.now(UTC).date()
    firm_cat = _catalogue(facts)
    person_cat = _catalogue(person_facts or {})
    both = {**person_cat, **firm_cat}
    columns: dict[str, list[str]] = {
        "credit_code": list(_registry_config()["columns"]["credit_code"]),
        "person_id": list(PERSON_ID_COLUMNS),
        "year": list(_years_config()["year_columns"]),
        "_fact": list(_FACT_COLUMNS),
        "_value": list(_VALUE_COLUMNS),
        **{f"f:{k}": f.headers() for k, f in both.items()},
    }
    header, body, row_numbers = header_and_body(
        grid,
        columns,
        "找不到表头：政策事实表至少需要“统一社会信用代码”（或“人员编号”）和另一列已知列名",
    )
    cols, names, ignored = match_headers(header, columns)
    if "credit_code" in cols and "person_id" in cols:
        raise InputError(
            "一个文件只能是企业的事实或人员的事实：表中同时有“统一社会信用代码”列和人员编号列"
        )
    if "credit_code" not in cols and "person_id" not in cols:
        raise InputError("缺少“统一社会信用代码”列（企业）或“人员编号”列（人员）")
    if "year" not in cols and year is None:
        raise InputError("缺少“年份”列：请在表中加入年份列，或指定数据年份（--year）")
    person = "person_id" in cols
    catalogue = person_cat if person else firm_cat
    long = "_fact" in cols and "_value" in cols
    wide_cols = {k[2:]: j for k, j in cols.items() if k.startswith("f:")}
    # a fact of the other catalogue (a person fact in a firm file) is not recognised
    for k in [k for k in wide_cols if k not in catalogue]:
        ignored.append(names[f"f:{k}"])
        del wide_cols[k]
    if not long and not wide_cols:
        who = "人员" if person else "企业"
        raise InputError(
            f"没有可识别的{who}政策事实列：宽表请用事实名称作列名（如 "
            + "、".join(f.label for f in list(catalogue.values())[:3])
            + "），长表请给出“事实”和“数值”两列"
        )
    n = len(body)
    blank = pd.Series([None] * n, dtype=object)

    def col(j: int | None) -> pd.Series:
        return body[j].reset_index(drop=True) if j is not None else blank

    raw, empty = _raw_json(header, body)
    flags = _Flags()
    if person:
        pid = to_text(col(cols["person_id"]))
        flags.add("person_id_missing", (pid == "").to_numpy())
        subject = {"credit_code": blank, "person_id": pid.where(pid != "", None)}
    else:
        subject = {"credit_code": _credit(col(cols["credit_code"]), flags), "person_id": blank}
    yv = parse_values(col(cols.get("year"))).value
    if year is not None:
        yv = yv.fillna(float(year))
    flags.add(
        "invalid_year",
        (yv.isna() | (yv.round() != yv) | (yv < 1949) | (yv > day.year)).to_numpy(),
    )
    base = pd.DataFrame(
        {**subject, "year": yv.round().astype("Int64"), "synthetic": np.full(n, synthetic)}
    )
    if long:
        rows = _long(col(cols["_fact"]), col(cols["_value"]), catalogue, base, flags, day)
        keys = ["credit_code", "person_id", "year", "fact"]
        has_value = rows["value_num"].notna() | rows["value_text"].notna()
        duplicate = "duplicate_fact"
    else:
        values: dict[str, tuple[pd.Series, pd.Series]] = {}
        for k, j in wide_cols.items():  # over fact columns, not rows
            values[k] = _values(catalogue[k], col(j), header[j], flags, day)
        rows = base.copy()
        for k, (num, text) in values.items():
            rows[f"num:{k}"] = num.to_numpy()
            rows[f"text:{k}"] = text.to_numpy()
        keys = ["credit_code", "person_id", "year"]
        has_value = pd.Series(False, index=rows.index)
        for num, text in values.values():
            has_value |= num.notna().to_numpy() | text.notna().to_numpy()
        duplicate = "duplicate_fact"
    # a row without any value (but not empty) is skipped: nothing to load
    no_value = (~has_value.to_numpy()) & ~empty
    bad_mask = flags.resolve(n)[0]
    loaded, quarantine, skipped = _finish(
        rows,
        keys,
        flags,
        raw=raw,
        empty=empty | (no_value & ~bad_mask),
        row_numbers=row_numbers,
        duplicate_reason=duplicate,
    )
    # the rows counted as "empty" above that have cells are skipped as missing values
    cells = ~empty & no_value & ~bad_mask
    missing_rows = set(row_numbers[cells].tolist())
    if len(skipped):
        skipped.loc[skipped["row_number"].isin(missing_rows), "reason"] = "missing_value"
    warnings = [f"未识别、未导入的列：{'、'.join(ignored)}"] if ignored else []
    out = CleanRows(
        rows=loaded,
        quarantine=quarantine,
        skipped=skipped,
        rows_read=n,
        columns_matched={names[k]: k.removeprefix("f:") for k in cols},
        columns_ignored=ignored,
        warnings=warnings,
    )
    # the accounting is on source rows; a wide row holds several values: one row per value
    out.rows = (loaded if long else _melt(loaded, list(wide_cols))).reset_index(drop=True)
    return out


def _long(
    fact_raw: pd.Series,
    value_raw: pd.Series,
    catalogue: Mapping[str, FactSpec],
    base: pd.DataFrame,
    flags: _Flags,
    day: date,
) -> pd.DataFrame:
    """Rows of a long file: the fact matched by key, label or alias; the value parsed by the
    fact's type (loops over the catalogue's facts, not rows)."""
    lookup: dict[str, str] = {}
    for k, f in catalogue.items():
        for h in f.headers():
            lookup.setdefault(_norm(h), k)
            lookup.setdefault(_norm(h).lower(), k)
    text = to_text(fact_raw).map(_norm)
    fact = text.map(lambda t: lookup.get(t) or lookup.get(t.lower()))
    flags.add("unknown_fact", (fact.isna() & (text != "")).to_numpy())
    flags.add("unknown_fact", (text == "").to_numpy() & (to_text(value_raw) != "").to_numpy())
    num = pd.Series(np.nan, index=base.index, dtype="float64")
    txt = pd.Series([None] * len(base), index=base.index, dtype=object)
    for k, f in catalogue.items():  # over facts, not rows
        m = (fact == k).to_numpy()
        if not m.any():
            continue
        sub = _Flags()
        vn, vt = _values(f, value_raw[m].reset_index(drop=True), "", sub, day)
        for reason, mask, what in sub.items:
            full = np.zeros(len(base), bool)
            full[np.flatnonzero(m)] = mask
            flags.add(reason, full, what)
        num[m] = vn.to_numpy()
        txt[m] = vt.to_numpy()
    out = base.copy()
    out["fact"] = fact.astype(object).where(fact.notna(), None)
    out["value_num"] = num
    out["value_text"] = txt
    return out[["credit_code", "person_id", "year", "fact", "value_num", "value_text", "synthetic"]]


def _melt(loaded: pd.DataFrame, facts: list[str]) -> pd.DataFrame:
    """Wide loaded rows → one row per non-NULL value."""
    parts = []
    for k in facts:  # over fact columns
        num = loaded[f"num:{k}"]
        text = loaded[f"text:{k}"]
        keep = num.notna() | text.notna()
        part = loaded.loc[keep, ["credit_code", "person_id", "year", "synthetic"]].copy()
        part["fact"] = k
        part["value_num"] = num[keep].astype("float64")
        part["value_text"] = text[keep].astype(object)
        parts.append(part)
    cols = ["credit_code", "person_id", "year", "fact", "value_num", "value_text", "synthetic"]
    if not parts:
        return pd.DataFrame(columns=cols)
    return pd.concat(parts, ignore_index=True)[cols]


def _report(clean: CleanRows, **ids: str) -> ImportReport:
    """:func:`~xinzhi.ingest.batch.table_report` of a facts table: rows loaded = rows read less
    quarantined and skipped (a wide row holds several facts), the years and the facts."""
    return table_report(
        clean,
        fmt="policy_facts",
        **ids,
        rows_loaded=clean.rows_read - len(clean.quarantine) - len(clean.skipped),
        years=sorted(int(y) for y in clean.rows["year"].dropna().unique()),
        indicators_loaded=sorted({str(f) for f in clean.rows["fact"].dropna()}),
    )


def import_policy_facts(
    path: str | os.PathLike[str],
    *,
    facts: Mapping[str, FactSpec],
    person_facts: Mapping[str, FactSpec] | None = None,
    year: int | None = None,
    source: str | None = None,
    sheet: str | int | None = None,
    account: str | None = None,
    db: str | os.PathLike[str] | None = None,
    con: duckdb.DuckDBPyConnection | None = None,
    today: date | None = None,
) -> ImportReport:
    """Import a table of policy facts (CSV/XLSX, wide or long; see the module docstring) into
    ``policy_facts`` as one batch of ``source`` (default ``policy_facts:<file stem>``; a new
    file supersedes the source's earlier batch, the same file again is a no-op).

    ``account``: who imports (recorded with the batch). See :func:`clean_policy_facts`.
    """
    return import_table_file(
        path,
        fmt="policy_facts",
        clean=lambda grid: clean_policy_facts(
            grid, facts=facts, person_facts=person_facts, year=year, today=today
        ),
        insert=insert_policy_facts,
        ensure=ensure_policy_tables,
        report=_report,
        source=source,
        sheet=sheet,
        user_name=account,
        db=db,
        con=con,
    )
