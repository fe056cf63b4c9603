"""Notification: what residents are told, once per event and channel.

The templates are tested on notification's own occasions, built from producers' events by the
real inbound mappers; telling the resident runs the real handler through the real message bus,
with the real outbound mapper, on an in-memory store and fake gateways.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from contracts.billing.v1 import ChargeRaised
from contracts.dispatch.v1 import WorkOrderCompleted, WorkOrderDispatched
from contracts.envelope import PaymentMethod
from contracts.intake.v1 import ServiceRequestAccepted
from contracts.notification.v1 import NotificationChannel, NotificationSent
from hotline_libs.bus import MessageBus
from hotline_libs.errors import Unavailable
from hotline_libs.ids import event_id
from notification.adapters.inbound import events_v1
from notification.adapters.outbound.events_v1 import to_integration
from notification.domain import events
from notification.domain.commands import TellResident
from notification.domain.messages import SIGNATURE, Channel, MessageRefused, messages_for
from notification.domain.notification import (
    Message,
    MessageStatus,
    Notification,
    message_id,
    notification_id,
)
from notification.domain.occasions import About, ChargedLine, Recipient, RequestAccepted
from notification.domain.occasions import ChargeRaised as Charged
from notification.entrypoints.subscriptions import subscriptions
from notification.service_layer.handlers import HANDLERS

from contracts import Event
from tests import builders
from tests.builders import NOW
from tests.fakes import Clock, FakeRepository, FakeUnitOfWork, MemoryStore


class FakeNotifications(FakeRepository[Notification]):
    collection_name = "notifications"

    def identity(self, aggregate: Notification) -> str:
        return str(aggregate.notification_id)


class FakeNotificationUnitOfWork(FakeUnitOfWork):
    def __init__(self, store: MemoryStore, clock: Clock) -> None:
        super().__init__(store, clock)
        self.notifications = FakeNotifications(store, self, to_integration)


class FakeGateway:
    """Takes each message, or fails as the test says; ``on_send`` looks around when called."""

    def __init__(self, failure: Exception | None = None) -> None:
        self.failure = failure
        self.calls: list[uuid.UUID] = []
        """Every message id the gateway was asked to send, taken or not."""
        self.sent: list[tuple[uuid.UUID, str]] = []
        """The messages it took: id and recipient."""
        self.on_send: Callable[[uuid.UUID], None] | None = None

    def _take(self, message_id: uuid.UUID, to: str) -> None:
        self.calls.append(message_id)
        if self.on_send is not None:
            self.on_send(message_id)
        if self.failure is not None:
            raise self.failure
        self.sent.append((message_id, to))


class FakeSms(FakeGateway):
    async def send(self, message_id: uuid.UUID, to: str, text: str) -> None:
        self._take(message_id, to)


class FakeMail(FakeGateway):
    async def send(self, message_id: uuid.UUID, to: str, subject: str, body: str) -> None:
        self._take(message_id, to)


class Notifier:
    """Notification's service layer on a memory store, with fake gateways."""

    def __init__(self, sms: FakeSms | None = None, mail: FakeMail | None = None) -> None:
        self.store = MemoryStore()
        self.clock = Clock(NOW)
        self.sms = sms or FakeSms()
        self.mail = mail or FakeMail()
        self.bus = MessageBus(
            HANDLERS,
            uow=lambda: FakeNotificationUnitOfWork(self.store, self.clock),
            dependencies={"sms": self.sms, "mail": self.mail},
        )

    async def tell(self, command: TellResident) -> Notification:
        notification: Notification = await self.bus.handle(command)
        return notification

    def stored(self, about: Event[Any]) -> Notification:
        """The notification of ``about`` as saved."""
        saved: Notification = self.store.saved("notifications")[
            str(notification_id(about.event_id))
        ]
        return saved

    def message(self, about: Event[Any], channel: Channel) -> Message:
        return next(m for m in self.stored(about).messages if m.channel is channel)

    def sent(self) -> list[NotificationSent]:
        return self.store.published_of(NotificationSent)


