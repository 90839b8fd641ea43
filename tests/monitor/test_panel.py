"""The monitoring cube (xinzhi.monitor.panel)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from xinzhi.errors import InputError
from xinzhi.monitor.panel import directions_array, to_cube


def test_cube_fills_missing_years_with_nan() -> None:
    p = pd.DataFrame(
        {
            "region_code": ["B", "A", "A"],
            "indicator": ["y", "x", "y"],
            "year": [2021, 2019, 2021],
            "value": [3.0, 1.0, 2.0],
        }
    )
    cube = to_cube(p)
    assert cube.codes.tolist() == ["A", "B"] and cube.indicators.tolist() == ["x", "y"]
    assert cube.years.tolist() == [2019, 2020, 2021]
    assert (
        cube.values[0, 0, 0] == 1.0 and cube.values[0, 1, 2] == 2.0 and cube.values[1, 1, 2] == 3.0
    )
    assert int(np.isnan(cube.values).sum()) == 2 * 2 * 3 - 3
    back = cube.long().dropna()
    assert sorted(back["value"]) == [1.0, 2.0, 3.0]


def test_cube_refuses_duplicates_and_missing_columns() -> None:
    p = pd.DataFrame(
        {"region_code": ["A", "A"], "indicator": "x", "year": 2020, "value": [1.0, 2.0]}
    )
    with pytest.raises(InputError, match="A x 2020"):
        to_cube(p)
    with pytest.raises(InputError, match="缺少列：value"):
        to_cube(p.drop(columns="value"))
    with pytest.raises(InputError, match="为空"):
        to_cube(p.iloc[:0])


def test_directions() -> None:
    assert directions_array(np.array(["a", "b"]), {"b": "-"}).tolist() == [1.0, -1.0]
