"""Declarations of the county typology (pipeline :func:`xinzhi.pipelines.typology.county_types`,
rules in :mod:`xinzhi.typology`, documentation ``docs/typology.md``)."""

from __future__ import annotations

from xinzhi.registry.core import Analysis, Option, register
from xinzhi.registry.defaults import DEFAULT_EVALUATION

__all__ = ["PEERS", "RANKING", "TYPOLOGY"]

TYPOLOGY = Analysis(
    key="typology",
    family="typology",
    title="县域类型（分类施策）",
    pipeline="xinzhi.pipelines.typology:county_types",
    options=(
        Option(
            "year", "年份", int, 2020, minimum=2010, maximum=2020, help="人口普查年份 2010 或 2020"
        ),
        Option(
            "mixed_margin",
            "多元复合型阈值",
            float,
            0.05,
            minimum=0.0,
            maximum=0.5,
            help="不满足任何规则的县：典型度前两位相差小于此值时归为多元复合型（0 = 总取最接近类型）",
        ),
    ),
    formula="types",
    reference_test="tests/typology/test_typology_classify.py",
    doc="docs/typology.md",
)

PEERS = Analysis(
    key="peers",
    family="typology",
    title="近邻县、标杆县与差距",
    pipeline="xinzhi.pipelines.typology:county_peers",
    options=(
        Option(
            "evaluation", "评价结果", str, None, required=True, help="数据仓库中保存的评价结果名称"
        ),
        Option("county", "县级单位", str, None, required=True, help="名称或 6 位区划代码"),
        Option("year", "年份", int, None, minimum=1900, maximum=2100, help="默认：评价的最新一年"),
        Option("n_peers", "近邻县数", int, 10, minimum=1, maximum=50),
        Option("n_benchmarks", "标杆县数", int, 3, minimum=1, maximum=10),
    ),
    formula="peers",
    reference_test="tests/typology/test_typology_peers.py",
    doc="docs/typology.md",
)

RANKING = Analysis(
    key="ranking",
    family="evaluate",
    title="排名（县域口径 / 市辖区 / 全部单位）",
    pipeline="xinzhi.pipelines.ranking:county_ranking",
    options=(
        Option(
            "evaluation",
            "评价结果",
            str,
            DEFAULT_EVALUATION,
            help="数据仓库中保存的评价结果名称",
        ),
        Option("year", "年份", int, None, minimum=1900, maximum=2100, help="默认：评价的最新一年"),
        Option(
            "basis",
            "排名口径",
            str,
            None,
            choices=("county", "district", "all"),
            choice_labels=("县域口径（不含市辖区）", "市辖区", "全部县级单位（含市辖区）"),
            help="默认：所看县的口径（县看县域排名、区看市辖区排名）；未指定县时为县域口径",
        ),
        Option("county", "县级单位", str, None, help="名称或 6 位区划代码；决定默认口径"),
        Option("province", "省份", str, None, help="只看一个省（名称或代码）"),
    ),
    formula="rank",
    reference_test="tests/pipelines/test_ranking.py",
    doc="docs/regions.md",
)

register(TYPOLOGY, PEERS, RANKING)
