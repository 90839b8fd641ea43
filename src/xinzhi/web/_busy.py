"""A result box that shows a spinner while its work runs in a worker thread, then the result or
the reason it failed (pages 政策效果评估 and 人才).

:func:`busy_box` puts a full-width column with a spinner and a line of text (its row carries the
``data-testid`` the browser tests wait on); :func:`run_in_box` runs the work off the event loop,
clears the box and, when the work raises a :class:`xinzhi.errors.XinzhiError`, writes
``{failed}：{message}`` into it instead.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TypeVar

from nicegui import ui

from xinzhi.errors import XinzhiError

__all__ = ["busy_box", "run_in_box"]

T = TypeVar("T")


def busy_box(
    testid: str,
    text: str,
    *,
    row_classes: str = "items-center gap-2",
    spinner_size: str | None = None,
) -> ui.column:
    """A full-width column showing a spinner and ``text`` (row ``data-testid=testid``) until
    :func:`run_in_box` clears it."""
    box = ui.column().classes("w-full")
    with box, ui.row().classes(row_classes).props(f'data-testid="{testid}"'):
        if spinner_size is None:
            ui.spinner()
        else:
            ui.spinner(size=spinner_size)
        ui.label(text)
    return box


async def run_in_box(
    box: ui.column,
    work: Callable[[], T],
    failed: str,
    error_testid: str,
    *,
    error_classes: str = "text-negative",
) -> T | None:
    """``work()`` in a worker thread; the box is cleared either way. On a
    :class:`~xinzhi.errors.XinzhiError` the box shows ``{failed}：{message}`` (label
    ``data-testid=error_testid``) and the result is None."""
    try:
        res = await asyncio.to_thread(work)
    except XinzhiError as exc:
        box.clear()
        with box:
            ui.label(f"{failed}：{exc}").classes(error_classes).props(
                f'data-testid="{error_testid}"'
            )
        return None
    box.clear()
    return res
