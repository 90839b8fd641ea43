"""Benchmark: county report PDF and a province batch.

Targets (issue "County types, peers and benchmarks, shortfall diagnosis, and the Chinese county
report"): one county PDF ≤ 3 s; a province of ~120 counties ≤ 2 minutes on 2 cores.

Peer in the same run: matplotlib drawing the same four charts of the same county (import, fonts,
``PdfPages``) against the report's own SVG charts (:mod:`xinzhi.report.charts`); the report
switched away from matplotlib because its import and first figure took about a second of
every cold start.

Usage::

    XINZHI_DATA_DIR=../shared/data .venv/bin/python benchmarks/bench_report.py \
        [--db PATH] [--county 湘潭县] [--year 2020] [--province 湖南] [--workers 2]

Without ``--db`` a temporary warehouse is built from the public data (not timed).

The cold-process target is measured as the user meets it: ``xinzhi report --county … -o x.pdf``
run ``--runs`` times as a new process (wall time, median and range printed with the machine's
load average). The first run of a fresh installation also pickles the built-in boundaries into
the cache directory (see docs/report.md); the output says whether that cache existed.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

TARGET_COLD_S = 3.0
TARGET_PROVINCE_S = 120.0


def _cold_cli(db: Path, county: str, year: int, out: Path, runs: int) -> list[float]:
    """Wall times of ``xinzhi report`` as a new process (interpreter start and imports included)."""
    exe = str(Path(sys.executable).parent / "xinzhi")
    env = {**os.environ, "XINZHI_DB": str(db)}
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run(
            [exe, "report", "--county", county, "--year", str(year), "-o", str(out)],
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        times.append(time.perf_counter() - t)
    return times


def _warehouse(db: str | None, tmp: Path) -> Path:
    if db:
        return Path(db)
    from xinzhi.pipelines.evaluation import evaluate_counties
    from xinzhi.pipelines.warehouse import build_warehouse

    p = tmp / "xinzhi.duckdb"
    build_warehouse(p)
    evaluate_counties("nqpf-county", db=p, save_as="nqpf-county")
    return p


def _peer_charts(data: Any, path: Path) -> float:
    """The same four charts drawn with matplotlib (the usual tool; the report used it until
    its import and first figure were found to take a third of the cold-start budget) and
    saved as a four-page PDF with ``PdfPages``. Timed from the matplotlib import, which this
    process has not done yet (the report no longer imports it)."""
    import numpy as np

    t = time.perf_counter()
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import font_manager
    from matplotlib.backends.backend_pdf import PdfPages
    from matplotlib.collections import PatchCollection
    from matplotlib.figure import Figure
    from matplotlib.patches import Polygon as MplPolygon

    from xinzhi.report.fonts import CJK_FAMILY, font_dirs

    for d in font_dirs():
        for f in sorted(d.glob("NotoSansCJK*")):
            font_manager.fontManager.addfont(str(f))
    matplotlib.rcParams["font.sans-serif"] = [CJK_FAMILY, "DejaVu Sans"]
    with PdfPages(path) as pdf:
        fig = Figure(figsize=(4.6, 4.2))
        ax = fig.add_subplot(111, polar=True)
        dims = data.dimensions
        ang = np.linspace(0, 2 * np.pi, len(dims), endpoint=False)
        for col in ("score", "province_mean", "benchmark_mean"):
            v = dims[col].to_numpy(dtype=float)
            ax.plot(np.append(ang, ang[0]), np.append(v, v[0]), label=col)
        ax.set_xticks(ang, dims["dimension"].astype(str).tolist())
        ax.legend()
        pdf.savefig(fig)

        fig = Figure(figsize=(7.6, 2.9))
        a1, a2 = fig.add_subplot(121), fig.add_subplot(122)
        a1.barh(data.shortfalls["shortfall"].astype(str), data.shortfalls["share"] * 100)
        a2.barh(data.top_obstacles["name"].astype(str), data.top_obstacles["obstacle"] * 100)
        fig.tight_layout()
        pdf.savefig(fig)

        fig = Figure(figsize=(4.2, 2.6))
        ax = fig.add_subplot(111)
        h = data.history.sort_values("year")
        ax.plot(h["year"].astype(str), h["score"], "o-")
        pdf.savefig(fig)

        fig = Figure(figsize=(5.6, 4.6))
        ax = fig.add_subplot(111)
        gdf = data.province_map
        patches = [
            MplPolygon(np.asarray(p.exterior.coords))
            for g in gdf.geometry.simplify(0.01)
            for p in getattr(g, "geoms", [g])
        ]
        ax.add_collection(PatchCollection(patches, edgecolor="white", linewidth=0.4))
        ax.autoscale_view()
        ax.set_axis_off()
        pdf.savefig(fig)
    return time.perf_counter() - t


def _our_charts(data: Any) -> float:
    from xinzhi.report.view import _county_charts

    t = time.perf_counter()
    _county_charts(data)
    return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db")
    ap.add_argument("--county", default="湘潭县")
    ap.add_argument("--year", type=int, default=2020)
    ap.add_argument("--province", default="湖南")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--skip-province", action="store_true")
    ap.add_argument("--runs", type=int, default=5, help="cold-process runs of xinzhi report")
    args = ap.parse_args()

    t0 = time.perf_counter()
    from xinzhi.pipelines.report import (
        county_report_data,
        write_county_report,
        write_province_reports,
        write_report,
    )
    from xinzhi.pipelines.report_context import load_report_context

    t_import = time.perf_counter() - t0
    with tempfile.TemporaryDirectory() as tmpd:
        tmp = Path(tmpd)
        db = _warehouse(args.db, tmp)

        from xinzhi import config

        had_cache = any((config.cache_dir() / "boundaries").glob("county-*.pkl"))
        load0 = os.getloadavg()
        cli = _cold_cli(db, args.county, args.year, tmp / "cli.pdf", args.runs)
        load1 = os.getloadavg()

        t = time.perf_counter()
        write_county_report(args.county, args.year, tmp / "cold.pdf", db=db)
        cold = time.perf_counter() - t

        ctx = load_report_context(db=db)
        ctx.prefetch(args.year)
        write_report(county_report_data(args.county, args.year, context=ctx), tmp / "w0.pdf")
        t = time.perf_counter()
        data = county_report_data(args.county, args.year, context=ctx)
        write_report(data, tmp / "warm.pdf")
        warm = time.perf_counter() - t

        ours = _our_charts(data)
        peer = _peer_charts(data, tmp / "peer.pdf")
        med = statistics.median(cli)
        print(
            f"机器负载（1 分钟平均）：测量前 {load0[0]:.2f}，测量后 {load1[0]:.2f}（2 核）；"
            f"边界缓存{'已存在' if had_cache else '不存在（第一次运行时写入）'}"
        )
        print(
            f"单县 PDF，新进程 xinzhi report（{len(cli)} 次）：中位数 {med:.2f} s，"
            f"最快 {min(cli):.2f} s，最慢 {max(cli):.2f} s；目标 ≤ {TARGET_COLD_S:.0f} s："
            f"{'达到' if med <= TARGET_COLD_S else '未达到'}"
        )
        print(f"  各次：{'、'.join(f'{x:.2f}' for x in cli)} s")
        print(f"导入模块：{t_import:.2f} s（不计入下一行）")
        print(f"单县 PDF（本进程内首次：读保存的评价 + 类型 + 边界 + 报告）：{cold:.2f} s")
        print(f"单县 PDF（缓存后，批量中的每县）：{warm:.2f} s")
        print(
            f"四张图：本报告 SVG {ours:.3f} s；对照 matplotlib（导入 + 同样四张图 + PdfPages）"
            f"{peer:.2f} s；比值 对照/本报告 = {peer / ours:.0f}"
        )

        if not args.skip_province:
            t = time.perf_counter()
            res = write_province_reports(
                args.province, args.year, tmp / "prov", context=ctx, workers=args.workers
            )
            prov = time.perf_counter() - t
            n = len(res.county_files)
            print(
                f"省级批量（{res.summary_data.province_name}，{n} 县，{args.workers} 进程）："
                f"{prov:.1f} s（目标 ≤ {TARGET_PROVINCE_S:.0f} s："
                f"{'达到' if prov <= TARGET_PROVINCE_S else '未达到'}）；"
                f"每县 {prov / max(n, 1):.2f} s；失败 {len(res.failures)}"
            )


if __name__ == "__main__":
    main()
