"""Spatial weights for the disparity analyses: how they are built, and their alignment.

Kinds of weights (formulas and sources in ``docs/disparity.md`` § 空间权重):

* **contiguity** — an adjacency list (:func:`weights_from_adjacency`) or queen contiguity of
  county polygons (``xinzhi.regions.queen_weights``, built by the pipelines);
* **k nearest neighbours** (:func:`knn_weights`): w_ij = 1 when j is one of the k units
  nearest to i (Anselin 1988, ch. 3; libpysal ``KNN``), asymmetric;
* **inverse distance** (:func:`inverse_distance_weights`): w_ij = d_ij^(−p), p ∈ {1, 2}, for
  0 < d_ij ≤ c (optional cut-off c in km), 0 otherwise (Anselin 1988; libpysal
  ``DistanceBand(binary=False, alpha=-p)``);
* **economic distance** (:func:`economic_distance_weights`): w_ij = 1 / |ȳ_i − ȳ_j| with ȳ_i
  the mean of a variable (e.g. GDP per head) over the years (Case, Rosen & Hines 1993, J. Public
  Econ. 52(3): 285–307; 林光平、龙志和、吴梅 2005, 经济学（季刊）4(增刊): 67–82);
* **nested economic–geographic** (:func:`nested_weights`): W = W_d · diag(ȳ_1/ȳ, …, ȳ_n/ȳ),
  i.e. w_ij = w^d_ij · ȳ_j / ȳ with W_d the inverse-distance weights and ȳ the mean of the ȳ_i
  (林光平、龙志和、吴梅 2005);
* **a user's n × n matrix** (:func:`matrix_from_table`), validated cell by cell.

Distances d_ij are in kilometres: great-circle (haversine, Earth radius
:data:`EARTH_RADIUS_KM`) between longitudes/latitudes in degrees, or Euclidean between projected
coordinates x, y already in km.

Any :class:`libpysal.weights.W` is accepted by the analyses, as is a :class:`MatrixWeights`
(a sparse matrix with its unit codes; the builders above return one, so that 2,850 × 2,850
distance weights never pass through libpysal's dictionaries) or an object with a ``.w``
attribute holding a W (the ``SpatialWeights`` of ``xinzhi.regions.queen_weights``). Weights are
aligned to the units of each cross-section and row-standardised (w_ij / Σ_j w_ij) unless
``transform="b"`` (as given: binary for contiguity, raw values otherwise).

Islands (units without neighbours in the cross-section) are handled by an explicit policy:
``"drop"`` (default; removed from the analysis and listed in the result's notes), ``"error"``
or ``"keep"`` (kept with a spatial lag of 0, as esda does).

Reference test: ``tests/disparity/test_spatial_weights.py`` (hand-computed cases, libpysal
``KNN`` and ``DistanceBand``, esda Moran on a user matrix).

>>> import pandas as pd
>>> xy = pd.DataFrame({"x": [0.0, 3.0, 0.0], "y": [0.0, 0.0, 4.0]}, index=["a", "b", "c"])
>>> w = inverse_distance_weights(xy, power=1, metric="euclidean")
>>> w.full().round(4).tolist()  # d_ab = 3, d_ac = 4, d_bc = 5
[[0.0, 0.3333, 0.25], [0.3333, 0.0, 0.2], [0.25, 0.2, 0.0]]
>>> economic_distance_weights(pd.Series([1.0, 2.0, 4.0], index=["a", "b", "c"])).full().tolist()
[[0.0, 1.0, 0.3333333333333333], [1.0, 0.0, 0.5], [0.3333333333333333, 0.5, 0.0]]
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd
import scipy.sparse as sp
from libpysal.weights import W

from xinzhi.errors import ComputationError, InputError

__all__ = [
    "EARTH_RADIUS_KM",
    "AlignedWeights",
    "DistanceMetric",
    "IslandPolicy",
    "MatrixWeights",
    "TiePolicy",
    "WeightsTransform",
    "align_weights",
    "as_libpysal_w",
    "coordinate_frame",
    "distance_matrix",
    "economic_distance_weights",
    "inverse_distance_weights",
    "knn_weights",
    "matrix_from_table",
    "nested_weights",
    "weights_from_adjacency",
]

IslandPolicy = Literal["drop", "error", "keep"]
WeightsTransform = Literal["r", "b"]
DistanceMetric = Literal["arc", "euclidean"]
TiePolicy = Literal["max", "error"]

EARTH_RADIUS_KM = 6371.0088
"""Mean Earth radius R₁ = (2a + b)/3 of GRS 80 in km (Moritz 2000, Geodetic Reference System
1980, J. Geodesy 74: 128–133), used for great-circle distances."""


@dataclass(frozen=True)
class MatrixWeights:
    """Spatial weights held as a sparse matrix and the unit codes of its rows and columns.

    Attributes
    ----------
    sparse : scipy.sparse.csr_matrix
        n × n weights w_ij (row i, column j), zero diagonal, before any standardisation.
    id_order : list of str
        Unit codes of rows and columns.
    kind : str
        How they were built (``knn``, ``inverse-distance``, ``economic``, ``nested``,
        ``matrix``).
    options : dict
        The options that built them (k, power, cut-off, metric, variable …).
    """

    sparse: sp.csr_matrix
    id_order: list[str]
    kind: str = "matrix"
    options: dict[str, Any] = field(default_factory=dict)

    @property
    def n(self) -> int:
        """Number of units."""
        return len(self.id_order)

    def full(self) -> np.ndarray:
        """The dense n × n matrix."""
        return np.asarray(self.sparse.toarray(), dtype=float)

    def to_w(self) -> W:
        """The same weights as a libpysal W (ids = the codes)."""
        w = W.from_sparse(sp.csr_matrix(self.sparse))
        w.remap_ids(list(self.id_order))
        return w


def as_libpysal_w(weights: Any) -> W:
    """Return the libpysal W inside ``weights`` (a W, a :class:`MatrixWeights`, or an object
    with a ``.w`` W attribute)."""
    if isinstance(weights, W):
        return weights
    if isinstance(weights, MatrixWeights):
        return weights.to_w()
    inner = getattr(weights, "w", None)
    if isinstance(inner, W):
        return inner
    raise InputError(
        "空间权重必须是 libpysal 的 W 对象、MatrixWeights 或带 .w 属性的 SpatialWeights"
    )


def _sparse_and_ids(weights: Any) -> tuple[sp.csr_matrix, list[str]]:
    if isinstance(weights, MatrixWeights):
        return sp.csr_matrix(weights.sparse, dtype=float), [str(i) for i in weights.id_order]
    w = as_libpysal_w(weights)
    return sp.csr_matrix(w.sparse, dtype=float), [str(i) for i in w.id_order]


def weights_from_adjacency(
    adjacency: pd.DataFrame,
    unit: str = "unit",
    neighbor: str = "neighbor",
    ids: Sequence[Any] | None = None,
    *,
    symmetrize: bool = True,
) -> W:
    """Binary contiguity weights from an adjacency list (one row per unit–neighbour pair).

    Parameters
    ----------
    adjacency
        Table with columns ``unit`` and ``neighbor`` (codes are compared as strings).
    ids
        All units (those without any row become islands); default: every unit in the table.
    symmetrize
        ``True`` (default): i~j implies j~i (union of both directions).
    """
    for col in (unit, neighbor):
        if col not in adjacency.columns:
            raise InputError(f"邻接表缺少列 {col!r}（需要 unit、neighbor 两列）")
    pairs = adjacency[[unit, neighbor]].dropna().astype(str)
    pairs = pairs[pairs[unit] != pairs[neighbor]]
    if symmetrize:
        rev = pairs.rename(columns={unit: neighbor, neighbor: unit})[[unit, neighbor]]
        pairs = pd.concat([pairs, rev], ignore_index=True)
    pairs = pairs.drop_duplicates()
    all_ids = list(
        dict.fromkeys([*(map(str, ids) if ids is not None else []), *pairs[unit], *pairs[neighbor]])
    )
    if not all_ids:
        raise InputError("邻接表为空")
    grouped = pairs.groupby(unit, sort=False)[neighbor].apply(list).to_dict()
    neighbors = {i: grouped.get(i, []) for i in all_ids}
    return W(neighbors, id_order=all_ids, silence_warnings=True)


# ---------------------------------------------------------------------------------------------
# coordinates and distances


def coordinate_frame(table: pd.DataFrame, unit: str = "unit") -> pd.DataFrame:
    """Validated coordinates of units, indexed by code, for the distance-based weights.

    Parameters
    ----------
    table : DataFrame
        Column ``unit`` (codes) and either ``lon``, ``lat`` (degrees; great-circle distances)
        or ``x``, ``y`` (projected coordinates in km; Euclidean distances). Chinese headers
        经度 / 纬度 are accepted for lon / lat.

    Returns
    -------
    DataFrame
        Index: codes (str); two float columns (``lon``, ``lat`` or ``x``, ``y``);
        ``attrs["metric"]`` is ``"arc"`` or ``"euclidean"``.

    Raises
    ------
    InputError
        Missing columns, duplicated or empty codes, non-numeric values or latitudes outside
        [−90, 90] (naming the code).
    """
    t = table.rename(columns={"经度": "lon", "纬度": "lat", "代码": unit, "区划代码": unit})
    if unit not in t.columns:
        raise InputError(f"坐标表缺少单元代码列 {unit!r}")
    if {"lon", "lat"} <= set(t.columns):
        cols, metric = ["lon", "lat"], "arc"
    elif {"x", "y"} <= set(t.columns):
        cols, metric = ["x", "y"], "euclidean"
    else:
        raise InputError("坐标表需要 lon、lat 两列（经纬度，度）或 x、y 两列（投影坐标，公里）")
    codes = t[unit].map(_code_text)
    if (codes == "").any():
        raise InputError(f"坐标表第 {int(np.flatnonzero(codes == '')[0]) + 2} 行没有单元代码")
    dup = codes[codes.duplicated()]
    if len(dup):
        raise InputError(f"坐标表中单元代码重复：{'、'.join(dup.unique()[:10])}")
    out = pd.DataFrame(index=pd.Index(codes.to_list(), name=unit))
    for c in cols:
        v = pd.to_numeric(t[c], errors="coerce").to_numpy(dtype=float)
        bad = ~np.isfinite(v)
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            raise InputError(f"坐标表中单元 {codes.iloc[i]} 的 {c} 不是数值：{t[c].iloc[i]!r}")
        out[c] = v
    if metric == "arc" and (out["lat"].abs() > 90).any():
        code = out.index[out["lat"].abs() > 90][0]
        raise InputError(f"坐标表中单元 {code} 的纬度超出 −90…90：{out.loc[code, 'lat']}")
    out.attrs["metric"] = metric
    return out


def _metric_of(coords: pd.DataFrame, metric: DistanceMetric | None) -> DistanceMetric:
    m = metric or coords.attrs.get("metric") or ("arc" if "lat" in coords.columns else "euclidean")
    if m not in ("arc", "euclidean"):
        raise InputError(f"距离度量只能是 arc（球面）或 euclidean（平面），收到 {m!r}")
    return m


def _points(coords: pd.DataFrame) -> np.ndarray:
    if coords.shape[1] != 2:
        raise InputError("坐标需要两列（lon、lat 或 x、y）")
    return coords.to_numpy(dtype=float)


def distance_matrix(coords: pd.DataFrame, metric: DistanceMetric | None = None) -> np.ndarray:
    """n × n distances in km between the rows of ``coords``.

    ``arc``: d_ij = 2R · asin √(sin²(Δφ/2) + cos φ_i cos φ_j sin²(Δλ/2)) (haversine; φ latitude,
    λ longitude in radians, R = :data:`EARTH_RADIUS_KM`); ``euclidean``:
    d_ij = √((x_i − x_j)² + (y_i − y_j)²).

    >>> import pandas as pd
    >>> c = pd.DataFrame({"lon": [0.0, 1.0], "lat": [0.0, 0.0]}, index=["a", "b"])
    >>> round(float(distance_matrix(c)[0, 1]), 3)  # one degree of the equator: 2πR/360
    111.195
    """
    from scipy.spatial.distance import cdist

    p = _points(coords)
    if _metric_of(coords, metric) == "euclidean":
        return np.asarray(cdist(p, p), dtype=float)
    # the chord between unit vectors is 2 sin(θ/2), θ the central angle: the haversine formula
    # written with the chord (same value, computed in C by cdist)
    u = _unit_vectors(p)
    chord = cdist(u, u)
    return np.asarray(2 * EARTH_RADIUS_KM * np.arcsin(np.clip(chord / 2, 0.0, 1.0)), dtype=float)


def _unit_vectors(lonlat: np.ndarray) -> np.ndarray:
    lam, phi = np.radians(lonlat[:, 0]), np.radians(lonlat[:, 1])
    return np.column_stack([np.cos(phi) * np.cos(lam), np.cos(phi) * np.sin(lam), np.sin(phi)])


def _csr(dense: np.ndarray) -> sp.csr_matrix:
    """CSR of a dense matrix built directly from its non-zero cells (row-major order), ten times
    faster than scipy's conversion for a 2,850² distance matrix."""
    mask = dense != 0
    indptr = np.concatenate([[0], np.cumsum(mask.sum(axis=1))])
    indices = np.nonzero(mask)[1]
    return sp.csr_matrix((dense[mask], indices, indptr), shape=dense.shape)


