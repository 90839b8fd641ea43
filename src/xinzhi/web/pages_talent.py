"""Page 人才 (``/talent``; issue #16): the county talent base (三库一体) — counts of 人才库, 岗位库
and 人才政策库 (the person documents of the policy library), the best talents for a job and the
best jobs for a talent with 匹配度 and reasons, the 能力雷达图 of a talent against a job, the
talent policies a person may get, the shortage catalogue (紧缺人才目录) with ★ and its workbook,
and the 人才地图 by industry chain link.

Everything comes from :mod:`xinzhi.pipelines.talent` (its ``*_view`` functions hold the county
check and the masking of names and phone numbers, as the REST API's routes); files go through
:func:`xinzhi.web._frame.send_download` (policy + audit, kind ``report``). A county account sees
its own county; admin and analyst choose one. Persons are offered for selection only to the
accounts that see personal data (admin, county). Every text is set as text, never as HTML.

导入 (accounts that upload): a file of talents or jobs (xlsx / csv, or résumé / posting text
blocks in .txt / .md) through :func:`xinzhi.web._upload.import_upload_widget` — quota, audit and
the import report as on page 数据 — imported by :func:`xinzhi.pipelines.talent
.import_talents_as` (a county account imports its own county only); the counts of the bases are
refreshed. 个人信息保存期限: the retention of each base, changed and applied (purge now) by
administrators only (:func:`xinzhi.pipelines.talent.set_retention_as`, ``purge_as``; audited
as ``talent_retention`` / ``talent_purge``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

import pandas as pd
from fastapi import Request
from nicegui import ui

from xinzhi import auth
from xinzhi.auth.policy import Action, Kind, allows, is_unrestricted, sees_personal_data
from xinzhi.errors import XinzhiError
from xinzhi.labels import SYNTHETIC_NOTE
from xinzhi.pipelines import talent as tp
from xinzhi.web._busy import busy_box, run_in_box
from xinzhi.web._charts import radar_options
from xinzhi.web._context import client_ip, connection
from xinzhi.web._frame import XLSX, guarded, heading, send_download, table_of
from xinzhi.web._upload import import_upload_widget

__all__ = ["register"]

_EDU = {0: "不详", 1: "初中及以下", 2: "高中/中专/技校", 3: "大专", 4: "本科", 5: "硕士", 6: "博士"}
_MATCH_LABELS = {
    "rank": "名次",
    "title": "岗位",
    "firm_name": "企业",
    "person_id": "人员编号",
    "name": "姓名",
    "phone": "手机",
    "match_pct": "匹配度",
    "reasons": "匹配理由",
}
_CATALOGUE_LABELS = {
    "rank": "序号",
    "name": "职业",
    "occupation": "职业代码",
    "stars_text": "紧缺程度",
    "demand": "岗位需求",
    "supply": "本地求职",
    "gap": "缺口",
    "ratio": "求人倍率",
    "index": "紧缺指数",
    "evidence": "依据",
}
_MAP_LABELS = {
    "chain": "产业链",
    "segment_name": "环节",
    "stage": "链位",
    "occupations": "紧缺职业",
    "demand": "岗位需求",
    "supply": "本地求职",
    "gap": "缺口",
    "stars_text": "紧缺程度",
}
_POLICY_LABELS = {
    "document": "政策文件",
    "clause": "条款",
    "status": "判定",
    "amount_min": "金额下限（万元）",
    "amount_max": "金额上限（万元）",
    "reason": "理由",
}


def _stars(n: Any) -> str:
    k = int(n) if n == n else 0
    return "★" * k if k else "—"


def radar_chart_options(axes: pd.DataFrame) -> dict[str, Any]:
    """ECharts radar of a talent (人才) against a job's requirement (岗位要求), axes on 0–100
    (:func:`xinzhi.web._charts.radar_options` with the fixed scale)."""
    dims = axes.rename(columns={"axis": "dimension"})
    opts = radar_options(dims, {"talent": "人才", "requirement": "岗位要求"})
    opts["radar"]["indicator"] = [{"name": str(a), "max": 100} for a in dims["dimension"]]
    return opts


def _county_select(user: auth.User, county: str, go: Any) -> str | None:
    """The county shown: a county account's own; admin / analyst pick one (6-digit code)."""
    if not is_unrestricted(user):
        return str(user.county_code) if user.county_code else None
    ui.input("县级单位（6 位区划代码）", value=county, on_change=None).classes("w-60").props(
        'data-testid="talent-county"'
    ).on("keydown.enter", lambda e: go(county=e.sender.value))
    return county or None


