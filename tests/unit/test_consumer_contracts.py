"""Consumer-side contract tests: every event's canonical example, replayed through every service
that consumes it, exactly as that service registered its subscription.

Each service lists what it consumes in one place (``entrypoints/subscriptions.py``); each
subscription maps the event to a command with the service's inbound mapper. Here a recording
bus stands in for the service layer, so the test sees the command each consumer would act on.
A producer's change its consumers cannot read fails here, on the consumers' side (FTGO's
contract tests are the model); so does a consumer that would dead-letter a value an open enum
may gain.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from typing import Any

import pytest
from billing.entrypoints.subscriptions import subscriptions as billing
from callback.entrypoints.subscriptions import subscriptions as callback
from contracts.billing.v1 import ManagementFeeReminderDue
from contracts.examples import canonical_examples
from contracts.notification.v1 import NotificationSent
from dispatch.entrypoints.subscriptions import subscriptions as dispatch
from hotline_libs.messaging import Subscription
from intake.entrypoints.subscriptions import subscriptions as intake
from notification.entrypoints.subscriptions import subscriptions as notification

from contracts import Event, parse_event, topics

CONSUMERS: dict[str, Callable[[Any], list[Subscription]]] = {
    "intake": intake,
    "dispatch": dispatch,
    "billing": billing,
    "callback": callback,
    "notification": notification,
}


class RecordingBus:
    """Takes the commands a subscription hands to the service layer."""

    def __init__(self) -> None:
        self.commands: list[Any] = []

    async def handle(self, command: Any) -> None:
        self.commands.append(command)


def consumed() -> list[tuple[str, type[Event[Any]]]]:
    pairs = []
    for service, subscriptions in CONSUMERS.items():
        for subscription in subscriptions(RecordingBus()):
            pairs += [(service, event) for event in subscription.handlers]
    return pairs


async def replay(service: str, event: Event[Any]) -> list[Any]:
    """The commands ``service`` makes of ``event`` when it arrives on its topic as bytes."""
    bus = RecordingBus()
    arrived = parse_event(event.model_dump_json().encode())
    for subscription in CONSUMERS[service](bus):
        handler = subscription.handlers.get(type(arrived))
        if handler is not None:
            assert subscription.topic == arrived.TOPIC
            await handler(arrived)
    return bus.commands


def _values(command: Any) -> set[str]:
    """Every scalar value in a command, as text, however deeply nested."""
    found: set[str] = set()

    def walk(value: Any) -> None:
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            for item in dataclasses.fields(value):
                walk(getattr(value, item.name))
        elif isinstance(value, list | tuple | frozenset | set):
            for item in value:
                walk(item)
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)
        else:
            found.add(str(value))

    walk(command)
    return found


def test_every_consumed_event_has_a_canonical_example_and_a_stream() -> None:
    examples = canonical_examples()
    pairs = consumed()
    assert pairs, "no service consumes anything?"
    for service, event in pairs:
        assert event in examples, f"{service} consumes {event.EVENT_TYPE}, which has no example"
        assert event.TOPIC in topics.STREAMS


CARRIES: dict[tuple[str, str], tuple[str, ...]] = {
    ("intake", "SiteRequestSubmitted"): ("source_ref",),
    ("intake", "WorkOrderDispatched"): ("request_id", "work_order_no"),
    ("intake", "WorkOrderAwaitingTechnician"): ("request_id", "work_order_no"),
    ("intake", "WorkOrderDispatchOverdue"): ("request_id", "work_order_no"),
    ("intake", "WorkOrderClockMissed"): ("request_id", "work_order_no"),
    ("intake", "WorkOrderProgressed"): ("request_id", "work_order_no", "reason"),
    ("intake", "WorkOrderCompleted"): ("request_id", "work_order_no"),
    ("intake", "ChargeRaised"): ("request_id", "charge_no"),
    ("intake", "ChargePaid"): ("request_id", "charge_no", "reference"),
    ("intake", "ChargeCollectionRejected"): ("request_id", "charge_no", "batch_id", "reason_code"),
    ("notification", "ChargeCollectionRejected"): (
        "request_id",
        "charge_no",
        "amount",
        "reason_code",
    ),
    ("intake", "PriceListRecorded"): ("recorded_at",),
    ("intake", "CallbackScheduled"): ("request_id",),
    ("intake", "CallbackOverdue"): ("request_id",),
    ("intake", "CallbackMade"): ("request_id", "opinion", "agent"),
    ("intake", "RectificationOpened"): ("request_id", "loop", "opinion"),
    ("intake", "RectificationClosed"): ("request_id", "loop"),
    ("intake", "RectificationEscalated"): ("request_id", "loop", "opinion"),
    ("intake", "NotificationSent"): ("request_id",),
    ("dispatch", "ServiceRequestAccepted"): ("request_id", "request_no"),
    ("dispatch", "RectificationOpened"): ("rectification_id", "loop", "work_order_id", "opinion"),
    ("billing", "WorkOrderCompleted"): (
        "work_order_id",
        "work_order_no",
        "request_id",
        "service_record_no",
    ),
    ("callback", "WorkOrderCompleted"): (
        "work_order_id",
        "request_id",
        "request_no",
        "service_record_no",
    ),
    ("callback", "ChargeRaised"): ("work_order_id", "charge_id", "charge_no"),
    ("callback", "UnitRecorded"): ("unit_id", "recorded_at"),
    ("callback", "ComplaintResolved"): ("request_id", "request_no", "resolved_at"),
    ("callback", "WorkingCalendarYearLoaded"): ("country", "year", "source"),
    ("callback", "SiteRecorded"): ("country", "time_zone"),
    ("dispatch", "WorkingCalendarYearLoaded"): ("country", "year", "source"),
    ("billing", "WorkingCalendarYearLoaded"): ("country", "year", "source"),
    ("billing", "SiteRecorded"): ("time_zone", "recorded_at"),
    ("billing", "UnitRecorded"): ("building", "room", "floor_area_m2", "owner_id", "recorded_at"),
    ("billing", "ResidentRecorded"): ("resident_id", "name", "email", "recorded_at"),
    ("billing", "NotificationSent"): ("about_event_id", "request_id", "sent_at"),
    ("dispatch", "SiteRecorded"): ("time_zone", "recorded_at"),
    ("notification", "ServiceRequestAccepted"): ("request_id", "request_no"),
    ("notification", "WorkOrderDispatched"): ("request_id", "request_no"),
    ("notification", "ChargeRaised"): ("request_id", "request_no", "charge_no"),
    ("notification", "ManagementFeeReminderDue"): ("bill_id", "bill_no", "owed", "late_fee"),
    ("notification", "ResidentReplied"): ("request_id", "request_no", "text"),
    ("notification", "IncidentClosed"): ("incident_id", "title", "closing_note"),
    ("notification", "SiteRecorded"): ("site_name", "recorded_at"),
    ("notification", "WorkOrderMonthReported"): ("month",),
    ("notification", "EmergencyReported"): ("request_id", "request_no", "emergency"),
    # alerts to staff: the request (or bill) they are about; the rest is in the alert's words
    ("notification", "WorkOrderDispatchOverdue"): ("request_id",),
    ("notification", "WorkOrderClockMissed"): ("request_id",),
    ("notification", "ReplyPromiseBreached"): ("request_id",),
    ("notification", "FirstAnswerOverdue"): ("request_id",),
    ("notification", "ComplaintEscalated"): ("request_id",),
    ("notification", "RectificationEscalated"): ("request_id",),
    ("notification", "ManagementFeeArrearsFlagged"): ("bill_id",),
    ("notification", "RosterLate"): (),
    ("notification", "RosterSubmitted"): ("month", "drafted_by", "submitted_at"),
    ("notification", "StaffRecorded"): (
        "staff_id",
        "staff_name",
        "recorded_at",
        "information_liaison",
    ),
    ("notification", "UnitRecorded"): ("building", "room", "owner_id", "payer_id", "recorded_at"),
    ("notification", "ResidentRecorded"): (
        "resident_id",
        "name",
        "email",
        "consents_to_sms",
        "consents_to_email",
        "recorded_at",
    ),
    ("notification", "IncomeSpendingStatementPublished"): (
        "period",
        "income_total",
        "spending_total",
        "balance",
    ),
    ("notification", "MonthlyReportApproved"): (
        "month",
        "prepared_by",
        "reviewed_by",
        "approved_by",
        "approved_at",
    ),
}
"""What each consumer must keep of each event it reads: the ids and numbers that tie its own
record to the producer's. A new subscription needs a row here."""


