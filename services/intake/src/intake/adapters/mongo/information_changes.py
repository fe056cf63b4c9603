"""Changed information reported to the call centre, in intake's own database."""

from __future__ import annotations

import uuid

from hotline_libs.mongo import Document, listing_query
from hotline_libs.paging import Found, PageRequest
from hotline_libs.unit_of_work import AggregateRepository

from intake.domain.information_change import InformationChange, InformationKind

INFORMATION_CHANGES = "information_changes"


class MongoInformationChanges(AggregateRepository[InformationChange]):
    collection_name = INFORMATION_CHANGES

    def identity(self, aggregate: InformationChange) -> str:
        return str(aggregate.change_id)

    def to_document(self, aggregate: InformationChange) -> Document:
        c = aggregate
        return {
            "site_id": c.site_id,
            "department": c.department,
            "kind": c.kind.value,
            "what_changed": c.what_changed,
            "changed_at": c.changed_at,
            "reported_by": c.reported_by,
            "reported_at": c.reported_at,
            "due_at": c.due_at,
            "late": c.late,
            "affected_answers": [str(a) for a in c.affected_answers],
        }

    def from_document(self, document: Document) -> InformationChange:
        return InformationChange(
            change_id=uuid.UUID(document["_id"]),
            site_id=document["site_id"],
            department=document["department"],
            kind=InformationKind(document["kind"]),
            what_changed=document["what_changed"],
            changed_at=document["changed_at"],
            reported_by=document["reported_by"],
            reported_at=document["reported_at"],
            due_at=document["due_at"],
            affected_answers=tuple(uuid.UUID(a) for a in document["affected_answers"]),
        )

    async def listing(
        self,
        *,
        sites: frozenset[str] | None,
        page: PageRequest,
        site_id: str | None = None,
        late: bool | None = None,
    ) -> Found[InformationChange]:
        query = listing_query(sites, site_id=site_id, late=late)
        return await self.page(query, sort=[("reported_at", -1), ("_id", -1)], page=page)
