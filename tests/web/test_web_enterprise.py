"""Browser tests of the page 企业 (/enterprise): the real server on a free 127.0.0.1 port driven
by headless Debian chromium, as in :mod:`test_web_browser`.

The warehouse is the small one built in code (:mod:`fixtures.warehouse`) plus synthetic firms
(示例数据, :func:`xinzhi.pipelines.firms.generate_firms`, seed 5) spread over 湘潭县 and 湘乡市
by a small census table weighted to manufacturing, with three years of firm-year data and
labels; 长沙县 has no firms. What the page must show is computed before the server starts
(the server locks the warehouse) by the same pipelines the page calls.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from test_web_browser import (
    _exports,
    _rows,
    _shot,
)

from fixtures.live_server import live_server

pytestmark = pytest.mark.browser

ADMIN = ("管理员甲", "admin-pass-123")
ANALYST = ("analyst1", "analyst-pass-123")
COUNTY = ("湘潭县用户", "county-pass-123", "430321")
NEIGHBOUR = "430381"  # 湘乡市: firms too, another county for the county account
EMPTY = "430121"  # 长沙县: no firm data
PLAIN = "430382"  # 韶山市: two imported firms (not 示例数据) without 经度 / 纬度
SECTIONS = "ABCDEFGHIJKLMNOPQRST"
#: English keys of the data model that must never reach a user
ENGLISH_KEYS = re.compile(
    r"\b(above_scale|land_area|tax_per_mu|credit_code|list_key|class_prev|huaian|"
    r"rule_version|n_failed|n_missing|None|NaN|nan|undefined|null)\b"
)


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small warehouse with synthetic firms in two counties and three accounts."""
    from fixtures.warehouse import build_small_warehouse
    from xinzhi import auth, store
    from xinzhi.pipelines.firms import generate_firms

    folder = tmp_path_factory.mktemp("web-enterprise")
    w = build_small_warehouse(folder)
    # employment by section: manufacturing first (firms with land, tax and electricity)
    census = pd.DataFrame(
        {
            "region_code": [COUNTY[2], NEIGHBOUR],
            "pop_total": [900_000, 800_000],
            **{
                f"emp_sec_{s}": [40_000, 30_000]
                if s == "C"
                else [3_000, 2_500]
                if s in "BDEFGI"
                else [800, 700]
                for s in SECTIONS
            },
        }
    )
    census.to_csv(folder / "census.csv", index=False)
    generate_firms(
        folder / "firms.parquet", n=120, seed=5, census=folder / "census.csv", load=True, db=w.db
    )
    _plain_county(folder, w.db)
    con = store.connect(w.db)
    try:
        auth.add_user(con, ADMIN[0], ADMIN[1], "admin")
        auth.add_user(con, ANALYST[0], ANALYST[1], "analyst")
        auth.add_user(con, COUNTY[0], COUNTY[1], "county", COUNTY[2])
    finally:
        con.close()
    return w.db


def _plain_county(folder: Path, db: Path) -> None:
    """Two firms of 韶山市 imported from files without coordinates (the page shows a note)."""
    from xinzhi.codes.credit import credit_check_chars, org_check_chars
    from xinzhi.pipelines.enterprise_data import import_firm_years_file
    from xinzhi.pipelines.firms import import_firm_file

    codes = []
    for serial in (30_001, 30_002):
        org = f"{serial:08d}"
        org += str(org_check_chars(pd.Series([org]))[0])
        body = "91" + PLAIN + org
        codes.append(body + str(credit_check_chars(pd.Series([body]))[0]))
    pd.DataFrame(
        {
            "统一社会信用代码": codes,
            "企业名称": ["韶山测试甲有限公司", "韶山测试乙有限公司"],
            "所在县": ["韶山市", "韶山市"],
            "行业代码": ["3411", "3411"],
            "成立日期": ["2010-05-01", "2012-05-01"],
            "经营状态": ["存续", "存续"],
        }
    ).to_csv(folder / "韶山名录.csv", index=False)
    pd.DataFrame(
        {
            "统一社会信用代码": codes,
            "年份": [2024, 2024],
            "是否规上": ["是", "是"],
            "所在园区": ["韶山高新技术产业开发区", None],
            "用地面积(亩)": [20.0, 10.0],
            "实缴税金(万元)": [400.0, 100.0],
        }
    ).to_csv(folder / "韶山年度.csv", index=False)
    assert import_firm_file(folder / "韶山名录.csv", db=db).report.rows_loaded == 2
    assert import_firm_years_file(folder / "韶山年度.csv", db=db).rows_loaded == 2


