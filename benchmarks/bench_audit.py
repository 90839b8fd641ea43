"""Benchmark: statistical audit of an index on all counties (issue #12 part 8: ≤ 60 s).

Data: 2,850 units × 40 indicators (synthetic, seeded 示例数据: a common factor plus noise,
lognormal, 5 dimensions, 8 cost indicators, 1 % of cells missing so that imputation is a choice).
The audit runs the indicator statistics, correlations, Cronbach's α, PCA, contributions and the
Monte Carlo with N = 1,000 base samples over normalisation (3) × weights (3) × aggregation (2) ×
imputation (2) × ±25 % weight perturbation — Saltelli's design, N·(k + 2) = 7,000 evaluations of
the whole index — and the Sobol indices.

Run: ``.venv/bin/python benchmarks/bench_audit.py`` (BLAS limited to one thread).
"""

from __future__ import annotations

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import time

import numpy as np
import pandas as pd

from xinzhi.evaluate.audit import audit
from xinzhi.indicators.system import IndicatorSystem

N_UNITS, N_IND, N_DIMS, N_BASE = 2850, 40, 5, 1000
LIMIT_S = 60.0


def make_data(seed: int = 0) -> tuple[pd.DataFrame, IndicatorSystem]:
    rng = np.random.default_rng(seed)
    f = rng.normal(size=(N_UNITS, 1))
    x = np.exp(0.6 * f + rng.normal(scale=0.8, size=(N_UNITS, N_IND)))
    x[rng.random(x.shape) < 0.01] = np.nan
    codes = [f"x{j:02d}" for j in range(N_IND)]
    df = pd.DataFrame(x, columns=codes)
    df.insert(0, "unit", [f"{110101 + i:06d}" for i in range(N_UNITS)])
    per = N_IND // N_DIMS
    dims = [
        {
            "name": f"D{d + 1}",
            "indicators": [
                {"code": codes[d * per + k], "direction": "-" if k == per - 1 else "+"}
                for k in range(per)
            ],
        }
        for d in range(N_DIMS)
    ]
    return df, IndicatorSystem.from_dict({"name": "bench", "dimensions": dims})


def main() -> None:
    df, system = make_data()
    t0 = time.perf_counter()
    static = audit(df, system, uncertainty=False)
    t1 = time.perf_counter()
    res = audit(df, system, n=N_BASE)
    t2 = time.perf_counter()
    runs = res.mc_settings["runs"]
    print(f"data: {N_UNITS} units × {N_IND} indicators (示例数据)")
    print(f"statistics, correlations, α, PCA, contributions: {t1 - t0:6.2f} s")
    print(f"whole audit incl. Monte Carlo N={N_BASE} ({runs} runs) + Sobol: {t2 - t1:6.2f} s")
    print(res.sensitivity.round(3).to_string(index=False))  # type: ignore[union-attr]
    assert len(static.stats) == N_IND
    status = "OK" if t2 - t1 <= LIMIT_S else "TOO SLOW"
    print(f"{status}: limit {LIMIT_S:.0f} s")


if __name__ == "__main__":
    main()
