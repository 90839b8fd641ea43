"""Résumé NER (issue #16 part 3): train the averaged-perceptron tagger of
``xinzhi.match.ner`` on ResumeNER's train split and print entity-level precision, recall and F1
(exact span and type) per type and micro-averaged on the dev and test splits, with the training
time on one core.

ResumeNER: Zhang & Yang, "Chinese NER Using Lattice LSTM", ACL 2018 (files
``$XINZHI_DATA_DIR/text/resumener/{train,dev,test}.char.bmes``).

Run::

    XINZHI_DATA_DIR=../shared/data OMP_NUM_THREADS=1 .venv/bin/python benchmarks/match_ner.py
    .venv/bin/python benchmarks/match_ner.py --epochs 5 --hash-bits 16 --train-sentences 1500
    .venv/bin/python benchmarks/match_ner.py --save /tmp/resume_ner.npz
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

from xinzhi.match.ner import ResumeTagger, entity_scores, read_bmes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=None, help="folder with the .char.bmes files")
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--hash-bits", type=int, default=18)
    parser.add_argument("--train-sentences", type=int, default=None, help="first N only")
    parser.add_argument("--save", type=Path, default=None, help="write the model (.npz)")
    args = parser.parse_args()
    folder = (
        args.data or Path(os.environ.get("XINZHI_DATA_DIR", "../shared/data")) / "text/resumener"
    )
    splits = {
        name: read_bmes((folder / f"{name}.char.bmes").read_text("utf-8"))
        for name in ("train", "dev", "test")
    }
    train = splits["train"][: args.train_sentences]
    t0 = time.perf_counter()
    tagger = ResumeTagger(epochs=args.epochs, hash_bits=args.hash_bits).fit(train)
    seconds = time.perf_counter() - t0
    chars = sum(len(s) for s in train)
    print(
        f"ResumeNER · averaged structured perceptron · {len(train)} sentences ({chars} characters)"
        f" · epochs {args.epochs} · 2^{args.hash_bits} hashed rows · trained in {seconds:.1f} s"
    )
    for name in ("dev", "test"):
        sentences = splits[name]
        t1 = time.perf_counter()
        predicted = tagger.tag_many(["".join(c for c, _ in s) for s in sentences])
        t2 = time.perf_counter()
        table = entity_scores([[t for _, t in s] for s in sentences], predicted)
        print(f"\n{name}: {len(sentences)} sentences, tagged in {t2 - t1:.2f} s")
        print(table.round(4).to_string(index=False))
    if args.save:
        tagger.save(args.save)
        print(f"\nmodel written to {args.save} ({args.save.stat().st_size / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()
