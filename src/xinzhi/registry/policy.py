"""Declaration of the policy check (政策计算器 / 免申即享; pipeline
:func:`xinzhi.pipelines.policy.policy_check_analysis`, rules in :mod:`xinzhi.policy`, overview in
``docs/policy.md``, the rule language in ``docs/policy_rules.md``).

Every firm of a county (the warehouse's firm frame of one data year) against every clause of
the built-in and published documents of regions containing the county that apply on the date:
符合 / 可能符合 / 不符合 with the amount range and the reason; with ``subject="person"`` every
person of the county's talent base (person facts) against the talent documents. County-scoped:
the result names firms or persons, so it is shown only to accounts that may see the county; a
result of persons has its person ids masked (it is kept and shared by every account that may run
it, so it is masked as for the roles that need masking, :func:`xinzhi.auth.policy.mask_personal`).
"""

from __future__ import annotations

from xinzhi.registry.core import Analysis, Option, register

__all__ = ["POLICY_CHECK"]

POLICY_CHECK = Analysis(
    key="policy-check",
    family="policy",
    title="政策计算器：企业逐条政策匹配（免申即享）",
    pipeline="xinzhi.pipelines.policy:policy_check_analysis",
    options=(
        Option(
            "county",
            "县级单位",
            str,
            None,
            help="名称或 6 位区划代码；不填则为数据仓库中的全部企业",
        ),
        Option(
            "year",
            "数据年度",
            int,
            None,
            minimum=1981,
            maximum=2100,
            help="企业年度数据的年份（默认评定日期之前的最新年度）",
        ),
        Option(
            "date", "评定日期", str, None, help="YYYY-MM-DD；决定适用的政策文件与资质（默认今天）"
        ),
        Option(
            "document",
            "政策文件",
            str,
            None,
            help="政策文件编号，多个用逗号分隔；不填则为全部适用的文件",
        ),
        Option(
            "subject",
            "对象",
            str,
            "firm",
            choices=("firm", "person"),
            choice_labels=("企业", "人员（人才）"),
            help="企业：数据仓库的企业对企业类文件；人员：人才库的人员政策事实对人才类文件"
            "（人员编号打码）",
        ),
    ),
    formula="policy:check",
    reference_test="tests/pipelines/test_policy_pipeline.py",
    doc="docs/policy.md",
    scope="county",
)

register(POLICY_CHECK)
