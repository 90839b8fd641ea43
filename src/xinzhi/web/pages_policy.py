"""Pages of support policies (issue #15): 政策计算器 (``/policy``: a firm by credit code or a
form generated from the fields the clauses read; a person by the form), 政策库
(``/policy/library``: documents with each clause's source sentence beside its rule, the full
text, the review queue of drafts from the extractor, publish / retire with dates for editors)
and 兑现名单 (``/policy/payout``: per document the eligible firms or persons, budget against
demand, the workbook for payment and push messages, and the effect indicators 知晓率 / 兑现率 /
满意度).

The pages call :mod:`xinzhi.api.policy_views` — the same functions and access checks as the
REST API's ``/api/policy/*`` (a county account sees its own county's firms and the documents of
regions containing it; personal data of persons masked for analysts) — and draw. The workbook
goes through :func:`xinzhi.web._frame.send_download` (policy + audit, kind ``firms``); drafts,
publishing and retiring are written to the audit log as the API writes them (``via: web``).
Every text shown is set as text (never as HTML).
"""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import urlencode

import pandas as pd
from fastapi import Request
from nicegui import ui

from xinzhi import auth
from xinzhi.api import policy_views as pv
from xinzhi.auth.policy import Action, Kind, allows, can_edit_policy, policy_county
from xinzhi.errors import XinzhiError
from xinzhi.pipelines.policy import date_text
from xinzhi.web._context import client_ip, connection
from xinzhi.web._frame import XLSX, guarded, send_download, synthetic_banner

__all__ = ["register"]

_SUBJECTS = {"firm": "企业", "person": "人才"}
_HEADERS = {
    "credit_code": "统一社会信用代码",
    "person_id": "人员编号",
    "name": "名称",
    "region_code": "县区代码",
    "document": "政策文件",
    "clause": "条款",
    "clause_title": "条款名称",
    "status": "结论",
    "amount_min": "金额下限（万元）",
    "amount_max": "金额上限（万元）",
    "amount": "金额（万元）",
    "allocated": "分配金额（万元）",
    "reason": "理由",
    "missing": "缺少的数据",
    "period": "期间",
    "eligible": "符合条件",
    "notified": "已告知",
    "applied": "已申请",
    "paid": "已兑现",
    "aware": "知晓人数",
    "satisfaction": "满意度",
    "message": "推送内容",
    "title": "文件标题",
    "eligible_amount": "符合条件金额（万元）",
    "paid_amount": "已兑现金额（万元）",
    "rated": "评价人数",
    "awareness_rate": "知晓率",
    "payout_rate": "兑现率",
}
"""Chinese headers of the pipeline's columns (a column not listed keeps its own name)."""
_NULL = "(v === null || v === undefined || v === '' || Number.isNaN(v))"
_MONEY = f"v => {_NULL} ? '—' : Number(v).toLocaleString('zh-CN', {{minimumFractionDigits: 2, maximumFractionDigits: 2}})"
_TEXT = f"v => {_NULL} ? '—' : v"
_PCT = f"v => {_NULL} ? '—' : (100 * Number(v)).toFixed(1) + '%'"
_FORMAT = {"money": _MONEY, "pct": _PCT, "score": f"v => {_NULL} ? '—' : Number(v).toFixed(2)"}
_STATUS_SLOT = (
    '<q-td :props="props" style="white-space: nowrap" :class="{'
    "'text-green-8 text-weight-bold': props.value === '符合', "
    "'text-red-8': props.value === '不符合', "
    "'text-amber-9': props.value === '可能符合'}\">{{ props.value }}</q-td>"
)
"""A clause status cell: 符合 green, 可能符合 amber, 不符合 red (Vue interpolation: text)."""


def _sub_nav(active: str, user: auth.User) -> None:
    with ui.row().classes("gap-2 items-center"):
        for path, label in (
            ("/policy", "政策计算器"),
            ("/policy/library", "政策库"),
            ("/policy/payout", "兑现名单与政策效果"),
        ):
            ui.link(label, path).classes(
                "px-2 py-1 rounded no-underline "
                + ("bg-slate-200 font-bold text-slate-900" if path == active else "text-slate-700")
            ).props(f'data-testid="policy-nav-{path.rsplit("/", 1)[-1]}"')


def _error(box: Any, exc: Exception, testid: str = "policy-error") -> None:
    with box:
        ui.label(str(exc)).classes("text-negative text-lg").props(f'data-testid="{testid}"')


