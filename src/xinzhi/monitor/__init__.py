"""What is going wrong now: five-colour signals from history or yearly targets, Mann–Kendall /
Sen trend tests, change points and a composite warning index over county indicators, and a
digest per county — pure analyses over a long panel (``region_code, indicator, year, value``).
Targets and the warehouse live in :mod:`xinzhi.pipelines.monitor`; conventions, formulas and
sources in ``docs/monitor.md``."""

from xinzhi.monitor.digest import Digest, digest
from xinzhi.monitor.panel import Cube, to_cube
from xinzhi.monitor.signals import (
    COLOURS,
    METHODS,
    SignalOptions,
    Signals,
    band,
    signals,
    warning_index,
)
from xinzhi.monitor.trend import Trends, change_points, mann_kendall, trends

__all__ = [
    "COLOURS",
    "METHODS",
    "Cube",
    "Digest",
    "SignalOptions",
    "Signals",
    "Trends",
    "band",
    "change_points",
    "digest",
    "mann_kendall",
    "signals",
    "to_cube",
    "trends",
    "warning_index",
]
