"""Declarations of the industry analyses (pipelines in :mod:`xinzhi.pipelines.industry`,
analyses in :mod:`xinzhi.industry`, formulas in ``docs/industry.md``)."""

from __future__ import annotations

from pathlib import Path

from xinzhi.registry.core import Analysis, Option, register

__all__ = [
    "CHAIN",
    "COMPLEXITY",
    "INDUSTRY_MAP",
    "IO",
    "IO_TABLES",
    "SHIFT_SHARE",
    "SPECIALIZATION",
]

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


INDUSTRY_MAP = Analysis(
    key="industry-map",
    family="industry",
    title="产业三级图谱（主导—配套—潜力）",
    pipeline="xinzhi.pipelines.industry:industry_map",
    options=(
        Option("county", "县级单位", str, None, required=True, help="名称或 6 位区划代码"),
        Option(
            "year", "年份", int, 2020, minimum=2010, maximum=2020, help="人口普查年份（门类层级）"
        ),
        Option(
            "level",
            "行业层级",
            str,
            "section",
            choices=("section", "division"),
            choice_labels=("门类（人口普查就业）", "大类（企业记录汇总）"),
        ),
        Option(
            "io_table", "投入产出表", str, "2020-42", choices=IO_TABLES, help="产业关联所用的全国表"
        ),
    ),
    formula="industry:tiers",
    reference_test="tests/industry_map/test_tiers_example.py",
    doc="docs/chains.md",
)

CHAIN = Analysis(
    key="chain",
    family="industry",
    title="产业链缺环、链主与招商线索",
    pipeline="xinzhi.pipelines.industry:industry_chain",
    options=(
        Option("county", "县级单位", str, None, required=True, help="名称或 6 位区划代码"),
        Option(
            "chain",
            "产业链",
            str,
            None,
            required=True,
            help="内置产业链模板的键（xinzhi industry chain --list）",
        ),
        Option(
            "year",
            "年份",
            int,
            2020,
            minimum=2010,
            maximum=2020,
            help="人口普查年份（门类参考数据）",
        ),
    ),
    formula="industry:chain",
    reference_test="tests/industry_map/test_chains_analysis.py",
    doc="docs/chains.md",
    scope="county",
)

COMPLEXITY = Analysis(
    key="complexity",
    family="industry",
    title="经济复杂度（用户长表）",
    pipeline="xinzhi.pipelines.industry_tables:complexity_of_file",
    options=(
        Option("input", "输入长表", Path, None, required=True, help="csv、xlsx 或 parquet"),
        Option("location", "地区列", str, None, required=True),
        Option("product", "产业列", str, None, required=True),
        Option("value", "数值列", str, None, required=True, help="如就业人数、产值"),
        Option("year", "年份列", str, None, help="给出则逐年计算"),
        Option(
            "convention",
            "标准化口径",
            str,
            "stata",
            choices=("stata", "py-ecomplexity"),
            choice_labels=("Stata ecomplexity", "Python py-ecomplexity"),
        ),
        Option("threshold", "RCA 阈值", float, 1.0, minimum=0.0, help="M = 1[RCA ≥ 阈值]"),
    ),
    formula="industry:complexity",
    reference_test="tests/industry/test_industry_complexity.py",
    doc="docs/industry.md",
)

_INPUT = Option("input", "输入长表", Path, None, required=True, help="csv、xlsx 或 parquet")
_LOCATION = Option("location", "地区列", str, None, required=True)
_INDUSTRY = Option("industry", "产业列", str, None, required=True)
_VALUE = Option("value", "数值列", str, None, required=True, help="如就业人数、产值")

SPECIALIZATION = Analysis(
    key="specialization",
    family="industry",
    title="区位熵与专业化（用户长表）",
    pipeline="xinzhi.pipelines.industry_tables:specialization_of_file",
    options=(
        _INPUT,
        _LOCATION,
        _INDUSTRY,
        _VALUE,
        Option(
            "reference",
            "参照",
            str,
            "national",
            help="national（全部地区之和）或 group:列名（同组地区之和）",
        ),
    ),
    formula="types",
    reference_test="tests/industry/test_industry_specialization.py",
    doc="docs/industry.md",
)

SHIFT_SHARE = Analysis(
    key="shiftshare",
    family="industry",
    title="偏离-份额分析（用户长表）",
    pipeline="xinzhi.pipelines.industry_tables:shiftshare_of_file",
    options=(
        _INPUT,
        _LOCATION,
        _INDUSTRY,
        _VALUE,
        Option("year", "年份列", str, None, required=True),
        Option("base", "基期", int, None, required=True, minimum=1900, maximum=2100),
        Option("final", "末期", int, None, required=True, minimum=1900, maximum=2100),
        Option(
            "method",
            "方法",
            str,
            "classic",
            choices=("classic", "esteban-marquillas", "dynamic"),
            choice_labels=(
                "经典三分量（Dunn）",
                "Esteban-Marquillas（含配置效应）",
                "动态（逐年相加）",
            ),
        ),
    ),
    formula="industry:shiftshare",
    reference_test="tests/industry/test_industry_shiftshare.py",
    doc="docs/industry.md",
)

register(IO, INDUSTRY_MAP, CHAIN, COMPLEXITY, SPECIALIZATION, SHIFT_SHARE)