def _ids(index: pd.Index) -> list[str]:
    return [str(i) for i in index]


def knn_weights(
    coords: pd.DataFrame, k: int, *, metric: DistanceMetric | None = None
) -> MatrixWeights:
    """k-nearest-neighbour weights: w_ij = 1 when j is among the ``k`` units nearest to i.

    Parameters
    ----------
    coords : DataFrame
        :func:`coordinate_frame` (codes as index).
    k : int
        1 ≤ k < n.
    metric : {"arc", "euclidean"}, optional
        Default ``coords.attrs["metric"]``. Great-circle neighbours are found as the nearest
        points on the unit sphere (the chord is monotone in the arc, so the order is the same).

    Notes
    -----
    Equal distances are broken by the order of the units in ``coords`` (scipy's k-d tree, as
    libpysal ``KNN``). The weights are not symmetric (Anselin 1988, ch. 3).
    """
    from scipy.spatial import cKDTree

    n = len(coords)
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or not 1 <= k < n:
        raise InputError(f"k 近邻权重的 k 必须是整数且 1 ≤ k < 单元数 {n}，收到 {k!r}")
    p = _points(coords)
    if _metric_of(coords, metric) == "arc":
        p = _unit_vectors(p)
    _, nn = cKDTree(p).query(p, k=int(k) + 1)
    nn = np.atleast_2d(nn)
    not_self = nn != np.arange(n)[:, None]
    order = np.argsort(~not_self, axis=1, kind="stable")[:, : int(k)]
    cols = np.take_along_axis(nn, order, axis=1).ravel()
    rows = np.repeat(np.arange(n), int(k))
    mat = sp.csr_matrix((np.ones(rows.size), (rows, cols)), shape=(n, n))
    return MatrixWeights(
        mat, _ids(coords.index), "knn", {"k": int(k), "metric": _metric_of(coords, metric)}
    )


