"""Callback events, major version 1."""

from __future__ import annotations

import uuid
from datetime import date
from typing import ClassVar

from pydantic import Field

from contracts import topics
from contracts.envelope import (
    PERSONAL,
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
    AFTER_COMPLAINT = "after_complaint"
    AFTER_RECTIFICATION = "after_rectification"
    OTHER = "other"


class CallbackMethod(OpenEnum):
    """How the resident was asked (CB-04)."""

    PHONE = "phone"
    VISIT = "visit"
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


class CallbackMadePayload(ContractModel):
    """The callback agent reached the resident and recorded what they said (服务及回访记录表's
    callback columns; a repair or complaint register's callback section)."""

    callback_id: uuid.UUID = Field(description="The callback service's id of the call")
    work_order_id: uuid.UUID | None = Field(
        default=None, description="The completed work order followed up; none for a complaint"
    )
    request_id: uuid.UUID = Field(description="The request it all started from")
    request_no: str = Field(description="The request's serial", examples=["SR-DMG-20261123-0001"])
    service_record_no: str | None = Field(
        default=None,
        description="The service and callback record the callback is written on",
        examples=["SV-DMG-20261123-0001"],
    )
    reason: CallbackReason = Field(description="What the call followed up")
    satisfied: bool = Field(description="The resident is satisfied")
    opinion: str = Field(
        description="The resident's words, verbatim (意见或建议)",
        examples=["师傅很准时，水龙头不漏了"],
        json_schema_extra=PERSONAL,
    )
    method: CallbackMethod = Field(description="By phone or on a home visit")
    signature_ref: str | None = Field(
        default=None,
        description="On a home visit: the record the resident signed (签名确认)",
        examples=["SV-DMG-20261123-0001 回访栏"],
    )
    agent: str = Field(description="Who called (回访人)", examples=["dmg-cs01"])
    made_at: UtcDateTime = Field(description="When the outcome was recorded")
    rectification_id: uuid.UUID | None = Field(
        default=None, description="The rectification this call followed, if any"
    )


class CallbackMade(Event[CallbackMadePayload]):
    """Published by callback when a call's outcome is recorded."""

    EVENT_TYPE: ClassVar[str] = "CallbackMade"
    VERSION: ClassVar[int] = 1
    TOPIC: ClassVar[str] = topics.CALLBACKS

    def partition_key(self) -> str:
        return str(self.payload.request_id)


class AboutRectification(ContractModel):
    """The case a rectification (整改) is about."""

    rectification_id: uuid.UUID = Field(description="The callback service's id of the case's")
    request_id: uuid.UUID = Field(description="The request it all started from")
    request_no: str = Field(description="The request's serial", examples=["SR-DMG-20261123-0001"])
    work_order_id: uuid.UUID | None = Field(
        default=None,
        description="The completed work order found wanting; none for a complaint",
    )
    resident: Resident = Field(description="Whom it is for")
    loop: int = Field(ge=1, description="Which rectification of the case, from 1")
    limit: int = Field(ge=1, description="Rectifications before the case is escalated")


class RectificationOpenedPayload(AboutRectification):
    """A callback found the resident unsatisfied: the work goes back to be put right."""

    callback_id: uuid.UUID = Field(description="The callback that found it wanting")
    opinion: str = Field(
        description="What the resident is unhappy with, in their words",
        examples=["门还是关不严"],
        json_schema_extra=PERSONAL,
    )
    opened_at: UtcDateTime = Field(description="When")


class RectificationOpened(Event[RectificationOpenedPayload]):
    """Published by callback for each rectification of a case (one per loop)."""

    EVENT_TYPE: ClassVar[str] = "RectificationOpened"
    VERSION: ClassVar[int] = 1
    TOPIC: ClassVar[str] = topics.CALLBACKS

    def partition_key(self) -> str:
        return str(self.payload.request_id)


class RectificationClosedPayload(AboutRectification):
    """A later callback found the resident satisfied: the case is put right."""

    callback_id: uuid.UUID = Field(description="The callback that found the resident satisfied")
    closed_at: UtcDateTime = Field(description="When")


class RectificationClosed(Event[RectificationClosedPayload]):
    """Published by callback when a rectified case is found satisfactory."""

    EVENT_TYPE: ClassVar[str] = "RectificationClosed"
    VERSION: ClassVar[int] = 1
    TOPIC: ClassVar[str] = topics.CALLBACKS

    def partition_key(self) -> str:
        return str(self.payload.request_id)


class RectificationEscalatedPayload(AboutRectification):
    """Still unsatisfied after the site's limit of rectifications: the site's management acts."""

    callback_id: uuid.UUID = Field(description="The last callback that found it wanting")
    opinion: str = Field(
        description="What the resident is still unhappy with",
        examples=["第三次了，还是漏水"],
        json_schema_extra=PERSONAL,
    )
    escalated_at: UtcDateTime = Field(description="When")


class RectificationEscalated(Event[RectificationEscalatedPayload]):
    """Published by callback when a case is still unsatisfied after its last rectification."""

    EVENT_TYPE: ClassVar[str] = "RectificationEscalated"
    VERSION: ClassVar[int] = 1
    TOPIC: ClassVar[str] = topics.CALLBACKS

    def partition_key(self) -> str:
        return str(self.payload.request_id)
