"""Notification's clock: the end of a site's quiet hours, an alert nobody acknowledged in
time, or a broadcast's time to send becomes a command on the bus."""

from __future__ import annotations

import uuid
from datetime import datetime

from hotline_libs.bus import MessageBus

from notification.domain.broadcasts import SendBroadcast
from notification.domain.commands import NotificationDeadlineReached


async def notification_deadline(
    bus: MessageBus, document_id: str, deadline: str, due_at: datetime
) -> None:
    await bus.handle(
        NotificationDeadlineReached(
            notification_id=uuid.UUID(document_id), deadline=deadline, due_at=due_at
        )
    )


async def broadcast_deadline(
    bus: MessageBus, document_id: str, deadline: str, due_at: datetime
) -> None:
    await bus.handle(SendBroadcast(uuid.UUID(document_id)))
