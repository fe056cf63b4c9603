"""The timeline entries intake keeps from other services' events."""

from __future__ import annotations

import uuid
from dataclasses import asdict

from hotline_libs.mongo import Document, insert_once
from pymongo.asynchronous.database import AsyncDatabase

from intake.domain.timeline import TimelineEntry

TIMELINE = "timeline"


class MongoTimeline:
    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self._db = db

    async def add(self, entry: TimelineEntry) -> bool:
        """Keep ``entry`` once: a redelivered event finds it kept."""
        document = asdict(entry) | {"_id": entry.entry_id, "request_id": str(entry.request_id)}
        document.pop("entry_id")
        return await insert_once(self._db, TIMELINE, document)

    async def of_request(self, request_id: uuid.UUID) -> list[TimelineEntry]:
        cursor = (
            self._db[TIMELINE].find({"request_id": str(request_id)}).sort([("at", 1), ("order", 1)])
        )
        return [
            TimelineEntry(
                entry_id=d["_id"],
                request_id=uuid.UUID(d["request_id"]),
                site_id=d["site_id"],
                service=d["service"],
                what=d["what"],
                at=d["at"],
                summary=d["summary"],
                details=d.get("details", {}),
                order=d.get("order", 0),
            )
            async for d in cursor
        ]

    async def requests_with(self, what: str, request_ids: list[str]) -> set[str]:
        """Which of ``request_ids`` have a ``what`` entry (``WorkOrderDispatchOverdue`` …)."""
        cursor = self._db[TIMELINE].find(
            {"what": what, "request_id": {"$in": request_ids}}, {"request_id": 1}
        )
        return {d["request_id"] async for d in cursor}
