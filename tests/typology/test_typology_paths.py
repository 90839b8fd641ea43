"""Path knowledge base: citations, no verbatim copying, recommender coverage."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from xinzhi import typology
from xinzhi.errors import InputError

SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"


def longest_common_substring(a: str, b: str) -> int:
    """Length of the longest common substring (dynamic programming, one row per char of a)."""
    if not a or not b:
        return 0
    barr = np.array(list(b))
    prev = np.zeros(len(b) + 1, dtype=np.int64)
    best = 0
    for ch in a:
        cur = np.zeros_like(prev)
        cur[1:] = np.where(barr == ch, prev[:-1] + 1, 0)
        best = max(best, int(cur.max()))
        prev = cur
    return best


def _seed_files() -> dict[str, Path]:
    return {p.name[:3]: p for p in sorted(SEEDS.glob("*.txt"))}


def _seed_sentences(text: str) -> list[str]:
    return [s.strip() for s in re.split(r"[。！？；\n]", text) if s.strip()]


def test_lcs_helper() -> None:
    assert longest_common_substring("县域新质生产力", "发展新质生产力的路径") == 5
    assert longest_common_substring("abc", "xyz") == 0


def test_every_measure_cites_an_existing_article() -> None:
    kb = typology.load_paths()
    assert len(kb.measures) == 44  # the 44 `- id:` entries of typology/paths.yaml
    used = {m.source for m in kb.measures}
    assert used <= set(kb.sources)
    files = _seed_files()
    if not files:
        pytest.skip("种子文章目录不存在（shared/seeds）")
    for sid in used:
        assert sid in files, sid
        lines = [x.strip() for x in files[sid].read_text("utf-8").splitlines() if x.strip()]
        assert kb.sources[sid]["first_line"] == lines[0]
        if sid in ("000", "002"):  # title = first line, author on the next line
            assert kb.sources[sid]["title"] == lines[0]
            assert kb.sources[sid]["author"] in lines[1]
        assert kb.sources[sid]["title"] in files[sid].read_text("utf-8")


def test_no_measure_copies_a_seed_sentence() -> None:
    files = _seed_files()
    if not files:
        pytest.skip("种子文章目录不存在（shared/seeds）")
    sentences = [s for p in files.values() for s in _seed_sentences(p.read_text("utf-8"))]
    corpus = "\x00".join(sentences)  # a measure cannot match across the separator
    kb = typology.load_paths()
    worst = {m.id: longest_common_substring(m.text, corpus) for m in kb.measures}
    assert max(worst.values()) < 15, {k: v for k, v in worst.items() if v >= 15}


def test_recommender_covers_every_type_and_shortfall() -> None:
    rules = typology.load_rules()
    for name in rules.type_names():
        rec = typology.recommend([name], [])
        assert len(rec.measures) >= 3, name
        assert rec.measures["reason"].str.startswith(f"因为本县属于{name}").all()
    for sf in typology.SHORTFALLS:
        rec = typology.recommend([], [sf])
        assert len(rec.measures) >= 3, sf
        assert (rec.measures["matched_shortfall"] == sf).all()


def test_recommendation_ranks_type_and_shortfall_matches_first() -> None:
    rec = typology.recommend(["资源能源开发型"], ["创新动能不足"], max_measures=None)
    first = rec.tidy().iloc[0]
    assert first["measure_id"] == "res_tech"
    assert first["reason"] == "因为本县属于资源能源开发型且短板为创新动能不足"
    assert rec.explanation.startswith("因为本县属于资源能源开发型且短板为创新动能不足")
    # type-specific measures of other types are never proposed
    assert not rec.tidy()["measure_id"].isin(["metro_rd", "scene_platform"]).any()
    with pytest.raises(InputError, match="短板名称无效"):
        typology.recommend(["资源能源开发型"], ["人才不足"])
