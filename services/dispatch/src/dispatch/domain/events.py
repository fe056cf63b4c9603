"""What happens to a work order, as dispatch records it (domain events; never on the bus as such).

``adapters/outbound/events_v1.py`` maps each to the integration event other services read.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from dispatch.domain.technician import Assignee

if TYPE_CHECKING:  # the report is computed from work orders, whose events these are
    from dispatch.domain.report import MonthOfWork


@dataclass(frozen=True)
class WorkOrderAwaitingTechnician:
    """The site has nobody on duty for the trade: the work order waits, and the supervisor is told."""

    since: datetime
    reason: str


@dataclass(frozen=True)
class WorkOrderDispatched:
    """The work order reached a technician (派工), the first or, after a reassignment, a later
    one (``round`` counts them from 1)."""

    dispatched_at: datetime
    round: int = 1


@dataclass(frozen=True)
class WorkOrderDispatchOverdue:
    """The 15 minutes to get the work order to a technician ran out before anyone had it."""

    due_at: datetime
    noticed_at: datetime

    @property
    def overdue_by(self) -> timedelta:
        return self.noticed_at - self.due_at


@dataclass(frozen=True)
class WorkOrderChanged:
    """Any step of the transition table was taken (its line is in the order's history)."""

    step: str
    to_status: str
    at: datetime
    change_no: int = 0
    """Its line in the order's history, from 1."""


@dataclass(frozen=True)
class WorkOrderCompleted:
    """The customer tried the work and signed, satisfied (验收): it is charged and called back."""

    completed_at: datetime


@dataclass(frozen=True)
class WorkOrderEscalated:
    """Still unsatisfied after rework: the order went to the service-centre head or site
    manager (ACC-03)."""

    to: str
    reason: str
    at: datetime


@dataclass(frozen=True)
class WorkOrderVoided:
    """Voided (核销) before completion: nothing is to be charged for it."""

    reason: str
    at: datetime


@dataclass(frozen=True)
class WorkOrderClockMissed:
    """A field clock ran out: not taken in time (and reassigned if someone else was on duty),
    nobody at the appointment, or not finished in the time its urgency allows."""

    clock: str
    key: str
    due_at: datetime
    noticed_at: datetime
    technician: Assignee | None
    reassigned_to: Assignee | None


@dataclass(frozen=True)
class DamageReported:
    """The customer's property was damaged or lost during the work (ACC-04)."""

    case_no: int
    description: str


@dataclass(frozen=True)
class RosterLate:
    """The 25th passed and next month's technician roster of the site is still a draft."""

    site_id: str
    month: str
    due_at: datetime
    noticed_at: datetime


@dataclass(frozen=True)
class MonthReported:
    """A site's month of work orders, in figures, once the month is over."""

    site_id: str
    month: str
    figures: MonthOfWork
    reported_at: datetime
