"""What happens to a notification, as the service records it (domain events)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class MessageSent:
    """A gateway took the message."""

    message_id: uuid.UUID
    sent_at: datetime


@dataclass(frozen=True)
class MessageRefused:
    """A gateway refused the message; the reason is on the message."""

    message_id: uuid.UUID
    reason: str
