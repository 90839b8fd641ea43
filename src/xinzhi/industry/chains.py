"""Industry chain templates (产业链模板) and the chain analysis of one county: which segments it
has, which are missing (补链), neighbours specialised in the same segments (同质化竞争), neighbours
that could supply a gap, chain leaders (链主) and lead lists for investment attraction (产业链招商).

Templates are YAML files in ``chains/`` beside this module (one per chain, written for xinzhi; the
seed article that names each chain is cited in its ``sources``). A template has a ``type``
(``pillar`` 支柱产业链 or ``emerging`` 新兴产业链) and segments with a ``stage`` (上游 / 中游 /
下游), products, GB/T 4754-2017 codes (2-digit divisions or 4-digit classes) and 42-sector IO
sectors. A firm belongs to a segment when its 4-digit class is listed, or its division is listed as
a 2-digit code (``broad: true`` marks segments defined by whole divisions).

Segment strength in a county, with firm records: the number of active firms and the location
quotient on the firms' ``measure`` (employees by default),
``RCA_cs = (v_cs / V_c) / (V_s / V)`` (Balassa 1965) with ``v_cs`` the county's value in the
segment, ``V_c`` the county's value over all its firms, ``V_s`` the segment's value over all
counties and ``V`` the total. Without firm records the segments are "unknown"; only the county's
section-level RCA (census employment) is reported as context.

Chain leaders: active firms in the chain's codes whose revenue (万元) reaches the threshold of the
chain type (default 500,000 万元 = 50 亿元 for pillar chains, 100,000 万元 = 10 亿元 for emerging
ones). Lead lists: active firms outside the county in the missing segments, ranked neighbour
first, then same province, then by revenue.

Examples
--------
A two-segment chain and four firms (employees 30, 10, 50, 10). County 430101 has 40 employees
in all, the three counties 100. Batteries: 30 of the segment's 40, RCA = (30/40)/(40/100) =
1.875; vehicles: 10 of 60, RCA = (10/40)/(60/100) = 0.4167. Firm 甲厂's revenue 600,000 万元
reaches the pillar-chain threshold of 500,000 万元, so it is a chain leader:

>>> import pandas as pd
>>> chain = chain_from_mapping({"key": "demo", "name": "示例链", "type": "pillar", "segments": [
...     {"key": "cells", "name": "电池", "stage": "上游", "gbt4754": ["3841"], "io42": ["19"]},
...     {"key": "cars", "name": "整车", "stage": "中游", "gbt4754": ["3612"], "io42": ["18"]}]})
>>> firms = pd.DataFrame({"credit_code": ["f1", "f2", "f3", "f4"],
...                       "name": ["甲厂", "乙厂", "丙厂", "丁厂"],
...                       "region_code": ["430101", "430101", "430102", "430103"],
...                       "industry_code": ["3841", "3612", "3612", "3841"],
...                       "revenue": [600000.0, 1000.0, 2000.0, 3000.0],
...                       "employees": [30.0, 10.0, 50.0, 10.0]})
>>> res = chain_analysis(chain, "430101", firms=firms)
>>> res.tidy()["rca"].round(4).tolist(), res.leaders["firm"].tolist()
([1.875, 0.4167], ['甲厂'])

Where to look
-------------
* Docs: ``docs/chains.md`` §2 (产业链模板), §4 (一个县的一条产业链).
* Tests: ``tests/industry_map/test_chains_analysis.py`` (segments, 同质化, suppliers, leader
  thresholds, lead order), ``tests/industry_map/test_chains_templates.py`` (templates, concordance).
* CLI: ``xinzhi industry chain``, ``xinzhi analysis chain``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import numpy as np
import pandas as pd

from xinzhi import yamlfile
from xinzhi.codes.gbt4754 import is_valid_code, section_of
from xinzhi.errors import InputError
from xinzhi.industry.concordance import io42_sectors
from xinzhi.results import Result

__all__ = [
    "CHAIN_TYPES",
    "STAGES",
    "ChainOptions",
    "ChainResult",
    "ChainTemplate",
    "Segment",
    "chain_analysis",
    "chain_from_mapping",
    "firm_segments",
    "list_chains",
    "load_chain",
    "validate_template",
]

STAGES: tuple[str, ...] = ("上游", "中游", "下游")
CHAIN_TYPES: dict[str, str] = {"pillar": "支柱产业链", "emerging": "新兴产业链"}
FIRM_COLUMNS = ["credit_code", "name", "region_code", "industry_code", "revenue"]


@dataclass(frozen=True)
class Segment:
    """One segment (环节) of a chain."""

    key: str
    name: str
    stage: str
    products: tuple[str, ...]
    codes: tuple[str, ...]
    io42: tuple[str, ...]
    broad: bool = False

    @property
    def sections(self) -> tuple[str, ...]:
        """Sections (门类) of the segment's codes, in order of first appearance."""
        return tuple(dict.fromkeys(section_of(c) for c in self.codes))


