"""Property-based conformance of the API to its OpenAPI schema (schemathesis, in-process ASGI,
authenticated as an admin; bounded examples per operation)."""

from __future__ import annotations

import schemathesis
from api_helpers import Api
from hypothesis import HealthCheck, given, settings
from schemathesis import checks

CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
]


def test_api_conforms_to_schema(api: Api):
    # read-only operations; uploads, evaluations (slow, tested directly) and logout / disable
    # (they would end the admin's own token) are exercised in the other test modules
    schema = schemathesis.openapi.from_asgi("/api/openapi.json", api.client.app)
    headers = api.h("admin1")
    tested = []
    for result in schema.include(method="GET").get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy())
        @settings(
            max_examples=12,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
            database=None,
        )
        def run(case):
            case.call_and_validate(headers=headers, checks=CHECKS)

        run()
        tested.append(operation.label)
    assert len(tested) >= 15


def test_openapi_documents_errors_and_auth(api):
    spec = api.client.get("/api/openapi.json").json()
    op = spec["paths"]["/api/evaluations/{name}"]["get"]
    assert {"401", "403", "404", "422"} <= set(op["responses"])
    assert "HTTPBearer" in spec["components"]["securitySchemes"]
    assert api.client.get("/api/docs").status_code == 200
