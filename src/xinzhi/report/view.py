"""The report as display strings: one view (dict of text, tables and SVG charts) that both the
PDF (Typst) and the HTML (Jinja2) templates render, so both show the same formatted numbers.

Formatting rules: composite and dimension scores with 4 decimals (as the CLI prints them), ranks
as ``rank/n``, percentiles and shares in % with 1 decimal, indicator values of unit 比例 in %
with 2 decimals, other values with 2 decimals and thousands separators; a missing value is 缺失.
"""

from __future__ import annotations

import math
from datetime import date
from typing import Any

import pandas as pd

from xinzhi.report import charts
from xinzhi.report.methods import method_appendix
from xinzhi.report.model import (
    MONITORING_HEADERS,
    SOBOL_HEADERS,
    CountyReportData,
    ProvinceReportData,
)

__all__ = ["county_view", "fmt_score", "province_view"]


def _nan(x: Any) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x)) or x is pd.NA


def _num(x: Any) -> float:
    return float(x)


def fmt_score(x: Any) -> str:
    """Score with 4 decimals (缺失 when missing)."""
    return "缺失" if _nan(x) else f"{float(x):.4f}"


def _pct(x: Any, nd: int = 1) -> str:
    return "缺失" if _nan(x) else f"{float(x) * 100:.{nd}f}%"


def _value(x: Any, unit: str) -> str:
    if _nan(x):
        return "缺失"
    if unit == "比例":
        return f"{float(x) * 100:.2f}%"
    return f"{float(x):,.2f}"


def _int(x: Any) -> str:
    return "—" if _nan(x) else str(int(x))


def _option(x: Any) -> str:
    """An evaluation option as shown: sequences joined with 、 (a tuple when computed, a list
    when read back from the stored JSON, so both show alike)."""
    return "、".join(map(str, x)) if isinstance(x, list | tuple) else str(x)


def _table(header: list[str], rows: list[list[Any]]) -> dict[str, Any]:
    return {"header": header, "rows": [[str(c) for c in r] for r in rows]}


