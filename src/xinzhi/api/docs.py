"""The API documentation, served by the app itself (no CDN; nothing leaves the machine):

* ``/api/docs`` — the interactive Swagger UI (version 5: it reads OpenAPI 3.1), its files from
  the PyPI package ``fastapi-offline`` (MIT; only its ``static`` folder is used) mounted at
  ``/api/docs/assets`` and started by
  ``/api/docs/init.js`` (no inline script: the page's Content-Security-Policy allows scripts
  from the server only);
* ``/api/docs/list`` — plain HTML without any script: every operation by tag (method, path,
  summary, parameters, request body), linking the machine-readable ``/api/openapi.json``.

FastAPI's own page loads Swagger UI from a CDN, which an offline server cannot reach.
"""

from __future__ import annotations

import html
from importlib import resources
from typing import Any

__all__ = ["SWAGGER_ASSETS", "SWAGGER_INIT_JS", "docs_page", "swagger_page"]

SWAGGER_ASSETS = str(resources.files("fastapi_offline") / "static")
"""Folder of the bundled Swagger UI files (``swagger-ui-bundle.js``, ``swagger-ui.css``)."""

SWAGGER_INIT_JS = (
    "window.onload = function () {\n"
    '  window.ui = SwaggerUIBundle({url: "/api/openapi.json", dom_id: "#swagger-ui",\n'
    '    deepLinking: true, presets: [SwaggerUIBundle.presets.apis], layout: "BaseLayout"});\n'
    "};\n"
)
"""The script that starts Swagger UI on ``/api/openapi.json`` (served as a file)."""


def swagger_page(title: str) -> str:
    """The interactive documentation page: the bundled Swagger UI, no inline script."""
    t = html.escape(title)
    return (
        '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">'
        f"<title>{t} 文档</title>"
        '<link rel="stylesheet" href="/api/docs/assets/swagger-ui.css"></head><body>'
        '<p style="font-family:sans-serif;margin:1rem">'
        '无脚本的接口清单：<a href="/api/docs/list">/api/docs/list</a>；'
        'OpenAPI：<a href="/api/openapi.json">/api/openapi.json</a></p>'
        '<div id="swagger-ui"></div>'
        '<script src="/api/docs/assets/swagger-ui-bundle.js"></script>'
        '<script src="/api/docs/init.js"></script></body></html>'
    )


def _params(op: dict[str, Any]) -> str:
    items = []
    for p in op.get("parameters", []):
        where = {"query": "查询", "path": "路径", "header": "请求头", "cookie": "Cookie"}.get(
            p.get("in", ""), p.get("in", "")
        )
        req = "，必填" if p.get("required") else ""
        items.append(f"<code>{html.escape(str(p.get('name')))}</code>（{where}{req}）")
    body = op.get("requestBody", {}).get("content", {})
    if body:
        items.append("请求体：" + "、".join(html.escape(k) for k in body))
    return "；".join(items)


def docs_page(openapi: dict[str, Any], openapi_url: str = "/api/openapi.json") -> str:
    """HTML listing the operations of ``openapi`` (an OpenAPI 3 document) grouped by tag."""
    info = openapi.get("info", {})
    groups: dict[str, list[str]] = {}
    for path, ops in openapi.get("paths", {}).items():
        for method, op in ops.items():
            if not isinstance(op, dict):
                continue
            tag = (op.get("tags") or ["其他"])[0]
            groups.setdefault(tag, []).append(
                "<tr>"
                f"<td><b>{html.escape(method.upper())}</b></td>"
                f"<td><code>{html.escape(path)}</code></td>"
                f"<td>{html.escape(str(op.get('summary', '')))}</td>"
                f"<td>{_params(op)}</td>"
                "</tr>"
            )
    sections = "".join(
        f"<h2>{html.escape(tag)}</h2><table><tr><th>方法</th><th>路径</th><th>说明</th>"
        f"<th>参数</th></tr>{''.join(rows)}</table>"
        for tag, rows in groups.items()
    )
    title = html.escape(str(info.get("title", "API")))
    return (
        '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">'
        f"<title>{title} 文档</title><style>"
        "body{font-family:sans-serif;max-width:72rem;margin:2rem auto;padding:0 1rem}"
        "table{border-collapse:collapse;width:100%;margin-bottom:1.5rem}"
        "td,th{border:1px solid #ccc;padding:.3rem .5rem;text-align:left;vertical-align:top}"
        "code{font-size:.9em}</style></head><body>"
        f"<h1>{title} {html.escape(str(info.get('version', '')))}</h1>"
        f"<p>{html.escape(str(info.get('description', '')))}</p>"
        f'<p>OpenAPI 文档（JSON，可导入任何 OpenAPI 工具）：<a href="{html.escape(openapi_url)}">'
        f"{html.escape(openapi_url)}</a></p>{sections}</body></html>"
    )
