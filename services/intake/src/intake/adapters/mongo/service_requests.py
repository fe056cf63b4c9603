"""Service requests in intake's own database."""

from __future__ import annotations

import uuid
from dataclasses import asdict
from datetime import datetime, timedelta
from typing import Any

from hotline_libs.mongo import Document, listing_query, within
from hotline_libs.paging import ANY_TIME, Found, PageRequest, TimeWindow
from hotline_libs.unit_of_work import AggregateRepository, EventContext

from contracts import Event
from intake.adapters.mongo.complaint_register import register_document, register_from
from intake.adapters.outbound import events_v1
from intake.domain.boards import RequestKind
from intake.domain.reception import (
    Attachment,
    CallDirection,
    CallRecord,
    Emergency,
    ReceivingDesk,
)
from intake.domain.replies import (
    PolicyReview,
    Reply,
    ReplyKind,
    ReplyPromise,
    ReplyTier,
    StandardAnswerGiven,
)
from intake.domain.service_request import (
    Channel,
    RequestedItem,
    RequestStatus,
    ResidentContact,
    ServiceRequest,
)

REQUESTS = "service_requests"
RECENT_COMPLAINTS = timedelta(days=31)
"""How far back a day's complaint record looks for complaints acted on that day (older open
ones are found by being open)."""


class MongoServiceRequests(AggregateRepository[ServiceRequest]):
    collection_name = REQUESTS
    markers = frozenset(
        {"awaiting_answer_since", "reply_due_at", "open_complaint_since", "emergency"}
    )

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
            "replies": [_reply(reply) for reply in r.replies],
            "promises": [asdict(promise) for promise in r.promises],
            "first_answer_due_at": r.first_answer_due_at,
            "first_answer_overdue_at": r.first_answer_overdue_at,
            # what the supervisor's queue of owed answers looks for (kept only while owed)
            "awaiting_answer_since": r.registered_at if r.first_answer_due_at else None,
            "reply_due_at": r.open_promise.due_at if r.open_promise else None,
            "registered_by": r.registered_by,
            # whom a job handover looks for (DUTY-25): who owes the resident something here
            "owed_by": list(r.owing),
            "triage_note": r.triage_note,
            "complaint": register_document(r.complaint),
            "open_complaint_since": r.registered_at
            if r.complaint is not None and r.complaint.is_open
            else None,
            "appointment_until": r.appointment_until,
            "call": _call(r.call),
            "attachments": [asdict(a) for a in r.attachments],
            "receiving_desk": r.receiving_desk.value,
            "emergency": r.emergency.value if r.emergency else None,
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
            replies=tuple(_reply_from(reply) for reply in document.get("replies", [])),
            promises=tuple(
                ReplyPromise(**{**promise, "tier": ReplyTier(promise["tier"])})
                for promise in document.get("promises", [])
            ),
            first_answer_due_at=document.get("first_answer_due_at"),
            first_answer_overdue_at=document.get("first_answer_overdue_at"),
            registered_by=document.get("registered_by", ""),
            complaint=register_from(document.get("complaint")),
            status=RequestStatus(document.get("status", "accepted")),
            triage_note=document.get("triage_note"),
            appointment_until=document.get("appointment_until"),
            call=_call_from(document.get("call")),
            attachments=tuple(Attachment(**a) for a in document.get("attachments", [])),
            receiving_desk=ReceivingDesk(document.get("receiving_desk", "call_centre")),
            emergency=Emergency(document["emergency"]) if document.get("emergency") else None,
        )

    async def registered_between(
        self, site_id: str, start: datetime, end: datetime
    ) -> list[ServiceRequest]:
        """A site's requests registered in [start, end): a month's report."""
        query = {"site_id": site_id, "registered_at": {"$gte": start, "$lt": end}}
        return await self.find(query, sort=[("registered_at", 1), ("_id", 1)])

    async def owed_by(self, site_id: str, login: str) -> list[ServiceRequest]:
        """A site's requests on which ``login`` owes the resident something (DUTY-25)."""
        return await self.find(
            {"site_id": site_id, "owed_by": login}, sort=[("registered_at", 1), ("_id", 1)]
        )

    async def of_phone(
        self, phone: str, sites: frozenset[str] | None, limit: int
    ) -> list[ServiceRequest]:
        """The latest requests made from ``phone`` (E.164), the latest first."""
        query = listing_query(sites, **{"resident.phone": phone})
        return await self.find(query, sort=[("registered_at", -1), ("_id", -1)], limit=limit)

    async def complaints(
        self,
        *,
        sites: frozenset[str] | None,
        page: PageRequest,
        site_id: str | None = None,
        open_only: bool | None = None,
        registered: TimeWindow = ANY_TIME,
    ) -> Found[ServiceRequest]:
        """The complaints: open ones (the complaint clocks) or all, the oldest first."""
        query = listing_query(
            sites,
            site_id=site_id,
            kind=RequestKind.COMPLAINT.value,
            registered_at=within(registered),
        )
        if open_only is not None:
            query["open_complaint_since"] = {"$exists": open_only}
        return await self.page(query, sort=[("registered_at", 1), ("_id", 1)], page=page)

    async def complaints_for_day(
        self, site_id: str, start: datetime, end: datetime
    ) -> list[ServiceRequest]:
        """The complaints a site's day [start, end) may concern: registered before its end, and
        received within the month before, still open, or resolved that day or later."""
        query = {
            "site_id": site_id,
            "kind": RequestKind.COMPLAINT.value,
            "registered_at": {"$lt": end},
            "$or": [
                {"registered_at": {"$gte": start - RECENT_COMPLAINTS}},
                {"open_complaint_since": {"$exists": True}},
                {"complaint.resolution.at": {"$gte": start}},
            ],
        }
        return await self.find(query, sort=[("registered_at", 1), ("_id", 1)])

    async def owing_answers(
        self, *, sites: frozenset[str] | None, page: PageRequest, site_id: str | None = None
    ) -> Found[ServiceRequest]:
        """Requests a resident awaits an answer on (a first answer, or a promised reply), the
        one due soonest first: the supervisor's queue."""
        query = listing_query(sites, site_id=site_id)
        query["$or"] = [
            {"awaiting_answer_since": {"$exists": True}},
            {"reply_due_at": {"$exists": True}},
        ]
        found = await self.page(query, sort=[("registered_at", 1), ("_id", 1)], page=page)
        return found

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
        emergency: bool | None = None,
    ) -> Found[ServiceRequest]:
        """For the agents' list: the latest call first."""
        query = listing_query(
            sites,
            site_id=site_id,
            status=status.value if status else None,
            kind=kind.value if kind else None,
            registered_at=within(registered),
            emergency=None if emergency is None else {"$exists": emergency},
        )
        return await self.page(query, sort=[("registered_at", -1), ("_id", -1)], page=page)