@dataclass(frozen=True)
class ChainTemplate:
    """A chain template read from YAML."""

    key: str
    name: str
    type: str
    description: str
    segments: tuple[Segment, ...]
    sources: tuple[dict[str, Any], ...] = ()
    path: str = ""

    @property
    def type_zh(self) -> str:
        return CHAIN_TYPES.get(self.type, self.type)

    def segment_table(self) -> pd.DataFrame:
        """One row per segment: ``segment, name, stage, products, codes, io42, sections``."""
        return pd.DataFrame(
            {
                "segment": [s.key for s in self.segments],
                "name": [s.name for s in self.segments],
                "stage": [s.stage for s in self.segments],
                "products": ["、".join(s.products) for s in self.segments],
                "codes": [",".join(s.codes) for s in self.segments],
                "io42": [",".join(s.io42) for s in self.segments],
                "sections": [",".join(s.sections) for s in self.segments],
            }
        )

    def codes(self) -> list[str]:
        return sorted({c for s in self.segments for c in s.codes})


def _chain_dir() -> Any:
    return resources.files("xinzhi.industry").joinpath("chains")


def _parse(data: Mapping[str, Any], path: str = "") -> ChainTemplate:
    try:
        segs = tuple(
            Segment(
                key=str(s["key"]),
                name=str(s["name"]),
                stage=str(s["stage"]),
                products=tuple(str(p) for p in s.get("products", [])),
                codes=tuple(str(c) for c in s["gbt4754"]),
                io42=tuple(str(c) for c in s.get("io42", [])),
                broad=bool(s.get("broad", False)),
            )
            for s in data["segments"]
        )
        return ChainTemplate(
            key=str(data["key"]),
            name=str(data["name"]),
            type=str(data["type"]),
            description=str(data.get("description", "")),
            segments=segs,
            sources=tuple(dict(x) for x in data.get("sources", [])),
            path=path,
        )
    except (KeyError, TypeError) as exc:
        raise InputError(f"产业链模板 {path} 格式错误：缺少字段 {exc}") from exc


@cache
def _builtin() -> tuple[ChainTemplate, ...]:
    out = []
    for f in sorted(_chain_dir().iterdir(), key=lambda p: p.name):
        if f.name.endswith(".yaml"):
            out.append(_parse(yamlfile.safe_load(f.read_text("utf-8")), f.name))
    return tuple(out)


def list_chains() -> pd.DataFrame:
    """Built-in templates: ``key, name, type, segments, sources``."""
    rows = [
        {
            "key": t.key,
            "name": t.name,
            "type": t.type_zh,
            "segments": len(t.segments),
            "sources": "；".join(f"《{s.get('title', '')}》" for s in t.sources),
        }
        for t in _builtin()
    ]
    return pd.DataFrame(rows)


def chain_from_mapping(data: Mapping[str, Any], origin: str = "") -> ChainTemplate:
    """A user's template from its parsed YAML (read by
    :func:`xinzhi.ingest.chain_templates.read_chain_template`), validated
    (:func:`validate_template`); ``origin`` names the file in messages.

    Raises :class:`InputError` listing every problem.
    """
    if not isinstance(data, Mapping):
        raise InputError(f"产业链模板 {origin} 应为 YAML 映射（key、name、type、segments）")
    t = _parse(data, origin)
    errors = validate_template(t)
    if errors:
        raise InputError("产业链模板有误：" + "；".join(errors))
    return t


