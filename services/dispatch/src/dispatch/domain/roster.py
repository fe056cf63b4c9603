"""The technicians' monthly roster (维修/服务人员排班表) of one site, on the site's shifts.

The site's duty staff or supervisor draft next month's roster on the shifts intake publishes for
the site, and publish it **by the 25th** of the month before: a durable deadline records a roster
still unpublished then, once. Once published it changes only by recorded absences: leave, sick
leave or a swap, each with who covers (a substitution) or none (the shift runs short). Who is on
shift at a moment is what automatic assignment asks (``on_shift``).
"""

from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hotline_libs.aggregate import Aggregate
from hotline_libs.errors import Conflict, RuleViolation
from hotline_libs.shifts import ShiftTemplate, shift_named

from dispatch.domain import events

PUBLISH_BY_DAY = 25
ROSTER_DUE = "roster_due"
MAX_ENTRIES = 3000
"""A month of 31 days × a handful of shifts × a site's technicians, with room to spare."""


class RosterStatus(enum.StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"


class AbsenceKind(enum.StrEnum):
    LEAVE = "leave"
    SICK_LEAVE = "sick_leave"
    DAY_OFF_IN_LIEU = "day_off_in_lieu"
    SWAP = "swap"


@dataclass(frozen=True, order=True)
class RosterEntry:
    """One technician on one shift of one day."""

    day: date
    shift: str
    technician_id: str


@dataclass(frozen=True)
class Absence:
    """A technician off a published shift, and who covers it (None: the shift runs short)."""

    absence_id: uuid.UUID
    kind: AbsenceKind
    technician_id: str
    day: date
    shift: str
    cover_by: str | None
    reason: str
    recorded_by: str
    recorded_at: datetime


@dataclass
class TechnicianRoster(Aggregate):
    site_id: str
    month: str
    """``YYYY-MM``."""
    zone: str
    shifts: tuple[ShiftTemplate, ...]
    drafted_by: str
    entries: tuple[RosterEntry, ...] = ()
    status: RosterStatus = RosterStatus.DRAFT
    published_at: datetime | None = None
    published_by: str | None = None
    late_noticed_at: datetime | None = None
    absences: tuple[Absence, ...] = ()

    @property
    def roster_id(self) -> str:
        return roster_id(self.site_id, self.month)

    @property
    def first_day(self) -> date:
        return date.fromisoformat(f"{self.month}-01")

    @property
    def due_at(self) -> datetime:
        """The end of the 25th of the month before (published "by the 25th")."""
        previous_month_end = self.first_day - timedelta(days=1)
        due_day = previous_month_end.replace(day=PUBLISH_BY_DAY) + timedelta(days=1)
        return datetime.combine(due_day, time(0), tzinfo=ZoneInfo(self.zone))

    @property
    def late(self) -> bool:
        return self.late_noticed_at is not None or (
            self.published_at is not None and self.published_at >= self.due_at
        )

    def shift(self, code: str, field: str = "shift") -> ShiftTemplate:
        return shift_named(self.shifts, code, field)

    def draft(self, entries: tuple[RosterEntry, ...], technicians: frozenset[str], by: str) -> None:
        """Replace the draft's entries; ``technicians``: the site's technicians."""
        if self.status is RosterStatus.PUBLISHED:
            raise Conflict(
                f"roster {self.roster_id} was published: changes go through absences and their "
                "cover"
            )
        if len(entries) > MAX_ENTRIES:
            raise RuleViolation(f"a roster holds at most {MAX_ENTRIES} entries", field="entries")
        for n, entry in enumerate(entries):
            if entry.day.strftime("%Y-%m") != self.month:
                raise RuleViolation(
                    f"{entry.day.isoformat()} is not in {self.month}", field=f"entries[{n}].day"
                )
            self.shift(entry.shift, f"entries[{n}].shift")
            if entry.technician_id not in technicians:
                raise RuleViolation(
                    f"{entry.technician_id!r} is not a technician of site {self.site_id}",
                    field=f"entries[{n}].technician_id",
                )
        if len(set(entries)) != len(entries):
            raise RuleViolation("an entry is listed twice", field="entries")
        self.entries, self.drafted_by = tuple(sorted(entries)), by

    def publish(self, by: str, now: datetime) -> bool:
        """Publish to the site's technicians; False when it was published already."""
        if self.status is RosterStatus.PUBLISHED:
            return False
        if not self.entries:
            raise Conflict(f"roster {self.roster_id} has nobody on it yet")
        self.status, self.published_at, self.published_by = RosterStatus.PUBLISHED, now, by
        return True

    def record_absence(self, absence: Absence, technicians: frozenset[str]) -> None:
        """A technician off a published shift, with the cover the duty staff arranged."""
        if self.status is not RosterStatus.PUBLISHED:
            raise Conflict(
                f"roster {self.roster_id} is a draft: change its entries instead of recording "
                "an absence"
            )
        self.shift(absence.shift)
        if RosterEntry(absence.day, absence.shift, absence.technician_id) not in self.entries:
            raise RuleViolation(
                f"{absence.technician_id} is not on the {absence.shift} shift of "
                f"{absence.day.isoformat()}",
                field="technician_id",
            )
        if any(
            a.technician_id == absence.technician_id
            and a.day == absence.day
            and a.shift == absence.shift
            for a in self.absences
        ):
            raise Conflict(
                f"{absence.technician_id}'s absence from the {absence.shift} shift of "
                f"{absence.day.isoformat()} is recorded already"
            )
        if absence.cover_by is not None:
            if absence.cover_by not in technicians:
                raise RuleViolation(
                    f"{absence.cover_by!r} is not a technician of site {self.site_id}",
                    field="cover_by",
                )
            if absence.cover_by in self._working(absence.day, absence.shift):
                raise RuleViolation(
                    f"{absence.cover_by} is on the {absence.shift} shift of "
                    f"{absence.day.isoformat()} already",
                    field="cover_by",
                )
        self.absences = (*self.absences, absence)

    def _working(self, day: date, shift: str) -> set[str]:
        """Who works ``shift`` of ``day``: the entries, less the absent, plus their cover."""
        working = {e.technician_id for e in self.entries if e.day == day and e.shift == shift}
        for absence in self.absences:
            if absence.day == day and absence.shift == shift:
                working.discard(absence.technician_id)
                if absence.cover_by is not None:
                    working.add(absence.cover_by)
        return working

    def on_shift(self, moment: datetime) -> frozenset[str]:
        """The technicians working at ``moment`` by this roster (overnight shifts included)."""
        zone = ZoneInfo(self.zone)
        working: set[str] = set()
        for template in self.shifts:
            day = template.day_running_at(moment, zone)
            if day is not None:
                working |= self._working(day, template.code)
        return frozenset(working)

    def deadlines(self) -> dict[str, datetime]:
        if self.status is RosterStatus.DRAFT and self.late_noticed_at is None:
            return {ROSTER_DUE: self.due_at}
        return {}

    def deadline_reached(self, name: str, now: datetime) -> None:
        if name != ROSTER_DUE:
            super().deadline_reached(name, now)
        self.late_noticed_at = now
        self.record(events.RosterLate(self.site_id, self.month, self.due_at, now))


def roster_id(site_id: str, month: str) -> str:
    return f"{site_id}:{month}"


def month_at(moment: datetime, zone: str) -> str:
    """The site-local month of ``moment``."""
    return moment.astimezone(ZoneInfo(zone)).strftime("%Y-%m")
