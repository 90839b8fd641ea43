"""Shortage catalogue: the index of three occupations computed by hand, ★ cut-offs at their
edges, quintile stars, 人才地图 and gap alerts, the catalogue workbook."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from xinzhi.errors import InputError
from xinzhi.match import shortage as sh

A, B, C = "6-18-02-04", "6-20-05-08", "4-03-02-01"
NAMES = {A: "焊工", B: "阀门装配调试工", C: "中式烹调师"}
C0 = "430321"


def _jobs() -> pd.DataFrame:
    rows = [
        # occupation, positions, posted, filled, salary_min, salary_max, education_min
        (A, 6, "2026-01-01", None, 6000, 8000, 2),
        (A, 4, "2026-03-01", "2026-03-31", 8000, 8000, 2),
        (B, 3, "2026-05-01", "2026-05-21", 5000, 7000, 3),
        (C, 2, "2026-06-01", "2026-06-11", 4000, 4000, 1),
        (None, 5, "2026-06-01", None, 9000, 9000, 4),  # no occupation code: left out
    ]
    df = pd.DataFrame(
        rows,
        columns=[
            "occupation_code",
            "positions",
            "posted",
            "filled",
            "salary_min",
            "salary_max",
            "education_min",
        ],
    )
    return df.assign(region_code=C0, synthetic=False)


def _talents() -> pd.DataFrame:
    occ = [A, A, B, B, B, A]
    region = [C0] * 5 + ["430381"]  # the last seeker lives in another county
    return pd.DataFrame({"occupation_code": occ, "region_code": region})


@pytest.fixture
def res() -> sh.ShortageResult:
    return sh.shortage_catalogue(
        _jobs(), _talents(), as_of=dt.date(2026, 6, 30), names=NAMES, county_names={C0: "湘潭县"}
    )


def test_three_occupations_by_hand(res: sh.ShortageResult) -> None:
    c = res.catalogue.set_index("occupation")
    # demand D, supply S, gap G = D − S, ratio R = D / max(S, 1)
    assert c.loc[A, ["demand", "supply", "gap"]].tolist() == [10, 2, 8]
    assert c.loc[B, ["demand", "supply", "gap"]].tolist() == [3, 3, 0]
    assert c.loc[C, ["demand", "supply", "gap"]].tolist() == [2, 0, 2]
    assert c.loc[[A, B, C], "ratio"].tolist() == [5.0, 1.0, 2.0]
    # duration: A (180 + 30) / 2 (2026-01-01 → as_of 2026-06-30 is 180 days), B 20, C 10
    assert c.loc[[A, B, C], "duration"].tolist() == [105.0, 20.0, 10.0]
    # wages: midpoints 7000, 8000, 6000, 4000 (the 9000 without a code counts for the county
    # median too): county median of (7000, 8000, 6000, 4000, 9000) = 7000
    assert c.loc[A, "wage"] == pytest.approx(7500 / 7000 - 1)
    assert c.loc[B, "wage"] == pytest.approx(6000 / 7000 - 1)
    assert c.loc[C, "wage"] == pytest.approx(4000 / 7000 - 1)
    assert c.loc[[A, B, C], "education"].tolist() == [2.0, 3.0, 1.0]
    # min-max within the county
    assert c.loc[[A, B, C], "ratio_norm"].tolist() == [1.0, 0.0, 0.25]  # (R − 1) / (5 − 1)
    assert c.loc[[A, B, C], "gap_norm"].tolist() == [1.0, 0.0, 0.25]  # G / 8
    assert c.loc[B, "duration_norm"] == pytest.approx((20 - 10) / (105 - 10))
    # wage: (W − W_C) / (W_A − W_C) = (6000 − 4000) / (7500 − 4000) for B
    assert c.loc[B, "wage_norm"] == pytest.approx((6000 - 4000) / (7500 - 4000))
    assert c.loc[[A, B, C], "education_norm"].tolist() == [0.5, 1.0, 0.0]
    # index = 100 · Σ w x' (weights 0.30 0.30 0.15 0.15 0.10, sum 1)
    ia = 100 * (0.30 + 0.30 + 0.15 + 0.15 + 0.10 * 0.5)  # 95
    ib = 100 * (0.15 * 10 / 95 + 0.15 * 2000 / 3500 + 0.10 * 1.0)  # 25.14…
    ic = 100 * (0.30 * 0.25 + 0.30 * 0.25)  # 15
    assert c.loc[A, "index"] == pytest.approx(ia)
    assert c.loc[B, "index"] == pytest.approx(ib)
    assert c.loc[C, "index"] == pytest.approx(ic)
    # ★: A 95 ≥ 80 → 5; C 15 < 20 → 1; B has no gap → 0 (not short)
    assert c.loc[[A, B, C], "stars"].tolist() == [5, 0, 1]
    assert res.catalogue["occupation"].tolist() == [A, C, B]  # by ★, then index
    assert res.catalogue["rank"].tolist() == [1, 2, 3]
    assert c.loc[A, "evidence"].startswith("岗位需求 10 人，本地求职 2 人，缺口 8，求人倍率 5.00")
    assert "学历要求平均 高中/中专/技校" in c.loc[A, "evidence"]
    assert res.notes == ["1 个岗位没有职业代码，未计入"]


def test_weights_change_the_index() -> None:
    res = sh.shortage_catalogue(
        _jobs(),
        _talents(),
        as_of=dt.date(2026, 6, 30),
        weights={"ratio": 1, "gap": 0, "duration": 0, "wage": 0, "education": 0},
    )
    c = res.catalogue.set_index("occupation")
    assert c.loc[[A, B, C], "index"].tolist() == [100.0, 0.0, 25.0]
    with pytest.raises(InputError, match="未知分项"):
        sh.shortage_catalogue(_jobs(), _talents(), weights={"salary": 1})
    with pytest.raises(InputError, match="非负"):
        sh.shortage_catalogue(_jobs(), _talents(), weights={"gap": -1})


def test_fixed_star_cut_offs_at_their_edges() -> None:
    index = pd.Series([19.999, 20.0, 39.999, 40.0, 59.999, 60.0, 79.999, 80.0, 100.0])
    short = pd.Series([True] * 9)
    region = pd.Series([C0] * 9)
    got = sh._stars(index, short, region, "fixed").tolist()
    assert got == [1, 2, 2, 3, 3, 4, 4, 5, 5]


def test_quantile_stars(res: sh.ShortageResult) -> None:
    q = sh.shortage_catalogue(
        _jobs(), _talents(), as_of=dt.date(2026, 6, 30), stars="quantile"
    ).catalogue.set_index("occupation")
    # two short occupations: C rank 1/2 → ⌈2.5⌉ = 3 ★, A rank 2/2 → 5 ★; B not short → 0
    assert q.loc[[A, B, C], "stars"].tolist() == [5, 0, 3]
    with pytest.raises(InputError, match="星级方法"):
        sh.shortage_catalogue(_jobs(), _talents(), stars="top")


def test_level_groups_occupations() -> None:
    res = sh.shortage_catalogue(_jobs(), _talents(), level=2, as_of=dt.date(2026, 6, 30))
    assert sorted(res.catalogue["occupation"]) == ["4-03-00-00", "6-18-00-00", "6-20-00-00"]


def test_talent_map_by_chain_link(res: sh.ShortageResult) -> None:
    links = pd.DataFrame(
        {
            "chain": ["工程机械"] * 3,
            "segment": ["machines", "hydraulics", "repair"],
            "segment_name": ["整机制造", "液压与传动件", "维修与再制造"],
            "stage": ["中游", "上游", "下游"],
            "codes": ["3514,3517", "3444", "4330"],
        }
    )
    m = sh.talent_map(res.catalogue, links).set_index("segment")
    # machines (division 35) needs 6-18 (A): D 10, S 2, gap 8, ★5
    assert m.loc["machines", ["demand", "supply", "gap", "stars"]].tolist() == [10, 2, 8, 5]
    assert m.loc["machines", "occupations"] == "焊工★5"
    # hydraulics (division 34) needs 6-18 (A) and 6-20 (B): D 13, S 5, gap 8 + 0
    assert m.loc["hydraulics", ["demand", "supply", "gap", "stars"]].tolist() == [13, 5, 8, 5]
    assert m.loc["hydraulics", "occupations"] == "焊工★5"  # B is not short
    # repair (division 43) needs 6-31 / 4-12: no posting
    assert m.loc["repair", ["demand", "supply", "gap", "stars"]].tolist() == [0, 0, 0, 0]


def test_gap_alerts_when_a_gap_widens(res: sh.ShortageResult) -> None:
    before = pd.DataFrame({"region_code": [C0, C0], "occupation": [A, C], "gap": [3, 2]})
    alerts = sh.gap_alerts(res.catalogue, before)
    # A: 3 → 8 (+5) alerts; C: 2 → 2 no change; B: gap 0
    assert alerts["occupation"].tolist() == [A]
    assert alerts.loc[0, "message"] == "焊工 缺口由 3 人扩大到 8 人（+5）"
    assert sh.gap_alerts(res.catalogue, before, min_change=6).empty
    assert sh.gap_alerts(res.catalogue, before, key_occupations=[C]).empty


def test_catalogue_workbook_has_the_title_sheet(res: sh.ShortageResult, tmp_path: Path) -> None:
    res.synthetic = True
    path = res.to_excel(tmp_path / "目录.xlsx")
    wb = load_workbook(path)
    assert wb.sheetnames[:2] == ["封面", "紧缺人才目录"]
    cover = [c.value for c in wb["封面"]["A"]]
    assert cover[1] == "《湘潭县紧缺人才目录（2026）》"
    assert any("示例数据" in str(v) for v in cover)
    header = [c.value for c in wb["紧缺人才目录"][1]]
    assert "紧缺程度（★）" in header and "依据" in header


def test_occupation_division_table_is_checked() -> None:
    t = sh.occupation_divisions()
    assert set(t[t["prefix"] == "6-18"]["division"]) == {"33", "34", "35", "36", "37", "38"}
    with pytest.raises(InputError, match="prefix"):
        sh.occupation_divisions({"map": [{"prefix": "620", "divisions": ["34"]}]})
    with pytest.raises(InputError, match="两位数字"):
        sh.occupation_divisions({"map": [{"prefix": "6-20", "divisions": ["3"]}]})


def test_no_postings_give_an_empty_catalogue() -> None:
    empty = _jobs().iloc[0:0]
    res = sh.shortage_catalogue(empty, _talents(), as_of=dt.date(2026, 6, 30))
    assert res.catalogue.empty and "0 个有岗位的职业" in res.summary()
    assert res.title() == "《紧缺人才目录（2026）》"
