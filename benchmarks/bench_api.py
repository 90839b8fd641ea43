"""REST API latency under load: 20 concurrent clients for 60 s against the ranking, county
profile, observations and regions endpoints of a real server (``xinzhi serve``, 127.0.0.1, free
port, its own process), issue #18 item 14.

The load generator runs in a **separate process** (20 asyncio clients, each a keep-alive
HTTP/1.1 connection, closed loop: each client sends its next request when the previous one is
answered); the server, the
generator and this script share the same 2-core machine. Each client cycles through the four
endpoints (ranking = one page of 50 scores of the latest year, profile = one county of eight,
observations = one county's current values, regions = one page of 100 regions).

Printed: per endpoint and overall the number of requests, errors (non-2xx or transport errors),
p50 / p95 / p99 in ms, requests per second, and the machine's load average; the target is
p95 ≤ 200 ms for ranking and profile. A warm-up run (10 s) fills the server's caches first.

Run::

    XINZHI_DATA_DIR=../shared/data .venv/bin/python benchmarks/bench_api.py
    .venv/bin/python benchmarks/bench_api.py --db /tmp/w.duckdb --duration 20   # reuse a warehouse
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import duckdb
import httpx
import numpy as np

CLIENTS = 20
DURATION = 60.0
WARMUP = 10.0
TARGET_P95_MS = 200.0
TARGETS = ("ranking", "profile")
COUNTIES = ["430321", "110108", "440306", "510104", "620102", "330108", "652201", "130102"]
EVALUATION = "bench"
USER = ("bench", "bench-password")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _prepare(tmp: Path, existing: Path | None) -> Path:
    """A warehouse with the stored evaluation ``bench`` and the account ``bench``."""
    from xinzhi import auth

    db = tmp / "xinzhi.duckdb"
    if existing is not None:
        shutil.copy(existing, db)
    else:
        from xinzhi.pipelines.evaluation import evaluate_counties
        from xinzhi.pipelines.warehouse import build_warehouse

        build_warehouse(db, os.environ.get("XINZHI_DATA_DIR"))
        evaluate_counties(db=db, save_as=EVALUATION)
    con = duckdb.connect(str(db))
    try:
        auth.ensure_auth_tables(con)
        if auth.get_user(con, USER[0]) is None:
            auth.add_user(con, USER[0], USER[1], "analyst")
    finally:
        con.close()
    return db


def _url(kind: str, i: int) -> str:
    code = COUNTIES[i % len(COUNTIES)]
    if kind == "ranking":
        return f"/api/evaluations/{EVALUATION}?limit=50"
    if kind == "profile":
        return f"/api/evaluations/{EVALUATION}/counties/{code}"
    if kind == "observations":
        return f"/api/observations?region={code}&limit=100"
    return f"/api/regions?limit=100&offset={(i % 20) * 100}"


KINDS = ("ranking", "profile", "observations", "regions")


async def _client(
    host: str, port: int, token: str, k: int, deadline: float, out: list[tuple[str, float, bool]]
) -> None:
    """One client: a keep-alive HTTP/1.1 connection, one request at a time.

    Requests are written and responses read with asyncio streams (status line, headers,
    ``Content-Length`` body): a few microseconds of the generator's CPU per request, so the
    timings are the server's. (An httpx client costs milliseconds of CPU per request; twenty
    of them on this 2-core machine took the CPU the server needed and doubled the measured
    latencies.)"""
    reader, writer = await asyncio.open_connection(host, port)
    i = k
    try:
        while time.perf_counter() < deadline:
            kind = KINDS[i % len(KINDS)]
            request = (
                f"GET {_url(kind, i // len(KINDS))} HTTP/1.1\r\nHost: {host}:{port}\r\n"
                f"Authorization: Bearer {token}\r\n\r\n"
            ).encode("ascii")
            t = time.perf_counter()
            ok = False
            try:
                writer.write(request)
                head = await reader.readuntil(b"\r\n\r\n")
                status = int(head.split(b" ", 2)[1])
                length = 0
                for line in head.split(b"\r\n")[1:]:
                    name, _, value = line.partition(b":")
                    if name.strip().lower() == b"content-length":
                        length = int(value)
                await reader.readexactly(length)
                ok = status < 300
            except (OSError, asyncio.IncompleteReadError, ValueError):
                writer.close()
                reader, writer = await asyncio.open_connection(host, port)
            out.append((kind, time.perf_counter() - t, ok))
            i += 1
    finally:
        writer.close()


async def _run(
    base: str, token: str, clients: int, duration: float
) -> list[tuple[str, float, bool]]:
    host, port = base.removeprefix("http://").split(":")
    deadline = time.perf_counter() + duration
    out: list[tuple[str, float, bool]] = []
    await asyncio.gather(
        *(_client(host, int(port), token, k, deadline, out) for k in range(clients))
    )
    return out


def _generator(base: str, token: str, clients: int, duration: float, queue: Any) -> None:
    """The load generator's process: run the clients and send the timings back."""
    queue.put(asyncio.run(_run(base, token, clients, duration)))


