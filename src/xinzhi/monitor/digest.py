"""The digest of one county (监测简报): what turned red or blue this year, what improved, what
worsened, the trends and recent change points, and the composite warning index.

Change of a signal between the previous year ``t − 1`` and ``t`` (codes 1 蓝 … 5 红; distance
from green ``|code − 3|``):

* 新亮红灯 / 新亮蓝灯 — red (blue) in ``t`` and not in ``t − 1``;
* 持续红灯 / 持续蓝灯 — red (blue) in both years;
* 好转 — the distance from green fell (e.g. 黄 → 绿, 蓝 → 浅蓝); 恶化 — it rose (绿 → 黄,
  浅蓝 → 蓝 is 新亮蓝灯); 持平 — unchanged; 新增信号 / 无信号 — no signal in one of the years.

A move across green (浅蓝 → 黄) keeps the distance: 持平 with both colours shown.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import pandas as pd

from xinzhi.errors import InputError
from xinzhi.monitor.signals import COLOURS, METHOD_LABELS, Signals
from xinzhi.monitor.trend import Trends
from xinzhi.results import Result

__all__ = ["CHANGES", "Digest", "digest"]

CHANGES = (
    "新亮红灯",
    "新亮蓝灯",
    "恶化",
    "持续红灯",
    "持续蓝灯",
    "好转",
    "持平",
    "新增信号",
    "无信号",
)
"""Kinds of change, in the order the digest lists them."""


def _change(prev: np.ndarray, now: np.ndarray) -> np.ndarray:
    dist_prev = np.abs(prev.astype("int64") - 3)
    dist_now = np.abs(now.astype("int64") - 3)
    return np.select(
        [
            now == 0,
            prev == 0,
            (now == 5) & (prev == 5),
            (now == 1) & (prev == 1),
            now == 5,
            now == 1,
            dist_now < dist_prev,
            dist_now > dist_prev,
        ],
        ["无信号", "新增信号", "持续红灯", "持续蓝灯", "新亮红灯", "新亮蓝灯", "好转", "恶化"],
        "持平",
    )


@dataclass
class Digest(Result):
    """Monitoring digest of one county and year (see the module docstring).

    ``tables()``: 指标变化 (one row per indicator: signal last year and this year, change,
    value, trend, Sen slope, p, change points) and 综合预警指数 (the county's index by year).
    """

    region_code: str
    county: str
    year: int
    table: pd.DataFrame
    index: pd.DataFrame
    method: str
    synthetic: bool = False
    notes: Sequence[str] = ()

    headers: ClassVar[dict[str, str]] = {
        "indicator": "指标代码",
        "indicator_name": "指标",
        "direction": "方向",
        "value": "数值",
        "basis_value": "监测值",
        "signal_prev": "上年信号",
        "signal": "本年信号",
        "change": "变化",
        "rule": "判定规则",
        "trend": "趋势",
        "assessment": "判断",
        "slope": "Sen 斜率（每年）",
        "p": "P 值",
        "change_points": "变点年份",
        "year": "年份",
        "index": "综合预警指数",
        "mean_score": "平均灯值",
        "n_signals": "参与指标数",
        "alerts": "红灯或蓝灯数",
        "n_red": "红灯数",
        "n_blue": "蓝灯数",
    }

    def tables(self) -> dict[str, pd.DataFrame]:
        return {"指标变化": self.table, "综合预警指数": self.index}

    def _names(self, kind: str) -> list[str]:
        rows = self.table[self.table["change"] == kind]
        return [
            f"{n}（{p or '无'}→{s}）"
            for n, p, s in zip(
                rows["indicator_name"], rows["signal_prev"], rows["signal"], strict=True
            )
        ]

    def summary(self) -> str:
        head = f"{self.county}（{self.region_code}）{self.year} 年监测简报（{METHOD_LABELS[self.method]}）"
        lines = [head]
        now = self.index[self.index["year"] == self.year]
        prev = self.index[self.index["year"] == self.year - 1]
        if len(now):
            r = now.iloc[0]
            text = f"综合预警指数 {r['index']:.1f}（{r['signal']}灯；100 为全部绿灯）"
            if len(prev):
                text += f"，上年 {prev.iloc[0]['index']:.1f}（{prev.iloc[0]['signal']}灯）"
            text += f"；红灯 {int(r['n_red'])} 项、蓝灯 {int(r['n_blue'])} 项，共 {int(r['n_signals'])} 项有信号"
            lines.append(text)
        for kind, title in (
            ("新亮红灯", "新亮红灯（过热/超常）"),
            ("新亮蓝灯", "新亮蓝灯（过冷/滞后）"),
            ("恶化", "恶化"),
            ("好转", "好转"),
            ("持续红灯", "持续红灯"),
            ("持续蓝灯", "持续蓝灯"),
        ):
            names = self._names(kind)
            if names:
                lines.append(f"{title} {len(names)} 项：" + "；".join(names))
        if "assessment" in self.table.columns:
            bad = self.table[self.table["assessment"] == "向差"]["indicator_name"].tolist()
            good = self.table[self.table["assessment"] == "向好"]["indicator_name"].tolist()
            if good:
                lines.append(f"显著向好的趋势 {len(good)} 项：" + "、".join(good))
            if bad:
                lines.append(f"显著向差的趋势 {len(bad)} 项：" + "、".join(bad))
            recent = self.table[self.table["change_points"].fillna("") != ""]
            if len(recent):
                lines.append(
                    "变点："
                    + "；".join(
                        f"{n} {c}"
                        for n, c in zip(
                            recent["indicator_name"], recent["change_points"], strict=True
                        )
                    )
                )
        if (self.table["signal"] == "").all():
            lines.append("没有可判定的信号（历史年数不足、上年数值缺失或无年度目标）。")
        elif len(lines) <= 2:
            lines.append("与上年相比各项信号无变化。")
        return self.labelled("\n".join(lines))


def digest(
    signals: Signals,
    county: str,
    year: int | None = None,
    *,
    trends: Trends | None = None,
    county_name: str | None = None,
) -> Digest:
    """The digest of ``county`` (6-digit code in the panel) for ``year`` (default: the last
    year with a signal), compared with ``year − 1``; trend columns from ``trends`` when given.

    Examples
    --------
    示例数据, by hand: targets 100 for x (positive) in both years; 95 in 2022 (−5 % → 浅蓝) and
    125 in 2023 (+25 % → 红): 新亮红灯.

    >>> from xinzhi.monitor.signals import signals
    >>> p = pd.DataFrame({"region_code": "A", "indicator": "x", "year": [2022, 2023],
    ...                   "value": [95.0, 125.0]})
    >>> t = p.drop(columns="value").assign(target=100.0)
    >>> d = digest(signals(p, method="target", targets=t), "A")
    >>> d.tidy()[["signal_prev", "signal", "change"]].values.tolist()
    [['浅蓝', '红', '新亮红灯']]
    """
    codes = signals.cube.codes.tolist()
    if str(county) not in codes:
        raise InputError(f"监测面板中没有县级单位 {county}")
    if year is not None:
        y = int(year)
    elif (signals.code > 0).any():
        y = signals.latest_year()
    else:  # no signal at all: the panel's last year, every indicator 无信号
        y = int(signals.cube.years[-1])
    t = signals._t(y)
    c = codes.index(str(county))
    now = signals.code[c, :, t]
    prev = signals.code[c, :, t - 1] if t > 0 else np.zeros_like(now)
    table = signals.signal_table(county=str(county), all_cells=True)
    rows = table[(table["year"] == y).to_numpy()].reset_index(drop=True)
    out = pd.DataFrame(
        {
            "indicator": rows["indicator"],
            "indicator_name": rows["indicator_name"]
            if "indicator_name" in rows
            else rows["indicator"],
            "direction": rows["direction"],
            "value": rows["value"],
            "basis_value": rows["basis_value"],
            "signal_prev": pd.Series(prev).map(COLOURS).fillna(""),
            "signal": pd.Series(now).map(COLOURS).fillna(""),
            "change": _change(prev, now),
            "rule": rows["rule"],
        }
    )
    if trends is not None:
        tt = trends.table[trends.table["region_code"] == str(county)]
        cols = ["indicator", "trend", "assessment", "slope", "p", "change_points"]
        out = out.merge(tt[cols], on="indicator", how="left")
    order = {k: n for n, k in enumerate(CHANGES)}
    out = out.sort_values("change", key=lambda s: s.map(order), kind="stable").reset_index(
        drop=True
    )
    index = signals.index_table()
    index = index[index["region_code"] == str(county)].drop(columns=["region_code"])
    index = index.drop(columns=[c for c in ("county",) if c in index.columns]).reset_index(
        drop=True
    )
    name = county_name or signals.county_names.get(str(county), str(county))
    return Digest(
        region_code=str(county),
        county=name,
        year=y,
        table=out,
        index=index,
        method=signals.options.method,
        synthetic=signals.synthetic,
        notes=tuple(signals.notes),
    )
