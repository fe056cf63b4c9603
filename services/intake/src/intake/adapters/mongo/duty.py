"""The front desk's duty logs, rosters and inspections in intake's own database."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta
from typing import Any

from hotline_libs.mongo import Document, listing_query
from hotline_libs.paging import Found, PageRequest
from hotline_libs.shifts import ShiftTemplate
from hotline_libs.unit_of_work import AggregateRepository, EventContext

from contracts import Event
from intake.adapters.outbound import duty_v1
from intake.domain.duty_log import (
    DutyLog,
    Entry,
    EntryKind,
    Handover,
    Signature,
    SignatureKind,
)
from intake.domain.inspection import CheckPoint, Fault, Inspection, InspectionKind
from intake.domain.roster import (
    Assignment,
    ChangeKind,
    ChangeStatus,
    Roster,
    RosterChange,
    RosterStatus,
)

DUTY_LOGS = "duty_logs"
ROSTERS = "rosters"
INSPECTIONS = "front_desk_inspections"


class MongoDutyLogs(AggregateRepository[DutyLog]):
    collection_name = DUTY_LOGS

    def identity(self, aggregate: DutyLog) -> str:
        return aggregate.log_id

    def to_document(self, aggregate: DutyLog) -> Document:
        h = aggregate.handover
        return {
            "site_id": aggregate.site_id,
            "day": aggregate.day.isoformat(),
            "shift": aggregate.shift.as_text(),
            "zone": aggregate.zone,
            "opened_by": aggregate.opened_by,
            "carried_over": list(aggregate.carried_over),
            "entries": [
                {"at": e.at, "by": e.by, "kind": e.kind.value, "text": e.text}
                for e in aggregate.entries
            ],
            "handover": None
            if h is None
            else {
                "outgoing": h.outgoing,
                "incoming": h.incoming,
                "open_items": list(h.open_items),
                # as documents: FerretDB stores no array inside an array
                "counted_items": [
                    {"name": name, "count": count} for name, count in h.counted_items
                ],
                "taken_over_at": h.taken_over_at,
                "late_seconds": h.late_by.total_seconds() if h.late_by else None,
                "outgoing_signed_at": h.outgoing_signed_at,
            },
            "signatures": [
                {"kind": s.kind.value, "by": s.by, "at": s.at} for s in aggregate.signatures
            ],
        }

    def from_document(self, document: Document) -> DutyLog:
        h = document.get("handover")
        return DutyLog(
            site_id=document["site_id"],
            day=date.fromisoformat(document["day"]),
            shift=ShiftTemplate.from_text(document["shift"]),
            zone=document["zone"],
            opened_by=document["opened_by"],
            carried_over=tuple(document.get("carried_over", [])),
            entries=tuple(
                Entry(e["at"], e["by"], EntryKind(e["kind"]), e["text"])
                for e in document.get("entries", [])
            ),
            handover=None
            if h is None
            else Handover(
                outgoing=h["outgoing"],
                incoming=h["incoming"],
                open_items=tuple(h["open_items"]),
                counted_items=tuple(_counted(item) for item in h["counted_items"]),
                taken_over_at=h["taken_over_at"],
                late_by=timedelta(seconds=h["late_seconds"]) if h.get("late_seconds") else None,
                outgoing_signed_at=h.get("outgoing_signed_at"),
            ),
            signatures=tuple(
                Signature(SignatureKind(s["kind"]), s["by"], s["at"])
                for s in document.get("signatures", [])
            ),
        )

    async def listing(
        self,
        *,
        sites: frozenset[str] | None,
        page: PageRequest,
        site_id: str | None = None,
        day_from: date | None = None,
        day_to: date | None = None,
    ) -> Found[DutyLog]:
        query = listing_query(sites, site_id=site_id)
        days: dict[str, str] = {}
        if day_from:
            days["$gte"] = day_from.isoformat()
        if day_to:
            days["$lte"] = day_to.isoformat()
        if days:
            query["day"] = days
        return await self.page(
            query, sort=[("day", -1), ("shift.starts", -1), ("_id", 1)], page=page
        )

    async def of_month(self, site_id: str, month: str) -> list[DutyLog]:
        return await self.find(
            {"site_id": site_id, "day": {"$gte": f"{month}-01", "$lte": f"{month}-31"}},
            sort=[("day", 1), ("_id", 1)],
        )

    async def before(self, site_id: str, start: datetime) -> DutyLog | None:
        """The latest log of the site opened for a shift that began before ``start``."""
        found = await self.find(
            {"site_id": site_id, "day": {"$lte": start.date().isoformat()}},
            sort=[("day", -1), ("shift.starts", -1)],
            limit=8,
        )
        earlier = [
            log
            for log in found
            if log.shift.start_on(log.day, start.tzinfo) < start  # type: ignore[arg-type]
        ]
        return earlier[0] if earlier else None


class MongoRosters(AggregateRepository[Roster]):
    collection_name = ROSTERS

    def identity(self, aggregate: Roster) -> str:
        return aggregate.roster_id

    def to_document(self, aggregate: Roster) -> Document:
        r = aggregate
        return {
            "site_id": r.site_id,
            "month": r.month,
            "zone": r.zone,
            "shifts": [t.as_text() for t in r.shifts],
            "drafted_by": r.drafted_by,
            "assignments": [
                {"day": a.day.isoformat(), "shift": a.shift, "staff": a.staff}
                for a in r.assignments
            ],
            "status": r.status.value,
            "submitted_at": r.submitted_at,
            "late_reported_at": r.late_reported_at,
            "changes": [
                {
                    "change_id": str(c.change_id),
                    "kind": c.kind.value,
                    "staff": c.staff,
                    "day": c.day.isoformat(),
                    "shift": c.shift,
                    "reason": c.reason,
                    "requested_at": c.requested_at,
                    "status": c.status.value,
                    "cover_by": c.cover_by,
                    "cover_hours": c.cover_hours,
                    "decided_by": c.decided_by,
                    "decided_at": c.decided_at,
                }
                for c in r.changes
            ],
        }

    def from_document(self, document: Document) -> Roster:
        return Roster(
            site_id=document["site_id"],
            month=document["month"],
            zone=document["zone"],
            shifts=tuple(ShiftTemplate.from_text(t) for t in document["shifts"]),
            drafted_by=document["drafted_by"],
            assignments=tuple(
                Assignment(date.fromisoformat(a["day"]), a["shift"], a["staff"])
                for a in document.get("assignments", [])
            ),
            status=RosterStatus(document["status"]),
            submitted_at=document.get("submitted_at"),
            late_reported_at=document.get("late_reported_at"),
            changes=tuple(
                RosterChange(
                    change_id=uuid.UUID(c["change_id"]),
                    kind=ChangeKind(c["kind"]),
                    staff=c["staff"],
                    day=date.fromisoformat(c["day"]),
                    shift=c["shift"],
                    reason=c["reason"],
                    requested_at=c["requested_at"],
                    status=ChangeStatus(c["status"]),
                    cover_by=c.get("cover_by"),
                    cover_hours=c.get("cover_hours"),
                    decided_by=c.get("decided_by"),
                    decided_at=c.get("decided_at"),
                )
                for c in document.get("changes", [])
            ),
        )

    def to_integration(
        self, aggregate: Roster, event: Any, context: EventContext
    ) -> Event[Any] | None:
        return duty_v1.roster_event(aggregate, event, context)


class MongoInspections(AggregateRepository[Inspection]):
    collection_name = INSPECTIONS

    def identity(self, aggregate: Inspection) -> str:
        return str(aggregate.inspection_id)

    def to_document(self, aggregate: Inspection) -> Document:
        i = aggregate
        return {
            "site_id": i.site_id,
            "kind": i.kind.value,
            "by": i.by,
            "at": i.at,
            "checked": sorted(p.value for p in i.checked),
            "faults": [
                {"point": f.point.value, "note": f.note, "staff": f.staff} for f in i.faults
            ],
            "improvement": i.improvement,
        }

    def from_document(self, document: Document) -> Inspection:
        return Inspection(
            inspection_id=uuid.UUID(document["_id"]),
            site_id=document["site_id"],
            kind=InspectionKind(document["kind"]),
            by=document["by"],
            at=document["at"],
            checked=frozenset(CheckPoint(p) for p in document["checked"]),
            faults=tuple(
                Fault(CheckPoint(f["point"]), f["note"], f["staff"]) for f in document["faults"]
            ),
            improvement=document.get("improvement", ""),
        )

    async def between(
        self, sites: frozenset[str] | None, site_id: str | None, start: datetime, end: datetime
    ) -> list[Inspection]:
        query = listing_query(sites, site_id=site_id, at={"$gte": start, "$lt": end})
        return await self.find(query, sort=[("at", 1), ("_id", 1)])


def _counted(item: Any) -> tuple[str, int]:
    """A counted item: a document, or the pair an earlier version kept on MongoDB."""
    if isinstance(item, dict):
        return item["name"], item["count"]
    name, count = item
    return name, count
