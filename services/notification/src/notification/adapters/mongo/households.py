"""The site's households as intake last recorded them: one document per unit and one per
resident, the latest record of each by ``recorded_at`` (``keep_newer``)."""

from __future__ import annotations

import uuid
from collections.abc import Collection

from hotline_libs.mongo import Document, keep_newer
from pymongo import ReturnDocument
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

from notification.domain.households import Household, Kept, Member

HOUSEHOLDS = "households"
MEMBERS = "household_members"


def _uuid(value: str | None) -> uuid.UUID | None:
    return uuid.UUID(value) if value else None


def _household(d: Document) -> Household:
    return Household(
        site_id=d["site_id"],
        building=d["building"],
        room=d["room"],
        owner_id=_uuid(d.get("owner_id")),
        payer_id=_uuid(d.get("payer_id")),
        recorded_at=d["recorded_at"],
    )


def _member(d: Document) -> Member:
    return Member(
        resident_id=uuid.UUID(d["_id"]),
        site_id=d["site_id"],
        name=d["name"],
        phone=d.get("phone"),
        email=d.get("email"),
        prefers_email=d["prefers_email"],
        consents_to_sms=d["consents_to_sms"],
        consents_to_email=d["consents_to_email"],
        recorded_at=d["recorded_at"],
        language=d.get("language", "zh-CN"),  # none kept before languages were
    )


class MongoHouseholds:
    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self._households = db[HOUSEHOLDS]
        self._members = db[MEMBERS]

    async def keep(self, household: Household) -> bool:
        h = household
        return await keep_newer(
            self._households,
            f"{h.site_id}:{h.building}:{h.room}",
            "recorded_at",
            {
                "site_id": h.site_id,
                "building": h.building,
                "room": h.room,
                "owner_id": str(h.owner_id) if h.owner_id else None,
                "payer_id": str(h.payer_id) if h.payer_id else None,
                "recorded_at": h.recorded_at,
            },
        )

    async def keep_member(self, member: Member) -> Kept:
        """Keep the record unless a later one is kept (the same record again is written
        again): in one write, which also answers the record it replaced, so that a language
        changed back or an address given up is known without another read."""
        m = member
        try:
            before = await self._members.find_one_and_update(
                {"_id": str(m.resident_id), "recorded_at": {"$lte": m.recorded_at}},
                {
                    "$set": {
                        "site_id": m.site_id,
                        "name": m.name,
                        "phone": m.phone,
                        "email": m.email,
                        "prefers_email": m.prefers_email,
                        "consents_to_sms": m.consents_to_sms,
                        "consents_to_email": m.consents_to_email,
                        "recorded_at": m.recorded_at,
                        "language": m.language,
                    }
                },
                upsert=True,
                return_document=ReturnDocument.BEFORE,
            )
        except DuplicateKeyError:  # a later record is kept: the filter missed, the upsert clashed
            return Kept(False, None)
        return Kept(True, None if before is None else _member(before))

    async def of_site(self, site_id: str) -> list[Household]:
        """The site's units by building and room."""
        cursor = self._households.find({"site_id": site_id}).sort([("building", 1), ("room", 1)])
        return [_household(d) async for d in cursor]

    async def members(self, resident_ids: Collection[uuid.UUID]) -> dict[uuid.UUID, Member]:
        cursor = self._members.find({"_id": {"$in": sorted(map(str, resident_ids))}})
        return {m.resident_id: m for m in [_member(d) async for d in cursor]}

    async def units_at(self, site_id: str) -> list[Household]:
        """The site's units in no order (a broadcast sorts them itself, sparing the store)."""
        return [_household(d) async for d in self._households.find({"site_id": site_id})]

    async def members_at(self, site_id: str) -> dict[uuid.UUID, Member]:
        """Every resident recorded at the site (a broadcast's readers, read by site, not by id)."""
        cursor = self._members.find({"site_id": site_id})
        return {m.resident_id: m for m in [_member(d) async for d in cursor]}
