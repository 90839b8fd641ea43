"""The REST API (FastAPI routers under ``/api``); see ``docs/server.md``.

:func:`build_api` returns the routers' parent; :func:`xinzhi.server.create_app` mounts it.
"""

from __future__ import annotations

from fastapi import APIRouter

from xinzhi.api.errors import ERROR_RESPONSES

__all__ = ["build_api"]


def build_api() -> APIRouter:
    """All API routers, with the documented error responses, under one router."""
    from xinzhi.api import (
        routes_analysis,
        routes_auth,
        routes_causal,
        routes_data,
        routes_evaluations,
        routes_monitor,
        routes_policy,
        routes_regions,
        routes_reports,
        routes_talent,
        routes_tech,
    )

    api = APIRouter(responses=ERROR_RESPONSES)
    for mod in (
        routes_auth,
        routes_regions,
        routes_data,
        routes_evaluations,
        routes_analysis,
        routes_reports,
        routes_policy,
        routes_monitor,
        routes_causal,
        routes_talent,
        routes_tech,
    ):
        api.include_router(mod.router)
    return api
