"""Declaration of the evaluation itself (pipeline
:func:`xinzhi.pipelines.evaluation.evaluate_declared`, engine :mod:`xinzhi.evaluate`, formulas in
``docs/evaluate.md``).

A method option left unset (None) takes the indicator system's own option (its YAML
``options``), else the engine's default (:class:`xinzhi.evaluate.options.EvaluationOptions`).
Every method option of the system YAML is declared here (issue #12), so each has a CLI flag
(``xinzhi evaluate --entropy-k nonzero``), an API parameter and a web control, and a given
option overrides the YAML. Only ``expert_weights`` (a mapping) and the AHP judgements (a file)
stay in the YAML / ``--weights ahp:FILE``.
"""

from __future__ import annotations

from xinzhi.registry.core import Analysis, Option, register
from xinzhi.registry.defaults import DEFAULT_SYSTEM
from xinzhi.registry.methods import AGGREGATIONS, NORMALIZATIONS, WEIGHTINGS, choice_option

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
            "area",
            "评价范围",
            str,
            None,
            help="省或地级市（名称或代码，如 湖南省、湘潭市），或逗号分隔的县区；不填为全国。"
            "可选指标按范围内的覆盖率纳入",
        ),
        choice_option(
            "scope",
            "测度范围",
            None,
            {"pooled": "混合（全部年份一起）", "per-year": "逐年"},
            help=_SYSTEM_OPTION,
        ),
        choice_option("normalization", "标准化", None, NORMALIZATIONS, help=_SYSTEM_OPTION),
        choice_option(
            "weights",
            "赋权",
            None,
            WEIGHTINGS,
            help=_SYSTEM_OPTION + "；AHP 用 xinzhi evaluate --weights ahp:FILE",
        ),
        choice_option("aggregate", "集结", None, AGGREGATIONS, help=_SYSTEM_OPTION),
        choice_option(
            "missing",
            "缺失值",
            None,
            {
                "error": "报错",
                "mean": "均值插补",
                "median": "中位数插补",
                "group-mean": "组内（省份）均值插补",
                "iterative": "迭代回归插补",
            },
            help=_SYSTEM_OPTION,
        ),
        # -- conventions of issue #12 (docs/evaluate.md §3.1, §4.1, §6.1)
        choice_option(
            "weight_scope",
            "赋权范围",
            None,
            {
                "pooled": "混合（全部年份一组权重）",
                "year": "逐年赋权（每年单独标准化、赋权、计分）",
            },
            help=_SYSTEM_OPTION,
        ),
        choice_option(
            "entropy_k",
            "熵值常数 k",
            None,
            {"n": "k = 1/ln n（样本数）", "nonzero": "k = 1/ln（非零比重个数）"},
            help=_SYSTEM_OPTION,
        ),
        Option("shift", "标准化平移", float, None, minimum=0, help="每个标准化值加上的常数"),
        Option(
            "entropy_shift",
            "熵权平移",
            float,
            None,
            minimum=0,
            help="仅在熵权法中给标准化值加上的常数；不设则 0·ln0 记为 0",
        ),
        Option(
            "rescale",
            "标准化区间",
            str,
            None,
            help="极差标准化值映射到区间 a,b（如 0.002,0.998）：z' = a + (b − a)·z",
        ),
        choice_option(
            "score_basis",
            "计分基础",
            None,
            {"normalised": "标准化值 z_ij", "proportion": "熵权比重 p_ij"},
            help=_SYSTEM_OPTION + "；proportion 只用于线性加权",
        ),
        Option("hierarchical", "分层集成", bool, None, help="总分 = Σ 维度权重 × 维度得分"),
        choice_option(
            "dimension_weights",
            "维度权重",
            None,
            {
                "sum": "维度内指标权重之和",
                "entropy": "二次熵权（两阶段）",
                "critic": "CRITIC（两阶段）",
            },
            help=_SYSTEM_OPTION + "；entropy / critic 即两阶段（分层）熵权法",
        ),
        choice_option(
            "dimension_scope",
            "维度得分再标准化",
            None,
            {"pooled": "混合", "year": "逐年"},
            help="两阶段方法中维度得分的再标准化范围",
        ),
        choice_option(
            "combination",
            "组合规则",
            None,
            {"mean": "算术平均", "multiplicative": "乘法合成", "game": "博弈论"},
            help=_SYSTEM_OPTION + "（weights=combined）",
        ),
        Option(
            "ingredients",
            "组合赋权方法",
            str,
            None,
            help="weights=combined 时组合的方法，逗号分隔，如 entropy,critic",
        ),
        Option("grey_rho", "灰色关联分辨系数 ρ", float, None, minimum=0.001, maximum=1),
        choice_option(
            "ahp_ri",
            "AHP 随机一致性指标",
            None,
            {"saaty": "Saaty", "alonso-lamata": "Alonso–Lamata"},
        ),
        Option("ahp_max_cr", "AHP 一致性比率上限", float, None, minimum=0, maximum=1),
        Option("ahp_allow_inconsistent", "允许 AHP 不一致", bool, None),
        # -- options of issue #12 parts 5 and 9 (VIKOR, PROMETHEE II, imputation, screening)
        Option("vikor_v", "VIKOR 策略系数 v", float, None, minimum=0, maximum=1),
        choice_option(
            "promethee_function",
            "PROMETHEE 偏好函数",
            None,
            {
                "usual": "通常型",
                "ushape": "U 型",
                "vshape": "V 型",
                "level": "阶梯型",
                "linear": "线性型",
            },
        ),
        Option("promethee_q", "PROMETHEE 无差异阈值 q", float, None, minimum=0),
        Option("promethee_p", "PROMETHEE 严格偏好阈值 p", float, None, minimum=0),
        Option(
            "impute_group",
            "插补分组",
            str,
            None,
            help="missing=group-mean 的分组：province（代码前两位）或输入表的列名",
        ),
        Option(
            "min_coverage",
            "最低数据覆盖率",
            float,
            None,
            minimum=0,
            maximum=1,
            help="指标覆盖率低于此比例的单元不参与评价并列出",
        ),
    ),
    formula="weights:combined",
    reference_test="tests/evaluate/test_eval_green.py",
    doc="docs/evaluate.md",
    action="run_evaluation",
)

register(EVALUATION)