def _table(
    df: pd.DataFrame,
    columns: Sequence[tuple[str, str, str]],
    *,
    row_key: str,
    testid: str,
    pagination: int | None = 20,
) -> ui.table:
    """A sortable table (Chinese headers; kinds text / money / wide / status / list)."""
    cols = [c for c in columns if c[0] in df.columns]
    shown = df[[c[0] for c in cols] + ([row_key] if row_key not in [c[0] for c in cols] else [])]
    shown = shown.copy()
    for key, _, kind in cols:
        if kind == "list":
            shown[key] = shown[key].map(
                lambda v: "、".join(str(x) for x in v) if isinstance(v, list | tuple) else v
            )
    shown = shown.astype(object).where(shown.notna(), None)
    qcols = []
    for key, label, kind in cols:
        col: dict[str, Any] = {
            "name": key,
            "label": label,
            "field": key,
            "sortable": True,
            "align": "right" if kind in _FORMAT else "left",
            ":format": _FORMAT.get(kind, _TEXT),
        }
        if kind in ("wide", "list"):
            col["style"] = "white-space: normal; min-width: 12rem; max-width: 36rem"
        qcols.append(col)
    table = ui.table(
        columns=qcols, rows=shown.to_dict("records"), row_key=row_key, pagination=pagination
    ).classes("w-full")
    table.props(f'dense flat bordered data-testid="{testid}"')
    for key, _, kind in cols:
        if kind == "status":
            table.add_slot(f"body-cell-{key}", _STATUS_SLOT)
    return table


async def _run(fn: Callable[..., Any], *args: Any, write: bool = False, **kwargs: Any) -> Any:
    """``fn(con, *args, **kwargs)`` on a warehouse connection in a worker thread."""

    def work() -> Any:
        with connection(write=write) as con:
            return fn(con, *args, **kwargs)

    return await asyncio.to_thread(work)


def _amount(lo: Any, hi: Any) -> str:
    def f(v: Any) -> str:
        return f"{float(v):,.2f}"

    if lo is None or pd.isna(lo):
        return "—"
    if hi is None or pd.isna(hi):
        return f"{f(lo)} 万元起（不封顶）"
    return f"{f(lo)} 万元" if float(lo) == float(hi) else f"{f(lo)}–{f(hi)} 万元"


def _results(box: ui.column, view: pv.CheckView) -> None:
    box.clear()
    with box:
        if view.synthetic:
            synthetic_banner()
        t = view.rows
        counts = view.counts()
        total = _amount(*view.totals())
        ui.label(
            f"符合 {counts['符合']} 条 · 可能符合 {counts['可能符合']} 条 · 不符合 {counts['不符合']} 条；"
            f"符合条款的金额合计 {total}"
        ).classes("font-bold mt-2").props('data-testid="policy-counts"')
        shown = t.assign(
            amount=[_amount(a, b) for a, b in zip(t["amount_min"], t["amount_max"], strict=True)]
        )
        shown = shown.assign(
            row_id=[f"{d}:{c}" for d, c in zip(t["document"], t["clause"], strict=True)]
        )
        _table(
            shown,
            [
                ("document_title", "政策文件", "wide"),
                ("clause", "条款", "text"),
                ("clause_title", "条款名称", "wide"),
                ("status", "结论", "status"),
                ("amount", "金额", "text"),
                ("reason", "理由", "wide"),
                ("missing_labels", "缺少的数据", "list"),
            ],
            row_key="row_id",
            testid="policy-results",
            pagination=50,
        )
        if view.explanation:
            with ui.expansion("逐项说明（所用数值与每个条件）").classes("w-full"):
                ui.label(view.explanation).classes("whitespace-pre-wrap text-sm").props(
                    'data-testid="policy-explain"'
                )


def _field_input(f: dict[str, Any]) -> Any:
    """One input of the calculator's form: a select for 是/否 and ordered levels (学历 …), a
    text input otherwise (numbers, dates YYYY-MM-DD, codes), labelled in Chinese with the unit."""
    label = f["label"] + (f"（{f['unit']}）" if f["unit"] and f["unit"] != "0–1" else "")
    if f["unit"] == "0–1":
        label += "（0–1 的小数）"
    props = f'dense outlined clearable data-field="{f["key"]}"'
    if f["type"] == "boolean":
        return ui.select({"是": "是", "否": "否"}, label=label).props(props)
    if f["type"] == "ordinal" and f["levels"]:
        return ui.select(list(f["levels"]), label=label).props(props)
    hint = "如 2025-06-30" if f["type"] == "date" else None
    return ui.input(label, placeholder=hint).props(props)


