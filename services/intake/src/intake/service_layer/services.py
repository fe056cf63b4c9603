"""Intake's use cases, as plain async functions over ports."""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import asdict, replace
from datetime import datetime
from typing import Any, Protocol

from hotline_libs.errors import Conflict
from hotline_libs.ids import Serials, derive_id, next_serial_number

from contracts import Event
from intake.adapters.events import service_request_accepted
from intake.domain.model import Registration, ServiceRequest, Site, UnknownSite, accept


class ServiceRequests(Protocol):
    async def add(self, request: ServiceRequest, events: list[Event[Any]]) -> bool: ...
    async def get(self, request_id: uuid.UUID) -> ServiceRequest | None: ...


class Sites(Protocol):
    async def get(self, site_id: str) -> Site | None: ...


def fingerprint(registration: Registration) -> str:
    """A digest of what was asked, to tell a retry from a different request under one key."""
    data = asdict(registration)
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()


async def register_request(
    registration: Registration,
    *,
    requests: ServiceRequests,
    sites: Sites,
    now: datetime,
    serials: Serials,
    idempotency_key: str | None = None,
) -> tuple[ServiceRequest, bool]:
    """Register and accept a request; returns it and whether it is new.

    With an ``Idempotency-Key`` the request id is derived from the key, so a client retrying a
    POST gets the first request back instead of a second registration.
    """
    site = await sites.get(registration.site_id)
    if site is None:
        raise UnknownSite(f"site {registration.site_id!r} is not served by this hotline")
    digest = fingerprint(registration)
    if idempotency_key:
        request_id = derive_id("service-request", registration.site_id, idempotency_key)
        earlier = await requests.get(request_id)
        if earlier is not None:
            return _same_request(earlier, digest), False
    else:
        request_id = uuid.uuid4()
    request = accept(
        registration,
        site,
        request_id=request_id,
        request_no=await next_serial_number(serials, "SR", site.code, now),
        now=now,
    )
    request = replace(request, fingerprint=digest)
    if await requests.add(request, [service_request_accepted(request)]):
        return request, True
    earlier = await requests.get(request_id)  # a concurrent retry with the same key won the race
    assert earlier is not None
    return _same_request(earlier, digest), False


def _same_request(earlier: ServiceRequest, digest: str) -> ServiceRequest:
    if earlier.fingerprint != digest:
        raise Conflict(
            "Idempotency-Key was already used for a different request; use a new key for a new request"
        )
    return earlier