def load_chain(name: str) -> ChainTemplate:
    """A built-in template by key or Chinese name (or a unique part of it, e.g. ``"花炮"``).
    Raises :class:`InputError` with the choices if nothing (or several) match. A user's YAML
    file: :func:`xinzhi.pipelines.industry.chain_template`."""
    q = str(name).strip()
    chains = _builtin()
    exact = [t for t in chains if q in (t.key, t.name)]
    hits = exact or [t for t in chains if q and (q in t.name or q in t.key)]
    if len(hits) == 1:
        return hits[0]
    choices = "、".join(f"{t.name}（{t.key}）" for t in chains)
    if not hits:
        raise InputError(f"没有名为“{q}”的产业链模板。可选：{choices}")
    raise InputError(f"“{q}”对应多个产业链模板：{'、'.join(t.name for t in hits)}")


def validate_template(t: ChainTemplate) -> list[str]:
    """Problems of a template (empty list = valid): type, stages, GB/T 4754 codes, IO sectors,
    duplicated segment keys."""
    errors = []
    if t.type not in CHAIN_TYPES:
        errors.append(f"{t.key}: 未知的产业链类型 {t.type}（可选 pillar、emerging）")
    if not t.segments:
        errors.append(f"{t.key}: 没有环节")
    keys = [s.key for s in t.segments]
    if len(set(keys)) != len(keys):
        errors.append(f"{t.key}: 环节 key 重复")
    sectors = set(io42_sectors()["io42"])
    for s in t.segments:
        if s.stage not in STAGES:
            errors.append(f"{t.key}/{s.key}: 未知的环节位置 {s.stage}（可选 上游、中游、下游）")
        if not s.codes:
            errors.append(f"{t.key}/{s.key}: 没有行业代码")
        bad = [c for c in s.codes if not is_valid_code(c)]
        if bad:
            errors.append(f"{t.key}/{s.key}: 无效的 GB/T 4754-2017 代码 {','.join(bad)}")
        bad_io = [c for c in s.io42 if c not in sectors]
        if bad_io or not s.io42:
            errors.append(f"{t.key}/{s.key}: 无效或缺少投入产出部门 {','.join(bad_io)}")
        if any(len(c) == 2 for c in s.codes) and not s.broad:
            errors.append(f"{t.key}/{s.key}: 以大类定义的环节须标注 broad: true")
    return errors


# --------------------------------------------------------------------------------------------
# analysis
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ChainOptions:
    """Options of the chain analysis (all change the output)."""

    leader_revenue: tuple[tuple[str, float], ...] = (("pillar", 500000.0), ("emerging", 100000.0))
    measure: str = "employees"
    min_firms: int = 1
    lead_top: int = 10
    inactive_status: tuple[str, ...] = ("注销", "吊销", "撤销", "迁出", "停业", "清算")

    def threshold(self, chain_type: str) -> float:
        table = dict(self.leader_revenue)
        if chain_type not in table:
            raise InputError(f"没有为产业链类型 {chain_type} 设置链主营收门槛")
        return float(table[chain_type])

    def as_dict(self) -> dict[str, Any]:
        return {
            "leader_revenue": dict(self.leader_revenue),
            "measure": self.measure,
            "min_firms": self.min_firms,
            "lead_top": self.lead_top,
            "inactive_status": list(self.inactive_status),
        }


def firm_segments(firms: pd.DataFrame, template: ChainTemplate) -> pd.DataFrame:
    """Firms of the chain, one row per firm × matching segment (``segment`` column added).

    Matching: 4-digit codes against ``industry_code``, 2-digit codes against its first two
    digits. A firm can match several segments.
    """
    code_map = pd.DataFrame(
        [(s.key, c) for s in template.segments for c in s.codes], columns=["segment", "code"]
    )
    f = firms.assign(
        industry_code=firms["industry_code"].astype(str),
        _div=firms["industry_code"].astype(str).str[:2],
    )
    by_class = f.merge(
        code_map[code_map["code"].str.len() == 4], left_on="industry_code", right_on="code"
    )
    by_div = f.merge(code_map[code_map["code"].str.len() == 2], left_on="_div", right_on="code")
    out = pd.concat([by_class, by_div], ignore_index=True).drop(columns=["code", "_div"])
    return out.drop_duplicates(["credit_code", "segment"]).reset_index(drop=True)


