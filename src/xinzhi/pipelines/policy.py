"""Support policies on the warehouse: the policy library, the 政策计算器 and 免申即享 check, the
payout list, the imports of facts and records, and the policy effect indicators.

The surfaces (CLI ``xinzhi policy …``, REST API, web pages 政策计算器 / 政策库 / 兑现名单) call only
the functions below; the rules, the evaluator and the amounts are the pure package
:mod:`xinzhi.policy`.

Documents
    The built-in documents (:func:`xinzhi.policy.builtin_documents`, real policies encoded in
    ``policies/*.yaml``) and the documents of the warehouse's library (table
    ``policy_documents``, :mod:`xinzhi.store.policy`: drafts, review, published, retired; every
    change a new version). A document *applies* on a date ``on`` when it is built in, or
    published with ``published_on ≤ on`` and not retired by then (``retired_on > on`` or none);
    the evaluator itself keeps to the document's ``valid_from`` / ``valid_to`` and region.
County scope
    A document belongs to the region of its ``region`` code (2, 4 or 6 digits; trailing ``00``
    pairs of a 6-digit code are read as the province or prefecture): a county sees the
    documents whose region contains or equals it, and only its own firms.
The frame
    :func:`policy_frame`: the firm frame of one data year
    (:func:`xinzhi.pipelines.enterprise_data.firm_frame_df`: registry, firm-year data and the
    two earlier years, labels held on the date), plus ``size_class`` (大 / 中 / 小 / 微 from
    :func:`xinzhi.enterprise.size.size_classes`; NULL when it needs data),
    ``label_<key>_since`` / ``label_<key>_until`` (the validity window of the label held on the
    date, from ``current_firm_labels``) and the policy facts of the year and the two before
    (``<fact>``, ``<fact>_prev1``, ``<fact>_prev2``) pivoted from ``current_policy_facts``.
Effect loop
    :func:`effect_indicators` — per document and period, from the office's records: subjects
    and amounts by stage, 知晓率, 兑现率 and 满意度 (the indicators named by the seed article
    李琳《提升特色产业现代化水平 激活县域新质生产力强劲动能》: 政策知晓率、兑现满意度).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import threading
from collections import OrderedDict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd
import yaml

from xinzhi import datasets
from xinzhi.auth.accounts import User
from xinzhi.auth.policy import mask_personal
from xinzhi.codes.firm_fields import firm_fields, firm_labels
from xinzhi.codes.firm_status import active_statuses
from xinzhi.enterprise import size as size_mod
from xinzhi.errors import InputError, NotFoundError, XinzhiError
from xinzhi.ingest.batch import loaded_report, run_import, write_rows_batch
from xinzhi.ingest.policy_facts import FactSpec, clean_policy_facts
from xinzhi.ingest.policy_facts import import_policy_facts as _import_facts
from xinzhi.ingest.policy_records import import_policy_records as _import_records
from xinzhi.ingest.report import ImportReport
from xinzhi.ingest.tables import read_grid
from xinzhi.pipelines.enterprise import read_firm_file
from xinzhi.pipelines.enterprise_data import (
    FRAME_REGISTRY_COLUMNS,
    county_code,
    county_codes,
    firm_frame_df,
    latest_firm_year,
    warehouse_stamp,
)
from xinzhi.policy import PolicyDocument, PolicyResult, builtin_documents, evaluate, load_document
from xinzhi.policy.extract import ExtractResult, extract
from xinzhi.policy.facts import FieldSpec, firm_field_specs, person_field_specs, policy_facts
from xinzhi.registry import policy as decl
from xinzhi.store import policy as pstore
from xinzhi.store.firm_years import has_firm_year_tables

__all__ = [
    "DATE_UNKNOWN",
    "STATUS_NAMES",
    "DocumentView",
    "PayoutList",
    "adopt",
    "calculator",
    "date_text",
    "document_text",
    "documents_in_force",
    "effect_indicators",
    "extract_policy_text",
    "form_fields",
    "generate_policy_facts",
    "get_document",
    "import_policy_facts",
    "import_policy_records",
    "library_documents",
    "list_documents",
    "payout_list",
    "person_frame",
    "policy_check",
    "policy_check_analysis",
    "policy_frame",
    "publish",
    "region_covers",
    "retire",
    "save_draft",
]

STATUS_NAMES: dict[str, str] = {
    "draft": "草稿",
    "review": "待审核",
    "published": "已发布",
    "retired": "已废止",
}
"""Status keys accepted by :func:`list_documents` → the stored Chinese status."""

_SIZE = {"大型": "大", "中型": "中", "小型": "小", "微型": "微"}
_WHO = {"firm": "企业", "person": "人员"}

LIST_COLUMNS = [
    "id",
    "title",
    "issuer",
    "doc_number",
    "date",
    "source",
    "category",
    "region",
    "subject",
    "clauses",
    "status",
    "valid_from",
    "valid_to",
    "builtin",
    "published_on",
    "retired_on",
]
"""Columns of :func:`list_documents`."""


DATE_UNKNOWN = "原文未载"
"""How a surface shows a document without a date (``date: null``, see its ``date_note``)."""


def date_text(value: Any) -> str:
    """A document's date as text: ISO ``YYYY-MM-DD``, or :data:`DATE_UNKNOWN` when it is null.

    >>> date_text(dt.date(2022, 4, 12)), date_text(None), date_text(float("nan"))
    ('2022-04-12', '原文未载', '原文未载')
    """
    day = _date_or_none(value)
    return day.isoformat() if day is not None else DATE_UNKNOWN


# ---------------------------------------------------------------------------- regions
def region_prefix(region: str) -> str:
    """The prefix a region code stands for: ``"43"`` for 43 / 430000, ``"4303"`` for 4303 /
    430300, the code itself otherwise.

    >>> region_prefix("430000"), region_prefix("430300"), region_prefix("430321")
    ('43', '4303', '430321')
    """
    code = str(region).strip()
    if len(code) == 6 and code.endswith("0000"):
        return code[:2]
    if len(code) == 6 and code.endswith("00"):
        return code[:4]
    return code


def region_covers(region: str, county: str) -> bool:
    """Whether a document of ``region`` applies to ``county`` (a 6-digit code).

    >>> region_covers("4303", "430321"), region_covers("430000", "430321"), region_covers("220524", "430321")
    (True, True, False)
    """
    return str(county).startswith(region_prefix(region))


def _day(on: dt.date | str | None) -> dt.date:
    if on is None:
        return dt.date.today()
    if isinstance(on, dt.datetime):
        return on.date()
    if isinstance(on, dt.date):
        return on
    try:
        return dt.date.fromisoformat(str(on).strip())
    except ValueError:
        raise InputError(f"日期应写作 YYYY-MM-DD（如 2025-06-30），得到 {on!r}") from None


# ---------------------------------------------------------------------------- the library
@lru_cache(maxsize=256)
def _parse(yaml_text: str, name: str) -> PolicyDocument:
    return load_document(yaml_text, name=name)


def _builtin_yaml(doc_id: str) -> str | None:
    path = resources.files("xinzhi.policy").joinpath("policies", f"{doc_id}.yaml")
    return path.read_text("utf-8") if path.is_file() else None


@dataclass(frozen=True)
class _Entry:
    """A document of the library with where it stands."""

    document: PolicyDocument
    status: str
    builtin: bool
    yaml: str | None
    published_on: dt.date | None = None
    retired_on: dt.date | None = None
    version: int | None = None

    def applies_on(self, on: dt.date) -> bool:
        if self.builtin:
            return True
        # a retired document still applies before its retirement date (a check of the past)
        published = self.status in ("已发布", "已废止")
        if not published or self.published_on is None or self.published_on > on:
            return False
        return self.retired_on is None or self.retired_on > on


def _date_or_none(v: Any) -> dt.date | None:
    if v is None or (isinstance(v, float) and np.isnan(v)) or v is pd.NaT:
        return None
    if isinstance(v, pd.Timestamp):
        return v.date()
    if isinstance(v, dt.datetime):
        return v.date()
    return v if isinstance(v, dt.date) else None


def _library_key(con: duckdb.DuckDBPyConnection) -> tuple[Any, ...] | None:
    """What the library of a warehouse file depends on: its stamp and the number of stored
    document versions (every save, publish or retire adds one); None for an in-memory
    warehouse (nothing is kept)."""
    stamp = warehouse_stamp(con)
    if stamp is None:
        return None
    try:
        row = con.execute("SELECT count(*) FROM policy_documents").fetchall()
    except duckdb.Error:  # no policy tables yet
        row = [(0,)]
    return (stamp, int(row[0][0]))


_LIBRARY: OrderedDict[Any, dict[str, _Entry]] = OrderedDict()
_LIBRARY_LOCK = threading.Lock()


def _library(con: duckdb.DuckDBPyConnection) -> dict[str, _Entry]:
    """Every document of the library by id: the built-in ones (status 已发布), then the stored
    ones (a stored document of a built-in id replaces it); kept per :func:`_library_key`."""
    key = _library_key(con)
    if key is not None:
        with _LIBRARY_LOCK:
            hit = _LIBRARY.get(key)
        if hit is not None:
            return hit
    out: dict[str, _Entry] = {
        k: _Entry(d, "已发布", True, None) for k, d in builtin_documents().items()
    }
    rows = pstore.current_documents(con)
    for r in rows.to_dict("records"):  # over documents, not firms
        doc = _parse(str(r["yaml"]), f"政策库 {r['id']}")
        out[str(r["id"])] = _Entry(
            doc,
            str(r["status"]),
            False,
            str(r["yaml"]),
            _date_or_none(r["published_on"]),
            _date_or_none(r["retired_on"]),
            int(r["version"]),
        )
    if key is not None:
        with _LIBRARY_LOCK:
            _LIBRARY[key] = out
            while len(_LIBRARY) > 4:
                _LIBRARY.popitem(last=False)
    return out


def _entries(
    con: duckdb.DuckDBPyConnection, statuses: Sequence[str] | None = None, builtin: bool = True
) -> dict[str, _Entry]:
    """Built-in documents (with ``builtin``) and the stored ones of ``statuses`` (None: all),
    by id."""
    return {
        k: e
        for k, e in _library(con).items()
        if (builtin if e.builtin else (statuses is None or e.status in statuses))
    }


def _status_filter(status: str | None) -> tuple[list[str] | None, bool]:
    """(stored statuses, include built-ins) for a status key or Chinese status (None: all)."""
    if status is None or status in ("all", "全部"):
        return None, True
    name = STATUS_NAMES.get(status, status)
    if name not in pstore.DOCUMENT_STATUSES:
        raise InputError(
            f"未知的文件状态 {status!r}：可选 {'、'.join(STATUS_NAMES)}（或 "
            + "、".join(pstore.DOCUMENT_STATUSES)
            + "）"
        )
    return [name], name == "已发布"


def list_documents(
    con: duckdb.DuckDBPyConnection,
    *,
    county: str | None = None,
    status: str | None = "published",
) -> pd.DataFrame:
    """The documents of the library, one row each (:data:`LIST_COLUMNS`).

    Parameters
    ----------
    county : str, optional
        A county (name or 6-digit code): only documents whose region contains it.
    status : str, optional
        ``published`` (default: built-in and published), ``review``, ``draft``, ``retired``
        (or the Chinese status); None or ``all``: every document.
    """
    statuses, with_builtin = _status_filter(status)
    code = county_code(con, county)
    rows = []
    for k, e in _entries(con, statuses, builtin=with_builtin).items():
        d = e.document
        if code is not None and not region_covers(d.region, code):
            continue
        rows.append(
            {
                "id": k,
                "title": d.title,
                "issuer": d.issuer,
                "doc_number": d.doc_number,
                "date": d.date,
                "source": d.source,
                "category": d.category,
                "region": d.region,
                "subject": d.subject,
                "clauses": len(d.clauses),
                "status": e.status,
                "valid_from": d.valid_from or d.date,
                "valid_to": d.valid_to,
                "builtin": e.builtin,
                "published_on": e.published_on,
                "retired_on": e.retired_on,
            }
        )
    table = pd.DataFrame(rows, columns=LIST_COLUMNS)
    return table.sort_values(["builtin", "id"], ascending=[False, True], ignore_index=True)


@dataclass
class DocumentView:
    """One document of the library: the parsed document, its YAML, the full source text (None
    when not available), its status and history (stored documents: every version)."""

    document: PolicyDocument
    yaml: str
    text: str | None
    status: str
    builtin: bool
    history: pd.DataFrame
    published_on: dt.date | None = None
    retired_on: dt.date | None = None

    @property
    def id(self) -> str:
        """The document id."""
        return str(self.document.id)


def document_text(
    doc: PolicyDocument, data_dir: str | os.PathLike[str] | None = None
) -> str | None:
    """The full text of ``doc``: its ``text`` key names ``policies/texts/<key>.txt`` of the
    package, or ``dataset:<path>`` a file of the public-data registry (read from the mirror
    ``data_dir`` / ``XINZHI_DATA_DIR``). None when the document names no text or the text is
    not available here."""
    key = doc.text.strip()
    if not key:
        return None
    if key.startswith("dataset:"):
        want = key.removeprefix("dataset:")
        for ds in datasets.list_datasets():
            if any(f.local == want for f in ds.files):
                try:
                    return datasets.path(
                        ds.name, want, data_dir=data_dir, download=False
                    ).read_text("utf-8")
                except XinzhiError:
                    return None
        return None
    path = resources.files("xinzhi.policy").joinpath("texts", f"{key}.txt")
    return path.read_text("utf-8") if path.is_file() else None


def get_document(
    con: duckdb.DuckDBPyConnection, doc_id: str, *, data_dir: str | os.PathLike[str] | None = None
) -> DocumentView:
    """One document of the library by id (built-in or stored, any status).

    Raises
    ------
    NotFoundError
        When no document has this id.
    """
    e = _entries(con).get(str(doc_id))
    if e is None:
        raise NotFoundError(f"政策库中没有编号为 {doc_id} 的文件（xinzhi policy list 查看）")
    text = e.yaml if e.yaml is not None else (_builtin_yaml(str(doc_id)) or "")
    history = (
        pd.DataFrame(columns=["version", "status", "action", "updated_at"])
        if e.builtin
        else pstore.document_history(con, str(doc_id))
    )
    return DocumentView(
        document=e.document,
        yaml=text,
        text=document_text(e.document, data_dir),
        status=e.status,
        builtin=e.builtin,
        history=history,
        published_on=e.published_on,
        retired_on=e.retired_on,
    )


def _own_region(region: str, county: str | None) -> None:
    if county is not None and str(region) != str(county):
        raise InputError(f"县级账号只能管理本县（{county}）的政策文件；该文件的地区为 {region}")


def save_draft(
    con: duckdb.DuckDBPyConnection,
    yaml_text: str,
    *,
    account: str,
    status: str = "待审核",
    county: str | None = None,
    note: str | None = None,
) -> str:
    """Validate a document (YAML text) and store it as a new version with status 待审核 (or
    ``status="草稿"``); its id.

    Raises
    ------
    InputError
        The YAML is invalid (the message names the key), the id is a built-in document's,
        the document is published (retire it first, or save it under a new id), or ``county``
        (a county account's county) is not the document's region.
    """
    status = STATUS_NAMES.get(status, status)
    if status not in ("草稿", "待审核"):
        raise InputError(f"保存草稿时状态只能是 草稿 或 待审核，收到 {status!r}")
    doc = load_document(yaml_text, name="草稿")
    if doc.id in builtin_documents():
        raise InputError(
            f"编号 {doc.id} 是内置政策文件：请换一个编号（或用 adopt 改编为本地区的文件）"
        )
    _own_region(doc.region, county)
    current = pstore.current_documents(con, doc_id=doc.id)
    if len(current) and current["status"].iloc[0] == "已发布":
        raise InputError(
            f"文件 {doc.id} 已发布，不能直接修改：请先废止（xinzhi policy retire），"
            "或以新的编号另存为修订版"
        )
    pstore.write_document_version(
        con,
        doc_id=doc.id,
        yaml=yaml_text,
        status=status,
        region=doc.region,
        account=account,
        action="save",
        note=note,
    )
    return str(doc.id)


def _stored(con: duckdb.DuckDBPyConnection, doc_id: str) -> pd.Series:
    rows = pstore.current_documents(con, doc_id=str(doc_id))
    if rows.empty:
        if str(doc_id) in builtin_documents():
            raise InputError(f"{doc_id} 是内置政策文件，始终可用，无需发布或废止")
        raise NotFoundError(f"政策库中没有编号为 {doc_id} 的文件")
    return rows.iloc[0]


def publish(
    con: duckdb.DuckDBPyConnection,
    doc_id: str,
    *,
    on: dt.date | str,
    account: str,
    county: str | None = None,
) -> None:
    """Publish a stored document (待审核, 草稿 or 已废止) from date ``on``: a new version with
    status 已发布 (the YAML is validated again).

    Raises
    ------
    InputError
        Unknown or built-in id, already published, invalid YAML, or not the county's own.
    """
    day = _day(on)
    row = _stored(con, doc_id)
    _own_region(str(row["region"]), county)
    if row["status"] == "已发布":
        raise InputError(f"文件 {doc_id} 已于 {_date_or_none(row['published_on'])} 发布")
    doc = load_document(str(row["yaml"]), name=f"政策库 {doc_id}")
    pstore.write_document_version(
        con,
        doc_id=str(doc_id),
        yaml=str(row["yaml"]),
        status="已发布",
        region=doc.region,
        account=account,
        action="publish",
        published_on=day,
        note=None if pd.isna(row["note"]) else str(row["note"]),
    )


def retire(
    con: duckdb.DuckDBPyConnection,
    doc_id: str,
    *,
    on: dt.date | str,
    account: str,
    county: str | None = None,
) -> None:
    """Retire a published document from date ``on`` (its clauses apply before ``on``, not
    from ``on``): a new version with status 已废止.

    Raises
    ------
    InputError
        Unknown or built-in id, not published, ``on`` before the publication date, or not the
        county's own.
    """
    day = _day(on)
    row = _stored(con, doc_id)
    _own_region(str(row["region"]), county)
    if row["status"] != "已发布":
        raise InputError(f"文件 {doc_id} 的状态是 {row['status']}，只有已发布的文件可以废止")
    published = _date_or_none(row["published_on"])
    if published is not None and day < published:
        raise InputError(f"废止日期 {day} 早于发布日期 {published}")
    pstore.write_document_version(
        con,
        doc_id=str(doc_id),
        yaml=str(row["yaml"]),
        status="已废止",
        region=str(row["region"]),
        account=account,
        action="retire",
        published_on=published,
        retired_on=day,
        note=None if pd.isna(row["note"]) else str(row["note"]),
    )


def adopt(
    con: duckdb.DuckDBPyConnection,
    doc_id: str,
    *,
    region: str,
    account: str,
    new_id: str | None = None,
    county: str | None = None,
) -> str:
    """Store a copy of document ``doc_id`` (built-in or stored) for ``region`` — a county
    takes another region's policy as the template of its own — status 待审核, marked
    ``改编自 <doc_id>`` (note, and in the document's ``source``); its id (default
    ``<doc_id>-<region>``). The copy applies only once published.

    Raises
    ------
    InputError
        Unknown document, a region that is not a 2-, 4- or 6-digit code, an id already used.
    """
    code = str(region).strip()
    if not (code.isdigit() and len(code) in (2, 4, 6)):
        raise InputError(f"地区应为 2、4 或 6 位区划代码，收到 {region!r}")
    _own_region(code, county)
    view = get_document(con, doc_id)
    data = yaml.safe_load(view.yaml) if view.yaml else None
    if not isinstance(data, dict) or not isinstance(data.get("document"), dict):
        raise InputError(f"文件 {doc_id} 的 YAML 无法读取，不能改编")
    target = new_id or f"{doc_id}-{code}"
    if target in _entries(con):
        raise InputError(f"编号 {target} 已被使用：请用 new_id 指定另一个编号")
    head = data["document"]
    original = str(head.get("source") or "")
    head["id"] = target
    head["region"] = code
    head["source"] = f"改编自 {doc_id}" + (f"；原文来源：{original}" if original else "")
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    return save_draft(con, text, account=account, note=f"改编自 {doc_id}")


def _applicable(
    con: duckdb.DuckDBPyConnection,
    *,
    county: str | None,
    on: dt.date,
    ids: Sequence[str] | None,
    subject: str = "firm",
) -> list[PolicyDocument]:
    """The documents a check on ``on`` evaluates: built-in and published ones in force, of a
    region containing ``county``, of ``subject``; ``ids`` narrows them (each must exist and
    apply, else InputError naming it)."""
    entries = _entries(con)
    if ids:
        unknown = [i for i in ids if i not in entries]
        if unknown:
            raise NotFoundError(
                f"政策库中没有编号为 {'、'.join(unknown)} 的文件（xinzhi policy list 查看）"
            )
        for i in ids:
            e = entries[i]
            if not e.applies_on(on):
                raise InputError(f"文件 {i} 在 {on} 不适用：状态 {e.status}（需已发布且未废止）")
            if county is not None and not region_covers(e.document.region, county):
                raise InputError(f"文件 {i} 的适用地区 {e.document.region} 不含 {county}")
        chosen = [entries[i] for i in ids]
    else:
        chosen = [
            e
            for e in entries.values()
            if e.applies_on(on) and (county is None or region_covers(e.document.region, county))
        ]
    return [e.document for e in chosen if e.document.subject == subject]


# ---------------------------------------------------------------------------- the frame
def _fact_specs(docs: Iterable[PolicyDocument], person: bool = False) -> dict[str, FieldSpec]:
    """Facts a frame pivots: the catalogue's and the documents' own."""
    out: dict[str, FieldSpec] = dict(person_field_specs() if person else policy_facts())
    for d in docs:
        for k, f in d.facts.items():
            out.setdefault(str(k), f)
    return out


def _typed_values(num: pd.Series, text: pd.Series, spec: FieldSpec | None) -> pd.Series:
    """The values of one fact in the type of its spec (numbers, 是/否, dates, text)."""
    kind = spec.type if spec is not None else ("double" if num.notna().any() else "varchar")
    if kind in ("double", "integer"):
        out = pd.to_numeric(num, errors="coerce").astype("float64")
        return out.where(out.notna(), pd.to_numeric(text, errors="coerce"))
    if kind == "boolean":
        return text.map({"true": True, "false": False}).astype("boolean")
    if kind == "date":
        d = pd.to_datetime(text, errors="coerce")
        return d.dt.date.astype(object).where(d.notna(), None)
    return text.astype(object).where(text.notna(), None)


def _pivot_facts(
    long: pd.DataFrame, specs: Mapping[str, FieldSpec], suffix: str = ""
) -> pd.DataFrame:
    """Long facts (key, fact, value_num, value_text) → one row per key, one column per fact
    (named ``<fact><suffix>``)."""
    if long.empty:
        return pd.DataFrame(index=pd.Index([], name="key"))
    cols: dict[str, pd.Series] = {}
    for fact, part in long.groupby("fact", sort=True):  # over facts, not subjects
        idx = part.set_index("key")
        cols[f"{fact}{suffix}"] = _typed_values(
            idx["value_num"], idx["value_text"], specs.get(str(fact))
        )
    return pd.DataFrame(cols)


def _add_facts(
    con: duckdb.DuckDBPyConnection,
    frame: pd.DataFrame,
    *,
    year: int,
    specs: Mapping[str, FieldSpec],
    key: str = "credit_code",
    subject: str = "firm",
    codes: Sequence[str] | None = None,
) -> tuple[pd.DataFrame, bool]:
    """``frame`` with the facts of ``year`` (and ``_prev1`` / ``_prev2`` of numeric facts) as
    columns; whether any fact value is 示例数据. Facts already in the frame keep its values."""
    synthetic = False
    out = frame
    for lag, suffix in ((0, ""), (1, "_prev1"), (2, "_prev2")):
        long = pstore.read_policy_facts(con, year=year - lag, subject=subject, codes=codes)
        if lag:
            numeric = {k for k, s in specs.items() if s.type in ("double", "integer")}
            long = long[long["fact"].isin(numeric)]
        if long.empty:
            continue
        synthetic |= bool(long["synthetic"].fillna(False).any())
        wide = _pivot_facts(long, specs, suffix)
        wide = wide[[c for c in wide.columns if c not in out.columns]]
        if wide.shape[1]:
            out = out.join(wide, on=key)
    return out, synthetic


def _label_windows(
    con: duckdb.DuckDBPyConnection, frame: pd.DataFrame, on: dt.date, codes: Sequence[str] | None
) -> pd.DataFrame:
    """``frame`` with ``label_<key>_since`` / ``label_<key>_until``: the validity window of the
    label held on ``on`` (several windows holding: the latest started)."""
    keys = list(firm_labels())
    out = frame.copy()
    for k in keys:
        out[f"label_{k}_since"] = None
        out[f"label_{k}_until"] = None
    if not has_firm_year_tables(con) or frame.empty:
        return out
    sql = (
        "SELECT credit_code, label, max(valid_from) AS since, "
        "arg_max(valid_to, valid_from) AS until FROM current_firm_labels "
        "WHERE valid_from <= ? AND (valid_to IS NULL OR valid_to >= ?)"
    )
    params: list[Any] = [on, on]
    if codes is not None:
        sql += " AND credit_code IN (SELECT unnest(?::VARCHAR[]))"
        params.append(list(codes))
    win = con.execute(sql + " GROUP BY credit_code, label", params).df()
    for k in keys:  # over label keys, not firms
        part = win[win["label"] == k].set_index("credit_code")
        if part.empty:
            continue
        for col, src in ((f"label_{k}_since", "since"), (f"label_{k}_until", "until")):
            d = pd.to_datetime(out["credit_code"].map(part[src]), errors="coerce")
            out[col] = d.dt.date.astype(object).where(d.notna(), None)
    return out


def _size_class(frame: pd.DataFrame) -> pd.Series:
    """大 / 中 / 小 / 微 of every firm (None: needs data), in the frame's row order."""
    if frame.empty:
        return pd.Series([], dtype=object)
    sizes = size_mod.size_classes(frame).tidy()["size"].map(_SIZE)
    return pd.Series(sizes.to_numpy(dtype=object), index=frame.index).where(
        sizes.notna().to_numpy(), None
    )


@dataclass
class PolicyFrame:
    """The firm frame of a policy check with where it came from."""

    frame: pd.DataFrame
    year: int
    county: str | None
    synthetic: bool
    notes: list[str] = field(default_factory=list)


_KEPT: dict[Any, Any] = {}


def _per_stamp(con: duckdb.DuckDBPyConnection, name: str, fn: Any, *args: Any) -> Any:
    """``fn(con, *args)``, kept per warehouse stamp (an answer that reads a whole view and
    changes only with an import); computed each time on an in-memory warehouse."""
    stamp = warehouse_stamp(con)
    if stamp is None:
        return fn(con, *args)
    key = (stamp, name, *args)
    if key not in _KEPT:
        if len(_KEPT) > 256:
            _KEPT.clear()
        _KEPT[key] = fn(con, *args)
    return _KEPT[key]


_TABLES_SEEN: set[Any] = set()


def _has_policy_tables(con: duckdb.DuckDBPyConnection) -> bool:
    """:func:`xinzhi.store.policy.has_policy_tables`, asked once per warehouse stamp: a stamp
    whose file was seen holding the policy tables is not asked again (tables are never
    dropped); a missing answer is asked again (a saved draft creates them without a new
    import batch, so the stamp stays)."""
    stamp = warehouse_stamp(con)
    if stamp is not None and stamp in _TABLES_SEEN:
        return True
    found = pstore.has_policy_tables(con)
    if found and stamp is not None:
        if len(_TABLES_SEEN) > 256:
            _TABLES_SEEN.clear()
        _TABLES_SEEN.add(stamp)
    return found


def _latest_before(con: duckdb.DuckDBPyConnection, year: int) -> int | None:
    """The latest data year before ``year`` (else the latest of all; None: no firm-year
    data)."""
    return _per_stamp(con, "year", _latest_year_before, int(year))


def _latest_year_before(con: duckdb.DuckDBPyConnection, year: int) -> int | None:
    latest = latest_firm_year(con)
    if latest is None:
        return None
    row = con.execute("SELECT max(year) FROM current_firm_years WHERE year < ?", [year]).fetchone()
    return int(row[0]) if row and row[0] is not None else latest


def policy_frame(
    con: duckdb.DuckDBPyConnection,
    *,
    county: str | None,
    on: dt.date,
    year: int | None = None,
    firms: str | os.PathLike[str] | None = None,
    documents: Sequence[PolicyDocument] = (),
) -> PolicyFrame:
    """The frame the documents are evaluated on (see the module docstring): the warehouse's
    firms of ``county`` (None: all) for data year ``year`` (default: the latest imported year
    before the year of ``on``), or a user's firm file ``firms`` (its fact columns are read too).
    """
    code = county_code(con, county)
    specs = _fact_specs(documents)
    if firms is not None:
        file = read_firm_file(firms, year=year)
        frame = file.frame
        if code is not None:
            frame = frame[frame["region_code"] == code].reset_index(drop=True)
        notes = file.notes()
        frame = frame.copy()
        for k in firm_labels():
            frame[f"label_{k}_since"] = None
            frame[f"label_{k}_until"] = None
        frame["size_class"] = _size_class(frame)
        frame["year"] = file.year
        frame = _file_facts(Path(firms), frame, file.year, specs, notes)
        synthetic = bool(frame["synthetic"].fillna(False).any()) if len(frame) else False
        return PolicyFrame(frame, file.year, code, synthetic, notes)
    y = int(year) if year is not None else _latest_before(con, on.year)
    if y is None:
        raise InputError(
            "数据仓库中没有企业年度数据：请先导入（xinzhi enterprise import 文件），"
            "或生成示例数据（xinzhi industry firms-generate --load）"
        )
    stamp = warehouse_stamp(con) if code is not None else None
    key = (stamp, code, y, on, tuple(sorted((k, s.type) for k, s in specs.items())))
    if stamp is not None:
        with _FRAMES_LOCK:
            hit = _FRAMES.get(key)
            if hit is not None:
                _FRAMES.move_to_end(key)
        if hit is not None:
            return PolicyFrame(hit.frame.copy(), hit.year, hit.county, hit.synthetic, [])
    src = _warehouse_policy_frame(con, code=code, on=on, year=y, specs=specs)
    if stamp is not None:
        with _FRAMES_LOCK:
            _FRAMES[key] = src
            while len(_FRAMES) > _FRAMES_KEPT:
                _FRAMES.popitem(last=False)
        return PolicyFrame(src.frame.copy(), src.year, src.county, src.synthetic, [])
    return src


_FRAMES: OrderedDict[Any, PolicyFrame] = OrderedDict()
_FRAMES_LOCK = threading.Lock()
_FRAMES_KEPT = 8
"""A county's policy frame is kept per warehouse stamp (every import changes it), data year,
date and fact catalogue: a second check of the county (a payout list, an export) reads it.
The calculator does not: it builds one firm's row alone (:func:`_firm_row`)."""


def _warehouse_policy_frame(
    con: duckdb.DuckDBPyConnection,
    *,
    code: str | None,
    on: dt.date,
    year: int,
    specs: Mapping[str, FieldSpec],
) -> PolicyFrame:
    y = year
    frame = firm_frame_df(con, year=y, on=on, county=code)
    codes = county_codes(con, code) if code is not None else None
    frame = _label_windows(con, frame, on, codes)
    frame["size_class"] = _size_class(frame)
    frame["year"] = y
    frame, fact_synthetic = _add_facts(con, frame, year=y, specs=specs, codes=codes)
    synthetic = fact_synthetic or (
        bool(frame["synthetic"].fillna(False).any()) if len(frame) else False
    )
    return PolicyFrame(frame.reset_index(drop=True), y, code, synthetic)


def _file_facts(
    path: Path, frame: pd.DataFrame, year: int, specs: Mapping[str, FieldSpec], notes: list[str]
) -> pd.DataFrame:
    """Fact columns of a user's firm file (e.g. 地方财政贡献) joined to its frame."""
    facts = {
        k: FactSpec(k, s.label, _fact_type(s.type), s.unit, tuple(s.aliases))
        for k, s in specs.items()
    }
    try:
        clean = clean_policy_facts(read_grid(path), facts=facts, year=year)
    except InputError:  # no fact column in the file
        return frame
    rows = clean.rows[clean.rows["year"] == year]
    if rows.empty:
        return frame
    long = rows.rename(columns={"credit_code": "key"})[["key", "fact", "value_num", "value_text"]]
    wide = _pivot_facts(long, specs)
    wide = wide[[c for c in wide.columns if c not in frame.columns]]
    notes.append("政策事实列：" + "、".join(specs[c].label for c in wide.columns if c in specs))
    return frame.join(wide, on="credit_code")


def person_frame(
    con: duckdb.DuckDBPyConnection,
    *,
    county: str | None,
    on: dt.date,
    year: int | None = None,
    documents: Sequence[PolicyDocument] = (),
) -> PolicyFrame:
    """The frame of persons (人才) for person documents: one row per ``person_id`` with the
    person facts of data year ``year`` (default: the latest year with person facts up to the
    year of ``on``) as columns; with ``county``, the persons whose ``region_code`` fact is it.
    """
    specs = _fact_specs(documents, person=True)
    if year is None and _has_policy_tables(con):
        row = con.execute(
            "SELECT max(year) FILTER (WHERE year <= ?), max(year) FROM current_policy_facts "
            "WHERE person_id IS NOT NULL",
            [on.year],
        ).fetchone()
        year = None if row is None else (row[0] if row[0] is not None else row[1])
    if year is None:
        raise InputError(
            "数据仓库中没有人员（人才）的政策事实：请先用 xinzhi policy facts-import 导入"
        )
    long = pstore.read_policy_facts(con, year=int(year), subject="person")
    wide = _pivot_facts(long, specs)
    frame = wide.reset_index().rename(columns={"key": "person_id"})
    if "person_id" not in frame.columns:
        frame = pd.DataFrame({"person_id": pd.Series([], dtype=object)})
    if county is not None:
        region = (
            frame["region_code"] if "region_code" in frame else pd.Series(None, index=frame.index)
        )
        frame = frame[region.astype(str) == str(county)]
    synthetic = bool(long["synthetic"].fillna(False).any()) if len(long) else False
    frame = frame.assign(year=int(year)).reset_index(drop=True)
    return PolicyFrame(frame, int(year), county, synthetic)


def _fact_type(kind: str) -> str:
    return "varchar" if kind == "ordinal" else kind


# ---------------------------------------------------------------------------- checks
def _labelled(res: PolicyResult, src: PolicyFrame) -> PolicyResult:
    res.synthetic = src.synthetic
    res.notes = [*src.notes, f"数据年度 {src.year}"]
    return res


def _doc_ids(documents: Sequence[str] | str | None) -> list[str] | None:
    if documents is None:
        return None
    items = [documents] if isinstance(documents, str) else list(documents)
    ids = [p.strip() for i in items for p in str(i).replace("，", ",").split(",") if p.strip()]
    return ids or None


def policy_check(
    con: duckdb.DuckDBPyConnection,
    *,
    county: str | None,
    year: int | None = None,
    on: dt.date | str | None = None,
    documents: Sequence[str] | str | None = None,
    firms: str | os.PathLike[str] | None = None,
    subject: str = "firm",
) -> PolicyResult:
    """Every firm of ``county`` (None: all) against every clause of the documents that apply on
    ``on`` (default today): 符合 / 可能符合 / 不符合 with amounts and reasons
    (:func:`xinzhi.policy.evaluate`). With ``subject="person"``: every person of the talent
    base (person facts, :func:`person_frame`) against the person documents (key ``person_id``).

    Parameters
    ----------
    county : str or None
        County name or 6-digit code; the firms of that county and the documents of regions
        containing it.
    year : int, optional
        Data year of the firm data (default: the latest imported year before ``on``'s year).
    on : date, optional
        Assessment date (labels held, documents in force, time windows).
    documents : sequence of str, optional
        Document ids (default: every applicable firm document).
    firms : path, optional
        A user's firm file (xlsx/csv) instead of the warehouse's firms.
    """
    day = _day(on)
    code = county_code(con, county)
    if subject not in ("firm", "person"):
        raise InputError(f"subject 只能是 firm 或 person，收到 {subject!r}")
    ids = _doc_ids(documents)
    docs = _applicable(con, county=code, on=day, ids=ids, subject=subject)
    if ids and len(docs) < len(ids):
        raise InputError(f"所选文件中有不是{_WHO[subject]}类的政策文件（subject 不是 {subject}）")
    if subject == "person":
        if firms is not None:
            raise InputError("企业数据文件（--firms）只用于企业类政策")
        src = person_frame(con, county=code, on=day, year=year, documents=docs)
        key = "person_id"
    else:
        src = policy_frame(con, county=code, on=day, year=year, firms=firms, documents=docs)
        key = "credit_code"
    res = _labelled(evaluate(docs, src.frame, on=day, key=key), src)
    if not docs:
        where = f"{code} " if code else ""
        res.notes = [*res.notes, f"{where}在 {day} 没有适用于{_WHO[subject]}的内置或已发布政策文件"]
    return res


def policy_check_analysis(
    con: duckdb.DuckDBPyConnection,
    *,
    county: str | None = decl.POLICY_CHECK.default("county"),
    year: int | None = decl.POLICY_CHECK.default("year"),
    date: str | None = decl.POLICY_CHECK.default("date"),
    document: str | None = decl.POLICY_CHECK.default("document"),
    subject: str = decl.POLICY_CHECK.default("subject"),
    data_dir: str | os.PathLike[str] | None = None,
) -> PolicyResult:
    """The declared analysis ``policy-check`` (:mod:`xinzhi.registry.policy`): options as
    declared (``document``: ids separated by commas), then :func:`policy_check`. A result of
    persons has its person ids masked as the API masks them for the roles that need it
    (:func:`xinzhi.auth.policy.mask_personal`): the declared analysis's result is kept and shared
    by every account that may run it."""
    opts = decl.POLICY_CHECK.resolve(
        {"county": county, "year": year, "date": date, "document": document, "subject": subject}
    )
    res = policy_check(
        con,
        county=opts["county"],
        year=opts["year"],
        on=opts["date"],
        documents=opts["document"],
        subject=opts["subject"],
    )
    if opts["subject"] == "person":
        res.table = mask_personal(res.table, _SHARED_RESULT)
    return res


_SHARED_RESULT = User(0, "（共享的分析结果）", "analyst", None, False)
"""Who a shared result is masked for: a role that sees persons' personal data masked."""


def _reads(docs: Iterable[PolicyDocument]) -> dict[str, None]:
    """The frame columns the clauses of ``docs`` read (conditions, then amounts), in order of
    first use."""
    out: dict[str, None] = {}
    for d in docs:
        for c in d.clauses:  # over clauses and their leaves
            for leaf in c.when.leaves() if c.when is not None else []:
                for f in ("size_class",) if leaf.kind == "size" else leaf.fields:
                    out.setdefault(f, None)
            for f in c.benefit.fields if c.benefit is not None else ():
                out.setdefault(f, None)
    return out


def form_fields(subject: str, documents: Iterable[PolicyDocument]) -> list[dict[str, Any]]:
    """The fields a calculator form asks for: those the clauses of the ``subject`` documents
    read (conditions, then amounts; in order of first use) that a form can give, each with
    ``key``, ``label``, ``unit``, ``type`` and ``levels`` (the ordered choices of an ordinal
    field, else empty).

    >>> doc = builtin_documents()["xiangtan-2022-zhaoshang"]
    >>> [f["key"] for f in form_fields("firm", [doc])][:2]
    ['new_project', 'section']
    """
    if subject not in ("firm", "person"):
        raise InputError(f"subject 只能是 firm 或 person，收到 {subject!r}")
    docs = [d for d in documents if d.subject == subject]
    specs: dict[str, FieldSpec] = dict(
        firm_field_specs() if subject == "firm" else person_field_specs()
    )
    specs.update(_fact_specs(docs, person=subject == "person"))
    out = []
    for key in _reads(docs):
        spec = specs.get(key)
        if spec is None:  # not given by a form (e.g. the start of a label's validity)
            continue
        out.append(
            {
                "key": key,
                "label": str(spec.label or key),
                "unit": str(spec.unit or ""),
                "type": str(spec.type or "varchar"),
                "levels": list(spec.levels),
            }
        )
    return out


def documents_in_force(
    con: duckdb.DuckDBPyConnection,
    *,
    county: str | None,
    on: dt.date | str | None = None,
    subject: str = "firm",
) -> list[PolicyDocument]:
    """The documents of ``subject`` a check in ``county`` (None: every region) on ``on``
    (default today) evaluates: built-in and published ones in force, of a region containing
    the county, whose own validity (``valid_from`` / ``valid_to``) contains ``on``."""
    day = _day(on)
    docs = _applicable(con, county=county_code(con, county), on=day, ids=None, subject=subject)
    return [d for d in docs if d.applies_on(day)]


def library_documents(con: duckdb.DuckDBPyConnection, ids: Iterable[str]) -> list[PolicyDocument]:
    """The documents of the library with these ids (any status; unknown ids left out)."""
    lib = _library(con)
    return [lib[str(i)].document for i in ids if str(i) in lib]


def _firm_sql(year: int) -> tuple[str, list[str]]:
    """The SQL of one firm's frame row (parameters: credit code, data year, 31 December of the
    data year) and its date columns: the rules of
    :func:`xinzhi.pipelines.enterprise_data.frame_expr` (registry row, the year's fields, the
    numeric fields of the two years before, in the frame when it has a row of the year or is
    active and founded by the year's end) for one credit code, so that the views rank only
    its rows."""
    cat = firm_fields()
    num = [k for k, f in cat.items() if f.type in ("double", "integer")]
    cols = [f"f.{c}" for c in FRAME_REGISTRY_COLUMNS if c != "synthetic"]
    cols.append("coalesce(f.synthetic, FALSE) OR coalesce(y0.synthetic, FALSE) AS synthetic")
    cols += [f"y0.{k}" for k in cat]
    cols += [f"y{i}.{k} AS {k}_prev{i}" for i in (1, 2) for k in num]
    years = "SELECT * FROM current_firm_years WHERE credit_code = $1 AND year = $2"
    active = ", ".join("'" + a.replace("'", "''") + "'" for a in active_statuses())
    sql = (
        f"SELECT {', '.join(cols)} FROM "
        "(SELECT * FROM current_firms WHERE credit_code = $1) f "
        f"LEFT JOIN ({years}) y0 USING (credit_code) "
        f"LEFT JOIN ({years} - 1) y1 USING (credit_code) "
        f"LEFT JOIN ({years} - 2) y2 USING (credit_code) "
        "WHERE y0.credit_code IS NOT NULL OR ("
        f"(f.status IS NULL OR f.status IN ({active})) AND (f.founded IS NULL OR f.founded <= $3))"
    )
    dates = ["founded", *(k for k, f in cat.items() if f.type == "date")]
    return sql, dates


def _firm_region(con: duckdb.DuckDBPyConnection, credit_code: str, county: str | None) -> str:
    """The county of a firm of the registry.

    Raises
    ------
    NotFoundError
        No firm of this credit code, or (with ``county``) a firm of another county.
    """
    row = con.execute(
        "SELECT region_code FROM current_firms WHERE credit_code = ?", [credit_code]
    ).fetchall()
    if not row:
        raise NotFoundError(f"企业名录中没有信用代码为 {credit_code} 的企业")
    if county is not None and str(row[0][0]) != county:
        raise NotFoundError(f"信用代码为 {credit_code} 的企业不在 {county}")
    return str(row[0][0])


def _firm_row(
    con: duckdb.DuckDBPyConnection, credit_code: str, on: dt.date, reads: Mapping[str, None]
) -> tuple[pd.DataFrame, int]:
    """One firm's row of the policy frame (:func:`policy_frame`, without the facts) built from
    its own rows alone (:func:`_firm_sql`); ``size_class`` only when a clause reads it;
    (frame, data year). A firm that is not in the frame of the data year (founded later, or
    closed) gets its registry row alone (every field of the year unknown)."""
    y = _latest_before(con, on.year)
    frame = pd.DataFrame()
    if y is not None:
        sql, dates = _firm_sql(y)
        frame = con.execute(sql, [credit_code, y, dt.date(y, 12, 31)]).df()
    else:
        y = on.year - 1
    if frame.empty:  # the registry row alone
        frame = con.execute(
            f"SELECT {', '.join(FRAME_REGISTRY_COLUMNS)} FROM current_firms WHERE credit_code = ?",
            [credit_code],
        ).df()
        dates = ["founded"]
    for c in dates:
        d = pd.to_datetime(frame[c], errors="coerce")
        frame[c] = d.dt.date.astype(object).where(d.notna(), None)
    if "size_class" in reads:
        frame["size_class"] = _size_class(frame) if "employees" in frame else None
    frame = _label_windows(con, frame, on, [credit_code])
    known = _labels_known(con)
    for k in firm_labels():  # held on the date: a window holds (when labels were imported)
        held = frame[f"label_{k}_since"].notna().astype("boolean")
        frame[f"label_{k}"] = (
            held if known else pd.Series(pd.NA, index=frame.index, dtype="boolean")
        )
    frame["year"] = y
    return frame, y


def _firm_facts(
    con: duckdb.DuckDBPyConnection,
    frame: pd.DataFrame,
    credit_code: str,
    year: int,
    specs: Mapping[str, FieldSpec],
    reads: Mapping[str, None],
) -> tuple[pd.DataFrame, bool]:
    """One firm's row with the facts the clauses read (``<fact>``, ``<fact>_prev1``,
    ``<fact>_prev2`` of :func:`_add_facts`), read in one parameterised query; whether any of
    them is 示例数据."""
    wanted: dict[str, tuple[str, int]] = {}
    for k, spec in specs.items():  # over facts, not firms
        for lag, suffix in ((0, ""), (1, "_prev1"), (2, "_prev2")):
            col = f"{k}{suffix}"
            numeric = spec.type in ("double", "integer")
            if col in reads and col not in frame.columns and (numeric or not lag):
                wanted[col] = (k, year - lag)
    if not wanted:
        return frame, False
    try:
        rows = con.execute(
            "SELECT fact, year, value_num, value_text, synthetic FROM current_policy_facts "
            "WHERE credit_code = ? AND year BETWEEN ? AND ? "
            "AND fact IN (SELECT unnest(?::VARCHAR[]))",
            [credit_code, year - 2, year, sorted({f for f, _ in wanted.values()})],
        ).fetchall()
    except duckdb.CatalogException:  # no policy tables yet
        rows = []
    found = {(str(r[0]), int(r[1])): r for r in rows}
    out = frame.copy()
    for col, (fact, y) in wanted.items():  # over the facts read
        hit = found.get((fact, y))
        num, text = (hit[2], hit[3]) if hit else (None, None)
        typed = _typed_values(pd.Series([num], dtype=object), pd.Series([text]), specs[fact])
        out[col] = pd.Series([typed.iloc[0]], index=out.index, dtype=object)
    return out, any(bool(r[4]) for r in rows)


def _labels_known(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether any label was imported (else a label is unknown, not "not held")."""
    return bool(_per_stamp(con, "labels", _any_label))


def _any_label(con: duckdb.DuckDBPyConnection) -> bool:
    if not has_firm_year_tables(con):
        return False
    row = con.execute("SELECT count(*) FROM current_firm_labels").fetchone()
    return bool(row and row[0])


def _coerce(spec: FieldSpec | None, key: str, value: object) -> object:
    """A form value in the type of its field; InputError naming the field when it does not fit."""
    if value is None or (isinstance(value, str) and value.strip() == ""):
        return None
    kind = spec.type if spec is not None else "varchar"
    label = spec.label if spec is not None else key
    try:
        if kind in ("double", "integer"):
            if isinstance(value, bool):
                raise ValueError(value)
            return float(str(value).replace(",", ""))
        if kind == "boolean":
            if isinstance(value, bool):
                return value
            text = str(value).strip().lower()
            if text in ("是", "true", "1", "yes", "有"):
                return True
            if text in ("否", "false", "0", "no", "无"):
                return False
            raise ValueError(value)
        if kind == "date":
            return (
                value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value).strip())
            )
    except ValueError:
        want = {"double": "数值", "integer": "数值", "boolean": "是/否", "date": "日期 YYYY-MM-DD"}
        raise InputError(f"字段 {key}（{label}）应为{want[kind]}，收到 {value!r}") from None
    return str(value).strip()


def calculator(
    con: duckdb.DuckDBPyConnection,
    *,
    county: str | None,
    credit_code: str | None = None,
    values: Mapping[str, object] | None = None,
    on: dt.date | str | None = None,
    subject: str | None = None,
) -> PolicyResult:
    """The 政策计算器 for one subject: a firm of the warehouse (``credit_code``; ``values``
    override its data, e.g. a planned investment) or a form (``values`` only: the firm's or the
    person's fields), against every document that applies on ``on`` in ``county``.

    Parameters
    ----------
    county : str or None
        County (name or code) whose documents apply; a firm of the warehouse must be of it.
    subject : {"firm", "person"}, optional
        Of a form (default: person when ``values`` holds only person fields, else firm).

    Raises
    ------
    InputError
        Unknown firm, a firm of another county, an unknown field or a value of the wrong type.
    """
    day = _day(on)
    code = county_code(con, county)
    given = dict(values or {})
    firm_specs = firm_field_specs()
    person_specs = person_field_specs()
    if subject is None:
        only_person = bool(given) and all(k in person_specs and k not in firm_specs for k in given)
        subject = "person" if (only_person and credit_code is None) else "firm"
    if subject not in ("firm", "person"):
        raise InputError(f"subject 只能是 firm 或 person，收到 {subject!r}")
    key = "credit_code" if subject == "firm" else "person_id"
    notes: list[str] = []
    synthetic = False
    scope = code
    if credit_code is not None:
        if subject != "firm":
            raise InputError("按信用代码查询的是企业；人员请填写表单")
        scope = _firm_region(con, str(credit_code), code)  # the documents of its county
    docs = _applicable(con, county=scope, on=day, ids=None, subject=subject)
    specs: dict[str, FieldSpec] = dict(firm_specs if subject == "firm" else person_specs)
    specs.update(_fact_specs(docs, person=subject == "person"))
    unknown = sorted(k for k in given if k not in specs)
    if unknown:
        raise InputError(
            f"未知的字段 {'、'.join(unknown)}：政策条款读取的字段见 docs/policy_rules.md"
        )
    if credit_code is not None:
        reads = _reads(docs)
        frame, y = _firm_row(con, str(credit_code), day, reads)
        notes.append(f"数据年度 {y}")
        frame, synthetic = _firm_facts(con, frame, str(credit_code), y, _fact_specs(docs), reads)
        synthetic = synthetic or bool(frame["synthetic"].fillna(False).any())
    else:
        frame = pd.DataFrame({key: [str(given.get(key) or "（表单）")]})
        if code is not None and "region_code" not in given:
            frame["region_code"] = code
    for k, v in given.items():  # over the form's fields
        frame[k] = pd.Series([_coerce(specs.get(k), k, v)], dtype=object)
    size_inputs = ("employees", "revenue", "main_revenue", "total_assets", "industry_code")
    resize = any(k in given for k in size_inputs)
    if subject == "firm" and credit_code is None and not resize and "size_class" not in given:
        frame["size_class"] = None  # nothing to class by: needs data
    elif subject == "firm" and resize and "size_class" not in given:
        for c in size_inputs:
            if c not in frame.columns:
                frame[c] = None
        frame["size_class"] = _size_class(frame)
    res = evaluate(docs, frame, on=day, key=key)
    res.synthetic = synthetic
    res.notes = notes
    return res


# ---------------------------------------------------------------------------- payout list
@dataclass
class PayoutList:
    """The 兑现名单 of one document: the firms 符合 (pay without application) and 可能符合 (ask
    for the missing fields), the budget and the demand."""

    document: str
    title: str
    rows: pd.DataFrame
    budget: float | None
    demand: float
    synthetic: bool = False
    notes: list[str] = field(default_factory=list)

    def payment(self) -> pd.DataFrame:
        """The firms 符合 with their amounts (for payment)."""
        return self.rows[self.rows["status"] == "符合"].reset_index(drop=True)

    def push(self) -> pd.DataFrame:
        """The firms 可能符合 with the message asking for the missing data (精准推送)."""
        return self.rows[self.rows["status"] == "可能符合"].reset_index(drop=True)

    def summary(self) -> str:
        """Chinese text."""
        lines = [
            f"{self.title}（{self.document}）兑现名单：符合 {len(self.payment())} 条，"
            f"可能符合 {len(self.push())} 条",
            f"按上限计的资金需求 {self.demand:,.2f} 万元"
            + (f"，预算 {self.budget:,.2f} 万元" if self.budget is not None else "，未设预算"),
        ]
        if self.synthetic:
            lines.insert(0, "示例数据")
        return "\n".join(lines + [f"注：{n}" for n in self.notes])

    def to_workbook(self) -> bytes:
        """An xlsx with the sheets 兑现名单 and 推送名单 (Chinese headers)."""
        headers = {
            "credit_code": "统一社会信用代码",
            "person_id": "人员编号",
            "name": "企业名称",
            "document": "政策文件",
            "clause": "条款",
            "status": "结果",
            "amount_min": "金额下限（万元）",
            "amount_max": "金额上限（万元）",
            "allocated": "预算内分配（万元）",
            "reason": "说明",
            "missing": "需补充的数据",
            "message": "推送内容",
        }
        buf = io.BytesIO()
        with pd.ExcelWriter(buf, engine="xlsxwriter") as writer:
            self.payment().rename(columns=headers).to_excel(
                writer, sheet_name="兑现名单", index=False
            )
            self.push().rename(columns=headers).to_excel(writer, sheet_name="推送名单", index=False)
            info = [f"{self.title}（{self.document}）"] + (["示例数据"] if self.synthetic else [])
            pd.DataFrame({"说明": info + list(self.notes)}).to_excel(
                writer, sheet_name="说明", index=False
            )
        return buf.getvalue()


def payout_list(
    con: duckdb.DuckDBPyConnection,
    *,
    document: str,
    county: str | None,
    clause: str | None = None,
    on: dt.date | str | None = None,
) -> PayoutList:
    """The 兑现名单 of ``document`` for the firms of ``county`` on ``on`` (default today),
    optionally one ``clause``: rows ``credit_code, name, document, clause, status, amount_min,
    amount_max, allocated, reason, missing, message`` of the firms 符合 or 可能符合; ``demand``
    is the sum of ``amount_max`` of the rows 符合 (NULL maxima left out)."""
    doc = get_document(con, document).document
    res = policy_check(con, county=county, on=on, documents=[document], subject=doc.subject)
    table = res.tidy()
    key = "credit_code" if doc.subject == "firm" else "person_id"
    if clause is not None:
        if clause not in set(table["clause"].astype(str)):
            raise InputError(f"文件 {document} 没有条款 {clause}，或没有企业被评估")
        table = table[table["clause"].astype(str) == str(clause)]
    table = table[table["status"].isin(["符合", "可能符合"])].reset_index(drop=True)
    if key == "credit_code":
        names = _firm_names(con, table["credit_code"].astype(str).unique().tolist())
        table.insert(1, "name", table["credit_code"].map(names))
    missing = (
        table["missing"].fillna("").astype(str)
        if "missing" in table
        else pd.Series("", index=table.index)
    )
    labels = firm_field_specs() if key == "credit_code" else person_field_specs()
    shown = missing.map(
        lambda m: "、".join(labels[k].label if k in labels else k for k in m.split(",") if k)
    )
    table["message"] = np.where(
        table["status"] == "可能符合",
        "您可能符合“" + table["clause"].astype(str) + "”条款，请补充：" + shown,
        "",
    )
    budget = doc.budget
    paid = table.loc[table["status"] == "符合", "amount_max"]
    return PayoutList(
        document=document,
        title=str(doc.title),
        rows=table,
        budget=None if budget is None else float(budget.total),
        demand=float(pd.to_numeric(paid, errors="coerce").fillna(0).sum()),
        synthetic=res.synthetic,
        notes=list(res.notes),
    )


def _firm_names(con: duckdb.DuckDBPyConnection, codes: list[str]) -> dict[str, str]:
    if not codes:
        return {}
    rows = con.execute(
        "SELECT credit_code, name FROM current_firms WHERE credit_code IN (SELECT unnest(?::VARCHAR[]))",
        [codes],
    ).fetchall()
    return {str(c): str(n) for c, n in rows}


# ---------------------------------------------------------------------------- extraction
def extract_policy_text(text: str, *, name: str = "") -> ExtractResult:
    """Proposals of clauses for a policy text (:func:`xinzhi.policy.extract.extract`): every
    sentence with a threshold or an amount, a draft clause in the rule language and the source
    sentence; :meth:`ExtractResult.to_yaml` gives a document skeleton for a person to review and
    save with :func:`save_draft`.

    Raises
    ------
    InputError
        For an empty text.
    """
    if not str(text).strip():
        raise InputError("政策文本为空：请给出政策原文（UTF-8 文本）")
    return extract(text, name=name)


# ---------------------------------------------------------------------------- imports
def _fact_catalogue(
    con: duckdb.DuckDBPyConnection,
) -> tuple[dict[str, FactSpec], dict[str, FactSpec]]:
    """The facts a file may hold: the catalogue's and those of every document of the library
    (drafts included, so that a county can import the facts of its own draft)."""
    docs = [e.document for e in _entries(con).values()]
    firm = _fact_specs([d for d in docs if d.subject == "firm"])
    person = {
        k: v
        for k, v in _fact_specs([d for d in docs if d.subject == "person"], person=True).items()
        if k != "person_id"
    }

    def spec(s: FieldSpec) -> FactSpec:
        return FactSpec(s.key, s.label, _fact_type(s.type), s.unit, tuple(s.aliases))

    return {k: spec(v) for k, v in firm.items()}, {k: spec(v) for k, v in person.items()}


def import_policy_facts(
    con: duckdb.DuckDBPyConnection,
    path: str | os.PathLike[str],
    *,
    account: str | None = None,
    year: int | None = None,
    source: str | None = None,
    sheet: str | None = None,
) -> ImportReport:
    """Import a table of policy facts of firms or persons (wide or long; see
    :mod:`xinzhi.ingest.policy_facts`) into ``policy_facts``; the import report (rows read =
    loaded + quarantined + skipped, with reasons; columns not recognised are named)."""
    firm, person = _fact_catalogue(con)
    return _import_facts(
        path,
        facts=firm,
        person_facts=person,
        year=year,
        source=source,
        sheet=sheet,
        account=account,
        con=con,
    )


def import_policy_records(
    con: duckdb.DuckDBPyConnection,
    path: str | os.PathLike[str],
    *,
    account: str | None = None,
    source: str | None = None,
    sheet: str | None = None,
) -> ImportReport:
    """Import the office's records (document, clause, subject, period, stage, amount, aware,
    satisfaction; see :mod:`xinzhi.ingest.policy_records`) into ``policy_records``; the
    import report."""
    entries = _entries(con)
    documents = {k: {str(c.id) for c in e.document.clauses} for k, e in entries.items()}
    names: dict[str, str] = {}
    for k, e in entries.items():
        names.setdefault(str(e.document.title), k)
        if e.document.doc_number:
            names.setdefault(str(e.document.doc_number), k)
    return _import_records(
        path, documents=documents, names=names, source=source, sheet=sheet, account=account, con=con
    )


SYNTHETIC_FACTS_SOURCE = "policy_facts:示例数据"
"""Import source prefix of generated policy facts (``policy_facts:示例数据:<county>``)."""


def generate_policy_facts(
    con: duckdb.DuckDBPyConnection,
    *,
    county: str,
    on: dt.date | str | None = None,
    year: int | None = None,
    seed: int = 1,
) -> ImportReport:
    """Generate values (示例数据) of the firm facts that the documents applying in ``county`` on
    ``on`` read, for every firm of the county in data year ``year`` (default as
    :func:`policy_check`), and store them as one import batch of source
    ``policy_facts:示例数据:<county>`` (a new generation supersedes the county's previous one; the
    same seed, year and firms again is a no-op).

    Draws (seeded, one column per fact, no loop over firms): money (万元) log-normal with median
    300, persons log-normal with median 30 (whole numbers), land (亩) log-normal with median 50,
    years and months whole numbers 1–5 and 1–36, other numbers uniform in [0, 1); yes/no true
    with probability 0.1; dates uniform in the data year and the two before; ordinal levels
    uniform; free text is left out; one value in five is left out (the firm "needs data"). The
    values only let a demonstration show 符合 / 可能符合 rows: they describe no real firm.
    """
    day = _day(on)
    code = county_code(con, county)
    if code is None:
        raise InputError("生成政策事实的示例数据须指定县级单位（名称或 6 位区划代码）")
    docs = _applicable(con, county=code, on=day, ids=None)
    specs = {k: v for k, v in _fact_specs(docs).items() if v.type != "varchar" or v.levels}
    y = int(year) if year is not None else _latest_before(con, day.year)
    if y is None:
        raise InputError("数据仓库中没有企业年度数据：请先生成示例企业（xinzhi demo）")
    codes = sorted(county_codes(con, code))
    if not codes:
        raise InputError(
            f"{code} 没有企业：请先生成示例企业（xinzhi industry firms-generate --load）"
        )
    rng = np.random.default_rng(seed)
    n = len(codes)
    parts = []
    for k, spec in sorted(specs.items()):  # over facts, not firms
        num = np.full(n, np.nan)
        text = np.full(n, None, dtype=object)
        if spec.type in ("double", "integer"):
            median, whole = {"万元": (300.0, False), "人": (30.0, True), "亩": (50.0, False)}.get(
                spec.unit, (0.0, False)
            )
            if median:
                num = np.round(rng.lognormal(np.log(median), 1.0, n), 0 if whole else 2)
            elif spec.unit in ("年", "月"):
                num = rng.integers(1, 6 if spec.unit == "年" else 37, n).astype(float)
            else:
                num = np.round(rng.uniform(0, 1, n), 4)
        elif spec.type == "boolean":
            text = np.where(rng.uniform(size=n) < 0.1, "true", "false").astype(object)
        elif spec.type == "date":
            start = dt.date(y - 2, 1, 1).toordinal()
            days = rng.integers(0, dt.date(y, 12, 31).toordinal() - start + 1, n)
            text = np.array([dt.date.fromordinal(start + int(d)).isoformat() for d in days])
        else:  # ordinal
            text = np.asarray(spec.levels, dtype=object)[rng.integers(0, len(spec.levels), n)]
        known = rng.uniform(size=n) >= 0.2  # one value in five left out: "needs data"
        parts.append(
            pd.DataFrame(
                {
                    "credit_code": np.asarray(codes, dtype=object)[known],
                    "person_id": None,
                    "year": y,
                    "fact": k,
                    "value_num": num[known],
                    "value_text": text[known],
                    "synthetic": True,
                }
            )
        )
    rows = (
        pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=pstore.FACT_COLUMNS)
    )
    source = f"{SYNTHETIC_FACTS_SOURCE}:{code}"
    ident = f"seed={seed};year={y};county={code};facts={sorted(specs)};firms={n}"
    sha = hashlib.sha256(ident.encode()).hexdigest()

    def insert(c: duckdb.DuckDBPyConnection, batch_id: int) -> None:
        pstore.insert_policy_facts(c, rows, batch_id)

    def load(connection: duckdb.DuckDBPyConnection) -> ImportReport:
        pstore.ensure_policy_tables(connection)
        report = loaded_report(
            file_name=f"示例数据 seed={seed}",
            source=source,
            fmt="policy_facts-synthetic",
            rows=len(rows),
            sha256=sha,
            years=[y],
            indicators_loaded=sorted(specs),
            warnings=[f"示例数据：{n} 家企业 × {len(specs)} 项政策事实"],
        )
        return write_rows_batch(connection, report, insert)

    return run_import(load, sha256=sha, source=source, fmt="policy_facts-synthetic", con=con)


# ---------------------------------------------------------------------------- effect loop
EFFECT_COLUMNS = [
    "document",
    "title",
    "period",
    "eligible",
    "notified",
    "applied",
    "paid",
    "eligible_amount",
    "paid_amount",
    "aware",
    "rated",
    "知晓率",
    "兑现率",
    "兑现金额率",
    "满意度",
]
"""Columns of :func:`effect_indicators`."""


def effect_indicators(
    con: duckdb.DuckDBPyConnection,
    *,
    county: str | None,
    document: str | None = None,
) -> pd.DataFrame:
    """The policy effect indicators per document and period from the office's records
    (``current_policy_records``; firms of ``county`` only when given).

    Definitions (a subject is a firm or a person; counted once per document and period):

    * ``eligible``, ``notified``, ``applied``, ``paid`` — subjects with a record of the stage;
    * ``eligible_amount``, ``paid_amount`` — sums of the amounts recorded at those stages (万元);
    * ``aware`` — notified subjects recorded as knowing the policy (是否知晓 = 是 on any of their
      records); ``rated`` — subjects with a satisfaction score;
    * 知晓率 = aware / notified;
    * 兑现率 = paid / eligible (subjects); 兑现金额率 = paid_amount / eligible_amount;
    * 满意度 = the mean over rated subjects of their mean score (1–5).

    A rate whose denominator is 0 is NULL. The names follow the seed article 李琳《提升特色产业
    现代化水平 激活县域新质生产力强劲动能》(政策知晓率、兑现满意度 as dimensions of the evaluation of
    talent policies).
    """
    code = county_code(con, county)
    if not _has_policy_tables(con):
        return pd.DataFrame(columns=EFFECT_COLUMNS)
    visible = list_documents(con, county=code, status=None)
    ids = visible["id"].astype(str).tolist()
    if document is not None:
        if document not in ids:
            raise NotFoundError(f"没有可查看的政策文件 {document}")
        ids = [document]
    sql = """
        WITH r AS (
            SELECT document, period, stage, amount, aware, satisfaction,
                   coalesce(credit_code, 'P:' || person_id) AS subject
            FROM current_policy_records
            WHERE document IN (SELECT unnest(?::VARCHAR[])) {scope}
        ),
        s AS (
            SELECT document, period, subject,
                   bool_or(stage = 'eligible') AS is_eligible,
                   bool_or(stage = 'notified') AS is_notified,
                   bool_or(stage = 'applied') AS is_applied,
                   bool_or(stage = 'paid') AS is_paid,
                   sum(amount) FILTER (WHERE stage = 'eligible') AS eligible_amount,
                   sum(amount) FILTER (WHERE stage = 'paid') AS paid_amount,
                   coalesce(bool_or(aware), false) AS is_aware,
                   avg(satisfaction) AS score
            FROM r GROUP BY document, period, subject
        )
        SELECT document, period,
               count(*) FILTER (WHERE is_eligible) AS eligible,
               count(*) FILTER (WHERE is_notified) AS notified,
               count(*) FILTER (WHERE is_applied) AS applied,
               count(*) FILTER (WHERE is_paid) AS paid,
               coalesce(sum(eligible_amount), 0) AS eligible_amount,
               coalesce(sum(paid_amount), 0) AS paid_amount,
               count(*) FILTER (WHERE is_notified AND is_aware) AS aware,
               count(score) AS rated,
               avg(score) AS score
        FROM s GROUP BY document, period ORDER BY document, period
    """
    params: list[Any] = [ids]
    scope = ""
    if code is not None:
        scope = (
            "AND (credit_code IN (SELECT unnest(?::VARCHAR[])) OR "
            "(credit_code IS NULL AND person_id IN (SELECT DISTINCT person_id FROM "
            "current_policy_facts WHERE fact = 'region_code' AND value_text = ?)))"
        )
        params += [county_codes(con, code), code]
    table = con.execute(sql.format(scope=scope), params).df()
    titles = dict(zip(visible["id"].astype(str), visible["title"].astype(str), strict=True))
    table.insert(1, "title", table["document"].map(titles))

    def rate(a: str, b: str) -> pd.Series:
        den = table[b].astype("float64")
        return (table[a].astype("float64") / den).where(den > 0)

    table["知晓率"] = rate("aware", "notified")
    table["兑现率"] = rate("paid", "eligible")
    table["兑现金额率"] = rate("paid_amount", "eligible_amount")
    table["满意度"] = table.pop("score").astype("float64")
    for c in ("eligible", "notified", "applied", "paid", "aware", "rated"):
        table[c] = table[c].astype("int64")
    return table[EFFECT_COLUMNS]
