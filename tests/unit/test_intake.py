"""Intake: registering and triaging requests (登记, 判别), from agents and from site systems.

The triage rules are tested on the domain alone; registration runs the real handlers through
the real message bus, with the real inbound and outbound mappers, on an in-memory store that
keeps the real store's version rule.
"""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from contracts.intake import v1
from contracts.sites.v1 import SiteRequestSubmitted
from faststream.kafka import KafkaBroker, KafkaMessage, TestKafkaBroker
from hotline_libs.errors import Conflict
from hotline_libs.ids import event_id
from hotline_libs.messaging import Consumer
from hotline_libs.settings import ServiceSettings
from intake.adapters.inbound.sites_v1 import register_site_submission
from intake.domain import events
from intake.domain.boards import BOARDS, RequestKind
from intake.domain.commands import RegisterSiteSubmission
from intake.domain.refused_submission import RefusedSubmission
from intake.domain.service_request import (
    Channel,
    InvalidRegistration,
    Registration,
    RequestedItem,
    ResidentContact,
    ServiceRequest,
    accept,
    normalise_email,
    normalise_phone,
)
from intake.domain.site import UnknownSite
from intake.entrypoints.subscriptions import subscriptions

from contracts import topics
from tests.builders import NOW, resident, site_request_submitted
from tests.unit.intake_harness import DMG, PRICES, Intake, registration

# --- triage, on the domain alone ---


def test_ch06_ch07_accepting_normalises_the_phone_and_keeps_what_the_caller_said() -> None:
    """The consultation and repair registers' fields (CH-06, CH-07): who called and how to reach
    them, the site, building and room, the time, and what they asked for, as they said it."""
    request = accept(
        registration(), DMG, request_id=uuid.uuid4(), request_no="SR-1", now=NOW, price_list=PRICES
    )
    assert request.resident.phone == "+8613800138000"
    assert (request.site_id, request.resident.building, request.resident.room) == (
        "dmg",
        registration().resident.building,
        registration().resident.room,
    )
    assert request.resident.name == registration().resident.name
    assert request.description == "厨房水龙头漏水"
    assert request.accepted_at == NOW
    assert request.registered_at == NOW
    assert request.pending_events() == [events.ServiceRequestAccepted(accepted_at=NOW)]


def test_tax01_there_are_seven_boards() -> None:
    assert len(RequestKind) == 7
    assert set(BOARDS) == set(RequestKind)
    assert {kind.value for kind in RequestKind} == {kind.value for kind in v1.RequestKind}


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        # TAX-01 / KB-01: an item of the board, and a board the site offers
        ({"category": "roof"}, "category 'roof' is not an item of the repair board"),
        (
            {"kind": RequestKind.HOUSEKEEPING, "category": "glass_cleaning"},
            "does not offer housekeeping",
        ),
        # CH-05, CH-09, CH-15: what a registration must carry, and in what form
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
def test_kb01_ch05_ch09_ch15_triage_refuses_what_breaks_a_rule_and_says_which(
    overrides: dict[str, Any], message: str
) -> None:
    with pytest.raises(InvalidRegistration, match=message):
        accept(
            registration(**overrides),
            DMG,
            request_id=uuid.uuid4(),
            request_no="SR-1",
            now=NOW,
            price_list=PRICES,
        )


def test_an_email_is_normalised_and_a_blank_one_means_none() -> None:
    def email_of(given: str) -> str | None:
        contact = ResidentContact("王芳", "13800138000", given, "3", "1202")
        request = accept(
            registration(resident=contact),
            DMG,
            request_id=uuid.uuid4(),
            request_no="SR-1",
            now=NOW,
            price_list=PRICES,
        )
        return request.resident.email

    assert email_of(" wang.fang@Example.COM ") == "wang.fang@example.com"
    assert email_of("  ") is None
    assert normalise_email(None) is None


def test_phone_numbers_in_other_forms_normalise_to_the_same_number() -> None:
    assert (
        normalise_phone("+86 138-0013-8000") == normalise_phone("13800138000") == "+8613800138000"
    )


# --- registering through the bus (RegisterRequest) ---


