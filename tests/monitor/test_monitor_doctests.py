"""The doctests of the monitoring modules (worked examples with hand arithmetic)."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "xinzhi.monitor.panel",
    "xinzhi.monitor.signals",
    "xinzhi.monitor.trend",
    "xinzhi.monitor.digest",
]


@pytest.mark.parametrize("name", MODULES)
def test_doctests(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0