def _calculator(session: auth.Session, code: str, subject: str) -> Any:
    """Draw the calculator; returns the coroutine that fills it once the client is connected."""
    user = session.user
    if subject == "firm":
        with ui.row().classes("items-end gap-4"):
            box = (
                ui.input("统一社会信用代码（18 位，回车查询）", value=code)
                .classes("w-96")
                .props('data-testid="policy-code"')
            )

            def go() -> None:
                ui.navigate.to("/policy?" + urlencode({"code": str(box.value or "").strip()}))

            box.on("keydown.enter", go)
            ui.button("查询", icon="search", on_click=go).props(
                'no-caps data-testid="policy-lookup"'
            )
    results = ui.column().classes("w-full")

    async def lookup(credit_code: str) -> None:
        credit_code = credit_code.strip().upper()
        results.clear()
        if not credit_code:
            return
        try:
            view = await _run(pv.check, user, credit_code=credit_code, subject="firm")
        except XinzhiError as exc:
            _error(results, exc)
            return
        _results(results, view)

    async def compute(inputs: dict[str, Any]) -> None:
        results.clear()
        code_ = code.strip().upper() if subject == "firm" else ""
        try:
            values = pv.form_values({k: i.value for k, i in inputs.items()}) or {}
            if code_:  # the firm looked up, its data overridden by what the form gives
                view = await _run(pv.check, user, credit_code=code_, values=values, subject=subject)
            else:
                view = await _run(pv.check, user, values=values, subject=subject)
        except XinzhiError as exc:
            _error(results, exc)
            return
        _results(results, view)

    form_box = ui.column().classes("w-full")

    async def fill() -> None:
        if code:
            await lookup(code)
        try:
            fields = await _run(pv.form_fields, user, subject=subject)
        except XinzhiError as exc:
            _error(form_box, exc)
            return
        with form_box:
            if not fields:
                ui.label(f"没有可见的{_SUBJECTS[subject]}政策条款需要填写数据。").classes(
                    "text-sm mt-4"
                ).props('data-testid="policy-no-fields"')
                return
            what = (
                "补充或修改该企业的数据后重新计算（填写的数值覆盖数据仓库中的数据，不保存）"
                if code and subject == "firm"
                else f"或者填写{_SUBJECTS[subject]}数据"
            )
            ui.label(
                f"{what}：只列出政策条款读取的字段；数字、是/否、日期写作“年-月-日”（如 2025-06-30）"
            ).classes("font-bold mt-4")
            inputs: dict[str, Any] = {}
            with ui.grid(columns=3).classes("w-full gap-2").props('data-testid="policy-form"'):
                if policy_county(user) is None and not (code and subject == "firm"):
                    # accounts of every county say where the subject is (a county account's
                    # form is of its own county)
                    inputs["region_code"] = ui.input(
                        "所在县（区）区划代码（6 位；不填则不按地区筛选文件）"
                    ).props('dense outlined clearable data-field="region_code"')
                for f in fields:  # a loop over the fields the clauses read
                    inputs[f["key"]] = _field_input(f)
            ui.button("计算", icon="calculate", on_click=lambda: compute(inputs)).props(
                'no-caps data-testid="policy-compute"'
            )

    return fill


