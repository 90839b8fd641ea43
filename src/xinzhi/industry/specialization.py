"""Regional specialisation and industrial concentration: location quotient (RCA), RPOP, Hoover
and Krugman specialisation indices, HHI, entropy, and the locational Gini of each industry.

Notation: ``E_ri`` value (employment, output, ...) of region r in industry i, ``E_r = Σ_i E_ri``,
``s_ri = E_ri / E_r`` the region's industry structure, ``R_i`` the reference's industry totals
and ``σ_i = R_i / Σ_i R_i`` the reference structure. The reference is the nation (sum of all
regions), a group (e.g. the province: sum of the regions with the same group value) or a custom
vector.

Sources
-------
- Location quotient / RCA: Balassa, B. (1965). Trade liberalisation and "revealed" comparative
  advantage. *The Manchester School* 33(2), 99–123; Isard, W. (1960). *Methods of Regional
  Analysis*. MIT Press.
- Hoover, E. M. (1936). The measurement of industrial localization. *Review of Economics and
  Statistics* 18(4), 162–171 (coefficient of specialisation ``½ Σ_i |s_ri − σ_i|``).
- Krugman, P. (1991). *Geography and Trade*. MIT Press (specialisation index
  ``Σ_i |s_ri − σ_i|``; locational Gini).
- Herfindahl–Hirschman index ``Σ_i s_ri²``; Shannon entropy ``−Σ_i s_ri ln s_ri`` (0·ln0 := 0)
  as diversity measures (e.g. Attaran, M. (1986). Industrial diversity and economic performance
  in U.S. areas. *Annals of Regional Science* 20, 44–54).

Examples
--------
Three regions, two industries, E = (10, 30), (30, 30), (10, 40). The national structure is
σ = (50, 100)/150 = (1/3, 2/3). Region 1 has s = (0.25, 0.75): LQ = (0.75, 1.125) and
Hoover ½(|0.25 − 1/3| + |0.75 − 2/3|) = 1/12 = 0.0833; region 2, s = (0.5, 0.5): LQ = (1.5, 0.75),
H = 1/6; region 3, s = (0.2, 0.8): LQ = (0.6, 1.2), H = 2/15 = 0.1333:

>>> import numpy as np
>>> e = np.array([[10.0, 30.0], [30.0, 30.0], [10.0, 40.0]])
>>> location_quotient(e).round(4).tolist()
[[0.75, 1.125], [1.5, 0.75], [0.6, 1.2]]
>>> hoover_index(e).round(4).tolist()
[0.0833, 0.1667, 0.1333]

Where to look
-------------
* Docs: ``docs/industry.md`` §2 (专业化与集中度).
* Tests: ``tests/industry/test_industry_specialization.py`` (worked examples, reference region
  LQ = 1, invariants), ``tests/firms/test_firms_matrix.py``, ``tests/industry/test_industry_cli.py``.
* CLI: ``xinzhi industry specialization``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from xinzhi.errors import ComputationError, InputError
from xinzhi.industry._matrix import check_columns, to_matrix
from xinzhi.results import Result

__all__ = [
    "SpecializationResult",
    "entropy",
    "hhi",
    "hoover_index",
    "krugman_index",
    "location_quotient",
    "locational_gini",
    "specialization",
]

FloatArray = NDArray[np.float64]


def _shares(e: FloatArray) -> FloatArray:
    tot = e.sum(axis=1, keepdims=True)
    if np.any(tot <= 0):
        raise ComputationError("存在合计值为 0 的地区，无法计算产业结构份额")
    return np.asarray(e / tot)


def _ref_shares(ref: FloatArray) -> FloatArray:
    """Reference structure ``σ`` (rows: one per region, or a single row)."""
    ref = np.atleast_2d(np.asarray(ref, dtype=np.float64))
    tot = ref.sum(axis=1, keepdims=True)
    if np.any(tot <= 0):
        raise ComputationError("参照区域合计值为 0")
    return np.asarray(ref / tot)


def location_quotient(e: FloatArray, reference: FloatArray | None = None) -> FloatArray:
    """Location quotient ``LQ_ri = s_ri / σ_i`` (= Balassa RCA for the national reference).

    ``reference``: industry totals, shape (I,) for one reference or (R, I) for one per region;
    ``None`` = national (column sums of ``e``). An industry absent from the reference has an
    undefined LQ and raises.
    """
    e = np.asarray(e, dtype=np.float64)
    sig = _ref_shares(e.sum(axis=0) if reference is None else reference)
    if np.any(sig <= 0):
        raise ComputationError("参照区域中存在取值为 0 的产业，区位熵无定义")
    return np.asarray(_shares(e) / sig)


def hoover_index(e: FloatArray, reference: FloatArray | None = None) -> FloatArray:
    """Hoover coefficient of specialisation ``H_r = ½ Σ_i |s_ri − σ_i|`` ∈ [0, 1) (Hoover 1936)."""
    return 0.5 * krugman_index(e, reference)


def krugman_index(e: FloatArray, reference: FloatArray | None = None) -> FloatArray:
    """Krugman specialisation index ``K_r = Σ_i |s_ri − σ_i|`` ∈ [0, 2) (Krugman 1991)."""
    e = np.asarray(e, dtype=np.float64)
    sig = _ref_shares(e.sum(axis=0) if reference is None else reference)
    return np.asarray(np.abs(_shares(e) - sig).sum(axis=1))


def hhi(e: FloatArray) -> FloatArray:
    """Herfindahl–Hirschman index of each region's structure ``Σ_i s_ri²`` ∈ [1/I, 1]."""
    return np.asarray((_shares(np.asarray(e, dtype=np.float64)) ** 2).sum(axis=1))


