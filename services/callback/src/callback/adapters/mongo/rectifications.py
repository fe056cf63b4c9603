"""Rectifications in the callback service's own database."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from hotline_libs.mongo import Document, listing_query
from hotline_libs.paging import Found, PageRequest
from hotline_libs.unit_of_work import AggregateRepository, EventContext

from callback.adapters.outbound import rectifications_v1
from callback.domain.callback import CallbackReason, Contact
from callback.domain.kpis import Rectified
from callback.domain.rectification import Loop, Rectification, RectificationStatus
from contracts import Event

RECTIFICATIONS = "rectifications"


class MongoRectifications(AggregateRepository[Rectification]):
    collection_name = RECTIFICATIONS

    def identity(self, aggregate: Rectification) -> str:
        return str(aggregate.rectification_id)

    def to_document(self, aggregate: Rectification) -> Document:
        r = aggregate.resident
        return {
            "site_id": aggregate.site_id,
            "request_id": str(aggregate.request_id),
            "request_no": aggregate.request_no,
            "work_order_id": str(aggregate.work_order_id) if aggregate.work_order_id else None,
            "resident": {
                "name": r.name,
                "phone": r.phone,
                "email": r.email,
                "building": r.building,
                "room": r.room,
            },
            "case_reason": aggregate.case_reason.value,
            "limit": aggregate.limit,
            "status": aggregate.status.value,
            "loops": [
                {
                    "number": loop.number,
                    "found_by": str(loop.found_by),
                    "opinion": loop.opinion,
                    "opened_at": loop.opened_at,
                    "followed_by": str(loop.followed_by) if loop.followed_by else None,
                    "satisfied": loop.satisfied,
                }
                for loop in aggregate.loops
            ],
            "opened_at": aggregate.loops[0].opened_at if aggregate.loops else None,
            "closed_at": aggregate.closed_at,
            "escalated_at": aggregate.escalated_at,
        }

    def from_document(self, document: Document) -> Rectification:
        return Rectification(
            rectification_id=uuid.UUID(document["_id"]),
            site_id=document["site_id"],
            request_id=uuid.UUID(document["request_id"]),
            request_no=document["request_no"],
            work_order_id=uuid.UUID(document["work_order_id"])
            if document.get("work_order_id")
            else None,
            resident=Contact(**document["resident"]),
            case_reason=CallbackReason(document["case_reason"]),
            limit=document["limit"],
            status=RectificationStatus(document["status"]),
            loops=[
                Loop(
                    number=loop["number"],
                    found_by=uuid.UUID(loop["found_by"]),
                    opinion=loop["opinion"],
                    opened_at=loop["opened_at"],
                    followed_by=uuid.UUID(loop["followed_by"]) if loop.get("followed_by") else None,
                    satisfied=loop.get("satisfied"),
                )
                for loop in document["loops"]
            ],
            closed_at=document.get("closed_at"),
            escalated_at=document.get("escalated_at"),
        )

    def to_integration(
        self, aggregate: Rectification, event: Any, context: EventContext
    ) -> Event[Any] | None:
        return rectifications_v1.to_integration(aggregate, event, context)

    async def of_month(self, site_id: str, start: datetime, end: datetime) -> Rectified:
        """The site's rectifications opened, closed and escalated between ``start`` and ``end``
        (the month's bounds in the site's time), and those still open at ``end``."""
        rectified = {"opened": 0, "closed": 0, "escalated": 0, "still_open": 0}
        fields = {"opened_at": 1, "closed_at": 1, "escalated_at": 1}
        async for d in self._collection.find(
            {"site_id": site_id, "opened_at": {"$lt": end}}, fields
        ):
            closed, escalated = d.get("closed_at"), d.get("escalated_at")
            rectified["opened"] += d["opened_at"] >= start
            rectified["closed"] += closed is not None and start <= closed < end
            rectified["escalated"] += escalated is not None and start <= escalated < end
            ended = [t for t in (closed, escalated) if t is not None and t < end]
            rectified["still_open"] += not ended
        return Rectified(**rectified)

    async def listing(
        self,
        *,
        sites: frozenset[str] | None,
        page: PageRequest,
        site_id: str | None = None,
        status: RectificationStatus | None = None,
        request_id: uuid.UUID | None = None,
    ) -> Found[Rectification]:
        """The rectification list: the latest opened first."""
        query = listing_query(
            sites,
            site_id=site_id,
            status=status.value if status else None,
            request_id=str(request_id) if request_id else None,
        )
        return await self.page(query, sort=[("opened_at", -1), ("_id", 1)], page=page)