def _library(session: auth.Session, doc_id: str) -> Any:
    user = session.user
    box = ui.column().classes("w-full")

    async def fill() -> None:
        try:
            docs = await _run(pv.documents, user, status=None)
        except XinzhiError as exc:
            _error(box, exc)
            return
        published = (
            docs[
                [
                    pv.is_published(s, b)
                    for s, b in zip(
                        docs["status"],
                        docs.get("builtin", pd.Series(False, index=docs.index)),
                        strict=True,
                    )
                ]
            ]
            if not docs.empty
            else docs
        )
        queue = docs[~docs["id"].isin(published["id"])] if not docs.empty else docs
        with box:
            ui.label("政策文件").classes("text-lg font-bold mt-2")
            shown = published.assign(
                subject_label=published["subject"].map(lambda s: _SUBJECTS.get(str(s), str(s))),
                date=published["date"].map(date_text),
            )
            t = _table(
                shown,
                [
                    ("title", "标题", "wide"),
                    ("issuer", "发文机关", "wide"),
                    ("doc_number", "文号", "text"),
                    ("date", "日期", "text"),
                    ("region", "适用地区", "text"),
                    ("subject_label", "对象", "text"),
                    ("category", "类别", "text"),
                    ("clauses", "条款数", "text"),
                    ("status_label", "状态", "text"),
                ],
                row_key="id",
                testid="policy-documents",
            )
            t.on(
                "rowClick",
                lambda e: ui.navigate.to("/policy/library?" + urlencode({"doc": e.args[1]["id"]})),
            )
            if allows(user, Action.EDIT_POLICY):
                ui.label("审核队列（待审核的草稿与已废止的文件）").classes("text-lg font-bold mt-4")
                if queue.empty:
                    ui.label("没有待审核的草稿。").classes("text-sm").props(
                        'data-testid="policy-queue-empty"'
                    )
                else:
                    q = _table(
                        queue,
                        [
                            ("id", "编号", "text"),
                            ("title", "标题", "wide"),
                            ("region", "适用地区", "text"),
                            ("status_label", "状态", "text"),
                        ],
                        row_key="id",
                        testid="policy-queue",
                    )
                    q.on(
                        "rowClick",
                        lambda e: ui.navigate.to(
                            "/policy/library?" + urlencode({"doc": e.args[1]["id"]})
                        ),
                    )
        if doc_id:
            await _detail(box, session, doc_id)
        if allows(user, Action.EDIT_POLICY):
            _drafting(box, session)

    return fill


async def _detail(box: ui.column, session: auth.Session, doc_id: str) -> None:
    user = session.user
    try:
        d = await _run(pv.document_detail, user, doc_id)
    except XinzhiError as exc:
        _error(box, exc)
        return
    info = d.info
    with box:
        ui.label(f"{info.get('title', '')}").classes("text-xl font-bold mt-6").props(
            'data-testid="policy-title"'
        )
        meta = " · ".join(
            str(x)
            for x in (
                info.get("issuer"),
                info.get("doc_number"),
                date_text(info.get("date")),
                f"适用地区 {info.get('region') or '全国'}",
                f"状态 {info.get('status_label')}",
            )
            if x
        )
        ui.label(meta).classes("text-sm text-slate-700")
        if info.get("source"):
            ui.label(f"来源：{info['source']}").classes("text-xs text-slate-500 break-all")
        ui.label("条款：左为原文，右为编码后的条件与奖补（YAML）").classes("font-bold mt-2")
        with ui.column().classes("w-full gap-2").props('data-testid="policy-clauses"'):
            for c in d.clauses:
                with ui.card().classes("w-full"):
                    ui.label(f"{c['article']} {c['id']} {c['title']}").classes("font-bold")
                    with ui.row().classes("w-full no-wrap gap-4 max-lg:flex-wrap"):
                        ui.label(c["text"]).classes(
                            "flex-1 whitespace-pre-wrap text-sm min-w-[20rem]"
                        )
                        ui.label(c["rule"] or "（无金额或条件，仅作说明）").classes(
                            "flex-1 whitespace-pre-wrap font-mono text-xs bg-slate-50 p-2 min-w-[20rem]"
                        )
                    if c["note"]:
                        ui.label(f"未编码部分：{c['note']}").classes("text-xs text-slate-600")
        if d.text:
            with ui.expansion("文件全文").classes("w-full"):
                ui.label(d.text).classes("whitespace-pre-wrap text-sm").props(
                    'data-testid="policy-text"'
                )
        with ui.expansion("完整规则（YAML）").classes("w-full"):
            ui.label(d.yaml).classes("whitespace-pre-wrap font-mono text-xs")
        editable = can_edit_policy(user, info.get("region")) and allows(user, Action.EDIT_POLICY)
        if editable and not info.get("builtin"):
            _status_controls(session, doc_id, published=pv.is_published(d.status))


def _status_controls(session: auth.Session, doc_id: str, *, published: bool) -> None:
    """Publish (a draft, a document under review or a retired one) or retire (a published one)
    from a date."""
    user = session.user
    with ui.row().classes("items-end gap-4 mt-2"):
        day = ui.input("日期（如 2025-06-30）", value=dt.date.today().isoformat()).props(
            'data-testid="policy-date"'
        )

        async def change(action: str) -> None:
            try:
                on = dt.date.fromisoformat(str(day.value).strip())
            except ValueError:
                ui.notify(
                    f"日期应写作“年-月-日”（如 2025-06-30），得到 {day.value!r}", type="negative"
                )
                return
            fn = pv.publish if action == "publish" else pv.retire
            try:
                await _run(_audited, fn, user, doc_id, on, action=action, write=True)
            except XinzhiError as exc:
                ui.notify(str(exc), type="negative", multi_line=True)
                return
            ui.notify(
                ("已发布" if action == "publish" else "已废止") + f"：{doc_id}（{on}）",
                type="positive",
            )
            ui.navigate.to("/policy/library?" + urlencode({"doc": doc_id}))

        if published:
            ui.button(
                "自该日起废止", icon="block", color="negative", on_click=lambda: change("retire")
            ).props('no-caps data-testid="policy-retire"')
        else:
            ui.button("自该日起发布", icon="publish", on_click=lambda: change("publish")).props(
                'no-caps data-testid="policy-publish"'
            )


