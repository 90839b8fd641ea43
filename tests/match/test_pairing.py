"""Two-sided matching (xinzhi.match.pairing): filters, score components by hand, top-k, reasons,
assignment, calibration fit."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xinzhi.errors import InputError
from xinzhi.labels import SYNTHETIC_NOTE
from xinzhi.match import pairing as pm
from xinzhi.match.vocab import EDUCATION_LEVELS

CAL = {"slope": 10.0, "midpoint": 0.5}


def frames() -> tuple[pd.DataFrame, pd.DataFrame]:
    jobs = pd.DataFrame(
        {
            "job_id": ["J1", "J2"],
            "region_code": ["371121", "410523"],
            "location": ["五莲县", "汤阴县"],
            "title": ["焊工", "化验员"],
            "text": ["招焊工", "招化验员"],
            "education_min": [1, 3],
            "years_min": [4, 0],
            "skills": ["氩弧焊;焊工证;识图;二保焊", "色谱"],
            "occupation_code": ["6-18-02-04", "6-31-03-01"],
            "positions": [1, 2],
        }
    )
    talents = pd.DataFrame(
        {
            "person_id": ["A", "B", "C", "D"],
            "region_code": ["371121", "371121", "410523", "622924"],
            "location": ["", "", "", "汤阴县"],
            "text": ["做过焊工", "做过车工", "化验", "化验"],
            "education_level": [1, 2, 2, 4],
            "years": [2.0, 10.0, 1.0, np.nan],
            "skills": ["氩弧焊;识图", "识图", "色谱", "色谱;液相"],
            "occupation_code": ["6-18-02-04", "6-18-02-01", "6-31-03-01", "6-31-03-01"],
        }
    )
    return jobs, talents


def test_hard_filters_by_hand() -> None:
    jobs, talents = frames()
    f = pm.feasible_matrix(jobs, talents)
    # J1 (五莲, 初中+): A, B live in 五莲 -> ok; C lives in 汤阴, no wish -> no; D wants 汤阴 -> no
    # J2 (汤阴, 大专+): C lives there but 高中 < 大专 -> no; D (本科) wants 汤阴 -> ok
    assert f.tolist() == [[True, True, False, False], [False, False, False, True]]
    # without the location filter only education counts: J1 all; J2 only D (A 1, B 2, C 2 < 3)
    f0 = pm.feasible_matrix(jobs, talents, location="none")
    assert f0.tolist() == [[True, True, True, True], [False, False, False, True]]
    # years as a hard filter: J1 needs 4 years: A (2) fails, B (10) passes
    fy = pm.feasible_matrix(jobs, talents, years_hard=True)
    assert fy[0].tolist() == [False, True, False, False]


def test_location_edges() -> None:
    jobs, talents = frames()
    t = talents.copy()
    t.loc[2, "location"] = "不限"  # C anywhere: J1 now passes location (education 2 ≥ 1)
    t.loc[3, "location"] = "410523"  # D names the county by its code
    f = pm.feasible_matrix(jobs, t)
    assert f[0, 2] and f[1, 3]
    t2 = talents.copy()
    t2["relocate"] = [False, False, True, False]  # C willing to relocate
    assert pm.feasible_matrix(jobs, t2)[0, 2]
    # unknown education (0) passes the floor
    t3 = talents.copy()
    t3.loc[2, "education_level"] = 0
    assert pm.feasible_matrix(jobs, t3)[1, 2]


def test_components_and_score_by_hand() -> None:
    jobs, talents = frames()
    # text weight 0: score = (0.25 S + 0.15 O + 0.10 E) / 0.5
    r = pm.match_pairs(jobs, talents, k=4, weights={"text": 0.0}, calibration=CAL, direction="job")
    t = r.tidy().set_index(["job_id", "person_id"])
    a = t.loc[("J1", "A")]
    # S = |{氩弧焊, 识图}| / 4 = 0.5; O = same code = 1; E = min(1, 2/4) = 0.5
    assert (a["skills"], a["occupation"], a["experience"]) == (0.5, 1.0, 0.5)
    assert a["score"] == pytest.approx((0.25 * 0.5 + 0.15 * 1 + 0.10 * 0.5) / 0.5)  # 0.65
    b = t.loc[("J1", "B")]
    # S = 1/4; O: 6-18-02-01 vs 6-18-02-04 same 小类 6-18-02 -> 0.5; E = min(1, 10/4) = 1
    assert (b["skills"], b["occupation"], b["experience"]) == (0.25, 0.5, 1.0)
    assert b["score"] == pytest.approx((0.25 * 0.25 + 0.15 * 0.5 + 0.10) / 0.5)  # 0.475
    d = t.loc[("J2", "D")]
    # S = 1/1; O = 1; E: J2 asks no experience -> 1 (D's years unknown does not matter)
    assert d["score"] == pytest.approx(1.0)
    # ranks: J1 -> A (0.65) then B (0.475); J2 -> D only
    assert r.tidy()[["job_id", "person_id", "rank"]].values.tolist() == [
        ["J1", "A", 1],
        ["J1", "B", 2],
        ["J2", "D", 1],
    ]
    # 匹配度 = 100 / (1 + exp(-10 (0.65 - 0.5))) = 81.76
    assert a["match_pct"] == pytest.approx(100 / (1 + math.exp(-1.5)))


def test_experience_unknown_is_half() -> None:
    jobs, talents = frames()
    jobs = jobs.assign(years_min=[4, 2])
    r = pm.match_pairs(jobs, talents, k=4, weights={"text": 0.0}, calibration=CAL)
    d = r.tidy().set_index(["job_id", "person_id", "direction"]).loc[("J2", "D", "job")]
    assert d["experience"] == 0.5
    assert "经验：不详（要求2年）" in d["reasons"]


def test_reasons_in_chinese() -> None:
    jobs, talents = frames()
    r = pm.match_pairs(jobs, talents, k=4, calibration=CAL)
    t = r.tidy().set_index(["job_id", "person_id", "direction"])
    assert t.loc[("J1", "A", "job"), "reasons"] == (
        "技能：氩弧焊、识图（2/4）；职业：相同（6-18-02-04）；学历：初中及以下≥初中及以下；"
        "经验：2年<4年；地点：同县"
    )
    assert t.loc[("J1", "B", "job"), "reasons"].startswith("技能：识图（1/4）；职业：同一小类")
    assert t.loc[("J2", "D", "job"), "reasons"].endswith("地点：期望汤阴县")


def test_both_directions_and_topk() -> None:
    jobs, talents = frames()
    r = pm.match_pairs(jobs, talents, k=1, calibration=CAL)
    t = r.tidy()
    assert list(t.columns[:8]) == [
        "job_id", "title", "person_id", "direction", "rank", "score", "match_pct", "reasons",
    ]  # fmt: skip
    jt = t[t.direction == "job"]
    assert jt.groupby("job_id").size().max() == 1
    tj = t[t.direction == "talent"]
    # talent side: A and B see only J1, D only J2, C nothing (no feasible job)
    assert sorted(zip(tj.person_id, tj.job_id, strict=True)) == [
        ("A", "J1"), ("B", "J1"), ("D", "J2"),
    ]  # fmt: skip
    assert set(r.tables()) == {"岗位→人才", "人才→岗位"}
    s = r.summary()
    assert "岗位 2 个 × 人才 4 人" in s and "1 人没有符合硬性条件的岗位" in s


def test_same_query_same_ranking_and_blocks_do_not_matter() -> None:
    jobs, talents = frames()
    rng = np.random.default_rng(3)
    jv = rng.normal(size=(2, 8)).astype(np.float32)
    tv = rng.normal(size=(4, 8)).astype(np.float32)
    jv /= np.linalg.norm(jv, axis=1, keepdims=True)
    tv /= np.linalg.norm(tv, axis=1, keepdims=True)
    kw = dict(job_vectors=jv, talent_vectors=tv, k=3, calibration=CAL, location="none")
    a = pm.match_pairs(jobs, talents, **kw).tidy()  # type: ignore[arg-type]
    b = pm.match_pairs(jobs, talents, **kw).tidy()  # type: ignore[arg-type]
    c = pm.match_pairs(jobs, talents, block_rows=1, **kw).tidy()  # type: ignore[arg-type]
    pd.testing.assert_frame_equal(a, b)
    pd.testing.assert_frame_equal(a, c)


def test_dense_part_by_hand() -> None:
    """With text weight only and unit vectors: text = 0.7·cos + 0.3·minmax(BM25)."""
    jobs, talents = frames()
    jv = np.array([[1.0, 0.0], [0.0, 1.0]], dtype=np.float32)
    tv = np.array([[1.0, 0.0], [0.6, 0.8], [0.0, 1.0], [0.8, 0.6]], dtype=np.float32)
    r = pm.match_pairs(
        jobs, talents, job_vectors=jv, talent_vectors=tv, k=4, location="none",
        weights={"text": 1.0, "skills": 0.0, "occupation": 0.0, "experience": 0.0},
        calibration=CAL, direction="job",
    )  # fmt: skip
    t = r.tidy().set_index(["job_id", "person_id"])
    # J1 query "焊工 招焊工" vs documents "做过焊工 …": BM25 > 0 only for A (shares 焊工) ->
    # minmax row: A 1, others 0. cos(J1, ·) = 1, 0.6, 0, 0.8.
    assert t.loc[("J1", "A"), "text"] == pytest.approx(0.7 * 1.0 + 0.3 * 1.0)
    assert t.loc[("J1", "B"), "text"] == pytest.approx(0.7 * 0.6, abs=1e-6)
    assert t.loc[("J1", "D"), "score"] == pytest.approx(0.7 * 0.8, abs=1e-6)


def test_score_matrix_and_assignment() -> None:
    jobs, talents = frames()
    s = pm.score_matrix(jobs, talents, weights={"text": 0.0})
    assert np.isinf(s[0, 2]) and np.isinf(s[1, 0])
    assert s[0, 0] == pytest.approx(0.65)
    a = pm.match_assignment(jobs, talents, weights={"text": 0.0})
    # J1 (1 position) takes A (0.65 > 0.475); J2 takes D
    assert a[["job_id", "person_id"]].values.tolist() == [["J1", "A"], ["J2", "D"]]
    st_ = pm.match_assignment(jobs, talents, weights={"text": 0.0}, method="stable")
    assert st_[["job_id", "person_id"]].values.tolist() == [["J1", "A"], ["J2", "D"]]


def test_options_are_checked() -> None:
    jobs, talents = frames()
    with pytest.raises(InputError, match="未知的权重项"):
        pm.match_pairs(jobs, talents, weights={"salary": 1.0})
    with pytest.raises(InputError, match="k"):
        pm.match_pairs(jobs, talents, k=0)
    with pytest.raises(InputError, match="location"):
        pm.match_pairs(jobs, talents, location="province")  # type: ignore[arg-type]
    with pytest.raises(InputError, match="两侧"):
        pm.match_pairs(jobs, talents, job_vectors=np.zeros((2, 3)))
    with pytest.raises(InputError, match="缺少列"):
        pm.match_pairs(jobs.drop(columns="text"), talents)
    with pytest.raises(InputError, match="重复"):
        pm.match_pairs(pd.concat([jobs, jobs]), talents)


def test_excel_and_synthetic_label(tmp_path) -> None:  # type: ignore[no-untyped-def]
    jobs, talents = frames()
    r = pm.match_pairs(jobs, talents.assign(synthetic=True), k=2, calibration=CAL)
    assert r.synthetic and r.summary().startswith(SYNTHETIC_NOTE)
    out = r.to_excel(tmp_path / "m.xlsx")
    sheets = pd.read_excel(out, sheet_name=None, engine="openpyxl")
    assert set(sheets) == {"岗位→人才", "人才→岗位", "说明"}
    assert "匹配理由" in sheets["岗位→人才"].columns


def test_education_labels_equal_vocab() -> None:
    assert pm.EDU_LABELS == dict(EDUCATION_LEVELS)


def test_fit_calibration_by_hand_and_against_sklearn() -> None:
    # symmetric data: midpoint 0.5 (s -> 1 - s swaps the labels)
    s = np.array([0.1, 0.2, 0.3, 0.4, 0.6, 0.7, 0.8, 0.9])
    rel = np.array([0, 0, 0, 2, 0, 3, 3, 3])
    p = pm.fit_calibration(s, rel)
    assert p["midpoint"] == pytest.approx(0.5, abs=1e-9)
    lm = pytest.importorskip("sklearn.linear_model")
    ref = lm.LogisticRegression(C=1e4, tol=1e-12, max_iter=10_000).fit(s[:, None], rel >= 2)
    slope, icpt = ref.coef_[0, 0], ref.intercept_[0]
    # sklearn's penalty 1/(2C)·β² = 5e-5 β² is the same as our ridge/2 = 5e-5: same optimum
    assert p["slope"] == pytest.approx(slope, rel=1e-4)
    assert p["midpoint"] == pytest.approx(-icpt / slope, abs=1e-6)
    with pytest.raises(InputError, match="相关与不相关"):
        pm.fit_calibration(s, np.zeros(8))


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 10_000), st.integers(1, 5))
def test_listed_pairs_always_pass_the_filters(seed: int, k: int) -> None:
    rng = np.random.default_rng(seed)
    nj, nt = 5, 7
    codes = ["371121", "410523", "622924"]
    jobs = pd.DataFrame(
        {
            "job_id": [f"J{i}" for i in range(nj)],
            "region_code": rng.choice(codes, nj),
            "text": rng.choice(["焊工", "会计", "护士"], nj),
            "education_min": rng.integers(0, 5, nj),
            "skills": rng.choice(["焊接", "会计;税务", ""], nj),
        }
    )
    talents = pd.DataFrame(
        {
            "person_id": [f"T{i}" for i in range(nt)],
            "region_code": rng.choice(codes, nt),
            "location": rng.choice(["", "不限", "410523"], nt),
            "text": rng.choice(["焊工", "会计", "护士"], nt),
            "education_level": rng.integers(0, 7, nt),
            "skills": rng.choice(["焊接", "会计", ""], nt),
        }
    )
    f = pm.feasible_matrix(jobs, talents)
    r = pm.match_pairs(jobs, talents, k=k, calibration=CAL).tidy()
    ji = r["job_id"].str[1:].astype(int).to_numpy()
    ti = r["person_id"].str[1:].astype(int).to_numpy()
    assert f[ji, ti].all()
    assert (r.groupby(["direction", "job_id"]).size().loc["job"] <= k).all() if len(r) else True
    assert r["match_pct"].between(0, 100).all()
    # every feasible pair within a job's top-k count is listed: count = min(k, feasible)
    listed = r[r.direction == "job"].groupby("job_id").size()
    for i in range(nj):
        assert listed.get(f"J{i}", 0) == min(k, int(f[i].sum()))


def test_index_query_equals_the_full_run() -> None:
    jobs, talents = frames()
    full = pm.match_pairs(jobs, talents, k=3, calibration=CAL).tidy()
    index = pm.PairingIndex(jobs, talents)
    one = index.query(job_id="J1", k=3, calibration=CAL)
    want = full[(full.direction == "job") & (full.job_id == "J1")].reset_index(drop=True)
    pd.testing.assert_frame_equal(one, want)
    tal = index.query(person_id="D", k=3, calibration=CAL)
    assert tal[["job_id", "direction", "rank"]].values.tolist() == [["J2", "talent", 1]]
    with pytest.raises(InputError, match="不存在"):
        index.query(job_id="J9")
    with pytest.raises(InputError, match="之一"):
        index.query()


def test_text_part_equals_text_hybrid_and_bm25() -> None:
    """The block computation of the text part is text.hybrid(norm="dense") of the cosine and
    BM25Index.scores_tokens, computed another way (float32, in place)."""
    from xinzhi.match import text

    jobs, talents = frames()
    rng = np.random.default_rng(5)
    jv = rng.normal(size=(2, 6)).astype(np.float32)
    tv = rng.normal(size=(4, 6)).astype(np.float32)
    jv /= np.linalg.norm(jv, axis=1, keepdims=True)
    tv /= np.linalg.norm(tv, axis=1, keepdims=True)
    index = pm.PairingIndex(jobs, talents, job_vectors=jv, talent_vectors=tv)
    for as_jobs in (True, False):
        bm_index, q_tokens = index.text_index(as_jobs)
        want_bm = bm_index.scores_tokens(q_tokens)
        got_bm = bm_index.scores_dense(q_tokens)
        np.testing.assert_allclose(got_bm, want_bm, rtol=1e-6)
        cos = jv @ tv.T if as_jobs else tv @ jv.T
        want = text.hybrid(cos, want_bm, alpha=0.7, norm="dense")
        Q, D = (index.J, index.T) if as_jobs else (index.T, index.J)
        got = pm._text_block(Q, D, np.arange(cos.shape[0]), bm_index, q_tokens, 0.7)
        np.testing.assert_allclose(got, want, atol=1e-6)


def test_topk_ties_at_the_kth_place_go_to_the_smaller_position() -> None:
    block = np.array(
        [[0.5, 0.2, 0.2, 0.2, -np.inf], [0.1, -np.inf, 0.3, 0.3, 0.3]], dtype=np.float32
    )
    for _ in range(5):
        cols, vals = pm._topk(block, 2)
        # row 0: 0.5 (col 0), then the three 0.2 tie: col 1 wins; row 1: 0.3 x3: cols 2, 3
        assert cols.tolist() == [[0, 1], [2, 3]]
    cols, vals = pm._topk(block, 4)
    assert cols.tolist() == [[0, 1, 2, 3], [2, 3, 4, 0]]
    cols, vals = pm._topk(block, 5)  # k = n: everything, the excluded entry last
    assert cols[1].tolist() == [2, 3, 4, 0, 1] and np.isinf(vals[1, 4])


def test_block_topk_equals_sorting_the_full_matrix() -> None:
    """Top-k from blocks (argpartition) = the first k of a stable sort of score_matrix rows."""
    rng = np.random.default_rng(11)
    nj, nt = 23, 31
    words = ["焊工", "会计", "护士", "电工", "直播", "数控"]
    jobs = pd.DataFrame(
        {
            "job_id": [f"J{i:02d}" for i in range(nj)],
            "region_code": rng.choice(["371121", "410523"], nj),
            "text": [" ".join(rng.choice(words, 2)) for _ in range(nj)],
            "education_min": rng.integers(0, 4, nj),
            "years_min": rng.integers(0, 4, nj),
            "skills": [";".join(rng.choice(words, 2)) for _ in range(nj)],
        }
    )
    talents = pd.DataFrame(
        {
            "person_id": [f"T{i:02d}" for i in range(nt)],
            "region_code": rng.choice(["371121", "410523"], nt),
            "location": rng.choice(["", "不限"], nt),
            "text": [" ".join(rng.choice(words, 3)) for _ in range(nt)],
            "education_level": rng.integers(0, 6, nt),
            "years": rng.integers(0, 8, nt).astype(float),
            "skills": [";".join(rng.choice(words, 2)) for _ in range(nt)],
        }
    )
    jv = rng.normal(size=(nj, 5)).astype(np.float32)
    tv = rng.normal(size=(nt, 5)).astype(np.float32)
    jv /= np.linalg.norm(jv, axis=1, keepdims=True)
    tv /= np.linalg.norm(tv, axis=1, keepdims=True)
    kw = dict(job_vectors=jv, talent_vectors=tv)
    res = pm.match_pairs(jobs, talents, k=4, block_rows=5, calibration=CAL, **kw).tidy()  # type: ignore[arg-type]
    for direction, full, q_ids, d_ids in (
        ("job", pm.score_matrix(jobs, talents, direction="job", **kw), jobs.job_id, talents.person_id),  # type: ignore[arg-type]
        ("talent", pm.score_matrix(jobs, talents, direction="talent", **kw).T, talents.person_id, jobs.job_id),  # type: ignore[arg-type]
    ):  # fmt: skip
        got = res[res.direction == direction]
        key, other = ("job_id", "person_id") if direction == "job" else ("person_id", "job_id")
        for i, q in enumerate(q_ids):
            order = np.argsort(-full[i], kind="stable")
            want = [d_ids.iloc[c] for c in order if np.isfinite(full[i, c])][:4]
            assert got.loc[got[key] == q, other].tolist() == want
            np.testing.assert_allclose(
                got.loc[got[key] == q, "score"], np.sort(full[i][np.isfinite(full[i])])[::-1][:4]
            )
