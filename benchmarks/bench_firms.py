"""Benchmark: firm → county × class matrix for 10 million synthetic firms (示例数据).

xinzhi's Ibis expression on DuckDB (the default engine) against the same expression on the
peer, PySpark in local mode, on the same Parquet file in the same run. Prints both times and
the ratio. Target: DuckDB ≤ 20 s.

    .venv/bin/python benchmarks/bench_firms.py [N] [--no-spark]
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd


def _census(n_counties: int = 2800, seed: int = 0) -> pd.DataFrame:
    """A census-like table (synthetic shares) so the benchmark needs no warehouse."""
    from xinzhi.codes.gbt4754 import SECTION_CODES
    from xinzhi.regions import load_registry

    try:
        codes = load_registry().units(2024)["code"].astype(str).to_numpy()[:n_counties]
    except Exception:  # no data mirror: made-up but well-formed codes
        codes = np.array([f"{110101 + i:06d}" for i in range(n_counties)])
    rng = np.random.default_rng(seed)
    shares = rng.dirichlet(np.full(len(SECTION_CODES), 0.8), size=len(codes))
    return pd.DataFrame(
        {
            "region_code": codes,
            "pop_total": rng.lognormal(np.log(4e5), 0.7, len(codes)),
            **{f"emp_sec_{s}": shares[:, i] for i, s in enumerate(SECTION_CODES)},
        }
    )


def main() -> None:
    from xinzhi.industry.firms import firm_matrix
    from xinzhi.industry.synthetic import write_parquet
    from xinzhi.ingest.firm_sources import firms_table

    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    n = int(args[0]) if args else 10_000_000
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "firms.parquet"
        t0 = time.perf_counter()
        write_parquet(_census(), path, n, seed=1)
        print(f"生成 {n:,} 家示例企业（示例数据）：{time.perf_counter() - t0:.1f} 秒")

        t0 = time.perf_counter()
        duck = firm_matrix(firms_table(path), level="class", mode="active", years=[2024])
        t_duck = time.perf_counter() - t0
        print(f"xinzhi Ibis → DuckDB：{t_duck:.2f} 秒，{len(duck):,} 个县×小类单元")
        if "--no-spark" in sys.argv:
            return
        from xinzhi.store.spark import spark_session

        t0 = time.perf_counter()
        spark = spark_session(memory="3g")
        t_start = time.perf_counter() - t0
        t0 = time.perf_counter()
        sp = firm_matrix(
            firms_table(path, engine="spark", spark=spark),
            level="class",
            mode="active",
            years=[2024],
        )
        t_spark = time.perf_counter() - t0
        spark.stop()
        same = duck[["region_code", "industry", "year", "firms", "employees"]].equals(
            sp[["region_code", "industry", "year", "firms", "employees"]]
        )
        print(
            f"peer PySpark local（同一 Ibis 表达式）：{t_spark:.2f} 秒（会话启动另计 {t_start:.1f} 秒）"
        )
        print(f"结果一致：{same}；耗时比 Spark / DuckDB = {t_spark / t_duck:.1f}×")


if __name__ == "__main__":
    main()
