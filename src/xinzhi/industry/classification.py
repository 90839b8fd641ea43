"""GB/T 4754 national economic industry classification, section level (门类 A–T).

Data in ``gbt4754.yaml`` beside this module: the 20 sections of GB/T 4754-2017 and -2002 with
their Chinese names and a 2002 → 2017 section crosswalk. The 2011 revision reordered sections
F–I, so the two versions do **not** correspond by letter there (2002 F 交通运输 → 2017 G,
G 信息传输 → I, H 批发和零售 → F, I 住宿和餐饮 → H).
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

import pandas as pd

from xinzhi import yamlfile
from xinzhi.errors import InputError

__all__ = ["crosswalk_2002_to_2017", "sections"]


@cache
def _data() -> dict[str, Any]:
    text = resources.files("xinzhi.industry").joinpath("gbt4754.yaml").read_text("utf-8")
    return dict(yamlfile.safe_load(text))


def sections(version: str = "2017") -> pd.DataFrame:
    """Sections of GB/T 4754-``version`` (``"2017"`` or ``"2002"``): columns ``code, name``."""
    key = f"gbt4754_{version}"
    if key not in _data():
        raise InputError(f"未知的国民经济行业分类版本：{version}（可选 2017、2002）")
    items = _data()[key]
    return pd.DataFrame({"code": list(items), "name": list(items.values())})


def crosswalk_2002_to_2017() -> pd.DataFrame:
    """Section crosswalk: ``code_2002, name_2002, code_2017, name_2017, note``."""
    d = _data()
    rows = [
        {
            "code_2002": k,
            "name_2002": d["gbt4754_2002"][k],
            "code_2017": v["to"],
            "name_2017": d["gbt4754_2017"][v["to"]],
            "note": v["note"],
        }
        for k, v in d["crosswalk_2002_to_2017"].items()
    ]
    return pd.DataFrame(rows)
