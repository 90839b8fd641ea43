"""Page 管理 (accounts and the audit log; admins only)."""

from __future__ import annotations

import pandas as pd
from fastapi import Request
from nicegui import ui

from xinzhi import auth
from xinzhi.auth.audit import ACTION_LABELS, detail_text
from xinzhi.auth.network import client_ip
from xinzhi.auth.policy import Action
from xinzhi.pipelines.accounts import (
    add_account,
    change_account_role,
    disable_account,
    enable_account,
    list_accounts,
    reset_account_password,
)
from xinzhi.web._context import connection
from xinzhi.web._frame import guarded, notify_error, table_of

_USER_COLUMNS = {
    "username": "用户名",
    "role_label": "角色",
    "county_code": "所属县区",
    "state": "状态",
    "created_at": "创建时间",
}

__all__ = ["register"]


def register() -> None:
    """Define the pages."""

    @ui.page("/admin", title="管理 · 新质 县域新质生产力")
    @guarded(Action.ADMINISTER)
    async def admin_page(request: Request, session: auth.Session) -> None:
        ui.label("管理").classes("text-xl font-bold")
        with connection() as con:
            total, audit = auth.read_audit(con, limit=200)
        ip = client_ip(request)
        actor = session.user.username

        def user_rows() -> list[dict[str, object]]:
            with connection() as con:
                users = [u.to_dict() for u in list_accounts(con=con)]
            for u in users:
                u["state"] = "已停用" if u["disabled"] else "正常"
                u["created_at"] = (u["created_at"] or "")[:19]
            return users

        ui.label("用户").classes("font-bold")
        users_table = table_of(
            pd.DataFrame(user_rows(), columns=[*_USER_COLUMNS, "disabled"]),
            _USER_COLUMNS,
            pagination=None,
        ).props('data-testid="users-table"')
        roles = {code: label for code, label in auth.ROLES.items()}

        def refresh() -> None:
            users_table.rows = user_rows()
            users_table.update()
            pick.options = [u["username"] for u in users_table.rows]
            pick.update()

        def change(label: str, act: object) -> None:
            """Run one account change under the write lock; a user error is a notification."""
            try:
                with connection(write=True) as con:
                    act(con)  # type: ignore[operator]
            except Exception as exc:
                notify_error(exc)
                return
            ui.notify(label, type="positive")
            refresh()

        with ui.card().classes("w-full").props('data-testid="user-add"'):
            ui.label("新建账户").classes("font-bold")
            with ui.row().classes("items-end"):
                new_name = ui.input("用户名").props('data-testid="new-username"')
                new_pw = ui.input("初始密码（至少 8 位）", password=True).props(
                    'data-testid="new-password"'
                )
                new_role = ui.select(roles, value="county", label="角色").props(
                    'data-testid="new-role"'
                )
                new_county = ui.input("所属县区（县区用户：名称或代码）").props(
                    'data-testid="new-county"'
                )

                def add() -> None:
                    if len(new_pw.value or "") < 8:
                        ui.notify("初始密码至少 8 位", type="negative")
                        return
                    change(
                        f"已新建账户 {new_name.value}",
                        lambda con: add_account(
                            (new_name.value or "").strip(),
                            new_pw.value,
                            new_role.value,
                            (new_county.value or "").strip() or None,
                            actor=actor,
                            con=con,
                            ip=ip,
                        ),
                    )

                ui.button("新建", on_click=add).props('data-testid="user-add-button"')

        with ui.card().classes("w-full").props('data-testid="user-edit"'):
            ui.label("修改账户").classes("font-bold")
            with ui.row().classes("items-end"):
                pick = (
                    ui.select([u["username"] for u in users_table.rows], label="账户")
                    .props('data-testid="edit-user"')
                    .style("min-width: 12rem")
                )
                edit_role = ui.select(roles, value="county", label="角色").props(
                    'data-testid="edit-role"'
                )
                edit_county = ui.input("所属县区").props('data-testid="edit-county"')
                edit_pw = ui.input("新密码（至少 8 位）", password=True).props(
                    'data-testid="edit-password"'
                )
            with ui.row():
                ui.button(
                    "修改角色与县区",
                    on_click=lambda: change(
                        f"已修改 {pick.value} 的角色",
                        lambda con: change_account_role(
                            pick.value,
                            edit_role.value,
                            (edit_county.value or "").strip() or None,
                            actor=actor,
                            con=con,
                            ip=ip,
                        ),
                    ),
                ).props('data-testid="user-role-button"')

                def reset() -> None:
                    if len(edit_pw.value or "") < 8:
                        ui.notify("新密码至少 8 位", type="negative")
                        return
                    change(
                        f"已重置 {pick.value} 的密码",
                        lambda con: reset_account_password(
                            pick.value, edit_pw.value, actor=actor, con=con, ip=ip
                        ),
                    )

                ui.button("重置密码", on_click=reset).props('data-testid="user-reset-button"')
                ui.button(
                    "停用",
                    on_click=lambda: change(
                        f"已停用 {pick.value}",
                        lambda con: disable_account(pick.value, actor=actor, con=con, ip=ip),
                    ),
                ).props('color=negative data-testid="user-disable-button"')
                ui.button(
                    "启用",
                    on_click=lambda: change(
                        f"已启用 {pick.value}",
                        lambda con: enable_account(pick.value, actor=actor, con=con, ip=ip),
                    ),
                ).props('data-testid="user-enable-button"')
            ui.label("修改角色、重置密码或停用后，该账户需重新登录。").classes(
                "text-xs text-gray-500"
            )
        ui.label(f"审计日志（共 {total} 条，显示最近 {len(audit)} 条）").classes("font-bold mt-4")
        audit["at"] = audit["at"].astype(str).str[:19]
        audit["action"] = audit["action"].map(lambda a: ACTION_LABELS.get(a, a))
        audit["detail"] = audit["detail"].map(detail_text)
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