def _about_a_fee_reminder(event: Event[Any]) -> Event[Any]:
    """Billing reads only the reports of its own reminders; the rest pass it by."""
    reminder = canonical_examples()[ManagementFeeReminderDue]
    payload = event.payload.model_copy(
        update={
            "about_event_id": reminder.event_id,
            "about_event_type": reminder.EVENT_TYPE,
            "request_id": reminder.payload.bill_id,
            "template": "fee_reminder",
        }
    )
    return event.model_copy(update={"payload": payload})


def _as_it_is(event: Event[Any]) -> Event[Any]:
    return event


EXAMPLE_FOR: dict[tuple[str, str], Callable[[Event[Any]], Event[Any]]] = {
    ("billing", "NotificationSent"): _about_a_fee_reminder,
}
"""A consumer that reads only some of an event's kind gets the canonical example made into one
it reads."""


async def test_billing_and_intake_pass_by_the_messages_the_other_reads() -> None:
    """A report of a fee reminder counts the reminder and stays off every request's timeline;
    a report about a request is not billing's business."""
    request_message = canonical_examples()[NotificationSent]
    assert await replay("billing", request_message) == []
    assert await replay("intake", _about_a_fee_reminder(request_message)) == []


def test_every_subscription_says_what_it_keeps() -> None:
    assert {(s, e.EVENT_TYPE) for s, e in consumed()} == set(CARRIES)


