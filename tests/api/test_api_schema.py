"""Property-based conformance of the API to its OpenAPI schema (schemathesis, in-process ASGI,
authenticated as an admin; bounded examples per operation)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from api_helpers import Api, make_api
from hypothesis import HealthCheck, given, settings
from schemathesis import checks

CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
]


def _workbook_of_analysis(path: str) -> bool:
    """``/api/analyses/<key>/export.xlsx``: the options and checks of ``/api/analyses/<key>``
    (exercised here) plus a workbook; writing workbooks for a hundred random option sets would
    take minutes, so they are tested in ``test_api_analysis_export.py``."""
    return path.startswith("/api/analyses/") and path.endswith("/export.xlsx")


def test_api_conforms_to_schema(api: Api):
    # read-only operations; uploads, evaluations (slow, tested directly) and logout / disable
    # (they would end the admin's own token) are exercised in the other test modules
    schema = schemathesis.openapi.from_asgi("/api/openapi.json", api.client.app)
    headers = api.h("admin1")
    tested = []
    for result in schema.include(method="GET").get_all_operations():
        operation = result.ok()
        if _workbook_of_analysis(operation.path):
            continue

        @given(case=operation.as_strategy())
        @settings(
            max_examples=12,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
            database=None,
        )
        def run(case):
            # generous read timeout: a cold 亩均 evaluation of the fixture county under CI load
            case.call_and_validate(headers=headers, checks=CHECKS, timeout=60)

        run()
        tested.append(operation.label)
    # invariant: every GET operation the API documents was exercised, among them these
    spec = api.client.get("/api/openapi.json").json()
    routes = {
        f"GET {path}"
        for path, ops in spec["paths"].items()
        if "get" in ops and not _workbook_of_analysis(path)
    }
    assert sorted(tested) == sorted(routes)
    assert {
        "GET /api/admin/audit",
        "GET /api/imports/{batch_id}/quarantine",
        "GET /api/evaluations/{name}/export.xlsx",
        "GET /api/reports/county/{code}.pdf",
        "GET /api/regions",
    } <= routes


def test_openapi_documents_errors_and_auth(api):
    spec = api.client.get("/api/openapi.json").json()
    op = spec["paths"]["/api/evaluations/{name}"]["get"]
    assert {"401", "403", "404", "422"} <= set(op["responses"])
    assert "HTTPBearer" in spec["components"]["securitySchemes"]
    assert api.client.get("/api/docs").status_code == 200


@pytest.fixture
def own_api(evaluated_warehouse: Path, tmp_path: Path) -> Iterator[Api]:
    """An app of its own: schemathesis' ASGI transport runs the app's shutdown when done."""
    yield from make_api(evaluated_warehouse, tmp_path)


def test_state_changing_operations_conform(own_api: Api):
    # uploads, evaluation runs and user creation with generated bodies: no 5xx, documented
    # status codes and response schemas (few examples: an evaluation run takes ~1 s)
    api = own_api
    schema = schemathesis.openapi.from_asgi("/api/openapi.json", api.client.app)
    headers = api.h("admin1")
    tested = []
    for path in ("/api/imports", "/api/evaluations", "/api/admin/users"):
        operation = schema.include(method="POST", path=path).get_all_operations()
        for result in operation:
            op = result.ok()

            @given(case=op.as_strategy())
            @settings(
                max_examples=5,
                deadline=None,
                suppress_health_check=list(HealthCheck),
                derandomize=True,
                database=None,
            )
            def run(case):
                case.call_and_validate(headers=headers, checks=CHECKS, timeout=60)

            run()
            tested.append(op.label)
    assert len(tested) == 3
