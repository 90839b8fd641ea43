"""YAML reading through libyaml when PyYAML was built with it.

``yaml.safe_load`` uses the pure-Python scanner, about seven times slower than libyaml's; the
package's own YAML files (dataset registry, indicator catalogue, rules, knowledge base, chain
templates) are read in every report, so the parser shows in the cold-start time. Same safe
subset of YAML, same exceptions (``yaml.YAMLError``).
"""

from __future__ import annotations

from typing import IO, Any

import yaml

__all__ = ["safe_load"]

_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def safe_load(stream: str | bytes | IO[str] | IO[bytes]) -> Any:
    """Parse one YAML document with the safe loader (libyaml's when available)."""
    return yaml.load(stream, Loader=_Loader)
