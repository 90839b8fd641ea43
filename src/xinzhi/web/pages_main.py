"""Pages 登录, 总览 and 排名.

The ranking's Excel export holds the rows the page shows: public scores and ranks of every
county (what the API's ``GET /api/evaluations/{name}`` returns to every role). It goes through
:func:`xinzhi.web._frame.send_download` (access policy, audit entry ``ranking:<name>:<year>``)."""

from __future__ import annotations

import html
from typing import Any
from urllib.parse import urlencode

import pandas as pd
from fastapi import Request
from nicegui import events, ui

from xinzhi import auth
from xinzhi.auth.policy import Kind
from xinzhi.pipelines.ranking import county_basis, ranking_table
from xinzhi.registry.typology import RANKING
from xinzhi.web._charts import choropleth, histogram_options
from xinzhi.web._context import client_ip
from xinzhi.web._data import (
    area_of,
    evaluation_labels,
    evaluation_names,
    evaluation_year,
    label_of,
    types_of,
)
from xinzhi.web._format import format_value
from xinzhi.web._frame import (
    XLSX,
    bind_search,
    excel_bytes,
    guarded,
    province_names,
    screen_frame,
    search_rows,
    send_download,
    table_of,
)

__all__ = ["SCORE_LABELS", "drill_url", "register"]

SCORE_LABELS = {
    "rank": "全国排名",
    "region_code": "区划代码",
    "name": "县区",
    "province_name": "省份",
    "prefecture_name": "地市",
    "score": "综合得分",
    "province_rank": "省内排名",
    "percentile": "全国百分位",
    "primary_type": "县域类型",
}


SEARCH_COLUMNS = ["name", "region_code", "province_name", "prefecture_name"]
"""Columns the ranking's search box looks in (the export filters the same way)."""

BASIS_CHOICES: dict[str, str] = dict(
    zip(
        RANKING.option("basis").choices or (),
        RANKING.option("basis").choice_labels or (),
        strict=True,
    )
)
"""排名口径 of the pages: the declared choices of the analysis ``ranking`` with their labels."""

BASIS_LABELS_SHORT = {
    "rank": "本口径排名",
    "rank_all": "全国排名（全部单位）",
    "province_rank": "省内排名（本口径）",
    "percentile": "百分位（本口径）",
    "region_kind": "区划类别",
}


def _with_dims(scores: pd.DataFrame, basis: str = "all") -> dict[str, str]:
    labels = dict(SCORE_LABELS)
    if basis != "all":
        labels = {
            "rank": BASIS_LABELS_SHORT["rank"],
            "rank_all": BASIS_LABELS_SHORT["rank_all"],
            **{k: v for k, v in labels.items() if k != "rank"},
            "province_rank": BASIS_LABELS_SHORT["province_rank"],
            "percentile": BASIS_LABELS_SHORT["percentile"],
            "region_kind": BASIS_LABELS_SHORT["region_kind"],
        }
    for c in scores.columns:
        if c.startswith("dim:"):
            labels[c] = c.removeprefix("dim:")
    return labels


def _filtered(
    scores: pd.DataFrame, year: int, province: str | None, ctype: str | None
) -> tuple[pd.DataFrame, str | None]:
    """Rows of ``year`` (optionally one province / one county type) and a note on types."""
    s = scores[scores["year"] == year]
    note = None
    if ctype:
        types = types_of(year)
        if isinstance(types, str):
            note = types
        else:
            s = s.merge(types[["region_code", "primary_type"]], on="region_code", how="left")
            s = s[s["primary_type"] == ctype]
    if province:
        s = s[s["province_name"] == province]
    return s, note


