"""Intake: registering and triaging requests (登记, 判别)."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from contracts.intake.v1 import Channel, RequestKind, ServiceRequestAccepted
from contracts.intake.v1 import RequestedItem as ItemAsked
from contracts.sites.v1 import SiteRequestSubmitted
from faststream.kafka import KafkaBroker, KafkaMessage, TestKafkaBroker
from hotline_libs.errors import Conflict
from hotline_libs.messaging import Consumer, Subscription
from hotline_libs.settings import ServiceSettings
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
from intake.entrypoints.site_feed import register_submission
from intake.service_layer.services import register_request

from contracts import Event, topics
from tests.builders import NOW, site_request_submitted
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
        # the HTTP model checks these too, but a site system's feed reaches triage unchecked
        ({"description": "漏" * 4001}, "description is longer than 4000"),
        (
            {"resident": ResidentContact("  ", "13800138000", None, "3", "1202")},
            "resident.name must be 1 to 100 characters",
        ),
        (
            {"resident": ResidentContact("王芳", "13800138000", None, "3" * 21, "1202")},
            "resident.building must be 1 to 20 characters",
        ),
        (
            {"resident": ResidentContact("王芳", "13800138000", None, "3", "")},
            "resident.room must be 1 to 20 characters",
        ),
        (
            {"resident": ResidentContact("王芳", "13800138000", "wang.fang", "3", "1202")},
            "resident.email 'wang.fang' is not an e-mail address",
        ),
        (
            {"requested_items": tuple(RequestedItem(f"RP-{n}", 1) for n in range(51))},
            "requested_items lists 51 items; at most 50",
        ),
        (
            {"requested_items": (RequestedItem(" ", 1),)},
            r"requested_items\[0\]\.item_code must be 1 to 40",
        ),
        (
            {"requested_items": (RequestedItem("RP-TAP", 0),)},
            r"requested_items\[0\]\.quantity must be 1 to 1000",
        ),
    ],
)
def test_triage_refuses_what_breaks_a_rule_and_says_which(
    overrides: dict[str, Any], message: str
) -> None:
    with pytest.raises(InvalidRegistration, match=message):
        accept(registration(**overrides), SITE, request_id=uuid.uuid4(), request_no="SR-1", now=NOW)


def test_an_email_is_normalised_and_a_blank_one_means_none() -> None:
    def email_of(given: str) -> str | None:
        contact = ResidentContact("王芳", "13800138000", given, "3", "1202")
        request = accept(
            registration(resident=contact),
            SITE,
            request_id=uuid.uuid4(),
            request_no="SR-1",
            now=NOW,
        )
        return request.resident.email

    assert email_of(" wang.fang@Example.COM ") == "wang.fang@example.com"
    assert email_of("  ") is None


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


# --- the site-system feed (sites.service-requests) ---


async def submit(
    event: SiteRequestSubmitted, requests: FakeRequests
) -> tuple[ServiceRequest, bool]:
    return await register_submission(
        event, requests=requests, sites=FakeSites(), serials=SERIALS, now=NOW
    )


async def test_a_site_submission_registers_a_site_system_request_at_the_envelopes_site() -> None:
    requests = FakeRequests()
    event = site_request_submitted(
        registered_at=NOW - timedelta(minutes=3),
        requested_items=[ItemAsked(item_code="RP-TAP", quantity=2)],
        appointment_at=NOW + timedelta(hours=2),
    )
    request, created = await submit(event, requests)
    assert created
    assert request.site_id == "dmg"
    assert request.channel is Channel.SITE_SYSTEM
    assert request.resident.phone == "+8613800138000"  # the site sent a local number
    assert request.registered_at == NOW - timedelta(minutes=3)  # when the site took it
    assert request.accepted_at == NOW
    assert request.requested_items == (RequestedItem("RP-TAP", 2),)
    assert request.appointment_at == NOW + timedelta(hours=2)
    [accepted] = requests.stored[request.request_id][1]
    assert isinstance(accepted, ServiceRequestAccepted)
    assert accepted.payload.channel is Channel.SITE_SYSTEM
    assert accepted.payload.request_no == request.request_no


async def test_a_submission_delivered_or_sent_again_registers_one_request() -> None:
    requests = FakeRequests()
    first, created = await submit(site_request_submitted(source_ref="A-1"), requests)
    redelivered, created_again = await submit(site_request_submitted(source_ref="A-1"), requests)
    assert created and not created_again
    assert redelivered.request_id == first.request_id
    assert redelivered.request_no == first.request_no
    assert len(requests.stored) == 1
    other, created_other = await submit(site_request_submitted(source_ref="A-2"), requests)
    assert created_other and other.request_id != first.request_id


async def test_a_source_ref_reused_for_different_content_is_a_conflict_naming_it() -> None:
    requests = FakeRequests()
    await submit(site_request_submitted(source_ref="A-1"), requests)
    with pytest.raises(Conflict, match="source_ref 'A-1' of site 'dmg' was already registered"):
        await submit(site_request_submitted(source_ref="A-1", description="门锁坏了"), requests)
    assert len(requests.stored) == 1


@pytest.mark.parametrize(
    ("event", "refusal", "message"),
    [
        (site_request_submitted(site_id="nowhere"), UnknownSite, "site 'nowhere' is not served"),
        (
            site_request_submitted(category="roof"),
            InvalidRegistration,
            "category 'roof' is not an item of the repair board",
        ),
        (
            site_request_submitted(kind=RequestKind.HOUSEKEEPING, category="glass_cleaning"),
            InvalidRegistration,
            "does not offer housekeeping",
        ),
        (
            site_request_submitted(description=""),
            InvalidRegistration,
            "description must say",
        ),
    ],
)
async def test_a_refused_submission_stores_nothing(
    event: SiteRequestSubmitted, refusal: type[Exception], message: str
) -> None:
    requests = FakeRequests()
    with pytest.raises(refusal, match=message):
        await submit(event, requests)
    assert requests.stored == {}


async def test_a_refused_submission_is_dead_lettered_with_the_reason_and_the_feed_goes_on() -> None:
    settings = ServiceSettings(
        consumer_max_attempts=2, consumer_backoff_cap_s=0.01, topic_prefix="t."
    )
    requests = FakeRequests()

    async def on_submitted(event: SiteRequestSubmitted) -> None:
        await submit(event, requests)

    broker = KafkaBroker()
    Consumer(broker, settings, "intake").register(
        Subscription(topics.SITE_REQUESTS, {SiteRequestSubmitted: on_submitted})
    )
    dead: list[dict[str, str]] = []

    @broker.subscriber(f"t.{topics.SITE_REQUESTS}.dlq")
    async def collect(message: KafkaMessage) -> None:
        dead.append(dict(message.headers))

    unknown = site_request_submitted(site_id="nowhere", source_ref="X-1")
    good = site_request_submitted(source_ref="X-2")
    async with TestKafkaBroker(broker) as test_broker:
        for event in (unknown, good):
            await test_broker.publish(
                event.model_dump_json().encode(), topic=f"t.{topics.SITE_REQUESTS}"
            )
    [headers] = dead
    assert headers["dlq-reason"] == "UnknownSite: site 'nowhere' is not served by this hotline"
    assert [r.channel for r, _ in requests.stored.values()] == [Channel.SITE_SYSTEM]
