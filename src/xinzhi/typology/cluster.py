"""Cross-check of the rule typology with k-means clustering of the same features.

k-means (Lloyd 1982) with k-means++ seeding (Arthur & Vassilvitskii 2007), several seeded starts,
best within-cluster sum of squares kept. Agreement measured by the adjusted Rand index
(Hubert & Arabie 1985)::

    ARI = (Σ_ij C(n_ij,2) − [Σ_i C(a_i,2) Σ_j C(b_j,2)] / C(n,2))
          / (½[Σ_i C(a_i,2) + Σ_j C(b_j,2)] − [Σ_i C(a_i,2) Σ_j C(b_j,2)] / C(n,2))

with ``n_ij`` the contingency table of the two labelings, ``a_i``/``b_j`` its margins.

(docs/typology.md §1, 与聚类的交叉检验.) For a = (0, 0, 1, 1) and b = (0, 0, 1, 2): Σ C(n_ij, 2) = 1,
Σ C(a_i, 2) = 2, Σ C(b_j, 2) = 1, C(4, 2) = 6, expected 2·1/6 = 1/3, so
ARI = (1 − 1/3)/(1.5 − 1/3) = 4/7 = 0.5714; relabelling does not matter (ARI = 1):

>>> round(adjusted_rand_index([0, 0, 1, 1], [0, 0, 1, 2]), 4)
0.5714
>>> adjusted_rand_index(["x", "x", "y"], [2, 2, 5])
1.0

Where to look
-------------
* Docs: ``docs/typology.md`` §1 (与聚类的交叉检验).
* Tests: ``tests/typology/test_typology_cluster.py``.
* CLI: none; Python API ``cluster_check(result, features, seed=0)``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

from xinzhi.errors import ComputationError, InputError
from xinzhi.results import Result
from xinzhi.typology.classifier import MIXED, UNCLASSIFIED, TypologyResult

__all__ = ["ClusterCheck", "adjusted_rand_index", "cluster_check", "kmeans"]


def _sq_dist(x: NDArray[np.float64], c: NDArray[np.float64]) -> NDArray[np.float64]:
    d: NDArray[np.float64] = (
        (x * x).sum(axis=1)[:, None] - 2.0 * x @ c.T + (c * c).sum(axis=1)[None, :]
    )
    return np.maximum(d, 0.0)


def kmeans(
    x: ArrayLike, k: int, *, seed: int = 0, n_init: int = 10, max_iter: int = 300
) -> tuple[NDArray[np.int64], NDArray[np.float64], float]:
    """k-means (Lloyd) with k-means++ starts; returns ``(labels, centres, inertia)``.

    Deterministic for a given ``seed``. Raises :class:`ComputationError` when ``k`` exceeds the
    number of distinct rows.
    """
    a = np.asarray(x, dtype=float)
    if a.ndim != 2 or not np.isfinite(a).all():
        raise InputError("聚类输入须为不含缺失值的二维数值矩阵")
    n = a.shape[0]
    if k < 1 or k > len(np.unique(a, axis=0)):
        raise ComputationError(f"聚类数 k={k} 超过不同样本数（distinct rows），无法聚类")
    rng = np.random.default_rng(seed)
    best: tuple[NDArray[np.int64], NDArray[np.float64], float] | None = None
    for _ in range(n_init):
        centres = a[[rng.integers(n)]]
        for _j in range(1, k):
            d = _sq_dist(a, centres).min(axis=1)
            p = d / d.sum()
            centres = np.vstack([centres, a[rng.choice(n, p=p)]])
        labels = np.zeros(n, dtype=np.int64)
        for it in range(max_iter):
            new = np.argmin(_sq_dist(a, centres), axis=1).astype(np.int64)
            if it > 0 and np.array_equal(new, labels):
                break
            labels = new
            counts = np.bincount(labels, minlength=k).astype(float)
            sums = np.zeros_like(centres)
            np.add.at(sums, labels, a)
            empty = counts == 0
            centres = np.where(empty[:, None], centres, sums / np.maximum(counts, 1)[:, None])
        inertia = float(_sq_dist(a, centres)[np.arange(n), labels].sum())
        if best is None or inertia < best[2]:
            best = (labels, centres, inertia)
    assert best is not None
    return best


def _comb2(v: NDArray[np.float64]) -> float:
    return float((v * (v - 1) / 2).sum())


def adjusted_rand_index(a: ArrayLike, b: ArrayLike) -> float:
    """Adjusted Rand index of two labelings (1 = identical partitions, ≈0 = chance)."""
    la, lb = np.asarray(a), np.asarray(b)
    if la.shape != lb.shape or la.ndim != 1:
        raise InputError("两组标签长度须相同")
    _, ia = np.unique(la, return_inverse=True)
    _, ib = np.unique(lb, return_inverse=True)
    table = np.zeros((ia.max() + 1, ib.max() + 1))
    np.add.at(table, (ia, ib), 1)
    n = float(len(la))
    sum_ij = _comb2(table.ravel())
    sa, sb = _comb2(table.sum(axis=1)), _comb2(table.sum(axis=0))
    expected = sa * sb / (n * (n - 1) / 2) if n > 1 else 0.0
    maximum = (sa + sb) / 2
    if maximum == expected:
        return 1.0
    return (sum_ij - expected) / (maximum - expected)


@dataclass
class ClusterCheck(Result):
    """Rule types vs k-means clusters: labels, contingency table, adjusted Rand index."""

    labels: pd.DataFrame
    contingency: pd.DataFrame
    adjusted_rand: float
    features: list[str]
    k: int
    seed: int
    log_transform: bool
    n_dropped: int

    def tidy(self) -> pd.DataFrame:
        """``region_code, primary_type, cluster``."""
        return self.labels.copy()

    def summary(self) -> str:
        lines = [
            f"规则类型与 k-means 聚类的一致性：调整兰德指数（ARI）= {self.adjusted_rand:.3f}",
            f"  k = {self.k}，随机种子 {self.seed}，特征 {', '.join(self.features)}"
            f"（{'log1p 变换后' if self.log_transform else ''}标准化）",
            f"  参与聚类 {len(self.labels)} 个县，因特征缺失剔除 {self.n_dropped} 个",
        ]
        # the cluster that holds most of each type
        share = self.contingency.div(self.contingency.sum(axis=1), axis=0)
        for t, row in share.iterrows():
            lines.append(f"  {t}：{row.max():.0%} 落在聚类 {row.idxmax()}")
        return "\n".join(lines)

    def tables(self) -> dict[str, pd.DataFrame]:
        c = self.contingency.copy()
        c.insert(0, "类型", c.index)
        return {
            "聚类标签": self.labels.rename(
                columns={"region_code": "地区编码", "primary_type": "主类型", "cluster": "聚类"}
            ),
            "列联表": c.reset_index(drop=True),
            "一致性": pd.DataFrame(
                {
                    "指标": ["调整兰德指数", "k", "随机种子"],
                    "值": [self.adjusted_rand, self.k, self.seed],
                }
            ),
        }

    def to_excel(self, path: str | Path) -> Path:
        """Write 聚类标签 / 列联表 / 一致性 sheets."""
        return super().to_excel(path)


def cluster_check(
    result: TypologyResult,
    features: pd.DataFrame,
    *,
    columns: Sequence[str] | None = None,
    k: int | None = None,
    seed: int = 0,
    log_transform: bool = True,
    n_init: int = 10,
) -> ClusterCheck:
    """Cluster the counties on the rule features and compare with the rule types.

    Parameters
    ----------
    result : TypologyResult
        Typology (primary types; 多元复合型 and 未归类 count as one class each; pass
        ``classify(..., assign_nearest=False)`` to compare the rules alone).
    features : DataFrame
        Feature table (``region_code`` + columns).
    columns : sequence of str, optional
        Numeric features to cluster on (default: the numeric features the active rules use).
    k : int, optional
        Number of clusters (default: the number of distinct primary types incl. 未归类).
    seed : int
        Seed of the k-means++ starts.
    log_transform : bool
        Apply ``log1p`` to non-negative features before z-scoring (location quotients and
        densities are strongly right-skewed; without it a few mining counties form clusters).
    """
    if columns is None:
        cols: list[str] = []
        for t in result.rules.types:
            if t.name not in result.matched.columns:
                continue
            for r in t.rules:
                for c in r.when:
                    if (
                        c.op not in ("in", "not_in")
                        and c.feature in features.columns
                        and c.feature not in cols
                    ):
                        cols.append(c.feature)
    else:
        cols = list(columns)
    if not cols:
        raise InputError("没有可用于聚类的数值特征")
    f = features.assign(region_code=features["region_code"].astype(str)).set_index("region_code")
    x = f[cols].apply(pd.to_numeric, errors="coerce")
    types = result.table.set_index("region_code")["primary_type"]
    x = x.loc[x.index.intersection(types.index)]
    ok = x.notna().all(axis=1)
    x = x[ok]
    a = x.to_numpy(dtype=float, copy=True)
    if log_transform:
        nonneg = (a >= 0).all(axis=0)
        a[:, nonneg] = np.log1p(a[:, nonneg])
    sd = a.std(axis=0)
    if (sd == 0).any():
        const = [c for c, s in zip(cols, sd, strict=True) if s == 0]
        raise ComputationError(f"特征为常数，无法标准化（constant column）：{', '.join(const)}")
    z = (a - a.mean(axis=0)) / sd
    lab_rule = types.reindex(x.index).to_numpy()
    kk = len(np.unique(lab_rule)) if k is None else k
    labels, _, _ = kmeans(z, kk, seed=seed, n_init=n_init)
    order = [t for t in (*result.matched.columns, MIXED, UNCLASSIFIED) if t in set(lab_rule)]
    cont = pd.crosstab(pd.Series(lab_rule, name="类型"), pd.Series(labels, name="聚类"))
    cont = cont.reindex(order)
    ari = adjusted_rand_index(lab_rule, labels)
    lab = pd.DataFrame({"region_code": x.index, "primary_type": lab_rule, "cluster": labels})
    return ClusterCheck(lab, cont, ari, cols, kk, seed, log_transform, int((~ok).sum()))