def inverse_distance_weights(
    coords: pd.DataFrame,
    *,
    power: int = 1,
    cutoff: float | None = None,
    metric: DistanceMetric | None = None,
) -> MatrixWeights:
    """Inverse-distance weights w_ij = d_ij^(−p) for 0 < d_ij ≤ c, 0 otherwise and on the
    diagonal.

    Parameters
    ----------
    coords : DataFrame
        :func:`coordinate_frame`.
    power : {1, 2}
        The exponent p.
    cutoff : float, optional
        Cut-off distance c in km (> 0); default none (every pair linked).
    metric : {"arc", "euclidean"}, optional
        Default ``coords.attrs["metric"]``.

    Raises
    ------
    InputError
        ``power`` not 1 or 2, ``cutoff`` ≤ 0, two units at the same place (infinite weight).
    """
    if power not in (1, 2) or isinstance(power, bool):
        raise InputError(f"反距离权重的幂次只能是 1 或 2，收到 {power!r}")
    if cutoff is not None and not cutoff > 0:
        raise InputError(f"反距离权重的截断距离必须大于 0 公里，收到 {cutoff!r}")
    d = distance_matrix(coords, metric)
    ids = _ids(coords.index)
    np.fill_diagonal(d, np.inf)
    same = np.argwhere(d == 0)
    if len(same):
        i, j = same[0]
        raise InputError(f"单元 {ids[i]} 与 {ids[j]} 的坐标相同（距离为 0），反距离权重无定义")
    if cutoff is not None:
        d[d > float(cutoff)] = np.inf  # 1/∞ = 0: beyond the cut-off
    w = np.reciprocal(d, out=d)  # in place: 2,850² distances are 65 MB
    if power == 2:
        np.multiply(w, w, out=w)
    return MatrixWeights(
        _csr(w),
        ids,
        "inverse-distance",
        {"power": int(power), "cutoff": cutoff, "metric": _metric_of(coords, metric)},
    )


