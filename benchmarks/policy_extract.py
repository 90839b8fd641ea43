"""Benchmark: precision and recall of the clause extractor on the hand-encoded real policies.

For every document of ``src/xinzhi/policy/policies/*.yaml`` (or ``--policies DIR``) whose text is
available — ``document.text`` ``dataset:<path>`` through the dataset registry (the public-data
mirror in ``XINZHI_DATA_DIR`` / ``--data-dir``), or a key of ``policy/texts/<key>.txt`` — run
:func:`xinzhi.policy.extract.extract` on the full text and compare its thresholds and amounts
with the encoded clauses (:func:`xinzhi.policy.extract.score`; the matching is defined in
``docs/policy_extract.md``). Prints per document and overall: gold and predicted counts, matches,
precision and recall for thresholds, amounts and both (documents sharing one text are scored
together: the gold is the union of their clauses); the recall against the gold values the
clause texts state (``stated``); the extraction time. Documents whose text is missing are listed
as skipped (never counted as zero).

    .venv/bin/python benchmarks/policy_extract.py [--policies DIR] [--texts DIR] [--data-dir DIR]
                                                  [--show-misses]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from xinzhi import datasets
from xinzhi.errors import XinzhiError
from xinzhi.policy.extract import ExtractScore, extract, score

PKG = Path(__file__).resolve().parents[1] / "src" / "xinzhi" / "policy"


def document_text(doc: Mapping[str, Any], texts: Path, data_dir: str | None) -> str | None:
    """The full text of an encoded document, or None when it is not available here."""
    key = str((doc.get("document") or {}).get("text") or "")
    if key.startswith("dataset:"):
        local = key.removeprefix("dataset:")
        for ds in datasets.list_datasets():
            if any(f.local == local for f in ds.files):
                try:
                    p = datasets.path(ds.name, local, data_dir=data_dir, download=False)
                except XinzhiError:
                    return None
                return p.read_text(encoding="utf-8")
        return None
    p = texts / f"{key}.txt"
    return p.read_text(encoding="utf-8") if key and p.is_file() else None


def load_documents(policies: Path) -> list[tuple[str, dict[str, Any]]]:
    """(file stem, raw YAML dict) of every document file, sorted by name."""
    out = []
    for f in sorted(policies.glob("*.yaml")):
        out.append((f.stem, dict(yaml.safe_load(f.read_text(encoding="utf-8")))))
    return out


def _pr(s: ExtractScore, kind: str) -> str:
    return (
        f"{s.tp[kind]:>3}/{s.tp[kind] + s.fp[kind]:<3} {s.tp[kind]:>3}/{s.tp[kind] + s.fn[kind]:<3}"
        f" P={s.precision(kind):.2f} R={s.recall(kind):.2f}"
    )


def _stated_r(s: ExtractScore, kind: str) -> str:
    """Recall against the values the clause texts state (precision is not meaningful there:
    a correctly extracted implied value, such as year 1 of 连续5年, is not "stated")."""
    return f"stated {s.tp[kind]:>3}/{s.tp[kind] + s.fn[kind]:<3} R={s.recall(kind):.2f}"


def _total(scores: list[ExtractScore]) -> ExtractScore:
    keys = ("threshold", "amount", "all")
    return ExtractScore(
        "合计",
        {k: sum(s.tp[k] for s in scores) for k in keys},
        {k: sum(s.fp[k] for s in scores) for k in keys},
        {k: sum(s.fn[k] for s in scores) for k in keys},
    )


def run(
    policies: Path, texts: Path, data_dir: str | None, show_misses: bool = False
) -> dict[str, ExtractScore]:
    """Score every available document; print the table; return the overall scores."""
    full: list[ExtractScore] = []
    stated: list[ExtractScore] = []
    print(f"{'document':<36} {'kind':<9} {'tp/pred':>7} {'tp/gold':>8}")
    by_text: dict[str, list[tuple[str, dict[str, Any]]]] = {}
    for stem, doc in load_documents(policies):
        key = str((doc.get("document") or {}).get("text") or stem)
        by_text.setdefault(key, []).append((stem, doc))
    for group in by_text.values():
        stem = "+".join(st for st, _ in group)
        docs = [d for _, d in group]
        text = document_text(docs[0], texts, data_dir)
        if text is None:
            print(f"{stem:<36} skipped: text not available")
            continue
        t0 = time.perf_counter()
        res = extract(text, name=group[0][0])
        ms = (time.perf_counter() - t0) * 1000
        s, st = score(res, docs), score(res, docs, stated_only=True)
        full.append(s)
        stated.append(st)
        for kind in ("threshold", "amount", "all"):
            print(f"{stem[:36]:<36} {kind:<9} {_pr(s, kind)}   {_stated_r(st, kind)}")
        print(f"{'':<36} {len(res.proposals)} proposals, {ms:.0f} ms")
        if s.unplaced:
            print(f"{'':<36} clauses placed by article label: {', '.join(s.unplaced)}")
        if show_misses:
            print(f"{'':<36} missed: {list(s.missed)}")
            print(f"{'':<36} extra:  {list(s.extra)}")
    if not full:
        print("no document with an available text")
        return {}
    tot, tst = _total(full), _total(stated)
    print("-" * 100)
    for kind in ("threshold", "amount", "all"):
        print(f"{'overall':<36} {kind:<9} {_pr(tot, kind)}   {_stated_r(tst, kind)}")
    return {"all": tot, "stated": tst}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--policies", type=Path, default=PKG / "policies")
    ap.add_argument("--texts", type=Path, default=None, help="default: <policies>/../texts")
    ap.add_argument("--data-dir", default=None)
    ap.add_argument("--show-misses", action="store_true")
    args = ap.parse_args(argv)
    texts = args.texts or args.policies.parent / "texts"
    run(args.policies, texts, args.data_dir, args.show_misses)
    return 0


if __name__ == "__main__":
    sys.exit(main())
