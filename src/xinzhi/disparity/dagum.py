"""Dagum (1997) Gini coefficient decomposition by subgroups, exact and O(n·k) per year.

Formulas (Dagum, C. 1997, "A new approach to the decomposition of the Gini income inequality
ratio", *Empirical Economics* 22: 515–531). With k groups, n_j units in group j, means ȳ_j,
overall mean ȳ, p_j = n_j/n and s_j = n_j ȳ_j/(n ȳ):

.. math::

    G = \\frac{\\sum_j\\sum_h\\sum_i\\sum_r |y_{ji}-y_{hr}|}{2 n^2 \\bar y},\\qquad
    G_{jj} = \\frac{\\sum_i\\sum_r |y_{ji}-y_{jr}|}{2 n_j^2 \\bar y_j},\\qquad
    G_{jh} = \\frac{\\sum_i\\sum_r |y_{ji}-y_{hr}|}{n_j n_h (\\bar y_j+\\bar y_h)}

    G_w = \\sum_j G_{jj} p_j s_j,\\quad
    G_{nb} = \\sum_{j<h} G_{jh}(p_j s_h + p_h s_j) D_{jh},\\quad
    G_t = \\sum_{j<h} G_{jh}(p_j s_h + p_h s_j)(1-D_{jh})

    D_{jh} = \\frac{d_{jh}-p_{jh}}{d_{jh}+p_{jh}},\\quad
    d_{jh} = E[(y_j-y_h)^+],\\quad p_{jh} = E[(y_h-y_j)^+]

Each pair is oriented so that ȳ_j ≥ ȳ_h (Dagum's convention), hence 0 ≤ D_jh ≤ 1 and
G = G_w + G_nb + G_t exactly. Because d_jh − p_jh = ȳ_j − ȳ_h and
G_jh(p_j s_h + p_h s_j) = p_j p_h (d_jh + p_jh)/ȳ, the net between-group term reduces to
G_nb = Σ_{j<h} p_j p_h |ȳ_j − ȳ_h| / ȳ (an identity, true for every data set once the pairs are
oriented by mean), and G_nb + G_t = Σ_{j<h} p_j p_h E|y_j − y_h| / ȳ.

Algorithm (exact, no n² pair loop): after one stable sort of the year's values, the k × k
matrix P[j, h] = Σ_{i∈j} Σ_{r∈h} (y_i − y_r)^+ equals Σ over sorted position pairs r < i of
(y_i − y_r) e_{g_i} e_{g_r}ᵀ. The sorted sequence is cut into blocks of L positions; pairs in
different blocks come from per-block group sums and counts with exclusive cumulative sums (two
k × k matrix products), pairs inside a block are enumerated. Cost O(n log n + n·L + n·k²/L) with
L = clamp(round(2√k), 4, 64). Every term above follows from P (A = P + Pᵀ holds the sums of absolute
differences; D_jh = |P_jh − P_hj| / A_jh).

Conventions for degenerate input (documented, never NaN): a group whose values are all equal
(e.g. one member) has G_jj = 0; a pair with identical constant values has G_jh = 0 and D_jh = 0;
all values equal gives G = 0 (shares then reported as 0). Negative values, a zero overall mean
and missing values are errors (or dropped with ``missing="drop"``).

Four values in two groups, A = (1, 3) and B = (2, 6): n = 4, ȳ = 3. The six pairs differ by
2, 1, 5, 1, 3, 4 (sum 16), so G = 2·16/(2·4²·3) = 1/3. G_AA = 2·2/(2·2²·2) = 0.25 and
G_BB = 2·4/(2·2²·4) = 0.25; p = (½, ½), s = (1/3, 2/3), so G_w = 0.25·½·(1/3 + 2/3) = 0.125.
G_nb = p_A p_B |ȳ_A − ȳ_B|/ȳ = ¼·2/3 = 1/6 and G_t = G − G_w − G_nb = 1/24:

>>> r = dagum_gini_arrays([1.0, 3.0, 2.0, 6.0], ["A", "A", "B", "B"])
>>> [round(v, 4) for v in (r.G, r.Gw, r.Gnb, r.Gt)]
[0.3333, 0.125, 0.1667, 0.0417]

Where to look
-------------
* Docs: ``docs/disparity.md`` §1.
* Tests: ``tests/disparity/test_disparity_green.py`` (green study chapter 5 to 1e-12),
  ``tests/disparity/test_dagum_properties.py`` (identities, hand example, pairwise check),
  ``tests/disparity/test_disparity_degenerate.py``, ``tests/pipelines/test_pipeline_disparity.py``.
* CLI: ``xinzhi disparity dagum``, ``xinzhi analysis dagum``.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from functools import lru_cache
from typing import ClassVar

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

from xinzhi.disparity._common import DisparityResult, MissingPolicy, check_columns, numeric_column
from xinzhi.errors import ComputationError

__all__ = ["DagumResult", "DagumYear", "dagum_gini", "dagum_gini_arrays"]


@dataclass
class DagumYear:
    """Dagum decomposition of one cross-section (arrays indexed by group, in ``groups`` order)."""

    groups: list[Hashable]
    n: NDArray[np.int64]
    mean: NDArray[np.float64]
    p: NDArray[np.float64]
    s: NDArray[np.float64]
    G: float
    G_jh: NDArray[np.float64]  # k × k, diagonal = G_jj
    D_jh: NDArray[np.float64]  # k × k, symmetric, 0 on the diagonal
    Gw: float
    Gnb: float
    Gt: float


@lru_cache(maxsize=64)
def _pairs_in_block(size: int) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
    """Position pairs (r, i), r < i, inside a block of ``size`` positions."""
    rows, cols = np.triu_indices(size, 1)
    return rows, cols


def _one_sided_sums_sorted(
    ys: NDArray[np.float64], gs: NDArray[np.intp], k: int
) -> NDArray[np.float64]:
    """P[j, h] = Σ_{i∈j} Σ_{r∈h} (y_i − y_r)^+ for one period whose values ``ys`` are sorted.

    P = Σ over position pairs r < i of (y_i − y_r) e_{g_i} e_{g_r}ᵀ. The sorted sequence is cut
    into blocks of L positions: pairs in different blocks come from per-block group sums and
    counts with exclusive cumulative sums (Σ_b Y_b C_<bᵀ − Σ_b C_b Y_<bᵀ, two k × k matrix
    products); pairs inside a block are enumerated (L(L−1)/2 per block). Cost
    O(n·L + n·k²/L); L = clamp(round(2√k), 4, 64) (measured optimum).
    """
    n = ys.size
    size = int(min(64, max(4, round(2 * np.sqrt(k)))))
    blocks = -(-n // size)
    pad = blocks * size - n
    kk = k + 1  # one extra group for the padding, dropped at the end
    ysp = np.concatenate([ys, np.zeros(pad)])
    gsp = np.concatenate([gs, np.full(pad, k, dtype=gs.dtype)])
    cell = np.repeat(np.arange(blocks), size) * kk + gsp
    ysum = np.bincount(cell, weights=ysp, minlength=blocks * kk).reshape(blocks, kk)
    cnt = np.bincount(cell, minlength=blocks * kk).reshape(blocks, kk).astype(float)
    ysum_before = np.cumsum(ysum, axis=0) - ysum
    cnt_before = np.cumsum(cnt, axis=0) - cnt
    out = ysum.T @ cnt_before - cnt.T @ ysum_before
    rows, cols = _pairs_in_block(size)
    yb = ysp.reshape(blocks, size)
    gb = gsp.reshape(blocks, size)
    pair = (gb[:, cols] * kk + gb[:, rows]).ravel()
    diff = (yb[:, cols] - yb[:, rows]).ravel()
    out += np.bincount(pair, weights=diff, minlength=kk * kk).reshape(kk, kk)
    return np.maximum(out[:k, :k], 0.0)  # remove rounding noise of tied values


def _one_sided_sums(
    y: NDArray[np.float64], g: NDArray[np.intp], k: int, t: NDArray[np.intp], periods: int
) -> NDArray[np.float64]:
    """P[τ, j, h] for every period τ (exact, no n² loop; loop over periods only)."""
    by_period = np.argsort(t, kind="stable")
    cuts = np.searchsorted(t[by_period], np.arange(periods + 1))
    out = np.zeros((periods, k, k))
    for tau in range(periods):
        idx = by_period[cuts[tau] : cuts[tau + 1]]
        yt = y[idx]
        order = np.argsort(yt, kind="stable")
        out[tau] = _one_sided_sums_sorted(yt[order], g[idx][order], k)
    return out


@dataclass
class _Panel:
    """Decomposition of every period at once; arrays indexed [period, group(, group)]."""

    n: NDArray[np.int64]
    mean: NDArray[np.float64]
    p: NDArray[np.float64]
    s: NDArray[np.float64]
    G: NDArray[np.float64]
    G_jh: NDArray[np.float64]
    D_jh: NDArray[np.float64]
    Gw: NDArray[np.float64]
    Gnb: NDArray[np.float64]
    Gt: NDArray[np.float64]


def _decompose_panel(
    y: NDArray[np.float64],
    g: NDArray[np.intp],
    k: int,
    t: NDArray[np.intp],
    periods: int,
    period_names: list[str],
) -> _Panel:
    """Core. Groups absent from a period get n = 0 and zero terms (callers drop them)."""
    if not np.all(np.isfinite(y)):
        raise ComputationError("Dagum 分解：数值含缺失值或无穷值")
    cell = t * k + g
    n_j = np.bincount(cell, minlength=periods * k).reshape(periods, k)
    sum_j = np.bincount(cell, weights=y, minlength=periods * k).reshape(periods, k)
    n = n_j.sum(axis=1)
    total = sum_j.sum(axis=1)
    neg = np.bincount(t, weights=(y < 0).astype(float), minlength=periods)
    for tau in range(periods):  # loop over periods only for the error message
        if n[tau] == 0:
            raise ComputationError(f"Dagum 分解：没有任何观测值{period_names[tau]}")
        if neg[tau] > 0:
            raise ComputationError(
                f"Dagum 分解：基尼系数要求数值非负，数据中有负值{period_names[tau]}"
            )
        if total[tau] <= 0:
            raise ComputationError(
                f"Dagum 分解：总体均值为 0，基尼系数无定义（零均值）{period_names[tau]}"
            )
    ybar = total / n
    mean_j = np.divide(sum_j, n_j, out=np.zeros_like(sum_j), where=n_j > 0)
    p_j = n_j / n[:, None]
    s_j = sum_j / total[:, None]

    one_sided = _one_sided_sums(y, g, k, t, periods)
    swapped = one_sided.transpose(0, 2, 1)
    absdiff = one_sided + swapped  # A[τ,j,h] = Σ_i Σ_r |y_ji − y_hr|
    G = absdiff.sum(axis=(1, 2)) / (2.0 * n * n * ybar)

    nn = (n_j[:, :, None] * n_j[:, None, :]).astype(float)
    msum = mean_j[:, :, None] + mean_j[:, None, :]
    eye = np.eye(k, dtype=bool)[None, :, :]
    with np.errstate(divide="ignore", invalid="ignore"):
        off = np.where(absdiff > 0, absdiff / (nn * msum), 0.0)
        diag = np.where(absdiff > 0, absdiff / (2.0 * nn * mean_j[:, :, None]), 0.0)
        G_jh = np.where(eye, diag, off)
        D_jh = np.where(absdiff > 0, np.abs(one_sided - swapped) / absdiff, 0.0)
    D_jh = np.clip(np.where(eye, 0.0, D_jh), 0.0, 1.0)
    weight = p_j[:, :, None] * s_j[:, None, :] + s_j[:, :, None] * p_j[:, None, :]
    upper = np.triu(np.ones((k, k), dtype=bool), 1)[None, :, :]
    between = G_jh * weight
    return _Panel(
        n=n_j.astype(np.int64),
        mean=mean_j,
        p=p_j,
        s=s_j,
        G=G,
        G_jh=G_jh,
        D_jh=D_jh,
        Gw=np.sum(np.diagonal(G_jh, axis1=1, axis2=2) * p_j * s_j, axis=1),
        Gnb=np.sum(np.where(upper, between * D_jh, 0.0), axis=(1, 2)),
        Gt=np.sum(np.where(upper, between * (1.0 - D_jh), 0.0), axis=(1, 2)),
    )


def dagum_gini_arrays(values: ArrayLike, groups: ArrayLike) -> DagumYear:
    """Dagum decomposition of one cross-section.

    Parameters
    ----------
    values
        Non-negative values, one per unit (no NaN).
    groups
        Group label of each unit (any hashable labels; at least one group).

    Returns
    -------
    DagumYear
        Groups are sorted by label (order does not change any number: pairs are oriented by
        mean internally).
    """
    y = np.asarray(values, dtype=float)
    labels = pd.Series(np.asarray(groups, dtype=object))
    if y.ndim != 1 or y.size != len(labels):
        raise ComputationError("Dagum 分解：数值与分组的长度不一致")
    if y.size == 0:
        raise ComputationError("Dagum 分解：没有任何观测值")
    if labels.isna().any():
        raise ComputationError("Dagum 分解：有单元没有分组（分组列为空）")
    codes, uniques = pd.factorize(labels, sort=True)
    k = len(uniques)
    res = _decompose_panel(
        y, np.asarray(codes, dtype=np.intp), k, np.zeros(y.size, dtype=np.intp), 1, [""]
    )
    return DagumYear(
        groups=list(uniques),
        n=res.n[0],
        mean=res.mean[0],
        p=res.p[0],
        s=res.s[0],
        G=float(res.G[0]),
        G_jh=res.G_jh[0],
        D_jh=res.D_jh[0],
        Gw=float(res.Gw[0]),
        Gnb=float(res.Gnb[0]),
        Gt=float(res.Gt[0]),
    )


@dataclass
class DagumResult(DisparityResult):
    """Dagum decomposition by ``by`` (e.g. year).

    Attributes
    ----------
    overall
        ``by, G, Gw, Gnb, Gt, Gw_share, Gnb_share, Gt_share``.
    within
        ``by, group, n, mean, p, s, G_jj, contribution`` (contribution = G_jj p_j s_j).
    between
        ``by, group_a, group_b, G_jh, D_jh, Gnb, Gt`` with ``group_a`` the higher-mean group;
        ``Gnb``/``Gt`` are the pair's contributions.
    dropped
        Rows removed by ``missing="drop"``.
    """

    overall: pd.DataFrame
    within: pd.DataFrame
    between: pd.DataFrame
    dropped: pd.DataFrame

    title: ClassVar[str] = "Dagum 基尼系数分解"
    headers: ClassVar[dict[str, str]] = {
        "by": "分组变量值",
        "G": "总体基尼系数",
        "Gw": "组内差异贡献",
        "Gnb": "组间净差异贡献",
        "Gt": "超变密度贡献",
        "Gw_share": "组内贡献率",
        "Gnb_share": "组间贡献率",
        "Gt_share": "超变密度贡献率",
        "group": "组",
        "n": "样本量",
        "mean": "均值",
        "p": "p_j",
        "s": "s_j",
        "G_jj": "组内基尼系数",
        "contribution": "贡献",
        "group_a": "组A（高均值）",
        "group_b": "组B（低均值）",
        "G_jh": "组间基尼系数",
        "D_jh": "相对影响D",
    }

    def tables(self) -> dict[str, pd.DataFrame]:
        return {
            "总体分解": self.overall,
            "组内明细": self.within,
            "组间明细": self.between,
            "基尼系数矩阵": self.detail(),
        }

    def detail(self) -> pd.DataFrame:
        """``by, group_a, group_b, G``: within-group (a == b) and between-group Gini coefficients."""
        w = self.within[["by", "group", "G_jj"]].rename(columns={"G_jj": "G"})
        w.insert(1, "group_a", w["group"])
        w = w.rename(columns={"group": "group_b"})[["by", "group_a", "group_b", "G"]]
        b = self.between[["by", "group_a", "group_b", "G_jh"]].rename(columns={"G_jh": "G"})
        return pd.concat([w, b], ignore_index=True)


def dagum_gini(
    data: pd.DataFrame,
    value: str,
    group: str,
    by: str | None = None,
    *,
    missing: MissingPolicy = "error",
) -> DagumResult:
    """Dagum Gini decomposition of ``value`` by ``group``, separately for each value of ``by``.

    Parameters
    ----------
    data
        Long table, one row per unit (and year).
    value
        Column with the non-negative variable (e.g. a composite score).
    group
        Grouping column (province, economic region, county type, ...).
    by
        Optional column to split on (e.g. ``"year"``); ``None`` = one cross-section.
    missing
        ``"error"`` (default): a missing value is an error; ``"drop"``: drop those rows and
        list them in ``result.dropped`` (each year then uses the units it has).

    Returns
    -------
    DagumResult
        See :class:`DagumResult`; formulas in the module docstring (Dagum 1997).
    """
    check_columns(data, value, group, by)
    kept, dropped = numeric_column(data, value, missing, "Dagum 分解", keep=[group, by])
    notes: list[str] = []
    if len(dropped):
        notes.append(f"删除了 {len(dropped)} 行缺失值")
    if by is not None and kept[by].isna().any():
        raise ComputationError(f"Dagum 分解：分期列 {by} 有 {int(kept[by].isna().sum())} 个空值")
    if kept[group].isna().any():
        raise ComputationError(
            f"Dagum 分解：有 {int(kept[group].isna().sum())} 个单元没有分组（{group} 为空）"
        )
    # factorise once for the whole panel; all periods are decomposed together
    g_codes, g_index = pd.factorize(kept[group], sort=True)
    g_labels = np.asarray(g_index, dtype=object)
    k = len(g_labels)
    y_all = kept[value].to_numpy(dtype=float)
    if by is None:
        keys = np.array([None], dtype=object)
        t_codes = np.zeros(len(kept), dtype=np.intp)
    else:
        t_raw, t_index = pd.factorize(kept[by], sort=True)
        keys = np.asarray(t_index)
        t_codes = np.asarray(t_raw, dtype=np.intp)
    periods = len(keys)
    if len(kept) == 0:
        raise ComputationError("Dagum 分解：没有任何观测值")
    names = [""] if by is None else [f"（{by}={key}）" for key in keys]
    res = _decompose_panel(y_all, np.asarray(g_codes, dtype=np.intp), k, t_codes, periods, names)
    singles_t, singles_g = np.nonzero(res.n == 1)
    for tau in np.unique(singles_t):
        labs = "、".join(str(x) for x in g_labels[singles_g[singles_t == tau]])
        notes.append(f"{names[tau] or '数据'}中组 {labs} 只有 1 个单元，组内基尼系数记为 0")
    out = pd.DataFrame({"by": keys, "G": res.G, "Gw": res.Gw, "Gnb": res.Gnb, "Gt": res.Gt})
    total = res.Gw + res.Gnb + res.Gt
    for col in ("Gw", "Gnb", "Gt"):
        out[f"{col}_share"] = np.divide(
            out[col].to_numpy(), total, out=np.zeros(periods), where=total > 0
        )
    return DagumResult(
        overall=out,
        within=_within_table(res, keys, g_labels),
        between=_between_table(res, keys, g_labels),
        dropped=dropped,
        options={
            "value": value,
            "group": group,
            "by": by,
            "missing": missing,
            "pair_orientation": "按组均值由高到低（Dagum 1997）",
        },
        notes=notes,
    )


def _within_table(res: _Panel, keys: np.ndarray, labels: np.ndarray) -> pd.DataFrame:
    tt, gg = np.nonzero(res.n > 0)
    gjj = np.diagonal(res.G_jh, axis1=1, axis2=2)[tt, gg]
    p = res.p[tt, gg]
    s = res.s[tt, gg]
    return pd.DataFrame(
        {
            "by": keys[tt],
            "group": labels[gg],
            "n": res.n[tt, gg],
            "mean": res.mean[tt, gg],
            "p": p,
            "s": s,
            "G_jj": gjj,
            "contribution": gjj * p * s,
        }
    )


def _between_table(res: _Panel, keys: np.ndarray, labels: np.ndarray) -> pd.DataFrame:
    k = labels.size
    a_idx, b_idx = np.triu_indices(k, 1)
    both = (res.n[:, a_idx] > 0) & (res.n[:, b_idx] > 0)
    tt, pp = np.nonzero(both)
    a, b = a_idx[pp], b_idx[pp]
    swap = res.mean[tt, a] < res.mean[tt, b]
    hi = np.where(swap, b, a)
    lo = np.where(swap, a, b)
    weight = res.p[tt, hi] * res.s[tt, lo] + res.p[tt, lo] * res.s[tt, hi]
    gjh = res.G_jh[tt, hi, lo]
    djh = res.D_jh[tt, hi, lo]
    return pd.DataFrame(
        {
            "by": keys[tt],
            "group_a": labels[hi],
            "group_b": labels[lo],
            "G_jh": gjh,
            "D_jh": djh,
            "Gnb": gjh * weight * djh,
            "Gt": gjh * weight * (1.0 - djh),
        }
    )
