"""Browser test of the 总览 map zoom (real server on the small warehouse, headless chromium):
choosing 湖南省 centres the map inside Hunan's bounding box and zooms in; the top-10 list shows
the province rank beside the national rank; 湘潭市 → 湘潭县 zooms to the county with its card
and the link to its profile; a click on the map goes one level down (country → province →
prefecture → county → profile); a county account sees its county highlighted at every level; the
national map is drawn once (no path replaced by a second drawing)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from fixtures.live_server import add_accounts, chromium, live_server, login
from fixtures.warehouse import EVALUATION

pytestmark = pytest.mark.browser

ANALYST = ("分析员乙", "analyst-pass-123")
COUNTY = ("湘潭县用户", "county-pass-123", "430321")

# Hunan's extent (degrees): lon 108.78–114.27 E, lat 24.64–30.13 N (湖南省自然资源厅 公开
# 省情); a margin of 0.3° for simplified boundaries.
HUNAN_LON = (108.78 - 0.3, 114.27 + 0.3)
HUNAN_LAT = (24.64 - 0.3, 30.13 + 0.3)

OPTION_JS = """() => {
  const el = document.querySelector('[data-testid=county-map]');
  const inst = window.xinzhiMaps.instanceOf(el);
  const s = inst.getOption().series[0];
  return {center: s.center, zoom: s.zoom, data: s.data, map: s.map, view: el.dataset.view,
          polygons: Number(el.dataset.polygons)};
}"""

# a point deep inside 湘潭县 (the centre of the largest circle inside its polygon,
# shapely.ops.polylabel of the built-in boundary, rounded): where the tests click
XIANGTAN_INSIDE = (112.7904, 27.6278)
PIXEL_JS = """([lon, lat]) => {
  const el = document.querySelector('[data-testid=county-map]');
  const [x, y] = window.xinzhiMaps.instanceOf(el).convertToPixel({seriesIndex: 0}, [lon, lat]);
  const r = el.getBoundingClientRect();
  return [r.left + x, r.top + y];
}"""


@pytest.fixture(scope="module")
def server(
    small_warehouse: Any, data_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    db = tmp_path_factory.mktemp("web-map-zoom") / "xinzhi.duckdb"
    shutil.copy(small_warehouse.db, db)
    add_accounts(db, (ANALYST, "analyst"), (COUNTY, "county"))
    with live_server(db, data_dir, tmp_path_factory.mktemp("home")) as url:
        yield url


def _option(page: Any) -> dict[str, Any]:
    page.wait_for_selector("[data-testid=county-map] svg path", timeout=60_000)
    return dict(page.evaluate(OPTION_JS))


def test_province_choice_zooms_into_hunan_with_both_ranks(server: str) -> None:
    with chromium() as b:
        ctx, page, _ = login(b, server, ANALYST)
        page.goto(server + "/?province=湖南省&basis=all")
        opt = _option(page)
        lon, lat = opt["center"]
        assert HUNAN_LON[0] <= lon <= HUNAN_LON[1], opt["center"]
        assert HUNAN_LAT[0] <= lat <= HUNAN_LAT[1], opt["center"]
        # China spans ≈ 62° of longitude, Hunan ≈ 5.5°: the map is zoomed in well beyond 1
        assert opt["zoom"] > 4, opt["zoom"]
        body = page.inner_text("body")
        assert "省内排名" in body and "全国排名" in body, body
        # prefecture 湘潭市 zooms further and keeps the centre inside Hunan
        page.goto(server + "/?province=湖南省&basis=all&prefecture=湘潭市")
        sub = _option(page)
        assert sub["zoom"] > opt["zoom"], (sub["zoom"], opt["zoom"])
        assert HUNAN_LON[0] <= sub["center"][0] <= HUNAN_LON[1]
        # getOption() lists every polygon; the counties with a score carry ``cname``
        names = {d["name"] for d in sub["data"] if d.get("cname")}
        # the tooltip data carry the province rank beside the national rank
        # (Hunan has 6 units in 2020, so three distinct ranks among 1–6)
        pranks = sorted(d["prank"] for d in sub["data"] if d.get("cname"))
        assert len(set(pranks)) == 3 and set(pranks) <= set(range(1, 7)), pranks
        assert names == {"430321", "430381", "430382"}, names  # 湘潭县, 湘乡市, 韶山市
        ctx.close()


def _choose(page: Any, testid: str, option: str) -> None:
    page.click(f"[data-testid={testid}]")
    page.locator(".q-menu .q-item", has_text=option).first.click()


def test_province_prefecture_county_selects_zoom_to_the_county_with_its_card(server: str) -> None:
    with chromium() as b:
        ctx, page, console = login(b, server, ANALYST)
        page.goto(server + "/?province=湖南省&basis=all")
        province = _option(page)
        assert province["view"] == "43" and province["map"] == "xinzhi-county-2020-43"
        _choose(page, "prefecture-select", "湘潭市")
        page.wait_for_url("**prefecture=**")
        city = _option(page)
        assert city["view"] == "4303" and city["zoom"] > province["zoom"]
        _choose(page, "county-select", "湘潭县")
        page.wait_for_url("**county=430321**")
        county = _option(page)
        assert county["view"] == "430321" and county["zoom"] > city["zoom"]
        lon, lat = county["center"]
        # the centre of 湘潭县's box (112.415498–113.053238 E, 27.341792–27.946156 N)
        assert abs(lon - 112.7344) < 1e-3 and abs(lat - 27.644) < 1e-3, county["center"]
        # the view map holds the county and its neighbours only (not 2891 polygons)
        assert 5 <= county["polygons"] < 100, county["polygons"]
        chosen = [d["name"] for d in county["data"] if d.get("selected")]
        assert chosen == ["430321"]
        card = page.inner_text("[data-testid=county-card]")
        assert page.inner_text("[data-testid=county-card-name]") == "湘潭县（430321）"
        # the card's numbers are those of the county's item on the map (score, national rank,
        # province rank of the ranking pipeline), written with the page's number format
        item = next(d for d in county["data"] if d["name"] == "430321")
        assert f"综合得分 {item['value']:.4f}" in card, card
        assert f"全国排名 {item['rank']}" in card and f"省内排名 {item['prank']}" in card, card
        assert "县域类型" in card, card
        link = page.locator("[data-testid=open-profile]")
        assert link.inner_text() == "打开画像"
        # the stored evaluation of the small warehouse is 示例数据-nqpf-county (URL-encoded)
        profile = f"/profile?code=430321&eval={quote(EVALUATION)}&year=2020"
        assert link.get_attribute("href") == profile
        link.click()
        page.wait_for_url("**/profile?code=430321**")
        assert [c for c in console if c.startswith(("error", "pageerror"))] == []
        ctx.close()


def test_clicks_on_the_map_drill_down_to_the_profile(server: str) -> None:
    with chromium() as b:
        ctx, page, _ = login(b, server, ANALYST)
        page.goto(server + "/?basis=all")
        expected = [
            ("43", "**province=%E6%B9%96%E5%8D%97%E7%9C%81"),  # 湖南省
            ("4303", "**prefecture=%E6%B9%98%E6%BD%AD%E5%B8%82"),  # 湘潭市
            ("430321", "**county=430321"),
        ]
        assert _option(page)["view"] == "cn"
        for view, url in expected:
            page.wait_for_timeout(300)  # the chart's handlers attached
            x, y = page.evaluate(PIXEL_JS, list(XIANGTAN_INSIDE))
            page.mouse.click(x, y)
            page.wait_for_url(url)
            assert _option(page)["view"] == view
        # in the county's own view a click on it opens its profile
        page.wait_for_timeout(300)
        x, y = page.evaluate(PIXEL_JS, list(XIANGTAN_INSIDE))
        page.mouse.click(x, y)
        page.wait_for_url(f"**/profile?code=430321&eval={quote(EVALUATION)}&year=2020")
        ctx.close()


def test_county_account_sees_its_county_highlighted(server: str) -> None:
    with chromium() as b:
        ctx, page, _ = login(b, server, COUNTY)
        opt = _option(page)
        own = [d for d in opt["data"] if d.get("own")]
        assert [d["name"] for d in own] == ["430321"], own
        assert own[0]["itemStyle"]["borderColor"] == "#dc2626"
        body = page.inner_text("body")
        # 湘潭县 is a 县: the default basis is 县域, so the top-10 shows the basis rank, the
        # all-unit rank and the province rank
        assert "本口径排名" in body and "全国排名（全部单位）" in body and "省内排名" in body
        # in the province view the county stays highlighted
        page.goto(server + "/?province=湖南省")
        assert [d["name"] for d in _option(page)["data"] if d.get("own")] == ["430321"]
        # 定位本县: the map zooms to the county itself, still highlighted, with its card
        page.click("[data-testid=locate-own]")
        page.wait_for_url("**county=430321**")
        near = _option(page)
        assert near["view"] == "430321" and near["zoom"] > 4, near
        assert HUNAN_LAT[0] <= near["center"][1] <= HUNAN_LAT[1], near
        assert [d["name"] for d in near["data"] if d.get("own")] == ["430321"]
        assert "湘潭县" in page.inner_text("[data-testid=county-card-name]")
        # already there: no 定位本县 button
        assert page.locator("[data-testid=locate-own]").count() == 0
        ctx.close()


# counts the <path> elements removed from the county map (a second drawing replaces them all)
COUNT_REMOVED = """
window.__pathsRemoved = 0;
new MutationObserver(records => {
  for (const r of records) {
    if (!(r.target instanceof Element) || !r.target.closest('[data-testid=county-map]')) continue;
    for (const n of r.removedNodes) {
      if (n instanceof Element) {
        window.__pathsRemoved += (n.tagName === 'path' ? 1 : 0) + n.querySelectorAll('path').length;
      }
    }
  }
}).observe(document, {subtree: true, childList: true});
"""


def test_the_national_map_is_drawn_once(server: str) -> None:
    with chromium() as b:
        ctx, page, _ = login(b, server, ANALYST)
        page.add_init_script(COUNT_REMOVED)
        page.goto(server + "/?basis=all")
        opt = _option(page)
        page.wait_for_timeout(1500)  # a second drawing came 10 ms after the first
        paths = page.eval_on_selector_all("[data-testid=county-map] svg path", "els => els.length")
        # one path per polygon of the national view map (+ the visual map's handles), none
        # replaced by a second drawing of the same options
        assert opt["view"] == "cn" and opt["polygons"] == 2891 and paths >= 2891
        assert page.evaluate("window.__pathsRemoved") == 0
        ctx.close()
