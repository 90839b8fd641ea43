"""Shortfall diagnosis from obstacle degrees."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from xinzhi import typology
from xinzhi.errors import ConfigError

MAPPING = {
    "chain_len": "产业链条短",
    "rd": "创新动能不足",
    "patents": "创新动能不足",
    "digital": "数智化改造滞后",
    "talent": "新质要素供给短缺",
}


def _obstacles() -> pd.DataFrame:
    rows = {
        "A": {"chain_len": 0.1, "rd": 0.3, "patents": 0.2, "digital": 0.15, "talent": 0.05,
              "other": 0.2},
        "B": {"chain_len": 0.4, "rd": 0.1, "patents": 0.1, "digital": 0.2, "talent": 0.2,
              "other": 0.0},
    }  # fmt: skip
    return pd.DataFrame(
        [
            {"unit": u, "year": 2020, "indicator": k, "dimension": "d", "obstacle": v}
            for u, d in rows.items()
            for k, v in d.items()
        ]
    )


def test_ranking_and_drivers_literal(tmp_path: Path) -> None:
    res = typology.diagnose_shortfalls(_obstacles(), MAPPING)
    a = res.tidy()[res.tidy()["unit"] == "A"].set_index("shortfall")
    assert a.loc["创新动能不足", "rank"] == 1
    assert a.loc["创新动能不足", "obstacle"] == pytest.approx(0.5)
    assert a.loc["创新动能不足", "drivers"] == "rd（60.0%）、patents（40.0%）"
    assert a.loc["数智化改造滞后", "rank"] == 2
    assert a.loc["新质要素供给短缺", "rank"] == 4
    assert res.top("A") == ["创新动能不足", "数智化改造滞后"]
    assert res.top("B", n=1) == ["产业链条短"]
    # four shortfall shares + unmapped share = 1
    total = res.tidy().groupby("unit")["share"].sum() + res.unmapped.set_index("unit")["share"]
    assert total.to_numpy() == pytest.approx([1.0, 1.0])
    assert res.unmapped.set_index("unit").loc["A", "share"] == pytest.approx(0.2)
    d = res.drivers[(res.drivers["unit"] == "A") & (res.drivers["shortfall"] == "创新动能不足")]
    assert d["share_in_shortfall"].sum() == pytest.approx(1.0)
    assert "首要短板 创新动能不足" in res.summary()
    assert list(pd.read_excel(res.to_excel(tmp_path / "s.xlsx"), sheet_name=None,
                              engine="calamine")) == ["短板排序", "短板指标", "未映射指标"]  # fmt: skip


def test_bad_mapping_and_filters() -> None:
    with pytest.raises(ConfigError, match="短板名称"):
        typology.diagnose_shortfalls(_obstacles(), {"rd": "人才不足"})
    one = typology.diagnose_shortfalls(_obstacles(), MAPPING, units=["B"], year=2020)
    assert one.tidy()["unit"].unique().tolist() == ["B"]
