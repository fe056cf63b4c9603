"""Work orders, technicians, and the rules of dispatch and acceptance (派工, 验收)."""

from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from contracts.envelope import PaymentMethod, Resident
from contracts.intake.v1 import RequestKind
from hotline_libs.errors import Conflict, RuleViolation

DISPATCH_TARGET = timedelta(minutes=15)
"""A work order reaches the service staff within 15 minutes of acceptance."""

TRADE_FOR_KIND: dict[RequestKind, str] = {
    RequestKind.REPAIR: "maintenance",
    RequestKind.HOUSEKEEPING: "housekeeping",
}
"""Requests that send someone to the resident, and the trade that goes."""


class NoTechnicianAvailable(RuleViolation):
    """The site has nobody on duty for the trade a request needs."""


class InvalidCompletion(RuleViolation):
    """A completion report breaks an acceptance rule."""


class WorkOrderStatus(enum.StrEnum):
    DISPATCHED = "dispatched"
    COMPLETED = "completed"


@dataclass(frozen=True)
class Technician:
    """Service staff of one site (服务人员 / 维修人员)."""

    technician_id: str
    site_id: str
    name: str
    phone: str
    trades: frozenset[str]
    on_duty: bool = True


@dataclass(frozen=True)
class ItemUsed:
    item_code: str
    quantity: int


@dataclass(frozen=True)
class Completion:
    """What the technician reports when the resident has tried the result and signed."""

    completed_at: datetime
    items: tuple[ItemUsed, ...]
    payment_method: PaymentMethod | None
    resident_signed: bool


@dataclass
class WorkOrder:
    """A work order (派工单) for one accepted request."""

    work_order_id: uuid.UUID
    work_order_no: str
    request_id: uuid.UUID
    request_no: str
    site_id: str
    kind: RequestKind
    description: str
    resident: Resident
    technician: Technician
    appointment_at: datetime | None
    accepted_at: datetime
    dispatched_at: datetime
    status: WorkOrderStatus = WorkOrderStatus.DISPATCHED
    completion: Completion | None = field(default=None)

    @property
    def dispatch_due_at(self) -> datetime:
        return self.accepted_at + DISPATCH_TARGET

    @property
    def dispatched_on_time(self) -> bool:
        return self.dispatched_at <= self.dispatch_due_at

    def complete(self, completion: Completion, now: datetime) -> bool:
        """Record acceptance; False when this exact completion was already recorded."""
        if self.status is WorkOrderStatus.COMPLETED:
            if self.completion == completion:
                return False
            raise Conflict(f"work order {self.work_order_no} is already completed differently")
        if not completion.resident_signed:
            raise InvalidCompletion(
                "resident_signed must be true: the resident signs the service record on acceptance; "
                "if they are not satisfied, keep the work order open and rework"
            )
        if completion.items and completion.payment_method is None:
            raise InvalidCompletion("payment_method is required when paid items were delivered")
        if not completion.items and completion.payment_method is not None:
            raise InvalidCompletion("payment_method given but no paid items were delivered")
        codes = [item.item_code for item in completion.items]
        if len(set(codes)) != len(codes):
            raise InvalidCompletion("items lists an item_code twice; give one line per item")
        if completion.completed_at < self.dispatched_at:
            raise InvalidCompletion("completed_at is before the work order was dispatched")
        if completion.completed_at > now + timedelta(minutes=5):
            raise InvalidCompletion("completed_at is in the future")
        self.status = WorkOrderStatus.COMPLETED
        self.completion = completion
        return True


def trade_needed(kind: RequestKind) -> str | None:
    """The trade to send for a request of ``kind``, or None when no one needs to go."""
    return TRADE_FOR_KIND.get(kind)


def choose_technician(
    candidates: list[Technician], open_orders: dict[str, int], trade: str, site_id: str
) -> Technician:
    """The on-duty technician of the trade with the fewest open work orders (ties: by id)."""
    eligible = [t for t in candidates if t.on_duty and trade in t.trades and t.site_id == site_id]
    if not eligible:
        raise NoTechnicianAvailable(f"site {site_id!r} has no {trade} technician on duty")
    return min(eligible, key=lambda t: (open_orders.get(t.technician_id, 0), t.technician_id))
