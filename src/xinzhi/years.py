"""Years written as text by users: one year, a range or a list (CLI options, API parameters,
declared options)."""

from __future__ import annotations

import re

from xinzhi.errors import InputError

__all__ = ["parse_years"]

_RANGE = re.compile(r"\s*(\d{4})\s*[-–—:]\s*(\d{4})\s*")


def parse_years(text: str | None) -> list[int] | None:
    """``"2020"`` → [2020]; ``"2016-2019"`` → 2016…2019; ``"2010,2020"`` → [2010, 2020];
    None or empty → None (every year).

    >>> parse_years("2016-2019"), parse_years("2010, 2020"), parse_years(None)
    ([2016, 2017, 2018, 2019], [2010, 2020], None)

    Raises
    ------
    InputError
        In Chinese, with an example, for anything else (also a range running backwards).
    """
    if text is None or not str(text).strip():
        return None
    m = _RANGE.fullmatch(str(text))
    if m:
        a, b = int(m.group(1)), int(m.group(2))
        if a > b:
            raise InputError(f"年份区间 {text!r} 的起始年 {a} 大于结束年 {b}")
        return list(range(a, b + 1))
    parts = [p.strip() for p in str(text).split(",")]
    if all(re.fullmatch(r"\d{4}", p) for p in parts):
        return [int(p) for p in parts]
    raise InputError(f"无法解析年份 {text!r}（示例：2020、2016-2024 或 2010,2020）")