@pytest.fixture(scope="module")
def reference(warehouse: Path) -> dict[str, Any]:
    """What the page shows, from the pipelines it calls (before the server locks the file)."""
    from xinzhi import store
    from xinzhi.pipelines import enterprise as pe

    con = store.connect(warehouse, read_only=True)
    try:
        mujun = pe.mujun_scores(con, county=COUNTY[2])
        neighbour = pe.mujun_scores(con, county=NEIGHBOUR)
        tiers = pe.tier_checks(con, county=COUNTY[2])
        size = pe.size_classes(con, county=COUNTY[2])
    finally:
        con.close()
    t = mujun.tidy()
    rated = t[t["class"] != "T"].sort_values("score", ascending=False)
    moved = pe.what_if_shares(mujun, (40, 20, 35, 5))
    first_tier = str(tiers.status_counts()["tier"].iloc[0])
    points = mujun.firm_points()
    parks = mujun.park_centroids()
    return {
        "points": {c: int((points["class"] == c).sum()) for c in "ABCDT"},
        "parks": sorted(parks.loc[parks["located"] > 0, "park"]),
        "year": mujun.year,
        "firms": len(t),
        "codes": set(t["credit_code"]),
        "neighbour_codes": set(neighbour.tidy()["credit_code"]),
        "top": rated.iloc[0].to_dict(),
        "counts": mujun.class_counts(),
        "what_if": (
            int((moved["change"] == "升").sum()),
            int((moved["change"] == "降").sum()),
        ),
        "first_tier": first_tier,
        "candidates": tiers.candidates(first_tier).head(10)["credit_code"].tolist(),
        "size_total": int(size.counts().iloc[-1]["合计"]),
        "lists": [str(x) for x in mujun.class_counts()["list"]],
    }