def _means(means: pd.Series, what: str) -> pd.Series:
    m = pd.to_numeric(means, errors="coerce").astype(float)
    m.index = pd.Index(_ids(means.index))
    if m.index.duplicated().any():
        raise InputError(f"{what}：单元代码重复：{'、'.join(m.index[m.index.duplicated()][:10])}")
    bad = m.index[~np.isfinite(m.to_numpy())]
    if len(bad):
        raise InputError(f"{what}：这些单元的变量均值缺失：{'、'.join(bad[:10])}")
    return m


def economic_distance_weights(means: pd.Series, *, ties: TiePolicy = "max") -> MatrixWeights:
    """Economic-distance weights w_ij = 1 / |ȳ_i − ȳ_j| (i ≠ j), w_ii = 0.

    Parameters
    ----------
    means : Series
        ȳ_i, the mean of a variable (GDP per head, the score …) over the years, indexed by
        unit code.
    ties : {"max", "error"}
        Two distinct units with equal means (|ȳ_i − ȳ_j| = 0) would get an infinite weight.
        ``"max"`` (default) gives such a pair the largest finite weight of the matrix,
        1 / min_{ȳ_k ≠ ȳ_l} |ȳ_k − ȳ_l| — they count as the closest pair, as close as the
        closest distinct pair; ``"error"`` refuses them (naming the pair).

    Sources: Case, Rosen & Hines (1993), J. Public Econ. 52(3): 285–307; 林光平、龙志和、吴梅
    (2005), 经济学（季刊）4(增刊): 67–82.
    """
    m = _means(means, "经济距离权重")
    if ties not in ("max", "error"):
        raise InputError(f"ties 只能是 max 或 error，收到 {ties!r}")
    y = m.to_numpy()
    n = y.size
    if n < 2:
        raise InputError("经济距离权重至少需要 2 个单元")
    diff = np.abs(y[:, None] - y[None, :])
    off = ~np.eye(n, dtype=bool)
    tie = off & (diff == 0)
    positive = diff[off & (diff > 0)]
    if tie.any():
        i, j = np.argwhere(tie)[0]
        if ties == "error" or positive.size == 0:
            raise InputError(
                f"经济距离权重：单元 {m.index[i]} 与 {m.index[j]} 的变量均值相同（{y[i]:g}），"
                "1/|ȳi−ȳj| 无定义" + ("；所有单元的均值都相同" if positive.size == 0 else "")
            )
    with np.errstate(divide="ignore"):
        w = np.where(off, 1.0 / np.where(diff > 0, diff, np.inf), 0.0)
    n_ties = int(tie.sum()) // 2
    if n_ties:
        w[tie] = 1.0 / positive.min()
    return MatrixWeights(_csr(w), list(m.index), "economic", {"ties": ties, "tied_pairs": n_ties})


