"""Shared by the browser benchmarks (web_pages.py, bench_map_page.py): the headless Debian
chromium's switches and a free local port for the server they start."""

from __future__ import annotations

import socket
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from fixtures.live_server import CHROMIUM_ARGS  # the browser tests' switches

__all__ = ["CHROMIUM_ARGS", "free_port", "wait_for_port"]


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for_port(port: int, tries: int = 300) -> None:
    """Return once 127.0.0.1:``port`` accepts a connection (or after ``tries`` × ~0.2 s)."""
    for _ in range(tries):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.2)