def _selectors(
    base: str,
    evaluation: str,
    years: list[int],
    year: int,
    provinces: list[str],
    province: str | None,
    types: list[str],
    ctype: str | None,
    names: list[str],
    basis: str = "all",
) -> None:
    """Filter row; every change reloads the page with the query string (bookmarkable)."""

    def go(**change: Any) -> None:
        params = {
            "eval": evaluation,
            "year": year,
            "province": province or "",
            "type": ctype or "",
            "basis": basis,
        }
        params.update(change)
        query = "&".join(f"{k}={v}" for k, v in params.items() if v not in ("", None))
        ui.navigate.to(f"{base}?{query}")

    with ui.row().classes("items-end gap-4"):
        ui.select(
            evaluation_labels(names),
            value=evaluation,
            label="评价结果",
            on_change=lambda e: go(eval=e.value),
        ).classes("w-48")
        ui.select(years, value=year, label="年份", on_change=lambda e: go(year=e.value)).classes(
            "w-28"
        )
        ui.select(
            ["", *provinces],
            value=province or "",
            label="省份",
            on_change=lambda e: go(province=e.value),
        ).classes("w-40")
        ui.select(
            ["", *types], value=ctype or "", label="县域类型", on_change=lambda e: go(type=e.value)
        ).classes("w-48")
        ui.select(
            BASIS_CHOICES, value=basis, label="排名口径", on_change=lambda e: go(basis=e.value)
        ).classes("w-56").props('data-testid="basis-select"')


