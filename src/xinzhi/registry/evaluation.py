"""Declaration of the evaluation itself (pipeline
:func:`xinzhi.pipelines.evaluation.evaluate_declared`, engine :mod:`xinzhi.evaluate`, formulas in
``docs/evaluate.md``).

A method option left unset (None) takes the indicator system's own option (its YAML
``options``), else the engine's default (:class:`xinzhi.evaluate.options.EvaluationOptions`).
The engine has more options (shift, combination ingredients, grey ρ, AHP judgements, …): the
system YAML and ``xinzhi evaluate`` set them today; they are declared here with issue #12.
"""

from __future__ import annotations

from xinzhi.registry.core import Analysis, Option, register
from xinzhi.registry.defaults import DEFAULT_SYSTEM

__all__ = ["EVALUATION"]

_SYSTEM_OPTION = "未设置时用指标体系自己的选项"

EVALUATION = Analysis(
    key="evaluation",
    family="evaluate",
    title="县域新质生产力综合评价",
    pipeline="xinzhi.pipelines.evaluation:evaluate_declared",
    options=(
        Option("system", "指标体系", str, DEFAULT_SYSTEM, help="内置体系名称或 YAML 文件路径"),
        Option("save_as", "保存为", str, None, help="保存到数据仓库的评价名称（不填则不保存）"),
        Option("years", "年份", str, None, help="单年（2020）或区间（2010-2020）；默认全部年份"),
        Option(
            "scope",
            "测度范围",
            str,
            None,
            choices=("pooled", "per-year"),
            choice_labels=("混合（全部年份一起）", "逐年"),
            help=_SYSTEM_OPTION,
        ),
        Option(
            "normalization",
            "标准化",
            str,
            None,
            choices=("minmax", "zscore", "vector"),
            choice_labels=("极差", "Z 分数", "向量"),
            help=_SYSTEM_OPTION,
        ),
        Option(
            "weights",
            "赋权",
            str,
            None,
            choices=(
                "entropy",
                "critic",
                "cv",
                "std",
                "equal",
                "combined",
                "expert",
                "pca",
                "corr-opt",
            ),
            choice_labels=(
                "熵权法",
                "CRITIC",
                "变异系数",
                "标准差",
                "等权",
                "组合（熵权与 CRITIC）",
                "专家权重",
                "主成分（PCA）",
                "相关性优化",
            ),
            help=_SYSTEM_OPTION + "；AHP 用 xinzhi evaluate --weights ahp:FILE",
        ),
        Option(
            "aggregate",
            "集结",
            str,
            None,
            choices=(
                "weighted-sum",
                "topsis",
                "grey",
                "geometric",
                "harmonic",
                "copeland",
                "vikor",
                "promethee",
            ),
            choice_labels=(
                "线性加权",
                "TOPSIS",
                "灰色关联",
                "几何加权",
                "调和加权",
                "Copeland（非补偿）",
                "VIKOR",
                "PROMETHEE II",
            ),
            help=_SYSTEM_OPTION,
        ),
        Option(
            "missing",
            "缺失值",
            str,
            None,
            choices=("error", "mean", "median", "group-mean", "iterative"),
            choice_labels=(
                "报错",
                "均值插补",
                "中位数插补",
                "组内（省份）均值插补",
                "迭代回归插补",
            ),
            help=_SYSTEM_OPTION,
        ),
    ),
    formula="weights:combined",
    reference_test="tests/evaluate/test_eval_green.py",
    doc="docs/evaluate.md",
    action="run_evaluation",
)

register(EVALUATION)
