"""County basis (县域口径): kinds of the region table, rankings on a basis, the profile's rank."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from fixtures.warehouse import EVALUATION, SmallWarehouse
from xinzhi import regions, store
from xinzhi.errors import InputError
from xinzhi.pipelines.demo import DEMO_TOP, DemoContext, _ranking_step
from xinzhi.pipelines.evaluation import evaluate_counties
from xinzhi.pipelines.ranking import basis_line, county_ranking
from xinzhi.pipelines.stored import county_profile, stored_scores, with_basis_ranks
from xinzhi.regions.names import COUNTY_BASIS_KINDS, basis_of, unit_types
from xinzhi.registry import typology as decl

#: County-level units at the end of 2020 by kind. Source: 民政部《2020年中华人民共和国县以上
#: 行政区划统计表》 (全国行政区划信息查询平台, xzqh.mca.gov.cn/statistics/2020.html) and
#: 民政部《2020年民政事业发展统计公报》(2021-09-10): 县级行政区划单位 2844 个，其中市辖区 973
#: 个、县级市 388 个、县 1312 个、自治县 117 个、旗 49 个、自治旗 3 个、特区 1 个、林区 1 个
#: (973 + 388 + 1312 + 117 + 49 + 3 + 1 + 1 = 2844).
OFFICIAL_2020 = {
    "市辖区": 973,
    "县级市": 388,
    "县": 1312,
    "自治县": 117,
    "旗": 49,
    "自治旗": 3,
    "特区": 1,
    "林区": 1,
}


# --- kinds: name first, code second ---------------------------------------------------------


def test_kind_from_name_first_then_code() -> None:
    names = pd.Series(["湘潭县", "延吉市", "崇明区", "神农架林区", "碑林区", "畹町镇", "西沙群岛"])
    codes = pd.Series(["430321", "222401", "310151", "429021", "610103", "533126", "469031"])
    levels = pd.Series(["county"] * 7)
    direct = pd.Series([False, False, False, True, False, False, True])
    kinds = unit_types(names, levels, codes, direct).tolist()
    # 延吉市: number 01 (a 市辖区 range) but the name says 县级市 — the name wins;
    # 崇明区: number 51 (a 县 range) but the name says 市辖区; 畹町镇: no suffix, number 26 in
    # 21–80 → 县; 西沙群岛 (省直辖 group 4690) stays 其他.
    assert kinds == ["县", "县级市", "市辖区", "林区", "市辖区", "县", "其他"]
    assert basis_of(pd.Series(kinds)).tolist() == [
        "county",
        "county",
        "district",
        "county",
        "district",
        "county",
        None,
    ]


def test_kind_counts_2020_match_the_official_statistics(data_dir: Path) -> None:
    units = regions.load_registry(data_dir).units(2020)
    counts = units["type"].value_counts().to_dict()
    assert counts == OFFICIAL_2020
    assert len(units) == 2844


def test_kind_counts_of_the_warehouse_region_table(public_warehouse: Path) -> None:
    con = store.connect(public_warehouse, read_only=True)
    try:
        got = con.execute(
            "SELECT type, count(*) FROM regions WHERE level = 'county' AND start_year <= 2020 "
            "AND (end_year IS NULL OR end_year > 2020) GROUP BY type"
        ).fetchall()
    finally:
        con.close()
    assert dict(got) == OFFICIAL_2020


# --- ranks on a basis (hand cases) -----------------------------------------------------------


def test_basis_ranks_by_hand() -> None:
    s = pd.DataFrame(
        {
            "region_code": ["a", "b", "c", "d", "e", "f"],
            "year": 2020,
            "province_code": ["43", "43", "43", "32", "32", "32"],
            "score": [0.9, 0.8, 0.8, 0.7, 0.6, 0.5],
        }
    )
    k = pd.DataFrame(
        {
            "region_code": ["a", "b", "c", "d", "e", "f"],
            "year": 2020,
            "type": ["市辖区", "县", "县级市", "市辖区", "旗", None],
        }
    )
    out = with_basis_ranks(s, k).set_index("region_code")
    # 县域: b 0.8, c 0.8 (tie: both 1), e 0.6 → 3; 市辖区: a 1, d 2; f has no kind → no rank
    assert out["basis_rank"].tolist()[:5] == [1, 1, 1, 2, 3]
    assert pd.isna(out.loc["f", "basis_rank"]) and out.loc["f", "basis"] is None
    assert out.loc["e", "basis_province_rank"] == 1  # only 县域 unit of 32
    assert out.loc["b", "basis_counties"] == 3 and out.loc["a", "basis_counties"] == 2


COUNTY_LABEL = "县域口径（县、县级市、自治县、旗、自治旗、特区、林区；不含市辖区）"


def _hand_ranked() -> pd.DataFrame:
    """The units of :func:`test_basis_ranks_by_hand` with their basis ranks."""
    s = pd.DataFrame(
        {
            "region_code": ["a", "b", "c", "d", "e", "f"],
            "year": 2020,
            "province_code": ["43", "43", "43", "32", "32", "32"],
            "score": [0.9, 0.8, 0.8, 0.7, 0.6, 0.5],
        }
    )
    k = s[["region_code", "year"]].assign(type=["市辖区", "县", "县级市", "市辖区", "旗", None])
    # all-unit rank = 1 + #{higher scores}: a 1, b 2, c 2, d 4, e 5, f 6
    return with_basis_ranks(s.assign(rank=[1, 2, 2, 4, 5, 6]), k)


def test_basis_line_by_hand_with_and_without_scope() -> None:
    out = _hand_ranked()
    # b: 县域 rank 1 of 3 (tie with c), 1 in province 43 among b, c; all units 2 of 6
    national = f"{COUNTY_LABEL}排名 1/3，省内 1；全部县级单位（含市辖区）排名 2/6"
    assert basis_line(out, "b", 2020) == national
    assert basis_line(out, "b", 2020, area="全国") == national
    scoped = (
        f"评价范围（湖南省）内的{COUNTY_LABEL}排名 1/3，省内 1；"
        "评价范围（湖南省）内全部县级单位（含市辖区）排名 2/6"
    )
    assert basis_line(out, "b", 2020, area="湖南省") == scoped
    # the scope recorded with the scores (stored_scores puts it in attrs) is the default
    recorded = out.copy()
    recorded.attrs["area"] = "湖南省"
    assert basis_line(recorded, "b", 2020) == scoped
    assert basis_line(recorded, "b", 2020, area="全国") == national  # the caller's word wins
    # e: the only 县域 unit of 32 → 省内 1; a 市辖区 on its own basis; f has no kind
    assert basis_line(out, "e", 2020, area="湖南省") == (
        f"评价范围（湖南省）内的{COUNTY_LABEL}排名 3/3，省内 1；"
        "评价范围（湖南省）内全部县级单位（含市辖区）排名 5/6"
    )
    assert basis_line(out, "a", 2020, area="湖南省") == (
        "评价范围（湖南省）内的市辖区口径排名 1/2，省内 1；"
        "评价范围（湖南省）内全部县级单位（含市辖区）排名 1/6"
    )
    assert basis_line(recorded, "f", 2020) == (
        "本单位没有县级区划类别，只参加全部单位排名："
        "评价范围（湖南省）内全部县级单位（含市辖区）排名 6/6"
    )
    assert basis_line(recorded, "b", 2010) == ""


def test_scoped_evaluation_names_its_scope_everywhere(
    small_warehouse: SmallWarehouse, tmp_path: Path
) -> None:
    """A stored 湖南省 evaluation: the rank line (report, 画像), the profile's sentence (API, CLI)
    and the ranking's summary all say the ranks are within the 评价范围."""
    db = tmp_path / "w.duckdb"
    shutil.copy(small_warehouse.db, db)
    evaluate_counties(years=[2020], db=db, area="湖南省", save_as="湖南2020")
    con = store.connect(db)
    try:
        s = stored_scores(con, "湖南2020")
        assert s.attrs["area"] == "湖南省" and stored_scores(con, EVALUATION).attrs["area"] is None
        score = dict(zip(s["region_code"], s["score"], strict=True))
        # the six Hunan units of 2020 are 县 or 县级市: the 县域 basis holds all six, and the
        # rank of 湘潭县 is 1 + #{Hunan units scoring higher} on both bases
        assert sorted(score) == ["430121", "430182", "430321", "430381", "430382", "431121"]
        k = 1 + sum(v > score["430321"] for v in score.values())
        line = basis_line(s, "430321", 2020)
        assert line == (
            f"评价范围（湖南省）内的{COUNTY_LABEL}排名 {k}/6，省内 {k}；"
            f"评价范围（湖南省）内全部县级单位（含市辖区）排名 {k}/6"
        )
        p = county_profile(con, "湖南2020", "430321", 2020)
        assert p.area == "湖南省" and p.to_dict()["area"] == "湖南省"
        assert p.basis_text() == (
            f"评价范围（湖南省）内的{COUNTY_LABEL}排名 {k}/6；"
            f"评价范围（湖南省）内全部县级单位（含市辖区）排名 {k}/6"
        )
        national = county_profile(con, EVALUATION, "430321", 2020)
        assert national.area is None
        assert national.basis_text().startswith(COUNTY_LABEL)
        assert "；全国全部县级单位（含市辖区）排名 " in national.basis_text()
        r = county_ranking(con, evaluation="湖南2020", year=2020)
        assert r.area == "湖南省" and r.to_dict()["area"] == "湖南省"
        lines = r.summary().splitlines()
        assert (
            lines[0]
            == f"2020 年评价范围（湖南省）内排名 · {COUNTY_LABEL} · 6 个单位 · 评价结果 湖南2020"
        )
        assert all("范围内全部单位第" in line for line in lines[1:7])
        assert "全国" not in r.summary()
        assert r.info().set_index("项目").loc["范围", "取值"] == "湖南省"
    finally:
        con.close()
    # the county report of that evaluation (its context reads the stored scores)
    from xinzhi.pipelines.report import county_report_data
    from xinzhi.pipelines.report_context import load_report_context

    ctx = load_report_context(db=db, evaluation="湖南2020")
    assert county_report_data("430321", year=2020, context=ctx).basis_line == line


