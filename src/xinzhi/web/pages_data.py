"""Page 数据: upload xlsx/csv with a preview, the import report, quarantined rows as a download,
the status of the public datasets.

Uploads, the batch list and the quarantined rows come from :mod:`xinzhi.pipelines.uploads`
with the logged-in account (the same functions as the API's ``/api/imports``), so the access
policy (:mod:`xinzhi.auth.policy`) scopes them; the download is audited as the API's."""

from __future__ import annotations

import asyncio
import json
import tempfile
from pathlib import Path

import pandas as pd
from fastapi import Request
from nicegui import events, ui

from xinzhi import auth
from xinzhi.auth import policy
from xinzhi.config import server_limits
from xinzhi.errors import XinzhiError
from xinzhi.pipelines.public_data import dataset_catalogue, verify_datasets
from xinzhi.pipelines.uploads import (
    ImportReport,
    batch_page,
    batch_quarantine,
    import_upload,
    reason_tables,
    safe_file_name,
    source_label,
)
from xinzhi.web._context import client_ip, connection, data_dir_str, write_lock
from xinzhi.web._frame import XLSX, excel_bytes, guarded, send_download, table_of
from xinzhi.web._upload import MAX_UPLOAD, audited_import
from xinzhi.web.my_data_view import my_data_section

__all__ = ["quarantined_rows", "register"]


def quarantined_rows(user: auth.User, batch_id: int) -> pd.DataFrame:
    """Quarantined source rows of a batch ``user`` may see
    (:func:`xinzhi.pipelines.uploads.batch_quarantine`): 行号, 原因, 说明, then the raw cells."""
    with connection() as con:
        q = batch_quarantine(con, user, batch_id)
    raw = pd.DataFrame([json.loads(r) if r else {} for r in q["raw"]])
    head = pd.DataFrame(
        {
            "行号": q["row_number"],
            "原因": q["reason_label"],
            "说明": q["message"],
        }
    )
    return pd.concat([head, raw], axis=1)


def _preview(path: Path) -> pd.DataFrame:
    """First rows of the file as text (no interpretation)."""
    if path.suffix.lower() == ".csv":
        from charset_normalizer import from_path

        best = from_path(path).best()
        enc = best.encoding if best else "utf-8"
        return pd.read_csv(path, header=None, nrows=12, dtype=str, encoding=enc)
    return pd.read_excel(path, header=None, nrows=12, dtype=str)


_STATUS = {"active": "当前", "superseded": "已被替代"}


def _batches(user: auth.User) -> pd.DataFrame:
    """The batches ``user`` sees (newest 200), statuses in Chinese."""
    with connection() as con:
        page = batch_page(con, user, limit=200)[1]
    page["status"] = page["status"].map(lambda s: _STATUS.get(s, s))
    page["source"] = page["source"].map(source_label)
    # a batch without an uploading account came from the command line (the system user)
    page["user_name"] = page["user_name"].where(
        page["uploaded_by"].notna(), page["user_name"].astype(str) + "（命令行）"
    )
    page["imported_at"] = page["imported_at"].astype(str).str[:19]
    return page


def _show_report(report: ImportReport, box: ui.column, session: auth.Session, ip: str) -> None:
    with box:
        with ui.card().classes("w-full").props('data-testid="import-report"'):
            ui.label(f"导入报告：{report.file_name}").classes("font-bold")
            ui.label(
                f"读入 {report.rows_read} 行 = 载入 {report.rows_loaded} + 隔离 "
                f"{report.rows_quarantined} + 跳过 {report.rows_skipped}"
            ).props('data-testid="import-counts"')
            ui.html(
                "<pre class='text-sm whitespace-pre-wrap'>"
                + report.summary().replace("&", "&amp;").replace("<", "&lt;")
                + "</pre>",
                sanitize=False,
            )
            quarantined, skipped = reason_tables(report)
            if not quarantined.empty:
                table_of(quarantined, {"reason": "隔离原因", "rows": "行数"}, pagination=None)
            if not skipped.empty:
                table_of(skipped, {"reason": "跳过原因", "rows": "行数"}, pagination=None)
            if report.rows_quarantined and report.batch_id is not None:
                bid = int(report.batch_id)
                q = quarantined_rows(session.user, bid)
                ui.label("隔离行（前 20 行）").classes("text-sm font-bold")
                table_of(
                    q.head(20).rename(columns={"行号": "row", "原因": "reason", "说明": "message"}),
                    {"row": "行号", "reason": "原因", "message": "说明"},
                    pagination=None,
                ).props('data-testid="quarantine-table"')

                shown: dict[str, int] = {}

                def workbook() -> bytes:
                    rows = quarantined_rows(session.user, bid)
                    shown["rows"] = len(rows)
                    return excel_bytes({"隔离行": rows})

                async def download() -> None:
                    await send_download(
                        session,
                        ip,
                        policy.Kind.QUARANTINE,
                        workbook,
                        f"隔离行_批次{bid}.xlsx",
                        XLSX,
                        fmt="xlsx",
                        batch_id=bid,
                        rows=lambda: shown.get("rows"),
                    )

                ui.button("下载隔离行（Excel）", on_click=download).props(
                    'data-testid="download-quarantine"'
                )


