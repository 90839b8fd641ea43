"""Synthetic firm-year data and labels (示例数据): determinism, ranges, correlations, labels
consistent with the data."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from xinzhi.codes.firm_fields import firm_fields
from xinzhi.codes.gbt4754 import SECTION_CODES
from xinzhi.enterprise.synthetic import generate_firm_years, iter_firm_years
from xinzhi.industry.synthetic import generate_firms, generate_table
from xinzhi.ingest.firm_years import label_validity

YEARS = [2022, 2023, 2024]


def _census() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "region_code": ["430321", "110105"],
            "pop_total": [1e5, 2e5],
            **{f"emp_sec_{s}": [0.05, 0.2 if s in "CDIM" else 0.01] for s in SECTION_CODES},
        }
    )


@pytest.fixture(scope="module")
def registry() -> pd.DataFrame:
    return generate_firms(_census(), 20_000, seed=4, snapshot_year=2024)


@pytest.fixture(scope="module")
def out(registry: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    res = generate_firm_years(registry, YEARS, seed=9, validity=label_validity())
    return res.firm_years.to_pandas(), res.firm_labels.to_pandas()


def test_deterministic_for_a_seed(registry: pd.DataFrame) -> None:
    v = label_validity()
    a = generate_firm_years(registry.head(3000), YEARS, seed=1, validity=v)
    b = generate_firm_years(registry.head(3000), YEARS, seed=1, validity=v)
    c = generate_firm_years(registry.head(3000), YEARS, seed=2, validity=v)
    assert a.firm_years.equals(b.firm_years) and a.firm_labels.equals(b.firm_labels)
    assert not a.firm_years.column("tax").equals(c.firm_years.column("tax"))


def test_columns_and_rows(registry: pd.DataFrame, out: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    fy, _ = out
    assert list(fy.columns) == ["credit_code", "year", *firm_fields(), "synthetic"]
    assert fy["synthetic"].all()
    active = registry["status"].isin(["存续", "在业"])
    founded = pd.to_datetime(registry["founded"]).dt.year
    # one row per active firm and year from its founding year on
    expected = sum(int((active & (founded <= y)).sum()) for y in YEARS)
    assert len(fy) == expected
    assert not fy.duplicated(["credit_code", "year"]).any()
    closed = set(registry.loc[~active, "credit_code"])
    assert not closed & set(fy["credit_code"])
    # last year's revenue is the registry's (at least 1 万元)
    last = fy[fy["year"] == 2024].set_index("credit_code")["revenue"]
    reg = registry.set_index("credit_code")["revenue"].clip(lower=1.0)
    assert np.allclose(last.to_numpy(), reg.loc[last.index].to_numpy())


def test_ranges_and_correlations(out: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    fy, _ = out
    rev = fy["revenue"]
    assert fy["value_added"].div(rev).between(0.2 - 1e-3, 0.35 + 1e-3).all()
    assert fy["tax"].div(rev).between(0.02 - 1e-3, 0.08 + 1e-3).all()
    assert fy["debt_ratio"].between(0, 1).all()
    assert (fy["rd_staff"] <= fy["employees"]).all()
    assert (fy["tech_staff"] >= fy["rd_staff"]).all()
    assert (fy["invention_patents"] <= fy["ip_class1"]).all()
    assert (fy["high_tech_revenue"] <= rev + 1e-6).all()
    assert (fy["above_scale"] == (rev >= 2000)).all()
    # R&D: most firms small, a tail above 3 %
    share = (fy["rd_expenditure"] / rev > 0.03).mean()
    assert 0.02 < share < 0.3
    # energy rises with value added (log correlation)
    pos = (fy["energy"] > 0) & (fy["value_added"] > 0)
    r = np.corrcoef(np.log(fy.loc[pos, "energy"]), np.log(fy.loc[pos, "value_added"]))[0, 1]
    assert r > 0.5
    # revenue grows from year to year for most firms (prev years differ)
    wide = fy.pivot(index="credit_code", columns="year", values="revenue").dropna()
    assert (wide[2024] != wide[2023]).mean() > 0.99
    # IP stocks never larger in an earlier year
    ip = fy.pivot(index="credit_code", columns="year", values="ip_class1").dropna()
    assert (ip[2023] <= ip[2024]).all() and (ip[2022] <= ip[2023]).all()


def test_sections(registry: pd.DataFrame, out: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    fy, _ = out
    sec = fy["credit_code"].map(registry.set_index("credit_code")["section"])
    ind = sec.isin(["B", "C", "D"])
    assert fy.loc[~ind, "land_area"].isna().all() and fy.loc[ind, "land_area"].notna().all()
    assert (fy.loc[ind, "land_area"] >= 0).all() and (fy.loc[ind, "land_area"] > 0).any()
    assert (fy["utility"] == (sec == "D")).all()
    parks = fy["park"].dropna()
    assert len(parks) > 0 and parks.str.startswith("（示例）").all()
    assert parks.str.endswith(("经济开发区", "高新技术产业开发区")).all()
    assert fy["safety_incident"].mean() < 0.01


def test_labels_consistent(out: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    fy, lb = out
    assert lb["synthetic"].all()
    last = fy[fy["year"] == 2024].set_index("credit_code")
    for key in ("hnte", "tech_sme", "innovative_sme"):
        assert (lb["label"] == key).sum() >= 1, key
    hnte = last.loc[lb.loc[lb["label"] == "hnte", "credit_code"]]
    assert (hnte["rd_expenditure"] / hnte["revenue"] >= 0.03).all()
    assert (hnte["high_tech_revenue"] >= 0.6 * hnte["revenue"] - 1e-6).all()
    tech = last.loc[lb.loc[lb["label"] == "tech_sme", "credit_code"]]
    assert (tech["employees"] <= 500).all() and (tech["revenue"] <= 20000).all()
    # ladder: 小巨人 ⊂ 专精特新 ⊂ 创新型
    held = lb.groupby("label", observed=True)["credit_code"].apply(set)
    assert held.get("little_giant", set()) <= held["srdi_sme"] <= held["innovative_sme"]
    # validity: 3 years − 1 day for 高企 (2022-03-01 → 2025-02-28), 1 year for 科技型
    h = lb[lb["label"] == "hnte"]
    vf, vt = pd.to_datetime(h["valid_from"]), pd.to_datetime(h["valid_to"])
    assert (vt == vf + pd.DateOffset(years=3) - pd.Timedelta(days=1)).all()
    t = lb[lb["label"] == "tech_sme"]
    vf, vt = pd.to_datetime(t["valid_from"]), pd.to_datetime(t["valid_to"])
    assert (vt == vf + pd.DateOffset(years=1) - pd.Timedelta(days=1)).all()
    assert lb.loc[lb["label"] == "innovative_sme", "valid_to"].isna().all()
    assert (pd.to_datetime(lb["valid_from"]) <= pd.Timestamp("2024-12-31")).all()
    # a plausible small share of firms
    assert lb["credit_code"].nunique() / len(last) < 0.15


def test_chunks_cover_the_registry() -> None:
    table = generate_table(_census(), 5000, seed=2, snapshot_year=2024)
    parts = list(iter_firm_years(table.to_batches(max_chunksize=1500), YEARS, seed=3, validity={}))
    assert len(parts) == 4
    rows = pa.concat_tables([p.firm_years for p in parts]).to_pandas()
    assert rows["credit_code"].nunique() == len(set(rows["credit_code"]))
    assert not rows.duplicated(["credit_code", "year"]).any()
    # without validity years every label is open-ended
    labels = pa.concat_tables([p.firm_labels for p in parts]).to_pandas()
    assert labels["valid_to"].isna().all()


def test_firms_placed_inside_their_county_clustered_by_park(registry: pd.DataFrame) -> None:
    import shapely

    from xinzhi.regions import county_polygons

    gdf = county_polygons()
    places = {c: g for c, g in zip(gdf["code"], gdf.geometry, strict=True) if c == "430321"}
    v = label_validity()
    sub = registry.head(4000)
    res = generate_firm_years(sub, YEARS, seed=9, validity=v, places=places)
    fy = res.firm_years.to_pandas()
    last = fy[fy["year"] == YEARS[-1]]
    here = last["credit_code"].isin(sub.loc[sub["region_code"] == "430321", "credit_code"])
    pts = last[here]
    assert len(pts) > 100 and pts["longitude"].notna().all() and pts["latitude"].notna().all()
    # every synthetic point of 湘潭县 lies inside its polygon (shapely's own test)
    assert shapely.contains_xy(places["430321"], pts["longitude"], pts["latitude"]).all()
    # 朝阳区 (110105) has no polygon given: no coordinates, nothing guessed
    assert last.loc[~here, ["longitude", "latitude"]].isna().all().all()
    # a firm keeps its place every year
    assert (
        fy[fy["credit_code"].isin(pts["credit_code"])]
        .groupby("credit_code")["longitude"]
        .nunique()
        .eq(1)
        .all()
    )
    # clustered: a park's firms lie closer to their mean than the county's firms outside parks
    inpark = pts[pts["park"].notna()]
    park = inpark["park"].value_counts().index[0]
    one = inpark[inpark["park"] == park]
    spread_park = np.hypot(
        one["longitude"] - one["longitude"].mean(), one["latitude"] - one["latitude"].mean()
    ).mean()
    rest = pts[pts["park"].isna()]
    spread_rest = np.hypot(
        rest["longitude"] - rest["longitude"].mean(), rest["latitude"] - rest["latitude"].mean()
    ).mean()
    assert spread_park < spread_rest / 3
    # the other values of the seed do not change with or without polygons (coordinates draw
    # from a stream of their own); without polygons the coordinates are NULL
    plain = generate_firm_years(sub, YEARS, seed=9, validity=v).firm_years
    assert plain.column("tax").equals(res.firm_years.column("tax"))
    assert plain.column("longitude").null_count == plain.num_rows


def test_fields_of_the_hnte_and_tech_sme_rules(out: tuple[pd.DataFrame, pd.DataFrame]) -> None:
    """境内研发费用 is a share of R&D (0.3–1, mostly ≥ 0.75), 成本费用支出总额 = revenue − profit
    (never negative), 总收入 = revenue × (1 + 0–5 %); the platform scores stay NULL."""
    fy = out[0]
    rd = fy["rd_expenditure"].astype(float)
    pos = rd > 1.0  # shares are meaningful where R&D is not rounded to almost nothing
    share = fy.loc[pos, "rd_domestic"].astype(float) / rd[pos]
    assert share.between(0.3 - 0.01, 1.0 + 0.01).all()
    assert 0.85 < float((share >= 0.75 - 0.01).mean()) < 0.99  # about 19 firms in 20
    rev, profit = fy["revenue"].astype(float), fy["profit"].astype(float)
    expected = (rev - profit).clip(lower=0.0)
    assert np.allclose(
        fy["total_costs"].astype(float), expected, atol=0.011
    )  # both sides rounded to 0.01
    ratio = fy.loc[rev > 100, "total_income"].astype(float) / rev[rev > 100]
    assert ratio.between(1.0 - 1e-4, 1.05 + 1e-4).all()
    for k in ("srdi_score", "srdi_quality_score", "hnte_innovation_score"):
        assert fy[k].isna().all()
