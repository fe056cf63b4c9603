"""Callback events, major version 1."""

from __future__ import annotations

import enum
import uuid
from datetime import date
from typing import ClassVar

from pydantic import Field

from contracts import topics
from contracts.envelope import ContractModel, Event, PaymentMethod, Resident, UtcDateTime


class CallbackReason(enum.StrEnum):
    """What the callback follows up (回访类型)."""

    AFTER_REPAIR = "after_repair"
    AFTER_PAID_SERVICE = "after_paid_service"


class CallbackScheduledPayload(ContractModel):
    """A follow-up call to the resident is scheduled (回访)."""

    callback_id: uuid.UUID
    work_order_id: uuid.UUID
    request_id: uuid.UUID
    request_no: str
    resident: Resident
    reason: CallbackReason
    payment_method: PaymentMethod | None = None
    due_on: date = Field(description="Last working day the call may be made")
    scheduled_at: UtcDateTime


class CallbackScheduled(Event[CallbackScheduledPayload]):
    """Published by callback when a follow-up call is put on an agent's list."""

    EVENT_TYPE: ClassVar[str] = "CallbackScheduled"
    VERSION: ClassVar[int] = 1
    TOPIC: ClassVar[str] = topics.CALLBACKS

    def partition_key(self) -> str:
        return str(self.payload.callback_id)
