"""The matching evaluation set (tests/fixtures/match/evalset/): its structure, and floors a little
under the metrics measured on it by benchmarks/match_eval.py for BM25 and the USE hybrid.

Measured on 2026-12-04 (job → talents, 40 postings; ``python benchmarks/match_eval.py``):
bm25 P@5 0.300, R@10 0.975, NDCG@10 0.924, MRR 0.947; hybrid-use P@5 0.300, R@10 0.988,
NDCG@10 0.948, MRR 0.953 (the best possible P@5 is 0.310: most postings have one or two
relevant résumés).
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pandas as pd
import pytest

from fixtures.match.evalset import build

ROOT = Path(__file__).resolve().parents[2]
EVALSET = ROOT / "tests" / "fixtures" / "match" / "evalset"


def _bench():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location(
        "match_eval", ROOT / "benchmarks" / "match_eval.py"
    )
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def evalset() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    return _bench().load_set(EVALSET)


def test_structure(evalset: tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]) -> None:
    jobs, talents, qrels = evalset
    assert len(qrels) >= 300
    assert len(jobs) == 40 and len(talents) == 60 and len(qrels) == 40 * 60
    assert set(qrels["relevance"]) <= {0, 1, 2, 3}
    assert set(qrels["job_id"]) == set(jobs["job_id"])
    assert set(qrels["person_id"]) == set(talents["person_id"])
    assert not qrels.duplicated(["job_id", "person_id"]).any()
    assert jobs["job_id"].is_unique and talents["person_id"].is_unique
    # every posting has at least one relevant (grade >= 2) résumé
    assert (qrels.groupby("job_id")["relevance"].max() >= 2).all()
    # sources: a URL for rewritten public postings, 示例数据 for the rest (flagged synthetic)
    url = jobs["source"].str.contains(r"https?://", regex=True)
    sample = jobs["source"].str.startswith("示例数据")
    assert (url ^ sample).all()
    assert (jobs["synthetic"] == sample).all()
    assert url.sum() == 19
    assert talents["source"].str.startswith("示例数据").all() and talents["synthetic"].all()
    # no personal data: 示例 names, no phone numbers in any text
    assert talents["name"].str.startswith("示例人员").all()
    phone = re.compile(r"1[3-9]\d{9}")
    assert not any(phone.search(t) for t in [*jobs["text"], *talents["text"]])


def test_files_are_what_build_writes(
    evalset: tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame],
) -> None:
    """qrels.csv = the written rules + the listed manual judgements (build.py), nothing else."""
    _, _, qrels = evalset
    _, _, rebuilt = build.build()
    pd.testing.assert_frame_equal(
        qrels.reset_index(drop=True), rebuilt.reset_index(drop=True), check_dtype=False
    )
    manual = qrels["note"].str.contains("人工判断")
    assert manual.sum() == len(build.OVERRIDES) == 10
    changed = qrels["relevance"] != qrels["rule_grade"]
    assert (manual | ~changed).all()  # only hand-judged pairs differ from the rules
    assert changed.sum() == 6  # 4 of the 10 judgements confirm the rule grade


def test_rule_grades_by_hand() -> None:
    jobs, talents, _ = build.build()
    j = jobs.set_index("job_id")
    t = talents.set_index("person_id")
    # P02 焊工 × R02: same family, 4/4 skills, 初中 ≥ 不限(1), 五莲 = 五莲, 8 ≥ 2 years -> 3
    assert build.rule_grade(j.loc["P02"], t.loc["R02"])[0] == 3
    # P02 × R43: same family, 3/4 skills -> 3; lives in 广河 and wants 广河 -> -1 = 2
    assert build.rule_grade(j.loc["P02"], t.loc["R43"])[0] == 2
    # P02 × R60: same family, 1/4 skills -> 2; 1 year < 2 -> -1 = 1
    assert build.rule_grade(j.loc["P02"], t.loc["R60"])[0] == 1
    # P31 (本科) × R05 (大专): related family, PLC 1/4 -> 1; education one level below -> 0
    assert build.rule_grade(j.loc["P31"], t.loc["R05"])[0] == 0
    # P29 (本科) × R09 (初中): education three levels below -> 0 whatever else
    assert build.rule_grade(j.loc["P29"], t.loc["R09"])[0] == 0


@pytest.fixture(scope="module")
def measured(
    evalset: tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame],
) -> pd.DataFrame:
    bench = _bench()
    jobs, talents, qrels = evalset
    vectors = bench.embed_all(["use"], jobs, talents, threads=1)
    methods = bench.method_scores(jobs, talents, vectors, gold=False)
    keep = {k: methods[k] for k in ("bm25", "hybrid-use", "pairing-use")}
    return bench.evaluate(jobs, talents, qrels, keep, directions=("job",)).set_index("method")


@pytest.mark.parametrize(
    ("method", "floors"),
    [
        ("bm25", {"p@5": 0.28, "r@10": 0.93, "ndcg@10": 0.88, "rr": 0.90}),
        ("hybrid-use", {"p@5": 0.28, "r@10": 0.95, "ndcg@10": 0.90, "rr": 0.90}),
        ("pairing-use", {"p@5": 0.25, "r@10": 0.87, "ndcg@10": 0.87, "rr": 0.94}),
    ],
)
def test_metric_floors(measured: pd.DataFrame, method: str, floors: dict[str, float]) -> None:
    row = measured.loc[method]
    assert row["queries"] == 40
    for metric, floor in floors.items():
        assert row[metric] >= floor, (method, metric, row[metric])
