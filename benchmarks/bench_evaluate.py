"""Benchmark: pooled evaluation pipeline vs pyrepo-mcda and pymcdm on the same matrix.

Data: 2,850 units × 15 years × 40 indicators (synthetic, seeded), 5 dimensions, 8 cost
indicators. xinzhi runs the whole pooled pipeline (validate, min–max, entropy, CRITIC, combined
weights, TOPSIS, dimension sub-scores, obstacle degrees) through :func:`xinzhi.evaluate.evaluate`;
the peers compute entropy + CRITIC weights + TOPSIS on the same 42,750 × 40 matrix.

Run: ``.venv/bin/python benchmarks/bench_evaluate.py`` (BLAS limited to one thread for all).
"""

from __future__ import annotations

import os

# One BLAS thread for every contestant: the timings are then comparable on a shared machine
# (multi-threaded OpenBLAS spin-waits badly under contention). Set before numpy is imported.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import time
from collections.abc import Callable

import numpy as np
import pandas as pd

from xinzhi.evaluate import evaluate
from xinzhi.indicators.system import IndicatorSystem

N_UNITS, N_YEARS, N_IND, N_DIMS = 2850, 15, 40, 5


def make_data(seed: int = 0) -> tuple[pd.DataFrame, IndicatorSystem]:
    rng = np.random.default_rng(seed)
    n = N_UNITS * N_YEARS
    x = rng.lognormal(mean=1.0, sigma=0.8, size=(n, N_IND))
    codes = [f"x{j:02d}" for j in range(N_IND)]
    df = pd.DataFrame(x, columns=codes)
    df.insert(0, "year", np.repeat(np.arange(2010, 2010 + N_YEARS), N_UNITS))
    df.insert(0, "unit", np.tile([f"{110101 + i:06d}" for i in range(N_UNITS)], N_YEARS))
    per = N_IND // N_DIMS
    system = IndicatorSystem.from_dict(
        {
            "name": "bench",
            "dimensions": [
                {
                    "name": f"维度{d}",
                    "indicators": [
                        {"code": codes[j], "direction": "-" if j % 5 == 4 else "+"}
                        for j in range(d * per, (d + 1) * per)
                    ],
                }
                for d in range(N_DIMS)
            ],
        }
    )
    return df, system


def best_of(fn: Callable[[], object], repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def main() -> None:
    df, system = make_data()
    opts = {"weights": "combined", "aggregate": "topsis", "scope": "pooled"}
    res = evaluate(df, system, opts)
    t_x = best_of(lambda: evaluate(df, system, opts))
    # touch the obstacle tables too (built lazily)
    t_obs = best_of(lambda: res.dimension_obstacles(), repeat=3)

    # 逐年赋权 (issue #12 part 1; target ≤ 0.3 s): the weights step alone — per-year min–max and
    # entropy + CRITIC combined weights of each year's cross-section, vectorised over counties —
    # and the whole per-year pipeline (with TOPSIS, dimension scores, obstacle degrees)
    from xinzhi.evaluate import weights as wts
    from xinzhi.evaluate.normalize import minmax

    x = df[system.codes].to_numpy()
    benefit = np.array([i.direction == "+" for i in system.indicators])
    years = df["year"].to_numpy()

    def yearly_weights() -> np.ndarray:
        out = []
        for y in np.unique(years):
            z = minmax(x[years == y], benefit)
            w = (wts.entropy_parts(z).weight + wts.critic_parts(z).weight) / 2
            out.append(w)
        return np.vstack(out)

    t_w = best_of(yearly_weights)
    year_opts = {**opts, "weight_scope": "year"}
    t_year = best_of(lambda: evaluate(df, system, year_opts), repeat=3)
    assert np.allclose(evaluate(df, system, year_opts).year_weights, yearly_weights())

    matrix = df[system.codes].to_numpy()
    types = np.array([-1 if i.direction == "-" else 1 for i in system.indicators])
    print(
        f"矩阵 {matrix.shape[0]:,} × {matrix.shape[1]}（{N_UNITS} 单元 × {N_YEARS} 年 × {N_IND} 指标）"
    )
    print(
        f"xinzhi 完整流程（标准化+熵权+CRITIC+组合+TOPSIS+维度得分+障碍度）: {t_x * 1000:8.1f} ms"
    )
    print(f"xinzhi 维度障碍度长表:                                          {t_obs * 1000:8.1f} ms")
    print(f"xinzhi 逐年赋权（15 年 × 熵权+CRITIC 组合，目标 ≤ 300 ms）:       {t_w * 1000:8.1f} ms")
    print(
        f"xinzhi 逐年全流程（weight_scope=year，组合赋权+TOPSIS+障碍度）:   {t_year * 1000:8.1f} ms"
    )

    try:
        from pyrepo_mcda import normalizations as pr_norm
        from pyrepo_mcda import weighting_methods as pr_w
        from pyrepo_mcda.mcda_methods import TOPSIS as PrTOPSIS

        def pyrepo() -> None:
            w = (pr_w.entropy_weighting(matrix) + pr_w.critic_weighting(matrix)) / 2
            PrTOPSIS(normalization_method=pr_norm.minmax_normalization)(matrix, w, types)

        t_p = best_of(pyrepo, repeat=3)
        print(
            f"pyrepo-mcda 0.1.15（熵权+CRITIC+TOPSIS）:                      {t_p * 1000:8.1f} ms"
            f"   比值 {t_p / t_x:6.1f}×"
        )
    except ImportError as exc:
        print(f"pyrepo-mcda 不可用：{exc}")

    try:
        from pymcdm import normalizations as pm_norm
        from pymcdm import weights as pm_w
        from pymcdm.methods import TOPSIS as PmTOPSIS

        def pymcdm() -> None:
            w = (pm_w.entropy_weights(matrix) + pm_w.critic_weights(matrix, types)) / 2
            PmTOPSIS(pm_norm.minmax_normalization)(matrix, w, types)

        t_m = best_of(pymcdm, repeat=3)
        print(
            f"pymcdm（熵权+CRITIC+TOPSIS）:                                   {t_m * 1000:8.1f} ms"
            f"   比值 {t_m / t_x:6.1f}×"
        )
    except ImportError as exc:
        print(f"pymcdm 不可用：{exc}")


if __name__ == "__main__":
    main()
