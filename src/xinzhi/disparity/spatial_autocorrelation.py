"""Global Moran's I, Geary's C and local Moran (LISA) with permutation and normal inference.

Global statistics (Moran, P. 1950; Geary, R. 1954; moments from Cliff & Ord 1981), with
z_i = y_i − ȳ, S0 = Σ_ij w_ij, S1 = ½Σ_ij (w_ij + w_ji)², S2 = Σ_i (w_i· + w_·i)²:

.. math::

    I = \\frac{n}{S_0}\\frac{\\sum_i\\sum_j w_{ij} z_i z_j}{\\sum_i z_i^2},\\quad
    E[I] = -\\frac{1}{n-1},\\quad
    \\operatorname{Var}_N(I) = \\frac{n^2 S_1 - n S_2 + 3 S_0^2}{(n^2-1) S_0^2} - E[I]^2

    C = \\frac{(n-1)\\sum_i\\sum_j w_{ij}(y_i-y_j)^2}{2 S_0 \\sum_i z_i^2},\\quad E[C] = 1,\\quad
    \\operatorname{Var}_N(C) = \\frac{(2S_1+S_2)(n-1) - 4S_0^2}{2(n+1)S_0^2}

The randomisation variances follow Cliff & Ord (1981) as in PySAL esda. Normal-approximation
p-values are two-sided. Permutation inference draws ``permutations`` random relabellings
(``seed`` explicit): ``p_sim`` is esda's folded one-sided pseudo p-value
(min(#≥, #<) + 1)/(perms + 1); ``p_sim_greater`` = (#{I* ≥ I} + 1)/(perms + 1) tests positive
autocorrelation; ``p_sim_two_sided`` = (#{|I* − Ī*| ≥ |I − Ī*|} + 1)/(perms + 1) (centred at
the permutation mean); ``p_sim_abs`` = (#{|I*| ≥ |I|} + 1)/(perms + 1) (uncentred, the
"双侧p值" convention of the replication study "green"). All
permutations of a cross-section are evaluated at once as a sparse-matrix product (no loop).
The values match esda's ``Moran``/``Geary`` (same I, C and moments).

Local Moran (Anselin, L. 1995, "Local indicators of spatial association — LISA",
*Geographical Analysis* 27: 93–115): I_i = (z_i / m_2) Σ_j w_ij z_j with m_2 = Σ_i z_i²/n
(``scale="anselin"``, default; this is what the Chinese literature, e.g. the replication study
"green", reports). esda's ``Moran_Local`` uses (n − 1)/Σ z² instead of 1/m_2, i.e. its values
are (n − 1)/n times Anselin's (``scale="esda"`` reproduces them). Quadrants and p-values are
unaffected by the scale.

Local inference (``inference``): ``"conditional"`` (default; Anselin 1995: z_i held fixed, the
others permuted; folded one-sided pseudo p-value as esda ``Moran_Local``, same scheme as esda's
``crand`` but vectorised with numpy, no numba compilation) or ``"total"`` (the
whole vector permuted, I_i recomputed for every unit, two-sided p = (#{|I_i*| ≥ |I_i|}+1)/(P+1);
this is what the replication study "green" reports — its 2024 LISA p-values are reproduced to
Monte-Carlo precision). The total version is vectorised (P × n matrix product).
Quadrants: HH 高-高集聚, LH 低-高离群, LL 低-低集聚, HL 高-低离群; "不显著" when p_sim ≥ alpha.

Four units on a line (1–2–3–4, binary contiguity, S0 = 6) with y = (1, 2, 3, 4): z = (−1.5, −0.5,
0.5, 1.5), Σz² = 5, Σ_ij w_ij z_i z_j = 2(0.75 − 0.25 + 0.75) = 2.5, so I = (4/6)·(2.5/5) = 1/3
and E[I] = −1/3. Each neighbour pair differs by 1, Σ_ij w_ij (y_i − y_j)² = 6, so
C = 3·6/(2·6·5) = 0.3:

>>> import numpy as np
>>> import scipy.sparse as sp
>>> w = sp.csr_matrix(np.array([[0, 1, 0, 0], [1, 0, 1, 0], [0, 1, 0, 1], [0, 0, 1, 0]], float))
>>> y = np.array([1.0, 2.0, 3.0, 4.0])
>>> r = global_moran_arrays(y, w, permutations=0)
>>> round(r["I"], 4), round(r["EI"], 4)
(0.3333, -0.3333)
>>> round(global_geary_arrays(y, w, permutations=0)["C"], 4)
0.3

Where to look
-------------
* Docs: ``docs/disparity.md`` §5.
* Tests: ``tests/disparity/test_disparity_pysal_refs.py`` (esda: St Louis homicides Moran's I,
  3×3 lattice variance, Columbus Geary's C), ``tests/disparity/test_disparity_green.py`` (green
  study global Moran and 2024 LISA), ``tests/disparity/test_disparity_cli.py``.
* CLI: ``xinzhi disparity moran`` (``--local-output``, ``--geary``), ``xinzhi analysis moran``,
  ``xinzhi analysis lisa``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, Literal

import numpy as np
import pandas as pd
import scipy.sparse as sp
from scipy import stats

from xinzhi.disparity._common import (
    DisparityResult,
    MissingPolicy,
    check_columns,
    iter_by,
    numeric_column,
)
from xinzhi.disparity.spatial_weights import (
    AlignedWeights,
    IslandPolicy,
    WeightsTransform,
    align_weights,
)
from xinzhi.errors import ComputationError

__all__ = [
    "QUADRANT_LABELS",
    "GlobalAutocorrelationResult",
    "LocalMoranResult",
    "geary",
    "global_geary_arrays",
    "global_moran_arrays",
    "local_moran",
    "moran",
]

QUADRANT_LABELS: dict[str, str] = {
    "HH": "高-高集聚",
    "LH": "低-高离群",
    "LL": "低-低集聚",
    "HL": "高-低离群",
}


def _moments(m: sp.csr_matrix) -> tuple[float, float, float]:
    s0 = float(m.sum())
    sym = m + m.T
    s1 = float(0.5 * sym.multiply(sym).sum())
    rs = np.asarray(m.sum(axis=1)).ravel()
    cs = np.asarray(m.sum(axis=0)).ravel()
    s2 = float(np.sum((rs + cs) ** 2))
    return s0, s1, s2


def _check_variable(y: np.ndarray, where: str) -> np.ndarray:
    z = y - y.mean()
    if not np.any(np.abs(z) > 1e-12 * max(1.0, float(np.abs(y).max()))):
        raise ComputationError(f"空间自相关：变量在所有单元上取值相同（常数），统计量无定义{where}")
    return z


def _perm_matrix(z: np.ndarray, permutations: int, rng: np.random.Generator) -> np.ndarray:
    return rng.permuted(np.broadcast_to(z, (permutations, z.size)), axis=1)


def _conditional_local_p(
    z: np.ndarray,
    local_i: np.ndarray,
    m: sp.csr_matrix,
    permutations: int,
    rng: np.random.Generator,
) -> np.ndarray:
    """Folded one-sided conditional-permutation p-values of local Moran (Anselin 1995).

    As esda's ``crand``: ``permutations`` random sets of k_max indices into the n − 1 other
    units are drawn once and shared by all units; unit i uses the first k_i of each set (its
    own index skipped) with its own weights. Vectorised in blocks of units (no per-unit loop).
    """
    n = z.size
    counts = np.diff(m.indptr)
    kmax = int(counts.max())
    rids = np.stack([rng.choice(n - 1, size=kmax, replace=False) for _ in range(permutations)])
    pos = np.arange(kmax)
    mask = pos[None, :] < counts[:, None]  # n × kmax
    wpad = np.zeros((n, kmax))
    wpad[mask] = m.data  # row-major order of the csr rows = neighbours in order
    scale = n / float(z @ z)
    out = np.empty(n)
    block = max(1, int(2_000_000 // max(1, permutations * kmax)))
    for start in range(0, n, block):  # blocks of units keep memory bounded
        ids = np.arange(start, min(n, start + block))
        idx = rids[None, :, :] + (rids[None, :, :] >= ids[:, None, None])
        lag = np.einsum("bpk,bk->bp", z[idx], wpad[ids])
        sims = z[ids, None] * lag * scale
        above = np.sum(sims >= local_i[ids, None], axis=1)
        larger = np.minimum(above, permutations - above)
        out[ids] = (larger + 1.0) / (permutations + 1.0)
    out[counts == 0] = 1.0  # islands kept with islands="keep": I_i = 0, never significant
    return out


def _sim_summary(stat: float, sims: np.ndarray, permutations: int) -> dict[str, float]:
    above = int(np.sum(sims >= stat))
    larger = min(above, permutations - above)
    mean = float(sims.mean())
    sd = float(sims.std())
    extreme = int(np.sum(np.abs(sims - mean) >= abs(stat - mean)))
    extreme_abs = int(np.sum(np.abs(sims) >= abs(stat)))
    return {
        "mean_sim": mean,
        "se_sim": sd,
        "z_sim": (stat - mean) / sd if sd > 0 else 0.0,
        "p_sim": (larger + 1.0) / (permutations + 1.0),
        "p_sim_greater": (above + 1.0) / (permutations + 1.0),
        "p_sim_two_sided": (extreme + 1.0) / (permutations + 1.0),
        "p_sim_abs": (extreme_abs + 1.0) / (permutations + 1.0),
    }


def global_moran_arrays(
    y: np.ndarray, m: sp.csr_matrix, permutations: int = 999, seed: int | None = 0, where: str = ""
) -> dict[str, float]:
    """Global Moran's I of ``y`` with weights matrix ``m`` (already aligned/transformed)."""
    y = np.asarray(y, dtype=float)
    n = y.size
    z = _check_variable(y, where)
    s0, s1, s2 = _moments(m)
    zz = float(z @ z)
    stat = n / s0 * float(z @ (m @ z)) / zz
    ei = -1.0 / (n - 1)
    vi_norm = (n * n * s1 - n * s2 + 3 * s0 * s0) / ((n * n - 1) * s0 * s0) - ei * ei
    k = (np.sum(z**4) / n) / (zz / n) ** 2
    a = n * ((n * n - 3 * n + 3) * s1 - n * s2 + 3 * s0 * s0)
    b = k * ((n * n - n) * s1 - 2 * n * s2 + 6 * s0 * s0)
    vi_rand = (a - b) / ((n - 1) * (n - 2) * (n - 3) * s0 * s0) - ei * ei
    out: dict[str, float] = {"n": n, "I": stat, "EI": ei, "VI_norm": vi_norm, "VI_rand": vi_rand}
    out["z_norm"] = (stat - ei) / np.sqrt(vi_norm)
    out["p_norm"] = float(2 * stats.norm.sf(abs(out["z_norm"])))
    out["z_rand"] = (stat - ei) / np.sqrt(vi_rand) if vi_rand > 0 else 0.0
    out["p_rand"] = float(2 * stats.norm.sf(abs(out["z_rand"])))
    if permutations > 0:
        zp = _perm_matrix(z, permutations, np.random.default_rng(seed))
        sims = n / s0 * np.einsum("pn,np->p", zp, m @ zp.T) / zz
        out |= _sim_summary(stat, sims, permutations)
    return out


