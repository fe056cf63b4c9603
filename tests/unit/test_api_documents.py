"""Each service's OpenAPI document, as a client reads it: roles, every problem status, an
Idempotency-Key on every change, examples on every body, paging and filters on every listing.

A route added later without these fails here before it reaches the matrix or Schemathesis.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from billing.bootstrap import bootstrap as billing
from callback.bootstrap import bootstrap as callback
from dispatch.bootstrap import bootstrap as dispatch
from hotline_libs.service import HotlineService
from intake.bootstrap import bootstrap as intake
from notification.bootstrap import bootstrap as notification

SERVICES: dict[str, Callable[[], HotlineService]] = {
    "intake": intake,
    "dispatch": dispatch,
    "billing": billing,
    "callback": callback,
    "notification": notification,
}
PUBLIC = {
    "live",
    "ready",
    "metrics",
    "unsubscribe_page",
    "unsubscribe",
    "acknowledgement_page",
    "acknowledge_by_link",
}
"""Operations without a token: the operations' own, the unsubscribe link residents follow
from an e-mail (its signed token is the authority; its POST is the one-click unsubscribe of
RFC 8058, which a mail client sends without headers of ours, and doing it twice changes
nothing), and the link staff follow from an alert to acknowledge it (its signed token is the
authority; a phone's browser posts the page's form without headers of ours, and acknowledging
twice changes nothing)."""
PROBLEM = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}


def _operations(spec: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (path, method, operation)
        for path, methods in spec["paths"].items()
        for method, operation in methods.items()
    ]


def _schema(spec: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    ref = schema.get("$ref")
    if ref is None:
        return schema
    found: dict[str, Any] = spec["components"]["schemas"][ref.rsplit("/", 1)[1]]
    return found


@pytest.fixture(scope="module", params=sorted(SERVICES))
def spec(request: pytest.FixtureRequest) -> dict[str, Any]:
    document: dict[str, Any] = SERVICES[request.param]().app().openapi()
    return document


def test_every_operation_names_its_roles_and_every_problem_it_can_answer(
    spec: dict[str, Any],
) -> None:
    for path, method, operation in _operations(spec):
        responses = operation["responses"]
        if operation["operationId"] in PUBLIC:
            continue
        if operation.get("x-signed"):  # a provider's webhook: its signature, not a staff token
            assert responses["401"]["content"] == PROBLEM, (path, method)
            headers = {p["name"] for p in operation["parameters"] if p["in"] == "header"}
            assert {"X-Signature", "X-Signature-Timestamp"} <= headers, (path, method)
            assert responses["422"]["content"] == PROBLEM, (path, method)
            continue
        assert operation["x-roles"], (path, method)
        for status in ("401", "403", "503"):
            assert responses[status]["content"] == PROBLEM, (path, method, status)
        if "{" in path:
            assert responses["404"]["content"] == PROBLEM, (path, method)
        if operation.get("parameters") or "requestBody" in operation:
            assert responses["422"]["content"] == PROBLEM, (path, method)


def test_every_change_takes_an_idempotency_key_and_every_body_has_an_example(
    spec: dict[str, Any],
) -> None:
    for path, method, operation in _operations(spec):
        if method not in {"post", "put", "patch", "delete"} or operation["operationId"] in PUBLIC:
            continue
        if operation.get("x-signed"):
            # a provider's receipt: a provider sends no Idempotency-Key, and the same receipt
            # twice changes nothing (the route says "unchanged")
            continue
        headers = {p["name"] for p in operation.get("parameters", []) if p["in"] == "header"}
        assert "Idempotency-Key" in headers, (path, method)
        assert operation["responses"]["409"]["content"] == PROBLEM, (path, method)
        body = operation.get("requestBody")
        if body is None:
            continue
        if "application/json" in body["content"]:
            schema = _schema(spec, body["content"]["application/json"]["schema"])
            assert schema.get("examples"), f"{method} {path}: the body has no example"
        else:  # a file (CSV, XLSX): an example in one of its forms
            assert any("example" in form for form in body["content"].values()), (path, method)


def test_every_listing_pages_and_filters_by_site(spec: dict[str, Any]) -> None:
    listings = 0
    for path, method, operation in _operations(spec):
        ok = operation["responses"].get("200", {}).get("content", {}).get("application/json")
        if method != "get" or ok is None:
            continue
        schema = _schema(spec, ok["schema"])
        if not {"items", "total"} <= set(schema.get("properties", {})):
            continue
        listings += 1
        names = {p["name"] for p in operation.get("parameters", [])}
        assert {"limit", "offset"} <= names, (path, names)
        item = _schema(spec, schema["properties"]["items"]["items"])
        # the sites themselves: a filter by site would be the record; a country's calendar
        # years belong to no site
        if path != "/sites" and "site_id" in item.get("properties", {}):
            assert "site_id" in names, (path, names)
        assert set(schema["required"]) >= {"items", "total", "limit", "offset"}
    assert listings >= 1
