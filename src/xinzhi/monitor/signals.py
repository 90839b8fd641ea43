"""Five-colour signals (五色信号灯) of county indicators from their history or their yearly targets,
and the composite warning index (综合预警指数) over a system's indicators.

Convention
----------
The colours follow the signal lights of China's macroeconomic monitoring and early-warning
system (宏观经济监测预警信号) published monthly by 国家统计局 with its 中国经济景气监测中心
(see e.g. the NBS release reported by 新华社 on 2008-05-29, "4月份中国宏观经济预警指数为110.7"):
红灯 过热, 黄灯 偏热 (趋热), 绿灯 正常, 浅蓝灯 偏冷 (趋冷), 蓝灯 过冷; the composite 预警指数
takes 100 as the ideal (all green). The lights are a temperature scale, not a grade: green is the
desired zone and **both ends are alerts** — red = far above the norm (overheating: growth or
attainment well beyond what the county's history or its target makes plausible; check the
data, the target, or sustainability), blue = far below (lagging: 滞后). In xinzhi the scale
is read in the indicator's favourable direction (catalogue ``direction``): for a negative
indicator (逆向, e.g. energy use per unit of GDP) a value *below* its norm counts as "hot"
(ahead) and a value above it as "cold" (lagging).

Rule
----
Let ``d = +1`` for a positive indicator and ``−1`` for a negative one, ``x`` the monitored
value (level, or year-on-year growth ``x_t = v_t / v_{t−1} − 1`` with ``basis="growth"``) and
``y = d·x``. Each method gives four cut points ``c1 < c2 < c3 < c4`` on ``y``; then::

    蓝  (1)  y <  c1
    浅蓝 (2)  c1 ≤ y < c2
    绿  (3)  c2 ≤ y ≤ c3
    黄  (4)  c3 < y ≤ c4
    红  (5)  y >  c4

A value equal to a cut point takes the colour nearer to green. Methods:

``sigma`` (history, mean ± kσ)
    μ, σ: mean and sample standard deviation (ddof 1) of ``y`` over the ``window`` years before
    the year (at least ``min_history`` values); cuts ``μ − k₂σ, μ − k₁σ, μ + k₁σ, μ + k₂σ``
    (default k₁ = 1, k₂ = 2); score ``z = (y − μ)/σ``.
``quantile`` (history, quantiles)
    cuts: the q₁ < q₂ < q₃ < q₄ quantiles of ``y`` over the same window (linear interpolation,
    NumPy's default; default 10 %, 25 %, 75 %, 90 %); score ``(y − median)/(q₃ − q₂)``.
``target`` (年度目标)
    T: the county's target for that indicator and year (a level, compared with the level of the
    indicator); cuts ``d·T + |T|·(b₁, b₂, b₃, b₄)`` (default −10 %, 0, +10 %, +20 %): blue more
    than 10 % short of the target, light blue short by up to 10 %, green met up to 10 % above,
    yellow 10–20 % above, red more than 20 % above; score ``(y − d·T)/|T|``, the relative gap in
    the favourable direction.

Composite warning index
-----------------------
Each light scores its number (红 5, 黄 4, 绿 3, 浅蓝 2, 蓝 1, as the NBS lights are scored); for
county *c* and year *t*, over the indicators *i* with a signal and weights *w_i* (equal unless
given)::

    W_ct = 100 · Σ_i w_i s_cit / (3 · Σ_i w_i)

so that 100 is the all-green ideal (the convention of the NBS 预警指数). The composite colour is
the band of the mean score ``W/100·3`` with cuts 1.5, 2.5, 3.5, 4.5 (the same band rule as
above; W cuts 50, 83.3, 116.7, 150). A red and a blue indicator average to green, so the table
also gives ``alerts``, the number of red or blue indicators.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from xinzhi.errors import InputError
from xinzhi.monitor.panel import Cube, directions_array, to_cube
from xinzhi.results import Result

__all__ = [
    "COLOURS",
    "METHODS",
    "SignalOptions",
    "Signals",
    "band",
    "growth",
    "signals",
    "warning_index",
]

COLOURS: dict[int, str] = {1: "蓝", 2: "浅蓝", 3: "绿", 4: "黄", 5: "红"}
"""Signal code (= its score in the warning index) → colour."""

MEANING: dict[int, str] = {
    1: "过冷（严重滞后）",
    2: "偏冷",
    3: "正常",
    4: "偏热",
    5: "过热（超常）",
}
"""Signal code → what the colour means (NBS 预警信号 convention, read in the favourable direction)."""

METHODS = ("sigma", "quantile", "target")
"""Threshold methods."""

METHOD_LABELS = {"sigma": "历史均值 ± kσ", "quantile": "历史分位数", "target": "年度目标"}

_NO_SIGNAL = {
    -1: "历史数据不足",
    -2: "历史波动为零，无法分档",
    -3: "无年度目标",
    -4: "目标为 0，无法计算相对差距",
    -5: "上年数值缺失或不为正，无法计算增速",
}


@dataclass(frozen=True)
class SignalOptions:
    """The options that make a signal table (kept by the result, shown in its summary)."""

    method: str = "sigma"
    basis: str = "growth"
    k: tuple[float, float] = (1.0, 2.0)
    quantiles: tuple[float, float, float, float] = (0.10, 0.25, 0.75, 0.90)
    target_bands: tuple[float, float, float, float] = (-0.10, 0.0, 0.10, 0.20)
    window: int = 5
    min_history: int = 3

    def check(self) -> None:
        """Validate before computing.

        Raises
        ------
        InputError
            In Chinese, naming the option and the value.
        """
        if self.method not in METHODS:
            raise InputError(f"信号方法 method 只能是 {'、'.join(METHODS)}，收到 {self.method!r}")
        if self.basis not in ("level", "growth"):
            raise InputError(
                f"监测口径 basis 只能是 level（水平值）或 growth（同比增速），收到 {self.basis!r}"
            )
        k1, k2 = self.k
        if not 0 < k1 < k2:
            raise InputError(f"σ 倍数 k 应满足 0 < k1 < k2，收到 {self.k}")
        q = self.quantiles
        if not (0 <= q[0] < q[1] < q[2] < q[3] <= 1):
            raise InputError(f"分位数 quantiles 应递增且在 0–1 之间，收到 {q}")
        b = self.target_bands
        if not (b[0] < b[1] <= b[2] < b[3]):
            raise InputError(f"目标分档 target_bands 应满足 b1 < b2 ≤ b3 < b4，收到 {b}")
        if self.window < 2:
            raise InputError(f"历史窗口 window 至少 2 年，收到 {self.window}")
        if not 2 <= self.min_history <= self.window:
            raise InputError(
                f"最少历史年数 min_history 应在 2 与窗口 {self.window} 之间，收到 {self.min_history}"
            )

    def rule_texts(self) -> dict[int, str]:
        """Signal code → the rule that gives it (Chinese), for this method and its parameters."""
        k1, k2 = (f"{v:g}" for v in self.k)
        if self.method == "sigma":
            cuts: tuple[str, ...] = (f"μ−{k2}σ", f"μ−{k1}σ", f"μ+{k1}σ", f"μ+{k2}σ")
        elif self.method == "quantile":
            cuts = tuple(f"P{100 * q:g}" for q in self.quantiles)
        else:
            cuts = tuple(f"目标{100 * b:+g}%" for b in self.target_bands)
        basis = "增速" if self.method != "target" and self.basis == "growth" else "数值"
        c1, c2, c3, c4 = cuts
        return {
            1: f"{basis} < {c1}",
            2: f"{c1} ≤ {basis} < {c2}",
            3: f"{c2} ≤ {basis} ≤ {c3}",
            4: f"{c3} < {basis} ≤ {c4}",
            5: f"{basis} > {c4}",
            **_NO_SIGNAL,
        }


def band(y: Any, c1: Any, c2: Any, c3: Any, c4: Any) -> np.ndarray:
    """Signal code 1–5 of ``y`` for cut points ``c1 < c2 < c3 < c4`` (arrays broadcast; a value
    equal to a cut takes the colour nearer to green; 0 where ``y`` or a cut is NaN).

    >>> band([0.9, 1.0, 1.1, 2.0, 2.1], -2, -1, 1, 2).tolist()
    [3, 3, 4, 4, 5]
    >>> band([-1.1, -1.0, -2.0, -2.1], -2, -1, 1, 2).tolist()
    [2, 3, 2, 1]
    """
    y, c1, c2, c3, c4 = (np.asarray(a, dtype="float64") for a in (y, c1, c2, c3, c4))
    code = np.where(
        y < c1, 1, np.where(y < c2, 2, np.where(y <= c3, 3, np.where(y <= c4, 4, 5)))
    ).astype("int8")
    nan = np.isnan(y) | np.isnan(c1) | np.isnan(c2) | np.isnan(c3) | np.isnan(c4)
    code[np.broadcast_to(nan, code.shape)] = 0
    return code


def growth(values: np.ndarray) -> np.ndarray:
    """Year-on-year growth ``v_t / v_{t−1} − 1`` along the last axis (NaN in the first year and
    where the previous value is missing or not positive).

    >>> growth(np.array([[100.0, 110.0, 99.0, 0.0, 5.0]])).round(4).tolist()
    [[nan, 0.1, -0.1, -1.0, nan]]
    """
    out = np.full(values.shape, np.nan)
    prev = values[..., :-1]
    with np.errstate(divide="ignore", invalid="ignore"):
        g = values[..., 1:] / prev - 1.0
    out[..., 1:] = np.where(prev > 0, g, np.nan)
    return out


def _window_quantiles(win: np.ndarray, qs: Sequence[float]) -> list[np.ndarray]:
    """Quantiles (linear interpolation, ignoring NaN) along the last axis, vectorised."""
    s = np.sort(win, axis=-1)  # NaN last
    n = np.sum(~np.isnan(win), axis=-1)
    out = []
    for q in qs:  # over the few quantiles
        pos = q * (n - 1)
        lo = np.clip(np.floor(pos).astype("int64"), 0, None)
        hi = np.clip(np.ceil(pos).astype("int64"), 0, None)
        a = np.take_along_axis(s, lo[..., None], axis=-1)[..., 0]
        b = np.take_along_axis(s, hi[..., None], axis=-1)[..., 0]
        v = a + (b - a) * (pos - lo)
        out.append(np.where(n > 0, v, np.nan))
    return out


def _rolling_moments(y: np.ndarray, window: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Count, mean and sample standard deviation (ddof 1) of the ``window`` values before each
    year along the last axis (NaN ignored), from cumulative sums of the values less their series' first value rounded to an integer
    (large levels lose no precision; integer data stay exact, so a value equal to a cut
    point is recognised as equal)."""
    valid = ~np.isnan(y)
    at = np.argmax(valid, axis=-1)[..., None]
    first = np.round(np.nan_to_num(np.take_along_axis(y, at, axis=-1)[..., 0]))
    z = np.where(valid, y - first[..., None], 0.0)
    pad = [(0, 0)] * (y.ndim - 1) + [(1, 0)]
    c1 = np.pad(np.cumsum(valid, axis=-1, dtype="float64"), pad)
    s1 = np.pad(np.cumsum(z, axis=-1), pad)
    s2 = np.pad(np.cumsum(z * z, axis=-1), pad)
    t = np.arange(y.shape[-1])
    hi, lo = t, np.maximum(t - window, 0)  # the window is years lo … t−1 (cumsum index hi)
    n = c1[..., hi] - c1[..., lo]
    a = s1[..., hi] - s1[..., lo]
    b = s2[..., hi] - s2[..., lo]
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = a / n
        var = np.maximum(b - a * mean, 0.0) / (n - 1)
    return n, mean + first[..., None], np.sqrt(var)


