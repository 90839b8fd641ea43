"""Code vintages: crosswalk kinds on a small history built here, real cases from the registry,
and a panel relabelled so that rows read = kept + dropped."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xinzhi.errors import InputError
from xinzhi.regions.harmonise import code_crosswalk, harmonise_codes

NA = pd.NA


def _history() -> pd.DataFrame:
    rows = [
        # code, start, end, successors
        ("000001", 1990, NA, []),  # unchanged
        ("000002", 1990, 2015, ["000012"]),  # county -> city (renamed)
        ("000012", 2015, 2018, ["000022"]),  # ... and renumbered again (two hops)
        ("000022", 2018, NA, []),
        ("000003", 1990, 2016, ["000005"]),  # merged with 000004 ...
        ("000004", 1990, 2016, ["000005"]),
        ("000005", 2016, NA, []),
        ("000006", 1990, 2017, ["000007", "000008"]),  # split
        ("000007", 2017, NA, []),
        ("000008", 2017, NA, []),
        ("000009", 1990, 2012, []),  # abolished, no successor
        ("000010", 1990, 2014, ["000010"]),  # renamed, same code
        ("000010", 2014, NA, []),
    ]
    return pd.DataFrame(
        {
            "code": [r[0] for r in rows],
            "level": "county",
            "start_year": [r[1] for r in rows],
            "end_year": pd.array([r[2] for r in rows], dtype="Int64"),
            "successors": [r[3] for r in rows],
        }
    )


def test_crosswalk_kinds() -> None:
    cw = code_crosswalk(_history(), 2010, 2020)
    got = {
        (r.from_code, r.to_code if isinstance(r.to_code, str) else None): r.kind
        for r in cw.itertuples()
    }
    assert got == {
        ("000001", "000001"): "same",
        ("000002", "000022"): "renamed",
        ("000003", "000005"): "merged",
        ("000004", "000005"): "merged",
        ("000006", "000007"): "split",
        ("000006", "000008"): "split",
        ("000009", None): "ended",
        ("000010", "000010"): "same",
    }
    # to a year before the second renumbering: one hop only
    mid = code_crosswalk(_history(), 2010, 2016).set_index("from_code")
    assert mid.loc["000002", "to_code"] == "000012" and mid.loc["000002", "kind"] == "renamed"
    assert mid.loc["000006", "kind"] == "same"
    with pytest.raises(InputError, match="早年"):
        code_crosswalk(_history(), 2020, 2010)


@settings(max_examples=30, deadline=None)
@given(st.integers(1990, 2024), st.integers(0, 10))
def test_every_unit_of_the_start_year_appears(from_year: int, span: int) -> None:
    h = _history()
    to_year = min(from_year + span, 2024)
    cw = code_crosswalk(h, from_year, to_year)
    end = pd.to_numeric(h["end_year"]).fillna(10**6)
    valid = set(h.loc[(h["start_year"] <= from_year) & (from_year < end), "code"])
    assert set(cw["from_code"]) == valid
    assert (
        cw.loc[cw["kind"] == "same", "from_code"].eq(cw.loc[cw["kind"] == "same", "to_code"]).all()
    )
    per = cw.groupby("from_code")["kind"].nunique()
    assert (per == 1).all()


def test_panel_rows_are_kept_or_dropped_with_reason() -> None:
    panel = pd.DataFrame(
        {
            "region_code": ["000001", "000002", "000003", "000006", "000099", "000001", "000022"],
            "year": [2010, 2010, 2010, 2010, 2010, 2020, 2020],
            "score": [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7],
        }
    )
    res = harmonise_codes(panel, _history(), 2020)
    assert len(res.data) + len(res.dropped) == len(panel)
    assert res.data[["region_code", "year", "score", "source_code"]].values.tolist() == [
        ["000001", 2010, 0.1, "000001"],
        ["000022", 2010, 0.2, "000002"],
        ["000001", 2020, 0.6, "000001"],
        ["000022", 2020, 0.7, "000022"],
    ]
    assert dict(zip(res.dropped["region_code"], res.dropped["reason"], strict=True)) == {
        "000003": "已与其他单位合并",
        "000006": "已拆分",
        "000099": "区划沿革中没有该代码",
    }
    assert "更名或改代码（一对一） 1" in res.summary()
    with pytest.raises(InputError, match="year"):
        harmonise_codes(panel.drop(columns=["year"]), _history(), 2020)


def test_registry_reference_cases(data_dir: Path) -> None:
    from xinzhi.regions import load_registry

    h = load_registry(data_dir).table
    cw = code_crosswalk(h, 2019, 2021).set_index(["from_code", "to_code"])["kind"]
    assert cw[("431121", "431181")] == "renamed"  # 祁阳县 → 祁阳市 (2021)
    assert cw[("320602", "320613")] == "merged"  # 南通 崇川区 + 港闸区 → 崇川区 (2020)
    assert cw[("320611", "320613")] == "merged"
    # a county-level city that became a prefecture-level city without counties (2015)
    level_up = code_crosswalk(h, 2014, 2016).set_index("from_code")
    assert level_up.loc["469003", "to_code"] == "460400"
    assert level_up.loc["469003", "kind"] == "renamed"
    panel = pd.DataFrame(
        {"region_code": ["110101", "110103", "110101"], "year": [2010, 2010, 2020]}
    )
    res = harmonise_codes(panel, h, 2020)
    # the 2010 census predates the 东城/崇文 merger: both old districts are parts of 110101
    assert res.mapping.set_index(["year", "source_code"])["kind"].to_dict() == {
        (2010, "110101"): "merged",
        (2010, "110103"): "merged",
        (2020, "110101"): "same",
    }
