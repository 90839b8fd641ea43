"""Section 本县数据 of the page 数据: a county's values with where each came from, the
quarantined rows of a batch, a corrected value, a user indicator mapped to a catalogue one —
all through :mod:`xinzhi.pipelines.my_data` with the logged-in account (a county account sees
and changes its own county only; every change is a new batch and an audit entry)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd
from nicegui import ui

from xinzhi import auth
from xinzhi.auth import policy
from xinzhi.errors import XinzhiError
from xinzhi.pipelines.my_data import (
    VALUE_COLUMNS,
    catalogue_choices,
    correct_value,
    county_values,
    map_user_indicator,
)
from xinzhi.web._context import connection
from xinzhi.web._frame import notify_error, table_of

__all__ = ["my_data_section"]


def my_data_section(
    session: auth.Session, ip: str, quarantine: Callable[[int], pd.DataFrame]
) -> None:
    """Draw the section (``quarantine(batch_id)``: the page's quarantined rows of a batch)."""
    user = session.user
    may_change = policy.allows(user, policy.Action.UPLOAD)
    with ui.card().classes("w-full").props('data-testid="my-data"'):
        ui.label("本县数据（查看来源、更正数值）").classes("font-bold")
        with ui.row().classes("items-end"):
            county_in = ui.input("县区（名称或代码）", value=user.county_code or "").props(
                'data-testid="my-data-county"'
            )
            if user.county_code:
                county_in.disable()
            year_in = ui.number("年份（不填为全部）", format="%d").props(
                'data-testid="my-data-year"'
            )
            show = ui.button("查看").props('data-testid="my-data-show"')
        box = ui.column().classes("w-full")
        state: dict[str, Any] = {"values": pd.DataFrame()}

        def refresh() -> None:
            box.clear()
            try:
                with connection() as con:
                    v = county_values(
                        con,
                        user,
                        (county_in.value or "").strip(),
                        year=int(year_in.value) if year_in.value else None,
                    )
            except (XinzhiError, policy.AccessDenied) as exc:
                with box:
                    ui.label(str(exc)).classes("text-negative")
                return
            state["values"] = v
            with box:
                ui.label(
                    f"共 {len(v)} 个数值（每个数值的来源批次、文件、导入时间与导入人）"
                ).classes("text-sm")
                table_of(v, VALUE_COLUMNS, pagination=15, digits=6).props(
                    'data-testid="my-data-table"'
                )
                if may_change and not v.empty:
                    _change_forms(v, session, ip, refresh, county_in.value)

        show.on_click(refresh)

        with ui.row().classes("items-end"):
            batch_in = ui.number("批次号", format="%d").props('data-testid="quarantine-batch"')
            qbox = ui.column().classes("w-full")

            def show_quarantine() -> None:
                qbox.clear()
                try:
                    q = quarantine(int(batch_in.value or 0))
                except (XinzhiError, policy.AccessDenied) as exc:
                    with qbox:
                        ui.label(str(exc)).classes("text-negative")
                    return
                with qbox:
                    ui.label(f"批次 {int(batch_in.value or 0)} 的隔离行 {len(q)} 行").classes(
                        "text-sm"
                    )
                    table_of(q, {c: c for c in q.columns}, pagination=10).props(
                        'data-testid="quarantine-table"'
                    )

            ui.button("查看隔离行", on_click=show_quarantine).props('data-testid="quarantine-show"')


def _change_forms(
    values: pd.DataFrame,
    session: auth.Session,
    ip: str,
    refresh: Callable[[], None],
    county: str,
) -> None:
    """The correction and mapping forms under the table."""
    user = session.user
    names = dict(zip(values["indicator"], values["name_zh"], strict=False))
    years = sorted({int(y) for y in values["year"]}, reverse=True)

    def run(label: str, act: Callable[[Any], Any]) -> None:
        try:
            with connection(write=True) as con:
                act(con)
        except Exception as exc:
            notify_error(exc)
            return
        ui.notify(label, type="positive")
        refresh()

    with ui.row().classes("items-end"):
        ind = (
            ui.select(names, label="更正指标")
            .props('data-testid="fix-indicator"')
            .style("min-width: 14rem")
        )
        year = ui.select(years, value=years[0], label="年份").props('data-testid="fix-year"')
        value = ui.number("正确数值（按表中单位）").props('data-testid="fix-value"')
        note = ui.input("更正说明（来源、原因）").props('data-testid="fix-note"')
        ui.button(
            "保存更正",
            on_click=lambda: run(
                f"已保存更正：{names.get(ind.value, '')}",
                lambda con: correct_value(
                    con,
                    user,
                    county,
                    ind.value,
                    int(year.value),
                    float(value.value) if value.value is not None else float("nan"),
                    note=note.value or "",
                    ip=ip,
                ),
            ),
        ).props('data-testid="fix-save"')
    user_inds = {
        c: n
        for c, n, k in zip(values["indicator"], values["name_zh"], values["kind"], strict=True)
        if k == "用户指标"
    }
    if not user_inds:
        return
    with ui.row().classes("items-end"):
        src = (
            ui.select(user_inds, label="用户指标")
            .props('data-testid="map-source"')
            .style("min-width: 14rem")
        )
        target = (
            ui.select(catalogue_choices(), label="对应的目录指标", with_input=True)
            .props('data-testid="map-target"')
            .style("min-width: 16rem")
        )
        ui.button(
            "按目录指标保存",
            on_click=lambda: run(
                f"已将 {user_inds.get(src.value, '')} 对应为目录指标",
                lambda con: map_user_indicator(con, user, src.value, target.value, ip=ip),
            ),
        ).props('data-testid="map-save"')