def register() -> None:
    """Define the page."""

    @ui.page("/talent", title="人才 · 新质 县域新质生产力")
    @guarded()
    async def talent_page(
        request: Request,
        session: auth.Session,
        county: str = "",
        job: str = "",
        person: str = "",
        embedder: str = "e5",
        year: str = "",
    ) -> None:
        user = session.user
        ui.label("人才").classes("text-xl font-bold")
        ui.label(
            "县域人才库（三库一体）：人才库、岗位库与人才政策库；人岗双向匹配、能力雷达图、"
            "紧缺人才目录与人才地图。"
        ).classes("text-sm text-slate-700")
        embedder = embedder if embedder in ("e5", "use", "none") else "e5"
        base = {
            "county": county,
            "job": job,
            "person": person,
            "embedder": embedder,
            "year": year,
        }

        def go(**changes: Any) -> None:
            q = {k: v for k, v in {**base, **changes}.items() if v}
            ui.navigate.to("/talent?" + urlencode(q))

        code = _county_select(user, county, go)
        if code is None:
            ui.label("请输入县级单位的 6 位区划代码后回车。").props('data-testid="talent-hint"')
            return
        try:
            with connection() as con:
                code = tp.visible_county(con, user, code) or code
                counts = tp.base_counts(con, county=code)
                docs = tp.person_documents(con, county=code)
                jobs = tp.jobs_view(con, user, county=code)
                talents = (
                    tp.talents_view(con, user, county=code)
                    if sees_personal_data(user)
                    else pd.DataFrame()
                )
        except XinzhiError as exc:
            ui.label(str(exc)).classes("text-negative").props('data-testid="talent-error"')
            return
        if counts["synthetic"]:
            ui.label(SYNTHETIC_NOTE).classes("text-sm text-amber-700").props(
                'data-testid="talent-synthetic"'
            )
        heading("三库概况")
        shown_counts: dict[str, ui.label] = {}
        with ui.row().classes("gap-6").props('data-testid="talent-bases"'):
            for key, label in (
                ("talents", "人才库（人）"),
                ("jobs", "岗位库（个岗位）"),
                ("positions", "未招满岗位招聘人数"),
                ("policies", "人才政策库（份文件）"),
            ):
                with ui.card().classes("p-3"):
                    ui.label(label).classes("text-xs text-slate-600")
                    shown_counts[key] = (
                        ui.label(str(counts[key]))
                        .classes("text-2xl font-bold")
                        .props(f'data-testid="talent-count-{key}"')
                    )

        def refresh_counts() -> None:
            with connection() as con:
                fresh = tp.base_counts(con, county=code)
            for key, lab in shown_counts.items():
                lab.set_text(str(fresh[key]))

        if allows(user, Action.UPLOAD):
            _imports(session, client_ip(request), code, refresh_counts)
        if len(docs):
            table_of(
                docs, {"id": "文件编号", "title": "标题", "issuer": "发文机关", "clauses": "条款数"}
            ).props('data-testid="talent-policies"')
        if counts["talents"] == 0 and counts["jobs"] == 0:
            ui.label(
                "该县区的人才库与岗位库为空：在上面“导入”中上传人才或岗位文件；导入后重新打开本页可做匹配。"
            ).props('data-testid="talent-hint"')
            return

        heading("人岗匹配")
        shown = jobs.head(500)
        job_choices = {
            str(j): f"{t}（{f if isinstance(f, str) else ''}，{p} 人）"
            for j, t, f, p in zip(
                shown["job_id"], shown["title"], shown["firm_name"], shown["positions"], strict=True
            )
        }
        with ui.row().classes("items-end gap-4 flex-wrap"):
            ui.select(
                job_choices,
                value=job if job in job_choices else None,
                label="岗位：找最匹配的人才",
                with_input=True,
                on_change=lambda e: go(job=e.value),
            ).classes("w-96").props('data-testid="talent-job"')
            if len(talents):
                few = talents.head(500)
                edu = pd.to_numeric(few["education_level"], errors="coerce").fillna(0).astype(int)
                person_choices = {
                    str(p): f"{n}（{_EDU.get(int(e), '')}）"
                    for p, n, e in zip(few["person_id"], few["name"], edu, strict=True)
                }
                ui.select(
                    person_choices,
                    value=person if person in person_choices else None,
                    label="人才：找最匹配的岗位",
                    with_input=True,
                    on_change=lambda e: go(person=e.value),
                ).classes("w-96").props('data-testid="talent-person"')
        emb = None if embedder == "none" else embedder
        await ui.context.client.connected()
        if job:
            await _matches(user, code, emb, job_id=job, person_id=None)
        if person and sees_personal_data(user):
            await _matches(user, code, emb, job_id=None, person_id=person)
            _person_policies(code, person)
        if job and person and sees_personal_data(user):
            _radar(user, code, person, job)
        this = dt.date.today().year
        years = {str(y): f"{y} 年发布的岗位（与上年比较缺口）" for y in range(this, this - 6, -1)}
        year = year if year in years else ""
        await _shortage(request, session, code, int(year) if year else None, years, year, go)


