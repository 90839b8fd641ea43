"""The audit log: who did what, when, from where.

Every download (REST API and web pages alike) is one entry written by :func:`write_export`:
action ``export``, a target naming the file (:func:`export_target`) and a detail of one shape
(``kind``, ``format``, ``via`` and whichever of ``evaluation``, ``county``, ``year``,
``batch_id``, ``rows`` apply). Every upload likewise: action ``import``, the file's safe name
as target, the detail of :func:`import_detail`.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any, Protocol

import duckdb
import pandas as pd

from xinzhi.auth.policy import Kind

__all__ = [
    "ACTION_LABELS",
    "DETAIL_LABELS",
    "EXPORT",
    "detail_text",
    "export_target",
    "import_detail",
    "read_audit",
    "write_audit",
    "write_export",
]

EXPORT = "export"

ACTION_LABELS: dict[str, str] = {
    "login": "登录",
    "login_failed": "登录失败",
    "login_throttled": "登录限流",
    "logout": "退出",
    "import": "导入数据",
    "upload": "上传文件",
    "evaluate": "测度",
    EXPORT: "下载导出",
    "user_add": "新建账户",
    "user_disable": "停用账户",
    "user_enable": "启用账户",
    "user_role": "修改角色",
    "user_reset_password": "重置密码",
    "user_unlock": "解除登录限流",
    "policy_draft": "政策草稿",
    "policy_publish": "发布政策",
    "policy_retire": "废止政策",
    "target_set": "设定目标",
    "value_correct": "更正数值",
    "indicator_map": "用户指标对应",
}
"""Chinese names of the audited actions (the 管理 page shows these, the code when unknown)."""

DETAIL_LABELS: dict[str, str] = {
    "via": "途径",
    "kind": "类别",
    "format": "格式",
    "evaluation": "评价",
    "county": "县区",
    "year": "年份",
    "batch_id": "批次",
    "batch": "批次",
    "rows": "行数",
    "analysis": "分析",
    "status": "状态",
    "source": "来源",
    "rows_read": "读入",
    "rows_loaded": "载入",
    "rows_quarantined": "隔离",
    "rows_skipped": "跳过",
    "role": "角色",
    "failures": "失败次数",
    "from": "原值",
    "to": "新值",
    "note": "说明",
    "name": "名称",
    "factor": "换算系数",
    "values": "数值个数",
    "value": "数值",
    "days": "天数",
    "on": "日期",
}
"""Chinese names of the keys of an entry's detail (the 管理 page; the key itself when unknown)."""

_DETAIL_VALUES: dict[str, str] = {
    "web": "网页",
    "api": "接口",
    "cli": "命令行",
    "cookie": "网页会话",
    "bearer": "接口令牌",
    "loaded": "已载入",
    "no-op": "未变化",
    "report": "县域报告",
    "profile": "县域画像",
    "evaluation": "评价结果",
    "ranking": "排名表",
    "quarantine": "隔离行",
    "firms": "企业明细",
    "analysis": "分析表格",
    "True": "是",
    "False": "否",
    **{str(k): label for k, label in ACTION_LABELS.items()},
}


def detail_text(detail: str | dict[str, Any] | None) -> str:
    """An entry's detail (the stored JSON text or a dict) as ``键：值；键：值`` in Chinese.

    >>> detail_text('{"via": "web", "kind": "report", "rows": 3}')
    '途径：网页；类别：县域报告；行数：3'
    """
    if detail is None or detail == "":
        return ""
    parsed: Any = detail
    if isinstance(detail, str):
        try:
            parsed = json.loads(detail)
        except ValueError:
            return detail
    if not isinstance(parsed, dict):
        return str(parsed)
    parts = []
    for key, value in parsed.items():
        if value is None:
            continue
        text = str(value)
        parts.append(f"{DETAIL_LABELS.get(key, key)}：{_DETAIL_VALUES.get(text, text)}")
    return "；".join(parts)


"""Action of every download entry."""


def write_audit(
    con: duckdb.DuckDBPyConnection,
    action: str,
    *,
    user: str | None,
    target: str | None = None,
    detail: dict[str, Any] | None = None,
    ip: str | None = None,
) -> None:
    """Append one entry (``action`` e.g. ``login``, ``login_failed``, ``import``, ``evaluate``,
    ``export``, ``user_add``)."""
    con.execute(
        "INSERT INTO auth_audit (logged_at, user_name, action, target, detail, ip) VALUES (?, ?, ?, ?, ?, ?)",
        [
            datetime.now(UTC).replace(tzinfo=None),
            user,
            action,
            target,
            json.dumps(detail or {}, ensure_ascii=False, default=str),
            ip,
        ],
    )


class ImportCounts(Protocol):
    """What an import entry records of an import report (:class:`xinzhi.ingest.report.ImportReport`)."""

    @property
    def batch_id(self) -> int | None: ...
    @property
    def status(self) -> str: ...
    @property
    def source(self) -> str | None: ...
    @property
    def rows_read(self) -> int: ...
    @property
    def rows_loaded(self) -> int: ...
    @property
    def rows_quarantined(self) -> int: ...
    @property
    def rows_skipped(self) -> int: ...


