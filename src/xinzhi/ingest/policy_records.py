"""The office's policy records (政策兑现台账) → the warehouse table ``policy_records``
(:mod:`xinzhi.store.policy`), the data of the policy effect loop (精准推送—效果评估—动态优化).

One row per subject, policy (clause), period and stage:

=================  ==========================================================================
column             headers accepted (after NFKC, whitespace and a trailing unit removed)
=================  ==========================================================================
document           政策文件, 文件, 政策, 政策编号, 文件编号 (the document id, title or 文号)
clause             条款, 条款编号 (optional: a record of the whole document)
credit_code        统一社会信用代码 … (firms) — or person_id: 人员编号, 身份证号 … (persons)
period             期间, 年度, 年份, 批次 (text: 2024, 2024-Q3, 第一批 …)
stage              环节, 阶段, 状态: 符合 / 已推送 / 已申请 / 已兑现 (or eligible / notified /
                   applied / paid)
amount             金额, 兑现金额 (元 / 万元 / 亿元 → 万元)
aware              是否知晓, 知晓 (是/否)
satisfaction       满意度, 满意度评分 (integer 1–5)
=================  ==========================================================================

Every source row is loaded, quarantined (with a reason) or skipped::

    rows_read = rows_loaded + rows_quarantined + rows_skipped

Columns not recognised are named in the report, never dropped silently.
"""

from __future__ import annotations

import os
from collections.abc import Collection, Mapping
from datetime import UTC, date, datetime

import duckdb
import numpy as np
import pandas as pd

from xinzhi.errors import InputError
from xinzhi.ingest.batch import import_table_file, table_report
from xinzhi.ingest.enterprises import _config as _registry_config
from xinzhi.ingest.enterprises import _header_unit, header_and_body, match_headers, parse_money
from xinzhi.ingest.firm_years import (
    CleanRows,
    _credit,
    _finish_rows,
    _Flags,
    _raw_json,
    parse_booleans,
)
from xinzhi.ingest.policy_facts import PERSON_ID_COLUMNS
from xinzhi.ingest.report import ImportReport
from xinzhi.ingest.tables import Grid
from xinzhi.ingest.values import parse_values, to_text
from xinzhi.store.policy import RECORD_COLUMNS, ensure_policy_tables, insert_policy_records

__all__ = ["STAGE_NAMES", "clean_policy_records", "import_policy_records"]

STAGE_NAMES: dict[str, str] = {
    "eligible": "eligible",
    "符合": "eligible",
    "符合条件": "eligible",
    "应享": "eligible",
    "notified": "notified",
    "已推送": "notified",
    "推送": "notified",
    "已通知": "notified",
    "通知": "notified",
    "applied": "applied",
    "已申请": "applied",
    "申请": "applied",
    "已申报": "applied",
    "paid": "paid",
    "已兑现": "paid",
    "兑现": "paid",
    "已拨付": "paid",
    "拨付": "paid",
}
"""Stage cells (as written, NFKC) → stage key."""

_COLUMNS: dict[str, list[str]] = {
    "document": ["政策文件", "文件", "政策", "政策编号", "文件编号", "政策名称", "document"],
    "clause": ["条款", "条款编号", "clause"],
    "person_id": list(PERSON_ID_COLUMNS),
    "period": ["期间", "年度", "年份", "批次", "兑现期间", "period"],
    "stage": ["环节", "阶段", "状态", "兑现环节", "stage"],
    "amount": ["金额", "兑现金额", "拨付金额", "奖补金额", "amount"],
    "aware": ["是否知晓", "知晓", "知晓政策", "aware"],
    "satisfaction": ["满意度", "满意度评分", "评分", "satisfaction"],
}


