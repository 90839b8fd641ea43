"""Economic complexity and relatedness: RCA, M, diversity, ubiquity, ECI/PCI, proximity,
density, complexity outlook index (COI) and gain (COG).

Sources
-------
- Hidalgo, C. A. & Hausmann, R. (2009). The building blocks of economic complexity. *PNAS*
  106(26), 10570–10575 (method of reflections, ECI / PCI as eigenvectors).
- Hidalgo, C. A., Klinger, B., Barabási, A.-L. & Hausmann, R. (2007). The product space conditions
  the development of nations. *Science* 317, 482–487 (proximity, density).
- Hausmann, R., Hidalgo, C. A. et al. (2014). *The Atlas of Economic Complexity*, MIT Press
  (COI, COG, standardisation).
- Stata package ``ecomplexity`` (Growth Lab, Harvard; files ``ecipci.ado``, ``proxdiscrete.ado``,
  ``calculate_density.ado``, ``coicog.ado``) and the Python package ``ecomplexity`` 0.5.3 for the
  two numerical conventions reproduced here (see :data:`CONVENTIONS`).

Notation: ``X`` is the location × product value matrix (C × P), ``M`` the binary presence
matrix, ``k_c = Σ_p M_cp`` diversity, ``k_p = Σ_c M_cp`` ubiquity.

Two conventions (``convention=``) differ only where the two reference implementations differ:

============================  ===============================  ==============================
item                          ``"stata"`` (default)             ``"py-ecomplexity"``
============================  ===============================  ==============================
proximity diagonal            0                                 1
standardisation of ECI, COI   mean / sd (n−1) over all C×P      mean / sd (n) over the C
                              location × product cells          locations
asymmetric proximity (COG)    rows of φ_{p'p} = C_{p'p}/k_p     columns of it (the package's
                              (``coicog.ado``)                  matrix is Stata's transpose)
============================  ===============================  ==============================

Locations with zero diversity and products with zero ubiquity make the eigenproblem singular;
they are dropped from the computation with a Chinese warning and recorded in
``ComplexityResult.dropped`` (the reference implementations return NaN for *every* cell then).

Examples
--------
RCA of three locations × two products X = (10, 30), (30, 30), (10, 40): column shares of the
total are (50, 100)/150 = (1/3, 2/3), so RCA = row shares / (1/3, 2/3) = (0.75, 1.125),
(1.5, 0.75), (0.6, 1.2); M = 1[RCA ≥ 1], diversity k_c = (1, 1, 1), ubiquity k_p = (1, 2):

>>> import numpy as np
>>> x = np.array([[10.0, 30.0], [30.0, 30.0], [10.0, 40.0]])
>>> rca(x).round(4).tolist()
[[0.75, 1.125], [1.5, 0.75], [0.6, 1.2]]
>>> m = presence(rca(x))
>>> m.tolist(), m.sum(axis=1).tolist(), m.sum(axis=0).tolist()
([[0.0, 1.0], [1.0, 0.0], [0.0, 1.0]], [1.0, 1.0, 1.0], [1.0, 2.0])

Where to look
-------------
* Docs: ``docs/industry.md`` §1 (经济复杂度与关联度).
* Tests: ``tests/industry/test_industry_complexity.py`` (Stata ``ecomplexity`` ground truth and
  py-ecomplexity 0.5.3 agreement), ``tests/industry/test_industry_cli.py``.
* CLI: ``xinzhi industry complexity``.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from xinzhi.errors import ComputationError, InputError
from xinzhi.results import Result

__all__ = [
    "CONVENTIONS",
    "TIDY_COLUMNS",
    "ComplexityResult",
    "ComplexityYear",
    "coi_cog",
    "complexity",
    "complexity_matrix",
    "density",
    "eci_pci",
    "presence",
    "proximity",
    "rca",
    "rpop",
]

Convention = Literal["stata", "py-ecomplexity"]
Presence = Literal["rca", "rpop", "both", "manual"]
ProximityKind = Literal["discrete", "continuous"]
CONVENTIONS: tuple[str, ...] = ("stata", "py-ecomplexity")
TIDY_COLUMNS: list[str] = [
    "location",
    "product",
    "year",
    "value",
    "rca",
    "M",
    "density",
    "eci",
    "pci",
    "diversity",
    "ubiquity",
    "coi",
    "cog",
]
_ZH = {
    "location": "地区",
    "product": "产品/产业",
    "year": "年份",
    "value": "数值",
    "rca": "显示性比较优势RCA",
    "rpop": "人均显示性优势RPOP",
    "M": "是否具有比较优势M",
    "density": "密度density",
    "eci": "经济复杂度ECI",
    "pci": "产品复杂度PCI",
    "diversity": "多样性diversity",
    "ubiquity": "普遍性ubiquity",
    "coi": "复杂度前景指数COI",
    "cog": "复杂度前景收益COG",
}

FloatArray = NDArray[np.float64]


# --------------------------------------------------------------------------------------------
# building blocks (arrays in, arrays out)
# --------------------------------------------------------------------------------------------
def rca(x: FloatArray) -> FloatArray:
    """Balassa revealed comparative advantage (location quotient).

    ``RCA_cp = (X_cp / Σ_p X_cp) / (Σ_c X_cp / Σ_cp X_cp)`` (Balassa 1965; Hidalgo & Hausmann
    2009, eq. 1). Rows and columns must have positive totals.
    """
    x = np.asarray(x, dtype=np.float64)
    row = x.sum(axis=1, keepdims=True)
    col = x.sum(axis=0, keepdims=True)
    if np.any(row <= 0) or np.any(col <= 0):
        raise ComputationError("RCA 需要每个地区、每个产品的合计值都为正（存在合计为 0 的行或列）")
    return np.asarray((x / row) / (col / x.sum()), dtype=np.float64)


def rpop(x: FloatArray, population: FloatArray) -> FloatArray:
    """Revealed per-capita advantage ``RPOP_cp = (X_cp / pop_c) / (Σ_c X_cp / Σ_c pop_c)``.

    Source: Stata ``ecomplexity`` option ``rpop()``; Hausmann et al. (2014).
    """
    x = np.asarray(x, dtype=np.float64)
    pop = np.asarray(population, dtype=np.float64).reshape(-1)
    if pop.shape[0] != x.shape[0] or np.any(~np.isfinite(pop)) or np.any(pop <= 0):
        raise ComputationError("RPOP 需要每个地区都有正的人口数（population）")
    col = x.sum(axis=0, keepdims=True)
    if np.any(col <= 0):
        raise ComputationError("RPOP 需要每个产品的合计值为正")
    return np.asarray((x / pop[:, None]) / (col / pop.sum()), dtype=np.float64)


def presence(values: FloatArray, threshold: float = 1.0, *, strict: bool = False) -> FloatArray:
    """Binary presence ``M_cp = 1[values_cp ≥ threshold]`` (``>`` if ``strict``).

    ``≥`` is the rule of py-ecomplexity and of the Stata ground-truth files; the current
    ``ecomplexity.ado`` writes ``RCA :> threshold`` — pass ``strict=True`` for it.
    """
    v = np.nan_to_num(np.asarray(values, dtype=np.float64), nan=0.0)
    return (v > threshold if strict else v >= threshold).astype(np.float64)


def eci_pci(m: FloatArray) -> tuple[FloatArray, FloatArray, float]:
    """Raw (unstandardised) ECI and PCI from the presence matrix, by a symmetric eigen-solver.

    The product matrix of the method of reflections is
    ``M̃_pp' = Σ_c M_cp M_cp' / (k_c k_p)`` (Hidalgo & Hausmann 2009); PCI is its eigenvector
    of the second-largest eigenvalue λ₂, ECI ``= D_c⁻¹ M · PCI``. ``M̃`` is similar to the
    symmetric positive semi-definite ``S = B'B`` with ``B = D_c^{-1/2} M D_p^{-1/2}``; we solve
    the smaller of ``B'B`` (P × P) and ``BB'`` (C × C) with :func:`_second_eigenpair` (ARPACK
    Lanczos on the deflated matrix, or LAPACK ``syevr`` for small sizes) and map back: ``kp = D_p^{-1/2} v`` or ``kc = D_c^{-1/2} u, kp = D_p⁻¹ M' kc / λ₂``.
    The sign is chosen so that ECI correlates positively with diversity (``ecipci.ado``).

    Returns
    -------
    kc, kp, lambda2
        Raw ECI (length C), raw PCI (length P) on a common scale, and λ₂.
    """
    m = np.asarray(m, dtype=np.float64)
    kc0 = m.sum(axis=1)
    kp0 = m.sum(axis=0)
    if np.any(kc0 <= 0) or np.any(kp0 <= 0):
        raise ComputationError("计算 ECI/PCI 时多样性或普遍性为 0（请先剔除这些地区/产品）")
    n_loc, n_prod = m.shape
    if n_loc < 2 or n_prod < 2:
        raise ComputationError("计算 ECI/PCI 至少需要 2 个地区和 2 个产品")
    sc = 1.0 / np.sqrt(kc0)
    sp = 1.0 / np.sqrt(kp0)
    b = m * sc[:, None] * sp[None, :]
    if n_prod <= n_loc:
        lam2, v = _second_eigenpair(b.T @ b, np.sqrt(kp0))
        kp = v * sp
        kc = (m @ kp) / kc0
    else:
        lam2, u = _second_eigenpair(b @ b.T, np.sqrt(kc0))
        if lam2 <= 1e-12:
            raise ComputationError("第二大特征值为 0，ECI/PCI 无定义（矩阵 M 结构退化）")
        kc = u * sc
        kp = (m.T @ kc) / kp0 / lam2
    if lam2 > 1.0 - 1e-9:
        warnings.warn(
            "M 矩阵对应的网络不连通（最大特征值 1 重复），ECI/PCI 的特征向量不唯一，结果需谨慎解读",
            stacklevel=2,
        )
    if np.std(kc) == 0:
        raise ComputationError("ECI 为常数（所有地区结构相同），无法标准化")
    corr = np.corrcoef(kc0, kc)[0, 1]
    sign = 1.0 if corr > 0 else -1.0
    return kc * sign, kp * sign, lam2


def _second_eigenpair(s: FloatArray, top: FloatArray) -> tuple[float, FloatArray]:
    """Second-largest eigenpair of the symmetric PSD matrix ``s`` whose largest eigenpair is
    ``(1, top/‖top‖)`` (true for ``B'B`` and ``BB'`` above).

    Large matrices: ARPACK Lanczos (``eigsh``, ``tol=0`` = machine precision) on the deflated
    operator ``s − v₁v₁'``, whose largest eigenvalue is λ₂; this needs only matrix–vector
    products; if ARPACK does not converge, dense LAPACK ``syevr`` for the two largest
    eigenpairs. Small matrices (n ≤ 200, e.g. the 20 census sections of the report's industry
    map): NumPy's dense ``eigh`` — SciPy is imported only for large ones, its import costing
    ~0.15 s of a report's cold start.
    """
    n = s.shape[0]
    if n <= 200:
        w, v = np.linalg.eigh(s)
        return float(w[-2]), np.asarray(v[:, -2], dtype=np.float64)
    v1 = top / np.linalg.norm(top)
    from scipy import linalg
    from scipy.sparse.linalg import ArpackNoConvergence, LinearOperator, eigsh

    op = LinearOperator((n, n), matvec=lambda z: s @ z - v1 * (v1 @ z), dtype=np.float64)
    try:
        w, v = eigsh(
            op,
            k=1,
            which="LA",
            tol=0.0,
            v0=np.full(n, 1.0 / np.sqrt(n)) - v1 * v1.sum() / np.sqrt(n),
        )
        return float(w[0]), np.asarray(v[:, 0], dtype=np.float64)
    except ArpackNoConvergence:
        pass
    w, v = linalg.eigh(s, subset_by_index=[n - 2, n - 1])
    return float(w[0]), np.asarray(v[:, 0], dtype=np.float64)


def proximity(
    m: FloatArray,
    *,
    kind: ProximityKind = "discrete",
    asymmetric: bool = False,
    convention: Convention = "stata",
    levels: FloatArray | None = None,
) -> FloatArray:
    """Product proximity φ in *density orientation*: ``density = L φ / 1'φ`` (column sums).

    Discrete (Hidalgo et al. 2007), with co-occurrence ``C = M'M`` and ubiquity ``k_p``:

    - symmetric: ``φ_p'p = C_p'p / max(k_p', k_p)``;
    - asymmetric: ``φ_p'p = C_p'p / k_p`` (Stata ``asym``; the probability of having p' given p).
    Continuous: ``φ = (1 + corr(L))/2`` with L the RCA (or RPOP) matrix (``proxcontinous.ado``).

    Diagonal: 0 in the ``"stata"`` convention (``- I(Npx)``), 1 in ``"py-ecomplexity"``.
    In the py-ecomplexity convention, the asymmetric matrix of the package is the transpose of
    Stata's; in density orientation the two coincide off the diagonal.
    """
    m = np.asarray(m, dtype=np.float64)
    if kind == "continuous":
        if levels is None:
            raise InputError("连续型邻近度（continuous proximity）需要 RCA/RPOP 矩阵（levels）")
        lv = np.asarray(levels, dtype=np.float64)
        if np.any(lv.std(axis=0) == 0):
            raise ComputationError("连续型邻近度：存在在各地区取值完全相同的产品，相关系数无定义")
        phi = (1.0 + np.corrcoef(lv, rowvar=False)) / 2.0
    else:
        m32 = m.astype(np.float32)  # counts are exact integers in float32 (< 2**24 locations)
        cooc = (m32.T @ m32).astype(np.float64)
        kp0 = np.diag(cooc).copy()
        if np.any(kp0 <= 0):
            raise ComputationError("计算邻近度时存在普遍性为 0 的产品")
        if asymmetric:
            phi = cooc / kp0[None, :]
        else:
            phi = cooc / np.maximum(kp0[:, None], kp0[None, :])
    out = np.array(phi, dtype=np.float64)
    np.fill_diagonal(out, 0.0 if convention == "stata" else 1.0)
    return out


def density(levels: FloatArray, phi: FloatArray) -> FloatArray:
    """Density ``ω_cp = Σ_p' L_cp' φ_p'p / Σ_p' φ_p'p`` (Hidalgo et al. 2007; L = M, or RCA for
    continuous proximity)."""
    den = phi.sum(axis=0)
    isolated = den <= 0
    if np.any(isolated):
        warnings.warn(
            f"{int(isolated.sum())} 个产品与其他所有产品的邻近度均为 0（孤立产品），其密度记为 0",
            stacklevel=2,
        )
        den = np.where(isolated, 1.0, den)
    return np.asarray((np.asarray(levels, dtype=np.float64) @ phi) / den[None, :])


def coi_cog(
    m: FloatArray,
    dens: FloatArray,
    phi: FloatArray,
    kp: FloatArray,
    *,
    convention: Convention = "stata",
) -> tuple[FloatArray, FloatArray]:
    """Raw complexity outlook index and gain (Hausmann et al. 2014, Atlas, technical box).

    ``COI_c = Σ_p ω_cp (1 − M_cp) PCI_p``;
    ``COG_cp = (1 − M_cp) Σ_p' (1 − M_cp') (φ_pp' / Σ_p'' φ_p'p'') PCI_p'`` with the row sums
    of the proximity matrix as in ``coicog.ado`` / ``coicog.py``; here ``φ`` is given in density
    orientation, so Stata uses its rows and py-ecomplexity (whose matrix is the transpose) its
    columns. Both are identical for symmetric proximity. ``kp`` is the raw PCI.
    """
    not_m = 1.0 - m
    coi = (dens * not_m) @ kp
    # isolated products (zero proximity sums) get weight 0 instead of 0/0
    if convention == "stata":
        rs = phi.sum(axis=1)
        w = phi * (kp / np.where(rs > 0, rs, 1.0))[:, None]
    else:
        cs = phi.sum(axis=0)
        w = phi.T * (kp / np.where(cs > 0, cs, 1.0))[:, None]
    # (1 - M) @ W == colsum(W) - M @ W  (saves one dense product's worth of memory traffic)
    cog = not_m * (w.sum(axis=0)[None, :] - m @ w)
    return coi, cog


def _standardise(eci: FloatArray, n_prod: int, convention: Convention) -> tuple[float, float]:
    """Mean and standard deviation used to standardise ECI (or COI).

    Stata: ``summarize`` over the C × P location-product rows (sd with n − 1);
    py-ecomplexity: ``np.std`` over the C locations (n).
    """
    mean = float(eci.mean())
    if convention == "stata":
        n = eci.size * n_prod
        sd = float(np.sqrt(n_prod * np.sum((eci - mean) ** 2) / (n - 1)))
    else:
        sd = float(eci.std())
    if sd == 0:
        raise ComputationError("标准化时标准差为 0（所有地区取值相同）")
    return mean, sd


@dataclass(frozen=True)
class ComplexityYear:
    """Arrays of one year (rows = ``locations``, columns = ``products``)."""

    year: Any
    locations: NDArray[Any]
    products: NDArray[Any]
    value: FloatArray
    rca: FloatArray
    rpop: FloatArray | None
    m: FloatArray
    density: FloatArray
    eci: FloatArray
    pci: FloatArray
    diversity: FloatArray
    ubiquity: FloatArray
    coi: FloatArray
    cog: FloatArray
    proximity: FloatArray
    lambda2: float


def complexity_matrix(
    m: FloatArray,
    *,
    levels: FloatArray | None = None,
    convention: Convention = "stata",
    proximity_kind: ProximityKind = "discrete",
    asymmetric: bool = False,
) -> dict[str, Any]:
    """All complexity measures from a presence matrix ``m`` (C × P, no all-zero row/column).

    ``levels`` is the RCA (or RPOP) matrix, needed for continuous proximity (density is then
    ``levels · φ / 1'φ`` as in ``calculate_density.ado``). Returns a dict with ``m, density,
    eci, pci, diversity, ubiquity, coi, cog, proximity, lambda2``; ECI, PCI, COG and COI are
    standardised per ``convention`` (Stata ``ecomplexity.ado``: ``eci = (kc − mean)/sd``,
    ``pci = (kp − mean)/sd``, ``cog = cog/sd`` with mean and sd of kc; COI z-scored).
    """
    m = np.asarray(m, dtype=np.float64)
    kc, kp, lam2 = eci_pci(m)
    if proximity_kind == "continuous":
        lv = m if levels is None else np.asarray(levels, dtype=np.float64)
        phi = proximity(m, kind="continuous", levels=lv, convention=convention)
    else:
        lv = m
        phi = proximity(m, kind="discrete", asymmetric=asymmetric, convention=convention)
    dens = density(lv, phi)
    coi, cog = coi_cog(m, dens, phi, kp, convention=convention)
    n_prod = m.shape[1]
    mean_e, sd_e = _standardise(kc, n_prod, convention)
    mean_o, sd_o = _standardise(coi, n_prod, convention)
    return {
        "m": m,
        "density": dens,
        "eci": (kc - mean_e) / sd_e,
        "pci": (kp - mean_e) / sd_e,
        "cog": cog / sd_e,
        "coi": (coi - mean_o) / sd_o,
        "diversity": m.sum(axis=1),
        "ubiquity": m.sum(axis=0),
        "proximity": phi,
        "lambda2": lam2,
    }


# --------------------------------------------------------------------------------------------
# tidy data in, result object out
# --------------------------------------------------------------------------------------------
@dataclass
class ComplexityResult(Result):
    """Economic complexity results for every year, with the options that produced them."""

    years: list[ComplexityYear]
    options: dict[str, Any]
    dropped: pd.DataFrame = field(default_factory=pd.DataFrame)
    notes: list[str] = field(default_factory=list)
    """Warnings met on the data (Chinese), filled by the pipelines."""

    def tidy(self) -> pd.DataFrame:
        """One row per location × product × year with :data:`TIDY_COLUMNS` (+ ``rpop``)."""
        if not self.years:
            return pd.DataFrame(columns=TIDY_COLUMNS)
        # categorical keys: the labels are stored once, the rows hold integer codes
        loc_cats = pd.Index(np.unique(np.concatenate([y.locations for y in self.years])))
        prod_cats = pd.Index(np.unique(np.concatenate([y.products for y in self.years])))
        frames = []
        for y in self.years:
            n_loc, n_prod = y.m.shape
            n = n_loc * n_prod
            loc_codes = loc_cats.get_indexer(y.locations)
            prod_codes = prod_cats.get_indexer(y.products)
            cols: dict[str, Any] = {
                "location": pd.Categorical.from_codes(np.repeat(loc_codes, n_prod), loc_cats),
                "product": pd.Categorical.from_codes(np.tile(prod_codes, n_loc), prod_cats),
                "year": pd.array([y.year] * n) if y.year is None else np.full(n, y.year),
                "value": y.value.ravel(),
                "rca": y.rca.ravel(),
                "M": y.m.ravel().astype(np.int64),
                "density": y.density.ravel(),
                "eci": np.repeat(y.eci, n_prod),
                "pci": np.tile(y.pci, n_loc),
                "diversity": np.repeat(y.diversity, n_prod).astype(np.int64),
                "ubiquity": np.tile(y.ubiquity, n_loc).astype(np.int64),
                "coi": np.repeat(y.coi, n_prod),
                "cog": y.cog.ravel(),
            }
            if y.rpop is not None:
                cols["rpop"] = y.rpop.ravel()
            frames.append(pd.DataFrame(cols))
        return pd.concat(frames, ignore_index=True)

    def to_arrow(self) -> Any:
        """The rows of :meth:`tidy` as a ``pyarrow.Table``, built from the arrays without a
        pandas frame: location- and product-level columns (location, ECI, diversity, COI;
        product, PCI, ubiquity) are dictionary arrays, so a writer formats each distinct value
        once (:func:`xinzhi.cli._arrow_tables.write_arrow`)."""
        import pyarrow as pa

        if not self.years:
            return pa.table({c: pa.array([], pa.null()) for c in TIDY_COLUMNS})
        parts = []
        for y in self.years:
            n_loc, n_prod = y.m.shape
            n = n_loc * n_prod
            li = pa.array(np.repeat(np.arange(n_loc, dtype=np.int32), n_prod))
            pi = pa.array(np.tile(np.arange(n_prod, dtype=np.int32), n_loc))

            def by_loc(v: Any, li: Any = li) -> Any:
                return pa.DictionaryArray.from_arrays(li, pa.array(v, from_pandas=True))

            def by_prod(v: Any, pi: Any = pi) -> Any:
                return pa.DictionaryArray.from_arrays(pi, pa.array(v, from_pandas=True))

            def cells(v: FloatArray) -> Any:
                return pa.array(v.ravel(), from_pandas=True)  # NaN → null (empty CSV cell)

            cols: dict[str, Any] = {
                "location": by_loc(y.locations),
                "product": by_prod(y.products),
                "year": pa.nulls(n) if y.year is None else pa.array(np.full(n, y.year)),
                "value": cells(y.value),
                "rca": cells(y.rca),
                "M": pa.array(y.m.ravel().astype(np.int64)),
                "density": cells(y.density),
                "eci": by_loc(y.eci),
                "pci": by_prod(y.pci),
                "diversity": by_loc(y.diversity.astype(np.int64)),
                "ubiquity": by_prod(y.ubiquity.astype(np.int64)),
                "coi": by_loc(y.coi),
                "cog": cells(y.cog),
            }
            if y.rpop is not None:
                cols["rpop"] = cells(y.rpop)
            parts.append(pa.table(cols))
        if len(parts) == 1:
            return parts[0]
        return pa.concat_tables(parts, promote_options="permissive")

    def locations(self) -> pd.DataFrame:
        """One row per location × year: ECI, diversity, COI."""
        frames = [
            pd.DataFrame(
                {
                    "location": y.locations,
                    "year": y.year,
                    "eci": y.eci,
                    "diversity": y.diversity.astype(np.int64),
                    "coi": y.coi,
                }
            )
            for y in self.years
        ]
        return pd.concat(frames, ignore_index=True)

    def products(self) -> pd.DataFrame:
        """One row per product × year: PCI and ubiquity."""
        frames = [
            pd.DataFrame(
                {
                    "product": y.products,
                    "year": y.year,
                    "pci": y.pci,
                    "ubiquity": y.ubiquity.astype(np.int64),
                }
            )
            for y in self.years
        ]
        return pd.concat(frames, ignore_index=True)

    def proximity_frame(self, year: Any = None) -> pd.DataFrame:
        """Proximity of one year (default: the last) as an edge list ``product_1, product_2,
        proximity`` in density orientation (``φ[product_1, product_2]``)."""
        y = self.years[-1] if year is None else next(v for v in self.years if v.year == year)
        n = y.products.size
        return pd.DataFrame(
            {
                "product_1": np.repeat(y.products, n),
                "product_2": np.tile(y.products, n),
                "proximity": y.proximity.ravel(),
            }
        )

    def tables(self) -> dict[str, pd.DataFrame]:
        tables = {
            "明细": self.tidy().rename(columns=_ZH),
            "地区": self.locations().rename(columns=_ZH),
            "产品": self.products().rename(columns=_ZH),
            "选项": pd.DataFrame(
                {"选项": list(self.options), "取值": [str(v) for v in self.options.values()]}
            ),
        }
        if not self.dropped.empty:
            tables["剔除"] = self.dropped.rename(
                columns={"year": "年份", "kind": "类型", "id": "编码", "reason": "原因"}
            )
        return tables

    def summary(self) -> str:
        o = self.options
        lines = [
            "经济复杂度分析（economic complexity）",
            f"口径 convention = {o['convention']}；存在性检验 presence = {o['presence']}，"
            f"阈值 threshold = {o['threshold']}；邻近度 proximity = {o['proximity']}"
            f"{'（非对称）' if o['asymmetric'] else ''}",
        ]
        for y in self.years:
            top = np.argsort(-y.eci)[:5]
            lines.append(
                f"年份 {y.year}：{y.locations.size} 个地区 × {y.products.size} 个产品，"
                f"M 中 1 的比例 {y.m.mean():.1%}，λ₂ = {y.lambda2:.4f}；ECI 最高："
                + "、".join(f"{y.locations[i]}({y.eci[i]:.2f})" for i in top)
            )
        if not self.dropped.empty:
            lines.append(f"剔除 {len(self.dropped)} 个地区/产品（见 dropped）")
        return "\n".join(lines)


def _compact(codes: NDArray[np.intp], n: int) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
    """Used codes (sorted) and the codes renumbered 0..k-1 — an O(n) ``np.unique``."""
    used = np.bincount(codes, minlength=n) > 0
    remap = np.cumsum(used) - 1
    return np.flatnonzero(used), remap[codes]


def _dropped_rows(year: Any, kind: str, ids: NDArray[Any], reason: str) -> list[dict[str, Any]]:
    return [{"year": year, "kind": kind, "id": i, "reason": reason} for i in ids.tolist()]


def complexity(
    data: pd.DataFrame,
    *,
    location: str,
    product: str,
    value: str,
    year: str | None = None,
    convention: Convention = "stata",
    presence_test: Presence = "rca",
    threshold: float = 1.0,
    rpop_threshold: float = 1.0,
    strict: bool = False,
    population: pd.DataFrame | None = None,
    population_value: str = "population",
    proximity_kind: ProximityKind = "discrete",
    asymmetric: bool = False,
) -> ComplexityResult:
    """Economic complexity of a long table ``location, product, value[, year]``.

    Per year: rectangularise (missing cells = 0; duplicated keys raise), drop locations and
    products with zero total value, compute RCA/RPOP and M, drop locations with zero diversity
    and products with zero ubiquity (Chinese warning; listed in ``result.dropped``), then
    :func:`complexity_matrix`.

    Parameters
    ----------
    convention
        ``"stata"`` (default; reproduces Stata ``ecomplexity``) or ``"py-ecomplexity"``
        (reproduces the Python package 0.5.3). See the module docstring.
    presence_test
        ``"rca"``, ``"rpop"`` (needs ``population``), ``"both"`` (union of the two tests, as
        Stata with ``rca() rpop()``) or ``"manual"`` (``value`` already is M; rca is NaN).
    threshold, rpop_threshold, strict
        ``M = 1[RCA ≥ threshold]`` (``>`` if ``strict``); likewise for RPOP.
    population
        Table with columns ``location`` (same name as in ``data``), ``year`` (if given) and
        ``population_value``; Stata takes the mean per location within a year.
    proximity_kind, asymmetric
        Discrete (co-occurrence) or continuous (correlation of RCA) proximity; asymmetric
        conditional probabilities for discrete.
    """
    if convention not in CONVENTIONS:
        raise InputError(f"未知的复杂度口径 convention：{convention}（可选 stata、py-ecomplexity）")
    for col in (location, product, value) + ((year,) if year else ()):
        if col not in data.columns:
            raise InputError(f"输入数据缺少列：{col}")
    cols = [location, product, value] + ([year] if year else [])
    df = data[cols].copy()
    df[value] = pd.to_numeric(df[value], errors="coerce")
    if df[value].isna().any():
        raise InputError(f"列 {value} 含有缺失或非数值（共 {int(df[value].isna().sum())} 行）")
    if (df[value] < 0).any():
        raise InputError(f"列 {value} 含有负值，无法计算 RCA")
    if presence_test in ("rpop", "both") and population is None:
        raise InputError("presence_test='rpop'/'both' 需要人口数据（population）")

    # factorise once (sorted codes), then rectangularise each year with integer indexing
    loc_all_codes, loc_all = pd.factorize(df[location], sort=True)
    prod_all_codes, prod_all = pd.factorize(df[product], sort=True)
    loc_all_a = np.asarray(loc_all, dtype=object)
    prod_all_a = np.asarray(prod_all, dtype=object)
    values_all = df[value].to_numpy(dtype=np.float64)
    if (loc_all_codes < 0).any() or (prod_all_codes < 0).any():
        raise InputError("地区或产品列存在缺失值")
    if year:
        year_codes, year_index = pd.factorize(df[year], sort=True)
        year_values: list[Any] = list(year_index.tolist())
    else:
        year_codes = np.zeros(len(df), dtype=np.intp)
        year_values = [None]
    results: list[ComplexityYear] = []
    dropped: list[dict[str, Any]] = []
    for yi, yv in enumerate(year_values):
        sel = year_codes == yi
        lc, pc = loc_all_codes[sel], prod_all_codes[sel]
        ul, li = _compact(lc, loc_all_a.size)
        up, pi = _compact(pc, prod_all_a.size)
        flat = li * up.size + pi
        if np.bincount(flat, minlength=ul.size * up.size).max(initial=0) > 1:
            raise InputError(f"年份 {yv}：同一地区、产品出现重复行，请先汇总")
        x = np.zeros((ul.size, up.size))
        x[li, pi] = values_all[sel]
        locs_a = loc_all_a[ul]
        prods_a = prod_all_a[up]
        pop_vec: FloatArray | None = None
        if presence_test in ("rpop", "both") and population is not None:
            p = population
            if year and year in p.columns:
                p = p[p[year] == yv]
            pm = p.groupby(location)[population_value].mean()
            pop_vec = pm.reindex(locs_a).to_numpy(dtype=np.float64)
            bad = ~np.isfinite(pop_vec) | (pop_vec <= 0)
            if bad.any():
                dropped += _dropped_rows(yv, "地区", locs_a[bad], "缺少人口数据或人口 ≤ 0")
                warnings.warn(
                    f"年份 {yv}：{int(bad.sum())} 个地区缺少人口数据，已剔除："
                    + "、".join(map(str, locs_a[bad][:10])),
                    stacklevel=2,
                )
                x, locs_a, pop_vec = x[~bad], locs_a[~bad], pop_vec[~bad]
        if presence_test != "manual":
            zero_loc = x.sum(axis=1) <= 0
            zero_prod = x.sum(axis=0) <= 0
            if zero_loc.any() or zero_prod.any():
                dropped += _dropped_rows(yv, "地区", locs_a[zero_loc], "合计值为 0")
                dropped += _dropped_rows(yv, "产品", prods_a[zero_prod], "合计值为 0")
                warnings.warn(
                    f"年份 {yv}：剔除合计值为 0 的地区 {int(zero_loc.sum())} 个、产品 {int(zero_prod.sum())} 个",
                    stacklevel=2,
                )
                x = x[~zero_loc][:, ~zero_prod]
                locs_a, prods_a = locs_a[~zero_loc], prods_a[~zero_prod]
                if pop_vec is not None:
                    pop_vec = pop_vec[~zero_loc]
        # Presence first (on the full matrix: RCA uses all values), then drop degenerate rows
        if presence_test == "manual":
            m_full = np.nan_to_num(x, nan=0.0)
        else:
            r_full = rca(x)
            rp_full = rpop(x, pop_vec) if pop_vec is not None else None
            if presence_test == "rca":
                m_full = presence(r_full, threshold, strict=strict)
            elif presence_test == "rpop":
                assert rp_full is not None
                m_full = presence(rp_full, rpop_threshold, strict=strict)
            else:
                assert rp_full is not None
                m_full = np.maximum(
                    presence(r_full, threshold, strict=strict),
                    presence(rp_full, rpop_threshold, strict=strict),
                )
        zero_div = m_full.sum(axis=1) == 0
        zero_ubi = m_full.sum(axis=0) == 0
        if zero_div.any() or zero_ubi.any():
            dropped += _dropped_rows(yv, "地区", locs_a[zero_div], "多样性为 0（无任何优势产品）")
            dropped += _dropped_rows(
                yv, "产品", prods_a[zero_ubi], "普遍性为 0（无任何地区具有优势）"
            )
            warnings.warn(
                f"年份 {yv}：{int(zero_div.sum())} 个地区多样性（diversity）为 0、"
                f"{int(zero_ubi.sum())} 个产品普遍性（ubiquity）为 0，已从复杂度计算中剔除："
                + "、".join(map(str, np.concatenate([locs_a[zero_div], prods_a[zero_ubi]])[:10])),
                stacklevel=2,
            )
        keep_l, keep_p = ~zero_div, ~zero_ubi
        if keep_l.sum() < 2 or keep_p.sum() < 2:
            raise ComputationError(f"年份 {yv}：剔除后不足 2 个地区或 2 个产品，无法计算复杂度")
        # RCA/RPOP of the kept cells are those of the full matrix (as in Stata); the
        # complexity measures use the reduced M.
        sub = x[keep_l][:, keep_p]
        if presence_test == "manual":
            r_keep = np.full(sub.shape, np.nan)
            rp_keep = None
            lv_keep = sub
        else:
            r_keep = r_full[keep_l][:, keep_p]
            rp_keep = rp_full[keep_l][:, keep_p] if rp_full is not None else None
            lv_keep = rp_keep if presence_test == "rpop" and rp_keep is not None else r_keep
        res = complexity_matrix(
            m_full[keep_l][:, keep_p],
            levels=lv_keep,
            convention=convention,
            proximity_kind=proximity_kind,
            asymmetric=asymmetric,
        )
        results.append(
            ComplexityYear(
                year=yv,
                locations=locs_a[keep_l],
                products=prods_a[keep_p],
                value=sub,
                rca=r_keep,
                rpop=rp_keep,
                m=res["m"],
                density=res["density"],
                eci=res["eci"],
                pci=res["pci"],
                diversity=res["diversity"],
                ubiquity=res["ubiquity"],
                coi=res["coi"],
                cog=res["cog"],
                proximity=res["proximity"],
                lambda2=res["lambda2"],
            )
        )
    options = {
        "convention": convention,
        "presence": presence_test,
        "threshold": threshold,
        "rpop_threshold": rpop_threshold,
        "strict": strict,
        "proximity": proximity_kind,
        "asymmetric": asymmetric,
        "location": location,
        "product": product,
        "value": value,
        "year": year,
    }
    return ComplexityResult(
        years=results,
        options=options,
        dropped=pd.DataFrame(dropped, columns=["year", "kind", "id", "reason"]),
    )
