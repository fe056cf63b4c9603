"""Maps sent messages to the integration events notification publishes."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from contracts.notification import v1
from hotline_libs.ids import event_id

from contracts import Event
from notification.domain.messages import OutgoingMessage

PRODUCER = "notification"


def notification_sent(
    notification_id: uuid.UUID,
    message: OutgoingMessage,
    about: Event[Any],
    request_id: uuid.UUID,
    sent_at: datetime,
) -> v1.NotificationSent:
    event: v1.NotificationSent = v1.NotificationSent.build(
        event_id=event_id(v1.NotificationSent, notification_id),
        producer=PRODUCER,
        site_id=about.site_id,
        correlation_id=about.correlation_id,
        causation_id=about.event_id,
        occurred_at=sent_at,
        payload=v1.NotificationSentPayload(
            notification_id=notification_id,
            channel=message.channel,
            recipient=message.recipient,
            template=message.template,
            about_event_id=about.event_id,
            about_event_type=about.EVENT_TYPE,
            request_id=request_id,
            sent_at=sent_at,
        ),
    )
    return event
