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
    Action,
    can_view_policy,
    mask_personal,
    policy_county,
    require,
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
    "ExtractView",
    "check",
    "document_detail",
    "documents",
    "draft_identity",
    "effect",
    "extract",
    "field_labels",
    "form_fields",
    "form_values",
    "is_published",
    "masked_workbook",
    "missing_in_words",
    "payout",
    "payout_workbook",
    "publish",
    "retire",
    "save_draft",
    "status_label",
]

STATUSES = ("符合", "可能符合", "不符合")
"""The three results of a clause, in display order."""

_PUBLISHED = frozenset({"published", "已发布"})
DOC_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,99}$")
"""Document ids (``[a-z0-9-]+``, the file stem of a built-in document)."""


def status_label(status: Any) -> str:
    """A document status in Chinese (the pipeline's own word when it already is one)."""
    s = "" if status is None else str(status)
    return pp.STATUS_NAMES.get(s, s)


def is_published(status: Any, builtin: Any = False) -> bool:
    """Whether a document in ``status`` applies (published or built-in)."""
    return bool(builtin) or str(status) in _PUBLISHED


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
    builtin = builtin.map(lambda b: bool(b) if b is not None and b == b else False)
    keep = [
        can_view_policy(user, _text(r), published=is_published(s, b))
        for r, s, b in zip(df["region"], df["status"], builtin, strict=True)
    ]  # a loop over documents (tens), not over firms
    out = df[keep]
    if subject:
        out = out[out["subject"] == subject]
    out = out.reset_index(drop=True)
    builtin = out["builtin"] if "builtin" in out.columns else pd.Series(False, index=out.index)
    labels = [
        "内置" if b is True else status_label(s)
        for s, b in zip(out["status"], builtin, strict=True)
    ]
    return out.assign(status_label=labels)


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
    """The pipeline's view of ``doc_id``; an unknown id is a :class:`NotFoundError` (404)."""
    if not DOC_ID.fullmatch(doc_id):
        raise NotFoundError(f"政策库中没有编号为 {doc_id} 的文件")
    return pp.get_document(con, doc_id)


def document_detail(con: Any, user: User, doc_id: str) -> DocumentDetail:
    """Document ``doc_id`` if ``user`` may see it (else :class:`AccessDenied`); unknown:
    :class:`NotFoundError`."""
    view = _view(con, doc_id)
    data = _parsed(view.yaml)
    meta = data["document"]
    status = str(view.status)
    builtin = bool(view.builtin)
    region = _text(view.document.region)
    require_policy_view(user, region, published=is_published(status, builtin))
    info: dict[str, Any] = {
        k: (_text(v) if not isinstance(v, dict | list) else v) for k, v in meta.items()
    }
    info["status"] = status
    info["status_label"] = "内置" if builtin else status_label(status)
    info["builtin"] = builtin
    info["published_on"] = _text(view.published_on)
    info["retired_on"] = _text(view.retired_on)
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
    history = [{str(k): _text(v) for k, v in r.items()} for r in view.history.to_dict("records")]
    return DocumentDetail(info, clauses, view.yaml, view.text, status, history)


def _documents(con: Any, doc_ids: Sequence[str]) -> list[Any]:
    """The parsed documents (:class:`xinzhi.policy.PolicyDocument`) of ``doc_ids``; unknown
    ids left out."""
    return pp.library_documents(con, doc_ids)


def field_labels(docs: Sequence[Any]) -> dict[str, str]:
    """Field key → Chinese label over the fields the documents ``docs`` may read."""
    out: dict[str, str] = {}
    for doc in docs:  # a loop over documents
        for k, spec in doc.fields.items():
            out.setdefault(k, spec.label or k)
    return out


def form_values(values: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """A form's entries without the empty ones (an empty field is missing data); keys must be
    field names (letters, digits, ``_``). The pipeline types each value by its field.

    >>> form_values({"revenue": "1200", "park": " ", "above_scale": "是"})
    {'revenue': '1200', 'above_scale': '是'}
    """
    if values is None:
        return None
    out: dict[str, Any] = {}
    for k, v in values.items():
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]{0,63}", str(k)):
            raise InputError(f"字段名 {k!r} 无效（只能是字母、数字与下划线）")
        if v is None or (isinstance(v, str) and not v.strip()):
            continue
        out[str(k)] = v.strip() if isinstance(v, str) else v
    return out


