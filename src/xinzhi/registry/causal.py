"""Declaration of the policy evaluation of county pilots (pipeline
:func:`xinzhi.pipelines.causal.pilot_effect`, estimators in :mod:`xinzhi.causal`, formulas,
assumptions and references in ``docs/causal.md``).

It reads a pilot list imported into the warehouse (``xinzhi causal pilots-import``) and an
outcome of the warehouse — an indicator or a stored evaluation's score or dimension — with
codes carried to the panel's last year. Pilot lists and county statistics are public: scope
``public``. The file-based commands (``xinzhi causal did|cs|sc|sdid --input FILE``) are CLI
commands of their own.
"""

from __future__ import annotations

from xinzhi.registry.core import Analysis, Option, register

__all__ = ["ESTIMATORS", "PILOT_EFFECT"]

ESTIMATORS = ("cs", "did", "sc", "sdid", "compare")
"""Estimators of :data:`PILOT_EFFECT` (option ``estimator``)."""

PILOT_EFFECT = Analysis(
    key="pilot-effect",
    family="causal",
    title="试点政策效果评估（双重差分、事件研究、合成控制、合成双重差分）",
    pipeline="xinzhi.pipelines.causal:pilot_effect",
    options=(
        Option("policy", "试点政策", str, None, required=True, help="试点名单中的政策名称"),
        Option(
            "estimator",
            "估计方法",
            str,
            "cs",
            choices=ESTIMATORS,
            choice_labels=(
                "Callaway–Sant'Anna 交错双重差分",
                "双向固定效应与事件研究",
                "合成控制（单个试点县）",
                "合成双重差分（同年试点）",
                "各估计量比较",
            ),
        ),
        Option("indicator", "结果指标", str, None, help="指标编码（与已存评价二选一）"),
        Option("evaluation", "已存评价", str, None, help="已存评价名称：以综合得分为结果变量"),
        Option("dimension", "评价维度", str, None, help="以已存评价的某一维度得分为结果变量"),
        Option(
            "control",
            "对照组",
            str,
            "never",
            choices=("never", "notyet"),
            choice_labels=("从未试点的县", "尚未试点的县（含从未试点）"),
        ),
        Option("leads", "事件研究前导期", int, 4, minimum=2, maximum=20),
        Option("lags", "事件研究滞后期", int, 4, minimum=0, maximum=20),
    ),
    formula="causal:effect",
    reference_test="tests/pipelines/test_causal_pipeline.py",
    doc="docs/causal.md",
    scope="public",
)

register(PILOT_EFFECT)