def register() -> None:
    """Define the page."""

    @ui.page("/data", title="数据 · 新质 县域新质生产力")
    @guarded()
    async def data_page(request: Request, session: auth.Session) -> None:
        ui.label("数据").classes("text-xl font-bold")
        ip = client_ip(request)
        may_upload = policy.allows(session.user, policy.Action.UPLOAD)
        with ui.card().classes("w-full"):
            ui.label("上传统计数据（xlsx / csv；宽表或长表，中文表头）").classes("font-bold")
            county: str | None = None
            try:
                county = policy.upload_county(session.user) if may_upload else None
            except policy.AccessDenied as exc:
                ui.label(str(exc)).classes("text-sm text-negative")
                may_upload = False
            if county:
                ui.label(
                    f"县区用户只能导入本县区（{county}）的数据：其他地区的行会被隔离"
                    f"（地区无法使用），数据来源自动加前缀 county-{county}-。"
                ).classes("text-sm text-warning").props('data-testid="county-upload-note"')
            year_in = ui.number("年份（表中无年份列时必填）", format="%d").classes("w-64")
            preview_box = ui.column().classes("w-full")
            tables: dict[str, ui.table] = {}
            reports = ui.column().classes("w-full").props('data-testid="import-reports"')

            async def handle(e: events.UploadEventArguments) -> None:
                safe = safe_file_name(e.file.name)
                suffix = Path(safe).suffix.lower()
                if suffix not in (".xlsx", ".xls", ".csv"):
                    ui.notify("只支持 xlsx、xls 或 csv 文件", type="negative")
                    return
                with tempfile.TemporaryDirectory() as tmp:
                    path = Path(tmp) / safe
                    await e.file.save(path)
                    preview_box.clear()
                    try:
                        pv = await asyncio.to_thread(_preview, path)
                        with preview_box:
                            ui.label(f"预览：{e.file.name}（前 {len(pv)} 行）").classes("text-sm")
                            pv.columns = [f"列{i + 1}" for i in range(pv.shape[1])]
                            table_of(
                                pv.fillna(""),
                                {c: c for c in pv.columns},
                                row_key=pv.columns[0],
                                pagination=None,
                            )
                    except Exception as exc:  # preview is best effort; the import reports errors
                        with preview_box:
                            ui.label(f"无法预览：{exc}").classes("text-xs")
                    try:
                        # the same limits as the API: daily quota, a worker process with memory
                        # and time limits, the write lock held only while writing
                        year = int(year_in.value) if year_in.value else None

                        def work(path: Path = path, safe: str = safe) -> ImportReport:
                            with connection() as con:
                                return import_upload(
                                    path,
                                    con=con,
                                    user=session.user,
                                    year=year,
                                    source=Path(safe).stem,
                                    limits=server_limits(),
                                    write_lock=write_lock(),
                                )

                        report = await audited_import(session, ip, path, safe, work)
                    except XinzhiError as exc:
                        with reports:
                            with ui.card().classes("w-full").props('data-testid="import-error"'):
                                ui.label(f"导入失败：{e.file.name}").classes(
                                    "font-bold text-negative"
                                )
                                ui.label(str(exc))
                        return
                _show_report(report, reports, session, ip)
                if "batches" in tables:
                    fresh = _batches(session.user)
                    tables["batches"].rows = (
                        fresh.astype(object).where(fresh.notna(), None).to_dict("records")
                    )
                    tables["batches"].update()

            if may_upload:
                ui.upload(
                    label="选择或拖入文件",
                    auto_upload=True,
                    multiple=True,
                    on_upload=handle,
                    max_file_size=MAX_UPLOAD,
                ).props('accept=".xlsx,.xls,.csv" data-testid="upload"').classes("w-full")

        with ui.card().classes("w-full"):
            ui.label("已导入的批次").classes("font-bold")
            tables["batches"] = table_of(
                _batches(session.user),
                {
                    "batch_id": "批次",
                    "file_name": "文件",
                    "source": "来源",
                    "imported_at": "时间",
                    "user_name": "用户",
                    "rows_read": "读入",
                    "rows_loaded": "载入",
                    "rows_quarantined": "隔离",
                    "rows_skipped": "跳过",
                    "status": "状态",
                },
                pagination=10,
            ).props('data-testid="batches-table"')

        my_data_section(session, ip, lambda b: quarantined_rows(session.user, b))

        with ui.card().classes("w-full"):
            ui.label("公共数据集").classes("font-bold")
            ds = pd.DataFrame(dataset_catalogue(planner=True))[
                ["name", "title", "licence_zh", "files"]
            ]
            status_table = table_of(
                ds,
                {"name": "名称", "title": "说明", "licence_zh": "许可", "files": "文件数"},
                pagination=None,
            )
            ui.label(f"本地镜像：{data_dir_str() or '未设置（XINZHI_DATA_DIR）'}").classes(
                "text-sm"
            )

            async def verify() -> None:
                st = await asyncio.to_thread(verify_datasets, data_dir=data_dir_str())
                tab = pd.DataFrame(st.files).rename(columns={"dataset": "name"})
                summary = tab.groupby("name")["status"].agg(
                    lambda v: (
                        "完整"
                        if (v == "ok").all()
                        else f"缺 {(v == 'missing').sum()} 个、校验不符 {(v == 'mismatch').sum()} 个"
                    )
                )
                status_table.columns = [
                    *status_table.columns,
                    {"name": "status", "label": "状态", "field": "status"},
                ]
                status_table.rows = [
                    dict(r, status=summary.get(r["name"], "")) for r in status_table.rows
                ]
                status_table.update()

            ui.button("校验本地文件（sha256）", on_click=verify)