def county_view(d: CountyReportData, *, charts_on: bool = True) -> dict[str, Any]:
    """Display strings, tables and SVG charts of a county report."""
    label = {i: n for i, n in zip(d.indicators["code"], d.indicators["name"], strict=True)}
    v: dict[str, Any] = {
        "title": f"{d.full_name}县域新质生产力报告",
        "name": d.name,
        "full_name": d.full_name,
        "code": d.code,
        "year": str(d.year),
        "headline": d.headline(),
        "basis_line": d.basis_line,
        "area": d.area,
        "system": f"{d.system_title}（{d.system_name}）",
        "evaluation": d.evaluation_name,
        "generated": date.today().isoformat(),
        "sources": d.sources,
        "notes": d.notes,
        "evaluated": d.evaluated,
        "synthetic": d.synthetic,
        "missing": "、".join(n for _, n in d.missing),
        "dropped": "、".join(n for _, n in d.dropped_optional),
    }
    v["kpis"] = [
        ["综合得分", fmt_score(d.score)],
        ["全国排名", f"{_int(d.rank)}/{d.n_counties}"],
        ["省内排名", f"{_int(d.province_rank)}/{d.n_province}"],
        ["全国百分位", _pct(d.percentile)],
    ]
    # dimensions
    v["dims"] = _table(
        ["维度", "本县得分", "全省平均", "标杆县平均"],
        [
            [
                r.dimension,
                fmt_score(r.score),
                fmt_score(r.province_mean),
                fmt_score(r.benchmark_mean),
            ]
            for r in d.dimensions.itertuples()
        ],
    )
    # history
    dim_cols = [c for c in d.history.columns if c.startswith("dim:")]
    v["history"] = _table(
        ["年份", "综合得分", "全国排名", "省内排名", "百分位", *[c[4:] for c in dim_cols]],
        [
            [
                str(int(r["year"])),
                fmt_score(r["score"]),
                _int(r["rank"]),
                _int(r["province_rank"]),
                _pct(r["percentile"]),
                *[fmt_score(r[c]) for c in dim_cols],
            ]
            for _, r in d.history.iterrows()
        ],
    )
    h = d.history.sort_values("year")
    if len(h) >= 2 and d.evaluated:
        a, b = h.iloc[0], h.iloc[-1]
        ds = float(b["score"] - a["score"])
        dr = int(a["rank"] - b["rank"])
        move = f"上升 {dr} 位" if dr > 0 else (f"下降 {-dr} 位" if dr < 0 else "不变")
        v["change"] = (
            f"{int(a['year'])}—{int(b['year'])} 年综合得分由 {fmt_score(a['score'])} 变为 "
            f"{fmt_score(b['score'])}（{ds:+.4f}），全国排名由 {int(a['rank'])} 变为 "
            f"{int(b['rank'])}（{move}）。两年在同一次混合测度中标准化，可直接比较。"
        )
    else:
        v["change"] = "没有可比较的早期年份数据。"
    # shortfalls and obstacles
    v["shortfalls"] = _table(
        ["排序", "短板", "障碍度", "占比", "主要指标"],
        [
            [_int(r.rank), r.shortfall, fmt_score(r.obstacle), _pct(r.share), r.drivers or ""]
            for r in d.shortfalls.itertuples()
        ],
    )
    v["top_obstacles"] = _table(
        ["指标", "维度", "短板", "障碍度"],
        [
            [r.name, r.dimension, r.shortfall, _pct(r.obstacle)]
            for r in d.top_obstacles.itertuples()
        ],
    )
    # type
    v["types"] = d.types
    # peers / benchmarks / gaps
    v["peers"] = _table(
        ["序", "近邻县", "区划代码", "主类型", "结构距离", "综合得分"],
        [
            [
                _int(r.rank),
                r.name if isinstance(r.name, str) else "",
                r.region_code,
                getattr(r, "primary_type", ""),
                f"{_num(r.distance):.3f}",
                fmt_score(r.score),
            ]
            for r in d.peers.itertuples()
        ],
    )
    v["benchmarks"] = "、".join(
        f"{r.name}（{r.province_name}，{fmt_score(r.score)}）" for r in d.benchmarks.itertuples()
    )
    unit_of = dict(zip(d.indicators["code"], d.indicators["unit"], strict=True))
    v["gaps"] = _table(
        ["指标", "本县值", "标杆均值", "差距占比"],
        [
            [
                label.get(r.indicator, r.indicator),
                _value(r.value, unit_of.get(r.indicator, "")),
                _value(r.benchmark_value, unit_of.get(r.indicator, "")),
                _pct(r.gap_share),
            ]
            for r in d.gaps.itertuples()
            if _num(r.gap_share) > 0
        ],
    )
    v["recommendations"] = [
        {
            "rank": _int(r.rank),
            "text": r.text,
            "reason": r.reason,
            "cite": f"{r.author}《{r.title}》（文章 {r.source}）",
        }
        for r in d.recommendations.itertuples()
    ]
    v["rec_note"] = d.recommendation_note
    v["industry"] = _table(
        ["层级", "门类", "行业", "就业比重", "区位熵", "依据"],
        [
            [r.tier, r.industry, r.name, _pct(r.share), f"{_num(r.rca):.2f}", r.reason]
            for r in d.industry.itertuples()
        ],
    )
    v["monitoring"] = _table(
        list(MONITORING_HEADERS.values()),
        [
            [str(x) if isinstance(x, str) else "" for x in row]
            for row in d.monitoring.itertuples(index=False)
        ],
    )
    v["monitoring_summary"] = d.monitoring_summary
    v["robustness"] = robustness_text(d)
    v["robustness_sobol"] = _table(
        list(SOBOL_HEADERS.values()),
        [[r.label, f"{r.S1:.3f}", f"{r.ST:.3f}"] for r in d.robustness_sensitivity.itertuples()],
    )
    # province
    ps = d.province_scores
    v["province"] = _table(
        ["省内排名", "县级单位", "地市", "综合得分"],
        [
            [
                _int(r.province_rank),
                r.name,
                r.prefecture_name if isinstance(r.prefecture_name, str) else "",
                fmt_score(r.score),
            ]
            for r in ps.itertuples()
        ],
    )
    v["province_own"] = ps.index[ps["region_code"] == d.code].tolist()
    # appendix
    wt = d.indicators
    v["indicators"] = _table(
        ["维度", "指标", "单位", "方向", "本县值", "全省平均", "权重", "障碍度", "状态"],
        [
            [
                r.dimension,
                r.name,
                r.unit,
                "正向" if r.direction == "+" else "逆向",
                _value(r.value, str(r.unit)),
                _value(r.province_mean, str(r.unit)),
                fmt_score(r.weight),
                _pct(r.obstacle),
                r.status,
            ]
            for r in wt.itertuples()
        ],
    )
    v["formulas"] = method_appendix(d.methods)
    v["options"] = "；".join(
        f"{k} = {_option(val)}"
        for k, val in d.options.items()
        if val not in (None, False, [], (), {})
    )
    v["charts"] = _county_charts(d) if charts_on else {}
    return v