def nested_weights(geographic: MatrixWeights, means: pd.Series) -> MatrixWeights:
    """Nested economic–geographic weights W = W_d · diag(ȳ_1/ȳ, …, ȳ_n/ȳ).

    w_ij = w^d_ij · ȳ_j / ȳ, with W_d the geographic (inverse-distance) weights, ȳ_j the mean of
    the variable of unit j over the years and ȳ = (1/n) Σ_j ȳ_j over the units of the matrix: a
    neighbour weighs more the richer it is (林光平、龙志和、吴梅 2005, 我国地区经济收敛的空间计量
    实证分析：1978—2002年, 经济学（季刊）4(增刊): 67–82). After row standardisation ȳ cancels.

    Raises
    ------
    InputError
        A unit of ``geographic`` without a mean, or a mean ≤ 0 (weights must be
        non-negative and the ratio needs ȳ > 0).
    """
    m = _means(means, "经济地理嵌套权重")
    absent = [c for c in geographic.id_order if c not in m.index]
    if absent:
        raise InputError(f"经济地理嵌套权重：这些单元没有变量均值：{'、'.join(absent[:10])}")
    y = m.loc[list(geographic.id_order)].to_numpy()
    if (y <= 0).any():
        code = geographic.id_order[int(np.flatnonzero(y <= 0)[0])]
        raise InputError(f"经济地理嵌套权重要求变量均值为正，单元 {code} 的均值为 {m[code]:g}")
    scale = y / y.mean()
    mat = sp.csr_matrix(geographic.sparse @ sp.diags(scale))
    return MatrixWeights(
        mat,
        list(geographic.id_order),
        "nested",
        {**geographic.options, "geographic": "inverse-distance"},
    )