def ids(about: Event[Any]) -> tuple[uuid.UUID, uuid.UUID]:
    """The ids of the SMS and the e-mail ``about`` sends."""
    return message_id(about.event_id, Channel.SMS), message_id(about.event_id, Channel.EMAIL)


# --- the templates, on notification's own occasions ---


def test_an_accepted_request_is_told_by_sms_and_email() -> None:
    event = builders.request_accepted()
    sms, email = messages_for(events_v1.request_accepted(event).occasion)
    assert sms.channel is Channel.SMS and sms.recipient == "+8613800138000"
    assert event.payload.request_no in sms.body and sms.body.startswith(SIGNATURE)
    assert sms.body.startswith("【物业服务热线】")
    assert email.channel is Channel.EMAIL and email.recipient == "wang.fang@example.com"
    assert event.payload.request_no in email.subject
    assert email.body.startswith("王芳您好")
    assert sms.template == email.template == "request_accepted"


def test_no_email_without_an_address() -> None:
    occasion = events_v1.request_accepted(builders.request_accepted(email=None)).occasion
    assert [m.channel for m in messages_for(occasion)] == [Channel.SMS]


def test_an_appointment_is_given_in_the_sites_local_time() -> None:
    occasion = RequestAccepted(
        about=About(uuid.uuid4(), "ServiceRequestAccepted", uuid.uuid4(), "dmg", uuid.uuid4()),
        recipient=Recipient("王芳", "+8613800138000", None, "3", "1202"),
        request_no="SR-DMG-20261123-0001",
        appointment_at=datetime(2026, 11, 24, 6, 30, tzinfo=UTC),
    )
    [sms] = messages_for(occasion)
    assert "预约时间 11月24日 14:30" in sms.body
    assert "3栋1202" in sms.body


def test_the_charge_message_gives_amount_and_payment_method() -> None:
    completed = builders.work_order_completed(
        items=[("RP-TAP", 1)], payment_method=PaymentMethod.BANK_COLLECTION
    )
    sms = messages_for(
        events_v1.charge_raised(builders.charge_raised(completed, "88.00")).occasion
    )[0]
    assert "¥88.00" in sms.body and "银行托收" in sms.body
    assert "CH-DMG-20261123-000001" in sms.body
    assert sms.template == "charge_raised"


def test_the_dispatch_message_names_the_technician() -> None:
    dispatched = builders.work_order_dispatched(builders.request_accepted())
    (sms,) = messages_for(events_v1.work_order_dispatched(dispatched).occasion)
    assert "李强" in sms.body and "+8613900000101" in sms.body
    assert sms.channel is Channel.SMS and sms.template == "work_order_dispatched"


def test_residents_are_not_told_about_internal_events() -> None:
    told = {kind for s in subscriptions(Notifier().bus) for kind in s.handlers}
    assert told == {ServiceRequestAccepted, WorkOrderDispatched, ChargeRaised}
    assert WorkOrderCompleted not in told


# --- the inbound mappers: producers' events → notification's occasions ---


def test_an_accepted_request_maps_to_an_occasion_about_that_event() -> None:
    event = builders.request_accepted()
    command = events_v1.request_accepted(event)
    assert command == TellResident(
        RequestAccepted(
            about=About(
                event_id=event.event_id,
                event_type="ServiceRequestAccepted",
                correlation_id=event.correlation_id,
                site_id="dmg",
                request_id=event.payload.request_id,
            ),
            recipient=Recipient("王芳", "+8613800138000", "wang.fang@example.com", "3", "1202"),
            request_no=event.payload.request_no,
            appointment_at=None,
        ),
        causation_id=event.event_id,
    )


def test_a_charge_maps_with_its_lines_amounts_and_payment_method() -> None:
    completed = builders.work_order_completed(payment_method=PaymentMethod.BANK_COLLECTION)
    charge = builders.charge_raised(completed, "88.00")
    occasion = events_v1.charge_raised(charge).occasion
    assert isinstance(occasion, Charged)
    assert occasion.about.request_id == completed.payload.request_id
    assert occasion.about.event_type == "ChargeRaised"
    assert occasion.lines == (ChargedLine("更换水龙头", 1, "次", Decimal("88.00")),)
    assert occasion.total == Decimal("88.00")
    assert occasion.payment_method == "bank_collection"


