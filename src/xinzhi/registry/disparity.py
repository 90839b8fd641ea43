"""Declarations of the disparity analyses on a stored evaluation (pipelines in
:mod:`xinzhi.pipelines.disparity`, analyses in :mod:`xinzhi.disparity`, formulas in
``docs/disparity.md``)."""

from __future__ import annotations

from pathlib import Path

from xinzhi.registry.core import Analysis, Option, register
from xinzhi.registry.methods import choice_option

__all__ = [
    "CONVERGENCE",
    "COORDINATES",
    "CUTOFF",
    "DAGUM",
    "ECONOMIC_VARIABLE",
    "EVALUATION",
    "GEARY",
    "INDICES",
    "KDE",
    "LISA",
    "MARKOV",
    "MORAN",
    "NEIGHBORS",
    "POWER",
    "SPATIAL_MARKOV",
    "STANDARDISE",
    "THEIL",
    "WEIGHTS",
    "WEIGHTS_FILE",
    "WEIGHT_OPTIONS",
]

_PIPE = "xinzhi.pipelines.disparity"
_REFS = "tests/disparity/test_disparity_pysal_refs.py"


def _declare(
    key: str,
    title: str,
    options: tuple[Option, ...],
    *,
    formula: str | None = None,
    reference_test: str = _REFS,
) -> Analysis:
    """A disparity analysis ``key``: pipeline function of the same name in
    :mod:`xinzhi.pipelines.disparity` (``-`` read as ``_``), formula ``disparity:<key>`` unless
    named, documented in ``docs/disparity.md``."""
    return Analysis(
        key=key,
        family="disparity",
        title=title,
        pipeline=f"{_PIPE}:{key.replace('-', '_')}",
        options=options,
        formula=formula or f"disparity:{key}",
        reference_test=reference_test,
        doc="docs/disparity.md",
    )


EVALUATION = Option(
    "evaluation", "评价结果", str, None, required=True, help="数据仓库中保存的评价结果名称"
)
"""The stored evaluation every analysis of this family reads."""

_YEAR_ALL = Option(
    "year", "年份", int, None, minimum=1900, maximum=2100, help="默认：每一年分别计算"
)
_YEAR_LATEST = Option("year", "年份", int, None, minimum=1900, maximum=2100, help="默认：最新一年")
_GROUP = choice_option("group", "分组", "province", {"province": "省份", "region": "四大区域"})
_HARMONISE = Option(
    "harmonise",
    "统一区划代码",
    bool,
    True,
    help="把区划代码统一到评价的最新一年：更名的县为同一单元，合并、拆分的县不纳入",
)
_K = Option("k", "状态数", int, 4, minimum=2, maximum=8, help="按分位数分成 k 个状态")
_PERMUTATIONS = Option("permutations", "置换次数", int, 999, minimum=0, maximum=9999)
_SEED = Option("seed", "随机种子", int, 0, minimum=0, maximum=2**31 - 1)

# Spatial weights (formulas and sources: xinzhi.disparity.spatial_weights, docs/disparity.md
# § 空间权重); built by xinzhi.pipelines.spatial.spatial_subset.
WEIGHTS = choice_option(
    "weights",
    "空间权重",
    "queen",
    {
        "queen": "Queen 邻接",
        "knn": "k 近邻",
        "inverse-distance": "反距离",
        "economic": "经济距离",
        "nested": "经济地理嵌套",
    },
    help="距离类权重用县级边界质心（命令行可用 --coordinates 给坐标表）；"
    "命令行另可用 --weights-file 给 n×n 权重矩阵",
)
NEIGHBORS = Option(
    "neighbors",
    "近邻数 k",
    int,
    6,
    minimum=1,
    maximum=100,
    help="weights=knn 时：每个单元取最近的 k 个单元（须小于单元数）",
)
POWER = Option(
    "power",
    "距离幂次",
    int,
    1,
    minimum=1,
    maximum=2,
    help="weights=inverse-distance 或 nested 时：w = 1/d^p，p 为 1 或 2",
)
CUTOFF = Option(
    "cutoff",
    "截断距离（公里）",
    float,
    None,
    minimum=0.001,
    maximum=20100.0,
    help="weights=inverse-distance 或 nested 时：距离超过它的单元权重为 0（须大于 0；默认不截断）",
)
ECONOMIC_VARIABLE = Option(
    "economic_variable",
    "经济距离变量",
    str,
    None,
    help="weights=economic 或 nested 时：按各年均值 ȳ 计算的变量（列名，如人均 GDP 或 dim:<维度>）；"
    "默认为分析的变量（得分）",
)
STANDARDISE = choice_option(
    "standardise", "权重标准化", "row", {"row": "行标准化", "none": "不标准化"}
)
COORDINATES = Option(
    "coordinates",
    "坐标表",
    Path,
    None,
    help="距离类权重的坐标：列 unit 与 lon、lat（经纬度）或 x、y（投影坐标，公里）；仅命令行",
)
WEIGHTS_FILE = Option(
    "weights_file",
    "权重矩阵文件",
    Path,
    None,
    help="n×n 权重矩阵（csv/xlsx，第一列或表头为区划代码，非负，对角线为 0）；给出则代替 weights；仅命令行",
)
WEIGHT_OPTIONS = (
    WEIGHTS,
    NEIGHBORS,
    POWER,
    CUTOFF,
    ECONOMIC_VARIABLE,
    STANDARDISE,
    COORDINATES,
    WEIGHTS_FILE,
)
"""The options of every analysis that takes spatial weights (one declaration for all)."""


