"""The work order (派工单): from an accepted request to the resident's signature.

What may happen to a work order is the transition table below; every change goes through
``_move``, which refuses anything the table does not allow. The clocks a work order has running
are its ``deadlines``: while nobody has it, the 15-minute dispatch deadline (DSP-02) and the next
try at finding a technician.
"""

from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from hotline_libs.aggregate import Aggregate
from hotline_libs.errors import Conflict, RuleViolation

from dispatch.domain import events
from dispatch.domain.technician import Assignee, Technician

DISPATCH_TARGET = timedelta(minutes=15)
"""A work order reaches the service staff within 15 minutes of acceptance (DSP-02)."""

ASSIGNMENT_RETRY = timedelta(minutes=2)
"""When a waiting work order first looks again for a technician, besides when one comes on
duty (which assigns it at once); each try that finds nobody doubles the wait, up to
``ASSIGNMENT_RETRY_CAP``, so a site with nobody on duty all night is not rewritten every minute."""
ASSIGNMENT_RETRY_CAP = timedelta(minutes=16)

COMPLETION_CLOCK_SKEW = timedelta(minutes=5)


class InvalidCompletion(RuleViolation):
    """A completion report breaks an acceptance rule."""


class Board(enum.StrEnum):
    """The intake board a request came from, as far as dispatch cares."""

    REPAIR = "repair"
    HOUSEKEEPING = "housekeeping"
    OTHER = "other"


TRADE_FOR_BOARD: dict[Board, str] = {
    Board.REPAIR: "maintenance",
    Board.HOUSEKEEPING: "housekeeping",
}
"""Requests that send someone to the resident, and the trade that goes."""


def trade_needed(board: Board) -> str | None:
    """The trade to send for a request of ``board``, or None when nobody needs to go."""
    return TRADE_FOR_BOARD.get(board)


class PaymentMethod(enum.StrEnum):
    """How the resident pays for the paid items delivered (付款方式)."""

    CASH = "cash"
    BANK_COLLECTION = "bank_collection"


class WorkOrderStatus(enum.StrEnum):
    AWAITING_TECHNICIAN = "awaiting_technician"
    DISPATCHED = "dispatched"
    COMPLETED = "completed"


S = WorkOrderStatus
TRANSITIONS: dict[WorkOrderStatus, frozenset[WorkOrderStatus]] = {
    S.AWAITING_TECHNICIAN: frozenset({S.DISPATCHED}),
    S.DISPATCHED: frozenset({S.COMPLETED}),
    S.COMPLETED: frozenset(),
}
"""Every change a work order may go through, in one place."""

DISPATCH_DUE = "dispatch_due"
RETRY_ASSIGNMENT = "retry_assignment"


@dataclass(frozen=True)
class Contact:
    """The resident to visit, and where (栋房号)."""

    name: str
    phone: str
    email: str | None
    building: str
    room: str


@dataclass(frozen=True)
class ItemUsed:
    """A paid price-list item delivered, with the unit price agreed with the resident before work
    if the technician recorded one (DSP-05)."""

    item_code: str
    quantity: int
    agreed_unit_price: Decimal | None = None


@dataclass(frozen=True)
class CompletionReport:
    """What the technician reports once the resident has tried the result (验收)."""

    resident_signed: bool
    items: tuple[ItemUsed, ...]
    payment_method: PaymentMethod | None
    completed_at: datetime | None = None
    """When the work was accepted; now if the technician did not say."""


@dataclass(frozen=True)
class Completion:
    completed_at: datetime
    items: tuple[ItemUsed, ...]
    payment_method: PaymentMethod | None
    resident_signed: bool

    def same_report(self, report: CompletionReport) -> bool:
        """True when ``report`` repeats this completion (a retry), whatever time it omits."""
        return (
            report.items == self.items
            and report.payment_method == self.payment_method
            and report.resident_signed == self.resident_signed
            and report.completed_at in (None, self.completed_at)
        )


