"""NBS four economic regions by province code."""

from __future__ import annotations

import pandas as pd
import pytest

from xinzhi.errors import RegionError
from xinzhi.regions.economic_regions import (
    ECONOMIC_REGIONS,
    PROVINCE_REGION,
    PROVINCE_SHORT_NAMES,
    economic_region,
    province_code_from_short_name,
)


def test_region_sizes_match_nbs() -> None:
    counts = pd.Series(PROVINCE_REGION).value_counts()
    assert counts.to_dict() == {"西部": 12, "东部": 10, "中部": 6, "东北": 3}
    assert set(PROVINCE_REGION) == set(PROVINCE_SHORT_NAMES)
    assert ECONOMIC_REGIONS == ("东部", "中部", "西部", "东北")


@pytest.mark.parametrize(
    ("code", "region"),
    [
        ("110101", "东部"),
        ("4403", "东部"),
        ("460000", "东部"),
        ("150000", "西部"),
        ("450100", "西部"),
        ("230000", "东北"),
        ("340000", "中部"),
        ("430321", "中部"),
        ("500000", "西部"),
        ("210000", "东北"),
    ],
)
def test_single_codes(code: str, region: str) -> None:
    assert economic_region(code) == region


def test_series_and_errors() -> None:
    s = pd.Series(["110101", "650100"], index=[5, 6])
    out = economic_region(s)
    assert out.tolist() == ["东部", "西部"] and out.index.tolist() == [5, 6]
    with pytest.raises(RegionError, match="31 个省级"):
        economic_region("710000")
    with pytest.raises(RegionError, match="1 个代码"):
        economic_region(["110000", "810000"])
    assert province_code_from_short_name("内蒙古自治区") == "15"
    assert province_code_from_short_name("黑龙江") == "23"
    with pytest.raises(RegionError):
        province_code_from_short_name("台湾")
