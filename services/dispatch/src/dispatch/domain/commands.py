"""What dispatch is asked to do: by intake's events, by staff on the API, by its own clocks."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from dispatch.domain.field_records import Drawn
from dispatch.domain.roster import AbsenceKind, RosterEntry
from dispatch.domain.work_order import (
    Actor,
    Board,
    CompletionReport,
    Contact,
    Escalation,
    ItemUsed,
    SignOff,
    Step,
)


@dataclass(frozen=True)
class DispatchRequest:
    """Make the work order of an accepted request and get it to a technician (派工)."""

    request_id: uuid.UUID
    request_no: str
    site_id: str
    board: Board
    description: str
    resident: Contact
    appointment_at: datetime | None
    accepted_at: datetime
    causation_id: uuid.UUID | None = None
    emergency: str | None = None
    """What makes it an emergency (water_leak, gas, ...): dispatched before other waiting work."""
    requested_items: tuple[ItemUsed, ...] = ()
    """Priced items the resident asked for: paid work, whose fee is agreed before it starts."""
    category: str | None = None
    """The item of the board (the housekeeping item booked: the skill it needs)."""


@dataclass(frozen=True)
class OpenRectificationOrder:
    """A callback found the resident unsatisfied with a work order's work: send someone to put
    it right (整改), on a new order for the same request."""

    rectification_id: uuid.UUID
    loop: int
    work_order_id: uuid.UUID
    site_id: str
    opinion: str
    causation_id: uuid.UUID | None = None


@dataclass(frozen=True)
class CompleteWorkOrder:
    """Record a finished visit in one go, signed by the resident, satisfied (验收): the steps not
    yet recorded are taken now."""

    work_order_id: uuid.UUID
    report: CompletionReport
    visible_sites: frozenset[str] | None
    """The sites the caller may act for (None: all); another site's order is not found."""
    actor: Actor
    assigned_only: str | None = None
    """A technician's id: they record only the orders they have (None: the service centre)."""
    causation_id: uuid.UUID | None = None


@dataclass(frozen=True)
class SaveTechnician:
    """Add a technician, or change one's details or duty; one coming on duty takes the waiting
    work orders of their trade."""

    technician_id: str
    site_id: str
    name: str
    phone: str
    trades: frozenset[str]
    on_duty: bool
    causation_id: uuid.UUID | None = None
    visible_sites: frozenset[str] | None = None
    """The sites of the person asking; None for every site."""
    skills: frozenset[str] = frozenset()


@dataclass(frozen=True)
class WorkOrderDeadlineReached:
    """One of a work order's clocks ran out."""

    work_order_id: uuid.UUID
    deadline: str
    due_at: datetime
    causation_id: uuid.UUID | None = None


@dataclass(frozen=True)
class TakeStep:
    """Take one step of the work order's table (接单, 到场, 报价, 返工, 核销 ...), with what that
    step needs; a retried call changes nothing."""

    work_order_id: uuid.UUID
    step: Step
    actor: Actor
    visible_sites: frozenset[str] | None
    """The sites the caller may act for (None: all); another site's order is not found."""
    assigned_only: str | None = None
    """A technician's id: they act only on the orders they have (None: the service centre)."""
    reason: str = ""
    technician_id: str | None = None
    items: tuple[ItemUsed, ...] = ()
    report: CompletionReport | None = None
    sign_off: SignOff | None = None
    appointment_at: datetime | None = None
    escalate_to: Escalation | None = None
    causation_id: uuid.UUID | None = None


@dataclass(frozen=True)
class RecordOnWorkOrder:
    """Note on a work order what is not a step: materials or tools drawn or given back (DSP-07,
    DSP-08), damage to the customer's property reported or its compensation agreed (ACC-04)."""

    work_order_id: uuid.UUID
    what: Literal["draw", "give_back", "report_damage", "agree_compensation"]
    actor: Actor
    visible_sites: frozenset[str] | None
    assigned_only: str | None = None
    item: str = ""
    quantity: int = 0
    kind: Drawn = Drawn.MATERIAL
    charge_as: str | None = None
    number: int = 0
    """The material line or damage case concerned."""
    description: str = ""
    amount: Decimal = Decimal(0)
    causation_id: uuid.UUID | None = None


@dataclass(frozen=True)
class DraftRoster:
    """Put next month's (or any month's) technicians on the site's shifts, as a draft."""

    site_id: str
    month: str
    entries: tuple[RosterEntry, ...]
    by: str
    visible_sites: frozenset[str] | None = None
    causation_id: uuid.UUID | None = None


@dataclass(frozen=True)
class PublishRoster:
    """Publish a drafted roster to the site's technicians: assignment follows it from now on."""

    site_id: str
    month: str
    by: str
    visible_sites: frozenset[str] | None = None
    causation_id: uuid.UUID | None = None


@dataclass(frozen=True)
class RecordAbsence:
    """A technician off a published shift (leave, sick leave, a swap), and who covers it."""

    site_id: str
    month: str
    kind: AbsenceKind
    technician_id: str
    day: date
    shift: str
    cover_by: str | None
    reason: str
    by: str
    visible_sites: frozenset[str] | None = None
    causation_id: uuid.UUID | None = None


@dataclass(frozen=True)
class RosterDeadlineReached:
    """A roster's clock ran out: the 25th came with next month still a draft."""

    roster_id: str
    deadline: str
    due_at: datetime
    causation_id: uuid.UUID | None = None


@dataclass(frozen=True)
class ReportDeadlineReached:
    """A site's month is over: time to report it."""

    site_id: str
    deadline: str
    due_at: datetime
    causation_id: uuid.UUID | None = None
