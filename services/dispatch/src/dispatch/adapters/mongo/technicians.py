"""Technicians in dispatch's own database."""

from __future__ import annotations

from hotline_libs.mongo import Document, listing_query
from hotline_libs.paging import Found, PageRequest
from hotline_libs.unit_of_work import AggregateRepository

from dispatch.domain.technician import Technician

TECHNICIANS = "technicians"


class MongoTechnicians(AggregateRepository[Technician]):
    collection_name = TECHNICIANS

    def identity(self, aggregate: Technician) -> str:
        return aggregate.technician_id

    def to_document(self, aggregate: Technician) -> Document:
        return {
            "site_id": aggregate.site_id,
            "name": aggregate.name,
            "phone": aggregate.phone,
            "trades": sorted(aggregate.trades),
            "on_duty": aggregate.on_duty,
            "skills": sorted(aggregate.skills),
        }

    def from_document(self, document: Document) -> Technician:
        return Technician(
            technician_id=document["_id"],
            site_id=document["site_id"],
            name=document["name"],
            phone=document["phone"],
            trades=frozenset(document["trades"]),
            on_duty=document.get("on_duty", True),
            skills=frozenset(document.get("skills", [])),
        )

    async def at_site(self, site_id: str) -> list[Technician]:
        return await self.find({"site_id": site_id}, sort=[("_id", 1)])

    async def listing(
        self,
        *,
        sites: frozenset[str] | None,
        page: PageRequest,
        site_id: str | None = None,
        on_duty: bool | None = None,
    ) -> Found[Technician]:
        """For supervisors: by id."""
        query = listing_query(sites, site_id=site_id, on_duty=on_duty)
        return await self.page(query, sort=[("_id", 1)], page=page)
