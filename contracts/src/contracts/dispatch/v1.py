"""Dispatch events, major version 1."""

from __future__ import annotations

import uuid
from typing import ClassVar

from pydantic import Field

from contracts import topics
from contracts.envelope import ContractModel, Event, PaymentMethod, Resident, UtcDateTime


class Technician(ContractModel):
    """The service staff member a work order is assigned to (维修人员)."""

    technician_id: str
    name: str
    phone: str


class WorkOrderDispatchedPayload(ContractModel):
    """A work order reached a technician (派工)."""

    work_order_id: uuid.UUID
    work_order_no: str = Field(examples=["WO-HY-20261123-1A2B3C"])
    request_id: uuid.UUID
    request_no: str
    resident: Resident
    technician: Technician
    description: str
    appointment_at: UtcDateTime | None = None
    accepted_at: UtcDateTime = Field(description="When intake accepted the request")
    dispatched_at: UtcDateTime
    dispatch_due_at: UtcDateTime = Field(description="accepted_at + 15 minutes")
    dispatched_on_time: bool = Field(description="Dispatched within 15 minutes of acceptance")


class ServiceItemUsed(ContractModel):
    """A price-list item the technician delivered and the resident confirmed."""

    item_code: str = Field(examples=["RP-TAP"])
    quantity: int = Field(ge=1, le=1000)


class WorkOrderCompletedPayload(ContractModel):
    """The resident accepted the work (验收) and the work order is complete."""

    work_order_id: uuid.UUID
    work_order_no: str
    request_id: uuid.UUID
    request_no: str
    resident: Resident
    technician_id: str
    completed_at: UtcDateTime
    items: list[ServiceItemUsed] = Field(
        default_factory=list, description="Paid items delivered; empty for a free routine service"
    )
    payment_method: PaymentMethod | None = Field(
        default=None, description="Set when items is not empty"
    )
    resident_signed: bool = Field(description="The resident signed the service record")


class WorkOrderDispatched(Event[WorkOrderDispatchedPayload]):
    """Published by dispatch when a work order is assigned to a technician."""

    EVENT_TYPE: ClassVar[str] = "WorkOrderDispatched"
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
