"""The front desk's duty log (客户服务中心值班记录表) per site, day and shift, and its handover.

Everything received and everything that happened on a shift is written in it (DUTY-04, CH-11).
The relief arrives 15 minutes before the shift starts (DUTY-12): a later take-over is recorded
as late (DUTY-10). The outgoing staff hand over the open items in detail and count the desk's
items with the incoming (DUTY-13, DUTY-14); both sign (DUTY-15), the outgoing only once the
incoming has taken over: nobody leaves before relieved (DUTY-11). The open items go on to the
next shift's log, which follows them up (DUTY-16). The supervisor reads each day's logs that
day (DUTY-08) and signs them monthly (DUTY-21); the director signs a sample of at least 20%
(DUTY-22). Internal staff only (DUTY-07).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from hotline_libs.aggregate import Aggregate
from hotline_libs.errors import Conflict, RuleViolation
from hotline_libs.shifts import ShiftTemplate

RELIEF_EARLY = timedelta(minutes=15)
MAX_TEXT = 2000
MAX_ENTRIES = 2000


class EntryKind(enum.StrEnum):
    INFORMATION = "information"
    """Something received: a call, a visit, a message."""
    EVENT = "event"
    """Something that happened on the shift."""
    ESCALATED = "escalated"
    """Beyond the desk's authority: passed to the supervisor or a manager (DUTY-06)."""


class SignatureKind(enum.StrEnum):
    DAILY_READ = "daily_read"
    """The supervisor read the day's log (DUTY-08)."""
    MONTHLY = "monthly"
    """The supervisor's monthly review (DUTY-21)."""
    SAMPLE = "sample"
    """The director's random sample (DUTY-22)."""


@dataclass(frozen=True)
class Entry:
    at: datetime
    by: str
    kind: EntryKind
    text: str


@dataclass(frozen=True)
class Signature:
    kind: SignatureKind
    by: str
    at: datetime


@dataclass(frozen=True)
class Handover:
    outgoing: str
    incoming: str
    open_items: tuple[str, ...]
    counted_items: tuple[tuple[str, int], ...]
    """The desk's items counted together (DUTY-14): name and how many."""
    taken_over_at: datetime
    late_by: timedelta | None
    """How late the take-over was against the 15 minutes early (DUTY-10, DUTY-12)."""
    outgoing_signed_at: datetime | None = None


@dataclass
class DutyLog(Aggregate):
    site_id: str
    day: date
    shift: ShiftTemplate
    zone: str
    opened_by: str
    carried_over: tuple[str, ...] = ()
    """Open items handed on by the shift before, to follow up (DUTY-16)."""
    entries: tuple[Entry, ...] = ()
    handover: Handover | None = None
    signatures: tuple[Signature, ...] = ()

    @property
    def log_id(self) -> str:
        return log_id(self.site_id, self.day, self.shift.code)

    @property
    def relief_due_at(self) -> datetime:
        """When the next shift's staff are due, 15 minutes before this one ends."""
        return self.shift.end_on(self.day, ZoneInfo(self.zone)) - RELIEF_EARLY

    @property
    def closed(self) -> bool:
        return self.handover is not None and self.handover.outgoing_signed_at is not None

    def write(self, kind: EntryKind, text_: str, by: str, now: datetime) -> None:
        if self.closed:
            raise Conflict(f"duty log {self.log_id} was handed over and signed")
        if len(self.entries) >= MAX_ENTRIES:
            raise Conflict(f"duty log {self.log_id} has {MAX_ENTRIES} entries")
        self.entries = (*self.entries, Entry(now, by, kind, text("text", text_)))

    def take_over(
        self,
        incoming: str,
        outgoing: str,
        open_items: tuple[str, ...],
        counted_items: tuple[tuple[str, int], ...],
        now: datetime,
    ) -> None:
        """The incoming staff take over: they read the log, hear the open items, count the
        items (DUTY-13, DUTY-14) and sign; late if after the relief was due."""
        if self.handover is not None:
            raise Conflict(f"duty log {self.log_id} was taken over by {self.handover.incoming}")
        if incoming == outgoing:
            raise RuleViolation("the incoming and outgoing staff are two people", field="incoming")
        for name, count in counted_items:
            if not name.strip() or not 0 <= count <= 100_000:
                raise RuleViolation(
                    f"counted item {name!r}: a name and a count of 0 to 100000",
                    field="counted_items",
                )
        late = now - self.relief_due_at
        self.handover = Handover(
            outgoing=outgoing,
            incoming=incoming,
            open_items=tuple(text("open_items", item) for item in open_items),
            counted_items=tuple((name.strip(), count) for name, count in counted_items),
            taken_over_at=now,
            late_by=late if late > timedelta(0) else None,
        )

    def sign_off(self, by: str, now: datetime) -> None:
        """The outgoing staff sign, once relieved (DUTY-11, DUTY-15)."""
        if self.handover is None:
            raise Conflict(
                f"duty log {self.log_id} is not taken over yet: nobody leaves before relieved"
            )
        if by != self.handover.outgoing:
            raise RuleViolation(
                f"the handover is signed by the outgoing {self.handover.outgoing}", field="by"
            )
        if self.handover.outgoing_signed_at is None:
            self.handover = replace(self.handover, outgoing_signed_at=now)

    def sign(self, kind: SignatureKind, by: str, now: datetime) -> bool:
        """A read or a review signed; False when this person signed it so already."""
        if any(s.kind is kind and s.by == by for s in self.signatures):
            return False
        self.signatures = (*self.signatures, Signature(kind, by, now))
        return True


def log_id(site_id: str, day: date, shift: str) -> str:
    return f"{site_id}:{day.isoformat()}:{shift}"


def text(name: str, value: str) -> str:
    value = value.strip()
    if not 1 <= len(value) <= MAX_TEXT:
        raise RuleViolation(f"{name} must be 1 to {MAX_TEXT} characters", field=name)
    return value


OPEN_AHEAD = timedelta(days=1)
BACKFILL = timedelta(days=366)


def open_log(
    site_id: str,
    day: date,
    shift: ShiftTemplate,
    zone: str,
    by: str,
    previous: DutyLog | None,
    now: datetime,
) -> DutyLog:
    """A shift's log, with what the shift before handed on still open. A log is kept for a
    shift about to start or past (a paper log of the last year typed in), not for any date."""
    today = now.astimezone(ZoneInfo(zone)).date()
    if not today - BACKFILL <= day <= today + OPEN_AHEAD:
        raise RuleViolation(
            f"day {day.isoformat()}: a duty log is opened for a shift from a year ago up to "
            "tomorrow",
            field="day",
        )
    carried = previous.handover.open_items if previous and previous.handover else ()
    return DutyLog(site_id, day, shift, zone, by, carried_over=carried)


def sample_size(logs: int) -> int:
    """How many of a month's logs the director signs: at least 20% (DUTY-22)."""
    return -(-logs * 20 // 100)