# --- telling the resident (TellResident) ---


async def test_each_message_goes_out_once_even_when_the_event_comes_again() -> None:
    notifier = Notifier()
    event = builders.request_accepted()
    sms_id, mail_id = ids(event)
    await notifier.tell(events_v1.request_accepted(event))
    commits = notifier.store.commits
    await notifier.tell(events_v1.request_accepted(event))  # the event again
    assert notifier.sms.sent == [(sms_id, "+8613800138000")]
    assert notifier.mail.sent == [(mail_id, "wang.fang@example.com")]
    assert notifier.store.commits == commits  # nothing to save the second time
    assert [e.payload.notification_id for e in notifier.sent()] == [sms_id, mail_id]
    stored = notifier.stored(event)
    assert [(m.status, m.attempts, m.sent_at) for m in stored.messages] == [
        (MessageStatus.SENT, 1, NOW),
        (MessageStatus.SENT, 1, NOW),
    ]


async def test_notification_sent_names_the_message_and_the_event_it_tells_about() -> None:
    notifier = Notifier()
    event = builders.request_accepted()
    sms_id, mail_id = ids(event)
    await notifier.tell(events_v1.request_accepted(event))
    sms, mail = notifier.sent()
    assert sms.event_id == event_id(NotificationSent, sms_id)
    assert sms.payload.notification_id == sms_id and mail.payload.notification_id == mail_id
    assert sms.payload.channel is NotificationChannel.SMS
    assert mail.payload.channel is NotificationChannel.EMAIL
    assert sms.payload.recipient == "+8613800138000"
    assert mail.payload.recipient == "wang.fang@example.com"
    for sent in (sms, mail):
        assert sent.payload.template == "request_accepted"
        assert sent.payload.about_event_id == event.event_id
        assert sent.payload.about_event_type == "ServiceRequestAccepted"
        assert sent.payload.request_id == event.payload.request_id
        assert sent.payload.sent_at == NOW
        assert sent.causation_id == event.event_id
        assert sent.correlation_id == event.correlation_id
        assert sent.site_id == "dmg"
        assert sent.aggregate_version == 2  # the attempt was saved first, as version 1


async def test_each_occasion_sends_its_own_messages() -> None:
    notifier = Notifier()
    accepted = builders.request_accepted(email=None)
    completed = builders.work_order_completed(payment_method=PaymentMethod.CASH)
    await notifier.tell(events_v1.work_order_dispatched(builders.work_order_dispatched(accepted)))
    await notifier.tell(events_v1.charge_raised(builders.charge_raised(completed)))
    assert [e.payload.template for e in notifier.sent()] == [
        "work_order_dispatched",
        "charge_raised",
        "charge_raised",
    ]
    assert len(notifier.sms.sent) == 2 and len(notifier.mail.sent) == 1


async def test_the_attempt_is_stored_before_a_gateway_hears_of_the_message() -> None:
    notifier = Notifier()
    event = builders.request_accepted()
    seen: dict[Channel, tuple[MessageStatus, int, int]] = {}

    def look(sent_id: uuid.UUID) -> None:
        message = next(m for m in notifier.stored(event).messages if m.message_id == sent_id)
        seen[message.channel] = (message.status, message.attempts, len(notifier.sent()))

    notifier.sms.on_send = notifier.mail.on_send = look
    await notifier.tell(events_v1.request_accepted(event))
    assert seen == {
        Channel.SMS: (MessageStatus.SENDING, 1, 0),
        Channel.EMAIL: (MessageStatus.SENDING, 1, 0),
    }


