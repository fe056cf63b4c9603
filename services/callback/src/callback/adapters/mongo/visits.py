"""Visits, stewards' days, surveys and the copy of intake's units, in the callback service's
own database."""

from __future__ import annotations

import uuid
from datetime import date

from hotline_libs.mongo import Document, keep_newer
from hotline_libs.unit_of_work import AggregateRepository
from pymongo.asynchronous.database import AsyncDatabase

from callback.domain.survey import Return, Survey, SurveyStatus
from callback.domain.visits import Patrol, ResidentVisit, StewardDay

UNITS = "units"
VISITS = "resident_visits"
STEWARD_DAYS = "steward_days"
SURVEYS = "surveys"


class MongoUnits:
    """The site's units as intake last recorded them, whether anyone lives there."""

    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self._units = db[UNITS]

    async def keep(self, unit_id: str, site_id: str, occupied: bool, recorded_at: object) -> bool:
        return await keep_newer(
            self._units,
            unit_id,
            "recorded_at",
            {"site_id": site_id, "occupied": occupied, "recorded_at": recorded_at},
        )

    async def occupied(self, site_id: str) -> list[str]:
        found = self._units.find({"site_id": site_id, "occupied": True}, {"_id": 1})
        return [d["_id"] async for d in found]


class MongoVisits(AggregateRepository[ResidentVisit]):
    collection_name = VISITS

    def identity(self, aggregate: ResidentVisit) -> str:
        return str(aggregate.visit_id)

    def to_document(self, aggregate: ResidentVisit) -> Document:
        v = aggregate
        return {
            "site_id": v.site_id,
            "building": v.building,
            "room": v.room,
            "visited_on": v.visited_on.isoformat(),
            "month": v.visited_on.strftime("%Y-%m"),
            "opinion": v.opinion,
            "steward": v.steward,
            "recorded_at": v.recorded_at,
        }

    def from_document(self, document: Document) -> ResidentVisit:
        d = document
        return ResidentVisit(
            visit_id=uuid.UUID(d["_id"]),
            site_id=d["site_id"],
            building=d["building"],
            room=d["room"],
            visited_on=date.fromisoformat(d["visited_on"]),
            opinion=d["opinion"],
            steward=d["steward"],
            recorded_at=d["recorded_at"],
        )

    async def of_month(self, site_id: str, month: str) -> list[ResidentVisit]:
        return await self.find(
            {"site_id": site_id, "month": month}, sort=[("visited_on", 1), ("_id", 1)]
        )


class MongoStewardDays(AggregateRepository[StewardDay]):
    collection_name = STEWARD_DAYS

    def identity(self, aggregate: StewardDay) -> str:
        return f"{aggregate.site_id}:{aggregate.steward}:{aggregate.day.isoformat()}"

    def to_document(self, aggregate: StewardDay) -> Document:
        return {
            "site_id": aggregate.site_id,
            "steward": aggregate.steward,
            "day": aggregate.day.isoformat(),
            "month": aggregate.day.strftime("%Y-%m"),
            "patrols": [{"at": p.at, "notes": p.notes} for p in aggregate.patrols],
            "diary": aggregate.diary,
        }

    def from_document(self, document: Document) -> StewardDay:
        return StewardDay(
            site_id=document["site_id"],
            steward=document["steward"],
            day=date.fromisoformat(document["day"]),
            patrols=[Patrol(p["at"], p.get("notes")) for p in document["patrols"]],
            diary=document.get("diary"),
        )

    async def of_month(self, site_id: str, month: str) -> list[StewardDay]:
        return await self.find({"site_id": site_id, "month": month}, sort=[("day", 1)])

    async def of_day(self, site_id: str, day: date) -> list[StewardDay]:
        """Every steward's record of the site's ``day``, by name."""
        return await self.find({"site_id": site_id, "day": day.isoformat()}, sort=[("steward", 1)])


class MongoSurveys(AggregateRepository[Survey]):
    collection_name = SURVEYS

    def identity(self, aggregate: Survey) -> str:
        return f"{aggregate.site_id}:{aggregate.period}"

    def to_document(self, aggregate: Survey) -> Document:
        s = aggregate
        return {
            "site_id": s.site_id,
            "period": s.period,
            "sent_on": s.sent_on.isoformat(),
            "questions": s.questions,
            "units": s.units,
            "collect_on": s.collect_on.isoformat(),
            "collect_on_assumed": s.collect_on_assumed,
            "time_zone": s.time_zone,
            "opened_by": s.opened_by,
            "status": s.status.value,
            "returns": [
                {
                    "unit_id": r.unit_id,
                    "satisfied": r.satisfied,
                    "scores": r.scores,
                    "comment": r.comment,
                    "recorded_by": r.recorded_by,
                    "recorded_at": r.recorded_at,
                }
                for r in s.returns
            ],
            "closed_at": s.closed_at,
        }

    def from_document(self, document: Document) -> Survey:
        d = document
        return Survey(
            site_id=d["site_id"],
            period=d["period"],
            sent_on=date.fromisoformat(d["sent_on"]),
            questions=dict(d["questions"]),
            units=list(d["units"]),
            collect_on=date.fromisoformat(d["collect_on"]),
            collect_on_assumed=d["collect_on_assumed"],
            time_zone=d["time_zone"],
            opened_by=d["opened_by"],
            status=SurveyStatus(d["status"]),
            returns=[
                Return(
                    r["unit_id"],
                    r["satisfied"],
                    dict(r["scores"]),
                    r.get("comment"),
                    r["recorded_by"],
                    r["recorded_at"],
                )
                for r in d["returns"]
            ],
            closed_at=d.get("closed_at"),
        )

    async def of_site(self, site_id: str) -> list[Survey]:
        return await self.find({"site_id": site_id}, sort=[("period", -1)])
