"""Callback events, major version 2.

Version 1 of ``CallbackScheduled`` and ``CallbackOverdue`` follows a completed work order
(``work_order_id`` required), so a complaint's callback (every valid complaint is called back,
CB-10) could not be announced. Version 2 follows a case: a work order, or a complaint resolved
without one (``work_order_id`` absent, ``request_id`` names the complaint), or a rectification's
loop (``rectification_id``). A consumer that needs the work order reads it where it is given.

While consumers move over, callback publishes both versions of a work order's callback (v1's
consumers go on unchanged) and only v2 of a complaint's. Each version has its own event id, so a
consumer reads one of them, not both. The payloads' class names end in V2 (the events' titles
too) so that each version keeps its own name in a service's AsyncAPI document. ``CallbackMade`` and the rectification events stay at v1:
theirs already allows a case without a work order.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import ClassVar

from pydantic import ConfigDict, Field

from contracts import topics
from contracts.callback.v1 import CallbackReason
from contracts.envelope import ContractModel, Event, PaymentMethod, Resident, UtcDateTime


class CallbackScheduledPayloadV2(ContractModel):
    """A follow-up call to the resident is scheduled (回访), after a work order or a complaint."""

    callback_id: uuid.UUID = Field(description="The callback service's id of the call to make")
    work_order_id: uuid.UUID | None = Field(
        default=None, description="The completed work order it follows up; none for a complaint"
    )
    request_id: uuid.UUID = Field(description="The request (or complaint) it all started from")
    request_no: str = Field(description="The request's serial", examples=["SR-DMG-20261123-0001"])
    resident: Resident = Field(description="Whom to call")
    reason: CallbackReason = Field(description="What the call follows up")
    payment_method: PaymentMethod | None = Field(
        default=None, description="How the resident paid, for a paid service"
    )
    rectification_id: uuid.UUID | None = Field(
        default=None, description="The rectification whose loop the call follows, if any"
    )
    due_on: date = Field(
        description="Last working day the call may be made (the site's calendar)",
        examples=["2026-11-25"],
    )
    scheduled_at: UtcDateTime = Field(description="When the call was put on the list")


class CallbackOverduePayloadV2(ContractModel):
    """The due day of a follow-up call ended and the call has not been made."""

    callback_id: uuid.UUID = Field(description="The callback service's id of the call to make")
    work_order_id: uuid.UUID | None = Field(
        default=None, description="The completed work order it follows up; none for a complaint"
    )
    request_id: uuid.UUID = Field(description="The request (or complaint) it all started from")
    request_no: str = Field(description="The request's serial", examples=["SR-DMG-20261123-0001"])
    reason: CallbackReason = Field(description="What the call follows up")
    rectification_id: uuid.UUID | None = Field(
        default=None, description="The rectification whose loop the call follows, if any"
    )
    due_on: date = Field(description="The last working day it was due", examples=["2026-11-25"])
    due_at: UtcDateTime = Field(description="The end of due_on in the site's time zone")
    noticed_at: UtcDateTime = Field(description="When the callback service noticed")
    overdue_by_s: int = Field(ge=0, description="How late, in seconds, when noticed")


class CallbackScheduled(Event[CallbackScheduledPayloadV2]):
    """Published by callback when a follow-up call is put on an agent's list."""

    model_config = ConfigDict(title="CallbackScheduledV2")

    EVENT_TYPE: ClassVar[str] = "CallbackScheduled"
    VERSION: ClassVar[int] = 2
    TOPIC: ClassVar[str] = topics.CALLBACKS

    def partition_key(self) -> str:
        return str(self.payload.callback_id)


class CallbackOverdue(Event[CallbackOverduePayloadV2]):
    """Published by callback when a follow-up call is still not made after its due day."""

    model_config = ConfigDict(title="CallbackOverdueV2")

    EVENT_TYPE: ClassVar[str] = "CallbackOverdue"
    VERSION: ClassVar[int] = 2
    TOPIC: ClassVar[str] = topics.CALLBACKS

    def partition_key(self) -> str:
        return str(self.payload.callback_id)
