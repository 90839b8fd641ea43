"""Shared pieces of the command-line interface: error handling, JSON output, given options."""

from __future__ import annotations

import json
import sys
from typing import Any

import typer
from typer._click.core import Context
from typer.core import TyperGroup

from xinzhi.errors import XinzhiError


class XinzhiGroup(TyperGroup):
    """Top-level command group: a :class:`XinzhiError` is printed (Chinese) and exits 2."""

    def invoke(self, ctx: Context) -> Any:
        try:
            return super().invoke(ctx)
        except XinzhiError as exc:
            typer.secho(f"错误：{exc}", fg=typer.colors.RED, err=True)
            raise typer.Exit(2) from exc


def echo_json(obj: Any) -> None:
    """Print ``obj`` as UTF-8 JSON (Chinese unescaped) for ``--json`` output."""
    sys.stdout.write(json.dumps(obj, ensure_ascii=False, indent=2, default=str) + "\n")


def given(**options: Any) -> dict[str, Any]:
    """The options given on the command line: those left unset (None) are dropped, so the
    pipeline's declared defaults apply."""
    return {k: v for k, v in options.items() if v is not None}
