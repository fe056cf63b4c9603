"""Notification's durable deadlines: a broadcast's time to send."""

from __future__ import annotations

import uuid
from datetime import datetime

from hotline_libs.bus import MessageBus

from notification.domain.broadcasts import SendBroadcast


async def broadcast_deadline(
    bus: MessageBus, document_id: str, deadline: str, due_at: datetime
) -> None:
    await bus.handle(SendBroadcast(uuid.UUID(document_id)))
