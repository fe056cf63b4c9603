"""How a request was received: the phone call's record, the desk that took it, the appointment
window agreed, the attachments the resident sent, and whether it is an emergency (CH-05..CH-08,
KPI-09, INC-01, INC-02)."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from hotline_libs.errors import RuleViolation

ANSWERED_WITHIN_RINGS = 3
"""The phone is answered within 3 rings where possible (KPI-09): reported, not enforced."""
MAX_RINGS = 100
MAX_WAIT = timedelta(hours=2)
MAX_CALL = timedelta(hours=4)
MAX_ATTACHMENTS = 10
MAX_REFERENCE = 2000
MAX_ATTACHMENT_NAME = 200
MAX_ATTACHMENT_BYTES = 50 * 1024 * 1024
"""Attachments are stored elsewhere (a site's file share, object storage); intake keeps the
reference, and refuses one that points at more than a resident's phone would send."""
REFERENCE_SCHEMES = frozenset({"https", "http", "s3", "oss", "cos"})
MAX_APPOINTMENT_WINDOW = timedelta(hours=12)
LATEST_APPOINTMENT = timedelta(days=180)
CLOCK_SKEW = timedelta(minutes=5)


class InvalidRegistration(RuleViolation):
    """A registration breaks an intake rule; the message names the field and the rule."""


class CallDirection(enum.StrEnum):
    INBOUND = "inbound"
    """The resident called the hotline."""
    OUTBOUND = "outbound"
    """An agent called the resident (a request taken on a call back)."""


class ReceivingDesk(enum.StrEnum):
    """Where the request was taken down (受理点)."""

    CALL_CENTRE = "call_centre"
    """The central hotline."""
    SERVICE_CENTRE = "service_centre"
    """A site's customer-service centre (客服中心), its front desk."""
    CONTROL_ROOM = "control_room"
    """A site's control room (中控室), which answers at night (X6)."""


SITE_DESKS = frozenset({ReceivingDesk.SERVICE_CENTRE, ReceivingDesk.CONTROL_ROOM})


class Emergency(enum.StrEnum):
    """What makes a request an emergency: dispatched before anything else waiting, and the
    supervisor alerted at once (INC-01, INC-02, INC-04)."""

    WATER_LEAK = "water_leak"
    POWER_FAILURE = "power_failure"
    LIFT_ENTRAPMENT = "lift_entrapment"
    GAS = "gas"
    FIRE_ALARM = "fire_alarm"


@dataclass(frozen=True)
class CallRecord:
    """The telephone's record of the call a request was taken on (from the switch, or typed in):
    enough to report how many calls were answered within 3 rings."""

    caller_number: str
    """In E.164: may differ from the resident's phone (a neighbour's, a landline)."""
    direction: CallDirection
    rings: int
    """Rings before an agent answered; 0 for an outbound call."""
    wait_seconds: int
    """Time in the queue before an agent answered."""
    started_at: datetime
    """When the agent answered (or, outbound, dialled)."""
    duration_seconds: int
    agent: str
    """Who answered: the agent on the phone, which may not be who registered the request."""

    @property
    def answered_within_rings(self) -> bool:
        return self.direction is CallDirection.OUTBOUND or self.rings <= ANSWERED_WITHIN_RINGS

    def checked(self, registered_at: datetime) -> CallRecord:
        if not 0 <= self.rings <= MAX_RINGS:
            raise InvalidRegistration(f"call.rings must be 0 to {MAX_RINGS}", field="call.rings")
        if self.direction is CallDirection.OUTBOUND and self.rings:
            raise InvalidRegistration(
                "call.rings counts the rings before an agent answered a resident's call; an "
                "outbound call has none",
                field="call.rings",
            )
        if not 0 <= self.wait_seconds <= MAX_WAIT.total_seconds():
            raise InvalidRegistration(
                f"call.wait_seconds must be 0 to {int(MAX_WAIT.total_seconds())}",
                field="call.wait_seconds",
            )
        if not 0 <= self.duration_seconds <= MAX_CALL.total_seconds():
            raise InvalidRegistration(
                f"call.duration_seconds must be 0 to {int(MAX_CALL.total_seconds())}",
                field="call.duration_seconds",
            )
        if self.started_at > registered_at + CLOCK_SKEW:
            raise InvalidRegistration(
                "call.started_at is after the request was registered: a request is taken on "
                "the call, not before it",
                field="call.started_at",
            )
        if registered_at - self.started_at > MAX_CALL + timedelta(days=1):
            raise InvalidRegistration(
                "call.started_at is more than a day before the registration: register a call "
                "the day it is taken",
                field="call.started_at",
            )
        if not self.agent.strip() or len(self.agent) > 100:
            raise InvalidRegistration("call.agent must be 1 to 100 characters", field="call.agent")
        return self


@dataclass(frozen=True)
class Attachment:
    """A photo, a recording or a letter's scan, kept elsewhere and referred to here."""

    reference: str
    """Where the file is: an https or object-store URL."""
    name: str
    media_type: str
    size_bytes: int


def checked_attachments(attachments: tuple[Attachment, ...]) -> tuple[Attachment, ...]:
    if len(attachments) > MAX_ATTACHMENTS:
        raise InvalidRegistration(
            f"attachments lists {len(attachments)} files; at most {MAX_ATTACHMENTS}",
            field="attachments",
        )
    seen: set[str] = set()
    for n, attachment in enumerate(attachments):
        at = f"attachments[{n}]"
        reference = attachment.reference.strip()
        if not reference or len(reference) > MAX_REFERENCE:
            raise InvalidRegistration(
                f"{at}.reference must be 1 to {MAX_REFERENCE} characters, got {len(reference)}",
                field=f"{at}.reference",
            )
        parts = urlsplit(reference)
        if parts.scheme.lower() not in REFERENCE_SCHEMES or not parts.netloc:
            raise InvalidRegistration(
                f"{at}.reference {reference[:80]!r} is not a file's address; expected a URL "
                f"with one of: {', '.join(sorted(REFERENCE_SCHEMES))}",
                field=f"{at}.reference",
            )
        if reference in seen:
            raise InvalidRegistration(f"{at}.reference is listed twice", field=f"{at}.reference")
        seen.add(reference)
        if not attachment.name.strip() or len(attachment.name) > MAX_ATTACHMENT_NAME:
            raise InvalidRegistration(
                f"{at}.name must be 1 to {MAX_ATTACHMENT_NAME} characters", field=f"{at}.name"
            )
        kind, _, subtype = attachment.media_type.partition("/")
        if not kind or not subtype or len(attachment.media_type) > 100:
            raise InvalidRegistration(
                f"{at}.media_type {attachment.media_type!r} is not a media type (image/jpeg)",
                field=f"{at}.media_type",
            )
        if not 1 <= attachment.size_bytes <= MAX_ATTACHMENT_BYTES:
            raise InvalidRegistration(
                f"{at}.size_bytes must be 1 to {MAX_ATTACHMENT_BYTES} "
                f"({MAX_ATTACHMENT_BYTES // 1024 // 1024} MB)",
                field=f"{at}.size_bytes",
            )
    return tuple(
        Attachment(a.reference.strip(), a.name.strip(), a.media_type.lower(), a.size_bytes)
        for a in attachments
    )


@dataclass(frozen=True)
class AppointmentWindow:
    """When the resident expects someone (预约服务时间): from ``starts_at``, until ``ends_at``
    when a window was agreed rather than a time."""

    starts_at: datetime
    ends_at: datetime | None = None

    def checked(self, now: datetime) -> AppointmentWindow:
        if self.starts_at < now - CLOCK_SKEW:
            raise InvalidRegistration("appointment_at is in the past", field="appointment_at")
        if self.starts_at > now + LATEST_APPOINTMENT:
            raise InvalidRegistration(
                f"appointment_at is more than {LATEST_APPOINTMENT.days} days ahead",
                field="appointment_at",
            )
        if self.ends_at is not None:
            if self.ends_at <= self.starts_at:
                raise InvalidRegistration(
                    "appointment_until must be after appointment_at", field="appointment_until"
                )
            if self.ends_at - self.starts_at > MAX_APPOINTMENT_WINDOW:
                hours = int(MAX_APPOINTMENT_WINDOW.total_seconds() // 3600)
                raise InvalidRegistration(
                    f"an appointment window is at most {hours} hours; agree a narrower one",
                    field="appointment_until",
                )
        return self
