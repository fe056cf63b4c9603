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
from hotline_libs.mongo import Document
from hotline_libs.outbox import OUTBOX_FIELD, outbox_entry
from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError

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


class MongoCallbacks:
    def __init__(self, db: AsyncDatabase[Document]) -> None:
        self._collection = db[CALLBACKS]

    async def schedule(self, callback: Callback, events: list[Event[Any]]) -> bool:
        """Store the scheduled callback with its events; False if it was already scheduled."""
        try:
            result = await self._collection.update_one(
                {"_id": str(callback.callback_id), "scheduled": {"$ne": True}},
                {
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
                },
                upsert=True,
            )
        except DuplicateKeyError:
            return False  # the filter missed because it is already scheduled
        return result.modified_count == 1 or result.upserted_id is not None

    async def attach_charge(
        self,
        callback_id: uuid.UUID,
        charge_id: uuid.UUID,
        charge_no: str,
        total_fen: int,
        raised_at: datetime,
    ) -> None:
        """Note the charge the resident paid, for the callback agent's script."""
        await self._collection.update_one(
            {"_id": str(callback_id)},
            {
                "$set": {
                    "charge": {
                        "charge_id": str(charge_id),
                        "charge_no": charge_no,
                        "total_fen": total_fen,
                        "raised_at": raised_at,
                    }
                }
            },
            upsert=True,
        )

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
        query: Document = {"scheduled": True}
        if sites is not None:
            query["site_id"] = {"$in": sorted(sites)}
        if request_id is not None:
            query["request_id"] = str(request_id)
        if due_on_or_before is not None:
            query["due_on"] = {"$lte": due_on_or_before.isoformat()}
        cursor = self._collection.find(query).sort("due_on", 1).limit(limit)
        return [(_callback(d), d.get("charge")) async for d in cursor]
