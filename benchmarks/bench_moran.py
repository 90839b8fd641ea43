"""Benchmark: global Moran's I with 999 permutations on ~2,850 units.

Weights: a contiguity-like lattice (libpysal ``lat2W(50, 57)`` = 2,850 cells, rook), or, when
the public-data mirror and ``xinzhi.regions.queen_weights`` are available, the real county
queen weights (``--queen``). Compares :func:`xinzhi.disparity.moran` (all permutations as one
sparse-matrix product) with PySAL esda's ``Moran`` on the same data in the same run; prints
times, the ratio and the difference in I. Target: ≤ 2 s.

Run: ``.venv/bin/python benchmarks/bench_moran.py [--queen]``
"""

from __future__ import annotations

import sys
import time

import numpy as np
import pandas as pd
from libpysal.weights import lat2W

from xinzhi.disparity import moran
from xinzhi.disparity.spatial_weights import align_weights


def main() -> None:
    if "--queen" in sys.argv:
        from xinzhi.regions.weights import queen_weights

        sw = queen_weights()
        w, ids = sw.w, [str(i) for i in sw.w.id_order if i not in set(sw.islands)]
        label = f"县级 queen 邻接（{len(ids)} 县，去除孤岛）"
    else:
        w = lat2W(50, 57)
        ids = [str(i) for i in w.id_order]
        w.remap_ids(ids)
        label = "lat2W(50, 57) 网格（2,850 单元，rook）"
    rng = np.random.default_rng(0)
    y = rng.lognormal(0, 0.5, len(ids))
    aw = align_weights(w, ids)
    y = y + 0.5 * (aw.matrix @ y)  # some spatial autocorrelation
    df = pd.DataFrame({"unit": ids, "y": y})
    moran(df, "y", "unit", w, permutations=9)  # warm-up

    t0 = time.perf_counter()
    ours = moran(df, "y", "unit", w, permutations=999, seed=1).table.iloc[0]
    t_ours = time.perf_counter() - t0

    import esda

    wr = aw.to_w()
    esda.Moran(y, wr, permutations=9)  # warm-up
    t0 = time.perf_counter()
    peer = esda.Moran(y, wr, transformation="o", permutations=999)
    t_peer = time.perf_counter() - t0

    print(f"全局 Moran's I，999 次置换：{label}")
    print(f"  xinzhi: {t_ours:.3f} s  I = {ours['I']:.6f}  p_sim = {ours['p_sim']:.3f}")
    print(f"  esda  : {t_peer:.3f} s  I = {peer.I:.6f}  p_sim = {peer.p_sim:.3f}")
    print(f"  比值（esda / xinzhi）: {t_peer / t_ours:.1f}×   |ΔI| = {abs(ours['I'] - peer.I):.1e}")
    print(f"  目标 ≤ 2 s：{'达成' if t_ours <= 2 else '未达成'}")


if __name__ == "__main__":
    main()
