"""Declarations of analyses and their options (see :mod:`xinzhi.registry`)."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from xinzhi.errors import InputError

__all__ = ["FAMILIES", "Analysis", "Option", "analyses", "get", "register"]

FAMILIES = {
    "evaluate": "综合评价",
    "disparity": "区域差异与动态",
    "typology": "县域类型",
    "industry": "产业分析",
    "enterprise": "企业评价",
    "policy": "政策计算",
    "match": "供需对接",
    "monitor": "监测预警",
    "causal": "政策评估",
}
"""Families of analyses and their Chinese names (one CLI group each)."""

_TYPES: dict[type, str] = {int: "整数", float: "数值", str: "文字", bool: "是/否", Path: "文件"}

TABLE_SUFFIXES = (".csv", ".xlsx", ".xls", ".parquet")
"""Files a ``Path`` option accepts: a user's table."""


@dataclass(frozen=True)
class Option:
    """One typed option of an analysis.

    Parameters
    ----------
    name : str
        Python keyword of the pipeline function (``grid_size``); the CLI flag is
        ``--grid-size``, the API query parameter ``grid_size``.
    label : str
        Chinese label shown in the web control, the CLI help and the method appendix.
    type : {int, float, str, bool, pathlib.Path}
        Value type; ``None`` allowed as a value when ``default`` is None (optional option).
        ``Path``: a user's table (:data:`TABLE_SUFFIXES`) that must exist — an analysis with
        such an option reads a file and is offered by the CLI only (the REST API and the web
        would need an upload).
    default : object
        The one default every surface uses.
    choices : tuple of str, optional
        Allowed values of a ``str`` option, with their Chinese names in ``choice_labels``.
    minimum, maximum : float, optional
        Bounds (inclusive) of a numeric option — options are validated before any work starts.
    help : str
        One sentence of explanation (Chinese).
    required : bool
        The caller must give a value (e.g. the stored evaluation's name); ``default`` is None.
    suffixes : tuple of str
        File types a ``Path`` option accepts (default :data:`TABLE_SUFFIXES`; e.g.
        ``(".yaml", ".yml")`` for a user's method file).
    """

    name: str
    label: str
    type: type
    default: Any
    choices: tuple[str, ...] | None = None
    choice_labels: tuple[str, ...] | None = None
    minimum: float | None = None
    maximum: float | None = None
    help: str = ""
    required: bool = False
    suffixes: tuple[str, ...] = TABLE_SUFFIXES

    def __post_init__(self) -> None:
        if self.type not in _TYPES:
            raise TypeError(f"option {self.name}: unsupported type {self.type!r}")
        if self.choice_labels is not None and (
            self.choices is None or len(self.choice_labels) != len(self.choices)
        ):
            raise TypeError(f"option {self.name}: one label per choice")
        if self.default is not None:
            self.check(self.default)

    @property
    def flag(self) -> str:
        """The CLI flag (``--grid-size``)."""
        return "--" + self.name.replace("_", "-")

    @property
    def optional(self) -> bool:
        """True when the option may be left unset (default None, not required)."""
        return self.default is None and not self.required

    def choice_label(self, value: str) -> str:
        """Chinese name of one choice (the value itself when none is declared)."""
        if self.choices is None or self.choice_labels is None:
            return value
        return self.choice_labels[self.choices.index(value)]

    def describe(self) -> str:
        """One line for help texts: label, allowed values, default."""
        parts = [self.label]
        if self.choices:
            parts.append("可选 " + " | ".join(self.choices))
        if self.minimum is not None or self.maximum is not None:
            lo = "" if self.minimum is None else f"{self.minimum:g}"
            hi = "" if self.maximum is None else f"{self.maximum:g}"
            parts.append(f"范围 {lo}–{hi}")
        if self.help:
            parts.append(self.help)
        return "；".join(parts)

    def check(self, value: Any) -> Any:
        """``value`` converted to the option's type and validated.

        Raises
        ------
        InputError
            In Chinese, naming the option, the value and what is allowed.
        """
        if value is None:
            if self.optional:
                return None
            raise InputError(f"选项 {self.name}（{self.label}）不能为空")
        try:
            v = _convert(self.type, value)
        except (TypeError, ValueError) as exc:
            raise InputError(
                f"选项 {self.name}（{self.label}）应为{_TYPES[self.type]}，收到 {value!r}"
            ) from exc
        if self.type is Path:
            if v.suffix.lower() not in self.suffixes:
                raise InputError(
                    f"选项 {self.name}（{self.label}）只能是 {'、'.join(self.suffixes)} 文件，收到 {v}"
                )
            if not v.is_file():
                raise InputError(f"选项 {self.name}（{self.label}）：文件不存在：{v}")
        if self.choices is not None and v not in self.choices:
            raise InputError(
                f"选项 {self.name}（{self.label}）只能是 {'、'.join(self.choices)}，收到 {value!r}"
            )
        if self.minimum is not None and v < self.minimum:
            raise InputError(
                f"选项 {self.name}（{self.label}）不能小于 {self.minimum:g}，收到 {value!r}"
            )
        if self.maximum is not None and v > self.maximum:
            raise InputError(
                f"选项 {self.name}（{self.label}）不能大于 {self.maximum:g}，收到 {value!r}"
            )
        return v


