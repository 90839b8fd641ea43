"""Run a declared analysis (:mod:`xinzhi.registry`) on the warehouse: the one entry the CLI
commands derived from the registry use (the API and the web pass their own connection to
:meth:`xinzhi.registry.Analysis.run`)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from xinzhi import store
from xinzhi.registry import Analysis

__all__ = ["run_declared"]


def run_declared(
    analysis: Analysis,
    options: Mapping[str, Any],
    *,
    db: str | os.PathLike[str] | None = None,
    data_dir: str | os.PathLike[str] | None = None,
) -> Any:
    """``analysis`` with ``options`` (validated before the warehouse ``db`` is opened; unset
    options take the declared defaults) on the warehouse; returns the result object."""
    resolved = analysis.resolve(options)
    con = store.connect(db)
    try:
        return analysis.run(con, data_dir=data_dir, **resolved)
    finally:
        con.close()
