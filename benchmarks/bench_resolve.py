"""Benchmark: ``resolve_many`` (dict indexes, unique inputs once) vs a naive per-name pandas
filter (the "peer": ``table[(table.name == x) | (table.code == x)]`` per input, the usual
first attempt in importer scripts).

Run: ``XINZHI_DATA_DIR=../shared/data .venv/bin/python benchmarks/bench_resolve.py``
Prints names/s of both and the ratio.
"""

from __future__ import annotations

import time

import numpy as np
import pandas as pd

from xinzhi.regions import load_registry


def _inputs(n: int, seed: int = 0) -> tuple[list[str], list[str]]:
    reg = load_registry()
    u = reg.units(2024, "county")
    full = (u["province_name"] + u["prefecture_name"].fillna("") + u["name"]).tolist()
    variants = u["name"].tolist() + u["code"].tolist() + full + ["　" + x + " " for x in u["name"]]
    rng = np.random.default_rng(seed)
    return variants, [variants[i] for i in rng.integers(0, len(variants), n)]


def naive_resolve(table: pd.DataFrame, values: list[str], year: int = 2024) -> list[str | None]:
    """Peer: one boolean pandas filter per input (no index, no normalisation beyond strip)."""
    valid = table[
        (table["start_year"] <= year) & (table["end_year"].isna() | (table["end_year"] > year))
    ]
    full = valid["province_name"] + valid["prefecture_name"].fillna("") + valid["name"]
    out: list[str | None] = []
    for v in values:
        x = v.strip().strip("　")
        hit = valid[(valid["name"] == x) | (valid["code"] == x) | (full == x)]
        out.append(hit["code"].iloc[0] if len(hit) == 1 else None)
    return out


def main() -> None:
    reg = load_registry()
    variants, many = _inputs(200_000)
    reg.resolve_many(variants[:10])  # warm-up (not timed: index already built at load)

    reg._finals_cache.clear()
    t0 = time.perf_counter()
    res = reg.resolve_many(variants)
    t_unique = time.perf_counter() - t0
    t0 = time.perf_counter()
    res_many = reg.resolve_many(many)
    t_many = time.perf_counter() - t0

    sample = variants[:: max(1, len(variants) // 1500)]
    t0 = time.perf_counter()
    naive = naive_resolve(reg.table, sample)
    t_naive = time.perf_counter() - t0

    ok = res["status"].isin(["ok"]).mean()
    agree = np.mean(
        [
            a == b
            for a, b in zip(naive, res["code"].iloc[:: max(1, len(variants) // 1500)], strict=False)
            if a is not None
        ]
    )
    r_unique = len(variants) / t_unique
    r_many = len(many) / t_many
    r_naive = len(sample) / t_naive
    print(
        f"xinzhi resolve_many，全部不同的输入 {len(variants):>7} 个：{t_unique:7.3f} s，{r_unique:>10,.0f} 个/秒（ok {ok:.1%}）"
    )
    print(
        f"xinzhi resolve_many，含重复的输入 {len(many):>7} 个：{t_many:7.3f} s，{r_many:>10,.0f} 个/秒"
    )
    print(
        f"peer 逐个 pandas 过滤（naive）   {len(sample):>7} 个：{t_naive:7.3f} s，{r_naive:>10,.0f} 个/秒（与 xinzhi 一致 {agree:.1%}）"
    )
    print(
        f"速度比（不同输入）：{r_unique / r_naive:,.0f} 倍；（含重复）：{r_many / r_naive:,.0f} 倍"
    )
    assert res_many["status"].isin(["ok", "ambiguous"]).all()


if __name__ == "__main__":
    main()