def clean_policy_records(
    grid: Grid | pd.DataFrame,
    *,
    documents: Mapping[str, Collection[str]],
    names: Mapping[str, str] | None = None,
    synthetic: bool = False,
    today: date | None = None,
) -> CleanRows:
    """Validate and normalise the office's records (pure: no database).

    Parameters
    ----------
    grid : Grid or DataFrame
        Cells from :func:`xinzhi.ingest.tables.read_grid` or a DataFrame whose columns are the
        header.
    documents : mapping of document id → clause ids
        The documents the records may name (built-in and stored).
    names : mapping of text → document id, optional
        Further ways of naming a document (its title, its 文号).
    synthetic : bool
        Mark the rows as 示例数据.
    today : date, optional
        Unused except for symmetry with the other readers (records carry no dates).

    Returns
    -------
    CleanRows
        Rows :data:`xinzhi.store.policy.RECORD_COLUMNS`.
    """
    del today
    columns = {"credit_code": list(_registry_config()["columns"]["credit_code"]), **_COLUMNS}
    header, body, row_numbers = header_and_body(
        grid,
        columns,
        "找不到表头：政策兑现台账至少需要“政策文件”“统一社会信用代码”“期间”“环节”等列",
    )
    cols, matched, ignored = match_headers(header, columns)
    if "credit_code" in cols and "person_id" in cols:
        raise InputError("一个台账只能记录企业或人员：表中同时有“统一社会信用代码”列和人员编号列")
    for k, what in (("document", "政策文件"), ("period", "期间"), ("stage", "环节")):
        if k not in cols:
            raise InputError(f"缺少“{what}”列")
    if "credit_code" not in cols and "person_id" not in cols:
        raise InputError("缺少“统一社会信用代码”列（企业）或“人员编号”列（人员）")
    n = len(body)
    blank = pd.Series([None] * n, dtype=object)

    def col(k: str) -> pd.Series:
        return body[cols[k]].reset_index(drop=True) if k in cols else blank

    raw, empty = _raw_json(header, body)
    flags = _Flags()
    out: dict[str, object] = {}
    if "person_id" in cols:
        pid = to_text(col("person_id"))
        flags.add("person_id_missing", (pid == "").to_numpy())
        out["credit_code"] = blank
        out["person_id"] = pid.where(pid != "", None)
    else:
        out["credit_code"] = _credit(col("credit_code"), flags)
        out["person_id"] = blank
    lookup = {str(k): str(k) for k in documents}
    for text, target in (names or {}).items():
        lookup.setdefault(to_text(pd.Series([text])).iloc[0], str(target))
    doc_text = to_text(col("document"))
    doc = doc_text.map(lookup)
    flags.add("unknown_document", doc.isna().to_numpy())
    clause = to_text(col("clause"))
    pairs = {f"{d}\x1f{c}" for d, cs in documents.items() for c in cs}
    known_clause = (clause == "") | (doc.fillna("") + "\x1f" + clause).isin(pairs)
    flags.add("unknown_clause", (~known_clause & doc.notna()).to_numpy())
    period = to_text(col("period"))
    flags.add("period_missing", (period == "").to_numpy())
    stage = to_text(col("stage")).str.lower().map(lambda t: STAGE_NAMES.get(t))
    flags.add("stage_invalid", stage.isna().to_numpy())
    amount, amount_bad = parse_money(col("amount"), _header_unit(matched.get("amount", "")) or None)
    flags.add("non_numeric", amount_bad.to_numpy(), "金额")
    flags.add("impossible_value", (amount < 0).to_numpy(), "金额")
    aware, aware_bad = parse_booleans(col("aware"))
    flags.add("boolean_invalid", aware_bad.to_numpy(), "是否知晓")
    sat = parse_values(col("satisfaction"))
    sat_bad = sat.bad | (
        sat.value.notna() & ((sat.value.round() != sat.value) | ~sat.value.between(1, 5))
    )
    flags.add("satisfaction_invalid", sat_bad.to_numpy())
    out |= {
        "document": doc.astype(object).where(doc.notna(), None),
        "clause": clause.where(clause != "", None).astype(object),
        "period": period.where(period != "", None).astype(object),
        "stage": stage.astype(object).where(stage.notna(), None),
        "amount": amount.astype("float64"),
        "aware": aware,
        "satisfaction": sat.value.round().astype("Int64"),
        "synthetic": np.full(n, synthetic),
    }
    rows = pd.DataFrame(out)[RECORD_COLUMNS]
    return _finish_rows(
        rows,
        ["document", "clause", "credit_code", "person_id", "period", "stage"],
        flags,
        raw=raw,
        empty=empty,
        row_numbers=row_numbers,
        duplicate_reason="duplicate_record",
        cols=cols,
        matched=matched,
        ignored=ignored,
    )


def _report(clean: CleanRows, **ids: str) -> ImportReport:
    """:func:`~xinzhi.ingest.batch.table_report` of office records (the documents named)."""
    return table_report(
        clean,
        fmt="policy_records",
        **ids,
        indicators_loaded=sorted({str(d) for d in clean.rows["document"].dropna()}),
    )


def import_policy_records(
    path: str | os.PathLike[str],
    *,
    documents: Mapping[str, Collection[str]],
    names: Mapping[str, str] | None = None,
    source: str | None = None,
    sheet: str | int | None = None,
    account: str | None = None,
    db: str | os.PathLike[str] | None = None,
    con: duckdb.DuckDBPyConnection | None = None,
) -> ImportReport:
    """Import the office's records (CSV/XLSX; see the module docstring) into
    ``policy_records`` as one batch of ``source`` (default ``policy_records:<file stem>``; a
    new file supersedes the source's earlier batch, the same file again is a no-op)."""
    return import_table_file(
        path,
        fmt="policy_records",
        clean=lambda grid: clean_policy_records(
            grid, documents=documents, names=names, today=datetime.now(UTC).date()
        ),
        insert=insert_policy_records,
        ensure=ensure_policy_tables,
        report=_report,
        source=source,
        sheet=sheet,
        user_name=account,
        db=db,
        con=con,
    )