def global_geary_arrays(
    y: np.ndarray, m: sp.csr_matrix, permutations: int = 999, seed: int | None = 0, where: str = ""
) -> dict[str, float]:
    """Global Geary's C of ``y`` with weights matrix ``m`` (already aligned/transformed)."""
    y = np.asarray(y, dtype=float)
    n = y.size
    z = _check_variable(y, where)
    s0, s1, s2 = _moments(m)
    zz = float(z @ z)
    rs = np.asarray(m.sum(axis=1)).ravel()
    cs = np.asarray(m.sum(axis=0)).ravel()
    rc = rs + cs

    def num(zv: np.ndarray, mz: np.ndarray) -> np.ndarray:
        # Σ_ij w_ij (z_i − z_j)² = Σ_i (r_i + c_i) z_i² − 2 z'Wz
        return (zv * zv) @ rc - 2.0 * np.sum(zv * mz, axis=-1)

    stat = float((n - 1) * num(z, m @ z) / (2 * s0 * zz))
    k = (np.sum(z**4) / n) / (zz / n) ** 2
    n2 = n * n
    a = (n - 1) * s1 * (n2 - 3 * n + 3 - (n - 1) * k)
    b = 0.25 * (n - 1) * s2 * (n2 + 3 * n - 6 - (n2 - n + 2) * k)
    c = s0 * s0 * (n2 - 3 - (n - 1) ** 2 * k)
    vc_rand = (a - b + c) / (n * (n - 2) * (n - 3) * s0 * s0)
    vc_norm = ((2 * s1 + s2) * (n - 1) - 4 * s0 * s0) / (2 * (n + 1) * s0 * s0)
    out: dict[str, float] = {"n": n, "C": stat, "EC": 1.0, "VC_norm": vc_norm, "VC_rand": vc_rand}
    out["z_norm"] = (stat - 1.0) / np.sqrt(vc_norm)
    out["p_norm"] = float(2 * stats.norm.sf(abs(out["z_norm"])))
    out["z_rand"] = (stat - 1.0) / np.sqrt(vc_rand) if vc_rand > 0 else 0.0
    out["p_rand"] = float(2 * stats.norm.sf(abs(out["z_rand"])))
    if permutations > 0:
        zp = _perm_matrix(z, permutations, np.random.default_rng(seed))
        sims = (n - 1) * num(zp, (m @ zp.T).T) / (2 * s0 * zz)
        out |= _sim_summary(stat, sims, permutations)
    return out


