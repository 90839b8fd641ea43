"""Shift-share analysis (偏离-份额分析): classical, Esteban-Marquillas and dynamic.

Notation for region r, industry i between base year 0 and final year 1: ``e⁰, e¹`` the region's
values, ``E⁰_i, E¹_i`` the reference (national = sum of all regions) industry totals, ``E⁰, E¹``
the reference totals; growth rates ``G = E¹/E⁰ − 1``, ``g_i = E¹_i/E⁰_i − 1``,
``g_ri = e¹/e⁰ − 1``.

Classical (Dunn 1960)::

    NS = e⁰ G                 national share (全国增长份额)
    IM = e⁰ (g_i − G)         industry mix (产业结构效应)
    CS = e⁰ (g_ri − g_i)      competitive / regional share (区域竞争效应)
    NS + IM + CS = e¹ − e⁰

When ``e⁰ = 0`` the regional growth rate is undefined; CS is then the residual
``e¹ − e⁰ − NS − IM = e¹`` so the identity always holds.

Esteban-Marquillas (1972) splits CS with the homothetic value ``ê = e⁰_r · E⁰_i / E⁰`` (the value
the region would have with the reference's structure)::

    CS* = ê (g_ri − g_i)           homothetic competitive effect
    AE  = (e⁰ − ê)(g_ri − g_i)     allocation effect (专业化 × 竞争优势)
    CS* + AE = CS

(for ``e⁰ = 0``: CS* = 0 and AE = CS, documented convention).

Dynamic (Barff & Knight 1988): the classical decomposition for every pair of consecutive years
between base and final, summed; it adds up to ``e¹ − e⁰`` by telescoping.

Sources: Dunn, E. S. (1960). A statistical and analytical technique for regional analysis.
*Papers of the Regional Science Association* 6, 97–112; Esteban-Marquillas, J. M. (1972).
A reinterpretation of shift-share analysis. *Regional and Urban Economics* 2(3), 249–255;
Barff, R. A. & Knight, P. L. (1988). Dynamic shift-share analysis. *Growth and Change* 19(2),
1–10.

Examples
--------
Two regions × two industries, e⁰ = (10, 20), (30, 40) and e¹ = (20, 20), (30, 50): E⁰ = 100,
E¹ = 120, G = 0.2; industry growth g = (50/40 − 1, 70/60 − 1) = (0.25, 1/6). Region 1, industry 1:
NS = 10·0.2 = 2, IM = 10·(0.25 − 0.2) = 0.5, CS = 10·(1 − 0.25) = 7.5 (sum 10 = e¹ − e⁰); region 1,
industry 2: NS = 4, IM = 20·(1/6 − 0.2) = −0.6667, CS = 20·(0 − 1/6) = −3.3333 (sum 0):

>>> import numpy as np
>>> r = shift_share_matrix(np.array([[10.0, 20.0], [30.0, 40.0]]),
...                        np.array([[20.0, 20.0], [30.0, 50.0]]))
>>> [r[k].round(4).tolist() for k in ("national_share", "industry_mix", "competitive")]
[[[2.0, 4.0], [6.0, 8.0]], [[0.5, -0.6667], [1.5, -1.3333]], [[7.5, -3.3333], [-7.5, 3.3333]]]

Where to look
-------------
* Docs: ``docs/industry.md`` §3 (偏离-份额分析).
* Tests: ``tests/industry/test_industry_shiftshare.py`` (2 × 2 hand example, identities by
  hypothesis), ``tests/industry/test_industry_cli.py``.
* CLI: ``xinzhi industry shiftshare``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from xinzhi.errors import ComputationError, InputError
from xinzhi.industry._matrix import check_columns
from xinzhi.results import Result

__all__ = ["ShiftShareResult", "shift_share", "shift_share_matrix"]

Method = Literal["classic", "esteban-marquillas", "dynamic"]
FloatArray = NDArray[np.float64]
COMPONENTS = {
    "classic": ["national_share", "industry_mix", "competitive"],
    "esteban-marquillas": [
        "national_share",
        "industry_mix",
        "competitive_homothetic",
        "allocation",
    ],
    "dynamic": ["national_share", "industry_mix", "competitive"],
}
_ZH = {
    "location": "地区",
    "industry": "产业",
    "base_value": "基期值",
    "final_value": "末期值",
    "change": "变化量",
    "national_share": "全国增长份额NS",
    "industry_mix": "产业结构效应IM",
    "competitive": "区域竞争效应CS",
    "competitive_homothetic": "同位竞争效应CS*",
    "allocation": "配置效应AE",
}


def _rates(e0: FloatArray, e1: FloatArray) -> tuple[float, FloatArray]:
    tot0, ind0 = e0.sum(), e0.sum(axis=0)
    if tot0 <= 0 or np.any(ind0 <= 0):
        raise ComputationError("基期全国合计或某产业全国合计为 0，增长率无定义")
    return float(e1.sum() / tot0 - 1.0), e1.sum(axis=0) / ind0 - 1.0


def shift_share_matrix(
    e0: FloatArray, e1: FloatArray, method: Literal["classic", "esteban-marquillas"] = "classic"
) -> dict[str, FloatArray]:
    """Shift-share components for region × industry matrices of the base and final year."""
    e0 = np.asarray(e0, dtype=np.float64)
    e1 = np.asarray(e1, dtype=np.float64)
    big_g, g_i = _rates(e0, e1)
    ns = e0 * big_g
    im = e0 * (g_i - big_g)[None, :]
    cs = (e1 - e0) - ns - im  # = e0 (g_ri − g_i) where e0 > 0; the residual where e0 = 0
    if method == "classic":
        return {"national_share": ns, "industry_mix": im, "competitive": cs}
    homothetic = e0.sum(axis=1, keepdims=True) * (e0.sum(axis=0) / e0.sum())[None, :]
    with np.errstate(divide="ignore", invalid="ignore"):
        diff_rate = np.where(e0 > 0, cs / np.where(e0 > 0, e0, 1.0), 0.0)
    cs_h = homothetic * diff_rate
    ae = cs - cs_h
    return {
        "national_share": ns,
        "industry_mix": im,
        "competitive_homothetic": cs_h,
        "allocation": ae,
    }


@dataclass
class ShiftShareResult(Result):
    """Shift-share components per region × industry, with the options that produced them."""

    locations: NDArray[Any]
    industries: NDArray[Any]
    base_value: FloatArray
    final_value: FloatArray
    components: dict[str, FloatArray]
    options: dict[str, Any]
    notes: list[str] = field(default_factory=list)
    """Warnings met on the data (Chinese), filled by the pipelines."""

    def tidy(self) -> pd.DataFrame:
        """One row per location × industry: base, final, change and the components."""
        n_r, n_i = self.base_value.shape
        cols: dict[str, Any] = {
            "location": np.repeat(self.locations, n_i),
            "industry": np.tile(self.industries, n_r),
            "base_value": self.base_value.ravel(),
            "final_value": self.final_value.ravel(),
            "change": (self.final_value - self.base_value).ravel(),
        }
        cols.update({k: v.ravel() for k, v in self.components.items()})
        return pd.DataFrame(cols)

    def regions(self) -> pd.DataFrame:
        """Components summed over industries, one row per location."""
        t = self.tidy().drop(columns="industry")
        return t.groupby("location", as_index=False, sort=True).sum()

    def tables(self) -> dict[str, pd.DataFrame]:
        return {
            "明细": self.tidy().rename(columns=_ZH),
            "地区汇总": self.regions().rename(columns=_ZH),
            "选项": pd.DataFrame(
                {"选项": list(self.options), "取值": [str(v) for v in self.options.values()]}
            ),
        }

    def summary(self) -> str:
        reg = self.regions()
        comp = COMPONENTS[self.options["method"]]
        lines = [
            f"偏离-份额分析（shift-share，方法 {self.options['method']}），"
            f"{self.options['base']} → {self.options['final']}，"
            f"{self.locations.size} 个地区 × {self.industries.size} 个产业",
        ]
        top = reg.sort_values(
            comp[-1]
            if self.options["method"] != "esteban-marquillas"
            else "competitive_homothetic",
            ascending=False,
        )
        for r in top.head(5).itertuples():
            parts = "，".join(f"{_ZH[c]} {getattr(r, c):.2f}" for c in comp)
            lines.append(f"{r.location}：变化 {r.change:.2f} = {parts}")
        return "\n".join(lines)


def shift_share(
    data: pd.DataFrame,
    *,
    location: str,
    industry: str,
    value: str,
    year: str,
    base: Any,
    final: Any,
    method: Method = "classic",
) -> ShiftShareResult:
    """Shift-share decomposition of the change of ``value`` between ``base`` and ``final``.

    The reference is the sum of all locations in the table (the nation). ``"dynamic"`` uses
    every year present in the data between ``base`` and ``final``. Missing cells count as 0.
    """
    if method not in COMPONENTS:
        raise InputError(
            f"未知的方法 method：{method}（可选 classic、esteban-marquillas、dynamic）"
        )
    check_columns(data, [location, industry, value, year])
    vals = pd.to_numeric(data[value], errors="coerce").to_numpy(dtype=np.float64)
    if np.isnan(vals).any():
        raise InputError(f"列 {value} 含有缺失或非数值")
    if (vals < 0).any():
        raise InputError(f"列 {value} 含有负值")
    years_all = pd.to_numeric(data[year], errors="coerce")
    if years_all.isna().any():
        raise InputError(f"年份列 {year} 含有缺失或非数值")
    base_v, final_v = float(base), float(final)
    if final_v <= base_v:
        raise InputError("末期年份必须晚于基期年份")
    span = sorted(y for y in years_all.unique().tolist() if base_v <= y <= final_v)
    if not span or span[0] != base_v or span[-1] != final_v:
        raise InputError(f"数据中缺少基期 {base} 或末期 {final} 的记录")
    if method != "dynamic":
        span = [base_v, final_v]
    lc, locs = pd.factorize(data[location], sort=True)
    ic, inds = pd.factorize(data[industry], sort=True)
    yc = np.searchsorted(np.asarray(span), years_all.to_numpy(dtype=np.float64))
    in_span = np.isin(years_all.to_numpy(dtype=np.float64), span)
    flat = (yc * locs.size + lc) * inds.size + ic
    flat = flat[in_span]
    if np.bincount(flat, minlength=len(span) * locs.size * inds.size).max(initial=0) > 1:
        raise InputError("同一地区、产业、年份出现重复行，请先汇总")
    cells = np.zeros(len(span) * locs.size * inds.size)
    cells[flat] = vals[in_span]
    cube = cells.reshape(len(span), locs.size, inds.size)
    if method == "dynamic":
        comps = {k: np.zeros((locs.size, inds.size)) for k in COMPONENTS["classic"]}
        for t in range(len(span) - 1):  # loop over years (few), not over units
            step = shift_share_matrix(cube[t], cube[t + 1], "classic")
            for k in comps:
                comps[k] += step[k]
    else:
        comps = shift_share_matrix(cube[0], cube[-1], method)
    return ShiftShareResult(
        locations=np.asarray(locs, dtype=object),
        industries=np.asarray(inds, dtype=object),
        base_value=cube[0],
        final_value=cube[-1],
        components=comps,
        options={
            "method": method,
            "base": base,
            "final": final,
            "years_used": [int(y) if float(y).is_integer() else y for y in span],
            "reference": "national",
        },
    )
