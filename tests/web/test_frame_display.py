"""Display rules of the web's tables (xinzhi.web._frame.display_rows)."""

from __future__ import annotations

import pandas as pd

from xinzhi.web._frame import display_rows


def test_rows_round_floats_and_drop_microseconds() -> None:
    df = pd.DataFrame(
        {
            "imported_at": pd.to_datetime(["2026-12-04 21:40:05.123456", None]),
            "score": [0.123456789, float("nan")],
            "county": ["湘潭县", "湘乡市"],
        }
    )
    assert display_rows(df, ["imported_at", "score", "county"], digits=3) == [
        {"imported_at": "2026-12-04 21:40:05", "score": 0.123, "county": "湘潭县"},
        {"imported_at": None, "score": None, "county": "湘乡市"},
    ]
