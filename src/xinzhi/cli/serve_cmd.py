"""``xinzhi serve``, ``xinzhi users …``, ``xinzhi backup`` and ``xinzhi restore``."""

from __future__ import annotations

import getpass
import sys
from pathlib import Path
from typing import Annotated

import typer

from xinzhi import config
from xinzhi.cli._common import echo_json, os_user
from xinzhi.errors import InputError

__all__ = ["backup", "restore", "serve", "users_app"]

users_app = typer.Typer(
    help="账户管理：新建、列出、停用、重置密码、解除登录限流。", no_args_is_help=True
)


def serve(
    host: Annotated[
        str, typer.Option("--host", help="监听地址（生产环境放在 nginx 之后）")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="端口")] = 8000,
    db: Annotated[Path | None, typer.Option("--db", help="DuckDB 数据仓库文件")] = None,
    workers: Annotated[
        int, typer.Option("--workers", help="进程数（DuckDB 只允许 1 个写进程）")
    ] = 1,
) -> None:
    """启动网页与 REST API 服务（uvicorn；API 文档 /api/docs）。"""
    import uvicorn

    if workers != 1:
        raise InputError("DuckDB 数据仓库只允许一个写进程：--workers 必须为 1")
    if not 1 <= port <= 65535:
        raise InputError(f"端口 {port} 无效：应在 1–65535 之间")
    from xinzhi.server import create_app

    app = create_app(config.db_path(db))
    typer.echo(f"xinzhi 服务：http://{host}:{port}/api/docs （数据仓库 {app.state.db.path}）")
    # forwarded headers are judged by the app itself (xinzhi.auth.network, XINZHI_TRUSTED_PROXIES)
    uvicorn.run(app, host=host, port=port, proxy_headers=False)


def _read_password(from_stdin: bool) -> tuple[str, bool]:
    """(password, generated?) — stdin, an interactive prompt, or a generated one."""
    from xinzhi.auth import generate_password

    if from_stdin:
        pw = sys.stdin.readline().rstrip("\r\n")
        if not pw:
            raise InputError("标准输入中没有密码")
        return pw, False
    if sys.stdin.isatty():
        pw = getpass.getpass("密码：")
        if getpass.getpass("再输入一次：") != pw:
            raise InputError("两次输入的密码不一致")
        return pw, False
    return generate_password(), True


_Role = Annotated[
    str, typer.Option("--role", help="admin（管理员）| analyst（分析员）| county（县区用户）")
]
_County = Annotated[str | None, typer.Option("--county", help="县区用户所属县区（代码或名称）")]


@users_app.command("add")
def users_add(
    name: Annotated[str, typer.Argument(help="用户名")],
    role: _Role,
    county: _County = None,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="从标准输入读取密码")
    ] = False,
) -> None:
    """新建账户（交互时提示输入密码；否则生成一个随机密码并只显示这一次）。"""
    from xinzhi.pipelines.accounts import add_account

    pw, generated = _read_password(password_stdin)
    user = add_account(name, pw, role, county, actor=f"cli:{whoami()}")
    typer.echo(
        f"已新建账户 {user.username}（{user.role_label}{'，' + user.county_code if user.county_code else ''}）"
    )
    if generated:
        typer.echo(f"初始密码（只显示这一次）：{pw}")


@users_app.command("list")
def users_list(json_out: Annotated[bool, typer.Option("--json", help="输出 JSON")] = False) -> None:
    """列出账户。"""
    from xinzhi.pipelines.accounts import list_accounts

    users = list_accounts()
    if json_out:
        echo_json([u.to_dict() for u in users])
        return
    for u in users:
        state = "已停用" if u.disabled else "正常"
        typer.echo(f"{u.username}\t{u.role_label}\t{u.county_code or '-'}\t{state}")


@users_app.command("disable")
def users_disable(name: Annotated[str, typer.Argument(help="用户名")]) -> None:
    """停用账户（同时注销其全部会话与令牌）。"""
    from xinzhi.pipelines.accounts import disable_account

    disable_account(name, actor=f"cli:{whoami()}")
    typer.echo(f"已停用账户 {name}")


@users_app.command("enable")
def users_enable(name: Annotated[str, typer.Argument(help="用户名")]) -> None:
    """启用已停用的账户。"""
    from xinzhi.pipelines.accounts import enable_account

    enable_account(name, actor=f"cli:{whoami()}")
    typer.echo(f"已启用账户 {name}")


@users_app.command("role")
def users_role(
    name: Annotated[str, typer.Argument(help="用户名")],
    role: _Role,
    county: _County = None,
) -> None:
    """修改账户的角色与所属县区（同时注销其全部会话与令牌）。"""
    from xinzhi.pipelines.accounts import change_account_role

    user = change_account_role(name, role, county, actor=f"cli:{whoami()}")
    typer.echo(
        f"已将 {name} 改为 {user.role_label}{'（' + user.county_code + '）' if user.county_code else ''}"
    )


@users_app.command("reset-password")
def users_reset_password(
    name: Annotated[str, typer.Argument(help="用户名")],
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="从标准输入读取密码")
    ] = False,
) -> None:
    """重置密码（同时注销其全部会话与令牌）。"""
    from xinzhi.pipelines.accounts import reset_account_password

    pw, generated = _read_password(password_stdin)
    reset_account_password(name, pw, actor=f"cli:{whoami()}")
    typer.echo(f"已重置 {name} 的密码")
    if generated:
        typer.echo(f"新密码（只显示这一次）：{pw}")


@users_app.command("unlock")
def users_unlock(name: Annotated[str, typer.Argument(help="用户名")]) -> None:
    """解除账户的登录限流（清除各地址的失败记录与账户的等待时间）。"""
    from xinzhi.pipelines.accounts import unlock_account

    n = unlock_account(name, actor=f"cli:{whoami()}")
    typer.echo(f"已解除 {name} 的登录限流（清除 {n} 次失败记录）")


def whoami() -> str:
    """The operating-system user (recorded as ``cli:<user>`` with account changes)."""
    return os_user()


def backup(
    output: Annotated[Path, typer.Option("--output", help="备份文件（DuckDB 数据库文件）")],
    force: Annotated[bool, typer.Option("--force", help="覆盖已存在的备份文件")] = False,
) -> None:
    """备份数据仓库：CHECKPOINT 后在独占打开的状态下复制数据库文件（服务需先停止）。"""
    from xinzhi.pipelines.backup import backup_warehouse

    b = backup_warehouse(output, force=force)
    typer.echo(f"已备份 {b.source} → {b.path}（{b.size / 1e6:.1f} MB）")


def restore(
    backup_file: Annotated[Path, typer.Argument(help="备份文件")],
    force: Annotated[bool, typer.Option("--force", help="覆盖现有数据仓库")] = False,
) -> None:
    """从备份恢复数据仓库（已有数据仓库时需要 --force；服务需先停止）。"""
    from xinzhi.pipelines.backup import restore_warehouse

    target = restore_warehouse(backup_file, force=force)
    typer.echo(f"已从 {backup_file} 恢复数据仓库 {target}")
