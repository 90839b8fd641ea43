"""The access policy: the one place that decides who may see and download what.

The REST API (:mod:`xinzhi.api`), every web page and download (:mod:`xinzhi.web`) and the upload
pipeline (:mod:`xinzhi.pipelines.uploads`) ask this module; none of them compares roles itself.
The rules, by role (:data:`xinzhi.auth.accounts.ROLES`; documented for users in
``docs/server.md``):

``admin`` (管理员)
    Everything, including accounts and the audit log (:attr:`Action.ADMINISTER`).
``analyst`` (分析员)
    All counties' data, uploads, evaluation runs and every download; no administration.
``county`` (县区用户)
    *Public aggregates of all counties*: the public batches (batches whose source is a dataset of
    the public registry, :func:`public_sources`: the census batches ``census2010`` and
    ``census2020``), the stored evaluation scores, ranks and county profiles of every county
    (also as the ranking table's Excel export, :attr:`Kind.RANKING`: the same rows the API's
    ``GET /api/evaluations/{name}`` pages through).
    *Record-level data of its own county only*: batches uploaded for its county (their
    observations and quarantined rows), its firms and their evaluations (亩均, tiers, size
    classes; :attr:`Kind.FIRMS`); uploads are imported for its county only
    (:func:`upload_county`).
    *Files about one county for its own county only*: the county report (PDF, HTML, Excel), the
    profile workbook and the firm evaluation workbooks. No export of a whole evaluation, no evaluation runs, no administration.
    *Support policies* (issue #15): the published and built-in documents whose region contains
    its county (:func:`can_view_policy`), the calculator and payout lists of its own firms and
    persons (:func:`policy_county`); drafts, publishing and retiring of its own county's
    documents only (:attr:`Action.EDIT_POLICY`, :func:`can_edit_policy`).

Personal data of persons (talent policies: ID numbers, names, telephone numbers) is shown
unmasked to the accounts that pay and notify (admin, county) and masked for analysts
(:func:`sees_personal_data`, :func:`mask_personal`).

Any other role is denied everything but the public aggregates. A refusal raises
:class:`AccessDenied` (Chinese message): the API answers 403 ``forbidden``, the pages show the
message as a notification.

Examples
--------
>>> from xinzhi.auth.accounts import User
>>> county = User(3, "湘潭县发改局", "county", "430321", False)
>>> can_view_county(county, "430321"), can_view_county(county, "110108")
(True, False)
>>> may_download(county, Kind.REPORT, "110108"), may_download(county, Kind.RANKING)
(False, True)
>>> allows(county, Action.RUN_EVALUATION)
False
"""

from __future__ import annotations

import re
from enum import StrEnum
from functools import cache
from typing import Any

import pandas as pd

from xinzhi import datasets
from xinzhi.auth.accounts import User
from xinzhi.errors import XinzhiError

__all__ = [
    "AccessDenied",
    "Action",
    "Kind",
    "PublicSourceError",
    "allows",
    "can_edit_policy",
    "can_view_batch",
    "can_view_county",
    "can_view_policy",
    "is_unrestricted",
    "mask_personal",
    "may_download",
    "policy_county",
    "public_sources",
    "require",
    "require_county",
    "require_download",
    "require_policy_edit",
    "require_policy_view",
    "require_upload_source",
    "sees_personal_data",
    "tech_roles",
    "upload_county",
    "visible_batches_sql",
]

UNRESTRICTED_ROLES = frozenset({"admin", "analyst"})
"""Roles that see every county's record-level data and may download everything."""


class AccessDenied(XinzhiError):
    """The account may not see or download this (HTTP 403 ``forbidden`` in the API)."""


class PublicSourceError(XinzhiError):
    """An upload named the source of a public batch (HTTP 409 ``public_source`` in the API)."""


class Action(StrEnum):
    """Things an account does (beyond reading and downloading)."""

    ADMINISTER = "administer"
    """Accounts and the audit log."""
    RUN_EVALUATION = "run_evaluation"
    """Run an evaluation and save it in the warehouse."""
    UPLOAD = "upload"
    """Upload a statistics file (county accounts: for their own county, :func:`upload_county`)."""
    EDIT_POLICY = "edit_policy"
    """Draft, publish and retire support-policy documents (county accounts: documents of their
    own county only, :func:`require_policy_edit`)."""


ACTION_ROLES: dict[Action, frozenset[str]] = {
    Action.ADMINISTER: frozenset({"admin"}),
    Action.RUN_EVALUATION: frozenset({"admin", "analyst"}),
    Action.UPLOAD: frozenset({"admin", "analyst", "county"}),
    Action.EDIT_POLICY: frozenset({"admin", "analyst", "county"}),
}
"""Action → roles allowed."""


