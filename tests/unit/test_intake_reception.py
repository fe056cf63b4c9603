"""How a request was received (CH-05..CH-08, KPI-09, INC-01, INC-02): the phone call's record,
the desk that took it, the appointment window, attachments by reference, and emergencies."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest
from contracts.intake import v1
from intake.domain import events
from intake.domain.monthly_report import count
from intake.domain.reception import (
    MAX_ATTACHMENT_BYTES,
    Attachment,
    CallDirection,
    CallRecord,
    Emergency,
    ReceivingDesk,
)
from intake.domain.service_request import (
    Channel,
    InvalidRegistration,
    RequestStatus,
    ServiceRequest,
    accept,
)

from tests.builders import NOW
from tests.unit.intake_harness import DMG, PRICES, Intake, registration

PHOTO = Attachment("https://files.example.com/dmg/leak.jpg", "leak.jpg", "image/jpeg", 482_133)


def call(**overrides: Any) -> CallRecord:
    values: dict[str, Any] = {
        "caller_number": "029-8888 6666",
        "direction": CallDirection.INBOUND,
        "rings": 2,
        "wait_seconds": 12,
        "started_at": NOW - timedelta(minutes=3),
        "duration_seconds": 150,
        "agent": "agent-017",
    }
    return CallRecord(**{**values, **overrides})


def accepted(**overrides: Any) -> ServiceRequest:
    return accept(
        registration(**overrides),
        DMG,
        request_id=uuid.uuid4(),
        request_no="SR-1",
        now=NOW,
        price_list=PRICES,
    )


def test_kpi09_the_calls_record_is_kept_with_the_callers_number_in_e164() -> None:
    request = accepted(call=call())
    assert request.call is not None
    assert request.call.caller_number == "+862988886666"
    assert request.call.answered_within_rings
    assert request.receiving_desk is ReceivingDesk.CALL_CENTRE


@pytest.mark.parametrize(
    ("rings", "direction", "within"),
    [
        (0, CallDirection.INBOUND, True),
        (3, CallDirection.INBOUND, True),
        (4, CallDirection.INBOUND, False),
        (0, CallDirection.OUTBOUND, True),
    ],
)
def test_kpi09_answered_within_3_rings(rings: int, direction: CallDirection, within: bool) -> None:
    assert call(rings=rings, direction=direction).answered_within_rings is within


def test_kpi09_the_monthly_report_counts_calls_and_those_answered_within_3_rings() -> None:
    requests = [
        accepted(call=call(rings=1)),
        accepted(call=call(rings=6)),
        accepted(call=call(rings=3)),
        accepted(channel=Channel.LETTER),
        accepted(emergency=Emergency.GAS),
    ]
    figures = count(requests)[requests[0].kind]
    assert (figures.calls, figures.calls_answered_within_3_rings) == (3, 2)
    assert figures.emergencies == 1
    assert figures.by_desk == {"call_centre": 5}


def test_ch03_every_channel_the_manual_names_is_taken_and_reported_by_channel() -> None:
    """E-mail, online consultation and chat, face to face, WeChat, the app (CH-03), besides the
    phone, letters, web forms and the sites' own systems (CH-01, CH-02)."""
    requests = [accepted(channel=channel) for channel in Channel]
    figures = count(requests)[requests[0].kind]
    assert figures.by_channel == {channel.value: 1 for channel in Channel}
    assert {"email", "online_chat", "walk_in", "wechat", "app"} <= set(figures.by_channel)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"channel": Channel.LETTER, "call": call()}, "call"),
        ({"call": call(caller_number="12345")}, "call.caller_number"),
        ({"call": call(started_at=NOW + timedelta(minutes=10))}, "call.started_at"),
        ({"call": call(started_at=NOW - timedelta(days=3))}, "call.started_at"),
        ({"call": call(direction=CallDirection.OUTBOUND, rings=2)}, "call.rings"),
        ({"call": call(rings=101)}, "call.rings"),
        ({"call": call(duration_seconds=-1)}, "call.duration_seconds"),
        ({"call": call(wait_seconds=3 * 3600)}, "call.wait_seconds"),
        ({"call": call(agent=" ")}, "call.agent"),
    ],
)
def test_a_call_record_that_cannot_be_true_is_refused_naming_the_field(
    overrides: dict[str, Any], field: str
) -> None:
    with pytest.raises(InvalidRegistration) as refused:
        accepted(**overrides)
    assert refused.value.field == field


def test_attachments_are_kept_by_reference() -> None:
    request = accepted(attachments=(PHOTO,))
    assert request.attachments == (PHOTO,)