def _load(base: str, token: str, clients: int, duration: float) -> list[tuple[str, float, bool]]:
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    proc = ctx.Process(target=_generator, args=(base, token, clients, duration, queue))
    proc.start()
    result: list[tuple[str, float, bool]] = queue.get(timeout=duration + 120)
    proc.join(30)
    return result


def _row(name: str, rows: list[tuple[str, float, bool]], wall: float) -> str:
    ms = np.asarray([t for _, t, _ in rows]) * 1000
    errors = sum(not ok for _, _, ok in rows)
    p50, p95, p99 = (float(np.percentile(ms, q)) for q in (50, 95, 99))
    return (
        f"{name:<13}{len(rows):>7}{errors:>7}{p50:>9.1f}{p95:>9.1f}{p99:>9.1f}"
        f"{len(rows) / wall:>8.1f}"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--clients", type=int, default=CLIENTS)
    ap.add_argument("--duration", type=float, default=DURATION)
    ap.add_argument("--db", type=Path, default=None, help="已有的数据仓库（含评价 bench）")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        env = {**os.environ, "XINZHI_HOME": str(tmp / "home")}
        os.environ["XINZHI_HOME"] = env["XINZHI_HOME"]
        db = _prepare(tmp, args.db)
        port = _free_port()
        proc = subprocess.Popen(
            [
                sys.executable,
                "-c",
                "from xinzhi.cli import main; main()",
                "--db",
                str(db),
                "serve",
                "--port",
                str(port),
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(240):
                try:
                    if httpx.get(base + "/api/health", timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    time.sleep(0.5)
            r = httpx.post(
                base + "/api/auth/token", json={"username": USER[0], "password": USER[1]}
            )
            token = r.json()["access_token"]
            _load(base, token, args.clients, WARMUP)
            load_before = os.getloadavg()[0]
            t = time.perf_counter()
            rows = _load(base, token, args.clients, args.duration)
            wall = time.perf_counter() - t
            load_after = os.getloadavg()[0]
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    print(
        f"{args.clients} 个并发客户端（独立进程），{args.duration:.0f} s，机器 1 分钟负载 "
        f"{load_before:.2f} → {load_after:.2f}（{os.cpu_count()} 核）"
    )
    print(f"{'接口':<11}{'请求':>7}{'错误':>5}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'req/s':>8}")
    for kind in KINDS:
        print(_row(kind, [x for x in rows if x[0] == kind], wall))
    print(_row("overall", rows, wall))
    met = []
    for kind in TARGETS:
        ms = np.asarray([t for k, t, _ in rows if k == kind]) * 1000
        met.append(float(np.percentile(ms, 95)) <= TARGET_P95_MS)
    print(
        f"目标 ranking、profile 的 p95 ≤ {TARGET_P95_MS:.0f} ms：{'达到' if all(met) else '未达到'}"
    )


if __name__ == "__main__":
    main()
