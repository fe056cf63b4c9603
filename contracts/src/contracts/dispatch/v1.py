"""Dispatch events, major version 1."""

from __future__ import annotations

import uuid
from typing import Any, ClassVar

from pydantic import Field

from contracts import topics
from contracts.envelope import (
    PERSONAL,
    ContractModel,
    Event,
    Money,
    OpenEnum,
    PaymentMethod,
    Resident,
    UtcDateTime,
)


def _work_order_no() -> Any:
    return Field(
        description="The serial staff quote: WO, site code, the site's business day, a sequence",
        examples=["WO-DMG-20261123-0001"],
    )


def _request_no() -> Any:
    return Field(description="The request's serial", examples=["SR-DMG-20261123-0001"])


class Technician(ContractModel):
    """The service staff member a work order is assigned to (维修人员)."""

    technician_id: str = Field(description="Dispatch's id of the technician", examples=["dmg-t01"])
    name: str = Field(
        description="Name the resident is told", examples=["李强"], json_schema_extra=PERSONAL
    )
    phone: str = Field(
        description="Number the resident may call, E.164",
        examples=["+8613900000101"],
        json_schema_extra=PERSONAL,
    )


class WorkOrderDispatchedPayload(ContractModel):
    """A work order reached a technician (派工)."""

    work_order_id: uuid.UUID = Field(description="Dispatch's id of the work order")
    work_order_no: str = _work_order_no()
    request_id: uuid.UUID = Field(description="The accepted request it serves")
    request_no: str = _request_no()
    resident: Resident = Field(description="Whom to visit, and where")
    technician: Technician = Field(description="Who has the work order")
    description: str = Field(description="What the resident asked for", examples=["厨房水龙头漏水"])
    appointment_at: UtcDateTime | None = Field(
        default=None, description="Visit time agreed with the resident, if any"
    )
    accepted_at: UtcDateTime = Field(description="When intake accepted the request")
    dispatched_at: UtcDateTime = Field(description="When the technician got the work order")
    dispatch_due_at: UtcDateTime = Field(description="accepted_at + 15 minutes (DSP-02)")
    dispatched_on_time: bool = Field(description="Dispatched within 15 minutes of acceptance")


class WorkOrderAwaitingTechnicianPayload(ContractModel):
    """Nobody at the site is on duty for the trade: the work order waits, visibly, and is assigned
    as soon as someone comes on duty. An alert for the site's supervisor."""

    work_order_id: uuid.UUID = Field(description="Dispatch's id of the work order")
    work_order_no: str = _work_order_no()
    request_id: uuid.UUID = Field(description="The accepted request it serves")
    request_no: str = _request_no()
    trade: str = Field(description="The trade needed", examples=["maintenance"])
    description: str = Field(description="What the resident asked for", examples=["厨房水龙头漏水"])
    reason: str = Field(
        description="Why it waits", examples=["site 'dmg' has no maintenance technician on duty"]
    )
    accepted_at: UtcDateTime = Field(description="When intake accepted the request")
    dispatch_due_at: UtcDateTime = Field(description="accepted_at + 15 minutes (DSP-02)")
    waiting_since: UtcDateTime = Field(description="When dispatch found nobody to send")


class WorkOrderDispatchOverduePayload(ContractModel):
    """The 15 minutes to get a work order to a technician ran out and nobody has it (DSP-02)."""

    work_order_id: uuid.UUID = Field(description="Dispatch's id of the work order")
    work_order_no: str = _work_order_no()
    request_id: uuid.UUID = Field(description="The accepted request it serves")
    request_no: str = _request_no()
    trade: str = Field(description="The trade needed: who must be found", examples=["maintenance"])
    technician: Technician | None = Field(
        default=None, description="Who has the work order, if anyone (none while it waits)"
    )
    accepted_at: UtcDateTime = Field(description="When intake accepted the request")
    dispatch_due_at: UtcDateTime = Field(description="accepted_at + 15 minutes (DSP-02)")
    noticed_at: UtcDateTime = Field(description="When dispatch noticed the deadline had passed")
    overdue_by_s: int = Field(
        ge=0, description="How late, in seconds, when noticed (noticed_at - dispatch_due_at)"
    )


class FieldClock(OpenEnum):
    """A clock of the work in the field."""

    ACCEPTANCE = "acceptance"
    """The technician did not take the order (接单) in time (DSP-03)."""
    ARRIVAL = "arrival"
    """Nobody arrived by the appointment (DSP-04)."""
    COMPLETION = "completion"
    """The work was not finished in the time its urgency allows."""


class WorkOrderClockMissedPayload(ContractModel):
    """A field clock of a work order ran out; the supervisor is to be told. An order not taken in
    time has gone to someone else on duty, if anyone was."""

    work_order_id: uuid.UUID = Field(description="Dispatch's id of the work order")
    work_order_no: str = _work_order_no()
    request_id: uuid.UUID = Field(description="The accepted request it serves")
    request_no: str = _request_no()
    clock: FieldClock = Field(description="Which clock ran out", examples=["acceptance"])
    trade: str = Field(description="The trade of the work", examples=["maintenance"])
    technician: Technician | None = Field(
        default=None, description="Who had the order when the clock ran out"
    )
    reassigned_to: Technician | None = Field(
        default=None, description="Who has it now, when it was not taken in time and moved"
    )
    emergency: bool = Field(default=False, description="Emergency work (sent out first)")
    due_at: UtcDateTime = Field(description="When the clock ran out")
    noticed_at: UtcDateTime = Field(description="When dispatch noticed")
    overdue_by_s: int = Field(ge=0, description="noticed_at - due_at, in seconds")


