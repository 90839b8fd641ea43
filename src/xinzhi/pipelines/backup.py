"""Backing up and restoring the warehouse file (``xinzhi backup`` / ``xinzhi restore``; the
server must be stopped: DuckDB lets one process write)."""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import duckdb

from xinzhi import config
from xinzhi.errors import InputError

__all__ = ["Backup", "backup_warehouse", "check_warehouse_file", "restore_warehouse"]

MARKER_TABLE = "import_batches"
"""A DuckDB file is a xinzhi warehouse when it has this table."""


def check_warehouse_file(path: str | os.PathLike[str]) -> None:
    """Raise :class:`InputError` (Chinese) unless ``path`` is a xinzhi warehouse (a DuckDB file
    with the table :data:`MARKER_TABLE`)."""
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
    if MARKER_TABLE not in tables:
        raise InputError(f"{path} 不是 xinzhi 数据仓库（缺少 {MARKER_TABLE} 表）")


@dataclass
class Backup:
    """A backup written: the warehouse copied, the copy and its size in bytes."""

    source: Path
    path: Path
    size: int


def backup_warehouse(
    output: str | os.PathLike[str], *, force: bool = False, db: str | os.PathLike[str] | None = None
) -> Backup:
    """Copy the warehouse (``db``, default the configured one) to ``output`` after a CHECKPOINT,
    holding it open exclusively so that no other process writes meanwhile; the copy is checked
    with :func:`check_warehouse_file`."""
    src = config.db_path(db)
    out = config.output_path(output, "备份文件")
    if not src.exists():
        raise InputError(f"数据仓库文件不存在：{src}")
    if out.exists() and not force:
        raise InputError(f"备份文件已存在：{out}（用 --force 覆盖）")
    try:
        con = duckdb.connect(str(src))
    except duckdb.Error as exc:
        raise InputError(
            f"无法独占打开数据仓库 {src}（服务正在运行？请先停止服务）：{exc}"
        ) from exc
    try:
        con.execute("CHECKPOINT")
        tmp = out.with_name(out.name + ".partial")
        shutil.copyfile(src, tmp)
        os.replace(tmp, out)
    finally:
        con.close()
    check_warehouse_file(out)
    return Backup(src, out, out.stat().st_size)


def restore_warehouse(
    backup: str | os.PathLike[str], *, force: bool = False, db: str | os.PathLike[str] | None = None
) -> Path:
    """Replace the warehouse (``db``, default the configured one; an existing one only with
    ``force`` and when no process uses it) by the checked backup file ``backup``; returns the
    warehouse path."""
    src = Path(backup)
    if not src.is_file():
        raise InputError(f"备份文件不存在：{src}")
    check_warehouse_file(src)
    target = config.db_path(db)
    if target.exists() and not force:
        raise InputError(f"数据仓库 {target} 已存在；确认覆盖请加 --force")
    if target.exists():
        try:
            duckdb.connect(str(target)).close()
        except duckdb.Error as exc:
            raise InputError(f"数据仓库 {target} 正在被使用（请先停止服务）：{exc}") from exc
    config.output_path(target, "数据仓库")
    tmp = target.with_name(target.name + ".restoring")
    shutil.copyfile(src, tmp)
    wal = target.with_name(target.name + ".wal")
    if wal.exists():
        wal.unlink()
    os.replace(tmp, target)
    return target
