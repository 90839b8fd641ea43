"""Classic and spatial Markov chains of a panel variable.

Classic Markov chain (discrete states, first-order, time-homogeneous): units are classified
into k states (pooled quantiles of all unit-years by default, per-year quantiles, or given
cut-offs; a value x is in state s when c_{s-1} < x ≤ c_s), transitions t → t+1 between
consecutive observed years are counted, n_ij, and p_ij = n_ij / n_i· (maximum likelihood).
Steady state π = πP and mean first-passage times follow Kemeny & Snell (1976), see
:mod:`.markov_ergodic` (same values as PySAL giddy's ``steady_state`` / ``mfpt``; ∞ = not
reached with probability 1).

Spatial Markov (Rey, S. J. 2001, "Spatial empirics for economic growth and convergence",
*Geographical Analysis* 33: 195–214): the transition matrix is estimated separately for each
class of the spatial lag Σ_j w_ij y_j (row-standardised weights) at the start year t. By default
the lag is classified **with the same cut-offs as the variable** (``lag_cutoffs="same"``; the
convention of the Chinese literature, e.g. the replication study "green"); giddy's own default
uses quantiles of the lag (``lag_cutoffs="quantile"``). Homogeneity of the regime matrices is
tested with the Q (χ²) and LR statistics of Bickenbach & Bode (2003, *International Regional
Science Review* 26: 363–392), as giddy's ``Homogeneity_Results``.

Quantiles use linear interpolation (``numpy.quantile`` default, = PySAL mapclassify).

Three units over three years with the cut-off 2 (state 低水平 if x ≤ 2, else 高水平):
甲 (1, 3, 3) moves 低→高, 高→高; 乙 (1, 1, 3) 低→低, 低→高; 丙 (3, 3, 1) 高→高, 高→低. Counts:
低 row (1, 2), 高 row (1, 2), so both rows of P are (1/3, 2/3):

>>> import pandas as pd
>>> df = pd.DataFrame({"unit": ["甲"] * 3 + ["乙"] * 3 + ["丙"] * 3,
...                    "year": [2020, 2021, 2022] * 3,
...                    "x": [1.0, 3.0, 3.0, 1.0, 1.0, 3.0, 3.0, 3.0, 1.0]})
>>> res = markov_chain(df, "x", "unit", "year", cutoffs=[2.0])
>>> res.counts.to_numpy().tolist()
[[1, 2], [1, 2]]
>>> res.probabilities.to_numpy().round(4).tolist()
[[0.3333, 0.6667], [0.3333, 0.6667]]

Where to look
-------------
* Docs: ``docs/disparity.md`` §4.
* Tests: ``tests/disparity/test_disparity_pysal_refs.py`` (giddy US incomes: classic and
  spatial Markov, homogeneity test), ``tests/disparity/test_disparity_green.py`` (green study
  frequencies and probabilities), ``tests/disparity/test_disparity_degenerate.py``.
* CLI: ``xinzhi disparity markov`` (``--weights`` for spatial Markov), ``xinzhi analysis markov``,
  ``xinzhi analysis spatial-markov``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

from xinzhi.disparity._common import DisparityResult, MissingPolicy, check_columns, numeric_column
from xinzhi.disparity.markov_ergodic import (
    homogeneity_test,
    mean_first_passage_times,
    steady_states,
)
from xinzhi.disparity.spatial_weights import IslandPolicy, WeightsTransform, align_weights
from xinzhi.errors import ComputationError

__all__ = [
    "MarkovResult",
    "SpatialMarkovResult",
    "classify",
    "default_class_names",
    "markov_chain",
    "quantile_cutoffs",
    "spatial_markov",
]

Classification = Literal["pooled", "per-year"]


def default_class_names(k: int) -> list[str]:
    """Chinese state names: k=4 → 低水平, 中低水平, 中高水平, 高水平 (as in the literature)."""
    names = {
        2: ["低水平", "高水平"],
        3: ["低水平", "中等水平", "高水平"],
        4: ["低水平", "中低水平", "中高水平", "高水平"],
        5: ["低水平", "中低水平", "中等水平", "中高水平", "高水平"],
    }
    return names.get(k, [f"状态{i + 1}" for i in range(k)])


def quantile_cutoffs(values: ArrayLike, k: int) -> NDArray[np.float64]:
    """The k − 1 inner quantile cut-offs (linear interpolation) of ``values``."""
    y = np.asarray(values, dtype=float)
    if k < 2:
        raise ComputationError("马尔可夫链至少需要 2 个状态（k ≥ 2）")
    cut = np.quantile(y, np.arange(1, k) / k)
    if np.any(np.diff(cut) <= 0):
        raise ComputationError(
            f"分位数切点不严格递增（数据取值重复太多，无法分成 {k} 类）：{np.round(cut, 6).tolist()}；"
            "请减少状态数或给定切点（cutoffs）"
        )
    return cut


def classify(values: ArrayLike, cutoffs: ArrayLike) -> NDArray[np.intp]:
    """State index s with c_{s−1} < x ≤ c_s (0-based; values above the last cut-off → k − 1)."""
    cut = np.asarray(cutoffs, dtype=float)
    if cut.ndim != 1 or np.any(np.diff(cut) <= 0):
        raise ComputationError("切点（cutoffs）必须是严格递增的一维数列")
    return np.searchsorted(cut, np.asarray(values, dtype=float), side="left")


def _panel(
    data: pd.DataFrame, value: str, unit: str, year: str, missing: MissingPolicy, what: str
) -> tuple[pd.DataFrame, list[str]]:
    """Wide unit × year table (NaN where absent) after checks."""
    check_columns(data, value, unit, year)
    kept, dropped = numeric_column(data, value, missing, what)
    notes = [f"删除了 {len(dropped)} 行缺失值"] if len(dropped) else []
    dup = kept.duplicated([unit, year])
    if dup.any():
        raise ComputationError(f"{what}：同一单元同一年份出现多行（共 {int(dup.sum())} 行）")
    wide = kept.pivot(index=unit, columns=year, values=value).sort_index(axis=1)
    if wide.shape[1] < 2:
        raise ComputationError(f"{what}：至少需要 2 个年份才能统计状态转移")
    holes = wide.isna()
    if holes.any().any():
        if missing == "error":
            r_idx, c_idx = np.nonzero(holes.to_numpy())
            shown = "、".join(
                f"{wide.index[r]}/{wide.columns[c]}"
                for r, c in zip(r_idx[:10], c_idx[:10], strict=True)
            )
            raise ComputationError(
                f"{what}：面板不平衡，{int(holes.to_numpy().sum())} 个单元-年份缺失（如 {shown}）；"
                "请补齐，或使用 missing='drop'（只统计前后两年都有值的转移）"
            )
        notes.append(
            f"面板不平衡：{int(holes.to_numpy().sum())} 个单元-年份缺失，只统计前后两年都有值的转移"
        )
    years = np.asarray(wide.columns)
    if np.issubdtype(years.dtype, np.number) and np.unique(np.diff(years)).size > 1:
        notes.append("年份间隔不等：转移按相邻观测年份统计")
    return wide, notes


def _state_matrix(
    wide: pd.DataFrame, k: int, cutoffs: ArrayLike | None, classification: Classification
) -> tuple[NDArray[np.intp], Any]:
    """States (units × years, −1 = missing) and the cut-offs used."""
    vals = wide.to_numpy(dtype=float)
    present = ~np.isnan(vals)
    if cutoffs is not None:
        cut: Any = np.asarray(cutoffs, dtype=float)
        states = np.where(present, classify(np.nan_to_num(vals), cut), -1)
    elif classification == "pooled":
        cut = quantile_cutoffs(vals[present], k)
        states = np.where(present, classify(np.nan_to_num(vals), cut), -1)
    elif classification == "per-year":
        cols = [quantile_cutoffs(vals[present[:, t], t], k) for t in range(vals.shape[1])]
        cut = pd.DataFrame(cols, index=wide.columns)
        states = np.column_stack(
            [
                np.where(present[:, t], classify(np.nan_to_num(vals[:, t]), cols[t]), -1)
                for t in range(vals.shape[1])
            ]
        )
    else:
        raise ComputationError(f"分类方式只能是 pooled 或 per-year，收到 {classification!r}")
    return np.asarray(states, dtype=np.intp), cut


def _count(origin: NDArray[np.intp], dest: NDArray[np.intp], k: int) -> NDArray[np.float64]:
    ok = (origin >= 0) & (dest >= 0)
    return np.bincount(origin[ok] * k + dest[ok], minlength=k * k).reshape(k, k).astype(float)


def _probabilities(counts: NDArray[np.float64]) -> NDArray[np.float64]:
    rows = counts.sum(axis=-1, keepdims=True)
    return np.divide(counts, rows, out=np.zeros_like(counts), where=rows > 0)


def _ergodic(p: NDArray[np.float64], notes: list[str], label: str) -> tuple[np.ndarray, np.ndarray]:
    empty = p.sum(axis=1) == 0
    if empty.any():
        notes.append(f"{label}有 {int(empty.sum())} 个状态从未作为起点出现，计算稳态时视为吸收态")
    ss = steady_states(p)
    fp = mean_first_passage_times(p)
    if ss.shape[0] > 1:
        notes.append(f"{label}转移矩阵可约，有 {ss.shape[0]} 个常返类，稳态分布不唯一")
    return ss, fp


def _square(mat: np.ndarray, names: list[str]) -> pd.DataFrame:
    return pd.DataFrame(mat, index=pd.Index(names, name="from"), columns=pd.Index(names, name="to"))


@dataclass
class MarkovResult(DisparityResult):
    """Classic Markov chain.

    ``counts`` / ``probabilities`` / ``mfpt``: k × k DataFrames (rows = state at t, columns = state
    at t+1; ∞ in ``mfpt`` = unreachable). ``steady_state``: one row per recurrent class.
    ``cutoffs``: array (pooled / given) or DataFrame (per-year). ``states``: long table
    ``unit, year, value, state``.
    """

    counts: pd.DataFrame
    probabilities: pd.DataFrame
    steady_state: pd.DataFrame
    mfpt: pd.DataFrame
    cutoffs: Any
    states: pd.DataFrame
    class_names: list[str] = field(default_factory=list)

    title: ClassVar[str] = "传统马尔可夫链"
    headers: ClassVar[dict[str, str]] = {
        "from": "期初状态",
        "to": "期末状态",
        "count": "频数",
        "probability": "概率",
        "unit": "单元",
        "year": "年份",
        "value": "数值",
        "state": "状态",
    }

    def tidy(self) -> pd.DataFrame:
        """Long table ``from, to, count, probability``."""
        k = len(self.class_names)
        names = np.asarray(self.class_names, dtype=object)
        return pd.DataFrame(
            {
                "from": np.repeat(names, k),
                "to": np.tile(names, k),
                "count": self.counts.to_numpy().ravel(),
                "probability": self.probabilities.to_numpy().ravel(),
            }
        )

    def tables(self) -> dict[str, pd.DataFrame]:
        cut = self.cutoffs
        cut_df = (
            cut.reset_index()
            if isinstance(cut, pd.DataFrame)
            else pd.DataFrame({"state": self.class_names[:-1], "upper_cutoff": np.asarray(cut)})
        )
        return {
            "转移长表": self.tidy(),
            "转移频数": self.counts.reset_index(),
            "转移概率": self.probabilities.reset_index(),
            "稳态分布": self.steady_state,
            "平均首达时间": self.mfpt.reset_index(),
            "状态切点": cut_df,
            "单元状态": self.states,
        }

    def summary(self) -> str:
        lines = [self.title, f"选项：{self._options_text()}", *[f"注：{n}" for n in self.notes]]
        lines += [
            "转移频数：",
            self.counts.to_string(),
            "转移概率：",
            self.probabilities.round(4).to_string(),
            "稳态分布：",
            self.steady_state.round(4).to_string(index=False),
        ]
        return "\n".join(lines)


def _states_long(wide: pd.DataFrame, states: np.ndarray, names: list[str]) -> pd.DataFrame:
    vals = wide.to_numpy(dtype=float)
    units = np.repeat(wide.index.to_numpy(), vals.shape[1])
    years = np.tile(np.asarray(wide.columns), vals.shape[0])
    ok = states.ravel() >= 0
    return pd.DataFrame(
        {
            "unit": units[ok],
            "year": years[ok],
            "value": vals.ravel()[ok],
            "state": np.asarray(names, dtype=object)[states.ravel()[ok]],
        }
    )


def markov_chain(
    data: pd.DataFrame,
    value: str,
    unit: str,
    year: str,
    *,
    k: int = 4,
    cutoffs: ArrayLike | None = None,
    classification: Classification = "pooled",
    class_names: list[str] | None = None,
    missing: MissingPolicy = "error",
) -> MarkovResult:
    """Classic Markov chain of ``value`` over the panel ``unit`` × ``year``.

    Parameters
    ----------
    k
        Number of states when quantiles are used (default 4 = quartiles).
    cutoffs
        Given inner cut-offs (k − 1 increasing values); overrides ``k``/``classification``.
    classification
        ``"pooled"`` (default: quantiles of all unit-years together) or ``"per-year"``
        (quantiles of each year separately, as in giddy's US-income example).
    class_names
        State names (default :func:`default_class_names`).
    missing
        ``"error"`` (unbalanced panel is an error) or ``"drop"`` (count only transitions whose
        two years are present).
    """
    wide, notes = _panel(data, value, unit, year, missing, "马尔可夫链")
    states, cut = _state_matrix(wide, k, cutoffs, classification)
    k = (len(cut) + 1) if cutoffs is not None else k
    names = class_names or default_class_names(k)
    if len(names) != k:
        raise ComputationError(f"状态名称数（{len(names)}）与状态数（{k}）不一致")
    counts = _count(states[:, :-1].ravel(), states[:, 1:].ravel(), k)
    if counts.sum() == 0:
        raise ComputationError("马尔可夫链：没有任何可统计的相邻年份转移")
    p = _probabilities(counts)
    ss, fp = _ergodic(p, notes, "")
    return MarkovResult(
        counts=_square(counts.astype(np.int64), names),
        probabilities=_square(p, names),
        steady_state=pd.DataFrame(ss, columns=names),
        mfpt=_square(fp, names),
        cutoffs=cut,
        states=_states_long(wide, states, names),
        class_names=names,
        options={
            "value": value,
            "unit": unit,
            "year": year,
            "k": k,
            "cutoffs": "given" if cutoffs is not None else "quantile",
            "classification": classification,
            "missing": missing,
        },
        notes=notes,
    )


@dataclass
class SpatialMarkovResult(DisparityResult):
    """Spatial Markov chain (Rey 2001).

    ``counts``: long table ``lag_state, from, to, count, probability`` (k_lag × k × k rows);
    ``global_counts``: the classic k × k matrix; ``homogeneity``: Q and LR statistics with
    degrees of freedom and p-values (Bickenbach & Bode 2003); ``steady_state``: one row per lag
    class (first recurrent class if several); ``lags``: ``unit, year, lag, lag_state, state_t,
    state_t1``.
    """

    counts: pd.DataFrame
    global_counts: pd.DataFrame
    homogeneity: pd.DataFrame
    steady_state: pd.DataFrame
    cutoffs: NDArray[np.float64]
    lag_cutoffs: NDArray[np.float64]
    lags: pd.DataFrame
    matrices: NDArray[np.float64]  # k_lag × k × k counts
    class_names: list[str] = field(default_factory=list)
    lag_class_names: list[str] = field(default_factory=list)

    title: ClassVar[str] = "空间马尔可夫链"
    headers: ClassVar[dict[str, str]] = {
        "lag_state": "邻域状态",
        "from": "转移前状态",
        "to": "转移后状态",
        "count": "频数",
        "probability": "概率",
        "statistic": "统计量",
        "value": "取值",
        "dof": "自由度",
        "p_value": "p值",
        "unit": "单元",
        "year": "年份",
        "lag": "空间滞后值",
        "state_t": "本期状态",
        "state_t1": "下期状态",
    }

    def tables(self) -> dict[str, pd.DataFrame]:
        return {
            "空间Markov长表": self.counts,
            "全局转移频数": self.global_counts.reset_index(),
            "齐性检验": self.homogeneity,
            "稳态分布": self.steady_state,
            "空间滞后状态": self.lags,
        }

    @property
    def probabilities(self) -> NDArray[np.float64]:
        """k_lag × k × k conditional transition probabilities (zero rows where no origin)."""
        return _probabilities(self.matrices)


def spatial_markov(
    data: pd.DataFrame,
    value: str,
    unit: str,
    year: str,
    weights: Any,
    *,
    k: int = 4,
    cutoffs: ArrayLike | None = None,
    lag_cutoffs: ArrayLike | Literal["same", "quantile"] = "same",
    m: int | None = None,
    class_names: list[str] | None = None,
    islands: IslandPolicy = "drop",
    missing: MissingPolicy = "error",
    transform: WeightsTransform = "r",
) -> SpatialMarkovResult:
    """Spatial Markov chain conditioned on the neighbours' lag class at the start year.

    Parameters
    ----------
    weights
        libpysal W, :class:`~xinzhi.disparity.spatial_weights.MatrixWeights` (or object with
        ``.w``); row-standardised for the lag unless ``transform="b"`` (as given).
    k, cutoffs
        States of the variable: pooled quantiles (k classes) or given cut-offs.
    lag_cutoffs
        ``"same"`` (default: the variable's cut-offs — Chinese-literature convention),
        ``"quantile"`` (pooled quantiles of the lag with ``m`` classes, giddy's default) or given
        cut-offs.
    m
        Number of lag classes for ``lag_cutoffs="quantile"`` (default k).
    islands
        Units without neighbours: ``"drop"`` (default), ``"error"`` or ``"keep"`` (lag 0).
    missing
        As :func:`markov_chain`; with ``"drop"`` the lag of each year uses that year's units.
    """
    wide, notes = _panel(data, value, unit, year, missing, "空间马尔可夫链")
    ids = [str(u) for u in wide.index]
    aw = align_weights(weights, ids, transform=transform, islands=islands)
    if aw.islands:
        verb = "已删除" if islands == "drop" else "保留（空间滞后为 0）"
        notes.append(f"有 {len(aw.islands)} 个孤岛单元{verb}：{'、'.join(aw.islands[:10])}")
    wide = wide[aw.keep]
    vals = wide.to_numpy(dtype=float)
    present = ~np.isnan(vals)
    if present.all():
        lag = np.asarray(aw.matrix @ vals)
    else:  # each year: neighbours present that year (re-standardised with transform "r")
        lag = np.full_like(vals, np.nan)
        for t in range(vals.shape[1]):  # loop over years, not units
            pt = present[:, t]
            sub = aw.matrix[pt][:, pt]
            rs = np.asarray(sub.sum(axis=1)).ravel()
            total = np.asarray(sub @ vals[pt, t]).ravel()
            scale = rs if transform == "r" else np.ones_like(rs)
            lt = np.divide(total, scale, out=np.full(rs.shape, np.nan), where=rs > 0)
            lag[pt, t] = lt
        no_nb = present & np.isnan(lag)
        if no_nb.any():
            notes.append(
                f"{int(no_nb.sum())} 个单元-年份当年没有有值的邻居，其转移不计入空间马尔可夫"
            )
    states, cut = _state_matrix(wide, k, cutoffs, "pooled")
    cut = np.asarray(cut, dtype=float)
    k = len(cut) + 1
    lag_present = ~np.isnan(lag)
    if isinstance(lag_cutoffs, str):
        if lag_cutoffs == "same":
            lcut = cut
        elif lag_cutoffs == "quantile":
            lcut = quantile_cutoffs(lag[lag_present], m or k)
        else:
            raise ComputationError(
                f"lag_cutoffs 只能是 same、quantile 或切点数列，收到 {lag_cutoffs!r}"
            )
    else:
        lcut = np.asarray(lag_cutoffs, dtype=float)
    m_cls = len(lcut) + 1
    lag_states = np.where(lag_present, classify(np.nan_to_num(lag), lcut), -1)
    names = class_names or default_class_names(k)
    lag_names = names if m_cls == k else default_class_names(m_cls)
    if len(names) != k:
        raise ComputationError(f"状态名称数（{len(names)}）与状态数（{k}）不一致")
    origin = states[:, :-1].ravel()
    dest = states[:, 1:].ravel()
    regime = lag_states[:, :-1].ravel()
    ok = (origin >= 0) & (dest >= 0) & (regime >= 0)
    idx = (regime[ok] * k + origin[ok]) * k + dest[ok]
    mats = np.bincount(idx, minlength=m_cls * k * k).reshape(m_cls, k, k).astype(float)
    if mats.sum() == 0:
        raise ComputationError("空间马尔可夫链：没有任何可统计的相邻年份转移")
    probs = _probabilities(mats)
    rr, ff, tt = np.meshgrid(np.arange(m_cls), np.arange(k), np.arange(k), indexing="ij")
    long = pd.DataFrame(
        {
            "lag_state": np.asarray(lag_names)[rr.ravel()],
            "from": np.asarray(names)[ff.ravel()],
            "to": np.asarray(names)[tt.ravel()],
            "count": mats.ravel().astype(np.int64),
            "probability": probs.ravel(),
        }
    )
    hom = homogeneity_test(mats)
    homog = pd.DataFrame(
        {
            "statistic": ["Q", "LR"],
            "value": [hom["Q"], hom["LR"]],
            "dof": [hom["dof"], hom["dof"]],
            "p_value": [hom["Q_p_value"], hom["LR_p_value"]],
        }
    )
    ss_rows = []
    for r in range(m_cls):
        ss, _ = _ergodic(probs[r], notes, f"邻域状态“{lag_names[r]}”的")
        ss_rows.append(ss[0])  # first recurrent class when several (noted)
    lag_long = pd.DataFrame(
        {
            "unit": np.repeat(wide.index.to_numpy(), vals.shape[1] - 1),
            "year": np.tile(np.asarray(wide.columns[:-1]), vals.shape[0]),
            "lag": lag[:, :-1].ravel(),
            "lag_state": regime,
            "state_t": origin,
            "state_t1": dest,
        }
    )
    lag_long = lag_long[ok].reset_index(drop=True)
    for col, nm in (("lag_state", lag_names), ("state_t", names), ("state_t1", names)):
        lag_long[col] = np.asarray(nm)[lag_long[col].to_numpy()]
    return SpatialMarkovResult(
        counts=long,
        global_counts=_square(mats.sum(axis=0).astype(np.int64), names),
        homogeneity=homog,
        steady_state=pd.DataFrame(
            ss_rows, columns=names, index=pd.Index(lag_names, name="lag_state")
        ).reset_index(),
        cutoffs=cut,
        lag_cutoffs=lcut,
        lags=lag_long,
        matrices=mats,
        class_names=names,
        lag_class_names=lag_names,
        options={
            "value": value,
            "unit": unit,
            "year": year,
            "k": k,
            "cutoffs": "given" if cutoffs is not None else "pooled quantile",
            "lag_cutoffs": lag_cutoffs if isinstance(lag_cutoffs, str) else "given",
            "lag_timing": "期初（t 年）",
            "transform": "r",
            "islands": islands,
            "missing": missing,
        },
        notes=notes,
    )
