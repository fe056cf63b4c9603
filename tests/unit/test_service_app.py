"""The HTTP behaviour every service shares: roles checked per route, problem+json errors, an
OpenAPI document that lists them, and a service that refuses to start half-declared."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import APIRouter
from fastapi.testclient import TestClient
from hotline_libs.access import PUBLIC, AccessNotDeclared, allow
from hotline_libs.auth import InsecureSettings, Role, TokenVerifier, issue_token
from hotline_libs.bus import MessageBus
from hotline_libs.errors import Conflict, NotFound, RuleViolation
from hotline_libs.service import HotlineService
from hotline_libs.settings import DEV_JWT_SECRET, ServiceSettings
from pydantic import BaseModel
from pymongo.errors import ServerSelectionTimeoutError

router = APIRouter()


@router.get("/fails/{kind}")
async def fails(kind: str) -> None:
    raise {
        "rule": RuleViolation("resident.phone '12345' is not valid", field="resident.phone"),
        "missing": NotFound("no work order 42"),
        "conflict": Conflict("work order WO-1 is already completed differently"),
        "store": ServerSelectionTimeoutError("127.0.0.1:27017: connection refused"),
        "bug": KeyError("resident"),
    }[kind]


class Body(BaseModel):
    quantity: int


@router.get("/open")
async def open_route() -> dict[str, str]:
    return {"open": "yes"}


def _service(access: dict[str, Any] | None = None) -> HotlineService:
    service = HotlineService("test", ServiceSettings(), description="t")
    return service.wire(
        MessageBus({}, uow=lambda: None),
        routers=[router],
        access=access
        if access is not None
        else {"fails": allow(Role.AGENT, Role.FINANCE), "open_route": PUBLIC},
        subscriptions=[],
        collections=[],
    )


def _client() -> TestClient:
    # no `with`: the lifespan (store, broker) is not started; the routes need neither
    return TestClient(_service().app(), raise_server_exceptions=False)


def _auth(role: Role = Role.AGENT) -> dict[str, str]:
    token = issue_token(DEV_JWT_SECRET, subject=f"u-{role}", role=role, sites=["dmg"])
    return {"Authorization": f"Bearer {token}"}


def test_business_errors_are_problems_naming_the_field() -> None:
    client = _client()
    for kind, status in (("rule", 422), ("missing", 404), ("conflict", 409)):
        response = client.get(f"/fails/{kind}", headers=_auth())
        assert response.status_code == status
        assert response.headers["content-type"] == "application/problem+json"
        body = response.json()
        assert body["status"] == status and body["type"].startswith("urn:hotline:problem:")
        assert body["title"] and body["detail"] and body["instance"] == f"/fails/{kind}"
    rule = client.get("/fails/rule", headers=_auth()).json()
    assert rule["errors"] == [
        {
            "location": "body",
            "field": "resident.phone",
            "message": "resident.phone '12345' is not valid",
            "code": "RuleViolation",
        }
    ]


def test_a_store_outage_is_a_503_the_client_may_retry() -> None:
    response = _client().get("/fails/store", headers=_auth())
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "1"
    assert "Idempotency-Key" in response.json()["detail"]


def test_a_bug_is_a_500_problem_that_discloses_nothing() -> None:
    response = _client().get("/fails/bug", headers=_auth())
    assert response.status_code == 500
    assert response.headers["content-type"] == "application/problem+json"
    assert "resident" not in response.text


def test_a_role_the_route_does_not_allow_is_refused_with_the_roles_that_may() -> None:
    client = _client()
    refused = client.get("/fails/missing", headers=_auth(Role.TECHNICIAN))
    assert refused.status_code == 403
    assert "a technician may not" in refused.json()["detail"]
    assert "agent, finance" in refused.json()["detail"]
    missing = client.get("/fails/missing")
    assert missing.status_code == 401 and missing.headers["WWW-Authenticate"] == "Bearer"
    assert missing.json()["type"] == "urn:hotline:problem:unauthenticated"


def test_health_metrics_and_docs_need_no_token() -> None:
    client = _client()
    assert client.get("/health/live").json() == {"status": "ok", "service": "test"}
    assert client.get("/open").json() == {"open": "yes"}
    assert client.get("/docs").status_code == 200
    assert client.get("/openapi.json").status_code == 200


def test_every_operation_documents_its_problems_and_roles() -> None:
    spec = _client().get("/openapi.json").json()
    fails_op = spec["paths"]["/fails/{kind}"]["get"]
    assert fails_op["operationId"] == "fails"
    assert fails_op["x-roles"] == ["agent", "finance"]
    for status in ("401", "403", "404", "422", "503"):
        content = fails_op["responses"][status]["content"]
        assert content == {
            "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}
        }
    assert "401" not in spec["paths"]["/open"]["get"]["responses"]
    assert "HTTPValidationError" not in spec["components"]["schemas"]
    audit_op = spec["paths"]["/audit"]["get"]
    assert audit_op["x-roles"] == ["director", "admin"]


def test_a_route_without_a_rule_stops_the_service_from_starting() -> None:
    with pytest.raises(AccessNotDeclared, match="open_route"):
        _service({"fails": allow(Role.AGENT)}).app()
    with pytest.raises(AccessNotDeclared, match="gone"):
        _service(
            {"fails": allow(Role.AGENT), "open_route": PUBLIC, "gone": allow(Role.AGENT)}
        ).app()


def test_production_refuses_the_development_secret() -> None:
    with pytest.raises(InsecureSettings, match="HOTLINE_JWT_JWKS_URL"):
        TokenVerifier.check_deployment(ServiceSettings(env="production"))
    TokenVerifier.check_deployment(
        ServiceSettings(env="production", jwt_jwks_url="https://idp.example/jwks")
    )
    TokenVerifier.check_deployment(ServiceSettings())  # development: fine