@dataclass
class GlobalAutocorrelationResult(DisparityResult):
    """Global Moran's I or Geary's C per ``by`` value (``table``; one row per cross-section)."""

    table: pd.DataFrame
    statistic: str

    title: ClassVar[str] = "全局空间自相关"
    headers: ClassVar[dict[str, str]] = {
        "by": "分组变量值",
        "n": "单元数",
        "I": "Moran_I",
        "EI": "期望值E[I]",
        "C": "Geary_C",
        "EC": "期望值E[C]",
        "VI_norm": "方差(正态)",
        "VI_rand": "方差(随机化)",
        "VC_norm": "方差(正态)",
        "VC_rand": "方差(随机化)",
        "z_norm": "z值(正态)",
        "p_norm": "p值(正态,双侧)",
        "z_rand": "z值(随机化)",
        "p_rand": "p值(随机化,双侧)",
        "mean_sim": "置换均值",
        "se_sim": "置换标准差",
        "z_sim": "z值(置换)",
        "p_sim": "伪p值(esda)",
        "p_sim_greater": "正向p值(置换)",
        "p_sim_two_sided": "双侧p值(置换,中心化)",
        "p_sim_abs": "双侧p值(置换,|I*|≥|I|)",
        "islands": "孤岛单元",
    }

    def tables(self) -> dict[str, pd.DataFrame]:
        name = "全局Moran指数" if self.statistic == "moran" else "全局Geary系数"
        return {name: self.table}


