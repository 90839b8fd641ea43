"""Defaults shared by every surface that are not options of one analysis."""

from __future__ import annotations

__all__ = ["DEFAULT_EVALUATION", "DEFAULT_SYSTEM"]

DEFAULT_SYSTEM = "nqpf-county"
"""The built-in county indicator system (``indicators/systems/nqpf-county.yaml``,
``docs/nqpf-county.md``)."""

DEFAULT_EVALUATION = "nqpf-county"
"""The name ``xinzhi demo`` stores its evaluation under: what reports, pages and the API read
when no evaluation is named."""
