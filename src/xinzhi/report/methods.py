"""The report's method appendix: formula texts and the list of methods a report shows.

The formulas are written once, in ``formulas.yaml`` beside this module (our own wording), each
under a key such as ``weights:entropy`` or ``obstacle``. A report lists the methods it used as
:class:`MethodEntry` objects (title, formula key, options that changed the numbers);
:func:`method_appendix` turns that list into the rows both templates print. Today
:func:`xinzhi.pipelines.report_sections.method_entries` builds the list from the stored
evaluation's options; a registry of analyses can build it from its declarations instead.

Example::

    >>> rows = method_appendix([MethodEntry("熵权法", "weights:entropy", {"entropy_k": "n"})])
    >>> rows[0]["title"], rows[0]["options"]
    ('熵权法', 'entropy_k = n')
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

from xinzhi import yamlfile
from xinzhi.errors import ConfigError

__all__ = ["MethodEntry", "formulas", "method_appendix"]


@dataclass(frozen=True)
class MethodEntry:
    """One method of the appendix.

    Attributes
    ----------
    title : str
        Heading shown in the appendix (Chinese); empty: the title of the formula in
        ``formulas.yaml``.
    formula : str
        Key of the formula text in ``formulas.yaml``.
    options : mapping
        Options of the method that changed the numbers (shown as ``name = value``; empty,
        ``None`` and ``False`` values are left out).
    """

    title: str
    formula: str
    options: Mapping[str, Any] = field(default_factory=dict)


@cache
def formulas() -> list[dict[str, str]]:
    """Formula texts of the appendix (``formulas.yaml``, in file order): ``key, title, text``."""
    raw = yamlfile.safe_load(
        resources.files("xinzhi.report").joinpath("formulas.yaml").read_text("utf-8")
    )
    return [{"key": k, **v} for k, v in raw.items()]


def _options_text(options: Mapping[str, Any]) -> str:
    return "；".join(f"{k} = {v}" for k, v in options.items() if v not in (None, False, "", [], {}))


def method_appendix(entries: Sequence[MethodEntry]) -> list[dict[str, str]]:
    """The appendix rows of ``entries``, in their order: ``key, title, text, options``.

    Raises
    ------
    ConfigError
        When an entry names a formula key that ``formulas.yaml`` does not hold.
    """
    by_key = {f["key"]: f for f in formulas()}
    rows = []
    for e in entries:
        f = by_key.get(e.formula)
        if f is None:
            raise ConfigError(f"报告附录中没有公式 {e.formula!r}（见 xinzhi/report/formulas.yaml）")
        rows.append(
            {
                "key": e.formula,
                "title": e.title or f["title"],
                "text": f["text"],
                "options": _options_text(e.options),
            }
        )
    return rows
