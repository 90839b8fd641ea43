"""The pyarrow CSV writer of large tables (``xinzhi.cli._arrow_tables``, issue #12 part 10)
writes the bytes of the pandas / DuckDB writer (``xinzhi.cli._tables.write_table``)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from xinzhi.cli._arrow_tables import float_text, write_arrow, write_arrow_csv
from xinzhi.cli._tables import write_table


def test_float_text_is_the_text_pandas_writes() -> None:
    # Python's repr (pandas' CSV text): decimals from 1e-4 up to below 1e16, exponent with at
    # least two digits outside; orjson alone would write 0.00001 and 1e-7 below 1e-4.
    x = np.array(
        [
            *(1.0, 0.1, 1e-4, 9.99e-5, 1e-5, 1e-7, 1e16, 2.5e16, 0.30000000000000004, -0.0),
            *(123456.0, np.nan, np.inf, -np.inf, 5e-324),
        ]
    )
    assert float_text(pa.array(x)).to_pylist() == [
        *("1.0", "0.1", "0.0001", "9.99e-05", "1e-05", "1e-07", "1e+16", "2.5e+16"),
        *("0.30000000000000004", "-0.0", "123456.0"),
        *(None, "inf", "-inf", "5e-324"),
    ]


def test_float_text_of_a_slice_and_nulls() -> None:
    arr = pa.array([1.5, None, 2.0, 3e-9])
    assert float_text(arr.slice(1)).to_pylist() == [None, "2.0", "3e-09"]


def _same_bytes(
    df: pd.DataFrame, table: pa.Table, tmp_path: Path, *, arrow_only: bool = True
) -> bytes:
    """Same bytes as the pandas writer (returned); ``arrow_only``: written by the pyarrow path itself
    (``write_arrow_csv`` raises where :func:`write_arrow` would fall back to pandas)."""
    old, new = tmp_path / "old.csv", tmp_path / "new.csv"
    write_table(df, old)
    (write_arrow_csv if arrow_only else write_arrow)(table, new)
    assert new.read_bytes() == old.read_bytes()
    return new.read_bytes()


def test_mixed_table_same_bytes_as_the_pandas_writer(tmp_path: Path) -> None:
    rng = np.random.default_rng(3)
    n = 2_000
    x = rng.lognormal(size=n) * 10.0 ** rng.integers(-9, 18, size=n)
    x[::7] = np.nan
    x[::11] = np.round(x[::11])
    df = pd.DataFrame(
        {
            "地区": [f"{110000 + i % 37:06d}" for i in range(n)],
            "v": x,
            "k": rng.integers(-5, 5, size=n),
            "flag": rng.random(n) < 0.5,
            "空": [None] * n,
        }
    )
    table = pa.table(
        {
            "地区": pa.array(df["地区"]).dictionary_encode(),
            "v": pa.array(x, from_pandas=True),
            "k": pa.array(df["k"]),
            "flag": pa.array(df["flag"]),
            "空": pa.nulls(n),
        }
    )
    lines = _same_bytes(df, table, tmp_path).decode("utf-8-sig").splitlines()
    assert lines[0] == "地区,v,k,flag,空" and len(lines) == n + 1
    # row 0: x[0] is NaN (every 7th), so an empty cell; the code keeps its zeros; k and flag as
    # pandas writes them; the empty column empty
    code, v, k, flag, empty = lines[1].split(",")
    assert (code, v, empty) == ("110000", "", "") and flag in ("True", "False")
    assert int(k) == int(df["k"].iloc[0])


def test_text_that_needs_quotes_goes_through_pandas(tmp_path: Path) -> None:
    df = pd.DataFrame({"name": ["a,b", 'say "hi"', "plain"], "v": [1.0, 2.5, np.nan]})
    _same_bytes(df, pa.Table.from_pandas(df, preserve_index=False), tmp_path, arrow_only=False)
    assert (tmp_path / "new.csv").read_bytes() == (
        '\ufeffname,v\n"a,b",1.0\n"say ""hi""",2.5\nplain,\n'.encode()
    )


def test_several_slices(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import xinzhi.cli._arrow_tables as mod

    monkeypatch.setattr(mod, "ROWS_PER_SLICE", 7)  # 50 rows = 8 slices, the last of 1 row
    df = pd.DataFrame({"i": np.arange(50), "v": np.arange(50) / 8.0})
    text = _same_bytes(df, pa.Table.from_pandas(df, preserve_index=False), tmp_path)
    # header once, then i/8 for i = 0..49 in order across the slice borders (7, 14, … 49)
    expected = "\ufeffi,v\n" + "".join(f"{i},{i / 8}\n" for i in range(50))
    assert text == expected.encode("utf-8")


def test_parquet_when_the_suffix_asks(tmp_path: Path) -> None:
    table = pa.table({"a": ["x", "y"], "v": [1.5, None]})
    write_arrow(table, tmp_path / "t.parquet")
    back = pd.read_parquet(tmp_path / "t.parquet")
    assert back["a"].tolist() == ["x", "y"]
    assert back["v"].iloc[0] == 1.5 and np.isnan(back["v"].iloc[1])


def test_doctest() -> None:
    import doctest

    import xinzhi.cli._arrow_tables as mod

    res = doctest.testmod(mod)
    assert (res.failed, res.attempted) == (0, 2)
