"""The ASGI application: the REST API under ``/api`` (OpenAPI docs at ``/api/docs``).

Use::

    from xinzhi.server import create_app
    app = create_app("/srv/xinzhi/xinzhi.duckdb")   # uvicorn serves it (xinzhi serve)

The web pages (NiceGUI, :mod:`xinzhi.web`) are added to the same app by their own code with
``ui.run_with(app)``; this module does not import them.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool

from xinzhi import __version__
from xinzhi.api import build_api
from xinzhi.api.deps import Database
from xinzhi.api.docs import SWAGGER_ASSETS, SWAGGER_INIT_JS, docs_page, swagger_page
from xinzhi.api.errors import install_error_handlers
from xinzhi.api.models import Health
from xinzhi.api.security import SecurityHeaders

__all__ = ["create_app"]


def create_app(db_path: str | os.PathLike[str] | None = None) -> FastAPI:
    """The FastAPI app serving the warehouse ``db_path`` (default :func:`xinzhi.config.db_path`).

    The warehouse file is opened once (one DuckDB instance; one cursor per request; writes
    serialised) when the app starts and closed when it stops; ``app.state.db`` holds the
    :class:`xinzhi.api.deps.Database`. The stop waits for queries still running in worker
    threads, interrupts them after ``Database.close_grace`` seconds and then closes the file
    (no "connection is busy" error).
    """
    db = Database(db_path)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        # in a worker thread: the close waits for queries still running (pages whose client
        # left, long analyses) and interrupts them after a grace period (Database.close)
        await run_in_threadpool(db.close)

    app = FastAPI(
        title="xinzhi 新质 API",
        version=__version__,
        description="县域新质生产力测度、诊断与产业选择系统的 REST API。"
        "认证：POST /api/auth/token 获取 Bearer 令牌，或网页登录会话（Cookie + X-CSRF-Token）。",
        docs_url=None,  # our own pages (xinzhi.api.docs): bundled Swagger UI, no CDN
        redoc_url=None,
        openapi_url="/api/openapi.json",
        lifespan=lifespan,
    )
    app.state.db = db
    install_error_handlers(app)

    @app.get("/api/health", response_model=Health, tags=["系统"], summary="健康检查（无需登录）")
    def health() -> Health:
        return Health(status="ok", version=__version__)

    app.include_router(build_api(), prefix="/api")

    @app.get("/api/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return HTMLResponse(swagger_page(app.title))

    @app.get("/api/docs/init.js", include_in_schema=False)
    def docs_init() -> Response:
        return Response(SWAGGER_INIT_JS, media_type="text/javascript")

    @app.get("/api/docs/list", include_in_schema=False)
    def docs_list() -> HTMLResponse:
        return HTMLResponse(docs_page(app.openapi()))

    app.mount("/api/docs/assets", StaticFiles(directory=SWAGGER_ASSETS), name="docs-assets")

    app.add_middleware(SecurityHeaders)  # CSP, HSTS over TLS, … (xinzhi.api.security)

    from xinzhi.web import mount as mount_pages  # NiceGUI pages on the same app (xinzhi.web)

    mount_pages(app)
    return app
