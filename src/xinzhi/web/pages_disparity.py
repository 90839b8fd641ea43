"""Page 区域差异: Dagum decomposition over the years, kernel densities per year, the Moran
scatter with the LISA map, and the Markov transition matrix — all of a stored evaluation.

Every number comes from the pipelines of the declared analyses (:mod:`xinzhi.registry.disparity`,
:mod:`xinzhi.pipelines.disparity`) with the declared defaults — the same as the CLI and the REST
API; the page only draws them. Its controls are derived from the declarations.
"""

from __future__ import annotations

import asyncio
from typing import Any
from urllib.parse import urlencode

import numpy as np
import pandas as pd
from fastapi import Request
from nicegui import ui

from xinzhi import auth
from xinzhi.errors import XinzhiError
from xinzhi.registry import disparity as decl
from xinzhi.web._charts import LISA_COLORS, category_map, drawn_once
from xinzhi.web._controls import choice_select, page_option, run_analysis
from xinzhi.web._data import evaluation_year, label_of, scores_of
from xinzhi.web._frame import guarded, table_of

__all__ = ["default_analyses", "register", "warm_defaults"]


def _spatial(name: str, year: int, weights: str, standardise: str) -> tuple[Any, Any]:
    """(global Moran, LISA) of one year with the chosen spatial weights (the declared choices;
    their other options take the declared defaults)."""
    return (
        run_analysis(
            decl.MORAN, evaluation=name, year=year, weights=weights, standardise=standardise
        ),
        run_analysis(
            decl.LISA, evaluation=name, year=year, weights=weights, standardise=standardise
        ),
    )


def default_analyses(name: str) -> list[tuple[Any, dict[str, Any]]]:
    """(declaration, options) of every analysis the page runs when opened without a query
    string: the options :func:`register`'s page passes, each at its declared default, Moran
    and LISA for the evaluation's latest year."""
    years = sorted(int(y) for y in scores_of(name)["year"].unique())
    spatial = {
        "evaluation": name,
        "year": years[-1],
        "weights": page_option(decl.WEIGHTS, ""),
        "standardise": page_option(decl.STANDARDISE, ""),
    }
    return [
        (decl.DAGUM, {"evaluation": name, "group": page_option(decl.DAGUM.option("group"), "")}),
        (decl.KDE, {"evaluation": name}),
        (decl.MORAN, spatial),
        (decl.LISA, spatial),
        (
            decl.MARKOV,
            {
                "evaluation": name,
                "classification": page_option(decl.MARKOV.option("classification"), ""),
            },
        ),
        (decl.CONVERGENCE, {"evaluation": name}),
    ]


def warm_defaults(name: str) -> None:
    """Run :func:`default_analyses` through :func:`run_analysis` so that their results wait in
    its cache (keyed by the evaluation's stamp: a re-saved evaluation is computed afresh).

    Called by the start-up thread (:func:`xinzhi.web._warm_start`); the page does not wait
    for it — a section whose result is not cached yet computes it as before. An analysis that
    fails (e.g. too few years for the Markov chain) is skipped: the page shows its message.
    """
    for analysis, options in default_analyses(name):
        try:
            run_analysis(analysis, **options)
        except XinzhiError:
            continue


def _chart(options: dict[str, Any]) -> ui.echart:
    """An SVG chart drawn once (the page builds its charts after it was sent: without
    :func:`~xinzhi.web._charts.drawn_once` each would be drawn twice)."""
    return drawn_once(ui.echart(options, renderer="svg"))


_WEIGHTS_TEXT = {
    "queen": "县级 queen 邻接（共享边界点即相邻）",
    "knn": f"k 近邻（县级边界质心的球面距离，k = {decl.NEIGHBORS.default}）",
    "inverse-distance": f"反距离（县级边界质心的球面距离，幂次 {decl.POWER.default}）",
    "economic": "经济距离 1/|ȳi − ȳj|（ȳ 为各年得分均值）",
    "nested": "经济地理嵌套 W_d·diag(ȳj/ȳ)（林光平等 2005）",
}
"""How the page names each choice of spatial weights (formulas: docs/disparity.md §7)."""


