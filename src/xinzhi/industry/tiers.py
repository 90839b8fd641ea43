"""Three-tier industry map of one county (主导—配套—潜力产业三级图谱) and the RCA × density
quadrant (Metroverse-style) for a chart.

Input: a location × industry matrix ``X`` (employment, output, ...; all locations of the
reference, so RCA and density are national) and supplier × buyer linkage coefficients between the
industries (:func:`xinzhi.industry.concordance.industry_links`). For the county ``c``:

- share ``s_i = X_ci / Σ_i X_ci``; ``RCA_ci = s_i / (Σ_c X_ci / Σ_ci X_ci)`` (Balassa 1965);
- presence ``M = 1[RCA ≥ 1]``, proximity, density ``ω_ci``, PCI and opportunity gain ``COG_ci``
  from :func:`xinzhi.industry.complexity.complexity_matrix` (Hidalgo et al. 2007; Hausmann et al.
  2014; Stata ``ecomplexity`` convention by default).

Tiers (an industry is in at most one; rules applied in this order; excluded industries — public
administration, international organisations — are never tiered):

1. **主导 leading**: ``RCA ≥ lead_rca`` and ``s_i ≥ lead_min_share``; at most ``lead_top``, the
   largest shares first.
2. **配套 supporting**: not leading, linked to a leading industry ``ℓ`` with
   ``link_i = max_ℓ max(requirement_iℓ, allocation_ℓi) ≥ support_min_link`` (upstream: ``i``
   supplies ``ℓ``; downstream: ``i`` uses ``ℓ``'s output), and locally present with
   ``RCA ≥ support_min_rca``; at most ``support_top``, strongest link first. Linked industries
   below the RCA floor are flagged as 配套缺口 (supporting gap, a 补链 hint) without a tier.
3. **潜力 potential**: not in a tier, ``RCA < 1`` and density at least the county's
   ``potential_density_quantile`` quantile of density over the candidate industries; at most
   ``potential_top``, ranked by ``potential_by`` (density or COG). A potential industry can
   also carry the 配套缺口 flag (linked to a leading industry but below the RCA floor).

Quadrant (for all industries): RCA ≥ 1 or not × density ≥ the same county quantile or not.

Sources: Balassa, B. (1965); Hidalgo, C. A. et al. (2007), *Science* 317, 482–487; Hausmann, R.,
Hidalgo, C. A. et al. (2014), *The Atlas of Economic Complexity*; Metroverse (Growth Lab, Harvard,
2022) "relatedness × RCA" view; Miller, R. E. & Blair, P. D. (2009), ch. 2, 12. The three-tier
wording follows the article 《系统性改革驱动县域特色产业集群质效跃升》 (中国改革报, 2025).

Examples
--------
Four counties × three sections; county c1 = (60, 30, 10). Column totals (120, 160, 120) of 400
give the reference structure (0.3, 0.4, 0.3), so c1's RCA = (0.6/0.3, 0.3/0.4, 0.1/0.3) =
(2, 0.75, 0.3333). A is leading (RCA 2 ≥ 1, share 60 % ≥ 5 %); C supplies A with requirement
0.1 ≥ 0.05 and RCA 0.75 ≥ 0.5, so it is supporting; F is neither (potential tier switched off):

>>> import pandas as pd
>>> values = pd.DataFrame([[60, 30, 10], [10, 60, 30], [10, 30, 60], [40, 40, 20]],
...                       index=["c1", "c2", "c3", "c4"], columns=["A", "C", "F"], dtype=float)
>>> links = pd.DataFrame({"supplier": ["C"], "buyer": ["A"], "requirement": [0.1],
...                       "allocation": [0.02]})
>>> t = industry_tiers(values, "c1", links=links, options=TierOptions(potential_top=0)).tidy()
>>> t["rca"].round(4).tolist(), t["tier"].tolist()
([2.0, 0.75, 0.3333], ['主导', '配套', ''])

Where to look
-------------
* Docs: ``docs/chains.md`` §1 (三级产业图谱).
* Tests: ``tests/industry_map/test_tiers_example.py`` (exact tiers and values on a worked
  example, invariants), ``tests/industry_map/test_tiers_census.py`` (神木, 昆山 on the census).
* CLI: ``xinzhi industry map``, ``xinzhi analysis industry-map``.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

from xinzhi.errors import ComputationError, InputError
from xinzhi.industry.complexity import Convention, complexity_matrix, presence, rca
from xinzhi.results import Result

__all__ = ["TIERS", "TierOptions", "TierResult", "industry_tiers"]

TIERS: tuple[str, ...] = ("主导", "配套", "潜力")
_QUADRANTS = {
    (True, True): "优势且关联紧密（巩固提升）",
    (True, False): "优势但关联较弱（孤立优势）",
    (False, True): "尚无优势但关联紧密（潜在机会）",
    (False, False): "尚无优势且关联较弱（远期选项）",
}


@dataclass(frozen=True)
class TierOptions:
    """Every option that changes the tiers (defaults documented in ``docs/chains.md``)."""

    lead_rca: float = 1.0
    lead_min_share: float = 0.05
    lead_top: int = 3
    support_min_link: float = 0.05
    support_min_rca: float = 0.5
    support_top: int = 5
    potential_top: int = 3
    potential_by: Literal["density", "cog"] = "density"
    potential_density_quantile: float = 0.5
    exclude: tuple[str, ...] = ("S", "T")
    convention: Convention = "stata"

    def __post_init__(self) -> None:
        if self.potential_by not in ("density", "cog"):
            raise InputError(
                f"未知的潜力排序口径 potential_by：{self.potential_by}（可选 density、cog）"
            )
        if not 0.0 <= self.potential_density_quantile <= 1.0:
            raise InputError("potential_density_quantile 须在 0 与 1 之间")
        if min(self.lead_top, self.support_top, self.potential_top) < 0:
            raise InputError("lead_top、support_top、potential_top 不能为负数")
        if self.lead_rca <= 0 or self.lead_min_share < 0 or self.support_min_link < 0:
            raise InputError("lead_rca 须为正，lead_min_share 与 support_min_link 不能为负")

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["exclude"] = list(self.exclude)
        return out


_ZH = {
    "industry": "行业代码",
    "name": "行业名称",
    "value": "数值",
    "share": "本县占比",
    "rca": "显示性比较优势RCA",
    "density": "密度density",
    "cog": "机会收益COG",
    "pci": "产业复杂度PCI",
    "tier": "层级",
    "reason": "入选理由",
    "link": "与主导产业关联系数",
    "link_direction": "关联方向",
    "link_partner": "关联主导产业",
    "supporting_gap": "配套缺口",
    "quadrant": "象限",
    "excluded": "不参与分层",
}


@dataclass
class TierResult(Result):
    """The three-tier map of one county, with the quadrant data and the options used.

    ``table`` holds one row per industry (see :meth:`tidy`); ``density_cut`` is the density
    threshold used for potential industries and the quadrant.
    """

    county: str
    county_name: str
    level: str
    table: pd.DataFrame
    density_cut: float
    options: dict[str, Any]
    source: str = ""
    dropped: list[str] = field(default_factory=list)

    def tidy(self) -> pd.DataFrame:
        """``industry, name, value, share, rca, density, cog, pci, tier, reason, link,
        link_direction, link_partner, supporting_gap, quadrant, excluded`` (tier '' = none)."""
        return self.table.copy()

    def tier(self, name: str) -> pd.DataFrame:
        """Rows of one tier (``"主导"``, ``"配套"`` or ``"潜力"``)."""
        if name not in TIERS:
            raise InputError(f"未知的层级：{name}（可选 主导、配套、潜力）")
        return self.table[self.table["tier"] == name].reset_index(drop=True)

    def leading(self) -> list[str]:
        return self.tier("主导")["industry"].tolist()

    def supporting(self) -> list[str]:
        return self.tier("配套")["industry"].tolist()

    def potential(self) -> list[str]:
        return self.tier("潜力")["industry"].tolist()

    def quadrant(self) -> pd.DataFrame:
        """Chart data: ``industry, name, rca, density, share, quadrant, tier`` (x = density,
        y = RCA, bubble = share; reference lines RCA = 1 and density = ``density_cut``)."""
        cols = ["industry", "name", "rca", "density", "share", "quadrant", "tier"]
        return self.table[cols].copy()

    def tables(self) -> dict[str, pd.DataFrame]:
        t = self.table.rename(columns=_ZH)
        opts = pd.DataFrame(
            {
                "选项": [*self.options, "density_cut"],
                "取值": [str(v) for v in self.options.values()] + [f"{self.density_cut:.4f}"],
            }
        )
        out = {
            "三级图谱": t[t["层级"] != ""],
            "全部行业": t,
            "象限图数据": self.quadrant().rename(columns=_ZH),
            "选项": opts,
        }
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "county": self.county,
            "county_name": self.county_name,
            "level": self.level,
            "leading": self.leading(),
            "supporting": self.supporting(),
            "potential": self.potential(),
            "density_cut": self.density_cut,
            "options": self.options,
            "source": self.source,
            "table": self.table.replace({np.nan: None}).to_dict("records"),
        }

    def summary(self) -> str:
        lvl = {"section": "门类", "division": "大类"}.get(self.level, self.level)
        lines = [f"{self.county_name}（{self.county}）产业三级图谱（{lvl}层级）"]
        if self.source:
            lines.append(f"数据：{self.source}")
        for tier in TIERS:
            rows = self.tier(tier)
            if rows.empty:
                lines.append(f"【{tier}产业】无（没有行业满足规则，见选项）")
                continue
            lines.append(f"【{tier}产业】")
            lines.extend(
                f"  · {n}（{i}）：{why}"
                for n, i, why in zip(rows["name"], rows["industry"], rows["reason"], strict=True)
            )
        gaps = self.table[self.table["supporting_gap"]].sort_values("link", ascending=False)
        if not gaps.empty:
            shown = gaps.head(10)
            more = f" 等 {len(gaps)} 个" if len(gaps) > len(shown) else ""
            lines.append(
                "配套缺口（与主导产业关联紧密但本地比重偏低，可作补链方向）："
                + "、".join(
                    f"{n}（RCA {float(r):.2f}）"
                    for n, r in zip(shown["name"], shown["rca"], strict=True)
                )
                + more
            )
        if not self.options.get("links", True):
            lines.append("注：未提供产业关联系数，配套产业无法判断。")
        if np.isfinite(self.density_cut):
            lines.append(
                f"注：RCA 以全部地区为参照；“潜力”要求 RCA < 1 且密度不低于本县各行业密度的 "
                f"{self.options['potential_density_quantile']:.0%} 分位数（{self.density_cut:.3f}）。"
            )
        else:
            lines.append("注：密度无法计算（有效地区或行业不足），潜力产业未作判断。")
        if self.dropped:
            lines.append("未参与计算：" + "、".join(self.dropped))
        return "\n".join(lines)


def _link_matrix(links: pd.DataFrame | None, industries: pd.Index) -> tuple[Any, Any]:
    n = industries.size
    if links is None or links.empty:
        return np.zeros((n, n)), np.zeros((n, n))
    for col in ("supplier", "buyer", "requirement", "allocation"):
        if col not in links.columns:
            raise InputError(f"关联系数表缺少列：{col}")
    out = []
    for col in ("requirement", "allocation"):
        wide = links.pivot_table(index="supplier", columns="buyer", values=col, aggfunc="sum")
        wide = wide.reindex(index=industries, columns=industries).fillna(0.0)
        out.append(wide.to_numpy(dtype=float))
    return out[0], out[1]


def industry_tiers(
    values: pd.DataFrame,
    county: str,
    *,
    links: pd.DataFrame | None = None,
    names: Mapping[str, str] | None = None,
    options: TierOptions | None = None,
    level: str = "section",
    county_name: str | None = None,
    source: str = "",
) -> TierResult:
    """Leading / supporting / potential industries of ``county``.

    Parameters
    ----------
    values
        Wide location × industry matrix (index = location codes, columns = industry codes),
        non-negative, no missing values. All reference locations, not only the county.
    county
        Row label of the county.
    links
        ``supplier, buyer, requirement, allocation`` between the industries; ``None`` gives no
        supporting tier (stated in the reasons).
    names
        Industry code → Chinese name.
    options
        :class:`TierOptions`.
    """
    opt = options or TierOptions()
    if not isinstance(values, pd.DataFrame) or values.empty:
        raise InputError("输入矩阵为空")
    x_df = values.apply(pd.to_numeric, errors="coerce")
    if x_df.isna().any().any():
        raise InputError(f"输入矩阵含缺失或非数值（{int(x_df.isna().sum().sum())} 个单元格）")
    if (x_df < 0).any().any():
        raise InputError("输入矩阵含负值")
    x_df.index = x_df.index.astype(str)
    x_df.columns = x_df.columns.astype(str)
    county = str(county)
    if county not in x_df.index:
        raise InputError(f"矩阵中没有地区 {county}")
    dropped: list[str] = []
    row_tot = x_df.sum(axis=1)
    if row_tot[county] <= 0:
        raise ComputationError(f"地区 {county} 的合计值为 0，无法计算产业结构")
    zero_rows = row_tot.index[row_tot <= 0]
    if zero_rows.size:
        dropped += [f"地区 {c}（合计为 0）" for c in zero_rows]
    col_tot = x_df.sum(axis=0)
    zero_cols = col_tot.index[col_tot <= 0]
    if zero_cols.size:
        dropped += [f"行业 {c}（全部地区合计为 0）" for c in zero_cols]
    x_df = x_df.loc[row_tot > 0, col_tot > 0]
    if x_df.shape[0] < 2 or x_df.shape[1] < 2:
        raise ComputationError("分层至少需要 2 个地区和 2 个行业")
    locs = x_df.index
    inds = x_df.columns
    x = x_df.to_numpy(dtype=np.float64)
    r = rca(x)
    m = presence(r, 1.0)
    keep_loc = m.sum(axis=1) > 0
    keep_prod = m.sum(axis=0) > 0
    ci = int(locs.get_loc(county))
    density = np.full(inds.size, np.nan)
    cog = np.full(inds.size, np.nan)
    pci = np.full(inds.size, np.nan)
    cx: dict[str, Any] | None = None
    if keep_loc[ci] and keep_loc.sum() >= 2 and keep_prod.sum() >= 2:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                cx = complexity_matrix(m[np.ix_(keep_loc, keep_prod)], convention=opt.convention)
        except ComputationError as exc:
            dropped.append(f"复杂度计算失败：{exc}")
    if cx is not None:
        row = int(np.cumsum(keep_loc)[ci] - 1)
        density[keep_prod] = cx["density"][row]
        cog[keep_prod] = cx["cog"][row]
        pci[keep_prod] = cx["pci"]
    else:
        warnings.warn(
            "无法计算密度（有效地区或行业不足或结构退化），潜力产业不作判断", stacklevel=2
        )

    share = x[ci] / x[ci].sum()
    rc = r[ci]
    excluded = inds.isin([str(e) for e in opt.exclude])
    cand = ~excluded

    # 1. leading
    lead_ok = cand & (rc >= opt.lead_rca) & (share >= opt.lead_min_share)
    order = np.argsort(-share, kind="stable")
    lead_idx = [i for i in order if lead_ok[i]][: opt.lead_top]
    is_lead = np.zeros(inds.size, dtype=bool)
    is_lead[lead_idx] = True

    # 2. supporting: strongest link to any leading industry
    req, alloc = _link_matrix(links, inds)
    link = np.zeros(inds.size)
    direction = np.full(inds.size, "", dtype=object)
    partner = np.full(inds.size, "", dtype=object)
    if lead_idx:
        up = req[:, lead_idx]  # i supplies leading l
        down = alloc[lead_idx, :].T  # i buys from leading l
        both = np.concatenate([up, down], axis=1)
        best = np.argmax(both, axis=1)
        link = both[np.arange(inds.size), best]
        k = len(lead_idx)
        direction = np.where(best < k, "上游（向主导产业供货）", "下游（使用主导产业产品）")
        partner = inds.to_numpy(dtype=object)[np.asarray(lead_idx)[best % k]]
    linked = cand & ~is_lead & (link >= opt.support_min_link) & (link > 0)
    sup_ok = linked & (rc >= opt.support_min_rca)
    order = np.argsort(-link, kind="stable")
    sup_idx = [i for i in order if sup_ok[i]][: opt.support_top]
    is_sup = np.zeros(inds.size, dtype=bool)
    is_sup[sup_idx] = True
    gap = linked & (rc < opt.support_min_rca)

    # 3. potential
    dens_ok = cand & np.isfinite(density)
    density_cut = (
        float(np.quantile(density[dens_ok], opt.potential_density_quantile))
        if dens_ok.any()
        else float("nan")
    )
    pot_ok = dens_ok & ~is_lead & ~is_sup & (rc < 1.0) & (density >= density_cut)
    key = cog if opt.potential_by == "cog" else density
    key = np.where(np.isfinite(key), key, -np.inf)
    order = np.lexsort((-density, -key))
    pot_idx = [i for i in order if pot_ok[i]][: opt.potential_top]
    is_pot = np.zeros(inds.size, dtype=bool)
    is_pot[pot_idx] = True

    tier = np.select([is_lead, is_sup, is_pot], ["主导", "配套", "潜力"], "")
    hi_dens = np.isfinite(density) & (density >= density_cut)
    quadrant = np.array(
        [_QUADRANTS[(bool(a), bool(b))] for a, b in zip(rc >= 1, hi_dens, strict=True)]
    )
    nm = {str(k): str(v) for k, v in (names or {}).items()}
    name_arr = np.array([nm.get(i, i) for i in inds], dtype=object)
    partner_names = np.array([nm.get(p, p) if p else "" for p in partner], dtype=object)
    reason = _reasons(tier, share, rc, density, cog, link, direction, partner_names, opt, links)
    table = pd.DataFrame(
        {
            "industry": inds.to_numpy(dtype=object),
            "name": name_arr,
            "value": x[ci],
            "share": share,
            "rca": rc,
            "density": density,
            "cog": cog,
            "pci": pci,
            "tier": tier,
            "reason": reason,
            "link": link,
            "link_direction": np.where(link > 0, direction, ""),
            "link_partner": np.where(link > 0, partner_names, ""),
            "supporting_gap": gap,
            "quadrant": quadrant,
            "excluded": excluded,
        }
    )
    rank = pd.Categorical(table["tier"], categories=[*TIERS, ""], ordered=True)
    table = (
        table.assign(_t=rank)
        .sort_values(["_t", "share"], ascending=[True, False])
        .drop(columns="_t")
        .reset_index(drop=True)
    )
    return TierResult(
        county=county,
        county_name=county_name or county,
        level=level,
        table=table,
        density_cut=density_cut,
        options={**opt.as_dict(), "links": links is not None and not links.empty},
        source=source,
        dropped=dropped,
    )


def _reasons(
    tier: Any,
    share: Any,
    rc: Any,
    density: Any,
    cog: Any,
    link: Any,
    direction: Any,
    partner: Any,
    opt: TierOptions,
    links: pd.DataFrame | None,
) -> list[str]:
    out: list[str] = []
    for t, s, r, d, g, lk, dr, p in zip(
        tier, share, rc, density, cog, link, direction, partner, strict=True
    ):
        if t == "主导":
            out.append(
                f"RCA = {r:.2f} ≥ {opt.lead_rca:g}，占本县 {s:.1%} ≥ {opt.lead_min_share:.0%}，"
                "规模与专业化程度兼备"
            )
        elif t == "配套":
            out.append(
                f"与主导产业“{p}”关联系数 {lk:.3f} ≥ {opt.support_min_link:g}，"
                f"{dr}；本地 RCA = {r:.2f} ≥ {opt.support_min_rca:g}"
            )
        elif t == "潜力":
            out.append(
                f"尚未形成比较优势（RCA = {r:.2f} < 1），但密度 {d:.3f} 较高"
                f"（本县已有优势产业与之关联紧密），机会收益 COG = {g:.3f}"
            )
        else:
            out.append("")
    return out