def entropy(e: FloatArray) -> FloatArray:
    """Shannon entropy of each region's structure ``−Σ_i s_ri ln s_ri`` (0·ln0 := 0)."""
    s = _shares(np.asarray(e, dtype=np.float64))
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(s > 0, s * np.log(np.where(s > 0, s, 1.0)), 0.0)
    return np.asarray(-terms.sum(axis=1))


def locational_gini(e: FloatArray) -> FloatArray:
    """Locational Gini of each industry (Krugman 1991).

    Regions are ordered by their location quotient in industry i (ascending); with X the
    cumulative share of all-industry value and Y the cumulative share of industry i,
    ``G_i = 1 − Σ_k (X_k − X_{k−1})(Y_k + Y_{k−1})``. 0 when the industry is spread like total
    activity; approaches 1 when it is concentrated in a small region.
    """
    e = np.asarray(e, dtype=np.float64)
    col = e.sum(axis=0)
    if np.any(col <= 0):
        raise ComputationError("存在全国合计为 0 的产业，区位基尼系数无定义")
    region_share = e.sum(axis=1) / e.sum()
    lq = location_quotient(e)
    order = np.argsort(lq, axis=0, kind="stable")
    x = np.cumsum(region_share[order], axis=0)
    y = np.cumsum(np.take_along_axis(e, order, axis=0) / col, axis=0)
    x0 = np.vstack([np.zeros((1, e.shape[1])), x[:-1]])
    y0 = np.vstack([np.zeros((1, e.shape[1])), y[:-1]])
    return np.asarray(1.0 - ((x - x0) * (y + y0)).sum(axis=0))


@dataclass
class SpecializationResult(Result):
    """Specialisation measures with the reference that produced them."""

    locations: NDArray[Any]
    industries: NDArray[Any]
    values: FloatArray
    reference_shares: FloatArray  # (R, I): σ for each region
    lq: FloatArray
    rpop: FloatArray | None
    options: dict[str, Any]
    notes: list[str] = field(default_factory=list)
    """Warnings met on the data (Chinese), filled by the pipelines."""

    def tidy(self) -> pd.DataFrame:
        """One row per location × industry: value, share, reference_share, lq (and rpop)."""
        n_r, n_i = self.values.shape
        out = pd.DataFrame(
            {
                "location": np.repeat(self.locations, n_i),
                "industry": np.tile(self.industries, n_r),
                "value": self.values.ravel(),
                "share": _shares(self.values).ravel(),
                "reference_share": self.reference_shares.ravel(),
                "lq": self.lq.ravel(),
            }
        )
        if self.rpop is not None:
            out["rpop"] = self.rpop.ravel()
        return out

    def regions(self) -> pd.DataFrame:
        """One row per location: total, Hoover, Krugman, HHI, 1/HHI, entropy, normalised entropy."""
        k = np.abs(_shares(self.values) - self.reference_shares).sum(axis=1)
        h = hhi(self.values)
        ent = entropy(self.values)
        return pd.DataFrame(
            {
                "location": self.locations,
                "total": self.values.sum(axis=1),
                "hoover": 0.5 * k,
                "krugman": k,
                "hhi": h,
                "inverse_hhi": 1.0 / h,
                "entropy": ent,
                "entropy_normalised": ent / np.log(self.values.shape[1])
                if self.values.shape[1] > 1
                else np.zeros_like(ent),
            }
        )

    def industries_table(self) -> pd.DataFrame:
        """One row per industry: national total and locational Gini."""
        return pd.DataFrame(
            {
                "industry": self.industries,
                "total": self.values.sum(axis=0),
                "locational_gini": locational_gini(self.values),
            }
        )

    def tables(self) -> dict[str, pd.DataFrame]:
        zh = {
            "location": "地区",
            "industry": "产业",
            "value": "数值",
            "share": "产业结构份额",
            "reference_share": "参照区域份额",
            "lq": "区位熵LQ",
            "rpop": "人均显示性优势RPOP",
            "total": "合计",
            "hoover": "Hoover专业化系数",
            "krugman": "Krugman专业化指数",
            "hhi": "赫芬达尔指数HHI",
            "inverse_hhi": "HHI倒数（等效产业数）",
            "entropy": "熵（多样化）",
            "entropy_normalised": "标准化熵",
            "locational_gini": "区位基尼系数",
        }
        return {
            "区位熵": self.tidy().rename(columns=zh),
            "地区专业化": self.regions().rename(columns=zh),
            "产业集中度": self.industries_table().rename(columns=zh),
            "选项": pd.DataFrame(
                {"选项": list(self.options), "取值": [str(v) for v in self.options.values()]}
            ),
        }

    def summary(self) -> str:
        reg = self.regions().sort_values("krugman", ascending=False)
        ind = self.industries_table().sort_values("locational_gini", ascending=False)
        return "\n".join(
            [
                "产业专业化分析（specialisation）",
                f"{self.locations.size} 个地区 × {self.industries.size} 个产业；参照 = {self.options['reference']}",
                "专业化程度最高（Krugman 指数）："
                + "、".join(f"{r.location}({r.krugman:.3f})" for r in reg.head(5).itertuples()),
                "空间最集中的产业（区位基尼）："
                + "、".join(
                    f"{r.industry}({r.locational_gini:.3f})" for r in ind.head(5).itertuples()
                ),
            ]
        )


