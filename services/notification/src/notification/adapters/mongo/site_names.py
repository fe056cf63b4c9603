"""What notification keeps of each site: the name residents know it by and its time zone, as
intake last recorded them (``SiteRecorded``), and the quiet hours the site set."""

from __future__ import annotations

from datetime import datetime

from hotline_libs.mongo import Document
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from notification.domain.sites import DEFAULT_QUIET_HOURS, SiteNotices

SITE_NAMES = "site_names"


class MongoSiteNames:
    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self._collection = db[SITE_NAMES]

    async def name_of(self, site_id: str) -> str | None:
        document = await self._collection.find_one({"_id": site_id}, {"name": 1})
        return None if document is None else document.get("name")

    async def notices_of(self, site_id: str) -> SiteNotices:
        """The site as kept; a site not heard of yet is in the hotline's zone with the
        company's quiet hours."""
        document = await self._collection.find_one({"_id": site_id})
        if document is None:
            return SiteNotices(site_id)
        return SiteNotices(
            site_id,
            name=document.get("name"),
            time_zone=document.get("time_zone"),
            quiet_hours=document.get("quiet_hours", DEFAULT_QUIET_HOURS),
        )

    async def keep(
        self, site_id: str, name: str, recorded_at: datetime, time_zone: str | None = None
    ) -> bool:
        """Keep the site's name and zone unless a later record of it is kept already; True
        when kept. (A site whose quiet hours were set before its record arrived has no record
        time yet.)"""
        kept: Document = {"name": name, "recorded_at": recorded_at}
        if time_zone is not None:
            kept["time_zone"] = time_zone
        try:
            result = await self._collection.update_one(
                {
                    "_id": site_id,
                    "$or": [
                        {"recorded_at": {"$lt": recorded_at}},
                        {"recorded_at": {"$exists": False}},
                    ],
                },
                {"$set": kept},
                upsert=True,
            )
        except DuplicateKeyError:  # a later record is kept: the filter missed, the upsert clashed
            return False
        return result.matched_count > 0 or result.upserted_id is not None

    async def set_quiet_hours(self, site_id: str, quiet_hours: str) -> None:
        await self._collection.update_one(
            {"_id": site_id}, {"$set": {"quiet_hours": quiet_hours}}, upsert=True
        )
