"""Pages 区域差异, 产业, 方法 and 管理."""

from __future__ import annotations

from fastapi import Request
from nicegui import ui

from xinzhi import auth
from xinzhi.web._context import connection
from xinzhi.web._frame import guarded, table_of

__all__ = ["register"]


def register() -> None:
    """Define the pages."""

    @ui.page("/admin", title="管理 · 新质 县域新质生产力")
    @guarded(roles=("admin",))
    async def admin_page(request: Request, session: auth.Session) -> None:
        ui.label("管理").classes("text-xl font-bold")
        with connection() as con:
            users = [u.to_dict() for u in auth.list_users(con)]
            total, audit = auth.read_audit(con, limit=200)
        import pandas as pd

        ui.label("用户").classes("font-bold")
        table_of(
            pd.DataFrame(users),
            {
                "username": "用户名",
                "role_label": "角色",
                "county_code": "所属县区",
                "disabled": "已停用",
                "created_at": "创建时间",
            },
            pagination=None,
        ).props('data-testid="users-table"')
        ui.label(
            "新建或停用账户：xinzhi users add / disable（命令行），或 REST API /api/users。"
        ).classes("text-sm text-gray-500")
        ui.label(f"审计日志（共 {total} 条，显示最近 {len(audit)} 条）").classes("font-bold mt-4")
        audit["at"] = audit["at"].astype(str)
        table_of(
            audit,
            {
                "at": "时间",
                "user_name": "用户",
                "action": "操作",
                "target": "对象",
                "detail": "详情",
                "ip": "IP",
            },
            row_key="audit_id",
            pagination=20,
        ).props('data-testid="audit-table"')