@dataclass
class ChainResult(Result):
    """Chain analysis of one county; every table has Chinese headers in :meth:`tables`."""

    county: str
    county_name: str
    template: ChainTemplate
    has_firms: bool
    segments: pd.DataFrame
    neighbors: pd.DataFrame
    homogeneity: pd.DataFrame
    suppliers: pd.DataFrame
    leaders: pd.DataFrame
    leads: pd.DataFrame
    options: dict[str, Any]
    notes: list[str] = field(default_factory=list)
    synthetic: bool = False

    def tidy(self) -> pd.DataFrame:
        """The segment table: ``segment, name, stage, …, status`` (one row per segment)."""
        return self.segments.copy()

    def missing(self) -> list[str]:
        return self.segments.loc[self.segments["status"] == "缺失", "segment"].tolist()

    def present(self) -> list[str]:
        return self.segments.loc[self.segments["status"] == "已有", "segment"].tolist()

    def tables(self) -> dict[str, pd.DataFrame]:
        zh = {
            "segment": "环节代码",
            "name": "环节名称",
            "stage": "位置",
            "products": "主要产品",
            "codes": "行业代码",
            "io42": "投入产出部门",
            "sections": "门类",
            "n_firms": "本县企业数",
            "value": "本县规模",
            "revenue": "营业收入（万元）",
            "rca": "环节RCA",
            "section_rca": "门类RCA（人口普查）",
            "status": "状态",
            "advice": "建议",
            "neighbor": "邻县代码",
            "neighbor_name": "邻县名称",
            "neighbor_rca": "邻县RCA",
            "county_rca": "本县RCA",
            "basis": "依据",
            "credit_code": "统一社会信用代码",
            "firm": "企业名称",
            "region_code": "所在地代码",
            "region_name": "所在地",
            "relation": "与本县关系",
            "rank": "排名",
            "employees": "从业人员",
            "threshold": "链主门槛（万元）",
            "synthetic": "示例数据",
        }
        out = {
            "环节": self.segments.rename(columns=zh),
            "邻县环节": self.neighbors.rename(columns=zh),
            "同质化预警": self.homogeneity.rename(columns=zh),
            "邻县可补链": self.suppliers.rename(columns=zh),
            "链主": self.leaders.rename(columns=zh),
            "招商线索": self.leads.rename(columns=zh),
            "模板": self.template.segment_table().rename(columns=zh),
            "说明": pd.DataFrame({"说明": self.notes or [""]}),
        }
        return out

    def to_dict(self) -> dict[str, Any]:
        def rec(df: pd.DataFrame) -> list[dict[str, Any]]:
            records = df.astype(object).where(df.notna(), None).to_dict("records")
            return [{str(k): v for k, v in r.items()} for r in records]

        return {
            "county": self.county,
            "county_name": self.county_name,
            "chain": self.template.key,
            "chain_name": self.template.name,
            "chain_type": self.template.type,
            "has_firms": self.has_firms,
            "synthetic": self.synthetic,
            "segments": rec(self.segments),
            "homogeneity": rec(self.homogeneity),
            "suppliers": rec(self.suppliers),
            "leaders": rec(self.leaders),
            "leads": rec(self.leads),
            "notes": self.notes,
            "options": self.options,
        }

    def summary(self) -> str:
        t = self.template
        lines = [f"{self.county_name}（{self.county}）· {t.name}（{t.type_zh}）产业链分析"]
        if self.synthetic:
            lines.append("【示例数据】企业记录为合成的示例数据（synthetic），结论仅用于演示。")
        lines.extend(f"说明：{n}" for n in self.notes)
        for stage in STAGES:
            seg = self.segments[self.segments["stage"] == stage]
            parts = []
            for r in seg.to_dict("records"):
                if r["status"] == "未知":
                    sr = float(r["section_rca"])
                    ctx = f"，门类 RCA {sr:.2f}" if np.isfinite(sr) else ""
                    parts.append(f"{r['name']}[未知{ctx}]")
                else:
                    parts.append(
                        f"{r['name']}[{r['status']}，{int(r['n_firms'])} 家，"
                        f"RCA {float(r['rca']):.2f}]"
                    )
            lines.append(f"{stage}：" + "；".join(parts))
        if self.has_firms:
            miss = self.segments[self.segments["status"] == "缺失"]
            lines.append(
                "补链方向（本县缺失的环节）："
                + ("、".join(miss["name"]) if not miss.empty else "无，全链条均有企业")
            )
            if self.leaders.empty:
                thr = self.options["threshold"]
                lines.append(f"链主：本县暂无营业收入 ≥ {thr / 10000:g} 亿元的链上企业")
            else:
                lines.append(
                    "链主："
                    + "、".join(
                        f"{f}（{float(v) / 10000:.1f} 亿元）"
                        for f, v in zip(self.leaders["firm"], self.leaders["revenue"], strict=True)
                    )
                )
        if not self.homogeneity.empty:
            grouped = self.homogeneity.groupby("name", sort=False)["neighbor_name"].agg("、".join)
            what = "同质化预警" if self.has_firms else "同质化提示（门类层面，粗略）"
            lines.append(
                f"{what}：" + "；".join(f"{k} — 与 {v} 均具比较优势" for k, v in grouped.items())
            )
        if not self.suppliers.empty:
            lines.append(
                "邻县可补链："
                + "；".join(
                    f"{a} ← {b}（{int(c)} 家）"
                    for a, b, c in zip(
                        self.suppliers["name"],
                        self.suppliers["neighbor_name"],
                        self.suppliers["n_firms"],
                        strict=True,
                    )
                )
            )
        if not self.leads.empty:
            lines.append(f"招商线索：{len(self.leads)} 家县外企业（见“招商线索”表，邻县优先）")
        return "\n".join(lines)


