"""REST API latency under load: 20 concurrent clients on the ranking and county-profile
endpoints of a real uvicorn server (127.0.0.1, free port, subprocess).

Peer: the same two questions answered in-process by the pipeline functions
(:func:`xinzhi.pipelines.profile.stored_scores` / :func:`county_profile`) — the ratio shows the
cost of HTTP, JSON, authentication and concurrency. Target: p95 ≤ 200 ms.

After one warm-up round (it fills the per-evaluation caches of the server) the load is run
``ROUNDS`` times; each round's p50 / p95 is printed with the machine's load average, and the
target counts as met when the median of the rounds' p95 is ≤ 200 ms. The load generator (httpx,
20 asyncio clients) runs on the same 2-core machine as the server and takes CPU from it.

Run: ``XINZHI_DATA_DIR=../shared/data .venv/bin/python benchmarks/bench_api.py``
"""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb
import httpx
import numpy as np

CLIENTS = 20
REQUESTS_PER_CLIENT = 25
ROUNDS = 3
TARGET_P95_MS = 200.0
TIME_LIMIT = 60.0
COUNTIES = ["430321", "110108", "440306", "510104", "620102", "330108", "652201", "130102"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _prepare(tmp: Path) -> Path:
    from xinzhi import auth
    from xinzhi.pipelines.evaluation import evaluate_counties
    from xinzhi.pipelines.warehouse import build_warehouse

    db = tmp / "xinzhi.duckdb"
    build_warehouse(db, os.environ.get("XINZHI_DATA_DIR"))
    evaluate_counties(db=db, save_as="bench")
    con = duckdb.connect(str(db))
    auth.add_user(con, "bench", "bench-password", "analyst")
    con.close()
    return db


def _peer(db: Path, n: int) -> list[float]:
    from xinzhi.pipelines import profile

    con = duckdb.connect(str(db))
    times = []
    for i in range(n):
        t = time.perf_counter()
        if i % 2 == 0:
            s = profile.stored_scores(con, "bench")
            s[s["year"] == s["year"].max()].head(50)
        else:
            profile.county_profile(con, "bench", COUNTIES[i % len(COUNTIES)])
        times.append(time.perf_counter() - t)
    con.close()
    return times


async def _load(base: str, token: str) -> list[float]:
    headers = {"Authorization": f"Bearer {token}"}
    deadline = time.perf_counter() + TIME_LIMIT
    times: list[float] = []

    async def client(k: int) -> None:
        async with httpx.AsyncClient(base_url=base, headers=headers, timeout=30) as c:
            for i in range(REQUESTS_PER_CLIENT):
                if time.perf_counter() > deadline:
                    return
                if (i + k) % 2 == 0:
                    url = "/api/evaluations/bench?limit=50"
                else:
                    url = f"/api/evaluations/bench/counties/{COUNTIES[(i + k) % len(COUNTIES)]}"
                t = time.perf_counter()
                r = await c.get(url)
                times.append(time.perf_counter() - t)
                r.raise_for_status()

    await asyncio.gather(*(client(k) for k in range(CLIENTS)))
    return times


def _pct(times: list[float]) -> tuple[float, float]:
    a = np.asarray(times) * 1000
    return float(np.percentile(a, 50)), float(np.percentile(a, 95))


def main() -> None:
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        env = {**os.environ, "XINZHI_HOME": str(tmp / "home")}
        os.environ["XINZHI_HOME"] = env["XINZHI_HOME"]
        db = _prepare(tmp)
        peer = _peer(db, 40)
        port = _free_port()
        proc = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "xinzhi"),
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
            for _ in range(120):
                try:
                    if httpx.get(base + "/api/health", timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    time.sleep(0.5)
            r = httpx.post(
                base + "/api/auth/token", json={"username": "bench", "password": "bench-password"}
            )
            token = r.json()["access_token"]
            asyncio.run(_load(base, token))  # warm-up (caches)
            rounds = []
            for _ in range(ROUNDS):
                load = os.getloadavg()[0]
                t = time.perf_counter()
                times = asyncio.run(_load(base, token))
                rounds.append((times, time.perf_counter() - t, load))
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    q50, q95 = _pct(peer)
    p95s = []
    for k, (times, wall, load) in enumerate(rounds, 1):
        p50, p95 = _pct(times)
        p95s.append(p95)
        print(
            f"第 {k} 轮：{CLIENTS} 个并发客户端，{len(times)} 次请求，{wall:.1f} s，"
            f"{len(times) / wall:.0f} req/s；p50 {p50:.1f} ms，p95 {p95:.1f} ms"
            f"（机器 1 分钟负载 {load:.2f}，2 核）"
        )
    med = float(np.median(p95s))
    all_times = [x for times, _, _ in rounds for x in times]
    p50, _ = _pct(all_times)
    print(
        f"API p95（各轮中位数）{med:.1f} ms；目标 p95 ≤ {TARGET_P95_MS:.0f} ms："
        f"{'达到' if med <= TARGET_P95_MS else '未达到'}"
    )
    print(f"同一问题进程内直接调用 pipelines（peer，串行）：p50 {q50:.1f} ms   p95 {q95:.1f} ms")
    print(f"比值 API p50 / peer p50 = {p50 / q50:.2f}")


if __name__ == "__main__":
    main()