def specialization(
    data: pd.DataFrame,
    *,
    location: str,
    industry: str,
    value: str,
    reference: str = "national",
    group: str | None = None,
    reference_values: pd.Series | None = None,
    population: pd.Series | None = None,
) -> SpecializationResult:
    """Location quotients and specialisation indices of a long table.

    Parameters
    ----------
    reference
        ``"national"`` (sum of all locations), ``"group"`` (sum of the locations with the same
        value in column ``group``, e.g. the province) or ``"custom"`` (``reference_values``: a
        Series of industry totals or shares indexed by industry).
    population
        Optional Series of population indexed by location: adds
        ``RPOP_ri = (E_ri / pop_r) / (R_i / pop_ref)`` with ``pop_ref`` the reference's population
        (national or group; not available for a custom reference).
    """
    check_columns(data, [location, industry, value] + ([group] if group else []))
    e, locs, inds = to_matrix(data, location, industry, value)
    if reference == "national":
        ref_rows = np.broadcast_to(e.sum(axis=0), e.shape)
        pop_ref_idx: NDArray[np.intp] | None = None
    elif reference == "group":
        if group is None:
            raise InputError("reference='group' 需要指定分组列（如省份）")
        g = data.groupby(location)[group].nunique()
        if (g > 1).any():
            raise InputError(
                f"同一地区对应多个 {group} 取值：" + "、".join(map(str, g[g > 1].index[:5]))
            )
        gmap = data.groupby(location)[group].first().reindex(locs)
        gcodes, _ = pd.factorize(gmap, sort=True)
        onehot = np.zeros((gcodes.max() + 1, locs.size))
        onehot[gcodes, np.arange(locs.size)] = 1.0
        ref_rows = (onehot @ e)[gcodes]
        pop_ref_idx = gcodes
    elif reference == "custom":
        if reference_values is None:
            raise InputError("reference='custom' 需要提供参照向量（reference_values）")
        rv = reference_values.reindex(inds)
        if rv.isna().any():
            raise InputError("参照向量缺少产业：" + "、".join(map(str, rv[rv.isna()].index[:5])))
        ref_rows = np.broadcast_to(rv.to_numpy(dtype=np.float64), e.shape)
        pop_ref_idx = None
    else:
        raise InputError(f"未知的参照方式 reference：{reference}（可选 national、group、custom）")
    sig = _ref_shares(ref_rows)
    if np.any(sig <= 0):
        raise ComputationError("参照区域中存在取值为 0 的产业，区位熵无定义")
    lq = _shares(e) / sig
    rp = None
    if population is not None:
        if reference == "custom":
            raise InputError("自定义参照向量不支持 RPOP（缺少参照人口）")
        pop = population.reindex(locs).to_numpy(dtype=np.float64)
        if np.any(~np.isfinite(pop)) or np.any(pop <= 0):
            raise InputError("人口数据缺失或非正")
        if pop_ref_idx is None:
            pop_ref = np.full(locs.size, pop.sum())
        else:
            pop_ref = np.bincount(pop_ref_idx, weights=pop)[pop_ref_idx]
        rp = (e / pop[:, None]) / (ref_rows / pop_ref[:, None])
    return SpecializationResult(
        locations=locs,
        industries=inds,
        values=e,
        reference_shares=np.asarray(sig),
        lq=np.asarray(lq),
        rpop=rp,
        options={
            "reference": reference if reference != "group" else f"group:{group}",
            "location": location,
            "industry": industry,
            "value": value,
        },
    )
