"""Callback events, major version 1."""

from __future__ import annotations

import uuid
from datetime import date
from typing import ClassVar

from pydantic import Field

from contracts import topics
from contracts.envelope import (
    ContractModel,
    Event,
    OpenEnum,
    PaymentMethod,
    Resident,
    UtcDateTime,
)


class CallbackReason(OpenEnum):
    """What the callback follows up (回访类型)."""

    AFTER_REPAIR = "after_repair"
    AFTER_PAID_SERVICE = "after_paid_service"
    OTHER = "other"


class CallbackScheduledPayload(ContractModel):
    """A follow-up call to the resident is scheduled (回访)."""

    callback_id: uuid.UUID = Field(description="The callback service's id of the call to make")
    work_order_id: uuid.UUID = Field(description="The completed work order it follows up")
    request_id: uuid.UUID = Field(description="The request it all started from")
    request_no: str = Field(description="The request's serial", examples=["SR-DMG-20261123-0001"])
    resident: Resident = Field(description="Whom to call")
    reason: CallbackReason = Field(description="What the call follows up")
    payment_method: PaymentMethod | None = Field(
        default=None, description="How the resident paid, for a paid service"
    )
    due_on: date = Field(
        description="Last working day the call may be made (the site's calendar)",
        examples=["2026-11-25"],
    )
    scheduled_at: UtcDateTime = Field(description="When the call was put on the list")


class CallbackOverduePayload(ContractModel):
    """The due day of a follow-up call ended and the call has not been made."""

    callback_id: uuid.UUID = Field(description="The callback service's id of the call to make")
    work_order_id: uuid.UUID = Field(description="The completed work order it follows up")
    request_id: uuid.UUID = Field(description="The request it all started from")
    request_no: str = Field(description="The request's serial", examples=["SR-DMG-20261123-0001"])
    reason: CallbackReason = Field(description="What the call follows up")
    due_on: date = Field(description="The last working day it was due", examples=["2026-11-25"])
    due_at: UtcDateTime = Field(description="The end of due_on in the site's time zone")
    noticed_at: UtcDateTime = Field(description="When the callback service noticed")
    overdue_by_s: int = Field(ge=0, description="How late, in seconds, when noticed")


class CallbackScheduled(Event[CallbackScheduledPayload]):
    """Published by callback when a follow-up call is put on an agent's list."""

    EVENT_TYPE: ClassVar[str] = "CallbackScheduled"
    VERSION: ClassVar[int] = 1
    TOPIC: ClassVar[str] = topics.CALLBACKS

    def partition_key(self) -> str:
        return str(self.payload.callback_id)


class CallbackOverdue(Event[CallbackOverduePayload]):
    """Published by callback when a follow-up call is still not made after its due day."""

    EVENT_TYPE: ClassVar[str] = "CallbackOverdue"
    VERSION: ClassVar[int] = 1
    TOPIC: ClassVar[str] = topics.CALLBACKS

    def partition_key(self) -> str:
        return str(self.payload.callback_id)
