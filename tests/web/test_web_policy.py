"""Browser tests of the policy pages (政策计算器 ``/policy``, 政策库 ``/policy/library``, 兑现名单
``/policy/payout``): the real server on a free 127.0.0.1 port driven by headless Debian
chromium, as in :mod:`test_web_enterprise`.

The warehouse is the small one built in code plus the firms and the constructed document of
:mod:`test_policy_api` (示例数据), published before the server starts (the server locks the
warehouse). Expected values are the hand-worked ones of that module.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from test_web_browser import (
    _exports,
    _rows,
    _shot,
)

from fixtures.live_server import add_accounts, csp_violations, live_server, login

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "api"))
from test_policy_api import (
    DOC,
    DOC_OTHER,
    OTHER,
    OWN,
    A,
    B,
    D,
    build_policy_warehouse,
    document_yaml,
    write_records,
)

pytestmark = pytest.mark.browser

ADMIN = ("管理员甲", "admin-pass-123")
ANALYST = ("analyst1", "analyst-pass-123")
COUNTY = ("湘潭县用户", "county-pass-123", OWN)
XSS = "<img src=x onerror=alert(1)>"
XSS_DOC = "test-xss"
ENGLISH_KEYS = re.compile(r"\b(credit_code|amount_min|amount_max|None|NaN|nan|undefined|null)\b")


@pytest.fixture(scope="module")
def web_warehouse(
    small_warehouse: Any, data_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    """The API tests' warehouse with both documents published and three accounts."""
    from xinzhi import store
    from xinzhi.pipelines import policy as pp

    db = build_policy_warehouse(small_warehouse.db, tmp_path_factory.mktemp("web-policy"))
    con = store.connect(db)
    try:
        for doc_id, region, title in (
            (DOC, OWN, "湘潭县支持制造业发展的若干措施"),
            (DOC_OTHER, OTHER, "长沙县支持制造业发展的若干措施"),
            (XSS_DOC, OWN, XSS),
        ):
            pp.save_draft(con, document_yaml(doc_id, region, title), account="测试")
            pp.publish(con, doc_id, on=dt.date(2024, 1, 1), account="测试")
        folder = tmp_path_factory.mktemp("records")
        report = pp.import_policy_records(con, write_records(folder), account="测试")
        assert report.rows_loaded == 8
    finally:
        con.close()
    add_accounts(db, (ADMIN, "admin"), (ANALYST, "analyst"), (COUNTY, "county"))
    return db


