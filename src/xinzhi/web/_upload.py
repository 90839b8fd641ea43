"""One upload widget for the pages 人才 and 揭榜挂帅 (issue #16): the file goes the way of the
page 数据's uploads — a safe file name, the 20 MB cap, the suffixes the importer reads, the
account's daily upload quota (:func:`xinzhi.pipelines.uploads.check_upload_quota`), a temporary
file, the import under the server's write lock and an ``import`` audit entry
(:func:`xinzhi.auth.audit.import_detail`, ``via: web``) — and the import report is shown:
读入 = 载入 + 隔离 + 跳过 with the reasons in Chinese.

The import itself is a pipeline function passed in (``run(path, con) -> ImportReport``, e.g.
:func:`xinzhi.pipelines.talent.import_talents_as`); this module holds no import logic."""

from __future__ import annotations

import asyncio
import tempfile
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import duckdb
from nicegui import events, ui

from xinzhi import auth
from xinzhi.auth.audit import import_detail
from xinzhi.config import server_limits
from xinzhi.errors import XinzhiError
from xinzhi.pipelines.uploads import ImportReport, check_upload_quota, reason_tables, safe_file_name
from xinzhi.web._context import connection
from xinzhi.web._frame import table_of

__all__ = ["MAX_UPLOAD", "audited_import", "import_upload_widget", "report_card"]

MAX_UPLOAD = 20 * 1024 * 1024
"""The same cap as the REST API's uploads (20 MB)."""

Runner = Callable[[Path, duckdb.DuckDBPyConnection], ImportReport]


async def audited_import(
    session: auth.Session, ip: str, path: Path, safe: str, work: Callable[[], ImportReport]
) -> ImportReport:
    """One upload's import as every page does it: the account's daily quota checked first
    (:func:`check_upload_quota`, as the API), ``work()`` in a worker thread, then the ``import``
    audit entry (``via: web``) naming the safe file name ``safe``."""
    limits = server_limits()
    with connection(write=True) as con:
        check_upload_quota(con, session.user, path.stat().st_size, limits.upload_quota_mb)
    report = await asyncio.to_thread(work)
    with connection(write=True) as con:
        auth.write_audit(
            con,
            "import",
            user=session.user.username,
            target=safe,
            detail=import_detail(report, "web"),
            ip=ip,
        )
    return report


def report_card(report: ImportReport, box: ui.column, testid: str) -> None:
    """The import report in ``box``: counts (读入 = 载入 + 隔离 + 跳过), the summary and the
    quarantined / skipped rows by reason (Chinese labels). Text only, never HTML."""
    with box, ui.card().classes("w-full").props(f'data-testid="{testid}"'):
        ui.label(f"导入报告：{report.file_name}").classes("font-bold")
        ui.label(
            f"读入 {report.rows_read} 行 = 载入 {report.rows_loaded} + 隔离 "
            f"{report.rows_quarantined} + 跳过 {report.rows_skipped}"
        ).props(f'data-testid="{testid}-counts"')
        ui.label(report.summary()).classes("text-sm whitespace-pre-wrap")
        quarantined, skipped = reason_tables(report)
        if not quarantined.empty:
            table_of(quarantined, {"reason": "隔离原因", "rows": "行数"}, pagination=None)
        if not skipped.empty:
            table_of(skipped, {"reason": "跳过原因", "rows": "行数"}, pagination=None)


def import_upload_widget(
    session: auth.Session,
    ip: str,
    *,
    label: str,
    suffixes: tuple[str, ...],
    run: Runner,
    testid: str,
    done: Callable[[ImportReport], Awaitable[None] | None] | None = None,
) -> None:
    """An upload field importing each file with ``run`` (in a worker thread, write lock held),
    then the report below it and ``done(report)`` (e.g. refresh the page's tables)."""
    reports = ui.column().classes("w-full").props(f'data-testid="{testid}-reports"')

    async def handle(e: events.UploadEventArguments) -> None:
        safe = safe_file_name(e.file.name)
        if Path(safe).suffix.lower() not in suffixes:
            ui.notify(f"只支持 {'、'.join(suffixes)} 文件", type="negative")
            return
        try:
            with tempfile.TemporaryDirectory(prefix="xinzhi-upload-") as tmp:
                path = Path(tmp) / safe
                await e.file.save(path)

                def work() -> ImportReport:
                    with connection(write=True) as con:
                        return run(path, con)

                report = await audited_import(session, ip, path, safe, work)
        except XinzhiError as exc:
            with reports, ui.card().classes("w-full").props(f'data-testid="{testid}-error"'):
                ui.label(f"导入失败：{e.file.name}").classes("font-bold text-negative")
                ui.label(str(exc))
            return
        reports.clear()
        report_card(report, reports, f"{testid}-report")
        if done is not None:
            out: Any = done(report)
            if asyncio.iscoroutine(out):
                await out

    ui.upload(
        label=label,
        auto_upload=True,
        multiple=False,
        on_upload=handle,
        max_file_size=MAX_UPLOAD,
    ).props(f'accept="{",".join(suffixes)}" data-testid="{testid}"').classes("w-full")