def _dagum_section(name: str, group: str) -> None:
    ui.label("Dagum 基尼系数分解").classes("text-lg font-bold mt-2")
    try:
        res = run_analysis(decl.DAGUM, evaluation=name, group=group)
    except XinzhiError as exc:
        ui.label(str(exc)).classes("text-negative")
        return
    t = res.tidy().rename(columns={"by": "year"})
    ui.label(
        "Dagum 基尼系数分解（Dagum 1997）：总体 G = 组内 Gw + 组间净 Gnb + 超变密度 Gt"
    ).classes("text-sm")
    _chart(
        {
            "tooltip": {"trigger": "axis"},
            "legend": {"bottom": 0},
            "xAxis": {"type": "category", "data": [str(y) for y in t["year"]]},
            "yAxis": {"type": "value"},
            "series": [
                {"type": "line", "name": lab, "data": [round(float(v), 4) for v in t[c]]}
                for c, lab in (("G", "总体"), ("Gw", "组内"), ("Gnb", "组间"), ("Gt", "超变密度"))
            ],
        },
    ).classes("w-full h-72").props('data-testid="dagum-chart"')
    table_of(
        t,
        {
            "year": "年份",
            "G": "总体基尼",
            "Gw": "组内",
            "Gnb": "组间净差",
            "Gt": "超变密度",
            "Gw_share": "组内贡献率",
            "Gnb_share": "组间贡献率",
            "Gt_share": "超变贡献率",
        },
        pagination=None,
    )


def _kde_section(name: str) -> None:
    ui.label("核密度估计（各年份综合得分分布）").classes("text-lg font-bold mt-4")
    try:
        res = run_analysis(decl.KDE, evaluation=name)
    except XinzhiError as exc:
        ui.label(str(exc)).classes("text-negative")
        return
    g = res.grid
    series = [
        {
            "type": "line",
            "name": str(by),
            "showSymbol": False,
            "animation": False,
            "data": [
                [round(float(x), 5), round(float(d), 5)]
                for x, d in zip(p["x"], p["density"], strict=True)
            ],
        }
        for by, p in g.groupby("by", sort=True)
    ]
    _chart(
        {
            "tooltip": {"trigger": "axis"},
            "legend": {"bottom": 0},
            "grid": {"bottom": 70},
            "xAxis": {"type": "value", "name": "综合得分", "nameLocation": "middle", "nameGap": 28},
            "yAxis": {"type": "value", "name": "密度", "axisLine": {"onZero": False}},
            "series": series,
        },
    ).classes("w-full h-72").props(f'data-testid="kde-chart" data-series="{len(series)}"')
    opts = res.options
    ui.label(
        f"核函数：{decl.KDE.option('kernel').choice_label(str(opts.get('kernel', '')))}，"
        f"带宽规则：{decl.KDE.option('bandwidth').choice_label(str(opts.get('bandwidth', '')))}，"
        f"网格 {opts.get('grid_size', '')} 点；峰 = 密度不低于最高点 {opts.get('peak_threshold', 0):.0%} 的局部极大值。"
    ).classes("text-xs text-gray-500")
    table_of(
        res.stats,
        {
            "by": "年份",
            "n": "县数",
            "mean": "均值",
            "std": "标准差",
            "skewness": "偏度",
            "kurtosis": "峰度",
            "bandwidth": "带宽",
            "n_peaks": "峰数",
            "main_peak_x": "主峰位置",
        },
        pagination=None,
    ).props('data-testid="kde-stats"')


