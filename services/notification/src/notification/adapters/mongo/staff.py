"""The staff as intake last recorded each of them (``StaffRecorded``), for whom an emergency
alerts and who is sent a monthly report: one document per member, the latest record by
``recorded_at``."""

from __future__ import annotations

from collections.abc import Collection

from hotline_libs.mongo import Document
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from notification.domain.staff import StaffMember

STAFF = "staff"


def _member(document: Document) -> StaffMember:
    return StaffMember(
        staff_id=document["_id"],
        site_id=document["site_id"],
        name=document["name"],
        roles=frozenset(document["roles"]),
        phones=tuple(document["phones"]),
        email=document.get("email"),
        active=document["active"],
        recorded_at=document["recorded_at"],
        # kept before liaisons were: none until intake records them again
        information_liaison=document.get("information_liaison", False),
    )


class MongoStaff:
    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self._collection = db[STAFF]

    async def keep(self, member: StaffMember) -> bool:
        """Keep the record unless a later one of them is kept already (a redelivered or older
        event changes nothing); True when kept."""
        try:
            result = await self._collection.update_one(
                {"_id": member.staff_id, "recorded_at": {"$lt": member.recorded_at}},
                {
                    "$set": {
                        "site_id": member.site_id,
                        "name": member.name,
                        "roles": sorted(member.roles),
                        "phones": list(member.phones),
                        "email": member.email,
                        "active": member.active,
                        "recorded_at": member.recorded_at,
                        "information_liaison": member.information_liaison,
                    }
                },
                upsert=True,
            )
        except (
            DuplicateKeyError
        ):  # a later record is kept: the filter missed it, the upsert clashed
            return False
        return result.matched_count > 0 or result.upserted_id is not None

    async def at_sites(
        self, site_ids: Collection[str], roles: Collection[str]
    ) -> list[StaffMember]:
        cursor = self._collection.find(
            {
                "site_id": {"$in": sorted(map(str, site_ids))},
                "roles": {"$in": sorted(map(str, roles))},
            }
        )
        return [_member(document) async for document in cursor]

    async def at_site_or_with_roles(
        self, site_id: str, roles: Collection[str]
    ) -> list[StaffMember]:
        cursor = self._collection.find(
            {"$or": [{"site_id": site_id}, {"roles": {"$in": sorted(map(str, roles))}}]}
        )
        return [_member(document) async for document in cursor]

    async def names(self, staff_ids: Collection[str]) -> dict[str, str]:
        cursor = self._collection.find({"_id": {"$in": sorted(staff_ids)}}, {"name": 1})
        return {document["_id"]: document["name"] async for document in cursor}