@pytest.fixture(scope="module")
def small(
    small_warehouse: SmallWarehouse, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[duckdb.DuckDBPyConnection]:
    db = tmp_path_factory.mktemp("basis-small") / "w.duckdb"
    shutil.copy(small_warehouse.db, db)
    con = store.connect(db)
    yield con
    con.close()


def test_small_warehouse_county_ranking(small: duckdb.DuckDBPyConnection) -> None:
    all_units = county_ranking(small, evaluation=EVALUATION, basis="all", year=2020)
    names_all = all_units.tidy()["name"].tolist()
    # all 12 units of 2020; 姑苏区 is the only 市辖区
    assert len(names_all) == 12 and "姑苏区" in names_all
    r = county_ranking(small, evaluation=EVALUATION, year=2020)  # default: 县域口径
    assert r.basis == "county"
    t = r.tidy()
    # the 县域 ranking is the all-unit ranking without 姑苏区: units after it move up by one
    assert t["name"].tolist() == [n for n in names_all if n != "姑苏区"]
    assert t["rank"].tolist() == list(range(1, 12))
    gusu = names_all.index("姑苏区") + 1
    below = t[t["rank_all"] > gusu]
    assert (below["rank"] == below["rank_all"] - 1).all()
    assert "县域口径" in r.summary() and "市辖区" not in set(t["region_kind"])
    # a district sees the 市辖区 ranking by default
    d = county_ranking(small, evaluation=EVALUATION, year=2020, county="320508")
    assert d.basis == "district" and d.tidy()["name"].tolist() == ["姑苏区"]
    assert "全部县级单位（含市辖区）" in all_units.summary()
    # a 县 named by its name sees the 县域 ranking
    assert county_ranking(small, evaluation=EVALUATION, county="湘潭县").basis == "county"


def test_ranking_options_are_validated(small: duckdb.DuckDBPyConnection) -> None:
    with pytest.raises(InputError, match="排名口径"):
        county_ranking(small, evaluation=EVALUATION, basis="towns")
    assert decl.RANKING.option("basis").choices == ("county", "district", "all")
    assert decl.RANKING.default("basis") is None


def test_profile_of_a_county_shows_its_county_rank(small: duckdb.DuckDBPyConnection) -> None:
    p = county_profile(small, EVALUATION, "430321", 2020)
    d = p.to_dict()
    s = stored_scores(small, EVALUATION)
    s = s[s["year"] == 2020]
    mine = float(s.loc[s["region_code"] == "430321", "score"].iloc[0])
    county = s[s["region_kind"].isin(COUNTY_BASIS_KINDS)]
    # rank = 1 + number of 县域 units scoring higher (姑苏区 does not count)
    assert d["basis_rank"] == 1 + int((county["score"] > mine).sum())
    assert d["rank"] == 1 + int((s["score"] > mine).sum())
    assert d["basis_rank"] == d["rank"] - int(
        ((s["region_kind"] == "市辖区") & (s["score"] > mine)).sum()
    )
    assert (d["region_kind"], d["basis"], d["basis_counties"]) == ("县", "county", 11)
    assert d["basis_label"].startswith("县域口径")
    line = basis_line(stored_scores(small, EVALUATION), "430321", 2020)
    assert line.startswith(
        f"县域口径（县、县级市、自治县、旗、自治旗、特区、林区；不含市辖区）排名 {d['basis_rank']}/11"
    )
    assert line.endswith(f"全部县级单位（含市辖区）排名 {d['rank']}/12")
    assert p.basis_text().startswith(
        f"县域口径（县、县级市、自治县、旗、自治旗、特区、林区；不含市辖区）排名 {d['basis_rank']}/11"
    )


# --- the demo's evaluation on public data -----------------------------------------------------


@pytest.fixture(scope="module")
def demo_db(public_warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("basis") / "w.duckdb"
    shutil.copy(public_warehouse, db)
    evaluate_counties(db=db, save_as="nqpf-county")
    return db


def test_demo_county_ranking_has_no_district(demo_db: Path, tmp_path: Path) -> None:
    step = _ranking_step(DemoContext(demo_db, None, tmp_path))
    t = step.ranking.tidy()
    assert step.ranking.basis == "county"
    assert not (t["region_kind"] == "市辖区").any()
    assert set(t["region_kind"]) <= set(COUNTY_BASIS_KINDS)
    con = store.connect(demo_db, read_only=True)
    try:
        n = con.execute(
            "SELECT count(*) FROM evaluation_scores e JOIN regions r ON r.code = e.region_code "
            "AND r.start_year <= e.year AND (r.end_year IS NULL OR r.end_year > e.year) "
            "WHERE e.name = 'nqpf-county' AND e.year = 2020 AND r.level = 'county' "
            "AND r.type <> '市辖区'"
        ).fetchone()
    finally:
        con.close()
    assert n is not None and len(t) == n[0]
    text = step.summary()
    assert "县域口径" in text
    assert len(text.splitlines()) == 1 + DEMO_TOP
    assert t["rank"].head(DEMO_TOP).tolist() == list(range(1, DEMO_TOP + 1))
    # 湘潭县 sees the 县域 ranking on its profile
    con = store.connect(demo_db)
    try:
        p = county_profile(con, "nqpf-county", "430321", 2020).to_dict()
    finally:
        con.close()
    assert p["basis"] == "county" and p["basis_rank"] == int(
        t.loc[t["region_code"] == "430321", "rank"].iloc[0]
    )


def test_workbook_names_the_basis_in_chinese(
    small: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    from xinzhi.pipelines.stored import export_stored_evaluation

    out = export_stored_evaluation(small, EVALUATION, tmp_path / "e.xlsx")
    sheet = pd.read_excel(out, sheet_name="得分", engine="calamine", dtype={"区划代码": str})
    assert {"区划类别", "排名口径", "本口径排名", "本口径单位数"} <= set(sheet.columns)
    assert set(sheet["排名口径"]) == {"县域", "市辖区"}
    gusu = sheet[(sheet["区划代码"] == "320508") & (sheet["年份"] == 2020)].iloc[0]
    assert (gusu["区划类别"], gusu["本口径排名"], gusu["本口径单位数"]) == ("市辖区", 1, 1)
