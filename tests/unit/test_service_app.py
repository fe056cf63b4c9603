"""The HTTP behaviour every service shares: error mapping and open health/docs endpoints."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.testclient import TestClient
from hotline_libs.bus import MessageBus
from hotline_libs.errors import Conflict, NotFound, RuleViolation
from hotline_libs.service import HotlineService
from hotline_libs.settings import ServiceSettings
from pymongo.errors import ServerSelectionTimeoutError

router = APIRouter()


@router.get("/fails/{kind}")
async def fails(kind: str) -> None:
    raise {
        "rule": RuleViolation("category 'roof' is not an item of the repair board"),
        "missing": NotFound("no work order 42"),
        "conflict": Conflict("work order WO-1 is already completed differently"),
        "store": ServerSelectionTimeoutError("127.0.0.1:27017: connection refused"),
    }[kind]


def _client() -> TestClient:
    # no `with`: the lifespan (store, broker) is not started; the routes need neither
    service = HotlineService("test", ServiceSettings(), description="t")
    service.wire(
        MessageBus({}, uow=lambda: None), routers=[router], subscriptions=[], collections=[]
    )
    return TestClient(service.app())


def test_business_errors_map_to_4xx_with_the_message() -> None:
    client = _client()
    for kind, status in (("rule", 422), ("missing", 404), ("conflict", 409)):
        response = client.get(f"/fails/{kind}")
        assert response.status_code == status
        assert response.json()["detail"] and response.json()["error"]


def test_a_store_outage_is_a_503_the_client_may_retry() -> None:
    response = _client().get("/fails/store")
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "1"
    assert "Idempotency-Key" in response.json()["detail"]


def test_health_and_docs_need_no_token() -> None:
    client = _client()
    assert client.get("/health/live").json() == {"status": "ok", "service": "test"}
    assert client.get("/docs").status_code == 200
    assert client.get("/openapi.json").status_code == 200