def _imports(session: auth.Session, ip: str, code: str, refresh: Any) -> None:
    """Section 导入 (upload of talents and jobs) and 个人信息保存期限."""
    user = session.user
    heading("导入人才与岗位")
    ui.label(
        "表格（xlsx / csv，中文表头：人员编号、姓名、手机、学历、专业、工作年限、技能……；岗位："
        "岗位名称、企业名称、招聘人数、学历要求、薪资……）或文本（.txt / .md，每份简历或岗位之间"
        f"空一行）。表中没有区划代码的行记为本县（{code}）。"
    ).classes("text-sm text-slate-700")
    if not is_unrestricted(user):
        ui.label(f"县区用户只能导入本县区（{code}）的记录：其他县区的行会被隔离。").classes(
            "text-sm text-warning"
        ).props('data-testid="talent-county-upload-note"')
    with ui.row().classes("w-full gap-4 flex-nowrap"):
        for kind, label in (("talents", "人才（求职者简历）"), ("jobs", "岗位（企业招聘）")):
            with ui.column().classes("w-1/2"):
                ui.label(label).classes("font-bold")
                import_upload_widget(
                    session,
                    ip,
                    label=f"选择或拖入{label}文件",
                    suffixes=(".xlsx", ".csv", ".txt", ".md"),
                    run=_runner(user, kind, code),
                    testid=f"talent-upload-{kind}",
                    done=lambda _r: refresh(),
                )
    _retention(session, ip)


def _runner(user: auth.User, kind: str, code: str) -> Any:
    """The import of one upload: :func:`xinzhi.pipelines.talent.import_talents_as`."""

    def run(path: Any, con: Any) -> Any:
        return tp.import_talents_as(path, user, kind=kind, county=code, con=con)

    return run


