"""Indicator systems for the surfaces: the built-in names, an uploaded YAML system checked
(:meth:`xinzhi.indicators.system.IndicatorSystem.from_yaml`, Chinese errors naming the key and
the uploaded file), and a system's indicators as a table (web page 方法)."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

from xinzhi.errors import ConfigError
from xinzhi.evaluate.options import EvaluationOptions
from xinzhi.indicators.system import IndicatorSystem, list_systems, load_system

__all__ = ["builtin_system_labels", "builtin_systems", "load_system_file", "system_table"]


def builtin_systems() -> list[str]:
    """Names of the built-in indicator systems."""
    return list_systems()


def builtin_system_labels() -> dict[str, str]:
    """Name → Chinese title of the built-in indicator systems (the choices pages show)."""
    return {n: str(load_system(n).title or n) for n in list_systems()}


def load_system_file(path: str | os.PathLike[str], shown_name: str) -> IndicatorSystem:
    """The indicator system of the YAML file ``path`` (e.g. a saved upload); errors name
    ``shown_name`` (the uploaded file's name) instead of the temporary path.

    Raises
    ------
    ConfigError
        The file is not a valid system (message in Chinese, naming the key).
    """
    try:
        return IndicatorSystem.from_yaml(Path(path))
    except ConfigError as exc:
        raise ConfigError(str(exc).replace(str(path), shown_name)) from exc


def system_table(system: IndicatorSystem) -> pd.DataFrame:
    """One row per indicator: ``dimension, code, name, direction`` (正向 / 逆向)."""
    rows = [
        {
            "dimension": dim.name,
            "code": ind.code,
            "name": ind.name,
            "direction": "正向" if ind.direction == "+" else "逆向",
        }
        for dim in system.dimensions
        for ind in dim.all_indicators()
    ]
    return pd.DataFrame(rows, columns=["dimension", "code", "name", "direction"])


def method_defaults(name: str) -> dict[str, str]:
    """The weighting and aggregation a built-in system ``name`` is evaluated with when the user
    sets none: its YAML ``options``, else the engine's defaults
    (:class:`xinzhi.evaluate.options.EvaluationOptions`)."""
    opts = load_system(name).options
    engine = EvaluationOptions()
    return {
        "weights": str(opts.get("weights", engine.weights)),
        "aggregate": str(opts.get("aggregate", engine.aggregate)),
    }