@pytest.fixture(scope="module")
def server(
    web_warehouse: Path, data_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    with live_server(web_warehouse, data_dir, tmp_path_factory.mktemp("home")) as url:
        yield url


def _visible_text(page: Any) -> str:
    return page.evaluate(  # type: ignore[no-any-return]
        """() => { const b = document.body.cloneNode(true);
            b.querySelectorAll('script, style, template, .material-icons, .q-icon')
                .forEach(i => i.remove());
            return b.innerText; }"""
    )


def _wait_results(page: Any, *, ok: bool = False) -> None:
    """Wait until the calculator shows its results or an error (``ok``: results, and an error
    fails with its text)."""
    page.wait_for_function(
        """() => document.querySelector('[data-testid=policy-results]') ||
                 document.querySelector('[data-testid=policy-error]')""",
        timeout=120_000,
    )
    page.wait_for_timeout(300)
    if ok:
        errors = page.locator("[data-testid=policy-error]").all_inner_texts()
        assert errors == [], errors


def _clause_rows(page: Any) -> dict[str, list[str]]:
    """Rows of the results table of the test document by clause: [政策文件, 条款, 条款名称, 结论,
    金额, 理由, 缺少的数据]."""
    rows = _rows(page, "policy-results")
    return {r[1]: r for r in rows if r[0].startswith("湘潭县支持制造业发展的若干措施")}


def test_calculator_shows_a_firms_clauses_with_amounts(
    browser: Any, server: str, tmp_path: Path
) -> None:
    """A county account looks up its firm A: every clause 符合 with its amount (30 + 10 + 3),
    no CSP violation, nothing in English."""
    ctx, page, console = login(browser, server, COUNTY)
    try:
        r = page.goto(server + f"/policy?code={A}")
        from xinzhi.api.security import PAGE_CSP

        assert r is not None and r.headers["content-security-policy"] == PAGE_CSP
        _wait_results(page, ok=True)
        rows = _clause_rows(page)
        assert [rows[c][2:5] for c in ("1-1", "2-1", "3-1")] == [
            ["营业收入奖励", "符合", "30.00 万元"],
            ["研发投入补助", "符合", "10.00 万元"],
            ["稳岗奖励", "符合", "3.00 万元"],
        ]
        text = _visible_text(page)
        assert not ENGLISH_KEYS.findall(text), ENGLISH_KEYS.findall(text)
        _shot(page, tmp_path, "policy-calculator.png")
    finally:
        ctx.close()
    assert csp_violations(console) == [], console


def test_calculator_form(browser: Any, server: str) -> None:
    """The form asks for the fields the clauses read; 1000 / 30 / 100 gives 30, 3 and 2 万元."""
    ctx, page, console = login(browser, server, ANALYST)
    try:
        page.goto(server + "/policy")
        page.wait_for_selector("[data-testid=policy-form]", timeout=120_000)
        for field, value in (
            ("region_code", OWN),  # an analyst says where the firm is
            ("revenue", "1000"),
            ("rd_expenditure", "30"),
            ("employees", "100"),
        ):
            page.fill(f"input[data-field={field}]", value)
        page.click("[data-testid=policy-compute]")
        _wait_results(page, ok=True)
        rows = _clause_rows(page)
        assert [rows[c][3:5] for c in ("1-1", "2-1", "3-1")] == [
            ["符合", "30.00 万元"],
            ["符合", "3.00 万元"],
            ["符合", "2.00 万元"],
        ]
        # 长沙县's document does not apply to a firm of 湘潭县
        assert not any(r[0].startswith("长沙县") for r in _rows(page, "policy-results"))
    finally:
        ctx.close()
    assert [m for m in console if m.startswith("pageerror")] == []


def test_county_account_sees_neither_other_firms_nor_documents(browser: Any, server: str) -> None:
    ctx, page, _ = login(browser, server, COUNTY)
    try:
        page.goto(server + f"/policy?code={D}")
        _wait_results(page)
        assert page.locator("[data-testid=policy-results]").count() == 0
        assert page.locator("[data-testid=policy-error]").count() == 1
        page.goto(server + f"/policy/library?doc={DOC_OTHER}")
        page.wait_for_selector("[data-testid=policy-error]", timeout=60_000)
        assert page.inner_text("[data-testid=policy-error]") == (
            f"县区用户只能查看适用于本县区的政策文件（请求的文件适用于 {OTHER}）"
        )
        assert "长沙县支持制造业发展的若干措施" not in _visible_text(page)
    finally:
        ctx.close()


def test_library_shows_source_beside_rule(browser: Any, server: str, tmp_path: Path) -> None:
    ctx, page, console = login(browser, server, COUNTY)
    try:
        page.goto(server + f"/policy/library?doc={DOC}")
        page.wait_for_selector("[data-testid=policy-clauses]", timeout=60_000)
        clauses = page.inner_text("[data-testid=policy-clauses]")
        assert "营业收入达到1000万元及以上的企业，一次性奖励30万元。" in clauses
        assert "fixed: 30" in clauses and "ratio: [rd_expenditure, revenue]" in clauses
        # its own county's published document: it may retire it (from a date)
        assert page.locator("[data-testid=policy-retire]").count() == 1
        assert page.locator("[data-testid=policy-publish]").count() == 0
        ids = {r[0] for r in _rows(page, "policy-documents")}
        assert "湘潭县支持制造业发展的若干措施（测试）" in ids
        assert "长沙县支持制造业发展的若干措施（测试）" not in ids
        _shot(page, tmp_path, "policy-library.png")
    finally:
        ctx.close()
    assert csp_violations(console) == []


def test_payout_page_downloads_and_audits(browser: Any, server: str, tmp_path: Path) -> None:
    import openpyxl

    ctx, page, _ = login(browser, server, COUNTY)
    actx, admin, _ = login(browser, server, ADMIN)
    try:
        page.goto(server + f"/policy/payout?doc={DOC}")
        page.wait_for_selector("[data-testid=payout-summary]", timeout=60_000)
        # demand: A 30 + 10 + 3, C 30 + 3 = 76 万元 of a budget of 100
        assert "需求合计 76.00 万元 · 预算 100.00 万元" in page.inner_text(
            "[data-testid=payout-summary]"
        )
        with page.expect_download(timeout=60_000) as dl:
            page.click("[data-testid=payout-download]")
        assert dl.value.suggested_filename == f"兑现名单_{DOC}.xlsx"
        path = tmp_path / "payout.xlsx"
        dl.value.save_as(path)
        assert openpyxl.load_workbook(path).sheetnames[:2] == ["兑现名单", "推送名单"]
        target, detail = _exports(admin, server, COUNTY[0])[-1]
        assert target == f"firms:payout-{DOC}:{OWN}"
        # the effect of 2024 (records of test_policy_api): 知晓 2 of 3 notified, paid 1 of 2
        # eligible, 满意度 (5 + 3) / 2
        effect = _rows(page, "effect-table")
        assert [r[1] for r in effect] == ["2024"]
        headers = page.eval_on_selector(
            "[data-testid=effect-table]",
            "el => [...el.querySelectorAll('thead th')].map(h => h.innerText.replace('arrow_upward', '').trim())",
        )
        row = dict(zip(headers, effect[0], strict=True))
        assert (row["知晓率"], row["兑现率"], row["满意度"]) == ("66.7%", "50.0%", "4.00")
        assert (detail["kind"], detail["county"], detail["via"]) == ("firms", OWN, "web")
    finally:
        ctx.close()
        actx.close()


def test_text_is_never_html(browser: Any, server: str) -> None:
    """A title that is an HTML probe is shown as text everywhere (list, detail, calculator) and
    runs nothing."""
    ctx, page, console = login(browser, server, COUNTY)
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    try:
        page.goto(server + f"/policy/library?doc={XSS_DOC}")
        page.wait_for_selector("[data-testid=policy-title]", timeout=60_000)
        assert page.inner_text("[data-testid=policy-title]") == XSS + "（测试）"
        page.goto(server + f"/policy?code={A}")
        _wait_results(page, ok=True)
        assert XSS + "（测试）" in _visible_text(page)
        page.goto(server + f"/policy/payout?doc={XSS_DOC}")
        page.wait_for_selector("[data-testid=payout-summary]", timeout=60_000)
        page.wait_for_timeout(500)
        assert page.locator("img[src=x]").count() == 0
    finally:
        ctx.close()
    assert dialogs == []
    assert [m for m in console if m.startswith("pageerror")] == []


def test_draft_review_and_publish(browser: Any, server: str, tmp_path: Path) -> None:
    """The county office pastes a text, sees the proposals with their sentences, saves its
    YAML as a draft (待审核, in the review queue), publishes it from a date; both audited."""
    ctx, page, console = login(browser, server, COUNTY)
    actx, admin, _ = login(browser, server, ADMIN)
    try:
        page.goto(server + "/policy/library")
        page.wait_for_selector("[data-testid=policy-extract]", timeout=60_000)
        page.fill(
            "textarea[data-testid=policy-source]",
            "第一条 对营业收入达到1000万元及以上的企业，一次性奖励30万元。",
        )
        page.click("[data-testid=policy-extract]")
        page.wait_for_selector("[data-testid=policy-proposals]", timeout=60_000)
        assert "对营业收入达到1000万元及以上的企业，一次性奖励30万元。" in _visible_text(page)
        assert "fixed: 30" in page.input_value("textarea[data-testid=policy-yaml]")
        # the reviewed document: the constructed one under a new id
        page.fill(
            "textarea[data-testid=policy-yaml]",
            document_yaml("test-xiangtan-web", OWN, "湘潭县网页起草的文件"),
        )
        page.click("[data-testid=policy-save]")
        page.wait_for_url(re.compile(r".*doc=test-xiangtan-web"), timeout=60_000)
        page.wait_for_selector("[data-testid=policy-title]", timeout=60_000)
        assert "状态 待审核" in _visible_text(page)
        queue = [r[0] for r in _rows(page, "policy-queue")]
        assert "test-xiangtan-web" in queue
        page.fill("input[data-testid=policy-date]", "2025-01-01")
        page.click("[data-testid=policy-publish]")
        page.wait_for_selector("[data-testid=policy-retire]", timeout=60_000)
        assert "状态 已发布" in _visible_text(page)
        _shot(page, tmp_path, "policy-published.png")
        assert _exports(admin, server, COUNTY[0], "policy_draft")[-1] == (
            "policy:test-xiangtan-web",
            {"via": "web"},
        )
        assert _exports(admin, server, COUNTY[0], "policy_publish")[-1] == (
            "policy:test-xiangtan-web",
            {"on": "2025-01-01", "via": "web"},
        )
    finally:
        ctx.close()
        actx.close()
    assert csp_violations(console) == []


def test_a_looked_up_firm_completed_by_the_form(browser: Any, server: str) -> None:
    """Firm B lacks 研发费用 (2-1 可能符合): giving it in the form (50 / 999 ≥ 0.03) turns the
    clause 符合 with 50 × 10% = 5 万元, the warehouse's other data kept (1-1 still 不符合)."""
    ctx, page, _ = login(browser, server, COUNTY)
    try:
        page.goto(server + f"/policy?code={B}")
        _wait_results(page, ok=True)
        assert _clause_rows(page)["2-1"][3:5] == ["可能符合", "0.00–50.00 万元"]
        page.wait_for_selector("input[data-field=rd_expenditure]", timeout=60_000)
        page.fill("input[data-field=rd_expenditure]", "50")
        page.click("[data-testid=policy-compute]")
        page.wait_for_function(
            # the new table (the old one also shows 5.00 万元, of a built-in clause)
            "() => { const e = document.querySelector('[data-testid=policy-error]');"
            " const rows = [...document.querySelectorAll('[data-testid=policy-results] tbody tr')];"
            " return e || rows.some(r => r.innerText.includes('研发投入补助') &&"
            " r.innerText.includes('5.00 万元')); }",
            timeout=60_000,
        )
        _wait_results(page, ok=True)
        rows = _clause_rows(page)
        assert rows["2-1"][3:5] == ["符合", "5.00 万元"]
        assert rows["1-1"][3] == "不符合"
    finally:
        ctx.close()
