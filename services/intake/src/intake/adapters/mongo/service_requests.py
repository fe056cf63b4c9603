"""Service requests in intake's own database."""

from __future__ import annotations

import uuid
from dataclasses import asdict
from typing import Any

from hotline_libs.mongo import Document, listing_query, within
from hotline_libs.paging import ANY_TIME, Found, PageRequest, TimeWindow
from hotline_libs.unit_of_work import AggregateRepository, EventContext

from contracts import Event
from intake.adapters.outbound import events_v1
from intake.domain.boards import RequestKind
from intake.domain.service_request import (
    Channel,
    RequestedItem,
    RequestStatus,
    ResidentContact,
    ServiceRequest,
)

REQUESTS = "service_requests"


class MongoServiceRequests(AggregateRepository[ServiceRequest]):
    collection_name = REQUESTS

    def identity(self, aggregate: ServiceRequest) -> str:
        return str(aggregate.request_id)

    def to_document(self, aggregate: ServiceRequest) -> Document:
        r = aggregate
        return {
            "request_no": r.request_no,
            "site_id": r.site_id,
            "kind": r.kind.value,
            "category": r.category,
            "description": r.description,
            "resident": asdict(r.resident),
            "channel": r.channel.value,
            "requested_items": [asdict(item) for item in r.requested_items],
            "appointment_at": r.appointment_at,
            "registered_at": r.registered_at,
            "accepted_at": r.accepted_at,
            "status": r.status.value,
            "fingerprint": r.fingerprint,
        }

    def from_document(self, document: Document) -> ServiceRequest:
        return ServiceRequest(
            request_id=uuid.UUID(document["_id"]),
            request_no=document["request_no"],
            site_id=document["site_id"],
            kind=RequestKind(document["kind"]),
            category=document["category"],
            description=document["description"],
            resident=ResidentContact(**document["resident"]),
            channel=Channel(document["channel"]),
            requested_items=tuple(RequestedItem(**item) for item in document["requested_items"]),
            appointment_at=document.get("appointment_at"),
            registered_at=document["registered_at"],
            accepted_at=document["accepted_at"],
            fingerprint=document.get("fingerprint", ""),
        )

    def to_integration(
        self, aggregate: ServiceRequest, event: Any, context: EventContext
    ) -> Event[Any] | None:
        return events_v1.to_integration(aggregate, event, context)

    async def listing(
        self,
        *,
        sites: frozenset[str] | None,
        page: PageRequest,
        site_id: str | None = None,
        status: RequestStatus | None = None,
        kind: RequestKind | None = None,
        registered: TimeWindow = ANY_TIME,
    ) -> Found[ServiceRequest]:
        """For the agents' list: the latest call first."""
        query = listing_query(
            sites,
            site_id=site_id,
            status=status.value if status else None,
            kind=kind.value if kind else None,
            registered_at=within(registered),
        )
        return await self.page(query, sort=[("registered_at", -1), ("_id", -1)], page=page)