async def test_registering_stores_the_request_and_publishes_its_accepted_event() -> None:
    intake = Intake()
    request, created = await intake.register()
    assert created
    assert request.request_no == "SR-DMG-20261123-0001"
    assert request.version == 1
    [stored] = intake.requests()
    assert stored == request
    assert stored.resident.phone == "+8613800138000"
    [event] = intake.accepted()
    assert event.event_id == event_id(v1.ServiceRequestAccepted, request.request_id)
    assert event.aggregate_version == 1
    assert event.site_id == "dmg"
    assert event.correlation_id == request.request_id
    assert event.payload.request_id == request.request_id
    assert event.payload.request_no == "SR-DMG-20261123-0001"
    assert event.payload.resident.phone == "+8613800138000"
    assert event.payload.description == "厨房水龙头漏水"
    assert event.payload.channel is v1.Channel.HOTLINE
    assert event.payload.registered_at == event.payload.accepted_at == NOW


async def test_the_same_idempotency_key_returns_the_first_request() -> None:
    intake = Intake()
    first, created = await intake.register(key="call-42")
    intake.clock.now = NOW + timedelta(seconds=5)
    again, created_again = await intake.register(key="call-42")
    assert created and not created_again
    assert again.request_id == first.request_id
    assert again.request_no == first.request_no
    assert again.accepted_at == NOW
    assert len(intake.requests()) == 1
    assert len(intake.accepted()) == 1


async def test_an_idempotency_key_reused_for_another_request_is_a_conflict() -> None:
    intake = Intake()
    await intake.register(key="k")
    with pytest.raises(Conflict, match="Idempotency-Key was already used"):
        await intake.register(replace(registration(), description="门锁坏了"), key="k")
    [stored] = intake.requests()
    assert stored.description == "厨房水龙头漏水"
    assert len(intake.accepted()) == 1


async def test_an_unknown_site_is_refused_and_nothing_is_stored() -> None:
    intake = Intake()
    with pytest.raises(UnknownSite, match="'nowhere'"):
        await intake.register(registration(site_id="nowhere"))
    assert intake.requests() == []
    assert intake.accepted() == []
    assert intake.serials_drawn() == {}


async def test_request_numbers_run_per_site_and_local_day() -> None:
    intake = Intake()

    async def number(now: datetime, site_id: str = "dmg") -> str:
        intake.clock.now = now
        request, _ = await intake.register(registration(site_id=site_id))
        return request.request_no

    assert await number(NOW) == "SR-DMG-20261123-0001"
    assert await number(NOW + timedelta(hours=1)) == "SR-DMG-20261123-0002"
    assert await number(NOW + timedelta(hours=1), "gxi") == "SR-GXI-20261123-0001"
    # 17:30 UTC is already 01:30 on the 24th in Xi'an: a new day, a new sequence
    assert await number(datetime(2026, 11, 23, 17, 30, tzinfo=UTC)) == "SR-DMG-20261124-0001"


async def test_a_registration_refused_by_triage_draws_no_number() -> None:
    intake = Intake()
    with pytest.raises(InvalidRegistration):
        await intake.register(registration(category="roof"))
    with pytest.raises(InvalidRegistration):
        await intake.register(
            registration(resident=ResidentContact("王芳", "12345", None, "3", "1"))
        )
    assert intake.serials_drawn() == {}
    request, _ = await intake.register()
    assert request.request_no == "SR-DMG-20261123-0001"  # no gap


# --- the site-system feed (sites.service-requests) ---


def test_a_site_submission_maps_to_a_site_system_registration_at_the_envelopes_site() -> None:
    event = site_request_submitted(
        source_ref="GXI-DESK-7",
        site_id="gxi",
        registered_at=NOW - timedelta(minutes=3),
        requested_items=[v1.RequestedItem(item_code="RP-TAP", quantity=2)],
        appointment_at=NOW + timedelta(hours=2),
    )
    assert register_site_submission(event) == RegisterSiteSubmission(
        submission_id=event.event_id,
        source_ref="GXI-DESK-7",
        registration=Registration(
            site_id="gxi",
            kind=RequestKind.REPAIR,
            category="own_unit",
            description="厨房水龙头漏水",
            resident=ResidentContact("王芳", "13800138000", "wang.fang@example.com", "3", "1202"),
            channel=Channel.SITE_SYSTEM,
            requested_items=(RequestedItem("RP-TAP", 2),),
            appointment_at=NOW + timedelta(hours=2),
            registered_at=NOW - timedelta(minutes=3),
        ),
        causation_id=event.event_id,
    )