def register_analysis() -> None:
    """Pages 区域差异, 产业 and 方法."""
    import asyncio

    import pandas as pd

    from xinzhi.errors import XinzhiError
    from xinzhi.industry.classification import sections
    from xinzhi.pipelines.evaluation import evaluate_counties
    from xinzhi.pipelines.profile import county_specialization, evaluation_dagum
    from xinzhi.web._data import evaluation_names, pick_evaluation, scores_of

    @ui.page("/disparity", title="区域差异 · 新质 县域新质生产力")
    @guarded()
    async def disparity_page(
        request: Request,
        session: auth.Session,
        eval: str = "",
        group: str = "region",
    ) -> None:
        name = pick_evaluation(eval or None)
        if name is None:
            ui.label("数据仓库中还没有评价结果。")
            return
        ui.label(f"区域差异：{name}").classes("text-xl font-bold")
        ui.select(
            {"region": "四大区域", "province": "省份"},
            value=group if group in ("region", "province") else "region",
            label="分组",
            on_change=lambda e: ui.navigate.to(f"/disparity?eval={name}&group={e.value}"),
        ).classes("w-40")
        try:
            with connection() as con:
                res = evaluation_dagum(con, name, group=group, scores=scores_of(name))
        except XinzhiError as exc:
            ui.label(str(exc)).classes("text-negative")
            return
        t = res.tidy().rename(columns={"by": "year"})
        ui.label(
            "Dagum 基尼系数分解（Dagum 1997）：总体 G = 组内 Gw + 组间净 Gnb + 超变密度 Gt"
        ).classes("text-sm")
        ui.echart(
            {
                "tooltip": {"trigger": "axis"},
                "legend": {"bottom": 0},
                "xAxis": {"type": "category", "data": [str(y) for y in t["year"]]},
                "yAxis": {"type": "value"},
                "series": [
                    {"type": "line", "name": lab, "data": [round(float(v), 4) for v in t[c]]}
                    for c, lab in (
                        ("G", "总体"),
                        ("Gw", "组内"),
                        ("Gnb", "组间"),
                        ("Gt", "超变密度"),
                    )
                ],
            },
            renderer="svg",
        ).classes("w-full h-72").props('data-testid="dagum-chart"')
        table_of(
            t,
            {
                "year": "年份",
                "G": "总体基尼",
                "Gw": "组内",
                "Gnb": "组间净差",
                "Gt": "超变密度",
                "Gw_share": "组内贡献率",
                "Gnb_share": "组间贡献率",
                "Gt_share": "超变贡献率",
            },
            pagination=None,
        )
        ui.label(
            "核密度、Moran 散点与 LISA 地图、马尔可夫转移矩阵：请用命令行 xinzhi disparity kde|moran|markov"
            "（网页版待补充）。"
        ).classes("text-sm text-gray-500")

    @ui.page("/industry", title="产业 · 新质 县域新质生产力")
    @guarded()
    async def industry_page(
        request: Request, session: auth.Session, code: str = "", year: int = 0
    ) -> None:
        ui.label("产业：普查分行业就业的区位熵").classes("text-xl font-bold")
        code = code or (session.user.county_code or "")
        ui.input(
            "县区代码（6 位）",
            value=code,
            on_change=lambda e: (
                ui.navigate.to(f"/industry?code={e.value}") if len(e.value or "") == 6 else None
            ),
        ).classes("w-48")
        if not code:
            ui.label("请输入县区代码。")
            return
        try:
            with connection() as con:
                t = county_specialization(con, code, year or None)
        except XinzhiError as exc:
            ui.label(str(exc)).classes("text-negative")
            return
        sec = sections()
        names = dict(zip(sec.iloc[:, 0], sec.iloc[:, 1], strict=True))
        t["section_name"] = t["section"].map(lambda s: names.get(s, s))
        ui.label(f"{t.attrs.get('year', '')} 年，区位熵 LQ > 1 表示该门类就业比重高于全国").classes(
            "text-sm"
        )
        ui.echart(
            {
                "tooltip": {"trigger": "axis"},
                "grid": {"left": 200},
                "xAxis": {"type": "value", "name": "区位熵"},
                "yAxis": {"type": "category", "data": list(t["section_name"])[::-1]},
                "series": [{"type": "bar", "data": [round(float(v), 3) for v in t["lq"]][::-1]}],
            },
            renderer="svg",
        ).classes("w-full h-[600px]")
        ui.label("投入产出产业链视图：请用命令行 xinzhi industry（网页版待补充）。").classes(
            "text-sm text-gray-500"
        )

    @ui.page("/method", title="方法 · 新质 县域新质生产力")
    @guarded()
    async def method_page(request: Request, session: auth.Session) -> None:
        ui.label("方法：运行并保存评价").classes("text-xl font-bold")
        may_run = session.user.role in ("admin", "analyst")
        with ui.card().classes("w-full"):
            system = ui.select(["nqpf-county"], value="nqpf-county", label="指标体系").classes(
                "w-64"
            )
            weights = ui.select(
                {
                    "combined": "组合（熵权与 CRITIC 平均）",
                    "entropy": "熵权法",
                    "critic": "CRITIC",
                    "cv": "变异系数",
                    "equal": "等权",
                },
                value="combined",
                label="赋权方法",
            ).classes("w-64")
            aggregate = ui.select(
                {"topsis": "TOPSIS", "weighted-sum": "加权求和", "grey": "灰色关联"},
                value="topsis",
                label="集成方法",
            ).classes("w-64")
            save_as = ui.input("保存名称", value="my-evaluation").classes("w-64")
            out = ui.column()

            async def run() -> None:
                if not save_as.value:
                    ui.notify("请填写保存名称", type="negative")
                    return
                try:
                    with connection(write=True) as con:
                        ev = await asyncio.to_thread(
                            evaluate_counties,
                            system.value,
                            options={"weights": weights.value, "aggregate": aggregate.value},
                            con=con,
                            save_as=save_as.value,
                        )
                        auth.write_audit(
                            con,
                            "evaluate",
                            user=session.user.username,
                            target=save_as.value,
                            detail={"weights": weights.value, "aggregate": aggregate.value},
                        )
                except XinzhiError as exc:
                    ui.notify(str(exc), type="negative", multi_line=True)
                    return
                out.clear()
                with out:
                    ui.html(
                        "<pre class='text-sm whitespace-pre-wrap'>" + ev.summary(10) + "</pre>",
                        sanitize=False,
                    )

            ui.button("运行并保存", on_click=run).props("disable" if not may_run else "")
        with ui.card().classes("w-full"):
            ui.label("比较两个评价结果").classes("font-bold")
            names = evaluation_names()
            a = ui.select(names, label="评价 A").classes("w-64")
            b = ui.select(names, label="评价 B").classes("w-64")
            box = ui.column().classes("w-full")

            def compare() -> None:
                if not a.value or not b.value:
                    return
                sa, sb = scores_of(a.value), scores_of(b.value)
                m = sa[["region_code", "name", "year", "rank", "score"]].merge(
                    sb[["region_code", "year", "rank", "score"]],
                    on=["region_code", "year"],
                    suffixes=("_a", "_b"),
                )
                box.clear()
                with box:
                    table_of(
                        pd.DataFrame(m),
                        {
                            "region_code": "代码",
                            "name": "县区",
                            "year": "年份",
                            "rank_a": "A 排名",
                            "rank_b": "B 排名",
                            "score_a": "A 得分",
                            "score_b": "B 得分",
                        },
                        row_key="region_code",
                    )

            ui.button("比较", on_click=compare)