class Kind(StrEnum):
    """Kinds of download (the API's and the pages' files)."""

    REPORT = "report"
    """County report of one county: PDF, HTML or the report-data workbook."""
    PROFILE = "profile"
    """Profile workbook of one county (概况, 维度得分, 短板)."""
    EVALUATION = "evaluation"
    """Whole stored evaluation: scores, weights and obstacle degrees of every county."""
    RANKING = "ranking"
    """The ranking table (public scores and ranks of every county) as shown on 排名."""
    QUARANTINE = "quarantine"
    """Quarantined rows of one import batch."""
    FIRMS = "firms"
    """Record-level results about a county's firms (亩均 lists, tier checks, size classes); no
    county: every county's firms."""
    ANALYSIS = "analysis"
    """The tables of a declared public analysis (disparity, typology, industry map …) as a
    workbook: public aggregates, every account."""


_DENIED_ACTION = "当前角色没有此操作的权限"
_DENIED_DOWNLOAD: dict[Kind, str] = {
    Kind.REPORT: "县区用户只能下载本县区的报告",
    Kind.PROFILE: "县区用户只能导出本县区的画像",
    Kind.EVALUATION: "县区用户不能导出整个评价结果（可以导出本县区的画像与报告）",
    Kind.RANKING: _DENIED_ACTION,
    Kind.QUARANTINE: "县区用户只能下载本县区或公共数据的导入批次",
    Kind.FIRMS: "县区用户只能导出本县区的企业评价结果",
    Kind.ANALYSIS: _DENIED_ACTION,
}


@cache
def public_sources() -> frozenset[str]:
    """Sources of the public aggregate batches: the names of the public datasets in the registry
    (:func:`xinzhi.datasets.list_datasets`; the census batches are ``census2010`` and
    ``census2020``). Every account reads them; no upload may take their name."""
    return frozenset(d.name for d in datasets.list_datasets())


def is_unrestricted(user: User) -> bool:
    """True for the roles that see every county's record-level data (admin, analyst)."""
    return user.role in UNRESTRICTED_ROLES


def allows(user: User, action: Action) -> bool:
    """Whether ``user`` may do ``action``."""
    return user.role in ACTION_ROLES[Action(action)]


def require(user: User, action: Action) -> None:
    """Raise :class:`AccessDenied` unless ``user`` may do ``action``."""
    if not allows(user, action):
        raise AccessDenied(_DENIED_ACTION)


def can_view_county(user: User, code: str | None) -> bool:
    """Whether ``user`` sees the record-level data (uploads, quarantined rows, files) of county
    ``code``. Public aggregates of every county are visible to everyone; see the module text."""
    if is_unrestricted(user):
        return True
    return user.role == "county" and code is not None and user.county_code == code


def require_county(user: User, code: str | None) -> None:
    """Raise :class:`AccessDenied` unless ``user`` may see the record-level data of county
    ``code`` (:func:`can_view_county`): used before a county-scoped analysis runs (e.g. the
    chain analysis, which lists the county's firms)."""
    if not can_view_county(user, code):
        asked = code if code is not None else "全部县区"
        raise AccessDenied(f"县区用户只能查看本县区的企业记录等明细数据（请求的县区：{asked}）")


def can_view_batch(user: User, source: str, owner_county: str | None) -> bool:
    """Whether ``user`` sees an import batch: a public batch (:func:`public_sources`), or one
    uploaded for a county ``user`` may see (``owner_county`` from ``auth_batch_owners``)."""
    return source in public_sources() or can_view_county(user, owner_county)


def may_download(
    user: User,
    kind: Kind,
    county: str | None = None,
    *,
    source: str | None = None,
) -> bool:
    """Whether ``user`` may download a file of ``kind``.

    Parameters
    ----------
    user : User
        The account.
    kind : Kind
        What is downloaded.
    county : str, optional
        The county the file is about (:attr:`Kind.REPORT`, :attr:`Kind.PROFILE`,
        :attr:`Kind.FIRMS`; None for firms: every county) or the county
        the batch was uploaded for (:attr:`Kind.QUARANTINE`; None for a batch without owner).
    source : str, optional
        Source of the batch (:attr:`Kind.QUARANTINE`).
    """
    kind = Kind(kind)
    if kind in (Kind.RANKING, Kind.ANALYSIS):
        return True
    if is_unrestricted(user):
        return True
    if kind in (Kind.REPORT, Kind.PROFILE, Kind.FIRMS):
        return can_view_county(user, county)
    if kind is Kind.QUARANTINE:
        return can_view_batch(user, source or "", county)
    return False