def import_detail(report: ImportCounts, via: str) -> dict[str, Any]:
    """Detail of the ``import`` entry of one upload (the API and the pages alike; ``via`` is
    ``api`` or ``web``): batch, status, source, rows read = loaded + quarantined + skipped."""
    return {
        "batch_id": None if report.batch_id is None else int(report.batch_id),
        "status": report.status,
        "source": report.source,
        "rows_read": int(report.rows_read),
        "rows_loaded": int(report.rows_loaded),
        "rows_quarantined": int(report.rows_quarantined),
        "rows_skipped": int(report.rows_skipped),
        "via": via,
    }


def export_target(
    kind: Kind,
    *,
    fmt: str,
    evaluation: str | None = None,
    county: str | None = None,
    year: int | None = None,
    batch_id: int | None = None,
    analysis: str | None = None,
) -> str:
    """Target of a download entry.

    ``report:<evaluation>:<county>:<year>.<format>``, ``profile:<evaluation>:<county>``,
    ``evaluation:<evaluation>``, ``ranking:<evaluation>:<year>``, ``quarantine:<batch_id>``,
    ``firms:<analysis>:<county or 全部>`` (firm evaluations), ``analysis:<analysis>`` (a public
    analysis's workbook).

    Examples
    --------
    >>> export_target(Kind.REPORT, fmt="pdf", evaluation="nqpf-county", county="430321", year=2020)
    'report:nqpf-county:430321:2020.pdf'
    >>> export_target(Kind.QUARANTINE, fmt="csv", batch_id=7)
    'quarantine:7'
    >>> export_target(Kind.FIRMS, fmt="xlsx", county="430321", analysis="mujun")
    'firms:mujun:430321'
    """
    kind = Kind(kind)
    if kind is Kind.REPORT:
        return f"report:{evaluation}:{county}:{year}.{fmt}"
    if kind is Kind.PROFILE:
        return f"profile:{evaluation}:{county}"
    if kind is Kind.EVALUATION:
        return f"evaluation:{evaluation}"
    if kind is Kind.RANKING:
        return f"ranking:{evaluation}:{year}"
    if kind is Kind.FIRMS:
        return f"firms:{analysis}:{county or '全部'}"
    if kind is Kind.ANALYSIS:
        return f"analysis:{analysis}"
    return f"quarantine:{batch_id}"


def write_export(
    con: duckdb.DuckDBPyConnection,
    kind: Kind,
    *,
    user: str,
    fmt: str,
    via: str,
    ip: str | None,
    evaluation: str | None = None,
    county: str | None = None,
    year: int | None = None,
    batch_id: int | None = None,
    rows: int | None = None,
    analysis: str | None = None,
) -> None:
    """Append the entry of one download (the API and the pages call this alike).

    Parameters
    ----------
    con : DuckDB connection
        The warehouse (the caller holds the write lock if there is one).
    kind : Kind
        What was downloaded.
    user : str
        The account's user name.
    fmt : str
        File format (``pdf``, ``html``, ``xlsx``, ``csv``).
    via : str
        ``api`` or ``web``.
    ip : str, optional
        Client address.
    evaluation, county, year, batch_id, rows, analysis
        What the file holds (``analysis``: the declared analysis's key); those given (not None)
        go into the detail.
    """
    kind = Kind(kind)
    year = None if year is None else int(year)  # numpy integers are not JSON
    batch_id = None if batch_id is None else int(batch_id)
    detail: dict[str, Any] = {"kind": str(kind), "format": fmt}
    extra = {
        "evaluation": evaluation,
        "county": county,
        "year": year,
        "batch_id": batch_id,
        "rows": None if rows is None else int(rows),
        "analysis": analysis,
    }
    detail.update({k: v for k, v in extra.items() if v is not None})
    detail["via"] = via
    target = export_target(
        kind,
        fmt=fmt,
        evaluation=evaluation,
        county=county,
        year=year,
        batch_id=batch_id,
        analysis=analysis,
    )
    write_audit(con, EXPORT, user=user, target=target, detail=detail, ip=ip)


def read_audit(
    con: duckdb.DuckDBPyConnection,
    *,
    action: str | None = None,
    user: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> tuple[int, pd.DataFrame]:
    """(total matching, page of entries newest first)."""
    where = "WHERE (? IS NULL OR action = ?) AND (? IS NULL OR user_name = ?)"
    params: list[Any] = [action, action, user, user]
    (total,) = con.execute(f"SELECT count(*) FROM auth_audit {where}", params).fetchall()[0]
    page = con.execute(
        f"""SELECT audit_id, logged_at AS "at", user_name, action, target, CAST(detail AS VARCHAR) AS detail, ip
            FROM auth_audit {where} ORDER BY audit_id DESC LIMIT ? OFFSET ?""",
        [*params, limit, offset],
    ).df()
    return int(total), page
