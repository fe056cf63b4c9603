"""Intake: registering and triaging requests (登记, 判别)."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from contracts.intake.v1 import Channel, RequestKind, ServiceRequestAccepted
from hotline_libs.errors import Conflict
from intake.domain.model import (
    InvalidRegistration,
    Registration,
    RequestedItem,
    ResidentContact,
    ServiceRequest,
    Site,
    UnknownSite,
    accept,
    normalise_phone,
)
from intake.service_layer.services import register_request

from contracts import Event
from tests.builders import NOW
from tests.fakes import CountingSerials

SERIALS = CountingSerials()

SITE = Site("dmg", "DMG", "大明宫花园", frozenset(RequestKind) - {RequestKind.HOUSEKEEPING})


def registration(**overrides: Any) -> Registration:
    values: dict[str, Any] = {
        "site_id": "dmg",
        "kind": RequestKind.REPAIR,
        "category": "own_unit",
        "description": " 厨房水龙头漏水 ",
        "resident": ResidentContact("王芳", "138 0013 8000", None, "3", "1202"),
        "channel": Channel.HOTLINE,
    }
    return Registration(**{**values, **overrides})


class FakeRequests:
    def __init__(self) -> None:
        self.stored: dict[uuid.UUID, tuple[ServiceRequest, list[Event[Any]]]] = {}

    async def add(self, request: ServiceRequest, events: list[Event[Any]]) -> bool:
        if request.request_id in self.stored:
            return False
        self.stored[request.request_id] = (request, events)
        return True

    async def get(self, request_id: uuid.UUID) -> ServiceRequest | None:
        found = self.stored.get(request_id)
        return None if found is None else found[0]


class FakeSites:
    async def get(self, site_id: str) -> Site | None:
        return SITE if site_id == SITE.site_id else None


def test_accepting_normalises_the_phone_and_keeps_what_the_caller_said() -> None:
    request = accept(registration(), SITE, request_id=uuid.uuid4(), request_no="SR-1", now=NOW)
    assert request.resident.phone == "+8613800138000"
    assert request.description == "厨房水龙头漏水"
    assert request.accepted_at == NOW
    assert request.registered_at == NOW


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"category": "roof"}, "category 'roof' is not an item of the repair board"),
        (
            {"kind": RequestKind.HOUSEKEEPING, "category": "glass_cleaning"},
            "does not offer housekeeping",
        ),
        ({"description": "   "}, "description must say"),
        ({"appointment_at": NOW - timedelta(hours=1)}, "appointment_at is in the past"),
        ({"registered_at": NOW + timedelta(hours=1)}, "registered_at is in the future"),
        (
            {"requested_items": (RequestedItem("HK-GLASS", 1), RequestedItem("HK-GLASS", 2))},
            "twice",
        ),
        (
            {"resident": ResidentContact("王芳", "12345", None, "3", "1202")},
            "not a valid phone number",
        ),
    ],
)
def test_triage_refuses_what_breaks_a_rule_and_says_which(
    overrides: dict[str, Any], message: str
) -> None:
    with pytest.raises(InvalidRegistration, match=message):
        accept(registration(**overrides), SITE, request_id=uuid.uuid4(), request_no="SR-1", now=NOW)


def test_phone_numbers_in_other_forms_normalise_to_the_same_number() -> None:
    assert (
        normalise_phone("+86 138-0013-8000") == normalise_phone("13800138000") == "+8613800138000"
    )


async def test_registering_stores_the_request_with_its_accepted_event() -> None:
    requests = FakeRequests()
    request, created = await register_request(
        registration(), requests=requests, sites=FakeSites(), serials=SERIALS, now=NOW
    )
    assert created
    stored, events = requests.stored[request.request_id]
    assert stored.request_no.startswith("SR-DMG-20261123-")
    [event] = events
    assert isinstance(event, ServiceRequestAccepted)
    assert event.payload.request_id == request.request_id
    assert event.payload.resident.phone == "+8613800138000"


async def test_the_same_idempotency_key_returns_the_first_request() -> None:
    requests = FakeRequests()
    first, created = await register_request(
        registration(),
        requests=requests,
        sites=FakeSites(),
        serials=SERIALS,
        now=NOW,
        idempotency_key="call-42",
    )
    again, created_again = await register_request(
        registration(),
        requests=requests,
        sites=FakeSites(),
        serials=SERIALS,
        now=NOW + timedelta(seconds=5),
        idempotency_key="call-42",
    )
    assert created and not created_again
    assert again.request_id == first.request_id
    assert len(requests.stored) == 1


async def test_an_idempotency_key_reused_for_another_request_is_a_conflict() -> None:
    requests = FakeRequests()
    await register_request(
        registration(),
        requests=requests,
        sites=FakeSites(),
        serials=SERIALS,
        now=NOW,
        idempotency_key="k",
    )
    with pytest.raises(Conflict, match="Idempotency-Key was already used"):
        await register_request(
            replace(registration(), description="门锁坏了"),
            requests=requests,
            sites=FakeSites(),
            serials=SERIALS,
            now=NOW,
            idempotency_key="k",
        )
    assert len(requests.stored) == 1


async def test_an_unknown_site_is_refused_and_nothing_is_stored() -> None:
    requests = FakeRequests()
    with pytest.raises(UnknownSite, match="'nowhere'"):
        await register_request(
            registration(site_id="nowhere"),
            requests=requests,
            sites=FakeSites(),
            serials=SERIALS,
            now=NOW,
        )
    assert requests.stored == {}


async def test_request_numbers_run_per_site_and_local_day() -> None:
    serials, requests = CountingSerials(), FakeRequests()

    async def number(now: datetime) -> str:
        request, _ = await register_request(
            registration(), requests=requests, sites=FakeSites(), serials=serials, now=now
        )
        return request.request_no

    assert await number(NOW) == "SR-DMG-20261123-0001"
    assert await number(NOW + timedelta(hours=1)) == "SR-DMG-20261123-0002"
    # 17:30 UTC is already 01:30 on the 24th in Xi'an: a new day, a new sequence
    assert await number(datetime(2026, 11, 23, 17, 30, tzinfo=UTC)) == "SR-DMG-20261124-0001"
