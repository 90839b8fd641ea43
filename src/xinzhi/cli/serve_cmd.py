"""``xinzhi serve``, ``xinzhi users …``, ``xinzhi backup`` and ``xinzhi restore``."""

from __future__ import annotations

import getpass
import os
import shutil
import sys
from pathlib import Path
from typing import Annotated

import duckdb
import typer

from xinzhi import config
from xinzhi.cli._common import echo_json
from xinzhi.errors import InputError

__all__ = ["backup", "restore", "serve", "users_app"]

users_app = typer.Typer(help="账户管理：新建、列出、停用、重置密码。", no_args_is_help=True)


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
    from xinzhi.server import create_app

    app = create_app(config.db_path(db))
    typer.echo(f"xinzhi 服务：http://{host}:{port}/api/docs （数据仓库 {app.state.db.path}）")
    uvicorn.run(app, host=host, port=port, proxy_headers=True, forwarded_allow_ips="127.0.0.1")


def _connect() -> duckdb.DuckDBPyConnection:
    from xinzhi import store
    from xinzhi.auth import ensure_auth_tables

    con = store.connect()
    ensure_auth_tables(con)
    return con


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


@users_app.command("add")
def users_add(
    name: Annotated[str, typer.Argument(help="用户名")],
    role: Annotated[
        str, typer.Option("--role", help="admin（管理员）| analyst（分析员）| county（县区用户）")
    ],
    county: Annotated[
        str | None, typer.Option("--county", help="县区用户所属县区（代码或名称）")
    ] = None,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="从标准输入读取密码")
    ] = False,
) -> None:
    """新建账户（交互时提示输入密码；否则生成一个随机密码并只显示这一次）。"""
    from xinzhi.auth import add_user, write_audit

    pw, generated = _read_password(password_stdin)
    con = _connect()
    try:
        user = add_user(con, name, pw, role, county)
        write_audit(
            con,
            "user_add",
            user=f"cli:{_whoami()}",
            target=name,
            detail={"role": role, "county": user.county_code},
        )
    finally:
        con.close()
    typer.echo(
        f"已新建账户 {user.username}（{user.role_label}{'，' + user.county_code if user.county_code else ''}）"
    )
    if generated:
        typer.echo(f"初始密码（只显示这一次）：{pw}")


@users_app.command("list")
def users_list(json_out: Annotated[bool, typer.Option("--json", help="输出 JSON")] = False) -> None:
    """列出账户。"""
    from xinzhi.auth import list_users

    con = _connect()
    try:
        users = list_users(con)
    finally:
        con.close()
    if json_out:
        echo_json([u.to_dict() for u in users])
        return
    for u in users:
        state = "已停用" if u.disabled else "正常"
        typer.echo(f"{u.username}\t{u.role_label}\t{u.county_code or '-'}\t{state}")


@users_app.command("disable")
def users_disable(name: Annotated[str, typer.Argument(help="用户名")]) -> None:
    """停用账户（同时注销其全部会话与令牌）。"""
    from xinzhi.auth import disable_user, write_audit

    con = _connect()
    try:
        disable_user(con, name)
        write_audit(con, "user_disable", user=f"cli:{_whoami()}", target=name)
    finally:
        con.close()
    typer.echo(f"已停用账户 {name}")


@users_app.command("reset-password")
def users_reset_password(
    name: Annotated[str, typer.Argument(help="用户名")],
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="从标准输入读取密码")
    ] = False,
) -> None:
    """重置密码（同时注销其全部会话与令牌）。"""
    from xinzhi.auth import reset_password, write_audit

    pw, generated = _read_password(password_stdin)
    con = _connect()
    try:
        reset_password(con, name, pw)
        write_audit(con, "user_reset_password", user=f"cli:{_whoami()}", target=name)
    finally:
        con.close()
    typer.echo(f"已重置 {name} 的密码")
    if generated:
        typer.echo(f"新密码（只显示这一次）：{pw}")


def _whoami() -> str:
    try:
        return getpass.getuser()
    except Exception:
        return "unknown"


def backup(
    output: Annotated[Path, typer.Option("--output", help="备份文件（DuckDB 数据库文件）")],
    force: Annotated[bool, typer.Option("--force", help="覆盖已存在的备份文件")] = False,
) -> None:
    """备份数据仓库：CHECKPOINT 后在独占打开的状态下复制数据库文件（服务需先停止）。"""
    src = config.db_path()
    if not src.exists():
        raise InputError(f"数据仓库文件不存在：{src}")
    if output.exists() and not force:
        raise InputError(f"备份文件已存在：{output}（用 --force 覆盖）")
    try:
        con = duckdb.connect(str(src))
    except duckdb.Error as exc:
        raise InputError(
            f"无法独占打开数据仓库 {src}（服务正在运行？请先停止服务）：{exc}"
        ) from exc
    try:
        # while this process holds the file open, no other process can write to it
        con.execute("CHECKPOINT")
        output.parent.mkdir(parents=True, exist_ok=True)
        tmp = output.with_name(output.name + ".partial")
        shutil.copyfile(src, tmp)
        os.replace(tmp, output)
    finally:
        con.close()
    _check_warehouse(output)
    typer.echo(f"已备份 {src} → {output}（{output.stat().st_size / 1e6:.1f} MB）")


def _check_warehouse(path: Path) -> None:
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error as exc:
        raise InputError(f"{path} 不是有效的 DuckDB 数据库文件：{exc}") from exc
    try:
        tables = {
            r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()
        }
    finally:
        con.close()
    if "import_batches" not in tables:
        raise InputError(f"{path} 不是 xinzhi 数据仓库（缺少 import_batches 表）")


def restore(
    backup_file: Annotated[Path, typer.Argument(help="备份文件")],
    force: Annotated[bool, typer.Option("--force", help="覆盖现有数据仓库")] = False,
) -> None:
    """从备份恢复数据仓库（已有数据仓库时需要 --force；服务需先停止）。"""
    if not backup_file.is_file():
        raise InputError(f"备份文件不存在：{backup_file}")
    _check_warehouse(backup_file)
    target = config.db_path()
    if target.exists() and not force:
        raise InputError(f"数据仓库 {target} 已存在；确认覆盖请加 --force")
    if target.exists():
        try:
            duckdb.connect(str(target)).close()
        except duckdb.Error as exc:
            raise InputError(f"数据仓库 {target} 正在被使用（请先停止服务）：{exc}") from exc
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + ".restoring")
    shutil.copyfile(backup_file, tmp)
    wal = target.with_name(target.name + ".wal")
    if wal.exists():
        wal.unlink()
    os.replace(tmp, target)
    typer.echo(f"已从 {backup_file} 恢复数据仓库 {target}")
