"""Property: for any generated table, every source row gets exactly one outcome and
rows read = loaded + quarantined + skipped; loaded values are exactly the non-missing cells of
loaded rows."""

from __future__ import annotations

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xinzhi.indicators.catalogue import load_catalogue
from xinzhi.ingest.clean import classify_rows
from xinzhi.ingest.layout import wide_layout
from xinzhi.ingest.tables import Grid

REGIONS = [
    "东城区",
    "西城区",
    "湘潭县",
    "朝阳区",
    "北京市",
    "合计",
    "不存在县",
    "110101",
    "110100",
    "",
]
CELLS = st.one_of(
    st.floats(min_value=-10, max_value=1e6, allow_nan=False),
    st.sampled_from(["", "—", "-", "…", "NA", "#DIV/0!", "/", "abc", "1,234.5", "１２", "50%"]),
)
HEADER = ["地区", "常住人口", "城镇化率", "地区生产总值(亿元)"]


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(st.tuples(st.sampled_from(REGIONS), CELLS, CELLS, CELLS), min_size=1, max_size=25))
def test_every_row_has_one_outcome(resolver, rows):
    catalogue = load_catalogue()
    grid = Grid(cells=pd.DataFrame([HEADER, *map(list, rows)], dtype=object), file_name="g")
    layout = wide_layout(grid, catalogue, 2020)
    res = classify_rows(layout.rows, layout.cells, catalogue, layout="wide", resolver=resolver)
    out = res.outcomes
    assert len(out) == len(rows) == out["row_number"].nunique()
    counts = out["outcome"].value_counts().to_dict()
    assert sum(counts.values()) == len(rows)
    assert set(counts) <= {"loaded", "quarantined", "skipped"}
    assert (out.loc[out["outcome"] != "loaded", "reason"] != "").all()
    loaded = set(out.loc[out["outcome"] == "loaded", "row_number"])
    cells = layout.cells[layout.cells["row_number"].isin(loaded)]
    assert len(res.observations) == int((~cells["missing"]).sum())
    assert res.observations["value"].notna().all()
    # no (region, year, indicator) is loaded twice
    assert not res.observations.duplicated(["region_code", "year", "indicator"]).any()
