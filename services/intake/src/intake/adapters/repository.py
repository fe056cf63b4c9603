"""Service requests and sites in intake's own database."""

from __future__ import annotations

import uuid
from dataclasses import asdict
from typing import Any

from contracts.intake.v1 import Channel, RequestKind
from hotline_libs.mongo import Document, insert_once, listing_query
from hotline_libs.outbox import OUTBOX_FIELD, outbox_entry
from pymongo.asynchronous.database import AsyncDatabase

from contracts import Event
from intake.domain.model import RequestedItem, ResidentContact, ServiceRequest, Site

REQUESTS = "service_requests"
SITES = "sites"


def _to_document(request: ServiceRequest, events: list[Event[Any]]) -> Document:
    return {
        "_id": str(request.request_id),
        "request_no": request.request_no,
        "site_id": request.site_id,
        "kind": request.kind.value,
        "category": request.category,
        "description": request.description,
        "resident": asdict(request.resident),
        "channel": request.channel.value,
        "requested_items": [asdict(item) for item in request.requested_items],
        "appointment_at": request.appointment_at,
        "registered_at": request.registered_at,
        "accepted_at": request.accepted_at,
        "status": "accepted",
        "fingerprint": request.fingerprint,
        OUTBOX_FIELD: [outbox_entry(event) for event in events],
    }


def _from_document(document: Document) -> ServiceRequest:
    return ServiceRequest(
        request_id=uuid.UUID(document["_id"]),
        request_no=document["request_no"],
        site_id=document["site_id"],
        kind=RequestKind(document["kind"]),
        category=document["category"],
        description=document["description"],
        resident=ResidentContact(**document["resident"]),
        channel=Channel(document["channel"]),
        requested_items=tuple(RequestedItem(**item) for item in document["requested_items"]),
        appointment_at=document.get("appointment_at"),
        registered_at=document["registered_at"],
        accepted_at=document["accepted_at"],
        fingerprint=document.get("fingerprint", ""),
    )


class MongoServiceRequests:
    """Stores a request together with the events it causes, in one document write."""

    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self._db = db

    async def add(self, request: ServiceRequest, events: list[Event[Any]]) -> bool:
        """Store ``request`` with ``events`` in its outbox; False if its id is already stored."""
        return await insert_once(self._db, REQUESTS, _to_document(request, events))

    async def get(self, request_id: uuid.UUID) -> ServiceRequest | None:
        document = await self._db[REQUESTS].find_one({"_id": str(request_id)})
        return None if document is None else _from_document(document)

    async def list_for_sites(
        self, sites: frozenset[str] | None, limit: int
    ) -> list[ServiceRequest]:
        query = listing_query(sites)
        cursor = self._db[REQUESTS].find(query).sort("accepted_at", -1).limit(limit)
        return [_from_document(document) async for document in cursor]


class MongoSites:
    """The sites intake serves, with their service scope."""

    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self._db = db

    @staticmethod
    def _site(document: Document) -> Site:
        return Site(
            site_id=document["_id"],
            code=document["code"],
            name=document["name"],
            services=frozenset(RequestKind(kind) for kind in document["services"]),
        )

    async def get(self, site_id: str) -> Site | None:
        document = await self._db[SITES].find_one({"_id": site_id})
        return None if document is None else self._site(document)

    async def all(self) -> list[Site]:
        return [self._site(document) async for document in self._db[SITES].find({}).sort("_id", 1)]

    async def save(self, site: Site) -> None:
        await self._db[SITES].replace_one(
            {"_id": site.site_id},
            {
                "code": site.code,
                "name": site.name,
                "services": sorted(k.value for k in site.services),
            },
            upsert=True,
        )