def register() -> None:
    """Define the pages (called once by :func:`xinzhi.web.mount`)."""

    @ui.page("/login", title="登录 · 新质 县域新质生产力")
    def login_page(request: Request, next: str = "/", error: str = "") -> None:
        message = {
            "1": "用户名或密码错误。",
            "throttled": "登录失败次数过多，请稍后再试。",
        }.get(error, "")
        token = str(getattr(request.state, "login_token", ""))
        target = next if next.startswith("/") and not next.startswith("//") else "/"
        with ui.card().classes("mx-auto mt-24 w-96 p-6"):
            ui.label("新质 · 县域新质生产力").classes("text-xl font-bold")
            ui.label("请登录").classes("text-gray-600")
            if message:
                ui.label(message).classes("text-negative").props('data-testid="login-error"')
            ui.html(
                f"""<form method="post" action="/web/login" class="flex flex-col gap-3 w-full">
  <input type="hidden" name="next" value="{html.escape(target)}">
  <input type="hidden" name="token" value="{html.escape(token)}">
  <label class="flex flex-col text-sm">用户名
    <input name="username" autocomplete="username" required
      class="border rounded px-2 py-1 text-base"></label>
  <label class="flex flex-col text-sm">密码
    <input name="password" type="password" autocomplete="current-password" required
      class="border rounded px-2 py-1 text-base"></label>
  <button type="submit" class="bg-slate-800 text-white rounded px-3 py-2">登录</button>
</form>""",
                sanitize=False,
            ).classes("w-full")
            ui.label("账户由管理员在“管理”页创建。").classes("text-xs text-gray-500")

    @ui.page("/", title="总览 · 新质 县域新质生产力")
    @guarded()
    async def overview_page(
        request: Request,
        session: auth.Session,
        eval: str = "",
        year: int = 0,
        province: str = "",
        type: str = "",
        basis: str = "",
        prefecture: str = "",
        county: str = "",
    ) -> None:
        picked = _scoped_scores(
            "/", "总览", eval, year, province, type, basis, session.user.county_code
        )
        if picked is None:
            return
        name, scores, y, types, shown = picked
        # room for the scroll bar from the start: the map's width never changes once drawn
        # (a resize redraws every polygon)
        ui.add_head_html("<style>html { scrollbar-gutter: stable; }</style>")
        region, shown, chosen = _map_view(request, scores, y, province, prefecture, county, shown)
        year_rows = scores[scores["year"] == y]
        own_code = session.user.county_code
        own = year_rows[year_rows["region_code"] == own_code]
        if not own.empty and chosen != own_code:
            target = drill_url(
                {k: v for k, v in request.query_params.items() if k in KEEP}, None, name, y
            ) + _level_query(own.iloc[0])
            ui.button(
                f"在地图上定位本县（{own.iloc[0]['name']}）",
                on_click=lambda: ui.navigate.to(target),
            ).props('flat dense data-testid="locate-own"')
        ui.label(
            f"显示 {len(shown)} 个县级单位（全国 {int((scores['year'] == y).sum())} 个参评）"
        ).props('data-testid="overview-count"')
        query = dict(request.query_params)

        def drill(e: events.EChartPointClickEventArguments) -> None:
            row = year_rows[year_rows["region_code"] == str(e.name)]
            if row.empty:
                ui.notify(f"{e.name}：无评价数据", type="warning")
                return
            ui.navigate.to(drill_url(query, row.iloc[0], name, y))

        with ui.row().classes("w-full no-wrap gap-4"):
            map_column = ui.column().classes("w-2/3")
            # the side column first: it is in the page's HTML, the map arrives once the
            # browser has registered the boundaries (choropleth awaits the connection)
            with ui.column().classes("w-1/3"):
                if chosen:
                    _county_card(chosen, year_rows, shown, types, name, y)
                ui.echart(histogram_options(shown["score"])).classes("w-full h-64")
                ui.label("前 10 名").classes("font-bold")
                top = _with_dims(shown, str(shown.attrs.get("basis", "all")))
                keys = ["rank", "province_rank", "name", "province_name", "score"]
                if shown.attrs.get("basis", "all") != "all":
                    keys.insert(1, "rank_all")
                top = {k: top[k] for k in keys}
                table_of(shown.head(10), top, pagination=None)
                ui.label("后 10 名").classes("font-bold")
                table_of(shown.tail(10), top, pagination=None)
            with map_column:
                await choropleth(
                    shown,
                    y,
                    on_click=drill,
                    region=region,
                    highlight=own_code,
                    selected=chosen,
                )
                ui.label("点击地图上的县：全国 → 所在省 → 所在地市 → 该县区 → 县域画像。").classes(
                    "text-xs text-gray-500"
                )

    @ui.page("/ranking", title="排名 · 新质 县域新质生产力")
    @guarded()
    async def ranking_page(
        request: Request,
        session: auth.Session,
        eval: str = "",
        year: int = 0,
        province: str = "",
        type: str = "",
        basis: str = "",
    ) -> None:
        picked = _scoped_scores(
            "/ranking", "排名", eval, year, province, type, basis, session.user.county_code
        )
        if picked is None:
            return
        name, _scores, y, types, shown = picked
        if not isinstance(types, str) and "primary_type" not in shown.columns:
            shown = shown.merge(
                types[["region_code", "primary_type"]], on="region_code", how="left"
            )
        labels = _with_dims(shown, str(shown.attrs.get("basis", "all")))
        ip = client_ip(request)
        with ui.row().classes("items-center gap-4"):
            search = (
                ui.input("筛选（名称或代码）").classes("w-64").props('data-testid="ranking-search"')
            )

            def on_screen() -> tuple[pd.DataFrame, dict[str, str]]:
                # the rows of the table as filtered now (province, type, basis and search box)
                return screen_frame(search_rows(shown, search.value, SEARCH_COLUMNS), labels)

            async def export() -> None:
                out, kinds = on_screen()
                await send_download(
                    session,
                    ip,
                    Kind.RANKING,
                    lambda: excel_bytes({f"{y}年排名": out}, kinds),
                    f"排名_{name}_{y}.xlsx",
                    XLSX,
                    fmt="xlsx",
                    evaluation=name,
                    year=y,
                    rows=lambda: len(out),
                )

            ui.button("导出 Excel（当前筛选的行）", on_click=export).props(
                'data-testid="export-xlsx"'
            )
        table = table_of(shown, labels, row_key="region_code", pagination=20)
        table.props('data-testid="ranking-table"')
        bind_search(search, table, shown, SEARCH_COLUMNS)
        from xinzhi.web.audit_view import audit_section

        audit_section(name, y, dict(zip(_scores["region_code"], _scores["name"], strict=True)))


KEEP = ("eval", "year", "type", "basis")
"""Query parameters of 总览 that a change of the map's level keeps."""


def _level_query(row: Any) -> str:
    """``&province=…&prefecture=…&county=…`` of the county view of ``row``."""
    params = {"province": str(row["province_name"])}
    if isinstance(row["prefecture_name"], str) and row["prefecture_name"]:
        params["prefecture"] = row["prefecture_name"]
    params["county"] = str(row["region_code"])
    return "&" + urlencode(params)


