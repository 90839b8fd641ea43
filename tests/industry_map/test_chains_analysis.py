"""Chain analysis on a hand-built firm table (示例数据, synthetic: built here, not real firms):
segments and gaps, 同质化 warnings with a hand-built adjacency, chain-leader thresholds, lead
lists that exclude the county's own firms."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from xinzhi.industry.chains import ChainOptions, chain_analysis, firm_segments, load_chain

COUNTY = "430281"  # 醴陵市
NEIGHBORS = ["430181", "360322"]  # 浏阳市, 上栗县 (hand-built adjacency)
NAMES = {
    "430281": "醴陵市",
    "430181": "浏阳市",
    "360322": "上栗县",
    "430102": "芙蓉区",
    "440606": "顺德区",
}


def synthetic_firms() -> pd.DataFrame:
    """示例数据 (synthetic): hand-built firm records for the tests."""
    rows = [
        # code, region, class, employees, revenue (万元), status
        ("F01", COUNTY, "3074", 2000, 600000, "存续"),  # 日用陶瓷, ≥ 50 亿元: leader
        ("F02", COUNTY, "3075", 300, 20000, "存续"),
        ("F03", COUNTY, "2672", 2000, 80000, "存续"),  # 花炮
        ("F04", "430181", "2672", 5000, 300000, "存续"),
        ("F05", "360322", "2672", 800, 50000, "存续"),
        ("F06", "430181", "3546", 200, 40000, "存续"),  # 陶瓷装备 in a neighbour
        ("F07", "440606", "3546", 1000, 900000, "存续"),
        ("F08", "430102", "3546", 100, 10000, "存续"),
        ("F09", "440606", "2643", 400, 70000, "存续"),  # 釉料
        ("F10", COUNTY, "1019", 100, 5000, "注销"),  # 瓷土, deregistered: not counted
        ("F11", COUNTY, "3130", 2000, 400000, "存续"),  # outside the chain
        ("F12", "440606", "3130", 10000, 2000000, "存续"),
        ("F13", "430181", "3130", 1000, 100000, "存续"),
        ("F14", "360322", "3130", 500, 30000, "存续"),
        ("F15", "430102", "3130", 3000, 300000, "存续"),
    ]
    df = pd.DataFrame(
        rows,
        columns=["credit_code", "region_code", "industry_code", "employees", "revenue", "status"],
    )
    df["name"] = "示例企业" + df["credit_code"]
    df["synthetic"] = True
    return df


@pytest.fixture(scope="module")
def result():  # type: ignore[no-untyped-def]
    return chain_analysis(
        load_chain("ceramics-fireworks"),
        COUNTY,
        firms=synthetic_firms(),
        neighbors=NEIGHBORS,
        region_names=NAMES,
    )


def test_segments_present_and_missing(result) -> None:  # type: ignore[no-untyped-def]
    seg = result.segments.set_index("segment")
    assert result.present() == ["ceramics", "fireworks"]
    assert result.missing() == ["clay", "glaze", "kilns", "culture"]  # clay firm is 注销
    assert seg.loc["ceramics", "n_firms"] == 2 and seg.loc["fireworks", "n_firms"] == 1
    # RCA on employees: county total 6300, all firms 28300, ceramics 2300, fireworks 7800
    assert seg.loc["ceramics", "rca"] == pytest.approx((2300 / 6300) / (2300 / 28300))
    assert seg.loc["fireworks", "rca"] == pytest.approx((2000 / 6300) / (7800 / 28300))
    assert seg.loc["kilns", "advice"].startswith("补链")
    assert result.synthetic and "示例数据" in result.summary()


def test_homogeneity_with_neighbours(result) -> None:  # type: ignore[no-untyped-def]
    h = result.homogeneity.set_index("neighbor")
    assert set(h.index) == {"430181", "360322"} and set(h["segment"]) == {"fireworks"}
    assert h.loc["430181", "neighbor_rca"] == pytest.approx((5000 / 6200) / (7800 / 28300))
    assert h.loc["360322", "neighbor_rca"] == pytest.approx((800 / 1300) / (7800 / 28300))
    # no warning when the county itself is not specialised
    weak = synthetic_firms()
    weak.loc[weak["credit_code"] == "F03", "employees"] = 500
    res = chain_analysis(load_chain("ceramics-fireworks"), COUNTY, firms=weak, neighbors=NEIGHBORS)
    assert res.homogeneity.empty
    # and none without neighbours
    res = chain_analysis(load_chain("ceramics-fireworks"), COUNTY, firms=synthetic_firms())
    assert res.homogeneity.empty and res.suppliers.empty


def test_neighbours_can_supply_gap(result) -> None:  # type: ignore[no-untyped-def]
    s = result.suppliers
    assert s[["segment", "neighbor"]].values.tolist() == [["kilns", "430181"]]
    assert "陶瓷装备 ← 浏阳市" in result.summary()


def test_leaders_thresholds() -> None:
    t = load_chain("ceramics-fireworks")
    res = chain_analysis(t, COUNTY, firms=synthetic_firms())
    assert res.leaders["credit_code"].tolist() == ["F01"]  # 600,000 ≥ 500,000 万元; F11 off-chain
    assert res.options["threshold"] == 500000.0
    high = ChainOptions(leader_revenue=(("pillar", 700000.0), ("emerging", 100000.0)))
    assert chain_analysis(t, COUNTY, firms=synthetic_firms(), options=high).leaders.empty
    # emerging chain: 10 亿元 = 100,000 万元
    drones = pd.DataFrame(
        {
            "credit_code": ["D1", "D2", "D3"],
            "name": ["示例无人机甲", "示例无人机乙", "示例无人机丙"],
            "region_code": [COUNTY, COUNTY, COUNTY],
            "industry_code": ["3963", "3963", "3963"],
            "employees": [100, 100, 100],
            "revenue": [150000, 100000, 99999],
        }
    )
    res = chain_analysis(load_chain("low-altitude"), COUNTY, firms=drones)
    assert sorted(res.leaders["credit_code"]) == ["D1", "D2"]


def test_lead_list_order_and_exclusion(result) -> None:  # type: ignore[no-untyped-def]
    leads = result.leads
    assert not (leads["region_code"] == COUNTY).any()
    kilns = leads[leads["segment"] == "kilns"]
    # neighbour first, then same province, then elsewhere — regardless of revenue
    assert kilns["credit_code"].tolist() == ["F06", "F08", "F07"]
    assert kilns["relation"].tolist() == ["邻县", "同省", "省外"]
    assert kilns["rank"].tolist() == [1, 2, 3]
    assert kilns.set_index("credit_code").loc["F07", "leader_size"]
    assert leads.loc[leads["segment"] == "glaze", "credit_code"].tolist() == ["F09"]
    assert set(leads["segment"]) == {"kilns", "glaze"}  # nothing outside for clay / culture
    top = chain_analysis(
        load_chain("ceramics-fireworks"),
        COUNTY,
        firms=synthetic_firms(),
        neighbors=NEIGHBORS,
        options=ChainOptions(lead_top=2),
    )
    assert top.leads.loc[top.leads["segment"] == "kilns", "credit_code"].tolist() == ["F06", "F08"]


def test_firm_segments_matches_divisions_and_classes() -> None:
    firms = pd.DataFrame(
        {
            "credit_code": ["a", "b", "c"],
            "industry_code": ["6110", "8810", "3074"],
            "region_code": ["1", "1", "1"],
        }
    )
    fs = firm_segments(firms, load_chain("ceramics-fireworks"))
    assert sorted(map(tuple, fs[["credit_code", "segment"]].values.tolist())) == [
        ("a", "culture"),
        ("b", "culture"),
        ("c", "ceramics"),
    ]


def test_without_firm_records_is_honest() -> None:
    sec = pd.DataFrame(
        {"C": [1.5, 1.2, 0.8], "R": [0.9, 2.0, 1.1]}, index=[COUNTY, "430181", "360322"]
    )
    res = chain_analysis(
        load_chain("ceramics-fireworks"),
        COUNTY,
        firms=None,
        neighbors=NEIGHBORS,
        section_rca=sec,
        region_names=NAMES,
    )
    assert not res.has_firms
    assert (res.segments["status"] == "未知").all()
    assert res.leads.empty and res.leaders.empty
    assert res.homogeneity["neighbor"].tolist() == ["430181"]  # only 浏阳 has C ≥ 1
    assert "没有企业记录" in res.summary() and "门类层面" in res.summary()
    seg = res.segments.set_index("segment")
    assert seg.loc["ceramics", "section_rca"] == 1.5 and np.isnan(seg.loc["clay", "section_rca"])