@dataclass
class CheckView:
    """The calculator's answer for one subject: one row per clause (``document``,
    ``document_title``, ``clause``, ``clause_title``, ``status``, ``amount_min``,
    ``amount_max``, ``reason``, ``missing`` — field keys — and ``missing_labels`` as lists),
    the summary and whether it rests on 示例数据."""

    rows: pd.DataFrame
    key: str
    subject: str | None
    summary: str
    synthetic: bool
    explanation: str | None = None

    def counts(self) -> dict[str, int]:
        """Clauses by status (符合, 可能符合, 不符合)."""
        return {s: int((self.rows["status"] == s).sum()) for s in STATUSES}

    def totals(self) -> tuple[float, float | None]:
        """The 符合 clauses' amounts: (sum of ``amount_min``, sum of ``amount_max`` — None when
        one of them has no upper bound)."""
        ok = self.rows[self.rows["status"] == "符合"]
        hi = ok["amount_max"]
        return float(ok["amount_min"].fillna(0).sum()), None if hi.isna().any() else float(hi.sum())


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
        # a county account's form describes a firm or person of its own county
        values = {**values, "region_code": county}
    try:
        res = pp.calculator(
            con, county=county, credit_code=credit_code, values=values, on=on, subject=subject
        )
    except NotFoundError as exc:
        if credit_code:
            # unknown, or another county's firm: the same answer (404), nothing about the firm
            where = "本县区" if county else "企业名录中"
            raise NotFoundError(f"{where}没有信用代码为 {credit_code} 的企业") from exc
        raise
    t = res.tidy()
    t = t.assign(document=t["document"].astype(str), clause=t["clause"].astype(str))
    visible = documents(con, user, subject=subject)
    titles = dict(zip(visible["id"], visible["title"], strict=True))
    key = "credit_code" if subject == "firm" else "person_id"
    t = t[t["document"].isin(list(titles))]
    if documents_:
        t = t[t["document"].isin(list(documents_))]
    order = {s: i for i, s in enumerate(STATUSES)}
    t = t.assign(
        document_title=t["document"].map(titles),
        status=t["status"].astype(str),  # plain text (the result's column may be categorical)
        _o=t["status"].astype(str).map(order).astype("int64"),
    )
    docs = _documents(con, sorted(set(t["document"].astype(str))))
    ctitles = {
        (str(d.id), str(c.id)): str(c.title or c.article or "") for d in docs for c in d.clauses
    }
    labels = field_labels(docs)
    # plain lists (the result's columns may be categorical)
    missing = (
        [_missing_list(v) for v in t["missing"].astype(object)]
        if "missing" in t.columns
        else [[] for _ in range(len(t))]
    )
    t = t.assign(
        clause_title=[
            ctitles.get((d, str(c)), "") for d, c in zip(t["document"], t["clause"], strict=True)
        ],
        missing=pd.Series(missing, index=t.index, dtype=object),
        missing_labels=pd.Series(
            [[labels.get(k, k) for k in ms] for ms in missing], index=t.index, dtype=object
        ),
    )
    t = t.sort_values(["_o", "document", "clause"], kind="stable").drop(columns="_o")
    explanation = None
    if credit_code:
        try:
            explanation = res.explain(credit_code)
        except (KeyError, InputError):  # no row of the firm to explain
            explanation = None
    return CheckView(
        rows=t.reset_index(drop=True),
        key=str(key),
        subject=credit_code,
        summary=res.summary(),
        synthetic=bool(res.synthetic),
        explanation=explanation,
    )