# ---------------------------------------------------------------------------------------------
# a user's matrix

_NUMBER_TAIL = re.compile(r"\.0+$")


def _code_text(value: Any) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    return _NUMBER_TAIL.sub("", str(value).strip())


def _check_codes(codes: list[str], where: str) -> None:
    empty = [i for i, c in enumerate(codes) if not c]
    if empty:
        raise InputError(f"权重矩阵{where}第 {empty[0] + 1} 个区划代码为空")
    seen = pd.Index(codes)
    if seen.duplicated().any():
        raise InputError(
            f"权重矩阵{where}的区划代码重复：{'、'.join(seen[seen.duplicated()].unique()[:10])}"
        )


def matrix_from_table(
    table: pd.DataFrame, *, known: Collection[str] | None = None
) -> MatrixWeights:
    """A user's full n × n weights matrix, validated.

    Layouts (the table as read, its header row being ``table.columns``):

    1. region codes in the header row *and* the first column (the corner cell anything): the
       columns are matched to the rows by code (any order);
    2. codes in the first column only (a header of other text): columns in the order of rows;
    3. codes in the header row only (n columns, n rows): rows in the order of the columns.

    Raises
    ------
    InputError
        In Chinese, naming the row and column at fault: not square, a code empty, repeated or
        not in ``known``, header codes differing from the row codes, a cell not a number or
        negative, a non-zero diagonal.

    >>> import pandas as pd
    >>> t = pd.DataFrame({"code": ["a", "b"], "a": [0, 2], "b": [1, 0]})
    >>> matrix_from_table(t).full().tolist()
    [[0.0, 1.0], [2.0, 0.0]]
    """
    n_rows, n_cols = table.shape
    header = [_code_text(c) for c in table.columns]
    if n_cols == n_rows + 1:
        rows = [_code_text(v) for v in table.iloc[:, 0]]
        _check_codes(rows, "第一列")
        body = table.iloc[:, 1:]
        cols = header[1:]
        row_set = set(rows)
        if set(cols) == row_set and len(set(cols)) == len(cols):
            pass  # layout 1: matched by code
        elif any(c in row_set for c in cols):
            odd = [c for c in cols if c not in row_set] or ["（重复）"]
            raise InputError(
                f"权重矩阵表头的区划代码与第一列不一致：表头中 {'、'.join(odd[:10])} 不在第一列"
            )
        else:
            cols = list(rows)  # layout 2: header of other text
    elif n_cols == n_rows:
        cols = header
        rows = list(cols)
        body = table
    else:
        raise InputError(
            f"权重矩阵不是方阵：{n_rows} 行数据，{n_cols} 列（应为 n 行 n 列，或加上一列区划代码）"
        )
    if n_rows < 2:
        raise InputError("权重矩阵至少需要 2 个单元")
    _check_codes(cols, "表头")
    if known is not None:
        known_set = {str(k) for k in known}
        unknown = [c for c in rows if c not in known_set]
        if unknown:
            raise InputError(
                f"权重矩阵中有未知的区划代码：{'、'.join(unknown[:10])}（共 {len(unknown)} 个）"
            )
    values = body.apply(pd.to_numeric, errors="coerce").to_numpy(dtype=float)
    bad = np.argwhere(~np.isfinite(values))
    if len(bad):
        i, j = bad[0]
        raise InputError(
            f"权重矩阵第 {i + 1} 行（{rows[i]}）第 {j + 1} 列（{cols[j]}）不是数值："
            f"{body.iloc[i, j]!r}"
        )
    neg = np.argwhere(values < 0)
    if len(neg):
        i, j = neg[0]
        raise InputError(
            f"权重矩阵第 {i + 1} 行（{rows[i]}）第 {j + 1} 列（{cols[j]}）为负数："
            f"{values[i, j]:g}；权重必须非负"
        )
    order = pd.Index(cols).get_indexer(pd.Index(rows))  # column of each row's own code
    values = values[:, order]
    diag = np.flatnonzero(np.diag(values) != 0)
    if len(diag):
        i = int(diag[0])
        raise InputError(
            f"权重矩阵对角线必须为 0：第 {i + 1} 行（{rows[i]}）的自身权重为 {values[i, i]:g}"
        )
    return MatrixWeights(sp.csr_matrix(values), rows, "matrix", {})


