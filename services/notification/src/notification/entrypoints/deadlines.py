"""Notification's clock: the end of a site's quiet hours, or an alert nobody acknowledged in
time, becomes a command on the bus."""

from __future__ import annotations

import uuid
from datetime import datetime

from hotline_libs.bus import MessageBus

from notification.domain.commands import NotificationDeadlineReached


async def notification_deadline(
    bus: MessageBus, document_id: str, deadline: str, due_at: datetime
) -> None:
    await bus.handle(
        NotificationDeadlineReached(
            notification_id=uuid.UUID(document_id), deadline=deadline, due_at=due_at
        )
    )