async def _spatial_section(name: str, year: int, years: list[int], base: dict[str, Any]) -> None:
    ui.label("空间自相关：Moran 散点图与 LISA 集聚图").classes("text-lg font-bold mt-4")
    weights, standardise = base["weights"], base["standardise"]

    def go(key: str) -> Any:
        return lambda v: ui.navigate.to("/disparity?" + urlencode({**base, key: v}))

    with ui.row().classes("gap-4"):
        ui.select(
            years,
            value=year,
            label="年份",
            on_change=lambda e: go("year")(e.value),
        ).classes("w-28")
        choice_select(decl.WEIGHTS, weights, go("weights")).classes("w-40")
        choice_select(decl.STANDARDISE, standardise, go("standardise")).classes("w-32")
    try:
        glob, lisa = await asyncio.to_thread(_spatial, name, year, weights, standardise)
    except XinzhiError as exc:
        ui.label(str(exc)).classes("text-negative")
        return
    g = glob.table.iloc[0]
    ui.label(
        f"{year} 年全局 Moran's I = {float(g['I']):.4f}（E[I] = {float(g['EI']):.4f}，"
        f"正态近似 z = {float(g['z_norm']):.2f}，置换伪 p 值 = {float(g['p_sim']):.4f}，"
        f"{glob.options['permutations']} 次置换，种子 {glob.options['seed']}），{int(g['n'])} 个县级单位；"
        f"{_WEIGHTS_TEXT.get(weights, weights)}，{decl.STANDARDISE.choice_label(standardise)}。"
    ).props('data-testid="moran-global"')
    notes = [n for n in glob.notes if "边界多边形" not in n and not n.startswith("空间权重：")]
    dropped = glob.options["left_out"]
    if dropped:
        notes.append(
            f"{len(dropped)} 个单元不可比或没有边界多边形（此后撤并、拆分的县区，如 "
            f"{'、'.join(dropped[:5])}），已从空间分析中剔除；更名的县已按边界的代码计入。"
        )
    for n in notes:
        ui.label(f"注：{n}").classes("text-xs text-gray-500")
    t = lisa.table
    with ui.row().classes("w-full no-wrap gap-4"):
        with ui.column().classes("w-1/2"):
            slope = float(g["I"])
            lo, hi = float(t["z"].min()), float(t["z"].max())
            series: list[dict[str, Any]] = [
                {
                    "type": "scatter",
                    "name": lab,
                    "symbolSize": 4,
                    "animation": False,
                    "itemStyle": {"color": col if lab != "不显著" else "#9ca3af"},
                    "data": [
                        {"value": [round(float(z), 4), round(float(w), 4)], "name": str(nm)}
                        for z, w, nm in zip(p["z"], p["lag_z"], p["name"], strict=True)
                    ],
                }
                for lab, col in LISA_COLORS.items()
                if not (p := t[t["label"] == lab]).empty
            ]
            series.append(
                {
                    "type": "line",
                    "name": f"斜率 = Moran's I（{slope:.3f}）",
                    "showSymbol": False,
                    "animation": False,
                    "data": [[lo, slope * lo], [hi, slope * hi]],
                    "lineStyle": {"color": "#111827"},
                }
            )
            _chart(
                {
                    "tooltip": {
                        "trigger": "item",
                        ":formatter": "p => `${p.name}<br/>z=${p.value[0]}，Wz=${p.value[1]}`",
                    },
                    "legend": {"bottom": 0},
                    "grid": {"bottom": 70},
                    "xAxis": {"type": "value", "name": "标准化得分 z", "scale": True},
                    "yAxis": {
                        "type": "value",
                        "name": "空间滞后 Wz",
                        "scale": True,
                        "axisLine": {"onZero": False},
                    },
                    "series": series,
                },
            ).classes("w-full h-[560px]").props(
                f'data-testid="moran-scatter" data-points="{len(t)}"'
            )
        with ui.column().classes("w-1/2"):
            await category_map(
                t,
                year,
                category="label",
                colors=LISA_COLORS,
                title="LISA",
                testid="lisa-map",
            )
    counts = t["label"].value_counts().reindex(list(LISA_COLORS), fill_value=0)
    ui.label(
        f"LISA（Anselin 1995，{decl.LISA.option('inference').choice_label(lisa.options['inference'])}，"
        f"显著性水平 {lisa.options['alpha']}）："
        + "，".join(f"{k} {int(v)} 个" for k, v in counts.items())
    ).classes("text-sm").props('data-testid="lisa-counts"')


