"""Benchmark: two-sided matching of 20,000 postings × 20,000 résumés (示例数据).

A seeded generator of our own writes ``--n`` synthetic postings and résumés (示例数据: 16
county occupations, 30 made-up county codes, skills, education, years, 期望工作地) as Chinese
texts. Then, timed separately:

1. **embedding** — ``--embed use`` (default) embeds every text with the USE back end and caches
   the vectors in ``--cache`` (reused when present: the pipeline caches embeddings in the
   warehouse the same way); e5 is timed on ``--e5-sample`` texts and extrapolated to all of
   them (a full e5 run of 40,000 texts takes far longer on 2 shared cores: both numbers are
   printed). ``--embed random`` uses seeded random unit vectors (matching speed only);
2. **index build** — :class:`xinzhi.match.pairing.PairingIndex` (skills matrices, codes,
   tokens, both BM25 indexes) with the cached vectors;
3. **one query** — :meth:`PairingIndex.query` for single jobs and single talents (median and
   max of ``--queries`` each; target ≤ 200 ms);
4. **full two-sided top-10** — :meth:`PairingIndex.match` (``k=10``, both directions, blocks
   of ``--block-rows`` rows, reasons written; target ≤ 2 min).

    .venv/bin/python benchmarks/match_scale.py [--n 20000] [--embed use|random] [--threads 1]
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

# occupation: (title, 大典 code, skills pool, duties)
OCCUPATIONS: list[tuple[str, str, list[str], list[str]]] = [
    ("焊工", "6-18-02-04", ["二氧化碳保护焊", "氩弧焊", "焊工证", "识图", "钣金", "埋弧焊"],
     ["焊接车架", "焊接钢结构", "焊接压力容器"]),
    ("数控车工", "6-18-01-07", ["数控车床", "FANUC系统", "识图", "量具使用", "编程", "CAD"],
     ["加工轴类零件", "加工法兰盘", "调试刀具"]),
    ("装配钳工", "6-20-01-01", ["装配", "钳工", "识图", "扭矩扳手", "设备维修"],
     ["总装线装配", "部件装配", "设备调整"]),
    ("电工", "6-29-03-02", ["低压电工证", "电气维修", "PLC", "配电", "变频器"],
     ["厂区配电维护", "设备电气维修", "线路检修"]),
    ("化工操作工", "6-11-01-03", ["DCS操作", "化工工艺", "巡检", "危化品安全"],
     ["监控反应釜", "装置巡检", "开停车操作"]),
    ("化验员", "6-31-03-01", ["化学分析", "液相色谱", "气相色谱", "理化检验"],
     ["原料检测", "成品检验", "仪器维护"]),
    ("食品加工工", "6-01-06-00", ["食品加工", "生产线操作", "食品卫生", "包装", "分拣"],
     ["原料清洗分拣", "流水线包装", "车间消毒"]),
    ("食品检验员", "4-08-05-01", ["食品检验", "微生物检验", "理化检验", "HACCP"],
     ["微生物检测", "出具检验报告", "留样管理"]),
    ("电商运营", "4-01-06-01", ["网店运营", "淘宝", "拼多多", "数据分析", "推广投放"],
     ["店铺上新", "活动报名", "推广投放"]),
    ("主播", "4-01-06-02", ["直播运营", "场控", "抖音", "话术", "选品"],
     ["农产品直播带货", "直播间控场", "粉丝互动"]),
    ("客服", "4-07-02-03", ["客服", "售后处理", "打字", "办公软件"],
     ["在线咨询", "退换货处理", "回访客户"]),
    ("护士", "2-05-08-01", ["护士执业证书", "静脉输液", "基础护理", "病情观察"],
     ["住院病人护理", "门诊护理", "健康宣教"]),
    ("养老护理员", "4-10-01-05", ["养老护理", "生活照料", "康复护理"],
     ["照料失能老人", "协助康复训练", "夜间巡视"]),
    ("教师", "2-08-02-03", ["教师资格证", "初中数学", "班主任", "课件制作"],
     ["数学教学", "班级管理", "作业批改"]),
    ("软件开发", "2-02-10-03", ["Java", "Python", "MySQL", "Vue", "Spring Boot"],
     ["后台开发", "接口设计", "页面开发"]),
    ("农业技术员", "2-03-02-00", ["农作物栽培", "病虫害防治", "测土配方施肥", "植保无人机"],
     ["栽培技术指导", "病虫害测报", "飞防作业"]),
]  # fmt: skip
EDU = {1: "初中", 2: "高中或中专", 3: "大专", 4: "本科", 5: "硕士"}


def generate(n: int, seed: int = 20261204) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``n`` postings and ``n`` résumés (示例数据), reproducible from ``seed``."""
    rng = np.random.default_rng(seed)
    counties = [f"{990100 + 7 * i}" for i in range(30)]  # made-up codes (示例)
    names = {c: f"示例{i + 1}县" for i, c in enumerate(counties)}

    def pick(m: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        occ = rng.integers(0, len(OCCUPATIONS), m)
        cty = rng.integers(0, len(counties), m)
        edu = rng.integers(1, 6, m)
        yrs = rng.integers(0, 11, m)
        return occ, cty, edu, yrs

    occ, cty, edu, yrs = pick(n)
    jobs = []
    for i in range(n):
        title, code, pool, duties = OCCUPATIONS[occ[i]]
        sk = list(rng.choice(pool, size=min(len(pool), int(rng.integers(2, 5))), replace=False))
        c = counties[cty[i]]
        e = min(int(edu[i]), 4)
        y = int(yrs[i]) % 5
        jobs.append(
            {
                "job_id": f"J{i:06d}",
                "firm_name": f"示例企业{i % 3000:04d}",
                "region_code": c,
                "location": names[c],
                "title": title,
                "text": (
                    f"{names[c]}示例企业{i % 3000:04d}招{title}{int(rng.integers(1, 20))}名，"
                    f"负责{rng.choice(duties)}，要求熟悉{'、'.join(sk)}，{EDU[e]}以上学历，"
                    f"{y}年以上相关经验，月薪{int(rng.integers(30, 120)) * 100}元起。"
                ),
                "education_min": e,
                "years_min": y,
                "skills": ";".join(sk),
                "occupation_code": code,
                "positions": int(rng.integers(1, 4)),
                "synthetic": True,
            }
        )
    occ, cty, edu, yrs = pick(n)
    want = rng.random(n)
    talents = []
    for i in range(n):
        title, code, pool, duties = OCCUPATIONS[occ[i]]
        sk = list(rng.choice(pool, size=min(len(pool), int(rng.integers(2, 6))), replace=False))
        c = counties[cty[i]]
        loc = (
            "不限"
            if want[i] < 0.2
            else names[counties[int(rng.integers(0, 30))]]
            if want[i] < 0.35
            else names[c]
        )
        talents.append(
            {
                "person_id": f"T{i:06d}",
                "region_code": c,
                "location": loc,
                "text": (
                    f"{EDU[int(edu[i])]}学历，做{title}{int(yrs[i])}年，{rng.choice(duties)}，"
                    f"掌握{'、'.join(sk)}，希望在{loc}工作，期望月薪{int(rng.integers(30, 120)) * 100}元。"
                ),
                "education_level": int(edu[i]),
                "years": float(yrs[i]),
                "skills": ";".join(sk),
                "occupation_code": code,
                "synthetic": True,
            }
        )
    return pd.DataFrame(jobs), pd.DataFrame(talents)


def unit_random(n: int, dim: int, seed: int) -> np.ndarray:
    v = np.random.default_rng(seed).normal(size=(n, dim)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


class Clock:
    """Wall and CPU seconds of this process (the machine is shared: CPU time shows the work,
    wall time what a user waits on a loaded machine)."""

    def __init__(self) -> None:
        self.wall = time.perf_counter()
        self.cpu = time.process_time()

    def __str__(self) -> str:
        return (
            f"{time.perf_counter() - self.wall:.1f} s wall, "
            f"{time.process_time() - self.cpu:.1f} s CPU"
        )

    def seconds(self) -> float:
        return time.perf_counter() - self.wall


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv: Sequence[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=20_000)
    ap.add_argument("--embed", choices=["use", "random"], default="use")
    ap.add_argument("--e5-sample", type=int, default=200)
    ap.add_argument("--threads", type=int, default=int(os.environ.get("XINZHI_THREADS", "1")))
    ap.add_argument("--queries", type=int, default=20)
    ap.add_argument("--block-rows", type=int, default=2000)
    ap.add_argument(
        "--cache", type=Path, default=Path(tempfile.gettempdir()) / "xinzhi-bench" / "match-scale"
    )
    args = ap.parse_args(argv)
    from xinzhi.match import text
    from xinzhi.match.pairing import PairingIndex

    n = args.n
    t0 = time.perf_counter()
    jobs, talents = generate(n)
    print(f"示例数据: {n} postings × {n} résumés generated in {time.perf_counter() - t0:.1f} s")
    texts = jobs["text"].tolist() + talents["text"].tolist()

    # 1. embeddings
    if args.e5_sample > 0:
        e5 = text.get_embedder("e5", threads=args.threads)
        e5.embed(texts[:4])  # warm
        c0 = time.process_time()
        t0 = time.perf_counter()
        e5.embed(texts[: args.e5_sample])
        per = (time.perf_counter() - t0) / args.e5_sample
        per_cpu = (time.process_time() - c0) / args.e5_sample
        print(
            f"e5 embedding: {per * 1000:.1f} ms/text wall ({per_cpu * 1000:.1f} ms CPU) on "
            f"{args.e5_sample} texts, {args.threads} thread(s) → {2 * n} texts ≈ "
            f"{per * 2 * n / 60:.1f} min wall / {per_cpu * 2 * n / 60:.1f} min CPU "
            "(extrapolated, not run)"
        )
    if args.embed == "use":
        args.cache.mkdir(parents=True, exist_ok=True)
        f = args.cache / f"use-{n}.npy"
        if f.exists():
            vec = np.load(f)
            print(f"USE vectors read from the cache {f}")
        else:
            use = text.get_embedder("use", threads=args.threads)
            use.embed(texts[:4])  # warm
            c = Clock()
            vec = use.embed(texts)
            np.save(f, vec)
            print(f"USE embedding of {2 * n} texts: {c}")
        jv, tv = vec[:n], vec[n:]
        embedder = "use"
    else:
        jv, tv = unit_random(n, 384, 1), unit_random(n, 384, 2)
        embedder = "e5"
        print("random unit vectors (384 dims): matching speed only")

    # 2. index build
    c = Clock()
    index = PairingIndex(jobs, talents, job_vectors=jv, talent_vectors=tv)
    t_prep = str(c)
    index.text_index(True)
    index.text_index(False)
    print(
        f"index build (cached vectors): {c} (frames: {t_prep}; then the two BM25 indexes and "
        f"tokens); peak RSS {rss_mb():.0f} MB (target ≤ 5 min)"
    )

    # 3. single queries
    rng = np.random.default_rng(7)
    times: dict[str, list[tuple[float, float]]] = {"job": [], "talent": []}
    for i in rng.integers(0, n, args.queries):
        for side, key in (("job", "job_id"), ("talent", "person_id")):
            frame = jobs if side == "job" else talents
            t0, c0 = time.perf_counter(), time.process_time()
            out = index.query(**{key: frame[key].iloc[int(i)]}, k=10, embedder=embedder)
            times[side].append((time.perf_counter() - t0, time.process_time() - c0))
            assert len(out) <= 10
    for side, ts in times.items():
        wall = [w for w, _ in ts]
        cpu = [c for _, c in ts]
        print(
            f"one query ({side} → top-10 of {n}): median {np.median(wall) * 1000:.0f} ms wall "
            f"({np.median(cpu) * 1000:.0f} ms CPU), max {max(wall) * 1000:.0f} ms over "
            f"{len(ts)} (target ≤ 200 ms)"
        )

    # 4. full two-sided top-10
    c = Clock()
    res = index.match(k=10, direction="both", embedder=embedder, block_rows=args.block_rows)
    tidy = res.tidy()
    print(
        f"full two-sided top-10: {c} for {n} + {n} queries, {len(tidy)} rows with "
        f"reasons, {res.n_feasible} feasible pairs of {n * n}; peak RSS {rss_mb():.0f} MB "
        f"(target ≤ 120 s)"
    )
    print(tidy.head(3).to_string(index=False))
    print(f"load average at the end: {os.getloadavg()} on {os.cpu_count()} cores")


if __name__ == "__main__":
    sys.exit(main())