def _history_cuts(
    y: np.ndarray, opts: SignalOptions
) -> tuple[list[np.ndarray], np.ndarray, np.ndarray, np.ndarray]:
    """Cut points, centre, spread (all on ``y``) and the no-signal code per cell from the
    ``window`` years before each year."""
    if opts.method == "sigma":
        n, mu, sd = _rolling_moments(y, opts.window)
        enough = n >= opts.min_history
        k1, k2 = opts.k
        cuts = [mu + k * sd for k in (-k2, -k1, k1, k2)]
        centre, spread = mu, sd
        zero = enough & (sd <= 1e-12 * np.maximum(np.abs(mu), 1.0))
    else:
        shape = y.shape
        cuts = [np.full(shape, np.nan) for _ in range(4)]
        centre = np.full(shape, np.nan)
        spread = np.full(shape, np.nan)
        n = np.zeros(shape)
        for t in range(1, shape[-1]):  # over years, not counties
            win = y[..., max(0, t - opts.window) : t]
            n[..., t] = np.sum(~np.isnan(win), axis=-1)
            q = _window_quantiles(win, [*opts.quantiles[:2], 0.5, *opts.quantiles[2:]])
            for j, v in enumerate((q[0], q[1], q[3], q[4])):
                cuts[j][..., t] = v
            centre[..., t], spread[..., t] = q[2], q[3] - q[1]
        enough = n >= opts.min_history
        zero = enough & (cuts[3] == cuts[0])
    why = np.where(enough, np.where(zero, -2, 0), -1).astype("int8")
    ok = why == 0
    cuts = [np.where(ok, c, np.nan) for c in cuts]
    return cuts, centre, spread, why