DAGUM = _declare(
    "dagum",
    "Dagum 基尼系数分解",
    (EVALUATION, _GROUP, _YEAR_ALL),
    reference_test="tests/disparity/test_disparity_green.py",
)

THEIL = _declare(
    "theil",
    "泰尔指数及其分解",
    (
        EVALUATION,
        _GROUP,
        _YEAR_ALL,
        choice_option(
            "index",
            "指数",
            "both",
            {"both": "T 与 L", "T": "泰尔 T", "L": "泰尔 L（平均对数偏差）"},
        ),
    ),
)

INDICES = _declare(
    "indices",
    "基尼系数、变异系数、泰尔指数与极值比",
    (
        EVALUATION,
        _YEAR_ALL,
        Option("ddof", "标准差自由度修正", int, 1, minimum=0, maximum=1, help="1 = 样本标准差"),
    ),
    formula="disparity:theil",
)

KDE = _declare(
    "kde",
    "核密度估计",
    (
        EVALUATION,
        choice_option(
            "kernel",
            "核函数",
            "gaussian",
            {
                "gaussian": "高斯",
                "epanechnikov": "Epanechnikov",
                "epanechnikov_stata": "Epanechnikov（Stata）",
            },
        ),
        choice_option(
            "bandwidth",
            "带宽规则",
            "silverman",
            {"silverman": "Silverman 经验法则", "stata": "Stata 默认", "scott": "Scott"},
        ),
        Option("grid_size", "网格点数", int, 512, minimum=16, maximum=4096),
    ),
    reference_test="tests/disparity/test_kde_convergence.py",
)

MARKOV = _declare(
    "markov",
    "马尔可夫转移矩阵",
    (
        EVALUATION,
        _K,
        choice_option(
            "classification",
            "分位数",
            "pooled",
            {"pooled": "全样本混合分位数", "per-year": "逐年分位数"},
        ),
        _HARMONISE,
    ),
)

SPATIAL_MARKOV = _declare(
    "spatial-markov",
    "空间马尔可夫转移矩阵",
    (
        EVALUATION,
        _K,
        choice_option(
            "lag_cutoffs",
            "空间滞后分类",
            "same",
            {"same": "与变量同切点", "quantile": "空间滞后的分位数"},
        ),
        *WEIGHT_OPTIONS,
    ),
)

MORAN = _declare(
    "moran",
    "全局 Moran's I",
    (EVALUATION, _YEAR_LATEST, _PERMUTATIONS, _SEED, *WEIGHT_OPTIONS),
)

GEARY = _declare(
    "geary",
    "全局 Geary's C",
    (EVALUATION, _YEAR_LATEST, _PERMUTATIONS, _SEED, *WEIGHT_OPTIONS),
)

LISA = _declare(
    "lisa",
    "局部 Moran（LISA）",
    (
        EVALUATION,
        _YEAR_LATEST,
        _PERMUTATIONS,
        _SEED,
        Option("alpha", "显著性水平", float, 0.05, minimum=0.001, maximum=0.5),
        choice_option(
            "inference", "置换方式", "conditional", {"conditional": "条件置换", "total": "总体置换"}
        ),
        *WEIGHT_OPTIONS,
    ),
)

CONVERGENCE = _declare(
    "convergence",
    "σ 收敛与 β 收敛",
    (
        EVALUATION,
        choice_option(
            "kind",
            "β 收敛形式",
            "cross-section",
            {"cross-section": "截面（全期增长）", "panel": "面板（逐期增长）"},
        ),
        choice_option(
            "measure",
            "σ 收敛度量",
            "cv",
            {"cv": "变异系数", "std_log": "对数标准差", "std": "标准差"},
        ),
        choice_option(
            "fixed_effects",
            "固定效应",
            "none",
            {"none": "无", "unit": "个体", "two-way": "双向"},
            help="只用于面板形式",
        ),
        Option(
            "cov_type",
            "标准误",
            str,
            "HC1",
            choices=("HC0", "HC1", "HC3", "cluster", "nonrobust"),
        ),
        _HARMONISE,
        choice_option(
            "spatial",
            "空间 β 收敛",
            "none",
            {"none": "非空间", "slx": "加入初始水平的空间滞后（SLX）"},
            help="slx：增长率对 ln y0 与 W·ln y0 回归，W 由空间权重选项给出",
        ),
        *WEIGHT_OPTIONS,
    ),
    reference_test="tests/disparity/test_kde_convergence.py",
)

register(DAGUM, THEIL, INDICES, KDE, MARKOV, SPATIAL_MARKOV, MORAN, GEARY, LISA, CONVERGENCE)