def require_download(
    user: User,
    kind: Kind,
    county: str | None = None,
    *,
    source: str | None = None,
) -> None:
    """Raise :class:`AccessDenied` (message naming the rule) unless :func:`may_download`."""
    if not may_download(user, kind, county, source=source):
        message = _DENIED_DOWNLOAD[Kind(kind)] if user.role == "county" else _DENIED_ACTION
        raise AccessDenied(message)


def upload_county(user: User) -> str | None:
    """The county ``user``'s uploads are restricted to (None: unrestricted).

    Raises
    ------
    AccessDenied
        ``user`` may not upload, or is a county account without a county code.
    """
    require(user, Action.UPLOAD)
    if is_unrestricted(user):
        return None
    if not user.county_code:
        raise AccessDenied("该县区账户没有所属县区代码，不能上传数据（请管理员补充）")
    return str(user.county_code)


def require_upload_source(source: str) -> None:
    """Raise :class:`PublicSourceError` if ``source`` is the source of a public batch (an upload
    never replaces public data)."""
    if source in public_sources():
        raise PublicSourceError(f"{source} 是公共数据批次，不能通过上传替换")


_ALIAS = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,30}$")


def visible_batches_sql(user: User, alias: str = "b") -> tuple[str, list[Any]]:
    """SQL condition (with ``?`` parameters) on ``import_batches`` rows that ``user`` sees.

    The one copy of the batch-visibility rule (:func:`can_view_batch`) in SQL, used wherever
    batches or observations are listed for an account.

    Parameters
    ----------
    user : User
        The account.
    alias : str
        Alias of ``import_batches`` in the caller's query (an identifier).

    Returns
    -------
    (str, list)
        The condition and its parameters, in order.

    Examples
    --------
    >>> from xinzhi.auth.accounts import User
    >>> visible_batches_sql(User(1, "分析员", "analyst", None, False))
    ('TRUE', [])
    >>> sql, params = visible_batches_sql(User(3, "湘潭县发改局", "county", "430321", False))
    >>> params[1]
    '430321'
    """
    if not _ALIAS.fullmatch(alias):
        raise ValueError(f"invalid SQL alias {alias!r}")
    if is_unrestricted(user):
        return "TRUE", []
    sql = (
        f"(list_contains(?, {alias}.source) OR {alias}.batch_id IN "
        "(SELECT batch_id FROM auth_batch_owners WHERE county_code = ?))"
    )
    county = user.county_code if user.role == "county" else None
    return sql, [sorted(public_sources()), county]


# ------------------------------------------------------------------ support policies (#15)
# A policy document applies to a region (GB/T 2260 code of 2, 4 or 6 digits: a province, a
# city or a county; empty: nationwide) and to the firms / persons registered in it.

_DENIED_POLICY = "县区用户只能查看适用于本县区的政策文件（请求的文件适用于 {region}）"
_DENIED_POLICY_EDIT = "县区用户只能起草、发布或废止本县区的政策文件（该文件适用于 {region}）"
_DENIED_POLICY_DRAFT = "只有可以编辑该政策文件的账户能查看未发布的草稿或已废止的文件"


def policy_county(user: User) -> str | None:
    """The county whose firms, persons and policy documents ``user`` sees in the policy
    surfaces (calculator, payout lists, effect indicators); None: every county (admin,
    analyst).

    Raises
    ------
    AccessDenied
        A county account without a county code, or a role that sees no record-level data.
    """
    if is_unrestricted(user):
        return None
    if user.role != "county":
        raise AccessDenied(_DENIED_ACTION)
    if not user.county_code:
        raise AccessDenied("该县区账户没有所属县区代码，不能查看企业与政策明细（请管理员补充）")
    return str(user.county_code)


def _region_label(region: str | None) -> str:
    return region if region else "全国"


def can_view_policy(user: User, region: str | None, *, published: bool = True) -> bool:
    """Whether ``user`` sees a policy document that applies to ``region``.

    Admin and analyst see every document. A county account sees the published (and built-in)
    documents whose region contains or equals its county (its county code starts with the
    region code; an empty region is nationwide), and the unpublished ones (drafts, retired) of
    its own county (:func:`can_edit_policy`).

    Examples
    --------
    >>> from xinzhi.auth.accounts import User
    >>> county = User(3, "湘潭县发改局", "county", "430321", False)
    >>> [can_view_policy(county, r) for r in ("43", "4303", "430321", "430381", "11", "")]
    [True, True, True, False, False, True]
    >>> can_view_policy(county, "43", published=False), can_view_policy(county, "430321", published=False)
    (False, True)
    """
    if is_unrestricted(user):
        return True
    if not published:
        return can_edit_policy(user, region)
    if user.role != "county" or not user.county_code:
        return False
    return str(user.county_code).startswith(region or "")


