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
