"""Time to draw the national county map page (总览) in headless Debian chromium.

Starts the real server (``xinzhi.server.create_app``) on a copy of a warehouse that holds the
demo evaluation ``nqpf-county`` (``xinzhi demo`` builds one; pass ``--db``), logs in, then times
``page.goto('/')`` until the ECharts SVG map holds one path per county polygon — cold (first
load: boundaries simplified and cached on the server) and warm (second load, browser cache).
Peer: the same chromium drawing the same GeoJSON with ECharts' canvas renderer in an otherwise
empty page (the floor any page with this map can reach). Target: warm ≤ 3 s.

Usage::

    XINZHI_DATA_DIR=../shared/data .venv/bin/python benchmarks/bench_map_page.py --db ~/.xinzhi/xinzhi.duckdb
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _browser import CHROMIUM_ARGS, free_port, wait_for_port

SERVER = """
import sys, uvicorn
from xinzhi.server import create_app
uvicorn.run(create_app(sys.argv[1]), host="127.0.0.1", port=int(sys.argv[2]), log_level="warning")
"""
PEER_JS = """async () => {
  const m = await import('/web/static/xinzhi-maps.js');
  await m.ensureMap('peer-map', '/web/geo/county-2020.json');
  const div = document.createElement('div');
  div.style.cssText = 'width:1000px;height:700px';
  document.body.appendChild(div);
  const t0 = performance.now();
  const c = m.echarts.init(div, null, {renderer: 'canvas'});
  c.setOption({series: [{type: 'map', map: 'peer-map', nameProperty: 'code', animation: false}]});
  c.getZr().refreshImmediately();
  return (performance.now() - t0) / 1000;
}"""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", required=True, help="warehouse with the evaluation nqpf-county")
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright

    from xinzhi import auth, store

    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "xinzhi.duckdb"
        shutil.copy(args.db, db)
        con = store.connect(db)
        if auth.get_user(con, "bench") is None:
            auth.add_user(con, "bench", "bench-pass-123", "admin")
        con.close()
        port = free_port()
        env = dict(os.environ, XINZHI_HOME=tmp, XINZHI_SECRET_KEY="bench")
        proc = subprocess.Popen([sys.executable, "-c", SERVER, str(db), str(port)], env=env)
        base = f"http://127.0.0.1:{port}"
        try:
            wait_for_port(port)
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
                page = browser.new_page(viewport={"width": 1400, "height": 1000})
                page.goto(base + "/login")
                page.fill("input[name=username]", "bench")
                page.fill("input[name=password]", "bench-pass-123")
                page.click("button[type=submit]")
                page.wait_for_url(base + "/")
                times = []
                for _ in range(3):
                    t0 = time.perf_counter()
                    page.goto(base + "/")
                    page.wait_for_function(
                        "() => { const el = document.querySelector('[data-testid=county-map]');"
                        " return el && el.querySelectorAll('svg path').length >="
                        " Number(el.dataset.polygons || 1e9); }",
                        timeout=120_000,
                    )
                    times.append(time.perf_counter() - t0)
                    print(f"  第 {len(times)} 次：{times[-1]:.2f} s", flush=True)
                peer = page.evaluate(PEER_JS)
                browser.close()
        finally:
            proc.terminate()
            proc.wait(timeout=10)
    cold, warm = times[0], min(times[1:])
    print(f"总览地图页（全国县级 SVG 地图）：首次 {cold:.2f} s，再次 {warm:.2f} s（目标 ≤ 3 s）")
    print(f"对照：同一 GeoJSON 的空白页 ECharts canvas 绘制 {peer:.2f} s")
    print(f"比值（再次加载 / 对照）：{warm / peer:.1f}")


if __name__ == "__main__":
    main()