@dataclass
class Signals(Result):
    """Five-colour signals of every county × indicator × year (see the module docstring).

    ``tables()``: 信号 (one row per county, indicator and year with a value: ``value``, the
    monitored ``basis_value``, ``centre`` — μ, median or target in the indicator's unit —,
    ``score``, the cut points ``cut_1 … cut_4`` in the unit of ``basis_value`` (the boundary of
    蓝/浅蓝, 浅蓝/绿, 绿/黄, 黄/红; for a negative indicator the scale is reversed), ``signal``,
    ``meaning``, ``rule``) and 综合预警指数 (county × year).
    """

    cube: Cube
    code: np.ndarray
    basis_values: np.ndarray
    centre: np.ndarray
    score: np.ndarray
    cuts: list[np.ndarray]
    why: np.ndarray
    direction: np.ndarray
    options: SignalOptions
    weights: np.ndarray
    names: dict[str, str] = field(default_factory=dict)
    county_names: dict[str, str] = field(default_factory=dict)
    synthetic: bool = False
    notes: Sequence[str] = ()

    headers: ClassVar[dict[str, str]] = {
        "region_code": "区划代码",
        "county": "县级单位",
        "indicator": "指标代码",
        "indicator_name": "指标",
        "direction": "方向",
        "year": "年份",
        "value": "数值",
        "basis_value": "监测值",
        "centre": "基准（均值/中位数/目标）",
        "score": "偏离得分",
        "cut_1": "蓝/浅蓝界",
        "cut_2": "浅蓝/绿界",
        "cut_3": "绿/黄界",
        "cut_4": "黄/红界",
        "signal": "信号",
        "meaning": "含义",
        "rule": "判定规则",
        "index": "综合预警指数",
        "mean_score": "平均灯值",
        "n_signals": "参与指标数",
        "alerts": "红灯或蓝灯数",
        "n_red": "红灯数",
        "n_blue": "蓝灯数",
    }

    def __post_init__(self) -> None:
        self._index: pd.DataFrame | None = None

    def signal_table(self, *, county: str | None = None, all_cells: bool = False) -> pd.DataFrame:
        """The long signal table: cells with a value (``all_cells``: every cell), of every
        county or of ``county`` only."""
        cube = self.cube
        sl: slice | list[int] = slice(None)
        if county is not None:
            codes = cube.codes.tolist()
            if str(county) not in codes:
                raise InputError(f"监测面板中没有县级单位 {county}")
            sl = [codes.index(str(county))]
            cube = Cube(cube.codes[sl], cube.indicators, cube.years, cube.values[sl])
        d = self.direction[None, :, None]
        cuts = [np.where(d > 0, c[sl], -c[sl]) for c in self.cuts]
        centre = np.where(d > 0, self.centre[sl], -self.centre[sl])
        long = cube.long(
            basis_value=self.basis_values[sl],
            centre=centre,
            score=self.score[sl],
            cut_1=cuts[0],
            cut_2=cuts[1],
            cut_3=cuts[2],
            cut_4=cuts[3],
            code=self.code[sl],
            why=self.why[sl],
        )
        if not all_cells:
            long = long[long["value"].notna().to_numpy()].reset_index(drop=True)
        code = long.pop("code").to_numpy()
        why = long.pop("why").to_numpy()
        rules = self.options.rule_texts()
        key = np.where(code > 0, code, np.where(why < 0, why, -1))
        long["signal"] = pd.Categorical(
            pd.Series(code).map(COLOURS).to_numpy(), categories=list(COLOURS.values())
        )
        long["meaning"] = pd.Series(code).map(MEANING).to_numpy()
        long["rule"] = pd.Series(key).map(rules).to_numpy()
        dirs = {
            i: ("+" if v > 0 else "-") for i, v in zip(cube.indicators, self.direction, strict=True)
        }
        long.insert(2, "direction", long["indicator"].map(dirs))
        if self.names:
            long.insert(
                2, "indicator_name", long["indicator"].map(self.names).fillna(long["indicator"])
            )
        if self.county_names:
            long.insert(1, "county", long["region_code"].map(self.county_names))
        return long

    def index_table(self) -> pd.DataFrame:
        """The composite warning index per county and year (see the module docstring)."""
        if self._index is None:
            self._index = warning_index(self.code, self.weights, self.cube)
            if self.county_names:
                self._index.insert(1, "county", self._index["region_code"].map(self.county_names))
        return self._index.copy()

    def codes(self, year: int) -> pd.DataFrame:
        """County × indicator matrix of signal codes (0: none) in ``year``."""
        t = self._t(year)
        return pd.DataFrame(self.code[:, :, t], index=self.cube.codes, columns=self.cube.indicators)

    def _t(self, year: int) -> int:
        years = self.cube.years.tolist()
        if int(year) not in years:
            raise InputError(f"监测面板中没有 {year} 年（{years[0]}–{years[-1]}）")
        return years.index(int(year))

    def latest_year(self) -> int:
        """The last year in which any cell has a signal."""
        has = (self.code > 0).any(axis=(0, 1))
        if not has.any():
            raise InputError("没有任何信号：历史年数不足或没有年度目标")
        return int(self.cube.years[np.flatnonzero(has)[-1]])

    def tables(self) -> dict[str, pd.DataFrame]:
        return {"信号": self.signal_table(), "综合预警指数": self.index_table()}

    def info_table(self) -> pd.DataFrame:
        o = self.options
        rows = [
            ("方法", METHOD_LABELS[o.method]),
            ("口径", "同比增速" if o.basis == "growth" and o.method != "target" else "水平值"),
            (
                "判定规则",
                "；".join(f"{COLOURS[c]}：{t}" for c, t in o.rule_texts().items() if c > 0),
            ),
            ("颜色含义", "；".join(f"{COLOURS[c]} {MEANING[c]}" for c in COLOURS)),
            ("历史窗口", f"前 {o.window} 年，至少 {o.min_history} 年"),
            (
                "依据",
                "国家统计局宏观经济监测预警信号（红 过热、黄 偏热、绿 正常、浅蓝 偏冷、蓝 过冷）",
            ),
        ]
        return pd.DataFrame(rows, columns=["项目", "说明"])

    def summary(self) -> str:
        o = self.options
        try:
            year = self.latest_year()
        except InputError:
            return self.labelled(
                f"五色信号（{METHOD_LABELS[o.method]}）：没有任何信号（历史不足或无目标）"
            )
        codes = self.code[:, :, self._t(year)]
        counts = {COLOURS[c]: int((codes == c).sum()) for c in COLOURS}
        idx = self.index_table()
        idx = idx[idx["year"] == year]
        lines = [
            f"五色信号（{METHOD_LABELS[o.method]}，"
            f"{'同比增速' if o.basis == 'growth' and o.method != 'target' else '水平值'}）："
            f"{len(self.cube.codes)} 个县级单位 × {len(self.cube.indicators)} 项指标，"
            f"{int(self.cube.years[0])}–{int(self.cube.years[-1])} 年",
            f"{year} 年信号：" + "，".join(f"{k} {v}" for k, v in counts.items()),
            "颜色含义："
            + "，".join(f"{COLOURS[c]}{MEANING[c]}" for c in COLOURS)
            + "（按指标有利方向；红、蓝均为预警）",
        ]
        if len(idx):
            lines.append(
                f"{year} 年综合预警指数（100 为全部绿灯）：中位数 {idx['index'].median():.1f}，"
                f"亮红灯或蓝灯的县 {int((idx['alerts'] > 0).sum())} 个"
            )
        return self.labelled("\n".join(lines))


