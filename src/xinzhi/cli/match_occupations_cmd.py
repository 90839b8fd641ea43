"""``xinzhi match`` commands of the occupations part (registered by :mod:`xinzhi.cli.match_cmd`)."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add this part's commands to the ``xinzhi match`` group."""