def _segment_lq(seg_values: pd.DataFrame, totals: pd.Series) -> pd.DataFrame:
    """Location quotient of each region × segment from ``region_code, segment, value``."""
    wide = seg_values.pivot_table(
        index="region_code", columns="segment", values="value", aggfunc="sum", fill_value=0.0
    )
    tot = totals.reindex(wide.index.union(totals.index)).fillna(0.0)
    wide = wide.reindex(tot.index).fillna(0.0)
    grand = float(tot.sum())
    seg_tot = wide.sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = wide.div(tot.where(tot > 0), axis=0)
        lq = share / (seg_tot / grand).where(seg_tot > 0)
    return lq.fillna(0.0)


def chain_analysis(
    template: ChainTemplate,
    county: str,
    *,
    firms: pd.DataFrame | None = None,
    totals: pd.Series | None = None,
    neighbors: Sequence[str] = (),
    section_rca: pd.DataFrame | None = None,
    region_names: Mapping[str, str] | None = None,
    options: ChainOptions | None = None,
    county_name: str | None = None,
) -> ChainResult:
    """Segments, gaps, 同质化 warnings, suppliers, leaders and leads of ``county`` in a chain.

    Parameters
    ----------
    template
        The chain (:func:`load_chain`).
    county
        6-digit code.
    firms
        Firm records (at least ``credit_code, name, region_code, industry_code, revenue`` and
        the ``measure`` column; optional ``status``, ``synthetic``), typically only the firms in
        the chain's codes; ``None`` or empty = no firm records.
    totals
        Region code → total ``measure`` over all firms of the region (denominator of the
        segment RCA); default: the sums over ``firms``.
    neighbors
        Codes of the county's neighbours (queen contiguity).
    section_rca
        Region (index) × section (columns) RCA from census employment; used for context and,
        without firm records, for section-level 同质化 hints.
    region_names
        Code → name for the output.
    """
    opt = options or ChainOptions()
    county = str(county)
    names = {str(k): str(v) for k, v in (region_names or {}).items()}
    nbrs = [str(n) for n in neighbors if str(n) != county]
    thr = opt.threshold(template.type)
    seg_tab = template.segment_table()
    notes: list[str] = []
    has_firms = firms is not None and not firms.empty
    synthetic = False
    county_sec = (
        section_rca.loc[county]
        if section_rca is not None and county in section_rca.index
        else pd.Series(dtype=float)
    )
    seg_tab["section_rca"] = [
        max((float(county_sec.get(s, np.nan)) for s in secs.split(",")), default=np.nan)
        for secs in seg_tab["sections"]
    ]
    empty_nb = pd.DataFrame(
        columns=["segment", "name", "neighbor", "neighbor_name", "n_firms", "neighbor_rca"]
    )
    if not has_firms:
        notes.append(
            "数据仓库中没有企业记录：无法在小类层面判断各环节是否存在，环节状态为“未知”；"
            "仅给出所属门类的人口普查就业 RCA 作参考（门类 RCA ≥ 1 不代表本环节存在）。"
        )
        seg_tab["n_firms"] = 0
        seg_tab["value"] = 0.0
        seg_tab["revenue"] = 0.0
        seg_tab["rca"] = np.nan
        seg_tab["status"] = "未知"
        seg_tab["advice"] = "需导入企业名录后判断"
        homog = _section_homogeneity(seg_tab, county, nbrs, section_rca, names)
        if not homog.empty:
            notes.append("同质化预警为门类层面的粗略提示（本县与邻县同一门类均 RCA ≥ 1）。")
        empty = pd.DataFrame()
        return ChainResult(
            county=county,
            county_name=county_name or names.get(county, county),
            template=template,
            has_firms=False,
            segments=seg_tab,
            neighbors=empty_nb,
            homogeneity=homog,
            suppliers=empty,
            leaders=empty,
            leads=empty,
            options={**opt.as_dict(), "threshold": thr, "neighbors": nbrs},
            notes=notes,
        )

    assert firms is not None
    need = [*FIRM_COLUMNS, opt.measure]
    miss = [c for c in need if c not in firms.columns]
    if miss:
        raise InputError("企业记录缺少列：" + "、".join(miss))
    f = firms.copy()
    f["region_code"] = f["region_code"].astype(str)
    f[opt.measure] = pd.to_numeric(f[opt.measure], errors="coerce").fillna(0.0).astype(float)
    f["revenue"] = pd.to_numeric(f["revenue"], errors="coerce")
    if "status" in f.columns:
        inactive = f["status"].astype(str).isin(opt.inactive_status)
        if inactive.any():
            notes.append(
                f"已剔除非存续企业 {int(inactive.sum())} 家（{'、'.join(opt.inactive_status)}）"
            )
        f = f[~inactive]
    if "synthetic" in f.columns and f["synthetic"].fillna(False).astype(bool).any():
        synthetic = True
    tot = (
        totals.astype(float).rename(index=str)
        if totals is not None
        else f.groupby("region_code")[opt.measure].sum()
    )
    fs = firm_segments(f, template)
    seg_vals = fs.groupby(["region_code", "segment"], as_index=False).agg(
        value=(opt.measure, "sum"), n_firms=("credit_code", "nunique"), revenue=("revenue", "sum")
    )
    lq = _segment_lq(seg_vals, tot)
    lq = lq.reindex(columns=seg_tab["segment"], fill_value=0.0)
    own = seg_vals[seg_vals["region_code"] == county].set_index("segment")
    seg_tab["n_firms"] = own["n_firms"].reindex(seg_tab["segment"]).fillna(0).astype(int).values
    seg_tab["value"] = own["value"].reindex(seg_tab["segment"]).fillna(0.0).values
    seg_tab["revenue"] = own["revenue"].reindex(seg_tab["segment"]).fillna(0.0).values
    seg_tab["rca"] = lq.loc[county].values if county in lq.index else np.zeros(len(seg_tab))
    present = seg_tab["n_firms"] >= opt.min_firms
    seg_tab["status"] = np.where(present, "已有", "缺失")
    seg_tab["advice"] = np.select(
        [~present, seg_tab["rca"] >= 1],
        ["补链：引进或培育本环节企业", "强链：巩固优势、培育链主"],
        "强链/延链：本环节已有企业但规模偏小",
    )

    # neighbours: firms and RCA per segment
    nb = seg_vals[seg_vals["region_code"].isin(nbrs)].rename(columns={"region_code": "neighbor"})
    nb = nb.merge(seg_tab[["segment", "name"]], on="segment")
    nb["neighbor_rca"] = [
        float(lq.at[n, s]) if n in lq.index else 0.0  # type: ignore[arg-type]
        for n, s in zip(nb["neighbor"], nb["segment"], strict=True)
    ]
    nb["neighbor_name"] = nb["neighbor"].map(lambda c: names.get(c, c))
    nb = nb[["segment", "name", "neighbor", "neighbor_name", "n_firms", "neighbor_rca"]]
    nb = nb.sort_values(["segment", "neighbor_rca"], ascending=[True, False]).reset_index(drop=True)
    strong = seg_tab.loc[seg_tab["rca"] >= 1, ["segment", "rca"]].rename(
        columns={"rca": "county_rca"}
    )
    homog = strong.merge(nb[nb["neighbor_rca"] >= 1], on="segment")
    homog = homog.assign(basis="企业记录：本县与邻县本环节 RCA 均 ≥ 1")[
        ["segment", "name", "county_rca", "neighbor", "neighbor_name", "neighbor_rca", "basis"]
    ]
    missing = seg_tab.loc[~present, "segment"]
    suppliers = nb[nb["segment"].isin(missing) & (nb["n_firms"] > 0)].reset_index(drop=True)

    # leaders: county firms in the chain at or above the revenue threshold
    chain_firms = fs.drop_duplicates("credit_code")
    lead_mask = (chain_firms["region_code"] == county) & (chain_firms["revenue"] >= thr)
    leaders = chain_firms.loc[lead_mask].sort_values("revenue", ascending=False)
    leaders = _firm_view(leaders, names).assign(threshold=thr)

    # lead list: firms outside the county in the missing segments
    cand = fs[fs["segment"].isin(missing) & (fs["region_code"] != county)].copy()
    province = county[:2]
    cand["_rel"] = np.select(
        [cand["region_code"].isin(nbrs), cand["region_code"].str[:2] == province], [0, 1], 2
    )
    cand = cand.sort_values(
        ["segment", "_rel", "revenue"], ascending=[True, True, False], na_position="last"
    )
    cand["rank"] = cand.groupby("segment").cumcount() + 1
    cand = cand[cand["rank"] <= opt.lead_top]
    leads = _firm_view(cand, names)
    if not leads.empty:
        leads.insert(0, "segment", cand["segment"].to_numpy())
        leads.insert(1, "rank", cand["rank"].to_numpy())
        leads["relation"] = np.array(["邻县", "同省", "省外"], dtype=object)[
            cand["_rel"].to_numpy()
        ]
        leads["leader_size"] = cand["revenue"].to_numpy() >= thr
    return ChainResult(
        county=county,
        county_name=county_name or names.get(county, county),
        template=template,
        has_firms=True,
        segments=seg_tab,
        neighbors=nb,
        homogeneity=homog.reset_index(drop=True),
        suppliers=suppliers,
        leaders=leaders.reset_index(drop=True),
        leads=leads.reset_index(drop=True),
        options={**opt.as_dict(), "threshold": thr, "neighbors": nbrs},
        notes=notes,
        synthetic=synthetic,
    )


