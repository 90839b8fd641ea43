"""The digest of one county on a constructed panel with literal expectations
(xinzhi.monitor.digest)."""

from __future__ import annotations

import pandas as pd
import pytest

from xinzhi.errors import InputError
from xinzhi.monitor import digest, signals, trends

# 示例数据: county A, targets 100 for every indicator in 2022 and 2023; bands −10 %, 0, +10 %,
# +20 % → 蓝 < 90 ≤ 浅蓝 < 100 ≤ 绿 ≤ 110 < 黄 ≤ 120 < 红
VALUES = {
    #          2022 (signal)   2023 (signal)     change
    "gdp": (105.0, 125.0),  # 绿 → 红            新亮红灯
    "rd": (95.0, 85.0),  # 浅蓝 → 蓝           新亮蓝灯
    "pat": (115.0, 105.0),  # 黄 → 绿            好转
    "emp": (100.0, 115.0),  # 绿 → 黄            恶化
    "tax": (130.0, 140.0),  # 红 → 红            持续红灯
    "inv": (92.0, 108.0),  # 浅蓝 → 绿          好转
    "exp": (95.0, 112.0),  # 浅蓝 → 黄 (same distance from green) 持平
}
NAMES = {
    "gdp": "地区生产总值",
    "rd": "研发投入",
    "pat": "专利",
    "emp": "就业",
    "tax": "税收",
    "inv": "投资",
    "exp": "出口",
}


def _panel() -> tuple[pd.DataFrame, pd.DataFrame]:
    rows = [("A", k, y, v[j]) for k, v in VALUES.items() for j, y in enumerate((2022, 2023))]
    rows += [("B", "gdp", 2022, 100.0), ("B", "gdp", 2023, 100.0)]
    p = pd.DataFrame(rows, columns=["region_code", "indicator", "year", "value"])
    return p, p.drop(columns="value").assign(target=100.0)


def test_digest_changes() -> None:
    p, t = _panel()
    res = signals(p, method="target", targets=t, names=NAMES, county_names={"A": "甲县"})
    d = digest(res, "A")
    assert d.year == 2023
    got = d.tidy().set_index("indicator")[["signal_prev", "signal", "change"]]
    assert got.to_dict("index") == {
        "gdp": {"signal_prev": "绿", "signal": "红", "change": "新亮红灯"},
        "rd": {"signal_prev": "浅蓝", "signal": "蓝", "change": "新亮蓝灯"},
        "emp": {"signal_prev": "绿", "signal": "黄", "change": "恶化"},
        "tax": {"signal_prev": "红", "signal": "红", "change": "持续红灯"},
        "pat": {"signal_prev": "黄", "signal": "绿", "change": "好转"},
        "inv": {"signal_prev": "浅蓝", "signal": "绿", "change": "好转"},
        "exp": {"signal_prev": "浅蓝", "signal": "黄", "change": "持平"},
    }
    # listed in the order of CHANGES, then by indicator code (inv before pat)
    assert d.tidy()["change"].tolist() == [
        "新亮红灯",
        "新亮蓝灯",
        "恶化",
        "持续红灯",
        "好转",
        "好转",
        "持平",
    ]


def test_digest_index_and_summary() -> None:
    p, t = _panel()
    res = signals(p, method="target", targets=t, names=NAMES, county_names={"A": "甲县"})
    d = digest(res, "A", 2023)
    idx = d.index.set_index("year")
    # 2022: 绿3 浅蓝2 黄4 绿3 红5 浅蓝2 浅蓝2 = 21/7 = 3 → W = 100
    # 2023: 红5 蓝1 绿3 黄4 红5 绿3 黄4 = 25/7 → W = 100·25/21 = 119.05 → mean 3.571 > 3.5 → 黄
    assert idx.loc[2022, "index"] == pytest.approx(100.0)
    assert idx.loc[2023, "index"] == pytest.approx(100 * 25 / 21)
    assert idx.loc[2023, "signal"] == "黄" and idx.loc[2023, "n_red"] == 2
    text = d.summary()
    assert text.splitlines()[0] == "甲县（A）2023 年监测简报（年度目标）"
    assert (
        "综合预警指数 119.0（黄灯；100 为全部绿灯），上年 100.0（绿灯）；红灯 2 项、蓝灯 1 项"
        in text
    )
    assert "新亮红灯（过热/超常） 1 项：地区生产总值（绿→红）" in text
    assert "新亮蓝灯（过冷/滞后） 1 项：研发投入（浅蓝→蓝）" in text
    assert "好转 2 项：投资（浅蓝→绿）；专利（黄→绿）" in text


def test_digest_with_trends_and_unknown_county() -> None:
    years = list(range(2010, 2022))
    rows = [("A", "x", y, float(k)) for k, y in enumerate(years)]
    p = pd.DataFrame(rows, columns=["region_code", "indicator", "year", "value"])
    s = signals(p, basis="level", window=3)
    d = digest(s, "A", trends=trends(p))
    row = d.tidy().iloc[0]
    # 0, 1, …, 11: level μ of the 3 years before 2021 = 9, σ = 1 → 11 = μ + 2σ → 黄; 2020: 10
    # against 7, 8, 9 → 黄 too → 持平
    assert (row.signal_prev, row.signal, row.change) == ("黄", "黄", "持平")
    assert (row.trend, row.assessment, row.slope) == ("上升", "向好", 1.0)
    with pytest.raises(InputError, match="没有县级单位"):
        digest(s, "Z")


def test_digest_without_any_signal() -> None:
    # two years only, history method: no signal; the digest says so instead of failing
    p = pd.DataFrame(
        {"region_code": "A", "indicator": "x", "year": [2019, 2020], "value": [1.0, 2.0]}
    )
    d = digest(signals(p), "A")
    assert d.year == 2020
    assert d.tidy()["change"].tolist() == ["无信号"]
    assert "没有可判定的信号" in d.summary()
