"""Declarations of the county typology (pipeline :func:`xinzhi.pipelines.typology.county_types`,
rules in :mod:`xinzhi.typology`, documentation ``docs/typology.md``)."""

from __future__ import annotations

from xinzhi.registry.core import Analysis, Option, register

__all__ = ["PEERS", "TYPOLOGY"]

TYPOLOGY = Analysis(
    key="typology",
    family="typology",
    title="县域类型（分类施策）",
    pipeline="xinzhi.pipelines.typology:county_types",
    options=(
        Option(
            "year", "年份", int, 2020, minimum=2010, maximum=2020, help="人口普查年份 2010 或 2020"
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

register(TYPOLOGY, PEERS)
