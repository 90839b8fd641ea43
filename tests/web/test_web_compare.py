"""Page 对比 and its pipeline :func:`xinzhi.pipelines.compare_counties.compare_counties`.

Pipeline: on a copy of the small warehouse (示例数据), the rows equal the stored scores read
with plain SQL, the shortfall columns are sums of the stored obstacle degrees, and the number of
counties is checked at its edges (1, 2, 5, 6). Browser: three counties of the small warehouse
compared in headless chromium (one chosen by typing part of its name); the table's rows equal
the stored scores; the Excel export holds the same rows, a frozen header and % formats."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from fixtures.live_server import chromium, copy_server, login
from fixtures.warehouse import EVALUATION
from xinzhi import store
from xinzhi.errors import InputError
from xinzhi.pipelines.compare_counties import compare_counties

ADMIN = ("管理员甲", "admin-pass-123")
THREE = ["430321", "430121", "320583"]  # 湘潭县, 长沙县, 昆山市


def _stored(db: Path, codes: list[str], year: int = 2020) -> dict[str, tuple[float, int]]:
    con = store.connect(db, read_only=True)
    try:
        rows = con.execute(
            "SELECT region_code, score, rank FROM evaluation_scores "
            "WHERE name = ? AND year = ? AND region_code IN (?, ?, ?)",
            [EVALUATION, year, *codes],
        ).fetchall()
    finally:
        con.close()
    return {str(r[0]): (float(r[1]), int(r[2])) for r in rows}


def test_rows_are_the_stored_scores(small_warehouse: Any) -> None:
    con = store.connect(small_warehouse.db)
    try:
        c = compare_counties(con, EVALUATION, THREE, 2020)
        ob = con.execute(
            "SELECT region_code, SUM(obstacle) FROM evaluation_obstacles "
            "WHERE name = ? AND year = 2020 GROUP BY region_code",
            [EVALUATION],
        ).fetchall()
    finally:
        con.close()
    stored = _stored(small_warehouse.db, THREE)
    assert c.scores["region_code"].tolist() == THREE  # the order asked
    assert c.scores["name"].tolist() == ["湘潭县", "长沙县", "昆山市"]
    for r in c.scores.itertuples():
        assert r.score == pytest.approx(stored[r.region_code][0], abs=1e-12)
        assert r.rank == stored[r.region_code][1]
    # the four shortfall columns hold every indicator's obstacle degree (each indicator of
    # nqpf-county reveals one shortfall), so per county they sum to the stored total (= 1)
    total = {str(k): float(v) for k, v in ob}
    shorts = [c_ for c_ in c.scores.columns if c_.startswith("short:")]
    assert len(shorts) == 4
    for r in c.scores.to_dict("records"):
        assert sum(r[s] for s in shorts) == pytest.approx(total[r["region_code"]], abs=1e-9)
        assert total[r["region_code"]] == pytest.approx(1.0, abs=1e-9)
    # 城镇化率 is a literal value of the fixture: 湘潭县 0.40, 长沙县 0.60, 昆山市 0.80 (2020)
    urban = c.indicators.set_index("indicator").loc["urban_share"]
    assert [urban[k] for k in THREE] == [0.4, 0.6, 0.8]
    assert "湘潭县（430321）0.3943" in c.summary() or "湘潭县（430321）" in c.summary()


@pytest.mark.parametrize("n, ok", [(1, False), (2, True), (5, True), (6, False)])
def test_two_to_five_counties(small_warehouse: Any, n: int, ok: bool) -> None:
    codes = ["430321", "430121", "320583", "320582", "620121", "620122"][:n]
    con = store.connect(small_warehouse.db)
    try:
        if ok:
            assert len(compare_counties(con, EVALUATION, codes).scores) == n
        else:
            with pytest.raises(InputError, match="2–5 个不同的县区"):
                compare_counties(con, EVALUATION, codes)
    finally:
        con.close()


def test_duplicates_and_unknown_county(small_warehouse: Any) -> None:
    con = store.connect(small_warehouse.db)
    try:
        with pytest.raises(InputError, match="2–5"):  # one county twice is one county
            compare_counties(con, EVALUATION, ["430321", "430321"])
        with pytest.raises(InputError, match="320502"):  # merged away before 2020
            compare_counties(con, EVALUATION, ["430321", "320502"], 2020)
    finally:
        con.close()


@pytest.fixture(scope="module")
def server(
    small_warehouse: Any, data_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, Path]]:
    with copy_server(
        small_warehouse.db, data_dir, tmp_path_factory, "web-compare", (ADMIN, "admin")
    ) as (url, _):
        yield url, small_warehouse.db


@pytest.mark.browser
def test_compare_three_counties_in_the_browser(server: tuple[str, Path]) -> None:
    import openpyxl

    url, db = server
    stored = _stored(db, THREE)
    with chromium() as b:
        ctx, page, console = login(b, url, ADMIN)
        page.goto(url + f"/compare?codes=430321,430121&eval={EVALUATION}&year=2020")
        page.wait_for_selector("[data-testid=compare-table]")
        # the third county by typing part of its name into the select (completion)
        page.click("[data-testid=compare-select]")
        page.keyboard.type("昆山")
        page.locator(".q-menu .q-item", has_text="昆山市").first.click()
        page.keyboard.press("Escape")
        page.click("[data-testid=compare-go]")
        page.wait_for_url("**codes=430321,430121,320583**")
        page.wait_for_selector("[data-testid=compare-table] tbody tr >> nth=2")
        rows = page.locator("[data-testid=compare-table] tbody tr")
        assert rows.count() == 3
        screen = []
        for i in range(3):
            cells = rows.nth(i).locator("td").all_inner_texts()
            screen.append(cells)
            code = cells[0]
            score, rank = stored[code]
            # columns: 区划代码, 县区, 省份, 综合得分, 全国排名 …
            assert cells[3] == f"{score:.4f}"
            assert cells[4] == str(rank)
            assert cells[6].endswith("%")  # percentile as a percentage
        assert [r[0] for r in screen] == THREE
        assert page.locator("[data-testid=compare-radar] svg").count() == 1
        radar = page.inner_html("[data-testid=compare-radar]")
        assert "劳动者" in radar and "湘潭县" in radar
        shortfall = page.inner_html("[data-testid=compare-shortfall-radar]")
        assert "产业链条短" in shortfall and "%" in shortfall  # labelled scale
        assert page.locator("[data-testid=compare-indicators] tbody tr").count() == 14
        with page.expect_download() as dl:
            page.click("[data-testid=compare-export]")
        body = Path(dl.value.path()).read_bytes()
        wb = openpyxl.load_workbook(io.BytesIO(body))
        ws = wb["县区对比"]
        assert ws.freeze_panes == "A2"
        header = [c.value for c in ws[1]]
        got = [[c.value for c in r] for r in ws.iter_rows(min_row=2)]
        assert [r[0] for r in got] == THREE
        for r in got:
            assert r[header.index("综合得分")] == pytest.approx(stored[r[0]][0], abs=1e-12)
        pct = ws.cell(row=2, column=header.index("全国百分位") + 1)
        assert pct.number_format == "0.0%"
        assert ws.cell(row=2, column=header.index("综合得分") + 1).number_format == "0.0000"
        assert not [m for m in console if "pageerror" in m]
        ctx.close()


def test_county_trend_by_hand() -> None:
    """Medians over the county's own basis: the 市辖区 d is left out of 甲's medians."""
    import pandas as pd

    from xinzhi.pipelines.compare_counties import county_trend

    s = pd.DataFrame(
        {
            "region_code": ["a", "b", "c", "d"] * 2,
            "year": [2010] * 4 + [2020] * 4,
            "province_code": ["43", "43", "32", "43"] * 2,
            "score": [0.2, 0.6, 0.9, 0.99, 0.3, 0.5, 0.7, 0.01],
            "basis": ["county", "county", "county", "district"] * 2,
        }
    )
    t = county_trend(s, "a")
    assert t["year"].tolist() == [2010, 2020]
    assert t["score"].tolist() == [0.2, 0.3]
    # province 43, basis county: 2010 {0.2, 0.6} → 0.4; 2020 {0.3, 0.5} → 0.4
    assert t["province_median"].tolist() == pytest.approx([0.4, 0.4])
    # nation, basis county: 2010 {0.2, 0.6, 0.9} → 0.6; 2020 {0.3, 0.5, 0.7} → 0.5
    assert t["national_median"].tolist() == pytest.approx([0.6, 0.5])
    assert county_trend(s, "zz").empty
