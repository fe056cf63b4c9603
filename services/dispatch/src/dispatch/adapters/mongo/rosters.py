"""Technicians' monthly rosters in dispatch's own database (one document per site and month)."""

from __future__ import annotations

import uuid
from datetime import date

from hotline_libs.mongo import Document
from hotline_libs.shifts import ShiftTemplate
from hotline_libs.unit_of_work import AggregateRepository

from dispatch.domain.roster import (
    Absence,
    AbsenceKind,
    RosterEntry,
    RosterStatus,
    TechnicianRoster,
    roster_id,
)

ROSTERS = "technician_rosters"


class MongoRosters(AggregateRepository[TechnicianRoster]):
    collection_name = ROSTERS

    def identity(self, aggregate: TechnicianRoster) -> str:
        return aggregate.roster_id

    def to_document(self, aggregate: TechnicianRoster) -> Document:
        r = aggregate
        return {
            "site_id": r.site_id,
            "month": r.month,
            "zone": r.zone,
            "shifts": [t.as_text() for t in r.shifts],
            "drafted_by": r.drafted_by,
            "entries": [
                {"day": e.day.isoformat(), "shift": e.shift, "technician_id": e.technician_id}
                for e in r.entries
            ],
            "status": r.status.value,
            "published_at": r.published_at,
            "published_by": r.published_by,
            "late_noticed_at": r.late_noticed_at,
            "absences": [
                {
                    "absence_id": str(a.absence_id),
                    "kind": a.kind.value,
                    "technician_id": a.technician_id,
                    "day": a.day.isoformat(),
                    "shift": a.shift,
                    "cover_by": a.cover_by,
                    "reason": a.reason,
                    "recorded_by": a.recorded_by,
                    "recorded_at": a.recorded_at,
                }
                for a in r.absences
            ],
        }

    def from_document(self, document: Document) -> TechnicianRoster:
        return TechnicianRoster(
            site_id=document["site_id"],
            month=document["month"],
            zone=document["zone"],
            shifts=tuple(ShiftTemplate.from_text(t) for t in document["shifts"]),
            drafted_by=document["drafted_by"],
            entries=tuple(
                RosterEntry(date.fromisoformat(e["day"]), e["shift"], e["technician_id"])
                for e in document.get("entries", [])
            ),
            status=RosterStatus(document["status"]),
            published_at=document.get("published_at"),
            published_by=document.get("published_by"),
            late_noticed_at=document.get("late_noticed_at"),
            absences=tuple(
                Absence(
                    absence_id=uuid.UUID(a["absence_id"]),
                    kind=AbsenceKind(a["kind"]),
                    technician_id=a["technician_id"],
                    day=date.fromisoformat(a["day"]),
                    shift=a["shift"],
                    cover_by=a.get("cover_by"),
                    reason=a["reason"],
                    recorded_by=a["recorded_by"],
                    recorded_at=a["recorded_at"],
                )
                for a in document.get("absences", [])
            ),
        )

    async def of_month(self, site_id: str, month: str) -> TechnicianRoster | None:
        return await self.get(roster_id(site_id, month))

    async def published(self, site_id: str, month: str) -> TechnicianRoster | None:
        """The site's roster of ``month`` once published (assignment follows only those)."""
        roster = await self.of_month(site_id, month)
        return roster if roster is not None and roster.status is RosterStatus.PUBLISHED else None