async def test_a_site_submission_registers_a_site_system_request_at_the_envelopes_site() -> None:
    intake = Intake()
    event = site_request_submitted(
        site_id="gxi",
        registered_at=NOW - timedelta(minutes=3),
        requested_items=[v1.RequestedItem(item_code="RP-TAP", quantity=2)],
        appointment_at=NOW + timedelta(hours=2),
    )
    request = await intake.submit(event)
    assert isinstance(request, ServiceRequest)
    assert request.site_id == "gxi"
    assert request.request_no == "SR-GXI-20261123-0001"
    assert request.channel is Channel.SITE_SYSTEM
    assert request.resident.phone == "+8613800138000"  # the site sent a local number
    assert request.registered_at == NOW - timedelta(minutes=3)  # when the site took it
    assert request.accepted_at == NOW
    assert request.requested_items == (RequestedItem("RP-TAP", 2),)
    assert request.appointment_at == NOW + timedelta(hours=2)
    assert intake.requests() == [request]
    [accepted] = intake.accepted()
    assert accepted.site_id == "gxi"
    assert accepted.causation_id == event.event_id
    assert accepted.aggregate_version == 1
    assert accepted.payload.channel is v1.Channel.SITE_SYSTEM
    assert accepted.payload.request_no == request.request_no
    assert accepted.payload.resident.phone == "+8613800138000"
    assert intake.refused() == []


async def test_a_submission_delivered_or_sent_again_registers_one_request() -> None:
    intake = Intake()
    event = site_request_submitted(source_ref="A-1")
    first = await intake.submit(event)
    redelivered = await intake.submit(event)  # the same message again
    sent_again = await intake.submit(site_request_submitted(source_ref="A-1"))  # a new message
    assert isinstance(first, ServiceRequest)
    assert redelivered == first and sent_again == first
    assert len(intake.requests()) == 1
    assert len(intake.accepted()) == 1
    other = await intake.submit(site_request_submitted(source_ref="A-2"))
    assert isinstance(other, ServiceRequest)
    assert other.request_id != first.request_id
    assert other.request_no == "SR-DMG-20261123-0002"
    assert intake.refused() == []


@pytest.mark.parametrize(
    ("event", "refusal", "message"),
    [
        (
            site_request_submitted(site_id="nowhere"),
            "UnknownSite",
            "site 'nowhere' is not served by this hotline",
        ),
        (
            site_request_submitted(category="roof"),
            "InvalidRegistration",
            "category 'roof' is not an item of the repair board",
        ),
        (
            site_request_submitted(kind=v1.RequestKind.HOUSEKEEPING, category="glass_cleaning"),
            "InvalidRegistration",
            "site 'dmg' (大明宫花园) does not offer housekeeping services",
        ),
        (site_request_submitted(description=""), "InvalidRegistration", "description must say"),
        (
            site_request_submitted(resident=resident(phone="12345")),
            "InvalidRegistration",
            "resident.phone '12345' is not a valid phone number",
        ),
        (
            site_request_submitted(registered_at=NOW + timedelta(hours=1)),
            "InvalidRegistration",
            "registered_at is in the future",
        ),
    ],
    ids=[
        "unknown-site",
        "kb01-not-an-item",
        "kb01-not-offered",
        "ch-no-description",
        "ch-phone",
        "ch-future",
    ],
)
async def test_a_refused_submission_is_kept_with_its_reason_and_nothing_else_is_stored(
    event: SiteRequestSubmitted, refusal: str, message: str
) -> None:
    intake = Intake()
    refused = await intake.submit(event)  # no exception: a refusal is a state
    assert isinstance(refused, RefusedSubmission)
    assert refused == RefusedSubmission(
        submission_id=event.event_id,
        site_id=event.site_id,
        source_ref="DMG-DESK-000123",
        reason=refused.reason,
        refusal=refusal,
        received_at=NOW,
        resident_name="王芳",
        resident_phone=event.payload.resident.phone,  # as the site sent it
        description=event.payload.description,
    )
    assert message in refused.reason
    [stored] = intake.refused()
    assert stored == refused and stored.version == 1
    assert intake.requests() == []
    assert intake.accepted() == []
    assert intake.serials_drawn() == {}  # a refusal draws no request number


