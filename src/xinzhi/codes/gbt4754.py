"""GB/T 4754 national economic industry classification (国民经济行业分类): the one place of its
codes and names.

Data in ``gbt4754.yaml`` beside this module: the 20 sections (门类 A–T) of GB/T 4754-2017 and
-2002 with a 2002 → 2017 section crosswalk, the 97 divisions (大类) of 2017 with their section,
and the curated 4-digit classes (小类) used by the chain templates. The 2011 revision reordered
sections F–I, so the two versions do **not** correspond by letter there (2002 F 交通运输 → 2017 G,
G 信息传输 → I, H 批发和零售 → F, I 住宿和餐饮 → H).

Tests: ``tests/industry/test_industry_classification.py``.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

import pandas as pd

from xinzhi import yamlfile
from xinzhi.errors import InputError

__all__ = [
    "SECTION_CODES",
    "classes",
    "crosswalk_2002_to_2017",
    "division_of",
    "divisions",
    "is_valid_code",
    "section_of",
    "sections",
]


@cache
def _data() -> dict[str, Any]:
    text = resources.files("xinzhi.codes").joinpath("gbt4754.yaml").read_text("utf-8")
    return dict(yamlfile.safe_load(text))


SECTION_CODES: tuple[str, ...] = tuple(str(k) for k in _data()["sections_2017"])
"""The 20 section letters of GB/T 4754-2017 in order, ``("A", …, "T")``."""


def sections(version: str = "2017") -> pd.DataFrame:
    """Sections of GB/T 4754-``version`` (``"2017"`` or ``"2002"``): columns ``code, name``."""
    key = f"sections_{version}"
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
            "name_2002": d["sections_2002"][k],
            "code_2017": v["to"],
            "name_2017": d["sections_2017"][v["to"]],
            "note": v["note"],
        }
        for k, v in d["crosswalk_2002_to_2017"].items()
    ]
    return pd.DataFrame(rows)


def divisions() -> pd.DataFrame:
    """The 97 divisions of GB/T 4754-2017 in code order: ``division`` (2 digits), ``section``
    (letter), ``name``."""
    items = _data()["divisions"]
    return pd.DataFrame(
        {
            "division": [str(k) for k in items],
            "section": [str(v[0]) for v in items.values()],
            "name": [str(v[1]) for v in items.values()],
        }
    )


@cache
def _classes() -> dict[str, str]:
    return {str(k): str(v) for k, v in _data()["classes"].items()}


def classes() -> pd.DataFrame:
    """Curated 4-digit classes used by the chain templates: ``code, name, division, section``."""
    cl = _classes()
    out = pd.DataFrame({"code": list(cl), "name": list(cl.values())})
    out["division"] = out["code"].str[:2]
    out["section"] = out["division"].map(divisions().set_index("division")["section"])
    return out


def is_valid_code(code: str) -> bool:
    """True for a GB/T 4754-2017 division (2 digits, 01–97) or a listed class (4 digits)."""
    code = str(code)
    if len(code) == 2:
        return code in _data()["divisions"]
    if len(code) == 4:
        return code in _classes() and code[:2] in _data()["divisions"]
    return False


def division_of(code: str) -> str:
    """Division (2 digits) of a division or class code."""
    code = str(code)
    if len(code) not in (2, 4) or not code.isdigit() or code[:2] not in _data()["divisions"]:
        raise InputError(f"无效的国民经济行业代码：{code}（应为 2 位大类或 4 位小类）")
    return code[:2]


def section_of(code: str) -> str:
    """Section letter (门类) of a division or class code."""
    return str(_data()["divisions"][division_of(code)][0])
