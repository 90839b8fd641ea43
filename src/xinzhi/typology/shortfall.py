"""Shortfall diagnosis (短板诊断) from indicator obstacle degrees.

The four shortfalls are those named in seed article 000 (李琳,《提升特色产业现代化水平 激活县域
新质生产力强劲动能》): 产业链条短, 创新动能不足, 数智化改造滞后, 新质要素供给短缺. Each indicator is
mapped to one shortfall; the obstacle of shortfall *s* for a unit-year is the sum of its
indicators' obstacle degrees (obstacle degree model, e.g. O_ij = w_j(1−x'_ij)/Σ_j w_j(1−x'_ij)
as produced by :mod:`xinzhi.evaluate`)::

    U_s = Σ_{j∈s} O_j,     share_s = U_s / Σ_j O_j,     driver share_j|s = O_j / U_s

(docs/typology.md §3.) Obstacles a = 0.5, b = 0.3 (产业链条短) and c = 0.2 (创新动能不足):
U = 0.8 and 0.2, shares 0.8 and 0.2; the drivers of 产业链条短 are a 0.5/0.8 = 62.5 % and
b 0.3/0.8 = 37.5 %:

>>> import pandas as pd
>>> obs = pd.DataFrame({"unit": ["u"] * 3, "year": [2020] * 3, "indicator": ["a", "b", "c"],
...                     "obstacle": [0.5, 0.3, 0.2]})
>>> res = diagnose_shortfalls(obs, {"a": "产业链条短", "b": "产业链条短", "c": "创新动能不足"})
>>> t = res.tidy()
>>> t["shortfall"].tolist(), t["share"].round(4).tolist(), t["drivers"].iloc[0]
(['产业链条短', '创新动能不足'], [0.8, 0.2], 'a（62.5%）、b（37.5%）')

Where to look
-------------
* Docs: ``docs/typology.md`` §3 (短板诊断), ``docs/nqpf-county.md``.
* Tests: ``tests/typology/test_typology_shortfall.py``, ``tests/typology/test_typology_pipeline.py``,
  ``tests/golden/test_golden_counties.py`` (top shortfall of the golden counties).
* CLI: the 短板 section of ``xinzhi report``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from xinzhi.errors import ComputationError, ConfigError, InputError
from xinzhi.indicators.system import SHORTFALLS, IndicatorSystem
from xinzhi.results import Result

__all__ = ["SHORTFALLS", "UNMAPPED", "ShortfallResult", "diagnose_shortfalls"]

UNMAPPED = "其他（未映射）"


@dataclass
class ShortfallResult(Result):
    """Ranked shortfalls per unit-year with the indicators that drive each.

    Attributes
    ----------
    ranking : DataFrame
        ``unit, year, shortfall, obstacle, share, rank, drivers`` (the four named shortfalls;
        rank 1 = main shortfall; shortfalls without mapped indicators are absent).
    drivers : DataFrame
        ``unit, year, shortfall, indicator, obstacle, share_in_shortfall, share_of_total``.
    unmapped : DataFrame
        ``unit, year, obstacle, share``: obstacle of indicators mapped to no shortfall.
    """

    ranking: pd.DataFrame
    drivers: pd.DataFrame
    unmapped: pd.DataFrame
    options: dict[str, Any] = field(default_factory=dict)

    def tidy(self) -> pd.DataFrame:
        """The ranking table."""
        return self.ranking.copy()

    def top(self, unit: str, year: int | None = None, n: int = 2) -> list[str]:
        """The ``n`` main shortfalls of a unit (latest year by default)."""
        r = self.ranking[self.ranking["unit"] == str(unit)]
        if r.empty:
            raise InputError(f"诊断结果中没有单位 {unit}")
        y = int(r["year"].max()) if year is None else year
        r = r[r["year"] == y].sort_values("rank")
        return r["shortfall"].head(n).tolist()

    def summary(self) -> str:
        lines = [f"短板诊断：{self.ranking['unit'].nunique()} 个单位"]
        for (u, y), g in self.ranking.groupby(["unit", "year"], sort=True):
            g = g.sort_values("rank")
            main = g.iloc[0]
            lines.append(
                f"  {u}（{y}）：首要短板 {main['shortfall']}（障碍度占比 {main['share']:.1%}；"
                f"主要指标 {main['drivers']}）"
            )
            if len(lines) > 20:
                lines.append("  …")
                break
        return "\n".join(lines)

    def tables(self) -> dict[str, pd.DataFrame]:
        return {
            "短板排序": self.ranking.rename(
                columns={
                    "unit": "地区",
                    "year": "年份",
                    "shortfall": "短板",
                    "obstacle": "障碍度",
                    "share": "障碍度占比",
                    "rank": "排序",
                    "drivers": "主要指标",
                }
            ),
            "短板指标": self.drivers.rename(
                columns={
                    "unit": "地区",
                    "year": "年份",
                    "shortfall": "短板",
                    "indicator": "指标",
                    "obstacle": "障碍度",
                    "share_in_shortfall": "占该短板比重",
                    "share_of_total": "占总障碍度比重",
                }
            ),
            "未映射指标": self.unmapped.rename(
                columns={"unit": "地区", "year": "年份", "obstacle": "障碍度", "share": "占比"}
            ),
        }

    def to_excel(self, path: str | Path) -> Path:
        """Write 短板排序 / 短板指标 / 未映射指标 sheets."""
        return super().to_excel(path)


def diagnose_shortfalls(
    obstacles: pd.DataFrame,
    mapping: Mapping[str, str] | IndicatorSystem,
    *,
    units: Sequence[str] | None = None,
    year: int | None = None,
    n_drivers: int = 3,
) -> ShortfallResult:
    """Rank the four shortfalls of each unit-year from indicator obstacle degrees.

    Parameters
    ----------
    obstacles : DataFrame
        Long table ``unit, year, indicator, obstacle`` (``dimension`` ignored), e.g.
        ``EvaluationResult.obstacles()``.
    mapping : mapping or IndicatorSystem
        Indicator code -> one of :data:`SHORTFALLS`, or an indicator system whose indicators
        declare ``shortfall`` (``system.shortfall_of()``). Indicators not in the mapping go to
        ``其他（未映射）`` and are reported in ``unmapped`` (not ranked).
    units : sequence of str, optional
        Keep only these units.
    year : int, optional
        Keep only this year.
    n_drivers : int
        Indicators named in the ``drivers`` text of each shortfall.

    Raises
    ------
    ConfigError
        A mapping value is not one of the four shortfalls.
    ComputationError
        No mapped indicator, or negative / missing obstacle degrees.
    """
    need = ["unit", "year", "indicator", "obstacle"]
    miss = [c for c in need if c not in obstacles.columns]
    if miss:
        raise InputError(f"障碍度表缺少列：{', '.join(miss)}")
    if isinstance(mapping, IndicatorSystem):
        mapping = mapping.shortfall_of()
    bad = sorted({v for v in mapping.values() if v not in SHORTFALLS})
    if bad:
        raise ConfigError(f"短板名称须为 {'、'.join(SHORTFALLS)} 之一，得到：{'、'.join(bad)}")
    df = obstacles[need].copy()
    df["unit"] = df["unit"].astype(str)
    if units is not None:
        df = df[df["unit"].isin([str(u) for u in units])]
    if year is not None:
        df = df[df["year"] == year]
    if df.empty:
        raise InputError("障碍度表筛选后为空（no rows for these units/year）")
    o = pd.to_numeric(df["obstacle"], errors="coerce")
    if o.isna().any() or (o < 0).any():
        raise ComputationError("障碍度含缺失值或负值（obstacle degrees must be ≥ 0）")
    df["obstacle"] = o
    df["shortfall"] = df["indicator"].map(dict(mapping)).fillna(UNMAPPED)
    if (df["shortfall"] == UNMAPPED).all():
        raise ComputationError("没有一个指标映射到短板（mapping covers no indicator）")
    total = df.groupby(["unit", "year"])["obstacle"].transform("sum")
    by = df.groupby(["unit", "year", "shortfall"], sort=False)["obstacle"]
    df["shortfall_total"] = by.transform("sum")
    df["share_in_shortfall"] = np.where(
        df["shortfall_total"] > 0,
        df["obstacle"] / df["shortfall_total"].where(lambda s: s > 0),
        0.0,
    )
    df["share_of_total"] = np.where(total > 0, df["obstacle"] / total.where(total > 0), 0.0)
    drivers = (
        df[df["shortfall"] != UNMAPPED]
        .sort_values(["unit", "year", "shortfall", "obstacle"], ascending=[True, True, True, False])
        .loc[
            :,
            [
                "unit",
                "year",
                "shortfall",
                "indicator",
                "obstacle",
                "share_in_shortfall",
                "share_of_total",
            ],
        ]
        .reset_index(drop=True)
    )
    drivers["_txt"] = (
        drivers["indicator"].astype(str)
        + "（"
        + (drivers["share_in_shortfall"] * 100).round(1).astype(str)
        + "%）"
    )
    drivers["_n"] = drivers.groupby(["unit", "year", "shortfall"]).cumcount()
    text = (
        drivers[drivers["_n"] < n_drivers]
        .groupby(["unit", "year", "shortfall"])["_txt"]
        .agg("、".join)
    )
    drivers = drivers.drop(columns=["_txt", "_n"])
    agg = df.groupby(["unit", "year", "shortfall"], as_index=False).agg(
        obstacle=("obstacle", "sum"), share=("share_of_total", "sum")
    )
    ranking = agg[agg["shortfall"] != UNMAPPED].copy()
    order = {s: i for i, s in enumerate(SHORTFALLS)}
    ranking["_o"] = ranking["shortfall"].map(order)
    ranking = ranking.sort_values(
        ["unit", "year", "obstacle", "_o"], ascending=[True, True, False, True], kind="stable"
    )
    ranking["rank"] = ranking.groupby(["unit", "year"]).cumcount() + 1
    ranking["drivers"] = text.reindex(
        pd.MultiIndex.from_frame(ranking[["unit", "year", "shortfall"]])
    ).to_numpy()
    ranking = ranking.drop(columns="_o").reset_index(drop=True)
    unm = agg[agg["shortfall"] == UNMAPPED].drop(columns="shortfall").reset_index(drop=True)
    options = {"n_drivers": n_drivers, "year": year, "n_mapped": len(mapping)}
    return ShortfallResult(ranking, drivers, unm, options)
