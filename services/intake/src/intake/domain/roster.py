"""The front desk's monthly roster (排班表) and its changes.

The supervisor drafts next month's roster and submits it to the service-centre manager before
the 25th (DUTY-02): a durable deadline that reports a late roster once. A day off in lieu,
leave or a swap is asked for at least a day ahead and approved by the supervisor, who arranges
the cover; nobody arranges their own (DUTY-09). Cover beyond 4 hours is flagged (DUTY-23).
"""

from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hotline_libs.aggregate import Aggregate
from hotline_libs.errors import Conflict, NotFound, RuleViolation
from hotline_libs.shifts import ShiftTemplate, shift_named

from intake.domain import events

SUBMIT_BY_DAY = 25
NOTICE = timedelta(days=1)
MAX_COVER = timedelta(hours=4)
DUE = "roster_due"


class RosterStatus(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"


class ChangeKind(enum.StrEnum):
    LEAVE = "leave"
    DAY_OFF_IN_LIEU = "day_off_in_lieu"
    SWAP = "swap"


class ChangeStatus(enum.StrEnum):
    REQUESTED = "requested"
    APPROVED = "approved"
    REFUSED = "refused"


@dataclass(frozen=True)
class Assignment:
    day: date
    shift: str
    staff: str


@dataclass(frozen=True)
class RosterChange:
    change_id: uuid.UUID
    kind: ChangeKind
    staff: str
    day: date
    shift: str
    reason: str
    requested_at: datetime
    status: ChangeStatus = ChangeStatus.REQUESTED
    cover_by: str | None = None
    cover_hours: float | None = None
    decided_by: str | None = None
    decided_at: datetime | None = None

    @property
    def long_cover(self) -> bool:
        """Cover beyond 4 hours (DUTY-23): flagged for the manager."""
        return self.cover_hours is not None and self.cover_hours > MAX_COVER / timedelta(hours=1)


@dataclass
class Roster(Aggregate):
    site_id: str
    month: str
    """``YYYY-MM``."""
    zone: str
    shifts: tuple[ShiftTemplate, ...]
    drafted_by: str
    assignments: tuple[Assignment, ...] = ()
    status: RosterStatus = RosterStatus.DRAFT
    submitted_at: datetime | None = None
    late_reported_at: datetime | None = None
    changes: tuple[RosterChange, ...] = ()

    @property
    def roster_id(self) -> str:
        return f"{self.site_id}:{self.month}"

    @property
    def first_day(self) -> date:
        return date.fromisoformat(f"{self.month}-01")

    @property
    def due_at(self) -> datetime:
        """The 25th of the month before, at its start: drafted "before the 25th"."""
        first = self.first_day
        previous = (first - timedelta(days=1)).replace(day=SUBMIT_BY_DAY)
        return datetime.combine(previous, time(0), tzinfo=ZoneInfo(self.zone))

    def shift(self, code: str, field: str = "shift") -> ShiftTemplate:
        return shift_named(self.shifts, code, field)

    def set_assignments(self, assignments: tuple[Assignment, ...]) -> None:
        if self.status is RosterStatus.SUBMITTED:
            raise Conflict(
                f"roster {self.roster_id} was submitted: changes go through leave and swaps"
            )
        for n, a in enumerate(assignments):
            if a.day.strftime("%Y-%m") != self.month:
                raise RuleViolation(
                    f"{a.day.isoformat()} is not in {self.month}", field=f"assignments[{n}].day"
                )
            self.shift(a.shift, f"assignments[{n}].shift")
            if not a.staff.strip():
                raise RuleViolation("staff is empty", field=f"assignments[{n}].staff")
        if len(set(assignments)) != len(assignments):
            raise RuleViolation("an assignment is listed twice", field="assignments")
        self.assignments = tuple(sorted(assignments, key=lambda a: (a.day, a.shift, a.staff)))

    def submit(self, now: datetime) -> None:
        """To the service-centre manager (DUTY-02), who is sent it (NTF-12); submitted again,
        nothing changes and nobody is sent it twice."""
        if not self.assignments:
            raise Conflict(f"roster {self.roster_id} has nobody on it yet")
        if self.status is RosterStatus.DRAFT:
            self.status, self.submitted_at = RosterStatus.SUBMITTED, now
            self.record(events.RosterSubmitted(submitted_at=now))

    def ask_change(self, change: RosterChange) -> None:
        """Asked at least a day before the shift starts (DUTY-09)."""
        start = self.shift(change.shift).start_on(change.day, ZoneInfo(self.zone))
        if change.requested_at > start - NOTICE:
            raise RuleViolation(
                f"{change.kind.value} is asked for at least a day ahead: the shift starts "
                f"{start.isoformat()}",
                field="day",
            )
        if Assignment(change.day, change.shift, change.staff) not in self.assignments:
            raise RuleViolation(
                f"{change.staff} is not on the {change.shift} shift of {change.day.isoformat()}",
                field="staff",
            )
        self.changes = (*self.changes, change)

    def decide_change(
        self,
        change_id: uuid.UUID,
        approved: bool,
        cover_by: str | None,
        cover_hours: float | None,
        by: str,
        now: datetime,
    ) -> RosterChange:
        """The supervisor approves, arranging the cover, or refuses (DUTY-09)."""
        for n, change in enumerate(self.changes):
            if change.change_id != change_id:
                continue
            if change.status is not ChangeStatus.REQUESTED:
                raise Conflict(f"change {change_id} was {change.status.value} already")
            if by == change.staff:
                raise RuleViolation("nobody approves their own leave or swap", field="by")
            if approved and not cover_by:
                raise RuleViolation(
                    "an approved change names who covers the shift", field="cover_by"
                )
            if cover_by == change.staff:
                raise RuleViolation("the cover is someone else", field="cover_by")
            decided = replace(
                change,
                status=ChangeStatus.APPROVED if approved else ChangeStatus.REFUSED,
                cover_by=cover_by if approved else None,
                cover_hours=cover_hours if approved else None,
                decided_by=by,
                decided_at=now,
            )
            self.changes = (*self.changes[:n], decided, *self.changes[n + 1 :])
            return decided
        raise NotFound(f"no change {change_id} on roster {self.roster_id}")

    def deadlines(self) -> dict[str, datetime]:
        if self.status is RosterStatus.DRAFT and self.late_reported_at is None:
            return {DUE: self.due_at}
        return {}

    def deadline_reached(self, name: str, now: datetime) -> None:
        if name != DUE:
            super().deadline_reached(name, now)
        self.late_reported_at = now
        self.record(events.RosterLate(due_at=self.due_at, noticed_at=now))