def _audited(
    con: Any, fn: Callable[..., Any], user: auth.User, doc_id: str, on: dt.date, *, action: str
) -> None:
    fn(con, user, doc_id, on)
    auth.write_audit(
        con,
        f"policy_{action}",
        user=user.username,
        target=f"policy:{doc_id}",
        detail={"on": on.isoformat(), "via": "web"},
    )


def _drafting(box: ui.column, session: auth.Session) -> None:
    user = session.user
    with box:
        ui.label("起草：粘贴政策原文，查看建议的条款，修改 YAML 后保存为草稿").classes(
            "text-lg font-bold mt-6"
        )
        text = (
            ui.textarea("政策原文")
            .classes("w-full")
            .props('outlined autogrow data-testid="policy-source"')
        )
        extract_button = ui.button("提取条款建议", icon="auto_fix_high").props(
            'no-caps data-testid="policy-extract"'
        )
        proposals = ui.column().classes("w-full")
        draft = (
            ui.textarea("政策文件（YAML）")
            .classes("w-full font-mono")
            .props('outlined autogrow data-testid="policy-yaml"')
        )

        async def propose() -> None:
            proposals.clear()
            try:
                res = await asyncio.to_thread(pv.extract, user, str(text.value or ""))
            except XinzhiError as exc:
                _error(proposals, exc)
                return
            if res.yaml:
                draft.value = res.yaml
            with proposals:
                ui.label(
                    f"建议 {len(res.proposals)} 条（原句与建议的规则对照；请核对，修改下方 YAML 后保存）"
                ).classes("text-sm").props('data-testid="policy-proposals"')
                for p in res.proposals[:300]:
                    with ui.card().classes("w-full"):
                        ui.label(f"{p['article']} {p['heading']}").classes("font-bold text-sm")
                        with ui.row().classes("w-full no-wrap gap-4 max-lg:flex-wrap"):
                            ui.label(p["text"]).classes(
                                "flex-1 whitespace-pre-wrap text-sm min-w-[20rem]"
                            )
                            ui.label(p["rule"] or "（未识别出条件或金额）").classes(
                                "flex-1 whitespace-pre-wrap font-mono text-xs bg-slate-50 p-2 "
                                "min-w-[20rem]"
                            )

        async def save() -> None:
            try:
                doc_id = await _run(_save_draft, user, str(draft.value or ""), write=True)
            except XinzhiError as exc:
                ui.notify(str(exc), type="negative", multi_line=True, timeout=15000)
                return
            ui.notify(f"草稿已保存：{doc_id}（待审核）", type="positive")
            ui.navigate.to("/policy/library?" + urlencode({"doc": doc_id}))

        extract_button.on_click(propose)
        ui.button("保存草稿", icon="save", on_click=save).props('no-caps data-testid="policy-save"')


def _save_draft(con: Any, user: auth.User, yaml_text: str) -> str:
    doc_id = pv.save_draft(con, user, yaml_text)
    auth.write_audit(
        con, "policy_draft", user=user.username, target=f"policy:{doc_id}", detail={"via": "web"}
    )
    return doc_id


