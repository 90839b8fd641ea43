"""Benchmark: economic complexity (ECI/PCI/density/COI/COG) — xinzhi vs py-ecomplexity 0.5.3.

Data: a SEEDED SYNTHETIC location × product matrix (示例数据, not real trade or census data):
2,850 locations (≈ China's county-level units) × 97 / 473 / 1,380 products, values drawn from a
nested "capabilities" model (location capability × product requirement) times lognormal noise,
so that M has a realistic nested structure and about 15–25 % ones.

Both tools get the same long DataFrame and return a long DataFrame; xinzhi is timed twice:
the array core (:func:`complexity_matrix` on M) and the full DataFrame → ``tidy()`` path.
py-ecomplexity runs with ``check_logsupermodularity=False`` (an extra diagnostic xinzhi does
not compute) and ``verbose=False``.

Run: ``.venv/bin/python benchmarks/bench_complexity.py``
"""

from __future__ import annotations

import time
import warnings

import numpy as np
import pandas as pd

from xinzhi.industry.complexity import complexity, complexity_matrix, presence, rca

N_LOCATIONS = 2850
PRODUCT_SIZES = (97, 473, 1380)
SEED = 20260101


def synthetic_long(n_loc: int, n_prod: int, seed: int = SEED) -> pd.DataFrame:
    """Seeded synthetic long table ``location, product, year, value`` (示例数据)."""
    rng = np.random.default_rng(seed)
    capability = rng.beta(2.0, 2.0, size=n_loc)
    requirement = rng.beta(2.0, 2.0, size=n_prod)
    size = rng.lognormal(0.0, 1.0, size=n_loc)
    feasible = capability[:, None] >= requirement[None, :] - 0.25
    value = size[:, None] * rng.lognormal(0.0, 1.0, size=(n_loc, n_prod)) * (0.05 + feasible)
    loc = np.array([f"{110000 + i:06d}" for i in range(n_loc)], dtype=object)
    prod = np.array([f"P{j:04d}" for j in range(n_prod)], dtype=object)
    return pd.DataFrame(
        {
            "location": np.repeat(loc, n_prod),
            "product": np.tile(prod, n_loc),
            "year": 2020,
            "value": value.ravel(),
        }
    )


def _time(fn: object, repeat: int = 1) -> float:
    best = np.inf
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()  # type: ignore[operator]
        best = min(best, time.perf_counter() - t0)
    return float(best)


def main() -> None:
    from ecomplexity import ecomplexity  # dev dependency, the peer

    print(f"数据：带随机种子的合成矩阵（示例数据 / SYNTHETIC, seed={SEED}），非真实数据")
    print(
        f"{'products':>9} {'M ones':>7} {'xinzhi core s':>14} {'xinzhi df s':>12} "
        f"{'py-ecomplexity s':>17} {'ratio core':>11} {'ratio df':>9}"
    )
    for n_prod in PRODUCT_SIZES:
        df = synthetic_long(N_LOCATIONS, n_prod)
        x = df["value"].to_numpy().reshape(N_LOCATIONS, n_prod)
        m = presence(rca(x))

        def ours_core(m: np.ndarray = m) -> None:
            complexity_matrix(m)

        def ours_df(df: pd.DataFrame = df) -> None:
            complexity(
                df, location="location", product="product", value="value", year="year"
            ).tidy()

        def peer(df: pd.DataFrame = df) -> None:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                ecomplexity(
                    df,
                    {"time": "year", "loc": "location", "prod": "product", "val": "value"},
                    check_logsupermodularity=False,
                    verbose=False,
                )

        t_core = _time(ours_core, repeat=3)
        t_df = _time(ours_df, repeat=2)
        t_peer = _time(peer, repeat=1)
        print(
            f"{n_prod:>9} {m.mean():>7.1%} {t_core:>14.3f} {t_df:>12.3f} {t_peer:>17.3f} "
            f"{t_peer / t_core:>10.1f}x {t_peer / t_df:>8.1f}x"
        )


if __name__ == "__main__":
    main()
