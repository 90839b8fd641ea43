"""Table I/O of the CLI: :mod:`xinzhi.cli._tables` (writing) and
:mod:`xinzhi.pipelines.user_tables` (reading, code normalisation)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from xinzhi.cli._tables import EXCEL_MAX_ROWS, check_excel_rows, write_table
from xinzhi.errors import InputError
from xinzhi.pipelines.user_tables import as_code, read_user_table

BOM = b"\xef\xbb\xbf"


def _frame() -> pd.DataFrame:
    """Small table with the awkward cells: text needing quotes, missing values, whole and
    tiny floats, booleans, dates, a categorical key (示例数据)."""
    return pd.DataFrame(
        {
            "县代码": pd.Categorical(["011001", "110101"]),
            "名称": ["甲,乙", None],
            "value": [1.0, np.nan],
            "eci": [0.1 + 0.2, 1e-20],
            "n": [3, 4],
            "flag": [True, False],
            "day": pd.to_datetime(["2020-01-01", None]),
        }
    )


def test_csv_bytes_literal(tmp_path: Path) -> None:
    out = tmp_path / "t.csv"
    write_table(_frame(), out)
    # written by hand: BOM, pandas quoting ("甲,乙"), 1.0 kept, NaN / None / NaT empty,
    # 0.1 + 0.2 = 0.30000000000000004 (shortest text that reads back the same double)
    expected = (
        "县代码,名称,value,eci,n,flag,day\n"
        '011001,"甲,乙",1.0,0.30000000000000004,3,True,2020-01-01\n'
        "110101,,,1e-20,4,False,\n"
    )
    assert out.read_bytes() == BOM + expected.encode("utf-8")
    pandas_csv = tmp_path / "pandas.csv"
    _frame().to_csv(pandas_csv, index=False, encoding="utf-8-sig")
    assert out.read_bytes() == pandas_csv.read_bytes()  # what the writer wrote before


def test_csv_round_trip_exact_floats(tmp_path: Path) -> None:
    rng = np.random.default_rng(7)
    vals = np.concatenate([rng.lognormal(size=500), [5e-324, 1.7976931348623157e308, -0.0]])
    df = pd.DataFrame({"code": [f"{i:06d}" for i in range(vals.size)], "x": vals})
    out = tmp_path / "r.csv"
    write_table(df, out)
    back = read_user_table(out, ["code"])
    assert back["code"].tolist()[:2] == ["000000", "000001"]  # leading zeros kept
    assert np.array_equal(back["x"].to_numpy(), vals)  # bit-exact round trip
    assert np.signbit(back["x"].to_numpy()[-1])  # -0.0 stays negative zero


def test_parquet_round_trip(tmp_path: Path) -> None:
    out = tmp_path / "t.parquet"
    df = pd.DataFrame({"code": ["0311", "1311"], "x": [0.5, 2.0]})
    write_table(df, out)
    back = read_user_table(out, ["code"])
    assert back["code"].tolist() == ["0311", "1311"]
    assert back["x"].tolist() == [0.5, 2.0]


def test_xlsx_round_trip(tmp_path: Path) -> None:
    out = tmp_path / "t.xlsx"
    df = pd.DataFrame({"code": ["0311", "1311"], "x": [0.25, 3.0]})
    write_table(df, out)
    back = read_user_table(out, ["code"])
    assert back["code"].tolist() == ["0311", "1311"]
    assert back["x"].tolist() == [0.25, 3.0]


def test_xlsx_row_limit(tmp_path: Path) -> None:
    assert EXCEL_MAX_ROWS == 2**20 == 1_048_576
    check_excel_rows(1_048_575, tmp_path / "ok.xlsx")  # 1,048,575 + header = 1,048,576: fits
    with pytest.raises(InputError, match="1,048,576"):
        check_excel_rows(1_048_576, tmp_path / "big.xlsx")  # one row too many
    big = pd.DataFrame({"a": np.zeros(1_048_576, dtype=np.int8)})
    out = tmp_path / "big.xlsx"
    with pytest.raises(InputError, match=r"\.csv 或 \.parquet"):
        write_table(big, out)
    assert not out.exists()


def test_as_code_edges() -> None:
    got = as_code(
        pd.Series([" 0311", "１３１１", "1311.0", "\u30001311\u3000", "C13", "13.5", None, "07"])
    ).tolist()
    assert got[:6] == ["0311", "1311", "1311", "1311", "C13", "13.5"]
    assert pd.isna(got[6])
    assert got[7] == "07"
    floats = as_code(pd.Series([1311.0, 110101.0, np.nan], name="c"))
    assert floats.tolist()[:2] == ["1311", "110101"]
    assert floats.name == "c"
    # not all whole: str of each float, then "2.0" is a whole number written with ".0" → "2"
    assert as_code(pd.Series([13.5, 2.0])).tolist() == ["13.5", "2"]
    assert as_code(pd.Series([311, 1311])).tolist() == ["311", "1311"]
    assert as_code(pd.Series(["0311", 1311.0, 42], dtype=object)).tolist() == ["0311", "1311", "42"]


def test_read_csv_keys_gbk_dates_and_fallback(tmp_path: Path) -> None:
    gbk = tmp_path / "g.csv"
    gbk.write_bytes("县代码 ,日期,值\n 011001,2020-01-01,1\n110101,2020-01-02,\n".encode("gbk"))
    df = read_user_table(gbk, ["县代码"])
    assert list(df.columns) == ["县代码", "日期", "值"]  # header blanks stripped
    assert df["县代码"].tolist() == ["011001", "110101"]
    assert df["日期"].tolist() == ["2020-01-01", "2020-01-02"]  # dates stay text, as pandas
    assert df["值"].iloc[0] == 1.0 and pd.isna(df["值"].iloc[1])
    mixed = tmp_path / "m.csv"  # the type of column b changes after the first rows
    mixed.write_text("a,b\n" + "1,2\n" * 3 + "2,x\n", encoding="utf-8")
    back = read_user_table(mixed)
    assert back["b"].tolist() == ["2", "2", "2", "x"]


def test_read_csv_like_pandas_padded_numbers_and_na_words(tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_text("code,x,y\n0311, 12,None\n1311,3,a\n", encoding="utf-8-sig")
    df = read_user_table(path, ["code"])
    assert df["x"].tolist() == [12, 3]  # " 12" is the number 12, as pandas reads it
    assert pd.isna(df["y"].iloc[0]) and df["y"].iloc[1] == "a"  # "None" is missing (pandas)
    assert df["code"].tolist() == ["0311", "1311"]