def drill_url(query: dict[str, str], row: Any, evaluation: str, year: int) -> str:
    """Where a click on a county of the 总览 map leads: one level down from the view in
    ``query`` (its ``province``, ``prefecture``, ``county``).

    ``row``: the clicked county (``region_code``, ``province_name``, ``prefecture_name``;
    None: only the kept parameters, for callers that add the level themselves). National view,
    or a county of another province → that province; province view, or another prefecture →
    that prefecture (a county outside any prefecture: straight to the county); prefecture view,
    or another county → that county; the county already shown → its profile
    (``/profile?code=…&eval=…&year=…``). ``eval``, ``year``, ``type`` and ``basis`` are kept
    (the URL is the page's whole state).
    """
    params: dict[str, str] = {"eval": evaluation, "year": str(year)}
    params.update({k: str(v) for k, v in query.items() if k in KEEP[2:] and v})
    if row is None:
        return "/?" + urlencode(params)
    code = str(row["region_code"])
    prov = str(row["province_name"])
    pref = row["prefecture_name"] if isinstance(row["prefecture_name"], str) else ""
    if query.get("province", "") != prov:
        return "/?" + urlencode({**params, "province": prov})
    if pref and query.get("prefecture", "") != pref:
        return "/?" + urlencode({**params, "province": prov, "prefecture": pref})
    if query.get("county", "") != code:
        level = {"province": prov, **({"prefecture": pref} if pref else {}), "county": code}
        return "/?" + urlencode({**params, **level})
    return "/profile?" + urlencode({"code": code, "eval": evaluation, "year": str(year)})


def _map_view(
    request: Request,
    scores: pd.DataFrame,
    year: int,
    province: str,
    prefecture: str,
    county: str,
    shown: pd.DataFrame,
) -> tuple[str | None, pd.DataFrame, str | None]:
    """Where the 总览 map opens (a code prefix: the chosen county, else prefecture, else
    province; None: the whole country), the rows shown (narrowed to the prefecture, or for a
    county outside any prefecture to the province's such counties) and the chosen county (or
    None). Draws the 地市 select under the province and the 县区 select under the prefecture."""
    if not province:
        return None, shown, None
    s = scores[(scores["year"] == year) & (scores["province_name"] == province)]
    if s.empty:
        return None, shown, None
    prefectures = sorted(
        {str(p) for p in s["prefecture_name"].dropna()},
        key=lambda p: str(s.loc[s["prefecture_name"] == p, "region_code"].min()),
    )
    params = dict(request.query_params)

    def go(**change: str) -> None:
        params.update(change)
        ui.navigate.to("/?" + urlencode({k: v for k, v in params.items() if v}))

    chosen_row = s[s["region_code"] == county]
    if not chosen_row.empty:
        # the county's own prefecture (a link may name none, or another one)
        p = chosen_row.iloc[0]["prefecture_name"]
        prefecture = p if isinstance(p, str) else ""
    with ui.row().classes("items-end gap-4"):
        ui.select(
            ["", *prefectures],
            value=prefecture if prefecture in prefectures else "",
            label="地市（缩放地图）",
            on_change=lambda e: go(prefecture=e.value or "", county=""),
        ).classes("w-48").props('data-testid="prefecture-select"')
        in_pref = (
            s[s["prefecture_name"] == prefecture]
            if prefecture in prefectures
            else s[s["prefecture_name"].isna()]
        )
        if (prefecture in prefectures or not chosen_row.empty) and not in_pref.empty:
            in_pref = in_pref.sort_values("region_code")
            options = {"": "", **dict(zip(in_pref["region_code"], in_pref["name"], strict=True))}
            ui.select(
                options,
                value=county if county in options else "",
                label="县区（缩放地图）",
                on_change=lambda e: go(county=e.value or ""),
            ).classes("w-48").props('data-testid="county-select"')
    prefix = str(s["region_code"].iloc[0])[:2]
    basis = shown.attrs.get("basis", "all")
    if prefecture in prefectures:
        prefix = str(s.loc[s["prefecture_name"] == prefecture, "region_code"].iloc[0])[:4]
        shown = shown[shown["prefecture_name"] == prefecture]
    elif not chosen_row.empty:
        shown = shown[shown["prefecture_name"].isna()]
    chosen = None
    if not chosen_row.empty:
        chosen = county
        prefix = county
    shown.attrs["basis"] = basis
    return prefix, shown, chosen


