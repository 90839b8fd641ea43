"""Composite evaluation (综合评价): normalise, weight, aggregate, diagnose.

The one entry point is :func:`evaluate` (wide DataFrame + :class:`IndicatorSystem` →
:class:`EvaluationResult`); the method modules are usable on plain arrays.
"""

from xinzhi.evaluate.engine import evaluate, prepare_wide
from xinzhi.evaluate.options import EvaluationOptions
from xinzhi.evaluate.result import EvaluationResult

__all__ = ["EvaluationOptions", "EvaluationResult", "evaluate", "prepare_wide"]
