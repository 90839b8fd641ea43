"""Composite evaluation of a user's wide table (``xinzhi evaluate --system NAME --input FILE``);
the evaluation of the counties stored in the warehouse is
:func:`xinzhi.pipelines.evaluation.evaluate_counties`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from xinzhi.evaluate import EvaluationResult, evaluate
from xinzhi.indicators.system import IndicatorSystem, load_system
from xinzhi.pipelines.user_tables import TableSource, table_frame

__all__ = ["KEY_COLUMNS", "TableEvaluation", "evaluate_table"]

KEY_COLUMNS = ("unit", "地区")
"""Unit columns of the wide table kept as text (codes keep their leading zeros)."""


@dataclass
class TableEvaluation:
    """The indicator system used and the result of :func:`xinzhi.evaluate.evaluate`."""

    system: IndicatorSystem
    result: EvaluationResult

    def summary(self) -> str:
        """The result's text summary."""
        return self.result.summary()

    def to_dict(self) -> dict[str, Any]:
        """System name, options and scores (missing values as None), for JSON output."""
        scores = self.result.scores()
        return {
            "system": self.system.name,
            "options": self.result.options.as_dict(),
            "scores": scores.astype(object).where(scores.notna(), None).to_dict("records"),
        }


def evaluate_table(
    data: TableSource,
    system: str | Path | IndicatorSystem,
    options: Mapping[str, Any] | None = None,
) -> TableEvaluation:
    """Evaluate a wide table (``unit``/``地区`` column, optional ``year``/``年份`` column, one
    column per indicator) with ``system`` (a built-in name, a YAML file or a loaded system).

    ``options`` override those of the system (``weights``, ``aggregate``, ``missing``,
    ``years``, ``scope``…; None values are left to the system), see
    :func:`xinzhi.evaluate.evaluate`.
    """
    sys_obj = system if isinstance(system, IndicatorSystem) else load_system(system)
    df = table_frame(data, KEY_COLUMNS)
    return TableEvaluation(sys_obj, evaluate(df, sys_obj, dict(options or {})))