def _prepare(
    data: pd.DataFrame,
    value: str,
    unit: str,
    by: str | None,
    missing: MissingPolicy,
    what: str,
) -> tuple[pd.DataFrame, list[str]]:
    check_columns(data, value, unit, by)
    kept, dropped = numeric_column(data, value, missing, what)
    notes = [f"删除了 {len(dropped)} 行缺失值"] if len(dropped) else []
    keys = [unit] if by is None else [by, unit]
    dup = kept.duplicated(keys)
    if dup.any():
        raise ComputationError(
            f"{what}：单元重复出现（{'、'.join(keys)} 不唯一），共 {int(dup.sum())} 行"
        )
    if by is not None:
        sizes = kept.groupby(by)[unit].nunique()
        if sizes.nunique() > 1:
            notes.append(
                "各期单元数不同（" + "，".join(f"{k}:{v}" for k, v in sizes.items()) + "）"
            )
    return kept, notes


def _aligned(
    part: pd.DataFrame,
    unit: str,
    weights: Any,
    transform: WeightsTransform,
    islands: IslandPolicy,
    where: str,
    notes: list[str],
) -> tuple[AlignedWeights, pd.DataFrame]:
    aw = align_weights(
        weights, part[unit].tolist(), transform=transform, islands=islands, where=where
    )
    if aw.islands:
        verb = "已删除" if islands == "drop" else "保留（空间滞后为 0）"
        notes.append(
            f"{where or '数据'}中有 {len(aw.islands)} 个孤岛单元{verb}：{'、'.join(aw.islands[:10])}"
        )
    return aw, part[aw.keep]


