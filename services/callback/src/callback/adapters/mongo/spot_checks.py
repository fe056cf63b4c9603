"""Sites' monthly spot checks of callbacks in the callback service's own database."""

from __future__ import annotations

import uuid

from hotline_libs.mongo import Document
from hotline_libs.unit_of_work import AggregateRepository

from callback.domain.spot_check import Check, SpotCheck

SPOT_CHECKS = "spot_checks"


class MongoSpotChecks(AggregateRepository[SpotCheck]):
    collection_name = SPOT_CHECKS

    def identity(self, aggregate: SpotCheck) -> str:
        return f"{aggregate.site_id}:{aggregate.month}"

    def to_document(self, aggregate: SpotCheck) -> Document:
        return {
            "site_id": aggregate.site_id,
            "month": aggregate.month,
            "seed": aggregate.seed,
            "drawn": [str(c) for c in aggregate.drawn],
            "checks": [
                {
                    "callback_id": str(c.callback_id),
                    "confirmed": c.confirmed,
                    "note": c.note,
                    "by": c.by,
                    "at": c.at,
                }
                for c in aggregate.checks
            ],
            "checked": len(aggregate.checks),
        }

    def from_document(self, document: Document) -> SpotCheck:
        return SpotCheck(
            site_id=document["site_id"],
            month=document["month"],
            seed=document["seed"],
            drawn=[uuid.UUID(c) for c in document["drawn"]],
            checks=[
                Check(uuid.UUID(c["callback_id"]), c["confirmed"], c.get("note"), c["by"], c["at"])
                for c in document["checks"]
            ],
        )

    async def checked_in(self, site_id: str, month: str) -> int:
        found = await self._collection.find_one({"_id": f"{site_id}:{month}"}, {"checked": 1})
        return int(found["checked"]) if found else 0

    async def of_month(self, month: str, sites: frozenset[str] | None) -> list[SpotCheck]:
        query: Document = {"month": month}
        if sites is not None:
            query["site_id"] = {"$in": sorted(sites)}
        return await self.find(query, sort=[("site_id", 1)])
