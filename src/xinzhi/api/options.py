"""Query parameters derived from a declaration of :mod:`xinzhi.registry`.

:func:`options_of` turns the options of an analysis into a FastAPI dependency: one query
parameter per option, with the declared type, default, bounds, choices (an enum in the OpenAPI
schema) and Chinese label as description. The route receives the validated options as a dict and
passes them to the pipeline — no default is written in a route.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Annotated, Any, Literal

from fastapi import Query

from xinzhi.registry import Analysis, Option

__all__ = ["options_of"]


def _annotation(o: Option) -> Any:
    base: Any = Literal[o.choices] if o.choices else o.type
    if o.optional:
        base = base | None
    bounds: dict[str, Any] = {}
    if o.minimum is not None:
        bounds["ge"] = o.minimum
    if o.maximum is not None:
        bounds["le"] = o.maximum
    if o.type is str and not o.choices:
        bounds["max_length"] = 64
        if o.required:
            bounds["min_length"] = 1
    return Annotated[base, Query(description=o.describe(), **bounds)]


def options_of(analysis: Analysis, exclude: tuple[str, ...] = ()) -> Callable[..., dict[str, Any]]:
    """A FastAPI dependency returning ``{option: value}`` for ``analysis`` (``exclude``: options
    the route fixes itself)."""
    opts = [o for o in analysis.web_options if o.name not in exclude]

    def dependency(**given: Any) -> dict[str, Any]:
        return given

    params = [
        inspect.Parameter(
            o.name,
            inspect.Parameter.KEYWORD_ONLY,
            annotation=_annotation(o),
            **({} if o.required else {"default": o.default}),
        )
        for o in opts
    ]
    dependency.__signature__ = inspect.Signature(params)  # type: ignore[attr-defined]
    dependency.__name__ = f"options_{analysis.key.replace('-', '_')}"
    return dependency
