"""The names residents know the sites by, as intake last recorded them (``SiteRecorded``)."""

from __future__ import annotations

from datetime import datetime

from hotline_libs.mongo import Document
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

SITE_NAMES = "site_names"


class MongoSiteNames:
    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self._collection = db[SITE_NAMES]

    async def name_of(self, site_id: str) -> str | None:
        document = await self._collection.find_one({"_id": site_id}, {"name": 1})
        return None if document is None else str(document["name"])

    async def keep(self, site_id: str, name: str, recorded_at: datetime) -> bool:
        """Keep the site's name unless a later record of it is kept already; True when kept."""
        try:
            result = await self._collection.update_one(
                {"_id": site_id, "recorded_at": {"$lt": recorded_at}},
                {"$set": {"name": name, "recorded_at": recorded_at}},
                upsert=True,
            )
        except (
            DuplicateKeyError
        ):  # a later record is kept: the filter missed it, the upsert clashed
            return False
        return result.matched_count > 0 or result.upserted_id is not None
