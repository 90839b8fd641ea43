"""Declarations of the industry analyses (pipelines in :mod:`xinzhi.pipelines.industry`,
analyses in :mod:`xinzhi.industry`, formulas in ``docs/industry.md``)."""

from __future__ import annotations

from xinzhi.registry.core import Analysis, Option, register

__all__ = ["IO", "IO_TABLES"]

IO_TABLES = (
    "2002-122",
    "2005-42",
    "2007-135",
    "2010-41",
    "2012-139",
    "2015-42",
    "2017-149",
    "2017-42",
    "2018-153",
    "2018-42",
    "2020-153",
    "2020-42",
)
"""National input–output tables in the dataset registry (year-sectors)."""

IO = Analysis(
    key="io",
    family="industry",
    title="投入产出关联",
    pipeline="xinzhi.pipelines.industry:io_linkages",
    options=(
        Option("table", "投入产出表", str, "2020-42", choices=IO_TABLES, help="年份-部门数"),
        Option("lead", "主导部门", str, None, help="代码或中文名称：列出其上下游"),
        Option(
            "forward",
            "感应度口径",
            str,
            "leontief",
            choices=("leontief", "ghosh"),
            choice_labels=("Leontief 逆行和", "Ghosh 逆行和"),
        ),
        Option(
            "imports",
            "进口口径",
            str,
            "domestic",
            choices=("domestic", "total"),
            choice_labels=("仅国内中间流量", "含进口"),
            help="非竞争型表才有区别",
        ),
        Option("top", "上下游部门数", int, 5, minimum=1, maximum=50),
    ),
    formula="industry:io",
    reference_test="tests/industry/test_industry_io.py",
    doc="docs/industry.md",
)

register(IO)
