"""Fixtures for importer tests: a small fake region resolver (no public data needed)."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import pytest

FAKE_REGIONS = {
    # value: (code, status)
    "东城区": ("110101", "ok"),
    "110101": ("110101", "ok"),
    "西城区": ("110102", "ok"),
    "110102": ("110102", "ok"),
    "湘潭县": ("430321", "ok"),
    "430321": ("430321", "ok"),
    "临颍县": ("411122", "ok"),
    "411122": ("411122", "ok"),
    "朝阳区": (None, "ambiguous"),
    "北京市": ("110000", "not_county"),
    "湘潭市": ("430300", "not_county"),
}


def fake_resolve(
    values: Sequence[str], year: int | None, parent: Sequence[str | None] | None
) -> pd.DataFrame:
    out = [FAKE_REGIONS.get(str(v), (None, "unknown")) for v in values]
    if parent is not None:  # 朝阳区 under 北京市 → 110105
        out = [
            ("110105", "ok") if v == "朝阳区" and p in ("北京市", "北京") else o
            for v, p, o in zip(values, parent, out, strict=True)
        ]
    return pd.DataFrame(
        {
            "input": list(values),
            "code": [c for c, _ in out],
            "status": [s for _, s in out],
            "message": [f"测试：{s}" for _, s in out],
        }
    )


@pytest.fixture
def resolver():
    return fake_resolve