def form_fields(con: Any, user: User, *, subject: str = "firm") -> list[dict[str, Any]]:
    """The fields the clauses of the documents ``user`` sees read, in order of first use, each
    with ``key``, ``label``, ``unit``, ``type`` and ``levels`` (ordered choices): the fields a
    calculator form asks for (:func:`xinzhi.pipelines.policy.form_fields`); a county
    account's form is of its own county (no 区划代码 to give)."""
    county = policy_county(user)
    visible = set(documents(con, user, subject=subject)["id"].astype(str))
    docs = [
        d for d in pp.documents_in_force(con, county=county, subject=subject) if d.id in visible
    ]
    fields = pp.form_fields(subject, docs)
    return [f for f in fields if not (county and f["key"] == "region_code")]


def payout(
    con: Any, user: User, document: str, *, clause: str | None = None
) -> tuple[Any, pd.DataFrame]:
    """The payout list of ``document`` for the firms / persons ``user`` sees
    (:func:`xinzhi.pipelines.policy.payout_list`) and its rows with personal data masked for
    roles that do not need it."""
    document_detail(con, user, document)  # access to the document (403 / 404)
    pl = pp.payout_list(con, document=document, county=policy_county(user), clause=clause)
    return pl, mask_personal(pl.rows, user)


def missing_in_words(con: Any, document: str, rows: pd.DataFrame) -> pd.DataFrame:
    """``rows`` of a payout list with the column ``missing`` (field keys) written as the
    fields' Chinese labels (for display)."""
    if "missing" not in rows.columns or rows.empty:
        return rows
    labels = field_labels(_documents(con, [document]))
    words = ["、".join(labels.get(k, k) for k in _missing_list(v)) for v in rows["missing"]]
    return rows.assign(missing=words)


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


@dataclass
class ExtractView:
    """The extractor's proposals for display: the draft document (YAML) and one entry per
    proposed clause (``id``, ``article``, ``heading``, ``text`` = the source sentence, ``rule`` =
    the proposed rule as YAML, ``items`` = the amounts, thresholds and dates found, each
    ``{kind, phrase, value, value_max, unit}``)."""

    yaml: str
    summary: str
    proposals: list[dict[str, Any]]


def _item(it: Any) -> dict[str, Any]:
    return {
        "kind": it.kind,
        "phrase": it.phrase,
        "value": it.value,
        "value_max": it.value_max,
        "unit": it.unit,
    }


def extract(user: User, text: str) -> ExtractView:
    """Proposed clauses for a policy text (:func:`xinzhi.pipelines.policy.extract_policy_text`);
    accounts that may edit policies only."""
    require(user, Action.EDIT_POLICY)
    if not text.strip():
        raise InputError("请粘贴政策原文（文本为空）")
    res = pp.extract_policy_text(text)
    proposals = []
    for p in res.proposals:  # a loop over proposed clauses
        proposals.append(
            {
                "id": p.id,
                "article": p.article,
                "heading": p.heading,
                "text": p.text,
                "rule": _dump(p.draft) if p.draft else "",
                "items": [_item(i) for i in p.items],
            }
        )
    return ExtractView(yaml=res.to_yaml(), summary=res.summary(), proposals=proposals)


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
        existing = _view(con, doc_id)
    except NotFoundError:
        existing = None
    if existing is not None:
        require_policy_edit(user, _text(existing.document.region))
    return str(pp.save_draft(con, yaml_text, account=user.username, county=policy_county(user)))


def _editable(con: Any, user: User, doc_id: str) -> None:
    view = _view(con, doc_id)
    region = _text(view.document.region)
    require_policy_view(user, region, published=True)
    require_policy_edit(user, region)


def publish(con: Any, user: User, doc_id: str, on: dt.date) -> None:
    """Publish ``doc_id`` from date ``on`` (editors of its region). The caller holds the write
    lock and writes the audit entry."""
    _editable(con, user, doc_id)
    pp.publish(con, doc_id, on=on, account=user.username, county=policy_county(user))


def retire(con: Any, user: User, doc_id: str, on: dt.date) -> None:
    """Retire ``doc_id`` from date ``on`` (editors of its region)."""
    _editable(con, user, doc_id)
    pp.retire(con, doc_id, on=on, account=user.username, county=policy_county(user))
