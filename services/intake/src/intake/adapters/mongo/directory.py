"""The directory's residents and units in intake's own database."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from hotline_libs.mongo import Document, listing_query
from hotline_libs.paging import Found, PageRequest
from hotline_libs.unit_of_work import AggregateRepository, EventContext

from contracts import Event
from intake.adapters.outbound import directory_v1
from intake.domain.resident import Language, PreferredChannel, Resident, ResidentDetails
from intake.domain.unit import Occupancy, Unit

RESIDENTS = "residents"
UNITS = "units"


class MongoResidents(AggregateRepository[Resident]):
    collection_name = RESIDENTS

    def identity(self, aggregate: Resident) -> str:
        return str(aggregate.resident_id)

    def to_document(self, aggregate: Resident) -> Document:
        d = aggregate.details
        return {
            "site_id": aggregate.site_id,
            "name": d.name,
            "phones": list(d.phones),
            "email": d.email,
            "preferred_channel": d.preferred_channel.value,
            "language": d.language.value,
            "consents_to_sms": d.consents_to_sms,
            "consents_to_email": d.consents_to_email,
            "updated_at": aggregate.updated_at,
        }

    def from_document(self, document: Document) -> Resident:
        return Resident(
            resident_id=uuid.UUID(document["_id"]),
            site_id=document["site_id"],
            details=ResidentDetails(
                name=document["name"],
                phones=tuple(document["phones"]),
                email=document.get("email"),
                preferred_channel=PreferredChannel(document["preferred_channel"]),
                language=Language(document["language"]),
                consents_to_sms=document["consents_to_sms"],
                consents_to_email=document["consents_to_email"],
            ),
            updated_at=document["updated_at"],
        )

    def to_integration(
        self, aggregate: Resident, event: Any, context: EventContext
    ) -> Event[Any] | None:
        return directory_v1.resident_recorded(aggregate, event, context)

    async def with_phone(
        self, phone: str, sites: frozenset[str] | None = None, *, track: bool = False
    ) -> list[Resident]:
        """The residents one of whose numbers is ``phone`` (E.164), of ``sites``."""
        query = listing_query(sites, phones=phone)
        return await self.find(query, sort=[("site_id", 1), ("_id", 1)], limit=50, track=track)

    async def many(self, resident_ids: set[uuid.UUID]) -> list[Resident]:
        if not resident_ids:
            return []
        return await self.find({"_id": {"$in": sorted(str(r) for r in resident_ids)}})

    async def all_of(self, sites: frozenset[str] | None, site_id: str | None) -> list[Resident]:
        return await self.find(
            listing_query(sites, site_id=site_id), sort=[("site_id", 1), ("name", 1), ("_id", 1)]
        )

    async def listing(
        self,
        *,
        sites: frozenset[str] | None,
        page: PageRequest,
        site_id: str | None = None,
        phone: str | None = None,
    ) -> Found[Resident]:
        query = listing_query(sites, site_id=site_id, phones=phone)
        return await self.page(query, sort=[("site_id", 1), ("name", 1), ("_id", 1)], page=page)


class MongoUnits(AggregateRepository[Unit]):
    collection_name = UNITS

    def identity(self, aggregate: Unit) -> str:
        return aggregate.unit_id

    def to_document(self, aggregate: Unit) -> Document:
        people = aggregate.occupancy
        return {
            "site_id": aggregate.site_id,
            "building": aggregate.building,
            "room": aggregate.room,
            "floor_area_m2": str(aggregate.floor_area_m2),
            "owner_id": str(people.owner_id) if people.owner_id else None,
            "tenant_ids": [str(t) for t in people.tenant_ids],
            "payer_id": str(people.payer_id) if people.payer_id else None,
            # everyone living there, for the caller lookup
            "people": [str(p) for p in (people.owner_id, *people.tenant_ids) if p],
            "updated_at": aggregate.updated_at,
        }

    def from_document(self, document: Document) -> Unit:
        return Unit(
            site_id=document["site_id"],
            building=document["building"],
            room=document["room"],
            floor_area_m2=Decimal(document["floor_area_m2"]),
            occupancy=Occupancy(
                owner_id=_uuid(document.get("owner_id")),
                tenant_ids=tuple(uuid.UUID(t) for t in document.get("tenant_ids", [])),
                payer_id=_uuid(document.get("payer_id")),
            ),
            updated_at=document["updated_at"],
        )

    def to_integration(
        self, aggregate: Unit, event: Any, context: EventContext
    ) -> Event[Any] | None:
        return directory_v1.unit_recorded(aggregate, event, context)

    async def of_people(self, resident_ids: list[uuid.UUID]) -> list[Unit]:
        """The units where any of these residents own or rent."""
        if not resident_ids:
            return []
        query = {"people": {"$in": [str(r) for r in resident_ids]}}
        return await self.find(query, sort=[("_id", 1)], limit=50)

    async def listing(
        self,
        *,
        sites: frozenset[str] | None,
        page: PageRequest,
        site_id: str | None = None,
        building: str | None = None,
    ) -> Found[Unit]:
        query = listing_query(sites, site_id=site_id, building=building)
        return await self.page(
            query, sort=[("site_id", 1), ("building", 1), ("room", 1), ("_id", 1)], page=page
        )

    async def all_of(self, sites: frozenset[str] | None, site_id: str | None) -> list[Unit]:
        return await self.find(
            listing_query(sites, site_id=site_id),
            sort=[("site_id", 1), ("building", 1), ("room", 1)],
        )


def _uuid(value: str | None) -> uuid.UUID | None:
    return uuid.UUID(value) if value else None
