"""Synthetic registry (示例数据): determinism, census structure, valid codes."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq

from xinzhi.codes.credit import org_check_chars
from xinzhi.codes.gbt4754 import SECTION_CODES
from xinzhi.industry.synthetic import (
    division_shares_from_employment,
    generate_firms,
    write_parquet,
)
from xinzhi.ingest.enterprises import validate_credit_codes


def _census() -> pd.DataFrame:
    shares = np.zeros((3, 20))
    shares[0, [0, 2, 5]] = [0.5, 0.3, 0.2]  # A, C, F
    shares[1, [2, 8, 13]] = [0.6, 0.3, 0.1]  # C, I, N
    shares[2] = np.full(20, 0.05)
    return pd.DataFrame(
        {
            "region_code": ["430321", "110105", "220104"],
            "pop_total": [1.0e6, 2.0e6, 0.5e6],
            **{f"emp_sec_{s}": shares[:, i] for i, s in enumerate(SECTION_CODES)},
        }
    )


def test_deterministic_and_labelled() -> None:
    a = generate_firms(_census(), 5000, seed=7)
    b = generate_firms(_census(), 5000, seed=7)
    c = generate_firms(_census(), 5000, seed=8)
    pd.testing.assert_frame_equal(a, b)
    assert not a["revenue"].equals(c["revenue"])
    assert a["synthetic"].all()
    assert a["name"].str.startswith("（示例）").all()
    assert validate_credit_codes(a["credit_code"]).isna().all()
    assert a["credit_code"].is_unique
    assert (a["credit_code"].str[2:8] == a["region_code"]).all()
    assert (org_check_chars(a["credit_code"].str[8:16]) == a["credit_code"].str[16]).all()
    assert (a["industry_code"].str[:2] == a["division"]).all()
    assert a["status"].isin(["存续", "在业", "注销", "吊销"]).all()
    assert (a["employees"] >= 0).all() and (a["revenue"] > 0).all()
    # heavy right tail: the top 1 % of firms hold a large share of revenue
    rev = np.sort(a["revenue"].to_numpy())[::-1]
    assert rev[:50].sum() / rev.sum() > 0.1


def test_section_shares_match_census() -> None:
    census = _census()
    n = 60_000
    df = generate_firms(census, n, seed=3)
    pop = census["pop_total"].to_numpy()
    county_share = pop / pop.sum()
    counts = df["region_code"].value_counts()
    for i, code in enumerate(census["region_code"]):
        n_c = int(counts[code])
        assert abs(n_c / n - county_share[i]) < 4 * np.sqrt(county_share[i] / n)
        got = df.loc[df["region_code"] == code, "section"].value_counts(normalize=True)
        for s in SECTION_CODES:
            p = census.iloc[i][f"emp_sec_{s}"]
            se = np.sqrt(max(p * (1 - p), 1e-12) / n_c)
            assert abs(got.get(s, 0.0) - p) <= 4 * se + 1e-12, (code, s)


def test_division_shares_from_employment_table() -> None:
    emp = pd.DataFrame(
        {
            "Code": ["TOT", "A", "A01", "A02", "A03", "A04", "A05", "K", "C", "C01", "C23"],
            "2017": [0, 0, 1, 1, 1, 1, 1, 5, 0, 0, 0],
            "2018": [0, 0, 6, 2, 1, 1, 0, 5, 0, 30, 10],
        }
    )
    sh = division_shares_from_employment(emp).set_index("division")["share"]
    assert sh["01"] == 0.6 and sh["02"] == 0.2 and sh["05"] == 0.0
    assert sh["70"] == 1.0  # section K has a single division
    assert sh["13"] == 0.75 and sh["35"] == 0.25  # C01 = 13 农副食品, C23 = 35 专用设备
    assert abs(sh["97"] - 1.0) < 1e-12  # no data → uniform


def test_divisions_follow_given_shares() -> None:
    shares = pd.DataFrame({"section": ["C", "C"], "division": ["34", "35"], "share": [0.8, 0.2]})
    others = pd.DataFrame(
        {"section": [s for s in SECTION_CODES if s != "C"], "division": None, "share": 0.0}
    )
    census = _census()
    census[[f"emp_sec_{s}" for s in SECTION_CODES]] = 0.0
    census["emp_sec_C"] = 1.0
    df = generate_firms(census, 20_000, seed=1, division_shares=pd.concat([shares, others]))
    frac = (df["division"] == "34").mean()
    assert abs(frac - 0.8) < 4 * np.sqrt(0.16 / 20_000)
    assert set(df["division"]) == {"34", "35"}


def test_parquet_chunks(tmp_path: Path) -> None:
    path = tmp_path / "f.parquet"
    n = write_parquet(_census(), path, 2500, seed=2, chunk_size=1000)
    assert n == 2500
    f = pq.ParquetFile(path)
    assert f.metadata.num_rows == 2500
    assert f.schema_arrow.metadata[b"xinzhi.synthetic"].decode() == "示例数据"
    df = pd.read_parquet(path)
    assert df["credit_code"].is_unique and validate_credit_codes(df["credit_code"]).isna().all()
