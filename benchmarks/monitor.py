"""Monitoring of 2,850 counties × 40 indicators × 15 years (issue #17: ≤ 5 s), 示例数据.

Times, on one synthetic long panel (random walks with drift, 3 % of the cells missing):

1. five-colour signals from history (mean ± kσ of the five years before, growth basis) and the
   composite warning index;
2. the same with quantile thresholds;
3. signals against yearly targets;
4. Mann–Kendall + Sen's slope of all 114,000 series (vectorised) — and, as the named peer,
   ``pymannkendall.original_test`` + ``sens_slope`` on a sample of series, extrapolated to all
   of them; the ratio is printed, and the sample's statistics are checked equal;
5. change points on all series (the exact least-squares PELT solution, vectorised) — peer:
   ruptures' compiled PELT (``KernelCPD(kernel="linear")``) on the same sample, extrapolated;
6. the digest of one county.

The target (≤ 5 s) is for steps 1 + 4 + 5 (signals, index, trends with change points).

Run::

    PYTHONPATH=src .venv/bin/python benchmarks/monitor.py [--counties 2850 --indicators 40 --years 15]
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd

from xinzhi.monitor import digest, signals, trends
from xinzhi.monitor.trend import mann_kendall

TARGET_S = 5.0


def _panel(counties: int, indicators: int, years: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    steps = rng.normal(0.06, 0.05, size=(counties, indicators, years))
    values = 100.0 * np.exp(np.cumsum(steps, axis=2))
    values[rng.random(values.shape) < 0.03] = np.nan
    codes = np.array([f"{110000 + k:06d}" for k in range(counties)])
    inds = np.array([f"x{j:02d}" for j in range(indicators)])
    yrs = np.arange(2010, 2010 + years)
    return pd.DataFrame(
        {
            "region_code": np.repeat(codes, indicators * years),
            "indicator": np.tile(np.repeat(inds, years), counties),
            "year": np.tile(yrs, counties * indicators),
            "value": values.reshape(-1),
        }
    ).dropna()


def _time(label: str, fn, *args, **kw):  # type: ignore[no-untyped-def]
    t0 = time.perf_counter()
    out = fn(*args, **kw)
    dt = time.perf_counter() - t0
    print(f"{label:58s} {dt:7.2f} s")
    return out, dt


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--counties", type=int, default=2850)
    ap.add_argument("--indicators", type=int, default=40)
    ap.add_argument("--years", type=int, default=15)
    ap.add_argument("--sample", type=int, default=2000, help="series given to pymannkendall")
    a = ap.parse_args()
    panel = _panel(a.counties, a.indicators, a.years)
    n_series = a.counties * a.indicators
    print(f"示例数据：{a.counties} 县 × {a.indicators} 指标 × {a.years} 年 = {len(panel):,} 个数值")
    dirs = {f"x{j:02d}": ("-" if j % 5 == 0 else "+") for j in range(a.indicators)}

    def sig_and_index(method: str, **kw):  # type: ignore[no-untyped-def]
        s = signals(panel, method=method, directions=dirs, **kw)
        s.index_table()
        return s

    sig, t_sig = _time("1 信号（μ±kσ，增速）+ 综合预警指数", sig_and_index, "sigma")
    _time("2 信号（历史分位数，增速）+ 综合预警指数", sig_and_index, "quantile")
    targets = panel.drop(columns="value").assign(target=panel["value"].to_numpy() * 0.98)
    _time("3 信号（年度目标）+ 综合预警指数", sig_and_index, "target", targets=targets)
    tr, t_mk = _time(
        f"4 Mann–Kendall + Sen 斜率（{n_series:,} 条，向量化）",
        trends,
        panel,
        directions=dirs,
        changepoints=False,
    )
    # peer: pymannkendall on a sample, extrapolated
    import pymannkendall as mk

    cube = sig.cube
    flat = cube.values.reshape(-1, cube.values.shape[2])
    rng = np.random.default_rng(1)
    rows = rng.choice(flat.shape[0], size=min(a.sample, flat.shape[0]), replace=False)
    t0 = time.perf_counter()
    ref = [(mk.original_test(flat[r]), mk.sens_slope(flat[r])) for r in rows]
    t_peer = (time.perf_counter() - t0) / len(rows) * flat.shape[0]
    ours = mann_kendall(flat[rows], cube.years)
    same = all(
        np.allclose(
            [ours["s"][k], ours["var_s"][k], ours["z"][k], ours["p"][k], ours["slope"][k]],
            [o.s, o.var_s, o.z, o.p, sl.slope],
            equal_nan=True,
        )
        for k, (o, sl) in enumerate(ref)
    )
    print(
        f"  对照 pymannkendall（{len(rows)} 条抽样外推至 {flat.shape[0]:,} 条）：{t_peer:7.2f} s；"
        f"倍数 {t_peer / t_mk:.0f}×；抽样结果一致：{same}"
    )
    _, t_cp = _time(
        "5 趋势 + 变点（最小二乘 PELT 解，向量化，全部序列）", trends, panel, directions=dirs
    )
    # peer: ruptures' compiled PELT (KernelCPD, linear kernel) on a sample, extrapolated
    import ruptures as rpt

    from xinzhi.monitor.trend import _noise_sd, change_points

    years = cube.years
    _, t_cp_only = _time("  其中变点（单独计时）", change_points, flat, years)
    ours_cp = change_points(flat[rows], years)
    t0 = time.perf_counter()
    agree = 0
    for k, r in enumerate(rows):
        keep = ~np.isnan(flat[r])
        x = flat[r][keep]
        ref: list[int] = []
        if len(x) >= 10:
            sd = float(_noise_sd(x[None, :])[0])
            if sd > 0:
                pen = 2.0 * sd * sd * np.log(len(x))
                ends = rpt.KernelCPD(kernel="linear", min_size=3, jump=1).fit(x).predict(pen=pen)
                ref = [int(years[keep][e]) for e in ends[:-1]]
        agree += ref == ours_cp[k]
    t_rpt = (time.perf_counter() - t0) / len(rows) * flat.shape[0]
    print(
        f"  对照 ruptures KernelCPD（{len(rows)} 条抽样外推）：{t_rpt:7.2f} s；"
        f"倍数 {t_rpt / max(t_cp_only, 1e-9):.0f}×；结果相同 {agree}/{len(rows)}"
    )
    _time("6 一个县的监测简报", digest, sig, cube.codes[0], trends=tr)
    total = t_sig + t_cp
    verdict = "达标" if total <= TARGET_S else "未达标"
    print(
        f"信号 + 指数 + 趋势 + 变点合计 {total:.2f} s（其中变点约 {t_cp_only:.2f} s）；"
        f"目标 ≤ {TARGET_S:g} s：{verdict}"
    )


if __name__ == "__main__":
    main()
