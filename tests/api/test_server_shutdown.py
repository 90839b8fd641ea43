"""Closing the server's warehouse while queries run in worker threads (server.py lifespan,
xinzhi.api.deps.Database.close, xinzhi.web._context.connection): no "connection is busy"
traceback, running queries are waited for (then interrupted), the connection ends closed."""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path
from typing import Any

import duckdb
import pytest
from fastapi.testclient import TestClient

from xinzhi.api.deps import Database, ServerClosing
from xinzhi.errors import XinzhiError


def _endless(cur: duckdb.DuckDBPyConnection, started: threading.Event) -> None:
    """A query that runs until it is interrupted: a Python UDF per row of 10¹⁰ rows
    (``started`` is set by the first row, so the query is surely in flight)."""

    def mark(x: int) -> int:
        started.set()
        return x

    cur.create_function("mark", mark, ["BIGINT"], "BIGINT")  # type: ignore[list-item]
    cur.execute("SELECT sum(mark(i)) FROM range(10000000000) t(i)").fetchall()


def _slow(cur: duckdb.DuckDBPyConnection, started: threading.Event, seconds: float) -> Any:
    """A query that returns 42 after ``seconds`` (one Python UDF call that sleeps)."""

    def nap(x: int) -> int:
        started.set()
        time.sleep(seconds)
        return x

    cur.create_function("nap", nap, ["BIGINT"], "BIGINT")  # type: ignore[list-item]
    return cur.execute("SELECT nap(42)").fetchone()


def _in_thread(fn: Any, *args: Any) -> tuple[threading.Thread, dict[str, Any]]:
    out: dict[str, Any] = {}

    def run() -> None:
        try:
            out["value"] = fn(*args)
        except BaseException as exc:
            out["error"] = exc

    t = threading.Thread(target=run, daemon=True)
    t.start()
    return t, out


def _closed(con: duckdb.DuckDBPyConnection) -> bool:
    try:
        con.execute("SELECT 1")
    except duckdb.ConnectionException:
        return True
    return False


def test_lifespan_close_interrupts_running_query(tmp_path: Path, caplog: Any) -> None:
    """Server stop (lifespan end) while an endless query runs on a request's cursor: the stop
    waits the grace period, interrupts the query and closes the warehouse without an error."""
    from xinzhi.server import create_app

    app = create_app(tmp_path / "w.duckdb")
    db: Database = app.state.db
    db.close_grace = 0.5  # seconds the stop waits before interrupting
    started = threading.Event()
    caplog.set_level(logging.DEBUG)
    with TestClient(app):
        cur = db.cursor()
        t, out = _in_thread(_endless, cur, started)
        assert started.wait(30)
    # leaving the client ran the lifespan's shutdown: no exception reached here
    t.join(30)
    assert not t.is_alive()
    assert isinstance(out["error"], duckdb.InterruptException)
    assert _closed(db.con)
    text = caplog.text
    assert "Traceback" not in text
    assert "busy" not in text
    assert "ResourceInUse" not in text


def test_close_waits_for_query_within_grace(tmp_path: Path) -> None:
    """A query that ends within the grace period is not interrupted: it returns its value
    (42, the UDF's argument) and the close then succeeds."""
    db = Database(tmp_path / "w.duckdb")
    db.close_grace = 60.0
    started = threading.Event()
    cur = db.cursor()
    t, out = _in_thread(_slow, cur, started, 1.0)
    assert started.wait(30)
    t0 = time.monotonic()
    db.close()
    waited = time.monotonic() - t0
    t.join(30)
    assert out == {"value": (42,)}
    assert waited < 60.0  # returned when the query ended, not at the end of the grace
    assert _closed(db.con)


def test_no_new_cursor_after_close(tmp_path: Path) -> None:
    """After the close starts, a new cursor is refused with a clear Chinese XinzhiError."""
    db = Database(tmp_path / "w.duckdb")
    db.close()
    with pytest.raises(ServerClosing, match="服务器正在关闭"):
        db.cursor()
    assert issubclass(ServerClosing, XinzhiError)
    db.close()  # a second close is harmless


def test_web_connection_interrupted_by_close(tmp_path: Path, monkeypatch: Any) -> None:
    """A page action's query (web._context.connection on the server's database) cut by the
    server's stop ends in ServerClosing (shown to the page as a notification), not a raw
    DuckDB error."""
    from xinzhi.web import _context

    db = Database(tmp_path / "w.duckdb")
    db.close_grace = 0.2
    monkeypatch.setattr(_context.config, "database", db)
    started = threading.Event()

    def page_action() -> None:
        with _context.connection() as con:
            _endless(con, started)

    t, out = _in_thread(page_action)
    assert started.wait(30)
    db.close()
    t.join(30)
    assert isinstance(out["error"], ServerClosing)
    assert "查询已中止" in str(out["error"])
    assert _closed(db.con)