def _convert(kind: type, value: Any) -> Any:
    if kind is Path:
        return Path(value)
    if kind is bool:
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in ("1", "true", "yes", "是", "y", "on"):
            return True
        if text in ("0", "false", "no", "否", "n", "off"):
            return False
        raise ValueError(value)
    if kind is int:
        if isinstance(value, bool):
            raise TypeError(value)
        f = float(value)
        if not f.is_integer():
            raise ValueError(value)
        return int(f)
    if kind is float:
        if isinstance(value, bool):
            raise TypeError(value)
        f = float(value)
        if f != f or f in (float("inf"), float("-inf")):
            raise ValueError(value)
        return f
    return str(value)


@dataclass(frozen=True)
class Analysis:
    """The declaration of one analysis (see the module docstring).

    Parameters
    ----------
    key : str
        Unique key, also the CLI sub-command and the API path (``markov``).
    family : str
        One of :data:`FAMILIES`.
    title : str
        Chinese title (web section, report appendix, API summary).
    pipeline : str
        ``"module:function"`` of the pipeline function ``function(con, *, data_dir, **options)``
        (``con``: a warehouse connection; ``data_dir``: the public-data mirror, None for the
        configured one) returning a result object with ``.tidy()``, ``.tables()`` and
        ``.summary()``.
    options : tuple of Option
    formula : str
        Key of ``report/formulas.yaml`` (the method appendix text).
    reference_test : str
        Test file holding the method's reference values.
    doc : str
        Documentation page (``docs/…``).
    action : str, optional
        The access-policy action an account needs (:class:`xinzhi.auth.policy.Action` value,
        e.g. ``run_evaluation``): the analysis writes to the warehouse, so the REST API offers
        it only through its own POST route and the web through its own page.
    scope : {"public", "county"}
        ``public``: the result holds aggregates every account may see; ``county``: it holds
        record-level data of the county named by option ``county`` — every surface asks
        :func:`xinzhi.auth.policy.require_county` before running it.
    """

    key: str
    family: str
    title: str
    pipeline: str
    options: tuple[Option, ...] = field(default_factory=tuple)
    formula: str = ""
    reference_test: str = ""
    doc: str = ""
    scope: str = "public"
    action: str | None = None

    def __post_init__(self) -> None:
        if self.scope not in ("public", "county"):
            raise TypeError(f"analysis {self.key}: unknown scope {self.scope!r}")
        if self.scope == "county" and "county" not in {o.name for o in self.options}:
            raise TypeError(f"analysis {self.key}: a county-scoped analysis needs option county")
        if self.family not in FAMILIES:
            raise TypeError(f"analysis {self.key}: unknown family {self.family!r}")
        names = [o.name for o in self.options]
        if len(set(names)) != len(names):
            raise TypeError(f"analysis {self.key}: duplicate option names")

    @property
    def takes_file(self) -> bool:
        """True when a *required* option is a user's file: the analysis is offered by the CLI
        only. Optional file options (e.g. ``--firms FILE`` beside the warehouse's firms) exist on
        the CLI alone; the REST API and the web pages never take a path (:meth:`web_options`)."""
        return any(o.type is Path and o.required for o in self.options)

    @property
    def web_options(self) -> tuple[Option, ...]:
        """The options the REST API and the web pages offer: every option but file paths (a
        server never opens a path its client names)."""
        return tuple(o for o in self.options if o.type is not Path)

    def option(self, name: str) -> Option:
        """The declared option ``name``."""
        for o in self.options:
            if o.name == name:
                return o
        raise KeyError(f"analysis {self.key} has no option {name!r}")

    def default(self, name: str) -> Any:
        """The declared default of option ``name``."""
        return self.option(name).default

    def defaults(self) -> dict[str, Any]:
        """Every option's default."""
        return {o.name: o.default for o in self.options}

    def resolve(self, given: Mapping[str, Any]) -> dict[str, Any]:
        """The complete, validated options: ``given`` (unset ones left out or None take the
        default) checked with :meth:`Option.check`.

        Raises
        ------
        InputError
            For an unknown option or an invalid value — before any work starts.
        """
        unknown = sorted(set(given) - {o.name for o in self.options})
        if unknown:
            raise InputError(
                f"{self.title}（{self.key}）没有选项 {'、'.join(unknown)}；可用："
                + "、".join(o.name for o in self.options)
            )
        out = {}
        for o in self.options:
            v = given.get(o.name)
            out[o.name] = o.check(o.default if v is None else v)
        return out

    def function(self) -> Callable[..., Any]:
        """The pipeline function (imported on first use)."""
        module, _, name = self.pipeline.partition(":")
        fn: Callable[..., Any] = getattr(importlib.import_module(module), name)
        return fn

    def run(self, con: Any, data_dir: Any = None, **options: Any) -> Any:
        """Validate ``options`` and call the pipeline with the warehouse connection ``con`` and
        the public-data mirror ``data_dir`` (None: ``XINZHI_DATA_DIR``)."""
        return self.function()(con, data_dir=data_dir, **self.resolve(options))


_REGISTRY: dict[str, Analysis] = {}


def register(*items: Analysis) -> None:
    """Add declarations (a key may be declared once)."""
    for a in items:
        if a.key in _REGISTRY and _REGISTRY[a.key] != a:
            raise ValueError(f"analysis {a.key!r} declared twice")
        _REGISTRY[a.key] = a


def get(key: str) -> Analysis:
    """The declaration of ``key``.

    Raises
    ------
    InputError
        For an unknown key (listing the known ones).
    """
    if key not in _REGISTRY:
        raise InputError(f"未知的分析 {key!r}；可用：{'、'.join(sorted(_REGISTRY))}")
    return _REGISTRY[key]


def analyses(family: str | None = None) -> list[Analysis]:
    """Every declaration (of one family), in declaration order."""
    items: Iterable[Analysis] = _REGISTRY.values()
    return [a for a in items if family is None or a.family == family]
