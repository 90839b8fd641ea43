"""First-load times of the pages 总览, 画像, 区域差异 and 产业 in headless Debian chromium (#13 part 8).

Starts the real server (API + pages, ``xinzhi.server.create_app``) on a copy of a warehouse that
holds the evaluation ``nqpf-county`` (the public warehouse ``xinzhi demo`` builds; or any copy of
the small test warehouse with ``--eval``), logs in, and opens each page once in a fresh browser
context right after the server started (**first load**: nothing cached on the server or in the
browser), then once more (**second load**). A page counts as loaded when its last part is drawn:

* 总览 — the county map holds one SVG path per polygon;
* 画像 — the radar, the trend chart and the 短板 table (湘潭县 430321, or ``--county``);
* 区域差异 — the Moran scatter and the β-convergence line (the last sections);
* 产业 — the RCA × density quadrant and the chain table.

For each page it prints the time until the HTML arrived (``domcontentloaded``) and until the page
was complete, and marks those over the 2 s target. Not a timed test: numbers depend on the
machine (2 shared cores here) and what else runs.

Usage::

    XINZHI_DATA_DIR=../shared/data .venv/bin/python benchmarks/web_pages.py --db ~/.xinzhi/xinzhi.duckdb
    # --keep-cache --settle 40 --runs 3 --pages 总览,区域差异

Numbers (first loads, seconds; ``--keep-cache``; public warehouse, evaluation ``nqpf-county``;
2 shared cores with other jobs running — the 1-minute load average is given):

* before the 总览 map work (commit 6f6e045), quiet machine 2026-12-05 00:40 UTC: 总览 2.33 at
  settle 0, 1.51 at settle 40; 区域差异 2.20 / 1.85.
* 2026-12-05 01:28–01:35 UTC, load 2.9–5.9, the old and the new code run in turn (medians of
  the runs, each run's value in brackets):

  ======================  ========================  ========================
  page, settle            before (6f6e045)          after
  ======================  ========================  ========================
  总览, settle 0          2.97 (2.97, 2.99, 2.31)   1.69 (1.69, 1.69, 1.78)
  区域差异, settle 0      3.46 (3.35, 4.65, 3.46)   2.14 (2.01, 2.19, 2.14)
  总览, settle 40         2.26 (2.36, 2.15)         1.66 (1.69, 1.63)
  区域差异, settle 40     2.62 (2.53, 2.71)         2.03 (2.04, 2.01)
  ======================  ========================  ========================

  (画像 and 产业 in the same runs, after: 3.73 / 2.40 at settle 0, 1.88 / 2.46 at settle 40;
  not changed by this work.) What made 总览 faster: the national map is a view map simplified
  with 0.03° (57 k points instead of 156 k, 0.3 MB gzip instead of 0.7 MB); the page's head
  preloads it and registers it with ECharts before the websocket connects; the map is drawn
  once (NiceGUI set the same options a second time after the message that created the chart,
  and ECharts redrew all 2,891 polygons, about 0.3 s); the start-up thread also computes the
  map's extent and the county types. A zoomed view loads only the counties in view. 区域差异
  gains from the same national view map and single drawing of its LISA map.
* after the 画像 work (its charts and those of 区域差异 drawn once; heavy page modules imported
  before the server accepts connections; the start-up thread assembles the profile context
  before the disparity defaults, one assembly at a time), quiet machine 2026-12-05 01:51–01:56
  UTC, load 1.6–2.7, medians (runs):

  ======================  ==========================  ==========================
  page                    settle 0 (``--runs 3``)     settle 40 (``--runs 2``)
  ======================  ==========================  ==========================
  总览                    1.62 (1.72, 1.62, 1.45)     1.23 (1.21, 1.24)
  画像                    1.90 (1.90, 1.83, 2.19)     1.47 (1.44, 1.49)
  区域差异                1.56 (1.40, 1.57, 1.56)     1.39 (1.34, 1.44)
  产业                    1.73 (1.66, 1.73, 2.02)     1.49 (1.45, 1.53)
  ======================  ==========================  ==========================

  Without ``--keep-cache`` (a fresh home, one run at settle 0): 1.71, 1.68, 1.97, 1.53 s.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from _browser import CHROMIUM_ARGS, free_port, wait_for_port

SERVER = """
import sys, uvicorn
from xinzhi.server import create_app
from xinzhi import web
app = create_app(sys.argv[1])
web.mount(app)
uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[2]), log_level="warning")
"""
TARGET = 2.0


def pages(evaluation: str, county: str) -> list[tuple[str, str, list[str]]]:
    """(name, path, selectors that must all be present when the page is complete)."""
    return [
        (
            "总览",
            f"/?eval={evaluation}",
            ["[data-testid=county-map] svg path", "[data-testid=overview-count]"],
        ),
        (
            "画像",
            f"/profile?code={county}&eval={evaluation}",
            [
                "[data-testid=radar] svg path",
                "[data-testid=trend-chart] svg path",
                "[data-testid=shortfall-table] tbody tr",
            ],
        ),
        (
            "区域差异",
            f"/disparity?eval={evaluation}",
            ["[data-testid=moran-scatter] svg path", "[data-testid=beta-result]"],
        ),
        (
            "产业",
            f"/industry?code={county}&year=2020",
            ["[data-testid=quadrant-chart] svg path", "[data-testid=chain-table]"],
        ),
    ]


def _load(context: Any, base: str, path: str, selectors: list[str]) -> tuple[float, float, str]:
    """(seconds to domcontentloaded, seconds to complete, note) of one page load."""
    page = context.new_page()
    t0 = time.perf_counter()
    page.goto(base + path, wait_until="domcontentloaded", timeout=180_000)
    html = time.perf_counter() - t0
    note = ""
    try:
        for sel in selectors:
            page.wait_for_selector(sel, state="attached", timeout=90_000)
    except Exception as exc:  # a section that fails on this warehouse: say which
        note = f"未出现 {sel}（{type(exc).__name__}）"
    done = time.perf_counter() - t0
    page.close()
    return html, done, note


def _run(args: argparse.Namespace) -> list[tuple[str, int, float, float, str]]:
    """One server start: the login, then every page twice (first and second load)."""
    from playwright.sync_api import sync_playwright

    from xinzhi import auth, store

    wanted = set(args.pages.split(",")) if args.pages else None
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "xinzhi.duckdb"
        shutil.copy(args.db, db)
        con = store.connect(db)
        auth.ensure_auth_tables(con)
        if auth.get_user(con, "bench") is None:
            auth.add_user(con, "bench", "bench-pass-123", "admin")
        con.close()
        port = free_port()
        env = dict(os.environ, XINZHI_HOME=tmp, XINZHI_SECRET_KEY="bench-secret-key")
        if args.keep_cache:
            from xinzhi.config import cache_dir

            env["XINZHI_CACHE"] = str(cache_dir())
        proc = subprocess.Popen([sys.executable, "-c", SERVER, str(db), str(port)], env=env)
        base = f"http://127.0.0.1:{port}"
        rows: list[tuple[str, int, float, float, str]] = []
        try:
            wait_for_port(port)
            time.sleep(args.settle)
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
                login = browser.new_context(viewport={"width": 1366, "height": 900})
                page = login.new_page()
                page.goto(base + "/login")
                page.fill("input[name=username]", "bench")
                page.fill("input[name=password]", "bench-pass-123")
                page.click("button[type=submit]")
                page.wait_for_url(base + "/**")
                state = login.storage_state()
                login.close()
                for attempt in (1, 2):
                    for name, path, selectors in pages(args.eval, args.county):
                        if wanted is not None and name not in wanted:
                            continue
                        ctx = browser.new_context(
                            viewport={"width": 1366, "height": 900}, storage_state=state
                        )
                        html, done, note = _load(ctx, base, path, selectors)
                        ctx.close()
                        rows.append((name, attempt, html, done, note))
                        flag = "  > 2 s" if done > TARGET else ""
                        print(
                            f"{name}（第 {attempt} 次）：HTML {html:.2f} s，完成 {done:.2f} s"
                            f"{flag} {note}",
                            flush=True,
                        )
                browser.close()
        finally:
            proc.terminate()
            proc.wait(timeout=10)
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", required=True, help="warehouse with a stored evaluation")
    ap.add_argument("--eval", default="nqpf-county", help="stored evaluation (nqpf-county)")
    ap.add_argument("--county", default="430321", help="county of 画像 and 产业 (430321)")
    ap.add_argument(
        "--settle",
        type=float,
        default=0.0,
        help="seconds to wait after the server started before the first loads (0: at once; "
        "a server that has been up that long has finished its start-up warm-up)",
    )
    ap.add_argument(
        "--keep-cache",
        action="store_true",
        help="let the server use the user's cache directory (contiguity, boundaries) instead "
        "of an empty one in the temporary home",
    )
    ap.add_argument(
        "--runs",
        type=int,
        default=1,
        help="server starts (each with its first and second loads); the summary gives the "
        "median first load over the runs (a shared machine's load varies from run to run)",
    )
    ap.add_argument("--pages", default="", help="only these pages, e.g. 总览,区域差异")
    args = ap.parse_args()
    rows: list[tuple[str, int, float, float, str]] = []
    for run in range(args.runs):
        if args.runs > 1:
            print(f"— 第 {run + 1} 轮（{os.getloadavg()[0]:.2f} 平均负载）—", flush=True)
        rows += _run(args)
    print()
    print(f"首次加载（目标 ≤ {TARGET:.0f} s{'，各轮中位数' if args.runs > 1 else ''}）：")
    for name in dict.fromkeys(r[0] for r in rows):
        firsts = [r for r in rows if r[0] == name and r[1] == 1]
        done = statistics.median(r[3] for r in firsts)
        html = statistics.median(r[2] for r in firsts)
        notes = " ".join(sorted({r[4] for r in firsts if r[4]}))
        verdict = "超过" if done > TARGET else "达标"
        each = "、".join(f"{r[3]:.2f}" for r in firsts)
        print(f"  {name}：{done:.2f} s（HTML {html:.2f} s；各轮 {each}）{verdict} {notes}")


if __name__ == "__main__":
    main()