def _reply(reply: Reply) -> Document:
    given = reply.standard_answer
    return {
        "kind": reply.kind.value,
        "text": reply.text,
        "by": reply.by,
        "at": reply.at,
        "standard_answer": None
        if given is None
        else {
            "answer_id": str(given.answer_id),
            "document_no": given.document_no,
            "revision": given.revision,
        },
        "review": None
        if reply.review is None
        else {
            "contradicts_policy": reply.review.contradicts_policy,
            "note": reply.review.note,
            "by": reply.review.by,
            "at": reply.review.at,
        },
    }


def _reply_from(document: Document) -> Reply:
    given, review = document.get("standard_answer"), document.get("review")
    return Reply(
        kind=ReplyKind(document["kind"]),
        text=document["text"],
        by=document["by"],
        at=document["at"],
        standard_answer=None
        if given is None
        else StandardAnswerGiven(
            answer_id=uuid.UUID(given["answer_id"]),
            document_no=given["document_no"],
            revision=given["revision"],
        ),
        review=None if review is None else PolicyReview(**review),
    )


def _call(call: CallRecord | None) -> Document | None:
    return None if call is None else {**asdict(call), "direction": call.direction.value}


def _call_from(document: Document | None) -> CallRecord | None:
    if document is None:
        return None
    return CallRecord(**{**document, "direction": CallDirection(document["direction"])})
