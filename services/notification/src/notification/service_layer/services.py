"""Notification's use case: tell the resident, once per event and channel."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any, Protocol

from contracts.notification.v1 import NotificationChannel
from hotline_libs.ids import derive_id

from contracts import Event
from notification.adapters.events import notification_sent
from notification.domain.messages import OutgoingMessage, messages_for


class Notifications(Protocol):
    async def status(
        self,
        notification_id: uuid.UUID,
        message: OutgoingMessage,
        about: Event[Any],
        request_id: uuid.UUID,
        now: datetime,
    ) -> str: ...
    async def mark_sent(
        self, notification_id: uuid.UUID, sent_at: datetime, events: list[Event[Any]]
    ) -> None: ...


class Sms(Protocol):
    async def send(self, notification_id: uuid.UUID, to: str, text: str) -> None: ...


class Mail(Protocol):
    async def send(self, notification_id: uuid.UUID, to: str, subject: str, body: str) -> None: ...


async def notify_resident(
    event: Event[Any],
    *,
    request_id: uuid.UUID,
    notifications: Notifications,
    sms: Sms,
    mail: Mail,
    clock: Callable[[], datetime],
) -> list[uuid.UUID]:
    """Send the messages ``event`` calls for; returns the ids of those this call sent.

    Each message has an id derived from the event and channel. It is recorded as pending
    before sending and as sent after; the gateways deduplicate on the id, so a crash between
    sending and recording ends in a resend the resident never sees twice.
    """
    sent: list[uuid.UUID] = []
    for message in messages_for(event):
        notification_id = derive_id("notification", event.event_id, message.channel.value)
        status = await notifications.status(notification_id, message, event, request_id, clock())
        if status == "sent":
            continue
        if message.channel is NotificationChannel.SMS:
            await sms.send(notification_id, message.recipient, message.body)
        else:
            await mail.send(notification_id, message.recipient, message.subject, message.body)
        sent_at = clock()
        await notifications.mark_sent(
            notification_id,
            sent_at,
            [notification_sent(notification_id, message, event, request_id, sent_at)],
        )
        sent.append(notification_id)
    return sent
