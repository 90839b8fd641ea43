"""Declarations of the enterprise evaluations (pipelines in :mod:`xinzhi.pipelines.enterprise`,
analyses in :mod:`xinzhi.enterprise`, formulas and rules in ``docs/enterprise_*.md``, overview in ``docs/enterprise.md``).

Every one reads the firm frame of one data year — the warehouse's firms (registry, firm-year data
and labels), one county or all — or, on the CLI only, a user's firm file (``--firms``). They are
county-scoped: firm records of a county are shown only to accounts that may see that county.
"""

from __future__ import annotations

from pathlib import Path

from xinzhi.registry.core import Analysis, Option, register

__all__ = ["MUJUN", "MUJUN_PRESETS", "SIMULATION", "SIZE", "TIERS"]

MUJUN_PRESETS = ("huaian", "huangyan", "tiantai", "jingning", "generic")
"""Built-in 亩均效益 presets (YAML in ``xinzhi/enterprise/presets/``; a test keeps this list equal
to :func:`xinzhi.enterprise.presets.builtin_presets`)."""

_COUNTY = Option(
    "county", "县级单位", str, None, help="名称或 6 位区划代码；不填则为数据仓库中的全部企业"
)
_YEAR = Option(
    "year", "数据年度", int, None, minimum=1981, maximum=2100, help="企业年度数据的年份（默认最新）"
)
_FIRMS = Option(
    "firms",
    "企业数据文件",
    Path,
    None,
    help="xlsx/csv：一行一家企业（信用代码、名称、行业及年度数据）；不填则读数据仓库",
)
_PRESET = Option(
    "preset",
    "亩均评价方法",
    str,
    "huaian",
    choices=MUJUN_PRESETS,
    choice_labels=(
        "淮安市 2024（A 20 / B 40 / C 35 / D 5）",
        "台州市黄岩区（黄政发〔2018〕12号）",
        "天台县（天政发〔2019〕1号）",
        "景宁畲族自治县（示意）",
        "通用模板（示意）",
    ),
)
_PRESET_FILE = Option(
    "preset_file",
    "自定义评价方法",
    Path,
    None,
    help="YAML 文件（格式见 docs/enterprise_mujun.md）",
    suffixes=(".yaml", ".yml"),
)

MUJUN = Analysis(
    key="mujun",
    family="enterprise",
    title="亩均效益评价",
    pipeline="xinzhi.pipelines.enterprise:mujun_scores",
    options=(_PRESET, _PRESET_FILE, _COUNTY, _YEAR, _FIRMS),
    formula="enterprise:mujun",
    reference_test="tests/enterprise/test_mujun.py",
    doc="docs/enterprise_mujun.md",
    scope="county",
)

SIMULATION = Analysis(
    key="mujun-policy",
    family="enterprise",
    title="差别化政策模拟（电价、城镇土地使用税、水价、气价）",
    pipeline="xinzhi.pipelines.enterprise:policy_simulation",
    options=(_PRESET, _PRESET_FILE, _COUNTY, _YEAR, _FIRMS),
    formula="enterprise:simulation",
    reference_test="tests/enterprise/test_simulation.py",
    doc="docs/enterprise_mujun.md",
    scope="county",
)

TIERS = Analysis(
    key="tiers",
    family="enterprise",
    title="优质中小企业梯度培育（创新型 / 专精特新 / 小巨人、科技型、高新技术企业）",
    pipeline="xinzhi.pipelines.enterprise:tier_checks",
    options=(
        Option("date", "评定日期", str, None, help="YYYY-MM-DD；决定适用的规则版本（默认今天）"),
        _COUNTY,
        _YEAR,
        _FIRMS,
    ),
    formula="enterprise:tiers",
    reference_test="tests/enterprise/test_tiers.py",
    doc="docs/enterprise_tiers.md",
    scope="county",
)

SIZE = Analysis(
    key="size",
    family="enterprise",
    title="大中小微企业划型",
    pipeline="xinzhi.pipelines.enterprise:size_classes",
    options=(
        Option(
            "revenue",
            "营业收入口径",
            str,
            "revenue",
            choices=("revenue", "main_revenue"),
            choice_labels=("营业收入", "主营业务收入（统计上的工业、建筑业等口径）"),
        ),
        Option(
            "partial",
            "缺项时仍可判微型",
            bool,
            False,
            help="一项已低于小型下限即判微型，另一项可缺",
        ),
        _COUNTY,
        _YEAR,
        _FIRMS,
    ),
    formula="enterprise:size",
    reference_test="tests/enterprise/test_size.py",
    doc="docs/enterprise_size.md",
    scope="county",
)

register(MUJUN, SIMULATION, TIERS, SIZE)
