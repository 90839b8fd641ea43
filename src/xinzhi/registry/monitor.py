"""Declarations of the monitoring analyses (监测预警; pipelines in :mod:`xinzhi.pipelines.monitor`,
analyses in :mod:`xinzhi.monitor`, conventions, formulas and sources in ``docs/monitor.md``).

Every one reads the county observations of the warehouse (an indicator system's indicators, or
a list of codes), codes carried to the panel's last year; ``method="target"`` also reads the
yearly targets (``xinzhi monitor targets-import``, or typed in on the web page).

Access (``scope``, :mod:`xinzhi.auth.policy`, ``docs/server.md``): a county's yearly targets are
its own data (typed in by its own account, ``Action.UPLOAD``), so an analysis that may read them —
the signals and the digest (``method="target"``) — is scope ``county``: a county account runs it
for its own county only (``county=`` its code; without a county, only admin and analyst). The scope
is declared per analysis, not per option, so the history-based signals follow the same rule; that
is also the rule of the monitoring page and ``/api/monitor/*`` (a county account sees its own
row). The trend tests read the observations only (public aggregates): scope ``public``.
"""

from __future__ import annotations

from xinzhi.registry.core import Analysis, Option, register

__all__ = ["DIGEST", "SIGNALS", "TRENDS"]

_METHOD = Option(
    "method",
    "信号阈值",
    str,
    "sigma",
    choices=("sigma", "quantile", "target"),
    choice_labels=("历史均值 ± kσ", "历史分位数（10/25/75/90%）", "年度目标"),
)
_SIGNAL_BASIS = Option(
    "basis",
    "监测口径",
    str,
    "growth",
    choices=("growth", "level"),
    choice_labels=("同比增速", "水平值"),
    help="历史阈值按增速或水平值计算；年度目标始终比较水平值",
)
_SYSTEM = Option(
    "system", "指标体系", str, None, help="内置名称或 YAML 路径；默认 nqpf-county（指定指标时忽略）"
)
_INDICATORS = Option(
    "indicators", "监测指标", str, None, help="指标编码或名称，逗号分隔；不填则用指标体系的全部指标"
)
_EVALUATION = Option(
    "evaluation",
    "评价结果",
    str,
    None,
    help="数据仓库中保存的评价结果名称：监测其综合得分与维度得分（而非指标观测值）",
)
_COUNTY = Option("county", "县级单位", str, None, help="名称或 6 位区划代码；不填则为全部县")
_K1 = Option("k1", "黄/浅蓝界（σ 倍数）", float, 1.0, minimum=0.1, maximum=5.0)
_K2 = Option("k2", "红/蓝界（σ 倍数）", float, 2.0, minimum=0.2, maximum=10.0)
_WINDOW = Option("window", "历史窗口（年）", int, 5, minimum=2, maximum=30)
_ALPHA = Option("alpha", "显著性水平", float, 0.05, minimum=0.001, maximum=0.5)

SIGNALS = Analysis(
    key="monitor-signals",
    family="monitor",
    title="五色信号与综合预警指数",
    pipeline="xinzhi.pipelines.monitor:monitor_signals",
    options=(
        _METHOD,
        _SIGNAL_BASIS,
        _SYSTEM,
        _INDICATORS,
        _EVALUATION,
        _COUNTY,
        _K1,
        _K2,
        _WINDOW,
        Option("min_history", "最少历史年数", int, 3, minimum=2, maximum=30),
    ),
    formula="monitor:signals",
    scope="county",
    reference_test="tests/monitor/test_signals.py",
    doc="docs/monitor.md",
)

TRENDS = Analysis(
    key="monitor-trend",
    family="monitor",
    title="趋势检验（Mann–Kendall、Sen 斜率）与变点",
    pipeline="xinzhi.pipelines.monitor:monitor_trends",
    options=(
        Option(
            "basis",
            "检验口径",
            str,
            "level",
            choices=("level", "growth"),
            choice_labels=("水平值", "同比增速"),
        ),
        _SYSTEM,
        _INDICATORS,
        _EVALUATION,
        _COUNTY,
        _ALPHA,
        Option("changepoints", "检测变点", bool, True, help="ruptures PELT（最小二乘代价）"),
        Option("min_length", "变点检测的最短序列（年）", int, 10, minimum=6, maximum=100),
        Option(
            "penalty",
            "变点惩罚系数 β",
            float,
            2.0,
            minimum=0.1,
            maximum=100.0,
            help="每个变点的惩罚 β·σ̂²·ln n",
        ),
    ),
    formula="monitor:trend",
    reference_test="tests/monitor/test_trend.py",
    doc="docs/monitor.md",
)

DIGEST = Analysis(
    key="monitor-digest",
    family="monitor",
    title="县域监测简报（新亮红灯、蓝灯，好转与恶化）",
    pipeline="xinzhi.pipelines.monitor:monitor_digest",
    options=(
        Option("county", "县级单位", str, None, required=True, help="名称或 6 位区划代码"),
        Option(
            "year", "年份", int, None, minimum=1981, maximum=2100, help="默认：有信号的最新一年"
        ),
        _METHOD,
        _SIGNAL_BASIS,
        _SYSTEM,
        _INDICATORS,
        _EVALUATION,
        _K1,
        _K2,
        _WINDOW,
        _ALPHA,
    ),
    formula="monitor:digest",
    scope="county",
    reference_test="tests/monitor/test_digest.py",
    doc="docs/monitor.md",
)

register(SIGNALS, TRENDS, DIGEST)
