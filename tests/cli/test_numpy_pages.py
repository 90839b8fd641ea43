"""The CLI entry point turns numpy's huge-page advice off unless the user set numpy's switch."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest

import xinzhi.cli as cli

multiarray = np._core.multiarray


@pytest.fixture
def restore_advice() -> Iterator[None]:
    before = multiarray._get_madvise_hugepage()
    yield
    multiarray._set_madvise_hugepage(before)


def test_main_turns_huge_page_advice_off(
    monkeypatch: pytest.MonkeyPatch, restore_advice: None
) -> None:
    monkeypatch.delenv("NUMPY_MADVISE_HUGEPAGE", raising=False)
    monkeypatch.setattr(cli, "app", lambda: None)
    multiarray._set_madvise_hugepage(True)
    cli.main()
    assert multiarray._get_madvise_hugepage() is False


def test_users_setting_is_kept(monkeypatch: pytest.MonkeyPatch, restore_advice: None) -> None:
    monkeypatch.setenv("NUMPY_MADVISE_HUGEPAGE", "1")
    monkeypatch.setattr(cli, "app", lambda: None)
    multiarray._set_madvise_hugepage(True)
    cli.main()
    assert multiarray._get_madvise_hugepage() is True
