"""Declaration of the statistical audit of an index (pipeline
:func:`xinzhi.pipelines.audit.audit_declared`, analysis :mod:`xinzhi.evaluate.audit`, formulas
and sources in ``docs/audit.md``).

The audit reads the warehouse's county statistics of one year. With ``evaluation`` it audits a
stored evaluation: its indicator system as used, its method options (the options given here
override them) and the counties it scored in that year; without, the indicator system
``system`` over every county with at least 65 % of the indicators. The Monte Carlo sample
``n`` is bounded (at most 2,000 base samples, N·(k + 2) runs) so that a request of the REST
API or the web stays within seconds; ``xinzhi audit`` (the CLI of its own) has no bound.
County statistics are public aggregates: scope ``public``.
"""

from __future__ import annotations

from xinzhi.registry.core import Analysis, Option, register
from xinzhi.registry.defaults import DEFAULT_SYSTEM
from xinzhi.registry.methods import AGGREGATIONS, NORMALIZATIONS, WEIGHTINGS, choice_option

__all__ = ["AUDIT", "N_MAX"]

N_MAX = 2000
"""Largest Monte Carlo base sample a declared run accepts (the web and the REST API)."""

_OWN = "不填：已存评价的选项，或指标体系自己的选项"

AUDIT = Analysis(
    key="audit",
    family="evaluate",
    title="指数统计审计（稳健性：排名区间与 Sobol 敏感性）",
    pipeline="xinzhi.pipelines.audit:audit_declared",
    options=(
        Option(
            "evaluation",
            "已存评价",
            str,
            None,
            help="审计数据仓库中保存的这一评价（其指标体系、方法选项与参评县）；不填则审计 system",
        ),
        Option(
            "system", "指标体系", str, DEFAULT_SYSTEM, help="内置名称或 YAML 路径（无已存评价时）"
        ),
        Option("year", "年份", int, None, minimum=1900, maximum=2100, help="默认：最新一年"),
        choice_option("normalization", "基准标准化", None, NORMALIZATIONS, help=_OWN),
        choice_option(
            "weights",
            "基准赋权",
            None,
            WEIGHTINGS,
            help=_OWN,
            only=("entropy", "critic", "cv", "std", "equal", "combined", "pca", "corr-opt"),
        ),
        choice_option(
            "aggregate",
            "基准集结",
            None,
            AGGREGATIONS,
            help=_OWN,
            only=("weighted-sum", "topsis", "grey", "geometric", "harmonic"),
        ),
        Option(
            "n",
            "蒙特卡洛样本数 N",
            int,
            1000,
            minimum=2,
            maximum=N_MAX,
            help="共 N·(k+2) 次运行（k 为可变的方法选择数）",
        ),
        Option(
            "pct", "权重扰动幅度 p", float, 0.25, minimum=0.0, maximum=0.99, help="w·U(1−p, 1+p)"
        ),
        Option(
            "normalizations",
            "参与的标准化方法",
            str,
            "minmax,zscore,vector",
            help="逗号分隔：minmax、zscore、vector",
        ),
        Option(
            "weightings",
            "参与的赋权方法",
            str,
            "entropy,critic,equal",
            help="逗号分隔：entropy、critic、equal、cv、std",
        ),
        Option(
            "aggregations",
            "参与的集结方法",
            str,
            "weighted-sum,topsis",
            help="逗号分隔：weighted-sum、topsis、grey、geometric、harmonic、vikor、promethee",
        ),
        Option(
            "imputations",
            "参与的插补方法",
            str,
            None,
            help="逗号分隔：mean、median；不填：有缺失时两者都参与",
        ),
        Option("seed", "随机种子", int, 0, minimum=0, maximum=2**31 - 1),
        Option("uncertainty", "不确定性与敏感性分析", bool, True, help="否：只做统计部分"),
    ),
    formula="audit:uncertainty",
    reference_test="tests/evaluate/test_audit.py",
    doc="docs/audit.md",
)

register(AUDIT)