@dataclass
class WorkOrder(Aggregate):
    """A work order (派工单) for one accepted request."""

    work_order_id: uuid.UUID
    work_order_no: str
    request_id: uuid.UUID
    request_no: str
    site_id: str
    board: Board
    trade: str
    description: str
    resident: Contact
    appointment_at: datetime | None
    accepted_at: datetime
    created_at: datetime
    status: WorkOrderStatus = WorkOrderStatus.AWAITING_TECHNICIAN
    technician: Assignee | None = None
    dispatched_at: datetime | None = None
    completion: Completion | None = None
    waiting_reason: str | None = None
    next_assignment_try: datetime | None = None
    assignment_tries: int = 0
    overdue_reported_at: datetime | None = field(default=None)
    emergency: str | None = None
    """What makes it an emergency, as intake flagged it; None for routine work."""

    @property
    def dispatch_due_at(self) -> datetime:
        return self.accepted_at + DISPATCH_TARGET

    @property
    def dispatched_on_time(self) -> bool | None:
        """Whether it reached a technician within 15 minutes; None while nobody has it."""
        if self.dispatched_at is None:
            return None
        return self.dispatched_at <= self.dispatch_due_at

    def _move(self, to: WorkOrderStatus) -> None:
        if to not in TRANSITIONS[self.status]:
            raise Conflict(
                f"work order {self.work_order_no} is {self.status.value}; it cannot become "
                f"{to.value}"
            )
        self.status = to

    # -- dispatch (派工) ---------------------------------------------------------------------
    def assign(self, technician: Technician, now: datetime) -> None:
        """Hand the work order to ``technician``."""
        if not technician.can_take(self.trade, self.site_id):
            raise RuleViolation(
                f"{technician.name} ({technician.technician_id}) cannot take {self.trade} work "
                f"at site {self.site_id!r}"
            )
        self._move(WorkOrderStatus.DISPATCHED)
        self.technician = Assignee.of(technician)
        self.dispatched_at = now
        self.waiting_reason = None
        self.next_assignment_try = None
        self.record(events.WorkOrderDispatched(dispatched_at=now))

    def await_technician(self, now: datetime) -> None:
        """Nobody is on duty for the trade: wait visibly, tell the supervisor (once), try again."""
        if self.status is not WorkOrderStatus.AWAITING_TECHNICIAN:
            raise Conflict(f"work order {self.work_order_no} is {self.status.value}, not waiting")
        first = self.waiting_reason is None
        self.waiting_reason = f"site {self.site_id!r} has no {self.trade} technician on duty"
        self.next_assignment_try = now + min(
            ASSIGNMENT_RETRY * 2**self.assignment_tries, ASSIGNMENT_RETRY_CAP
        )
        self.assignment_tries += 1
        if first:
            self.record(events.WorkOrderAwaitingTechnician(since=now, reason=self.waiting_reason))

    # -- acceptance (验收) ---------------------------------------------------------------------
    def complete(self, report: CompletionReport, now: datetime) -> bool:
        """Record the resident's acceptance; False when this completion was already recorded."""
        if self.status is WorkOrderStatus.COMPLETED:
            assert self.completion is not None
            if self.completion.same_report(report):
                return False
            raise Conflict(f"work order {self.work_order_no} is already completed differently")
        if self.status is not WorkOrderStatus.DISPATCHED:
            raise Conflict(
                f"work order {self.work_order_no} has not reached a technician yet "
                f"({self.status.value})"
            )
        completed_at = report.completed_at or now
        _check(report, completed_at, self, now)
        self._move(WorkOrderStatus.COMPLETED)
        self.completion = Completion(
            completed_at=completed_at,
            items=report.items,
            payment_method=report.payment_method,
            resident_signed=report.resident_signed,
        )
        self.record(events.WorkOrderCompleted(completed_at=completed_at))
        return True

    # -- clocks --------------------------------------------------------------------------------
    def deadlines(self) -> dict[str, datetime]:
        if self.status is not WorkOrderStatus.AWAITING_TECHNICIAN:
            return {}
        running = {}
        if self.overdue_reported_at is None:
            running[DISPATCH_DUE] = self.dispatch_due_at
        if self.next_assignment_try is not None:
            running[RETRY_ASSIGNMENT] = self.next_assignment_try
        return running

    def deadline_reached(self, name: str, now: datetime) -> None:
        if name == DISPATCH_DUE:
            self.overdue_reported_at = now
            self.record(
                events.WorkOrderDispatchOverdue(due_at=self.dispatch_due_at, noticed_at=now)
            )
        else:
            super().deadline_reached(name, now)


def _check(
    report: CompletionReport, completed_at: datetime, order: WorkOrder, now: datetime
) -> None:
    if not report.resident_signed:
        raise InvalidCompletion(
            "resident_signed must be true: the resident signs the service record on acceptance; "
            "if they are not satisfied, keep the work order open and rework"
        )
    if report.items and report.payment_method is None:
        raise InvalidCompletion(
            "payment_method is required when paid items were delivered", field="payment_method"
        )
    if not report.items and report.payment_method is not None:
        raise InvalidCompletion(
            "payment_method given but no paid items were delivered", field="payment_method"
        )
    codes = [item.item_code for item in report.items]
    if len(set(codes)) != len(codes):
        raise InvalidCompletion(
            "items lists an item_code twice; give one line per item", field="items"
        )
    if order.dispatched_at is not None and completed_at < order.dispatched_at:
        raise InvalidCompletion(
            "completed_at is before the work order was dispatched", field="completed_at"
        )
    if completed_at > now + COMPLETION_CLOCK_SKEW:
        raise InvalidCompletion("completed_at is in the future", field="completed_at")


def new_work_order(
    *,
    work_order_id: uuid.UUID,
    work_order_no: str,
    request_id: uuid.UUID,
    request_no: str,
    site_id: str,
    board: Board,
    trade: str,
    description: str,
    resident: Contact,
    appointment_at: datetime | None,
    accepted_at: datetime,
    now: datetime,
    emergency: str | None = None,
) -> WorkOrder:
    """A work order for an accepted request, not yet with anyone."""
    return WorkOrder(
        work_order_id=work_order_id,
        work_order_no=work_order_no,
        request_id=request_id,
        request_no=request_no,
        site_id=site_id,
        board=board,
        trade=trade,
        description=description,
        resident=resident,
        appointment_at=appointment_at,
        accepted_at=accepted_at,
        created_at=now,
        emergency=emergency,
    )


def dispatch_order(waiting: list[WorkOrder]) -> list[WorkOrder]:
    """The order waiting work goes out in: emergencies first, then the longest waiting."""
    return sorted(waiting, key=lambda order: (order.emergency is None, order.accepted_at))
