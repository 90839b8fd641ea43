"""Web controls derived from the declarations of :mod:`xinzhi.registry`, and the one way a page
runs a declared analysis (cached per evaluation version, or per warehouse version)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from nicegui import ui

from xinzhi.auth import User
from xinzhi.auth.policy import AccessDenied
from xinzhi.errors import InputError
from xinzhi.pipelines.analyses import authorise
from xinzhi.pipelines.warehouse import latest_batch_id
from xinzhi.registry import Analysis, Option
from xinzhi.web._context import connection, data_dir_str
from xinzhi.web._data import cached, evaluation_stamp

__all__ = ["choice_select", "page_option", "run_analysis"]


def page_option(option: Option, raw: str | None) -> Any:
    """The value of ``option`` from a page's query string: the declared default when absent or
    invalid (a page never fails on a hand-edited URL)."""
    if raw in (None, ""):
        return option.default
    try:
        return option.check(raw)
    except InputError:  # a hand-edited URL
        return option.default


def choice_select(option: Option, value: Any, on_change: Callable[[Any], None]) -> ui.select:
    """A select with the declared choices and their Chinese labels."""
    assert option.choices is not None
    return ui.select(
        {c: option.choice_label(c) for c in option.choices},
        value=value,
        label=option.label,
        on_change=lambda e: on_change(e.value),
    )


def run_analysis(analysis: Analysis, user: User | None = None, **options: Any) -> Any:
    """The declared analysis's pipeline on ``options`` (evaluation included), cached per
    evaluation version. A county-scoped analysis needs the page's ``user`` and runs only for a
    county the access policy lets it see (:func:`xinzhi.pipelines.analyses.authorise`)."""
    resolved = analysis.resolve(options)
    if analysis.scope == "county":
        if user is None:
            raise AccessDenied(f"{analysis.title}含明细数据，需要登录用户")
        with connection() as con:
            authorise(con, analysis, resolved, user)
    if "evaluation" in resolved:
        stamp: Any = evaluation_stamp(resolved["evaluation"])
    else:  # the warehouse's version: firm or observation imports change the answer
        with connection() as con:
            stamp = ("batch", latest_batch_id(con))

    def make() -> Any:
        with connection() as con:
            return analysis.run(con, data_dir=data_dir_str(), **resolved)

    return cached((analysis.key, stamp, tuple(sorted(resolved.items()))), make)
