"""Shared fixtures.

Public data is reached through the dataset registry pointed at the mirror in ``XINZHI_DATA_DIR``
(CI: ``../shared/data``). Without a mirror, tests that need it are skipped — unless
``XINZHI_REQUIRE_DATA=1`` (CI), where they fail instead.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from fixtures.warehouse import SmallWarehouse, build_small_warehouse


@pytest.fixture(autouse=True)
def _isolated_home(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Never touch the user's ~/.xinzhi: default warehouse and cache go to a temp dir."""
    home = tmp_path_factory.getbasetemp() / "xinzhi-home"
    monkeypatch.setenv("XINZHI_HOME", str(home))
    monkeypatch.delenv("XINZHI_DB", raising=False)


@pytest.fixture(scope="session")
def data_dir() -> Path:
    """The public-data mirror, or skip (fail under XINZHI_REQUIRE_DATA=1)."""
    env = os.environ.get("XINZHI_DATA_DIR")
    if env and (Path(env) / "areacodes").is_dir():
        return Path(env)
    msg = "需要公共数据镜像：设置 XINZHI_DATA_DIR（如 ../shared/data）"
    if os.environ.get("XINZHI_REQUIRE_DATA") == "1":
        pytest.fail(msg)
    pytest.skip(msg)


@pytest.fixture(scope="session")
def public_warehouse(data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A warehouse built once per test session from the public data (read it, don't change it;
    copy it with :func:`shutil.copy` first if a test needs to modify it)."""
    from xinzhi.pipelines.warehouse import build_warehouse

    db = tmp_path_factory.mktemp("public-warehouse") / "xinzhi.duckdb"
    build_warehouse(db, data_dir)
    return db


@pytest.fixture(scope="session")
def small_warehouse(tmp_path_factory: pytest.TempPathFactory) -> SmallWarehouse:
    """A warehouse of 14 real counties (2010, 2020; one renamed, one merged unit) with 示例数据
    values and a stored ``nqpf-county`` evaluation, built in code in about a second without
    the public data (see :mod:`fixtures.warehouse`). Read it, don't change it: copy
    ``small_warehouse.db`` with :func:`shutil.copy` first if a test needs to modify it."""
    return build_small_warehouse(tmp_path_factory.mktemp("small-warehouse"))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """Under ``XINZHI_NO_SKIP=1`` (CI) a skipped test fails: a missing tool (chromium, Java,
    playwright) or data set must not let a test pass silently."""
    outcome = yield
    rep = outcome.get_result()
    if os.environ.get("XINZHI_NO_SKIP") == "1" and rep.skipped and not hasattr(rep, "wasxfail"):
        rep.outcome = "failed"
        rep.longrepr = f"CI 不允许跳过测试（XINZHI_NO_SKIP=1）：{rep.longrepr}"
