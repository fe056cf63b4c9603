"""What a resident asked of each of their addresses, what the company blocked, and the site's
quiet hours: whether a message goes now, waits for the morning, or does not go.

A preference belongs to an address on a channel (a phone number, an e-mail address): that is
what an unsubscribe link, a reply "TD" or a resident on the phone names, and what a message is
sent to. Opting out stops the messages a resident may refuse (``Urgency.may_be_opted_out_of``);
a block, set by a supervisor with a reason, stops everything to the address.

Quiet hours are the site's (22:00 to 08:00 unless the site set others) in the site's time zone:
an SMS that waits for the morning (``Urgency.waits_for_morning``) is held until they end, on a
durable deadline (``Notification.deadlines``), not in memory.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hotline_libs.aggregate import Aggregate
from hotline_libs.errors import RuleViolation

from notification.domain.policy import Urgency
from notification.domain.templates import Channel

REASON_MAX = 200


class OptedOutVia(enum.StrEnum):
    UNSUBSCRIBE_LINK = "unsubscribe_link"
    """The link at the foot of an e-mail."""
    STAFF = "staff"
    """A member of staff, on the resident's word (on the phone, at the desk)."""


def preference_id(channel: Channel, address: str) -> str:
    return f"{channel.value}:{normal_address(channel, address)}"


def normal_address(channel: Channel, address: str) -> str:
    """E-mail addresses compare without case; numbers are E.164 already."""
    return address.strip().lower() if channel is Channel.EMAIL else address.strip()


@dataclass
class ContactPreference(Aggregate):
    """One address on one channel: opted out or not, blocked or not, and who said so when."""

    channel: Channel
    address: str
    opted_out: bool = False
    opted_out_via: OptedOutVia | None = None
    opted_out_by: str | None = None
    blocked: bool = False
    block_reason: str | None = None
    blocked_by: str | None = None
    changed_at: datetime | None = None
    language: str | None = None
    """The language the resident at this address asked to be written to in (intake's
    directory, BCP 47); None: the company's."""
    language_recorded_at: datetime | None = None
    """When the directory recorded it: an older record of the resident changes nothing."""

    @property
    def preference_id(self) -> str:
        return preference_id(self.channel, self.address)

    def opt_out(self, via: OptedOutVia, by: str | None, now: datetime) -> bool:
        """True when it changed anything (a second click on the link changes nothing)."""
        if self.opted_out:
            return False
        self.opted_out, self.opted_out_via, self.opted_out_by = True, via, by
        self.changed_at = now
        return True

    def opt_in(self, by: str, now: datetime) -> bool:
        if not self.opted_out:
            return False
        self.opted_out, self.opted_out_via, self.opted_out_by = False, None, by
        self.changed_at = now
        return True

    def block(self, reason: str, by: str, now: datetime) -> bool:
        reason = reason.strip()
        if not reason:
            raise RuleViolation("a block needs its reason", field="reason")
        if len(reason) > REASON_MAX:
            raise RuleViolation(
                f"the reason is longer than {REASON_MAX} characters", field="reason"
            )
        if self.blocked and self.block_reason == reason:
            return False
        self.blocked, self.block_reason, self.blocked_by = True, reason, by
        self.changed_at = now
        return True

    def unblock(self, by: str, now: datetime) -> bool:
        if not self.blocked:
            return False
        self.blocked, self.block_reason, self.blocked_by = False, None, by
        self.changed_at = now
        return True

    def speaks(self, language: str | None, recorded_at: datetime) -> bool:
        """The directory's record of the resident at this address, as of ``recorded_at``, says
        they are written to in ``language`` (None: the company's); True when it changed. A
        record older than the one kept changes nothing (directory events of one resident may
        come twice or late)."""
        if self.language_recorded_at is not None and recorded_at <= self.language_recorded_at:
            return False
        changed = language != self.language
        self.language, self.language_recorded_at = language, recorded_at
        return changed or self.version == 0


def new_preference(channel: Channel, address: str) -> ContactPreference:
    return ContactPreference(channel=channel, address=normal_address(channel, address))


@dataclass(frozen=True)
class QuietHours:
    """From ``start`` to ``end`` local time, across midnight when ``end`` is earlier."""

    start: time = time(22, 0)
    end: time = time(8, 0)

    def __post_init__(self) -> None:
        if self.start == self.end:
            raise RuleViolation("quiet hours must start and end at different times", field="end")

    def ends_at(self, now: datetime, zone: ZoneInfo) -> datetime | None:
        """When the quiet hours ``now`` falls in end (UTC); None when ``now`` is not in them."""
        local = now.astimezone(zone)
        at = local.time().replace(tzinfo=None)
        if self.start > self.end:  # across midnight
            quiet = at >= self.start or at < self.end
            day = local.date() + timedelta(days=1) if at >= self.start else local.date()
        else:
            quiet = self.start <= at < self.end
            day = local.date()
        if not quiet:
            return None
        return datetime.combine(day, self.end, tzinfo=zone).astimezone(UTC)

    def __str__(self) -> str:
        return f"{self.start:%H:%M}-{self.end:%H:%M}"


def quiet_hours_from(text: str) -> QuietHours | None:
    """``"22:00-08:00"`` → those hours; ``""`` or ``"off"`` → none."""
    text = text.strip()
    if text in ("", "off"):
        return None
    try:
        start, end = (time.fromisoformat(part.strip()) for part in text.split("-"))
    except ValueError as exc:
        raise RuleViolation(
            f"quiet hours {text!r} are not HH:MM-HH:MM", field="quiet_hours"
        ) from exc
    return QuietHours(start, end)


class Verdict(enum.StrEnum):
    SEND = "send"
    HOLD = "hold"
    SUPPRESS = "suppress"


@dataclass(frozen=True)
class Screening:
    verdict: Verdict
    until: datetime | None = None
    """When a held message goes (the end of the quiet hours)."""
    reason: str | None = None
    """Why a message does not go."""


SEND = Screening(Verdict.SEND)


def screen(
    channel: Channel,
    urgency: Urgency,
    preference: ContactPreference | None,
    quiet_hours: QuietHours | None,
    zone: ZoneInfo,
    now: datetime,
) -> Screening:
    """Whether a message to an address goes now, waits for the site's morning, or does not go
    (and why)."""
    if preference is not None and preference.blocked:
        return Screening(Verdict.SUPPRESS, reason=f"blocked: {preference.block_reason}")
    if preference is not None and preference.opted_out and urgency.may_be_opted_out_of:
        return Screening(Verdict.SUPPRESS, reason="opted out")
    if channel is Channel.SMS and urgency.waits_for_morning and quiet_hours is not None:
        until = quiet_hours.ends_at(now, zone)
        if until is not None:
            return Screening(Verdict.HOLD, until=until)
    return SEND
