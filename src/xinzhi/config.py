"""Where things live: the warehouse file and the public-data mirror.

Resolution order (first wins): explicit argument, environment variable, default.

- warehouse: ``--db`` / ``XINZHI_DB`` / ``~/.xinzhi/xinzhi.duckdb``
- data mirror: ``--data-dir`` / ``XINZHI_DATA_DIR`` / none
- download cache: ``XINZHI_CACHE`` / ``~/.xinzhi/cache``

``XINZHI_HOME`` moves ``~/.xinzhi`` as a whole.
"""

from __future__ import annotations

import os
from pathlib import Path

from xinzhi.errors import InputError


def home_dir() -> Path:
    """Per-user directory for the default warehouse and the download cache (``XINZHI_HOME``)."""
    return Path(os.environ.get("XINZHI_HOME", Path.home() / ".xinzhi"))


def db_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    """Path of the DuckDB warehouse file."""
    if explicit:
        return Path(explicit)
    env = os.environ.get("XINZHI_DB")
    if env:
        return Path(env)
    return home_dir() / "xinzhi.duckdb"


def data_dir(explicit: str | os.PathLike[str] | None = None) -> Path | None:
    """Local mirror of the public data, or None when none is configured."""
    if explicit:
        return Path(explicit)
    env = os.environ.get("XINZHI_DATA_DIR")
    return Path(env) if env else None


def cache_dir() -> Path:
    """Directory where downloaded public files are cached."""
    env = os.environ.get("XINZHI_CACHE")
    return Path(env) if env else home_dir() / "cache"


def output_path(path: str | os.PathLike[str], what: str = "输出文件") -> Path:
    """``path`` as a :class:`~pathlib.Path` after checking that its directory exists.

    Output files (``--output``, ``backup --output``, reports, workbooks) go into an existing
    directory: a missing one is a typing mistake more often than a wish, so it is refused with
    a Chinese message instead of being created silently.

    Raises
    ------
    InputError
        The parent directory does not exist (or is not a directory).
    """
    p = Path(path)
    if str(path) == "":
        raise InputError(f"{what}的路径为空")
    if p.parent.exists() and not p.parent.is_dir():
        raise InputError(f"无法写入{what} {p}：{p.parent} 不是目录")
    if not p.parent.is_dir():
        raise InputError(f"{what} {p} 所在的目录不存在：{p.parent}（请先创建该目录）")
    return p
