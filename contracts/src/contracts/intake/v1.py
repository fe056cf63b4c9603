"""Intake events, major version 1."""

from __future__ import annotations

import enum
import uuid
from typing import ClassVar

from pydantic import Field

from contracts import topics
from contracts.envelope import ContractModel, Event, Resident, UtcDateTime


class RequestKind(enum.StrEnum):
    """The seven boards of the hotline manual."""

    CONSULTATION = "consultation"
    REPAIR = "repair"
    COMPLAINT = "complaint"
    CALLBACK = "callback"
    VALUE_ADDED = "value_added"
    HOUSEKEEPING = "housekeeping"
    INFORMATION = "information"


class Channel(enum.StrEnum):
    """How the request reached the hotline."""

    HOTLINE = "hotline"
    LETTER = "letter"
    WALK_IN = "walk_in"
    SITE_SYSTEM = "site_system"


class RequestedItem(ContractModel):
    """A priced item from the site's price list the resident asked for (特约服务项目)."""

    item_code: str = Field(description="Code on the site's price list", examples=["HK-GLASS"])
    quantity: int = Field(ge=1, le=1000, description="How many units", examples=[1])


class ServiceRequestAcceptedPayload(ContractModel):
    """A registered request passed triage and is to be served (登记 → 判别: 受理)."""

    request_id: uuid.UUID
    request_no: str = Field(description="Human-readable serial", examples=["SR-HY-20261123-1A2B3C"])
    kind: RequestKind
    category: str = Field(description="Item of the board", examples=["own_unit"])
    description: str = Field(description="What the caller said, verbatim")
    resident: Resident
    channel: Channel
    requested_items: list[RequestedItem] = Field(default_factory=list)
    appointment_at: UtcDateTime | None = Field(default=None, description="Agreed visit time")
    registered_at: UtcDateTime = Field(description="Time of the call (登记时间)")
    accepted_at: UtcDateTime = Field(
        description="Time the request was accepted; the 15-minute dispatch clock starts here"
    )


class ServiceRequestAccepted(Event[ServiceRequestAcceptedPayload]):
    """Published by intake when a resident's request is registered and accepted."""

    EVENT_TYPE: ClassVar[str] = "ServiceRequestAccepted"
    VERSION: ClassVar[int] = 1
    TOPIC: ClassVar[str] = topics.SERVICE_REQUESTS

    def partition_key(self) -> str:
        return str(self.payload.request_id)


__all__ = [
    "Channel",
    "RequestKind",
    "RequestedItem",
    "ServiceRequestAccepted",
    "ServiceRequestAcceptedPayload",
]