async def test_a_source_ref_reused_for_different_content_is_refused_naming_it() -> None:
    intake = Intake()
    first = await intake.submit(site_request_submitted(source_ref="A-1"))
    intake.clock.now = NOW + timedelta(minutes=1)
    clash = site_request_submitted(source_ref="A-1", description="门锁坏了")
    refused = await intake.submit(clash)
    assert isinstance(refused, RefusedSubmission)
    assert refused.refusal == "Conflict"
    assert refused.reason.startswith(
        "source_ref 'A-1' of site 'dmg' was already registered with different content"
    )
    assert refused.submission_id == clash.event_id
    assert refused.description == "门锁坏了"
    assert refused.received_at == NOW + timedelta(minutes=1)
    assert intake.requests() == [first]  # the first request is untouched
    assert len(intake.accepted()) == 1
    assert intake.refused() == [refused]


@pytest.mark.parametrize(
    "event",
    [
        site_request_submitted(site_id="nowhere"),
        site_request_submitted(resident=resident(phone="12345")),
    ],
    ids=["unknown-site", "invalid-phone"],
)
async def test_a_redelivered_refusal_finds_the_same_record(event: SiteRequestSubmitted) -> None:
    intake = Intake()
    first = await intake.submit(event)
    commits = intake.store.commits
    intake.clock.now = NOW + timedelta(minutes=5)
    again = await intake.submit(event)
    assert again == first
    assert isinstance(again, RefusedSubmission)
    assert again.received_at == NOW and again.version == 1
    assert intake.store.commits == commits  # nothing saved again
    assert len(intake.refused()) == 1


async def test_a_redelivered_conflict_finds_the_same_record() -> None:
    intake = Intake()
    await intake.submit(site_request_submitted(source_ref="A-1"))
    clash = site_request_submitted(source_ref="A-1", description="门锁坏了")
    first = await intake.submit(clash)
    again = await intake.submit(clash)
    assert isinstance(first, RefusedSubmission)
    assert again == first
    assert len(intake.refused()) == 1
    assert len(intake.requests()) == 1


async def test_a_refusal_does_not_burn_the_source_ref_once_the_site_corrects_it() -> None:
    intake = Intake()
    refused = await intake.submit(
        site_request_submitted(source_ref="A-1", resident=resident(phone="12345"))
    )
    corrected = await intake.submit(site_request_submitted(source_ref="A-1"))
    assert isinstance(refused, RefusedSubmission)
    assert isinstance(corrected, ServiceRequest)
    assert corrected.request_no == "SR-DMG-20261123-0001"
    assert intake.refused() == [refused]
    assert intake.requests() == [corrected]


async def test_the_feed_keeps_a_refused_submission_instead_of_dead_lettering_it() -> None:
    """On FastStream's in-memory broker, through intake's real subscriptions."""
    intake = Intake()
    settings = ServiceSettings(
        consumer_max_attempts=2, consumer_backoff_cap_s=0.01, topic_prefix="t."
    )
    broker = KafkaBroker()
    consumer = Consumer(broker, settings, "intake")
    for subscription in subscriptions(intake.bus):
        consumer.register(subscription)
    dead: list[dict[str, str]] = []

    @broker.subscriber(f"t.{topics.SITE_REQUESTS}.dlq")
    async def collect(message: KafkaMessage) -> None:
        dead.append(dict(message.headers))

    unknown = site_request_submitted(site_id="nowhere", source_ref="X-1")
    good = site_request_submitted(source_ref="X-2")
    async with TestKafkaBroker(broker) as test_broker:
        for event in (unknown, good, unknown):
            await test_broker.publish(
                event.model_dump_json().encode(), topic=f"t.{topics.SITE_REQUESTS}"
            )
    assert dead == []
    [refused] = intake.refused()
    assert refused.submission_id == unknown.event_id
    assert refused.reason == "site 'nowhere' is not served by this hotline"
    assert [r.channel for r in intake.requests()] == [Channel.SITE_SYSTEM]
