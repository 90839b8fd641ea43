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

    def request() -> None:  # a request's cursor (xinzhi.api.deps.get_cursor leases it)
        with db.lease() as cur:
            _endless(cur, started)

    with TestClient(app):
        t, out = _in_thread(request)
        assert started.wait(30)
    # leaving the client ran the lifespan's shutdown: no exception reached here
    t.join(30)
    assert not t.is_alive()
    assert isinstance(out["error"], ServerClosing)
    assert isinstance(out["error"].__cause__, duckdb.InterruptException)
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

    def request() -> Any:
        with db.lease() as cur:
            return _slow(cur, started, 1.0)

    t, out = _in_thread(request)
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


_SERVER = """
import sys, threading, uvicorn
import duckdb
from xinzhi.server import create_app
from xinzhi.web import _context

app = create_app(sys.argv[1])
db = app.state.db
db.close_grace = 0.5
started = threading.Event()


def endless():
    # a page action in a worker thread whose client is gone: runs until interrupted
    try:
        with _context.connection() as con:
            def mark(x):
                started.set()
                return x
            con.create_function("mark", mark, ["BIGINT"], "BIGINT")
            con.execute("SELECT sum(mark(i)) FROM range(10000000000) t(i)").fetchall()
    except Exception as exc:
        print("query ended:", type(exc).__name__, exc, flush=True)


def start():
    threading.Thread(target=endless, daemon=True).start()
    return {"started": started.wait(30)}


app.add_api_route("/test-start", start, methods=["GET"])
app.router.routes.insert(0, app.router.routes.pop())  # before the pages' routes
uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[2]), log_level="info")
try:
    db.con.execute("SELECT 1")
    print("closed: False", flush=True)
except duckdb.ConnectionException:
    print("closed: True", flush=True)
"""


def test_uvicorn_stop_with_query_in_flight(tmp_path: Path) -> None:
    """The real server (uvicorn, API + pages) stopped with SIGINT while a page's query runs in
    a worker thread: the process exits 0, the query ends with the Chinese ServerClosing
    message, the warehouse is closed, and the log has no traceback and no "busy"."""
    import os
    import signal
    import subprocess
    import sys
    import urllib.request

    from fixtures.live_server import _free_port, _wait

    script = tmp_path / "serve.py"
    script.write_text(_SERVER, encoding="utf-8")
    port = _free_port()
    env = dict(os.environ, XINZHI_HOME=str(tmp_path / "home"), PYTHONUNBUFFERED="1")
    proc = subprocess.Popen(
        [sys.executable, str(script), str(tmp_path / "w.duckdb"), str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        _wait(port, proc, timeout=120)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/test-start", timeout=60) as r:
            assert r.read() == b'{"started":true}'
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    text = out.decode() + err.decode()
    assert proc.returncode == 0, text
    assert "query ended: ServerClosing 服务器正在关闭，查询已中止（请稍后重试）" in text
    assert "closed: True" in text
    assert "Traceback" not in text
    assert "busy" not in text