@pytest.mark.parametrize("refusing", [Channel.SMS, Channel.EMAIL])
async def test_a_gateway_refusing_one_message_does_not_hold_up_the_other(
    refusing: Channel,
) -> None:
    reason = f"{refusing.value} gateway refused the message: no such recipient"
    refusal = MessageRefused(reason)
    notifier = (
        Notifier(sms=FakeSms(refusal))
        if refusing is Channel.SMS
        else Notifier(mail=FakeMail(refusal))
    )
    other = Channel.EMAIL if refusing is Channel.SMS else Channel.SMS
    event = builders.request_accepted()
    command = events_v1.request_accepted(event)
    await notifier.tell(command)  # no exception: sending again cannot help
    refused, sent = notifier.message(event, refusing), notifier.message(event, other)
    assert (refused.status, refused.refusal, refused.sent_at) == (
        MessageStatus.REFUSED,
        reason,
        None,
    )
    assert (sent.status, sent.refusal, sent.sent_at) == (MessageStatus.SENT, None, NOW)
    assert [e.payload.notification_id for e in notifier.sent()] == [sent.message_id]
    assert events.MessageRefused(refused.message_id, reason) in notifier.store.events
    # the event again: a refused message is settled and is not tried again
    await notifier.tell(command)
    assert notifier.sms.calls == [message_id(event.event_id, Channel.SMS)]
    assert notifier.mail.calls == [message_id(event.event_id, Channel.EMAIL)]
    assert len(notifier.sent()) == 1


async def test_a_gateway_away_leaves_its_message_to_the_retry_and_stores_the_others() -> None:
    notifier = Notifier(sms=FakeSms(Unavailable("SMS gateway answered 503")))
    event = builders.request_accepted()
    sms_id, mail_id = ids(event)
    command = events_v1.request_accepted(event)
    with pytest.raises(Unavailable, match="sms: SMS gateway answered 503"):
        await notifier.tell(command)
    sms, mail = notifier.message(event, Channel.SMS), notifier.message(event, Channel.EMAIL)
    assert (sms.status, sms.attempts) == (MessageStatus.SENDING, 1)
    assert (mail.status, mail.attempts) == (MessageStatus.SENT, 1)
    assert [e.payload.notification_id for e in notifier.sent()] == [mail_id]

    notifier.sms.failure = None  # the gateway is back; the consumer retries the event
    notifier.clock.now = NOW + timedelta(seconds=30)
    await notifier.tell(command)
    assert notifier.mail.calls == [mail_id]  # the e-mail is not sent again
    assert notifier.sms.calls == [sms_id, sms_id]
    assert notifier.sms.sent == [(sms_id, "+8613800138000")]
    sms, mail = notifier.message(event, Channel.SMS), notifier.message(event, Channel.EMAIL)
    assert (sms.status, sms.attempts, sms.resends, sms.sent_at) == (
        MessageStatus.SENT,
        2,
        1,
        NOW + timedelta(seconds=30),
    )
    assert (mail.attempts, mail.resends, mail.sent_at) == (1, 0, NOW)
    assert [e.payload.notification_id for e in notifier.sent()] == [mail_id, sms_id]


async def test_both_gateways_away_say_so_and_both_messages_go_out_on_the_retry() -> None:
    notifier = Notifier(
        sms=FakeSms(Unavailable("SMS gateway unreachable")),
        mail=FakeMail(Unavailable("mail server unavailable")),
    )
    event = builders.request_accepted()
    command = events_v1.request_accepted(event)
    with pytest.raises(
        Unavailable, match="sms: SMS gateway unreachable; email: mail server unavailable"
    ):
        await notifier.tell(command)
    assert notifier.sent() == []
    notifier.sms.failure = notifier.mail.failure = None
    await notifier.tell(command)
    assert [m.attempts for m in notifier.stored(event).messages] == [2, 2]
    assert len(notifier.sent()) == 2


async def test_a_gateway_failing_unexpectedly_still_lets_the_other_channels_result_be_stored() -> (
    None
):
    """A fault of ours in one channel (not an outage, not a refusal) is raised for the
    consumer's bounded retries, after the e-mail that went out is recorded: it is not resent."""
    notifier = Notifier(sms=FakeSms(RuntimeError("template bug")))
    event = builders.request_accepted()
    sms_id, mail_id = ids(event)
    command = events_v1.request_accepted(event)
    with pytest.raises(RuntimeError, match="template bug"):
        await notifier.tell(command)
    assert notifier.message(event, Channel.EMAIL).status is MessageStatus.SENT
    notifier.sms.failure = None
    await notifier.tell(command)
    assert notifier.mail.calls == [mail_id]
    assert notifier.sms.calls == [sms_id, sms_id]