def _global(
    statistic: Literal["moran", "geary"],
    data: pd.DataFrame,
    value: str,
    unit: str,
    weights: Any,
    by: str | None,
    permutations: int,
    seed: int | None,
    transform: WeightsTransform,
    islands: IslandPolicy,
    missing: MissingPolicy,
) -> GlobalAutocorrelationResult:
    what = "全局Moran指数" if statistic == "moran" else "全局Geary系数"
    if permutations < 0:
        raise ComputationError("置换次数（permutations）不能为负")
    kept, notes = _prepare(data, value, unit, by, missing, what)
    rows: list[dict[str, Any]] = []
    func = global_moran_arrays if statistic == "moran" else global_geary_arrays
    for key, part in iter_by(kept, by):
        where = "" if by is None else f"（{by}={key}）"
        aw, part = _aligned(part, unit, weights, transform, islands, where, notes)
        res = func(part[value].to_numpy(), aw.matrix, permutations, seed, where)
        rows.append({"by": key, **res, "islands": len(aw.islands)})
    return GlobalAutocorrelationResult(
        table=pd.DataFrame(rows),
        statistic=statistic,
        options={
            "statistic": statistic,
            "value": value,
            "unit": unit,
            "by": by,
            "permutations": permutations,
            "seed": seed,
            "transform": transform,
            "islands": islands,
            "missing": missing,
        },
        notes=notes,
    )


def moran(
    data: pd.DataFrame,
    value: str,
    unit: str,
    weights: Any,
    by: str | None = None,
    *,
    permutations: int = 999,
    seed: int | None = 0,
    transform: WeightsTransform = "r",
    islands: IslandPolicy = "drop",
    missing: MissingPolicy = "error",
) -> GlobalAutocorrelationResult:
    """Global Moran's I of ``value`` per ``by`` (e.g. year).

    Parameters
    ----------
    data
        Long table with ``unit`` (codes, matched as strings to the weights' ids), ``value``
        and optionally ``by``.
    weights
        A libpysal W (or an object with ``.w``), e.g. from
        :func:`~xinzhi.disparity.spatial_weights.weights_from_adjacency` or
        ``xinzhi.regions.queen_weights(codes)``.
    permutations, seed
        Number of random permutations (0 = none) and the random seed.
    transform
        ``"r"`` row-standardised (default) or ``"b"`` binary.
    islands
        ``"drop"`` (default), ``"error"`` or ``"keep"`` — see :mod:`.spatial_weights`.
    missing
        ``"error"`` or ``"drop"`` rows with missing values (each year uses its own units).
    """
    return _global(
        "moran", data, value, unit, weights, by, permutations, seed, transform, islands, missing
    )


def geary(
    data: pd.DataFrame,
    value: str,
    unit: str,
    weights: Any,
    by: str | None = None,
    *,
    permutations: int = 999,
    seed: int | None = 0,
    transform: WeightsTransform = "r",
    islands: IslandPolicy = "drop",
    missing: MissingPolicy = "error",
) -> GlobalAutocorrelationResult:
    """Global Geary's C of ``value`` per ``by``; parameters as :func:`moran`."""
    return _global(
        "geary", data, value, unit, weights, by, permutations, seed, transform, islands, missing
    )