class ServiceItemUsed(ContractModel):
    """A price-list item the technician delivered and the resident confirmed."""

    item_code: str = Field(description="Code on the site's price list", examples=["RP-TAP"])
    quantity: int = Field(ge=1, le=1000, description="How many units", examples=[1])
    agreed_unit_price: Money | None = Field(
        default=None,
        description=(
            "Unit price agreed with the resident before work (DSP-05), if the technician "
            "recorded one; billing never charges a price other than the one agreed"
        ),
    )


class WorkOrderCompletedPayload(ContractModel):
    """The customer tried the work and signed, satisfied (验收): the work order is complete, to be
    charged (for paid items) and called back."""

    work_order_id: uuid.UUID = Field(description="Dispatch's id of the work order")
    work_order_no: str = _work_order_no()
    request_id: uuid.UUID = Field(description="The accepted request it served")
    request_no: str = _request_no()
    resident: Resident = Field(description="Who accepted the work, and where")
    technician_id: str = Field(description="Who did the work", examples=["dmg-t01"])
    completed_at: UtcDateTime = Field(description="When the resident accepted the work")
    items: list[ServiceItemUsed] = Field(
        default_factory=list, description="Paid items delivered; empty for a free routine service"
    )
    payment_method: PaymentMethod | None = Field(
        default=None, description="How the resident pays; set when items is not empty"
    )
    resident_signed: bool = Field(description="The resident signed the service record")
    service_record_no: str | None = Field(
        default=None,
        description="The service and callback record (服务及回访记录表) opened when the fee was "
        "agreed before work (DSP-05); its serial travels with the charge and the callback. None "
        "for work with no fee agreed",
        examples=["SV-DMG-20261123-0001"],
    )
    signed_by: str | None = Field(
        default=None,
        description="Who signed for the customer (顾客签名)",
        examples=["王芳"],
        json_schema_extra=PERSONAL,
    )
    reworks: int = Field(
        default=0, ge=0, description="Times the work was redone before the customer was satisfied"
    )
    rectification_id: uuid.UUID | None = Field(
        default=None,
        description="The rectification (整改) this order was opened for, after a callback found "
        "the resident unsatisfied: called back again until satisfied",
    )


class WorkOrderDispatched(Event[WorkOrderDispatchedPayload]):
    """Published by dispatch when a work order is assigned to a technician."""

    EVENT_TYPE: ClassVar[str] = "WorkOrderDispatched"
    VERSION: ClassVar[int] = 1
    TOPIC: ClassVar[str] = topics.WORK_ORDERS

    def partition_key(self) -> str:
        return str(self.payload.work_order_id)


class WorkOrderAwaitingTechnician(Event[WorkOrderAwaitingTechnicianPayload]):
    """Published by dispatch when a work order finds nobody on duty to take it."""

    EVENT_TYPE: ClassVar[str] = "WorkOrderAwaitingTechnician"
    VERSION: ClassVar[int] = 1
    TOPIC: ClassVar[str] = topics.WORK_ORDERS

    def partition_key(self) -> str:
        return str(self.payload.work_order_id)


class WorkOrderDispatchOverdue(Event[WorkOrderDispatchOverduePayload]):
    """Published by dispatch when a work order has not reached a technician within 15 minutes."""

    EVENT_TYPE: ClassVar[str] = "WorkOrderDispatchOverdue"
    VERSION: ClassVar[int] = 1
    TOPIC: ClassVar[str] = topics.WORK_ORDERS

    def partition_key(self) -> str:
        return str(self.payload.work_order_id)


class WorkOrderCompleted(Event[WorkOrderCompletedPayload]):
    """Published by dispatch when the resident accepted the finished work."""

    EVENT_TYPE: ClassVar[str] = "WorkOrderCompleted"
    VERSION: ClassVar[int] = 1
    TOPIC: ClassVar[str] = topics.WORK_ORDERS

    def partition_key(self) -> str:
        return str(self.payload.work_order_id)


class WorkOrderClockMissed(Event[WorkOrderClockMissedPayload]):
    """Published by dispatch when a field clock of a work order runs out (not taken, nobody at
    the appointment, not finished in time): each clock once, across restarts and replicas."""

    EVENT_TYPE: ClassVar[str] = "WorkOrderClockMissed"
    VERSION: ClassVar[int] = 1
    TOPIC: ClassVar[str] = topics.WORK_ORDERS

    def partition_key(self) -> str:
        return str(self.payload.work_order_id)


