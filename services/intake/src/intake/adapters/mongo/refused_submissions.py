"""Site submissions intake refused, kept for duty staff."""

from __future__ import annotations

import uuid

from hotline_libs.mongo import Document, listing_query, within
from hotline_libs.paging import ANY_TIME, Found, PageRequest, TimeWindow
from hotline_libs.unit_of_work import AggregateRepository

from intake.domain.refused_submission import RefusedSubmission

REFUSED_SUBMISSIONS = "refused_site_submissions"


class MongoRefusedSubmissions(AggregateRepository[RefusedSubmission]):
    collection_name = REFUSED_SUBMISSIONS

    def identity(self, aggregate: RefusedSubmission) -> str:
        return str(aggregate.submission_id)

    def to_document(self, aggregate: RefusedSubmission) -> Document:
        r = aggregate
        return {
            "site_id": r.site_id,
            "source_ref": r.source_ref,
            "reason": r.reason,
            "refusal": r.refusal,
            "received_at": r.received_at,
            "resident_name": r.resident_name,
            "resident_phone": r.resident_phone,
            "description": r.description,
        }

    def from_document(self, document: Document) -> RefusedSubmission:
        return RefusedSubmission(
            submission_id=uuid.UUID(document["_id"]),
            site_id=document["site_id"],
            source_ref=document["source_ref"],
            reason=document["reason"],
            refusal=document["refusal"],
            received_at=document["received_at"],
            resident_name=document["resident_name"],
            resident_phone=document["resident_phone"],
            description=document["description"],
        )

    async def listing(
        self,
        *,
        sites: frozenset[str] | None,
        page: PageRequest,
        site_id: str | None = None,
        refusal: str | None = None,
        received: TimeWindow = ANY_TIME,
    ) -> Found[RefusedSubmission]:
        """For duty staff: the latest first."""
        query = listing_query(sites, site_id=site_id, refusal=refusal, received_at=within(received))
        return await self.page(query, sort=[("received_at", -1), ("_id", -1)], page=page)
