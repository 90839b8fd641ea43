"""What the REST API (:mod:`xinzhi.api.routes_policy`) and the web pages
(:mod:`xinzhi.web.pages_policy`) show of support policies (issue #15), with the access checks
of :mod:`xinzhi.auth.policy` applied in one place.

Every number comes from :mod:`xinzhi.pipelines.policy`; this module only asks the access
policy, calls the pipeline and arranges its answer for display (document and clause titles next
to each result, the rule of a clause beside its source sentence, the fields a form asks for,
personal data masked). Both surfaces call these functions, so a county account sees the same
documents, firms and amounts in the API and on the pages.

Access (:mod:`xinzhi.auth.policy`): a county account sees the published documents whose region
contains its county and its own county's firms and persons (``county=`` of every pipeline
call is :func:`~xinzhi.auth.policy.policy_county`); drafts and retired documents only where it
may edit (its own county); analysts see persons' personal data masked.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
import yaml

from xinzhi.auth import User
from xinzhi.auth.policy import (
    can_view_policy,
    mask_personal,
    policy_county,
    require_policy_edit,
    require_policy_view,
)
from xinzhi.errors import InputError, NotFoundError
from xinzhi.pipelines import policy as pp
from xinzhi.yamlfile import safe_load

__all__ = [
    "STATUSES",
    "CheckView",
    "DocumentDetail",
    "check",
    "coerce_value",
    "coerce_values",
    "document_detail",
    "documents",
    "draft_identity",
    "effect",
    "extract",
    "form_fields",
    "is_published",
    "masked_workbook",
    "payout",
    "payout_workbook",
    "publish",
    "retire",
    "save_draft",
    "status_label",
]

STATUSES = ("符合", "可能符合", "不符合")
"""The three results of a clause, in display order."""

_PUBLISHED = frozenset({"published", "builtin", "已发布", "内置"})
_STATUS_LABELS = {
    "published": "已发布",
    "builtin": "内置",
    "draft": "待审核",
    "pending": "待审核",
    "retired": "已废止",
}
DOC_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,99}$")
"""Document ids (``[a-z0-9-]+``, the file stem of a built-in document)."""


def status_label(status: Any) -> str:
    """A document status in Chinese (the pipeline's own word when it already is one)."""
    s = "" if status is None else str(status)
    return _STATUS_LABELS.get(s, s)


def is_published(status: Any, builtin: Any = False) -> bool:
    """Whether a document in ``status`` applies (published or built-in)."""
    return bool(builtin is True) or str(status) in _PUBLISHED


def _text(v: Any) -> str | None:
    if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NaT:
        return None
    if isinstance(v, dt.date | pd.Timestamp):
        return str(v)[:10]
    return str(v)


def documents(
    con: Any, user: User, *, status: str | None = "published", subject: str | None = None
) -> pd.DataFrame:
    """The documents ``user`` sees (:func:`xinzhi.pipelines.policy.list_documents` for the
    account's county), with ``status`` (``published``; ``None`` = every status) and optionally
    one ``subject`` (firm / person). Columns as the pipeline's plus ``status_label``."""
    county = policy_county(user)
    df = pp.list_documents(con, county=county, status=status)
    if df.empty:
        return df.assign(status_label=pd.Series(dtype=object))
    builtin = df["builtin"] if "builtin" in df.columns else pd.Series(False, index=df.index)
    keep = [
        can_view_policy(user, _text(r), published=is_published(s, b))
        for r, s, b in zip(df["region"], df["status"], builtin, strict=True)
    ]  # a loop over documents (tens), not over firms
    out = df[keep]
    if subject:
        out = out[out["subject"] == subject]
    out = out.reset_index(drop=True)
    return out.assign(status_label=[status_label(s) for s in out["status"]])


@dataclass
class DocumentDetail:
    """One document for display: metadata, clauses (each with its rule as YAML beside the
    source sentence), the full YAML, the full source text and the history."""

    info: dict[str, Any]
    clauses: list[dict[str, Any]]
    yaml: str
    text: str | None
    status: str
    history: list[dict[str, Any]] = field(default_factory=list)


def _dump(value: Any) -> str:
    return yaml.safe_dump(value, allow_unicode=True, sort_keys=False, default_flow_style=None)


def _parsed(yaml_text: str) -> dict[str, Any]:
    try:
        data = safe_load(yaml_text)
    except yaml.YAMLError as exc:
        raise InputError(f"政策文件的 YAML 无法解析：{exc}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("document"), dict):
        raise InputError("政策文件的 YAML 须有 document: 一节（id、title、region 等）")
    return data


def _view(con: Any, doc_id: str) -> Any:
    if not DOC_ID.fullmatch(doc_id):
        raise NotFoundError(f"没有编号为 {doc_id} 的政策文件")
    return pp.get_document(con, doc_id)


def document_detail(con: Any, user: User, doc_id: str) -> DocumentDetail:
    """Document ``doc_id`` if ``user`` may see it (else :class:`AccessDenied`); unknown:
    :class:`NotFoundError`."""
    view = _view(con, doc_id)
    data = _parsed(view.yaml)
    meta = data["document"]
    status = str(view.status)
    builtin = bool(meta.get("builtin", False)) or status == "builtin"
    require_policy_view(user, _text(meta.get("region")), published=is_published(status, builtin))
    info = {k: (_text(v) if not isinstance(v, dict | list) else v) for k, v in meta.items()}
    info["status"] = status
    info["status_label"] = status_label(status)
    clauses = []
    for c in data.get("clauses") or []:  # a loop over clauses
        if not isinstance(c, dict):
            continue
        rule = {k: c[k] for k in ("when", "benefit", "group") if c.get(k) is not None}
        clauses.append(
            {
                "id": _text(c.get("id")) or "",
                "article": _text(c.get("article")) or "",
                "title": _text(c.get("title")) or "",
                "text": _text(c.get("text")) or "",
                "note": _text(c.get("note")) or "",
                "rule": _dump(rule) if rule else "",
            }
        )
    history = list(getattr(view, "history", None) or [])
    history = [
        h if isinstance(h, dict) else {k: _text(v) for k, v in vars(h).items()} for h in history
    ]
    return DocumentDetail(info, clauses, view.yaml, view.text, status, history)


def clause_titles(con: Any, doc_ids: Sequence[str]) -> dict[tuple[str, str], str]:
    """(document, clause) → clause title, from the documents' YAML."""
    out: dict[tuple[str, str], str] = {}
    for d in doc_ids:  # a loop over documents
        try:
            data = _parsed(pp.get_document(con, d).yaml)
        except (NotFoundError, InputError):
            continue
        for c in data.get("clauses") or []:
            if isinstance(c, dict):
                out[(d, str(c.get("id")))] = str(c.get("title") or c.get("article") or "")
    return out


def coerce_value(raw: Any) -> Any:
    """A value typed into a form as the evaluator reads it: numbers as numbers, 是/否 (true /
    false) as booleans, ``YYYY-MM-DD`` as a date, empty as missing (None), text as text.

    >>> [coerce_value(v) for v in ("1,200", "是", "否", "2024-03-01", " ", "C13", 5)]
    [1200.0, True, False, datetime.date(2024, 3, 1), None, 'C13', 5]
    """
    if raw is None or isinstance(raw, bool | int | float):
        return raw
    text = str(raw).strip()
    if not text:
        return None
    if text in ("是", "true", "True", "有"):
        return True
    if text in ("否", "false", "False", "无"):
        return False
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        try:
            return dt.date.fromisoformat(text)
        except ValueError as exc:
            raise InputError(f"日期应写作 YYYY-MM-DD，得到 {text!r}") from exc
    if re.fullmatch(r"[+-]?[\d,]*\.?\d+(e[+-]?\d+)?", text, re.IGNORECASE) and not (
        text.startswith("0") and len(text) > 1 and "." not in text
    ):
        return float(text.replace(",", ""))
    return text


def coerce_values(values: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """:func:`coerce_value` of every entry; keys must be field names (letters, digits, ``_``)."""
    if values is None:
        return None
    out: dict[str, Any] = {}
    for k, v in values.items():
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]{0,63}", str(k)):
            raise InputError(f"字段名 {k!r} 无效（只能是字母、数字与下划线）")
        out[str(k)] = coerce_value(v)
    return out


@dataclass
class CheckView:
    """The calculator's answer for one subject: one row per clause (``document``,
    ``document_title``, ``clause``, ``clause_title``, ``status``, ``amount_min``,
    ``amount_max``, ``reason``, ``missing`` as a list), the summary and whether it rests on
    示例数据."""

    rows: pd.DataFrame
    key: str
    subject: str | None
    summary: str
    synthetic: bool
    explanation: str | None = None


def _missing_list(v: Any) -> list[str]:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return []
    if isinstance(v, list | tuple):
        return [str(x) for x in v if str(x)]
    return [s.strip() for s in str(v).split(",") if s.strip()]


def check(
    con: Any,
    user: User,
    *,
    credit_code: str | None = None,
    values: Mapping[str, Any] | None = None,
    on: dt.date | None = None,
    subject: str = "firm",
    documents_: Sequence[str] | None = None,
) -> CheckView:
    """Every clause of the documents ``user`` sees for one firm of the warehouse (by credit
    code, its data overridden by ``values``) or one firm / person described by ``values``
    (:func:`xinzhi.pipelines.policy.calculator`), sorted 符合, 可能符合, 不符合."""
    if not credit_code and not values:
        raise InputError("请输入统一社会信用代码，或填写表单中的数据")
    county = policy_county(user)
    if county is not None and values is not None and not credit_code:
        # a county account's form describes a subject of its own county
        values = {**values, "region_code": county}
    res = pp.calculator(con, county=county, credit_code=credit_code, values=values, on=on)
    t = res.tidy()
    visible = documents(con, user, subject=subject)
    titles = dict(zip(visible["id"], visible["title"], strict=True))
    key = t.columns[0] if len(t.columns) else "credit_code"
    t = t[t["document"].isin(list(titles))]
    if documents_:
        t = t[t["document"].isin(list(documents_))]
    order = {s: i for i, s in enumerate(STATUSES)}
    t = t.assign(
        document_title=t["document"].map(titles),
        _o=t["status"].map(order),
    )
    ctitles = clause_titles(con, sorted(set(t["document"])))
    t = t.assign(
        clause_title=[
            ctitles.get((d, str(c)), "") for d, c in zip(t["document"], t["clause"], strict=True)
        ],
        missing=t["missing"].map(_missing_list) if "missing" in t.columns else [[]] * len(t),
    )
    t = t.sort_values(["_o", "document", "clause"], kind="stable").drop(columns="_o")
    explanation = None
    if credit_code and hasattr(res, "explain"):
        try:
            explanation = res.explain(credit_code)
        except (KeyError, InputError, NotFoundError):
            explanation = None
    return CheckView(
        rows=t.reset_index(drop=True),
        key=str(key),
        subject=credit_code,
        summary=res.summary(),
        synthetic=bool(getattr(res, "synthetic", False)),
        explanation=explanation,
    )


def form_fields(con: Any, user: User, *, subject: str = "firm") -> list[str]:
    """The fields the clauses of the documents ``user`` sees read, in order of first use: the
    fields a calculator form asks for (the calculator on an empty form reports every clause
    可能符合 with each field it lacks)."""
    county = policy_county(user)
    values = {"region_code": county} if county else {}
    rows = pp.calculator(con, county=county, values=values).tidy()
    kinds = documents(con, user, subject=subject)["id"]
    seen: dict[str, None] = {}
    for ms in rows.loc[rows["document"].isin(list(kinds)), "missing"]:
        for f in _missing_list(ms):
            seen.setdefault(f, None)
    return list(seen)


def payout(
    con: Any, user: User, document: str, *, clause: str | None = None
) -> tuple[Any, pd.DataFrame]:
    """The payout list of ``document`` for the firms / persons ``user`` sees
    (:func:`xinzhi.pipelines.policy.payout_list`) and its rows with personal data masked for
    roles that do not need it."""
    document_detail(con, user, document)  # access to the document (403 / 404)
    pl = pp.payout_list(con, document=document, county=policy_county(user), clause=clause)
    return pl, mask_personal(pl.rows, user)


def masked_workbook(pl: Any, shown: pd.DataFrame) -> bytes:
    """The payout workbook (sheets 兑现名单 / 推送名单) built from the masked rows ``shown``."""
    import copy

    masked = copy.copy(pl)
    masked.rows = shown
    return bytes(masked.to_workbook())


def payout_workbook(pl: Any, shown: pd.DataFrame) -> bytes:
    """The workbook of a payout list as the account may see it (masked rows when masked)."""
    return bytes(pl.to_workbook()) if shown is pl.rows else masked_workbook(pl, shown)


def effect(con: Any, user: User, *, document: str | None = None) -> pd.DataFrame:
    """知晓率 / 兑现率 / 满意度 per document and period for the documents ``user`` sees."""
    if document is not None:
        document_detail(con, user, document)
    df = pp.effect_indicators(con, county=policy_county(user), document=document)
    if document is None and not df.empty and "document" in df.columns:
        seen = set(documents(con, user, status=None)["id"])
        df = df[df["document"].isin(seen)].reset_index(drop=True)
    return df


def extract(user: User, text: str) -> Any:
    """Proposed clauses for a policy text (:func:`xinzhi.pipelines.policy.extract_policy_text`);
    accounts that may edit policies only."""
    from xinzhi.auth.policy import Action, require

    require(user, Action.EDIT_POLICY)
    if not text.strip():
        raise InputError("请粘贴政策原文（文本为空）")
    return pp.extract_policy_text(text)


def draft_identity(yaml_text: str) -> tuple[str, str | None]:
    """(document id, region) named in a draft's YAML (before the pipeline validates it)."""
    meta = _parsed(yaml_text)["document"]
    doc_id = _text(meta.get("id"))
    if not doc_id or not DOC_ID.fullmatch(doc_id):
        raise InputError("document.id 须为小写字母、数字与连字符（如 liuhe-2023-key-industries）")
    return doc_id, _text(meta.get("region"))


def save_draft(con: Any, user: User, yaml_text: str) -> str:
    """Save a draft (status 待审核) if ``user`` may edit documents of its region and, when the
    id exists, of the existing document's region. The caller holds the write lock."""
    doc_id, region = draft_identity(yaml_text)
    require_policy_edit(user, region)
    try:
        existing = pp.get_document(con, doc_id)
    except NotFoundError:
        existing = None
    if existing is not None:
        old = _parsed(existing.yaml)["document"]
        require_policy_edit(user, _text(old.get("region")))
    return str(pp.save_draft(con, yaml_text, account=user.username))


def _editable(con: Any, user: User, doc_id: str) -> None:
    view = _view(con, doc_id)
    region = _text(_parsed(view.yaml)["document"].get("region"))
    require_policy_view(user, region, published=True)
    require_policy_edit(user, region)


def publish(con: Any, user: User, doc_id: str, on: dt.date) -> None:
    """Publish ``doc_id`` from date ``on`` (editors of its region). The caller holds the write
    lock and writes the audit entry."""
    _editable(con, user, doc_id)
    pp.publish(con, doc_id, on=on, account=user.username)


def retire(con: Any, user: User, doc_id: str, on: dt.date) -> None:
    """Retire ``doc_id`` from date ``on`` (editors of its region)."""
    _editable(con, user, doc_id)
    pp.retire(con, doc_id, on=on, account=user.username)
