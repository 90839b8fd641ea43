"""Run a declared analysis (:mod:`xinzhi.registry`) on the warehouse.

* :func:`run_declared` — open the warehouse and run (the CLI commands derived from the registry;
  a local user sees everything);
* :func:`authorise` — the access check of an account before a declared analysis runs (REST API
  and web pages): a county-scoped analysis (``scope="county"``, record-level data such as the
  firms of a chain analysis) only for a county the account may see
  (:func:`xinzhi.auth.policy.require_county`); without a county (an optional county option,
  e.g. the enterprise evaluations over every firm) only roles that see every county.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from xinzhi import store
from xinzhi.auth import policy
from xinzhi.auth.accounts import User
from xinzhi.pipelines.industry import resolve_county
from xinzhi.registry import Analysis

__all__ = ["authorise", "record_county", "run_declared"]


def authorise(con: Any, analysis: Analysis, options: Mapping[str, Any], user: User) -> None:
    """Raise :class:`xinzhi.auth.policy.AccessDenied` when ``user`` may not run ``analysis``
    with ``options``; public analyses are open to every account."""
    if analysis.scope != "county":
        return
    # no county named: the record-level data of every county, for unrestricted roles only
    policy.require_county(user, record_county(con, analysis, options))


def record_county(con: Any, analysis: Analysis, options: Mapping[str, Any]) -> str | None:
    """The 6-digit code of the county whose records a county-scoped ``analysis`` shows with
    ``options`` (None: a public analysis, or every county)."""
    county = options.get("county")
    if analysis.scope != "county" or not county:
        return None
    return resolve_county(con, str(county))[0]


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
