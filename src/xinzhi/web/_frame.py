"""Page frame: login guard, header with navigation, common widgets, and :func:`send_download`
(every file a page hands out: asked of the access policy, written to the audit log)."""

from __future__ import annotations

import asyncio
import html
import io
import logging
from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any
from urllib.parse import quote

import pandas as pd
from fastapi import Request
from fastapi.responses import RedirectResponse
from nicegui import ui

from xinzhi import auth
from xinzhi.auth import policy
from xinzhi.errors import XinzhiError
from xinzhi.labels import SYNTHETIC_NOTE
from xinzhi.web._context import NAV, connection, current_session
from xinzhi.web._format import column_kind, excel_format, format_js

__all__ = [
    "XLSX",
    "bind_search",
    "excel_bytes",
    "frame",
    "guarded",
    "heading",
    "left",
    "notify_error",
    "province_names",
    "screen_frame",
    "search_rows",
    "send_download",
    "synthetic_banner",
    "table_of",
]

_log = logging.getLogger(__name__)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def guarded(
    action: policy.Action | None = None,
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Decorator for page functions ``f(request, session, **params)``: redirect to the login page
    without a live session; a Chinese refusal when the access policy does not allow ``action``."""

    def wrap(fn: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(fn)
        async def page(request: Request, **kwargs: Any) -> Any:
            session = current_session(request)
            if session is None:
                target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
                return RedirectResponse(f"/login?next={quote(target)}", status_code=303)
            if action is not None and not policy.allows(session.user, action):
                frame(session, request.url.path)
                ui.label("无权访问：当前角色没有此页面的权限。").classes("text-negative text-lg")
                return None
            frame(session, request.url.path)
            client = ui.context.client
            try:
                return await fn(request, session, **kwargs)
            except Exception:
                # the user left while the page was loading (its client is gone, or it never
                # connected): nothing to show to anyone, so no error page and no traceback
                if client.is_deleted or not client.has_socket_connection:
                    _log.info("页面 %s 未加载完用户已离开", request.url.path)
                    return None
                raise

        # NiceGUI inspects the signature for the request and query parameters
        page.__signature__ = _signature(fn)  # type: ignore[attr-defined]
        return page

    return wrap


def _signature(fn: Callable[..., Any]) -> Any:
    import inspect

    sig = inspect.signature(fn)
    params = [p for name, p in sig.parameters.items() if name != "session"]
    return sig.replace(parameters=params)


def frame(session: auth.Session, active: str) -> None:
    """Header with the product name, navigation and the user."""
    ui.page_title("新质 县域新质生产力")
    ui.add_css(".q-btn { text-transform: none; }")  # “导出 Excel” as written, not EXCEL
    with ui.header().classes("items-center bg-slate-800 text-white gap-4 px-4 py-2"):
        ui.label("新质 · 县域新质生产力").classes("text-lg font-bold")
        for path, label, action in NAV:
            if action is not None and not policy.allows(session.user, action):
                continue
            on = path == active or (path != "/" and active.startswith(path))
            ui.link(label, path).classes(
                "text-white no-underline px-2 py-1 rounded"
                + (" bg-slate-600 font-bold" if on else " hover:bg-slate-700")
            ).props(f'data-nav="{path}"')
        ui.space()
        ui.label(f"{session.user.username}（{session.user.role_label}）").classes("text-sm")
        ui.html(
            '<form method="post" action="/web/logout" class="m-0">'
            f'<input type="hidden" name="csrf" value="{html.escape(session.csrf_token or "")}">'
            '<button type="submit" class="text-white text-sm underline" data-testid="logout">'
            "退出</button></form>",
            sanitize=False,
        )


def heading(text: str) -> None:
    """A section heading of a page (bold, ruled underneath)."""
    ui.label(text).classes("text-lg font-bold mt-6 border-b border-slate-300 w-full pb-1")


def synthetic_banner() -> None:
    """The amber 示例数据 banner (:data:`xinzhi.labels.SYNTHETIC_NOTE`) above synthetic results."""
    with ui.row().classes(
        "w-full items-center gap-2 bg-amber-50 border border-amber-400 rounded px-3 py-2"
    ):
        ui.icon("warning", color="warning")
        ui.label(SYNTHETIC_NOTE).classes("text-amber-900 font-bold").props(
            'data-testid="synthetic-note"'
        )


def left() -> bool:
    """Whether the user has left the page being built (its client is deleted): a page that
    awaited slow work checks this before drawing the result."""
    return bool(ui.context.client.is_deleted)


def notify_error(exc: Exception) -> None:
    """Show a user error (XinzhiError) as a notification; re-raise anything else."""
    if isinstance(exc, XinzhiError):
        ui.notify(str(exc), type="negative", multi_line=True, timeout=10000)
        return
    raise exc


async def send_download(
    session: auth.Session,
    ip: str,
    kind: policy.Kind,
    make: Callable[[], bytes],
    filename: str,
    media_type: str,
    *,
    fmt: str,
    evaluation: str | None = None,
    county: str | None = None,
    year: int | None = None,
    batch_id: int | None = None,
    rows: Callable[[], int | None] | None = None,
    analysis: str | None = None,
) -> bool:
    """Hand a file to the browser the way the API does: ask the access policy
    (:func:`xinzhi.auth.policy.require_download`), build the file, write the audit entry
    (:func:`xinzhi.auth.write_export`, ``via="web"``), send it.

    A refusal (:class:`~xinzhi.auth.policy.AccessDenied`) is shown as a Chinese notification,
    as is a file that cannot be built (user error, missing typesetter, I/O); then nothing is
    sent or audited. ``make`` runs in a worker thread. Returns whether the file was sent.

    Parameters
    ----------
    session : Session
        The page's session.
    ip : str
        Client address (for the audit entry).
    kind : Kind
        What is downloaded.
    make : callable
        Builds the file's bytes (called only when allowed).
    filename, media_type : str
        What the browser saves.
    fmt : str
        File format for the audit entry.
    evaluation, county, year, batch_id, analysis
        What the file holds (``county``: the county of a report or profile; ``analysis``: the
        declared analysis of a firm-evaluation workbook).
    rows : callable, optional
        Number of rows in the file, asked after ``make()`` (audit detail).
    """
    try:
        if kind is not policy.Kind.QUARANTINE:
            policy.require_download(session.user, kind, county)
        # quarantined rows: make() calls xinzhi.pipelines.uploads.batch_quarantine, which looks
        # up the batch's owner and asks the policy (as the API's download does)
        body = await asyncio.to_thread(make)
    except policy.AccessDenied as exc:
        notify_error(exc)
        return False
    except (XinzhiError, ImportError, OSError) as exc:
        ui.notify(f"文件生成失败：{exc}", type="negative", multi_line=True, timeout=10000)
        return False
    with connection(write=True) as con:
        auth.write_export(
            con,
            kind,
            user=session.user.username,
            fmt=fmt,
            via="web",
            ip=ip,
            evaluation=evaluation,
            county=county,
            year=year,
            batch_id=batch_id,
            rows=rows() if rows is not None else None,
            analysis=analysis,
        )
    ui.download.content(body, filename, media_type)
    return True


def excel_bytes(sheets: dict[str, pd.DataFrame], kinds: dict[str, str] | None = None) -> bytes:
    """An xlsx workbook with one sheet per frame (sheet names cut to 31 characters): the header
    row frozen (``freeze_panes`` at A2), each column as wide as its header, and number formats
    by kind (:mod:`xinzhi.web._format`: shares and percentiles ``0.0%``, scores ``0.0000``,
    money ``#,##0.00``) — the cells keep the numbers.

    Parameters
    ----------
    sheets : dict
        Sheet name → frame (written as it is: the caller's on-screen rows and headers).
    kinds : dict, optional
        Column header → kind; columns not named here get :func:`~xinzhi.web._format.column_kind`
        of their header (``score``, ``percentile``, ``dim:…`` …), else no number format.
    """
    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="xlsxwriter") as writer:
        book = writer.book
        fmts: dict[str, Any] = {}
        for name, frame_ in sheets.items():
            sheet_name = name[:31]
            frame_.to_excel(writer, sheet_name=sheet_name, index=False)
            ws = writer.sheets[sheet_name]
            ws.freeze_panes(1, 0)
            for i, col in enumerate(frame_.columns):
                kind = (kinds or {}).get(str(col)) or column_kind(str(col))
                width = max(8, min(40, 2 * len(str(col)) + 2))
                if kind is None or not pd.api.types.is_numeric_dtype(frame_[col]):
                    ws.set_column(i, i, width)
                    continue
                if kind not in fmts:
                    fmts[kind] = book.add_format({"num_format": excel_format(kind)})
                ws.set_column(i, i, width, fmts[kind])
    return buf.getvalue()


def screen_frame(
    df: pd.DataFrame, labels: dict[str, str], kinds: dict[str, str] | None = None
) -> tuple[pd.DataFrame, dict[str, str]]:
    """The columns a table shows, with its Chinese headers, and the kind of each numeric
    header (:mod:`xinzhi.web._format`) — what :func:`excel_bytes` writes for "export what is
    on screen"."""
    cols = [c for c in labels if c in df.columns]
    out = df[cols].rename(columns=labels).reset_index(drop=True)
    found: dict[str, str] = {}
    for c in cols:
        kind = (kinds or {}).get(c) or column_kind(c)
        if kind is not None:
            found[labels[c]] = kind
    return out, found


def province_names(df: pd.DataFrame) -> list[str]:
    """Province names of ``df`` (``province_code``, ``province_name``) in GB/T 2260 code order
    (北京 11, 天津 12 … 新疆 65), not in character order.

    >>> province_names(pd.DataFrame({"province_code": ["62", "32", "43", "32"],
    ...                              "province_name": ["甘肃省", "江苏省", "湖南省", "江苏省"]}))
    ['江苏省', '湖南省', '甘肃省']
    """
    p = df[["province_code", "province_name"]].dropna()
    p = p.assign(_k=p["province_code"].astype(str).str[:2]).sort_values("_k")
    return [str(n) for n in dict.fromkeys(p["province_name"])]


def bind_search(search: ui.input, table: ui.table, df: pd.DataFrame, columns: list[str]) -> None:
    """Filter ``table`` (built by :func:`table_of` from ``df``) on the server as ``search``
    changes (:func:`search_rows` over ``columns``), so that an export of
    ``search_rows(df, search.value, columns)`` holds exactly the rows on screen."""
    fields = [str(c["field"]) for c in table.columns]
    key = str(table.row_key)
    if key not in fields and key in df.columns:
        fields.append(key)

    exact = [str(c["field"]) for c in table.columns if ":format" in c]  # as table_of

    def apply(e: Any) -> None:
        table.rows = display_rows(search_rows(df, e.value, columns), fields, exact=exact)

    search.on_value_change(apply)


def search_rows(df: pd.DataFrame, text: str | None, columns: list[str]) -> pd.DataFrame:
    """Rows of ``df`` whose ``columns`` contain ``text`` (case-insensitive; empty text: all
    rows) — the on-screen filter of a table, applied on the server so that the table and its
    Excel export hold the same rows.

    >>> d = pd.DataFrame({"name": ["湘潭县", "长沙县", "昆山市"], "code": ["430321", "430121", "320583"]})
    >>> search_rows(d, "43", ["name", "code"])["name"].tolist()
    ['湘潭县', '长沙县']
    """
    t = (text or "").strip().lower()
    if not t:
        return df
    hit = pd.Series(False, index=df.index)
    for c in columns:
        if c in df.columns:
            hit |= df[c].astype(str).str.lower().str.contains(t, regex=False, na=False)
    return df[hit]


def display_rows(
    df: pd.DataFrame, columns: list[str], digits: int = 4, exact: Iterable[str] = ()
) -> list[dict[str, Any]]:
    """The rows a table shows: floats rounded to ``digits`` (except the ``exact`` columns,
    whose numbers are kept whole: their column's number format rounds them once, as the Excel
    export's number format does), date-times to the second (``2026-12-04 21:40:05``, never
    with microseconds), missing values as None."""
    shown = df[columns].copy()
    keep = set(exact)
    for c in columns:
        if pd.api.types.is_float_dtype(shown[c]) and c not in keep:
            shown[c] = shown[c].round(digits)
        elif pd.api.types.is_datetime64_any_dtype(shown[c]):
            shown[c] = shown[c].dt.strftime("%Y-%m-%d %H:%M:%S")
    records = shown.astype(object).where(shown.notna(), None).to_dict("records")
    return [{str(k): v for k, v in r.items()} for r in records]


def table_of(
    df: pd.DataFrame,
    labels: dict[str, str],
    *,
    row_key: str | None = None,
    pagination: int | None = 15,
    digits: int = 4,
    kinds: dict[str, str] | None = None,
) -> ui.table:
    """A sortable table with Chinese column labels (values as :func:`display_rows` gives them,
    shown in the one number format of :mod:`xinzhi.web._format`: ``kinds`` maps a column to its
    kind, otherwise :func:`~xinzhi.web._format.column_kind` of its name; the numbers stay numbers,
    so sorting is numeric).

    A column with a kind is sent unrounded and rounded only by its kind's format, so the screen
    and the Excel export (the same number under the kind's number format) agree: a share
    0.07449 is 7.4 % on both (rounding it first to 4 digits, 0.0745, showed 7.5 %). ``digits``
    rounds the other float columns (shown as they are)."""
    cols = [c for c in labels if c in df.columns]
    extra = [row_key] if row_key and row_key not in cols and row_key in df.columns else []
    formatted: list[str] = []
    columns = []
    for c in cols:
        col: dict[str, Any] = {
            "name": c,
            "label": labels[c],
            "field": c,
            "sortable": True,
            "align": "left",
        }
        kind = (kinds or {}).get(c) or column_kind(c)
        if kind is not None and pd.api.types.is_numeric_dtype(df[c]):
            col[":format"] = format_js(kind)
            col["align"] = "right"
            formatted.append(c)
        columns.append(col)
    return (
        ui.table(
            columns=columns,
            rows=display_rows(df, cols + extra, digits, exact=formatted),
            row_key=row_key or cols[0],
            pagination=pagination,
        )
        .classes("w-full")
        .props("wrap-cells")
    )
