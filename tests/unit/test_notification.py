"""Notification: what residents are told, once per event and channel."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import pytest
from contracts.envelope import PaymentMethod
from contracts.notification.v1 import NotificationChannel, NotificationSent
from notification.domain.messages import OutgoingMessage, messages_for
from notification.service_layer.services import notify_resident

from contracts import Event
from tests import builders
from tests.builders import NOW


class FakeNotifications:
    def __init__(self) -> None:
        self.status_by_id: dict[uuid.UUID, str] = {}
        self.events: list[Event[Any]] = []

    async def status(
        self,
        notification_id: uuid.UUID,
        message: OutgoingMessage,
        about: Event[Any],
        request_id: uuid.UUID,
        now: datetime,
    ) -> str:
        return self.status_by_id.setdefault(notification_id, "pending")

    async def mark_sent(
        self, notification_id: uuid.UUID, sent_at: datetime, events: list[Event[Any]]
    ) -> None:
        self.status_by_id[notification_id] = "sent"
        self.events += events


class RecordingGateway:
    def __init__(self, fail: bool = False) -> None:
        self.sent: list[tuple[uuid.UUID, str]] = []
        self.fail = fail

    async def send(self, notification_id: uuid.UUID, to: str, *text: str) -> None:
        if self.fail:
            raise ConnectionError("gateway down")
        self.sent.append((notification_id, to))


def test_an_accepted_request_is_told_by_sms_and_email() -> None:
    event = builders.request_accepted()
    sms, email = messages_for(event)
    assert sms.channel is NotificationChannel.SMS and sms.recipient == "+8613800138000"
    assert event.payload.request_no in sms.body and sms.body.startswith("【物业服务热线】")
    assert email.channel is NotificationChannel.EMAIL and email.recipient == "wang.fang@example.com"
    assert event.payload.request_no in email.subject


def test_no_email_without_an_address() -> None:
    assert [m.channel for m in messages_for(builders.request_accepted(email=None))] == [
        NotificationChannel.SMS
    ]


def test_the_charge_message_gives_amount_and_payment_method() -> None:
    completed = builders.work_order_completed(
        items=[("RP-TAP", 1)], payment_method=PaymentMethod.BANK_COLLECTION
    )
    sms = messages_for(builders.charge_raised(completed, total="88.00"))[0]
    assert "¥88.00" in sms.body and "银行托收" in sms.body


def test_the_dispatch_message_names_the_technician() -> None:
    (sms,) = messages_for(builders.work_order_dispatched(builders.request_accepted()))
    assert "李强" in sms.body and "+8613900000101" in sms.body


def test_residents_are_not_told_about_internal_events() -> None:
    assert messages_for(builders.work_order_completed()) == []


async def test_each_message_goes_out_once_even_when_the_event_comes_again() -> None:
    notifications, sms, mail = FakeNotifications(), RecordingGateway(), RecordingGateway()
    event = builders.request_accepted()
    for _ in range(2):
        await notify_resident(
            event,
            request_id=event.payload.request_id,
            notifications=notifications,
            sms=sms,
            mail=mail,
            clock=lambda: NOW,
        )
    assert len(sms.sent) == 1 and len(mail.sent) == 1
    assert len(notifications.events) == 2
    assert all(isinstance(e, NotificationSent) for e in notifications.events)


async def test_a_failed_send_stays_pending_and_goes_out_on_the_retry() -> None:
    notifications, mail = FakeNotifications(), RecordingGateway()
    event = builders.request_accepted(email=None)
    with pytest.raises(ConnectionError):
        await notify_resident(
            event,
            request_id=event.payload.request_id,
            notifications=notifications,
            sms=RecordingGateway(fail=True),
            mail=mail,
            clock=lambda: NOW,
        )
    assert list(notifications.status_by_id.values()) == ["pending"]
    sms = RecordingGateway()
    await notify_resident(
        event,
        request_id=event.payload.request_id,
        notifications=notifications,
        sms=sms,
        mail=mail,
        clock=lambda: NOW,
    )
    assert len(sms.sent) == 1 and list(notifications.status_by_id.values()) == ["sent"]
