"""Row accounting of pilot lists (``xinzhi.ingest.pilots.clean_pilots``): every row loaded,
quarantined or skipped, ``rows_read = loaded + quarantined + skipped``; a row without a policy
is quarantined ``pilot_policy_missing`` (not skipped). Counties through the region registry of
the public-data mirror (昆山市 320583, 义乌市 330782). 示例数据."""

from __future__ import annotations

import pandas as pd

from xinzhi.ingest.pilots import clean_pilots
from xinzhi.ingest.reasons import QUARANTINE_REASONS

HEADER = ["县（市、区）", "试点名称", "批复年份"]
ROWS = [
    ["昆山市", "创新型县", "2015"],  # row 2: loaded
    ["义乌市", "", "2015"],  # row 3: county and year, no policy → quarantined
    ["", "", ""],  # row 4: empty → skipped
    ["", "", "2016"],  # row 5: a year only, no policy → quarantined (policy checked first)
]


def _grid() -> pd.DataFrame:
    return pd.DataFrame(ROWS, columns=HEADER)


def test_row_without_policy_is_quarantined() -> None:
    r = clean_pilots(_grid(), this_year=2026)
    # 4 rows read = 1 loaded + 2 quarantined + 1 skipped
    assert r.rows_read == 4
    assert (len(r.rows), len(r.quarantine), len(r.skipped)) == (1, 2, 1)
    assert r.rows["region_code"].tolist() == ["320583"]
    assert r.quarantine["row_number"].tolist() == [3, 5]
    assert set(r.quarantine["reason"]) == {"pilot_policy_missing"}
    assert set(r.quarantine["message"]) == {QUARANTINE_REASONS["pilot_policy_missing"]}
    assert r.skipped["reason"].tolist() == ["empty"]
    assert "missing_value" not in set(r.skipped["reason"])


def test_policy_of_the_file_fills_empty_cells() -> None:
    """With ``--policy`` the empty cells take the file's policy: 义乌市 loads under 数字乡村; the
    row with a year only now fails on its county (missing_region): 2 loaded + 1 quarantined +
    1 skipped = 4."""
    r = clean_pilots(_grid(), policy="数字乡村", this_year=2026)
    assert (len(r.rows), len(r.quarantine), len(r.skipped)) == (2, 1, 1)
    got = dict(zip(r.rows["region_code"], r.rows["policy"], strict=True))
    assert got == {"320583": "创新型县", "330782": "数字乡村"}
    assert r.quarantine["reason"].tolist() == ["missing_region"]
    assert r.quarantine["row_number"].tolist() == [5]
