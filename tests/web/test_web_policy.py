"""Browser tests of the policy pages (政策计算器 ``/policy``, 政策库 ``/policy/library``, 兑现名单
``/policy/payout``): the real server on a free 127.0.0.1 port driven by headless Debian
chromium, as in :mod:`test_web_enterprise`.

The warehouse is the small one built in code plus the firms and the constructed document of
:mod:`test_policy_api` (示例数据), published before the server starts (the server locks the
warehouse). Expected values are the hand-worked ones of that module.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from test_web_browser import (
    CHROMIUM,
    CHROMIUM_ARGS,
    SERVER_SCRIPT,
    _exports,
    _free_port,
    _rows,
    _shot,
    _wait,
)

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "api"))
from test_policy_api import (  # noqa: E402
    A,
    D,
    DOC,
    DOC_OTHER,
    OTHER,
    OWN,
    build_policy_warehouse,
    document_yaml,
)

pytestmark = pytest.mark.browser

ADMIN = ("管理员甲", "admin-pass-123")
ANALYST = ("analyst1", "analyst-pass-123")
COUNTY = ("湘潭县用户", "county-pass-123", OWN)
ENGLISH_KEYS = re.compile(r"\b(credit_code|amount_min|amount_max|None|NaN|nan|undefined|null)\b")


@pytest.fixture(scope="module")
def web_warehouse(small_warehouse: Any, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The API tests' warehouse with both documents published and three accounts."""
    from xinzhi import auth, store
    from xinzhi.pipelines import policy as pp

    db = build_policy_warehouse(small_warehouse.db, tmp_path_factory.mktemp("web-policy"))
    con = store.connect(db)
    try:
        for doc_id, region in ((DOC, OWN), (DOC_OTHER, OTHER)):
            pp.save_draft(con, document_yaml(doc_id, region), account="测试")
            pp.publish(con, doc_id, on=dt.date(2024, 1, 1), account="测试")
        auth.add_user(con, ADMIN[0], ADMIN[1], "admin")
        auth.add_user(con, ANALYST[0], ANALYST[1], "analyst")
        auth.add_user(con, COUNTY[0], COUNTY[1], "county", COUNTY[2])
    finally:
        con.close()
    return db


@pytest.fixture(scope="module")
def server(
    web_warehouse: Path, data_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    port = _free_port()
    home = tmp_path_factory.mktemp("home")
    env = dict(
        os.environ,
        XINZHI_HOME=str(home),
        XINZHI_DATA_DIR=str(data_dir),
        XINZHI_SECRET_KEY="test-secret-key-for-browser-tests",
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", SERVER_SCRIPT, str(web_warehouse), str(port), str(data_dir)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        _wait(port, proc)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    sync_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.skip("需要 Debian chromium（apt-get install chromium）")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


def _login(browser: Any, server: str, who: tuple[str, ...]) -> tuple[Any, Any, list[str]]:
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    page = ctx.new_page()
    console: list[str] = []
    page.on("console", lambda m: console.append(f"{m.type}: {m.text}"))
    page.on("pageerror", lambda e: console.append(f"pageerror: {e}"))
    page.goto(server + "/login")
    page.fill("input[name=username]", who[0])
    page.fill("input[name=password]", who[1])
    page.click("button[type=submit]")
    page.wait_for_url(server + "/")
    return ctx, page, console


def _visible_text(page: Any) -> str:
    return page.evaluate(  # type: ignore[no-any-return]
        """() => { const b = document.body.cloneNode(true);
            b.querySelectorAll('script, style, template, .material-icons, .q-icon')
                .forEach(i => i.remove());
            return b.innerText; }"""
    )


def _csp_violations(console: list[str]) -> list[str]:
    return [m for m in console if "Content Security Policy" in m or "Refused to" in m]
