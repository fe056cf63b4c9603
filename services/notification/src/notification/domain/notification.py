"""A notification: what one occasion tells residents, one message per resident and channel
(one resident for most occasions; every caller of an incident).

Each message records its attempts before a gateway hears of it, and its result after: sent, or
refused with the gateway's reason. A crash between the two leaves the message "sending"; the
next attempt sends it again under the same message id (the gateways' idempotency key) and is
counted as a resend. With a gateway that deduplicates on that key, the resident gets it once;
with one that does not, at most once per resend, and the count says how many.
"""

from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass, field
from datetime import datetime

from hotline_libs.aggregate import Aggregate
from hotline_libs.ids import derive_id

from notification.domain import events
from notification.domain.messages import STAFF_TEMPLATES, Channel, OutgoingMessage
from notification.domain.occasions import About


class MessageStatus(enum.StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    """Attempted; whether the gateway took it is not known yet."""
    SENT = "sent"
    REFUSED = "refused"


@dataclass
class Message:
    message_id: uuid.UUID
    channel: Channel
    recipient: str
    template: str
    subject: str
    body: str
    status: MessageStatus = MessageStatus.PENDING
    attempts: int = 0
    last_attempt_at: datetime | None = None
    sent_at: datetime | None = None
    refusal: str | None = None
    template_version: int = 0
    """The version of its template it was rendered from (0: the built-in text)."""

    @property
    def settled(self) -> bool:
        return self.status in (MessageStatus.SENT, MessageStatus.REFUSED)

    @property
    def to_staff(self) -> bool:
        """An alert to a member of staff, not a message to a resident."""
        return self.template in STAFF_TEMPLATES

    @property
    def resends(self) -> int:
        """Attempts after the first: sends the gateway may have seen twice."""
        return max(0, self.attempts - 1)


@dataclass
class Notification(Aggregate):
    notification_id: uuid.UUID
    about: About
    messages: list[Message]
    created_at: datetime = field()

    def attempt(self, now: datetime) -> list[Message]:
        """Record an attempt of every message not yet settled; those are the ones to send now."""
        due = [message for message in self.messages if not message.settled]
        for message in due:
            message.status = MessageStatus.SENDING
            message.attempts += 1
            message.last_attempt_at = now
        return due

    def _message(self, message_id: uuid.UUID) -> Message:
        return next(m for m in self.messages if m.message_id == message_id)

    def sent(self, message_id: uuid.UUID, now: datetime) -> None:
        message = self._message(message_id)
        message.status = MessageStatus.SENT
        message.sent_at = now
        self.record(events.MessageSent(message_id=message_id, sent_at=now))

    def refused(self, message_id: uuid.UUID, reason: str) -> None:
        message = self._message(message_id)
        message.status = MessageStatus.REFUSED
        message.refusal = reason
        self.record(events.MessageRefused(message_id=message_id, reason=reason))


def message_id(event_id: uuid.UUID, channel: Channel, recipient: str) -> uuid.UUID:
    """One message per event, channel and recipient: the gateways' idempotency key, so an
    event told again (or an incident's caller listed twice) reaches each resident once."""
    return derive_id("notification", event_id, channel.value, recipient)


def new_notification(
    about: About, outgoing: list[OutgoingMessage], now: datetime, part: str | None = None
) -> Notification:
    """``part``: which part of the event's audience, when a notice to a whole site is sent in
    parts (one per building)."""
    return Notification(
        notification_id=notification_id(about.event_id, part),
        about=about,
        messages=[
            Message(
                message_id=message_id(about.event_id, m.channel, m.recipient),
                channel=m.channel,
                recipient=m.recipient,
                template=m.template,
                subject=m.subject,
                body=m.body,
                template_version=m.template_version,
            )
            for m in outgoing
        ],
        created_at=now,
    )


def notification_id(event_id: uuid.UUID, part: str | None = None) -> uuid.UUID:
    """One notification per event told about, or per part of its audience."""
    if part is None:
        return derive_id("notification-of", event_id)
    return derive_id("notification-of", event_id, part)
