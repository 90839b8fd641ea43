"""Cached reads for the pages (all numbers come from pipeline / store functions).

Caches are keyed by the warehouse path and the stored evaluation's ``created_at`` (or the latest
import batch), so a re-saved evaluation or a new import is picked up on the next page load.
"""

from __future__ import annotations

import threading
from typing import Any

import pandas as pd

from xinzhi.errors import XinzhiError
from xinzhi.pipelines.stored import (
    evaluation_area,
    evaluation_exists,
    evaluation_label,
    stored_evaluation_names,
    stored_scores,
)
from xinzhi.pipelines.typology import county_types
from xinzhi.pipelines.warehouse import latest_batch_id
from xinzhi.registry.defaults import DEFAULT_EVALUATION
from xinzhi.web._context import config, connection, data_dir_str

__all__ = [
    "DEFAULT_EVALUATION",
    "area_of",
    "cached",
    "county_options",
    "evaluation_labels",
    "evaluation_names",
    "evaluation_stamp",
    "evaluation_year",
    "label_of",
    "pick_evaluation",
    "report_context",
    "scores_of",
    "types_of",
]


_scores: dict[tuple[str, str, str], pd.DataFrame] = {}
_types: dict[tuple[str, int, int], pd.DataFrame | str] = {}
_contexts: dict[tuple[str, str, str], Any] = {}
_context_lock = threading.Lock()


_memo: dict[tuple[Any, ...], Any] = {}


def evaluation_stamp(name: str) -> str:
    """Warehouse path and stored-evaluation info (changes when ``name`` is saved again)."""
    with connection() as con:
        return f"{config.db_path()}|{evaluation_exists(con, name)}"


def cached(key: tuple[Any, ...], make: Any) -> Any:
    """``make()`` memoised under ``key`` (at most 32 entries; oldest dropped first)."""
    if key not in _memo:
        if len(_memo) >= 32:
            _memo.pop(next(iter(_memo)))
        _memo[key] = make()
    return _memo[key]


def evaluation_names() -> list[str]:
    """Names of the stored evaluations."""
    with connection() as con:
        return stored_evaluation_names(con)


def pick_evaluation(name: str | None) -> str | None:
    """``name`` if stored, else ``nqpf-county`` if stored, else the first stored one."""
    names = evaluation_names()
    if name in names:
        return name
    if DEFAULT_EVALUATION in names:
        return DEFAULT_EVALUATION
    return names[0] if names else None


def label_of(name: str) -> str:
    """The name pages show for stored evaluation ``name`` (:func:`evaluation_label`, cached)."""

    def make() -> str:
        with connection() as con:
            return evaluation_label(con, name)

    return str(cached(("label", evaluation_stamp(name)), make))


def evaluation_labels(names: list[str]) -> dict[str, str]:
    """Name → shown name of stored evaluations, for the evaluation selects."""
    return {n: label_of(n) for n in names}


def evaluation_year(eval: str, year: int) -> tuple[str, pd.DataFrame, list[int], int] | None:
    """The head every evaluation page shares: the stored evaluation the query names (else the
    default, :func:`pick_evaluation`), its scores, its years and the year shown (the query's
    if stored, else the latest); None when the warehouse holds no evaluation."""
    name = pick_evaluation(eval or None)
    if name is None:
        return None
    scores = scores_of(name)
    years = sorted(int(y) for y in scores["year"].unique())
    return name, scores, years, (year if year in years else years[-1])


def area_of(name: str) -> str:
    """评价范围 of a stored evaluation for titles: ``湖南省`` or ``全国``."""
    with connection() as con:
        return evaluation_area(con, name) or "全国"


def county_options(scores: pd.DataFrame, year: int) -> dict[str, str]:
    """Code → ``省份地市县区（代码）`` of the counties scored in ``year`` (the searchable
    choices: typing part of a name or code filters them)."""
    s = scores[scores["year"] == year].sort_values("region_code")
    label = s["province_name"].fillna("") + s["prefecture_name"].fillna("") + s["name"].fillna("")
    return dict(zip(s["region_code"], label + "（" + s["region_code"] + "）", strict=True))


def scores_of(name: str) -> pd.DataFrame:
    """:func:`xinzhi.pipelines.stored.stored_scores` of ``name`` (cached)."""
    with connection() as con:
        info = evaluation_exists(con, name)
        key = (str(config.db_path()), name, str(info))
        if key not in _scores:
            _scores[key] = stored_scores(con, name)
    return _scores[key]


def _batch_stamp() -> int:
    with connection() as con:
        return latest_batch_id(con)


def types_of(year: int) -> pd.DataFrame | str:
    """County types of ``year`` (the declared analysis ``typology``,
    :func:`xinzhi.pipelines.typology.county_types`), or the Chinese reason they are
    unavailable."""
    key = (str(config.db_path()), int(year), _batch_stamp())
    if key not in _types:
        try:
            with connection() as con:
                _types[key] = county_types(con, year=year, data_dir=data_dir_str()).tidy()
        except XinzhiError as exc:
            _types[key] = f"县域类型无法判定：{exc}"
    return _types[key]


def report_context(name: str) -> Any:
    """:func:`xinzhi.pipelines.report_context.load_report_context` for stored evaluation
    ``name`` (cached)."""
    # imported on the first profile page: the report context pulls in typology and industry
    from xinzhi.pipelines.report_context import load_report_context

    with connection() as con:
        info = evaluation_exists(con, name)
    key = (str(config.db_path()), name, str(info))
    with _context_lock:  # one context per key, also when the start-up thread asks at once
        if key not in _contexts:
            _contexts.clear()
            _contexts[key] = load_report_context(
                db=config.db_path(), evaluation=name, data_dir=data_dir_str()
            )
        return _contexts[key]
