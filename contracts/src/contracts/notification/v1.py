"""Notification events, major version 1."""

from __future__ import annotations

import uuid
from typing import ClassVar

from pydantic import Field

from contracts import topics
from contracts.envelope import PERSONAL, ContractModel, Event, OpenEnum, UtcDateTime


class NotificationChannel(OpenEnum):
    """Medium a message went out on."""

    SMS = "sms"
    EMAIL = "email"
    OTHER = "other"


class NotificationSentPayload(ContractModel):
    """A message reached the SMS gateway or the mail server."""

    notification_id: uuid.UUID = Field(
        description="Notification's id of the message; the gateway's idempotency key"
    )
    channel: NotificationChannel = Field(description="How it went out")
    recipient: str = Field(
        description="Phone number (E.164) or e-mail address",
        examples=["+8613800138000"],
        json_schema_extra=PERSONAL,
    )
    template: str = Field(description="Which message it was", examples=["request_accepted"])
    about_event_id: uuid.UUID = Field(description="The event the message tells the resident about")
    about_event_type: str = Field(
        description="That event's type", examples=["ServiceRequestAccepted"]
    )
    request_id: uuid.UUID = Field(
        description="The request the message is about; for a reminder of a management fee bill "
        "(about_event_type ManagementFeeReminderDue), the fee bill's id"
    )
    sent_at: UtcDateTime = Field(description="When the gateway took the message")


class NotificationSent(Event[NotificationSentPayload]):
    """Published by notification after a message was handed to its gateway."""

    EVENT_TYPE: ClassVar[str] = "NotificationSent"
    VERSION: ClassVar[int] = 1
    TOPIC: ClassVar[str] = topics.NOTIFICATIONS

    def partition_key(self) -> str:
        return str(self.payload.notification_id)
