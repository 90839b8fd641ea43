"""Running a declared analysis (:mod:`xinzhi.registry`) on the warehouse: what the command
line does for ``xinzhi disparity … --evaluation NAME`` (and can do for ``xinzhi analysis``)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from xinzhi import registry, store

__all__ = ["run_declared"]


def run_declared(
    key: str,
    options: Mapping[str, Any],
    *,
    db: str | os.PathLike[str] | None = None,
    data_dir: str | os.PathLike[str] | None = None,
) -> Any:
    """The result of analysis ``key`` with ``options`` on the warehouse ``db``.

    Options left out or None take the declared defaults; every option is checked
    (:meth:`xinzhi.registry.Analysis.resolve`, Chinese :class:`~xinzhi.errors.InputError`)
    before the warehouse is opened.
    """
    analysis = registry.get(key)
    resolved = analysis.resolve(options)
    con = store.connect(db)
    try:
        return analysis.run(con, data_dir=data_dir, **resolved)
    finally:
        con.close()