@pytest.mark.parametrize(
    ("service", "event"), consumed(), ids=lambda v: getattr(v, "EVENT_TYPE", v)
)
async def test_each_consumer_turns_the_canonical_example_into_its_own_command(
    service: str, event: type[Event[Any]]
) -> None:
    example = canonical_examples()[event]
    example = EXAMPLE_FOR.get((service, event.EVENT_TYPE), _as_it_is)(example)
    [command] = await replay(service, example)
    carried = _values(command)
    for name in CARRIES[(service, event.EVENT_TYPE)]:
        value = getattr(example.payload, name)
        assert str(value) in carried, f"{service} dropped {name} of {event.EVENT_TYPE}"
    if example.site_id != "*":  # "*": every site (a country's calendar)
        assert example.site_id in carried, f"{service} lost the site of {event.EVENT_TYPE}"
    assert command.causation_id == example.event_id


OPEN_ENUM_VALUES = {
    "payment_method": "wechat_pay",
    "channel": "fax",
    "reason": "after_complaint",
}


def _with_open_enums() -> list[tuple[str, type[Event[Any]]]]:
    examples = canonical_examples()
    return [
        (service, event)
        for service, event in consumed()
        if OPEN_ENUM_VALUES.keys() & examples[event].payload.model_dump().keys()
    ]


@pytest.mark.parametrize(
    ("service", "event"), _with_open_enums(), ids=lambda v: getattr(v, "EVENT_TYPE", v)
)
async def test_a_value_an_open_enum_gains_later_does_not_stop_a_consumer(
    service: str, event: type[Event[Any]]
) -> None:
    """A producer may add values to an open enum within v1; every consumer must go on."""
    example = canonical_examples()[event]
    example = EXAMPLE_FOR.get((service, event.EVENT_TYPE), _as_it_is)(example)
    data = json.loads(example.model_dump_json())
    changed = [name for name in OPEN_ENUM_VALUES if name in data["payload"]]
    for name in changed:
        data["payload"][name] = OPEN_ENUM_VALUES[name]
    arrived = parse_event(json.dumps(data))
    commands = await replay(service, arrived)
    assert len(commands) == 1, f"{service} gave up on {event.EVENT_TYPE} with {changed}"