def _payout(session: auth.Session, request: Request, doc_id: str, clause: str) -> Any:
    user = session.user
    box = ui.column().classes("w-full")
    ip = client_ip(request)

    async def fill() -> None:
        try:
            docs = await _run(pv.documents, user)
        except XinzhiError as exc:
            _error(box, exc)
            return
        options = {str(i): f"{t}（{i}）" for i, t in zip(docs["id"], docs["title"], strict=True)}
        with box:
            ui.select(
                options,
                value=doc_id if doc_id in options else None,
                with_input=True,
                label="选择政策文件",
                on_change=lambda e: ui.navigate.to("/policy/payout?" + urlencode({"doc": e.value})),
            ).classes("w-[40rem]").props('data-testid="payout-document"')
        if doc_id not in options:
            if doc_id:
                _error(box, XinzhiError(f"没有可查看的政策文件 {doc_id}"))
            return
        try:
            pl, rows = await _run(pv.payout, user, doc_id, clause=clause or None)
            shown = await _run(pv.missing_in_words, doc_id, rows)
        except XinzhiError as exc:
            _error(box, exc)
            return
        with box:
            budget, demand = pl.budget, pl.demand
            b = "未设预算" if budget is None else f"预算 {float(budget):,.2f} 万元"
            d = "—" if demand is None else f"{float(demand):,.2f} 万元"
            ok = int((rows["status"] == "符合").sum()) if "status" in rows.columns else len(rows)
            ui.label(
                f"符合 {ok} 条（免申即享）· 可能符合 {len(rows) - ok} 条（精准推送，请补充数据）"
                f" · 需求合计 {d} · {b}"
            ).classes("font-bold mt-2").props('data-testid="payout-summary"')
            if budget is not None and demand is not None and float(demand) > float(budget):
                ui.label("需求超过预算：按文件规定的分配规则分配（见“分配金额”列）").classes(
                    "text-amber-900"
                )
            cols = [
                (
                    str(c),
                    _HEADERS.get(str(c), str(c)),
                    "money" if pd.api.types.is_float_dtype(shown[c]) else "text",
                )
                for c in shown.columns
                if c != "document"
            ]
            _table(
                shown.assign(_row=range(len(shown))), cols, row_key="_row", testid="payout-table"
            )
            county = policy_county(user)

            async def download() -> None:
                await send_download(
                    session,
                    ip,
                    Kind.FIRMS,
                    lambda: pv.payout_workbook(pl, rows),
                    f"兑现名单_{doc_id}.xlsx",
                    XLSX,
                    fmt="xlsx",
                    county=county,
                    rows=lambda: len(rows),
                    analysis=f"payout-{doc_id}",
                )

            ui.button("下载兑现名单与推送名单（Excel）", icon="download", on_click=download).props(
                'no-caps data-testid="payout-download"'
            )
        try:
            eff = await _run(pv.effect, user, document=doc_id)
        except XinzhiError as exc:
            _error(box, exc)
            return
        with box:
            ui.label("政策效果（知晓率、兑现率、满意度）").classes("text-lg font-bold mt-6")
            if eff.empty:
                ui.label("还没有导入该政策的兑现记录。").classes("text-sm").props(
                    'data-testid="effect-empty"'
                )
            else:
                kinds = {"eligible_amount": "money", "paid_amount": "money", "满意度": "score"}
                cols = [
                    (
                        str(c),
                        _HEADERS.get(str(c), str(c)),
                        "pct" if str(c).endswith("率") else kinds.get(str(c), "text"),
                    )
                    for c in eff.columns
                    if c != "document"
                ]
                _table(
                    eff.assign(_row=range(len(eff))), cols, row_key="_row", testid="effect-table"
                )

    return fill


def register() -> None:
    """Define the pages."""

    @ui.page("/policy", title="政策计算器 · 新质 县域新质生产力")
    @guarded()
    async def calculator_page(
        request: Request, session: auth.Session, code: str = "", subject: str = "firm"
    ) -> None:
        subject = subject if subject in _SUBJECTS else "firm"
        ui.label("政策计算器").classes("text-xl font-bold")
        _sub_nav("/policy", session.user)
        ui.toggle(
            {k: f"{v}视图" for k, v in _SUBJECTS.items()},
            value=subject,
            on_change=lambda e: ui.navigate.to("/policy?" + urlencode({"subject": e.value})),
        ).props('data-testid="policy-subject"')
        fill = _calculator(session, code if subject == "firm" else "", subject)
        await ui.context.client.connected()
        await fill()

    @ui.page("/policy/library", title="政策库 · 新质 县域新质生产力")
    @guarded()
    async def library_page(request: Request, session: auth.Session, doc: str = "") -> None:
        ui.label("政策库").classes("text-xl font-bold")
        _sub_nav("/policy/library", session.user)
        fill = _library(session, doc)
        await ui.context.client.connected()
        await fill()

    @ui.page("/policy/payout", title="兑现名单 · 新质 县域新质生产力")
    @guarded()
    async def payout_page(
        request: Request, session: auth.Session, doc: str = "", clause: str = ""
    ) -> None:
        ui.label("兑现名单与政策效果").classes("text-xl font-bold")
        _sub_nav("/policy/payout", session.user)
        fill = _payout(session, request, doc, clause)
        await ui.context.client.connected()
        await fill()
