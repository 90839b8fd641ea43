"""Run one reading step in a separate worker process with a memory and a time limit.

The server reads every upload this way (:func:`run_limited`): whatever a file makes the
readers do — allocate the whole used range of a workbook, hold millions of quarantined rows,
loop — happens in the worker. Its address space is capped (``RLIMIT_AS``: what it had when it
started plus the budget) and it is stopped after the time limit; the server process only sees a
Chinese :class:`~xinzhi.errors.InputError` and goes on serving.

Workers are forked from a *fork server* (:mod:`multiprocessing`, ``forkserver``): a clean
process started once that has already imported the readers (so a worker starts in
milliseconds) and holds no database handle, lock or thread of the server.
"""

from __future__ import annotations

import multiprocessing
import os
import resource
import threading
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any, TypeVar, cast

from xinzhi.errors import InputError, XinzhiError

__all__ = ["ReadLimits", "run_limited"]

T = TypeVar("T")

_PRELOAD = ["xinzhi.ingest.importer"]
_context_lock = threading.Lock()
_context: Any = None


class ReadLimits:
    """Memory (MB added to the worker's address space) and time (seconds) of one worker."""

    def __init__(self, memory_mb: float = 1024, seconds: float = 120) -> None:
        if memory_mb <= 0 or seconds <= 0:
            raise InputError("读取上传文件的内存与时间上限必须为正数")
        self.memory_mb = float(memory_mb)
        self.seconds = float(seconds)

    def __repr__(self) -> str:
        return f"ReadLimits(memory_mb={self.memory_mb:g}, seconds={self.seconds:g})"


def _ctx() -> Any:
    global _context
    with _context_lock:
        if _context is None:
            ctx = multiprocessing.get_context("forkserver")
            ctx.set_forkserver_preload(_PRELOAD)
            _context = ctx
        return _context


def _address_space() -> int:
    """Current virtual size of this process in bytes (``VmSize``)."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _child(
    conn: Connection, memory_mb: float, fn: Callable[..., Any], args: tuple[Any, ...]
) -> None:
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    limit = _address_space() + int(memory_mb * 2**20)
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    try:
        result: tuple[str, Any] = ("ok", fn(*args))
    except MemoryError:
        result = ("memory", None)
    except XinzhiError as exc:
        result = ("error", exc)
    except Exception as exc:
        result = ("failed", f"{type(exc).__name__}: {exc}")
    try:
        conn.send(result)
    except MemoryError:
        conn.send(("memory", None))
    finally:
        conn.close()


def run_limited(fn: Callable[..., T], *args: Any, limits: ReadLimits, what: str = "文件") -> T:
    """``fn(*args)`` in a worker process under ``limits``; its result is sent back (pickled).

    ``fn`` and ``args`` must be picklable (module-level functions, plain data).

    Raises
    ------
    InputError
        The worker ran out of its memory budget or died (message with the budget), took longer
        than the time limit (stopped), or failed; an :class:`~xinzhi.errors.XinzhiError`
        raised by ``fn`` is raised again as it was.
    """
    ctx = _ctx()
    recv, send = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(send, limits.memory_mb, fn, args), daemon=True)
    proc.start()
    send.close()
    memory = (
        f"读取{what}时超出内存上限（每个上传 {limits.memory_mb:g} MB）：文件过大，或工作表的"
        "使用范围、行数过多；请拆分文件或删除多余的行和列后再导入"
    )
    try:
        if not recv.poll(limits.seconds):
            proc.kill()
            raise InputError(
                f"读取{what}超过 {limits.seconds:g} 秒，已停止：请拆分文件或删除多余的行和列后再导入"
            )
        try:
            status, value = recv.recv()
        except (EOFError, OSError):
            proc.join(5)
            if proc.exitcode is not None and proc.exitcode < 0:  # killed by a signal: the
                raise InputError(memory) from None  # allocator aborts when the cap is hit
            raise InputError(f"读取{what}失败：工作进程异常退出（代码 {proc.exitcode}）") from None
    finally:
        recv.close()
        proc.join(5)
        if proc.is_alive():
            proc.kill()
            proc.join()
    if status == "ok":
        return cast(T, value)
    if status == "memory":
        raise InputError(memory)
    if status == "error":
        raise value
    raise InputError(f"读取{what}失败：{value}")