@dataclass
class LocalMoranResult(DisparityResult):
    """Local Moran (LISA): ``table`` with ``by, unit, value, z, lag_z, I, p_sim, quadrant,
    significant, label`` (label = Chinese cluster type or "不显著")."""

    table: pd.DataFrame

    title: ClassVar[str] = "局部Moran指数（LISA）"
    headers: ClassVar[dict[str, str]] = {
        "by": "分组变量值",
        "unit": "单元",
        "value": "数值",
        "z": "标准化值Z",
        "lag_z": "空间滞后WZ",
        "I": "Local_Moran_I",
        "p_sim": "p值(条件置换)",
        "quadrant": "象限",
        "significant": "显著",
        "label": "LISA类型",
    }

    def tables(self) -> dict[str, pd.DataFrame]:
        counts = (
            self.table.groupby(["by", "label"], dropna=False).size().rename("count").reset_index()
            if len(self.table)
            else pd.DataFrame(columns=["by", "label", "count"])
        )
        return {"LISA": self.table, "类型计数": counts}


def local_moran(
    data: pd.DataFrame,
    value: str,
    unit: str,
    weights: Any,
    by: str | None = None,
    *,
    permutations: int = 999,
    seed: int | None = 0,
    alpha: float = 0.05,
    scale: Literal["anselin", "esda"] = "anselin",
    inference: Literal["conditional", "total"] = "conditional",
    transform: WeightsTransform = "r",
    islands: IslandPolicy = "drop",
    missing: MissingPolicy = "error",
) -> LocalMoranResult:
    """Local Moran's I_i with quadrants and conditional-permutation significance.

    ``scale="anselin"`` (default) gives I_i = z_i Σ_j w_ij z_j / m_2 (Anselin 1995; esda × n/(n−1));
    ``scale="esda"`` gives esda's values. ``inference``: ``"conditional"`` (esda, default) or
    ``"total"`` permutation (see module docstring). Other parameters as :func:`moran`;
    ``alpha`` is the significance level applied to ``p_sim``.
    """
    if not 0 < alpha < 1:
        raise ComputationError("显著性水平 alpha 必须在 0 与 1 之间")
    if inference not in ("conditional", "total"):
        raise ComputationError(f"inference 只能是 conditional 或 total，收到 {inference!r}")
    if permutations < 1:
        raise ComputationError("局部 Moran 需要置换检验（permutations ≥ 1）")
    kept, notes = _prepare(data, value, unit, by, missing, "局部Moran指数")
    parts: list[pd.DataFrame] = []
    for key, part in iter_by(kept, by):
        where = "" if by is None else f"（{by}={key}）"
        aw, part = _aligned(part, unit, weights, transform, islands, where, notes)
        y = part[value].to_numpy(dtype=float)
        z0 = _check_variable(y, where)
        n = y.size
        z = z0 / y.std()
        lag = aw.matrix @ z
        local_i = z * lag * n / float(z @ z)  # Anselin: z_i Σ_j w_ij z_j / m2
        if inference == "conditional":
            p = _conditional_local_p(
                z, local_i, aw.matrix, permutations, np.random.default_rng(seed)
            )
        else:
            zp = _perm_matrix(z, permutations, np.random.default_rng(seed))
            sims = zp * (aw.matrix @ zp.T).T * n / float(z @ z)
            p = (np.sum(np.abs(sims) >= np.abs(local_i), axis=0) + 1.0) / (permutations + 1.0)
        if scale == "esda":
            local_i = local_i * (n - 1) / n
        quad = np.select(
            [(z > 0) & (lag > 0), (z <= 0) & (lag > 0), (z <= 0) & (lag <= 0)],
            ["HH", "LH", "LL"],
            "HL",
        )
        sig = p < alpha
        labels = np.where(sig, pd.Series(quad).map(QUADRANT_LABELS).to_numpy(), "不显著")
        parts.append(
            pd.DataFrame(
                {
                    "by": key,
                    "unit": part[unit].to_numpy(),
                    "value": y,
                    "z": z,
                    "lag_z": lag,
                    "I": local_i,
                    "p_sim": p,
                    "quadrant": quad,
                    "significant": sig,
                    "label": labels,
                }
            )
        )
    return LocalMoranResult(
        table=pd.concat(parts, ignore_index=True),
        options={
            "value": value,
            "unit": unit,
            "by": by,
            "permutations": permutations,
            "seed": seed,
            "alpha": alpha,
            "scale": scale,
            "inference": inference,
            "transform": transform,
            "islands": islands,
            "missing": missing,
        },
        notes=notes,
    )
