"""Notification's domain events → the integration events it publishes."""

from __future__ import annotations

from typing import Any

from contracts.notification import v1
from hotline_libs.ids import event_id
from hotline_libs.unit_of_work import EventContext

from contracts import Event
from notification.domain import events
from notification.domain.notification import Notification

PRODUCER = "notification"


def to_integration(
    notification: Notification, event: Any, context: EventContext
) -> Event[Any] | None:
    """``NotificationSent`` for a message a gateway took; a refusal stays on the message.

    A message about no request (an incident's end, told to its callers) is not published:
    ``NotificationSent`` v1 names the request every message is about. Nor is an alert to staff
    (an emergency's, INC-02): ``NotificationSent`` says a resident was told. Both stay on the
    notification, listed by ``GET /notifications``.
    """
    if not isinstance(event, events.MessageSent):
        return None
    about = notification.about
    if about.request_id is None:
        return None
    message = next(m for m in notification.messages if m.message_id == event.message_id)
    if message.to_staff:
        return None
    sent: v1.NotificationSent = v1.NotificationSent.build(
        event_id=event_id(v1.NotificationSent, message.message_id),
        producer=PRODUCER,
        site_id=about.site_id,
        correlation_id=about.correlation_id,
        causation_id=about.event_id,
        occurred_at=event.sent_at,
        aggregate_version=context.aggregate_version,
        payload=v1.NotificationSentPayload(
            notification_id=message.message_id,
            channel=v1.NotificationChannel(message.channel.value),
            recipient=message.recipient,
            template=message.template,
            about_event_id=about.event_id,
            about_event_type=about.event_type,
            request_id=about.request_id,
            sent_at=event.sent_at,
        ),
    )
    return sent
