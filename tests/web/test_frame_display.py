"""Display rules of the web's tables (xinzhi.web._frame.display_rows, table_of): numbers of a
column with a kind are rounded once, by the kind's format, so the screen and the Excel export
(the same number under the kind's number format) agree."""

from __future__ import annotations

import io

import openpyxl
import pandas as pd

from xinzhi.web._format import format_value
from xinzhi.web._frame import display_rows, excel_bytes, screen_frame, table_of


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


#: (column, kind, value, text on screen and in Excel) — by hand: 0.07449 × 100 = 7.449 → 7.4 %;
#: 0.07451 × 100 = 7.451 → 7.5 %; 0.123449 → 4 decimals 0.1234; 0.0744999 → 7.44999 → 7.4 %
#: (rounding to 4 or 6 digits first gave 0.0745 → 7.5 %)
ROWS = [
    ("obstacle", "share", 0.07449, "7.4%"),
    ("gap_share", "share", 0.07451, "7.5%"),
    ("score", "score", 0.123449, "0.1234"),
    ("percentile", "percentile", 0.0744999, "7.4%"),
    ("value", "ratio", 0.074449, "7.44%"),
]


def _frame() -> pd.DataFrame:
    return pd.DataFrame({c: [v] for c, _, v, _ in ROWS} | {"name": ["湘潭县"]})


def test_kind_columns_are_sent_unrounded_and_agree_with_the_workbook() -> None:
    df = _frame()
    labels = {"name": "县区", **{c: c for c, *_ in ROWS}}
    kinds = {"value": "ratio"}
    for digits in (4, 6):  # the default and what the 画像 page passes
        table = table_of(df, labels, kinds=kinds, digits=digits)
        row = table.rows[0]
        formats = {c["field"]: c.get(":format") for c in table.columns}
        for col, kind, value, text in ROWS:
            assert row[col] == value, (col, digits)
            assert formats[col] is not None
            assert format_value(row[col], kind) == text
    shown, found = screen_frame(df, labels, kinds)
    assert found == {
        "obstacle": "share",
        "gap_share": "share",
        "score": "score",
        "percentile": "percentile",
        "value": "ratio",
    }
    ws = openpyxl.load_workbook(io.BytesIO(excel_bytes({"表": shown}, found)))["表"]
    cells = {ws.cell(row=1, column=i).value: ws.cell(row=2, column=i) for i in range(1, 7)}
    for col, _, value, _ in ROWS:
        assert cells[col].value == value
    # Excel shows 0.07449 under 0.0% as 7.4%, 0.07451 as 7.5%, 0.123449 under 0.0000 as 0.1234
    assert cells["obstacle"].number_format == "0.0%"
    assert cells["gap_share"].number_format == "0.0%"
    assert cells["percentile"].number_format == "0.0%"
    assert cells["score"].number_format == "0.0000"
    assert cells["value"].number_format == "0.00%"


def test_other_float_columns_still_round_to_digits() -> None:
    df = pd.DataFrame({"name": ["湘潭县"], "elasticity": [0.123456789]})
    table = table_of(df, {"name": "县区", "elasticity": "弹性"}, digits=3)
    assert table.rows == [{"name": "湘潭县", "elasticity": 0.123}]
    assert ":format" not in table.columns[1]
