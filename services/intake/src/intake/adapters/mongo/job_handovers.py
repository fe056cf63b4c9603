"""Job handovers of staff who resign or are transferred (DUTY-25)."""

from __future__ import annotations

import uuid

from hotline_libs.mongo import Document
from hotline_libs.unit_of_work import AggregateRepository

from intake.domain.job_handover import (
    Duties,
    JobHandover,
    LeavingReason,
    OpenWork,
    OpenWorkKind,
)

JOB_HANDOVERS = "job_handovers"


class MongoJobHandovers(AggregateRepository[JobHandover]):
    collection_name = JOB_HANDOVERS

    def identity(self, aggregate: JobHandover) -> str:
        return str(aggregate.handover_id)

    def to_document(self, aggregate: JobHandover) -> Document:
        h = aggregate
        return {
            "site_id": h.site_id,
            "staff_id": h.staff_id,
            "successor_id": h.successor_id,
            "reason": h.reason.value,
            "to_site": h.to_site,
            "open_items": list(h.open_items),
            "open_work": [
                {"request_id": str(w.request_id), "request_no": w.request_no, "kind": w.kind.value}
                for w in h.open_work
            ],
            "buildings": list(h.duties.buildings),
            "information_liaison": h.duties.information_liaison,
            "handed_by": h.handed_by,
            "handed_at": h.handed_at,
            "accepted_by": h.accepted_by,
            "accepted_at": h.accepted_at,
            "moved": [str(m) for m in h.moved],
            "completed_at": h.completed_at,
            # one handover at a time per member of staff: the pending one is looked up by this
            "pending_for": h.staff_id if h.pending else None,
        }

    def from_document(self, document: Document) -> JobHandover:
        return JobHandover(
            handover_id=uuid.UUID(document["_id"]),
            site_id=document["site_id"],
            staff_id=document["staff_id"],
            successor_id=document["successor_id"],
            reason=LeavingReason(document["reason"]),
            to_site=document.get("to_site"),
            open_items=tuple(document["open_items"]),
            open_work=tuple(
                OpenWork(uuid.UUID(w["request_id"]), w["request_no"], OpenWorkKind(w["kind"]))
                for w in document["open_work"]
            ),
            duties=Duties(tuple(document["buildings"]), document["information_liaison"]),
            handed_by=document["handed_by"],
            handed_at=document["handed_at"],
            accepted_by=document.get("accepted_by"),
            accepted_at=document.get("accepted_at"),
            moved=tuple(uuid.UUID(m) for m in document.get("moved", [])),
            completed_at=document.get("completed_at"),
        )

    async def pending_for(self, staff_id: str) -> JobHandover | None:
        found = await self.find({"pending_for": staff_id}, limit=1)
        return found[0] if found else None

    async def of_site(self, site_id: str) -> list[JobHandover]:
        """A site's handovers, the latest first."""
        return await self.find({"site_id": site_id}, sort=[("handed_at", -1), ("_id", 1)])
