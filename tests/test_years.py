"""Years written as text (:func:`xinzhi.years.parse_years`): one parser for the CLI, the
pipelines and the declared options."""

from __future__ import annotations

import doctest

import xinzhi.years


def test_doctest() -> None:
    res = doctest.testmod(xinzhi.years)
    assert (res.failed, res.attempted) == (0, 1)