def require_policy_view(user: User, region: str | None, *, published: bool = True) -> None:
    """Raise :class:`AccessDenied` unless :func:`can_view_policy`."""
    if can_view_policy(user, region, published=published):
        return
    if user.role != "county":
        raise AccessDenied(_DENIED_ACTION)
    if not published and can_view_policy(user, region):
        raise AccessDenied(_DENIED_POLICY_DRAFT)
    raise AccessDenied(_DENIED_POLICY.format(region=_region_label(region)))


def can_edit_policy(user: User, region: str | None) -> bool:
    """Whether ``user`` may draft, publish or retire a policy document of ``region``
    (:attr:`Action.EDIT_POLICY`): admin and analyst any region, a county account only
    documents of exactly its own county.

    Examples
    --------
    >>> from xinzhi.auth.accounts import User
    >>> county = User(3, "湘潭县发改局", "county", "430321", False)
    >>> can_edit_policy(county, "430321"), can_edit_policy(county, "43")
    (True, False)
    """
    if not allows(user, Action.EDIT_POLICY):
        return False
    if is_unrestricted(user):
        return True
    return bool(user.county_code) and region == user.county_code


def require_policy_edit(user: User, region: str | None) -> None:
    """Raise :class:`AccessDenied` unless :func:`can_edit_policy`."""
    if can_edit_policy(user, region):
        return
    if user.role != "county" or not allows(user, Action.EDIT_POLICY):
        raise AccessDenied(_DENIED_ACTION)
    raise AccessDenied(_DENIED_POLICY_EDIT.format(region=_region_label(region)))


PERSONAL_COLUMNS = frozenset(
    {"person_id", "id_number", "phone", "mobile", "email", "address", "contact", "birth_date"}
)
"""Columns of personal data about a natural person (talent policies, contacts of a push
list); the column ``name`` is personal too when the rows are persons (``person_id`` present)."""


def sees_personal_data(user: User) -> bool:
    """Whether ``user`` sees persons' personal data unmasked: the accounts that pay and notify
    (admin; a county account for the persons of its own county, the only ones it sees).
    Analysts (research, evaluation) see them masked (:func:`mask_personal`)."""
    return user.role in ("admin", "county")


def _mask(value: Any) -> Any:
    """One value masked: keep the first character (and the last four of a string of eight or
    more characters, e.g. an ID or phone number), stars between.

    >>> _mask("张三"), _mask("欧阳娜娜"), _mask("430321199001011234"), _mask(None)
    ('张*', '欧***', '430***********1234', None)
    """
    if value is None or (isinstance(value, float) and value != value):
        return None
    text = str(value)
    if len(text) >= 8:
        return text[:3] + "*" * (len(text) - 7) + text[-4:]
    return text[:1] + "*" * max(len(text) - 1, 1)


def mask_personal(rows: Any, user: User) -> Any:
    """``rows`` (a pandas DataFrame) with the personal data of persons masked unless
    :func:`sees_personal_data`: the :data:`PERSONAL_COLUMNS`, and ``name`` when the rows are
    persons (a ``person_id`` column). Returns a copy when something was masked."""
    if sees_personal_data(user):
        return rows
    cols = [c for c in rows.columns if str(c) in PERSONAL_COLUMNS]
    if "person_id" in rows.columns and "name" in rows.columns:
        cols.append("name")
    if not cols:
        return rows
    out = rows.copy()
    for c in cols:
        out[c] = pd.Series([_mask(v) for v in out[c]], index=out.index, dtype=object)
    return out


# ------------------------------------------------------------ technology demands, 揭榜挂帅 (#16)
TECH_ROLES: dict[str, frozenset[str]] = {
    "admin": frozenset({"publisher", "applicant", "reviewer"}),
    "analyst": frozenset({"reviewer"}),
    "county": frozenset({"publisher", "applicant"}),
}
"""Account role → the 揭榜挂帅 workflow roles it may hold (:data:`xinzhi.match.tech.ROLES`).
A county account holds them only for the demands of its own county (:func:`tech_roles`): it
publishes its firms' demands and records the applications teams hand in to its 科技局; the
analysts (the office's experts) review and score; admin does everything."""


def tech_roles(user: User, county: str | None) -> frozenset[str]:
    """The workflow roles ``user`` holds for a technology demand of ``county`` (empty: none;
    the demand is then not visible either, :func:`can_view_county`).

    Examples
    --------
    >>> from xinzhi.auth.accounts import User
    >>> county = User(3, "湘潭县科技局", "county", "430321", False)
    >>> sorted(tech_roles(county, "430321")), sorted(tech_roles(county, "430121"))
    (['applicant', 'publisher'], [])
    >>> sorted(tech_roles(User(2, "分析员", "analyst", None, False), "430121"))
    ['reviewer']
    """
    if not can_view_county(user, county):
        return frozenset()
    return TECH_ROLES.get(user.role, frozenset())
