"""Shared pieces of the command-line interface: error handling, JSON output, given options."""

from __future__ import annotations

import getpass
import json
import math
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
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


def open_db(db: Path | None) -> Any:
    """The warehouse connection of a command's ``--db`` option (default: the configured one)."""
    from xinzhi.pipelines.warehouse import open_warehouse

    return open_warehouse(db)


@contextmanager
def db_connection(db: Path | None) -> Iterator[Any]:
    """:func:`open_db` for the length of a ``with`` block (closed afterwards, also on errors)."""
    con = open_db(db)
    try:
        yield con
    finally:
        con.close()


def os_user() -> str:
    """The operating-system user running the command (``unknown`` when it cannot be read)."""
    try:
        return getpass.getuser()
    except Exception:
        return "unknown"


def account_name(account: str | None) -> str:
    """The account recorded with a change: the ``--account`` given, else :func:`os_user`."""
    return account or os_user()


def _plain(obj: Any) -> Any:
    """``obj`` with NaN / ±inf (float, NumPy or pandas missing values) as None, NumPy scalars
    as Python numbers, tuples and sets as lists, so the JSON is standard (no bare ``NaN``)."""
    if isinstance(obj, dict):
        return {str(k): _plain(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple | set | frozenset):
        return [_plain(v) for v in obj]
    item = getattr(obj, "item", None)
    if callable(item) and getattr(obj, "shape", None) == ():  # NumPy scalar
        obj = item()
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    if obj is not None and not isinstance(obj, str | int | float | bool):
        try:
            if obj != obj:  # NaT (and other values unequal to themselves)
                return None
        except TypeError:  # pd.NA: its truth value is ambiguous
            return None
        except ValueError:  # an array: left to ``default=str``
            pass
    return obj


def json_text(obj: Any) -> str:
    """``obj`` as standard JSON text (Chinese unescaped, indented): missing numbers as
    ``null``, never a bare ``NaN`` or ``Infinity``; JSON text given as ``str`` is re-read."""
    if isinstance(obj, str):
        obj = json.loads(obj)  # accepts the NaN tokens of a lax writer; written as null
    return json.dumps(_plain(obj), ensure_ascii=False, indent=2, default=str, allow_nan=False)


def echo_json(obj: Any) -> None:
    """Print ``obj`` as UTF-8 JSON (Chinese unescaped) for ``--json`` output (:func:`json_text`)."""
    sys.stdout.write(json_text(obj) + "\n")


def given(**options: Any) -> dict[str, Any]:
    """The options given on the command line: those left unset (None) are dropped, so the
    pipeline's declared defaults apply."""
    return {k: v for k, v in options.items() if v is not None}