@pytest.fixture(scope="module")
def server(
    warehouse: Path,
    reference: dict[str, Any],
    data_dir: Path,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[str]:
    with live_server(warehouse, data_dir, tmp_path_factory.mktemp("home")) as url:
        yield url


def _login(browser: Any, server: str, who: tuple[str, ...], width: int = 1440) -> tuple[Any, Any]:
    ctx = browser.new_context(viewport={"width": width, "height": 900}, accept_downloads=True)
    page = ctx.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(server + "/login")
    page.fill("input[name=username]", who[0])
    page.fill("input[name=password]", who[1])
    page.click("button[type=submit]")
    page.wait_for_url(server + "/")
    page.js_errors = errors
    return ctx, page


@pytest.fixture(scope="module")
def admin(browser: Any, server: str) -> Iterator[Any]:
    ctx, page = _login(browser, server, ADMIN)
    yield page
    ctx.close()


def _open(page: Any, server: str, query: str) -> None:
    """Open the page and wait until every section is drawn (the 亩均 classes come first, the
    other evaluations below them as they finish) or an error ends it."""
    page.goto(server + "/enterprise?" + query)
    page.wait_for_function(
        """() => !document.querySelector('[data-testid=enterprise-busy]') && (
            document.querySelector('[data-testid=what-if-summary]') ||
            document.querySelector('[data-testid=enterprise-error]'))""",
        timeout=180_000,
    )
    page.wait_for_timeout(300)


def _column(page: Any, testid: str, header: str) -> list[str]:
    """The cells (as shown) of the column headed ``header`` on the current table page."""
    return page.eval_on_selector(  # type: ignore[no-any-return]
        f"[data-testid={testid}]",
        """(el, header) => {
            const heads = [...el.querySelectorAll('thead th')].map(h => h.innerText.trim());
            const i = heads.findIndex(h => h.replace(/arrow_upward/g, '').trim() === header);
            if (i < 0) return ['<no column ' + header + '>'];
            return [...el.querySelectorAll('tbody tr')].map(r => r.cells[i].innerText.trim());
        }""",
        header,
    )


def _visible_text(page: Any) -> str:
    """The page's text without the Material icon ligatures (arrow_upward …)."""
    return page.evaluate(  # type: ignore[no-any-return]
        """() => { const b = document.body.cloneNode(true);
            b.querySelectorAll('script, style, template, .material-icons, .q-icon')
                .forEach(i => i.remove());
            return b.innerText; }"""
    )


@pytest.mark.parametrize("width", [1440, 1366])
def test_admin_sees_classes_tables_and_formats(
    browser: Any, server: str, reference: dict[str, Any], width: int, tmp_path: Path
) -> None:
    ctx, page = _login(browser, server, ADMIN, width)
    try:
        _open(page, server, f"county={COUNTY[2]}")
        text = _visible_text(page)
        # 示例数据 banner once, above the results
        assert page.locator("[data-testid=synthetic-note]").count() == 1
        assert "示例数据" in page.inner_text("[data-testid=synthetic-note]")
        assert f"数据年度 {reference['year']} 年" in text
        # Chinese everywhere: no data-model key, no Python/JS empty value shown
        assert not ENGLISH_KEYS.findall(text), ENGLISH_KEYS.findall(text)
        assert "淮安市工业企业资源集约利用综合评价" in text and "预设 huaian" not in text
        # the class chart: one bar series per class, one category per list, drawn as SVG
        chart = page.eval_on_selector(
            "[data-testid=class-chart]",
            """async el => {
                const maps = await import('/web/static/xinzhi-maps.js');
                const o = maps.instanceOf(el).getOption();
                return {names: o.series.map(s => s.name), lists: o.yAxis[0].data,
                        values: o.series.map(s => s.data.map(d => d.value)),
                        paths: el.querySelectorAll('svg path').length};
            }""",
        )
        assert chart["names"] == ["A 类", "B 类", "C 类", "D 类", "T 类（不参评）"]
        assert chart["lists"] == reference["lists"]
        counts = reference["counts"]
        assert chart["values"] == [[int(v) for v in counts[c]] for c in "ABCDT"]
        assert chart["paths"] >= 5
        # class table: counts and shares of the rated firms as percentages
        share = _column(page, "class-table", "A 类占比")
        for (_, row), shown in zip(counts.iterrows(), share, strict=True):
            rated = sum(int(row[c]) for c in "ABCD")
            assert shown == ("—" if rated == 0 else f"{100 * int(row['A']) / rated:.1f}%")
        # 亩均税收 with two decimals (or — when missing), scores too
        for testid, header in (
            ("firm-table", "亩均税收（万元/亩）"),
            ("firm-table", "综合得分"),
            ("park-table", "亩均税收（万元/亩）"),
        ):
            cells = _column(page, testid, header)
            assert cells and all(re.fullmatch(r"—|-?[\d,]+\.\d\d", c) for c in cells), cells
        firms = _rows(page, "firm-table")
        assert len(firms) == min(15, reference["firms"])
        assert {r[0] for r in firms} <= reference["codes"]
        assert f"企业名单（{reference['firms']} 家）" in text
        # size classes: the last row is the total of the county's firms
        size = _rows(page, "size-counts")
        assert size[-1][0] == "合计" and size[-1][-1] == str(reference["size_total"])
        assert page.js_errors == []
        _shot(page, tmp_path, f"enterprise-{width}.png")
    finally:
        ctx.close()


def test_firm_card_explains_one_firm(admin: Any, server: str, reference: dict[str, Any]) -> None:
    top = reference["top"]
    _open(admin, server, f"county={COUNTY[2]}")
    # pick the firm in the select: the page navigates to its card
    admin.click("[data-testid=firm-select]")
    admin.keyboard.type(top["credit_code"][-8:])
    admin.wait_for_selector(f".q-menu .q-item:has-text('{top['credit_code']}')")
    admin.click(f".q-menu .q-item:has-text('{top['credit_code']}')")
    admin.wait_for_selector("[data-testid=firm-card]", timeout=60_000)
    assert f"firm={top['credit_code']}" in admin.url
    card = admin.inner_text("[data-testid=firm-card]")
    assert f"{top['name']}（{top['credit_code']}）" in card
    assert admin.inner_text("[data-testid=card-class]") == f"{top['class']} 类"
    assert f"综合得分 {top['score']:.2f} · {top['list']}" in card
    assert "企业规模：" in card and "亩均税收" in card
    tiers = _rows(admin, "card-tiers")
    assert len(tiers) == 5 and all(r[1] in ("通过", "不通过", "需补充数据") for r in tiers)
    assert not ENGLISH_KEYS.findall(card)


def test_tier_candidates_and_what_if_slider(
    admin: Any, server: str, reference: dict[str, Any], tmp_path: Path
) -> None:
    _open(admin, server, f"county={COUNTY[2]}")
    cands = _rows(admin, "tier-candidates")
    assert [r[0] for r in cands] == reference["candidates"]
    assert all(r[1].startswith("（示例）") for r in cands)  # names, not only codes
    summary = admin.locator("[data-testid=what-if-summary]")
    assert summary.inner_text().startswith("A 20% / B 40% / C 35% / D 5%：")
    # B 40 → 20, then A 20 → 40 with the keyboard (Page Up / Down: ten steps of 1 %)
    for slider, key in (("B", "PageDown"), ("B", "PageDown"), ("A", "PageUp"), ("A", "PageUp")):
        admin.locator(f"[data-testid=share-{slider}] [tabindex]").press(key)
    up, down = reference["what_if"]
    expected = f"A 40% / B 20% / C 35% / D 5%：{up} 家升级，{down} 家降级"
    admin.wait_for_function(
        "t => document.querySelector('[data-testid=what-if-summary]').innerText === t",
        arg=expected,
        timeout=30_000,
    )
    assert up > 0  # the constructed county has a B firm that moves to A
    # more than 100 %: a Chinese sentence, no table
    for _ in range(7):
        admin.locator("[data-testid=share-A] [tabindex]").press("PageUp")
    admin.wait_for_selector("text=不能超过 100%", timeout=30_000)
    assert admin.locator("[data-testid=what-if-table]").count() == 0
    _shot(admin, tmp_path, "enterprise-what-if.png")


def test_workbook_download_sheets_colours_and_audit(
    admin: Any, server: str, reference: dict[str, Any], tmp_path: Path
) -> None:
    import openpyxl

    _open(admin, server, f"county={COUNTY[2]}")
    with admin.expect_download(timeout=60_000) as dl:
        admin.click("[data-testid=mujun-download]")
    assert dl.value.suggested_filename == f"亩均效益评价_{COUNTY[2]}_{reference['year']}.xlsx"
    path = tmp_path / "mujun.xlsx"
    dl.value.save_as(path)
    book = openpyxl.load_workbook(path)
    # one sheet per list, then the totals and the source
    assert book.sheetnames == [
        "评价结果",
        *reference["lists"],
        "园区汇总",
        "分类统计",
        "较上年变化",
        "说明",
    ]
    for name in ["评价结果", *reference["lists"]]:
        ws = book[name]
        headers = [c.value for c in ws[1]]
        assert headers[:3] == ["统一社会信用代码", "企业名称", "县（区）代码"]
        assert "亩均税收（万元/亩）" in headers and "类别" in headers
        assert all(re.search(r"[\u4e00-\u9fff]", str(h)) for h in headers), headers
        # the class column coloured: one rule per class on its cells
        col = openpyxl.utils.get_column_letter(headers.index("类别") + 1)
        rules = {
            str(rng.sqref): [r.formula[0] for r in rng.rules] for rng in ws.conditional_formatting
        }
        assert rules == {f"{col}2:{col}{ws.max_row}": ['"A"', '"B"', '"C"', '"D"', '"T"']}
    assert len(list(book["评价结果"].iter_rows(min_row=2))) == reference["firms"]
    info = [r[1].value for r in book["说明"].iter_rows(min_row=2)]
    assert any("示例数据" in str(v) for v in info)
    # audited as the API's workbook download (GET /api/analyses/mujun/export.xlsx)
    target, detail = _exports(admin, server, ADMIN[0])[-1]
    assert target == f"firms:mujun:{COUNTY[2]}"
    assert detail == {
        "kind": "firms",
        "format": "xlsx",
        "county": COUNTY[2],
        "year": reference["year"],
        "rows": reference["firms"],
        "analysis": "mujun",
        "via": "web",
    }


def test_county_without_firm_data_is_a_chinese_sentence(admin: Any, server: str) -> None:
    _open(admin, server, f"county={EMPTY}")
    error = admin.inner_text("[data-testid=enterprise-error]")
    assert error == f"无法评价：长沙县（{EMPTY}）没有 2024 年的企业年度数据"
    body = _visible_text(admin)
    assert "Traceback" not in body and "Error" not in body
    assert admin.locator("[data-testid=firm-table]").count() == 0
    assert admin.locator("[data-testid=mujun-download]").count() == 0
    # a date that is not one: the same kind of sentence in the section 梯度培育; the other
    # evaluations (which do not read the date) are still shown
    _open(admin, server, f"county={COUNTY[2]}&date=2026-13-40")
    assert admin.locator("[data-testid=enterprise-error]").all_inner_texts() == [
        "无法评价：评定日期应写作 YYYY-MM-DD（如 2026-04-01），得到 '2026-13-40'"
    ]
    assert admin.locator("[data-testid=tier-counts]").count() == 0
    for testid in ("firm-table", "size-counts", "what-if-summary", "simulation-parks"):
        assert admin.locator(f"[data-testid={testid}]").count() == 1, testid
    assert "Traceback" not in _visible_text(admin)


def test_county_account_sees_its_own_county_only(
    browser: Any, server: str, admin: Any, reference: dict[str, Any], tmp_path: Path
) -> None:
    ctx, page = _login(browser, server, COUNTY)
    try:
        # no county in the URL: its own county
        _open(page, server, "")
        assert page.input_value("[data-testid=enterprise-county]") == COUNTY[2]
        codes = {r[0] for r in _rows(page, "firm-table")}
        assert codes and codes <= reference["codes"]
        # its own workbook downloads and is audited
        with page.expect_download(timeout=60_000) as dl:
            page.click("[data-testid=mujun-download]")
        assert dl.value.suggested_filename.startswith(f"亩均效益评价_{COUNTY[2]}_")
        target, detail = _exports(admin, server, COUNTY[0])[-1]
        assert target == f"firms:mujun:{COUNTY[2]}"
        assert detail["kind"] == "firms" and detail["county"] == COUNTY[2]
        before = _exports(admin, server, COUNTY[0])

        # another county in the URL, by code or by name: the refusal and nothing else
        for other in (NEIGHBOUR, "湘乡市"):
            _open(page, server, f"county={other}")
            assert page.inner_text("[data-testid=enterprise-error]") == (
                f"县区用户只能查看本县区的企业记录等明细数据（请求的县区：{NEIGHBOUR}）"
            )
            body = _visible_text(page)
            assert not any(code in body for code in reference["neighbour_codes"])
            for testid in ("firm-table", "mujun-download", "synthetic-note", "class-chart"):
                assert page.locator(f"[data-testid={testid}]").count() == 0, testid
        _shot(page, tmp_path, "enterprise-county-refused.png")
        # nothing was downloaded or audited for the other county
        assert _exports(admin, server, COUNTY[0]) == before
    finally:
        ctx.close()


def test_analyst_sees_any_county(browser: Any, server: str, reference: dict[str, Any]) -> None:
    ctx, page = _login(browser, server, ANALYST)
    try:
        _open(page, server, f"county={NEIGHBOUR}")
        codes = {r[0] for r in _rows(page, "firm-table")}
        assert codes and codes <= reference["neighbour_codes"]
        assert page.locator("[data-testid=mujun-download]").count() == 1
    finally:
        ctx.close()


@pytest.mark.parametrize("preset", ["huangyan", "tiantai", "jingning", "generic"])
def test_every_preset_renders_in_chinese(admin: Any, server: str, preset: str) -> None:
    """The other built-in presets (scores by benchmark or min–max, classes by rank or by score
    line): every section drawn, no error, no data-model key, the sliders start from the
    preset's own split when it cuts by rank."""
    from xinzhi.enterprise.presets import preset as load_preset

    _open(admin, server, f"county={COUNTY[2]}&preset={preset}")
    assert admin.locator("[data-testid=enterprise-error]").count() == 0
    text = _visible_text(admin)
    assert not ENGLISH_KEYS.findall(text), ENGLISH_KEYS.findall(text)
    assert f"预设 {preset}" not in text
    rule = load_preset(preset).classes
    a, b, c, d = (round(x) for x in rule.shares) if rule.method == "percentile" else (20, 40, 35, 5)
    assert admin.inner_text("[data-testid=what-if-summary]").startswith(
        f"A {a}% / B {b}% / C {c}% / D {d}%："
    )
    assert admin.js_errors == []


def test_map_of_firms_by_park_or_a_note(admin: Any, server: str, reference: dict[str, Any]) -> None:
    from xinzhi.web.pages_enterprise import MAP_NEEDS_COORDINATES

    _open(admin, server, f"county={COUNTY[2]}")
    admin.wait_for_selector("[data-testid=firm-map] svg", timeout=60_000)
    shown = admin.eval_on_selector(
        "[data-testid=firm-map]",
        """async el => {
            const maps = await import('/web/static/xinzhi-maps.js');
            const o = maps.instanceOf(el).getOption();
            return {firms: +el.dataset.firms, parks: +el.dataset.parks,
                    polygons: +el.dataset.polygons, map: o.geo[0].map,
                    county: o.geo[0].regions[0].name,
                    series: o.series.map(s => [s.name, s.data.length]),
                    parkNames: o.series[o.series.length - 1].data.map(d => d.name).sort(),
                    paths: el.querySelectorAll('svg path').length};
        }""",
    )
    # every 示例数据 firm has a place inside its county: one point per firm, coloured by class
    points = reference["points"]
    assert shown["firms"] == sum(points.values()) == reference["firms"]
    names = ["A 类", "B 类", "C 类", "D 类", "T 类（不参评）"]
    assert shown["series"][:5] == [[n, points[c]] for n, c in zip(names, "ABCDT", strict=True)]
    # the parks' centroids, one diamond each, with their totals in the tooltip
    assert shown["series"][5] == ["园区（质心）", len(reference["parks"])]
    assert shown["parkNames"] == sorted(reference["parks"]) and shown["parks"] >= 1
    # the county drawn on the map served by this server (no request leaves the machine)
    assert shown["map"] == f"xinzhi-county-{reference['year']}" and shown["county"] == COUNTY[2]
    assert shown["polygons"] > 2000 and shown["paths"] >= shown["firms"]
    assert admin.locator("[data-testid=map-needs-coordinates]").count() == 0
    assert admin.js_errors == []
    # firms without 经度 / 纬度: the park totals as a chart and a Chinese note instead
    _open(admin, server, f"county={PLAIN}")
    assert admin.locator("[data-testid=firm-map]").count() == 0
    note = admin.inner_text("[data-testid=map-needs-coordinates]")
    assert note == MAP_NEEDS_COORDINATES and "经度" in note and "纬度" in note
    parks = admin.eval_on_selector(
        "[data-testid=park-chart]",
        """async el => {
            const maps = await import('/web/static/xinzhi-maps.js');
            return maps.instanceOf(el).getOption().yAxis[0].data;
        }""",
    )
    assert parks == ["韶山高新技术产业开发区", "（未填园区）"]
    assert "Traceback" not in _visible_text(admin)
