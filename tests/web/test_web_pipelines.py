"""The pipeline functions the web pages share with the CLI and the API: queen subsets of county
panels (:mod:`xinzhi.pipelines.spatial`) and the county-upload rule
(:mod:`xinzhi.pipelines.uploads`). Fixtures are built in code."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from xinzhi.pipelines.spatial import balanced_panel, queen_subset
from xinzhi.pipelines.uploads import county_resolver, safe_file_name, scoped_source


def test_balanced_panel_keeps_units_of_every_year() -> None:
    panel = pd.DataFrame(
        {
            "unit": ["430321", "430321", "430302", "430303", "430381", "430381"],
            "year": [2010, 2020, 2010, 2020, 2010, 2020],
            "score": [0.1, 0.2, 0.3, 0.4, 0.5, 0.6],
        }
    )
    kept, dropped = balanced_panel(panel)
    assert sorted(kept["unit"].unique()) == ["430321", "430381"]
    assert kept["score"].tolist() == [0.1, 0.2, 0.5, 0.6]
    # 430302 and 430303 each appear in one year only (as a renamed unit would)
    assert dropped == ["430302", "430303"]


def test_queen_subset_drops_codes_without_polygon(data_dir: Path) -> None:
    # 湘潭县, 湘乡市, 韶山市 share borders; 320611 (南通市港闸区, abolished 2020) has no polygon
    df = pd.DataFrame(
        {"unit": ["430321", "430381", "430382", "320611", "430321"], "v": [1, 2, 3, 4, 5]}
    )
    kept, w, dropped = queen_subset(df, data_dir=data_dir)
    assert dropped == ["320611"]
    assert kept["v"].tolist() == [1, 2, 3, 5]
    assert tuple(w.ids) == ("430321", "430381", "430382")
    assert sorted(w.neighbors["430321"]) == ["430381", "430382"]
    assert sorted(w.neighbors["430382"]) == ["430321", "430381"]


def test_county_resolver_marks_other_counties(data_dir: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("XINZHI_DATA_DIR", str(data_dir))
    res = county_resolver("430321")(["湖南省湘潭市湘潭县", "湖南省长沙市浏阳市"], 2020, None)
    assert res["code"].tolist() == ["430321", "430181"]
    assert res["status"].tolist() == ["ok", "foreign_county"]
    assert res["message"].iloc[1] == "县区用户只能导入本县区（430321）的数据"


@pytest.mark.parametrize(
    ("source", "county", "expected"),
    [("gdp", "430321", "county-430321-gdp"), ("gdp", None, "gdp")],
)
def test_scoped_source(source: str, county: str | None, expected: str) -> None:
    assert scoped_source(source, county) == expected


def test_safe_file_name_strips_markup() -> None:
    assert (
        safe_file_name("<img src=x onerror=alert(1)>.xlsx") == "_img_src_x_onerror_alert_1__.xlsx"
    )
    assert safe_file_name("../../etc/passwd") == "passwd"
