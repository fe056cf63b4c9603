"""Site-system events, major version 1.

A property site's own system (the site service centre's desk software, an owner app) feeds
the requests it takes to the hotline here instead of over the agents' HTTP API. The site
system is the producer; intake registers each submission as a service request with channel
``site_system``. The envelope's ``site_id`` is the site the request belongs to.
"""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from contracts import topics
from contracts.envelope import PERSONAL, ContractModel, Event, Resident, UtcDateTime
from contracts.intake.v1 import RequestedItem, RequestKind


class SiteRequestSubmittedPayload(ContractModel):
    """A request a site's own system took from a resident, handed to the hotline to register."""

    source_ref: str = Field(
        min_length=1,
        max_length=100,
        description=(
            "The site system's own id for the request. The feed's idempotency key: a submission "
            "sent again with the same source_ref registers no second request, and one with the "
            "same source_ref but different content is refused (dead-lettered)"
        ),
        examples=["DMG-DESK-2026-000123"],
    )
    kind: RequestKind = Field(description="Board of the request", examples=["repair"])
    category: str = Field(
        description="Item of the board; must be one of the board's items", examples=["own_unit"]
    )
    description: str = Field(
        description="What the resident asked for, verbatim; 1 to 4000 characters",
        examples=["厨房水龙头漏水"],
        json_schema_extra=PERSONAL,
    )
    resident: Resident = Field(
        description=(
            "Who asked, and where they live. Unlike in published events, resident.phone need "
            "not be E.164 here: a local number (13800138000) or one with spaces or dashes is "
            "accepted, and intake normalises it to E.164 (+8613800138000); a number that is "
            "not a valid phone number is refused. name 1-100 characters, building and room "
            "1-20 each"
        )
    )
    requested_items: list[RequestedItem] = Field(
        default_factory=list,
        description="Priced items from the site's price list the resident asked for; at most 50",
    )
    appointment_at: UtcDateTime | None = Field(
        default=None, description="Visit time agreed with the resident, if any"
    )
    registered_at: UtcDateTime = Field(
        description="When the site system took the request (登记时间); not in the future"
    )


class SiteRequestSubmitted(Event[SiteRequestSubmittedPayload]):
    """Published by a site's own system when it hands a resident's request to the hotline."""

    EVENT_TYPE: ClassVar[str] = "SiteRequestSubmitted"
    VERSION: ClassVar[int] = 1
    TOPIC: ClassVar[str] = topics.SITE_REQUESTS

    def partition_key(self) -> str:
        return self.payload.source_ref


__all__ = ["SiteRequestSubmitted", "SiteRequestSubmittedPayload"]