def _county_card(
    code: str,
    year_rows: pd.DataFrame,
    shown: pd.DataFrame,
    types: pd.DataFrame | str,
    evaluation: str,
    year: int,
) -> None:
    """Card of the county the map is zoomed to: name, score, ranks (on the page's basis and in
    the province), county type and a link to its profile."""
    base = year_rows[year_rows["region_code"] == code].iloc[0]
    row = shown[shown["region_code"] == code]
    basis = str(shown.attrs.get("basis", "all"))
    with ui.card().classes("w-full").props('data-testid="county-card"'):
        ui.label(f"{base['name']}（{code}）").classes("text-lg font-bold").props(
            'data-testid="county-card-name"'
        )
        pref = base["prefecture_name"] if isinstance(base["prefecture_name"], str) else ""
        ui.label(f"{base['province_name']} {pref}".strip()).classes("text-sm text-gray-600")
        if row.empty:
            ui.label("该县区不在当前筛选（县域类型 / 排名口径）中。").classes("text-sm")
        else:
            r = row.iloc[0]
            lines = [f"综合得分 {format_value(r['score'], 'score')}"]
            if basis == "all":
                lines.append(f"全国排名 {_int_text(r['rank'])}")
            else:
                lines.append(f"{BASIS_LABELS_SHORT['rank']} {_int_text(r['rank'])}")
                lines.append(f"全国排名（全部单位）{_int_text(r.get('rank_all'))}")
            lines.append(f"省内排名 {_int_text(r.get('province_rank'))}")
            for line in lines:
                ui.label(line).classes("text-sm")
        ctype = "—"
        if not isinstance(types, str):
            t = types.loc[types["region_code"] == code, "primary_type"]
            if len(t) and isinstance(t.iloc[0], str):
                ctype = t.iloc[0]
        ui.label(f"县域类型 {ctype}").classes("text-sm").props('data-testid="county-card-type"')
        target = "/profile?" + urlencode({"code": code, "eval": evaluation, "year": str(year)})
        ui.link("打开画像", target).classes("font-bold").props('data-testid="open-profile"')


def _int_text(x: Any) -> str:
    return "—" if x is None or pd.isna(x) else str(int(x))


def _scoped_scores(
    path: str,
    title: str,
    eval: str,
    year: int,
    province: str,
    type: str,
    basis: str = "",
    own_county: str | None = None,
) -> tuple[str, pd.DataFrame, int, pd.DataFrame | str, pd.DataFrame] | None:
    """Shared head of 总览 and 排名: pick the evaluation and year, draw the title and the
    selectors, rank on the basis (排名口径: the query's, else the basis of the account's own
    county, else all units; :func:`xinzhi.pipelines.ranking.ranking_table`), filter by
    province / type. Returns (name, scores, year, types, shown) or None when the warehouse
    holds no evaluation (a message is shown); ``shown.attrs["basis"]`` is the basis."""
    head = evaluation_year(eval, year)
    if head is None:
        ui.label("数据仓库中还没有评价结果：请在“方法”页运行评价。")
        return None
    name, scores, years, y = head
    types = types_of(y)
    type_names = (
        sorted(types["primary_type"].dropna().unique()) if not isinstance(types, str) else []
    )
    provinces = province_names(scores[scores["year"] == y])
    if basis not in BASIS_CHOICES:
        basis = "all"
        if own_county and (scores["region_code"] == own_county).any():
            basis = county_basis(scores, own_county)
    ui.label(f"{title}：{label_of(name)}（{y} 年；评价范围：{area_of(name)}）").classes(
        "text-xl font-bold"
    )
    _selectors(
        path,
        name,
        years,
        y,
        provinces,
        province or None,
        type_names,
        type or None,
        sorted(set(evaluation_names()) | {name}),
        basis,
    )
    ranked = ranking_table(scores, basis, y).assign(year=y)
    shown, note = _filtered(ranked, y, province or None, type or None)
    shown.attrs["basis"] = basis
    ui.label(
        f"排名口径：{BASIS_CHOICES[basis]}"
        + ("（全国全部县级单位的排名，含市辖区）" if basis == "all" else "")
    ).classes("text-sm text-gray-600").props('data-testid="ranking-basis"')
    if note:
        ui.label(note).classes("text-warning")
    return name, scores, y, types, shown
