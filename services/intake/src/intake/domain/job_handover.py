"""A member of staff who resigns or is transferred hands their job over (岗位交接, DUTY-25).

Like a shift's handover (DUTY-13..DUTY-16), the job is handed over in writing and taken over by
a signature: the leaver's supervisor names the successor, writes down what is open, and the
platform adds what it knows the leaver still owes: complaints whose register they own as the
first-contact owner (首问责任人, ORG-08) and replies they promised and have not given (KB-04).
The buildings a steward covers and a department's information liaison duty go with the job.
Once the successor (or a supervisor for them) accepts, all of it is theirs and the leaver is
marked gone, or moved to their new site. Until then the leaver keeps it all: nobody leaves
before relieved (DUTY-15).
"""

from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass
from datetime import datetime

from hotline_libs.aggregate import Aggregate
from hotline_libs.errors import Conflict, RuleViolation

MAX_OPEN_ITEMS = 50
MAX_ITEM = 500


class LeavingReason(enum.StrEnum):
    RESIGNED = "resigned"
    """离职: leaves the company; their record is kept, marked inactive."""
    TRANSFERRED = "transferred"
    """调岗: moves to another site, where they keep working."""


class OpenWorkKind(enum.StrEnum):
    COMPLAINT = "complaint"
    """A complaint whose register the leaver owns (首问责任人) and that is not resolved."""
    REPLY_PROMISE = "reply_promise"
    """A reply the leaver promised a resident and has not given."""


@dataclass(frozen=True)
class OpenWork:
    """Something the platform knows the leaver still owes a resident."""

    request_id: uuid.UUID
    request_no: str
    kind: OpenWorkKind


@dataclass(frozen=True)
class Duties:
    """What goes with the job besides the open work."""

    buildings: tuple[str, ...] = ()
    """The buildings the leaver covers as a steward (管家)."""
    information_liaison: bool = False
    """Whether the leaver is their department's information liaison (KB-11)."""

    @property
    def any(self) -> bool:
        return bool(self.buildings) or self.information_liaison


@dataclass
class JobHandover(Aggregate):
    handover_id: uuid.UUID
    site_id: str
    staff_id: str
    successor_id: str
    reason: LeavingReason
    to_site: str | None
    """For a transfer: the site they move to."""
    open_items: tuple[str, ...]
    """What the leaver and their supervisor write down as open (the files, keys, promises
    made off the platform …)."""
    open_work: tuple[OpenWork, ...]
    duties: Duties
    handed_by: str
    handed_at: datetime
    accepted_by: str | None = None
    accepted_at: datetime | None = None
    moved: tuple[uuid.UUID, ...] = ()
    """The open work already made the successor's (a request at a time: no transactions)."""
    completed_at: datetime | None = None

    @property
    def pending(self) -> bool:
        return self.completed_at is None

    def accept(self, by: str, now: datetime) -> bool:
        """The successor takes the job over; False if it was accepted already (the rest of the
        handover is then finished, not started again)."""
        if self.accepted_at is not None:
            return False
        self.accepted_by, self.accepted_at = by, now
        return True

    def moved_to_successor(self, request_id: uuid.UUID) -> None:
        if request_id not in self.moved:
            self.moved = (*self.moved, request_id)

    def still_to_move(self) -> tuple[OpenWork, ...]:
        return tuple(work for work in self.open_work if work.request_id not in self.moved)

    def complete(self, now: datetime) -> None:
        if self.completed_at is None:
            self.completed_at = now


def open_items_checked(items: tuple[str, ...]) -> tuple[str, ...]:
    if len(items) > MAX_OPEN_ITEMS:
        raise RuleViolation(f"open_items lists at most {MAX_OPEN_ITEMS} items", field="open_items")
    checked = tuple(item.strip() for item in items)
    for n, item in enumerate(checked):
        if not 1 <= len(item) <= MAX_ITEM:
            raise RuleViolation(
                f"open_items[{n}] must be 1 to {MAX_ITEM} characters", field=f"open_items[{n}]"
            )
    return checked


def hand_over(
    *,
    handover_id: uuid.UUID,
    site_id: str,
    staff_id: str,
    successor_id: str,
    successor_active: bool,
    successor_site: str,
    reason: LeavingReason,
    to_site: str | None,
    open_items: tuple[str, ...],
    open_work: tuple[OpenWork, ...],
    duties: Duties,
    by: str,
    now: datetime,
) -> JobHandover:
    """The leaver's job, handed to a successor at the same site who is on the staff."""
    if successor_id == staff_id:
        raise RuleViolation("the successor is someone other than the leaver", field="successor_id")
    if not successor_active:
        raise RuleViolation(f"successor {successor_id!r} has left", field="successor_id")
    if successor_site != site_id:
        raise RuleViolation(
            f"successor {successor_id!r} works at {successor_site!r}, the job is at {site_id!r}",
            field="successor_id",
        )
    if reason is LeavingReason.TRANSFERRED:
        if to_site is None:
            raise RuleViolation("a transfer names the site they move to", field="to_site")
        if to_site == site_id:
            raise RuleViolation(f"they work at {site_id!r} already", field="to_site")
    elif to_site is not None:
        raise RuleViolation("to_site is for a transfer; a leaver leaves", field="to_site")
    return JobHandover(
        handover_id=handover_id,
        site_id=site_id,
        staff_id=staff_id,
        successor_id=successor_id,
        reason=reason,
        to_site=to_site,
        open_items=open_items_checked(open_items),
        open_work=open_work,
        duties=duties,
        handed_by=by,
        handed_at=now,
    )


def refuse_leaving_with_duties(staff_id: str, duties: Duties, open_work: int) -> None:
    """Leaving or moving away is done by a job handover while there is anything to hand over."""
    held = [
        *([f"steward of {', '.join(duties.buildings)}"] if duties.buildings else []),
        *(["information liaison"] if duties.information_liaison else []),
        *([f"{open_work} open complaints or promised replies"] if open_work else []),
    ]
    if held:
        raise Conflict(
            f"{staff_id} is {'; '.join(held)}: hand the job over to a successor first "
            f"(POST /staff/{staff_id}/handover, DUTY-25)"
        )
