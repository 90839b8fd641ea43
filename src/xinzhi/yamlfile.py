"""YAML reading through libyaml when PyYAML was built with it.

``yaml.safe_load`` uses the pure-Python scanner, about seven times slower than libyaml's; the
package's own YAML files (dataset registry, indicator catalogue, rules, knowledge base, chain
templates) are read in every report, so the parser shows in the cold-start time. Same safe
subset of YAML, same exceptions (``yaml.YAMLError``).

A document whose anchor refers to itself (``a: &x [*x]``) loads as a cyclic structure that
anything walking it (validation, JSON, deep copies) follows forever; :func:`safe_load` refuses
it with :class:`RecursiveAliasError` (a ``yaml.YAMLError``, so every caller's handler reports
it in Chinese).
"""

from __future__ import annotations

from typing import IO, Any

import yaml

__all__ = ["RecursiveAliasError", "safe_load"]

_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class RecursiveAliasError(yaml.YAMLError):
    """The document refers to an anchor inside that anchor's own value."""


def _check_acyclic(data: Any) -> None:
    """Raise :class:`RecursiveAliasError` if a container holds itself (iterative walk; shared
    but acyclic aliases are fine)."""
    on_path: set[int] = set()
    stack: list[tuple[Any, bool]] = [(data, False)]
    while stack:
        node, leaving = stack.pop()
        if not isinstance(node, dict | list):
            continue
        key = id(node)
        if leaving:
            on_path.discard(key)
            continue
        if key in on_path:
            raise RecursiveAliasError(
                "YAML 中有递归的锚点引用（recursive anchor：某个 &锚点 在它自己的内容里被 *引用），"
                "无法展开"
            )
        on_path.add(key)
        stack.append((node, True))
        children = node.values() if isinstance(node, dict) else node
        stack.extend((c, False) for c in children if isinstance(c, dict | list))


def safe_load(stream: str | bytes | IO[str] | IO[bytes]) -> Any:
    """Parse one YAML document with the safe loader (libyaml's when available).

    >>> safe_load("a: &x [1, 2]\\nb: *x")
    {'a': [1, 2], 'b': [1, 2]}
    >>> safe_load("a: &x [*x]")
    Traceback (most recent call last):
    ...
    xinzhi.yamlfile.RecursiveAliasError: YAML 中有递归的锚点引用（recursive anchor：某个 &锚点 在它自己的内容里被 *引用），无法展开
    """
    data = yaml.load(stream, Loader=_Loader)
    _check_acyclic(data)
    return data
