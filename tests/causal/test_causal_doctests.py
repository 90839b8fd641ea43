"""Doctests of the causal modules (until tests/test_doctests.py lists them)."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = ["xinzhi.causal.cs", "xinzhi.causal.sdid", "xinzhi.causal.robustness"]


@pytest.mark.parametrize("name", MODULES)
def test_module_doctests(name: str) -> None:
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.attempted >= 1 and result.failed == 0