def _retention(session: auth.Session, ip: str) -> None:
    """The retention of each base; an administrator changes it and purges now."""
    user = session.user
    with connection() as con:
        settings = tp.retention_view(con, user)
    heading("个人信息保存期限")
    ui.label(
        "人才库：写入早于期限的记录匿名化（姓名、手机、简历文本清空，人员编号换成匿名编号，"
        "统计字段保留）；岗位库：招满（或写入）早于期限的岗位删除。"
    ).classes("text-sm text-slate-700")
    admin = allows(user, Action.ADMINISTER)
    shown: dict[str, ui.label] = {}

    def text(days: int | None) -> str:
        return f"{days} 天" if days else "长期保存"

    with ui.row().classes("items-end gap-6").props('data-testid="talent-retention"'):
        for base in ("talents", "jobs"):
            with ui.column():
                ui.label(tp.BASE_LABELS[base]).classes("text-xs text-slate-600")
                shown[base] = ui.label(text(settings.get(base))).props(
                    f'data-testid="talent-retention-{base}"'
                )
                if not admin:
                    continue
                days_in = (
                    ui.number("保存天数（空：长期）", value=settings.get(base), min=1, format="%d")
                    .classes("w-48")
                    .props(f'data-testid="talent-retention-days-{base}"')
                )

                def save(b: str = base, field: Any = days_in) -> None:
                    days = int(field.value) if field.value else None
                    try:
                        with connection(write=True) as con:
                            out = tp.set_retention_as(con, user, b, days)
                            auth.write_audit(
                                con,
                                "talent_retention",
                                user=user.username,
                                target=b,
                                detail={"days": days, "via": "web"},
                                ip=ip,
                            )
                    except XinzhiError as exc:
                        ui.notify(str(exc), type="negative")
                        return
                    for k, lab in shown.items():
                        lab.set_text(text(out.get(k)))
                    ui.notify(f"{tp.BASE_LABELS[b]}保存期限已设为{text(days)}")

                ui.button("保存", on_click=save).props(
                    f'data-testid="talent-retention-save-{base}"'
                )
    if admin:

        def purge() -> None:
            try:
                with connection(write=True) as con:
                    out = tp.purge_as(con, user)
                    auth.write_audit(
                        con,
                        "talent_purge",
                        user=user.username,
                        target="talent",
                        detail={**out, "via": "web"},
                        ip=ip,
                    )
            except XinzhiError as exc:
                ui.notify(str(exc), type="negative")
                return
            result.set_text(
                f"已匿名化 {out['talents']} 名人才的个人信息，删除 {out['jobs']} 个过期岗位、"
                f"{out['vectors']} 条缓存向量"
            )

        ui.button("按期限立即清除", on_click=purge).props(
            'color=negative data-testid="talent-purge"'
        )
        result = ui.label("").props('data-testid="talent-purge-result"')


async def _matches(
    user: auth.User, code: str, embedder: str | None, *, job_id: str | None, person_id: str | None
) -> None:
    title = "最匹配的人才" if job_id else "最匹配的岗位"
    testid = "talent-matches-job" if job_id else "talent-matches-person"
    heading(title)
    box = busy_box("talent-busy", "正在匹配……（首次使用语义模型时需计算并缓存文本向量）")

    def work() -> tuple[Any, pd.DataFrame]:
        with connection(write=True) as con:  # new texts' vectors are cached
            return tp.matches_view(
                con, user, county=code, job_id=job_id, person_id=person_id, embedder=embedder
            )

    done = await run_in_box(box, work, "无法匹配", "talent-error")
    if done is None:
        return
    res, table = done
    with box:
        ui.label(res.summary()).classes("text-sm whitespace-pre-line")
        labels = dict(_MATCH_LABELS)
        if job_id:
            labels.pop("title")
            labels.pop("firm_name")
        else:
            for k in ("person_id", "name", "phone"):
                labels.pop(k)
        table_of(table, labels, digits=1).props(f'data-testid="{testid}"')


