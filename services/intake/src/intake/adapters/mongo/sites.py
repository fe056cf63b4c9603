"""The sites intake serves, in its own database."""

from __future__ import annotations

from datetime import time
from typing import Any

from hotline_libs.mongo import Document
from hotline_libs.shifts import DEFAULT_SHIFTS, ShiftTemplate
from hotline_libs.unit_of_work import AggregateRepository, EventContext

from contracts import Event
from intake.adapters.mongo.complaint_register import thresholds_document, thresholds_from
from intake.adapters.outbound import directory_v1
from intake.domain.boards import RequestKind
from intake.domain.site import Site

SITES = "sites"


class MongoSites(AggregateRepository[Site]):
    collection_name = SITES

    def identity(self, aggregate: Site) -> str:
        return aggregate.site_id

    def to_document(self, aggregate: Site) -> Document:
        return {
            "code": aggregate.code,
            "name": aggregate.name,
            "services": sorted(kind.value for kind in aggregate.services),
            # where StoredCalendars.for_site looks the site's calendar up
            "country": aggregate.country,
            "time_zone": aggregate.time_zone,
            "escalation": thresholds_document(aggregate.escalation),
            "shifts": [
                {"code": t.code, "starts": t.starts.isoformat(), "ends": t.ends.isoformat()}
                for t in aggregate.shifts
            ],
        }

    def from_document(self, document: Document) -> Site:
        return Site(
            site_id=document["_id"],
            code=document["code"],
            name=document["name"],
            services=frozenset(RequestKind(kind) for kind in document["services"]),
            country=document.get("country", "CN"),
            time_zone=document.get("time_zone", "Asia/Shanghai"),
            escalation=thresholds_from(document.get("escalation")),
            shifts=tuple(
                ShiftTemplate(
                    t["code"], time.fromisoformat(t["starts"]), time.fromisoformat(t["ends"])
                )
                for t in document.get("shifts", [])
            )
            or DEFAULT_SHIFTS,
        )

    def to_integration(
        self, aggregate: Site, event: Any, context: EventContext
    ) -> Event[Any] | None:
        return directory_v1.site_recorded(aggregate, event, context)

    async def all(self) -> list[Site]:
        return await self.find({}, sort=[("_id", 1)])
