"""The synthetic talent base (示例数据): seeded, labelled, shaped like the frames."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from xinzhi.errors import InputError
from xinzhi.match.synthetic_talent import synthetic_talent
from xinzhi.store.talent import JOB_COLUMNS, TALENT_COLUMNS


def test_same_seed_same_base_and_labelled() -> None:
    t1, j1 = synthetic_talent("430321", 7, n_talents=120, n_jobs=40)
    t2, j2 = synthetic_talent("430321", 7, n_talents=120, n_jobs=40)
    pd.testing.assert_frame_equal(t1, t2)
    pd.testing.assert_frame_equal(j1, j2)
    assert (len(t1), len(j1)) == (120, 40)
    assert t1["synthetic"].all() and j1["synthetic"].all()
    assert t1["name"].str.endswith("（示例）").all()
    assert t1["phone"].str.fullmatch(r"1990000\d{4}").all()
    assert set(TALENT_COLUMNS) - {"extra"} <= set(t1.columns)
    assert set(JOB_COLUMNS) - {"extra"} <= set(j1.columns)
    assert t1["person_id"].is_unique and j1["job_id"].is_unique
    t3, _ = synthetic_talent("430321", 8, n_talents=120, n_jobs=40)
    assert not t3["occupation_code"].equals(t1["occupation_code"])


def test_values_in_their_ranges() -> None:
    t, j = synthetic_talent("430321", 1, n_talents=300, n_jobs=100, as_of=dt.date(2026, 6, 30))
    assert t["education_level"].between(1, 6).all()
    assert j["education_min"].between(1, 6).all()
    assert (j["salary_min"] <= j["salary_max"]).all()
    assert j["positions"].between(1, 10).all()
    assert (pd.to_datetime(j["posted"]) < pd.Timestamp("2026-06-30")).all()
    filled = pd.to_datetime(j["filled"])
    assert (filled.dropna() <= pd.Timestamp("2026-06-30")).all()
    assert (filled.dropna() > pd.to_datetime(j["posted"])[filled.notna()]).all()
    assert j["occupation_code"].str.fullmatch(r"\d-\d{2}-\d{2}-\d{2}").all()
    assert j["occupation_code"].nunique() <= 40


def test_firms_post_the_jobs() -> None:
    firms = pd.DataFrame(
        {
            "credit_code": ["91430321TEST00001X", "91430321TEST00002X"],
            "name": ["甲机械", "乙食品"],
            "industry_code": ["3511", "1361"],
        }
    )
    _, j = synthetic_talent("430321", 2, n_talents=20, n_jobs=50, firms=firms)
    assert set(j["firm_name"]) <= {"甲机械", "乙食品"}


def test_bad_region_is_refused() -> None:
    with pytest.raises(InputError, match="6 位"):
        synthetic_talent("4303", 0)