def _firm_view(df: pd.DataFrame, names: Mapping[str, str]) -> pd.DataFrame:
    cols = {
        "credit_code": df["credit_code"].to_numpy(),
        "firm": df["name"].to_numpy(),
        "region_code": df["region_code"].to_numpy(),
        "region_name": df["region_code"].map(lambda c: names.get(c, c)).to_numpy(),
        "industry_code": df["industry_code"].to_numpy(),
        "revenue": df["revenue"].to_numpy(),
    }
    if "employees" in df.columns:
        cols["employees"] = df["employees"].to_numpy()
    if "synthetic" in df.columns:
        cols["synthetic"] = df["synthetic"].to_numpy()
    return pd.DataFrame(cols)


def _section_homogeneity(
    seg_tab: pd.DataFrame,
    county: str,
    nbrs: list[str],
    section_rca: pd.DataFrame | None,
    names: Mapping[str, str],
) -> pd.DataFrame:
    cols = ["segment", "name", "county_rca", "neighbor", "neighbor_name", "neighbor_rca", "basis"]
    if section_rca is None or county not in section_rca.index or not nbrs:
        return pd.DataFrame(columns=cols)
    rows = (
        seg_tab[["segment", "name", "sections"]]
        .assign(section=seg_tab["sections"].str.split(","))
        .explode("section")
    )
    own = pd.Series(section_rca.loc[county], dtype=float)
    rows["county_rca"] = rows["section"].map(own)
    rows = rows[rows["county_rca"] >= 1]
    # one row per section × neighbour (the segments of the section listed together)
    rows = rows.groupby("section", as_index=False).agg(
        segment=("segment", ",".join), name=("name", "、".join), county_rca=("county_rca", "first")
    )
    nb = section_rca.reindex([n for n in nbrs if n in section_rca.index])
    long = nb.stack().reset_index()
    long.columns = pd.Index(["neighbor", "section", "neighbor_rca"])
    out = rows.merge(long[long["neighbor_rca"] >= 1], on="section")
    out["neighbor_name"] = out["neighbor"].map(lambda c: names.get(c, c))
    out["basis"] = "门类层面：本县与邻县门类 " + out["section"] + " 就业 RCA 均 ≥ 1（粗略）"
    return out[cols].reset_index(drop=True)
