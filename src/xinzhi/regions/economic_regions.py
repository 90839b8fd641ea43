"""The four economic regions of China (东部 / 中部 / 西部 / 东北) by province code.

Source: National Bureau of Statistics (国家统计局), 《东西中部和东北地区划分方法》 (2011): 东部 10
provinces (北京、天津、河北、上海、江苏、浙江、福建、山东、广东、海南), 中部 6 (山西、安徽、江西、河南、
湖北、湖南), 西部 12 (内蒙古、广西、重庆、四川、贵州、云南、西藏、陕西、甘肃、青海、宁夏、新疆) and 东北
3 (辽宁、吉林、黑龙江). Hong Kong, Macao and Taiwan are outside the scheme.

A province is identified by the first two digits of a GB/T 2260 code, so the same mapping
serves provinces (``"11"``), prefectures (``"1101"``/``"110100"``) and counties (``"110101"``).
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from xinzhi.errors import RegionError

__all__ = [
    "ECONOMIC_REGIONS",
    "PROVINCE_REGION",
    "PROVINCE_SHORT_NAMES",
    "economic_region",
    "province_code_from_short_name",
]

#: The four regions in the NBS order.
ECONOMIC_REGIONS: tuple[str, ...] = ("东部", "中部", "西部", "东北")

#: Province short names (as used in statistical yearbooks) by 2-digit code.
PROVINCE_SHORT_NAMES: dict[str, str] = {
    "11": "北京",
    "12": "天津",
    "13": "河北",
    "14": "山西",
    "15": "内蒙古",
    "21": "辽宁",
    "22": "吉林",
    "23": "黑龙江",
    "31": "上海",
    "32": "江苏",
    "33": "浙江",
    "34": "安徽",
    "35": "福建",
    "36": "江西",
    "37": "山东",
    "41": "河南",
    "42": "湖北",
    "43": "湖南",
    "44": "广东",
    "45": "广西",
    "46": "海南",
    "50": "重庆",
    "51": "四川",
    "52": "贵州",
    "53": "云南",
    "54": "西藏",
    "61": "陕西",
    "62": "甘肃",
    "63": "青海",
    "64": "宁夏",
    "65": "新疆",
}

_EAST = ("11", "12", "13", "31", "32", "33", "35", "37", "44", "46")
_CENTRAL = ("14", "34", "36", "41", "42", "43")
_WEST = ("15", "45", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65")
_NORTHEAST = ("21", "22", "23")

#: Economic region (东部/中部/西部/东北) by 2-digit province code (NBS 2011).
PROVINCE_REGION: dict[str, str] = {
    **dict.fromkeys(_EAST, "东部"),
    **dict.fromkeys(_CENTRAL, "中部"),
    **dict.fromkeys(_WEST, "西部"),
    **dict.fromkeys(_NORTHEAST, "东北"),
}

_SHORT_TO_CODE = {name: code for code, name in PROVINCE_SHORT_NAMES.items()}


def economic_region(codes: str | Iterable[str]) -> str | pd.Series:
    """Economic region of one code or of many codes.

    Parameters
    ----------
    codes
        A GB/T 2260 code (2, 4, 6 or 12 digits; only the first two digits are used) or an
        iterable / Series of them.

    Returns
    -------
    str or pandas.Series
        ``"东部"``, ``"中部"``, ``"西部"`` or ``"东北"``; a Series (same index when a Series was
        given) for many codes.

    Raises
    ------
    RegionError
        A code whose first two digits are not one of the 31 mainland provinces.
    """
    if isinstance(codes, str):
        region = PROVINCE_REGION.get(codes.strip()[:2])
        if region is None:
            raise RegionError(
                f"代码 {codes!r} 的前两位不是大陆 31 个省级行政区之一，无法划入四大经济区域"
            )
        return region
    series = codes if isinstance(codes, pd.Series) else pd.Series(list(codes), dtype=object)
    prefix = series.astype(str).str.strip().str[:2]
    out = prefix.map(PROVINCE_REGION)
    bad = series[out.isna()]
    if len(bad):
        shown = "、".join(map(str, bad.unique()[:10]))
        raise RegionError(f"{len(bad)} 个代码的前两位不是大陆 31 个省级行政区之一：{shown}")
    return out.astype(object)


def province_code_from_short_name(name: str) -> str:
    """2-digit province code from a short name such as ``"内蒙古"`` or a full name ``"内蒙古自治区"``.

    Raises
    ------
    RegionError
        The name is not a mainland province.
    """
    key = name.strip()
    if key in _SHORT_TO_CODE:
        return _SHORT_TO_CODE[key]
    matches = [code for short, code in _SHORT_TO_CODE.items() if key.startswith(short)]
    if len(matches) == 1:
        return matches[0]
    raise RegionError(f"无法识别的省级行政区名称：{name!r}")