def _markov_section(name: str, classification: str, base: dict[str, Any]) -> None:
    ui.label("马尔可夫转移矩阵").classes("text-lg font-bold mt-4")
    choice_select(
        decl.MARKOV.option("classification"),
        classification,
        lambda v: ui.navigate.to("/disparity?" + urlencode({**base, "classes": v})),
    ).classes("w-64")
    try:
        res = run_analysis(decl.MARKOV, evaluation=name, classification=classification)
    except XinzhiError as exc:
        ui.label(str(exc)).classes("text-negative")
        return
    years = res.options["years"]
    k = res.options["k"]
    transitions = len(years) - 1
    span = f"{years[0]}→{years[-1]}" if years else ""
    honest = (
        f"只有 {'、'.join(str(y) for y in years)} 两期，矩阵只含一次转移（{span}，间隔 "
        f"{years[-1] - years[0]} 年）：每行是十年间的转移比例，不是年度转移概率；稳态分布"
        "由这一次转移推出，只作参考。"
        if transitions == 1
        else f"{len(years)} 期，{transitions} 次相邻期转移（{span}）。"
    )
    ui.label(honest).classes("text-sm text-warning").props('data-testid="markov-note"')
    ui.label(
        f"参与单元：每期都有的 {res.options['units']} 个县级单位（代码统一到 "
        f"{res.options['harmonised_to']} 年，更名的县算同一单元）；"
        + "；".join(str(n) for n in res.notes)
        + f"。状态：{k} 类（{'全样本' if classification == 'pooled' else '按年'}分位数）"
        + (
            "；全样本分位数下的向上转移多反映整体得分提高，相对位次的变化请看按年分位数。"
            if classification == "pooled"
            else "；按年分位数反映相对位次的变化。"
        )
    ).classes("text-xs text-gray-500")
    probs = res.probabilities
    counts = res.counts
    rows = pd.DataFrame(
        {
            "from": probs.index.astype(str),
            "n": counts.sum(axis=1).to_numpy(),
            **{str(c): probs[c].to_numpy() for c in probs.columns},
        }
    )
    labels = {"from": "期初状态 \\ 期末状态", "n": "县数"} | {str(c): str(c) for c in probs.columns}
    table_of(rows, labels, pagination=None).props('data-testid="markov-table"')
    ss = res.steady_state
    if not ss.empty:
        ui.label(
            "稳态分布（参考）：" + "，".join(f"{c} {float(v):.3f}" for c, v in ss.iloc[0].items())
        ).classes("text-xs text-gray-500")


def _convergence_section(name: str) -> None:
    """σ convergence (coefficient of variation by year) and absolute β convergence (growth of
    the score between the first and the last year on its log level) of the counties observed
    in every year, codes harmonised as for the Markov chain."""
    ui.label("收敛分析：σ 收敛与绝对 β 收敛").classes("text-lg font-bold mt-4")
    try:
        res = run_analysis(decl.CONVERGENCE, evaluation=name)
    except XinzhiError as exc:
        ui.label(str(exc)).classes("text-negative")
        return
    sigma, beta = res.sigma, res.beta
    table_of(
        sigma.table, {"by": "年份", "n": "县数", "sigma": "变异系数 σ"}, pagination=None
    ).props('data-testid="sigma-table"')
    st = beta.stats.set_index("statistic")["value"]
    p_beta = float(beta.coefficients.set_index("term").loc["ln_y0", "p"])
    half = float(st["half_life"])
    ui.label(
        f"β = {float(st['beta']):.4f}（p = {p_beta:.4f}，{int(st['n'])} 个县，R² = "
        f"{float(st['r2']):.3f}）；收敛速度 {float(st['speed']):.4f}/年，半衰期 "
        + (f"{half:.1f} 年" if np.isfinite(half) else "∞（不收敛）")
    ).props('data-testid="beta-result"')
    ui.label(
        "σ 收敛：各年得分的变异系数下降说明县域差距缩小；β 收敛：以期初得分（对数）解释年均增长率，"
        "β < 0 说明起点低的县增长更快（Barro & Sala-i-Martin 1992，稳健标准误 HC1）。"
        + ("".join(f"注：{n}" for n in beta.notes))
    ).classes("text-xs text-gray-500")


def register() -> None:
    """Define the page."""

    @ui.page("/disparity", title="区域差异 · 新质 县域新质生产力")
    @guarded()
    async def disparity_page(
        request: Request,
        session: auth.Session,
        eval: str = "",
        group: str = "",
        year: int = 0,
        classes: str = "",
        weights: str = "",
        standardise: str = "",
    ) -> None:
        head = evaluation_year(eval, year)
        if head is None:
            ui.label("数据仓库中还没有评价结果。")
            return
        name, _scores, years, y = head
        group = page_option(decl.DAGUM.option("group"), group)
        classes = page_option(decl.MARKOV.option("classification"), classes)
        base = {
            "eval": name,
            "group": group,
            "year": y,
            "classes": classes,
            "weights": page_option(decl.WEIGHTS, weights),
            "standardise": page_option(decl.STANDARDISE, standardise),
        }
        ui.label(f"区域差异：{label_of(name)}").classes("text-xl font-bold")
        choice_select(
            decl.DAGUM.option("group"),
            group,
            lambda v: ui.navigate.to("/disparity?" + urlencode({**base, "group": v})),
        ).classes("w-40")
        await ui.context.client.connected()  # deliver the page first; the analyses take seconds
        _dagum_section(name, group)
        _kde_section(name)
        await _spatial_section(name, y, years, base)
        _markov_section(name, classes, base)
        _convergence_section(name)