# ---------------------------------------------------------------------------------------------
# alignment


@dataclass
class AlignedWeights:
    """Weights aligned to ``ids`` (the kept units, in data order)."""

    matrix: sp.csr_matrix
    ids: list[str]
    keep: np.ndarray  # boolean mask over the input units
    islands: list[str]
    transform: str

    def to_w(self) -> W:
        """The aligned matrix as a libpysal W (ids as given)."""
        w = W.from_sparse(self.matrix)
        w.remap_ids(self.ids)
        return w


def align_weights(
    weights: Any,
    ids: Sequence[Any],
    *,
    transform: WeightsTransform = "r",
    islands: IslandPolicy = "drop",
    where: str = "",
) -> AlignedWeights:
    """Align ``weights`` to the units ``ids`` (codes compared as strings) and transform.

    Units of ``ids`` missing from the weights are an error; units of the weights not in
    ``ids`` are ignored (their links are removed), which can create islands.
    """
    full, id_order = _sparse_and_ids(weights)
    key = [str(i) for i in ids]
    if len(set(key)) != len(key):
        raise InputError(f"空间权重：单元代码重复{where}")
    order = {i: k for k, i in enumerate(id_order)}
    absent = [i for i in key if i not in order]
    if absent:
        shown = "、".join(absent[:10])
        raise InputError(f"空间权重中没有这些单元{where}：{shown}（共 {len(absent)} 个）")
    pos = np.array([order[i] for i in key], dtype=np.intp)
    mat = full[pos][:, pos].tocsr()
    mat.eliminate_zeros()
    row = np.asarray(mat.sum(axis=1)).ravel()
    is_island = row == 0
    keep = np.ones(len(key), dtype=bool)
    island_ids = [k for k, flag in zip(key, is_island, strict=True) if flag]
    if island_ids:
        if islands == "error":
            raise ComputationError(
                f"空间权重中有 {len(island_ids)} 个孤岛单元（没有邻居）{where}："
                f"{'、'.join(island_ids[:10])}；可选择 islands='drop'（删除）或 'keep'（空间滞后记为 0）"
            )
        if islands == "drop":
            keep = ~is_island
            sub = np.flatnonzero(keep)
            mat = mat[sub][:, sub].tocsr()
            row = np.asarray(mat.sum(axis=1)).ravel()
            if np.any(row == 0):  # removing islands cannot create new ones, but guard anyway
                raise ComputationError(f"删除孤岛后仍有单元没有邻居{where}")
    kept_ids = [k for k, flag in zip(key, keep, strict=True) if flag]
    if len(kept_ids) < 3:
        raise ComputationError(
            f"空间分析至少需要 3 个有邻居的单元{where}，现在只有 {len(kept_ids)} 个"
        )
    if transform == "r":
        inv = np.divide(1.0, row, out=np.zeros_like(row), where=row > 0)
        mat = sp.diags(inv) @ mat
    elif transform != "b":
        raise InputError(f"权重变换只能是 'r'（行标准化）或 'b'（二值），收到 {transform!r}")
    return AlignedWeights(
        matrix=sp.csr_matrix(mat), ids=kept_ids, keep=keep, islands=island_ids, transform=transform
    )
