"""Incidents in intake's own database, with the calls noted on them."""

from __future__ import annotations

import uuid
from dataclasses import asdict
from typing import Any

from hotline_libs.mongo import Document, listing_query
from hotline_libs.paging import Found, PageRequest
from hotline_libs.unit_of_work import AggregateRepository, EventContext

from contracts import Event
from intake.adapters.outbound import incidents_v1
from intake.domain.incident import Incident, IncidentCall, IncidentKind, SpecialMatterReport

INCIDENTS = "incidents"


class MongoIncidents(AggregateRepository[Incident]):
    collection_name = INCIDENTS
    markers = frozenset({"open_since"})

    def identity(self, aggregate: Incident) -> str:
        return str(aggregate.incident_id)

    def to_document(self, aggregate: Incident) -> Document:
        i = aggregate
        return {
            "site_id": i.site_id,
            "kind": i.kind.value,
            "title": i.title,
            "script": i.script,
            "buildings": list(i.buildings),
            "major": i.major,
            "declared_by": i.declared_by,
            "declared_at": i.declared_at,
            "expected_end_at": i.expected_end_at,
            "calls": [asdict(call) for call in i.calls],
            "report": asdict(i.report) if i.report else None,
            "closed_at": i.closed_at,
            "closing_note": i.closing_note,
            "closed_by": i.closed_by,
            "status": i.status.value,
            "open_since": i.declared_at if i.closed_at is None else None,
        }

    def from_document(self, document: Document) -> Incident:
        report = document.get("report")
        return Incident(
            incident_id=uuid.UUID(document["_id"]),
            site_id=document["site_id"],
            kind=IncidentKind(document["kind"]),
            title=document["title"],
            script=document["script"],
            buildings=tuple(document["buildings"]),
            major=document["major"],
            declared_by=document["declared_by"],
            declared_at=document["declared_at"],
            expected_end_at=document.get("expected_end_at"),
            calls=tuple(IncidentCall(**call) for call in document.get("calls", [])),
            report=SpecialMatterReport(**report) if report else None,
            closed_at=document.get("closed_at"),
            closing_note=document.get("closing_note"),
            closed_by=document.get("closed_by"),
        )

    def to_integration(
        self, aggregate: Incident, event: Any, context: EventContext
    ) -> Event[Any] | None:
        return incidents_v1.to_integration(aggregate, event, context)

    async def listing(
        self,
        *,
        sites: frozenset[str] | None,
        page: PageRequest,
        site_id: str | None = None,
        open_only: bool | None = None,
    ) -> Found[Incident]:
        """The incident board: the latest declared first."""
        query = listing_query(sites, site_id=site_id)
        if open_only is not None:
            query["open_since"] = {"$exists": open_only}
        return await self.page(query, sort=[("declared_at", -1), ("_id", -1)], page=page)
