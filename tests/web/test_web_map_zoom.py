"""Browser test of the 总览 map zoom (real server on the small warehouse, headless chromium):
choosing 湖南省 centres the map inside Hunan's bounding box and zooms in; the top-10 list shows
the province rank beside the national rank; a county account sees its county highlighted."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from fixtures.live_server import add_accounts, chromium, live_server, login

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
  return {center: s.center, zoom: s.zoom, data: s.data};
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
        # 定位本县: the map zooms to its prefecture (湘潭市) with the county still highlighted
        page.click("[data-testid=locate-own]")
        page.wait_for_url("**prefecture=**")
        near = _option(page)
        assert near["zoom"] > 4 and HUNAN_LAT[0] <= near["center"][1] <= HUNAN_LAT[1], near
        assert [d["name"] for d in near["data"] if d.get("own")] == ["430321"]
        ctx.close()