@pytest.mark.parametrize(
    ("attachments", "field", "message"),
    [
        (
            (Attachment("https://f.example.com/" + "a" * 2000, "a.jpg", "image/jpeg", 10),),
            "attachments[0].reference",
            "1 to 2000 characters",
        ),
        (
            (Attachment("file:///etc/passwd", "p", "text/plain", 10),),
            "attachments[0].reference",
            "not a file's address",
        ),
        (
            (PHOTO, PHOTO),
            "attachments[1].reference",
            "listed twice",
        ),
        (
            (Attachment(PHOTO.reference, "big.mov", "video/mp4", MAX_ATTACHMENT_BYTES + 1),),
            "attachments[0].size_bytes",
            "50 MB",
        ),
        (
            (Attachment(PHOTO.reference, "leak.jpg", "jpeg", 10),),
            "attachments[0].media_type",
            "not a media type",
        ),
        (
            tuple(
                Attachment(f"https://f.example.com/{n}.jpg", "x.jpg", "image/jpeg", 1)
                for n in range(11)
            ),
            "attachments",
            "at most 10",
        ),
    ],
)
def test_a_bad_or_oversized_attachment_reference_is_refused_naming_it(
    attachments: tuple[Attachment, ...], field: str, message: str
) -> None:
    with pytest.raises(InvalidRegistration, match=message) as refused:
        accepted(attachments=attachments)
    assert refused.value.field == field


def test_ch05_an_appointment_window_is_kept() -> None:
    """A visit time agreed with the resident is recorded with the request (SITE-03)."""
    start = NOW + timedelta(hours=2)
    request = accepted(appointment_at=start, appointment_until=start + timedelta(hours=2))
    assert (request.appointment_at, request.appointment_until) == (
        start,
        start + timedelta(hours=2),
    )


@pytest.mark.parametrize(
    ("at", "until", "field", "message"),
    [
        (NOW - timedelta(hours=1), None, "appointment_at", "in the past"),
        (NOW + timedelta(days=200), None, "appointment_at", "180 days ahead"),
        (NOW + timedelta(hours=3), NOW + timedelta(hours=2), "appointment_until", "after"),
        (NOW + timedelta(hours=1), NOW + timedelta(hours=14), "appointment_until", "12 hours"),
        (None, NOW + timedelta(hours=2), "appointment_until", "give both"),
    ],
)
def test_ch05_an_appointment_that_cannot_be_kept_is_refused(
    at: Any, until: Any, field: str, message: str
) -> None:
    with pytest.raises(InvalidRegistration, match=message) as refused:
        accepted(appointment_at=at, appointment_until=until)
    assert refused.value.field == field


def test_a_walk_in_is_received_at_a_sites_desk() -> None:
    """The site's service centre or control room duty staff receive it (ORG-09)."""
    assert accepted(channel=Channel.WALK_IN).receiving_desk is ReceivingDesk.SERVICE_CENTRE
    night = accepted(channel=Channel.WALK_IN, receiving_desk=ReceivingDesk.CONTROL_ROOM)
    assert night.receiving_desk is ReceivingDesk.CONTROL_ROOM
    with pytest.raises(InvalidRegistration) as refused:
        accepted(channel=Channel.WALK_IN, receiving_desk=ReceivingDesk.CALL_CENTRE)
    assert refused.value.field == "receiving_desk"


def test_inc02_an_emergency_is_accepted_and_reported_for_the_supervisor_at_once() -> None:
    request = accepted(emergency=Emergency.WATER_LEAK)
    assert request.pending_events() == [
        events.ServiceRequestAccepted(accepted_at=NOW),
        events.EmergencyReported(reported_at=NOW),
    ]


def test_inc02_an_emergency_is_never_declined_but_may_be_redirected() -> None:
    with pytest.raises(InvalidRegistration, match="not declined") as refused:
        accepted(emergency=Emergency.GAS, triage=RequestStatus.DECLINED, triage_note="不归物业管")
    assert refused.value.field == "triage"
    redirected = accepted(
        emergency=Emergency.GAS, triage=RequestStatus.REDIRECTED, triage_note="燃气公司 96777"
    )
    assert redirected.pending_events() == [events.EmergencyReported(reported_at=NOW)]


async def test_inc02_the_emergency_is_published_with_what_was_said_and_travels_to_dispatch() -> (
    None
):
    intake = Intake()
    request, _ = await intake.register(
        registration(emergency=Emergency.LIFT_ENTRAPMENT, call=call(), attachments=(PHOTO,))
    )
    [alert] = intake.store.published_of(v1.EmergencyReported)
    assert alert.payload.emergency is v1.Emergency.LIFT_ENTRAPMENT
    assert alert.payload.request_no == request.request_no
    assert alert.payload.description == "厨房水龙头漏水"
    assert alert.payload.redirected_to is None
    [accepted_event] = intake.accepted()
    assert accepted_event.payload.emergency is v1.Emergency.LIFT_ENTRAPMENT
    assert [a.reference for a in accepted_event.payload.attachments] == [PHOTO.reference]
    assert accepted_event.payload.receiving_desk is v1.ReceivingDesk.CALL_CENTRE


async def test_a_routine_request_publishes_no_emergency() -> None:
    intake = Intake()
    await intake.register(registration())
    assert intake.store.published_of(v1.EmergencyReported) == []
