"""The talent pipeline on a small synthetic warehouse: counts, shortage with 人才地图 and alerts,
matches (BM25 only), radar, access checks and masking, retention, exports."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pytest

from xinzhi import store
from xinzhi.auth.accounts import User
from xinzhi.auth.policy import AccessDenied
from xinzhi.pipelines import talent as tp

C0 = "430321"
ADMIN = User(1, "管理员", "admin", None, False)
ANALYST = User(2, "分析员", "analyst", None, False)
OWN = User(3, "湘潭县人社局", "county", C0, False)
OTHER = User(4, "湘乡市人社局", "county", "430381", False)


@pytest.fixture(scope="module")
def con(tmp_path_factory: pytest.TempPathFactory) -> Iterator[duckdb.DuckDBPyConnection]:
    c = store.connect(tmp_path_factory.mktemp("talent") / "w.duckdb")
    tp.generate_talent_base(
        c, county=C0, seed=3, n_talents=300, n_jobs=120, as_of=dt.date(2026, 6, 30)
    )
    yield c
    c.close()


def test_synthetic_base_is_stored_once(con: duckdb.DuckDBPyConnection) -> None:
    counts = tp.base_counts(con, county=C0)
    assert counts["talents"] == 300 and counts["jobs"] == 120
    assert counts["synthetic"] == 300
    again = tp.generate_talent_base(
        con, county=C0, seed=3, n_talents=300, n_jobs=120, as_of=dt.date(2026, 6, 30)
    )
    assert [r.status for r in again] == ["noop", "noop"]


def test_shortage_with_map_and_alerts(con: duckdb.DuckDBPyConnection) -> None:
    res = tp.shortage_catalogue(con, county=C0, year=2026, chains="工程机械")
    cat = res.catalogue
    assert res.synthetic
    assert (cat["gap"] == cat["demand"] - cat["supply"]).all()
    assert cat["stars"].between(0, 5).all()
    assert ((cat["stars"] > 0) == (cat["gap"] > 0)).all()
    assert res.chain_map is not None and set(res.chain_map["chain"]) == {"工程机械"}
    assert res.alerts is not None
    assert (res.alerts["gap"] > res.alerts["gap_before"]).all()
    book = load_sheets(tp.shortage_workbook(res))
    assert list(book)[:2] == ["封面", "紧缺人才目录"]


def load_sheets(data: bytes) -> dict[str, pd.DataFrame]:
    return pd.read_excel(io.BytesIO(data), sheet_name=None, engine="openpyxl")


def test_matches_both_ways_bm25(con: duckdb.DuckDBPyConnection) -> None:
    jobs = tp.job_frame(con, county=C0)
    job_id = str(jobs["job_id"].iloc[0])
    _res, table = tp.matches_view(con, ADMIN, county=C0, job_id=job_id, k=5, embedder=None)
    assert len(table) <= 5 and (table["job_id"] == job_id).all()
    assert table["match_pct"].between(0, 100).all()
    assert table["rank"].tolist() == list(range(1, len(table) + 1))
    person = str(tp.talent_frame(con, county=C0)["person_id"].iloc[0])
    _, back = tp.matches_view(con, OWN, county=C0, person_id=person, k=3, embedder=None)
    assert (back["person_id"] == person).all()
    with pytest.raises(tp.InputError, match="一个岗位"):
        tp.talent_matches(con, county=C0, embedder=None)


def test_radar_of_a_pair(con: duckdb.DuckDBPyConnection) -> None:
    t = tp.talent_frame(con, county=C0).iloc[0]
    j = tp.job_frame(con, county=C0).iloc[0]
    res = tp.radar_view(con, OWN, person_id=t["person_id"], job_id=j["job_id"], county=C0)
    axes = res.axes
    assert axes["talent"].between(0, 100).all() and axes["requirement"].between(0, 100).all()
    assert list(axes["axis"])[-2:] == ["学历", "工作经验"]


def test_county_accounts_see_their_own_county_only(con: duckdb.DuckDBPyConnection) -> None:
    assert len(tp.talents_view(con, OWN, county=C0)) == 300
    with pytest.raises(AccessDenied):
        tp.talents_view(con, OTHER, county=C0)
    with pytest.raises(AccessDenied):
        tp.shortage_view(con, OTHER, county=C0)
    with pytest.raises(AccessDenied):  # no county named: every county, unrestricted roles only
        tp.jobs_view(con, User(5, "无县", "county", None, False))


def test_analyst_export_has_no_phone_numbers(con: duckdb.DuckDBPyConnection) -> None:
    data = tp.talents_workbook(con, ANALYST, county=C0)
    sheet = load_sheets(data)["人才库"]
    phones = sheet["手机"].astype(str)
    assert not phones.str.fullmatch(r"1\d{10}").any()
    assert phones.str.contains(r"\*").all()
    assert sheet["姓名"].astype(str).str.contains(r"\*").all()
    # the county account (pays and notifies) sees them
    own = load_sheets(tp.talents_workbook(con, OWN, county=C0))["人才库"]
    assert own["手机"].astype(str).str.fullmatch(r"1990000\d{4}").all()


def test_retention_anonymises_old_talents(tmp_path: Path) -> None:
    c = store.connect(tmp_path / "r.duckdb")
    tp.generate_talent_base(c, county=C0, seed=1, n_talents=20, n_jobs=5)
    assert tp.set_retention(c, "talents", 30)["talents"] == 30
    assert tp.purge_personal_data(c)["talents"] == 0  # written just now
    later = dt.datetime.now(dt.UTC).replace(tzinfo=None) + dt.timedelta(days=31)
    assert tp.purge_personal_data(c, now=later)["talents"] == 20
    rows = tp.talent_frame(c, county=C0)
    assert rows["name"].isna().all() and rows["phone"].isna().all()
    with pytest.raises(tp.InputError):
        tp.set_retention(c, "talents", 0)
    c.close()


def test_person_documents_are_the_policy_librarys(con: duckdb.DuckDBPyConnection) -> None:
    docs = tp.person_documents(con, county=C0)
    assert list(docs.columns) == ["id", "title", "issuer", "doc_number", "region", "clauses"]
    # no person facts in this warehouse: the person's policies are empty, not an error
    assert tp.person_policies(con, person_id="ST43032100000", county=C0).empty


def test_text_resumes_through_the_parser(tmp_path: Path) -> None:
    f = tmp_path / "简历.md"
    f.write_text(
        "姓名：张伟\n本科学历，机械设计制造及其自动化专业，5年工作经验，熟练掌握焊接、CAD制图。"
        "手机 13912345678，期望月薪8000元。\n\n"
        "李娜，大专，电气自动化技术专业，3年经验，会PLC编程。\n",
        encoding="utf-8",
    )
    c = store.connect(tmp_path / "t.duckdb")
    rep = tp.import_talents(f, kind="talents", county=C0, classify=False, con=c)
    assert (rep.rows_read, rep.rows_loaded) == (2, 2)
    rows = tp.talent_frame(c, county=C0).set_index("name")
    assert rows.loc["张伟", "education_level"] == 4
    assert rows.loc["张伟", "years"] == 5.0
    assert rows.loc["张伟", "phone"] == "13912345678"
    assert set(rows.loc["张伟", "skills"].split(";")) >= {"焊接", "CAD制图"}
    # the second résumé has no name the rules find, no phone: its id comes from its text
    nameless = rows[rows.index.isna()].iloc[0]
    assert nameless["education_level"] == 3 and nameless["years"] == 3.0
    assert "PLC编程" in nameless["skills"]
    c.close()


class _CountingEmbedder:
    """A stand-in embedder: 2-d unit vectors from the text length; counts the texts embedded."""

    name = "fake"
    dim = 2

    def __init__(self) -> None:
        self.seen: list[str] = []

    def embed(self, texts: list[str], *, kind: str = "passage") -> Any:
        import numpy as np

        self.seen.extend(texts)
        angle = np.array([len(t) for t in texts], dtype=np.float32)
        return np.stack([np.cos(angle), np.sin(angle)], axis=1).astype(np.float32)


def test_vectors_are_cached_and_recomputed_only_for_changed_texts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from xinzhi.match import text as text_engine

    fake = _CountingEmbedder()
    monkeypatch.setattr(text_engine, "get_embedder", lambda name="e5", **kw: fake)
    c = store.connect(tmp_path / "v.duckdb")
    first = tp.text_vectors(c, ["焊工岗位", "电工岗位", "焊工岗位"], "e5")
    assert fake.seen == ["焊工岗位", "电工岗位"]  # the repeated text once
    again = tp.text_vectors(c, ["焊工岗位", "电工岗位"], "e5")
    assert fake.seen == ["焊工岗位", "电工岗位"]  # nothing new: all from the cache
    assert (again == first[:2]).all()
    tp.text_vectors(c, ["焊工岗位（更新）", "电工岗位"], "e5")
    assert fake.seen[-1] == "焊工岗位（更新）" and len(fake.seen) == 3  # only the changed text
    c.close()


def test_person_policies_come_from_the_policy_library(tmp_path: Path) -> None:
    """A person of the talent base with person facts (same person_id) against the built-in
    talent document of 杭州市 (region 3301): 应届硕士 with all conditions met → clause 1-1 符合
    2 万元; the 博士 clause 1-2 不符合."""
    from xinzhi.store import policy as pstore

    c = store.connect(tmp_path / "p.duckdb")
    facts = {
        "region_code": (None, "330106"),
        "education": (None, "硕士"),
        "fulltime_or_certified": (None, "true"),
        "graduated_on": (None, "2020-06-30"),
        "employed_within_one_year": (None, "true"),
        "social_insurance_months": (12.0, None),
    }
    rows = pd.DataFrame(
        [
            {
                "credit_code": None,
                "person_id": "P-HZ1",
                "year": 2024,
                "fact": k,
                "value_num": num,
                "value_text": text,
                "synthetic": True,
            }
            for k, (num, text) in facts.items()
        ]
    )
    empty = pd.DataFrame(columns=["row_number", "raw", "reason", "message"])

    def insert(con: duckdb.DuckDBPyConnection, batch_id: int) -> None:
        pstore.ensure_policy_tables(con)
        pstore.insert_policy_facts(con, rows, batch_id)

    store.write_batch(
        c,
        file_name="facts",
        sha256="facts",
        source="policy_facts:test",
        fmt="policy_facts",
        counts={
            "rows_read": 1,
            "rows_loaded": 1,
            "rows_quarantined": 0,
            "rows_skipped": 0,
            "values_loaded": len(rows),
        },
        report={},
        observations=pd.DataFrame(columns=["region_code", "year", "indicator", "value"]),
        quarantine=empty,
        skipped=empty[["row_number", "raw", "reason"]],
        extra=insert,
    )
    docs = tp.person_documents(c, county="330106")
    assert "hangzhou-graduate-living-subsidy" in set(docs["id"])
    got = tp.person_policies(c, person_id="P-HZ1", county="330106", on="2025-01-01")
    hz = got[got["document"].astype(str) == "hangzhou-graduate-living-subsidy"].set_index("clause")
    assert str(hz.loc["1-1", "status"]) == "符合" and hz.loc["1-1", "amount_min"] == 2
    assert str(hz.loc["1-2", "status"]) == "不符合"
    assert tp.person_policies(c, person_id="someone-else", county="330106", on="2025-01-01").empty
    c.close()


def test_declared_talent_match_is_masked_and_two_sided(con: duckdb.DuckDBPyConnection) -> None:
    res = tp.talent_match_analysis(con, county=C0, k=2, embedder="none")
    pairs = res.tidy()
    assert set(pairs["direction"]) == {"job", "talent"}
    per_job = pairs[pairs["direction"] == "job"].groupby("job_id").size()
    assert per_job.max() <= 2
    # the shared result: names, phones and person ids masked
    assert pairs["phone"].str.contains(r"\*").all() and pairs["name"].str.contains(r"\*").all()
    assert pairs["person_id"].str.contains(r"\*").all()
    with pytest.raises(tp.InputError):
        tp.talent_match_analysis(con, county=C0, direction="sideways")