class WorkOrderStep(OpenEnum):
    """A step of the work order (派工单) taken in the field or at the service centre."""

    ACCEPT = "accept"
    """Taken by the technician (接单, DSP-03)."""
    SET_OUT = "set_out"
    ARRIVE = "arrive"
    QUOTE = "quote"
    """The fee agreed with the customer from the price list (DSP-05)."""
    START = "start"
    COMPLETE = "complete"
    SIGN_OFF = "sign_off"
    REWORK = "rework"
    ESCALATE = "escalate"
    VERIFY = "verify"
    RESCHEDULE = "reschedule"
    CANCEL = "cancel"
    VOID = "void"
    CLOSE_OUT = "close_out"


class WorkOrderProgressedPayload(ContractModel):
    """A work order moved on by one step of its table (its history line, as dispatch keeps
    it): for the request's timeline, so agents answer "where is my repair?" from one place."""

    work_order_id: uuid.UUID = Field(description="Dispatch's id of the work order")
    work_order_no: str = _work_order_no()
    request_id: uuid.UUID = Field(description="The accepted request it serves")
    request_no: str = _request_no()
    change_no: int = Field(ge=1, description="The line of the order's history, from 1")
    step: WorkOrderStep = Field(description="What was done", examples=["arrive"])
    from_status: str = Field(description="The order's state before", examples=["on_the_way"])
    to_status: str = Field(description="The order's state after", examples=["arrived"])
    at: UtcDateTime = Field(description="When")
    actor_role: str = Field(
        description="The role of who did it (system: dispatch itself)", examples=["technician"]
    )
    actor_name: str = Field(description="Who did it", examples=["李强"], json_schema_extra=PERSONAL)
    reason: str = Field(description="Why, as recorded", examples=["到达现场"])


class WorkOrderProgressed(Event[WorkOrderProgressedPayload]):
    """Published by dispatch for each step of a work order other than its assignment (which
    ``WorkOrderDispatched`` tells)."""

    EVENT_TYPE: ClassVar[str] = "WorkOrderProgressed"
    VERSION: ClassVar[int] = 1
    TOPIC: ClassVar[str] = topics.WORK_ORDER_STEPS

    def partition_key(self) -> str:
        return str(self.payload.work_order_id)


class WorkFigures(ContractModel):
    """The figures of one group of a month's work orders (the site, a trade, a technician);
    shares are 0..1, none when there was nothing to share out."""

    orders: int = Field(ge=0, description="Work orders made in the month")
    dispatched: int = Field(ge=0, description="Of those, given to a technician")
    dispatch_p50_s: float | None = Field(description="Median seconds from acceptance to dispatch")
    dispatch_p95_s: float | None = Field(description="95th percentile of the same")
    dispatched_within_15_min: float | None = Field(
        description="Share dispatched within 15 minutes of acceptance (DSP-02)"
    )
    taken: int = Field(ge=0, description="Taken by their technician (接单)")
    taking_p50_s: float | None = Field(description="Median seconds from dispatch to taking")
    taking_p95_s: float | None = Field(description="95th percentile of the same")
    arrivals_with_appointment: int = Field(ge=0, description="Arrivals with a time agreed")
    on_time_arrival: float | None = Field(description="Share of those on time (DSP-04)")
    done: int = Field(ge=0, description="Signed off by the customer")
    first_time_fix: float | None = Field(description="Share of those needing no rework")
    reworked: int = Field(ge=0, description="Reworked at least once (ACC-02)")
    rework_rate: float | None = Field(description="Share of finished work reworked")
    escalations: int = Field(ge=0, description="Escalated after rework (ACC-03)")
    voids: int = Field(ge=0, description="Voided before completion (DSP-06)")
    damage_cases: int = Field(ge=0, description="Damage to customers' property (ACC-04)")
    missed_clocks: int = Field(ge=0, description="Field clocks run out")


class TechnicianMonth(ContractModel):
    """One technician's month."""

    technician_id: str = Field(description="Dispatch's id of the technician", examples=["dmg-t01"])
    name: str = Field(
        description="The technician's name", examples=["李强"], json_schema_extra=PERSONAL
    )
    figures: WorkFigures = Field(description="The orders they had last")


class WorkOrderMonthReportedPayload(ContractModel):
    """A site's month of work orders in figures, once the month is over: for the departments
    and the company's leaders (DSP-12)."""

    month: str = Field(pattern=r"^\d{4}-\d{2}$", description="YYYY-MM", examples=["2026-11"])
    site: WorkFigures = Field(description="The whole site")
    by_trade: dict[str, WorkFigures] = Field(description="Per trade (maintenance, housekeeping)")
    by_technician: list[TechnicianMonth] = Field(
        description="Per technician, by id; an order counts for whoever had it last"
    )
    reported_at: UtcDateTime = Field(description="When the month was closed and reported")


class WorkOrderMonthReported(Event[WorkOrderMonthReportedPayload]):
    """Published by dispatch once per site and month, after the month ends."""

    EVENT_TYPE: ClassVar[str] = "WorkOrderMonthReported"
    VERSION: ClassVar[int] = 1
    TOPIC: ClassVar[str] = topics.DISPATCH_REPORTS

    def partition_key(self) -> str:
        return f"{self.site_id}:{self.payload.month}"
