"""Fixtures of the browser tests: one headless chromium per test module (the live server is
started by each module over its own warehouse, with :func:`fixtures.live_server.live_server`)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from fixtures.live_server import chromium


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """A headless Debian chromium (skips when playwright or the browser is missing)."""
    with chromium() as b:
        yield b