def _radar(user: auth.User, code: str, person_id: str, job_id: str) -> None:
    heading("能力雷达图")
    try:
        with connection() as con:
            res = tp.radar_view(con, user, person_id=person_id, job_id=job_id, county=code)
    except XinzhiError as exc:
        ui.label(f"无法绘制：{exc}").classes("text-negative").props('data-testid="talent-error"')
        return
    ui.label(res.summary()).classes("text-sm")
    ui.echart(radar_chart_options(res.axes), renderer="svg").classes("w-full").style(
        "height: 420px"
    ).props('data-testid="talent-radar"')
    table_of(
        res.axes,
        {
            "axis": "维度",
            "talent": "人才（0–100）",
            "requirement": "岗位要求",
            "gap": "差距",
            "detail": "说明",
        },
        digits=1,
    ).props('data-testid="talent-radar-table"')


def _person_policies(code: str, person_id: str) -> None:
    heading("可享受的人才政策")
    with connection() as con:
        rows = tp.person_policies(con, person_id=person_id, county=code)
    if rows.empty:
        ui.label("没有该人员的政策事实或适用的人才政策文件（政策库 → 人才类文件）。").props(
            'data-testid="talent-policy-none"'
        )
        return
    table_of(rows, _POLICY_LABELS).props('data-testid="talent-person-policies"')


async def _shortage(
    request: Request,
    session: auth.Session,
    code: str,
    year: int | None,
    years: dict[str, str],
    chosen: str,
    go: Any,
) -> None:
    heading("紧缺人才目录")
    ui.select(
        {"": "全部岗位", **years},
        value=chosen,
        label="岗位范围",
        on_change=lambda e: go(year=e.value),
    ).classes("w-80").props('data-testid="shortage-year"')
    box = busy_box("shortage-busy", "正在编制……")

    def work() -> Any:
        with connection() as con:
            return tp.shortage_view(con, session.user, county=code, year=year)

    res = await run_in_box(box, work, "无法编制", "talent-error")
    if res is None:
        return
    ip = client_ip(request)

    async def download() -> None:
        await send_download(
            session,
            ip,
            Kind.REPORT,
            lambda: tp.shortage_workbook(res),
            f"紧缺人才目录_{code}_{res.year}.xlsx",
            XLSX,
            fmt="xlsx",
            county=code,
            year=res.year,
            analysis="shortage",
        )

    with box:
        ui.label(res.title(code)).classes("text-base font-bold").props(
            'data-testid="shortage-title"'
        )
        ui.button("下载紧缺人才目录（Excel）", icon="download", on_click=download).props(
            'no-caps data-testid="shortage-download"'
        )
        cat = res.catalogue.assign(stars_text=res.catalogue["stars"].map(_stars))
        cat["name"] = cat["name"].where(cat["name"].notna(), cat["occupation"])
        table_of(cat, _CATALOGUE_LABELS, digits=2).props('data-testid="shortage-table"')
        if res.alerts is not None:
            heading("缺口预警（与上年相比缺口扩大的关键职业）")
            if len(res.alerts):
                table_of(
                    res.alerts,
                    {
                        "name": "职业",
                        "gap_before": "上年缺口",
                        "gap": "本年缺口",
                        "change": "扩大",
                        "message": "提示",
                    },
                ).props('data-testid="shortage-alerts"')
            else:
                ui.label("没有缺口扩大的关键职业。").props('data-testid="shortage-alerts"')
        if res.chain_map is not None and len(res.chain_map):
            heading("人才地图（产业链环节）")
            m = res.chain_map.assign(stars_text=res.chain_map["stars"].map(_stars))
            table_of(m, _MAP_LABELS).props('data-testid="talent-map"')
        ui.label(
            "紧缺指数：求人倍率、缺口、平均招聘周期、薪资溢价、学历要求五项在县内最小–最大标准化后"
            "加权（0.30/0.30/0.15/0.15/0.10），★ 按 20/40/60/80 分档；本地求职已覆盖需求的职业记 0 ★。"
        ).classes("text-xs text-slate-600")