def robustness_text(d: CountyReportData) -> str:
    """The sentence of section 指数稳健性 (empty when the audit is unavailable)."""
    r = d.robustness
    if r is None:
        return ""
    return (
        f"在方法选择上做 {int(r['runs'])} 次蒙特卡洛运行（{int(r['units'])} 个县级单位），"
        f"本县基准排名 {int(r['rank'])}，排名中位数 {r['rank_median']:g}，"
        f"90% 区间 {r['rank_p05']:g}–{r['rank_p95']:g}。"
    )


def _county_charts(d: CountyReportData) -> dict[str, str]:
    out: dict[str, str] = {}
    if d.robustness is not None and len(d.robustness_intervals):
        out["robustness"] = charts.rank_interval_chart(d.robustness_intervals)
    if d.evaluated and not d.dimensions.empty:
        out["radar"] = charts.radar_chart(d.dimensions, d.name)
    if not d.shortfalls.empty and not d.top_obstacles.empty:
        out["obstacle"] = charts.obstacle_chart(d.shortfalls, d.top_obstacles)
    if d.evaluated and len(d.history) >= 2:
        out["history"] = charts.history_chart(d.history)
    if d.province_map is not None and len(d.province_map):
        out["map"] = charts.province_map(
            d.province_map, d.code, f"{d.province_name} {d.year} 年县域综合得分"
        )
    return out


def province_view(p: ProvinceReportData, *, charts_on: bool = True) -> dict[str, Any]:
    """Display strings and tables of the provincial summary."""
    v: dict[str, Any] = {
        "title": f"{p.province_name}{p.year} 年县域新质生产力汇总报告",
        "year": str(p.year),
        "evaluation": p.evaluation_name,
        "area": p.area,
        "generated": date.today().isoformat(),
        "sources": p.sources,
        "notes": p.notes,
        "n": str(len(p.ranking)),
        "n_excluded": str(len(p.excluded)),
    }
    has_type = "primary_type" in p.ranking.columns
    v["ranking"] = _table(
        ["省内排名", "全国排名", "县级单位", "区划代码", "地市", "综合得分", "主类型"],
        [
            [
                _int(r["province_rank"]),
                _int(r["rank"]),
                r["name"],
                r["region_code"],
                r["prefecture_name"] if isinstance(r["prefecture_name"], str) else "",
                fmt_score(r["score"]),
                (r["primary_type"] if isinstance(r["primary_type"], str) else "")
                if has_type
                else "",
            ]
            for _, r in p.ranking.iterrows()
        ],
    )
    cr = p.county_ranking
    v["county_ranking"] = _table(
        [
            "县域口径全国排名",
            "县域口径省内排名",
            "全部单位排名",
            "县级单位",
            "区划代码",
            "类别",
            "地市",
            "综合得分",
        ],
        [
            [
                _int(r["rank"]),
                _int(r["province_rank"]),
                _int(r["rank_all"]),
                r["name"],
                r["region_code"],
                r["region_kind"] if isinstance(r["region_kind"], str) else "",
                r["prefecture_name"] if isinstance(r["prefecture_name"], str) else "",
                fmt_score(r["score"]),
            ]
            for _, r in cr.iterrows()
        ]
        if len(cr)
        else [],
    )
    v["excluded"] = _table(
        ["县级单位", "区划代码", "缺失指标"],
        [[r.name, r.region_code, r.missing] for r in p.excluded.itertuples()],
    )
    if p.dagum is not None:
        o = p.dagum.overall.iloc[0]
        v["dagum"] = _table(
            ["总体基尼系数", "组内贡献率", "组间贡献率", "超变密度贡献率"],
            [[fmt_score(o["G"]), _pct(o["Gw_share"]), _pct(o["Gnb_share"]), _pct(o["Gt_share"])]],
        )
        w = p.dagum.within
        v["dagum_within"] = _table(
            ["地市", "县数", "平均得分", "组内基尼系数"],
            [[r.group, _int(r.n), fmt_score(r.mean), fmt_score(r.G_jj)] for r in w.itertuples()],
        )
    if p.theil is not None:
        o = p.theil.overall.iloc[0]
        rows = [
            ["泰尔 T", fmt_score(o["T"]), _pct(o["T_within_share"]), _pct(o["T_between_share"])]
        ]
        if "L" in o:
            rows.append(
                ["泰尔 L", fmt_score(o["L"]), _pct(o["L_within_share"]), _pct(o["L_between_share"])]
            )
        v["theil"] = _table(["指数", "数值", "组内贡献率", "组间贡献率"], rows)
    v["types"] = _table(
        ["主类型", "县数", "占比"],
        [[r.type, _int(r.n), _pct(r.share)] for r in p.type_distribution.itertuples()],
    )
    v["charts"] = (
        {"hist": charts.score_histogram(p.ranking["score"], f"{p.province_name}县域得分分布")}
        if charts_on and len(p.ranking)
        else {}
    )
    return v
