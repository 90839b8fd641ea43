"""Page 管理 (accounts and the audit log; admins only)."""

from __future__ import annotations

import pandas as pd
from fastapi import Request
from nicegui import ui

from xinzhi import auth
from xinzhi.auth.policy import Action
from xinzhi.web._context import connection
from xinzhi.web._frame import guarded, table_of

__all__ = ["register"]


def register() -> None:
    """Define the pages."""

    @ui.page("/admin", title="管理 · 新质 县域新质生产力")
    @guarded(Action.ADMINISTER)
    async def admin_page(request: Request, session: auth.Session) -> None:
        ui.label("管理").classes("text-xl font-bold")
        with connection() as con:
            users = [u.to_dict() for u in auth.list_users(con)]
            total, audit = auth.read_audit(con, limit=200)
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
