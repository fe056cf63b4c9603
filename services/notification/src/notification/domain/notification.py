"""A notification: what one occasion tells residents, one message per resident and channel
(one resident for most occasions; every caller of an incident).

Each message records its attempts before a gateway hears of it, and its result after: sent, or
refused with the gateway's reason. A crash between the two leaves the message "sending"; the
next attempt sends it again under the same message id (the gateways' idempotency key) and is
counted as a resend. With a gateway that deduplicates on that key, the resident gets it once;
with one that does not, at most once per resend, and the count says how many.

An SMS goes on from sent: the provider that took it reports, by a signed receipt, whether the
handset got it (delivered) or not (failed, with its error code); a message no provider would
take after the retries and the failover is failed too, with the reason (``sms_delivery``).
A receipt may overtake the send's own result: delivered and failed are never moved back to sent.
"""

from __future__ import annotations

import enum
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from hotline_libs.aggregate import Aggregate
from hotline_libs.errors import RuleViolation
from hotline_libs.ids import derive_id

from notification.domain import events
from notification.domain.alerts import AlertState
from notification.domain.messages import STAFF_TEMPLATES, Channel, OutgoingMessage
from notification.domain.occasions import About
from notification.domain.preferences import SEND, Screening, Verdict


class MessageStatus(enum.StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    """Attempted; whether the gateway took it is not known yet."""
    SENT = "sent"
    """A provider (or the mail server) took it."""
    REFUSED = "refused"
    HELD = "held"
    """Waiting for the end of the site's quiet hours (``held_until``)."""
    SUPPRESSED = "suppressed"
    """Not sent, and never to be: the address is blocked or opted out (``refusal`` says)."""
    DELIVERED = "delivered"
    """The provider's receipt says the handset got it."""
    FAILED = "failed"
    """Not delivered: no provider would take it, or the provider's receipt says it failed."""


REPORTED = frozenset({MessageStatus.DELIVERED, MessageStatus.FAILED})
"""Outcomes after sent: never moved back to sent by a send's late result."""


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
    """Why it was not sent: the gateway's refusal, or the preference that suppressed it."""
    held_until: datetime | None = None
    provider: str | None = None
    """The SMS provider that took it."""
    provider_message_id: str | None = None
    delivered_at: datetime | None = None
    failure: str | None = None
    """Why it failed: no provider took it, or the provider's error code."""
    template_version: int = 0
    """The version of its template it was rendered from (0: the built-in text)."""

    @property
    def settled(self) -> bool:
        """Nothing more to send now: sent (or further), refused, suppressed, failed; or held,
        until its morning (``due``)."""
        return self.status is not MessageStatus.PENDING and self.status is not MessageStatus.SENDING

    def due(self, now: datetime) -> bool:
        """To be sent now: not settled, or held and its morning come."""
        if self.status is MessageStatus.HELD:
            return self.held_until is None or self.held_until <= now
        return not self.settled

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
    alert: AlertState | None = None
    """For an alert to staff: its ladder as it stands (acknowledged, escalated)."""

    def attempt(self, now: datetime) -> list[Message]:
        """Record an attempt of every message due (not settled, not held past ``now``); those
        are the ones to send now."""
        due = [message for message in self.messages if message.due(now)]
        for message in due:
            message.status = MessageStatus.SENDING
            message.attempts += 1
            message.last_attempt_at = now
        return due

    def deadlines(self) -> dict[str, datetime]:
        """The morning the held messages wait for (the earliest, when they wait for several)."""
        held = [
            m.held_until
            for m in self.messages
            if m.status is MessageStatus.HELD and m.held_until is not None
        ]
        found = {RELEASE_HELD: min(held)} if held else {}
        escalation = self.alert.escalation_due if self.alert else None
        if escalation is not None:
            found[ESCALATE] = escalation
        return found

    def acknowledge(self, by: str, now: datetime) -> bool:
        """A member of staff has the alert in hand: no escalation. True when it changed."""
        if self.alert is None:
            raise RuleViolation("only an alert to staff is acknowledged", field="notification_id")
        if not self.alert.open:
            return False
        self.alert.acknowledged_by, self.alert.acknowledged_at = by, now
        return True

    def escalate(self, outgoing: Sequence[OutgoingMessage], now: datetime) -> None:
        """Nobody acknowledged the alert in time: the next rung is sent ``outgoing`` (each
        message once, however often this is asked)."""
        assert self.alert is not None
        self.alert.escalated_at = now
        known = {m.message_id for m in self.messages}
        for message in outgoing:
            added = _message_of(self.about, message, part=ESCALATE)
            if added.message_id not in known:
                self.messages.append(added)

    def deadline_reached(self, name: str, now: datetime) -> None:
        """Nothing changes by itself at the end of the quiet hours: the use case sends what is
        due (``attempt``), which moves the deadline on."""

    def _message(self, message_id: uuid.UUID) -> Message:
        return next(m for m in self.messages if m.message_id == message_id)

    def sent(
        self,
        message_id: uuid.UUID,
        now: datetime,
        provider: str | None = None,
        provider_message_id: str | None = None,
    ) -> None:
        message = self._message(message_id)
        if message.status not in REPORTED:  # a receipt that came first stays
            message.status = MessageStatus.SENT
        message.provider = provider or message.provider
        message.provider_message_id = provider_message_id or message.provider_message_id
        if message.sent_at is None:  # told once, whichever of the result and a receipt is first
            message.sent_at = now
            self.record(events.MessageSent(message_id=message_id, sent_at=now))

    def failed(self, message_id: uuid.UUID, reason: str) -> None:
        """No provider took it (after retries and the failover): recorded with the reason, not
        retried any more."""
        message = self._message(message_id)
        if message.status in REPORTED:
            return
        message.status = MessageStatus.FAILED
        message.failure = reason

    def reported(
        self,
        message_id: uuid.UUID,
        *,
        provider: str,
        delivered: bool,
        at: datetime,
        error_code: str | None = None,
        provider_message_id: str | None = None,
    ) -> bool:
        """A provider's receipt; False when it changes nothing (a redelivered receipt, or a
        failure reported after a delivery). Delivered is final; a failure report does not undo
        a delivery, and a delivery report corrects a failure we recorded after a timeout."""
        message = self._message(message_id)
        if message.status is MessageStatus.DELIVERED or message.status is MessageStatus.REFUSED:
            return False
        if not delivered and message.status is MessageStatus.FAILED:
            return False
        message.provider = message.provider or provider
        message.provider_message_id = message.provider_message_id or provider_message_id
        if message.sent_at is None:
            # the provider took it before its send's result was stored (a crash between, or
            # the result's write still to come): it was sent, and that is told now, once
            message.sent_at = at
            self.record(events.MessageSent(message_id=message_id, sent_at=at))
        if delivered:
            message.status = MessageStatus.DELIVERED
            message.delivered_at = at
            message.failure = None
        else:
            message.status = MessageStatus.FAILED
            message.failure = f"{provider} reported it undelivered: {error_code or 'no code'}"
        return True

    def holds(self, message_id: uuid.UUID) -> bool:
        return any(m.message_id == message_id for m in self.messages)

    def refused(self, message_id: uuid.UUID, reason: str) -> None:
        message = self._message(message_id)
        message.status = MessageStatus.REFUSED
        message.refusal = reason
        self.record(events.MessageRefused(message_id=message_id, reason=reason))


def message_id(
    event_id: uuid.UUID, channel: Channel, recipient: str, part: str | None = None
) -> uuid.UUID:
    """One message per event, channel and recipient: the gateways' idempotency key, so an
    event told again (or an incident's caller listed twice) reaches each resident once.
    ``part``: a later part of the same notification (an alert's escalation), whose messages
    are its own even to a recipient of the first."""
    if part is None:
        return derive_id("notification", event_id, channel.value, recipient)
    return derive_id("notification", event_id, channel.value, recipient, part)


RELEASE_HELD = "release_held"
ESCALATE = "escalate"


def new_notification(
    about: About,
    outgoing: Sequence[OutgoingMessage | tuple[OutgoingMessage, Screening]],
    now: datetime,
    part: str | None = None,
) -> Notification:
    """The notification of ``outgoing``, each message with what the screening made of it (held
    until the morning, suppressed and why; sent when not screened). ``part``: which part of
    the event's audience, when a notice to a whole site is sent in parts (one per
    building)."""
    return Notification(
        notification_id=notification_id(about.event_id, part),
        about=about,
        messages=[_message_of(about, m) for m in outgoing],
        created_at=now,
    )


def _message_of(
    about: About,
    outgoing: OutgoingMessage | tuple[OutgoingMessage, Screening],
    part: str | None = None,
) -> Message:
    m, screening = outgoing if isinstance(outgoing, tuple) else (outgoing, SEND)
    status = {
        Verdict.SEND: MessageStatus.PENDING,
        Verdict.HOLD: MessageStatus.HELD,
        Verdict.SUPPRESS: MessageStatus.SUPPRESSED,
    }[screening.verdict]
    return Message(
        message_id=message_id(about.event_id, m.channel, m.recipient, part),
        channel=m.channel,
        recipient=m.recipient,
        template=m.template,
        subject=m.subject,
        body=m.body,
        status=status,
        refusal=screening.reason,
        held_until=screening.until,
        template_version=m.template_version,
    )


def notification_id(event_id: uuid.UUID, part: str | None = None) -> uuid.UUID:
    """One notification per event told about, or per part of its audience."""
    if part is None:
        return derive_id("notification-of", event_id)
    return derive_id("notification-of", event_id, part)
