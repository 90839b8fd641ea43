"""Opening the warehouse file."""

from __future__ import annotations

import os

import duckdb

from xinzhi import config
from xinzhi.errors import InputError
from xinzhi.store.schema import ensure_schema

__all__ = ["connect"]


def connect(
    path: str | os.PathLike[str] | None = None, read_only: bool = False
) -> duckdb.DuckDBPyConnection:
    """Open (and create if needed) the DuckDB warehouse.

    A new warehouse is created in an existing directory; only the default home
    (:func:`xinzhi.config.home_dir`) is created when missing — a ``--db`` in a directory that
    does not exist is an :class:`~xinzhi.errors.InputError`, not a silent ``mkdir``.

    Parameters
    ----------
    path : path, optional
        Warehouse file; default :func:`xinzhi.config.db_path` (``--db`` / ``XINZHI_DB`` /
        ``~/.xinzhi/xinzhi.duckdb``).
    read_only : bool
        Open read-only (the file must exist; the schema is not touched).
    """
    p = config.db_path(path)
    if read_only:
        if not p.exists():
            raise InputError(f"数据仓库文件不存在：{p}（请先运行 xinzhi demo 或 xinzhi import）")
        try:
            return duckdb.connect(str(p), read_only=True)
        except duckdb.Error as exc:
            raise InputError(f"无法打开数据仓库 {p}：{exc}") from exc
    if p.parent == config.home_dir():  # the default home (~/.xinzhi) is ours to create
        p.parent.mkdir(parents=True, exist_ok=True)
    elif not p.parent.is_dir():
        raise InputError(
            f"数据仓库所在的目录不存在：{p.parent}（请先创建该目录，或换一个 --db 路径）"
        )
    try:
        con = duckdb.connect(str(p))
    except duckdb.Error as exc:
        raise InputError(f"无法打开数据仓库 {p}（可能被其他进程占用）：{exc}") from exc
    ensure_schema(con)
    return con
