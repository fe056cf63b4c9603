"""Callbacks in the callback service's own database.

A callback document may be created by either of two events, in either order (the charge and
the completion travel on different topics): each handler writes only its own fields, with an
upsert, so the document ends the same whichever comes first.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from contracts.callback.v1 import CallbackReason
from contracts.envelope import PaymentMethod, Resident
from hotline_libs.mongo import Document, listing_query
from hotline_libs.outbox import OUTBOX_FIELD, outbox_entry
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError
from pymongo.results import UpdateResult

from callback.domain.model import Callback
from contracts import Event

CALLBACKS = "callbacks"


def _callback(document: Document) -> Callback:
    return Callback(
        callback_id=uuid.UUID(document["_id"]),
        work_order_id=uuid.UUID(document["work_order_id"]),
        request_id=uuid.UUID(document["request_id"]),
        request_no=document["request_no"],
        site_id=document["site_id"],
        resident=Resident.model_validate(document["resident"]),
        reason=CallbackReason(document["reason"]),
        payment_method=PaymentMethod(document["payment_method"])
        if document.get("payment_method")
        else None,
        completed_at=document["completed_at"],
        due_on=date.fromisoformat(document["due_on"]),
        scheduled_at=document["scheduled_at"],
    )


async def _upsert(
    collection: AsyncCollection[Document], query: Document, update: Document
) -> UpdateResult | None:
    """Upsert that survives a concurrent upsert of the same ``_id``.

    Two handlers of this service may create the same document at once (a completion and a
    charge); the loser's insert clashes on ``_id``. Trying once more lets the filter decide
    against the document that now exists. None when it clashes again: the filter excludes
    the existing document.
    """
    for _ in range(2):
        try:
            return await collection.update_one(query, update, upsert=True)
        except DuplicateKeyError:
            continue
    return None


class MongoCallbacks:
    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self._collection = db[CALLBACKS]

    async def schedule(self, callback: Callback, events: list[Event[Any]]) -> bool:
        """Store the scheduled callback with its events; False if it was already scheduled."""
        update = {
            "$set": {
                "scheduled": True,
                "status": "scheduled",
                "work_order_id": str(callback.work_order_id),
                "request_id": str(callback.request_id),
                "request_no": callback.request_no,
                "site_id": callback.site_id,
                "resident": callback.resident.model_dump(),
                "reason": callback.reason.value,
                "payment_method": callback.payment_method.value
                if callback.payment_method
                else None,
                "completed_at": callback.completed_at,
                "due_on": callback.due_on.isoformat(),
                "scheduled_at": callback.scheduled_at,
            },
            "$push": {OUTBOX_FIELD: {"$each": [outbox_entry(e) for e in events]}},
        }
        not_yet_scheduled = {"_id": str(callback.callback_id), "scheduled": {"$ne": True}}
        result = await _upsert(self._collection, not_yet_scheduled, update)
        # None: the document exists and is scheduled already (the filter missed, the insert clashed)
        return result is not None and (result.modified_count == 1 or result.upserted_id is not None)

    async def attach_charge(
        self,
        callback_id: uuid.UUID,
        charge_id: uuid.UUID,
        charge_no: str,
        total_fen: int,
        raised_at: datetime,
    ) -> None:
        """Note the charge the resident paid, for the callback agent's script."""
        charge = {
            "charge_id": str(charge_id),
            "charge_no": charge_no,
            "total_fen": total_fen,
            "raised_at": raised_at,
        }
        await _upsert(self._collection, {"_id": str(callback_id)}, {"$set": {"charge": charge}})

    async def get(self, callback_id: uuid.UUID) -> tuple[Callback, Document | None] | None:
        document = await self._collection.find_one({"_id": str(callback_id), "scheduled": True})
        return None if document is None else (_callback(document), document.get("charge"))

    async def find(
        self,
        *,
        sites: frozenset[str] | None,
        request_id: uuid.UUID | None,
        due_on_or_before: date | None,
        limit: int,
    ) -> list[tuple[Callback, Document | None]]:
        query = listing_query(
            sites,
            scheduled=True,
            request_id=str(request_id) if request_id else None,
            due_on={"$lte": due_on_or_before.isoformat()} if due_on_or_before else None,
        )
        cursor = self._collection.find(query).sort("due_on", 1).limit(limit)
        return [(_callback(d), d.get("charge")) async for d in cursor]