def warning_index(code: np.ndarray, weights: np.ndarray, cube: Cube) -> pd.DataFrame:
    """Composite warning index per county and year from signal codes ``code[c, i, t]``
    (0 = no signal) and indicator ``weights`` (see the module docstring).

    Returns
    -------
    DataFrame
        ``region_code, year, index, mean_score, signal, n_signals, alerts, n_red, n_blue``
        (county-years without any signal left out).
    """
    w = np.asarray(weights, dtype="float64")[None, :, None]
    has = code > 0
    wsum = np.sum(np.where(has, w, 0.0), axis=1)
    ssum = np.sum(np.where(has, w * code, 0.0), axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = ssum / wsum
    index = 100.0 * mean / 3.0
    colour = band(mean, 1.5, 2.5, 3.5, 4.5)
    c, t = mean.shape
    out = pd.DataFrame(
        {
            "region_code": np.repeat(cube.codes, t),
            "year": np.tile(cube.years, c),
            "index": index.reshape(-1),
            "mean_score": mean.reshape(-1),
            "signal": pd.Series(colour.reshape(-1)).map(COLOURS).to_numpy(),
            "n_signals": has.sum(axis=1).reshape(-1),
            "alerts": ((code == 1) | (code == 5)).sum(axis=1).reshape(-1),
            "n_red": (code == 5).sum(axis=1).reshape(-1),
            "n_blue": (code == 1).sum(axis=1).reshape(-1),
        }
    )
    return out[out["n_signals"] > 0].reset_index(drop=True)


def signals(
    panel: pd.DataFrame,
    *,
    method: str = "sigma",
    targets: pd.DataFrame | None = None,
    directions: Mapping[str, str] | None = None,
    basis: str = "growth",
    k: tuple[float, float] = (1.0, 2.0),
    quantiles: tuple[float, float, float, float] = (0.10, 0.25, 0.75, 0.90),
    target_bands: tuple[float, float, float, float] = (-0.10, 0.0, 0.10, 0.20),
    window: int = 5,
    min_history: int = 3,
    weights: Mapping[str, float] | None = None,
    names: Mapping[str, str] | None = None,
    county_names: Mapping[str, str] | None = None,
    synthetic: bool = False,
) -> Signals:
    """Five-colour signals of a long panel (rules and sources in the module docstring).

    Parameters
    ----------
    panel : DataFrame
        ``region_code, indicator, year, value`` (one row per county, indicator and year).
    method : {"sigma", "quantile", "target"}
        Thresholds from the county's own history (mean ± kσ or quantiles of the ``window``
        years before) or from its yearly targets.
    targets : DataFrame, optional
        ``region_code, indicator, year, target`` (required by ``method="target"``).
    directions : mapping, optional
        Indicator → ``"+"`` (positive, default) or ``"-"`` (negative).
    basis : {"growth", "level"}
        What the history methods monitor: year-on-year growth or the level (targets always
        compare levels).
    k : (k1, k2)
        σ multiples of the ``sigma`` method (default 1 and 2).
    quantiles : (q1, q2, q3, q4)
        Quantiles of the ``quantile`` method.
    target_bands : (b1, b2, b3, b4)
        Relative gaps to the target of the ``target`` method.
    window, min_history : int
        Years of history before each year, and the fewest of them with a value.
    weights : mapping, optional
        Indicator → weight in the composite warning index (default equal).
    names, county_names : mapping, optional
        Chinese names of indicators and counties for the tables.
    synthetic : bool
        The panel is 示例数据.

    Examples
    --------
    A positive indicator with growth 10 %, 10 %, 12 %, 8 % and then 20 %: μ = 10 %, σ = 1.633 %
    (ddof 1), z = (20 − 10)/1.633 = 6.12 > 2 → 红:

    >>> v = [100, 110, 121, 135.52, 146.3616, 175.63392]
    >>> p = pd.DataFrame({"region_code": "A", "indicator": "x",
    ...                   "year": range(2018, 2024), "value": v})
    >>> s = signals(p, window=4, min_history=4).signal_table()
    >>> s[["year", "signal"]].tail(1).values.tolist(), round(float(s["score"].iloc[-1]), 2)
    ([[2023, '红']], 6.12)
    """
    opts = SignalOptions(
        method=method,
        basis=basis,
        k=(float(k[0]), float(k[1])),
        quantiles=tuple(float(q) for q in quantiles),  # type: ignore[arg-type]
        target_bands=tuple(float(b) for b in target_bands),  # type: ignore[arg-type]
        window=int(window),
        min_history=int(min_history),
    )
    opts.check()
    cube = to_cube(panel)
    d = directions_array(cube.indicators, directions)
    dd = d[None, :, None]
    if opts.method == "target":
        if targets is None or targets.empty:
            raise InputError("按年度目标判定信号需要目标表（region_code, indicator, year, target）")
        x = cube.values
        target = cube.aligned(targets, "target")
        ty = dd * target
        scale = np.abs(target)
        cuts = [ty + scale * b for b in opts.target_bands]
        why = np.where(np.isnan(target), -3, np.where(target == 0, -4, 0)).astype("int8")
        for j in range(4):
            cuts[j] = np.where(why == 0, cuts[j], np.nan)
        y = dd * x
        with np.errstate(invalid="ignore", divide="ignore"):
            score = np.where(why == 0, (y - ty) / scale, np.nan)
        centre_y = ty
    else:
        x = growth(cube.values) if opts.basis == "growth" else cube.values
        y = dd * x
        cuts, centre_y, spread, why = _history_cuts(y, opts)
        with np.errstate(invalid="ignore", divide="ignore"):
            score = (y - centre_y) / spread
        score = np.where(why == 0, score, np.nan)
        if opts.basis == "growth":
            no_growth = np.isnan(x) & ~np.isnan(cube.values)
            why = np.where(no_growth, -5, why).astype("int8")
    code = band(y, *cuts)
    w = np.ones(len(cube.indicators))
    if weights:
        unknown = sorted(set(weights) - set(cube.indicators))
        if unknown:
            raise InputError(f"权重中的指标不在监测面板中：{'、'.join(unknown)}")
        w = np.array([float(weights.get(str(i), 0.0)) for i in cube.indicators])
        if (w < 0).any() or w.sum() <= 0:
            raise InputError("综合预警指数的权重应非负且不全为 0")
    return Signals(
        cube=cube,
        code=code,
        basis_values=x,
        centre=centre_y,
        score=score,
        cuts=cuts,
        why=why,
        direction=d,
        options=opts,
        weights=w,
        names=dict(names or {}),
        county_names=dict(county_names or {}),
        synthetic=synthetic,
    )
