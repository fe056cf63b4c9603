"""Notification events, major version 1."""

from __future__ import annotations

import enum
import uuid
from typing import ClassVar

from pydantic import Field

from contracts import topics
from contracts.envelope import ContractModel, Event, UtcDateTime


class NotificationChannel(enum.StrEnum):
    """Medium a message went out on."""

    SMS = "sms"
    EMAIL = "email"


class NotificationSentPayload(ContractModel):
    """A message reached the SMS gateway or the mail server."""

    notification_id: uuid.UUID
    channel: NotificationChannel
    recipient: str = Field(description="Phone number or e-mail address")
    template: str = Field(examples=["request_accepted"])
    about_event_id: uuid.UUID = Field(description="The event the message tells the resident about")
    about_event_type: str
    request_id: uuid.UUID
    sent_at: UtcDateTime


class NotificationSent(Event[NotificationSentPayload]):
    """Published by notification after a message was handed to its gateway."""

    EVENT_TYPE: ClassVar[str] = "NotificationSent"
    VERSION: ClassVar[int] = 1
    TOPIC: ClassVar[str] = topics.NOTIFICATIONS

    def partition_key(self) -> str:
        return str(self.payload.notification_id)
