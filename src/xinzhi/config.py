"""Where things live: the warehouse file and the public-data mirror.

Resolution order (first wins): explicit argument, environment variable, default.

- warehouse: ``--db`` / ``XINZHI_DB`` / ``~/.xinzhi/xinzhi.duckdb``
- data mirror: ``--data-dir`` / ``XINZHI_DATA_DIR`` / none
- download cache: ``XINZHI_CACHE`` / ``~/.xinzhi/cache``

``XINZHI_HOME`` moves ``~/.xinzhi`` as a whole.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
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


def _env_number(name: str, default: float) -> float:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = float(raw)
    except ValueError as exc:
        raise InputError(f"环境变量 {name} 应为数字，而不是 {raw!r}") from exc
    if value < 0:
        raise InputError(f"环境变量 {name} 不能为负数（{raw}）")
    return value


@dataclass(frozen=True)
class ServerLimits:
    """Limits that keep one upload or one login from harming the server (issue #18).

    Each has an environment variable (read by :func:`server_limits` when the server starts):

    ``upload_memory_mb`` (``XINZHI_UPLOAD_MEMORY_MB``, 2048)
        Address space a worker process reading one upload may add (``RLIMIT_AS``).
    ``upload_max_rows`` (``XINZHI_UPLOAD_MAX_ROWS``, 1000000)
        Lines of one uploaded CSV (counted before parsing; a worksheet is bounded by its used
        range, :data:`xinzhi.ingest.tables.MAX_SHEET_CELLS`).
    ``upload_seconds`` (``XINZHI_UPLOAD_SECONDS``, 120)
        Time a worker may take to read and check one upload before it is stopped.
    ``quarantine_cap`` (``XINZHI_QUARANTINE_CAP``, 10000)
        Quarantined rows stored per batch; beyond it only the count is kept (per reason).
    ``upload_quota_mb`` (``XINZHI_UPLOAD_QUOTA_MB``, 200)
        Bytes one account may upload in 24 hours (0: no quota).
    ``trusted_proxies`` (``XINZHI_TRUSTED_PROXIES``, none)
        Comma-separated addresses whose ``X-Forwarded-For`` is believed; from any other peer
        the header is ignored and the peer's own address is the client's.
    """

    upload_memory_mb: float = 2048
    upload_max_rows: int = 1_000_000
    upload_seconds: float = 120
    quarantine_cap: int = 10_000
    upload_quota_mb: float = 200
    trusted_proxies: tuple[str, ...] = ()


def server_limits() -> ServerLimits:
    """:class:`ServerLimits` from the environment (defaults where a variable is unset)."""
    proxies = os.environ.get("XINZHI_TRUSTED_PROXIES", "")
    return ServerLimits(
        upload_memory_mb=_env_number("XINZHI_UPLOAD_MEMORY_MB", 2048),
        upload_max_rows=int(_env_number("XINZHI_UPLOAD_MAX_ROWS", 1_000_000)),
        upload_seconds=_env_number("XINZHI_UPLOAD_SECONDS", 120),
        quarantine_cap=int(_env_number("XINZHI_QUARANTINE_CAP", 10_000)),
        upload_quota_mb=_env_number("XINZHI_UPLOAD_QUOTA_MB", 200),
        trusted_proxies=tuple(p.strip() for p in proxies.split(",") if p.strip()),
    )
